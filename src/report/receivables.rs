//! `clientfit receivables`: the finance view. Per client and in total, as
//! of as-of: what is outstanding, in aging buckets (edges configurable),
//! overdue, the oldest overdue invoice, DSO, average days delinquent, the
//! collection effectiveness index over the period, and the late-payment
//! history. Ranked by risk: most in the oldest bucket first, then most
//! overdue.

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use crate::aggregate::{Aggregated, ClientMetrics, Period};
use crate::ingest::Ingested;
use crate::model::aging_bucket;
use crate::numbers::ratio_of;

/// One row of the receivables view (a client, or the total).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Receivable {
    pub(crate) name: String,
    pub(crate) key: String,
    pub(crate) owner: Option<String>,
    pub(crate) outstanding: Decimal,
    /// Current, then one bucket per edge, then everything past the last edge.
    pub(crate) buckets: Vec<Decimal>,
    pub(crate) overdue: Decimal,
    /// The overdue invoice longest past due: its id (or file line) and days.
    pub(crate) oldest_overdue: Option<(String, i64)>,
    pub(crate) revenue: Decimal,
    pub(crate) dso: Option<f64>,
    /// DSO counting only current receivables.
    pub(crate) best_possible_dso: Option<f64>,
    /// DSO − best possible DSO.
    pub(crate) average_days_delinquent: Option<f64>,
    pub(crate) opening_ar: Decimal,
    pub(crate) credit_sales: Decimal,
    /// (opening AR + credit sales − closing AR) / (opening AR + credit sales − closing current AR) × 100.
    pub(crate) collection_effectiveness: Option<f64>,
    pub(crate) invoices_due: u64,
    pub(crate) late_invoices: u64,
    pub(crate) late_share: Option<f64>,
    pub(crate) avg_days_late: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct ReceivablesReport {
    pub(crate) period: Period,
    pub(crate) currency: Option<String>,
    pub(crate) edges: Vec<u32>,
    /// Every client with something owed, opening receivables or credit sales, ranked.
    pub(crate) rows: Vec<Receivable>,
    pub(crate) shown: Vec<usize>,
    pub(crate) total: Receivable,
    /// The longest any invoice is past due at as-of (0 when none is).
    pub(crate) max_days_past_due: i64,
    pub(crate) warnings: Vec<String>,
    /// Which settings were used (`Config::provenance`), and the file.
    pub(crate) config: String,
    pub(crate) config_file: Option<String>,
}

impl ReceivablesReport {
    pub(crate) fn shown(&self) -> impl Iterator<Item = &Receivable> {
        self.shown.iter().filter_map(|index| self.rows.get(*index))
    }

    /// What every human-readable format says besides the figures.
    pub(crate) fn notes(&self) -> Vec<crate::report::Note> {
        crate::report::notes(self.shown.len(), self.rows.len(), &self.warnings)
    }

    /// The bucket labels: current, 1-30, 31-60, 61-90, 90+ for the default
    /// edges (the last is "more than 90 days", named as the report names
    /// its `d90_plus`).
    pub(crate) fn bucket_labels(&self) -> Vec<String> {
        let mut labels = vec!["current".to_string()];
        // Edges are validated at most `MAX_DAYS` (config), far from `u32::MAX`.
        let mut low = 1u32;
        for edge in &self.edges {
            labels.push(format!("{low}-{edge}"));
            low = edge.saturating_add(1);
        }
        labels.push(format!("{}+", low.saturating_sub(1)));
        labels
    }
}

fn empty(name: &str, key: &str, owner: Option<String>, buckets: usize) -> Receivable {
    Receivable {
        name: name.to_string(),
        key: key.to_string(),
        owner,
        outstanding: Decimal::ZERO,
        buckets: vec![Decimal::ZERO; buckets],
        overdue: Decimal::ZERO,
        oldest_overdue: None,
        revenue: Decimal::ZERO,
        dso: None,
        best_possible_dso: None,
        average_days_delinquent: None,
        opening_ar: Decimal::ZERO,
        credit_sales: Decimal::ZERO,
        collection_effectiveness: None,
        invoices_due: 0,
        late_invoices: 0,
        late_share: None,
        avg_days_late: None,
    }
}

