//! Settings: one typed struct, loaded from `clientfit.toml`.
//!
//! The defaults live in one place, the commented `defaults.toml` compiled
//! in: `Config::default()` is that file read, and a user's file is laid
//! over it (`settings::config_file`), so a key it leaves out keeps its
//! default. Every field is `#[serde(default)]` with its type's empty value
//! (zero, none, an empty list) only so that a user's file can be checked
//! alone, with its own lines and columns in any error; those empty values
//! never reach a run.
//!
//! Layer: plain data above `model`; must not import `ingest` or anything above it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

mod tuning;

pub use tuning::Tuning;

/// The order of day and month in numeric dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Day first: 03/10/2026 is 3 October.
    Dmy,
    /// Month first: 03/10/2026 is 10 March.
    Mdy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DecimalSeparator {
    #[serde(rename = ".")]
    Dot,
    #[serde(rename = ",")]
    Comma,
}

impl DecimalSeparator {
    pub(crate) fn char(self) -> char {
        match self {
            DecimalSeparator::Dot => '.',
            DecimalSeparator::Comma => ',',
        }
    }
}

/// What config asks of encodings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EncodingSetting {
    /// BOM, else UTF-8 if valid, else Windows-1252 with a warning.
    #[default]
    Auto,
    /// UTF-8 only: anything else is an error.
    #[serde(rename = "utf-8")]
    Utf8,
    /// Always Windows-1252.
    #[serde(rename = "windows-1252")]
    Windows1252,
}

/// The commented defaults file, also what `clientfit init` writes.
pub const DEFAULTS_TOML: &str = include_str!("defaults.toml");

/// The name of the config file looked for in data directories.
pub(crate) const CONFIG_FILE_NAME: &str = "clientfit.toml";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub as_of: Option<NaiveDate>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub payment_terms_days: u32,
    #[serde(default)]
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub default_ticket_minutes: Decimal,
    #[serde(default)]
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub default_meeting_minutes: Decimal,
    #[serde(default)]
    pub date_order: Option<DateOrder>,
    /// Unset: `.`, except `,` in `;`-delimited files.
    #[serde(default)]
    pub decimal: Option<DecimalSeparator>,
    #[serde(default)]
    pub encoding: EncodingSetting,
    /// One character, or "tab". Unset: sniffed per file.
    #[serde(default)]
    pub delimiter: Option<String>,
    #[serde(default)]
    pub rates: Rates,
    #[serde(default)]
    pub thresholds: Thresholds,
    #[serde(default)]
    pub markers: Markers,
    #[serde(default)]
    pub clients: ClientSettings,
    #[serde(default)]
    pub invoices: InvoiceSettings,
    #[serde(default)]
    pub tickets: TicketSettings,
    #[serde(default)]
    pub meetings: KindSettings,
    #[serde(default)]
    pub aging: Aging,
    #[serde(default)]
    pub targets: Targets,
    #[serde(default)]
    pub time: TimeSettings,
    /// Replacements for lists of the built-in playbook.
    #[serde(default)]
    pub playbook: PlaybookLists,
    /// Exchange rates to the base currency: `EUR = 1.08` means 1 EUR = 1.08 base.
    #[serde(default)]
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
    /// Not from the file: the environment's tuning, which `settings` puts
    /// here so that it reaches every stage; never written out.
    #[serde(skip)]
    pub tuning: Tuning,
}

/// The defaults file, read once.
static DEFAULTS: std::sync::LazyLock<Result<Config, String>> =
    std::sync::LazyLock::new(|| toml::from_str(DEFAULTS_TOML).map_err(|err| err.to_string()));

impl Default for Config {
    /// The settings of `defaults.toml`: what a run uses without a config
    /// file. (Every struct-valued key with a `Default` of its own taken
    /// from here must appear in that file, or reading it would ask for
    /// itself.)
    #[allow(
        clippy::panic,
        reason = "the file is compiled in, and a unit test reads it: it cannot fail at run time"
    )]
    fn default() -> Self {
        match &*DEFAULTS {
            Ok(config) => config.clone(),
            Err(err) => panic!("the compiled-in defaults.toml does not read: {err}"),
        }
    }
}

