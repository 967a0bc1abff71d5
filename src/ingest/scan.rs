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

/// Where a quoted cell that holds a line break is closed by a quote with
/// text right after it (`…,"vip"` closing a quote opened rows before):
/// the offset of that closing quote. A well-formed export closes a quoted
/// cell just before a delimiter or a line end; after a line break inside
/// the cell, anything else means the cell took in rows it should not have.
fn quote_closed_late(record: &[u8], delimiter: u8) -> Option<usize> {
    #[derive(Clone, Copy)]
    enum State {
        CellStart,
        Unquoted,
        /// Inside a quoted cell; has it passed a line break?
        Quoted(bool),
        /// A quote inside a quoted cell, at this offset: a doubled quote
        /// or the cell's end.
        QuoteInQuoted(bool, usize),
    }
    let mut state = State::CellStart;
    for (at, &byte) in record.iter().enumerate() {
        state = match state {
            State::CellStart if byte == QUOTE => State::Quoted(false),
            State::CellStart | State::Unquoted if byte == delimiter || byte == b'\n' => {
                State::CellStart
            }
            State::CellStart | State::Unquoted => State::Unquoted,
            State::Quoted(broken) if byte == QUOTE => State::QuoteInQuoted(broken, at),
            State::Quoted(broken) => State::Quoted(broken || byte == b'\n'),
            State::QuoteInQuoted(broken, _) if byte == QUOTE => State::Quoted(broken),
            State::QuoteInQuoted(..) if byte == delimiter || byte == b'\n' || byte == b'\r' => {
                State::CellStart
            }
            State::QuoteInQuoted(true, close) => return Some(close),
            State::QuoteInQuoted(false, _) => State::Unquoted,
        };
    }
    None
}

/// Where the quote is that opens the cell still open at the end of
/// `record` (a record's text from its start), if one is: read as csv_core
/// reads it (a quote opens a cell only at its start; two quotes in a
/// quoted cell are one quote; a quote then anything but a delimiter or a
/// line end goes on as an unquoted cell).
fn unclosed_quote(record: &[u8], delimiter: u8) -> Option<usize> {
    #[derive(Clone, Copy)]
    enum State {
        CellStart,
        Unquoted,
        Quoted(usize),
        QuoteInQuoted(usize),
    }
    let mut state = State::CellStart;
    for (at, &byte) in record.iter().enumerate() {
        state = match state {
            State::CellStart if byte == QUOTE => State::Quoted(at),
            State::CellStart | State::Unquoted | State::QuoteInQuoted(_)
                if byte == delimiter || byte == b'\n' =>
            {
                State::CellStart
            }
            State::CellStart | State::Unquoted => State::Unquoted,
            State::Quoted(open) if byte == QUOTE => State::QuoteInQuoted(open),
            State::Quoted(open) => State::Quoted(open),
            State::QuoteInQuoted(open) if byte == QUOTE => State::Quoted(open),
            State::QuoteInQuoted(_) => State::Unquoted,
        };
    }
    match state {
        State::Quoted(open) => Some(open),
        _ => None,
    }
}

/// The first line of `text` and its cells as csv_core reads them, when
/// every quoted cell is plain: its quote opens the cell, the next quote
/// closes it, and a delimiter or the line's end comes right after; and no
/// unquoted cell holds a quote. `cells` gets each cell's start and end in
/// `text`, inside its quotes; the line's length (to its line feed) is
/// returned. `None` (and `cells` to be ignored) for any other line: one
/// whose quote runs on past its end, with a doubled quote or text after
/// a closing quote, a blank line, one with no line feed in `text`, one
/// longer than `most_bytes` or of more than `max_cells` cells.
///
/// Sixteen bytes are compared at a time with the line feed, the delimiter
/// and the quote; only the bytes that are one of them are looked at.
///
/// The last cell loses a `\r` at its end, as in csv_core's records here:
/// csv_core keeps a `\r` after a closing quote as text of the cell (`"x"\r`
/// is `x\r`), and the scanner then drops it as the line end's.
fn split_quoted_line(
    text: &[u8],
    delimiter: u8,
    most_bytes: usize,
    max_cells: usize,
    cells: &mut Vec<(usize, usize)>,
) -> Option<usize> {
    // Offsets stay below the text's length, so no addition here wraps.
    let mut cell_start = 0usize;
    // The opening quote of the cell while inside it; the text inside the
    // quotes once they are closed.
    let mut open: Option<usize> = None;
    let mut closed: Option<(usize, usize)> = None;
    let mut blocks = text.chunks_exact(16);
    let mut offset = 0usize;
    loop {
        // The last bytes, fewer than sixteen, padded; the padding's lanes
        // are left out of every mask.
        let (block, lanes) = match blocks.next() {
            Some(block) => (<[u8; 16]>::try_from(block).ok()?, u32::MAX),
            None => {
                let rest = blocks.remainder();
                if rest.is_empty() {
                    return None;
                }
                let mut padded = [0u8; 16];
                padded.get_mut(..rest.len())?.copy_from_slice(rest);
                (padded, !u32::MAX.wrapping_shl(rest.len() as u32))
            }
        };
        let (line_feeds, delimiters) = line_feeds_and_delimiters(&block, delimiter);
        let (line_feeds, delimiters) = (line_feeds & lanes, delimiters & lanes);
        let quotes = quotes_in(&block) & lanes;
        let mut events = line_feeds | delimiters | quotes;
        while events != 0 {
            let lane = events.trailing_zeros();
            events &= events.wrapping_sub(1);
            let bit = 1u32.wrapping_shl(lane);
            let at = offset.wrapping_add(lane as usize);
            if let Some(opened) = open {
                if quotes & bit != 0 {
                    // The closing quote: a delimiter or the line's end next.
                    let next = text.get(at.wrapping_add(1)).copied();
                    let ends = next == Some(delimiter)
                        || next == Some(b'\n')
                        || (next == Some(b'\r') && text.get(at.wrapping_add(2)) == Some(&b'\n'));
                    if !ends {
                        return None;
                    }
                    open = None;
                    closed = Some((opened.wrapping_add(1), at));
                } else if line_feeds & bit != 0 {
                    return None;
                }
                // A delimiter inside quotes is text.
                continue;
            }
            if quotes & bit != 0 {
                if at != cell_start {
                    return None;
                }
                open = Some(at);
                continue;
            }
            // A delimiter or the line feed ends the cell.
            if cells.len() >= max_cells {
                return None;
            }
            if delimiters & bit != 0 {
                cells.push(closed.take().unwrap_or((cell_start, at)));
                cell_start = at.wrapping_add(1);
                continue;
            }
            if at == 0 || at > most_bytes || (at == 1 && text.first() == Some(&b'\r')) {
                return None;
            }
            let last = match closed {
                // csv_core's cell is the quoted text and this `\r`, which
                // the scanner drops: the quoted text as it stands.
                Some((start, end)) if at == end.wrapping_add(2) => (start, end),
                Some(cell) => without_carriage_return(text, cell),
                None => without_carriage_return(text, (cell_start, at)),
            };
            cells.push(last);
            return Some(at);
        }
        offset = offset.wrapping_add(16);
        // The padded last bytes held no line feed, or the line is too long.
        if lanes != u32::MAX || offset > most_bytes.saturating_add(16) {
            return None;
        }
    }
}

