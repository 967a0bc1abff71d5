//! Settings: one typed struct with defaults, loaded from `clientfit.toml`.
//!
//! The defaults live twice by necessity — in `Default` impls, and in the
//! commented `defaults.toml` that documents them — and a test keeps the two
//! identical, so the documentation cannot drift from the behaviour.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ingest::date::DateOrder;
use crate::ingest::money::DecimalSeparator;
use crate::ingest::source::EncodingSetting;

/// The commented defaults file, also what `clientfit init` writes.
pub const DEFAULTS_TOML: &str = include_str!("defaults.toml");

/// The name of the config file looked for in data directories.
pub const CONFIG_FILE_NAME: &str = "clientfit.toml";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub as_of: Option<NaiveDate>,
    pub currency: Option<String>,
    pub payment_terms_days: u32,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub default_ticket_minutes: Decimal,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub default_meeting_minutes: Decimal,
    pub date_order: Option<DateOrder>,
    /// Unset: `.`, except `,` in `;`-delimited files.
    pub decimal: Option<DecimalSeparator>,
    pub encoding: EncodingSetting,
    /// One character, or "tab". Unset: sniffed per file.
    pub delimiter: Option<String>,
    pub rates: Rates,
    pub thresholds: Thresholds,
    pub markers: Markers,
    pub clients: ClientSettings,
    pub invoices: InvoiceSettings,
    pub tickets: TicketSettings,
    pub meetings: KindSettings,
    pub aging: Aging,
    /// Replacements for lists of the built-in playbook.
    pub playbook: crate::playbook::Playbook,
    /// Exchange rates to the base currency: `EUR = 1.08` means 1 EUR = 1.08 base.
    #[serde(serialize_with = "decimal_map")]
    pub fx: BTreeMap<String, Decimal>,
    /// The file this was loaded from: an input too, so `--output` refuses it.
    /// Written into JSON `settings` as `config_file` (null: the defaults).
    #[serde(
        skip_deserializing,
        rename = "config_file",
        serialize_with = "lossy_path"
    )]
    pub source: Option<std::path::PathBuf>,
    /// How the file was found.
    #[serde(skip_deserializing, rename = "config_from")]
    pub origin: ConfigOrigin,
}

/// Where the settings came from: named in every output.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConfigOrigin {
    /// No config file: the built-in defaults.
    #[default]
    BuiltInDefaults,
    /// `--config FILE`.
    Flag,
    /// The `clientfit.toml` of a data directory given.
    DataDirectory,
    /// The `clientfit.toml` beside the files named.
    BesideFiles,
    /// The `clientfit.toml` of the current directory.
    CurrentDirectory,
}

impl Config {
    /// Which settings were used, for the head of every output:
    /// `demo/clientfit.toml (in the data directory)`, or the defaults.
    pub fn provenance(&self) -> String {
        let Some(path) = &self.source else {
            return "built-in defaults (no clientfit.toml found; clientfit init writes one)"
                .to_string();
        };
        let how = match self.origin {
            ConfigOrigin::Flag => "--config",
            ConfigOrigin::DataDirectory => "in the data directory",
            ConfigOrigin::BesideFiles => "beside the files named",
            ConfigOrigin::CurrentDirectory => "in the current directory",
            ConfigOrigin::BuiltInDefaults => "loaded",
        };
        format!("{} ({how})", path.display())
    }
}

/// A path as text, whatever bytes it holds.
fn lossy_path<S: serde::Serializer>(
    path: &Option<std::path::PathBuf>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match path {
        Some(path) => serializer.serialize_str(&path.to_string_lossy()),
        None => serializer.serialize_none(),
    }
}

/// Write a map of decimals as numbers, as the other rates are.
fn decimal_map<S: serde::Serializer>(
    map: &BTreeMap<String, Decimal>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    struct Number<'a>(&'a Decimal);
    impl Serialize for Number<'_> {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            rust_decimal::serde::arbitrary_precision::serialize(self.0, serializer)
        }
    }
    let mut out = serializer.serialize_map(Some(map.len()))?;
    for (code, rate) in map {
        out.serialize_entry(code, &Number(rate))?;
    }
    out.end()
}

