//! SPEC §6 (verdict rules in order, guards) and the row filters and exit
//! codes of §1/§7.
//!
//! fixtures/small/verdicts, period 2026-10 (31 days), as-of 2026-10-31.
//! Every October invoice is issued 10-01, due 10-31 and (unless said)
//! paid 10-05, so nobody pays late. Revenue per client:
//!   Whale 100000, Abuser 1000, Deadbeat 900 (1000 written off, 900 paid),
//!   Overdue25 1000, Overdue24 1000, Ghost 0, LossMany 100, LossOne 100,
//!   LossAlone 100, ThinThree 1000, ThinTwo 1000, Restructurer 1000,
//!   Keeper 1000, Keystone 1000
//!   Σ = 100000 + 8 × 1000 + 900 + 3 × 100 = 109200
//! so every client but Whale has a revenue share ≤ 1000 / 109200 = 0.0092,
//! far under the concentration guard (0.15). Nobody has 5 tickets, so no
//! ticket-heavy flag.

use serde_json::Value;

use crate::util::*;

const OCTOBER: &[&str] = &["--period", "2026-10", "--as-of", "2026-10-31"];

fn doc() -> Value {
    report("small/verdicts", OCTOBER)
}

/// The October arguments followed by `extra`.
fn with<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = OCTOBER.to_vec();
    args.extend_from_slice(extra);
    args
}

fn guard_text(client: &Value) -> String {
    client["guard"].to_string()
}

#[test]
fn fire_for_abuse() {
    let doc = doc();
    // One ticket tagged "abusive" → abusive (severe) → rule 1.
    let abuser = client(&doc, "Abuser");
    assert_eq!(flag_ids(abuser), ["abusive"]);
    assert_eq!(verdict(abuser), "fire");
    assert!(reasons(abuser).contains("abusive"), "{}", reasons(abuser));
    assert!(!actions(abuser).is_empty());
    assert!(abuser["guard"].is_null() || abuser["guard"]["held_from"].is_null());
}

#[test]
fn fire_for_bad_debt() {
    let doc = doc();
    // 1000 written off, 900 paid: bad debt 100 > 0 → rule 1.
    let deadbeat = client(&doc, "Deadbeat");
    assert_money(deadbeat, "bad_debt", "100.00");
    assert_eq!(verdict(deadbeat), "fire");
    assert!(
        reasons(deadbeat).contains("bad-debt"),
        "{}",
        reasons(deadbeat)
    );
}

#[test]
fn fire_for_overdue_from_a_quarter_of_revenue() {
    let doc = doc();
    // Overdue25: 250.00 due 07-01 unpaid: 122 days past due at 10-31.
    // 250 ≥ 0.25 × 1000 = 250 → rule 1.
    let at = client(&doc, "Overdue25");
    assert_money(at, "d90_plus", "250.00");
    assert_eq!(verdict(at), "fire");
    assert!(reasons(at).contains("seriously-overdue"), "{}", reasons(at));
    // Overdue24: 240 < 250 → not rule 1; the severe flag alone → rule 3.
    let below = client(&doc, "Overdue24");
    assert_money(below, "d90_plus", "240.00");
    assert_eq!(flag_ids(below), ["seriously-overdue"]);
    assert_eq!(verdict(below), "restructure");
    // Ghost: 300.00 due 06-01 and no revenue in the period (revenue ≤ 0) → rule 1.
    let ghost = client(&doc, "Ghost");
    assert_money(ghost, "revenue", "0.00");
    assert_money(ghost, "d90_plus", "300.00");
    assert_eq!(verdict(ghost), "fire");
}

#[test]
fn fire_for_unprofitable_with_two_warn_flags() {
    let doc = doc();
    // LossMany: 4 tickets × 30 min = 120.00; 100 − 120 = −20 → unprofitable;
    // 2 escalated tags → escalations; 2 Change Requests in 31 days:
    // 2 / (31 / 30) = 1.94 ≥ 1 → scope-creep. 2 warn flags → rule 1.
    let loss = client(&doc, "LossMany");
    assert_money(loss, "profit", "-20.00");
    let mut ids = flag_ids(loss);
    ids.sort();
    assert_eq!(ids, ["escalations", "scope-creep", "unprofitable"]);
    assert_eq!(verdict(loss), "fire");
    assert!(reasons(loss).contains("unprofitable"), "{}", reasons(loss));
}

