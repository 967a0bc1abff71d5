//! Bytes → text: which encoding a file is in and which delimiter it uses.
//!
//! UTF-8 (with or without a byte-order mark) and UTF-16 with a BOM are read
//! as they are; a file that is not valid UTF-8 is read as Windows-1252 (the
//! usual Excel "CSV" on Windows) with one warning, unless config says
//! `encoding = "utf-8"`, which makes it an error. The delimiter is sniffed
//! from the first line among `,` `;` tab and `|` unless config sets it.
//!
//! A source can be read more than once (header detection and the day/month
//! order of dates look ahead), so it re-opens its file each time; standard
//! input is read into memory once.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use encoding_rs_io::DecodeReaderBytesBuilder;
use serde::{Deserialize, Serialize};

use crate::error::InputError;

/// What config asks of encodings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EncodingSetting {
    /// BOM, else UTF-8 if valid, else Windows-1252 with a warning.
    #[default]
    Auto,
    /// UTF-8 only: anything else is an error.
    #[serde(rename = "utf-8")]
    Utf8,
    /// Always Windows-1252.
    #[serde(rename = "windows-1252")]
    Windows1252,
}

/// The encoding a file turned out to have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl TextEncoding {
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 with BOM",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
            TextEncoding::Windows1252 => "Windows-1252",
        }
    }
}

/// The delimiters clientfit sniffs for, in order of preference on a tie.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

pub fn delimiter_name(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "tab".to_string(),
        other => format!("{:?}", other as char),
    }
}

#[derive(Debug, Clone)]
enum Bytes {
    File(PathBuf),
    Memory(Arc<Vec<u8>>),
}

/// A file whose encoding and delimiter are known.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    bytes: Bytes,
    pub encoding: TextEncoding,
    pub delimiter: u8,
    /// Set when the file was not valid UTF-8 and was read as Windows-1252.
    pub warning: Option<String>,
    /// Lines end in a carriage return alone (old Mac exports), not in a
    /// line feed with or without one.
    pub cr_only: bool,
}

fn open_file(path: &Path) -> Result<File, InputError> {
    if path.is_dir() {
        return Err(InputError::file(path, "is a directory, not a CSV file"));
    }
    File::open(path).map_err(|err| InputError::file(path, format!("cannot be opened: {err}")))
}

impl Source {
    pub fn open(
        path: &Path,
        encoding: EncodingSetting,
        delimiter: Option<u8>,
    ) -> Result<Source, InputError> {
        Source::open_checked(path, encoding, delimiter, true)
    }

    /// Like `open`, but a file on disk without a BOM (and not set to be
    /// Windows-1252) is taken to be UTF-8 without reading it through
    /// first. The record scanner still checks every byte it reads, so a
    /// file that is not UTF-8 fails when read; the caller must then read
    /// it again, opened with `open`, to decide its encoding as `open`
    /// would have (see `ingest`: it reads everything again on any error).
    pub fn open_unverified(
        path: &Path,
        encoding: EncodingSetting,
        delimiter: Option<u8>,
    ) -> Result<Source, InputError> {
        Source::open_checked(path, encoding, delimiter, false)
    }

