//! Stage 2: records → per-client metrics (SPEC §4).
//!
//! Money stays exact (`Decimal`) and unrounded here; rounding to cents
//! happens only when a report is rendered. Ratios are `f64`.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::config::Config;
use crate::ingest::{Ingested, Sink};
use crate::model::{
    ClientId, Invoice, InvoiceStatus, Meeting, MeetingStatus, Origin, REPORT_AGING_EDGES, Ticket,
    aging_bucket,
};
use crate::period::{Bounds, days_in};
use crate::prefetch::{prefetch, worth_it};

/// A count grows by one per row. 2^64 rows cannot be read in any time a
/// run could take (584 years at a billion rows a second), so saturating is
/// never reached; it only keeps the arithmetic free of panics.
fn count(total: &mut u64, by: u64) {
    *total = total.saturating_add(by);
}

/// `total += value`, or `false` when the sum leaves Decimal's range (about
/// 7.9 × 10^28): then the caller reports an error, never a wrong figure.
#[must_use]
#[inline]
fn add(total: &mut Decimal, value: Decimal) -> bool {
    // The usual sum, cents to cents or whole minutes to whole minutes, is a
    // plain integer addition: the same value and scale `checked_add` gives,
    // at a fraction of its cost (it is on every row). A zero sum takes the
    // general path, which settles the sign of zero.
    // Adding a (positive) zero at no finer scale changes nothing: the
    // usual discount, and tickets' blank minutes. To a zero total, only at
    // the same scale: `checked_add` gives a zero at the value's scale (so
    // a client with no discount yet, the usual case, is not a general
    // sum on every invoice).
    let (total_scale, value_scale) = (total.scale(), value.scale());
    if value.is_zero()
        && !value.is_sign_negative()
        && !total.is_sign_negative()
        && value_scale <= total_scale
        && (!total.is_zero() || value_scale == total_scale)
    {
        return true;
    }
    // At equal scales, mantissas of up to 96 bits add exactly in an i128;
    // a sum beyond 96 bits is rounded by `checked_add`, below.
    if total_scale == value_scale {
        let sum = total.mantissa().saturating_add(value.mantissa());
        if sum != 0
            && let Ok(sum) = Decimal::try_from_i128_with_scale(sum, total_scale)
        {
            *total = sum;
            return true;
        }
    }
    add_rescaled(total, value)
}

/// `add` for what its quick paths leave: unequal scales, zero sums and
/// sums beyond 96 bits. A function of its own, so that the quick paths,
/// inlined where each sum is made, need none of its registers.
#[must_use]
#[inline(never)]
fn add_rescaled(total: &mut Decimal, value: Decimal) -> bool {
    let (total_scale, value_scale) = (total.scale(), value.scale());
    // Unequal scales are the usual sum too when amounts in other
    // currencies are converted (cents × a rate with two decimals: scale 4,
    // added to plain cents): the one with fewer decimals is brought to the
    // other's scale, as `checked_add` does (but a zero added to or added
    // to keeps the other's scale there: that sum takes the general path).
    let scale = total_scale.max(value_scale);
    if total_scale != value_scale
        && let (Ok(a), Ok(b)) = (
            i64::try_from(total.mantissa()),
            i64::try_from(value.mantissa()),
        )
        && a != 0
        && b != 0
        && let Some(a) = to_scale(a, scale.saturating_sub(total_scale))
        && let Some(b) = to_scale(b, scale.saturating_sub(value_scale))
        && let Some(sum) = a.checked_add(b)
        && sum != 0
        && let Ok(sum) = Decimal::try_from_i128_with_scale(i128::from(sum), scale)
    {
        *total = sum;
        return true;
    }
    match total.checked_add(value) {
        Some(sum) => {
            *total = sum;
            true
        }
        None => false,
    }
}

/// `mantissa × 10^more`, when it fits in an i64.
fn to_scale(mantissa: i64, more: u32) -> Option<i64> {
    match more {
        0 => Some(mantissa),
        _ => 10i64.checked_pow(more)?.checked_mul(mantissa),
    }
}

