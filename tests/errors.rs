//! SPEC §2 "Bad input" and §7 exit codes: a bad value is exit 1 with an
//! error on stderr naming file, line, column and value; nothing is written
//! on stdout. A bad command line is exit 2.

use crate::util::*;

/// Run a report on one bad fixture directory; it must fail with exit 1,
/// print nothing on stdout, and its stderr is returned.
fn failure(dir: &str) -> String {
    let out = run([
        "report".into(),
        fixture(dir).into_os_string(),
        "--format".into(),
        "json".into(),
        "--as-of".into(),
        "2026-10-31".into(),
    ]);
    assert_eq!(out.code, 1, "exit code for {dir}\nstderr:\n{}", out.stderr);
    assert!(
        out.stdout.is_empty(),
        "nothing may be written on bad input: {}",
        out.stdout
    );
    out.stderr
}

fn assert_contains(stderr: &str, parts: &[&str]) {
    for part in parts {
        assert!(
            stderr.contains(part),
            "stderr should contain {part:?}:\n{stderr}"
        );
    }
}

#[test]
fn missing_required_column_lists_headers_and_the_config_line() {
    // Header: Client,Issued,Paid — no amount column.
    let stderr = failure("bad/missing-column");
    assert_contains(
        &stderr,
        &[
            "invoices.csv",
            "\"amount\"",
            // The headers found.
            "\"Client\"",
            "\"Issued\"",
            "\"Paid\"",
            // Names tried, e.g. the alias "total".
            "\"total\"",
            // The config line that would fix it.
            "[invoices.columns]",
            "amount = ",
        ],
    );
}

#[test]
fn unparsable_date() {
    // Line 3: issued "2026-10-32".
    let stderr = failure("bad/bad-date");
    assert_contains(
        &stderr,
        &["invoices.csv:3:", "column \"issued\"", "\"2026-10-32\""],
    );
}

#[test]
fn unparsable_amount() {
    // Line 4: amount "1O0.00" (letter O).
    let stderr = failure("bad/bad-amount");
    assert_contains(
        &stderr,
        &["invoices.csv:4:", "column \"amount\"", "\"1O0.00\""],
    );
}

#[test]
fn paid_before_issued() {
    // Line 2: issued 2026-10-05, paid 2026-10-01.
    let stderr = failure("bad/paid-before-issued");
    assert_contains(
        &stderr,
        &["invoices.csv:2:", "column \"paid\"", "\"2026-10-01\""],
    );
}

#[test]
fn unknown_invoice_status_names_the_config_key() {
    // Line 3: status "bezahlt".
    let stderr = failure("bad/unknown-status");
    assert_contains(
        &stderr,
        &[
            "invoices.csv:3:",
            "column \"status\"",
            "\"bezahlt\"",
            "[invoices.status]",
        ],
    );
}

#[test]
fn unparsable_ticket_minutes() {
    // tickets.csv line 3: "Time spent" = "ten".
    let stderr = failure("bad/bad-minutes");
    assert_contains(
        &stderr,
        &["tickets.csv:3:", "column \"Time spent\"", "\"ten\""],
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["--period", "2026-13", "--as-of", "2026-10-31"][..],
        &["--period", "October", "--as-of", "2026-10-31"][..],
        &["--as-of", "31.10.2026"][..],
    ] {
        let out = report_run("small/metrics", args);
        assert_eq!(out.code, 2, "{args:?}\nstderr:\n{}", out.stderr);
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
        // The message names the option at fault.
        assert!(
            out.stderr.contains(args[0]),
            "the error should name {}: {}",
            args[0],
            out.stderr
        );
    }
}
