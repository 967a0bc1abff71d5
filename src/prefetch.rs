//! Asking the processor to fetch memory before it is needed.
//!
//! With a hundred thousand clients, the tables a row touches (the spelling
//! that names its client, the client's running totals) are far larger than
//! the caches, and a row that reads one waits for memory. Reading goes a
//! block of rows at a time so that the addresses of a whole block are known
//! first: each is prefetched, and the misses overlap instead of following
//! one another.
//!
//! Layer: the lowest; imports nothing of the crate.

/// Start fetching the cache line holding `value` (a hint: it changes no
/// result, and does nothing on processors without SSE).
#[inline(always)]
pub(crate) fn prefetch<T>(value: &T) {
    #[cfg(all(
        any(target_arch = "x86", target_arch = "x86_64"),
        target_feature = "sse"
    ))]
    safe_arch::prefetch_t0(value);
    #[cfg(not(all(
        any(target_arch = "x86", target_arch = "x86_64"),
        target_feature = "sse"
    )))]
    let _ = value;
}

/// Tables smaller than this stay in the second-level cache once read:
/// prefetching them only repeats work (a client's spelling is hashed twice).
const WORTH_FROM_BYTES: usize = 512 * 1024;

/// Whether entries of `table` are worth prefetching (see `WORTH_FROM_BYTES`).
pub(crate) fn worth_it<T>(table: &[T]) -> bool {
    std::mem::size_of_val(table) >= WORTH_FROM_BYTES
}