/// A client's entry in per-client sums, added (empty) when new.
fn slot<T: Default>(sums: &mut Vec<T>, client: ClientId) -> &mut T {
    let index = client.index();
    if index >= sums.len() {
        sums.resize_with(index.saturating_add(1), T::default);
    }
    // Cannot panic: the vector was just grown to hold `index`.
    #[allow(clippy::indexing_slicing)]
    &mut sums[index]
}

/// Ticket and meeting totals of one client over the period.
///
/// Laid out (`repr(C)`) for prefetching: a ticket updates bytes 0–48, a
/// meeting bytes 48–119. With 100,000 clients nearly every row's totals
/// are a miss, so they are prefetched (see `crate::prefetch`) at fields
/// less than 64 bytes apart, which touch every cache line of the span.
/// Not aligned to a cache line: a vector of such could not grow in place
/// (`realloc`), and the copies left behind kept 25 MB more resident.
#[derive(Debug, Clone, Default, PartialEq)]
#[repr(C)]
pub(crate) struct ActivityTotals {
    pub(crate) tickets: u64,
    pub(crate) scope_changes: u64,
    pub(crate) escalations: u64,
    pub(crate) abusive_tickets: u64,
    pub(crate) ticket_minutes: Decimal,
    /// Any ticket or meeting in the period.
    pub(crate) active: bool,
    /// Σ minutes × attendees of attended meetings.
    pub(crate) attended_person_minutes: Decimal,
    /// Σ minutes × attendees of no-shows.
    pub(crate) no_show_person_minutes: Decimal,
    pub(crate) scheduled: u64,
    pub(crate) attended: u64,
    pub(crate) no_shows: u64,
    pub(crate) cancelled: u64,
}

impl ActivityTotals {
    /// The fields a ticket updates: `tickets` to `active` (bytes 0–48).
    fn prefetch_tickets(&self) {
        prefetch(&self.tickets);
        prefetch(&self.active);
    }

    /// The fields a meeting updates: `active` to `cancelled` (bytes
    /// 48–119; `cancelled`, 8-byte aligned, lies in one line).
    fn prefetch_meetings(&self) {
        prefetch(&self.active);
        prefetch(&self.scheduled);
        prefetch(&self.cancelled);
    }

    /// Add another thread's totals; `false` when a sum overflows.
    #[must_use]
    fn add(&mut self, other: &ActivityTotals) -> bool {
        count(&mut self.tickets, other.tickets);
        count(&mut self.scope_changes, other.scope_changes);
        count(&mut self.escalations, other.escalations);
        count(&mut self.abusive_tickets, other.abusive_tickets);
        count(&mut self.scheduled, other.scheduled);
        count(&mut self.attended, other.attended);
        count(&mut self.no_shows, other.no_shows);
        count(&mut self.cancelled, other.cancelled);
        self.active |= other.active;
        add(&mut self.ticket_minutes, other.ticket_minutes)
            && add(
                &mut self.attended_person_minutes,
                other.attended_person_minutes,
            )
            && add(
                &mut self.no_show_person_minutes,
                other.no_show_person_minutes,
            )
    }
}

/// How many rows naming no client are located in the report's warning.
pub(crate) const UNMATCHED_LISTED: usize = 5;

/// Keep `origin` among the first `UNMATCHED_LISTED` unmatched rows, in
/// file and line order (parts of a file are read in parallel and folded
/// in any order, so the first ones are chosen, not the first seen).
fn note_unmatched(first: &mut Vec<Origin>, origin: Origin) {
    if first.len() == UNMATCHED_LISTED && first.last().is_some_and(|last| *last <= origin) {
        return;
    }
    let at = first.partition_point(|seen| *seen < origin);
    first.insert(at, origin);
    first.truncate(UNMATCHED_LISTED);
}

