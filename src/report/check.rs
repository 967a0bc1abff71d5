//! The values behind `clientfit check`: the account of each file read
//! (its `FileReport`), the names in tickets and meetings that match no
//! invoice client with the closest invoice client, the rows that name no
//! client, the warnings and notes `report` would give, and the problems
//! that would stop it.
//!
//! Values only: the text is `render::check`'s. This module must not import
//! `render`, `settings` or `commands`.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::Config;
use crate::ingest::columns::Kind;
use crate::ingest::discover::InputFile;
use crate::ingest::reader::FileReport;
use crate::ingest::{self, Ingested};
use crate::wording::closest;

/// Everything `check` says.
#[derive(Debug)]
pub(crate) struct Check<'a> {
    /// Each file read, in input order.
    pub(crate) files: &'a [FileReport],
    /// Files left out because clientfit wrote them.
    pub(crate) own_outputs: &'a [String],
    /// Where the settings came from.
    pub(crate) config: String,
    /// Largest input that is not a regular file (read into memory).
    pub(crate) in_memory_limit: u64,
    /// Names in tickets and meetings that no invoice names, by key.
    pub(crate) strays: Vec<Stray>,
    pub(crate) unmatched_tickets: u64,
    pub(crate) unmatched_meetings: u64,
    /// Time entries naming no client, nor a project mapped to one.
    pub(crate) unmatched_time: u64,
    /// The run's warnings that `check` repeats (encoding, repeated and
    /// merged tickets), then what `report` will leave out or cannot know,
    /// invoices file by invoices file.
    pub(crate) warnings: Vec<String>,
    /// The cost of delivering the work is not set.
    pub(crate) delivery_cost_unknown: bool,
    /// What would stop `report`, first first.
    pub(crate) problems: Vec<String>,
}

/// A client name in tickets or meetings that no invoice names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stray {
    pub(crate) name: String,
    /// The files (by file name) that name it.
    pub(crate) files: Vec<String>,
    /// The invoice client it is closest to, if one is close.
    pub(crate) closest: Option<String>,
}

impl Check<'_> {
    /// Would `report` run on these files?
    pub(crate) fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The account of `ingested`, read from `files` with `config` (every file
/// read even when one failed).
pub(crate) fn build<'a>(
    files: &[InputFile],
    own_outputs: &'a [String],
    ingested: &'a Ingested,
    config: &Config,
) -> Check<'a> {
    let mut problems: Vec<String> = ingested
        .reports
        .iter()
        .filter_map(|report| report.error.as_ref().map(|err| format!("{err}")))
        .collect();
    if !files.iter().any(|f| f.kind == Kind::Invoices) {
        problems.push("no invoices file: report needs one (a file with \"invoice\" in its name, or --invoices FILE)".into());
    }
    if let Some(err) = &ingested.error {
        problems.push(err.clone());
    }
    let repeated = ingested.warnings.iter().filter(|w| {
        w.contains("Windows-1252")
            || w.contains("shared a ticket id")
            || w.contains("time entries of")
            || w.contains("merged ticket(s)")
    });
    // What report will leave out or cannot know, file by file.
    let invoice_notes = ingested
        .reports
        .iter()
        .filter(|r| r.kind == Some(Kind::Invoices) && r.error.is_none())
        .flat_map(|report| ingest::invoice_notes(report, None));
    Check {
        files: &ingested.reports,
        own_outputs,
        config: config.provenance(),
        in_memory_limit: ingest::source::in_memory_limit(config),
        strays: strays(ingested),
        unmatched_tickets: kind_sum(&ingested.reports, Kind::Tickets, |r| r.unmatched),
        unmatched_meetings: kind_sum(&ingested.reports, Kind::Meetings, |r| r.unmatched),
        unmatched_time: kind_sum(&ingested.reports, Kind::Time, |r| r.unmatched),
        warnings: repeated.cloned().chain(invoice_notes).collect(),
        delivery_cost_unknown: crate::aggregate::CostBasis::of(ingested)
            .leaves_out_delivery(&config.rates),
        problems,
    }
}

/// Names in tickets and meetings that no invoice names, by key, with the
/// files that name them and the closest invoice client.
fn strays(ingested: &Ingested) -> Vec<Stray> {
    let registry = &ingested.registry;
    let invoiced: BTreeSet<u32> = ingested
        .reports
        .iter()
        .filter(|r| r.kind == Some(Kind::Invoices))
        .flat_map(|r| r.clients.iter())
        .collect();
    let mut strays: BTreeMap<String, (String, BTreeSet<String>)> = BTreeMap::new();
    for report in ingested
        .reports
        .iter()
        .filter(|r| matches!(r.kind, Some(Kind::Tickets | Kind::Meetings | Kind::Time)))
    {
        for id in report.clients.iter().filter(|id| !invoiced.contains(id)) {
            // Every id a file names is a client of the registry.
            let Some(info) = registry.clients().get(id as usize) else {
                continue;
            };
            let entry = strays
                .entry(info.key.clone())
                .or_insert_with(|| (info.name.clone(), BTreeSet::new()));
            entry.1.insert(file_name(report));
        }
    }
    let invoice_names: Vec<(&str, &str)> = invoiced
        .iter()
        .filter_map(|id| registry.clients().get(*id as usize))
        .map(|info| (info.key.as_str(), info.name.as_str()))
        .collect();
    strays
        .into_iter()
        .map(|(key, (name, files))| Stray {
            closest: closest(&key, &invoice_names).map(str::to_string),
            name,
            files: files.into_iter().collect(),
        })
        .collect()
}

fn file_name(report: &FileReport) -> String {
    report.path.file_name().map_or_else(
        || report.path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn kind_sum(reports: &[FileReport], kind: Kind, value: fn(&FileReport) -> u64) -> u64 {
    reports
        .iter()
        .filter(|r| r.kind == Some(kind))
        .map(value)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_suggested_and_far_ones_are_not() {
        let invoiced = [
            ("acme", "Acme Inc"),
            ("globex", "Globex GmbH"),
            ("umbrella", "Umbrella Corp"),
        ];
        assert_eq!(closest("acmee", &invoiced), Some("Acme Inc"));
        assert_eq!(closest("globx", &invoiced), Some("Globex GmbH"));
        assert_eq!(closest("acme holdings", &invoiced), Some("Acme Inc"));
        assert_eq!(closest("hooli", &invoiced), None);
        assert_eq!(
            closest("acme", &invoiced),
            None,
            "an exact key is not a stray"
        );
    }
}
