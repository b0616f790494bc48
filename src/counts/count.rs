//! `count`: for each document, the set of distinct keys of its non-blank lines; per key,
//! the number of documents containing it. When the in-memory map reaches its budget,
//! it is written as a sorted run to a temporary directory; runs are merged at the end
//! (in passes of a bounded number of open files), so any input size counts in bounded
//! memory and with a bounded number of file descriptors.

use std::collections::HashMap;
use std::io::{BufWriter, Seek, Write};
use std::path::{Path, PathBuf};

use tempfile::{NamedTempFile, TempPath};

use super::Scope;
use crate::count_table::{KeyRange, Partition, TableHeader, TableWriter, Target, merge_runs};
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

/// Accumulates document counts per key within a memory budget, spilling sorted runs
/// to disk past it; [`Counter::finish`] writes the count table.
///
/// ```
/// use boilerstrip::count_table::Scope;
/// use boilerstrip::counts::{Counter, document_keys};
///
/// let spill = tempfile::tempdir()?;
/// let mut counter = Counter::new(Scope::Corpus, 64 << 20, spill.path());
/// let (mut scratch, mut keys) = (Vec::new(), Vec::new());
/// for doc in ["Menu\nStory one.\n", "Menu\nStory two.\n"] {
///     document_keys(doc.as_bytes(), None, &mut scratch, &mut keys);
///     counter.add_document(&keys)?;
/// }
/// let mut table = std::io::Cursor::new(Vec::new());
/// let header = counter.finish(&mut table, "counts.bsc", &|| false)?;
/// assert_eq!((header.documents, header.entries), (2, 3));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Counter {
    scope: Scope,
    counts: HashMap<u64, u64, KeyHasher>,
    documents: u64,
    max_keys: usize,
    spill_dir: PathBuf,
    /// Spilled runs, by path only: a run holds no open file until the final merge.
    spills: Vec<TempPath>,
}

impl Counter {
    /// A counter for `scope` that holds about `memory_budget` bytes of keys before
    /// spilling sorted runs into `spill_dir`.
    pub fn new(scope: Scope, memory_budget: usize, spill_dir: &Path) -> Counter {
        Counter {
            scope,
            counts: HashMap::default(),
            documents: 0,
            max_keys: (memory_budget / BYTES_PER_KEY).max(1),
            spill_dir: spill_dir.to_path_buf(),
            spills: Vec::new(),
        }
    }

