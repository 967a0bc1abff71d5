//! `clientfit explain CLIENT`: everything behind one client's verdict —
//! every metric beside the portfolio median, each flag against its
//! threshold, the rule and any guard, the cost-to-serve breakdown, the
//! invoices, tickets and meetings behind each flag, and the playbook.

use std::fmt::Write as _;

use chrono::Datelike as _;
use rust_decimal::Decimal;

use crate::aggregate::ClientMetrics;
use crate::assess::FlagId;
use crate::error::subtract_amounts;
use crate::ingest::{self, Sink};
use crate::model::{
    ClientId, Invoice, InvoiceStatus, Meeting, MeetingStatus, Ticket, is_seriously_overdue,
};
use crate::numbers::grouped;
use crate::report::{self, ClientReport, Report, median};
use crate::safe;
use crate::settings::InputSettings;
use crate::wording::plural;

/// How many evidence rows to show per flag.
const EVIDENCE_ROWS: usize = 5;

/// Keeps one client's tickets and meetings of the period.
struct Evidence {
    client: ClientId,
    bounds: crate::period::Bounds,
    tickets: Vec<Ticket>,
    meetings: Vec<Meeting>,
}

impl Sink for Evidence {
    fn ticket(&mut self, ticket: &Ticket) {
        if ticket.client == Some(self.client) && self.bounds.contains(ticket.created) {
            self.tickets.push(ticket.clone());
        }
    }

    fn meeting(&mut self, meeting: &Meeting) {
        if meeting.client == Some(self.client) && self.bounds.contains(meeting.date) {
            self.meetings.push(meeting.clone());
        }
    }

    fn forget_tickets(&mut self) {
        self.tickets.clear();
    }
}

/// Find the client a user means: its key, an alias, or a unique prefix.
fn find<'a>(
    report: &'a Report,
    registry: &ingest::identity::Registry,
    query: &str,
) -> anyhow::Result<&'a ClientReport> {
    let key = registry.key(query);
    if let Some(client) = report.clients.iter().find(|c| c.key == key) {
        return Ok(client);
    }
    if let Some(id) = registry.find(query) {
        let alias_key = &registry.info(id).key;
        if let Some(client) = report.clients.iter().find(|c| c.key == *alias_key) {
            return Ok(client);
        }
    }
    let lower = query.trim().to_lowercase();
    let prefixed: Vec<&ClientReport> = report
        .clients
        .iter()
        .filter(|c| {
            (!key.is_empty() && c.key.starts_with(&key))
                || c.name.to_lowercase().starts_with(&lower)
        })
        .collect();
    match prefixed.as_slice() {
        [one] => Ok(one),
        [] => {
            let mut scored: Vec<(f64, &str)> = report
                .clients
                .iter()
                .map(|c| {
                    (
                        strsim::normalized_levenshtein(&key, &c.key),
                        c.name.as_str(),
                    )
                })
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
            let closest: Vec<String> = scored
                .iter()
                .take(3)
                .map(|(_, n)| format!("{:?}", safe::terminal(n)))
                .collect();
            Err(crate::error::UsageError(format!(
                "no client {:?} in the period; the closest are {}",
                safe::terminal(query),
                closest.join(", ")
            ))
            .into())
        }
        several => {
            let names: Vec<String> = several
                .iter()
                .map(|c| format!("{:?}", safe::terminal(&c.name)))
                .collect();
            Err(crate::error::UsageError(format!(
                "{:?} matches {} clients: {}; give more of the name",
                safe::terminal(query),
                several.len(),
                names.join(", ")
            ))
            .into())
        }
    }
}

pub(crate) fn run(settings: &InputSettings, query: &str) -> anyhow::Result<String> {
    let (ingested, aggregated, _) = super::pipeline::read_inputs(settings, false)?;
    let report = report::build(
        &ingested,
        report::Clients::Copied,
        aggregated,
        &settings.config,
        &crate::report::Selection::default(),
    )?;
    let client = find(&report, &ingested.registry, query)?;
    let id = client.metrics.client;

    // A second pass keeps this client's tickets and meetings (the first
    // one forgot them, to stay small).
    let collected = ingest::discover::collect(&settings.paths)?;
    let files = ingest::discover::classify(&collected, &settings.explicit, &settings.config)?;
    let bounds = crate::period::resolve(
        settings.period,
        settings.as_of,
        settings.config.as_of,
        settings.today,
    )?;
    let bounds = crate::period::Bounds {
        from: Some(report.period.from),
        ..bounds
    };
    let mut evidence = Evidence {
        client: id,
        bounds,
        tickets: Vec::new(),
        meetings: Vec::new(),
    };
    let options = settings.ingest_options(false, bounds.as_of);
    ingest::ingest(&files, &settings.config, options, &mut evidence)?;
    let invoices: Vec<Invoice> = ingested
        .invoices
        .iter()
        .filter(|i| i.client == id && i.counts())
        .collect();
    let ids: std::collections::HashMap<u32, String> = invoices
        .iter()
        .filter_map(|i| Some((i.index, ingested.invoices.id(i)?.to_string())))
        .collect();
    let paths: Vec<String> = files
        .iter()
        .map(|f| {
            // A file's name is untrusted text too (a saved attachment).
            safe::terminal(&f.path.file_name().map_or_else(
                || f.path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ))
        })
        .collect();
    let at = |file: u32, line: u64| {
        format!(
            "{}:{line}",
            paths.get(file as usize).map_or("?", String::as_str)
        )
    };
    render(&report, client, &invoices, &ids, &evidence, &at, settings)
}

