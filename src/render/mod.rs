//! Stage 4: the report value → text, in the format asked for.

pub mod csv;
pub mod fit;
pub mod html;
pub mod json;
pub mod markdown;
pub mod page;
pub mod receivables;
pub use crate::safe;
pub use crate::wording::plural;
pub mod table;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::report::{Note, Report};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
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
pub fn render_to(
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
        Format::Html => Ok(html::render(report)),
    }
}

/// The portfolio summary every human-readable format shows, as (label,
/// text) lines: totals, receivables, verdicts, Pareto, whale curve and the
/// value-versus-effort split.
pub fn summary(report: &Report) -> Vec<(&'static str, String)> {
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
                "{} (split at median profit {} and median {:.1} hours to serve)",
                join(
                    p.quadrants
                        .counts
                        .iter()
                        .map(|(q, n)| format!("{} {n}", q.name()))
                        .collect()
                ),
                grouped(p.quadrants.median_profit),
                ratio_of(p.quadrants.median_hours, Decimal::ONE)
            ),
        ),
    ]);
    lines
}

/// The notes as terminal lines: "Showing …", then "warning: …" lines,
/// every text escaped.
pub fn notes_as_text(notes: &[Note]) -> String {
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
pub fn notes_as_markdown(notes: &[Note]) -> String {
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
pub fn notes_as_html(notes: &[Note]) -> String {
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
pub fn overdue_cell(report: &Report, metrics: &crate::aggregate::ClientMetrics) -> String {
    if report.payments_known {
        grouped(metrics.overdue)
    } else {
        "n/a".to_string()
    }
}

/// The whale curve's peak as a share of total profit: whole percents,
/// unless that would print a peak above (or below) the total as "100%".
pub fn peak_percent(share: f64) -> String {
    let percent = share * 100.0;
    let mut decimals = 0;
    loop {
        let text = format!("{percent:.decimals$}");
        let reads_as_total = text.parse::<f64>() == Ok(100.0);
        if !reads_as_total || share == 1.0 || decimals >= 4 {
            return format!("{text}%");
        }
        decimals += 1;
    }
}

/// Did a guard hold any client at restructure (the footnote's cue)?
pub fn any_guard_held(report: &Report) -> bool {
    report.clients.iter().any(|c| {
        c.assessment
            .guard
            .as_ref()
            .is_some_and(|g| g.held_from.is_some())
    })
}

/// Money rounded half-even to cents, with exactly two decimals.
pub fn cents(value: Decimal) -> Decimal {
    // Sums of cents are cents already, and zeros and whole amounts need only
    // places added: rounding would give the same, at some cost for every
    // figure of every client.
    if value.is_zero() {
        // "-0.00" reads as a loss that is not there.
        return Decimal::new(0, 2);
    }
    match value.scale() {
        2 => value,
        // Fewer places: only zeros to add, exactly.
        0 | 1 => {
            let mut more_places = value;
            more_places.rescale(2);
            more_places
        }
        _ => cents_by_rounding(value),
    }
}

/// `cents` without its shortcut.
fn cents_by_rounding(value: Decimal) -> Decimal {
    let mut rounded = value.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven);
    rounded.rescale(2);
    // "-0.00" reads as a loss that is not there.
    if rounded.is_zero() {
        rounded.set_sign_positive(true);
    }
    rounded
}

/// An exact quotient as `f64`, for shares and averages.
pub fn ratio_of(numerator: Decimal, denominator: Decimal) -> f64 {
    if denominator.is_zero() {
        return 0.0;
    }
    numerator
        .checked_div(denominator)
        .and_then(|q| q.to_f64())
        .unwrap_or(0.0)
}

/// Round a ratio for output so tiny float noise never shows.
pub fn round_to(value: f64, decimals: i32) -> f64 {
    let factor = 10f64.powi(decimals);
    let rounded = (value * factor).round() / factor;
    if rounded == 0.0 { 0.0 } else { rounded }
}

/// `1234567.5` → `1,234,567.50`.
pub fn grouped(value: Decimal) -> String {
    let text = cents(value).to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (integer, fraction) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut out = String::with_capacity(text.len() + integer.len() / 3);
    for (index, ch) in integer.chars().enumerate() {
        if index > 0 && (integer.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{sign}{out}.{fraction}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn cents_round_half_to_even() {
        assert_eq!(
            cents(Decimal::from_str("2.345").unwrap()).to_string(),
            "2.34"
        );
        assert_eq!(
            cents(Decimal::from_str("2.355").unwrap()).to_string(),
            "2.36"
        );
        assert_eq!(cents(Decimal::from_str("7").unwrap()).to_string(), "7.00");
        assert_eq!(
            cents(Decimal::from_str("-0.001").unwrap()).to_string(),
            "0.00"
        );
    }

    #[test]
    fn cents_already_are_their_own_rounding() {
        let mut values = vec![Decimal::ZERO, Decimal::NEGATIVE_ONE];
        for mantissa in [
            1i128,
            -1,
            5,
            99,
            12_345,
            -12_345,
            (1 << 95) - 1,
            -(1 << 95) + 1,
        ] {
            for scale in [0, 1, 2, 3, 28] {
                values.push(Decimal::from_i128_with_scale(mantissa, scale));
            }
        }
        let mut negative_zero = Decimal::new(0, 2);
        negative_zero.set_sign_negative(true);
        values.push(negative_zero);
        for value in values {
            let (fast, slow) = (cents(value), cents_by_rounding(value));
            assert_eq!(
                (fast.to_string(), fast.scale(), fast.is_sign_negative()),
                (slow.to_string(), slow.scale(), slow.is_sign_negative()),
                "{value:?}"
            );
        }
    }

    #[test]
    fn a_peak_above_the_total_never_reads_as_100_percent() {
        // 1.0045 of the total: "100.4%" (100.45 is just under in binary).
        assert_eq!(peak_percent(1.0045), "100.4%");
        assert_eq!(peak_percent(1.02), "102%");
        assert_eq!(peak_percent(1.0), "100%");
        assert_eq!(peak_percent(0.9996), "99.96%");
        assert_eq!(peak_percent(1.35), "135%");
    }

    #[test]
    fn grouping_thousands() {
        assert_eq!(
            grouped(Decimal::from_str("1234567.5").unwrap()),
            "1,234,567.50"
        );
        assert_eq!(grouped(Decimal::from_str("-999.999").unwrap()), "-1,000.00");
        assert_eq!(grouped(Decimal::from_str("12").unwrap()), "12.00");
    }
}
