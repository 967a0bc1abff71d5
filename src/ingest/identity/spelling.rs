//! The table of spellings already met on a thread: a short spelling is
//! stored inline in its slot, so finding it touches one cache line.

use super::*;

/// Spellings up to this many bytes are stored inside the hash table.
pub(super) const INLINE_SPELLING: usize = 27;

/// A short spelling as stored and looked up: its bytes, zeros after them,
/// and its length in the last byte (so "a" and "a\0" differ). Fixed size,
/// so comparing two is a few word compares, not a call to `memcmp`.
pub(super) type SpellingKey = [u8; INLINE_SPELLING + 1];

/// A spelling stored inline: finding it touches one cache line, where a
/// `String` key would cost a second memory access on every row, a miss
/// whenever there are many clients.
/// Aligned to its 32 bytes, so that no slot straddles two cache lines.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(32))]
pub(super) struct InlineSpelling {
    pub(super) key: SpellingKey,
    pub(super) id: ClientId,
}

/// The length byte of an unused slot: real spellings here are at most
/// `INLINE_SPELLING` bytes long.
pub(super) const UNUSED: u8 = u8::MAX;

pub(super) const UNUSED_SLOT: InlineSpelling = InlineSpelling {
    key: [UNUSED; INLINE_SPELLING + 1],
    id: ClientId(u32::MAX),
};

/// Raw spelling → client: short ones inline, long ones in a plain map.
///
/// The short ones are in an open-addressing table of our own (linear
/// probing, a power-of-two number of slots, at most half of them used)
/// rather than a `hashbrown` one: a spelling's slot is known from its hash
/// alone, so a block of rows can prefetch theirs before any is looked up
/// (`prefetch`), and a lookup reads one slot, where `hashbrown` first
/// reads a separate control byte.
#[derive(Debug, Clone)]
pub(super) struct SpellingCache {
    pub(super) slots: Vec<InlineSpelling>,
    pub(super) used: usize,
    long: hashbrown::HashMap<String, ClientId>,
    /// Random per cache (from the standard random state), so no file can
    /// choose spellings that all collide.
    pub(super) seeds: [u64; 4],
}

impl SpellingCache {
    /// A cache with room for about `spellings` without growing.
    pub(super) fn with_room(spellings: usize) -> SpellingCache {
        let mut cache = SpellingCache::default();
        if spellings > 0 {
            let size = spellings
                .saturating_mul(2)
                .checked_next_power_of_two()
                .unwrap_or(0)
                .max(64);
            cache.slots = vec![UNUSED_SLOT; size];
        }
        cache
    }
}

impl Default for SpellingCache {
    fn default() -> SpellingCache {
        let random = hashbrown::DefaultHashBuilder::default();
        SpellingCache {
            slots: Vec::new(),
            used: 0,
            long: hashbrown::HashMap::new(),
            seeds: [0u8, 1, 2, 3].map(|n| random.hash_one(n)),
        }
    }
}

/// The key of a spelling (`None` when longer than `INLINE_SPELLING`),
/// built a word at a time (see `super::words`): this runs twice for every
/// row, once to prefetch and once to look up.
pub(super) fn spelling_key(bytes: &[u8]) -> Option<SpellingKey> {
    let length = bytes.len();
    if length > INLINE_SPELLING {
        return None;
    }
    let word = |start: usize| super::super::words::padded_word(bytes, start);
    let mut key = [0u8; INLINE_SPELLING + 1];
    let (first, rest) = key.split_at_mut(8);
    let (second, rest) = rest.split_at_mut(8);
    let (third, fourth) = rest.split_at_mut(8);
    first.copy_from_slice(&word(0).to_le_bytes());
    second.copy_from_slice(&word(8).to_le_bytes());
    third.copy_from_slice(&word(16).to_le_bytes());
    // Up to three bytes of spelling, then its length.
    let tail = (word(24) as u32 & 0x00FF_FFFF) | (length as u32).wrapping_shl(24);
    fourth.copy_from_slice(&tail.to_le_bytes());
    Some(key)
}

