//! Stage 3: metrics → red flags, guards and a verdict with its reasons and
//! playbook (SPEC §5–§6).
//!
//! Layer: above `aggregate`; must not import `report`, `render` or anything above them.

mod flags;
pub(crate) mod playbook;

pub(crate) use flags::flags;
pub(crate) mod price;

use std::borrow::Cow;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::aggregate::{ClientMetrics, Period};
use crate::config::Thresholds;
use crate::error::multiply_amounts;
use crate::fixed::Fixed;
use crate::model::SERIOUSLY_OVERDUE_DAYS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warn,
    Severe,
}

/// The verdicts, worst first, so `Ord` sorts fire before keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Fire,
    Refer,
    Restructure,
    Keep,
}

impl Verdict {
    pub(crate) const ALL: [Verdict; 4] = [
        Verdict::Fire,
        Verdict::Refer,
        Verdict::Restructure,
        Verdict::Keep,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Verdict::Fire => "fire",
            Verdict::Refer => "refer",
            Verdict::Restructure => "restructure",
            Verdict::Keep => "keep",
        }
    }

    /// Is this verdict at least as bad as `other`?
    pub(crate) fn at_least_as_bad_as(self, other: Verdict) -> bool {
        self <= other
    }
}

/// The flags of §5, in the order they are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlagId {
    Unprofitable,
    ThinMargin,
    LatePayer,
    SeriouslyOverdue,
    BadDebt,
    TicketHeavy,
    NoShows,
    ScopeCreep,
    Escalations,
    Abusive,
    DiscountHeavy,
    OverServicing,
    BelowTargetRate,
}

