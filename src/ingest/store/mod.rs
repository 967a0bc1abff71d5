//! Compact storage for invoices.
//!
//! Invoices are the one kind kept whole (lines combine and later files
//! replace earlier copies, so nothing about an invoice is final until every
//! file is read), except those that stream (see `Streaming`). Years of exports hold millions of them, so each is packed
//! into 36 bytes: the amount as a 64-bit mantissa and a scale, dates as
//! `NaiveDate` (4 bytes), the id as an offset into one shared byte arena,
//! found again through a table of 4-byte entries. The rare values that do
//! not fit (a discount, a paid amount or balance, an amount beyond 64 bits,
//! a line number beyond 32 bits) live in a side map. Amounts stay in the
//! currency they were written in; the exchange rate is applied when an
//! invoice is read back, so conversion is exact and costs no memory.

mod packed;

use chrono::NaiveDate;
use hashbrown::HashTable;
use packed::*;
use rust_decimal::Decimal;
use std::hash::BuildHasher;

use crate::model::ClientId;
use crate::model::InvoiceStatus;
use crate::model::{Invoice, Origin};

/// How many input files the 15 bits of `Packed::file` can name.
pub(crate) const MAX_FILES: usize = 1 << 15;
/// How many currencies a run can hold (`NO_CURRENCY` is taken).
pub(crate) const MAX_CURRENCIES: usize = u8::MAX as usize;

/// Every invoice read, packed; with the ids and currencies they name.
#[derive(Default)]
pub struct InvoiceStore {
    records: Vec<Packed>,
    extras: hashbrown::HashMap<u32, Extras>,
    /// Ids, each as a LEB128 length and its bytes.
    ids: Vec<u8>,
    /// Invoice indexes, hashed by their id.
    by_id: HashTable<u32>,
    hasher: hashbrown::DefaultHashBuilder,
    /// Currency codes in the order first seen.
    pub(crate) currencies: Vec<String>,
    /// Per currency: the rate to the base currency, once settled.
    rates: Vec<Decimal>,
    /// Whether any invoice stored had a value over `LARGE` (lines combined
    /// from millions of rows): only then can `first_out_of_range` find one.
    large: bool,
    /// Per currency: the row it was first seen on.
    first_seen: Vec<Origin>,
    /// Which invoices go to the sink instead of being stored.
    streaming: Streaming,
    /// The first streamed invoice whose converted amounts leave the range.
    streamed_out_of_range: Option<Origin>,
    /// The first problem found with a line while every invoice streams:
    /// it stands only if no id repeats (else the line was part of an
    /// invoice, which the second reading judges whole).
    deferred: Option<crate::error::InputError>,
}

/// An exchange rate other than 1 for streamed invoices, judged once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StreamRate {
    pub(crate) rate: Decimal,
    /// Over `LARGE_RATE`: products may leave the range.
    pub(crate) large: bool,
}

impl StreamRate {
    /// `None` for a rate equal to 1 (whatever its scale): no conversion,
    /// as `get` does not convert at such a rate either.
    pub(crate) fn new(rate: Decimal) -> Option<StreamRate> {
        (rate != Decimal::ONE).then(|| StreamRate {
            rate,
            large: rate.abs() > LARGE_RATE,
        })
    }
}

/// Whether invoices are folded into the sink as they are read.
///
/// An invoice whose id no other row carries is final when read: nothing
/// can combine with it or replace it, so it need not be kept. Whether an id
/// repeats is known only at the end, so the first pass streams every
/// invoice and keeps a hash of each id; if two hashes are equal the
/// invoice files are read again with those hashes, and the rows that carry
/// them are stored and combined as usual while the rest stream. A hash
/// collision costs that second pass, never a wrong figure: rows are only
/// combined when their ids are equal.
#[derive(Default)]
enum Streaming {
    /// Every invoice is stored (receivables, explain and check need them).
    #[default]
    Off,
    /// Every invoice streams; the hashes of their ids are kept.
    Collect(super::repeats::SeenIds),
    /// Invoices with these id hashes are stored; the rest stream.
    Repeated(hashbrown::HashSet<u64>),
}

/// Values up to this (10^19), times rates up to `LARGE_RATE` (10^9), stay
/// far inside `Decimal`'s range (7.9 × 10^28), and so do their differences.
/// Single cells are at most 10^15 (`MAX_AMOUNT`).
const LARGE: Decimal = Decimal::from_parts(0x89E8_0000, 0x8AC7_2304, 0, false, 0);
const LARGE_RATE: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);

