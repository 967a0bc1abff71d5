//! Status words of billing and calendar tools, normalised to a few values.

use std::collections::BTreeMap;

use crate::model::{InvoiceStatus, MeetingStatus};

/// Compare status words case-, space-, hyphen- and underscore-insensitively.
pub(crate) fn normalize(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_' | '\t'))
        .flat_map(char::to_lowercase)
        .collect()
}

pub(crate) fn invoice_status(text: &str) -> Option<InvoiceStatus> {
    let word = normalize(text);
    let status = match word.as_str() {
        "" => InvoiceStatus::Unstated,
        "paid" => InvoiceStatus::Paid,
        "open" | "unpaid" | "sent" | "due" | "overdue" | "outstanding" | "authorised"
        | "authorized" | "awaitingpayment" | "partial" | "partiallypaid" | "viewed" => {
            InvoiceStatus::Open
        }
        "void" | "voided" | "deleted" | "draft" | "cancelled" | "canceled" => {
            InvoiceStatus::Excluded
        }
        "uncollectible" | "writtenoff" | "writeoff" | "baddebt" => InvoiceStatus::BadDebt,
        _ => return None,
    };
    Some(status)
}

/// The status an unknown invoice status word most likely means, by the
/// words in it (a few in German, French, Spanish, Italian and Dutch too),
/// for a hint, never applied: `None` when nothing in it says (`Kentucky`).
pub(crate) fn likely_invoice_status(text: &str) -> Option<&'static str> {
    const BAD_DEBT: &[&str] = &["uncollect", "writ", "baddebt", "loss", "collection"];
    const VOID: &[&str] = &[
        "void", "cancel", "delet", "draft", "reject", "archiv", "storn", "annul", "anulad",
    ];
    // Before paid: "unpaid" and "partially paid" hold "paid".
    const OPEN: &[&str] = &[
        "unpaid",
        "notpaid",
        "partial",
        "pending",
        "await",
        "sent",
        "due",
        "open",
        "issued",
        "approved",
        "submitted",
        "unsettled",
        "outstanding",
        "overdue",
        "late",
        "offen",
        "unbezahlt",
        "impay",
        "pendiente",
        "openstaand",
    ];
    const PAID: &[&str] = &[
        "paid",
        "settled",
        "complete",
        "closed",
        "received",
        "succeeded",
        "success",
        "bezahlt",
        "pay",
        "pagad",
        "pagat",
        "betaald",
    ];
    likely(
        text,
        &[
            (BAD_DEBT, "bad-debt"),
            (VOID, "void"),
            (OPEN, "open"),
            (PAID, "paid"),
        ],
    )
}

/// The status an unknown meeting status word most likely means, as
/// `likely_invoice_status`.
pub(crate) fn likely_meeting_status(text: &str) -> Option<&'static str> {
    // Before attended: "did not attend" holds "attend".
    const NO_SHOW: &[&str] = &[
        "noshow",
        "missed",
        "absent",
        "didnotattend",
        "didntattend",
        "didnotshow",
        "nichterschienen",
    ];
    const RESCHEDULED: &[&str] = &["resched", "moved", "postpon", "verschoben"];
    const CANCELLED: &[&str] = &["cancel", "declin", "abgesagt", "annul"];
    const ATTENDED: &[&str] = &[
        "attend",
        "complete",
        "done",
        "held",
        "show",
        "happened",
        "met",
        "erschienen",
    ];
    const SCHEDULED: &[&str] = &[
        "schedul", "book", "confirm", "upcoming", "pending", "invit", "accept",
    ];
    likely(
        text,
        &[
            (NO_SHOW, "no-show"),
            (RESCHEDULED, "rescheduled"),
            (CANCELLED, "cancelled"),
            (ATTENDED, "attended"),
            (SCHEDULED, "scheduled"),
        ],
    )
}

