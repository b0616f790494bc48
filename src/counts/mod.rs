//! The corpus scan: reading corpora (any input format, through the pipeline) into count
//! tables (`count`), and finding the commonest lines with an example each (`top`). The
//! table format itself, and merging tables, live below in [`crate::count_table`].

// Crate-visible, so that the pipeline's batch driver can reach the keying of records.
pub(crate) mod count;
pub(crate) mod input;
pub(crate) mod top;

pub use count::{Counter, Counts, document_keys};
pub use input::{KeyOptions, count_input, count_parquet};
pub use top::{Examples, top_entries};

// The scope a key counts in, for the submodules.
use crate::count_table::Scope;
