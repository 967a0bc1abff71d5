//! Reading `clientfit.toml`: the file's text to a `Config`, checked
//! against what the rest of clientfit knows (fields of each kind,
//! statuses, flags, the playbook's keys), with errors that say where.
//!
//! It lives above the pipeline it checks against; `config` itself is the
//! plain data every layer reads.

use std::path::Path;

use anyhow::Context;
use rust_decimal::Decimal;

use crate::config::{Config, DiscountKind};
use crate::wording::did_you_mean;

impl Config {
    /// Read a config file; a missing key keeps its default, an unknown key
    /// or a wrong type is an error with the file's line and column.
    pub(crate) fn load(path: &Path) -> anyhow::Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        let mut config =
            Config::parse(&text).with_context(|| format!("in config file {}", path.display()))?;
        config.source = Some(path.to_path_buf());
        Ok(config)
    }

    /// A config file's text laid over the defaults: a key it sets replaces
    /// the default, a table it sets is laid over the default table, and
    /// every key it leaves out keeps the value of `defaults.toml`.
    pub fn parse(text: &str) -> anyhow::Result<Config> {
        // The file alone first, into the shape of a config: an unknown
        // key or a wrong type is found with its own line and column. What
        // this gives for the keys left out is thrown away.
        toml::from_str::<Config>(text).map_err(|err| match common_slip(text) {
            Some(slip) => anyhow::anyhow!("{slip}"),
            None => anyhow::anyhow!("{}", err.to_string().trim_end()),
        })?;
        let own: toml::Table = toml::from_str(text)?;
        let mut table: toml::Table = toml::from_str(crate::config::DEFAULTS_TOML)?;
        overlay(&mut table, own.clone());
        let mut config: Config = toml::Value::Table(table).try_into()?;
        config.rates.delivery_cost_known = own
            .get("rates")
            .and_then(toml::Value::as_table)
            .is_some_and(|rates| rates.contains_key("delivery_cost_share"));
        config.validate()?;
        config.validate_tables()?;
        crate::assess::playbook::check_keys(&config.playbook)?;
        Ok(config)
    }

    /// `[kind.columns]` keys must be fields of that kind and `[kind.status]`
    /// values statuses clientfit knows; a typo gets a suggestion.
    fn validate_tables(&self) -> anyhow::Result<()> {
        use crate::ingest::columns::Kind;
        use crate::ingest::status;
        for (kind, columns) in [
            (Kind::Invoices, &self.invoices.columns),
            (Kind::Tickets, &self.tickets.columns),
            (Kind::Meetings, &self.meetings.columns),
            (Kind::Clients, &self.clients.columns),
            (Kind::Time, &self.time.columns),
        ] {
            let fields: Vec<&str> = kind.fields().iter().map(|f| f.name).collect();
            for key in columns.keys() {
                if !fields.contains(&key.as_str()) {
                    anyhow::bail!(
                        "[{}.columns] {key} = …: {key:?} is not a field of {} files{}\n  fields: {}",
                        kind.name(),
                        kind.name(),
                        did_you_mean(key, &fields),
                        fields.join(", ")
                    );
                }
            }
        }
        if self.invoices.discount == Some(DiscountKind::Rate)
            && self.invoices.discount_applied.is_none()
        {
            anyhow::bail!(
                "[invoices] discount = \"rate\" needs discount_applied = \"before\" or \"after\": is the amount column the price before the discount, or what was invoiced after it?"
            );
        }
        if !self.tickets.status.is_empty() {
            anyhow::bail!(
                "[tickets.status]: tickets have no status clientfit reads; remove the table"
            );
        }
        status::custom_map(
            &self.invoices.status,
            "invoices",
            status::invoice_status,
            "paid, open, void, bad-debt",
        )?;
        status::custom_map(
            &self.meetings.status,
            "meetings",
            status::meeting_status,
            "attended, no-show, cancelled, rescheduled, scheduled",
        )?;
        Ok(())
    }

    fn validate(&self) -> anyhow::Result<()> {
        for (key, value, range) in self.numeric_settings() {
            range.check(key, value)?;
        }
        for (code, rate) in &self.fx {
            crate::ingest::money::check_currency_code(code).map_err(|problem| {
                anyhow::anyhow!("[fx] {} {problem}", crate::error::quote(code))
            })?;
            if *rate <= Decimal::ZERO || *rate > Decimal::from(1_000_000) {
                anyhow::bail!(
                    "[fx] {code} = {rate} must be a positive exchange rate of at most 10^6"
                );
            }
        }
        self.delimiter_byte()?;
        for (table, rates) in [
            ("rates.people", &self.rates.people),
            ("rates.roles", &self.rates.roles),
        ] {
            for (name, rate) in rates {
                if crate::model::name_key(name).is_empty() {
                    anyhow::bail!(
                        "[{table}] has a blank name; write the name as the timesheet does"
                    );
                }
                Range::Money.check(
                    &format!("{table}.{}", crate::error::quote(name)),
                    Number::Decimal(*rate),
                )?;
            }
        }
        for (project, client) in &self.time.projects {
            if project.trim().is_empty() || client.trim().is_empty() {
                anyhow::bail!(
                    "[time.projects] {} = {}: both the project and the client must be named",
                    crate::error::quote(project),
                    crate::error::quote(client)
                );
            }
        }
        let edges = &self.aging.edges;
        if edges.is_empty()
            || edges.len() > 12
            || edges.first() == Some(&0)
            || edges
                .windows(2)
                .any(|w| matches!(w, [low, high] if low >= high))
            || edges.iter().any(|edge| *edge > MAX_DAYS)
        {
            anyhow::bail!(
                "[aging] edges = {edges:?} must be 1 to 12 increasing numbers of days past due (1 to {MAX_DAYS}), such as [30, 60, 90]"
            );
        }
        if let Some(code) = &self.currency {
            crate::ingest::money::check_currency_code(code).map_err(|problem| {
                anyhow::anyhow!("currency = {} {problem}", crate::error::quote(code))
            })?;
        }
        Ok(())
    }
}

