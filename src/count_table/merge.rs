//! Merging count tables: a streaming k-way merge — counts summed per key (saturating),
//! optionally pruned below a threshold and cut to one hash partition — done in passes of
//! at most [`FAN_IN`] tables, so that any number of tables merges with a few dozen files
//! open. Merging is associative and commutative.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

use tempfile::{NamedTempFile, TempPath};

use super::{KeyRange, Partition, Scope, TableHeader, TableReader, TableWriter, read_header};
use crate::error::{Error, Result};

/// Tables merged at once. Each pass merges groups of this many into temporary runs, so
/// a merge holds at most this many inputs plus one output open, whatever the number of
/// tables (the common limit of 1,024 descriptors, or 256, is never approached).
pub(crate) const FAN_IN: usize = 64;

/// Entries merged between two looks at the stop flag.
const STOP_EVERY: u64 = 1 << 16;

/// What a merge keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct MergeOptions {
    /// Keep only keys found in at least this many documents (default 1: all).
    pub min_docs: u64,
    /// Keep only one hash partition (default: all keys). Only the blocks of each table
    /// that can hold keys of the partition are read.
    pub partition: Option<Partition>,
}

impl Default for MergeOptions {
    fn default() -> Self {
        MergeOptions {
            min_docs: 1,
            partition: None,
        }
    }
}

impl MergeOptions {
    /// Keeps only keys found in at least `min_docs` documents.
    pub fn min_docs(mut self, min_docs: u64) -> Self {
        self.min_docs = min_docs;
        self
    }

    /// Keeps only the keys of `partition`.
    pub fn partition(mut self, partition: Option<Partition>) -> Self {
        self.partition = partition;
        self
    }
}

/// The header a merge writes (less the entry count), decided from the inputs' headers
/// before any entry is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) scope: Scope,
    pub(crate) documents: u64,
    pub(crate) range: KeyRange,
}

/// Merges the tables at `tables` into one table written to `out` (named `origin` in
/// errors), holding at most 64 tables open at once; intermediate runs go to
/// `temp_dir` and are removed before returning, also on error.
///
/// The header is decided first, from the tables' headers alone, and the merge is refused
/// before reading any entry when:
/// - a table is given twice (the same file under two names would count twice);
/// - the tables' scopes differ;
/// - their key ranges overlap without being equal, leave a gap, or disjoint ranges
///   (partitions of one corpus) record different document counts.
///
/// Tables of one key range are counts of different documents: their `documents` add
/// up. Tables of adjacent ranges are partitions of one corpus: the result holds the
/// union of the ranges and counts the corpus's documents once. With a partition in
/// `options`, only the blocks of each table that can hold its keys are read.
///
/// Once `should_stop` returns true the merge ends with an `Interrupted` error.
pub fn merge_files<W: Write + Seek>(
    tables: &[PathBuf],
    out: W,
    origin: &str,
    options: &MergeOptions,
    temp_dir: &Path,
    should_stop: &dyn Fn() -> bool,
) -> Result<TableHeader> {
    refuse_duplicates(tables)?;
    let mut headers = Vec::with_capacity(tables.len());
    for path in tables {
        headers.push((path.display().to_string(), read_header(path)?));
    }
    let target = plan(&headers, options.partition)?;
    merge_runs(
        tables,
        out,
        origin,
        target,
        options.min_docs,
        temp_dir,
        should_stop,
    )
}