impl Default for Config {
    fn default() -> Self {
        Config {
            as_of: None,
            currency: None,
            payment_terms_days: 30,
            default_ticket_minutes: Decimal::from(20),
            default_meeting_minutes: Decimal::from(30),
            date_order: None,
            decimal: None,
            encoding: EncodingSetting::Auto,
            delimiter: None,
            rates: Rates::default(),
            thresholds: Thresholds::default(),
            markers: Markers::default(),
            clients: ClientSettings::default(),
            invoices: InvoiceSettings::default(),
            tickets: TicketSettings::default(),
            meetings: KindSettings::default(),
            aging: Aging::default(),
            playbook: crate::playbook::Playbook::default(),
            fx: BTreeMap::new(),
            source: None,
            origin: ConfigOrigin::BuiltInDefaults,
        }
    }
}

/// Aging buckets of `clientfit receivables`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Aging {
    /// Upper edges in days past due: [30, 60, 90] gives current, 1-30,
    /// 31-60, 61-90 and 91+.
    pub edges: Vec<u32>,
}

impl Default for Aging {
    fn default() -> Self {
        Aging {
            edges: vec![30, 60, 90],
        }
    }
}

/// Cost rates, in the base currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rates {
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub support_hourly: Decimal,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub meeting_hourly: Decimal,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub late_invoice_cost: Decimal,
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub delivery_cost_share: Decimal,
    /// Whether the config set `delivery_cost_share` (0 included): until it
    /// does, the cost of the work itself is unknown, not zero, and every
    /// output says that profit leaves it out.
    #[serde(skip)]
    pub delivery_cost_known: bool,
}

/// Said in every output while the delivery cost is unknown.
pub const DELIVERY_COST_UNKNOWN: &str = "profit leaves out delivery cost: set `[rates] delivery_cost_share` (0.4 = the work costs 40% of revenue)";

