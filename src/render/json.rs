//! `--format json`: every figure, for scripts. Money is a JSON number with
//! exactly two decimals; ratios are numbers rounded to 4 decimals, day
//! counts to 1; `null` where §4 says a figure is undefined. The schema only
//! grows; `schema` changes when something incompatible would.
//!
//! Longer than ~600 lines, and kept whole: the clients are written by a
//! hand-made streaming writer (blocks of clients on several threads, each
//! field a pre-joined byte string), and the serde model of the same fields
//! that its tests compare it with sits beside it, so that a field added to
//! one is seen next to the other. A third of the file is those tests.

use std::io::Write;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::aggregate::ClientMetrics;
use crate::assess::Assessment;
#[cfg(test)]
use crate::assess::{Flag, Guard, Verdict};
use crate::numbers::{CENTS_TEXT, cents, round_to, with_cents_text, write_cents};
use crate::report::{ClientReport, Report};

/// Version of the JSON layout: one number for the writer and for `diff`,
/// which refuses snapshots of another one.
pub(crate) use crate::report::diff::SCHEMA_VERSION;

/// Money for JSON: rounded half-even to cents, written as a number.
#[derive(Debug, Clone, Copy)]
pub struct Money(pub Decimal);

impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // With `arbitrary_precision`, a `serde_json::Number` parsed from
        // text keeps that text, so the cents come out exactly as written
        // (`1234.50`, not `1234.5`). (The clients' many figures do not
        // come here: `write_client` writes the same text directly.)
        with_cents_text(self.0, |text| {
            let text = std::str::from_utf8(text).map_err(serde::ser::Error::custom)?;
            let number: serde_json::Number = text.parse().map_err(serde::ser::Error::custom)?;
            number.serialize(serializer)
        })
    }
}

fn ratio(value: Option<f64>) -> Option<f64> {
    value.map(|v| round_to(v, 4))
}

fn days(value: Option<f64>) -> Option<f64> {
    value.map(|v| round_to(v, 1))
}

/// The document's fields before `clients`.
#[derive(Serialize)]
struct Head<'a> {
    tool: &'static str,
    version: &'static str,
    schema: u32,
    period: PeriodJson,
    as_of: String,
    currency: Option<&'a str>,
    /// Where delivery cost comes from: "hours" (a timesheet) or "share".
    cost_basis: crate::aggregate::CostBasis,
    settings: &'a crate::config::Config,
}

/// The document's fields after `clients`.
#[derive(Serialize)]
struct Tail<'a> {
    portfolio: PortfolioJson,
    warnings: &'a [String],
    /// Assumptions the figures rest on (`Report::notes`).
    notes: Vec<String>,
}

#[derive(Serialize)]
struct PeriodJson {
    from: String,
    to: String,
    days: i64,
}

/// A client as the derive writes it: the reference `write_client` is held
/// to in tests.
#[cfg(test)]
#[derive(Serialize)]
struct ClientJson<'a> {
    rank: usize,
    client: &'a str,
    key: &'a str,
    owner: Option<&'a str>,
    segment: Option<&'a str>,
    strategic: bool,
    revenue: Money,
    bad_debt: Money,
    discounts: Money,
    support_cost: Money,
    meeting_cost: Money,
    no_show_cost: Money,
    collection_cost: Money,
    delivery_cost: Money,
    cost_to_serve: Money,
    profit: Money,
    margin: Option<f64>,
    effective_hourly: Option<Money>,
    hours_to_serve: f64,
    invoices_due: u64,
    late_invoices: u64,
    late_share: Option<f64>,
    avg_days_late: Option<f64>,
    avg_days_late_over_late: Option<f64>,
    outstanding: Money,
    current: Money,
    d1_30: Money,
    d31_60: Money,
    d61_90: Money,
    d90_plus: Money,
    overdue: Money,
    dso: Option<f64>,
    tickets: u64,
    ticket_minutes: f64,
    scope_changes: u64,
    escalations: u64,
    abusive_tickets: u64,
    scheduled: u64,
    attended: u64,
    no_shows: u64,
    cancelled: u64,
    no_show_rate: Option<f64>,
    revenue_share: Option<f64>,
    ticket_share: Option<f64>,
    hours: Option<f64>,
    hours_worked: f64,
    billable_hours: Option<f64>,
    non_billable_hours: Option<f64>,
    billable_share: Option<f64>,
    labour_cost: Option<Money>,
    billable_value: Option<Money>,
    realisation: Option<f64>,
    target_revenue: Option<Money>,
    price_gap: Option<Money>,
    price_rise: Option<f64>,
    hours_to_cut: Option<f64>,
    flags: &'a [Flag],
    verdict: Verdict,
    guard: Option<GuardJson<'a>>,
    reasons: &'a [std::borrow::Cow<'static, str>],
    actions: Vec<&'a str>,
    quadrant: crate::report::Quadrant,
}