/// Merges the tables at `runs` into `out` with the header `target`, keeping keys in at
/// least `min_docs` documents, in passes of at most [`FAN_IN`] tables (intermediate runs
/// in `temp_dir`). Only keys in `target.range` are read.
pub(crate) fn merge_runs<W: Write + Seek>(
    runs: &[PathBuf],
    out: W,
    origin: &str,
    target: Target,
    min_docs: u64,
    temp_dir: &Path,
    should_stop: &dyn Fn() -> bool,
) -> Result<TableHeader> {
    let mut level: Vec<PathBuf> = runs.to_vec();
    // The runs of the previous pass, removed once the next pass has consumed them.
    let mut _held: Vec<TempPath> = Vec::new();
    while level.len() > FAN_IN {
        let intermediate = Target {
            documents: 0,
            ..target
        };
        let mut next = Vec::with_capacity(level.len().div_ceil(FAN_IN));
        for group in level.chunks(FAN_IN) {
            let temp = NamedTempFile::new_in(temp_dir).map_err(|err| Error::io(temp_dir, err))?;
            let name = temp.path().display().to_string();
            let mut writer = BufWriter::new(temp.as_file());
            merge_group(group, &mut writer, &name, intermediate, 1, should_stop)?;
            writer.flush().map_err(|err| Error::io(temp.path(), err))?;
            drop(writer);
            next.push(temp.into_temp_path());
        }
        level = next.iter().map(|path| path.to_path_buf()).collect();
        _held = next;
    }
    merge_group(&level, out, origin, target, min_docs, should_stop)
}

/// One k-way merge of at most [`FAN_IN`] tables.
fn merge_group<W: Write + Seek>(
    paths: &[PathBuf],
    out: W,
    origin: &str,
    target: Target,
    min_docs: u64,
    should_stop: &dyn Fn() -> bool,
) -> Result<TableHeader> {
    let mut inputs = Vec::with_capacity(paths.len());
    for path in paths {
        let file = File::open(path).map_err(|err| Error::io(path, err))?;
        let name = path.display().to_string();
        inputs.push(TableReader::for_range(
            BufReader::new(file),
            &name,
            target.range,
        )?);
    }
    let mut writer = TableWriter::new(out, origin, target.scope, target.documents, target.range)?;
    merge_readers(inputs, min_docs, should_stop, |key, total| {
        writer.push(key, total)
    })?;
    writer.finish()
}

/// Merges `inputs` key by key, calling `emit` with each key found in at least
/// `min_docs` documents (summed, saturating at `u64::MAX`), in ascending key order.
fn merge_readers<R: Read>(
    mut inputs: Vec<TableReader<R>>,
    min_docs: u64,
    should_stop: &dyn Fn() -> bool,
    mut emit: impl FnMut(u64, u64) -> Result<()>,
) -> Result<()> {
    let mut heap = BinaryHeap::with_capacity(inputs.len());
    for (index, input) in inputs.iter_mut().enumerate() {
        if let Some((key, count)) = input.next_entry()? {
            heap.push(Reverse((key, index, count)));
        }
    }
    let mut merged: u64 = 0;
    while let Some(Reverse((key, index, mut total))) = heap.pop() {
        merged += 1;
        if merged.is_multiple_of(STOP_EVERY) && should_stop() {
            return Err(Error::interrupted());
        }
        refill(&mut heap, &mut inputs[index], index)?;
        while let Some(&Reverse((next_key, next_index, count))) = heap.peek() {
            if next_key != key {
                break;
            }
            heap.pop();
            total = total.saturating_add(count);
            refill(&mut heap, &mut inputs[next_index], next_index)?;
        }
        if total >= min_docs {
            emit(key, total)?;
        }
    }
    if should_stop() {
        return Err(Error::interrupted());
    }
    Ok(())
}

fn refill<R: Read>(
    heap: &mut BinaryHeap<Reverse<(u64, usize, u64)>>,
    input: &mut TableReader<R>,
    index: usize,
) -> Result<()> {
    if let Some((key, count)) = input.next_entry()? {
        heap.push(Reverse((key, index, count)));
    }
    Ok(())
}

