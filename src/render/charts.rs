//! The charts of the HTML report, drawn as inline SVG: the whale curve,
//! the value-versus-effort scatter (clients off the scale as named
//! triangles at its edge) and the horizontal bars, with the axes, ticks
//! and scales they share. Every text from the data is escaped.
//!
//! Part of `render::html`; must not import `settings` or `commands`.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use crate::assess::Verdict;
use crate::numbers::{grouped, ratio_of};
use crate::report::{Quadrant, Report};
use crate::safe;

pub(super) fn verdict_color(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Fire => "#c0392b",
        Verdict::Refer => "#8e44ad",
        Verdict::Restructure => "#d68910",
        Verdict::Keep => "#1e8449",
    }
}

pub(super) fn number(value: Decimal) -> f64 {
    ratio_of(value, Decimal::ONE)
}

/// One axis of a chart: the data range it shows, its tick values and the
/// pixels it spans.
struct Axis {
    low: f64,
    high: f64,
    ticks: Vec<f64>,
    /// Decimals the tick labels need (from the tick step).
    decimals: usize,
    /// Pixel positions of `low` and `high`.
    from: f64,
    to: f64,
}

impl Axis {
    /// An axis over `low..=high` with round ticks ("nice" steps of 1, 2 or
    /// 5 times a power of ten) that cover the range.
    /// `whole`: a count, ticked at whole numbers only, over exactly
    /// `low..=high` (the ticks inside it).
    fn new(low: f64, high: f64, from: f64, to: f64, whole: bool) -> Axis {
        let (low, high) = if (high - low).abs() >= f64::EPSILON {
            (low, high)
        } else if low == 0.0 {
            // All zero (no hours at all): no negative side to show.
            (0.0, 1.0)
        } else {
            (low - 1.0, high + 1.0)
        };
        let step = nice_step((high - low) / 4.0);
        // Counts (of clients) have no ticks between whole numbers.
        let step = if whole { step.max(1.0) } else { step };
        let (first, last) = if whole {
            ((low / step).ceil() * step, (high / step).floor() * step)
        } else {
            ((low / step).floor() * step, (high / step).ceil() * step)
        };
        let count = ((last - first) / step).round() as usize;
        let ticks = (0..=count).map(|i| first + step * i as f64).collect();
        let (first, last) = if whole { (low, high) } else { (first, last) };
        let decimals = if step >= 1.0 {
            0
        } else {
            (-step.log10().floor()) as usize
        };
        Axis {
            low: first,
            high: last,
            ticks,
            decimals,
            from,
            to,
        }
    }

    fn px(&self, value: f64) -> f64 {
        self.from + (value - self.low) / (self.high - self.low) * (self.to - self.from)
    }

    fn contains(&self, value: f64) -> bool {
        value >= self.low - 1e-9 && value <= self.high + 1e-9
    }

    fn clamp(&self, value: f64) -> f64 {
        value.clamp(self.low, self.high)
    }

    fn label(&self, value: f64) -> String {
        tick_label(value, self.decimals)
    }
}

