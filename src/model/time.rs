//! One time entry, and the rules that price it: which cost rate applies
//! (the row's own, then the person's, the role's, the default), and what
//! its hours are worth to bill.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::records::{ClientId, Origin};

/// What a row says its hours cost us, or bring in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowMoney {
    /// Nothing: a rate from the config applies.
    Unstated,
    /// Money per hour.
    Rate(Decimal),
    /// Money for the whole entry.
    Amount(Decimal),
}

/// A price put on an entry: money for the whole of it, or per hour. Kept
/// apart so that a client's sums stay exact: Σ minutes × rate is divided
/// by 60 once, at the end (`1:20` is 4/3 of an hour, which no decimal
/// holds exactly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Priced {
    Amount(Decimal),
    PerHour(Decimal),
}

/// One entry of a timesheet: time one person spent for one client.
/// Borrows its texts from the row it was read from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeEntry<'a> {
    /// `None` when neither the client cell nor a mapped project named one.
    pub(crate) client: Option<ClientId>,
    pub(crate) date: chrono::NaiveDate,
    /// Exact, as durations are read in minutes (`1:20`, `1.5`, `90 min`).
    pub(crate) minutes: Decimal,
    /// As written; blank when the file has no person column.
    pub(crate) person: &'a str,
    /// The person's role, as written; blank when none.
    pub(crate) role: &'a str,
    /// The task or activity, as written; blank when none.
    pub(crate) task: &'a str,
    pub(crate) billable: Billable,
    pub(crate) cost: RowMoney,
    pub(crate) bill: RowMoney,
    pub(crate) origin: Origin,
}

/// Whether an entry's time is billable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Billable {
    /// The file does not say.
    Unknown,
    Yes,
    No,
    /// This many of its minutes were billed (Tempo's billed hours).
    Part(Decimal),
}

/// Where an entry's cost rate came from, most specific first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum RateSource {
    /// The row's own cost amount or cost rate.
    Row,
    /// `[rates.people]`.
    Person,
    /// `[rates.roles]`, by role or else by task.
    Role,
    /// `[rates] cost_hourly`.
    Default,
}

impl RateSource {
    pub(crate) const ALL: [RateSource; 4] = [
        RateSource::Row,
        RateSource::Person,
        RateSource::Role,
        RateSource::Default,
    ];

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    pub(crate) fn describe(self) -> &'static str {
        match self {
            RateSource::Row => "the timesheet's own cost",
            RateSource::Person => "[rates.people]",
            RateSource::Role => "[rates.roles]",
            RateSource::Default => "[rates] cost_hourly",
        }
    }
}

/// The cost rates of the config, looked up by person and role written
/// any way round: case, surrounding and repeated spaces do not matter.
#[derive(Debug, Clone, Default)]
pub struct RateCard {
    people: HashMap<String, Decimal>,
    roles: HashMap<String, Decimal>,
    default: Option<Decimal>,
}

/// A name as it is looked up: lower case, spaces collapsed.
pub(crate) fn name_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        key.extend(word.chars().flat_map(char::to_lowercase));
    }
    key
}

impl RateCard {
    pub(crate) fn new<'a>(
        people: impl IntoIterator<Item = (&'a String, &'a Decimal)>,
        roles: impl IntoIterator<Item = (&'a String, &'a Decimal)>,
        default: Option<Decimal>,
    ) -> RateCard {
        RateCard {
            people: people
                .into_iter()
                .map(|(name, rate)| (name_key(name), *rate))
                .collect(),
            roles: roles
                .into_iter()
                .map(|(name, rate)| (name_key(name), *rate))
                .collect(),
            default,
        }
    }

    fn lookup(map: &HashMap<String, Decimal>, text: &str) -> Option<Decimal> {
        if map.is_empty() || text.trim().is_empty() {
            return None;
        }
        // Most cells are already in lower case and single-spaced.
        if let Some(rate) = map.get(text) {
            return Some(*rate);
        }
        map.get(&name_key(text)).copied()
    }

    /// The cost rate an entry without a cost of its own is charged at,
    /// and where it came from; `None` when nothing gives one. A role is
    /// looked up by the person's role, then by the task.
    pub(crate) fn rate_for(
        &self,
        person: &str,
        role: &str,
        task: &str,
    ) -> Option<(Decimal, RateSource)> {
        if let Some(rate) = Self::lookup(&self.people, person) {
            return Some((rate, RateSource::Person));
        }
        if let Some(rate) =
            Self::lookup(&self.roles, role).or_else(|| Self::lookup(&self.roles, task))
        {
            return Some((rate, RateSource::Role));
        }
        self.default.map(|rate| (rate, RateSource::Default))
    }

    /// What an entry's time costs us and where the rate came from;
    /// `None` when no rate applies (never a zero cost).
    pub(crate) fn cost_of(&self, entry: &TimeEntry) -> Option<(Priced, RateSource)> {
        match entry.cost {
            RowMoney::Amount(amount) => Some((Priced::Amount(amount), RateSource::Row)),
            RowMoney::Rate(rate) => Some((Priced::PerHour(rate), RateSource::Row)),
            RowMoney::Unstated => {
                let (rate, source) = self.rate_for(entry.person, entry.role, entry.task)?;
                Some((Priced::PerHour(rate), source))
            }
        }
    }
}

