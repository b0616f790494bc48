//! Input formats: how a stream is cut into records (documents and their wrappers), how
//! each record is cleaned, and how it is written back.
//!
//! [`open`] detects the compression and wraps a stream in a [`RecordReader`] for a
//! [`Format`]; [`process()`] cleans one [`Record`] into an [`Emit`] decision that the
//! pipeline writes.

pub mod compress;
mod json_string;
pub mod jsonl;
mod process;
mod reader;
mod record_error;
pub mod text;
pub mod warc;

use std::path::Path;

pub use process::{Emit, OnInvalid, Output, ProcessOptions, Processed, process};
pub use reader::{Document, Input, InputOptions, Malformed, Record, RecordReader, open};
pub use record_error::RecordError;

/// The format of an input (and of its output, which is always the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Format {
    /// Plain text: a file is one document, or many with a separator line.
    #[default]
    Text,
    /// One JSON object per line; the text is a string field.
    Jsonl,
    /// WARC/1.0 or WET: the bodies of `conversion` records are the documents.
    Warc,
}

impl Format {
    /// The format a file name implies, looking through a `.gz`, `.zst` or `.zstd` suffix:
    /// `.jsonl`, `.json` and `.ndjson` are JSONL, `.warc` and `.wet` are WARC, anything
    /// else is text.
    ///
    /// ```
    /// use boilerstrip::formats::Format;
    /// use std::path::Path;
    /// assert_eq!(Format::from_path(Path::new("a/CC-MAIN-1.warc.wet.gz")), Format::Warc);
    /// assert_eq!(Format::from_path(Path::new("shard-01.jsonl.zst")), Format::Jsonl);
    /// assert_eq!(Format::from_path(Path::new("notes.txt")), Format::Text);
    /// ```
    pub fn from_path(path: &Path) -> Format {
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let name = ["gz", "zst", "zstd"]
            .iter()
            .find_map(|codec| name.strip_suffix(&format!(".{codec}")))
            .unwrap_or(&name);
        match name.rsplit_once('.').map(|(_, ext)| ext) {
            Some("jsonl" | "json" | "ndjson") => Format::Jsonl,
            Some("warc" | "wet") => Format::Warc,
            _ => Format::Text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_follows_the_name_through_compression_suffixes() {
        for (name, format) in [
            ("a.jsonl", Format::Jsonl),
            ("a.JSON.gz", Format::Jsonl),
            ("dir.d/a.ndjson.zst", Format::Jsonl),
            ("a.warc", Format::Warc),
            ("a.warc.gz", Format::Warc),
            ("CC.warc.wet.gz", Format::Warc),
            ("a.txt.gz", Format::Text),
            ("jsonl", Format::Text),
            ("a.gz", Format::Text),
        ] {
            assert_eq!(Format::from_path(Path::new(name)), format, "{name}");
        }
    }
}