/// The most days any day-count setting may hold: ten years.
const MAX_DAYS: u32 = 3650;

/// A numeric setting's value, as written.
#[derive(Debug, Clone, Copy)]
enum Number {
    Decimal(Decimal),
    Float(f64),
    Count(u32),
}

impl Number {
    /// The value exactly, or `None` for a float that is not finite.
    fn exact(self) -> Option<Decimal> {
        match self {
            Number::Decimal(value) => Some(value),
            Number::Float(value) => Decimal::from_f64_retain(value),
            Number::Count(value) => Some(Decimal::from(value)),
        }
    }
}

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Number::Decimal(value) => write!(f, "{value}"),
            Number::Float(value) => write!(f, "{value}"),
            Number::Count(value) => write!(f, "{value}"),
        }
    }
}

/// What a numeric setting means, and so the values it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Range {
    /// A share, rate or margin: a fraction from 0 to 1, where a
    /// percentage written as such (15 for 15%) is the likely mistake.
    Share,
    /// Money per hour or per invoice, in the base currency. The bound
    /// keeps every product of a rate and a bounded quantity inside
    /// Decimal's exact range.
    Money,
    /// Minutes of one ticket or meeting, as `MAX_MINUTES` bounds a cell.
    Minutes,
    /// How many times one share is another.
    Times,
    /// Events per 30 days.
    PerMonth,
    /// Days.
    Days,
    /// The fewest tickets, invoices or meetings a flag needs: at least
    /// one, since 0 would raise the flag on every client, with none.
    Count,
    /// A number of warning flags: more than there are would never fire.
    WarnFlags,
    /// Hours of work, as `MAX_MINUTES` bounds a cell.
    Hours,
    /// A margin to reach: below 1, since a margin of 100% leaves no room
    /// for any cost (the revenue that reaches it is cost ÷ (1 − margin)).
    TargetMargin,
}

impl Range {
    fn bounds(self) -> (Decimal, Decimal) {
        match self {
            Range::Share => (Decimal::ZERO, Decimal::ONE),
            Range::Money => (Decimal::ZERO, Decimal::from(1_000_000_000)),
            Range::Minutes => (Decimal::ZERO, crate::ingest::duration::MAX_MINUTES),
            Range::Times => (Decimal::ZERO, Decimal::from(100)),
            Range::PerMonth => (Decimal::ZERO, Decimal::from(1000)),
            Range::Days => (Decimal::ZERO, Decimal::from(MAX_DAYS)),
            Range::Count => (Decimal::ONE, Decimal::from(1_000_000)),
            Range::Hours => (Decimal::ZERO, Decimal::from(1_000_000)),
            Range::TargetMargin => (Decimal::ZERO, Decimal::new(95, 2)),
            Range::WarnFlags => {
                let warn_flags = crate::assess::FlagId::ALL
                    .iter()
                    .filter(|flag| flag.severity() == crate::assess::Severity::Warn)
                    .count();
                (Decimal::ZERO, Decimal::from(warn_flags))
            }
        }
    }

