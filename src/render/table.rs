//! The terminal table: ranked clients, then a footer with totals, verdict
//! counts and the Pareto line.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement, Table};

use super::{Style, Width, grouped, safe};

/// The most of a client name a table row shows: names are untrusted text,
/// and one of megabytes would swamp the terminal (and overflows the
/// table library's 16-bit widths). `explain` and the other formats show
/// names whole.
const NAME_CHARS: usize = 60;

/// `text` cut to `max` characters, the cut marked with "…".
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some(_) => {
            let kept: String = text.chars().take(max.saturating_sub(1)).collect();
            format!("{kept}…")
        }
    }
}
use crate::assess::Verdict;
use crate::report::Report;

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_string(), |v| format!("{:.0}%", v * 100.0))
}

fn verdict_color(verdict: Verdict) -> Color {
    match verdict {
        Verdict::Fire => Color::Red,
        Verdict::Refer => Color::Magenta,
        Verdict::Restructure => Color::Yellow,
        Verdict::Keep => Color::Green,
    }
}

/// A table column: its header, whether it holds a number (right-aligned),
/// and how soon it is dropped when the terminal is narrow (lower goes
/// first; 0 never). Only the client and flags columns wrap.
struct Column {
    header: &'static str,
    numeric: bool,
    drop_order: u8,
}

impl Column {
    fn wraps(&self) -> bool {
        matches!(self.header, "client" | "flags")
    }
}

const COLUMNS: [Column; 13] = [
    Column {
        header: "#",
        numeric: true,
        drop_order: 0,
    },
    Column {
        header: "client",
        numeric: false,
        drop_order: 0,
    },
    Column {
        header: "revenue",
        numeric: true,
        drop_order: 0,
    },
    Column {
        header: "cost to serve",
        numeric: true,
        drop_order: 5,
    },
    Column {
        header: "profit",
        numeric: true,
        drop_order: 0,
    },
    Column {
        header: "margin",
        numeric: true,
        drop_order: 7,
    },
    Column {
        header: "overdue",
        numeric: true,
        drop_order: 6,
    },
    Column {
        header: "late %",
        numeric: true,
        drop_order: 4,
    },
    Column {
        header: "tickets",
        numeric: true,
        drop_order: 3,
    },
    Column {
        header: "no-shows",
        numeric: true,
        drop_order: 2,
    },
    Column {
        header: "scope chg",
        numeric: true,
        drop_order: 1,
    },
    Column {
        header: "flags",
        numeric: false,
        drop_order: 0,
    },
    Column {
        header: "verdict",
        numeric: false,
        drop_order: 0,
    },
];

/// Narrowest a wrapping text column may get before columns are dropped:
/// the longest flag id ("seriously-overdue,") must fit on one line.
const MIN_TEXT_WIDTH: usize = 18;

/// Which columns fit `width`, and how narrow the wrapping text columns may
/// get: drop the least important columns until the numbers fit unwrapped
/// and the text columns keep `MIN_TEXT_WIDTH`; if even the essential
/// columns do not fit, the text columns share what is left (at least 6).
fn visible_columns(rows: &[Vec<String>], width: Option<usize>) -> (Vec<usize>, usize) {
    let content_width = |index: usize| {
        rows.iter()
            .map(|row| row[index].chars().count())
            .chain(std::iter::once(COLUMNS[index].header.chars().count()))
            .max()
            .unwrap_or(0)
    };
    let mut visible: Vec<usize> = (0..COLUMNS.len()).collect();
    let Some(width) = width else {
        return (visible, MIN_TEXT_WIDTH);
    };
    // Each column costs its content plus two padding spaces and a border,
    // and the table one more border.
    let fixed = |visible: &[usize]| -> usize {
        1 + visible
            .iter()
            .filter(|i| !COLUMNS[**i].wraps())
            .map(|i| content_width(*i) + 3)
            .sum::<usize>()
    };
    let wrapping = |visible: &[usize]| -> Vec<usize> {
        visible
            .iter()
            .copied()
            .filter(|i| COLUMNS[*i].wraps())
            .collect()
    };
    let needed = |visible: &[usize]| -> usize {
        fixed(visible)
            + wrapping(visible)
                .iter()
                .map(|i| content_width(*i).min(MIN_TEXT_WIDTH) + 3)
                .sum::<usize>()
    };
    let mut droppable: Vec<usize> = (0..COLUMNS.len())
        .filter(|i| COLUMNS[*i].drop_order > 0)
        .collect();
    droppable.sort_by_key(|i| COLUMNS[*i].drop_order);
    for column in droppable {
        if needed(&visible) <= width {
            break;
        }
        visible.retain(|i| *i != column);
    }
    let text_width = if needed(&visible) <= width {
        MIN_TEXT_WIDTH
    } else {
        let texts = wrapping(&visible).len().max(1);
        (width.saturating_sub(fixed(&visible)) / texts)
            .saturating_sub(3)
            .max(6)
    };
    (visible, text_width)
}

/// Cumulative profit as a one-line chart of block characters, resampled
/// to at most `width` columns (zero is the bottom when profits are all
/// positive).
pub fn sparkline(points: &[rust_decimal::Decimal], width: usize) -> String {
    const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    if points.is_empty() || width == 0 {
        return String::new();
    }
    let values: Vec<f64> = points
        .iter()
        .map(|p| super::ratio_of(*p, rust_decimal::Decimal::ONE))
        .collect();
    let low = values.iter().copied().fold(0.0f64, f64::min);
    let high = values.iter().copied().fold(0.0f64, f64::max);
    let columns = values.len().min(width);
    (0..columns)
        .map(|column| {
            let index = column * values.len() / columns;
            let level = if high > low {
                (values[index] - low) / (high - low)
            } else {
                0.0
            };
            BLOCKS[((level * 7.0).round() as usize).min(7)]
        })
        .collect()
}

