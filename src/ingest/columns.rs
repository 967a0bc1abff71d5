//! Header resolution: which column holds which field.
//!
//! Headers match case-, space-, underscore- and punctuation-insensitively
//! (`Due Date` = `due_date` = `DueDate`). A user mapping from
//! `[kind.columns]` is tried first, then the built-in aliases in order, so
//! the first alias listed wins when an export has several candidates.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::InputError;

/// The four kinds of input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Invoices,
    Tickets,
    Meetings,
    Clients,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Invoices, Kind::Tickets, Kind::Meetings, Kind::Clients];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Invoices => "invoices",
            Kind::Tickets => "tickets",
            Kind::Meetings => "meetings",
            Kind::Clients => "clients",
        }
    }

    /// The fields of this kind with their aliases, best first.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Kind::Invoices => INVOICE_FIELDS,
            Kind::Tickets => TICKET_FIELDS,
            Kind::Meetings => MEETING_FIELDS,
            Kind::Clients => CLIENT_FIELDS,
        }
    }
}

/// A canonical field and the headers that mean it.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
}

/// Each field's own name is its first alias, unless written `name (later)`:
/// then the name comes after the listed aliases (Stripe exports a boolean
/// `Paid` beside the date `Paid At (UTC)`, so dates must win).
macro_rules! fields {
    (@one $name:literal later [$($alias:literal),*]) => {
        Field { name: $name, aliases: &[$($alias,)* $name] }
    };
    (@one $name:literal [$($alias:literal),*]) => {
        Field { name: $name, aliases: &[$name, $($alias),*] }
    };
    ($($name:literal $($later:ident)? => [$($alias:literal),* $(,)?]),* $(,)?) => {
        &[$(fields!(@one $name $($later)? [$($alias),*])),*]
    };
}

/// Invoice fields. `amount` lists invoice-level totals before line-level
/// columns (see `LINE_AMOUNT_HEADERS`), so an export with both uses the total.
pub static INVOICE_FIELDS: &[Field] = fields![
    "client" => ["client name", "customer name", "contact name", "contactname", "customer full name",
                 "customer", "company", "company name", "account name", "organization", "contact"],
    "invoice_id" => ["invoice id", "invoice number", "invoicenumber", "invoice no", "invoice #",
                     "invoice", "number", "num", "no", "id", "document number"],
    "issued" => ["issue date", "issued date", "invoice date", "invoicedate", "date issued", "date (utc)",
                 "date", "created", "created date", "transaction date", "bill date"],
    "due" => ["due date", "duedate", "date due", "due date (utc)", "due on", "payment due"],
    "paid" later => ["paid date", "paid at", "paid at (utc)", "date paid", "paid on", "payment date",
               "settled date", "date settled", "fully paid on"],
    "amount" => ["total", "invoice total", "invoice amount", "total amount", "grand total", "amount total",
                 "line total", "line amount", "lineamount", "item total", "line subtotal"],
    "paid_amount" => ["amount paid", "invoiceamountpaid", "invoice amount paid", "payment amount",
                      "paid amount", "total paid", "payments"],
    "balance" => ["open balance", "invoiceamountdue", "invoice amount due", "balance due",
                  "amount remaining", "remaining", "outstanding", "outstanding amount"],
    "currency" => ["currency code", "curr", "ccy"],
    "status" => ["invoice status", "state", "payment status"],
    "discount" => ["total discount amount", "discount amount", "discount total"],
];

/// Amount headers that hold one line of an invoice: rows sharing an
/// invoice id are then summed rather than required to agree.
pub const LINE_AMOUNT_HEADERS: &[&str] = &[
    "line total",
    "line amount",
    "lineamount",
    "item total",
    "line subtotal",
];

pub static TICKET_FIELDS: &[Field] = fields![
    "client" => ["organization", "organisation", "organization name", "company", "company name",
                 "customer", "customer name", "client name", "account", "account name",
                 "custom field (organizations)", "organizations"],
    "ticket_id" => ["ticket id", "ticket number", "ticket #", "ticket no", "issue key", "key", "id",
                    "number", "case number"],
    "created" => ["created at", "created time", "created date", "date created", "created on",
                  "opened", "opened at", "submitted"],
    "resolved" => ["resolved at", "resolved time", "resolved date", "solved at", "closed", "closed at",
                   "closed time", "date closed"],
    "minutes" => ["time spent (min)", "time spent minutes", "time spent", "time tracked",
                  "total time spent (sec)", "time spent (sec)", "time spent seconds", "time worked",
                  "duration", "handle time"],
    "email" => ["requester email", "customer email", "contact email", "email address", "requester",
                "reporter"],
    "type" => ["ticket type", "issue type", "category", "request type"],
    "tags" => ["labels", "tag", "label"],
    "priority" => ["ticket priority", "urgency", "severity"],
];

