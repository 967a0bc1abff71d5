//! Unit tests of `aggregate`.

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
    let mut activity = Activity::new(bounds, crate::model::RateCard::default());
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
