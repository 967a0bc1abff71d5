//! CSV plumbing shared by every kind: finding the header row, reading data
//! rows, and turning cells into typed values with errors that carry file,
//! line, column and value. Also what a file turned out to be, for `check`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::chunks;
use super::columns::{Headers, Kind};
use super::date::{DayMemo, OrderEvidence, order_evidence};
use super::duration::{DurationUnit, parse_minutes};
use super::money::{Money, parse_money};
use super::scan::{Record, ScanError, Scanner};
use super::source::Source;
use crate::config::DateOrder;
use crate::config::DecimalSeparator;
use crate::error::InputError;

/// How many rows may come before the header (report-style exports).
pub(crate) const HEADER_SEARCH_ROWS: usize = 20;

/// The longest header row read, in bytes: far more than any export's
/// (100,000 columns of ten letters), and a row longer than this is not
/// turned into column names at all.
pub(crate) const HEADER_BYTES: usize = 1024 * 1024;

/// The most rows an open quote may swallow and still be skipped, one bad
/// row each, with `--skip-bad-rows`; past that the file is broken, not a
/// few of its rows.
pub(crate) const SKIPPABLE_LOST_ROWS: usize = 1000;

/// Rows between updates of the progress display.
const PROGRESS_ROWS: u64 = 16_384;

/// `-` means standard input.
pub(crate) fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// What reading one file found, for `check` and for warnings.
#[derive(Debug, Clone, Default)]
pub(crate) struct FileReport {
    pub(crate) path: PathBuf,
    pub(crate) kind: Option<Kind>,
    /// How the kind was decided: "flag", "file name" or "header".
    pub(crate) kind_from: &'static str,
    /// `check`: the error that stopped reading this file.
    pub(crate) error: Option<InputError>,
    pub(crate) encoding: &'static str,
    pub(crate) delimiter: u8,
    /// Not a regular file (standard input, a pipe): read once into
    /// memory, up to `source::in_memory_limit`.
    pub(crate) in_memory: bool,
    pub(crate) decimal: Option<DecimalSeparator>,
    pub(crate) header_line: u64,
    /// Rows before the header (title lines of report-style exports).
    pub(crate) preamble_rows: u64,
    /// Field ← column, for the fields found.
    pub(crate) mapping: Vec<(&'static str, String)>,
    /// Column → day/month order used, when the column has numeric dates.
    pub(crate) date_orders: Vec<(String, DateOrder, &'static str)>,
    pub(crate) rows_read: u64,
    /// Section headings and `Total …` rows skipped.
    pub(crate) section_rows: u64,
    /// The first of them: line and first cell with text, for `check`.
    pub(crate) section_lines: Vec<(u64, String)>,
    /// Rows skipped by `--skip-bad-rows`, with why.
    pub(crate) bad_rows: Vec<InputError>,
    /// Rows replaced by a later copy (same invoice or ticket id).
    pub(crate) replaced: u64,
    /// Ticket rows that shared their id with another row of this file, and
    /// the tickets they were merged into (see `tickets::Repeats`).
    pub(crate) merged_rows: u64,
    /// Meetings with no duration and no end time of day, counted as
    /// `default_meeting_minutes`: an assumption every output states.
    pub(crate) default_minutes_meetings: u64,
    pub(crate) merged_tickets: u64,
    /// Merged tickets whose rows named more than one client.
    pub(crate) merged_client_changes: u64,
    pub(crate) first_date: Option<NaiveDate>,
    pub(crate) last_date: Option<NaiveDate>,
    pub(crate) currencies: BTreeSet<String>,
    /// Clients named in this file (registry ids), for `check`.
    pub(crate) clients: ClientSet,
    /// Rows naming no client (tickets and meetings).
    pub(crate) unmatched: u64,
    /// The first few of them: line, and what the row named instead.
    pub(crate) unmatched_rows: Vec<(u64, String)>,
    pub(crate) warnings: Vec<String>,
    /// Columns found by a loose alias and left unread, and why.
    pub(crate) notes: Vec<String>,
    /// Invoices: whether the file has a column that tells payment (paid
    /// date, paid amount, balance or status).
    pub(crate) payment_columns: bool,
    /// Invoices: whether rows that share an id are lines to be summed.
    pub(crate) lines: bool,
    /// Invoices: what the discount column held, to tell rates from money.
    pub(crate) discounts: DiscountsSeen,
    /// Invoices voided or written off after as-of, counted as open.
    pub(crate) status_after_as_of: u64,
}

/// The discounts of an invoices file read as money, summed up to tell
/// whether they are rates after all: every one between 0 and 1 while the
/// amounts are not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DiscountsSeen {
    /// A discount other than 0.
    pub(crate) any: bool,
    /// A discount above 1 (or below −1 on a credit note).
    pub(crate) above_one: bool,
    /// An amount above 1 (or below −1).
    pub(crate) amount_above_one: bool,
    /// The column's header says it holds percentages (`Discount (%)`,
    /// `Discount Percent`): whatever its values, they are not money.
    pub(crate) percent_header: bool,
}

impl DiscountsSeen {
    pub(crate) fn saw(&mut self, amount: rust_decimal::Decimal, discount: rust_decimal::Decimal) {
        // Once a discount above 1 is seen the column is money: nothing
        // more to learn (and no comparison on every later row).
        if self.above_one {
            return;
        }
        let one = rust_decimal::Decimal::ONE;
        if !discount.is_zero() {
            self.any = true;
            self.above_one = discount.abs() > one;
        }
        if !self.amount_above_one {
            self.amount_above_one = amount.abs() > one;
        }
    }

    /// Every discount between 0 and 1 and some amount above 1: a column
    /// of rates (0.2 for 20%), which summed as money would be nonsense.
    pub(crate) fn look_like_rates(&self) -> bool {
        self.percent_header || (self.any && !self.above_one && self.amount_above_one)
    }

