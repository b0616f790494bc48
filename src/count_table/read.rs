//! Reading a count table: the header checked first; entries read a block at a time, each
//! block checked against its hash before any of its entries is returned (when the block
//! index is known) or at the end (when the table is read as a stream).

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use super::{
    BLOCK_ENTRIES, ENTRY_LEN, HEADER_LEN, INDEX_ENTRY_LEN, KeyRange, MAGIC, Scope, TABLE_VERSION,
    TableHeader, checksum, u32_at, u64_at,
};
use crate::error::{Error, Result};
use crate::normal::NORMAL_FORM_VERSION;

/// Reads the header of the table at `path`, checking magic bytes and versions (not yet
/// the entries: reading them checks those).
pub fn read_header(path: &Path) -> Result<TableHeader> {
    let file = File::open(path).map_err(|err| Error::io(path, err))?;
    let (header, _) = parse_header(&mut BufReader::new(file), &path.display().to_string())?;
    Ok(header)
}

/// Reads a table entry by entry.
pub(crate) struct TableReader<R: Read> {
    input: R,
    origin: String,
    header: TableHeader,
    header_bytes: [u8; HEADER_LEN],
    /// Only keys in this range are returned.
    want: KeyRange,
    /// The verified block index, when the table was opened for a range; `None` when it
    /// is read as a stream and the index is checked at the end.
    stored_index: Option<Vec<u8>>,
    /// The index computed from the blocks read, when reading as a stream.
    computed_index: Vec<u8>,
    /// The entries of the block at hand.
    block: Vec<u8>,
    /// Position in `block`, in bytes.
    at: usize,
    /// The next entry of the file to read into a block.
    next_entry: u64,
    last_key: Option<u64>,
    done: bool,
}

impl<R: Read> TableReader<R> {
    /// Opens a table read front to back; `origin` names it in errors. The block index
    /// and checksum are verified after the last entry.
    pub(crate) fn new(mut input: R, origin: &str) -> Result<Self> {
        let (header, header_bytes) = parse_header(&mut input, origin)?;
        Ok(TableReader {
            input,
            origin: origin.to_string(),
            header,
            header_bytes,
            want: KeyRange::ALL,
            stored_index: None,
            computed_index: Vec::new(),
            block: Vec::new(),
            at: 0,
            next_entry: 0,
            last_key: None,
            done: false,
        })
    }

    /// The table's header.
    pub(crate) fn header(&self) -> TableHeader {
        self.header
    }

    /// The name the table goes by in errors.
    pub(crate) fn origin(&self) -> &str {
        &self.origin
    }

    /// The next `(key, documents)` entry, or `None` after the last one (for a table
    /// read as a stream, once the block index, the checksum and the end of the file
    /// have been verified).
    pub(crate) fn next_entry(&mut self) -> Result<Option<(u64, u64)>> {
        loop {
            if self.at < self.block.len() {
                let entry = &self.block[self.at..self.at + ENTRY_LEN];
                let (key, documents) = (u64_at(entry, 0), u64_at(entry, 8));
                self.at += ENTRY_LEN;
                if key > self.want.last {
                    self.done = true;
                    self.block.clear();
                    return Ok(None);
                }
                if key >= self.want.first {
                    return Ok(Some((key, documents)));
                }
                continue;
            }
            if self.done || !self.load_block()? {
                return Ok(None);
            }
        }
    }

    /// Reads, checks and holds the next block; false at the end of the entries.
    fn load_block(&mut self) -> Result<bool> {
        let remaining = self.header.entries - self.next_entry;
        if remaining == 0 {
            if self.stored_index.is_none() {
                self.verify_end()?;
            }
            self.done = true;
            return Ok(false);
        }
        let block_number = self.next_entry / BLOCK_ENTRIES;
        let len = remaining.min(BLOCK_ENTRIES);
        self.block.resize(len as usize * ENTRY_LEN, 0);
        let what = format!("entry {}", self.next_entry + 1);
        read_exact(&mut self.input, &mut self.block, &self.origin, &what)?;
        self.next_entry += len;
        self.at = 0;
        let mut item = [0u8; INDEX_ENTRY_LEN];
        item[..8].copy_from_slice(&self.block[..8]);
        item[8..].copy_from_slice(&xxhash_rust::xxh3::xxh3_64(&self.block).to_le_bytes());
        match &self.stored_index {
            Some(index) => {
                let at = block_number as usize * INDEX_ENTRY_LEN;
                if index[at..at + INDEX_ENTRY_LEN] != item {
                    return Err(self.corrupted(&format!("block {}", block_number + 1)));
                }
            }
            None => self.computed_index.extend_from_slice(&item),
        }
        self.check_keys()?;
        Ok(true)
    }

