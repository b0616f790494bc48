//! Reads and writes WARC/1.0 records (WET included), keeping every byte it does not deliberately change.

use std::fmt;
use std::io::{self, BufRead, Read};
use std::ops::Range;

use data_encoding::BASE32_NOPAD;
use memchr::memchr;
use sha1::{Digest, Sha1};

use super::compress::fill_buf_retrying;
use super::sniff::UTF8_BOM;
use super::{Place, RecordError};

/// Longest accepted header line, so that a corrupt input without newlines cannot exhaust memory.
const MAX_HEADER_LINE: u64 = 64 * 1024;

/// Longest accepted header block (version line to blank line), for the same reason.
const MAX_HEADER_BLOCK: usize = 1 << 20;

/// Record types whose payload is the whole block, so their payload digest is the block digest.
const PAYLOAD_IS_BLOCK: &[&str] = &["conversion"];

/// One WARC record: the exact bytes read, and where its parts lie in them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Version line, header lines, blank line, body and trailer, exactly as read.
    raw: Vec<u8>,
    layout: Layout,
}

/// Where the parts of a record lie in its raw bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Layout {
    /// Start of the version line: after the bytes that some files put before their first
    /// record (a UTF-8 byte order mark, blank lines), which are kept; 0 for the others.
    version_start: usize,
    /// End of the version line (terminator included).
    version_end: usize,
    /// Each header line, terminator included, in input order.
    headers: Vec<Range<usize>>,
    /// The block: exactly Content-Length bytes, after the blank line ending the headers.
    body: Range<usize>,
}

impl Record {
    /// The record exactly as read.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// Size of the record as read, in bytes.
    pub fn raw_len(&self) -> usize {
        self.raw.len()
    }

    /// The version line with its terminator, e.g. `WARC/1.0\r\n`.
    pub fn version_line(&self) -> &[u8] {
        &self.raw[self.layout.version_start..self.layout.version_end]
    }

    /// The header lines in input order, each with its own terminator.
    pub fn header_lines(&self) -> impl Iterator<Item = &[u8]> {
        self.layout
            .headers
            .iter()
            .map(|range| &self.raw[range.clone()])
    }

    /// The trimmed value of the first header called `name` (case-insensitive); `None` when absent or not UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(self.header_lines(), name).and_then(|value| std::str::from_utf8(value).ok())
    }

    /// The `WARC-Type` header, e.g. `warcinfo`, `response` or `conversion`.
    pub fn warc_type(&self) -> Option<&str> {
        self.header("WARC-Type")
    }

    /// True for a `conversion` record (the extracted text of a WET file): the records
    /// whose bodies are documents.
    pub fn is_conversion(&self) -> bool {
        self.warc_type()
            .is_some_and(|kind| kind.eq_ignore_ascii_case("conversion"))
    }

    /// The `WARC-Target-URI` header: the URL the record is about.
    pub fn target_uri(&self) -> Option<&str> {
        self.header("WARC-Target-URI")
    }

    /// The block: the Content-Length bytes after the headers.
    pub fn body(&self) -> &[u8] {
        &self.raw[self.layout.body.clone()]
    }

    /// The bytes between the body and the next record: normally `\r\n\r\n`, plus any extra blank lines.
    pub fn trailer(&self) -> &[u8] {
        &self.raw[self.layout.body.end..]
    }

    /// The blank line that ends the header block (`\r\n`, or `\n` in LF-only input).
    fn blank_line(&self) -> &[u8] {
        let headers_end = self
            .layout
            .headers
            .last()
            .map_or(self.layout.version_end, |range| range.end);
        &self.raw[headers_end..self.layout.body.start]
    }
}

