//! Count tables on disk: for each line key (the hash of a line's normal form, per site or
//! for the whole corpus), the number of documents it occurs in. Sorted by key, versioned
//! and checksummed block by block, so that a truncated, corrupted or foreign table is an
//! error instead of a silent mis-read, and a reader of one hash range can seek to it.
//!
//! This is I/O only: it sits beside the text layer and knows nothing of input formats,
//! the pipeline or the cleaner. Tables are built by [`crate::counts`] (which reads
//! corpora) and loaded by the cleaner through [`FrequentLines`].
//!
//! Layout (all integers little-endian):
//!
//! | bytes | field |
//! |---|---|
//! | 8 | magic `BSCOUNT\0` |
//! | 4 | table format version ([`TABLE_VERSION`]) |
//! | 4 | normal-form version ([`crate::normal::NORMAL_FORM_VERSION`]) |
//! | 4 | scope: 0 corpus, 1 site |
//! | 4 | flags, 0 |
//! | 8 | documents counted (in the whole corpus, whatever the key range) |
//! | 8 | number of entries |
//! | 8 + 8 | key range: first and last key the table may hold (inclusive) |
//! | 16 × entries | key (u64), documents containing it (u64), keys strictly ascending, in blocks of 4,096 entries |
//! | 16 × blocks | block index: first key of the block, xxh3-64 of the block's bytes |
//! | 8 | checksum: xxh3-64 of the header followed by the block index |

mod frequent;
mod merge;
mod read;
mod write;

pub use frequent::FrequentLines;
pub use merge::{MergeOptions, merge_files};
pub(crate) use merge::{Target, merge_runs};
pub(crate) use read::TableReader;
pub use read::read_header;
pub(crate) use write::TableWriter;

use crate::error::{Error, Result};

/// Version of the table layout written (and read) by this build.
pub const TABLE_VERSION: u32 = 2;

const MAGIC: [u8; 8] = *b"BSCOUNT\0";
const HEADER_LEN: usize = 56;
const ENTRY_LEN: usize = 16;
const INDEX_ENTRY_LEN: usize = 16;
/// Entries per checksummed block: 64 KiB, so a range read wastes at most two blocks.
const BLOCK_ENTRIES: u64 = 4096;

/// What a key counts: a line across the corpus, or a line within one site (host).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scope {
    /// Key = normal form of the line.
    Corpus,
    /// Key = (host of the document's URL, normal form of the line).
    Site,
}

impl Scope {
    fn code(self) -> u32 {
        match self {
            Scope::Corpus => 0,
            Scope::Site => 1,
        }
    }

    fn from_code(code: u32) -> Option<Scope> {
        match code {
            0 => Some(Scope::Corpus),
            1 => Some(Scope::Site),
            _ => None,
        }
    }
}

/// A contiguous range of keys, both ends included: the part of the key space a table
/// holds. A partitioned merge writes one range; a whole table holds [`KeyRange::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyRange {
    /// The first key in the range.
    pub first: u64,
    /// The last key in the range.
    pub last: u64,
}

impl KeyRange {
    /// Every key.
    pub const ALL: KeyRange = KeyRange {
        first: 0,
        last: u64::MAX,
    };

    /// True if `key` is in the range.
    pub fn contains(&self, key: u64) -> bool {
        self.first <= key && key <= self.last
    }

    /// The keys in both ranges, if any.
    pub fn intersect(&self, other: &KeyRange) -> Option<KeyRange> {
        let first = self.first.max(other.first);
        let last = self.last.min(other.last);
        (first <= last).then_some(KeyRange { first, last })
    }
}

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

    /// The keys of this partition as a range: from `ceil(index * 2^64 / count)` up to,
    /// not including, the next partition's first key.
    pub fn range(&self) -> KeyRange {
        let start = |index: u32| -> u128 {
            let scaled = u128::from(index) << 64;
            scaled.div_ceil(u128::from(self.count))
        };
        let first = start(self.index) as u64;
        let last = (start(self.index + 1) - 1) as u64;
        KeyRange { first, last }
    }
}

/// The header of a count table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TableHeader {
    /// What the keys count.
    pub scope: Scope,
    /// Documents counted: in the whole corpus the table was counted from, also when the
    /// table holds only one key range of it.
    pub documents: u64,
    /// Number of entries.
    pub entries: u64,
    /// The keys the table may hold; [`KeyRange::ALL`] unless it is one partition.
    pub range: KeyRange,
}

impl TableHeader {
    fn encode(&self) -> [u8; HEADER_LEN] {
        let mut bytes = [0u8; HEADER_LEN];
        bytes[..8].copy_from_slice(&MAGIC);
        bytes[8..12].copy_from_slice(&TABLE_VERSION.to_le_bytes());
        bytes[12..16].copy_from_slice(&crate::normal::NORMAL_FORM_VERSION.to_le_bytes());
        bytes[16..20].copy_from_slice(&self.scope.code().to_le_bytes());
        bytes[24..32].copy_from_slice(&self.documents.to_le_bytes());
        bytes[32..40].copy_from_slice(&self.entries.to_le_bytes());
        bytes[40..48].copy_from_slice(&self.range.first.to_le_bytes());
        bytes[48..56].copy_from_slice(&self.range.last.to_le_bytes());
        bytes
    }

    /// Number of checksummed blocks the entries fill.
    fn blocks(&self) -> u64 {
        self.entries.div_ceil(BLOCK_ENTRIES)
    }
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

/// The footer checksum: xxh3-64 of the header followed by the block index.
fn checksum(header: &[u8; HEADER_LEN], index: &[u8]) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
    hasher.update(header);
    hasher.update(index);
    hasher.digest()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_ranges_match_membership_and_tile_the_key_space() {
        for count in [1, 2, 3, 7, 64, 1000] {
            let mut next = 0u64;
            for index in 0..count {
                let part = Partition { index, count };
                let range = part.range();
                assert_eq!(range.first, next, "{index}/{count}");
                for key in [range.first, range.last, range.first / 2 + range.last / 2] {
                    assert!(part.contains(key), "{key} in {index}/{count}");
                }
                if range.first > 0 {
                    assert!(!part.contains(range.first - 1));
                }
                if index + 1 < count {
                    assert!(!part.contains(range.last + 1));
                    next = range.last + 1;
                } else {
                    assert_eq!(range.last, u64::MAX);
                }
            }
        }
        assert_eq!(Partition { index: 0, count: 1 }.range(), KeyRange::ALL);
    }

    #[test]
    fn partitions_parse_and_cover_the_key_space_once() {
        let parts: Vec<Partition> = (0..3).map(|i| Partition { index: i, count: 3 }).collect();
        for key in [0, 1, u64::MAX / 3, u64::MAX / 3 + 1, u64::MAX / 2, u64::MAX] {
            assert_eq!(parts.iter().filter(|p| p.contains(key)).count(), 1, "{key}");
        }
        assert!(Partition::parse("2/2").is_err());
        assert!(Partition::parse("x").is_err());
        assert_eq!(
            Partition::parse(" 1 / 4").unwrap(),
            Partition { index: 1, count: 4 }
        );
    }
}