/// The header of the merge of tables with `headers` (named by the first of each pair),
/// cut to `partition`; see [`merge_files`] for the rules.
pub(crate) fn plan(
    headers: &[(String, TableHeader)],
    partition: Option<Partition>,
) -> Result<Target> {
    let Some((first_name, first)) = headers.first() else {
        return Ok(Target {
            scope: Scope::Corpus,
            documents: 0,
            range: partition.map_or(KeyRange::ALL, |p| p.range()),
        });
    };
    if let Some((name, other)) = headers.iter().find(|(_, h)| h.scope != first.scope) {
        return Err(Error::table(
            name,
            format!(
                "scope {:?} differs from {first_name}'s {:?}; tables of different scopes \
                 cannot be merged",
                other.scope, first.scope
            ),
        ));
    }
    // Documents per key range, in range order, with a table of each to name.
    let mut ranges: Vec<(KeyRange, u64, &str)> = Vec::new();
    let mut by_range: HashMap<KeyRange, usize> = HashMap::new();
    for (name, header) in headers {
        match by_range.get(&header.range) {
            Some(&at) => ranges[at].1 = ranges[at].1.saturating_add(header.documents),
            None => {
                by_range.insert(header.range, ranges.len());
                ranges.push((header.range, header.documents, name));
            }
        }
    }
    ranges.sort_unstable_by_key(|(range, _, _)| *range);
    for pair in ranges.windows(2) {
        let ((left, left_docs, left_name), (right, right_docs, right_name)) = (pair[0], pair[1]);
        let describe =
            |range: KeyRange| format!("keys {:#018x}..={:#018x}", range.first, range.last);
        if left.last >= right.first {
            return Err(Error::config(format!(
                "{left_name} holds {} and {right_name} holds {}: key ranges that overlap \
                 without being equal cannot be merged",
                describe(left),
                describe(right)
            )));
        }
        if left.last + 1 != right.first {
            return Err(Error::config(format!(
                "{left_name} holds {} and {right_name} holds {}: the partitions between \
                 them are missing (a table holds one contiguous key range)",
                describe(left),
                describe(right)
            )));
        }
        if left_docs != right_docs {
            return Err(Error::config(format!(
                "{left_name} (with the tables of its key range) counted {left_docs} \
                 documents but {right_name} counted {right_docs}: partitions of one corpus \
                 record the same documents, so these are not partitions of one corpus"
            )));
        }
    }
    let union = KeyRange {
        first: ranges[0].0.first,
        last: ranges[ranges.len() - 1].0.last,
    };
    let range = match partition {
        None => union,
        Some(partition) => partition.range().intersect(&union).ok_or_else(|| {
            Error::config(format!(
                "--partition {}/{} holds no key of the tables' range",
                partition.index, partition.count
            ))
        })?,
    };
    Ok(Target {
        scope: first.scope,
        documents: ranges[0].1,
        range,
    })
}

/// Refuses a table given twice, under the same name or another one (a link, `./`).
fn refuse_duplicates(tables: &[PathBuf]) -> Result<()> {
    let mut seen: HashMap<FileId, &Path> = HashMap::with_capacity(tables.len());
    for path in tables {
        let metadata = std::fs::metadata(path).map_err(|err| Error::io(path, err))?;
        if !metadata.is_file() {
            return Err(Error::table(
                &path.display().to_string(),
                "not a regular file (count tables are read by seeking to their key ranges)"
                    .to_string(),
            ));
        }
        let id = file_id(path, &metadata)?;
        if let Some(earlier) = seen.insert(id, path) {
            return Err(Error::config(format!(
                "{} and {} are the same table: merging a table with itself would count its \
                 lines twice",
                earlier.display(),
                path.display()
            )));
        }
    }
    Ok(())
}

#[cfg(unix)]
type FileId = (u64, u64);

#[cfg(unix)]
fn file_id(_: &Path, metadata: &std::fs::Metadata) -> Result<FileId> {
    use std::os::unix::fs::MetadataExt;
    Ok((metadata.dev(), metadata.ino()))
}

#[cfg(not(unix))]
type FileId = PathBuf;

