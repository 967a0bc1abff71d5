//! Meeting files, streamed like tickets.

use rust_decimal::Decimal;

use super::columns::{Kind, Resolver};
use super::duration::DurationUnit;
use super::identity::Registry;
use super::reader::{CsvFile, FileReport, Row, RowBlock, count_row, keep, next_block};
use super::status;
use super::tickets::client_of;
use super::{FileContext, Sink};

use crate::error::InputError;
use crate::model::MeetingStatus;
use crate::model::{Meeting, Origin};

const STATUS_WORDS: &str = "attended, no-show, cancelled, rescheduled, scheduled";

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
    let resolver = Resolver::noting(Kind::Meetings, file, config, &mut report.notes)?;
    let client = resolver.index("client");
    let email = resolver.index("email");
    if client.is_none() && email.is_none() {
        return Err(resolver.missing(&["client", "email"]));
    }
    let date = resolver.require("date")?.index;
    let end = resolver.index("end");
    // Outlook and Google Calendar write the time of day in its own column.
    let times = Times {
        start: resolver.time_index("date"),
        end: resolver.time_index("end"),
    };
    let status_column = resolver.index("status");
    let canceled = resolver.index("canceled");
    let no_show = resolver.index("no_show");
    if status_column.is_none() && canceled.is_none() && no_show.is_none() {
        return Err(resolver.missing(&["status", "canceled", "no_show"]));
    }
    let columns = Columns {
        date,
        end,
        times,
        minutes: resolver.index("minutes"),
        attendees: resolver.index("attendees"),
        status: status_column,
        canceled,
        no_show,
    };
    report.mapping = resolver.mapping_report();
    let custom_status = status::custom_map(
        &config.meetings.status,
        "meetings",
        status::meeting_status,
        STATUS_WORDS,
    )
    .map_err(|err| InputError::file(&file.path, err.to_string()))?;
    let date_columns: Vec<usize> = [Some(date), end].into_iter().flatten().collect();
    file.settle_date_orders(&date_columns, config.date_order, report)?;
    let keys: Vec<usize> = [client, email, Some(date)].into_iter().flatten().collect();

    let mut statuses = status::Memo::default();
    let mut block = RowBlock::new();
    while next_block(file, &mut block, report, skip_bad_rows)? {
        registry.prefetch(block.ahead_cells(file, client));
        for record in block.records() {
            let row = Row::new(record, file);
            if row.is_section_or_total(&keys, &[date]) {
                report.skipped_section(&row);
                continue;
            }
            let parsed = parse_row(&row, columns, (&custom_status, &mut statuses));
            let Some((day, minutes, status, attendees)) = keep(parsed, report, skip_bad_rows)?
            else {
                continue;
            };
            let minutes = match minutes {
                Some(minutes) => minutes,
                None => {
                    count_row(&mut report.default_minutes_meetings);
                    config.default_meeting_minutes
                }
            };
            let named = client_of(&row, client, email, registry, None);
            report.saw_date(day);
            report.saw_client(named, row.line, || {
                super::reader::unmatched_naming(row.text(client), row.text(email))
            });
            let client = named;
            let meeting = Meeting {
                client,
                date: day,
                minutes,
                status,
                attendees,
                origin: Origin {
                    file: file_index,
                    line: row.line,
                },
            };
            sink.meeting(&meeting);
        }
    }
    Ok(())
}

/// Where a meeting's values are: the columns of the file's header that
/// `parse_row` reads.
#[derive(Clone, Copy)]
struct Columns {
    date: usize,
    end: Option<usize>,
    times: Times,
    minutes: Option<usize>,
    attendees: Option<usize>,
    status: Option<usize>,
    canceled: Option<usize>,
    no_show: Option<usize>,
}

/// The columns holding the times of day of start and end, when apart
/// from their dates.
#[derive(Clone, Copy)]
struct Times {
    start: Option<usize>,
    end: Option<usize>,
}

/// A date cell's day and time of day; the time from `time_column` when
/// the export writes it apart and the date cell has none.
fn moment(
    row: &Row,
    column: usize,
    time_column: Option<usize>,
) -> Result<Option<(chrono::NaiveDate, Option<chrono::NaiveTime>)>, InputError> {
    let Some((day, time)) = row.date_time(Some(column))? else {
        return Ok(None);
    };
    let time = match (time, time_column) {
        (None, Some(time_column)) => row.time_of_day(time_column)?,
        (time, _) => time,
    };
    Ok(Some((day, time)))
}

