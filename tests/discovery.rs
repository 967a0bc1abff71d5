//! SPEC §1: which files are read and as what kind — by flag, by file name,
//! by header row — several files of a kind, standard input, and where the
//! config comes from.

use crate::util::*;

const OCTOBER: &[&str] = &["--period", "2026-10", "--as-of", "2026-10-31"];

#[test]
fn kinds_come_from_header_rows_when_names_say_nothing() {
    // billing-export.csv, helpdesk-export.csv and calendar-export.csv name
    // no kind; their headers do (Stripe-, Zendesk- and HubSpot-like).
    let doc = report("small/discovery/by-header", OCTOBER);
    let acme = client(&doc, "Acme Inc");
    assert_money(acme, "revenue", "1000.00");
    assert_count(acme, "tickets", 1);
    assert_count(acme, "attended", 1);
    // 30 min / 60 × 60 = 30.00; 60 min × 1 / 60 × 90 = 90.00.
    assert_money(acme, "support_cost", "30.00");
    assert_money(acme, "meeting_cost", "90.00");
}

#[test]
fn explicit_flags_choose_the_kind() {
    let dir = fixture("small/discovery/by-header");
    let out = run([
        "report".into(),
        "--invoices".into(),
        dir.join("billing-export.csv").into_os_string(),
        "--tickets".into(),
        dir.join("helpdesk-export.csv").into_os_string(),
        "--format".into(),
        "json".into(),
        "--as-of".into(),
        "2026-10-31".into(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = parse(&out.stdout);
    let acme = client(&doc, "Acme Inc");
    assert_count(acme, "tickets", 1);
    // No meetings file was given.
    assert_count(acme, "attended", 0);
}

#[test]
fn standard_input_needs_a_kind_flag() {
    let invoices = std::fs::read(fixture("small/discovery/configured/invoices.csv")).unwrap();
    let output = clientfit()
        .args([
            "report",
            "--invoices",
            "-",
            "--format",
            "json",
            "--as-of",
            "2026-10-31",
        ])
        .write_stdin(invoices)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let doc = parse(&String::from_utf8(output.stdout).unwrap());
    assert_money(client(&doc, "Acme"), "revenue", "1000.00");

    let out = run(["report", "-"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--invoices -"), "{}", out.stderr);
}

#[test]
fn a_later_file_replaces_an_earlier_copy_of_an_invoice() {
    // invoices-2026-09.csv has I-1 open; invoices-2026-10.csv (read later,
    // name order) has I-1 paid on 10-05. Period 2026-09-01..2026-10-31.
    let out = report_run(
        "small/discovery/several",
        &[
            "--from",
            "2026-09-01",
            "--to",
            "2026-10-31",
            "--as-of",
            "2026-10-31",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let message = "invoices-2026-10.csv: 1 row carried an invoice or ticket id again; the copy in the later file was used";
    assert!(out.stderr.contains(message), "{}", out.stderr);
    let doc = parse(&out.stdout);
    let acme = client(&doc, "Acme");
    // I-1 500 + I-2 300 + I-3 200 = 1000 (I-1 once).
    assert_money(acme, "revenue", "1000.00");
    // Owed at 10-31: I-2 300 (due 10-15: 16 days past due), I-3 200 (due
    // 10-31: current). I-1 was paid on 10-05.
    assert_money(acme, "outstanding", "500.00");
    assert_money(acme, "d1_30", "300.00");
    assert_money(acme, "current", "200.00");
    // Due in the period by as-of: I-1 (paid 10-05, due 09-30: 5 days late),
    // I-2 (unpaid, 16 days late), I-3 (due on as-of: not late).
    assert_count(acme, "invoices_due", 3);
    assert_count(acme, "late_invoices", 2);
    let warnings = doc["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].as_str().unwrap().ends_with(message));
}

#[test]
fn the_data_directory_config_is_used_and_flags_override_it() {
    // clientfit.toml there: support_hourly = 100, as_of = 2026-10-31.
    let doc = report("small/discovery/configured", &[]);
    assert_eq!(doc["as_of"], "2026-10-31");
    // 60 min / 60 × 100 = 100.00
    assert_money(client(&doc, "Acme"), "support_cost", "100.00");
    let doc = report("small/discovery/configured", &["--as-of", "2026-10-15"]);
    assert_eq!(doc["as_of"], "2026-10-15");
    assert_eq!(
        doc["settings"]["rates"]["support_hourly"].to_string(),
        "100"
    );
}

#[test]
fn a_file_of_no_known_kind_is_an_error_naming_it() {
    let out = report_run("small/discovery/unknown", &["--as-of", "2026-10-31"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains(
            "notes.csv:1: is not recognisably invoices, tickets, meetings, time entries or clients"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("--invoices/--tickets/--meetings/--time/--clients"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_report_needs_invoices() {
    let dir = fixture("small/discovery/configured");
    let out = run([
        "report".into(),
        "--tickets".into(),
        dir.join("tickets.csv").into_os_string(),
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("no invoices file found"),
        "{}",
        out.stderr
    );
}

#[test]
fn error_messages_read_as_documented() {
    // The full text of a few errors, pinned: location, quoted value, what
    // was expected, and the hint.
    let mut all = String::new();
    for dir in [
        "bad/bad-date",
        "bad/bad-amount",
        "bad/missing-column",
        "bad/unknown-status",
        "bad/paid-before-issued",
    ] {
        let out = report_run(dir, &["--as-of", "2026-10-31"]);
        assert_eq!(out.code, 1);
        let root = fixture("").display().to_string();
        all.push_str(&out.stderr.replace(&root, "fixtures/"));
        all.push('\n');
    }
    insta::assert_snapshot!("error_messages", all);
}

#[test]
fn a_later_file_replaces_an_earlier_copy_of_a_ticket() {
    // tickets-2026-10-15.csv: T-1 30 min, T-2 10 min; tickets-2026-10-31.csv
    // (later by name): T-1 again, now 90 min and escalated, and T-3 20 min.
    let out = report_run("small/discovery/tickets-twice", OCTOBER);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = parse(&out.stdout);
    let acme = client(&doc, "Acme");
    // T-1 (newest copy) + T-2 + T-3 = 3 tickets; 90 + 10 + 20 = 120 min.
    assert_count(acme, "tickets", 3);
    assert_number(acme, "ticket_minutes", Some(120.0));
    assert_count(acme, "escalations", 1);
    assert!(
        out.stderr
            .contains("tickets-2026-10-15.csv: 1 row carried an invoice or ticket id again"),
        "{}",
        out.stderr
    );
}

/// The demo's files copied into a fresh folder.
fn demo_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture("demo")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    dir
}

fn without_warnings(mut doc: serde_json::Value) -> serde_json::Value {
    doc["warnings"] = serde_json::Value::Null;
    doc
}

#[test]
fn outputs_saved_into_the_data_folder_are_skipped_with_a_note() {
    let dir = demo_copy();
    let folder = dir.path().display().to_string();
    let before = run(["report", &folder, "--format", "json"]);
    assert_eq!(before.code, 0, "{}", before.stderr);
    // Every format, saved under names that say "report" and "client"
    // (the latter would be read as a clients list), and the receivables
    // view.
    for (format, name) in [
        ("csv", "report.csv"),
        ("csv", "client-report.csv"),
        ("json", "report-json.csv"),
        ("markdown", "report-md.csv"),
        ("html", "report-html.csv"),
        ("table", "report-table.csv"),
    ] {
        let out = run([
            "report",
            &folder,
            "--format",
            format,
            "-o",
            &dir.path().join(name).display().to_string(),
        ]);
        assert_eq!(out.code, 0, "writing {name}: {}", out.stderr);
    }
    let receivables = run([
        "receivables",
        &folder,
        "--format",
        "csv",
        "-o",
        &dir.path().join("receivables.csv").display().to_string(),
    ]);
    assert_eq!(receivables.code, 0, "{}", receivables.stderr);

    let after = run(["report", &folder, "--format", "json"]);
    assert_eq!(after.code, 0, "{}", after.stderr);
    // Not one figure moves.
    assert_eq!(
        without_warnings(parse(&after.stdout)),
        without_warnings(parse(&before.stdout))
    );
    let doc = parse(&after.stdout);
    let warnings: Vec<&str> = doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w.as_str())
        .collect();
    let skipped = |name: &str, what: &str| {
        format!(
            "{}: skipped: it is clientfit's own {what}, not an export (keep outputs outside the data folder)",
            dir.path().join(name).display()
        )
    };
    // In name order, before the run's other warnings.
    let expected = [
        skipped("client-report.csv", "report (CSV)"),
        skipped("receivables.csv", "receivables view (CSV)"),
        skipped("report-html.csv", "HTML report"),
        skipped("report-json.csv", "JSON output"),
        skipped("report-md.csv", "markdown output"),
        skipped("report-table.csv", "table output"),
        skipped("report.csv", "report (CSV)"),
    ];
    assert_eq!(warnings[..7], expected);
    assert!(
        warnings[7].starts_with("unmatched: 1 ticket"),
        "{warnings:?}"
    );
    // On standard error, and in check.
    assert!(after.stderr.contains(&format!("warning: {}", expected[6])));
    let check = run(["check", &folder]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(
        check
            .stdout
            .starts_with("clientfit check — 5 files\n\nwarning: "),
        "{}",
        check.stdout
    );
    assert!(check.stdout.contains(&expected[0]), "{}", check.stdout);
    // Files named as inputs are read as asked: the saved CSV as a clients
    // list clashes with the real one, and the message names both places
    // (Acme Inc is clients.csv's first row, and rank 6 by profit: line 7
    // of the saved report).
    let named = run([
        "report",
        &folder,
        "--clients",
        &dir.path().join("client-report.csv").display().to_string(),
    ]);
    assert_eq!(named.code, 1, "{}", named.stderr);
    assert!(
        named.stderr.contains(&format!(
            "clients.csv:2: client \"Acme Inc\" is the same client as \"Acme Inc\" listed at {}:7",
            dir.path().join("client-report.csv").display()
        )),
        "{}",
        named.stderr
    );
}
