//! Runner helpers: run the real `clientfit` binary in a hermetic
//! environment and read its JSON output.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The "today" every run sees (`CLIENTFIT_TODAY`); tests also always pass
/// `--as-of` explicitly.
pub const TODAY: &str = "2026-11-23";

/// A path under `fixtures/`.
pub fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(relative)
}

/// The binary with an environment that cannot leak into results: no
/// `NO_COLOR`, `COLUMNS`, `TERM` or `CLIENTFIT_*` from the caller, and a
/// fixed `CLIENTFIT_TODAY`.
pub fn clientfit() -> Command {
    let mut cmd = Command::cargo_bin("clientfit").expect("the clientfit binary is built");
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("CLIENTFIT_") {
            cmd.env_remove(&key);
        }
    }
    for key in ["NO_COLOR", "COLUMNS", "TERM", "CLIENTFIT_TODAY"] {
        cmd.env_remove(key);
    }
    cmd.env("CLIENTFIT_TODAY", TODAY);
    cmd
}

/// What one run produced.
#[derive(Debug)]
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run<I, S>(args: I) -> Outcome
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let output = clientfit()
        .args(&args)
        .output()
        .expect("clientfit can be started");
    Outcome {
        code: output
            .status
            .code()
            .expect("clientfit ended with an exit code, not a signal"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// `run`, from `fixtures/`: paths (and so the config file every output
/// names) are relative to it, the same on every machine.
pub fn run_in_fixtures<I, S>(args: I) -> Outcome
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let output = clientfit()
        .current_dir(fixture(""))
        .args(&args)
        .output()
        .expect("clientfit can be started");
    Outcome {
        code: output.status.code().expect("an exit code"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// `clientfit report fixtures/<dir> --format json ARGS...`, whatever the exit code.
pub fn report_run(dir: &str, args: &[&str]) -> Outcome {
    let mut all: Vec<OsString> = vec![
        "report".into(),
        fixture(dir).into(),
        "--format".into(),
        "json".into(),
    ];
    all.extend(args.iter().map(OsString::from));
    run(all)
}

/// `clientfit report fixtures/<dir> --format json ARGS...`, which must
/// succeed; its parsed JSON.
pub fn report(dir: &str, args: &[&str]) -> Value {
    let out = report_run(dir, args);
    assert_eq!(
        out.code, 0,
        "clientfit report {dir} {args:?} failed\nstderr:\n{}",
        out.stderr
    );
    parse(&out.stdout)
}

pub fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|err| panic!("output is not JSON ({err}):\n{text}"))
}

/// The shown clients (rows) of a report.
pub fn rows(doc: &Value) -> &Vec<Value> {
    doc["clients"].as_array().expect("`clients` is an array")
}

/// Display names of the shown clients, in order.
pub fn names(doc: &Value) -> Vec<String> {
    rows(doc)
        .iter()
        .map(|c| c["client"].as_str().expect("client name").to_string())
        .collect()
}

/// The shown client with this display name.
pub fn client<'a>(doc: &'a Value, name: &str) -> &'a Value {
    rows(doc)
        .iter()
        .find(|c| c["client"] == name)
        .unwrap_or_else(|| {
            panic!(
                "no client {name:?} in the report; clients: {:?}",
                names(doc)
            )
        })
}

/// Every occurrence of key `name` anywhere inside `value`.
fn find_all<'a>(value: &'a Value, name: &str, skip: &[&str], out: &mut Vec<&'a Value>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                if skip.contains(&key.as_str()) {
                    continue;
                }
                if key == name {
                    out.push(inner);
                }
                find_all(inner, name, skip, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| find_all(v, name, skip, out)),
        _ => {}
    }
}

/// How often key `name` occurs anywhere in a client object.
pub fn occurrences(client: &Value, name: &str) -> usize {
    let mut found = Vec::new();
    find_all(client, name, &[], &mut found);
    found.len()
}

/// A §4 metric of a client by its name, wherever it is nested (SPEC §4:
/// nesting is free). The §6/§7 structures `flags` and `guard` are not
/// searched.
pub fn metric<'a>(client: &'a Value, name: &str) -> &'a Value {
    let mut found = Vec::new();
    find_all(client, name, &["flags", "guard"], &mut found);
    assert_eq!(
        found.len(),
        1,
        "metric {name:?} should appear exactly once in client {}",
        client["client"]
    );
    found[0]
}

/// Money as written in the JSON (`arbitrary_precision` keeps the text),
/// e.g. "1234.50".
pub fn money(client: &Value, name: &str) -> String {
    let value = metric(client, name);
    assert!(
        value.is_number(),
        "{name} of {} is not a number: {value}",
        client["client"]
    );
    value.to_string()
}

