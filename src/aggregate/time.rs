//! Timesheet sums: each time entry of the period priced at its cost rate
//! (`model::RateCard`) and added to its client's hours, cost and billable
//! value as it streams in; hours no rate prices are gathered by person and
//! role for the error that lists them.

use std::collections::BTreeMap;

use super::*;
use crate::model::{Billable, PricedSum, RateSource, TimeEntry, billable_value};

/// One client's timesheet over the period. Minutes, not hours, so every
/// sum stays exact (see `PricedSum`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TimeTotals {
    pub(crate) minutes: Decimal,
    /// Of them, entries marked billable and not.
    pub(crate) billable_minutes: Decimal,
    pub(crate) non_billable_minutes: Decimal,
    /// Entries whose file has no billable column.
    pub(crate) unknown_billable_minutes: Decimal,
    pub(crate) labour: PricedSum,
    /// What the billable entries are worth at their bill rates.
    pub(crate) billable_value: PricedSum,
    /// Billable minutes with no bill rate or amount: the value above is
    /// then short of them.
    pub(crate) unvalued_minutes: Decimal,
    /// Minutes by where their cost rate came from (`RateSource` order).
    pub(crate) minutes_by_source: [Decimal; 4],
    pub(crate) entries: u64,
}

impl TimeTotals {
    /// Add another thread's totals; `false` on overflow.
    #[must_use]
    pub(super) fn add(&mut self, other: &TimeTotals) -> bool {
        count(&mut self.entries, other.entries);
        let mut fits = add(&mut self.minutes, other.minutes)
            && add(&mut self.billable_minutes, other.billable_minutes)
            && add(&mut self.non_billable_minutes, other.non_billable_minutes)
            && add(
                &mut self.unknown_billable_minutes,
                other.unknown_billable_minutes,
            )
            && add(&mut self.unvalued_minutes, other.unvalued_minutes)
            && self.labour.absorb(other.labour)
            && self.billable_value.absorb(other.billable_value);
        for (mine, theirs) in self
            .minutes_by_source
            .iter_mut()
            .zip(other.minutes_by_source)
        {
            fits = fits && add(mine, theirs);
        }
        fits
    }

    /// Add one entry priced at `price` from `source`; `false` on overflow.
    #[must_use]
    fn add_entry(
        &mut self,
        entry: &TimeEntry,
        price: crate::model::Priced,
        source: RateSource,
    ) -> bool {
        count(&mut self.entries, 1);
        let minutes = entry.minutes;
        let (billed, unbilled, unknown) = match entry.billable {
            Billable::Yes => (minutes, Decimal::ZERO, Decimal::ZERO),
            Billable::No => (Decimal::ZERO, minutes, Decimal::ZERO),
            Billable::Unknown => (Decimal::ZERO, Decimal::ZERO, minutes),
            // The reader refuses more billed minutes than minutes.
            Billable::Part(billed) => (
                billed,
                minutes.checked_sub(billed).unwrap_or_default(),
                Decimal::ZERO,
            ),
        };
        let mut fits = add(&mut self.minutes, minutes)
            && add(&mut self.billable_minutes, billed)
            && add(&mut self.non_billable_minutes, unbilled)
            && add(&mut self.unknown_billable_minutes, unknown)
            && self.labour.add(price, minutes);
        if let Some(slot) = self.minutes_by_source.get_mut(source.index()) {
            fits = fits && add(slot, minutes);
        }
        fits && match billable_value(entry) {
            Some((value, billed)) => self.billable_value.add(value, billed),
            None => add(&mut self.unvalued_minutes, minutes),
        }
    }
}

/// Time in the period that no rate prices, by person and role as
/// written, and the unmatched entries: what the warnings and errors say.
#[derive(Debug, Clone, Default)]
pub struct TimeGaps {
    /// (person, role) → minutes without a cost rate.
    pub(crate) unrated: BTreeMap<(String, String), Decimal>,
    /// The first of those entries, by file and line.
    pub(crate) first_unrated: Option<Origin>,
    /// Entries of the period that name no client, and their minutes.
    pub(crate) unmatched_entries: u64,
    pub(crate) unmatched_minutes: Decimal,
    /// Where the first of them are, in file and line order.
    pub(crate) unmatched_rows: Vec<Origin>,
}

