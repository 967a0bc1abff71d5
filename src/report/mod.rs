//! The one report value every renderer draws from.

pub mod receivables;

use rust_decimal::Decimal;

use crate::aggregate::{Aggregated, ClientMetrics, Period};
use crate::assess::{Assessment, Verdict, assess};
use crate::config::Config;
use crate::error::{add_amounts, subtract_amounts};
use crate::ingest::Ingested;
use crate::ingest::identity::ClientInfo;
use crate::ingest::records::Origin;

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
        !self.config.rates.delivery_cost_known
    }

    /// Assumptions the figures rest on, which every format states (unlike
    /// warnings, which are about the inputs and also go to stderr).
    pub(crate) fn assumptions(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.delivery_cost_unknown() {
            notes.push(crate::config::DELIVERY_COST_UNKNOWN.to_string());
        }
        notes
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
                actions: Vec::new(),
            },
            quadrant: Quadrant::Passive,
        }
    };
    // Taken from the back a block at a time, the metrics give their memory
    // back as the report grows, instead of both lists being held whole at
    // once (with 100,000 clients that is some 50 MB less at the peak).
    // The list is then last client first; it is not turned round, as the
    // sort below orders every client by a key of its own (turning 75 MB
    // of reports round took some milliseconds).
    let mut metrics = aggregated.clients;
    let mut clients: Vec<ClientReport> = Vec::with_capacity(metrics.len());
    while !metrics.is_empty() {
        let rest = metrics.len().saturating_sub(4096);
        clients.extend(metrics.drain(rest..).rev().map(&mut make));
        metrics.shrink_to_fit();
    }
    crate::trace::phase("report: clients listed");
    // The medians take the metrics alone, so each client's quadrant is
    // placed while it is judged.
    let medians = quadrant_medians(&clients);
    // Each client is judged on its own: with many clients, on every core,
    // each thread filling in its own stretch of the list.
    let judge = |part: &mut [ClientReport]| {
        // A playbook for each thread: every client's actions are clones of
        // its lines' `Arc`s, and two cores counting references on the
        // same lines pass those cache lines back and forth (judging
        // 100,000 clients took 77-86 ms with one shared playbook, 68-84 ms
        // with one per thread).
        let playbook = crate::assess::playbook::Playbook::with_overrides(&config.playbook);
        for client in part {
            client.quadrant = quadrant_of(&client.metrics, medians);
            client.assessment = assess(
                &client.metrics,
                client.strategic,
                &period,
                &config.thresholds,
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
    })
}

/// A client with tickets or meetings in the period but no invoice: its
/// loss is most likely not a loss at all.
fn unbilled_work(metrics: &ClientMetrics) -> bool {
    !metrics.invoiced && (metrics.tickets > 0 || metrics.scheduled > 0 || metrics.cancelled > 0)
}

/// What tells apart the likely causes of work with no invoice: the
/// clients any invoices file names (whatever the date), with their keys
/// and names for the closest-name suggestion `check` also makes.
struct Unbilled {
    invoiced_ever: std::collections::BTreeSet<u32>,
    /// Invoice clients' keys and names for the closest-name search; empty
    /// when that search would cost too much (see `NAME_SEARCH_BUDGET`).
    names: Vec<(String, String)>,
    /// Were names compared (or was there nothing to compare with)?
    searched: bool,
}

/// The most name comparisons (clients without an invoice × clients with
/// one) the closest-name search may make: a ticket export of a hundred
/// thousand clients against invoices for a thousand would otherwise take
/// minutes. Past it, the reason names the three causes without a guess
/// and `check` lists close names.
const NAME_SEARCH_BUDGET: usize = 2_000_000;

impl Unbilled {
    fn gather(
        ingested: &Ingested,
        clients: &Clients,
        metrics: &[ClientMetrics],
    ) -> Option<Unbilled> {
        if !metrics.iter().any(unbilled_work) {
            return None;
        }
        let invoiced_ever: std::collections::BTreeSet<u32> = ingested
            .reports
            .iter()
            .filter(|r| r.kind == Some(crate::ingest::columns::Kind::Invoices))
            .flat_map(|r| r.clients.iter())
            .collect();
        let info = |id: u32| match clients {
            Clients::Copied => ingested.registry.clients().get(id as usize),
            Clients::Taken(infos) => infos.get(id as usize),
        };
        let unbilled = metrics.iter().filter(|m| unbilled_work(m)).count();
        let names = if unbilled.saturating_mul(invoiced_ever.len()) <= NAME_SEARCH_BUDGET {
            invoiced_ever
                .iter()
                .filter_map(|id| info(*id).map(|i| (i.key.clone(), i.name.clone())))
                .collect()
        } else {
            Vec::new()
        };
        let searched = !names.is_empty() || invoiced_ever.is_empty();
        Some(Unbilled {
            invoiced_ever,
            names,
            searched,
        })
    }

