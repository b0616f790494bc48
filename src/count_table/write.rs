//! Writing a count table entry by entry: blocks hashed as they fill, the block index and
//! the checksum appended at the end, the entry count filled into the header last.

use std::io::{Seek, SeekFrom, Write};

use xxhash_rust::xxh3::Xxh3Default;

use super::{BLOCK_ENTRIES, ENTRY_LEN, INDEX_ENTRY_LEN, KeyRange, Scope, TableHeader, checksum};
use crate::error::{Error, Result};

/// Writes a table entry by entry; keys must come strictly ascending and inside the
/// table's range.
pub(crate) struct TableWriter<W: Write + Seek> {
    out: W,
    origin: String,
    header: TableHeader,
    block: Xxh3Default,
    block_first: u64,
    index: Vec<u8>,
    last_key: Option<u64>,
}

impl<W: Write + Seek> TableWriter<W> {
    /// Starts a table of `documents` documents in `scope` holding keys of `range`;
    /// `origin` names it in errors.
    pub(crate) fn new(
        mut out: W,
        origin: &str,
        scope: Scope,
        documents: u64,
        range: KeyRange,
    ) -> Result<Self> {
        let header = TableHeader {
            scope,
            documents,
            entries: 0,
            range,
        };
        out.write_all(&header.encode())
            .map_err(|err| Error::io(origin, err))?;
        Ok(TableWriter {
            out,
            origin: origin.to_string(),
            header,
            block: Xxh3Default::new(),
            block_first: 0,
            index: Vec::new(),
            last_key: None,
        })
    }

    /// Appends one entry. Panics if keys are not strictly ascending or leave the range:
    /// that is a bug in the caller, never a property of the input.
    pub(crate) fn push(&mut self, key: u64, documents: u64) -> Result<()> {
        assert!(
            self.last_key.is_none_or(|last| last < key),
            "count table keys must be strictly ascending"
        );
        assert!(
            self.header.range.contains(key),
            "count table key outside the table's range"
        );
        self.last_key = Some(key);
        if self.header.entries.is_multiple_of(BLOCK_ENTRIES) {
            self.block_first = key;
        }
        let mut entry = [0u8; ENTRY_LEN];
        entry[..8].copy_from_slice(&key.to_le_bytes());
        entry[8..].copy_from_slice(&documents.to_le_bytes());
        self.block.update(&entry);
        self.header.entries += 1;
        if self.header.entries.is_multiple_of(BLOCK_ENTRIES) {
            self.close_block();
        }
        self.out
            .write_all(&entry)
            .map_err(|err| Error::io(&self.origin, err))
    }

    fn close_block(&mut self) {
        let mut item = [0u8; INDEX_ENTRY_LEN];
        item[..8].copy_from_slice(&self.block_first.to_le_bytes());
        item[8..].copy_from_slice(&self.block.digest().to_le_bytes());
        self.index.extend_from_slice(&item);
        self.block.reset();
    }

    /// Appends the block index and the checksum, fills in the entry count and flushes;
    /// returns the header.
    pub(crate) fn finish(mut self) -> Result<TableHeader> {
        if !self.header.entries.is_multiple_of(BLOCK_ENTRIES) {
            self.close_block();
        }
        let header = self.header.encode();
        let checksum = checksum(&header, &self.index);
        let origin = self.origin.clone();
        let io = |err| Error::io(&origin, err);
        self.out.write_all(&self.index).map_err(io)?;
        self.out.write_all(&checksum.to_le_bytes()).map_err(io)?;
        self.out.seek(SeekFrom::Start(0)).map_err(io)?;
        self.out.write_all(&header).map_err(io)?;
        self.out.seek(SeekFrom::End(0)).map_err(io)?;
        self.out.flush().map_err(io)?;
        Ok(self.header)
    }
}
