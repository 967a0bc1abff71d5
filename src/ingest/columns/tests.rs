//! Unit tests of `columns`.

use super::*;

fn headers(names: &[&str]) -> Headers {
    Headers::new(names.iter().map(|s| s.to_string()).collect())
}

#[test]
fn spellings_of_a_header_meet() {
    assert_eq!(normalize_header("Due Date"), "duedate");
    assert_eq!(normalize_header("due_date"), "duedate");
    assert_eq!(normalize_header("\u{feff}DueDate"), "duedate");
    assert_eq!(normalize_header("Paid At (UTC)"), "paidatutc");
}

#[test]
fn earlier_aliases_win() {
    let stripe = headers(&[
        "id",
        "Customer",
        "Customer Name",
        "Paid At (UTC)",
        "Paid",
        "Total",
        "Amount Due",
    ]);
    let none = BTreeMap::new();
    let client = stripe.find(&INVOICE_FIELDS[0], &none).unwrap();
    assert_eq!(client.header, "Customer Name");
    let paid = stripe.find(
        INVOICE_FIELDS.iter().find(|f| f.name == "paid").unwrap(),
        &none,
    );
    assert_eq!(paid.unwrap().header, "Paid At (UTC)");
    let amount = stripe.find(
        INVOICE_FIELDS.iter().find(|f| f.name == "amount").unwrap(),
        &none,
    );
    assert_eq!(amount.unwrap().header, "Total");
}

#[test]
fn a_user_mapping_comes_first() {
    let file = headers(&["Kunde", "Amount", "Betrag"]);
    let mut mapping = BTreeMap::new();
    mapping.insert("amount".to_string(), "Betrag".to_string());
    let amount = INVOICE_FIELDS.iter().find(|f| f.name == "amount").unwrap();
    assert_eq!(file.find(amount, &mapping).unwrap().header, "Betrag");
}

#[test]
fn a_missing_column_error_suggests_a_likely_header() {
    let none = BTreeMap::new();
    let path = Path::new("invoices.csv");
    let resolve = |names: &[&str]| {
        let headers = headers(names);
        let resolver = Resolver::unchecked(Kind::Invoices, path, &headers, &none);
        resolver.missing(&["amount"]).hint.clone().unwrap()
    };
    assert!(resolve(&["Client", "Date", "Sum (USD)", "Ammount"]).contains("amount = \"Ammount\""));
    assert!(resolve(&["Kunde", "Betrag"]).contains("amount = \"<column name>\""));
}

#[test]
fn kinds_are_recognised_by_their_required_columns() {
    let none = BTreeMap::new();
    let invoices = headers(&["client", "issued", "amount", "paid"]);
    assert!(satisfies(Kind::Invoices, &invoices, &none));
    assert!(!satisfies(Kind::Tickets, &invoices, &none));
    let tickets = headers(&["Organization", "Created at", "Tags"]);
    assert!(satisfies(Kind::Tickets, &tickets, &none));
    assert!(!satisfies(Kind::Invoices, &tickets, &none));
    let clients = headers(&["client", "aliases", "owner"]);
    assert!(satisfies(Kind::Clients, &clients, &none));
}

#[test]
fn every_field_lists_its_own_name() {
    for kind in Kind::ALL {
        for field in kind.fields() {
            let own = field.aliases.iter().position(|a| *a == field.name);
            let expected = if field.name == "paid" {
                Some(field.aliases.len() - 1)
            } else {
                Some(0)
            };
            assert_eq!(own, expected, "{}", field.name);
        }
    }
}

