//! `clientfit check` and `clientfit init`.

use crate::util::*;

fn check(args: &[&str]) -> Outcome {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    run(all)
}

#[test]
fn check_describes_every_file_and_passes_the_demo() {
    let out = check(&[fixture("demo").to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for part in [
        "clientfit check — 5 files",
        // timesheet.csv: 5,355 lines (wc -l) less its header.
        "fixtures/demo/timesheet.csv\n  kind        time (from file name)",
        "rows        5354 read",
        "kind        invoices (from file name)",
        "text        UTF-8, delimiter ',', decimal \".\", header on line 1",
        "amount ← \"amount\"",
        "dates from  2025-11-01 to",
        "currencies  USD",
        "\"Gekko & Co\" in meetings.csv, tickets.csv",
        "unmatched: 1 ticket and 0 meetings",
        // tickets.csv line 487: T-9999, no client, someone@gmail.com.
        "/fixtures/demo/tickets.csv:487: email domain \"gmail.com\"\n",
        "OK: report can read these files.",
    ] {
        assert!(
            out.stdout.contains(part),
            "missing {part:?} in:\n{}",
            out.stdout
        );
    }
}

#[test]
fn check_suggests_the_closest_invoice_client() {
    let out = check(&[fixture("small/check").to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // "globx" is one letter from "globex" (1 ≤ 6 / 3); "acme holdings"
    // starts with the key "acme"; "hooli" is near nothing.
    assert!(
        out.stdout
            .contains("\"Globx\" in tickets.csv — did you mean \"Globex GmbH\"?"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("\"Acme Holdings\" in tickets.csv — did you mean \"Acme Inc\"?"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("\"Hooli\" in tickets.csv — no invoice client is close"),
        "{}",
        out.stdout
    );
    // The row with no client at all.
    assert!(
        out.stdout.contains("4 read, 1 naming no client"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("currencies  EUR"), "{}", out.stdout);
}

#[test]
fn check_reads_every_file_and_fails_when_report_would() {
    // bad/bad-date fails on its invoices; check still describes the file,
    // names the error with its location, and exits 1.
    let out = check(&[fixture("bad/bad-date").to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("kind        invoices (from file name)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "invoices.csv:3: column \"issued\": \"2026-10-32\" is not a valid calendar date"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("1 problem; report would stop at the first"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("check found problems"),
        "{}",
        out.stderr
    );
}

#[test]
fn init_writes_the_documented_defaults_once() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("exports");
    let out = run(["init", target.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written = std::fs::read_to_string(target.join("clientfit.toml")).unwrap();
    assert_eq!(written, clientfit::config::DEFAULTS_TOML);
    // The written file is a valid config equal to the defaults.
    assert_eq!(
        clientfit::config::Config::parse(&written).unwrap(),
        clientfit::config::Config::default()
    );
    // Never overwritten by accident.
    std::fs::write(target.join("clientfit.toml"), "as_of = \"2026-10-31\"\n").unwrap();
    let again = run(["init", target.to_str().unwrap()]);
    assert_eq!(again.code, 1);
    assert!(
        again.stderr.contains("already exists; use --force"),
        "{}",
        again.stderr
    );
    assert_eq!(
        std::fs::read_to_string(target.join("clientfit.toml")).unwrap(),
        "as_of = \"2026-10-31\"\n"
    );
    let forced = run(["init", target.to_str().unwrap(), "--force"]);
    assert_eq!(forced.code, 0);
    assert_eq!(
        std::fs::read_to_string(target.join("clientfit.toml")).unwrap(),
        clientfit::config::DEFAULTS_TOML
    );
    let printed = run(["init", "--stdout"]);
    assert_eq!(printed.stdout, clientfit::config::DEFAULTS_TOML);
}
