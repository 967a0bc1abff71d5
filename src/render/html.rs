//! `--format html`: one self-contained file (no network, no scripts, no
//! external fonts or images) with the ranked table, the whale curve, the
//! value-versus-effort scatter, the verdict counts and the receivables
//! aging, drawn as inline SVG. Every text from the data is escaped.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::safe;
use super::{grouped, ratio_of};
use crate::assess::Verdict;
use crate::report::{Quadrant, Report};

fn verdict_color(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Fire => "#c0392b",
        Verdict::Refer => "#8e44ad",
        Verdict::Restructure => "#d68910",
        Verdict::Keep => "#1e8449",
    }
}

fn number(value: Decimal) -> f64 {
    ratio_of(value, Decimal::ONE)
}

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_string(), |v| format!("{:.0}%", v * 100.0))
}

/// Chart geometry: a plot area inside margins, mapping data to pixels.
struct Plot {
    width: f64,
    height: f64,
    left: f64,
    bottom: f64,
    x: (f64, f64),
    y: (f64, f64),
}

impl Plot {
    fn new(x: (f64, f64), y: (f64, f64)) -> Plot {
        let widen = |(low, high): (f64, f64)| {
            if (high - low).abs() < f64::EPSILON {
                (low - 1.0, high + 1.0)
            } else {
                (low, high)
            }
        };
        Plot {
            width: 560.0,
            height: 300.0,
            left: 70.0,
            bottom: 40.0,
            x: widen(x),
            y: widen(y),
        }
    }

    fn px(&self, x: f64) -> f64 {
        self.left + (x - self.x.0) / (self.x.1 - self.x.0) * (self.width - self.left - 20.0)
    }

    fn py(&self, y: f64) -> f64 {
        (self.height - self.bottom)
            - (y - self.y.0) / (self.y.1 - self.y.0) * (self.height - self.bottom - 20.0)
    }

    fn open(&self, out: &mut String, label: &str) {
        let _ = write!(
            out,
            r#"<svg role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMidYMid meet">"#,
            safe::html(label),
            self.width,
            self.height
        );
        // Axes.
        let _ = write!(
            out,
            r##"<line x1="{l}" y1="{b}" x2="{r}" y2="{b}" stroke="#555"/><line x1="{l}" y1="20" x2="{l}" y2="{b}" stroke="#555"/>"##,
            l = self.left,
            b = self.height - self.bottom,
            r = self.width - 20.0
        );
    }

    fn y_labels(&self, out: &mut String) {
        for step in 0..=4 {
            let value = self.y.0 + (self.y.1 - self.y.0) * f64::from(step) / 4.0;
            let _ = write!(
                out,
                r##"<text x="{}" y="{:.1}" text-anchor="end" font-size="11" fill="#444">{}</text>"##,
                self.left - 6.0,
                self.py(value) + 4.0,
                safe::html(
                    &grouped(Decimal::from_f64_retain(value.round()).unwrap_or_default())
                        .replace(".00", "")
                )
            );
        }
    }
}

fn whale_curve(report: &Report, out: &mut String) {
    let whale = &report.portfolio.whale;
    let values: Vec<f64> = whale.points.iter().map(|p| number(*p)).collect();
    let low = values.iter().copied().fold(0.0f64, f64::min);
    let high = values.iter().copied().fold(0.0f64, f64::max);
    let plot = Plot::new((0.0, values.len().max(1) as f64), (low, high));
    plot.open(
        out,
        "Whale curve: cumulative profit by client, most profitable first",
    );
    plot.y_labels(out);
    let mut points = format!("{:.1},{:.1}", plot.px(0.0), plot.py(0.0));
    for (index, value) in values.iter().enumerate() {
        let _ = write!(
            points,
            " {:.1},{:.1}",
            plot.px(index as f64 + 1.0),
            plot.py(*value)
        );
    }
    let _ = write!(
        out,
        r##"<polyline class="whale" points="{points}" fill="none" stroke="#1f618d" stroke-width="2"/>"##
    );
    if whale.peak_clients > 0 {
        let _ = write!(
            out,
            r##"<circle cx="{:.1}" cy="{:.1}" r="5" fill="#c0392b"><title>peak {} after {} clients</title></circle>"##,
            plot.px(whale.peak_clients as f64),
            plot.py(number(whale.peak)),
            safe::html(&grouped(whale.peak)),
            whale.peak_clients
        );
    }
    let _ = write!(
        out,
        r##"<text x="{:.1}" y="{}" text-anchor="middle" font-size="12" fill="#444">clients, most profitable first</text></svg>"##,
        plot.width / 2.0,
        plot.height - 8.0
    );
}

