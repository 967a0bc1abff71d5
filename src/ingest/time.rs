//! Timesheets (time entries), streamed like meetings: one row is one
//! entry, handed to the sink with its texts borrowed from the row.
//!
//! A duration is read exactly, in minutes. A bare number is read in the
//! unit its header names (`Hours`, `Duration (decimal)`, `Time (min)`,
//! `Seconds`), else in `[time] duration_unit`, else refused: `1.5` could
//! be hours or minutes. Clock (`1:30`) and unit (`1h 30m`) forms are
//! always clear. Without a duration column, the entry lasts from its start
//! time to its end time.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::columns::{Kind, Resolver, normalize_header};
use super::duration::DurationUnit;
use super::identity::Registry;
use super::reader::{CsvFile, FileReport, Row, RowBlock, keep, next_block};
use super::{FileContext, Sink};

use crate::config::{Config, DurationUnitSetting};
use crate::error::InputError;
use crate::model::{Billable, ClientId, Origin, RowMoney, TimeEntry, name_key};

/// Where an entry's values are.
#[derive(Clone, Copy)]
struct Columns {
    client: Option<usize>,
    project: Option<usize>,
    date: usize,
    /// The time of day of the start, when the export writes it apart.
    start: Option<usize>,
    end: Option<usize>,
    duration: Option<usize>,
    unit: DurationUnit,
    person: Option<usize>,
    first_name: Option<usize>,
    last_name: Option<usize>,
    role: Option<usize>,
    task: Option<usize>,
    billable: Option<usize>,
    /// A blank billable cell means "no": the column holds ticks (`1`,
    /// `x`) and blanks, as Kimai writes it (a warning counts them).
    ticks: bool,
    billable_hours: Option<usize>,
    cost_rate: Option<usize>,
    cost_amount: Option<usize>,
    bill_rate: Option<usize>,
    bill_amount: Option<usize>,
    currency: Option<usize>,
}

/// The unit a bare number in the duration column counts, from its header
/// (`Hours`, `Duration (h)`, `Duration (decimal)`, `Time (min)`, `Time
/// spent (sec)`), else from the config; Jira writes `Time Spent` in
/// seconds.
pub(crate) fn duration_unit(
    header: &str,
    headers: &[String],
    setting: Option<DurationUnitSetting>,
) -> DurationUnit {
    let lower = header.to_lowercase();
    let normalized = normalize_header(header);
    if lower.contains("hour")
        || lower.contains("(h)")
        || lower.contains("decimal")
        || lower.contains("[h]")
        || normalized.ends_with("hrs")
    {
        return DurationUnit::Hours;
    }
    // As for a ticket's time spent: `(sec)`, or Jira's `Time Spent`.
    if super::tickets::is_seconds_column(&normalized, headers) {
        return DurationUnit::Seconds;
    }
    if lower.contains("min") {
        return DurationUnit::Minutes;
    }
    match setting {
        Some(DurationUnitSetting::Hours) => DurationUnit::Hours,
        Some(DurationUnitSetting::Minutes) => DurationUnit::Minutes,
        Some(DurationUnitSetting::Seconds) => DurationUnit::Seconds,
        None => DurationUnit::Unstated,
    }
}

/// `[time.projects]`, looked up by project written any way round.
pub(crate) struct Projects(HashMap<String, String>);

impl Projects {
    pub(crate) fn new(config: &Config) -> Projects {
        Projects(
            config
                .time
                .projects
                .iter()
                .map(|(project, client)| (name_key(project), client.clone()))
                .collect(),
        )
    }

    fn client_of(&self, project: &str) -> Option<&str> {
        if self.0.is_empty() || project.is_empty() {
            return None;
        }
        self.0.get(&name_key(project)).map(String::as_str)
    }
}

