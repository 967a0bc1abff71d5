//! Bytes → text: which encoding a file is in and which delimiter it uses.
//!
//! UTF-8 (with or without a byte-order mark) and UTF-16 with a BOM are read
//! as they are. A file with bytes that are not UTF-8 is read as
//! Windows-1252 (the usual Excel "CSV" on Windows) with one warning when
//! it holds no valid multi-byte UTF-8 character at all; when it does (or
//! config says `encoding = "utf-8"`), it is UTF-8 with a few damaged bytes,
//! and each row holding one is an error at its line (re-decoding the whole
//! file would silently change every accented name). The delimiter is
//! sniffed from the first line among `,` `;` tab and `|` unless config
//! sets it (the header search checks it against the header row).
//!
//! A source can be read more than once (header detection and the day/month
//! order of dates look ahead), so a regular file is re-opened each time.
//! Anything else (standard input, a pipe, a device) can be read only once:
//! it is read into memory the first time it is opened, up to
//! [`IN_MEMORY_LIMIT`], and every later opening in the run reads that copy.

use crate::config::EncodingSetting;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use encoding_rs_io::DecodeReaderBytesBuilder;

use crate::error::InputError;

/// The encoding a file turned out to have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl TextEncoding {
    pub(crate) fn name(self) -> &'static str {
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
pub(crate) const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

pub(crate) fn delimiter_name(delimiter: u8) -> String {
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

/// The bytes of an input that is not a regular file, shared by readers.
#[derive(Debug, Clone)]
struct Shared(Arc<Vec<u8>>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        self.0.as_slice()
    }
}

/// The most clientfit reads from an input that is not a regular file
/// (standard input, a pipe, a device): it has to be held in memory. A
/// file on disk is read as it goes and has no such limit.
pub(crate) const IN_MEMORY_LIMIT: u64 = 1024 * 1024 * 1024;

/// `IN_MEMORY_LIMIT`, or the tuning's limit (tests use a small one rather
/// than pipe a gigabyte).
pub(crate) fn in_memory_limit(config: &crate::config::Config) -> u64 {
    config.tuning.in_memory_limit.unwrap_or(IN_MEMORY_LIMIT)
}

/// A number of bytes as a person would say it ("1 GiB").
pub(crate) fn bytes_name(bytes: u64) -> String {
    usize::try_from(bytes).map_or_else(|_| format!("{bytes} bytes"), super::scan::size_name)
}

/// Inputs that are not regular files, read once in this run: by path, the
/// bytes (or why they could not be read).
type ReadOnce = std::collections::HashMap<PathBuf, Result<Arc<Vec<u8>>, InputError>>;

fn read_once_cache() -> &'static std::sync::Mutex<ReadOnce> {
    static CACHE: std::sync::OnceLock<std::sync::Mutex<ReadOnce>> = std::sync::OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The bytes of `path`, which is not a regular file: read the first time
/// it is asked for, up to the limit; the same bytes every time after.
fn read_once(path: &Path, limit: u64) -> Result<Arc<Vec<u8>>, InputError> {
    // A poisoned lock only means another reading thread panicked; the
    // map itself is whole.
    let mut cache = read_once_cache()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(read) = cache.get(path) {
        return read.clone();
    }
    let mut buffer = Vec::new();
    let result = if super::reader::is_stdin(path) {
        io::stdin()
            .lock()
            .take(limit.saturating_add(1))
            .read_to_end(&mut buffer)
    } else {
        File::open(path)
            .and_then(|file| file.take(limit.saturating_add(1)).read_to_end(&mut buffer))
    };
    let read = match result {
        Err(err) => Err(InputError::file(path, format!("cannot be read: {err}"))),
        Ok(_) if buffer.len() as u64 > limit => Err(InputError::file(
            path,
            format!(
                "holds more than {}, the most clientfit reads from standard input, a pipe or a device (it has to keep such input in memory)",
                bytes_name(limit)
            ),
        )
        .hint("save the export to a file and name that file: a file on disk is read as it goes, with no such limit")),
        Ok(_) => Ok(Arc::new(buffer)),
    };
    cache.insert(path.to_path_buf(), read.clone());
    read
}

