//! Integration tests: the real `clientfit` binary against small hand-made
//! fixtures (every expected number computed by hand from the SPEC), the
//! demo data set with snapshots, and property tests through the library.

// Tests build their own inputs and assert by panicking: the no-panic lints
// of Cargo.toml are for the program (helpers here are not `#[test]`s, so
// clippy.toml's test exemptions do not reach them).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic
)]

mod adversarial;
mod bad_inputs;
mod chunked;
mod columns;
mod commands;
mod defaults;
mod demo;
mod diff;
mod discovery;
mod errors;
mod explain;
mod exports;
mod flags;
mod hostile;
mod html;
mod insights;
mod invariants;
mod layers;
mod metrics;
mod notes;
mod outputs;
mod parallel;
mod properties;
mod reading;
mod receivables;
mod repeated_tickets;
mod samples;
mod scripting;
mod settings;
mod time;
mod trust;
mod unchanged;
mod usage;
mod util;
mod verdicts;
mod widths;
mod wording;
