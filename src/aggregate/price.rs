//! The price gap: what a client would have to pay to reach the targets of
//! `[targets]`, and how many hours would have to go at today's price.
//!
//! Margin target m: revenue that reaches it = cost to serve ÷ (1 − m).
//! Hourly target h: revenue that reaches it = hours worked × h. The target
//! revenue is the larger; the gap is what it lacks of today's revenue.
//! At today's price, the margin target needs the cost cut to revenue ×
//! (1 − m), at the client's own labour cost per hour; the hourly target
//! needs hours worked down to revenue ÷ h. Hours to cut are the more of
//! the two, and only with a timesheet (without one there are no hours of
//! delivery to cut).

use super::*;
use crate::config::Targets;

/// A client against the targets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriceGap {
    /// The revenue over the period that would reach every target.
    pub target_revenue: Decimal,
    /// What that lacks of today's revenue (0 when the targets are met).
    pub gap: Decimal,
    /// The gap as a share of today's revenue; `None` without revenue.
    pub rise: Option<f64>,
    /// Hours that would have to go at today's price. `None` without a
    /// timesheet, or when no number of hours would do (the costs beside
    /// the timesheet's alone are past the target, or the hours cost
    /// nothing).
    pub hours_to_cut: Option<Decimal>,
}

impl ClientMetrics {
    /// The hours the client took: the timesheet's and the support and
    /// meeting time it does not cover; without a timesheet, the support
    /// and meeting time alone.
    pub fn hours_worked(&self) -> Decimal {
        match &self.time {
            Some(time) => time.hours_worked,
            None => self.hours_to_serve,
        }
    }

    /// This client against `targets`; `None` when a figure overflows.
    pub fn price_gap(&self, targets: &Targets) -> Option<PriceGap> {
        let keep = Decimal::ONE.checked_sub(crate::numbers::exact_fraction(targets.margin))?;
        if keep <= Decimal::ZERO {
            return None;
        }
        let for_margin = self.cost_to_serve.checked_div(keep)?;
        let hours_worked = self.hours_worked();
        let for_hourly = match targets.hourly {
            Some(hourly) => hours_worked.checked_mul(hourly)?,
            None => Decimal::ZERO,
        };
        let target_revenue = for_margin.max(for_hourly).max(Decimal::ZERO);
        let gap = target_revenue.checked_sub(self.revenue)?.max(Decimal::ZERO);
        let rise = (self.revenue > Decimal::ZERO).then(|| ratio(gap, self.revenue));
        let hours_to_cut = match &self.time {
            Some(time) if gap > Decimal::ZERO => {
                self.hours_to_cut(time, keep, hours_worked, targets.hourly)
            }
            Some(_) => Some(Decimal::ZERO),
            None => None,
        };
        Some(PriceGap {
            target_revenue,
            gap,
            rise,
            hours_to_cut,
        })
    }

