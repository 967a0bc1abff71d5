//! Synthetic exports for benchmarks and the results-unchanged test:
//! seeded and reproducible, with canonical headers, late and unpaid
//! invoices, credit notes, void and uncollectible ones, blank ticket
//! minutes, and three currencies with `[fx]` rates. Not part of the
//! tool's interface.
//!
//! Two shapes of file: the plain one (`write`: no quoted cells, attendees
//! as a number, a status on some invoices) and the one real helpdesk,
//! calendar and billing exports have (`write_realistic`: quoted tag lists,
//! attendee names, paid amounts and a status on every invoice).
//!
//! Layer: apart from the pipeline; imports no other module of the crate.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// A small, fast, seeded generator (xorshift64*): no dependency, and the
/// same seed gives the same files on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        // Never by zero: `max(1)`.
        self.next().checked_rem(n.max(1)).unwrap_or(0)
    }

    /// One of `items`, drawn evenly.
    #[allow(clippy::indexing_slicing)] // `below(N)` is below the table's length, N > 0
    fn pick<T: Copy, const N: usize>(&mut self, items: &[T; N]) -> T {
        const { assert!(N > 0) };
        items[self.below(N as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Day number 0 = 2024-01-01; days as YYYY-MM-DD without a date library.
fn date(day: u64) -> String {
    const MONTHS: [u64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut remaining = day;
    let mut year = 2024i32;
    loop {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let length = if leap { 366 } else { 365 };
        if remaining < length {
            for (index, days) in MONTHS.iter().enumerate() {
                let days = if index == 1 && leap { 29 } else { *days };
                if remaining < days {
                    return format!(
                        "{year}-{:02}-{:02}",
                        index.saturating_add(1),
                        remaining.saturating_add(1)
                    );
                }
                remaining = remaining.saturating_sub(days);
            }
        }
        // At least a year's days remain (checked above); the years are few.
        remaining = remaining.saturating_sub(length);
        year = year.saturating_add(1);
    }
}

/// How many of each record to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub clients: u64,
    pub invoices: u64,
    pub tickets: u64,
    pub meetings: u64,
}

impl Size {
    /// 1k clients, 50k invoices, 100k tickets, 20k meetings (11 MB).
    pub(crate) const SMALL: Size = Size {
        clients: 1_000,
        invoices: 50_000,
        tickets: 100_000,
        meetings: 20_000,
    };
    /// 200 clients, 5k invoices, 10k tickets, 2k meetings (1 MB).
    pub const MEDIUM: Size = Size {
        clients: 200,
        invoices: 5_000,
        tickets: 10_000,
        meetings: 2_000,
    };
    /// 100k clients, 5M invoices, 10M tickets, 2M meetings (1.1 GB).
    pub(crate) const LARGE: Size = Size {
        clients: 100_000,
        invoices: 5_000_000,
        tickets: 10_000_000,
        meetings: 2_000_000,
    };

    /// LARGE's clients and tickets with a token invoices file (the report
    /// needs one) and no meetings: one big file of one kind.
    pub(crate) const TICKETS_ONLY: Size = Size {
        clients: 100_000,
        invoices: 1_000,
        tickets: 10_000_000,
        meetings: 0,
    };

    pub fn named(name: &str) -> Option<Size> {
        match name {
            "small" => Some(Size::SMALL),
            "medium" => Some(Size::MEDIUM),
            "large" => Some(Size::LARGE),
            "tickets-only" => Some(Size::TICKETS_ONLY),
            _ => None,
        }
    }

    /// The same clients with `factor` times the rows.
    pub fn rows_times(self, factor: u64) -> Size {
        Size {
            clients: self.clients,
            invoices: self.invoices.saturating_mul(factor),
            tickets: self.tickets.saturating_mul(factor),
            meetings: self.meetings.saturating_mul(factor),
        }
    }
}

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 20261031;

/// The shape of the files written: which columns, and how their cells look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `write`: the shape the benchmark figures were first taken on.
    Plain,
    /// `write_realistic`: quoted multi-value cells and name lists.
    Realistic,
}

impl Shape {
    pub fn named(name: &str) -> Option<Shape> {
        match name {
            "plain" => Some(Shape::Plain),
            "realistic" => Some(Shape::Realistic),
            _ => None,
        }
    }

    /// Write a data set of this shape into `dir`.
    pub fn write(self, dir: &Path, size: Size, seed: u64) -> std::io::Result<()> {
        match self {
            Shape::Plain => write(dir, size, seed),
            Shape::Realistic => write_realistic(dir, size, seed),
        }
    }
}

/// Write invoices.csv, tickets.csv, meetings.csv and clientfit.toml into `dir`.
pub fn write(dir: &Path, size: Size, seed: u64) -> std::io::Result<()> {
    let Size {
        clients,
        invoices,
        tickets,
        meetings,
    } = size;
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng(seed.max(1));
    // Two years of data, as-of at the end of the second.
    let days = 730u64;
    let client = |index: u64| format!("Client {index:06} Ltd");

    let mut out = BufWriter::with_capacity(1 << 20, File::create(dir.join("invoices.csv"))?);
    writeln!(
        out,
        "invoice_id,client,issued,due,paid,amount,currency,status,discount"
    )?;
    for id in 0..invoices {
        let who = rng.below(clients);
        let issued = rng.below(days - 10);
        let terms = rng.pick(&[14, 30, 30, 45]);
        let due = issued.saturating_add(terms);
        let currency = rng.pick(&["USD", "USD", "USD", "USD", "EUR", "GBP"]);
        let cents = rng.below(2_000_000).saturating_add(5_000);
        let (amount, status) = if rng.chance(2) {
            (format!("-{}.{:02}", cents / 1000, cents % 100), "paid")
        } else if rng.chance(1) {
            (format!("{}.{:02}", cents / 100, cents % 100), "void")
        } else if rng.chance(1) {
            (
                format!("{}.{:02}", cents / 100, cents % 100),
                "uncollectible",
            )
        } else {
            (format!("{}.{:02}", cents / 100, cents % 100), "")
        };
        // Most pay on time, some late, some not yet.
        let paid = match rng.below(100) {
            0..=69 => Some(issued.saturating_add(rng.below(terms.saturating_add(1)))),
            70..=89 => Some(due.saturating_add(1).saturating_add(rng.below(90))),
            _ => None,
        }
        .filter(|day| *day < days && status != "uncollectible" && status != "void");
        let discount = if rng.chance(5) {
            format!("{}.00", rng.below(500).saturating_add(10))
        } else {
            String::new()
        };
        writeln!(
            out,
            "INV-{id},{},{},{},{},{amount},{currency},{status},{discount}",
            client(who),
            date(issued),
            date(due),
            paid.map(date).unwrap_or_default()
        )?;
    }
    out.flush()?;

    let mut out = BufWriter::with_capacity(1 << 20, File::create(dir.join("tickets.csv"))?);
    writeln!(out, "ticket_id,client,created,minutes,type,tags,priority")?;
    for id in 0..tickets {
        let who = rng.below(clients);
        let minutes = if rng.chance(10) {
            String::new()
        } else {
            rng.below(120).saturating_add(5).to_string()
        };
        let tags = match rng.below(200) {
            0..=5 => "change_request",
            6..=8 => "escalated",
            9 => "abusive",
            10..=40 => "billing bug",
            _ => "",
        };
        let kind = if rng.chance(3) {
            "Change Request"
        } else {
            "Incident"
        };
        let priority = rng.pick(&["low", "normal", "normal", "high"]);
        writeln!(
            out,
            "T-{id},{},{} 10:00,{minutes},{kind},{tags},{priority}",
            client(who),
            date(rng.below(days))
        )?;
    }
    out.flush()?;

    let mut out = BufWriter::with_capacity(1 << 20, File::create(dir.join("meetings.csv"))?);
    writeln!(out, "client,date,minutes,status,attendees")?;
    for _ in 0..meetings {
        let who = rng.below(clients);
        let status = rng.pick(&[
            "attended",
            "attended",
            "attended",
            "attended",
            "no-show",
            "cancelled",
            "rescheduled",
        ]);
        writeln!(
            out,
            "{},{} 14:00,{},{status},{}",
            client(who),
            date(rng.below(days)),
            rng.pick(&[30, 45, 60]),
            rng.below(3).saturating_add(1)
        )?;
    }
    out.flush()?;

    std::fs::write(
        dir.join("clientfit.toml"),
        format!(
            "as_of = \"{}\"\ncurrency = \"USD\"\n\n[fx]\nEUR = 1.08\nGBP = 1.27\n",
            date(days - 1)
        ),
    )?;
    Ok(())
}

/// `cents` as a plain amount: `1234.05`, `-12.30`.
fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}{}.{:02}", cents / 100, cents % 100)
}

