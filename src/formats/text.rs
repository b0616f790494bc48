//! Plain text: a whole input is one document, or with a separator line, a stream of
//! documents, each ended by a line equal to the separator (kept in the output).

use std::io::{BufRead, Read};
use std::ops::Range;

use memchr::memmem;

use super::{Format, Place, SizeLimit, sniff};
use crate::error::{Error, Result};

/// How a text stream is cut into documents.
#[derive(Debug, Clone)]
pub struct TextOptions {
    /// A line whose content equals this ends a document; `None`: the stream is one
    /// document.
    pub separator: Option<Vec<u8>>,
    /// A document larger than this is an error, never truncated (default 64 MiB); the
    /// same limit bounds a JSONL line and a WARC block read whole.
    pub max_doc_bytes: usize,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            separator: None,
            max_doc_bytes: 64 << 20,
        }
    }
}

/// One document of a text stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextDocument {
    /// The text to clean.
    pub body: Vec<u8>,
    /// The separator line that ended it, terminator included (empty if none); written
    /// back after the cleaned body.
    pub separator: Vec<u8>,
}

/// Reads documents from a text stream.
#[derive(Debug)]
pub struct TextReader<R> {
    reader: R,
    options: TextOptions,
    origin: String,
    documents: u64,
    done: bool,
    /// A line break followed by the separator: where a separator line can start.
    needle: Vec<u8>,
}

impl<R: BufRead> TextReader<R> {
    /// A reader over `reader`; `origin` names the input in errors.
    pub fn new(reader: R, origin: &str, options: TextOptions) -> Self {
        let needle = [
            b"\n".as_slice(),
            options.separator.as_deref().unwrap_or_default(),
        ]
        .concat();
        TextReader {
            reader,
            options,
            origin: origin.to_string(),
            documents: 0,
            done: false,
            needle,
        }
    }

    /// The next document, or `None` at the end. Without a separator a stream is exactly
    /// one document, even when empty.
    pub fn next_document(&mut self) -> Result<Option<TextDocument>> {
        if self.done {
            return Ok(None);
        }
        self.documents += 1;
        let doc = match self.options.separator.clone() {
            None => {
                self.done = true;
                Some(self.read_whole()?)
            }
            Some(separator) => self.read_until_separator(&separator)?,
        };
        Ok(doc)
    }

    /// The error for document `body`, cut short over the limit; it says which format
    /// the document looks like when that is not text.
    fn too_large(&self, body: &[u8]) -> Error {
        let looks_like = sniff::format_of(body).map(Format::name);
        let size = SizeLimit::new(self.options.max_doc_bytes, looks_like);
        Error::too_large(&self.origin, Place::Document(self.documents), size)
    }

    fn io_error(&self, err: std::io::Error) -> Error {
        Error::io(&self.origin, err)
    }

    fn read_whole(&mut self) -> Result<TextDocument> {
        let mut body = Vec::new();
        let limit = self.options.max_doc_bytes as u64 + 1;
        (&mut self.reader)
            .take(limit)
            .read_to_end(&mut body)
            .map_err(|err| self.io_error(err))?;
        if body.len() > self.options.max_doc_bytes {
            return Err(self.too_large(&body));
        }
        Ok(TextDocument {
            body,
            separator: Vec::new(),
        })
    }

    /// Reads up to and including the next separator line. The input is searched a
    /// buffer at a time for the separator after a line break, so that a document costs
    /// one copy, not one read per line.
    fn read_until_separator(&mut self, separator: &[u8]) -> Result<Option<TextDocument>> {
        let finder = memmem::Finder::new(&self.needle);
        let mut body = Vec::new();
        // Where the last, unfinished line of `body` starts (`body.len()` at a line start).
        let mut line_start = 0;
        loop {
            let chunk = match self.reader.fill_buf() {
                Ok(chunk) => chunk,
                Err(err) => return Err(Error::io(&self.origin, err)),
            };
            if chunk.is_empty() {
                self.done = true;
                if body.is_empty() {
                    return Ok(None);
                }
                let separator = if body[line_start..] == *separator {
                    body.split_off(line_start)
                } else {
                    Vec::new()
                };
                return Ok(Some(TextDocument { body, separator }));
            }
            let (taken, found) = if line_start < body.len() {
                // Finish the line begun in an earlier buffer before searching this one.
                let end = memchr::memchr(b'\n', chunk).map_or(chunk.len(), |i| i + 1);
                body.extend_from_slice(&chunk[..end]);
                let done = body.last() == Some(&b'\n');
                let line = &body[line_start..];
                if done && line_content(line) == separator {
                    (end, Some(body.split_off(line_start)))
                } else {
                    if done {
                        line_start = body.len();
                    }
                    (end, None)
                }
            } else {
                match find_separator_line(chunk, separator, &finder) {
                    Found::Line(range) => {
                        body.extend_from_slice(&chunk[..range.start]);
                        (range.end, Some(chunk[range].to_vec()))
                    }
                    Found::Undecided(at) | Found::Nothing(at) => {
                        body.extend_from_slice(chunk);
                        line_start = body.len() - (chunk.len() - at);
                        (chunk.len(), None)
                    }
                }
            };
            self.reader.consume(taken);
            if let Some(separator) = found {
                return Ok(Some(TextDocument { body, separator }));
            }
            if body.len() > self.options.max_doc_bytes {
                return Err(self.too_large(&body));
            }
        }
    }
}