    fn hours_to_cut(
        &self,
        time: &TimeMetrics,
        keep: Decimal,
        hours_worked: Decimal,
        hourly: Option<Decimal>,
    ) -> Option<Decimal> {
        // Margin: the cost must come down to revenue × (1 − m).
        let allowed_cost = self.revenue.checked_mul(keep)?;
        let excess_cost = self
            .cost_to_serve
            .checked_sub(allowed_cost)?
            .max(Decimal::ZERO);
        let for_margin = if excess_cost.is_zero() {
            Decimal::ZERO
        } else if time.hours > Decimal::ZERO && time.labour_cost > Decimal::ZERO {
            let per_hour = time.labour_cost.checked_div(time.hours)?;
            excess_cost.checked_div(per_hour)?
        } else {
            return None;
        };
        // Hourly: hours worked must come down to revenue ÷ h.
        let for_hourly = match hourly {
            Some(hourly) if hourly > Decimal::ZERO => hours_worked
                .checked_sub(self.revenue.max(Decimal::ZERO).checked_div(hourly)?)?
                .max(Decimal::ZERO),
            _ => Decimal::ZERO,
        };
        let cut = for_margin.max(for_hourly);
        // More than the timesheet holds cannot be cut.
        (cut <= time.hours).then_some(cut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(revenue: i64, cost: i64, hours: i64, labour: i64) -> ClientMetrics {
        ClientMetrics {
            revenue: Decimal::from(revenue),
            cost_to_serve: Decimal::from(cost),
            time: Some(Box::new(TimeMetrics::worked(hours, labour))),
            ..ClientMetrics::default()
        }
    }

    fn targets(margin: f64, hourly: Option<i64>) -> Targets {
        Targets {
            margin,
            hourly: hourly.map(Decimal::from),
        }
    }

    #[test]
    fn margin_gap_and_hours_to_cut() {
        // Revenue 10,000, cost 8,000 of which labour 7,200 over 120 h
        // (60 an hour). 30% margin: 8,000 ÷ 0.7 = 11,428.571428…, gap
        // 1,428.57… = 14.29% of revenue. At today's price cost must fall
        // to 10,000 × 0.7 = 7,000: 1,000 less = 1,000 ÷ 60 = 16.67 h.
        let m = client(10_000, 8_000, 120, 7_200);
        let gap = m.price_gap(&targets(0.3, None)).unwrap();
        assert_eq!(gap.target_revenue.round_dp(2), Decimal::new(1_142_857, 2));
        assert_eq!(gap.gap.round_dp(2), Decimal::new(142_857, 2));
        assert!((gap.rise.unwrap() - 0.142_857).abs() < 1e-6);
        assert_eq!(gap.hours_to_cut.unwrap().round_dp(2), Decimal::new(1667, 2));
    }

    #[test]
    fn at_the_target_there_is_no_gap() {
        // Cost 7,000 on revenue 10,000 is exactly 30% margin.
        let m = client(10_000, 7_000, 100, 6_000);
        let gap = m.price_gap(&targets(0.3, None)).unwrap();
        assert_eq!(gap.gap, Decimal::ZERO);
        assert_eq!(gap.rise, Some(0.0));
        assert_eq!(gap.hours_to_cut, Some(Decimal::ZERO));
        // One cent past it: a gap of 0.01 ÷ 0.7 = 0.0142857…
        let mut m = m;
        m.cost_to_serve = Decimal::new(700_001, 2);
        let gap = m.price_gap(&targets(0.3, None)).unwrap();
        assert_eq!(gap.gap.round_dp(4), Decimal::new(143, 4));
    }

    #[test]
    fn the_hourly_target_can_be_the_larger() {
        // 100 h at a target of 120 an hour = 12,000 against a margin
        // target of 7,000 ÷ 0.7 = 10,000: the target revenue is 12,000,
        // gap 2,000 (20%). At today's price: 100 − 10,000 ÷ 120 =
        // 16.666… h to cut; the margin needs none.
        let m = client(10_000, 7_000, 100, 6_000);
        let gap = m.price_gap(&targets(0.3, Some(120))).unwrap();
        assert_eq!(gap.target_revenue, Decimal::from(12_000));
        assert_eq!(gap.gap, Decimal::from(2_000));
        assert_eq!(gap.hours_to_cut.unwrap().round_dp(2), Decimal::new(1667, 2));
    }

    #[test]
    fn no_number_of_hours_when_other_costs_alone_miss_the_target() {
        // Revenue 1,000, cost 5,000 of which labour only 600 over 10 h:
        // cutting every hour leaves 4,400 > 700.
        let m = client(1_000, 5_000, 10, 600);
        let gap = m.price_gap(&targets(0.3, None)).unwrap();
        assert_eq!(gap.hours_to_cut, None);
        // Without revenue there is no price rise to state.
        let m = client(0, 500, 10, 500);
        assert_eq!(m.price_gap(&targets(0.3, None)).unwrap().rise, None);
    }
}
