//! Cuts a decompressed input stream into the records of its format: text documents,
//! JSONL lines or WARC records.

use std::borrow::Cow;
use std::io::{self, BufRead, Read, Write};
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::compress::{self, Decompress};
use super::jsonl::{self, FieldPath};
use super::sniff::{self, Unsupported};
use super::text::{TextDocument, TextOptions, TextReader};
use super::warc::{self, ReadError};
use super::{Format, Place, RecordError, SizeLimit};
use crate::error::{Error, Mismatch, Result};

/// Bytes that are not cut into records are passed on in chunks this big.
const UNSPLIT_CHUNK: usize = 1 << 20;

/// Why bytes of an input are passed on without being read as documents.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Uncut {
    /// A malformed WARC record: it and everything after it cannot be cut into records.
    Malformed {
        /// Where the bad record starts.
        place: Place,
        /// What is wrong with it.
        error: RecordError,
    },
    /// A WARC `conversion` record whose block is over the size limit: the record alone;
    /// reading goes on after it.
    TooLarge {
        /// Where the record starts.
        place: Place,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The whole input is in a text encoding that cannot be read.
    Encoding(Unsupported),
    /// The input ended inside the block of a WARC record over the size limit, whose
    /// parts were handed out as they came: nothing is left of the record or the input.
    Short {
        /// Where the record starts.
        place: Place,
        /// Bytes of the block there were.
        got: u64,
    },
    /// The input is Parquet, which is read from a file by row group, not as a stream
    /// (see [`super::parquet`]).
    Parquet,
}

impl Uncut {
    /// The error reporting these bytes; `outcome` says what became of them (e.g.
    /// `copied through unchanged`, `left out`, `not counted`).
    pub fn error(&self, origin: &str, outcome: &'static str) -> Error {
        match self {
            Uncut::Malformed { place, error } => Error::input(
                origin,
                *place,
                format!(
                    "{error}; the rest of the input cannot be cut into records and is {outcome}"
                ),
            ),
            Uncut::TooLarge { place, limit } => {
                Error::too_large_record(origin, *place, SizeLimit::new(*limit, None), outcome)
            }
            Uncut::Short { place, got } => Error::input(
                origin,
                *place,
                format!(
                    "Content-Length runs past the end of the input: the {got} bytes \
                     after its headers, to the end, were all taken as its block"
                ),
            ),
            Uncut::Encoding(encoding) => Error::input(
                origin,
                Place::Start,
                format!(
                    "{} text is not supported; the input is {outcome}",
                    encoding.name()
                ),
            ),
            Uncut::Parquet => Error::input(
                origin,
                Place::Start,
                format!(
                    "Parquet is read from a file by row group, not as a stream (give its \
                     path, not standard input); the input is {outcome}"
                ),
            ),
        }
    }
}

/// How an input is read.
#[derive(Debug, Clone, Default)]
pub struct InputOptions {
    /// The input's format; `None`: told from its first bytes after decompression (see
    /// [`sniff::format_of`]), text unless they look like WARC or JSONL.
    pub format: Option<Format>,
    /// How text is cut into documents; `max_doc_bytes` also bounds a JSONL line and the
    /// block of a WARC record read whole.
    pub text: TextOptions,
    /// Whether gzip and zstd input is decoded.
    pub decompress: Decompress,
}

/// A document inside a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document<'a> {
    /// The text.
    pub text: Cow<'a, [u8]>,
    /// The URL of the page, when the record names one and it was asked for.
    pub url: Option<String>,
    /// Of a JSONL record: the byte range of the text field (quotes included) in the line.
    span: Option<Range<usize>>,
}

/// One unit of an input, with everything needed to write it back.
#[derive(Debug)]
#[non_exhaustive]
pub enum Record {
    /// A text document.
    Text(TextDocument),
    /// One JSONL line, terminator included.
    Jsonl {
        /// The line as read.
        line: Vec<u8>,
        /// Its 1-based line number.
        number: u64,
    },
    /// One WARC record.
    Warc {
        /// The record as read.
        record: warc::Record,
        /// Where it starts.
        place: Place,
    },
    /// A part of a WARC record that holds no document and is too large to hold whole;
    /// written as read.
    WarcPart {
        /// The bytes, as read.
        bytes: Vec<u8>,
        /// True for the last part of the record.
        last: bool,
    },
    /// Bytes that cannot be read as documents (see [`Uncut`]). The first chunk carries
    /// the reason.
    Unsplit {
        /// The bytes, as read.
        bytes: Vec<u8>,
        /// Why they are not read as documents (on the first chunk only).
        issue: Option<Uncut>,
    },
}

