//! Fitting a table and its footer to the terminal: the least important
//! columns are dropped until the rest fit, text columns wrap between words
//! (never inside one), numbers never wrap, and every footer line is wrapped
//! to the width too. The caller names the hidden columns.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, Color, ContentArrangement, Table};
use unicode_width::UnicodeWidthStr;

/// A column of a fitted table.
pub(crate) struct Column {
    pub(crate) header: String,
    /// Right-aligned, and never wrapped.
    pub(crate) numeric: bool,
    /// How soon the column is dropped when the table is too wide: lower
    /// goes first; 0 never.
    pub(crate) drop_order: u8,
    /// For a text column that may wrap between words: the narrowest it may
    /// get before columns are dropped. `None`: never wraps.
    pub(crate) wrap_at_least: Option<usize>,
}

/// Which columns are shown, and how wide each one's content may be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Layout {
    /// Indices of the shown columns, in order.
    pub(crate) visible: Vec<usize>,
    /// The content width of each shown column (same order as `visible`).
    pub(crate) widths: Vec<usize>,
}

/// How many terminal columns `text` takes (its widest line).
pub fn width_of(text: &str) -> usize {
    text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

/// Each column costs its content plus two spaces of padding and a border;
/// the table one border more.
fn table_width(widths: impl Iterator<Item = usize>) -> usize {
    // Terminal widths: far from the end of `usize`.
    widths.fold(1usize, |total, w| total.saturating_add(w.saturating_add(3)))
}

/// Drop the least important columns until the rest fit `width` (numbers
/// whole, text columns at their narrowest allowed), then widen the text
/// columns toward their content with what is left. Without a width,
/// everything at its content width.
pub(crate) fn layout(columns: &[Column], rows: &[Vec<String>], width: Option<usize>) -> Layout {
    let natural: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(index, column)| {
            rows.iter()
                .filter_map(|row| row.get(index))
                .map(|cell| width_of(cell))
                .chain(std::iter::once(width_of(&column.header)))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let narrowest: Vec<usize> = columns
        .iter()
        .zip(&natural)
        .map(|(column, natural)| match column.wrap_at_least {
            Some(least) => (*natural).min(least.max(width_of(&column.header))),
            None => *natural,
        })
        .collect();
    let mut visible: Vec<usize> = (0..columns.len()).collect();
    let Some(width) = width else {
        return Layout {
            widths: natural,
            visible,
        };
    };
    // `visible` holds indexes of `columns`, as `narrowest` and `natural` do.
    let narrowest_of = |visible: &[usize]| -> Vec<usize> {
        visible
            .iter()
            .filter_map(|i| narrowest.get(*i).copied())
            .collect()
    };
    let needed = |visible: &[usize]| table_width(narrowest_of(visible).into_iter());
    let mut droppable: Vec<(usize, &Column)> = columns
        .iter()
        .enumerate()
        .filter(|(_, column)| column.drop_order > 0)
        .collect();
    droppable.sort_by_key(|(_, column)| column.drop_order);
    for (column, _) in droppable {
        if needed(&visible) <= width {
            break;
        }
        visible.retain(|i| *i != column);
    }
    let mut widths = narrowest_of(&visible);
    // What is left widens the text columns toward their content, first
    // column first: the client's name whole before the flags unwrap.
    let mut spare = width.saturating_sub(needed(&visible));
    for (slot, index) in widths.iter_mut().zip(&visible) {
        let content = natural.get(*index).copied().unwrap_or(*slot);
        let more = content.saturating_sub(*slot).min(spare);
        *slot = slot.saturating_add(more);
        spare = spare.saturating_sub(more);
    }
    Layout { visible, widths }
}

/// `text` cut to `max` columns, the cut marked with "…".
pub(crate) fn cut(text: &str, max: usize) -> String {
    if width_of(text) <= max {
        return text.to_string();
    }
    let mut kept = String::new();
    let mut used = 0usize;
    for ch in text.chars() {
        let width = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        // Room for the mark.
        if used.saturating_add(width).saturating_add(1) > max {
            break;
        }
        kept.push(ch);
        used = used.saturating_add(width);
    }
    kept.push('…');
    kept
}

/// `text` in lines of at most `width` columns, broken only between words
/// (at spaces). A word longer than a line is cut, marked with "…": the
/// table shows it in full in every other format.
pub(crate) fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let word = cut(word, width);
        if line.is_empty() {
            line = word;
        } else if width_of(&line)
            .saturating_add(1)
            .saturating_add(width_of(&word))
            <= width
        {
            line.push(' ');
            line.push_str(&word);
        } else {
            lines.push(std::mem::take(&mut line));
            line = word;
        }
    }
    lines.push(line);
    lines
}