/// Why [`Reader::next_record`] failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReadError {
    /// Reading the underlying input failed.
    Io(io::Error),
    /// The input is not a well-formed WARC record.
    Malformed {
        /// Where the bad record starts.
        place: Place,
        /// What is wrong with it.
        error: RecordError,
    },
    /// The record's block is larger than the reader's limit (see
    /// [`Reader::with_max_block`]). It is not read: [`Reader::next_part`] hands it out in
    /// bounded parts, and then the reader goes on with the next record.
    TooLarge {
        /// Where the record starts.
        place: Place,
        /// Its Content-Length.
        length: u64,
        /// True for a `conversion` record, whose block is a document.
        conversion: bool,
    },
}

impl ReadError {
    /// An equal error to return again on later calls (`io::Error` itself cannot be cloned).
    fn replay(&self) -> ReadError {
        match self {
            ReadError::Io(error) => ReadError::Io(io::Error::new(error.kind(), error.to_string())),
            ReadError::Malformed { place, error } => ReadError::Malformed {
                place: *place,
                error: error.clone(),
            },
            ReadError::TooLarge {
                place,
                length,
                conversion,
            } => ReadError::TooLarge {
                place: *place,
                length: *length,
                conversion: *conversion,
            },
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(error) => write!(f, "{error}"),
            ReadError::Malformed { place, error } => write!(f, "{place}: {error}"),
            ReadError::TooLarge { place, length, .. } => {
                write!(f, "{place}: a block of {length} bytes is over the limit")
            }
        }
    }
}

impl std::error::Error for ReadError {}

/// One part of a record too large to hold (see [`ReadError::TooLarge`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The bytes, as read: the version line and headers come in the first part, the
    /// trailer in the last.
    pub bytes: Vec<u8>,
    /// True for the last part of the record.
    pub last: bool,
    /// On the last part, when the input ended before the Content-Length bytes did: how
    /// many bytes of the block there were.
    pub short: Option<u64>,
}

/// The record [`Reader::next_part`] is handing out.
struct Passing {
    /// The version line and headers, not yet handed out.
    head: Vec<u8>,
    /// Bytes of the block not yet read.
    left: u64,
    /// The Content-Length.
    length: u64,
    /// Where the record starts.
    place: Place,
    /// True for a `conversion` record.
    conversion: bool,
}

/// What parsing one record found.
enum Parsed {
    /// A whole record.
    Whole(Layout),
    /// The headers of a record whose block is over the limit (left unread).
    Head { length: u64, conversion: bool },
}

/// Why parsing one record stopped, before the reader adds where the record starts.
enum Failure {
    Io(io::Error),
    Malformed(RecordError),
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Self {
        Failure::Io(error)
    }
}

fn malformed(message: impl Into<String>) -> Failure {
    Failure::Malformed(RecordError::new(message))
}

/// Reads WARC records one at a time from a decompressed stream.
///
/// After an error the reader stops: every later [`Reader::next_record`] call returns the same
/// error again. [`Reader::into_remaining`] then hands back the bytes already taken of the bad
/// record and the input positioned right after them, so a caller can copy the rest of the input
/// through unchanged.
pub struct Reader<R: BufRead> {
    inner: R,
    /// Bytes taken from `inner` so far.
    consumed: u64,
    /// Records started so far, so errors can give the 1-based number of the bad one.
    records: u64,
    /// Bytes taken of the record that failed to parse.
    unparsed: Vec<u8>,
    /// The error that stopped the reader; parsing on from the middle of a record would only produce noise.
    stopped: Option<ReadError>,
    /// Largest block read whole into a [`Record`].
    max_block: u64,
    /// A record over `max_block`, being handed out in parts.
    passing: Option<Passing>,
}

