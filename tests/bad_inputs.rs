//! The bad-input catalogue (SPEC §2 "Values" and "Bad input"): every
//! directory under `fixtures/bad/` holds one malformed or ambiguous input.
//! Each must stop the run cleanly — exit 1, nothing on stdout, no panic —
//! with an `error: ` that names the file and, for a bad cell, its line,
//! column and value. The full text of every message is pinned in one
//! snapshot so a change in wording is reviewed.

use crate::util::*;

/// One bad input: its directory under `fixtures/bad/`, extra arguments,
/// the file the message must name (`None` when the problem spans files),
/// and for a bad cell its (line, column header, raw value). `also` lists
/// further text the message must hold (the value list, the config key).
struct Case {
    dir: &'static str,
    args: &'static [&'static str],
    file: Option<&'static str>,
    cell: Option<(u32, &'static str, &'static str)>,
    also: &'static [&'static str],
}

const fn case(
    dir: &'static str,
    file: &'static str,
    cell: Option<(u32, &'static str, &'static str)>,
) -> Case {
    Case {
        dir,
        args: &[],
        file: Some(file),
        cell,
        also: &[],
    }
}

const INV: &str = "invoices.csv";
const TIX: &str = "tickets.csv";
const MTG: &str = "meetings.csv";

const CASES: &[Case] = &[
    // The six original cases.
    case("bad-amount", INV, Some((4, "amount", "1O0.00"))),
    case("bad-date", INV, Some((3, "issued", "2026-10-32"))),
    case("bad-minutes", TIX, Some((3, "Time spent", "ten"))),
    Case {
        also: &["\"amount\"", "[invoices.columns]"],
        ..case("missing-column", INV, None)
    },
    case("paid-before-issued", INV, Some((2, "paid", "2026-10-01"))),
    Case {
        also: &["[invoices.status]"],
        ..case("unknown-status", INV, Some((3, "status", "bezahlt")))
    },
    // "Awaiting Approval" most likely means open: the hint says so,
    // rather than always suggesting "paid".
    Case {
        also: &["\"Awaiting Approval\" = \"open\"", "status = \"\""],
        ..case(
            "unknown-status-likely",
            INV,
            Some((3, "status", "Awaiting Approval")),
        )
    },
    // Dates.
    Case {
        also: &["date_order", "--date-order"],
        ..case(
            "date-ambiguous-column",
            INV,
            Some((2, "issued", "03/04/2026")),
        )
    },
    // 13/04/2026 (line 2) proves day-first, 04/14/2026 (line 3) month-first.
    Case {
        also: &["\"13/04/2026\"", "line 2", "date_order"],
        ..case(
            "date-order-contradiction",
            INV,
            Some((3, "issued", "04/14/2026")),
        )
    },
    // clientfit.toml: date_order = "dmy".
    case("date-impossible", INV, Some((3, "issued", "31/02/2026"))),
    Case {
        args: &["--date-order", "mdy"],
        ..case(
            "date-impossible-mdy",
            INV,
            Some((3, "issued", "02/30/2026")),
        )
    },
    case(
        "date-trailing-garbage",
        INV,
        Some((3, "issued", "2026-10-03 oops")),
    ),
    case("date-two-fields", INV, Some((3, "issued", "03/10"))),
    // Amounts.
    Case {
        also: &["decimal = \",\""],
        ..case("amount-decimal-comma", INV, Some((3, "amount", "12,50")))
    },
    Case {
        also: &["decimal = \",\""],
        ..case(
            "amount-european-in-us",
            INV,
            Some((3, "amount", "1.234,56")),
        )
    },
    case(
        "amount-two-currencies",
        INV,
        Some((3, "amount", "EUR 100.00 USD")),
    ),
    Case {
        also: &["10^15"],
        ..case(
            "amount-too-large",
            INV,
            Some((3, "amount", "1000000000000000.01")),
        )
    },
    case("amount-exponent", INV, Some((3, "amount", "1e5"))),
    case("amount-paren-negative", INV, Some((3, "amount", "(-5)"))),
    case("amount-empty", INV, Some((3, "amount", ""))),
    // An ESC in a cell is shown escaped, never sent to the terminal.
    case(
        "control-chars-in-value",
        INV,
        Some((3, "amount", "1\u{1b}[31m00")),
    ),
    // Currencies.
    case("currency-unknown-code", INV, Some((3, "currency", "US$"))),
    Case {
        also: &["USD"],
        ..case(
            "currency-contradicts-amount",
            INV,
            Some((3, "amount", "EUR 200.00")),
        )
    },
    // USD, EUR and GBP with no base currency and no [fx]: the problem is
    // the whole set of invoices, not one file.
    Case {
        dir: "currencies-without-fx",
        args: &[],
        file: None,
        cell: None,
        also: &[
            "USD first on",
            "EUR first on",
            "GBP first on",
            "[fx]",
            "= 0   # fill in",
        ],
    },
    // clientfit.toml: [fx] EUR = -1.08.
    Case {
        also: &["[fx]", "-1.08"],
        ..case("fx-rate-negative", "clientfit.toml", None)
    },
    // Ticket minutes.
    case("minutes-1h20", TIX, Some((3, "Time spent", "1h20"))),
    case("minutes-negative", TIX, Some((3, "Time spent", "-15"))),
    case("minutes-1-75", TIX, Some((3, "Time spent", "1:75"))),
    case(
        "minutes-too-large",
        TIX,
        Some((3, "Time spent", "9999999999999")),
    ),
    // Meetings.
    case("attendees-negative", MTG, Some((3, "Attendees", "-2"))),
    case("attendees-fraction", MTG, Some((3, "Attendees", "2.5"))),
    Case {
        also: &["[meetings.status]"],
        ..case(
            "meeting-unknown-status",
            MTG,
            Some((3, "Status", "erschienen")),
        )
    },
    case(
        "meeting-canceled-not-boolean",
        MTG,
        Some((3, "Canceled", "maybe")),
    ),
    case(
        "meeting-end-before-start",
        MTG,
        Some((3, "End Time", "2026-10-03 09:30")),
    ),
    // Invoice rows.
    case("due-before-issued", INV, Some((3, "due", "2026-09-30"))),
    case("invoice-empty-client", INV, Some((3, "client", ""))),
    // Rows 3 and 4 share id I-2 with amounts 200.00 and 250.00 in a
    // non-line "total" column.
    Case {
        also: &["line 3", "\"I-2\"", "lines = true"],
        ..case("line-items-disagree", INV, None)
    },
    Case {
        also: &[":3:", "4 fields", "3"],
        ..case("ragged-row-long", INV, None)
    },
    Case {
        also: &[":3:", "2 fields", "3"],
        ..case("ragged-row-short", INV, None)
    },
    // Line 2 opens a quote in its last cell that is never closed: the
    // four lines to the end of the file would be lost in it.
    Case {
        also: &[":2:", "never closed", "4 lines, 2 to 5"],
        ..case("unclosed-quote-last-column", INV, None)
    },
    // UTF-8 ("Café Müller GmbH") but for one byte 0xFF on line 5: an error
    // at that row, not the whole file read as Windows-1252.
    Case {
        also: &[":5:", "0xFF", "--skip-bad-rows"],
        ..case("encoding-damaged-utf8", INV, None)
    },
    // Whole files.
    case("empty-file", INV, None),
    // Line 3 holds a Latin-1 "é"; clientfit.toml: encoding = "utf-8".
    Case {
        also: &[":3:", "encoding"],
        ..case("encoding-invalid-utf8", INV, None)
    },
    Case {
        also: &["--invoices", ":1:"],
        ..case("unknown-kind", "export.csv", None)
    },
    // A header naming one field's column twice: which one is meant?
    Case {
        also: &[":1:", "\"amount\" 2 times", "columns 3 and 4"],
        ..case("header-repeated-column", INV, None)
    },
    // Configuration.
    Case {
        also: &["payment_term_days", "line 2"],
        ..case("config-unknown-key", "clientfit.toml", None)
    },
    // [invoices.columns] amout_paid = "Paid".
    Case {
        also: &[
            "[invoices.columns]",
            "\"amout_paid\"",
            "did you mean \"paid_amount\"?",
        ],
        ..case("config-column-unknown-field", "clientfit.toml", None)
    },
    // [invoices.columns] amount = "Converted Amout" (a typo): the face-value
    // `Amount` beside it must not be read instead.
    Case {
        also: &[
            "[invoices.columns] amount = \"Converted Amout\"",
            "no column \"Converted Amout\"",
            "did you mean \"Converted Amount\"?",
        ],
        ..case("config-column-typo", INV, None)
    },
    // [tickets.columns] minutes = "Time Spent (mins)": an optional field's
    // typo must not fall back to the alias `Time spent (min)` either.
    Case {
        also: &[
            "[tickets.columns] minutes",
            "did you mean \"Time spent (min)\"?",
            "minutes = \"\"",
        ],
        ..case("config-column-typo-optional", TIX, None)
    },
    // [invoices.status] "bezahlt" = "settled".
    Case {
        also: &["[invoices.status]", "\"settled\""],
        ..case("config-status-not-a-status", "clientfit.toml", None)
    },
    // Clients master list.
    Case {
        also: &[":3:", "\"ACME, Inc.\"", "line 2", "aliases"],
        ..case("clients-duplicate", "clients.csv", None)
    },
    case(
        "clients-strategic-maybe",
        "clients.csv",
        Some((3, "strategic", "maybe")),
    ),
];

