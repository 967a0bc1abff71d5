//! `clientfit receivables`: every figure computed by hand from
//! fixtures/receivables/aging (and custom-edges).
//!
//! Period 2026-10 (Oct 1–31, 31 days), as-of 2026-10-31. Opening AR is what
//! was owed at 2026-09-30 (the day before the period), credit sales are the
//! invoices issued in the period, closing AR is `outstanding`.
//!
//! fixtures/receivables/aging/invoices.csv (days past due at 10-31):
//! - Edge Co
//!   E0  issued 10-01 due 10-31 open 1000.00 →  0 d → current
//!   E1  issued 10-01 due 10-30 open  100.00 →  1 d → 1-30
//!   E30 issued 09-01 due 10-01 open  200.00 → 30 d → 1-30
//!   E31 issued 09-01 due 09-30 open  300.00 → 31 d → 31-60
//!   E60 issued 08-01 due 09-01 open  400.00 → 60 d → 31-60
//!   E61 issued 08-01 due 08-31 open  500.00 → 61 d → 61-90
//!   E90 issued 07-01 due 08-02 open  600.00 → 90 d → 61-90
//!   E91 issued 07-01 due 08-01 open  700.00 → 91 d → 91+
//!   P0  issued 08-10 due 09-09 paid 09-05 250.00 (paid before the period)
//!   P1  issued 09-15 due 10-15 paid 10-20 1500.00 (owed at the opening, 5 d late)
//!   P2  issued 10-05 due 10-20 paid 10-25 800.00 (credit sale, 5 d late)
//!   EV  void 9999.00 and EW written off 5000.00 (never receivables)
//! - Slowpay: S1 issued 06-01 due 07-01 open 50.00 (122 d: 30+31+31+30 = 122);
//!   S3 issued 10-10 due 11-09 open 250.00 (current)
//! - Lagging LLC: L1 issued 08-20 due 09-19 open 2000.00 (11 + 31 = 42 d);
//!   L2 issued 10-01 due 10-31 paid 10-31 1000.00 (on time)
//! - Prompt Inc: Q1 issued 10-02 due 10-12 paid 10-12 400.00; Q2 issued
//!   11-05 (after as-of and the period: ignored)
//! - Quiet Co: Z1 paid 08-30, nothing owed, nothing in the period: not listed

use serde_json::Value;

use crate::util::*;

const AGING: &str = "receivables/aging";
const CUSTOM: &str = "receivables/custom-edges";
const OCTOBER: &[&str] = &["--period", "2026-10", "--as-of", "2026-10-31"];

/// `clientfit receivables fixtures/<dir> ARGS...`, whatever the exit code.
fn receivables_run(dir: &str, args: &[&str]) -> Outcome {
    let mut all = vec![
        "receivables".to_string(),
        fixture(dir).display().to_string(),
    ];
    all.extend(args.iter().map(|a| a.to_string()));
    run(all)
}

/// The JSON view of `dir` over October, which must succeed.
fn view(dir: &str) -> Value {
    let mut args = OCTOBER.to_vec();
    args.extend(["--format", "json"]);
    let out = receivables_run(dir, &args);
    assert_eq!(out.code, 0, "receivables failed\nstderr:\n{}", out.stderr);
    parse(&out.stdout)
}

fn row<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["clients"]
        .as_array()
        .expect("`clients` is an array")
        .iter()
        .find(|c| c["client"] == name)
        .unwrap_or_else(|| panic!("no row {name:?} in {}", doc["clients"]))
}

fn text(value: &Value) -> String {
    value.to_string()
}

/// Money as written (2 decimals).
fn assert_amount(row: &Value, field: &str, expected: &str) {
    assert_eq!(text(&row[field]), expected, "{field} of {}", row["client"]);
}

/// The bucket amounts, in order, as `label=amount`.
fn buckets(row: &Value) -> Vec<String> {
    row["buckets"]
        .as_array()
        .expect("`buckets` is an array")
        .iter()
        .map(|b| format!("{}={}", b["label"].as_str().expect("label"), b["amount"]))
        .collect()
}

