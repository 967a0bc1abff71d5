//! Header resolution: which column holds which field.
//!
//! Headers match case-, space-, underscore- and punctuation-insensitively
//! (`Due Date` = `due_date` = `DueDate`). A user mapping from
//! `[kind.columns]` is tried first, then the built-in aliases in order, so
//! the first alias listed wins when an export has several candidates.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::InputError;

mod fields;

pub use fields::*;
mod headers;
pub use headers::*;
mod values;
pub(crate) use values::*;

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

/// Fields of a timesheet whose header may end in its currency.
const MONEY_IN_TIME: [&str; 4] = ["cost_rate", "cost_amount", "bill_rate", "bill_amount"];

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
                let index = headers.position(alias).or_else(|| {
                    // Money columns of time trackers carry their currency.
                    (kind == Kind::Time && MONEY_IN_TIME.contains(&field.name))
                        .then(|| headers.position_with_currency(alias))
                        .flatten()
                });
                let Some(index) = index else {
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
    /// `new`, with what resolving the headers noted added to the file's
    /// report (every reader of a kind of file says them).
    pub(crate) fn noting(
        kind: Kind,
        file: &'a super::reader::CsvFile,
        config: &'a crate::config::Config,
        notes: &mut Vec<String>,
    ) -> Result<Resolver<'a>, InputError> {
        let resolver = Resolver::new(kind, file, config)?;
        notes.extend(resolver.resolution.notes.iter().cloned());
        Ok(resolver)
    }

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
            Kind::Tickets | Kind::Clients | Kind::Time => &config.tickets.status,
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
    /// looking at values (for tests of the messages, and the fuzzer).
    pub fn unchecked(
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
    pub fn check_mapping(&self) -> Result<(), InputError> {
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
mod tests;
