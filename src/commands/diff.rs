//! `clientfit diff OLD.json NEW.json`: what changed between two report
//! snapshots — clients whose verdict moved (and the flags that appeared or
//! cleared), new and gone clients, and the biggest movers in profit,
//! overdue and ticket volume.
//!
//! Settings → values (`report::diff`) → text (`render::diff`) → stdout.

use crate::assess::Verdict;
use crate::render::diff::{DiffFormat, render};
use crate::report::diff::compare;
use crate::safe;

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
