//! The terminal table: ranked clients, then a footer with totals, verdict
//! counts and the Pareto line.

use comfy_table::Color;

use super::fit::{self, Column};
use super::{Style, Width};
use crate::numbers::grouped;
use crate::safe;

/// The most of a client name a table row shows: names are untrusted text,
/// and one of megabytes would swamp the terminal (and overflows the
/// table library's 16-bit widths). `explain` and the other formats show
/// names whole.
pub(crate) const NAME_CHARS: usize = 60;

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
use crate::report::{ClientReport, Report};

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

/// The report's columns: which wrap, and how soon each is dropped when
/// the terminal is narrow (lower goes first; 0 never). Margin and overdue
/// outlast the flags: the flags are behind the verdict, which stays, and
/// `explain` gives them in full.
fn columns() -> Vec<Column> {
    let number = |header: &str, drop_order: u8| Column {
        header: header.to_string(),
        numeric: true,
        drop_order,
        wrap_at_least: None,
    };
    vec![
        number("#", 0),
        Column {
            header: "client".to_string(),
            numeric: false,
            drop_order: 0,
            wrap_at_least: Some(CLIENT_AT_LEAST),
        },
        number("revenue", 0),
        number("cost to serve", 6),
        number("profit", 0),
        number("margin", 10),
        // Wide terminals only: the first to go.
        number("price gap", 1),
        number("overdue", 8),
        number("late %", 5),
        number("tickets", 4),
        number("no-shows", 3),
        number("scope chg", 2),
        Column {
            header: "flags".to_string(),
            numeric: false,
            drop_order: 7,
            wrap_at_least: Some(FLAGS_AT_LEAST),
        },
        Column {
            header: "verdict".to_string(),
            numeric: false,
            drop_order: 0,
            wrap_at_least: None,
        },
    ]
}

/// Narrowest the client column gets before columns are dropped: most
/// names' words fit.
const CLIENT_AT_LEAST: usize = 14;

/// Narrowest the flags column gets: the longest flag id, "seriously-overdue,"
/// on one line.
const FLAGS_AT_LEAST: usize = 18;

/// Cumulative profit as a one-line chart of block characters, resampled
/// to at most `width` columns (zero is the bottom when profits are all
/// positive).
pub(crate) fn sparkline(points: &[rust_decimal::Decimal], width: usize) -> String {
    const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    if points.is_empty() || width == 0 {
        return String::new();
    }
    let values: Vec<f64> = points
        .iter()
        .map(|p| crate::numbers::ratio_of(*p, rust_decimal::Decimal::ONE))
        .collect();
    let low = values.iter().copied().fold(0.0f64, f64::min);
    let high = values.iter().copied().fold(0.0f64, f64::max);
    let columns = values.len().min(width);
    (0..columns)
        .filter_map(|column| {
            // Below `values.len()`: `column` is below `columns`, at most it.
            let index = column.saturating_mul(values.len()).checked_div(columns)?;
            let value = values.get(index)?;
            let level = if high > low {
                (value - low) / (high - low)
            } else {
                0.0
            };
            BLOCKS.get(((level * 7.0).round() as usize).min(7)).copied()
        })
        .collect()
}

pub(crate) fn render(report: &Report, style: Style) -> String {
    let rows: Vec<Vec<String>> = report.shown().map(|client| row(report, client)).collect();
    let columns = columns();
    let width = match style.width {
        Width::Fixed(width) => Some(usize::from(width)),
        Width::Terminal => comfy_table::Table::new().width().map(usize::from),
        Width::Unlimited => None,
    };
    let layout = fit::layout(&columns, &rows, width);
    let verdicts: Vec<Verdict> = report.shown().map(|c| c.assessment.verdict).collect();
    let verdict_column = columns.len().saturating_sub(1);
    let table = fit::render(&columns, &rows, &layout, style.color, |row, column| {
        verdicts
            .get(row)
            .filter(|_| column == verdict_column)
            .map(|verdict| verdict_color(*verdict))
    });
    let hidden = fit::hidden(&columns, &layout);

    let mut out = String::new();
    let line = |out: &mut String, text: &str| out.push_str(&fit::wrap_footer(text, width));
    line(
        &mut out,
        &format!(
            "clientfit — {} to {} (as of {}, {} {})",
            report.period.from,
            report.period.to,
            report.period.as_of,
            report.period.days,
            crate::wording::plural(report.period.days.unsigned_abs(), "day", "days")
        ),
    );
    line(
        &mut out,
        &format!("config: {}", safe::terminal(&report.config.provenance())),
    );
    out.push_str(&table);
    out.push('\n');
    if let Some(note) = fit::hidden_note(&hidden) {
        line(&mut out, &note);
    }
    footer(&mut out, report, style, width);
    out
}

/// One client's cells, in the order of `columns`.
fn row(report: &Report, client: &ClientReport) -> Vec<String> {
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
        price_gap_cell(report, m),
        super::overdue_cell(report, m),
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
}

/// What the client would have to pay more to reach `[targets]`:
/// "+1,428.57 (14%)", or "–" when it meets them.
pub(crate) fn price_gap_cell(report: &Report, m: &crate::aggregate::ClientMetrics) -> String {
    match m.price_gap(&report.config.targets) {
        Some(gap) if gap.gap > rust_decimal::Decimal::ZERO => match gap.rise {
            Some(rise) => format!("+{} ({:.0}%)", grouped(gap.gap), rise * 100.0),
            None => format!("+{}", grouped(gap.gap)),
        },
        _ => "–".to_string(),
    }
}

/// Under the table: the "Showing" note, the portfolio summary, the guard
/// footnote, and last, where a reader of the emailed table sees them, the
/// warnings.
fn footer(out: &mut String, report: &Report, style: Style, width: Option<usize>) {
    let line = |out: &mut String, text: &str| out.push_str(&fit::wrap_footer(text, width));
    let (showing, warnings): (Vec<_>, Vec<_>) = report
        .notes()
        .into_iter()
        .partition(|note| matches!(note, crate::report::Note::Showing { .. }));
    for text in super::notes_as_text(&showing).lines() {
        line(out, text);
    }
    for (label, text) in super::summary(report) {
        line(out, &format!("{label}: {text}"));
        // On a wide terminal, the whale curve itself under its line.
        const CAPTION: &str = " (cumulative profit, most profitable client first)";
        const INDENT: usize = 13;
        const LEFT_OF_CURVE: usize = INDENT + CAPTION.len();
        if label == "Whale curve"
            && style.terminal
            && let Some(columns) = width.filter(|c| *c >= LEFT_OF_CURVE + 20)
        {
            out.push_str(&format!(
                "{}{}{CAPTION}\n",
                " ".repeat(INDENT),
                sparkline(
                    &report.portfolio.whale.points,
                    columns.saturating_sub(LEFT_OF_CURVE)
                )
            ));
        }
    }
    if super::any_guard_held(report) {
        line(
            out,
            "† guarded (strategic or a large share of revenue): held at restructure",
        );
    }
    // Last, where a reader of the emailed table sees them: what the run
    // skipped or assumed (the same lines as on standard error).
    for text in super::notes_as_text(&warnings).lines() {
        line(out, text);
    }
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
