//! The commands, one file each: `report`, `receivables`, `explain`,
//! `check`, `diff`, `init`, and the documentation (`completions`, `man`).
//! Each takes its settings, runs the pipeline (`pipeline`) and writes what
//! a renderer made of the values.
//!
//! Layer: the top below `main`; may import any module below it.

pub(crate) mod check;
pub(crate) mod diff;
pub(crate) mod docs;
pub(crate) mod explain;
pub(crate) mod init;
pub mod pipeline;
pub(crate) mod receivables;
pub(crate) mod report;

use std::io::Write;

use anyhow::Context;

use crate::cli::Command;
use crate::error::Outcome;

/// Run one command, writing its output to `stdout` and its warnings to
/// `stderr`.
pub fn run(
    command: &Command,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    match command {
        Command::Report(args) => report::run(args, stdout, stderr),
        Command::Check(args) => check::command(args, stdout),
        Command::Receivables(args) => receivables::run(args, stdout, stderr),
        Command::Explain(args) => explain::command(args, stdout),
        Command::Diff(args) => diff::command(args, stdout),
        Command::Completions(args) => docs::completions(args, stdout),
        Command::Man(args) => docs::man(args, stdout),
        Command::Init(args) => init::run(args, stdout),
    }
}

/// Write `text` to stdout and flush it; `what` names it in an error.
fn print(stdout: &mut dyn Write, text: &[u8], what: &str) -> anyhow::Result<()> {
    stdout
        .write_all(text)
        .and_then(|()| stdout.flush())
        .with_context(|| format!("writing {what}"))
}
