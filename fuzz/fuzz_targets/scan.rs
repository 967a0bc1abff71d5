//! The record scanner on any bytes, with small limits so that fuzzed
//! inputs reach them.
//!
//! Input: the first byte chooses the delimiter (`,` `;` tab `|`, by its two
//! low bits) and whether bytes that are not UTF-8 end only their row (bit
//! 2); the rest is the text, handed out in reads of 1 to 16 bytes (the
//! second byte) so that blocks end anywhere.
#![no_main]

use std::io::Read;

use clientfit::ingest::scan::{Limits, Record, ScanError, Scanner};
use libfuzzer_sys::fuzz_target;

/// Hands out at most `most` bytes a read.
struct Trickle {
    text: Vec<u8>,
    at: usize,
    most: usize,
}

impl Read for Trickle {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let rest = self.text.get(self.at..).unwrap_or_default();
        let count = rest.len().min(out.len()).min(self.most);
        out[..count].copy_from_slice(&rest[..count]);
        self.at += count;
        Ok(count)
    }
}

const LIMITS: Limits = Limits {
    row_bytes: 256,
    cell_bytes: 64,
    columns: 12,
};

fuzz_target!(|data: &[u8]| {
    let (Some(&choice), Some(&most)) = (data.first(), data.get(1)) else {
        return;
    };
    let delimiter = [b',', b';', b'\t', b'|'][usize::from(choice & 3)];
    let lenient = choice & 4 != 0;
    let text = data[2..].to_vec();
    let length = text.len() as u64;
    let input = Trickle {
        text,
        at: 0,
        most: usize::from(most % 16) + 1,
    };
    let mut scanner = Scanner::new(Box::new(input), delimiter, 1).with_limits(LIMITS);
    if lenient {
        scanner = scanner.bad_bytes_end_rows();
    }
    let mut record = Record::new();
    let mut last_line = 0u64;
    // Each record or error moves on by at least one byte or one line.
    for _ in 0..=data.len() {
        let before = scanner.position();
        match scanner.next(&mut record) {
            Ok(true) => {
                assert!(record.line() > last_line, "lines go forward");
                last_line = record.line();
                assert!(record.len() <= LIMITS.columns, "{} cells", record.len());
                assert!(record.text_len() <= LIMITS.row_bytes);
                assert!(record.iter().all(|cell| cell.len() <= LIMITS.cell_bytes));
                assert!(scanner.position() > before && scanner.position() <= length);
            }
            Ok(false) => return,
            Err(ScanError::Utf8Row { line, .. }) => {
                assert!(lenient, "a bad row only when bad bytes end rows");
                assert!(line > last_line);
                last_line = line;
            }
            Err(ScanError::UnclosedQuote { line, lost }) => {
                assert!(lost.contains(&line), "the quote's line is lost");
                // Nothing comes after.
                assert!(matches!(scanner.next(&mut record), Ok(false)));
                return;
            }
            Err(ScanError::Utf8 { .. }) => {
                assert!(!lenient, "bad bytes end only their row");
                return;
            }
            Err(ScanError::QuoteClosedLate { line, closed_on }) => {
                assert!(closed_on > line && line > last_line);
                return;
            }
            Err(ScanError::TooLong { .. } | ScanError::Io(_)) => return,
        }
    }
    panic!("the scan did not end");
});
