//! SPEC §2 Inputs: one fixture per real export layout (fixtures/exports/<tool>/,
//! header rows and quirks of the layouts in shared/examples, rows of our own),
//! every expected figure computed by hand from the SPEC.
//!
//! Default rates throughout: support 60/h, meetings 90/h, 15 per late
//! invoice, delivery share 0. Every run passes `--as-of 2026-10-31`.
//! "Two months" below is the period 2026-09-01..2026-10-31 = 30 + 31 = 61
//! days; "October" is 2026-10 = 31 days.

use serde_json::Value;

use crate::util::*;

const TWO_MONTHS: &[&str] = &[
    "--period",
    "2026-09-01..2026-10-31",
    "--as-of",
    "2026-10-31",
];
const OCTOBER: &[&str] = &["--period", "2026-10", "--as-of", "2026-10-31"];

/// A money figure of the portfolio summary, as written in the JSON.
fn assert_portfolio_money(doc: &Value, name: &str, expected: &str) {
    let value = &doc["portfolio"][name];
    assert!(
        value.is_number(),
        "portfolio.{name} is not a number: {value}"
    );
    assert_eq!(value.to_string(), expected, "portfolio.{name}");
}

fn assert_portfolio_count(doc: &Value, name: &str, expected: u64) {
    assert_eq!(
        doc["portfolio"][name].as_u64(),
        Some(expected),
        "portfolio.{name}: {}",
        doc["portfolio"]
    );
}

/// SPEC §6: the rules say fire, but the concentration guard (revenue share ≥
/// 0.15) holds the client at restructure.
fn assert_fire_held_by_concentration(client: &Value) {
    assert_eq!(
        verdict(client),
        "restructure",
        "verdict of {}",
        client["client"]
    );
    let guard = &client["guard"];
    assert!(
        guard["ids"]
            .as_array()
            .is_some_and(|ids| ids.iter().any(|id| id == "concentration")),
        "concentration guard of {}: {guard}",
        client["client"]
    );
    assert_eq!(guard["held_from"], "fire", "guard of {}", client["client"]);
}

fn sorted_names(doc: &Value) -> Vec<String> {
    let mut shown = names(doc);
    shown.sort();
    shown
}

// ---------------------------------------------------------------------------
// Stripe: `Customer Name` beside the `cus_…` id, `Date (UTC)` datetimes,
// `Paid At (UTC)` beside the boolean `Paid`, `Amount Paid`, thousands
// separators, lower-case currencies usd/eur (clientfit.toml: currency USD,
// EUR = 1.10), `uncollectible`, `void`, `Total Discount Amount`.
// ---------------------------------------------------------------------------

