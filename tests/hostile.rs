//! Hostile text in every field and every human-readable output: invoice
//! and ticket ids, client names, owners, segments, ticket types and tags,
//! file names, playbook lines from the config, snapshot fields in `diff`.
//! Escape sequences (colours, OSC 8 hyperlinks, window titles, bells) and
//! right-to-left overrides must never reach a terminal raw; markdown rows
//! keep their cells; HTML has no markup from the data. JSON and CSV keep
//! the text exactly (they are data: JSON escapes controls itself, CSV
//! guards formulas).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::util::*;

fn hostile() -> PathBuf {
    fixture("adversarial/hostile-text")
}

/// Characters that may never be written raw to a terminal or document.
fn hazards(text: &str) -> Vec<String> {
    text.chars()
        .filter(|c| {
            (c.is_control() && *c != '\n' && *c != '\t')
                || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
        })
        .map(|c| format!("{:?}", c))
        .collect()
}

fn run_os(args: Vec<OsString>) -> Outcome {
    run(args)
}

fn args(parts: &[&str], dir: &Path) -> Vec<OsString> {
    let mut all: Vec<OsString> = parts.iter().map(OsString::from).collect();
    all.insert(1, dir.as_os_str().to_os_string());
    all
}

/// Every command and human-readable format over the hostile fixture.
fn human_runs(dir: &Path) -> Vec<(String, Outcome)> {
    let cases: &[&[&str]] = &[
        &["report", "--format", "table"],
        &["report", "--format", "markdown"],
        &["report", "--format", "html"],
        &["report", "--format", "table", "--top", "1"],
        &["receivables", "--format", "table"],
        &["receivables", "--format", "markdown"],
        &["receivables", "--format", "html"],
        &["explain", "acme"],
        &["explain", "beta"],
        &["check"],
    ];
    cases
        .iter()
        .map(|case| {
            let mut all = args(case, dir);
            if case[0] == "explain" {
                // `explain NAME DIR`: the client comes first.
                all.swap(1, 2);
            }
            (case.join(" "), run_os(all))
        })
        .collect()
}

#[test]
fn no_escape_sequence_or_override_reaches_any_human_output() {
    for (what, out) in human_runs(&hostile()) {
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        assert!(!out.stdout.is_empty(), "{what}: no output");
        assert_eq!(hazards(&out.stdout), Vec::<String>::new(), "{what}: stdout");
        assert_eq!(hazards(&out.stderr), Vec::<String>::new(), "{what}: stderr");
    }
}

#[test]
fn the_hostile_texts_are_shown_escaped_not_dropped() {
    let receivables = run([
        "receivables",
        hostile().to_str().unwrap(),
        "--format",
        "table",
    ]);
    // The OSC 8 hyperlink of invoice INV-1 is shown as text.
    assert!(
        receivables
            .stdout
            .contains("\\u{1b}]8;;http://evil.example\\u{1b}\\INV-1"),
        "{}",
        receivables.stdout
    );
    let explain = run(["explain", "acme", hostile().to_str().unwrap()]);
    // Evidence names both invoices; the playbook line from the config is
    // shown with its escapes visible.
    assert!(
        explain
            .stdout
            .contains("invoice \\u{1b}]8;;http://evil.example"),
        "{}",
        explain.stdout
    );
    assert!(
        explain
            .stdout
            .contains("\\u{1b}[31mChase them\\u{1b}]0;pwned\\u{7} \\u{202e}won"),
        "{}",
        explain.stdout
    );
    assert!(
        explain
            .stdout
            .contains("dana\\u{1b}]0;pwned\\u{7}\\u{1b}[2J")
    );
}

/// Pipes that end a markdown cell: those without an odd run of
/// backslashes before them.
fn cell_breaks(line: &str) -> usize {
    let chars: Vec<char> = line.chars().collect();
    (0..chars.len())
        .filter(|i| chars[*i] == '|')
        .filter(|i| chars[..*i].iter().rev().take_while(|c| **c == '\\').count() % 2 == 0)
        .count()
}

