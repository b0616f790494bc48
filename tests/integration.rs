//! The one integration-test binary: behaviour cases run through every path, the naive
//! oracle with property tests, the CLI, golden files and snapshots.

mod harness;

mod bad_input;
mod cases;
mod cli;
mod counts;
mod docs;
mod formats;
mod golden;
mod model;
mod oracle;
mod robustness;
mod rule_errors;
mod snapshots;
