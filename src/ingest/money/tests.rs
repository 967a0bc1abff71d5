//! Unit tests of `money`.

use super::*;
use std::str::FromStr;

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn amount(text: &str) -> Decimal {
    parse_money(text, DecimalSeparator::Dot).unwrap().amount
}

#[test]
fn long_amounts_are_judged_by_their_significant_digits() {
    use std::str::FromStr;
    let dot = DecimalSeparator::Dot;
    let zeros = "0".repeat(42);
    // 12.5 followed by 42 zeros is 12.5, not "too large".
    assert_eq!(
        parse_money(&format!("12.5{zeros}"), dot).map(|m| m.amount),
        Ok(Decimal::from_str("12.5").unwrap())
    );
    assert_eq!(
        parse_money(&format!("{zeros}100.00"), dot).map(|m| m.amount),
        Ok(Decimal::from(100))
    );
    // 0.005 then 27 zeros and a 1: 32 significant digits would be
    // rounded by Decimal; refused instead of silently changed.
    assert_eq!(
        parse_money("0.0050000000000000000000000000001", dot),
        Err(MoneyProblem::TooPrecise)
    );
    assert_eq!(
        parse_money("99999999999999999", dot),
        Err(MoneyProblem::TooLarge)
    );
    // 28 significant digits are kept exactly.
    let exact = "123456789012.3456789012345678";
    assert_eq!(
        parse_money(exact, dot).map(|m| m.amount.to_string()),
        Ok(exact.to_string())
    );
}

#[test]
fn cells_bounded_by_digits_read_as_the_general_path_reads_them() {
    // Plain, grouped, odd and wrong middles, both separators.
    for separator in [DecimalSeparator::Dot, DecimalSeparator::Comma] {
        for text in [
            "0",
            "12",
            "12.5",
            "1,234.56",
            "1.234,56",
            "1 234",
            "12,5",
            "12 EUR 5",
            "1-2",
            "1..2",
            "007",
            "1000000000000000.01",
            "1'234'567.8",
            "9\u{a0}999",
        ] {
            assert_eq!(
                parse_money(text, separator),
                parse_money_general(text, separator),
                "{text} with {separator:?}"
            );
        }
    }
}

/// The previous `plain_digits`, checked at every digit: the oracle for
/// the one above. The common case, without building a string: digits, maybe one decimal
/// separator and more digits, at most 18 digits in all (so the mantissa
/// fits an `i64`). Anything else takes the general path.
fn plain_digits_checked_per_digit(text: &str, decimal_char: char) -> Option<Decimal> {
    let mut mantissa: i64 = 0;
    let mut digits = 0u32;
    let mut scale: Option<u32> = None;
    for byte in text.bytes() {
        if byte.is_ascii_digit() {
            // None of these can fail: at most 18 digits, so under 10^18.
            digits = digits.checked_add(1)?;
            if digits > 18 {
                return None;
            }
            let digit = char::from(byte).to_digit(10)?;
            mantissa = mantissa.checked_mul(10)?.checked_add(i64::from(digit))?;
            if let Some(scale) = &mut scale {
                *scale = scale.checked_add(1)?;
            }
        } else if char::from(byte) == decimal_char && scale.is_none() && digits > 0 {
            scale = Some(0);
        } else {
            return None;
        }
    }
    match scale {
        Some(0) => None,
        _ if digits == 0 => None,
        scale => Decimal::try_new(mantissa, scale.unwrap_or(0)).ok(),
    }
}

proptest::proptest! {
    /// The plain path gives what the checked one gave, value and
    /// scale, on text made of digits and separators (the only bytes
    /// it accepts) and on anything else.
    #[test]
    fn plain_digits_matches_the_checked_version(
        text in "[0-9.,]{0,22}|[0-9]{0,20}[.,][0-9]{0,20}|[0-9]{17,20}|[0-9]{1,19}[.,][0-9]{1,19}|.{0,8}",
        comma in proptest::bool::ANY,
    ) {
        let separator = if comma { ',' } else { '.' };
        let plain = plain_digits(&text, separator);
        let checked = plain_digits_checked_per_digit(&text, separator);
        proptest::prop_assert_eq!(plain.map(|d| (d, d.scale())), checked.map(|d| (d, d.scale())));
    }
}

