//! Generate a synthetic data set for benchmarks (seeded, reproducible);
//! see `clientfit::synthetic`.
//!
//!     cargo run --release --example generate -- small bench/data/small
//!     cargo run --release --example generate -- large bench/data/large 3
//!     cargo run --release --example generate -- 1000 50000 100000 20000 DIR [SEED]
//!       (clients, invoices, tickets, meetings)
//!     cargo run --release --example generate -- small DIR --rows-times 4
//!     cargo run --release --example generate -- large DIR --shape realistic
//!     cargo run --release --example generate -- tickets-only DIR --shape realistic
//!     cargo run --release --example generate -- time bench/data/time
//!     cargo run --release --example generate -- time 1000 5000 100000 DIR [SEED]
//!       (clients, invoices, time entries)
//!
//! `--shape plain` (the default) or `realistic`: see `clientfit::synthetic::Shape`.
//! The `time` set (invoices and a timesheet, `clientfit::synthetic::write_time`)
//! has the plain shape only.

use std::path::Path;
use std::process::ExitCode;

use clientfit::synthetic::{DEFAULT_SEED, Shape, Size, TimeSize, write_time};

const USAGE: &str = "usage: generate small|medium|large|tickets-only DIR [SEED] [--rows-times N] [--shape plain|realistic]
       generate CLIENTS INVOICES TICKETS MEETINGS DIR [SEED] [--rows-times N] [--shape plain|realistic]
       generate time DIR [SEED] [--rows-times N]
       generate time CLIENTS INVOICES ENTRIES DIR [SEED] [--rows-times N]";

/// DIR and the optional SEED after the sizes.
fn dir_and_seed(rest: &[String]) -> Result<(&String, u64), String> {
    match rest {
        [dir] => Ok((dir, DEFAULT_SEED)),
        [dir, seed] => Ok((dir, number(seed)?)),
        _ => Err(USAGE.to_string()),
    }
}

/// `generate time ...`: the arguments after `time`.
fn time_set(args: &[String], factor: u64, shape: Shape) -> Result<(), String> {
    if shape != Shape::Plain {
        return Err(format!("the time set has the plain shape only\n{USAGE}"));
    }
    let (size, rest) = match args {
        [c, i, e, rest @ ..] if rest.len() == 1 || rest.len() == 2 => (
            TimeSize {
                clients: number(c)?,
                invoices: number(i)?,
                entries: number(e)?,
            },
            rest,
        ),
        rest => (TimeSize::TIME, rest),
    };
    let (dir, seed) = dir_and_seed(rest)?;
    write_time(Path::new(dir), size.rows_times(factor), seed).map_err(|err| format!("{dir}: {err}"))
}

fn number(text: &str) -> Result<u64, String> {
    text.parse()
        .map_err(|_| format!("not a whole number: {text:?}\n{USAGE}"))
}

fn run(mut args: Vec<String>) -> Result<(), String> {
    let mut factor = 1;
    if let Some(at) = args.iter().position(|a| a == "--rows-times") {
        // `at` indexes `args`: the sums stay far from the end of `usize`.
        let value = args.get(at.saturating_add(1)).ok_or(USAGE)?;
        factor = number(value)?;
        args.drain(at..at.saturating_add(2));
    }
    let mut shape = Shape::Plain;
    if let Some(at) = args.iter().position(|a| a == "--shape") {
        let value = args.get(at.saturating_add(1)).ok_or(USAGE)?;
        shape = Shape::named(value).ok_or_else(|| format!("unknown shape {value:?}\n{USAGE}"))?;
        args.drain(at..at.saturating_add(2));
    }
    if let [name, rest @ ..] = args.as_slice()
        && name == "time"
    {
        return time_set(rest, factor, shape);
    }
    let (size, rest) = match args.as_slice() {
        [name, rest @ ..] if Size::named(name).is_some() => (Size::named(name).ok_or(USAGE)?, rest),
        [c, i, t, m, rest @ ..] => (
            Size {
                clients: number(c)?,
                invoices: number(i)?,
                tickets: number(t)?,
                meetings: number(m)?,
            },
            rest,
        ),
        _ => return Err(USAGE.to_string()),
    };
    let (dir, seed) = dir_and_seed(rest)?;
    shape
        .write(Path::new(dir), size.rows_times(factor), seed)
        .map_err(|err| format!("{dir}: {err}"))
}

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}
