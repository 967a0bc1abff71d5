//! Portfolio insights, computed by hand from fixtures/small/insights.
//!
//! Period 2026-10, as-of 2026-10-31, support 60/h; invoices are not yet due,
//! so there are no collection costs:
//! Alpha 1000 − 60 min (60.00) = 940, 1 h; Bravo 500 − 120 min = 380, 2 h;
//! Charlie 300 − 0 = 300, 0 h; Delta 100 − 300 min (300.00) = −200, 5 h;
//! Echo 0 − 30 min (30.00) = −30, 0.5 h. Total profit 1390.

use crate::util::*;

fn doc() -> serde_json::Value {
    report(
        "small/insights",
        &["--period", "2026-10", "--as-of", "2026-10-31"],
    )
}

#[test]
fn whale_curve_peak_and_its_eroding_tail() {
    let doc = doc();
    let whale = &doc["portfolio"]["whale_curve"];
    // Most profitable first: 940, 380, 300, −30, −200; cumulative 940, 1320,
    // 1620, 1590, 1390. Peak 1620 after 3 clients; 1620 / 1390 = 1.16547.
    assert_eq!(whale["peak"].to_string(), "1620.00");
    assert_eq!(whale["peak_clients"], 3);
    assert_eq!(whale["peak_share"].as_f64(), Some(1.1655));
    // The other 2 take 1390 − 1620 = −230 away.
    assert_eq!(whale["eroding_clients"], 2);
    assert_eq!(whale["eroded"].to_string(), "-230.00");
}

#[test]
fn value_versus_effort_quadrants() {
    let doc = doc();
    let quadrants = &doc["portfolio"]["quadrants"];
    // Profits sorted −200, −30, 300, 380, 940: median 300. Hours 0, 0.5, 1,
    // 2, 5: median 1.
    assert_eq!(quadrants["median_profit"].to_string(), "300.00");
    assert_eq!(quadrants["median_hours_to_serve"].as_f64(), Some(1.0));
    // High value = profit ≥ 300; high effort = hours > 1.
    for (name, quadrant) in [
        ("Alpha", "excellent"),   // 940 ≥ 300, 1 h not > 1
        ("Bravo", "average"),     // 380 ≥ 300, 2 h > 1
        ("Charlie", "excellent"), // 300 ≥ 300 (at the median), 0 h
        ("Delta", "unbearable"),  // −200 < 300, 5 h > 1
        ("Echo", "passive"),      // −30 < 300, 0.5 h
    ] {
        assert_eq!(client(&doc, name)["quadrant"], quadrant, "{name}");
    }
    assert_eq!(quadrants["excellent"], 2);
    assert_eq!(quadrants["average"], 1);
    assert_eq!(quadrants["unbearable"], 1);
    assert_eq!(quadrants["passive"], 1);
}

#[test]
fn pareto_shares() {
    let doc = doc();
    let pareto = &doc["portfolio"]["pareto"];
    // 20% of 5 clients, rounded up: 1. Revenue 1000 / 1900 = 0.52632;
    // profit 940 / 1390 = 0.67626.
    assert_eq!(pareto["top_clients"], 1);
    assert_eq!(pareto["revenue_share"].as_f64(), Some(0.5263));
    assert_eq!(pareto["profit_share"].as_f64(), Some(0.6763));
    let table = run([
        "report",
        &fixture("small/insights").display().to_string(),
        "--period",
        "2026-10",
        "--as-of",
        "2026-10-31",
    ]);
    assert!(table.stdout.contains("Whale curve: profit peaks at 117% of the total after the top 3 clients; the other 2 erode 230.00"), "{}", table.stdout);
    assert!(
        table
            .stdout
            .contains("Value vs effort: excellent 2 · average 1 · unbearable 1 · passive 1"),
        "{}",
        table.stdout
    );
}
