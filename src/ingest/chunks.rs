//! Where to cut a large file into chunks that threads can read apart.
//!
//! A cut must fall where a record starts, never inside a quoted cell that
//! holds a line break. In a well-formed CSV file every quote character
//! either opens or closes a quoted cell or is one of a doubled pair inside
//! one, so whether a byte lies inside quotes is the parity of the quotes
//! before it. The file is counted in ranges between nominal places: line
//! breaks (for the line number each chunk starts on) and quotes (for the
//! parity). Each cut is then the first line start, outside quotes, at or
//! after its nominal place. Ranges are counted when a chunk first needs
//! them, each once, by whichever reading thread gets there first: the
//! first chunks start reading while the later ranges are still to count.
//!
//! A file whose quotes do not pair up (a stray `"` inside an unquoted
//! cell) may get a cut inside a record. The reader of the chunk before a
//! cut checks that its last record ends exactly there (`CsvFile`'s part
//! reading); if not, the whole run is read again on one thread.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// A place to cut: a record starts at byte `at` (of the file), on `line`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cut {
    pub(crate) at: u64,
    pub(crate) line: u64,
}

/// Bytes read at a time while counting.
const BLOCK: usize = 1024 * 1024;

/// Line breaks and quote characters in `range` of a file.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    lines: u64,
    quotes: u64,
}

fn count(path: &Path, start: u64, end: u64) -> std::io::Result<Counts> {
    let mut file = std::fs::File::open(path)?;
    file.seek(SeekFrom::Start(start))?;
    let mut left = end.saturating_sub(start);
    let mut buffer = vec![0u8; BLOCK];
    let mut counts = Counts::default();
    while left > 0 {
        let want = usize::try_from(left).unwrap_or(BLOCK).min(BLOCK);
        let Some(slot) = buffer.get_mut(..want) else {
            break;
        };
        let read = file.read(slot)?;
        let Some(bytes) = slot.get(..read) else {
            break;
        };
        if bytes.is_empty() {
            break;
        }
        counts.lines = counts
            .lines
            .saturating_add(memchr::memchr_iter(b'\n', bytes).count() as u64);
        counts.quotes = counts
            .quotes
            .saturating_add(memchr::memchr_iter(b'"', bytes).count() as u64);
        left = left.saturating_sub(read as u64);
    }
    Ok(counts)
}

/// The first record start at or after `from`, which is inside quotes or
/// not as `quoted` says and on line `line`: a byte after a line break
/// outside quotes that is neither a line break nor a carriage return (a
/// blank line starts no record). `None` when the file ends first.
fn next_record_start(
    path: &Path,
    from: u64,
    mut quoted: bool,
    mut line: u64,
) -> std::io::Result<Option<Cut>> {
    let mut file = std::fs::File::open(path)?;
    file.seek(SeekFrom::Start(from))?;
    let mut reader = std::io::BufReader::with_capacity(64 * 1024, file);
    let mut position = from;
    let mut after_break = false;
    let mut byte = [0u8; 1];
    loop {
        if reader.read(&mut byte)? == 0 {
            return Ok(None);
        }
        let [current] = byte;
        if after_break && current != b'\n' && current != b'\r' {
            return Ok(Some(Cut { at: position, line }));
        }
        after_break = false;
        match current {
            b'"' => quoted = !quoted,
            b'\n' => {
                line = line.saturating_add(1);
                after_break = !quoted;
            }
            _ => {}
        }
        position = position.saturating_add(1);
    }
}

/// How a file is cut into chunks of about `chunk_bytes` after
/// `data_start` (the first byte after the header row): nominal places,
/// with the ranges between them counted and the cuts found on demand.
#[derive(Debug)]
pub(crate) struct Cutting {
    path: std::path::PathBuf,
    /// The text's start (after a byte-order mark), then the nominal places.
    places: Vec<u64>,
    /// Per range between two places (or the last place and the end).
    counts: Vec<std::sync::OnceLock<Option<Counts>>>,
    /// Per nominal place after the first: its cut, `None` when no record
    /// starts after it (or the file could not be read).
    cuts: Vec<std::sync::OnceLock<Option<Cut>>>,
    /// The counts before each place so far, added up once.
    before: std::sync::Mutex<Vec<Counts>>,
}

/// Where a chunk starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Start {
    /// After the header row: the first chunk.
    Header,
    At(Cut),
}

impl Cutting {
    /// The cutting of a file whose text starts at `text_start` and ends
    /// at `size`; `None` when one chunk holds it all.
    pub(crate) fn new(
        path: &Path,
        text_start: u64,
        data_start: u64,
        size: u64,
        chunk_bytes: u64,
    ) -> Option<Cutting> {
        let chunk_bytes = chunk_bytes.max(1);
        if size.saturating_sub(data_start) <= chunk_bytes {
            return None;
        }
        let mut places = vec![text_start];
        let mut place = data_start.saturating_add(chunk_bytes);
        while place < size {
            places.push(place);
            place = place.saturating_add(chunk_bytes);
        }
        let ranges = places.len().saturating_sub(1);
        Some(Cutting {
            path: path.to_path_buf(),
            places,
            counts: (0..ranges).map(|_| std::sync::OnceLock::new()).collect(),
            cuts: (0..ranges).map(|_| std::sync::OnceLock::new()).collect(),
            before: std::sync::Mutex::new(vec![Counts::default()]),
        })
    }

    /// How many chunks: one more than the nominal places.
    pub(crate) fn chunks(&self) -> usize {
        self.places.len()
    }

    /// The line breaks and quotes of range `index`, counted once.
    fn counts(&self, index: usize) -> Option<Counts> {
        let cell = self.counts.get(index)?;
        *cell.get_or_init(|| {
            let start = *self.places.get(index)?;
            let end = *self.places.get(index.saturating_add(1))?;
            count(&self.path, start, end).ok()
        })
    }

