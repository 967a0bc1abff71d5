//! Safe to automate: exit codes, closed pipes, atomic output, colour only
//! where it belongs, spreadsheet- and terminal-safe text, quiet runs,
//! completions and the man page.

use std::io::Read;
use std::process::Stdio;

use crate::util::*;

fn demo() -> String {
    fixture("demo").display().to_string()
}

#[test]
fn exit_codes_are_0_1_2_and_3() {
    let ok = run(["report", &demo(), "--top", "1"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let bad_input = run(["report", &fixture("bad/bad-date").display().to_string()]);
    assert_eq!(bad_input.code, 1);
    let usage = run(["report", &demo(), "--sort", "sideways"]);
    assert_eq!(usage.code, 2);
    let bad_period = run(["report", &demo(), "--period", "someday"]);
    assert_eq!(bad_period.code, 2);
    // The demo has fire clients: --fail-on fire exits 3 and still prints.
    let matched = run(["report", &demo(), "--fail-on", "fire"]);
    assert_eq!(matched.code, 3);
    assert!(
        matched.stdout.contains("Verdicts: fire 5"),
        "{}",
        matched.stdout
    );
    // ... but not when the filter shows only keep clients.
    let filtered = run(["report", &demo(), "--verdict", "keep", "--fail-on", "fire"]);
    assert_eq!(filtered.code, 0);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("clientfit"))
        .args(["report", &demo(), "--format", "json"])
        .env_remove("NO_COLOR")
        .env("CLIENTFIT_TODAY", TODAY)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close our end of the pipe before clientfit writes: like `| head -0`.
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(0), "stderr: {stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}

#[test]
fn a_failing_run_leaves_the_old_output_intact() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.json");
    std::fs::write(&target, "last month's report\n").unwrap();
    let out = run([
        "report",
        &fixture("bad/bad-amount").display().to_string(),
        "--format",
        "json",
        "--output",
        target.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1);
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "last month's report\n"
    );
    // A directory that does not exist: an error, and nothing left behind.
    let missing = dir.path().join("no/such/dir/report.json");
    let out = run(["report", &demo(), "--output", missing.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("cannot create"), "{}", out.stderr);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn csv_cells_cannot_become_spreadsheet_formulas() {
    let out = run([
        "report",
        &fixture("small/hostile").display().to_string(),
        "--format",
        "csv",
        "--as-of",
        "2026-10-31",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut reader = csv::Reader::from_reader(out.stdout.as_bytes());
    let names: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[1].to_string())
        .collect();
    for name in &names {
        assert!(
            !name.starts_with(['=', '+', '-', '@']),
            "formula left live: {name:?}"
        );
    }
    assert!(
        names.contains(&"'=HYPERLINK(\"http://evil.example\",\"click\")".to_string()),
        "{names:?}"
    );
    assert!(names.contains(&"'+SUM(A1:A9)".to_string()), "{names:?}");
    assert!(names.contains(&"'@cmd".to_string()), "{names:?}");
}

#[test]
fn hostile_names_reach_neither_the_terminal_nor_markdown_raw() {
    let dir = fixture("small/hostile").display().to_string();
    let table = run(["report", &dir, "--as-of", "2026-10-31"]);
    assert_eq!(table.code, 0);
    assert!(
        !table.stdout.contains('\u{1b}'),
        "raw escape reached the table"
    );
    assert!(
        table.stdout.contains("Evil\\u{1b}[2J\\u{1b}[31mCorp"),
        "{}",
        table.stdout
    );
    let markdown = run([
        "report",
        &dir,
        "--as-of",
        "2026-10-31",
        "--format",
        "markdown",
    ]);
    assert!(
        markdown.stdout.contains("Pipe \\| Co \\<b\\>bold\\</b\\>"),
        "{}",
        markdown.stdout
    );
    assert!(!markdown.stdout.contains('\u{1b}'));
    // Every table row of the markdown has the same number of cells.
    let cells: Vec<usize> = markdown
        .stdout
        .lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| l.replace("\\|", "").matches('|').count())
        .collect();
    assert!(cells.windows(2).all(|w| w[0] == w[1]), "{cells:?}");
}

/// Run clientfit on a pseudo-terminal (util-linux `script`), so that
/// `--color auto` sees a terminal.
fn on_terminal(env: &[(&str, &str)]) -> Option<String> {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: no `script` command to make a pseudo-terminal");
        return None;
    }
    let binary = assert_cmd::cargo::cargo_bin("clientfit");
    let command = format!("{} report {} --top 3", binary.display(), demo());
    let mut script = std::process::Command::new("script");
    script.args(["-qec", &command, "/dev/null"]);
    for key in ["NO_COLOR", "TERM", "COLUMNS", "CLIENTFIT_TODAY"] {
        script.env_remove(key);
    }
    script.env("TERM", "xterm-256color").env("COLUMNS", "200");
    for (key, value) in env {
        script.env(key, value);
    }
    let output = script.output().ok()?;
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn colour_only_on_a_terminal_without_no_color_and_not_dumb() {
    let Some(coloured) = on_terminal(&[]) else {
        return;
    };
    assert!(
        coloured.contains("\u{1b}["),
        "no colour on a terminal:\n{coloured}"
    );
    let no_color = on_terminal(&[("NO_COLOR", "1")]).unwrap();
    assert!(
        !no_color.contains("\u{1b}["),
        "colour despite NO_COLOR:\n{no_color}"
    );
    let dumb = on_terminal(&[("TERM", "dumb")]).unwrap();
    assert!(
        !dumb.contains("\u{1b}["),
        "colour on a dumb terminal:\n{dumb}"
    );
    // Not a terminal: never, unless asked.
    let piped = run(["report", &demo(), "--top", "3"]);
    assert!(!piped.stdout.contains('\u{1b}'));
    assert!(!piped.stdout.contains("cumulative profit, most profitable"));
    let always = run(["report", &demo(), "--top", "3", "--color", "always"]);
    assert!(always.stdout.contains('\u{1b}'));
}

#[test]
fn quiet_prints_nothing_but_errors_on_stderr() {
    // The demo has an unmatched ticket, which is a warning.
    let loud = run(["report", &demo(), "--top", "1"]);
    assert!(
        loud.stderr.contains("warning: unmatched"),
        "{}",
        loud.stderr
    );
    let quiet = run(["report", &demo(), "--top", "1", "-q"]);
    assert_eq!(quiet.stderr, "");
    assert!(!quiet.stdout.is_empty());
    let failing = run([
        "report",
        &fixture("bad/bad-date").display().to_string(),
        "-q",
    ]);
    assert!(failing.stderr.starts_with("error: "), "{}", failing.stderr);
}

#[test]
fn as_of_today_uses_the_injectable_clock() {
    // CLIENTFIT_TODAY is 2026-11-23 in every test run.
    let doc = report("demo", &["--as-of", "today"]);
    assert_eq!(doc["as_of"], TODAY);
}

#[test]
fn markdown_report_snapshot() {
    let out = run_in_fixtures([
        "report", "demo", "--format", "markdown", "--sort", "risk", "--top", "8",
    ]);
    assert_eq!(out.code, 0);
    insta::assert_snapshot!("demo_markdown_risk_top8", portable(&out.stdout));
}

#[test]
fn completions_and_man_page_come_from_the_same_definitions() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = run(["completions", shell]);
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        for word in ["report", "receivables", "fail-on", "skip-bad-rows"] {
            assert!(out.stdout.contains(word), "{shell} completions lack {word}");
        }
    }
    let man = run(["man"]);
    assert_eq!(man.code, 0);
    assert!(
        man.stdout.starts_with(".ie") || man.stdout.contains(".TH clientfit"),
        "{}",
        &man.stdout[..200.min(man.stdout.len())]
    );
    assert!(man.stdout.contains("receivables"));
}

#[test]
fn progress_shows_on_a_terminal_only() {
    // 300,000 tickets: enough rows to draw the spinner a few times.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("invoices.csv"),
        "client,issued,amount,paid\nAcme,2026-10-01,100.00,\n",
    )
    .unwrap();
    let mut tickets = String::from("client,created,minutes\n");
    for index in 0..300_000 {
        tickets.push_str(&format!(
            "Acme,2026-10-{:02},{}\n",
            1 + index % 28,
            index % 60
        ));
    }
    std::fs::write(dir.path().join("tickets.csv"), tickets).unwrap();
    let path = dir.path().display().to_string();
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok()
    {
        let binary = assert_cmd::cargo::cargo_bin("clientfit");
        let command = format!(
            "{} report {path} --as-of 2026-10-31 --format json > /dev/null",
            binary.display()
        );
        let output = std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .env("CLIENTFIT_PROGRESS_MIN_BYTES", "0")
            .env("TERM", "xterm")
            .output()
            .unwrap();
        let shown = String::from_utf8_lossy(&output.stdout);
        assert!(
            shown.contains("rows"),
            "no progress on a terminal:\n{shown}"
        );
    } else {
        eprintln!("skipped the terminal half: no `script` command");
    }
    let piped = clientfit()
        .args(["report", &path, "--as-of", "2026-10-31", "--format", "json"])
        .env("CLIENTFIT_PROGRESS_MIN_BYTES", "0")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&piped.stderr),
        "",
        "progress on a non-terminal"
    );
}

/// A reader that stops early (`| head`) closes the pipe: that is not an
/// error, and the streamed JSON must not turn it into one.
#[test]
fn a_closed_pipe_mid_json_exits_0_quietly() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // The medium set's JSON is ~460 KB, far more than a pipe buffers.
    clientfit::synthetic::write(
        dir.path(),
        clientfit::synthetic::Size::MEDIUM,
        clientfit::synthetic::DEFAULT_SEED,
    )
    .expect("the generator writes its files");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("clientfit"))
        .env_remove("NO_COLOR")
        .env("CLIENTFIT_TODAY", TODAY)
        .args(["report", "--format", "json"])
        .arg(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("clientfit starts");
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut start = [0u8; 16];
    stdout.read_exact(&mut start).expect("the JSON begins");
    drop(stdout);
    let output = child.wait_with_output().expect("clientfit ends");
    assert_eq!(&start[..1], b"{");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}
