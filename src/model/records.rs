//! The typed records ingest produces for the later stages, and the
//! values they carry (client ids, statuses). Data only: the rules that
//! read an invoice are in `invoice.rs`.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// A client's position in the registry; stable for one run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientId(pub u32);

impl ClientId {
    pub(crate) fn index(self) -> usize {
        self.0 as usize
    }
}

/// An invoice's standing as its export states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum InvoiceStatus {
    /// No status column, or a blank cell: dates and amounts decide.
    Unstated,
    Paid,
    Open,
    /// Void, draft, deleted, cancelled: not a real invoice.
    Excluded,
    /// Written off: only what was paid counts as revenue.
    BadDebt,
    /// Its file has no column that tells payment (no paid date, paid
    /// amount, balance or status): whether and when it was paid is
    /// unknown, so it counts in revenue but not in lateness or receivables.
    PaymentUnknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum MeetingStatus {
    Attended,
    NoShow,
    Cancelled,
    Rescheduled,
    Scheduled,
}

/// Where a record came from, for evidence and error messages. Ordered by
/// file, then line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Origin {
    /// Index into `Ingested::files`.
    pub(crate) file: u32,
    pub(crate) line: u64,
}

/// One invoice (its lines already combined), amounts in the base currency.
#[derive(Debug, Clone, PartialEq)]
pub struct Invoice {
    pub(crate) client: ClientId,
    /// Its position in the `InvoiceStore` (which also holds its id).
    pub(crate) index: u32,
    pub(crate) issued: NaiveDate,
    /// As exported, or issued + payment terms.
    pub(crate) due: NaiveDate,
    /// The day it was fully paid, if the export says.
    pub(crate) paid: Option<NaiveDate>,
    pub(crate) amount: Decimal,
    pub(crate) paid_amount: Option<Decimal>,
    pub(crate) balance: Option<Decimal>,
    pub(crate) status: InvoiceStatus,
    pub(crate) discount: Decimal,
    pub(crate) origin: Origin,
}

/// One support ticket, already judged against the markers.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    /// `None` when neither the client cell nor the email named a client.
    pub(crate) client: Option<ClientId>,
    pub(crate) created: NaiveDate,
    pub(crate) minutes: Decimal,
    pub(crate) scope_change: bool,
    pub(crate) abusive: bool,
    pub(crate) escalation: bool,
    pub(crate) origin: Origin,
}

/// One scheduled meeting.
#[derive(Debug, Clone, PartialEq)]
pub struct Meeting {
    pub(crate) client: Option<ClientId>,
    pub(crate) date: NaiveDate,
    pub(crate) minutes: Decimal,
    pub(crate) status: MeetingStatus,
    /// Our people in the meeting.
    pub(crate) attendees: u32,
    pub(crate) origin: Origin,
}
