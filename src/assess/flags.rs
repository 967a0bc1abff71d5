//! The red flags: each flag's rule against its threshold, with the
//! measured numbers in its detail. Changing how a flag is decided is one
//! arm here and its test.

use super::*;
use crate::error::add_amounts;

/// Which flags fire, each with the numbers that made it fire.
pub(crate) fn flags(
    m: &ClientMetrics,
    period: &Period,
    t: &Thresholds,
    targets: &crate::config::Targets,
) -> anyhow::Result<Vec<Flag>> {
    // Raised into a scratch list, then copied into one of exactly their
    // number (a client's flags are kept until the report is written).
    thread_local! {
        static SCRATCH: std::cell::RefCell<Vec<Flag>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut flags) => {
            flags.clear();
            raise_flags(m, period, (t, targets), &mut flags)?;
            Ok(flags.drain(..).collect())
        }
        Err(_) => {
            let mut flags = Vec::new();
            raise_flags(m, period, (t, targets), &mut flags)?;
            Ok(flags)
        }
    })
}

fn raise_flags(
    m: &ClientMetrics,
    period: &Period,
    (t, targets): (&Thresholds, &crate::config::Targets),
    flags: &mut Vec<Flag>,
) -> anyhow::Result<()> {
    let mut raise = |id: FlagId, detail: String| {
        flags.push(Flag {
            id,
            severity: id.severity(),
            detail,
        });
    };
    if m.profit < Decimal::ZERO {
        raise(
            FlagId::Unprofitable,
            exact(format_args!(
                "profit {} < 0 (revenue {} − cost to serve {})",
                money(m.profit),
                money(m.revenue),
                money(m.cost_to_serve)
            )),
        );
    }
    if let Some(margin) = m.margin
        && margin >= 0.0
        && margin < t.min_margin
    {
        raise(FlagId::ThinMargin, {
            let (measured, threshold) = percents(margin, t.min_margin);
            exact(format_args!("margin {measured} < {threshold}"))
        });
    }
    if let Some(late_share) = m.late_share
        && m.late_invoices >= u64::from(t.late_payer_min_invoices)
        && late_share >= t.late_payer_share
    {
        raise(FlagId::LatePayer, {
            let (measured, threshold) = percents(late_share, t.late_payer_share);
            exact(format_args!(
                "{} of {} {} late ({measured}, threshold {} late and {threshold}), avg {} days late over all invoices due, {} over the late ones",
                m.late_invoices,
                m.invoices_due,
                plural(m.invoices_due, "invoice", "invoices"),
                t.late_payer_min_invoices,
                Fixed(m.avg_days_late.unwrap_or(0.0), 1),
                Fixed(m.avg_days_late_over_late.unwrap_or(0.0), 1)
            ))
        });
    }
    if m.d90_plus > Decimal::ZERO {
        raise(
            FlagId::SeriouslyOverdue,
            exact(format_args!(
                "{} overdue by more than {SERIOUSLY_OVERDUE_DAYS} days",
                money(m.d90_plus)
            )),
        );
    }
    if m.bad_debt > Decimal::ZERO {
        raise(
            FlagId::BadDebt,
            exact(format_args!(
                "{} written off as uncollectible",
                money(m.bad_debt)
            )),
        );
    }
    let revenue_share = m.revenue_share.unwrap_or(0.0);
    if let Some(ticket_share) = m.ticket_share
        && m.tickets >= u64::from(t.ticket_heavy_min_tickets)
        && ticket_share >= t.ticket_heavy_ratio * revenue_share
    {
        raise(FlagId::TicketHeavy, {
            let (measured, threshold) =
                percents(ticket_share, t.ticket_heavy_ratio * revenue_share);
            exact(format_args!(
                "{} {} = {measured} of all tickets against {} of revenue (threshold {} tickets and {}× the revenue share = {threshold})",
                m.tickets,
                plural(m.tickets, "ticket", "tickets"),
                percent(revenue_share),
                t.ticket_heavy_min_tickets,
                t.ticket_heavy_ratio
            ))
        });
    }
    if let Some(rate) = m.no_show_rate
        && m.no_shows >= u64::from(t.no_show_min)
        && rate >= t.no_show_rate
    {
        raise(FlagId::NoShows, {
            let (measured, threshold) = percents(rate, t.no_show_rate);
            exact(format_args!(
                "{} {} of {} {} held or missed ({measured}, threshold {} and {threshold})",
                m.no_shows,
                plural(m.no_shows, "no-show", "no-shows"),
                m.attended.saturating_add(m.no_shows),
                plural(m.attended.saturating_add(m.no_shows), "meeting", "meetings"),
                t.no_show_min
            ))
        });
    }
    let per_month = m.scope_changes as f64 / (period.days as f64 / 30.0);
    if m.scope_changes >= u64::from(t.scope_creep_min) && per_month >= t.scope_creep_per_month {
        raise(
            FlagId::ScopeCreep,
            exact(format_args!(
                "{} {} in {} {} = {} per 30 days (threshold {} and {})",
                m.scope_changes,
                plural(m.scope_changes, "scope change", "scope changes"),
                period.days,
                plural(period.days.unsigned_abs(), "day", "days"),
                Fixed(per_month, 2),
                t.scope_creep_min,
                Fixed(t.scope_creep_per_month, 2)
            )),
        );
    }
    if m.escalations >= u64::from(t.escalations_min) {
        raise(
            FlagId::Escalations,
            exact(format_args!(
                "{} escalated {} (threshold {})",
                m.escalations,
                plural(m.escalations, "ticket", "tickets"),
                t.escalations_min
            )),
        );
    }
    if m.abusive_tickets >= u64::from(t.abusive_min) {
        raise(
            FlagId::Abusive,
            exact(format_args!(
                "{} {} marked abusive (threshold {})",
                m.abusive_tickets,
                plural(m.abusive_tickets, "ticket", "tickets"),
                t.abusive_min
            )),
        );
    }
    if m.discounts > Decimal::ZERO {
        let before_discounts = add_amounts("revenue before discounts", m.revenue, m.discounts)?;
        let threshold = multiply_amounts(
            "the discount threshold",
            before_discounts,
            decimal(t.discount_share),
        )?;
        if m.discounts >= threshold {
            let (share, threshold) = if before_discounts > Decimal::ZERO {
                percents(
                    crate::numbers::ratio_of(m.discounts, before_discounts),
                    t.discount_share,
                )
            } else {
                ("all".into(), percent(t.discount_share))
            };
            let mut detail = exact(format_args!(
                "discounts {} = {share} of revenue before discounts {} (threshold {threshold})",
                money(m.discounts),
                money(before_discounts),
            ));
            // Revenue leaves out what was written off, so a discount on an
            // invoice never paid can read as all of revenue: say so, with
            // the share of everything invoiced beside it.
            if m.bad_debt > Decimal::ZERO {
                let invoiced =
                    add_amounts("invoiced before discounts", before_discounts, m.bad_debt)?;
                detail.push_str(&exact(format_args!(
                    "; revenue leaves out {} written off, and of all {} invoiced before discounts they are {}",
                    money(m.bad_debt),
                    money(invoiced),
                    percent(crate::numbers::ratio_of(m.discounts, invoiced)),
                )));
            }
            raise(FlagId::DiscountHeavy, detail);
        }
    }
    if let Some(time) = &m.time
        && let Some(non_billable) = time.non_billable_hours
        && time.hours >= t.over_servicing_min_hours
        && time.hours > Decimal::ZERO
    {
        let share = crate::numbers::ratio_of(non_billable, time.hours);
        if share >= t.over_servicing_share {
            raise(FlagId::OverServicing, {
                let (measured, threshold) = percents(share, t.over_servicing_share);
                exact(format_args!(
                    "{} of {} hours not billable ({measured}, threshold {threshold} over at least {} hours)",
                    Fixed(crate::numbers::ratio_of(non_billable, Decimal::ONE), 2),
                    Fixed(crate::numbers::ratio_of(time.hours, Decimal::ONE), 2),
                    t.over_servicing_min_hours.normalize()
                ))
            });
        }
    }
    if let (Some(time), Some(target), Some(hourly)) = (&m.time, targets.hourly, m.effective_hourly)
        && time.hours_worked > Decimal::ZERO
        && hourly < target
    {
        let (measured, goal) = short_of(hourly, target);
        raise(
            FlagId::BelowTargetRate,
            exact(format_args!(
                "effective hourly {measured} < target {goal} (revenue {} over {} hours worked)",
                money(m.revenue),
                Fixed(crate::numbers::ratio_of(time.hours_worked, Decimal::ONE), 2)
            )),
        );
    }
    Ok(())
}
