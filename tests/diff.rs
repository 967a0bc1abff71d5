//! `clientfit diff`: two monthly snapshots of fixtures/diff, end to end.
//!
//! Default rates (support 60/h, 15 per late invoice, no meetings).
//!
//! September (fixtures/diff/2026-09, period 2026-09, as-of 09-30):
//! - Abrasive Corp: AB-0901 3000.00 paid early; 2 tickets × 30 min = 60.00
//!   → profit 3000 − 60 = 2940.00, no flag → keep
//! - Latepay Ltd: LP-0901, LP-0902 1000.00 each, both paid 10 days late →
//!   late 2/2 → late-payer; 2000 − 2×15 − 60 (one 60 min ticket) = 1910.00
//!   → restructure
//! - Steady Inc: 5000.00 on time; one 120 min ticket → 4880.00 → keep
//! - Oldco: 800.00 on time → 800.00 → keep (absent in October: gone)
//!
//! October (fixtures/diff/2026-10, period 2026-10, as-of 10-31):
//! - Abrasive Corp: AB-1001 1000.00 paid early, AB-1002 500.00 due 10-16
//!   unpaid (late, 15 d, overdue 500.00); one 30 min ticket tagged
//!   abusive → 1500 − 30 − 15 = 1455.00; abusive → fire (revenue share
//!   1500 / 12100 = 12% < 15%: no concentration guard)
//! - Latepay Ltd: 2 × 1000.00 paid by their due dates → 2000.00, no flag →
//!   keep (late-payer cleared)
//! - Steady Inc: 8000.00 on time; 3 tickets × 40 min = 120.00 → 7880.00
//! - Newco: 600.00 on time → keep (new)

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::*;

/// Write the two snapshots with `clientfit report … --format json --output`.
fn snapshots(dir: &Path) -> (PathBuf, PathBuf) {
    let september = dir.join("2026-09.json");
    let october = dir.join("2026-10.json");
    for (month, period, as_of, path) in [
        ("2026-09", "2026-09", "2026-09-30", &september),
        ("2026-10", "2026-10", "2026-10-31", &october),
    ] {
        let out = run([
            "report".into(),
            fixture(&format!("diff/{month}")).into_os_string(),
            "--format".into(),
            "json".into(),
            "--period".into(),
            period.into(),
            "--as-of".into(),
            as_of.into(),
            "--output".into(),
            path.clone().into_os_string(),
        ]);
        assert_eq!(out.code, 0, "report {month} failed:\n{}", out.stderr);
        assert!(path.exists(), "{} was written", path.display());
    }
    (september, october)
}

fn diff(old: &Path, new: &Path, args: &[&str]) -> Outcome {
    let mut all = vec![
        "diff".to_string(),
        old.display().to_string(),
        new.display().to_string(),
    ];
    all.extend(args.iter().map(|a| a.to_string()));
    run(all)
}

fn diff_json(old: &Path, new: &Path) -> Value {
    let out = diff(old, new, &["--format", "json"]);
    assert_eq!(out.code, 0, "diff failed:\n{}", out.stderr);
    parse(&out.stdout)
}

fn entries<'a>(doc: &'a Value, list: &str) -> &'a Vec<Value> {
    doc["diff"][list]
        .as_array()
        .unwrap_or_else(|| panic!("diff.{list} is an array: {doc}"))
}

fn entry<'a>(doc: &'a Value, list: &str, name: &str) -> &'a Value {
    entries(doc, list)
        .iter()
        .find(|e| e["client"] == name)
        .unwrap_or_else(|| panic!("no {name:?} in diff.{list}: {}", doc["diff"][list]))
}

fn clients(doc: &Value, list: &str) -> Vec<String> {
    entries(doc, list)
        .iter()
        .map(|e| e["client"].as_str().expect("client").to_string())
        .collect()
}

#[test]
fn snapshots_hold_the_hand_computed_verdicts() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (september, october) = snapshots(dir.path());
    let sep = parse(&std::fs::read_to_string(september).expect("read"));
    let oct = parse(&std::fs::read_to_string(october).expect("read"));
    assert_eq!(verdict(client(&sep, "Abrasive Corp")), "keep");
    assert_eq!(verdict(client(&sep, "Latepay Ltd")), "restructure");
    assert_eq!(flag_ids(client(&sep, "Latepay Ltd")), ["late-payer"]);
    assert_money(client(&sep, "Latepay Ltd"), "profit", "1910.00");
    assert_eq!(verdict(client(&oct, "Abrasive Corp")), "fire");
    assert_money(client(&oct, "Abrasive Corp"), "profit", "1455.00");
    assert_eq!(verdict(client(&oct, "Latepay Ltd")), "keep");
}

