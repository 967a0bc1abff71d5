//! Time spent, as helpdesks write it: `20`, `1.5`, `1:20`, `01:15:00`,
//! `1h 20m`, `1.5h`, `90 min`, or seconds when the column says so.

use rust_decimal::Decimal;

/// Largest duration accepted, in minutes (about 1,900 years). Like
/// `MAX_AMOUNT`, it keeps every sum far from overflowing.
pub const MAX_MINUTES: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationUnit {
    Minutes,
    Seconds,
    Hours,
    /// The header does not say and nor does the config: a bare number
    /// could be hours or minutes, so it is refused.
    Unstated,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DurationProblem {
    NotADuration(DurationUnit),
    /// `1:75`: minutes or seconds of a clock time over 59.
    ClockOverflow,
    /// `1h20`: a number after a unit without its own unit.
    MissingUnit,
    Negative,
    TooLarge,
    /// A bare number under `DurationUnit::Unstated`.
    UnitUnstated,
}

impl DurationProblem {
    pub fn message(&self) -> String {
        match self {
            DurationProblem::NotADuration(DurationUnit::Minutes) => {
                "is not a number of minutes (expected e.g. 80, 1:20, 1:20:00 or 1h 20m)".into()
            }
            DurationProblem::NotADuration(DurationUnit::Seconds) => {
                "is not a number of seconds (the column is read as seconds)".into()
            }
            DurationProblem::NotADuration(DurationUnit::Hours) => {
                "is not a number of hours (expected e.g. 1.5, 1:30, 1:30:00 or 1h 30m)".into()
            }
            DurationProblem::NotADuration(DurationUnit::Unstated) => {
                "is not a duration (expected e.g. 1:30, 1:30:00 or 1h 30m)".into()
            }
            DurationProblem::UnitUnstated => "is a bare number, and the column's header does not say whether it counts hours, minutes or seconds: set [time] duration_unit = \"hours\" (or \"minutes\", \"seconds\") in clientfit.toml".into(),
            DurationProblem::Negative => "is a negative duration".into(),
            DurationProblem::ClockOverflow => {
                "is not a clock time: minutes and seconds must be under 60 (write 2:15, not 1:75)"
                    .into()
            }
            DurationProblem::MissingUnit => {
                "is not a number of minutes: the last number has no unit (write 1h 20m, not 1h20)"
                    .into()
            }
            DurationProblem::TooLarge => "is too long to be a duration".into(),
        }
    }
}

/// Parse a duration into minutes. `unit` says what a bare number means.
pub fn parse_minutes(text: &str, unit: DurationUnit) -> Result<Decimal, DurationProblem> {
    let text = super::reader::trim(text);
    // Nearly every cell is a whole number of minutes: up to nine digits
    // are below MAX_MINUTES, and make the same Decimal (scale 0) as the
    // general path's parse.
    if unit == DurationUnit::Minutes
        && let Some(whole) = super::words::small_whole(text.as_bytes())
    {
        return Ok(Decimal::from(whole));
    }
    let not = DurationProblem::NotADuration(unit);
    if text.starts_with('-') {
        return Err(DurationProblem::Negative);
    }
    let minutes = if let Some(number) = plain_number(text) {
        match unit {
            DurationUnit::Minutes => number,
            DurationUnit::Seconds => number
                .checked_div(Decimal::from(60))
                .ok_or(DurationProblem::TooLarge)?,
            DurationUnit::Hours => number
                .checked_mul(Decimal::from(60))
                .ok_or(DurationProblem::TooLarge)?,
            DurationUnit::Unstated => return Err(DurationProblem::UnitUnstated),
        }
    } else if text.contains(':') {
        match clock(text) {
            Some(minutes) => minutes,
            None if clock_shape(text) => return Err(DurationProblem::ClockOverflow),
            None => return Err(not),
        }
    } else {
        match with_units(text) {
            Some(minutes) => minutes,
            None if text.ends_with(|c: char| c.is_ascii_digit())
                && text.contains(|c: char| c.is_ascii_alphabetic()) =>
            {
                return Err(DurationProblem::MissingUnit);
            }
            None => return Err(not),
        }
    };
    if minutes > MAX_MINUTES {
        return Err(DurationProblem::TooLarge);
    }
    Ok(minutes)
}

fn plain_number(text: &str) -> Option<Decimal> {
    let valid = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && text.bytes().filter(|b| *b == b'.').count() <= 1
        && text.bytes().any(|b| b.is_ascii_digit())
        && text.len() <= 20;
    if valid { text.parse().ok() } else { None }
}

/// Digits in `H:MM` or `H:MM:SS` shape, whatever their values.
fn clock_shape(text: &str) -> bool {
    let parts: Vec<&str> = text.split(':').collect();
    matches!(parts.len(), 2 | 3)
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && parts.iter().skip(1).all(|p| p.len() == 2)
}

/// `H:MM` or `H:MM:SS`.
fn clock(text: &str) -> Option<Decimal> {
    let parts: Vec<&str> = text.split(':').collect();
    let whole = |part: &str| -> Option<Decimal> {
        if part.is_empty() || part.len() > 9 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let sixty = Decimal::from(60);
    // None of the checked operations can fail: at most 9 digits of hours.
    let in_minutes = |hours: &str| whole(hours)?.checked_mul(sixty);
    match parts.as_slice() {
        [hours, minutes] if minutes.len() == 2 => {
            let minutes = whole(minutes)?;
            (minutes < sixty).then_some(in_minutes(hours)?.checked_add(minutes)?)
        }
        [hours, minutes, seconds] if minutes.len() == 2 && seconds.len() == 2 => {
            let (minutes, seconds) = (whole(minutes)?, whole(seconds)?);
            (minutes < sixty && seconds < sixty).then_some(
                in_minutes(hours)?
                    .checked_add(minutes)?
                    .checked_add(seconds.checked_div(sixty)?)?,
            )
        }
        _ => None,
    }
}

/// `1h 20m`, `1.5h`, `90 min`, `2 hours 5 minutes`, `45s`.
fn with_units(text: &str) -> Option<Decimal> {
    let mut total = Decimal::ZERO;
    let mut rest = text.trim();
    let mut parts = 0u32;
    while !rest.is_empty() {
        let number_length = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        let number = plain_number(&rest[..number_length])?;
        rest = rest[number_length..].trim_start();
        let unit_length = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        let unit = rest[..unit_length].to_ascii_lowercase();
        rest = rest[unit_length..].trim_start_matches([' ', ',']);
        let factor = match unit.as_str() {
            "h" | "hr" | "hrs" | "hour" | "hours" => Decimal::from(60),
            "m" | "min" | "mins" | "minute" | "minutes" => Decimal::ONE,
            "s" | "sec" | "secs" | "second" | "seconds" => {
                Decimal::ONE.checked_div(Decimal::from(60))?
            }
            _ => return None,
        };
        // Cannot fail: at most four numbers of at most 20 characters (under
        // 10^20 each), times at most 60.
        total = total.checked_add(number.checked_mul(factor)?)?;
        parts = parts.checked_add(1)?;
        if parts > 3 {
            return None;
        }
    }
    (parts > 0).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_minutes_take_the_shortcut_to_the_same_value() {
        // The shortcut against the general path (seconds never take it):
        // every number to 20,000, leading zeros, the nine-digit edge and
        // the ten-digit numbers that must go the general way.
        let mut texts: Vec<String> = (0..20_000).map(|n| n.to_string()).collect();
        texts.extend(
            [
                "007",
                "000000000",
                "999999999",
                "1000000000",
                "0999999999",
                " 42 ",
                "4 2",
                "+5",
            ]
            .map(String::from),
        );
        for text in &texts {
            let general = (|| {
                let trimmed = crate::ingest::reader::trim(text);
                let number = plain_number(trimmed)
                    .ok_or(DurationProblem::NotADuration(DurationUnit::Minutes))?;
                if number > MAX_MINUTES {
                    return Err(DurationProblem::TooLarge);
                }
                Ok(number)
            })();
            let fast = parse_minutes(text, DurationUnit::Minutes);
            match (&fast, &general) {
                (Ok(fast), Ok(general)) => {
                    assert_eq!(fast, general, "{text:?}");
                    assert_eq!(fast.scale(), general.scale(), "{text:?}");
                    assert_eq!(fast.to_string(), general.to_string(), "{text:?}");
                }
                (Err(_), Err(_)) => {}
                _ => panic!("{text:?}: {fast:?} against {general:?}"),
            }
        }
    }

    fn minutes(text: &str) -> Decimal {
        parse_minutes(text, DurationUnit::Minutes).unwrap()
    }

    #[test]
    fn every_written_form() {
        assert_eq!(minutes("20"), Decimal::from(20));
        assert_eq!(minutes("12.5"), Decimal::new(125, 1));
        assert_eq!(minutes("1:20"), Decimal::from(80));
        assert_eq!(minutes("01:15:00"), Decimal::from(75));
        assert_eq!(minutes("00:30"), Decimal::from(30));
        assert_eq!(minutes("0:00:30"), Decimal::new(5, 1));
        assert_eq!(minutes("1h 20m"), Decimal::from(80));
        assert_eq!(minutes("1.5h"), Decimal::from(90));
        assert_eq!(minutes("90 min"), Decimal::from(90));
        assert_eq!(minutes("2 hours, 5 minutes"), Decimal::from(125));
    }

    #[test]
    fn seconds_columns_convert_bare_numbers() {
        // 5400 s / 60 = 90 min.
        assert_eq!(
            parse_minutes("5400", DurationUnit::Seconds),
            Ok(Decimal::from(90))
        );
        // Explicit forms keep their own unit even in a seconds column.
        assert_eq!(
            parse_minutes("1:30", DurationUnit::Seconds),
            Ok(Decimal::from(90))
        );
    }

    #[test]
    fn bad_durations() {
        assert_eq!(
            parse_minutes("-5", DurationUnit::Minutes),
            Err(DurationProblem::Negative)
        );
        for text in [
            "1h20",
            "abc",
            "1:5",
            "1:60",
            "1:2:3",
            "1..5",
            "h",
            "5 parsecs",
            "1:00:75",
        ] {
            assert!(
                parse_minutes(text, DurationUnit::Minutes).is_err(),
                "{text}"
            );
        }
        assert_eq!(
            parse_minutes("1:75", DurationUnit::Minutes),
            Err(DurationProblem::ClockOverflow)
        );
        assert_eq!(
            parse_minutes("1h20", DurationUnit::Minutes),
            Err(DurationProblem::MissingUnit)
        );
        assert_eq!(
            parse_minutes("99999999999999", DurationUnit::Minutes),
            Err(DurationProblem::TooLarge)
        );
    }
}
