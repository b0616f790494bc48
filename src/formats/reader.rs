//! Cuts a decompressed input stream into the records of its format: text documents,
//! JSONL lines or WARC records.

use std::borrow::Cow;
use std::io::{self, BufRead, Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::compress;
use super::jsonl::{self, FieldPath};
use super::text::{TextDocument, TextOptions, TextReader};
use super::warc::{self, ReadError};
use super::{Format, RecordError};
use crate::error::{Error, Result};

/// After a malformed WARC record the rest of the input is passed on in chunks this big.
const UNSPLIT_CHUNK: u64 = 1 << 20;

/// Where and why a WARC input stopped being readable as records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    /// 1-based number of the bad record.
    pub record: u64,
    /// Offset of the bad record in the decompressed stream.
    pub offset: u64,
    /// What is wrong with it.
    pub error: RecordError,
}

/// How an input is read.
#[derive(Debug, Clone, Default)]
pub struct InputOptions {
    /// The input's format.
    pub format: Format,
    /// How text is cut into documents; `max_doc_bytes` also bounds a JSONL line.
    pub text: TextOptions,
}

/// A document inside a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document<'a> {
    /// The text.
    pub text: Cow<'a, [u8]>,
    /// The URL of the page, when the record names one.
    pub url: Option<String>,
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
        /// Its 1-based number in the input.
        number: u64,
    },
    /// Bytes that cannot be cut into records: a malformed WARC record and everything
    /// after it. The first chunk carries the error.
    Unsplit {
        /// The bytes, as read.
        bytes: Vec<u8>,
        /// Why the input could not be cut further (on the first chunk only).
        malformed: Option<Malformed>,
    },
}

impl Record {
    /// Size of the record as read, in bytes.
    pub fn raw_len(&self) -> usize {
        match self {
            Record::Text(doc) => doc.body.len() + doc.separator.len(),
            Record::Jsonl { line, .. } => line.len(),
            Record::Warc { record, .. } => record.raw_len(),
            Record::Unsplit { bytes, .. } => bytes.len(),
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
            Record::Unsplit { bytes, .. } => out.write_all(bytes),
        }
    }

    /// Writes the record with only the `kept` byte ranges of its text: for a text
    /// record, those ranges of its body, then its separator. Records of other formats
    /// are not cut by ranges; they are written as read.
    pub fn write_kept<W: Write + ?Sized>(
        &self,
        kept: &[std::ops::Range<usize>],
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

    /// The document this record holds, with the URL it came from where the record says
    /// (`WARC-Target-URI`, or the JSONL field `url_field` when it is a string).
    /// `Ok(None)` for records that hold no document: WARC records other than
    /// `conversion`, blank JSONL lines, and bytes that could not be cut into records.
    pub fn document(
        &self,
        text_field: &FieldPath,
        url_field: &FieldPath,
    ) -> Result<Option<Document<'_>>, RecordError> {
        Ok(match self {
            Record::Text(doc) => Some(Document {
                text: Cow::Borrowed(&doc.body),
                url: None,
            }),
            Record::Jsonl { line, .. } => {
                let content = line.strip_suffix(b"\n").unwrap_or(line);
                if content.trim_ascii().is_empty() {
                    return Ok(None);
                }
                let (_, text) = jsonl::text_span(content, text_field)?;
                // A missing or non-string URL leaves the document without a site.
                let url = jsonl::text_span(content, url_field)
                    .ok()
                    .map(|(_, url)| url);
                Some(Document {
                    text: Cow::Owned(text.into_bytes()),
                    url,
                })
            }
            Record::Warc { record, .. } if record.is_conversion() => Some(Document {
                text: Cow::Borrowed(record.body()),
                url: record.target_uri().map(str::to_string),
            }),
            Record::Warc { .. } | Record::Unsplit { .. } => None,
        })
    }

    /// Where the record is, for messages: `line N` (JSONL), `WARC record N`, or
    /// `document` for text and unsplit bytes.
    pub fn place(&self) -> String {
        match self {
            Record::Jsonl { number, .. } => format!("line {number}"),
            Record::Warc { number, .. } => format!("WARC record {number}"),
            Record::Text(_) | Record::Unsplit { .. } => "document".to_string(),
        }
    }

