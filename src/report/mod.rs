//! The one report value every renderer draws from.
//!
//! Layer: above `assess`; values only, must not import `render`, `commands` or anything above them.

pub(crate) mod check;
pub(crate) mod diff;
pub(crate) mod explain;
mod portfolio;
pub mod receivables;
mod sort;
mod unbilled;

use portfolio::{locate_unmatched, portfolio, quadrant_medians, quadrant_of};
pub(crate) use portfolio::{median, unmatched_counts, unmatched_places};
use sort::{Amount, at_common_scale, scaled_or_exact, select};
pub(crate) use sort::{check_owner, sort};
use unbilled::{Unbilled, unbilled_work};

use rust_decimal::Decimal;

use crate::aggregate::{Aggregated, ClientMetrics, Period};
use crate::assess::{Assessment, Verdict, assess};
use crate::config::Config;
use crate::error::{add_amounts, subtract_amounts};
use crate::ingest::Ingested;
use crate::ingest::identity::ClientInfo;
use crate::model::Origin;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// Profit, highest first.
    #[default]
    Profit,
    /// Margin, highest first; clients without revenue last.
    Margin,
    /// Revenue, highest first.
    Revenue,
    /// Worst verdict first, then most severe flags, then lowest profit.
    Risk,
    /// Client name, A to Z.
    Name,
}

/// Which rows to show; none of these change any figure.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub sort: SortKey,
    pub verdicts: Vec<Verdict>,
    pub owner: Option<String>,
    pub top: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct ClientReport {
    /// Position in the chosen sort among all listed clients (1-based).
    pub(crate) rank: usize,
    pub name: String,
    pub key: String,
    pub(crate) owner: Option<String>,
    pub(crate) segment: Option<String>,
    pub(crate) strategic: bool,
    pub metrics: ClientMetrics,
    pub assessment: Assessment,
    /// Where the client sits on value (profit) against effort (hours to serve).
    pub quadrant: Quadrant,
}

/// The four client types of a value-versus-effort split at the portfolio
/// medians: high value is profit at or above the median profit, high
/// effort is hours to serve above the median hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Quadrant {
    /// High value, low effort.
    Excellent,
    /// High value, high effort.
    Average,
    /// Low value, high effort.
    Unbearable,
    /// Low value, low effort.
    Passive,
}

impl Quadrant {
    pub(crate) const ALL: [Quadrant; 4] = [
        Quadrant::Excellent,
        Quadrant::Average,
        Quadrant::Unbearable,
        Quadrant::Passive,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Quadrant::Excellent => "excellent",
            Quadrant::Average => "average",
            Quadrant::Unbearable => "unbearable",
            Quadrant::Passive => "passive",
        }
    }
}

/// The whale curve: cumulative profit with clients ordered most profitable
/// first. It rises to a peak, then the loss-making tail erodes it.
#[derive(Debug, Clone, PartialEq)]
pub struct WhaleCurve {
    /// Cumulative profit after each client, most profitable first.
    pub(crate) points: Vec<Decimal>,
    pub peak: Decimal,
    /// How many clients (most profitable first) make the peak.
    pub peak_clients: usize,
    /// Peak as a share of total profit (1.5 = 150%); `None` when total profit ≤ 0.
    pub(crate) peak_share: Option<f64>,
    /// Clients after the peak, and the profit they erode (≤ 0).
    pub(crate) eroding_clients: usize,
    pub eroded: Decimal,
}

