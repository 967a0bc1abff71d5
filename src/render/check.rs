//! The text of `clientfit check`: the account of each file, the names that
//! match no invoice client, the rows that name no client, the warnings
//! and notes, and OK or the problems that would stop `report`. Every text
//! from the files is escaped for the terminal.
//!
//! Draws from `report::check`; must not import `settings` or `commands`.

use std::fmt::Write as _;

use crate::ingest::columns::Kind;
use crate::ingest::reader::FileReport;
use crate::ingest::source::{bytes_name, delimiter_name};
use crate::report::check::Check;
use crate::safe;
use crate::wording::plural;

/// The whole account, as terminal text.
pub(crate) fn render(check: &Check) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "clientfit check — {} {}",
        check.files.len(),
        plural(check.files.len() as u64, "file", "files")
    );
    if !check.own_outputs.is_empty() {
        out.push('\n');
    }
    for skipped in check.own_outputs {
        let _ = writeln!(out, "warning: {}", safe::terminal(skipped));
    }
    let _ = writeln!(out, "config: {}", safe::terminal(&check.config));
    for report in check.files {
        describe(&mut out, report, check.in_memory_limit);
    }
    strays(&mut out, check);
    unmatched(&mut out, check);
    for warning in &check.warnings {
        let _ = writeln!(out, "\nwarning: {}", safe::terminal_text(warning));
    }
    if check.delivery_cost_unknown {
        let _ = writeln!(out, "\nnote: {}", crate::config::DELIVERY_COST_UNKNOWN);
    }
    verdict(&mut out, &check.problems);
    out
}

/// Names in tickets and meetings that match no invoice client.
fn strays(out: &mut String, check: &Check) {
    if check.strays.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\nnames in tickets or meetings that match no invoice client:"
    );
    for stray in &check.strays {
        let suggestion = match &stray.closest {
            Some(close) => format!(
                " — did you mean {:?}? (add {:?} as an alias of it in clients.csv)",
                safe::terminal(close),
                safe::terminal(&stray.name)
            ),
            None => " — no invoice client is close; it will be listed with no revenue".to_string(),
        };
        let _ = writeln!(
            out,
            "  {:?} in {}{suggestion}",
            safe::terminal(&stray.name),
            stray.files.join(", ")
        );
    }
}

/// Tickets, meetings and time entries that name no client, and where
/// they are.
fn unmatched(out: &mut String, check: &Check) {
    let (tickets, meetings, entries) = (
        check.unmatched_tickets,
        check.unmatched_meetings,
        check.unmatched_time,
    );
    if tickets == 0 && meetings == 0 && entries == 0 {
        return;
    }
    if tickets > 0 || meetings > 0 {
        let _ = writeln!(
            out,
            "\nunmatched: {tickets} {} and {meetings} {} name no client and no email domain from clients.csv (map them with clients.csv aliases or domains):",
            plural(tickets, "ticket", "tickets"),
            plural(meetings, "meeting", "meetings"),
        );
    }
    if entries > 0 {
        let _ = writeln!(
            out,
            "\nunmatched: {entries} time {} name no client, and no project that [time.projects] or clients.csv projects maps (their hours would be in no client's cost):",
            plural(entries, "entry", "entries"),
        );
    }
    for report in check.files {
        for (line, named) in &report.unmatched_rows {
            let _ = writeln!(
                out,
                "  {}:{line}: {}",
                safe::terminal(&report.path.display().to_string()),
                safe::terminal(named)
            );
        }
        let listed = report.unmatched_rows.len() as u64;
        if report.unmatched > listed {
            let _ = writeln!(
                out,
                "  {}: {} more",
                safe::terminal(&report.path.display().to_string()),
                report.unmatched.saturating_sub(listed)
            );
        }
    }
}

/// OK, or the problems that would stop `report`.
fn verdict(out: &mut String, problems: &[String]) {
    if problems.is_empty() {
        let _ = writeln!(out, "\nOK: report can read these files.");
    } else {
        let _ = writeln!(
            out,
            "\n{} {}; report would stop at the first:",
            problems.len(),
            plural(problems.len() as u64, "problem", "problems")
        );
        for problem in problems {
            let _ = writeln!(out, "  error: {}", problem.replace('\n', "\n  "));
        }
    }
}

