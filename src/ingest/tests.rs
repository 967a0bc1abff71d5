//! Unit tests of `ingest`.

use super::*;

/// Lines of what it received, in order; `f` marks a forget.
#[derive(Default)]
struct Recorder(Vec<(char, u64)>);

impl Sink for Recorder {
    fn ticket(&mut self, ticket: &Ticket) {
        self.0.push(('t', ticket.origin.line));
    }
    fn meeting(&mut self, meeting: &Meeting) {
        self.0.push(('m', meeting.origin.line));
    }
    fn forget_invoices(&mut self) {
        self.0.push(('f', 0));
    }
    fn forget_tickets(&mut self) {
        self.0.push(('g', 0));
    }
}

fn ticket(line: u64) -> Ticket {
    Ticket {
        client: None,
        created: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        minutes: rust_decimal::Decimal::ONE,
        scope_change: false,
        abusive: false,
        escalation: false,
        origin: crate::model::Origin { file: 0, line },
    }
}

#[test]
fn a_batched_sink_delivers_everything_in_order() {
    let mut recorder = Recorder::default();
    let mut batched = Batched::new(&mut recorder);
    // Two full batches and part of a third: 64 + 64 + 22.
    for line in 1..=150 {
        batched.ticket(&ticket(line));
    }
    batched.flush();
    batched.flush();
    let expected: Vec<(char, u64)> = (1..=150).map(|line| ('t', line)).collect();
    assert_eq!(recorder.0, expected);

    // What is held when invoices are forgotten came before the forget.
    let mut recorder = Recorder::default();
    let mut batched = Batched::new(&mut recorder);
    batched.ticket(&ticket(1));
    batched.forget_invoices();
    batched.ticket(&ticket(2));
    batched.flush();
    assert_eq!(recorder.0, vec![('t', 1), ('f', 0), ('t', 2)]);
}
