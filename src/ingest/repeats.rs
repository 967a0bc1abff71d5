//! Which invoice or ticket ids occur more than once (see
//! `store::Streaming` and `tickets::Repeats`).
//!
//! Most exports number their records: `48213`, `T-0000412`, `INV-2024-007`.
//! Such an id is a text before a run of digits and a number; the numbers of
//! each text and digit count are kept as a bitmap (`roaring`), a bit or two
//! per id where a hash takes 64. Other ids are kept as hashes.
//!
//! Equal hashes are found without sorting millions of them out of the
//! cache: they are kept in 256 buckets by their top byte, and each bucket
//! is then checked on its own with a small table that fits in the cache.

use std::hash::BuildHasher;

use roaring::RoaringBitmap;

/// At most this many texts before the number are kept apart; an export
/// with more (an id of random letters and digits) is kept as hashes.
const MAX_SHAPES: usize = 64;
/// A longer text before the number is rarely a counter's prefix.
const MAX_PREFIX: usize = 32;
/// How often (ids added) the bitmaps' size is checked against the hashes
/// they stand for.
const SIZE_CHECK_EVERY: u32 = 1 << 16;

/// The ids seen: numbered ids in bitmaps, the rest as hashes.
///
/// Whichever way an id is kept, a repeat is reported as the id's hash, so
/// that a second pass can find the rows by hashing their ids alike.
pub struct SeenIds {
    hasher: hashbrown::DefaultHashBuilder,
    /// Tickets repeat within a file: their ids are hashed with the file.
    by_file: bool,
    hashes: IdHashes,
    shapes: Vec<Shape>,
    /// The shape the last numbered id had (ids come in runs).
    last_shape: usize,
    /// Hashes of numbered ids found more than once.
    found: Vec<u64>,
    /// Every id is kept as a hash: too many shapes, or bitmaps that grew
    /// larger than the hashes would be.
    hashing_all: bool,
    until_size_check: u32,
}

/// The numbers seen with one text before them and one count of digits
/// (`T-0042` and `T-42` are different ids).
struct Shape {
    file: u32,
    prefix: Box<[u8]>,
    digits: u8,
    numbers: RoaringBitmap,
}

impl Default for SeenIds {
    fn default() -> SeenIds {
        SeenIds::new(hashbrown::DefaultHashBuilder::default(), false)
    }
}

impl SeenIds {
    /// `by_file`: an id counts as repeated only within one file.
    pub fn new(hasher: hashbrown::DefaultHashBuilder, by_file: bool) -> SeenIds {
        SeenIds {
            hasher,
            by_file,
            hashes: IdHashes::default(),
            shapes: Vec::new(),
            last_shape: 0,
            found: Vec::new(),
            hashing_all: false,
            until_size_check: SIZE_CHECK_EVERY,
        }
    }

    /// The hash a repeat of this id is reported as.
    pub fn hash(&self, file: u32, id: &[u8]) -> u64 {
        if self.by_file {
            self.hasher.hash_one((file, id))
        } else {
            self.hasher.hash_one(id)
        }
    }

    pub fn push(&mut self, file: u32, id: &[u8]) {
        let file = if self.by_file { file } else { 0 };
        if !self.hashing_all
            && let Some((prefix, digits, number)) = numbered(id)
        {
            if let Some(index) = self.shape_of(file, prefix, digits) {
                let new = self
                    .shapes
                    .get_mut(index)
                    .is_none_or(|shape| shape.numbers.insert(number));
                if !new {
                    self.found.push(self.hash(file, id));
                }
                self.until_size_check = self.until_size_check.saturating_sub(1);
                if self.until_size_check == 0 {
                    self.until_size_check = SIZE_CHECK_EVERY;
                    if self.bitmaps_outgrew_hashes() {
                        self.hash_all();
                    }
                }
                return;
            }
            self.hash_all();
        }
        let hash = self.hash(file, id);
        self.hashes.push(hash);
    }

