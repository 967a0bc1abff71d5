//! `clientfit init`: write the commented defaults as `clientfit.toml`
//! (or print them with `--stdout`).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use crate::cli::InitArgs;
use crate::error::Outcome;

pub(crate) fn run(args: &InitArgs, stdout: &mut dyn Write) -> anyhow::Result<Outcome> {
    if args.stdout {
        super::print(
            stdout,
            crate::config::DEFAULTS_TOML.as_bytes(),
            "clientfit.toml",
        )?;
        return Ok(Outcome::Done);
    }
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let path = dir.join(crate::config::CONFIG_FILE_NAME);
    if path.exists() && !args.force {
        anyhow::bail!(
            "{} already exists; use --force to overwrite it, or --stdout to see the defaults",
            path.display()
        );
    }
    std::fs::create_dir_all(&dir).with_context(|| {
        format!(
            "cannot create {}",
            crate::safe::terminal(&dir.display().to_string())
        )
    })?;
    crate::output::write_atomically(&path, crate::config::DEFAULTS_TOML.as_bytes(), &[])?;
    writeln!(
        stdout,
        "wrote {}",
        crate::safe::terminal(&path.display().to_string())
    )
    .context("writing to stdout")?;
    Ok(Outcome::Done)
}