/// The account of one file.
fn describe(out: &mut String, report: &FileReport, in_memory_limit: u64) {
    let _ = writeln!(
        out,
        "\n{}",
        safe::terminal(&report.path.display().to_string())
    );
    let kind = report.kind.map_or("?", |k| k.name());
    if report.kind_from.is_empty() {
        let _ = writeln!(out, "  kind        {kind}");
    } else {
        let _ = writeln!(out, "  kind        {kind} (from {})", report.kind_from);
    }
    if report.encoding.is_empty() {
        // The file could not even be opened.
        if let Some(err) = &report.error {
            let _ = writeln!(
                out,
                "  error       {}",
                err.to_string().replace('\n', "\n              ")
            );
        }
        return;
    }
    text(out, report, in_memory_limit);
    columns(out, report);
    rows(out, report);
    if let (Some(first), Some(last)) = (report.first_date, report.last_date) {
        let _ = writeln!(out, "  dates from  {first} to {last}");
    }
    if !report.currencies.is_empty() {
        let codes: Vec<&str> = report.currencies.iter().map(String::as_str).collect();
        let _ = writeln!(out, "  currencies  {}", codes.join(", "));
    }
    payments_and_discounts(out, report);
    if let Some(err) = &report.error {
        let _ = writeln!(
            out,
            "  error       {}",
            err.to_string().replace('\n', "\n              ")
        );
    }
}

/// How the text was read: encoding, delimiter, decimal separator, header.
fn text(out: &mut String, report: &FileReport, in_memory_limit: u64) {
    let decimal = report
        .decimal
        .map(|d| format!(", decimal {:?}", d.char().to_string()))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "  text        {}, delimiter {}{decimal}, header on line {}{}",
        report.encoding,
        delimiter_name(report.delimiter),
        report.header_line,
        if report.preamble_rows > 0 {
            format!(
                " (after {} title {})",
                report.preamble_rows,
                plural(report.preamble_rows, "row", "rows")
            )
        } else {
            String::new()
        }
    );
    if report.in_memory {
        let _ = writeln!(
            out,
            "  read        once, into memory: not a regular file (at most {})",
            bytes_name(in_memory_limit)
        );
    }
    for note in &report.notes {
        let _ = writeln!(out, "  note        {}", safe::terminal(note));
    }
}

/// Which column feeds which field, and how numeric dates were read.
fn columns(out: &mut String, report: &FileReport) {
    if !report.mapping.is_empty() {
        let mapping: Vec<String> = report
            .mapping
            .iter()
            .map(|(field, column)| {
                if column.is_empty() {
                    format!("{field} off")
                } else {
                    format!("{field} ← {:?}", safe::terminal(column))
                }
            })
            .collect();
        let _ = writeln!(out, "  columns     {}", mapping.join(", "));
    }
    for (column, order, why) in &report.date_orders {
        let order = match order {
            crate::config::DateOrder::Dmy => "day/month/year",
            crate::config::DateOrder::Mdy => "month/day/year",
        };
        let _ = writeln!(
            out,
            "  dates       {:?} read as {order} ({why})",
            safe::terminal(column)
        );
    }
}

/// Rows read and skipped, and why.
fn rows(out: &mut String, report: &FileReport) {
    let mut rows = format!("{} read", report.rows_read);
    if report.section_rows > 0 {
        rows.push_str(&format!(
            ", {} section/total {} skipped",
            report.section_rows,
            plural(report.section_rows, "row", "rows")
        ));
    }
    if !report.bad_rows.is_empty() {
        rows.push_str(&format!(
            ", {} bad {} skipped",
            report.bad_rows.len(),
            plural(report.bad_rows.len() as u64, "row", "rows")
        ));
    }
    if report.replaced > 0 {
        rows.push_str(&format!(", {} replaced by a later file", report.replaced));
    }
    if report.merged_rows > 0 {
        rows.push_str(&format!(
            ", {} sharing a ticket id merged into {} ticket(s)",
            report.merged_rows, report.merged_tickets
        ));
    }
    if report.unmatched > 0 {
        rows.push_str(&format!(", {} naming no client", report.unmatched));
    }
    let _ = writeln!(out, "  rows        {rows}");
    for (line, first) in &report.section_lines {
        let _ = writeln!(
            out,
            "              skipped: line {line}, section or total row {}",
            crate::error::quote(first)
        );
    }
    let unlisted = report
        .section_rows
        .saturating_sub(report.section_lines.len() as u64);
    if unlisted > 0 {
        let _ = writeln!(
            out,
            "              skipped: … and {unlisted} more section or total {}",
            plural(unlisted, "row", "rows")
        );
    }
    for bad in report.bad_rows.iter().take(10) {
        let _ = writeln!(
            out,
            "              skipped: {}",
            bad.to_string().lines().next().unwrap_or("")
        );
    }
}

/// Invoices: what is unknown about payments, and discounts left out.
fn payments_and_discounts(out: &mut String, report: &FileReport) {
    if report.kind == Some(Kind::Invoices) && report.rows_read > 0 {
        if !report.payment_columns {
            let _ = writeln!(
                out,
                "  payments    unknown: no paid date, paid amount, balance or status column (lateness and receivables leave these invoices out)"
            );
        }
        if report.discounts.percent_header {
            let _ = writeln!(
                out,
                "  discounts   percentages by their header: left out unless [invoices] discount is set"
            );
        } else if report.discounts.look_like_rates() {
            let _ = writeln!(
                out,
                "  discounts   all between 0 and 1: rates, not money? left out unless [invoices] discount is set"
            );
        }
    }
}
