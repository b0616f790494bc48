//! The audit views of a decision: who a document is ([`Identity`]), and the per-document
//! renderings built from one [`Cleaned`] decision plus that identity —
//! the removal log ([`log`]), dolma attributes ([`dolma`]), the metadata field of JSONL
//! output ([`meta`]), the review report ([`report`]) and the `--explain` header
//! ([`header`]).
//!
//! Byte offsets are the library's unit everywhere; only [`dolma`] converts to code
//! points, because dolma's format is defined in them.

pub mod dolma;
pub mod log;
pub mod meta;
pub mod report;

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

use crate::decision::Cleaned;
use crate::explain::{ExplainStyle, explain, fate_width, fates, write_row};
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

/// Writes `--explain` for one document: with [`ExplainStyle::json`], one [`LineEvent`]
/// per line; otherwise the [`header`], every line with its fate (see
/// [`explain`]), and the `separator` line that ended a text
/// document (empty when none), labelled `separator`. With
/// [`ExplainStyle::only_removed`], a document with nothing removed writes nothing.
pub fn explain_document<W: Write + ?Sized>(
    identity: &Identity<'_>,
    cleaned: &Cleaned<'_>,
    separator: &[u8],
    style: ExplainStyle,
    out: &mut W,
) -> io::Result<()> {
    if style.only_removed && cleaned.is_unchanged() {
        return Ok(());
    }
    if style.json {
        return line_events(identity, cleaned, style.only_removed, out);
    }
    let mut style = style;
    if !separator.is_empty() {
        // The separator's row lines up with the document's.
        style.width = style.width.max(SEPARATOR.len());
    }
    header(identity, out)?;
    explain(cleaned, out, style)?;
    if !separator.is_empty() {
        let width = fate_width(cleaned, style);
        let content = separator.strip_suffix(b"\n").unwrap_or(separator);
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        if style.line_numbers {
            write!(out, "{}:", cleaned.line_count() + 1)?;
        }
        write_row(out, SEPARATOR, "\x1b[2m", width, style.color, content)?;
    }
    Ok(())
}

const SEPARATOR: &str = "separator";

/// One line decision of `--explain --json`: one JSON object per line of a document.
///
/// `{"input","record","id","line","start","end","reason","text"}`: the document as in
/// the removal log ([`log::LogEntry`]), the line's 0-based index, its byte range in the
/// document's text (terminator included, end exclusive), the reason it was removed
/// (`null` when kept) and its content without the terminator (invalid UTF-8 replaced
/// by U+FFFD).
#[derive(Debug, Serialize)]
pub struct LineEvent<'a> {
    /// The input's name.
    pub input: &'a str,
    /// The record's 1-based number in its input.
    pub record: u64,
    /// The document's id (see [`Identity::log_id`]).
    pub id: &'a str,
    /// The line's 0-based index in the document.
    pub line: usize,
    /// Its first byte in the document's text.
    pub start: usize,
    /// One past its last byte (terminator included).
    pub end: usize,
    /// The rule or detector that removed it; `None` when kept.
    pub reason: Option<&'a str>,
    /// Its content, without the terminator.
    pub text: Cow<'a, str>,
}

fn line_events<W: Write + ?Sized>(
    identity: &Identity<'_>,
    cleaned: &Cleaned<'_>,
    only_removed: bool,
    out: &mut W,
) -> io::Result<()> {
    let id = identity.log_id();
    let input = cleaned.input();
    for fate in fates(cleaned) {
        if only_removed && fate.removed_by.is_none() {
            continue;
        }
        let range = fate.line.range();
        let event = LineEvent {
            input: identity.input,
            record: identity.record,
            id: &id,
            line: fate.index,
            start: range.start,
            end: range.end,
            reason: fate.removed_by.map(|r| r.as_str()),
            text: String::from_utf8_lossy(fate.line.content(input)),
        };
        serde_json::to_writer(&mut *out, &event).map_err(io::Error::other)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
