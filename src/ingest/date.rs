//! Dates as exports write them.
//!
//! Accepted: ISO `2026-10-03` with an optional time (`T` or space, fractional
//! seconds, `Z` or an offset: the calendar date as written is used),
//! `2026/10/03`, month names (`3 Oct 2026`, `Oct 3, 2026`, `03-Oct-2026`,
//! `03/Oct/26 9:41 AM`) and numeric day/month dates (`03/10/2026`,
//! `3.10.26`), whose order is never guessed: it must be given.

use crate::config::DateOrder;
use chrono::NaiveDate;

/// Why a text is not a date; phrased to follow the quoted value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateProblem {
    /// Not any date form clientfit knows.
    NotADate,
    /// A numeric date such as 03/04/2026 whose day/month order is unknown.
    NeedsOrder,
    /// The numbers do not make a calendar date in the given order.
    Invalid(Option<DateOrder>),
}

impl DateProblem {
    pub fn message(&self) -> String {
        match self {
            DateProblem::NotADate => {
                "is not a date (expected e.g. 2026-10-03, 3 Oct 2026 or 03/10/2026)".into()
            }
            DateProblem::NeedsOrder => {
                "is a numeric date whose day/month order is not known".into()
            }
            DateProblem::Invalid(None) => "is not a valid calendar date".into(),
            DateProblem::Invalid(Some(order)) => format!(
                "is not a valid calendar date in {} order",
                match order {
                    DateOrder::Dmy => "day/month/year",
                    DateOrder::Mdy => "month/day/year",
                }
            ),
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            DateProblem::NeedsOrder => Some(
                "set date_order = \"dmy\" or \"mdy\" in clientfit.toml, or pass --date-order dmy|mdy"
                    .into(),
            ),
            DateProblem::Invalid(Some(order)) => Some(format!(
                "dates in this column are read as {} (date_order, --date-order, or inferred from the column); if the file writes them the other way round, set date_order = {:?}",
                match order {
                    DateOrder::Dmy => "day/month/year",
                    DateOrder::Mdy => "month/day/year",
                },
                match order {
                    DateOrder::Dmy => "mdy",
                    DateOrder::Mdy => "dmy",
                }
            )),
            _ => None,
        }
    }
}

/// What one value says about the day/month order of its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderEvidence {
    /// Not a numeric day/month date (ISO, month names, blank, …).
    None,
    /// Numeric, both first numbers ≤ 12: either order fits.
    Ambiguous,
    /// The first number is over 12: day first.
    ProvesDmy,
    /// The second number is over 12: month first.
    ProvesMdy,
}

/// Classify a value for the per-column day/month inference.
pub fn order_evidence(text: &str) -> OrderEvidence {
    let bytes = text.trim().as_bytes();
    let (first, rest) = take_while(bytes, u8::is_ascii_digit);
    let Some((&separator @ (b'/' | b'.' | b'-'), rest)) = rest.split_first() else {
        return OrderEvidence::None;
    };
    if first.is_empty() || first.len() > 2 {
        return OrderEvidence::None;
    }
    let (second, rest) = take_while(rest, u8::is_ascii_digit);
    if second.is_empty() || second.len() > 2 || rest.first() != Some(&separator) {
        return OrderEvidence::None;
    }
    let (Ok(a), Ok(b)) = (number(first), number(second)) else {
        return OrderEvidence::None;
    };
    match (a > 12, b > 12) {
        (true, false) => OrderEvidence::ProvesDmy,
        (false, true) => OrderEvidence::ProvesMdy,
        (false, false) => OrderEvidence::Ambiguous,
        // Neither order makes a date; parsing will say so.
        (true, true) => OrderEvidence::None,
    }
}

/// A date and, when the text has one, its time of day.
pub fn parse_date_time(
    text: &str,
    order: Option<DateOrder>,
) -> Result<(NaiveDate, Option<chrono::NaiveTime>), DateProblem> {
    Ok((parse_date(text, order)?, time_after_date(text)))
}

/// The time of day in a cell that holds a date.
fn time_after_date(text: &str) -> Option<chrono::NaiveTime> {
    let text = text.trim();
    usual_time_of_day(text.as_bytes()).unwrap_or_else(|| time_of_day(text))
}

