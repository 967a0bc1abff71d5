//! Stage 2: records → per-client metrics (SPEC §4).
//!
//! Money stays exact (`Decimal`) and unrounded here; rounding to cents
//! happens only when a report is rendered. Ratios are `f64`.
//!
//! Layer: above `ingest`; must not import `assess` or anything above it.

mod activity;
mod price;
mod sums;
mod time;

pub use activity::*;
use chrono::NaiveDate;
pub use price::PriceGap;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use sums::*;
pub use time::{TimeGaps, TimeMetrics};

use crate::config::Config;
use crate::ingest::{Ingested, Sink};
use crate::model::{
    ClientId, Invoice, InvoiceStatus, Meeting, MeetingStatus, Origin, REPORT_AGING_EDGES, Ticket,
    aging_bucket,
};
use crate::period::{Bounds, days_in};
use crate::prefetch::{prefetch, worth_it};

/// Every §4 metric of one client.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientMetrics {
    pub client: ClientId,
    /// Whether any invoice (or credit note) was issued to it in the period.
    pub(crate) invoiced: bool,
    pub revenue: Decimal,
    pub bad_debt: Decimal,
    pub discounts: Decimal,
    pub support_cost: Decimal,
    pub meeting_cost: Decimal,
    pub no_show_cost: Decimal,
    pub collection_cost: Decimal,
    pub delivery_cost: Decimal,
    pub cost_to_serve: Decimal,
    pub profit: Decimal,
    pub margin: Option<f64>,
    pub effective_hourly: Option<Decimal>,
    /// Ticket, attended and no-show hours, attendees counted.
    pub hours_to_serve: Decimal,
    pub invoices_due: u64,
    pub late_invoices: u64,
    pub late_share: Option<f64>,
    pub avg_days_late: Option<f64>,
    /// The same mean over the late invoices alone (on-time ones left out).
    pub(crate) avg_days_late_over_late: Option<f64>,
    pub outstanding: Decimal,
    pub current: Decimal,
    pub d1_30: Decimal,
    pub d31_60: Decimal,
    pub d61_90: Decimal,
    pub d90_plus: Decimal,
    pub overdue: Decimal,
    pub dso: Option<f64>,
    pub tickets: u64,
    pub ticket_minutes: Decimal,
    pub scope_changes: u64,
    pub escalations: u64,
    pub abusive_tickets: u64,
    pub scheduled: u64,
    pub attended: u64,
    pub no_shows: u64,
    pub cancelled: u64,
    pub no_show_rate: Option<f64>,
    pub revenue_share: Option<f64>,
    pub ticket_share: Option<f64>,
    /// Timesheet figures, when a timesheet is among the inputs (then the
    /// delivery cost is its labour cost). Boxed: most runs have none.
    pub time: Option<Box<TimeMetrics>>,
}

/// The settled period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub(crate) from: NaiveDate,
    pub(crate) to: NaiveDate,
    pub(crate) as_of: NaiveDate,
    pub(crate) days: i64,
}

/// Everything aggregation yields.
#[derive(Debug)]
pub struct Aggregated {
    pub period: Period,
    /// Listed clients, in registry order.
    pub clients: Vec<ClientMetrics>,
    pub(crate) unmatched_tickets: u64,
    pub(crate) unmatched_meetings: u64,
    /// Where the first few of them are (`UNMATCHED_LISTED`).
    pub(crate) unmatched_rows: Vec<Origin>,
    pub(crate) cost_basis: CostBasis,
    /// Timesheet entries of the period that name no client.
    pub(crate) unmatched_time: time::TimeGaps,
}

/// From this many clients on, their metrics are worked out on every core
/// (each takes a microsecond or two; a thread, some tens).
const PARALLEL_CLIENTS: usize = 512;

fn parallel_clients(config: &Config) -> usize {
    // The tuning lowers the threshold (tests use it, to take the parallel
    // path with a few clients).
    config.tuning.parallel_clients.unwrap_or(PARALLEL_CLIENTS)
}

/// Per-invoice sums of one client, built in one pass over the invoices.
#[derive(Debug, Default, Clone)]
#[repr(C)]
struct InvoiceTotals {
    revenue: Decimal,
    discounts: Decimal,
    bad_debt: Decimal,
    invoices_due: u64,
    late_invoices: u64,
    due_amount: Decimal,
    /// Σ amount × days late over invoices_due.
    weighted_days_late: Decimal,
    /// Σ amount over the late invoices among them.
    late_amount: Decimal,
    /// Owed at as-of by aging bucket (`REPORT_AGING_EDGES`): current,
    /// 1–30, 31–60, 61–90, seriously overdue.
    buckets: [Decimal; REPORT_AGING_EDGES.len() + 2],
    active: bool,
}