impl std::fmt::Debug for InvoiceStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InvoiceStore")
            .field("invoices", &self.records.len())
            .field("currencies", &self.currencies)
            .finish_non_exhaustive()
    }
}

/// Why an invoice could not be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TooMany {
    Files,
    Currencies,
    Ids,
}

impl std::fmt::Display for TooMany {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TooMany::Files => "more than 32,767 input files in one run",
            TooMany::Currencies => "more than 254 currencies in one run",
            TooMany::Ids => "more than 4 GiB of invoice ids in one run",
        })
    }
}

impl InvoiceStore {
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Stream invoices whose ids no other row carries (see `Streaming`).
    /// The ids are kept as `repeats::SeenIds`.
    pub(crate) fn stream(&mut self) {
        self.streaming =
            Streaming::Collect(super::repeats::SeenIds::new(self.hasher.clone(), false));
    }

    /// `stream`, hashing ids with `hasher`: stores that read chunks of
    /// the same files must hash alike for `absorb` to find repeats.
    pub(crate) fn stream_with(&mut self, hasher: hashbrown::DefaultHashBuilder) {
        self.hasher = hasher;
        self.stream();
    }

    /// Take in what the store of the next part of the reading found, as
    /// if this one had read on: `false` when both hold invoices, which
    /// only one reader in order can combine (the caller then reads on
    /// one thread). Stores that stream every invoice combine: their
    /// currencies in the order first seen, the first problem of each kind,
    /// the id hashes.
    pub(crate) fn absorb(&mut self, later: InvoiceStore) -> bool {
        let empty = |store: &InvoiceStore| {
            store.records.is_empty()
                && store.currencies.is_empty()
                && matches!(store.streaming, Streaming::Off)
                && store.deferred.is_none()
                && store.streamed_out_of_range.is_none()
        };
        if empty(&later) {
            return true;
        }
        if empty(self) {
            *self = later;
            return true;
        }
        if !self.records.is_empty() || !later.records.is_empty() {
            return false;
        }
        match (&mut self.streaming, later.streaming) {
            (Streaming::Collect(hashes), Streaming::Collect(more)) => hashes.absorb(more),
            (_, Streaming::Off) => {}
            _ => return false,
        }
        for (code, origin) in later.currencies.into_iter().zip(later.first_seen) {
            if self.currencies.contains(&code) {
                continue;
            }
            if self.currencies.len() >= MAX_CURRENCIES {
                return false;
            }
            self.currencies.push(code);
            self.rates.push(Decimal::ONE);
            self.first_seen.push(origin);
        }
        self.large |= later.large;
        self.streamed_out_of_range = self.streamed_out_of_range.or(later.streamed_out_of_range);
        if self.deferred.is_none() {
            self.deferred = later.deferred;
        }
        true
    }

    /// Give every stored invoice's client its id in `ids` (client `i` is
    /// `ids[i]`), once the reading's ids are settled.
    pub(crate) fn map_clients(&mut self, ids: &[ClientId]) {
        for packed in &mut self.records {
            if let Some(id) = ids.get(packed.client as usize) {
                packed.client = id.0;
            }
        }
    }

    /// Whether every invoice streams, to find which ids repeat.
    pub(crate) fn is_collecting(&self) -> bool {
        matches!(self.streaming, Streaming::Collect(_))
    }

    /// Keep the first problem found while collecting (see `deferred`).
    pub(crate) fn defer(&mut self, error: crate::error::InputError) {
        self.deferred.get_or_insert(error);
    }

    /// The problem kept while collecting, once no id turned out to repeat.
    pub(crate) fn take_deferred(&mut self) -> Option<crate::error::InputError> {
        self.deferred.take()
    }

    /// Whether some invoices go to the sink rather than into the store.
    pub(crate) fn is_streaming(&self) -> bool {
        !matches!(self.streaming, Streaming::Off)
    }

    /// Whether the invoice with this id (empty: none) goes to the sink
    /// rather than into the store.
    pub(crate) fn streams(&mut self, id: &str) -> bool {
        match &mut self.streaming {
            Streaming::Off => false,
            Streaming::Collect(ids) => {
                if !id.is_empty() {
                    ids.push(0, id.as_bytes());
                }
                true
            }
            Streaming::Repeated(repeated) => {
                id.is_empty() || !repeated.contains(&self.hasher.hash_one(id.as_bytes()))
            }
        }
    }

    /// After a streaming pass: the id hashes that more than one row carried,
    /// or `None` when every id was seen once, so that streaming was exact.
    pub(crate) fn repeated_ids(&mut self) -> Option<hashbrown::HashSet<u64>> {
        let Streaming::Collect(hashes) = &mut self.streaming else {
            return None;
        };
        let repeated = std::mem::take(hashes).repeated();
        (!repeated.is_empty()).then_some(repeated)
    }