fn scatter(report: &Report, out: &mut String) {
    let clients = &report.clients;
    let hours: Vec<f64> = clients
        .iter()
        .map(|c| number(c.metrics.hours_to_serve))
        .collect();
    let profits: Vec<f64> = clients.iter().map(|c| number(c.metrics.profit)).collect();
    let x_high = hours.iter().copied().fold(0.0f64, f64::max);
    let y_low = profits.iter().copied().fold(0.0f64, f64::min);
    let y_high = profits.iter().copied().fold(0.0f64, f64::max);
    let plot = Plot::new((0.0, x_high), (y_low, y_high));
    plot.open(out, "Value versus effort: profit against hours to serve");
    plot.y_labels(out);
    let median_x = plot.px(number(report.portfolio.quadrants.median_hours));
    let median_y = plot.py(number(report.portfolio.quadrants.median_profit));
    let _ = write!(
        out,
        r##"<line x1="{median_x:.1}" y1="20" x2="{median_x:.1}" y2="{b}" stroke="#999" stroke-dasharray="4 3"/><line x1="{l}" y1="{median_y:.1}" x2="{r}" y2="{median_y:.1}" stroke="#999" stroke-dasharray="4 3"/>"##,
        b = plot.height - plot.bottom,
        l = plot.left,
        r = plot.width - 20.0
    );
    for (label, x, y) in [
        (Quadrant::Excellent, plot.left + 6.0, 32.0),
        (Quadrant::Average, plot.width - 26.0, 32.0),
        (
            Quadrant::Passive,
            plot.left + 6.0,
            plot.height - plot.bottom - 8.0,
        ),
        (
            Quadrant::Unbearable,
            plot.width - 26.0,
            plot.height - plot.bottom - 8.0,
        ),
    ] {
        let anchor = if x > plot.width / 2.0 { "end" } else { "start" };
        let _ = write!(
            out,
            r##"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" font-size="12" fill="#777">{}</text>"##,
            label.name()
        );
    }
    for ((client, x), y) in clients.iter().zip(&hours).zip(&profits) {
        let _ = write!(
            out,
            r#"<circle class="client" cx="{:.1}" cy="{:.1}" r="4" fill="{}"><title>{}: profit {}, {:.1} h, {}</title></circle>"#,
            plot.px(*x),
            plot.py(*y),
            verdict_color(client.assessment.verdict),
            safe::html(&client.name),
            safe::html(&grouped(client.metrics.profit)),
            x,
            client.quadrant.name()
        );
    }
    let _ = write!(
        out,
        r##"<text x="{:.1}" y="{}" text-anchor="middle" font-size="12" fill="#444">hours to serve (tickets, meetings, no-shows)</text></svg>"##,
        plot.width / 2.0,
        plot.height - 8.0
    );
}

/// Horizontal bars: one per (label, value, colour).
fn bars(out: &mut String, label: &str, items: &[(String, f64, &str, String)]) {
    let high = items.iter().map(|i| i.1).fold(0.0f64, f64::max).max(1.0);
    let height = 28.0 * items.len() as f64 + 10.0;
    let _ = write!(
        out,
        r#"<svg role="img" aria-label="{}" viewBox="0 0 560 {height}" width="100%">"#,
        safe::html(label)
    );
    for (index, (name, value, color, text)) in items.iter().enumerate() {
        let y = 8.0 + 28.0 * index as f64;
        let width = value / high * 330.0;
        let _ = write!(
            out,
            r##"<text x="110" y="{:.1}" text-anchor="end" font-size="12" fill="#333">{}</text><rect class="bar" x="120" y="{y:.1}" width="{width:.1}" height="18" fill="{color}"/><text x="{:.1}" y="{:.1}" font-size="12" fill="#333">{}</text>"##,
            y + 13.0,
            safe::html(name),
            126.0 + width,
            y + 13.0,
            safe::html(text)
        );
    }
    out.push_str("</svg>");
}

