//! A report that leaves something out says so in every human-readable
//! format (table, markdown, HTML), not only on standard error: rows
//! skipped with `--skip-bad-rows`, invoices none of which count, and a
//! selection that shows fewer clients than the totals cover.

use crate::util::*;

const AS_OF: &str = "2026-10-31";

fn human(dir: &str, command: &str, extra: &[&str]) -> Vec<(String, Outcome)> {
    ["table", "markdown", "html"]
        .iter()
        .map(|format| {
            let mut args = vec![
                command.to_string(),
                fixture(dir).display().to_string(),
                "--as-of".into(),
                AS_OF.into(),
                "--format".into(),
                format.to_string(),
            ];
            args.extend(extra.iter().map(|s| s.to_string()));
            (format.to_string(), run(args))
        })
        .collect()
}

#[test]
fn skipped_rows_are_named_in_every_human_format() {
    // invoices.csv: A1 Acme 1,000.00, A2 Beta 13,629.24 dated 2026-13-45
    // (line 3, no such month: skipped), A3 Acme 250.00. Acme's revenue is
    // 1,000.00 + 250.00 = 1,250.00; Beta is gone, and every format says why.
    for command in ["report", "receivables"] {
        for (format, out) in human("adversarial/skipped-row", command, &["--skip-bad-rows"]) {
            assert_eq!(out.code, 0, "{command} {format}: {}", out.stderr);
            assert!(
                out.stdout
                    .contains("invoices.csv: skipped 1 bad row (1 × column "),
                "{command} {format}: {}",
                out.stdout
            );
            assert!(out.stdout.contains("; line 3"), "{command} {format}");
            assert!(!out.stdout.contains("Beta"), "{command} {format}");
        }
    }
    let (_, table) = &human("adversarial/skipped-row", "report", &["--skip-bad-rows"])[0];
    assert!(table.stdout.contains("1,250.00"), "{}", table.stdout);
}

#[test]
fn invoices_none_of_which_count_are_explained_in_every_format() {
    // Three invoices: two drafts and a void one. No client has revenue;
    // the report is empty and must say why.
    for (format, out) in human("adversarial/all-drafts", "report", &[]) {
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        assert!(
            out.stdout
                .contains("no invoice counts: every invoice read is a draft, void"),
            "{format}: {}",
            out.stdout
        );
    }
    let doc = report("adversarial/all-drafts", &["--as-of", AS_OF]);
    assert_eq!(rows(&doc).len(), 0);
    assert!(
        doc["warnings"][0]
            .as_str()
            .unwrap()
            .starts_with("no invoice counts"),
        "{}",
        doc["warnings"]
    );
}

#[test]
fn a_selection_says_how_many_clients_it_shows_in_every_format() {
    // The demo has 32 clients, 5 of them fire (its verdict counts: Krusty
    // Krab, Bada Bing, Initrode, Gekko & Co, Pied Piper).
    for (format, out) in human("demo", "report", &["--verdict", "fire"]) {
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        assert!(
            out.stdout
                .contains("Showing 5 of 32 clients; the totals cover all 32."),
            "{format}: {}",
            out.stdout
        );
    }
    for (format, out) in human("demo", "receivables", &["--top", "2"]) {
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        assert!(
            out.stdout.contains("Showing 2 of "),
            "{format}: {}",
            out.stdout
        );
    }
    // Unfiltered, nothing is said.
    for (format, out) in human("demo", "report", &[]) {
        assert!(!out.stdout.contains("Showing"), "{format}");
    }
}
