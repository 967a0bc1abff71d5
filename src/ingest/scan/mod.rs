//! Splitting text into CSV records, with the line each starts on.
//!
//! Nearly every line of an export is a record with no quotes in it. Text
//! is read in blocks, checked to be UTF-8 and searched for quotes once per
//! block; a line without a quote is then found and split in one pass that
//! compares sixteen bytes at a time with the line feed and the delimiter
//! (with SSE2 on x86-64, else eight at a time in plain integers), so no
//! byte is looked at one by one. A line with a quote whose quoted cells
//! are plain (a quote opens the cell, the next one closes it just before
//! a delimiter or the line end: a quoted list of tags, a name with a
//! comma) is split in the same way, with the quote compared too. Any other
//! record with a quote is handed to `csv_core`, the parser under the
//! `csv` crate, so quoted cells (delimiters and line breaks inside, doubled
//! quotes, a quote in the middle of a cell) read exactly as `csv` reads
//! them. The records are the same as `csv` with a line-feed terminator,
//! `flexible` and no header handling, except:
//! - a line ending is `\n` or `\r\n`, and the `\r` is not part of the cell;
//! - lines are counted exactly: a record after blank lines, or after a
//!   quoted cell with line breaks, is named by the line it starts on;
//! - files whose lines end in a carriage return alone read through
//!   [`CrToLf`], which makes those line feeds first;
//! - a quote still open at the end of the text is an error at the line
//!   where it opened (`csv` ends the cell there, and the rows it
//!   swallowed are silently gone);
//! - a row, a cell and the number of cells are capped ([`Limits`]), so
//!   that memory stays within a small multiple of the longest row allowed.
//!
//! The `Scanner` is one state machine over its block (the fast path, the
//! quoted path and the limits share its buffer and line count), so it stays
//! in one file; how one line is split is in `lines`.

mod lines;

use lines::*;
use std::io::{self, Read};

/// One record: its cells, the line it starts on and where its text starts.
#[derive(Debug, Default, Clone)]
pub struct Record {
    text: String,
    /// Start and end of each cell in `text`.
    cells: Vec<(usize, usize)>,
    line: u64,
    byte: u64,
}

impl Record {
    pub fn new() -> Record {
        Record::default()
    }

    /// How many cells.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    pub(crate) fn get(&self, index: usize) -> Option<&str> {
        let (start, end) = *self.cells.get(index)?;
        self.text.get(start..end)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.cells.len()).map(|index| self.get(index).unwrap_or(""))
    }

    /// The line the record starts on, counting from 1.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Where the record starts, in bytes of text from where reading began.
    pub(crate) fn byte(&self) -> u64 {
        self.byte
    }

    /// How many bytes its cells hold, quotes and line end taken away.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    fn set_text(&mut self, text: &str) {
        self.text.clear();
        self.text.push_str(text);
    }

    /// Give back the room of a long row held once (up to the limit of
    /// `LIMITS`), so that records kept for reuse do not each keep it.
    pub(crate) fn forget_long_row(&mut self) {
        if self.text.capacity() > LONG_RECORD {
            self.text = String::new();
        }
    }
}

/// A record longer than this is a long one: see `RowBlock`.
pub(crate) const LONG_RECORD: usize = 1024 * 1024;

/// What stopped a scan.
#[derive(Debug)]
pub enum ScanError {
    /// The record on this line is not UTF-8 (text that was decoded from
    /// another encoding always is; a UTF-8 file changed while being read).
    /// The scan cannot go on.
    Utf8 {
        line: u64,
    },
    /// The record on this line holds `byte`, which is not UTF-8, in a file
    /// that is UTF-8 elsewhere ([`Scanner::bad_bytes_end_rows`]). The
    /// record has been read past: the scan can go on.
    Utf8Row {
        line: u64,
        byte: u8,
    },
    /// A quote opened on `line` is still open at the end of the text.
    /// `lost` lists the lines that are not blank from the record's start
    /// to the end (the rows the open cell swallowed); the scan is over.
    UnclosedQuote {
        line: u64,
        lost: Vec<u64>,
    },
    /// A quoted cell opened on `line` runs over line breaks and closes on
    /// `closed_on` with text right after its closing quote: a quote left
    /// open, closed by the next quoted cell of another row, so that the
    /// rows between were read as one cell's text. The reading stops: the
    /// file cannot be read as it stands.
    QuoteClosedLate {
        line: u64,
        closed_on: u64,
    },
    /// A record or one of its cells is longer than its limit, or has more
    /// cells than allowed. `quote_line`: an open quote that may be why.
    TooLong {
        line: u64,
        what: Limited,
        limit: usize,
        quote_line: Option<u64>,
    },
    Io(io::Error),
}

