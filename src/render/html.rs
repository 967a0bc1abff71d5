//! `--format html`: one self-contained file (no network, no scripts, no
//! external fonts or images) with the ranked table, the whale curve, the
//! value-versus-effort scatter, the verdict counts and the receivables
//! aging, drawn as inline SVG (the charts are `render::charts`'s). Every
//! text from the data is escaped.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::charts::{bars, number, scatter, verdict_color, whale_curve};
use crate::numbers::grouped;
use crate::report::Report;
use crate::safe;

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_string(), |v| format!("{:.0}%", v * 100.0))
}

/// The columns of the client table, in order: the verdict comes right
/// after the name so that it is on screen at any width.
const COLUMNS: [(&str, bool); 12] = [
    ("#", true),
    ("client", false),
    ("verdict", false),
    ("revenue", true),
    ("cost to serve", true),
    ("profit", true),
    ("margin", true),
    ("overdue", true),
    ("late %", true),
    ("tickets", true),
    ("no-shows", true),
    ("scope chg", true),
];

pub(crate) fn render(report: &Report) -> anyhow::Result<String> {
    let mut out = String::new();
    head(report, &mut out);
    out.push_str(&super::notes_as_html(&report.notes()));
    summary(report, &mut out);
    charts(report, &mut out)?;
    client_table(report, &mut out);
    out.push_str("</body></html>\n");
    Ok(out)
}

