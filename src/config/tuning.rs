//! How hard and in what pieces clientfit works: thread counts, chunk and
//! block sizes, thresholds. Not part of `clientfit.toml` and never in an
//! output: `settings` fills it from the `CLIENTFIT_*` environment variables
//! (tests set them to take a path on small inputs), and it travels down
//! inside `Config` to the stage that uses it. `None` everywhere means the
//! built-in value, which each stage keeps beside the code it tunes.
//!
//! Plain data: must not import any other module of the crate.

/// The tuning knobs, each `None` unless its variable is set to a value
/// the stage accepts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tuning {
    /// `CLIENTFIT_READING_THREADS`: threads that read the files, 1 to 16.
    pub reading_threads: Option<usize>,
    /// `CLIENTFIT_CHUNK_BYTES`: the size files are cut into for the
    /// reading threads (more than 0).
    pub chunk_bytes: Option<u64>,
    /// `CLIENTFIT_IN_MEMORY_LIMIT`: the most bytes read from an input that
    /// is not a regular file (standard input, a pipe).
    pub in_memory_limit: Option<u64>,
    /// `CLIENTFIT_PROGRESS_MIN_BYTES`: inputs from this size on show a
    /// progress spinner.
    pub progress_min_bytes: Option<u64>,
    /// `CLIENTFIT_PARALLEL_CLIENTS`: from this many clients on, their
    /// metrics are worked out on every core.
    pub parallel_clients: Option<usize>,
    /// `CLIENTFIT_JSON_BLOCK`: clients per block of the JSON writer (more
    /// than 0).
    pub json_block: Option<usize>,
}