#[test]
fn refer_for_unprofitable_otherwise() {
    let doc = doc();
    // LossAlone: 1 ticket of 120 min = 120.00; 100 − 120 = −20; no other flag.
    let alone = client(&doc, "LossAlone");
    assert_money(alone, "profit", "-20.00");
    assert_eq!(flag_ids(alone), ["unprofitable"]);
    assert_eq!(verdict(alone), "refer");
    assert!(
        reasons(alone).contains("unprofitable"),
        "{}",
        reasons(alone)
    );
    // LossOne: 2 escalated tickets × 60 min = 120.00 → −20; one warn flag
    // (escalations) is not 2 → rule 2.
    let one = client(&doc, "LossOne");
    let mut ids = flag_ids(one);
    ids.sort();
    assert_eq!(ids, ["escalations", "unprofitable"]);
    assert_eq!(verdict(one), "refer");
}

#[test]
fn refer_for_thin_margin_with_two_other_warn_flags() {
    let doc = doc();
    // ThinThree: 4 tickets × 225 min = 900.00; (1000 − 900) / 1000 = 0.10
    // → thin-margin; 2 escalated + 2 Change Requests → escalations and
    // scope-creep: 2 other warn flags → rule 2.
    let thin = client(&doc, "ThinThree");
    assert_number(thin, "margin", Some(0.1));
    let mut ids = flag_ids(thin);
    ids.sort();
    assert_eq!(ids, ["escalations", "scope-creep", "thin-margin"]);
    assert_eq!(verdict(thin), "refer");
    assert!(reasons(thin).contains("thin-margin"), "{}", reasons(thin));
    // ThinTwo: 2 escalated tickets × 450 min = 900.00 → margin 0.10;
    // only 1 other warn flag → rule 3.
    let two = client(&doc, "ThinTwo");
    let mut ids = flag_ids(two);
    ids.sort();
    assert_eq!(ids, ["escalations", "thin-margin"]);
    assert_eq!(verdict(two), "restructure");
}

#[test]
fn restructure_for_any_other_flag_and_keep_for_none() {
    let doc = doc();
    // Restructurer: 2 escalated tickets × 10 min = 20.00; margin 0.98.
    let r = client(&doc, "Restructurer");
    assert_eq!(flag_ids(r), ["escalations"]);
    assert_eq!(verdict(r), "restructure");
    assert!(reasons(r).contains("escalations"), "{}", reasons(r));
    assert!(!actions(r).is_empty());
    // Keeper: 1000 paid on time, nothing else.
    let keeper = client(&doc, "Keeper");
    assert!(flag_ids(keeper).is_empty());
    assert_eq!(verdict(keeper), "keep");
    assert!(!reasons(keeper).is_empty());
    assert!(!actions(keeper).is_empty());
}

#[test]
fn strategic_guard_holds_fire_at_restructure() {
    let doc = doc();
    // Keystone (clients.csv strategic = yes) has an abusive ticket → would be
    // fire; guarded → restructure.
    let keystone = client(&doc, "Keystone");
    assert_eq!(flag_ids(keystone), ["abusive"]);
    assert_eq!(verdict(keystone), "restructure");
    assert_eq!(keystone["guard"]["held_from"], "fire");
    assert!(
        guard_text(keystone).contains("strategic"),
        "{}",
        guard_text(keystone)
    );
    // Reasons say which guard held and the share at stake:
    // 1000 / 109200 = 0.92%.
    let why = reasons(keystone);
    assert!(why.contains("strategic"), "{why}");
    assert!(why.contains("0.9"), "{why}");
}

#[test]
fn concentration_guard_holds_fire_at_restructure() {
    let doc = doc();
    // Whale: 100000 / 109200 = 0.9158 ≥ 0.15, and a ticket tagged "threat"
    // → abusive → would be fire.
    let whale = client(&doc, "Whale");
    assert_number(whale, "revenue_share", Some(0.9158));
    assert_eq!(flag_ids(whale), ["abusive"]);
    assert_eq!(verdict(whale), "restructure");
    assert_eq!(whale["guard"]["held_from"], "fire");
    assert!(
        guard_text(whale).contains("concentration"),
        "{}",
        guard_text(whale)
    );
    assert!(
        !guard_text(whale).contains("strategic"),
        "{}",
        guard_text(whale)
    );
    let why = reasons(whale);
    assert!(why.contains("concentration"), "{why}");
    // 91.58% of revenue at stake.
    assert!(why.contains("91.6") || why.contains("0.9158"), "{why}");
}

#[test]
fn concentration_guard_from_exactly_fifteen_percent() {
    // fixtures/small/verdicts-concentration: Fifteen 150.00, Just Under
    // 149.99, Rest 700.01 → Σ 1000.00. Fifteen and Just Under each have an
    // abusive ticket (→ would be fire).
    let doc = report("small/verdicts-concentration", OCTOBER);
    // 150 / 1000 = 0.15 ≥ 0.15 → guarded.
    let fifteen = client(&doc, "Fifteen");
    assert_eq!(verdict(fifteen), "restructure");
    assert_eq!(fifteen["guard"]["held_from"], "fire");
    assert!(reasons(fifteen).contains("concentration"));
    // 149.99 / 1000 = 0.14999 < 0.15 → not guarded → fire.
    let under = client(&doc, "Just Under");
    assert_eq!(verdict(under), "fire");
    assert!(under["guard"].is_null() || under["guard"]["held_from"].is_null());
    // Rest: 0.70001 ≥ 0.15 but no flag → keep; the guard held nothing.
    let rest = client(&doc, "Rest");
    assert_eq!(verdict(rest), "keep");
    assert!(rest["guard"]["held_from"].is_null());
}

