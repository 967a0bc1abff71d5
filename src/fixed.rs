//! An `f64` with a fixed number of decimals, exactly as `format!("{:.N}")`
//! writes it, without its cost in the usual case.
//!
//! The standard library works from the exact binary value of the number
//! (Grisu, then Dragon4 when Grisu cannot decide: big-number arithmetic).
//! Judging formats a few shares for every client, so that cost counts.
//! Here the number is scaled by a power of ten
//! in `f64` and rounded, which is right whenever the scaled number is not
//! within its own rounding error of a tie (x.5); those few, and anything
//! unusual (more than six decimals, huge, not finite), are left to the
//! standard library. A property test compares the two.
//!
//! Layer: the lowest; imports nothing of the crate.

use std::fmt;

/// `value` written with `decimals` decimals, rounded as `{:.N}` rounds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fixed(pub f64, pub usize);

/// Powers of ten as `f64` literals, each exact.
const POWERS: [f64; 7] = [1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6];
const INTEGER_POWERS: [u64; 7] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

/// Scaled values from here on are left to the standard library (their
/// rounding error approaches a unit).
const LARGEST_SCALED: f64 = 1e15;

/// `|value| × 10^decimals` rounded to the nearest integer, when the `f64`
/// product settles it.
fn rounded_units(value: f64, decimals: usize) -> Option<u64> {
    let scale = *POWERS.get(decimals)?;
    let scaled = value.abs() * scale;
    if scaled.is_nan() || scaled >= LARGEST_SCALED {
        return None;
    }
    // The product is within half a unit in the last place of the exact
    // one, at most `scaled × 2^-53`; allow twice that.
    let error = scaled * f64::EPSILON;
    let whole = scaled.floor();
    // Exact: `scaled` and `whole` are within 1 of each other, below 2^53.
    let fraction = scaled - whole;
    if (fraction - 0.5).abs() <= error {
        return None;
    }
    let units = if fraction > 0.5 { whole + 1.0 } else { whole };
    // Cannot truncate: a whole number below 10^15 + 1.
    Some(units as u64)
}

/// The ASCII digit of the units of `number` (below 10: the sum stays a digit).
fn digit(number: u64) -> u8 {
    b'0'.saturating_add((number % 10) as u8)
}

/// Room for a sign, 15 digits, a point and 6 decimals.
type Text = [u8; 32];

/// The text of `value` with `decimals` decimals at the end of `text`, and
/// where it starts; `None` when the standard library must write it.
fn quick_text(value: f64, decimals: usize, text: &mut Text) -> Option<usize> {
    let units = rounded_units(value, decimals)?;
    let scale = *INTEGER_POWERS.get(decimals)?;
    let (mut whole, mut fraction) = (units.checked_div(scale)?, units.checked_rem(scale)?);
    // Written from the end backwards.
    let mut at = text.len();
    let mut put = |byte: u8| {
        at = at.checked_sub(1)?;
        *text.get_mut(at)? = byte;
        Some(())
    };
    if decimals > 0 {
        for _ in 0..decimals {
            put(digit(fraction))?;
            fraction /= 10;
        }
        put(b'.')?;
    }
    loop {
        put(digit(whole))?;
        whole /= 10;
        if whole == 0 {
            break;
        }
    }
    // Like `{:.N}`: a minus sign for every negative number, even one that
    // rounds to zero, and for negative zero.
    if value.is_sign_negative() {
        put(b'-')?;
    }
    Some(at)
}

impl Fixed {
    /// The quick text, in `text`; `None` when the standard library must
    /// write it.
    fn quick(self, text: &mut Text) -> Option<&str> {
        let at = quick_text(self.0, self.1, text)?;
        std::str::from_utf8(text.get(at..)?).ok()
    }

    /// Append the text to `out`.
    pub(crate) fn push_to(self, out: &mut String) {
        let mut text: Text = [0; 32];
        match self.quick(&mut text) {
            Some(quick) => out.push_str(quick),
            None => {
                use std::fmt::Write as _;
                // Writing to a String cannot fail.
                let _ = write!(out, "{:.*}", self.1, self.0);
            }
        }
    }
}

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text: Text = [0; 32];
        match self.quick(&mut text) {
            Some(quick) => f.pad(quick),
            None => write!(f, "{:.*}", self.1, self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn std_text(value: f64, decimals: usize) -> String {
        format!("{value:.decimals$}")
    }

    #[test]
    fn the_usual_numbers_and_the_edges() {
        for value in [
            0.0,
            -0.0,
            0.04,
            -0.04,
            0.05,
            0.15,
            0.25,
            0.35,
            2.5,
            3.5,
            1.005,
            99.95,
            14.999,
            15.0,
            100.0,
            1e14,
            1e15,
            1e300,
            -1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            5e-324,
        ] {
            for decimals in 0..=8 {
                let expected = std_text(value, decimals);
                assert_eq!(
                    Fixed(value, decimals).to_string(),
                    expected,
                    "{value:?} with {decimals}"
                );
                let mut pushed = String::from("x");
                Fixed(value, decimals).push_to(&mut pushed);
                assert_eq!(pushed, format!("x{expected}"));
            }
        }
        // The usual case takes the quick path.
        assert_eq!(rounded_units(0.153, 1), Some(2));
        assert_eq!(rounded_units(14.99, 1), Some(150));
        // A tie (0.25 is exact in binary) is left to the standard library.
        assert_eq!(rounded_units(0.25, 1), None);
    }

    proptest! {
        #[test]
        fn writes_what_the_standard_library_writes(
            value in prop_oneof![
                -1e4..1e4f64,
                -2.0..2.0f64,
                any::<f64>(),
                // Near ties: k + 1/2 units, nudged by a few ulps.
                (-200_000i64..200_000, 0usize..=6, -4i64..=4).prop_map(|(k, d, nudge)| {
                    let tie = (k as f64 + 0.5) / POWERS[d];
                    f64::from_bits((tie.to_bits() as i64 + nudge) as u64)
                }),
            ],
            decimals in 0usize..=7,
        ) {
            let expected = std_text(value, decimals);
            prop_assert_eq!(Fixed(value, decimals).to_string(), expected.clone());
            let mut pushed = String::new();
            Fixed(value, decimals).push_to(&mut pushed);
            prop_assert_eq!(pushed, expected);
        }
    }
}