/// Resolve with `fits` judging loose columns by index: the columns in
/// `misfits` hold values of another kind.
fn resolve(
    kind: Kind,
    names: &[&str],
    mapping: &[(&str, &str)],
    misfits: &[usize],
) -> (Vec<(&'static str, String)>, Vec<String>) {
    let headers = headers(names);
    let mapping: BTreeMap<String, String> = mapping
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let resolution = Resolution::resolve(kind, &headers, &mapping, |column, _| {
        Ok(misfits
            .contains(&column)
            .then(|| vec!["Kentucky".to_string()]))
    })
    .unwrap();
    let path = Path::new("x.csv");
    let resolver = Resolver {
        kind,
        path,
        headers: &headers,
        mapping: &mapping,
        header_line: 1,
        resolution,
    };
    (resolver.mapping_report(), resolver.resolution.notes.clone())
}

#[test]
fn a_mapped_column_feeds_no_other_field() {
    let names = ["Client", "Date", "Amount", "Paid"];
    let (mapping, _) = resolve(Kind::Invoices, &names, &[("paid_amount", "Paid")], &[]);
    assert!(mapping.contains(&("paid_amount", "Paid".to_string())));
    assert!(!mapping.iter().any(|(field, _)| *field == "paid"));
    // Config may give one column to several fields on purpose.
    let (mapping, _) = resolve(
        Kind::Invoices,
        &names,
        &[("paid_amount", "Paid"), ("amount", "Paid")],
        &[],
    );
    assert!(mapping.contains(&("paid_amount", "Paid".to_string())));
    assert!(mapping.contains(&("amount", "Paid".to_string())));
}

#[test]
fn an_empty_mapping_turns_a_field_off() {
    let names = ["client", "issued", "amount", "status", "paid"];
    let (mapping, _) = resolve(Kind::Invoices, &names, &[("status", ""), ("paid", "")], &[]);
    let shown: Vec<String> = mapping.iter().map(|(f, c)| format!("{f}={c}")).collect();
    assert_eq!(
        shown,
        [
            "client=client",
            "issued=issued",
            "paid=",
            "amount=amount",
            "status="
        ]
    );
}

#[test]
fn a_loose_column_of_another_kind_is_left_with_a_note() {
    let names = ["client", "issued", "amount", "State"];
    let (mapping, notes) = resolve(Kind::Invoices, &names, &[], &[3]);
    assert!(!mapping.iter().any(|(field, _)| *field == "status"));
    assert_eq!(notes.len(), 1);
    assert!(notes[0].starts_with("column \"State\" is not read as \"status\""));
    // Values of the field's kind: read.
    let (mapping, notes) = resolve(Kind::Invoices, &names, &[], &[]);
    assert!(mapping.contains(&("status", "State".to_string())));
    assert!(notes.is_empty());
    // An exact vendor name is never judged: `Invoice Status` is read.
    let names = ["client", "issued", "amount", "Invoice Status"];
    let (mapping, notes) = resolve(Kind::Invoices, &names, &[], &[3]);
    assert!(mapping.contains(&("status", "Invoice Status".to_string())));
    assert!(notes.is_empty());
}

#[test]
fn a_date_column_brings_its_sibling_time_column() {
    let outlook = [
        "Subject",
        "Start Date",
        "Start Time",
        "End Date",
        "End Time",
        "Company",
        "Status",
    ];
    let (mapping, _) = resolve(Kind::Meetings, &outlook, &[], &[]);
    let shown: Vec<String> = mapping.iter().map(|(f, c)| format!("{f}={c}")).collect();
    assert_eq!(
        shown,
        [
            "client=Company",
            "date=Start Date",
            "start time=Start Time",
            "end=End Date",
            "end time=End Time",
            "status=Status",
        ]
    );
    // HubSpot's `Meeting start time` holds a date and time: no sibling.
    let hubspot = [
        "Meeting start time",
        "Meeting end time",
        "Associated Company",
        "Meeting outcome",
    ];
    let (mapping, _) = resolve(Kind::Meetings, &hubspot, &[], &[]);
    assert!(mapping.contains(&("date", "Meeting start time".to_string())));
    assert!(!mapping.iter().any(|(f, _)| *f == "start time"));
}

#[test]
fn samples_are_judged_by_whether_any_value_fits() {
    use crate::config::DecimalSeparator::Dot;
    let none = BTreeMap::new();
    let values = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let state = values(&["Kentucky", "Ohio"]);
    assert!(!sample_fits(&state, ValueKind::InvoiceStatus, Dot, &none));
    assert!(!sample_fits(
        &values(&["synced"]),
        ValueKind::InvoiceStatus,
        Dot,
        &none
    ));
    assert!(sample_fits(
        &values(&["Kentucky", "paid"]),
        ValueKind::InvoiceStatus,
        Dot,
        &none
    ));
    let mut custom = BTreeMap::new();
    custom.insert("Kentucky".to_string(), "paid".to_string());
    assert!(sample_fits(&state, ValueKind::InvoiceStatus, Dot, &custom));
    let amounts = values(&["1000.00", "200.00", "0.00"]);
    assert!(!sample_fits(&amounts, ValueKind::Date, Dot, &none));
    assert!(sample_fits(&amounts, ValueKind::Money, Dot, &none));
    assert!(!sample_fits(
        &values(&["true", "false"]),
        ValueKind::Date,
        Dot,
        &none
    ));
    assert!(sample_fits(
        &values(&["03/04/2026"]),
        ValueKind::Date,
        Dot,
        &none
    ));
    assert!(sample_fits(&[], ValueKind::Date, Dot, &none));
}

#[test]
fn a_required_field_turned_off_is_an_error_that_says_so() {
    let file = headers(&["client", "issued", "amount"]);
    let mut mapping = BTreeMap::new();
    mapping.insert("amount".to_string(), String::new());
    let resolver = Resolver::unchecked(Kind::Invoices, Path::new("i.csv"), &file, &mapping);
    let message = resolver.require("amount").unwrap_err().to_string();
    assert!(
        message.contains("[invoices.columns] amount = \"\" says the file has none"),
        "{message}"
    );
    // Recognising the header row: the field turned off is not found.
    assert!(!satisfies(Kind::Invoices, &file, &mapping));
}

#[test]
fn a_header_row_is_recognised_despite_a_mapping_typo() {
    // So that reading the file can name the typo, rather than the file
    // going unrecognised.
    let file = headers(&["client", "issued", "Amount", "Converted Amount"]);
    let mut mapping = BTreeMap::new();
    mapping.insert("amount".to_string(), "Converted Amout".to_string());
    assert!(satisfies(Kind::Invoices, &file, &mapping));
}
