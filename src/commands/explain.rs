//! `clientfit explain CLIENT`: everything behind one client's verdict —
//! every metric beside the portfolio median, each flag against its
//! threshold, the rule and any guard, the cost-to-serve breakdown, the
//! invoices, tickets and meetings behind each flag, and the playbook.
//!
//! Settings → values (`report::explain`) → text (`render::explain`) →
//! stdout; the inputs are read once.

use crate::report;
use crate::settings::InputSettings;

pub(crate) fn run(settings: &InputSettings, query: &str) -> anyhow::Result<String> {
    let (ingested, aggregated, activity) = super::pipeline::read_inputs_keeping_activity(settings)?;
    let report = report::build(
        &ingested,
        report::Clients::Copied,
        aggregated,
        &settings.config,
        &report::Selection::default(),
    )?;
    let client = report::explain::find(&report, &ingested.registry, query)?;
    let explanation = report::explain::build(&report, client, &ingested, &activity)?;
    Ok(crate::render::explain::render(&explanation))
}

/// `clientfit explain CLIENT`: how one client's figures, flags and verdict
/// came about.
pub(crate) fn command(
    args: &crate::cli::ExplainArgs,
    stdout: &mut dyn std::io::Write,
) -> anyhow::Result<crate::error::Outcome> {
    let settings = args.resolve()?;
    let text = run(&settings.input, &settings.query)?;
    super::print(stdout, text.as_bytes(), "the explanation")?;
    Ok(crate::error::Outcome::Done)
}