/// What a [`Limits`] entry caps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    Row,
    /// The cell in this column (0-based).
    Cell(usize),
    Columns,
}

/// The most a record may hold. No real export comes near them: a
/// spreadsheet cell holds at most 32,767 characters and a sheet 16,384
/// columns. They keep a damaged or hostile file (a header of millions of
/// commas, a quote opened near the top of a large file) from taking
/// memory without bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub row_bytes: usize,
    pub cell_bytes: usize,
    pub columns: usize,
}

pub(crate) const LIMITS: Limits = Limits {
    row_bytes: 32 * 1024 * 1024,
    cell_bytes: 16 * 1024 * 1024,
    columns: 100_000,
};

/// A size in bytes as a person would say it ("32 MiB").
pub(crate) fn size_name(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    const GIB: usize = 1024 * MIB;
    if bytes >= GIB && bytes.is_multiple_of(GIB) {
        format!("{} GiB", bytes / GIB)
    } else if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// Records from a stream of UTF-8 text whose lines end in `\n` or `\r\n`.
pub struct Scanner {
    input: Box<dyn Read>,
    /// Text read and checked to be UTF-8, a block at a time (checking a
    /// block costs a fraction of checking each line on its own); unread
    /// text is `text[start..]`.
    text: String,
    start: usize,
    /// The last bytes read, when they end inside a character: they are
    /// checked with the next block.
    undecided: Vec<u8>,
    /// The input goes on with bytes that are not UTF-8, after `text`.
    invalid: bool,
    at_end_of_input: bool,
    /// Where the next quote in `text` is at or after `start` (the length
    /// of `text` when there is none): lines before it need no quote search.
    next_quote: usize,
    delimiter: u8,
    /// Whether the delimiter is none of the bytes the fast path looks for
    /// (line feed, quote); if it is, every record goes to csv_core.
    plain_delimiter: bool,
    /// Line and byte offset of `text[start]`.
    line: u64,
    byte: u64,
    quoted: csv_core::Reader,
    quoted_output: Vec<u8>,
    quoted_ends: Vec<usize>,
    /// How many bytes to read at a time (`BLOCK`; tests make it small).
    block: usize,
    limits: Limits,
    /// Bytes that are not UTF-8 end only the record they are in (the file
    /// is UTF-8 elsewhere): each is kept in `text` as `PLACEHOLDER`, with
    /// its offset and value in `bad`, in order; `next_bad` is the offset
    /// of the first (`u64::MAX` when there is none), compared with each
    /// record's end.
    bad_bytes_end_rows: bool,
    bad: std::collections::VecDeque<(u64, u8)>,
    next_bad: u64,
}

const QUOTE: u8 = b'"';
const BLOCK: usize = 256 * 1024;
/// Stands in for a byte that is not UTF-8 (one byte for one, so offsets
/// stay those of the file); the record it is in is never handed out.
const PLACEHOLDER: u8 = 0x1A;

impl Scanner {
    /// Read `input`, whose first byte is on line `line`.
    pub fn new(input: Box<dyn Read>, delimiter: u8, line: u64) -> Scanner {
        Scanner {
            input,
            text: String::new(),
            start: 0,
            undecided: Vec::new(),
            invalid: false,
            at_end_of_input: false,
            next_quote: 0,
            delimiter,
            plain_delimiter: !matches!(delimiter, b'\n' | b'\r' | QUOTE),
            line,
            byte: 0,
            quoted: csv_core::ReaderBuilder::new()
                .delimiter(delimiter)
                .terminator(csv_core::Terminator::Any(b'\n'))
                .build(),
            quoted_output: vec![0; 1024],
            quoted_ends: vec![0; 64],
            block: BLOCK,
            limits: LIMITS,
            bad_bytes_end_rows: false,
            bad: std::collections::VecDeque::new(),
            next_bad: u64::MAX,
        }
    }

    /// Bytes that are not UTF-8 make the record they are in an error
    /// ([`ScanError::Utf8Row`]) and the scan goes on after it: for a file
    /// known to be UTF-8 apart from them. (Without this, the first one
    /// ends the scan.)
    pub fn bad_bytes_end_rows(mut self) -> Scanner {
        self.bad_bytes_end_rows = true;
        self
    }

    /// Other limits than [`LIMITS`] (tests and fuzzing, where small ones
    /// are reached by small inputs).
    pub fn with_limits(mut self, limits: Limits) -> Scanner {
        self.limits = limits;
        self
    }

    /// Drop the text already read and read a block more after the rest,
    /// keeping in `text` only what is UTF-8. Sets `at_end_of_input` when
    /// the input has no more; bytes that are not UTF-8 are an error once
    /// the record they are in is wanted.
    fn fill(&mut self) -> Result<(), ScanError> {
        if self.invalid {
            return Err(ScanError::Utf8 { line: self.line });
        }
        let mut bytes = std::mem::take(&mut self.text).into_bytes();
        bytes.drain(..self.start.min(bytes.len()));
        self.start = 0;
        // Text kept is UTF-8 already: only what comes after is checked.
        let kept = bytes.len();
        bytes.append(&mut self.undecided);
        // A block, or as much as is kept when a record is longer than that
        // (so a long record is read in doubling steps, not block by block),
        // but never much more than the longest row allowed; fewer bytes
        // than asked for means the input has ended.
        let room = self
            .limits
            .row_bytes
            .saturating_add(self.block)
            .saturating_sub(bytes.len());
        let wanted = self.block.max(bytes.len()).min(room).max(1);
        let read = (&mut self.input)
            .take(wanted as u64)
            .read_to_end(&mut bytes)
            .map_err(ScanError::Io)?;
        self.at_end_of_input = read < wanted;
        // Nearly always all UTF-8: checked once, as the text is made.
        let mut bytes = match String::from_utf8(bytes) {
            Ok(text) => {
                self.text = text;
                self.next_quote = find_quote(&self.text, 0);
                return Ok(());
            }
            Err(err) => err.into_bytes(),
        };
        // Text kept is UTF-8 already: only what comes after is checked.
        let mut checked = kept;
        self.text = loop {
            match std::str::from_utf8(bytes.get(checked..).unwrap_or_default()) {
                Ok(_) => break String::from_utf8(bytes).unwrap_or_default(),
                Err(utf8) => {
                    let at = checked.saturating_add(utf8.valid_up_to());
                    match utf8.error_len() {
                        Some(length) if self.bad_bytes_end_rows => {
                            // Each byte of the bad sequence stands as one
                            // placeholder, noted with its file offset.
                            let end = at.saturating_add(length);
                            for offset in at..end {
                                if let Some(byte) = bytes.get_mut(offset) {
                                    let place = self.byte.saturating_add(offset as u64);
                                    self.bad.push_back((place, *byte));
                                    *byte = PLACEHOLDER;
                                }
                            }
                            self.next_bad = self.bad.front().map_or(u64::MAX, |bad| bad.0);
                            checked = end;
                            continue;
                        }
                        // A character cut by the end of this block.
                        None if !self.at_end_of_input => {
                            self.undecided = bytes.split_off(at);
                        }
                        None if self.bad_bytes_end_rows => {
                            // Cut by the end of the text: bad bytes too.
                            for offset in at..bytes.len() {
                                if let Some(byte) = bytes.get_mut(offset) {
                                    let place = self.byte.saturating_add(offset as u64);
                                    self.bad.push_back((place, *byte));
                                    *byte = PLACEHOLDER;
                                }
                            }
                            self.next_bad = self.bad.front().map_or(u64::MAX, |bad| bad.0);
                            continue;
                        }
                        _ => {
                            self.invalid = true;
                            bytes.truncate(at);
                        }
                    }
                    // Cannot fail: cut where the text stops being UTF-8.
                    break String::from_utf8(bytes).unwrap_or_default();
                }
            }
        };
        self.next_quote = find_quote(&self.text, 0);
        Ok(())
    }

    /// How many bytes of text have been read past (to the end of the
    /// last record handed out).
    pub fn position(&self) -> u64 {
        self.byte
    }

    /// Step past `length` bytes holding `lines` line ends.
    fn advance(&mut self, length: usize, lines: u64) {
        self.start = self.start.saturating_add(length);
        self.byte = self.byte.saturating_add(length as u64);
        self.line = self.line.saturating_add(lines);
    }

    /// Read the next record into `record`; `false` at the end of the text.
    pub fn next(&mut self, record: &mut Record) -> Result<bool, ScanError> {
        loop {
            if self.next_quote < self.start {
                self.next_quote = find_quote(&self.text, self.start);
            }
            let unread = self.text.get(self.start..).unwrap_or_default();
            record.cells.clear();
            let found = if self.plain_delimiter {
                let quote_free = self.next_quote.saturating_sub(self.start);
                split_plain_line(
                    unread.as_bytes(),
                    self.delimiter,
                    quote_free,
                    self.limits.columns,
                    &mut record.cells,
                )
            } else {
                Line::Quoted
            };
            let (length, ends_line) = match found {
                Line::Quoted => {
                    if self.next_one_line_quoted(record)? {
                        return Ok(true);
                    }
                    return self.next_quoted(record);
                }
                Line::Ends(at) => (at, true),
                Line::TooManyCells => return Err(self.too_long(Limited::Columns, None)),
                Line::Unfinished if unread.len() > self.limits.row_bytes => {
                    return Err(self.too_long(Limited::Row, None));
                }
                Line::Unfinished if !self.at_end_of_input && !self.invalid => {
                    self.fill()?;
                    continue;
                }
                // Bytes that are not UTF-8 follow, in this record.
                Line::Unfinished if self.invalid => {
                    return Err(ScanError::Utf8 { line: self.line });
                }
                Line::Unfinished if unread.is_empty() => return Ok(false),
                Line::Unfinished => (unread.len(), false),
            };
            let mut line = unread.get(..length).unwrap_or_default();
            // The `\r` of a `\r\n` line end is no part of the last cell.
            if let Some(content) = line.strip_suffix('\r') {
                line = content;
                if let Some(last) = record.cells.last_mut() {
                    last.1 = line.len();
                }
            }
            let consumed = length.saturating_add(usize::from(ends_line));
            if line.is_empty() {
                // A blank line is no record, but it is a line.
                self.advance(consumed, 1);
                continue;
            }
            if line.len() > self.limits.cell_bytes {
                self.check_length(line.len(), &record.cells)?;
            }
            if self.next_bad < self.byte.saturating_add(consumed as u64) {
                return Err(self.bad_row(consumed, 1));
            }
            record.set_text(line);
            record.line = self.line;
            record.byte = self.byte;
            self.advance(consumed, 1);
            return Ok(true);
        }
    }

    /// The error for a record at `start` over a limit.
    fn too_long(&self, what: Limited, quote_line: Option<u64>) -> ScanError {
        let limit = match what {
            Limited::Row => self.limits.row_bytes,
            Limited::Cell(_) => self.limits.cell_bytes,
            Limited::Columns => self.limits.columns,
        };
        ScanError::TooLong {
            line: self.line,
            what,
            limit,
            quote_line,
        }
    }

    /// A record of `length` bytes, with these cells (offsets into it), at
    /// `start`: an error if it or a cell is longer than allowed.
    fn check_length(&self, length: usize, cells: &[(usize, usize)]) -> Result<(), ScanError> {
        if length > self.limits.row_bytes {
            return Err(self.too_long(Limited::Row, None));
        }
        match cells
            .iter()
            .position(|(start, end)| end.saturating_sub(*start) > self.limits.cell_bytes)
        {
            Some(column) => Err(self.too_long(Limited::Cell(column), None)),
            None => Ok(()),
        }
    }

    /// Step past the record at `start` (`consumed` bytes, `lines` line
    /// ends), which holds a byte that is not UTF-8, and say so.
    fn bad_row(&mut self, consumed: usize, lines: u64) -> ScanError {
        let end = self.byte.saturating_add(consumed as u64);
        let mut first = None;
        while let Some(&(at, byte)) = self.bad.front()
            && at < end
        {
            first = first.or(Some(byte));
            self.bad.pop_front();
        }
        self.next_bad = self.bad.front().map_or(u64::MAX, |bad| bad.0);
        let line = self.line;
        self.advance(consumed, lines);
        ScanError::Utf8Row {
            line,
            byte: first.unwrap_or(PLACEHOLDER),
        }
    }

    /// The record at `start`, which has a quote on its first line, when
    /// it is that line alone and reads plainly ([`split_quoted_line`]), as
    /// nearly every record with a quote in an export does (a quoted list
    /// of tags, a name with a comma): read here, with the cells csv_core
    /// would give, without running its state machine over every byte and
    /// checking its output as UTF-8 again. `false`, and nothing read, for
    /// any other record: `next_quoted` reads it.
    fn next_one_line_quoted(&mut self, record: &mut Record) -> Result<bool, ScanError> {
        if !self.delimiter.is_ascii() {
            return Ok(false);
        }
        let unread = self.text.get(self.start..).unwrap_or_default();
        // A line within every limit (and not a long record), so that no
        // limit decides differently on the text kept here, which still
        // holds its quotes and delimiters.
        let most = self
            .limits
            .cell_bytes
            .min(self.limits.row_bytes)
            .min(LONG_RECORD);
        record.cells.clear();
        let Some(length) = split_quoted_line(
            unread.as_bytes(),
            self.delimiter,
            most,
            self.limits.columns,
            &mut record.cells,
        ) else {
            return Ok(false);
        };
        let Some(line) = unread.get(..length) else {
            return Ok(false);
        };
        let consumed = length.saturating_add(1);
        if self.next_bad < self.byte.saturating_add(consumed as u64) {
            return Err(self.bad_row(consumed, 1));
        }
        record.set_text(line);
        record.line = self.line;
        record.byte = self.byte;
        self.advance(consumed, 1);
        Ok(true)
    }

    /// The record at `start`, which has a quote on its first line: parsed
    /// by `csv_core` from the record's start, again with more text or more
    /// room when it needs them.
    fn next_quoted(&mut self, record: &mut Record) -> Result<bool, ScanError> {
        loop {
            self.quoted.reset();
            let unread = self.text.get(self.start..).unwrap_or_default().as_bytes();
            let (result, read, written, ends) =
                self.quoted
                    .read_record(unread, &mut self.quoted_output, &mut self.quoted_ends);
            let (result, read, written, ends) = match result {
                // The record goes on past the longest allowed.
                csv_core::ReadRecordResult::InputEmpty
                    if !self.at_end_of_input && unread.len() > self.limits.row_bytes =>
                {
                    let quote_line = unclosed_quote(unread, self.delimiter)
                        .map(|open| self.line_within(unread, open));
                    return Err(self.too_long(Limited::Row, quote_line));
                }
                // The record may go on past the text at hand.
                csv_core::ReadRecordResult::InputEmpty if !self.at_end_of_input => {
                    self.fill()?;
                    continue;
                }
                csv_core::ReadRecordResult::InputEmpty if self.invalid => {
                    return Err(ScanError::Utf8 { line: self.line });
                }
                csv_core::ReadRecordResult::InputEmpty => {
                    // All text is in. A quote still open swallowed it all:
                    // csv_core would end the cell here without a word.
                    if let Some(open) = unclosed_quote(unread, self.delimiter) {
                        return Err(self.unclosed(open));
                    }
                    // Tell csv_core that the text has ended.
                    let (more_result, _, more_written, more_ends) = self.quoted.read_record(
                        &[],
                        self.quoted_output.get_mut(written..).unwrap_or_default(),
                        self.quoted_ends.get_mut(ends..).unwrap_or_default(),
                    );
                    match more_result {
                        csv_core::ReadRecordResult::OutputFull => {
                            self.grow_quoted_output();
                            continue;
                        }
                        csv_core::ReadRecordResult::OutputEndsFull => {
                            self.grow_quoted_ends()?;
                            continue;
                        }
                        _ => (
                            more_result,
                            read,
                            written.saturating_add(more_written),
                            ends.saturating_add(more_ends),
                        ),
                    }
                }
                csv_core::ReadRecordResult::OutputFull => {
                    self.grow_quoted_output();
                    continue;
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    self.grow_quoted_ends()?;
                    continue;
                }
                _ => (result, read, written, ends),
            };
            if !matches!(result, csv_core::ReadRecordResult::Record) {
                return Ok(false);
            }
            let raw = unread.get(..read).unwrap_or_default();
            // Most quoted records are one line: its line feed, last.
            let lines = match raw.split_last() {
                Some((b'\n', body)) if memchr::memchr(b'\n', body).is_none() => 1,
                _ => memchr::memchr_iter(b'\n', raw).count() as u64,
            };
            if lines > 1
                && let Some(close) = quote_closed_late(raw, self.delimiter)
            {
                let before = raw.get(..close).unwrap_or_default();
                let closed_on = self
                    .line
                    .saturating_add(memchr::memchr_iter(b'\n', before).count() as u64);
                return Err(ScanError::QuoteClosedLate {
                    line: self.line,
                    closed_on,
                });
            }
            if ends > self.limits.columns {
                return Err(self.too_long(Limited::Columns, None));
            }
            // A record that ends at the end of the text without a line feed
            // still starts a line of its own.
            if self.next_bad < self.byte.saturating_add(read as u64) {
                return Err(self.bad_row(read, lines.max(1)));
            }
            let output = self.quoted_output.get(..written).unwrap_or_default();
            let text =
                std::str::from_utf8(output).map_err(|_| ScanError::Utf8 { line: self.line })?;
            record.set_text(text);
            record.cells.clear();
            let mut cell_start = 0;
            for end in self.quoted_ends.get(..ends).unwrap_or_default() {
                record.cells.push((cell_start, *end));
                cell_start = *end;
            }
            // The `\r` of a `\r\n` line end is csv_core's last cell's last
            // byte; it is no part of the cell (nor, as before the scanner,
            // is a `\r` that ends the last cell at the end of the text).
            if let Some(last) = record.cells.last_mut()
                && record.text.get(..last.1).is_some_and(|t| t.ends_with('\r'))
            {
                last.1 = last.1.saturating_sub(1);
            }
            if record.text.len() > self.limits.cell_bytes {
                self.check_length(record.text.len(), &record.cells)?;
            }
            record.line = self.line;
            record.byte = self.byte;
            self.advance(read, lines.max(1));
            return Ok(true);
        }
    }

    fn grow_quoted_output(&mut self) {
        let output = self.quoted_output.len().saturating_mul(2);
        self.quoted_output.resize(output, 0);
    }

    /// Room for twice the cells, unless that many are past the limit.
    fn grow_quoted_ends(&mut self) -> Result<(), ScanError> {
        if self.quoted_ends.len() > self.limits.columns {
            return Err(self.too_long(Limited::Columns, None));
        }
        let ends = self.quoted_ends.len().saturating_mul(2);
        self.quoted_ends.resize(ends, 0);
        Ok(())
    }

    /// The line of `unread[at]`, `unread` starting at `start`.
    fn line_within(&self, unread: &[u8], at: usize) -> u64 {
        let before = unread.get(..at).unwrap_or_default();
        self.line
            .saturating_add(memchr::memchr_iter(b'\n', before).count() as u64)
    }

    /// The error for the rest of the text, inside a quote opened `open`
    /// bytes after `start`; the scan is over.
    fn unclosed(&mut self, open: usize) -> ScanError {
        let text = std::mem::take(&mut self.text);
        let unread = text.as_bytes().get(self.start..).unwrap_or_default();
        let line = self.line_within(unread, open);
        let mut lost = Vec::new();
        for (number, text) in (self.line..).zip(unread.split(|byte| *byte == b'\n')) {
            if !text.is_empty() && text != b"\r" {
                lost.push(number);
            }
        }
        let lines = memchr::memchr_iter(b'\n', unread).count() as u64;
        let length = unread.len();
        self.start = 0;
        self.byte = self.byte.saturating_add(length as u64);
        self.line = self.line.saturating_add(lines);
        self.next_quote = 0;
        self.bad.clear();
        self.next_bad = u64::MAX;
        ScanError::UnclosedQuote { line, lost }
    }
}

/// Text whose lines end in a carriage return alone, with each line end
/// made a line feed (and `\r\n` one line feed), so that the scanner and
/// its line count need to know only one kind.
pub(crate) struct CrToLf<R> {
    inner: R,
    after_cr: bool,
}

impl<R: Read> CrToLf<R> {
    pub(crate) fn new(inner: R) -> CrToLf<R> {
        CrToLf {
            inner,
            after_cr: false,
        }
    }
}

impl<R: Read> Read for CrToLf<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            let read = self.inner.read(out)?;
            if read == 0 {
                return Ok(0);
            }
            let mut kept = 0usize;
            for at in 0..read {
                let Some(&byte) = out.get(at) else { break };
                let after_cr = std::mem::replace(&mut self.after_cr, byte == b'\r');
                if byte == b'\n' && after_cr {
                    continue;
                }
                if let Some(slot) = out.get_mut(kept) {
                    *slot = if byte == b'\r' { b'\n' } else { byte };
                }
                kept = kept.saturating_add(1);
            }
            // A read that was one dropped `\n` must not look like the end.
            if kept > 0 {
                return Ok(kept);
            }
        }
    }
}

#[cfg(test)]
mod tests;
