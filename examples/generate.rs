//! Generate a synthetic data set for benchmarks (seeded, reproducible):
//! canonical headers, late and unpaid invoices, credit notes, void ones,
//! blank minutes, three currencies with [fx] rates.
//!
//!     cargo run --release --example generate -- small bench/data/small
//!     cargo run --release --example generate -- large bench/data/large
//!     cargo run --release --example generate -- 1000 50000 100000 20000 DIR [SEED]
//!       (clients, invoices, tickets, meetings)

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

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

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (clients, invoices, tickets, meetings, dir, seed) = match args.as_slice() {
        [size, dir, rest @ ..] if size == "small" => {
            (1_000, 50_000, 100_000, 20_000, dir, rest.first())
        }
        [size, dir, rest @ ..] if size == "medium" => {
            (200, 5_000, 10_000, 2_000, dir, rest.first())
        }
        [size, dir, rest @ ..] if size == "large" => {
            (100_000, 5_000_000, 10_000_000, 2_000_000, dir, rest.first())
        }
        [c, i, t, m, dir, rest @ ..] => (
            c.parse().expect("clients"),
            i.parse().expect("invoices"),
            t.parse().expect("tickets"),
            m.parse().expect("meetings"),
            dir,
            rest.first(),
        ),
        _ => {
            eprintln!(
                "usage: generate small|medium|large DIR [SEED]  or  generate CLIENTS INVOICES TICKETS MEETINGS DIR [SEED]"
            );
            std::process::exit(2);
        }
    };
    let seed: u64 = seed.map_or(20261031, |s| s.parse().expect("seed"));
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir)?;
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