/// What an entry's billed minutes are worth and how many they are, if
/// the row says: a non-billable entry nothing, a billable one its bill
/// amount as written (time trackers bill rounded hours) or its billed
/// minutes at its bill rate. An entry whose file does not say whether it
/// is billable is valued as billable.
pub(crate) fn billable_value(entry: &TimeEntry) -> Option<(Priced, Decimal)> {
    let minutes = match entry.billable {
        Billable::No => return Some((Priced::Amount(Decimal::ZERO), Decimal::ZERO)),
        Billable::Part(minutes) => minutes,
        Billable::Yes | Billable::Unknown => entry.minutes,
    };
    match entry.bill {
        RowMoney::Amount(amount) => Some((Priced::Amount(amount), minutes)),
        RowMoney::Rate(rate) => Some((Priced::PerHour(rate), minutes)),
        RowMoney::Unstated => None,
    }
}

/// Money for a whole number of entries: amounts added as they are, hourly
/// prices as Σ minutes × rate, divided by 60 once when read.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct PricedSum {
    amounts: Decimal,
    minute_rates: Decimal,
}

impl PricedSum {
    /// Add `minutes` priced at `price`; `false` when a sum overflows.
    #[must_use]
    pub(crate) fn add(&mut self, price: Priced, minutes: Decimal) -> bool {
        match price {
            Priced::Amount(amount) => match self.amounts.checked_add(amount) {
                Some(sum) => {
                    self.amounts = sum;
                    true
                }
                None => false,
            },
            Priced::PerHour(rate) => match minutes
                .checked_mul(rate)
                .and_then(|product| self.minute_rates.checked_add(product))
            {
                Some(sum) => {
                    self.minute_rates = sum;
                    true
                }
                None => false,
            },
        }
    }

    /// Another sum added in; `false` on overflow.
    #[must_use]
    pub(crate) fn absorb(&mut self, other: PricedSum) -> bool {
        match (
            self.amounts.checked_add(other.amounts),
            self.minute_rates.checked_add(other.minute_rates),
        ) {
            (Some(amounts), Some(minute_rates)) => {
                *self = PricedSum {
                    amounts,
                    minute_rates,
                };
                true
            }
            _ => false,
        }
    }

