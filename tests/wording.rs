//! Figures and words as a reader takes them: lateness over all invoices
//! due and over the late ones, discounts beside a write-off, amounts with
//! thousands separators inside sentences, singulars, the whale curve's
//! peak, two-decimal money in the receivables JSON, and the rows that name
//! no client located by file and line.
//!
//! fixtures/small/wording (October 2026, as of 10-31):
//! - Writeoff Co: one invoice of 518.40 after a 129.60 discount, written off
//!   unpaid. Revenue 0, bad debt 518.40, discounts 129.60: 100% of revenue
//!   before discounts (129.60), and 129.60 / 648.00 = 20.0% of all invoiced.
//! - Late Co: four invoices due 10-05: 100.00 paid 10 days late, 300.00
//!   paid 20 days late, 200.00 and 400.00 on time. Over all due:
//!   (100 × 10 + 300 × 20) / 1,000 = 7.0 days; over the late ones:
//!   7,000 / 400 = 17.5 days.
//! - One Late: one invoice of 1,234,567.89 paid a day late.
//! - tickets.csv: line 2 is Late Co's; lines 3–9 name no client (emails at
//!   gmail, yahoo, none, gmail, hotmail, gmail, gmail) in October; line 10
//!   (gmail) is from 2025, outside the period.

use crate::util::*;

const OCTOBER: &[&str] = &["--period", "2026-10", "--as-of", "2026-10-31"];

fn wording() -> serde_json::Value {
    report("small/wording", OCTOBER)
}

#[test]
fn lateness_is_averaged_over_all_invoices_due_and_over_the_late_ones() {
    let doc = wording();
    let late = client(&doc, "Late Co");
    assert_number(late, "avg_days_late", Some(7.0));
    assert_number(late, "avg_days_late_over_late", Some(17.5));
    let detail = assert_flag(late, "late-payer", "warn", &[]);
    assert_eq!(
        detail,
        "2 of 4 invoices late (50.0%, threshold 2 late and 30.0%), avg 7.0 days late over all invoices due, 17.5 over the late ones"
    );
    // One invoice, one day late: the same either way.
    let one = client(&doc, "One Late");
    assert_number(one, "avg_days_late", Some(1.0));
    assert_number(one, "avg_days_late_over_late", Some(1.0));
}

#[test]
fn a_discount_beside_a_write_off_says_what_revenue_left_out() {
    let doc = wording();
    let writeoff = client(&doc, "Writeoff Co");
    let detail = assert_flag(writeoff, "discount-heavy", "warn", &[]);
    assert_eq!(
        detail,
        "discounts 129.60 = 100.0% of revenue before discounts 129.60 (threshold 20.0%); revenue leaves out 518.40 written off, and of all 648.00 invoiced before discounts they are 20.0%"
    );
    // No write-off, no note.
    let demo = report("demo", &[]);
    let sterling = client(&demo, "Sterling Cooper");
    let detail = assert_flag(sterling, "discount-heavy", "warn", &[]);
    assert!(!detail.contains("written off"), "{detail}");
}

#[test]
fn amounts_inside_reasons_group_thousands() {
    let demo = report("demo", &[]);
    // Massive Dynamic: 171,544.70 over 90 days on revenue 522,071.82.
    assert_eq!(
        reasons(client(&demo, "Massive Dynamic")),
        "fire: seriously-overdue — 171,544.70 over 90 days overdue is 32.9% of period revenue 522,071.82 (threshold 25.0%)\nguard held: concentration: revenue share 20.4% ≥ 15.0% — would be fire, kept at restructure; 20.4% of revenue (522,071.82) at stake"
    );
    // Bada Bing: two uncollectible invoices, INV-1312 3,488.21 and
    // INV-1315 3,191.63 = 6,679.84 written off.
    assert_eq!(
        reasons(client(&demo, "Bada Bing")),
        "fire: bad-debt — 6,679.84 written off"
    );
    // Gekko & Co: no invoice, 36 hours of support logged; its reason
    // says why its loss is unreliable before the rule that fired.
    assert_eq!(
        reasons(client(&demo, "Gekko & Co")),
        "no invoice at all under this name: most likely a missing invoices export (or work never billed); its revenue of 0 makes any loss here unreliable\nfire: unprofitable with 2 warn flags (ticket-heavy, below-target-rate; threshold 2)"
    );
}

#[test]
fn one_thing_is_singular() {
    let explain = run([
        "explain",
        "one late",
        &fixture("small/wording").display().to_string(),
        "--period",
        "2026-10",
        "--as-of",
        "2026-10-31",
    ]);
    assert_eq!(explain.code, 0, "{}", explain.stderr);
    assert!(
        explain
            .stdout
            .contains("  collection         15.00  1 late invoice × 15\n"),
        "{}",
        explain.stdout
    );
    let check = run(["check", &fixture("small/wording").display().to_string()]);
    assert!(
        check.stdout.starts_with("clientfit check — 2 files\n"),
        "{}",
        check.stdout
    );
}

