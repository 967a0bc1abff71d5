//! Untrusted text, made safe for where it is shown: one function per
//! target, used by every renderer for every text that came from a file, a
//! file's name, a config or a snapshot. It imports nothing of the crate,
//! so input warnings and errors use it as the renderers do.
//!
//! - [`terminal`] / [`terminal_text`]: control characters (and so every
//!   ANSI escape sequence: colours, OSC 8 links, window titles) and the
//!   invisible marks that reorder text (bidirectional overrides and
//!   isolates, "Trojan Source") are shown escaped as `\u{1b}`, never sent.
//! - [`markdown`]: also escapes what would break a table row (`|`, line
//!   breaks) or start formatting, HTML or an entity (`<`, `&`, `*`, …).
//! - [`html`]: entities for `& < > " '`, and the marks above escaped.
//! - [`csv`]: a cell a spreadsheet would run as a formula is prefixed
//!   with `'`; the text is otherwise kept as it was (it is data).
//! - [`cut`]: a value quoted in a message is cut to a readable length.
//!
//! The plain-text documents (`explain`, `check`, the receivables table, an
//! error or warning on standard error) pass whole through
//! [`terminal_text`] as they are written, so a field a renderer forgot to
//! escape still cannot reach the terminal raw.
//!
//! Layer: a plain helper; imports nothing above `wording`.

/// Characters never shown raw: controls (C0, DEL, C1) and the format marks
/// that reorder or hide text: bidirectional embeddings, overrides,
/// isolates and marks, and the Unicode line and paragraph separators
/// (a terminal may break the line at them).
pub fn is_hazard(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// `\u{1b}` for a hazard: visible, and inert on any terminal.
fn escaped(c: char, out: &mut String) {
    use std::fmt::Write as _;
    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
}

/// A field for a terminal line: every hazard escaped, line breaks too.
pub fn terminal(text: &str) -> String {
    if !text.chars().any(is_hazard) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len().saturating_add(8));
    for c in text.chars() {
        if is_hazard(c) {
            escaped(c, &mut out);
        } else {
            out.push(c);
        }
    }
    out
}

/// A whole plain-text document for a terminal: its line breaks and tabs
/// kept, every other hazard escaped.
pub fn terminal_text(text: &str) -> String {
    let hazard = |c: char| is_hazard(c) && c != '\n' && c != '\t';
    if !text.chars().any(hazard) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len().saturating_add(8));
    for c in text.chars() {
        if hazard(c) {
            escaped(c, &mut out);
        } else {
            out.push(c);
        }
    }
    out
}

/// Text for markdown (a table cell, a heading, a list item): it can
/// neither break the table nor become formatting, a link, HTML or an
/// entity, and hazards are shown escaped.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' | '\\' | '*' | '_' | '`' | '<' | '>' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if is_hazard(c) => escaped(c, &mut out),
            c => out.push(c),
        }
    }
    out
}

/// Text for HTML element content and attribute values.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if is_hazard(c) => escaped(c, &mut out),
            c => out.push(c),
        }
    }
    out
}

/// A CSV cell a spreadsheet would evaluate (`=`, `+`, `-`, `@`, tab, CR
/// first) gets a leading `'`.
pub fn csv(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

/// The most characters of one value a message quotes.
pub(crate) const MESSAGE_VALUE_CHARS: usize = 80;

/// The most characters of one line of an error or warning.
pub const MESSAGE_LINE_CHARS: usize = 2000;

/// `text` cut to `max` characters, the cut said with "… (N characters)".
pub(crate) fn cut(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(text),
        Some((end, _)) => std::borrow::Cow::Owned(format!(
            "{}… ({} characters)",
            &text[..end],
            text.chars().count()
        )),
    }
}

/// An error or warning as written to standard error: hazards escaped
/// (a file name or a value may hold any of them) and each line cut, so a
/// megabyte of config value is not echoed whole.
pub fn message(text: &str) -> String {
    terminal_text(text)
        .split('\n')
        .map(|line| cut(line, MESSAGE_LINE_CHARS))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn terminal_escapes_sequences_and_reordering_marks() {
        assert_eq!(terminal("Acme\u{1b}[2J"), "Acme\\u{1b}[2J");
        assert_eq!(terminal("Café"), "Café");
        // A right-to-left override would make "Acme" read backwards.
        assert_eq!(terminal("\u{202e}emcA"), "\\u{202e}emcA");
        assert_eq!(terminal("a\u{2066}b\u{200f}"), "a\\u{2066}b\\u{200f}");
        assert_eq!(terminal("a\nb"), "a\\u{a}b");
        assert_eq!(terminal_text("a\nb\u{9b}31m"), "a\nb\\u{9b}31m");
    }

    #[test]
    fn markdown_cannot_break_the_table_or_inject_markup() {
        assert_eq!(markdown("A|B <script>"), "A\\|B \\<script\\>");
        assert_eq!(markdown("line\nbreak"), "line break");
        assert_eq!(markdown("Amp &amp; Co"), "Amp &amp;amp; Co");
        assert_eq!(markdown("\u{202e}x"), "\\u{202e}x");
    }

    #[test]
    fn html_escapes_entities_and_marks() {
        assert_eq!(
            html("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(html("a & \"b\" 'c'"), "a &amp; &quot;b&quot; &#39;c&#39;");
        assert_eq!(html("x\u{1b}[2J\u{202e}"), "x\\u{1b}[2J\\u{202e}");
    }

    #[test]
    fn csv_formulas_are_neutralised() {
        assert_eq!(csv("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv("+1"), "'+1");
        assert_eq!(csv("-2"), "'-2");
        assert_eq!(csv("@SUM"), "'@SUM");
        assert_eq!(csv("\tx"), "'\tx");
        assert_eq!(csv("Acme"), "Acme");
    }

    #[test]
    fn messages_are_cut_and_escaped() {
        let long = "x".repeat(10_000);
        let shown = message(&format!("currency = \"{long}\"\n  hint: \u{1b}]0;t\u{7}"));
        assert!(shown.len() < 2100, "{}", shown.len());
        assert!(shown.contains("(10013 characters)"), "{shown}");
        assert!(shown.ends_with("hint: \\u{1b}]0;t\\u{7}"), "{shown}");
        assert_eq!(cut("abc", 3), "abc");
        assert_eq!(cut("abcd", 3), "abc… (4 characters)");
    }

    proptest! {
        #[test]
        fn no_hazard_survives_any_target(text in "\\PC*|[\\x00-\\x20\u{80}-\u{9f}\u{202a}-\u{202e}\u{2066}-\u{2069}|<>&a]*") {
            for shown in [terminal(&text), markdown(&text)] {
                prop_assert!(!shown.chars().any(is_hazard), "{shown:?}");
            }
            // Line breaks and tabs are kept where they are only layout.
            let layout_kept = |c: char| is_hazard(c) && c != '\n' && c != '\t';
            prop_assert!(!terminal_text(&text).chars().any(layout_kept));
            prop_assert!(!html(&text).chars().any(layout_kept));
            let cell = markdown(&text);
            // Every pipe is escaped, and no line break ends the row.
            prop_assert!(!cell.contains('\n'));
            let unescaped_pipe = cell
                .char_indices()
                .filter(|(_, c)| *c == '|')
                .any(|(i, _)| cell[..i].chars().rev().take_while(|c| *c == '\\').count() % 2 == 0);
            prop_assert!(!unescaped_pipe, "{cell:?}");
            let page = html(&text);
            prop_assert!(!page.contains('<') && !page.contains('>'));
        }
    }
}