    fn absorb(&mut self, other: DiscountsSeen) {
        self.any |= other.any;
        self.above_one |= other.above_one;
        self.amount_above_one |= other.amount_above_one;
        self.percent_header |= other.percent_header;
    }
}

/// Skipped section and totals rows listed by `check`, per file.
pub(crate) const SECTION_LINES_KEPT: usize = 10;

/// How many rows naming no client a file's report locates.
pub(crate) const UNMATCHED_ROWS_KEPT: usize = 5;

/// What a ticket or meeting row named that matched no client: its client
/// cell, else its email's domain (never the whole address).
pub(crate) fn unmatched_naming(client: &str, email: &str) -> String {
    if !client.is_empty() {
        format!("client {client:?}")
    } else if let Some((_, domain)) = email.rsplit_once('@') {
        format!("email domain {domain:?}")
    } else if !email.is_empty() {
        "an email with no domain".to_string()
    } else {
        "no client and no email".to_string()
    }
}

impl FileReport {
    /// Add what reading the next chunk of the same file found (what is
    /// about the whole file, its header and encoding, is already here).
    pub(crate) fn absorb_part(&mut self, tail: FileReport) {
        // Cannot saturate: counts of rows read.
        self.rows_read = self.rows_read.saturating_add(tail.rows_read);
        self.section_rows = self.section_rows.saturating_add(tail.section_rows);
        self.section_lines.extend(tail.section_lines);
        self.section_lines.truncate(SECTION_LINES_KEPT);
        self.replaced = self.replaced.saturating_add(tail.replaced);
        self.merged_rows = self.merged_rows.saturating_add(tail.merged_rows);
        self.default_minutes_meetings = self
            .default_minutes_meetings
            .saturating_add(tail.default_minutes_meetings);
        self.merged_tickets = self.merged_tickets.saturating_add(tail.merged_tickets);
        self.merged_client_changes = self
            .merged_client_changes
            .saturating_add(tail.merged_client_changes);
        self.unmatched = self.unmatched.saturating_add(tail.unmatched);
        // The tail's rows come after this part's.
        let room = UNMATCHED_ROWS_KEPT.saturating_sub(self.unmatched_rows.len());
        self.unmatched_rows
            .extend(tail.unmatched_rows.into_iter().take(room));
        self.bad_rows.extend(tail.bad_rows);
        for day in [tail.first_date, tail.last_date].into_iter().flatten() {
            self.saw_date(day);
        }
        self.currencies.extend(tail.currencies);
        self.clients.union(&tail.clients);
        self.discounts.absorb(tail.discounts);
        self.status_after_as_of = self
            .status_after_as_of
            .saturating_add(tail.status_after_as_of);
    }

    /// A section heading or totals row skipped; the first few are kept
    /// to be listed.
    pub(crate) fn skipped_section(&mut self, row: &Row) {
        count_row(&mut self.section_rows);
        if self.section_lines.len() < SECTION_LINES_KEPT {
            self.section_lines
                .push((row.line, row.first_text().to_string()));
        }
    }

    pub(crate) fn saw_date(&mut self, day: NaiveDate) {
        self.first_date = Some(self.first_date.map_or(day, |d| d.min(day)));
        self.last_date = Some(self.last_date.map_or(day, |d| d.max(day)));
    }

    /// A ticket's or meeting's client noted, or the row counted as naming
    /// none (the first few with their line and what they named instead).
    pub(crate) fn saw_client(
        &mut self,
        client: Option<super::identity::ClientId>,
        line: u64,
        named: impl FnOnce() -> String,
    ) {
        match client {
            Some(id) => self.clients.insert(id.0),
            None => {
                count_row(&mut self.unmatched);
                if self.unmatched_rows.len() < UNMATCHED_ROWS_KEPT {
                    self.unmatched_rows.push((line, named()));
                }
            }
        }
    }
}

/// A set of registry ids: one bit per client, as files name the same
/// clients on millions of rows.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClientSet {
    bits: Vec<u64>,
}

impl ClientSet {
    pub(crate) fn insert(&mut self, id: u32) {
        let word = (id / 64) as usize;
        if word >= self.bits.len()
            // Cannot fail: `word` is under 2^26.
            && let Some(length) = word.checked_add(1)
        {
            self.bits.resize(length, 0);
        }
        if let Some(bits) = self.bits.get_mut(word) {
            *bits |= 1 << (id % 64);
        }
    }

    /// Add every id of `other`.
    pub(crate) fn union(&mut self, other: &ClientSet) {
        if self.bits.len() < other.bits.len() {
            self.bits.resize(other.bits.len(), 0);
        }
        for (word, theirs) in self.bits.iter_mut().zip(&other.bits) {
            *word |= theirs;
        }
    }

    #[cfg(test)]
    pub(crate) fn contains(&self, id: &u32) -> bool {
        self.bits
            .get((id / 64) as usize)
            .is_some_and(|bits| bits & (1 << (id % 64)) != 0)
    }

    /// The same clients under other ids: `id` becomes `ids[id]`.
    pub(crate) fn mapped(&self, ids: &[super::identity::ClientId]) -> ClientSet {
        let mut set = ClientSet::default();
        for id in self.iter() {
            if let Some(new) = ids.get(id as usize) {
                set.insert(new.0);
            }
        }
        set
    }

    /// The ids in ascending order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.bits.iter().zip(0u32..).flat_map(|(bits, word)| {
            let bits = *bits;
            // Cannot fail: there are at most 2^26 words, as ids are u32.
            (0u32..64)
                .filter(move |bit| bits & (1u64 << bit) != 0)
                .filter_map(move |bit| word.checked_mul(64)?.checked_add(bit))
        })
    }
}

/// An open CSV file positioned after its header row.
pub(crate) struct CsvFile {
    pub(crate) path: PathBuf,
    pub(crate) headers: Headers,
    pub(crate) header_line: u64,
    /// Records before the header row.
    pub(crate) header_index: usize,
    pub(crate) decimal: DecimalSeparator,
    /// Per column: the day/month order for numeric dates, once settled.
    date_orders: Vec<Option<DateOrder>>,
    /// The file's ISO dates read so far.
    days: DayMemo,
    source: Source,
    scanner: Scanner,
    /// A spinner on stderr for large inputs on a terminal.
    pub(crate) progress: Option<indicatif::ProgressBar>,
    rows: u64,
    /// Reading one chunk of a file: stop at the record that starts at
    /// this offset of the text being scanned.
    stop_at: Option<u64>,
    /// Whether a record started exactly at `stop_at`, so that the next
    /// chunk, read from there, is exactly the rest of the file.
    pub(crate) ended_at_cut: bool,
    /// Lines before the part this reader reads (0 but for a later chunk).
    line_shift: u64,
    /// The day/month orders settled for this file, shared by the readers
    /// of its chunks (settling may read the whole file).
    pub(crate) settled: Option<std::sync::Arc<std::sync::OnceLock<Settled>>>,
    swallowed: Vec<u64>,
}

/// The part of a file one reader reads (see `chunks`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Part {
    /// Where it starts: the byte of the file and its line; `None` for
    /// the first chunk, which starts after the header row.
    pub(crate) from: Option<chunks::Cut>,
    /// Up to the record that starts at this byte of the file; `None`
    /// for the last chunk.
    pub(crate) to: Option<u64>,
}