impl InvoiceTotals {
    /// Every line of the totals (200 bytes; `repr(C)`, fields at most 56
    /// bytes apart from the first to `active`, the last): an invoice may
    /// update any of them.
    fn prefetch(&self) {
        prefetch(&self.revenue);
        prefetch(&self.late_invoices);
        prefetch(&self.buckets);
        if let Some(bucket) = self.buckets.get(2) {
            prefetch(bucket);
        }
        prefetch(&self.active);
    }

    /// Add another thread's sums; `false` when a sum overflows.
    #[must_use]
    fn add(&mut self, other: &InvoiceTotals) -> bool {
        count(&mut self.invoices_due, other.invoices_due);
        count(&mut self.late_invoices, other.late_invoices);
        self.active |= other.active;
        let mut fits = add(&mut self.revenue, other.revenue)
            && add(&mut self.bad_debt, other.bad_debt)
            && add(&mut self.discounts, other.discounts)
            && add(&mut self.due_amount, other.due_amount)
            && add(&mut self.weighted_days_late, other.weighted_days_late)
            && add(&mut self.late_amount, other.late_amount);
        for (bucket, owed) in self.buckets.iter_mut().zip(other.buckets) {
            fits = fits && add(bucket, owed);
        }
        fits
    }
}

/// The error for sums beyond Decimal's range, naming the row that tipped
/// one over when it is known.
fn overflow_error(ingested: &Ingested, origin: Option<Origin>) -> anyhow::Error {
    let place = origin
        .and_then(|o| Some((ingested.files.get(o.file as usize)?, o.line)))
        .map(|(file, line)| format!("{}:{line}: ", file.path.display()))
        .unwrap_or_default();
    anyhow::anyhow!(
        "{place}a client's totals grow beyond what clientfit can add up exactly (about 7.9 × 10^28)\n  hint: check this row's amounts, minutes and attendees, and the rates and [fx] in clientfit.toml, for a misplaced decimal separator or a stray digit"
    )
}