#[test]
fn stripe_currencies_bad_debt_void_and_paid_after_as_of() {
    let doc = report("exports/stripe", TWO_MONTHS);
    assert_eq!(doc["currency"], "USD");
    assert_eq!(
        sorted_names(&doc),
        ["Kramerica", "Pendant Publishing", "Vandelay Industries"]
    );

    let vandelay = client(&doc, "Vandelay Industries");
    // VAND-0001 2,400.00 + VAND-0002 1,200.00 + VAND-0003 1,800.00 = 5400.00
    assert_money(vandelay, "revenue", "5400.00");
    assert_money(vandelay, "discounts", "0.00");
    assert_money(vandelay, "bad_debt", "0.00");
    // Due in the period and by as-of: 0001 (10-03), 0002 (10-25); 0003 is
    // due 11-01.
    assert_count(vandelay, "invoices_due", 2);
    // 0001 paid 10-10: 7 days late. 0002 `paid` with Paid At 11-03, after
    // as-of: unpaid at as-of, 10-31 − 10-25 = 6 days late.
    assert_count(vandelay, "late_invoices", 2);
    assert_number(vandelay, "late_share", Some(1.0));
    // (2400 × 7 + 1200 × 6) / (2400 + 1200) = 24000 / 3600 = 6.67 → 6.7
    assert_number(vandelay, "avg_days_late", Some(6.7));
    // Owed: 0002 1200 (6 days past due) + 0003 1800 (not yet due) = 3000
    assert_money(vandelay, "outstanding", "3000.00");
    assert_money(vandelay, "current", "1800.00");
    assert_money(vandelay, "d1_30", "1200.00");
    assert_money(vandelay, "overdue", "1200.00");
    // 3000 / 5400 × 61 = 33.89 → 33.9
    assert_number(vandelay, "dso", Some(33.9));
    // 2 late × 15 = 30; 5400 − 30 = 5370; 5370 / 5400 = 0.99444 → 0.9944
    assert_money(vandelay, "collection_cost", "30.00");
    assert_money(vandelay, "profit", "5370.00");
    assert_number(vandelay, "margin", Some(0.9944));
    assert_flag(vandelay, "late-payer", "warn", &[]);

    let kramerica = client(&doc, "Kramerica");
    // KRAM-0001 uncollectible, EUR 500.00 of which 100.00 paid:
    // revenue 100 × 1.10 = 110.00, bad debt (500 − 100) × 1.10 = 440.00.
    // KRAM-0002 EUR 1,000.00 × 1.10 = 1100.00. 110 + 1100 = 1210.00
    assert_money(kramerica, "revenue", "1210.00");
    assert_money(kramerica, "bad_debt", "440.00");
    // Discount EUR 125.00 × 1.10 = 137.50
    assert_money(kramerica, "discounts", "137.50");
    // Due in the period: 0001 (09-24), 0002 (10-19). 0001 is unpaid at
    // as-of: 10-31 − 09-24 = 37 days late; 0002 paid 10-15, on time.
    assert_count(kramerica, "invoices_due", 2);
    assert_count(kramerica, "late_invoices", 1);
    assert_number(kramerica, "late_share", Some(0.5));
    // (550 × 37 + 1100 × 0) / 1650 = 12.33 → 12.3
    assert_number(kramerica, "avg_days_late", Some(12.3));
    // Bad debt is not a receivable; 0002 is paid.
    assert_money(kramerica, "outstanding", "0.00");
    // 1210 − 15 = 1195.00
    assert_money(kramerica, "profit", "1195.00");
    assert_flag(kramerica, "bad-debt", "severe", &[]);
    // Revenue share 1210 / 9760 = 0.124 < 0.15: no guard, fired.
    assert_eq!(verdict(kramerica), "fire");

    let pendant = client(&doc, "Pendant Publishing");
    // PEND-0001 3,150.00; PEND-0002 is void (750.00 ignored).
    assert_money(pendant, "revenue", "3150.00");
    assert_money(pendant, "discounts", "350.00");
    // Due 10-20 10:00, paid 10-20 16:30: the same calendar day, on time.
    assert_count(pendant, "invoices_due", 1);
    assert_count(pendant, "late_invoices", 0);
    assert_money(pendant, "outstanding", "0.00");
    // 350 < 0.20 × (3150 + 350) = 700: not discount-heavy.
    assert_no_flag(pendant, "discount-heavy");

    // 5400 + 1210 + 3150 = 9760.00
    assert_portfolio_money(&doc, "revenue", "9760.00");
    assert_portfolio_money(&doc, "bad_debt", "440.00");
    assert_portfolio_count(&doc, "clients", 3);
}

// ---------------------------------------------------------------------------
// Xero: one row per line item with `Total`, `InvoiceAmountPaid` and
// `InvoiceAmountDue` repeated; day-first dates without zero padding
// (`3/09/2026`); `AUTHORISED`; a credit note with a negative `Total`; the
// `Discount` column is a line percentage (not a discount amount); no paid date.
// ---------------------------------------------------------------------------

