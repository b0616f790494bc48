//! boilerstrip removes boilerplate lines from text corpora — photo captions and their
//! duplicates, promo blocks, source and credit lines, share/cookie/navigation/legal
//! lines, and lines repeated inside a document — and passes everything else through
//! byte for byte.
//!
//! Rule packs ([`RuleSet`]) compile once into a [`Cleaner`]: one Aho-Corasick automaton
//! over every marker of every rule, plus the structural detectors. [`Cleaner::clean`]
//! walks a document once and returns a [`Cleaned`] decision: the kept bytes and every
//! removal with its byte range, line range and reason. Output, `--explain` and `--stats`
//! are views of that decision.
//!
//! ```
//! use boilerstrip::{Cleaner, RuleSet};
//!
//! let cleaner = Cleaner::new(&RuleSet::builtin())?;
//! let doc = b"Kim asks Trump for another meeting.\n\nSOURCE: News agencies\n";
//! let cleaned = cleaner.clean(doc);
//! assert_eq!(&*cleaned.kept(), b"Kim asks Trump for another meeting.\n");
//! for removal in cleaned.removals() {
//!     println!("{:?} removed by {}", removal.lines, removal.reason);
//! }
//! # Ok::<(), boilerstrip::Error>(())
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod audit;
mod clean;
mod compile;
pub mod count_table;
pub mod counts;
mod decision;
mod detect;
mod error;
pub mod examples;
pub mod explain;
pub mod formats;
pub mod lines;
pub mod model;
pub mod normal;
mod options;
pub mod pipeline;
mod reach;
pub mod rules;
mod scan;
mod simd;
pub mod stats;
mod steps;
mod stop;

pub use clean::{Cleaner, CleanerBuilder};
pub use decision::{Cleaned, Reason, Removal};
pub use error::{Error, ErrorCategory, Mismatch, Result};
pub use options::CleanerOptions;
pub use rules::RuleSet;
pub use stats::Stats;
pub use stop::StopFlag;

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn public_types_are_send_and_sync() {
        assert_send_sync::<Cleaner>();
        assert_send_sync::<CleanerBuilder>();
        assert_send_sync::<Cleaned<'_>>();
        assert_send_sync::<Removal>();
        assert_send_sync::<Reason>();
        assert_send_sync::<RuleSet>();
        assert_send_sync::<rules::Rule>();
        assert_send_sync::<Stats>();
        assert_send_sync::<Error>();
        assert_send_sync::<formats::text::TextReader<&[u8]>>();
        assert_send_sync::<formats::Record>();
        assert_send_sync::<pipeline::Pipeline>();
    }
}

/// The README's Rust examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