/// A footer line wrapped to `width` between words, the lines after the
/// first indented by two spaces; `None` leaves it whole. A word is never
/// cut here: footer words are figures and short labels.
pub(crate) fn wrap_footer(text: &str, width: Option<usize>) -> String {
    let Some(width) = width else {
        return format!("{text}\n");
    };
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if line.is_empty() {
            line = word.to_string();
        } else if width_of(&line)
            .saturating_add(1)
            .saturating_add(width_of(word))
            <= width
        {
            line.push(' ');
            line.push_str(word);
        } else {
            out.push_str(&line);
            out.push('\n');
            line = format!("  {word}");
        }
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// The table as text: the shown columns at their widths, text cells
/// wrapped between words. `color` gives a cell's colour (row, column), used
/// only when `styled`.
pub(crate) fn render(
    columns: &[Column],
    rows: &[Vec<String>],
    layout: &Layout,
    styled: bool,
    color: impl Fn(usize, usize) -> Option<Color>,
) -> String {
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    if styled {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    // The layout has made every cell fit: the library must not wrap again
    // (it would split words).
    table.set_content_arrangement(ContentArrangement::Disabled);
    table.set_header(
        layout
            .visible
            .iter()
            .filter_map(|i| columns.get(*i))
            .map(|column| column.header.as_str())
            .collect::<Vec<_>>(),
    );
    for (row_index, row) in rows.iter().enumerate() {
        let cells: Vec<Cell> = layout
            .visible
            .iter()
            .zip(&layout.widths)
            .filter_map(|(index, width)| Some((index, width, columns.get(*index)?)))
            .map(|(index, width, column)| {
                let text = row.get(*index).map_or("", String::as_str);
                let mut cell = if column.numeric {
                    Cell::new(text).set_alignment(CellAlignment::Right)
                } else if column.wrap_at_least.is_some() {
                    Cell::new(wrap_words(text, *width).join("\n"))
                } else {
                    Cell::new(text)
                };
                if styled && let Some(color) = color(row_index, *index) {
                    cell = cell.fg(color);
                }
                cell
            })
            .collect();
        table.add_row(cells);
    }
    table.to_string()
}

/// The headers of the columns `layout` leaves out.
pub(crate) fn hidden<'a>(columns: &'a [Column], layout: &Layout) -> Vec<&'a str> {
    columns
        .iter()
        .enumerate()
        .filter(|(i, _)| !layout.visible.contains(i))
        .map(|(_, column)| column.header.as_str())
        .collect()
}

/// The line under a table that left columns out.
pub(crate) fn hidden_note(hidden: &[&str]) -> Option<String> {
    (!hidden.is_empty()).then(|| {
        format!(
            "Narrow terminal: hidden {} (widen it, or use --format csv or json for every figure).",
            hidden.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_between_words_and_an_overlong_word_is_cut_not_split() {
        assert_eq!(
            wrap_words("late-payer, seriously-overdue", 18),
            ["late-payer,", "seriously-overdue"]
        );
        assert_eq!(wrap_words("Massive Dynamic", 20), ["Massive Dynamic"]);
        assert_eq!(wrap_words("Massive Dynamic", 10), ["Massive", "Dynamic"]);
        assert_eq!(
            wrap_words("Supercalifragilistic Ltd", 10),
            ["Supercali…", "Ltd"]
        );
        // Wide characters count two columns.
        assert_eq!(width_of("日本"), 4);
        assert_eq!(wrap_words("日本 商事", 5), ["日本", "商事"]);
        assert_eq!(cut("日本商事", 5), "日本…");
        assert_eq!(cut("abcdef", 6), "abcdef");
        assert_eq!(cut("abcdefg", 6), "abcde…");
    }

    #[test]
    fn footers_wrap_with_an_indent_and_never_cut() {
        assert_eq!(
            wrap_footer("Totals: 32 clients · revenue 2,561,701.44", Some(20)),
            "Totals: 32 clients ·\n  revenue\n  2,561,701.44\n"
        );
        assert_eq!(wrap_footer("a b", None), "a b\n");
    }

    fn column(header: &str, drop_order: u8, wrap: Option<usize>) -> Column {
        Column {
            header: header.to_string(),
            numeric: wrap.is_none(),
            drop_order,
            wrap_at_least: wrap,
        }
    }

    #[test]
    fn the_least_important_columns_go_first_and_text_takes_what_is_left() {
        let columns = [
            column("name", 0, Some(6)),
            column("big", 0, None),
            column("extra", 1, None),
            column("more", 2, None),
        ];
        let rows = vec![vec![
            "Alpha Beta Gamma".to_string(),
            "1,000.00".to_string(),
            "12345".to_string(),
            "7".to_string(),
        ]];
        // Natural widths 16, 8, 5, 4: all fit in 1 + 19 + 11 + 8 + 7 = 46.
        let all = layout(&columns, &rows, Some(46));
        assert_eq!(all.visible, [0, 1, 2, 3]);
        assert_eq!(all.widths, [16, 8, 5, 4]);
        // At 40: narrowest 6 + 8 + 5 + 4 → 1 + 9 + 11 + 8 + 7 = 36 fits,
        // and the 4 columns spare widen the name to 10.
        let narrow = layout(&columns, &rows, Some(40));
        assert_eq!(narrow.visible, [0, 1, 2, 3]);
        assert_eq!(narrow.widths, [10, 8, 5, 4]);
        // At 30: without "extra" (drop order 1) 1 + 9 + 11 + 7 = 28 fits.
        let narrower = layout(&columns, &rows, Some(30));
        assert_eq!(narrower.visible, [0, 1, 3]);
        assert_eq!(hidden(&columns, &narrower), ["extra"]);
        let text = render(&columns, &rows, &narrower, false, |_, _| None);
        for line in text.lines() {
            assert!(width_of(line) <= 30, "{line:?}");
        }
        assert!(text.contains("Alpha") && text.contains("Gamma"), "{text}");
    }
}