/// The value-versus-effort medians and how many clients fall in each type.
#[derive(Debug, Clone, PartialEq)]
pub struct Quadrants {
    pub median_profit: Decimal,
    pub median_hours: Decimal,
    pub(crate) counts: Vec<(Quadrant, usize)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pareto {
    /// How many clients make the top 20% (rounded up, at least 1).
    pub(crate) top_clients: usize,
    /// Share of revenue from the top 20% of clients by revenue.
    pub(crate) revenue_share: Option<f64>,
    /// Share of profit from the top 20% of clients by profit.
    pub(crate) profit_share: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct Portfolio {
    pub clients: usize,
    pub revenue: Decimal,
    pub cost_to_serve: Decimal,
    pub profit: Decimal,
    pub outstanding: Decimal,
    pub overdue: Decimal,
    pub d90_plus: Decimal,
    pub bad_debt: Decimal,
    pub tickets: u64,
    pub verdicts: Vec<(Verdict, usize)>,
    pub pareto: Pareto,
    pub whale: WhaleCurve,
    pub quadrants: Quadrants,
    pub(crate) unmatched_tickets: u64,
    pub(crate) unmatched_meetings: u64,
    /// Where the first few of them are: `path:line (what it named)`.
    pub(crate) unmatched_located: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub period: Period,
    pub(crate) currency: Option<String>,
    pub(crate) config: Config,
    /// Every listed client, sorted and ranked.
    pub clients: Vec<ClientReport>,
    /// Indices into `clients` of the rows the selection shows.
    pub(crate) shown: Vec<usize>,
    pub portfolio: Portfolio,
    pub(crate) warnings: Vec<String>,
    /// Whether any invoices file says what was paid (a paid date, paid
    /// amount, balance or status column): without one, receivables and
    /// lateness are unknown, not zero.
    pub(crate) payments_known: bool,
    /// Invoices files with rows but no such column, whose invoices
    /// receivables and lateness leave out.
    pub(crate) payments_unknown_in: Vec<String>,
    /// Where the cost of the work comes from: a timesheet, or a share.
    pub(crate) cost_basis: crate::aggregate::CostBasis,
}

/// Something a reader must be told besides the figures. Every
/// human-readable format prints every note (the table, markdown and
/// HTML alike), so a report that leaves rows or clients out says so
/// wherever it is read; JSON carries the warnings in `warnings`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Note {
    /// A selection (`--owner`, `--verdict`, `--top`) shows fewer rows
    /// than the report holds; the totals still cover them all.
    Showing { shown: usize, of: usize },
    /// Rows skipped, files read on an assumption, events that name no
    /// client: the run's warnings. Untrusted text (file names, values):
    /// each renderer escapes it for its target.
    Warning(String),
}

impl Note {
    /// The note as plain text (escape it for the target before writing).
    pub(crate) fn text(&self) -> String {
        match self {
            Note::Showing { shown, of } => {
                format!("Showing {shown} of {of} clients; the totals cover all {of}.")
            }
            Note::Warning(text) => text.clone(),
        }
    }
}

/// The notes of a view that shows `shown` of `of` rows and had `warnings`.
pub(crate) fn notes(shown: usize, of: usize, warnings: &[String]) -> Vec<Note> {
    let mut notes = Vec::with_capacity(warnings.len().saturating_add(1));
    if shown < of {
        notes.push(Note::Showing { shown, of });
    }
    notes.extend(warnings.iter().cloned().map(Note::Warning));
    notes
}

impl Report {
    pub(crate) fn shown(&self) -> impl Iterator<Item = &ClientReport> {
        self.shown
            .iter()
            .filter_map(|index| self.clients.get(*index))
    }

    /// What every human-readable format says besides the figures.
    pub(crate) fn notes(&self) -> Vec<Note> {
        notes(self.shown.len(), self.clients.len(), &self.warnings)
    }

    /// Is the cost of delivering the work unknown (so left out of profit)?
    pub(crate) fn delivery_cost_unknown(&self) -> bool {
        self.cost_basis.leaves_out_delivery(&self.config.rates)
    }

    /// Assumptions the figures rest on, which every format states (unlike
    /// warnings, which are about the inputs and also go to stderr).
    pub(crate) fn assumptions(&self) -> Vec<String> {
        let mut notes = Vec::new();
        // An unknown delivery cost says the basis itself.
        if self.delivery_cost_unknown() {
            notes.push(crate::config::DELIVERY_COST_UNKNOWN.to_string());
        } else {
            notes.push(self.cost_basis_note());
        }
        notes
    }

    /// What effort is measured in: the hours worked with a timesheet,
    /// else the hours tickets and meetings took.
    pub(crate) fn effort_words(&self) -> (&'static str, &'static str) {
        match self.cost_basis {
            crate::aggregate::CostBasis::Hours => (
                "hours worked",
                "hours worked (timesheet, and support and meetings it leaves out)",
            ),
            crate::aggregate::CostBasis::Share => (
                "hours to serve",
                "hours to serve (tickets, meetings, no-shows)",
            ),
        }
    }

    /// Which basis the cost of the work is on, said in every output.
    fn cost_basis_note(&self) -> String {
        use crate::config::Covered;
        let rates = &self.config.rates;
        match self.cost_basis {
            crate::aggregate::CostBasis::Share => format!(
                "cost basis: share — delivery cost is {} of revenue ([rates] delivery_cost_share); a timesheet among the inputs would cost the hours worked instead",
                crate::numbers::percent_text(rates.delivery_cost_share)
            ),
            crate::aggregate::CostBasis::Hours => {
                let time = &self.config.time;
                let rest = match (
                    time.covers(Covered::Support),
                    time.covers(Covered::Meetings),
                ) {
                    (true, true) => {
                        "support and meeting time are in those hours, so not costed again (ticket and meeting counts still raise flags)"
                    }
                    (true, false) => {
                        "support time is in those hours; meeting time is costed at meeting_hourly"
                    }
                    (false, true) => {
                        "meeting time is in those hours; support time is costed at support_hourly"
                    }
                    (false, false) => {
                        "support and meeting time are costed apart, at support_hourly and meeting_hourly"
                    }
                };
                format!(
                    "cost basis: hours — delivery cost is the timesheet's hours at their cost rates (not a share of revenue); {rest} ([time] covers)"
                )
            }
        }
    }

