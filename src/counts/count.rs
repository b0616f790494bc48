//! `count`: for each document, the set of distinct keys of its non-blank lines; per key,
//! the number of documents containing it. When the in-memory map reaches its budget,
//! it is written as a sorted run to a temporary directory; runs are merged at the end,
//! so any input size counts in bounded memory.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Seek, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::merge::{MergeOptions, merge_tables};
use super::{Scope, TableHeader, TableReader, TableWriter};
use crate::error::{Error, Result};
use crate::lines;
use crate::normal::{self, KeyHasher};

/// Bytes one counted key costs in memory, map overhead and growth included; the budget
/// divided by this is how many keys are held before a run is spilled.
const BYTES_PER_KEY: usize = 48;

/// The distinct keys of `doc`'s non-blank lines, sorted, in `keys` (cleared first).
/// With a `site` (the document's host), keys are per site.
pub fn document_keys(doc: &[u8], site: Option<&str>, scratch: &mut Vec<u8>, keys: &mut Vec<u64>) {
    keys.clear();
    for line in lines::split(doc) {
        if let Some(key) = normal::line_key(line.content(doc), site, scratch) {
            keys.push(key);
        }
    }
    keys.sort_unstable();
    keys.dedup();
}

/// Accumulates document counts per key within a memory budget.
pub struct Counter {
    scope: Scope,
    counts: HashMap<u64, u64, KeyHasher>,
    documents: u64,
    spilled_documents: u64,
    max_keys: usize,
    spill_dir: PathBuf,
    spills: Vec<NamedTempFile>,
}

impl Counter {
    /// A counter for `scope` that holds about `memory_budget` bytes of keys before
    /// spilling sorted runs into `spill_dir`.
    pub fn new(scope: Scope, memory_budget: usize, spill_dir: &Path) -> Counter {
        Counter {
            scope,
            counts: HashMap::default(),
            documents: 0,
            spilled_documents: 0,
            max_keys: (memory_budget / BYTES_PER_KEY).max(1),
            spill_dir: spill_dir.to_path_buf(),
            spills: Vec::new(),
        }
    }

    /// Counts one document, given its distinct keys (see [`document_keys`]).
    pub fn add_document(&mut self, keys: &[u64]) -> Result<()> {
        self.documents += 1;
        for &key in keys {
            *self.counts.entry(key).or_default() += 1;
        }
        if self.counts.len() >= self.max_keys {
            self.spill()?;
        }
        Ok(())
    }

    /// Runs written to disk so far.
    pub fn spilled_runs(&self) -> usize {
        self.spills.len()
    }

    fn sorted(&mut self) -> Vec<(u64, u64)> {
        let mut entries: Vec<(u64, u64)> = self.counts.drain().collect();
        entries.sort_unstable();
        entries
    }

    fn write_sorted<W: Write + Seek>(&mut self, out: W, origin: &str) -> Result<TableHeader> {
        let documents = self.documents - self.spilled_documents;
        self.spilled_documents = self.documents;
        let mut writer = TableWriter::new(out, origin, self.scope, documents)?;
        for (key, count) in self.sorted() {
            writer.push(key, count)?;
        }
        writer.finish()
    }

    fn spill(&mut self) -> Result<()> {
        let dir = self.spill_dir.clone();
        let file = NamedTempFile::new_in(&dir).map_err(|err| Error::io(&dir, err))?;
        let origin = file.path().display().to_string();
        self.write_sorted(BufWriter::new(file.as_file()), &origin)?;
        self.spills.push(file);
        Ok(())
    }

    /// Writes the final table to `out` (named `origin` in errors).
    pub fn finish<W: Write + Seek>(mut self, out: W, origin: &str) -> Result<TableHeader> {
        if self.spills.is_empty() {
            return self.write_sorted(out, origin);
        }
        if !self.counts.is_empty() || self.documents > self.spilled_documents {
            self.spill()?;
        }
        let mut readers: Vec<TableReader<BufReader<File>>> = Vec::with_capacity(self.spills.len());
        for spill in &self.spills {
            let name = spill.path().display().to_string();
            let file: File = spill.reopen().map_err(|err| Error::io(spill.path(), err))?;
            readers.push(TableReader::new(BufReader::new(file), &name)?);
        }
        merge_tables(readers, out, origin, MergeOptions::default())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn count(docs: &[&str], budget: usize) -> (Vec<u8>, usize) {
        let dir = tempfile::tempdir().unwrap();
        let mut counter = Counter::new(Scope::Corpus, budget, dir.path());
        let (mut scratch, mut keys) = (Vec::new(), Vec::new());
        for doc in docs {
            document_keys(doc.as_bytes(), None, &mut scratch, &mut keys);
            counter.add_document(&keys).unwrap();
        }
        let runs = counter.spilled_runs();
        let mut out = Cursor::new(Vec::new());
        counter.finish(&mut out, "out").unwrap();
        (out.into_inner(), runs)
    }

    fn entries(table: &[u8]) -> Vec<u64> {
        let mut reader = TableReader::new(table, "t").unwrap();
        let mut counts = Vec::new();
        while let Some((_, count)) = reader.next_entry().unwrap() {
            counts.push(count);
        }
        counts.sort_unstable();
        counts
    }

    #[test]
    fn counts_documents_not_occurrences() {
        let (table, _) = count(
            &["Menu\nMenu\nStory one.\n", "menu!\nStory two.\n", "  \n"],
            1 << 20,
        );
        // "menu" in 2 documents; each story line in 1; blank lines have no key.
        assert_eq!(entries(&table), [1, 1, 2]);
        assert_eq!(
            TableReader::new(&table[..], "t")
                .unwrap()
                .header()
                .documents,
            3
        );
    }

    #[test]
    fn spilling_gives_the_same_table_byte_for_byte() {
        // Digits normalise to 0, so tell lines apart by letters.
        let letters = |i: usize| -> String {
            format!(
                "{}{}",
                (b'a' + (i % 26) as u8) as char,
                (b'a' + (i / 26) as u8) as char
            )
        };
        let docs: Vec<String> = (0..200)
            .map(|i| format!("Menu\nline {}\nword {}\n", letters(i % 7), letters(i)))
            .collect();
        let docs: Vec<&str> = docs.iter().map(String::as_str).collect();
        let (in_memory, runs) = count(&docs, 1 << 20);
        assert_eq!(runs, 0);
        let (spilled, runs) = count(&docs, BYTES_PER_KEY * 10);
        assert!(runs > 5, "only {runs} runs");
        assert_eq!(in_memory, spilled);
    }
}
