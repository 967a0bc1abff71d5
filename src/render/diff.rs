//! The text of `clientfit diff`: the verdict moves, new and gone clients,
//! the biggest movers and the notes, as plain text, markdown, one HTML
//! page, or JSON. Names and flags come from the snapshots: each format
//! escapes them for its target.
//!
//! Draws from `report::diff`; must not import `settings` or `commands`.

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use super::json::{Money, SCHEMA_VERSION};
use crate::assess::Verdict;
use crate::numbers::grouped;
use crate::report::diff::{Change, Diff, Figure, Move, Mover, PeriodJson};
use crate::safe;

/// The formats `diff` writes: its moves are lists, not one table, so there
/// is no csv.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DiffFormat {
    /// Plain text for people.
    Table,
    /// Everything, for scripts.
    Json,
    /// Markdown lists, for documents.
    Markdown,
    /// One self-contained HTML file.
    Html,
}

/// The diff as its JSON gives it: the fields of `Diff` in order, each
/// figure a JSON number (money exact to the cent).
#[derive(Serialize)]
struct DiffJson<'a> {
    notes: &'a [String],
    old_as_of: &'a str,
    new_as_of: &'a str,
    old_period: &'a PeriodJson,
    new_period: &'a PeriodJson,
    moves: &'a [Move],
    new_clients: &'a [Move],
    gone_clients: &'a [Move],
    profit_movers: Vec<MoverJson<'a>>,
    overdue_movers: Vec<MoverJson<'a>>,
    ticket_movers: Vec<MoverJson<'a>>,
}

#[derive(Serialize)]
struct MoverJson<'a> {
    client: &'a str,
    key: &'a str,
    old: Value,
    new: Value,
    change: Value,
}

fn money_value(value: Decimal) -> Value {
    serde_json::to_value(Money(value)).unwrap_or(Value::Null)
}

fn figure_value(figure: Figure) -> Value {
    match figure {
        Figure::Money(value) => money_value(value),
        Figure::Count(count) => Value::from(count),
    }
}

fn change_value(change: Change) -> Value {
    match change {
        Change::Money(value) => money_value(value),
        Change::Count(count) => count.map_or(Value::Null, Value::from),
    }
}

fn movers_json(movers: &[Mover]) -> Vec<MoverJson<'_>> {
    movers
        .iter()
        .map(|mover| MoverJson {
            client: &mover.client,
            key: &mover.key,
            old: figure_value(mover.old),
            new: figure_value(mover.new),
            change: change_value(mover.change),
        })
        .collect()
}

fn json(diff: &Diff) -> anyhow::Result<String> {
    let body = DiffJson {
        notes: &diff.notes,
        old_as_of: &diff.old_as_of,
        new_as_of: &diff.new_as_of,
        old_period: &diff.old_period,
        new_period: &diff.new_period,
        moves: &diff.moves,
        new_clients: &diff.new_clients,
        gone_clients: &diff.gone_clients,
        profit_movers: movers_json(&diff.profit_movers),
        overdue_movers: movers_json(&diff.overdue_movers),
        ticket_movers: movers_json(&diff.ticket_movers),
    };
    let mut text = serde_json::to_string_pretty(&serde_json::json!({
        "tool": "clientfit",
        "version": env!("CARGO_PKG_VERSION"),
        "schema": SCHEMA_VERSION,
        "view": "diff",
        "diff": body,
    }))?;
    text.push('\n');
    Ok(text)
}

fn verdict_name(verdict: Option<Verdict>) -> &'static str {
    verdict.map_or("new", Verdict::name)
}

fn flags(m: &Move) -> String {
    let mut parts = Vec::new();
    if !m.flags_appeared.is_empty() {
        parts.push(format!("+{}", m.flags_appeared.join(" +")));
    }
    if !m.flags_cleared.is_empty() {
        parts.push(format!("−{}", m.flags_cleared.join(" −")));
    }
    parts.join(" ")
}

/// A figure as the text shows it: money grouped, counts as they are.
fn show_figure(figure: Figure) -> String {
    show_value(&figure_value(figure))
}

fn show_change(change: Change) -> String {
    show_value(&change_value(change))
}

/// What the JSON writes, as text: money (a number with cents) grouped.
fn show_value(value: &Value) -> String {
    match value.to_string().parse::<Decimal>() {
        Ok(number) if value.to_string().contains('.') => grouped(number),
        _ => value.to_string(),
    }
}

pub(crate) fn render(diff: &Diff, format: DiffFormat) -> anyhow::Result<String> {
    match format {
        DiffFormat::Json => json(diff),
        DiffFormat::Markdown => Ok(text(diff, true)),
        DiffFormat::Html => Ok(html(diff)),
        DiffFormat::Table => Ok(text(diff, false)),
    }
}