    fn open_checked(
        path: &Path,
        encoding: EncodingSetting,
        delimiter: Option<u8>,
        verify_utf8: bool,
    ) -> Result<Source, InputError> {
        let bytes = if super::reader::is_stdin(path) {
            let mut buffer = Vec::new();
            io::stdin()
                .lock()
                .read_to_end(&mut buffer)
                .map_err(|err| InputError::file(path, format!("cannot be read: {err}")))?;
            Bytes::Memory(Arc::new(buffer))
        } else {
            open_file(path)?;
            Bytes::File(path.to_path_buf())
        };
        let mut source = Source {
            path: path.to_path_buf(),
            bytes,
            encoding: TextEncoding::Utf8,
            delimiter: b',',
            warning: None,
            cr_only: false,
        };
        source.encoding = source.detect_encoding(encoding, verify_utf8)?;
        // The delimiter and the line ends are judged from the same start of
        // the text, read once.
        let head = source.head_text()?;
        source.delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(&head));
        source.cr_only = line_ends_in_cr_only(&head);
        Ok(source)
    }

    fn raw(&self) -> Result<Box<dyn Read>, InputError> {
        Ok(match &self.bytes {
            Bytes::File(path) => Box::new(BufReader::with_capacity(256 * 1024, open_file(path)?)),
            Bytes::Memory(bytes) => Box::new(io::Cursor::new(Arc::clone(bytes).to_vec())),
        })
    }

    fn read_error(&self, err: io::Error) -> InputError {
        InputError::file(&self.path, format!("cannot be read: {err}"))
    }

    fn detect_encoding(
        &mut self,
        setting: EncodingSetting,
        verify_utf8: bool,
    ) -> Result<TextEncoding, InputError> {
        let mut raw = self.raw()?;
        let mut start = [0u8; 3];
        let mut filled = 0usize;
        while let Some(free) = start.get_mut(filled..).filter(|free| !free.is_empty()) {
            match raw.read(free).map_err(|e| self.read_error(e))? {
                0 => break,
                // Cannot saturate: `n` is at most the 3 bytes asked for.
                n => filled = filled.saturating_add(n),
            }
        }
        let start = start.get(..filled).unwrap_or(&start);
        if start.starts_with(&[0xEF, 0xBB, 0xBF]) {
            return Ok(TextEncoding::Utf8Bom);
        }
        if start.starts_with(&[0xFF, 0xFE]) {
            return Ok(TextEncoding::Utf16Le);
        }
        if start.starts_with(&[0xFE, 0xFF]) {
            return Ok(TextEncoding::Utf16Be);
        }
        if setting == EncodingSetting::Windows1252 {
            return Ok(TextEncoding::Windows1252);
        }
        if !verify_utf8 && matches!(self.bytes, Bytes::File(_)) {
            return Ok(TextEncoding::Utf8);
        }
        // Validate the whole file: deciding on the first invalid byte
        // would be too late, rows before it would already be read.
        let mut raw = self.raw()?;
        let first_invalid = match first_invalid_utf8(&mut raw).map_err(|e| self.read_error(e))? {
            None => None,
            Some((offset, byte)) => {
                let line = line_at(&mut self.raw()?, offset).map_err(|e| self.read_error(e))?;
                Some((line, byte))
            }
        };
        match first_invalid {
            None => Ok(TextEncoding::Utf8),
            Some((line, byte)) if setting == EncodingSetting::Utf8 => Err(InputError::file(
                &self.path,
                format!("is not valid UTF-8 text (byte 0x{byte:02X})"),
            )
            .at(line)
            .hint("save it as UTF-8, or set encoding = \"windows-1252\" (or \"auto\") in clientfit.toml")),
            Some((line, _)) => {
                self.warning = Some(format!(
                    "{} is not valid UTF-8 (first at line {line}); read as Windows-1252",
                    self.path.display()
                ));
                Ok(TextEncoding::Windows1252)
            }
        }
    }

    /// The decoded text of the file, as UTF-8 bytes without a BOM.
    pub fn reader(&self) -> Result<Box<dyn Read>, InputError> {
        let raw = self.raw()?;
        let mut builder = DecodeReaderBytesBuilder::new();
        builder.strip_bom(true);
        match self.encoding {
            TextEncoding::Utf8 | TextEncoding::Utf8Bom => {
                builder.utf8_passthru(true);
            }
            TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
                builder.bom_sniffing(true);
            }
            TextEncoding::Windows1252 => {
                builder.encoding(Some(encoding_rs::WINDOWS_1252));
            }
        }
        Ok(Box::new(builder.build(raw)))
    }

    /// Where to cut this file in two for two threads: the start of a line
    /// near `fraction` of its bytes, and that line's number. `None` unless
    /// it is a UTF-8 file on disk (bytes are text, so a byte offset is a
    /// place in the text) with such a line. Whether the line really starts
    /// a record (it might be inside a quoted cell) is for the reader of
    /// the first part to tell.
    pub fn split_point(&self, fraction: f64) -> Option<(u64, u64)> {
        if !matches!(self.encoding, TextEncoding::Utf8 | TextEncoding::Utf8Bom) {
            return None;
        }
        let Bytes::File(path) = &self.bytes else {
            return None;
        };
        let size = std::fs::metadata(path).ok()?.len();
        let target = (size as f64 * fraction.clamp(0.0, 1.0)) as u64;
        let mut reader = BufReader::with_capacity(256 * 1024, File::open(path).ok()?);
        let mut line = 1u64;
        let mut offset = 0u64;
        let mut after_newline = false;
        loop {
            let buffer = reader.fill_buf().ok()?;
            if buffer.is_empty() {
                return None;
            }
            // Whole buffers before the target: count their lines only.
            let length = buffer.len() as u64;
            if offset.saturating_add(length) < target {
                line = line.saturating_add(bytecount(buffer));
                after_newline = buffer.last() == Some(&b'\n');
                offset = offset.saturating_add(length);
                let consumed = buffer.len();
                reader.consume(consumed);
                continue;
            }
            let mut consumed = 0usize;
            for byte in buffer {
                // A line that starts at or after the target, and is not
                // blank (a blank line is not a record: no record would
                // start exactly there).
                if after_newline && offset >= target && *byte != b'\n' && *byte != b'\r' {
                    return (offset < size).then_some((offset, line));
                }
                after_newline = *byte == b'\n';
                // Cannot saturate: at most the file's size.
                line = line.saturating_add(u64::from(after_newline));
                offset = offset.saturating_add(1);
                consumed = consumed.saturating_add(1);
            }
            reader.consume(consumed);
        }
    }

    /// The text for the record scanner: a UTF-8 file as it is on disk
    /// (the scanner reads in large blocks, so no buffer goes between),
    /// anything else decoded; lines that end in a carriage return alone
    /// end in a line feed.
    pub fn text(&self) -> Result<Box<dyn Read>, InputError> {
        let text: Box<dyn Read> = match (&self.bytes, self.encoding) {
            (Bytes::File(_), TextEncoding::Utf8 | TextEncoding::Utf8Bom) => {
                self.part_from(self.text_start())?
            }
            _ => self.reader()?,
        };
        Ok(if self.cr_only {
            Box::new(super::scan::CrToLf::new(text))
        } else {
            text
        })
    }

    /// The text of the file from byte `offset` on (a `split_point`).
    pub fn part_from(&self, offset: u64) -> Result<Box<dyn Read>, InputError> {
        use std::io::Seek;
        let Bytes::File(path) = &self.bytes else {
            return Err(InputError::file(&self.path, "cannot be read in parts"));
        };
        let mut file = open_file(path)?;
        if offset > 0 {
            file.seek(io::SeekFrom::Start(offset))
                .map_err(|e| self.read_error(e))?;
        }
        Ok(Box::new(file))
    }

    /// Bytes before the text starts (a byte-order mark).
    pub fn text_start(&self) -> u64 {
        match self.encoding {
            TextEncoding::Utf8Bom => 3,
            _ => 0,
        }
    }

    /// The first 64 KiB of the text.
    fn head_text(&self) -> Result<Vec<u8>, InputError> {
        let mut text = Vec::with_capacity(64 * 1024);
        self.reader()?
            .take(64 * 1024)
            .read_to_end(&mut text)
            .map_err(|e| self.read_error(e))?;
        Ok(text)
    }
}