    /// An empty store for the second pass: ids with these hashes are
    /// stored, the rest stream. Same hasher, so the hashes still match.
    pub(crate) fn restart(&self, repeated: hashbrown::HashSet<u64>) -> InvoiceStore {
        InvoiceStore {
            hasher: self.hasher.clone(),
            streaming: Streaming::Repeated(repeated),
            ..InvoiceStore::default()
        }
    }

    /// An invoice that streams, in the base currency at `rate` (`None`: a
    /// rate of 1, nothing to convert); notes it when its amounts leave the
    /// range (see `first_out_of_range`).
    pub(crate) fn convert_streamed(
        &mut self,
        invoice: &Invoice,
        rate: Option<&StreamRate>,
    ) -> Invoice {
        // The scale only divides: a mantissa within the limit is within it.
        let large = [invoice.amount, invoice.discount]
            .into_iter()
            .chain(invoice.paid_amount)
            .chain(invoice.balance)
            .any(|value| {
                value.mantissa().unsigned_abs() > 10_000_000_000_000_000_000 && value.abs() > LARGE
            });
        if (large || rate.is_some_and(|r| r.large))
            && !fits(invoice, rate.map_or(Decimal::ONE, |r| r.rate))
            && self.streamed_out_of_range.is_none()
        {
            self.streamed_out_of_range = Some(invoice.origin);
        }
        let mut converted = invoice.clone();
        if let Some(&StreamRate { rate, .. }) = rate {
            // Saturates only for an invoice just noted as out of range,
            // which stops the run before any figure is shown.
            converted.amount = invoice.amount.saturating_mul(rate);
            converted.discount = invoice.discount.saturating_mul(rate);
            converted.paid_amount = invoice.paid_amount.map(|v| v.saturating_mul(rate));
            converted.balance = invoice.balance.map(|v| v.saturating_mul(rate));
        }
        converted
    }

    /// The index of a currency code, adding it when new; `origin` is the
    /// row it is on.
    pub(crate) fn currency_index(&mut self, code: &str, origin: Origin) -> Result<u8, TooMany> {
        if let Some(index) = self.currencies.iter().position(|c| c == code) {
            return u8::try_from(index).map_err(|_| TooMany::Currencies);
        }
        if self.currencies.len() >= MAX_CURRENCIES {
            return Err(TooMany::Currencies);
        }
        let index = u8::try_from(self.currencies.len()).map_err(|_| TooMany::Currencies)?;
        self.currencies.push(code.to_string());
        self.rates.push(Decimal::ONE);
        self.first_seen.push(origin);
        Ok(index)
    }

    /// Convert amounts in `currencies[index]` at `rate` when read back.
    pub(crate) fn set_rate(&mut self, index: usize, rate: Decimal) {
        if let Some(slot) = self.rates.get_mut(index) {
            *slot = rate;
        }
    }

    /// The currency an invoice was written in (`None`: not named).
    pub(crate) fn currency_of(&self, index: usize) -> Option<usize> {
        let packed = self.records.get(index)?;
        (packed.currency != NO_CURRENCY).then_some(usize::from(packed.currency))
    }

    /// The row `currencies[currency]` was first seen on.
    pub(crate) fn first_in_currency(&self, currency: usize) -> Option<Origin> {
        self.first_seen.get(currency).copied()
    }

    /// Make room for about `additional` more invoices, so that the id
    /// table is not rebuilt again and again as a large file is read.
    pub(crate) fn reserve(&mut self, additional: usize) {
        self.records.reserve(additional);
        let (ids, records, hasher) = (&self.ids, &self.records, &self.hasher);
        self.by_id.reserve(additional, |index| {
            let offset = records.get(*index as usize).map_or(NO_ID, |p| p.id);
            hasher.hash_one(id_bytes_in(ids, offset).unwrap_or_default())
        });
    }

    /// The invoice with this id, if one was stored.
    pub(crate) fn find(&self, id: &str) -> Option<usize> {
        let hash = self.hasher.hash_one(id.as_bytes());
        self.by_id
            .find(hash, |index| {
                self.records
                    .get(*index as usize)
                    .and_then(|p| id_bytes_in(&self.ids, p.id))
                    == Some(id.as_bytes())
            })
            .map(|index| *index as usize)
    }