/// The guard, without the revenue share (it is the client's own
/// `revenue_share`, and each metric name appears once per client).
#[cfg(test)]
#[derive(Serialize)]
struct GuardJson<'a> {
    ids: &'a [crate::assess::GuardId],
    held_from: Option<Verdict>,
}

#[derive(Serialize)]
struct PortfolioJson {
    clients: usize,
    revenue: Money,
    cost_to_serve: Money,
    profit: Money,
    outstanding: Money,
    overdue: Money,
    d90_plus: Money,
    bad_debt: Money,
    tickets: u64,
    verdicts: serde_json::Map<String, serde_json::Value>,
    pareto: ParetoJson,
    whale_curve: WhaleJson,
    quadrants: serde_json::Map<String, serde_json::Value>,
    unmatched_tickets: u64,
    unmatched_meetings: u64,
}

#[derive(Serialize)]
struct WhaleJson {
    peak: Money,
    peak_clients: usize,
    peak_share: Option<f64>,
    eroding_clients: usize,
    eroded: Money,
}

#[derive(Serialize)]
struct ParetoJson {
    top_clients: usize,
    revenue_share: Option<f64>,
    profit_share: Option<f64>,
}

fn quantity(value: Decimal) -> f64 {
    round_to(crate::numbers::ratio_of(value, Decimal::ONE), 2)
}

#[cfg(test)]
fn client<'a>(c: &'a ClientReport, targets: &crate::config::Targets) -> ClientJson<'a> {
    let m = &c.metrics;
    let time = m.time.as_deref();
    let gap = m.price_gap(targets);
    let guard = c.assessment.guard.as_ref().map(|g: &Guard| GuardJson {
        ids: &g.ids,
        held_from: g.held_from,
    });
    ClientJson {
        rank: c.rank,
        client: &c.name,
        key: &c.key,
        owner: c.owner.as_deref(),
        segment: c.segment.as_deref(),
        strategic: c.strategic,
        revenue: Money(m.revenue),
        bad_debt: Money(m.bad_debt),
        discounts: Money(m.discounts),
        support_cost: Money(m.support_cost),
        meeting_cost: Money(m.meeting_cost),
        no_show_cost: Money(m.no_show_cost),
        collection_cost: Money(m.collection_cost),
        delivery_cost: Money(m.delivery_cost),
        cost_to_serve: Money(m.cost_to_serve),
        profit: Money(m.profit),
        margin: ratio(m.margin),
        effective_hourly: m.effective_hourly.map(Money),
        hours_to_serve: quantity(m.hours_to_serve),
        invoices_due: m.invoices_due,
        late_invoices: m.late_invoices,
        late_share: ratio(m.late_share),
        avg_days_late: days(m.avg_days_late),
        avg_days_late_over_late: days(m.avg_days_late_over_late),
        outstanding: Money(m.outstanding),
        current: Money(m.current),
        d1_30: Money(m.d1_30),
        d31_60: Money(m.d31_60),
        d61_90: Money(m.d61_90),
        d90_plus: Money(m.d90_plus),
        overdue: Money(m.overdue),
        dso: days(m.dso),
        tickets: m.tickets,
        ticket_minutes: quantity(m.ticket_minutes),
        scope_changes: m.scope_changes,
        escalations: m.escalations,
        abusive_tickets: m.abusive_tickets,
        scheduled: m.scheduled,
        attended: m.attended,
        no_shows: m.no_shows,
        cancelled: m.cancelled,
        no_show_rate: ratio(m.no_show_rate),
        revenue_share: ratio(m.revenue_share),
        ticket_share: ratio(m.ticket_share),
        hours: time.map(|t| quantity(t.hours)),
        hours_worked: quantity(m.hours_worked()),
        billable_hours: time.and_then(|t| t.billable_hours).map(quantity),
        non_billable_hours: time.and_then(|t| t.non_billable_hours).map(quantity),
        billable_share: ratio(time.and_then(|t| t.billable_share)),
        labour_cost: time.map(|t| Money(t.labour_cost)),
        billable_value: time.and_then(|t| t.billable_value).map(Money),
        realisation: ratio(time.and_then(|t| t.realisation)),
        target_revenue: gap.map(|g| Money(g.target_revenue)),
        price_gap: gap.map(|g| Money(g.gap)),
        price_rise: ratio(gap.and_then(|g| g.rise)),
        hours_to_cut: gap.and_then(|g| g.hours_to_cut).map(quantity),
        flags: &c.assessment.flags,
        verdict: c.assessment.verdict,
        guard,
        reasons: &c.assessment.reasons,
        actions: c.assessment.actions.iter().map(|a| &**a).collect(),
        quadrant: c.quadrant,
    }
}

pub fn render(report: &Report) -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    write(report, &mut bytes)?;
    Ok(String::from_utf8(bytes)?)
}

