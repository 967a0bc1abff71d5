//! The portfolio figures: totals, the Pareto shares, the whale curve, the
//! value-versus-effort medians, and where unmatched rows are.
//!
//! Report values only: must not import render or commands.

use super::*;

/// Where the first few tickets and meetings naming no known client are:
/// `path:line (what the row named)`.
pub(super) fn locate_unmatched(ingested: &Ingested, rows: &[Origin]) -> Vec<String> {
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

pub(super) fn portfolio(
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
/// for each, sixteen in all, would read every report sixteen times). Each
/// sum adds the clients in the same order as a sum of its own would.
#[derive(Default)]
pub(super) struct Totals {
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
pub(super) fn sum_amounts(what: &str, values: &[Decimal]) -> anyhow::Result<Decimal> {
    values
        .iter()
        .try_fold(Decimal::ZERO, |sum, value| add_amounts(what, sum, *value))
}

/// The sum of the `count` largest values, added as a stable sort from the
/// largest down would add them (ties in their order in `values`), so that
/// the Decimal sum is the same to the last digit and scale; `None` when
/// they share no scale as integers (the caller sorts). Only the top ones
/// are put in order, after picking them by selection.
pub(super) fn top_sum(values: &[Decimal], count: usize) -> Option<anyhow::Result<Decimal>> {
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
/// The middle values are found by selection, not by sorting all of them.
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
pub(super) fn midpoint(a: Decimal, b: Decimal) -> Decimal {
    match a.checked_add(b) {
        Some(sum) => sum / Decimal::TWO,
        None => {
            let (low, high) = (a.min(b), a.max(b));
            low + (high - low) / Decimal::TWO
        }
    }
}

pub(super) fn quadrant_medians(clients: &[ClientReport]) -> (Decimal, Decimal) {
    (
        median(clients.iter().map(|c| c.metrics.profit).collect()),
        median(clients.iter().map(|c| c.metrics.hours_worked()).collect()),
    )
}

pub(super) fn quadrant_of(
    m: &ClientMetrics,
    (median_profit, median_hours): (Decimal, Decimal),
) -> Quadrant {
    match (m.profit >= median_profit, m.hours_worked() > median_hours) {
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