pub fn render(report: &Report) -> String {
    let p = &report.portfolio;
    let currency = report.currency.as_deref().unwrap_or("");
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>clientfit — {from} to {to}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem; color: #222; }}
h1 {{ font-size: 1.5rem; margin-bottom: .2rem; }} h2 {{ font-size: 1.15rem; margin-top: 2rem; }}
.meta {{ color: #555; }}
table {{ border-collapse: collapse; width: 100%; font-size: .85rem; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .3rem .45rem; text-align: left; vertical-align: top; }}
td.num, th.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
.verdict {{ font-weight: 600; }}
.fire {{ color: #c0392b; }} .refer {{ color: #8e44ad; }} .restructure {{ color: #b9770e; }} .keep {{ color: #1e8449; }}
.charts {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 1.5rem; }}
figure {{ margin: 0; }} figcaption {{ font-weight: 600; margin-bottom: .4rem; }}
ul.footer {{ padding-left: 1.2rem; }}
ul.notes {{ padding-left: 1.2rem; }} li.warning {{ color: #922b21; }}
@media print {{ body {{ margin: 0; }} .charts {{ display: block; }} figure {{ break-inside: avoid; margin-bottom: 1rem; }} tr {{ break-inside: avoid; }} }}
</style></head><body>
<h1>clientfit — which clients to keep, restructure, refer or fire</h1>
<p class="meta">Period {from} to {to} ({days} days), as of {as_of}{currency_note}</p>
<p class="meta">Config: {config}</p>
"#,
        from = report.period.from,
        to = report.period.to,
        days = report.period.days,
        as_of = report.period.as_of,
        config = safe::html(&report.config.provenance()),
        currency_note = if currency.is_empty() {
            String::new()
        } else {
            format!(" · amounts in {}", safe::html(currency))
        }
    );
    out.push_str(&super::notes_as_html(&report.notes()));
    out.push_str("<ul class=\"footer\">");
    for (label, text) in super::summary(report) {
        let _ = write!(
            out,
            "<li><strong>{}:</strong> {}</li>",
            safe::html(label),
            safe::html(&text)
        );
    }
    out.push_str("</ul>\n<div class=\"charts\">\n<figure><figcaption>Whale curve (cumulative profit)</figcaption>");
    whale_curve(report, &mut out);
    out.push_str("</figure>\n<figure><figcaption>Value versus effort</figcaption>");
    scatter(report, &mut out);
    out.push_str("</figure>\n<figure><figcaption>Clients per verdict</figcaption>");
    let verdict_items: Vec<(String, f64, &str, String)> = p
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
    bars(&mut out, "Clients per verdict", &verdict_items);
    out.push_str("</figure>\n<figure><figcaption>Receivables aging</figcaption>");
    let sum = |f: fn(&crate::aggregate::ClientMetrics) -> Decimal| {
        report
            .clients
            .iter()
            .map(|c| f(&c.metrics))
            .sum::<Decimal>()
    };
    let aging: Vec<(String, Decimal, &str)> = vec![
        ("current".to_string(), sum(|m| m.current), "#1e8449"),
        ("1-30".to_string(), sum(|m| m.d1_30), "#b7950b"),
        ("31-60".to_string(), sum(|m| m.d31_60), "#ca6f1e"),
        ("61-90".to_string(), sum(|m| m.d61_90), "#ba4a00"),
        ("90+".to_string(), sum(|m| m.d90_plus), "#922b21"),
    ];
    let aging_items: Vec<(String, f64, &str, String)> = aging
        .into_iter()
        .map(|(label, value, color)| (label, number(value), color, grouped(value)))
        .collect();
    bars(&mut out, "Receivables aging", &aging_items);
    out.push_str("</figure>\n</div>\n<h2>Clients</h2>\n<table><thead><tr><th class=\"num\">#</th><th>client</th><th class=\"num\">revenue</th><th class=\"num\">cost to serve</th><th class=\"num\">profit</th><th class=\"num\">margin</th><th class=\"num\">overdue</th><th class=\"num\">late %</th><th class=\"num\">tickets</th><th class=\"num\">no-shows</th><th class=\"num\">scope chg</th><th>flags</th><th>verdict</th></tr></thead><tbody>\n");
    for client in report.shown() {
        let m = &client.metrics;
        let flags: Vec<&str> = client
            .assessment
            .flags
            .iter()
            .map(|f| f.id.name())
            .collect();
        let verdict = client.assessment.verdict.name();
        let guarded = client
            .assessment
            .guard
            .as_ref()
            .is_some_and(|g| g.held_from.is_some());
        let _ = writeln!(
            out,
            "<tr class=\"client-row\"><td class=\"num\">{}</td><td>{}{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"verdict {verdict}\" title=\"{}\">{verdict}</td></tr>",
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
            safe::html(&flags.join(", ")),
            safe::html(&client.assessment.reasons.join(" · "))
        );
    }
    out.push_str("</tbody></table>\n<p class=\"meta\">† guarded (strategic or a large share of revenue): held at restructure. Written by clientfit ");
    out.push_str(env!("CARGO_PKG_VERSION"));
    out.push_str(".</p>\n</body></html>\n");
    out
}
