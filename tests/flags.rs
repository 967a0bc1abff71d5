//! SPEC §5: every red flag just below and exactly at its threshold.
//!
//! Unless said otherwise: period 2026-10 (31 days), as-of 2026-10-31,
//! default thresholds and rates (support 60/h, so a ticket of N minutes
//! costs N.00).

use serde_json::Value;

use crate::util::*;

fn october(dir: &str) -> Value {
    report(dir, &["--period", "2026-10", "--as-of", "2026-10-31"])
}

#[test]
fn unprofitable_fires_below_zero_profit_only() {
    let doc = october("small/flags-unprofitable");
    // Even: 60.00 − 60 min × 60/h = 60.00 − 60.00 = 0.00 → not < 0.
    let even = client(&doc, "Even");
    assert_money(even, "profit", "0.00");
    assert_no_flag(even, "unprofitable");
    // Margin 0 / 60 = 0: 0 ≤ 0 < 0.15 → thin-margin.
    assert_flag(even, "thin-margin", "warn", &[]);
    // Loss: 59.99 − 60.00 = −0.01 < 0.
    let loss = client(&doc, "Loss");
    assert_money(loss, "profit", "-0.01");
    // Detail: profit −0.01, revenue 59.99, cost to serve 60.
    assert_flag(loss, "unprofitable", "severe", &["-0.01", "59.99", "60"]);
    // Margin −0.01 / 59.99 < 0 → not thin-margin (0 ≤ margin fails).
    assert_no_flag(loss, "thin-margin");
}

#[test]
fn thin_margin_fires_below_fifteen_percent_only() {
    let doc = october("small/flags-thin-margin");
    // Exact: (100.00 − 85.00) / 100.00 = 0.15 → not < 0.15.
    let exact = client(&doc, "Exact");
    assert_number(exact, "margin", Some(0.15));
    assert_no_flag(exact, "thin-margin");
    // Fourteen: (100.00 − 86.00) / 100.00 = 0.14 → fires; detail 14% vs 15%.
    let fourteen = client(&doc, "Fourteen");
    assert_flag(fourteen, "thin-margin", "warn", &["14", "15"]);
    // Under: (99.99 − 85.00) / 99.99 = 14.99 / 99.99 = 0.149915 → fires.
    let under = client(&doc, "Under");
    assert_number(under, "margin", Some(0.1499));
    let detail = assert_flag(under, "thin-margin", "warn", &[]);
    // The measured margin is 14.99%; a detail that shows it rounded up to
    // the threshold ("15.0% < 15.0%") contradicts itself.
    assert!(
        !detail.contains("15.0% < 15.0%"),
        "detail shows the measured margin equal to its threshold: {detail:?}"
    );
}

#[test]
fn late_payer_needs_two_late_and_thirty_percent() {
    // Every invoice: issued 10-01, due 10-11, 100.00; on time = paid 10-10,
    // late = paid 10-21 (10 days).
    let doc = october("small/flags-late-payer");
    // Three Of Ten: 3 late of 10 due → 3/10 = 0.30 ≥ 0.30 and 3 ≥ 2.
    let at = client(&doc, "Three Of Ten");
    assert_count(at, "invoices_due", 10);
    assert_count(at, "late_invoices", 3);
    assert_number(at, "late_share", Some(0.3));
    // (3 × 100 × 10) / (10 × 100) = 3.0 days
    assert_number(at, "avg_days_late", Some(3.0));
    assert_flag(at, "late-payer", "warn", &["3", "10", "30"]);
    // Two Of Seven: 2/7 = 0.2857 < 0.30.
    let below = client(&doc, "Two Of Seven");
    assert_count(below, "late_invoices", 2);
    assert_number(below, "late_share", Some(0.2857));
    assert_no_flag(below, "late-payer");
    // One Of One: 1/1 = 1.0, but only 1 late invoice (< 2).
    let one = client(&doc, "One Of One");
    assert_count(one, "late_invoices", 1);
    assert_number(one, "late_share", Some(1.0));
    assert_no_flag(one, "late-payer");
}

#[test]
fn seriously_overdue_starts_at_ninety_one_days() {
    // As-of 10-31. Ninety: due 08-02 → 90 days past due → d61_90.
    // Ninety One: due 08-01 → 91 days → d90_plus.
    let doc = october("small/flags-seriously-overdue");
    let ninety = client(&doc, "Ninety");
    assert_money(ninety, "d61_90", "100.00");
    assert_money(ninety, "d90_plus", "0.00");
    assert_no_flag(ninety, "seriously-overdue");
    let ninety_one = client(&doc, "Ninety One");
    assert_money(ninety_one, "d90_plus", "100.00");
    assert_flag(ninety_one, "seriously-overdue", "severe", &["100.00"]);
}

#[test]
fn bad_debt_fires_on_any_written_off_amount() {
    let doc = october("small/flags-bad-debt");
    // Written: 500.00 written off, 499.99 paid → bad debt 0.01 > 0.
    let written = client(&doc, "Written");
    assert_money(written, "revenue", "499.99");
    assert_money(written, "bad_debt", "0.01");
    assert_flag(written, "bad-debt", "severe", &["0.01"]);
    // Recovered: written off but 500.00 of 500.00 paid → bad debt 0.
    let recovered = client(&doc, "Recovered");
    assert_money(recovered, "revenue", "500.00");
    assert_money(recovered, "bad_debt", "0.00");
    assert_no_flag(recovered, "bad-debt");
}