fn money(value: Decimal) -> String {
    grouped(value)
}

fn ratio(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_string(), |v| format!("{:.1}%", v * 100.0))
}

fn days(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_string(), |v| format!("{v:.1}"))
}

fn median_f64(values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut values = values;
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    let upper = *values.get(middle)?;
    Some(if values.len() % 2 == 1 {
        upper
    } else {
        // An even count above zero: a value below the middle one.
        (values.get(middle.checked_sub(1)?)? + upper) / 2.0
    })
}

fn render(
    report: &Report,
    client: &ClientReport,
    invoices: &[Invoice],
    ids: &std::collections::HashMap<u32, String>,
    evidence: &Evidence,
    at: &dyn Fn(u32, u64) -> String,
    settings: &InputSettings,
) -> anyhow::Result<String> {
    let m = &client.metrics;
    let a = &client.assessment;
    let all: Vec<&ClientMetrics> = report.clients.iter().map(|c| &c.metrics).collect();
    let money_median =
        |f: fn(&ClientMetrics) -> Decimal| money(median(all.iter().map(|m| f(m)).collect()));
    let count_median = |f: fn(&ClientMetrics) -> u64| {
        median(all.iter().map(|m| Decimal::from(f(m))).collect())
            .normalize()
            .to_string()
    };
    let ratio_median = |f: fn(&ClientMetrics) -> Option<f64>| {
        ratio(median_f64(all.iter().filter_map(|m| f(m)).collect()))
    };
    let days_median = |f: fn(&ClientMetrics) -> Option<f64>| {
        days(median_f64(all.iter().filter_map(|m| f(m)).collect()))
    };

    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — {} (rank {} of {} by profit; {} to {}, as of {})",
        safe::terminal(&client.name),
        a.verdict.name(),
        report
            .clients
            .iter()
            .filter(|c| c.metrics.profit > m.profit)
            .count()
            .saturating_add(1),
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
                    crate::assess::GuardId::Strategic => "strategic",
                    crate::assess::GuardId::Concentration => "concentration",
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

    let _ = writeln!(out, "\nRed flags (measured against threshold)");
    if a.flags.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for flag in &a.flags {
        let severity = match flag.severity {
            crate::assess::Severity::Severe => "severe",
            crate::assess::Severity::Warn => "warn",
        };
        let _ = writeln!(out, "  {} ({severity}): {}", flag.id.name(), flag.detail);
    }

    let rates = &settings.config.rates;
    let _ = writeln!(out, "\nCost to serve");
    let _ = writeln!(
        out,
        "  support     {:>12}  {} {}, {:.1} h × {}/h",
        money(m.support_cost),
        m.tickets,
        plural(m.tickets, "ticket", "tickets"),
        crate::numbers::ratio_of(m.ticket_minutes, Decimal::from(60)),
        rates.support_hourly
    );
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
    let _ = writeln!(
        out,
        "  collection  {:>12}  {} late {} × {}",
        money(m.collection_cost),
        m.late_invoices,
        plural(m.late_invoices, "invoice", "invoices"),
        rates.late_invoice_cost
    );
    if rates.delivery_cost_known {
        let _ = writeln!(
            out,
            "  delivery    {:>12}  revenue × {}",
            money(m.delivery_cost),
            rates.delivery_cost_share
        );
    } else {
        let _ = writeln!(
            out,
            "  delivery    {:>12}  {}",
            "unknown",
            crate::config::DELIVERY_COST_UNKNOWN
        );
    }
    let _ = writeln!(
        out,
        "  total       {:>12}  against revenue {} → profit {}",
        money(m.cost_to_serve),
        money(m.revenue),
        money(m.profit)
    );

    let _ = writeln!(out, "\nMetrics (this client · portfolio median)");
    let rows: Vec<(&str, String, String)> = vec![
        ("revenue", money(m.revenue), money_median(|m| m.revenue)),
        ("profit", money(m.profit), money_median(|m| m.profit)),
        ("margin", ratio(m.margin), ratio_median(|m| m.margin)),
        (
            "effective_hourly",
            m.effective_hourly.map_or("–".into(), money),
            {
                let values: Vec<Decimal> = all.iter().filter_map(|m| m.effective_hourly).collect();
                if values.is_empty() {
                    "–".into()
                } else {
                    money(median(values))
                }
            },
        ),
        (
            "hours_to_serve",
            format!(
                "{:.1}",
                crate::numbers::ratio_of(m.hours_to_serve, Decimal::ONE)
            ),
            format!(
                "{:.1}",
                crate::numbers::ratio_of(
                    median(all.iter().map(|m| m.hours_to_serve).collect()),
                    Decimal::ONE
                )
            ),
        ),
        (
            "discounts",
            money(m.discounts),
            money_median(|m| m.discounts),
        ),
        ("bad_debt", money(m.bad_debt), money_median(|m| m.bad_debt)),
        (
            "outstanding",
            money(m.outstanding),
            money_median(|m| m.outstanding),
        ),
        ("overdue", money(m.overdue), money_median(|m| m.overdue)),
        ("d90_plus", money(m.d90_plus), money_median(|m| m.d90_plus)),
        ("dso", days(m.dso), days_median(|m| m.dso)),
        (
            "invoices_due",
            m.invoices_due.to_string(),
            count_median(|m| m.invoices_due),
        ),
        (
            "late_invoices",
            m.late_invoices.to_string(),
            count_median(|m| m.late_invoices),
        ),
        (
            "late_share",
            ratio(m.late_share),
            ratio_median(|m| m.late_share),
        ),
        (
            "avg_days_late",
            days(m.avg_days_late),
            days_median(|m| m.avg_days_late),
        ),
        (
            "avg_days_late_over_late",
            days(m.avg_days_late_over_late),
            days_median(|m| m.avg_days_late_over_late),
        ),
        (
            "tickets",
            m.tickets.to_string(),
            count_median(|m| m.tickets),
        ),
        (
            "scope_changes",
            m.scope_changes.to_string(),
            count_median(|m| m.scope_changes),
        ),
        (
            "escalations",
            m.escalations.to_string(),
            count_median(|m| m.escalations),
        ),
        (
            "abusive_tickets",
            m.abusive_tickets.to_string(),
            count_median(|m| m.abusive_tickets),
        ),
        (
            "attended",
            m.attended.to_string(),
            count_median(|m| m.attended),
        ),
        (
            "no_shows",
            m.no_shows.to_string(),
            count_median(|m| m.no_shows),
        ),
        (
            "no_show_rate",
            ratio(m.no_show_rate),
            ratio_median(|m| m.no_show_rate),
        ),
        (
            "revenue_share",
            ratio(m.revenue_share),
            ratio_median(|m| m.revenue_share),
        ),
        (
            "ticket_share",
            ratio(m.ticket_share),
            ratio_median(|m| m.ticket_share),
        ),
    ];
    let width = rows.iter().map(|row| row.0.len()).max().unwrap_or(0);
    for (name, value, median) in rows {
        let _ = writeln!(out, "  {name:<width$} {value:>14} · {median}");
    }
    let _ = writeln!(out, "  {:<width$} {}", "quadrant", client.quadrant.name());

    let as_of = report.period.as_of;
    let in_period = |day: chrono::NaiveDate| day >= report.period.from && day <= report.period.to;
    let invoice_name = |i: &Invoice| {
        ids.get(&i.index)
            .map(|id| safe::terminal(id))
            .unwrap_or_else(|| at(i.origin.file, i.origin.line))
    };
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    for flag in &a.flags {
        let mut lines: Vec<(i64, String)> = Vec::new();
        match flag.id {
            FlagId::LatePayer => {
                for i in invoices.iter().filter(|i| in_period(i.due)) {
                    if let Some(late) = i.days_late(as_of).filter(|d| *d > 0) {
                        let paid = match i.paid {
                            Some(paid) if paid <= as_of => format!("paid {paid}"),
                            _ => "unpaid".to_string(),
                        };
                        lines.push((
                            late,
                            format!(
                                "invoice {} {} due {} {paid}: {late} {} late",
                                invoice_name(i),
                                money(i.amount),
                                i.due,
                                plural(late.unsigned_abs(), "day", "days")
                            ),
                        ));
                    }
                }
            }
            FlagId::SeriouslyOverdue => {
                for i in invoices {
                    let past_due = i.days_past_due(as_of);
                    if let Some(owed) = i.receivable_at(as_of)
                        && is_seriously_overdue(past_due)
                    {
                        lines.push((
                            past_due,
                            format!(
                                "invoice {} due {}: {} owed, {past_due} {} past due",
                                invoice_name(i),
                                i.due,
                                money(owed),
                                plural(past_due.unsigned_abs(), "day", "days")
                            ),
                        ));
                    }
                }
            }
            FlagId::BadDebt => {
                for i in invoices
                    .iter()
                    .filter(|i| i.status == InvoiceStatus::BadDebt && in_period(i.issued))
                {
                    let paid = i.collected_by(as_of);
                    let written_off = subtract_amounts("the amount written off", i.amount, paid)?;
                    lines.push((
                        0,
                        format!(
                            "invoice {} issued {}: {} written off of {}",
                            invoice_name(i),
                            i.issued,
                            money(written_off),
                            money(i.amount)
                        ),
                    ));
                }
            }
            FlagId::DiscountHeavy => {
                for i in invoices
                    .iter()
                    .filter(|i| i.discount > Decimal::ZERO && in_period(i.issued))
                {
                    let weight = i.discount.round().to_string().parse::<i64>().unwrap_or(0);
                    lines.push((
                        weight,
                        format!(
                            "invoice {} issued {}: discount {} on {}",
                            invoice_name(i),
                            i.issued,
                            money(i.discount),
                            money(i.amount)
                        ),
                    ));
                }
            }
            // The cost-to-serve breakdown above is their evidence.
            FlagId::Unprofitable | FlagId::ThinMargin => {}
            FlagId::TicketHeavy => {
                for t in &evidence.tickets {
                    let minutes = crate::numbers::ratio_of(t.minutes, Decimal::ONE);
                    lines.push((
                        minutes as i64,
                        format!(
                            "ticket {} created {}: {:.0} min",
                            at(t.origin.file, t.origin.line),
                            t.created,
                            minutes
                        ),
                    ));
                }
            }
            FlagId::ScopeCreep | FlagId::Escalations | FlagId::Abusive => {
                for t in evidence.tickets.iter().filter(|t| match flag.id {
                    FlagId::ScopeCreep => t.scope_change,
                    FlagId::Escalations => t.escalation,
                    _ => t.abusive,
                }) {
                    lines.push((
                        i64::from(t.created.num_days_from_ce()),
                        format!(
                            "ticket {} created {}",
                            at(t.origin.file, t.origin.line),
                            t.created
                        ),
                    ));
                }
            }
            FlagId::NoShows => {
                for meeting in evidence
                    .meetings
                    .iter()
                    .filter(|m| m.status == MeetingStatus::NoShow)
                {
                    lines.push((
                        i64::from(meeting.date.num_days_from_ce()),
                        format!(
                            "meeting {} on {}: {} min × {} of us",
                            at(meeting.origin.file, meeting.origin.line),
                            meeting.date,
                            meeting.minutes.normalize(),
                            meeting.attendees
                        ),
                    ));
                }
            }
        }
        let total = lines.len();
        lines.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let mut shown: Vec<String> = lines
            .into_iter()
            .take(EVIDENCE_ROWS)
            .map(|(_, l)| l)
            .collect();
        if total > EVIDENCE_ROWS {
            shown.push(format!(
                "… and {} more",
                total.saturating_sub(EVIDENCE_ROWS)
            ));
        }
        sections.push((flag.id.name().to_string(), shown));
    }
    if !sections.is_empty() {
        let _ = writeln!(
            out,
            "\nEvidence (the worst {EVIDENCE_ROWS} behind each flag: longest tickets, most days late or past due, most recent incidents)"
        );
        for (name, lines) in sections {
            let _ = writeln!(out, "  {name}:");
            if lines.is_empty() {
                let _ = writeln!(out, "    (see the cost to serve above)");
            }
            for line in lines {
                let _ = writeln!(out, "    {line}");
            }
        }
    }
    let _ = writeln!(out, "\nPlaybook");
    for action in &a.actions {
        // Playbook lines may come from the config.
        let _ = writeln!(out, "  - {}", safe::terminal(action));
    }
    // What the run skipped or assumed holds for this client's figures too.
    if !report.warnings.is_empty() {
        let _ = writeln!(out, "\nWarnings");
        for warning in &report.warnings {
            let _ = writeln!(out, "  - {}", safe::terminal_text(warning));
        }
    }
    // Every field above is escaped where it is written; the whole text
    // once more, so that one forgotten field still cannot reach the
    // terminal raw.
    Ok(safe::terminal_text(&out))
}

/// `clientfit explain CLIENT`: how one client's figures, flags and verdict
/// came about.
pub(crate) fn command(
    args: &crate::cli::ExplainArgs,
    stdout: &mut dyn std::io::Write,
) -> anyhow::Result<crate::error::Outcome> {
    let settings = args.resolve()?;
    let text = run(&settings.input, &settings.query)?;
    super::print(stdout, text.as_bytes(), "the explanation")?;
    Ok(crate::error::Outcome::Done)
}
