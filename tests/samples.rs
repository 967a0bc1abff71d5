//! The real exports in `../shared/samples` (kept outside the project; see
//! its SOURCES.md), read with the mapping configs in `fixtures/samples/`.
//! Each figure clientfit reports is checked against the same figure
//! computed here straight from the raw file. Skipped, with a message, on a
//! machine without `../shared/samples`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use rust_decimal::Decimal;

use crate::util::*;

fn samples() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/samples");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} does not exist on this machine", dir.display());
        None
    }
}

fn raw_rows(path: &std::path::Path) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader.records().map(Result::unwrap).collect()
}

fn column(path: &std::path::Path, name: &str) -> usize {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    headers
        .iter()
        .position(|h| h.trim_start_matches('\u{feff}') == name)
        .unwrap()
}

fn config(name: &str) -> String {
    fixture(&format!("samples/{name}.toml"))
        .display()
        .to_string()
}

fn sum_over_clients(doc: &serde_json::Value, field: &str) -> u64 {
    rows(doc).iter().map(|c| c[field].as_u64().unwrap()).sum()
}

#[test]
fn ibm_accounts_receivable_both_variants() {
    let Some(dir) = samples() else { return };
    for name in [
        "ibm_accounts_receivable",
        "ibm_accounts_receivable_excel_variant",
    ] {
        let file = dir.join(format!("{name}.csv"));
        let raw = raw_rows(&file);
        let (customer, amount) = (column(&file, "customerID"), column(&file, "InvoiceAmount"));
        let customers: BTreeSet<&str> = raw.iter().map(|r| &r[customer]).collect();
        // Every invoice is issued before as-of 2013-12-31 and none is
        // excluded, so revenue is the plain sum of InvoiceAmount.
        let total: Decimal = raw
            .iter()
            .map(|r| r[amount].parse::<Decimal>().unwrap())
            .sum();
        let out = run([
            "report",
            "--invoices",
            file.to_str().unwrap(),
            "--config",
            &config(name),
            "--format",
            "json",
        ]);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        let doc = parse(&out.stdout);
        assert_eq!(doc["portfolio"]["clients"], customers.len(), "{name}");
        assert_eq!(
            doc["portfolio"]["revenue"].to_string(),
            format!("{total:.2}"),
            "{name}"
        );
        let check = run([
            "check",
            "--invoices",
            file.to_str().unwrap(),
            "--config",
            &config(name),
        ]);
        assert_eq!(check.code, 0, "{name}: {}", check.stdout);
        assert!(
            check
                .stdout
                .contains("\"InvoiceDate\" read as month/day/year"),
            "{}",
            check.stdout
        );
    }
}

#[test]
fn medical_appointments_as_meetings() {
    let Some(dir) = samples() else { return };
    let file = dir.join("medical_appointments_noshow.csv");
    let raw = raw_rows(&file);
    let no_show = column(&file, "No-show");
    let patient = column(&file, "PatientId");
    let expected_no_shows = raw.iter().filter(|r| &r[no_show] == "Yes").count() as u64;
    let expected_attended = raw.iter().filter(|r| &r[no_show] == "No").count() as u64;
    let patients: BTreeSet<&str> = raw.iter().map(|r| &r[patient]).collect();
    // The data set has no invoices; one of our own makes the report run.
    let temp = tempfile::tempdir().unwrap();
    let invoices = temp.path().join("invoices.csv");
    std::fs::write(
        &invoices,
        format!(
            "client,issued,amount\n\"{}\",2016-04-01,100.00\n",
            &raw[0][patient]
        ),
    )
    .unwrap();
    let out = run([
        "report",
        "--invoices",
        invoices.to_str().unwrap(),
        "--meetings",
        file.to_str().unwrap(),
        "--config",
        &config("medical_appointments_noshow"),
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = parse(&out.stdout);
    assert_eq!(sum_over_clients(&doc, "no_shows"), expected_no_shows);
    assert_eq!(sum_over_clients(&doc, "attended"), expected_attended);
    // Ids as Excel mangled them: one client per distinct written id.
    assert_eq!(doc["portfolio"]["clients"], patients.len());
    let check = run([
        "check",
        "--meetings",
        file.to_str().unwrap(),
        "--config",
        &config("medical_appointments_noshow"),
    ]);
    assert!(
        check.stdout.contains("no_show ← \"No-show\""),
        "{}",
        check.stdout
    );
}

#[test]
fn support_tickets_with_a_bom_and_multi_line_fields() {
    let Some(dir) = samples() else { return };
    let file = dir.join("support_tickets_bom_multiline.csv");
    let raw = raw_rows(&file);
    let response = column(&file, "First Response Time");
    let customer = column(&file, "Customer Name");
    let worked = raw
        .iter()
        .filter(|r| !r[response].trim().is_empty())
        .count() as u64;
    let waiting = raw.len() as u64 - worked;
    let temp = tempfile::tempdir().unwrap();
    let invoices = temp.path().join("invoices.csv");
    std::fs::write(
        &invoices,
        format!(
            "client,issued,amount\n\"{}\",2023-05-01,100.00\n",
            &raw[0][customer]
        ),
    )
    .unwrap();
    let out = run([
        "report",
        "--invoices",
        invoices.to_str().unwrap(),
        "--tickets",
        file.to_str().unwrap(),
        "--config",
        &config("support_tickets_bom_multiline"),
        "--skip-bad-rows",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = parse(&out.stdout);
    assert_eq!(sum_over_clients(&doc, "tickets"), worked);
    let warning = format!(
        "skipped {waiting} bad {} ({waiting} × column \"First Response Time\": is empty, but this column is required)",
        if waiting == 1 { "row" } else { "rows" }
    );
    assert!(out.stderr.contains(&warning), "{}", out.stderr);
    // Without --skip-bad-rows the first waiting ticket stops the report.
    let strict = run([
        "report",
        "--invoices",
        invoices.to_str().unwrap(),
        "--tickets",
        file.to_str().unwrap(),
        "--config",
        &config("support_tickets_bom_multiline"),
    ]);
    assert_eq!(strict.code, 1);
    assert!(
        strict
            .stderr
            .contains("column \"First Response Time\": \"\" is empty"),
        "{}",
        strict.stderr
    );
}
