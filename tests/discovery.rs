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
    let message = "invoices-2026-10.csv: 1 row(s) carried an invoice or ticket id again; the copy in the later file was used";
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
        out.stderr
            .contains("notes.csv:1: is not recognisably invoices, tickets, meetings or clients"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("--invoices/--tickets/--meetings/--clients"),
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
            .contains("tickets-2026-10-15.csv: 1 row(s) carried an invoice or ticket id again"),
        "{}",
        out.stderr
    );
}
