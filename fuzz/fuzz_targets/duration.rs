//! `parse_minutes` with bare numbers read as minutes and as seconds.
#![no_main]

use clientfit::ingest::duration::{DurationUnit, MAX_MINUTES, parse_minutes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for unit in [DurationUnit::Minutes, DurationUnit::Seconds] {
        match parse_minutes(text, unit) {
            Ok(minutes) => {
                // Negative durations are errors, and MAX_MINUTES bounds the rest.
                assert!(
                    !minutes.is_sign_negative() || minutes.is_zero(),
                    "{text:?} as {unit:?} gave negative {minutes}"
                );
                assert!(
                    minutes <= MAX_MINUTES,
                    "{text:?} as {unit:?} gave {minutes} (over MAX_MINUTES)"
                );
            }
            Err(problem) => {
                let _ = problem.message();
            }
        }
    }
});
