//! `clientfit receivables`: who owes what and for how long;
//! `--fail-on-overdue` sets the exit code.

use std::io::Write;

use crate::cli::ReceivablesArgs;
use crate::error::Outcome;

pub(crate) fn run(
    args: &ReceivablesArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let settings = args.resolve()?;
    let (view, files) = super::pipeline::run_receivables(&settings)?;
    let output = &settings.output;
    let text = crate::render::receivables::render(&view, output.format, output.style)?;
    super::report::write_out(&text, &view.warnings, output, &files, stdout, stderr)?;
    let failed = settings
        .fail_on_overdue
        .is_some_and(|days| view.max_days_past_due > days);
    Ok(if failed {
        Outcome::FailOnMatched
    } else {
        Outcome::Done
    })
}
