//! Stage 2: records → per-client metrics (SPEC §4).
//!
//! Money stays exact (`Decimal`) and unrounded here; rounding to cents
//! happens only when a report is rendered. Ratios are `f64`.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::config::Config;
use crate::ingest::identity::ClientId;
use crate::ingest::records::{Meeting, Ticket};
use crate::ingest::status::{InvoiceStatus, MeetingStatus};
use crate::ingest::{Ingested, Sink};
use crate::period::{Bounds, days_in};

/// Ticket and meeting totals of one client over the period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActivityTotals {
    pub tickets: u64,
    pub ticket_minutes: Decimal,
    pub scope_changes: u64,
    pub escalations: u64,
    pub abusive_tickets: u64,
    pub scheduled: u64,
    pub attended: u64,
    pub no_shows: u64,
    pub cancelled: u64,
    /// Σ minutes × attendees of attended meetings.
    pub attended_person_minutes: Decimal,
    /// Σ minutes × attendees of no-shows.
    pub no_show_person_minutes: Decimal,
    /// Any ticket or meeting in the period.
    pub active: bool,
}

impl ActivityTotals {
    fn add(&mut self, other: &ActivityTotals) {
        self.tickets += other.tickets;
        self.ticket_minutes += other.ticket_minutes;
        self.scope_changes += other.scope_changes;
        self.escalations += other.escalations;
        self.abusive_tickets += other.abusive_tickets;
        self.scheduled += other.scheduled;
        self.attended += other.attended;
        self.no_shows += other.no_shows;
        self.cancelled += other.cancelled;
        self.attended_person_minutes += other.attended_person_minutes;
        self.no_show_person_minutes += other.no_show_person_minutes;
        self.active |= other.active;
    }
}

/// The streaming end of ingest: folds tickets and meetings into per-client
/// totals as they are read.
#[derive(Debug)]
pub struct Activity {
    bounds: Bounds,
    pub per_client: Vec<ActivityTotals>,
    pub unmatched_tickets: u64,
    pub unmatched_meetings: u64,
    /// Earliest ticket or meeting date seen (the default period's start).
    pub earliest: Option<NaiveDate>,
}

impl Activity {
    pub fn new(bounds: Bounds) -> Activity {
        Activity {
            bounds,
            per_client: Vec::new(),
            unmatched_tickets: 0,
            unmatched_meetings: 0,
            earliest: None,
        }
    }

    fn totals(&mut self, client: ClientId) -> &mut ActivityTotals {
        let index = client.index();
        if index >= self.per_client.len() {
            self.per_client
                .resize_with(index + 1, ActivityTotals::default);
        }
        &mut self.per_client[index]
    }

    fn seen(&mut self, day: NaiveDate) {
        self.earliest = Some(self.earliest.map_or(day, |earliest| earliest.min(day)));
    }
}

impl Sink for Activity {
    fn fork(&self) -> Option<Activity> {
        Some(Activity::new(self.bounds))
    }

    fn absorb(&mut self, fork: Activity, ids: &[ClientId]) {
        self.unmatched_tickets += fork.unmatched_tickets;
        self.unmatched_meetings += fork.unmatched_meetings;
        if let Some(day) = fork.earliest {
            self.seen(day);
        }
        for (totals, id) in fork.per_client.into_iter().zip(ids) {
            if totals != ActivityTotals::default() {
                self.totals(*id).add(&totals);
            }
        }
    }

    fn ticket(&mut self, ticket: &Ticket) {
        self.seen(ticket.created);
        if !self.bounds.contains(ticket.created) {
            return;
        }
        let Some(client) = ticket.client else {
            self.unmatched_tickets += 1;
            return;
        };
        let totals = self.totals(client);
        totals.active = true;
        totals.tickets += 1;
        totals.ticket_minutes += ticket.minutes;
        totals.scope_changes += u64::from(ticket.scope_change);
        totals.escalations += u64::from(ticket.escalation);
        totals.abusive_tickets += u64::from(ticket.abusive);
    }

    fn meeting(&mut self, meeting: &Meeting) {
        self.seen(meeting.date);
        if !self.bounds.contains(meeting.date) {
            return;
        }
        let Some(client) = meeting.client else {
            self.unmatched_meetings += 1;
            return;
        };
        let person_minutes = meeting.minutes * Decimal::from(meeting.attendees);
        let totals = self.totals(client);
        totals.active = true;
        match meeting.status {
            MeetingStatus::Cancelled => totals.cancelled += 1,
            MeetingStatus::Attended => {
                totals.scheduled += 1;
                totals.attended += 1;
                totals.attended_person_minutes += person_minutes;
            }
            MeetingStatus::NoShow => {
                totals.scheduled += 1;
                totals.no_shows += 1;
                totals.no_show_person_minutes += person_minutes;
            }
            MeetingStatus::Rescheduled | MeetingStatus::Scheduled => totals.scheduled += 1,
        }
    }
}

