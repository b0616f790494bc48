//! The audit views of a decision: who a document is ([`Identity`]), and the per-document
//! renderings built from one [`Cleaned`](crate::Cleaned) decision plus that identity —
//! the removal log ([`log`]), dolma attributes ([`dolma`]), the metadata field of JSONL
//! output ([`meta`]) and the `--explain` header ([`header`]).
//!
//! Byte offsets are the library's unit everywhere; only [`dolma`] converts to code
//! points, because dolma's format is defined in them.

pub mod log;

use std::borrow::Cow;
use std::io::{self, Write};

use crate::formats::jsonl::{self, FieldPath};
use crate::formats::{Document, Place, Record};

/// Who a document is: where it was read and what it calls itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity<'a> {
    /// The input's name as given (`<stdin>` for standard input).
    pub input: &'a str,
    /// 1-based: a text document's number in its input, a JSONL record's line number, a
    /// WARC record's number.
    pub record: u64,
    /// The record's own id: a JSONL record's id field (a string, or the JSON text of a
    /// number), a WARC record's `WARC-Record-ID`. `None` for text and when missing.
    pub id: Option<Cow<'a, str>>,
    /// The page's URL: a JSONL record's URL field, a WARC record's `WARC-Target-URI`.
    pub url: Option<Cow<'a, str>>,
}

impl<'a> Identity<'a> {
    /// The identity of `record`, the `number`-th record of input `input` (see
    /// [`Identity::record`]; the record's own number is used when it has one). `document`
    /// is the record's document when it has one; its URL is used when it was read.
    /// `id_field` names a JSONL record's id.
    pub fn of(
        record: &'a Record,
        number: u64,
        input: &'a str,
        document: Option<&'a Document<'_>>,
        id_field: &FieldPath,
    ) -> Identity<'a> {
        let (record_number, id) = match record {
            Record::Jsonl { line, number } => (*number, jsonl_id(line, id_field)),
            Record::Warc { record, place } => {
                let number = match place {
                    Place::WarcRecord { number, .. } => *number,
                    _ => number,
                };
                (number, record.header("WARC-Record-ID").map(Cow::Borrowed))
            }
            _ => (number, None),
        };
        Identity {
            input,
            record: record_number,
            id,
            url: document.and_then(|d| d.url.as_deref()).map(Cow::Borrowed),
        }
    }

    /// The id the log and annotations use: the record's own id, else `INPUT:RECORD`
    /// (the input's name and the record's number, e.g. `notes.txt:3`).
    pub fn log_id(&self) -> Cow<'_, str> {
        match &self.id {
            Some(id) => Cow::Borrowed(id),
            None => Cow::Owned(format!("{}:{}", self.input, self.record)),
        }
    }
}

/// A JSONL record's id: a string field decoded, a number as written; `None` when the
/// field is missing, another type, or the line is not JSON.
fn jsonl_id<'a>(line: &[u8], field: &FieldPath) -> Option<Cow<'a, str>> {
    let raw = jsonl::raw_value(line, field).ok()?;
    match raw.as_bytes().first()? {
        b'"' => serde_json::from_str::<String>(raw).ok().map(Cow::Owned),
        b'-' | b'0'..=b'9' => Some(Cow::Owned(raw.to_string())),
        _ => None,
    }
}

/// Writes the `--explain` header line of a document:
/// `==> INPUT record N (id ID, url URL) <==`, the parenthesis holding what is known.
///
/// ```
/// use boilerstrip::audit::{Identity, header};
/// let identity = Identity { input: "a.jsonl", record: 12, id: Some("x7".into()), url: None };
/// let mut out = Vec::new();
/// header(&identity, &mut out)?;
/// assert_eq!(out, b"==> a.jsonl record 12 (id x7) <==\n");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn header<W: Write + ?Sized>(identity: &Identity<'_>, out: &mut W) -> io::Result<()> {
    write!(out, "==> {} record {}", identity.input, identity.record)?;
    let parts: Vec<String> = [
        identity.id.as_ref().map(|id| format!("id {id}")),
        identity.url.as_ref().map(|url| format!("url {url}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !parts.is_empty() {
        write!(out, " ({})", parts.join(", "))?;
    }
    writeln!(out, " <==")
}