/// ISO dates already read, by their ten bytes: the dates of a file repeat
/// a few hundred days over millions of rows, and finding one here costs a
/// fraction of reading its digits and making a `NaiveDate` again. One per
/// file being read; what it gives is always what `parse_date` gives.
pub(crate) struct DayMemo {
    /// `YYYY-MM-` and `DD` as read from the text, and the day they name.
    /// A slot never used holds bytes 0xFF, which no UTF-8 text has, so no
    /// cell can match it (zeros would: a cell of ten NUL characters).
    slots: Box<[std::cell::Cell<(u64, u16, NaiveDate)>]>,
}

impl Default for DayMemo {
    fn default() -> DayMemo {
        DayMemo {
            slots: (0..Self::SLOTS)
                .map(|_| std::cell::Cell::new((u64::MAX, u16::MAX, NaiveDate::MIN)))
                .collect(),
        }
    }
}

impl DayMemo {
    /// A power of two, for the index; the days of some years (several
    /// date columns of a file share the memo) fit with few collisions, in
    /// 64 KiB.
    const SLOTS: usize = 4096;

    /// `parse_date`, remembering ISO dates.
    pub(crate) fn parse_date(
        &self,
        text: &str,
        order: Option<DateOrder>,
    ) -> Result<NaiveDate, DateProblem> {
        self.parse(text, order).map(|(day, _)| day)
    }

    /// `parse_date_time`, remembering ISO dates. The time after an ISO
    /// date is read from what follows its ten bytes, not found again.
    pub(crate) fn parse_date_time(
        &self,
        text: &str,
        order: Option<DateOrder>,
    ) -> Result<(NaiveDate, Option<chrono::NaiveTime>), DateProblem> {
        let (day, iso_tail) = self.parse(text, order)?;
        let time = iso_tail
            .and_then(usual_time_after_iso_date)
            .unwrap_or_else(|| time_of_day(text.trim()));
        Ok((day, time))
    }

    /// The day of `text`, and what follows its first ten bytes when they
    /// are an ISO date (`None` for other dates).
    fn parse<'t>(
        &self,
        text: &'t str,
        order: Option<DateOrder>,
    ) -> Result<(NaiveDate, Option<&'t [u8]>), DateProblem> {
        let bytes = super::reader::trim(text).as_bytes();
        let not_iso = || parse_date(text, order).map(|day| (day, None));
        let Some((head, tail)) = bytes.split_first_chunk::<10>() else {
            return not_iso();
        };
        let (word, pair) = head.split_at(8);
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let pair = u16::from_le_bytes(pair.try_into().unwrap_or_default());
        // Multiply and keep the top bits: every byte of the key moves them.
        let mixed = (word ^ u64::from(pair)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let index = (mixed >> 52) as usize;
        let Some(slot) = self.slots.get(index) else {
            return not_iso();
        };
        let (known_word, known_pair, day) = slot.get();
        // A remembered head was an ISO date; with a digit after it, the
        // text is not one (nor, then, the same date).
        if known_word == word && known_pair == pair && !tail.first().is_some_and(u8::is_ascii_digit)
        {
            check_time_tail(tail)?;
            return Ok((day, Some(tail)));
        }
        match iso_ymd(bytes) {
            Some((ymd, tail)) => {
                let day = iso_date(ymd, tail)?;
                slot.set((word, pair, day));
                Ok((day, Some(tail)))
            }
            None => not_iso(),
        }
    }
}

/// `time_of_day` of the usual `2026-10-03 10:00` and `2026-10-03T10:00:00`
/// (a meetings file has one on every row) without its search and its two
/// strings; `None` for any other shape.
fn usual_time_of_day(bytes: &[u8]) -> Option<Option<chrono::NaiveTime>> {
    let (_, tail) = iso_ymd(bytes)?;
    usual_time_after_iso_date(tail)
}

/// `usual_time_of_day` given what follows the text's ISO date.
fn usual_time_after_iso_date(tail: &[u8]) -> Option<Option<chrono::NaiveTime>> {
    let [b'T' | b' ', h1, h2, b':', m1, m2, seconds @ ..] = tail else {
        return None;
    };
    let second = match seconds {
        [] => 0,
        [b':', s1, s2] => two_digits(*s1, *s2)?,
        _ => return None,
    };
    let (hour, minute) = (two_digits(*h1, *h2)?, two_digits(*m1, *m2)?);
    Some(chrono::NaiveTime::from_hms_opt(
        u32::from(hour),
        u32::from(minute),
        u32::from(second),
    ))
}