#[test]
fn xero_line_items_balances_and_credit_note() {
    let doc = report("exports/xero", TWO_MONTHS);
    assert_eq!(doc["currency"], "NZD");
    // `SPROCKETS LTD` (first spelling) = `Sprockets Ltd`.
    assert_eq!(sorted_names(&doc), ["SPROCKETS LTD", "Wombat Digital"]);

    let sprockets = client(&doc, "SPROCKETS LTD");
    // INV-0201: 2 lines, Total 1150.00 taken once; INV-0202: 3 lines, Total
    // 2070.00 taken once. 1150 + 2070 = 3220.00
    assert_money(sprockets, "revenue", "3220.00");
    // `Discount` 10 on an INV-0201 line is a percentage: not read.
    assert_money(sprockets, "discounts", "0.00");
    // INV-0201 PAID with nothing due but no paid date: left out of lateness.
    // INV-0202 due 14/10 with 1570.00 due at as-of: 10-31 − 10-14 = 17 days.
    assert_count(sprockets, "invoices_due", 1);
    assert_count(sprockets, "late_invoices", 1);
    assert_number(sprockets, "late_share", Some(1.0));
    assert_number(sprockets, "avg_days_late", Some(17.0));
    // Owed: INV-0202 InvoiceAmountDue 1570.00 (2070 − 500 paid), 17 days.
    assert_money(sprockets, "outstanding", "1570.00");
    assert_money(sprockets, "current", "0.00");
    assert_money(sprockets, "d1_30", "1570.00");
    assert_money(sprockets, "overdue", "1570.00");
    // 1570 / 3220 × 61 = 29.74 → 29.7
    assert_number(sprockets, "dso", Some(29.7));
    // 3220 − 15 = 3205.00
    assert_money(sprockets, "collection_cost", "15.00");
    assert_money(sprockets, "profit", "3205.00");

    let wombat = client(&doc, "Wombat Digital");
    // INV-0203 920.00 + CN-0011 −115.00 = 805.00
    assert_money(wombat, "revenue", "805.00");
    // Receivables count positive amounts only: INV-0203, due 21/11.
    assert_money(wombat, "outstanding", "920.00");
    assert_money(wombat, "current", "920.00");
    assert_money(wombat, "overdue", "0.00");
    // Nothing due by as-of (INV-0203 due 11-21; the credit note is negative).
    assert_count(wombat, "invoices_due", 0);
    assert_count(wombat, "late_invoices", 0);
    // 920 / 805 × 61 = 69.71 → 69.7
    assert_number(wombat, "dso", Some(69.7));
    assert_money(wombat, "profit", "805.00");

    // 3220 + 805 = 4025.00
    assert_portfolio_money(&doc, "revenue", "4025.00");
}

// ---------------------------------------------------------------------------
// QuickBooks Online A/R Aging Detail: title lines, a leading empty column,
// section rows and `Total for …` / `TOTAL` rows, `Open balance`, M/D/Y dates
// (inferred), no status, no paid date. File name says nothing: the kind comes
// from the header.
// ---------------------------------------------------------------------------

#[test]
fn quickbooks_report_style_export() {
    // 2026-05-01..2026-10-31 = 31 + 30 + 31 + 31 + 30 + 31 = 184 days.
    let doc = report(
        "exports/quickbooks",
        &[
            "--from",
            "2026-05-01",
            "--to",
            "2026-10-31",
            "--as-of",
            "2026-10-31",
        ],
    );
    // Sections and totals are not clients; `Stark Logistics, Inc.` =
    // `Stark Logistics`.
    assert_eq!(sorted_names(&doc), ["Osgood Partners", "Stark Logistics"]);
    assert_portfolio_count(&doc, "clients", 2);

    let stark = client(&doc, "Stark Logistics");
    // 3,200.00 + 1,500.00 = 4700.00 (total rows are not invoices)
    assert_money(stark, "revenue", "4700.00");
    // #2051 open 3200.00, due 06/13: 17 + 31 + 31 + 30 + 31 = 140 days past due.
    // #2077 open 500.00, due 09/19: 11 + 31 = 42 days past due.
    assert_money(stark, "outstanding", "3700.00");
    assert_money(stark, "current", "0.00");
    assert_money(stark, "d1_30", "0.00");
    assert_money(stark, "d31_60", "500.00");
    assert_money(stark, "d61_90", "0.00");
    assert_money(stark, "d90_plus", "3200.00");
    assert_money(stark, "overdue", "3700.00");
    // Both due in the period and still (partly) owed: late 140 and 42 days.
    assert_count(stark, "invoices_due", 2);
    assert_count(stark, "late_invoices", 2);
    // (3200 × 140 + 1500 × 42) / 4700 = 511000 / 4700 = 108.72 → 108.7
    assert_number(stark, "avg_days_late", Some(108.7));
    // 3700 / 4700 × 184 = 144.85 → 144.9
    assert_number(stark, "dso", Some(144.9));
    // 4700 − 2 × 15 = 4670.00
    assert_money(stark, "profit", "4670.00");
    // 3200 ≥ 0.25 × 4700 = 1175: the rules say fire; revenue share 4700 /
    // 6800 = 0.69 ≥ 0.15 holds it at restructure.
    assert_flag(stark, "seriously-overdue", "severe", &[]);
    assert_flag(stark, "late-payer", "warn", &[]);
    assert_fire_held_by_concentration(stark);

    let osgood = client(&doc, "Osgood Partners");
    // 980.00 + 1,120.00 = 2100.00
    assert_money(osgood, "revenue", "2100.00");
    // #2090 due 10/25: 6 days past due; #2101 due 11/15: current.
    assert_money(osgood, "outstanding", "2100.00");
    assert_money(osgood, "current", "1120.00");
    assert_money(osgood, "d1_30", "980.00");
    assert_money(osgood, "overdue", "980.00");
    assert_count(osgood, "invoices_due", 1);
    assert_count(osgood, "late_invoices", 1);
    assert_number(osgood, "avg_days_late", Some(6.0));
    // 2100 / 2100 × 184 = 184.0
    assert_number(osgood, "dso", Some(184.0));
    // 2100 − 15 = 2085.00
    assert_money(osgood, "profit", "2085.00");

    // 4700 + 2100 = 6800.00 (the `TOTAL` row says the same; it is not read)
    assert_portfolio_money(&doc, "revenue", "6800.00");
    // 3700 + 2100 = 5800.00; overdue 3700 + 980 = 4680.00
    assert_portfolio_money(&doc, "outstanding", "5800.00");
    assert_portfolio_money(&doc, "overdue", "4680.00");
    assert_portfolio_money(&doc, "d90_plus", "3200.00");
}

