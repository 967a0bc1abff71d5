//! Short byte strings read a word at a time. Copying a slice whose length
//! is not known to the compiler is a call to `memcpy` (and comparing one,
//! to `memcmp`); with glibc's AVX-512 variants those calls cost more than the
//! rest of a short lookup, and lookups of cell texts run several times a
//! row.

/// The eight bytes of `bytes` from `start`, zero-padded past its end, as a
/// little-endian word.
pub(crate) fn padded_word(bytes: &[u8], start: usize) -> u64 {
    if let Some(whole) = bytes.get(start..start.saturating_add(8)) {
        return u64::from_le_bytes(whole.try_into().unwrap_or_default());
    }
    let length = bytes.len();
    let left = length.saturating_sub(start);
    if left == 0 {
        0
    } else if let Some(last) = bytes
        .get(length.saturating_sub(8)..)
        .filter(|last| last.len() == 8)
    {
        // The last eight bytes, shifted down to the `left` of them that
        // come from `start` on.
        let last = u64::from_le_bytes(last.try_into().unwrap_or_default());
        last.wrapping_shr(8u32.saturating_mul(8u32.saturating_sub(left as u32)))
    } else {
        // All of `bytes` is shorter than a word.
        bytes
            .get(start..)
            .unwrap_or_default()
            .iter()
            .rev()
            .fold(0u64, |word, byte| word.wrapping_shl(8) | u64::from(*byte))
    }
}

/// Whether `a` and `b`, of the same length, hold the same bytes from
/// `start` on: a word at a time when they are short (the rest of a cell
/// text after its first words), else by `==`.
pub(crate) fn same_from(a: &[u8], b: &[u8], start: usize) -> bool {
    const SHORT: usize = 64;
    if a.len() != b.len() {
        return false;
    }
    if a.len() > SHORT {
        return a.get(start..) == b.get(start..);
    }
    // Each word read from the whole text, so that the last is its last
    // eight bytes shifted (not a short slice read a byte at a time).
    (start..a.len())
        .step_by(8)
        .all(|at| padded_word(a, at) == padded_word(b, at))
}

/// The value of 1 to 9 ASCII digits (`None` for anything else), folded a
/// digit at a time: `str::parse` is generic over signs, radixes and
/// overflow, and cost several times as much for the usual `45` or `2`.
pub(crate) fn small_whole(bytes: &[u8]) -> Option<u32> {
    if !(1..=9).contains(&bytes.len()) {
        return None;
    }
    bytes.iter().try_fold(0u32, |value, byte| {
        // Cannot wrap: nine digits are below 10^9.
        byte.is_ascii_digit().then(|| {
            value
                .wrapping_mul(10)
                .wrapping_add(u32::from(byte.wrapping_sub(b'0')))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_wholes_are_what_parse_gives() {
        let mut texts: Vec<String> = (0..12_000).map(|n| n.to_string()).collect();
        texts.extend(
            [
                "",
                "0",
                "007",
                "999999999",
                "1000000000",
                "4294967295",
                "+5",
                "-5",
                " 5",
                "5 ",
                "1.5",
                "١٢",
                "12a",
            ]
            .map(String::from),
        );
        for text in texts {
            let expected = text.parse::<u32>().ok().filter(|_| {
                (1..=9).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
            });
            assert_eq!(small_whole(text.as_bytes()), expected, "{text:?}");
        }
    }

    #[test]
    fn the_same_bytes_from_a_start_are_every_byte_after_it() {
        let text: Vec<u8> = (1..=80u8).collect();
        for length in 0..=80 {
            let bytes = &text[..length];
            for start in [0, 8, 16, 17] {
                assert!(same_from(bytes, &text[..length], start));
                // One byte changed: a difference from `start` on only.
                for at in 0..length {
                    let mut other = bytes.to_vec();
                    other[at] = 0;
                    assert_eq!(
                        same_from(bytes, &other, start),
                        at < start,
                        "length {length}, from {start}, changed at {at}"
                    );
                }
            }
            // Texts of other lengths are never the same.
            let mut longer = bytes.to_vec();
            longer.push(0);
            assert!(!same_from(bytes, &longer, 0));
        }
    }

    #[test]
    fn padded_words_are_the_bytes_then_zeros() {
        let text: Vec<u8> = (1..=40u8).collect();
        for length in 0..=40 {
            let bytes = &text[..length];
            for start in 0..=length + 9 {
                let mut expected = [0u8; 8];
                for (at, byte) in expected.iter_mut().enumerate() {
                    *byte = bytes.get(start + at).copied().unwrap_or(0);
                }
                assert_eq!(
                    padded_word(bytes, start),
                    u64::from_le_bytes(expected),
                    "length {length}, from {start}"
                );
            }
        }
    }
}
