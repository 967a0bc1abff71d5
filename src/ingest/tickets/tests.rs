//! Unit tests of `tickets`.

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

fn row(client: u32, day: u32, minutes: Option<i64>, escalation: bool, line: u64) -> RowTicket {
    RowTicket {
        ticket: Ticket {
            client: Some(ClientId(client)),
            created: chrono::NaiveDate::from_ymd_opt(2026, 10, day).unwrap(),
            minutes: rust_decimal::Decimal::ZERO,
            scope_change: false,
            abusive: false,
            escalation,
            origin: Origin { file: 0, line },
        },
        minutes: minutes.map(rust_decimal::Decimal::from),
        unmatched_naming: None,
    }
}

/// Merge rows (all of one id) and return the ticket and its count.
fn merged(rows: Vec<RowTicket>, lines: bool) -> (Ticket, FileReport) {
    let mut merging = Merging::default();
    for one in rows {
        merging.add("T-1", one, lines).unwrap();
    }
    let mut report = FileReport::default();
    let mut sink = Kept(Vec::new());
    merging.finish(rust_decimal::Decimal::from(20), &mut report, &mut sink);
    assert_eq!(sink.0.len(), 1);
    (sink.0.remove(0), report)
}

struct Kept(Vec<Ticket>);

impl Sink for Kept {
    fn ticket(&mut self, ticket: &Ticket) {
        self.0.push(ticket.clone());
    }
    fn meeting(&mut self, _: &crate::model::Meeting) {}
    fn forget_tickets(&mut self) {}
}

#[test]
fn updates_take_the_last_state_and_the_earliest_date() {
    // Rows in file order: escalated with 25 min on 10-05, then 40 min
    // dated 10-02 by client 2, then blank minutes (the 40 stays).
    let (ticket, report) = merged(
        vec![
            row(1, 5, Some(25), true, 2),
            row(2, 2, Some(40), false, 3),
            row(2, 7, None, false, 4),
        ],
        false,
    );
    assert_eq!(ticket.minutes, rust_decimal::Decimal::from(40));
    assert!(!ticket.escalation);
    assert_eq!(ticket.client, Some(ClientId(2)));
    assert_eq!(ticket.created.to_string(), "2026-10-02");
    assert_eq!(ticket.origin.line, 4);
    assert_eq!(
        (
            report.merged_rows,
            report.merged_tickets,
            report.merged_client_changes
        ),
        (3, 1, 1)
    );
}

#[test]
fn time_entries_add_up_and_any_mark_counts() {
    // 25 + 40 + blank = 65; escalated on the first entry only.
    let (ticket, report) = merged(
        vec![
            row(1, 5, Some(25), true, 2),
            row(1, 6, Some(40), false, 3),
            row(1, 7, None, false, 4),
        ],
        true,
    );
    assert_eq!(ticket.minutes, rust_decimal::Decimal::from(65));
    assert!(ticket.escalation);
    assert_eq!(report.merged_client_changes, 0);
    // No entry gives minutes: the default.
    let (ticket, _) = merged(
        vec![row(1, 5, None, false, 2), row(1, 6, None, false, 3)],
        true,
    );
    assert_eq!(ticket.minutes, rust_decimal::Decimal::from(20));
}

proptest::proptest! {
    /// Whatever the rows: one ticket per distinct id, in the order the
    /// ids first came; time entries keep every minute given (and the
    /// default for a ticket with none); updates keep one row's.
    #[test]
    fn one_ticket_per_id_and_no_minute_lost(
        rows in proptest::collection::vec(
            (0u8..6, 0u32..3, 1u32..28, proptest::option::of(0i64..500), proptest::bool::ANY),
            1..60,
        ),
        lines in proptest::bool::ANY,
    ) {
        let mut merging = Merging::default();
        let mut first_seen: Vec<u8> = Vec::new();
        let mut given: std::collections::BTreeMap<u8, Vec<i64>> = Default::default();
        for (line, (id, client, day, minutes, escalation)) in rows.iter().enumerate() {
            if !first_seen.contains(id) {
                first_seen.push(*id);
            }
            given.entry(*id).or_default().extend(*minutes);
            let one = row(*client, *day, *minutes, *escalation, line as u64 + 2);
            merging.add(&format!("T-{id}"), one, lines).unwrap();
        }
        let mut report = FileReport::default();
        let mut sink = Kept(Vec::new());
        merging.finish(rust_decimal::Decimal::from(20), &mut report, &mut sink);
        proptest::prop_assert_eq!(sink.0.len(), first_seen.len());
        for (ticket, id) in sink.0.iter().zip(&first_seen) {
            let minutes = &given[id];
            let expected = match (lines, minutes.last()) {
                (_, None) => 20,
                (true, Some(_)) => minutes.iter().sum(),
                (false, Some(last)) => *last,
            };
            proptest::prop_assert_eq!(ticket.minutes, rust_decimal::Decimal::from(expected));
        }
        // Every row but those of single-row tickets was merged.
        let singles = first_seen
            .iter()
            .filter(|id| rows.iter().filter(|r| r.0 == **id).count() == 1)
            .count() as u64;
        proptest::prop_assert_eq!(report.merged_rows, rows.len() as u64 - singles);
    }
}

#[test]
fn a_ticket_of_one_row_is_no_merge() {
    let (ticket, report) = merged(vec![row(1, 5, None, false, 2)], false);
    assert_eq!(ticket.minutes, rust_decimal::Decimal::from(20));
    assert_eq!((report.merged_rows, report.merged_tickets), (0, 0));
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
