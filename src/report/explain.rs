//! The values behind `clientfit explain CLIENT`: which client the user
//! means, where it ranks, each of its metrics beside the portfolio median,
//! and the invoices, tickets and meetings behind each of its flags (the
//! worst few, in order).
//!
//! Values only: the text is `render::explain`'s. This module must not
//! import `render`, `settings` or `commands`.

use chrono::{Datelike as _, NaiveDate};
use rust_decimal::Decimal;

use crate::aggregate::{self, ClientMetrics};
use crate::assess::FlagId;
use crate::error::subtract_amounts;
use crate::ingest::Ingested;
use crate::ingest::identity::Registry;
use crate::model::{Invoice, InvoiceStatus, Meeting, MeetingStatus, Ticket, is_seriously_overdue};
use crate::report::{ClientReport, Report, median};
use crate::safe;

/// How many evidence rows to show per flag.
pub(crate) const EVIDENCE_ROWS: usize = 5;

/// The tickets and meetings of the period that name a client, kept while
/// reading (the report itself keeps only their sums).
#[derive(Debug, Default)]
pub(crate) struct Activity {
    pub(crate) tickets: Vec<Ticket>,
    pub(crate) meetings: Vec<Meeting>,
}

/// Everything `explain` says of one client.
#[derive(Debug)]
pub(crate) struct Explanation<'a> {
    pub(crate) report: &'a Report,
    pub(crate) client: &'a ClientReport,
    /// 1 + the number of clients with a higher profit.
    pub(crate) rank: usize,
    pub(crate) metrics: Vec<MetricRow>,
    /// One section per flag, in the flags' order.
    pub(crate) evidence: Vec<EvidenceSection>,
}

/// One metric of the client beside the portfolio's median of it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MetricRow {
    /// The metric's name, as the JSON report calls it.
    pub(crate) metric: &'static str,
    pub(crate) client: Figure,
    pub(crate) median: Figure,
}

/// A figure, typed so the renderer knows how to write it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Figure {
    Money(Decimal),
    /// Money that may be unknown (no hours to divide by).
    MaybeMoney(Option<Decimal>),
    /// A share, unknown when there is nothing to divide by.
    Ratio(Option<f64>),
    Days(Option<f64>),
    Hours(Decimal),
    Count(u64),
    /// The median of counts (a half where the count of clients is even).
    Number(Decimal),
}

/// The rows behind one flag: the worst `EVIDENCE_ROWS`, and how many more.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EvidenceSection {
    pub(crate) flag: FlagId,
    pub(crate) rows: Vec<EvidenceRow>,
    pub(crate) more: usize,
}

/// One invoice, ticket or meeting behind a flag. `invoice` and `place`
/// are untrusted text (an id or a file name from the files).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum EvidenceRow {
    Late {
        invoice: String,
        amount: Decimal,
        due: NaiveDate,
        /// Paid by as-of on this day; `None` while unpaid.
        paid: Option<NaiveDate>,
        days_late: i64,
    },
    PastDue {
        invoice: String,
        due: NaiveDate,
        owed: Decimal,
        days_past_due: i64,
    },
    WrittenOff {
        invoice: String,
        issued: NaiveDate,
        written_off: Decimal,
        amount: Decimal,
    },
    Discount {
        invoice: String,
        issued: NaiveDate,
        discount: Decimal,
        amount: Decimal,
    },
    TicketTime {
        place: String,
        created: NaiveDate,
        minutes: f64,
    },
    Ticket {
        place: String,
        created: NaiveDate,
    },
    NoShow {
        place: String,
        date: NaiveDate,
        minutes: Decimal,
        attendees: u32,
    },
}

impl EvidenceRow {
    /// What names the row: the invoice (id or place), or the place.
    fn name(&self) -> &str {
        match self {
            EvidenceRow::Late { invoice, .. }
            | EvidenceRow::PastDue { invoice, .. }
            | EvidenceRow::WrittenOff { invoice, .. }
            | EvidenceRow::Discount { invoice, .. } => invoice,
            EvidenceRow::TicketTime { place, .. }
            | EvidenceRow::Ticket { place, .. }
            | EvidenceRow::NoShow { place, .. } => place,
        }
    }
}