    /// The money; `None` on overflow.
    pub(crate) fn total(self) -> Option<Decimal> {
        self.amounts
            .checked_add(self.minute_rates.checked_div(Decimal::from(60))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(person: &'static str, role: &'static str, cost: RowMoney) -> TimeEntry<'static> {
        TimeEntry {
            client: Some(ClientId(0)),
            date: chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default(),
            minutes: Decimal::from(150),
            person,
            role,
            task: "",
            billable: Billable::Yes,
            cost,
            bill: RowMoney::Unstated,
            origin: Origin { file: 0, line: 2 },
        }
    }

    fn card() -> RateCard {
        let people = [("Dana  LEE".to_string(), Decimal::from(80))];
        let roles = [("Design".to_string(), Decimal::from(50))];
        RateCard::new(
            people.iter().map(|(k, v)| (k, v)),
            roles.iter().map(|(k, v)| (k, v)),
            Some(Decimal::from(40)),
        )
    }

    /// The cost of 150 minutes (2.5 h) priced as `cost_of` says.
    fn cost(card: &RateCard, entry: &TimeEntry) -> Option<(Decimal, RateSource)> {
        let (price, source) = card.cost_of(entry)?;
        let mut sum = PricedSum::default();
        assert!(sum.add(price, entry.minutes));
        Some((sum.total()?, source))
    }

    #[test]
    fn the_most_specific_rate_wins() {
        let card = card();
        // Row amount beats everything: the cost is the amount itself.
        let row = entry("Dana Lee", "design", RowMoney::Amount(Decimal::from(7)));
        assert_eq!(cost(&card, &row), Some((Decimal::from(7), RateSource::Row)));
        // Row rate: 2.5 h × 30 = 75.
        let row = entry("Dana Lee", "design", RowMoney::Rate(Decimal::from(30)));
        assert_eq!(
            cost(&card, &row),
            Some((Decimal::from(75), RateSource::Row))
        );
        // Person, spelled another way: 2.5 × 80 = 200.
        let person = entry(" dana lee ", "design", RowMoney::Unstated);
        assert_eq!(
            cost(&card, &person),
            Some((Decimal::from(200), RateSource::Person))
        );
        // Role: 2.5 × 50 = 125.
        let role = entry("Kim", "DESIGN", RowMoney::Unstated);
        assert_eq!(
            cost(&card, &role),
            Some((Decimal::from(125), RateSource::Role))
        );
        // Default: 2.5 × 40 = 100.
        let default = entry("Kim", "build", RowMoney::Unstated);
        assert_eq!(
            cost(&card, &default),
            Some((Decimal::from(100), RateSource::Default))
        );
    }

    #[test]
    fn no_rate_is_none_never_zero() {
        let card = RateCard::new([], [], None);
        assert_eq!(
            card.cost_of(&entry("Kim", "build", RowMoney::Unstated)),
            None
        );
        // A blank person or role matches no rate, even a blank key's.
        let people = [(String::new(), Decimal::from(1))];
        let card = RateCard::new(people.iter().map(|(k, v)| (k, v)), [], None);
        assert_eq!(card.rate_for("", "", ""), None);
    }

    #[test]
    fn sums_stay_exact_over_thirds_of_an_hour() {
        // Three entries of 1:20 (80 minutes) at 90 an hour: 3 × 80 × 90 /
        // 60 = 360 exactly, where adding 1.333… h × 90 thrice would not be.
        let mut sum = PricedSum::default();
        for _ in 0..3 {
            assert!(sum.add(Priced::PerHour(Decimal::from(90)), Decimal::from(80)));
        }
        assert!(sum.add(Priced::Amount(Decimal::new(5, 1)), Decimal::from(80)));
        assert_eq!(sum.total(), Some(Decimal::new(3605, 1)));
    }

    #[test]
    fn a_task_prices_by_role_when_the_role_is_blank() {
        let card = card();
        let mut by_task = entry("Kim", "", RowMoney::Unstated);
        by_task.task = "design";
        // 2.5 h × 50 (design) = 125.
        assert_eq!(
            cost(&card, &by_task),
            Some((Decimal::from(125), RateSource::Role))
        );
    }

    #[test]
    fn billable_value_from_the_row() {
        let mut billable = entry("Kim", "build", RowMoney::Unstated);
        billable.bill = RowMoney::Rate(Decimal::from(120));
        assert_eq!(
            billable_value(&billable),
            Some((Priced::PerHour(Decimal::from(120)), Decimal::from(150)))
        );
        // Part billed: 90 of the 150 minutes, at the rate.
        billable.billable = Billable::Part(Decimal::from(90));
        assert_eq!(
            billable_value(&billable),
            Some((Priced::PerHour(Decimal::from(120)), Decimal::from(90)))
        );
        billable.billable = Billable::Yes;
        billable.bill = RowMoney::Unstated;
        assert_eq!(billable_value(&billable), None);
        // Not billable: worth nothing, whatever price the row carries.
        billable.billable = Billable::No;
        billable.bill = RowMoney::Amount(Decimal::from(160));
        assert_eq!(
            billable_value(&billable),
            Some((Priced::Amount(Decimal::ZERO), Decimal::ZERO))
        );
    }
}