/// Year, month and day, as `NaiveDate::from_ymd_opt` takes them.
type Ymd = (i32, u32, u32);

/// Year, month and day of text that starts `YYYY-MM-DD` (and no further
/// digit), with the text after them.
fn iso_ymd(bytes: &[u8]) -> Option<(Ymd, &[u8])> {
    let ([y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2], tail) = bytes.split_first_chunk::<10>()?
    else {
        return None;
    };
    if tail.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let (century, year) = (two_digits(*y1, *y2)?, two_digits(*y3, *y4)?);
    let (month, day) = (two_digits(*m1, *m2)?, two_digits(*d1, *d2)?);
    // At most 99 * 100 + 99: no overflow.
    let year = u32::from(century)
        .wrapping_mul(100)
        .wrapping_add(u32::from(year));
    Some(((year as i32, u32::from(month), u32::from(day)), tail))
}

/// A cell of a time column beside a date column (`Start Time` beside
/// `Start Date`): `14:30`, `2:30 PM`, `14:30:00`, or a date and time of
/// which the time is taken.
pub(crate) fn parse_time_cell(text: &str) -> Option<chrono::NaiveTime> {
    let text = text.trim();
    if !text.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    time_after_date(text).or_else(|| time_of_day(&format!(" {text}")))
}

/// The time of day after a date, if any: `10:00`, `9:41 AM`, `T23:59:59.5Z`.
fn time_of_day(text: &str) -> Option<chrono::NaiveTime> {
    let start = text.find(['T', ' ']).filter(|_| text.contains(':'))?;
    // The time is the first token after the date part that has a colon.
    let rest = text.get(start..)?;
    let colon = rest.find(':')?;
    // The digits just before the colon start the token.
    let token_start = rest
        .get(..colon)?
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .len();
    let token_on = rest.get(token_start..)?;
    let token: String = token_on
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ':')
        .collect();
    let mut parts = token.split(':');
    let hour: u32 = parts.next()?.parse().ok()?;
    let minute: u32 = parts.next()?.parse().ok()?;
    let second: u32 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let after = token_on
        .get(token.len()..)?
        .trim_start()
        .to_ascii_lowercase();
    let hour = if after.starts_with("pm") && hour < 12 {
        hour.checked_add(12)?
    } else if after.starts_with("am") && hour == 12 {
        0
    } else {
        hour
    };
    chrono::NaiveTime::from_hms_opt(hour, minute, second)
}

/// Parse one date. `order` settles numeric day/month dates.
pub(crate) fn parse_date(text: &str, order: Option<DateOrder>) -> Result<NaiveDate, DateProblem> {
    let text = super::reader::trim(text);
    let bytes = text.as_bytes();
    // ISO `YYYY-MM-DD`, maybe with a time: most exports, on every row. The
    // same result as the general path below, without its scanning.
    if let Some((ymd, tail)) = iso_ymd(bytes) {
        return iso_date(ymd, tail);
    }
    parse_date_general(bytes, order)
}

/// The day of an ISO date's digits, with what followed them checked to be
/// a time or nothing.
fn iso_date((year, month, day): Ymd, tail: &[u8]) -> Result<NaiveDate, DateProblem> {
    check_time_tail(tail)?;
    NaiveDate::from_ymd_opt(year, month, day).ok_or(DateProblem::Invalid(None))
}

/// `parse_date` without its shortcut for ISO dates.
fn parse_date_general(bytes: &[u8], order: Option<DateOrder>) -> Result<NaiveDate, DateProblem> {
    let (first, rest) = take_while(bytes, u8::is_ascii_digit);
    if first.len() == 4
        && let Some((&separator @ (b'-' | b'/'), rest)) = rest.split_first()
    {
        return parse_year_first(first, separator, rest);
    }
    if !first.is_empty()
        && let Some((&separator @ (b'/' | b'.' | b'-'), rest)) = rest.split_first()
    {
        let (second, rest) = take_while(rest, u8::is_ascii_digit);
        if !second.is_empty()
            && let Some(rest) = rest.strip_prefix(&[separator])
        {
            let (year, tail) = take_while(rest, u8::is_ascii_digit);
            check_time_tail(tail)?;
            let year = parse_year(year)?;
            let a = number(first)?;
            let b = number(second)?;
            let order = order.ok_or(DateProblem::NeedsOrder)?;
            let (day, month) = match order {
                DateOrder::Dmy => (a, b),
                DateOrder::Mdy => (b, a),
            };
            return NaiveDate::from_ymd_opt(year, month, day)
                .ok_or(DateProblem::Invalid(Some(order)));
        }
    }
    parse_month_name(bytes)
}

