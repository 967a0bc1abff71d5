//! The terminal table: ranked clients, then a footer with totals, verdict
//! counts and the Pareto line.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, Color, ContentArrangement, Table};

use super::{Style, Width, grouped, sanitize};
use crate::assess::Verdict;
use crate::report::Report;

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_string(), |v| format!("{:.0}%", v * 100.0))
}

fn verdict_color(verdict: Verdict) -> Color {
    match verdict {
        Verdict::Fire => Color::Red,
        Verdict::Refer => Color::Magenta,
        Verdict::Restructure => Color::Yellow,
        Verdict::Keep => Color::Green,
    }
}

pub fn render(report: &Report, style: Style) -> String {
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    if style.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    match style.width {
        Width::Fixed(width) => {
            table.set_content_arrangement(ContentArrangement::Dynamic);
            table.set_width(width);
        }
        Width::Terminal => {
            table.set_content_arrangement(ContentArrangement::Dynamic);
        }
        Width::Unlimited => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    table.set_header(vec![
        "#",
        "client",
        "revenue",
        "cost to serve",
        "profit",
        "margin",
        "overdue",
        "late %",
        "tickets",
        "no-shows",
        "scope chg",
        "flags",
        "verdict",
    ]);
    for client in report.shown() {
        let m = &client.metrics;
        let verdict = client.assessment.verdict;
        let mut verdict_cell = Cell::new(verdict.name());
        if style.color {
            verdict_cell = verdict_cell.fg(verdict_color(verdict));
        }
        let flags: Vec<&str> = client
            .assessment
            .flags
            .iter()
            .map(|f| f.id.name())
            .collect();
        let mut name = sanitize(&client.name);
        if let Some(guard) = &client.assessment.guard
            && guard.held_from.is_some()
        {
            name.push_str(" †");
        }
        table.add_row(vec![
            Cell::new(client.rank).set_alignment(CellAlignment::Right),
            Cell::new(name),
            Cell::new(grouped(m.revenue)).set_alignment(CellAlignment::Right),
            Cell::new(grouped(m.cost_to_serve)).set_alignment(CellAlignment::Right),
            Cell::new(grouped(m.profit)).set_alignment(CellAlignment::Right),
            Cell::new(percent(m.margin)).set_alignment(CellAlignment::Right),
            Cell::new(grouped(m.overdue)).set_alignment(CellAlignment::Right),
            Cell::new(percent(m.late_share)).set_alignment(CellAlignment::Right),
            Cell::new(m.tickets).set_alignment(CellAlignment::Right),
            Cell::new(m.no_shows).set_alignment(CellAlignment::Right),
            Cell::new(m.scope_changes).set_alignment(CellAlignment::Right),
            Cell::new(if flags.is_empty() {
                "–".to_string()
            } else {
                flags.join(", ")
            }),
            verdict_cell,
        ]);
    }

    let p = &report.portfolio;
    let currency = report
        .currency
        .as_deref()
        .map(|c| format!(" {c}"))
        .unwrap_or_default();
    let mut out = String::new();
    out.push_str(&format!(
        "clientfit — {} to {} (as of {}, {} days)\n",
        report.period.from, report.period.to, report.period.as_of, report.period.days
    ));
    out.push_str(&table.to_string());
    out.push('\n');
    if report.shown.len() < report.clients.len() {
        out.push_str(&format!(
            "Showing {} of {} clients.\n",
            report.shown.len(),
            report.clients.len()
        ));
    }
    out.push_str(&format!(
        "Totals: {} clients · revenue {}{currency} · cost to serve {} · profit {} · overdue {} ({} over 90 days)\n",
        p.clients,
        grouped(p.revenue),
        grouped(p.cost_to_serve),
        grouped(p.profit),
        grouped(p.overdue),
        grouped(p.d90_plus),
    ));
    let verdicts: Vec<String> = p
        .verdicts
        .iter()
        .map(|(v, n)| format!("{} {n}", v.name()))
        .collect();
    out.push_str(&format!("Verdicts: {}\n", verdicts.join(" · ")));
    let share = |value: Option<f64>| {
        value.map_or_else(|| "n/a".to_string(), |v| format!("{:.0}%", v * 100.0))
    };
    out.push_str(&format!(
        "Pareto: top 20% of clients ({}) bring {} of revenue and {} of profit\n",
        p.pareto.top_clients,
        share(p.pareto.revenue_share),
        share(p.pareto.profit_share)
    ));
    if report.clients.iter().any(|c| {
        c.assessment
            .guard
            .as_ref()
            .is_some_and(|g| g.held_from.is_some())
    }) {
        out.push_str("† guarded (strategic or a large share of revenue): held at restructure\n");
    }
    if p.unmatched_tickets > 0 || p.unmatched_meetings > 0 {
        out.push_str(&format!(
            "Unmatched: {} ticket(s) and {} meeting(s) name no known client — map them with clients.csv aliases or domains\n",
            p.unmatched_tickets, p.unmatched_meetings
        ));
    }
    out
}
