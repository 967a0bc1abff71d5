//! Amounts as exports write them, parsed to exact decimals.
//!
//! `1234.5`, `1,234.56`, `$1,234.56`, `1234.56 USD`, `EUR 1.234,56`, `-12.00`,
//! `(12.00)`, `1 234,56`. The decimal separator is fixed per file (config
//! `decimal`), never guessed per value: a value whose digit grouping only
//! makes sense with the other separator is an error.

use crate::config::DecimalSeparator;
use rust_decimal::Decimal;

/// Largest magnitude accepted for one amount (a quadrillion). Keeping single
/// values this small keeps every sum and product clientfit computes far inside
/// the exact range of `Decimal` (about 7.9e28), so no total can overflow.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(0xA4C6_8000, 0x0003_8D7E, 0, false, 0); // 10^15 = 0x3_8D7E_A4C6_8000

/// A currency marked inside an amount cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CurrencyMark {
    Code(String),
    /// A sign that several currencies share (`$`): resolved against the base
    /// currency by the caller.
    Dollar,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Option<CurrencyMark>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoneyProblem {
    NotAnAmount,
    /// The grouping fits the other decimal separator (`12,50` with `.`).
    WrongSeparator(DecimalSeparator),
    TooLarge,
    /// More significant digits than can be kept exactly (28).
    TooPrecise,
    /// `USD 5 EUR`: a currency before and after the number.
    TwoCurrencies,
}

impl MoneyProblem {
    pub fn message(&self) -> String {
        match self {
            MoneyProblem::NotAnAmount => {
                "is not an amount (expected e.g. 1234.50, 1,234.50, $1,234.50 or (12.00))".into()
            }
            MoneyProblem::WrongSeparator(separator) => format!(
                "is not an amount with {:?} as the decimal separator",
                separator.char().to_string()
            ),
            MoneyProblem::TooLarge => "is too large to be an amount (over 10^15)".into(),
            MoneyProblem::TooPrecise => {
                "has more digits than clientfit can keep exactly (28 significant digits)".into()
            }
            MoneyProblem::TwoCurrencies => {
                "holds two currency marks; an amount has at most one (\"EUR 12.50\" or \"12.50 EUR\")".into()
            }
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            MoneyProblem::WrongSeparator(DecimalSeparator::Dot) => Some(
                "if this file writes decimal commas (1.234,56), set decimal = \",\" in clientfit.toml"
                    .into(),
            ),
            MoneyProblem::WrongSeparator(DecimalSeparator::Comma) => Some(
                "if this file writes decimal points (1,234.56), set decimal = \".\" in clientfit.toml"
                    .into(),
            ),
            _ => None,
        }
    }
}

/// Check an ISO 4217-shaped code: three ASCII letters.
pub fn check_currency_code(code: &str) -> Result<(), &'static str> {
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(())
    } else {
        Err("is not a three-letter currency code such as USD or EUR")
    }
}

/// Parse one amount cell. Blank cells are the caller's business.
pub fn parse_money(text: &str, separator: DecimalSeparator) -> Result<Money, MoneyProblem> {
    let rest = super::reader::trim(text);
    // A cell that starts and ends with a digit has no sign, brackets or
    // currency to take off (each of those starts or ends the text with
    // something else): the number is the whole cell.
    if rest.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && rest.as_bytes().last().is_some_and(u8::is_ascii_digit)
    {
        return Ok(Money {
            amount: parse_number(rest, separator)?,
            currency: None,
        });
    }
    parse_money_general(rest, separator)
}

/// `parse_money` of a trimmed cell, without its shortcut.
fn parse_money_general(mut rest: &str, separator: DecimalSeparator) -> Result<Money, MoneyProblem> {
    let mut negative = false;
    let mut currency = None;

    if let Some(inner) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negative = true;
        rest = inner.trim();
    }
    if let Some(inner) = rest.strip_prefix('-') {
        // "(-5)" is not an amount: two ways of saying negative.
        if negative {
            return Err(MoneyProblem::NotAnAmount);
        }
        negative = true;
        rest = inner.trim_start();
    } else if let Some(inner) = rest.strip_prefix('+') {
        rest = inner.trim_start();
    }
    // Currency before the number: a symbol or a code, then maybe a sign again
    // ("$-12.00", "EUR -5").
    if let Some((mark, inner)) = leading_currency(rest) {
        currency = Some(mark);
        rest = inner.trim_start();
        if let Some(inner) = rest.strip_prefix('-') {
            if negative {
                return Err(MoneyProblem::NotAnAmount);
            }
            negative = true;
            rest = inner.trim_start();
        }
    }
    if let Some((mark, inner)) = trailing_currency(rest) {
        if currency.is_some() {
            return Err(MoneyProblem::TwoCurrencies);
        }
        currency = Some(mark);
        rest = inner.trim_end();
    }
    let mut amount = parse_number(rest, separator)?;
    if negative {
        // What `-amount` does: flip the sign bit, which cannot overflow.
        amount.set_sign_negative(amount.is_sign_positive());
    }
    Ok(Money { amount, currency })
}

