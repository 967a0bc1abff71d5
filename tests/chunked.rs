//! Chunked reading gives what reading on one thread gives, byte for byte.
//!
//! The reader cuts every regular UTF-8 file into chunks at record
//! boundaries, reads them on a pool of threads and merges the partial
//! results in file-and-chunk order. `CLIENTFIT_READING_THREADS=1` reads on
//! one thread; `CLIENTFIT_CHUNK_BYTES` makes chunks tiny, so that files of a
//! few kilobytes are cut at hundreds of places, inside and around every
//! awkward spot a real export has.
//!
//! The property generates a directory of exports: one or two invoice files
//! (the second sometimes replacing invoices of the first by id), one or two
//! ticket files (likewise), a meetings file and sometimes a clients.csv.
//! Rows spell a client several ways (`Acme, Inc.`, `ACME INC`, `acme`);
//! in about a third of the exports they repeat invoice ids (agreeing rows,
//! one invoice) and ticket ids (an event log: the last row wins) within a
//! file and across files. Rows carry free-text cells quoted over several
//! lines with LF and CRLF inside, commas, doubled quotes, lines that read
//! like records of the same file, and non-ASCII text. Each file is written
//! with or without a BOM, with LF or CRLF line ends, with blank lines
//! between rows, with or without a final line end, and sometimes (tickets
//! and meetings) in Windows-1252, which is read whole, never cut. About one
//! export in five gets bad rows: an impossible date, too few or too many
//! fields, or a quote opened near the end of a file and never closed.
//!
//! Each export is read by `report --format json`, `report --skip-bad-rows`,
//! `check` and `check --skip-bad-rows`, once on one thread and once on two
//! threads with chunks of 1 to 299 bytes; exit code, stdout and stderr must
//! be equal. An export without injected bad rows must report (exit 0); one
//! with them must stop (exit 1) and report with `--skip-bad-rows`, naming
//! the skipped rows, so the property compares both successful reports and
//! error messages.
//!
//! 40 exports a run, from a fixed seed so every run checks the same ones
//! (`PROPTEST_CASES` and `PROPTEST_RNG_SEED` choose others): about 3 s in a
//! debug build.
//!
//! The fixed cases below pin what a generator may rarely hit: a file that
//! read from inside its quoted cells is as well formed as read from its
//! start, a BOM, and errors and skipped rows on late lines, whose line
//! number must be counted from the start of the file.

use std::cell::Cell;
use std::path::Path;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{RngSeed, TestCaseError, TestRunner};

use crate::util::{Outcome, clientfit};

const AS_OF: &str = "2026-10-31";

/// 2026-01-01 + 303 days = 2026-10-31, the as-of day.
const LAST_DAY: u32 = 303;

fn day(offset: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Days::new(u64::from(offset))
}

// ---------------------------------------------------------------------------
// Running the binary both ways

/// How the binary reads its files.
#[derive(Debug, Clone, Copy)]
enum Reading {
    OneThread,
    /// Two threads, chunks of this many bytes.
    Chunked(u32),
}