/// The delimiter that occurs most often, outside quotes, on the first line
/// of `text` that has any of them.
fn sniff_delimiter(text: &[u8]) -> u8 {
    let mut counts = [0usize; DELIMITERS.len()];
    let mut in_quotes = false;
    for &byte in text {
        match byte {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes && counts.iter().any(|c| *c > 0) => break,
            b'\n' if !in_quotes => {}
            _ if !in_quotes => {
                if let Some((count, _)) =
                    counts.iter_mut().zip(DELIMITERS).find(|(_, d)| *d == byte)
                {
                    // Cannot saturate: at most one per byte of 64 KiB.
                    *count = count.saturating_add(1);
                }
            }
            _ => {}
        }
    }
    let best = counts.iter().copied().max().unwrap_or(0);
    counts
        .iter()
        .zip(DELIMITERS)
        .find(|(c, _)| **c == best && best > 0)
        .map_or(DELIMITERS[0], |(_, delimiter)| delimiter)
}

/// Whether the first line of `text`, outside quotes, ends in a carriage
/// return that no line feed follows.
fn line_ends_in_cr_only(text: &[u8]) -> bool {
    let mut in_quotes = false;
    let mut bytes = text.iter().peekable();
    while let Some(byte) = bytes.next() {
        match byte {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => return false,
            b'\r' if !in_quotes => return bytes.peek() != Some(&&b'\n'),
            _ => {}
        }
    }
    false
}

/// The byte offset and value of the first byte that is not UTF-8, if any.
/// (Lines are counted only when there is one: see `line_at`.)
fn first_invalid_utf8(reader: &mut dyn Read) -> io::Result<Option<(u64, u8)>> {
    let mut buffer = vec![0u8; 256 * 1024];
    let mut carried = 0usize;
    let mut offset = 0u64;
    // Offsets cannot saturate: they count bytes read.
    loop {
        // `carried` is at most 3 bytes (an incomplete character), and `read`
        // at most the free space, so `filled` never passes the buffer.
        let read = reader.read(buffer.get_mut(carried..).unwrap_or_default())?;
        let filled = carried.saturating_add(read).min(buffer.len());
        let chunk = buffer.get(..filled).unwrap_or_default();
        match std::str::from_utf8(chunk) {
            Ok(_) => {
                offset = offset.saturating_add(chunk.len() as u64);
                carried = 0;
            }
            Err(err) => {
                let valid = err.valid_up_to();
                // `valid` is within the chunk, and a byte follows it.
                let rest = chunk.get(valid..).unwrap_or_default();
                offset = offset.saturating_add(valid as u64);
                if let Some(&byte) = rest.first()
                    && (err.error_len().is_some() || read == 0)
                {
                    // A real invalid sequence (or a truncated one at the end).
                    return Ok(Some((offset, byte)));
                }
                // An incomplete character at the end of the chunk: keep it
                // for the next read.
                carried = rest.len();
                buffer.copy_within(valid..filled, 0);
            }
        }
        if read == 0 {
            return Ok(None);
        }
    }
}