    /// Say first what the client most likely is, and drop the referral
    /// advice about price and budget, which a missing invoice says nothing about.
    fn explain(&self, client: &mut ClientReport, names: &[(&str, &str)]) {
        let id = client.metrics.client.0;
        let why = if let Some(close) = crate::wording::closest(&client.key, names) {
            format!(
                "no invoice in the period under this name: most likely a name that did not match — the invoices name {close:?}; if that is this client, add {:?} as an alias of it in clients.csv",
                client.name
            )
        } else if self.invoiced_ever.contains(&id) {
            "no invoice in the period, though it has invoices at other dates: most likely unbilled work (bill the tickets and meetings of the period), or the period's invoices are in an export not given".to_string()
        } else if !self.searched {
            "no invoice under this name: a missing invoices export, unbilled work, or a name that did not match (too many clients to compare names here: `clientfit check` lists close names)".to_string()
        } else {
            "no invoice at all under this name: most likely a missing invoices export (or work never billed); its revenue of 0 makes any loss here unreliable".to_string()
        };
        client.assessment.reasons.insert(0, why);
        client
            .assessment
            .actions
            .retain(|action| !action.starts_with("A better fit for them"));
        client.assessment.actions.insert(
            0,
            std::sync::Arc::from(
                "Check first whether this is unbilled work, a missing export or a name that did not match, before acting on the verdict",
            ),
        );
    }
}

/// Where the first few tickets and meetings naming no known client are:
/// `path:line (what the row named)`.
fn locate_unmatched(ingested: &Ingested, rows: &[Origin]) -> Vec<String> {
    rows.iter()
        .filter_map(|origin| {
            let path = &ingested.files.get(origin.file as usize)?.path;
            let named = ingested
                .reports
                .iter()
                .filter(|report| report.path == *path)
                .flat_map(|report| &report.unmatched_rows)
                .find(|(line, _)| *line == origin.line)
                .map(|(_, named)| format!(" ({named})"))
                .unwrap_or_default();
            Some(format!("{}:{}{named}", path.display(), origin.line))
        })
        .collect()
}

/// "1 ticket and 0 meetings": how many tickets and meetings in the period
/// name no known client.
pub(crate) fn unmatched_counts(p: &Portfolio) -> String {
    use crate::wording::plural;
    format!(
        "{} {} and {} {}",
        p.unmatched_tickets,
        plural(p.unmatched_tickets, "ticket", "tickets"),
        p.unmatched_meetings,
        plural(p.unmatched_meetings, "meeting", "meetings"),
    )
}

/// "; at tickets.csv:487 (email domain "gmail.com")": where the first few
/// of them are ("the first at …, …" when there are more); empty when
/// none is located.
pub(crate) fn unmatched_places(p: &Portfolio) -> String {
    if p.unmatched_located.is_empty() {
        return String::new();
    }
    let total = p.unmatched_tickets.saturating_add(p.unmatched_meetings);
    let more = total > p.unmatched_located.len() as u64;
    format!(
        "; {} {}{}",
        if total == 1 {
            "at"
        } else if more {
            "the first at"
        } else {
            "at"
        },
        p.unmatched_located.join(", "),
        if more { ", …" } else { "" }
    )
}

/// Sort with a total order: every key ends with the client key and name,
/// so equal figures never leave the order to chance.
/// Sort clients by `key`, then by key and name. Sorts positions and then
/// moves each report once: a report is several hundred bytes, and moving
/// them at every step of the sort cost more than comparing them. The
/// figures compared are copied side by side first: with 100,000 clients,
/// reaching into the reports at every comparison was a cache miss each
/// time, and a fifth of a second.
pub(crate) fn sort(clients: &mut [ClientReport], key: SortKey) {
    // Only the amount the key compares is copied (this is where a run with
    // many clients peaks in memory: 100,000 clients' figures were 13 MB).
    let amount_of = |client: &ClientReport| match key {
        SortKey::Revenue => client.metrics.revenue,
        SortKey::Profit | SortKey::Risk | SortKey::Margin | SortKey::Name => client.metrics.profit,
    };
    let figures: Vec<SortFigures> = {
        let scaled = at_common_scale(clients.iter().map(amount_of));
        clients
            .iter()
            .enumerate()
            .map(|(index, client)| SortFigures {
                amount: scaled_or_exact(&scaled, index, amount_of(client)),
                margin: client.metrics.margin,
                verdict: client.assessment.verdict,
                severe_flags: client.assessment.severe_flags(),
            })
            .collect()
    };
    let mut order: Vec<usize> = (0..clients.len()).collect();
    {
        let reports: &[ClientReport] = clients;
        order.sort_by(|a, b| {
            match (figures.get(*a), figures.get(*b)) {
                (Some(fa), Some(fb)) => compare_figures(fa, fb, key),
                _ => std::cmp::Ordering::Equal,
            }
            .then_with(|| match (reports.get(*a), reports.get(*b)) {
                (Some(a), Some(b)) => by_name(a, b),
                _ => std::cmp::Ordering::Equal,
            })
        });
    }
    // Put each report in place by following the permutation's cycles:
    // swaps, so the reports are never held twice (that was 70 MB more at
    // the peak with 100,000 clients).
    const DONE: usize = usize::MAX;
    for start in 0..order.len() {
        if order.get(start) == Some(&DONE) {
            continue;
        }
        let mut at = start;
        // `order` is a permutation of the reports' places: every `at` is one.
        while let Some(slot) = order.get_mut(at) {
            // `order[at]` is where the report that belongs at `at` is now.
            let from = std::mem::replace(slot, DONE);
            if from == start || from == DONE {
                break;
            }
            clients.swap(at, from);
            at = from;
        }
    }
}

