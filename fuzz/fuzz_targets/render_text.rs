//! The escaping functions of `safe` over arbitrary UTF-8: no
//! control character or bidirectional mark survives a terminal, markdown
//! or HTML rendering, a markdown cell cannot end its cell or row, HTML
//! gets no markup, and a message line stays short.
#![no_main]

use clientfit::safe;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for (target, shown) in [
        ("terminal", safe::terminal(text)),
        ("markdown", safe::markdown(text)),
    ] {
        assert!(
            !shown.chars().any(safe::is_hazard),
            "{target}: {text:?} -> {shown:?}"
        );
    }
    let layout = |c: char| safe::is_hazard(c) && c != '\n' && c != '\t';
    for (target, shown) in [
        ("terminal_text", safe::terminal_text(text)),
        ("html", safe::html(text)),
        ("message", safe::message(text)),
    ] {
        assert!(!shown.chars().any(layout), "{target}: {text:?} -> {shown:?}");
    }
    let cell = safe::markdown(text);
    let chars: Vec<char> = cell.chars().collect();
    for (at, c) in chars.iter().enumerate() {
        if *c == '|' {
            let backslashes = chars[..at].iter().rev().take_while(|c| **c == '\\').count();
            assert!(backslashes % 2 == 1, "unescaped pipe: {text:?} -> {cell:?}");
        }
    }
    let page = safe::html(text);
    assert!(!page.contains(['<', '>']), "{text:?} -> {page:?}");
    for line in safe::message(text).split('\n') {
        // The cut line, plus its "… (N characters)".
        assert!(line.chars().count() <= safe::MESSAGE_LINE_CHARS + 40, "{}", line.len());
    }
    // Text without hazards is shown as it is on a terminal.
    if !text.chars().any(safe::is_hazard) {
        assert_eq!(safe::terminal(text), text);
    }
    // CSV changes only a formula's first character.
    let cell = safe::csv(text);
    assert!(cell == text || cell == format!("'{text}"));
});