    /// Store a new invoice, and its id.
    pub(crate) fn push(
        &mut self,
        invoice: &Invoice,
        id: Option<&str>,
        currency: Option<u8>,
    ) -> Result<usize, TooMany> {
        let index = self.records.len();
        let index_u32 = u32::try_from(index).map_err(|_| TooMany::Ids)?;
        let id_offset = match id {
            Some(id) => {
                let offset = u32::try_from(self.ids.len())
                    .ok()
                    .filter(|offset| *offset != NO_ID)
                    .ok_or(TooMany::Ids)?;
                write_length(&mut self.ids, id.len());
                self.ids.extend_from_slice(id.as_bytes());
                offset
            }
            None => NO_ID,
        };
        let packed = self.pack(index_u32, invoice, id_offset, currency)?;
        self.records.push(packed);
        if let Some(id) = id {
            let hash = self.hasher.hash_one(id.as_bytes());
            let (ids, records, hasher) = (&self.ids, &self.records, &self.hasher);
            self.by_id.insert_unique(hash, index_u32, |other| {
                let offset = records.get(*other as usize).map_or(NO_ID, |p| p.id);
                hasher.hash_one(id_bytes_in(ids, offset).unwrap_or_default())
            });
        }
        Ok(index)
    }

    /// Overwrite a stored invoice (a later copy, or its lines combined),
    /// keeping its id.
    pub(crate) fn set(
        &mut self,
        index: usize,
        invoice: &Invoice,
        currency: Option<u8>,
    ) -> Result<(), TooMany> {
        let Some(id_offset) = self.records.get(index).map(|p| p.id) else {
            return Ok(());
        };
        let index_u32 = u32::try_from(index).map_err(|_| TooMany::Ids)?;
        let packed = self.pack(index_u32, invoice, id_offset, currency)?;
        if let Some(slot) = self.records.get_mut(index) {
            *slot = packed;
        }
        Ok(())
    }

    fn pack(
        &mut self,
        index: u32,
        invoice: &Invoice,
        id: u32,
        currency: Option<u8>,
    ) -> Result<Packed, TooMany> {
        let file = u16::try_from(invoice.origin.file)
            .ok()
            .filter(|file| usize::from(*file) < MAX_FILES)
            .ok_or(TooMany::Files)?;
        self.large |= [invoice.amount, invoice.discount]
            .into_iter()
            .chain(invoice.paid_amount)
            .chain(invoice.balance)
            .any(|value| value.abs() > LARGE);
        let mut extras = Extras {
            discount: invoice.discount,
            paid_amount: invoice.paid_amount,
            balance: invoice.balance,
            ..Extras::default()
        };
        let mantissa = i64::try_from(invoice.amount.mantissa()).ok();
        let scale = u8::try_from(invoice.amount.scale()).unwrap_or(0);
        let (amount_low, amount_high) = match mantissa {
            // Low 32 bits and high 32 bits of the mantissa.
            Some(mantissa) => ((mantissa & 0xFFFF_FFFF) as u32, (mantissa >> 32) as i32),
            None => {
                extras.amount = Some(invoice.amount);
                (0, 0)
            }
        };
        let line = match u32::try_from(invoice.origin.line) {
            Ok(line) => line,
            Err(_) => {
                extras.line = Some(invoice.origin.line);
                0
            }
        };
        let has_extras = extras != Extras::default();
        if has_extras {
            self.extras.insert(index, extras);
        } else {
            self.extras.remove(&index);
        }
        Ok(Packed {
            client: invoice.client.0,
            issued: invoice.issued,
            due: invoice.due,
            paid: invoice.paid,
            amount_low,
            amount_high,
            line,
            id,
            file: file | if has_extras { HAS_EXTRAS } else { 0 },
            status_scale: status_code(invoice.status) | (scale << 3),
            currency: currency.unwrap_or(NO_CURRENCY),
        })
    }

    /// The invoice at `index`, amounts in the base currency.
    #[cfg(test)]
    pub(crate) fn get(&self, index: usize) -> Option<Invoice> {
        let packed = self.records.get(index)?;
        Some(self.unpack(index, packed, true))
    }

    /// The invoice at `index`, amounts as written (for combining lines).
    pub(crate) fn get_as_written(&self, index: usize) -> Option<Invoice> {
        let packed = self.records.get(index)?;
        Some(self.unpack(index, packed, false))
    }