impl Default for Rates {
    fn default() -> Self {
        Rates {
            support_hourly: Decimal::from(60),
            meeting_hourly: Decimal::from(90),
            late_invoice_cost: Decimal::from(15),
            delivery_cost_share: Decimal::ZERO,
            delivery_cost_known: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    pub min_margin: f64,
    pub late_payer_min_invoices: u32,
    pub late_payer_share: f64,
    pub ticket_heavy_min_tickets: u32,
    pub ticket_heavy_ratio: f64,
    pub no_show_min: u32,
    pub no_show_rate: f64,
    pub scope_creep_min: u32,
    pub scope_creep_per_month: f64,
    pub escalations_min: u32,
    pub abusive_min: u32,
    pub discount_share: f64,
    pub concentration_share: f64,
    pub fire_overdue_share: f64,
    pub fire_unprofitable_warn_flags: u32,
    pub refer_thin_margin_warn_flags: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            min_margin: 0.15,
            late_payer_min_invoices: 2,
            late_payer_share: 0.30,
            ticket_heavy_min_tickets: 5,
            ticket_heavy_ratio: 2.0,
            no_show_min: 2,
            no_show_rate: 0.25,
            scope_creep_min: 2,
            scope_creep_per_month: 1.0,
            escalations_min: 2,
            abusive_min: 1,
            discount_share: 0.20,
            concentration_share: 0.15,
            fire_overdue_share: 0.25,
            fire_unprofitable_warn_flags: 2,
            refer_thin_margin_warn_flags: 2,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Markers {
    pub scope_change: Vec<String>,
    pub abuse: Vec<String>,
    pub escalation: Vec<String>,
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

impl Default for Markers {
    fn default() -> Self {
        Markers {
            scope_change: strings(&[
                "change request",
                "change_request",
                "scope change",
                "scope_change",
                "new requirement",
            ]),
            abuse: strings(&["abusive", "abuse", "harassment", "threat"]),
            escalation: strings(&["escalated", "escalation", "executive"]),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClientSettings {
    pub legal_forms: Vec<String>,
    /// Header mappings for clients.csv.
    pub columns: BTreeMap<String, String>,
}

impl Default for ClientSettings {
    fn default() -> Self {
        ClientSettings {
            legal_forms: strings(&[
                "inc",
                "llc",
                "ltd",
                "limited",
                "gmbh",
                "ag",
                "sa",
                "sas",
                "sarl",
                "bv",
                "nv",
                "oy",
                "ab",
                "as",
                "plc",
                "corp",
                "corporation",
                "co",
                "company",
                "pty",
                "srl",
                "kft",
                "ooo",
                "spa",
            ]),
            columns: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InvoiceSettings {
    pub lines: bool,
    /// What the discount column holds. Unset: amounts, unless every
    /// discount of a file lies between 0 and 1 while its amounts do not;
    /// then they look like rates and discounts are left out, with a warning.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount: Option<DiscountKind>,
    /// Whether the amount column is the price before the discount or what
    /// was invoiced after it. Needed with `discount = "rate"`; unset for
    /// amounts: after (exports give the total invoiced).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discount_applied: Option<DiscountApplied>,
    pub columns: BTreeMap<String, String>,
    pub status: BTreeMap<String, String>,
}

/// What an invoice's discount column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiscountKind {
    /// Money off the invoice, in its currency.
    Amount,
    /// A share of the invoice between 0 and 1 (0.2 for 20%).
    Rate,
}

/// Whether an invoice's amount is before or after its discount rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiscountApplied {
    /// The amount is the list price: the discount is amount × rate, and
    /// what was invoiced is the amount less it.
    Before,
    /// The amount is what was invoiced: the discount is
    /// amount × rate / (1 − rate).
    After,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TicketSettings {
    /// Rows that share a ticket id within one file are time entries of one
    /// ticket, their minutes added up (otherwise they are updates of it,
    /// and its last row carries its state).
    pub lines: bool,
    pub columns: BTreeMap<String, String>,
    pub status: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KindSettings {
    pub columns: BTreeMap<String, String>,
    pub status: BTreeMap<String, String>,
}

impl Config {
    /// Read a config file; a missing key keeps its default, an unknown key
    /// or a wrong type is an error with the file's line and column.
    pub fn load(path: &Path) -> anyhow::Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        let mut config =
            Config::parse(&text).with_context(|| format!("in config file {}", path.display()))?;
        config.source = Some(path.to_path_buf());
        Ok(config)
    }

    pub fn parse(text: &str) -> anyhow::Result<Config> {
        let mut config: Config = toml::from_str(text).map_err(|err| match common_slip(text) {
            Some(slip) => anyhow::anyhow!("{slip}"),
            None => anyhow::anyhow!("{}", err.to_string().trim_end()),
        })?;
        // The file loaded, so it is valid TOML: read once more for whether
        // the key is there at all.
        config.rates.delivery_cost_known = toml::from_str::<toml::Table>(text)
            .ok()
            .and_then(|table| {
                table
                    .get("rates")?
                    .as_table()
                    .map(|rates| rates.contains_key("delivery_cost_share"))
            })
            .unwrap_or(false);
        config.validate()?;
        config.validate_tables()?;
        config.playbook.check_keys()?;
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
        let edges = &self.aging.edges;
        if edges.is_empty()
            || edges.len() > 12
            || edges[0] == 0
            || edges.windows(2).any(|w| w[0] >= w[1])
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
            (Range::Share, Some(exact))
                if exact > Decimal::ONE && exact <= Decimal::ONE_HUNDRED =>
            {
                let fraction = (exact / Decimal::ONE_HUNDRED).normalize();
                format!(" (write {fraction} for {}%)", exact.normalize())
            }
            (Range::Share, _) => " (write 0.15 for 15%)".to_string(),
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
        vec![
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
        ]
    }
}

/// `; did you mean "paid_amount"?` for a name close to one of `known`
/// (also when the words are in another order: `amount_paid`).
pub fn did_you_mean(name: &str, known: &[&str]) -> String {
    let sorted = |text: &str| {
        let mut words: Vec<&str> = text.split(['_', '-', ' ']).collect();
        words.sort_unstable();
        words.join("_")
    };
    known
        .iter()
        .map(|candidate| {
            let direct = strsim::normalized_levenshtein(name, candidate);
            let reordered = strsim::normalized_levenshtein(&sorted(name), &sorted(candidate));
            (direct.max(reordered), *candidate)
        })
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| format!("; did you mean {candidate:?}?"))
        .unwrap_or_default()
}

impl Config {
    /// The configured delimiter as a byte, if any.
    pub fn delimiter_byte(&self) -> anyhow::Result<Option<u8>> {
        let Some(text) = &self.delimiter else {
            return Ok(None);
        };
        match text.as_str() {
            "tab" | "\t" => Ok(Some(b'\t')),
            // A line break or another control character would split every
            // row, or none, where no one can see it.
            one if one.chars().any(|c| c.is_control()) => anyhow::bail!(
                "delimiter = {} is a control character (a line break ends a row; it cannot separate columns); use \",\", \";\", \"|\" or \"tab\"",
                crate::error::quote(one)
            ),
            one if one.len() == 1
                && one.is_ascii()
                && !one.chars().any(|c| c.is_alphanumeric() || c == '"') =>
            {
                Ok(Some(one.as_bytes()[0]))
            }
            _ => anyhow::bail!(
                "delimiter = {} must be one character such as \",\", \";\" or \"|\", or \"tab\"",
                crate::error::quote(text)
            ),
        }
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

/// The slips people make most when writing TOML by hand, said in their own
/// terms rather than the parser's: a section's key written at the top
/// level, a top-level key written after a `[section]` line (TOML puts it
/// in that section), and a date without quotes. Only asked once the file
/// has failed to load, so it never changes what a good file means.
fn common_slip(text: &str) -> Option<String> {
    let mut section: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
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
mod tests {
    use super::*;

    #[test]
    fn the_top_level_keys_are_the_fields_of_the_file_top() {
        // With every optional key set, the file's top holds exactly the
        // listed keys and the sections.
        let sections = [
            "rates",
            "thresholds",
            "markers",
            "clients",
            "invoices",
            "tickets",
            "meetings",
            "aging",
            "playbook",
            "fx",
        ];
        let all = Config {
            as_of: NaiveDate::from_ymd_opt(2026, 10, 31),
            currency: Some("USD".into()),
            date_order: Some(DateOrder::Dmy),
            decimal: Some(DecimalSeparator::Comma),
            delimiter: Some(";".into()),
            ..Config::default()
        };
        let every = toml::Table::try_from(all).unwrap();
        let mut top: Vec<&str> = every
            .keys()
            .map(String::as_str)
            .filter(|k| !sections.contains(k))
            // Written into JSON settings to say where they came from; never read.
            .filter(|k| !["config_file", "config_from"].contains(k))
            .collect();
        top.sort_unstable();
        let mut listed = TOP_LEVEL_KEYS.to_vec();
        listed.sort_unstable();
        assert_eq!(top, listed);
    }

    #[test]
    fn common_slips_say_where_the_key_belongs_or_how_to_write_it() {
        let message = |text: &str| format!("{:#}", Config::parse(text).unwrap_err());
        insta::assert_snapshot!(
            "config_slips",
            [
                "support_hourly = 65\n",
                "currency = \"EUR\"\n[fx]\nGBP = 1.17\ncurrency = \"USD\"\n",
                "as_of = 2026-10-31\n",
                "# pinned\nas_of = 2026-10-31 # month end\n",
                "[rates]\nsupport_hourly = 60\npayment_terms_days = 14\n",
                "edges = [30, 60]\n",
                "currency = \"USD\"\nEUR = 1.08\n",
            ]
            .iter()
            .map(|text| format!("{text}→ {}\n", message(text)))
            .collect::<Vec<_>>()
            .join("\n")
        );
        // A plain typo keeps the parser's list of the keys that exist.
        assert!(message("suport_hourly = 65\n").contains("unknown field"));
    }

    #[test]
    fn a_discount_rate_must_say_whether_the_amount_is_before_or_after_it() {
        let err = Config::parse("[invoices]\ndiscount = \"rate\"\n").unwrap_err();
        assert!(err.to_string().contains("discount_applied"), "{err}");
        let config =
            Config::parse("[invoices]\ndiscount = \"rate\"\ndiscount_applied = \"after\"\n")
                .unwrap();
        assert_eq!(config.invoices.discount, Some(DiscountKind::Rate));
        assert_eq!(
            config.invoices.discount_applied,
            Some(DiscountApplied::After)
        );
        assert!(Config::parse("[invoices]\ndiscount = \"percent\"\n").is_err());
        // Amounts before their discount need no rate.
        assert!(Config::parse("[invoices]\ndiscount_applied = \"before\"\n").is_ok());
    }

    #[test]
    fn the_documented_defaults_are_the_real_defaults() {
        let parsed = Config::parse(DEFAULTS_TOML).unwrap();
        assert_eq!(parsed, Config::default());
    }

    #[test]
    fn a_partial_file_keeps_the_other_defaults() {
        let config = Config::parse("[rates]\nsupport_hourly = 72.5\n").unwrap();
        assert_eq!(config.rates.support_hourly, Decimal::new(725, 1));
        assert_eq!(config.rates.meeting_hourly, Decimal::from(90));
        assert_eq!(config.thresholds, Thresholds::default());
    }

    #[test]
    fn unknown_keys_are_errors_with_a_location() {
        let err = Config::parse("[rates]\nsupport_hourli = 72\n").unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains("support_hourli"), "{text}");
        assert!(text.contains("line 2"), "{text}");
    }

    #[test]
    fn mappings_name_real_fields_and_statuses() {
        let err = Config::parse("[invoices.columns]\namout_paid = \"Paid\"\n").unwrap_err();
        assert!(
            err.to_string().contains("did you mean \"paid_amount\"?"),
            "{err}"
        );
        let err = Config::parse("[invoices.status]\nbezahlt = \"payed\"\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("\"payed\" is not a status clientfit knows"),
            "{err}"
        );
        assert!(Config::parse("[meetings.status]\nerschienen = \"attended\"\n").is_ok());
    }

    #[test]
    fn negative_rates_are_rejected() {
        let err = Config::parse("[rates]\nmeeting_hourly = -1\n").unwrap_err();
        assert!(err.to_string().contains("rates.meeting_hourly"));
    }

    #[test]
    fn the_delivery_cost_is_known_once_the_share_is_set_even_to_zero() {
        assert!(!Config::default().rates.delivery_cost_known);
        assert!(
            !Config::parse(DEFAULTS_TOML)
                .unwrap()
                .rates
                .delivery_cost_known
        );
        assert!(
            !Config::parse("[rates]\nsupport_hourly = 60\n")
                .unwrap()
                .rates
                .delivery_cost_known
        );
        for share in ["0", "0.58"] {
            let text = format!("[rates]\ndelivery_cost_share = {share}\n");
            assert!(
                Config::parse(&text).unwrap().rates.delivery_cost_known,
                "{share}"
            );
        }
    }

    #[test]
    fn a_control_character_is_no_delimiter() {
        // As written in the TOML file.
        for text in [r"\n", r"\r", r"\u0000", r"\u001b"] {
            let err = Config::parse(&format!("delimiter = \"{text}\"\n")).unwrap_err();
            assert!(
                format!("{err:#}").contains("is a control character"),
                "{text:?}: {err:#}"
            );
        }
        assert_eq!(
            Config::parse("delimiter = \"tab\"\n")
                .unwrap()
                .delimiter_byte()
                .unwrap(),
            Some(b'\t')
        );
    }

    #[test]
    fn a_long_value_is_cut_in_its_error() {
        let long = "X".repeat(100_000);
        let err = Config::parse(&format!("currency = \"{long}\"\n")).unwrap_err();
        let text = format!("{err:#}");
        assert!(text.len() < 1_000, "{} bytes", text.len());
        assert!(text.contains("currency = \"XXXX"), "{text}");
    }

    #[test]
    fn every_number_of_the_defaults_file_has_a_range() {
        // Walk defaults.toml: every number outside a list (the aging edges
        // and [fx] are checked on their own) must be range-checked.
        fn numbers(prefix: &str, table: &toml::Table, out: &mut Vec<String>) {
            for (key, value) in table {
                let name = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                match value {
                    toml::Value::Integer(_) | toml::Value::Float(_) => out.push(name),
                    toml::Value::Table(inner) => numbers(&name, inner, out),
                    _ => {}
                }
            }
        }
        let table: toml::Table = toml::from_str(DEFAULTS_TOML).unwrap();
        let mut documented = Vec::new();
        numbers("", &table, &mut documented);
        let checked: Vec<&str> = Config::default()
            .numeric_settings()
            .iter()
            .map(|(key, _, _)| *key)
            .collect();
        assert!(documented.len() >= 20, "{documented:?}");
        for key in &documented {
            assert!(checked.contains(&key.as_str()), "{key} has no range");
        }
    }

    #[test]
    fn shares_written_as_percentages_name_the_fraction_meant() {
        let err = Config::parse("[thresholds]\nlate_payer_share = 30\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "thresholds.late_payer_share = 30 is out of range: expected a fraction from 0 to 1 (write 0.3 for 30%)"
        );
        let err = Config::parse("[rates]\ndelivery_cost_share = 1.5\n").unwrap_err();
        assert!(err.to_string().contains("(write 0.015 for 1.5%)"), "{err}");
        assert!(Config::parse("[thresholds]\nno_show_rate = 1\n").is_ok());
        assert!(Config::parse("[thresholds]\nmin_margin = inf\n").is_err());
    }

    #[test]
    fn as_of_is_a_date() {
        let config = Config::parse("as_of = \"2026-10-31\"\n").unwrap();
        assert_eq!(config.as_of, NaiveDate::from_ymd_opt(2026, 10, 31));
        assert!(Config::parse("as_of = \"31.10.2026\"\n").is_err());
    }
}