pub fn aggregate(
    ingested: &Ingested,
    mut activity: Activity,
    bounds: Bounds,
    config: &Config,
) -> anyhow::Result<Aggregated> {
    if activity.overflow.is_some() {
        return Err(overflow_error(ingested, activity.overflow));
    }
    if let Some(err) = unrated_hours(&activity, &ingested.files) {
        return Err(err);
    }
    let basis = CostBasis::of(ingested);
    let as_of = bounds.as_of;
    let earliest_invoice = ingested
        .invoices
        .iter()
        .filter(|i| i.counts())
        .map(|i| i.issued)
        .chain(activity.earliest_invoice)
        .min();
    let from = bounds.from.unwrap_or_else(|| {
        [earliest_invoice, activity.earliest]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(bounds.to)
            .min(bounds.to)
    });
    let period = Period {
        from,
        to: bounds.to,
        as_of,
        days: days_in(from, bounds.to),
    };
    let in_period = |day: NaiveDate| day >= period.from && day <= period.to;

    // Streamed invoices are summed already; the stored ones are added.
    let mut invoice_totals = std::mem::take(&mut activity.invoice_totals);
    invoice_totals.resize_with(
        invoice_totals.len().max(ingested.registry.len()),
        InvoiceTotals::default,
    );
    for invoice in ingested.invoices.iter().filter(|i| i.counts()) {
        let Some(totals) = invoice_totals.get_mut(invoice.client.index()) else {
            continue;
        };
        if !add_invoice(totals, &invoice, as_of, in_period) {
            return Err(overflow_error(ingested, Some(invoice.origin)));
        }
    }

    // Each client's metrics from its own sums: with many clients, on every
    // core, a stretch of clients each, joined in order. `None`: some sum
    // overflowed (the error names no row, so which client does not matter).
    let per_client = &activity.per_client;
    let time_totals = &activity.time_totals;
    let every_client = invoice_totals.len();
    let discounts_left_out = ingested.discounts_left_out;
    let stretch = |first: usize, sums: &[InvoiceTotals]| -> Option<Vec<ClientMetrics>> {
        // Room for every client it may list; in the first stretch's
        // vector, which takes the others, for every client: a vector grown
        // as it fills is copied at each doubling and held twice meanwhile.
        let mut clients = Vec::with_capacity(if first == 0 { every_client } else { sums.len() });
        for (index, totals) in (first..).zip(sums) {
            let work = per_client.get(index).cloned().unwrap_or_default();
            let time = match basis {
                CostBasis::Hours => Some(time_totals.get(index).cloned().unwrap_or_default()),
                CostBasis::Share => None,
            };
            let outstanding = totals
                .buckets
                .iter()
                .try_fold(Decimal::ZERO, |sum, owed| sum.checked_add(*owed))?;
            let worked = time.as_ref().is_some_and(|time| time.entries > 0);
            if !(totals.active || work.active || worked || outstanding > Decimal::ZERO) {
                continue;
            }
            let client = crate::model::ClientId(u32::try_from(index).unwrap_or(u32::MAX));
            let mut client = metrics(
                client,
                Sums {
                    invoices: totals,
                    work: &work,
                    time: time.as_ref(),
                    outstanding,
                },
                config,
                period.days,
            )?;
            // Rates summed as money are no figure at all (a warning says so).
            if discounts_left_out {
                client.discounts = Decimal::ZERO;
            }
            clients.push(client);
        }
        Some(clients)
    };
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let stretches: Vec<Option<Vec<ClientMetrics>>> =
        if threads > 1 && invoice_totals.len() >= parallel_clients(config) {
            let size = invoice_totals.len().div_ceil(threads);
            std::thread::scope(|scope| {
                let handles: Vec<_> = invoice_totals
                    .chunks(size)
                    .enumerate()
                    .map(|(number, sums)| {
                        let stretch = &stretch;
                        scope.spawn(move || stretch(number.saturating_mul(size), sums))
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|handle| handle.join().unwrap_or(None))
                    .collect()
            })
        } else {
            vec![stretch(0, &invoice_totals)]
        };
    // The first stretch's vector, reserved for every client, takes the
    // others, rather than all being appended to an empty vector (one more
    // copy of the first).
    let mut clients: Vec<ClientMetrics> = Vec::new();
    for stretch in stretches {
        match stretch {
            // Taken even when it lists no one: it has the room for all.
            Some(mut some) if clients.capacity() == 0 => clients = std::mem::take(&mut some),
            Some(mut some) => clients.append(&mut some),
            None => return Err(overflow_error(ingested, None)),
        }
    }

    // Shares over all listed clients: the totals first, then each
    // client's share (a division each; on every core for many clients).
    let Some(total_revenue) = clients
        .iter()
        .try_fold(Decimal::ZERO, |sum, c| sum.checked_add(c.revenue))
    else {
        return Err(overflow_error(ingested, None));
    };
    let total_tickets: u64 = clients
        .iter()
        .fold(0u64, |sum, c| sum.saturating_add(c.tickets));
    let shares = |part: &mut [ClientMetrics]| {
        for client in part {
            client.revenue_share =
                (total_revenue > Decimal::ZERO).then(|| ratio(client.revenue, total_revenue));
            client.ticket_share =
                (total_tickets > 0).then(|| client.tickets as f64 / total_tickets as f64);
        }
    };
    if threads > 1 && clients.len() >= parallel_clients(config) {
        // At least one per part: with no client listed there is nothing
        // to cut into parts.
        let size = clients.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            for part in clients.chunks_mut(size) {
                scope.spawn(|| shares(part));
            }
        });
    } else {
        shares(&mut clients);
    }

    Ok(Aggregated {
        period,
        clients,
        unmatched_tickets: activity.unmatched_tickets,
        unmatched_meetings: activity.unmatched_meetings,
        unmatched_rows: std::mem::take(&mut activity.unmatched_rows),
        cost_basis: basis,
        unmatched_time: std::mem::take(&mut activity.time_gaps),
    })
}

/// The error for timesheet hours that no rate prices, if there are any.
pub(crate) fn unrated_hours(
    activity: &Activity,
    files: &[crate::ingest::discover::InputFile],
) -> Option<anyhow::Error> {
    (!activity.time_gaps.unrated.is_empty())
        .then(|| time::unrated_error(&activity.time_gaps, files))
}

/// What a client's metrics are worked out from.
struct Sums<'a> {
    invoices: &'a InvoiceTotals,
    work: &'a ActivityTotals,
    /// `Some` when the cost basis is the timesheet's hours.
    time: Option<&'a time::TimeTotals>,
    outstanding: Decimal,
}

