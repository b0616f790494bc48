//! Where in an input something is (a document, a JSONL line, a WARC record), named in
//! every message the same way, and the data of a size-limit failure there.

use std::fmt;

use super::Format;

/// A place in one input, for errors and reports. Its `Display` form is the one wording
/// used everywhere: `document 2`, `line 7`, `WARC record 3 (at byte 1024)`,
/// `after record 3, near input byte 1024`.
///
/// ```
/// use boilerstrip::formats::Place;
/// let place = Place::WarcRecord { number: 3, offset: 1024 };
/// assert_eq!(place.to_string(), "WARC record 3 (at byte 1024)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Place {
    /// The 1-based number of a text document.
    Document(u64),
    /// The 1-based number of a JSONL line.
    Line(u64),
    /// A WARC record: its 1-based number and the offset where it starts in the
    /// decompressed stream.
    WarcRecord {
        /// 1-based number of the record.
        number: u64,
        /// Offset of its first byte in the decompressed stream.
        offset: u64,
    },
    /// A row group of a Parquet file, 0-based as Parquet tools count them.
    RowGroup(u64),
    /// The start of the input (e.g. a byte order mark).
    Start,
    /// A read failed after `records` whole records, with about `raw_byte` bytes of the
    /// raw (possibly compressed) input read.
    After {
        /// Records read before the failure.
        records: u64,
        /// Bytes of the raw input read so far (reads are buffered, so this is near).
        raw_byte: u64,
    },
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Document(number) => write!(f, "document {number}"),
            Place::Line(number) => write!(f, "line {number}"),
            Place::WarcRecord { number, offset } => {
                write!(f, "WARC record {number} (at byte {offset})")
            }
            Place::RowGroup(index) => write!(f, "row group {index}"),
            Place::Start => f.write_str("start of input"),
            Place::After { records, raw_byte } => {
                write!(f, "after record {records}, near input byte {raw_byte}")
            }
        }
    }
}

/// Data about a document or record over the size limit, from which a caller can word
/// advice (which setting raises the limit, which format the input may be in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SizeLimit {
    /// The limit that was exceeded, in bytes.
    pub limit: usize,
    /// For an input read as text: the format its first bytes look like (WARC, JSONL),
    /// when they look like another one.
    pub looks_like: Option<Format>,
}

impl SizeLimit {
    /// The limit `limit`, for an input that looks like `looks_like` if anything else.
    pub fn new(limit: usize, looks_like: Option<Format>) -> SizeLimit {
        SizeLimit { limit, looks_like }
    }
}