/// `clientfit ARGS DIR` read as `reading` says.
fn run(dir: &Path, reading: Reading, args: &[&str]) -> Outcome {
    let mut cmd = clientfit();
    match reading {
        Reading::OneThread => {
            cmd.env("CLIENTFIT_READING_THREADS", "1");
        }
        Reading::Chunked(bytes) => {
            cmd.env("CLIENTFIT_READING_THREADS", "2")
                .env("CLIENTFIT_CHUNK_BYTES", bytes.to_string());
        }
    }
    let output = cmd.args(args).arg(dir).output().expect("clientfit starts");
    Outcome {
        code: output.status.code().expect("an exit code, not a signal"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// `args` on `dir` read on one thread and chunked by `chunk_bytes`: the
/// same exit code, stdout and stderr. The one-thread outcome.
fn same_both_ways(dir: &Path, args: &[&str], chunk_bytes: u32) -> Result<Outcome, TestCaseError> {
    let one = run(dir, Reading::OneThread, args);
    let chunked = run(dir, Reading::Chunked(chunk_bytes), args);
    let what = format!("{args:?} with {chunk_bytes}-byte chunks");
    prop_assert_eq!(
        chunked.code,
        one.code,
        "exit code of {}\n{}",
        what,
        chunked.stderr
    );
    prop_assert_eq!(&chunked.stderr, &one.stderr, "stderr of {}", what);
    prop_assert_eq!(&chunked.stdout, &one.stdout, "stdout of {}", what);
    Ok(one)
}

/// Chunk sizes the fixed cases try: inside the BOM (1 to 3 bytes), a few
/// bytes, around a line or a record, and bigger than the file.
const CHUNK_SIZES: [u32; 12] = [1, 2, 3, 4, 7, 16, 31, 64, 127, 200, 299, 1 << 20];

/// `args` on `dir` read on one thread, and chunked by each of
/// `CHUNK_SIZES`: the same exit code, stdout and stderr each time. The
/// one-thread outcome.
fn same_for_every_chunk_size(dir: &Path, args: &[&str]) -> Outcome {
    let one = run(dir, Reading::OneThread, args);
    for bytes in CHUNK_SIZES {
        let chunked = run(dir, Reading::Chunked(bytes), args);
        let what = format!("{args:?} with {bytes}-byte chunks");
        assert_eq!(
            chunked.code, one.code,
            "exit code of {what}\n{}",
            chunked.stderr
        );
        assert_eq!(chunked.stderr, one.stderr, "stderr of {what}");
        assert_eq!(chunked.stdout, one.stdout, "stdout of {what}");
    }
    one
}

const REPORT: &[&str] = &["report", "--format", "json", "--as-of", AS_OF];
const REPORT_SKIPPING: &[&str] = &[
    "report",
    "--format",
    "json",
    "--as-of",
    AS_OF,
    "--skip-bad-rows",
];
const CHECK: &[&str] = &["check"];
const CHECK_SKIPPING: &[&str] = &["check", "--skip-bad-rows"];

// ---------------------------------------------------------------------------
// Generated exports

/// Clients, each with the spellings rows use; the spellings of one client
/// share a matching key (`Globex Corp.` is `globex`).
const CLIENTS: [&[&str]; 6] = [
    &["Acme, Inc.", "ACME INC", "acme"],
    &["Globex Corporation", "GLOBEX", "Globex Corp."],
    &["Initech LLC", "initech"],
    &["Umbrella Corp", "UMBRELLA"],
    &["Café Noir SARL", "CAFÉ NOIR"],
    &["Stark & Sons Ltd", "stark & sons"],
];

/// Pieces of free-text cells (notes, subjects). Line breaks of both kinds,
/// delimiters, lone and doubled quotes, lines that read like records of
/// each kind of file (a reader that loses track of the quotes takes them
/// for rows), and text with characters of two and three bytes in UTF-8.
const PIECES: [&str; 17] = [
    "ok",
    "see the thread",
    "\n",
    "\r\n",
    ", ",
    "\"",
    "\"\"",
    "; ",
    "Café — €12,50",
    "\n\n",
    "INV-9,ACME INC,2026-01-05,,,10.00,paid,",
    "T-9,GLOBEX,2026-02-01,5,Incident,,x",
    "acme,2026-03-03,30,attended,1,",
    "\"\n",
    "\n\"",
    ",,,",
    "\r\n\r\n",
];

/// A free-text cell.
#[derive(Debug, Clone)]
struct Text {
    pieces: Vec<usize>,
    /// Quoted even when nothing in it needs quotes.
    quoted: bool,
}

impl Text {
    fn cell(&self) -> String {
        let text: String = self.pieces.iter().map(|&i| PIECES[i]).collect();
        cell(&text, self.quoted)
    }
}

fn text() -> impl Strategy<Value = Text> {
    (
        prop_oneof![
            2 => Just(Vec::new()),
            3 => proptest::collection::vec(0..PIECES.len(), 1..6),
        ],
        proptest::bool::weighted(0.2),
    )
        .prop_map(|(pieces, quoted)| Text { pieces, quoted })
}

/// `text` as one CSV cell: quoted when it holds a delimiter, a quote or a
/// line break, or when `quoted` asks.
fn cell(text: &str, quoted: bool) -> String {
    if quoted || text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// How a file is written.
#[derive(Debug, Clone)]
struct Layout {
    bom: bool,
    crlf: bool,
    /// Windows-1252 instead of UTF-8 (no BOM then).
    windows_1252: bool,
    final_line_end: bool,
}

fn layout(windows_1252: f64) -> impl Strategy<Value = Layout> {
    (
        proptest::bool::weighted(0.3),
        proptest::bool::weighted(0.4),
        proptest::bool::weighted(windows_1252),
        proptest::bool::weighted(0.85),
    )
        .prop_map(|(bom, crlf, windows_1252, final_line_end)| Layout {
            bom: bom && !windows_1252,
            crlf,
            windows_1252,
            final_line_end,
        })
}

/// Blank lines after a row: mostly none.
fn blank_lines() -> impl Strategy<Value = u8> {
    prop_oneof![9 => Just(0u8), 1 => 1u8..=2]
}

/// A client and which of its spellings a row uses.
#[derive(Debug, Clone)]
struct Name {
    client: usize,
    spelling: Index,
    quoted: bool,
}

impl Name {
    fn text(&self) -> &'static str {
        let spellings = CLIENTS[self.client];
        spellings[self.spelling.index(spellings.len())]
    }

    fn cell(&self) -> String {
        cell(self.text(), self.quoted)
    }
}

fn name() -> impl Strategy<Value = Name> {
    (
        0..CLIENTS.len(),
        any::<Index>(),
        proptest::bool::weighted(0.2),
    )
        .prop_map(|(client, spelling, quoted)| Name {
            client,
            spelling,
            quoted,
        })
}

#[derive(Debug, Clone)]
struct Invoice {
    name: Name,
    /// Days after 2026-01-01.
    issued: u32,
    /// Days from issue to due; `None` leaves the due cell blank.
    terms: Option<u32>,
    /// Days from issue to payment; a payment after as-of is left blank.
    paid_after: Option<u32>,
    /// Negative: a credit note.
    cents: i64,
    /// Written `"1,234.50"`, quoted, when 1000 or more.
    thousands: bool,
    status: Index,
    note: Text,
    blank_lines: u8,
    /// The row is written a second time at the end of its file, with
    /// another note: one invoice in two agreeing rows.
    repeated: bool,
    /// In a second invoice file: takes the id of this row of the first
    /// file, replacing that invoice.
    replaces: Option<Index>,
}

fn invoice() -> impl Strategy<Value = Invoice> {
    (
        (
            name(),
            0..=LAST_DAY,
            proptest::option::weighted(0.7, prop_oneof![Just(0u32), Just(14), Just(30)]),
            proptest::option::weighted(0.6, 0u32..=90),
            prop_oneof![8 => 100i64..500_000, 1 => -40_000i64..=-100],
            any::<bool>(),
        ),
        (
            any::<Index>(),
            text(),
            blank_lines(),
            proptest::bool::weighted(0.1),
            proptest::option::weighted(0.3, any::<Index>()),
        ),
    )
        .prop_map(
            |(
                (name, issued, terms, paid_after, cents, thousands),
                (status, note, blank_lines, repeated, replaces),
            )| Invoice {
                name,
                issued,
                terms,
                paid_after,
                cents,
                thousands,
                status,
                note,
                blank_lines,
                repeated,
                replaces,
            },
        )
}

impl Invoice {
    /// The row under `id`.
    fn record(&self, id: &str, note: &str) -> String {
        let issued = day(self.issued);
        let due = self
            .terms
            .map(|terms| (issued + Days::new(u64::from(terms))).to_string())
            .unwrap_or_default();
        // Credit notes are never paid; a payment after as-of is not known yet.
        let paid = self
            .paid_after
            .filter(|after| self.cents > 0 && self.issued + after <= LAST_DAY)
            .map(|after| day(self.issued + after).to_string());
        let statuses: &[&str] = match (&paid, self.cents > 0) {
            (Some(_), _) => &["paid", "", "Paid"],
            (None, true) => &["open", "", "void", "uncollectible", "Awaiting Payment"],
            (None, false) => &[""],
        };
        let status = statuses[self.status.index(statuses.len())];
        format!(
            "{id},{},{issued},{due},{},{},{status},{note}",
            self.name.cell(),
            paid.unwrap_or_default(),
            amount(self.cents, self.thousands),
        )
    }
}

/// Money as exports write it: `1234.50`, `-12.00`, or `"1,234.50"`.
fn amount(cents: i64, thousands: bool) -> String {
    let units = cents.abs() / 100;
    let sign = if cents < 0 { "-" } else { "" };
    let fraction = cents.abs() % 100;
    if thousands && units >= 1000 {
        format!(
            "\"{sign}{},{:03}.{fraction:02}\"",
            units / 1000,
            units % 1000
        )
    } else {
        format!("{sign}{units}.{fraction:02}")
    }
}

#[derive(Debug, Clone)]
struct Ticket {
    name: Name,
    created: u32,
    /// Written with a time of day.
    at_time: bool,
    minutes: Option<u32>,
    kind: Index,
    tags: Index,
    subject: Text,
    blank_lines: u8,
    /// The ticket is written again at the end of its file with these
    /// minutes: an event log whose last row carries the state.
    repeated: Option<Option<u32>>,
    /// In a second ticket file: takes the id of this row of the first file.
    replaces: Option<Index>,
}

const TICKET_KINDS: [&str; 5] = ["Incident", "Question", "Change request", "Task", ""];
const TAGS: [&str; 7] = [
    "",
    "billing",
    "billing,api,export",
    "escalated",
    "bug; ui",
    "abusive",
    "change request",
];

fn ticket() -> impl Strategy<Value = Ticket> {
    (
        (
            name(),
            0..=LAST_DAY,
            any::<bool>(),
            proptest::option::weighted(0.8, 0u32..=240),
            any::<Index>(),
            any::<Index>(),
        ),
        (
            text(),
            blank_lines(),
            proptest::option::weighted(0.1, proptest::option::weighted(0.8, 0u32..=240)),
            proptest::option::weighted(0.3, any::<Index>()),
        ),
    )
        .prop_map(
            |(
                (name, created, at_time, minutes, kind, tags),
                (subject, blank_lines, repeated, replaces),
            )| Ticket {
                name,
                created,
                at_time,
                minutes,
                kind,
                tags,
                subject,
                blank_lines,
                repeated,
                replaces,
            },
        )
}

impl Ticket {
    fn record(&self, id: &str, minutes: Option<u32>, subject: &str) -> String {
        let created = if self.at_time {
            format!("{} 09:{:02}", day(self.created), self.created % 60)
        } else {
            day(self.created).to_string()
        };
        format!(
            "{id},{},{created},{},{},{},{subject}",
            self.name.cell(),
            minutes.map(|m| m.to_string()).unwrap_or_default(),
            TICKET_KINDS[self.kind.index(TICKET_KINDS.len())],
            cell(TAGS[self.tags.index(TAGS.len())], false),
        )
    }
}

#[derive(Debug, Clone)]
struct Meeting {
    name: Name,
    date: u32,
    minutes: Index,
    status: Index,
    attendees: Index,
    notes: Text,
    blank_lines: u8,
}

const MEETING_MINUTES: [&str; 5] = ["15", "30", "45", "60", ""];
const MEETING_STATUSES: [&str; 5] = ["attended", "no-show", "cancelled", "Completed", "No Show"];
const ATTENDEES: [&str; 5] = [
    "1",
    "2",
    "",
    "Dana Lee; Kim Park",
    "dana@us.com, lee@us.com",
];

fn meeting() -> impl Strategy<Value = Meeting> {
    (
        name(),
        0..=LAST_DAY,
        any::<Index>(),
        any::<Index>(),
        any::<Index>(),
        text(),
        blank_lines(),
    )
        .prop_map(
            |(name, date, minutes, status, attendees, notes, blank_lines)| Meeting {
                name,
                date,
                minutes,
                status,
                attendees,
                notes,
                blank_lines,
            },
        )
}

impl Meeting {
    fn record(&self) -> String {
        format!(
            "{},{},{},{},{},{}",
            self.name.cell(),
            day(self.date),
            MEETING_MINUTES[self.minutes.index(MEETING_MINUTES.len())],
            MEETING_STATUSES[self.status.index(MEETING_STATUSES.len())],
            cell(ATTENDEES[self.attendees.index(ATTENDEES.len())], false),
            self.notes.cell(),
        )
    }
}

/// A row of clients.csv for one client.
#[derive(Debug, Clone)]
struct MasterEntry {
    name: Name,
    strategic: bool,
    owner: Index,
}

const OWNERS: [&str; 3] = ["Lee, Dana", "Kim Park", ""];

fn master_entry() -> impl Strategy<Value = MasterEntry> {
    (name(), any::<bool>(), any::<Index>()).prop_map(|(name, strategic, owner)| MasterEntry {
        name,
        strategic,
        owner,
    })
}

#[derive(Debug, Clone, Copy)]
enum BadKind {
    /// 2026-02-30 in the date column.
    Date,
    FewerFields,
    MoreFields,
    /// A quote opened in the last cell and never closed: the rest of the
    /// file is inside it.
    UnclosedQuote,
}

#[derive(Debug, Clone)]
struct BadRow {
    kind: BadKind,
    /// Which invoice, ticket or meeting file.
    file: Index,
    /// Where in it (an unclosed quote goes among the last two rows).
    at: Index,
}

fn bad_row() -> impl Strategy<Value = BadRow> {
    (
        prop_oneof![
            Just(BadKind::Date),
            Just(BadKind::FewerFields),
            Just(BadKind::MoreFields),
            Just(BadKind::UnclosedQuote),
        ],
        any::<Index>(),
        any::<Index>(),
    )
        .prop_map(|(kind, file, at)| BadRow { kind, file, at })
}

#[derive(Debug, Clone)]
struct Export {
    /// One or two invoice files.
    invoices: Vec<(Layout, Vec<Invoice>)>,
    /// One or two ticket files.
    tickets: Vec<(Layout, Vec<Ticket>)>,
    meetings: (Layout, Vec<Meeting>),
    master: Option<(Layout, Vec<MasterEntry>)>,
    /// Rows may repeat ids (`repeated`, `replaces`); else every id is
    /// written once.
    repeated_ids: bool,
    bad: Vec<BadRow>,
}

/// One file made by `file`, sometimes two.
fn one_or_two<S: Strategy>(file: impl Fn() -> S) -> impl Strategy<Value = Vec<S::Value>> {
    (file(), proptest::option::weighted(0.25, file()))
        .prop_map(|(first, second)| std::iter::once(first).chain(second).collect())
}

fn export() -> impl Strategy<Value = Export> {
    (
        one_or_two(|| (layout(0.0), proptest::collection::vec(invoice(), 1..25))),
        one_or_two(|| (layout(0.15), proptest::collection::vec(ticket(), 0..30))),
        (layout(0.15), proptest::collection::vec(meeting(), 0..20)),
        proptest::option::weighted(
            0.3,
            (layout(0.0), proptest::collection::vec(master_entry(), 1..5)),
        ),
        proptest::bool::weighted(0.3),
        prop_oneof![
            4 => Just(Vec::new()),
            1 => proptest::collection::vec(bad_row(), 1..=2),
        ],
    )
        .prop_map(
            |(invoices, tickets, meetings, master, repeated_ids, bad)| Export {
                invoices,
                tickets,
                meetings,
                master,
                repeated_ids,
                bad,
            },
        )
}

/// A file being written: its records (each with the blank lines after it).
struct Rows {
    header: &'static str,
    records: Vec<(String, u8)>,
}

impl Rows {
    fn new(header: &'static str) -> Self {
        Rows {
            header,
            records: Vec::new(),
        }
    }

    fn push(&mut self, record: String, blank_lines: u8) {
        self.records.push((record, blank_lines));
    }

    fn bytes(&self, layout: &Layout) -> Vec<u8> {
        let line_end = if layout.crlf { "\r\n" } else { "\n" };
        let mut text = String::from(self.header);
        for (record, blank_lines) in &self.records {
            text.push_str(line_end);
            text.push_str(record);
            for _ in 0..*blank_lines {
                text.push_str(line_end);
            }
        }
        if layout.final_line_end {
            text.push_str(line_end);
        }
        if layout.windows_1252 {
            windows_1252(&text)
        } else if layout.bom {
            [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()
        } else {
            text.into_bytes()
        }
    }
}

/// `text` in Windows-1252 (only the few non-ASCII characters used here).
fn windows_1252(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            'é' => 0xE9,
            'É' => 0xC9,
            '—' => 0x97,
            '€' => 0x80,
            c if c.is_ascii() => c as u8,
            c => panic!("{c:?} is not among the characters written in Windows-1252"),
        })
        .collect()
}

const INVOICE_HEADER: &str = "invoice_id,client,issued,due,paid,amount,status,note";
const TICKET_HEADER: &str = "ticket_id,client,created,minutes,type,tags,subject";
const MEETING_HEADER: &str = "client,date,minutes,status,attendees,notes";

/// A bad row for a file with `header`; `n` keeps its id apart.
fn bad_record(header: &str, kind: BadKind, n: usize) -> String {
    let (good, bad_date) = match header {
        INVOICE_HEADER => (
            format!("INV-90{n},GLOBEX,2026-02-03,,,120.00,open,late entry"),
            format!("INV-90{n},GLOBEX,2026-02-30,,,120.00,open,late entry"),
        ),
        TICKET_HEADER => (
            format!("T-90{n},GLOBEX,2026-02-03,10,Incident,,late entry"),
            format!("T-90{n},GLOBEX,2026-02-30,10,Incident,,late entry"),
        ),
        _ => (
            "GLOBEX,2026-02-03,30,attended,1,late entry".to_string(),
            "GLOBEX,2026-02-30,30,attended,1,late entry".to_string(),
        ),
    };
    match kind {
        BadKind::Date => bad_date,
        BadKind::FewerFields => good[..good.rfind(',').unwrap()].to_string(),
        BadKind::MoreFields => format!("{good},extra"),
        BadKind::UnclosedQuote => format!("{},\"never closed", &good[..good.rfind(',').unwrap()]),
    }
}

/// Writes `export` into `dir`.
fn write_export(dir: &Path, export: &Export) {
    let mut files: Vec<(String, Layout, Rows)> = Vec::new();

    let mut first_ids: Vec<String> = Vec::new();
    for (f, (layout, invoices)) in export.invoices.iter().enumerate() {
        let mut rows = Rows::new(INVOICE_HEADER);
        let mut ids: Vec<String> = Vec::new();
        let mut repeats = Vec::new();
        for (i, invoice) in invoices.iter().enumerate() {
            let id = match &invoice.replaces {
                Some(index) if export.repeated_ids && f > 0 && !first_ids.is_empty() => {
                    first_ids[index.index(first_ids.len())].clone()
                }
                _ => format!("INV-{f}{i:02}"),
            };
            // A replacing id is taken once per file: two rows of one file
            // with one id and different values are an error of their own.
            let id = if ids.contains(&id) {
                format!("INV-{f}{i:02}")
            } else {
                id
            };
            rows.push(
                invoice.record(&id, &invoice.note.cell()),
                invoice.blank_lines,
            );
            if export.repeated_ids && invoice.repeated {
                repeats.push(invoice.record(&id, "\"copy\nof the row\""));
            }
            ids.push(id);
        }
        repeats.into_iter().for_each(|r| rows.push(r, 0));
        if f == 0 {
            first_ids = ids;
        }
        let name = if export.invoices.len() == 1 {
            "invoices.csv".to_string()
        } else {
            format!("invoices-{}.csv", f + 1)
        };
        files.push((name, layout.clone(), rows));
    }

    let mut first_ids: Vec<String> = Vec::new();
    for (f, (layout, tickets)) in export.tickets.iter().enumerate() {
        let mut rows = Rows::new(TICKET_HEADER);
        let mut ids: Vec<String> = Vec::new();
        let mut repeats = Vec::new();
        for (i, ticket) in tickets.iter().enumerate() {
            let id = match &ticket.replaces {
                Some(index) if export.repeated_ids && f > 0 && !first_ids.is_empty() => {
                    first_ids[index.index(first_ids.len())].clone()
                }
                _ => format!("T-{f}{i:02}"),
            };
            rows.push(
                ticket.record(&id, ticket.minutes, &ticket.subject.cell()),
                ticket.blank_lines,
            );
            if let (true, Some(minutes)) = (export.repeated_ids, ticket.repeated) {
                repeats.push(ticket.record(&id, minutes, "closed"));
            }
            ids.push(id);
        }
        repeats.into_iter().for_each(|r| rows.push(r, 0));
        if f == 0 {
            first_ids = ids;
        }
        let name = if export.tickets.len() == 1 {
            "tickets.csv".to_string()
        } else {
            format!("tickets-{}.csv", ["a", "b"][f])
        };
        files.push((name, layout.clone(), rows));
    }

    let (layout, meetings) = &export.meetings;
    let mut rows = Rows::new(MEETING_HEADER);
    for meeting in meetings {
        rows.push(meeting.record(), meeting.blank_lines);
    }
    files.push(("meetings.csv".to_string(), layout.clone(), rows));

    let mut unclosed = vec![false; files.len()];
    for (n, bad) in export.bad.iter().enumerate() {
        let file = bad.file.index(files.len());
        let (_, _, rows) = &mut files[file];
        let len = rows.records.len();
        let (kind, at) = match bad.kind {
            // A second unclosed quote would close the first one, with text
            // right after it: an error no row skipping gets past.
            BadKind::UnclosedQuote if unclosed[file] => {
                (BadKind::MoreFields, bad.at.index(len + 1))
            }
            BadKind::UnclosedQuote => {
                unclosed[file] = true;
                // Among the last two rows but after the first (skipping
                // what it swallows leaves a row), and before no quote (it
                // would close there).
                let places: Vec<usize> = (len.saturating_sub(2).max(1).min(len)..=len)
                    .filter(|&at| rows.records[at..].iter().all(|(r, _)| !r.contains('"')))
                    .collect();
                (bad.kind, places[bad.at.index(places.len())])
            }
            kind => (kind, bad.at.index(len + 1)),
        };
        rows.records
            .insert(at, (bad_record(rows.header, kind, n), 0));
    }

    if let Some((layout, entries)) = &export.master {
        let mut rows = Rows::new("client,aliases,segment,strategic,owner");
        let mut seen = Vec::new();
        for entry in entries {
            // One row per client: a second would be a conflict of its own.
            if seen.contains(&entry.name.client) {
                continue;
            }
            seen.push(entry.name.client);
            let spellings = CLIENTS[entry.name.client];
            rows.push(
                format!(
                    "{},{},smb,{},{}",
                    entry.name.cell(),
                    cell(&spellings.join("; "), false),
                    if entry.strategic { "yes" } else { "no" },
                    cell(OWNERS[entry.owner.index(OWNERS.len())], false),
                ),
                0,
            );
        }
        files.push(("clients.csv".to_string(), layout.clone(), rows));
    }

    for (name, layout, rows) in files {
        std::fs::write(dir.join(name), rows.bytes(&layout)).unwrap();
    }
}

// ---------------------------------------------------------------------------
// The property

/// Generated exports per run of the property: each runs the binary eight
/// times, about a tenth of a second in a debug build.
const CASES: u32 = 40;

#[test]
fn chunked_reading_reports_as_one_thread_on_generated_exports() {
    let defaults = ProptestConfig::default();
    let config = ProptestConfig {
        // PROPTEST_CASES and PROPTEST_RNG_SEED still choose other runs;
        // without them every run checks the same exports.
        cases: if std::env::var_os("PROPTEST_CASES").is_some() {
            defaults.cases
        } else {
            CASES
        },
        rng_seed: match defaults.rng_seed {
            RngSeed::Random => RngSeed::Fixed(20_261_031),
            fixed => fixed,
        },
        failure_persistence: None,
        // Each shrinking step runs the binary eight times.
        max_shrink_iters: 256,
        ..defaults
    };
    let cases = config.cases;
    let reported = Cell::new(0u32);
    let stopped = Cell::new(0u32);
    let mut runner = TestRunner::new(config);
    let strategy = (export(), proptest::collection::vec(1u32..300, 4));
    let result = runner.run(&strategy, |(export, chunk_bytes)| {
        let dir = tempfile::tempdir().unwrap();
        write_export(dir.path(), &export);
        let outcomes: Vec<Outcome> = [REPORT, REPORT_SKIPPING, CHECK, CHECK_SKIPPING]
            .iter()
            .zip(&chunk_bytes)
            .map(|(args, &bytes)| same_both_ways(dir.path(), args, bytes))
            .collect::<Result<_, _>>()?;
        let [report, skipping, check, check_skipping] = &outcomes[..] else {
            unreachable!("four commands ran");
        };
        if export.bad.is_empty() {
            // Nothing injected is bad: every command succeeds.
            for outcome in &outcomes {
                prop_assert_eq!(outcome.code, 0, "{}", outcome.stderr);
            }
            reported.set(reported.get() + 1);
        } else {
            prop_assert_eq!(report.code, 1, "{}", report.stdout);
            prop_assert!(report.stderr.contains("error:"), "{}", report.stderr);
            prop_assert!(
                check.stdout.contains("report would stop"),
                "{}",
                check.stdout
            );
            // The bad rows were all that was wrong: skipped, the rest reports.
            prop_assert_eq!(skipping.code, 0, "{}", skipping.stderr);
            prop_assert!(skipping.stdout.contains("skipped"), "{}", skipping.stdout);
            prop_assert_eq!(check_skipping.code, 0, "{}", check_skipping.stderr);
            stopped.set(stopped.get() + 1);
        }
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    // Both successful reports and errors were compared, mostly the former.
    if cases >= 20 {
        assert!(
            reported.get() * 2 >= cases,
            "{} of {cases} exports reported",
            reported.get()
        );
        assert!(stopped.get() >= 1, "no export stopped on a bad row");
    }
}

// ---------------------------------------------------------------------------
// Fixed cases

/// Two invoices of Acme Ltd, so that tickets and meetings have a client.
fn write_invoices(dir: &Path) {
    std::fs::write(
        dir.join("invoices.csv"),
        "invoice_id,client,issued,due,paid,amount\n\
         A1,Acme Ltd,2026-03-01,2026-03-31,2026-03-20,1000.00\n\
         A2,Acme Ltd,2026-06-01,2026-07-01,,500.00\n",
    )
    .unwrap();
}

/// 40 tickets of Acme Ltd, each two lines long: its subject is quoted
/// from the end of the first line to the end of the second, and holds a
/// line break and then a decoy, a ticket row of Globex:
///
/// ```text
/// T-1,Acme Ltd,2026-04-02,5,Incident,"
/// T-101,Globex,2026-03-01,90,Change request,"
/// ```
///
/// Read from the start of a second line, the file is as well formed as read
/// from the start: the decoys become the rows and the real rows their
/// quoted subjects. Only the count of quotes from the start of the file
/// tells which lines start records. Odd tickets break the subject with
/// CRLF, even ones with LF. `bad_minutes` writes `lots` as the minutes of
/// the last ticket.
fn write_multi_line_tickets(dir: &Path, bad_minutes: bool) {
    let mut text = String::from("ticket_id,client,created,minutes,type,subject\n");
    for i in 1..=40 {
        let minutes = if bad_minutes && i == 40 {
            "lots".to_string()
        } else {
            (i % 7 * 5).to_string()
        };
        let line_break = if i % 2 == 1 { "\r\n" } else { "\n" };
        text.push_str(&format!(
            "T-{i},Acme Ltd,2026-04-{:02},{minutes},Incident,\"{line_break}\
             T-{},Globex,2026-03-01,90,Change request,\"\n",
            1 + i % 28,
            100 + i
        ));
    }
    std::fs::write(dir.join("tickets.csv"), text).unwrap();
}

#[test]
fn cells_full_of_line_breaks_are_never_cut() {
    let dir = tempfile::tempdir().unwrap();
    write_invoices(dir.path());
    write_multi_line_tickets(dir.path(), false);
    let out = same_for_every_chunk_size(dir.path(), REPORT);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // 40 tickets of Acme Ltd and no decoy read as a ticket: Globex, which
    // only the decoys name, is no client.
    let doc = crate::util::parse(&out.stdout);
    crate::util::assert_count(crate::util::client(&doc, "Acme Ltd"), "tickets", 40);
    assert_eq!(crate::util::names(&doc), ["Acme Ltd"]);

    // Ticket i starts on line 2 + 2 × (i − 1): the header is line 1 and
    // each ticket takes two lines. Ticket 40 starts on 2 + 2 × 39 = 80.
    write_multi_line_tickets(dir.path(), true);
    let out = same_for_every_chunk_size(dir.path(), REPORT);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stderr.contains("tickets.csv:80:") && out.stderr.contains("\"lots\""),
        "{}",
        out.stderr
    );
}

/// 120 invoices of Acme (spelled `"Acme, Inc."` and `ACME INC` by turns),
/// invoice k for k.00. Every fourth one has a note quoted over three
/// lines (an LF and a CRLF inside, a comma, doubled quotes); a blank line
/// follows invoices 30, 60 and 90. `bad` dates invoice 118 on 2026-02-30.
fn write_long_invoices(dir: &Path, bad: bool) {
    let mut text = String::from("invoice_id,client,issued,due,paid,amount,note\n");
    for k in 1..=120 {
        let client = if k % 2 == 1 {
            "\"Acme, Inc.\""
        } else {
            "ACME INC"
        };
        let issued = if bad && k == 118 {
            "2026-02-30".to_string()
        } else {
            format!("2026-{:02}-{:02}", 1 + k % 9, 1 + k % 27)
        };
        let note = if k % 4 == 0 {
            format!("\"call {k}\nthen \"\"write\"\",\r\nthen wait\"")
        } else {
            String::new()
        };
        text.push_str(&format!("INV-{k},{client},{issued},,,{k}.00,{note}\n"));
        if k % 30 == 0 {
            text.push('\n');
        }
    }
    std::fs::write(dir.join("invoices.csv"), text).unwrap();
}

#[test]
fn an_error_on_a_late_line_names_the_line_of_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    write_long_invoices(dir.path(), false);
    let out = same_for_every_chunk_size(dir.path(), REPORT);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Revenue 1.00 + 2.00 + … + 120.00 = 120 × 121 / 2 = 7260.00, under
    // the first spelling.
    let doc = crate::util::parse(&out.stdout);
    let acme = crate::util::client(&doc, "Acme, Inc.");
    crate::util::assert_money(acme, "revenue", "7260.00");

    // Invoice k starts on line 1 (the header) + (k − 1) first lines of the
    // invoices before it + 2 × ⌊(k − 1) / 4⌋ more lines of the notes before
    // it (invoices 4, 8, …) + ⌊(k − 1) / 30⌋ blank lines + 1. Invoice 118:
    // 1 + 117 + 2 × 29 + 3 + 1 = 180.
    write_long_invoices(dir.path(), true);
    let out = same_for_every_chunk_size(dir.path(), REPORT);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stderr.contains("invoices.csv:180:") && out.stderr.contains("\"2026-02-30\""),
        "{}",
        out.stderr
    );
    let check = same_for_every_chunk_size(dir.path(), CHECK);
    assert!(
        check.stdout.contains("invoices.csv:180:"),
        "{}",
        check.stdout
    );
}

/// 60 attended meetings of Acme Ltd with CRLF line ends; every third has
/// notes quoted over two lines. `bad` leaves meeting 57 a field short.
fn write_long_meetings(dir: &Path, bad: bool) {
    let mut text = String::from("client,date,minutes,status,attendees,notes\r\n");
    for m in 1..=60 {
        let date = format!("2026-{:02}-{:02}", 1 + m % 9, 1 + m % 27);
        if bad && m == 57 {
            text.push_str(&format!("Acme Ltd,{date},30,attended\r\n"));
            continue;
        }
        let notes = if m % 3 == 0 {
            "\"agenda, part one\r\npart two\""
        } else {
            "short"
        };
        text.push_str(&format!("Acme Ltd,{date},30,attended,2,{notes}\r\n"));
    }
    std::fs::write(dir.join("meetings.csv"), text).unwrap();
}

#[test]
fn a_row_skipped_on_a_late_line_is_named_by_the_line_of_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    write_invoices(dir.path());
    write_long_meetings(dir.path(), true);
    // Meeting m starts on line 1 (the header) + (m − 1) first lines of the
    // meetings before it + ⌊(m − 1) / 3⌋ second lines of the notes before
    // it (meetings 3, 6, …) + 1. Meeting 57: 1 + 56 + 18 + 1 = 76.
    let stopped = same_for_every_chunk_size(dir.path(), REPORT);
    assert_eq!(stopped.code, 1, "{}", stopped.stdout);
    assert!(
        stopped.stderr.contains("meetings.csv:76:"),
        "{}",
        stopped.stderr
    );

    let out = same_for_every_chunk_size(dir.path(), REPORT_SKIPPING);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = crate::util::parse(&out.stdout);
    let warnings = doc["warnings"].to_string();
    assert!(
        warnings.contains("skipped 1 bad row") && warnings.contains("line 76"),
        "{warnings}"
    );
    // 60 meetings, one skipped: 59 attended.
    crate::util::assert_count(crate::util::client(&doc, "Acme Ltd"), "attended", 59);

    let check = same_for_every_chunk_size(dir.path(), CHECK_SKIPPING);
    assert!(
        check.stdout.contains("meetings.csv:76:"),
        "{}",
        check.stdout
    );
}