/// Days and percentages are rounded to 1 decimal, shares to 4.
fn assert_figure(row: &Value, field: &str, expected: Option<f64>) {
    let value = &row[field];
    match expected {
        None => assert!(
            value.is_null(),
            "{field} of {} should be null, is {value}",
            row["client"]
        ),
        Some(expected) => {
            let actual = value
                .as_f64()
                .unwrap_or_else(|| panic!("{field} of {} is {value}", row["client"]));
            assert!(
                (actual - expected).abs() < 1e-9,
                "{field} of {}: expected {expected}, got {actual}",
                row["client"]
            );
        }
    }
}

fn assert_oldest(row: &Value, invoice: &str, days: i64) {
    assert_eq!(
        row["oldest_overdue"]["invoice"], invoice,
        "oldest overdue of {}",
        row["client"]
    );
    assert_eq!(
        row["oldest_overdue"]["days"].as_i64(),
        Some(days),
        "oldest overdue days of {}",
        row["client"]
    );
}

#[test]
fn view_header_period_and_edges() {
    let doc = view(AGING);
    assert_eq!(doc["view"], "receivables");
    assert_eq!(doc["as_of"], "2026-10-31");
    assert_eq!(doc["period"]["from"], "2026-10-01");
    assert_eq!(doc["period"]["to"], "2026-10-31");
    // 31 − 1 + 1
    assert_eq!(doc["period"]["days"], 31);
    assert_eq!(text(&doc["aging_edges"]), "[30,60,90]");
}

#[test]
fn buckets_at_every_edge() {
    let doc = view(AGING);
    let edge = row(&doc, "Edge Co");
    // current: E0 (0 d) 1000; 1-30: E1 (1 d) 100 + E30 (30 d) 200 = 300;
    // 31-60: E31 (31 d) 300 + E60 (60 d) 400 = 700;
    // 61-90: E61 (61 d) 500 + E90 (90 d) 600 = 1100; 91+: E91 (91 d) 700.
    // EV (void) and EW (written off) are not receivables; P0, P1, P2 are paid.
    assert_eq!(
        buckets(edge),
        [
            "current=1000.00",
            "1-30=300.00",
            "31-60=700.00",
            "61-90=1100.00",
            "90+=700.00"
        ]
    );
    // 1000 + 300 + 700 + 1100 + 700 = 3800
    assert_amount(edge, "outstanding", "3800.00");
    // 3800 − 1000
    assert_amount(edge, "overdue", "2800.00");
    assert_oldest(edge, "E91", 91);
}

#[test]
fn edge_co_dso_add_and_cei() {
    let doc = view(AGING);
    let edge = row(&doc, "Edge Co");
    // Revenue = credit sales = E0 1000 + E1 100 + P2 800 = 1900.
    assert_amount(edge, "revenue", "1900.00");
    assert_amount(edge, "credit_sales", "1900.00");
    // Owed at 09-30: E30 200 + E31 300 + E60 400 + E61 500 + E90 600 +
    // E91 700 + P1 1500 = 4200 (P0 was paid 09-05).
    assert_amount(edge, "opening_ar", "4200.00");
    // DSO = 3800 / 1900 × 31 = 62.0
    assert_figure(edge, "dso", Some(62.0));
    // best = 1000 / 1900 × 31 = 16.3157… → 16.3
    assert_figure(edge, "best_possible_dso", Some(16.3));
    // ADD = 62 − 16.3157… = 45.6842… → 45.7
    assert_figure(edge, "average_days_delinquent", Some(45.7));
    // CEI = (4200 + 1900 − 3800) / (4200 + 1900 − 1000) × 100
    //     = 2300 / 5100 × 100 = 45.098… → 45.1
    assert_figure(edge, "collection_effectiveness", Some(45.1));
}

#[test]
fn edge_co_late_payment_history() {
    let doc = view(AGING);
    let edge = row(&doc, "Edge Co");
    // Due in October by as-of: E0 (10-31), E1 (10-30), E30 (10-01),
    // P1 (10-15), P2 (10-20) = 5.
    assert_eq!(edge["invoices_due"], 5);
    // Late: E1 (1 d), E30 (30 d), P1 (5 d), P2 (5 d); E0 is due on as-of.
    assert_eq!(edge["late_invoices"], 4);
    // 4 / 5
    assert_figure(edge, "late_share", Some(0.8));
    // (1000×0 + 100×1 + 200×30 + 1500×5 + 800×5) / (1000+100+200+1500+800)
    // = 17600 / 3600 = 4.888… → 4.9
    assert_figure(edge, "avg_days_late", Some(4.9));
}