/// `year`, then `separator` (already taken off), then `rest`: `10-03…`.
fn parse_year_first(year: &[u8], separator: u8, rest: &[u8]) -> Result<NaiveDate, DateProblem> {
    let (month, rest) = take_while(rest, u8::is_ascii_digit);
    if month.is_empty() || month.len() > 2 {
        return Err(DateProblem::NotADate);
    }
    let Some(rest) = rest.strip_prefix(&[separator]) else {
        return Err(DateProblem::NotADate);
    };
    let (day, tail) = take_while(rest, u8::is_ascii_digit);
    if day.is_empty() || day.len() > 2 {
        return Err(DateProblem::NotADate);
    }
    check_time_tail(tail)?;
    NaiveDate::from_ymd_opt(number(year)? as i32, number(month)?, number(day)?)
        .ok_or(DateProblem::Invalid(None))
}

/// `3 Oct 2026`, `Oct 3, 2026`, `03-Oct-2026`, `03/Oct/26 9:41 AM`, `October 3 2026`.
fn parse_month_name(bytes: &[u8]) -> Result<NaiveDate, DateProblem> {
    let mut rest = bytes;
    let mut tokens: [&[u8]; 3] = [&[]; 3];
    for (index, token) in tokens.iter_mut().enumerate() {
        if index > 0 {
            let (separators, next) =
                take_while(rest, |b| matches!(b, b' ' | b',' | b'-' | b'/' | b'.'));
            if separators.is_empty() {
                return Err(DateProblem::NotADate);
            }
            rest = next;
        }
        let (found, next) = take_while(rest, u8::is_ascii_alphanumeric);
        if found.is_empty() {
            return Err(DateProblem::NotADate);
        }
        *token = found;
        rest = next;
    }
    // "Oct 3, 2026" leaves a comma only between day and year; anything after
    // the year must be a time.
    check_time_tail(rest)?;
    let (month, day) = if let Some(month) = month_number(tokens[0]) {
        (month, tokens[1])
    } else if let Some(month) = month_number(tokens[1]) {
        (month, tokens[0])
    } else {
        return Err(DateProblem::NotADate);
    };
    if !day.iter().all(u8::is_ascii_digit) || !tokens[2].iter().all(u8::is_ascii_digit) {
        return Err(DateProblem::NotADate);
    }
    let year = parse_year(tokens[2])?;
    NaiveDate::from_ymd_opt(year, month, number(day)?).ok_or(DateProblem::Invalid(None))
}

fn month_number(token: &[u8]) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if token.len() < 3 {
        return None;
    }
    let lower = token.to_ascii_lowercase();
    let lower = std::str::from_utf8(&lower).ok()?;
    MONTHS
        .iter()
        .zip(1u32..)
        .find(|(name, _)| {
            **name == lower
                || (lower.len() == 3 && name.starts_with(lower))
                || (lower == "sept" && **name == "september")
        })
        .map(|(_, month)| month)
}

/// Two-digit years are 2000–2069 for 00–69 and 1970–1999 for 70–99 (the
/// POSIX `%y` rule); other lengths than 2 and 4 are not years.
fn parse_year(digits: &[u8]) -> Result<i32, DateProblem> {
    let value = number(digits)? as i32;
    match digits.len() {
        4 => Ok(value),
        // Cannot fail: `value` has two digits.
        2 if value < 70 => value.checked_add(2000).ok_or(DateProblem::NotADate),
        2 => value.checked_add(1900).ok_or(DateProblem::NotADate),
        _ => Err(DateProblem::NotADate),
    }
}

/// What may follow a date: nothing, or a time of day with optional seconds,
/// fraction, am/pm and zone (`T10:02:00.123Z`, ` 9:41 AM`, ` 09:14:22 +0200`).
/// The zone is validated but not applied: the calendar date as written counts.
fn check_time_tail(tail: &[u8]) -> Result<(), DateProblem> {
    // The usual tails, ` 10:00` and `T10:00:00`, without the general walk.
    if let [b'T' | b't' | b' ', h1, h2, b':', m1, m2, seconds @ ..] = tail
        && let (Some(hour), Some(minute)) = (two_digits(*h1, *h2), two_digits(*m1, *m2))
        && hour <= 23
        && minute <= 59
        && match seconds {
            [] => true,
            [b':', s1, s2] => two_digits(*s1, *s2).is_some(),
            _ => false,
        }
    {
        return Ok(());
    }
    check_time_tail_general(tail)
}