#[test]
fn a_peak_just_above_the_total_is_not_rounded_to_100_percent() {
    // Demo: the total profit is 1,037,948.19; the last two, Gekko & Co
    // (−1,728.00) and Pied Piper (−3,352.53), erode 5,080.53, so the top 30
    // make 1,037,948.19 + 5,080.53 = 1,043,028.72;
    // 1,043,028.72 / 1,037,948.19 = 1.00489 → 100.5%, not "100%".
    let table = run(["report", &fixture("demo").display().to_string()]);
    assert!(
        table.stdout.contains(
            "Whale curve: profit peaks at 100.5% of the total after the top 30 clients; the other 2 erode 5,080.53\n"
        ),
        "{}",
        table.stdout
    );
}

#[test]
fn receivables_json_money_has_two_decimals() {
    let out = run([
        "receivables",
        &fixture("demo").display().to_string(),
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The demo's 1-30 bucket total is 46,463.40: written 46463.40.
    assert!(
        out.stdout.contains("\"amount\": 46463.40"),
        "{}",
        out.stdout
    );
    let money_keys = [
        "\"outstanding\": ",
        "\"amount\": ",
        "\"overdue\": ",
        "\"revenue\": ",
        "\"opening_ar\": ",
        "\"credit_sales\": ",
    ];
    let mut seen = 0;
    for line in out.stdout.lines() {
        let line = line.trim().trim_end_matches(',');
        if let Some(key) = money_keys.iter().find(|k| line.starts_with(**k)) {
            let number = &line[key.len()..];
            let (_, cents) = number.split_once('.').unwrap_or((number, ""));
            assert_eq!(cents.len(), 2, "{line}");
            seen += 1;
        }
    }
    // The 31 clients the view lists (Gekko & Co has no invoice) and the
    // total, 10 amounts each (outstanding, five buckets, overdue, revenue,
    // opening AR, credit sales).
    assert_eq!(seen, 32 * 10);
}

#[test]
fn unmatched_rows_are_located_in_every_output_and_in_check() {
    let dir = fixture("small/wording");
    let tickets = dir.join("tickets.csv").display().to_string();
    let doc = wording();
    let places = format!(
        "{tickets}:3 (email domain \"gmail.com\"), {tickets}:4 (email domain \"yahoo.com\"), {tickets}:5 (no client and no email), {tickets}:6 (email domain \"gmail.com\"), {tickets}:7 (email domain \"hotmail.com\"), …"
    );
    // Seven in October (lines 3-9); the first five by line.
    let warning = format!(
        "unmatched: 7 tickets and 0 meetings in the period name no known client (no client cell, and no email domain in clients.csv); map them with clients.csv aliases or domains; the first at {places}"
    );
    let warnings: Vec<&str> = doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w.as_str())
        .collect();
    assert_eq!(warnings, [warning.as_str()]);
    let mut args = vec!["report".to_string(), dir.display().to_string()];
    args.extend(OCTOBER.iter().map(|a| a.to_string()));
    let table = run(args.clone());
    assert!(
        table.stdout.contains(&format!("\nwarning: {warning}\n")),
        "{}",
        table.stdout
    );
    // Markdown and HTML escape the path their own way (it may hold any
    // character): the counts and the last place listed, as each writes them.
    for (format, expected) in [
        (
            "markdown",
            [
                "- **Warning:** unmatched: 7 tickets and 0 meetings in the period",
                "tickets.csv:7 (email domain \"hotmail.com\"), …\n",
            ],
        ),
        (
            "html",
            [
                "<li class=\"warning\"><strong>Warning:</strong> unmatched: 7 tickets and 0 meetings in the period",
                "tickets.csv:7 (email domain &quot;hotmail.com&quot;), …</li>",
            ],
        ),
    ] {
        let mut with_format = args.clone();
        with_format.extend(["--format".to_string(), format.to_string()]);
        let out = run(with_format);
        for part in expected {
            assert!(
                out.stdout.contains(part),
                "{format}: no {part:?} in\n{}",
                out.stdout
            );
        }
    }
    // check reads every row, whatever its date: eight, the 2025 one too.
    let check = run(["check", &dir.display().to_string()]);
    assert!(
        check.stdout.contains(&format!(
            "unmatched: 8 tickets and 0 meetings name no client and no email domain from clients.csv (map them with clients.csv aliases or domains):\n  {tickets}:3: email domain \"gmail.com\"\n  {tickets}:4: email domain \"yahoo.com\"\n  {tickets}:5: no client and no email\n  {tickets}:6: email domain \"gmail.com\"\n  {tickets}:7: email domain \"hotmail.com\"\n  {tickets}: 3 more\n"
        )),
        "{}",
        check.stdout
    );
}