    /// Every key of the block at hand ascends and lies in the header's range.
    fn check_keys(&mut self) -> Result<()> {
        let first_entry = self.next_entry - (self.block.len() / ENTRY_LEN) as u64;
        for (i, entry) in self.block.chunks_exact(ENTRY_LEN).enumerate() {
            let key = u64_at(entry, 0);
            let number = first_entry + i as u64 + 1;
            if self.last_key.is_some_and(|last| last >= key) {
                return Err(self.corrupted(&format!("entry {number} is out of order and")));
            }
            if !self.header.range.contains(key) {
                return Err(self.corrupted(&format!(
                    "entry {number} lies outside the header's key range and"
                )));
            }
            self.last_key = Some(key);
        }
        Ok(())
    }

    fn corrupted(&self, what: &str) -> Error {
        Error::table(
            &self.origin,
            format!("{what} does not match its checksum (the table is corrupted)"),
        )
    }

    fn verify_end(&mut self) -> Result<()> {
        let mut stored = vec![0u8; self.computed_index.len()];
        read_exact(&mut self.input, &mut stored, &self.origin, "block index")?;
        let mut sum = [0u8; 8];
        read_exact(&mut self.input, &mut sum, &self.origin, "checksum")?;
        if u64::from_le_bytes(sum) != checksum(&self.header_bytes, &stored)
            || stored != self.computed_index
        {
            return Err(Error::table(
                &self.origin,
                "checksum mismatch (the table is corrupted)".to_string(),
            ));
        }
        let mut extra = [0u8; 1];
        match self.input.read(&mut extra) {
            Ok(0) => Ok(()),
            Ok(_) => Err(trailing(&self.origin)),
            Err(err) => Err(Error::io(&self.origin, err)),
        }
    }
}

impl<R: Read + Seek> TableReader<R> {
    /// Opens a table to read only the keys in `range`: the block index and the
    /// checksum are read and verified first, then only the blocks that can hold keys of
    /// the range are read, each verified before use.
    pub(crate) fn for_range(mut input: R, origin: &str, range: KeyRange) -> Result<Self> {
        let (header, header_bytes) = parse_header(&mut input, origin)?;
        let index_len = header.blocks() as usize * INDEX_ENTRY_LEN;
        let index_at = HEADER_LEN as u64 + header.entries * ENTRY_LEN as u64;
        let io = |err| Error::io(origin, err);
        let len = input.seek(SeekFrom::End(0)).map_err(io)?;
        let expected = index_at + index_len as u64 + 8;
        if len < expected {
            return Err(Error::table(
                origin,
                "truncated: the file ends before its block index".to_string(),
            ));
        }
        if len > expected {
            return Err(trailing(origin));
        }
        input.seek(SeekFrom::Start(index_at)).map_err(io)?;
        let mut index = vec![0u8; index_len];
        read_exact(&mut input, &mut index, origin, "block index")?;
        let mut sum = [0u8; 8];
        read_exact(&mut input, &mut sum, origin, "checksum")?;
        if u64::from_le_bytes(sum) != checksum(&header_bytes, &index) {
            return Err(Error::table(
                origin,
                "checksum mismatch (the table is corrupted)".to_string(),
            ));
        }
        let (want, first_block) = match range.intersect(&header.range) {
            Some(want) => {
                // The last block starting at or below the range's first key.
                let starts_at_or_below = index
                    .chunks_exact(INDEX_ENTRY_LEN)
                    .take_while(|item| u64_at(item, 0) <= want.first)
                    .count() as u64;
                (want, starts_at_or_below.saturating_sub(1))
            }
            None => (range, header.blocks()),
        };
        let next_entry = (first_block * BLOCK_ENTRIES).min(header.entries);
        input
            .seek(SeekFrom::Start(
                HEADER_LEN as u64 + next_entry * ENTRY_LEN as u64,
            ))
            .map_err(io)?;
        Ok(TableReader {
            input,
            origin: origin.to_string(),
            header,
            header_bytes,
            want,
            stored_index: Some(index),
            computed_index: Vec::new(),
            block: Vec::new(),
            at: 0,
            next_entry,
            // Keys before the first block read are not seen; order within and across
            // the blocks read is still checked.
            last_key: None,
            done: false,
        })
    }
}

