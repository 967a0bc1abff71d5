//! Stage 4: the report value → text, in the format asked for.
//!
//! Layer: above `report`; must not import `output`, `settings`, `commands` or `cli`.

pub(crate) mod charts;
pub(crate) mod check;
pub(crate) mod csv;
pub(crate) mod diff;
pub(crate) mod explain;
pub mod fit;
pub(crate) mod html;
pub mod json;
pub(crate) mod markdown;
pub(crate) mod page;
pub mod receivables;
pub(crate) mod table;

use rust_decimal::Decimal;

use crate::numbers::{grouped, ratio_of};
use crate::report::{Note, Report};
use crate::safe;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A table for people (default on a terminal).
    Table,
    /// One row per client, for spreadsheets.
    Csv,
    /// Everything, for scripts.
    Json,
    /// A GitHub-flavoured markdown table, for documents.
    Markdown,
    /// One self-contained HTML file with charts.
    Html,
}

/// How the table should look; only the table reads this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
    pub width: Width,
    /// Writing to a terminal: extras such as the whale-curve sparkline.
    pub terminal: bool,
}

/// The width the table must fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// `COLUMNS`, or a fixed width in tests.
    Fixed(u16),
    /// The terminal's own width.
    Terminal,
    /// Not a terminal: never wrap.
    Unlimited,
}

/// Write the report to `out`. JSON is streamed: a report of a hundred
/// thousand clients is a quarter of a gigabyte of JSON, which need not sit
/// in memory first.
pub(crate) fn render_to(
    report: &Report,
    format: Format,
    style: Style,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    match format {
        Format::Json => json::write(report, out),
        other => Ok(out.write_all(render(report, other, style)?.as_bytes())?),
    }
}

pub fn render(report: &Report, format: Format, style: Style) -> anyhow::Result<String> {
    match format {
        Format::Table => Ok(table::render(report, style)),
        Format::Csv => csv::render(report),
        Format::Json => json::render(report),
        Format::Markdown => Ok(markdown::render(report)),
        Format::Html => html::render(report),
    }
}

/// The portfolio summary every human-readable format shows, as (label,
/// text) lines: totals, receivables, verdicts, Pareto, whale curve and the
/// value-versus-effort split.
pub(crate) fn summary(report: &Report) -> Vec<(&'static str, String)> {
    let p = &report.portfolio;
    let currency = report
        .currency
        .as_deref()
        .map(|c| format!(" {c}"))
        .unwrap_or_default();
    let share = |value: Option<f64>| {
        value.map_or_else(|| "n/a".to_string(), |v| format!("{:.0}%", v * 100.0))
    };
    let join = |items: Vec<String>| items.join(" · ");
    let whale = &p.whale;
    let mut lines = vec![(
        "Totals",
        format!(
            "{} clients · revenue {}{currency} · cost to serve {} · profit {}",
            p.clients,
            grouped(p.revenue),
            grouped(p.cost_to_serve),
            grouped(p.profit)
        ),
    )];
    lines.extend(report.assumptions().into_iter().map(|note| ("Note", note)));
    lines.extend([
        ("Receivables", receivables_line(report)),
        (
            "Verdicts",
            join(
                p.verdicts
                    .iter()
                    .map(|(v, n)| format!("{} {n}", v.name()))
                    .collect(),
            ),
        ),
        (
            "Pareto",
            format!(
                "top 20% of clients ({}) bring {} of revenue and {} of profit",
                p.pareto.top_clients,
                share(p.pareto.revenue_share),
                share(p.pareto.profit_share)
            ),
        ),
        (
            "Whale curve",
            match whale.peak_share {
                Some(peak) => format!(
                    "profit peaks at {} of the total after the top {}; {}",
                    peak_percent(peak),
                    match whale.peak_clients {
                        1 => "client".to_string(),
                        n => format!("{n} clients"),
                    },
                    match whale.eroding_clients {
                        0 => "no client after them erodes it".to_string(),
                        1 => format!("the other client erodes {}", grouped(-whale.eroded)),
                        n => format!("the other {n} erode {}", grouped(-whale.eroded)),
                    }
                ),
                None => "total profit is not positive".to_string(),
            },
        ),
        (
            "Value vs effort",
            format!(
                "{} (split at median profit {} and median {:.1} {})",
                join(
                    p.quadrants
                        .counts
                        .iter()
                        .map(|(q, n)| format!("{} {n}", q.name()))
                        .collect()
                ),
                grouped(p.quadrants.median_profit),
                ratio_of(p.quadrants.median_hours, Decimal::ONE),
                report.effort_words().0
            ),
        ),
    ]);
    lines
}

