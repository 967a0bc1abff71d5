//! `--format markdown`: the table as GitHub-flavoured markdown, for pasting
//! into documents, with the footer as a list.

use crate::numbers::grouped;
use crate::report::Report;
use crate::safe;

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_string(), |v| format!("{:.0}%", v * 100.0))
}

pub(crate) fn render(report: &Report) -> String {
    let mut out = format!(
        "## clientfit — {} to {} (as of {})\n\n",
        report.period.from, report.period.to, report.period.as_of
    );
    out.push_str(&format!(
        "Config: {}\n\n",
        safe::markdown(&report.config.provenance())
    ));
    out.push_str("| # | client | revenue | cost to serve | profit | margin | price gap | overdue | late % | tickets | no-shows | scope chg | flags | verdict |\n");
    out.push_str("|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|\n");
    for client in report.shown() {
        let m = &client.metrics;
        let guarded = client
            .assessment
            .guard
            .as_ref()
            .is_some_and(|g| g.held_from.is_some());
        let flags: Vec<&str> = client
            .assessment
            .flags
            .iter()
            .map(|f| f.id.name())
            .collect();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | **{}** |\n",
            client.rank,
            safe::markdown(&client.name) + if guarded { " †" } else { "" },
            grouped(m.revenue),
            grouped(m.cost_to_serve),
            grouped(m.profit),
            percent(m.margin),
            super::table::price_gap_cell(report, m),
            super::overdue_cell(report, m),
            percent(m.late_share),
            m.tickets,
            m.no_shows,
            m.scope_changes,
            if flags.is_empty() {
                "–".to_string()
            } else {
                flags.join(", ")
            },
            client.assessment.verdict.name()
        ));
    }
    out.push('\n');
    out.push_str(&super::notes_as_markdown(&report.notes()));
    for (label, text) in super::summary(report) {
        out.push_str(&format!("- **{label}:** {text}\n"));
    }
    if super::any_guard_held(report) {
        out.push_str("- † guarded (strategic or a large share of revenue): held at restructure\n");
    }
    out
}