/// The same sections as the text, as one self-contained HTML page.
fn html(diff: &Diff) -> String {
    use crate::safe::html as escape;
    let mut body = String::new();
    let verdict = |verdict: Option<Verdict>| {
        let name = verdict_name(verdict);
        format!("<span class=\"{name}\">{name}</span>")
    };
    let moves = diff.moves.iter().map(|m| {
        format!(
            "{}: {} → {} {}",
            escape(&m.client),
            verdict(m.from),
            verdict(Some(m.to)),
            escape(&flags(m))
        )
    });
    html_list(&mut body, "Verdict moves", moves.collect());
    let new_clients = diff.new_clients.iter().map(|m| {
        format!(
            "{}: {} {}",
            escape(&m.client),
            verdict(Some(m.to)),
            escape(&flags(m))
        )
    });
    html_list(&mut body, "New clients", new_clients.collect());
    let gone_clients = diff
        .gone_clients
        .iter()
        .map(|m| format!("{} (was {})", escape(&m.client), verdict(Some(m.to))));
    html_list(&mut body, "Gone clients", gone_clients.collect());
    for (title, movers) in movers(diff) {
        let lines = movers
            .iter()
            .map(|mover| escape(&mover_line(mover, &str::to_string)));
        html_list(&mut body, title, lines.collect());
    }
    for note in &diff.notes {
        body.push_str(&format!("<p class=\"meta\">Note: {}</p>\n", escape(note)));
    }
    crate::render::page::document(
        &format!("clientfit diff — {} → {}", diff.old_as_of, diff.new_as_of),
        &body,
    )
}

/// A titled HTML list of `items` (HTML already), or "none".
fn html_list(body: &mut String, title: &str, items: Vec<String>) {
    body.push_str(&format!("<h2>{}</h2>\n<ul>", safe::html(title)));
    if items.is_empty() {
        body.push_str("<li>none</li>");
    }
    for item in items {
        body.push_str(&format!("<li>{item}</li>"));
    }
    body.push_str("</ul>\n");
}

/// The three lists of biggest movers, by title.
fn movers(diff: &Diff) -> [(&'static str, &[Mover]); 3] {
    [
        ("Biggest movers: profit", &diff.profit_movers),
        ("Biggest movers: overdue", &diff.overdue_movers),
        ("Biggest movers: tickets", &diff.ticket_movers),
    ]
}

/// `client: old → new (+change)`, the client's name written by `name`.
fn mover_line(mover: &Mover, name: &dyn Fn(&str) -> String) -> String {
    let change = show_change(mover.change);
    let sign = if change.starts_with('-') { "" } else { "+" };
    format!(
        "{}: {} → {} ({sign}{change})",
        name(&mover.client),
        show_figure(mover.old),
        show_figure(mover.new)
    )
}

/// Plain text, or markdown: the same lines under headings.
fn text(diff: &Diff, markdown: bool) -> String {
    let name = |text: &str| {
        if markdown {
            safe::markdown(text)
        } else {
            safe::terminal(text)
        }
    };
    let mut out = String::new();
    out.push_str(&format!(
        "{}clientfit diff — {} (period {} to {}) → {} (period {} to {})\n",
        if markdown { "## " } else { "" },
        name(&diff.old_as_of),
        name(&diff.old_period.from),
        name(&diff.old_period.to),
        name(&diff.new_as_of),
        name(&diff.new_period.from),
        name(&diff.new_period.to),
    ));
    let list = |out: &mut String, title: &str, items: Vec<String>| {
        text_list(out, markdown, title, items);
    };
    let moves = diff.moves.iter().map(|m| {
        format!(
            "{}: {} → {}  {}",
            name(&m.client),
            verdict_name(m.from),
            m.to.name(),
            flags(m)
        )
    });
    list(&mut out, "Verdict moves", moves.collect());
    let new_clients = diff
        .new_clients
        .iter()
        .map(|m| format!("{}: {}  {}", name(&m.client), m.to.name(), flags(m)));
    list(&mut out, "New clients", new_clients.collect());
    let gone_clients = diff
        .gone_clients
        .iter()
        .map(|m| format!("{} (was {})", name(&m.client), m.to.name()));
    list(&mut out, "Gone clients", gone_clients.collect());
    for (title, movers) in movers(diff) {
        let lines = movers.iter().map(|mover| mover_line(mover, &name));
        list(&mut out, title, lines.collect());
    }
    if !diff.notes.is_empty() {
        out.push('\n');
    }
    for note in &diff.notes {
        out.push_str(&format!("Note: {}\n", safe::terminal(note)));
    }
    out
}

/// A heading, then one line per item (escaped already), or "none".
fn text_list(out: &mut String, markdown: bool, title: &str, items: Vec<String>) {
    if markdown {
        out.push_str(&format!("\n### {title}\n\n"));
    } else {
        out.push_str(&format!("\n{title}\n"));
    }
    let bullet = if markdown { "- " } else { "  " };
    if items.is_empty() {
        out.push_str(&format!("{bullet}none\n"));
    }
    for item in items {
        out.push_str(&format!("{bullet}{item}\n"));
    }
}
