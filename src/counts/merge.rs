//! `merge`: a streaming k-way merge of count tables — counts summed per key, optionally
//! pruned below a threshold and cut to one hash partition, so that a merge can be split
//! across workers. Merging is associative and commutative.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{Read, Seek, Write};

use super::{Scope, TableHeader, TableReader, TableWriter};
use crate::error::{Error, Result};

/// One of `count` equal ranges of the 64-bit key space; partition `index` holds the keys
/// `k` with `k * count / 2^64 == index`, so partitions are contiguous and in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    /// Which range, from 0.
    pub index: u32,
    /// How many ranges.
    pub count: u32,
}

impl Partition {
    /// Parses `I/N` with `I < N`.
    pub fn parse(text: &str) -> Result<Partition> {
        let bad = || {
            Error::config(format!(
                "--partition {text}: expected I/N with 0 <= I < N, e.g. 0/4"
            ))
        };
        let (index, count) = text.split_once('/').ok_or_else(bad)?;
        let index: u32 = index.trim().parse().map_err(|_| bad())?;
        let count: u32 = count.trim().parse().map_err(|_| bad())?;
        if index >= count {
            return Err(bad());
        }
        Ok(Partition { index, count })
    }

    /// True if `key` falls in this partition.
    pub fn contains(&self, key: u64) -> bool {
        ((u128::from(key) * u128::from(self.count)) >> 64) as u32 == self.index
    }
}

/// What a merge keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MergeOptions {
    /// Keep only keys found in at least this many documents (default 1: all).
    pub min_docs: u64,
    /// Keep only one hash partition (default: all keys).
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

/// Merges `inputs` into one table written to `out` (named `origin` in errors). The
/// documents of the result are the sum of the inputs'; all inputs must share a scope.
pub fn merge_tables<R: Read, W: Write + Seek>(
    mut inputs: Vec<TableReader<R>>,
    out: W,
    origin: &str,
    options: MergeOptions,
) -> Result<TableHeader> {
    let scope = common_scope(&inputs)?;
    let documents = inputs.iter().map(|input| input.header().documents).sum();
    let mut writer = TableWriter::new(out, origin, scope, documents)?;
    let mut heap = BinaryHeap::with_capacity(inputs.len());
    for (index, input) in inputs.iter_mut().enumerate() {
        if let Some((key, count)) = input.next_entry()? {
            heap.push(Reverse((key, index, count)));
        }
    }
    while let Some(Reverse((key, index, mut total))) = heap.pop() {
        refill(&mut heap, &mut inputs[index], index)?;
        while let Some(&Reverse((next_key, next_index, count))) = heap.peek() {
            if next_key != key {
                break;
            }
            heap.pop();
            total += count;
            refill(&mut heap, &mut inputs[next_index], next_index)?;
        }
        let wanted = total >= options.min_docs && options.partition.is_none_or(|p| p.contains(key));
        if wanted {
            writer.push(key, total)?;
        }
    }
    writer.finish()
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

fn common_scope<R: Read>(inputs: &[TableReader<R>]) -> Result<Scope> {
    let Some(first) = inputs.first() else {
        return Ok(Scope::Corpus);
    };
    let scope = first.header().scope;
    match inputs.iter().find(|input| input.header().scope != scope) {
        Some(other) => Err(Error::table(
            &other.origin,
            format!(
                "scope {:?} differs from {}'s {scope:?}; tables of different scopes cannot be merged",
                other.header().scope,
                first.origin
            ),
        )),
        None => Ok(scope),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn table(scope: Scope, documents: u64, entries: &[(u64, u64)]) -> Vec<u8> {
        let mut cursor = Cursor::new(Vec::new());
        let mut writer = TableWriter::new(&mut cursor, "t", scope, documents).unwrap();
        for &(key, count) in entries {
            writer.push(key, count).unwrap();
        }
        writer.finish().unwrap();
        cursor.into_inner()
    }

    fn merged(tables: &[Vec<u8>], options: MergeOptions) -> Result<Vec<u8>> {
        let readers = tables
            .iter()
            .enumerate()
            .map(|(i, t)| TableReader::new(&t[..], &format!("in{i}")))
            .collect::<Result<Vec<_>>>()?;
        let mut out = Cursor::new(Vec::new());
        merge_tables(readers, &mut out, "out", options)?;
        Ok(out.into_inner())
    }

    #[test]
    fn sums_counts_and_documents() {
        let a = table(Scope::Corpus, 3, &[(1, 1), (5, 2)]);
        let b = table(Scope::Corpus, 4, &[(1, 3), (7, 1)]);
        let want = table(Scope::Corpus, 7, &[(1, 4), (5, 2), (7, 1)]);
        assert_eq!(
            merged(&[a.clone(), b.clone()], MergeOptions::default()).unwrap(),
            want
        );
        assert_eq!(merged(&[b, a], MergeOptions::default()).unwrap(), want);
    }

    #[test]
    fn prunes_and_partitions() {
        let a = table(Scope::Corpus, 3, &[(1, 1), (5, 2), (u64::MAX, 9)]);
        let pruned = merged(
            std::slice::from_ref(&a),
            MergeOptions {
                min_docs: 2,
                partition: None,
            },
        )
        .unwrap();
        assert_eq!(pruned, table(Scope::Corpus, 3, &[(5, 2), (u64::MAX, 9)]));
        let high = Partition::parse("1/2").unwrap();
        let upper = merged(
            &[a],
            MergeOptions {
                min_docs: 1,
                partition: Some(high),
            },
        )
        .unwrap();
        assert_eq!(upper, table(Scope::Corpus, 3, &[(u64::MAX, 9)]));
    }

    #[test]
    fn partitions_cover_the_key_space_once() {
        let parts: Vec<Partition> = (0..3).map(|i| Partition { index: i, count: 3 }).collect();
        for key in [0, 1, u64::MAX / 3, u64::MAX / 3 + 1, u64::MAX / 2, u64::MAX] {
            assert_eq!(parts.iter().filter(|p| p.contains(key)).count(), 1, "{key}");
        }
        assert!(Partition::parse("2/2").is_err());
        assert!(Partition::parse("x").is_err());
    }

    #[test]
    fn mixed_scopes_are_refused() {
        let a = table(Scope::Corpus, 1, &[(1, 1)]);
        let b = table(Scope::Site, 1, &[(1, 1)]);
        let err = merged(&[a, b], MergeOptions::default())
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("in1: scope Site differs"), "{err}");
    }
}
