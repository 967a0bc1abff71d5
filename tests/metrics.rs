//! SPEC §2–§4: every metric, computed by hand from fixtures/small/metrics.
//!
//! Period 2026-10 (Oct 1–31, 31 days), as-of 2026-10-31, default rates:
//! support 60/h, meetings 90/h, 15 per late invoice, delivery share 0.
//!
//! The fixture (one line per invoice; "due" in brackets when defaulted):
//! - Acme (`Acme, Inc.` / `ACME INC` / `acme` / `Acme`):
//!   A1 issued 10-01 due 10-11 paid 10-10 1000.00 discount 50.00
//!   A2 issued 10-05 due 10-15 paid 10-25 500.00 (10 days late)
//!   A3 issued 10-12 credit note −200.00
//!   A4 issued 10-15 void 999.00 discount 500.00 (ignored)
//!   A5 issued 10-20 due 11-19 open 300.00
//!   tickets: T1 30 min escalated tag, T2 blank (=20) type Change Request,
//!   T3 45 min tag scope_change, T4 25 min priority Executive,
//!   T5 2026-11-02 600 min (after as-of and period: ignored)
//!   meetings: 10-06 60 min attended ×2, 10-13 30 min no-show ×3 (list of
//!   3 emails), 10-20 45 min cancelled, 10-27 blank (=30) attended ×blank
//!   (=1), 10-29 rescheduled, 11-03 attended (after as-of: ignored)
//! - Beta LLC: B1 issued 10-02 due 11-01 800.00 written off, paid_amount
//!   300.00; B2 issued 10-03 due 10-10 paid 10-09 700.00 discount 100.00;
//!   tickets 1:30 (=90) abusive, 1h 20m (=80)
//! - Gamma: G1 10-01→10-31 10.00, G2 10-01→10-30 20.00,
//!   G3 09-01→[10-01] 40.00, G4 09-01→09-30 80.00, G5 08-01→09-01 160.00,
//!   G6 08-01→08-31 320.00, G7 07-01→08-02 640.00, G8 07-01→08-01 1280.00,
//!   all open; G9 10-10→10-20 100.00 status paid but paid 11-05 (after
//!   as-of); one cancelled meeting
//! - Delta: one ticket 10-15 60 min (and one 09-30, before the period)

use crate::util::*;

const PERIOD: &[&str] = &["--period", "2026-10", "--as-of", "2026-10-31"];

fn doc() -> serde_json::Value {
    report("small/metrics", PERIOD)
}

#[test]
fn period_and_as_of_are_reported() {
    let doc = doc();
    assert_eq!(doc["period"]["from"], "2026-10-01");
    assert_eq!(doc["period"]["to"], "2026-10-31");
    assert_eq!(doc["as_of"], "2026-10-31");
    assert_eq!(doc["tool"], "clientfit");
}

#[test]
fn spellings_of_one_client_are_one_client() {
    let doc = doc();
    // `Acme, Inc.`, `ACME INC`, `acme`, `Acme` → one key; `Beta LLC` and
    // `Beta` → one. Four clients: Acme, Beta, Gamma, Delta.
    assert_eq!(doc["portfolio"]["clients"], 4);
    let mut shown = names(&doc);
    shown.sort();
    // Display name: the first spelling seen in invoices.
    assert_eq!(shown, ["Acme, Inc.", "Beta LLC", "Delta", "Gamma"]);
}