impl FlagId {
    pub(crate) const ALL: [FlagId; 13] = [
        FlagId::Unprofitable,
        FlagId::ThinMargin,
        FlagId::LatePayer,
        FlagId::SeriouslyOverdue,
        FlagId::BadDebt,
        FlagId::TicketHeavy,
        FlagId::NoShows,
        FlagId::ScopeCreep,
        FlagId::Escalations,
        FlagId::Abusive,
        FlagId::DiscountHeavy,
        FlagId::OverServicing,
        FlagId::BelowTargetRate,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            FlagId::Unprofitable => "unprofitable",
            FlagId::ThinMargin => "thin-margin",
            FlagId::LatePayer => "late-payer",
            FlagId::SeriouslyOverdue => "seriously-overdue",
            FlagId::BadDebt => "bad-debt",
            FlagId::TicketHeavy => "ticket-heavy",
            FlagId::NoShows => "no-shows",
            FlagId::ScopeCreep => "scope-creep",
            FlagId::Escalations => "escalations",
            FlagId::Abusive => "abusive",
            FlagId::DiscountHeavy => "discount-heavy",
            FlagId::OverServicing => "over-servicing",
            FlagId::BelowTargetRate => "below-target-rate",
        }
    }

    pub(crate) fn severity(self) -> Severity {
        match self {
            FlagId::Unprofitable | FlagId::SeriouslyOverdue | FlagId::BadDebt | FlagId::Abusive => {
                Severity::Severe
            }
            _ => Severity::Warn,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flag {
    pub id: FlagId,
    pub severity: Severity,
    /// The measured numbers against the threshold.
    pub(crate) detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum GuardId {
    Strategic,
    Concentration,
}

/// Guards that apply to a client, and the verdict they prevented if any.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Guard {
    pub(crate) ids: Vec<GuardId>,
    /// The verdict the rules gave before the guard held it at restructure.
    pub(crate) held_from: Option<Verdict>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub flags: Vec<Flag>,
    pub verdict: Verdict,
    pub guard: Option<Guard>,
    /// Most reasons are the same words for every client they apply to
    /// ("keep: no red flags"): those are borrowed, not copied per client.
    pub reasons: Vec<Cow<'static, str>>,
    /// Playbook lines, shared with the other clients they apply to.
    /// Shared with every client whose verdict, flags and guard are the same.
    pub actions: std::sync::Arc<[std::sync::Arc<str>]>,
}

impl Assessment {
    pub(crate) fn severe_flags(&self) -> usize {
        self.flags
            .iter()
            .filter(|f| f.severity == Severity::Severe)
            .count()
    }
}

use crate::wording::plural;

fn percent(value: f64) -> String {
    percent_with(value, 1)
}

/// A share as a percentage with `decimals` decimals: "15.0%".
fn percent_with(share: f64, decimals: usize) -> String {
    let mut text = String::with_capacity(16);
    Fixed(share * 100.0, decimals).push_to(&mut text);
    text.push('%');
    text
}

/// A measured share and its threshold as percentages with enough decimals
/// that they never print equal when they differ (14.99% against 15.0%, not
/// "15.0% < 15.0%").
fn percents(value: f64, threshold: f64) -> (String, String) {
    // Each pair is formatted once per number of decimals tried (nearly
    // always one): the strings compared are the strings returned.
    let mut decimals = 1;
    loop {
        let pair = (
            percent_with(value, decimals),
            percent_with(threshold, decimals),
        );
        if decimals >= 6 || value == threshold || pair.0 != pair.1 {
            return pair;
        }
        decimals = decimals.saturating_add(1);
    }
}

/// A measured amount and a target it falls short of, to the cent, or with
/// as many more decimals (up to 6) as it takes for them not to print
/// equal: 79.999 an hour against 80 is "79.999 < 80.000", not "80.00 <
/// 80.00". The measured amount is cut toward zero, so it never prints as
/// reaching a target it is below.
fn short_of(value: Decimal, target: Decimal) -> (String, String) {
    let pair = (
        crate::numbers::grouped(value),
        crate::numbers::grouped(target),
    );
    if pair.0 != pair.1 || value == target {
        return pair;
    }
    for places in 3..=6 {
        let measured = value.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::ToZero);
        let pair = (
            crate::numbers::grouped_to(measured, places),
            crate::numbers::grouped_to(target, places),
        );
        if pair.0 != pair.1 {
            return pair;
        }
    }
    pair
}

/// An amount as the report prints it, to the cent.
fn money(value: Decimal) -> Money {
    Money(value)
}

/// `money`'s text, written straight into the message it is part of: a
/// flag's detail names up to three amounts, and with 100,000 clients a
/// String for each was a good part of judging them.
struct Money(Decimal);

impl std::fmt::Display for Money {
    /// With thousands separators, as every other amount a reader sees:
    /// `-1,234,567.50`. Grouped on the stack, with no String made.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::numbers::with_cents_text(self.0, |text| {
            let (sign, digits) = match text.split_first() {
                Some((b'-', rest)) => (&b"-"[..], rest),
                _ => (&b""[..], text),
            };
            let whole = digits
                .iter()
                .position(|b| *b == b'.')
                .unwrap_or(digits.len());
            // A sign, 29 digits at most, a separator per three, the cents.
            let mut grouped = [0u8; 64];
            let mut length = 0;
            let mut push = |byte: u8| {
                if let Some(slot) = grouped.get_mut(length) {
                    *slot = byte;
                    length = length.saturating_add(1);
                }
            };
            sign.iter().for_each(|b| push(*b));
            // `whole` is a position in `digits`, or its length.
            let (integer, places) = digits.split_at_checked(whole).unwrap_or((digits, &[]));
            for (index, digit) in integer.iter().enumerate() {
                if index > 0 && whole.saturating_sub(index) % 3 == 0 {
                    push(b',');
                }
                push(*digit);
            }
            if places.is_empty() {
                // Beyond 10^26 cents the amount comes without places.
                b".00".iter().for_each(|b| push(*b));
            } else {
                places.iter().for_each(|b| push(*b));
            }
            let text = grouped.get(..length).ok_or(std::fmt::Error)?;
            f.pad(std::str::from_utf8(text).map_err(|_| std::fmt::Error)?)
        })
    }
}

