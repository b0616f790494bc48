//! Input formats, I/O only: how a stream is decompressed, which format it is in, how it
//! is cut into records (documents and their wrappers), and how a record is written back
//! around the text kept of its document. Cleaning is the pipeline's job.
//!
//! [`open`] detects the compression and the format and wraps a stream in a
//! [`RecordReader`]; [`Record::document`] finds a record's document, and
//! [`Record::write_replaced`] writes the record around what is kept of it.

pub mod compress;
mod json_string;
pub mod jsonl;
pub mod parquet;
mod reader;
mod record_error;
pub mod sniff;
pub mod text;
pub mod warc;

use std::path::Path;

pub use crate::error::{Place, SizeLimit};
pub use reader::{Document, Input, InputOptions, Record, RecordReader, Uncut, open};
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
    /// Apache Parquet: a string column holds the texts (see [`parquet`]); read from a
    /// file by row group, not as a stream.
    Parquet,
}

impl Format {
    /// The format a file name says, looking through a `.gz`, `.zst` or `.zstd` suffix:
    /// `.jsonl`, `.json` and `.ndjson` are JSONL, `.warc` and `.wet` are WARC, `.txt`
    /// and `.text` are text; any other name says nothing (`None`), and the format is
    /// then told from the first bytes (see [`sniff`]).
    ///
    /// ```
    /// use boilerstrip::formats::Format;
    /// use std::path::Path;
    /// assert_eq!(Format::from_name(Path::new("CC-MAIN-1.warc.wet.gz")), Some(Format::Warc));
    /// assert_eq!(Format::from_name(Path::new("notes.TXT")), Some(Format::Text));
    /// assert_eq!(Format::from_name(Path::new("shard-00.gz")), None);
    /// ```
    pub fn from_name(path: &Path) -> Option<Format> {
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let name = ["gz", "zst", "zstd"]
            .iter()
            .find_map(|codec| name.strip_suffix(&format!(".{codec}")))
            .unwrap_or(&name);
        match name.rsplit_once('.').map(|(_, ext)| ext) {
            Some("jsonl" | "json" | "ndjson") => Some(Format::Jsonl),
            Some("warc" | "wet") => Some(Format::Warc),
            Some("txt" | "text") => Some(Format::Text),
            Some("parquet") => Some(Format::Parquet),
            _ => None,
        }
    }

    /// The name of the format, as `-f` spells it: `text`, `jsonl`, `warc` or `parquet`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Jsonl => "jsonl",
            Format::Warc => "warc",
            Format::Parquet => "parquet",
        }
    }

    /// The format a file name implies, as [`Format::from_name`], with text for a name
    /// that says nothing.
    ///
    /// ```
    /// use boilerstrip::formats::Format;
    /// use std::path::Path;
    /// assert_eq!(Format::from_path(Path::new("a/CC-MAIN-1.warc.wet.gz")), Format::Warc);
    /// assert_eq!(Format::from_path(Path::new("shard-01.jsonl.zst")), Format::Jsonl);
    /// assert_eq!(Format::from_path(Path::new("notes.txt")), Format::Text);
    /// ```
    pub fn from_path(path: &Path) -> Format {
        Format::from_name(path).unwrap_or_default()
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
            ("train-00000-of-00004.parquet", Format::Parquet),
        ] {
            assert_eq!(Format::from_path(Path::new(name)), format, "{name}");
        }
        assert_eq!(Format::from_name(Path::new("a.txt.gz")), Some(Format::Text));
        assert_eq!(Format::from_name(Path::new("a.gz")), None);
        assert_eq!(Format::from_name(Path::new("data")), None);
    }
}