/// Every §4 metric of one client.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientMetrics {
    pub client: ClientId,
    pub revenue: Decimal,
    pub bad_debt: Decimal,
    pub discounts: Decimal,
    pub support_cost: Decimal,
    pub meeting_cost: Decimal,
    pub no_show_cost: Decimal,
    pub collection_cost: Decimal,
    pub delivery_cost: Decimal,
    pub cost_to_serve: Decimal,
    pub profit: Decimal,
    pub margin: Option<f64>,
    pub effective_hourly: Option<Decimal>,
    /// Ticket, attended and no-show hours, attendees counted.
    pub hours_to_serve: Decimal,
    pub invoices_due: u64,
    pub late_invoices: u64,
    pub late_share: Option<f64>,
    pub avg_days_late: Option<f64>,
    pub outstanding: Decimal,
    pub current: Decimal,
    pub d1_30: Decimal,
    pub d31_60: Decimal,
    pub d61_90: Decimal,
    pub d90_plus: Decimal,
    pub overdue: Decimal,
    pub dso: Option<f64>,
    pub tickets: u64,
    pub ticket_minutes: Decimal,
    pub scope_changes: u64,
    pub escalations: u64,
    pub abusive_tickets: u64,
    pub scheduled: u64,
    pub attended: u64,
    pub no_shows: u64,
    pub cancelled: u64,
    pub no_show_rate: Option<f64>,
    pub revenue_share: Option<f64>,
    pub ticket_share: Option<f64>,
}

/// The settled period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub as_of: NaiveDate,
    pub days: i64,
}

/// Everything aggregation yields.
#[derive(Debug)]
pub struct Aggregated {
    pub period: Period,
    /// Listed clients, in registry order.
    pub clients: Vec<ClientMetrics>,
    pub unmatched_tickets: u64,
    pub unmatched_meetings: u64,
}

/// Per-invoice sums of one client, built in one pass over the invoices.
#[derive(Debug, Default, Clone)]
struct InvoiceTotals {
    revenue: Decimal,
    bad_debt: Decimal,
    discounts: Decimal,
    invoices_due: u64,
    late_invoices: u64,
    due_amount: Decimal,
    /// Σ amount × days late over invoices_due.
    weighted_days_late: Decimal,
    buckets: [Decimal; 5],
    active: bool,
}

