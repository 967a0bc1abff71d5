//! How records reach the sink: in batches, so that each client's totals
//! are prefetched before its record is added to them.

use super::*;

/// Where tickets and meetings go when only clients files are read.
pub(super) struct NoSink;

impl Sink for NoSink {
    fn ticket(&mut self, _: &Ticket) {}
    fn meeting(&mut self, _: &Meeting) {}
    fn forget_tickets(&mut self) {}
}
/// A sink that hands records on in batches. Each record updates the totals
/// of its client, and with 100,000 clients that is a cache miss. The sink
/// is asked to prefetch them when a record comes in, and receives it up to
/// 64 records later, by when they have arrived. Records arrive in the
/// same order; `flush` must be
/// called when a file's reading ends, however it ends.
pub(super) struct Batched<'a> {
    sink: &'a mut dyn Sink,
    tickets: Vec<Ticket>,
    meetings: Vec<Meeting>,
    invoices: Vec<Invoice>,
}

impl<'a> Batched<'a> {
    const SIZE: usize = 64;

    pub(super) fn new(sink: &'a mut dyn Sink) -> Batched<'a> {
        Batched {
            sink,
            tickets: Vec::with_capacity(Self::SIZE),
            meetings: Vec::with_capacity(Self::SIZE),
            invoices: Vec::with_capacity(Self::SIZE),
        }
    }

    /// Deliver every record held. Only one kind is read at a time, so the
    /// order between kinds does not matter.
    pub(super) fn flush(&mut self) {
        for ticket in self.tickets.drain(..) {
            self.sink.ticket(&ticket);
        }
        for meeting in self.meetings.drain(..) {
            self.sink.meeting(&meeting);
        }
        for invoice in self.invoices.drain(..) {
            self.sink.invoice(&invoice);
        }
    }
}

impl Sink for Batched<'_> {
    fn ticket(&mut self, ticket: &Ticket) {
        // Delivered up to a batch later: time for its totals to arrive.
        self.sink.prefetch_ticket(ticket);
        self.tickets.push(ticket.clone());
        if self.tickets.len() >= Self::SIZE {
            self.flush();
        }
    }

    fn meeting(&mut self, meeting: &Meeting) {
        // Delivered up to a batch later: time for its totals to arrive.
        self.sink.prefetch_meeting(meeting);
        self.meetings.push(meeting.clone());
        if self.meetings.len() >= Self::SIZE {
            self.flush();
        }
    }

    /// Handed on at once: an entry borrows its row, which the next block
    /// of rows replaces. Only one kind is read at a time, so nothing held
    /// could come before it.
    fn time_entry(&mut self, entry: &TimeEntry) {
        self.sink.time_entry(entry);
    }

    fn invoice(&mut self, invoice: &Invoice) {
        // Delivered up to a batch later: time for its totals to arrive.
        self.sink.prefetch_invoice(invoice);
        self.invoices.push(invoice.clone());
        if self.invoices.len() >= Self::SIZE {
            self.flush();
        }
    }

    /// Held tickets are forgotten with the rest.
    fn forget_tickets(&mut self) {
        self.tickets.clear();
        self.flush();
        self.sink.forget_tickets();
    }

    /// Held invoices are forgotten with the rest; held tickets and
    /// meetings are delivered first, as they came first.
    fn forget_invoices(&mut self) {
        self.invoices.clear();
        self.flush();
        self.sink.forget_invoices();
    }
}
