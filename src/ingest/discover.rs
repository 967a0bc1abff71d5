//! Which files to read and what kind each is.
//!
//! A directory contributes its `*.csv` files (not recursive, in name order)
//! and its `clientfit.toml`. An entry named `*.csv` that is not a regular
//! file that can be read (a dangling symlink, a symlink loop, a directory,
//! a pipe, a device) is an error naming it: skipping it would leave its
//! rows out of every figure without a word. A file's kind comes from an explicit flag, else
//! its name (`invoice`, `ticket`, `meeting`, `time`/`hours`/`worklog`,
//! `client`), else its header row.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::columns::{Headers, Kind, satisfies};
use super::reader::{CsvFile, is_stdin};
use crate::config::{CONFIG_FILE_NAME, Config};
use crate::error::{InputError, UsageError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    pub path: PathBuf,
    pub kind: Kind,
    /// How the kind was decided: "flag", "file name" or "header".
    pub kind_from: &'static str,
}

/// Files given with `--invoices F` and friends.
#[derive(Debug, Clone, Default)]
pub struct ExplicitFiles {
    pub(crate) files: Vec<(Kind, PathBuf)>,
}

/// Collect the CSV files and config files named by `paths`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Collected {
    /// Files whose kind is still to be decided, in order.
    pub(crate) files: Vec<PathBuf>,
    /// `clientfit.toml` files found in the directories given.
    pub(crate) configs: Vec<PathBuf>,
    /// Files left out because clientfit wrote them (a report saved into
    /// the data folder), each with the warning that says so.
    pub(crate) own_outputs: Vec<String>,
}

pub(crate) fn collect(paths: &[PathBuf]) -> anyhow::Result<Collected> {
    let mut collected = Collected::default();
    for path in paths {
        if is_stdin(path) {
            return Err(UsageError(
                "`-` (standard input) needs a kind: use --invoices -, --tickets -, --meetings -, --time - or --clients -"
                    .into(),
            )
            .into());
        }
        let metadata = std::fs::metadata(path)
            .map_err(|err| InputError::file(path, format!("cannot be read: {err}")))?;
        if metadata.is_dir() {
            let mut found: Vec<PathBuf> = Vec::new();
            for entry in std::fs::read_dir(path)
                .map_err(|err| InputError::file(path, format!("cannot be listed: {err}")))?
            {
                let entry = entry
                    .map_err(|err| InputError::file(path, format!("cannot be listed: {err}")))?;
                let entry = entry.path();
                if entry
                    .extension()
                    .is_some_and(|ext| ext.eq_ignore_ascii_case("csv"))
                {
                    check_entry(&entry)?;
                    found.push(entry);
                }
            }
            found.sort();
            collected.files.extend(found);
            let config = path.join(CONFIG_FILE_NAME);
            if config.is_file() {
                collected.configs.push(config);
            }
        } else {
            collected.files.push(path.clone());
        }
    }
    // A report saved among the exports (`-o exports/report.csv`) is no
    // export: reading it would stop every later run, or count its figures
    // as data. Files named with --invoices and friends are read as asked.
    let mut exports = Vec::with_capacity(collected.files.len());
    for path in std::mem::take(&mut collected.files) {
        match own_output(&path) {
            Some(what) => collected.own_outputs.push(format!(
                "{}: skipped: it is clientfit's own {what}, not an export (keep outputs outside the data folder)",
                path.display()
            )),
            None => exports.push(path),
        }
    }
    collected.files = exports;
    Ok(collected)
}

/// The first columns of `report --format csv`, whatever columns later
/// versions add after them.
const REPORT_CSV_START: [&str; 9] = [
    "rank",
    "client",
    "key",
    "owner",
    "segment",
    "strategic",
    "verdict",
    "flags",
    "guard",
];

/// Which of clientfit's outputs the file at `path` is, if it is one: the
/// report or receivables CSV by their header rows, or another format saved
/// under a `.csv` name by how clientfit begins it. Anything unreadable is
/// left for the reader to report.
pub(crate) fn own_output(path: &Path) -> Option<&'static str> {
    use std::io::Read as _;
    // A pipe or device can be read once only: its bytes are for the reader.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let mut start = Vec::with_capacity(4096);
    std::fs::File::open(path)
        .ok()?
        .take(4096)
        .read_to_end(&mut start)
        .ok()?;
    own_output_from(&start)
}

