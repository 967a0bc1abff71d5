//! Writing a report file: atomically, never over an input, and never over
//! something that is not a regular file.
//!
//! What `--output PATH` does depends on what is at PATH:
//! - nothing: a new file, written whole and then renamed into place;
//! - a regular file: replaced the same way, keeping its permissions (and
//!   its owner and group, where the process may set them);
//! - a symbolic link: followed; what it points to is written as above,
//!   and the link stays a link;
//! - a named pipe or a character device (`/dev/null`, a terminal): written
//!   to directly, as a shell's `>` would, since renaming over it would
//!   replace the device node itself;
//! - anything else (a directory, a block device, a socket): an error.
//!
//! Layer: above `render`; must not import `cli`, `settings` or `commands`.

use std::fs::{File, Metadata};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::error::UsageError;
use crate::safe::terminal;

/// How many symbolic links are followed before giving up (Linux's own
/// limit for one path).
const MAX_LINKS: usize = 40;

/// Write `bytes` to `path`; see the module documentation.
pub(crate) fn write_atomically(
    path: &Path,
    bytes: &[u8],
    inputs: &[PathBuf],
) -> anyhow::Result<()> {
    write_atomically_with(path, inputs, |file| Ok(file.write_all(bytes)?))
}

/// What `--output` found at its path, after following links.
enum Target {
    /// Nothing there yet (the path is where the new file goes).
    New(PathBuf),
    /// A regular file, replaced by rename.
    Regular(PathBuf, Metadata),
    /// A FIFO or a character device, written to in place.
    Stream(PathBuf),
}

/// Follow `path` through any symbolic links to what it names.
fn resolve(path: &Path) -> anyhow::Result<Target> {
    let shown = |p: &Path| terminal(&p.display().to_string());
    let metadata = match std::fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Target::New(path.to_path_buf()));
        }
        Err(err) => return Err(err).with_context(|| format!("cannot look at {}", shown(path))),
    };
    if !metadata.file_type().is_symlink() {
        return classify(path, path.to_path_buf(), metadata);
    }
    // A link: what it names, as the system follows it (which also takes
    // `/dev/stdout` to the pipe or terminal behind it).
    match std::fs::metadata(path) {
        Ok(metadata) if metadata.is_file() => {
            let real = std::fs::canonicalize(path)
                .with_context(|| format!("cannot follow the link {}", shown(path)))?;
            Ok(Target::Regular(real, metadata))
        }
        // A pipe or device is opened through the link itself.
        Ok(metadata) => classify(path, path.to_path_buf(), metadata),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => dangling(path),
        Err(err) => Err(err).with_context(|| format!("cannot follow the link {}", shown(path))),
    }
}

/// A link to nothing yet: the file it names is created, as `>` would.
fn dangling(path: &Path) -> anyhow::Result<Target> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let link = std::fs::read_link(&current).with_context(|| {
                    format!(
                        "cannot read the link {}",
                        terminal(&current.display().to_string())
                    )
                })?;
                current = match current.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
            }
            Ok(metadata) => return classify(path, current, metadata),
            Err(_) => return Ok(Target::New(current)),
        }
    }
    Err(UsageError(format!(
        "--output {}: more than {MAX_LINKS} symbolic links in a row (a loop?)",
        terminal(&path.display().to_string())
    ))
    .into())
}

/// What is at `target` (found from `--output path`), by its metadata.
fn classify(path: &Path, target: PathBuf, metadata: Metadata) -> anyhow::Result<Target> {
    let shown = |p: &Path| terminal(&p.display().to_string());
    if metadata.is_file() {
        return Ok(Target::Regular(target, metadata));
    }
    if metadata.is_dir() {
        return Err(UsageError(format!(
            "--output {} is a directory; name a file in it, such as {}",
            shown(path),
            shown(&target.join("report.json"))
        ))
        .into());
    }
    if is_stream(&metadata) {
        return Ok(Target::Stream(target));
    }
    Err(UsageError(format!(
        "--output {} is neither a regular file, a named pipe nor a character device (a block device or a socket); clientfit writes reports only to those",
        shown(path)
    ))
    .into())
}

#[cfg(unix)]
fn is_stream(metadata: &Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    let kind = metadata.file_type();
    kind.is_fifo() || kind.is_char_device()
}

#[cfg(not(unix))]
fn is_stream(_metadata: &Metadata) -> bool {
    false
}

/// Refuse to write over any of `inputs` (however either is spelled).
fn refuse_inputs(path: &Path, target: &Path, inputs: &[PathBuf]) -> anyhow::Result<()> {
    let Ok(target) = std::fs::canonicalize(target) else {
        return Ok(());
    };
    for input in inputs {
        // Standard input redirected from a file is that file.
        let input = if crate::ingest::reader::is_stdin(input) {
            Path::new("/dev/stdin")
        } else {
            input.as_path()
        };
        if std::fs::canonicalize(input).ok().as_ref() == Some(&target) {
            return Err(UsageError(format!(
                "--output {} is one of the input files; clientfit never overwrites its inputs",
                terminal(&path.display().to_string())
            ))
            .into());
        }
    }
    Ok(())
}