pub static MEETING_FIELDS: &[Field] = fields![
    "client" => ["associated company", "company", "company name", "organization", "account",
                 "account name", "customer", "customer name", "client name"],
    "date" => ["start", "start time", "start date & time", "start date", "meeting start time",
               "start datetime", "activity date", "scheduled", "meeting date", "when"],
    "end" => ["end time", "end date & time", "end date", "meeting end time", "end datetime"],
    "minutes" => ["duration", "duration (minutes)", "duration minutes", "length", "length (minutes)"],
    "status" => ["meeting outcome", "outcome", "attendance", "meeting status"],
    "canceled" => ["cancelled", "is canceled", "is cancelled"],
    "no_show" => ["marked as no-show", "no-show", "no show", "noshow", "is no show"],
    "email" => ["invitee email", "attendee email", "contact email", "email address"],
    "attendees" => ["our attendees", "team attendees", "participants", "attendee count"],
];

pub static CLIENT_FIELDS: &[Field] = fields![
    "client" => ["client name", "name", "company", "company name", "customer", "customer name", "account"],
    "aliases" => ["alias", "also known as", "aka"],
    "domains" => ["domain", "email domains", "email domain"],
    "segment" => ["tier", "category"],
    "strategic" => ["is strategic", "key account"],
    "owner" => ["account manager", "account owner", "manager", "am"],
];

/// Reduce a header to letters and digits, lower-cased, so spellings meet.
pub fn normalize_header(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The header row of one file, ready to resolve fields against.
#[derive(Debug, Clone)]
pub struct Headers {
    pub raw: Vec<String>,
    normalized: Vec<String>,
}

/// Where a field was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub index: usize,
    /// The header as written in the file.
    pub header: String,
    /// The alias (or user mapping) that matched, normalised.
    pub matched: String,
}

impl Headers {
    pub fn new(raw: Vec<String>) -> Headers {
        let normalized = raw.iter().map(|h| normalize_header(h)).collect();
        Headers { raw, normalized }
    }

    fn position(&self, wanted: &str) -> Option<usize> {
        let wanted = normalize_header(wanted);
        if wanted.is_empty() {
            return None;
        }
        self.normalized.iter().position(|h| *h == wanted)
    }

    /// Every column whose header matches `wanted` (Jira repeats `Labels`).
    pub fn positions(&self, wanted: &str) -> Vec<usize> {
        let wanted = normalize_header(wanted);
        self.normalized
            .iter()
            .enumerate()
            .filter(|(_, header)| **header == wanted)
            .map(|(index, _)| index)
            .collect()
    }

    /// Find a field: the user's mapping when its header is present, else the
    /// first built-in alias present.
    pub fn find(&self, field: &Field, mapping: &BTreeMap<String, String>) -> Option<Found> {
        let mapped = mapping.get(field.name).map(String::as_str);
        mapped
            .into_iter()
            .chain(field.aliases.iter().copied())
            .find_map(|alias| {
                let index = self.position(alias)?;
                // `raw` and `normalized` have the same length.
                Some(Found {
                    index,
                    header: self.raw.get(index)?.clone(),
                    matched: normalize_header(alias),
                })
            })
    }

    /// The headers for an error message: the first 40 of a very wide file,
    /// so that a message stays readable whatever the export.
    pub fn display_list(&self) -> String {
        const SHOWN: usize = 40;
        let mut list = self
            .raw
            .iter()
            .take(SHOWN)
            .map(|h| crate::error::quote(h))
            .collect::<Vec<_>>()
            .join(", ");
        if self.raw.len() > SHOWN {
            list.push_str(&format!(", … ({} columns in all)", self.raw.len()));
        }
        list
    }
}

/// Resolves one file's fields, remembering the file for error messages.
pub struct Resolver<'a> {
    pub kind: Kind,
    pub path: &'a Path,
    pub headers: &'a Headers,
    pub mapping: &'a BTreeMap<String, String>,
    /// Physical line of the header row.
    pub header_line: u64,
}