/// Text made from `args`, in a String of exactly its length. `format!`
/// grows its String as it writes and leaves room to spare, which judging
/// 100,000 clients paid for twice: growing, then giving the room back
/// (`shrink_to_fit`); and glibc's allocator, freed a chunk next to the
/// top of its heap, went through all its small free chunks each time.
fn exact(args: std::fmt::Arguments) -> String {
    use std::fmt::Write as _;
    thread_local! {
        static SCRATCH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut text) => {
            text.clear();
            // Writing to a String fails only if a Display does, and
            // these do not; `format!` would panic there.
            let _ = text.write_fmt(args);
            text.as_str().to_owned()
        }
        // Only if formatting an argument made text here too.
        Err(_) => std::fmt::format(args),
    })
}

/// `exact`, as a reason of its own client.
fn exact_reason(args: std::fmt::Arguments) -> Cow<'static, str> {
    Cow::Owned(exact(args))
}

/// A threshold ratio as an exact decimal, for comparisons with money.
/// The same two thresholds are converted for every client, and rounding
/// a Decimal divides: the last few conversions are remembered.
fn decimal(value: f64) -> Decimal {
    const REMEMBERED: usize = 4;
    thread_local! {
        static CONVERTED: std::cell::Cell<[Option<(u64, Decimal)>; REMEMBERED]> =
            const { std::cell::Cell::new([None; REMEMBERED]) };
    }
    let bits = value.to_bits();
    CONVERTED.with(|cell| {
        let mut converted = cell.get();
        if let Some((_, exact)) = converted.iter().flatten().find(|(seen, _)| *seen == bits) {
            return *exact;
        }
        let exact = crate::numbers::exact_fraction(value);
        converted.rotate_right(1);
        converted[0] = Some((bits, exact));
        cell.set(converted);
        exact
    })
}

