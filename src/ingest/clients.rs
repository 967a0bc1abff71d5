//! clients.csv, the optional master list: display names, aliases, email
//! domains, owner, segment, the strategic guard and the projects a
//! timesheet may name instead of the client.

use super::columns::{Kind, Resolver};
use super::identity::{MasterEntry, Registry};
use super::reader::{CsvFile, FileReport, Row, count_row};
use super::status;
use crate::config::Config;
use crate::error::InputError;

fn list(text: &str) -> Vec<String> {
    text.split([';', '|'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect()
}

pub(crate) fn read(
    file: &mut CsvFile,
    config: &Config,
    registry: &mut Registry,
    report: &mut FileReport,
) -> Result<(), InputError> {
    let resolver = Resolver::noting(Kind::Clients, file, config, &mut report.notes)?;
    let client = resolver.require("client")?.index;
    let aliases = resolver.index("aliases");
    let domains = resolver.index("domains");
    let segment = resolver.index("segment");
    let strategic = resolver.index("strategic");
    let owner = resolver.index("owner");
    let projects = resolver.index("projects");
    report.mapping = resolver.mapping_report();

    // Where each client was first listed, to name both lines of a clash.
    let mut first_line: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    let mut record = super::scan::Record::new();
    while file.next(&mut record)? {
        count_row(&mut report.rows_read);
        let row = Row::new(&record, file);
        let name = row.text(Some(client));
        if name.is_empty() {
            return Err(row.error(
                client,
                "is empty: every row of clients.csv needs a client name",
            ));
        }
        let strategic = match strategic {
            Some(column) => status::boolean(row.text(Some(column))).ok_or_else(|| {
                row.error(column, "is not a yes/no value (true/false, yes/no, 1/0)")
            })?,
            None => false,
        };
        let optional = |column: Option<usize>| {
            let text = row.text(column);
            (!text.is_empty()).then(|| text.to_string())
        };
        let entry = MasterEntry {
            name: name.to_string(),
            aliases: list(row.text(aliases)),
            domains: list(row.text(domains)),
            strategic,
            owner: optional(owner),
            segment: optional(segment),
        };
        let key = registry.key(name);
        if let Some(line) = first_line.get(&key) {
            return Err(row
                .row_error(format!(
                    "client {} is the same client as the one on line {line} (both match as {})",
                    crate::error::quote(name),
                    crate::error::quote(&key)
                ))
                .hint("keep one row: merge the two, and list the other spelling under aliases"));
        }
        first_line.insert(key, row.line);
        let id = registry
            .add_master(entry)
            .map_err(|problem| {
                let clash = problem.contains(" is the same client as ");
                let error = row.row_error(problem);
                if clash {
                    error.hint("list each client once: merge the two rows (other spellings go under aliases), or, if one file is no clients list, move it out of the folder")
                } else {
                    error
                }
            })?;
        registry.note_master_place(id, &file.path, row.line);
        for project in list(row.text(projects)) {
            registry.add_project(&project, id).map_err(|problem| {
                row.row_error(problem)
                    .hint("a project belongs to one client: list it on one row")
            })?;
        }
        report.clients.insert(id.0);
    }
    Ok(())
}