    fn meaning(self) -> &'static str {
        match self {
            Range::Share => "a fraction",
            Range::Money => "an amount in the base currency",
            Range::Minutes => "a number of minutes",
            Range::Times => "a number of times",
            Range::PerMonth => "a number per 30 days",
            Range::Days => "a number of days",
            Range::Count => "a count (0 would raise the flag on every client)",
            Range::WarnFlags => "a number of warning flags",
            Range::Hours => "a number of hours",
            Range::TargetMargin => "a fraction below 1",
        }
    }

    /// An error naming the key, the value, the range and, for a share
    /// written as a percentage, the value meant.
    fn check(self, key: &str, value: Number) -> anyhow::Result<()> {
        let (low, high) = self.bounds();
        if value
            .exact()
            .is_some_and(|exact| low <= exact && exact <= high)
        {
            return Ok(());
        }
        let hint = match (self, value.exact()) {
            (Range::Share | Range::TargetMargin, Some(exact))
                if exact > Decimal::ONE && exact <= Decimal::ONE_HUNDRED =>
            {
                exact
                    .checked_div(Decimal::ONE_HUNDRED)
                    .map_or_else(String::new, |fraction| {
                        format!(
                            " (write {} for {}%)",
                            fraction.normalize(),
                            exact.normalize()
                        )
                    })
            }
            (Range::Share | Range::TargetMargin, _) => " (write 0.15 for 15%)".to_string(),
            _ => String::new(),
        };
        anyhow::bail!(
            "{key} = {value} is out of range: expected {} from {low} to {high}{hint}",
            self.meaning()
        )
    }
}

impl Config {
    /// Every numeric setting with its range. Counts and day numbers are
    /// unsigned, so TOML already refuses negative ones.
    fn numeric_settings(&self) -> Vec<(&'static str, Number, Range)> {
        use Number::{Count, Decimal as Dec, Float};
        let (r, t) = (&self.rates, &self.thresholds);
        let mut settings = vec![
            (
                "payment_terms_days",
                Count(self.payment_terms_days),
                Range::Days,
            ),
            (
                "default_ticket_minutes",
                Dec(self.default_ticket_minutes),
                Range::Minutes,
            ),
            (
                "default_meeting_minutes",
                Dec(self.default_meeting_minutes),
                Range::Minutes,
            ),
            ("rates.support_hourly", Dec(r.support_hourly), Range::Money),
            ("rates.meeting_hourly", Dec(r.meeting_hourly), Range::Money),
            (
                "rates.late_invoice_cost",
                Dec(r.late_invoice_cost),
                Range::Money,
            ),
            (
                "rates.delivery_cost_share",
                Dec(r.delivery_cost_share),
                Range::Share,
            ),
            ("thresholds.min_margin", Float(t.min_margin), Range::Share),
            (
                "thresholds.late_payer_min_invoices",
                Count(t.late_payer_min_invoices),
                Range::Count,
            ),
            (
                "thresholds.late_payer_share",
                Float(t.late_payer_share),
                Range::Share,
            ),
            (
                "thresholds.ticket_heavy_min_tickets",
                Count(t.ticket_heavy_min_tickets),
                Range::Count,
            ),
            (
                "thresholds.ticket_heavy_ratio",
                Float(t.ticket_heavy_ratio),
                Range::Times,
            ),
            ("thresholds.no_show_min", Count(t.no_show_min), Range::Count),
            (
                "thresholds.no_show_rate",
                Float(t.no_show_rate),
                Range::Share,
            ),
            (
                "thresholds.scope_creep_min",
                Count(t.scope_creep_min),
                Range::Count,
            ),
            (
                "thresholds.scope_creep_per_month",
                Float(t.scope_creep_per_month),
                Range::PerMonth,
            ),
            (
                "thresholds.escalations_min",
                Count(t.escalations_min),
                Range::Count,
            ),
            ("thresholds.abusive_min", Count(t.abusive_min), Range::Count),
            (
                "thresholds.discount_share",
                Float(t.discount_share),
                Range::Share,
            ),
            (
                "thresholds.concentration_share",
                Float(t.concentration_share),
                Range::Share,
            ),
            (
                "thresholds.fire_overdue_share",
                Float(t.fire_overdue_share),
                Range::Share,
            ),
            (
                "thresholds.fire_unprofitable_warn_flags",
                Count(t.fire_unprofitable_warn_flags),
                Range::WarnFlags,
            ),
            (
                "thresholds.refer_thin_margin_warn_flags",
                Count(t.refer_thin_margin_warn_flags),
                Range::WarnFlags,
            ),
            (
                "thresholds.over_servicing_share",
                Float(t.over_servicing_share),
                Range::Share,
            ),
            (
                "thresholds.over_servicing_min_hours",
                Dec(t.over_servicing_min_hours),
                Range::Hours,
            ),
            (
                "targets.margin",
                Float(self.targets.margin),
                Range::TargetMargin,
            ),
        ];
        // Optional ones, when set.
        settings.extend(
            [
                ("rates.cost_hourly", r.cost_hourly),
                ("targets.hourly", self.targets.hourly),
            ]
            .into_iter()
            .filter_map(|(key, value)| Some((key, Dec(value?), Range::Money))),
        );
        settings
    }
}