/// Stream the JSON document to `out`: the same bytes as serde_json's
/// pretty printer gives for the whole document, but with the clients (most
/// of a large report) rendered in blocks on every core, written in order.
pub(crate) fn write(report: &Report, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let p = &report.portfolio;
    let mut verdicts = serde_json::Map::new();
    for (verdict, count) in &p.verdicts {
        verdicts.insert(verdict.name().to_string(), serde_json::Value::from(*count));
    }
    let mut quadrants = serde_json::Map::new();
    quadrants.insert(
        "median_profit".into(),
        serde_json::to_value(Money(p.quadrants.median_profit))?,
    );
    quadrants.insert(
        "median_hours_to_serve".into(),
        serde_json::Value::from(quantity(p.quadrants.median_hours)),
    );
    for (quadrant, count) in &p.quadrants.counts {
        quadrants.insert(quadrant.name().to_string(), serde_json::Value::from(*count));
    }
    let head = Head {
        tool: "clientfit",
        version: env!("CARGO_PKG_VERSION"),
        schema: SCHEMA_VERSION,
        period: PeriodJson {
            from: report.period.from.to_string(),
            to: report.period.to.to_string(),
            days: report.period.days,
        },
        as_of: report.period.as_of.to_string(),
        currency: report.currency.as_deref(),
        cost_basis: report.cost_basis,
        settings: &report.config,
    };
    let tail = Tail {
        portfolio: PortfolioJson {
            clients: p.clients,
            revenue: Money(p.revenue),
            cost_to_serve: Money(p.cost_to_serve),
            profit: Money(p.profit),
            outstanding: Money(p.outstanding),
            overdue: Money(p.overdue),
            d90_plus: Money(p.d90_plus),
            bad_debt: Money(p.bad_debt),
            tickets: p.tickets,
            verdicts,
            pareto: ParetoJson {
                top_clients: p.pareto.top_clients,
                revenue_share: ratio(p.pareto.revenue_share),
                profit_share: ratio(p.pareto.profit_share),
            },
            whale_curve: WhaleJson {
                peak: Money(p.whale.peak),
                peak_clients: p.whale.peak_clients,
                peak_share: ratio(p.whale.peak_share),
                eroding_clients: p.whale.eroding_clients,
                eroded: Money(p.whale.eroded),
            },
            quadrants,
            unmatched_tickets: p.unmatched_tickets,
            unmatched_meetings: p.unmatched_meetings,
        },
        warnings: &report.warnings,
        notes: report.assumptions(),
    };
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, out);
    // `{ …head… }` without its closing brace, then the clients, then
    // `{ …tail… }` without its opening one: objects at the top level print
    // their fields at the same indent, so the pieces join seamlessly.
    let head = serde_json::to_vec_pretty(&head)?;
    let tail = serde_json::to_vec_pretty(&tail)?;
    let (Some(head), Some(tail)) = (head.strip_suffix(b"\n}"), tail.strip_prefix(b"{\n")) else {
        anyhow::bail!("unexpected JSON layout from serde_json");
    };
    out.write_all(head)?;
    out.write_all(b",\n  \"clients\": ")?;
    write_clients(report, &mut out)?;
    out.write_all(b",\n")?;
    out.write_all(tail)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

/// Clients per block at most: small enough that the blocks in flight stay
/// a few megabytes.
const BLOCK: usize = 2048;

/// Clients per block at least: rendering this many takes a millisecond or
/// two, far more than starting a thread for them.
const MIN_BLOCK: usize = 128;

/// Clients per block: one block per thread for a report of a few thousand
/// clients (so a small report is not rendered on one core alone), `BLOCK`
/// beyond; or the tuning's `json_block` (tests make blocks small, to check
/// that how the clients are cut into blocks never shows in the output).
fn block_size(tuned: Option<usize>, clients: usize, threads: usize) -> usize {
    tuned
        .filter(|size| *size > 0)
        .unwrap_or_else(|| usual_block_size(clients, threads))
}

fn usual_block_size(clients: usize, threads: usize) -> usize {
    clients.div_ceil(threads.max(1)).clamp(MIN_BLOCK, BLOCK)
}

