//! The text of `clientfit explain CLIENT`: a header, why, the flags
//! against their thresholds, the cost to serve, the metrics beside the
//! portfolio medians, the evidence behind each flag, the playbook and the
//! run's warnings. Every text from the files is escaped for the terminal.
//!
//! Draws from `report::explain`; must not import `settings` or `commands`.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use crate::assess::{GuardId, Severity};
use crate::numbers::{grouped, ratio_of};
use crate::report::explain::{EVIDENCE_ROWS, EvidenceRow, EvidenceSection, Explanation, Figure};
use crate::safe;
use crate::wording::plural;

fn money(value: Decimal) -> String {
    grouped(value)
}

fn ratio(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_string(), |v| format!("{:.1}%", v * 100.0))
}

fn days(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_string(), |v| format!("{v:.1}"))
}

fn figure(value: &Figure) -> String {
    match value {
        Figure::Money(value) => money(*value),
        Figure::MaybeMoney(value) => value.map_or("–".into(), money),
        Figure::Ratio(value) => ratio(*value),
        Figure::Days(value) => days(*value),
        Figure::Hours(value) => format!("{:.1}", ratio_of(*value, Decimal::ONE)),
        Figure::Count(value) => value.to_string(),
        Figure::Number(value) => value.normalize().to_string(),
    }
}

/// The whole explanation, as terminal text.
pub(crate) fn render(explanation: &Explanation) -> String {
    let mut out = String::new();
    header(&mut out, explanation);
    why(&mut out, explanation);
    flags(&mut out, explanation);
    cost_to_serve(&mut out, explanation);
    metrics(&mut out, explanation);
    evidence(&mut out, &explanation.evidence);
    closing(&mut out, explanation);
    // Every field above is escaped where it is written; the whole text
    // once more, so that one forgotten field still cannot reach the
    // terminal raw.
    safe::terminal_text(&out)
}

fn header(out: &mut String, explanation: &Explanation) {
    let (report, client) = (explanation.report, explanation.client);
    let _ = writeln!(
        out,
        "{} — {} (rank {} of {} by profit; {} to {}, as of {})",
        safe::terminal(&client.name),
        client.assessment.verdict.name(),
        explanation.rank,
        report.clients.len(),
        report.period.from,
        report.period.to,
        report.period.as_of
    );
    let _ = writeln!(
        out,
        "config: {}",
        safe::terminal(&report.config.provenance())
    );
    if let Some(owner) = &client.owner {
        let segment = client.segment.as_deref().map(safe::terminal);
        let _ = writeln!(
            out,
            "owner {}{}",
            safe::terminal(owner),
            segment
                .map(|s| format!(" · segment {s}"))
                .unwrap_or_default()
        );
    }
}

fn why(out: &mut String, explanation: &Explanation) {
    let a = &explanation.client.assessment;
    let _ = writeln!(out, "\nWhy");
    for reason in &a.reasons {
        let _ = writeln!(out, "  {reason}");
    }
    match &a.guard {
        Some(guard) => {
            let ids: Vec<&str> = guard
                .ids
                .iter()
                .map(|g| match g {
                    GuardId::Strategic => "strategic",
                    GuardId::Concentration => "concentration",
                })
                .collect();
            let _ = writeln!(
                out,
                "  guard: {}{}",
                ids.join(", "),
                guard
                    .held_from
                    .map(|v| format!(" (held it from {})", v.name()))
                    .unwrap_or_else(|| " (not needed)".to_string())
            );
        }
        None => {
            let _ = writeln!(out, "  guard: none");
        }
    }
}

fn flags(out: &mut String, explanation: &Explanation) {
    let a = &explanation.client.assessment;
    let _ = writeln!(out, "\nRed flags (measured against threshold)");
    if a.flags.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for flag in &a.flags {
        let severity = match flag.severity {
            Severity::Severe => "severe",
            Severity::Warn => "warn",
        };
        let _ = writeln!(out, "  {} ({severity}): {}", flag.id.name(), flag.detail);
    }
}

