//! `parse_money` over arbitrary UTF-8, with both decimal separators.
#![no_main]

use clientfit::config::DecimalSeparator;
use clientfit::ingest::money::{CurrencyMark, MAX_AMOUNT, check_currency_code, parse_money};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for separator in [DecimalSeparator::Dot, DecimalSeparator::Comma] {
        match parse_money(text, separator) {
            Ok(money) => {
                // Documented bound: no single amount exceeds 10^15, so sums
                // cannot overflow `Decimal`.
                assert!(
                    money.amount.abs() <= MAX_AMOUNT,
                    "{text:?} with {separator:?} parsed to {} (over MAX_AMOUNT)",
                    money.amount
                );
                // A code the parser reports is a three-letter, upper-case code.
                if let Some(CurrencyMark::Code(code)) = &money.currency {
                    assert!(
                        check_currency_code(code).is_ok() && *code == code.to_ascii_uppercase(),
                        "{text:?} with {separator:?} gave currency code {code:?}"
                    );
                }
                // Parsing is a pure function of its input.
                assert_eq!(parse_money(text, separator), Ok(money));
            }
            Err(problem) => {
                let _ = problem.message();
                let _ = problem.hint();
            }
        }
    }
});