/// The `clients` array, as the pretty printer would write it two levels
/// deep: each client rendered on its own, its lines indented by four more
/// spaces (JSON strings hold no raw line breaks, so every `\n` in the
/// rendering is a line break of the layout).
fn write_clients(report: &Report, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let shown: Vec<&ClientReport> = report.shown().collect();
    if shown.is_empty() {
        out.write_all(b"[]")?;
        return Ok(());
    }
    let render_block = |block: &[&ClientReport]| -> serde_json::Result<Vec<u8>> {
        let mut text = Vec::with_capacity(block.len().saturating_mul(3 * 1024));
        for (at, client) in block.iter().enumerate() {
            // The texts of the next clients, and the lists that point to
            // theirs, before they are needed (see `prefetch_texts`).
            if let Some(after_next) = block.get(at.saturating_add(2)) {
                prefetch_lists(after_next);
            }
            if let Some(next) = block.get(at.saturating_add(1)) {
                prefetch_texts(next);
            }
            write_client(&mut text, client, &report.config.targets)?;
        }
        Ok(text)
    };
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    out.write_all(b"[")?;
    let mut first = true;
    let block = block_size(report.config.tuning.json_block, shown.len(), threads);
    for round in shown.chunks(block.saturating_mul(threads)) {
        let blocks: Vec<serde_json::Result<Vec<u8>>> = std::thread::scope(|scope| {
            let mut pieces = round.chunks(block);
            let mine = pieces.next();
            let handles: Vec<_> = pieces
                .map(|block| scope.spawn(move || render_block(block)))
                .collect();
            let mut blocks = vec![render_block(mine.unwrap_or_default())];
            for handle in handles {
                blocks.push(handle.join().unwrap_or_else(|_| {
                    Err(serde::ser::Error::custom("a rendering thread failed"))
                }));
            }
            blocks
        });
        for block in blocks {
            let block = block.map_err(std::io::Error::from)?;
            // The first client follows `[` on a new line, not a comma.
            let skip = if first { 1 } else { 0 };
            first = false;
            out.write_all(block.get(skip..).unwrap_or_default())?;
        }
    }
    out.write_all(b"\n  ]")?;
    Ok(())
}

/// A client's texts are each an allocation of their own, written while
/// judging, long out of the cache when the client is written: with
/// 100,000 clients, three quarters of the time spent copying strings
/// was waiting for their first bytes. Their first lines are fetched a
/// client ahead; the lists of flags and reasons that point to some of
/// them, two clients ahead (`prefetch_lists`).
fn prefetch_texts(c: &ClientReport) {
    let first_line = |text: &str| {
        if let Some(byte) = text.as_bytes().first() {
            crate::prefetch::prefetch(byte);
        }
    };
    first_line(&c.name);
    first_line(&c.key);
    for text in [&c.owner, &c.segment].into_iter().flatten() {
        first_line(text);
    }
    for flag in &c.assessment.flags {
        first_line(&flag.detail);
    }
    for reason in &c.assessment.reasons {
        first_line(reason);
    }
}

fn prefetch_lists(c: &ClientReport) {
    if let Some(flag) = c.assessment.flags.first() {
        crate::prefetch::prefetch(flag);
    }
    if let Some(reason) = c.assessment.reasons.first() {
        crate::prefetch::prefetch(reason);
    }
}

/// What comes before the value of a client's field `key`, put together at
/// compile time: the comma after the field before, a line break, the
/// indent of a client's fields (three levels, six spaces) and the quoted
/// key, so the some forty keys of a client are not written piece by piece.
macro_rules! client_field {
    ($key:literal) => {
        concat!(",\n      \"", $key, "\": ").as_bytes()
    };
}

/// One client as the pretty printer writes it in the `clients` array, after
/// the `,` that separates it from the one before: `,\n    {…}`. Written
/// field by field rather than through serde_json's `Serialize`, which
/// escaped and indented each of some fifty keys anew (three quarters of
/// the cost of a client). Values still go through serde_json where it has
/// rules of its own: strings (escaping), numbers and floats (`null` for
/// NaN), names of enums. `client_json_is_what_serde_writes` holds the
/// bytes to serde_json's own rendering of the same fields.
/// One client of the `clients` list: who, then each figure, then the
/// assessment.
fn write_client(
    out: &mut Vec<u8>,
    c: &ClientReport,
    targets: &crate::config::Targets,
) -> serde_json::Result<()> {
    let m = &c.metrics;
    out.extend_from_slice(b",\n    ");
    let mut client = Object::open(out, 2);
    serde_json::to_writer(client.field(client_field!("rank")), &c.rank)?;
    string(client.field(client_field!("client")), &c.name);
    string(client.field(client_field!("key")), &c.key);
    optional_string(client.field(client_field!("owner")), c.owner.as_deref());
    optional_string(client.field(client_field!("segment")), c.segment.as_deref());
    serde_json::to_writer(client.field(client_field!("strategic")), &c.strategic)?;
    write_costs_and_profit(&mut client, m)?;
    write_lateness_and_receivables(&mut client, m)?;
    write_activity(&mut client, m)?;
    write_time(&mut client, m, targets)?;
    write_assessment(&mut client, &c.assessment)?;
    serde_json::to_writer(client.field(client_field!("quadrant")), &c.quadrant)?;
    client.close();
    Ok(())
}

/// Revenue, each cost, profit, margin and the effective hourly rate.
fn write_costs_and_profit(client: &mut Object, m: &ClientMetrics) -> serde_json::Result<()> {
    for (key, value) in [
        (client_field!("revenue"), m.revenue),
        (client_field!("bad_debt"), m.bad_debt),
        (client_field!("discounts"), m.discounts),
        (client_field!("support_cost"), m.support_cost),
        (client_field!("meeting_cost"), m.meeting_cost),
        (client_field!("no_show_cost"), m.no_show_cost),
        (client_field!("collection_cost"), m.collection_cost),
        (client_field!("delivery_cost"), m.delivery_cost),
        (client_field!("cost_to_serve"), m.cost_to_serve),
        (client_field!("profit"), m.profit),
    ] {
        money(client.field(key), value);
    }
    serde_json::to_writer(client.field(client_field!("margin")), &ratio(m.margin))?;
    match m.effective_hourly {
        Some(value) => money(client.field(client_field!("effective_hourly")), value),
        None => client
            .field(client_field!("effective_hourly"))
            .extend_from_slice(b"null"),
    }
    serde_json::to_writer(
        client.field(client_field!("hours_to_serve")),
        &quantity(m.hours_to_serve),
    )?;
    Ok(())
}