pub(crate) fn read(
    file: &mut CsvFile,
    context: FileContext<'_>,
    registry: &mut Registry,
    sink: &mut dyn Sink,
    report: &mut FileReport,
) -> Result<(), InputError> {
    let FileContext {
        index: file_index,
        config,
        skip_bad_rows,
        ..
    } = context;
    let resolver = Resolver::noting(Kind::Time, file, config, &mut report.notes)?;
    let client = resolver.index("client");
    let project = resolver.index("project");
    if client.is_none() && project.is_none() {
        return Err(resolver.missing(&["client", "project"]));
    }
    if client.is_none() && config.time.projects.is_empty() && !registry.has_projects() {
        let found = resolver.require("project")?;
        return Err(InputError::file(
            &file.path,
            format!(
                "names no client, only projects (column {}), and [time.projects] maps none to a client",
                crate::error::quote(&found.header)
            ),
        )
        .hint("map each project to its client in clientfit.toml ([time.projects] \"Website relaunch\" = \"Acme Inc\") or in a projects column of clients.csv, or map the client column under [time.columns]"));
    }
    let date = resolver.require("date")?.index;
    let duration = resolver.find("hours");
    let end = resolver.index("end_time");
    let start = resolver
        .index("start_time")
        .or_else(|| resolver.time_index("date"));
    if duration.is_none() && (end.is_none() || start.is_none()) {
        return Err(resolver.missing(&["hours"]).hint(
            "a timesheet needs a duration column, or the start and end times of each entry",
        ));
    }
    let billable = resolver.index("billable");
    let ticks = match billable {
        Some(column) => holds_ticks(file, column)?,
        None => false,
    };
    let unit = duration.as_ref().map_or(DurationUnit::Unstated, |found| {
        duration_unit(&found.header, &file.headers.raw, config.time.duration_unit)
    });
    let columns = Columns {
        client,
        project,
        date,
        start,
        end,
        duration: duration.map(|found| found.index),
        unit,
        person: resolver.index("person"),
        first_name: resolver.index("first_name"),
        last_name: resolver.index("last_name"),
        role: resolver.index("role"),
        task: resolver.index("task"),
        billable,
        ticks,
        billable_hours: resolver.index("billable_hours"),
        cost_rate: resolver.index("cost_rate"),
        cost_amount: resolver.index("cost_amount"),
        bill_rate: resolver.index("bill_rate"),
        bill_amount: resolver.index("bill_amount"),
        currency: resolver.index("currency"),
    };
    report.mapping = resolver.mapping_report();
    check_header_currencies(file, &columns, config, report)?;
    file.settle_date_orders(&[date], config.date_order, report)?;
    let projects = Projects::new(config);
    let keys: Vec<usize> = [client, project, Some(date)]
        .into_iter()
        .flatten()
        .collect();
    let anchors: Vec<usize> = [Some(date), columns.duration]
        .into_iter()
        .flatten()
        .collect();
    // A person written in two columns (Harvest: First Name, Last Name).
    let mut full_name = String::new();
    let mut block = RowBlock::new();
    while next_block(file, &mut block, report, skip_bad_rows)? {
        registry.prefetch(block.ahead_cells(file, client));
        for record in block.records() {
            let row = Row::new(record, file);
            if row.is_section_or_total(&keys, &anchors) {
                report.skipped_section(&row);
                continue;
            }
            let parsed = parse_row(&row, &columns, config);
            let Some(mut parsed) = keep(parsed, report, skip_bad_rows)? else {
                continue;
            };
            if columns.currency.is_some() {
                note_currency(report, currency_code(row.text(columns.currency)));
            }
            // Harvest writes a cost of 0 when cost rates are not in use:
            // not a free hour, but no cost given.
            if matches!(parsed.cost, RowMoney::Rate(zero) | RowMoney::Amount(zero) if zero.is_zero())
                && !parsed.minutes.is_zero()
            {
                parsed.cost = RowMoney::Unstated;
                super::reader::count_row(&mut report.zero_cost_entries);
            }
            if columns.ticks && row.text(columns.billable).trim().is_empty() {
                super::reader::count_row(&mut report.blank_billable_entries);
            }
            let named = entry_client(&row, &columns, &projects, registry);
            report.saw_date(parsed.date);
            report.saw_client(named, row.line, || {
                let project = row.text(project);
                if project.is_empty() {
                    "no client and no project".to_string()
                } else {
                    format!("project {project:?}, which no [time.projects] or clients.csv projects names")
                }
            });
            let person = person_of(&row, &columns, &mut full_name);
            let entry = TimeEntry {
                client: named,
                date: parsed.date,
                minutes: parsed.minutes,
                person,
                role: row.text(columns.role),
                task: row.text(columns.task),
                billable: parsed.billable,
                cost: parsed.cost,
                bill: parsed.bill,
                origin: Origin {
                    file: file_index,
                    line: row.line,
                },
            };
            sink.time_entry(&entry);
        }
    }
    Ok(())
}