/// Ticket tags: a vocabulary of a prime number of words, so that stepping
/// through it from any start by any step below its length never repeats a
/// word within one cell.
const TAGS: [&str; 13] = [
    "billing",
    "api",
    "export",
    "login",
    "bug",
    "feature",
    "mobile",
    "sso",
    "onboarding",
    "performance",
    "integration",
    "question",
    "reporting",
];

/// Our people, listed by name in meetings (a prime number of them, as for
/// the tags); two are not ASCII, as names are not.
const PEOPLE: [&str; 11] = [
    "Ana Silva",
    "Bo Chen",
    "Carla Diaz",
    "Dev Patel",
    "Emma Jones",
    "Femi Adeyemi",
    "Grace Kim",
    "Hugo Martin",
    "Inês Costa",
    "Jon Berg",
    "Zoë Dubois",
];

/// `count` distinct words of `words`, from a random start by a random step.
fn distinct<'a>(rng: &mut Rng, words: &[&'a str], count: usize) -> Vec<&'a str> {
    let length = words.len() as u64;
    let start = rng.below(length);
    let step = rng.below(length.saturating_sub(1)).saturating_add(1);
    // Each position is taken modulo the length: always a word.
    (0..count as u64)
        .filter_map(|index| {
            let at = start
                .wrapping_add(index.wrapping_mul(step))
                .checked_rem(length)?;
            words.get(at as usize).copied()
        })
        .collect()
}