#[test]
fn slowpay_small_oldest_debt_and_zero_cei() {
    let doc = view(AGING);
    let slow = row(&doc, "Slowpay");
    assert_eq!(
        buckets(slow),
        [
            "current=250.00",
            "1-30=0.00",
            "31-60=0.00",
            "61-90=0.00",
            "90+=50.00"
        ]
    );
    // 50 + 250
    assert_amount(slow, "outstanding", "300.00");
    assert_amount(slow, "overdue", "50.00");
    // S1 due 07-01: 30 (Jul) + 31 (Aug) + 31 (Sep) + 30 = 122 days at 10-31.
    assert_oldest(slow, "S1", 122);
    assert_amount(slow, "revenue", "250.00");
    assert_amount(slow, "opening_ar", "50.00");
    assert_amount(slow, "credit_sales", "250.00");
    // 300 / 250 × 31 = 37.2
    assert_figure(slow, "dso", Some(37.2));
    // 250 / 250 × 31 = 31.0
    assert_figure(slow, "best_possible_dso", Some(31.0));
    // 37.2 − 31 = 6.2
    assert_figure(slow, "average_days_delinquent", Some(6.2));
    // (50 + 250 − 300) / (50 + 250 − 250) × 100 = 0 / 50 = 0.0
    assert_figure(slow, "collection_effectiveness", Some(0.0));
    // Nothing due in October: no history.
    assert_eq!(slow["invoices_due"], 0);
    assert_figure(slow, "late_share", None);
    assert_figure(slow, "avg_days_late", None);
}

#[test]
fn lagging_and_prompt() {
    let doc = view(AGING);
    let lag = row(&doc, "Lagging LLC");
    // L1 due 09-19: 11 (Sep) + 31 = 42 days → 31-60.
    assert_eq!(
        buckets(lag),
        [
            "current=0.00",
            "1-30=0.00",
            "31-60=2000.00",
            "61-90=0.00",
            "90+=0.00"
        ]
    );
    assert_amount(lag, "overdue", "2000.00");
    assert_oldest(lag, "L1", 42);
    // 2000 / 1000 × 31 = 62.0; best 0 / 1000 × 31 = 0; ADD 62.0
    assert_figure(lag, "dso", Some(62.0));
    assert_figure(lag, "best_possible_dso", Some(0.0));
    assert_figure(lag, "average_days_delinquent", Some(62.0));
    // (2000 + 1000 − 2000) / (2000 + 1000 − 0) × 100 = 33.33… → 33.3
    assert_figure(lag, "collection_effectiveness", Some(33.3));
    // L2 due 10-31, paid 10-31: on time.
    assert_eq!(lag["invoices_due"], 1);
    assert_eq!(lag["late_invoices"], 0);
    assert_figure(lag, "late_share", Some(0.0));
    assert_figure(lag, "avg_days_late", Some(0.0));

    let prompt = row(&doc, "Prompt Inc");
    // Q1 paid; Q2 issued after as-of and after the period.
    assert_amount(prompt, "outstanding", "0.00");
    assert_amount(prompt, "credit_sales", "400.00");
    assert!(prompt["oldest_overdue"].is_null());
    assert_figure(prompt, "dso", Some(0.0));
    assert_figure(prompt, "average_days_delinquent", Some(0.0));
    // (0 + 400 − 0) / (0 + 400 − 0) × 100
    assert_figure(prompt, "collection_effectiveness", Some(100.0));
}

#[test]
fn ranked_by_oldest_bucket_then_overdue() {
    let doc = view(AGING);
    let order: Vec<&str> = doc["clients"]
        .as_array()
        .expect("clients")
        .iter()
        .map(|c| c["client"].as_str().expect("name"))
        .collect();
    // 91+: Edge 700 > Slowpay 50 > 0; then overdue: Lagging 2000 > Prompt 0.
    // Slowpay (overdue 50) ranks above Lagging (overdue 2000): 90+ first.
    // Quiet Co owes nothing and had nothing in the period: not listed.
    assert_eq!(order, ["Edge Co", "Slowpay", "Lagging LLC", "Prompt Inc"]);
}

