//! What each command accepts: names that match nothing are usage errors
//! (exit 2) that list what exists, every command offers exactly the
//! formats it writes, `-q` does what its help says, and the man pages
//! hold every option.

use crate::util::*;

fn demo() -> String {
    fixture("demo").display().to_string()
}

#[test]
fn an_owner_no_client_has_is_a_usage_error_listing_the_owners() {
    for command in ["report", "receivables"] {
        let out = run([command, &demo(), "--owner", "dnaa"]);
        assert_eq!(out.code, 2, "{command}: {}", out.stderr);
        assert_eq!(
            out.stderr,
            "error: --owner \"dnaa\": no client has this owner; the owners are dana, kim, lee\n",
            "{command}"
        );
        assert!(out.stdout.is_empty(), "{command}: nothing is written");
    }
    // In cron, a typo must not pass as "nothing to fire" (exit 0).
    let out = run([
        "report",
        &demo(),
        "--owner",
        "dnaa",
        "--fail-on",
        "fire",
        "-q",
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    // Owners compare trimmed and in any case, as the filter does: dana
    // owns 11 of the 32 rows of the demo's clients.csv.
    let doc = report(&demo(), &["--owner", " DANA "]);
    assert_eq!(rows(&doc).len(), 11);
    // A real owner whose clients have no fire verdict is an answer, not an
    // error: exit 0 or 3 by --fail-on alone.
    let out = run([
        "report",
        &demo(),
        "--owner",
        "dana",
        "--fail-on",
        "fire",
        "-q",
    ]);
    assert!(matches!(out.code, 0 | 3), "{}", out.stderr);
}

#[test]
fn without_owners_the_error_says_where_owners_come_from() {
    let out = run([
        "report",
        fixture("diff/2026-10").to_str().unwrap(),
        "--owner",
        "kim",
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("no client has an owner (owners come from the owner column of clients.csv)"),
        "{}",
        out.stderr
    );
}

#[test]
fn verdicts_and_explain_names_that_match_nothing_are_usage_errors() {
    let out = run(["report", &demo(), "--verdict", "fried"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("[possible values: fire, refer, restructure, keep]"),
        "{}",
        out.stderr
    );
    let out = run(["explain", "zzzqqq", &demo()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("the closest are"), "{}", out.stderr);
    let out = run(["explain", "in", &demo()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("give more of the name"),
        "{}",
        out.stderr
    );
}

#[test]
fn every_command_offers_exactly_the_formats_it_writes() {
    // Each format of receivables is what it says, html included.
    let receivables =
        |format: &str| run(["receivables", &demo(), "--top", "2", "--format", format]);
    let html = receivables("html");
    assert_eq!(html.code, 0, "{}", html.stderr);
    assert!(
        html.stdout.starts_with("<!DOCTYPE html>"),
        "{}",
        html.stdout
    );
    assert!(
        !html.stdout.contains("## clientfit"),
        "markdown in the html"
    );
    assert!(!html.stdout.contains("<script") && !html.stdout.contains("://"));
    for piece in [
        "<td>Massive Dynamic</td><td class=\"num\">341,460.01</td>",
        "<tr class=\"total\"><td>Total</td><td class=\"num\">388,540.79</td>",
        "<li class=\"showing\">Showing 2 of 31 clients; the totals cover all 31.</li>",
    ] {
        assert!(html.stdout.contains(piece), "{piece}:\n{}", html.stdout);
    }
    assert!(
        receivables("markdown")
            .stdout
            .starts_with("## clientfit receivables")
    );
    assert!(
        receivables("csv")
            .stdout
            .starts_with("client,key,outstanding")
    );
    assert!(receivables("json").stdout.starts_with('{'));
    // The argument parser rejects what a command does not write.
    let out = receivables("xlsx");
    assert_eq!(out.code, 2, "{}", out.stderr);
    let out = run(["diff", "a.json", "b.json", "--format", "csv"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    // --help lists exactly the formats.
    for (command, formats) in [
        (
            "report",
            "[possible values: table, csv, json, markdown, html]",
        ),
        (
            "receivables",
            "[possible values: table, csv, json, markdown, html]",
        ),
        ("diff", "[possible values: table, json, markdown, html]"),
    ] {
        let help = run([command, "-h"]).stdout;
        let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(help.contains(formats), "{command}:\n{help}");
    }
}

#[test]
fn receivables_html_escapes_names() {
    let out = run([
        "receivables",
        fixture("small/hostile").to_str().unwrap(),
        "--format",
        "html",
        "--as-of",
        "2026-10-31",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("=HYPERLINK(&quot;http://evil.example&quot;"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains('\u{1b}'), "no raw escape character");
    // The table shows the escape sequence as text, at any width.
    for width in ["80", "200"] {
        let table = clientfit()
            .env("COLUMNS", width)
            .args([
                "receivables",
                fixture("small/hostile").to_str().unwrap(),
                "--as-of",
                "2026-10-31",
            ])
            .output()
            .expect("runs");
        let text = String::from_utf8(table.stdout).expect("UTF-8");
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(text.contains("Evil\\u{1b}[2J"), "{text}");
    }
}

#[test]
fn quiet_silences_stderr_and_says_so() {
    for command in ["report", "receivables"] {
        let help = run([command, "--help"]);
        let help_text = help.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            help_text
                .contains("No warnings or progress on standard error (the output itself is still written, and errors still print)"),
            "{command}:\n{}",
            help.stdout
        );
        let loud = run([command, &demo()]);
        if command == "report" {
            // The demo has an unmatched ticket, which is a warning.
            assert!(
                loud.stderr.contains("warning: unmatched"),
                "{}",
                loud.stderr
            );
        }
        let quiet = run([command, &demo(), "-q"]);
        assert_eq!(quiet.stderr, "", "{command}");
        assert_eq!(
            quiet.stdout, loud.stdout,
            "{command}: the output is the same"
        );
    }
}

#[test]
fn the_man_pages_hold_every_option() {
    let main = run(["man"]);
    assert_eq!(main.code, 0, "{}", main.stderr);
    assert!(main.stdout.starts_with(".ie \\n(.g .ds Aq"), "roff");
    for sub in [
        "report",
        "check",
        "init",
        "explain",
        "receivables",
        "diff",
        "completions",
        "man",
    ] {
        assert!(
            main.stdout
                .contains(&format!("\\fBclientfit\\-{sub}\\fR(1)")),
            "SEE ALSO {sub}"
        );
    }
    // Every long option of report, from the same definitions as --help.
    let page = run(["man", "report"]);
    assert_eq!(page.code, 0, "{}", page.stderr);
    assert!(
        page.stdout.contains(".TH clientfit-report 1"),
        "{}",
        &page.stdout[..200]
    );
    let help = run(["report", "--help"]).stdout;
    let options: Vec<&str> = help
        .split_whitespace()
        .filter(|w| w.starts_with("--"))
        .map(|w| w.trim_end_matches([',', '.', ')']))
        .filter(|w| w.len() > 2 && w[2..].chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .collect();
    assert!(options.len() >= 20, "{options:?}");
    for option in options {
        let roff = option.replace('-', "\\-");
        assert!(
            page.stdout.contains(&format!("\\fB{roff}\\fR")),
            "{option} missing from the page"
        );
    }
    // An unknown page is a usage error; --dir writes them all.
    assert_eq!(run(["man", "reprot"]).code, 2);
    let dir = tempfile::tempdir().expect("a temp dir");
    let out = run(["man", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut written: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(
        written,
        [
            "clientfit-check.1",
            "clientfit-completions.1",
            "clientfit-diff.1",
            "clientfit-explain.1",
            "clientfit-init.1",
            "clientfit-man.1",
            "clientfit-receivables.1",
            "clientfit-report.1",
            "clientfit.1",
        ]
    );
    let written_report = std::fs::read_to_string(dir.path().join("clientfit-report.1")).unwrap();
    assert_eq!(written_report, page.stdout);
}
