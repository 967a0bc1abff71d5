//! CSV plumbing shared by every kind: opening a file (or standard input),
//! reading the header row, and turning cells into typed values with errors
//! that carry file, line, column and value.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::columns::Headers;
use super::date::{DateOrder, parse_date};
use super::duration::{DurationUnit, parse_minutes};
use super::money::{DecimalSeparator, Money, parse_money};
use crate::error::InputError;

/// An open CSV file positioned after its header row.
pub struct CsvFile {
    pub path: PathBuf,
    pub headers: Headers,
    pub header_line: u64,
    reader: csv::Reader<Box<dyn Read>>,
}

/// `-` means standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

fn open_raw(path: &Path) -> Result<Box<dyn Read>, InputError> {
    if is_stdin(path) {
        return Ok(Box::new(io::stdin().lock()));
    }
    if path.is_dir() {
        return Err(InputError::file(path, "is a directory, not a CSV file"));
    }
    let file = File::open(path)
        .map_err(|err| InputError::file(path, format!("cannot be opened: {err}")))?;
    Ok(Box::new(BufReader::with_capacity(256 * 1024, file)))
}

impl CsvFile {
    pub fn open(path: &Path) -> Result<CsvFile, InputError> {
        let raw = open_raw(path)?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(raw);
        let mut record = csv::StringRecord::new();
        let found = reader
            .read_record(&mut record)
            .map_err(|err| csv_error(path, &err))?;
        if !found {
            return Err(InputError::file(path, "is empty: expected a header row")
                .hint("export the file again with its column headers"));
        }
        let header_line = record.position().map_or(1, |p| p.line());
        let headers = Headers::new(record.iter().map(str::to_string).collect());
        Ok(CsvFile {
            path: path.to_path_buf(),
            headers,
            header_line,
            reader,
        })
    }

    /// Read the next data row into `record`; `false` at the end. Rows whose
    /// field count differs from the header are errors, not guesses.
    pub fn next(&mut self, record: &mut csv::StringRecord) -> Result<bool, InputError> {
        loop {
            if !self
                .reader
                .read_record(record)
                .map_err(|err| csv_error(&self.path, &err))?
            {
                return Ok(false);
            }
            // A row of only empty cells (a spreadsheet's trailing ",,,,") is no row.
            if record.iter().all(|cell| cell.trim().is_empty()) {
                continue;
            }
            if record.len() != self.headers.raw.len() {
                let line = record.position().map_or(0, |p| p.line());
                return Err(InputError::file(
                    &self.path,
                    format!(
                        "has {} fields but the header row has {}",
                        record.len(),
                        self.headers.raw.len()
                    ),
                )
                .at(line)
                .hint(
                    "a cell with a comma or a line break must be quoted; re-export the file as CSV",
                ));
            }
            return Ok(true);
        }
    }
}

fn csv_error(path: &Path, err: &csv::Error) -> InputError {
    let line = err.position().map(|p| p.line());
    let problem = match err.kind() {
        csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8 text".to_string(),
        csv::ErrorKind::Io(io) => format!("cannot be read: {io}"),
        _ => format!("is not readable as CSV: {err}"),
    };
    let error = InputError::file(path, problem);
    let error = match line {
        Some(line) => error.at(line),
        None => error,
    };
    if matches!(err.kind(), csv::ErrorKind::Utf8 { .. }) {
        error.hint("save the file as UTF-8 (in Excel: Save As → CSV UTF-8)")
    } else {
        error
    }
}

/// One data row with what is needed to report a bad cell.
pub struct Row<'a> {
    pub record: &'a csv::StringRecord,
    pub file: &'a CsvFile,
    pub line: u64,
}

impl<'a> Row<'a> {
    pub fn new(record: &'a csv::StringRecord, file: &'a CsvFile) -> Row<'a> {
        let line = record.position().map_or(0, |p| p.line());
        Row { record, file, line }
    }

    /// The trimmed cell of a column, `""` when the column is absent.
    pub fn text(&self, column: Option<usize>) -> &'a str {
        column
            .and_then(|index| self.record.get(index))
            .map_or("", str::trim)
    }

    pub fn error(&self, column: usize, problem: impl Into<String>) -> InputError {
        let header = self
            .file
            .headers
            .raw
            .get(column)
            .cloned()
            .unwrap_or_default();
        let value = self.record.get(column).unwrap_or("").to_string();
        InputError::file(&self.file.path, problem)
            .at(self.line)
            .column(header)
            .value(value)
    }

    /// A row-level problem not tied to one cell.
    pub fn row_error(&self, problem: impl Into<String>) -> InputError {
        InputError::file(&self.file.path, problem).at(self.line)
    }

    pub fn date(
        &self,
        column: Option<usize>,
        order: Option<DateOrder>,
    ) -> Result<Option<NaiveDate>, InputError> {
        let text = self.text(column);
        let Some(column) = column.filter(|_| !text.is_empty()) else {
            return Ok(None);
        };
        match parse_date(text, order) {
            Ok(date) => Ok(Some(date)),
            Err(problem) => {
                let error = self.error(column, problem.message());
                Err(match problem.hint() {
                    Some(hint) => error.hint(hint),
                    None => error,
                })
            }
        }
    }

    pub fn required_date(
        &self,
        column: usize,
        order: Option<DateOrder>,
    ) -> Result<NaiveDate, InputError> {
        self.date(Some(column), order)?
            .ok_or_else(|| self.error(column, "is empty, but this column is required"))
    }

    pub fn money(
        &self,
        column: Option<usize>,
        separator: DecimalSeparator,
    ) -> Result<Option<Money>, InputError> {
        let text = self.text(column);
        let Some(column) = column.filter(|_| !text.is_empty()) else {
            return Ok(None);
        };
        match parse_money(text, separator) {
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

    pub fn minutes(
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
