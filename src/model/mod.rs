//! The records the pipeline passes on, and the rules of one record.
//!
//! Owns the typed records ingest produces (`Invoice`, `Ticket`, `Meeting`,
//! `TimeEntry`, their `Origin`, the `ClientId` they name and the status
//! values they carry) and the rules that read one record: what an invoice
//! was paid and owes at a date, days past due, days late, whether it is a
//! receivable, its aging bucket, what "seriously overdue" means, and which
//! cost rate prices a time entry. Each rule lives here once; aggregation,
//! the receivables view and `explain` call it rather than restate it.
//!
//! Layer: must not import anything but the plain helpers below it in
//! `tests/layers.rs` (no period, config, ingest or later stage). Parsing
//! status words and cells stays in ingest.

mod aging;
mod invoice;
mod records;
mod time;

pub(crate) use aging::{
    REPORT_AGING_EDGES, SERIOUSLY_OVERDUE_DAYS, aging_bucket, is_seriously_overdue,
};
pub use records::{ClientId, Invoice, Meeting, Ticket};
pub(crate) use records::{InvoiceStatus, MeetingStatus, Origin};
pub use time::RateCard;
pub use time::TimeEntry;
pub(crate) use time::{
    Billable, Priced, PricedSum, RateSource, RowMoney, billable_value, name_key,
};