#[test]
fn acme_revenue_discounts_and_costs() {
    let doc = doc();
    let acme = client(&doc, "Acme, Inc.");
    // A1 1000 + A2 500 + A3 (−200) + A5 300 = 1600; A4 is void.
    assert_money(acme, "revenue", "1600.00");
    assert_money(acme, "bad_debt", "0.00");
    // A1 50; A4's 500 is on a void invoice.
    assert_money(acme, "discounts", "50.00");
    // Tickets T1..T4: 30 + 20 (blank) + 45 + 25 = 120 min; T5 after as-of.
    assert_count(acme, "tickets", 4);
    assert_number(acme, "ticket_minutes", Some(120.0));
    // T2 (type) and T3 (tag) are scope changes; T1 (tag) and T4 (priority)
    // escalations.
    assert_count(acme, "scope_changes", 2);
    assert_count(acme, "escalations", 2);
    assert_count(acme, "abusive_tickets", 0);
    // 120 / 60 × 60 = 120.00
    assert_money(acme, "support_cost", "120.00");
    // Attended: 60 min × 2 + 30 min (default) × 1 (default) = 150
    // person-minutes; 150 / 60 × 90 = 225.00
    assert_money(acme, "meeting_cost", "225.00");
    // No-show: 30 min × 3 attendees = 90; 90 / 60 × 90 = 135.00
    assert_money(acme, "no_show_cost", "135.00");
    // One late invoice (A2) × 15
    assert_money(acme, "collection_cost", "15.00");
    assert_money(acme, "delivery_cost", "0.00");
    // 120 + 225 + 135 + 15 + 0 = 495.00
    assert_money(acme, "cost_to_serve", "495.00");
    // 1600 − 495 = 1105.00
    assert_money(acme, "profit", "1105.00");
    // 1105 / 1600 = 0.690625 → 0.6906
    assert_number(acme, "margin", Some(0.6906));
    // Hours: (120 ticket + 150 attended + 90 no-show) / 60 = 6;
    // 1600 / 6 = 266.666… → 266.67
    assert_money(acme, "effective_hourly", "266.67");
}

#[test]
fn acme_payments_receivables_and_meetings() {
    let doc = doc();
    let acme = client(&doc, "Acme, Inc.");
    // Due in Oct and by as-of: A1 (10-11), A2 (10-15). A5 is due 11-19,
    // A3 is a credit note, A4 void.
    assert_count(acme, "invoices_due", 2);
    // A2 paid 10-25, due 10-15: 10 days late. A1 paid before due.
    assert_count(acme, "late_invoices", 1);
    // 1 / 2
    assert_number(acme, "late_share", Some(0.5));
    // (1000 × 0 + 500 × 10) / (1000 + 500) = 3.333… → 3.3
    assert_number(acme, "avg_days_late", Some(3.3));
    // Only A5 is owed: due 11-19, not yet due at 10-31.
    assert_money(acme, "outstanding", "300.00");
    assert_money(acme, "current", "300.00");
    assert_money(acme, "d1_30", "0.00");
    assert_money(acme, "d31_60", "0.00");
    assert_money(acme, "d61_90", "0.00");
    assert_money(acme, "d90_plus", "0.00");
    assert_money(acme, "overdue", "0.00");
    // 300 / 1600 × 31 = 5.8125 → 5.8
    assert_number(acme, "dso", Some(5.8));
    // Meetings in Oct by as-of: attended 10-06 and 10-27, no-show 10-13,
    // cancelled 10-20, rescheduled 10-29; 11-03 is after as-of.
    // scheduled = all but cancelled = 4.
    assert_count(acme, "scheduled", 4);
    assert_count(acme, "attended", 2);
    assert_count(acme, "no_shows", 1);
    assert_count(acme, "cancelled", 1);
    // 1 / (2 + 1) = 0.3333
    assert_number(acme, "no_show_rate", Some(0.3333));
}

#[test]
fn beta_bad_debt_and_durations() {
    let doc = doc();
    let beta = client(&doc, "Beta LLC");
    // B1 written off: only its paid_amount 300 counts; B2 700.
    // 300 + 700 = 1000.00; bad debt 800 − 300 = 500.00.
    assert_money(beta, "revenue", "1000.00");
    assert_money(beta, "bad_debt", "500.00");
    assert_money(beta, "discounts", "100.00");
    // 1:30 = 90 min, 1h 20m = 80 min → 170 min; 170 / 60 × 60 = 170.00
    assert_count(beta, "tickets", 2);
    assert_number(beta, "ticket_minutes", Some(170.0));
    assert_count(beta, "abusive_tickets", 1);
    assert_count(beta, "scope_changes", 0);
    assert_count(beta, "escalations", 0);
    assert_money(beta, "support_cost", "170.00");
    assert_money(beta, "meeting_cost", "0.00");
    assert_money(beta, "no_show_cost", "0.00");
    assert_money(beta, "collection_cost", "0.00");
    assert_money(beta, "cost_to_serve", "170.00");
    // 1000 − 170 = 830.00; 830 / 1000 = 0.83
    assert_money(beta, "profit", "830.00");
    assert_number(beta, "margin", Some(0.83));
    // 1000 / (170 / 60 h) = 352.941… → 352.94
    assert_money(beta, "effective_hourly", "352.94");
    // Due in Oct: only B2 (B1 is due 11-01), paid the day before its due date.
    assert_count(beta, "invoices_due", 1);
    assert_count(beta, "late_invoices", 0);
    assert_number(beta, "late_share", Some(0.0));
    assert_number(beta, "avg_days_late", Some(0.0));
    // B1 is bad debt (not a receivable), B2 is paid.
    assert_money(beta, "outstanding", "0.00");
    assert_money(beta, "overdue", "0.00");
    // 0 / 1000 × 31 = 0
    assert_number(beta, "dso", Some(0.0));
    // No meetings at all.
    assert_count(beta, "scheduled", 0);
    assert_count(beta, "attended", 0);
    assert_count(beta, "no_shows", 0);
    assert_count(beta, "cancelled", 0);
    assert_number(beta, "no_show_rate", None);
}