#[test]
fn totals_row() {
    let doc = view(AGING);
    let total = &doc["total"];
    // current 1000 + 250; 1-30 300; 31-60 700 + 2000; 61-90 1100;
    // 91+ 700 + 50
    assert_eq!(
        buckets(total),
        [
            "current=1250.00",
            "1-30=300.00",
            "31-60=2700.00",
            "61-90=1100.00",
            "90+=750.00"
        ]
    );
    // 3800 + 300 + 2000 + 0
    assert_amount(total, "outstanding", "6100.00");
    // 6100 − 1250
    assert_amount(total, "overdue", "4850.00");
    // 1900 + 250 + 1000 + 400
    assert_amount(total, "revenue", "3550.00");
    assert_amount(total, "credit_sales", "3550.00");
    // 4200 + 50 + 2000 + 0
    assert_amount(total, "opening_ar", "6250.00");
    // 6100 / 3550 × 31 = 53.267… → 53.3
    assert_figure(total, "dso", Some(53.3));
    // 1250 / 3550 × 31 = 10.915… → 10.9
    assert_figure(total, "best_possible_dso", Some(10.9));
    // 53.267… − 10.915… = 42.352… → 42.4
    assert_figure(total, "average_days_delinquent", Some(42.4));
    // (6250 + 3550 − 6100) / (6250 + 3550 − 1250) × 100 = 3700 / 8550
    // = 43.27… → 43.3
    assert_figure(total, "collection_effectiveness", Some(43.3));
    // The oldest overall: S1 at 122 days.
    assert_oldest(total, "S1 (Slowpay)", 122);
    // 5 + 0 + 1 + 1 due; 4 late; 4 / 7 = 0.5714…
    assert_eq!(total["invoices_due"], 7);
    assert_eq!(total["late_invoices"], 4);
    assert_figure(total, "late_share", Some(0.5714));
}

#[test]
fn totals_row_avg_days_late() {
    let doc = view(AGING);
    // The issue asks for avg_days_late "per client and in total".
    // Amount-weighted over all 7 invoices due: Edge 17600 day-units over
    // 3600, Lagging 0 over 1000, Prompt 0 over 400:
    // 17600 / (3600 + 1000 + 400) = 17600 / 5000 = 3.52 → 3.5
    assert_figure(&doc["total"], "avg_days_late", Some(3.5));
}

#[test]
fn fail_on_overdue_at_the_boundary() {
    // The longest any invoice is past due: S1, 122 days.
    let mut args = OCTOBER.to_vec();
    args.extend(["--format", "csv", "--fail-on-overdue", "122"]);
    let out = receivables_run(AGING, &args);
    assert_eq!(out.code, 0, "122 days is not more than 122\n{}", out.stderr);
    let mut args = OCTOBER.to_vec();
    args.extend(["--format", "csv", "--fail-on-overdue", "121"]);
    let out = receivables_run(AGING, &args);
    assert_eq!(out.code, 3, "122 days is more than 121\n{}", out.stderr);
    // The view is still printed.
    assert!(out.stdout.starts_with("client,key,outstanding"));
    assert!(out.stdout.contains("Slowpay"));
}