/// The keys written above the first `[section]` line.
const TOP_LEVEL_KEYS: [&str; 9] = [
    "as_of",
    "currency",
    "payment_terms_days",
    "default_ticket_minutes",
    "default_meeting_minutes",
    "date_order",
    "decimal",
    "encoding",
    "delimiter",
];

/// The section whose keys include `key`, among those with fixed keys.
fn section_of(key: &str) -> Option<String> {
    let defaults = toml::Table::try_from(Config::default()).ok()?;
    defaults.iter().find_map(|(section, value)| match value {
        toml::Value::Table(fields) if fields.contains_key(key) => Some(section.clone()),
        _ => None,
    })
}

/// Lay `over` onto `base`: tables are merged key by key, any other
/// value (a number, a list) replaces the one below.
fn overlay(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(below)), toml::Value::Table(above)) => overlay(below, above),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// The slips people make most when writing TOML by hand, said in their own
/// terms rather than the parser's: a section's key written at the top
/// level, a top-level key written after a `[section]` line (TOML puts it
/// in that section), and a date without quotes. Only asked once the file
/// has failed to load, so it never changes what a good file means.
fn common_slip(text: &str) -> Option<String> {
    let mut section: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let number = index.saturating_add(1);
        let line = raw.trim();
        if line.starts_with('[') {
            let name = line
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            section = Some(name);
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if line.starts_with('#') {
            continue;
        }
        let key = key.trim().trim_matches('"');
        let value = value.trim();
        let written = format!("{key} = {value}");
        match &section {
            None if key == "as_of" && value.starts_with(|c: char| c.is_ascii_digit()) => {
                let day = value.split('#').next().unwrap_or(value).trim();
                return Some(format!(
                    "line {number}: `{written}`: a date is written in quotes: as_of = \"{day}\""
                ));
            }
            None if !TOP_LEVEL_KEYS.contains(&key) => {
                let currency_code = key.len() == 3 && key.chars().all(|c| c.is_ascii_uppercase());
                let home = if currency_code && value.starts_with(|c: char| c.is_ascii_digit()) {
                    Some("fx".to_string())
                } else {
                    section_of(key)
                };
                if let Some(home) = home {
                    return Some(format!(
                        "line {number}: `{written}` belongs under [{home}]: move it below a `[{home}]` line (at the top it is not a setting clientfit knows)"
                    ));
                }
            }
            Some(name)
                if TOP_LEVEL_KEYS.contains(&key)
                    && section_of(key).as_deref() != Some(name.as_str()) =>
            {
                return Some(format!(
                    "line {number}: `{written}` is read as part of [{name}], because it comes after the `[{name}]` line; \
                     move it above the first [section] line of the file, where the top-level settings go"
                ));
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests;
