//! Unit tests of `date`.

use super::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn the_time_shortcut_agrees_with_the_general_walk() {
    // Every two-digit hour and minute, with and without seconds (some
    // not digits), after each separator, and tails it must leave to
    // the general walk.
    let mut accepted = 0;
    for separator in ["T", "t", " ", "x", ""] {
        for hour in 0..100 {
            for minute in 0..100 {
                for seconds in ["", ":00", ":59", ":7x", ":1", " AM", "Z", ":00.5"] {
                    let tail = format!("{separator}{hour:02}:{minute:02}{seconds}");
                    let shortcut = check_time_tail(tail.as_bytes());
                    assert_eq!(
                        shortcut,
                        check_time_tail_general(tail.as_bytes()),
                        "{tail:?}"
                    );
                    accepted += usize::from(shortcut.is_ok());
                }
            }
        }
    }
    // 24 hours x 60 minutes x 3 separators x the 5 valid tails (AM
    // only for hours 1-12: 12 x 60 x 3 instead).
    assert_eq!(accepted, 24 * 60 * 3 * 5 + 12 * 60 * 3);
    for tail in [" 1:00", " 10:0", "T", " ", "", " 10:00:00:00", " ab:cd"] {
        assert_eq!(
            check_time_tail(tail.as_bytes()),
            check_time_tail_general(tail.as_bytes()),
            "{tail:?}"
        );
    }
}

#[test]
fn the_usual_time_of_day_is_time_of_day() {
    // Every two-digit hour and minute, with and without seconds, after
    // each separator, and shapes it must leave to `time_of_day`.
    let mut taken = 0;
    for separator in ["T", " ", "t", "x"] {
        for hour in 0..100 {
            for minute in 0..100 {
                for seconds in ["", ":00", ":59", ":60", ":7x", " PM", "Z", ":00.5"] {
                    let text = format!("2026-10-03{separator}{hour:02}:{minute:02}{seconds}");
                    let general = time_of_day(&text);
                    match usual_time_of_day(text.as_bytes()) {
                        Some(usual) => {
                            assert_eq!(usual, general, "{text:?}");
                            taken += 1;
                        }
                        None => assert!(
                            !matches!(separator, "T" | " ")
                                || !matches!(seconds, "" | ":00" | ":59" | ":60"),
                            "{text:?} should be the usual shape"
                        ),
                    }
                }
            }
        }
    }
    // Two separators x 100 x 100 x the four shapes it reads.
    assert_eq!(taken, 2 * 100 * 100 * 4);
    for text in [
        "2026-10-03",
        "2026-10-031 10:00",
        "2026-1-03 10:00",
        "20261003 10:00",
    ] {
        assert_eq!(usual_time_of_day(text.as_bytes()), None, "{text:?}");
    }
}

#[test]
fn remembered_days_are_the_days_parse_date_gives() {
    // More distinct days than the memo has slots (so slots are taken
    // over), each read three times and in several shapes, mixed with
    // texts that start like a date but are not one, or not ISO.
    let memo = DayMemo::default();
    let mut texts = Vec::new();
    // 10 years x 14 months x 33 days: more heads than slots.
    for year in [0, 1600, 1900, 1999, 2000, 2024, 2025, 2100, 2400, 9999] {
        for month in 0..=13 {
            for day in 0..=32 {
                texts.push(format!("{year}-{month:02}-{day:02}"));
                texts.push(format!("{year}-{month:02}-{day:02} 10:30"));
                texts.push(format!("{year}-{month:02}-{day:02}T25:00"));
                texts.push(format!("{year}-{month:02}-{day:02}7"));
                texts.push(format!(" {year}-{month:02}-{day:02}x"));
                texts.push(format!("{day:02}/{month:02}/{year}"));
            }
        }
    }
    // Texts read first, into empty slots, that must not match them.
    for text in [
        "\u{7f}".repeat(10),
        "\0".repeat(10) + " 10:00",
        "\0".repeat(10),
    ] {
        texts.insert(0, text);
    }
    for round in 0..3 {
        for text in &texts {
            for order in [None, Some(DateOrder::Dmy), Some(DateOrder::Mdy)] {
                assert_eq!(
                    memo.parse_date(text, order),
                    parse_date(text, order),
                    "{text:?}, round {round}"
                );
            }
            assert_eq!(
                memo.parse_date_time(text, Some(DateOrder::Dmy)),
                parse_date_time(text, Some(DateOrder::Dmy)),
                "{text:?}"
            );
        }
    }
}