/// Where the cost of delivering the work comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CostBasis {
    /// A share of revenue (`[rates] delivery_cost_share`).
    Share,
    /// The hours of a timesheet at their cost rates.
    Hours,
}

impl CostBasis {
    /// Is the cost of delivering the work left out of profit? Only on a
    /// share of revenue that the config has not set.
    pub(crate) fn leaves_out_delivery(self, rates: &crate::config::Rates) -> bool {
        self == CostBasis::Share && !rates.delivery_cost_known
    }

    /// Hours when a timesheet is among the inputs, else the share.
    pub(crate) fn of(ingested: &Ingested) -> CostBasis {
        if ingested
            .files
            .iter()
            .any(|file| file.kind == crate::ingest::columns::Kind::Time)
        {
            CostBasis::Hours
        } else {
            CostBasis::Share
        }
    }
}

/// A client's §4 metrics from its sums; `None` when a figure overflows.
fn metrics(client: ClientId, sums: Sums, config: &Config, days: i64) -> Option<ClientMetrics> {
    let Sums {
        invoices: totals,
        work,
        time,
        outstanding,
    } = sums;
    let rates = &config.rates;
    let sixty = Decimal::from(60);
    let hourly = |minutes: Decimal, rate: Decimal| minutes.checked_mul(rate)?.checked_div(sixty);
    let revenue = totals.revenue;
    // Work the timesheet covers is costed there, not again here.
    let covered = |work: crate::config::Covered| time.is_some() && config.time.covers(work);
    let support_covered = covered(crate::config::Covered::Support);
    let meetings_covered = covered(crate::config::Covered::Meetings);
    let (support_cost, meeting_cost, no_show_cost) = (
        if support_covered {
            Decimal::ZERO
        } else {
            hourly(work.ticket_minutes, rates.support_hourly)?
        },
        if meetings_covered {
            Decimal::ZERO
        } else {
            hourly(work.attended_person_minutes, rates.meeting_hourly)?
        },
        if meetings_covered {
            Decimal::ZERO
        } else {
            hourly(work.no_show_person_minutes, rates.meeting_hourly)?
        },
    );
    let collection_cost =
        Decimal::from(totals.late_invoices).checked_mul(rates.late_invoice_cost)?;
    let time_metrics = match time {
        Some(time) => Some(Box::new(TimeMetrics::of(time, revenue)?)),
        None => None,
    };
    let delivery_cost = match &time_metrics {
        Some(time) => time.labour_cost,
        None => revenue.checked_mul(rates.delivery_cost_share)?,
    };
    let cost_to_serve = [meeting_cost, no_show_cost, collection_cost, delivery_cost]
        .into_iter()
        .try_fold(support_cost, Decimal::checked_add)?;
    let profit = revenue.checked_sub(cost_to_serve)?;
    let hours_to_serve = work
        .ticket_minutes
        .checked_add(work.attended_person_minutes)?
        .checked_add(work.no_show_person_minutes)?
        .checked_div(sixty)?;
    // Hours worked: the timesheet's, and the support and meeting time it
    // does not cover; without a timesheet, support and meeting time alone.
    let hours_worked = match &time_metrics {
        Some(time) => {
            let mut minutes = time.hours.checked_mul(sixty)?;
            if !support_covered {
                minutes = minutes.checked_add(work.ticket_minutes)?;
            }
            if !meetings_covered {
                minutes = minutes
                    .checked_add(work.attended_person_minutes)?
                    .checked_add(work.no_show_person_minutes)?;
            }
            minutes.checked_div(sixty)?
        }
        None => hours_to_serve,
    };
    let [current, d1_30, d31_60, d61_90, d90_plus] = totals.buckets;
    let positive_revenue = revenue > Decimal::ZERO;
    let time_metrics = time_metrics.map(|mut time| {
        time.hours_worked = hours_worked;
        time
    });
    let effective_hourly = if hours_worked > Decimal::ZERO {
        Some(revenue.checked_div(hours_worked)?)
    } else {
        None
    };
    let attended_or_not = work.attended.saturating_add(work.no_shows);
    Some(ClientMetrics {
        client,
        invoiced: totals.active,
        revenue,
        bad_debt: totals.bad_debt,
        discounts: totals.discounts,
        support_cost,
        meeting_cost,
        no_show_cost,
        collection_cost,
        delivery_cost,
        cost_to_serve,
        profit,
        margin: positive_revenue.then(|| ratio(profit, revenue)),
        effective_hourly,
        hours_to_serve,
        invoices_due: totals.invoices_due,
        late_invoices: totals.late_invoices,
        late_share: (totals.invoices_due > 0)
            .then(|| totals.late_invoices as f64 / totals.invoices_due as f64),
        avg_days_late: (totals.due_amount > Decimal::ZERO)
            .then(|| ratio(totals.weighted_days_late, totals.due_amount)),
        avg_days_late_over_late: (totals.late_amount > Decimal::ZERO)
            .then(|| ratio(totals.weighted_days_late, totals.late_amount)),
        outstanding,
        current,
        d1_30,
        d31_60,
        d61_90,
        d90_plus,
        overdue: outstanding.checked_sub(current)?,
        dso: positive_revenue.then(|| ratio(outstanding, revenue) * days as f64),
        tickets: work.tickets,
        ticket_minutes: work.ticket_minutes,
        scope_changes: work.scope_changes,
        escalations: work.escalations,
        abusive_tickets: work.abusive_tickets,
        scheduled: work.scheduled,
        attended: work.attended,
        no_shows: work.no_shows,
        cancelled: work.cancelled,
        no_show_rate: (attended_or_not > 0).then(|| work.no_shows as f64 / attended_or_not as f64),
        revenue_share: None,
        ticket_share: None,
        time: time_metrics,
    })
}

