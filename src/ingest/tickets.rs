//! Ticket files, streamed: each row becomes a `Ticket` handed to the sink
//! and is then forgotten, so memory does not grow with ticket rows.

use super::columns::{Kind, Resolver, normalize_header};
use super::duration::DurationUnit;
use super::identity::Registry;
use super::reader::{CsvFile, FileReport, Row, RowBlock, count_row, keep, next_block, trim};
use super::{FileContext, Sink};
use crate::config::Markers;
use crate::error::InputError;
use crate::model::ClientId;
use crate::model::{Origin, Ticket};
use std::hash::BuildHasher;

const SCOPE_CHANGE: u8 = 1;
const ABUSE: u8 = 2;
const ESCALATION: u8 = 4;

/// Markers normalised once (lower-case, trimmed), in one table from marker
/// to the kinds it marks: a ticket's tags are looked up once each, not
/// compared with every marker of every kind.
pub(crate) struct MarkerSet {
    /// Keyed by the marker's UTF-8 bytes, so that a tag lower-cased on the
    /// stack is looked up without being checked as UTF-8 again.
    marks: hashbrown::HashMap<Vec<u8>, u8>,
}

impl MarkerSet {
    pub(crate) fn new(markers: &Markers) -> MarkerSet {
        let mut marks: hashbrown::HashMap<Vec<u8>, u8> = hashbrown::HashMap::new();
        for (list, mark) in [
            (&markers.scope_change, SCOPE_CHANGE),
            (&markers.abuse, ABUSE),
            (&markers.escalation, ESCALATION),
        ] {
            for marker in list {
                let marker = marker.trim().to_lowercase();
                if !marker.is_empty() {
                    *marks.entry(marker.into_bytes()).or_default() |= mark;
                }
            }
        }
        MarkerSet { marks }
    }

    /// What `text`, trimmed and in any case, marks (0: nothing). ASCII text
    /// is lower-cased on the stack, as nearly every tag is.
    fn marks(&self, text: &str) -> u8 {
        const SHORT: usize = 64;
        let text = trim(text);
        if text.is_empty() || self.marks.is_empty() {
            return 0;
        }
        if text.is_ascii() && text.len() <= SHORT {
            let mut buffer = [0u8; SHORT];
            let lower = buffer.get_mut(..text.len()).unwrap_or_default();
            for (to, from) in lower.iter_mut().zip(text.bytes()) {
                *to = from.to_ascii_lowercase();
            }
            return self.marks.get(&*lower).copied().unwrap_or(0);
        }
        self.marks
            .get(text.to_lowercase().as_bytes())
            .copied()
            .unwrap_or(0)
    }

    /// What the whole tags of these cells mark. Tags are the pieces between
    /// `,` or `;`, and the words of each piece (Zendesk separates tags with
    /// spaces).
    fn tag_marks(&self, cells: &[&str]) -> u8 {
        let mut marks = 0;
        for cell in cells.iter().filter(|cell| !cell.is_empty()) {
            for piece in cell.split([',', ';']) {
                let piece = trim(piece);
                marks |= self.marks(piece);
                if piece.contains(char::is_whitespace) {
                    for word in piece.split_whitespace() {
                        marks |= self.marks(word);
                    }
                }
            }
        }
        marks
    }
}

/// Judge a ticket's type, tag cells and priority against the markers:
/// (scope change, abusive, escalation).
#[cfg(test)]
pub(crate) fn classify(
    markers: &MarkerSet,
    kind: &str,
    tag_cells: &[&str],
    priority: &str,
) -> (bool, bool, bool) {
    classify_with(
        markers,
        markers.marks(kind),
        tag_cells,
        markers.marks(priority),
    )
}

#[cfg(test)]
fn classify_with(
    markers: &MarkerSet,
    kind_marks: u8,
    tag_cells: &[&str],
    priority_marks: u8,
) -> (bool, bool, bool) {
    classify_marks(kind_marks, markers.tag_marks(tag_cells), priority_marks)
}

/// (scope change, abusive, escalation) from what the type, the tags and the
/// priority mark.
fn classify_marks(kind_marks: u8, tags: u8, priority_marks: u8) -> (bool, bool, bool) {
    let scope_change = (tags | kind_marks) & SCOPE_CHANGE != 0;
    let abusive = tags & ABUSE != 0;
    let escalation = (tags | priority_marks) & ESCALATION != 0;
    (scope_change, abusive, escalation)
}