pub fn render(report: &Report, style: Style) -> String {
    let rows: Vec<Vec<String>> = report
        .shown()
        .map(|client| {
            let m = &client.metrics;
            let flags: Vec<&str> = client
                .assessment
                .flags
                .iter()
                .map(|f| f.id.name())
                .collect();
            let mut name = shorten(&safe::terminal(&client.name), NAME_CHARS);
            if client
                .assessment
                .guard
                .as_ref()
                .is_some_and(|g| g.held_from.is_some())
            {
                name.push_str(" †");
            }
            vec![
                client.rank.to_string(),
                name,
                grouped(m.revenue),
                grouped(m.cost_to_serve),
                grouped(m.profit),
                percent(m.margin),
                grouped(m.overdue),
                percent(m.late_share),
                m.tickets.to_string(),
                m.no_shows.to_string(),
                m.scope_changes.to_string(),
                if flags.is_empty() {
                    "–".to_string()
                } else {
                    flags.join(", ")
                },
                client.assessment.verdict.name().to_string(),
            ]
        })
        .collect();
    let fixed_width = match style.width {
        Width::Fixed(width) => Some(width),
        Width::Terminal => comfy_table::Table::new().width(),
        Width::Unlimited => None,
    };
    let (visible, text_width) = visible_columns(&rows, fixed_width.map(usize::from));

    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    if style.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    match fixed_width {
        Some(width) => {
            table.set_content_arrangement(ContentArrangement::Dynamic);
            table.set_width(width);
        }
        None => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    table.set_header(
        visible
            .iter()
            .map(|i| COLUMNS[*i].header)
            .collect::<Vec<_>>(),
    );
    for (row, client) in rows.iter().zip(report.shown()) {
        let cells: Vec<Cell> = visible
            .iter()
            .map(|i| {
                let mut cell = Cell::new(&row[*i]);
                if COLUMNS[*i].numeric {
                    cell = cell.set_alignment(CellAlignment::Right);
                }
                if COLUMNS[*i].header == "verdict" && style.color {
                    cell = cell.fg(verdict_color(client.assessment.verdict));
                }
                cell
            })
            .collect();
        table.add_row(cells);
    }
    for (position, index) in visible.iter().enumerate() {
        let Some(column) = table.column_mut(position) else {
            continue;
        };
        if COLUMNS[*index].wraps() {
            // No wider than its content needs (short names must not widen
            // the table past what `visible_columns` budgeted), and the
            // bound counts the two padding spaces too.
            let content = rows
                .iter()
                .filter_map(|row| row.get(*index))
                .map(|cell| cell.chars().count())
                .chain(std::iter::once(COLUMNS[*index].header.chars().count()))
                .max()
                .unwrap_or(0);
            let bound =
                u16::try_from(text_width.min(content).saturating_add(2)).unwrap_or(u16::MAX);
            column.set_constraint(ColumnConstraint::LowerBoundary(comfy_table::Width::Fixed(
                bound,
            )));
        } else {
            column.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    let hidden: Vec<&str> = (0..COLUMNS.len())
        .filter(|i| !visible.contains(i))
        .map(|i| COLUMNS[i].header)
        .collect();

    let mut out = String::new();
    out.push_str(&format!(
        "clientfit — {} to {} (as of {}, {} {})\n",
        report.period.from,
        report.period.to,
        report.period.as_of,
        report.period.days,
        super::plural(report.period.days.unsigned_abs(), "day", "days")
    ));
    out.push_str(&table.to_string());
    out.push('\n');
    if !hidden.is_empty() {
        out.push_str(&format!(
            "Narrow terminal: hidden {} (widen it, or use --format csv or json for every figure).\n",
            hidden.join(", ")
        ));
    }
    let notes = report.notes();
    let (showing, warnings): (Vec<_>, Vec<_>) = notes
        .into_iter()
        .partition(|note| matches!(note, crate::report::Note::Showing { .. }));
    out.push_str(&super::notes_as_text(&showing));
    // On a wide terminal, the whale curve itself, under its summary line.
    let columns = match style.width {
        Width::Fixed(width) => Some(usize::from(width)),
        Width::Terminal => comfy_table::Table::new().width().map(usize::from),
        Width::Unlimited => None,
    };
    for (label, text) in super::summary(report) {
        out.push_str(&format!("{label}: {text}\n"));
        if label == "Whale curve"
            && style.terminal
            && let Some(columns) = columns.filter(|c| *c >= 60)
        {
            out.push_str(&format!(
                "             {} (cumulative profit, most profitable client first)\n",
                sparkline(&report.portfolio.whale.points, columns - 60)
            ));
        }
    }
    if super::any_guard_held(report) {
        out.push_str("† guarded (strategic or a large share of revenue): held at restructure\n");
    }
    // Last, where a reader of the emailed table sees them: what the run
    // skipped or assumed (the same lines as on standard error).
    out.push_str(&super::notes_as_text(&warnings));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn sparkline_rises_to_the_peak_and_falls_with_the_tail() {
        // Cumulative 0 → 100 → 70: the lowest block at 0, the highest at 100.
        let points: Vec<Decimal> = [50, 100, 70].iter().map(|v| Decimal::from(*v)).collect();
        assert_eq!(sparkline(&points, 10), "▅█▆");
        // Resampled to fit.
        let many: Vec<Decimal> = (1..=100).map(Decimal::from).collect();
        assert_eq!(sparkline(&many, 4).chars().count(), 4);
        assert_eq!(sparkline(&[], 10), "");
    }
}