#[test]
fn markdown_rows_keep_their_cells_and_markup_is_escaped() {
    for command in ["report", "receivables"] {
        let out = run([command, hostile().to_str().unwrap(), "--format", "markdown"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let rows: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with('|')).collect();
        let header = cell_breaks(rows[0]);
        for row in &rows {
            assert_eq!(cell_breaks(row), header, "{command}: {row}");
        }
        for raw in ["<script", "<b>", "<i>", " & "] {
            assert!(!out.stdout.contains(raw), "{command}: raw {raw:?}");
        }
        // `&` is an entity, so `&amp;` in a name is shown as written.
        assert!(
            out.stdout
                .contains("Beta &amp; \\<b\\>Co\\</b\\> \\| &amp;amp;"),
            "{command}: {}",
            out.stdout
        );
    }
}

#[test]
fn html_has_no_markup_from_the_data() {
    for command in ["report", "receivables"] {
        let out = run([command, hostile().to_str().unwrap(), "--format", "html"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        for raw in ["<script", "<b>", "<i>"] {
            assert!(!out.stdout.contains(raw), "{command}: raw {raw:?}");
        }
    }
}

#[test]
fn rendered_hostile_output_snapshots() {
    // From fixtures/: the config file each output names is the same path
    // on every machine.
    let dir = "adversarial/hostile-text";
    let receivables = run_in_fixtures(["receivables", dir, "--format", "markdown"]);
    insta::assert_snapshot!("hostile_receivables_markdown", receivables.stdout);
    let report = run_in_fixtures(["report", dir, "--format", "markdown"]);
    insta::assert_snapshot!("hostile_report_markdown", report.stdout);
    let explain = run_in_fixtures(["explain", "acme", dir]);
    insta::assert_snapshot!("hostile_explain", explain.stdout);
}

/// The hostile fixture copied under file names that are themselves
/// hostile (an attachment saved from a client may be named anything).
fn hostile_names() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    for (from, to) in [
        ("invoices.csv", "invoices\u{1b}]0;pwned\u{7}\u{1b}[2J.csv"),
        ("tickets.csv", "tickets\u{202e}vsc.csv"),
        ("clients.csv", "clients.csv"),
        ("clientfit.toml", "clientfit.toml"),
    ] {
        std::fs::copy(hostile().join(from), dir.path().join(to)).unwrap();
    }
    let invoices = dir.path().join("invoices\u{1b}]0;pwned\u{7}\u{1b}[2J.csv");
    (dir, invoices)
}

#[test]
fn hostile_file_names_are_escaped_in_check_explain_warnings_and_errors() {
    let (dir, invoices) = hostile_names();
    for (what, out) in human_runs(dir.path()) {
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        assert_eq!(hazards(&out.stdout), Vec::<String>::new(), "{what}: stdout");
        assert_eq!(hazards(&out.stderr), Vec::<String>::new(), "{what}: stderr");
    }
    let check = run(["check", dir.path().to_str().unwrap()]);
    assert!(
        check
            .stdout
            .contains("invoices\\u{1b}]0;pwned\\u{7}\\u{1b}[2J.csv"),
        "{}",
        check.stdout
    );
    // Explain's evidence names the ticket by file and line.
    let explain = run(["explain", "acme", dir.path().to_str().unwrap()]);
    assert!(
        explain.stdout.contains("tickets\\u{202e}vsc.csv:2"),
        "{}",
        explain.stdout
    );
    // An error naming the file, and a warning naming it with --skip-bad-rows.
    let mut text = std::fs::read_to_string(&invoices).unwrap();
    text.push_str("INV-9,Acme,2026-04-01,2026-05-01,,not money,open\n");
    std::fs::write(&invoices, text).unwrap();
    let error = run(["report", dir.path().to_str().unwrap()]);
    assert_eq!(error.code, 1, "{}", error.stderr);
    assert!(
        error
            .stderr
            .contains("invoices\\u{1b}]0;pwned\\u{7}\\u{1b}[2J.csv:5"),
        "{}",
        error.stderr
    );
    assert_eq!(hazards(&error.stderr), Vec::<String>::new());
    for format in ["table", "markdown", "html"] {
        let skipped = run([
            "report",
            dir.path().to_str().unwrap(),
            "--skip-bad-rows",
            "--format",
            format,
        ]);
        assert_eq!(skipped.code, 0, "{}", skipped.stderr);
        assert!(
            skipped.stderr.contains("skipped 1 bad row"),
            "{}",
            skipped.stderr
        );
        assert!(skipped.stdout.contains("skipped 1 bad row"), "{format}");
        assert_eq!(hazards(&skipped.stdout), Vec::<String>::new(), "{format}");
        assert_eq!(hazards(&skipped.stderr), Vec::<String>::new(), "{format}");
    }
}

/// A report snapshot of the hostile fixture, as JSON, to be tampered with.
fn snapshot() -> serde_json::Value {
    report("adversarial/hostile-text", &[])
}

fn diff_of(old: &serde_json::Value, new: &serde_json::Value, format: &str) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("old.json"), dir.path().join("new.json"));
    std::fs::write(&a, old.to_string()).unwrap();
    std::fs::write(&b, new.to_string()).unwrap();
    run([
        "diff",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--format",
        format,
    ])
}

