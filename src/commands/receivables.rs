//! `clientfit receivables`: who owes what and for how long;
//! `--fail-on-overdue` sets the exit code.

use std::io::Write;

use crate::cli::{ColorChoice, ReceivablesArgs, ReportArgs, SortArg};
use crate::error::Outcome;

pub(crate) fn run(
    args: &ReceivablesArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let report_args = ReportArgs {
        input: args.input.clone(),
        when: args.when.clone(),
        format: args.format,
        output: args.output.clone(),
        sort: SortArg::Profit,
        verdict: Vec::new(),
        owner: args.owner.clone(),
        top: args.top,
        fail_on: None,
        color: ColorChoice::Never,
        quiet: args.quiet,
    };
    let settings = report_args.resolve()?;
    let (view, files) = super::pipeline::run_receivables(&settings)?;
    let text = crate::render::receivables::render(&view, settings.format, settings.style)?;
    super::report::write_out(&text, &view.warnings, &settings, &files, stdout, stderr)?;
    let failed = args
        .fail_on_overdue
        .is_some_and(|days| view.max_days_past_due > days);
    Ok(if failed {
        Outcome::FailOnMatched
    } else {
        Outcome::Done
    })
}
