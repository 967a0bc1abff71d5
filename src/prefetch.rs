//! Asking the processor to fetch memory before it is needed.
//!
//! With a hundred thousand clients, the tables a row touches (the spelling
//! that names its client, the client's running totals) are far larger than
//! the caches, and a row that reads one waits for memory. Reading goes a
//! block of rows at a time so that the addresses of a whole block are known
//! first: each is prefetched, and the misses overlap instead of following
//! one another.

/// Start fetching the cache line holding `value` (a hint: it changes no
/// result, and does nothing on processors without SSE).
#[inline(always)]
pub fn prefetch<T>(value: &T) {
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
