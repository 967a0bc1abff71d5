//! The header row of one file, normalised so spellings meet, and which
//! header each field's aliases find in it.

use super::*;

/// Reduce a header to letters and digits, lower-cased, so spellings meet.
pub(crate) fn normalize_header(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A header ending in a currency in brackets, split into the name before
/// it and the code (empty for `()`): `Amount (EUR)` → (`Amount`, `EUR`).
pub(crate) fn currency_suffix(header: &str) -> Option<(&str, &str)> {
    let inner = header.trim_end().strip_suffix(')')?;
    let (name, code) = inner.rsplit_once('(')?;
    let code = code.trim();
    let is_code =
        code.is_empty() || (code.len() == 3 && code.bytes().all(|b| b.is_ascii_alphabetic()));
    (is_code && !name.trim().is_empty()).then_some((name.trim_end(), code))
}

/// The header row of one file, ready to resolve fields against.
#[derive(Debug, Clone)]
pub struct Headers {
    pub raw: Vec<String>,
    pub(super) normalized: Vec<String>,
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

    pub(super) fn position(&self, wanted: &str) -> Option<usize> {
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

    /// The column whose header is `wanted` followed by a currency in
    /// brackets, as time trackers name money columns (`Billable Rate
    /// (USD)`, `Amount (EUR)`, and `Amount ()` with no currency set).
    pub(super) fn position_with_currency(&self, wanted: &str) -> Option<usize> {
        let wanted = normalize_header(wanted);
        if wanted.is_empty() {
            return None;
        }
        self.raw.iter().position(|header| {
            currency_suffix(header).is_some_and(|(name, _)| normalize_header(name) == wanted)
        })
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
