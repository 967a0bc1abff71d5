//! The period a report covers and the day the books are looked at (as-of).
//!
//! Layer: above `model` and `error`; must not import `config` or anything above it.

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::error::UsageError;

/// The period asked for; `from` is `None` for "from the earliest event",
/// and a relative period is settled against as-of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PeriodRequest {
    pub(crate) from: Option<NaiveDate>,
    pub(crate) to: Option<NaiveDate>,
    pub(crate) relative: Option<Relative>,
}

/// Periods named relative to as-of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Relative {
    ThisMonth,
    LastMonth,
    ThisQuarter,
    LastQuarter,
    /// From 1 January of as-of's year.
    YearToDate,
    /// The twelve months ending on as-of (as-of − 12 months + 1 day ..= as-of).
    Last12Months,
}

impl Relative {
    fn parse(text: &str) -> Option<Relative> {
        Some(match text.to_ascii_lowercase().as_str() {
            "this-month" => Relative::ThisMonth,
            "last-month" => Relative::LastMonth,
            "this-quarter" => Relative::ThisQuarter,
            "last-quarter" => Relative::LastQuarter,
            "ytd" => Relative::YearToDate,
            "last-12-months" => Relative::Last12Months,
            _ => return None,
        })
    }

    /// The days this period covers when the books are looked at on `anchor`.
    /// Periods still running end on their calendar end (clamped to as-of later).
    pub(crate) fn range(self, anchor: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        let month = month_start(anchor);
        let quarter =
            NaiveDate::from_ymd_opt(anchor.year(), quarter_start_month(anchor.month0()), 1)?;
        let last_day = |start: NaiveDate, months: u32| {
            start
                .checked_add_months(Months::new(months))?
                .checked_sub_days(Days::new(1))
        };
        Some(match self {
            Relative::ThisMonth => (month, last_day(month, 1)?),
            Relative::LastMonth => {
                let start = month.checked_sub_months(Months::new(1))?;
                (start, last_day(start, 1)?)
            }
            Relative::ThisQuarter => (quarter, last_day(quarter, 3)?),
            Relative::LastQuarter => {
                let start = quarter.checked_sub_months(Months::new(3))?;
                (start, last_day(start, 3)?)
            }
            Relative::YearToDate => (NaiveDate::from_ymd_opt(anchor.year(), 1, 1)?, anchor),
            Relative::Last12Months => (
                anchor
                    .checked_sub_months(Months::new(12))?
                    .checked_add_days(Days::new(1))?,
                anchor,
            ),
        })
    }
}

/// Parse `--period`: `2026-10`, `2026-Q3`, `2026`, `2026-10-01..2026-12-31`,
/// or a relative name (`this-month`, `last-month`, `this-quarter`,
/// `last-quarter`, `ytd`, `last-12-months`).
pub fn parse_period(text: &str) -> Result<PeriodRequest, UsageError> {
    if let Some(relative) = Relative::parse(text.trim()) {
        return Ok(PeriodRequest {
            from: None,
            to: None,
            relative: Some(relative),
        });
    }
    let (from, to) = parse_absolute(text)?;
    Ok(PeriodRequest {
        from: Some(from),
        to: Some(to),
        relative: None,
    })
}