/// A cell of `text`, less the `\r` at its end if it has one.
fn without_carriage_return(text: &[u8], (start, end): (usize, usize)) -> (usize, usize) {
    if end > start && text.get(end.wrapping_sub(1)) == Some(&b'\r') {
        (start, end.wrapping_sub(1))
    } else {
        (start, end)
    }
}

/// What the start of the unread text holds.
#[derive(Debug, PartialEq, Eq)]
enum Line {
    /// A line with no quote in it, ending at this offset (its line feed).
    Ends(usize),
    /// A line with a quote in it, for csv_core.
    Quoted,
    /// No line feed or quote in the text at hand.
    Unfinished,
    /// More cells than allowed before the line's end.
    TooManyCells,
}

/// 0x80 in each byte of `word` equal to the byte `pattern` repeats, 0 in
/// every other (exact: no borrow runs from one byte into the next).
fn bytes_equal(word: u64, pattern: u64) -> u64 {
    const LOW_SEVEN: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let differ = word ^ pattern;
    !((differ & LOW_SEVEN).wrapping_add(LOW_SEVEN) | differ | LOW_SEVEN)
}

/// Bit `i` set for each byte `i` of `bytes` that is a line feed, and for
/// each that is `delimiter`: sixteen bytes compared at once, with SSE2
/// (part of every x86-64 processor, so no check is needed at run time;
/// `safe_arch` offers its instructions without `unsafe`).
#[cfg(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
))]
fn line_feeds_and_delimiters(bytes: &[u8; 16], delimiter: u8) -> (u32, u32) {
    use safe_arch::{
        cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i, set_splat_i8_m128i,
    };
    let block = load_unaligned_m128i(bytes);
    let mask = |byte: u8| {
        let equal = cmp_eq_mask_i8_m128i(block, set_splat_i8_m128i(byte as i8));
        // One bit per lane of 16: only the low 16 bits can be set.
        move_mask_i8_m128i(equal) as u32
    };
    (mask(b'\n'), mask(delimiter))
}

#[cfg(not(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
)))]
fn line_feeds_and_delimiters(bytes: &[u8; 16], delimiter: u8) -> (u32, u32) {
    line_feeds_and_delimiters_by_words(bytes, delimiter)
}

/// Bit `i` set for each byte `i` of `bytes` that is a quote: with SSE2,
/// as `line_feeds_and_delimiters`.
#[cfg(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
))]
fn quotes_in(bytes: &[u8; 16]) -> u32 {
    use safe_arch::{
        cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i, set_splat_i8_m128i,
    };
    let equal = cmp_eq_mask_i8_m128i(load_unaligned_m128i(bytes), set_splat_i8_m128i(QUOTE as i8));
    // One bit per lane of 16: only the low 16 bits can be set.
    move_mask_i8_m128i(equal) as u32
}

#[cfg(not(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
)))]
fn quotes_in(bytes: &[u8; 16]) -> u32 {
    quotes_in_by_words(bytes)
}

/// `quotes_in` in plain integers: the delimiter mask of the quote.
#[cfg_attr(
    all(
        any(target_arch = "x86", target_arch = "x86_64"),
        target_feature = "sse2"
    ),
    allow(dead_code)
)]
fn quotes_in_by_words(bytes: &[u8; 16]) -> u32 {
    line_feeds_and_delimiters_by_words(bytes, QUOTE).1
}