impl<R: BufRead> Reader<R> {
    /// Reads records from `inner`, which should yield decompressed WARC bytes.
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            consumed: 0,
            records: 0,
            unparsed: Vec::new(),
            stopped: None,
            max_block: u64::MAX,
            passing: None,
        }
    }

    /// Reads records whose blocks hold at most `max` bytes; a larger record is not read
    /// into memory but reported as [`ReadError::TooLarge`] and handed out in parts by
    /// [`Reader::next_part`], so a huge record or an absurd Content-Length costs
    /// bounded memory.
    pub fn with_max_block(inner: R, max: u64) -> Self {
        Self {
            max_block: max,
            ..Self::new(inner)
        }
    }

    /// After [`ReadError::TooLarge`]: the next part of that record, of at most about
    /// `max` bytes (the first part also holds the headers, the last the trailer), or
    /// `None` once it was handed out whole; [`Reader::next_record`] then reads on.
    pub fn next_part(&mut self, max: usize) -> io::Result<Option<Part>> {
        let Some(passing) = &mut self.passing else {
            return Ok(None);
        };
        let mut bytes = std::mem::take(&mut passing.head);
        let want = max.saturating_sub(bytes.len()).max(1) as u64;
        let want = want.min(passing.left);
        let got = (&mut self.inner).take(want).read_to_end(&mut bytes)? as u64;
        passing.left -= got;
        let ended = got < want;
        let last = passing.left == 0 || ended;
        let short = ended.then(|| passing.length - passing.left);
        if last {
            self.passing = None;
            if !ended {
                self.read_blank_lines(&mut bytes)?;
            }
        }
        self.consumed += bytes.len() as u64;
        Ok(Some(Part { bytes, last, short }))
    }

    /// The next record, or `None` at the end of the input.
    ///
    /// Header lines may end in CRLF or LF. Folded (continuation) header lines are not
    /// supported and count as malformed.
    pub fn next_record(&mut self) -> Result<Option<Record>, ReadError> {
        if let Some(error) = &self.stopped {
            return Err(error.replay());
        }
        // The parts of a record over the limit must be taken first: reading on would
        // parse from the middle of its block.
        if let Some(passing) = &self.passing {
            return Err(ReadError::TooLarge {
                place: passing.place,
                length: passing.length,
                conversion: passing.conversion,
            });
        }
        // Nothing is consumed here, so an I/O error at this point does not stop the reader.
        if fill_buf_retrying(&mut self.inner)
            .map_err(ReadError::Io)?
            .is_empty()
        {
            return Ok(None);
        }
        self.records += 1;
        let start = self.consumed;
        let mut raw = Vec::new();
        let parsed = self.parse_record(&mut raw);
        let place = Place::WarcRecord {
            number: self.records,
            offset: start,
        };
        match parsed {
            Ok(Parsed::Whole(layout)) => {
                self.consumed += raw.len() as u64;
                Ok(Some(Record { raw, layout }))
            }
            Ok(Parsed::Head { length, conversion }) => {
                // Counted in `consumed` as its parts are handed out.
                self.passing = Some(Passing {
                    head: raw,
                    left: length,
                    length,
                    place,
                    conversion,
                });
                Err(ReadError::TooLarge {
                    place,
                    length,
                    conversion,
                })
            }
            Err(failure) => {
                self.consumed += raw.len() as u64;
                self.unparsed = raw;
                let error = match failure {
                    Failure::Io(error) => ReadError::Io(error),
                    Failure::Malformed(error) => ReadError::Malformed { place, error },
                };
                self.stopped = Some(error.replay());
                Err(error)
            }
        }
    }

    /// Bytes taken from the input so far, including those of a record that failed to parse.
    pub fn bytes_read(&self) -> u64 {
        self.consumed
    }

    /// Gives up the reader, returning the bytes already taken of a record that failed to parse
    /// (empty if none failed) and the input positioned right after them.
    ///
    /// Writing the returned bytes and then copying the input reproduces everything from the
    /// start of the bad record to the end of the stream.
    pub fn into_remaining(self) -> (Vec<u8>, R) {
        (self.unparsed, self.inner)
    }

    /// Reads one record into `raw`, returning where its parts lie; of a record over the
    /// limit, only the headers.
    fn parse_record(&mut self, raw: &mut Vec<u8>) -> Result<Parsed, Failure> {
        if self.records == 1 {
            self.read_leading(raw)?;
        }
        let version_start = raw.len();
        let version_end = self.read_header_line(raw)?;
        if !raw[version_start..].starts_with(b"WARC/") {
            return Err(malformed(format!(
                "expected a `WARC/` version line, found `{}`",
                excerpt(&raw[version_start..])
            )));
        }
        let headers = self.read_headers(raw)?;
        let length = content_length(raw, &headers)?;
        if length > self.max_block {
            let lines = headers.iter().map(|range| &raw[range.clone()]);
            let conversion = find_header(lines, "WARC-Type")
                .is_some_and(|kind| kind.eq_ignore_ascii_case(b"conversion"));
            return Ok(Parsed::Head { length, conversion });
        }
        let body_start = raw.len();
        let got = (&mut self.inner).take(length).read_to_end(raw)?;
        if (got as u64) < length {
            return Err(malformed(format!(
                "Content-Length {length} runs past the end of the input ({got} bytes left)"
            )));
        }
        let body = body_start..raw.len();
        self.read_blank_lines(raw)?;
        Ok(Parsed::Whole(Layout {
            version_start,
            version_end,
            headers,
            body,
        }))
    }

    /// Reads header lines into `raw` up to and including the blank line, returning their ranges.
    fn read_headers(&mut self, raw: &mut Vec<u8>) -> Result<Vec<Range<usize>>, Failure> {
        let mut headers = Vec::new();
        loop {
            let start = raw.len();
            let end = self.read_header_line(raw)?;
            let line = &raw[start..end];
            if line == b"\r\n" || line == b"\n" {
                return Ok(headers);
            }
            if raw.len() > MAX_HEADER_BLOCK {
                return Err(malformed(format!(
                    "header block longer than {MAX_HEADER_BLOCK} bytes"
                )));
            }
            if line.starts_with(b" ") || line.starts_with(b"\t") {
                return Err(malformed(format!(
                    "folded header lines are not supported: `{}`",
                    excerpt(line)
                )));
            }
            if memchr(b':', line).is_none() {
                return Err(malformed(format!(
                    "header line without `:`: `{}`",
                    excerpt(line)
                )));
            }
            headers.push(start..end);
        }
    }

    /// Appends one `\n`-terminated line to `raw` and returns the new end of `raw`.
    fn read_header_line(&mut self, raw: &mut Vec<u8>) -> Result<usize, Failure> {
        let read = (&mut self.inner)
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', raw)?;
        if read > 0 && raw.ends_with(b"\n") {
            Ok(raw.len())
        } else if read as u64 == MAX_HEADER_LINE {
            Err(malformed(format!(
                "header line longer than {MAX_HEADER_LINE} bytes"
            )))
        } else {
            Err(malformed("input ends inside the header block"))
        }
    }

    /// Appends the bytes some files put before their first record: a UTF-8 byte order mark
    /// and blank lines.
    fn read_leading(&mut self, raw: &mut Vec<u8>) -> io::Result<()> {
        if fill_buf_retrying(&mut self.inner)?.starts_with(UTF8_BOM) {
            raw.extend_from_slice(UTF8_BOM);
            self.inner.consume(UTF8_BOM.len());
        }
        self.read_blank_lines(raw)
    }

    /// Appends the CR and LF bytes that come next: after a body, the standard `\r\n\r\n`
    /// and any extra blank lines; before the first record, blank lines.
    fn read_blank_lines(&mut self, raw: &mut Vec<u8>) -> io::Result<()> {
        loop {
            let buf = fill_buf_retrying(&mut self.inner)?;
            let blank = buf
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
            // A buffer that is blank to its end may continue with more blank bytes.
            let more = blank > 0 && blank == buf.len();
            raw.extend_from_slice(&buf[..blank]);
            self.inner.consume(blank);
            if !more {
                return Ok(());
            }
        }
    }
}