/// The notes as terminal lines: "Showing …", then "warning: …" lines,
/// every text escaped.
pub(crate) fn notes_as_text(notes: &[Note]) -> String {
    let mut out = String::new();
    for note in notes {
        match note {
            Note::Showing { .. } => out.push_str(&safe::terminal_text(&note.text())),
            Note::Warning(text) => {
                out.push_str("warning: ");
                out.push_str(&safe::terminal_text(text));
            }
        }
        out.push('\n');
    }
    out
}

/// The notes as markdown list items (`- **Warning:** …`), escaped.
pub(crate) fn notes_as_markdown(notes: &[Note]) -> String {
    let mut out = String::new();
    for note in notes {
        let label = match note {
            Note::Showing { .. } => "",
            Note::Warning(_) => "**Warning:** ",
        };
        out.push_str(&format!("- {label}{}\n", safe::markdown(&note.text())));
    }
    out
}

/// The notes as an HTML list (nothing when there are none), escaped.
pub(crate) fn notes_as_html(notes: &[Note]) -> String {
    if notes.is_empty() {
        return String::new();
    }
    let mut out = String::from("<ul class=\"notes\">");
    for note in notes {
        let (class, label) = match note {
            Note::Showing { .. } => ("showing", ""),
            Note::Warning(_) => ("warning", "<strong>Warning:</strong> "),
        };
        out.push_str(&format!(
            "<li class=\"{class}\">{label}{}</li>",
            safe::html(&note.text())
        ));
    }
    out.push_str("</ul>\n");
    out
}

/// The receivables summary, or why it is unknown: invoices that say
/// nothing of payment are not owed 0, and not all owed either.
fn receivables_line(report: &Report) -> String {
    let p = &report.portfolio;
    if !report.payments_known {
        return "unknown: no invoices file says what was paid (a paid date, paid amount, balance or status column)".to_string();
    }
    let mut line = format!(
        "outstanding {} · overdue {} · over 90 days {}",
        grouped(p.outstanding),
        grouped(p.overdue),
        grouped(p.d90_plus)
    );
    // The files are named in the warnings (escaped there): file names
    // are text from outside, and this line is not escaped by every format.
    if !report.payments_unknown_in.is_empty() {
        line.push_str(&format!(
            " (not counting the invoices of {} file(s) that say nothing of payment; see the warnings)",
            report.payments_unknown_in.len()
        ));
    }
    line
}

/// A client's overdue amount for the tables: "n/a" when no invoices file
/// says what was paid, rather than a 0.00 that reads as "nothing owed".
pub(crate) fn overdue_cell(report: &Report, metrics: &crate::aggregate::ClientMetrics) -> String {
    if report.payments_known {
        grouped(metrics.overdue)
    } else {
        "n/a".to_string()
    }
}

/// The whale curve's peak as a share of total profit: whole percents,
/// unless that would print a peak above (or below) the total as "100%".
pub(crate) fn peak_percent(share: f64) -> String {
    let percent = share * 100.0;
    let mut decimals = 0;
    loop {
        let text = format!("{percent:.decimals$}");
        let reads_as_total = text.parse::<f64>() == Ok(100.0);
        if !reads_as_total || share == 1.0 || decimals >= 4 {
            return format!("{text}%");
        }
        // At most 4 (checked above).
        decimals = decimals.saturating_add(1);
    }
}

/// Did a guard hold any client at restructure (the footnote's cue)?
pub(crate) fn any_guard_held(report: &Report) -> bool {
    report.clients.iter().any(|c| {
        c.assessment
            .guard
            .as_ref()
            .is_some_and(|g| g.held_from.is_some())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_peak_above_the_total_never_reads_as_100_percent() {
        // 1.0045 of the total: "100.4%" (100.45 is just under in binary).
        assert_eq!(peak_percent(1.0045), "100.4%");
        assert_eq!(peak_percent(1.02), "102%");
        assert_eq!(peak_percent(1.0), "100%");
        assert_eq!(peak_percent(0.9996), "99.96%");
        assert_eq!(peak_percent(1.35), "135%");
    }
}
