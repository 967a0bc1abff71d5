//! The order and selection of the report's clients: a total order for
//! every sort key, and which rows `--owner`, `--verdict` and `--top` show.
//!
//! Report values only: must not import render or commands.

use super::*;

/// Sort with a total order: every key ends with the client key and name,
/// so equal figures never leave the order to chance.
/// Sort clients by `key`, then by key and name. Sorts positions and then
/// moves each report once: a report is several hundred bytes, and moving
/// them at every step of the sort cost more than comparing them. The
/// figures compared are copied side by side first: reaching into the
/// reports at every comparison is a cache miss each time.
pub(crate) fn sort(clients: &mut [ClientReport], key: SortKey) {
    // Only the amount the key compares is copied: this is where a run with
    // many clients peaks in memory.
    let amount_of = |client: &ClientReport| match key {
        SortKey::Revenue => client.metrics.revenue,
        SortKey::Profit | SortKey::Risk | SortKey::Margin | SortKey::Name => client.metrics.profit,
    };
    let figures: Vec<SortFigures> = {
        let scaled = at_common_scale(clients.iter().map(amount_of));
        clients
            .iter()
            .enumerate()
            .map(|(index, client)| SortFigures {
                amount: scaled_or_exact(&scaled, index, amount_of(client)),
                margin: client.metrics.margin,
                verdict: client.assessment.verdict,
                severe_flags: client.assessment.severe_flags(),
            })
            .collect()
    };
    let mut order: Vec<usize> = (0..clients.len()).collect();
    {
        let reports: &[ClientReport] = clients;
        order.sort_by(|a, b| {
            match (figures.get(*a), figures.get(*b)) {
                (Some(fa), Some(fb)) => compare_figures(fa, fb, key),
                _ => std::cmp::Ordering::Equal,
            }
            .then_with(|| match (reports.get(*a), reports.get(*b)) {
                (Some(a), Some(b)) => by_name(a, b),
                _ => std::cmp::Ordering::Equal,
            })
        });
    }
    // Put each report in place by following the permutation's cycles:
    // swaps, so the reports are never held twice.
    const DONE: usize = usize::MAX;
    for start in 0..order.len() {
        if order.get(start) == Some(&DONE) {
            continue;
        }
        let mut at = start;
        // `order` is a permutation of the reports' places: every `at` is one.
        while let Some(slot) = order.get_mut(at) {
            // `order[at]` is where the report that belongs at `at` is now.
            let from = std::mem::replace(slot, DONE);
            if from == start || from == DONE {
                break;
            }
            clients.swap(at, from);
            at = from;
        }
    }
}

/// What the sort keys compare, but the names. `amount` is the revenue
/// when sorting by revenue, else the profit.
pub(super) struct SortFigures {
    amount: Amount,
    margin: Option<f64>,
    verdict: Verdict,
    severe_flags: usize,
}

/// An amount as compared in a sort: the mantissa at the largest scale of
/// its column, when every amount of the column fits (comparing Decimals of
/// different scales rescales them, at every comparison), else the Decimal.
/// A column is all one or all the other.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Amount {
    Scaled(i128),
    Exact(Decimal),
}

/// Each value's mantissa at the values' largest scale, if all fit.
pub(super) fn at_common_scale(values: impl Iterator<Item = Decimal> + Clone) -> Option<Vec<i128>> {
    let scale = values.clone().map(|value| value.scale()).max().unwrap_or(0);
    values
        .map(|value| {
            let factor = 10i128.checked_pow(scale.checked_sub(value.scale())?)?;
            value.mantissa().checked_mul(factor)
        })
        .collect()
}

pub(super) fn scaled_or_exact(scaled: &Option<Vec<i128>>, index: usize, value: Decimal) -> Amount {
    match scaled.as_ref().and_then(|all| all.get(index)) {
        Some(mantissa) => Amount::Scaled(*mantissa),
        None => Amount::Exact(value),
    }
}

pub(super) fn by_name(a: &ClientReport, b: &ClientReport) -> std::cmp::Ordering {
    a.key.cmp(&b.key).then_with(|| a.name.cmp(&b.name))
}

pub(super) fn compare_figures(
    a: &SortFigures,
    b: &SortFigures,
    key: SortKey,
) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let float_desc = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => b.total_cmp(&a),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    match key {
        SortKey::Profit => b.amount.cmp(&a.amount),
        SortKey::Margin => float_desc(a.margin, b.margin),
        SortKey::Revenue => b.amount.cmp(&a.amount),
        SortKey::Risk => a
            .verdict
            .cmp(&b.verdict)
            .then_with(|| b.severe_flags.cmp(&a.severe_flags))
            .then_with(|| a.amount.cmp(&b.amount)),
        SortKey::Name => Ordering::Equal,
    }
}

/// An `--owner` that no client has is a typo, not an empty answer: an
/// empty report would exit 0 and so silence `--fail-on` in a cron job.
/// Owners compare as the filter does (trimmed, any case); `owners` are every
/// client's owner, whether or not the client was active in the period.
pub(crate) fn check_owner<'a>(
    owner: Option<&str>,
    owners: impl Iterator<Item = Option<&'a str>>,
) -> Result<(), crate::error::UsageError> {
    let Some(wanted) = owner else {
        return Ok(());
    };
    let wanted_key = wanted.trim().to_lowercase();
    let mut known: Vec<&str> = Vec::new();
    for owner in owners.flatten() {
        let owner = owner.trim();
        if owner.to_lowercase() == wanted_key {
            return Ok(());
        }
        if !owner.is_empty() {
            known.push(owner);
        }
    }
    known.sort_by_key(|o| o.to_lowercase());
    known.dedup_by(|a, b| a.to_lowercase() == b.to_lowercase());
    let wanted = crate::safe::terminal(wanted);
    Err(crate::error::UsageError(if known.is_empty() {
        format!(
            "--owner {wanted:?}: no client has an owner (owners come from the owner column of clients.csv)"
        )
    } else {
        let names: Vec<String> = known.iter().map(|o| crate::safe::terminal(o)).collect();
        format!(
            "--owner {wanted:?}: no client has this owner; the owners are {}",
            names.join(", ")
        )
    }))
}

pub(super) fn select(clients: &[ClientReport], selection: &Selection) -> Vec<usize> {
    let owner = selection.owner.as_ref().map(|o| o.trim().to_lowercase());
    let mut shown: Vec<usize> = clients
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            selection.verdicts.is_empty() || selection.verdicts.contains(&c.assessment.verdict)
        })
        .filter(|(_, c)| match &owner {
            Some(owner) => c
                .owner
                .as_ref()
                .is_some_and(|o| o.trim().to_lowercase() == *owner),
            None => true,
        })
        .map(|(index, _)| index)
        .collect();
    if let Some(top) = selection.top {
        shown.truncate(top);
    }
    shown
}