/// Who made an entry: the person column, else first and last name joined
/// in `full_name` (Harvest), else no one.
fn person_of<'a>(row: &Row<'a>, columns: &Columns, full_name: &'a mut String) -> &'a str {
    match (columns.person, columns.first_name, columns.last_name) {
        (Some(column), _, _) => row.text(Some(column)),
        (None, None, None) => "",
        (None, first, last) => {
            full_name.clear();
            for part in [row.text(first), row.text(last)] {
                if !part.is_empty() {
                    if !full_name.is_empty() {
                        full_name.push(' ');
                    }
                    full_name.push_str(part);
                }
            }
            full_name.as_str()
        }
    }
}

/// Whether a billable column holds ticks (`1`, `x`) and blanks,
/// as Kimai writes it, rather than a yes or a no in every row: then a
/// blank is "no". Judged on the first rows, as loose aliases are.
fn holds_ticks(file: &CsvFile, column: usize) -> Result<bool, InputError> {
    let values = file
        .sample_values(&[column], 200, 50)?
        .pop()
        .unwrap_or_default();
    Ok(!values.is_empty()
        && values
            .iter()
            .all(|value| matches!(super::status::normalize(value).as_str(), "1" | "x")))
}

/// The client an entry is for: its client cell, else its project's
/// client in `[time.projects]`, else in clients.csv `projects`.
fn entry_client(
    row: &Row,
    columns: &Columns,
    projects: &Projects,
    registry: &mut Registry,
) -> Option<ClientId> {
    let name = row.text(columns.client);
    if !name.is_empty() {
        return registry.resolve(name);
    }
    let project = row.text(columns.project);
    match projects.client_of(project) {
        Some(client) => registry.resolve(client),
        None if project.is_empty() => None,
        None => registry.by_project(project),
    }
}

/// An entry's values, apart from its texts.
struct Parsed {
    date: chrono::NaiveDate,
    minutes: Decimal,
    billable: Billable,
    cost: RowMoney,
    bill: RowMoney,
}

/// The longest one entry may last: a day.
const DAY_MINUTES: i64 = 24 * 60;

fn parse_row(row: &Row, columns: &Columns, config: &Config) -> Result<Parsed, InputError> {
    let (date, start_time) = match row.date_time(Some(columns.date))? {
        Some((day, time)) => (day, time),
        None => {
            return Err(row.error(columns.date, "is empty, but this column is required"));
        }
    };
    let minutes = match row.minutes(columns.duration, columns.unit) {
        Ok(Some(minutes)) => minutes,
        Ok(None) => duration_from_times(row, columns, date, start_time)?,
        Err(err) => match decimal_comma_duration(row, columns) {
            Some(result) => result?,
            None => return Err(err),
        },
    };
    let billable = billable(row, columns, minutes)?;
    if let Some(column) = columns.currency {
        check_currency(row, column, config)?;
    }
    let cost = row_money(row, columns.cost_amount, columns.cost_rate)?;
    let bill = row_money(row, columns.bill_amount, columns.bill_rate)?;
    Ok(Parsed {
        date,
        minutes,
        billable,
        cost,
        bill,
    })
}

/// Whether an entry is billable: its billable cell, else how many of its
/// hours were billed (Tempo), else unknown.
fn billable(row: &Row, columns: &Columns, minutes: Decimal) -> Result<Billable, InputError> {
    if let Some(column) = columns.billable {
        let text = row.text(Some(column));
        if text.trim().is_empty() {
            if columns.ticks {
                return Ok(Billable::No);
            }
            return Err(row
                .error(column, "is empty: is this entry billable?")
                .hint("write yes or no in every row of the billable column"));
        }
        return match super::status::boolean(text) {
            Some(true) => Ok(Billable::Yes),
            Some(false) => Ok(Billable::No),
            None => Err(row.error(column, "is not yes or no (billable or not)")),
        };
    }
    let Some(column) = columns.billable_hours else {
        return Ok(Billable::Unknown);
    };
    let billed = match row.minutes(Some(column), DurationUnit::Hours)? {
        Some(billed) => billed,
        None => return Ok(Billable::No),
    };
    if billed > minutes {
        return Err(row
            .error(column, "is more hours billed than the entry lasted")
            .hint("billed hours must be between 0 and the entry's hours"));
    }
    Ok(if billed.is_zero() {
        Billable::No
    } else if billed == minutes {
        Billable::Yes
    } else {
        Billable::Part(billed)
    })
}

