//! Loose aliases checked against their values: a column whose header only
//! may mean a field (`Date`, `Status`) is taken when a sample of its
//! cells holds that field's kind of value.

use super::*;

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
    pub(super) fn describe(self) -> &'static str {
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

/// The value kind a loose alias of `field` asks for, if `alias` is loose.
pub(super) fn loose(kind: Kind, field: &str, alias: &str) -> Option<ValueKind> {
    LOOSE_ALIASES
        .iter()
        .find(|(k, f, _, aliases)| *k == kind && *f == field && aliases.contains(&alias))
        .map(|(_, _, value_kind, _)| *value_kind)
}

/// Fields that hold a date, whose column may have a sibling time column.
pub(super) fn is_date_field(kind: Kind, field: &str) -> bool {
    matches!(
        (kind, field),
        (Kind::Invoices, "issued" | "due" | "paid")
            | (Kind::Tickets, "created" | "resolved")
            | (Kind::Meetings, "date" | "end")
    )
}

/// The header `normalized` with its last `from` replaced by `to`
/// (`startdate` → `starttime`).
pub(super) fn sibling(normalized: &str, from: &str, to: &str) -> Option<String> {
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
    use super::super::date::{DateProblem, parse_date};
    use super::super::status;
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
            ValueKind::Money => super::super::money::parse_money(text, decimal).is_ok(),
            ValueKind::InvoiceStatus => custom_word(text) || status::invoice_status(text).is_some(),
            ValueKind::MeetingStatus => custom_word(text) || status::meeting_status(text).is_some(),
            ValueKind::YesNo => status::boolean(text).is_some(),
            ValueKind::Minutes => super::super::duration::parse_minutes(
                text,
                super::super::duration::DurationUnit::Minutes,
            )
            .is_ok(),
        })
}
