//! Exact sums that never overflow silently: counts saturate (no run could
//! reach 2^64 rows), money adds with a check and says when it would not
//! fit, and per-client sums grow as new clients appear.

use super::*;

/// A count grows by one per row. 2^64 rows cannot be read in any time a
/// run could take (584 years at a billion rows a second), so saturating is
/// never reached; it only keeps the arithmetic free of panics.
pub(super) fn count(total: &mut u64, by: u64) {
    *total = total.saturating_add(by);
}

/// `total += value`, or `false` when the sum leaves Decimal's range (about
/// 7.9 × 10^28): then the caller reports an error, never a wrong figure.
#[must_use]
#[inline]
pub(super) fn add(total: &mut Decimal, value: Decimal) -> bool {
    // The usual sum, cents to cents or whole minutes to whole minutes, is a
    // plain integer addition: the same value and scale `checked_add` gives,
    // at a fraction of its cost (it is on every row). A zero sum takes the
    // general path, which settles the sign of zero.
    // Adding a (positive) zero at no finer scale changes nothing: the
    // usual discount, and tickets' blank minutes. To a zero total, only at
    // the same scale: `checked_add` gives a zero at the value's scale (so
    // a client with no discount yet, the usual case, is not a general
    // sum on every invoice).
    let (total_scale, value_scale) = (total.scale(), value.scale());
    if value.is_zero()
        && !value.is_sign_negative()
        && !total.is_sign_negative()
        && value_scale <= total_scale
        && (!total.is_zero() || value_scale == total_scale)
    {
        return true;
    }
    // At equal scales, mantissas of up to 96 bits add exactly in an i128;
    // a sum beyond 96 bits is rounded by `checked_add`, below.
    if total_scale == value_scale {
        let sum = total.mantissa().saturating_add(value.mantissa());
        if sum != 0
            && let Ok(sum) = Decimal::try_from_i128_with_scale(sum, total_scale)
        {
            *total = sum;
            return true;
        }
    }
    add_rescaled(total, value)
}

/// `add` for what its quick paths leave: unequal scales, zero sums and
/// sums beyond 96 bits. A function of its own, so that the quick paths,
/// inlined where each sum is made, need none of its registers.
#[must_use]
#[inline(never)]
pub(super) fn add_rescaled(total: &mut Decimal, value: Decimal) -> bool {
    let (total_scale, value_scale) = (total.scale(), value.scale());
    // Unequal scales are the usual sum too when amounts in other
    // currencies are converted (cents × a rate with two decimals: scale 4,
    // added to plain cents): the one with fewer decimals is brought to the
    // other's scale, as `checked_add` does (but a zero added to or added
    // to keeps the other's scale there: that sum takes the general path).
    let scale = total_scale.max(value_scale);
    if total_scale != value_scale
        && let (Ok(a), Ok(b)) = (
            i64::try_from(total.mantissa()),
            i64::try_from(value.mantissa()),
        )
        && a != 0
        && b != 0
        && let Some(a) = to_scale(a, scale.saturating_sub(total_scale))
        && let Some(b) = to_scale(b, scale.saturating_sub(value_scale))
        && let Some(sum) = a.checked_add(b)
        && sum != 0
        && let Ok(sum) = Decimal::try_from_i128_with_scale(i128::from(sum), scale)
    {
        *total = sum;
        return true;
    }
    match total.checked_add(value) {
        Some(sum) => {
            *total = sum;
            true
        }
        None => false,
    }
}

/// `mantissa × 10^more`, when it fits in an i64.
pub(super) fn to_scale(mantissa: i64, more: u32) -> Option<i64> {
    match more {
        0 => Some(mantissa),
        _ => 10i64.checked_pow(more)?.checked_mul(mantissa),
    }
}

/// A client's entry in per-client sums, added (empty) when new.
pub(super) fn slot<T: Default>(sums: &mut Vec<T>, client: ClientId) -> &mut T {
    let index = client.index();
    if index >= sums.len() {
        sums.resize_with(index.saturating_add(1), T::default);
    }
    // Cannot panic: the vector was just grown to hold `index`.
    #[allow(clippy::indexing_slicing)]
    &mut sums[index]
}
