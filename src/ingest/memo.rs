//! What a column's cell texts were judged to be, remembered per text:
//! status, type and priority columns repeat a handful of values over
//! millions of rows ([`TextMemo`]), tag lists a few thousand combinations
//! ([`TextTable`]).

/// Up to `CAPACITY` distinct texts and what each was judged to be. Texts
/// beyond those are judged each time; once most lookups miss (a column of
/// free text), the memo stops searching.
pub(crate) struct TextMemo<T, const CAPACITY: usize> {
    seen: Vec<Remembered<T>>,
    lookups: Lookups,
}

impl<T, const CAPACITY: usize> Default for TextMemo<T, CAPACITY> {
    fn default() -> Self {
        TextMemo {
            seen: Vec::new(),
            lookups: Lookups::default(),
        }
    }
}

/// How lookups went: texts found, and texts not remembered (judged again).
/// Once most miss, a column of free text, searching is not worth it.
#[derive(Default)]
struct Lookups {
    hits: u32,
    misses: u32,
}

impl Lookups {
    fn worth_searching(&self) -> bool {
        self.misses <= 1024 || self.misses <= self.hits
    }

    fn hit(&mut self) {
        self.hits = self.hits.saturating_add(1);
    }

    fn miss(&mut self) {
        self.misses = self.misses.saturating_add(1);
    }

    #[cfg(test)]
    fn gave_up(&self) -> bool {
        self.misses > self.hits
    }
}

/// A remembered text, with its first sixteen bytes (zero-padded) as two
/// words: comparing them and the length settles nearly every lookup
/// without a call to `memcmp`, and the rest of a longer text (a list of
/// tags) is compared a word at a time too: `memcmp` on short strings costs
/// more than the comparison itself.
struct Remembered<T> {
    head: [u64; 2],
    text: Box<str>,
    value: T,
}

/// The first sixteen bytes of `text`, zero-padded, as two words.
fn head_words(text: &str) -> [u64; 2] {
    let bytes = text.as_bytes();
    [
        super::words::padded_word(bytes, 0),
        super::words::padded_word(bytes, 8),
    ]
}

impl<T> Remembered<T> {
    fn is(&self, head: [u64; 2], text: &str) -> bool {
        self.head == head
            && self.text.len() == text.len()
            && (text.len() <= 16
                || super::words::same_from(self.text.as_bytes(), text.as_bytes(), 16))
    }
}

impl<T: Copy, const CAPACITY: usize> TextMemo<T, CAPACITY> {
    /// What `text` is, remembered or else from `judge`.
    pub(crate) fn get(&mut self, text: &str, judge: impl FnOnce(&str) -> T) -> T {
        if !self.lookups.worth_searching() {
            return judge(text);
        }
        let head = head_words(text);
        if let Some(seen) = self.seen.iter().find(|seen| seen.is(head, text)) {
            self.lookups.hit();
            return seen.value;
        }
        let value = judge(text);
        if self.seen.len() < CAPACITY {
            self.seen.push(Remembered {
                head,
                text: text.into(),
                value,
            });
        } else {
            self.lookups.miss();
        }
        value
    }

    /// Whether the memo stopped searching (most lookups missed).
    #[cfg(test)]
    pub(crate) fn gave_up(&self) -> bool {
        self.lookups.gave_up()
    }
}

/// Up to `CAPACITY` distinct texts and what each was judged to be, found
/// by their hash: for a column of thousands of values (lists of tags, in
/// their combinations), too many to compare one by one. Texts beyond
/// those are judged each time; once most lookups miss (a column of free
/// text), the table stops searching.
pub(crate) struct TextTable<T, const CAPACITY: usize> {
    table: hashbrown::HashTable<Hashed<T>>,
    hasher: hashbrown::DefaultHashBuilder,
    lookups: Lookups,
}

/// A remembered text with its hash, so that the table grows without
/// hashing its texts again.
struct Hashed<T> {
    hash: u64,
    remembered: Remembered<T>,
}

impl<T, const CAPACITY: usize> Default for TextTable<T, CAPACITY> {
    fn default() -> Self {
        TextTable {
            table: hashbrown::HashTable::new(),
            hasher: hashbrown::DefaultHashBuilder::default(),
            lookups: Lookups::default(),
        }
    }
}

