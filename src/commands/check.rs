//! `clientfit check`: read the exports as `report` would and say what was
//! found in each file — kind, encoding, delimiter, which column feeds which
//! field, rows read and skipped and why, date range, currencies — and which
//! client names in tickets and meetings match no invoice client, with the
//! closest one suggested. Every file is read even when one fails.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::config::Config;
use crate::ingest;
use crate::ingest::columns::Kind;
use crate::ingest::discover::{self, ExplicitFiles};
use crate::ingest::reader::FileReport;
use crate::ingest::source::delimiter_name;
use crate::period::Bounds;
use crate::safe;
use crate::wording::{closest, plural};

/// What `check` needs.
#[derive(Debug, Clone)]
pub(crate) struct CheckSettings {
    pub(crate) paths: Vec<PathBuf>,
    pub(crate) explicit: ExplicitFiles,
    pub(crate) config: Config,
    pub(crate) skip_bad_rows: bool,
}

/// The text to print, and whether `report` would run.
pub(crate) struct CheckOutcome {
    pub(crate) text: String,
    pub(crate) ok: bool,
}

pub(crate) fn run(settings: &CheckSettings) -> anyhow::Result<CheckOutcome> {
    let collected = discover::collect(&settings.paths)?;
    let files = discover::classify(&collected, &settings.explicit, &settings.config)?;
    // Everything counts: no period, nothing is "after as-of".
    let bounds = Bounds {
        from: None,
        to: NaiveDate::MAX,
        as_of: NaiveDate::MAX,
    };
    let mut activity = crate::aggregate::Activity::new(bounds);
    let options = crate::settings::check_ingest_options(settings.skip_bad_rows);
    let ingested = ingest::ingest(&files, &settings.config, options, &mut activity)?;

    let mut out = String::new();
    let mut problems = Vec::new();
    let _ = writeln!(
        out,
        "clientfit check — {} {}",
        ingested.reports.len(),
        plural(ingested.reports.len() as u64, "file", "files")
    );
    if !collected.own_outputs.is_empty() {
        out.push('\n');
    }
    for skipped in &collected.own_outputs {
        let _ = writeln!(out, "warning: {}", safe::terminal(skipped));
    }
    let _ = writeln!(
        out,
        "config: {}",
        crate::safe::terminal(&settings.config.provenance())
    );
    for report in &ingested.reports {
        describe(&mut out, report, &settings.config);
        if let Some(err) = &report.error {
            problems.push(format!("{err}"));
        }
    }
    if !files.iter().any(|f| f.kind == Kind::Invoices) {
        problems.push("no invoices file: report needs one (a file with \"invoice\" in its name, or --invoices FILE)".into());
    }
    if let Some(err) = &ingested.error {
        problems.push(err.clone());
    }

    // Names in tickets and meetings that no invoice names.
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
        .filter(|r| matches!(r.kind, Some(Kind::Tickets | Kind::Meetings)))
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
    if !strays.is_empty() {
        let _ = writeln!(
            out,
            "\nnames in tickets or meetings that match no invoice client:"
        );
        let invoice_names: Vec<(&str, &str)> = invoiced
            .iter()
            .filter_map(|id| registry.clients().get(*id as usize))
            .map(|info| (info.key.as_str(), info.name.as_str()))
            .collect();
        for (key, (name, in_files)) in &strays {
            let files: Vec<&str> = in_files.iter().map(String::as_str).collect();
            let suggestion = match closest(key, &invoice_names) {
                Some(close) => format!(
                    " — did you mean {:?}? (add {:?} as an alias of it in clients.csv)",
                    safe::terminal(close),
                    safe::terminal(name)
                ),
                None => {
                    " — no invoice client is close; it will be listed with no revenue".to_string()
                }
            };
            let _ = writeln!(
                out,
                "  {:?} in {}{suggestion}",
                safe::terminal(name),
                files.join(", ")
            );
        }
    }
    let unmatched_tickets: u64 = kind_sum(&ingested.reports, Kind::Tickets, |r| r.unmatched);
    let unmatched_meetings: u64 = kind_sum(&ingested.reports, Kind::Meetings, |r| r.unmatched);
    if unmatched_tickets > 0 || unmatched_meetings > 0 {
        let _ = writeln!(
            out,
            "\nunmatched: {unmatched_tickets} {} and {unmatched_meetings} {} name no client and no email domain from clients.csv (map them with clients.csv aliases or domains):",
            plural(unmatched_tickets, "ticket", "tickets"),
            plural(unmatched_meetings, "meeting", "meetings"),
        );
        for report in &ingested.reports {
            for (line, named) in &report.unmatched_rows {
                let _ = writeln!(
                    out,
                    "  {}:{line}: {}",
                    safe::terminal(&report.path.display().to_string()),
                    safe::terminal(named)
                );
            }
            let listed = report.unmatched_rows.len() as u64;
            if report.unmatched > listed {
                let _ = writeln!(
                    out,
                    "  {}: {} more",
                    safe::terminal(&report.path.display().to_string()),
                    report.unmatched.saturating_sub(listed)
                );
            }
        }
    }
    for warning in ingested.warnings.iter().filter(|w| {
        w.contains("Windows-1252")
            || w.contains("shared a ticket id")
            || w.contains("time entries of")
            || w.contains("merged ticket(s)")
    }) {
        let _ = writeln!(out, "\nwarning: {}", safe::terminal_text(warning));
    }
    // What report will leave out or cannot know, file by file.
    for report in ingested
        .reports
        .iter()
        .filter(|r| r.kind == Some(Kind::Invoices) && r.error.is_none())
    {
        for note in ingest::invoice_notes(report, None) {
            let _ = writeln!(out, "\nwarning: {}", safe::terminal_text(&note));
        }
    }
    if !settings.config.rates.delivery_cost_known {
        let _ = writeln!(out, "\nnote: {}", crate::config::DELIVERY_COST_UNKNOWN);
    }
    if problems.is_empty() {
        let _ = writeln!(out, "\nOK: report can read these files.");
    } else {
        let _ = writeln!(
            out,
            "\n{} {}; report would stop at the first:",
            problems.len(),
            plural(problems.len() as u64, "problem", "problems")
        );
        for problem in &problems {
            let _ = writeln!(out, "  error: {}", problem.replace('\n', "\n  "));
        }
    }
    Ok(CheckOutcome {
        text: out,
        ok: problems.is_empty(),
    })
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

fn describe(out: &mut String, report: &FileReport, config: &Config) {
    let _ = writeln!(
        out,
        "\n{}",
        safe::terminal(&report.path.display().to_string())
    );
    let kind = report.kind.map_or("?", |k| k.name());
    if report.kind_from.is_empty() {
        let _ = writeln!(out, "  kind        {kind}");
    } else {
        let _ = writeln!(out, "  kind        {kind} (from {})", report.kind_from);
    }
    if report.encoding.is_empty() {
        // The file could not even be opened.
        if let Some(err) = &report.error {
            let _ = writeln!(
                out,
                "  error       {}",
                err.to_string().replace('\n', "\n              ")
            );
        }
        return;
    }
    let decimal = report
        .decimal
        .map(|d| format!(", decimal {:?}", d.char().to_string()))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "  text        {}, delimiter {}{decimal}, header on line {}{}",
        report.encoding,
        delimiter_name(report.delimiter),
        report.header_line,
        if report.preamble_rows > 0 {
            format!(
                " (after {} title {})",
                report.preamble_rows,
                plural(report.preamble_rows, "row", "rows")
            )
        } else {
            String::new()
        }
    );
    if report.in_memory {
        let _ = writeln!(
            out,
            "  read        once, into memory: not a regular file (at most {})",
            crate::ingest::source::bytes_name(crate::ingest::source::in_memory_limit(config))
        );
    }
    for note in &report.notes {
        let _ = writeln!(out, "  note        {}", safe::terminal(note));
    }
    if !report.mapping.is_empty() {
        let mapping: Vec<String> = report
            .mapping
            .iter()
            .map(|(field, column)| {
                if column.is_empty() {
                    format!("{field} off")
                } else {
                    format!("{field} ← {:?}", safe::terminal(column))
                }
            })
            .collect();
        let _ = writeln!(out, "  columns     {}", mapping.join(", "));
    }
    for (column, order, why) in &report.date_orders {
        let order = match order {
            crate::config::DateOrder::Dmy => "day/month/year",
            crate::config::DateOrder::Mdy => "month/day/year",
        };
        let _ = writeln!(
            out,
            "  dates       {:?} read as {order} ({why})",
            safe::terminal(column)
        );
    }
    let mut rows = format!("{} read", report.rows_read);
    if report.section_rows > 0 {
        rows.push_str(&format!(
            ", {} section/total {} skipped",
            report.section_rows,
            plural(report.section_rows, "row", "rows")
        ));
    }
    if !report.bad_rows.is_empty() {
        rows.push_str(&format!(
            ", {} bad {} skipped",
            report.bad_rows.len(),
            plural(report.bad_rows.len() as u64, "row", "rows")
        ));
    }
    if report.replaced > 0 {
        rows.push_str(&format!(", {} replaced by a later file", report.replaced));
    }
    if report.merged_rows > 0 {
        rows.push_str(&format!(
            ", {} sharing a ticket id merged into {} ticket(s)",
            report.merged_rows, report.merged_tickets
        ));
    }
    if report.unmatched > 0 {
        rows.push_str(&format!(", {} naming no client", report.unmatched));
    }
    let _ = writeln!(out, "  rows        {rows}");
    for (line, first) in &report.section_lines {
        let _ = writeln!(
            out,
            "              skipped: line {line}, section or total row {}",
            crate::error::quote(first)
        );
    }
    let unlisted = report
        .section_rows
        .saturating_sub(report.section_lines.len() as u64);
    if unlisted > 0 {
        let _ = writeln!(
            out,
            "              skipped: … and {unlisted} more section or total {}",
            plural(unlisted, "row", "rows")
        );
    }
    for bad in report.bad_rows.iter().take(10) {
        let _ = writeln!(
            out,
            "              skipped: {}",
            bad.to_string().lines().next().unwrap_or("")
        );
    }
    if let (Some(first), Some(last)) = (report.first_date, report.last_date) {
        let _ = writeln!(out, "  dates from  {first} to {last}");
    }
    if !report.currencies.is_empty() {
        let codes: Vec<&str> = report.currencies.iter().map(String::as_str).collect();
        let _ = writeln!(out, "  currencies  {}", codes.join(", "));
    }
    if report.kind == Some(Kind::Invoices) && report.rows_read > 0 {
        if !report.payment_columns {
            let _ = writeln!(
                out,
                "  payments    unknown: no paid date, paid amount, balance or status column (lateness and receivables leave these invoices out)"
            );
        }
        if report.discounts.percent_header {
            let _ = writeln!(
                out,
                "  discounts   percentages by their header: left out unless [invoices] discount is set"
            );
        } else if report.discounts.look_like_rates() {
            let _ = writeln!(
                out,
                "  discounts   all between 0 and 1: rates, not money? left out unless [invoices] discount is set"
            );
        }
    }
    if let Some(err) = &report.error {
        let _ = writeln!(
            out,
            "  error       {}",
            err.to_string().replace('\n', "\n              ")
        );
    }
}

/// `clientfit check`: read everything as `report` would and say what was
/// found; problems exit 1 after the whole account is printed.
pub(crate) fn command(
    args: &crate::cli::CheckArgs,
    stdout: &mut dyn std::io::Write,
) -> anyhow::Result<crate::error::Outcome> {
    let paths = args.input.paths();
    let settings = CheckSettings {
        config: args.input.config(&paths)?,
        explicit: args.input.explicit(),
        paths,
        skip_bad_rows: args.input.skip_bad_rows,
    };
    let outcome = run(&settings)?;
    // File names, headers and messages from the files.
    super::print(stdout, safe::message(&outcome.text).as_bytes(), "the check")?;
    if outcome.ok {
        Ok(crate::error::Outcome::Done)
    } else {
        Err(anyhow::anyhow!(
            "check found problems: report would stop (see above)"
        ))
    }
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
