//! The typed records ingest produces for the later stages.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::identity::ClientId;
use super::status::{InvoiceStatus, MeetingStatus};

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

impl Invoice {
    /// Does this invoice count at all? Void, draft and deleted ones do not.
    pub(crate) fn counts(&self) -> bool {
        self.status != InvoiceStatus::Excluded
    }

    /// Does its export tell whether and when it was paid? Without that,
    /// lateness and receivables leave it out rather than count it unpaid.
    pub(crate) fn payment_known(&self) -> bool {
        self.status != InvoiceStatus::PaymentUnknown
    }

    /// How much had been paid by `as_of`, as far as the export tells.
    ///
    /// A `paid` date is a full payment on that day: before or on as-of
    /// everything is paid, after it nothing is. Without a date, an explicit
    /// paid amount or `amount − balance` counts; else a `paid` status means
    /// all of it; else nothing.
    pub(crate) fn paid_by(&self, as_of: NaiveDate) -> Decimal {
        match self.paid {
            Some(paid) if paid <= as_of => self.amount,
            Some(_) => Decimal::ZERO,
            None => {
                if let Some(paid_amount) = self.paid_amount {
                    paid_amount
                } else if let Some(balance) = self.balance {
                    // Exact for every invoice ingest keeps: it rejects those
                    // for which this overflows (`first_out_of_range`), so the
                    // saturation only guards invoices built elsewhere.
                    self.amount.saturating_sub(balance)
                } else if self.status == InvoiceStatus::Paid {
                    self.amount
                } else {
                    Decimal::ZERO
                }
            }
        }
    }

    /// What is still owed at `as_of` (never negative).
    pub(crate) fn owed_at(&self, as_of: NaiveDate) -> Decimal {
        // Paid in full by as-of, the usual invoice: amount − amount is
        // zero, which is what the rest gives, without the subtraction.
        if self.paid.is_some_and(|paid| paid <= as_of) {
            return Decimal::ZERO;
        }
        // Exact for every invoice ingest keeps: `paid_by` is the amount,
        // zero, amount − balance (so this is the balance) or the paid
        // amount, and ingest rejects invoices for which amount − paid amount
        // overflows (`first_out_of_range`). The saturation only guards
        // invoices built elsewhere.
        let owed = self.amount.saturating_sub(self.paid_by(as_of));
        // `max(owed, 0)` from the sign bit: 0 for zero of either sign too.
        if owed.is_sign_positive() && !owed.is_zero() {
            owed
        } else {
            Decimal::ZERO
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn invoice() -> Invoice {
        Invoice {
            client: ClientId(0),
            index: 0,
            issued: NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
            due: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            paid: None,
            amount: Decimal::from(1000),
            paid_amount: None,
            balance: None,
            status: InvoiceStatus::Unstated,
            discount: Decimal::ZERO,
            origin: Origin { file: 0, line: 2 },
        }
    }

    #[test]
    fn what_is_owed_follows_the_paid_date_then_amounts_then_status() {
        let as_of = NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
        let mut inv = invoice();
        assert_eq!(inv.owed_at(as_of), Decimal::from(1000));
        inv.paid = NaiveDate::from_ymd_opt(2026, 10, 31);
        assert_eq!(inv.owed_at(as_of), Decimal::ZERO);
        // Paid the day after as-of: at as-of all of it was still owed.
        inv.paid = NaiveDate::from_ymd_opt(2026, 11, 1);
        assert_eq!(inv.owed_at(as_of), Decimal::from(1000));
        inv.paid = None;
        inv.balance = Some(Decimal::from(700));
        assert_eq!(inv.owed_at(as_of), Decimal::from(700));
        inv.paid_amount = Some(Decimal::from(100));
        assert_eq!(inv.owed_at(as_of), Decimal::from(900));
        let mut paid = invoice();
        paid.status = InvoiceStatus::Paid;
        assert_eq!(paid.owed_at(as_of), Decimal::ZERO);
    }
}
