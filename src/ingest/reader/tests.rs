//! Unit tests of `reader`.

use super::*;

#[test]
fn discounts_look_like_rates_only_when_all_lie_in_zero_to_one_and_amounts_do_not() {
    let d = |text: &str| text.parse::<rust_decimal::Decimal>().unwrap();
    let seen = |rows: &[(&str, &str)]| {
        let mut seen = DiscountsSeen::default();
        for (amount, discount) in rows {
            seen.saw(d(amount), d(discount));
        }
        seen.look_like_rates()
    };
    assert!(seen(&[("1000", "0.2"), ("500", "0"), ("2000", "1")]));
    // One discount of money gives the column away.
    assert!(!seen(&[("1000", "0.2"), ("500", "25.00")]));
    // No discount at all, or amounts no larger than the discounts.
    assert!(!seen(&[("1000", "0"), ("500", "0")]));
    assert!(!seen(&[("0.50", "0.20"), ("1", "0.10")]));
}

proptest::proptest! {
    /// The shortcut for plain rows never calls a section or total row
    /// a plain one.
    #[test]
    fn plain_rows_are_no_sections_or_totals(
        cells in proptest::collection::vec(
            proptest::sample::select(vec!["", " ", "t", "T", "Total", " total 9", "x", "\u{a0}", "\u{a0}x", "é", "9", "\tTOTAL"]),
            0..5,
        ),
        keys in proptest::collection::vec(0usize..6, 0..3),
    ) {
        let key_cells = || keys.iter().map(|column| cells.get(*column).map(|cell| &**cell));
        let general = section_or_total(
            cells.iter().copied(),
            key_cells().map(|cell| cell.map_or("", trim)),
            std::iter::empty(),
        );
        if plainly_a_row(cells.first().copied(), key_cells()) {
            proptest::prop_assert!(!general, "{:?} {:?}", cells, keys);
        }
    }
}

#[test]
fn totals_labels_are_whole_words() {
    for total in [
        "Total",
        "TOTAL",
        "Totals",
        "Total for Acme",
        "Grand total:",
        "Subtotal",
        "total 9",
    ] {
        assert!(is_total_label(total), "{total}");
    }
    for client in [
        "TotalEnergies SE",
        "Totally Fresh Foods",
        "Totalis",
        "Acme",
        "",
    ] {
        assert!(!is_total_label(client), "{client}");
    }
}

#[test]
fn a_totals_row_has_no_date_and_no_id() {
    let rule = |cells: &[&str], keys: &[&str], anchors: &[&str]| {
        section_or_total(
            cells.iter().copied(),
            keys.iter().copied(),
            anchors.iter().copied(),
        )
    };
    // Total for …, TOTAL: no date, no id.
    assert!(rule(
        &["Total for Acme", "", "1000.00", ""],
        &["Total for Acme", ""],
        &["", ""]
    ));
    assert!(rule(
        &["TOTAL", "", "14000.00", ""],
        &["TOTAL", ""],
        &["", ""]
    ));
    // A client whose name starts with the word, with its date and id.
    assert!(!rule(
        &["Total Quality Logistics", "2026-10-02", "7000.00", "A2"],
        &["Total Quality Logistics", "2026-10-02"],
        &["2026-10-02", "A2"]
    ));
    // A section heading: no key at all.
    assert!(rule(&["Acme Corp", "", ""], &["", ""], &["", ""]));
}

#[test]
fn trim_is_str_trim() {
    for cell in [
        "",
        " ",
        "a",
        " a ",
        "\u{b}x\u{b}",
        "x\u{a0}",
        "\u{2003}Acme",
        "Acme",
        "\ta",
        "é",
        "é ",
        "a\u{85}",
    ] {
        assert_eq!(trim(cell), cell.trim(), "{cell:?}");
    }
}

/// `bytes` in a file of its own, opened as the readers open a file
/// (the file goes when the first value is dropped).
fn source_of(bytes: &[u8]) -> (tempfile::NamedTempFile, Source) {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), bytes).unwrap();
    let source = Source::open(
        file.path(),
        crate::config::EncodingSetting::Auto,
        None,
        crate::ingest::source::IN_MEMORY_LIMIT,
    )
    .unwrap();
    (file, source)
}

/// Every record of a file with its line, read whole or as a part.
fn records(source: &Source, part: Option<Part>) -> (Vec<(u64, Vec<String>)>, bool) {
    let mut file = CsvFile::open(source, None, |_| true).unwrap();
    if let Some(part) = part {
        file.read_part(part).unwrap();
    }
    let mut record = Record::new();
    let mut rows = Vec::new();
    while file.next(&mut record).unwrap() {
        let row = Row::new(&record, &file);
        rows.push((row.line, record.iter().map(str::to_string).collect()));
    }
    (rows, file.ended_at_cut)
}

type Rows = Vec<(u64, Vec<String>)>;