/// The first status whose word parts the normalised text contains.
fn likely(text: &str, table: &[(&[&str], &'static str)]) -> Option<&'static str> {
    let word = normalize(text);
    table
        .iter()
        .find(|(parts, _)| parts.iter().any(|part| word.contains(part)))
        .map(|(_, status)| *status)
}

pub(crate) fn meeting_status(text: &str) -> Option<MeetingStatus> {
    let word = normalize(text);
    let status = match word.as_str() {
        "attended" | "completed" | "held" | "showed" => MeetingStatus::Attended,
        "noshow" | "missed" | "absent" => MeetingStatus::NoShow,
        "cancelled" | "canceled" => MeetingStatus::Cancelled,
        "rescheduled" => MeetingStatus::Rescheduled,
        "scheduled" | "booked" | "upcoming" => MeetingStatus::Scheduled,
        _ => return None,
    };
    Some(status)
}

/// A user's `[kind.status]` table, checked once: keys normalised, values
/// parsed with the built-in words.
pub(crate) fn custom_map<T: Copy>(
    table: &BTreeMap<String, String>,
    section: &str,
    parse: impl Fn(&str) -> Option<T>,
    allowed: &str,
) -> anyhow::Result<Vec<(String, T)>> {
    table
        .iter()
        .map(|(from, to)| {
            let status = parse(to).ok_or_else(|| {
                anyhow::anyhow!(
                    "[{section}.status] {from:?} = {to:?}: {to:?} is not a status clientfit knows; use one of {allowed}{}",
                    crate::wording::did_you_mean(to, &allowed.split(", ").collect::<Vec<_>>())
                )
            })?;
            Ok((normalize(from), status))
        })
        .collect()
}

/// Look a value up in a user's table first, then in the built-in words.
pub(crate) fn lookup<T: Copy>(
    custom: &[(String, T)],
    text: &str,
    builtin: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    if !custom.is_empty() {
        let word = normalize(text);
        if let Some((_, status)) = custom.iter().find(|(from, _)| *from == word) {
            return Some(*status);
        }
    }
    builtin(text)
}

/// `lookup` remembered per raw cell text: a status column repeats a
/// handful of words over millions of rows, and normalising each costs an
/// allocation.
pub(crate) struct Memo<T> {
    seen: super::memo::TextMemo<Option<T>, 32>,
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo {
            seen: super::memo::TextMemo::default(),
        }
    }
}

impl<T: Copy> Memo<T> {
    pub(crate) fn lookup(
        &mut self,
        custom: &[(String, T)],
        text: &str,
        builtin: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        self.seen.get(text, |text| lookup(custom, text, builtin))
    }
}

/// true/false, yes/no, 1/0, y/n, x/blank as spreadsheets write booleans.
pub(crate) fn boolean(text: &str) -> Option<bool> {
    match normalize(text).as_str() {
        "true" | "yes" | "y" | "1" | "x" => Some(true),
        "false" | "no" | "n" | "0" | "" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invoice_words_in_any_spelling() {
        assert_eq!(invoice_status("PAID"), Some(InvoiceStatus::Paid));
        assert_eq!(
            invoice_status("Awaiting Payment"),
            Some(InvoiceStatus::Open)
        );
        assert_eq!(invoice_status("partially_paid"), Some(InvoiceStatus::Open));
        assert_eq!(invoice_status("AUTHORISED"), Some(InvoiceStatus::Open));
        assert_eq!(invoice_status("Voided"), Some(InvoiceStatus::Excluded));
        assert_eq!(invoice_status("write-off"), Some(InvoiceStatus::BadDebt));
        assert_eq!(invoice_status("Written Off"), Some(InvoiceStatus::BadDebt));
        assert_eq!(invoice_status(""), Some(InvoiceStatus::Unstated));
        assert_eq!(invoice_status("bezahlt"), None);
    }

    #[test]
    fn meeting_words_in_any_spelling() {
        assert_eq!(meeting_status("NO_SHOW"), Some(MeetingStatus::NoShow));
        assert_eq!(meeting_status("No Show"), Some(MeetingStatus::NoShow));
        assert_eq!(meeting_status("COMPLETED"), Some(MeetingStatus::Attended));
        assert_eq!(meeting_status("canceled"), Some(MeetingStatus::Cancelled));
        assert_eq!(meeting_status("Upcoming"), Some(MeetingStatus::Scheduled));
        assert_eq!(meeting_status("maybe"), None);
    }

    #[test]
    fn user_tables_come_first_and_are_checked() {
        let mut table = BTreeMap::new();
        table.insert("Bezahlt".to_string(), "paid".to_string());
        let custom = custom_map(&table, "invoices", invoice_status, "paid, open").unwrap();
        assert_eq!(
            lookup(&custom, "BEZAHLT", invoice_status),
            Some(InvoiceStatus::Paid)
        );
        table.insert("offen".to_string(), "perhaps".to_string());
        assert!(custom_map(&table, "invoices", invoice_status, "paid, open").is_err());
    }

    #[test]
    fn unknown_status_words_suggest_what_they_most_likely_mean() {
        assert_eq!(likely_invoice_status("Kentucky"), None);
        assert_eq!(likely_invoice_status("synced"), None);
        assert_eq!(likely_invoice_status("Paid in full"), Some("paid"));
        assert_eq!(likely_invoice_status("Partially Paid Late"), Some("open"));
        assert_eq!(likely_invoice_status("Not paid"), Some("open"));
        assert_eq!(likely_invoice_status("Awaiting Approval"), Some("open"));
        assert_eq!(likely_invoice_status("Written Off"), Some("bad-debt"));
        assert_eq!(likely_invoice_status("Cancelled by client"), Some("void"));
        assert_eq!(likely_meeting_status("Did not attend"), Some("no-show"));
        assert_eq!(likely_meeting_status("Showed up"), Some("attended"));
        assert_eq!(likely_meeting_status("Declined"), Some("cancelled"));
        assert_eq!(likely_meeting_status("Confirmed"), Some("scheduled"));
        assert_eq!(likely_meeting_status("Ohio"), None);
        assert_eq!(likely_invoice_status("bezahlt"), Some("paid"));
        assert_eq!(likely_invoice_status("unbezahlt"), Some("open"));
        assert_eq!(likely_invoice_status("storniert"), Some("void"));
        assert_eq!(likely_meeting_status("erschienen"), Some("attended"));
        assert_eq!(likely_meeting_status("nicht erschienen"), Some("no-show"));
    }
}