/// Lateness, then what is owed by age, overdue and DSO.
fn write_lateness_and_receivables(
    client: &mut Object,
    m: &ClientMetrics,
) -> serde_json::Result<()> {
    serde_json::to_writer(client.field(client_field!("invoices_due")), &m.invoices_due)?;
    serde_json::to_writer(
        client.field(client_field!("late_invoices")),
        &m.late_invoices,
    )?;
    serde_json::to_writer(
        client.field(client_field!("late_share")),
        &ratio(m.late_share),
    )?;
    serde_json::to_writer(
        client.field(client_field!("avg_days_late")),
        &days(m.avg_days_late),
    )?;
    serde_json::to_writer(
        client.field(client_field!("avg_days_late_over_late")),
        &days(m.avg_days_late_over_late),
    )?;
    for (key, value) in [
        (client_field!("outstanding"), m.outstanding),
        (client_field!("current"), m.current),
        (client_field!("d1_30"), m.d1_30),
        (client_field!("d31_60"), m.d31_60),
        (client_field!("d61_90"), m.d61_90),
        (client_field!("d90_plus"), m.d90_plus),
        (client_field!("overdue"), m.overdue),
    ] {
        money(client.field(key), value);
    }
    serde_json::to_writer(client.field(client_field!("dso")), &days(m.dso))?;
    Ok(())
}

/// Tickets and meetings, and the client's shares of revenue and tickets.
fn write_activity(client: &mut Object, m: &ClientMetrics) -> serde_json::Result<()> {
    serde_json::to_writer(client.field(client_field!("tickets")), &m.tickets)?;
    serde_json::to_writer(
        client.field(client_field!("ticket_minutes")),
        &quantity(m.ticket_minutes),
    )?;
    for (key, value) in [
        (client_field!("scope_changes"), m.scope_changes),
        (client_field!("escalations"), m.escalations),
        (client_field!("abusive_tickets"), m.abusive_tickets),
        (client_field!("scheduled"), m.scheduled),
        (client_field!("attended"), m.attended),
        (client_field!("no_shows"), m.no_shows),
        (client_field!("cancelled"), m.cancelled),
    ] {
        serde_json::to_writer(client.field(key), &value)?;
    }
    for (key, value) in [
        (client_field!("no_show_rate"), m.no_show_rate),
        (client_field!("revenue_share"), m.revenue_share),
        (client_field!("ticket_share"), m.ticket_share),
    ] {
        serde_json::to_writer(client.field(key), &ratio(value))?;
    }
    Ok(())
}

/// The timesheet's figures (`null` without one) and the price gap.
fn write_time(
    client: &mut Object,
    m: &ClientMetrics,
    targets: &crate::config::Targets,
) -> serde_json::Result<()> {
    let time = m.time.as_deref();
    let gap = m.price_gap(targets);
    let optional_money = |field: &mut Vec<u8>, value: Option<Decimal>| match value {
        Some(value) => money(field, value),
        None => field.extend_from_slice(b"null"),
    };
    serde_json::to_writer(
        client.field(client_field!("hours")),
        &time.map(|t| quantity(t.hours)),
    )?;
    serde_json::to_writer(
        client.field(client_field!("hours_worked")),
        &quantity(m.hours_worked()),
    )?;
    for (key, value) in [
        (
            client_field!("billable_hours"),
            time.and_then(|t| t.billable_hours),
        ),
        (
            client_field!("non_billable_hours"),
            time.and_then(|t| t.non_billable_hours),
        ),
    ] {
        serde_json::to_writer(client.field(key), &value.map(quantity))?;
    }
    serde_json::to_writer(
        client.field(client_field!("billable_share")),
        &ratio(time.and_then(|t| t.billable_share)),
    )?;
    optional_money(
        client.field(client_field!("labour_cost")),
        time.map(|t| t.labour_cost),
    );
    optional_money(
        client.field(client_field!("billable_value")),
        time.and_then(|t| t.billable_value),
    );
    serde_json::to_writer(
        client.field(client_field!("realisation")),
        &ratio(time.and_then(|t| t.realisation)),
    )?;
    optional_money(
        client.field(client_field!("target_revenue")),
        gap.map(|g| g.target_revenue),
    );
    optional_money(client.field(client_field!("price_gap")), gap.map(|g| g.gap));
    serde_json::to_writer(
        client.field(client_field!("price_rise")),
        &ratio(gap.and_then(|g| g.rise)),
    )?;
    serde_json::to_writer(
        client.field(client_field!("hours_to_cut")),
        &gap.and_then(|g| g.hours_to_cut).map(quantity),
    )?;
    Ok(())
}

