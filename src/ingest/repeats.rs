//! Which invoice or ticket ids occur more than once (see
//! `store::Streaming` and `tickets::Repeats`).
//!
//! Most exports number their records: `48213`, `T-0000412`, `INV-2024-007`.
//! Such an id is a text before a run of digits and a number; the numbers of
//! each text and digit count are kept as a bitmap (`roaring`), a bit or two
//! per id where a hash takes 64. Other ids are kept as hashes.
//!
//! With millions of hashes, sorting them all to find the equal neighbours
//! took a tenth of a second at the end of reading. The hashes are instead
//! kept in 256 buckets by their top byte, and each bucket is then checked
//! on its own with a small table that fits in the cache.

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
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn repeated_of(hashes: &[u64]) -> Vec<u64> {
        let mut ids = IdHashes::default();
        for hash in hashes {
            ids.push(*hash);
        }
        let mut repeated: Vec<u64> = ids.repeated().into_iter().collect();
        repeated.sort_unstable();
        repeated
    }

    #[test]
    fn nothing_added_nothing_repeated() {
        assert!(repeated_of(&[]).is_empty());
    }

    #[test]
    fn finds_repeats_in_each_bucket_and_the_free_value() {
        let top = |byte: u64, low: u64| (byte << 56) | low;
        let hashes = [
            top(0, 5),
            top(255, 5),
            top(0, 5), // repeated in the first bucket
            top(255, 6),
            top(255, 5), // and in the last, with the same low bits
            0,
            7,
            0, // 0 is the free slot's value, and still found
            top(1, 5),
        ];
        assert_eq!(repeated_of(&hashes), vec![0, top(0, 5), top(255, 5)]);
    }

    #[test]
    fn repeats_across_batches() {
        // The first hash in the first batch, its repeat in the third.
        let mut hashes: Vec<u64> = (1..=2 * BATCH as u64 + 5).collect();
        hashes.push(1);
        assert_eq!(repeated_of(&hashes), vec![1]);
    }

    #[test]
    fn colliding_low_bits_probe_on() {
        // Same bucket, same slot for a table of 16 slots: each probes past
        // the ones before; the third repeats the first.
        let hashes = [16, 32, 16, 48, 32 + 1];
        assert_eq!(repeated_of(&hashes), vec![16]);
    }

    #[test]
    fn repeats_across_hashes_taken_in_from_other_readers() {
        // Three readers: a repeat within the second, one between the first
        // and the third, and a hash each of them has once (7 three times).
        let reader = |hashes: &[u64]| {
            let mut ids = IdHashes::default();
            for hash in hashes {
                ids.push(*hash);
            }
            ids
        };
        let mut all = reader(&[1, 7, 9 << 56]);
        all.absorb(reader(&[2, 2, 7]));
        let mut third = reader(&[9 << 56, 7]);
        third.absorb(IdHashes::default());
        all.absorb(third);
        let mut repeated: Vec<u64> = all.repeated().into_iter().collect();
        repeated.sort_unstable();
        assert_eq!(repeated, vec![2, 7, 9 << 56]);
    }

    #[test]
    fn numbered_ids_are_a_text_a_digit_count_and_a_number() {
        assert_eq!(numbered(b"T-0042"), Some((&b"T-"[..], 4, 42)));
        assert_eq!(numbered(b"48213"), Some((&b""[..], 5, 48213)));
        assert_eq!(numbered(b"INV-2024-007"), Some((&b"INV-2024-"[..], 3, 7)));
        assert_eq!(numbered(b"4294967295"), Some((&b""[..], 10, u32::MAX)));
        // Past u32, past ten digits, no digits, or a long text: hashed.
        assert_eq!(numbered(b"4294967296"), None);
        assert_eq!(numbered(b"00000000001"), None);
        assert_eq!(numbered(b"T-"), None);
        assert_eq!(numbered(b""), None);
        let long = [b"x".repeat(MAX_PREFIX + 1), b"1".to_vec()].concat();
        assert_eq!(numbered(&long), None);
        // Spelled back exactly, leading zeros and all.
        for id in [&b"T-0042"[..], b"48213", b"INV-2024-007", b"0", b"0000"] {
            let (prefix, digits, number) = numbered(id).unwrap();
            let shape = Shape {
                file: 0,
                prefix: prefix.into(),
                digits,
                numbers: RoaringBitmap::new(),
            };
            let mut spelled = Vec::new();
            spell(&shape, number, &mut spelled);
            assert_eq!(spelled, id);
        }
    }

    fn seen(by_file: bool, ids: &[(u32, &str)]) -> SeenIds {
        let mut seen = SeenIds::new(hashbrown::DefaultHashBuilder::default(), by_file);
        for (file, id) in ids {
            seen.push(*file, id.as_bytes());
        }
        seen
    }

    fn sorted(seen: SeenIds) -> Vec<u64> {
        let mut hashes: Vec<u64> = seen.repeated().into_iter().collect();
        hashes.sort_unstable();
        hashes
    }

    #[test]
    fn repeats_are_reported_as_the_hashes_of_their_ids() {
        let ids = [
            (0, "T-0042"),
            (0, "T-42"), // another id: other digit count
            (0, "T-0042"),
            (0, "abc"),
            (0, "abc"),
            (1, "T-0042"), // another file: a repeat only for invoices
            (0, "7"),
        ];
        let tickets = seen(true, &ids);
        let mut expected = vec![tickets.hash(0, b"T-0042"), tickets.hash(0, b"abc")];
        expected.sort_unstable();
        assert_eq!(sorted(tickets), expected);
        let invoices = seen(false, &ids);
        let mut expected = vec![invoices.hash(0, b"T-0042"), invoices.hash(0, b"abc")];
        expected.sort_unstable();
        assert_eq!(sorted(invoices), expected);
    }

    #[test]
    fn many_shapes_fall_back_to_hashes_without_losing_a_repeat() {
        // 100 texts before the number, more than MAX_SHAPES: the first
        // and the last id repeat, before and after the fall-back.
        let ids: Vec<String> = (0..100).map(|n| format!("P{n}x-1")).collect();
        let mut all: Vec<(u32, &str)> = ids.iter().map(|id| (0, id.as_str())).collect();
        all.push((0, "P0x-1"));
        all.push((0, "P99x-1"));
        let seen = seen(false, &all);
        assert!(seen.hashing_all);
        let mut expected = vec![seen.hash(0, b"P0x-1"), seen.hash(0, b"P99x-1")];
        expected.sort_unstable();
        assert_eq!(sorted(seen), expected);
    }

    #[test]
    fn readers_with_bitmaps_and_with_hashes_combine() {
        // The first reader keeps bitmaps, the second fell back to hashes;
        // "T-1" is in both, "T-2" twice in the second.
        let first = seen(false, &[(0, "T-1"), (0, "T-3")]);
        let many: Vec<String> = (0..70).map(|n| format!("Q{n}-1")).collect();
        let mut ids: Vec<(u32, &str)> = many.iter().map(|id| (0, id.as_str())).collect();
        ids.extend([(0, "T-1"), (0, "T-2"), (0, "T-2")]);
        let hasher = first.hasher.clone();
        let mut second = SeenIds::new(hasher, false);
        for (file, id) in &ids {
            second.push(*file, id.as_bytes());
        }
        assert!(second.hashing_all && !first.hashing_all);
        let mut all = first;
        all.absorb(second);
        let mut expected = vec![all.hash(0, b"T-1"), all.hash(0, b"T-2")];
        expected.sort_unstable();
        assert_eq!(sorted(all), expected);
    }

    #[test]
    fn scattered_numbers_fall_back_to_hashes() {
        // One number in every 65,536: a bitmap container each, larger
        // than their hashes once there are enough of them.
        let mut seen = SeenIds::new(hashbrown::DefaultHashBuilder::default(), false);
        let ids: Vec<String> = (0..SIZE_CHECK_EVERY)
            .map(|n| (n << 16).to_string())
            .collect();
        for id in &ids {
            seen.push(0, id.as_bytes());
        }
        assert!(seen.hashing_all);
        seen.push(0, b"0");
        let expected = vec![seen.hash(0, b"0")];
        assert_eq!(sorted(seen), expected);
    }

    proptest! {
        #[test]
        fn same_as_counting(hashes in proptest::collection::vec(
            // Few distinct values, across a few buckets, so that repeats
            // are common.
            (0u64..4, 0u64..64).prop_map(|(top, low)| (top << 56) | low),
            0..400,
        )) {
            let mut counts = std::collections::BTreeMap::new();
            for hash in &hashes {
                *counts.entry(*hash).or_insert(0) += 1;
            }
            let expected: Vec<u64> = counts
                .into_iter()
                .filter(|(_, count)| *count > 1)
                .map(|(hash, _)| hash)
                .collect();
            prop_assert_eq!(repeated_of(&hashes), expected.clone());
            // Read in three parts by three readers, taken in one by one.
            let (a, rest) = hashes.split_at(hashes.len() / 3);
            let (b, c) = rest.split_at(rest.len() / 2);
            let mut parts = [a, b, c].map(|part| {
                let mut ids = IdHashes::default();
                for hash in part {
                    ids.push(*hash);
                }
                ids
            });
            let mut all = std::mem::take(&mut parts[0]);
            all.absorb(std::mem::take(&mut parts[1]));
            all.absorb(std::mem::take(&mut parts[2]));
            let mut repeated: Vec<u64> = all.repeated().into_iter().collect();
            repeated.sort_unstable();
            prop_assert_eq!(repeated, expected);
        }

        #[test]
        fn seen_ids_same_as_counting(
            ids in proptest::collection::vec(
                // A few texts and digit counts, small numbers, a file of
                // two: repeats, near misses (`T-01`/`T-1`) and other files.
                (0u32..2, 0usize..5, 0u32..30, 1usize..4),
                0..300,
            ),
            by_file in any::<bool>(),
            cuts in (0usize..300, 0usize..300),
        ) {
            let prefixes = ["", "T-", "INV-", "x", "a b"];
            let ids: Vec<(u32, String)> = ids
                .into_iter()
                .map(|(file, prefix, number, width)| {
                    let prefix = prefixes.get(prefix).copied().unwrap_or_default();
                    // Prefix 4: no digits at all, hashed.
                    let id = if prefix == "a b" {
                        format!("a b{}", "z".repeat(number as usize % 3))
                    } else {
                        format!("{prefix}{number:0width$}")
                    };
                    (file, id)
                })
                .collect();
            let hasher = hashbrown::DefaultHashBuilder::default();
            let key = |file: u32| if by_file { file } else { 0 };
            let mut counts = std::collections::HashMap::new();
            for (file, id) in &ids {
                *counts.entry((key(*file), id.clone())).or_insert(0) += 1;
            }
            let probe = SeenIds::new(hasher.clone(), by_file);
            let mut expected: Vec<u64> = counts
                .into_iter()
                .filter(|(_, count)| *count > 1)
                .map(|((file, id), _)| probe.hash(file, id.as_bytes()))
                .collect();
            expected.sort_unstable();
            // Read whole, and in three parts by three readers.
            let read = |part: &[(u32, String)]| {
                let mut seen = SeenIds::new(hasher.clone(), by_file);
                for (file, id) in part {
                    seen.push(*file, id.as_bytes());
                }
                seen
            };
            prop_assert_eq!(sorted(read(&ids)), expected.clone());
            let (low, high) = (cuts.0.min(cuts.1).min(ids.len()), cuts.0.max(cuts.1).min(ids.len()));
            let mut all = read(&ids[..low]);
            all.absorb(read(&ids[low..high]));
            all.absorb(read(&ids[high..]));
            prop_assert_eq!(sorted(all), expected);
        }
    }
}
