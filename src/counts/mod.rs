//! The corpus scan: reading corpora (any input format, through the pipeline) into count
//! tables (`count`), and finding the commonest lines with an example each (`top`). The
//! table format itself, and merging tables, live below in [`crate::count_table`].

mod count;
mod input;
mod top;

pub use count::{Counter, Counts, document_keys};
pub use input::{KeyOptions, count_input};
pub use top::{Examples, top_entries};

// The scope a key counts in, for the submodules.
use crate::count_table::Scope;