/// What settling the day/month orders of a file's columns found: per
/// column, its order and why; or the error.
pub(crate) type Settled = (
    Vec<usize>,
    Result<Vec<(usize, DateOrder, &'static str)>, InputError>,
);

/// Records of the whole text of `source`.
fn scanner(source: &Source) -> Result<Scanner, InputError> {
    Ok(scanner_of(source, source.text()?, 1))
}

/// Records of `text`, part of `source`, starting on `line`.
fn scanner_of(source: &Source, text: Box<dyn std::io::Read>, line: u64) -> Scanner {
    let scanner = Scanner::new(text, source.delimiter, line);
    if source.bad_bytes_are_row_errors() {
        scanner.bad_bytes_end_rows()
    } else {
        scanner
    }
}

/// What the header search found with one delimiter.
struct HeaderSearch {
    /// The header: the first row that `is_header` holds for, else the
    /// first row; with its line and how many rows came before it.
    headers: Headers,
    line: u64,
    index: usize,
    /// Whether `is_header` held (else the first row stands in).
    matched: bool,
    /// Positioned after the header row.
    scanner: Scanner,
}

/// Look for the header among the first rows of `source`, split with its
/// delimiter.
fn search_header(
    source: &Source,
    is_header: &impl Fn(&Headers) -> bool,
) -> Result<HeaderSearch, InputError> {
    let path = &source.path;
    let mut reader = scanner(source)?;
    let mut record = Record::new();
    // The first row (it stands in if no row is a header) and how many
    // rows were read.
    let mut first: Option<(Option<Headers>, u64)> = None;
    let mut rows = 0usize;
    while rows < HEADER_SEARCH_ROWS {
        if !reader
            .next(&mut record)
            .map_err(|err| scan_error(path, err, 0))?
        {
            break;
        }
        rows = rows.saturating_add(1);
        let line = record.line();
        // A row too long for a header is never made into one (it may be
        // a long title, or the data of a file with no header).
        let headers = (record_bytes(&record) <= HEADER_BYTES)
            .then(|| Headers::new(record.iter().map(|h| cell(h).to_string()).collect()));
        if let Some(headers) = headers.as_ref().filter(|headers| is_header(headers)) {
            return Ok(HeaderSearch {
                headers: headers.clone(),
                line,
                index: rows.saturating_sub(1),
                matched: true,
                scanner: reader,
            });
        }
        if first.is_none() {
            first = Some((headers, line));
        }
    }
    match first {
        None => Err(InputError::file(path, "is empty: expected a header row")
            .hint("export the file again with its column headers")),
        Some((None, line)) => Err(InputError::file(
            path,
            format!(
                "the first row is longer than {}, too long for a header row, and no row after it is the header",
                super::scan::size_name(HEADER_BYTES)
            ),
        )
        .at(line)
        .of_whole_file()
        .hint("check that the file is a CSV export with its column headers")),
        Some((Some(headers), line)) => {
            // Start over after the first row.
            let mut reader = scanner(source)?;
            reader
                .next(&mut record)
                .map_err(|err| scan_error(path, err, 0))?;
            Ok(HeaderSearch {
                headers,
                line,
                index: 0,
                matched: false,
                scanner: reader,
            })
        }
    }
}

/// The bytes of a record's cells (its text, less quotes and line end).
fn record_bytes(record: &Record) -> usize {
    record.iter().map(str::len).sum()
}

/// A cell as written, without a carriage return at its end (the scanner
/// drops that of a CRLF line end; a quoted cell may still end in one).
pub(crate) fn cell(text: &str) -> &str {
    text.strip_suffix('\r').unwrap_or(text)
}

impl CsvFile {
    /// Open a file and find its header: the first of the first 20 rows for
    /// which `is_header` holds, else the first row (whose missing columns
    /// the kind's reader will then name).
    ///
    /// A sniffed delimiter comes from the file's first line, which may be
    /// a title above the header ("Invoices; October"): when no row is a
    /// header split with it, the header row decides, as the delimiter
    /// with which a row is a header (the earliest such row; on a tie, in
    /// the order of `DELIMITERS`).
    pub(crate) fn open(
        source: &Source,
        decimal: Option<DecimalSeparator>,
        is_header: impl Fn(&Headers) -> bool,
    ) -> Result<CsvFile, InputError> {
        let path = source.path.clone();
        let mut search = search_header(source, &is_header)?;
        let mut source = source.clone();
        if !search.matched && source.delimiter_sniffed {
            for delimiter in super::source::DELIMITERS {
                if delimiter == source.delimiter {
                    continue;
                }
                let other = source.with_delimiter(delimiter);
                // Split with a delimiter that is not the file's, a row may
                // be too long or too wide: that delimiter is not it.
                let Ok(found) = search_header(&other, &is_header) else {
                    continue;
                };
                if found.matched && (!search.matched || found.index < search.index) {
                    search = found;
                    source = other;
                }
            }
        }
        let HeaderSearch {
            headers,
            line: header_line,
            index: header_index,
            scanner: reader,
            ..
        } = search;
        let decimal = decimal.unwrap_or(if source.delimiter == b';' {
            DecimalSeparator::Comma
        } else {
            DecimalSeparator::Dot
        });
        Ok(CsvFile {
            path,
            date_orders: vec![None; headers.raw.len()],
            days: DayMemo::default(),
            headers,
            header_line,
            header_index,
            decimal,
            source,
            scanner: reader,
            progress: None,
            rows: 0,
            stop_at: None,
            ended_at_cut: false,
            line_shift: 0,
            settled: None,
            swallowed: Vec::new(),
        })
    }

    /// Read only one part of the file (call after the header and date
    /// orders are settled, which look at the file from its start).
    pub(crate) fn read_part(&mut self, part: Part) -> Result<(), InputError> {
        let base = match part.from {
            Some(cut) => {
                self.scanner = scanner_of(&self.source, self.source.part_from(cut.at)?, 1);
                self.line_shift = cut.line.saturating_sub(1);
                cut.at
            }
            None => self.source.text_start(),
        };
        self.stop_at = part.to.map(|to| to.saturating_sub(base));
        Ok(())
    }

    /// Where the data rows start: the byte of the file after the header
    /// row (and any rows before it).
    pub(crate) fn data_start(&self) -> u64 {
        self.scanner
            .position()
            .saturating_add(self.source.text_start())
    }

    /// A line number as the whole file counts it.
    pub(crate) fn line(&self, line_in_part: u64) -> u64 {
        line_in_part.saturating_add(self.line_shift)
    }

    /// A report on this file, to be filled in by the kind's reader.
    pub(crate) fn report(&self, kind: Kind) -> FileReport {
        FileReport {
            path: self.path.clone(),
            kind: Some(kind),
            encoding: self.source.encoding.name(),
            delimiter: self.source.delimiter,
            in_memory: self.source.in_memory(),
            decimal: Some(self.decimal),
            header_line: self.header_line,
            preamble_rows: self.header_index as u64,
            warnings: self.source.warning.iter().cloned().collect(),
            ..FileReport::default()
        }
    }

    /// Read the next data row into `record`; `false` at the end. Rows whose
    /// field count differs from the header are errors, not guesses.
    pub(crate) fn next(&mut self, record: &mut Record) -> Result<bool, InputError> {
        loop {
            let more = match self.scanner.next(record) {
                Ok(more) => more,
                Err(ScanError::UnclosedQuote { line, lost }) => {
                    let opened = line.saturating_add(self.line_shift);
                    let lost: Vec<u64> = lost
                        .into_iter()
                        .map(|lost| lost.saturating_add(self.line_shift))
                        .collect();
                    let error = unclosed_quote_error(&self.path, opened, &lost);
                    self.swallowed = lost.into_iter().filter(|lost| *lost != opened).collect();
                    return Err(error);
                }
                Err(err) => return Err(scan_error(&self.path, err, self.line_shift)),
            };
            if !more {
                return Ok(false);
            }
            if let Some(stop) = self.stop_at {
                let start = record.byte();
                if start >= stop {
                    // Past the cut: it was at a record's start, and the
                    // next chunk has the rest; or it fell inside a record,
                    // and the run is read again on one thread.
                    self.stop_at = None;
                    self.ended_at_cut = start == stop;
                    return Ok(false);
                }
            }
            // A row of only empty cells (a spreadsheet's trailing ",,,,") is no row.
            if record.iter().all(|cell| trim(cell).is_empty()) {
                continue;
            }
            // Cannot saturate: one per row read, and 2^64 rows cannot be read.
            self.rows = self.rows.saturating_add(1);
            if self.rows.is_multiple_of(PROGRESS_ROWS)
                && let Some(progress) = &self.progress
            {
                // Several chunks may be read at once: each adds its rows.
                progress.inc(PROGRESS_ROWS);
            }
            if record.len() != self.headers.raw.len() {
                let line = self.line(record.line());
                return Err(InputError::file(
                    &self.path,
                    format!("has {} fields but the header row has {}", record.len(), self.headers.raw.len()),
                )
                .at(line)
                .hint("a cell with a delimiter or a line break must be quoted; re-export the file as CSV"));
            }
            return Ok(true);
        }
    }

    /// The first non-empty values of `columns` (at most `per_column` each)
    /// in the first `rows` data rows, trimmed: enough to tell what a
    /// column holds, read with a second reader so the rows are still to
    /// be read, and the same for every chunk of a file.
    pub(crate) fn sample_values(
        &self,
        columns: &[usize],
        rows: usize,
        per_column: usize,
    ) -> Result<Vec<Vec<String>>, InputError> {
        let mut look_ahead = scanner(&self.source)?;
        let mut record = Record::new();
        for _ in 0..=self.header_index {
            look_ahead
                .next(&mut record)
                .map_err(|err| scan_error(&self.path, err, 0))?;
        }
        let mut samples: Vec<Vec<String>> = vec![Vec::new(); columns.len()];
        for _ in 0..rows {
            if !look_ahead_next(&mut look_ahead, &mut record, &self.path)? {
                break;
            }
            for (sample, column) in samples.iter_mut().zip(columns) {
                let value = trim(cell(record.get(*column).unwrap_or("")));
                if sample.len() < per_column && !value.is_empty() {
                    sample.push(value.to_string());
                }
            }
        }
        Ok(samples)
    }

    /// Settle the day/month order of numeric dates in `columns`: the
    /// configured order for all, or else per column from a value that
    /// proves it (first number over 12: day first; second: month first).
    /// Contradicting values, or numeric dates that nothing proves, are
    /// errors that name the option. Looks ahead with a second reader, so
    /// the rows are still to be read.
    pub(crate) fn settle_date_orders(
        &mut self,
        columns: &[usize],
        configured: Option<DateOrder>,
        report: &mut FileReport,
    ) -> Result<(), InputError> {
        if let Some(order) = configured {
            for column in columns {
                // Columns of the header, which `date_orders` has one entry for.
                if let Some(slot) = self.date_orders.get_mut(*column) {
                    *slot = Some(order);
                }
            }
            return Ok(());
        }
        // The chunks of a file settle it once, for all of them.
        let settled = match self.settled.clone() {
            Some(shared) => {
                let (for_columns, outcome) =
                    shared.get_or_init(|| (columns.to_vec(), self.find_date_orders(columns)));
                if for_columns.as_slice() == columns {
                    outcome.clone()
                } else {
                    self.find_date_orders(columns)
                }
            }
            None => self.find_date_orders(columns),
        }?;
        for (column, order, why) in settled {
            if let Some(slot) = self.date_orders.get_mut(column) {
                *slot = Some(order);
            }
            let header = self.headers.raw.get(column).cloned().unwrap_or_default();
            report.date_orders.push((header, order, why));
        }
        Ok(())
    }

    /// The day/month order each of `columns` proves, with why (see
    /// `settle_date_orders`); columns with no numeric dates are left out.
    fn find_date_orders(
        &self,
        columns: &[usize],
    ) -> Result<Vec<(usize, DateOrder, &'static str)>, InputError> {
        let mut look_ahead = scanner(&self.source)?;
        let mut record = Record::new();
        for _ in 0..=self.header_index {
            look_ahead
                .next(&mut record)
                .map_err(|err| scan_error(&self.path, err, 0))?;
        }
        let mut next = |record: &mut Record| look_ahead_next(&mut look_ahead, record, &self.path);
        // Per column: first line proving each order, first ambiguous line.
        let mut proofs: Vec<(Option<u64>, Option<u64>, Option<u64>)> =
            vec![(None, None, None); columns.len()];
        let mut rows = 0usize;
        let mut numeric_seen = false;
        while next(&mut record)? {
            // Only ever compared with 1000, so saturating changes nothing.
            rows = rows.saturating_add(1);
            // Files with ISO dates show it at once: stop looking early.
            if rows > 1000 && !numeric_seen {
                break;
            }
            let line = record.line();
            for (proof, column) in proofs.iter_mut().zip(columns) {
                let evidence = order_evidence(record.get(*column).unwrap_or(""));
                match evidence {
                    OrderEvidence::None => continue,
                    OrderEvidence::Ambiguous => proof.2 = proof.2.or(Some(line)),
                    OrderEvidence::ProvesDmy => proof.0 = proof.0.or(Some(line)),
                    OrderEvidence::ProvesMdy => proof.1 = proof.1.or(Some(line)),
                }
                numeric_seen = true;
            }
        }
        let header_of = |column: usize| -> &str {
            // Columns of the header, so never the empty fallback.
            self.headers.raw.get(column).map_or("", String::as_str)
        };
        let mut settled = Vec::new();
        for (column, proof) in columns.iter().zip(&proofs) {
            let header = header_of(*column).to_string();
            let value_at = |line: u64| self.value_on_line(*column, line);
            let (order, why) = match *proof {
                (Some(dmy), Some(mdy), _) => {
                    return Err(InputError::file(
                        &self.path,
                        format!(
                            "column {}: {} on line {dmy} is day-first but {} on line {mdy} is month-first",
                            crate::error::quote(&header),
                            crate::error::quote(&value_at(dmy)),
                            crate::error::quote(&value_at(mdy)),
                        ),
                    )
                    .hint("the column mixes date orders; fix the export, or set date_order = \"dmy\" or \"mdy\" (--date-order) to read every date one way"));
                }
                (Some(_), None, _) => (DateOrder::Dmy, "inferred: a day over 12 comes first"),
                (None, Some(_), _) => (DateOrder::Mdy, "inferred: a day over 12 comes second"),
                (None, None, Some(line)) => {
                    // Say what the file's other date columns prove, if
                    // anything: a strong clue, but still the user's call.
                    let others: Vec<String> = columns
                        .iter()
                        .zip(&proofs)
                        .filter_map(|(other, proof)| match proof {
                            (Some(_), None, _) => Some(format!(
                                "{} is day-first",
                                crate::error::quote(header_of(*other))
                            )),
                            (None, Some(_), _) => Some(format!(
                                "{} is month-first",
                                crate::error::quote(header_of(*other))
                            )),
                            _ => None,
                        })
                        .collect();
                    let clue = if others.is_empty() {
                        String::new()
                    } else {
                        format!(" (in this file, {})", others.join(", "))
                    };
                    return Err(InputError::file(
                        &self.path,
                        format!(
                            "column {}: dates such as {} could be day/month or month/day, and no date in the column settles it",
                            crate::error::quote(&header),
                            crate::error::quote(&value_at(line)),
                        ),
                    )
                    .at(line)
                    .hint(format!("set date_order = \"dmy\" or \"mdy\" in clientfit.toml, or pass --date-order dmy|mdy{clue}")));
                }
                (None, None, None) => continue,
            };
            settled.push((*column, order, why));
        }
        Ok(settled)
    }

    /// The cell of a column on a physical line (for error messages only).
    fn value_on_line(&self, column: usize, line: u64) -> String {
        let Ok(mut reader) = scanner(&self.source) else {
            return String::new();
        };
        let mut record = Record::new();
        loop {
            match reader.next(&mut record) {
                Ok(true) if record.line() == line => {
                    return cell(record.get(column).unwrap_or("")).to_string();
                }
                Ok(true) | Err(ScanError::Utf8Row { .. }) => {}
                Ok(false) | Err(_) => return String::new(),
            }
        }
    }

    pub(crate) fn date_order(&self, column: usize) -> Option<DateOrder> {
        self.date_orders.get(column).copied().flatten()
    }
}

/// The next record for a reader that looks ahead of the reading: a bad
/// row is for the reading to report (or skip), so it goes past it, and
/// stops at a quote never closed.
fn look_ahead_next(
    scanner: &mut Scanner,
    record: &mut Record,
    path: &Path,
) -> Result<bool, InputError> {
    loop {
        match scanner.next(record) {
            Err(ScanError::Utf8Row { .. }) => continue,
            Err(ScanError::UnclosedQuote { .. } | ScanError::QuoteClosedLate { .. }) => {
                return Ok(false);
            }
            other => return other.map_err(|err| scan_error(path, err, 0)),
        }
    }
}

fn scan_error(path: &Path, err: ScanError, line_shift: u64) -> InputError {
    use super::scan::{Limited, size_name};
    match err {
        ScanError::Utf8 { line } => InputError::file(path, "is not valid UTF-8 text")
            .at(line.saturating_add(line_shift))
            .of_whole_file()
            .hint("save it as UTF-8, or set encoding = \"windows-1252\" in clientfit.toml"),
        ScanError::Utf8Row { line, byte } => InputError::file(
            path,
            format!("is not valid UTF-8 text on this line (byte 0x{byte:02X}), in a file read as UTF-8"),
        )
        .at(line.saturating_add(line_shift))
        .hint("the row is damaged: correct it and save the file as UTF-8, or pass --skip-bad-rows to leave the row out (if the whole file is Windows-1252, set encoding = \"windows-1252\" in clientfit.toml)"),
        ScanError::UnclosedQuote { line, lost } => {
            let lost: Vec<u64> = lost
                .into_iter()
                .map(|lost| lost.saturating_add(line_shift))
                .collect();
            unclosed_quote_error(path, line.saturating_add(line_shift), &lost)
        }
        ScanError::QuoteClosedLate { line, closed_on } => InputError::file(
            path,
            format!(
                "a quote opened on this line runs over line breaks and only closes on line {}, with text right after it: the rows between were read as the text of one cell",
                closed_on.saturating_add(line_shift)
            ),
        )
        .at(line.saturating_add(line_shift))
        .of_whole_file()
        .hint("a cell probably lacks its closing quote (a cut or hand-edited export): close it, or export the file again"),
        ScanError::TooLong {
            line,
            what,
            limit,
            quote_line,
        } => {
            let problem = match what {
                Limited::Row => format!(
                    "the row starting on this line is longer than {}, the most clientfit reads in one row",
                    size_name(limit)
                ),
                Limited::Cell(column) => format!(
                    "cell {} of this row is longer than {}, the most clientfit reads in one cell",
                    column.saturating_add(1),
                    size_name(limit)
                ),
                Limited::Columns => format!(
                    "this row has more than {limit} cells, the most clientfit reads in one row"
                ),
            };
            let (problem, hint) = match quote_line {
                Some(quote) => (
                    format!(
                        "{problem}: a quote opened on line {} is still open {} on",
                        quote.saturating_add(line_shift),
                        size_name(limit)
                    ),
                    "a cell probably lacks its closing quote: close it, or export the file again",
                ),
                None => (
                    problem,
                    "this is not an export clientfit can read as it is: check the file (and its delimiter), or export it again",
                ),
            };
            InputError::file(path, problem)
                .at(line.saturating_add(line_shift))
                .of_whole_file()
                .hint(hint)
        }
        ScanError::Io(io) => InputError::file(path, format!("cannot be read: {io}")),
    }
}

/// The error for a quote opened on line `opened` and never closed, which
/// took the lines `lost` with it (those not blank, its own among them).
fn unclosed_quote_error(path: &Path, opened: u64, lost: &[u64]) -> InputError {
    let problem = match (lost.first(), lost.last()) {
        (Some(first), Some(last)) if lost.len() > 1 => format!(
            "a quote opened on this line is never closed: the cell runs to the end of the file and swallows {} lines, {first} to {last}, that would be rows",
            lost.len()
        ),
        _ => {
            "a quote opened on this line is never closed: the file ends inside the cell".to_string()
        }
    };
    let error = InputError::file(path, problem).at(opened).hint(
        "the export was probably cut off, or a cell lacks its closing quote: export the file again, or close the quote",
    );
    // Skipped, each line counts as a bad row; too many, and it is the
    // file that is broken.
    if lost.len() > SKIPPABLE_LOST_ROWS {
        error.of_whole_file()
    } else {
        error
    }
}

/// `str::trim`, with a shortcut for the usual cell that starts and ends
/// with a printable ASCII character (every other byte, ASCII space and
/// control characters or the first and last bytes of a multi-byte
/// character, takes the full Unicode-aware path).
pub(crate) fn trim(cell: &str) -> &str {
    let bytes = cell.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last))
            if (0x21..0x7F).contains(first) && (0x21..0x7F).contains(last) =>
        {
            cell
        }
        (None, _) => cell,
        _ => cell.trim(),
    }
}