/// Each part's default is its part of `defaults.toml`.
macro_rules! default_from_file {
    ($($part:ident: $type:ty),* $(,)?) => {$(
        impl Default for $type {
            fn default() -> Self {
                Config::default().$part
            }
        }
    )*};
}

default_from_file!(
    rates: Rates,
    thresholds: Thresholds,
    markers: Markers,
    clients: ClientSettings,
    aging: Aging,
    targets: Targets,
    time: TimeSettings,
);

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
    pub(crate) fn provenance(&self) -> String {
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

/// Aging buckets of `clientfit receivables`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aging {
    /// Upper edges in days past due: [30, 60, 90] gives current, 1-30,
    /// 31-60, 61-90 and 91+.
    #[serde(default)]
    pub(crate) edges: Vec<u32>,
}

/// Cost rates, in the base currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rates {
    #[serde(default)]
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub support_hourly: Decimal,
    #[serde(default)]
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub meeting_hourly: Decimal,
    #[serde(default)]
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub late_invoice_cost: Decimal,
    #[serde(default)]
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub delivery_cost_share: Decimal,
    /// Whether the config set `delivery_cost_share` (0 included): until it
    /// does, the cost of the work itself is unknown, not zero, and every
    /// output says that profit leaves it out.
    #[serde(skip)]
    pub delivery_cost_known: bool,
    /// What an hour in a timesheet costs when neither the row, the person
    /// nor the role gives a rate. Unset: such hours are an error.
    #[serde(default)]
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub cost_hourly: Option<Decimal>,
    /// Cost per hour of each person of a timesheet, by name.
    #[serde(default)]
    #[serde(serialize_with = "decimal_map")]
    pub people: BTreeMap<String, Decimal>,
    /// Cost per hour of each role or task of a timesheet.
    #[serde(default)]
    #[serde(serialize_with = "decimal_map")]
    pub roles: BTreeMap<String, Decimal>,
}

impl Rates {
    /// The rates that price timesheet hours.
    pub fn card(&self) -> crate::model::RateCard {
        crate::model::RateCard::new(&self.people, &self.roles, self.cost_hourly)
    }
}

/// `[targets]`: what a client should yield, to size the price gap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// The margin each client should reach: 0.30 = 30%.
    #[serde(default)]
    pub(crate) margin: f64,
    /// The revenue per hour worked each client should reach. Unset: no
    /// hourly target (and no below-target-rate flag).
    #[serde(default)]
    #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
    pub(crate) hourly: Option<Decimal>,
}

/// Work a timesheet may already hold, whose cost is then not counted again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Covered {
    /// Time spent on tickets.
    Support,
    /// Time spent in client meetings (no-shows included).
    Meetings,
}

/// What a bare number means in a timesheet's duration column whose header
/// does not say (`Duration`, `Time`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DurationUnitSetting {
    Hours,
    Minutes,
    Seconds,
}

/// `[time]`: reading timesheets, and what their hours stand for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeSettings {
    /// Work the timesheet's hours include: its cost is not counted again
    /// from tickets or meetings (their counts still raise flags).
    #[serde(default)]
    pub(crate) covers: Vec<Covered>,
    #[serde(default)]
    pub(crate) duration_unit: Option<DurationUnitSetting>,
    /// Project name → client, for entries whose client cell is blank or
    /// missing.
    #[serde(default)]
    pub(crate) projects: BTreeMap<String, String>,
    #[serde(default)]
    pub(crate) columns: BTreeMap<String, String>,
}

impl TimeSettings {
    pub(crate) fn covers(&self, work: Covered) -> bool {
        self.covers.contains(&work)
    }
}

