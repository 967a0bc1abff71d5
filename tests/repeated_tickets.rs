//! SPEC §2 "Repeated ids", for tickets within one file: rows that share a
//! ticket id are one ticket. By default they are updates of it (an event
//! log, a re-export): the last row carries its state. With `[tickets]
//! lines = true` they are time entries, their minutes added up. Either way
//! a warning counts the rows merged.

use std::fmt::Write as _;
use std::path::Path;

use crate::util::*;

const OCTOBER: &[&str] = &["--period", "2026-10", "--as-of", "2026-10-31"];

// fixtures/small/repeated-tickets/*/tickets.csv (the same file in both):
//   INC-1 Acme   10-02: 10, then 25 (tags "escalated"), 40, 45 min
//   INC-2 Globex 10-03: 15, then blank
//   INC-3 Acme   10-05: blank (one row)
//   INC-4 Globex 09-28: 30, then dated 10-04: 50
//   INC-5 Acme   10-06: 5, then Globex 10-06: 12 (tags "change request")
// 11 rows, of which 10 share an id with another row: 4 tickets merged.

#[test]
fn an_event_log_counts_each_ticket_once_with_its_last_state() {
    let out = report_run("small/repeated-tickets/event-log", OCTOBER);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = parse(&out.stdout);
    // Acme: INC-1 (last row: 45 min, not escalated) and INC-3 (blank: the
    // default 20) = 2 tickets, 65 min; 65 / 60 × 60 = 65.00. INC-5 moved
    // to Globex on its last row. (Read row by row: 6 tickets, 145 min,
    // 1 escalation.)
    let acme = client(&doc, "Acme");
    assert_count(acme, "tickets", 2);
    assert_number(acme, "ticket_minutes", Some(65.0));
    assert_count(acme, "escalations", 0);
    assert_money(acme, "support_cost", "65.00");
    // Globex: INC-2 (last minutes given: 15) and INC-5 (12, a change
    // request) = 2 tickets, 27 min. INC-4 was created on 09-28, its
    // earliest row: before the period. (Row by row: 4 tickets, 97 min.)
    let globex = client(&doc, "Globex");
    assert_count(globex, "tickets", 2);
    assert_number(globex, "ticket_minutes", Some(27.0));
    assert_count(globex, "scope_changes", 1);
    assert_money(globex, "support_cost", "27.00");

    let warnings: Vec<&str> = doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].ends_with(
            "tickets.csv: 10 rows shared a ticket id and were merged into 4 ticket(s), as updates of each: its last row gave its client, minutes, type, tags and priority, its earliest row its created date; if the rows are separate time entries, set `[tickets] lines = true` to add their minutes up"
        ),
        "{}",
        warnings[0]
    );
    assert!(
        warnings[1].ends_with(
            "tickets.csv: 1 merged ticket(s) named another client on an earlier row than on their last; the last row's client was used"
        ),
        "{}",
        warnings[1]
    );
    for warning in warnings {
        assert!(out.stderr.contains(warning), "{}", out.stderr);
    }
    let check = run([
        "check".into(),
        fixture("small/repeated-tickets/event-log").into_os_string(),
    ]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(
        check
            .stdout
            .contains("rows        11 read, 10 sharing a ticket id merged into 4 ticket(s)"),
        "{}",
        check.stdout
    );
}

#[test]
fn the_created_date_is_the_earliest_row_s() {
    // From 09-01, INC-4 counts for Globex: created 09-28, its last row's
    // minutes 50. Globex: 15 + 50 + 12 = 77 min, 3 tickets.
    let doc = report(
        "small/repeated-tickets/event-log",
        &[
            "--from",
            "2026-09-01",
            "--to",
            "2026-10-31",
            "--as-of",
            "2026-10-31",
        ],
    );
    let globex = client(&doc, "Globex");
    assert_count(globex, "tickets", 3);
    assert_number(globex, "ticket_minutes", Some(77.0));
}

#[test]
fn time_entries_add_their_minutes_up() {
    // clientfit.toml there: [tickets] lines = true.
    let out = report_run("small/repeated-tickets/time-entries", OCTOBER);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = parse(&out.stdout);
    // Acme: INC-1 10 + 25 + 40 + 45 = 120 (escalated on one entry: the
    // ticket is), INC-3 20 (no entry gives minutes: the default) = 2
    // tickets, 140 min, 140.00 support cost.
    let acme = client(&doc, "Acme");
    assert_count(acme, "tickets", 2);
    assert_number(acme, "ticket_minutes", Some(140.0));
    assert_count(acme, "escalations", 1);
    assert_money(acme, "support_cost", "140.00");
    // Globex: INC-2 15 (+ a blank entry, which adds nothing), INC-5 5 + 12
    // = 17 (last row: Globex) = 2 tickets, 32 min; INC-4 (09-28) is
    // before the period.
    let globex = client(&doc, "Globex");
    assert_count(globex, "tickets", 2);
    assert_number(globex, "ticket_minutes", Some(32.0));
    assert_count(globex, "scope_changes", 1);
    let warnings = doc["warnings"].to_string();
    assert!(
        warnings.contains(
            "tickets.csv: 10 rows were time entries of 4 ticket(s) (the same ticket id); their minutes were added up ([tickets] lines = true)"
        ),
        "{warnings}"
    );
}