/// The page's style sheet: on screen, and in print.
const STYLE: &str = "\
body { font-family: system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif; margin: 1.5rem; color: #222; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.meta { color: #555; }
.wide { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .8rem; }
th, td { padding: .25rem .35rem; text-align: left; vertical-align: top; }
th { border-bottom: 2px solid #bbb; }
tbody.client { border-bottom: 1px solid #ddd; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.why { padding-top: 0; color: #444; font-size: .95em; overflow-wrap: anywhere; }
td.name { overflow-wrap: anywhere; min-width: 7em; }
.flag { white-space: nowrap; font-weight: 600; }
.verdict { font-weight: 600; white-space: nowrap; }
.fire { color: #c0392b; } .refer { color: #8e44ad; } .restructure { color: #b9770e; } .keep { color: #1e8449; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 1.5rem; }
figure { margin: 0; } figcaption { font-weight: 600; margin-bottom: .4rem; } figcaption .meta { font-weight: normal; }
svg text { font-size: 11px; fill: #444; }
svg text.axis { font-size: 12px; }
svg text.quadrant, svg text.label { font-size: 12px; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg text.quadrant { fill: #666; font-style: italic; }
ul.footer { padding-left: 1.2rem; }
ul.notes { padding-left: 1.2rem; } li.warning { color: #922b21; }
@page { margin: 12mm; }
@media print {
  body { margin: 0; font-size: 10pt; }
  .wide { overflow: visible; }
  table { font-size: 7.5pt; }
  thead { display: table-header-group; }
  tbody.client, figure { break-inside: avoid; }
  .charts { grid-template-columns: 1fr 1fr; gap: 1rem; } figure.plot { grid-column: 1 / -1; }
  h2 { break-after: avoid; }
  svg text.quadrant, svg text.label { stroke: none; }
  svg { max-height: 9cm; }
}
";

/// The document's head and the title block: period, as-of, currency and
/// the config read.
fn head(report: &Report, out: &mut String) {
    let currency = report.currency.as_deref().unwrap_or("");
    let _ = write!(
        out,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>clientfit — {from} to {to}</title>
<style>
{STYLE}</style></head><body>
<h1>clientfit — which clients to keep, restructure, refer or fire</h1>
<p class="meta">Period {from} to {to} ({days} {day_word}), as of {as_of}{currency_note}</p>
<p class="meta">Config: {config}</p>
"#,
        from = report.period.from,
        to = report.period.to,
        days = report.period.days,
        day_word = crate::wording::plural(report.period.days.unsigned_abs(), "day", "days"),
        as_of = report.period.as_of,
        config = safe::html(&report.config.provenance()),
        currency_note = if currency.is_empty() {
            String::new()
        } else {
            format!(" · amounts in {}", safe::html(currency))
        }
    );
}

/// The portfolio's figures, one line each.
fn summary(report: &Report, out: &mut String) {
    out.push_str("<ul class=\"footer\">");
    for (label, text) in super::summary(report) {
        let _ = write!(
            out,
            "<li><strong>{}:</strong> {}</li>",
            safe::html(label),
            safe::html(&text)
        );
    }
    out.push_str("</ul>\n");
}

/// The whale curve, value against effort, verdicts and receivables aging.
fn charts(report: &Report, out: &mut String) -> anyhow::Result<()> {
    out.push_str("<div class=\"charts\">\n<figure class=\"plot\"><figcaption>Whale curve (cumulative profit)</figcaption>");
    whale_curve(report, out);
    out.push_str("</figure>\n<figure class=\"plot\"><figcaption>Value versus effort <span class=\"meta\">(a triangle: off the scale, named with its figures)</span></figcaption>");
    scatter(report, out);
    out.push_str("</figure>\n<figure><figcaption>Clients per verdict</figcaption>");
    let verdict_items: Vec<(String, f64, &str, String)> = report
        .portfolio
        .verdicts
        .iter()
        .map(|(v, n)| {
            (
                v.name().to_string(),
                *n as f64,
                verdict_color(*v),
                n.to_string(),
            )
        })
        .collect();
    bars(out, "Clients per verdict", &verdict_items);
    out.push_str("</figure>\n<figure><figcaption>Receivables aging</figcaption>");
    let aging_items = aging_items(report)?;
    bars(out, "Receivables aging", &aging_items);
    out.push_str("</figure>\n</div>\n");
    Ok(())
}

/// The aging chart's bars: each bucket's total over the listed clients.
fn aging_items(report: &Report) -> anyhow::Result<Vec<(String, f64, &'static str, String)>> {
    let sum = |what: &str, f: fn(&crate::aggregate::ClientMetrics) -> Decimal| {
        report.clients.iter().try_fold(Decimal::ZERO, |sum, c| {
            crate::error::add_amounts(what, sum, f(&c.metrics))
        })
    };
    let aging: Vec<(String, Decimal, &str)> = vec![
        (
            "current".to_string(),
            sum("total current", |m| m.current)?,
            "#1e8449",
        ),
        (
            "1-30".to_string(),
            sum("total 1-30 days overdue", |m| m.d1_30)?,
            "#b7950b",
        ),
        (
            "31-60".to_string(),
            sum("total 31-60 days overdue", |m| m.d31_60)?,
            "#ca6f1e",
        ),
        (
            "61-90".to_string(),
            sum("total 61-90 days overdue", |m| m.d61_90)?,
            "#ba4a00",
        ),
        (
            "90+".to_string(),
            sum("total over 90 days overdue", |m| m.d90_plus)?,
            "#922b21",
        ),
    ];
    Ok(aging
        .into_iter()
        .map(|(label, value, color)| (label, number(value), color, grouped(value)))
        .collect())
}

/// The clients' table and the line under it.
fn client_table(report: &Report, out: &mut String) {
    out.push_str("<h2>Clients</h2>\n");
    out.push_str("<div class=\"wide\"><table><thead><tr>");
    for (name, numeric) in COLUMNS {
        let _ = write!(
            out,
            "<th{}>{name}</th>",
            if numeric { " class=\"num\"" } else { "" }
        );
    }
    out.push_str("</tr></thead>\n");
    for client in report.shown() {
        client_rows(report, client, out);
    }
    out.push_str("</table></div>\n<p class=\"meta\">");
    if super::any_guard_held(report) {
        out.push_str("† guarded (strategic or a large share of revenue): held at restructure. ");
    }
    out.push_str("Written by clientfit ");
    out.push_str(env!("CARGO_PKG_VERSION"));
    out.push_str(".</p>\n");
}

/// A client's figures, and under them its flags and the reasons for its
/// verdict as text (not a tooltip: they must survive printing).
fn client_rows(report: &Report, client: &crate::report::ClientReport, out: &mut String) {
    let m = &client.metrics;
    let verdict = client.assessment.verdict.name();
    let guarded = client
        .assessment
        .guard
        .as_ref()
        .is_some_and(|g| g.held_from.is_some());
    let _ = writeln!(
        out,
        "<tbody class=\"client\"><tr class=\"client-row\"><td class=\"num\">{}</td><td class=\"name\">{}{}</td><td class=\"verdict {verdict}\">{verdict}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
        client.rank,
        safe::html(&client.name),
        if guarded { " †" } else { "" },
        grouped(m.revenue),
        grouped(m.cost_to_serve),
        grouped(m.profit),
        percent(m.margin),
        super::overdue_cell(report, m),
        percent(m.late_share),
        m.tickets,
        m.no_shows,
        m.scope_changes,
    );
    let _ = write!(
        out,
        "<tr class=\"why\"><td></td><td class=\"why\" colspan=\"{}\">",
        COLUMNS.len().saturating_sub(1)
    );
    for flag in &client.assessment.flags {
        let _ = write!(
            out,
            "<span class=\"flag\" title=\"{}\">{}</span> ",
            safe::html(&flag.detail),
            flag.id.name()
        );
    }
    if !client.assessment.flags.is_empty() {
        out.push_str("— ");
    }
    out.push_str(&safe::html(&client.assessment.reasons.join(" · ")));
    // The price gap under the figures: a column of its own would not fit
    // a 1000-pixel page beside the others.
    if let Some(line) = crate::assess::price::price_line(m, &report.config.targets) {
        out.push_str(" · ");
        out.push_str(&safe::html(&line));
    }
    out.push_str("</td></tr></tbody>\n");
}