impl Record {
    /// Size of the record as read, in bytes.
    pub fn raw_len(&self) -> usize {
        match self {
            Record::Text(doc) => doc.body.len() + doc.separator.len(),
            Record::Jsonl { line, .. } => line.len(),
            Record::Warc { record, .. } => record.raw_len(),
            Record::WarcPart { bytes, .. } | Record::Unsplit { bytes, .. } => bytes.len(),
        }
    }

    /// Writes the record exactly as it was read.
    pub fn write_raw<W: Write + ?Sized>(&self, out: &mut W) -> io::Result<()> {
        match self {
            Record::Text(doc) => {
                out.write_all(&doc.body)?;
                out.write_all(&doc.separator)
            }
            Record::Jsonl { line, .. } => out.write_all(line),
            Record::Warc { record, .. } => out.write_all(record.raw()),
            Record::WarcPart { bytes, .. } | Record::Unsplit { bytes, .. } => out.write_all(bytes),
        }
    }

    /// Writes the record with only the `kept` byte ranges of its text: for a text
    /// record, those ranges of its body, then its separator. Records of other formats
    /// are not cut by ranges; they are written as read.
    pub fn write_kept<W: Write + ?Sized>(
        &self,
        kept: &[Range<usize>],
        out: &mut W,
    ) -> io::Result<()> {
        let Record::Text(doc) = self else {
            return self.write_raw(out);
        };
        for range in kept {
            out.write_all(&doc.body[range.clone()])?;
        }
        out.write_all(&doc.separator)
    }

    /// The document this record holds, with the URL it came from when `url_field` is
    /// given and the record says (`WARC-Target-URI`, or that JSONL field when it is a
    /// string). `Ok(None)` for records that hold no document: WARC records other than
    /// `conversion`, blank JSONL lines, and bytes that are not cut into records.
    ///
    /// The one place where a record becomes a document, for cleaning and counting alike.
    pub fn document(
        &self,
        text_field: &FieldPath,
        url_field: Option<&FieldPath>,
    ) -> Result<Option<Document<'_>>, RecordError> {
        Ok(match self {
            Record::Text(doc) => Some(Document {
                text: Cow::Borrowed(&doc.body),
                url: None,
                span: None,
            }),
            Record::Jsonl { line, .. } => {
                let content = jsonl_content(line);
                if content.trim_ascii().is_empty() {
                    return Ok(None);
                }
                let (span, text) = jsonl::text_span(content, text_field)?;
                // A missing or non-string URL leaves the document without a site.
                let url = url_field
                    .and_then(|field| jsonl::text_span(content, field).ok())
                    .map(|(_, url)| url);
                Some(Document {
                    text: Cow::Owned(text.into_bytes()),
                    url,
                    span: Some(span),
                })
            }
            Record::Warc { record, .. } if record.is_conversion() => Some(Document {
                text: Cow::Borrowed(record.body()),
                url: url_field.and(record.target_uri()).map(str::to_string),
                span: None,
            }),
            Record::Warc { .. } | Record::WarcPart { .. } | Record::Unsplit { .. } => None,
        })
    }

    /// Appends the record to `out` with its document (from [`Record::document`] of this
    /// record) replaced by the `kept` byte ranges of its text, which start and end on
    /// line boundaries: a JSONL line with only its text field rewritten, a WARC record
    /// with a new block, length and digests, a text document and its separator.
    pub fn write_replaced(
        &self,
        document: &Document<'_>,
        kept: impl Iterator<Item = Range<usize>>,
        out: &mut Vec<u8>,
    ) {
        let text = &document.text;
        match self {
            Record::Jsonl { line, .. } => {
                let content = jsonl_content(line);
                let span = document.span.clone().unwrap_or(0..content.len());
                jsonl::rewrite(content, span, kept.map(|range| &text[range]), out);
                out.extend_from_slice(&line[content.len()..]);
            }
            Record::Warc { record, .. } => {
                let mut body = Vec::with_capacity(text.len());
                for range in kept {
                    body.extend_from_slice(&text[range]);
                }
                warc::write_record(record, Some(&body), out);
            }
            Record::Text(doc) => {
                for range in kept {
                    out.extend_from_slice(&text[range]);
                }
                out.extend_from_slice(&doc.separator);
            }
            Record::WarcPart { bytes, .. } | Record::Unsplit { bytes, .. } => {
                out.extend_from_slice(bytes)
            }
        }
    }

    /// Where the record is, for messages, when it has a place of its own: a JSONL line
    /// or a WARC record.
    pub fn place(&self) -> Option<Place> {
        match self {
            Record::Jsonl { number, .. } => Some(Place::Line(*number)),
            Record::Warc { place, .. } => Some(*place),
            Record::Text(_) | Record::WarcPart { .. } | Record::Unsplit { .. } => None,
        }
    }

    /// True if the record ends a unit of compressed output (one gzip member per WARC
    /// record, as Common Crawl writes them).
    pub fn ends_member(&self) -> bool {
        matches!(
            self,
            Record::Warc { .. } | Record::WarcPart { last: true, .. }
        )
    }
}