// ---------------------------------------------------------------------------
// FreshBooks Invoice Details: one row per line, no invoice total: `Line Total`
// is summed per `Invoice #`; `Discount Percentage` is not a discount amount;
// `draft` is excluded.
// ---------------------------------------------------------------------------

#[test]
fn freshbooks_line_totals_are_summed() {
    let doc = report("exports/freshbooks", TWO_MONTHS);
    assert_eq!(doc["currency"], "USD");

    let planet = client(&doc, "Planet Express");
    // #0000451: 904.00 + 169.50 + 75.00 = 1148.50
    // #0000452: 1200.00 + 300.00 = 1500.00
    // 1148.50 + 1500.00 = 2648.50
    assert_money(planet, "revenue", "2648.50");
    assert_money(planet, "discounts", "0.00");
    // #0000451 due 10-08, paid 10-20: 12 days late. #0000452 due 11-01.
    assert_count(planet, "invoices_due", 1);
    assert_count(planet, "late_invoices", 1);
    assert_number(planet, "avg_days_late", Some(12.0));
    assert_money(planet, "outstanding", "1500.00");
    assert_money(planet, "current", "1500.00");
    assert_money(planet, "overdue", "0.00");
    // 1500 / 2648.50 × 61 = 34.55 → 34.5
    assert_number(planet, "dso", Some(34.5));
    // 2648.50 − 15 = 2633.50
    assert_money(planet, "profit", "2633.50");

    let monsters = client(&doc, "Monsters Ink");
    // #0000453: 450.00 + 202.50 = 652.50; #0000454 (999.00) is a draft.
    assert_money(monsters, "revenue", "652.50");
    // Due 09-30, unpaid: 31 days past due at 10-31.
    assert_money(monsters, "outstanding", "652.50");
    assert_money(monsters, "d1_30", "0.00");
    assert_money(monsters, "d31_60", "652.50");
    assert_count(monsters, "invoices_due", 1);
    assert_count(monsters, "late_invoices", 1);
    assert_number(monsters, "avg_days_late", Some(31.0));
    // 652.50 / 652.50 × 61 = 61.0
    assert_number(monsters, "dso", Some(61.0));
    // 652.50 − 15 = 637.50
    assert_money(monsters, "profit", "637.50");

    // 2648.50 + 652.50 = 3301.00
    assert_portfolio_money(&doc, "revenue", "3301.00");
}

// ---------------------------------------------------------------------------
// Zoho Invoice / Books: one row per line, `Total` and `Balance` repeated on
// every line, `Partially Paid`, `Overdue`, no paid date.
// ---------------------------------------------------------------------------