/// Fill in the ratios from the sums (shared by clients and the total).
fn settle(row: &mut Receivable, days: i64) -> anyhow::Result<()> {
    let current = row.buckets.first().copied().unwrap_or_default();
    row.overdue = row.outstanding.checked_sub(current).ok_or_else(overflow)?;
    let positive = row.revenue > Decimal::ZERO;
    row.dso = positive.then(|| ratio_of(row.outstanding, row.revenue) * days as f64);
    row.best_possible_dso = positive.then(|| ratio_of(current, row.revenue) * days as f64);
    row.average_days_delinquent = match (row.dso, row.best_possible_dso) {
        (Some(dso), Some(best)) => Some(dso - best),
        _ => None,
    };
    let billed = row
        .opening_ar
        .checked_add(row.credit_sales)
        .ok_or_else(overflow)?;
    let denominator = billed.checked_sub(current).ok_or_else(overflow)?;
    let collected = billed.checked_sub(row.outstanding).ok_or_else(overflow)?;
    row.collection_effectiveness =
        (denominator > Decimal::ZERO).then(|| ratio_of(collected, denominator) * 100.0);
    Ok(())
}

/// Sums past what a `Decimal` holds: only absurd amounts at absurd
/// exchange rates get there, and a rounded total would be a wrong one.
fn overflow() -> anyhow::Error {
    anyhow::anyhow!(
        "the receivables add up to more than clientfit counts exactly (about 7.9 × 10^28); check the amounts, and the exchange rates under [fx] in clientfit.toml"
    )
}

/// `sum += value`, or the overflow error.
fn add(sum: &mut Decimal, value: Decimal) -> anyhow::Result<()> {
    *sum = sum.checked_add(value).ok_or_else(overflow)?;
    Ok(())
}