/// A JSONL line without its `\n`.
fn jsonl_content(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\n").unwrap_or(line)
}

enum Source {
    Text(TextReader<Box<dyn BufRead + Send>>),
    Jsonl {
        reader: Box<dyn BufRead + Send>,
        lines: u64,
        max_line: usize,
    },
    Warc {
        reader: warc::Reader<Box<dyn BufRead + Send>>,
        records: u64,
        /// The size limit of a `conversion` record's block.
        limit: usize,
        /// A record over the limit is being handed out in parts; for a `conversion`
        /// record, why (on its first part only).
        passing: Option<Passing>,
    },
    Unsplit {
        reader: Box<dyn BufRead + Send>,
        issue: Option<Uncut>,
    },
    /// Reported after the last part of a record that ran past the end of the input.
    Ended(Option<Uncut>),
}

/// A WARC record over the size limit, being handed out in parts.
struct Passing {
    /// True for a `conversion` record: its parts are [`Record::Unsplit`].
    document: bool,
    /// Why, until the first part carries it.
    issue: Option<Uncut>,
    place: Place,
}

/// Reads the records of one decompressed input.
pub struct RecordReader {
    source: Source,
    origin: String,
    /// Records returned so far.
    records: u64,
    /// Raw (compressed) bytes read, for saying where a read failed.
    raw_bytes: Arc<AtomicU64>,
}