/// Write the realistic shape into `dir`: invoices.csv with a paid amount
/// and a status on every row (`paid`, `open`, `partially paid`, `void`,
/// `uncollectible`), tickets.csv whose tags are a quoted list
/// (`"billing,api,export"`) and whose creation has a time to the second,
/// meetings.csv whose attendees are names (`Ana Silva; Bo Chen`; the file
/// is left out when `size.meetings` is 0), and clientfit.toml.
pub(crate) fn write_realistic(dir: &Path, size: Size, seed: u64) -> std::io::Result<()> {
    let Size {
        clients,
        invoices,
        tickets,
        meetings,
    } = size;
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng(seed.max(1));
    // Two years of data, as-of at the end of the second.
    let days = 730u64;
    let client = |index: u64| format!("Client {index:06} Ltd");

    let mut out = BufWriter::with_capacity(1 << 20, File::create(dir.join("invoices.csv"))?);
    writeln!(
        out,
        "invoice_id,client,issued,due,paid,amount,paid_amount,currency,status"
    )?;
    for id in 0..invoices {
        let who = rng.below(clients);
        let issued = rng.below(days - 10);
        let terms = rng.pick(&[14, 30, 30, 45]);
        let due = issued.saturating_add(terms);
        let currency = rng.pick(&["USD", "USD", "USD", "USD", "EUR", "GBP"]);
        let cents = (rng.below(2_000_000) as i64).saturating_add(5_000);
        // A share of the amount, for partial payments.
        let part = cents.saturating_mul(rng.below(100) as i64) / 100;
        let (amount, paid, paid_amount, status) = if rng.chance(2) {
            // A credit note, settled when issued.
            let credit = (cents / 10).saturating_neg();
            (credit, Some(issued), credit, "paid")
        } else if rng.chance(1) {
            (cents, None, 0, "void")
        } else if rng.chance(1) {
            (
                cents,
                None,
                if rng.chance(50) { 0 } else { part },
                "uncollectible",
            )
        } else {
            // Most pay on time, some late, some not yet.
            let paid = match rng.below(100) {
                0..=69 => Some(issued.saturating_add(rng.below(terms.saturating_add(1)))),
                70..=89 => Some(due.saturating_add(1).saturating_add(rng.below(90))),
                _ => None,
            }
            .filter(|day| *day < days);
            match paid {
                Some(_) => (cents, paid, cents, "paid"),
                None if rng.chance(40) => (cents, None, part, "partially paid"),
                None => (cents, None, 0, "open"),
            }
        };
        writeln!(
            out,
            "INV-{id:07},{},{},{},{},{},{},{currency},{status}",
            client(who),
            date(issued),
            date(due),
            paid.map(date).unwrap_or_default(),
            money(amount),
            money(paid_amount),
        )?;
    }
    out.flush()?;

    let mut out = BufWriter::with_capacity(1 << 20, File::create(dir.join("tickets.csv"))?);
    writeln!(out, "ticket_id,client,created,minutes,type,tags,priority")?;
    for id in 0..tickets {
        let who = rng.below(clients);
        let second = rng.below(86_400);
        let minutes = if rng.chance(10) {
            String::new()
        } else {
            rng.below(120).saturating_add(5).to_string()
        };
        let kind = match rng.below(100) {
            0..=2 => "Change Request",
            3..=49 => "Incident",
            50..=79 => "Question",
            _ => "Problem",
        };
        let count = rng.pick(&[0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4]);
        let mut tags = distinct(&mut rng, &TAGS, count);
        match rng.below(200) {
            0..=5 => tags.push("change_request"),
            6..=8 => tags.push("escalated"),
            9 => tags.push("abusive"),
            _ => {}
        }
        let tags = match tags.len() {
            0 | 1 => tags.concat(),
            _ => format!("\"{}\"", tags.join(",")),
        };
        let priority = rng.pick(&["low", "normal", "normal", "high", "urgent"]);
        writeln!(
            out,
            "T-{id:07},{},{} {:02}:{:02}:{:02},{minutes},{kind},{tags},{priority}",
            client(who),
            date(rng.below(days)),
            second / 3600,
            second / 60 % 60,
            second % 60,
        )?;
    }
    out.flush()?;

    if meetings > 0 {
        let mut out = BufWriter::with_capacity(1 << 20, File::create(dir.join("meetings.csv"))?);
        writeln!(out, "client,date,minutes,status,attendees")?;
        for _ in 0..meetings {
            let who = rng.below(clients);
            let status = rng.pick(&[
                "attended",
                "attended",
                "attended",
                "attended",
                "no-show",
                "cancelled",
                "rescheduled",
            ]);
            let count = rng.pick(&[1, 1, 1, 1, 2, 2, 2, 3, 3, 4]);
            writeln!(
                out,
                "{},{} {:02}:{},{},{status},{}",
                client(who),
                date(rng.below(days)),
                rng.below(10).saturating_add(8),
                rng.pick(&["00", "30"]),
                rng.pick(&[30, 45, 60]),
                distinct(&mut rng, &PEOPLE, count).join("; ")
            )?;
        }
        out.flush()?;
    }

    std::fs::write(
        dir.join("clientfit.toml"),
        format!(
            "as_of = \"{}\"\ncurrency = \"USD\"\n\n[fx]\nEUR = 1.08\nGBP = 1.27\n",
            date(days - 1)
        ),
    )?;
    Ok(())
}