impl<T: Copy, const CAPACITY: usize> TextTable<T, CAPACITY> {
    /// What `text` is, remembered or else from `judge`.
    pub(crate) fn get(&mut self, text: &str, judge: impl FnOnce(&str) -> T) -> T {
        if !self.lookups.worth_searching() {
            return judge(text);
        }
        let hash = std::hash::BuildHasher::hash_one(&self.hasher, text.as_bytes());
        let head = head_words(text);
        if let Some(seen) = self.table.find(hash, |seen| {
            seen.hash == hash && seen.remembered.is(head, text)
        }) {
            self.lookups.hit();
            return seen.remembered.value;
        }
        let value = judge(text);
        if self.table.len() < CAPACITY {
            let remembered = Remembered {
                head,
                text: text.into(),
                value,
            };
            self.table
                .insert_unique(hash, Hashed { hash, remembered }, |seen| seen.hash);
        } else {
            self.lookups.miss();
        }
        value
    }

    /// Whether the table stopped searching (most lookups missed).
    #[cfg(test)]
    pub(crate) fn gave_up(&self) -> bool {
        self.lookups.gave_up()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a test judge makes of a text: its length and a checksum of its
    /// bytes, so texts that differ anywhere are judged differently.
    fn judged(text: &str) -> (usize, u32) {
        let sum = text
            .bytes()
            .enumerate()
            .map(|(at, byte)| (at as u32 + 1) * u32::from(byte))
            .sum();
        (text.len(), sum)
    }

    #[test]
    fn remembered_texts_are_told_apart_by_every_byte_and_their_length() {
        let texts = [
            "",
            "paid",
            "paid\0",
            "PAID",
            "Incident",
            // The same first sixteen bytes, then the same length after them.
            "Ticket follow-up; abuse",
            "Ticket follow-up: amuse",
            // Sixteen bytes exactly, and one more.
            "Awaiting payment",
            "Awaiting payments",
        ];
        let mut memo: TextMemo<(usize, u32), 16> = TextMemo::default();
        for round in 0..3 {
            for text in texts {
                assert_eq!(
                    memo.get(text, judged),
                    judged(text),
                    "{text:?}, round {round}"
                );
            }
        }
        assert!(!memo.gave_up());
    }

    #[test]
    fn a_table_tells_texts_apart_by_every_byte_and_their_length() {
        let mut texts: Vec<String> = [
            "",
            "billing",
            "billing\0",
            "BILLING",
            "billing,api,export",
            "billing,api,exports",
            "billing;api,export",
            "Ticket follow-up; abuse",
            "Ticket follow-up: amuse",
        ]
        .map(String::from)
        .to_vec();
        // More than the table holds: the last are judged each time.
        texts.extend((0..100).map(|n| format!("tag{n},other")));
        let mut table: TextTable<(usize, u32), 64> = TextTable::default();
        for round in 0..3 {
            for text in &texts {
                assert_eq!(
                    table.get(text, judged),
                    judged(text),
                    "{text:?}, round {round}"
                );
            }
        }
        // 109 texts, 64 remembered: 45 missed in each of three rounds,
        // 64 found in each of the last two.
        assert_eq!((table.lookups.misses, table.lookups.hits), (3 * 45, 2 * 64));
    }

    #[test]
    fn a_table_of_free_text_beyond_capacity_gives_up() {
        let free: Vec<String> = (0..3000).map(|n| format!("note {n}")).collect();
        let mut table: TextTable<(usize, u32), 4> = TextTable::default();
        for text in &free {
            assert_eq!(table.get(text, judged), judged(text));
        }
        assert!(table.gave_up(), "the table stops searching free text");
        assert_eq!(table.get("note 1", judged), judged("note 1"));
    }

    #[test]
    fn free_text_beyond_capacity_is_judged_each_time() {
        let free: Vec<String> = (0..3000).map(|n| format!("note {n}")).collect();
        let mut memo: TextMemo<(usize, u32), 4> = TextMemo::default();
        for text in &free {
            assert_eq!(memo.get(text, judged), judged(text));
        }
        assert!(memo.gave_up(), "the memo stops searching free text");
        assert_eq!(memo.get("note 1", judged), judged("note 1"));
    }
}