#[test]
fn gamma_aging_buckets_at_their_edges() {
    let doc = doc();
    let gamma = client(&doc, "Gamma");
    // Days past due at 2026-10-31:
    //   G1 due 10-31:   0 → current        10
    //   G2 due 10-30:   1 → d1_30          20
    //   G3 due [10-01] (09-01 + 30): 30 → d1_30 40
    //   G9 due 10-20:  11 → d1_30 (paid 11-05, after as-of: all owed) 100
    //   G4 due 09-30:  31 → d31_60         80
    //   G5 due 09-01:  60 → d31_60        160
    //   G6 due 08-31:  61 → d61_90        320
    //   G7 due 08-02:  90 → d61_90        640
    //   G8 due 08-01:  91 → d90_plus     1280
    assert_money(gamma, "current", "10.00");
    // 20 + 40 + 100
    assert_money(gamma, "d1_30", "160.00");
    // 80 + 160
    assert_money(gamma, "d31_60", "240.00");
    // 320 + 640
    assert_money(gamma, "d61_90", "960.00");
    assert_money(gamma, "d90_plus", "1280.00");
    // 10 + 160 + 240 + 960 + 1280 = 2650; overdue 2650 − 10 = 2640
    assert_money(gamma, "outstanding", "2650.00");
    assert_money(gamma, "overdue", "2640.00");
    // Revenue: issued in Oct: G1 10 + G2 20 + G9 100 = 130.00
    assert_money(gamma, "revenue", "130.00");
    // 2650 / 130 × 31 = 631.923… → 631.9
    assert_number(gamma, "dso", Some(631.9));
}

#[test]
fn gamma_payment_behaviour() {
    let doc = doc();
    let gamma = client(&doc, "Gamma");
    // Due in Oct and by as-of: G1 (10-31), G2 (10-30), G3 ([10-01]), G9
    // (10-20) = 4. G4 is due 09-30.
    assert_count(gamma, "invoices_due", 4);
    // G1: due on as-of, not before it → on time (0 days).
    // G2: 1 day, G3: 30 days, G9: paid after as-of → unpaid at as-of,
    // as-of − due = 10-31 − 10-20 = 11 days (not 11-05 − 10-20 = 16).
    assert_count(gamma, "late_invoices", 3);
    // 3 / 4
    assert_number(gamma, "late_share", Some(0.75));
    // (10×0 + 20×1 + 40×30 + 100×11) / (10 + 20 + 40 + 100)
    //   = (0 + 20 + 1200 + 1100) / 170 = 13.647… → 13.6
    assert_number(gamma, "avg_days_late", Some(13.6));
    // 3 × 15
    assert_money(gamma, "collection_cost", "45.00");
    assert_money(gamma, "cost_to_serve", "45.00");
    // 130 − 45 = 85.00; 85 / 130 = 0.65384… → 0.6538
    assert_money(gamma, "profit", "85.00");
    assert_number(gamma, "margin", Some(0.6538));
    // No ticket or meeting hours.
    assert_number(gamma, "effective_hourly", None);
    // One cancelled meeting: not scheduled.
    assert_count(gamma, "scheduled", 0);
    assert_count(gamma, "cancelled", 1);
    assert_count(gamma, "attended", 0);
    assert_number(gamma, "no_show_rate", None);
    assert_count(gamma, "tickets", 0);
}