    /// True if the record ends a unit of compressed output (one gzip member per WARC
    /// record, as Common Crawl writes them).
    pub fn ends_member(&self) -> bool {
        matches!(self, Record::Warc { .. })
    }
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
    },
    Unsplit(Box<dyn BufRead + Send>),
    Done,
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
    /// Reads `reader` (decompressed bytes) as `options.format`; `origin` names the input
    /// in errors and reports.
    pub fn new(reader: Box<dyn BufRead + Send>, origin: &str, options: &InputOptions) -> Self {
        let source = match options.format {
            Format::Text => Source::Text(TextReader::new(reader, origin, options.text.clone())),
            Format::Jsonl => Source::Jsonl {
                reader,
                lines: 0,
                max_line: options.text.max_doc_bytes,
            },
            Format::Warc => Source::Warc {
                reader: warc::Reader::new(reader),
                records: 0,
            },
        };
        RecordReader {
            source,
            origin: origin.to_string(),
            records: 0,
            raw_bytes: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The name of the input, as given.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The next record, or `None` at the end. Errors are fatal (I/O, a document over
    /// the size limit); records that cannot be processed are returned as records and
    /// judged by [`process`](super::process()).
    ///
    /// A read error (truncated or corrupt compression, a failing disk) says how far the
    /// input was read: after which record, and near which byte of the raw input.
    pub fn next_record(&mut self) -> Result<Option<Record>> {
        let record = self.read_record().map_err(|err| {
            let raw = self.raw_bytes.load(Ordering::Relaxed);
            err.located(&format!(
                "after record {}, near input byte {raw}",
                self.records
            ))
        })?;
        self.records += u64::from(record.is_some());
        Ok(record)
    }

    fn read_record(&mut self) -> Result<Option<Record>> {
        match &mut self.source {
            Source::Text(reader) => Ok(reader.next_document()?.map(Record::Text)),
            Source::Jsonl {
                reader,
                lines,
                max_line,
            } => {
                *lines += 1;
                let line =
                    read_line(reader, *max_line).map_err(|err| Error::io(&self.origin, err))?;
                line.map(|line| check_line(line, *max_line, &self.origin, *lines))
                    .transpose()
            }
            Source::Warc { .. } => self.next_warc(),
            Source::Unsplit(reader) => {
                let mut bytes = Vec::new();
                reader
                    .take(UNSPLIT_CHUNK)
                    .read_to_end(&mut bytes)
                    .map_err(|err| Error::io(&self.origin, err))?;
                Ok((!bytes.is_empty()).then_some(Record::Unsplit {
                    bytes,
                    malformed: None,
                }))
            }
            Source::Done => Ok(None),
        }
    }

    fn next_warc(&mut self) -> Result<Option<Record>> {
        let Source::Warc { reader, records } = &mut self.source else {
            return Ok(None);
        };
        match reader.next_record() {
            Ok(Some(record)) => {
                *records += 1;
                let number = *records;
                Ok(Some(Record::Warc { record, number }))
            }
            Ok(None) => Ok(None),
            Err(ReadError::Io(err)) => Err(Error::io(&self.origin, err)),
            Err(ReadError::Malformed {
                record,
                offset,
                error,
            }) => {
                // The reader stops at a malformed record; what follows is passed on as is.
                let Source::Warc { reader, .. } = std::mem::replace(&mut self.source, Source::Done)
                else {
                    return Ok(None);
                };
                let (bytes, rest) = reader.into_remaining();
                self.source = Source::Unsplit(rest);
                Ok(Some(Record::Unsplit {
                    bytes,
                    malformed: Some(Malformed {
                        record,
                        offset,
                        error,
                    }),
                }))
            }
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
    let content = line.strip_suffix(b"\n").unwrap_or(&line);
    if content.len() > max {
        return Err(Error::limit(format!(
            "{origin}: line {number} is longer than the limit of {max} bytes; \
             raise it with --max-doc-bytes (nothing was truncated)"
        )));
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
}

/// Opens `read` (raw bytes, compressed or not): detects gzip or zstd by magic bytes and
/// cuts the decoded stream into records of `options.format`.
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
    let (codec, reader) = compress::open(counting).map_err(|err| Error::io(origin, err))?;
    let mut records = RecordReader::new(reader, origin, options);
    records.raw_bytes = Arc::clone(&bytes_read);
    Ok(Input {
        records,
        bytes_read,
        codec,
    })
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
