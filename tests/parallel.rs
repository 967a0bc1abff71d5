//! Reading in parallel. Files are cut into chunks at record boundaries
//! and the chunks read on several threads (`CLIENTFIT_CHUNK_BYTES` makes
//! small files into many chunks). Whatever the cuts, the output must be
//! what reading the files whole on one thread gives: the same JSON, the
//! same warnings, and errors that name the same lines.

use std::fmt::Write as _;
use std::path::Path;

use crate::util::clientfit;

const AS_OF: &str = "2026-10-31";

/// A ticket-heavy export: 12 clients, a few invoices and meetings, and
/// `tickets` tickets whose subjects are sometimes quoted over several
/// lines. `bad` puts a bad minutes cell on those (0-based) ticket rows.
fn write_export(dir: &Path, tickets: usize, bad: &[usize]) {
    let client = |i: usize| format!("Client {:02} Ltd", i % 12);
    let mut invoices = String::from("invoice_id,client,issued,due,paid,amount\n");
    for i in 0..40 {
        let paid = if i % 3 == 0 {
            String::new()
        } else {
            format!("2026-0{}-20", 1 + i % 9)
        };
        writeln!(
            invoices,
            "INV-{i},{},2026-0{}-01,2026-0{}-15,{paid},{}.50",
            client(i),
            1 + i % 9,
            1 + i % 9,
            500 + i * 37
        )
        .unwrap();
    }
    let mut text = String::from("ticket_id,client,created,minutes,type,subject\n");
    for i in 0..tickets {
        let minutes = if bad.contains(&i) {
            "lots".to_string()
        } else {
            (5 + i % 50).to_string()
        };
        let kind = ["Incident", "Question", "Change request", "Task"][i % 4];
        let subject = match i % 5 {
            0 => format!("\"printer on floor {i}\nstill broken\n\"\"urgent\"\"\""),
            _ => format!("subject {i}"),
        };
        writeln!(
            text,
            "T-{i},{},2026-{:02}-{:02} 10:00,{minutes},{kind},{subject}",
            client(i * 7),
            1 + i % 10,
            1 + i % 28
        )
        .unwrap();
    }
    let mut meetings = String::from("client,date,minutes,status,attendees\n");
    for i in 0..30 {
        let status = ["attended", "no-show", "cancelled"][i % 3];
        writeln!(
            meetings,
            "{},2026-0{}-10 14:00,45,{status},2",
            client(i),
            1 + i % 9
        )
        .unwrap();
    }
    std::fs::write(dir.join("invoices.csv"), invoices).unwrap();
    std::fs::write(dir.join("tickets.csv"), text).unwrap();
    std::fs::write(dir.join("meetings.csv"), meetings).unwrap();
}

/// (exit code, stdout, stderr) of `report DIR --format json`; `cut` reads
/// on two threads (on any machine) in chunks of 4 KiB, and shows the
/// reading phases on stderr; otherwise on one thread.
fn run(dir: &Path, cut: bool, extra: &[&str]) -> (Option<i32>, String, String) {
    run_in_chunks(dir, cut.then_some("4096"), extra)
}

