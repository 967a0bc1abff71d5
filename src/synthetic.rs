//! Synthetic exports for benchmarks and the results-unchanged test:
//! seeded and reproducible, with canonical headers, late and unpaid
//! invoices, credit notes, void and uncollectible ones, blank ticket
//! minutes, and three currencies with `[fx]` rates. Not part of the
//! tool's interface.

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
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Day number 0 = 2024-01-01; days as YYYY-MM-DD without a date library.
fn date(day: u64) -> String {
    const MONTHS: [u64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut remaining = day;
    let mut year = 2024;
    loop {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let length = if leap { 366 } else { 365 };
        if remaining < length {
            for (index, days) in MONTHS.iter().enumerate() {
                let days = if index == 1 && leap { 29 } else { *days };
                if remaining < days {
                    return format!("{year}-{:02}-{:02}", index + 1, remaining + 1);
                }
                remaining -= days;
            }
        }
        remaining -= length;
        year += 1;
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
    pub const SMALL: Size = Size {
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
    pub const LARGE: Size = Size {
        clients: 100_000,
        invoices: 5_000_000,
        tickets: 10_000_000,
        meetings: 2_000_000,
    };

    pub fn named(name: &str) -> Option<Size> {
        match name {
            "small" => Some(Size::SMALL),
            "medium" => Some(Size::MEDIUM),
            "large" => Some(Size::LARGE),
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
        let terms = [14, 30, 30, 45][rng.below(4) as usize];
        let due = issued + terms;
        let currency = ["USD", "USD", "USD", "USD", "EUR", "GBP"][rng.below(6) as usize];
        let cents = 5_000 + rng.below(2_000_000);
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
            0..=69 => Some(issued + rng.below(terms + 1)),
            70..=89 => Some(due + 1 + rng.below(90)),
            _ => None,
        }
        .filter(|day| *day < days && status != "uncollectible" && status != "void");
        let discount = if rng.chance(5) {
            format!("{}.00", 10 + rng.below(500))
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
            (5 + rng.below(120)).to_string()
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
        let priority = ["low", "normal", "normal", "high"][rng.below(4) as usize];
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
        let status = [
            "attended",
            "attended",
            "attended",
            "attended",
            "no-show",
            "cancelled",
            "rescheduled",
        ][rng.below(7) as usize];
        writeln!(
            out,
            "{},{} 14:00,{},{status},{}",
            client(who),
            date(rng.below(days)),
            [30, 45, 60][rng.below(3) as usize],
            1 + rng.below(3)
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