/// `line_feeds_and_delimiters` eight bytes at a time, in plain integers
/// (other processors; and the check of the SSE2 version).
#[cfg_attr(
    all(
        any(target_arch = "x86", target_arch = "x86_64"),
        target_feature = "sse2"
    ),
    allow(dead_code)
)]
fn line_feeds_and_delimiters_by_words(bytes: &[u8; 16], delimiter: u8) -> (u32, u32) {
    // The top bit of each byte's lane (as `bytes_equal` sets it), one bit
    // per byte: the multiplication gathers the eight bits into the top byte.
    fn gather(lanes: u64) -> u32 {
        ((lanes >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32
    }
    let (low, high) = halves(bytes);
    let (low, high) = (u64::from_le_bytes(low), u64::from_le_bytes(high));
    let line_feeds = u64::from_ne_bytes([b'\n'; 8]);
    let delimiters = u64::from_ne_bytes([delimiter; 8]);
    let mask =
        |pattern: u64| gather(bytes_equal(low, pattern)) | gather(bytes_equal(high, pattern)) << 8;
    (mask(line_feeds), mask(delimiters))
}

fn halves(bytes: &[u8; 16]) -> ([u8; 8], [u8; 8]) {
    let (low, high) = bytes.split_at(8);
    (
        low.try_into().unwrap_or_default(),
        high.try_into().unwrap_or_default(),
    )
}

/// Where the first quote in `text` at or after `from` is, else its length.
fn find_quote(text: &str, from: usize) -> usize {
    text.as_bytes()
        .get(from..)
        .and_then(|rest| memchr::memchr(QUOTE, rest))
        .map_or(text.len(), |at| at.saturating_add(from))
}

/// Find the first line of `text` and, if it has no quote, where its cells
/// end: sixteen bytes at a time, each compared with the line feed and the
/// delimiter at once. The first `quote_free` bytes of `text` are known to
/// hold no quote (quotes are rare, and found once per block). `cells` gets
/// (start, end) of each cell of a finished line without quotes; past
/// `max_cells` cells, the line is given up.
fn split_plain_line(
    text: &[u8],
    delimiter: u8,
    quote_free: usize,
    max_cells: usize,
    cells: &mut Vec<(usize, usize)>,
) -> Line {
    // Offsets stay below the text's length, so no addition here wraps.
    let mut cell_start = 0usize;
    let mut blocks = text.chunks_exact(16);
    let mut offset = 0usize;
    // Where to look again at quotes and the count of cells: a line has at
    // most one cell more than bytes, so the count needs no look before
    // `max_cells` bytes (then, once a block).
    let mut look_at = quote_free.min(max_cells);
    for block in blocks.by_ref() {
        let Ok(block) = <&[u8; 16]>::try_from(block) else {
            break;
        };
        let (line_feeds, splits) = line_feeds_and_delimiters(block, delimiter);
        if line_feeds != 0 {
            // The line ends in this block: its delimiters before the line
            // feed end cells of this line.
            let lane = line_feeds.trailing_zeros();
            let at = offset.wrapping_add(lane as usize);
            if at > quote_free {
                return Line::Quoted;
            }
            let before = !u32::MAX.wrapping_shl(lane);
            end_cells(splits & before, offset, &mut cell_start, cells);
            cells.push((cell_start, at));
            if at >= max_cells && cells.len() > max_cells {
                return Line::TooManyCells;
            }
            return Line::Ends(at);
        }
        end_cells(splits, offset, &mut cell_start, cells);
        offset = offset.wrapping_add(16);
        // No line feed yet, and the quote is behind: the line has a quote
        // (in a file that quotes every cell, at once). Or it has more
        // cells than allowed already (so that a line of millions of
        // delimiters takes no memory for them).
        if offset > look_at {
            if offset > quote_free {
                return Line::Quoted;
            }
            if cells.len() > max_cells {
                return Line::TooManyCells;
            }
            look_at = offset;
        }
    }
    for (lane, byte) in blocks.remainder().iter().enumerate() {
        let at = offset.wrapping_add(lane);
        if *byte == b'\n' {
            if at > quote_free {
                return Line::Quoted;
            }
            cells.push((cell_start, at));
            if cells.len() > max_cells {
                return Line::TooManyCells;
            }
            return Line::Ends(at);
        }
        if *byte == delimiter {
            cells.push((cell_start, at));
            cell_start = at.wrapping_add(1);
        }
    }
    if quote_free < text.len() {
        return Line::Quoted;
    }
    // The text ends inside the line: at the end of the input, that is the
    // line's end.
    cells.push((cell_start, text.len()));
    if cells.len() > max_cells {
        return Line::TooManyCells;
    }
    Line::Unfinished
}

/// End a cell at each delimiter whose bit is set in `splits`, for the
/// block of text at `offset`.
fn end_cells(
    mut splits: u32,
    offset: usize,
    cell_start: &mut usize,
    cells: &mut Vec<(usize, usize)>,
) {
    while splits != 0 {
        let at = offset.wrapping_add(splits.trailing_zeros() as usize);
        splits &= splits.wrapping_sub(1);
        cells.push((*cell_start, at));
        *cell_start = at.wrapping_add(1);
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
mod tests {
    use super::*;

    /// A reader that hands out at most `most` bytes a read, so that blocks
    /// end anywhere: inside a line, a quoted cell or a character.
    struct Trickle {
        text: Vec<u8>,
        at: usize,
        most: usize,
    }

    impl Read for Trickle {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let rest = &self.text[self.at..];
            let count = rest.len().min(out.len()).min(self.most);
            out[..count].copy_from_slice(&rest[..count]);
            self.at += count;
            Ok(count)
        }
    }

    fn scan_all(text: &[u8], delimiter: u8) -> Vec<(u64, u64, Vec<String>)> {
        scan_in_reads(text, delimiter, usize::MAX)
    }

    #[test]
    fn a_quoted_cell_over_line_breaks_must_close_before_a_delimiter() {
        // Opened on the first line, closed two lines on with `vip"` after.
        let text = b"a,\"open\nb,c\nd,\"vip\"\n";
        assert_eq!(quote_closed_late(text, b','), Some(text.len() - 6));
        // A line break inside a well-closed cell, and text after a quote
        // on one line (as csv reads it), are no such thing.
        assert_eq!(quote_closed_late(b"a,\"two\nlines\",c\n", b','), None);
        assert_eq!(quote_closed_late(b"a,\"x\"y,c\n", b','), None);
        assert_eq!(
            quote_closed_late(b"a,\"say \"\"hi\"\"\nok\"\r\n", b','),
            None
        );
    }

    type Scanned = Vec<(u64, u64, Vec<String>)>;

    /// A quote never closed: its line, the lines lost, where its record starts.
    type Unclosed = (u64, Vec<u64>, usize);

    /// Records of `text` read in blocks of `block` bytes, from a reader
    /// that hands out `block` bytes a read at most (up to a quote never
    /// closed).
    fn scan_in_reads(text: &[u8], delimiter: u8, block: usize) -> Scanned {
        scan_to_the_end(text, delimiter, block).0
    }

    /// `scan_in_reads`, and the line and lost lines of a quote never
    /// closed, if the text ends inside one, with where the record that
    /// holds it starts.
    fn scan_to_the_end(text: &[u8], delimiter: u8, block: usize) -> (Scanned, Option<Unclosed>) {
        let (records, unclosed, _) = scan_until_stopped(text, delimiter, block);
        (records, unclosed)
    }

    /// `scan_to_the_end`, also saying whether the scan stopped at a
    /// quoted cell closed late (the records before it are returned).
    fn scan_until_stopped(
        text: &[u8],
        delimiter: u8,
        block: usize,
    ) -> (Scanned, Option<Unclosed>, bool) {
        let input = Trickle {
            text: text.to_vec(),
            at: 0,
            most: block,
        };
        let mut scanner = Scanner::new(Box::new(input), delimiter, 1);
        scanner.block = block;
        let mut record = Record::new();
        let mut records = Vec::new();
        loop {
            let before = scanner.position() as usize;
            match scanner.next(&mut record) {
                Ok(true) => records.push((
                    record.line(),
                    record.byte(),
                    record.iter().map(str::to_string).collect(),
                )),
                Ok(false) => return (records, None, false),
                Err(ScanError::UnclosedQuote { line, lost }) => {
                    // The scan is over: nothing comes after.
                    assert!(!scanner.next(&mut record).unwrap());
                    return (records, Some((line, lost, before)), false);
                }
                Err(ScanError::QuoteClosedLate { line, closed_on }) => {
                    assert!(closed_on > line);
                    return (records, None, true);
                }
                Err(err) => panic!("{err:?}"),
            }
        }
    }

    /// Records with a cell that is not empty: the tool skips the others
    /// (a `\r\n` blank line is a record of one `\r` to csv, and none here).
    fn with_text(records: Vec<Vec<String>>) -> Vec<Vec<String>> {
        records
            .into_iter()
            .filter(|cells| cells.iter().any(|cell| !cell.is_empty()))
            .collect()
    }

    /// What the `csv` crate reads, as lines are counted here: the cells
    /// without a `\r` line end.
    fn csv_cells(text: &[u8], delimiter: u8) -> Vec<Vec<String>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(text);
        let mut records = Vec::new();
        for record in reader.byte_records() {
            let record = record.unwrap();
            let mut cells: Vec<String> = record
                .iter()
                .map(|cell| String::from_utf8(cell.to_vec()).unwrap())
                .collect();
            if let Some(last) = cells.last_mut()
                && last.ends_with('\r')
            {
                last.pop();
            }
            records.push(cells);
        }
        records
    }

    #[test]
    fn cells_lines_and_offsets() {
        let text = b"id,name,amount\n\nA-1,\"Acme, Inc.\",10\r\n\r\nA-2,\"two\nlines\",\"say \"\"hi\"\"\"\nA-3,12\" screen,7";
        let records = scan_all(text, b',');
        let expected: Vec<(u64, u64, Vec<String>)> = vec![
            (1, 0, vec!["id".into(), "name".into(), "amount".into()]),
            (3, 16, vec!["A-1".into(), "Acme, Inc.".into(), "10".into()]),
            (
                5,
                39,
                vec!["A-2".into(), "two\nlines".into(), "say \"hi\"".into()],
            ),
            (7, 68, vec!["A-3".into(), "12\" screen".into(), "7".into()]),
        ];
        assert_eq!(records, expected);
    }

    #[test]
    fn the_same_cells_as_the_csv_crate() {
        let samples: [&[u8]; 12] = [
            b"a,b,c\n1,2,3\n",
            b"a;b\n\"x;y\";z\r\n",
            b"\"abc\"def,g\n",
            b"a,\"\"\"\",b\n",
            b"a,\"unclosed\nnext,line\n",
            b",,,\n,\n",
            b"x\n\n\n\ny\n",
            b"\"q\"\r\n\"r\"\r\n",
            b"one\ttwo\t\"th\tree\"\n",
            b"a,b\"c,d\n",
            b"\"a\"\"b\",\"\"\n",
            b"last,line,no,end",
        ];
        for sample in samples {
            let delimiter = if sample.contains(&b'\t') {
                b'\t'
            } else if sample.contains(&b';') {
                b';'
            } else {
                b','
            };
            let (ours, unclosed) = scan_to_the_end(sample, delimiter, usize::MAX);
            let ours: Vec<Vec<String>> = ours.into_iter().map(|(_, _, cells)| cells).collect();
            let mut theirs = csv_cells(sample, delimiter);
            // csv ends a quote never closed at the end of the text, and
            // hands out what it swallowed as a record: here, an error.
            if unclosed.is_some() {
                theirs.pop();
            }
            assert_eq!(
                with_text(ours),
                with_text(theirs),
                "{:?}",
                String::from_utf8_lossy(sample)
            );
        }
    }

    proptest::proptest! {
        /// Any text of delimiters, quotes, line ends and cell bytes reads
        /// into the same cells as with the csv crate, and each record's
        /// line is one more than the line feeds before its first byte.
        #[test]
        fn any_text_reads_as_the_csv_crate_reads_it(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec!["a", "bc", ",", ";", "\"", "\n", "\r", "\r\n", " ", "é", "12345678"]),
                0..80,
            ),
            delimiter in proptest::sample::select(vec![b',', b';']),
            most in proptest::sample::select(vec![1usize, 2, 3, 7, 64, usize::MAX]),
        ) {
            let text = pieces.concat();
            let (ours, unclosed, closed_late) = scan_until_stopped(text.as_bytes(), delimiter, most);
            let cells: Vec<Vec<String>> = ours.iter().map(|(_, _, cells)| cells.clone()).collect();
            let mut theirs = csv_cells(text.as_bytes(), delimiter);
            // A quoted cell over line breaks closed with text after its
            // quote stops the scan: what came before reads as csv reads it.
            if closed_late {
                let ours = with_text(cells);
                let theirs = with_text(theirs);
                proptest::prop_assert!(ours.len() <= theirs.len());
                proptest::prop_assert_eq!(&ours[..], &theirs[..ours.len()]);
                return Ok(());
            }
            // A quote never closed: csv's last record is what it swallowed,
            // and closing the quote (a quote and a line feed at the end)
            // makes it a record that csv ends there too.
            if let Some((line, lost, start)) = &unclosed {
                let swallowed = theirs.pop();
                proptest::prop_assert!(lost.contains(line));
                let mut closed = text.as_bytes()[*start..].to_vec();
                closed.extend_from_slice(b"\"\n");
                let (again, still_open, late) = scan_until_stopped(&closed, delimiter, most);
                proptest::prop_assert!(still_open.is_none());
                // Closed, the record may still be one whose quoted cell
                // over a line break has text after its quote (`"\n"a;`):
                // an error of its own, with no record to compare.
                if !late {
                    proptest::prop_assert_eq!(again.len(), 1);
                    // The same cells, but for the closing quote's.
                    proptest::prop_assert_eq!(again[0].2.len(), swallowed.map_or(0, |cells| cells.len()));
                }
            }
            proptest::prop_assert_eq!(with_text(cells), with_text(theirs));
            for (line, byte, _) in &ours {
                let before = &text.as_bytes()[..*byte as usize];
                let line_feeds = before.iter().filter(|b| **b == b'\n').count() as u64;
                proptest::prop_assert_eq!(*line, line_feeds + 1);
            }
        }
    }

    /// The cells `split_quoted_line` makes of `line`, as texts; `None`
    /// when it leaves the line to csv_core.
    /// The same whether the line ends the text or more follows (its line
    /// feed in the last sixteen bytes or not).
    fn split_quoted(line: &str, max_cells: usize) -> Option<Vec<&str>> {
        let split = |text: String| {
            let mut cells = Vec::new();
            let length =
                split_quoted_line(text.as_bytes(), b',', usize::MAX, max_cells, &mut cells)?;
            assert_eq!(length, line.len());
            Some(cells)
        };
        let cells = split(format!("{line}\n"));
        assert_eq!(
            cells,
            split(format!("{line}\n\"next\",line,of,sixteen,bytes\n"))
        );
        // Without its line feed, the line may go on: never split.
        assert_eq!(
            split_quoted_line(
                line.as_bytes(),
                b',',
                usize::MAX,
                max_cells,
                &mut Vec::new()
            ),
            None
        );
        Some(
            cells?
                .iter()
                .map(|(start, end)| &line[*start..*end])
                .collect(),
        )
    }

    #[test]
    fn plain_quoted_lines_split_into_the_text_inside_their_quotes() {
        let split = |line| split_quoted(line, 100);
        assert_eq!(
            split("T-1,\"billing,api,export\",high"),
            Some(vec!["T-1", "billing,api,export", "high"])
        );
        assert_eq!(split("\"a\",,\"\""), Some(vec!["a", "", ""]));
        assert_eq!(split("\"a\","), Some(vec!["a", ""]));
        assert_eq!(
            split("x,\"\u{e9}t\u{e9}\""),
            Some(vec!["x", "\u{e9}t\u{e9}"])
        );
        // A line end's `\r`, after the quote or inside it, is dropped once:
        // csv_core reads `"x"\r` as `x\r`, `"x\r"` as `x\r`, and
        // `"x\r"\r` as `x\r\r`, and the scanner drops one `\r`.
        assert_eq!(split("a,\"x\"\r"), Some(vec!["a", "x"]));
        assert_eq!(split("a,\"x\r\""), Some(vec!["a", "x"]));
        assert_eq!(split("a,\"x\r\"\r"), Some(vec!["a", "x\r"]));
        assert_eq!(split("\"x\",b\r"), Some(vec!["x", "b"]));
        // Three cells: within a limit of three, past one of two.
        assert_eq!(split_quoted("\"a\",b,c", 3), Some(vec!["a", "b", "c"]));
        assert_eq!(split_quoted("\"a\",b,c", 2), None);
        // Eight bytes: within a limit of eight, past one of seven.
        let line = b"\"a\",bcde\n";
        let length = |most| split_quoted_line(line, b',', most, 100, &mut Vec::new());
        assert_eq!((length(8), length(7)), (Some(8), None));
        // Quoted cells across blocks of sixteen bytes.
        let long = "\"0123456789abcdef,0123456789\",x,\"0123456789abcdef\"";
        assert_eq!(
            split(long),
            Some(vec!["0123456789abcdef,0123456789", "x", "0123456789abcdef"])
        );
        // Left to csv_core: a doubled quote, text after a closing quote, a
        // quote inside an unquoted cell, a quote still open at the line's
        // end, a `\r` after a closing quote but before the line's end,
        // and blank lines.
        for line in [
            "\"say \"\"hi\"\"\",b",
            "\"\"\"\"",
            "\"abc\"def,g",
            "a,b\"c,\"d\"",
            "a,\"open",
            "\"",
            "\"x\"\r,b",
            "\"x\"\r\r",
            "",
            "\r",
        ] {
            assert_eq!(split(line), None, "{line:?}");
        }
    }

    proptest::proptest! {
        /// Whenever `split_quoted_line` reads a line, its cells are those
        /// csv reads (as the scanner hands them out, without the line
        /// end's `\r`).
        #[test]
        fn plain_quoted_lines_read_as_the_csv_crate_reads_them(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec!["a", "bc", ",", "\"", "\"\"", "\r", " ", "\u{e9}", ",\"", "\",", "\"x,y\""]),
                1..24,
            ),
        ) {
            let line = pieces.concat();
            if let Some(ours) = split_quoted(&line, usize::MAX) {
                let theirs = csv_cells(format!("{line}\n").as_bytes(), b',');
                proptest::prop_assert_eq!(theirs.len(), 1);
                proptest::prop_assert_eq!(&ours, &theirs[0]);
            }
        }
    }

    proptest::proptest! {
        /// The masks of line feeds and delimiters are those bytes, on
        /// every processor: the SSE2 version (on x86-64) and the plain one.
        #[test]
        fn masks_mark_exactly_line_feeds_and_delimiters(
            bytes in proptest::array::uniform16(proptest::sample::select(vec![b'\n', b',', b';', b'\t', b'a', b'"', 0, 0x80, 0xFF, 0x8A, 0x2C | 0x80])),
            delimiter in proptest::sample::select(vec![b',', b';', b'\t', 0xFF]),
        ) {
            let mask = |wanted: u8| {
                bytes.iter().enumerate().filter(|(_, b)| **b == wanted).map(|(i, _)| 1u32 << i).sum::<u32>()
            };
            let expected = (mask(b'\n'), mask(delimiter));
            proptest::prop_assert_eq!(line_feeds_and_delimiters(&bytes, delimiter), expected);
            proptest::prop_assert_eq!(line_feeds_and_delimiters_by_words(&bytes, delimiter), expected);
            proptest::prop_assert_eq!(quotes_in(&bytes), mask(b'"'));
            proptest::prop_assert_eq!(quotes_in_by_words(&bytes), mask(b'"'));
        }
    }

    #[test]
    fn records_longer_than_the_buffer() {
        let long = "x".repeat(BLOCK * 3);
        let text = format!("a,{long}\n\"{long}\n{long}\",b\nc,d\n");
        let records = scan_all(text.as_bytes(), b',');
        assert_eq!(records.len(), 3);
        assert_eq!(records[0].2[1].len(), long.len());
        assert_eq!(records[1].2[0], format!("{long}\n{long}"));
        assert_eq!(
            (records[2].0, records[2].2.clone()),
            (4, vec!["c".into(), "d".into()])
        );
    }

    #[test]
    fn bad_utf8_names_its_line() {
        // A bad byte inside a line, at a line's start, inside a quoted
        // cell, and a character cut off by the end of the text; read whole
        // and a byte at a time.
        for (text, good_records, line) in [
            (&b"a\nb\nc\xFFd\ne\n"[..], 2, 3),
            (b"a\nb\n\xFF\n", 2, 3),
            (b"a,\"q\"\n\xC3", 1, 2),
            (b"a\n\"b\xFF\"\n", 1, 2),
        ] {
            for most in [1, usize::MAX] {
                let input = Trickle {
                    text: text.to_vec(),
                    at: 0,
                    most,
                };
                let mut scanner = Scanner::new(Box::new(input), b',', 1);
                scanner.block = most;
                let mut record = Record::new();
                for _ in 0..good_records {
                    assert!(scanner.next(&mut record).unwrap(), "{text:?}");
                }
                let result = scanner.next(&mut record);
                assert!(
                    matches!(result, Err(ScanError::Utf8 { line: l }) if l == line),
                    "{text:?} read {most} at a time: {result:?}"
                );
            }
        }
    }

    #[test]
    fn a_quote_never_closed_is_an_error_at_its_line_with_the_lines_it_took() {
        // Line 2 opens a quote in its last cell; lines 3 to 5 are rows it
        // swallows (line 4 blank, so no row). Read whole and a byte at a time.
        let text =
            b"client,amount,note\nAcme,100.00,\"Web work\nBeta,200.00,Design\n\nGamma,300.00,x\n";
        for most in [1, 5, usize::MAX] {
            let (records, unclosed) = scan_to_the_end(text, b',', most);
            assert_eq!(records.len(), 1, "read {most} at a time");
            assert_eq!(
                unclosed.map(|(line, lost, _)| (line, lost)),
                Some((2, vec![2, 3, 5]))
            );
        }
        // A cut-off export: the last row ends inside a quoted cell with a
        // line break; the quote opened on line 3, in a row of line 2.
        let (records, unclosed) =
            scan_to_the_end(b"a,b\nx,\"ok\nstill\",\"cut\noff", b',', usize::MAX);
        assert_eq!(records.len(), 1);
        assert_eq!(
            unclosed.map(|(line, lost, _)| (line, lost)),
            Some((3, vec![2, 3, 4]))
        );
        // Quotes that close, doubled quotes and a quote inside a cell are fine.
        for closed in [&b"a,\"x\"\"y\"\n"[..], b"a,b\"c\n", b"\"a\"", b"a,\"\"\"\""] {
            assert_eq!(unclosed_quote(closed, b','), None, "{closed:?}");
        }
        assert_eq!(unclosed_quote(b"a,\"\"\"", b','), Some(2));
        assert_eq!(unclosed_quote(b"a;\"b,c", b';'), Some(2));
    }

    /// Records of `text` under `limits`, up to the first error.
    fn scan_limited(text: &[u8], limits: Limits, block: usize) -> (usize, Option<ScanError>) {
        let input = Trickle {
            text: text.to_vec(),
            at: 0,
            most: block,
        };
        let mut scanner = Scanner::new(Box::new(input), b',', 1).with_limits(limits);
        scanner.block = block;
        let mut record = Record::new();
        let mut count = 0;
        loop {
            match scanner.next(&mut record) {
                Ok(true) => count += 1,
                Ok(false) => return (count, None),
                Err(err) => return (count, Some(err)),
            }
        }
    }

    #[test]
    fn rows_cells_and_columns_over_their_limits_are_errors_at_their_line() {
        let limits = Limits {
            row_bytes: 40,
            cell_bytes: 10,
            columns: 5,
        };
        let what = |text: &[u8], block| match scan_limited(text, limits, block) {
            (
                rows,
                Some(ScanError::TooLong {
                    line,
                    what,
                    limit,
                    quote_line,
                }),
            ) => Some((rows, line, what, limit, quote_line)),
            (_, other) => panic!("{other:?}"),
        };
        for block in [3, 16, 1024] {
            // Exactly at each limit: read. Five cells of ten bytes with
            // four commas is 54 bytes, past 40; so 40 bytes in five cells.
            let at_limits = b"aaaaaaaaaa,bbbbbbbbbb,cccccccccc,dddddd,e\n";
            assert_eq!(at_limits.len(), 42);
            let fits = b"aaaaaaaaaa,bbbbbbbbbb,cccccccccc,ddddd,e\n";
            assert_eq!(scan_limited(fits, limits, block).0, 1);
            assert_eq!(what(at_limits, block), Some((0, 1, Limited::Row, 40, None)));
            // An eleven-byte cell, the second of line 3.
            assert_eq!(
                what(b"a\nb\nc,ccccccccccc\n", block),
                Some((2, 3, Limited::Cell(1), 10, None))
            );
            // Six cells; and a line of commas, plain or quoted.
            assert_eq!(
                what(b"a,b,c,d,e,f\n", block),
                Some((0, 1, Limited::Columns, 5, None))
            );
            assert_eq!(
                what(b",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,", block),
                Some((0, 1, Limited::Columns, 5, None))
            );
            assert_eq!(
                what(b"\"a\",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n", block),
                Some((0, 1, Limited::Columns, 5, None))
            );
            // A quote opened on line 2 and never closed in a long text.
            let mut open = b"a\nb,\"c\n".to_vec();
            open.extend(std::iter::repeat_n(b'x', 5000));
            assert_eq!(what(&open, block), Some((1, 2, Limited::Row, 40, Some(2))));
            // A quoted cell too long, closed.
            assert_eq!(
                what(b"\"aaaaaaaaaaaa\",b\n", block),
                Some((0, 1, Limited::Cell(0), 10, None))
            );
        }
    }

    #[test]
    fn bad_bytes_end_only_their_row_when_asked() {
        // Line 3 holds a Latin-1 "é" (0xE9), line 5 a quoted cell with 0xFF
        // and a line break; the rows around them read.
        let text =
            b"id,name\n1,Caf\xC3\xA9\n2,Caf\xE9\n3,ok\n4,\"a\xFF\nb\"\n5,M\xC3\xBCller\n6,\xC3";
        for most in [1, 2, 7, usize::MAX] {
            let input = Trickle {
                text: text.to_vec(),
                at: 0,
                most,
            };
            let mut scanner = Scanner::new(Box::new(input), b',', 1).bad_bytes_end_rows();
            scanner.block = most;
            let mut record = Record::new();
            let mut seen = Vec::new();
            loop {
                match scanner.next(&mut record) {
                    Ok(true) => seen.push(format!(
                        "{}:{}",
                        record.line(),
                        record.iter().collect::<Vec<_>>().join("|")
                    )),
                    Ok(false) => break,
                    Err(ScanError::Utf8Row { line, byte }) => {
                        seen.push(format!("{line}:bad {byte:02X}"))
                    }
                    Err(err) => panic!("{err:?}"),
                }
            }
            assert_eq!(
                seen,
                [
                    "1:id|name",
                    "2:1|Café",
                    "3:bad E9",
                    "4:3|ok",
                    "5:bad FF",
                    "7:5|Müller",
                    // A character cut off by the end of the text.
                    "8:bad C3",
                ],
                "read {most} at a time"
            );
        }
    }

    proptest::proptest! {
        /// Any bytes, under small limits, with bad bytes ending the whole
        /// scan or only their row (what the `scan` fuzz target checks):
        /// lines go forward, no record passes a limit, and after a quote
        /// never closed nothing comes.
        #[test]
        fn any_bytes_scan_to_an_end_within_the_limits(
            text in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b',', b'"', b'\n', b'\r', 0xC3, 0xA9, 0xFF, b' ']),
                0..400,
            ),
            lenient in proptest::bool::ANY,
            most in 1usize..17,
        ) {
            let limits = Limits { row_bytes: 64, cell_bytes: 16, columns: 6 };
            let length = text.len() as u64;
            let input = Trickle { text, at: 0, most };
            let mut scanner = Scanner::new(Box::new(input), b',', 1).with_limits(limits);
            scanner.block = most;
            if lenient {
                scanner = scanner.bad_bytes_end_rows();
            }
            let mut record = Record::new();
            let mut last_line = 0u64;
            let mut ended = false;
            for _ in 0..=length + 1 {
                let before = scanner.position();
                match scanner.next(&mut record) {
                    Ok(true) => {
                        proptest::prop_assert!(record.line() > last_line);
                        last_line = record.line();
                        proptest::prop_assert!(record.len() <= limits.columns);
                        proptest::prop_assert!(record.iter().all(|cell| cell.len() <= limits.cell_bytes));
                        proptest::prop_assert!(scanner.position() > before && scanner.position() <= length);
                    }
                    Err(ScanError::Utf8Row { line, .. }) => {
                        proptest::prop_assert!(lenient && line > last_line);
                        last_line = line;
                    }
                    Err(ScanError::UnclosedQuote { line, lost }) => {
                        proptest::prop_assert!(lost.contains(&line));
                        proptest::prop_assert!(matches!(scanner.next(&mut record), Ok(false)));
                        ended = true;
                        break;
                    }
                    Err(ScanError::Utf8 { .. }) => {
                        proptest::prop_assert!(!lenient);
                        ended = true;
                        break;
                    }
                    Err(ScanError::QuoteClosedLate { line, closed_on }) => {
                        proptest::prop_assert!(closed_on > line && line > last_line);
                        ended = true;
                        break;
                    }
                    Ok(false) | Err(ScanError::TooLong { .. } | ScanError::Io(_)) => {
                        ended = true;
                        break;
                    }
                }
            }
            proptest::prop_assert!(ended, "the scan did not end");
        }
    }

    #[test]
    fn carriage_returns_become_line_feeds() {
        let mut text = Vec::new();
        CrToLf::new(io::Cursor::new(b"a\rb\r\nc\r\r\nd\n".to_vec()))
            .read_to_end(&mut text)
            .unwrap();
        assert_eq!(text, b"a\nb\nc\n\nd\n");
        // A `\r\n` split between two reads is still one line end.
        struct OneByte(Vec<u8>, usize);
        impl Read for OneByte {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                match self.0.get(self.1) {
                    Some(byte) if !out.is_empty() => {
                        out[0] = *byte;
                        self.1 += 1;
                        Ok(1)
                    }
                    _ => Ok(0),
                }
            }
        }
        let mut text = Vec::new();
        CrToLf::new(OneByte(b"a\r\nb\rc".to_vec(), 0))
            .read_to_end(&mut text)
            .unwrap();
        assert_eq!(text, b"a\nb\nc");
    }
}