fn symbol_code(symbol: char) -> Option<CurrencyMark> {
    let code = match symbol {
        '$' => return Some(CurrencyMark::Dollar),
        '€' => "EUR",
        '£' => "GBP",
        '¥' => "JPY",
        '₹' => "INR",
        '₣' => "CHF",
        _ => return None,
    };
    Some(CurrencyMark::Code(code.into()))
}

fn leading_currency(text: &str) -> Option<(CurrencyMark, &str)> {
    let first = text.chars().next()?;
    if let Some(mark) = symbol_code(first) {
        return Some((mark, &text[first.len_utf8()..]));
    }
    let letters = text.bytes().take_while(u8::is_ascii_alphabetic).count();
    if letters == 3 {
        let (code, rest) = text.split_at(3);
        return Some((CurrencyMark::Code(code.to_ascii_uppercase()), rest));
    }
    None
}

fn trailing_currency(text: &str) -> Option<(CurrencyMark, &str)> {
    let mut chars = text.chars();
    let last = chars.next_back()?;
    if let Some(mark) = symbol_code(last) {
        return Some((mark, chars.as_str()));
    }
    let letters = text
        .bytes()
        .rev()
        .take_while(u8::is_ascii_alphabetic)
        .count();
    if letters == 3 {
        // Three ASCII letters end the text, so this is a character boundary.
        let (rest, code) = text.split_at_checked(text.len().checked_sub(3)?)?;
        return Some((CurrencyMark::Code(code.to_ascii_uppercase()), rest));
    }
    None
}

/// `|value| > MAX_AMOUNT`. The scale only divides, so a mantissa within
/// the limit settles it without comparing Decimals (which rescales).
fn too_large(value: Decimal) -> bool {
    value.mantissa().unsigned_abs() > 1_000_000_000_000_000 && value.abs() > MAX_AMOUNT
}

/// Digits with optional grouping (groups of three after the first, one
/// grouping character throughout) and an optional fraction.
fn parse_number(text: &str, separator: DecimalSeparator) -> Result<Decimal, MoneyProblem> {
    if let Some(value) = plain_digits(text, separator.char()) {
        return if too_large(value) {
            Err(MoneyProblem::TooLarge)
        } else {
            Ok(value)
        };
    }
    let decimal_char = separator.char();
    let (integer, fraction) = match text.rsplit_once(decimal_char) {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (text, None),
    };
    let mut digits = String::with_capacity(text.len());
    let mut grouping: Option<char> = None;
    let mut group_length = 0usize;
    let mut groups = 0usize;
    for ch in integer.chars() {
        if ch.is_ascii_digit() {
            digits.push(ch);
            // Cannot fail: a count of the text's characters.
            group_length = group_length.checked_add(1).ok_or(MoneyProblem::TooLarge)?;
            continue;
        }
        let is_grouping = match separator {
            DecimalSeparator::Dot => matches!(ch, ',' | ' ' | '\u{a0}' | '\u{202f}' | '\''),
            DecimalSeparator::Comma => matches!(ch, '.' | ' ' | '\u{a0}' | '\u{202f}' | '\''),
        };
        if !is_grouping || grouping.is_some_and(|g| g != ch) {
            return Err(other_separator_or_not(text, separator));
        }
        // The first group holds 1–3 digits, every later one exactly 3.
        let valid = if groups == 0 {
            (1..=3).contains(&group_length)
        } else {
            group_length == 3
        };
        if !valid {
            return Err(other_separator_or_not(text, separator));
        }
        grouping = Some(ch);
        // Cannot fail: a count of the text's characters.
        groups = groups.checked_add(1).ok_or(MoneyProblem::TooLarge)?;
        group_length = 0;
    }
    if digits.is_empty() || (groups > 0 && group_length != 3) {
        return Err(other_separator_or_not(text, separator));
    }
    if let Some(fraction) = fraction {
        if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return Err(other_separator_or_not(text, separator));
        }
        digits.push('.');
        digits.push_str(fraction);
    }
    // Judge the digits that carry value: leading zeros of the integer part
    // and trailing zeros of the fraction change nothing. More than 16
    // integer digits is over 10^15; more than 28 digits in all cannot be
    // held exactly, and Decimal would round them (silently) when parsed.
    let (integer_digits, fraction_digits) = match digits.split_once('.') {
        Some((integer, fraction)) => (integer, fraction.trim_end_matches('0')),
        None => (digits.as_str(), ""),
    };
    let integer_digits = integer_digits.trim_start_matches('0');
    if integer_digits.len() > 16 {
        return Err(MoneyProblem::TooLarge);
    }
    if integer_digits.len().saturating_add(fraction_digits.len()) > 28 {
        return Err(MoneyProblem::TooPrecise);
    }
    // The digits as written keep their scale (12.50 stays 12.50); only a
    // long run of zeros is dropped first, which the checks above allow.
    let value: Decimal = if digits.len() <= 28 {
        digits.parse()
    } else if fraction_digits.is_empty() {
        format!("0{integer_digits}").parse()
    } else {
        format!("0{integer_digits}.{fraction_digits}").parse()
    }
    .map_err(|_| MoneyProblem::TooLarge)?;
    if too_large(value) {
        return Err(MoneyProblem::TooLarge);
    }
    Ok(value)
}