#[test]
fn zoho_repeated_totals_and_balances() {
    let doc = report("exports/zoho", TWO_MONTHS);
    assert_eq!(doc["currency"], "EUR");

    let nakatomi = client(&doc, "Nakatomi Trading");
    // INV-000501 (2 lines) Total 1000.00 once + INV-000502 (3 lines) Total
    // 1000.00 once = 2000.00
    assert_money(nakatomi, "revenue", "2000.00");
    // INV-000501 Paid, Balance 0, no date: left out of lateness.
    // INV-000502 Partially Paid, Balance 400.00, due 10-18: 13 days late.
    assert_count(nakatomi, "invoices_due", 1);
    assert_count(nakatomi, "late_invoices", 1);
    assert_number(nakatomi, "late_share", Some(1.0));
    assert_number(nakatomi, "avg_days_late", Some(13.0));
    assert_money(nakatomi, "outstanding", "400.00");
    assert_money(nakatomi, "d1_30", "400.00");
    assert_money(nakatomi, "overdue", "400.00");
    // 400 / 2000 × 61 = 12.2
    assert_number(nakatomi, "dso", Some(12.2));
    // 2000 − 15 = 1985.00
    assert_money(nakatomi, "profit", "1985.00");

    let cyberdyne = client(&doc, "Cyberdyne Systems");
    // INV-000503 2150.00 (INV-000499 was issued 07-01, before the period).
    assert_money(cyberdyne, "revenue", "2150.00");
    // INV-000499 Balance 300.00 due 07-31: 31 + 30 + 31 = 92 days past due;
    // INV-000503 Balance 2150.00 due 11-19: current.
    assert_money(cyberdyne, "outstanding", "2450.00");
    assert_money(cyberdyne, "current", "2150.00");
    assert_money(cyberdyne, "d90_plus", "300.00");
    assert_money(cyberdyne, "overdue", "300.00");
    // INV-000499 is due before the period, INV-000503 after as-of.
    assert_count(cyberdyne, "invoices_due", 0);
    // 2450 / 2150 × 61 = 69.51 → 69.5
    assert_number(cyberdyne, "dso", Some(69.5));
    // 300 < 0.25 × 2150 = 537.50: seriously overdue but not fired.
    assert_flag(cyberdyne, "seriously-overdue", "severe", &[]);
    assert_eq!(verdict(cyberdyne), "restructure");

    // 2000 + 2150 = 4150.00
    assert_portfolio_money(&doc, "revenue", "4150.00");
}

// ---------------------------------------------------------------------------
// Zendesk: `Organization` blank for some tickets (resolved by `Requester
// email` through clients.csv `domains`), space-separated `Tags`, datetimes
// with offsets, `Total time spent (sec)`, and the clients.csv layout
// (aliases, domains, segment, strategic, owner).
// ---------------------------------------------------------------------------

#[test]
fn zendesk_seconds_tags_and_email_domains() {
    let doc = report("exports/zendesk", OCTOBER);

    let oceanic = client(&doc, "Oceanic Airlines");
    assert_eq!(oceanic["owner"], "kate");
    assert_eq!(oceanic["segment"], "enterprise");
    assert_eq!(oceanic["strategic"], true);
    // 20501 2700 s = 45 min, 20502 1800 s = 30 min, 20506 150 s = 2.5 min;
    // 20507 is created 11-02, after as-of.
    assert_count(oceanic, "tickets", 3);
    // 45 + 30 + 2.5 = 77.5
    assert_number(oceanic, "ticket_minutes", Some(77.5));
    // 77.5 / 60 × 60 = 77.50
    assert_money(oceanic, "support_cost", "77.50");
    // Tags `escalated` (20501) and `executive` (20506); priorities urgent and
    // high are not markers.
    assert_count(oceanic, "escalations", 2);
    // Tag `change_request` (20502)
    assert_count(oceanic, "scope_changes", 1);
    assert_count(oceanic, "abusive_tickets", 0);
    // 4000 − 77.50 = 3922.50
    assert_money(oceanic, "revenue", "4000.00");
    assert_money(oceanic, "profit", "3922.50");
    // 3 / (3 + 2) = 0.6
    assert_number(oceanic, "ticket_share", Some(0.6));
    // 4000 / (4000 + 1500) = 0.72727 → 0.7273
    assert_number(oceanic, "revenue_share", Some(0.7273));
    assert_flag(oceanic, "escalations", "warn", &["2"]);
    let guard_ids = oceanic["guard"]["ids"].to_string();
    assert!(guard_ids.contains("strategic"), "{guard_ids}");

    let tyrell = client(&doc, "Tyrell Corp");
    assert_eq!(tyrell["owner"], "rick");
    assert_eq!(tyrell["strategic"], false);
    // 20503: blank Organization, roy@tyrell.io → Tyrell Corp, 600 s = 10 min,
    // tag `abusive`. 20505: Tyrell Corp, blank time = 20 min, created
    // 2026-10-12 23:30 -0700 (the date as written: 10-12).
    assert_count(tyrell, "tickets", 2);
    // 10 + 20 = 30
    assert_number(tyrell, "ticket_minutes", Some(30.0));
    assert_money(tyrell, "support_cost", "30.00");
    assert_count(tyrell, "abusive_tickets", 1);
    assert_count(tyrell, "escalations", 0);
    // 1500 − 30 = 1470.00
    assert_money(tyrell, "profit", "1470.00");
    // Abusive: fire, held by concentration (1500 / 5500 = 0.27 ≥ 0.15).
    assert_flag(tyrell, "abusive", "severe", &[]);
    assert_fire_held_by_concentration(tyrell);

    // 20504: blank Organization, someone@freemail.example: no known domain.
    assert_portfolio_count(&doc, "unmatched_tickets", 1);
    assert_portfolio_count(&doc, "unmatched_meetings", 0);
    assert_portfolio_count(&doc, "clients", 2);
}