/// Whether a row is plainly no section or total, as nearly every row is:
/// its first cell starts with a printable ASCII character (so it is the
/// first cell with text, and trimming leaves its start as it is) but not
/// with "total", and so does one of its key cells (so that one has a
/// value). `false` says nothing: `section_or_total` decides.
fn plainly_a_row<'a>(
    first: Option<&'a str>,
    mut keys: impl Iterator<Item = Option<&'a str>>,
) -> bool {
    let starts_printable = |cell: Option<&str>| {
        cell.and_then(|text| text.as_bytes().first())
            .is_some_and(u8::is_ascii_graphic)
    };
    starts_printable(first)
        && !first
            .and_then(|text| text.as_bytes().get(..5))
            .is_some_and(|start| start.eq_ignore_ascii_case(b"total"))
        && keys.any(starts_printable)
}

/// The section-or-total rule on a row's cells, its trimmed key cells and
/// its trimmed anchor cells (its date and id): a section heading has no
/// key at all; a totals row starts with the word "Total" (`Total for
/// Acme`, `TOTAL`, `Grand total:`) and has no date and no id, so clients
/// named `TotalEnergies` or `Total Quality Logistics` are rows like any.
fn section_or_total<'a>(
    cells: impl Iterator<Item = &'a str>,
    mut keys: impl Iterator<Item = &'a str>,
    mut anchors: impl Iterator<Item = &'a str>,
) -> bool {
    if keys.all(str::is_empty) {
        return true;
    }
    let first = cells.map(trim).find(|cell| !cell.is_empty()).unwrap_or("");
    is_total_label(first) && anchors.all(str::is_empty)
}