/// The common case, without building a string: digits, maybe one decimal
/// separator and more digits, at most 18 digits in all (so the mantissa
/// fits an `i64`). Anything else takes the general path.
///
/// One pass over the bytes with nothing checked per digit but the digit
/// itself: the length bounds the digits (at most 18, plus the separator),
/// so the mantissa cannot overflow and needs no checked arithmetic. An
/// invoice's amount goes through here on every row.
fn plain_digits(text: &str, decimal_char: char) -> Option<Decimal> {
    const MOST_DIGITS: usize = 18;
    let bytes = text.as_bytes();
    // 18 digits and a separator at most; longer is never plain.
    if bytes.len() > MOST_DIGITS.wrapping_add(1) {
        return None;
    }
    // The separator is `.` or `,` (`DecimalSeparator::char`); were it
    // ever another character, the general path would read the text.
    let separator = u8::try_from(decimal_char).ok()?;
    let mut mantissa: i64 = 0;
    let mut point: Option<usize> = None;
    for (position, &byte) in bytes.iter().enumerate() {
        let digit = byte.wrapping_sub(b'0');
        if digit < 10 {
            // Under 10^19 by the length check, and only kept when there
            // are at most 18 digits (under 10^18): never wraps when kept.
            mantissa = mantissa.wrapping_mul(10).wrapping_add(i64::from(digit));
        } else if byte == separator && point.is_none() && position > 0 {
            point = Some(position);
        } else {
            return None;
        }
    }
    let digits = bytes.len().saturating_sub(usize::from(point.is_some()));
    if digits == 0 || digits > MOST_DIGITS {
        return None;
    }
    // Digits after the separator; none ("12.") is not plain.
    let scale = match point {
        Some(at) => match bytes.len().saturating_sub(at).saturating_sub(1) {
            0 => return None,
            after => u32::try_from(after).ok()?,
        },
        None => 0,
    };
    Decimal::try_new(mantissa, scale).ok()
}

/// Decide whether a rejected number would have parsed with the other decimal
/// separator, to point the user at the right setting.
fn other_separator_or_not(text: &str, separator: DecimalSeparator) -> MoneyProblem {
    let other = match separator {
        DecimalSeparator::Dot => DecimalSeparator::Comma,
        DecimalSeparator::Comma => DecimalSeparator::Dot,
    };
    let looks_numeric = text.bytes().any(|b| b.is_ascii_digit())
        && text.chars().all(|c| {
            c.is_ascii_digit() || matches!(c, '.' | ',' | ' ' | '\u{a0}' | '\u{202f}' | '\'')
        });
    if looks_numeric && parse_number_plain(text, other) {
        MoneyProblem::WrongSeparator(separator)
    } else {
        MoneyProblem::NotAnAmount
    }
}

fn parse_number_plain(text: &str, separator: DecimalSeparator) -> bool {
    // Same grammar, without the recursion into error classification.
    let decimal_char = separator.char();
    let grouping_chars: &[char] = match separator {
        DecimalSeparator::Dot => &[',', ' ', '\u{a0}', '\u{202f}', '\''],
        DecimalSeparator::Comma => &['.', ' ', '\u{a0}', '\u{202f}', '\''],
    };
    let (integer, fraction) = match text.rsplit_once(decimal_char) {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (text, None),
    };
    if let Some(fraction) = fraction
        && (fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    let groups: Vec<&str> = integer.split(grouping_chars).collect();
    groups
        .iter()
        .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
        && groups
            .first()
            .is_some_and(|g| g.len() <= 3 || groups.len() == 1)
        && groups.iter().skip(1).all(|g| g.len() == 3)
}

#[cfg(test)]
mod tests;