    /// Does any shown client have `verdict` or a worse one?
    pub(crate) fn any_shown_at_least(&self, verdict: Verdict) -> bool {
        self.shown()
            .any(|client| client.assessment.verdict.at_least_as_bad_as(verdict))
    }
}

/// Where the report gets each client's name, key, owner and segment.
pub enum Clients {
    /// Copied from the registry, which stays whole.
    Copied,
    /// Taken from the registry's clients (`Registry::take_clients`).
    Taken(Vec<ClientInfo>),
}

pub fn build(
    ingested: &Ingested,
    mut clients_from: Clients,
    aggregated: Aggregated,
    config: &Config,
    selection: &Selection,
) -> anyhow::Result<Report> {
    let period = aggregated.period;
    let cost_basis = aggregated.cost_basis;
    let unbilled = Unbilled::gather(ingested, &clients_from, &aggregated.clients);
    let mut make = |metrics: ClientMetrics| {
        let info = match &mut clients_from {
            Clients::Copied => ingested.registry.info(metrics.client).clone(),
            Clients::Taken(infos) => infos
                .get_mut(metrics.client.index())
                .map(std::mem::take)
                .unwrap_or_default(),
        };
        ClientReport {
            rank: 0,
            name: info.name,
            key: info.key,
            owner: info.owner,
            segment: info.segment,
            strategic: info.strategic,
            metrics,
            // Judged just below.
            assessment: Assessment {
                flags: Vec::new(),
                verdict: Verdict::Keep,
                guard: None,
                reasons: Vec::new(),
                actions: Default::default(),
            },
            quadrant: Quadrant::Passive,
        }
    };
    // Taken from the back a block at a time, the metrics give their memory
    // back as the report grows, instead of both lists being held whole at
    // once. The list is then last client first; it is not turned round, as
    // the sort below orders every client by a key of its own.
    let mut metrics = aggregated.clients;
    let mut clients: Vec<ClientReport> = Vec::with_capacity(metrics.len());
    while !metrics.is_empty() {
        let rest = metrics.len().saturating_sub(4096);
        clients.extend(metrics.drain(rest..).rev().map(&mut make));
        metrics.shrink_to_fit();
    }
    // Every name was taken: the emptied list goes before the judging.
    drop(clients_from);
    crate::trace::phase("report: clients listed");
    // The medians take the metrics alone, so each client's quadrant is
    // placed while it is judged.
    let medians = quadrant_medians(&clients);
    // Each client is judged on its own: with many clients, on every core,
    // each thread filling in its own stretch of the list.
    let judge = |part: &mut [ClientReport]| {
        // A playbook for each thread: every client's actions are clones of
        // its lines' `Arc`s, and two cores counting references on the
        // same lines would pass those cache lines back and forth.
        let playbook = crate::assess::playbook::Playbook::with_overrides(&config.playbook);
        for client in part {
            client.quadrant = quadrant_of(&client.metrics, medians);
            client.assessment = assess(
                &client.metrics,
                client.strategic,
                &period,
                (&config.thresholds, &config.targets),
                &playbook,
            )?;
        }
        anyhow::Ok(())
    };
    // Judging 256 clients takes a millisecond or two, far more than
    // starting a thread.
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if threads > 1 && clients.len() >= 256 {
        let judge = &judge;
        let part_size = clients.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let parts: Vec<_> = clients
                .chunks_mut(part_size)
                .map(|part| scope.spawn(move || judge(part)))
                .collect();
            // The first part's error, as one thread would meet it; a
            // thread's panic goes on as the scope would pass it on.
            parts.into_iter().try_for_each(|part| {
                part.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
        })?;
    } else {
        judge(&mut clients)?;
    }
    if let Some(unbilled) = &unbilled {
        let names: Vec<(&str, &str)> = unbilled
            .names
            .iter()
            .map(|(key, name)| (key.as_str(), name.as_str()))
            .collect();
        for client in clients.iter_mut().filter(|c| unbilled_work(&c.metrics)) {
            unbilled.explain(client, &names);
        }
    }
    crate::trace::phase("report: judged");
    sort(&mut clients, selection.sort);
    crate::trace::phase("report: sorted");
    for (index, client) in clients.iter_mut().enumerate() {
        client.rank = index.saturating_add(1);
    }
    // After the sort: the totals are exact sums, but a sum of amounts
    // with 28 digits rounds, and the clients' figures must add up, in the
    // order shown, to the totals shown.
    let mut portfolio = portfolio(
        &clients,
        medians,
        aggregated.unmatched_tickets,
        aggregated.unmatched_meetings,
    )?;
    portfolio.unmatched_located = locate_unmatched(ingested, &aggregated.unmatched_rows);
    let shown = select(&clients, selection);
    crate::trace::phase("report: portfolio");
    let mut warnings = ingested.warnings.clone();
    if portfolio.unmatched_tickets > 0 || portfolio.unmatched_meetings > 0 {
        warnings.push(format!(
            "unmatched: {} in the period name no known client (no client cell, and no email domain in clients.csv); map them with clients.csv aliases or domains{}",
            unmatched_counts(&portfolio),
            unmatched_places(&portfolio)
        ));
    }
    if let Some(warning) = unmatched_time(ingested, &aggregated.unmatched_time) {
        warnings.push(warning);
    }
    if let Some(warning) = unworked_clients(&clients, cost_basis) {
        warnings.push(warning);
    }
    let invoice_files = || {
        ingested
            .reports
            .iter()
            .filter(|r| r.kind == Some(crate::ingest::columns::Kind::Invoices))
    };
    let payments_known = invoice_files().any(|r| r.payment_columns);
    let payments_unknown_in = invoice_files()
        .filter(|r| !r.payment_columns && r.rows_read > 0)
        .map(|r| {
            r.path.file_name().map_or_else(
                || r.path.display().to_string(),
                |name| name.to_string_lossy().into_owned(),
            )
        })
        .collect();
    Ok(Report {
        period,
        currency: ingested.currency.clone(),
        config: config.clone(),
        clients,
        shown,
        portfolio,
        warnings,
        payments_known,
        payments_unknown_in,
        cost_basis,
    })
}

/// Timesheet entries of the period that name no client: their hours are
/// in no client's cost, which the report must say.
fn unmatched_time(ingested: &Ingested, gaps: &crate::aggregate::TimeGaps) -> Option<String> {
    if gaps.unmatched_entries == 0 {
        return None;
    }
    let hours = gaps
        .unmatched_minutes
        .checked_div(Decimal::from(60))
        .unwrap_or_default()
        .round_dp(2);
    // The entries of the period, not the first rows of the files: an
    // entry outside the period is neither counted nor named.
    let places = locate_unmatched(ingested, &gaps.unmatched_rows);
    let more = gaps.unmatched_entries > places.len() as u64;
    Some(format!(
        "unmatched: {} time {} ({} {}) in the period {} no client: their hours are in no client's cost; fill in the client column, or map the projects in [time.projects]{}",
        gaps.unmatched_entries,
        crate::wording::plural(gaps.unmatched_entries, "entry", "entries"),
        hours.normalize(),
        if hours == Decimal::ONE {
            "hour"
        } else {
            "hours"
        },
        crate::wording::plural(gaps.unmatched_entries, "names", "name"),
        if places.is_empty() {
            String::new()
        } else {
            format!(
                "; {} {}{}",
                if more { "the first at" } else { "at" },
                places.join(", "),
                if more { ", …" } else { "" }
            )
        }
    ))
}

/// Clients with revenue but no hours in the timesheet: their delivery
/// cost reads 0, which is only right if no one worked for them.
fn unworked_clients(
    clients: &[ClientReport],
    basis: crate::aggregate::CostBasis,
) -> Option<String> {
    if basis != crate::aggregate::CostBasis::Hours {
        return None;
    }
    let mut names: Vec<&str> = clients
        .iter()
        .filter(|c| {
            c.metrics.revenue > Decimal::ZERO
                && c.metrics.time.as_ref().is_some_and(|t| t.hours.is_zero())
        })
        .map(|c| c.name.as_str())
        .collect();
    if names.is_empty() {
        return None;
    }
    names.sort_unstable();
    let count = names.len();
    let listed: Vec<String> = names.iter().take(5).map(|n| format!("{n:?}")).collect();
    Some(format!(
        "{count} {} with revenue {} no hours in the timesheet, so no delivery cost: {}{}; if people worked for {}, their time is missing from the timesheet (or logged under another client or project)",
        crate::wording::plural(count as u64, "client", "clients"),
        crate::wording::plural(count as u64, "has", "have"),
        listed.join(", "),
        if count > 5 { ", …" } else { "" },
        crate::wording::plural(count as u64, "it", "them"),
    ))
}

#[cfg(test)]
mod tests;