/// Fold one invoice into its client's sums; `false` on overflow.
#[must_use]
fn add_invoice(
    totals: &mut InvoiceTotals,
    invoice: &Invoice,
    as_of: NaiveDate,
    in_period: impl Fn(NaiveDate) -> bool,
) -> bool {
    if in_period(invoice.issued) {
        totals.active = true;
        if !add(&mut totals.discounts, invoice.discount) {
            return false;
        }
        let fits = if invoice.status == InvoiceStatus::BadDebt {
            let paid = invoice.collected_by(as_of);
            add(&mut totals.revenue, paid)
                && invoice
                    .amount
                    .checked_sub(paid)
                    .is_some_and(|lost| add(&mut totals.bad_debt, lost))
        } else {
            add(&mut totals.revenue, invoice.amount)
        };
        if !fits {
            return false;
        }
    }
    // Payment behaviour: invoices falling due in the period, by as-of.
    if in_period(invoice.due)
        && let Some(days_late) = invoice.days_late(as_of)
    {
        count(&mut totals.invoices_due, 1);
        if !add(&mut totals.due_amount, invoice.amount) {
            return false;
        }
        if days_late > 0 {
            count(&mut totals.late_invoices, 1);
            let weighted = times_days(invoice.amount, days_late);
            if !weighted.is_some_and(|w| add(&mut totals.weighted_days_late, w))
                || !add(&mut totals.late_amount, invoice.amount)
            {
                return false;
            }
        }
    }
    // Receivables at as-of, whatever the period.
    if let Some(owed) = invoice.receivable_at(as_of) {
        let bucket = aging_bucket(invoice.days_past_due(as_of), &REPORT_AGING_EDGES);
        if let Some(sum) = totals.buckets.get_mut(bucket)
            && !add(sum, owed)
        {
            return false;
        }
    }
    true
}

/// `amount × days`, exactly what `checked_mul` gives (the product of the
/// mantissas at the amount's scale, when it fits in 96 bits), without its
/// general multiplication on every late invoice.
fn times_days(amount: Decimal, days: i64) -> Option<Decimal> {
    if let Ok(mantissa) = i64::try_from(amount.mantissa())
        && let Some(product) = i128::from(mantissa).checked_mul(i128::from(days))
        && product != 0
        && let Ok(product) = Decimal::try_from_i128_with_scale(product, amount.scale())
    {
        return Some(product);
    }
    amount.checked_mul(Decimal::from(days))
}

/// An exact quotient as a ratio; only ever used for shares and averages.
fn ratio(numerator: Decimal, denominator: Decimal) -> f64 {
    if denominator.is_zero() {
        return 0.0;
    }
    match numerator.checked_div(denominator) {
        Some(quotient) => quotient.to_f64().unwrap_or(0.0),
        // Beyond Decimal's range: the ratio is still a fine f64.
        None => numerator.to_f64().unwrap_or(0.0) / denominator.to_f64().unwrap_or(1.0),
    }
}

#[cfg(test)]
mod tests;
