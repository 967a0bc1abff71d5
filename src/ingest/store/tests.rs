//! Unit tests of `store`.

use super::*;

fn invoice(amount: Decimal) -> Invoice {
    Invoice {
        client: ClientId(7),
        index: 0,
        issued: NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
        due: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        paid: NaiveDate::from_ymd_opt(2026, 10, 3),
        amount,
        paid_amount: None,
        balance: None,
        status: InvoiceStatus::BadDebt,
        discount: Decimal::ZERO,
        origin: Origin { file: 3, line: 42 },
    }
}

#[test]
fn a_record_takes_36_bytes() {
    assert_eq!(std::mem::size_of::<Packed>(), 36);
}

#[test]
fn invoices_read_back_as_stored() {
    let mut store = InvoiceStore::default();
    let plain = invoice(Decimal::new(-123_456, 2));
    let huge = Invoice {
        amount: Decimal::from_i128_with_scale(10i128.pow(20) + 1, 4),
        discount: Decimal::new(5, 1),
        balance: Some(Decimal::from(3)),
        paid_amount: Some(Decimal::ZERO),
        origin: Origin {
            file: 1,
            line: u64::from(u32::MAX) + 9,
        },
        status: InvoiceStatus::Paid,
        ..invoice(Decimal::ZERO)
    };
    assert_eq!(store.push(&plain, Some("INV-1"), None), Ok(0));
    assert_eq!(store.push(&huge, None, None), Ok(1));
    let long_id = "x".repeat(300);
    assert_eq!(store.push(&plain, Some(&long_id), None), Ok(2));
    assert_eq!(store.get(0), Some(plain.clone()));
    assert_eq!(store.get(1), Some(Invoice { index: 1, ..huge }));
    assert_eq!(store.find("INV-1"), Some(0));
    assert_eq!(store.find(&long_id), Some(2));
    assert_eq!(store.find("INV-2"), None);
    let back = store.get(2).unwrap();
    assert_eq!(store.id(&back), Some(long_id.as_str()));
    assert_eq!(store.id(&store.get(1).unwrap()), None);
}

#[test]
fn rates_apply_when_read_and_overwrites_drop_extras() {
    let mut store = InvoiceStore::default();
    let eur = store
        .currency_index("EUR", Origin { file: 0, line: 1 })
        .unwrap();
    let with_discount = Invoice {
        discount: Decimal::from(10),
        ..invoice(Decimal::from(100))
    };
    store.push(&with_discount, Some("A"), Some(eur)).unwrap();
    store.set_rate(usize::from(eur), Decimal::new(108, 2));
    let read = store.get(0).unwrap();
    // 100 × 1.08 = 108; 10 × 1.08 = 10.8
    assert_eq!(read.amount, Decimal::new(10800, 2));
    assert_eq!(read.discount, Decimal::new(1080, 2));
    assert_eq!(store.get_as_written(0).unwrap().amount, Decimal::from(100));
    store.set(0, &invoice(Decimal::from(5)), Some(eur)).unwrap();
    assert_eq!(store.get_as_written(0).unwrap().discount, Decimal::ZERO);
    assert!(store.extras.is_empty());
    assert_eq!(store.find("A"), Some(0));
}

#[test]
fn large_is_ten_to_the_nineteenth() {
    assert_eq!(LARGE, Decimal::from(10u64.pow(19)));
    assert_eq!(LARGE_RATE, Decimal::from(10u64.pow(9)));
}

#[test]
fn amounts_that_convert_or_subtract_out_of_range_are_found() {
    // The lines of one invoice add up past 10^22 (about 10^7 rows at
    // the 10^15 cell limit); at a rate of 10^6 that is past Decimal's
    // range, and reading it back used to saturate to Decimal::MAX.
    let mut store = InvoiceStore::default();
    let eur = store
        .currency_index("EUR", Origin { file: 0, line: 1 })
        .unwrap();
    store
        .push(&invoice(Decimal::from(100)), None, None)
        .unwrap();
    let combined = Invoice {
        origin: Origin { file: 2, line: 9 },
        ..invoice(Decimal::from_i128_with_scale(10i128.pow(23), 0))
    };
    store.push(&combined, None, Some(eur)).unwrap();
    assert_eq!(store.first_out_of_range(), None);
    store.set_rate(usize::from(eur), Decimal::from(1_000_000));
    assert_eq!(store.get(1).unwrap().amount, Decimal::MAX);
    assert_eq!(
        store.first_out_of_range(),
        Some(Origin { file: 2, line: 9 })
    );

    // In the base currency: amount − balance, which `paid_by` computes
    // without a paid date, used to panic ("Subtraction overflowed").
    let mut store = InvoiceStore::default();
    let owing = Invoice {
        paid: None,
        balance: Some(Decimal::from(-1)),
        ..invoice(Decimal::MAX)
    };
    store.push(&owing, None, None).unwrap();
    assert_eq!(
        store.first_out_of_range(),
        Some(Origin { file: 3, line: 42 })
    );
    // With a paid date nothing is subtracted, so it reads fine.
    let paid = Invoice {
        paid: NaiveDate::from_ymd_opt(2026, 10, 3),
        ..owing
    };
    store.set(0, &paid, None).unwrap();
    assert_eq!(store.first_out_of_range(), None);
    let as_of = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    assert_eq!(store.get(0).unwrap().owed_at(as_of), Decimal::ZERO);
}
