//! Making reading faster must not change a single figure: the JSON report
//! of a generated medium data set (200 clients, 5k invoices in three
//! currencies, 10k tickets, 2k meetings) is compared byte for byte with the
//! file written by the straightforward implementation.
//! The generator is seeded, so the inputs are the same on every machine.
//!
//! If an intended change to the report alters this file, regenerate it
//! with `cargo run --release --example generate -- medium DIR` and
//! `clientfit report DIR --format json > tests/expected/medium.json`, and
//! say why in the commit.

use std::path::Path;

#[test]
fn the_report_of_a_generated_medium_set_is_unchanged() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    clientfit::synthetic::write(
        dir.path(),
        clientfit::synthetic::Size::MEDIUM,
        clientfit::synthetic::DEFAULT_SEED,
    )
    .expect("the generator writes its files");
    // From the directory itself: the JSON names the config file read,
    // the same on every machine.
    let output = crate::util::clientfit()
        .current_dir(dir.path())
        .args(["report", ".", "--format", "json"])
        .output()
        .expect("clientfit can be started");
    let outcome = crate::util::Outcome {
        code: output.status.code().expect("an exit code"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    };
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let expected = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expected/medium.json"),
    )
    .expect("tests/expected/medium.json is in the repository");
    // Compare line by line first, so a failure names the first change.
    for (number, (got, want)) in outcome.stdout.lines().zip(expected.lines()).enumerate() {
        assert_eq!(got, want, "line {} of the JSON differs", number + 1);
    }
    assert_eq!(outcome.stdout, expected);
}
