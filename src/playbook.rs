//! What to do about a client: the playbook lines per flag and per verdict,
//! drawn from how the client-management literature handles each case.
//!
//! The text lives here in one table so it can move to a data file the user
//! can adapt without touching the rules.

use crate::assess::{Flag, FlagId, Guard, Verdict};

fn for_flag(id: FlagId) -> &'static str {
    match id {
        FlagId::Unprofitable => "Reprice: raise rates or cut the service to what the fee pays for",
        FlagId::ThinMargin => "Review pricing at the next renewal; stop unbilled extras",
        FlagId::LatePayer => {
            "Ask for a deposit, shorten payment terms and turn on automatic reminders"
        }
        FlagId::SeriouslyOverdue => {
            "Stop new work until the 90+ day balance is paid; agree a payment plan in writing"
        }
        FlagId::BadDebt => "Require payment up front for any further work",
        FlagId::TicketHeavy => {
            "Move them to a tiered support plan where more attention costs more, with one defined contact path"
        }
        FlagId::NoShows => {
            "Send confirmation reminders, charge a no-show fee, and hold fewer but fixed meetings"
        }
        FlagId::ScopeCreep => {
            "Use a written change-request process with priced changes; agree goals and hold regular check-ins"
        }
        FlagId::Escalations => {
            "Hold a review with their decision maker; agree service levels and one escalation path"
        }
        FlagId::Abusive => {
            "Document every incident and protect your team: no one works with them alone"
        }
        FlagId::DiscountHeavy => "Stop ad-hoc discounts; tie any discount to volume or prepayment",
    }
}

fn for_verdict(verdict: Verdict) -> &'static [&'static str] {
    match verdict {
        Verdict::Fire => &[
            "Decide first, then have the right person deliver it: plainly and kindly",
            "Finish what is owed, hand over their files, refund where due, and offer a referral",
        ],
        Verdict::Refer => &[
            "Help them find a provider that fits them better (a cheaper or more specialised one) and hand over cleanly",
        ],
        Verdict::Restructure => {
            &["Keep them on your terms: renegotiate price, service tier and process"]
        }
        Verdict::Keep => &["Keep: a healthy client; ask for referrals and a case study"],
    }
}

/// The actions for one client: the verdict's lines, then one per flag.
pub fn actions(verdict: Verdict, flags: &[Flag], guard: Option<&Guard>) -> Vec<String> {
    let mut actions: Vec<String> = for_verdict(verdict).iter().map(|s| s.to_string()).collect();
    if guard.is_some_and(|g| g.held_from.is_some()) {
        actions.push(
            "Guarded: plan how to reduce the dependency before acting on the red flags".to_string(),
        );
    }
    actions.extend(flags.iter().map(|flag| for_flag(flag.id).to_string()));
    actions
}
