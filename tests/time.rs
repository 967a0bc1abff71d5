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