/// Most distinct people and roles without a rate listed: past this many
/// the list is cut, and its length said.
const UNRATED_KEPT: usize = 10_000;

impl TimeGaps {
    fn absorb(&mut self, other: TimeGaps) {
        self.first_unrated = match (self.first_unrated, other.first_unrated) {
            (Some(mine), Some(theirs)) => Some(mine.min(theirs)),
            (mine, theirs) => mine.or(theirs),
        };
        for (key, minutes) in other.unrated {
            self.note_unrated(key, minutes);
        }
        count(&mut self.unmatched_entries, other.unmatched_entries);
        for origin in other.unmatched_rows {
            super::activity::note_unmatched(&mut self.unmatched_rows, origin);
        }
        self.unmatched_minutes = self
            .unmatched_minutes
            .saturating_add(other.unmatched_minutes);
    }

    fn note_unrated(&mut self, key: (String, String), minutes: Decimal) {
        if self.unrated.len() >= UNRATED_KEPT && !self.unrated.contains_key(&key) {
            return;
        }
        let slot = self.unrated.entry(key).or_default();
        *slot = slot.saturating_add(minutes);
    }
}

impl Activity {
    /// Take in a fork's timesheet sums; `false` on overflow.
    pub(super) fn absorb_time(
        &mut self,
        time: Vec<TimeTotals>,
        gaps: TimeGaps,
        ids: &[ClientId],
    ) -> bool {
        self.time_gaps.absorb(gaps);
        let mut fits = true;
        for (totals, id) in time.into_iter().zip(ids) {
            if totals.entries > 0 {
                fits = fits && slot(&mut self.time_totals, *id).add(&totals);
            }
        }
        fits
    }

    pub(super) fn add_time_entry(&mut self, entry: &TimeEntry) {
        self.seen(entry.date);
        if !self.bounds.contains(entry.date) {
            return;
        }
        let Some(client) = entry.client else {
            count(&mut self.time_gaps.unmatched_entries, 1);
            super::activity::note_unmatched(&mut self.time_gaps.unmatched_rows, entry.origin);
            self.time_gaps.unmatched_minutes = self
                .time_gaps
                .unmatched_minutes
                .saturating_add(entry.minutes);
            return;
        };
        let Some((price, source)) = self.rates.cost_of(entry) else {
            let first = &mut self.time_gaps.first_unrated;
            *first = Some(first.map_or(entry.origin, |seen| seen.min(entry.origin)));
            self.time_gaps.note_unrated(
                (
                    entry.person.trim().to_string(),
                    if entry.role.trim().is_empty() {
                        entry.task
                    } else {
                        entry.role
                    }
                    .trim()
                    .to_string(),
                ),
                entry.minutes,
            );
            return;
        };
        if !slot(&mut self.time_totals, client).add_entry(entry, price, source) {
            self.overflow = self.overflow.or(Some(entry.origin));
        }
    }
}

/// A client's timesheet figures, as the report shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeMetrics {
    pub hours: Decimal,
    /// The timesheet's hours and the support and meeting time it does not
    /// cover: what the effective hourly rate divides revenue by.
    pub hours_worked: Decimal,
    /// `None` when no file said which entries are billable.
    pub billable_hours: Option<Decimal>,
    pub non_billable_hours: Option<Decimal>,
    /// Billable hours over the hours whose billability is known.
    pub billable_share: Option<f64>,
    pub labour_cost: Decimal,
    /// What the billable hours are worth at their bill rates; `None` when
    /// some billable hours have no bill rate.
    pub billable_value: Option<Decimal>,
    /// Revenue over billable value.
    pub realisation: Option<f64>,
    /// Hours by where their cost rate came from (`RateSource` order).
    pub(crate) hours_by_source: [Decimal; 4],
}

