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
    pub(crate) aliases: &'static [&'static str],
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
pub(crate) static INVOICE_FIELDS: &[Field] = fields![
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
    // The day a void or write-off took effect: before it, the invoice was open.
    "voided_at" => ["voided at", "voided at (utc)", "voided date", "void date", "date voided",
                    "voided on", "cancelled at", "canceled at", "cancelled date", "canceled date",
                    "cancelled on", "canceled on"],
    "written_off_at" => ["marked uncollectible at", "marked uncollectible at (utc)",
                         "marked uncollectible date", "uncollectible at", "uncollectible date",
                         "written off at", "written off date", "written off on", "write off date",
                         "date written off", "bad debt date"],
];

/// Amount headers that hold one line of an invoice: rows sharing an
/// invoice id are then summed rather than required to agree.
pub(crate) const LINE_AMOUNT_HEADERS: &[&str] = &[
    "line total",
    "line amount",
    "lineamount",
    "item total",
    "line subtotal",
];

pub(crate) static TICKET_FIELDS: &[Field] = fields![
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

pub(crate) static MEETING_FIELDS: &[Field] = fields![
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

pub(crate) static CLIENT_FIELDS: &[Field] = fields![
    "client" => ["client name", "name", "company", "company name", "customer", "customer name", "account"],
    "aliases" => ["alias", "also known as", "aka"],
    "domains" => ["domain", "email domains", "email domain"],
    "segment" => ["tier", "category"],
    "strategic" => ["is strategic", "key account"],
    "owner" => ["account manager", "account owner", "manager", "am"],
];

/// Reduce a header to letters and digits, lower-cased, so spellings meet.
pub(crate) fn normalize_header(header: &str) -> String {
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
    pub(crate) matched: String,
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

    /// Find a field to recognise a header row: the user's mapping when its
    /// header is present, else the first built-in alias present; `field =
    /// ""` finds none. (Reading a file resolves its fields with `Resolver`,
    /// which refuses a mapped header the file lacks.)
    pub(crate) fn find(&self, field: &Field, mapping: &BTreeMap<String, String>) -> Option<Found> {
        let mapped = mapping.get(field.name).map(String::as_str);
        if mapped.is_some_and(|header| header.trim().is_empty()) {
            return None;
        }
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

/// What a loose alias's column must hold to be read as its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueKind {
    Date,
    Money,
    InvoiceStatus,
    MeetingStatus,
    YesNo,
    Minutes,
}

impl ValueKind {
    fn describe(self) -> &'static str {
        match self {
            ValueKind::Date => "dates",
            ValueKind::Money => "amounts",
            ValueKind::InvoiceStatus => "invoice statuses",
            ValueKind::MeetingStatus => "meeting statuses",
            ValueKind::YesNo => "yes/no values",
            ValueKind::Minutes => "durations",
        }
    }
}

/// Loose aliases: generic words that name this field in some exports and
/// something else in others. Only optional fields have them (a required
/// field's column is read or the file is refused), and only fields whose
/// values can be told apart from other columns' (dates, amounts, status
/// words, yes/no, durations). Every other alias is an exact vendor name
/// and is read as it is; adding one stays a line in the tables above.
pub(crate) static LOOSE_ALIASES: &[(Kind, &str, ValueKind, &[&str])] = &[
    // A US state, or an app's sync state.
    (
        Kind::Invoices,
        "status",
        ValueKind::InvoiceStatus,
        &["state"],
    ),
    // Stripe's yes/no `Paid`, Invoice Ninja's paid amount.
    (Kind::Invoices, "paid", ValueKind::Date, &["paid"]),
    (
        Kind::Invoices,
        "paid_amount",
        ValueKind::Money,
        &["payments"],
    ),
    (
        Kind::Invoices,
        "balance",
        ValueKind::Money,
        &["remaining", "outstanding"],
    ),
    (
        Kind::Tickets,
        "minutes",
        ValueKind::Minutes,
        &["duration", "handle time"],
    ),
    (Kind::Tickets, "resolved", ValueKind::Date, &["closed"]),
    (
        Kind::Meetings,
        "minutes",
        ValueKind::Minutes,
        &["duration", "length"],
    ),
    (
        Kind::Meetings,
        "status",
        ValueKind::MeetingStatus,
        &["outcome", "attendance"],
    ),
    (Kind::Meetings, "canceled", ValueKind::YesNo, &["cancelled"]),
    (
        Kind::Clients,
        "strategic",
        ValueKind::YesNo,
        &["key account"],
    ),
];

/// The value kind a loose alias of `field` asks for, if `alias` is loose.
fn loose(kind: Kind, field: &str, alias: &str) -> Option<ValueKind> {
    LOOSE_ALIASES
        .iter()
        .find(|(k, f, _, aliases)| *k == kind && *f == field && aliases.contains(&alias))
        .map(|(_, _, value_kind, _)| *value_kind)
}

/// Fields that hold a date, whose column may have a sibling time column.
fn is_date_field(kind: Kind, field: &str) -> bool {
    matches!(
        (kind, field),
        (Kind::Invoices, "issued" | "due" | "paid")
            | (Kind::Tickets, "created" | "resolved")
            | (Kind::Meetings, "date" | "end")
    )
}

/// The header `normalized` with its last `from` replaced by `to`
/// (`startdate` → `starttime`).
fn sibling(normalized: &str, from: &str, to: &str) -> Option<String> {
    let at = normalized.rfind(from)?;
    let mut other = normalized.to_string();
    other.replace_range(at..at.saturating_add(from.len()), to);
    Some(other)
}

/// Whether a sample of a column's values is of `kind` at all: at least one
/// value is. An empty sample proves nothing, so it passes.
pub(crate) fn sample_fits(
    values: &[String],
    kind: ValueKind,
    decimal: crate::config::DecimalSeparator,
    custom_status: &BTreeMap<String, String>,
) -> bool {
    use super::date::{DateProblem, parse_date};
    use super::status;
    use crate::config::DateOrder;
    let custom: Vec<String> = custom_status.keys().map(|k| status::normalize(k)).collect();
    let custom_word = |text: &str| custom.contains(&status::normalize(text));
    values.is_empty()
        || values.iter().any(|text| match kind {
            ValueKind::Date => [None, Some(DateOrder::Dmy), Some(DateOrder::Mdy)]
                .into_iter()
                .any(|order| match parse_date(text, order) {
                    Ok(_) | Err(DateProblem::NeedsOrder) => true,
                    Err(_) => false,
                }),
            ValueKind::Money => super::money::parse_money(text, decimal).is_ok(),
            ValueKind::InvoiceStatus => custom_word(text) || status::invoice_status(text).is_some(),
            ValueKind::MeetingStatus => custom_word(text) || status::meeting_status(text).is_some(),
            ValueKind::YesNo => status::boolean(text).is_some(),
            ValueKind::Minutes => {
                super::duration::parse_minutes(text, super::duration::DurationUnit::Minutes).is_ok()
            }
        })
}

/// Where every field of one file is, decided once for the whole header.
#[derive(Debug, Clone, Default)]
pub(crate) struct Resolution {
    /// Per field of the kind, in its order.
    found: Vec<Option<Found>>,
    /// Per field: the column holding its time of day, when separate.
    times: Vec<Option<usize>>,
    /// Columns a loose alias found and left unread, said in `check` and
    /// with the report's warnings.
    pub(crate) notes: Vec<String>,
}

impl Resolution {
    /// Resolve every field of `kind`: mapped fields take the columns they
    /// name; then each other field, in order, takes the first column an
    /// alias finds that no field has taken. A column found by a loose
    /// alias is taken only when `fits` says its values are of the field's
    /// kind; otherwise the search goes on and a note says why it was not.
    pub(crate) fn resolve(
        kind: Kind,
        headers: &Headers,
        mapping: &BTreeMap<String, String>,
        mut fits: impl FnMut(usize, ValueKind) -> Result<Option<Vec<String>>, InputError>,
    ) -> Result<Resolution, InputError> {
        let fields = kind.fields();
        let mut found: Vec<Option<Found>> = vec![None; fields.len()];
        let mut taken: Vec<bool> = vec![false; headers.raw.len()];
        for (slot, field) in found.iter_mut().zip(fields) {
            if let Some(index) = mapping.get(field.name).and_then(|h| headers.position(h)) {
                if let Some(flag) = taken.get_mut(index) {
                    *flag = true;
                }
                *slot = Some(Found {
                    index,
                    header: headers.raw.get(index).cloned().unwrap_or_default(),
                    matched: normalize_header(mapping.get(field.name).map_or("", String::as_str)),
                });
            }
        }
        let mut notes = Vec::new();
        for (slot, field) in found.iter_mut().zip(fields) {
            if mapping.contains_key(field.name) {
                continue;
            }
            for alias in field.aliases {
                let Some(index) = headers.position(alias) else {
                    continue;
                };
                if taken.get(index).copied().unwrap_or(true) {
                    continue;
                }
                let header = headers.raw.get(index).cloned().unwrap_or_default();
                if let Some(value_kind) = loose(kind, field.name, alias)
                    && let Some(values) = fits(index, value_kind)?
                {
                    let mut shown: Vec<String> = Vec::new();
                    for value in values.iter().map(|v| crate::error::quote(v)) {
                        if shown.len() < 3 && !shown.contains(&value) {
                            shown.push(value);
                        }
                    }
                    // Invoice Ninja's `Paid` is the amount paid.
                    let amounts = value_kind == ValueKind::Date
                        && kind == Kind::Invoices
                        && values.iter().all(|v| {
                            super::money::parse_money(v, crate::config::DecimalSeparator::Dot)
                                .is_ok()
                        });
                    let other = if amounts {
                        format!("; if it is the amount paid, map paid_amount = {header:?}")
                    } else {
                        String::new()
                    };
                    notes.push(format!(
                        "column {} is not read as {:?}: its values ({}) are not {}; to read it anyway, map it in clientfit.toml ([{}.columns] {} = {:?}), or write {} = \"\" to say the file has none{other}",
                        crate::error::quote(&header),
                        field.name,
                        shown.join(", "),
                        value_kind.describe(),
                        kind.name(),
                        field.name,
                        header,
                        field.name,
                    ));
                    continue;
                }
                if let Some(flag) = taken.get_mut(index) {
                    *flag = true;
                }
                *slot = Some(Found {
                    index,
                    header,
                    matched: normalize_header(alias),
                });
                break;
            }
        }
        // A date field found by an alias on a time column (`Start Time`)
        // whose date sibling (`Start Date`) no field has: the date is there.
        for (slot, field) in found.iter_mut().zip(fields) {
            if mapping.contains_key(field.name) || !is_date_field(kind, field.name) {
                continue;
            }
            let Some(current) = slot.as_ref() else {
                continue;
            };
            let normalized = normalize_header(&current.header);
            let Some(date_column) = sibling(&normalized, "time", "date")
                .and_then(|name| headers.normalized.iter().position(|h| *h == name))
                .filter(|index| !taken.get(*index).copied().unwrap_or(true))
            else {
                continue;
            };
            if let Some(flag) = taken.get_mut(date_column) {
                *flag = true;
            }
            *slot = Some(Found {
                index: date_column,
                header: headers.raw.get(date_column).cloned().unwrap_or_default(),
                matched: current.matched.clone(),
            });
        }
        // Its time of day: the date column's sibling with "time" for "date".
        let times = found
            .iter()
            .zip(fields)
            .map(|(slot, field)| {
                let current = slot.as_ref().filter(|_| is_date_field(kind, field.name))?;
                let name = sibling(&normalize_header(&current.header), "date", "time")?;
                headers.normalized.iter().position(|h| *h == name)
            })
            .collect();
        Ok(Resolution {
            found,
            times,
            notes,
        })
    }
}

/// Resolves one file's fields, remembering the file for error messages.
pub struct Resolver<'a> {
    pub(crate) kind: Kind,
    pub(crate) path: &'a Path,
    pub(crate) headers: &'a Headers,
    pub(crate) mapping: &'a BTreeMap<String, String>,
    /// Physical line of the header row.
    pub(crate) header_line: u64,
    pub(crate) resolution: Resolution,
}

/// Data rows looked at to tell what a loose alias's column holds, and the
/// values kept per column: a few hundred rows read twice is nothing next
/// to the file, and the same rows decide on every run.
const SAMPLE_ROWS: usize = 200;
const SAMPLE_VALUES: usize = 50;

impl<'a> Resolver<'a> {
    /// Resolve the fields of an open file, after checking the user's
    /// mapping against its header; a loose alias's column is judged on
    /// the values of the first rows.
    pub(crate) fn new(
        kind: Kind,
        file: &'a super::reader::CsvFile,
        config: &'a crate::config::Config,
    ) -> Result<Resolver<'a>, InputError> {
        let mapping = super::discover::mapping_for(config, kind);
        let custom_status = match kind {
            Kind::Invoices => &config.invoices.status,
            Kind::Meetings => &config.meetings.status,
            Kind::Tickets | Kind::Clients => &config.tickets.status,
        };
        let mut resolver = Resolver {
            kind,
            path: &file.path,
            headers: &file.headers,
            mapping,
            header_line: file.header_line,
            resolution: Resolution::default(),
        };
        resolver.check_mapping()?;
        resolver.resolution =
            Resolution::resolve(kind, &file.headers, mapping, |column, value_kind| {
                let values = file
                    .sample_values(&[column], SAMPLE_ROWS, SAMPLE_VALUES)?
                    .pop()
                    .unwrap_or_default();
                Ok(
                    (!sample_fits(&values, value_kind, file.decimal, custom_status))
                        .then_some(values),
                )
            })?;
        resolver.check_repeats()?;
        Ok(resolver)
    }

    /// A resolver that takes every alias's column as found, without
    /// looking at values (for tests of the messages).
    #[cfg(test)]
    fn unchecked(
        kind: Kind,
        path: &'a Path,
        headers: &'a Headers,
        mapping: &'a BTreeMap<String, String>,
    ) -> Resolver<'a> {
        let resolution =
            Resolution::resolve(kind, headers, mapping, |_, _| Ok(None)).unwrap_or_default();
        Resolver {
            kind,
            path,
            headers,
            mapping,
            header_line: 1,
            resolution,
        }
    }

    /// The field called `name`. Callers pass this crate's own field names;
    /// any other name has no column, so it is reported missing.
    fn field(&self, name: &str) -> Option<&'static Field> {
        self.kind.fields().iter().find(|field| field.name == name)
    }

    fn position_of(&self, name: &str) -> Option<usize> {
        self.kind
            .fields()
            .iter()
            .position(|field| field.name == name)
    }

    pub fn find(&self, name: &str) -> Option<Found> {
        self.resolution
            .found
            .get(self.position_of(name)?)
            .cloned()
            .flatten()
    }

    pub fn index(&self, name: &str) -> Option<usize> {
        self.find(name).map(|found| found.index)
    }

    /// The column holding the time of day of date field `name`, when the
    /// export writes it apart (`Start Time` beside `Start Date`).
    pub(crate) fn time_index(&self, name: &str) -> Option<usize> {
        self.resolution
            .times
            .get(self.position_of(name)?)
            .copied()
            .flatten()
    }

    /// A required field, or the error that says what was found and how to map it.
    pub fn require(&self, name: &str) -> Result<Found, InputError> {
        self.find(name).ok_or_else(|| self.missing(&[name]))
    }

    /// The error for a required field (or one of several alternatives) absent.
    pub(crate) fn missing(&self, names: &[&str]) -> InputError {
        // Callers name at least one field of this kind; the first one's
        // aliases are the names tried.
        let first = names.first().copied().unwrap_or_default();
        let field = self.field(first);
        let aliases = field.map_or(&[][..], |field| field.aliases);
        let wanted = names
            .iter()
            .map(|n| format!("{n:?}"))
            .collect::<Vec<_>>()
            .join(" or ");
        if let Some(name) = names.iter().find(|name| {
            self.mapping
                .get(**name)
                .is_some_and(|header| header.trim().is_empty())
        }) {
            return InputError::file(
                self.path,
                format!(
                    "no column for {wanted}, which {} files need: [{}.columns] {name} = \"\" says the file has none",
                    self.kind.name(),
                    self.kind.name(),
                ),
            )
            .at(self.header_line)
            .hint(format!(
                "map {name} to the column that holds it, or remove the line to use the built-in names"
            ));
        }
        let tried: Vec<String> = aliases.iter().map(|alias| format!("{alias:?}")).collect();
        let mut problem = format!(
            "no column for {wanted}, which {} files need\n  found: {}\n  tried: {}",
            self.kind.name(),
            self.headers.display_list(),
            tried.join(", ")
        );
        let unread: Vec<&String> = self
            .resolution
            .notes
            .iter()
            .filter(|note| names.iter().any(|name| note.contains(&format!("{name:?}"))))
            .collect();
        for note in unread {
            problem.push_str(&format!("\n  {note}"));
        }
        InputError::file(self.path, problem)
            .at(self.header_line)
            .hint(match field.and_then(|field| self.likely_column(field)) {
                Some(header) => format!(
                    "if {} holds it, map it in clientfit.toml:\n        [{}.columns]\n        {} = {:?}",
                    crate::error::quote(&header),
                    self.kind.name(),
                    first,
                    header
                ),
                None => format!(
                    "if one of the columns found holds it, map it in clientfit.toml:\n        [{}.columns]\n        {} = \"<column name>\"",
                    self.kind.name(),
                    first
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

    /// The header of the file closest to `wanted`, if any is close.
    fn closest_header(&self, wanted: &str) -> Option<&str> {
        let wanted = normalize_header(wanted);
        self.headers
            .raw
            .iter()
            .zip(&self.headers.normalized)
            .filter(|(_, normalized)| !normalized.is_empty())
            .map(|(raw, normalized)| {
                let score = strsim::normalized_levenshtein(&wanted, normalized);
                let contains = normalized.contains(wanted.as_str())
                    || (wanted.len() >= 3 && wanted.contains(normalized.as_str()));
                (if contains { score.max(0.7) } else { score }, raw)
            })
            .filter(|(score, _)| *score >= 0.6)
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
            .map(|(_, raw)| raw.as_str())
    }

    /// Field ← column for every field this file has, for `check`; a
    /// separate time of day shows as its own entry, a field turned off
    /// with `field = ""` as one with no column.
    pub fn mapping_report(&self) -> Vec<(&'static str, String)> {
        let mut report = Vec::new();
        for ((field, found), time) in self
            .kind
            .fields()
            .iter()
            .zip(&self.resolution.found)
            .zip(&self.resolution.times)
        {
            let Some(found) = found else {
                // Turned off in config: shown with no column.
                if self
                    .mapping
                    .get(field.name)
                    .is_some_and(|header| header.trim().is_empty())
                {
                    report.push((field.name, String::new()));
                }
                continue;
            };
            report.push((field.name, found.header.clone()));
            if let (Some(time), Kind::Meetings) = (time, self.kind) {
                let label = if field.name == "end" {
                    "end time"
                } else {
                    "start time"
                };
                report.push((
                    label,
                    self.headers.raw.get(*time).cloned().unwrap_or_default(),
                ));
            }
        }
        report
    }

    /// Check the user's mapping: it names fields of this kind, and every
    /// header it names is in the file (a typo must not fall back to a
    /// built-in alias: that column may hold another currency or meaning).
    fn check_mapping(&self) -> Result<(), InputError> {
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
        for (field, header) in self.mapping {
            if header.trim().is_empty() || self.headers.position(header).is_some() {
                continue;
            }
            let optional = !required(self.kind)
                .iter()
                .any(|alternatives| alternatives == &[field.as_str()]);
            let or_none = if optional {
                format!(", or {field} = \"\" if the file has none")
            } else {
                String::new()
            };
            let hint = match self.closest_header(header) {
                Some(close) => format!(
                    "did you mean {}? write {field} = {close:?} under [{}.columns] in clientfit.toml{or_none}",
                    crate::error::quote(close),
                    self.kind.name()
                ),
                None => format!(
                    "write the header as the file has it under [{}.columns] in clientfit.toml{or_none}",
                    self.kind.name()
                ),
            };
            return Err(InputError::file(
                self.path,
                format!(
                    "[{}.columns] {field} = {header:?}, but the file has no column {}\n  found: {}",
                    self.kind.name(),
                    crate::error::quote(header),
                    self.headers.display_list()
                ),
            )
            .at(self.header_line)
            .hint(hint));
        }
        Ok(())
    }

    /// Check that no field's column appears twice in the header (which one
    /// is meant would be a guess; only tags may repeat, as Jira's `Labels` do).
    fn check_repeats(&self) -> Result<(), InputError> {
        for (field, found) in self.kind.fields().iter().zip(&self.resolution.found) {
            let Some(found) = found.as_ref().filter(|_| field.name != "tags") else {
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
        Ok(())
    }
}

/// Required fields per kind, as alternatives: each inner list needs one.
pub(crate) fn required(kind: Kind) -> &'static [&'static [&'static str]] {
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
            let resolver = Resolver::unchecked(Kind::Invoices, path, &headers, &none);
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
}