    /// The index of the shape, added if new; `None` when there are
    /// already too many.
    fn shape_of(&mut self, file: u32, prefix: &[u8], digits: u8) -> Option<usize> {
        let same = |shape: &Shape| {
            shape.file == file && shape.digits == digits && *shape.prefix == *prefix
        };
        if self.shapes.get(self.last_shape).is_some_and(same) {
            return Some(self.last_shape);
        }
        let index = match self.shapes.iter().position(same) {
            Some(index) => index,
            None if self.shapes.len() < MAX_SHAPES => {
                self.shapes.push(Shape {
                    file,
                    prefix: prefix.into(),
                    digits,
                    numbers: RoaringBitmap::new(),
                });
                self.shapes.len().saturating_sub(1)
            }
            None => return None,
        };
        self.last_shape = index;
        Some(index)
    }

    /// Numbers scattered far apart take more room in a bitmap than their
    /// hashes would: a container each (about 64 bytes with its
    /// allocation), where a hash takes 8.
    fn bitmaps_outgrew_hashes(&self) -> bool {
        let (bytes, ids) = self
            .shapes
            .iter()
            .fold((0u64, 0u64), |(bytes, ids), shape| {
                let stats = shape.numbers.statistics();
                let held = stats
                    .n_bytes_array_containers
                    .saturating_add(stats.n_bytes_run_containers)
                    .saturating_add(stats.n_bytes_bitset_containers)
                    .saturating_add(u64::from(stats.n_containers).saturating_mul(64));
                (
                    bytes.saturating_add(held),
                    ids.saturating_add(stats.cardinality),
                )
            });
        bytes > ids.saturating_mul(8).saturating_add(1 << 20)
    }

    /// Keep every id seen, and every one from now on, as a hash.
    fn hash_all(&mut self) {
        self.hashing_all = true;
        let mut id = Vec::new();
        for shape in std::mem::take(&mut self.shapes) {
            for number in &shape.numbers {
                spell(&shape, number, &mut id);
                let hash = self.hash(shape.file, &id);
                self.hashes.push(hash);
            }
        }
    }

