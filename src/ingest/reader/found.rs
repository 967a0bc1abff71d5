//! What reading one file found, beside its records: counts of rows read,
//! skipped and merged, the clients it named, dates, discounts, section
//! and total rows left out (`FileReport`), for warnings and `check`.

use super::*;

/// What reading one file found, for `check` and for warnings.
#[derive(Debug, Clone, Default)]
pub(crate) struct FileReport {
    pub(crate) path: PathBuf,
    pub(crate) kind: Option<Kind>,
    /// How the kind was decided: "flag", "file name" or "header".
    pub(crate) kind_from: &'static str,
    /// `check`: the error that stopped reading this file.
    pub(crate) error: Option<InputError>,
    pub(crate) encoding: &'static str,
    pub(crate) delimiter: u8,
    /// Not a regular file (standard input, a pipe): read once into
    /// memory, up to `source::in_memory_limit`.
    pub(crate) in_memory: bool,
    pub(crate) decimal: Option<DecimalSeparator>,
    pub(crate) header_line: u64,
    /// Rows before the header (title lines of report-style exports).
    pub(crate) preamble_rows: u64,
    /// Field ← column, for the fields found.
    pub(crate) mapping: Vec<(&'static str, String)>,
    /// Column → day/month order used, when the column has numeric dates.
    pub(crate) date_orders: Vec<(String, DateOrder, &'static str)>,
    pub(crate) rows_read: u64,
    /// Section headings and `Total …` rows skipped.
    pub(crate) section_rows: u64,
    /// The first of them: line and first cell with text, for `check`.
    pub(crate) section_lines: Vec<(u64, String)>,
    /// Rows skipped by `--skip-bad-rows`, with why.
    pub(crate) bad_rows: Vec<InputError>,
    /// Rows replaced by a later copy (same invoice or ticket id).
    pub(crate) replaced: u64,
    /// Ticket rows that shared their id with another row of this file, and
    /// the tickets they were merged into (see `tickets::Repeats`).
    pub(crate) merged_rows: u64,
    /// Meetings with no duration and no end time of day, counted as
    /// `default_meeting_minutes`: an assumption every output states.
    pub(crate) default_minutes_meetings: u64,
    /// Time entries whose cost of 0 was read as no cost given.
    pub(crate) zero_cost_entries: u64,
    /// Time entries whose blank billable cell, in a column of ticks, was
    /// read as not billable.
    pub(crate) blank_billable_entries: u64,
    pub(crate) merged_tickets: u64,
    /// Merged tickets whose rows named more than one client.
    pub(crate) merged_client_changes: u64,
    pub(crate) first_date: Option<NaiveDate>,
    pub(crate) last_date: Option<NaiveDate>,
    pub(crate) currencies: BTreeSet<String>,
    /// Clients named in this file (registry ids), for `check`.
    pub(crate) clients: ClientSet,
    /// Rows naming no client (tickets and meetings).
    pub(crate) unmatched: u64,
    /// The first few of them: line, and what the row named instead.
    pub(crate) unmatched_rows: Vec<(u64, String)>,
    pub(crate) warnings: Vec<String>,
    /// Columns found by a loose alias and left unread, and why.
    pub(crate) notes: Vec<String>,
    /// Invoices: whether the file has a column that tells payment (paid
    /// date, paid amount, balance or status).
    pub(crate) payment_columns: bool,
    /// Invoices: whether rows that share an id are lines to be summed.
    pub(crate) lines: bool,
    /// Invoices: what the discount column held, to tell rates from money.
    pub(crate) discounts: DiscountsSeen,
    /// Invoices voided or written off after as-of, counted as open.
    pub(crate) status_after_as_of: u64,
}

/// The discounts of an invoices file read as money, summed up to tell
/// whether they are rates after all: every one between 0 and 1 while the
/// amounts are not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DiscountsSeen {
    /// A discount other than 0.
    pub(crate) any: bool,
    /// A discount above 1 (or below −1 on a credit note).
    pub(crate) above_one: bool,
    /// An amount above 1 (or below −1).
    pub(crate) amount_above_one: bool,
    /// The column's header says it holds percentages (`Discount (%)`,
    /// `Discount Percent`): whatever its values, they are not money.
    pub(crate) percent_header: bool,
}

impl DiscountsSeen {
    pub(crate) fn saw(&mut self, amount: rust_decimal::Decimal, discount: rust_decimal::Decimal) {
        // Once a discount above 1 is seen the column is money: nothing
        // more to learn (and no comparison on every later row).
        if self.above_one {
            return;
        }
        let one = rust_decimal::Decimal::ONE;
        if !discount.is_zero() {
            self.any = true;
            self.above_one = discount.abs() > one;
        }
        if !self.amount_above_one {
            self.amount_above_one = amount.abs() > one;
        }
    }

    /// Every discount between 0 and 1 and some amount above 1: a column
    /// of rates (0.2 for 20%), which summed as money would be nonsense.
    pub(crate) fn look_like_rates(&self) -> bool {
        self.percent_header || (self.any && !self.above_one && self.amount_above_one)
    }

