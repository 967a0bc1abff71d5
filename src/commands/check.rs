//! `clientfit check`: read the exports as `report` would and say what was
//! found in each file — kind, encoding, delimiter, which column feeds which
//! field, rows read and skipped and why, date range, currencies — and which
//! client names in tickets and meetings match no invoice client, with the
//! closest one suggested. Every file is read even when one fails.
//!
//! Settings → reading → values (`report::check`) → text (`render::check`)
//! → stdout.

use crate::settings::CheckSettings;
use crate::{report, safe};

/// The text to print, and whether `report` would run.
pub(crate) struct CheckOutcome {
    pub(crate) text: String,
    pub(crate) ok: bool,
}

/// Read every file (going on past one that fails) and give the account.
pub(crate) fn run(settings: &CheckSettings) -> anyhow::Result<CheckOutcome> {
    let read = super::pipeline::read_everything(settings)?;
    let mut check = report::check::build(
        &read.files,
        &read.own_outputs,
        &read.ingested,
        &settings.config,
    );
    check.problems.extend(read.unrated);
    Ok(CheckOutcome {
        text: crate::render::check::render(&check),
        ok: check.ok(),
    })
}

/// `clientfit check`: read everything as `report` would and say what was
/// found; problems exit 1 after the whole account is printed.
pub(crate) fn command(
    args: &crate::cli::CheckArgs,
    stdout: &mut dyn std::io::Write,
) -> anyhow::Result<crate::error::Outcome> {
    let paths = args.input.paths();
    let settings = CheckSettings {
        config: args.input.config(&paths)?,
        explicit: args.input.explicit(),
        paths,
        skip_bad_rows: args.input.skip_bad_rows,
    };
    let outcome = run(&settings)?;
    // File names, headers and messages from the files.
    super::print(stdout, safe::message(&outcome.text).as_bytes(), "the check")?;
    if outcome.ok {
        Ok(crate::error::Outcome::Done)
    } else {
        Err(anyhow::anyhow!(
            "check found problems: report would stop (see above)"
        ))
    }
}