    /// Add every id of `other` (read by another thread, of the same files
    /// and with the same hasher).
    pub fn absorb(&mut self, mut other: SeenIds) {
        if other.is_empty() {
            return;
        }
        if self.is_empty() {
            *self = other;
            return;
        }
        if other.hashing_all && !self.hashing_all {
            self.hash_all();
        }
        self.hashes.absorb(std::mem::take(&mut other.hashes));
        self.found.append(&mut other.found);
        let mut id = Vec::new();
        for shape in std::mem::take(&mut other.shapes) {
            let index = match self.hashing_all {
                true => None,
                false => self.shape_of(shape.file, &shape.prefix, shape.digits),
            };
            match index.filter(|index| *index < self.shapes.len()) {
                Some(index) => {
                    let both = self
                        .shapes
                        .get(index)
                        .filter(|mine| !mine.numbers.is_disjoint(&shape.numbers))
                        .map(|mine| &mine.numbers & &shape.numbers);
                    for number in both.iter().flatten() {
                        spell(&shape, number, &mut id);
                        self.found.push(self.hash(shape.file, &id));
                    }
                    if let Some(mine) = self.shapes.get_mut(index) {
                        mine.numbers |= shape.numbers;
                    }
                }
                None => {
                    if !self.hashing_all {
                        self.hash_all();
                    }
                    for number in &shape.numbers {
                        spell(&shape, number, &mut id);
                        let hash = self.hash(shape.file, &id);
                        self.hashes.push(hash);
                    }
                }
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.shapes.is_empty() && self.found.is_empty() && self.hashes.is_empty()
    }

    /// The hashes of the ids added more than once.
    pub fn repeated(self) -> hashbrown::HashSet<u64> {
        let mut repeated = self.hashes.repeated();
        repeated.extend(self.found);
        repeated
    }
}

/// An id as the text before its last run of digits, the count of those
/// digits and their number; `None` when it does not end in digits, or the
/// number or the text are too long to be kept so.
fn numbered(id: &[u8]) -> Option<(&[u8], u8, u32)> {
    let digits = id
        .iter()
        .rev()
        .take_while(|byte| byte.is_ascii_digit())
        .count();
    // 4,294,967,295 has ten digits.
    if digits == 0 || digits > 10 {
        return None;
    }
    let (prefix, number) = id.split_at(id.len().checked_sub(digits)?);
    if prefix.len() > MAX_PREFIX {
        return None;
    }
    let mut value: u32 = 0;
    for byte in number {
        value = value
            .checked_mul(10)?
            .checked_add(u32::from(byte.wrapping_sub(b'0')))?;
    }
    Some((prefix, u8::try_from(digits).ok()?, value))
}

/// The id `numbered` took apart, into `id`.
fn spell(shape: &Shape, number: u32, id: &mut Vec<u8>) {
    use std::io::Write;
    id.clear();
    id.extend_from_slice(&shape.prefix);
    let _ = write!(id, "{number:0width$}", width = usize::from(shape.digits));
}

/// Buckets by the top byte of a hash.
const BUCKETS: usize = 256;
/// A free slot of the table. A hash that is 0 is counted on its own.
const FREE: u64 = 0;

/// Hashes gathered before they are put in their buckets.
const BATCH: usize = 16 * 1024;

/// Id hashes, in buckets.
#[derive(Default)]
struct IdHashes {
    /// The latest hashes. Put in their buckets a batch at a time, in a
    /// loop of its own: a bucket for each hash as it was read cost more
    /// than the sort it saved (256 places to write to, between the
    /// parser's own reads).
    batch: Vec<u64>,
    /// Empty until the first batch; then `BUCKETS` buckets.
    buckets: Vec<Vec<u64>>,
    /// The buckets of other readers' hashes, taken in as they were (see
    /// `absorb`): judged together with these, never copied into them.
    others: Vec<Vec<Vec<u64>>>,
}

impl IdHashes {
    fn is_empty(&self) -> bool {
        self.batch.is_empty() && self.buckets.is_empty() && self.others.is_empty()
    }

    fn push(&mut self, hash: u64) {
        if self.batch.len() >= BATCH {
            self.bucket_batch();
        }
        self.batch.push(hash);
    }

    /// Add every hash of `other` (read by another thread). Its buckets are
    /// kept as they are, without the room they had to grow into.
    fn absorb(&mut self, mut other: IdHashes) {
        other.bucket_batch();
        for bucket in &mut other.buckets {
            bucket.shrink_to_fit();
        }
        if !other.buckets.is_empty() {
            self.others.push(other.buckets);
        }
        self.others.append(&mut other.others);
    }

    fn bucket_batch(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        if self.buckets.is_empty() {
            self.buckets = (0..BUCKETS).map(|_| Vec::new()).collect();
        }
        for hash in self.batch.drain(..) {
            if let Some(bucket) = self.buckets.get_mut((hash >> 56) as usize) {
                bucket.push(hash);
            }
        }
    }

    /// The hashes added more than once. Each bucket's memory is given
    /// back as soon as it is checked.
    fn repeated(mut self) -> hashbrown::HashSet<u64> {
        self.bucket_batch();
        let mut sources = self.others;
        if !self.buckets.is_empty() {
            sources.push(self.buckets);
        }
        let mut repeated = hashbrown::HashSet::new();
        let mut table: Vec<u64> = Vec::new();
        for index in 0..BUCKETS {
            let bucket: Vec<Vec<u64>> = sources
                .iter_mut()
                .filter_map(|buckets| buckets.get_mut(index).map(std::mem::take))
                .collect();
            let length = bucket.iter().map(Vec::len).sum::<usize>();
            // At most half full: a probe ends after a slot or two.
            let slots = length
                .saturating_mul(2)
                .checked_next_power_of_two()
                .unwrap_or(usize::MAX)
                .max(16);
            table.clear();
            table.resize(slots, FREE);
            let mask = slots.wrapping_sub(1);
            let mut free_seen = false;
            for hash in bucket.into_iter().flatten() {
                if hash == FREE {
                    if free_seen {
                        repeated.insert(hash);
                    }
                    free_seen = true;
                    continue;
                }
                // Within a bucket the top byte is the same: the low bits
                // place the hash.
                let mut at = hash as usize & mask;
                while let Some(slot) = table.get_mut(at) {
                    if *slot == FREE {
                        *slot = hash;
                        break;
                    }
                    if *slot == hash {
                        repeated.insert(hash);
                        break;
                    }
                    at = at.wrapping_add(1) & mask;
                }
            }
        }
        repeated
    }
}

#[cfg(test)]
mod tests;