    fn unpack(&self, index: usize, packed: &Packed, convert: bool) -> Invoice {
        let mantissa = (i64::from(packed.amount_high) << 32) | i64::from(packed.amount_low);
        let mut invoice = Invoice {
            client: ClientId(packed.client),
            index: index as u32,
            issued: packed.issued,
            due: packed.due,
            paid: packed.paid,
            // The scale came from a Decimal, so it is at most 28.
            amount: Decimal::try_new(mantissa, u32::from(packed.status_scale >> 3))
                .unwrap_or_default(),
            paid_amount: None,
            balance: None,
            status: status_of(packed.status_scale),
            discount: Decimal::ZERO,
            origin: Origin {
                file: u32::from(packed.file & !HAS_EXTRAS),
                line: u64::from(packed.line),
            },
        };
        if packed.file & HAS_EXTRAS != 0
            && let Some(extras) = self.extras.get(&(index as u32))
        {
            if let Some(amount) = extras.amount {
                invoice.amount = amount;
            }
            invoice.discount = extras.discount;
            invoice.paid_amount = extras.paid_amount;
            invoice.balance = extras.balance;
            if let Some(line) = extras.line {
                invoice.origin.line = line;
            }
        }
        if convert && packed.currency != NO_CURRENCY {
            let rate = self
                .rates
                .get(usize::from(packed.currency))
                .copied()
                .unwrap_or(Decimal::ONE);
            if rate != Decimal::ONE {
                // Rates are checked against the amount range when loaded,
                // so the products stay far inside Decimal's range; ingest
                // rejects the invoices for which they would not
                // (`first_out_of_range`), so nothing saturates.
                invoice.amount = invoice.amount.saturating_mul(rate);
                invoice.discount = invoice.discount.saturating_mul(rate);
                invoice.paid_amount = invoice.paid_amount.map(|v| v.saturating_mul(rate));
                invoice.balance = invoice.balance.map(|v| v.saturating_mul(rate));
            }
        }
        invoice
    }

    /// Where the first invoice is whose amounts leave `Decimal`'s range
    /// when converted at the rates set, or whose amount less its paid amount
    /// or balance does, as `Invoice::paid_by` and `owed_at` compute them.
    /// Only lines combined from millions of rows come near that range.
    pub(crate) fn first_out_of_range(&self) -> Option<Origin> {
        let stored = self.first_stored_out_of_range();
        match (stored, self.streamed_out_of_range) {
            (Some(a), Some(b)) => Some(if (b.file, b.line) < (a.file, a.line) {
                b
            } else {
                a
            }),
            (a, b) => a.or(b),
        }
    }

    fn first_stored_out_of_range(&self) -> Option<Origin> {
        if !self.large && self.rates.iter().all(|rate| rate.abs() <= LARGE_RATE) {
            return None;
        }
        self.records.iter().enumerate().find_map(|(index, packed)| {
            let rate = match packed.currency {
                NO_CURRENCY => Decimal::ONE,
                currency => self
                    .rates
                    .get(usize::from(currency))
                    .copied()
                    .unwrap_or(Decimal::ONE),
            };
            let invoice = self.unpack(index, packed, false);
            (!fits(&invoice, rate)).then_some(invoice.origin)
        })
    }

    /// Every invoice, amounts in the base currency.
    pub(crate) fn iter(&self) -> impl Iterator<Item = Invoice> + '_ {
        self.records
            .iter()
            .enumerate()
            .map(|(index, packed)| self.unpack(index, packed, true))
    }

    /// An invoice's id, if its export gave one.
    pub(crate) fn id(&self, invoice: &Invoice) -> Option<&str> {
        let packed = self.records.get(invoice.index as usize)?;
        id_in(&self.ids, packed.id)
    }
}

/// Whether an invoice (amounts as written) converts at `rate` without
/// saturating, and `Invoice::paid_by` and `owed_at` then compute without
/// overflowing.
fn fits(invoice: &Invoice, rate: Decimal) -> bool {
    let convert = |value: Decimal| {
        if rate == Decimal::ONE {
            Some(value)
        } else {
            value.checked_mul(rate)
        }
    };
    let convert_option = |value: Option<Decimal>| match value {
        Some(value) => convert(value).map(Some),
        None => Some(None),
    };
    let (Some(amount), Some(_), Some(paid_amount), Some(balance)) = (
        convert(invoice.amount),
        convert(invoice.discount),
        convert_option(invoice.paid_amount),
        convert_option(invoice.balance),
    ) else {
        return false;
    };
    // With a paid date, what was paid is the amount or nothing.
    match (invoice.paid, paid_amount, balance) {
        (Some(_), _, _) | (None, None, None) => true,
        (None, Some(paid_amount), _) => amount.checked_sub(paid_amount).is_some(),
        (None, None, Some(balance)) => amount.checked_sub(balance).is_some(),
    }
}

#[cfg(test)]
mod tests;
