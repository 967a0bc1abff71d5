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
    // A mark per client in the scatter: a dot, or a triangle at the edge
    // for a client off the scale.
    let dots = dom.matches("<circle class=\"client\"").count();
    let off_scale = dom.matches("<path class=\"client outlier\"").count();
    assert_eq!(dots + off_scale, 32);
    // Massive Dynamic's profit (221,857.07) is over three interquartile
    // ranges above the rest: at the edge, and named with its hours worked,
    // the timesheet's (its 996 rows add up to 3,919.25 h, shown to one
    // decimal, ties to even, as 3919.2).
    assert!(off_scale >= 1);
    assert!(dom.contains(">Massive Dynamic: 221,857.07, 3919.2 h</text>"));
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

fn headless(browser: &Path, profile: &Path) -> std::process::Command {
    let mut command = std::process::Command::new(browser);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ])
        .arg(format!("--user-data-dir={}", profile.display()));
    command
}

/// Where the browser put things at 1000 px: the page with a measuring
/// script added (the report itself has none, and its policy forbids
/// them), which writes what it found on the body for `--dump-dom`.
fn layout_at_1000px(browser: &Path, page: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    // Drop the page's policy (it forbids scripts), whatever it allows.
    let policy = page
        .find(r#"<meta http-equiv="Content-Security-Policy""#)
        .map(|start| start..start + page[start..].find('>').map_or(0, |end| end + 1));
    let mut page = page.to_string();
    if let Some(policy) = policy {
        page.replace_range(policy, "");
    }
    let measured = page
        .replace(
            "</body>",
            r#"<script>
const view = document.documentElement.clientWidth;
const right = (selector) => Math.max(0, ...[...document.querySelectorAll(selector)].map((e) => e.getBoundingClientRect().right));
const shown = [...document.querySelectorAll('td.why')].filter((e) => e.getBoundingClientRect().height > 0 && e.textContent.trim() !== '').length;
document.body.setAttribute('data-layout', `view=${view} page=${document.documentElement.scrollWidth} verdict=${Math.ceil(right('td.verdict'))} table=${Math.ceil(right('table'))} reasons=${shown}`);
</script></body>"#,
        );
    assert!(
        measured.contains("<script>"),
        "the measuring script was not added"
    );
    let file = dir.path().join("measured.html");
    std::fs::write(&file, measured).unwrap();
    let output = headless(browser, &dir.path().join("profile"))
        .args([
            "--window-size=1000,800",
            "--virtual-time-budget=2000",
            "--dump-dom",
        ])
        .arg(format!("file://{}", file.display()))
        .output()
        .expect("chromium starts");
    let dom = String::from_utf8_lossy(&output.stdout).into_owned();
    let start = dom
        .find("data-layout=\"")
        .expect("the measuring script ran")
        + 13;
    dom[start..start + dom[start..].find('"').unwrap()].to_string()
}

fn field(layout: &str, name: &str) -> u32 {
    layout
        .split(' ')
        .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {layout}"))
}

#[test]
fn at_1000_px_the_verdicts_and_reasons_are_on_screen() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium on this machine (.ci/run installs Debian's chromium)");
        return;
    };
    let page = html(&fixture("demo").display().to_string(), &[]);
    let layout = layout_at_1000px(&browser, &page);
    // 1000 px of window, no scroll bar.
    assert_eq!(field(&layout, "view"), 1000, "{layout}");
    // Nothing sticks out to the right: no sideways scrolling, and every
    // verdict cell ends inside the window.
    assert!(field(&layout, "page") <= 1000, "{layout}");
    assert!(field(&layout, "table") <= 1000, "{layout}");
    assert!(field(&layout, "verdict") <= 1000, "{layout}");
    assert!(field(&layout, "verdict") > 0, "{layout}");
    // A line of reasons under every one of the 32 clients, laid out (not
    // a tooltip).
    assert_eq!(field(&layout, "reasons"), 32, "{layout}");

    // Long names with no space to break at (a spreadsheet formula) wrap
    // inside their cell rather than push the verdicts off-screen.
    let hostile = html(
        &fixture("small/hostile").display().to_string(),
        &["--as-of", "2026-10-31"],
    );
    let layout = layout_at_1000px(&browser, &hostile);
    assert!(field(&layout, "page") <= 1000, "{layout}");
    assert!(field(&layout, "table") <= 1000, "{layout}");
    assert!(field(&layout, "verdict") <= 1000, "{layout}");
    assert_eq!(field(&layout, "reasons"), 6, "{layout}");
}

/// The receivables page has fourteen columns of figures: at 1000 px they
/// all fit, with no sideways scrolling.
#[test]
fn at_1000_px_the_receivables_table_fits() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium on this machine (.ci/run installs Debian's chromium)");
        return;
    };
    let out = run([
        "receivables",
        &fixture("demo").display().to_string(),
        "--format",
        "html",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let layout = layout_at_1000px(&browser, &out.stdout);
    assert!(field(&layout, "page") <= 1000, "{layout}");
    assert!(field(&layout, "table") <= 1000, "{layout}");
}

#[test]
fn the_printed_page_keeps_the_reasons() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: no Chromium on this machine (.ci/run installs Debian's chromium)");
        return;
    };
    let Ok(pdftotext) = which("pdftotext") else {
        eprintln!("skipped: no pdftotext to read the printed page (Debian: poppler-utils)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("demo.html");
    std::fs::write(&page, html(&fixture("demo").display().to_string(), &[])).unwrap();
    let pdf = dir.path().join("demo.pdf");
    let status = headless(&browser, &dir.path().join("profile"))
        .args(["--no-pdf-header-footer", "--virtual-time-budget=2000"])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium starts");
    assert!(
        pdf.exists(),
        "no PDF: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let text = std::process::Command::new(pdftotext)
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext starts");
    let text = String::from_utf8_lossy(&text.stdout);
    let words: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // The demo's verdicts: keep 14 (Stark, Globex, Umbrella, Wayne, Acme,
    // Cyberdyne, Nakatomi, Tyrell, Soylent, Initech, Zorg, Gringotts,
    // Blue Sun, Rekall), and the reasons the JSON report gives
    // (Krusty Krab is fired for abuse, Pied Piper for being unprofitable
    // with warn flags), in print as on screen.
    assert_eq!(words.matches("keep: no red flags").count(), 14, "{words}");
    assert!(
        words.contains("fire: abusive — a client who bullies your team is not worth keeping"),
        "{words}"
    );
    assert!(words.contains("fire: unprofitable with"), "{words}");
    // Each client's verdict sits on its row in print too.
    for client in ["Krusty Krab", "Pied Piper", "Massive Dynamic"] {
        assert!(words.contains(client), "{client} is not in print");
    }
}

fn which(program: &str) -> Result<PathBuf, ()> {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
        .ok_or(())
}