/// Apply the verdict rules of §6, then the guards.
pub(crate) fn assess(
    m: &ClientMetrics,
    strategic: bool,
    period: &Period,
    (t, targets): (&Thresholds, &crate::config::Targets),
    playbook: &crate::assess::playbook::Playbook,
) -> anyhow::Result<Assessment> {
    let flags = flags(m, period, t, targets)?;
    let has = |id: FlagId| flags.iter().any(|f| f.id == id);
    let warn_names: Vec<&str> = flags
        .iter()
        .filter(|f| f.severity == Severity::Warn)
        .map(|f| f.id.name())
        .collect();
    let warns = warn_names.len();
    // One reason, and a second only when a guard holds.
    let mut reasons: Vec<Cow<'static, str>> = Vec::with_capacity(1);

    let overdue_fires = has(FlagId::SeriouslyOverdue)
        && (m.revenue <= Decimal::ZERO
            || m.d90_plus
                >= multiply_amounts(
                    "the overdue threshold",
                    m.revenue,
                    decimal(t.fire_overdue_share),
                )?);
    let rule_verdict = if has(FlagId::Abusive) {
        reasons.push(Cow::Borrowed(
            "fire: abusive — a client who bullies your team is not worth keeping",
        ));
        Verdict::Fire
    } else if has(FlagId::BadDebt) {
        reasons.push(exact_reason(format_args!(
            "fire: bad-debt — {} written off",
            money(m.bad_debt)
        )));
        Verdict::Fire
    } else if overdue_fires {
        reasons.push(Cow::Owned(if m.revenue <= Decimal::ZERO {
            exact(format_args!("fire: seriously-overdue — {} over {SERIOUSLY_OVERDUE_DAYS} days overdue and no revenue in the period", money(m.d90_plus)))
        } else {
            {
                let (measured, threshold) = percents(
                    crate::numbers::ratio_of(m.d90_plus, m.revenue),
                    t.fire_overdue_share,
                );
                exact(format_args!(
                    "fire: seriously-overdue — {} over {SERIOUSLY_OVERDUE_DAYS} days overdue is {measured} of period revenue {} (threshold {threshold})",
                    money(m.d90_plus),
                    money(m.revenue),
                ))
            }
        }));
        Verdict::Fire
    } else if has(FlagId::Unprofitable) && warns >= t.fire_unprofitable_warn_flags as usize {
        reasons.push(exact_reason(format_args!(
            "fire: unprofitable with {} warn {} ({}; threshold {})",
            warns,
            plural(warns as u64, "flag", "flags"),
            warn_names.join(", "),
            t.fire_unprofitable_warn_flags
        )));
        Verdict::Fire
    } else if has(FlagId::Unprofitable) {
        reasons.push(exact_reason(format_args!(
            "refer: unprofitable — profit {} on revenue {}",
            money(m.profit),
            money(m.revenue)
        )));
        Verdict::Refer
    } else if has(FlagId::ThinMargin) && warns > t.refer_thin_margin_warn_flags as usize {
        let others: Vec<&str> = warn_names
            .iter()
            .copied()
            .filter(|n| *n != "thin-margin")
            .collect();
        reasons.push(exact_reason(format_args!(
            "refer: thin-margin with {} other warn {} ({}; threshold {})",
            others.len(),
            plural(others.len() as u64, "flag", "flags"),
            others.join(", "),
            t.refer_thin_margin_warn_flags
        )));
        Verdict::Refer
    } else if !flags.is_empty() {
        let names: Vec<&str> = flags.iter().map(|f| f.id.name()).collect();
        reasons.push(exact_reason(format_args!(
            "restructure: {} — keep them on your terms",
            names.join(", ")
        )));
        Verdict::Restructure
    } else {
        reasons.push(Cow::Borrowed("keep: no red flags"));
        Verdict::Keep
    };

    let mut guard_ids = Vec::new();
    if strategic {
        guard_ids.push(GuardId::Strategic);
    }
    if m.revenue_share
        .is_some_and(|share| share >= t.concentration_share)
    {
        guard_ids.push(GuardId::Concentration);
    }
    let mut verdict = rule_verdict;
    let guard = if guard_ids.is_empty() {
        None
    } else {
        let held_from = (rule_verdict < Verdict::Restructure).then_some(rule_verdict);
        if let Some(from) = held_from {
            verdict = Verdict::Restructure;
            let why: Vec<String> = guard_ids
                .iter()
                .map(|id| match id {
                    GuardId::Strategic => "strategic client (clients.csv)".to_string(),
                    GuardId::Concentration => {
                        let (measured, threshold) =
                            percents(m.revenue_share.unwrap_or(0.0), t.concentration_share);
                        exact(format_args!(
                            "concentration: revenue share {measured} ≥ {threshold}"
                        ))
                    }
                })
                .collect();
            reasons.push(exact_reason(format_args!(
                "guard held: {} — would be {}, kept at restructure; {} of revenue ({}) at stake",
                why.join(" and "),
                from.name(),
                percent(m.revenue_share.unwrap_or(0.0)),
                money(m.revenue)
            )));
        }
        Some(Guard {
            ids: guard_ids,
            held_from,
        })
    };
    let mut actions = playbook.actions(verdict, &flags, guard.as_ref());
    // Restructuring starts from the price that would make the client
    // worth keeping: a line of its own, before the shared ones.
    if verdict == Verdict::Restructure
        && let Some(line) = price::price_line(m, targets)
    {
        let first: std::sync::Arc<str> = std::sync::Arc::from(format!("Reprice: {line}"));
        actions = std::iter::once(first)
            .chain(actions.iter().cloned())
            .collect();
    }
    // Kept for every client until the report is written (100,000 of them
    // in a large run): no spare capacity.
    // (Flags and actions come made to measure, and their texts by `exact`.)
    reasons.shrink_to_fit();
    Ok(Assessment {
        flags,
        verdict,
        guard,
        reasons,
        actions,
    })
}

#[cfg(test)]
mod tests;