/// `1,5` hours in a file whose decimal separator is a comma.
fn decimal_comma_duration(row: &Row, columns: &Columns) -> Option<Result<Decimal, InputError>> {
    if row.file.decimal != crate::config::DecimalSeparator::Comma {
        return None;
    }
    let column = columns.duration?;
    let text = super::reader::trim(row.text(Some(column)));
    if text.bytes().filter(|b| *b == b',').count() != 1 || text.contains('.') {
        return None;
    }
    let dotted = text.replace(',', ".");
    Some(
        super::duration::parse_minutes(&dotted, columns.unit)
            .map_err(|problem| row.error(column, problem.message())),
    )
}

/// An entry's length from its start and end. A cell with a date says the
/// day; a bare time of day is on the entry's day, and an end without a day
/// that comes before the start is past midnight. An end dated before the
/// start, or more than a day after it, is an error.
fn duration_from_times(
    row: &Row,
    columns: &Columns,
    date: chrono::NaiveDate,
    start_time: Option<chrono::NaiveTime>,
) -> Result<Decimal, InputError> {
    let (Some(start_column), Some(end_column)) = (columns.start, columns.end) else {
        let column = columns.duration.unwrap_or(columns.date);
        return Err(row.error(column, "is empty: how long was this entry?"));
    };
    let empty = |column: usize| row.error(column, "is empty: how long was this entry?");
    // A moment of a cell: its own day when it has one.
    let moment =
        |column: usize| -> Result<(Option<chrono::NaiveDate>, chrono::NaiveTime), InputError> {
            if let Ok(Some((day, Some(time)))) = row.date_time(Some(column)) {
                return Ok((Some(day), time));
            }
            let time = row.time_of_day(column)?.ok_or_else(|| empty(column))?;
            Ok((None, time))
        };
    // The date cell's own time of day, else the start column's moment.
    let (start_day, start_time) = match start_time {
        Some(time) => (None, time),
        None => moment(start_column)?,
    };
    let start = start_day.unwrap_or(date).and_time(start_time);
    let (end_day, end_time) = moment(end_column)?;
    let mut end = end_day.unwrap_or_else(|| start.date()).and_time(end_time);
    if end < start {
        if end_day.is_some() {
            return Err(row.error(end_column, "is before the entry's start"));
        }
        end = end
            .checked_add_signed(chrono::TimeDelta::days(1))
            .ok_or_else(|| row.error(end_column, "is not a time of day clientfit can place"))?;
    }
    let seconds = end.signed_duration_since(start).num_seconds();
    if seconds > DAY_MINUTES.saturating_mul(60) {
        return Err(row.error(end_column, "is more than a day after the entry's start"));
    }
    Decimal::from(seconds)
        .checked_div(Decimal::from(60))
        .ok_or_else(|| row.error(end_column, "is not a time clientfit can subtract"))
}

/// A row's own money: an amount for the whole entry wins over a rate.
fn row_money(
    row: &Row,
    amount: Option<usize>,
    rate: Option<usize>,
) -> Result<RowMoney, InputError> {
    for (column, make) in [
        (amount, RowMoney::Amount as fn(Decimal) -> RowMoney),
        (rate, RowMoney::Rate),
    ] {
        if let Some(money) = row.money(column)? {
            if money.amount < Decimal::ZERO {
                let column = column.unwrap_or_default();
                return Err(row.error(column, "is negative: a cost or rate of time cannot be"));
            }
            return Ok(make(money.amount));
        }
    }
    Ok(RowMoney::Unstated)
}

