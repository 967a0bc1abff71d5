//! The values behind `clientfit diff OLD.json NEW.json`: the two report
//! snapshots read back (and checked to be what `report --format json`
//! writes), the clients whose verdict moved with the flags that appeared
//! or cleared, new and gone clients, the biggest movers in profit,
//! overdue and ticket volume, and the notes that say what a move may owe
//! to the settings rather than the clients.
//!
//! Values only: the text and JSON are `render::diff`'s. This module must
//! not import `render`, `settings` or `commands`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::Context;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use crate::assess::{FlagId, Verdict};
use crate::error::subtract_amounts;
use crate::safe;

/// Version of the JSON layout `report --format json` writes; `diff`
/// refuses snapshots of another one.
pub(crate) const SCHEMA_VERSION: u32 = 1;

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
        let (key, state) = client_state(&name, index, client)?;
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

/// The client at `clients[index]` of the snapshot `name`, by its key.
fn client_state(name: &str, index: usize, client: &Value) -> anyhow::Result<(String, ClientState)> {
    let field = |key: &str| format!("clients[{index}].{key}");
    let text = |key: &str| -> anyhow::Result<String> {
        client[key]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| bad_field(name, &field(key), &client[key], "is not a text"))
    };
    // Money as the report writes it: a JSON number (exact decimals).
    let money = |key: &str| -> anyhow::Result<Decimal> {
        let value = &client[key];
        value
            .is_number()
            .then(|| value.to_string().parse::<Decimal>().ok())
            .flatten()
            .ok_or_else(|| bad_field(name, &field(key), value, "is not an amount"))
    };
    let key = text("key")?;
    if key.is_empty() {
        return Err(bad_field(name, &field("key"), &client["key"], "is empty"));
    }
    let state = ClientState {
        name: text("client")?,
        verdict: client["verdict"]
            .as_str()
            .and_then(verdict)
            .ok_or_else(|| {
                bad_field(
                    name,
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
                                name,
                                &field(&format!("flags[{at}].id")),
                                &flag["id"],
                                "is not a flag clientfit knows",
                            )
                        })
                })
                .collect::<anyhow::Result<_>>()?,
            None => {
                return Err(bad_field(
                    name,
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
                name,
                &field("tickets"),
                &client["tickets"],
                "is not a count (a whole number of at least 0)",
            )
        })?,
    };
    Ok((key, state))
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

/// A client whose figure changed, with the figure before and after.
#[derive(Debug)]
pub(crate) struct Mover {
    pub(crate) client: String,
    pub(crate) key: String,
    pub(crate) old: Figure,
    pub(crate) new: Figure,
    /// New less old.
    pub(crate) change: Change,
}

/// A figure of a snapshot: money, or a count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Figure {
    Money(Decimal),
    Count(u64),
}

/// How much a figure moved: money by cents, counts by whole numbers
/// (`None` for a count change beyond what a 64-bit integer holds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Change {
    Money(Decimal),
    Count(Option<i64>),
}

/// A report's period, as its JSON gives it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PeriodJson {
    pub(crate) from: String,
    pub(crate) to: String,
}

#[derive(Debug)]
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

fn movers<T: Copy + PartialEq>(
    old: &Snapshot,
    new: &Snapshot,
    figure: fn(&ClientState) -> T,
    delta: fn(T, T) -> anyhow::Result<Decimal>,
    value: fn(T) -> Figure,
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
            let change = match value(a) {
                Figure::Count(_) => Change::Count(change.to_string().parse::<i64>().ok()),
                Figure::Money(_) => Change::Money(change),
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

/// Read both snapshots and say what changed between them.
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
    let notes = notes(&old, &new);
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
            Figure::Money,
        )?,
        overdue_movers: movers(
            &old,
            &new,
            |c| c.overdue,
            |a, b| subtract_amounts("the change in overdue", b, a),
            Figure::Money,
        )?,
        ticket_movers: movers(
            &old,
            &new,
            |c| c.tickets,
            |a, b| subtract_amounts("the change in tickets", Decimal::from(b), Decimal::from(a)),
            Figure::Count,
        )?,
    })
}

/// What the snapshots assumed, each said once with which snapshot did;
/// first, what makes moves that are not the clients'.
fn notes(old: &Snapshot, new: &Snapshot) -> Vec<String> {
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
    notes
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