#[test]
fn diff_of_hostile_snapshots_is_escaped() {
    let old = snapshot();
    let mut new = old.clone();
    // Beta moves from keep to fire, with a flag.
    let clients = new["clients"].as_array_mut().unwrap();
    let beta = clients
        .iter_mut()
        .find(|c| c["key"].as_str().unwrap().starts_with("beta"))
        .unwrap();
    beta["verdict"] = "fire".into();
    for format in ["table", "markdown"] {
        let out = diff_of(&old, &new, format);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(out.stdout.contains("keep → fire"), "{}", out.stdout);
        assert_eq!(hazards(&out.stdout), Vec::<String>::new(), "{format}");
    }
}

/// A change to a snapshot that `report` would never write.
type Tamper = Box<dyn Fn(&mut serde_json::Value)>;

#[test]
fn a_snapshot_that_report_did_not_write_is_an_error_naming_the_field() {
    let good = snapshot();
    let cases: Vec<(&str, Tamper, &str)> = vec![
        (
            "escape in as_of",
            Box::new(|d| d["as_of"] = "\u{1b}]0;pwned\u{7}\u{1b}[2J".into()),
            "as_of = \"\\u001b]0;pwned\\u0007\\u001b[2J\" is not a date",
        ),
        (
            "period text",
            Box::new(|d| d["period"]["from"] = "last year".into()),
            "period.from = \"last year\" is not a date",
        ),
        (
            "negative tickets",
            Box::new(|d| d["clients"][0]["tickets"] = (-3).into()),
            "clients[0].tickets = -3 is not a count",
        ),
        (
            "fractional tickets",
            Box::new(|d| d["clients"][0]["tickets"] = serde_json::json!(1.5)),
            "clients[0].tickets = 1.5 is not a count",
        ),
        (
            "text tickets",
            Box::new(|d| d["clients"][1]["tickets"] = "7".into()),
            "clients[1].tickets = \"7\" is not a count",
        ),
        (
            "null tickets",
            Box::new(|d| d["clients"][1]["tickets"] = serde_json::Value::Null),
            "clients[1].tickets = null is not a count",
        ),
        (
            "text profit",
            Box::new(|d| d["clients"][0]["profit"] = "12.00".into()),
            "clients[0].profit = \"12.00\" is not an amount",
        ),
        (
            "unknown flag",
            Box::new(|d| d["clients"][1]["flags"] = serde_json::json!([{"id": "\u{1b}[2J"}])),
            "clients[1].flags[0].id = \"\\u001b[2J\" is not a flag",
        ),
        (
            "unknown verdict",
            Box::new(|d| d["clients"][0]["verdict"] = "sack".into()),
            "clients[0].verdict = \"sack\" is not a verdict",
        ),
        (
            "a client twice",
            Box::new(|d| {
                let first = d["clients"][0].clone();
                d["clients"].as_array_mut().unwrap().push(first);
            }),
            "clients[2] has the key",
        ),
    ];
    for (what, tamper, expected) in cases {
        let mut bad = good.clone();
        tamper(&mut bad);
        // As the old snapshot and as the new one.
        for (old, new) in [(&bad, &good), (&good, &bad)] {
            let out = diff_of(old, new, "table");
            assert_eq!(out.code, 1, "{what}: {}", out.stderr);
            assert!(out.stdout.is_empty(), "{what}");
            assert!(out.stderr.contains(expected), "{what}: {}", out.stderr);
            assert!(out.stderr.contains(".json: "), "{what}: names the file");
            assert_eq!(hazards(&out.stderr), Vec::<String>::new(), "{what}");
        }
    }
}