/// Note a currency the timesheet's money is in, once: without a base
/// currency in the config, it is checked against the invoices' when they
/// are read (`ingest::check_time_currencies`).
fn note_currency(report: &mut FileReport, code: &str) {
    if !code.is_empty()
        && !report
            .currencies
            .iter()
            .any(|c| c.eq_ignore_ascii_case(code))
    {
        report.currencies.insert(code.to_ascii_uppercase());
    }
}

/// Money headers that name a currency (`Billable Rate (EUR)`) must name
/// the base one, when the config sets it; the codes are noted either way.
fn check_header_currencies(
    file: &CsvFile,
    columns: &Columns,
    config: &Config,
    report: &mut FileReport,
) -> Result<(), InputError> {
    for column in [
        columns.cost_rate,
        columns.cost_amount,
        columns.bill_rate,
        columns.bill_amount,
    ]
    .into_iter()
    .flatten()
    {
        let header = file.headers.raw.get(column).map_or("", String::as_str);
        let Some((_, code)) = super::columns::currency_suffix(header) else {
            continue;
        };
        note_currency(report, code);
        if let Some(base) = &config.currency
            && !code.is_empty()
            && !code.eq_ignore_ascii_case(base)
        {
            return Err(InputError::file(
                &file.path,
                format!(
                    "column {} is in {code}, not the base currency {base}",
                    crate::error::quote(header)
                ),
            )
            .hint("timesheet costs and rates are read in the base currency: export the timesheet in it, or convert its rates before reading"));
        }
    }
    Ok(())
}

/// The code in a currency cell: Harvest writes "United States Dollar -
/// USD", others "USD"; empty for a blank cell.
fn currency_code(text: &str) -> &str {
    let text = super::reader::trim(text);
    text.rsplit([' ', '-']).next().unwrap_or(text)
}

/// Money in a timesheet is taken in the base currency: a currency column
/// naming another is refused rather than read as if it were the same.
fn check_currency(row: &Row, column: usize, config: &Config) -> Result<(), InputError> {
    let Some(base) = &config.currency else {
        return Ok(());
    };
    let code = currency_code(row.text(Some(column)));
    if code.is_empty() || code.eq_ignore_ascii_case(base) {
        return Ok(());
    }
    Err(row
        .error(column, format!("is not the base currency {base}"))
        .hint("timesheet costs and rates are read in the base currency: export the timesheet in it, or convert its rates before reading"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_says_the_unit() {
        let none: &[String] = &[];
        assert_eq!(duration_unit("Hours", none, None), DurationUnit::Hours);
        assert_eq!(
            duration_unit("Duration (decimal)", none, None),
            DurationUnit::Hours
        );
        assert_eq!(
            duration_unit("Duration (h)", none, None),
            DurationUnit::Hours
        );
        assert_eq!(
            duration_unit("Time (min)", none, None),
            DurationUnit::Minutes
        );
        assert_eq!(
            duration_unit("Duration (seconds)", none, None),
            DurationUnit::Seconds
        );
        // A header that does not say: the config, else refused.
        assert_eq!(
            duration_unit("Duration", none, None),
            DurationUnit::Unstated
        );
        assert_eq!(
            duration_unit("Duration", none, Some(DurationUnitSetting::Minutes)),
            DurationUnit::Minutes
        );
        let jira = ["Issue key".to_string(), "Time Spent".to_string()];
        assert_eq!(
            duration_unit("Time Spent", &jira, None),
            DurationUnit::Seconds
        );
    }

    #[test]
    fn bare_numbers_in_an_unstated_unit_are_refused() {
        use super::super::duration::{DurationProblem, parse_minutes};
        assert_eq!(
            parse_minutes("1.5", DurationUnit::Unstated),
            Err(DurationProblem::UnitUnstated)
        );
        // Clock and unit forms are clear whatever the header.
        assert_eq!(
            parse_minutes("1:30", DurationUnit::Unstated),
            Ok(Decimal::from(90))
        );
        assert_eq!(
            parse_minutes("1h 30m", DurationUnit::Unstated),
            Ok(Decimal::from(90))
        );
        // 1.25 hours = 75 minutes.
        assert_eq!(
            parse_minutes("1.25", DurationUnit::Hours),
            Ok(Decimal::new(7500, 2))
        );
    }
}
