//! Unit tests of `source`.

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
    let source = Source::open(plain.path(), EncodingSetting::Auto, None, IN_MEMORY_LIMIT).unwrap();
    assert_eq!(
        (source.encoding, source.delimiter),
        (TextEncoding::Utf8, b';')
    );
    assert_eq!(decoded(&source), "client;amount\nCafé;1,5\n");
    let bom = write(b"\xEF\xBB\xBFclient,amount\n");
    let source = Source::open(bom.path(), EncodingSetting::Auto, None, IN_MEMORY_LIMIT).unwrap();
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
    let source = Source::open(file.path(), EncodingSetting::Auto, None, IN_MEMORY_LIMIT).unwrap();
    assert_eq!(
        (source.encoding, source.delimiter),
        (TextEncoding::Utf16Le, b'\t')
    );
    assert_eq!(decoded(&source), "client\tamount\nMüller\t5\n");
}

/// The line of the first row the scanner finds a bad byte in.
fn first_bad_row(source: &Source) -> Option<u64> {
    use super::super::scan::{Record, ScanError, Scanner};
    assert!(source.bad_bytes_are_row_errors());
    let mut scanner =
        Scanner::new(source.text().unwrap(), source.delimiter, 1).bad_bytes_end_rows();
    let mut record = Record::new();
    loop {
        match scanner.next(&mut record) {
            Ok(true) => {}
            Ok(false) => return None,
            Err(ScanError::Utf8Row { line, .. }) => return Some(line),
            Err(err) => panic!("{err:?}"),
        }
    }
}

#[test]
fn windows_1252_is_a_fallback_with_a_warning_or_an_error_when_strict() {
    // "Müller" in Windows-1252: ü = 0xFC, invalid as UTF-8, on line 2.
    let file = write(b"client,amount\nM\xFCller,5\n");
    let source = Source::open(file.path(), EncodingSetting::Auto, None, IN_MEMORY_LIMIT).unwrap();
    assert_eq!(source.encoding, TextEncoding::Windows1252);
    assert!(
        source
            .warning
            .as_deref()
            .unwrap()
            .contains("first at line 2")
    );
    assert_eq!(decoded(&source), "client,amount\nMüller,5\n");
    // Said to be UTF-8: the row with the bad byte is the error.
    let source = Source::open(file.path(), EncodingSetting::Utf8, None, IN_MEMORY_LIMIT).unwrap();
    assert_eq!(source.encoding, TextEncoding::Utf8);
    assert_eq!(first_bad_row(&source), Some(2));

    // Far into the file, past the blocks the line count reads: a header
    // and 100,000 rows of 11 bytes, then the bad byte on line 100,002.
    let mut text = b"client,amount\n".to_vec();
    for _ in 0..100_000 {
        text.extend_from_slice(b"Acme,12.50\n");
    }
    text.extend_from_slice(b"M\xFCller,5\n");
    let file = write(&text);
    let source = Source::open(file.path(), EncodingSetting::Utf8, None, IN_MEMORY_LIMIT).unwrap();
    assert_eq!(first_bad_row(&source), Some(100_002));
}

#[test]
fn a_utf8_file_with_a_few_bad_bytes_stays_utf8() {
    // "Café Müller" in UTF-8 on lines 2 and 4, a Latin-1 0xFF on line 3:
    // read as UTF-8 (no Windows-1252 warning), line 3 the bad row.
    let file = write(b"client,amount\nCaf\xC3\xA9 M\xC3\xBCller,5\nBad\xFF Byte,1\nCaf\xC3\xA9 M\xC3\xBCller,7\n");
    let source = Source::open(file.path(), EncodingSetting::Auto, None, IN_MEMORY_LIMIT).unwrap();
    assert_eq!(
        (source.encoding, source.warning.as_deref()),
        (TextEncoding::Utf8, None)
    );
    assert_eq!(first_bad_row(&source), Some(3));
    // The valid character may come after the bad byte, far after.
    let mut text = b"client,amount\nBad\xFF,1\n".to_vec();
    for _ in 0..30_000 {
        text.extend_from_slice(b"Acme,12.50\n");
    }
    text.extend_from_slice("Müller,5\n".as_bytes());
    let file = write(&text);
    let source = Source::open(file.path(), EncodingSetting::Auto, None, IN_MEMORY_LIMIT).unwrap();
    assert_eq!(source.encoding, TextEncoding::Utf8);
    assert_eq!(first_bad_row(&source), Some(2));
    // Or far before it, in an earlier block of the survey: Müller on
    // line 2, 30,000 rows, the bad byte on line 30,003.
    let mut text = "client,amount\nMüller,5\n".as_bytes().to_vec();
    for _ in 0..30_000 {
        text.extend_from_slice(b"Acme,12.50\n");
    }
    text.extend_from_slice(b"Bad\xFF,1\n");
    let file = write(&text);
    let source = Source::open(file.path(), EncodingSetting::Auto, None, IN_MEMORY_LIMIT).unwrap();
    assert_eq!(source.encoding, TextEncoding::Utf8);
    assert_eq!(first_bad_row(&source), Some(30_003));
}

#[test]
fn the_survey_finds_the_first_bad_byte_and_any_multi_byte_character() {
    let survey = |bytes: &[u8]| utf8_survey(&mut io::Cursor::new(bytes.to_vec())).unwrap();
    assert_eq!(
        survey(b"plain"),
        Utf8Survey {
            first_invalid: None,
            multi_byte: false
        }
    );
    assert_eq!(
        survey(b"M\xFCller \xE9t\xE9"),
        Utf8Survey {
            first_invalid: Some((1, 0xFC)),
            multi_byte: false
        }
    );
    assert_eq!(
        survey(b"a\xFFb\xC3\xA9"),
        Utf8Survey {
            first_invalid: Some((1, 0xFF)),
            multi_byte: true
        }
    );
    // A character cut off at the end is a bad byte, not a character.
    assert_eq!(
        survey(b"ab\xC3"),
        Utf8Survey {
            first_invalid: Some((2, 0xC3)),
            multi_byte: false
        }
    );
}

#[test]
fn a_character_split_across_reads_is_still_valid() {
    let mut text = "a".repeat(256 * 1024 - 1);
    text.push('é');
    text.push('\n');
    let mut cursor = io::Cursor::new(text.into_bytes());
    assert_eq!(utf8_survey(&mut cursor).unwrap().first_invalid, None);
}

#[test]
fn delimiters_are_sniffed_outside_quotes() {
    let file = write(b"\"Northwind, LLC\",,,\nx,y,z,w\n");
    assert_eq!(
        Source::open(file.path(), EncodingSetting::Auto, None, IN_MEMORY_LIMIT)
            .unwrap()
            .delimiter,
        b','
    );
    let file = write(b"\"a;b\"|c|d\n");
    assert_eq!(
        Source::open(file.path(), EncodingSetting::Auto, None, IN_MEMORY_LIMIT)
            .unwrap()
            .delimiter,
        b'|'
    );
    let file = write(b"a;b,c;d\n");
    assert_eq!(
        Source::open(
            file.path(),
            EncodingSetting::Auto,
            Some(b','),
            IN_MEMORY_LIMIT
        )
        .unwrap()
        .delimiter,
        b','
    );
}
