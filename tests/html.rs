//! The HTML report: self-contained and escaped (checked on the text), and
//! as a browser renders it (headless Chromium with no network; skipped,
//! saying so, where no Chromium is installed — .ci/run installs it).

use std::path::{Path, PathBuf};

use crate::util::*;

fn html(dir: &str, extra: &[&str]) -> String {
    let mut args = vec!["report", dir, "--format", "html"];
    args.extend_from_slice(extra);
    let out = run(args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

#[test]
fn the_page_is_self_contained_and_escaped() {
    let page = html(&fixture("demo").display().to_string(), &[]);
    assert!(page.starts_with("<!DOCTYPE html>"));
    // Nothing loads from anywhere: no scripts, links, images or fonts, and a
    // Content-Security-Policy that would block them anyway.
    for forbidden in [
        "<script", "<link", "<img", "@import", "url(", "src=", "http://", "https://",
    ] {
        assert!(!page.contains(forbidden), "the page contains {forbidden:?}");
    }
    assert!(page.contains("default-src 'none'"));
    // The four charts and one row per client.
    assert_eq!(page.matches("<svg").count(), 4);
    assert_eq!(page.matches("<tr class=\"client-row\">").count(), 32);
    assert!(page.contains("@media print"));

    let hostile = html(
        &fixture("small/hostile").display().to_string(),
        &["--as-of", "2026-10-31"],
    );
    assert!(!hostile.contains("<script>"));
    assert!(hostile.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(hostile.contains("Pipe | Co &lt;b&gt;bold&lt;/b&gt;"));
}

fn chromium() -> Option<PathBuf> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// Load a file in headless Chromium with networking disabled and return
/// the DOM it built.
fn dump_dom(browser: &Path, page: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--virtual-time-budget=2000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium starts");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_real_browser_renders_the_table_the_charts_and_hostile_names_as_text() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium on this machine (.ci/run installs Debian's chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo.html");
    std::fs::write(&demo, html(&fixture("demo").display().to_string(), &[])).unwrap();
    let dom = dump_dom(&browser, &demo);
    assert!(
        dom.contains("<table>"),
        "no table in the rendered DOM:\n{}",
        &dom[..dom.len().min(500)]
    );
    assert_eq!(dom.matches("class=\"client-row\"").count(), 32);
    assert_eq!(dom.matches("<svg").count(), 4);
    assert!(dom.matches("<circle class=\"client\"").count() >= 32);
    assert!(dom.contains("<polyline class=\"whale\""));

    let hostile = dir.path().join("hostile.html");
    std::fs::write(
        &hostile,
        html(
            &fixture("small/hostile").display().to_string(),
            &["--as-of", "2026-10-31"],
        ),
    )
    .unwrap();
    let dom = dump_dom(&browser, &hostile);
    assert!(
        dom.contains("client-row"),
        "the hostile page did not render"
    );
    // The name is text in a cell: no script element was created.
    assert!(
        dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{dom}"
    );
    assert!(
        !dom.contains("<script"),
        "a script element was created:\n{dom}"
    );
}
