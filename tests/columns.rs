//! Column mapping, header handling and row skipping on exports that other
//! tools wrote: a mapped header the file lacks, generic headers (`State`,
//! `Paid`) that hold something else, fields turned off in config, dates
//! with their time of day in a column of their own, and clients whose
//! names start with "Total". Every figure is computed by hand below.
//!
//! Every run: period 2026-09-01..2026-10-31, as of 2026-10-31, default
//! rates (meetings 90/h).

use serde_json::Value;

use crate::util::*;

const TWO_MONTHS: &[&str] = &[
    "--period",
    "2026-09-01..2026-10-31",
    "--as-of",
    "2026-10-31",
];

fn check(dir: &str) -> Outcome {
    run(["check", fixture(dir).to_str().unwrap()])
}

/// The report's warnings, one string.
fn warnings(doc: &Value) -> String {
    doc["warnings"]
        .as_array()
        .expect("`warnings` is an array")
        .iter()
        .map(|w| w.as_str().unwrap_or_default().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_us_state_column_is_not_read_as_the_invoice_status() {
    // `State` holds Kentucky and Ohio: no invoice status at all, so it is
    // left unread and the paid dates decide.
    // Bluegrass: 1200.00 + 800.00 = 2000.00; B2 is unpaid: 800.00 owed.
    // Buckeye: 500.00, paid 2026-10-09: nothing owed.
    let doc = report("trust/state-column", TWO_MONTHS);
    let bluegrass = client(&doc, "Bluegrass Supply");
    assert_money(bluegrass, "revenue", "2000.00");
    assert_money(bluegrass, "outstanding", "800.00");
    let buckeye = client(&doc, "Buckeye Freight");
    assert_money(buckeye, "revenue", "500.00");
    assert_money(buckeye, "outstanding", "0.00");
    let said = warnings(&doc);
    assert!(
        said.contains("column \"State\" is not read as \"status\"")
            && said.contains("\"Kentucky\", \"Ohio\"")
            && said.contains("status = \"\""),
        "{said}"
    );

    let out = check("trust/state-column");
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("  note        column \"State\" is not read as \"status\""),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("status ←"), "{}", out.stdout);
}

#[test]
fn a_column_mapped_to_one_field_feeds_no_other() {
    // Invoice Ninja's `Paid` is the amount paid; mapped as paid_amount it
    // is not also read as the paid date.
    // Northwind: 1000.00 + 600.00 = 1600.00; owed (1000 - 1000) + (600 - 200) = 400.00.
    // Contoso: 400.00, paid 0.00: 400.00 owed.
    let doc = report("trust/invoice-ninja-paid", TWO_MONTHS);
    let northwind = client(&doc, "Northwind");
    assert_money(northwind, "revenue", "1600.00");
    assert_money(northwind, "outstanding", "400.00");
    let contoso = client(&doc, "Contoso");
    assert_money(contoso, "revenue", "400.00");
    assert_money(contoso, "outstanding", "400.00");

    let out = check("trust/invoice-ninja-paid");
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains("paid_amount ← \"Paid\""),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains(" paid ← \"Paid\""), "{}", out.stdout);
}

#[test]
fn a_loose_paid_column_of_amounts_is_left_unread_with_a_note() {
    // No mapping: `Paid` is found only by the loose alias "paid" and holds
    // amounts, so it is no paid date. Northwind owes IN-2 whole (status
    // Partial, no paid amount read): 600.00.
    let doc = report("trust/invoice-ninja-paid-unmapped", TWO_MONTHS);
    assert_money(client(&doc, "Northwind"), "outstanding", "600.00");
    let said = warnings(&doc);
    assert!(
        said.contains("column \"Paid\" is not read as \"paid\"")
            && said.contains("map paid_amount = \"Paid\""),
        "{said}"
    );
}

#[test]
fn an_empty_mapping_turns_an_optional_field_off() {
    // `status = ""` and `paid = ""`: the sync states and yes/no flags are
    // not read. No column left says what was paid, so receivables are
    // unknown: nothing counts as owed (rather than everything), and a
    // warning says why. Acme revenue 300.00 + 200.00 = 500.00.
    let doc = report("trust/fields-off", TWO_MONTHS);
    let acme = client(&doc, "Acme");
    assert_money(acme, "revenue", "500.00");
    assert_money(acme, "outstanding", "0.00");
    assert_money(client(&doc, "Globex"), "outstanding", "0.00");
    assert!(
        doc["warnings"]
            .to_string()
            .contains("no column says whether or when its invoices were paid"),
        "{}",
        doc["warnings"]
    );

    let out = check("trust/fields-off");
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("due ← \"due\", paid off, amount ← \"amount\", status off"),
        "{}",
        out.stdout
    );
}

#[test]
fn calendar_dates_and_times_in_separate_columns_are_one_moment() {
    // Outlook layout: Start Date, Start Time, End Date, End Time.
    // Acme: 9:00–10:30 (90 min) + 14:00–14:45 (45 min) = 135 min = 2.25 h
    // × 90 = 202.50. Globex: 16:00–16:20 = 20 min = 1/3 h × 90 = 30.00.
    let doc = report("trust/calendar-date-time", TWO_MONTHS);
    assert_money(client(&doc, "Acme"), "meeting_cost", "202.50");
    assert_money(client(&doc, "Globex"), "meeting_cost", "30.00");

    let out = check("trust/calendar-date-time");
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout.contains(
            "date ← \"Start Date\", start time ← \"Start Time\", end ← \"End Date\", end time ← \"End Time\""
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn mapped_date_columns_bring_their_time_columns() {
    // date = "Begin Date", end = "Finish Date" in clientfit.toml; the
    // times sit in Begin Time and Finish Time. Same meetings as above:
    // 202.50 and 30.00 (not 2 × 30 min = 90.00 and 30 min = 45.00).
    let doc = report("trust/calendar-date-time-mapped", TWO_MONTHS);
    assert_money(client(&doc, "Acme"), "meeting_cost", "202.50");
    assert_money(client(&doc, "Globex"), "meeting_cost", "30.00");
}

#[test]
fn clients_named_total_something_are_clients() {
    // The client column comes first. TotalEnergies SE 5000.00, Total
    // Quality Logistics 7000.00 and Totally Fresh Foods 1000.00 have dates
    // and ids: invoices. `Total for Acme` and `TOTAL` have neither: totals
    // rows. Revenue 5000 + 7000 + 1000 + 1000 = 14000.00.
    let doc = report("trust/total-clients", TWO_MONTHS);
    assert_money(client(&doc, "TotalEnergies SE"), "revenue", "5000.00");
    assert_money(
        client(&doc, "Total Quality Logistics"),
        "revenue",
        "7000.00",
    );
    assert_money(client(&doc, "Totally Fresh Foods"), "revenue", "1000.00");
    assert_money(client(&doc, "Acme"), "revenue", "1000.00");
    assert_eq!(rows(&doc).len(), 4, "{:?}", names(&doc));
    assert_eq!(doc["portfolio"]["revenue"].to_string(), "14000.00");
    assert!(
        warnings(&doc).contains("skipped 2 section or total rows"),
        "{}",
        warnings(&doc)
    );

    let out = check("trust/total-clients");
    assert_eq!(out.code, 0, "{}", out.stdout);
    for line in [
        "rows        6 read, 2 section/total rows skipped",
        "skipped: line 6, section or total row \"Total for Acme\"",
        "skipped: line 7, section or total row \"TOTAL\"",
    ] {
        assert!(out.stdout.contains(line), "{line:?} in:\n{}", out.stdout);
    }
}