/// Marks remembered per cell text, for the type and priority columns.
type MarksMemo = super::memo::TextMemo<u8, 16>;

/// Marks remembered per cell text for a tag column, whose lists of tags
/// come in thousands of combinations.
type TagsMemo = super::memo::TextTable<u8, 4096>;

/// A ticket's or meeting's client: the client cell, else the email's domain
/// through clients.csv `domains`; `None` when neither names one.
pub(crate) fn client_of(
    row: &Row,
    client: Option<usize>,
    email: Option<usize>,
    registry: &mut Registry,
    newest_first: Option<u32>,
) -> Option<ClientId> {
    let name = row.text(client);
    let id = match newest_first {
        _ if name.is_empty() => None,
        Some(file) => registry.resolve_at(name, (file, row.line)),
        None => registry.resolve(name),
    };
    if id.is_some() {
        return id;
    }
    let email = row.text(email);
    if email.is_empty() {
        None
    } else {
        registry.by_email(email)
    }
}

/// Ticket ids already read from later files (several ticket files are
/// read newest first, so a newer copy of a ticket wins), and what is done
/// with ids repeated within one file.
#[derive(Default)]
pub(crate) struct SeenTickets {
    pub(crate) ids: std::collections::HashSet<String>,
    pub(crate) active: bool,
    pub(crate) repeats: Repeats,
    /// Hashes (file, id) for `repeats`; the same for every thread.
    pub(crate) hasher: hashbrown::DefaultHashBuilder,
}

/// Rows that share a ticket id within one file are one ticket (an event
/// log, a re-export, or time entries). Whether an id repeats is known only
/// at the end, and tickets stream into the sink as they are read, so the
/// first pass streams every row and keeps a hash of each (file, id); only
/// if two are equal are the ticket files read again, holding back the rows
/// with those hashes and merging them at the end of their file. A hash
/// collision costs the second pass, never a wrong figure: rows are merged
/// only when their ids are equal.
#[derive(Default)]
pub(crate) enum Repeats {
    /// Ids are not looked at.
    #[default]
    Off,
    /// Every row streams; the hashes of their (file, id) are kept.
    Collect(super::repeats::SeenIds),
    /// Rows with these hashes are merged; `lines`: their minutes added up
    /// (`[tickets] lines = true`).
    Merge {
        repeated: hashbrown::HashSet<u64>,
        lines: bool,
    },
}

impl SeenTickets {
    /// For a first pass: keep the id hashes.
    pub(crate) fn collecting(hasher: hashbrown::DefaultHashBuilder) -> SeenTickets {
        SeenTickets {
            repeats: Repeats::Collect(super::repeats::SeenIds::new(hasher.clone(), true)),
            hasher,
            ..SeenTickets::default()
        }
    }

    /// The id hashes kept by a first pass.
    pub(crate) fn take_ids(&mut self) -> super::repeats::SeenIds {
        match std::mem::take(&mut self.repeats) {
            Repeats::Collect(ids) => ids,
            _ => super::repeats::SeenIds::new(self.hasher.clone(), true),
        }
    }
}

/// The tickets of one file whose rows are being merged, in the order
/// their ids first came.
#[derive(Default)]
struct Merging {
    by_id: hashbrown::HashMap<String, usize>,
    held: Vec<Held>,
}

/// One ticket made of several rows so far.
struct Held {
    ticket: Ticket,
    /// The last minutes given (or with `lines`, their sum); `None` while
    /// every row left them blank.
    minutes: Option<rust_decimal::Decimal>,
    rows: u64,
    /// An earlier row named another client than a later one.
    client_changed: bool,
    /// What the last row named instead of a known client, while no row
    /// names one (for the unmatched warning's locations).
    unmatched_naming: Option<String>,
}

/// What one row says about its ticket.
struct RowTicket {
    ticket: Ticket,
    minutes: Option<rust_decimal::Decimal>,
    /// What the row named instead of a known client, when it named none.
    unmatched_naming: Option<String>,
}