/// Build the view from what ingest and aggregation produced.
pub fn build(
    ingested: &Ingested,
    aggregated: &Aggregated,
    config: &crate::config::Config,
    owner: Option<&str>,
    top: Option<usize>,
) -> anyhow::Result<ReceivablesReport> {
    let edges = &config.aging.edges;
    let period = aggregated.period;
    let as_of = period.as_of;
    let opening_day = period
        .from
        .checked_sub_days(Days::new(1))
        .unwrap_or(period.from);
    let bucket_count = edges.len().saturating_add(2);
    let registry = &ingested.registry;
    let mut rows: Vec<Receivable> = registry
        .clients()
        .iter()
        .map(|info| empty(&info.name, &info.key, info.owner.clone(), bucket_count))
        .collect();
    let mut max_days_past_due = 0i64;
    for invoice in ingested.invoices.iter().filter(|i| i.is_receivable()) {
        let row = rows
            .get_mut(invoice.client.index())
            .ok_or_else(|| anyhow::anyhow!("an invoice names a client the registry lacks"))?;
        if invoice.issued >= period.from && invoice.issued <= period.to {
            add(&mut row.credit_sales, invoice.amount)?;
        }
        if period.from > NaiveDate::MIN
            && let Some(owed) = invoice.receivable_at(opening_day)
        {
            add(&mut row.opening_ar, owed)?;
        }
        let Some(owed) = invoice.receivable_at(as_of) else {
            continue;
        };
        let days = invoice.days_past_due(as_of);
        add(&mut row.outstanding, owed)?;
        if let Some(bucket) = row.buckets.get_mut(aging_bucket(days, edges)) {
            add(bucket, owed)?;
        }
        if days > 0 {
            max_days_past_due = max_days_past_due.max(days);
            let older = row
                .oldest_overdue
                .as_ref()
                .is_none_or(|(_, oldest)| days > *oldest);
            if older {
                let id = ingested
                    .invoices
                    .id(&invoice)
                    .map_or_else(|| format!("line {}", invoice.origin.line), str::to_string);
                row.oldest_overdue = Some((id, days));
            }
        }
    }
    // Payment history and revenue come from the report's own metrics.
    let metrics_of: std::collections::HashMap<u32, &ClientMetrics> =
        aggregated.clients.iter().map(|m| (m.client.0, m)).collect();
    let mut total = empty("Total", "", None, bucket_count);
    let mut listed = Vec::new();
    for (index, mut row) in rows.into_iter().enumerate() {
        if let Some(m) = metrics_of.get(&(index as u32)) {
            row.revenue = m.revenue;
            row.invoices_due = m.invoices_due;
            row.late_invoices = m.late_invoices;
            row.late_share = m.late_share;
            row.avg_days_late = m.avg_days_late;
        }
        if row.outstanding.is_zero() && row.opening_ar.is_zero() && row.credit_sales.is_zero() {
            continue;
        }
        settle(&mut row, period.days)?;
        add(&mut total.outstanding, row.outstanding)?;
        for (sum, value) in total.buckets.iter_mut().zip(&row.buckets) {
            add(sum, *value)?;
        }
        add(&mut total.revenue, row.revenue)?;
        add(&mut total.opening_ar, row.opening_ar)?;
        add(&mut total.credit_sales, row.credit_sales)?;
        total.invoices_due = total.invoices_due.saturating_add(row.invoices_due);
        total.late_invoices = total.late_invoices.saturating_add(row.late_invoices);
        if let Some((id, days)) = &row.oldest_overdue
            && total
                .oldest_overdue
                .as_ref()
                .is_none_or(|(_, oldest)| days > oldest)
        {
            total.oldest_overdue = Some((format!("{id} ({})", row.name), *days));
        }
        listed.push(row);
    }
    settle(&mut total, period.days)?;
    // The total's average days late weighs every invoice due, as a
    // client's does (on-time ones count 0 days).
    let (mut weighted, mut due_amount) = (Decimal::ZERO, Decimal::ZERO);
    for invoice in ingested.invoices.iter() {
        if invoice.due < period.from || invoice.due > period.to {
            continue;
        }
        if let Some(days) = invoice.days_late(as_of) {
            add(&mut due_amount, invoice.amount)?;
            let late = invoice
                .amount
                .checked_mul(Decimal::from(days))
                .ok_or_else(overflow)?;
            add(&mut weighted, late)?;
        }
    }
    total.avg_days_late = (due_amount > Decimal::ZERO).then(|| ratio_of(weighted, due_amount));
    total.late_share =
        (total.invoices_due > 0).then(|| total.late_invoices as f64 / total.invoices_due as f64);
    // Risk first: most in the oldest bucket, then most overdue, then name.
    listed.sort_by(|a, b| {
        b.buckets
            .last()
            .cmp(&a.buckets.last())
            .then_with(|| b.overdue.cmp(&a.overdue))
            .then_with(|| a.key.cmp(&b.key))
    });
    let owner = owner.map(|o| o.trim().to_lowercase());
    let mut shown: Vec<usize> = (0..listed.len())
        .filter(|i| match &owner {
            Some(owner) => listed
                .get(*i)
                .and_then(|row| row.owner.as_ref())
                .is_some_and(|o| o.trim().to_lowercase() == *owner),
            None => true,
        })
        .collect();
    if let Some(top) = top {
        shown.truncate(top);
    }
    Ok(ReceivablesReport {
        period,
        currency: ingested.currency.clone(),
        edges: edges.to_vec(),
        rows: listed,
        shown,
        total,
        max_days_past_due,
        warnings: ingested.warnings.clone(),
        config: config.provenance(),
        config_file: config
            .source
            .as_ref()
            .map(|path| path.to_string_lossy().into_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_past_the_decimal_range_are_an_error_not_a_panic() {
        let mut sum = Decimal::MAX;
        assert!(add(&mut sum, Decimal::ONE).is_err());
        assert_eq!(sum, Decimal::MAX, "a failed sum leaves the total as it was");
        let mut sum = Decimal::ONE;
        add(&mut sum, Decimal::TWO).unwrap();
        assert_eq!(sum, Decimal::from(3));
        // Opening AR + credit sales past the range: the ratios cannot be
        // worked out, and settling says so.
        let mut row = empty("Acme", "acme", None, 3);
        row.opening_ar = Decimal::MAX;
        row.credit_sales = Decimal::MAX;
        let err = settle(&mut row, 30).unwrap_err().to_string();
        assert!(err.contains("more than clientfit counts exactly"), "{err}");
        // In range: 100 billed, 40 outstanding of which 10 current, over
        // 30 days with revenue 100: DSO 40 / 100 × 30 = 12, overdue 30,
        // collection effectiveness (100 − 40) / (100 − 10) × 100 = 66.67.
        let mut row = empty("Acme", "acme", None, 3);
        row.credit_sales = Decimal::from(100);
        row.revenue = Decimal::from(100);
        row.outstanding = Decimal::from(40);
        row.buckets[0] = Decimal::from(10);
        settle(&mut row, 30).unwrap();
        assert_eq!(row.overdue, Decimal::from(30));
        assert_eq!(row.dso, Some(12.0));
        let effectiveness = row.collection_effectiveness.unwrap();
        assert!(
            (effectiveness - 6000.0 / 90.0).abs() < 1e-9,
            "{effectiveness}"
        );
    }
}
