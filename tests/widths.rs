//! The terminal views fit the terminal: at 80, 120 and 200 columns every
//! line of `report` and `receivables` fits, no word or number is split
//! across lines, and the columns left out are the least important ones,
//! named under the table.

use clientfit::render::fit::width_of;

use crate::util::*;

fn at_width(width: u16, args: &[&str]) -> String {
    let out = clientfit()
        .env("COLUMNS", width.to_string())
        .args(args)
        .output()
        .expect("clientfit runs");
    assert_eq!(out.status.code(), Some(0), "{args:?}");
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The words of the table's cells: split at spaces and the column borders.
fn cell_words(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.starts_with('│'))
        .flat_map(|l| l.split(['│', '┆', ' ']))
        .filter(|w| !w.is_empty())
        .collect()
}

fn hidden(text: &str) -> Option<String> {
    let start = text.find("Narrow terminal: hidden ")?;
    let rest = &text[start + "Narrow terminal: hidden ".len()..];
    let end = rest.find(" (widen it")?;
    Some(rest[..end].split_whitespace().collect::<Vec<_>>().join(" "))
}

fn assert_fits(text: &str, width: u16, what: &str) {
    for line in text.lines() {
        assert!(
            width_of(line) <= usize::from(width),
            "{what} at {width}: {} columns: {line}",
            width_of(line)
        );
    }
}

#[test]
fn the_report_fits_80_120_and_200_columns_dropping_the_least_important() {
    let demo = fixture("demo");
    let demo = demo.to_str().unwrap();
    let doc = report(demo, &[]);
    // Column widths on the demo (content + 3, the table 1 more): # 2 → 5,
    // client at least 14 → 17, revenue "522,071.82" → 13, profit → 13,
    // margin → 9, overdue "300,410.13" → 13, flags at least 18 → 21,
    // verdict "restructure" → 14. At 80, without the columns that go
    // first (scope chg, no-shows, tickets, late %, cost to serve), it is
    // still 1+5+17+13+13+9+13+21+14 = 106; without flags 85; without
    // overdue 72, which fits. At 120 the 106 fits; cost to serve (16)
    // would make it 122. The price gap goes first of all.
    for (width, expected) in [
        (
            80,
            Some("cost to serve, price gap, overdue, late %, tickets, no-shows, scope chg, flags"),
        ),
        (
            120,
            Some("cost to serve, price gap, late %, tickets, no-shows, scope chg"),
        ),
        (200, None),
    ] {
        let text = at_width(width, &["report", demo]);
        assert_fits(&text, width, "report");
        assert_eq!(hidden(&text).as_deref(), expected, "{text}");
        let words = cell_words(&text);
        for client in rows(&doc) {
            // Every word of every name whole, on one line.
            for word in client["client"].as_str().unwrap().split(' ') {
                assert!(words.contains(&word), "{word:?} at {width}:\n{text}");
            }
            // Every figure whole.
            let revenue = money(client, "revenue");
            let grouped = clientfit::numbers::grouped(revenue.parse().unwrap());
            assert!(words.contains(&grouped.as_str()), "{grouped} at {width}");
            if width >= 120 {
                for flag in flag_ids(client) {
                    assert!(
                        words.contains(&flag.as_str())
                            || words.contains(&format!("{flag},").as_str()),
                        "{flag} at {width}:\n{text}"
                    );
                }
            }
        }
        // The margin is kept at every width, and verdicts are never hidden.
        let header = text
            .lines()
            .find(|l| l.starts_with('│') && l.contains("client"))
            .unwrap();
        assert!(
            header.contains("margin") && header.contains("verdict"),
            "{header}"
        );
    }
}

#[test]
fn receivables_fits_80_120_and_200_columns_and_names_what_it_hides() {
    let demo = fixture("demo");
    let demo = demo.to_str().unwrap();
    // Widths: client at least 14 → 17, outstanding "341,460.01" and its
    // header (11) → 14, 90+ "171,544.70" → 13, overdue → 13: 1 + 17 + 14
    // + 13 + 13 = 58 never drops; 61-90 "85,304.84"/"88,598.77" → 12 is
    // the last bucket to go and fits at 80 (70); DSO "238.7"/"322.7" → 8
    // (drop order 6) would make 78 but goes before the buckets.
    for (width, expected) in [
        (
            80,
            Some("current, 1-30, 31-60, oldest overdue, DSO, ADD, CEI %, late %, avg days late"),
        ),
        (
            120,
            Some("oldest overdue, ADD, CEI %, late %, avg days late"),
        ),
        (200, None),
    ] {
        let text = at_width(width, &["receivables", demo]);
        assert_fits(&text, width, "receivables");
        assert_eq!(hidden(&text).as_deref(), expected, "{text}");
        let words = cell_words(&text);
        // Massive Dynamic: outstanding 341,460.01, 90+ 171,544.70, overdue
        // 300,410.13 (the aging buckets checked by hand in tests/receivables.rs).
        for figure in ["341,460.01", "171,544.70", "300,410.13", "388,540.79"] {
            assert!(words.contains(&figure), "{figure} at {width}:\n{text}");
        }
        for word in ["Massive", "Dynamic", "Los", "Pollos", "Hermanos", "Total"] {
            assert!(words.contains(&word), "{word} at {width}:\n{text}");
        }
    }
}

#[test]
fn long_and_wide_names_are_wrapped_between_words_or_cut_with_a_mark() {
    let dir = fixture("small/long-names");
    let dir = dir.to_str().unwrap();
    for width in [80, 120, 200] {
        for command in ["report", "receivables"] {
            let text = at_width(width, &[command, dir]);
            assert_fits(&text, width, command);
            let words = cell_words(&text);
            // Double-width words are whole (the column counts them as two).
            assert!(words.contains(&"東京本店"), "{command} at {width}:\n{text}");
            for word in ["Consulting", "Partnership", "Greater"] {
                assert!(words.contains(&word), "{command} at {width}:\n{text}");
            }
            // A 57-character word does not fit a narrow column: it is cut
            // and marked, never continued on the next line.
            let long = "Supercalifragilisticexpialidocious-Holdings-International";
            let shown = words
                .iter()
                .find(|w| w.starts_with("Supercali"))
                .expect("the long name");
            assert!(
                *shown == long
                    || (shown.ends_with('…') && long.starts_with(shown.trim_end_matches('…'))),
                "{shown}"
            );
            assert!(!words.iter().any(|w| w.starts_with("Holdings")), "{text}");
        }
    }
}