#[test]
fn moves_new_and_gone_clients_in_json() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (september, october) = snapshots(dir.path());
    let doc = diff_json(&september, &october);
    assert_eq!(doc["view"], "diff");
    // Worst new verdict first: Abrasive (→ fire), then Latepay (→ keep).
    assert_eq!(clients(&doc, "moves"), ["Abrasive Corp", "Latepay Ltd"]);
    let abrasive = entry(&doc, "moves", "Abrasive Corp");
    assert_eq!(abrasive["from"], "keep");
    assert_eq!(abrasive["to"], "fire");
    assert_eq!(text(&abrasive["flags_appeared"]), r#"["abusive"]"#);
    assert_eq!(text(&abrasive["flags_cleared"]), "[]");
    let latepay = entry(&doc, "moves", "Latepay Ltd");
    assert_eq!(latepay["from"], "restructure");
    assert_eq!(latepay["to"], "keep");
    assert_eq!(text(&latepay["flags_appeared"]), "[]");
    assert_eq!(text(&latepay["flags_cleared"]), r#"["late-payer"]"#);
    // Steady Inc stayed keep: not a move.
    assert_eq!(clients(&doc, "new_clients"), ["Newco"]);
    assert_eq!(entry(&doc, "new_clients", "Newco")["to"], "keep");
    assert_eq!(clients(&doc, "gone_clients"), ["Oldco"]);
}

#[test]
fn biggest_movers_in_json() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (september, october) = snapshots(dir.path());
    let doc = diff_json(&september, &october);
    // Profit: Steady 4880 → 7880 = +3000.00; Abrasive 2940 → 1455 =
    // −1485.00; Latepay 1910 → 2000 = +90.00. Largest change first.
    assert_eq!(
        clients(&doc, "profit_movers"),
        ["Steady Inc", "Abrasive Corp", "Latepay Ltd"]
    );
    let top = &entries(&doc, "profit_movers")[0];
    assert_eq!(text(&top["old"]), "4880.00");
    assert_eq!(text(&top["new"]), "7880.00");
    assert_eq!(text(&top["change"]), "3000.00");
    let abrasive = entry(&doc, "profit_movers", "Abrasive Corp");
    assert_eq!(text(&abrasive["change"]), "-1485.00");
    assert_eq!(
        text(&entry(&doc, "profit_movers", "Latepay Ltd")["change"]),
        "90.00"
    );
    // Overdue: only Abrasive, 0 → 500.00 (AB-1002).
    assert_eq!(clients(&doc, "overdue_movers"), ["Abrasive Corp"]);
    let overdue = entry(&doc, "overdue_movers", "Abrasive Corp");
    assert_eq!(text(&overdue["old"]), "0.00");
    assert_eq!(text(&overdue["change"]), "500.00");
    // Tickets: Steady 1 → 3 (+2), Abrasive 2 → 1 (−1), Latepay 1 → 0 (−1).
    assert_eq!(
        clients(&doc, "ticket_movers"),
        ["Steady Inc", "Abrasive Corp", "Latepay Ltd"]
    );
    assert_eq!(entry(&doc, "ticket_movers", "Steady Inc")["change"], 2);
    assert_eq!(entry(&doc, "ticket_movers", "Latepay Ltd")["change"], -1);
}