/// Whether `path` is read once into memory: standard input, or anything
/// that is not a regular file (a pipe, `/dev/stdin`, a device).
pub(crate) fn is_read_once(path: &Path) -> bool {
    super::reader::is_stdin(path)
        || std::fs::metadata(path).is_ok_and(|metadata| !metadata.is_file() && !metadata.is_dir())
}

/// A file whose encoding and delimiter are known.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    pub(crate) path: PathBuf,
    bytes: Bytes,
    pub(crate) encoding: TextEncoding,
    pub(crate) delimiter: u8,
    /// Set when the file was not valid UTF-8 and was read as Windows-1252.
    pub(crate) warning: Option<String>,
    /// Lines end in a carriage return alone (old Mac exports), not in a
    /// line feed with or without one.
    pub(crate) cr_only: bool,
    /// The delimiter was sniffed, not set in config: the header search
    /// may find that the header row says otherwise.
    pub(crate) delimiter_sniffed: bool,
    /// Every byte was checked to be UTF-8 before reading (or config says
    /// the file is UTF-8): a byte that is not is damage to its row only.
    bad_bytes_are_row_errors: bool,
}

fn open_file(path: &Path) -> Result<File, InputError> {
    if path.is_dir() {
        return Err(InputError::file(path, "is a directory, not a CSV file"));
    }
    File::open(path).map_err(|err| InputError::file(path, format!("cannot be opened: {err}")))
}

/// What a first pass over a file's bytes found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Utf8Survey {
    /// Offset and value of the first byte that is not UTF-8.
    first_invalid: Option<(u64, u8)>,
    /// A valid character of more than one byte (a sign of UTF-8 that
    /// Windows-1252 text almost never shows), in the chunk of the first
    /// bad byte or after it (what comes before is for
    /// `prefix_has_multi_byte`; a valid file is not asked).
    multi_byte: bool,
}

impl Source {
    /// Open `path`; `in_memory_limit` bounds what is read of an input
    /// that is not a regular file (`in_memory_limit`).
    pub(crate) fn open(
        path: &Path,
        encoding: EncodingSetting,
        delimiter: Option<u8>,
        in_memory_limit: u64,
    ) -> Result<Source, InputError> {
        Source::open_checked(path, (encoding, delimiter), in_memory_limit, true)
    }

    /// Like `open`, but a file on disk without a BOM (and not set to be
    /// Windows-1252) is taken to be UTF-8 without reading it through
    /// first. The record scanner still checks every byte it reads, so a
    /// file that is not UTF-8 fails when read; the caller must then read
    /// it again, opened with `open`, to decide its encoding as `open`
    /// would have (see `ingest`: it reads everything again on any error).
    pub(crate) fn open_unverified(
        path: &Path,
        encoding: EncodingSetting,
        delimiter: Option<u8>,
        in_memory_limit: u64,
    ) -> Result<Source, InputError> {
        Source::open_checked(path, (encoding, delimiter), in_memory_limit, false)
    }

