//! `--format csv`: one row per shown client, snake_case headers, plain
//! numbers (money with two decimals, ratios as fractions), empty for
//! undefined figures (`delivery_cost` while `[rates] delivery_cost_share`
//! is unset: the cost is unknown, and profit leaves it out; lateness and
//! receivables when no invoices file says what was paid). Text that a spreadsheet would run as a formula is
//! prefixed with `'`.

use rust_decimal::Decimal;

use crate::numbers::{cents, ratio_of, round_to};
use crate::report::{ClientReport, Report};
use crate::safe;

/// The header row, which `discover` also knows a saved report by.
pub(crate) const HEADERS: &[&str] = &[
    "rank",
    "client",
    "key",
    "owner",
    "segment",
    "strategic",
    "verdict",
    "flags",
    "guard",
    "revenue",
    "bad_debt",
    "discounts",
    "support_cost",
    "meeting_cost",
    "no_show_cost",
    "collection_cost",
    "delivery_cost",
    "cost_to_serve",
    "profit",
    "margin",
    "effective_hourly",
    "hours_to_serve",
    "invoices_due",
    "late_invoices",
    "late_share",
    "avg_days_late",
    "outstanding",
    "current",
    "d1_30",
    "d31_60",
    "d61_90",
    "d90_plus",
    "overdue",
    "dso",
    "tickets",
    "ticket_minutes",
    "scope_changes",
    "escalations",
    "abusive_tickets",
    "scheduled",
    "attended",
    "no_shows",
    "cancelled",
    "no_show_rate",
    "revenue_share",
    "ticket_share",
    "reasons",
    "quadrant",
    // Appended, so scripts that read columns by position keep working.
    "cost_basis",
    "hours",
    "hours_worked",
    "billable_hours",
    "non_billable_hours",
    "billable_share",
    "labour_cost",
    "billable_value",
    "realisation",
    "target_revenue",
    "price_gap",
    "price_rise",
    "hours_to_cut",
];

fn optional(value: Option<f64>, decimals: i32) -> String {
    value
        .map(|v| round_to(v, decimals).to_string())
        .unwrap_or_default()
}

pub(crate) fn render(report: &Report) -> anyhow::Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(HEADERS)?;
    for client in report.shown() {
        writer.write_record(record(report, client))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|err| anyhow::anyhow!("{err}"))?;
    Ok(String::from_utf8(bytes)?)
}

/// The guards that apply to a client, `;`-separated.
fn guards(assessment: &crate::assess::Assessment) -> String {
    assessment
        .guard
        .as_ref()
        .map(|g| {
            g.ids
                .iter()
                .map(|id| match id {
                    crate::assess::GuardId::Strategic => "strategic",
                    crate::assess::GuardId::Concentration => "concentration",
                })
                .collect::<Vec<_>>()
                .join(";")
        })
        .unwrap_or_default()
}

/// One client's row, in the order of `HEADERS`.
fn record(report: &Report, c: &ClientReport) -> Vec<String> {
    let m = &c.metrics;
    let a = &c.assessment;
    let flags: Vec<&str> = a.flags.iter().map(|f| f.id.name()).collect();
    let money = |v| cents(v).to_string();
    // When no invoices file says what was paid, lateness and
    // receivables are unknown: empty, as the tables' `n/a`, not 0.00.
    let known = report.payments_known;
    let paid_money = |v| if known { money(v) } else { String::new() };
    let paid_count = |v: u64| if known { v.to_string() } else { String::new() };
    let paid_ratio = |v, places| {
        if known {
            optional(v, places)
        } else {
            String::new()
        }
    };
    let quantity = |v| round_to(ratio_of(v, Decimal::ONE), 2).to_string();
    let mut row = vec![
        c.rank.to_string(),
        safe::csv(&c.name),
        safe::csv(&c.key),
        safe::csv(c.owner.as_deref().unwrap_or("")),
        safe::csv(c.segment.as_deref().unwrap_or("")),
        c.strategic.to_string(),
        a.verdict.name().to_string(),
        flags.join(";"),
        guards(a),
        money(m.revenue),
        money(m.bad_debt),
        money(m.discounts),
        money(m.support_cost),
        money(m.meeting_cost),
        money(m.no_show_cost),
        money(m.collection_cost),
        // Empty, as every undefined figure is: the cost is unknown,
        // not zero, and profit leaves it out.
        if report.delivery_cost_unknown() {
            String::new()
        } else {
            money(m.delivery_cost)
        },
        money(m.cost_to_serve),
        money(m.profit),
        optional(m.margin, 4),
        m.effective_hourly.map(money).unwrap_or_default(),
        quantity(m.hours_to_serve),
        paid_count(m.invoices_due),
        paid_count(m.late_invoices),
        paid_ratio(m.late_share, 4),
        paid_ratio(m.avg_days_late, 1),
        paid_money(m.outstanding),
        paid_money(m.current),
        paid_money(m.d1_30),
        paid_money(m.d31_60),
        paid_money(m.d61_90),
        paid_money(m.d90_plus),
        paid_money(m.overdue),
        paid_ratio(m.dso, 1),
        m.tickets.to_string(),
        quantity(m.ticket_minutes),
        m.scope_changes.to_string(),
        m.escalations.to_string(),
        m.abusive_tickets.to_string(),
        m.scheduled.to_string(),
        m.attended.to_string(),
        m.no_shows.to_string(),
        m.cancelled.to_string(),
        optional(m.no_show_rate, 4),
        optional(m.revenue_share, 4),
        optional(m.ticket_share, 4),
        safe::csv(&a.reasons.join(" | ")),
        c.quadrant.name().to_string(),
    ];
    row.extend(time_columns(report, m));
    row
}

/// The cost basis, the timesheet's figures (empty without one) and the
/// price gap, in the order of the last `HEADERS`.
fn time_columns(report: &Report, m: &crate::aggregate::ClientMetrics) -> Vec<String> {
    let money = |v| cents(v).to_string();
    let quantity = |v| round_to(ratio_of(v, Decimal::ONE), 2).to_string();
    let time = m.time.as_deref();
    let gap = m.price_gap(&report.config.targets);
    vec![
        match report.cost_basis {
            crate::aggregate::CostBasis::Hours => "hours",
            crate::aggregate::CostBasis::Share => "share",
        }
        .to_string(),
        time.map(|t| quantity(t.hours)).unwrap_or_default(),
        quantity(m.hours_worked()),
        time.and_then(|t| t.billable_hours)
            .map(quantity)
            .unwrap_or_default(),
        time.and_then(|t| t.non_billable_hours)
            .map(quantity)
            .unwrap_or_default(),
        optional(time.and_then(|t| t.billable_share), 4),
        time.map(|t| money(t.labour_cost)).unwrap_or_default(),
        time.and_then(|t| t.billable_value)
            .map(money)
            .unwrap_or_default(),
        optional(time.and_then(|t| t.realisation), 4),
        gap.map(|g| money(g.target_revenue)).unwrap_or_default(),
        gap.map(|g| money(g.gap)).unwrap_or_default(),
        optional(gap.and_then(|g| g.rise), 4),
        gap.and_then(|g| g.hours_to_cut)
            .map(quantity)
            .unwrap_or_default(),
    ]
}