/// The streaming end of ingest: folds tickets and meetings into per-client
/// totals as they are read.
#[derive(Debug)]
pub struct Activity {
    bounds: Bounds,
    pub(crate) per_client: Vec<ActivityTotals>,
    pub(crate) unmatched_tickets: u64,
    pub(crate) unmatched_meetings: u64,
    /// The first few of those rows (by file and line), to say where they are.
    pub(crate) unmatched_rows: Vec<Origin>,
    /// Earliest ticket or meeting date seen (the default period's start).
    pub(crate) earliest: Option<NaiveDate>,
    /// The first ticket, meeting or invoice whose figures overflowed its
    /// client's sum (a sink cannot return an error; `aggregate` reports it).
    pub(crate) overflow: Option<Origin>,
    /// Sums of the invoices streamed in (see `IngestOptions::stream_invoices`).
    invoice_totals: Vec<InvoiceTotals>,
    /// Earliest issue date of a streamed invoice that counts.
    earliest_invoice: Option<NaiveDate>,
    /// Invoices streamed in.
    pub(crate) invoices_streamed: u64,
    /// `overflow` was noted by a ticket.
    ticket_overflowed: bool,
}

impl Activity {
    pub fn new(bounds: Bounds) -> Activity {
        Activity {
            bounds,
            per_client: Vec::new(),
            unmatched_tickets: 0,
            unmatched_meetings: 0,
            unmatched_rows: Vec::new(),
            earliest: None,
            overflow: None,
            invoice_totals: Vec::new(),
            earliest_invoice: None,
            invoices_streamed: 0,
            ticket_overflowed: false,
        }
    }

    /// Invoices were streamed in, and not one of them counts (every one
    /// draft, void, deleted or cancelled).
    pub(crate) fn no_streamed_invoice_counts(&self) -> bool {
        self.invoices_streamed > 0 && self.earliest_invoice.is_none()
    }

    fn invoice_totals(&mut self, client: ClientId) -> &mut InvoiceTotals {
        slot(&mut self.invoice_totals, client)
    }

    fn totals(&mut self, client: ClientId) -> &mut ActivityTotals {
        slot(&mut self.per_client, client)
    }

    fn seen(&mut self, day: NaiveDate) {
        self.earliest = Some(self.earliest.map_or(day, |earliest| earliest.min(day)));
    }
}

impl Sink for Activity {
    fn fork(&self) -> Option<Activity> {
        Some(Activity::new(self.bounds))
    }

    fn absorb(&mut self, fork: Activity, ids: &[ClientId]) {
        count(&mut self.unmatched_tickets, fork.unmatched_tickets);
        count(&mut self.unmatched_meetings, fork.unmatched_meetings);
        for origin in fork.unmatched_rows {
            note_unmatched(&mut self.unmatched_rows, origin);
        }
        if let Some(day) = fork.earliest {
            self.seen(day);
        }
        self.overflow = self.overflow.or(fork.overflow);
        count(&mut self.invoices_streamed, fork.invoices_streamed);
        if let Some(day) = fork.earliest_invoice {
            self.earliest_invoice = Some(self.earliest_invoice.map_or(day, |e| e.min(day)));
        }
        // The first fork's ids are the final ones: its sums are taken
        // whole, not copied while it still holds them (a peak of memory).
        let same_ids = ids
            .iter()
            .enumerate()
            .all(|(index, id)| id.index() == index);
        if same_ids && self.invoice_totals.is_empty() && self.per_client.is_empty() {
            self.invoice_totals = fork.invoice_totals;
            self.per_client = fork.per_client;
            return;
        }
        // Room for every client at once, rather than doubling past them.
        let wanted = ids
            .iter()
            .max()
            .map_or(0, |last| last.index().saturating_add(1));
        if !fork.invoice_totals.is_empty() {
            let more = wanted.saturating_sub(self.invoice_totals.len());
            self.invoice_totals.reserve_exact(more);
        }
        if !fork.per_client.is_empty() {
            let more = wanted.saturating_sub(self.per_client.len());
            self.per_client.reserve_exact(more);
        }
        for (totals, id) in fork.invoice_totals.into_iter().zip(ids) {
            if !self.invoice_totals(*id).add(&totals) {
                self.overflow = self.overflow.or(Some(Origin {
                    file: u32::MAX,
                    line: 0,
                }));
            }
        }
        // A fork's clients come in its own order, which is not ours: each
        // client's totals are a miss, fetched a few clients ahead.
        const AHEAD: usize = 8;
        let prefetch_worth = crate::prefetch::worth_it(&self.per_client);
        for (at, (totals, id)) in fork.per_client.into_iter().zip(ids).enumerate() {
            if prefetch_worth
                && let Some(ahead) = ids
                    .get(at.saturating_add(AHEAD))
                    .and_then(|id| self.per_client.get(id.index()))
            {
                ahead.prefetch_tickets();
                ahead.prefetch_meetings();
            }
            if totals != ActivityTotals::default() && !self.totals(*id).add(&totals) {
                // Which row tipped it over is lost in the merge; the sums
                // of the threads together overflow, so say so at the end.
                self.overflow = self.overflow.or(Some(Origin {
                    file: u32::MAX,
                    line: 0,
                }));
            }
        }
    }

