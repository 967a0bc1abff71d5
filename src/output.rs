//! Writing a report file: atomically, and never over an input.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::error::UsageError;

/// Write `bytes` to `path` through a temporary file in the same directory
/// and a rename, so the file is always either the old or the new report.
pub fn write_atomically(path: &Path, bytes: &[u8], inputs: &[PathBuf]) -> anyhow::Result<()> {
    write_atomically_with(path, inputs, |file| Ok(file.write_all(bytes)?))
}

/// `write_atomically`, with the content written by `write` (which may
/// stream it): an error from `write` leaves the old file in place.
pub fn write_atomically_with(
    path: &Path,
    inputs: &[PathBuf],
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let target = std::fs::canonicalize(path).ok();
    if let Some(target) = &target {
        for input in inputs {
            // Standard input redirected from a file is that file.
            let input = if crate::ingest::reader::is_stdin(input) {
                Path::new("/dev/stdin")
            } else {
                input.as_path()
            };
            if std::fs::canonicalize(input).ok().as_ref() == Some(target) {
                return Err(UsageError(format!(
                    "--output {} is one of the input files; clientfit never overwrites its inputs",
                    path.display()
                ))
                .into());
            }
        }
    }
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let temporary = directory.join(format!(".{name}.clientfit-{}.tmp", std::process::id()));
    let result = (|| -> anyhow::Result<()> {
        let mut file = std::fs::File::create(&temporary)
            .with_context(|| format!("cannot create {}", temporary.display()))?;
        write(&mut file).with_context(|| format!("cannot write {}", temporary.display()))?;
        file.sync_all()
            .with_context(|| format!("cannot write {}", temporary.display()))?;
        std::fs::rename(&temporary, path)
            .with_context(|| format!("cannot replace {}", path.display()))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}
