//! Unit tests of reading `clientfit.toml`.

use super::*;
use crate::config::{DEFAULTS_TOML, DateOrder, DecimalSeparator, DiscountApplied, Thresholds};
use chrono::NaiveDate;

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
        "targets",
        "time",
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
        Config::parse("[invoices]\ndiscount = \"rate\"\ndiscount_applied = \"after\"\n").unwrap();
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
fn the_defaults_file_reads_and_passes_the_checks_of_a_users_file() {
    let defaults: Config = toml::from_str(DEFAULTS_TOML).unwrap();
    assert_eq!(defaults, Config::default());
    assert_eq!(Config::parse(DEFAULTS_TOML).unwrap(), Config::default());
    // An empty file is the defaults too.
    assert_eq!(Config::parse("").unwrap(), Config::default());
    // The documented values, read from the file: payment terms 30 days,
    // support 60 an hour, aging edges 30/60/90, delivery cost unknown.
    let config = Config::default();
    assert_eq!(config.payment_terms_days, 30);
    assert_eq!(config.rates.support_hourly, Decimal::from(60));
    assert_eq!(config.aging.edges, vec![30, 60, 90]);
    assert_eq!(config.rates.delivery_cost_share, Decimal::ZERO);
    assert!(!config.rates.delivery_cost_known);
}

#[test]
fn a_file_is_laid_over_the_defaults_table_by_table() {
    // One key of [thresholds] and one list of [markers]: every other
    // key of those tables keeps its default; a list replaces the
    // default list whole.
    let config = Config::parse(
        "[thresholds]\nmin_margin = 0.2\n[markers]\nabuse = [\"rude\"]\n[invoices.columns]\namount = \"Total\"\n",
    )
    .unwrap();
    let defaults = Config::default();
    assert_eq!(config.thresholds.min_margin, 0.2);
    assert_eq!(
        config.thresholds.late_payer_share,
        defaults.thresholds.late_payer_share
    );
    assert_eq!(config.markers.abuse, vec!["rude".to_string()]);
    assert_eq!(config.markers.escalation, defaults.markers.escalation);
    assert_eq!(
        config.invoices.columns.get("amount").map(String::as_str),
        Some("Total")
    );
    assert_eq!(config.clients.legal_forms, defaults.clients.legal_forms);
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