/// What a buffer that starts at a line start holds of a separator line.
enum Found {
    /// A whole separator line, terminator included.
    Line(Range<usize>),
    /// A line from this offset to the end of the buffer that may be a separator line,
    /// depending on what follows.
    Undecided(usize),
    /// No separator line; the buffer's last, unfinished line starts at this offset.
    Nothing(usize),
}

/// Finds the first separator line in `chunk`, which starts at a line start; `finder`
/// looks for a line break followed by the separator.
fn find_separator_line(chunk: &[u8], separator: &[u8], finder: &memmem::Finder<'_>) -> Found {
    let mut candidate = chunk.starts_with(separator).then_some(0);
    let mut from = 0;
    loop {
        let start = match candidate.take() {
            Some(start) => start,
            None => match finder.find(&chunk[from..]) {
                Some(i) => from + i + 1,
                None => {
                    let last_line = memchr::memrchr(b'\n', chunk).map_or(0, |i| i + 1);
                    return Found::Nothing(last_line);
                }
            },
        };
        let after = &chunk[start + separator.len()..];
        match after {
            [b'\n', ..] => return Found::Line(start..start + separator.len() + 1),
            [b'\r', b'\n', ..] => return Found::Line(start..start + separator.len() + 2),
            [] | [b'\r'] => return Found::Undecided(start),
            _ => from = start,
        }
    }
}

/// A line without its terminator (`\n` or `\r\n`).
fn line_content(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn documents(input: &[u8], separator: Option<&str>, max: usize) -> Result<Vec<TextDocument>> {
        let options = TextOptions {
            separator: separator.map(|s| s.as_bytes().to_vec()),
            max_doc_bytes: max,
        };
        let mut reader = TextReader::new(input, "in.txt", options);
        let mut docs = Vec::new();
        while let Some(doc) = reader.next_document()? {
            docs.push(doc);
        }
        Ok(docs)
    }

    #[test]
    fn without_separator_the_stream_is_one_document() {
        let docs = documents(b"a\nb", None, 100).unwrap();
        assert_eq!(
            docs,
            [TextDocument {
                body: b"a\nb".to_vec(),
                separator: vec![]
            }]
        );
        assert_eq!(documents(b"", None, 100).unwrap().len(), 1);
    }

    #[test]
    fn separator_lines_end_documents_and_are_kept() {
        let docs = documents(b"a\n---\r\nb\n---\n", Some("---"), 100).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].body, b"a\n");
        assert_eq!(docs[0].separator, b"---\r\n");
        assert_eq!(docs[1].body, b"b\n");
        let tail = documents(b"a\n---\nb", Some("---"), 100).unwrap();
        assert_eq!(tail[1].body, b"b");
        assert!(tail[1].separator.is_empty());
    }

    /// Cuts `input` line by line: the reference the buffered search must agree with.
    fn naive(input: &[u8], separator: &[u8]) -> Vec<TextDocument> {
        let mut docs = Vec::new();
        let mut body = Vec::new();
        for line in input.split_inclusive(|&b| b == b'\n') {
            if line_content(line) == separator && (line.ends_with(b"\n") || line == separator) {
                docs.push(TextDocument {
                    body: std::mem::take(&mut body),
                    separator: line.to_vec(),
                });
            } else {
                body.extend_from_slice(line);
            }
        }
        if !body.is_empty() {
            docs.push(TextDocument {
                body,
                separator: Vec::new(),
            });
        }
        docs
    }

    #[test]
    fn separator_lines_are_found_across_buffer_boundaries() {
        let inputs: &[&[u8]] = &[
            b"a\n---\nb\n---\n",
            b"---\n---\r\na---\n----\n--\n---",
            b"one\r\n---\r\n\r\ntwo\n---\rx\n---\r",
            b"\n---\n\n---\n\n",
            b"no separator at all\nonly - and -- here\n",
        ];
        for input in inputs {
            let expected = naive(input, b"---");
            for capacity in 1..12 {
                let reader = std::io::BufReader::with_capacity(capacity, *input);
                let options = TextOptions {
                    separator: Some(b"---".to_vec()),
                    max_doc_bytes: 100,
                };
                let mut reader = TextReader::new(reader, "in.txt", options);
                let mut docs = Vec::new();
                while let Some(doc) = reader.next_document().unwrap() {
                    docs.push(doc);
                }
                assert_eq!(
                    docs,
                    expected,
                    "{:?} at capacity {capacity}",
                    String::from_utf8_lossy(input)
                );
            }
        }
    }

    #[test]
    fn oversized_documents_are_an_error_naming_the_document_and_the_limit() {
        let err = documents(b"0123456789", None, 5).unwrap_err();
        assert_eq!(
            err.to_string(),
            "in.txt: document 1 is larger than the limit of 5 bytes (nothing was truncated)"
        );
        assert_eq!(err.size_limit(), Some(&SizeLimit::new(5, None)));
        let warc = documents(b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", None, 10).unwrap_err();
        let size = warc.size_limit().unwrap();
        assert_eq!(size.looks_like, Some("warc"));
        let err = documents(b"ok\n---\n0123456789\n", Some("---"), 5)
            .unwrap_err()
            .to_string();
        assert!(err.contains("document 2"), "{err}");
        assert!(documents(b"12345", None, 5).is_ok());
    }
}
