//! Whole-file ingest of a timesheet: time entries (see common/ingest.rs).
#![no_main]

#[path = "common/ingest.rs"]
mod common;

use clientfit::ingest::columns::Kind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| common::run(Kind::Time, data));