    /// The line breaks and quotes before nominal place `index`: the ranges
    /// before it counted (outside the lock) and added up in order.
    fn before(&self, index: usize) -> Option<Counts> {
        let known = self.before.lock().ok()?.len();
        let more: Vec<Counts> = (known.saturating_sub(1)..index)
            .map(|range| self.counts(range))
            .collect::<Option<_>>()?;
        let mut before = self.before.lock().ok()?;
        for (range, counts) in (known.saturating_sub(1)..index).zip(more) {
            // Another thread may have added some meanwhile.
            if range.saturating_add(1) < before.len() {
                continue;
            }
            let last = before.last().copied().unwrap_or_default();
            before.push(Counts {
                lines: last.lines.saturating_add(counts.lines),
                quotes: last.quotes.saturating_add(counts.quotes),
            });
        }
        before.get(index).copied()
    }

    /// The cut at nominal place `index` (1 for the first after the text's
    /// start); `None` when no record starts after it.
    fn cut(&self, index: usize) -> Option<Cut> {
        let cell = self.cuts.get(index.checked_sub(1)?)?;
        *cell.get_or_init(|| {
            let before = self.before(index)?;
            let place = *self.places.get(index)?;
            let quoted = before.quotes % 2 == 1;
            next_record_start(&self.path, place, quoted, before.lines.saturating_add(1))
                .ok()
                .flatten()
        })
    }

    /// The bytes chunk `index` reads: from its start up to the cut after
    /// it (`None`: to the end). `None` for a chunk with nothing to read
    /// (a record longer than a chunk runs past its places).
    pub(crate) fn part(&self, index: usize) -> Option<(Start, Option<u64>)> {
        let start = match index {
            0 => Start::Header,
            _ => Start::At(self.cut(index)?),
        };
        let end = self.cut(index.saturating_add(1)).map(|cut| cut.at);
        match (start, end) {
            (Start::At(from), Some(to)) if to <= from.at => None,
            _ => Some((start, end)),
        }
    }
}

/// Cuts that leave chunks of about `chunk_bytes` after `data_start` (the
/// first byte after the header row) in the file at `path`, whose text
/// starts at `text_start` (after a byte-order mark) and ends at `size`.
/// Increasing; none at all for a file that needs no cut. (Reading finds
/// them one by one, as chunks need them: this is for tests.)
#[cfg(test)]
pub(crate) fn find(
    path: &Path,
    text_start: u64,
    data_start: u64,
    size: u64,
    chunk_bytes: u64,
) -> Vec<Cut> {
    let Some(cutting) = Cutting::new(path, text_start, data_start, size, chunk_bytes) else {
        return Vec::new();
    };
    let mut cuts: Vec<Cut> = Vec::new();
    for index in 1..cutting.chunks() {
        if let Some(cut) = cutting.cut(index)
            && cuts.last().is_none_or(|last| cut.at > last.at)
        {
            cuts.push(cut);
        }
    }
    cuts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cuts_of(text: &[u8], text_start: u64, data_start: u64, chunk: u64) -> Vec<Cut> {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), text).unwrap();
        find(
            file.path(),
            text_start,
            data_start,
            text.len() as u64,
            chunk,
        )
    }

    #[test]
    fn cuts_fall_on_record_starts_outside_quotes() {
        // Header "a,b\n" (bytes 0-3, line 1), then rows of 6 bytes,
        // "1,xx\r\n" on line 2 from byte 4, "2,xx" on line 3 from 10, "3,xx"
        // on line 4 from 16, "4,xx" on line 5 from 22.
        let text = b"a,b\n1,xx\r\n2,xx\r\n3,xx\r\n4,xx\r\n";
        // Chunks of 8 bytes after byte 4: nominal places 12 and 20; the
        // next record starts are 16 and 22.
        assert_eq!(
            cuts_of(text, 0, 4, 8),
            [Cut { at: 16, line: 4 }, Cut { at: 22, line: 5 }]
        );
        // Small enough for one chunk: no cut.
        assert!(cuts_of(text, 0, 4, 100).is_empty());
    }

    #[test]
    fn a_line_break_inside_quotes_is_no_place_to_cut() {
        // "id,note\n" is 8 bytes (line 1); the first row's quoted note
        // spans lines 2 to 4 and ends at byte 25; row "2,x" starts at 26
        // on line 5.
        let text = b"id,note\n1,\"one\ntwo\nthree\"\n2,x\n3,y\n";
        assert_eq!(text[26], b'2');
        // A nominal place at 8 + 5 = 13, inside the quotes: the cut
        // waits for the line break after the closing quote.
        assert_eq!(cuts_of(text, 0, 8, 5)[0], Cut { at: 26, line: 5 });
        // Doubled quotes inside a cell keep the parity.
        let text = b"id,note\n1,\"a \"\"b\"\"\nc\"\n2,x\n3,y\n";
        let at = text.iter().position(|b| *b == b'2').unwrap() as u64;
        assert_eq!(cuts_of(text, 0, 8, 5)[0], Cut { at, line: 4 });
    }

    #[test]
    fn blank_lines_start_no_record_and_lines_still_count() {
        // A byte-order mark (bytes 0-2), "h\n" (header, line 1), "a\n"
        // (line 2), two blank lines (3 and 4, bytes 7 and 8), "b\n" on
        // line 5 at byte 9. The nominal place 5 + 2 = 7 is a blank line.
        let text = b"\xEF\xBB\xBFh\na\n\n\nb\nc\n";
        assert_eq!(cuts_of(text, 3, 5, 2)[0], Cut { at: 9, line: 5 });
    }
}
