//! Clients with work but no invoice in the period: why that most likely
//! is (a name that did not match, unbilled work, a missing export), said
//! first among their reasons.
//!
//! Report values only: must not import render or commands.

use super::*;

/// A client with tickets, meetings or timesheet hours in the period but
/// no invoice: its loss is most likely not a loss at all.
pub(super) fn unbilled_work(metrics: &ClientMetrics) -> bool {
    let logged = metrics
        .time
        .as_ref()
        .is_some_and(|time| time.hours > rust_decimal::Decimal::ZERO);
    !metrics.invoiced
        && (metrics.tickets > 0 || metrics.scheduled > 0 || metrics.cancelled > 0 || logged)
}

/// What tells apart the likely causes of work with no invoice: the
/// clients any invoices file names (whatever the date), with their keys
/// and names for the closest-name suggestion `check` also makes.
pub(super) struct Unbilled {
    invoiced_ever: std::collections::BTreeSet<u32>,
    /// Invoice clients' keys and names for the closest-name search; empty
    /// when that search would cost too much (see `NAME_SEARCH_BUDGET`).
    pub(super) names: Vec<(String, String)>,
    /// Were names compared (or was there nothing to compare with)?
    searched: bool,
}

/// The most name comparisons (clients without an invoice × clients with
/// one) the closest-name search may make: a ticket export of a hundred
/// thousand clients against invoices for a thousand would otherwise take
/// minutes. Past it, the reason names the three causes without a guess
/// and `check` lists close names.
pub(super) const NAME_SEARCH_BUDGET: usize = 2_000_000;

impl Unbilled {
    pub(super) fn gather(
        ingested: &Ingested,
        clients: &Clients,
        metrics: &[ClientMetrics],
    ) -> Option<Unbilled> {
        if !metrics.iter().any(unbilled_work) {
            return None;
        }
        let invoiced_ever: std::collections::BTreeSet<u32> = ingested
            .reports
            .iter()
            .filter(|r| r.kind == Some(crate::ingest::columns::Kind::Invoices))
            .flat_map(|r| r.clients.iter())
            .collect();
        let info = |id: u32| match clients {
            Clients::Copied => ingested.registry.clients().get(id as usize),
            Clients::Taken(infos) => infos.get(id as usize),
        };
        let unbilled = metrics.iter().filter(|m| unbilled_work(m)).count();
        let names = if unbilled.saturating_mul(invoiced_ever.len()) <= NAME_SEARCH_BUDGET {
            invoiced_ever
                .iter()
                .filter_map(|id| info(*id).map(|i| (i.key.clone(), i.name.clone())))
                .collect()
        } else {
            Vec::new()
        };
        let searched = !names.is_empty() || invoiced_ever.is_empty();
        Some(Unbilled {
            invoiced_ever,
            names,
            searched,
        })
    }

    /// Say first what the client most likely is, and drop the referral
    /// advice about price and budget, which a missing invoice says nothing about.
    pub(super) fn explain(&self, client: &mut ClientReport, names: &[(&str, &str)]) {
        let id = client.metrics.client.0;
        let why = if let Some(close) = crate::wording::closest(&client.key, names) {
            std::borrow::Cow::Owned(format!(
                "no invoice in the period under this name: most likely a name that did not match — the invoices name {close:?}; if that is this client, add {:?} as an alias of it in clients.csv",
                client.name
            ))
        } else if self.invoiced_ever.contains(&id) {
            std::borrow::Cow::Borrowed(
                "no invoice in the period, though it has invoices at other dates: most likely unbilled work (bill the tickets, meetings and hours of the period), or the period's invoices are in an export not given",
            )
        } else if !self.searched {
            std::borrow::Cow::Borrowed(
                "no invoice under this name: a missing invoices export, unbilled work, or a name that did not match (too many clients to compare names here: `clientfit check` lists close names)",
            )
        } else {
            std::borrow::Cow::Borrowed(
                "no invoice at all under this name: most likely a missing invoices export (or work never billed); its revenue of 0 makes any loss here unreliable",
            )
        };
        // Room for exactly one more: reasons are kept for every client.
        client.assessment.reasons.reserve_exact(1);
        client.assessment.reasons.insert(0, why);
        let first: std::sync::Arc<str> = std::sync::Arc::from(
            "Check first whether this is unbilled work, a missing export or a name that did not match, before acting on the verdict",
        );
        let actions: Vec<std::sync::Arc<str>> = std::iter::once(first)
            .chain(
                client
                    .assessment
                    .actions
                    .iter()
                    .filter(|action| !action.starts_with("A better fit for them"))
                    .cloned(),
            )
            .collect();
        client.assessment.actions = actions.into();
    }
}