impl Resolver<'_> {
    pub fn field(&self, name: &str) -> &'static Field {
        self.kind
            .fields()
            .iter()
            .find(|field| field.name == name)
            .unwrap_or_else(|| panic!("no field {name} for {}", self.kind.name()))
    }

    pub fn find(&self, name: &str) -> Option<Found> {
        self.headers.find(self.field(name), self.mapping)
    }

    pub fn index(&self, name: &str) -> Option<usize> {
        self.find(name).map(|found| found.index)
    }

    /// A required field, or the error that says what was found and how to map it.
    pub fn require(&self, name: &str) -> Result<Found, InputError> {
        self.find(name).ok_or_else(|| self.missing(&[name]))
    }

    /// The error for a required field (or one of several alternatives) absent.
    pub fn missing(&self, names: &[&str]) -> InputError {
        // Callers name at least one field; like any name that is not a
        // field, none at all is a bug that `field` reports.
        let field = self.field(names.first().copied().unwrap_or_default());
        let tried: Vec<String> = self
            .mapping
            .get(field.name)
            .into_iter()
            .map(String::as_str)
            .chain(field.aliases.iter().copied())
            .map(|alias| format!("{alias:?}"))
            .collect();
        let wanted = names
            .iter()
            .map(|n| format!("{n:?}"))
            .collect::<Vec<_>>()
            .join(" or ");
        InputError::file(
            self.path,
            format!(
                "no column for {wanted}, which {} files need\n  found: {}\n  tried: {}",
                self.kind.name(),
                self.headers.display_list(),
                tried.join(", ")
            ),
        )
        .at(self.header_line)
        .hint(match self.likely_column(field) {
            Some(header) => format!(
                "if {} holds it, map it in clientfit.toml:\n        [{}.columns]\n        {} = {:?}",
                crate::error::quote(&header),
                self.kind.name(),
                field.name,
                header
            ),
            None => format!(
                "if one of the columns found holds it, map it in clientfit.toml:\n        [{}.columns]\n        {} = \"<column name>\"",
                self.kind.name(),
                field.name
            ),
        })
    }

    /// A found header that plausibly holds `field`: one that contains an
    /// alias (`Total (USD)` holds "total") or is within a few letters of
    /// one (`Ammount`). Only a suggestion for the hint, never applied.
    fn likely_column(&self, field: &Field) -> Option<String> {
        let aliases: Vec<String> = field.aliases.iter().map(|a| normalize_header(a)).collect();
        self.headers
            .raw
            .iter()
            .filter_map(|header| {
                let normalized = normalize_header(header);
                if normalized.is_empty() {
                    return None;
                }
                let score = aliases
                    .iter()
                    .filter(|alias| alias.len() >= 3)
                    .map(|alias| {
                        if normalized.starts_with(alias.as_str())
                            || normalized.ends_with(alias.as_str())
                        {
                            0.9
                        } else {
                            strsim::normalized_levenshtein(&normalized, alias)
                        }
                    })
                    .fold(0.0f64, f64::max);
                (score >= 0.75).then(|| (score, header.clone()))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(&a.1)))
            .map(|(_, header)| header)
    }

    /// Field ← column for every field this file has, for `check`.
    pub fn mapping_report(&self) -> Vec<(&'static str, String)> {
        self.kind
            .fields()
            .iter()
            .filter_map(|field| {
                self.headers
                    .find(field, self.mapping)
                    .map(|found| (field.name, found.header))
            })
            .collect()
    }

    /// Check the user's mapping names real fields, and that no field's
    /// column appears twice in the header (which one is meant would be a
    /// guess; only tags may repeat, as Jira's `Labels` do).
    pub fn check_mapping(&self) -> Result<(), InputError> {
        for field in self.kind.fields().iter().filter(|f| f.name != "tags") {
            let Some(found) = self.headers.find(field, self.mapping) else {
                continue;
            };
            let positions = self.headers.positions(&found.header);
            if positions.len() > 1 {
                // 1-based: cannot saturate, as a vector index is under isize::MAX.
                let mut numbers: Vec<String> = positions
                    .iter()
                    .take(10)
                    .map(|p| p.saturating_add(1).to_string())
                    .collect();
                if positions.len() > 10 {
                    numbers.push("…".to_string());
                }
                return Err(InputError::file(
                    self.path,
                    format!(
                        "the header has column {} {} times (columns {}), and clientfit will not guess which holds {:?}",
                        crate::error::quote(&found.header),
                        positions.len(),
                        numbers.join(" and "),
                        field.name
                    ),
                )
                .at(self.header_line)
                .hint("rename or remove the extra column in the export"));
            }
        }
        for field in self.mapping.keys() {
            if !self.kind.fields().iter().any(|f| f.name == field) {
                let names: Vec<&str> = self.kind.fields().iter().map(|f| f.name).collect();
                return Err(InputError::file(
                    self.path,
                    format!(
                        "[{}.columns] maps {field:?}, which is not a field of {} files (fields: {})",
                        self.kind.name(),
                        self.kind.name(),
                        names.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Required fields per kind, as alternatives: each inner list needs one.
pub fn required(kind: Kind) -> &'static [&'static [&'static str]] {
    match kind {
        Kind::Invoices => &[&["client"], &["issued"], &["amount"]],
        Kind::Tickets => &[&["client", "email"], &["created"]],
        Kind::Meetings => &[
            &["client", "email"],
            &["date"],
            &["status", "canceled", "no_show"],
        ],
        Kind::Clients => &[
            &["client"],
            &["aliases", "domains", "strategic", "owner", "segment"],
        ],
    }
}

/// Whether a header row holds every required field of `kind`.
pub fn satisfies(kind: Kind, headers: &Headers, mapping: &BTreeMap<String, String>) -> bool {
    required(kind).iter().all(|alternatives| {
        alternatives.iter().any(|name| {
            kind.fields()
                .iter()
                .find(|field| field.name == *name)
                .is_some_and(|field| headers.find(field, mapping).is_some())
        })
    })
}

#[cfg(test)]
mod tests {
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
            let resolver = Resolver {
                kind: Kind::Invoices,
                path,
                headers: &headers,
                mapping: &none,
                header_line: 1,
            };
            resolver.missing(&["amount"]).hint.clone().unwrap()
        };
        assert!(
            resolve(&["Client", "Date", "Sum (USD)", "Ammount"]).contains("amount = \"Ammount\"")
        );
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
}