/// How many records the `time` set holds: clients, their invoices, and
/// time entries (one row per entry of a person's hours).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeSize {
    pub clients: u64,
    pub invoices: u64,
    pub entries: u64,
}

impl TimeSize {
    /// LARGE's 100k clients, 500k invoices (a few each) and 10M time
    /// entries: one big timesheet beside a small billing file.
    pub const TIME: TimeSize = TimeSize {
        clients: 100_000,
        invoices: 500_000,
        entries: 10_000_000,
    };

    /// The same clients with `factor` times the rows.
    pub fn rows_times(self, factor: u64) -> TimeSize {
        TimeSize {
            clients: self.clients,
            invoices: self.invoices.saturating_mul(factor),
            entries: self.entries.saturating_mul(factor),
        }
    }
}

/// First and last names of the people on the timesheet: 20 × 10 = 200
/// people, a few of them not ASCII, as names are not.
const FIRST_NAMES: [&str; 20] = [
    "Ana", "Bo", "Carla", "Dev", "Emma", "Femi", "Grace", "Hugo", "Inês", "Jon", "Kai", "Lena",
    "Mats", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Zoë",
];
const LAST_NAMES: [&str; 10] = [
    "Silva", "Chen", "Diaz", "Patel", "Jones", "Adeyemi", "Kim", "Martin", "Müller", "Berg",
];