/// Whether a cell starts with the word "total", "totals", "subtotal" or
/// "grand total" (any case), and not a longer word (`Totally`).
pub(crate) fn is_total_label(cell: &str) -> bool {
    let lower = cell.to_lowercase();
    ["grand total", "subtotal", "sub-total", "sub total", "total"]
        .iter()
        .find_map(|word| lower.strip_prefix(word))
        .map(|rest| rest.strip_prefix('s').unwrap_or(rest))
        .is_some_and(|rest| !rest.starts_with(char::is_alphanumeric))
}

/// Add one to a count of rows. Saturating changes nothing: a count goes up
/// by one per row read, and no input has 2^64 rows.
pub(crate) fn count_row(count: &mut u64) {
    *count = count.saturating_add(1);
}

/// One data row with what is needed to report a bad cell.
pub(crate) struct Row<'a> {
    pub(crate) record: &'a Record,
    pub(crate) file: &'a CsvFile,
    pub(crate) line: u64,
}

impl<'a> Row<'a> {
    pub(crate) fn new(record: &'a Record, file: &'a CsvFile) -> Row<'a> {
        let line = file.line(record.line());
        Row { record, file, line }
    }

    /// The trimmed cell of a column, `""` when the column is absent.
    pub(crate) fn text(&self, column: Option<usize>) -> &'a str {
        column
            .and_then(|index| self.record.get(index))
            .map_or("", trim)
    }

    /// A section heading or totals row of a report-style export: none of
    /// `key_columns` has a value, or its first cell with text starts with
    /// the word "Total" and none of `anchor_columns` (date, id) has one.
    pub(crate) fn is_section_or_total(
        &self,
        key_columns: &[usize],
        anchor_columns: &[usize],
    ) -> bool {
        let cell = |column: &usize| self.record.get(*column);
        if plainly_a_row(self.record.get(0), key_columns.iter().map(cell)) {
            return false;
        }
        section_or_total(
            self.record.iter(),
            key_columns
                .iter()
                .map(|column| cell(column).map_or("", trim)),
            anchor_columns
                .iter()
                .map(|column| cell(column).map_or("", trim)),
        )
    }

    /// The first cell with text, to name a skipped row.
    pub(crate) fn first_text(&self) -> &'a str {
        self.record
            .iter()
            .map(trim)
            .find(|cell| !cell.is_empty())
            .unwrap_or("")
    }

    pub(crate) fn error(&self, column: usize, problem: impl Into<String>) -> InputError {
        let header = self
            .file
            .headers
            .raw
            .get(column)
            .cloned()
            .unwrap_or_default();
        let value = cell(self.record.get(column).unwrap_or("")).to_string();
        InputError::file(&self.file.path, problem)
            .at(self.line)
            .column(header)
            .value(value)
    }

    /// A row-level problem not tied to one cell.
    pub(crate) fn row_error(&self, problem: impl Into<String>) -> InputError {
        InputError::file(&self.file.path, problem).at(self.line)
    }

    pub(crate) fn date(&self, column: Option<usize>) -> Result<Option<NaiveDate>, InputError> {
        // The date alone: reading the time of day too would cost a
        // little on every row of a file with millions.
        self.parse_cell(column, |text, order| self.file.days.parse_date(text, order))
    }

    /// The time of day in a time column beside a date column; blank is `None`.
    pub(crate) fn time_of_day(
        &self,
        column: usize,
    ) -> Result<Option<chrono::NaiveTime>, InputError> {
        let text = self.text(Some(column));
        if text.is_empty() {
            return Ok(None);
        }
        super::date::parse_time_cell(text).map(Some).ok_or_else(|| {
            self.error(
                column,
                "is not a time of day (expected e.g. 14:30 or 2:30 PM)",
            )
        })
    }

    pub(crate) fn date_time(
        &self,
        column: Option<usize>,
    ) -> Result<Option<(NaiveDate, Option<chrono::NaiveTime>)>, InputError> {
        self.parse_cell(column, |text, order| {
            self.file.days.parse_date_time(text, order)
        })
    }

    /// A date cell through `parse`, in the column's day/month order; a
    /// blank cell or absent column is `None`, a bad one an error with hint.
    fn parse_cell<T>(
        &self,
        column: Option<usize>,
        parse: impl Fn(&str, Option<DateOrder>) -> Result<T, super::date::DateProblem>,
    ) -> Result<Option<T>, InputError> {
        let text = self.text(column);
        let Some(column) = column.filter(|_| !text.is_empty()) else {
            return Ok(None);
        };
        match parse(text, self.file.date_order(column)) {
            Ok(value) => Ok(Some(value)),
            Err(problem) => {
                let error = self.error(column, problem.message());
                Err(match problem.hint() {
                    Some(hint) => error.hint(hint),
                    None => error,
                })
            }
        }
    }

    pub(crate) fn required_date(&self, column: usize) -> Result<NaiveDate, InputError> {
        self.date(Some(column))?
            .ok_or_else(|| self.error(column, "is empty, but this column is required"))
    }

    pub(crate) fn money(&self, column: Option<usize>) -> Result<Option<Money>, InputError> {
        let text = self.text(column);
        let Some(column) = column.filter(|_| !text.is_empty()) else {
            return Ok(None);
        };
        match parse_money(text, self.file.decimal) {
            Ok(money) => Ok(Some(money)),
            Err(problem) => {
                let error = self.error(column, problem.message());
                Err(match problem.hint() {
                    Some(hint) => error.hint(hint),
                    None => error,
                })
            }
        }
    }

    pub(crate) fn minutes(
        &self,
        column: Option<usize>,
        unit: DurationUnit,
    ) -> Result<Option<Decimal>, InputError> {
        let text = self.text(column);
        let Some(column) = column.filter(|_| !text.is_empty()) else {
            return Ok(None);
        };
        parse_minutes(text, unit)
            .map(Some)
            .map_err(|problem| self.error(column, problem.message()))
    }
}

