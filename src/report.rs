//! The one report value every renderer draws from.

use rust_decimal::Decimal;

use crate::aggregate::{Aggregated, ClientMetrics, Period};
use crate::assess::{Assessment, Verdict, assess};
use crate::config::Config;
use crate::ingest::Ingested;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
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
    pub rank: usize,
    pub name: String,
    pub key: String,
    pub owner: Option<String>,
    pub segment: Option<String>,
    pub strategic: bool,
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
    pub const ALL: [Quadrant; 4] = [
        Quadrant::Excellent,
        Quadrant::Average,
        Quadrant::Unbearable,
        Quadrant::Passive,
    ];

    pub fn name(self) -> &'static str {
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
    pub points: Vec<Decimal>,
    pub peak: Decimal,
    /// How many clients (most profitable first) make the peak.
    pub peak_clients: usize,
    /// Peak as a share of total profit (1.5 = 150%); `None` when total profit ≤ 0.
    pub peak_share: Option<f64>,
    /// Clients after the peak, and the profit they erode (≤ 0).
    pub eroding_clients: usize,
    pub eroded: Decimal,
}

/// The value-versus-effort medians and how many clients fall in each type.
#[derive(Debug, Clone, PartialEq)]
pub struct Quadrants {
    pub median_profit: Decimal,
    pub median_hours: Decimal,
    pub counts: Vec<(Quadrant, usize)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pareto {
    /// How many clients make the top 20% (rounded up, at least 1).
    pub top_clients: usize,
    /// Share of revenue from the top 20% of clients by revenue.
    pub revenue_share: Option<f64>,
    /// Share of profit from the top 20% of clients by profit.
    pub profit_share: Option<f64>,
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
    pub unmatched_tickets: u64,
    pub unmatched_meetings: u64,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub period: Period,
    pub currency: Option<String>,
    pub config: Config,
    /// Every listed client, sorted and ranked.
    pub clients: Vec<ClientReport>,
    /// Indices into `clients` of the rows the selection shows.
    pub shown: Vec<usize>,
    pub portfolio: Portfolio,
    pub warnings: Vec<String>,
}

impl Report {
    pub fn shown(&self) -> impl Iterator<Item = &ClientReport> {
        self.shown.iter().map(|index| &self.clients[*index])
    }