/// The value of the Content-Length header among `headers` (ranges in `raw`).
fn content_length(raw: &[u8], headers: &[Range<usize>]) -> Result<u64, Failure> {
    let lines = headers.iter().map(|range| &raw[range.clone()]);
    let value = find_header(lines, "Content-Length")
        .ok_or_else(|| malformed("Content-Length header missing"))?;
    parse_decimal(value).ok_or_else(|| {
        malformed(format!(
            "Content-Length `{}` is not a number",
            excerpt(value)
        ))
    })
}

/// Parses plain ASCII digits (no sign, no spaces) that fit in a u64.
fn parse_decimal(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// The trimmed value of the first line named `name` (case-insensitive) among raw header lines.
fn find_header<'a>(lines: impl Iterator<Item = &'a [u8]>, name: &str) -> Option<&'a [u8]> {
    lines
        .filter_map(|line| {
            let colon = memchr(b':', line)?;
            Some((line[..colon].trim_ascii(), line[colon + 1..].trim_ascii()))
        })
        .find(|(line_name, _)| line_name.eq_ignore_ascii_case(name.as_bytes()))
        .map(|(_, value)| value)
}

/// A short printable form of raw bytes for error messages.
fn excerpt(bytes: &[u8]) -> String {
    const MAX: usize = 60;
    let bytes = bytes.trim_ascii_end();
    let shown = &bytes[..bytes.len().min(MAX)];
    let ellipsis = if bytes.len() > MAX { "…" } else { "" };
    format!("{}{ellipsis}", shown.escape_ascii())
}

