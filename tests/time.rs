//! Timesheets (time entries): the five vendor layouts against their
//! hand-computed figures, where a cost rate comes from, the time a
//! timesheet already covers, the targets at their thresholds, bad cells,
//! unmatched entries, projects, decimal commas, discovery, chunked reading
//! and the invariants of adding, shuffling and splitting entries.
//!
//! Fixtures: `fixtures/exports/{harvest,toggl,clockify,kimai,tempo}/`
//! (vendor layouts) and `fixtures/time/<case>/` (one case each, as-of
//! pinned in its clientfit.toml).

use crate::util::*;

// ---------------------------------------------------------------------------
// Discovery

#[test]
fn a_kimai_export_without_a_kind_in_its_name_is_found_by_its_header() {
    // `20260331-Bergmann_GmbH-intranet.csv` is the Kimai fixture under the
    // name Kimai 2 gives an export: no "time", "hours" or "worklog". Its
    // header (Customer, Project, Category beside Date and Duration) also
    // fits a clients list; a dated duration on every row makes it a
    // timesheet. Figures as in fixtures/exports/kimai (time_layouts §4):
    // Bergmann 3+1.5+2+4.25 = 10.75 h, Internal price 150+75+110+233.75 =
    // 568.75.
    let doc = report("time/discovery_kimai", &[]);
    assert_eq!(doc["cost_basis"], "hours");
    let bergmann = client(&doc, "Bergmann GmbH");
    assert_number(bergmann, "hours", Some(10.75));
    assert_money(bergmann, "labour_cost", "568.75");
    let lindner = client(&doc, "Café Lindner");
    assert_number(lindner, "hours", Some(6.5));
    assert_money(lindner, "labour_cost", "341.25");
}

#[test]
fn client_hours_csv_is_a_timesheet_not_a_clients_list() {
    // The Tempo fixture's worklog saved as `client_hours.csv`: "hours"
    // names the kind before "client" does. Meridian Bank 3+2.5+1.5+2+1.25
    // = 10.25 h; 3×62 + 2.5×58 + 1.5×50 + 2×62 + 1.25×58 = 186 + 145 + 75
    // + 124 + 72.50 = 602.50.
    let doc = report("time/discovery_client_hours", &[]);
    assert_eq!(doc["cost_basis"], "hours");
    let meridian = client(&doc, "Meridian Bank");
    assert_number(meridian, "hours", Some(10.25));
    assert_money(meridian, "labour_cost", "602.50");
    assert_eq!(names(&doc).len(), 2, "{:?}", names(&doc));
}

// ---------------------------------------------------------------------------
// The five vendor layouts (time_layouts §6; every figure below is checked
// against the per-row tables in the fixtures' clientfit.toml comments and
// the arithmetic beside each row).

/// One client of a layout fixture, as the report must give it. Hours and
/// ratios as the JSON rounds them (hours to 2 places, ratios to 4, money
/// to 2).
struct Expected {
    client: &'static str,
    hours: f64,
    billable_hours: f64,
    labour_cost: &'static str,
    billable_value: Option<&'static str>,
    revenue: &'static str,
    realisation: Option<f64>,
    effective_hourly: f64,
    over_servicing: bool,
}

fn check_layout(dir: &str, expected: &[Expected]) -> serde_json::Value {
    let doc = report(dir, &[]);
    assert_eq!(doc["cost_basis"], "hours", "{dir}");
    assert_eq!(
        rows(&doc).len(),
        expected.len(),
        "{dir}: clients {:?}",
        names(&doc)
    );
    // Kimai's blank billable cells are read as "no", which a warning says
    // (the Kimai test counts them); no other warning.
    let other_warnings: Vec<&serde_json::Value> = doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| !w.as_str().unwrap().contains("blank billable cell"))
        .collect();
    assert!(other_warnings.is_empty(), "{dir}: {other_warnings:?}");
    for e in expected {
        let c = client(&doc, e.client);
        assert_number(c, "hours", Some(e.hours));
        // No tickets or meetings beside these timesheets: hours worked
        // are the timesheet's.
        assert_number(c, "hours_worked", Some(e.hours));
        assert_number(c, "billable_hours", Some(e.billable_hours));
        assert_money(c, "labour_cost", e.labour_cost);
        // With a timesheet, delivery cost is its labour cost; nothing else
        // costs anything here (no tickets, meetings or late invoices).
        assert_money(c, "delivery_cost", e.labour_cost);
        assert_money(c, "cost_to_serve", e.labour_cost);
        match e.billable_value {
            Some(value) => assert_money(c, "billable_value", value),
            None => assert!(metric(c, "billable_value").is_null(), "{}", e.client),
        }
        assert_money(c, "revenue", e.revenue);
        assert_number(c, "realisation", e.realisation);
        assert_number(c, "effective_hourly", Some(e.effective_hourly));
        if e.over_servicing {
            assert_flag(c, "over-servicing", "warn", &[]);
        } else {
            assert_no_flag(c, "over-servicing");
        }
    }
    doc
}

#[test]
fn harvest_detailed_time_report() {
    // Northwind: hours 3.5+6.0+1.0+4.25+1.33+0.5 = 16.58 (Hours Rounded
    // would give 16.75: ignored); billable 3.5+6+4.25+0.5 = 14.25; Cost
    // Amount 192.50+390+70+276.25+93.10+27.50 = 1049.35; Billable Amount
    // 420+840+595+60 = 1915.00; revenue 1260+595 = 1855.00; realisation
    // 1855/1915 = 0.96867 → 0.9687; 1855/16.58 = 111.8818 → 111.88.
    // Globex: 5+2.5+2+3+0.2 = 12.7 (Rounded: 12.75); billable 10.7; cost
    // 275+137.50+140+195+11 = 758.50; Billable Amount as written,
    // 550+275+420+27.50 = 1272.50 (0.2 h × 110 = 22.00 would give
    // 1267.00); revenue 550+900 = 1450; 1450/1272.5 = 1.13948 → 1.1395;
    // 1450/12.7 = 114.1732 → 114.17.
    // `Currency` is "US Dollar - USD": the base USD, no error.
    check_layout(
        "exports/harvest",
        &[
            Expected {
                client: "Northwind Traders",
                hours: 16.58,
                billable_hours: 14.25,
                labour_cost: "1049.35",
                billable_value: Some("1915.00"),
                revenue: "1855.00",
                realisation: Some(0.9687),
                effective_hourly: 111.88,
                over_servicing: false,
            },
            Expected {
                client: "Globex Corporation",
                hours: 12.7,
                billable_hours: 10.7,
                labour_cost: "758.50",
                billable_value: Some("1272.50"),
                revenue: "1450.00",
                realisation: Some(1.1395),
                effective_hourly: 114.17,
                over_servicing: false,
            },
        ],
    );
}