// ---------------------------------------------------------------------------
// Freshdesk: `Company Name`, `Time tracked` as `hh:mm:ss` or `hh:mm`,
// multi-line quoted descriptions, comma-separated tags in one cell.
// ---------------------------------------------------------------------------

#[test]
fn freshdesk_clock_durations_and_multiline_descriptions() {
    let doc = report("exports/freshdesk", OCTOBER);
    // The line breaks inside descriptions make no extra rows or clients.
    assert_eq!(sorted_names(&doc), ["Duff Brewing", "Los Pollos Hermanos"]);
    assert_portfolio_count(&doc, "unmatched_tickets", 0);

    let duff = client(&doc, "Duff Brewing");
    // 701 01:45:00 = 105 min, 702 00:40 = 40 min, 703 02:10 = 130 min
    // (`Duff Brewing Co.` = `Duff Brewing`).
    assert_count(duff, "tickets", 3);
    // 105 + 40 + 130 = 275
    assert_number(duff, "ticket_minutes", Some(275.0));
    // 275 / 60 × 60 = 275.00
    assert_money(duff, "support_cost", "275.00");
    // 701 tag `escalated`; 702 tag `scope_change`.
    assert_count(duff, "escalations", 1);
    assert_count(duff, "scope_changes", 1);
    assert_count(duff, "abusive_tickets", 0);
    // 3000 − 275 = 2725.00
    assert_money(duff, "profit", "2725.00");

    let pollos = client(&doc, "Los Pollos Hermanos");
    // 704 blank = 20 min, type `Change Request`; 705 00:15:00 = 15 min, tags
    // "billing,threat".
    assert_count(pollos, "tickets", 2);
    // 20 + 15 = 35
    assert_number(pollos, "ticket_minutes", Some(35.0));
    assert_money(pollos, "support_cost", "35.00");
    assert_count(pollos, "scope_changes", 1);
    assert_count(pollos, "abusive_tickets", 1);
    // 800 − 35 = 765.00
    assert_money(pollos, "profit", "765.00");
    // Abusive: fire, held by concentration (800 / 3800 = 0.21 ≥ 0.15).
    assert_fire_held_by_concentration(pollos);
}

// ---------------------------------------------------------------------------
// Jira Service Management: UTF-8 BOM, CRLF, two `Labels` columns,
// `01/Oct/26 8:05 AM` dates, `Time Spent` in seconds, organization in
// `Custom field (Organizations)`. File name says nothing: kind from header.
// ---------------------------------------------------------------------------

#[test]
fn jira_bom_crlf_repeated_labels_and_seconds() {
    let doc = report("exports/jira", OCTOBER);
    assert_eq!(
        sorted_names(&doc),
        ["Prestige Worldwide", "Stratton Oakmont"]
    );

    let stratton = client(&doc, "Stratton Oakmont");
    // HD-201 5400 s = 90 min, labels hardware + escalated;
    // HD-205 blank = 20 min, label change_request;
    // HD-215 (02/Nov/26) is after as-of.
    assert_count(stratton, "tickets", 2);
    // 90 + 20 = 110
    assert_number(stratton, "ticket_minutes", Some(110.0));
    assert_money(stratton, "support_cost", "110.00");
    assert_count(stratton, "escalations", 1);
    assert_count(stratton, "scope_changes", 1);
    assert_count(stratton, "abusive_tickets", 0);
    // 5000 − 110 = 4890.00
    assert_money(stratton, "profit", "4890.00");

    let prestige = client(&doc, "Prestige Worldwide");
    // HD-209 900 s = 15 min, first Labels `abuse`;
    // HD-212 1800 s = 30 min, second Labels `escalation`.
    assert_count(prestige, "tickets", 2);
    // 15 + 30 = 45
    assert_number(prestige, "ticket_minutes", Some(45.0));
    assert_money(prestige, "support_cost", "45.00");
    assert_count(prestige, "abusive_tickets", 1);
    assert_count(prestige, "escalations", 1);
    assert_count(prestige, "scope_changes", 0);
    // 1200 − 45 = 1155.00
    assert_money(prestige, "profit", "1155.00");
    // Abusive: fire, held by concentration (1200 / 6200 = 0.19 ≥ 0.15).
    assert_fire_held_by_concentration(prestige);
}

