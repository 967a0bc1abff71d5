//! One line at a time, sixteen bytes at a time: where the line feeds,
//! delimiters and quotes of a line are, a line whose quoted cells are
//! plain split without csv_core, and how a badly closed quote is found.
//! SSE2 on x86-64, plain 64-bit words elsewhere.

use super::*;

/// Where a quoted cell that holds a line break is closed by a quote with
/// text right after it (`…,"vip"` closing a quote opened rows before):
/// the offset of that closing quote. A well-formed export closes a quoted
/// cell just before a delimiter or a line end; after a line break inside
/// the cell, anything else means the cell took in rows it should not have.
pub(super) fn quote_closed_late(record: &[u8], delimiter: u8) -> Option<usize> {
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
pub(super) fn unclosed_quote(record: &[u8], delimiter: u8) -> Option<usize> {
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
pub(super) fn split_quoted_line(
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
pub(super) fn without_carriage_return(text: &[u8], (start, end): (usize, usize)) -> (usize, usize) {
    if end > start && text.get(end.wrapping_sub(1)) == Some(&b'\r') {
        (start, end.wrapping_sub(1))
    } else {
        (start, end)
    }
}

/// What the start of the unread text holds.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Line {
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
pub(super) fn bytes_equal(word: u64, pattern: u64) -> u64 {
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
pub(super) fn line_feeds_and_delimiters(bytes: &[u8; 16], delimiter: u8) -> (u32, u32) {
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
pub(super) fn line_feeds_and_delimiters(bytes: &[u8; 16], delimiter: u8) -> (u32, u32) {
    line_feeds_and_delimiters_by_words(bytes, delimiter)
}

/// Bit `i` set for each byte `i` of `bytes` that is a quote: with SSE2,
/// as `line_feeds_and_delimiters`.
#[cfg(all(
    any(target_arch = "x86", target_arch = "x86_64"),
    target_feature = "sse2"
))]
pub(super) fn quotes_in(bytes: &[u8; 16]) -> u32 {
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
pub(super) fn quotes_in(bytes: &[u8; 16]) -> u32 {
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
pub(super) fn quotes_in_by_words(bytes: &[u8; 16]) -> u32 {
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
pub(super) fn line_feeds_and_delimiters_by_words(bytes: &[u8; 16], delimiter: u8) -> (u32, u32) {
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

pub(super) fn halves(bytes: &[u8; 16]) -> ([u8; 8], [u8; 8]) {
    let (low, high) = bytes.split_at(8);
    (
        low.try_into().unwrap_or_default(),
        high.try_into().unwrap_or_default(),
    )
}

/// Where the first quote in `text` at or after `from` is, else its length.
pub(super) fn find_quote(text: &str, from: usize) -> usize {
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
pub(super) fn split_plain_line(
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
pub(super) fn end_cells(
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
