//! The rules of one invoice at a date: what was paid by then, and what is
//! owed.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::records::{Invoice, InvoiceStatus};

/// `value > 0`, from the sign bit (a comparison of Decimals rescales, and
/// these run on every invoice).
fn positive(value: Decimal) -> bool {
    value.is_sign_positive() && !value.is_zero()
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
        if positive(owed) { owed } else { Decimal::ZERO }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ClientId, Origin};

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// 1000 issued 2026-09-01, due 2026-10-01, nothing said of payment.
    fn invoice() -> Invoice {
        Invoice {
            client: ClientId(0),
            index: 0,
            issued: day("2026-09-01"),
            due: day("2026-10-01"),
            paid: None,
            amount: Decimal::from(1000),
            paid_amount: None,
            balance: None,
            status: InvoiceStatus::Unstated,
            discount: Decimal::ZERO,
            origin: Origin { file: 0, line: 2 },
        }
    }

    fn with(change: impl FnOnce(&mut Invoice)) -> Invoice {
        let mut inv = invoice();
        change(&mut inv);
        inv
    }

    #[test]
    fn paid_by_follows_the_paid_date_then_amounts_then_status() {
        let as_of = day("2026-10-31");
        let thousand = Decimal::from(1000);
        assert_eq!(invoice().paid_by(as_of), Decimal::ZERO);
        // Paid the day before, on, and the day after as-of.
        let paid_on = |date: &str| with(|i| i.paid = Some(day(date))).paid_by(as_of);
        assert_eq!(paid_on("2026-10-30"), thousand);
        assert_eq!(paid_on("2026-10-31"), thousand);
        assert_eq!(paid_on("2026-11-01"), Decimal::ZERO);
        // Balance 700 of 1000: 1000 − 700 = 300 paid.
        let balance = with(|i| i.balance = Some(Decimal::from(700)));
        assert_eq!(balance.paid_by(as_of), Decimal::from(300));
        // An explicit paid amount wins over the balance.
        let both = with(|i| {
            i.balance = Some(Decimal::from(700));
            i.paid_amount = Some(Decimal::from(100));
        });
        assert_eq!(both.paid_by(as_of), Decimal::from(100));
        let paid = with(|i| i.status = InvoiceStatus::Paid);
        assert_eq!(paid.paid_by(as_of), thousand);
    }

    #[test]
    fn what_is_owed_follows_the_paid_date_then_amounts_then_status() {
        let as_of = day("2026-10-31");
        let mut inv = invoice();
        assert_eq!(inv.owed_at(as_of), Decimal::from(1000));
        inv.paid = Some(day("2026-10-31"));
        assert_eq!(inv.owed_at(as_of), Decimal::ZERO);
        // Paid the day after as-of: at as-of all of it was still owed.
        inv.paid = Some(day("2026-11-01"));
        assert_eq!(inv.owed_at(as_of), Decimal::from(1000));
        inv.paid = None;
        inv.balance = Some(Decimal::from(700));
        assert_eq!(inv.owed_at(as_of), Decimal::from(700));
        // 1000 − 100 paid = 900.
        inv.paid_amount = Some(Decimal::from(100));
        assert_eq!(inv.owed_at(as_of), Decimal::from(900));
        // Overpaid (1200 of 1000): nothing owed, never −200.
        inv.paid_amount = Some(Decimal::from(1200));
        assert_eq!(inv.owed_at(as_of), Decimal::ZERO);
        let paid = with(|i| i.status = InvoiceStatus::Paid);
        assert_eq!(paid.owed_at(as_of), Decimal::ZERO);
    }
}