/// What the sort keys compare, but the names. `amount` is the revenue
/// when sorting by revenue, else the profit.
struct SortFigures {
    amount: Amount,
    margin: Option<f64>,
    verdict: Verdict,
    severe_flags: usize,
}

/// An amount as compared in a sort: the mantissa at the largest scale of
/// its column, when every amount of the column fits (comparing Decimals of
/// different scales rescales them, at every comparison), else the Decimal.
/// A column is all one or all the other.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Amount {
    Scaled(i128),
    Exact(Decimal),
}

/// Each value's mantissa at the values' largest scale, if all fit.
fn at_common_scale(values: impl Iterator<Item = Decimal> + Clone) -> Option<Vec<i128>> {
    let scale = values.clone().map(|value| value.scale()).max().unwrap_or(0);
    values
        .map(|value| {
            let factor = 10i128.checked_pow(scale.checked_sub(value.scale())?)?;
            value.mantissa().checked_mul(factor)
        })
        .collect()
}

fn scaled_or_exact(scaled: &Option<Vec<i128>>, index: usize, value: Decimal) -> Amount {
    match scaled.as_ref().and_then(|all| all.get(index)) {
        Some(mantissa) => Amount::Scaled(*mantissa),
        None => Amount::Exact(value),
    }
}

fn by_name(a: &ClientReport, b: &ClientReport) -> std::cmp::Ordering {
    a.key.cmp(&b.key).then_with(|| a.name.cmp(&b.name))
}

fn compare_figures(a: &SortFigures, b: &SortFigures, key: SortKey) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let float_desc = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => b.total_cmp(&a),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    match key {
        SortKey::Profit => b.amount.cmp(&a.amount),
        SortKey::Margin => float_desc(a.margin, b.margin),
        SortKey::Revenue => b.amount.cmp(&a.amount),
        SortKey::Risk => a
            .verdict
            .cmp(&b.verdict)
            .then_with(|| b.severe_flags.cmp(&a.severe_flags))
            .then_with(|| a.amount.cmp(&b.amount)),
        SortKey::Name => Ordering::Equal,
    }
}

/// An `--owner` that no client has is a typo, not an empty answer: an
/// empty report would exit 0 and so silence `--fail-on` in a cron job.
/// Owners compare as the filter does (trimmed, any case); `owners` are every
/// client's owner, whether or not the client was active in the period.
pub(crate) fn check_owner<'a>(
    owner: Option<&str>,
    owners: impl Iterator<Item = Option<&'a str>>,
) -> Result<(), crate::error::UsageError> {
    let Some(wanted) = owner else {
        return Ok(());
    };
    let wanted_key = wanted.trim().to_lowercase();
    let mut known: Vec<&str> = Vec::new();
    for owner in owners.flatten() {
        let owner = owner.trim();
        if owner.to_lowercase() == wanted_key {
            return Ok(());
        }
        if !owner.is_empty() {
            known.push(owner);
        }
    }
    known.sort_by_key(|o| o.to_lowercase());
    known.dedup_by(|a, b| a.to_lowercase() == b.to_lowercase());
    let wanted = crate::safe::terminal(wanted);
    Err(crate::error::UsageError(if known.is_empty() {
        format!(
            "--owner {wanted:?}: no client has an owner (owners come from the owner column of clients.csv)"
        )
    } else {
        let names: Vec<String> = known.iter().map(|o| crate::safe::terminal(o)).collect();
        format!(
            "--owner {wanted:?}: no client has this owner; the owners are {}",
            names.join(", ")
        )
    }))
}

fn select(clients: &[ClientReport], selection: &Selection) -> Vec<usize> {
    let owner = selection.owner.as_ref().map(|o| o.trim().to_lowercase());
    let mut shown: Vec<usize> = clients
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            selection.verdicts.is_empty() || selection.verdicts.contains(&c.assessment.verdict)
        })
        .filter(|(_, c)| match &owner {
            Some(owner) => c
                .owner
                .as_ref()
                .is_some_and(|o| o.trim().to_lowercase() == *owner),
            None => true,
        })
        .map(|(index, _)| index)
        .collect();
    if let Some(top) = selection.top {
        shown.truncate(top);
    }
    shown
}