#[test]
fn table_and_markdown() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (september, october) = snapshots(dir.path());
    let out = diff(&september, &october, &["--format", "table"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for line in [
        "Abrasive Corp: keep → fire  +abusive",
        "Latepay Ltd: restructure → keep  −late-payer",
        "Newco: keep",
        "Oldco (was keep)",
        "Steady Inc: 4,880.00 → 7,880.00 (+3,000.00)",
        "Abrasive Corp: 2,940.00 → 1,455.00 (-1,485.00)",
        "Abrasive Corp: 0.00 → 500.00 (+500.00)",
        "Steady Inc: 1 → 3 (+2)",
    ] {
        assert!(
            out.stdout.contains(line),
            "table lacks {line:?}:\n{}",
            out.stdout
        );
    }
    let out = diff(&september, &october, &["--format", "markdown"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("## clientfit diff"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("### Verdict moves"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("- Abrasive Corp: keep → fire  +abusive"),
        "{}",
        out.stdout
    );
}

#[test]
fn html_is_a_page_of_its_own_and_csv_is_not_offered() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (september, october) = snapshots(dir.path());
    let out = diff(&september, &october, &["--format", "html"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("<!DOCTYPE html>"), "{}", out.stdout);
    assert!(out.stdout.trim_end().ends_with("</html>"), "{}", out.stdout);
    // Self-contained: nothing is fetched.
    assert!(!out.stdout.contains("http://") && !out.stdout.contains("https://"));
    assert!(!out.stdout.contains("<script"));
    for piece in [
        "<h2>Verdict moves</h2>",
        "<li>Abrasive Corp: <span class=\"keep\">keep</span> → <span class=\"fire\">fire</span> +abusive</li>",
        "<li>Oldco (was <span class=\"keep\">keep</span>)</li>",
        "<li>Steady Inc: 4,880.00 → 7,880.00 (+3,000.00)</li>",
    ] {
        assert!(
            out.stdout.contains(piece),
            "html lacks {piece:?}:\n{}",
            out.stdout
        );
    }
    assert!(!out.stdout.contains("## "), "markdown in the html");
    // Neither month has a config: their profits leave out the delivery
    // cost, and the diff says so as each report did.
    assert!(
        out.stdout.contains("<p class=\"meta\">Note: profit leaves out delivery cost: set `[rates] delivery_cost_share` (0.4 = the work costs 40% of revenue) (both snapshots)</p>"),
        "{}",
        out.stdout
    );
    let table = diff(&september, &october, &["--format", "table"]);
    assert!(
        table
            .stdout
            .contains("\nNote: profit leaves out delivery cost"),
        "{}",
        table.stdout
    );
    let json = diff_json(&september, &october);
    assert_eq!(
        json["diff"]["notes"].as_array().map(Vec::len),
        Some(1),
        "{json}"
    );
    // csv is refused by the argument parser: a usage error, exit 2, and
    // `--help` does not offer it.
    let out = diff(&september, &october, &["--format", "csv"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("possible values: table, json, markdown, html"),
        "{}",
        out.stderr
    );
    let help = run(["diff", "--help"]);
    assert!(!help.stdout.contains("csv"), "{}", help.stdout);
}

#[test]
fn client_names_are_escaped_in_the_html() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (september, october) = snapshots(dir.path());
    // Rename a client in the newer snapshot to markup; it is then a new
    // client, and its name must arrive as text.
    let text = std::fs::read_to_string(&october)
        .expect("the snapshot")
        .replace("\"Newco\"", "\"<b>Newco</b> & co\"");
    let hostile = dir.path().join("hostile.json");
    std::fs::write(&hostile, text).expect("writes");
    let out = diff(&september, &hostile, &["--format", "html"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("&lt;b&gt;Newco&lt;/b&gt; &amp; co"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("<b>Newco"), "{}", out.stdout);
}

#[test]
fn fail_on_move_to() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (september, october) = snapshots(dir.path());
    // Abrasive moved keep → fire.
    let out = diff(&september, &october, &["--fail-on-move-to", "fire"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stdout.contains("keep → fire"),
        "the diff is still printed"
    );
    // fire is worse than refer and restructure.
    for verdict in ["refer", "restructure"] {
        let out = diff(&september, &october, &["--fail-on-move-to", verdict]);
        assert_eq!(out.code, 3, "--fail-on-move-to {verdict}");
    }
    // Identical snapshots: nothing moved.
    let out = diff(&october, &october, &["--fail-on-move-to", "fire"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = diff_json(&october, &october);
    for list in ["moves", "new_clients", "gone_clients", "profit_movers"] {
        assert!(
            entries(&doc, list).is_empty(),
            "{list} of identical snapshots"
        );
    }
    // Backwards, Abrasive moves fire → keep (an improvement) and Latepay
    // keep → restructure: nobody moved to fire, somebody to restructure.
    let out = diff(&october, &september, &["--fail-on-move-to", "fire"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = diff(&october, &september, &["--fail-on-move-to", "restructure"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
}

#[test]
fn refuses_an_incompatible_schema() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (september, october) = snapshots(dir.path());
    let mut doc = parse(&std::fs::read_to_string(&october).expect("read"));
    assert_eq!(doc["schema"], 1, "report snapshots carry their schema");
    doc["schema"] = Value::from(99);
    let future = dir.path().join("future.json");
    std::fs::write(&future, serde_json::to_string(&doc).expect("json")).expect("write");
    let out = diff(&september, &future, &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "nothing printed: {}", out.stdout);
    assert!(out.stderr.contains("future.json"), "{}", out.stderr);
    assert!(out.stderr.contains("schema 99"), "{}", out.stderr);
    assert!(out.stderr.contains("schema 1"), "{}", out.stderr);
}

#[test]
fn refuses_non_json_and_other_views() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (september, _) = snapshots(dir.path());
    let csv = fixture("diff/2026-10/invoices.csv");
    let out = diff(&september, &csv, &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("invoices.csv"), "{}", out.stderr);
    assert!(out.stderr.contains("not JSON"), "{}", out.stderr);
    // A receivables view is JSON from clientfit, but not a report snapshot.
    let view = dir.path().join("receivables.json");
    let out = run([
        "receivables".into(),
        fixture("diff/2026-10").into_os_string(),
        "--format".into(),
        "json".into(),
        "--as-of".into(),
        "2026-10-31".into(),
        "--output".into(),
        view.clone().into_os_string(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = diff(&september, &view, &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("not a report snapshot"),
        "{}",
        out.stderr
    );
}

#[test]
fn csv_is_not_offered() {
    // `clientfit diff --help`: "csv is not offered: the moves are a list,
    // not a table"; the spec lists table, json and markdown. Yet
    // `--format csv` is accepted and prints the table text.
    let dir = tempfile::tempdir().expect("a temp dir");
    let (september, october) = snapshots(dir.path());
    let out = diff(&september, &october, &["--format", "csv"]);
    assert_eq!(
        out.code, 2,
        "--format csv should be a usage error:\n{}",
        out.stdout
    );
}

fn text(value: &Value) -> String {
    value.to_string()
}

#[test]
fn the_json_gives_each_as_of_as_a_date_and_its_period_apart() {
    let dir = tempfile::tempdir().unwrap();
    let (september, october) = snapshots(dir.path());
    let doc = diff_json(&september, &october);
    let fields = &doc["diff"];
    assert_eq!(fields["old_as_of"], "2026-09-30");
    assert_eq!(fields["new_as_of"], "2026-10-31");
    assert_eq!(fields["old_period"]["from"], "2026-09-01");
    assert_eq!(fields["old_period"]["to"], "2026-09-30");
    assert_eq!(fields["new_period"]["from"], "2026-10-01");
    assert_eq!(fields["new_period"]["to"], "2026-10-31");
    // The text still says both.
    let text = diff(&september, &october, &[]);
    assert!(
        text.stdout.starts_with(
            "clientfit diff — 2026-09-30 (period 2026-09-01 to 2026-09-30) → 2026-10-31 (period 2026-10-01 to 2026-10-31)\n"
        ),
        "{}",
        text.stdout
    );
}

/// Two snapshots made with different settings, or given the wrong way
/// round, move figures that no client moved: the diff says so first.
#[test]
fn different_settings_and_reversed_snapshots_are_named() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let (september, october) = snapshots(dir.path());
    let config = dir.path().join("dearer.toml");
    std::fs::write(&config, "[rates]\nsupport_hourly = 90\n").unwrap();
    let dearer = dir.path().join("2026-09-dearer.json");
    let out = run([
        "report".into(),
        fixture("diff/2026-09").into_os_string(),
        "--format".into(),
        "json".into(),
        "--period".into(),
        "2026-09".into(),
        "--as-of".into(),
        "2026-09-30".into(),
        "--config".into(),
        config.into_os_string(),
        "--output".into(),
        dearer.clone().into_os_string(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let notes = |doc: &Value| doc["diff"]["notes"].to_string();
    let doc = diff_json(&september, &dearer);
    assert!(
        notes(&doc).contains("different settings (")
            && notes(&doc).contains("rates.support_hourly"),
        "{}",
        notes(&doc)
    );
    let doc = diff_json(&october, &september);
    assert!(
        notes(&doc)
            .contains("the older snapshot is as of 2026-10-31, after the newer one (2026-09-30)"),
        "{}",
        notes(&doc)
    );
    // The same settings, in order: neither note.
    let doc = diff_json(&september, &october);
    assert!(
        !notes(&doc).contains("different settings"),
        "{}",
        notes(&doc)
    );
    assert!(!notes(&doc).contains("right way round"), "{}", notes(&doc));
}