/// `write_atomically`, with the content written by `write` (which may
/// stream it): an error from `write` leaves the old file in place.
pub(crate) fn write_atomically_with(
    path: &Path,
    inputs: &[PathBuf],
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    match resolve(path)? {
        Target::New(target) => replace(&target, None, write),
        Target::Regular(target, metadata) => {
            refuse_inputs(path, &target, inputs)?;
            replace(&target, Some(&metadata), write)
        }
        Target::Stream(target) => {
            refuse_inputs(path, &target, inputs)?;
            let shown = terminal(&target.display().to_string());
            // Neither created nor truncated: it is a device or a pipe.
            let mut stream = std::fs::OpenOptions::new()
                .write(true)
                .open(&target)
                .with_context(|| format!("cannot open {shown}"))?;
            write(&mut stream).with_context(|| format!("cannot write {shown}"))?;
            stream
                .flush()
                .with_context(|| format!("cannot write {shown}"))?;
            Ok(())
        }
    }
}

/// Write a new file beside `target` and rename it over `target`, with the
/// permissions and owner of the file it replaces (`old`), if any.
fn replace(
    target: &Path,
    old: Option<&Metadata>,
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let directory = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    // Never opened through whatever may already be at a temporary name
    // (a link planted there would be followed): it must be new; a name
    // taken (a run killed midway, or planted) is passed over.
    let mut attempt = 0u32;
    let (temporary, mut file) = loop {
        let temporary = directory.join(format!(
            ".{name}.clientfit-{}-{attempt}.tmp",
            std::process::id()
        ));
        match create_new(&temporary, old.is_some()) {
            Ok(file) => break (temporary, file),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                // Below 100 (checked above).
                attempt = attempt.saturating_add(1);
            }
            Err(err) => {
                return Err(err).with_context(|| {
                    format!(
                        "cannot create {}",
                        terminal(&temporary.display().to_string())
                    )
                });
            }
        }
    };
    let shown_temporary = terminal(&temporary.display().to_string());
    let result = (|| -> anyhow::Result<()> {
        write(&mut file).with_context(|| format!("cannot write {shown_temporary}"))?;
        if let Some(old) = old {
            keep_permissions(&file, old)
                .with_context(|| format!("cannot set the permissions of {shown_temporary}"))?;
        }
        file.sync_all()
            .with_context(|| format!("cannot write {shown_temporary}"))?;
        std::fs::rename(&temporary, target).with_context(|| {
            format!("cannot replace {}", terminal(&target.display().to_string()))
        })?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// A file that did not exist. One that will replace another starts
/// readable by its owner alone and is given the old file's permissions
/// once written; a new one gets the usual permissions (0666 less the umask).
#[cfg(unix)]
fn create_new(path: &Path, replacing: bool) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(if replacing { 0o600 } else { 0o666 })
        .open(path)
}

#[cfg(not(unix))]
fn create_new(path: &Path, _replacing: bool) -> std::io::Result<File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

/// Give `file` the permission bits of `old`, and its owner and group
/// where the process may (root may; anyone may set a group they are in;
/// otherwise the new file is the writer's, with the old permissions).
#[cfg(unix)]
fn keep_permissions(file: &File, old: &Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let now = file.metadata()?;
    if (now.uid(), now.gid()) != (old.uid(), old.gid())
        && std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid())).is_err()
    {
        let _ = std::os::unix::fs::fchown(file, None, Some(old.gid()));
    }
    // After the change of owner, which may clear set-id bits.
    file.set_permissions(std::fs::Permissions::from_mode(old.mode() & 0o7777))
}

#[cfg(not(unix))]
fn keep_permissions(file: &File, old: &Metadata) -> std::io::Result<()> {
    file.set_permissions(old.permissions())
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_replaced_file_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.json");
        std::fs::write(&target, "old").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_atomically(&target, b"new", &[]).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(mode(&target), 0o600);
        // Wider modes are kept too: they were the owner's choice.
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&target, b"newer", &[]).unwrap();
        assert_eq!(mode(&target), 0o640);
    }

    #[test]
    fn a_link_is_followed_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("2026-10.json");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("latest.json");
        std::os::unix::fs::symlink("2026-10.json", &link).unwrap();
        write_atomically(&link, b"new", &[]).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        // A link to nothing yet: the file it names is created.
        let dangling = dir.path().join("next.json");
        std::os::unix::fs::symlink("2026-11.json", &dangling).unwrap();
        write_atomically(&dangling, b"november", &[]).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("2026-11.json")).unwrap(),
            "november"
        );
        // A loop is an error, not a hang.
        let a = dir.path().join("a.json");
        let b = dir.path().join("b.json");
        std::os::unix::fs::symlink("b.json", &a).unwrap();
        std::os::unix::fs::symlink("a.json", &b).unwrap();
        let err = write_atomically(&a, b"x", &[]).unwrap_err();
        assert!(format!("{err:#}").contains("symbolic links"), "{err:#}");
    }

    #[test]
    fn a_planted_temporary_name_is_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep me").unwrap();
        let temporary = dir.path().join(format!(
            ".report.json.clientfit-{}-0.tmp",
            std::process::id()
        ));
        std::os::unix::fs::symlink(&victim, &temporary).unwrap();
        let report = dir.path().join("report.json");
        write_atomically(&report, b"new", &[]).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
        assert_eq!(std::fs::read_to_string(&report).unwrap(), "new");
        // The planted link is not the run's to remove; nothing else is left.
        assert!(std::fs::symlink_metadata(&temporary).is_ok());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
    }
}