/// The number two ASCII digits make.
fn two_digits(tens: u8, ones: u8) -> Option<u8> {
    let tens = tens.checked_sub(b'0').filter(|digit| *digit <= 9)?;
    let ones = ones.checked_sub(b'0').filter(|digit| *digit <= 9)?;
    // At most 99.
    tens.checked_mul(10)?.checked_add(ones)
}

/// `check_time_tail` for every tail, step by step.
fn check_time_tail_general(tail: &[u8]) -> Result<(), DateProblem> {
    let rest = match tail.split_first() {
        None => return Ok(()),
        Some((b'T' | b't' | b' ', rest)) => trim_start(rest),
        Some(_) => return Err(DateProblem::NotADate),
    };
    let (hours, rest) = take_while(rest, u8::is_ascii_digit);
    if hours.is_empty() || hours.len() > 2 {
        return Err(DateProblem::NotADate);
    }
    let Some(rest) = rest.strip_prefix(b":") else {
        return Err(DateProblem::NotADate);
    };
    let (minutes, mut rest) = take_while(rest, u8::is_ascii_digit);
    if minutes.len() != 2 {
        return Err(DateProblem::NotADate);
    }
    if let Some(after_colon) = rest.strip_prefix(b":") {
        let (seconds, next) = take_while(after_colon, u8::is_ascii_digit);
        if seconds.len() != 2 {
            return Err(DateProblem::NotADate);
        }
        rest = next;
        if let Some((b'.' | b',', after_point)) = rest.split_first() {
            let (fraction, next) = take_while(after_point, u8::is_ascii_digit);
            if fraction.is_empty() {
                return Err(DateProblem::NotADate);
            }
            rest = next;
        }
    }
    let hour = number(hours)?;
    let minute = number(minutes)?;
    if hour > 23 || minute > 59 {
        return Err(DateProblem::NotADate);
    }
    let mut rest = trim_start(rest);
    if let Some((marker, after)) = rest.split_first_chunk::<2>()
        && (marker.eq_ignore_ascii_case(b"am") || marker.eq_ignore_ascii_case(b"pm"))
    {
        if !(1..=12).contains(&hour) {
            return Err(DateProblem::NotADate);
        }
        rest = trim_start(after);
    }
    check_zone(rest)
}

fn check_zone(zone: &[u8]) -> Result<(), DateProblem> {
    match zone {
        [] | b"Z" | b"z" | b"UTC" | b"GMT" => Ok(()),
        [b'+' | b'-', rest @ ..] => {
            let digits: Vec<u8> = rest.iter().copied().filter(|b| *b != b':').collect();
            let colons = rest.iter().filter(|b| **b == b':').count();
            if colons <= 1 && matches!(digits.len(), 2 | 4) && digits.iter().all(u8::is_ascii_digit)
            {
                Ok(())
            } else {
                Err(DateProblem::NotADate)
            }
        }
        _ => Err(DateProblem::NotADate),
    }
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let skip = bytes.iter().take_while(|b| **b == b' ').count();
    bytes.get(skip..).unwrap_or_default()
}

/// The leading bytes that `keep` accepts, and the rest.
fn take_while(bytes: &[u8], keep: impl Fn(&u8) -> bool) -> (&[u8], &[u8]) {
    let length = bytes.iter().take_while(|b| keep(b)).count();
    bytes.split_at_checked(length).unwrap_or((bytes, &[]))
}

/// The value of 1–4 ASCII digits (so at most 9999).
fn number(digits: &[u8]) -> Result<u32, DateProblem> {
    if digits.is_empty() || digits.len() > 4 {
        return Err(DateProblem::NotADate);
    }
    digits
        .iter()
        .try_fold(0u32, |value, digit| {
            value
                .checked_mul(10)?
                .checked_add(char::from(*digit).to_digit(10)?)
        })
        .ok_or(DateProblem::NotADate)
}

#[cfg(test)]
mod tests;
