//! Number helpers every layer shares: amounts rounded to cents, exact
//! ratios as `f64`, thousands grouping, and the text of an amount in
//! cents written without allocating.
//!
//! Layer: the lowest; must not import any other module of the crate.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

/// Money rounded half-even to cents, with exactly two decimals.
pub(crate) fn cents(value: Decimal) -> Decimal {
    // Sums of cents are cents already, and zeros and whole amounts need only
    // places added: rounding would give the same, at some cost for every
    // figure of every client.
    if value.is_zero() {
        // "-0.00" reads as a loss that is not there.
        return Decimal::new(0, 2);
    }
    match value.scale() {
        2 => value,
        // Fewer places: only zeros to add, exactly.
        0 | 1 => {
            let mut more_places = value;
            more_places.rescale(2);
            more_places
        }
        _ => cents_by_rounding(value),
    }
}

/// `cents` without its shortcut.
fn cents_by_rounding(value: Decimal) -> Decimal {
    let mut rounded = value.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven);
    rounded.rescale(2);
    // "-0.00" reads as a loss that is not there.
    if rounded.is_zero() {
        rounded.set_sign_positive(true);
    }
    rounded
}

/// An exact quotient as `f64`, for shares and averages.
pub(crate) fn ratio_of(numerator: Decimal, denominator: Decimal) -> f64 {
    if denominator.is_zero() {
        return 0.0;
    }
    numerator
        .checked_div(denominator)
        .and_then(|q| q.to_f64())
        .unwrap_or(0.0)
}

/// Round a ratio for output so tiny float noise never shows.
pub(crate) fn round_to(value: f64, decimals: i32) -> f64 {
    let factor = 10f64.powi(decimals);
    let rounded = (value * factor).round() / factor;
    if rounded == 0.0 { 0.0 } else { rounded }
}

/// `1234567.5` → `1,234,567.50`.
pub fn grouped(value: Decimal) -> String {
    group_thousands(&cents(value).to_string())
}

/// `value` with exactly `places` decimals (rounded as `Decimal` displays
/// them), in thousands: `grouped_to(79.999, 3)` → `79.999`.
pub(crate) fn grouped_to(value: Decimal, places: u32) -> String {
    group_thousands(&format!("{:.*}", places as usize, value))
}

