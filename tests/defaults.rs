//! Honest defaults: while `[rates] delivery_cost_share` is unset the cost
//! of the work itself is unknown, and every format says that profit leaves
//! it out; the config file's common slips get messages that say the fix.

use std::path::Path;

use crate::util::*;

/// The demo's exports without its clientfit.toml (so every default holds),
/// plus `config` as clientfit.toml when given.
/// The demo's exports without its config, and without its timesheet:
/// the cost of the work is then a share of revenue, set or not.
fn demo_without_config(dir: &Path, config: Option<&str>) {
    for entry in std::fs::read_dir(fixture("demo")).expect("the demo fixture") {
        let path = entry.expect("an entry").path();
        let timesheet = path
            .file_name()
            .is_some_and(|name| name.to_string_lossy().contains("time"));
        if path.extension().is_some_and(|e| e == "csv") && !timesheet {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).expect("copies");
        }
    }
    if let Some(text) = config {
        std::fs::write(dir.join("clientfit.toml"), text).expect("writes");
    }
}

const NOTE: &str = "profit leaves out delivery cost: set `[rates] delivery_cost_share`";

fn report_in(dir: &Path, format: &str) -> Outcome {
    run([
        "report",
        dir.to_str().unwrap(),
        "--as-of",
        "2026-10-31",
        "--format",
        format,
        "--top",
        "2",
    ])
}

#[test]
fn an_unknown_delivery_cost_is_said_in_every_format() {
    let dir = tempfile::tempdir().expect("a temp dir");
    demo_without_config(dir.path(), None);
    for format in ["table", "markdown", "html"] {
        let out = report_in(dir.path(), format);
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        assert_eq!(
            out.stdout.matches(NOTE).count(),
            1,
            "{format} says it once:\n{}",
            out.stdout
        );
        // An assumption of the figures, not a problem with the inputs:
        // not repeated on stderr.
        assert!(!out.stderr.contains(NOTE), "{format}: {}", out.stderr);
    }
    let out = run(["check", dir.path().to_str().unwrap()]);
    assert!(
        out.stdout.contains(&format!("note: {NOTE}")),
        "{}",
        out.stdout
    );
    let out = run(["check", fixture("demo").to_str().unwrap()]);
    assert!(!out.stdout.contains(NOTE), "{}", out.stdout);
    let doc = parse(&report_in(dir.path(), "json").stdout);
    let notes = doc["notes"].as_array().expect("a notes array");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].as_str().unwrap().starts_with(NOTE));
    // CSV has no footer: the delivery cost it does not know is empty, as
    // every undefined figure is, while profit is still revenue − cost to
    // serve. Massive Dynamic: 522,071.82 − 2,106.00 = 519,965.82.
    let csv_run = report_in(dir.path(), "csv");
    // Its sentence goes to stderr, beside the config line (a line above
    // the header row would break CSV readers).
    assert!(
        csv_run.stderr.contains(&format!("note: {NOTE}")),
        "{}",
        csv_run.stderr
    );
    let csv = csv_run.stdout;
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let first: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(first[column("client")], "Massive Dynamic");
    assert_eq!(first[column("delivery_cost")], "");
    assert_eq!(first[column("revenue")], "522071.82");
    assert_eq!(first[column("cost_to_serve")], "2106.00");
    assert_eq!(first[column("profit")], "519965.82");
    // explain says it where the cost would be.
    let out = run([
        "explain",
        "massive",
        dir.path().to_str().unwrap(),
        "--as-of",
        "2026-10-31",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains(&format!("  delivery         unknown  {NOTE}")),
        "{}",
        out.stdout
    );
}

#[test]
fn a_delivery_cost_share_set_even_to_zero_silences_the_note_and_changes_no_figure() {
    let unset = tempfile::tempdir().expect("a temp dir");
    demo_without_config(unset.path(), None);
    let zero = tempfile::tempdir().expect("a temp dir");
    demo_without_config(zero.path(), Some("[rates]\ndelivery_cost_share = 0\n"));
    let unset_doc = parse(&report_in(unset.path(), "json").stdout);
    let zero_doc = parse(&report_in(zero.path(), "json").stdout);
    // Only the basis is said: a share of revenue, here 0%.
    assert_eq!(
        zero_doc["notes"],
        serde_json::json!([
            "cost basis: share — delivery cost is 0% of revenue ([rates] delivery_cost_share); a timesheet among the inputs would cost the hours worked instead"
        ])
    );
    assert_eq!(zero_doc["cost_basis"], "share");
    assert_eq!(unset_doc["clients"], zero_doc["clients"]);
    assert_eq!(unset_doc["portfolio"], zero_doc["portfolio"]);
    for format in ["table", "markdown", "html"] {
        let out = report_in(zero.path(), format);
        assert!(!out.stdout.contains(NOTE), "{format}:\n{}", out.stdout);
    }
    let csv_run = report_in(zero.path(), "csv");
    assert!(!csv_run.stderr.contains(NOTE), "{}", csv_run.stderr);
    let csv = csv_run.stdout;
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .contains(",0.00,2106.00,519965.82,"),
        "{csv}"
    );
    // The demo prices its work from its timesheet: no note.
    let out = run(["report", fixture("demo").to_str().unwrap(), "--top", "1"]);
    assert!(!out.stdout.contains(NOTE), "{}", out.stdout);
}

#[test]
fn init_asks_for_the_delivery_cost_share() {
    let out = run(["init", "--stdout"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("SET THIS ONE."), "{}", out.stdout);
    assert!(
        out.stdout.contains("\n# delivery_cost_share = 0.4\n"),
        "{}",
        out.stdout
    );
    // The file init writes leaves it unset, so the note stays until the
    // user sets it.
    let dir = tempfile::tempdir().expect("a temp dir");
    demo_without_config(dir.path(), Some(&out.stdout));
    assert!(report_in(dir.path(), "table").stdout.contains(NOTE));
}

#[test]
fn config_slips_name_the_line_and_the_fix() {
    let dir = tempfile::tempdir().expect("a temp dir");
    demo_without_config(
        dir.path(),
        Some("currency = \"USD\"\n[fx]\nEUR = 1.08\ncurrency = \"USD\"\n"),
    );
    let out = report_in(dir.path(), "table");
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("clientfit.toml: line 4: `currency = \"USD\"` is read as part of [fx]"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
}

/// CSV rows are all a script sees: a selection says on stderr how many of
/// the listed clients it kept (the demo lists 32; `--top 3` keeps 3).
#[test]
fn a_csv_selection_says_how_many_rows_it_kept() {
    let out = run([
        "report",
        fixture("demo").to_str().unwrap(),
        "--format",
        "csv",
        "--top",
        "3",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 1 + 3, "{}", out.stdout);
    assert!(
        out.stderr.contains("note: Showing 3 of 32 clients"),
        "{}",
        out.stderr
    );
}