/// Reads and checks a header.
fn parse_header(input: &mut impl Read, origin: &str) -> Result<(TableHeader, [u8; HEADER_LEN])> {
    let mut bytes = [0u8; HEADER_LEN];
    read_exact(input, &mut bytes, origin, "header")?;
    let bad = |message: String| Error::table(origin, message);
    if bytes[..8] != MAGIC {
        return Err(bad("not a boilerstrip count table (bad magic bytes)".into()));
    }
    let version = u32_at(&bytes, 8);
    if version != TABLE_VERSION {
        return Err(bad(format!(
            "table format version {version}, but this build reads version {TABLE_VERSION}; \
             count the corpus again with this build"
        )));
    }
    let normal = u32_at(&bytes, 12);
    if normal != NORMAL_FORM_VERSION {
        return Err(bad(format!(
            "built with normal-form version {normal}, but this build uses version \
             {NORMAL_FORM_VERSION}; count the corpus again"
        )));
    }
    let scope = Scope::from_code(u32_at(&bytes, 16))
        .ok_or_else(|| bad(format!("unknown scope code {}", u32_at(&bytes, 16))))?;
    let flags = u32_at(&bytes, 20);
    if flags != 0 {
        return Err(bad(format!("unknown flags {flags:#x}")));
    }
    let range = KeyRange {
        first: u64_at(&bytes, 40),
        last: u64_at(&bytes, 48),
    };
    if range.first > range.last {
        return Err(bad("empty key range (the table is corrupted)".into()));
    }
    let header = TableHeader {
        scope,
        documents: u64_at(&bytes, 24),
        entries: u64_at(&bytes, 32),
        range,
    };
    // More entries than keys in the range, or than a file can hold, is a corrupted count.
    let capacity = (range.last - range.first).saturating_add(1);
    if header.entries > capacity || header.entries > u64::MAX / (2 * ENTRY_LEN as u64) {
        return Err(bad(format!(
            "{} entries cannot fit its key range (the table is corrupted)",
            header.entries
        )));
    }
    Ok((header, bytes))
}

fn trailing(origin: &str) -> Error {
    Error::table(origin, "trailing bytes after the checksum".to_string())
}