pub fn assert_money(client: &Value, name: &str, expected: &str) {
    assert_eq!(
        money(client, name),
        expected,
        "{name} of {}",
        client["client"]
    );
}

pub fn assert_count(client: &Value, name: &str, expected: u64) {
    assert_eq!(
        metric(client, name).as_u64(),
        Some(expected),
        "{name} of {}",
        client["client"]
    );
}

/// A ratio or day count; `None` means JSON `null`. Output is rounded
/// (ratios to 4 decimals, days to 1), so `expected` is the rounded value.
pub fn assert_number(client: &Value, name: &str, expected: Option<f64>) {
    let value = metric(client, name);
    match expected {
        None => assert!(
            value.is_null(),
            "{name} of {} should be null, is {value}",
            client["client"]
        ),
        Some(expected) => {
            let actual = value.as_f64().unwrap_or_else(|| {
                panic!("{name} of {} is not a number: {value}", client["client"])
            });
            assert!(
                (actual - expected).abs() < 1e-9,
                "{name} of {}: expected {expected}, got {actual}",
                client["client"]
            );
        }
    }
}

/// The flags of a client.
pub fn flags(client: &Value) -> &Vec<Value> {
    client["flags"].as_array().expect("`flags` is an array")
}

pub fn flag_ids(client: &Value) -> Vec<String> {
    flags(client)
        .iter()
        .map(|f| f["id"].as_str().expect("flag id").to_string())
        .collect()
}

pub fn flag<'a>(client: &'a Value, id: &str) -> Option<&'a Value> {
    flags(client).iter().find(|f| f["id"] == id)
}

/// The flag `id` is raised with `severity`, and its detail holds every one
/// of `numbers`; returns the detail.
pub fn assert_flag(client: &Value, id: &str, severity: &str, numbers: &[&str]) -> String {
    let found = flag(client, id).unwrap_or_else(|| {
        panic!(
            "{} should have flag {id}; it has {:?}",
            client["client"],
            flag_ids(client)
        )
    });
    assert_eq!(found["severity"], severity, "severity of {id}");
    let detail = found["detail"].as_str().expect("flag detail is text");
    for number in numbers {
        assert!(
            detail.contains(number),
            "detail of {id} for {} should contain {number:?}: {detail:?}",
            client["client"]
        );
    }
    detail.to_string()
}

pub fn assert_no_flag(client: &Value, id: &str) {
    assert!(
        flag(client, id).is_none(),
        "{} should not have flag {id}: {:?}",
        client["client"],
        flag(client, id)
    );
}

pub fn verdict(client: &Value) -> &str {
    client["verdict"].as_str().expect("verdict is text")
}

/// All reasons of a client in one string.
pub fn reasons(client: &Value) -> String {
    client["reasons"]
        .as_array()
        .expect("`reasons` is an array")
        .iter()
        .map(|r| r.as_str().expect("reason is text"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// All actions of a client in one string.
pub fn actions(client: &Value) -> String {
    client["actions"]
        .as_array()
        .expect("`actions` is an array")
        .iter()
        .map(|r| r.as_str().expect("action is text"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Settings for running the report in-process (property tests): JSON,
/// quiet, no colour or width, `as_of` fixed and a "today" after it, so
/// only the explicit as-of may matter.
pub fn library_settings(
    dir: &Path,
    config: clientfit::config::Config,
    as_of: chrono::NaiveDate,
) -> clientfit::settings::ReportSettings {
    use clientfit::render::{Format, Style, Width};
    clientfit::settings::ReportSettings {
        input: clientfit::settings::InputSettings {
            paths: vec![dir.to_path_buf()],
            explicit: clientfit::ingest::discover::ExplicitFiles::default(),
            config,
            period: clientfit::period::PeriodRequest::default(),
            as_of: Some(as_of),
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("a valid date"),
            skip_bad_rows: false,
            progress: false,
        },
        output: clientfit::settings::OutputSettings {
            format: Format::Json,
            style: Style {
                color: false,
                width: Width::Unlimited,
                terminal: false,
            },
            file: None,
            quiet: true,
        },
        selection: clientfit::report::Selection::default(),
        fail_on: None,
    }
}

/// `text` with this checkout's path written `[repo]`, so that a snapshot
/// naming a fixture's file (a warning's place) is the same on any machine.
pub fn portable(text: &str) -> String {
    text.replace(env!("CARGO_MANIFEST_DIR"), "[repo]")
}