/// `run`, with chunks of `chunk_bytes` (`None`: on one thread).
fn run_in_chunks(
    dir: &Path,
    chunk_bytes: Option<&str>,
    extra: &[&str],
) -> (Option<i32>, String, String) {
    let mut cmd = clientfit();
    match chunk_bytes {
        Some(bytes) => cmd
            .env("CLIENTFIT_CHUNK_BYTES", bytes)
            .env("CLIENTFIT_READING_THREADS", "2")
            .env("CLIENTFIT_PHASES", "1"),
        None => cmd.env("CLIENTFIT_READING_THREADS", "1"),
    };
    cmd.arg("report")
        .arg(dir)
        .args(["--format", "json", "--as-of", AS_OF])
        .args(extra);
    let output = cmd.output().unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// The file of `kind` ("tickets", "meetings") was read in chunks.
fn assert_cut(stderr: &str, kind: &str) {
    let chunks = stderr
        .lines()
        .filter(|line| line.contains(&format!("read a chunk of {kind} from line")))
        .count();
    assert!(chunks >= 2, "the {kind} file was not cut:\n{stderr}");
}

/// Report `dir` read whole and with its `kind` file cut: both succeed, the
/// file was cut, and the JSON and messages are the same. The cut JSON.
fn cut_reports_as_whole(dir: &Path, kind: &str, what: &str) -> String {
    let (code, whole, whole_err) = run(dir, false, &[]);
    assert_eq!(code, Some(0), "{whole_err}");
    let (code, cut, cut_err) = run(dir, true, &[]);
    assert_eq!(code, Some(0), "{cut_err}");
    assert_cut(&cut_err, kind);
    assert_eq!(cut, whole, "{what}");
    assert_eq!(messages(&cut_err), messages(&whole_err));
    cut
}

/// The sum of a count over every client of a JSON report.
fn sum_over_clients(json: &str, field: &str) -> u64 {
    let doc: serde_json::Value = serde_json::from_str(json).unwrap();
    doc["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[field].as_u64().unwrap())
        .sum()
}

/// stderr without the phase lines (they are timings).
fn messages(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|l| !l.starts_with("phase "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_cut_ticket_file_reports_exactly_as_the_whole_file() {
    for tickets in [3000, 3001, 2999, 1500] {
        let dir = tempfile::tempdir().unwrap();
        write_export(dir.path(), tickets, &[]);
        let cut = cut_reports_as_whole(dir.path(), "tickets", &format!("{tickets} tickets"));
        // Every ticket is counted once (all are dated before as-of).
        let counted = sum_over_clients(&cut, "tickets");
        let doc: serde_json::Value = serde_json::from_str(&cut).unwrap();
        let unmatched = doc["portfolio"]["unmatched_tickets"].as_u64().unwrap();
        assert_eq!(counted + unmatched, tickets as u64);
    }
}

/// Chunks of any size, from one byte (a cut after every record) to most
/// of the file: every fifth subject is quoted over three lines, with
/// doubled quotes inside, and no cut may fall inside one.
#[test]
fn a_ticket_file_cut_anywhere_reports_as_the_whole_file() {
    for tickets in [3000, 2999] {
        let dir = tempfile::tempdir().unwrap();
        write_export(dir.path(), tickets, &[]);
        let (code, whole, whole_err) = run(dir.path(), false, &[]);
        assert_eq!(code, Some(0), "{whole_err}");
        for chunk_bytes in ["1", "97", "1000", "33333", "100000"] {
            let (code, cut, cut_err) = run_in_chunks(dir.path(), Some(chunk_bytes), &[]);
            let what = format!("{tickets} tickets in chunks of {chunk_bytes} bytes");
            assert_eq!(code, Some(0), "{what}: {cut_err}");
            assert_cut(&cut_err, "tickets");
            assert_eq!(cut, whole, "{what}");
            assert_eq!(messages(&cut_err), messages(&whole_err), "{what}");
        }
    }
}

/// A quote inside an unquoted cell (`5" screen`) breaks the pairing the
/// cuts rely on: a cut may then fall inside a record. The reader of the
/// chunk before it finds that its last record does not end at the cut,
/// and the run is read again on one thread: the same report.
#[test]
fn a_stray_quote_that_misplaces_a_cut_still_reports_as_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    write_export(dir.path(), 3000, &[]);
    let path = dir.path().join("tickets.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replacen("subject 1\n", "subject 1 on a 5\" screen\n", 1);
    std::fs::write(&path, text).unwrap();
    let (code, whole, whole_err) = run(dir.path(), false, &[]);
    let (cut_code, cut, cut_err) = run(dir.path(), true, &[]);
    assert_eq!(cut_code, code, "{cut_err}");
    assert_eq!(cut, whole);
    assert_eq!(messages(&cut_err), messages(&whole_err));
}

#[test]
fn bad_rows_in_both_parts_are_skipped_and_listed_as_when_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    write_export(dir.path(), 3000, &[4, 1200, 2950, 2998]);
    let (code, whole, whole_err) = run(dir.path(), false, &["--skip-bad-rows"]);
    assert_eq!(code, Some(0), "{whole_err}");
    let (code, cut, cut_err) = run(dir.path(), true, &["--skip-bad-rows"]);
    assert_eq!(code, Some(0), "{cut_err}");
    assert_eq!(cut, whole);
    assert_eq!(messages(&cut_err), messages(&whole_err));
    assert!(whole_err.contains("skipped 4 bad rows"), "{whole_err}");
}

#[test]
fn an_error_in_the_second_part_names_its_line_in_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    write_export(dir.path(), 3000, &[2990]);
    // Ticket row 2990 sits after the header and the extra lines of every
    // fifth subject (rows 0, 5, …, 2985: 598 of them, 3 lines each): line
    // 1 + 2990 + 598 × 2 + 1 = 4188.
    assert_whole_and_cut_fail_at(dir.path(), "tickets.csv:4188:");
}

/// Read whole and cut, the run fails with an error that names `place`,
/// and with the same messages both ways.
fn assert_whole_and_cut_fail_at(dir: &Path, place: &str) {
    let (code, _, whole_err) = run(dir, false, &[]);
    assert_eq!(code, Some(1));
    assert!(whole_err.contains(place), "{whole_err}");
    let (code, _, cut_err) = run(dir, true, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(messages(&cut_err), messages(&whole_err));
}

/// Meeting files are cut into chunks too: the report is the same as
/// reading them whole, notes over several lines included.
#[test]
fn a_cut_meeting_file_reports_exactly_as_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    write_export(dir.path(), 20, &[]);
    let mut meetings = String::from("client,date,minutes,status,attendees,notes\n");
    for i in 0..4000 {
        let status = ["attended", "no-show", "cancelled", "attended"][i % 4];
        let notes = match i % 7 {
            0 => format!("\"agenda {i}\nfollow-up, \"\"soon\"\"\""),
            _ => format!("notes {i}"),
        };
        writeln!(
            meetings,
            "Client {:02} Ltd,2026-{:02}-{:02} 14:00,{},{status},{},{notes}",
            (i * 5) % 12,
            1 + i % 10,
            1 + i % 28,
            15 + (i % 6) * 15,
            1 + i % 3
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("meetings.csv"), meetings).unwrap();
    let cut = cut_reports_as_whole(dir.path(), "meetings", "");
    // Every meeting in the period is counted once: 3,000 of the 4,000
    // are not cancelled (i % 4 == 2 is), so scheduled sums to 3,000.
    assert_eq!(sum_over_clients(&cut, "scheduled"), 3000);
}

/// Clients spelled differently across the chunks and the meetings, or
/// first met in a later chunk, are named as when read one file after
/// another: by their first spelling in reading order (invoices, tickets,
/// meetings), whichever thread met them first.
#[test]
fn names_across_cut_parts_are_those_of_reading_in_order() {
    let dir = tempfile::tempdir().unwrap();
    write_export(dir.path(), 0, &[]);
    let mut tickets = String::from("ticket_id,client,created,minutes,type,subject\n");
    for i in 0..3000 {
        // "Zeta Co" only in the tickets' second half and the meetings;
        // "Yotta Co" spelled one way in each half; "Xeno Co" first in the
        // meetings' spelling only after the tickets spell it.
        let client = match i % 6 {
            0 if i >= 1500 => "ZETA CO".to_string(),
            1 if i < 1500 => "Yotta Co".to_string(),
            1 => "YOTTA CO.".to_string(),
            2 if i > 2900 => "xeno co".to_string(),
            _ => format!("Client {:02} Ltd", i % 12),
        };
        writeln!(
            tickets,
            "T-{i},{client},2026-02-03 10:00,{},Incident,subject {i}",
            5 + i % 40
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("tickets.csv"), tickets).unwrap();
    let mut meetings = String::from("client,date,minutes,status,attendees\n");
    for (i, client) in ["Zeta Co", "Yotta Company", "Xeno Co", "Client 01 Ltd"]
        .iter()
        .enumerate()
    {
        writeln!(meetings, "{client},2026-03-0{} 14:00,45,attended,2", i + 1).unwrap();
    }
    std::fs::write(dir.path().join("meetings.csv"), meetings).unwrap();
    let cut = cut_reports_as_whole(dir.path(), "tickets", "");
    let doc: serde_json::Value = serde_json::from_str(&cut).unwrap();
    let mut names: Vec<&str> = doc["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["client"].as_str().unwrap())
        .filter(|name| !name.starts_with("Client"))
        .collect();
    names.sort_unstable();
    // Tickets come before meetings; each file top to bottom.
    assert_eq!(names, ["Yotta Co", "ZETA CO", "xeno co"]);
}

/// Files are read without a pass of their own to check that they are
/// UTF-8; a file that turns out not to be is read again, whole, as
/// Windows-1252 (or, with `encoding = "utf-8"`, stops the run), exactly as
/// if it had been checked first. Here the only byte that is not UTF-8 is
/// on the last line of a ticket file read in chunks, so the last chunk
/// finds it after the others have read their rows.
#[test]
fn a_file_found_not_to_be_utf8_while_cut_is_read_again_as_windows_1252() {
    let dir = tempfile::tempdir().unwrap();
    write_export(dir.path(), 3000, &[]);
    let invoices = dir.path().join("invoices.csv");
    let mut text = std::fs::read_to_string(&invoices).unwrap();
    text.push_str("INV-CAFE,Café Noir,2026-03-01,2026-03-31,2026-03-20,250.00\n");
    std::fs::write(&invoices, text).unwrap();
    // "Café" in Windows-1252: é is the single byte 0xE9. The ticket file
    // has 1 header line, 3,000 rows and 2 more lines for each of the 600
    // quoted subjects (rows 0, 5, …, 2995): 4,201 lines; this is 4,202.
    let tickets = dir.path().join("tickets.csv");
    let mut bytes = std::fs::read(&tickets).unwrap();
    bytes.extend_from_slice(b"T-CAFE,Caf\xE9 Noir,2026-03-05 10:00,30,Incident,subject\n");
    std::fs::write(&tickets, bytes).unwrap();

    let (code, json, stderr) = run(dir.path(), true, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_cut(&stderr, "tickets");
    assert!(
        stderr
            .contains("tickets.csv is not valid UTF-8 (first at line 4202); read as Windows-1252"),
        "{stderr}"
    );
    // The ticket found its client: the name was decoded, not cut short.
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let cafe = doc["clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["client"] == "Café Noir")
        .unwrap_or_else(|| panic!("no Café Noir in {json}"));
    assert_eq!(cafe["tickets"], 1);

    // Strictly UTF-8: the bad byte is an error of its row, which names it.
    std::fs::write(dir.path().join("clientfit.toml"), "encoding = \"utf-8\"\n").unwrap();
    let (code, _, stderr) = run(dir.path(), true, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("tickets.csv:4202:"), "{stderr}");
    assert!(
        stderr.contains("is not valid UTF-8 text on this line (byte 0xE9)"),
        "{stderr}"
    );
}

/// The same with Windows line ends: the cut lands after a CRLF, the lines
/// are numbered as in the whole file, and the error names line 4188 too.
#[test]
fn a_cut_crlf_file_reads_and_numbers_lines_as_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    write_export(dir.path(), 3000, &[2990]);
    for name in ["invoices.csv", "tickets.csv", "meetings.csv"] {
        let path = dir.path().join(name);
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace('\n', "\r\n");
        std::fs::write(&path, text).unwrap();
    }
    assert_whole_and_cut_fail_at(dir.path(), "tickets.csv:4188:");
    let (code, whole, _) = run(dir.path(), false, &["--skip-bad-rows"]);
    assert_eq!(code, Some(0));
    let (code, cut, cut_err) = run(dir.path(), true, &["--skip-bad-rows"]);
    assert_eq!(code, Some(0));
    assert_cut(&cut_err, "tickets");
    assert_eq!(cut, whole);
}

/// The JSON's clients are rendered in blocks on several threads; however
/// they are cut (`CLIENTFIT_JSON_BLOCK`), the document is the same, and it
/// is one valid JSON document with every client once, in rank order.
#[test]
fn json_blocks_never_show_in_the_output() {
    let dir = tempfile::tempdir().unwrap();
    // 3,000 clients (more than one default block of 2,048), one invoice each.
    let mut invoices = String::from("invoice_id,client,issued,due,paid,amount\n");
    for i in 0..3000 {
        writeln!(
            invoices,
            "INV-{i},Client {i:04} Ltd,2026-03-01,2026-03-31,2026-04-{:02},{}.25",
            1 + i % 28,
            100 + i
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("invoices.csv"), invoices).unwrap();
    let mut outputs = Vec::new();
    for block in [None, Some("1"), Some("7"), Some("2999")] {
        let mut cmd = clientfit();
        if let Some(block) = block {
            cmd.env("CLIENTFIT_JSON_BLOCK", block);
        }
        let out = cmd
            .args(["report", "--format", "json", "--as-of", AS_OF])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        outputs.push(String::from_utf8(out.stdout).unwrap());
    }
    for (other, block) in outputs.iter().skip(1).zip(["1", "7", "2999"]) {
        assert!(*other == outputs[0], "blocks of {block} change the JSON");
    }
    let document: serde_json::Value = serde_json::from_str(&outputs[0]).unwrap();
    let clients = document["clients"].as_array().unwrap();
    assert_eq!(clients.len(), 3000);
    for (index, client) in clients.iter().enumerate() {
        assert_eq!(client["rank"].as_u64(), Some(index as u64 + 1));
    }
    // The array opens on its own line, the first client without a comma.
    assert!(outputs[0].contains("\"clients\": [\n    {\n      \"rank\": 1,"));
}

#[test]
fn metrics_worked_out_on_every_core_are_those_of_one() {
    // CLIENTFIT_PARALLEL_CLIENTS=1: the demo's clients are split between
    // threads (and a stretch of them per thread); the report must be the
    // same to the byte, in every format that lists every client.
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    for format in ["json", "csv"] {
        let outputs: Vec<_> = ["1", "1000000"]
            .iter()
            .map(|threshold| {
                let output = clientfit()
                    .env("CLIENTFIT_PARALLEL_CLIENTS", threshold)
                    .arg("report")
                    .arg(&demo)
                    .args(["--format", format])
                    .output()
                    .unwrap();
                (output.status.code(), output.stdout)
            })
            .collect();
        assert_eq!(outputs[0].0, Some(0));
        assert!(outputs[0].1.len() > 1000, "{format}: too short a report");
        assert_eq!(outputs[0], outputs[1], "{format}");
    }
}

#[test]
fn no_client_listed_is_no_work_to_share_out() {
    // A master-list client with no invoices, tickets or meetings: no
    // client is listed. With every step on every core from one client on
    // (CLIENTFIT_PARALLEL_CLIENTS=0), the report is the one-core report.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("clients.csv"), "client\nAcme\n").unwrap();
    std::fs::write(
        dir.path().join("invoices.csv"),
        "invoice_id,client,issued,due,paid,amount\n",
    )
    .unwrap();
    let outputs: Vec<_> = ["0", "1000000"]
        .iter()
        .map(|threshold| {
            let output = clientfit()
                .env("CLIENTFIT_PARALLEL_CLIENTS", threshold)
                .arg("report")
                .arg(dir.path())
                .args(["--format", "json", "--as-of", AS_OF])
                .output()
                .unwrap();
            (output.status.code(), output.stdout)
        })
        .collect();
    assert_eq!(outputs[0].0, Some(0));
    assert_eq!(outputs[0], outputs[1]);
}

/// (exit code, stdout, stderr) of `clientfit ARGS` reading on `threads`
/// threads; a run that never ends (it once looped, filling memory) fails
/// the test after a minute instead of hanging it.
fn run_on_threads(threads: &str, args: &[&std::ffi::OsStr]) -> (Option<i32>, String, String) {
    let output = clientfit()
        .env("CLIENTFIT_READING_THREADS", threads)
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// An export whose ticket file turns out not to be UTF-8 only after its
/// first 64 KiB: one invoice, 3,000 plain tickets (about 90 KiB), then
/// "Café Noir" in Windows-1252 (é is the single byte 0xE9) on line 3,002
/// (1 header line + 3,000 rows + this one).
fn write_late_windows_1252(dir: &Path) {
    std::fs::write(
        dir.join("invoices.csv"),
        "invoice_id,client,issued,due,paid,amount\n\
         INV-1,Client 00 Ltd,2026-03-01,2026-03-31,2026-03-20,250.00\n",
    )
    .unwrap();
    let mut tickets = String::from("ticket_id,client,created,minutes\n");
    for i in 0..3000 {
        writeln!(
            tickets,
            "T-{i},Client 00 Ltd,2026-03-{:02} 10:00,15",
            1 + i % 28
        )
        .unwrap();
    }
    let mut bytes = tickets.into_bytes();
    bytes.extend_from_slice(b"T-X,Caf\xE9 Noir,2026-03-05 10:00,30\n");
    std::fs::write(dir.join("tickets.csv"), bytes).unwrap();
}

#[test]
fn a_late_windows_1252_byte_is_not_a_bad_row_to_skip_on_any_core_count() {
    let dir = tempfile::tempdir().unwrap();
    write_late_windows_1252(dir.path());
    let args: Vec<&std::ffi::OsStr> = vec![
        "report".as_ref(),
        dir.path().as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
        "--as-of".as_ref(),
        AS_OF.as_ref(),
        "--skip-bad-rows".as_ref(),
    ];
    let one = run_on_threads("1", &args);
    let two = run_on_threads("2", &args);
    assert_eq!(one.0, Some(0), "{}", one.2);
    assert_eq!(two, one, "two threads read it otherwise than one");
    assert!(
        one.2
            .contains("tickets.csv is not valid UTF-8 (first at line 3002); read as Windows-1252"),
        "{}",
        one.2
    );
    assert!(!one.2.contains("bad row"), "no row was bad: {}", one.2);
    // Client 00 Ltd's 3,000 tickets and Café Noir's one, whose name was
    // decoded rather than skipped.
    assert_eq!(sum_over_clients(&one.1, "tickets"), 3001);
}

#[test]
fn check_names_the_same_encoding_on_any_core_count() {
    let dir = tempfile::tempdir().unwrap();
    write_late_windows_1252(dir.path());
    let args: Vec<&std::ffi::OsStr> = vec!["check".as_ref(), dir.path().as_os_str()];
    let one = run_on_threads("1", &args);
    let two = run_on_threads("2", &args);
    assert_eq!(one.0, Some(0), "{} {}", one.1, one.2);
    assert_eq!(two, one, "two threads checked it otherwise than one");
    let said = format!("{}{}", one.1, one.2);
    assert!(said.contains("Windows-1252"), "{said}");
    assert!(!said.contains("is not valid UTF-8 text"), "{said}");
}