#[cfg(not(unix))]
fn file_id(path: &Path, _: &std::fs::Metadata) -> Result<FileId> {
    std::fs::canonicalize(path).map_err(|err| Error::io(path, err))
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::io::Cursor;

    use super::*;
    use crate::error::ErrorCategory;

    fn table(scope: Scope, documents: u64, range: KeyRange, entries: &[(u64, u64)]) -> Vec<u8> {
        let mut cursor = Cursor::new(Vec::new());
        let mut writer = TableWriter::new(&mut cursor, "t", scope, documents, range).unwrap();
        for &(key, count) in entries {
            writer.push(key, count).unwrap();
        }
        writer.finish().unwrap();
        cursor.into_inner()
    }

    fn corpus(documents: u64, entries: &[(u64, u64)]) -> Vec<u8> {
        table(Scope::Corpus, documents, KeyRange::ALL, entries)
    }

    /// Writes `tables` as files and merges them.
    fn merged(tables: &[Vec<u8>], options: MergeOptions) -> Result<Vec<u8>> {
        merged_with(tables, options, &|| false)
    }

    fn merged_with(
        tables: &[Vec<u8>],
        options: MergeOptions,
        should_stop: &dyn Fn() -> bool,
    ) -> Result<Vec<u8>> {
        let dir = tempfile::tempdir().unwrap();
        let paths: Vec<PathBuf> = tables
            .iter()
            .enumerate()
            .map(|(i, bytes)| {
                let path = dir.path().join(format!("in{i}"));
                std::fs::write(&path, bytes).unwrap();
                path
            })
            .collect();
        let temp = dir.path().join("temp");
        std::fs::create_dir(&temp).unwrap();
        let mut out = Cursor::new(Vec::new());
        let result = merge_files(&paths, &mut out, "out", &options, &temp, should_stop);
        assert_eq!(
            std::fs::read_dir(&temp).unwrap().count(),
            0,
            "intermediate runs left behind"
        );
        result.map(|_| out.into_inner())
    }

    #[test]
    fn sums_counts_and_documents() {
        let a = corpus(3, &[(1, 1), (5, 2)]);
        let b = corpus(4, &[(1, 3), (7, 1)]);
        let want = corpus(7, &[(1, 4), (5, 2), (7, 1)]);
        assert_eq!(
            merged(&[a.clone(), b.clone()], MergeOptions::default()).unwrap(),
            want
        );
        assert_eq!(merged(&[b, a], MergeOptions::default()).unwrap(), want);
    }

    #[test]
    fn counts_saturate_instead_of_wrapping() {
        let a = corpus(u64::MAX - 1, &[(1, u64::MAX - 1), (2, 1)]);
        let b = corpus(5, &[(1, 7), (2, 1)]);
        let want = corpus(u64::MAX, &[(1, u64::MAX), (2, 2)]);
        assert_eq!(merged(&[a, b], MergeOptions::default()).unwrap(), want);
    }

    #[test]
    fn more_tables_than_the_fan_in_merge_in_passes_to_the_same_bytes() {
        let n = FAN_IN * 2 + 3;
        let tables: Vec<Vec<u8>> = (0..n as u64)
            .map(|i| corpus(1, &[(0, 1), (i + 1, 1), (i * 1000 + 5000, 1)]))
            .collect();
        let mut want: Vec<(u64, u64)> = vec![(0, n as u64)];
        want.extend((0..n as u64).map(|i| (i + 1, 1)));
        want.extend((0..n as u64).map(|i| (i * 1000 + 5000, 1)));
        want.sort_unstable();
        let merged = merged(&tables, MergeOptions::default().min_docs(1)).unwrap();
        assert_eq!(merged, corpus(n as u64, &want));
    }

    #[test]
    fn a_stop_ends_every_pass_and_leaves_no_runs() {
        let n = FAN_IN + 1;
        let tables: Vec<Vec<u8>> = (0..n as u64)
            .map(|i| corpus(1, &(0..2048).map(|k| (k * 256 + i, 1)).collect::<Vec<_>>()))
            .collect();
        // 64 tables of 2,048 keys: two looks inside the first group and one at its end.
        // Stops on the first look, in the middle of the first pass.
        let err = merged_with(&tables, MergeOptions::default(), &|| true).unwrap_err();
        assert_eq!(err.category(), ErrorCategory::Interrupted);
        // Stops in the final pass, after the intermediate runs were written.
        let looks = Cell::new(0);
        let later = || {
            looks.set(looks.get() + 1);
            looks.get() > 4
        };
        let err = merged_with(&tables, MergeOptions::default(), &later).unwrap_err();
        assert_eq!(err.category(), ErrorCategory::Interrupted);
    }

    #[test]
    fn prunes_and_partitions() {
        let a = corpus(3, &[(1, 1), (5, 2), (u64::MAX, 9)]);
        let pruned = merged(
            std::slice::from_ref(&a),
            MergeOptions::default().min_docs(2),
        )
        .unwrap();
        assert_eq!(pruned, corpus(3, &[(5, 2), (u64::MAX, 9)]));
        let high = Partition::parse("1/2").unwrap();
        let upper = merged(&[a], MergeOptions::default().partition(Some(high))).unwrap();
        assert_eq!(
            upper,
            table(Scope::Corpus, 3, high.range(), &[(u64::MAX, 9)])
        );
    }

    #[test]
    fn joining_partitions_counts_documents_once_and_gives_back_the_whole() {
        let whole = corpus(
            8,
            &[
                (1, 1),
                (u64::MAX / 2, 3),
                (u64::MAX / 2 + 1, 2),
                (u64::MAX, 8),
            ],
        );
        let parts: Vec<Vec<u8>> = ["0/2", "1/2"]
            .iter()
            .map(|p| {
                let partition = Some(Partition::parse(p).unwrap());
                merged(
                    std::slice::from_ref(&whole),
                    MergeOptions::default().partition(partition),
                )
                .unwrap()
            })
            .collect();
        assert_eq!(merged(&parts, MergeOptions::default()).unwrap(), whole);
        assert_eq!(
            merged(
                &[parts[1].clone(), parts[0].clone()],
                MergeOptions::default()
            )
            .unwrap(),
            whole
        );
        // Partitions of two shards: each range sums its shards, the ranges join.
        let half = corpus(3, &[(2, 1), (u64::MAX, 2)]);
        let shard_parts: Vec<Vec<u8>> = ["0/2", "1/2"]
            .iter()
            .flat_map(|p| {
                let partition = Some(Partition::parse(p).unwrap());
                [&whole, &half].map(|t| {
                    merged(
                        std::slice::from_ref(t),
                        MergeOptions::default().partition(partition),
                    )
                    .unwrap()
                })
            })
            .collect();
        assert_eq!(
            merged(&shard_parts, MergeOptions::default()).unwrap(),
            merged(&[whole, half], MergeOptions::default()).unwrap()
        );
    }

    #[test]
    fn ranges_that_cannot_be_joined_are_refused_before_any_work() {
        let part = |p: &str, documents: u64| {
            let range = Partition::parse(p).unwrap().range();
            table(Scope::Corpus, documents, range, &[])
        };
        for (tables, says) in [
            (
                vec![part("0/2", 4), part("0/3", 4)],
                "overlap without being equal",
            ),
            (
                vec![part("0/4", 4), part("2/4", 4)],
                "partitions between them are missing",
            ),
            (
                vec![part("0/2", 4), part("1/2", 5)],
                "not partitions of one corpus",
            ),
        ] {
            let err = merged(&tables, MergeOptions::default())
                .unwrap_err()
                .to_string();
            assert!(err.contains(says), "{err}");
        }
        let err = merged(
            &[part("0/2", 4)],
            MergeOptions::default().partition(Some(Partition::parse("1/2").unwrap())),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("holds no key"), "{err}");
    }

    #[test]
    fn the_same_table_twice_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.bsc");
        std::fs::write(&path, corpus(1, &[(1, 1)])).unwrap();
        let again = dir.path().join(".").join("t.bsc");
        let err = merge_files(
            &[path, again],
            Cursor::new(Vec::new()),
            "out",
            &MergeOptions::default(),
            dir.path(),
            &|| false,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("are the same table"), "{err}");
    }

    #[test]
    fn mixed_scopes_are_refused() {
        let a = corpus(1, &[(1, 1)]);
        let b = table(Scope::Site, 1, KeyRange::ALL, &[(1, 1)]);
        let err = merged(&[a, b], MergeOptions::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("in1: scope Site differs"), "{err}");
    }
}