/// `records`, a block at a time through `next_block`: the rows, and
/// the lines of the bad rows skipped (or of the error that stopped it).
fn records_in_blocks(
    source: &Source,
    part: Option<Part>,
    skip_bad_rows: bool,
) -> (Rows, Vec<Option<u64>>) {
    let mut file = CsvFile::open(source, None, |_| true).unwrap();
    if let Some(part) = part {
        file.read_part(part).unwrap();
    }
    let mut report = file.report(Kind::Tickets);
    let mut block = RowBlock::new();
    let mut rows = Vec::new();
    let mut stopped = None;
    loop {
        match next_block(&mut file, &mut block, &mut report, skip_bad_rows) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => {
                stopped = Some(err.line);
                break;
            }
        }
        for record in block.records() {
            let row = Row::new(record, &file);
            rows.push((row.line, record.iter().map(str::to_string).collect()));
        }
    }
    assert_eq!(report.rows_read, rows.len() as u64);
    let mut bad: Vec<Option<u64>> = report.bad_rows.iter().map(|err| err.line).collect();
    bad.extend(stopped);
    (rows, bad)
}

#[test]
fn blocks_of_rows_come_in_order_with_their_errors_between() {
    // 40 rows; rows 9 and 30 (lines 10 and 31) have a cell too many.
    let mut text = String::from("id,minutes\n");
    for i in 1..=40 {
        let extra = if i == 9 || i == 30 { ",x" } else { "" };
        text.push_str(&format!("T-{i},{i}{extra}\n"));
    }
    let (_file, source) = source_of(text.as_bytes());
    let line_of =
        |rows: &[(u64, Vec<String>)]| rows.iter().map(|(line, _)| *line).collect::<Vec<_>>();
    // Skipping: every good row in order, both bad rows noted.
    let (rows, bad) = records_in_blocks(&source, None, true);
    let good: Vec<u64> = (2..=41).filter(|line| *line != 10 && *line != 31).collect();
    assert_eq!(line_of(&rows), good);
    assert_eq!(bad, [Some(10), Some(31)]);
    assert_eq!(rows[0].1, ["T-1", "1"]);
    // Not skipping: the rows before the first bad one, then its error.
    let (rows, bad) = records_in_blocks(&source, None, false);
    assert_eq!(line_of(&rows), (2..=9).collect::<Vec<u64>>());
    assert_eq!(bad, [Some(10)]);
}

#[test]
fn a_file_cut_into_chunks_reads_as_the_whole_file() {
    // Quoted cells with line breaks, doubled quotes, blank lines, CRLF
    // endings: every cut must fall between records, and the chunks
    // read one after another must give the whole file's records with
    // the whole file's line numbers.
    let mut text = String::from("id,note,minutes\r\n");
    for i in 0..60 {
        match i % 7 {
            0 => text.push_str(&format!("T-{i},\"line one\nline two\nline three\",{i}\r\n")),
            3 => text.push_str(&format!("T-{i},\"a \"\"quoted\"\"\n word\",{i}\n\n")),
            _ => text.push_str(&format!("T-{i},plain {i},{i}\n")),
        }
    }
    for bom in [false, true] {
        let mut bytes = if bom {
            vec![0xEF, 0xBB, 0xBF]
        } else {
            Vec::new()
        };
        bytes.extend_from_slice(text.as_bytes());
        let (file, source) = source_of(&bytes);
        let (whole, _) = records(&source, None);
        assert_eq!(whole.len(), 60);
        let data_start = CsvFile::open(&source, None, |_| true).unwrap().data_start();
        for chunk in [1, 7, 20, 64, 333, 1000] {
            let cuts = chunks::find(
                file.path(),
                source.text_start(),
                data_start,
                bytes.len() as u64,
                chunk,
            );
            assert!(!cuts.is_empty());
            let mut read = Vec::new();
            let mut from = None;
            for cut in cuts.iter().copied().map(Some).chain([None]) {
                let part = Part {
                    from,
                    to: cut.map(|cut| cut.at),
                };
                let (rows, ended_at_cut) = records(&source, Some(part));
                // Read in blocks, a chunk ends where read one at a time.
                let (in_blocks, _) = records_in_blocks(&source, Some(part), false);
                assert_eq!(in_blocks, rows, "chunk {part:?}, in blocks");
                assert_eq!(ended_at_cut, cut.is_some(), "chunk {part:?}");
                read.extend(rows);
                from = cut;
            }
            assert_eq!(read, whole, "chunks of {chunk} bytes, BOM {bom}");
        }
    }
}

#[test]
fn client_sets_list_ids_in_order() {
    let mut set = ClientSet::default();
    for id in [130, 3, 64, 3, 0] {
        set.insert(id);
    }
    assert_eq!(set.iter().collect::<Vec<_>>(), vec![0, 3, 64, 130]);
    assert!(set.contains(&64) && !set.contains(&65) && !set.contains(&9999));
}
