//! A client's matching key: the words of its name, lower-cased, with
//! punctuation and legal forms (`Inc.`, `GmbH`) left out, so `Acme, Inc.`
//! and `ACME INC` meet.

use super::*;

/// The matching key of a name; `legal_forms` are already keys themselves.
pub(super) fn key_words(name: &str, legal_forms: &HashSet<String>) -> String {
    if name.is_ascii() {
        return ascii_key_words(name, legal_forms);
    }
    key_words_general(name, legal_forms)
}

/// `key_words` of an ASCII name, a byte at a time: every thread meets
/// each client's first spelling, and the general path (characters,
/// iterators of lower-case forms) is many times the work.
pub(super) fn ascii_key_words(name: &str, legal_forms: &HashSet<String>) -> String {
    let mut cleaned = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() {
            cleaned.push(char::from(byte.to_ascii_lowercase()));
        } else if char::from(byte).is_whitespace() {
            // Not `u8::is_ascii_whitespace`: that leaves out the
            // vertical tab, which `char::is_whitespace` counts.
            cleaned.push(' ');
        }
    }
    without_legal_forms(&cleaned, legal_forms)
}

/// `key_words` for any name.
pub(super) fn key_words_general(name: &str, legal_forms: &HashSet<String>) -> String {
    let mut cleaned = String::with_capacity(name.len());
    for ch in name.chars() {
        if ch.is_alphanumeric() {
            for lower in ch.to_lowercase() {
                match lower {
                    'ß' => cleaned.push_str("ss"),
                    'ς' => cleaned.push('σ'),
                    other => cleaned.push(other),
                }
            }
        } else if ch.is_whitespace() {
            cleaned.push(' ');
        }
        // Anything else is punctuation or a symbol and is dropped, so
        // "A.C.M.E." and "ACME" meet.
    }
    without_legal_forms(&cleaned, legal_forms)
}

/// The words of a cleaned name (letters, digits and spaces) joined by
/// single spaces, without trailing legal forms (but never the last word).
pub(super) fn without_legal_forms(cleaned: &str, legal_forms: &HashSet<String>) -> String {
    let mut words: Vec<&str> = cleaned.split_whitespace().collect();
    while words.len() > 1 && words.last().is_some_and(|word| legal_forms.contains(*word)) {
        words.pop();
    }
    words.join(" ")
}