/// Roles (one word each) with what an hour of each is billed at, in cents.
const ROLES: [(&str, i64); 8] = [
    ("Developer", 12_000),
    ("Designer", 11_000),
    ("Analyst", 10_500),
    ("Tester", 9_000),
    ("Support", 8_500),
    ("Architect", 16_000),
    ("Consultant", 15_000),
    ("Manager", 13_500),
];

/// Roles with a `[rates.roles]` rate in the set's config, and that rate;
/// the others fall back to `[rates] cost_hourly`.
const ROLE_COST_RATES: [(&str, &str); 5] = [
    ("Developer", "70"),
    ("Designer", "65"),
    ("Analyst", "62.5"),
    ("Tester", "50"),
    ("Support", "45"),
];

/// Projects, the same few names for every client.
const PROJECTS: [&str; 6] = [
    "Retainer",
    "Website",
    "Migration",
    "Support",
    "Discovery",
    "Integration",
];

/// Person `index` (taken modulo 200): `Ana Silva`, `Bo Silva`, ...
fn person(index: u64) -> String {
    let first = FIRST_NAMES
        .get(index.checked_rem(FIRST_NAMES.len() as u64).unwrap_or(0) as usize)
        .copied()
        .unwrap_or_default();
    let last = LAST_NAMES
        .get(
            index
                .checked_div(FIRST_NAMES.len() as u64)
                .and_then(|last| last.checked_rem(LAST_NAMES.len() as u64))
                .unwrap_or(0) as usize,
        )
        .copied()
        .unwrap_or_default();
    format!("{first} {last}")
}

/// Hundredths of an hour written with no more places than they need:
/// `2`, `1.5`, `0.25`.
fn hours(hundredths: u64) -> String {
    match hundredths % 100 {
        0 => format!("{}", hundredths / 100),
        part if part % 10 == 0 => format!("{}.{}", hundredths / 100, part / 10),
        part => format!("{}.{part:02}", hundredths / 100),
    }
}

