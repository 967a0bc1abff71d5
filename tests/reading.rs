//! What the reading refuses, and what it reads only once: a quote never
//! closed, a damaged byte in a UTF-8 file, an entry of a data directory
//! that is not a regular file, inputs that are pipes or devices, rows and
//! headers past their limits, and a title line above the header that
//! holds another delimiter.
//!
//! Every case runs the real binary. Fixtures of their own live in
//! `fixtures/adversarial/<case>/`; pipes, devices, symlink loops and
//! inputs of many megabytes are made in a temporary directory.

use std::path::Path;
use std::process::Command as Process;
use std::time::Duration;

use serde_json::Value;

use crate::util::*;

const PERIOD: [&str; 4] = [
    "--as-of",
    "2026-10-31",
    "--period",
    "2026-01-01..2026-10-31",
];

/// `clientfit ARGS... --as-of … --period …`, with standard input `input`
/// (empty unless given) and a time limit (a run that hangs fails).
fn run_with(args: &[&std::ffi::OsStr], input: Option<&[u8]>, env: &[(&str, &str)]) -> Outcome {
    let mut all = args.to_vec();
    // `check` takes no period.
    if args.first() != Some(&os("check")) {
        all.extend(PERIOD.iter().map(|arg| os(arg)));
    }
    let mut cmd = clientfit();
    cmd.args(all).timeout(Duration::from_secs(120));
    for (key, value) in env {
        cmd.env(key, value);
    }
    cmd.write_stdin(input.unwrap_or_default().to_vec());
    let output = cmd.output().expect("clientfit can be started");
    Outcome {
        code: output
            .status
            .code()
            .expect("clientfit ended by itself (no hang, no signal)"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

fn os(text: &str) -> &std::ffi::OsStr {
    text.as_ref()
}

/// `clientfit report DIR --format json EXTRA...`.
fn report_dir(dir: &Path, extra: &[&str]) -> Outcome {
    let mut args = vec![os("report"), dir.as_os_str(), os("--format"), os("json")];
    args.extend(extra.iter().map(|arg| os(arg)));
    run_with(&args, None, &[])
}

/// `clientfit check DIR`.
fn check_dir(dir: &Path) -> Outcome {
    run_with(&[os("check"), dir.as_os_str()], None, &[])
}

/// A clean failure: exit `code`, nothing on stdout, an error holding `parts`.
fn assert_fails(what: &str, out: &Outcome, code: i32, parts: &[&str]) {
    assert_eq!(out.code, code, "{what}: exit code\nstderr:\n{}", out.stderr);
    assert!(
        out.stdout.is_empty(),
        "{what}: stdout is not empty:\n{}",
        out.stdout
    );
    assert!(
        !out.stderr.contains("panicked"),
        "{what}: panic\n{}",
        out.stderr
    );
    for part in parts {
        assert!(
            out.stderr.contains(part),
            "{what}: stderr lacks {part:?}:\n{}",
            out.stderr
        );
    }
}

fn json(what: &str, out: &Outcome) -> Value {
    assert_eq!(out.code, 0, "{what}: exit code\nstderr:\n{}", out.stderr);
    parse(&out.stdout)
}

fn adversarial(case: &str) -> std::path::PathBuf {
    fixture(&format!("adversarial/{case}"))
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// Whether this runs as root (`mknod` needs it).
fn is_root() -> bool {
    Process::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

fn mkfifo(path: &Path) {
    let status = Process::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// A thread that writes `bytes` into the FIFO at `path` once a reader
/// opens it, then closes it.
fn feed_fifo(path: &Path, bytes: &'static [u8]) -> std::thread::JoinHandle<()> {
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        use std::io::Write;
        // Opening for writing waits for the reader; a reader that went
        // away is the test's failure to report, not this thread's.
        if let Ok(mut fifo) = std::fs::OpenOptions::new().write(true).open(&path) {
            let _ = fifo.write_all(bytes);
        }
    })
}

// ---------------------------------------------------------------------
// A quote never closed
// ---------------------------------------------------------------------

/// invoices.csv: `Acme,2026-03-01,100.00,"Web work` on line 2 of 5 opens a
/// quote in the last column that never closes. csv read the rest of the
/// file into that cell: one invoice of 100.00 instead of four (Acme 500.00,
/// Beta 200.00, Gamma 300.00), exit 0, and `check` said OK.
#[test]
fn a_quote_never_closed_in_the_last_column_is_an_error_at_its_line() {
    let dir = adversarial("unclosed-quote-last-column");
    let out = report_dir(&dir, &[]);
    assert_fails(
        "unclosed quote, last column",
        &out,
        1,
        &[
            "invoices.csv:2:",
            "never closed",
            "4 lines, 2 to 5",
            "hint:",
        ],
    );
    let check = check_dir(&dir);
    assert_ne!(
        check.code, 0,
        "check says OK:\n{}{}",
        check.stdout, check.stderr
    );
    assert!(check.stdout.contains("never closed"), "{}", check.stdout);

    // Skipped: the four rows the open cell took are four bad rows (lines
    // 2, 3, 4 and 5), not one; no invoice is left to report.
    let out = report_dir(&dir, &["--skip-bad-rows"]);
    let doc = json("unclosed quote, --skip-bad-rows", &out);
    assert!(out.stderr.contains("skipped 4 bad rows"), "{}", out.stderr);
    assert!(out.stderr.contains("lines 2, 3, 4, 5"), "{}", out.stderr);
    assert!(names(&doc).is_empty(), "{:?}", names(&doc));
}

/// tickets.csv: T1 (Acme) opens a quote in its tags cell on line 2; the
/// swallowed text held Gamma's `abusive` tag, and Acme was flagged
/// `abusive`. Now an error at line 2; skipped, every ticket is lost (4
/// bad rows) and nobody is flagged for another client's tag.
#[test]
fn a_quote_never_closed_in_tickets_flags_nobody_with_another_clients_tag() {
    let dir = adversarial("unclosed-quote-tickets");
    let out = report_dir(&dir, &[]);
    assert_fails(
        "unclosed quote in tickets",
        &out,
        1,
        &["tickets.csv:2:", "never closed", "4 lines, 2 to 5"],
    );
    let out = report_dir(&dir, &["--skip-bad-rows"]);
    let doc = json("unclosed quote in tickets, --skip-bad-rows", &out);
    assert!(out.stderr.contains("skipped 4 bad rows"), "{}", out.stderr);
    // Acme 100.00, Beta 200.00, Gamma 300.00 from invoices.csv; no ticket.
    for (name, revenue) in [("Acme", "100.00"), ("Beta", "200.00"), ("Gamma", "300.00")] {
        let row = client(&doc, name);
        assert_money(row, "revenue", revenue);
        assert_count(row, "tickets", 0);
        assert!(
            !flag_ids(row).contains(&"abusive".to_string()),
            "{name}: {:?}",
            flag_ids(row)
        );
    }
}

/// The first-column fixture (a quote opened on line 3 of 4): skipped, it
/// is two rows lost (lines 3 and 4), where one was said before.
/// A quote left open and closed by the next quoted cell of another row
/// (`"billing` on line 2, `"vip"` on line 4): the csv reading takes lines
/// 2–4 as one row, so Beta's abusive ticket became the text of Acme's
/// tags and Acme was flagged, while Beta had no ticket. An error at the
/// line the quote opened, in `report` and in `check`.
#[test]
fn a_quote_closed_late_by_another_row_is_an_error_at_its_line() {
    let dir = adversarial("quote-closed-late");
    let out = report_dir(&dir, &[]);
    assert_fails(
        "quote closed late",
        &out,
        1,
        &["tickets.csv:2:", "only closes on line 4", "closing quote"],
    );
    let check = check_dir(&dir);
    assert_eq!(check.code, 1, "{}", check.stdout);
    assert!(
        check.stdout.contains("only closes on line 4"),
        "{}",
        check.stdout
    );
}

#[test]
fn skipping_a_quote_never_closed_counts_every_row_it_took() {
    let out = report_dir(&adversarial("unclosed-quote"), &["--skip-bad-rows"]);
    let doc = json("unclosed quote, first column, --skip-bad-rows", &out);
    assert!(out.stderr.contains("skipped 2 bad rows"), "{}", out.stderr);
    assert!(out.stderr.contains("lines 3, 4"), "{}", out.stderr);
    assert_eq!(names(&doc), ["Acme"]);
}

// ---------------------------------------------------------------------
// A damaged byte in a UTF-8 file
// ---------------------------------------------------------------------

/// invoices.csv is UTF-8 (`Café Müller GmbH` twice: 4,000.00 + 6,000.00 =
/// 10,000.00) but for one byte 0xFF on line 5 (`Bad\xFF Byte Ltd`). It was
/// read as Windows-1252: the revenue went to `CafÃ© MÃ¼ller GmbH` and the
/// 30 tickets of tickets.csv to a phantom `Café Müller GmbH`. Now the bad
/// byte is an error at line 5; skipped, the file stays UTF-8 and the client
/// is one.
#[test]
fn one_bad_byte_in_a_utf8_file_is_an_error_at_its_line_not_a_new_encoding() {
    let dir = adversarial("damaged-utf8");
    let out = report_dir(&dir, &[]);
    assert_fails(
        "damaged UTF-8",
        &out,
        1,
        &[
            "invoices.csv:5:",
            "not valid UTF-8",
            "0xFF",
            "--skip-bad-rows",
        ],
    );
    assert!(!out.stderr.contains("Windows-1252\n"), "{}", out.stderr);

    let out = report_dir(&dir, &["--skip-bad-rows"]);
    let doc = json("damaged UTF-8, --skip-bad-rows", &out);
    assert!(
        !out.stderr.contains("read as Windows-1252"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("skipped 1 bad row "), "{}", out.stderr);
    assert!(out.stderr.contains("line 5"), "{}", out.stderr);
    let mut listed = names(&doc);
    listed.sort();
    assert_eq!(listed, ["Acme", "Café Müller GmbH"]);
    let cafe = client(&doc, "Café Müller GmbH");
    assert_money(cafe, "revenue", "10000.00");
    assert_count(cafe, "tickets", 30);
    assert_money(client(&doc, "Acme"), "revenue", "1000.00");
}

/// A file with no multi-byte UTF-8 character at all is still read as
/// Windows-1252 (with its warning): `M\xFCller` is Müller.
#[test]
fn a_file_with_no_utf8_character_is_still_windows_1252() {
    let dir = tempdir();
    std::fs::write(
        dir.path().join("invoices.csv"),
        b"client,issued,amount\nM\xFCller AG,2026-03-01,250.00\n",
    )
    .unwrap();
    let out = report_dir(dir.path(), &[]);
    let doc = json("Windows-1252", &out);
    assert!(
        out.stderr.contains("read as Windows-1252"),
        "{}",
        out.stderr
    );
    assert_money(client(&doc, "Müller AG"), "revenue", "250.00");
}

// ---------------------------------------------------------------------
// Entries of a data directory that are not regular files
// ---------------------------------------------------------------------

/// tickets.csv is a symlink to a file on a share that is not mounted: the
/// report ran without tickets, exit 0, and `check` said OK.
#[test]
fn a_dangling_symlink_named_like_a_csv_file_is_an_error() {
    let dir = adversarial("dangling-symlink-entry");
    let out = report_dir(&dir, &[]);
    assert_fails(
        "dangling symlink",
        &out,
        1,
        &[
            "dangling-symlink-entry/tickets.csv",
            "leads to no file",
            "hint:",
        ],
    );
    let check = check_dir(&dir);
    assert_eq!(check.code, 1, "{}{}", check.stdout, check.stderr);
    assert!(check.stderr.contains("tickets.csv"), "{}", check.stderr);
}

#[test]
fn a_loop_a_directory_a_pipe_or_a_device_named_like_a_csv_file_is_an_error() {
    /// What the entry is, what the error says, and how to make it.
    type Entry = (&'static str, &'static str, Box<dyn Fn(&Path)>);
    let make: Vec<Entry> = vec![
        (
            "symlink loop",
            "Too many levels of symbolic links",
            Box::new(|path: &Path| {
                std::os::unix::fs::symlink(path, path).unwrap();
            }),
        ),
        (
            "directory",
            "is a directory",
            Box::new(|path: &Path| std::fs::create_dir(path).unwrap()),
        ),
        (
            "named pipe",
            "is a named pipe",
            Box::new(|path: &Path| mkfifo(path)),
        ),
        (
            "symlink to a named pipe",
            "is a named pipe",
            Box::new(|path: &Path| {
                let fifo = path.with_extension("fifo");
                mkfifo(&fifo);
                std::os::unix::fs::symlink(&fifo, path).unwrap();
            }),
        ),
    ];
    for (what, says, make) in make {
        let dir = tempdir();
        std::fs::write(
            dir.path().join("invoices.csv"),
            "client,issued,amount\nAcme,2026-03-01,1000.00\n",
        )
        .unwrap();
        let entry = dir.path().join("tickets.csv");
        make(&entry);
        let out = report_dir(dir.path(), &[]);
        assert_fails(what, &out, 1, &[entry.to_str().unwrap(), says]);
    }
    // A character device (the same as /dev/null), made in the temporary
    // directory: only root may.
    if !is_root() {
        eprintln!("skipped: a character device needs root to make with mknod");
        return;
    }
    let dir = tempdir();
    std::fs::write(
        dir.path().join("invoices.csv"),
        "client,issued,amount\nAcme,2026-03-01,1000.00\n",
    )
    .unwrap();
    let entry = dir.path().join("tickets.csv");
    let status = Process::new("mknod")
        .arg(&entry)
        .args(["c", "1", "3"])
        .status()
        .unwrap();
    assert!(status.success());
    let out = report_dir(dir.path(), &[]);
    assert_fails("device", &out, 1, &[entry.to_str().unwrap(), "is a device"]);
}

// ---------------------------------------------------------------------
// Inputs that are not regular files: read once
// ---------------------------------------------------------------------

const INVOICES: &[u8] = b"client,issued,amount\nAcme,2026-03-01,1000.00\nBeta,2026-03-02,250.00\n";

fn assert_two_clients(what: &str, out: &Outcome) {
    let doc = json(what, out);
    assert_money(client(&doc, "Acme"), "revenue", "1000.00");
    assert_money(client(&doc, "Beta"), "revenue", "250.00");
}

/// A FIFO named with --invoices: it was opened up to five times, and the
/// second opening waited for a writer for ever.
#[test]
fn a_named_pipe_given_as_an_input_is_read_once() {
    let dir = tempdir();
    let fifo = dir.path().join("invoices.fifo");
    mkfifo(&fifo);
    let writer = feed_fifo(&fifo, INVOICES);
    let out = run_with(
        &[
            os("report"),
            os("--invoices"),
            fifo.as_os_str(),
            os("--format"),
            os("json"),
        ],
        None,
        &[],
    );
    writer.join().unwrap();
    assert_two_clients("--invoices FIFO", &out);
}

/// `cat invoices.csv | clientfit report --invoices /dev/stdin` said the
/// file was empty; so did `<(cat invoices.csv)`.
#[test]
fn dev_stdin_and_process_substitution_are_read_once() {
    let out = run_with(
        &[
            os("report"),
            os("--invoices"),
            os("/dev/stdin"),
            os("--format"),
            os("json"),
        ],
        Some(INVOICES),
        &[],
    );
    assert_two_clients("--invoices /dev/stdin", &out);

    let dir = tempdir();
    let file = dir.path().join("invoices.csv");
    std::fs::write(&file, INVOICES).unwrap();
    let Ok(bash) = which("bash") else {
        eprintln!("skipped: no bash for <(…)");
        return;
    };
    let binary = assert_cmd::cargo::cargo_bin("clientfit");
    let script = format!(
        "{} report --invoices <(cat {}) --format json {}",
        binary.display(),
        file.display(),
        PERIOD.join(" ")
    );
    let output = Process::new(bash)
        .args(["-c", &script])
        .env("CLIENTFIT_TODAY", TODAY)
        .output()
        .unwrap();
    let out = Outcome {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    };
    assert_two_clients("--invoices <(cat …)", &out);
}

fn which(program: &str) -> Result<std::path::PathBuf, ()> {
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(program))
                .find(|path| path.is_file())
        })
        .ok_or(())
}

#[test]
fn standard_input_given_for_two_kinds_is_a_usage_error() {
    let out = run_with(
        &[
            os("report"),
            os("--invoices"),
            os("-"),
            os("--tickets"),
            os("-"),
        ],
        Some(INVOICES),
        &[],
    );
    assert_fails("- twice", &out, 2, &["standard input can be read once"]);
}

/// A device that never ends (the same as /dev/zero, made in a temporary
/// directory) was read without bound. Input that is not a regular file is
/// held in memory up to a limit (1 GiB; 64 KiB here through the test
/// setting), and past it the error names the limit.
#[test]
fn an_endless_device_stops_at_the_in_memory_limit() {
    if !is_root() {
        eprintln!("skipped: a character device needs root to make with mknod");
        return;
    }
    let dir = tempdir();
    let zero = dir.path().join("zero");
    let status = Process::new("mknod")
        .arg(&zero)
        .args(["c", "1", "5"])
        .status()
        .unwrap();
    assert!(status.success());
    let out = run_with(
        &[
            os("report"),
            os("--invoices"),
            zero.as_os_str(),
            os("--format"),
            os("json"),
        ],
        None,
        &[("CLIENTFIT_IN_MEMORY_LIMIT", "65536")],
    );
    assert_fails(
        "endless device",
        &out,
        1,
        &[
            zero.to_str().unwrap(),
            "holds more than 64 KiB",
            "save the export to a file",
        ],
    );
}

/// Standard input over the limit: the same error; `check` names the limit
/// for an input read into memory.
#[test]
fn standard_input_has_the_same_limit_and_check_names_it() {
    let big: Vec<u8> = INVOICES.iter().copied().cycle().take(70_000).collect();
    let out = run_with(
        &[
            os("report"),
            os("--invoices"),
            os("-"),
            os("--format"),
            os("json"),
        ],
        Some(&big),
        &[("CLIENTFIT_IN_MEMORY_LIMIT", "65536")],
    );
    assert_fails(
        "stdin over the limit",
        &out,
        1,
        &["-: holds more than 64 KiB"],
    );

    let out = run_with(
        &[os("check"), os("--invoices"), os("-")],
        Some(INVOICES),
        &[],
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("read        once, into memory: not a regular file (at most 1 GiB)"),
        "{}",
        out.stdout
    );
}

// ---------------------------------------------------------------------
// Limits on rows, cells, columns and headers
// ---------------------------------------------------------------------

/// A directory with `invoices.csv` holding `text`.
fn invoices_dir(text: Vec<u8>) -> tempfile::TempDir {
    let dir = tempdir();
    std::fs::write(dir.path().join("invoices.csv"), text).unwrap();
    dir
}

#[test]
fn more_than_100_000_columns_is_an_error_at_the_line() {
    // A header of 200,000 commas (200,001 empty columns): memory grew by
    // about 65 bytes a column, and 200 MB of them aborted.
    let dir = invoices_dir([",".repeat(200_000).as_bytes(), b"\n"].concat());
    let out = report_dir(dir.path(), &[]);
    assert_fails(
        "wide header",
        &out,
        1,
        &["invoices.csv:1:", "more than 100000 cells"],
    );
    // 100,000 commas in a data row (100,001 cells) on line 3.
    let dir = invoices_dir(
        [
            b"client,issued,amount\nAcme,2026-03-01,10.00\n".as_slice(),
            ",".repeat(100_000).as_bytes(),
            b"\n",
        ]
        .concat(),
    );
    let out = report_dir(dir.path(), &[]);
    assert_fails(
        "wide row",
        &out,
        1,
        &["invoices.csv:3:", "more than 100000 cells"],
    );
}

#[test]
fn a_row_longer_than_32_mib_is_an_error_naming_the_open_quote() {
    // Line 2 opens a quote and 33 MiB follow: the row is cut at 32 MiB,
    // the error names the quote's line.
    let mut text = b"client,issued,amount\n\"Acme".to_vec();
    text.extend(std::iter::repeat_n(b'x', 33 * 1024 * 1024));
    text.extend_from_slice(b",2026-03-01,10.00\n");
    let dir = invoices_dir(text);
    let out = report_dir(dir.path(), &[]);
    assert_fails(
        "33 MiB row",
        &out,
        1,
        &[
            "invoices.csv:2:",
            "longer than 32 MiB",
            "quote opened on line 2 is still open 32 MiB on",
        ],
    );
}

#[test]
fn a_cell_longer_than_16_mib_is_an_error() {
    // The client cell of line 3 is 17 MiB, quoted and closed.
    let mut text = b"client,issued,amount\nAcme,2026-03-01,10.00\n\"".to_vec();
    text.extend(std::iter::repeat_n(b'A', 17 * 1024 * 1024));
    text.extend_from_slice(b"\",2026-03-01,10.00\n");
    let dir = invoices_dir(text);
    let out = report_dir(dir.path(), &[]);
    assert_fails(
        "17 MiB cell",
        &out,
        1,
        &["invoices.csv:3:", "cell 1", "longer than 16 MiB"],
    );
}

#[test]
fn a_header_longer_than_1_mib_is_never_made_into_columns() {
    // 2 MiB with no delimiter and no row after it that is a header.
    let dir = invoices_dir(
        [
            b"x".repeat(2 * 1024 * 1024).as_slice(),
            b"\nAcme,2026-03-01,10.00\n",
        ]
        .concat(),
    );
    let out = report_dir(dir.path(), &[]);
    assert_fails(
        "2 MiB header",
        &out,
        1,
        &["invoices.csv:1:", "too long for a header row"],
    );
    // A long title above the real header is passed over.
    let dir = invoices_dir(
        [
            b"y".repeat(2 * 1024 * 1024).as_slice(),
            b"\nclient,issued,amount\nAcme,2026-03-01,10.00\n",
        ]
        .concat(),
    );
    let doc = json("long title", &report_dir(dir.path(), &[]));
    assert_money(client(&doc, "Acme"), "revenue", "10.00");
}

// ---------------------------------------------------------------------
// The delimiter of the header row
// ---------------------------------------------------------------------

/// `Invoices export; generated 2026-11-01` above a comma header: the `;`
/// of the title set the delimiter, and the error said the header had no
/// "amount". The header row's delimiter is the file's: Acme 1,234.50,
/// Beta 100.00.
#[test]
fn the_delimiter_is_the_header_rows_not_a_title_lines() {
    let dir = adversarial("title-line-delimiter");
    let doc = json("title with ;", &report_dir(&dir, &[]));
    assert_money(client(&doc, "Acme"), "revenue", "1234.50");
    assert_money(client(&doc, "Beta"), "revenue", "100.00");
    let check = check_dir(&dir);
    assert!(
        check.stdout.contains("delimiter ','") && check.stdout.contains("header on line 2"),
        "{}",
        check.stdout
    );
}
