//! `clientfit diff OLD.json NEW.json`: what changed between two report
//! snapshots — clients whose verdict moved (and the flags that appeared or
//! cleared), new and gone clients, and the biggest movers in profit,
//! overdue and ticket volume.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::Context;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use crate::assess::{FlagId, Verdict};
use crate::error::subtract_amounts;
use crate::numbers::grouped;
use crate::render::json::{Money, SCHEMA_VERSION};
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

/// How many movers to list per figure.
const MOVERS: usize = 5;

#[derive(Debug, Clone)]
struct Snapshot {
    /// What its figures assumed (the report's `notes`).
    notes: Vec<String>,
    as_of: String,
    period: PeriodJson,
    /// The settings the report was made with, as its JSON gives them.
    settings: Value,
    clients: BTreeMap<String, ClientState>,
}

#[derive(Debug, Clone)]
struct ClientState {
    name: String,
    verdict: Verdict,
    flags: BTreeSet<String>,
    profit: Decimal,
    overdue: Decimal,
    tickets: u64,
}

fn verdict(text: &str) -> Option<Verdict> {
    Verdict::ALL.into_iter().find(|v| v.name() == text)
}

/// A snapshot that is not what `report --format json` writes: the file,
/// the field (as a JSON path) and what is wrong with its value.
fn bad_field(name: &str, field: &str, value: &Value, problem: &str) -> anyhow::Error {
    let shown = value.to_string();
    anyhow::anyhow!(
        "{name}: {field} = {} {problem}; diff compares snapshots written by `clientfit report --format json`",
        crate::safe::cut(&shown, crate::safe::MESSAGE_VALUE_CHARS)
    )
}

/// A day as the report writes it (`2026-10-31`).
fn day_field(name: &str, field: &str, value: &Value) -> anyhow::Result<String> {
    value
        .as_str()
        .filter(|text| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok())
        .map(str::to_string)
        .ok_or_else(|| bad_field(name, field, value, "is not a date in the form YYYY-MM-DD"))
}

/// The value at `pointer` in a snapshot, or null where it has none (as
/// serde_json's indexing reads an absent key).
fn at<'a>(document: &'a Value, pointer: &str) -> &'a Value {
    const NULL: &Value = &Value::Null;
    document.pointer(pointer).unwrap_or(NULL)
}