/// Write the `time` set into `dir`, in the plain shape (no quoted cells):
/// invoices.csv (every client has at least one invoice when there are as
/// many invoices as clients), time_entries.csv with the canonical header
/// `date,client,project,person,role,hours,billable,cost_rate,bill_rate`,
/// and clientfit.toml with a rate for every hour: `[rates] cost_hourly`,
/// `[rates.roles]` for five of the eight roles and `[rates.people]` for
/// every eleventh person (19 of them, with first and last names of all
/// kinds).
///
/// Entries: dates over the invoices' two years, hours from 0.25 to 8 with
/// up to two places, 200 people each with a main role (one entry in ten in
/// another), about 75% billable (`Yes`/`No`), the row's cost rate on about
/// half the rows (blank otherwise) and a bill rate on the billable ones.
pub fn write_time(dir: &Path, size: TimeSize, seed: u64) -> std::io::Result<()> {
    let TimeSize {
        clients,
        invoices,
        entries,
    } = size;
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng(seed.max(1));
    // Two years of data, as-of at the end of the second.
    let days = 730u64;
    let client = |index: u64| format!("Client {index:06} Ltd");

    let mut out = BufWriter::with_capacity(1 << 20, File::create(dir.join("invoices.csv"))?);
    writeln!(
        out,
        "invoice_id,client,issued,due,paid,amount,currency,status"
    )?;
    for id in 0..invoices {
        // Each client once, then at random.
        let who = if id < clients { id } else { rng.below(clients) };
        let issued = rng.below(days - 10);
        let due = issued.saturating_add(30);
        let cents = (rng.below(2_000_000) as i64).saturating_add(50_000);
        let paid = match rng.below(100) {
            0..=74 => Some(issued.saturating_add(rng.below(31))),
            75..=89 => Some(due.saturating_add(1).saturating_add(rng.below(60))),
            _ => None,
        }
        .filter(|day| *day < days);
        let status = if paid.is_some() { "paid" } else { "" };
        writeln!(
            out,
            "INV-{id:07},{},{},{},{},{},USD,{status}",
            client(who),
            date(issued),
            date(due),
            paid.map(date).unwrap_or_default(),
            money(cents),
        )?;
    }
    out.flush()?;

    let people = FIRST_NAMES.len().saturating_mul(LAST_NAMES.len()) as u64;
    let mut out = BufWriter::with_capacity(1 << 20, File::create(dir.join("time_entries.csv"))?);
    writeln!(
        out,
        "date,client,project,person,role,hours,billable,cost_rate,bill_rate"
    )?;
    for _ in 0..entries {
        let who = rng.below(clients);
        let worker = rng.below(people);
        let role = if rng.chance(10) {
            rng.below(ROLES.len() as u64)
        } else {
            worker.checked_rem(ROLES.len() as u64).unwrap_or(0)
        };
        let (role, bill_cents) = ROLES.get(role as usize).copied().unwrap_or(("", 0));
        let billable = rng.chance(75);
        // A person's cost from 35.00 to 94.99 an hour, the same on each row.
        let cost_cents = (worker.wrapping_mul(1_373) % 6_000).saturating_add(3_500) as i64;
        let cost_rate = if rng.chance(50) {
            money(cost_cents)
        } else {
            String::new()
        };
        writeln!(
            out,
            "{},{},{},{},{role},{},{},{cost_rate},{}",
            date(rng.below(days)),
            client(who),
            rng.pick(&PROJECTS),
            person(worker),
            hours(rng.below(776).saturating_add(25)),
            if billable { "Yes" } else { "No" },
            if billable {
                money(bill_cents)
            } else {
                String::new()
            },
        )?;
    }
    out.flush()?;

    let mut config = format!(
        "as_of = \"{}\"\ncurrency = \"USD\"\n\n[rates]\ncost_hourly = 55\n\n[rates.roles]\n",
        date(days - 1)
    );
    for (role, rate) in ROLE_COST_RATES {
        config.push_str(&format!("{role} = {rate}\n"));
    }
    // Names have a space: TOML keys them in quotes.
    config.push_str("\n[rates.people]\n");
    for worker in (0..people).step_by(11) {
        let rate = (worker % 7).saturating_mul(5).saturating_add(60);
        config.push_str(&format!("\"{}\" = {rate}\n", person(worker)));
    }
    std::fs::write(dir.join("clientfit.toml"), config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    const SMALL_TIME: TimeSize = TimeSize {
        clients: 40,
        invoices: 120,
        entries: 4_000,
    };

    fn read(dir: &Path, name: &str) -> String {
        std::fs::read_to_string(dir.join(name)).unwrap()
    }

    #[test]
    fn hours_are_written_with_the_places_they_need() {
        assert_eq!(hours(200), "2");
        assert_eq!(hours(150), "1.5");
        assert_eq!(hours(25), "0.25");
        assert_eq!(hours(805), "8.05");
        assert_eq!(hours(310), "3.1");
    }

    #[test]
    fn two_hundred_people_with_distinct_names() {
        let names: BTreeSet<String> = (0..200).map(person).collect();
        assert_eq!(names.len(), 200);
        assert_eq!(person(0), "Ana Silva");
        // 19 = the 20th first name with the first last name; 21 = the
        // second first name with the second last name.
        assert_eq!(person(19), "Zoë Silva");
        assert_eq!(person(21), "Bo Chen");
    }

    #[test]
    fn the_time_set_is_reproducible_and_seeded() {
        let (one, two, other) = (
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
        );
        write_time(one.path(), SMALL_TIME, DEFAULT_SEED).unwrap();
        write_time(two.path(), SMALL_TIME, DEFAULT_SEED).unwrap();
        write_time(other.path(), SMALL_TIME, 7).unwrap();
        for name in ["invoices.csv", "time_entries.csv", "clientfit.toml"] {
            assert_eq!(read(one.path(), name), read(two.path(), name), "{name}");
        }
        assert_ne!(
            read(one.path(), "time_entries.csv"),
            read(other.path(), "time_entries.csv")
        );
    }

    #[test]
    fn time_entries_have_the_canonical_shape_and_a_rate_for_every_hour() {
        let dir = tempfile::tempdir().unwrap();
        write_time(dir.path(), SMALL_TIME, DEFAULT_SEED).unwrap();

        let invoices = read(dir.path(), "invoices.csv");
        let invoiced: BTreeSet<&str> = invoices
            .lines()
            .skip(1)
            .map(|line| line.split(',').nth(1).unwrap())
            .collect();
        // 120 invoices for 40 clients: the first 40 go to each client once.
        assert_eq!(invoiced.len(), 40);

        let config: toml::Table = read(dir.path(), "clientfit.toml").parse().unwrap();
        let as_of = config["as_of"].as_str().unwrap().to_string();
        assert_eq!(as_of, "2025-12-30"); // day 729 from 2024-01-01 (a leap year)
        let rates = config["rates"].as_table().unwrap();
        assert_eq!(rates["cost_hourly"].as_integer(), Some(55));
        let role_rates = rates["roles"].as_table().unwrap();
        let people_rates = rates["people"].as_table().unwrap();
        assert_eq!(role_rates.len(), 5);
        assert_eq!(people_rates.len(), 19); // 0, 11, ..., 198
        // Person 165: first name 165 % 20 = 5, last name 165 / 20 = 8.
        assert!(people_rates.contains_key("Femi Müller"));

        let text = read(dir.path(), "time_entries.csv");
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("date,client,project,person,role,hours,billable,cost_rate,bill_rate")
        );
        let (mut rows, mut billable, mut with_cost_rate) = (0u64, 0u64, 0u64);
        let mut people = BTreeSet::new();
        let mut roles = BTreeMap::new();
        for line in lines {
            assert!(!line.contains('"'), "a quoted cell: {line}");
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells.len(), 9, "{line}");
            let [
                day,
                client,
                _,
                who,
                role,
                worked,
                bills,
                cost_rate,
                bill_rate,
            ] = cells[..]
            else {
                unreachable!()
            };
            rows += 1;
            assert!(day <= as_of.as_str() && day >= "2024-01-01", "{line}");
            assert!(invoiced.contains(client), "{client} has no invoice");
            let (whole, places) = worked.split_once('.').unwrap_or((worked, ""));
            assert!(places.len() <= 2 && !places.ends_with('0'), "{worked}");
            let hundredths: u64 = whole.parse::<u64>().unwrap() * 100
                + format!("{places:0<2}").parse::<u64>().unwrap();
            assert!((25..=800).contains(&hundredths), "{worked}");
            match bills {
                "Yes" => {
                    billable += 1;
                    assert!(bill_rate.parse::<f64>().unwrap() > 0.0, "{line}");
                }
                "No" => assert_eq!(bill_rate, "", "{line}"),
                other => panic!("billable {other:?}"),
            }
            if !cost_rate.is_empty() {
                with_cost_rate += 1;
                let rate: f64 = cost_rate.parse().unwrap();
                assert!((35.0..95.0).contains(&rate), "{line}");
            }
            people.insert(who.to_string());
            *roles.entry(role.to_string()).or_insert(0u64) += 1;
        }
        assert_eq!(rows, 4_000);
        // About 75% billable and half with a row rate, over 4,000 draws.
        assert!((2_800..3_200).contains(&billable), "{billable}");
        assert!((1_800..2_200).contains(&with_cost_rate), "{with_cost_rate}");
        assert!(
            people.len() > 190 && people.len() <= 200,
            "{}",
            people.len()
        );
        assert_eq!(roles.len(), 8);
        // Every person and role of the file is spelled as the config
        // spells those it gives a rate.
        for name in people_rates.keys() {
            assert!(people.contains(name), "{name}");
        }
        for role in role_rates.keys() {
            assert!(roles.contains_key(role), "{role}");
        }
    }
}