/// Texts from the files, the config or a snapshot, as renderers reach
/// them.
const UNTRUSTED: &[&str] = &[
    "client.name",
    "row.name",
    "m.client",
    "mover.client",
    ".owner",
    ".segment",
    ".display()",
    "oldest_overdue",
    "warning",
    "action",
];

/// Calls that escape their argument for a target: `safe::*`, and the
/// escaping function a renderer was handed (`escape`, `name`).
const ESCAPING: &[&str] = &[
    "safe::terminal",
    "safe::terminal_text",
    "safe::markdown",
    "safe::html",
    "safe::csv",
    "safe::message",
    "escape",
    "name",
    "notes_as_text",
    "notes_as_markdown",
    "notes_as_html",
];

/// Occurrences of an untrusted field written out (in a statement with
/// `format!`, `write!`, `writeln!`, `push_str` or a `vec!` of cells) that
/// no escaping call encloses, as `(line, text)`.
fn raw_writes(source: &str) -> Vec<(usize, String)> {
    let bytes = source.as_bytes();
    let mut found = Vec::new();
    for pattern in UNTRUSTED {
        for (at, _) in source.match_indices(pattern) {
            let line_start = source[..at].rfind('\n').map_or(0, |i| i + 1);
            let line =
                &source[line_start..source[at..].find('\n').map_or(source.len(), |i| at + i)];
            if line.trim_start().starts_with("//") {
                continue;
            }
            // Inside a string literal, only an inline argument (`{warning}`)
            // is a write, and never an escaped one.
            let quotes = source[line_start..at]
                .char_indices()
                .filter(|(i, c)| *c == '"' && !source[line_start..line_start + i].ends_with('\\'))
                .count();
            if quotes % 2 == 1 {
                let inline = source[..at].ends_with('{')
                    && source[at + pattern.len()..].starts_with(['}', ':']);
                if inline {
                    let number = source[..at].matches('\n').count() + 1;
                    found.push((number, line.trim().to_string()));
                }
                continue;
            }
            // Back to the start of the statement, looking for an
            // enclosing escaping call.
            let (mut depth, mut start, mut escaped) = (0usize, 0usize, false);
            let mut i = at;
            while i > 0 {
                i -= 1;
                match bytes[i] {
                    // A string literal: skipped whole.
                    b'"' => {
                        while i > 0 {
                            i -= 1;
                            if bytes[i] == b'"' && (i == 0 || bytes[i - 1] != b'\\') {
                                break;
                            }
                        }
                    }
                    b')' | b']' => depth += 1,
                    b'(' | b'[' if depth > 0 => depth -= 1,
                    b'(' => {
                        let before = source[..i].trim_end();
                        if ESCAPING.iter().any(|call| {
                            // A call of that name, not a method or a
                            // longer name ending the same way.
                            before.ends_with(call)
                                && !before[..before.len() - call.len()].ends_with(|c: char| {
                                    c.is_alphanumeric() || c == '_' || c == '.'
                                })
                        }) {
                            escaped = true;
                            break;
                        }
                    }
                    b';' | b'{' | b'}' if depth == 0 => {
                        start = i + 1;
                        break;
                    }
                    _ => {}
                }
            }
            if escaped {
                continue;
            }
            // The statement: up to its end, or the block it opens.
            let end = {
                let (mut j, mut quoted) = (at, false);
                while j < bytes.len() {
                    match bytes[j] {
                        b'"' if bytes[j - 1] != b'\\' => quoted = !quoted,
                        b';' | b'{' if !quoted => break,
                        _ => {}
                    }
                    j += 1;
                }
                j
            };
            let statement = &source[start..end];
            if ["format!", "write!", "writeln!", "push_str", "vec!["]
                .iter()
                .any(|w| statement.contains(w))
            {
                let number = source[..at].matches('\n').count() + 1;
                found.push((number, line.trim().to_string()));
            }
        }
    }
    found
}