// ---------------------------------------------------------------------------
// Calendly: no client column (invitee email domain through clients.csv
// `domains`), `Canceled` / `Marked as No-Show` booleans, `2026-10-05 09:00
// am` datetimes, duration from start and end; invoices name the client by a
// clients.csv alias.
// ---------------------------------------------------------------------------

#[test]
fn calendly_booleans_domains_and_am_pm_durations() {
    let doc = report("exports/calendly", OCTOBER);
    assert_eq!(sorted_names(&doc), ["Gekko Capital", "Hooper Labs"]);

    let gekko = client(&doc, "Gekko Capital");
    // Invoice client `GC-001` is an alias of Gekko Capital.
    assert_money(gekko, "revenue", "2000.00");
    // G1 attended 09:00 am → 09:45 am = 45 min; G2 no-show 01:30 pm →
    // 02:30 pm = 60 min (gekko.capital, the second domain); G3 canceled;
    // G4 no-show 12:00 pm → 01:00 pm = 60 min.
    assert_count(gekko, "attended", 1);
    assert_count(gekko, "no_shows", 2);
    assert_count(gekko, "cancelled", 1);
    // All but cancelled: 4 − 1 = 3
    assert_count(gekko, "scheduled", 3);
    // 2 / (1 + 2) = 0.6667
    assert_number(gekko, "no_show_rate", Some(0.6667));
    // 45 × 1 / 60 × 90 = 67.50
    assert_money(gekko, "meeting_cost", "67.50");
    // (60 + 60) × 1 / 60 × 90 = 180.00
    assert_money(gekko, "no_show_cost", "180.00");
    // 2000 − 67.50 − 180.00 = 1752.50
    assert_money(gekko, "profit", "1752.50");
    // (45 + 120) / 60 = 2.75 h; 2000 / 2.75 = 727.27
    assert_money(gekko, "effective_hourly", "727.27");
    assert_flag(gekko, "no-shows", "warn", &[]);

    let hooper = client(&doc, "Hooper Labs");
    // H1 attended (Pat@HooperLabs.IO) 04:00 pm → 04:50 pm = 50 min;
    // H2 (11-04) is after as-of.
    assert_count(hooper, "attended", 1);
    assert_count(hooper, "scheduled", 1);
    assert_count(hooper, "no_shows", 0);
    assert_number(hooper, "no_show_rate", Some(0.0));
    // 50 / 60 × 90 = 75.00
    assert_money(hooper, "meeting_cost", "75.00");
    // 900 − 75 = 825.00
    assert_money(hooper, "profit", "825.00");
    assert_eq!(hooper["segment"], "smb");
    assert_eq!(hooper["strategic"], false);

    // EVT-X1 random@freemail.example: no known domain.
    assert_portfolio_count(&doc, "unmatched_meetings", 1);
    assert_portfolio_count(&doc, "unmatched_tickets", 0);
}

// ---------------------------------------------------------------------------
// HubSpot meetings: `Meeting outcome` COMPLETED / NO_SHOW / RESCHEDULED /
// CANCELED / SCHEDULED, duration from start and end, `Associated Company`,
// `Attendees` as a number or a list of names.
// ---------------------------------------------------------------------------