fn load(path: &Path) -> anyhow::Result<Snapshot> {
    let name = safe::terminal(&path.display().to_string());
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {name}"))?;
    let document: Value = serde_json::from_str(&text).with_context(|| {
        format!("{name} is not JSON; diff compares `clientfit report --format json` snapshots")
    })?;
    if at(&document, "/tool") != "clientfit" || at(&document, "/clients").as_array().is_none() {
        anyhow::bail!("{name} is not a `clientfit report --format json` snapshot");
    }
    if let Some(view) = document.get("view") {
        anyhow::bail!(
            "{name} is a {} view, not a report snapshot",
            safe::terminal(&view.to_string())
        );
    }
    match at(&document, "/schema").as_u64() {
        Some(schema) if schema == u64::from(SCHEMA_VERSION) => {}
        other => anyhow::bail!(
            "{name} has JSON schema {}, and this clientfit ({}) reads schema {SCHEMA_VERSION}; write both snapshots with the same version to compare them",
            other.map_or_else(|| "unknown".to_string(), |s| s.to_string()),
            env!("CARGO_PKG_VERSION")
        ),
    }
    let as_of = day_field(&name, "as_of", at(&document, "/as_of"))?;
    let from = day_field(&name, "period.from", at(&document, "/period/from"))?;
    let to = day_field(&name, "period.to", at(&document, "/period/to"))?;
    let mut clients = BTreeMap::new();
    for (index, client) in at(&document, "/clients")
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let field = |key: &str| format!("clients[{index}].{key}");
        let text = |key: &str| -> anyhow::Result<String> {
            client[key]
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| bad_field(&name, &field(key), &client[key], "is not a text"))
        };
        // Money as the report writes it: a JSON number (exact decimals).
        let money = |key: &str| -> anyhow::Result<Decimal> {
            let value = &client[key];
            value
                .is_number()
                .then(|| value.to_string().parse::<Decimal>().ok())
                .flatten()
                .ok_or_else(|| bad_field(&name, &field(key), value, "is not an amount"))
        };
        let key = text("key")?;
        if key.is_empty() {
            return Err(bad_field(&name, &field("key"), &client["key"], "is empty"));
        }
        let state = ClientState {
            name: text("client")?,
            verdict: client["verdict"]
                .as_str()
                .and_then(verdict)
                .ok_or_else(|| {
                    bad_field(
                        &name,
                        &field("verdict"),
                        &client["verdict"],
                        "is not a verdict (fire, refer, restructure or keep)",
                    )
                })?,
            flags: match client["flags"].as_array() {
                Some(flags) => flags
                    .iter()
                    .enumerate()
                    .map(|(at, flag)| {
                        flag["id"]
                            .as_str()
                            .filter(|id| FlagId::ALL.iter().any(|known| known.name() == *id))
                            .map(str::to_string)
                            .ok_or_else(|| {
                                bad_field(
                                    &name,
                                    &field(&format!("flags[{at}].id")),
                                    &flag["id"],
                                    "is not a flag clientfit knows",
                                )
                            })
                    })
                    .collect::<anyhow::Result<_>>()?,
                None => {
                    return Err(bad_field(
                        &name,
                        &field("flags"),
                        &client["flags"],
                        "is not a list of flags",
                    ));
                }
            },
            profit: money("profit")?,
            overdue: money("overdue")?,
            tickets: client["tickets"].as_u64().ok_or_else(|| {
                bad_field(
                    &name,
                    &field("tickets"),
                    &client["tickets"],
                    "is not a count (a whole number of at least 0)",
                )
            })?,
        };
        if let Some(first) = clients.insert(key.clone(), state) {
            anyhow::bail!(
                "{name}: clients[{index}] has the key {} of an earlier client ({}); a snapshot lists each client once",
                safe::terminal(&format!("{key:?}")),
                safe::terminal(&first.name)
            );
        }
    }
    Ok(Snapshot {
        notes: at(&document, "/notes")
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|n| n.as_str().map(str::to_string))
            .collect(),
        as_of,
        period: PeriodJson { from, to },
        settings: at(&document, "/settings").clone(),
        clients,
    })
}

/// The settings that differ between two snapshots, by name (`rates`,
/// `thresholds.min_margin`, …): one level into each section is enough to
/// say where to look.
fn settings_changed(old: &Value, new: &Value) -> Vec<String> {
    let (Some(old), Some(new)) = (old.as_object(), new.as_object()) else {
        return if old == new {
            Vec::new()
        } else {
            vec!["settings".to_string()]
        };
    };
    // Where the settings came from, and the as-of each report was pinned
    // to, differ from month to month without changing how figures are
    // made: not named.
    const NOT_COMPARED: [&str; 3] = ["as_of", "config_file", "config_from"];
    let mut keys: Vec<&String> = old
        .keys()
        .chain(new.keys())
        .filter(|key| !NOT_COMPARED.contains(&key.as_str()))
        .collect();
    keys.sort();
    keys.dedup();
    let mut changed = Vec::new();
    for key in keys {
        let (before, after) = (&old.get(key), &new.get(key));
        if before == after {
            continue;
        }
        match (
            before.and_then(Value::as_object),
            after.and_then(Value::as_object),
        ) {
            (Some(b), Some(a)) => {
                let mut inner: Vec<&String> = b.keys().chain(a.keys()).collect();
                inner.sort();
                inner.dedup();
                changed.extend(
                    inner
                        .into_iter()
                        .filter(|k| b.get(*k) != a.get(*k))
                        .map(|k| format!("{key}.{k}")),
                );
            }
            _ => changed.push(key.clone()),
        }
    }
    changed
}

