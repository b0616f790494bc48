//! The keys a count table holds at or above a threshold: what the `frequent` detector
//! removes. Only those keys are loaded, so memory follows the boilerplate, not the corpus.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use super::{Scope, TableReader};
use crate::error::{Error, Result};
use crate::normal::KeyHasher;

/// Line keys found in at least `min_docs` documents of a counted corpus.
#[derive(Debug, Clone)]
pub struct FrequentLines {
    scope: Scope,
    min_docs: u64,
    documents: u64,
    keys: Arc<HashSet<u64, KeyHasher>>,
}

impl FrequentLines {
    /// Loads the keys of `table` counted in at least `min_docs` documents.
    pub fn load<R: Read>(mut table: TableReader<R>, min_docs: u64) -> Result<FrequentLines> {
        let header = table.header();
        let mut keys = HashSet::with_hasher(KeyHasher::default());
        while let Some((key, documents)) = table.next_entry()? {
            if documents >= min_docs {
                keys.insert(key);
            }
        }
        Ok(FrequentLines {
            scope: header.scope,
            min_docs,
            documents: header.documents,
            keys: Arc::new(keys),
        })
    }

    /// Opens and loads the table at `path`.
    pub fn from_path(path: &Path, min_docs: u64) -> Result<FrequentLines> {
        let file = File::open(path).map_err(|err| Error::io(path, err))?;
        let origin = path.display().to_string();
        FrequentLines::load(TableReader::new(BufReader::new(file), &origin)?, min_docs)
    }

    /// What the keys count (corpus-wide or per site).
    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// The threshold the keys were loaded with.
    pub fn min_docs(&self) -> u64 {
        self.min_docs
    }

    /// Documents the table counted.
    pub fn documents(&self) -> u64 {
        self.documents
    }

    /// Number of frequent keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True if no key reached the threshold.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// True if `key` is frequent.
    pub fn contains(&self, key: u64) -> bool {
        self.keys.contains(&key)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::counts::TableWriter;

    #[test]
    fn loads_only_keys_at_or_above_the_threshold() {
        let mut out = Cursor::new(Vec::new());
        let mut writer = TableWriter::new(&mut out, "t", Scope::Corpus, 10).unwrap();
        for (key, count) in [(1, 1), (2, 3), (3, 9)] {
            writer.push(key, count).unwrap();
        }
        writer.finish().unwrap();
        let bytes = out.into_inner();
        let frequent = FrequentLines::load(TableReader::new(&bytes[..], "t").unwrap(), 3).unwrap();
        assert_eq!(frequent.len(), 2);
        assert!(!frequent.contains(1) && frequent.contains(2) && frequent.contains(3));
        assert_eq!(
            (frequent.documents(), frequent.scope()),
            (10, Scope::Corpus)
        );
    }
}