#[test]
fn the_raw_write_finder_finds_raw_writes() {
    assert_eq!(raw_writes("let x = format!(\"{}\", client.name);").len(), 1);
    assert_eq!(
        raw_writes("out.push_str(&format!(\"- {}\", row.name));").len(),
        1
    );
    assert!(raw_writes("let x = format!(\"{}\", safe::html(&client.name));").is_empty());
    assert!(raw_writes("if let Some(owner) = &client.owner {").is_empty());
    assert_eq!(
        raw_writes("let _ = writeln!(out, \"warning: {warning}\");").len(),
        1
    );
    assert!(raw_writes("out.push_str(\"warning: \");").is_empty());
    // A method that happens to be called `name` escapes nothing.
    assert_eq!(
        raw_writes("let x = format!(\"{}\", v.name(&client.owner));").len(),
        1
    );
}

#[test]
fn renderers_write_no_untrusted_text_without_escaping_it() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("render"))
        .unwrap()
        .map(|e| e.unwrap().path())
        // JSON is data (serde escapes what JSON needs); `safe` is the
        // escaping itself.
        .filter(|p| !p.ends_with("json.rs") && !p.ends_with("safe.rs"))
        .collect();
    files.extend(
        std::fs::read_dir(root.join("commands"))
            .unwrap()
            .map(|e| e.unwrap().path()),
    );
    files.extend(["cli.rs", "main.rs"].iter().map(|f| root.join(f)));
    let mut problems = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap();
        // Unit tests may write anything.
        let source = source.split("#[cfg(test)]").next().unwrap_or("");
        for (line, text) in raw_writes(source) {
            problems.push(format!("{}:{line}: {text}", file.display()));
        }
    }
    assert!(
        problems.is_empty(),
        "untrusted text written without a safe:: function:\n{}",
        problems.join("\n")
    );
}

#[test]
fn a_period_with_a_day_that_does_not_exist_names_that_day() {
    let out = run([
        "report",
        fixture("demo").to_str().unwrap(),
        "--period",
        "2026-02-29..2026-03-31",
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "--period \"2026-02-29..2026-03-31\": \"2026-02-29\" is not a day of the calendar"
        ),
        "{}",
        out.stderr
    );
    let out = run([
        "report",
        fixture("demo").to_str().unwrap(),
        "--period",
        "2026-03-01..next week",
    ]);
    assert!(
        out.stderr
            .contains("\"next week\" is not a date in the form YYYY-MM-DD"),
        "{}",
        out.stderr
    );
}

#[test]
fn config_values_are_checked_and_cut_in_messages() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("adversarial/skipped-row/invoices.csv"),
        dir.path().join("invoices.csv"),
    )
    .unwrap();
    let config = dir.path().join("clientfit.toml");
    std::fs::write(&config, "delimiter = \"\\n\"\n").unwrap();
    let out = run(["check", dir.path().to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("delimiter = \"\\n\" is a control character"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("is empty"), "{}", out.stderr);
    // Ten megabytes of currency code: the message stays short.
    let long = "E".repeat(10_000_000);
    std::fs::write(&config, format!("currency = \"{long}\"\n")).unwrap();
    let out = run(["report", dir.path().to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.len() < 4_000, "{} bytes", out.stderr.len());
    assert!(out.stderr.contains("currency = \"EEEE"), "{}", out.stderr);
}