impl TimeMetrics {
    /// The figures of `totals` against `revenue`; `None` on overflow.
    pub(super) fn of(totals: &TimeTotals, revenue: Decimal) -> Option<TimeMetrics> {
        let sixty = Decimal::from(60);
        let hours = |minutes: Decimal| minutes.checked_div(sixty);
        let known = totals
            .billable_minutes
            .checked_add(totals.non_billable_minutes)?;
        // No entry at all: 0 of 0 hours billable, which is known.
        let billability_known = totals.unknown_billable_minutes.is_zero();
        // Only when every hour is known billable or not: valuing hours of
        // unknown billability as billable would flatter or sink realisation.
        let billable_value = if totals.unvalued_minutes.is_zero() && billability_known {
            Some(totals.billable_value.total()?)
        } else {
            None
        };
        let mut hours_by_source = [Decimal::ZERO; 4];
        for (slot, minutes) in hours_by_source.iter_mut().zip(totals.minutes_by_source) {
            *slot = hours(minutes)?;
        }
        Some(TimeMetrics {
            hours: hours(totals.minutes)?,
            // Set with the client's support and meeting time.
            hours_worked: Decimal::ZERO,
            billable_hours: if billability_known {
                Some(hours(totals.billable_minutes)?)
            } else {
                None
            },
            non_billable_hours: if billability_known {
                Some(hours(totals.non_billable_minutes)?)
            } else {
                None
            },
            billable_share: (billability_known && known > Decimal::ZERO)
                .then(|| ratio(totals.billable_minutes, known)),
            labour_cost: totals.labour.total()?,
            billable_value,
            realisation: billable_value
                .filter(|value| *value > Decimal::ZERO)
                .map(|value| ratio(revenue, value)),
            hours_by_source,
        })
    }
}

#[cfg(test)]
impl TimeMetrics {
    /// `hours` in the timesheet costing `labour` in all, all of them the
    /// hours worked, nothing known of billing: for tests of the rules
    /// that read these figures.
    pub(crate) fn worked(hours: i64, labour: i64) -> TimeMetrics {
        TimeMetrics {
            hours: Decimal::from(hours),
            hours_worked: Decimal::from(hours),
            billable_hours: None,
            non_billable_hours: None,
            billable_share: None,
            labour_cost: Decimal::from(labour),
            billable_value: None,
            realisation: None,
            hours_by_source: [Decimal::ZERO; 4],
        }
    }
}

/// The error for timesheet hours that no rate prices: never a zero cost.
pub(super) fn unrated_error(
    gaps: &TimeGaps,
    files: &[crate::ingest::discover::InputFile],
) -> anyhow::Error {
    let sixty = Decimal::from(60);
    let mut people: BTreeMap<&str, Decimal> = BTreeMap::new();
    let mut roles: BTreeMap<&str, Decimal> = BTreeMap::new();
    for ((person, role), minutes) in &gaps.unrated {
        let slot = people.entry(person.as_str()).or_default();
        *slot = slot.saturating_add(*minutes);
        let slot = roles.entry(role.as_str()).or_default();
        *slot = slot.saturating_add(*minutes);
    }
    let list = |names: &BTreeMap<&str, Decimal>| -> String {
        let mut shown: Vec<String> = names
            .iter()
            .take(20)
            .map(|(name, minutes)| {
                let hours = minutes.checked_div(sixty).unwrap_or_default().round_dp(2);
                if name.is_empty() {
                    format!("(blank) {}h", hours.normalize())
                } else {
                    format!("{} {}h", crate::error::quote(name), hours.normalize())
                }
            })
            .collect();
        if names.len() > 20 {
            shown.push(format!("and {} more", names.len().saturating_sub(20)));
        }
        shown.join(", ")
    };
    let total = gaps
        .unrated
        .values()
        .fold(Decimal::ZERO, |sum, minutes| sum.saturating_add(*minutes))
        .checked_div(sixty)
        .unwrap_or_default()
        .round_dp(2);
    let first = gaps
        .first_unrated
        .and_then(|origin| Some((files.get(origin.file as usize)?, origin.line)))
        .map(|(file, line)| format!(" (the first at {}:{line})", file.path.display()))
        .unwrap_or_default();
    anyhow::anyhow!(
        "{} {} of the timesheet have no cost rate{first}: their cost would be a guess, not zero\n  people without a rate: {}\n  roles without a rate: {}\n  hint: give each a rate in clientfit.toml ([rates.people] \"Name\" = 85, or [rates.roles] design = 70), or set a default for the rest ([rates] cost_hourly = 60)",
        total.normalize(),
        if total == Decimal::ONE {
            "hour"
        } else {
            "hours"
        },
        list(&people),
        list(&roles),
    )
}