#[test]
fn toggl_detailed_report_with_bom_and_amount_in_eur() {
    // The file begins with a BOM before `User`: were `User` not read, no
    // entry would find Sofia's own rate (48) and the costs below would
    // differ. Rates: Sofia 48 (person), Jonas Development 52 (role), Priya
    // blank task 40 (default) and Project management 45 (role).
    // Blue Harbor: 150+255+45+80 = 530 min = 8.8333 h → 8.83; billable
    // 485 min = 8.0833 → 8.08; cost 2.5×48 + 4.25×52 + 0.75×40 +
    // (80/60)×48 = 120+221+30+64 = 435.00; Amount (EUR) 225+425+120 =
    // 770.00; revenue 650+100 = 750; 750/770 = 0.97403 → 0.974; 750/(530/60)
    // = 84.9057 → 84.91.
    // Kestrel: 180+75+120+150+90 = 615 min = 10.25 h (the overnight
    // 23:30→00:45 entry is 75 min from Duration); billable 405 min = 6.75;
    // cost 144+65+80+130+67.50 = 486.50; value 270+125+250 = 645; revenue
    // 395+205 = 600; 600/645 = 0.9302; 600/10.25 = 58.5366 → 58.54.
    // Non-billable 3.5/10.25 = 0.3415 ≥ 0.30 over ≥ 10 h: over-servicing.
    let doc = check_layout(
        "exports/toggl",
        &[
            Expected {
                client: "Blue Harbor Cafe",
                hours: 8.83,
                billable_hours: 8.08,
                labour_cost: "435.00",
                billable_value: Some("770.00"),
                revenue: "750.00",
                realisation: Some(0.974),
                effective_hourly: 84.91,
                over_servicing: false,
            },
            Expected {
                client: "Kestrel Labs",
                hours: 10.25,
                billable_hours: 6.75,
                labour_cost: "486.50",
                billable_value: Some("645.00"),
                revenue: "600.00",
                realisation: Some(0.9302),
                effective_hourly: 58.54,
                over_servicing: true,
            },
        ],
    );
    let kestrel = client(&doc, "Kestrel Labs");
    assert_flag(kestrel, "over-servicing", "warn", &["3.50 of 10.25 hours"]);
    // 486.50 / 0.7 = 695.00; gap 695 − 600 = 95.00; 95/600 = 0.15833.
    assert_money(kestrel, "target_revenue", "695.00");
    assert_money(kestrel, "price_gap", "95.00");
    assert_number(kestrel, "price_rise", Some(0.1583));
    // At today's price the cost must fall to 600 × 0.7 = 420: 66.50 less
    // at 486.50/10.25 = 47.4634… an hour = 1.4011 h → 1.4.
    assert_number(kestrel, "hours_to_cut", Some(1.4));
}

#[test]
fn clockify_detailed_report_prefers_the_exact_duration() {
    // Summit: Duration (h) 3:30 + 2:00 + 0:40 + 3:00 = 550 min = 9.1667 →
    // 9.17; cost 3.5×75 + 2×35 + (40/60)×60 + 3×60 = 262.50+70+40+180 =
    // 552.50. With `Duration (decimal)` (0.67 for 0:40) the third entry
    // would cost 40.20: 552.70. Billable 510 min = 8.5; value
    // 332.50+140+255 = 727.50 = revenue 472.50+255: realisation 1.0;
    // 727.50/(550/60) = 79.3636 → 79.36.
    // Orchard & Pine: 4+2.5+1.5+1.5 = 9.5 h; billable 8.0; cost
    // 300+87.50+112.50+90 = 590.00; value 380+175+127.50 = 682.50 =
    // revenue; 682.50/9.5 = 71.8421 → 71.84.
    // Riverbend: 4+1 = 5 h, all billable; cost 240+35 = 275.00; value
    // 340+70 = 410; revenue 350; 350/410 = 0.85366 → 0.8537; 350/5 = 70.
    check_layout(
        "exports/clockify",
        &[
            Expected {
                client: "Summit Dental",
                hours: 9.17,
                billable_hours: 8.5,
                labour_cost: "552.50",
                billable_value: Some("727.50"),
                revenue: "727.50",
                realisation: Some(1.0),
                effective_hourly: 79.36,
                over_servicing: false,
            },
            Expected {
                client: "Orchard & Pine",
                hours: 9.5,
                billable_hours: 8.0,
                labour_cost: "590.00",
                billable_value: Some("682.50"),
                revenue: "682.50",
                realisation: Some(1.0),
                effective_hourly: 71.84,
                over_servicing: false,
            },
            Expected {
                client: "Riverbend Council",
                hours: 5.0,
                billable_hours: 5.0,
                labour_cost: "275.00",
                billable_value: Some("410.00"),
                revenue: "350.00",
                realisation: Some(0.8537),
                effective_hourly: 70.0,
                over_servicing: false,
            },
        ],
    );
}

#[test]
fn kimai_ticked_billable_and_prices_of_unbilled_entries() {
    // Billable is `1` or blank (blank = no). Bergmann: 3+1.5+2+4.25 =
    // 10.75 h; billable 3+1.5+4.25 = 8.75; Internal price
    // 150+75+110+233.75 = 568.75; Price of the billable entries
    // 270+135+340 = 745.00 (the unbilled entry's Price 160 is not value:
    // 905.00 if it were); revenue 405+340 = 745; realisation 1.0;
    // 745/10.75 = 69.3023 → 69.30.
    // Café Lindner: 1.25+2.5+0.75+2 = 6.5 h; billable 5.75; cost
    // 62.5+137.5+41.25+100 = 341.25; value 112.5+200+150 (the fixed price)
    // = 462.50; revenue 400; 400/462.5 = 0.86486 → 0.8649; 400/6.5 =
    // 61.5385 → 61.54.
    let doc = check_layout(
        "exports/kimai",
        &[
            Expected {
                client: "Bergmann GmbH",
                hours: 10.75,
                billable_hours: 8.75,
                labour_cost: "568.75",
                billable_value: Some("745.00"),
                revenue: "745.00",
                realisation: Some(1.0),
                effective_hourly: 69.3,
                over_servicing: false,
            },
            Expected {
                client: "Café Lindner",
                hours: 6.5,
                billable_hours: 5.75,
                labour_cost: "341.25",
                billable_value: Some("462.50"),
                revenue: "400.00",
                realisation: Some(0.8649),
                effective_hourly: 61.54,
                over_servicing: false,
            },
        ],
    );
    // The two blank cells (Max Vogel's support on 02-02 and 03-18) read
    // as "no", and the report says so.
    let warnings = doc["warnings"].to_string();
    assert!(
        warnings.contains("2 entries have a blank billable cell in a column of ticks"),
        "{warnings}"
    );
}

#[test]
fn tempo_account_customer_and_mapped_projects() {
    // Clients come from `Account Customer`, not `Account Name` ("Meridian
    // Bank Retainer" would match no invoice). MOB-7 has no account; its
    // project "Meridian Mobile" is mapped by [time.projects].
    // Meridian: 3+2.5+1.5+2+1.25 = 10.25 h; billed 3+2.5+2+1.25 = 8.75;
    // cost 3×62 + 2.5×58 + 1.5×50 + 2×62 + 1.25×58 = 186+145+75+124+72.50
    // = 602.50; no rate or amount columns: realisation null; revenue
    // 3×1500 = 4500; 4500/10.25 = 439.0244 → 439.02.
    // Tidewater: 4+3.5+1+0.75 = 9.25 h; billed 8.25; cost
    // 232+175+50+46.50 = 503.50; revenue 620+480 = 1100; 1100/9.25 =
    // 118.9189 → 118.92.
    check_layout(
        "exports/tempo",
        &[
            Expected {
                client: "Meridian Bank",
                hours: 10.25,
                billable_hours: 8.75,
                labour_cost: "602.50",
                billable_value: None,
                revenue: "4500.00",
                realisation: None,
                effective_hourly: 439.02,
                over_servicing: false,
            },
            Expected {
                client: "Tidewater Logistics",
                hours: 9.25,
                billable_hours: 8.25,
                labour_cost: "503.50",
                billable_value: None,
                revenue: "1100.00",
                realisation: None,
                effective_hourly: 118.92,
                over_servicing: false,
            },
        ],
    );
}

