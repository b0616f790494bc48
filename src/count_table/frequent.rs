//! The keys a count table holds at or above a threshold: what the `frequent` detector
//! removes. Only those keys are loaded, so memory follows the boilerplate, not the corpus.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use super::{KeyRange, Scope, TableReader};
use crate::error::{Error, Result};
use crate::normal::KeyHasher;

/// Line keys found in at least `min_docs` documents of a counted corpus.
#[derive(Debug, Clone)]
pub struct FrequentLines {
    scope: Scope,
    min_docs: u64,
    documents: u64,
    /// Each frequent key and the number of documents it was counted in.
    keys: Arc<HashMap<u64, u64, KeyHasher>>,
}

impl FrequentLines {
    /// Loads the keys of the table read from `input` (named `origin` in errors) counted
    /// in at least `min_docs` documents. A table of one key range (one partition of a
    /// merge) is refused: every key outside it would pass as infrequent.
    pub fn from_reader(input: impl Read, origin: &str, min_docs: u64) -> Result<FrequentLines> {
        FrequentLines::load(TableReader::new(input, origin)?, min_docs)
    }

    pub(crate) fn load<R: Read>(mut table: TableReader<R>, min_docs: u64) -> Result<FrequentLines> {
        let header = table.header();
        if header.range != KeyRange::ALL {
            return Err(Error::table(
                table.origin(),
                format!(
                    "holds only the keys {:#018x}..={:#018x} (one partition of a merge); \
                     merge all the partitions into one table to clean with it",
                    header.range.first, header.range.last
                ),
            ));
        }
        let mut keys = HashMap::with_hasher(KeyHasher::default());
        while let Some((key, documents)) = table.next_entry()? {
            if documents >= min_docs {
                keys.insert(key, documents);
            }
        }
        Ok(FrequentLines {
            scope: header.scope,
            min_docs,
            documents: header.documents,
            keys: Arc::new(keys),
        })
    }

    /// Opens and loads the table at `path` (see [`FrequentLines::from_reader`]).
    pub fn from_path(path: &Path, min_docs: u64) -> Result<FrequentLines> {
        let file = File::open(path).map_err(|err| Error::io(path, err))?;
        let origin = path.display().to_string();
        FrequentLines::from_reader(BufReader::new(file), &origin, min_docs)
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
        self.keys.contains_key(&key)
    }

    /// The number of documents a frequent `key` was counted in; `None` when it is not
    /// frequent.
    pub fn documents_of(&self, key: u64) -> Option<u64> {
        self.keys.get(&key).copied()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::count_table::{Partition, TableWriter};

    fn table(range: KeyRange) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut writer = TableWriter::new(&mut out, "t", Scope::Corpus, 10, range).unwrap();
        for (key, count) in [(1, 1), (2, 3), (3, 9)] {
            writer.push(key, count).unwrap();
        }
        writer.finish().unwrap();
        out.into_inner()
    }

    #[test]
    fn a_table_of_one_partition_is_refused() {
        let range = Partition::parse("0/2").unwrap().range();
        let err = FrequentLines::from_reader(&table(range)[..], "part.bsc", 1)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("part.bsc: holds only the keys"), "{err}");
    }

    #[test]
    fn loads_only_keys_at_or_above_the_threshold() {
        let bytes = table(KeyRange::ALL);
        let frequent = FrequentLines::from_reader(&bytes[..], "t", 3).unwrap();
        assert_eq!(frequent.len(), 2);
        assert!(!frequent.contains(1) && frequent.contains(2) && frequent.contains(3));
        assert_eq!(frequent.documents_of(3), Some(9));
        assert_eq!(frequent.documents_of(1), None);
        assert_eq!(
            (frequent.documents(), frequent.scope()),
            (10, Scope::Corpus)
        );
    }
}