    fn open_checked(
        path: &Path,
        (encoding, delimiter): (EncodingSetting, Option<u8>),
        in_memory_limit: u64,
        verify_utf8: bool,
    ) -> Result<Source, InputError> {
        let bytes = if is_read_once(path) {
            Bytes::Memory(read_once(path, in_memory_limit)?)
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
            delimiter_sniffed: delimiter.is_none(),
            bad_bytes_are_row_errors: false,
        };
        source.encoding = source.detect_encoding(encoding, verify_utf8)?;
        // The delimiter and the line ends are judged from the same start of
        // the text, read once.
        let head = source.head_text()?;
        source.delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(&head));
        source.cr_only = line_ends_in_cr_only(&head);
        Ok(source)
    }

    /// Whether this input is held in memory (it is not a regular file).
    pub(crate) fn in_memory(&self) -> bool {
        matches!(self.bytes, Bytes::Memory(_))
    }

    /// Whether a byte that is not UTF-8 is an error of its row only (see
    /// `Scanner::bad_bytes_end_rows`), not of the whole file.
    pub(crate) fn bad_bytes_are_row_errors(&self) -> bool {
        self.bad_bytes_are_row_errors
    }

    /// The same source with another delimiter (the header row's).
    pub(crate) fn with_delimiter(&self, delimiter: u8) -> Source {
        Source {
            delimiter,
            ..self.clone()
        }
    }

    fn raw(&self) -> Result<Box<dyn Read>, InputError> {
        Ok(match &self.bytes {
            Bytes::File(path) => Box::new(BufReader::with_capacity(256 * 1024, open_file(path)?)),
            Bytes::Memory(bytes) => Box::new(io::Cursor::new(Shared(Arc::clone(bytes)))),
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
            // The mark says UTF-8: a byte that is not is damage.
            self.bad_bytes_are_row_errors = true;
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
        // From here on every byte is checked (or config says UTF-8).
        self.bad_bytes_are_row_errors = true;
        if setting == EncodingSetting::Utf8 {
            // Bytes that are not UTF-8 are errors at their rows.
            return Ok(TextEncoding::Utf8);
        }
        // Survey the whole file: deciding on the first invalid byte would
        // be too late, rows before it would already be read.
        let mut raw = self.raw()?;
        let mut survey = utf8_survey(&mut raw).map_err(|e| self.read_error(e))?;
        if let Some((offset, _)) = survey.first_invalid
            && !survey.multi_byte
        {
            // The text before the first bad byte, which the survey did
            // not look at for characters of more than one byte.
            let mut before = self.raw()?.take(offset);
            survey.multi_byte =
                prefix_has_multi_byte(&mut before).map_err(|e| self.read_error(e))?;
        }
        match survey.first_invalid {
            // UTF-8, or UTF-8 with a few damaged bytes: those rows are
            // errors (a Windows-1252 export almost never holds a valid
            // multi-byte UTF-8 character).
            None => Ok(TextEncoding::Utf8),
            Some(_) if survey.multi_byte => Ok(TextEncoding::Utf8),
            Some((offset, _)) => {
                let line = line_at(&mut self.raw()?, offset).map_err(|e| self.read_error(e))?;
                self.warning = Some(format!(
                    "{} is not valid UTF-8 (first at line {line}); read as Windows-1252",
                    self.path.display()
                ));
                Ok(TextEncoding::Windows1252)
            }
        }
    }

    /// The decoded text of the file, as UTF-8 bytes without a BOM.
    pub(crate) fn reader(&self) -> Result<Box<dyn Read>, InputError> {
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

    /// The file's size, if it can be cut into chunks read apart: a
    /// regular file in UTF-8 whose lines end in line feeds.
    pub(crate) fn size_if_cuttable(&self) -> Option<u64> {
        if !matches!(self.encoding, TextEncoding::Utf8 | TextEncoding::Utf8Bom) || self.cr_only {
            return None;
        }
        let Bytes::File(path) = &self.bytes else {
            return None;
        };
        Some(std::fs::metadata(path).ok()?.len())
    }

    /// The text for the record scanner: a UTF-8 file as it is on disk
    /// (the scanner reads in large blocks, so no buffer goes between),
    /// anything else decoded; lines that end in a carriage return alone
    /// end in a line feed.
    pub(crate) fn text(&self) -> Result<Box<dyn Read>, InputError> {
        let text: Box<dyn Read> = match self.encoding {
            TextEncoding::Utf8 | TextEncoding::Utf8Bom => self.part_from(self.text_start())?,
            _ => self.reader()?,
        };
        Ok(if self.cr_only {
            Box::new(super::scan::CrToLf::new(text))
        } else {
            text
        })
    }

    /// The bytes of the file from byte `offset` on (a chunk's start).
    pub(crate) fn part_from(&self, offset: u64) -> Result<Box<dyn Read>, InputError> {
        use std::io::Seek;
        let path = match &self.bytes {
            Bytes::File(path) => path,
            Bytes::Memory(bytes) => {
                let mut cursor = io::Cursor::new(Shared(Arc::clone(bytes)));
                cursor.set_position(offset);
                return Ok(Box::new(cursor));
            }
        };
        let mut file = open_file(path)?;
        if offset > 0 {
            file.seek(io::SeekFrom::Start(offset))
                .map_err(|e| self.read_error(e))?;
        }
        Ok(Box::new(file))
    }

    /// Bytes before the text starts (a byte-order mark).
    pub(crate) fn text_start(&self) -> u64 {
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

/// Whether the bytes `reader` gives are UTF-8, and if not, whether they
/// hold any valid multi-byte character: read until both are known (a
/// valid file is read to its end). (Lines are counted only when there is
/// an invalid byte: see `line_at`.)
fn utf8_survey(reader: &mut dyn Read) -> io::Result<Utf8Survey> {
    let mut survey = Utf8Survey::default();
    let mut buffer = vec![0u8; 256 * 1024];
    let mut carried = 0usize;
    let mut offset = 0u64;
    // Offsets cannot saturate: they count bytes read.
    loop {
        // `carried` is at most 3 bytes (an incomplete character), and `read`
        // at most the free space, so `filled` never passes the buffer.
        let read = reader.read(buffer.get_mut(carried..).unwrap_or_default())?;
        let filled = carried.saturating_add(read).min(buffer.len());
        let mut chunk = buffer.get(..filled).unwrap_or_default();
        carried = 0;
        // Each valid stretch of the chunk, then the bad bytes after it.
        loop {
            let (valid, error) = match std::str::from_utf8(chunk) {
                Ok(_) => (chunk.len(), None),
                Err(err) => (err.valid_up_to(), Some(err.error_len())),
            };
            let (good, rest) = chunk.split_at(valid.min(chunk.len()));
            // Only asked once a bad byte is found (a valid file is read
            // once, as fast as it can be): what came before that is
            // looked at again then (`prefix_has_multi_byte`).
            if survey.first_invalid.is_some() || error.is_some() {
                survey.multi_byte = survey.multi_byte || !good.is_ascii();
            }
            match error {
                None => {
                    offset = offset.saturating_add(chunk.len() as u64);
                    break;
                }
                // An incomplete character at the end of the chunk: kept
                // for the next read (unless the input has ended).
                Some(None) if read > 0 => {
                    offset = offset.saturating_add(valid as u64);
                    carried = rest.len();
                    let start = filled.saturating_sub(carried);
                    buffer.copy_within(start..filled, 0);
                    break;
                }
                Some(length) => {
                    offset = offset.saturating_add(valid as u64);
                    if survey.first_invalid.is_none() {
                        survey.first_invalid = rest.first().map(|byte| (offset, *byte));
                    }
                    let length = length.unwrap_or(rest.len()).max(1);
                    offset = offset.saturating_add(length as u64);
                    chunk = rest.get(length..).unwrap_or_default();
                }
            }
        }
        if survey.first_invalid.is_some() && survey.multi_byte {
            return Ok(survey);
        }
        if read == 0 {
            return Ok(survey);
        }
    }
}

/// Whether `reader`, valid UTF-8 to its end but for a character cut off
/// there, holds a character of more than one byte.
fn prefix_has_multi_byte(reader: &mut dyn Read) -> io::Result<bool> {
    let mut block = vec![0u8; 64 * 1024];
    loop {
        match reader.read(&mut block) {
            Ok(0) => return Ok(false),
            // A byte over 0x7F in valid UTF-8 belongs to such a character
            // (the last may be cut off by the block's end, or the text's).
            Ok(read) => {
                if !block.get(..read).unwrap_or_default().is_ascii() {
                    return Ok(true);
                }
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
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
mod tests;