    /// Counts one document, given its distinct keys (see [`document_keys`]).
    pub fn add_document(&mut self, keys: &[u64]) -> Result<()> {
        self.documents = self.documents.saturating_add(1);
        for &key in keys {
            let count = self.counts.entry(key).or_default();
            *count = count.saturating_add(1);
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

    /// The header of the finished table: every key, every document counted.
    fn target(&self) -> Target {
        Target {
            scope: self.scope,
            documents: self.documents,
            range: KeyRange::ALL,
        }
    }

    fn spill(&mut self) -> Result<()> {
        let dir = self.spill_dir.clone();
        let file = NamedTempFile::new_in(&dir).map_err(|err| Error::io(&dir, err))?;
        let origin = file.path().display().to_string();
        let mut writer = BufWriter::new(file.as_file());
        let entries = self.sorted();
        write_entries(&entries, &mut writer, &origin, self.target(), &|| false)?;
        writer.flush().map_err(|err| Error::io(file.path(), err))?;
        drop(writer);
        // Closed now; reopened by path in the final merge.
        self.spills.push(file.into_temp_path());
        Ok(())
    }

    /// Ends the counting: the counts, sorted, ready to be written whole or one hash
    /// partition at a time.
    pub fn into_counts(mut self) -> Result<Counts> {
        let mut entries = Vec::new();
        if self.spills.is_empty() {
            entries = self.sorted();
        } else if !self.counts.is_empty() {
            self.spill()?;
        }
        Ok(Counts {
            target: self.target(),
            entries,
            runs: self.spills,
            spill_dir: self.spill_dir,
        })
    }

    /// Writes the final table to `out` (named `origin` in errors); see
    /// [`Counts::write`].
    pub fn finish<W: Write + Seek>(
        self,
        out: W,
        origin: &str,
        should_stop: &dyn Fn() -> bool,
    ) -> Result<TableHeader> {
        self.into_counts()?.write(None, out, origin, should_stop)
    }
}

/// The counts of a finished [`Counter`]: sorted in memory, or as sorted runs on disk
/// (removed when this is dropped).
pub struct Counts {
    target: Target,
    entries: Vec<(u64, u64)>,
    runs: Vec<TempPath>,
    spill_dir: PathBuf,
}

impl Counts {
    /// Documents counted.
    pub fn documents(&self) -> u64 {
        self.target.documents
    }

    /// Writes the table of every key, or of the keys of `partition` only, to `out`
    /// (named `origin` in errors). A partition's table is the one `merge --partition`
    /// cuts from the whole table, byte for byte, and joining the tables of every
    /// partition gives back the whole table.
    ///
    /// Spilled runs are merged in passes of a bounded number of open files (the spill
    /// directory holding the intermediate runs), reading only the blocks of each run
    /// that can hold keys of `partition`. Once `should_stop` returns true, ends with an
    /// `Interrupted` error.
    pub fn write<W: Write + Seek>(
        &self,
        partition: Option<Partition>,
        out: W,
        origin: &str,
        should_stop: &dyn Fn() -> bool,
    ) -> Result<TableHeader> {
        let target = Target {
            range: partition.map_or(KeyRange::ALL, |partition| partition.range()),
            ..self.target
        };
        if self.runs.is_empty() {
            let from = self
                .entries
                .partition_point(|&(key, _)| key < target.range.first);
            let to = self
                .entries
                .partition_point(|&(key, _)| key <= target.range.last);
            return write_entries(&self.entries[from..to], out, origin, target, should_stop);
        }
        let runs: Vec<PathBuf> = self.runs.iter().map(|run| run.to_path_buf()).collect();
        merge_runs(&runs, out, origin, target, 1, &self.spill_dir, should_stop)
    }
}

/// Writes sorted `entries` as a table with the header `target`.
fn write_entries<W: Write + Seek>(
    entries: &[(u64, u64)],
    out: W,
    origin: &str,
    target: Target,
    should_stop: &dyn Fn() -> bool,
) -> Result<TableHeader> {
    let mut writer = TableWriter::new(out, origin, target.scope, target.documents, target.range)?;
    for (written, &(key, count)) in entries.iter().enumerate() {
        if written % (1 << 16) == 0 && should_stop() {
            return Err(Error::interrupted());
        }
        writer.push(key, count)?;
    }
    writer.finish()
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::count_table::TableReader;

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
        counter.finish(&mut out, "out", &|| false).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
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

#[cfg(test)]
mod bounded {
    use std::io::Cursor;

    use super::*;
    use crate::error::ErrorCategory;

    /// One key per document and a budget of one key: a run per document.
    fn counter_of(documents: u64, dir: &Path) -> Counter {
        counter_with(documents, dir, 1)
    }

    fn counter_with(documents: u64, dir: &Path, budget: usize) -> Counter {
        let mut counter = Counter::new(Scope::Corpus, budget, dir);
        for key in 0..documents {
            counter.add_document(&[key * 7919, u64::MAX]).unwrap();
        }
        counter
    }

    #[test]
    fn runs_hold_no_open_file_and_merge_in_passes() {
        let dir = tempfile::tempdir().unwrap();
        // More runs than the merge's fan-in: two passes.
        let counter = counter_of(150, dir.path());
        assert_eq!(counter.spilled_runs(), 150);
        let mut spilled = Cursor::new(Vec::new());
        let header = counter.finish(&mut spilled, "out", &|| false).unwrap();
        assert_eq!((header.documents, header.entries), (150, 151));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut in_memory = Counter::new(Scope::Corpus, 1 << 20, dir.path());
        for key in 0..150 {
            in_memory.add_document(&[key * 7919, u64::MAX]).unwrap();
        }
        let mut whole = Cursor::new(Vec::new());
        in_memory.finish(&mut whole, "out", &|| false).unwrap();
        assert_eq!(spilled.into_inner(), whole.into_inner());
    }

    #[test]
    fn partitions_of_the_counts_join_to_the_whole_table() {
        let mut written: Vec<(Vec<u8>, Vec<Vec<u8>>)> = Vec::new();
        for budget in [1 << 20, 1] {
            let dir = tempfile::tempdir().unwrap();
            let counts = counter_with(150, dir.path(), budget).into_counts().unwrap();
            let write = |partition| {
                let mut out = Cursor::new(Vec::new());
                counts.write(partition, &mut out, "t", &|| false).unwrap();
                out.into_inner()
            };
            let whole = write(None);
            let parts: Vec<Vec<u8>> = (0..3)
                .map(|index| write(Some(Partition { index, count: 3 })))
                .collect();
            let paths: Vec<PathBuf> = parts
                .iter()
                .enumerate()
                .map(|(i, part)| {
                    let path = dir.path().join(format!("part-{i}.bsc"));
                    std::fs::write(&path, part).unwrap();
                    path
                })
                .collect();
            let mut joined = Cursor::new(Vec::new());
            let options = crate::count_table::MergeOptions::default();
            crate::count_table::merge_files(
                &paths,
                &mut joined,
                "j",
                &options,
                dir.path(),
                &|| false,
            )
            .unwrap();
            assert_eq!(joined.into_inner(), whole, "budget {budget}");
            written.push((whole, parts));
        }
        // In memory or spilled, the same bytes.
        assert_eq!(written[0], written[1]);
    }

    #[test]
    fn a_stop_during_the_final_merge_removes_every_run() {
        let dir = tempfile::tempdir().unwrap();
        let counter = counter_of(100, dir.path());
        let err = counter
            .finish(Cursor::new(Vec::new()), "out", &|| true)
            .unwrap_err();
        assert_eq!(err.category(), ErrorCategory::Interrupted);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn counts_saturate_instead_of_wrapping() {
        let dir = tempfile::tempdir().unwrap();
        let mut counter = Counter::new(Scope::Corpus, 1 << 20, dir.path());
        counter.documents = u64::MAX - 1;
        counter.counts.insert(5, u64::MAX - 1);
        counter.add_document(&[5]).unwrap();
        counter.add_document(&[5]).unwrap();
        let mut out = Cursor::new(Vec::new());
        let header = counter.finish(&mut out, "out", &|| false).unwrap();
        assert_eq!(header.documents, u64::MAX);
        let bytes = out.into_inner();
        assert_eq!(bytes[56 + 8..56 + 16], u64::MAX.to_le_bytes());
    }
}
