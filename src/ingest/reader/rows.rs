//! Rows of a file as the per-kind readers take them: typed cells with
//! their file, line and column for errors (`Row`), read a block at a time
//! (`next_block`), section and total rows told apart from data.

use super::*;

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
pub(super) fn plainly_a_row<'a>(
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
pub(super) fn section_or_total<'a>(
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
        super::super::date::parse_time_cell(text)
            .map(Some)
            .ok_or_else(|| {
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
        parse: impl Fn(&str, Option<DateOrder>) -> Result<T, super::super::date::DateProblem>,
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
                Ok(true) if record.text_len() > super::super::scan::LONG_RECORD => {
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
