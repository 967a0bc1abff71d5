//! clients.csv, the optional master list: display names, aliases, email
//! domains, owner, segment and the strategic guard.

use super::columns::{Kind, Resolver};
use super::identity::{MasterEntry, Registry};
use super::reader::{CsvFile, FileReport, Row};
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

pub fn read(
    file: &mut CsvFile,
    config: &Config,
    registry: &mut Registry,
    report: &mut FileReport,
) -> Result<(), InputError> {
    let resolver = Resolver {
        kind: Kind::Clients,
        path: &file.path,
        headers: &file.headers,
        mapping: &config.clients.columns,
        header_line: file.header_line,
    };
    resolver.check_mapping()?;
    let client = resolver.require("client")?.index;
    let aliases = resolver.index("aliases");
    let domains = resolver.index("domains");
    let segment = resolver.index("segment");
    let strategic = resolver.index("strategic");
    let owner = resolver.index("owner");
    report.mapping = resolver.mapping_report();

    let mut record = csv::StringRecord::new();
    while file.next(&mut record)? {
        report.rows_read += 1;
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
        registry
            .add_master(entry)
            .map_err(|problem| row.row_error(problem))?;
    }
    Ok(())
}