/// Rows read a block at a time, and the next block read ahead, so that
/// what those rows will look up is prefetched a whole block before it is
/// needed (see `crate::prefetch`).
pub(crate) struct RowBlock {
    records: Vec<Record>,
    filled: usize,
    ahead: Vec<Record>,
    ahead_filled: usize,
    /// An error met while reading ahead, after the rows read ahead: it
    /// comes when they have been parsed, exactly as if read one at a time.
    pending: Option<InputError>,
    /// The file said it had no more rows: it is not asked again (a part
    /// of a cut file would read on past its end).
    ended: bool,
    /// A row longer than `LONG_RECORD` was read: the records read ahead
    /// into give their room back the next this many times (its record is
    /// read into again on the second).
    held_long: u8,
}

impl Default for RowBlock {
    fn default() -> RowBlock {
        RowBlock::new()
    }
}

impl RowBlock {
    /// Rows enough that a block's parsing outlasts the fetches for the
    /// next; few enough that they stay in the first-level cache.
    const SIZE: usize = 16;

    pub(crate) fn new() -> RowBlock {
        let records = || (0..Self::SIZE).map(|_| Record::new()).collect();
        RowBlock {
            records: records(),
            filled: 0,
            ahead: records(),
            ahead_filled: 0,
            pending: None,
            ended: false,
            held_long: 0,
        }
    }

