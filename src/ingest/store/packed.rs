//! How one stored invoice is packed: 48 bytes with the common amounts, its
//! rarer parts (`Extras`) apart, ids in one byte buffer.

use super::*;

/// "No id" in `Packed::id`.
pub(super) const NO_ID: u32 = u32::MAX;

/// "Base currency" (no currency named) in `Packed::currency`.
pub(super) const NO_CURRENCY: u8 = u8::MAX;

/// Set in `Packed::file` when the invoice has an entry in `extras`.
pub(super) const HAS_EXTRAS: u16 = 1 << 15;

#[derive(Debug, Clone, Copy)]
pub(super) struct Packed {
    pub(super) client: u32,
    pub(super) issued: NaiveDate,
    pub(super) due: NaiveDate,
    pub(super) paid: Option<NaiveDate>,
    /// The amount's mantissa, split to keep the record 4-byte aligned.
    pub(super) amount_low: u32,
    pub(super) amount_high: i32,
    pub(super) line: u32,
    /// Offset of the id in `InvoiceStore::ids`, or `NO_ID`.
    pub(super) id: u32,
    /// Input file index, with `HAS_EXTRAS` in the top bit.
    pub(super) file: u16,
    /// Status in the low 3 bits, the amount's scale (0..=28) above them.
    pub(super) status_scale: u8,
    pub(super) currency: u8,
}

/// What does not fit in a `Packed`: rare in the exports seen so far.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Extras {
    /// The whole amount, when its mantissa does not fit 64 bits.
    pub(super) amount: Option<Decimal>,
    pub(super) discount: Decimal,
    pub(super) paid_amount: Option<Decimal>,
    pub(super) balance: Option<Decimal>,
    /// The whole line number, when it does not fit 32 bits.
    pub(super) line: Option<u64>,
}

pub(super) fn status_code(status: InvoiceStatus) -> u8 {
    match status {
        InvoiceStatus::Unstated => 0,
        InvoiceStatus::Paid => 1,
        InvoiceStatus::Open => 2,
        InvoiceStatus::Excluded => 3,
        InvoiceStatus::BadDebt => 4,
        InvoiceStatus::PaymentUnknown => 5,
    }
}

pub(super) fn status_of(code: u8) -> InvoiceStatus {
    match code & 0b111 {
        1 => InvoiceStatus::Paid,
        2 => InvoiceStatus::Open,
        3 => InvoiceStatus::Excluded,
        4 => InvoiceStatus::BadDebt,
        5 => InvoiceStatus::PaymentUnknown,
        _ => InvoiceStatus::Unstated,
    }
}

/// LEB128: ids are short, so most lengths take one byte.
pub(super) fn write_length(out: &mut Vec<u8>, mut length: usize) {
    loop {
        let byte = (length & 0x7F) as u8;
        length >>= 7;
        if length == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

pub(super) fn id_in(ids: &[u8], offset: u32) -> Option<&str> {
    std::str::from_utf8(id_bytes_in(ids, offset)?).ok()
}

/// The bytes of an id: hashing and comparing them needs no UTF-8 check.
pub(super) fn id_bytes_in(ids: &[u8], offset: u32) -> Option<&[u8]> {
    if offset == NO_ID {
        return None;
    }
    let mut at = offset as usize;
    let mut length = 0usize;
    let mut shift = 0u32;
    loop {
        let byte = *ids.get(at)?;
        at = at.checked_add(1)?;
        length |= usize::from(byte & 0x7F).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            break;
        }
        shift = shift.checked_add(7)?;
    }
    ids.get(at..at.checked_add(length)?)
}
