//! clientfit: which clients to keep, restructure, refer or fire.
//!
//! A pipeline in one direction, each stage its own module:
//! `ingest` (CSV → typed records) → `aggregate` (records → per-client
//! metrics) → `assess` (metrics → flags, guards, verdict) → `report` (the
//! values) → `render` (table, csv, json, markdown, html). Above it, `cli`
//! (arguments), `settings` (resolved once) and `commands` (one per
//! command); below it, `config`, `model` and plain helpers. A module
//! imports only from layers below its own (`tests/layers.rs`, and
//! docs/architecture.md).

// The no-panic lints of Cargo.toml hold for the program; tests build their
// own inputs (clippy.toml exempts them from the rest).
#![cfg_attr(test, allow(clippy::arithmetic_side_effects))]

pub mod aggregate;
pub mod assess;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub(crate) mod fixed;
pub mod ingest;
pub mod model;
pub mod numbers;
pub(crate) mod output;
pub mod period;
pub(crate) mod prefetch;
pub mod render;
pub mod report;
pub mod safe;
pub mod settings;
#[doc(hidden)]
pub mod synthetic;
pub(crate) mod trace;
pub(crate) mod wording;