impl Merging {
    /// Take in one row. The last row carries the ticket's state: its client
    /// (the last that names one), minutes (the last given), and what its
    /// type, tags and priority mark; the created date is the earliest of
    /// the rows. With `lines` the rows are time entries: minutes add up
    /// and a mark on any row marks the ticket.
    fn add(&mut self, id: &str, row: RowTicket, lines: bool) -> Result<(), ()> {
        let RowTicket {
            ticket,
            minutes,
            unmatched_naming,
        } = row;
        let Some(held) = self
            .by_id
            .get(id)
            .copied()
            .and_then(|index| self.held.get_mut(index))
        else {
            self.by_id.insert(id.to_string(), self.held.len());
            self.held.push(Held {
                ticket,
                minutes,
                rows: 1,
                client_changed: false,
                unmatched_naming,
            });
            return Ok(());
        };
        held.rows = held.rows.saturating_add(1);
        if unmatched_naming.is_some() {
            held.unmatched_naming = unmatched_naming;
        }
        let merged = &mut held.ticket;
        merged.created = merged.created.min(ticket.created);
        if let Some(client) = ticket.client {
            held.client_changed |= merged.client.is_some_and(|before| before != client);
            merged.client = Some(client);
        }
        merged.origin = ticket.origin;
        if lines {
            held.minutes = match (held.minutes, minutes) {
                (Some(sum), Some(more)) => Some(sum.checked_add(more).ok_or(())?),
                (sum, more) => sum.or(more),
            };
            merged.scope_change |= ticket.scope_change;
            merged.abusive |= ticket.abusive;
            merged.escalation |= ticket.escalation;
        } else {
            if minutes.is_some() {
                held.minutes = minutes;
            }
            merged.scope_change = ticket.scope_change;
            merged.abusive = ticket.abusive;
            merged.escalation = ticket.escalation;
        }
        Ok(())
    }

    /// Hand every merged ticket to the sink, counting the merges.
    fn finish(
        self,
        default_minutes: rust_decimal::Decimal,
        report: &mut FileReport,
        sink: &mut dyn Sink,
    ) {
        for held in self.held {
            let mut ticket = held.ticket;
            ticket.minutes = held.minutes.unwrap_or(default_minutes);
            if held.rows > 1 {
                count_rows(&mut report.merged_rows, held.rows);
                count_row(&mut report.merged_tickets);
                if held.client_changed {
                    count_row(&mut report.merged_client_changes);
                }
            }
            let naming = held.unmatched_naming;
            report.saw_client(ticket.client, ticket.origin.line, || {
                naming.unwrap_or_default()
            });
            sink.ticket(&ticket);
        }
    }
}

/// `count_row`, by several.
fn count_rows(total: &mut u64, rows: u64) {
    *total = total.saturating_add(rows);
}

