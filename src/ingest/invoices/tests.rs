//! Unit tests of `invoices`.

use super::*;
use crate::model::ClientId;

fn line(amount: Decimal) -> Invoice {
    let day = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
    Invoice {
        client: ClientId(0),
        index: 0,
        issued: day,
        due: day,
        paid: None,
        amount,
        paid_amount: None,
        balance: None,
        status: InvoiceStatus::Open,
        discount: Decimal::ZERO,
        origin: Origin { file: 0, line: 2 },
    }
}

#[test]
fn paid_amounts_and_balances_lie_between_zero_and_the_amount() {
    let with = |amount: i64, paid: Option<i64>, balance: Option<i64>| Invoice {
        paid_amount: paid.map(Decimal::from),
        balance: balance.map(Decimal::from),
        ..line(Decimal::from(amount))
    };
    // The edges are in: nothing or everything paid or owed.
    for (paid, balance) in [(Some(0), None), (Some(100), Some(0)), (None, Some(100))] {
        assert_eq!(payment_out_of_range(&with(100, paid, balance)), None);
    }
    // −50 paid on 100 (150 owed), a balance of 500 or of −20.
    let problem = payment_out_of_range(&with(100, Some(-50), None)).unwrap();
    assert_eq!(
        (problem.field, problem.value),
        ("paid_amount", Decimal::from(-50))
    );
    assert_eq!(
        payment_out_of_range(&with(100, None, Some(500))).map(|p| p.field),
        Some("balance")
    );
    assert!(payment_out_of_range(&with(100, None, Some(-20))).is_some());
    // A credit note mirrors the range.
    assert_eq!(
        payment_out_of_range(&with(-100, Some(-40), Some(-60))),
        None
    );
    let problem = payment_out_of_range(&with(-100, None, Some(-150))).unwrap();
    assert!(
        problem.problem().contains("outside -100..0"),
        "{}",
        problem.problem()
    );
    assert!(payment_out_of_range(&with(-100, Some(10), None)).is_some());
    // An invoice of 0 can have nothing paid or owed.
    assert!(payment_out_of_range(&with(0, None, Some(1))).is_some());
}

#[test]
fn lines_add_up_or_say_they_are_too_large() {
    let mut earlier = line(Decimal::from(100));
    assert_eq!(
        combine(&mut earlier, &line(Decimal::new(2550, 2)), true),
        Ok(())
    );
    assert_eq!(earlier.amount, Decimal::new(12550, 2));
    // Past Decimal's range (7.9 × 10^28; about 10^14 rows at the 10^15
    // cell limit) the sum used to panic ("Addition overflowed").
    let mut earlier = line(Decimal::MAX);
    assert_eq!(
        combine(&mut earlier, &line(Decimal::ONE), true),
        Err(Clash::TooLarge("amount"))
    );
    assert_eq!(earlier.amount, Decimal::MAX);
}