    fn prefetch_ticket(&self, ticket: &Ticket) {
        if let Some(totals) = ticket.client.and_then(|id| self.per_client.get(id.index()))
            && worth_it(&self.per_client)
        {
            totals.prefetch_tickets();
        }
    }

    fn prefetch_meeting(&self, meeting: &Meeting) {
        if let Some(totals) = meeting
            .client
            .and_then(|id| self.per_client.get(id.index()))
            && worth_it(&self.per_client)
        {
            totals.prefetch_meetings();
        }
    }

    fn prefetch_invoice(&self, invoice: &Invoice) {
        if let Some(totals) = self.invoice_totals.get(invoice.client.index())
            && worth_it(&self.invoice_totals)
        {
            totals.prefetch();
        }
    }

    fn invoice(&mut self, invoice: &Invoice) {
        count(&mut self.invoices_streamed, 1);
        if !invoice.counts() {
            return;
        }
        self.earliest_invoice = Some(
            self.earliest_invoice
                .map_or(invoice.issued, |e| e.min(invoice.issued)),
        );
        // The period's start may be "the earliest event", known only at the
        // end; but no counted invoice is issued (or falls due: ingest
        // refuses a due date before the issue date) before the earliest
        // counted issue date, so for these dates "in the period" is
        // `bounds.contains` whether or not the start is known yet.
        let bounds = self.bounds;
        let totals = self.invoice_totals(invoice.client);
        if !add_invoice(totals, invoice, bounds.as_of, |day| bounds.contains(day)) {
            self.overflow = self.overflow.or(Some(invoice.origin));
        }
    }

    fn forget_invoices(&mut self) {
        self.invoice_totals = Vec::new();
        self.earliest_invoice = None;
        self.invoices_streamed = 0;
        // Only invoices have been read when the invoice files are read
        // again, so an overflow noted so far came from one of them.
        self.overflow = None;
    }

    fn forget_tickets(&mut self) {
        // Tickets are read after invoices and before meetings: the totals
        // so far, the earliest day and the unmatched count are theirs. An
        // overflow noted by a ticket is forgotten; one by an invoice stays.
        self.per_client = Vec::new();
        self.earliest = None;
        self.unmatched_tickets = 0;
        if self.ticket_overflowed {
            self.overflow = None;
            self.ticket_overflowed = false;
        }
    }

    fn ticket(&mut self, ticket: &Ticket) {
        self.seen(ticket.created);
        if !self.bounds.contains(ticket.created) {
            return;
        }
        let Some(client) = ticket.client else {
            count(&mut self.unmatched_tickets, 1);
            note_unmatched(&mut self.unmatched_rows, ticket.origin);
            return;
        };
        let totals = self.totals(client);
        totals.active = true;
        count(&mut totals.tickets, 1);
        count(&mut totals.scope_changes, u64::from(ticket.scope_change));
        count(&mut totals.escalations, u64::from(ticket.escalation));
        count(&mut totals.abusive_tickets, u64::from(ticket.abusive));
        if !add(&mut totals.ticket_minutes, ticket.minutes) && self.overflow.is_none() {
            self.overflow = Some(ticket.origin);
            self.ticket_overflowed = true;
        }
    }

