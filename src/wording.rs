//! Words for counts, shared by every layer that writes a sentence (input
//! warnings, flag details, rendered text). Imports nothing of the crate.

/// The word for `count` things: "1 invoice", "2 invoices".
pub(crate) fn plural<'a>(count: u64, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 { one } else { many }
}

/// `; did you mean "paid_amount"?` for a name close to one of `known`
/// (also when the words are in another order: `amount_paid`).
pub(crate) fn did_you_mean(name: &str, known: &[&str]) -> String {
    let sorted = |text: &str| {
        let mut words: Vec<&str> = text.split(['_', '-', ' ']).collect();
        words.sort_unstable();
        words.join("_")
    };
    known
        .iter()
        .map(|candidate| {
            let direct = strsim::normalized_levenshtein(name, candidate);
            let reordered = strsim::normalized_levenshtein(&sorted(name), &sorted(candidate));
            (direct.max(reordered), *candidate)
        })
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| format!("; did you mean {candidate:?}?"))
        .unwrap_or_default()
}

/// The invoice client whose key is closest to `key`, if any is close:
/// at most a third of the longer key's letters differ, or one key is the
/// start of the other ("acme" and "acme holdings").
pub(crate) fn closest<'a>(key: &str, candidates: &[(&str, &'a str)]) -> Option<&'a str> {
    let key_length = key.chars().count();
    candidates
        .iter()
        .filter_map(|(candidate, name)| {
            let length = candidate.chars().count();
            let longer = key_length.max(length);
            let prefix = !key.is_empty()
                && !candidate.is_empty()
                && (candidate.starts_with(&format!("{key} "))
                    || key.starts_with(&format!("{candidate} ")));
            // The distance is at least the difference in length: a key
            // that far off cannot be close, and is not worth measuring.
            if !prefix && key_length.abs_diff(length).saturating_mul(3) > longer {
                return None;
            }
            let distance = strsim::levenshtein(key, candidate);
            Some((distance, longer, prefix, *name))
        })
        .filter(|(distance, longer, prefix, _)| {
            *prefix || (*distance > 0 && distance.saturating_mul(3) <= *longer)
        })
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.3.cmp(b.3)))
        .map(|(_, _, _, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals() {
        assert_eq!(
            format!("1 {}", plural(1, "invoice", "invoices")),
            "1 invoice"
        );
        assert_eq!(
            format!("0 {}", plural(0, "invoice", "invoices")),
            "0 invoices"
        );
        assert_eq!(format!("2 {}", plural(2, "day", "days")), "2 days");
    }
}