    fn absorb(&mut self, other: DiscountsSeen) {
        self.any |= other.any;
        self.above_one |= other.above_one;
        self.amount_above_one |= other.amount_above_one;
        self.percent_header |= other.percent_header;
    }
}

/// Skipped section and totals rows listed by `check`, per file.
pub(crate) const SECTION_LINES_KEPT: usize = 10;

/// How many rows naming no client a file's report locates.
pub(crate) const UNMATCHED_ROWS_KEPT: usize = 5;

/// What a ticket or meeting row named that matched no client: its client
/// cell, else its email's domain (never the whole address).
pub(crate) fn unmatched_naming(client: &str, email: &str) -> String {
    if !client.is_empty() {
        format!("client {client:?}")
    } else if let Some((_, domain)) = email.rsplit_once('@') {
        format!("email domain {domain:?}")
    } else if !email.is_empty() {
        "an email with no domain".to_string()
    } else {
        "no client and no email".to_string()
    }
}

impl FileReport {
    /// Add what reading the next chunk of the same file found (what is
    /// about the whole file, its header and encoding, is already here).
    pub(crate) fn absorb_part(&mut self, tail: FileReport) {
        // Cannot saturate: counts of rows read.
        self.rows_read = self.rows_read.saturating_add(tail.rows_read);
        self.section_rows = self.section_rows.saturating_add(tail.section_rows);
        self.section_lines.extend(tail.section_lines);
        self.section_lines.truncate(SECTION_LINES_KEPT);
        self.replaced = self.replaced.saturating_add(tail.replaced);
        self.merged_rows = self.merged_rows.saturating_add(tail.merged_rows);
        self.default_minutes_meetings = self
            .default_minutes_meetings
            .saturating_add(tail.default_minutes_meetings);
        self.zero_cost_entries = self
            .zero_cost_entries
            .saturating_add(tail.zero_cost_entries);
        self.blank_billable_entries = self
            .blank_billable_entries
            .saturating_add(tail.blank_billable_entries);
        self.merged_tickets = self.merged_tickets.saturating_add(tail.merged_tickets);
        self.merged_client_changes = self
            .merged_client_changes
            .saturating_add(tail.merged_client_changes);
        self.unmatched = self.unmatched.saturating_add(tail.unmatched);
        // The tail's rows come after this part's.
        let room = UNMATCHED_ROWS_KEPT.saturating_sub(self.unmatched_rows.len());
        self.unmatched_rows
            .extend(tail.unmatched_rows.into_iter().take(room));
        self.bad_rows.extend(tail.bad_rows);
        for day in [tail.first_date, tail.last_date].into_iter().flatten() {
            self.saw_date(day);
        }
        self.currencies.extend(tail.currencies);
        self.clients.union(&tail.clients);
        self.discounts.absorb(tail.discounts);
        self.status_after_as_of = self
            .status_after_as_of
            .saturating_add(tail.status_after_as_of);
    }

    /// A section heading or totals row skipped; the first few are kept
    /// to be listed.
    pub(crate) fn skipped_section(&mut self, row: &Row) {
        count_row(&mut self.section_rows);
        if self.section_lines.len() < SECTION_LINES_KEPT {
            self.section_lines
                .push((row.line, row.first_text().to_string()));
        }
    }

    pub(crate) fn saw_date(&mut self, day: NaiveDate) {
        self.first_date = Some(self.first_date.map_or(day, |d| d.min(day)));
        self.last_date = Some(self.last_date.map_or(day, |d| d.max(day)));
    }

    /// A ticket's or meeting's client noted, or the row counted as naming
    /// none (the first few with their line and what they named instead).
    pub(crate) fn saw_client(
        &mut self,
        client: Option<crate::model::ClientId>,
        line: u64,
        named: impl FnOnce() -> String,
    ) {
        match client {
            Some(id) => self.clients.insert(id.0),
            None => {
                count_row(&mut self.unmatched);
                if self.unmatched_rows.len() < UNMATCHED_ROWS_KEPT {
                    self.unmatched_rows.push((line, named()));
                }
            }
        }
    }
}

/// A set of registry ids: one bit per client, as files name the same
/// clients on millions of rows.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClientSet {
    bits: Vec<u64>,
}

impl ClientSet {
    pub(crate) fn insert(&mut self, id: u32) {
        let word = (id / 64) as usize;
        if word >= self.bits.len()
            // Cannot fail: `word` is under 2^26.
            && let Some(length) = word.checked_add(1)
        {
            self.bits.resize(length, 0);
        }
        if let Some(bits) = self.bits.get_mut(word) {
            *bits |= 1 << (id % 64);
        }
    }

    /// Add every id of `other`.
    pub(crate) fn union(&mut self, other: &ClientSet) {
        if self.bits.len() < other.bits.len() {
            self.bits.resize(other.bits.len(), 0);
        }
        for (word, theirs) in self.bits.iter_mut().zip(&other.bits) {
            *word |= theirs;
        }
    }

    #[cfg(test)]
    pub(crate) fn contains(&self, id: &u32) -> bool {
        self.bits
            .get((id / 64) as usize)
            .is_some_and(|bits| bits & (1 << (id % 64)) != 0)
    }

    /// The same clients under other ids: `id` becomes `ids[id]`.
    pub(crate) fn mapped(&self, ids: &[crate::model::ClientId]) -> ClientSet {
        let mut set = ClientSet::default();
        for id in self.iter() {
            if let Some(new) = ids.get(id as usize) {
                set.insert(new.0);
            }
        }
        set
    }

    /// The ids in ascending order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.bits.iter().zip(0u32..).flat_map(|(bits, word)| {
            let bits = *bits;
            // Cannot fail: there are at most 2^26 words, as ids are u32.
            (0u32..64)
                .filter(move |bit| bits & (1u64 << bit) != 0)
                .filter_map(move |bit| word.checked_mul(64)?.checked_add(bit))
        })
    }
}