/// The `WARC-Block-Digest` value for `body`: `sha1:` and the base32 SHA-1 (32 characters, as Common Crawl writes it).
pub fn block_digest(body: &[u8]) -> String {
    format!("sha1:{}", BASE32_NOPAD.encode(&Sha1::digest(body)))
}

/// Appends `record` to `out`, either exactly as read or with a new body.
///
/// With `None` the output is byte-identical to the input. With `Some(body)`, every header line
/// is kept in order with its name spelling, spacing and terminator, except that the values of
/// `Content-Length` and (when present) `WARC-Block-Digest` are recomputed, always as SHA-1. On
/// `conversion` records the `WARC-Payload-Digest` is recomputed too, since their payload is the
/// whole block; on other types the payload is only part of the block (e.g. an HTTP entity), so
/// that header is left as it was and a caller changing such bodies must take care of it.
pub fn write_record(record: &Record, new_body: Option<&[u8]>, out: &mut Vec<u8>) {
    let Some(body) = new_body else {
        out.extend_from_slice(&record.raw);
        return;
    };
    out.extend_from_slice(&record.raw[..record.layout.version_end]);
    write_updated_headers(record, body, out);
    out.extend_from_slice(record.blank_line());
    out.extend_from_slice(body);
    out.extend_from_slice(record.trailer());
}

fn write_updated_headers(record: &Record, body: &[u8], out: &mut Vec<u8>) {
    let payload_is_block = record.warc_type().is_some_and(|kind| {
        PAYLOAD_IS_BLOCK
            .iter()
            .any(|t| kind.eq_ignore_ascii_case(t))
    });
    // Computed at most once, and only if a digest header asks for it.
    let mut digest = None;
    for line in record.header_lines() {
        let name = memchr(b':', line).map_or(line, |colon| line[..colon].trim_ascii());
        let is_digest = name.eq_ignore_ascii_case(b"WARC-Block-Digest")
            || (payload_is_block && name.eq_ignore_ascii_case(b"WARC-Payload-Digest"));
        if name.eq_ignore_ascii_case(b"Content-Length") {
            replace_value(line, &body.len().to_string(), out);
        } else if is_digest {
            replace_value(line, digest.get_or_insert_with(|| block_digest(body)), out);
        } else {
            out.extend_from_slice(line);
        }
    }
}