#[test]
fn delta_has_no_revenue() {
    let doc = doc();
    let delta = client(&doc, "Delta");
    // Listed for its ticket of 10-15 (the 09-30 one is before the period).
    assert_count(delta, "tickets", 1);
    assert_number(delta, "ticket_minutes", Some(60.0));
    assert_money(delta, "revenue", "0.00");
    // 60 / 60 × 60
    assert_money(delta, "support_cost", "60.00");
    assert_money(delta, "cost_to_serve", "60.00");
    assert_money(delta, "profit", "-60.00");
    // revenue ≤ 0 → null
    assert_number(delta, "margin", None);
    assert_number(delta, "dso", None);
    // 0 / 1 h = 0
    assert_money(delta, "effective_hourly", "0.00");
    assert_count(delta, "invoices_due", 0);
    assert_money(delta, "outstanding", "0.00");
}

#[test]
fn shares_of_revenue_and_tickets() {
    let doc = doc();
    // Σ revenue = 1600 + 1000 + 130 + 0 = 2730; Σ tickets = 4 + 2 + 0 + 1 = 7
    // 1600/2730 = 0.58608 → 0.5861; 4/7 = 0.571428 → 0.5714
    let acme = client(&doc, "Acme, Inc.");
    assert_number(acme, "revenue_share", Some(0.5861));
    assert_number(acme, "ticket_share", Some(0.5714));
    // 1000/2730 = 0.36630 → 0.3663; 2/7 = 0.285714 → 0.2857
    let beta = client(&doc, "Beta LLC");
    assert_number(beta, "revenue_share", Some(0.3663));
    assert_number(beta, "ticket_share", Some(0.2857));
    // 130/2730 = 0.047619 → 0.0476; 0/7 = 0
    let gamma = client(&doc, "Gamma");
    assert_number(gamma, "revenue_share", Some(0.0476));
    assert_number(gamma, "ticket_share", Some(0.0));
    // 0/2730 = 0; 1/7 = 0.142857 → 0.1429
    let delta = client(&doc, "Delta");
    assert_number(delta, "revenue_share", Some(0.0));
    assert_number(delta, "ticket_share", Some(0.1429));
}

#[test]
fn portfolio_totals() {
    let doc = doc();
    let p = &doc["portfolio"];
    // 1600 + 1000 + 130 + 0
    assert_eq!(p["revenue"].to_string(), "2730.00");
    // 495 + 170 + 45 + 60
    assert_eq!(p["cost_to_serve"].to_string(), "770.00");
    // 2730 − 770
    assert_eq!(p["profit"].to_string(), "1960.00");
    // 300 + 0 + 2650 + 0
    assert_eq!(p["outstanding"].to_string(), "2950.00");
    // 0 + 0 + 2640 + 0
    assert_eq!(p["overdue"].to_string(), "2640.00");
    assert_eq!(p["d90_plus"].to_string(), "1280.00");
    assert_eq!(p["bad_debt"].to_string(), "500.00");
    assert_eq!(p["tickets"], 7);
}

#[test]
fn every_metric_name_appears_once_per_client() {
    // SPEC §4: "JSON uses exactly these names (nesting is free, each name
    // appears once per client)".
    const NAMES: &[&str] = &[
        "revenue",
        "bad_debt",
        "discounts",
        "support_cost",
        "meeting_cost",
        "no_show_cost",
        "collection_cost",
        "delivery_cost",
        "cost_to_serve",
        "profit",
        "margin",
        "effective_hourly",
        "invoices_due",
        "late_invoices",
        "late_share",
        "avg_days_late",
        "outstanding",
        "current",
        "d1_30",
        "d31_60",
        "d61_90",
        "d90_plus",
        "overdue",
        "dso",
        "tickets",
        "ticket_minutes",
        "scope_changes",
        "escalations",
        "abusive_tickets",
        "scheduled",
        "attended",
        "no_shows",
        "cancelled",
        "no_show_rate",
        "revenue_share",
        "ticket_share",
    ];
    let doc = doc();
    for row in rows(&doc) {
        for name in NAMES {
            assert_eq!(
                occurrences(row, name),
                1,
                "{name:?} in client {}",
                row["client"]
            );
        }
    }
}