impl RecordReader {
    /// Reads `reader` (decompressed bytes) as `options.format` (text when it is `None`:
    /// [`open`] tells the format before it gets here); `origin` names the input in
    /// errors and reports.
    pub fn new(reader: Box<dyn BufRead + Send>, origin: &str, options: &InputOptions) -> Self {
        let max = options.text.max_doc_bytes;
        let source = match options.format.unwrap_or_default() {
            Format::Text => Source::Text(TextReader::new(reader, origin, options.text.clone())),
            Format::Jsonl => Source::Jsonl {
                reader,
                lines: 0,
                max_line: max,
            },
            Format::Warc => Source::Warc {
                reader: warc::Reader::with_max_block(reader, max as u64),
                records: 0,
                limit: max,
                passing: None,
            },
            Format::Parquet => Source::Unsplit {
                reader,
                issue: Some(Uncut::Parquet),
            },
        };
        RecordReader {
            source,
            origin: origin.to_string(),
            records: 0,
            raw_bytes: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Passes all of `reader` on uncut, reporting `issue` with the first chunk.
    fn uncut(reader: Box<dyn BufRead + Send>, origin: &str, issue: Uncut) -> Self {
        RecordReader {
            source: Source::Unsplit {
                reader,
                issue: Some(issue),
            },
            origin: origin.to_string(),
            records: 0,
            raw_bytes: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The name of the input, as given.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The next record, or `None` at the end. Errors are fatal (I/O, a text document or
    /// JSONL line over the size limit); records that cannot be processed are returned
    /// as records and judged by the caller.
    ///
    /// A read error (truncated or corrupt compression, a failing disk) says how far the
    /// input was read: after which record, and near which byte of the raw input.
    pub fn next_record(&mut self) -> Result<Option<Record>> {
        let record = self.read_record().map_err(|err| {
            err.located(Place::After {
                records: self.records,
                raw_byte: self.raw_bytes.load(Ordering::Relaxed),
            })
        })?;
        self.records += u64::from(record.is_some());
        Ok(record)
    }

    fn read_record(&mut self) -> Result<Option<Record>> {
        let origin = &self.origin;
        match &mut self.source {
            Source::Text(reader) => Ok(reader.next_document()?.map(Record::Text)),
            Source::Jsonl {
                reader,
                lines,
                max_line,
            } => {
                *lines += 1;
                let line = read_line(reader, *max_line).map_err(|err| Error::io(origin, err))?;
                line.map(|line| check_line(line, *max_line, origin, *lines))
                    .transpose()
            }
            Source::Warc { .. } => self.next_warc(),
            Source::Unsplit { reader, issue } => {
                let mut bytes = Vec::new();
                reader
                    .take(UNSPLIT_CHUNK as u64)
                    .read_to_end(&mut bytes)
                    .map_err(|err| Error::io(origin, err))?;
                let issue = issue.take();
                Ok((!bytes.is_empty()).then_some(Record::Unsplit { bytes, issue }))
            }
            Source::Ended(issue) => Ok(issue.take().map(|issue| Record::Unsplit {
                bytes: Vec::new(),
                issue: Some(issue),
            })),
        }
    }

    fn next_warc(&mut self) -> Result<Option<Record>> {
        let Source::Warc {
            reader,
            records,
            limit,
            passing,
        } = &mut self.source
        else {
            return Ok(None);
        };
        if let Some(pass) = passing {
            let part = reader
                .next_part(UNSPLIT_CHUNK)
                .map_err(|err| Error::io(&self.origin, err))?;
            let Some(part) = part else {
                *passing = None;
                return self.next_warc();
            };
            let record = if pass.document {
                Record::Unsplit {
                    bytes: part.bytes,
                    issue: pass.issue.take(),
                }
            } else {
                Record::WarcPart {
                    bytes: part.bytes,
                    last: part.last,
                }
            };
            if let Some(got) = part.short {
                let place = pass.place;
                self.source = Source::Ended(Some(Uncut::Short { place, got }));
            }
            return Ok(Some(record));
        }
        match reader.next_record() {
            Ok(Some(record)) => {
                *records += 1;
                let place = Place::WarcRecord {
                    number: *records,
                    offset: reader.bytes_read() - record.raw_len() as u64,
                };
                Ok(Some(Record::Warc { record, place }))
            }
            Ok(None) => Ok(None),
            Err(ReadError::TooLarge {
                place, conversion, ..
            }) => {
                *records += 1;
                let issue = conversion.then_some(Uncut::TooLarge {
                    place,
                    limit: *limit,
                });
                *passing = Some(Passing {
                    document: conversion,
                    issue,
                    place,
                });
                self.next_warc()
            }
            Err(ReadError::Malformed { place, error }) => {
                // The reader stops at a malformed record; what follows is passed on as is.
                let Source::Warc { reader, .. } =
                    std::mem::replace(&mut self.source, Source::Ended(None))
                else {
                    return Ok(None);
                };
                let (bytes, rest) = reader.into_remaining();
                self.source = Source::Unsplit {
                    reader: rest,
                    issue: None,
                };
                Ok(Some(Record::Unsplit {
                    bytes,
                    issue: Some(Uncut::Malformed { place, error }),
                }))
            }
            Err(ReadError::Io(err)) => Err(Error::io(&self.origin, err)),
        }
    }
}

/// Reads one line, terminator included, reading at most `max + 1` bytes of it.
fn read_line(reader: &mut dyn BufRead, max: usize) -> io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    reader.take(max as u64 + 1).read_until(b'\n', &mut line)?;
    Ok((!line.is_empty()).then_some(line))
}

fn check_line(line: Vec<u8>, max: usize, origin: &str, number: u64) -> Result<Record> {
    if jsonl_content(&line).len() > max {
        return Err(Error::too_large(
            origin,
            Place::Line(number),
            SizeLimit::new(max, None),
        ));
    }
    Ok(Record::Jsonl { line, number })
}

/// An opened input: its records, and how many bytes of the (compressed) input have been
/// read so far, for progress.
pub struct Input {
    /// The records.
    pub records: RecordReader,
    bytes_read: Arc<AtomicU64>,
    codec: compress::Codec,
    format: Format,
}

impl Input {
    /// A handle that reports how many bytes of the raw input have been read so far; it
    /// can be read from another thread.
    pub fn bytes_read(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.bytes_read)
    }

    /// The compression detected on the input.
    pub fn codec(&self) -> compress::Codec {
        self.codec
    }

    /// The format the input is read as: as given, or as told from its first bytes.
    pub fn format(&self) -> Format {
        self.format
    }
}

/// Opens `read` (raw bytes, compressed or not): detects gzip or zstd by magic bytes
/// (unless `options.decompress` says not to), tells the format from the first decoded
/// bytes when `options.format` is `None`, and cuts the decoded stream into records.
///
/// An input that starts with a UTF-16 byte order mark is not read as documents in any
/// format: its bytes come as [`Record::Unsplit`], reported.
pub fn open(
    read: impl Read + Send + 'static,
    origin: &str,
    options: &InputOptions,
) -> Result<Input> {
    let bytes_read = Arc::new(AtomicU64::new(0));
    let counting = Counting {
        inner: read,
        count: Arc::clone(&bytes_read),
    };
    let (codec, mut reader) =
        compress::open_with(counting, options.decompress).map_err(|err| Error::io(origin, err))?;
    let head = sniff::peek(&mut reader, options.text.max_doc_bytes).map_err(|err| {
        Error::io(origin, err).located(Place::After {
            records: 0,
            raw_byte: bytes_read.load(Ordering::Relaxed),
        })
    })?;
    let encoding = Unsupported::of(&head);
    let looks_like = sniff::format_of(&head);
    let format = options.format.or(looks_like);
    if encoding.is_none()
        && let Some(mismatch) = mismatch(options.format, looks_like, &head)
    {
        return Err(Error::mismatched(origin, mismatch));
    }
    let reader: Box<dyn BufRead + Send> = Box::new(io::Cursor::new(head).chain(reader));
    let mut records = match encoding {
        Some(encoding) => RecordReader::uncut(reader, origin, Uncut::Encoding(encoding)),
        None => RecordReader::new(
            reader,
            origin,
            &InputOptions {
                format,
                ..options.clone()
            },
        ),
    };
    records.raw_bytes = Arc::clone(&bytes_read);
    Ok(Input {
        records,
        bytes_read,
        codec,
        format: format.unwrap_or_default(),
    })
}

/// Why an input that starts with `head` must not be read as `given` (the format it was
/// given, `None` to go by `looks_like`, the format its first bytes look like): text that
/// starts like WARC or Parquet, or an input of no given format that holds one JSON
/// document. Other mismatches mangle nothing: a record that is not in its format is
/// reported and copied through.
fn mismatch(given: Option<Format>, looks_like: Option<Format>, head: &[u8]) -> Option<Mismatch> {
    match (given.or(looks_like).unwrap_or_default(), looks_like) {
        (Format::Text, Some(other @ (Format::Warc | Format::Parquet))) => Some(Mismatch::NotText {
            looks_like: other.name(),
        }),
        (Format::Text, _) if given.is_none() && sniff::json_document(head) => {
            Some(Mismatch::JsonDocument)
        }
        _ => None,
    }
}

/// Counts the bytes read through it. Reads are buffered in large blocks, so the
/// shared counter is touched rarely.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.count.fetch_add(read as u64, Ordering::Relaxed);
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wet_record(kind: &str, body: &str) -> String {
        format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nContent-Length: {}\r\n\r\n{body}\r\n\r\n",
            body.len()
        )
    }

    fn read(input: &[u8], format: Option<Format>, max: usize) -> (Vec<Record>, Option<Error>) {
        let options = InputOptions {
            format,
            text: TextOptions {
                max_doc_bytes: max,
                ..TextOptions::default()
            },
            ..InputOptions::default()
        };
        let mut input = open(io::Cursor::new(input.to_vec()), "in", &options).unwrap();
        let mut records = Vec::new();
        loop {
            match input.records.next_record() {
                Ok(Some(record)) => records.push(record),
                Ok(None) => return (records, None),
                Err(error) => return (records, Some(error)),
            }
        }
    }

    fn raw(records: &[Record]) -> Vec<u8> {
        let mut out = Vec::new();
        for record in records {
            record.write_raw(&mut out).unwrap();
        }
        out
    }

    #[test]
    fn every_cut_of_a_stream_with_records_over_the_limit_comes_back_whole() {
        let input = wet_record("conversion", "small\n")
            + &wet_record("conversion", &"a long line of text\n".repeat(5))
            + &wet_record("resource", &"z".repeat(150))
            + &wet_record("conversion", "last\n");
        for cut in 0..=input.len() {
            let prefix = &input.as_bytes()[..cut];
            let (records, error) = read(prefix, Some(Format::Warc), 40);
            assert!(error.is_none(), "cut at {cut}: {error:?}");
            assert_eq!(raw(&records), prefix, "cut at {cut}");
            assert!(
                records.iter().all(|record| match record {
                    Record::Warc { record, .. } => record.body().len() <= 40,
                    _ => true,
                }),
                "cut at {cut}: a record over the limit was read whole"
            );
        }
    }

    #[test]
    fn only_conversion_records_over_the_limit_are_reported() {
        let big = wet_record("conversion", &"x".repeat(100));
        let input = wet_record("resource", &"y".repeat(100)) + &big;
        let (records, _) = read(input.as_bytes(), None, 50);
        let issues: Vec<&Uncut> = records
            .iter()
            .filter_map(|record| match record {
                Record::Unsplit { issue, .. } => issue.as_ref(),
                _ => None,
            })
            .collect();
        let offset = wet_record("resource", &"y".repeat(100)).len() as u64;
        assert_eq!(
            issues,
            [&Uncut::TooLarge {
                place: Place::WarcRecord { number: 2, offset },
                limit: 50
            }]
        );
        assert!(
            records
                .iter()
                .any(|r| matches!(r, Record::WarcPart { last: true, .. }))
        );
    }

    #[test]
    fn the_format_is_sniffed_only_when_not_given() {
        let jsonl = b"{\"text\": \"a\"}\n{\"text\": \"b\"}\n";
        let (records, _) = read(jsonl, None, 1 << 20);
        assert!(matches!(
            records[..],
            [Record::Jsonl { .. }, Record::Jsonl { .. }]
        ));
        let (records, _) = read(jsonl, Some(Format::Text), 1 << 20);
        assert!(matches!(records[..], [Record::Text(_)]));
        let (records, _) = read(wet_record("warcinfo", "").as_bytes(), None, 1 << 20);
        assert!(matches!(records[..], [Record::Warc { .. }]));
        assert_eq!(raw(&records), wet_record("warcinfo", "").as_bytes());
    }

    #[test]
    fn utf16_input_is_passed_on_uncut_in_any_format() {
        let mut input = vec![0xFF, 0xFE];
        input.extend("a\nb\n".encode_utf16().flat_map(u16::to_le_bytes));
        for format in [
            None,
            Some(Format::Text),
            Some(Format::Jsonl),
            Some(Format::Warc),
        ] {
            let (records, error) = read(&input, format, 1 << 20);
            assert!(error.is_none());
            assert_eq!(raw(&records), input);
            assert!(matches!(
                records[0],
                Record::Unsplit {
                    issue: Some(Uncut::Encoding(Unsupported::Utf16Le)),
                    ..
                }
            ));
        }
    }
}
