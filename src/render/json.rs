//! `--format json`: every figure, for scripts. Money is a JSON number with
//! exactly two decimals; ratios are numbers rounded to 4 decimals, day
//! counts to 1; `null` where §4 says a figure is undefined. The schema only
//! grows; `schema` changes when something incompatible would.

use std::io::Write;

use rust_decimal::Decimal;
use serde::Serialize;

use super::{cents, round_to};
use crate::assess::{Flag, Guard, Verdict};
use crate::report::{ClientReport, Report};

/// Version of the JSON layout; `diff` refuses snapshots of another one.
pub const SCHEMA_VERSION: u32 = 1;

/// Money for JSON: rounded half-even to cents, written as a number.
#[derive(Debug, Clone, Copy)]
pub struct Money(pub Decimal);

impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        // How serde_json (with `arbitrary_precision`) writes a number given
        // as text: its `Number` serializes itself this way, and so does
        // rust_decimal's helper, after formatting the Decimal and parsing
        // the text back into a `Number` (two allocations a figure, and a
        // large report has millions of figures). If serde_json ever changed
        // this, money would come out as an object, and every JSON test
        // would fail.
        const NUMBER: &str = "$serde_json::private::Number";
        let rounded = cents(self.0);
        let mut buffer = [0u8; 48];
        let mut number = serializer.serialize_struct(NUMBER, 1)?;
        match two_decimals(rounded, &mut buffer) {
            Some(text) => number.serialize_field(NUMBER, text)?,
            // Beyond 10^26 cents cannot be rescaled to two places.
            None => number.serialize_field(NUMBER, &rounded.to_string())?,
        }
        number.end()
    }
}

/// `value` as `Decimal::to_string` writes it when its scale is 2, e.g.
/// `-1234.50`, `0.05`, into `buffer`: no allocation. `None` at another scale.
fn two_decimals(value: Decimal, buffer: &mut [u8; 48]) -> Option<&str> {
    if value.scale() != 2 {
        return None;
    }
    let mantissa = value.mantissa();
    // Digits from the right: cents, the point, at least one whole digit.
    // (64-bit division by 10 compiles to a multiplication; amounts beyond
    // 1.8 × 10^17 cents take the general path.)
    let mut magnitude = u64::try_from(mantissa.unsigned_abs()).ok()?;
    let mut at = buffer.len();
    let mut digits = 0;
    while digits < 3 || magnitude > 0 {
        if digits == 2 {
            at -= 1;
            buffer[at] = b'.';
        }
        at -= 1;
        buffer[at] = b'0' + (magnitude % 10) as u8;
        magnitude /= 10;
        digits += 1;
    }
    if mantissa < 0 {
        at -= 1;
        buffer[at] = b'-';
    }
    std::str::from_utf8(&buffer[at..]).ok()
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
    settings: &'a crate::config::Config,
}

/// The document's fields after `clients`.
#[derive(Serialize)]
struct Tail<'a> {
    portfolio: PortfolioJson,
    warnings: &'a [String],
}

#[derive(Serialize)]
struct PeriodJson {
    from: String,
    to: String,
    days: i64,
}

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
    flags: &'a [Flag],
    verdict: Verdict,
    guard: Option<GuardJson<'a>>,
    reasons: &'a [String],
    actions: Vec<&'a str>,
    quadrant: crate::report::Quadrant,
}

/// The guard, without the revenue share (it is the client's own
/// `revenue_share`, and each metric name appears once per client).
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
    round_to(super::ratio_of(value, Decimal::ONE), 2)
}

fn client(c: &ClientReport) -> ClientJson<'_> {
    let m = &c.metrics;
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
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
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
/// beyond; or `CLIENTFIT_JSON_BLOCK` (tests make blocks small, to check
/// that how the clients are cut into blocks never shows in the output).
fn block_size(clients: usize, threads: usize) -> usize {
    std::env::var("CLIENTFIT_JSON_BLOCK")
        .ok()
        .and_then(|value| value.parse::<usize>().ok())
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
    // A block is rendered as `{"c": [clients]}` by the pretty printer,
    // which puts its clients at the depth they have in the document; the
    // wrapper's own first and last lines are cut off. What is left is each
    // client after `,\n    ` (the first after `\n    `, so a comma goes
    // first), as the document has them.
    const OPEN: &[u8] = b"{\n  \"c\": [";
    const CLOSE: &[u8] = b"\n  ]\n}";
    struct Clients<'a>(&'a [&'a ClientReport]);
    impl Serialize for Clients<'_> {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeSeq;
            let mut clients = serializer.serialize_seq(Some(self.0.len()))?;
            for client_report in self.0 {
                clients.serialize_element(&client(client_report))?;
            }
            clients.end()
        }
    }
    #[derive(Serialize)]
    struct Wrapper<'a> {
        c: Clients<'a>,
    }
    let render_block = |block: &[&ClientReport]| -> serde_json::Result<Vec<u8>> {
        let mut text = Vec::with_capacity(block.len() * 3 * 1024);
        text.push(b',');
        serde_json::to_writer_pretty(&mut text, &Wrapper { c: Clients(block) })?;
        // Cannot fail for a block of one client or more: the printer wrote
        // both ends of the wrapper.
        match text
            .get(1..)
            .is_some_and(|rendered| rendered.starts_with(OPEN) && rendered.ends_with(CLOSE))
        {
            true => {
                text.truncate(text.len().saturating_sub(CLOSE.len()));
                text.drain(1..OPEN.len().saturating_add(1));
                Ok(text)
            }
            false => Err(serde::ser::Error::custom(
                "the JSON of a block of clients has an unexpected shape",
            )),
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    out.write_all(b"[")?;
    let mut first = true;
    let block = block_size(shown.len(), threads);
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

#[cfg(test)]
mod tests {
    use super::*;

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
            let mut buffer = [0u8; 48];
            if let Some(text) = two_decimals(rounded, &mut buffer) {
                assert_eq!(text, rounded.to_string(), "{value}");
            }
            let json = serde_json::to_string(&Money(value)).unwrap();
            assert_eq!(json, rounded.to_string(), "{value}");
        }
    }
}
