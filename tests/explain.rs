//! `clientfit explain` on the demo: one client of each verdict, with the
//! rule named and the evidence rows behind each flag.

use crate::util::*;

fn explain(client: &str) -> Outcome {
    run(["explain", client, &fixture("demo").display().to_string()])
}

fn assert_has(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "missing {part:?} in:\n{text}");
    }
}

#[test]
fn fire_by_abuse_shows_the_abusive_tickets() {
    let out = explain("krusty");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_has(
        &out.stdout,
        &[
            "Krusty Krab — fire",
            "fire: abusive",
            "abusive (severe): 2 tickets marked abusive (threshold 1)",
            "  abusive:\n    ticket tickets.csv:",
            "Protect your team: no one deals with them alone",
            "End the relationship",
        ],
    );
}

#[test]
fn refer_by_thin_margin_names_its_other_flags_and_their_evidence() {
    let out = explain("Los Pollos Hermanos");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_has(
        &out.stdout,
        &[
            "Los Pollos Hermanos — refer",
            "refer: thin-margin with 3 other warn flags (late-payer, no-shows, below-target-rate; threshold 2)",
            "  late-payer:\n    invoice INV-",
            "days late",
            "  no-shows:\n    meeting meetings.csv:",
            "A better fit for them: a lower-cost provider",
            "Send confirmations and reminders before every meeting",
        ],
    );
}

#[test]
fn a_guarded_client_says_which_guard_held_and_shows_the_write_off() {
    let out = explain("vandelay");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_has(
        &out.stdout,
        &[
            "Vandelay Industries — restructure",
            "fire: bad-debt",
            "guard: strategic (held it from fire)",
            "  bad-debt:\n    invoice INV-",
            "written off of",
            "Guarded: plan how to reduce the dependency",
        ],
    );
}

#[test]
fn keep_has_no_flags_and_medians_beside_each_metric() {
    let out = explain("Stark Industries");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_has(
        &out.stdout,
        &[
            "Stark Industries — keep",
            "keep: no red flags",
            "Red flags (measured against threshold)\n  none",
            "Metrics (this client · portfolio median)",
            "quadrant",
        ],
    );
    assert!(!out.stdout.contains("Evidence"), "{}", out.stdout);
    // The revenue line shows the client's figure and the portfolio median.
    let line = out
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("revenue "))
        .unwrap();
    assert!(line.contains("171,152.81 ·"), "{line}");
}

#[test]
fn clients_are_found_by_alias_and_unique_prefix_or_named_when_not() {
    // "Acme, Inc." is how the invoices spell clients.csv's "Acme Inc".
    let out = explain("ACME, INC.");
    assert!(out.stdout.starts_with("Acme Inc — keep"), "{}", out.stdout);
    let ambiguous = explain("ini");
    assert_eq!(ambiguous.code, 2);
    assert!(
        ambiguous
            .stderr
            .contains("\"ini\" matches 2 clients: \"Initech LLC\", \"Initrode\""),
        "{}",
        ambiguous.stderr
    );
    let unknown = explain("Nobody Ltd");
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("no client \"Nobody Ltd\" in the period; the closest are"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn reading_in_chunks_on_two_threads_explains_the_same_and_keeps_every_ticket() {
    // The tickets and meetings behind the evidence are kept in the one
    // reading that makes the figures; read in 1 KiB chunks on two threads
    // each chunk's clients are mapped to the settled ones.
    let demo = fixture("demo").display().to_string();
    let whole = clientfit()
        .args(["explain", "krusty", &demo])
        .env("CLIENTFIT_READING_THREADS", "1")
        .output()
        .unwrap();
    let cut = clientfit()
        .args(["explain", "krusty", &demo])
        .env("CLIENTFIT_READING_THREADS", "2")
        .env("CLIENTFIT_CHUNK_BYTES", "1024")
        .env("CLIENTFIT_PHASES", "1")
        .output()
        .unwrap();
    assert!(whole.status.success() && cut.status.success());
    let cut_err = String::from_utf8(cut.stderr).unwrap();
    assert!(
        cut_err.contains("read a chunk of tickets from line"),
        "the tickets file was not cut:\n{cut_err}"
    );
    let text = String::from_utf8(whole.stdout).unwrap();
    assert_eq!(String::from_utf8(cut.stdout).unwrap(), text);
    // Krusty Krab has 15 tickets in the period (the metrics row): the
    // ticket-heavy evidence lists 5 of them and says "10 more", 5 + 10 = 15.
    assert_has(
        &text,
        &[
            // Support is in the timesheet's hours ([time] covers): the
            // 15 tickets' 359 minutes = 6.0 h cost nothing more.
            "  support             0.00  15 tickets, 6.0 h: in the timesheet's hours",
            "  ticket-heavy:\n    ticket tickets.csv:318 created 2026-05-26: 40 min\n",
            "    … and 10 more\n  escalations:",
        ],
    );
}
