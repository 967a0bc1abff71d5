//! The price gap in words: what it would take for a client to reach the
//! targets of `[targets]`, for `explain` and the restructure playbook.

use rust_decimal::Decimal;

use crate::aggregate::ClientMetrics;
use crate::config::Targets;
use crate::numbers::{exact_fraction, grouped, percent_text, ratio_of};

/// "to reach 30% margin: +4,120.00 (+18.0%) over the period, or 9.5
/// fewer hours"; `None` when the client already meets the targets.
pub(crate) fn price_line(m: &ClientMetrics, targets: &Targets) -> Option<String> {
    let gap = m.price_gap(targets)?;
    if gap.gap <= Decimal::ZERO {
        return None;
    }
    let target = match targets.hourly {
        Some(hourly) => format!(
            "{} margin and {} an hour",
            percent_text(exact_fraction(targets.margin)),
            grouped(hourly)
        ),
        None => format!("{} margin", percent_text(exact_fraction(targets.margin))),
    };
    let rise = gap
        .rise
        .map(|rise| format!(" (+{:.1}%)", rise * 100.0))
        .unwrap_or_default();
    let hours = match (&m.time, gap.hours_to_cut) {
        (Some(_), Some(hours)) => format!(
            ", or {:.1} fewer hours at today's price",
            ratio_of(hours, Decimal::ONE)
        ),
        (Some(_), None) => ", and cutting hours alone cannot get there".to_string(),
        (None, _) => String::new(),
    };
    Some(format!(
        "to reach {target}: +{}{rise} over the period{hours}",
        grouped(gap.gap)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::TimeMetrics;

    fn client(revenue: i64, cost: i64, hours: Option<(i64, i64)>) -> ClientMetrics {
        ClientMetrics {
            revenue: Decimal::from(revenue),
            cost_to_serve: Decimal::from(cost),
            time: hours.map(|(hours, labour)| Box::new(TimeMetrics::worked(hours, labour))),
            ..ClientMetrics::default()
        }
    }

    #[test]
    fn says_the_gap_in_money_share_and_hours() {
        let targets = Targets {
            margin: 0.3,
            hourly: None,
        };
        // 8,000 ÷ 0.7 − 10,000 = 1,428.57 (14.3%); (8,000 − 7,000) ÷
        // (7,200 ÷ 120 = 60 an hour) = 16.7 h.
        let m = client(10_000, 8_000, Some((120, 7_200)));
        assert_eq!(
            price_line(&m, &targets).as_deref(),
            Some(
                "to reach 30% margin: +1,428.57 (+14.3%) over the period, or 16.7 fewer hours at today's price"
            )
        );
        // Without a timesheet there are no hours to cut.
        let m = client(10_000, 8_000, None);
        assert_eq!(
            price_line(&m, &targets).as_deref(),
            Some("to reach 30% margin: +1,428.57 (+14.3%) over the period")
        );
        // At the target: nothing to say.
        let m = client(10_000, 7_000, Some((100, 6_000)));
        assert_eq!(price_line(&m, &targets), None);
    }

    #[test]
    fn names_the_hourly_target_too() {
        let targets = Targets {
            margin: 0.25,
            hourly: Some(Decimal::from(120)),
        };
        // 100 h × 120 = 12,000 against 7,000 ÷ 0.75 = 9,333.33: +2,000
        // (20.0%); 100 − 10,000 ÷ 120 = 16.7 h.
        let m = client(10_000, 7_000, Some((100, 6_000)));
        assert_eq!(
            price_line(&m, &targets).as_deref(),
            Some(
                "to reach 25% margin and 120.00 an hour: +2,000.00 (+20.0%) over the period, or 16.7 fewer hours at today's price"
            )
        );
    }
}