#[test]
fn ticket_heavy_at_exactly_twice_the_revenue_share() {
    // Revenue: Heavy 125 + Light 126 + Payer 749 = 1000.
    // Tickets: Heavy 5 + Light 5 + Four 4 + Payer 6 = 20.
    let doc = october("small/flags-ticket-heavy");
    // Heavy: 5/20 = 0.25 ≥ 2 × 125/1000 = 2 × 0.125 = 0.25, and 5 ≥ 5.
    let heavy = client(&doc, "Heavy");
    assert_number(heavy, "ticket_share", Some(0.25));
    assert_number(heavy, "revenue_share", Some(0.125));
    assert_flag(heavy, "ticket-heavy", "warn", &["5", "25", "12.5"]);
    // Light: 5/20 = 0.25 < 2 × 126/1000 = 0.252.
    let light = client(&doc, "Light");
    assert_number(light, "revenue_share", Some(0.126));
    assert_no_flag(light, "ticket-heavy");
    // Four: 4/20 = 0.20 ≥ 2 × 0 but 4 < 5 tickets.
    let four = client(&doc, "Four");
    assert_count(four, "tickets", 4);
    assert_number(four, "revenue_share", Some(0.0));
    assert_no_flag(four, "ticket-heavy");
    // Payer: 6/20 = 0.30 < 2 × 0.749.
    assert_no_flag(client(&doc, "Payer"), "ticket-heavy");
}

#[test]
fn no_shows_need_two_and_a_quarter() {
    let doc = october("small/flags-no-shows");
    // At Rate: 6 attended, 2 no-shows → 2 / 8 = 0.25 ≥ 0.25 and 2 ≥ 2.
    let at = client(&doc, "At Rate");
    assert_count(at, "no_shows", 2);
    assert_count(at, "attended", 6);
    assert_number(at, "no_show_rate", Some(0.25));
    assert_flag(at, "no-shows", "warn", &["2", "8", "25"]);
    // Below Rate: 7 attended, 2 no-shows ("no show") → 2 / 9 = 0.2222.
    let below = client(&doc, "Below Rate");
    assert_count(below, "no_shows", 2);
    assert_number(below, "no_show_rate", Some(0.2222));
    assert_no_flag(below, "no-shows");
    // One No Show: 1 / 1 = 1.0 but 1 < 2 ("noshow").
    let one = client(&doc, "One No Show");
    assert_count(one, "no_shows", 1);
    assert_number(one, "no_show_rate", Some(1.0));
    assert_no_flag(one, "no-shows");
}

#[test]
fn scope_creep_at_exactly_one_per_thirty_days() {
    // Creeper: 2 scope changes (type "Change Request", tag "new
    // requirement"); Once: 1 (tag "scope change").
    // 2026-09-01..2026-10-30 = 30 + 30 = 60 days: 2 / (60 / 30) = 1.0 ≥ 1.0.
    let doc = report(
        "small/flags-scope-creep",
        &[
            "--from",
            "2026-09-01",
            "--to",
            "2026-10-30",
            "--as-of",
            "2026-10-31",
        ],
    );
    assert_eq!(doc["period"]["days"], 60);
    let creeper = client(&doc, "Creeper");
    assert_count(creeper, "scope_changes", 2);
    assert_flag(creeper, "scope-creep", "warn", &["2", "60", "1.0"]);
    let once = client(&doc, "Once");
    assert_count(once, "scope_changes", 1);
    assert_no_flag(once, "scope-creep");
    // 2026-09-01..2026-10-31 = 61 days: 2 / (61 / 30) = 0.98 < 1.0.
    let doc = report(
        "small/flags-scope-creep",
        &[
            "--from",
            "2026-09-01",
            "--to",
            "2026-10-31",
            "--as-of",
            "2026-10-31",
        ],
    );
    let creeper = client(&doc, "Creeper");
    assert_count(creeper, "scope_changes", 2);
    assert_no_flag(creeper, "scope-creep");
}

#[test]
fn escalations_from_two() {
    let doc = october("small/flags-escalations");
    // Two: tag "escalation" + priority "Escalated" = 2 ≥ 2.
    let two = client(&doc, "Two");
    assert_count(two, "escalations", 2);
    assert_flag(two, "escalations", "warn", &["2"]);
    // One: tag "escalated" = 1 < 2.
    let one = client(&doc, "One");
    assert_count(one, "escalations", 1);
    assert_no_flag(one, "escalations");
}

#[test]
fn abusive_from_one_whole_tag() {
    let doc = october("small/flags-abusive");
    // Abusive: tags "billing, harassment" → 1 ≥ 1.
    let abusive = client(&doc, "Abusive");
    assert_count(abusive, "abusive_tickets", 1);
    assert_flag(abusive, "abusive", "severe", &["1"]);
    // Polite: tag "non-abusive" is not the whole tag "abusive" → 0.
    let polite = client(&doc, "Polite");
    assert_count(polite, "abusive_tickets", 0);
    assert_no_flag(polite, "abusive");
}

#[test]
fn discount_heavy_at_exactly_twenty_percent() {
    let doc = october("small/flags-discount-heavy");
    // Exact: 200.00 ≥ 0.20 × (800.00 + 200.00) = 200.00.
    let exact = client(&doc, "Exact");
    assert_money(exact, "discounts", "200.00");
    assert_flag(
        exact,
        "discount-heavy",
        "warn",
        &["200.00", "20", "1,000.00"],
    );
    // Below: 199.99 < 0.20 × (800.00 + 199.99) = 199.998.
    let below = client(&doc, "Below");
    assert_money(below, "discounts", "199.99");
    assert_no_flag(below, "discount-heavy");
}