/// Flags, verdict, guard, reasons and playbook.
fn write_assessment(client: &mut Object, assessment: &Assessment) -> serde_json::Result<()> {
    let mut flags = Array::open(client.field(client_field!("flags")), 3);
    for flag in &assessment.flags {
        let mut object = Object::open(flags.element(), 4);
        serde_json::to_writer(object.key("id"), &flag.id)?;
        serde_json::to_writer(object.key("severity"), &flag.severity)?;
        string(object.key("detail"), &flag.detail);
        object.close();
    }
    flags.close();
    serde_json::to_writer(client.field(client_field!("verdict")), &assessment.verdict)?;
    match &assessment.guard {
        Some(guard) => {
            let mut object = Object::open(client.field(client_field!("guard")), 3);
            let mut ids = Array::open(object.key("ids"), 4);
            for id in &guard.ids {
                serde_json::to_writer(ids.element(), id)?;
            }
            ids.close();
            serde_json::to_writer(object.key("held_from"), &guard.held_from)?;
            object.close();
        }
        None => client
            .field(client_field!("guard"))
            .extend_from_slice(b"null"),
    }
    let mut reasons = Array::open(client.field(client_field!("reasons")), 3);
    for reason in &assessment.reasons {
        string(reasons.element(), reason);
    }
    reasons.close();
    let mut actions = Array::open(client.field(client_field!("actions")), 3);
    for action in assessment.actions.iter() {
        string(actions.element(), action);
    }
    actions.close();
    Ok(())
}

/// A line break and the pretty printer's indent for `depth` (two spaces a level).
fn line_at(out: &mut Vec<u8>, depth: usize) {
    const SPACES: &[u8] = b"                                ";
    out.push(b'\n');
    out.extend_from_slice(SPACES.get(..depth.saturating_mul(2)).unwrap_or(SPACES));
}

/// An object being written, as the pretty printer lays it out at `depth`.
struct Object<'o> {
    out: &'o mut Vec<u8>,
    depth: usize,
    empty: bool,
}

impl<'o> Object<'o> {
    fn open(out: &'o mut Vec<u8>, depth: usize) -> Object<'o> {
        out.push(b'{');
        Object {
            out,
            depth,
            empty: true,
        }
    }

    /// Start the field `key` (a plain name, nothing to escape); its value
    /// is written to what this returns.
    fn key(&mut self, key: &str) -> &mut Vec<u8> {
        if !self.empty {
            self.out.push(b',');
        }
        self.empty = false;
        line_at(self.out, self.depth.saturating_add(1));
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\": ");
        self.out
    }

    /// `key`, given what `client_field!` makes of the key: for the
    /// fields of a client (depth 2) only.
    fn field(&mut self, prefix: &[u8]) -> &mut Vec<u8> {
        debug_assert_eq!(self.depth, 2);
        let prefix = if self.empty {
            prefix.get(1..).unwrap_or_default()
        } else {
            prefix
        };
        self.empty = false;
        self.out.extend_from_slice(prefix);
        self.out
    }

    fn close(self) {
        if !self.empty {
            line_at(self.out, self.depth);
        }
        self.out.push(b'}');
    }
}

/// An array being written at `depth`: `[]` when empty, else one element a line.
struct Array<'o> {
    out: &'o mut Vec<u8>,
    depth: usize,
    empty: bool,
}