fn parse_absolute(text: &str) -> Result<(NaiveDate, NaiveDate), UsageError> {
    let text = text.trim();
    let bad = || {
        UsageError(format!(
            "--period {text:?} is not a period; use 2026-10 (a month), 2026-Q3 (a quarter), 2026 (a year), 2026-10-01..2026-12-31 (a range), or this-month, last-month, this-quarter, last-quarter, ytd, last-12-months"
        ))
    };
    if let Some((from, to)) = text.split_once("..") {
        // A range: a day that does not parse is named, not the range.
        let day = |day: &str| {
            parse_day(day)
                .map_err(|err| UsageError(format!("--period {}: {err}", crate::error::quote(text))))
        };
        let from = day(from)?;
        let to = day(to)?;
        if to < from {
            return Err(UsageError(format!(
                "--period {text:?} ends before it starts"
            )));
        }
        return Ok((from, to));
    }
    if text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()) {
        let year: i32 = text.parse().map_err(|_| bad())?;
        let from = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(bad)?;
        let to = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(bad)?;
        return Ok((from, to));
    }
    let (year, rest) = text.split_once('-').ok_or_else(bad)?;
    if year.len() != 4 {
        return Err(bad());
    }
    let year: i32 = year.parse().map_err(|_| bad())?;
    let (first_month, months) = if let Some(quarter) = rest.strip_prefix(['Q', 'q']) {
        let quarter: u32 = quarter.parse().map_err(|_| bad())?;
        if !(1..=4).contains(&quarter) {
            return Err(bad());
        }
        (
            quarter_start_month(quarter.saturating_sub(1).saturating_mul(3)),
            3,
        )
    } else {
        if rest.len() != 2 {
            return Err(bad());
        }
        let month: u32 = rest.parse().map_err(|_| bad())?;
        (month, 1)
    };
    let from = NaiveDate::from_ymd_opt(year, first_month, 1).ok_or_else(bad)?;
    let to = from
        .checked_add_months(Months::new(months))
        .and_then(|next| next.checked_sub_days(Days::new(1)))
        .ok_or_else(bad)?;
    Ok((from, to))
}

/// A day given on the command line or in config: ISO `YYYY-MM-DD`.
pub(crate) fn parse_day(text: &str) -> Result<NaiveDate, UsageError> {
    let trimmed = text.trim();
    NaiveDate::parse_from_str(trimmed, "%Y-%m-%d").map_err(|_| {
        let shaped = trimmed.len() == 10
            && trimmed.bytes().enumerate().all(|(at, byte)| match at {
                4 | 7 => byte == b'-',
                _ => byte.is_ascii_digit(),
            });
        UsageError(if shaped {
            format!(
                "{} is not a day of the calendar (no such month, or the month is shorter)",
                crate::error::quote(text)
            )
        } else {
            format!(
                "{} is not a date in the form YYYY-MM-DD",
                crate::error::quote(text)
            )
        })
    })
}

/// The period bounds known before reading: `to` is already clamped to as-of
/// (nothing after as-of has happened yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub(crate) from: Option<NaiveDate>,
    pub(crate) to: NaiveDate,
    pub(crate) as_of: NaiveDate,
}

impl Bounds {
    pub(crate) fn contains(&self, day: NaiveDate) -> bool {
        day <= self.to && self.from.is_none_or(|from| day >= from)
    }
}