/// Find the client a user means: its key, an alias, or a unique prefix.
pub(crate) fn find<'a>(
    report: &'a Report,
    registry: &Registry,
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
        [] => Err(no_such_client(report, &key, query)),
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

/// No client matches: name the three closest.
fn no_such_client(report: &Report, key: &str, query: &str) -> anyhow::Error {
    let mut scored: Vec<(f64, &str)> = report
        .clients
        .iter()
        .map(|c| (strsim::normalized_levenshtein(key, &c.key), c.name.as_str()))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let closest: Vec<String> = scored
        .iter()
        .take(3)
        .map(|(_, n)| format!("{:?}", safe::terminal(n)))
        .collect();
    crate::error::UsageError(format!(
        "no client {:?} in the period; the closest are {}",
        safe::terminal(query),
        closest.join(", ")
    ))
    .into()
}

/// Explain `client` of `report`: its rank, its metrics beside the medians,
/// and the evidence behind each flag, from the invoices read and the
/// period's `activity`.
pub(crate) fn build<'a>(
    report: &'a Report,
    client: &'a ClientReport,
    ingested: &Ingested,
    activity: &Activity,
) -> anyhow::Result<Explanation<'a>> {
    let rank = report
        .clients
        .iter()
        .filter(|c| c.metrics.profit > client.metrics.profit)
        .count()
        .saturating_add(1);
    let records = Records::of(report, client, ingested, activity);
    let mut evidence = Vec::with_capacity(client.assessment.flags.len());
    for flag in &client.assessment.flags {
        evidence.push(section(flag.id, records.rows(flag.id)?));
    }
    Ok(Explanation {
        report,
        client,
        rank,
        metrics: metrics(report, &client.metrics),
        evidence,
    })
}

/// The worst rows first (then by name), cut at `EVIDENCE_ROWS`.
fn section(flag: FlagId, mut rows: Vec<(i64, EvidenceRow)>) -> EvidenceSection {
    let total = rows.len();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name().cmp(b.1.name())));
    EvidenceSection {
        flag,
        rows: rows
            .into_iter()
            .take(EVIDENCE_ROWS)
            .map(|(_, row)| row)
            .collect(),
        more: total.saturating_sub(EVIDENCE_ROWS),
    }
}

/// The median of `values`; `None` for none.
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

/// Every metric of `m` beside the median over the report's clients.
fn metrics(report: &Report, m: &ClientMetrics) -> Vec<MetricRow> {
    let all: Vec<&ClientMetrics> = report.clients.iter().map(|c| &c.metrics).collect();
    let money = |metric, f: fn(&ClientMetrics) -> Decimal| MetricRow {
        metric,
        client: Figure::Money(f(m)),
        median: Figure::Money(median(all.iter().map(|m| f(m)).collect())),
    };
    let count = |metric, f: fn(&ClientMetrics) -> u64| MetricRow {
        metric,
        client: Figure::Count(f(m)),
        median: Figure::Number(median(all.iter().map(|m| Decimal::from(f(m))).collect())),
    };
    let ratio = |metric, f: fn(&ClientMetrics) -> Option<f64>| MetricRow {
        metric,
        client: Figure::Ratio(f(m)),
        median: Figure::Ratio(median_f64(all.iter().filter_map(|m| f(m)).collect())),
    };
    let days = |metric, f: fn(&ClientMetrics) -> Option<f64>| MetricRow {
        metric,
        client: Figure::Days(f(m)),
        median: Figure::Days(median_f64(all.iter().filter_map(|m| f(m)).collect())),
    };
    let hourly: Vec<Decimal> = all.iter().filter_map(|m| m.effective_hourly).collect();
    let mut rows = vec![
        money("revenue", |m| m.revenue),
        money("profit", |m| m.profit),
        ratio("margin", |m| m.margin),
        MetricRow {
            metric: "effective_hourly",
            client: Figure::MaybeMoney(m.effective_hourly),
            median: Figure::MaybeMoney((!hourly.is_empty()).then(|| median(hourly))),
        },
        MetricRow {
            metric: "hours_to_serve",
            client: Figure::Hours(m.hours_to_serve),
            median: Figure::Hours(median(all.iter().map(|m| m.hours_to_serve).collect())),
        },
        money("discounts", |m| m.discounts),
        money("bad_debt", |m| m.bad_debt),
        money("outstanding", |m| m.outstanding),
        money("overdue", |m| m.overdue),
        money("d90_plus", |m| m.d90_plus),
        days("dso", |m| m.dso),
        count("invoices_due", |m| m.invoices_due),
        count("late_invoices", |m| m.late_invoices),
        ratio("late_share", |m| m.late_share),
        days("avg_days_late", |m| m.avg_days_late),
        days("avg_days_late_over_late", |m| m.avg_days_late_over_late),
        count("tickets", |m| m.tickets),
        count("scope_changes", |m| m.scope_changes),
        count("escalations", |m| m.escalations),
        count("abusive_tickets", |m| m.abusive_tickets),
        count("attended", |m| m.attended),
        count("no_shows", |m| m.no_shows),
        ratio("no_show_rate", |m| m.no_show_rate),
        ratio("revenue_share", |m| m.revenue_share),
        ratio("ticket_share", |m| m.ticket_share),
    ];
    // With a timesheet: its hours, their billable share and labour cost.
    if m.time.is_some() {
        let hours: Vec<Decimal> = all
            .iter()
            .filter_map(|m| Some(m.time.as_ref()?.hours))
            .collect();
        let labour: Vec<Decimal> = all
            .iter()
            .filter_map(|m| Some(m.time.as_ref()?.labour_cost))
            .collect();
        rows.extend([
            MetricRow {
                metric: "hours",
                client: Figure::Hours(m.time.as_ref().map_or(Decimal::ZERO, |t| t.hours)),
                median: Figure::Hours(median(hours)),
            },
            ratio("billable_share", |m| m.time.as_ref()?.billable_share),
            MetricRow {
                metric: "labour_cost",
                client: Figure::MaybeMoney(m.time.as_ref().map(|t| t.labour_cost)),
                median: Figure::MaybeMoney(Some(median(labour))),
            },
            ratio("realisation", |m| m.time.as_ref()?.realisation),
        ]);
    }
    rows
}

