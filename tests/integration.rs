//! The one integration-test binary: behaviour cases run through every path, the naive
//! oracle with property tests, the CLI, golden files and snapshots.

mod harness;

mod audit;
mod bad_input;
mod cases;
mod cli;
mod count_limits;
mod counts;
mod docs;
mod formats;
mod golden;
mod input_safety;
mod layers;
mod model;
mod oracle;
mod parquet;
mod parquet_audit;
mod paths_prop;
mod report;
mod rest;
mod robustness;
mod rule_errors;
mod safety;
mod snapshots;