#[test]
fn hubspot_outcomes_durations_and_attendees() {
    let doc = report("exports/hubspot", OCTOBER);

    let sterling = client(&doc, "Sterling Cooper");
    // 9101 COMPLETED 15:00 → 16:30 = 90 min × 3; 9102 NO_SHOW 10:00 → 10:40
    // = 40 min × 2; 9103 RESCHEDULED.
    assert_count(sterling, "attended", 1);
    assert_count(sterling, "no_shows", 1);
    assert_count(sterling, "cancelled", 0);
    // All but cancelled: 3
    assert_count(sterling, "scheduled", 3);
    // 1 / (1 + 1) = 0.5
    assert_number(sterling, "no_show_rate", Some(0.5));
    // 90 × 3 / 60 × 90 = 405.00
    assert_money(sterling, "meeting_cost", "405.00");
    // 40 × 2 / 60 × 90 = 120.00
    assert_money(sterling, "no_show_cost", "120.00");
    // 3500 − 405 − 120 = 2975.00; 2975 / 3500 = 0.85
    assert_money(sterling, "profit", "2975.00");
    assert_number(sterling, "margin", Some(0.85));
    // (270 + 80) / 60 = 5.8333 h; 3500 / (350 / 60) = 600.00
    assert_money(sterling, "effective_hourly", "600.00");

    let piper = client(&doc, "Pied Piper");
    // 9104 COMPLETED 14:00 → 15:00 = 60 min, attendees "Dana Scully;Lee
    // Adama" = 2; 9105 CANCELED; 9106 SCHEDULED.
    assert_count(piper, "attended", 1);
    assert_count(piper, "no_shows", 0);
    assert_count(piper, "cancelled", 1);
    // 3 − 1 cancelled = 2
    assert_count(piper, "scheduled", 2);
    // 0 / (1 + 0) = 0
    assert_number(piper, "no_show_rate", Some(0.0));
    // 60 × 2 / 60 × 90 = 180.00
    assert_money(piper, "meeting_cost", "180.00");
    assert_money(piper, "no_show_cost", "0.00");
    // 1000 − 180 = 820.00; 1000 / (120 / 60) = 500.00
    assert_money(piper, "profit", "820.00");
    assert_money(piper, "effective_hourly", "500.00");
}

// ---------------------------------------------------------------------------
// European Excel save: `;`, decimal comma with `.` thousands, Windows-1252
// bytes, DD.MM.YYYY, German headers and statuses mapped in clientfit.toml.
// ---------------------------------------------------------------------------

#[test]
fn excel_eu_semicolons_decimal_comma_cp1252_and_german_mapping() {
    let doc = report("exports/excel-eu", TWO_MONTHS);
    assert_eq!(doc["currency"], "EUR");
    assert_eq!(
        sorted_names(&doc),
        [
            "Brauerei Wüstenrot GmbH",
            "Café Élysée SARL",
            "Größe & Partner"
        ]
    );
    let warnings = doc["warnings"].to_string();
    assert!(
        warnings.contains("1252"),
        "a warning says the file was read as Windows-1252: {warnings}"
    );

    let brauerei = client(&doc, "Brauerei Wüstenrot GmbH");
    // 2.450,00 + 1.180,50 = 3630.50
    assert_money(brauerei, "revenue", "3630.50");
    // RE-2026-301 due 02.10., paid 09.10.: 7 days late; RE-2026-302 due 04.11.
    assert_count(brauerei, "invoices_due", 1);
    assert_count(brauerei, "late_invoices", 1);
    assert_number(brauerei, "avg_days_late", Some(7.0));
    assert_money(brauerei, "outstanding", "1180.50");
    assert_money(brauerei, "current", "1180.50");
    // 1180.50 / 3630.50 × 61 = 19.83 → 19.8
    assert_number(brauerei, "dso", Some(19.8));
    // 3630.50 − 15 = 3615.50
    assert_money(brauerei, "profit", "3615.50");

    let cafe = client(&doc, "Café Élysée SARL");
    // RE-2026-303 780,25 `überfällig` (open); RE-2026-304 `storniert` (void).
    assert_money(cafe, "revenue", "780.25");
    // Due 11.10., unpaid: 20 days past due and late.
    assert_money(cafe, "outstanding", "780.25");
    assert_money(cafe, "d1_30", "780.25");
    assert_count(cafe, "invoices_due", 1);
    assert_count(cafe, "late_invoices", 1);
    assert_number(cafe, "avg_days_late", Some(20.0));
    // 780.25 / 780.25 × 61 = 61.0
    assert_number(cafe, "dso", Some(61.0));
    // 780.25 − 15 = 765.25
    assert_money(cafe, "profit", "765.25");

    let grosse = client(&doc, "Größe & Partner");
    // 3.000,00, due 31.10., paid 30.10.: on time.
    assert_money(grosse, "revenue", "3000.00");
    assert_count(grosse, "invoices_due", 1);
    assert_count(grosse, "late_invoices", 0);
    assert_money(grosse, "outstanding", "0.00");

    // 3630.50 + 780.25 + 3000.00 = 7410.75
    assert_portfolio_money(&doc, "revenue", "7410.75");
}
