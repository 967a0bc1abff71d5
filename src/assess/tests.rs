//! Unit tests of `assess`.

use super::*;

#[test]
fn remembered_threshold_decimals_are_the_conversions() {
    let direct = |v: f64| Decimal::from_f64_retain(v).map_or(Decimal::ZERO, |d| d.round_dp(10));
    // More distinct values than are remembered, repeats, and values
    // that are no decimal at all.
    let values = [
        0.15,
        0.5,
        0.15,
        0.1 + 0.2,
        1e-12,
        0.5,
        3.0,
        0.25,
        0.15,
        f64::NAN,
        -0.0,
        0.0,
        f64::INFINITY,
        0.15,
    ];
    for _ in 0..3 {
        for value in values {
            assert_eq!(decimal(value), direct(value), "{value}");
        }
    }
}

proptest::proptest! {
    /// Amounts in messages read as every table prints them: the
    /// rounded amount, grouped in thousands.
    #[test]
    fn money_is_the_decimal_to_the_cent(mantissa in proptest::prelude::any::<i64>(), wide in proptest::prelude::any::<i32>(), scale in 0u32..12) {
        for value in [
            Decimal::new(mantissa, scale),
            Decimal::from_i128_with_scale(i128::from(mantissa) * i128::from(wide), scale),
        ] {
            proptest::prop_assert_eq!(
                money(value).to_string(),
                crate::numbers::grouped(value)
            );
        }
    }
}

#[test]
fn money_in_messages_groups_thousands() {
    assert_eq!(money(Decimal::new(17154470, 2)).to_string(), "171,544.70");
    assert_eq!(money(Decimal::new(-222017, 2)).to_string(), "-2,220.17");
    assert_eq!(money(Decimal::new(99999, 2)).to_string(), "999.99");
    assert_eq!(money(Decimal::new(-1, 3)).to_string(), "0.00");
    assert_eq!(
        format!("[{:>10}]", money(Decimal::new(123456, 2))),
        "[  1,234.56]"
    );
}

#[test]
fn percentages_never_print_equal_when_they_differ() {
    assert_eq!(
        percents(0.149915, 0.15),
        ("14.99%".to_string(), "15.00%".to_string())
    );
    assert_eq!(
        percents(0.75, 0.30),
        ("75.0%".to_string(), "30.0%".to_string())
    );
    assert_eq!(
        percents(0.30, 0.30),
        ("30.0%".to_string(), "30.0%".to_string())
    );
}

#[test]
fn verdicts_order_worst_first() {
    assert!(Verdict::Fire.at_least_as_bad_as(Verdict::Refer));
    assert!(Verdict::Refer.at_least_as_bad_as(Verdict::Refer));
    assert!(!Verdict::Keep.at_least_as_bad_as(Verdict::Restructure));
}

#[test]
fn an_amount_short_of_its_target_never_prints_equal_to_it() {
    // 799.99 over 10 hours = 79.999 an hour against a target of 80.
    let (measured, target) = short_of(Decimal::new(79_999, 3), Decimal::from(80));
    assert_eq!((measured.as_str(), target.as_str()), ("79.999", "80.000"));
    // Cut toward zero, never rounded up to the target: 79.9999996.
    let (measured, target) = short_of(Decimal::new(799_999_996, 7), Decimal::from(80));
    assert_eq!((measured.as_str(), target.as_str()), ("79.999", "80.000"));
    // A target with more places than cents: 80.0004 against 80.0005.
    let (measured, target) = short_of(Decimal::new(800_004, 4), Decimal::new(800_005, 4));
    assert_eq!((measured.as_str(), target.as_str()), ("80.0004", "80.0005"));
    // Apart to the cent: as money prints them, grouped.
    let (measured, target) = short_of(Decimal::new(123_456, 2), Decimal::from(1_500));
    assert_eq!(
        (measured.as_str(), target.as_str()),
        ("1,234.56", "1,500.00")
    );
}
