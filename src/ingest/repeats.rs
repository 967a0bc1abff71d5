//! Which invoice or ticket id hashes occur more than once (see
//! `store::Streaming` and `tickets::Repeats`).
//!
//! With millions of invoices, sorting every hash to find the equal
//! neighbours took a tenth of a second at the end of reading them (5
//! million hashes, 40 MB, sorted out of the cache). The hashes are instead
//! kept in 256 buckets by their top byte, and each bucket is then checked
//! on its own with a small table that fits in the cache.

/// Buckets by the top byte of a hash.
const BUCKETS: usize = 256;
/// A free slot of the table. A hash that is 0 is counted on its own.
const FREE: u64 = 0;

/// Hashes gathered before they are put in their buckets.
const BATCH: usize = 16 * 1024;

/// Id hashes, in buckets.
#[derive(Default)]
pub struct IdHashes {
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
    pub fn push(&mut self, hash: u64) {
        if self.batch.len() >= BATCH {
            self.bucket_batch();
        }
        self.batch.push(hash);
    }

    /// Add every hash of `other` (read by another thread). Its buckets are
    /// kept as they are, without the room they had to grow into.
    pub fn absorb(&mut self, mut other: IdHashes) {
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
    pub fn repeated(mut self) -> hashbrown::HashSet<u64> {
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
    }
}