/// A plain decimal text (`-1234567.50`) with its whole part grouped in
/// thousands; `.00` when it has no fraction.
fn group_thousands(text: &str) -> String {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (integer, fraction) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut out = String::with_capacity(text.len().saturating_add(integer.len() / 3));
    for (index, ch) in integer.chars().enumerate() {
        // `index` counts characters, never more than the bytes of `len`.
        if index > 0 && integer.len().saturating_sub(index) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{sign}{out}.{fraction}")
}

/// `value` rounded to cents (`cents`), as the text of the number handed to
/// `use_text` (ASCII, e.g. `-1234.50`): written on the stack, except for
/// amounts too large for that.
pub(crate) fn with_cents_text<R>(value: Decimal, use_text: impl FnOnce(&[u8]) -> R) -> R {
    let rounded = cents(value);
    let mut buffer = [0u8; CENTS_TEXT];
    match two_decimals(rounded, &mut buffer) {
        Some(text) => use_text(text),
        // Beyond 10^26 cents cannot be rescaled to two places.
        None => use_text(rounded.to_string().as_bytes()),
    }
}

/// Room for an amount of 64-bit cents: a sign, at most 18 whole digits
/// (1.8 × 10^17 units), a point and two digits.
pub(crate) const CENTS_TEXT: usize = 24;

/// `value` as `Decimal::to_string` writes it when its scale is 2, e.g.
/// `-1234.50`, `0.05`, written into `buffer` with no formatting machinery
/// and no allocation; `None` at another scale or beyond 1.8 × 10^17 cents.
pub(crate) fn two_decimals(value: Decimal, buffer: &mut [u8; CENTS_TEXT]) -> Option<&[u8]> {
    if value.scale() != 2 {
        return None;
    }
    let mantissa = value.mantissa();
    let magnitude = u64::try_from(mantissa.unsigned_abs()).ok()?;
    let length = write_cents(buffer, mantissa < 0, magnitude);
    buffer.get(..length)
}

/// Write `magnitude` cents (`-` first when `negative`) from the start of
/// `buffer`, digit by digit; the text's length. No slice of unknown
/// length is copied: with glibc's AVX-512 variants the `memcpy` calls that
/// makes (three for each of some twenty amounts a client) cost more than
/// the rest of writing an amount.
pub(crate) fn write_cents(buffer: &mut [u8; CENTS_TEXT], negative: bool, magnitude: u64) -> usize {
    // A sign, at most 18 digits of whole units, a point and two places:
    // every position below is inside the buffer, every sum small.
    let whole = magnitude / 100;
    let mut digits = 1usize;
    let mut rest = whole / 10;
    while rest > 0 {
        digits = digits.saturating_add(1);
        rest /= 10;
    }
    let mut put = |at: usize, byte: u8| {
        if let Some(slot) = buffer.get_mut(at) {
            *slot = byte;
        }
    };
    let sign = usize::from(negative);
    if negative {
        put(0, b'-');
    }
    let point = sign.saturating_add(digits);
    let mut rest = whole;
    for at in (sign..point).rev() {
        put(at, digit(rest));
        rest /= 10;
    }
    put(point, b'.');
    put(point.saturating_add(1), digit(magnitude / 10));
    put(point.saturating_add(2), digit(magnitude));
    point.saturating_add(3)
}

/// The ASCII digit of the units of `number` (below 10: the sum stays a digit).
fn digit(number: u64) -> u8 {
    b'0'.saturating_add((number % 10) as u8)
}

/// A setting's fraction (a margin, a share) as an exact decimal: 0.3 is
/// 0.3, not the binary fraction nearest it (ten places are kept).
pub(crate) fn exact_fraction(value: f64) -> Decimal {
    Decimal::from_f64_retain(value).map_or(Decimal::ZERO, |d| d.round_dp(10))
}

/// A share written as a percentage, as exact as it is: 0.58 → "58%",
/// 0.125 → "12.5%".
pub(crate) fn percent_text(share: Decimal) -> String {
    match share.checked_mul(Decimal::ONE_HUNDRED) {
        Some(percent) => format!("{}%", percent.normalize()),
        None => format!("{share} (as a fraction)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn cents_round_half_to_even() {
        assert_eq!(
            cents(Decimal::from_str("2.345").unwrap()).to_string(),
            "2.34"
        );
        assert_eq!(
            cents(Decimal::from_str("2.355").unwrap()).to_string(),
            "2.36"
        );
        assert_eq!(cents(Decimal::from_str("7").unwrap()).to_string(), "7.00");
        assert_eq!(
            cents(Decimal::from_str("-0.001").unwrap()).to_string(),
            "0.00"
        );
    }

    #[test]
    fn cents_already_are_their_own_rounding() {
        let mut values = vec![Decimal::ZERO, Decimal::NEGATIVE_ONE];
        for mantissa in [
            1i128,
            -1,
            5,
            99,
            12_345,
            -12_345,
            (1 << 95) - 1,
            -(1 << 95) + 1,
        ] {
            for scale in [0, 1, 2, 3, 28] {
                values.push(Decimal::from_i128_with_scale(mantissa, scale));
            }
        }
        let mut negative_zero = Decimal::new(0, 2);
        negative_zero.set_sign_negative(true);
        values.push(negative_zero);
        for value in values {
            let (fast, slow) = (cents(value), cents_by_rounding(value));
            assert_eq!(
                (fast.to_string(), fast.scale(), fast.is_sign_negative()),
                (slow.to_string(), slow.scale(), slow.is_sign_negative()),
                "{value:?}"
            );
        }
    }

    #[test]
    fn grouping_thousands() {
        assert_eq!(
            grouped(Decimal::from_str("1234567.5").unwrap()),
            "1,234,567.50"
        );
        assert_eq!(grouped(Decimal::from_str("-999.999").unwrap()), "-1,000.00");
        assert_eq!(grouped(Decimal::from_str("12").unwrap()), "12.00");
    }
}
