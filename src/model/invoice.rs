//! The rules of one invoice at a date: what was paid by then, what is
//! owed, how many days past due and how many days late it is, and whether
//! it is a receivable. Aggregation, the receivables view and `explain` all
//! ask these; none restates them.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::records::{Invoice, InvoiceStatus};

/// `value > 0`, from the sign bit (a comparison of Decimals rescales, and
/// these run on every invoice).
fn positive(value: Decimal) -> bool {
    value.is_sign_positive() && !value.is_zero()
}

/// The days from `earlier` to `later`, as a difference of day numbers
/// (cheaper, on every invoice, than `signed_duration_since`, which builds
/// a duration in seconds). Day numbers fit in an i32, so their difference
/// never saturates.
#[inline]
fn days_between(later: NaiveDate, earlier: NaiveDate) -> i64 {
    i64::from(later.num_days_from_ce()).saturating_sub(i64::from(earlier.num_days_from_ce()))
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

    /// What it brought in by `as_of`, never more than its amount: what a
    /// written-off invoice counts as revenue (the rest is bad debt).
    pub(crate) fn collected_by(&self, as_of: NaiveDate) -> Decimal {
        self.paid_by(as_of).min(self.amount)
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

    /// Days from its due date to `as_of`: positive once past due, 0 on
    /// the due day, negative before it.
    #[inline]
    pub(crate) fn days_past_due(&self, as_of: NaiveDate) -> i64 {
        days_between(as_of, self.due)
    }

    /// Days late at `as_of` (0 when paid on time), for an invoice whose
    /// lateness is measured: it counts, has a positive amount, its export
    /// tells payment, and it fell due by `as_of`. `None` otherwise, and
    /// when its payment day is unknown (nothing owed, but no `paid` date:
    /// a `paid` status or a zero balance without a date cannot say whether
    /// it was late). Which period's invoices count is the caller's choice.
    pub(crate) fn days_late(&self, as_of: NaiveDate) -> Option<i64> {
        if !self.counts() || !positive(self.amount) || !self.payment_known() || self.due > as_of {
            return None;
        }
        match self.paid {
            Some(paid) if paid <= as_of => Some(days_between(paid, self.due).max(0)),
            // Paid after as-of: unpaid at as-of.
            Some(_) => Some(self.days_past_due(as_of).max(0)),
            None if positive(self.owed_at(as_of)) => Some(self.days_past_due(as_of).max(0)),
            None => None,
        }
    }

    /// Is it the kind of invoice receivables count: a counted one with a
    /// positive amount, whose export tells payment, not written off?
    pub(crate) fn is_receivable(&self) -> bool {
        self.counts()
            && self.payment_known()
            && positive(self.amount)
            && self.status != InvoiceStatus::BadDebt
    }

    /// What it adds to receivables at `as_of`: the amount owed then, when
    /// it is a receivable issued by `as_of` and something is owed.
    pub(crate) fn receivable_at(&self, as_of: NaiveDate) -> Option<Decimal> {
        if !self.is_receivable() || self.issued > as_of {
            return None;
        }
        let owed = self.owed_at(as_of);
        positive(owed).then_some(owed)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

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
    fn what_was_collected_is_at_most_the_amount() {
        let as_of = day("2026-10-31");
        // 300 paid of 1000: 300 collected, 700 lost if written off.
        let partial = with(|i| i.paid_amount = Some(Decimal::from(300)));
        assert_eq!(partial.collected_by(as_of), Decimal::from(300));
        // 1200 paid of 1000 (a surcharge, a typo): 1000, not 1200.
        let over = with(|i| i.paid_amount = Some(Decimal::from(1200)));
        assert_eq!(over.collected_by(as_of), Decimal::from(1000));
        // Paid in full the day after as-of: nothing yet.
        let later = with(|i| i.paid = Some(day("2026-11-01")));
        assert_eq!(later.collected_by(as_of), Decimal::ZERO);
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

    #[test]
    fn days_past_due_count_from_the_due_day() {
        let inv = invoice();
        // Due 2026-10-01: the day before −1, the due day 0.
        assert_eq!(inv.days_past_due(day("2026-09-30")), -1);
        assert_eq!(inv.days_past_due(day("2026-10-01")), 0);
        // October has 31 days: Oct 31 is 30 past due, Nov 1 is 31.
        assert_eq!(inv.days_past_due(day("2026-10-31")), 30);
        assert_eq!(inv.days_past_due(day("2026-11-01")), 31);
        // + November's 30: Dec 30 is 30 + 30 + 30 = 90, Dec 31 is 91.
        assert_eq!(inv.days_past_due(day("2026-12-30")), 90);
        assert_eq!(inv.days_past_due(day("2026-12-31")), 91);
    }

    #[test]
    fn days_late_by_payment_day_or_as_of() {
        let as_of = day("2026-10-31");
        let paid_on = |date: &str| with(|i| i.paid = Some(day(date)));
        // Paid Oct 5 on a due of Oct 1: 4 days late.
        assert_eq!(paid_on("2026-10-05").days_late(as_of), Some(4));
        // On the due day, or before it: on time.
        assert_eq!(paid_on("2026-10-01").days_late(as_of), Some(0));
        assert_eq!(paid_on("2026-09-20").days_late(as_of), Some(0));
        // Paid on as-of: 30 days late; the day after as-of: still unpaid
        // at as-of, so as late as as-of is past due, 30.
        assert_eq!(paid_on("2026-10-31").days_late(as_of), Some(30));
        assert_eq!(paid_on("2026-11-01").days_late(as_of), Some(30));
        // Unpaid: as-of − due.
        assert_eq!(invoice().days_late(as_of), Some(30));
        assert_eq!(invoice().days_late(day("2026-12-31")), Some(91));
        // Due today and unpaid: due, not late.
        assert_eq!(invoice().days_late(day("2026-10-01")), Some(0));
    }

    #[test]
    fn lateness_is_not_measured_where_it_cannot_be_known() {
        let as_of = day("2026-10-31");
        // Not yet due the day before the due date.
        assert_eq!(invoice().days_late(day("2026-09-30")), None);
        // Paid by status or balance but no date: was it late? unknown.
        let paid = with(|i| i.status = InvoiceStatus::Paid);
        assert_eq!(paid.days_late(as_of), None);
        let settled = with(|i| i.balance = Some(Decimal::ZERO));
        assert_eq!(settled.days_late(as_of), None);
        // A partial balance: still owed, so late by as-of − due = 30.
        let partial = with(|i| i.balance = Some(Decimal::from(400)));
        assert_eq!(partial.days_late(as_of), Some(30));
        let unknown = with(|i| i.status = InvoiceStatus::PaymentUnknown);
        assert_eq!(unknown.days_late(as_of), None);
        let void = with(|i| i.status = InvoiceStatus::Excluded);
        assert_eq!(void.days_late(as_of), None);
        let credit = with(|i| i.amount = Decimal::from(-50));
        assert_eq!(credit.days_late(as_of), None);
        let zero = with(|i| i.amount = Decimal::ZERO);
        assert_eq!(zero.days_late(as_of), None);
    }

    #[test]
    fn receivables_are_what_is_owed_on_invoices_that_tell_payment() {
        let as_of = day("2026-10-31");
        let thousand = Some(Decimal::from(1000));
        assert_eq!(invoice().receivable_at(as_of), thousand);
        // Paid the day before as-of: nothing owed; the day after: all of it.
        let paid_on = |date: &str| with(|i| i.paid = Some(day(date))).receivable_at(as_of);
        assert_eq!(paid_on("2026-10-30"), None);
        assert_eq!(paid_on("2026-11-01"), thousand);
        let balance = with(|i| i.balance = Some(Decimal::from(700)));
        assert_eq!(balance.receivable_at(as_of), Some(Decimal::from(700)));
        // Issued after as-of: not a receivable yet (issued Sep 1; as-of
        // Aug 31 is the day before).
        assert_eq!(invoice().receivable_at(day("2026-08-31")), None);
        assert_eq!(invoice().receivable_at(day("2026-09-01")), thousand);
        for status in [
            InvoiceStatus::BadDebt,
            InvoiceStatus::PaymentUnknown,
            InvoiceStatus::Excluded,
        ] {
            let inv = with(|i| i.status = status);
            assert!(!inv.is_receivable(), "{status:?}");
            assert_eq!(inv.receivable_at(as_of), None, "{status:?}");
        }
        let open = with(|i| i.status = InvoiceStatus::Open);
        assert_eq!(open.receivable_at(as_of), thousand);
        let credit = with(|i| i.amount = Decimal::from(-50));
        assert!(!credit.is_receivable());
    }

    proptest! {
        /// The days between two dates as a difference of day numbers are
        /// `signed_duration_since`'s, over dates from about 260,000 BCE to
        /// 260,000 CE (±95 million days).
        #[test]
        fn days_between_matches_signed_duration_since(
            later in -95_000_000i32..95_000_000,
            earlier in -95_000_000i32..95_000_000,
        ) {
            let date = |n: i32| NaiveDate::from_num_days_from_ce_opt(n);
            if let (Some(later), Some(earlier)) = (date(later), date(earlier)) {
                prop_assert_eq!(
                    days_between(later, earlier),
                    later.signed_duration_since(earlier).num_days()
                );
            }
        }
    }
}
