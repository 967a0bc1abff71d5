//! Invariants over generated exports, checked through the library: the
//! order of rows never matters, per-client figures add up to the
//! portfolio, and a guard never lets a client fall below restructure.

use chrono::NaiveDate;
use clientfit::assess::Verdict;
use clientfit::config::Config;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::path::Path;

const NAMES: [&str; 6] = [
    "Acme, Inc.",
    "Globex GmbH",
    "Soylent",
    "Initech LLC",
    "Hooli",
    "Umbrella",
];

#[derive(Debug, Clone)]
struct InvoiceRow {
    client: usize,
    issued_day: u32,
    terms: u32,
    paid_after: Option<u32>,
    cents: i64,
    status: &'static str,
}

#[derive(Debug, Clone)]
struct TicketRow {
    client: usize,
    day: u32,
    minutes: Option<u32>,
    tag: &'static str,
}

fn invoice_row() -> impl Strategy<Value = InvoiceRow> {
    (
        0..NAMES.len(),
        0u32..300,
        prop_oneof![Just(14u32), Just(30), Just(60)],
        proptest::option::of(0u32..150),
        -50_000i64..2_000_000,
        prop_oneof![
            Just(""),
            Just("paid"),
            Just("open"),
            Just("void"),
            Just("uncollectible")
        ],
    )
        .prop_map(
            |(client, issued_day, terms, paid_after, cents, status)| InvoiceRow {
                client,
                issued_day,
                terms,
                paid_after,
                cents,
                status,
            },
        )
}

fn ticket_row() -> impl Strategy<Value = TicketRow> {
    (
        0..NAMES.len(),
        0u32..330,
        proptest::option::of(0u32..240),
        prop_oneof![
            Just(""),
            Just("change_request"),
            Just("escalated"),
            Just("abusive"),
            Just("bug")
        ],
    )
        .prop_map(|(client, day, minutes, tag)| TicketRow {
            client,
            day,
            minutes,
            tag,
        })
}

fn day(offset: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(u64::from(offset))
}

fn write_files(dir: &Path, invoices: &[InvoiceRow], tickets: &[TicketRow]) {
    let mut text = String::from("client,invoice_id,issued,due,paid,amount,status\n");
    for (index, row) in invoices.iter().enumerate() {
        let issued = day(row.issued_day);
        let due = issued + chrono::Days::new(u64::from(row.terms));
        let paid = row
            .paid_after
            .map(|after| (issued + chrono::Days::new(u64::from(after))).to_string());
        text.push_str(&format!(
            "\"{}\",INV-{index},{issued},{due},{},{},{}\n",
            NAMES[row.client],
            paid.unwrap_or_default(),
            Decimal::new(row.cents, 2),
            row.status
        ));
    }
    std::fs::write(dir.join("invoices.csv"), text).unwrap();
    let mut text = String::from("ticket_id,client,created,minutes,tags\n");
    for (index, row) in tickets.iter().enumerate() {
        text.push_str(&format!(
            "T-{index},\"{}\",{},{},{}\n",
            NAMES[row.client],
            day(row.day),
            row.minutes.map(|m| m.to_string()).unwrap_or_default(),
            row.tag
        ));
    }
    std::fs::write(dir.join("tickets.csv"), text).unwrap();
}

fn json_report(invoices: &[InvoiceRow], tickets: &[TicketRow]) -> String {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), invoices, tickets);
    let (report, _) = clientfit::commands::pipeline::run_report(&crate::util::library_settings(
        dir.path(),
        Config::default(),
        NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
    ))
    .unwrap();
    clientfit::render::json::render(&report).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn row_order_does_not_change_the_report(
        invoices in proptest::collection::vec(invoice_row(), 1..25),
        tickets in proptest::collection::vec(ticket_row(), 0..25),
        seed in any::<u64>(),
    ) {
        let original = json_report(&invoices, &tickets);
        // Reverse, then rotate by the seed: a different order of the same rows.
        let mut shuffled_invoices = invoices.clone();
        shuffled_invoices.reverse();
        let rotate = (seed as usize) % shuffled_invoices.len();
        shuffled_invoices.rotate_left(rotate);
        let mut shuffled_tickets = tickets.clone();
        shuffled_tickets.reverse();
        // Invoice ids follow the row, so they are renumbered; the report
        // does not depend on ids that are unique anyway.
        let shuffled = json_report(&shuffled_invoices, &shuffled_tickets);
        prop_assert_eq!(original, shuffled);
    }

    #[test]
    fn client_figures_add_up_to_the_portfolio(
        invoices in proptest::collection::vec(invoice_row(), 1..25),
        tickets in proptest::collection::vec(ticket_row(), 0..25),
    ) {
        let dir = tempfile::tempdir().unwrap();
        write_files(dir.path(), &invoices, &tickets);
        let (report, _) = clientfit::commands::pipeline::run_report(&crate::util::library_settings(
            dir.path(),
            Config::default(),
            NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
        )).unwrap();
        let sum = |f: fn(&clientfit::aggregate::ClientMetrics) -> Decimal| {
            report.clients.iter().map(|c| f(&c.metrics)).sum::<Decimal>()
        };
        let p = &report.portfolio;
        prop_assert_eq!(sum(|m| m.revenue), p.revenue);
        prop_assert_eq!(sum(|m| m.cost_to_serve), p.cost_to_serve);
        prop_assert_eq!(sum(|m| m.profit), p.profit);
        prop_assert_eq!(sum(|m| m.overdue), p.overdue);
        prop_assert_eq!(report.clients.iter().map(|c| c.metrics.tickets).sum::<u64>(), p.tickets);
        for client in &report.clients {
            let m = &client.metrics;
            // Cost parts add up, buckets add up, profit is revenue - cost.
            prop_assert_eq!(
                m.support_cost + m.meeting_cost + m.no_show_cost + m.collection_cost + m.delivery_cost,
                m.cost_to_serve
            );
            prop_assert_eq!(m.current + m.d1_30 + m.d31_60 + m.d61_90 + m.d90_plus, m.outstanding);
            prop_assert_eq!(m.revenue - m.cost_to_serve, m.profit);
            prop_assert!(m.late_invoices <= m.invoices_due);
            prop_assert!(m.outstanding >= Decimal::ZERO);
            // Guards never let a client be worse than restructure.
            if client.assessment.guard.is_some() {
                prop_assert!(client.assessment.verdict >= Verdict::Restructure);
            }
            // No flag, keep; a flag, never keep.
            prop_assert_eq!(client.assessment.flags.is_empty(), client.assessment.verdict == Verdict::Keep);
        }
        let counted: usize = p.verdicts.iter().map(|(_, n)| n).sum();
        prop_assert_eq!(counted, report.clients.len());
    }

    #[test]
    fn void_invoices_change_nothing(
        invoices in proptest::collection::vec(invoice_row(), 1..20),
        extra in invoice_row(),
    ) {
        let counted: Vec<InvoiceRow> = invoices.into_iter().filter(|r| r.status != "void").collect();
        prop_assume!(!counted.is_empty());
        let before = json_report(&counted, &[]);
        let mut with_void = counted.clone();
        with_void.push(InvoiceRow { status: "void", ..extra });
        let after = json_report(&with_void, &[]);
        // Not even the default period moves: it starts at the earliest
        // invoice that counts.
        prop_assert_eq!(before, after);
    }
}