    fn meeting(&mut self, meeting: &Meeting) {
        self.seen(meeting.date);
        if !self.bounds.contains(meeting.date) {
            return;
        }
        let Some(client) = meeting.client else {
            count(&mut self.unmatched_meetings, 1);
            note_unmatched(&mut self.unmatched_rows, meeting.origin);
            return;
        };
        let person_minutes = meeting
            .minutes
            .checked_mul(Decimal::from(meeting.attendees));
        let totals = self.totals(client);
        totals.active = true;
        let fits = match meeting.status {
            MeetingStatus::Cancelled => {
                count(&mut totals.cancelled, 1);
                true
            }
            MeetingStatus::Attended => {
                count(&mut totals.scheduled, 1);
                count(&mut totals.attended, 1);
                person_minutes.is_some_and(|m| add(&mut totals.attended_person_minutes, m))
            }
            MeetingStatus::NoShow => {
                count(&mut totals.scheduled, 1);
                count(&mut totals.no_shows, 1);
                person_minutes.is_some_and(|m| add(&mut totals.no_show_person_minutes, m))
            }
            MeetingStatus::Rescheduled | MeetingStatus::Scheduled => {
                count(&mut totals.scheduled, 1);
                true
            }
        };
        if !fits {
            self.overflow = self.overflow.or(Some(meeting.origin));
        }
    }
}

/// Every §4 metric of one client.
#[derive(Debug, Clone, PartialEq)]
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
    let every_client = invoice_totals.len();
    let discounts_left_out = ingested.discounts_left_out;
    let stretch = |first: usize, sums: &[InvoiceTotals]| -> Option<Vec<ClientMetrics>> {
        // Room for every client it may list; in the first stretch's
        // vector, which takes the others, for every client. Grown as they
        // filled, the vectors were copied at each doubling and held twice
        // while they were: on LARGE, peak RSS 187-192 MB, now 175-184.
        let mut clients = Vec::with_capacity(if first == 0 { every_client } else { sums.len() });
        for (index, totals) in (first..).zip(sums) {
            let work = per_client.get(index).cloned().unwrap_or_default();
            let outstanding = totals
                .buckets
                .iter()
                .try_fold(Decimal::ZERO, |sum, owed| sum.checked_add(*owed))?;
            if !(totals.active || work.active || outstanding > Decimal::ZERO) {
                continue;
            }
            let client = crate::model::ClientId(u32::try_from(index).unwrap_or(u32::MAX));
            let mut client = metrics(
                client,
                totals,
                &work,
                outstanding,
                &config.rates,
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
    // others (with 100,000 clients, appending the first to an empty
    // vector copied 25 MB more).
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
    })
}

