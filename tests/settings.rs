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
        "[thresholds]\nabusive_min = 0\n",
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

/// `clientfit ARGS` run from `fixtures/<dir>`.
fn run_from(dir: &str, args: &[&str]) -> Outcome {
    let output = clientfit()
        .current_dir(fixture(dir))
        .args(args)
        .output()
        .unwrap();
    Outcome {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

#[test]
fn the_config_beside_the_files_named_is_read() {
    // small/discovery/configured: Acme 1000.00 invoiced, one 60-minute
    // ticket; its clientfit.toml sets as_of = 2026-10-31 and
    // support_hourly = 100. Support cost 60 / 60 × 100 = 100.00 (with the
    // built-in 60/h and as-of today, 2026-11-23: 60.00).
    for args in [
        &["report", "invoices.csv", "tickets.csv", "--format", "json"][..],
        &[
            "report",
            "--invoices",
            "invoices.csv",
            "--tickets",
            "tickets.csv",
            "--format",
            "json",
        ],
    ] {
        let out = run_from("small/discovery/configured", args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let doc = parse(&out.stdout);
        assert_eq!(doc["as_of"], "2026-10-31", "{args:?}");
        assert_money(client(&doc, "Acme"), "support_cost", "100.00");
        assert_eq!(doc["settings"]["config_file"], "clientfit.toml");
        assert_eq!(doc["settings"]["config_from"], "beside-files");
    }
    // Named with their folder, from elsewhere.
    let out = run_from(
        "small/discovery",
        &[
            "report",
            "configured/invoices.csv",
            "configured/tickets.csv",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("config: configured/clientfit.toml (beside the files named)"),
        "{}",
        out.stdout
    );
}

#[test]
fn without_one_beside_the_files_the_current_directory_s_is_read() {
    // small/settings/current-directory: clientfit.toml (as_of 2026-10-31,
    // support_hourly 120) and exports/ (Acme 1000.00, a 30-minute ticket,
    // no clientfit.toml). 30 / 60 × 120 = 60.00 (built-in 60/h: 30.00).
    let out = run_from(
        "small/settings/current-directory",
        &[
            "report",
            "exports/invoices.csv",
            "exports/tickets.csv",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = parse(&out.stdout);
    assert_eq!(doc["as_of"], "2026-10-31");
    assert_money(client(&doc, "Acme"), "support_cost", "60.00");
    assert_eq!(doc["settings"]["config_file"], "clientfit.toml");
    assert_eq!(doc["settings"]["config_from"], "current-directory");

    // A data directory given brings its own clientfit.toml, or none: the
    // built-in defaults, said in every output.
    let out = run_from(
        "small/settings/current-directory",
        &[
            "report",
            "exports",
            "--as-of",
            "2026-10-31",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = parse(&out.stdout);
    assert_money(client(&doc, "Acme"), "support_cost", "30.00");
    assert_eq!(doc["settings"]["config_file"], serde_json::Value::Null);
    assert_eq!(doc["settings"]["config_from"], "built-in-defaults");
    let defaults = "built-in defaults (no clientfit.toml found; clientfit init writes one)";
    for (format, prefix) in [
        ("table", "config: "),
        ("markdown", "Config: "),
        ("html", "Config: "),
    ] {
        let out = run_from(
            "small/settings/current-directory",
            &[
                "report",
                "exports",
                "--as-of",
                "2026-10-31",
                "--format",
                format,
            ],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(
            out.stdout.contains(&format!("{prefix}{defaults}")),
            "{format}: {}",
            out.stdout
        );
    }
    // CSV has no head: the line goes to stderr.
    let out = run_from(
        "small/settings/current-directory",
        &[
            "report",
            "exports",
            "--as-of",
            "2026-10-31",
            "--format",
            "csv",
        ],
    );
    assert!(
        out.stderr.contains(&format!("config: {defaults}")),
        "{}",
        out.stderr
    );
    assert!(!out.stdout.contains("config"), "{}", out.stdout);
    let out = run_from("small/settings/current-directory", &["check", "exports"]);
    assert!(
        out.stdout.contains(&format!("config: {defaults}")),
        "{}",
        out.stdout
    );
    let out = run_from(
        "small/settings/current-directory",
        &["check", "exports/invoices.csv"],
    );
    assert!(
        out.stdout
            .contains("config: clientfit.toml (in the current directory)"),
        "{}",
        out.stdout
    );
}

#[test]
fn files_beside_different_configs_are_an_error_naming_both() {
    let root = tempfile::tempdir().unwrap();
    for (folder, rate) in [("a", "100"), ("b", "200")] {
        let dir = root.path().join(folder);
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(
            dir.join("invoices.csv"),
            "client,issued,amount\nAcme,2026-10-01,100.00\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("clientfit.toml"),
            format!("[rates]\nsupport_hourly = {rate}\n"),
        )
        .unwrap();
    }
    let run_here = |args: &[&str]| {
        let output = clientfit()
            .current_dir(root.path())
            .args(args)
            .output()
            .unwrap();
        (
            output.status.code().unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    };
    let (code, stderr) = run_here(&["report", "a/invoices.csv", "--invoices", "b/invoices.csv"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("two different config files apply to the files given: a/clientfit.toml and b/clientfit.toml; choose one with --config"),
        "{stderr}"
    );
    // The same settings in both: no question which.
    std::fs::copy(
        root.path().join("a/clientfit.toml"),
        root.path().join("b/clientfit.toml"),
    )
    .unwrap();
    let (code, stderr) = run_here(&[
        "report",
        "a/invoices.csv",
        "b/invoices.csv",
        "--as-of",
        "2026-10-31",
    ]);
    assert_eq!(code, 0, "{stderr}");
    // --config settles it.
    let (code, stderr) = run_here(&[
        "report",
        "a",
        "b",
        "--config",
        "a/clientfit.toml",
        "--as-of",
        "2026-10-31",
    ]);
    assert_eq!(code, 0, "{stderr}");
}
