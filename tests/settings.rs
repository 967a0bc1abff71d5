//! SPEC §1: every setting has a range, and a value outside it stops the
//! run with the key, the value, the range and (for shares written as
//! percentages) the value meant; and which `clientfit.toml` is read.

use crate::util::*;

#[test]
fn a_share_written_as_a_percentage_is_an_error_not_a_flag_on_everyone() {
    // clientfit.toml there: [thresholds] min_margin = 15 (meant: 15%).
    // Read as a fraction, every margin is below 15 (Acme: 1000 revenue,
    // 60 min × 60/h = 60 cost, margin 0.94), so every client was
    // thin-margin.
    let out = report_run("small/settings/percent-share", &["--as-of", "2026-10-31"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.is_empty());
    for part in [
        "thresholds.min_margin = 15",
        "from 0 to 1",
        "write 0.15 for 15%",
        "clientfit.toml",
    ] {
        assert!(out.stderr.contains(part), "{part:?} in {}", out.stderr);
    }
}

/// The temporary directory named in a message, up to its `settings.toml`.
fn config_dir_of(message: &str) -> String {
    let end = message.find("settings.toml").unwrap_or(0);
    let start = message[..end].find('/').unwrap_or(end);
    message[start..end].to_string()
}

/// Run `report` on a small data set with a config holding `toml`.
fn with_config(toml: &str) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("settings.toml");
    std::fs::write(&config, toml).unwrap();
    run([
        "report".into(),
        fixture("small/discovery/by-header").into_os_string(),
        "--config".into(),
        config.into_os_string(),
        "--as-of".into(),
        "2026-10-31".into(),
    ])
}

#[test]
fn every_numeric_setting_is_checked_against_its_range() {
    // One value out of range per setting: shares as percentages, negative
    // money, minutes and ratios, counts beyond reason, a rate of 0.
    let cases = [
        "[thresholds]\nmin_margin = 15\n",
        "[thresholds]\nlate_payer_share = 30\n",
        "[thresholds]\nno_show_rate = 25\n",
        "[thresholds]\ndiscount_share = 30\n",
        "[thresholds]\nconcentration_share = 30\n",
        "[thresholds]\nfire_overdue_share = 250\n",
        "[thresholds]\nmin_margin = -0.1\n",
        "[thresholds]\nticket_heavy_ratio = -2\n",
        "[thresholds]\nscope_creep_per_month = 5000\n",
        "[thresholds]\nlate_payer_min_invoices = 2000000\n",
        "[thresholds]\nfire_unprofitable_warn_flags = 40\n",
        "[thresholds]\nmin_margin = nan\n",
        "[rates]\ndelivery_cost_share = 40\n",
        "[rates]\nsupport_hourly = -60\n",
        "[rates]\nlate_invoice_cost = 2000000000\n",
        "default_ticket_minutes = -20\n",
        "payment_terms_days = 4000\n",
        "[aging]\nedges = [30, 60, 9000]\n",
        "[fx]\nEUR = 0\n",
    ];
    let mut all = String::new();
    for toml in cases {
        let out = with_config(toml);
        assert_eq!(out.code, 1, "{toml}: {}", out.stdout);
        assert!(out.stdout.is_empty());
        // The temporary directory's name changes from run to run.
        let message = out.stderr.replace(&config_dir_of(&out.stderr), "");
        all.push_str(&format!("{toml}→ {message}\n"));
    }
    insta::assert_snapshot!("setting_ranges", all);
}

#[test]
fn values_at_the_ends_of_a_range_are_accepted() {
    for toml in [
        "[thresholds]\nmin_margin = 0\nlate_payer_share = 1\n",
        "[rates]\ndelivery_cost_share = 1\nsupport_hourly = 0\n",
        "payment_terms_days = 0\n",
    ] {
        let out = with_config(toml);
        assert_eq!(out.code, 0, "{toml}: {}", out.stderr);
    }
}