#[test]
fn from_and_to_give_the_same_report_as_the_period() {
    let by_period = report_run("small/metrics", PERIOD);
    let by_range = report_run(
        "small/metrics",
        &[
            "--from",
            "2026-10-01",
            "--to",
            "2026-10-31",
            "--as-of",
            "2026-10-31",
        ],
    );
    assert_eq!(by_period.code, 0, "{}", by_period.stderr);
    assert_eq!(by_range.code, 0, "{}", by_range.stderr);
    assert_eq!(by_period.stdout, by_range.stdout);
}

#[test]
fn same_inputs_give_byte_identical_json() {
    // SPEC §7: "Same inputs, same output, byte for byte."
    let first = report_run("small/metrics", PERIOD);
    let second = report_run("small/metrics", PERIOD);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(first.stdout.as_bytes(), second.stdout.as_bytes());
    let first = report_run("small/verdicts", PERIOD);
    let second = report_run("small/verdicts", PERIOD);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(first.stdout.as_bytes(), second.stdout.as_bytes());
}

/// fixtures/small/as-of, period 2026-10 but books looked at on 2026-10-20:
/// - I1 issued 10-01 due 10-10 paid 10-25 (after as-of) 100.00
/// - I2 issued 10-02 due 10-25 (after as-of) 200.00 open
/// - I3 issued 10-22 (after as-of) 5000.00
/// - tickets 10-05 10 min, 10-21 999 min (after as-of)
/// - meetings 10-06 60 min attended ×1, 10-21 no-show (after as-of)
#[test]
fn nothing_after_as_of_has_happened_yet() {
    let doc = report(
        "small/as-of",
        &["--period", "2026-10", "--as-of", "2026-10-20"],
    );
    assert_eq!(doc["as_of"], "2026-10-20");
    let acme = client(&doc, "Acme");
    // I1 100 + I2 200; I3 is dated after as-of (SPEC §3: anything dated
    // after as-of did not happen yet).
    assert_money(acme, "revenue", "300.00");
    // Due by as-of: only I1 (I2 is due 10-25). Paid 10-25 > as-of → unpaid
    // at as-of: late by 10-20 − 10-10 = 10 days.
    assert_count(acme, "invoices_due", 1);
    assert_count(acme, "late_invoices", 1);
    assert_number(acme, "late_share", Some(1.0));
    assert_number(acme, "avg_days_late", Some(10.0));
    // Owed at as-of: I1 100 (10 days past due), I2 200 (not yet due).
    assert_money(acme, "outstanding", "300.00");
    assert_money(acme, "current", "200.00");
    assert_money(acme, "d1_30", "100.00");
    assert_money(acme, "overdue", "100.00");
    // Only the 10-05 ticket and the 10-06 meeting count.
    assert_count(acme, "tickets", 1);
    assert_number(acme, "ticket_minutes", Some(10.0));
    assert_count(acme, "attended", 1);
    assert_count(acme, "no_shows", 0);
    assert_count(acme, "scheduled", 1);
    // 10 / 60 × 60 = 10; 60 × 1 / 60 × 90 = 90; 1 × 15 = 15
    assert_money(acme, "support_cost", "10.00");
    assert_money(acme, "meeting_cost", "90.00");
    assert_money(acme, "no_show_cost", "0.00");
    assert_money(acme, "collection_cost", "15.00");
    // 10 + 90 + 15 = 115; 300 − 115 = 185
    assert_money(acme, "cost_to_serve", "115.00");
    assert_money(acme, "profit", "185.00");
}

#[test]
fn relative_periods_count_from_as_of() {
    // SPEC §3: relative `last-month`, `last-quarter`, `ytd` relative to as-of.
    // As-of 2026-11-23: last month = October, last quarter = Q3.
    for (period, from, to) in [
        ("last-month", "2026-10-01", "2026-10-31"),
        ("last-quarter", "2026-07-01", "2026-09-30"),
        ("ytd", "2026-01-01", "2026-11-23"),
    ] {
        let out = report_run(
            "small/metrics",
            &["--period", period, "--as-of", "2026-11-23"],
        );
        assert_eq!(out.code, 0, "--period {period}: {}", out.stderr);
        let doc = parse(&out.stdout);
        assert_eq!(doc["period"]["from"], from, "--period {period}");
        assert_eq!(doc["period"]["to"], to, "--period {period}");
    }
}