#[test]
fn the_iso_shortcut_agrees_with_the_general_parser() {
    // Every day of four years (leap and not, so Feb 29 is tested both
    // ways), impossible days and months, with and without times and
    // with tails that are not times, a trailing digit, padding.
    let tails = [
        "",
        " 10:00",
        "T09:41:00Z",
        " 9:41 AM",
        " 10",
        "x",
        "0",
        "  ",
        " 25:00",
    ];
    let mut checked = 0;
    for year in [0, 1999, 2000, 2024, 2100, 9999] {
        for month in 0..=13 {
            for day in 0..=32 {
                for tail in tails {
                    let text = format!("{year:04}-{month:02}-{day:02}{tail}");
                    for order in [None, Some(DateOrder::Dmy), Some(DateOrder::Mdy)] {
                        assert_eq!(
                            parse_date(&text, order),
                            parse_date_general(text.trim().as_bytes(), order),
                            "{text:?}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 40_000);
}

#[test]
fn iso_dates_and_datetimes_keep_the_written_calendar_date() {
    for text in [
        "2026-10-03",
        " 2026-10-03 ",
        "2026-10-03T23:59:59Z",
        "2026-10-03T23:59:59.123+05:30",
        "2026-10-03 09:14:22 +0200",
        "2026-10-03 10:02",
        "2026-10-03 10:00 am",
        "2026-10-03 02:00 PM",
        "2026-10-03T00:00:00-0800",
        "2026/10/03",
        "2026-10-3",
    ] {
        assert_eq!(parse_date(text, None), Ok(date(2026, 10, 3)), "{text}");
    }
}

#[test]
fn month_names_in_every_position() {
    for text in [
        "3 Oct 2026",
        "Oct 3, 2026",
        "October 3, 2026",
        "03-Oct-2026",
        "03/Oct/26 9:41 AM",
        "3 SEPT 2026",
    ] {
        let expected = if text.contains("SEPT") {
            date(2026, 9, 3)
        } else {
            date(2026, 10, 3)
        };
        assert_eq!(parse_date(text, None), Ok(expected), "{text}");
    }
}

#[test]
fn numeric_dates_need_an_order_and_follow_it() {
    assert_eq!(parse_date("03/10/2026", None), Err(DateProblem::NeedsOrder));
    assert_eq!(
        parse_date("03/10/2026", Some(DateOrder::Dmy)),
        Ok(date(2026, 10, 3))
    );
    assert_eq!(
        parse_date("03/10/2026", Some(DateOrder::Mdy)),
        Ok(date(2026, 3, 10))
    );
    assert_eq!(
        parse_date("3.10.26", Some(DateOrder::Dmy)),
        Ok(date(2026, 10, 3))
    );
    assert_eq!(
        parse_date("6/1/2023 11:14", Some(DateOrder::Mdy)),
        Ok(date(2023, 6, 1))
    );
    assert_eq!(
        parse_date("13/10/2026", Some(DateOrder::Mdy)),
        Err(DateProblem::Invalid(Some(DateOrder::Mdy)))
    );
    assert_eq!(
        parse_date("1/1/99", Some(DateOrder::Dmy)),
        Ok(date(1999, 1, 1))
    );
}

#[test]
fn evidence_for_the_day_month_order() {
    assert_eq!(order_evidence("13/10/2026"), OrderEvidence::ProvesDmy);
    assert_eq!(order_evidence("10/13/2026 9:00"), OrderEvidence::ProvesMdy);
    assert_eq!(order_evidence("03.04.26"), OrderEvidence::Ambiguous);
    assert_eq!(order_evidence("2026-10-13"), OrderEvidence::None);
    assert_eq!(order_evidence("03/Oct/26"), OrderEvidence::None);
    assert_eq!(order_evidence(""), OrderEvidence::None);
}

#[test]
fn times_of_day_are_kept_for_durations() {
    let time = |t: &str| parse_date_time(t, Some(DateOrder::Mdy)).unwrap().1;
    let hm = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0);
    assert_eq!(time("2026-10-06 10:00 am"), hm(10, 0));
    assert_eq!(time("2026-10-08 02:00 pm"), hm(14, 0));
    assert_eq!(time("2026-10-08 12:30 am"), hm(0, 30));
    assert_eq!(time("2026-10-02T16:00:00Z"), hm(16, 0));
    assert_eq!(time("03/Oct/26 9:41 AM"), hm(9, 41));
    assert_eq!(time("6/1/2023 11:14"), hm(11, 14));
    assert_eq!(time("2026-10-02"), None);
}

#[test]
fn not_dates_are_rejected() {
    for text in [
        "",
        "soon",
        "2026-13-01",
        "2026-02-30",
        "2026-10-03 garbage",
        "2026-10-03T25:00",
        "2026-10",
        "10/2026",
        "3 Foo 2026",
        "2026-10-03 10:00 +2",
        "20261003",
    ] {
        assert!(parse_date(text, Some(DateOrder::Dmy)).is_err(), "{text}");
    }
    assert_eq!(
        parse_date("2026-02-30", None),
        Err(DateProblem::Invalid(None))
    );
}

#[test]
fn time_cells_beside_date_cells() {
    let at = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0);
    assert_eq!(parse_time_cell("14:30"), at(14, 30));
    assert_eq!(parse_time_cell("14:30:00"), at(14, 30));
    assert_eq!(parse_time_cell("2:30 PM"), at(14, 30));
    assert_eq!(parse_time_cell("12:15 AM"), at(0, 15));
    assert_eq!(parse_time_cell("2026-10-03 09:05"), at(9, 5));
    assert_eq!(parse_time_cell("noon"), None);
    assert_eq!(parse_time_cell("25:00"), None);
}