#[test]
fn the_fast_path_agrees_with_the_general_one() {
    use std::str::FromStr;
    for text in [
        "0",
        "12",
        "12.5",
        "007.10",
        "999999999999999.99",
        "123456789012345678",
    ] {
        let fast = plain_digits(text, '.').unwrap();
        let general = Decimal::from_str(text).unwrap();
        assert_eq!((fast, fast.scale()), (general, general.scale()), "{text}");
    }
    // Not plain: left to the general path, which knows the errors.
    for text in [
        "1.",
        ".5",
        "1.2.3",
        "1,000",
        "-5",
        "",
        "1234567890123456789",
    ] {
        assert_eq!(plain_digits(text, '.'), None, "{text}");
    }
    assert_eq!(plain_digits("12,5", ','), Some(Decimal::new(125, 1)));
    assert_eq!(
        parse_money("1000000000000000.01", DecimalSeparator::Dot),
        Err(MoneyProblem::TooLarge)
    );
}

#[test]
fn plain_and_grouped_amounts() {
    assert_eq!(amount("1234.5"), dec("1234.5"));
    assert_eq!(amount("1,234.56"), dec("1234.56"));
    assert_eq!(amount("1,234,567"), dec("1234567"));
    assert_eq!(amount("-12.00"), dec("-12.00"));
    assert_eq!(amount("(12.00)"), dec("-12.00"));
    assert_eq!(amount("+7"), dec("7"));
    assert_eq!(amount("0.1"), dec("0.1"));
    assert_eq!(amount("1 234.56"), dec("1234.56"));
}

#[test]
fn currency_marks_are_reported() {
    let money = parse_money("$1,234.56", DecimalSeparator::Dot).unwrap();
    assert_eq!(money.amount, dec("1234.56"));
    assert_eq!(money.currency, Some(CurrencyMark::Dollar));
    let money = parse_money("1234.56 usd", DecimalSeparator::Dot).unwrap();
    assert_eq!(money.currency, Some(CurrencyMark::Code("USD".into())));
    let money = parse_money("EUR 1.234,56", DecimalSeparator::Comma).unwrap();
    assert_eq!(money.amount, dec("1234.56"));
    assert_eq!(money.currency, Some(CurrencyMark::Code("EUR".into())));
    let money = parse_money("-€5", DecimalSeparator::Dot).unwrap();
    assert_eq!(money.amount, dec("-5"));
    assert_eq!(
        parse_money("$-5", DecimalSeparator::Dot).unwrap().amount,
        dec("-5")
    );
}

#[test]
fn decimal_comma_files() {
    let parse = |t| parse_money(t, DecimalSeparator::Comma).map(|m| m.amount);
    assert_eq!(parse("1 234,56"), Ok(dec("1234.56")));
    assert_eq!(parse("1.234,56"), Ok(dec("1234.56")));
    assert_eq!(parse("980,00"), Ok(dec("980.00")));
    assert_eq!(parse("1.234"), Ok(dec("1234")));
}

#[test]
fn the_wrong_separator_is_named_not_guessed() {
    assert_eq!(
        parse_money("12,50", DecimalSeparator::Dot),
        Err(MoneyProblem::WrongSeparator(DecimalSeparator::Dot))
    );
    assert_eq!(
        parse_money("1.234,56", DecimalSeparator::Dot),
        Err(MoneyProblem::WrongSeparator(DecimalSeparator::Dot))
    );
    assert_eq!(
        parse_money("1,234.56", DecimalSeparator::Comma),
        Err(MoneyProblem::WrongSeparator(DecimalSeparator::Comma))
    );
}

#[test]
fn garbage_is_not_an_amount() {
    for text in [
        "",
        "-",
        "abc",
        "12..5",
        "1,23,456",
        "1e5",
        "--5",
        "(-5)",
        "12.",
        "$",
        "1,2345",
        "USD 5 EUR",
        "5 -",
    ] {
        assert!(
            parse_money(text, DecimalSeparator::Dot).is_err(),
            "{text:?}"
        );
    }
}

#[test]
fn huge_amounts_are_errors_not_wraps() {
    assert_eq!(
        parse_money("99999999999999999999999999999999", DecimalSeparator::Dot),
        Err(MoneyProblem::TooLarge)
    );
    assert_eq!(
        parse_money("1000000000000001", DecimalSeparator::Dot),
        Err(MoneyProblem::TooLarge)
    );
    assert_eq!(amount("1000000000000000"), dec("1000000000000000"));
}

#[test]
fn currency_codes_are_three_letters() {
    assert!(check_currency_code("USD").is_ok());
    assert!(check_currency_code("US").is_err());
    assert!(check_currency_code("U$D").is_err());
}
