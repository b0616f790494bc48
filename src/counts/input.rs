//! The corpus scan's names, where their callers look for them: the scan itself runs on
//! the pipeline's batch driver and lives in [`crate::pipeline::scan`].

pub use crate::pipeline::scan::{KeyOptions, count_input};
