//! Ticket files, streamed: each row becomes a `Ticket` handed to the sink
//! and is then forgotten, so memory does not grow with ticket rows.

use super::Sink;
use super::columns::{Kind, Resolver, normalize_header};
use super::duration::DurationUnit;
use super::identity::{ClientId, Registry};
use super::reader::{CsvFile, FileReport, Row, RowBlock, count_row, keep, next_block, trim};
use super::records::{Origin, Ticket};
use crate::config::{Config, Markers};
use crate::error::InputError;

const SCOPE_CHANGE: u8 = 1;
const ABUSE: u8 = 2;
const ESCALATION: u8 = 4;

/// Markers normalised once (lower-case, trimmed), in one table from marker
/// to the kinds it marks: a ticket's tags are looked up once each, not
/// compared with every marker of every kind.
pub struct MarkerSet {
    /// Keyed by the marker's UTF-8 bytes, so that a tag lower-cased on the
    /// stack is looked up without being checked as UTF-8 again.
    marks: hashbrown::HashMap<Vec<u8>, u8>,
}

impl MarkerSet {
    pub fn new(markers: &Markers) -> MarkerSet {
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
pub fn classify(
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

/// Marks remembered per cell text, for the type, priority and tag columns.
type MarksMemo = super::memo::TextMemo<u8, 16>;

/// A ticket's or meeting's client: the client cell, else the email's domain
/// through clients.csv `domains`; `None` when neither names one.
pub fn client_of(
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
/// read newest first, so a newer copy of a ticket wins).
#[derive(Debug, Default)]
pub struct SeenTickets {
    pub ids: std::collections::HashSet<String>,
    pub active: bool,
}

#[allow(clippy::too_many_arguments)]
pub fn read(
    file: &mut CsvFile,
    file_index: u32,
    config: &Config,
    markers: &MarkerSet,
    registry: &mut Registry,
    sink: &mut dyn Sink,
    seen: &mut SeenTickets,
    report: &mut FileReport,
    skip_bad_rows: bool,
) -> Result<(), InputError> {
    let resolver = Resolver::new(Kind::Tickets, file, config)?;
    report
        .notes
        .extend(resolver.resolution.notes.iter().cloned());
    let client = resolver.index("client");
    let email = resolver.index("email");
    if client.is_none() && email.is_none() {
        return Err(resolver.missing(&["client", "email"]));
    }
    let created = resolver.require("created")?.index;
    let ticket_id = resolver.index("ticket_id");
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
    let (mut kind_memo, mut priority_memo) = (MarksMemo::default(), MarksMemo::default());
    let mut tags_memo = MarksMemo::default();
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
            let parsed = (|| -> Result<(chrono::NaiveDate, rust_decimal::Decimal), InputError> {
                let created = row.required_date(created)?;
                let minutes = row
                    .minutes(minutes, unit)?
                    .unwrap_or(config.default_ticket_minutes);
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
            report.saw_client(named, row.line, || {
                super::reader::unmatched_naming(row.text(client), row.text(email))
            });
            let client = named;
            let ticket = Ticket {
                client,
                created,
                minutes,
                scope_change,
                abusive,
                escalation,
                origin: Origin {
                    file: file_index,
                    line: row.line,
                },
            };
            sink.ticket(&ticket);
        }
    }
    seen.ids.extend(ids_here);
    Ok(())
}

/// A time column counts seconds when its header says so (`Total time spent
/// (sec)`), or when it is Jira's `Time Spent`, which Jira exports in seconds.
fn is_seconds_column(matched: &str, headers: &[String]) -> bool {
    if matched.contains("sec") {
        return true;
    }
    let is_jira = headers.iter().any(|h| normalize_header(h) == "issuekey");
    is_jira && matched == "timespent"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_marks_are_the_marks() {
        let markers = MarkerSet::new(&Markers::default());
        // A column of few values (remembered), then one of free text (more
        // than the memo holds, so it stops searching): always the same
        // marks as judging each text afresh.
        // Texts that share their first sixteen bytes, or differ only
        // after them or in their length, are told apart.
        let few = [
            "Change request",
            "Incident",
            "",
            "change-request",
            "abuse",
            "abuse\0",
            // 16 bytes, then the same length after them: one marks
            // abuse (a word of it is a marker), the other nothing.
            "Ticket follow-up; abuse",
            "Ticket follow-up: amuse",
        ];
        let free: Vec<String> = (0..5000)
            .map(|n| format!("note {n}; scope change"))
            .collect();
        let mut memo = MarksMemo::default();
        for round in 0..3 {
            for text in few.iter().copied().chain(free.iter().map(String::as_str)) {
                assert_eq!(
                    memo.get(text, |text| markers.tag_marks(&[text])),
                    markers.tag_marks(&[text]),
                    "{text:?}, round {round}"
                );
            }
        }
        assert!(memo.gave_up(), "the memo gave up on free text");
        assert_ne!(
            markers.tag_marks(&["note 1; scope change"]),
            0,
            "the free text marks something"
        );
    }

    fn tags(cell: &str) -> [&str; 1] {
        [cell]
    }

    #[test]
    fn markers_match_whole_tags_only() {
        let markers = MarkerSet::new(&Markers::default());
        assert_eq!(
            classify(&markers, "", &tags("escalated billing"), ""),
            (false, false, true)
        );
        assert_eq!(
            classify(&markers, "", &tags("abusive threat"), ""),
            (false, true, false)
        );
        // Several tag columns, any case, accents lower-cased too.
        let zendesk = MarkerSet::new(&Markers {
            abuse: vec!["Grosero".into(), "ÜBEL".into()],
            ..Markers::default()
        });
        assert_eq!(
            classify(&zendesk, "", &["billing", "vip; GROSERO"], ""),
            (false, true, false)
        );
        assert_eq!(
            classify(&zendesk, "", &["sehr übel"], ""),
            (false, true, false)
        );
        assert_eq!(
            classify(&markers, "Change Request", &[], ""),
            (true, false, false)
        );
        assert_eq!(
            classify(&markers, "", &tags("ui; Scope Change"), ""),
            (true, false, false)
        );
        assert_eq!(
            classify(&markers, "", &tags("change_request"), ""),
            (true, false, false)
        );
        assert_eq!(
            classify(&markers, "", &[], "Executive"),
            (false, false, true)
        );
        // Part of a tag is not the tag.
        assert_eq!(
            classify(&markers, "", &tags("non-abusive, escalated-later"), ""),
            (false, false, false)
        );
    }

    #[test]
    fn seconds_columns() {
        assert!(is_seconds_column("totaltimespentsec", &[]));
        assert!(!is_seconds_column("timespent", &["Time spent".into()]));
        assert!(is_seconds_column(
            "timespent",
            &["Issue key".into(), "Time Spent".into()]
        ));
    }
}
