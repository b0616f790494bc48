//! Plain text: a whole input is one document, or with a separator line, a stream of
//! documents, each ended by a line equal to the separator (kept in the output).

use std::io::{BufRead, Read};

use crate::error::{Error, Result};
use crate::lines;

/// How a text stream is cut into documents.
#[derive(Debug, Clone)]
pub struct TextOptions {
    /// A line whose content equals this ends a document; `None`: the stream is one
    /// document.
    pub separator: Option<Vec<u8>>,
    /// A document larger than this is an error, never truncated (default 64 MiB).
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
}

impl<R: BufRead> TextReader<R> {
    /// A reader over `reader`; `origin` names the input in errors.
    pub fn new(reader: R, origin: &str, options: TextOptions) -> Self {
        TextReader {
            reader,
            options,
            origin: origin.to_string(),
            documents: 0,
            done: false,
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

    fn too_large(&self) -> Error {
        Error::limit(format!(
            "{}: document {} is larger than the limit of {} bytes; \
             raise it with --max-doc-bytes (nothing was truncated)",
            self.origin, self.documents, self.options.max_doc_bytes
        ))
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
            return Err(self.too_large());
        }
        Ok(TextDocument {
            body,
            separator: Vec::new(),
        })
    }

    fn read_until_separator(&mut self, separator: &[u8]) -> Result<Option<TextDocument>> {
        let mut body = Vec::new();
        loop {
            let start = body.len();
            let read = self
                .reader
                .read_until(b'\n', &mut body)
                .map_err(|err| self.io_error(err))?;
            if read == 0 {
                self.done = true;
                return Ok((!body.is_empty()).then_some(TextDocument {
                    body,
                    separator: Vec::new(),
                }));
            }
            let line = lines::split(&body[start..])
                .next()
                .map(|l| l.content(&body[start..]));
            if line == Some(separator) {
                let separator = body.split_off(start);
                return Ok(Some(TextDocument { body, separator }));
            }
            if body.len() > self.options.max_doc_bytes {
                return Err(self.too_large());
            }
        }
    }
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

    #[test]
    fn oversized_documents_are_an_error_naming_the_flag() {
        let err = documents(b"0123456789", None, 5).unwrap_err().to_string();
        assert!(
            err.contains("in.txt: document 1") && err.contains("--max-doc-bytes"),
            "{err}"
        );
        let err = documents(b"ok\n---\n0123456789\n", Some("---"), 5)
            .unwrap_err()
            .to_string();
        assert!(err.contains("document 2"), "{err}");
        assert!(documents(b"12345", None, 5).is_ok());
    }
}