/// `report DIR --format json` on `threads` reading threads, cutting even
/// small ticket files into chunks.
fn report_on_threads(dir: &Path, threads: &str, extra: &[&str]) -> (String, String) {
    let output = clientfit()
        .env("CLIENTFIT_READING_THREADS", threads)
        .env("CLIENTFIT_CHUNK_BYTES", "512")
        .env("CLIENTFIT_PHASES", "1")
        .arg("report")
        .arg(dir)
        .args(["--format", "json"])
        .args(OCTOBER)
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    (String::from_utf8(output.stdout).unwrap(), stderr)
}

#[test]
fn one_thread_and_several_merge_the_same() {
    let dir = fixture("small/repeated-tickets/event-log");
    let (one, _) = report_on_threads(&dir, "1", &[]);
    let (two, _) = report_on_threads(&dir, "2", &[]);
    assert_eq!(one, two);
    assert_count(client(&parse(&one), "Acme"), "tickets", 2);
}

#[test]
fn a_ticket_file_cut_between_two_threads_still_merges_across_the_cut() {
    // 3000 rows, 1000 ids: row i is an update of ticket T-(i mod 1000),
    // so each ticket's rows lie in the first, middle and last third, and
    // any cut separates some of them. Every row names the same client as
    // the other rows of its ticket and gives 1 + (i mod 7) minutes.
    let dir = tempfile::tempdir().unwrap();
    let mut invoices = String::from("client,issued,due,paid,amount\n");
    for c in 0..5 {
        writeln!(
            invoices,
            "Client {c},2026-10-01,2026-10-31,2026-10-20,100.00"
        )
        .unwrap();
    }
    let mut tickets = String::from("ticket_id,client,created,minutes\n");
    let mut last_minutes = [0u64; 1000];
    for i in 0..3000usize {
        let id = i % 1000;
        let minutes = 1 + (i % 7) as u64;
        last_minutes[id] = minutes;
        writeln!(
            tickets,
            "T-{id},Client {},2026-10-{:02},{minutes}",
            id % 5,
            1 + id % 28
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("invoices.csv"), invoices).unwrap();
    std::fs::write(dir.path().join("tickets.csv"), tickets).unwrap();
    // Each ticket's last row is row id + 2000: minutes 1 + ((id + 2000)
    // mod 7), summed per client below.
    let mut expected = [0u64; 5];
    for (id, minutes) in last_minutes.iter().enumerate() {
        expected[id % 5] += minutes;
    }
    let (whole, _) = report_on_threads(dir.path(), "1", &[]);
    for chunk_bytes in ["100", "10000", "40000"] {
        let output = clientfit()
            .env("CLIENTFIT_READING_THREADS", "2")
            .env("CLIENTFIT_CHUNK_BYTES", chunk_bytes)
            .env("CLIENTFIT_PHASES", "1")
            .arg("report")
            .arg(dir.path())
            .args(["--format", "json"])
            .args(OCTOBER)
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        assert!(
            stderr.contains("read a chunk of tickets from line"),
            "the ticket file was not cut in chunks of {chunk_bytes} bytes:\n{stderr}"
        );
        let cut = String::from_utf8(output.stdout).unwrap();
        assert_eq!(cut, whole, "chunks of {chunk_bytes} bytes");
    }
    let doc = parse(&whole);
    for (c, minutes) in expected.iter().enumerate() {
        let row = client(&doc, &format!("Client {c}"));
        assert_count(row, "tickets", 200);
        assert_number(row, "ticket_minutes", Some(*minutes as f64));
    }
    assert!(
        doc["warnings"]
            .to_string()
            .contains("3000 rows shared a ticket id and were merged into 1000 ticket(s)"),
        "{}",
        doc["warnings"]
    );
}

#[test]
fn repeats_within_a_newer_file_merge_and_replace_the_older_copy() {
    // tickets-1.csv (older): T-1 Acme 30 min, T-2 Acme 10 min.
    // tickets-2.csv (newer): T-1 twice (20, then 90 min), T-3 once (5).
    // T-1: the newer file's last row, 90; T-2 10; T-3 5: 3 tickets, 105.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("invoices.csv"),
        "client,issued,due,paid,amount\nAcme,2026-10-01,2026-10-31,2026-10-20,100.00\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("tickets-1.csv"),
        "ticket_id,client,created,minutes\nT-1,Acme,2026-10-02,30\nT-2,Acme,2026-10-03,10\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("tickets-2.csv"),
        "ticket_id,client,created,minutes\nT-1,Acme,2026-10-02,20\nT-3,Acme,2026-10-04,5\nT-1,Acme,2026-10-02,90\n",
    )
    .unwrap();
    for threads in ["1", "2"] {
        let (json, _) = report_on_threads(dir.path(), threads, &[]);
        let doc = parse(&json);
        let acme = client(&doc, "Acme");
        assert_count(acme, "tickets", 3);
        assert_number(acme, "ticket_minutes", Some(105.0));
        let warnings = doc["warnings"].to_string();
        assert!(
            warnings.contains(
                "tickets-2.csv: 2 rows shared a ticket id and were merged into 1 ticket(s)"
            ),
            "{warnings}"
        );
        assert!(
            warnings.contains("tickets-1.csv: 1 row carried an invoice or ticket id again"),
            "{warnings}"
        );
    }
}