fn portfolio(
    clients: &[ClientReport],
    medians: (Decimal, Decimal),
    unmatched_tickets: u64,
    unmatched_meetings: u64,
) -> anyhow::Result<Portfolio> {
    // The Pareto shares sort every client's revenue and profit: with many
    // clients, on a second core, while this one adds up the rest.
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let (pareto, (totals, whale)) = if threads > 1 && clients.len() >= 4096 {
        std::thread::scope(|scope| {
            let shares = scope.spawn(|| pareto(clients));
            let rest = (Totals::of(clients), whale_curve(clients));
            // The thread only sorts and adds; were it to fail, the same
            // work is done here.
            (shares.join().unwrap_or_else(|_| pareto(clients)), rest)
        })
    } else {
        (pareto(clients), (Totals::of(clients), whale_curve(clients)))
    };
    let (pareto, totals, whale) = (pareto?, totals?, whale?);
    Ok(Portfolio {
        clients: clients.len(),
        revenue: totals.revenue,
        cost_to_serve: totals.cost_to_serve,
        profit: totals.profit,
        outstanding: totals.outstanding,
        overdue: totals.overdue,
        d90_plus: totals.d90_plus,
        bad_debt: totals.bad_debt,
        tickets: totals.tickets,
        verdicts: Verdict::ALL.into_iter().zip(totals.verdicts).collect(),
        pareto,
        whale,
        quadrants: Quadrants {
            median_profit: medians.0,
            median_hours: medians.1,
            counts: Quadrant::ALL.into_iter().zip(totals.quadrants).collect(),
        },
        unmatched_tickets,
        unmatched_meetings,
        unmatched_located: Vec::new(),
    })
}

/// The portfolio's sums and counts, in one pass over the clients (a pass
/// for each, sixteen in all, read every report sixteen times: with
/// 100,000 clients, 14 ms more). Each sum adds the clients in the same
/// order as a sum of its own would.
#[derive(Default)]
struct Totals {
    revenue: Decimal,
    cost_to_serve: Decimal,
    profit: Decimal,
    outstanding: Decimal,
    overdue: Decimal,
    d90_plus: Decimal,
    bad_debt: Decimal,
    tickets: u64,
    /// By `Verdict::ALL`.
    verdicts: [usize; Verdict::ALL.len()],
    /// By `Quadrant::ALL`.
    quadrants: [usize; Quadrant::ALL.len()],
}

impl Totals {
    fn of(clients: &[ClientReport]) -> anyhow::Result<Totals> {
        let add = |what: &str, total: &mut Decimal, value: Decimal| -> anyhow::Result<()> {
            *total = add_amounts(what, *total, value)?;
            Ok(())
        };
        let mut totals = Totals::default();
        for client in clients {
            let m = &client.metrics;
            add("total revenue", &mut totals.revenue, m.revenue)?;
            add(
                "total cost to serve",
                &mut totals.cost_to_serve,
                m.cost_to_serve,
            )?;
            add("total profit", &mut totals.profit, m.profit)?;
            add("total outstanding", &mut totals.outstanding, m.outstanding)?;
            add("total overdue", &mut totals.overdue, m.overdue)?;
            add("total over 90 days", &mut totals.d90_plus, m.d90_plus)?;
            add("total bad debt", &mut totals.bad_debt, m.bad_debt)?;
            // One per ticket row read: 2^64 cannot be reached.
            totals.tickets = totals.tickets.saturating_add(m.tickets);
            let verdict = Verdict::ALL
                .iter()
                .position(|v| *v == client.assessment.verdict);
            if let Some(count) = verdict.and_then(|at| totals.verdicts.get_mut(at)) {
                *count = count.saturating_add(1);
            }
            let quadrant = Quadrant::ALL.iter().position(|q| *q == client.quadrant);
            if let Some(count) = quadrant.and_then(|at| totals.quadrants.get_mut(at)) {
                *count = count.saturating_add(1);
            }
        }
        Ok(totals)
    }
}

/// The Pareto line: the top 20% of clients (rounded up) by revenue and
/// their share of revenue; by profit and their share of profit. A share is
/// `None` when the total is not positive (a share of a loss means nothing).
pub(crate) fn pareto(clients: &[ClientReport]) -> anyhow::Result<Pareto> {
    let top_clients = clients.len().div_ceil(5).max(1);
    let share = |what: &str, mut values: Vec<Decimal>| -> anyhow::Result<Option<f64>> {
        let total = sum_amounts(what, &values)?;
        if total <= Decimal::ZERO {
            return Ok(None);
        }
        // The top values are picked by selection on the values as
        // integers at their largest scale, when they all fit, and only
        // they are put in order (sorting 100,000 Decimals twice was the
        // longest part of the portfolio).
        let top = match top_sum(&values, top_clients) {
            Some(top) => top?,
            None => {
                values.sort_by(|a, b| b.cmp(a));
                sum_amounts(what, values.get(..top_clients).unwrap_or(&values))?
            }
        };
        Ok(Some(crate::numbers::ratio_of(top, total)))
    };
    Ok(Pareto {
        top_clients: top_clients.min(clients.len()),
        revenue_share: share(
            "total revenue",
            clients.iter().map(|c| c.metrics.revenue).collect(),
        )?,
        profit_share: share(
            "total profit",
            clients.iter().map(|c| c.metrics.profit).collect(),
        )?,
    })
}

/// The sum of `values` in their order, or the error naming the amounts.
fn sum_amounts(what: &str, values: &[Decimal]) -> anyhow::Result<Decimal> {
    values
        .iter()
        .try_fold(Decimal::ZERO, |sum, value| add_amounts(what, sum, *value))
}

