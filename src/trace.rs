//! Where a run's time and memory go: once `start` is called (`settings`
//! does, when `CLIENTFIT_PHASES` is set), each stage's end is printed to
//! stderr (for the benchmark; never in normal output).
//!
//! Layer: the lowest; must not import any other module of the crate.

use std::sync::OnceLock;

/// When the timer started; unset, `phase` prints nothing.
static START: OnceLock<std::time::Instant> = OnceLock::new();

/// Start the timer: from now on, `phase` prints. A second call changes
/// nothing.
pub(crate) fn start() {
    START.get_or_init(std::time::Instant::now);
}

/// Once started, print to stderr how long the run has taken and how much
/// memory it holds at the end of each stage (for the benchmark's "where
/// the time goes"; never in normal output).
pub(crate) fn phase(label: &str) {
    let Some(start) = START.get() else {
        return;
    };
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = |key: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(key))
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or("?")
            .to_string()
    };
    eprintln!(
        "phase {label:<10} {:8.3} s  rss {:>8} KiB  peak {:>8} KiB",
        start.elapsed().as_secs_f64(),
        kib("VmRSS:"),
        kib("VmHWM:")
    );
}