/// Settle as-of and the period: `--as-of`, else config `as_of`, else the
/// period's end if that is before today, else today. A relative period is
/// first placed against `--as-of`, config `as_of` or today.
pub fn resolve(
    mut request: PeriodRequest,
    as_of_flag: Option<NaiveDate>,
    as_of_config: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Bounds, UsageError> {
    if let Some(relative) = request.relative {
        let anchor = as_of_flag.or(as_of_config).unwrap_or(today);
        let (from, to) = relative
            .range(anchor)
            .ok_or_else(|| UsageError(format!("no such period around {anchor}")))?;
        request.from = Some(from);
        request.to = Some(to);
    }
    let as_of = as_of_flag.or(as_of_config).unwrap_or(match request.to {
        Some(end) if end < today => end,
        _ => today,
    });
    let to = request.to.map_or(as_of, |end| end.min(as_of));
    if let Some(from) = request.from
        && from > as_of
    {
        return Err(UsageError(format!(
            "the period starts on {from}, after the as-of date {as_of}: nothing in it has happened yet"
        )));
    }
    Ok(Bounds {
        from: request.from,
        to,
        as_of,
    })
}

/// Days in a closed period, at least 1.
pub(crate) fn days_in(from: NaiveDate, to: NaiveDate) -> i64 {
    // At most about 2^19 years between two dates: the sum cannot saturate.
    to.signed_duration_since(from)
        .num_days()
        .max(0)
        .saturating_add(1)
}

/// The first month (1–12) of the quarter holding zero-based month `month0`
/// (0–11, so the arithmetic stays far from the ends of `u32`).
fn quarter_start_month(month0: u32) -> u32 {
    (month0 / 3).saturating_mul(3).saturating_add(1)
}

/// First day of the month of `day`.
pub(crate) fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn period_forms() {
        assert_eq!(
            parse_absolute("2026-10"),
            Ok((d(2026, 10, 1), d(2026, 10, 31)))
        );
        assert_eq!(
            parse_absolute("2026-02"),
            Ok((d(2026, 2, 1), d(2026, 2, 28)))
        );
        assert_eq!(
            parse_absolute("2026-Q3"),
            Ok((d(2026, 7, 1), d(2026, 9, 30)))
        );
        assert_eq!(
            parse_absolute("2026-q4"),
            Ok((d(2026, 10, 1), d(2026, 12, 31)))
        );
        assert_eq!(parse_absolute("2026"), Ok((d(2026, 1, 1), d(2026, 12, 31))));
        assert_eq!(
            parse_absolute("2026-10-05..2026-11-04"),
            Ok((d(2026, 10, 5), d(2026, 11, 4)))
        );
        for bad in [
            "2026-13",
            "2026-Q5",
            "26-10",
            "last-year",
            "2026-11-04..2026-10-05",
            "",
        ] {
            assert!(parse_period(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn as_of_precedence() {
        let today = d(2026, 11, 23);
        let october = PeriodRequest {
            from: Some(d(2026, 10, 1)),
            to: Some(d(2026, 10, 31)),
            relative: None,
        };
        // A past period ends the books at its end.
        assert_eq!(
            resolve(october, None, None, today).unwrap().as_of,
            d(2026, 10, 31)
        );
        // Config beats that, and the flag beats config.
        assert_eq!(
            resolve(october, None, Some(d(2026, 11, 5)), today)
                .unwrap()
                .as_of,
            d(2026, 11, 5)
        );
        assert_eq!(
            resolve(october, Some(d(2026, 11, 10)), Some(d(2026, 11, 5)), today)
                .unwrap()
                .as_of,
            d(2026, 11, 10)
        );
        // A period still running is clamped to as-of = today.
        let year = PeriodRequest {
            from: Some(d(2026, 1, 1)),
            to: Some(d(2026, 12, 31)),
            relative: None,
        };
        let bounds = resolve(year, None, None, today).unwrap();
        assert_eq!((bounds.as_of, bounds.to), (today, today));
        // No period: up to as-of.
        let open = PeriodRequest {
            from: None,
            to: None,
            relative: None,
        };
        assert_eq!(resolve(open, None, None, today).unwrap().to, today);
        // A period after as-of has nothing in it.
        assert!(resolve(october, Some(d(2026, 9, 1)), None, today).is_err());
    }

    #[test]
    fn days_are_inclusive() {
        assert_eq!(days_in(d(2026, 10, 1), d(2026, 10, 31)), 31);
        assert_eq!(days_in(d(2026, 10, 1), d(2026, 10, 1)), 1);
    }

    #[test]
    fn relative_periods_around_an_anchor() {
        let anchor = d(2026, 11, 23);
        let range = |text: &str| {
            parse_period(text)
                .unwrap()
                .relative
                .unwrap()
                .range(anchor)
                .unwrap()
        };
        assert_eq!(range("this-month"), (d(2026, 11, 1), d(2026, 11, 30)));
        assert_eq!(range("last-month"), (d(2026, 10, 1), d(2026, 10, 31)));
        assert_eq!(range("this-quarter"), (d(2026, 10, 1), d(2026, 12, 31)));
        assert_eq!(range("last-quarter"), (d(2026, 7, 1), d(2026, 9, 30)));
        assert_eq!(range("ytd"), (d(2026, 1, 1), anchor));
        assert_eq!(range("last-12-months"), (d(2025, 11, 24), anchor));
        // January looks back into the previous year.
        let january = Relative::LastQuarter.range(d(2027, 1, 15)).unwrap();
        assert_eq!(january, (d(2026, 10, 1), d(2026, 12, 31)));
        // Without --as-of, last month's end is before today, so it becomes as-of.
        let request = parse_period("last-month").unwrap();
        let bounds = resolve(request, None, None, anchor).unwrap();
        assert_eq!(
            (bounds.from, bounds.to, bounds.as_of),
            (Some(d(2026, 10, 1)), d(2026, 10, 31), d(2026, 10, 31))
        );
        assert!(parse_period("next-month").is_err());
    }
}