fn cost_to_serve(out: &mut String, explanation: &Explanation) {
    let m = &explanation.client.metrics;
    let config = &explanation.report.config;
    let rates = &config.rates;
    let covered = |work: crate::config::Covered| m.time.is_some() && config.time.covers(work);
    let _ = writeln!(out, "\nCost to serve");
    let ticket_hours = ratio_of(m.ticket_minutes, Decimal::from(60));
    if covered(crate::config::Covered::Support) {
        let _ = writeln!(
            out,
            "  support     {:>12}  {} {}, {ticket_hours:.1} h: in the timesheet's hours, not costed again ([time] covers)",
            money(m.support_cost),
            m.tickets,
            plural(m.tickets, "ticket", "tickets"),
        );
    } else {
        let _ = writeln!(
            out,
            "  support     {:>12}  {} {}, {ticket_hours:.1} h × {}/h",
            money(m.support_cost),
            m.tickets,
            plural(m.tickets, "ticket", "tickets"),
            rates.support_hourly
        );
    }
    if covered(crate::config::Covered::Meetings) {
        let _ = writeln!(
            out,
            "  meetings    {:>12}  {} attended, {} missed: in the timesheet's hours, not costed again ([time] covers)",
            money(m.meeting_cost.saturating_add(m.no_show_cost)),
            m.attended,
            m.no_shows
        );
    } else {
        let _ = writeln!(
            out,
            "  meetings    {:>12}  {} attended, attendees counted, × {}/h",
            money(m.meeting_cost),
            m.attended,
            rates.meeting_hourly
        );
        let _ = writeln!(
            out,
            "  no-shows    {:>12}  {} missed, time set aside and lost",
            money(m.no_show_cost),
            m.no_shows
        );
    }
    let _ = writeln!(
        out,
        "  collection  {:>12}  {} late {} × {}",
        money(m.collection_cost),
        m.late_invoices,
        plural(m.late_invoices, "invoice", "invoices"),
        rates.late_invoice_cost
    );
    match &m.time {
        Some(time) => {
            let _ = writeln!(
                out,
                "  delivery    {:>12}  {:.2} h in the timesheet at cost rates{}",
                money(time.labour_cost),
                ratio_of(time.hours, Decimal::ONE),
                rate_sources(time)
            );
        }
        None if rates.delivery_cost_known => {
            let _ = writeln!(
                out,
                "  delivery    {:>12}  revenue × {}",
                money(m.delivery_cost),
                rates.delivery_cost_share
            );
        }
        None => {
            let _ = writeln!(
                out,
                "  delivery    {:>12}  {}",
                "unknown",
                crate::config::DELIVERY_COST_UNKNOWN
            );
        }
    }
    let _ = writeln!(
        out,
        "  total       {:>12}  against revenue {} → profit {}",
        money(m.cost_to_serve),
        money(m.revenue),
        money(m.profit)
    );
    hours_and_price(out, explanation);
}