/// `own_output` on the file's first bytes.
fn own_output_from(start: &[u8]) -> Option<&'static str> {
    let text = String::from_utf8_lossy(start);
    let text = text.trim_start_matches('\u{feff}');
    let first_line = text.lines().next().unwrap_or("").trim_end_matches('\r');
    let fields: Vec<&str> = first_line.split(',').collect();
    if fields.starts_with(&REPORT_CSV_START) && fields.contains(&"reasons") {
        return Some("report (CSV)");
    }
    if fields.starts_with(&["client", "key", "outstanding"])
        && fields.contains(&"oldest_overdue_invoice")
        && fields.contains(&"collection_effectiveness")
    {
        return Some("receivables view (CSV)");
    }
    let head: String = text.chars().take(600).collect();
    if head.starts_with('{') && head.contains("\"tool\": \"clientfit\"") {
        return Some("JSON output");
    }
    if head.starts_with("<!DOCTYPE html>") && head.contains("<title>clientfit") {
        return Some("HTML report");
    }
    if first_line.starts_with("## clientfit ") {
        return Some("markdown output");
    }
    if [
        "clientfit — ",
        "clientfit receivables — ",
        "clientfit diff — ",
    ]
    .iter()
    .any(|start| first_line.starts_with(start))
    {
        return Some("table output");
    }
    None
}

/// An entry of a data directory named like a CSV file: it must be a
/// regular file (through any symlinks) that can be opened.
fn check_entry(entry: &Path) -> Result<(), InputError> {
    let hint = "move it out of the directory (or name the files to read one by one)";
    let metadata = std::fs::metadata(entry).map_err(|err| {
        let link = std::fs::symlink_metadata(entry).is_ok_and(|m| m.file_type().is_symlink());
        let what = if link {
            "is a symlink that leads to no file"
        } else {
            "cannot be read"
        };
        InputError::file(entry, format!("{what}: {err}")).hint(hint)
    })?;
    if metadata.is_dir() {
        return Err(InputError::file(entry, "is a directory, not a CSV file").hint(hint));
    }
    if !metadata.is_file() {
        return Err(InputError::file(
            entry,
            format!(
                "is {}, not a regular CSV file",
                special_file_name(&metadata)
            ),
        )
        .hint(hint));
    }
    std::fs::File::open(entry)
        .map(drop)
        .map_err(|err| InputError::file(entry, format!("cannot be opened: {err}")).hint(hint))
}

