//! `--output` never damages what is at its path: a regular file is
//! replaced atomically with its mode and owner kept, a symbolic link is
//! followed (its target replaced, the link kept), a named pipe or a
//! character device is written to in place (never renamed over), anything
//! else is refused, and `-o -` is standard output. Devices are made in a
//! temporary directory, never a real `/dev` path.

use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::Path;

use crate::util::*;

fn demo() -> String {
    fixture("demo").display().to_string()
}

/// `clientfit report fixtures/demo --format json -o TARGET`.
fn report_to(target: &Path) -> Outcome {
    run([
        "report",
        &demo(),
        "--format",
        "json",
        "--top",
        "1",
        "-o",
        target.to_str().unwrap(),
    ])
}

fn is_report(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text).is_ok_and(|doc| doc["tool"] == "clientfit")
}

/// Nothing but `expected` in `dir`: no temporary file left behind.
fn assert_entries(dir: &Path, expected: &[&str]) {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(names, expected);
}

#[test]
fn a_report_file_of_mode_600_stays_600() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.json");
    std::fs::write(&target, "last month\n").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = report_to(&target);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(is_report(&std::fs::read_to_string(&target).unwrap()));
    assert_eq!(
        std::fs::metadata(&target).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_entries(dir.path(), &["report.json"]);
}

#[test]
fn a_replaced_file_keeps_its_owner_where_the_process_may_set_it() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.json");
    std::fs::write(&target, "last month\n").unwrap();
    // Only root may give a file away; elsewhere there is nothing to test.
    if std::os::unix::fs::chown(&target, Some(65534), Some(65534)).is_err() {
        eprintln!("skipped: cannot chown (not root); the owner cannot be tested here");
        return;
    }
    let out = report_to(&target);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let metadata = std::fs::metadata(&target).unwrap();
    assert_eq!((metadata.uid(), metadata.gid()), (65534, 65534));
    assert!(is_report(&std::fs::read_to_string(&target).unwrap()));
}

#[test]
fn a_symlink_is_followed_and_its_target_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("2026-10.json");
    std::fs::write(&real, "old\n").unwrap();
    let link = dir.path().join("latest.json");
    std::os::unix::fs::symlink("2026-10.json", &link).unwrap();
    let out = report_to(&link);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is still a link"
    );
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("2026-10.json")
    );
    assert!(is_report(&std::fs::read_to_string(&real).unwrap()));
    assert_entries(dir.path(), &["2026-10.json", "latest.json"]);
}

#[test]
fn a_named_pipe_is_written_to_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("report.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo can be started");
    assert!(made.success());
    // The reader: opening a FIFO for reading waits for the writer.
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let out = report_to(&fifo);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let received = reader.join().unwrap();
    assert!(is_report(&received), "{received}");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo(),
        "still a named pipe"
    );
    assert_entries(dir.path(), &["report.fifo"]);
}

#[test]
fn a_character_device_is_written_to_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let device = dir.path().join("null");
    // The null device's numbers (1, 3), made here: never a real /dev path.
    let made = std::process::Command::new("mknod")
        .arg(&device)
        .args(["c", "1", "3"])
        .output();
    if !made.is_ok_and(|m| m.status.success()) {
        eprintln!("skipped: cannot make a character device here (mknod needs root)");
        return;
    }
    let out = report_to(&device);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let kind = std::fs::symlink_metadata(&device).unwrap().file_type();
    assert!(kind.is_char_device(), "still a character device");
    assert_entries(dir.path(), &["null"]);
    // Also through a symbolic link to it (as /dev/stdout is one).
    let link = dir.path().join("out.json");
    std::os::unix::fs::symlink(&device, &link).unwrap();
    let out = report_to(&link);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        std::fs::symlink_metadata(&device)
            .unwrap()
            .file_type()
            .is_char_device()
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn a_block_device_or_a_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = report_to(dir.path());
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("is a directory"), "{}", out.stderr);
    let block = dir.path().join("disk");
    let made = std::process::Command::new("mknod")
        .arg(&block)
        .args(["b", "7", "0"])
        .output();
    if !made.is_ok_and(|m| m.status.success()) {
        eprintln!("skipped: cannot make a block device here (mknod needs root)");
        return;
    }
    let out = report_to(&block);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("neither a regular file"),
        "{}",
        out.stderr
    );
    assert!(
        std::fs::symlink_metadata(&block)
            .unwrap()
            .file_type()
            .is_block_device()
    );
}

#[test]
fn dash_means_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["report", "receivables"] {
        let output = clientfit()
            .current_dir(dir.path())
            .args([command, &demo(), "--format", "json", "-o", "-"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        assert!(is_report(&String::from_utf8(output.stdout).unwrap()));
        assert_entries(dir.path(), &[]);
    }
}

#[test]
fn a_link_to_standard_output_writes_to_it() {
    // As /dev/stdout is: a link to the process's own descriptor 1, here a
    // pipe. Made in a temporary directory; the real /dev is never touched.
    if !Path::new("/proc/self/fd/1").exists() {
        eprintln!("skipped: no /proc/self/fd here");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("stdout");
    std::os::unix::fs::symlink("/proc/self/fd/1", &link).unwrap();
    let out = report_to(&link);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(is_report(&out.stdout), "{}", out.stdout);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_entries(dir.path(), &["stdout"]);
}