fn parse_row(
    row: &Row,
    columns: Columns,
    (custom_status, statuses): (&[(String, MeetingStatus)], &mut status::Memo<MeetingStatus>),
) -> Result<(chrono::NaiveDate, Option<Decimal>, MeetingStatus, u32), InputError> {
    let Columns {
        date,
        end,
        times,
        minutes,
        attendees,
        status: status_column,
        canceled,
        no_show,
    } = columns;
    let (day, start_time) = moment(row, date, times.start)?
        .ok_or_else(|| row.error(date, "is empty, but this column is required"))?;
    let status = match status_column {
        Some(column) => {
            let text = row.text(Some(column));
            statuses.lookup(custom_status, text, status::meeting_status).ok_or_else(|| {
                row.error(column, format!("is not a meeting status clientfit knows ({STATUS_WORDS}, and their usual spellings)"))
                    .hint(super::invoices::status_hint(
                        "meetings",
                        text,
                        status::likely_meeting_status(text),
                        STATUS_WORDS,
                    ))
            })?
        }
        None => {
            let flag = |column: Option<usize>| -> Result<bool, InputError> {
                let Some(column) = column else {
                    return Ok(false);
                };
                status::boolean(row.text(Some(column)))
                    .ok_or_else(|| row.error(column, "is not true or false"))
            };
            // Neither flag: it took place (meetings after as-of are
            // ignored later, so a future one never counts as attended).
            if flag(canceled)? {
                MeetingStatus::Cancelled
            } else if flag(no_show)? {
                MeetingStatus::NoShow
            } else {
                MeetingStatus::Attended
            }
        }
    };
    let minutes = match row.minutes(minutes, DurationUnit::Minutes)? {
        Some(minutes) => Some(minutes),
        None => match (
            start_time,
            end.map(|column| (column, moment(row, column, times.end))),
        ) {
            // A duration from start and end times, when both have one.
            (Some(start), Some((column, Ok(Some((end_day, Some(end_time))))))) => {
                let start = day.and_time(start);
                let finish = end_day.and_time(end_time);
                if finish < start {
                    return Err(row.error(column, "is before the meeting's start"));
                }
                let minutes = finish.signed_duration_since(start).num_minutes();
                if minutes > 24 * 60 {
                    return Err(row.error(column, "is more than a day after the meeting's start"));
                }
                Some(Decimal::from(minutes))
            }
            (_, Some((_, Err(err)))) => return Err(err),
            // Nothing says how long: the caller counts the default in.
            _ => None,
        },
    };
    let attendees = match attendees {
        Some(column) => {
            parse_attendees(row.text(Some(column))).map_err(|problem| row.error(column, problem))?
        }
        None => 1,
    };
    Ok((day, minutes, status, attendees))
}

/// A count (`3`), or a list of names or emails separated by `;` or `,`
/// (counted); blank is 1.
pub(crate) fn parse_attendees(text: &str) -> Result<u32, &'static str> {
    let text = super::reader::trim(text);
    // The usual cell: a small count.
    if let Some(count) = super::words::small_whole(text.as_bytes())
        && count <= 100_000
    {
        return Ok(count);
    }
    if text.is_empty() {
        return Ok(1);
    }
    if text.starts_with('-') && text[1..].trim().bytes().all(|b| b.is_ascii_digit()) {
        return Err("is a negative number of attendees");
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse::<u32>()
            .ok()
            .filter(|count| *count <= 100_000)
            .ok_or("is too many attendees");
    }
    if could_be_a_number(text) && text.parse::<Decimal>().is_ok() {
        return Err("is not a whole number of attendees");
    }
    Ok(text
        .split([';', ','])
        .filter(|name| !name.trim().is_empty())
        .count()
        .max(1) as u32)
}

/// Whether every byte of `text` is one a number can be written with
/// (digits, point, sign, `_` and the `e` of `1e3`): a list of names has
/// others, and is not tried as a number (which, for names with an `e`,
/// tries scientific notation too, at the cost of an error message made
/// and dropped on every row).
fn could_be_a_number(text: &str) -> bool {
    text.bytes()
        .all(|byte| matches!(byte, b'0'..=b'9' | b'.' | b'_' | b'+' | b'-' | b'e' | b'E'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attendees_as_counts_or_lists() {
        assert_eq!(parse_attendees(""), Ok(1));
        assert_eq!(parse_attendees("3"), Ok(3));
        assert_eq!(parse_attendees("0"), Ok(0));
        assert_eq!(parse_attendees("dana@us.com; lee@us.com"), Ok(2));
        assert_eq!(parse_attendees("Dana, Lee, Kim"), Ok(3));
        assert!(parse_attendees("-2").is_err());
        assert!(parse_attendees("2.5").is_err());
        // Names with an `e` are names, scientific notation a number.
        assert_eq!(parse_attendees("Ana Silva; Jon Berg; Hugo Martin"), Ok(3));
        assert_eq!(parse_attendees("Lee"), Ok(1));
        assert_eq!(
            parse_attendees("1e3"),
            Err("is not a whole number of attendees")
        );
        assert_eq!(
            parse_attendees("+2.0"),
            Err("is not a whole number of attendees")
        );
    }

    proptest::proptest! {
        /// Text that is not tried as a number is never one.
        #[test]
        fn text_not_tried_as_a_number_is_none(
            text in "[0-9eE._+ a-z;,-]{0,10}",
        ) {
            if !could_be_a_number(&text) {
                proptest::prop_assert!(text.parse::<Decimal>().is_err());
            }
        }
    }
}