    /// Does any shown client have `verdict` or a worse one?
    pub fn any_shown_at_least(&self, verdict: Verdict) -> bool {
        self.shown()
            .any(|client| client.assessment.verdict.at_least_as_bad_as(verdict))
    }
}

pub fn build(
    ingested: &Ingested,
    aggregated: Aggregated,
    config: &Config,
    selection: &Selection,
) -> Report {
    let period = aggregated.period;
    let playbook = crate::playbook::Playbook::with_overrides(&config.playbook);
    let make = |metrics: ClientMetrics| {
        let info = ingested.registry.info(metrics.client);
        ClientReport {
            rank: 0,
            name: info.name.clone(),
            key: info.key.clone(),
            owner: info.owner.clone(),
            segment: info.segment.clone(),
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
    let mut metrics = aggregated.clients;
    let mut clients: Vec<ClientReport> = Vec::with_capacity(metrics.len());
    while !metrics.is_empty() {
        let rest = metrics.len().saturating_sub(4096);
        clients.extend(metrics.drain(rest..).rev().map(make));
        metrics.shrink_to_fit();
    }
    clients.reverse();
    // Each client is judged on its own: with many clients, on every core,
    // each thread filling in its own stretch of the list.
    let judge = |part: &mut [ClientReport]| {
        for client in part {
            let info = ingested.registry.info(client.metrics.client);
            client.assessment = assess(
                &client.metrics,
                info,
                &period,
                &config.thresholds,
                &playbook,
            );
        }
    };
    // Judging 256 clients takes a millisecond or two, far more than
    // starting a thread.
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if threads > 1 && clients.len() >= 256 {
        let judge = &judge;
        let part_size = clients.len().div_ceil(threads);
        std::thread::scope(|scope| {
            for part in clients.chunks_mut(part_size) {
                scope.spawn(move || judge(part));
            }
        });
    } else {
        judge(&mut clients);
    }
    let medians = quadrant_medians(&clients);
    for client in &mut clients {
        client.quadrant = quadrant_of(&client.metrics, medians);
    }
    sort(&mut clients, selection.sort);
    for (index, client) in clients.iter_mut().enumerate() {
        client.rank = index + 1;
    }
    let portfolio = portfolio(
        &clients,
        aggregated.unmatched_tickets,
        aggregated.unmatched_meetings,
    );
    let shown = select(&clients, selection);
    let mut warnings = ingested.warnings.clone();
    if portfolio.unmatched_tickets > 0 || portfolio.unmatched_meetings > 0 {
        warnings.push(format!(
            "unmatched: {} ticket(s) and {} meeting(s) in the period name no known client (no client cell, and no email domain in clients.csv)",
            portfolio.unmatched_tickets, portfolio.unmatched_meetings
        ));
    }
    Report {
        period,
        currency: ingested.currency.clone(),
        config: config.clone(),
        clients,
        shown,
        portfolio,
        warnings,
    }
}

/// Sort with a total order: every key ends with the client key and name,
/// so equal figures never leave the order to chance.
/// Sort clients by `key`, then by key and name. Sorts positions and then
/// moves each report once: a report is several hundred bytes, and moving
/// them at every step of the sort cost more than comparing them.
pub fn sort(clients: &mut [ClientReport], key: SortKey) {
    let mut order: Vec<usize> = (0..clients.len()).collect();
    {
        let reports: &[ClientReport] = clients;
        order.sort_by(|a, b| match (reports.get(*a), reports.get(*b)) {
            (Some(a), Some(b)) => compare(a, b, key),
            _ => std::cmp::Ordering::Equal,
        });
    }
    // Put each report in place by following the permutation's cycles:
    // swaps, so the reports are never held twice (that was 70 MB more at
    // the peak with 100,000 clients).
    const DONE: usize = usize::MAX;
    for start in 0..order.len() {
        if order[start] == DONE {
            continue;
        }
        let mut at = start;
        loop {
            // `order[at]` is where the report that belongs at `at` is now.
            let from = std::mem::replace(&mut order[at], DONE);
            if from == start || from == DONE {
                break;
            }
            clients.swap(at, from);
            at = from;
        }
    }
}

fn compare(a: &ClientReport, b: &ClientReport, key: SortKey) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let by_name =
        |a: &ClientReport, b: &ClientReport| a.key.cmp(&b.key).then_with(|| a.name.cmp(&b.name));
    let float_desc = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => b.total_cmp(&a),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    {
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
    unmatched_tickets: u64,
    unmatched_meetings: u64,
) -> Portfolio {
    let sum =
        |f: fn(&ClientMetrics) -> Decimal| clients.iter().map(|c| f(&c.metrics)).sum::<Decimal>();
    let verdicts = Verdict::ALL
        .iter()
        .map(|v| {
            (
                *v,
                clients
                    .iter()
                    .filter(|c| c.assessment.verdict == *v)
                    .count(),
            )
        })
        .collect();
    Portfolio {
        clients: clients.len(),
        revenue: sum(|m| m.revenue),
        cost_to_serve: sum(|m| m.cost_to_serve),
        profit: sum(|m| m.profit),
        outstanding: sum(|m| m.outstanding),
        overdue: sum(|m| m.overdue),
        d90_plus: sum(|m| m.d90_plus),
        bad_debt: sum(|m| m.bad_debt),
        tickets: clients.iter().map(|c| c.metrics.tickets).sum(),
        verdicts,
        pareto: pareto(clients),
        whale: whale_curve(clients),
        quadrants: quadrants(clients),
        unmatched_tickets,
        unmatched_meetings,
    }
}

/// The Pareto line: the top 20% of clients (rounded up) by revenue and
/// their share of revenue; by profit and their share of profit. A share is
/// `None` when the total is not positive (a share of a loss means nothing).
pub fn pareto(clients: &[ClientReport]) -> Pareto {
    let top_clients = clients.len().div_ceil(5).max(1);
    let share = |mut values: Vec<Decimal>| -> Option<f64> {
        let total: Decimal = values.iter().sum();
        if total <= Decimal::ZERO {
            return None;
        }
        values.sort_by(|a, b| b.cmp(a));
        let top: Decimal = values.iter().take(top_clients).sum();
        Some(crate::render::ratio_of(top, total))
    };
    Pareto {
        top_clients: top_clients.min(clients.len()),
        revenue_share: share(clients.iter().map(|c| c.metrics.revenue).collect()),
        profit_share: share(clients.iter().map(|c| c.metrics.profit).collect()),
    }
}

/// The median of exact values (the mean of the middle two for an even count).
pub fn median(mut values: Vec<Decimal>) -> Decimal {
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

pub fn quadrants(clients: &[ClientReport]) -> Quadrants {
    let (median_profit, median_hours) = quadrant_medians(clients);
    Quadrants {
        median_profit,
        median_hours,
        counts: Quadrant::ALL
            .iter()
            .map(|q| (*q, clients.iter().filter(|c| c.quadrant == *q).count()))
            .collect(),
    }
}

/// Cumulative profit, most profitable first (ties by key), its peak and the tail.
pub fn whale_curve(clients: &[ClientReport]) -> WhaleCurve {
    let mut ordered: Vec<&ClientReport> = clients.iter().collect();
    ordered.sort_by(|a, b| {
        b.metrics
            .profit
            .cmp(&a.metrics.profit)
            .then_with(|| a.key.cmp(&b.key))
    });
    let mut points = Vec::with_capacity(ordered.len());
    let mut running = Decimal::ZERO;
    for client in &ordered {
        running += client.metrics.profit;
        points.push(running);
    }
    // The first highest point: clients after it only take profit away.
    let (peak_clients, peak) = points.iter().enumerate().fold(
        (0usize, Decimal::ZERO),
        |(best_at, best), (index, value)| {
            if *value > best {
                (index + 1, *value)
            } else {
                (best_at, best)
            }
        },
    );
    let total = running;
    WhaleCurve {
        peak,
        peak_clients,
        peak_share: (total > Decimal::ZERO).then(|| crate::render::ratio_of(peak, total)),
        eroding_clients: points.len() - peak_clients,
        eroded: total - peak,
        points,
    }
}