/// A client's §4 metrics from its sums; `None` when a figure overflows.
fn metrics(
    client: ClientId,
    totals: &InvoiceTotals,
    work: &ActivityTotals,
    outstanding: Decimal,
    rates: &crate::config::Rates,
    days: i64,
) -> Option<ClientMetrics> {
    let sixty = Decimal::from(60);
    let hourly = |minutes: Decimal, rate: Decimal| minutes.checked_mul(rate)?.checked_div(sixty);
    let revenue = totals.revenue;
    let support_cost = hourly(work.ticket_minutes, rates.support_hourly)?;
    let meeting_cost = hourly(work.attended_person_minutes, rates.meeting_hourly)?;
    let no_show_cost = hourly(work.no_show_person_minutes, rates.meeting_hourly)?;
    let collection_cost =
        Decimal::from(totals.late_invoices).checked_mul(rates.late_invoice_cost)?;
    let delivery_cost = revenue.checked_mul(rates.delivery_cost_share)?;
    let cost_to_serve = [meeting_cost, no_show_cost, collection_cost, delivery_cost]
        .into_iter()
        .try_fold(support_cost, Decimal::checked_add)?;
    let profit = revenue.checked_sub(cost_to_serve)?;
    let hours_to_serve = work
        .ticket_minutes
        .checked_add(work.attended_person_minutes)?
        .checked_add(work.no_show_person_minutes)?
        .checked_div(sixty)?;
    let [current, d1_30, d31_60, d61_90, d90_plus] = totals.buckets;
    let positive_revenue = revenue > Decimal::ZERO;
    let effective_hourly = if hours_to_serve > Decimal::ZERO {
        Some(revenue.checked_div(hours_to_serve)?)
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
mod tests {
    use proptest::prelude::*;

    /// Prefetch points (field offsets) reach every cache line of a span
    /// when the first is its start, the last field ends it without
    /// crossing a line (a field no larger than its alignment), and no two
    /// are 64 bytes apart.
    fn covers(points: &[usize], span: std::ops::Range<usize>) -> bool {
        points.first() == Some(&span.start)
            && points
                .windows(2)
                .all(|pair| pair[0] < pair[1] && pair[1] - pair[0] < 64)
            && points.last().is_some_and(|last| span.end - last <= 8)
    }

    #[test]
    fn prefetches_touch_every_line_of_what_a_row_updates() {
        use super::{ActivityTotals, InvoiceTotals};
        use std::mem::{offset_of, size_of};
        let end = |offset: usize, size: usize| offset + size;
        // A ticket updates tickets … active; `active` is one byte.
        let ticket_fields = [
            offset_of!(ActivityTotals, tickets),
            offset_of!(ActivityTotals, scope_changes),
            offset_of!(ActivityTotals, escalations),
            offset_of!(ActivityTotals, abusive_tickets),
            offset_of!(ActivityTotals, ticket_minutes),
        ];
        let active = offset_of!(ActivityTotals, active);
        assert!(ticket_fields.iter().all(|field| *field < active));
        assert!(covers(&[0, active], 0..end(active, 1)));
        // A meeting updates active … cancelled, the last field (a u64).
        let cancelled = offset_of!(ActivityTotals, cancelled);
        assert_eq!(end(cancelled, 8), size_of::<ActivityTotals>());
        let meeting_points = [active, offset_of!(ActivityTotals, scheduled), cancelled];
        assert!(covers(&meeting_points, active..end(cancelled, 8)));
        // An invoice may update anything; `active` (a bool) is last.
        let buckets = offset_of!(InvoiceTotals, buckets);
        let invoice_points = [
            offset_of!(InvoiceTotals, revenue),
            offset_of!(InvoiceTotals, late_invoices),
            buckets,
            buckets + 2 * size_of::<rust_decimal::Decimal>(),
            offset_of!(InvoiceTotals, active),
        ];
        let last = offset_of!(InvoiceTotals, active);
        assert!(covers(&invoice_points, 0..end(last, 1)));
        // Only padding after it (the struct is 8-byte aligned).
        assert!(size_of::<InvoiceTotals>() - end(last, 1) < 8);
    }

    /// Every pair of a few edge values (zeros of either sign, ones, the
    /// i64 limits) at every scale from 0 to 28 and back: what `checked_add`
    /// gives, value, scale and sign (the proptest below rarely meets two
    /// zeros of different scales).
    #[test]
    fn add_matches_checked_add_on_edge_values() {
        // With the 96-bit limits: at equal scales, sums past them round
        // (or, at scale 0, do not fit).
        let limit = (1i128 << 96) - 1;
        let mantissas = [
            0i128,
            1,
            -1,
            7,
            i128::from(i64::MAX),
            i128::from(i64::MIN),
            limit,
            -limit,
        ];
        let mut values = Vec::new();
        for mantissa in mantissas {
            for scale in [0u32, 1, 2, 4, 18, 19, 28] {
                let value = Decimal::from_i128_with_scale(mantissa, scale);
                values.push(value);
                if mantissa == 0 {
                    let mut negative = value;
                    negative.set_sign_negative(true);
                    values.push(negative);
                }
            }
        }
        for total in &values {
            for value in &values {
                let expected = total.checked_add(*value);
                let mut sum = *total;
                let fits = add(&mut sum, *value);
                assert_eq!(fits, expected.is_some(), "{total:?} + {value:?}");
                if let Some(expected) = expected {
                    assert_eq!(
                        (sum.to_string(), sum.scale(), sum.is_sign_negative()),
                        (
                            expected.to_string(),
                            expected.scale(),
                            expected.is_sign_negative()
                        ),
                        "{total:?} + {value:?}"
                    );
                }
            }
        }
    }

    /// Mantissas for the property tests of the sums' and products'
    /// shortcuts: small ones, and ones around the i64 and 96-bit limits.
    fn mantissas() -> impl Strategy<Value = i128> {
        proptest::prop_oneof![
            -1000i128..1000,
            proptest::num::i64::ANY.prop_map(i128::from),
            proptest::num::i128::ANY.prop_map(|m| m >> 32),
        ]
    }

    proptest! {
        /// The integer shortcut in `add` gives what `checked_add` gives:
        /// the same value, scale and text, for mantissas around the i64
        /// limits, either sign, zero sums, equal and unequal scales.
        #[test]
        fn add_matches_checked_add(
            a in mantissas(),
            b in mantissas(),
            scale_a in 0u32..=28,
            same_scale in proptest::bool::ANY,
            scale_b in 0u32..=28,
            negative_zero in proptest::bool::ANY,
        ) {
            let scale_b = if same_scale { scale_a } else { scale_b };
            let mut total = Decimal::from_i128_with_scale(a, scale_a);
            let mut value = Decimal::from_i128_with_scale(b, scale_b);
            if negative_zero && a == 0 {
                total.set_sign_negative(true);
            }
            if negative_zero && b == 0 {
                value.set_sign_negative(true);
            }
            let expected = total.checked_add(value);
            let fits = add(&mut total, value);
            prop_assert_eq!(fits, expected.is_some());
            if let Some(expected) = expected {
                prop_assert_eq!(total, expected);
                prop_assert_eq!(total.scale(), expected.scale());
                prop_assert_eq!(total.is_sign_negative(), expected.is_sign_negative());
                prop_assert_eq!(total.to_string(), expected.to_string());
            }
        }

        /// `times_days` gives what `checked_mul` gives: value, scale, sign
        /// and text, for amounts around the i64 and 96-bit limits, either
        /// sign, every scale, and any count of days (zero and negative
        /// too, though only late invoices' days reach it).
        #[test]
        fn times_days_matches_checked_mul(
            mantissa in mantissas(),
            scale in 0u32..=28,
            days in proptest::prop_oneof![
                -5i64..400,
                proptest::num::i64::ANY,
            ],
            negative_zero in proptest::bool::ANY,
        ) {
            let mut amount = Decimal::from_i128_with_scale(mantissa, scale);
            if negative_zero && mantissa == 0 {
                amount.set_sign_negative(true);
            }
            let expected = amount.checked_mul(Decimal::from(days));
            let product = super::times_days(amount, days);
            prop_assert_eq!(product.is_some(), expected.is_some());
            if let (Some(product), Some(expected)) = (product, expected) {
                prop_assert_eq!(product.scale(), expected.scale());
                prop_assert_eq!(product.is_sign_negative(), expected.is_sign_negative());
                prop_assert_eq!(product.to_string(), expected.to_string());
            }
        }

    }

    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// Sums near Decimal's limit fail instead of panicking or wrapping.
    #[test]
    fn sums_beyond_the_decimal_range_are_refused() {
        let invoice = Invoice {
            client: ClientId(0),
            index: 0,
            issued: day("2026-09-01"),
            due: day("2026-10-01"),
            paid: None,
            amount: Decimal::from(1_000_000),
            paid_amount: None,
            balance: None,
            status: InvoiceStatus::Unstated,
            discount: Decimal::ZERO,
            origin: Origin { file: 0, line: 2 },
        };
        let as_of = day("2026-10-31");
        let mut totals = InvoiceTotals::default();
        assert!(add_invoice(&mut totals, &invoice, as_of, |_| true));
        assert_eq!(totals.revenue, Decimal::from(1_000_000));
        let mut near_limit = InvoiceTotals {
            revenue: Decimal::MAX,
            ..InvoiceTotals::default()
        };
        assert!(!add_invoice(&mut near_limit, &invoice, as_of, |_| true));

        let bounds = Bounds {
            from: None,
            to: as_of,
            as_of,
        };
        let mut activity = Activity::new(bounds);
        let ticket = Ticket {
            client: Some(ClientId(0)),
            created: day("2026-10-01"),
            minutes: Decimal::MAX,
            scope_change: false,
            abusive: false,
            escalation: false,
            origin: Origin { file: 0, line: 7 },
        };
        activity.ticket(&ticket);
        assert_eq!(activity.overflow, None);
        activity.ticket(&ticket);
        assert_eq!(activity.overflow, Some(Origin { file: 0, line: 7 }));
    }
}