fn read_exact(input: &mut impl Read, buf: &mut [u8], origin: &str, what: &str) -> Result<()> {
    input.read_exact(buf).map_err(|err| {
        if err.kind() == io::ErrorKind::UnexpectedEof {
            Error::table(
                origin,
                format!("truncated: the file ends inside the {what}"),
            )
        } else {
            Error::io(origin, err)
        }
    })
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::super::TableWriter;
    use super::*;

    fn table(range: KeyRange, entries: &[(u64, u64)]) -> Vec<u8> {
        let mut cursor = Cursor::new(Vec::new());
        let mut writer = TableWriter::new(&mut cursor, "t", Scope::Site, 7, range).unwrap();
        for &(key, count) in entries {
            writer.push(key, count).unwrap();
        }
        writer.finish().unwrap();
        cursor.into_inner()
    }

    fn drain<R: Read>(mut reader: TableReader<R>) -> Result<(TableHeader, Vec<(u64, u64)>)> {
        let mut entries = Vec::new();
        while let Some(entry) = reader.next_entry()? {
            entries.push(entry);
        }
        Ok((reader.header(), entries))
    }

    fn read_all(bytes: &[u8]) -> Result<(TableHeader, Vec<(u64, u64)>)> {
        drain(TableReader::new(bytes, "t.bsc")?)
    }

    fn read_range(bytes: &[u8], range: KeyRange) -> Result<Vec<(u64, u64)>> {
        Ok(drain(TableReader::for_range(Cursor::new(bytes), "t.bsc", range)?)?.1)
    }

    /// Keys spread over the key space, several blocks' worth.
    fn many(n: u64) -> Vec<(u64, u64)> {
        (0..n).map(|i| (i * (u64::MAX / n), i % 5 + 1)).collect()
    }

    #[test]
    fn round_trips_header_and_entries() {
        let bytes = table(KeyRange::ALL, &[(1, 5), (9, 2), (u64::MAX, 1)]);
        assert_eq!(
            bytes.len(),
            HEADER_LEN + 3 * ENTRY_LEN + INDEX_ENTRY_LEN + 8
        );
        let (header, entries) = read_all(&bytes).unwrap();
        assert_eq!(
            header,
            TableHeader {
                scope: Scope::Site,
                documents: 7,
                entries: 3,
                range: KeyRange::ALL,
            }
        );
        assert_eq!(entries, [(1, 5), (9, 2), (u64::MAX, 1)]);
        let empty = table(KeyRange::ALL, &[]);
        assert_eq!(read_all(&empty).unwrap().1, []);
        assert_eq!(read_range(&empty, KeyRange::ALL).unwrap(), []);
    }

    #[test]
    fn a_range_read_returns_exactly_the_keys_in_range() {
        let entries = many(3 * BLOCK_ENTRIES + 17);
        let bytes = table(KeyRange::ALL, &entries);
        for (first, last) in [
            (0, u64::MAX),
            (0, 0),
            (u64::MAX / 3, u64::MAX / 2),
            (entries[4096].0, entries[4096].0),
            (entries[4095].0 + 1, entries[8200].0 - 1),
            (u64::MAX - 1, u64::MAX),
        ] {
            let range = KeyRange { first, last };
            let want: Vec<(u64, u64)> = entries
                .iter()
                .copied()
                .filter(|(key, _)| range.contains(*key))
                .collect();
            assert_eq!(read_range(&bytes, range).unwrap(), want, "{range:?}");
        }
    }

    #[test]
    fn a_range_read_skips_the_blocks_outside_it() {
        let entries = many(4 * BLOCK_ENTRIES);
        let mut bytes = table(KeyRange::ALL, &entries);
        // Damage the first block's entries: a read of the last block never sees them,
        // a read of everything does.
        bytes[HEADER_LEN + 3] ^= 1;
        let tail = KeyRange {
            first: entries[3 * BLOCK_ENTRIES as usize + 1].0,
            last: u64::MAX,
        };
        assert_eq!(read_range(&bytes, tail).unwrap().len(), 4095);
        let err = read_range(&bytes, KeyRange::ALL).unwrap_err().to_string();
        assert!(err.contains("block 1 does not match its checksum"), "{err}");
        assert!(read_all(&bytes).is_err());
    }

    #[test]
    fn truncation_is_an_error_naming_the_file() {
        let bytes = table(KeyRange::ALL, &[(1, 5), (9, 2)]);
        for len in [0, 10, HEADER_LEN + 3, bytes.len() - 1] {
            let err = read_all(&bytes[..len]).unwrap_err().to_string();
            assert!(err.starts_with("t.bsc: truncated"), "{len}: {err}");
            let err = read_range(&bytes[..len], KeyRange::ALL)
                .unwrap_err()
                .to_string();
            assert!(err.starts_with("t.bsc: truncated"), "{len}: {err}");
        }
    }

    #[test]
    fn every_flipped_byte_is_detected() {
        let bytes = table(KeyRange { first: 1, last: 99 }, &[(1, 5), (9, 2)]);
        for at in 0..bytes.len() {
            let mut broken = bytes.clone();
            broken[at] ^= 0x10;
            assert!(read_all(&broken).is_err(), "flip at {at} went unnoticed");
            assert!(
                read_range(&broken, KeyRange::ALL).is_err(),
                "flip at {at} went unnoticed by a range read"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Any damage — bytes changed, cut off or appended — to a table of several
        /// blocks is an error for a full read and a range read, never a panic or a
        /// silently different answer.
        #[test]
        fn damage_is_an_error_never_a_different_answer(
            flips in proptest::collection::vec((0usize..1_000_000, 1u8..=255), 0..4),
            cut in proptest::option::of(0usize..1_000_000),
            extra in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..3),
            first in proptest::prelude::any::<u64>(),
        ) {
            let entries = many(2 * BLOCK_ENTRIES + 5);
            let good = table(KeyRange::ALL, &entries);
            let mut bytes = good.clone();
            for &(at, mask) in &flips {
                let at = at % bytes.len();
                bytes[at] ^= mask;
            }
            if let Some(cut) = cut {
                bytes.truncate(cut % bytes.len());
            }
            bytes.extend_from_slice(&extra);
            let range = KeyRange { first, last: u64::MAX };
            let full = read_all(&bytes);
            let part = read_range(&bytes, range);
            if bytes == good {
                proptest::prop_assert_eq!(full.unwrap().1, entries.clone());
                let want: Vec<(u64, u64)> =
                    entries.iter().copied().filter(|(k, _)| range.contains(*k)).collect();
                proptest::prop_assert_eq!(part.unwrap(), want);
            } else {
                proptest::prop_assert!(full.is_err());
                // A range read checks the header, the index and the blocks it reads:
                // damage elsewhere may go unseen, but what it returns is right.
                if let Ok(part) = part {
                    let want: Vec<(u64, u64)> =
                        entries.iter().copied().filter(|(k, _)| range.contains(*k)).collect();
                    proptest::prop_assert_eq!(part, want);
                }
            }
        }
    }

    #[test]
    fn wrong_versions_and_trailing_bytes_are_errors() {
        let bytes = table(KeyRange::ALL, &[(1, 5)]);
        let mut version = bytes.clone();
        version[8] = 9;
        assert!(
            read_all(&version)
                .unwrap_err()
                .to_string()
                .contains("version 9")
        );
        let mut normal = bytes.clone();
        normal[12] = 9;
        assert!(
            read_all(&normal)
                .unwrap_err()
                .to_string()
                .contains("normal-form version 9")
        );
        let mut extra = bytes;
        extra.push(0);
        for err in [
            read_all(&extra).unwrap_err(),
            read_range(&extra, KeyRange::ALL).unwrap_err(),
        ] {
            assert!(err.to_string().contains("trailing bytes"), "{err}");
        }
    }
}