/// Hand-computed portfolio of fixtures/small/verdicts.
fn assert_portfolio(doc: &Value) {
    let p = &doc["portfolio"];
    assert_eq!(p["clients"], 14);
    assert_eq!(p["revenue"].to_string(), "109200.00");
    // Costs: Whale 10, Abuser 10, Keystone 10, Restructurer 20,
    // LossMany/LossOne/LossAlone 120 each, ThinThree/ThinTwo 900 each
    // = 10 + 10 + 10 + 20 + 360 + 1800 = 2210
    assert_eq!(p["cost_to_serve"].to_string(), "2210.00");
    // 109200 − 2210
    assert_eq!(p["profit"].to_string(), "106990.00");
    // Overdue25 250 + Overdue24 240 + Ghost 300, all 90+ days
    assert_eq!(p["outstanding"].to_string(), "790.00");
    assert_eq!(p["overdue"].to_string(), "790.00");
    assert_eq!(p["d90_plus"].to_string(), "790.00");
    assert_eq!(p["bad_debt"].to_string(), "100.00");
    // 1 + 1 + 4 + 2 + 1 + 4 + 2 + 2 + 1
    assert_eq!(p["tickets"], 18);
    // fire: Abuser, Deadbeat, Overdue25, Ghost, LossMany
    // refer: LossAlone, LossOne, ThinThree
    // restructure: Whale, Keystone, Overdue24, ThinTwo, Restructurer
    // keep: Keeper
    assert_eq!(p["verdicts"]["fire"], 5);
    assert_eq!(p["verdicts"]["refer"], 3);
    assert_eq!(p["verdicts"]["restructure"], 5);
    assert_eq!(p["verdicts"]["keep"], 1);
}

#[test]
fn filters_choose_rows_without_changing_the_portfolio() {
    let all = doc();
    assert_eq!(rows(&all).len(), 14);
    assert_portfolio(&all);

    // Profit descending, ties by name: 1000-profit ties Keeper, Overdue24,
    // Overdue25; 990 ties Abuser, Keystone.
    let fire = report("small/verdicts", &with(&["--verdict", "fire"]));
    // Overdue25 1000, Abuser 990, Deadbeat 900, Ghost 0, LossMany −20
    assert_eq!(
        names(&fire),
        ["Overdue25", "Abuser", "Deadbeat", "Ghost", "LossMany"]
    );
    assert_portfolio(&fire);
    assert_eq!(fire["portfolio"], all["portfolio"]);

    let two_verdicts = report(
        "small/verdicts",
        &with(&["--verdict", "fire", "--verdict", "refer"]),
    );
    assert_eq!(rows(&two_verdicts).len(), 5 + 3);
    assert_eq!(two_verdicts["portfolio"], all["portfolio"]);

    let dana = report("small/verdicts", &with(&["--owner", "Dana"]));
    assert_eq!(names(&dana), ["Abuser", "Keystone"]);
    assert_eq!(dana["portfolio"], all["portfolio"]);

    // Whale 99990, then Keeper (1000, first of the tie by name).
    let top = report("small/verdicts", &with(&["--top", "2"]));
    assert_eq!(names(&top), ["Whale", "Keeper"]);
    assert_eq!(top["portfolio"], all["portfolio"]);
}

#[test]
fn fail_on_fire_exits_3_only_when_a_fire_client_is_shown() {
    // All rows: 5 fire clients shown → 3, and the report is still printed.
    let out = report_run("small/verdicts", &with(&["--fail-on", "fire"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    let doc = parse(&out.stdout);
    assert_eq!(rows(&doc).len(), 14);

    // Only Keeper shown → 0.
    let out = report_run(
        "small/verdicts",
        &with(&["--fail-on", "fire", "--verdict", "keep"]),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(names(&parse(&out.stdout)), ["Keeper"]);

    // Whale (restructure) and Keeper (keep) shown → 0.
    let out = report_run(
        "small/verdicts",
        &with(&["--fail-on", "fire", "--top", "2"]),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);

    // Owner Lee: Keeper → 0; owner Dana: Abuser (fire) → 3.
    let out = report_run(
        "small/verdicts",
        &with(&["--fail-on", "fire", "--owner", "Lee"]),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = report_run(
        "small/verdicts",
        &with(&["--fail-on", "fire", "--owner", "Dana"]),
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
}