    /// The rows to parse now, in file order.
    pub(crate) fn records(&self) -> &[Record] {
        self.records.get(..self.filled).unwrap_or_default()
    }

    /// The cells of `column` (trimmed, as `Row::text` gives them) in the
    /// rows that come after these, read ahead: to prefetch for.
    pub(crate) fn ahead_cells<'a>(
        &'a self,
        file: &'a CsvFile,
        column: Option<usize>,
    ) -> impl Iterator<Item = &'a str> + 'a {
        let ahead = self.ahead.get(..self.ahead_filled).unwrap_or_default();
        ahead
            .iter()
            .map(move |record| Row::new(record, file).text(column))
    }

    fn read_ahead(&mut self, file: &mut CsvFile) {
        self.ahead_filled = 0;
        if self.held_long > 0 {
            self.held_long = self.held_long.saturating_sub(1);
            for record in &mut self.ahead {
                record.forget_long_row();
            }
        }
        for record in self.ahead.iter_mut() {
            if self.ended {
                break;
            }
            match file.next(record) {
                // Rows held at once stay few when they are long: a long
                // row ends the rows read ahead.
                Ok(true) if record.text_len() > super::scan::LONG_RECORD => {
                    self.ahead_filled = self.ahead_filled.saturating_add(1);
                    self.held_long = 2;
                    break;
                }
                Ok(true) => self.ahead_filled = self.ahead_filled.saturating_add(1),
                Ok(false) => self.ended = true,
                Err(err) => {
                    self.pending = Some(err);
                    break;
                }
            }
        }
    }
}

/// The next rows of the file, a block at a time, in `block.records()`
/// (`false` when there are none), and the rows after them read ahead.
/// Malformed rows are skipped (and recorded) when `--skip-bad-rows` is
/// on. Errors come in file order: a bad row ends the rows read ahead, and is
/// handed on (or skipped) once the rows before it have been parsed.
pub(crate) fn next_block(
    file: &mut CsvFile,
    block: &mut RowBlock,
    report: &mut FileReport,
    skip_bad_rows: bool,
) -> Result<bool, InputError> {
    loop {
        std::mem::swap(&mut block.records, &mut block.ahead);
        block.filled = std::mem::take(&mut block.ahead_filled);
        if block.filled > 0 {
            // Rows after an error wait until it has been handed on.
            if block.pending.is_none() {
                block.read_ahead(file);
            }
            // Cannot saturate: one per row read, and 2^64 rows cannot be read.
            report.rows_read = report.rows_read.saturating_add(block.filled as u64);
            return Ok(true);
        }
        match block.pending.take() {
            // Not an encoding error: the scanner cannot read past it, and
            // would hand it on again and again.
            Some(err) if skip_bad_rows && err.line.is_some() && !err.whole_file => {
                // A quote never closed lost the rows after its own too.
                let opened = err.line.unwrap_or_default();
                let swallowed = std::mem::take(&mut file.swallowed);
                report.bad_rows.push(err);
                report.bad_rows.extend(swallowed.into_iter().map(|line| {
                    InputError::file(
                        &file.path,
                        format!("is inside the quote opened on line {opened}, never closed"),
                    )
                    .at(line)
                }));
            }
            Some(err) => return Err(err),
            None if block.ended => return Ok(false),
            None => {}
        }
        block.read_ahead(file);
    }
}