/// The round step (1, 2 or 5 times a power of ten) nearest above `rough`.
fn nice_step(rough: f64) -> f64 {
    if !rough.is_finite() || rough <= 0.0 {
        return 1.0;
    }
    let power = 10f64.powf(rough.log10().floor());
    let fraction = rough / power;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// A tick value with thousands separators: `-2000` → `-2,000`.
fn tick_label(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value);
    let text = if text
        .trim_start_matches('-')
        .trim_matches(['0', '.'])
        .is_empty()
    {
        // "-0" reads as a loss that is not there.
        text.trim_start_matches('-').to_string()
    } else {
        text
    };
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (integer, places) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let mut out = String::from(sign);
    for (index, ch) in integer.chars().enumerate() {
        // `index` counts characters, never more than the bytes of `len`.
        if index > 0 && integer.len().saturating_sub(index) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(places) = places {
        out.push('.');
        out.push_str(places);
    }
    out
}

/// The range an axis shows for `values`: all of them, unless a few lie
/// far outside the rest (beyond three interquartile ranges of the middle
/// half), which would squash everyone else into a corner; those are drawn
/// at the edge, marked and named. At most a fifth of the values at each
/// end are left out: beyond that they are no outliers but the data's own
/// spread. `keep` values (zero, the medians) are always inside.
fn robust_range(values: &[f64], keep: &[f64]) -> (f64, f64) {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let quantile = |q: f64| -> f64 {
        let position = q * sorted.len().saturating_sub(1) as f64;
        let below = position.floor() as usize;
        let above = position.ceil() as usize;
        // `q` is within 0..=1, so both positions are in range when any value is.
        match (sorted.get(below), sorted.get(above)) {
            (Some(low), Some(high)) => low + (high - low) * (position - below as f64),
            _ => 0.0,
        }
    };
    let (q1, q3) = (quantile(0.25), quantile(0.75));
    let spread = q3 - q1;
    let (fence_low, fence_high) = if spread > 0.0 {
        (q1 - 3.0 * spread, q3 + 3.0 * spread)
    } else {
        (f64::NEG_INFINITY, f64::INFINITY)
    };
    let most_left_out = sorted.len() / 5;
    let below = sorted.iter().filter(|v| **v < fence_low).count();
    let above = sorted.iter().filter(|v| **v > fence_high).count();
    let fence_low = if below > most_left_out {
        f64::NEG_INFINITY
    } else {
        fence_low
    };
    let fence_high = if above > most_left_out {
        f64::INFINITY
    } else {
        fence_high
    };
    let inside = sorted
        .iter()
        .copied()
        .filter(|v| *v >= fence_low && *v <= fence_high);
    let mut low = f64::INFINITY;
    let mut high = f64::NEG_INFINITY;
    for value in inside.chain(keep.iter().copied()) {
        low = low.min(value);
        high = high.max(value);
    }
    if low > high { (0.0, 0.0) } else { (low, high) }
}

/// Chart geometry: a plot frame inside a fixed view box, with a band on
/// top for the legend and room below for tick labels and the axis title.
const VIEW_WIDTH: f64 = 560.0;
const VIEW_HEIGHT: f64 = 330.0;
const FRAME_LEFT: f64 = 66.0;
const FRAME_RIGHT: f64 = 548.0;
const FRAME_TOP: f64 = 30.0;
const FRAME_BOTTOM: f64 = 282.0;
/// Room between the frame and the outermost dot, so no dot is cut.
const INSET: f64 = 10.0;
/// Room above and below the outermost dot: the quadrant names' bands.
const LABEL_BAND: f64 = 22.0;

struct Plot {
    x: Axis,
    y: Axis,
}

impl Plot {
    fn new(x: (f64, f64), y: (f64, f64), whole_x: bool) -> Plot {
        let x = Axis::new(x.0, x.1, FRAME_LEFT + INSET, FRAME_RIGHT - INSET, whole_x);
        // Deeper top and bottom: the quadrant names sit in those bands.
        let y = Axis::new(
            y.0,
            y.1,
            FRAME_BOTTOM - LABEL_BAND,
            FRAME_TOP + LABEL_BAND,
            false,
        );
        Plot { x, y }
    }

    /// The SVG element, grid, ticks and axis titles.
    fn open(&self, out: &mut String, label: &str, x_title: &str, y_title: &str) {
        let _ = write!(
            out,
            r#"<svg role="img" aria-label="{}" viewBox="0 0 {VIEW_WIDTH} {VIEW_HEIGHT}" width="100%" preserveAspectRatio="xMidYMid meet">"#,
            safe::html(label),
        );
        for tick in &self.y.ticks {
            let y = self.y.px(*tick);
            let _ = write!(
                out,
                r##"<line x1="{FRAME_LEFT}" y1="{y:.1}" x2="{FRAME_RIGHT}" y2="{y:.1}" stroke="#eee"/><text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
                FRAME_LEFT - 5.0,
                y + 4.0,
                safe::html(&self.y.label(*tick))
            );
        }
        for tick in &self.x.ticks {
            let x = self.x.px(*tick);
            let _ = write!(
                out,
                r##"<line x1="{x:.1}" y1="{FRAME_BOTTOM}" x2="{x:.1}" y2="{:.1}" stroke="#555"/><text class="tick" x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
                FRAME_BOTTOM + 4.0,
                FRAME_BOTTOM + 16.0,
                safe::html(&self.x.label(*tick))
            );
        }
        let _ = write!(
            out,
            r##"<rect x="{FRAME_LEFT}" y="{FRAME_TOP}" width="{:.1}" height="{:.1}" fill="none" stroke="#555"/><text class="axis" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text><text class="axis" x="12" y="{:.1}" text-anchor="middle" transform="rotate(-90 12 {:.1})">{}</text>"##,
            FRAME_RIGHT - FRAME_LEFT,
            FRAME_BOTTOM - FRAME_TOP,
            (FRAME_LEFT + FRAME_RIGHT) / 2.0,
            VIEW_HEIGHT - 10.0,
            safe::html(x_title),
            (FRAME_TOP + FRAME_BOTTOM) / 2.0,
            (FRAME_TOP + FRAME_BOTTOM) / 2.0,
            safe::html(y_title),
        );
    }
}

pub(super) fn whale_curve(report: &Report, out: &mut String) {
    let whale = &report.portfolio.whale;
    let values: Vec<f64> = whale.points.iter().map(|p| number(*p)).collect();
    let low = values.iter().copied().fold(0.0f64, f64::min);
    let high = values.iter().copied().fold(0.0f64, f64::max);
    let plot = Plot::new((0.0, values.len().max(1) as f64), (low, high), true);
    plot.open(
        out,
        "Whale curve: cumulative profit by client, most profitable first",
        "clients, most profitable first",
        "cumulative profit",
    );
    let mut points = format!("{:.1},{:.1}", plot.x.px(0.0), plot.y.px(0.0));
    for (index, value) in values.iter().enumerate() {
        let _ = write!(
            points,
            " {:.1},{:.1}",
            plot.x.px(index as f64 + 1.0),
            plot.y.px(*value)
        );
    }
    let _ = write!(
        out,
        r##"<polyline class="whale" points="{points}" fill="none" stroke="#1f618d" stroke-width="2"/>"##
    );
    if whale.peak_clients > 0 {
        let (x, y) = (
            plot.x.px(whale.peak_clients as f64),
            plot.y.px(number(whale.peak)),
        );
        // Named in the bottom corner, where a whale curve seldom runs.
        let _ = write!(
            out,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="5" fill="#c0392b"/><text class="label" x="{:.1}" y="{:.1}" text-anchor="end"><tspan fill="#c0392b">●</tspan> peak {} after {} {}</text>"##,
            FRAME_RIGHT - 6.0,
            FRAME_BOTTOM - 8.0,
            safe::html(&grouped(whale.peak)),
            whale.peak_clients,
            if whale.peak_clients == 1 {
                "client"
            } else {
                "clients"
            },
        );
    }
    out.push_str("</svg>");
}

/// The legend of verdict colours, in the band above a chart's frame.
fn verdict_legend(out: &mut String) {
    let mut x = FRAME_LEFT;
    for verdict in [
        Verdict::Fire,
        Verdict::Refer,
        Verdict::Restructure,
        Verdict::Keep,
    ] {
        let _ = write!(
            out,
            r#"<circle cx="{:.1}" cy="14" r="4" fill="{}"/><text class="tick" x="{:.1}" y="18">{}</text>"#,
            x + 4.0,
            verdict_color(verdict),
            x + 12.0,
            verdict.name()
        );
        x += 24.0 + 7.0 * verdict.name().len() as f64;
    }
}

pub(super) fn scatter(report: &Report, out: &mut String) {
    let clients = &report.clients;
    let hours: Vec<f64> = clients
        .iter()
        .map(|c| number(c.metrics.hours_worked()))
        .collect();
    let profits: Vec<f64> = clients.iter().map(|c| number(c.metrics.profit)).collect();
    let median_hours = number(report.portfolio.quadrants.median_hours);
    let median_profit = number(report.portfolio.quadrants.median_profit);
    let plot = Plot::new(
        robust_range(&hours, &[0.0, median_hours]),
        robust_range(&profits, &[0.0, median_profit]),
        false,
    );
    let (effort, axis) = report.effort_words();
    plot.open(
        out,
        &format!("Value versus effort: profit against {effort}"),
        axis,
        "profit",
    );
    verdict_legend(out);
    let median_x = plot.x.px(median_hours);
    let median_y = plot.y.px(median_profit);
    let _ = write!(
        out,
        r##"<line x1="{median_x:.1}" y1="{FRAME_TOP}" x2="{median_x:.1}" y2="{FRAME_BOTTOM}" stroke="#999" stroke-dasharray="4 3"/><line x1="{FRAME_LEFT}" y1="{median_y:.1}" x2="{FRAME_RIGHT}" y2="{median_y:.1}" stroke="#999" stroke-dasharray="4 3"/>"##,
    );
    let mut labels: Vec<(f64, f64, &str, String)> = Vec::new();
    for ((client, x), y) in clients.iter().zip(&hours).zip(&profits) {
        let color = verdict_color(client.assessment.verdict);
        // Escaped here, once: written as it is below.
        let title = format!(
            "{}: profit {}, {:.1} h, {}",
            safe::html(&client.name),
            grouped(client.metrics.profit),
            x,
            client.quadrant.name()
        );
        let (cx, cy) = (plot.x.px(plot.x.clamp(*x)), plot.y.px(plot.y.clamp(*y)));
        if plot.x.contains(*x) && plot.y.contains(*y) {
            let _ = write!(
                out,
                r#"<circle class="client" cx="{cx:.1}" cy="{cy:.1}" r="4" fill="{color}" fill-opacity="0.85"><title>{}</title></circle>"#,
                title
            );
            continue;
        }
        labels.push(off_scale(
            out,
            &plot,
            (*x, *y),
            color,
            &title,
            &client.name,
            client.metrics.profit,
        ));
    }
    let rendered = off_scale_labels(labels);
    quadrant_names(out);
    out.push_str(&rendered);
    out.push_str("</svg>");
}

/// A client off the scale: a triangle at the edge, pointing the way it
/// lies; returns its label (y, x, anchor, text), placed beside it.
fn off_scale(
    out: &mut String,
    plot: &Plot,
    (x, y): (f64, f64),
    color: &str,
    title: &str,
    name: &str,
    profit: Decimal,
) -> (f64, f64, &'static str, String) {
    let (cx, cy) = (plot.x.px(plot.x.clamp(x)), plot.y.px(plot.y.clamp(y)));
    // Off the scale: a triangle at the edge, pointing the way the
    // client lies, and named with its figures.
    let (dx, dy) = (
        if x > plot.x.high {
            1.0
        } else if x < plot.x.low {
            -1.0
        } else {
            0.0
        },
        if y > plot.y.high {
            -1.0
        } else if y < plot.y.low {
            1.0
        } else {
            0.0
        },
    );
    let (tip_x, tip_y) = (cx + 6.0 * dx, cy + 6.0 * dy);
    let (side_x, side_y) = (-dy, dx);
    let (base_x, base_y) = (cx - 2.0 * dx, cy - 2.0 * dy);
    let _ = write!(
        out,
        r#"<path class="client outlier" d="M{tip_x:.1},{tip_y:.1} L{:.1},{:.1} L{:.1},{:.1} Z" fill="{color}"><title>{}</title></path>"#,
        base_x + 5.0 * side_x,
        base_y + 5.0 * side_y,
        base_x - 5.0 * side_x,
        base_y - 5.0 * side_y,
        title
    );
    let anchor = if cx > (FRAME_LEFT + FRAME_RIGHT) / 2.0 {
        "end"
    } else {
        "start"
    };
    (
        if dy > 0.0 { cy - 8.0 } else { cy + 4.0 },
        if anchor == "end" {
            cx - 10.0
        } else {
            cx + 10.0
        },
        anchor,
        format!("{}: {}, {:.1} h", safe::html(name), grouped(profit), x),
    )
}

/// The names of clients off the scale, as SVG text.
fn off_scale_labels(mut labels: Vec<(f64, f64, &str, String)>) -> String {
    // One under another (clear of the quadrant names in the corners),
    // never on top of each other.
    labels.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (top, bottom) = (FRAME_TOP + 32.0, FRAME_BOTTOM - 22.0);
    let mut next = top;
    for label in &mut labels {
        label.0 = label.0.max(next).max(top);
        next = label.0 + 13.0;
    }
    let overflow = labels.last().map_or(0.0, |l| l.0 - bottom).max(0.0);
    let mut rendered = String::new();
    for (y, x, anchor, text) in &labels {
        let _ = write!(
            rendered,
            r#"<text class="label" x="{x:.1}" y="{:.1}" text-anchor="{anchor}">{}</text>"#,
            (y - overflow).max(top),
            text
        );
    }
    rendered
}

/// Quadrant names, each in its corner (drawn after the dots, over them).
fn quadrant_names(out: &mut String) {
    for (quadrant, x, y, anchor) in [
        (
            Quadrant::Excellent,
            FRAME_LEFT + 5.0,
            FRAME_TOP + 14.0,
            "start",
        ),
        (
            Quadrant::Average,
            FRAME_RIGHT - 5.0,
            FRAME_TOP + 14.0,
            "end",
        ),
        (
            Quadrant::Passive,
            FRAME_LEFT + 5.0,
            FRAME_BOTTOM - 6.0,
            "start",
        ),
        (
            Quadrant::Unbearable,
            FRAME_RIGHT - 5.0,
            FRAME_BOTTOM - 6.0,
            "end",
        ),
    ] {
        let _ = write!(
            out,
            r#"<text class="quadrant" x="{x:.1}" y="{y:.1}" text-anchor="{anchor}">{}</text>"#,
            quadrant.name()
        );
    }
}

/// Horizontal bars: one per (label, value, colour).
pub(super) fn bars(out: &mut String, label: &str, items: &[(String, f64, &str, String)]) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        // A quarter of each range, rounded up to 1, 2 or 5 times a power of ten.
        assert_eq!(nice_step(0.3), 0.5);
        assert_eq!(nice_step(20.0), 20.0);
        assert_eq!(nice_step(230.0), 500.0);
        // Profits from -2,220 to 70,178: a quarter is 18,099.5 → steps of
        // 20,000 from -20,000 to 80,000.
        let profit = Axis::new(-2220.0, 70178.0, 0.0, 100.0, false);
        assert_eq!(
            profit.ticks,
            [-20000.0, 0.0, 20000.0, 40000.0, 60000.0, 80000.0]
        );
        assert_eq!((profit.low, profit.high), (-20000.0, 80000.0));
        assert_eq!(profit.px(30000.0), 50.0);
        // 32 clients: steps of 10 inside 0..=32, and the axis ends at 32.
        let clients = Axis::new(0.0, 32.0, 0.0, 100.0, true);
        assert_eq!(clients.ticks, [0.0, 10.0, 20.0, 30.0]);
        assert_eq!((clients.low, clients.high), (0.0, 32.0));
        // Two clients: no half-client ticks.
        assert_eq!(Axis::new(0.0, 2.0, 0.0, 1.0, true).ticks, [0.0, 1.0, 2.0]);
        // No hours at all: from 0 up, never below.
        let none = Axis::new(0.0, 0.0, 0.0, 100.0, false);
        assert_eq!((none.low, none.high), (0.0, 1.0));
    }

    #[test]
    fn tick_labels_group_thousands() {
        assert_eq!(tick_label(-20000.0, 0), "-20,000");
        assert_eq!(tick_label(1234567.0, 0), "1,234,567");
        assert_eq!(tick_label(-0.0, 0), "0");
        assert_eq!(tick_label(2.5, 1), "2.5");
    }

    #[test]
    fn one_far_outlier_does_not_set_the_scale() {
        // 1 2 3 4 100: quartiles 2 and 4, so anything above 4 + 3 × 2 = 10
        // is far out; one of five may be left out (a fifth).
        assert_eq!(
            robust_range(&[1.0, 2.0, 3.0, 4.0, 100.0], &[0.0]),
            (0.0, 4.0)
        );
        // Two of five alike: the upper quartile is 100 itself, so neither
        // is far out.
        assert_eq!(
            robust_range(&[1.0, 2.0, 3.0, 100.0, 100.0], &[0.0]),
            (0.0, 100.0)
        );
        // All equal: no spread to measure, nothing left out.
        assert_eq!(robust_range(&[5.0, 5.0, 5.0], &[0.0]), (0.0, 5.0));
        // Kept values widen the range.
        assert_eq!(robust_range(&[1.0, 2.0], &[-3.0]), (-3.0, 2.0));
    }
}
