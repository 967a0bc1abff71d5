//! Unit tests of `scan`.

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
        let length = split_quoted_line(text.as_bytes(), b',', usize::MAX, max_cells, &mut cells)?;
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
    let (records, unclosed) = scan_to_the_end(b"a,b\nx,\"ok\nstill\",\"cut\noff", b',', usize::MAX);
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
    let text = b"id,name\n1,Caf\xC3\xA9\n2,Caf\xE9\n3,ok\n4,\"a\xFF\nb\"\n5,M\xC3\xBCller\n6,\xC3";
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
