//! Unit tests of `repeats`.

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