/// The 1-based line that byte `offset` is on.
fn line_at(reader: &mut dyn Read, offset: u64) -> io::Result<u64> {
    // Counted a block at a time: the first bad byte of a large export may
    // be near its end, and the bytes before it need not be held.
    let mut before = reader.take(offset);
    let mut block = vec![0u8; 64 * 1024];
    let mut line = 1u64;
    loop {
        match before.read(&mut block) {
            Ok(0) => return Ok(line),
            Ok(read) => {
                line = line.saturating_add(bytecount(block.get(..read).unwrap_or_default()))
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        }
    }
}

fn bytecount(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(bytes: &[u8]) -> tempfile::NamedTempFile {
        use std::io::Write;
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(bytes).unwrap();
        file
    }

    fn decoded(source: &Source) -> String {
        let mut text = String::new();
        source.reader().unwrap().read_to_string(&mut text).unwrap();
        text
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = write("client;amount\nCafé;1,5\n".as_bytes());
        let source = Source::open(plain.path(), EncodingSetting::Auto, None).unwrap();
        assert_eq!(
            (source.encoding, source.delimiter),
            (TextEncoding::Utf8, b';')
        );
        assert_eq!(decoded(&source), "client;amount\nCafé;1,5\n");
        let bom = write(b"\xEF\xBB\xBFclient,amount\n");
        let source = Source::open(bom.path(), EncodingSetting::Auto, None).unwrap();
        assert_eq!(source.encoding, TextEncoding::Utf8Bom);
        assert_eq!(decoded(&source), "client,amount\n");
    }

    #[test]
    fn utf16_with_bom_is_transcoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "client\tamount\nMüller\t5\n".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        let file = write(&bytes);
        let source = Source::open(file.path(), EncodingSetting::Auto, None).unwrap();
        assert_eq!(
            (source.encoding, source.delimiter),
            (TextEncoding::Utf16Le, b'\t')
        );
        assert_eq!(decoded(&source), "client\tamount\nMüller\t5\n");
    }

    #[test]
    fn windows_1252_is_a_fallback_with_a_warning_or_an_error_when_strict() {
        // "Müller" in Windows-1252: ü = 0xFC, invalid as UTF-8, on line 2.
        let file = write(b"client,amount\nM\xFCller,5\n");
        let source = Source::open(file.path(), EncodingSetting::Auto, None).unwrap();
        assert_eq!(source.encoding, TextEncoding::Windows1252);
        assert!(
            source
                .warning
                .as_deref()
                .unwrap()
                .contains("first at line 2")
        );
        assert_eq!(decoded(&source), "client,amount\nMüller,5\n");
        let err = Source::open(file.path(), EncodingSetting::Utf8, None).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.to_string().contains("not valid UTF-8"), "{err}");

        // Far into the file, past the blocks the line count reads: a header
        // and 100,000 rows of 11 bytes, then the bad byte on line 100,002.
        let mut text = b"client,amount\n".to_vec();
        for _ in 0..100_000 {
            text.extend_from_slice(b"Acme,12.50\n");
        }
        text.extend_from_slice(b"M\xFCller,5\n");
        let file = write(&text);
        let err = Source::open(file.path(), EncodingSetting::Utf8, None).unwrap_err();
        assert_eq!(err.line, Some(100_002));
    }

    #[test]
    fn a_character_split_across_reads_is_still_valid() {
        let mut text = "a".repeat(256 * 1024 - 1);
        text.push('é');
        text.push('\n');
        let mut cursor = io::Cursor::new(text.into_bytes());
        assert_eq!(first_invalid_utf8(&mut cursor).unwrap(), None);
    }

    #[test]
    fn delimiters_are_sniffed_outside_quotes() {
        let file = write(b"\"Northwind, LLC\",,,\nx,y,z,w\n");
        assert_eq!(
            Source::open(file.path(), EncodingSetting::Auto, None)
                .unwrap()
                .delimiter,
            b','
        );
        let file = write(b"\"a;b\"|c|d\n");
        assert_eq!(
            Source::open(file.path(), EncodingSetting::Auto, None)
                .unwrap()
                .delimiter,
            b'|'
        );
        let file = write(b"a;b,c;d\n");
        assert_eq!(
            Source::open(file.path(), EncodingSetting::Auto, Some(b','))
                .unwrap()
                .delimiter,
            b','
        );
    }
}