/// What a file that is neither a regular file nor a directory is.
fn special_file_name(metadata: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        if kind.is_fifo() {
            return "a named pipe";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    let _ = metadata;
    "a special file"
}

/// The kind a file name announces, if exactly one. Time entries go by
/// whole words (`Toggl_time_entries`, `timesheet-2026`, `hours`,
/// `worklogs`), as `time` is inside too many other names
/// (`overtime_invoices`, `response_times`, `timestamps`).
pub(crate) fn kind_from_name(path: &Path) -> Option<Kind> {
    let name = path.file_name()?.to_string_lossy().to_lowercase();
    let mut named: Vec<Kind> = [
        (Kind::Invoices, "invoice"),
        (Kind::Tickets, "ticket"),
        (Kind::Meetings, "meeting"),
    ]
    .into_iter()
    .filter(|(_, word)| name.contains(word))
    .map(|(kind, _)| kind)
    .collect();
    if names_time(&name) {
        named.push(Kind::Time);
    }
    match named.as_slice() {
        [kind] => Some(*kind),
        [] if name.contains("client") => Some(Kind::Clients),
        _ => None,
    }
}

/// Whether a (lower-case) file name has a word that says time entries.
fn names_time(name: &str) -> bool {
    name.split(|c: char| !c.is_alphanumeric())
        .map(|word| word.trim_matches(|c: char| c.is_ascii_digit()))
        .any(|word| {
            matches!(word, "time" | "hours" | "timelog" | "timelogs")
                || word.starts_with("timesheet")
                || word.starts_with("worklog")
                || word.starts_with("timeentr")
        })
}

pub(crate) fn mapping_for(config: &Config, kind: Kind) -> &BTreeMap<String, String> {
    match kind {
        Kind::Invoices => &config.invoices.columns,
        Kind::Tickets => &config.tickets.columns,
        Kind::Meetings => &config.meetings.columns,
        Kind::Clients => &config.clients.columns,
        Kind::Time => &config.time.columns,
    }
}

/// The kind a header row proves, if exactly one.
pub(crate) fn kind_from_headers(headers: &Headers, config: &Config) -> Vec<Kind> {
    Kind::ALL
        .into_iter()
        .filter(|kind| satisfies(*kind, headers, mapping_for(config, *kind)))
        .collect()
}

/// The kinds a header fits, without `clients` when a timesheet fits too.
/// A clients list needs only a client column and one more (a project or
/// a category), which a time tracker's export has beside its dates and
/// durations (Kimai: `Customer`, `Project`, `Category`); a dated duration
/// on every row is no master list.
fn prefer_events(mut kinds: Vec<Kind>) -> Vec<Kind> {
    if kinds.contains(&Kind::Time) {
        kinds.retain(|kind| *kind != Kind::Clients);
    }
    kinds
}

/// A file whose name says time entries but whose columns are those of
/// invoices, tickets or meetings (`zoom_hours.csv` of meetings with
/// their attendees and outcomes) is refused, not read as a timesheet:
/// its name is a weaker sign than its header.
fn time_by_name(path: &Path, config: &Config) -> anyhow::Result<()> {
    let source = super::source::Source::open(
        path,
        config.encoding,
        config.delimiter_byte()?,
        super::source::in_memory_limit(config),
    )?;
    let Ok(file) = CsvFile::open(&source, config.decimal, |headers| {
        !kind_from_headers(headers, config).is_empty()
    }) else {
        // Reading the file says what is wrong with it.
        return Ok(());
    };
    let others: Vec<&str> = kind_from_headers(&file.headers, config)
        .into_iter()
        .filter(|kind| matches!(kind, Kind::Invoices | Kind::Tickets | Kind::Meetings))
        .map(Kind::name)
        .collect();
    if others.is_empty() {
        return Ok(());
    }
    let flags: Vec<String> = others.iter().map(|kind| format!("--{kind}")).collect();
    Err(InputError::file(
        path,
        format!(
            "its name says time entries, but its columns are those of {}",
            others.join(" or ")
        ),
    )
    .at(file.header_line)
    .hint(format!(
        "name the kind with --time FILE or {} FILE, or rename the file",
        flags.join(" / ")
    ))
    .into())
}

/// Decide every file's kind; explicit files first in their order, then the
/// collected ones. A file named twice is read once.
pub(crate) fn classify(
    collected: &Collected,
    explicit: &ExplicitFiles,
    config: &Config,
) -> anyhow::Result<Vec<InputFile>> {
    let mut files: Vec<InputFile> = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut remember = |path: &Path| -> bool {
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if seen.contains(&canonical) {
            false
        } else {
            seen.push(canonical);
            true
        }
    };
    if explicit
        .files
        .iter()
        .filter(|(_, path)| is_stdin(path))
        .count()
        > 1
    {
        return Err(UsageError(
            "standard input can be read once: give `-` to one of --invoices, --tickets, --meetings, --time or --clients"
                .into(),
        )
        .into());
    }
    for (kind, path) in &explicit.files {
        if is_stdin(path) || remember(path) {
            files.push(InputFile {
                path: path.clone(),
                kind: *kind,
                kind_from: "flag",
            });
        }
    }
    for path in &collected.files {
        if !remember(path) {
            continue;
        }
        let (kind, kind_from) = match kind_from_name(path) {
            Some(Kind::Time) => {
                time_by_name(path, config)?;
                (Kind::Time, "file name")
            }
            Some(kind) => (kind, "file name"),
            None => {
                let source = super::source::Source::open(
                    path,
                    config.encoding,
                    config.delimiter_byte()?,
                    super::source::in_memory_limit(config),
                )?;
                let file = CsvFile::open(&source, config.decimal, |headers| {
                    !kind_from_headers(headers, config).is_empty()
                })?;
                match prefer_events(kind_from_headers(&file.headers, config)).as_slice() {
                    [kind] => (*kind, "header"),
                    [] => {
                        return Err(InputError::file(
                            path,
                            "is not recognisably invoices, tickets, meetings, time entries or clients: its name says no kind and its columns match none",
                        )
                        .at(file.header_line)
                        .hint("name the kind with --invoices/--tickets/--meetings/--time/--clients FILE, or put the kind in the file name (e.g. invoices-2026.csv, timesheet-2026.csv)")
                        .into());
                    }
                    several => {
                        let names: Vec<&str> = several.iter().map(|k| k.name()).collect();
                        return Err(InputError::file(
                            path,
                            format!("could be any of {}: its columns fit each", names.join(", ")),
                        )
                        .hint("name the kind with --invoices/--tickets/--meetings/--time/--clients FILE, or put the kind in the file name")
                        .into());
                    }
                }
            }
        };
        files.push(InputFile {
            path: path.clone(),
            kind,
            kind_from,
        });
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each of clientfit's outputs, rendered from a real report, is known
    /// for what it is; exports that look a little like them are not.
    #[test]
    fn own_outputs_are_known_by_how_they_begin() {
        let report_csv = crate::render::csv::HEADERS.join(",") + "\n1,Acme,acme\n";
        assert_eq!(own_output_from(report_csv.as_bytes()), Some("report (CSV)"));
        let with_bom = format!("\u{feff}{report_csv}");
        assert_eq!(own_output_from(with_bom.as_bytes()), Some("report (CSV)"));
        let receivables = "client,key,outstanding,current,d1_30,d31_60,d61_90,d90_plus,overdue,oldest_overdue_invoice,oldest_overdue_days,dso,best_possible_dso,average_days_delinquent,opening_ar,credit_sales,collection_effectiveness,invoices_due,late_invoices,late_share,avg_days_late\r\n";
        assert_eq!(
            own_output_from(receivables.as_bytes()),
            Some("receivables view (CSV)")
        );
        assert_eq!(
            own_output_from(b"{\n  \"tool\": \"clientfit\",\n  \"version\": \"0.1.0\""),
            Some("JSON output")
        );
        assert_eq!(
            own_output_from(b"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>clientfit \xe2\x80\x94 2025-11-01 to 2026-10-31</title>"),
            Some("HTML report")
        );
        assert_eq!(
            own_output_from(
                "## clientfit — 2025-11-01 to 2026-10-31 (as of 2026-10-31)\n".as_bytes()
            ),
            Some("markdown output")
        );
        assert_eq!(
            own_output_from(
                "clientfit — 2025-11-01 to 2026-10-31 (as of 2026-10-31, 365 days)\n".as_bytes()
            ),
            Some("table output")
        );
        // Exports, however close.
        for export in [
            "client,issued,amount\nAcme,2026-10-01,100\n",
            "rank,client,key,owner,segment,strategic,verdict\n",
            "client,key,outstanding\nAcme,acme,10\n",
            "{\"tool\": \"stripe\"}",
            "",
        ] {
            assert_eq!(own_output_from(export.as_bytes()), None, "{export:?}");
        }
    }

    #[test]
    fn names_announce_kinds() {
        assert_eq!(
            kind_from_name(Path::new("data/Invoices-2026.csv")),
            Some(Kind::Invoices)
        );
        assert_eq!(
            kind_from_name(Path::new("zendesk_tickets.csv")),
            Some(Kind::Tickets)
        );
        assert_eq!(
            kind_from_name(Path::new("calendly_meetings.csv")),
            Some(Kind::Meetings)
        );
        assert_eq!(
            kind_from_name(Path::new("clients.csv")),
            Some(Kind::Clients)
        );
        // "client" loses to a more specific word.
        assert_eq!(
            kind_from_name(Path::new("client_invoices.csv")),
            Some(Kind::Invoices)
        );
        // Two specific words: the header has to decide.
        assert_eq!(kind_from_name(Path::new("invoice_tickets.csv")), None);
        assert_eq!(kind_from_name(Path::new("export.csv")), None);
    }

    #[test]
    fn time_entries_are_named_by_whole_words() {
        for name in [
            "Toggl_time_entries_2026-01-01_to_2026-03-31.csv",
            "Clockify_Time_Report_Detailed_01_01_2026-03_31_2026.csv",
            "harvest_time_report_from2026-01-01to2026-03-31.csv",
            "timesheet-2026.csv",
            "Timesheets.csv",
            "tempo-worklogs.csv",
            "client_hours.csv",
            "hours2026.csv",
        ] {
            assert_eq!(kind_from_name(Path::new(name)), Some(Kind::Time), "{name}");
        }
        // `time` inside another word names no timesheet.
        assert_eq!(
            kind_from_name(Path::new("overtime_invoices.csv")),
            Some(Kind::Invoices)
        );
        for name in ["response_times.csv", "timestamps.csv", "runtime.csv"] {
            assert_eq!(kind_from_name(Path::new(name)), None, "{name}");
        }
    }

    #[test]
    fn a_timesheet_header_is_no_clients_list() {
        // Kimai's export: a customer, a project and a category (which a
        // clients list would take) beside a date and a duration.
        let kimai = vec![Kind::Clients, Kind::Time];
        assert_eq!(prefer_events(kimai), vec![Kind::Time]);
        // Without a timesheet's fields, a clients list stays one.
        assert_eq!(prefer_events(vec![Kind::Clients]), vec![Kind::Clients]);
        let both = vec![Kind::Invoices, Kind::Clients];
        assert_eq!(prefer_events(both.clone()), both);
    }
}
