//! Words for counts, shared by every layer that writes a sentence (input
//! warnings, flag details, rendered text). Imports nothing of the crate.

/// The word for `count` things: "1 invoice", "2 invoices".
pub fn plural<'a>(count: u64, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 { one } else { many }
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
