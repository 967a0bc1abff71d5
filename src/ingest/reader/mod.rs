//! CSV plumbing shared by every kind: finding the header row, reading data
//! rows, and turning cells into typed values with errors that carry file,
//! line, column and value. Also what a file turned out to be, for `check`.

mod errors;
mod found;
mod rows;

use errors::{scan_error, unclosed_quote_error};
pub(crate) use found::*;
pub(crate) use rows::*;

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

#[cfg(test)]
mod tests;