/// The sum of the `count` largest values, added as a stable sort from the
/// largest down would add them (ties in their order in `values`), so that
/// the Decimal sum is the same to the last digit and scale; `None` when
/// they share no scale as integers (the caller sorts). Only the top ones
/// are put in order, after picking them by selection.
fn top_sum(values: &[Decimal], count: usize) -> Option<anyhow::Result<Decimal>> {
    let scaled = at_common_scale(values.iter().copied())?;
    let mut places: Vec<(i128, usize)> = scaled.into_iter().zip(0..).collect();
    // Largest first, then first met: a total order, the stable sort's.
    let by_size = |a: &(i128, usize), b: &(i128, usize)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
    let count = count.min(places.len());
    if let Some(last) = count.checked_sub(1)
        && count < places.len()
    {
        places.select_nth_unstable_by(last, by_size);
    }
    let top = places.get_mut(..count)?;
    top.sort_unstable_by(by_size);
    Some(
        top.iter()
            .filter_map(|(_, at)| values.get(*at))
            .try_fold(Decimal::ZERO, |sum, value| {
                add_amounts("the top clients' total", sum, *value)
            }),
    )
}

/// The median of exact values (the mean of the middle two for an even count).
/// The middle values are found by selection, not by sorting all of them:
/// with 100,000 clients and two medians, sorting was a tenth of a second.
pub(crate) fn median(mut values: Vec<Decimal>) -> Decimal {
    if values.is_empty() {
        return Decimal::ZERO;
    }
    let middle = values.len() / 2;
    let odd = values.len() % 2 == 1;
    let (below, upper, _) = values.select_nth_unstable(middle);
    if odd {
        *upper
    } else {
        // The largest of the lower half is the other middle value.
        let lower = below.iter().max().copied().unwrap_or(*upper);
        midpoint(lower, *upper)
    }
}

/// Halfway between two amounts. A sum past the range needs both of one
/// sign: then their difference is in range, and the lower plus half of it
/// lies between the two (rounded in the last digit, where a Decimal that
/// large has no room for the half). Halving cannot overflow.
#[allow(clippy::arithmetic_side_effects)]
fn midpoint(a: Decimal, b: Decimal) -> Decimal {
    match a.checked_add(b) {
        Some(sum) => sum / Decimal::TWO,
        None => {
            let (low, high) = (a.min(b), a.max(b));
            low + (high - low) / Decimal::TWO
        }
    }
}

fn quadrant_medians(clients: &[ClientReport]) -> (Decimal, Decimal) {
    (
        median(clients.iter().map(|c| c.metrics.profit).collect()),
        median(clients.iter().map(|c| c.metrics.hours_to_serve).collect()),
    )
}

fn quadrant_of(m: &ClientMetrics, (median_profit, median_hours): (Decimal, Decimal)) -> Quadrant {
    match (m.profit >= median_profit, m.hours_to_serve > median_hours) {
        (true, false) => Quadrant::Excellent,
        (true, true) => Quadrant::Average,
        (false, true) => Quadrant::Unbearable,
        (false, false) => Quadrant::Passive,
    }
}