/// Appends header `line` with its value replaced, keeping the name, the spaces around the value and the terminator.
fn replace_value(line: &[u8], value: &str, out: &mut Vec<u8>) {
    // The reader only accepts header lines with a colon.
    let (head, rest) = line.split_at(memchr(b':', line).map_or(0, |colon| colon + 1));
    let leading = rest
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    let after_spaces = &rest[leading..];
    let trailing = after_spaces.len() - after_spaces.trim_ascii_end().len();
    out.extend_from_slice(head);
    out.extend_from_slice(&rest[..leading]);
    out.extend_from_slice(value.as_bytes());
    out.extend_from_slice(&after_spaces[after_spaces.len() - trailing..]);
}

#[cfg(test)]
mod tests {
    use super::super::compress;
    use super::*;

    const FIXTURE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/whirlwind.warc.wet.gz"
    );

    fn fixture() -> Vec<u8> {
        let file = std::fs::File::open(FIXTURE).unwrap();
        let (codec, mut reader) = compress::open(file).unwrap();
        assert_eq!(codec, compress::Codec::Gzip);
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).unwrap();
        bytes
    }

    fn read_all(input: &[u8]) -> Result<Vec<Record>, ReadError> {
        let mut reader = Reader::new(input);
        let mut records = Vec::new();
        while let Some(record) = reader.next_record()? {
            records.push(record);
        }
        assert_eq!(reader.bytes_read(), input.len() as u64);
        Ok(records)
    }

    fn write_all(records: &[Record]) -> Vec<u8> {
        let mut out = Vec::new();
        for record in records {
            write_record(record, None, &mut out);
        }
        out
    }

    /// The (record, offset, message) of the error reading `input` ends with.
    fn malformed_at(input: &[u8]) -> (u64, u64, String) {
        match read_all(input) {
            Err(ReadError::Malformed {
                place: Place::WarcRecord { number, offset },
                error,
            }) => (number, offset, error.message),
            other => panic!("expected a malformed record, got {other:?}"),
        }
    }

    const GOOD: &[u8] =
        b"WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n";

    #[test]
    fn fixture_has_warcinfo_and_conversion() {
        let records = read_all(&fixture()).unwrap();
        let types: Vec<_> = records.iter().map(|r| r.warc_type().unwrap()).collect();
        assert_eq!(types, ["warcinfo", "conversion"]);
        assert_eq!(
            records[1].target_uri(),
            Some("https://an.wikipedia.org/wiki/Escopete")
        );
        assert_eq!(records[0].version_line(), b"WARC/1.0\r\n");
        assert_eq!(records[0].header("content-length"), Some("368"));
        assert_eq!(records[0].body().len(), 368);
        assert_eq!(records[1].trailer(), b"\r\n\r\n");
        assert_eq!(records[0].header_lines().count(), 7);
        assert!(
            records[0]
                .header_lines()
                .all(|line| line.ends_with(b"\r\n"))
        );
    }

    #[test]
    fn unchanged_records_reproduce_the_input() {
        let input = fixture();
        assert_eq!(write_all(&read_all(&input).unwrap()), input);
    }

    #[test]
    fn fixture_digests_match_the_bodies() {
        for record in read_all(&fixture()).unwrap() {
            let digest = block_digest(record.body());
            assert_eq!(digest.len(), "sha1:".len() + 32);
            assert_eq!(record.header("WARC-Block-Digest"), Some(digest.as_str()));
            if let Some(payload) = record.header("WARC-Payload-Digest") {
                assert_eq!(payload, digest);
            }
        }
    }

    #[test]
    fn new_body_updates_length_and_digests() {
        let input = fixture();
        let records = read_all(&input).unwrap();
        let conversion = &records[1];
        let body = conversion.body();
        let cut = body
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(2)
            .unwrap()
            .0
            + 1;
        let new_body = &body[cut..];

        let mut out = Vec::new();
        write_record(conversion, Some(new_body), &mut out);
        let rewritten = read_all(&out).unwrap();
        assert_eq!(rewritten.len(), 1);
        let record = &rewritten[0];
        assert_eq!(record.body(), new_body);
        assert_eq!(
            record.header("Content-Length"),
            Some(new_body.len().to_string().as_str())
        );
        let digest = block_digest(new_body);
        assert_ne!(
            Some(digest.as_str()),
            conversion.header("WARC-Block-Digest")
        );
        assert_eq!(record.header("WARC-Block-Digest"), Some(digest.as_str()));
        assert_eq!(record.header("WARC-Payload-Digest"), Some(digest.as_str()));
        assert_eq!(record.trailer(), conversion.trailer());
        // Every other header line is kept byte for byte, in order.
        let changed = ["Content-Length", "WARC-Block-Digest", "WARC-Payload-Digest"];
        let untouched = |r: &Record| -> Vec<Vec<u8>> {
            r.header_lines()
                .filter(|line| !changed.iter().any(|name| line.starts_with(name.as_bytes())))
                .map(<[u8]>::to_vec)
                .collect()
        };
        assert_eq!(untouched(record), untouched(conversion));
        assert_eq!(
            record.header_lines().map(<[u8]>::len).collect::<Vec<_>>(),
            conversion
                .header_lines()
                .map(<[u8]>::len)
                .collect::<Vec<_>>(),
            "digests and lengths have the same width here"
        );
    }

    #[test]
    fn new_body_keeps_spelling_spacing_and_lf_terminators() {
        let input = b"WARC/1.0\nwarc-type: resource\ncontent-length:\t3  \nWARC-Payload-Digest: sha1:X\nWARC-Block-Digest:sha1:Y\n\nabc\n\n";
        let record = read_all(input).unwrap().remove(0);
        let mut out = Vec::new();
        write_record(&record, Some(b"hello"), &mut out);
        let expected = format!(
            "WARC/1.0\nwarc-type: resource\ncontent-length:\t5  \nWARC-Payload-Digest: sha1:X\nWARC-Block-Digest:{}\n\nhello\n\n",
            block_digest(b"hello")
        );
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    #[test]
    fn lf_only_headers_are_read() {
        let input = b"WARC/1.0\nWARC-Type: conversion\nContent-Length: 2\n\nhi\n\nWARC/1.0\nContent-Length: 0\n\n";
        let records = read_all(input).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].body(), b"hi");
        assert_eq!(records[0].trailer(), b"\n\n");
        assert_eq!(records[1].body(), b"");
        assert_eq!(write_all(&records), input);
    }

    #[test]
    fn extra_blank_lines_stay_in_the_trailer() {
        let mut input = GOOD.to_vec();
        input.splice(input.len() - 4.., b"\r\n\r\n\r\n\n\r\n".iter().copied());
        input.extend(GOOD);
        let records = read_all(&input).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].trailer(), b"\r\n\r\n\r\n\n\r\n");
        assert_eq!(write_all(&records), input);
    }

    #[test]
    fn blank_run_across_buffer_boundaries_is_one_trailer() {
        let mut input = GOOD.to_vec();
        input.extend(GOOD);
        let reader = io::BufReader::with_capacity(3, &input[..]);
        let mut reader = Reader::new(reader);
        let first = reader.next_record().unwrap().unwrap();
        assert_eq!(first.trailer(), b"\r\n\r\n");
        assert_eq!(reader.next_record().unwrap().unwrap(), first);
        assert!(reader.next_record().unwrap().is_none());
    }

    #[test]
    fn malformed_records_name_the_record_and_the_problem() {
        let offset = GOOD.len() as u64;
        let cases: [(&[u8], &str); 7] = [
            (
                b"HTTP/1.1 200 OK\r\n\r\n",
                "expected a `WARC/` version line, found `HTTP/1.1 200 OK`",
            ),
            (
                b"WARC/1.0\r\nWARC-Type conversion\r\n\r\n",
                "header line without `:`: `WARC-Type conversion`",
            ),
            (
                b"WARC/1.0\r\nWARC-Type: conversion\r\n\r\nbody",
                "Content-Length header missing",
            ),
            (
                b"WARC/1.0\r\nContent-Length: 12a\r\n\r\n",
                "Content-Length `12a` is not a number",
            ),
            (
                b"WARC/1.0\r\nContent-Length: -1\r\n\r\n",
                "Content-Length `-1` is not a number",
            ),
            (
                b"WARC/1.0\r\nContent-Length: 5000\r\n\r\nshort body",
                "Content-Length 5000 runs past the end of the input (10 bytes left)",
            ),
            (
                b"WARC/1.0\r\nContent-Length: 5\r\n",
                "input ends inside the header block",
            ),
        ];
        for (bad, message) in cases {
            let mut input = GOOD.to_vec();
            input.extend(bad);
            assert_eq!(malformed_at(&input), (2, offset, message.to_owned()));
        }
    }

    #[test]
    fn folded_and_overlong_headers_are_malformed() {
        let folded = b"WARC/1.0\r\nWARC-Type: a\r\n  continued\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(
            malformed_at(folded),
            (
                1,
                0,
                "folded header lines are not supported: `  continued`".to_owned()
            )
        );
        let mut long = b"WARC/1.0\r\nX: ".to_vec();
        long.resize(long.len() + MAX_HEADER_LINE as usize, b'a');
        assert_eq!(malformed_at(&long).2, "header line longer than 65536 bytes");
    }

    #[test]
    fn reader_stops_and_hands_back_the_rest() {
        let mut input = GOOD.to_vec();
        let bad_start = input.len();
        input.extend(b"WARC/1.0\r\nbroken header\r\nmore\r\n");
        input.extend(GOOD);
        let mut reader = Reader::new(&input[..]);
        assert!(reader.next_record().unwrap().is_some());
        let first = reader.next_record().unwrap_err();
        assert_eq!(
            first.to_string(),
            format!(
                "WARC record 2 (at byte {bad_start}): header line without `:`: `broken header`"
            )
        );
        // The error sticks: no record is parsed from the middle of the bad one.
        assert_eq!(
            reader.next_record().unwrap_err().to_string(),
            first.to_string()
        );
        let (taken, mut rest) = reader.into_remaining();
        let mut passthrough = taken;
        rest.read_to_end(&mut passthrough).unwrap();
        assert_eq!(passthrough, &input[bad_start..]);
    }

    #[test]
    fn every_truncation_is_read_or_reported_without_panic() {
        let input = fixture();
        for cut in 0..input.len() {
            let prefix = &input[..cut];
            let mut reader = Reader::new(prefix);
            let mut out = Vec::new();
            loop {
                match reader.next_record() {
                    Ok(Some(record)) => write_record(&record, None, &mut out),
                    Ok(None) => break,
                    Err(ReadError::Malformed { .. }) => {
                        let (taken, rest) = reader.into_remaining();
                        out.extend(taken);
                        out.extend(rest);
                        break;
                    }
                    Err(error) => panic!("unexpected error: {error}"),
                }
            }
            assert_eq!(out, prefix, "cut at {cut}");
        }
    }

    #[test]
    fn empty_input_has_no_records() {
        assert!(read_all(b"").unwrap().is_empty());
    }

    #[test]
    fn header_lookup_is_case_insensitive_and_trimmed() {
        let input =
            b"WARC/1.0\r\nwarc-target-uri:   http://x/ \r\nContent-Length: 0\r\n\r\n\r\n\r\n";
        let record = read_all(input).unwrap().remove(0);
        assert_eq!(record.target_uri(), Some("http://x/"));
        assert_eq!(record.warc_type(), None);
        assert_eq!(record.header("CONTENT-LENGTH"), Some("0"));
    }
}
