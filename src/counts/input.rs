//! How the documents of a corpus become line keys: the scope and the fields to read. The
//! scan that applies these runs on the pipeline's batch driver
//! (`pipeline::scan::count_input`).

use super::Scope;
use crate::formats::jsonl::FieldPath;
use crate::normal::host_of;

/// How documents become keys.
#[derive(Debug, Clone)]
pub struct KeyOptions {
    /// Corpus-wide keys, or per site (the host of the document's URL; documents without
    /// a URL all count as one site with an empty name).
    pub scope: Scope,
    /// Where a JSONL record keeps its text (default `text`).
    pub text_field: FieldPath,
    /// Where a JSONL record keeps its URL (default `url`).
    pub url_field: FieldPath,
    /// Records are read in batches of about this many bytes (default 4 MiB).
    pub batch_bytes: usize,
}

impl Default for KeyOptions {
    fn default() -> Self {
        KeyOptions {
            scope: Scope::Corpus,
            text_field: FieldPath::parse("text").expect("a valid path"),
            url_field: FieldPath::parse("url").expect("a valid path"),
            batch_bytes: 4 << 20,
        }
    }
}

impl KeyOptions {
    /// The site a document with `url` is counted under: none for corpus scope, else the
    /// URL's host, or `""` when it has none.
    pub fn site<'a>(&self, url: Option<&'a str>) -> Option<&'a str> {
        match self.scope {
            Scope::Corpus => None,
            Scope::Site => Some(url.and_then(host_of).unwrap_or("")),
        }
    }
}