impl<'o> Array<'o> {
    fn open(out: &'o mut Vec<u8>, depth: usize) -> Array<'o> {
        out.push(b'[');
        Array {
            out,
            depth,
            empty: true,
        }
    }

    fn element(&mut self) -> &mut Vec<u8> {
        if !self.empty {
            self.out.push(b',');
        }
        self.empty = false;
        line_at(self.out, self.depth.saturating_add(1));
        self.out
    }

    fn close(self) {
        if !self.empty {
            line_at(self.out, self.depth);
        }
        self.out.push(b']');
    }
}

/// `text` as serde_json writes a string: quotes, backslashes and control
/// characters escaped, everything else as it is. Nearly every string needs
/// no escape and is copied whole, sixteen bytes checked at a time, where
/// serde_json looks each byte up in a table.
fn string(out: &mut Vec<u8>, text: &str) {
    let needs_escape = |bytes: &[u8]| {
        bytes.iter().fold(false, |found, &byte| {
            found | (byte < 0x20) | (byte == b'"') | (byte == b'\\')
        })
    };
    let mut blocks = text.as_bytes().chunks_exact(16);
    let plain = !blocks.by_ref().any(needs_escape) && !needs_escape(blocks.remainder());
    if plain {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        // Cannot fail: a string into memory.
        let _ = serde_json::to_writer(out, text);
    }
}

fn optional_string(out: &mut Vec<u8>, text: Option<&str>) {
    match text {
        Some(text) => string(out, text),
        None => out.extend_from_slice(b"null"),
    }
}

/// `Money(value)` as it serializes: rounded to cents, written as a number.
/// The usual amount (cents that fit 64 bits) is written by
/// `append_cents`; others as `with_cents_text` writes them.
fn money(out: &mut Vec<u8>, value: Decimal) {
    let rounded = cents(value);
    let mantissa = rounded.mantissa();
    match u64::try_from(mantissa.unsigned_abs()) {
        Ok(magnitude) if rounded.scale() == 2 => append_cents(out, mantissa < 0, magnitude),
        _ => with_cents_text(value, |text| out.extend_from_slice(text)),
    }
}

/// Append `magnitude` cents as `two_decimals` writes them: the whole
/// buffer (a copy of known size), then cut to the text's length.
fn append_cents(out: &mut Vec<u8>, negative: bool, magnitude: u64) {
    let mut buffer = [0u8; CENTS_TEXT];
    let length = write_cents(&mut buffer, negative, magnitude);
    let start = out.len();
    out.extend_from_slice(&buffer);
    out.truncate(start.saturating_add(length));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `client` inside a block of the pretty printer, cut as the document
    /// has it: `,\n    {…}`.
    fn as_serde_writes_it(report: &ClientReport) -> String {
        #[derive(Serialize)]
        struct Wrapper<'a> {
            c: [ClientJson<'a>; 1],
        }
        let text = serde_json::to_string_pretty(&Wrapper {
            c: [client(report, &crate::config::Config::default().targets)],
        })
        .unwrap();
        let inner = text
            .strip_prefix("{\n  \"c\": [")
            .and_then(|rest| rest.strip_suffix("\n  ]\n}"))
            .unwrap();
        format!(",{inner}")
    }

    #[test]
    fn client_json_is_what_serde_writes() {
        use crate::assess::{Assessment, FlagId, GuardId, Severity};
        use crate::report::Quadrant;
        let metrics =
            |money: Decimal, ratio: Option<f64>, count: u64| crate::aggregate::ClientMetrics {
                client: crate::model::ClientId(0),
                invoiced: true,
                revenue: money,
                bad_debt: -money,
                discounts: money / Decimal::from(7),
                support_cost: Decimal::new(820_000, 2),
                meeting_cost: Decimal::new(15_525, 3),
                no_show_cost: Decimal::ZERO,
                collection_cost: Decimal::new(-5, 3),
                delivery_cost: Decimal::new(42, 0),
                cost_to_serve: money * Decimal::new(3, 1),
                profit: Decimal::MAX,
                margin: ratio,
                effective_hourly: ratio.map(|_| money),
                hours_to_serve: Decimal::new(15_966_667, 5),
                invoices_due: count,
                late_invoices: count / 2,
                late_share: ratio.map(|r| r / 3.0),
                avg_days_late: ratio.map(|r| r * 100.0),
                avg_days_late_over_late: ratio.map(|r| r * 250.0),
                outstanding: money,
                current: Decimal::MIN,
                d1_30: Decimal::new(5, 2),
                d31_60: Decimal::new(-5, 2),
                d61_90: Decimal::new(125, 3),
                d90_plus: Decimal::new(135, 3),
                overdue: Decimal::new(-1, 1),
                dso: ratio,
                tickets: count,
                ticket_minutes: Decimal::new(12_345, 1),
                scope_changes: u64::MAX,
                escalations: 0,
                abusive_tickets: 1,
                scheduled: count,
                attended: count,
                no_shows: 0,
                cancelled: 3,
                no_show_rate: ratio,
                revenue_share: ratio.map(|r| -r),
                ticket_share: ratio,
                time: None,
            };
        let flag = |id: FlagId, detail: &str| crate::assess::Flag {
            id,
            severity: if id == FlagId::BadDebt {
                Severity::Severe
            } else {
                Severity::Warn
            },
            detail: detail.to_string(),
        };
        let names = [
            "Client 000412 Ltd",
            "",
            "Acme, \"the\" Inc.\\ \u{1}\u{1f}\n\t",
            "Café Zoë 東京 🎉 and a name longer than sixteen bytes with a \" late",
            "\u{7f}\u{80}",
        ];
        let mut checked = 0;
        for (index, name) in names.iter().enumerate() {
            for ratio in [
                None,
                Some(0.0),
                Some(0.98765),
                Some(-2.5),
                Some(f64::NAN),
                Some(f64::INFINITY),
                Some(1e-7),
            ] {
                for money in [
                    Decimal::ZERO,
                    Decimal::new(86_085_746, 2),
                    Decimal::new(-1, 0),
                    Decimal::new(1, 28),
                    Decimal::MAX / Decimal::from(3),
                ] {
                    let flags = match index % 3 {
                        0 => vec![],
                        1 => vec![flag(FlagId::LatePayer, name)],
                        _ => vec![
                            flag(FlagId::BadDebt, "12,345.00 written off"),
                            flag(FlagId::Abusive, name),
                        ],
                    };
                    let guard = match index % 4 {
                        0 => None,
                        1 => Some(crate::assess::Guard {
                            ids: vec![],
                            held_from: None,
                        }),
                        2 => Some(crate::assess::Guard {
                            ids: vec![GuardId::Strategic],
                            held_from: Some(Verdict::Fire),
                        }),
                        _ => Some(crate::assess::Guard {
                            ids: vec![GuardId::Strategic, GuardId::Concentration],
                            held_from: Some(Verdict::Refer),
                        }),
                    };
                    let report = ClientReport {
                        rank: index * 1000,
                        name: name.to_string(),
                        key: name.to_lowercase(),
                        owner: (index % 2 == 0).then(|| name.to_string()),
                        segment: (index % 2 == 1).then(|| "Enterprise \"A\"".to_string()),
                        strategic: index % 2 == 0,
                        metrics: metrics(money, ratio, index as u64 * 7),
                        assessment: Assessment {
                            flags,
                            verdict: [
                                Verdict::Keep,
                                Verdict::Fire,
                                Verdict::Refer,
                                Verdict::Restructure,
                            ][index % 4],
                            guard,
                            reasons: (0..index)
                                .map(|n| format!("reason {n}: {name}").into())
                                .collect(),
                            actions: (0..index % 3)
                                .map(|n| {
                                    std::sync::Arc::from(format!("action {n} \"now\"").as_str())
                                })
                                .collect(),
                        },
                        quadrant: Quadrant::ALL[index % 4],
                    };
                    let mut ours = Vec::new();
                    write_client(
                        &mut ours,
                        &report,
                        &crate::config::Config::default().targets,
                    )
                    .unwrap();
                    assert_eq!(
                        String::from_utf8(ours).unwrap(),
                        as_serde_writes_it(&report),
                        "{name:?} {ratio:?} {money}"
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 5 * 7 * 5);
    }

    proptest::proptest! {
        /// Any text is written as serde_json writes it.
        #[test]
        fn strings_are_escaped_as_serde_json_escapes_them(text in "\\PC*|[\\x00-\\x7f]{0,40}") {
            let mut ours = Vec::new();
            string(&mut ours, &text);
            proptest::prop_assert_eq!(ours, serde_json::to_vec(&text).unwrap());
        }
    }

    #[test]
    fn small_reports_are_cut_into_a_block_per_thread() {
        // 1,000 clients on 2 threads: 500 each; too few to be worth a
        // thread: one block of at least MIN_BLOCK; many: BLOCK at most.
        assert_eq!(usual_block_size(1000, 2), 500);
        assert_eq!(usual_block_size(1001, 2), 501);
        assert_eq!(usual_block_size(100, 2), MIN_BLOCK);
        assert_eq!(usual_block_size(100_000, 2), BLOCK);
        assert_eq!(usual_block_size(1000, 0), 1000);
    }

    #[test]
    fn money_text_is_decimal_to_string_at_two_places() {
        let mut values = vec![
            Decimal::ZERO,
            Decimal::new(5, 2),
            Decimal::new(-5, 2),
            Decimal::new(123_450, 2),
            Decimal::new(-99, 0),
            Decimal::new(1, 3),
            Decimal::new(-15, 3),
            Decimal::MAX,
            Decimal::MIN,
            Decimal::new(-1, 28),
        ];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..10_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mantissa = (seed as i64) >> (seed % 50);
            values.push(Decimal::new(mantissa, (seed % 6) as u32));
        }
        for value in values {
            let Some(rounded) = std::panic::catch_unwind(|| cents(value)).ok() else {
                continue;
            };
            let mut buffer = [0u8; CENTS_TEXT];
            if let Some(text) = crate::numbers::two_decimals(rounded, &mut buffer) {
                assert_eq!(
                    std::str::from_utf8(text).unwrap(),
                    rounded.to_string(),
                    "{value}"
                );
            }
            let json = serde_json::to_string(&Money(value)).unwrap();
            assert_eq!(json, rounded.to_string(), "{value}");
            // And as the report's writer appends it, after other text.
            let mut out = b"x: ".to_vec();
            money(&mut out, value);
            assert_eq!(out, format!("x: {rounded}").into_bytes(), "{value}");
        }
        // Every length of whole part, both signs, at the u64 limit too.
        for magnitude in (0..19).map(|power| 10u64.pow(power)).chain([
            9,
            99,
            u64::MAX,
            u64::MAX / 100 * 100,
            123_456_789_012_345_678,
        ]) {
            for negative in [false, true] {
                let mut out = Vec::new();
                append_cents(&mut out, negative, magnitude);
                let value = Decimal::from_i128_with_scale(
                    i128::from(magnitude) * if negative { -1 } else { 1 },
                    2,
                );
                assert_eq!(
                    out,
                    value.to_string().into_bytes(),
                    "{magnitude} {negative}"
                );
            }
        }
    }
}