/// 50 invoices of Acme Ltd in UTF-8 with a BOM and CRLF line ends, invoice
/// k for k × 100.00; every fifth has a note quoted over two lines (a CRLF
/// and a comma inside). `bad` dates invoice 49 on 2026-02-30.
fn write_bom_invoices(dir: &Path, bad: bool) {
    let mut text = String::from("\u{feff}invoice_id,client,issued,due,paid,amount,note\r\n");
    for k in 1..=50 {
        let issued = if bad && k == 49 {
            "2026-02-30".to_string()
        } else {
            format!("2026-{:02}-{:02}", 1 + k % 9, 1 + k % 27)
        };
        let note = if k % 5 == 0 {
            "\"café, first\r\nthen more\""
        } else {
            ""
        };
        text.push_str(&format!("INV-{k},Acme Ltd,{issued},,,{k}00.00,{note}\r\n"));
    }
    std::fs::write(dir.join("invoices.csv"), text).unwrap();
}

#[test]
fn a_file_with_a_bom_reads_the_same_in_chunks() {
    let dir = tempfile::tempdir().unwrap();
    write_bom_invoices(dir.path(), false);
    let out = same_for_every_chunk_size(dir.path(), REPORT);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Revenue 100.00 × (1 + 2 + … + 50) = 100.00 × (50 × 51 / 2) = 127500.00.
    let doc = crate::util::parse(&out.stdout);
    crate::util::assert_money(
        crate::util::client(&doc, "Acme Ltd"),
        "revenue",
        "127500.00",
    );

    // Invoice k starts on line 1 (the header; the BOM is no line) +
    // (k − 1) + ⌊(k − 1) / 5⌋ second lines of the notes before it
    // (invoices 5, 10, …) + 1. Invoice 49: 1 + 48 + 9 + 1 = 59.
    write_bom_invoices(dir.path(), true);
    let out = same_for_every_chunk_size(dir.path(), REPORT);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stderr.contains("invoices.csv:59:"), "{}", out.stderr);
    let check = same_for_every_chunk_size(dir.path(), CHECK);
    assert!(check.stdout.contains("UTF-8 with BOM"), "{}", check.stdout);
}