/// The key's 28 bytes as four words, each pair mixed by a folded
/// multiplication (as foldhash does), seeded.
pub(super) fn spelling_hash(seeds: &[u64; 4], key: &SpellingKey) -> u64 {
    pub(super) fn folded(a: u64, b: u64) -> u64 {
        let product = u128::from(a).wrapping_mul(u128::from(b));
        (product as u64) ^ ((product >> 64) as u64)
    }
    let (first, rest) = key.split_at(8);
    let (second, rest) = rest.split_at(8);
    let (third, fourth) = rest.split_at(8);
    let word = |bytes: &[u8]| u64::from_le_bytes(bytes.try_into().unwrap_or_default());
    let fourth = u64::from(u32::from_le_bytes(fourth.try_into().unwrap_or_default()));
    let [s0, s1, s2, s3] = *seeds;
    folded(word(first) ^ s0, word(second) ^ s1) ^ folded(word(third) ^ s2, fourth ^ s3)
}

/// Where the probe for `hash` starts in a table of `slots` (a power of two).
pub(super) fn home(hash: u64, slots: usize) -> usize {
    (hash as usize) & slots.wrapping_sub(1)
}

/// The slot holding `key`, or else the unused slot where it would go;
/// `None` only for a table with no unused slot (never: at most half full).
pub(super) fn probe(slots: &[InlineSpelling], key: &SpellingKey, hash: u64) -> Option<usize> {
    let mut index = home(hash, slots.len());
    for _ in 0..slots.len() {
        let slot = slots.get(index)?;
        if slot.key == *key || slot.key.last() == Some(&UNUSED) {
            return Some(index);
        }
        index = home((index as u64).wrapping_add(1), slots.len());
    }
    None
}

impl SpellingCache {
    /// Start fetching the slot where `name` would be.
    pub(super) fn prefetch(&self, name: &str) {
        if let Some(key) = spelling_key(name.as_bytes()) {
            let index = home(spelling_hash(&self.seeds, &key), self.slots.len());
            if let Some(slot) = self.slots.get(index) {
                crate::prefetch::prefetch(slot);
            }
        }
    }

    pub(super) fn get(&self, name: &str) -> Option<ClientId> {
        let Some(key) = spelling_key(name.as_bytes()) else {
            return self.long.get(name).copied();
        };
        self.find(&key, spelling_hash(&self.seeds, &key))
    }

    pub(super) fn find(&self, key: &SpellingKey, hash: u64) -> Option<ClientId> {
        let slot = self.slots.get(probe(&self.slots, key, hash)?)?;
        (slot.key == *key).then_some(slot.id)
    }

    pub(super) fn insert(&mut self, name: &str, id: ClientId) {
        let Some(key) = spelling_key(name.as_bytes()) else {
            self.long.insert(name.to_string(), id);
            return;
        };
        let hash = spelling_hash(&self.seeds, &key);
        self.insert_hashed(key, hash, id);
    }

    pub(super) fn insert_hashed(&mut self, key: SpellingKey, hash: u64, id: ClientId) {
        if self.find(&key, hash).is_none() {
            // At most half full: probes always end, and a lookup probes
            // about 1.3 slots on average rather than 2.6 at 7/8 full; the
            // room it costs is freed before the report, where the peak is.
            if self.used.saturating_add(1).saturating_mul(2) > self.slots.len() {
                self.grow();
            }
            self.used = self.used.saturating_add(1);
        }
        if let Some(index) = probe(&self.slots, &key, hash)
            && let Some(slot) = self.slots.get_mut(index)
        {
            *slot = InlineSpelling { key, id };
        }
    }

    pub(super) fn grow(&mut self) {
        let size = self.slots.len().saturating_mul(2).max(64);
        let old = std::mem::replace(&mut self.slots, vec![UNUSED_SLOT; size]);
        for slot in old
            .into_iter()
            .filter(|slot| slot.key.last() != Some(&UNUSED))
        {
            let hash = spelling_hash(&self.seeds, &slot.key);
            if let Some(index) = probe(&self.slots, &slot.key, hash)
                && let Some(free) = self.slots.get_mut(index)
            {
                *free = slot;
            }
        }
    }
}
