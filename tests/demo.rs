//! The shipped demo data set: every flag, every verdict and both guards
//! occur, and the rendered outputs are pinned by snapshots.

use std::collections::BTreeSet;

use crate::util::{self, fixture, portable, run, run_in_fixtures};

fn demo_json(args: &[&str]) -> serde_json::Value {
    util::report("demo", args)
}

#[test]
fn the_demo_exercises_every_flag_every_verdict_and_both_guards() {
    let doc = demo_json(&[]);
    let clients = util::rows(&doc);
    assert!(
        (25..=40).contains(&clients.len()),
        "{} clients",
        clients.len()
    );
    let verdicts: BTreeSet<&str> = clients
        .iter()
        .map(|c| c["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(
        verdicts,
        BTreeSet::from(["fire", "keep", "refer", "restructure"])
    );
    let flags: BTreeSet<&str> = clients
        .iter()
        .flat_map(|c| c["flags"].as_array().unwrap())
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    let every_flag = BTreeSet::from([
        "abusive",
        "bad-debt",
        "discount-heavy",
        "escalations",
        "late-payer",
        "no-shows",
        "over-servicing",
        "below-target-rate",
        "scope-creep",
        "seriously-overdue",
        "thin-margin",
        "ticket-heavy",
        "unprofitable",
    ]);
    assert_eq!(flags, every_flag);
    // Guards that held a client at restructure: one strategic, one by
    // concentration of revenue.
    let held: BTreeSet<&str> = clients
        .iter()
        .filter(|c| !c["guard"]["held_from"].is_null())
        .flat_map(|c| c["guard"]["ids"].as_array().unwrap())
        .map(|id| id.as_str().unwrap())
        .collect();
    assert_eq!(held, BTreeSet::from(["concentration", "strategic"]));
    for client in clients
        .iter()
        .filter(|c| !c["guard"]["held_from"].is_null())
    {
        assert_eq!(client["verdict"], "restructure");
    }
    // The demo pins as_of in its clientfit.toml.
    assert_eq!(doc["as_of"], "2026-10-31");
    assert_eq!(doc["period"]["from"], "2025-11-01");
    assert_eq!(doc["period"]["days"], 365);
    // One ticket in the demo names nobody it can be tied to.
    assert_eq!(doc["portfolio"]["unmatched_tickets"], 1);
}

#[test]
fn spellings_across_files_meet_in_one_client() {
    // "Acme, Inc." in invoices, "ACME INC" in tickets, "Acme Inc" in
    // clients.csv: one row, named as clients.csv names it.
    let doc = demo_json(&[]);
    let acme: Vec<_> = util::rows(&doc)
        .iter()
        .filter(|c| c["key"] == "acme")
        .collect();
    assert_eq!(acme.len(), 1);
    assert_eq!(acme[0]["client"], "Acme Inc");
    assert!(acme[0]["tickets"].as_u64().unwrap() > 0);
}

#[test]
fn json_is_byte_identical_across_runs() {
    let first = run([
        "report",
        fixture("demo").to_str().unwrap(),
        "--format",
        "json",
    ]);
    let second = run([
        "report",
        fixture("demo").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn table_snapshot() {
    let out = util::clientfit()
        .env("COLUMNS", "140")
        .current_dir(fixture(""))
        .args(["report", "demo", "--sort", "risk"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    // Not a terminal: never coloured.
    assert!(!stdout.contains('\u{1b}'));
    insta::assert_snapshot!("demo_table_risk_140", portable(&stdout));
}

#[test]
fn narrow_table_snapshot() {
    let out = util::clientfit()
        .env("COLUMNS", "80")
        .current_dir(fixture(""))
        .args(["report", "demo", "--top", "5"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    // Every line, the footer's too.
    for line in stdout.lines() {
        assert!(line.chars().count() <= 80, "wider than 80: {line}");
    }
    insta::assert_snapshot!("demo_table_top5_80", portable(&stdout));
}

#[test]
fn json_snapshot() {
    let out = run_in_fixtures(["report", "demo", "--format", "json", "--top", "3"]);
    insta::assert_snapshot!("demo_json_top3", portable(&out.stdout));
}

#[test]
fn csv_snapshot() {
    let out = run([
        "report",
        fixture("demo").to_str().unwrap(),
        "--format",
        "csv",
        "--sort",
        "name",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut reader = csv::Reader::from_reader(out.stdout.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "rank");
    assert!(headers.iter().all(|h| {
        h.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    }));
    assert_eq!(reader.records().count(), 32);
    insta::assert_snapshot!("demo_csv_by_name", out.stdout);
}

#[test]
fn color_only_when_asked_or_on_a_terminal() {
    let colored = util::clientfit()
        .args([
            "report",
            fixture("demo").to_str().unwrap(),
            "--color",
            "always",
            "--top",
            "2",
        ])
        .output()
        .unwrap();
    assert!(
        String::from_utf8(colored.stdout)
            .unwrap()
            .contains('\u{1b}')
    );
    let plain = util::clientfit()
        .env("NO_COLOR", "1")
        .args(["report", fixture("demo").to_str().unwrap(), "--top", "2"])
        .output()
        .unwrap();
    assert!(!String::from_utf8(plain.stdout).unwrap().contains('\u{1b}'));
}

#[test]
fn output_file_is_written_whole_and_never_over_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.json");
    let out = run([
        "report",
        fixture("demo").to_str().unwrap(),
        "--format",
        "json",
        "--output",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(written.ends_with("}\n"));
    util::parse(&written);
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    let input = fixture("demo/invoices.csv");
    let before = std::fs::read(&input).unwrap();
    let out = run([
        "report",
        fixture("demo").to_str().unwrap(),
        "--output",
        input.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("is one of the input files"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

fn decimal(value: &serde_json::Value) -> rust_decimal::Decimal {
    value.to_string().parse().unwrap()
}

#[test]
fn every_sort_orders_rows_as_documented_and_ranks_follow() {
    let verdict_order = |v: &serde_json::Value| {
        ["fire", "refer", "restructure", "keep"]
            .iter()
            .position(|x| v == x)
            .unwrap()
    };
    for sort in ["profit", "margin", "revenue", "risk", "name"] {
        let doc = demo_json(&["--sort", sort]);
        let rows = util::rows(&doc);
        for (index, row) in rows.iter().enumerate() {
            assert_eq!(row["rank"], index + 1, "--sort {sort}");
        }
        for pair in rows.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            let in_order = match sort {
                "profit" => decimal(&a["profit"]) >= decimal(&b["profit"]),
                "revenue" => decimal(&a["revenue"]) >= decimal(&b["revenue"]),
                // Clients without a margin (no revenue) come last.
                "margin" => match (a["margin"].as_f64(), b["margin"].as_f64()) {
                    (Some(x), Some(y)) => x >= y,
                    (_, None) => true,
                    (None, Some(_)) => false,
                },
                "name" => a["key"].as_str() <= b["key"].as_str(),
                "risk" => {
                    let severe = |c: &serde_json::Value| {
                        c["flags"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .filter(|f| f["severity"] == "severe")
                            .count()
                    };
                    let (va, vb) = (verdict_order(&a["verdict"]), verdict_order(&b["verdict"]));
                    va < vb
                        || (va == vb && severe(a) > severe(b))
                        || (va == vb
                            && severe(a) == severe(b)
                            && decimal(&a["profit"]) <= decimal(&b["profit"]))
                }
                _ => unreachable!(),
            };
            assert!(
                in_order,
                "--sort {sort}: {} before {}",
                a["client"], b["client"]
            );
        }
    }
}

#[test]
fn the_demo_costs_the_work_from_its_timesheet() {
    let doc = demo_json(&[]);
    assert_eq!(doc["cost_basis"], "hours");
    let krusty = util::rows(&doc)
        .iter()
        .find(|c| c["client"] == "Krusty Krab")
        .expect("Krusty Krab is listed");
    // timesheet.csv holds 74 rows for "Krusty Krab", summed by the rate
    // that prices each (clientfit.toml: Dana Okafor 90 by person; design
    // 70, development 78, support 48 by role; cost_hourly 62 for project
    // management; Ari Stein's rows carry their own cost_rate 95):
    //   Ari Stein, own 95.00      19 rows  72.25 h × 95 = 6,863.75
    //   Dana Okafor, person 90     5 rows   6.75 h × 90 =   607.50
    //   design, role 70           15 rows  67.50 h × 70 = 4,725.00
    //   development, role 78      16 rows  48.75 h × 78 = 3,802.50
    //   support, role 48           9 rows   6.50 h × 48 =   312.00
    //   project mgmt, hourly 62   10 rows  39.25 h × 62 = 2,433.50
    //   74 rows                          241.00 h       18,744.25
    // Billable ("Yes") hours: 66.25 + 0 + 63.50 + 42.25 + 6.00 + 34.75
    // = 212.75. Support and meetings are covered by the timesheet, so
    // they cost nothing more, and delivery cost is the labour cost.
    assert_eq!(krusty["hours"].to_string(), "241.0");
    assert_eq!(krusty["billable_hours"].to_string(), "212.75");
    assert_eq!(krusty["labour_cost"].to_string(), "18744.25");
    assert_eq!(krusty["delivery_cost"].to_string(), "18744.25");
    assert_eq!(krusty["support_cost"].to_string(), "0.00");
    assert_eq!(krusty["meeting_cost"].to_string(), "0.00");
    // 18,744.25 + 0 late invoices × 15 = 18,744.25 to serve.
    assert_eq!(krusty["cost_to_serve"].to_string(), "18744.25");
}