/// One client's invoices that count, tickets and meetings of the period,
/// each with what names it.
struct Records<'a> {
    period: aggregate::Period,
    /// With the invoice's id, or its place where it has none.
    invoices: Vec<(Invoice, String)>,
    tickets: Vec<&'a Ticket>,
    meetings: Vec<&'a Meeting>,
    places: Vec<String>,
}

impl<'a> Records<'a> {
    fn of(
        report: &Report,
        client: &ClientReport,
        ingested: &Ingested,
        activity: &'a Activity,
    ) -> Records<'a> {
        let id = client.metrics.client;
        let period = report.period;
        let in_period = |day: NaiveDate| day >= period.from && day <= period.to;
        let places: Vec<String> = ingested
            .files
            .iter()
            .map(|f| {
                f.path.file_name().map_or_else(
                    || f.path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                )
            })
            .collect();
        let mut records = Records {
            period,
            invoices: Vec::new(),
            tickets: activity
                .tickets
                .iter()
                .filter(|t| t.client == Some(id) && in_period(t.created))
                .collect(),
            meetings: activity
                .meetings
                .iter()
                .filter(|m| m.client == Some(id) && in_period(m.date))
                .collect(),
            places,
        };
        records.invoices = ingested
            .invoices
            .iter()
            .filter(|i| i.client == id && i.counts())
            .map(|i| {
                let name = match ingested.invoices.id(&i) {
                    Some(id) => id.to_string(),
                    None => records.place(i.origin.file, i.origin.line),
                };
                (i, name)
            })
            .collect();
        records
    }

    /// `file:line`, the file by its name alone.
    fn place(&self, file: u32, line: u64) -> String {
        format!(
            "{}:{line}",
            self.places.get(file as usize).map_or("?", String::as_str)
        )
    }

    fn in_period(&self, day: NaiveDate) -> bool {
        day >= self.period.from && day <= self.period.to
    }

    /// The rows behind `flag`, each with its weight (worst highest).
    fn rows(&self, flag: FlagId) -> anyhow::Result<Vec<(i64, EvidenceRow)>> {
        Ok(match flag {
            FlagId::LatePayer => self.late(),
            FlagId::SeriouslyOverdue => self.past_due(),
            FlagId::BadDebt => self.written_off()?,
            FlagId::DiscountHeavy => self.discounts(),
            // The cost-to-serve breakdown is their evidence.
            FlagId::Unprofitable | FlagId::ThinMargin => Vec::new(),
            // So is the timesheet's breakdown of hours.
            FlagId::OverServicing | FlagId::BelowTargetRate => Vec::new(),
            FlagId::TicketHeavy => self.ticket_time(),
            FlagId::ScopeCreep | FlagId::Escalations | FlagId::Abusive => self.marked(flag),
            FlagId::NoShows => self.no_shows(),
        })
    }

    fn late(&self) -> Vec<(i64, EvidenceRow)> {
        let as_of = self.period.as_of;
        self.invoices
            .iter()
            .filter(|(i, _)| self.in_period(i.due))
            .filter_map(|(i, name)| {
                let late = i.days_late(as_of).filter(|d| *d > 0)?;
                let row = EvidenceRow::Late {
                    invoice: name.clone(),
                    amount: i.amount,
                    due: i.due,
                    paid: i.paid.filter(|paid| *paid <= as_of),
                    days_late: late,
                };
                Some((late, row))
            })
            .collect()
    }

    fn past_due(&self) -> Vec<(i64, EvidenceRow)> {
        let as_of = self.period.as_of;
        self.invoices
            .iter()
            .filter_map(|(i, name)| {
                let past_due = i.days_past_due(as_of);
                let owed = i.receivable_at(as_of)?;
                is_seriously_overdue(past_due).then(|| {
                    let row = EvidenceRow::PastDue {
                        invoice: name.clone(),
                        due: i.due,
                        owed,
                        days_past_due: past_due,
                    };
                    (past_due, row)
                })
            })
            .collect()
    }

    fn written_off(&self) -> anyhow::Result<Vec<(i64, EvidenceRow)>> {
        let as_of = self.period.as_of;
        self.invoices
            .iter()
            .filter(|(i, _)| i.status == InvoiceStatus::BadDebt && self.in_period(i.issued))
            .map(|(i, name)| {
                let paid = i.collected_by(as_of);
                let written_off = subtract_amounts("the amount written off", i.amount, paid)?;
                let row = EvidenceRow::WrittenOff {
                    invoice: name.clone(),
                    issued: i.issued,
                    written_off,
                    amount: i.amount,
                };
                Ok((0, row))
            })
            .collect()
    }

    fn discounts(&self) -> Vec<(i64, EvidenceRow)> {
        self.invoices
            .iter()
            .filter(|(i, _)| i.discount > Decimal::ZERO && self.in_period(i.issued))
            .map(|(i, name)| {
                let weight = i.discount.round().to_string().parse::<i64>().unwrap_or(0);
                let row = EvidenceRow::Discount {
                    invoice: name.clone(),
                    issued: i.issued,
                    discount: i.discount,
                    amount: i.amount,
                };
                (weight, row)
            })
            .collect()
    }

    fn ticket_time(&self) -> Vec<(i64, EvidenceRow)> {
        self.tickets
            .iter()
            .map(|t| {
                let minutes = crate::numbers::ratio_of(t.minutes, Decimal::ONE);
                let row = EvidenceRow::TicketTime {
                    place: self.place(t.origin.file, t.origin.line),
                    created: t.created,
                    minutes,
                };
                (minutes as i64, row)
            })
            .collect()
    }

    /// Tickets marked as scope changes, escalations or abusive: the most
    /// recent first.
    fn marked(&self, flag: FlagId) -> Vec<(i64, EvidenceRow)> {
        self.tickets
            .iter()
            .filter(|t| match flag {
                FlagId::ScopeCreep => t.scope_change,
                FlagId::Escalations => t.escalation,
                _ => t.abusive,
            })
            .map(|t| {
                let row = EvidenceRow::Ticket {
                    place: self.place(t.origin.file, t.origin.line),
                    created: t.created,
                };
                (i64::from(t.created.num_days_from_ce()), row)
            })
            .collect()
    }

    fn no_shows(&self) -> Vec<(i64, EvidenceRow)> {
        self.meetings
            .iter()
            .filter(|m| m.status == MeetingStatus::NoShow)
            .map(|m| {
                let row = EvidenceRow::NoShow {
                    place: self.place(m.origin.file, m.origin.line),
                    date: m.date,
                    minutes: m.minutes,
                    attendees: m.attendees,
                };
                (i64::from(m.date.num_days_from_ce()), row)
            })
            .collect()
    }
}
