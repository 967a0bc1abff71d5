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
