//! Aging: which bucket an amount falls in by its days past due, and the
//! one line between overdue and seriously overdue.
//!
//! The report's metrics (`d1_30` … `d90_plus`) age with the fixed
//! `REPORT_AGING_EDGES`; the receivables view ages with the edges of
//! `[aging] edges`. Both go through `aging_bucket`. "Seriously overdue"
//! (the flag, its verdict rule, `explain`'s evidence and the report's
//! `d90_plus`) is `SERIOUSLY_OVERDUE_DAYS`, the last of the report's edges,
//! so the figure and the flag cannot drift apart.

/// More than this many days past due is seriously overdue.
pub(crate) const SERIOUSLY_OVERDUE_DAYS: u32 = 90;

/// The edges of the report's aging buckets: current, 1–30, 31–60, 61–90,
/// and more than `SERIOUSLY_OVERDUE_DAYS` (the `d90_plus` of the metrics).
pub(crate) const REPORT_AGING_EDGES: [u32; 3] = [30, 60, SERIOUSLY_OVERDUE_DAYS];

/// The bucket of an amount `days_past_due` past due, given the upper
/// edges of the overdue buckets (ascending): 0 is current (not yet due, or
/// due today), 1 is up to the first edge, …, `edges.len() + 1` is past
/// the last edge.
#[inline]
pub(crate) fn aging_bucket(days_past_due: i64, edges: &[u32]) -> usize {
    if days_past_due <= 0 {
        return 0;
    }
    edges
        .iter()
        .position(|edge| days_past_due <= i64::from(*edge))
        .map_or(edges.len().saturating_add(1), |index| {
            index.saturating_add(1)
        })
}

/// Is an amount this many days past due seriously overdue?
#[inline]
pub(crate) fn is_seriously_overdue(days_past_due: i64) -> bool {
    days_past_due > i64::from(SERIOUSLY_OVERDUE_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_at_their_edges() {
        // Current up to and including the due day, then 1-30, 31-60,
        // 61-90, 91+.
        let expected = [
            (-3, 0),
            (0, 0),
            (1, 1),
            (30, 1),
            (31, 2),
            (60, 2),
            (61, 3),
            (90, 3),
            (91, 4),
            (i64::MAX, 4),
            (i64::MIN, 0),
        ];
        for (days, bucket) in expected {
            assert_eq!(
                aging_bucket(days, &REPORT_AGING_EDGES),
                bucket,
                "{days} days past due"
            );
        }
        // One edge of 14 days: current, 1-14, 15+.
        assert_eq!(aging_bucket(14, &[14]), 1);
        assert_eq!(aging_bucket(15, &[14]), 2);
        // No edges: current or overdue.
        assert_eq!(aging_bucket(0, &[]), 0);
        assert_eq!(aging_bucket(1, &[]), 1);
        // Wider edges from a config: 120 is in 91-120, 121 past it.
        assert_eq!(aging_bucket(120, &[30, 60, 90, 120]), 4);
        assert_eq!(aging_bucket(121, &[30, 60, 90, 120]), 5);
    }

    #[test]
    fn seriously_overdue_is_more_than_ninety_days() {
        assert!(!is_seriously_overdue(0));
        assert!(!is_seriously_overdue(89));
        assert!(!is_seriously_overdue(90));
        assert!(is_seriously_overdue(91));
        assert!(!is_seriously_overdue(-200));
    }

    /// The report's last bucket (`d90_plus`) holds exactly the seriously
    /// overdue amounts: were either rule restated with another number,
    /// the flag would fire on a figure the report does not show.
    #[test]
    fn the_last_report_bucket_is_seriously_overdue() {
        let last = REPORT_AGING_EDGES.len() + 1;
        for days in -5..400 {
            assert_eq!(
                aging_bucket(days, &REPORT_AGING_EDGES) == last,
                is_seriously_overdue(days),
                "{days} days past due"
            );
        }
    }
}