pub(crate) fn read(
    file: &mut CsvFile,
    context: FileContext<'_>,
    markers: &MarkerSet,
    registry: &mut Registry,
    sink: &mut dyn Sink,
    seen: &mut SeenTickets,
    report: &mut FileReport,
) -> Result<(), InputError> {
    let FileContext {
        index: file_index,
        config,
        skip_bad_rows,
        ..
    } = context;
    let resolver = Resolver::noting(Kind::Tickets, file, config, &mut report.notes)?;
    let client = resolver.index("client");
    let email = resolver.index("email");
    if client.is_none() && email.is_none() {
        return Err(resolver.missing(&["client", "email"]));
    }
    let created = resolver.require("created")?.index;
    let ticket_id = resolver.index("ticket_id");
    let ticket_id_header = ticket_id
        .and_then(|index| file.headers.raw.get(index))
        .cloned()
        .unwrap_or_default();
    let minutes = resolver.find("minutes");
    let unit = match &minutes {
        Some(found) if is_seconds_column(&found.matched, &file.headers.raw) => {
            DurationUnit::Seconds
        }
        _ => DurationUnit::Minutes,
    };
    let minutes = minutes.map(|found| found.index);
    let kind = resolver.index("type");
    let tag_columns: Vec<usize> = resolver
        .find("tags")
        .map(|found| file.headers.positions(&found.header))
        .unwrap_or_default();
    let priority = resolver.index("priority");
    report.mapping = resolver.mapping_report();
    file.settle_date_orders(&[created], config.date_order, report)?;
    let keys: Vec<usize> = [client, email, Some(created)]
        .into_iter()
        .flatten()
        .collect();

    // A totals row has neither; a ticket row has at least its date.
    let anchors: Vec<usize> = [Some(created), ticket_id].into_iter().flatten().collect();
    let mut ids_here = Vec::new();
    let mut merging = Merging::default();
    let (mut kind_memo, mut priority_memo) = (MarksMemo::default(), MarksMemo::default());
    let mut tags_memo = TagsMemo::default();
    let mut block = RowBlock::new();
    while next_block(file, &mut block, report, skip_bad_rows)? {
        registry.prefetch(block.ahead_cells(file, client));
        for record in block.records() {
            let row = Row::new(record, file);
            if row.is_section_or_total(&keys, &anchors) {
                report.skipped_section(&row);
                continue;
            }
            let id = row.text(ticket_id);
            if seen.active && !id.is_empty() {
                if seen.ids.contains(id) {
                    count_row(&mut report.replaced);
                    continue;
                }
                ids_here.push(id.to_string());
            }
            let parsed =
                (|| -> Result<(chrono::NaiveDate, Option<rust_decimal::Decimal>), InputError> {
                    let created = row.required_date(created)?;
                    let minutes = row.minutes(minutes, unit)?;
                    Ok((created, minutes))
                })();
            let Some((created, minutes)) = keep(parsed, report, skip_bad_rows)? else {
                continue;
            };
            let kind_marks = kind_memo.get(row.text(kind), |text| markers.marks(text));
            let priority_marks = priority_memo.get(row.text(priority), |text| markers.marks(text));
            // One tag column is the usual case, and needs no vector.
            let tag_marks = match tag_columns.as_slice() {
                [one] => tags_memo.get(row.text(Some(*one)), |text| markers.tag_marks(&[text])),
                many => {
                    let cells: Vec<&str> = many.iter().map(|c| row.text(Some(*c))).collect();
                    markers.tag_marks(&cells)
                }
            };
            let (scope_change, abusive, escalation) =
                classify_marks(kind_marks, tag_marks, priority_marks);
            let newest_first = seen.active.then_some(file_index);
            let named = client_of(&row, client, email, registry, newest_first);
            report.saw_date(created);
            let unmatched_naming =
                || super::reader::unmatched_naming(row.text(client), row.text(email));
            let held = !id.is_empty()
                && match &mut seen.repeats {
                    Repeats::Off => false,
                    Repeats::Collect(ids) => {
                        // Only the rows kept: a row replaced by a later
                        // file's copy is no repeat.
                        ids.push(file_index, id.as_bytes());
                        false
                    }
                    Repeats::Merge { repeated, .. } => {
                        repeated.contains(&seen.hasher.hash_one((file_index, id.as_bytes())))
                    }
                };
            let mut ticket = Ticket {
                client: named,
                created,
                minutes: config.default_ticket_minutes,
                scope_change,
                abusive,
                escalation,
                origin: Origin {
                    file: file_index,
                    line: row.line,
                },
            };
            if held {
                let lines = matches!(seen.repeats, Repeats::Merge { lines: true, .. });
                merging
                    .add(
                        id,
                        RowTicket {
                            ticket,
                            minutes,
                            unmatched_naming: named.is_none().then(unmatched_naming),
                        },
                        lines,
                    )
                    .map_err(|()| {
                        InputError::file(
                            &file.path,
                            "adds up to more minutes than clientfit can hold",
                        )
                        .at(row.line)
                        .value(id)
                        .column(ticket_id_header.clone())
                    })?;
                continue;
            }
            if let Some(minutes) = minutes {
                ticket.minutes = minutes;
            }
            report.saw_client(named, row.line, unmatched_naming);
            sink.ticket(&ticket);
        }
    }
    merging.finish(config.default_ticket_minutes, report, sink);
    seen.ids.extend(ids_here);
    Ok(())
}

/// A time column counts seconds when its header says so (`Total time spent
/// (sec)`), or when it is Jira's `Time Spent`, which Jira exports in seconds.
pub(super) fn is_seconds_column(matched: &str, headers: &[String]) -> bool {
    if matched.contains("sec") {
        return true;
    }
    let is_jira = headers.iter().any(|h| normalize_header(h) == "issuekey");
    is_jira && matched == "timespent"
}

#[cfg(test)]
mod tests;