/// A row's parse result: the value, or `None` when the row was bad and
/// `--skip-bad-rows` recorded it.
pub(crate) fn keep<T>(
    result: Result<T, InputError>,
    report: &mut FileReport,
    skip_bad_rows: bool,
) -> Result<Option<T>, InputError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(err) if skip_bad_rows && !err.whole_file => {
            report.bad_rows.push(err);
            Ok(None)
        }
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discounts_look_like_rates_only_when_all_lie_in_zero_to_one_and_amounts_do_not() {
        let d = |text: &str| text.parse::<rust_decimal::Decimal>().unwrap();
        let seen = |rows: &[(&str, &str)]| {
            let mut seen = DiscountsSeen::default();
            for (amount, discount) in rows {
                seen.saw(d(amount), d(discount));
            }
            seen.look_like_rates()
        };
        assert!(seen(&[("1000", "0.2"), ("500", "0"), ("2000", "1")]));
        // One discount of money gives the column away.
        assert!(!seen(&[("1000", "0.2"), ("500", "25.00")]));
        // No discount at all, or amounts no larger than the discounts.
        assert!(!seen(&[("1000", "0"), ("500", "0")]));
        assert!(!seen(&[("0.50", "0.20"), ("1", "0.10")]));
    }

    proptest::proptest! {
        /// The shortcut for plain rows never calls a section or total row
        /// a plain one.
        #[test]
        fn plain_rows_are_no_sections_or_totals(
            cells in proptest::collection::vec(
                proptest::sample::select(vec!["", " ", "t", "T", "Total", " total 9", "x", "\u{a0}", "\u{a0}x", "é", "9", "\tTOTAL"]),
                0..5,
            ),
            keys in proptest::collection::vec(0usize..6, 0..3),
        ) {
            let key_cells = || keys.iter().map(|column| cells.get(*column).map(|cell| &**cell));
            let general = section_or_total(
                cells.iter().copied(),
                key_cells().map(|cell| cell.map_or("", trim)),
                std::iter::empty(),
            );
            if plainly_a_row(cells.first().copied(), key_cells()) {
                proptest::prop_assert!(!general, "{:?} {:?}", cells, keys);
            }
        }
    }

    #[test]
    fn totals_labels_are_whole_words() {
        for total in [
            "Total",
            "TOTAL",
            "Totals",
            "Total for Acme",
            "Grand total:",
            "Subtotal",
            "total 9",
        ] {
            assert!(is_total_label(total), "{total}");
        }
        for client in [
            "TotalEnergies SE",
            "Totally Fresh Foods",
            "Totalis",
            "Acme",
            "",
        ] {
            assert!(!is_total_label(client), "{client}");
        }
    }

    #[test]
    fn a_totals_row_has_no_date_and_no_id() {
        let rule = |cells: &[&str], keys: &[&str], anchors: &[&str]| {
            section_or_total(
                cells.iter().copied(),
                keys.iter().copied(),
                anchors.iter().copied(),
            )
        };
        // Total for …, TOTAL: no date, no id.
        assert!(rule(
            &["Total for Acme", "", "1000.00", ""],
            &["Total for Acme", ""],
            &["", ""]
        ));
        assert!(rule(
            &["TOTAL", "", "14000.00", ""],
            &["TOTAL", ""],
            &["", ""]
        ));
        // A client whose name starts with the word, with its date and id.
        assert!(!rule(
            &["Total Quality Logistics", "2026-10-02", "7000.00", "A2"],
            &["Total Quality Logistics", "2026-10-02"],
            &["2026-10-02", "A2"]
        ));
        // A section heading: no key at all.
        assert!(rule(&["Acme Corp", "", ""], &["", ""], &["", ""]));
    }

    #[test]
    fn trim_is_str_trim() {
        for cell in [
            "",
            " ",
            "a",
            " a ",
            "\u{b}x\u{b}",
            "x\u{a0}",
            "\u{2003}Acme",
            "Acme",
            "\ta",
            "é",
            "é ",
            "a\u{85}",
        ] {
            assert_eq!(trim(cell), cell.trim(), "{cell:?}");
        }
    }

    /// `bytes` in a file of its own, opened as the readers open a file
    /// (the file goes when the first value is dropped).
    fn source_of(bytes: &[u8]) -> (tempfile::NamedTempFile, Source) {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), bytes).unwrap();
        let source = Source::open(file.path(), crate::config::EncodingSetting::Auto, None).unwrap();
        (file, source)
    }

    /// Every record of a file with its line, read whole or as a part.
    fn records(source: &Source, part: Option<Part>) -> (Vec<(u64, Vec<String>)>, bool) {
        let mut file = CsvFile::open(source, None, |_| true).unwrap();
        if let Some(part) = part {
            file.read_part(part).unwrap();
        }
        let mut record = Record::new();
        let mut rows = Vec::new();
        while file.next(&mut record).unwrap() {
            let row = Row::new(&record, &file);
            rows.push((row.line, record.iter().map(str::to_string).collect()));
        }
        (rows, file.ended_at_cut)
    }

    type Rows = Vec<(u64, Vec<String>)>;

    /// `records`, a block at a time through `next_block`: the rows, and
    /// the lines of the bad rows skipped (or of the error that stopped it).
    fn records_in_blocks(
        source: &Source,
        part: Option<Part>,
        skip_bad_rows: bool,
    ) -> (Rows, Vec<Option<u64>>) {
        let mut file = CsvFile::open(source, None, |_| true).unwrap();
        if let Some(part) = part {
            file.read_part(part).unwrap();
        }
        let mut report = file.report(Kind::Tickets);
        let mut block = RowBlock::new();
        let mut rows = Vec::new();
        let mut stopped = None;
        loop {
            match next_block(&mut file, &mut block, &mut report, skip_bad_rows) {
                Ok(true) => {}
                Ok(false) => break,
                Err(err) => {
                    stopped = Some(err.line);
                    break;
                }
            }
            for record in block.records() {
                let row = Row::new(record, &file);
                rows.push((row.line, record.iter().map(str::to_string).collect()));
            }
        }
        assert_eq!(report.rows_read, rows.len() as u64);
        let mut bad: Vec<Option<u64>> = report.bad_rows.iter().map(|err| err.line).collect();
        bad.extend(stopped);
        (rows, bad)
    }

    #[test]
    fn blocks_of_rows_come_in_order_with_their_errors_between() {
        // 40 rows; rows 9 and 30 (lines 10 and 31) have a cell too many.
        let mut text = String::from("id,minutes\n");
        for i in 1..=40 {
            let extra = if i == 9 || i == 30 { ",x" } else { "" };
            text.push_str(&format!("T-{i},{i}{extra}\n"));
        }
        let (_file, source) = source_of(text.as_bytes());
        let line_of =
            |rows: &[(u64, Vec<String>)]| rows.iter().map(|(line, _)| *line).collect::<Vec<_>>();
        // Skipping: every good row in order, both bad rows noted.
        let (rows, bad) = records_in_blocks(&source, None, true);
        let good: Vec<u64> = (2..=41).filter(|line| *line != 10 && *line != 31).collect();
        assert_eq!(line_of(&rows), good);
        assert_eq!(bad, [Some(10), Some(31)]);
        assert_eq!(rows[0].1, ["T-1", "1"]);
        // Not skipping: the rows before the first bad one, then its error.
        let (rows, bad) = records_in_blocks(&source, None, false);
        assert_eq!(line_of(&rows), (2..=9).collect::<Vec<u64>>());
        assert_eq!(bad, [Some(10)]);
    }

    #[test]
    fn a_file_cut_into_chunks_reads_as_the_whole_file() {
        // Quoted cells with line breaks, doubled quotes, blank lines, CRLF
        // endings: every cut must fall between records, and the chunks
        // read one after another must give the whole file's records with
        // the whole file's line numbers.
        let mut text = String::from("id,note,minutes\r\n");
        for i in 0..60 {
            match i % 7 {
                0 => text.push_str(&format!("T-{i},\"line one\nline two\nline three\",{i}\r\n")),
                3 => text.push_str(&format!("T-{i},\"a \"\"quoted\"\"\n word\",{i}\n\n")),
                _ => text.push_str(&format!("T-{i},plain {i},{i}\n")),
            }
        }
        for bom in [false, true] {
            let mut bytes = if bom {
                vec![0xEF, 0xBB, 0xBF]
            } else {
                Vec::new()
            };
            bytes.extend_from_slice(text.as_bytes());
            let (file, source) = source_of(&bytes);
            let (whole, _) = records(&source, None);
            assert_eq!(whole.len(), 60);
            let data_start = CsvFile::open(&source, None, |_| true).unwrap().data_start();
            for chunk in [1, 7, 20, 64, 333, 1000] {
                let cuts = chunks::find(
                    file.path(),
                    source.text_start(),
                    data_start,
                    bytes.len() as u64,
                    chunk,
                );
                assert!(!cuts.is_empty());
                let mut read = Vec::new();
                let mut from = None;
                for cut in cuts.iter().copied().map(Some).chain([None]) {
                    let part = Part {
                        from,
                        to: cut.map(|cut| cut.at),
                    };
                    let (rows, ended_at_cut) = records(&source, Some(part));
                    // Read in blocks, a chunk ends where read one at a time.
                    let (in_blocks, _) = records_in_blocks(&source, Some(part), false);
                    assert_eq!(in_blocks, rows, "chunk {part:?}, in blocks");
                    assert_eq!(ended_at_cut, cut.is_some(), "chunk {part:?}");
                    read.extend(rows);
                    from = cut;
                }
                assert_eq!(read, whole, "chunks of {chunk} bytes, BOM {bom}");
            }
        }
    }

    #[test]
    fn client_sets_list_ids_in_order() {
        let mut set = ClientSet::default();
        for id in [130, 3, 64, 3, 0] {
            set.insert(id);
        }
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![0, 3, 64, 130]);
        assert!(set.contains(&64) && !set.contains(&65) && !set.contains(&9999));
    }
}