pub fn aggregate(
    ingested: &Ingested,
    activity: Activity,
    bounds: Bounds,
    config: &Config,
) -> Aggregated {
    let as_of = bounds.as_of;
    let earliest_invoice = ingested
        .invoices
        .iter()
        .filter(|i| i.counts())
        .map(|i| i.issued)
        .min();
    let from = bounds.from.unwrap_or_else(|| {
        [earliest_invoice, activity.earliest]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(bounds.to)
            .min(bounds.to)
    });
    let period = Period {
        from,
        to: bounds.to,
        as_of,
        days: days_in(from, bounds.to),
    };
    let in_period = |day: NaiveDate| day >= period.from && day <= period.to;

    let mut invoice_totals = vec![InvoiceTotals::default(); ingested.registry.len()];
    for invoice in ingested.invoices.iter().filter(|i| i.counts()) {
        let totals = &mut invoice_totals[invoice.client.index()];
        if in_period(invoice.issued) {
            totals.active = true;
            totals.discounts += invoice.discount;
            if invoice.status == InvoiceStatus::BadDebt {
                let paid = invoice.paid_by(as_of).min(invoice.amount);
                totals.revenue += paid;
                totals.bad_debt += invoice.amount - paid;
            } else {
                totals.revenue += invoice.amount;
            }
        }
        if invoice.amount <= Decimal::ZERO {
            continue;
        }
        // Payment behaviour: invoices falling due in the period, by as-of.
        if in_period(invoice.due)
            && invoice.due <= as_of
            && let Some(days_late) = days_late(&invoice, as_of)
        {
            totals.invoices_due += 1;
            totals.due_amount += invoice.amount;
            if days_late > 0 {
                totals.late_invoices += 1;
                totals.weighted_days_late += invoice.amount * Decimal::from(days_late);
            }
        }
        // Receivables at as-of, whatever the period.
        if invoice.status != InvoiceStatus::BadDebt && invoice.issued <= as_of {
            let owed = invoice.owed_at(as_of);
            if owed > Decimal::ZERO {
                totals.buckets[bucket((as_of - invoice.due).num_days())] += owed;
            }
        }
    }

    let rates = &config.rates;
    let sixty = Decimal::from(60);
    let mut clients = Vec::new();
    for (index, totals) in invoice_totals.iter().enumerate() {
        let work = activity.per_client.get(index).cloned().unwrap_or_default();
        let outstanding: Decimal = totals.buckets.iter().sum();
        if !(totals.active || work.active || outstanding > Decimal::ZERO) {
            continue;
        }
        let revenue = totals.revenue;
        let support_cost = work.ticket_minutes * rates.support_hourly / sixty;
        let meeting_cost = work.attended_person_minutes * rates.meeting_hourly / sixty;
        let no_show_cost = work.no_show_person_minutes * rates.meeting_hourly / sixty;
        let collection_cost = Decimal::from(totals.late_invoices) * rates.late_invoice_cost;
        let delivery_cost = revenue * rates.delivery_cost_share;
        let cost_to_serve =
            support_cost + meeting_cost + no_show_cost + collection_cost + delivery_cost;
        let profit = revenue - cost_to_serve;
        let hours_to_serve =
            (work.ticket_minutes + work.attended_person_minutes + work.no_show_person_minutes)
                / sixty;
        let [current, d1_30, d31_60, d61_90, d90_plus] = totals.buckets;
        let positive_revenue = revenue > Decimal::ZERO;
        clients.push(ClientMetrics {
            client: crate::ingest::identity::ClientId(index as u32),
            revenue,
            bad_debt: totals.bad_debt,
            discounts: totals.discounts,
            support_cost,
            meeting_cost,
            no_show_cost,
            collection_cost,
            delivery_cost,
            cost_to_serve,
            profit,
            margin: positive_revenue.then(|| ratio(profit, revenue)),
            effective_hourly: (hours_to_serve > Decimal::ZERO).then(|| revenue / hours_to_serve),
            hours_to_serve,
            invoices_due: totals.invoices_due,
            late_invoices: totals.late_invoices,
            late_share: (totals.invoices_due > 0)
                .then(|| totals.late_invoices as f64 / totals.invoices_due as f64),
            avg_days_late: (totals.due_amount > Decimal::ZERO)
                .then(|| ratio(totals.weighted_days_late, totals.due_amount)),
            outstanding,
            current,
            d1_30,
            d31_60,
            d61_90,
            d90_plus,
            overdue: outstanding - current,
            dso: positive_revenue.then(|| ratio(outstanding, revenue) * period.days as f64),
            tickets: work.tickets,
            ticket_minutes: work.ticket_minutes,
            scope_changes: work.scope_changes,
            escalations: work.escalations,
            abusive_tickets: work.abusive_tickets,
            scheduled: work.scheduled,
            attended: work.attended,
            no_shows: work.no_shows,
            cancelled: work.cancelled,
            no_show_rate: (work.attended + work.no_shows > 0)
                .then(|| work.no_shows as f64 / (work.attended + work.no_shows) as f64),
            revenue_share: None,
            ticket_share: None,
        });
    }

    // Shares over all listed clients.
    let total_revenue: Decimal = clients.iter().map(|c| c.revenue).sum();
    let total_tickets: u64 = clients.iter().map(|c| c.tickets).sum();
    for client in &mut clients {
        client.revenue_share =
            (total_revenue > Decimal::ZERO).then(|| ratio(client.revenue, total_revenue));
        client.ticket_share =
            (total_tickets > 0).then(|| client.tickets as f64 / total_tickets as f64);
    }

    Aggregated {
        period,
        clients,
        unmatched_tickets: activity.unmatched_tickets,
        unmatched_meetings: activity.unmatched_meetings,
    }
}

/// Days late of an invoice that fell due by as-of, or `None` when its
/// payment day is unknown (nothing owed, but no `paid` date: a `paid`
/// status or a zero balance without a date cannot say whether it was late).
pub fn days_late(invoice: &crate::ingest::records::Invoice, as_of: NaiveDate) -> Option<i64> {
    match invoice.paid {
        Some(paid) if paid <= as_of => Some((paid - invoice.due).num_days().max(0)),
        // Paid after as-of: unpaid at as-of.
        Some(_) => Some((as_of - invoice.due).num_days().max(0)),
        None if invoice.owed_at(as_of) > Decimal::ZERO => {
            Some((as_of - invoice.due).num_days().max(0))
        }
        None => None,
    }
}

/// Aging bucket of an amount `days` past due: current, 1–30, 31–60, 61–90, 90+.
fn bucket(days_past_due: i64) -> usize {
    match days_past_due {
        i64::MIN..=0 => 0,
        1..=30 => 1,
        31..=60 => 2,
        61..=90 => 3,
        _ => 4,
    }
}

/// An exact quotient as a ratio; only ever used for shares and averages.
fn ratio(numerator: Decimal, denominator: Decimal) -> f64 {
    if denominator.is_zero() {
        return 0.0;
    }
    (numerator / denominator).to_f64().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aging_bucket_edges() {
        assert_eq!(bucket(-5), 0);
        assert_eq!(bucket(0), 0);
        assert_eq!(bucket(1), 1);
        assert_eq!(bucket(30), 1);
        assert_eq!(bucket(31), 2);
        assert_eq!(bucket(60), 2);
        assert_eq!(bucket(61), 3);
        assert_eq!(bucket(90), 3);
        assert_eq!(bucket(91), 4);
    }
}
