//! Short byte strings read a word at a time. Copying a slice whose length
//! is not known to the compiler is a call to `memcpy` (and comparing one,
//! to `memcmp`); with this machine's glibc those calls cost more than the
//! rest of a short lookup, and lookups of cell texts run several times a
//! row.

/// The eight bytes of `bytes` from `start`, zero-padded past its end, as a
/// little-endian word.
pub fn padded_word(bytes: &[u8], start: usize) -> u64 {
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

#[cfg(test)]
mod tests {
    use super::*;

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
