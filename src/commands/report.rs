//! `clientfit report`: the per-client table, in any format, to stdout or
//! atomically to `--output`; `--fail-on` sets the exit code.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use crate::cli::ReportArgs;
use crate::error::Outcome;
use crate::render::Format;
use crate::settings::{OutputSettings, ReportSettings};

pub(crate) fn run(
    args: &ReportArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let settings = args.resolve()?;
    let (report, files) = super::pipeline::run_report(&settings)?;
    write_report(&report, &settings, &files, stdout, stderr)?;
    crate::trace::phase("written");
    let failed = settings
        .fail_on
        .is_some_and(|verdict| report.any_shown_at_least(verdict));
    // The process ends next: freeing a large report piece by piece
    // (millions of small strings with many clients) is work the operating
    // system does at once when the process exits.
    std::mem::forget(report);
    Ok(if failed {
        Outcome::FailOnMatched
    } else {
        Outcome::Done
    })
}

/// The report's warnings on stderr, then the report itself, streamed to
/// `--output` (atomically) or stdout.
fn write_report(
    report: &crate::report::Report,
    settings: &ReportSettings,
    inputs: &[PathBuf],
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> anyhow::Result<()> {
    let output = &settings.output;
    if !output.quiet {
        for warning in &report.warnings {
            writeln!(stderr, "warning: {}", crate::safe::message(warning))
                .context("writing warnings")?;
        }
        // CSV has no head to name the settings in (a line above the
        // header row would break every reader of it): they go to stderr.
        if output.format == Format::Csv {
            writeln!(
                stderr,
                "config: {}",
                crate::safe::terminal(&settings.input.config.provenance())
            )
            .context("writing warnings")?;
            // Its empty `delivery_cost` cells say the cost is unknown; the
            // sentence that says what to set goes beside the config line.
            // Rows left out by --owner, --verdict or --top: the other
            // formats say so under their table.
            for note in report.notes() {
                if let crate::report::Note::Showing { .. } = note {
                    writeln!(stderr, "note: {}", crate::safe::message(&note.text()))
                        .context("writing warnings")?;
                }
            }
            for assumption in report.assumptions() {
                writeln!(stderr, "note: {}", crate::safe::message(&assumption))
                    .context("writing warnings")?;
            }
        }
    }
    let render =
        |out: &mut dyn Write| crate::render::render_to(report, output.format, output.style, out);
    match &output.file {
        Some(path) => crate::output::write_atomically_with(path, inputs, render),
        None => render(&mut *stdout)
            .and_then(|()| Ok(stdout.flush()?))
            .context("writing the output"),
    }
}

/// Print warnings (unless quiet), then the output to stdout or, atomically,
/// to `--output`.
pub(super) fn write_out(
    text: &str,
    warnings: &[String],
    settings: &OutputSettings,
    inputs: &[PathBuf],
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> anyhow::Result<()> {
    if !settings.quiet {
        for warning in warnings {
            writeln!(stderr, "warning: {}", crate::safe::message(warning))
                .context("writing warnings")?;
        }
    }
    match &settings.file {
        Some(path) => crate::output::write_atomically(path, text.as_bytes(), inputs),
        None => stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
            .context("writing the output"),
    }
}
