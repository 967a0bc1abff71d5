//! What streams in while the files are read: each ticket and meeting (and
//! each invoice that can be folded in at once) added to its client's
//! totals, so no row is kept (`Activity`, the reading's `Sink`).

use super::*;

/// Ticket and meeting totals of one client over the period.
///
/// Laid out (`repr(C)`) for prefetching: a ticket updates bytes 0–48, a
/// meeting bytes 48–119. With 100,000 clients nearly every row's totals
/// are a miss, so they are prefetched (see `crate::prefetch`) at fields
/// less than 64 bytes apart, which touch every cache line of the span.
/// Not aligned to a cache line: a vector of such could not grow in place
/// (`realloc`), and the copies left behind would stay resident.
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
pub(super) fn note_unmatched(first: &mut Vec<Origin>, origin: Origin) {
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
    pub(super) bounds: Bounds,
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
    pub(super) invoice_totals: Vec<InvoiceTotals>,
    /// Earliest issue date of a streamed invoice that counts.
    pub(super) earliest_invoice: Option<NaiveDate>,
    /// Invoices streamed in.
    pub(crate) invoices_streamed: u64,
    /// `overflow` was noted by a ticket.
    pub(super) ticket_overflowed: bool,
    /// Prices timesheet hours.
    pub(super) rates: std::sync::Arc<crate::model::RateCard>,
    /// Timesheet sums per client (empty without a timesheet).
    pub(crate) time_totals: Vec<super::time::TimeTotals>,
    /// Timesheet hours no rate prices, and entries naming no client.
    pub(crate) time_gaps: super::time::TimeGaps,
}

impl Activity {
    pub fn new(bounds: Bounds, rates: crate::model::RateCard) -> Activity {
        Activity::sharing(bounds, std::sync::Arc::new(rates))
    }

    /// An empty activity pricing hours with `rates`, which forks share.
    fn sharing(bounds: Bounds, rates: std::sync::Arc<crate::model::RateCard>) -> Activity {
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
            rates,
            time_totals: Vec::new(),
            time_gaps: super::time::TimeGaps::default(),
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

    pub(super) fn seen(&mut self, day: NaiveDate) {
        self.earliest = Some(self.earliest.map_or(day, |earliest| earliest.min(day)));
    }
}

impl Sink for Activity {
    fn fork(&self) -> Option<Activity> {
        Some(Activity::sharing(self.bounds, self.rates.clone()))
    }

    fn time_entry(&mut self, entry: &crate::model::TimeEntry) {
        self.add_time_entry(entry);
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
        if !self.absorb_time(fork.time_totals, fork.time_gaps, ids) {
            self.overflow = self.overflow.or(Some(Origin {
                file: u32::MAX,
                line: 0,
            }));
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
