//! The documentation the program prints: shell completions and man pages,
//! both made from the argument definitions.

use std::io::Write;

use anyhow::Context;

use crate::cli::{Cli, CompletionsArgs, MAN_PAGES, ManArgs};
use crate::error::{Outcome, UsageError};

pub(crate) fn completions(
    args: &CompletionsArgs,
    stdout: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut buffer = Vec::new();
    clap_complete::generate(args.shell, &mut command, "clientfit", &mut buffer);
    super::print(stdout, &buffer, "completions")?;
    Ok(Outcome::Done)
}

pub(crate) fn man(args: &ManArgs, stdout: &mut dyn Write) -> anyhow::Result<Outcome> {
    let command = man_command();
    if let Some(dir) = &args.dir {
        std::fs::create_dir_all(dir).with_context(|| {
            format!(
                "cannot create {}",
                crate::safe::terminal(&dir.display().to_string())
            )
        })?;
        let pages = std::iter::once(None).chain(MAN_PAGES.iter().map(|n| Some(*n)));
        for page in pages {
            let name = match page {
                None => "clientfit.1".to_string(),
                Some(sub) => format!("clientfit-{sub}.1"),
            };
            let path = dir.join(name);
            crate::output::write_atomically(&path, &man_page(&command, page)?, &[])?;
            writeln!(
                stdout,
                "wrote {}",
                crate::safe::terminal(&path.display().to_string())
            )
            .context("writing to stdout")?;
        }
        return Ok(Outcome::Done);
    }
    let buffer = man_page(&command, args.subcommand.as_deref())?;
    super::print(stdout, &buffer, "the man page")?;
    Ok(Outcome::Done)
}

/// The command tree as the man pages see it: built (so subcommands carry
/// their `clientfit-NAME` display names), without the `help` subcommand.
fn man_command() -> clap::Command {
    let mut command = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
    command.build();
    command
}

/// One page as roff: the main one, or a subcommand's.
fn man_page(command: &clap::Command, subcommand: Option<&str>) -> anyhow::Result<Vec<u8>> {
    let page = match subcommand {
        None => command.clone(),
        Some(name) => command
            .find_subcommand(name)
            .cloned()
            .ok_or_else(|| UsageError(format!("no subcommand {name:?}")))?,
    };
    let mut buffer = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut buffer)
        .context("rendering the man page")?;
    if subcommand.is_none() {
        // Where the options of each subcommand are.
        buffer.extend_from_slice(b".SH \"SEE ALSO\"\n");
        let pages: Vec<String> = MAN_PAGES
            .iter()
            .map(|name| format!("\\fBclientfit\\-{name}\\fR(1)"))
            .collect();
        buffer.extend_from_slice(pages.join(", ").as_bytes());
        buffer.push(b'\n');
    }
    Ok(buffer)
}