#[test]
fn custom_edges_from_clientfit_toml() {
    // fixtures/receivables/custom-edges: `[aging] edges = [15, 45]`, one
    // client, days past due at 10-31:
    //   C0 due 10-31  0 d → current  10;  C10 due 11-30 → current 1000
    //   C1 due 10-30  1 d → 1-15     20;  C15 due 10-16 15 d → 1-15 40
    //   C16 due 10-15 16 d → 16-45   80;  C45 due 09-16 45 d → 16-45 160
    //   C46 due 09-15 46 d → 45+ (more than 45)  320
    let doc = view(CUSTOM);
    assert_eq!(text(&doc["aging_edges"]), "[15,45]");
    let custom = row(&doc, "Custom Co");
    assert_eq!(
        buckets(custom),
        [
            "current=1010.00",
            "1-15=60.00",
            "16-45=240.00",
            "45+=320.00"
        ]
    );
    // 1010 + 60 + 240 + 320 = 1630; overdue 1630 − 1010 = 620
    assert_amount(custom, "outstanding", "1630.00");
    assert_amount(custom, "overdue", "620.00");
    assert_oldest(custom, "C46", 46);
    // Revenue: C10 only (issued 10-01). 1630 / 1000 × 31 = 50.53 → 50.5;
    // best 1010 / 1000 × 31 = 31.31 → 31.3; ADD 19.22 → 19.2
    assert_figure(custom, "dso", Some(50.5));
    assert_figure(custom, "best_possible_dso", Some(31.3));
    assert_figure(custom, "average_days_delinquent", Some(19.2));
    // Opening (09-30): 10+20+40+80+160+320 = 630; credit sales 1000;
    // (630 + 1000 − 1630) / (630 + 1000 − 1010) = 0 / 620 = 0.0
    assert_amount(custom, "opening_ar", "630.00");
    assert_figure(custom, "collection_effectiveness", Some(0.0));
    // Due in Oct: C0, C1, C15, C16; late: C1, C15, C16 → 3 / 4
    assert_figure(custom, "late_share", Some(0.75));
    // (10×0 + 20×1 + 40×15 + 80×16) / (10+20+40+80) = 1900 / 150 = 12.67 → 12.7
    assert_figure(custom, "avg_days_late", Some(12.7));

    // The CSV names its bucket columns after the custom edges.
    let mut args = OCTOBER.to_vec();
    args.extend(["--format", "csv"]);
    let out = receivables_run(CUSTOM, &args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let header = out.stdout.lines().next().expect("a header line");
    assert!(
        header.starts_with("client,key,outstanding,current,d1_15,d16_45,d45_plus,overdue,"),
        "{header}"
    );
}

#[test]
fn invalid_edges_are_refused() {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::copy(
        fixture(CUSTOM).join("invoices.csv"),
        dir.path().join("invoices.csv"),
    )
    .expect("copy invoices");
    std::fs::write(
        dir.path().join("clientfit.toml"),
        "[aging]\nedges = [60, 30]\n",
    )
    .expect("write config");
    let mut args = vec!["receivables".to_string(), dir.path().display().to_string()];
    args.extend(OCTOBER.iter().map(|a| a.to_string()));
    let out = run(args);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("edges"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn csv_format() {
    let mut args = OCTOBER.to_vec();
    args.extend(["--format", "csv"]);
    let out = receivables_run(AGING, &args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "client,key,outstanding,current,d1_30,d31_60,d61_90,d90_plus,overdue,\
         oldest_overdue_invoice,oldest_overdue_days,dso,best_possible_dso,\
         average_days_delinquent,opening_ar,credit_sales,collection_effectiveness,\
         invoices_due,late_invoices,late_share,avg_days_late"
    );
    // Four clients in rank order, then the total.
    assert_eq!(lines.len(), 6);
    assert!(
        lines[1].starts_with(
            "Edge Co,edge,3800.00,1000.00,300.00,700.00,1100.00,700.00,2800.00,E91,91,"
        ),
        "{}",
        lines[1]
    );
    assert!(
        lines[5].starts_with(
            "Total,,6100.00,1250.00,300.00,2700.00,1100.00,750.00,4850.00,S1 (Slowpay),122,"
        ),
        "{}",
        lines[5]
    );
}

#[test]
fn markdown_and_table_formats() {
    let mut args = OCTOBER.to_vec();
    args.extend(["--format", "markdown"]);
    let out = receivables_run(AGING, &args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(
            "| client | outstanding | current | 1-30 | 31-60 | 61-90 | 90+ | overdue | \
             oldest overdue | DSO | ADD | CEI % | late % | avg days late |"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("| Edge Co | 3,800.00 | 1,000.00 | 300.00 | 700.00 | 1,100.00 | 700.00 | 2,800.00 | E91, 91 d | 62.0 | 45.7 | 45.1 | 80% | 4.9 |"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("| Total | 6,100.00 |"),
        "{}",
        out.stdout
    );

    let out = receivables_run(AGING, OCTOBER);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with(
            "clientfit receivables — as of 2026-10-31 (period 2026-10-01 to 2026-10-31, 31 days)"
        ),
        "{}",
        out.stdout
    );
    for text in [
        "Edge Co",
        "E91, 91 d",
        "S1 (Slowpay), 122 d",
        "CEI %",
        "Total",
    ] {
        assert!(
            out.stdout.contains(text),
            "table lacks {text:?}:\n{}",
            out.stdout
        );
    }
    let edge = out.stdout.find("Edge Co").expect("Edge Co row");
    let slow = out.stdout.find("Slowpay").expect("Slowpay row");
    let lag = out.stdout.find("Lagging LLC").expect("Lagging row");
    assert!(edge < slow && slow < lag, "rows in risk order");
    assert!(!out.stdout.contains("Quiet Co"));
}