/// `clientfit report fixtures/bad/<dir> --format json --as-of 2026-10-31 ARGS`.
fn run_case(case: &Case) -> Outcome {
    let mut args = vec!["--as-of", "2026-10-31"];
    args.extend_from_slice(case.args);
    report_run(&format!("bad/{}", case.dir), &args)
}

/// Every problem of one case's run, empty when it failed cleanly.
fn problems(case: &Case, out: &Outcome) -> Vec<String> {
    let mut found = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            found.push(what);
        }
    };
    let stderr = &out.stderr;
    check(
        out.code == 1,
        format!("exit code {} (expected 1)", out.code),
    );
    check(
        out.stdout.is_empty(),
        format!("stdout is not empty: {:?}", out.stdout),
    );
    check(!stderr.contains("panicked"), "it panicked".into());
    check(
        stderr.starts_with("error: "),
        "stderr does not start with \"error: \"".into(),
    );
    if let Some(file) = case.file {
        check(
            stderr.contains(file),
            format!("the file {file} is not named"),
        );
    }
    if let (Some(file), Some((line, column, value))) = (case.file, case.cell) {
        check(
            stderr.contains(&format!("{file}:{line}:")) || stderr.contains(&format!("line {line}")),
            format!("line {line} is not named"),
        );
        check(
            stderr.contains(&format!("column {column:?}")),
            format!("column {column:?} is not named"),
        );
        // Values are quoted as Rust does, control characters escaped.
        check(
            stderr.contains(&format!("{value:?}")),
            format!("the value {value:?} is not quoted"),
        );
    }
    for part in case.also {
        check(stderr.contains(part), format!("{part:?} is not mentioned"));
    }
    check(
        !stderr.chars().any(|c| c == '\u{1b}'),
        "stderr holds a raw escape character".into(),
    );
    found
}

#[test]
fn bad_inputs_fail_cleanly_and_say_where() {
    let mut failures = Vec::new();
    for case in CASES {
        let out = run_case(case);
        let found = problems(case, &out);
        if !found.is_empty() {
            failures.push(format!(
                "{}: {}\nstderr:\n{}",
                case.dir,
                found.join("; "),
                out.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

#[test]
fn every_bad_fixture_is_in_the_table() {
    let mut dirs: Vec<String> = std::fs::read_dir(fixture("bad"))
        .expect("fixtures/bad exists")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    let mut listed: Vec<String> = CASES.iter().map(|c| c.dir.to_string()).collect();
    listed.sort();
    assert_eq!(dirs, listed, "fixtures/bad and CASES differ");
    assert!(CASES.len() >= 30);
}

#[test]
fn bad_input_messages_read_as_documented() {
    let root = fixture("").display().to_string();
    let mut all = String::new();
    for case in CASES {
        let out = run_case(case);
        all.push_str(&format!("== {} ==\n", case.dir));
        all.push_str(&out.stderr.replace(&root, "fixtures/"));
    }
    insta::assert_snapshot!("bad_input_messages", all);
}