/// Cumulative profit, most profitable first (ties by key), its peak and the tail.
pub(crate) fn whale_curve(clients: &[ClientReport]) -> anyhow::Result<WhaleCurve> {
    // Sorted on the profits laid side by side, as integers at their
    // largest scale when they all fit (as `sort` does): comparing Decimals
    // in the reports themselves was a cache miss and a rescale each time.
    let scaled = at_common_scale(clients.iter().map(|c| c.metrics.profit));
    let mut by_profit: Vec<(Amount, usize)> = clients
        .iter()
        .enumerate()
        .map(|(index, c)| (scaled_or_exact(&scaled, index, c.metrics.profit), index))
        .collect();
    by_profit.sort_by(|(a_profit, a), (b_profit, b)| {
        b_profit
            .cmp(a_profit)
            .then_with(|| match (clients.get(*a), clients.get(*b)) {
                (Some(a), Some(b)) => a.key.cmp(&b.key),
                _ => std::cmp::Ordering::Equal,
            })
    });
    let ordered: Vec<&ClientReport> = by_profit
        .iter()
        .filter_map(|(_, index)| clients.get(*index))
        .collect();
    let mut points = Vec::with_capacity(ordered.len());
    let mut running = Decimal::ZERO;
    for client in &ordered {
        running = add_amounts(
            "the whale curve's running profit",
            running,
            client.metrics.profit,
        )?;
        points.push(running);
    }
    // The first highest point: clients after it only take profit away.
    let (peak_clients, peak) = points.iter().enumerate().fold(
        (0usize, Decimal::ZERO),
        |(best_at, best), (index, value)| {
            if *value > best {
                (index.saturating_add(1), *value)
            } else {
                (best_at, best)
            }
        },
    );
    let total = running;
    Ok(WhaleCurve {
        peak,
        peak_clients,
        peak_share: (total > Decimal::ZERO).then(|| crate::numbers::ratio_of(peak, total)),
        // The peak is one of the points.
        eroding_clients: points.len().saturating_sub(peak_clients),
        eroded: subtract_amounts("the whale curve's eroded profit", total, peak)?,
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `median` as it was: sort everything, take the middle.
    fn median_by_sorting(mut values: Vec<Decimal>) -> Decimal {
        if values.is_empty() {
            return Decimal::ZERO;
        }
        values.sort();
        let middle = values.len() / 2;
        if values.len() % 2 == 1 {
            values[middle]
        } else {
            (values[middle - 1] + values[middle]) / Decimal::TWO
        }
    }

    proptest::proptest! {
        /// Selecting the middle gives the median sorting gives, with
        /// repeated values, equal values at different scales, and
        /// negatives, for odd and even counts.
        #[test]
        fn median_by_selection_is_median_by_sorting(
            values in proptest::collection::vec((-50i64..50, 0u32..4), 0..40),
        ) {
            let values: Vec<Decimal> = values
                .into_iter()
                .map(|(mantissa, scale)| Decimal::new(mantissa * 10i64.pow(scale), scale))
                .collect();
            proptest::prop_assert_eq!(median(values.clone()), median_by_sorting(values));
        }
    }

    #[test]
    fn the_median_of_amounts_whose_sum_leaves_the_range_is_between_them() {
        let max = Decimal::MAX;
        assert_eq!(median(vec![max, max]), max);
        // MAX − 2 and MAX: halfway is MAX − 1, exactly.
        assert_eq!(median(vec![max - Decimal::TWO, max]), max - Decimal::ONE);
        assert_eq!(median(vec![Decimal::MIN, Decimal::MIN]), Decimal::MIN);
    }

    #[test]
    fn portfolio_sums_past_the_decimal_range_are_an_error_naming_them() {
        let mut clients: Vec<ClientReport> = (0..2u8)
            .map(|at| client((1, 1, None, 0, 0, at, at), usize::from(at) + 1))
            .collect();
        for client in &mut clients {
            client.metrics.revenue = Decimal::MAX;
        }
        let err = portfolio(&clients, (Decimal::ZERO, Decimal::ZERO), 0, 0)
            .err()
            .map(|err| err.to_string());
        assert_eq!(
            err.as_deref(),
            Some(
                "total revenue: 79228162514264337593543950335 + 79228162514264337593543950335 is past the largest amount clientfit counts exactly (about 7.9 × 10^28); check the amounts, and the exchange rates under [fx] in clientfit.toml"
            )
        );
        // The whale curve runs through profits: past the range there too.
        for client in &mut clients {
            client.metrics.revenue = Decimal::ONE;
            client.metrics.profit = Decimal::MAX;
        }
        let err = whale_curve(&clients).err().map(|err| err.to_string());
        assert!(
            err.as_deref().is_some_and(|text| text.starts_with(
                "the whale curve's running profit: 79228162514264337593543950335 + 79228162514264337593543950335 is past"
            )),
            "{err:?}"
        );
    }

    fn client(
        (profit, revenue, margin, verdict, severe, key, name): (
            i64,
            i64,
            Option<i8>,
            usize,
            usize,
            u8,
            u8,
        ),
        rank: usize,
    ) -> ClientReport {
        let zero = Decimal::ZERO;
        let flag = crate::assess::Flag {
            id: crate::assess::FlagId::BadDebt,
            severity: crate::assess::Severity::Severe,
            detail: String::new(),
        };
        ClientReport {
            rank,
            name: format!("Client {name}"),
            key: format!("client {key}"),
            owner: None,
            segment: None,
            strategic: false,
            metrics: ClientMetrics {
                client: crate::ingest::identity::ClientId(0),
                invoiced: true,
                revenue: Decimal::new(revenue, 2),
                bad_debt: zero,
                discounts: zero,
                support_cost: zero,
                meeting_cost: zero,
                no_show_cost: zero,
                collection_cost: zero,
                delivery_cost: zero,
                cost_to_serve: zero,
                profit: Decimal::new(profit, (profit.unsigned_abs() % 3) as u32),
                margin: margin.map(|m| f64::from(m) / 10.0),
                effective_hourly: None,
                hours_to_serve: zero,
                invoices_due: 0,
                late_invoices: 0,
                late_share: None,
                avg_days_late: None,
                avg_days_late_over_late: None,
                outstanding: zero,
                current: zero,
                d1_30: zero,
                d31_60: zero,
                d61_90: zero,
                d90_plus: zero,
                overdue: zero,
                dso: None,
                tickets: 0,
                ticket_minutes: zero,
                scope_changes: 0,
                escalations: 0,
                abusive_tickets: 0,
                scheduled: 0,
                attended: 0,
                no_shows: 0,
                cancelled: 0,
                no_show_rate: None,
                revenue_share: None,
                ticket_share: None,
            },
            assessment: Assessment {
                flags: vec![flag; severe],
                verdict: Verdict::ALL[verdict % Verdict::ALL.len()],
                guard: None,
                reasons: Vec::new(),
                actions: Vec::new(),
            },
            quadrant: Quadrant::Passive,
        }
    }

    /// The comparison the sort made before its figures were copied out.
    fn compare(a: &ClientReport, b: &ClientReport, key: SortKey) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        let by_name = |a: &ClientReport, b: &ClientReport| {
            a.key.cmp(&b.key).then_with(|| a.name.cmp(&b.name))
        };
        let float_desc = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => b.total_cmp(&a),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        let (ma, mb) = (&a.metrics, &b.metrics);
        let primary = match key {
            SortKey::Profit => mb.profit.cmp(&ma.profit),
            SortKey::Margin => float_desc(ma.margin, mb.margin),
            SortKey::Revenue => mb.revenue.cmp(&ma.revenue),
            SortKey::Risk => a
                .assessment
                .verdict
                .cmp(&b.assessment.verdict)
                .then_with(|| {
                    b.assessment
                        .severe_flags()
                        .cmp(&a.assessment.severe_flags())
                })
                .then_with(|| ma.profit.cmp(&mb.profit)),
            SortKey::Name => Ordering::Equal,
        };
        primary.then_with(|| by_name(a, b))
    }

    /// The one-pass portfolio, on one thread (few clients) and with the
    /// Pareto shares on another (many), against each figure worked out on
    /// its own, as it was.
    #[test]
    fn portfolio_in_one_pass_is_each_figure_on_its_own() {
        for count in [7usize, 5000] {
            let clients: Vec<ClientReport> = (0..count)
                .map(|i| {
                    let n = i as i64;
                    let mut c = client(
                        (
                            (n * 7919) % 1000 - 400,
                            (n * 104_729) % 5000,
                            None,
                            i,
                            0,
                            0,
                            0,
                        ),
                        i + 1,
                    );
                    c.metrics.cost_to_serve = Decimal::new(n % 97, 1);
                    c.metrics.outstanding = Decimal::new(n % 13, 2);
                    c.metrics.overdue = Decimal::new(n % 11, 2);
                    c.metrics.d90_plus = Decimal::new(n % 7, 2);
                    c.metrics.bad_debt = Decimal::new(n % 5, 0);
                    c.metrics.tickets = (i % 9) as u64;
                    c.quadrant = Quadrant::ALL[(i / 3) % Quadrant::ALL.len()];
                    c
                })
                .collect();
            let medians = (Decimal::ONE, Decimal::TWO);
            let got = portfolio(&clients, medians, 3, 4).unwrap();
            let sum = |f: fn(&ClientMetrics) -> Decimal| {
                clients.iter().map(|c| f(&c.metrics)).sum::<Decimal>()
            };
            assert_eq!(got.clients, count);
            assert_eq!(got.revenue, sum(|m| m.revenue));
            assert_eq!(got.cost_to_serve, sum(|m| m.cost_to_serve));
            assert_eq!(got.profit, sum(|m| m.profit));
            assert_eq!(got.outstanding, sum(|m| m.outstanding));
            assert_eq!(got.overdue, sum(|m| m.overdue));
            assert_eq!(got.d90_plus, sum(|m| m.d90_plus));
            assert_eq!(got.bad_debt, sum(|m| m.bad_debt));
            assert_eq!(
                got.tickets,
                clients.iter().map(|c| c.metrics.tickets).sum::<u64>()
            );
            for (verdict, n) in &got.verdicts {
                let expected = clients
                    .iter()
                    .filter(|c| c.assessment.verdict == *verdict)
                    .count();
                assert_eq!(*n, expected, "{verdict:?} of {count}");
            }
            for (quadrant, n) in &got.quadrants.counts {
                let expected = clients.iter().filter(|c| c.quadrant == *quadrant).count();
                assert_eq!(*n, expected, "{quadrant:?} of {count}");
            }
            assert_eq!(got.verdicts.len(), Verdict::ALL.len());
            assert_eq!(got.quadrants.counts.len(), Quadrant::ALL.len());
            assert_eq!(got.pareto, pareto(&clients).unwrap());
            assert_eq!(got.whale.points, whale_curve(&clients).unwrap().points);
            assert_eq!((got.unmatched_tickets, got.unmatched_meetings), (3, 4));
        }
    }

    /// Rows for `client`: few distinct figures, so that ties are common.
    type Row = (i64, i64, Option<i8>, usize, usize, u8, u8);

    fn report_rows() -> impl proptest::strategy::Strategy<Value = Vec<Row>> {
        proptest::collection::vec(
            (
                -3i64..3,
                0i64..3,
                proptest::option::of(-2i8..3),
                0usize..4,
                0usize..3,
                0u8..3,
                0u8..3,
            ),
            0..30,
        )
    }

    /// The reports of `rows`; with `huge`, the first and last `field`
    /// values made half of Decimal::MAX and 10^-28, which no i128 holds at
    /// one scale (the Decimal path).
    fn reports_of(
        rows: &[Row],
        huge: bool,
        field: fn(&mut ClientMetrics) -> &mut Decimal,
    ) -> Vec<ClientReport> {
        let mut reports: Vec<ClientReport> = rows
            .iter()
            .enumerate()
            .map(|(rank, row)| client(*row, rank))
            .collect();
        if huge && reports.len() >= 2 {
            let last = reports.len() - 1;
            *field(&mut reports[0].metrics) = Decimal::MAX / Decimal::TWO;
            *field(&mut reports[last].metrics) = Decimal::from_i128_with_scale(1, 28);
        }
        reports
    }

    proptest::proptest! {
        /// Sorting on the copied figures gives the order a stable sort of
        /// the reports by the comparison it replaced gives, for every sort
        /// key, ties and all; amounts of mixed scales, and with `huge` some
        /// that cannot share a scale (the Decimal path).
        #[test]
        fn sorting_on_copied_figures_is_sorting_the_reports(
            rows in report_rows(),
            huge in proptest::bool::ANY,
        ) {
            for key in [SortKey::Profit, SortKey::Margin, SortKey::Revenue, SortKey::Risk, SortKey::Name] {
                let mut reports: Vec<ClientReport> =
                    rows.iter().enumerate().map(|(rank, row)| client(*row, rank)).collect();
                if huge && reports.len() >= 2 {
                    // Decimal::MAX beside a value at scale 28: no i128 holds
                    // it at scale 28.
                    let tiny = Decimal::from_i128_with_scale(1, 28);
                    for (index, value) in [(0, Decimal::MAX), (reports.len() - 1, tiny)] {
                        reports[index].metrics.profit = value;
                        reports[index].metrics.revenue = value;
                    }
                    proptest::prop_assert!(at_common_scale(reports.iter().map(|c| c.metrics.profit)).is_none());
                }
                let mut expected = reports.clone();
                expected.sort_by(|a, b| compare(a, b, key));
                let mut sorted = reports;
                sort(&mut sorted, key);
                let ranks = |list: &[ClientReport]| list.iter().map(|c| c.rank).collect::<Vec<_>>();
                proptest::prop_assert_eq!(ranks(&sorted), ranks(&expected));
            }
        }

        /// The Pareto shares by selection are those of sorting every
        /// client's revenue and profit, as it was: mixed scales, ties,
        /// negative values, and with `huge` values that share no scale.
        #[test]
        fn pareto_by_selection_is_pareto_by_sorting(
            rows in report_rows(),
            huge in proptest::bool::ANY,
        ) {
            let mut reports = reports_of(&rows, huge, |m| &mut m.revenue);
            // Revenues of mixed scales, some zeros at scale 20 or more:
            // the sum's scale (and so the share's last bit) depends on
            // which values are added.
            for (at, report) in reports.iter_mut().enumerate() {
                if at % 3 == 1 {
                    let revenue = report.metrics.revenue;
                    report.metrics.revenue = if revenue.is_zero() {
                        Decimal::from_i128_with_scale(0, 20 + (at % 9) as u32)
                    } else {
                        Decimal::from_i128_with_scale(revenue.mantissa() * 7, 3)
                    };
                }
            }
            let top_clients = reports.len().div_ceil(5).max(1);
            let by_sorting = |mut values: Vec<Decimal>| -> Option<f64> {
                let total: Decimal = values.iter().sum();
                if total <= Decimal::ZERO {
                    return None;
                }
                values.sort_by(|a, b| b.cmp(a));
                let top: Decimal = values.iter().take(top_clients).sum();
                Some(crate::numbers::ratio_of(top, total))
            };
            let got = pareto(&reports).unwrap();
            proptest::prop_assert_eq!(
                got.revenue_share,
                by_sorting(reports.iter().map(|c| c.metrics.revenue).collect())
            );
            proptest::prop_assert_eq!(
                got.profit_share,
                by_sorting(reports.iter().map(|c| c.metrics.profit).collect())
            );
        }

        /// The whale curve sorted on copied profits is the curve of the
        /// reports sorted by their Decimal profits, then keys, as it was:
        /// mixed scales, ties, and with `huge` the Decimal path.
        #[test]
        fn whale_curve_on_copied_profits_is_the_curve_of_the_reports(
            rows in report_rows(),
            huge in proptest::bool::ANY,
        ) {
            let reports = reports_of(&rows, huge, |m| &mut m.profit);
            let mut ordered: Vec<&ClientReport> = reports.iter().collect();
            ordered.sort_by(|a, b| {
                b.metrics.profit.cmp(&a.metrics.profit).then_with(|| a.key.cmp(&b.key))
            });
            let mut running = Decimal::ZERO;
            let expected: Vec<Decimal> = ordered
                .iter()
                .map(|c| {
                    running += c.metrics.profit;
                    running
                })
                .collect();
            let got = whale_curve(&reports).unwrap().points;
            proptest::prop_assert_eq!(&got, &expected);
            // Equal values may differ in scale: the text must match too.
            let texts = |points: &[Decimal]| points.iter().map(|p| p.to_string()).collect::<Vec<_>>();
            proptest::prop_assert_eq!(texts(&got), texts(&expected));
        }
    }

    #[test]
    fn medians_of_few_values() {
        let d = |n: i64| Decimal::new(n, 2);
        assert_eq!(median(vec![]), Decimal::ZERO);
        assert_eq!(median(vec![d(5)]), d(5));
        // (1.00 + 3.00) / 2 = 2.00; the middle of three is 3.00.
        assert_eq!(median(vec![d(300), d(100)]), d(200));
        assert_eq!(median(vec![d(900), d(100), d(300)]), d(300));
    }
}