#[derive(Debug, Serialize)]
pub(crate) struct Move {
    pub(crate) client: String,
    pub(crate) key: String,
    /// `None` for a new client.
    pub(crate) from: Option<Verdict>,
    pub(crate) to: Verdict,
    pub(crate) flags_appeared: Vec<String>,
    pub(crate) flags_cleared: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Mover {
    pub(crate) client: String,
    pub(crate) key: String,
    pub(crate) old: Value,
    pub(crate) new: Value,
    pub(crate) change: Value,
}

/// A report's period, as its JSON gives it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PeriodJson {
    pub(crate) from: String,
    pub(crate) to: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Diff {
    /// What the snapshots' figures assumed, and which snapshot did.
    pub(crate) notes: Vec<String>,
    /// Each report's as-of date, and its period beside it.
    pub(crate) old_as_of: String,
    pub(crate) new_as_of: String,
    pub(crate) old_period: PeriodJson,
    pub(crate) new_period: PeriodJson,
    pub(crate) moves: Vec<Move>,
    pub(crate) new_clients: Vec<Move>,
    pub(crate) gone_clients: Vec<Move>,
    pub(crate) profit_movers: Vec<Mover>,
    pub(crate) overdue_movers: Vec<Mover>,
    pub(crate) ticket_movers: Vec<Mover>,
}

fn money_value(value: Decimal) -> Value {
    serde_json::to_value(Money(value)).unwrap_or(Value::Null)
}

fn movers<T: Copy + PartialEq>(
    old: &Snapshot,
    new: &Snapshot,
    figure: fn(&ClientState) -> T,
    delta: fn(T, T) -> anyhow::Result<Decimal>,
    value: fn(T) -> Value,
) -> anyhow::Result<Vec<Mover>> {
    let mut changed: Vec<(Decimal, &String, &ClientState, T, T)> = Vec::new();
    for (key, now) in &new.clients {
        let Some(before) = old.clients.get(key) else {
            continue;
        };
        let (a, b) = (figure(before), figure(now));
        let change = delta(a, b)?;
        if !change.is_zero() {
            changed.push((change, key, now, a, b));
        }
    }
    changed.sort_by(|x, y| y.0.abs().cmp(&x.0.abs()).then_with(|| x.1.cmp(y.1)));
    Ok(changed
        .into_iter()
        .take(MOVERS)
        .map(|(change, key, now, a, b)| {
            // Counts change by whole numbers, money by cents.
            let change = if value(a).is_u64() {
                change
                    .to_string()
                    .parse::<i64>()
                    .map_or(Value::Null, Value::from)
            } else {
                money_value(change)
            };
            Mover {
                client: now.name.clone(),
                key: key.clone(),
                old: value(a),
                new: value(b),
                change,
            }
        })
        .collect())
}

pub(crate) fn compare(old_path: &Path, new_path: &Path) -> anyhow::Result<Diff> {
    let old = load(old_path)?;
    let new = load(new_path)?;
    let mut moves = Vec::new();
    let mut new_clients = Vec::new();
    for (key, now) in &new.clients {
        match old.clients.get(key) {
            Some(before) if before.verdict != now.verdict => moves.push(Move {
                client: now.name.clone(),
                key: key.clone(),
                from: Some(before.verdict),
                to: now.verdict,
                flags_appeared: now.flags.difference(&before.flags).cloned().collect(),
                flags_cleared: before.flags.difference(&now.flags).cloned().collect(),
            }),
            Some(_) => {}
            None => new_clients.push(Move {
                client: now.name.clone(),
                key: key.clone(),
                from: None,
                to: now.verdict,
                flags_appeared: now.flags.iter().cloned().collect(),
                flags_cleared: Vec::new(),
            }),
        }
    }
    // Worst new verdict first, then by name.
    moves.sort_by(|a, b| a.to.cmp(&b.to).then_with(|| a.key.cmp(&b.key)));
    new_clients.sort_by(|a, b| a.to.cmp(&b.to).then_with(|| a.key.cmp(&b.key)));
    let gone_clients = old
        .clients
        .iter()
        .filter(|(key, _)| !new.clients.contains_key(*key))
        .map(|(key, before)| Move {
            client: before.name.clone(),
            key: key.clone(),
            from: Some(before.verdict),
            to: before.verdict,
            flags_appeared: Vec::new(),
            flags_cleared: before.flags.iter().cloned().collect(),
        })
        .collect();
    let mut notes = Vec::new();
    for note in old.notes.iter().chain(&new.notes) {
        let which = match (old.notes.contains(note), new.notes.contains(note)) {
            (true, true) => "both snapshots",
            (true, false) => "the older snapshot",
            _ => "the newer snapshot",
        };
        let line = format!("{note} ({which})");
        if !notes.contains(&line) {
            notes.push(line);
        }
    }
    // Figures that moved because the settings did, or snapshots given the
    // wrong way round, read as clients that changed: say so first.
    let changed = settings_changed(&old.settings, &new.settings);
    if !changed.is_empty() {
        notes.insert(
            0,
            format!(
                "the snapshots were made with different settings ({}): some moves come from the settings, not from the clients",
                changed.join(", ")
            ),
        );
    }
    if old.as_of > new.as_of {
        notes.insert(
            0,
            format!(
                "the older snapshot is as of {}, after the newer one ({}): are OLD and NEW the right way round?",
                old.as_of, new.as_of
            ),
        );
    }
    Ok(Diff {
        notes,
        old_as_of: old.as_of.clone(),
        new_as_of: new.as_of.clone(),
        old_period: old.period.clone(),
        new_period: new.period.clone(),
        moves,
        new_clients,
        gone_clients,
        profit_movers: movers(
            &old,
            &new,
            |c| c.profit,
            |a, b| subtract_amounts("the change in profit", b, a),
            money_value,
        )?,
        overdue_movers: movers(
            &old,
            &new,
            |c| c.overdue,
            |a, b| subtract_amounts("the change in overdue", b, a),
            money_value,
        )?,
        ticket_movers: movers(
            &old,
            &new,
            |c| c.tickets,
            |a, b| subtract_amounts("the change in tickets", Decimal::from(b), Decimal::from(a)),
            Value::from,
        )?,
    })
}

impl Diff {
    /// Did a client move to `verdict` or a worse one (a new client counts
    /// as moving from nowhere)?
    pub(crate) fn moved_to(&self, verdict: Verdict) -> bool {
        self.moves
            .iter()
            .chain(&self.new_clients)
            .any(|m| m.to.at_least_as_bad_as(verdict) && m.from.is_none_or(|from| from > m.to))
    }
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

fn show_value(value: &Value) -> String {
    match value.to_string().parse::<Decimal>() {
        Ok(number) if value.to_string().contains('.') => grouped(number),
        _ => value.to_string(),
    }
}

pub(crate) fn render(diff: &Diff, format: DiffFormat) -> anyhow::Result<String> {
    match format {
        DiffFormat::Json => {
            let mut text = serde_json::to_string_pretty(&serde_json::json!({
                "tool": "clientfit",
                "version": env!("CARGO_PKG_VERSION"),
                "schema": SCHEMA_VERSION,
                "view": "diff",
                "diff": diff,
            }))?;
            text.push('\n');
            Ok(text)
        }
        DiffFormat::Markdown => Ok(text(diff, true)),
        DiffFormat::Html => Ok(html(diff)),
        DiffFormat::Table => Ok(text(diff, false)),
    }
}

/// The same sections as the text, as one self-contained HTML page.
fn html(diff: &Diff) -> String {
    use crate::safe::html as escape;
    let mut body = String::new();
    let list = |body: &mut String, title: &str, items: Vec<String>| {
        body.push_str(&format!("<h2>{}</h2>\n<ul>", escape(title)));
        if items.is_empty() {
            body.push_str("<li>none</li>");
        }
        for item in items {
            body.push_str(&format!("<li>{item}</li>"));
        }
        body.push_str("</ul>\n");
    };
    let verdict = |verdict: Option<Verdict>| {
        let name = verdict_name(verdict);
        format!("<span class=\"{name}\">{name}</span>")
    };
    list(
        &mut body,
        "Verdict moves",
        diff.moves
            .iter()
            .map(|m| {
                format!(
                    "{}: {} → {} {}",
                    escape(&m.client),
                    verdict(m.from),
                    verdict(Some(m.to)),
                    escape(&flags(m))
                )
            })
            .collect(),
    );
    list(
        &mut body,
        "New clients",
        diff.new_clients
            .iter()
            .map(|m| {
                format!(
                    "{}: {} {}",
                    escape(&m.client),
                    verdict(Some(m.to)),
                    escape(&flags(m))
                )
            })
            .collect(),
    );
    list(
        &mut body,
        "Gone clients",
        diff.gone_clients
            .iter()
            .map(|m| format!("{} (was {})", escape(&m.client), verdict(Some(m.to))))
            .collect(),
    );
    for (title, movers) in [
        ("Biggest movers: profit", &diff.profit_movers),
        ("Biggest movers: overdue", &diff.overdue_movers),
        ("Biggest movers: tickets", &diff.ticket_movers),
    ] {
        list(
            &mut body,
            title,
            movers
                .iter()
                .map(|mover| {
                    let change = show_value(&mover.change);
                    let sign = if change.starts_with('-') { "" } else { "+" };
                    escape(&format!(
                        "{}: {} → {} ({sign}{change})",
                        mover.client,
                        show_value(&mover.old),
                        show_value(&mover.new)
                    ))
                })
                .collect(),
        );
    }
    for note in &diff.notes {
        body.push_str(&format!("<p class=\"meta\">Note: {}</p>\n", escape(note)));
    }
    crate::render::page::document(
        &format!("clientfit diff — {} → {}", diff.old_as_of, diff.new_as_of),
        &body,
    )
}

fn text(diff: &Diff, markdown: bool) -> String {
    let name = |text: &str| {
        if markdown {
            safe::markdown(text)
        } else {
            safe::terminal(text)
        }
    };
    let mut out = String::new();
    let heading = |out: &mut String, title: &str| {
        if markdown {
            out.push_str(&format!("\n### {title}\n\n"));
        } else {
            out.push_str(&format!("\n{title}\n"));
        }
    };
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
    let bullet = if markdown { "- " } else { "  " };
    heading(&mut out, "Verdict moves");
    if diff.moves.is_empty() {
        out.push_str(&format!("{bullet}none\n"));
    }
    for m in &diff.moves {
        out.push_str(&format!(
            "{bullet}{}: {} → {}  {}\n",
            name(&m.client),
            verdict_name(m.from),
            m.to.name(),
            flags(m)
        ));
    }
    heading(&mut out, "New clients");
    if diff.new_clients.is_empty() {
        out.push_str(&format!("{bullet}none\n"));
    }
    for m in &diff.new_clients {
        out.push_str(&format!(
            "{bullet}{}: {}  {}\n",
            name(&m.client),
            m.to.name(),
            flags(m)
        ));
    }
    heading(&mut out, "Gone clients");
    if diff.gone_clients.is_empty() {
        out.push_str(&format!("{bullet}none\n"));
    }
    for m in &diff.gone_clients {
        out.push_str(&format!(
            "{bullet}{} (was {})\n",
            name(&m.client),
            m.to.name()
        ));
    }
    for (title, list) in [
        ("Biggest movers: profit", &diff.profit_movers),
        ("Biggest movers: overdue", &diff.overdue_movers),
        ("Biggest movers: tickets", &diff.ticket_movers),
    ] {
        heading(&mut out, title);
        if list.is_empty() {
            out.push_str(&format!("{bullet}none\n"));
        }
        for mover in list {
            let change = show_value(&mover.change);
            let sign = if change.starts_with('-') { "" } else { "+" };
            out.push_str(&format!(
                "{bullet}{}: {} → {} ({sign}{change})\n",
                name(&mover.client),
                show_value(&mover.old),
                show_value(&mover.new)
            ));
        }
    }
    if !diff.notes.is_empty() {
        out.push('\n');
    }
    for note in &diff.notes {
        out.push_str(&format!("Note: {}\n", safe::terminal(note)));
    }
    out
}

/// `clientfit diff OLD NEW`: what changed between two JSON reports;
/// `--fail-on-move-to` sets the exit code.
pub(crate) fn command(
    args: &crate::cli::DiffArgs,
    stdout: &mut dyn std::io::Write,
) -> anyhow::Result<crate::error::Outcome> {
    let format = match args.format {
        crate::cli::DiffFormatArg::Table => DiffFormat::Table,
        crate::cli::DiffFormatArg::Json => DiffFormat::Json,
        crate::cli::DiffFormatArg::Markdown => DiffFormat::Markdown,
        crate::cli::DiffFormatArg::Html => DiffFormat::Html,
    };
    let diff = compare(&args.old, &args.new)?;
    let mut text = render(&diff, format)?;
    if format != DiffFormat::Json {
        // Names and flags from the snapshots, escaped where
        // written; the whole text once more.
        text = safe::terminal_text(&text);
    }
    super::print(stdout, text.as_bytes(), "the diff")?;
    let verdict = args.fail_on_move_to.map(Verdict::from);
    Ok(if verdict.is_some_and(|v| diff.moved_to(v)) {
        crate::error::Outcome::FailOnMatched
    } else {
        crate::error::Outcome::Done
    })
}
