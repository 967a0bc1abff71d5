//! How much of reading a row is splitting it: the project's record scanner
//! against a block-at-a-time splitter that hands out cells as slices of
//! the block read, without copying each line into a record. The second is
//! a measurement for the reading redesign that issue 6 leaves (see
//! README, "Speed and memory"), not part of clientfit: it reads only
//! quote-free files whose lines end in `\n` alone, and stops at anything
//! else.
//!
//!     cargo run --release --example scan_split -- record bench/data/large/tickets.csv
//!     cargo run --release --example scan_split -- block bench/data/large/tickets.csv
//!     cargo run --release --example scan_split -- regular bench/data/large/tickets.csv
//!
//! (`block` handles each cell end as it comes; `regular` reads a block
//! whose rows all have the header's width at fixed places.) All print the rows read and the total length of every cell after the
//! first (the same figure from all, or the splitter is wrong), and the
//! time taken.

use std::io::Read;
use std::process::ExitCode;

use clientfit::ingest::scan::{Record, Scanner, line_feeds_and_delimiters};

const USAGE: &str = "usage: scan_split record|block|regular FILE";

/// Rows read, and the length of every cell but the first, added up.
type Tally = (u64, u64);

fn with_record_scanner(path: &str) -> Result<Tally, String> {
    let file = std::fs::File::open(path).map_err(|err| format!("{path}: {err}"))?;
    let mut scanner = Scanner::new(Box::new(file), b',', 1);
    let mut record = Record::new();
    let (mut rows, mut length) = (0u64, 0u64);
    while scanner
        .next(&mut record)
        .map_err(|err| format!("{path}: {err:?}"))?
    {
        rows += 1;
        length += record
            .iter()
            .skip(1)
            .map(|cell| cell.len() as u64)
            .sum::<u64>();
    }
    Ok((rows, length))
}

/// Each block: checked to be UTF-8 once, then every comma and line feed
/// found sixteen bytes at a time into one list of positions; a row is
/// then a run of that list, its cells slices of the block.
fn with_block_splitter(path: &str, regular: bool) -> Result<Tally, String> {
    const BLOCK: usize = 256 * 1024;
    let mut file = std::fs::File::open(path).map_err(|err| format!("{path}: {err}"))?;
    let mut block = vec![0u8; BLOCK];
    let mut kept = 0usize;
    // Bytes of the file before the block.
    let mut passed = 0u64;
    // Cells in the first row (the header), once read.
    let mut width = 0usize;
    let mut ends: Vec<u32> = Vec::with_capacity(BLOCK / 4);
    let (mut rows, mut length) = (0u64, 0u64);
    loop {
        let read = file
            .read(&mut block[kept..])
            .map_err(|err| format!("{path}: {err}"))?;
        let filled = kept + read;
        let text = &block[..filled];
        // Only a character cut by the block's end may be incomplete (it is
        // in the part kept for the next block, after the last line feed).
        if let Err(err) = std::str::from_utf8(text)
            && (err.error_len().is_some() || read == 0)
        {
            return Err(format!(
                "{path}: not UTF-8 after byte {}",
                passed + err.valid_up_to() as u64
            ));
        }
        ends.clear();
        // Cells so far in the row being read (a block starts at a row).
        let mut rows_cells = 0usize;
        // Quotes and carriage returns: this splitter does not read them.
        if memchr::memchr2(b'"', b'\r', text).is_some() {
            return Err(format!(
                "{path}: has quotes or carriage returns, which this splitter does not read"
            ));
        }
        let mut line_feeds = 0u32;
        let mut chunks = text.chunks_exact(16);
        for (number, chunk) in chunks.by_ref().enumerate() {
            let Ok(bytes) = <&[u8; 16]>::try_from(chunk) else {
                break;
            };
            // The project's own sixteen-byte comparison (SSE2, or plain
            // integers elsewhere).
            let (feeds, commas) = line_feeds_and_delimiters(bytes, b',');
            line_feeds += feeds.count_ones();
            let mut mask = feeds | commas;
            while mask != 0 {
                ends.push((number * 16) as u32 + mask.trailing_zeros());
                mask &= mask - 1;
            }
        }
        let tail = filled - chunks.remainder().len();
        for (lane, byte) in chunks.remainder().iter().enumerate() {
            if matches!(byte, b',' | b'\n') {
                ends.push((tail + lane) as u32);
                line_feeds += u32::from(*byte == b'\n');
            }
        }
        // Rows of the header's width: when every width-th position is a
        // line feed and there are no others, every row has that many
        // cells, each at a known place in the list: no test per cell.
        let mut row_start = 0usize;
        // At width 1 a blank line would pass for a row: not read this way.
        if regular && width > 1 {
            let whole = ends.chunks_exact(width);
            let all_rows = whole.len() as u32 == line_feeds
                && whole
                    .clone()
                    .all(|row| row.last().is_some_and(|&end| text[end as usize] == b'\n'));
            if all_rows {
                for row in whole {
                    let mut cell_start = row_start;
                    for (number, &end) in row.iter().enumerate() {
                        if number > 0 {
                            length += (end as usize - cell_start) as u64;
                        }
                        cell_start = end as usize + 1;
                    }
                    rows += 1;
                    row_start = cell_start;
                }
                ends.clear();
            }
        }
        let mut cell_start = row_start;
        let mut row_length = 0u64;
        for end in ends.iter().map(|&end| end as usize) {
            if cell_start != row_start {
                row_length += (end - cell_start) as u64;
            }
            cell_start = end + 1;
            if text[end] == b'\n' {
                // A blank line is no row (as the record scanner reads it).
                if end != row_start {
                    rows += 1;
                    length += row_length;
                    if width == 0 {
                        width = rows_cells + 1;
                    }
                }
                row_length = 0;
                row_start = cell_start;
                rows_cells = 0;
            } else {
                rows_cells += 1;
            }
        }
        if read == 0 {
            if row_start < filled {
                return Err(format!("{path}: the last line has no line feed"));
            }
            return Ok((rows, length));
        }
        passed += row_start as u64;
        block.copy_within(row_start..filled, 0);
        kept = filled - row_start;
        if kept == BLOCK {
            return Err(format!("{path}: a line longer than a block"));
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let started = std::time::Instant::now();
    let tally = match args.as_slice() {
        [how, path] if how == "record" => with_record_scanner(path),
        [how, path] if how == "block" => with_block_splitter(path, false),
        [how, path] if how == "regular" => with_block_splitter(path, true),
        _ => Err(USAGE.to_string()),
    };
    match tally {
        Ok((rows, length)) => {
            println!(
                "{} rows, {length} bytes of cells after the first, in {:.3} s",
                rows,
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("scan_split: {message}");
            ExitCode::FAILURE
        }
    }
}