/// Said in every output while the delivery cost is unknown.
pub(crate) const DELIVERY_COST_UNKNOWN: &str = "profit leaves out delivery cost: set `[rates] delivery_cost_share` (0.4 = the work costs 40% of revenue)";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    #[serde(default)]
    pub(crate) min_margin: f64,
    #[serde(default)]
    pub(crate) late_payer_min_invoices: u32,
    #[serde(default)]
    pub(crate) late_payer_share: f64,
    #[serde(default)]
    pub(crate) ticket_heavy_min_tickets: u32,
    #[serde(default)]
    pub(crate) ticket_heavy_ratio: f64,
    #[serde(default)]
    pub(crate) no_show_min: u32,
    #[serde(default)]
    pub(crate) no_show_rate: f64,
    #[serde(default)]
    pub(crate) scope_creep_min: u32,
    #[serde(default)]
    pub(crate) scope_creep_per_month: f64,
    #[serde(default)]
    pub(crate) escalations_min: u32,
    #[serde(default)]
    pub(crate) abusive_min: u32,
    #[serde(default)]
    pub(crate) discount_share: f64,
    #[serde(default)]
    pub(crate) concentration_share: f64,
    #[serde(default)]
    pub(crate) fire_overdue_share: f64,
    #[serde(default)]
    pub(crate) fire_unprofitable_warn_flags: u32,
    #[serde(default)]
    pub(crate) refer_thin_margin_warn_flags: u32,
    #[serde(default)]
    pub(crate) over_servicing_share: f64,
    #[serde(default)]
    #[serde(with = "rust_decimal::serde::arbitrary_precision")]
    pub(crate) over_servicing_min_hours: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Markers {
    #[serde(default)]
    pub(crate) scope_change: Vec<String>,
    #[serde(default)]
    pub(crate) abuse: Vec<String>,
    #[serde(default)]
    pub(crate) escalation: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSettings {
    #[serde(default)]
    pub(crate) legal_forms: Vec<String>,
    /// Header mappings for clients.csv.
    #[serde(default)]
    pub(crate) columns: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InvoiceSettings {
    pub lines: bool,
    /// What the discount column holds. Unset: amounts, unless every
    /// discount of a file lies between 0 and 1 while its amounts do not;
    /// then they look like rates and discounts are left out, with a warning.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) discount: Option<DiscountKind>,
    /// Whether the amount column is the price before the discount or what
    /// was invoiced after it. Needed with `discount = "rate"`; unset for
    /// amounts: after (exports give the total invoiced).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) discount_applied: Option<DiscountApplied>,
    pub(crate) columns: BTreeMap<String, String>,
    pub(crate) status: BTreeMap<String, String>,
}

/// What an invoice's discount column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum DiscountKind {
    /// Money off the invoice, in its currency.
    Amount,
    /// A share of the invoice between 0 and 1 (0.2 for 20%).
    Rate,
}

/// Whether an invoice's amount is before or after its discount rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum DiscountApplied {
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
    pub(crate) lines: bool,
    pub(crate) columns: BTreeMap<String, String>,
    pub(crate) status: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KindSettings {
    pub(crate) columns: BTreeMap<String, String>,
    pub(crate) status: BTreeMap<String, String>,
}

impl Config {
    /// The configured delimiter as a byte, if any.
    pub(crate) fn delimiter_byte(&self) -> anyhow::Result<Option<u8>> {
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
                Ok(one.as_bytes().first().copied())
            }
            _ => anyhow::bail!(
                "delimiter = {} must be one character such as \",\", \";\" or \"|\", or \"tab\"",
                crate::error::quote(text)
            ),
        }
    }
}

/// `[playbook]`: lists that replace those of the built-in playbook, per
/// verdict, per flag, and the provider to refer to per flag.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlaybookLists {
    pub(crate) verdict: BTreeMap<String, Vec<String>>,
    pub(crate) flag: BTreeMap<String, Vec<String>>,
    pub(crate) refer: BTreeMap<String, String>,
}