/// "(row 10.0 h, [rates.people] 6.6 h)": which rates priced the hours.
fn rate_sources(time: &crate::aggregate::TimeMetrics) -> String {
    let parts: Vec<String> = crate::model::RateSource::ALL
        .iter()
        .zip(time.hours_by_source)
        .filter(|(_, hours)| *hours > Decimal::ZERO)
        .map(|(source, hours)| {
            format!(
                "{} {:.2} h",
                source.describe(),
                ratio_of(hours, Decimal::ONE)
            )
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

/// The timesheet's hours against revenue, and the price gap.
fn hours_and_price(out: &mut String, explanation: &Explanation) {
    let m = &explanation.client.metrics;
    let targets = &explanation.report.config.targets;
    if let Some(time) = &m.time {
        let _ = writeln!(out, "\nHours");
        let billable = match (time.billable_hours, time.billable_share) {
            (Some(hours), Some(share)) => format!(
                ", {:.2} billable ({:.1}%)",
                ratio_of(hours, Decimal::ONE),
                share * 100.0
            ),
            _ => ", billable unknown (no billable column)".to_string(),
        };
        let _ = writeln!(
            out,
            "  worked      {:.2} h in the timesheet{billable}; {:.2} h with the support and meeting time it leaves out",
            ratio_of(time.hours, Decimal::ONE),
            ratio_of(time.hours_worked, Decimal::ONE),
        );
        let _ = writeln!(
            out,
            "  per hour    {} revenue per hour worked{}",
            m.effective_hourly.map_or_else(|| "–".to_string(), money),
            targets
                .hourly
                .map(|target| format!(" (target {})", money(target)))
                .unwrap_or_default()
        );
        let _ = writeln!(
            out,
            "  billable    value {}, realisation {}",
            time.billable_value.map_or_else(
                || "unknown (no bill rate on some billable hours)".to_string(),
                money
            ),
            ratio(time.realisation)
        );
    }
    if let Some(line) = crate::assess::price::price_line(m, targets) {
        let _ = writeln!(out, "\nPrice\n  {line}");
    }
}

fn metrics(out: &mut String, explanation: &Explanation) {
    let _ = writeln!(out, "\nMetrics (this client · portfolio median)");
    let rows = &explanation.metrics;
    let width = rows.iter().map(|row| row.metric.len()).max().unwrap_or(0);
    for row in rows {
        let _ = writeln!(
            out,
            "  {:<width$} {:>14} · {}",
            row.metric,
            figure(&row.client),
            figure(&row.median)
        );
    }
    let _ = writeln!(
        out,
        "  {:<width$} {}",
        "quadrant",
        explanation.client.quadrant.name()
    );
}

/// One evidence row as a line; its invoice id or file name escaped.
fn evidence_line(row: &EvidenceRow) -> String {
    match row {
        EvidenceRow::Late {
            invoice,
            amount,
            due,
            paid,
            days_late,
        } => format!(
            "invoice {} {} due {due} {}: {days_late} {} late",
            safe::terminal(invoice),
            money(*amount),
            paid.map_or_else(|| "unpaid".to_string(), |paid| format!("paid {paid}")),
            plural(days_late.unsigned_abs(), "day", "days")
        ),
        EvidenceRow::PastDue {
            invoice,
            due,
            owed,
            days_past_due,
        } => format!(
            "invoice {} due {due}: {} owed, {days_past_due} {} past due",
            safe::terminal(invoice),
            money(*owed),
            plural(days_past_due.unsigned_abs(), "day", "days")
        ),
        EvidenceRow::WrittenOff {
            invoice,
            issued,
            written_off,
            amount,
        } => format!(
            "invoice {} issued {issued}: {} written off of {}",
            safe::terminal(invoice),
            money(*written_off),
            money(*amount)
        ),
        EvidenceRow::Discount {
            invoice,
            issued,
            discount,
            amount,
        } => format!(
            "invoice {} issued {issued}: discount {} on {}",
            safe::terminal(invoice),
            money(*discount),
            money(*amount)
        ),
        EvidenceRow::TicketTime {
            place,
            created,
            minutes,
        } => format!(
            "ticket {} created {created}: {minutes:.0} min",
            safe::terminal(place)
        ),
        EvidenceRow::Ticket { place, created } => {
            format!("ticket {} created {created}", safe::terminal(place))
        }
        EvidenceRow::NoShow {
            place,
            date,
            minutes,
            attendees,
        } => format!(
            "meeting {} on {date}: {} min × {attendees} of us",
            safe::terminal(place),
            minutes.normalize()
        ),
    }
}

fn evidence(out: &mut String, sections: &[EvidenceSection]) {
    if sections.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\nEvidence (the worst {EVIDENCE_ROWS} behind each flag: longest tickets, most days late or past due, most recent incidents)"
    );
    for section in sections {
        let _ = writeln!(out, "  {}:", section.flag.name());
        if section.rows.is_empty() {
            let _ = writeln!(out, "    (see the cost to serve above)");
        }
        for row in &section.rows {
            let _ = writeln!(out, "    {}", evidence_line(row));
        }
        if section.more > 0 {
            let _ = writeln!(out, "    … and {} more", section.more);
        }
    }
}

/// The playbook, then what the run skipped or assumed: it holds for this
/// client's figures too.
fn closing(out: &mut String, explanation: &Explanation) {
    let _ = writeln!(out, "\nPlaybook");
    for action in explanation.client.assessment.actions.iter() {
        // Playbook lines may come from the config.
        let _ = writeln!(out, "  - {}", safe::terminal(action));
    }
    let warnings = &explanation.report.warnings;
    if !warnings.is_empty() {
        let _ = writeln!(out, "\nWarnings");
        for warning in warnings {
            let _ = writeln!(out, "  - {}", safe::terminal_text(warning));
        }
    }
}