#[test]
fn tempo_without_the_project_mapping_reports_the_entry_as_unmatched() {
    // Without [time.projects], MOB-7 (2 h at Daniel's 62 = 124.00) names
    // no client: Meridian 10.25 − 2 = 8.25 h, 602.50 − 124 = 478.50, and
    // the entry is said, with its line, never dropped silently.
    let config = fixture("time/tempo_without_projects.toml");
    let doc = report(
        "exports/tempo",
        &["--config", config.to_str().expect("a UTF-8 path")],
    );
    let meridian = client(&doc, "Meridian Bank");
    assert_number(meridian, "hours", Some(8.25));
    assert_money(meridian, "labour_cost", "478.50");
    let warnings = doc["warnings"].to_string();
    assert!(
        warnings.contains("unmatched: 1 time entry (2 hours)")
            && warnings.contains("tempo-worklogs.csv:5")
            && warnings.contains("Meridian Mobile"),
        "{warnings}"
    );
}

// ---------------------------------------------------------------------------
// Where a cost rate comes from

#[test]
fn each_entry_is_priced_at_its_most_specific_rate() {
    // fixtures/time/rates: one client, seven entries; rates [rates.people]
    // "Ann Lee" 50, [rates.roles] "Designer" 40 and "Design" 45, [rates]
    // cost_hourly 30.
    //   2 h   Ann, Cost Amount 130.00            → the row's amount 130.00
    //   1.5 h Ann, Cost Rate 70                  → the row's rate   105.00
    //   3 h   "  ann   LEE ", no cost            → person 3 × 50  = 150.00
    //         (the person's rate beats her role Designer's 40)
    //   2 h   Bo, role "  DESIGNER ", unbilled   → role 2 × 40    =  80.00
    //         (role beats the task Design's 45)
    //   1 h   Bo, role blank, task "design"      → task 1 × 45    =  45.00
    //   4 h   Cy, Writer/Copy (no rate for them) → default 4 × 30 = 120.00
    //   1 h   Ann, Cost Rate 999 and Amount 55   → the amount wins  55.00
    // hours 2+1.5+3+2+1+4+1 = 14.5; labour 685.00; billable 12.5.
    let doc = report("time/rates", &[]);
    let alder = client(&doc, "Alder Co");
    assert_number(alder, "hours", Some(14.5));
    assert_number(alder, "billable_hours", Some(12.5));
    assert_number(alder, "non_billable_hours", Some(2.0));
    assert_money(alder, "labour_cost", "685.00");
    assert_money(alder, "cost_to_serve", "685.00");
    // 2000 − 685 = 1315; 2000/14.5 = 137.931 → 137.93.
    assert_money(alder, "profit", "1315.00");
    assert_number(alder, "effective_hourly", Some(137.93));
    // No bill rate or amount column: the billable value is unknown.
    assert!(metric(alder, "billable_value").is_null());
    assert!(metric(alder, "realisation").is_null());

    // explain says which rates priced how many hours: the row's own
    // 2+1.5+1 = 4.5 h, person 3 h, role 2+1 = 3 h, default 4 h.
    let out = run([
        "explain".into(),
        "Alder Co".into(),
        fixture("time/rates").into_os_string(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("685.00  14.50 h in the timesheet at cost rates (the timesheet's own cost 4.50 h, [rates.people] 3.00 h, [rates.roles] 3.00 h, [rates] cost_hourly 4.00 h)"),
        "{}",
        out.stdout
    );
}

#[test]
fn hours_without_a_rate_stop_the_run_naming_people_and_roles() {
    // fixtures/time/unrated: no default rate; Ann Lee has one. Unrated:
    // Old Timer (Archivist) 5 h in January, Dee Fox (Analyst) 1.5 + 1 =
    // 2.5 h, Eli Gray (no role, task Research) 0.5 h: 8 h in all.
    let out = report_run("time/unrated", &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stdout, "", "nothing on stdout when the run stops");
    insta::assert_snapshot!("time_unrated_hours", portable(&out.stderr));
}

#[test]
fn hours_without_a_rate_outside_the_period_do_not_matter() {
    // February alone: Old Timer's January 5 h is outside; still Dee Fox
    // and Eli Gray (3 h) lack a rate.
    let out = report_run("time/unrated", &["--period", "2026-02-01..2026-03-31"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("3 hours of the timesheet have no cost rate")
            && !out.stderr.contains("Old Timer")
            && !out.stderr.contains("Archivist"),
        "{}",
        out.stderr
    );
    // 2 February alone: only Ann Lee's 2 h at her 50 = 100.00.
    let doc = report("time/unrated", &["--period", "2026-02-02..2026-02-02"]);
    let alder = client(&doc, "Alder Co");
    assert_number(alder, "hours", Some(2.0));
    assert_money(alder, "labour_cost", "100.00");
}

// ---------------------------------------------------------------------------
// Time the timesheet already holds is not costed twice

#[test]
fn covered_support_and_meetings_are_not_costed_again() {
    // fixtures/time/covers, default [time] covers = ["support",
    // "meetings"]. Birch: 6 tickets × 30 min = 3 h; a 60-min meeting with
    // 2 attendees (120 person-min) and a 30-min no-show (1 attendee);
    // invoice B-1 paid 11 days late (collection 15); timesheet 4 + 2 h at
    // 50 = 300.00.
    // cost_to_serve = labour 300 + collection 15 = 315.00; profit 1200 −
    // 315 = 885.00; hours worked 6 (the timesheet's).
    let doc = report("time/covers", &[]);
    let birch = client(&doc, "Birch Ltd");
    for zero in ["support_cost", "meeting_cost", "no_show_cost"] {
        assert_money(birch, zero, "0.00");
    }
    assert_money(birch, "collection_cost", "15.00");
    assert_money(birch, "labour_cost", "300.00");
    assert_money(birch, "delivery_cost", "300.00");
    assert_money(birch, "cost_to_serve", "315.00");
    assert_money(birch, "profit", "885.00");
    assert_number(birch, "hours", Some(6.0));
    assert_number(birch, "hours_worked", Some(6.0));
    // 1200/6 = 200.
    assert_number(birch, "effective_hourly", Some(200.0));
    // The counts still raise flags: 6 tickets ≥ 5, ticket share 100% ≥ 2
    // × revenue share 1200/4200 = 28.6%.
    assert_count(birch, "tickets", 6);
    assert_flag(birch, "ticket-heavy", "warn", &["6 tickets"]);
    let notes = doc["notes"].to_string();
    assert!(notes.contains("not costed again"), "{notes}");

    let out = run([
        "explain".into(),
        "Birch Ltd".into(),
        fixture("time/covers").into_os_string(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for line in [
        "support             0.00  6 tickets, 3.0 h: in the timesheet's hours, not costed again ([time] covers)",
        "meetings            0.00  1 attended, 1 missed: in the timesheet's hours, not costed again ([time] covers)",
        "total             315.00",
    ] {
        assert!(out.stdout.contains(line), "{line:?} in\n{}", out.stdout);
    }
}

#[test]
fn uncovered_support_and_meetings_are_costed_at_their_own_rates() {
    // The same data with [time] covers = []: support 180 min × 60/h =
    // 180.00; meetings 120 person-min × 90/h = 180.00; no-show 30 min ×
    // 90/h = 45.00; cost_to_serve 300 + 180 + 180 + 45 + 15 = 720.00;
    // profit 480.00; hours worked 6 + 3 + 2 + 0.5 = 11.5; 1200/11.5 =
    // 104.3478 → 104.35; the timesheet's own hours stay 6.
    let config = fixture("time/covers/uncovered.toml");
    let doc = report(
        "time/covers",
        &["--config", config.to_str().expect("a UTF-8 path")],
    );
    let birch = client(&doc, "Birch Ltd");
    assert_money(birch, "support_cost", "180.00");
    assert_money(birch, "meeting_cost", "180.00");
    assert_money(birch, "no_show_cost", "45.00");
    assert_money(birch, "labour_cost", "300.00");
    assert_money(birch, "cost_to_serve", "720.00");
    assert_money(birch, "profit", "480.00");
    assert_number(birch, "hours", Some(6.0));
    assert_number(birch, "hours_worked", Some(11.5));
    assert_number(birch, "effective_hourly", Some(104.35));
    assert_flag(birch, "ticket-heavy", "warn", &["6 tickets"]);
    // Cedar has neither: 10 h at 50 = 500.00 either way.
    assert_money(client(&doc, "Cedar Ltd"), "cost_to_serve", "500.00");
    let notes = doc["notes"].to_string();
    assert!(
        notes.contains("support and meeting time are costed apart")
            && !notes.contains("not costed again"),
        "{notes}"
    );
}

// ---------------------------------------------------------------------------
// Targets at and just past their thresholds (fixtures/time/targets:
// cost_hourly 50, margin 0.30, hourly 80; over-servicing at 30% of at
// least 10 hours)

#[test]
fn over_servicing_at_and_around_its_thresholds() {
    let doc = report("time/targets", &[]);
    // 3 of 10 h unbilled = exactly 0.30 over exactly 10 h: raised (≥).
    let exact = client(&doc, "Over Exact");
    assert_number(exact, "non_billable_hours", Some(3.0));
    assert_flag(
        exact,
        "over-servicing",
        "warn",
        &["3.00 of 10.00 hours", "30.0%"],
    );
    // In minutes: 3:03 of 7:07 + 3:03 = 183 of 610 min = exactly 0.30 of
    // 10.1667 h, though neither is a whole number of hundredths of an
    // hour: raised.
    let minutes = client(&doc, "Over Minutes");
    assert_number(minutes, "hours", Some(10.17));
    assert_flag(minutes, "over-servicing", "warn", &["3.05 of 10.17 hours"]);
    // 2.99 of 10 h = 0.299: not.
    assert_no_flag(client(&doc, "Over Below"), "over-servicing");
    // 3 of 9.99 h = 0.3003 ≥ 0.30, but 9.99 < 10 hours: not.
    let few = client(&doc, "Over Few");
    assert_number(few, "hours", Some(9.99));
    assert_no_flag(few, "over-servicing");
}

#[test]
fn below_target_rate_is_strictly_below() {
    let doc = report("time/targets", &[]);
    // 800.00 over 10 h = 80.00 an hour, the target: no flag; the hourly
    // target revenue 10 × 80 = 800 (> margin's 500/0.7 = 714.29): gap 0.
    let exact = client(&doc, "Rate Exact");
    assert_number(exact, "effective_hourly", Some(80.0));
    assert_no_flag(exact, "below-target-rate");
    assert_money(exact, "target_revenue", "800.00");
    assert_money(exact, "price_gap", "0.00");
    // 799.99 over 10 h = 79.999: one cent short, flagged; gap 0.01. The
    // detail shows the rate to as many places as it takes not to read
    // "80.00 < target 80.00".
    let cent = client(&doc, "Rate Cent");
    assert_flag(
        cent,
        "below-target-rate",
        "warn",
        &[
            "effective hourly 79.999 < target 80.000",
            "799.99",
            "10.00 hours",
        ],
    );
    assert_money(cent, "price_gap", "0.01");
}

#[test]
fn price_gap_at_and_past_the_margin_target() {
    let doc = report("time/targets", &[]);
    // 7 h at the row's 70 = 490.00 on revenue 700.00: margin exactly 30%;
    // target 490/0.7 = 700.00 (hourly 7 × 80 = 560 is lower): gap 0.
    let exact = client(&doc, "Margin Exact");
    assert_money(exact, "labour_cost", "490.00");
    assert_money(exact, "target_revenue", "700.00");
    assert_money(exact, "price_gap", "0.00");
    assert_number(exact, "hours_to_cut", Some(0.0));
    // Revenue 699.99: gap 0.01.
    let cent = client(&doc, "Margin Cent");
    assert_money(cent, "target_revenue", "700.00");
    assert_money(cent, "price_gap", "0.01");
}

#[test]
fn a_client_short_of_both_targets_is_told_what_to_charge() {
    // Stretch Co: 12 + 8 h (8 unbilled) at the row's 60 = 1200.00 on
    // revenue 1500.00. Margin target 1200/0.7 = 1714.2857 > hourly 20 ×
    // 80 = 1600: target 1714.29, gap 214.29, rise 214.2857/1500 = 0.142857
    // → 0.1429. Hours to cut at today's price: margin — cost down to 1500
    // × 0.7 = 1050, 150 less at 60/h = 2.5 h; hourly — 20 − 1500/80 =
    // 1.25 h; the larger, 2.5. 1500/20 = 75 < 80: below-target-rate;
    // 8/20 = 40% unbilled: over-servicing.
    let doc = report("time/targets", &[]);
    let stretch = client(&doc, "Stretch Co");
    assert_money(stretch, "target_revenue", "1714.29");
    assert_money(stretch, "price_gap", "214.29");
    assert_number(stretch, "price_rise", Some(0.1429));
    assert_number(stretch, "hours_to_cut", Some(2.5));
    assert_number(stretch, "effective_hourly", Some(75.0));
    assert_flag(stretch, "below-target-rate", "warn", &["75.00", "80.00"]);
    assert_flag(stretch, "over-servicing", "warn", &["8.00 of 20.00 hours"]);
    assert_eq!(verdict(stretch), "restructure");
    let first = stretch["actions"][0].as_str().expect("an action");
    assert!(first.starts_with("Reprice: to reach"), "{first}");
    assert!(
        first.contains("+214.29 (+14.3%)") && first.contains("2.5 fewer hours"),
        "{first}"
    );
}

// ---------------------------------------------------------------------------
// Bad cells: file, line, column, value and the fix (exit 1, no output)

#[test]
fn bad_timesheet_cells_are_named() {
    let mut all = String::new();
    for case in [
        // `Duration` with "1.5": hours, minutes or seconds?
        "bad_duration",
        // A blank cell in a Yes/No billable column.
        "bad_billable",
        // Tempo: Billed Hours 2.5 on a 2-hour worklog.
        "bad_billed_hours",
        // `Billable Rate (EUR)` with currency = "USD".
        "bad_currency",
        // cost_rate -45.
        "bad_cost_rate",
    ] {
        let out = report_run(&format!("time/{case}"), &[]);
        assert_eq!(out.code, 1, "{case}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{case}: nothing on stdout");
        all.push_str(&format!("--- {case}\n{}", portable(&out.stderr)));
    }
    insta::assert_snapshot!("time_bad_cells", all);
}

// ---------------------------------------------------------------------------
// Entries no client claims, and clients no entry does

#[test]
fn unmatched_entries_and_clients_without_hours_are_said_in_every_format() {
    // fixtures/time/unmatched: line 3 has no client and no project (2 h),
    // line 4 a project nothing maps (1.5 h): 2 entries, 3.5 hours. Quiet
    // Co has revenue 400.00 and no hours.
    let doc = report("time/unmatched", &[]);
    let elm = client(&doc, "Elm Co");
    assert_number(elm, "hours", Some(5.0));
    assert_money(elm, "labour_cost", "250.00");
    let quiet = client(&doc, "Quiet Co");
    assert_number(quiet, "hours", Some(0.0));
    assert_money(quiet, "labour_cost", "0.00");
    let warnings: Vec<String> = doc["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| w.as_str().expect("text").to_string())
        .collect();
    let unmatched = "unmatched: 2 time entries (3.5 hours) in the period name no client";
    let quiet_warning = "has no hours in the timesheet";
    let has = |texts: &str, what: &str| texts.contains(what);
    let json = warnings.join("\n");
    for needle in [
        unmatched,
        "timesheet.csv:3 (no client and no project)",
        "timesheet.csv:4 (project \"Mystery\"",
        quiet_warning,
        "\"Quiet Co\"",
    ] {
        assert!(has(&json, needle), "json warnings lack {needle:?}: {json}");
    }
    // Human formats carry them in the document; every format on stderr.
    for format in ["table", "markdown", "html", "csv"] {
        let out = run([
            "report".into(),
            fixture("time/unmatched").into_os_string(),
            "--format".into(),
            format.into(),
        ]);
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        for needle in [unmatched, "timesheet.csv:4", quiet_warning] {
            assert!(has(&out.stderr, needle), "{format} stderr lacks {needle:?}");
            if format != "csv" {
                // HTML escapes the quotes around "Mystery", not these.
                assert!(has(&out.stdout, needle), "{format} stdout lacks {needle:?}");
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Projects mapped to clients by clients.csv

#[test]
fn clients_csv_projects_map_a_timesheet_without_clients() {
    // fixtures/time/projects: Fir Co has "Fir Website; Fir App", Gum Co
    // "Gum Rebrand". Fir: 3 + 1.5 ("  fir   app " matches Fir App) = 4.5 h
    // × 50 = 225.00; Gum: 2 h unbilled × 50 = 100.00.
    let doc = report("time/projects", &[]);
    let fir = client(&doc, "Fir Co");
    assert_number(fir, "hours", Some(4.5));
    assert_money(fir, "labour_cost", "225.00");
    let gum = client(&doc, "Gum Co");
    assert_number(gum, "hours", Some(2.0));
    assert_number(gum, "non_billable_hours", Some(2.0));
    assert_money(gum, "labour_cost", "100.00");
    assert_eq!(doc["warnings"], serde_json::json!([]));
}

#[test]
fn one_project_on_two_clients_is_an_error() {
    let out = report_run("time/projects_twice", &[]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    insta::assert_snapshot!("time_project_on_two_clients", portable(&out.stderr));
}

// ---------------------------------------------------------------------------
// Decimal commas

#[test]
fn decimal_comma_hours_in_a_semicolon_file() {
    // `7,5` + `0,25` + `2` = 9.75 h at 40,40 = 393.90; billable 7.5 + 2 =
    // 9.5; 1000/9.75 = 102.5641 → 102.56.
    let doc = report("time/decimal_comma", &[]);
    let hazel = client(&doc, "Hazel AB");
    assert_number(hazel, "hours", Some(9.75));
    assert_number(hazel, "billable_hours", Some(9.5));
    assert_money(hazel, "labour_cost", "393.90");
    assert_number(hazel, "effective_hourly", Some(102.56));
}

// ---------------------------------------------------------------------------
// Reading in chunks on several threads gives the same report

/// A timesheet of `rows` entries for 12 clients, with quoted notes over
/// several lines, clock and decimal durations, people with and without
/// rates, and every 97th entry without a client (an unmatched warning
/// that names lines). `bad` puts a bad duration on that (0-based) row.
fn write_big_timesheet(dir: &std::path::Path, rows: usize, bad: Option<usize>) {
    use std::fmt::Write as _;
    let client = |i: usize| format!("Client {:02} Ltd", i % 12);
    let mut invoices = String::from("invoice_id,client,issued,due,paid,amount\n");
    for i in 0..24 {
        writeln!(
            invoices,
            "INV-{i},{},2026-0{}-05,2026-0{}-25,2026-0{}-20,{}.25",
            client(i),
            1 + i % 3,
            1 + i % 3,
            1 + i % 3,
            900 + i * 53
        )
        .unwrap();
    }
    std::fs::write(dir.join("invoices.csv"), invoices).unwrap();
    let mut text = String::from("date,client,person,role,hours,billable,notes\n");
    for i in 0..rows {
        let name = if i % 97 == 0 {
            String::new()
        } else {
            client(i * 5)
        };
        let person = ["Ann Lee", "Bo Chan", "Cy Dunn", "Dee Fox"][i % 4];
        let role = ["Design", "", "Development", "Support"][i % 4 / 2 + i % 2];
        let hours = match (bad, i % 3) {
            (Some(b), _) if b == i => "lots".to_string(),
            (_, 0) => format!("{}:{:02}", i % 5, (i * 7) % 60),
            (_, 1) => format!("{}.{:02}", i % 4, (i * 13) % 100),
            _ => format!("{}", 1 + i % 6),
        };
        let billable = if i % 5 == 0 { "no" } else { "yes" };
        let notes = match i % 7 {
            0 => format!("\"call, part {i}\nfollow-up \"\"urgent\"\"\""),
            _ => format!("entry {i}"),
        };
        writeln!(
            text,
            "2026-{:02}-{:02},{name},{person},{role},{hours},{billable},{notes}",
            1 + i % 3,
            1 + i % 28
        )
        .unwrap();
    }
    std::fs::write(dir.join("timesheet.csv"), text).unwrap();
    std::fs::write(
        dir.join("clientfit.toml"),
        "as_of = \"2026-03-31\"\ncurrency = \"EUR\"\n\n[rates]\ncost_hourly = 41.5\n\n[rates.people]\n\"Ann Lee\" = 55\n\n[rates.roles]\n\"Development\" = 62.25\n",
    )
    .unwrap();
}

/// `report DIR --format json` on one thread, or on two in chunks of
/// `chunk_bytes`.
fn run_reading(dir: &std::path::Path, chunk_bytes: Option<u32>) -> Outcome {
    let mut cmd = clientfit();
    match chunk_bytes {
        None => {
            cmd.env("CLIENTFIT_READING_THREADS", "1");
        }
        Some(bytes) => {
            cmd.env("CLIENTFIT_READING_THREADS", "2")
                .env("CLIENTFIT_CHUNK_BYTES", bytes.to_string());
        }
    }
    let output = cmd
        .args(["report", "--format", "json"])
        .arg(dir)
        .output()
        .expect("clientfit starts");
    Outcome {
        code: output.status.code().expect("an exit code"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8"),
    }
}

#[test]
fn a_timesheet_read_in_chunks_gives_the_same_report() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    write_big_timesheet(dir.path(), 3_000, None);
    let one = run_reading(dir.path(), None);
    assert_eq!(one.code, 0, "{}", one.stderr);
    let doc = parse(&one.stdout);
    // Every 97th of 3000 rows has no client: rows 0, 97, …, 2910 = 31.
    let warnings = doc["warnings"].to_string();
    assert!(
        warnings.contains("unmatched: 31 time entries"),
        "{warnings}"
    );
    assert_eq!(rows(&doc).len(), 12);
    for bytes in [97, 1_000, 4_096, 65_536] {
        let chunked = run_reading(dir.path(), Some(bytes));
        assert_eq!(chunked.code, 0, "{bytes}: {}", chunked.stderr);
        assert_eq!(chunked.stderr, one.stderr, "stderr, {bytes}-byte chunks");
        assert_eq!(chunked.stdout, one.stdout, "stdout, {bytes}-byte chunks");
    }
}

#[test]
fn a_bad_entry_deep_in_a_chunked_timesheet_is_named_at_its_line() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    write_big_timesheet(dir.path(), 3_000, Some(2_500));
    let one = run_reading(dir.path(), None);
    assert_eq!(one.code, 1);
    assert!(one.stderr.contains("\"lots\""), "{}", one.stderr);
    for bytes in [97, 4_096] {
        let chunked = run_reading(dir.path(), Some(bytes));
        assert_eq!(chunked.code, 1, "{bytes}");
        assert_eq!(chunked.stderr, one.stderr, "{bytes}-byte chunks");
        assert_eq!(chunked.stdout, "");
    }
}

// ---------------------------------------------------------------------------
// Invariants over generated timesheets (through the library)

mod generated {
    use chrono::NaiveDate;
    use clientfit::config::Config;
    use proptest::prelude::*;
    use rust_decimal::Decimal;
    use serde_json::Value;

    const CLIENTS: [&str; 4] = ["Ash Co", "Beech Co", "Cherry Co", "Damson Co"];
    const PEOPLE: [&str; 3] = ["Ann Lee", "Bo Chan", "Cy Dunn"];
    /// Every rate is a multiple of 4 and every entry a whole number of
    /// quarter hours, so each entry's cost is whole money: the expected
    /// sums below are exact, with no rounding to argue about.
    const ROW_RATES: [u32; 4] = [40, 48, 60, 100];

    #[derive(Debug, Clone)]
    struct Entry {
        client: usize,
        day: u32,
        quarters: u32,
        billable: bool,
        person: usize,
        row_rate: Option<u32>,
    }

    fn entry(clients: std::ops::Range<usize>) -> impl Strategy<Value = Entry> {
        (
            clients,
            1u32..88,
            1u32..40,
            any::<bool>(),
            0..PEOPLE.len(),
            proptest::option::of(proptest::sample::select(ROW_RATES.to_vec())),
        )
            .prop_map(
                |(client, day, quarters, billable, person, row_rate)| Entry {
                    client,
                    day,
                    quarters,
                    billable,
                    person,
                    row_rate,
                },
            )
    }

    fn config() -> Config {
        let mut config = Config::default();
        // Ann 52 and Cy 64 have their own rates; Bo is at the default 44.
        config.rates.cost_hourly = Some(Decimal::from(44));
        config
            .rates
            .people
            .insert("Ann Lee".into(), Decimal::from(52));
        config
            .rates
            .people
            .insert("Cy Dunn".into(), Decimal::from(64));
        config
    }

    /// What an entry costs: its row rate, else its person's, else 44.
    fn cost(entry: &Entry) -> Decimal {
        let rate = entry.row_rate.unwrap_or([52, 44, 64][entry.person]);
        Decimal::from(entry.quarters * rate) / Decimal::from(4)
    }

    fn day(offset: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(u64::from(offset))
    }

    fn timesheet(entries: &[Entry]) -> String {
        let mut text = String::from("date,client,person,hours,billable,cost_rate\n");
        for e in entries {
            text.push_str(&format!(
                "{},{},{},{},{},{}\n",
                day(e.day),
                CLIENTS[e.client],
                PEOPLE[e.person],
                Decimal::from(e.quarters) / Decimal::from(4),
                if e.billable { "yes" } else { "no" },
                e.row_rate.map(|r| r.to_string()).unwrap_or_default()
            ));
        }
        text
    }

    /// The JSON report of fixed invoices (two per client, on the first
    /// and last day, so the period is 2026-01-01..2026-03-31 whatever the
    /// entries) and `sheets` timesheet files.
    fn json_report(sheets: &[&[Entry]]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let mut invoices = String::from("invoice_id,client,issued,due,paid,amount\n");
        for (i, name) in CLIENTS.iter().enumerate() {
            for (n, issued) in [0u32, 89].into_iter().enumerate() {
                let paid = if n == 0 {
                    day(10).to_string()
                } else {
                    String::new()
                };
                invoices.push_str(&format!(
                    "{}-{n},{name},{},{},{paid},{}.50\n",
                    i,
                    day(issued),
                    day(issued + 30),
                    700 + 450 * i + 90 * n
                ));
            }
        }
        std::fs::write(dir.path().join("invoices.csv"), invoices).unwrap();
        for (n, entries) in sheets.iter().enumerate() {
            std::fs::write(
                dir.path().join(format!("timesheet_{n}.csv")),
                timesheet(entries),
            )
            .unwrap();
        }
        let (report, _) = clientfit::commands::pipeline::run_report(
            &crate::util::library_settings(dir.path(), config(), day(89)),
        )
        .unwrap();
        clientfit::render::json::render(&report).unwrap()
    }

    fn decimal(value: &Value) -> Decimal {
        value.to_string().parse().unwrap()
    }

    fn client_object<'a>(doc: &'a Value, name: &str) -> &'a Value {
        crate::util::client(doc, name)
    }

    /// A client's figures that depend on it alone: its object without
    /// its rank and quadrant (both set against the other clients).
    fn own_figures(doc: &Value, name: &str) -> Value {
        let mut object = client_object(doc, name).clone();
        let map = object.as_object_mut().unwrap();
        map.remove("rank");
        map.remove("quadrant");
        object
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn entries_for_one_client_change_only_its_figures(
            base in proptest::collection::vec(entry(0..CLIENTS.len()), 1..30),
            target in 0..CLIENTS.len(),
            extra in proptest::collection::vec(entry(0..1), 1..8),
        ) {
            let extra: Vec<Entry> = extra
                .into_iter()
                .map(|e| Entry { client: target, ..e })
                .collect();
            let before: Value = serde_json::from_str(&json_report(&[&base])).unwrap();
            let mut all = base.clone();
            all.extend(extra.iter().cloned());
            let after: Value = serde_json::from_str(&json_report(&[&all])).unwrap();

            let name = CLIENTS[target];
            let added_cost: Decimal = extra.iter().map(cost).sum();
            let added_hours = Decimal::from(extra.iter().map(|e| e.quarters).sum::<u32>())
                / Decimal::from(4);
            let (b, a) = (client_object(&before, name), client_object(&after, name));
            let grew = |field: &str, by: Decimal| {
                decimal(&a[field]) - decimal(&b[field]) == by
            };
            // Only labour costs anything here (invoices paid on time or not
            // yet due, no tickets or meetings).
            for field in ["labour_cost", "delivery_cost", "cost_to_serve"] {
                prop_assert!(grew(field, added_cost), "{} of {}", field, name);
            }
            prop_assert!(grew("profit", -added_cost), "profit of {}", name);
            prop_assert!(grew("hours", added_hours), "hours of {}", name);
            prop_assert!(grew("hours_worked", added_hours), "hours_worked of {}", name);
            // Every recomputed cost is whole money: the sum of the entries.
            let expected: Decimal = all
                .iter()
                .filter(|e| e.client == target)
                .map(cost)
                .sum();
            prop_assert_eq!(decimal(&a["labour_cost"]), expected);
            prop_assert!(
                decimal(&after["portfolio"]["cost_to_serve"])
                    - decimal(&before["portfolio"]["cost_to_serve"])
                    == added_cost
            );
            for other in CLIENTS.iter().filter(|c| **c != name) {
                prop_assert_eq!(
                    own_figures(&after, other),
                    own_figures(&before, other),
                    "{} changed when only {} got entries", other, name
                );
            }
        }

        #[test]
        fn row_order_and_files_do_not_change_the_report(
            entries in proptest::collection::vec(entry(0..CLIENTS.len()), 1..40),
            rotate in any::<usize>(),
            split in any::<usize>(),
        ) {
            let original = json_report(&[&entries]);
            let mut shuffled = entries.clone();
            shuffled.reverse();
            let by = rotate % shuffled.len();
            shuffled.rotate_left(by);
            prop_assert_eq!(&json_report(&[&shuffled]), &original, "shuffled rows");
            let at = split % (entries.len() + 1);
            let (first, second) = entries.split_at(at);
            prop_assert_eq!(&json_report(&[first, second]), &original, "split at {}", at);
        }
    }
}

// ---------------------------------------------------------------------------
// `check` says what `report` would

#[test]
fn check_stops_where_report_would_on_hours_without_a_rate() {
    // fixtures/time/unrated: report stops on 8 hours without a rate
    // (Old Timer 5 h, Dee Fox 2.5 h, Eli Gray 0.5 h); check must not say
    // "OK" and must exit 1 naming them.
    let out = run(["check".into(), fixture("time/unrated").into_os_string()]);
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    for needle in [
        "1 problem; report would stop at the first:",
        "8 hours of the timesheet have no cost rate",
        "\"Dee Fox\" 2.5h",
        "\"Research\" 0.5h",
    ] {
        assert!(out.stdout.contains(needle), "{needle:?} in\n{}", out.stdout);
    }
    assert!(
        !out.stdout.contains("OK: report can read"),
        "{}",
        out.stdout
    );
}

#[test]
fn check_with_a_timesheet_does_not_ask_for_a_delivery_cost_share() {
    // With a timesheet, delivery cost is its hours at their rates: the
    // note asking for [rates] delivery_cost_share does not apply.
    let out = run(["check".into(), fixture("time/rates").into_os_string()]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("OK: report can read"), "{}", out.stdout);
    assert!(
        !out.stdout.contains("delivery_cost_share"),
        "{}",
        out.stdout
    );
}

#[test]
fn unmatched_entries_outside_the_period_are_neither_counted_nor_named() {
    // From 7 January: line 3 (6 January, 2 h, no client) is outside the
    // period; line 4 (7 January, 1.5 h, project "Mystery") is the one
    // unmatched entry, and the only place named.
    let doc = report("time/unmatched", &["--period", "2026-01-07..2026-03-31"]);
    let warning = doc["warnings"][0].as_str().expect("a warning");
    assert!(
        warning.starts_with("unmatched: 1 time entry (1.5 hours) in the period"),
        "{warning}"
    );
    assert!(warning.contains("timesheet.csv:4"), "{warning}");
    assert!(!warning.contains("timesheet.csv:3"), "{warning}");
}

#[test]
fn vendor_timesheets_read_in_tiny_chunks_give_the_same_report() {
    // Cuts inside Toggl's BOM (1 to 3 bytes), inside quoted cells and
    // CRLF line ends (Tempo): the same report as one thread.
    for dir in ["exports/toggl", "exports/tempo", "exports/harvest"] {
        let path = fixture(dir);
        let one = run_reading(&path, None);
        assert_eq!(one.code, 0, "{dir}: {}", one.stderr);
        for bytes in [1, 2, 3, 7, 64] {
            let chunked = run_reading(&path, Some(bytes));
            assert_eq!(chunked.stderr, one.stderr, "{dir}, {bytes}-byte chunks");
            assert_eq!(chunked.stdout, one.stdout, "{dir}, {bytes}-byte chunks");
        }
    }
}

#[test]
fn a_timesheet_covering_support_alone_costs_the_meetings_apart() {
    // covers = ["support"]: support 0; meetings 120 person-min × 90/h =
    // 180.00 and the no-show 30 min × 90/h = 45.00; cost_to_serve 300 +
    // 180 + 45 + 15 = 540.00; hours worked 6 + 2 + 0.5 = 8.5; 1200/8.5 =
    // 141.176 → 141.18.
    let config = fixture("time/covers/support_only.toml");
    let doc = report(
        "time/covers",
        &["--config", config.to_str().expect("a UTF-8 path")],
    );
    let birch = client(&doc, "Birch Ltd");
    assert_money(birch, "support_cost", "0.00");
    assert_money(birch, "meeting_cost", "180.00");
    assert_money(birch, "no_show_cost", "45.00");
    assert_money(birch, "cost_to_serve", "540.00");
    assert_number(birch, "hours_worked", Some(8.5));
    assert_number(birch, "effective_hourly", Some(141.18));
    let notes = doc["notes"].to_string();
    assert!(
        notes.contains("support time is in those hours; meeting time is costed at meeting_hourly"),
        "{notes}"
    );
}

#[test]
fn a_timesheet_in_another_currency_than_the_invoices_is_refused() {
    // No `currency` in clientfit.toml: the invoices' USD is the base. The
    // timesheet's `Cost Rate (EUR)` would otherwise cost 2 h × 50 EUR as
    // 100.00 USD.
    let out = report_run("time/currency_from_invoices", &[]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains(
            "timesheet.csv: costs and rates are in EUR, but the invoices are in USD, the base currency"
        ),
        "{}",
        out.stderr
    );
    // check says the same, and that report would stop.
    let out = run([
        "check".into(),
        fixture("time/currency_from_invoices").into_os_string(),
    ]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("currencies  EUR"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("costs and rates are in EUR, but the invoices are in USD"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_currency_cell_deep_in_a_chunked_timesheet_is_seen() {
    // 3,000 entries in USD and one (row 2,900) in EUR, beside USD invoices
    // and no base currency in the config: refused however it is read.
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(
        dir.path().join("invoices.csv"),
        "invoice_id,client,issued,due,paid,amount,currency\nA-1,Alder Co,2026-01-15,2026-02-14,2026-02-10,900.00,USD\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("clientfit.toml"),
        "as_of = \"2026-03-31\"\n\n[rates]\ncost_hourly = 50\n",
    )
    .unwrap();
    let mut text = String::from("date,client,hours,billable,currency\n");
    for i in 0..3_000 {
        let currency = if i == 2_900 { "EUR" } else { "USD" };
        text.push_str(&format!(
            "2026-01-{:02},Alder Co,1,yes,{currency}\n",
            1 + i % 28
        ));
    }
    std::fs::write(dir.path().join("timesheet.csv"), text).unwrap();
    for chunk_bytes in [None, Some(500), Some(4_096)] {
        let out = run_reading(dir.path(), chunk_bytes);
        assert_eq!(out.code, 1, "{chunk_bytes:?}: {}", out.stdout);
        assert!(
            out.stderr
                .contains("costs and rates are in EUR, but the invoices are in USD"),
            "{chunk_bytes:?}: {}",
            out.stderr
        );
    }
}

/// A folder with one invoice of Acme (1,000.00 on 2026-01-10), the
/// config pricing every hour at 50, and `timesheet` under `name`.
fn acme_with(name: &str, timesheet: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(
        dir.path().join("invoices.csv"),
        "invoice_id,client,issued,due,paid,amount\nA,Acme,2026-01-10,2026-02-10,2026-02-01,1000\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("clientfit.toml"),
        "as_of = \"2026-03-31\"\n[rates]\ncost_hourly = 50\n",
    )
    .unwrap();
    std::fs::write(dir.path().join(name), timesheet).unwrap();
    dir
}

#[test]
fn start_and_end_with_dates_are_subtracted_whole() {
    let header = "date,client,person,start time,end time\n";
    // 09:00 to 10:00 the next day is 25 hours: refused, not 1 hour.
    let dir = acme_with(
        "timesheet.csv",
        &format!("{header}2026-01-05,Acme,Ann,2026-01-05 09:00,2026-01-06 10:00\n"),
    );
    let out = run_reading(dir.path(), None);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stderr
            .contains("timesheet.csv:2: column \"end time\": \"2026-01-06 10:00\" is more than a day after the entry's start"),
        "{}",
        out.stderr
    );
    // An end dated the same day but before the start: refused, not 15 h.
    let dir = acme_with(
        "timesheet.csv",
        &format!("{header}2026-01-05,Acme,Ann,2026-01-05 17:00,2026-01-05 08:00\n"),
    );
    let out = run_reading(dir.path(), None);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stderr.contains("is before the entry's start"),
        "{}",
        out.stderr
    );
    // Bare times past midnight: 22:00 to 01:30 = 3.5 h; and seconds are
    // kept: 09:00:00 to 10:20:30 = 80.5 minutes. 3.5 h + 80.5/60 h =
    // 290.5 minutes = 4.841666… h → 4.84; cost 290.5 × 50 / 60 = 242.083…
    // → 242.08.
    let dir = acme_with(
        "timesheet.csv",
        &format!(
            "{header}2026-01-05,Acme,Ann,22:00,01:30\n2026-01-06,Acme,Ann,09:00:00,10:20:30\n"
        ),
    );
    let out = run_reading(dir.path(), None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = parse(&out.stdout);
    let acme = client(&doc, "Acme");
    assert_number(acme, "hours", Some(4.84));
    assert_money(acme, "labour_cost", "242.08");
}

#[test]
fn a_meetings_export_named_hours_is_refused_not_read_as_a_timesheet() {
    // Its name says hours; its columns (attendees, outcome) are a
    // meeting's. Read as a timesheet, 60 minutes with 3 attendees would
    // be one hour of labour.
    let dir = acme_with(
        "zoom_hours.csv",
        "Date,Company,Duration (minutes),Attendees,Outcome\n2026-01-05,Acme,60,3,completed\n",
    );
    let out = run_reading(dir.path(), None);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stderr
            .contains("its name says time entries, but its columns are those of meetings"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--meetings"), "{}", out.stderr);
    // `response_times.csv` is not a timesheet by its name at all: a
    // tickets export there is read as tickets.
    let dir = acme_with(
        "response_times.csv",
        "ticket_id,client,created,minutes\nT1,Acme,2026-01-05,30\n",
    );
    let out = run_reading(dir.path(), None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = parse(&out.stdout);
    assert_eq!(doc["cost_basis"], "share");
    assert_eq!(client(&doc, "Acme")["tickets"], 1);
}

#[test]
fn notes_about_zero_costs_and_blank_ticks_survive_chunked_reading() {
    // 400 entries of 1 h: every 4th has a cost rate of 0 (100 entries,
    // read as no cost given: priced at 50), the others 40; every 5th a
    // blank billable cell in a column of ticks (80 entries, not billable).
    let mut text = String::from("date,client,person,hours,billable,cost_rate\n");
    for row in 0..400 {
        let cost = if row % 4 == 0 { "0" } else { "40" };
        let billable = if row % 5 == 0 { "" } else { "1" };
        text.push_str(&format!("2026-01-05,Acme,Ann,1,{billable},{cost}\n"));
    }
    let dir = acme_with("timesheet.csv", &text);
    let whole = run_reading(dir.path(), None);
    assert_eq!(whole.code, 0, "{}", whole.stderr);
    let doc = parse(&whole.stdout);
    let warnings = doc["warnings"].to_string();
    assert!(
        warnings.contains("100 entries have a cost of 0"),
        "{warnings}"
    );
    assert!(
        warnings.contains("80 entries have a blank billable cell"),
        "{warnings}"
    );
    // Cost: 100 × 50 + 300 × 40 = 17,000.00; billable 320 of 400 h.
    let acme = client(&doc, "Acme");
    assert_money(acme, "labour_cost", "17000.00");
    assert_number(acme, "billable_hours", Some(320.0));
    // Cut into chunks of 256 bytes on two threads: the same document.
    let chunked = run_reading(dir.path(), Some(256));
    assert_eq!(chunked.code, 0, "{}", chunked.stderr);
    assert_eq!(chunked.stdout, whole.stdout);
}

#[test]
fn without_a_billable_column_realisation_is_unknown() {
    // 2 h at a bill rate of 100: billable value would be 200 only if every
    // hour were billable, which the file does not say.
    let dir = acme_with(
        "timesheet.csv",
        "date,client,person,hours,bill_rate\n2026-01-05,Acme,Ann,2,100\n",
    );
    let out = run_reading(dir.path(), None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = parse(&out.stdout);
    let acme = client(&doc, "Acme");
    assert!(metric(acme, "billable_hours").is_null());
    assert!(metric(acme, "billable_value").is_null());
    assert!(metric(acme, "realisation").is_null());
}
