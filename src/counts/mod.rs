//! Count tables: for each line key (the hash of a line's normal form, per site or for
//! the whole corpus), the number of documents it occurs in. Sorted by key, versioned and
//! checksummed, so that a truncated, corrupted or foreign table is an error instead of a
//! silent mis-read.
//!
//! Layout (all integers little-endian):
//!
//! | bytes | field |
//! |---|---|
//! | 8 | magic `BSCOUNT\0` |
//! | 4 | table format version ([`TABLE_VERSION`]) |
//! | 4 | normal-form version ([`crate::normal::NORMAL_FORM_VERSION`]) |
//! | 4 | scope: 0 corpus, 1 site |
//! | 8 | documents counted |
//! | 8 | number of entries |
//! | 16 × entries | key (u64), documents containing it (u64), keys strictly ascending |
//! | 8 | checksum: xxh3-64 of the header followed by the xxh3-64 of the entries |

pub mod count;
pub mod frequent;
pub mod input;
pub mod merge;
pub mod top;

use std::io::{self, Read, Seek, SeekFrom, Write};

use xxhash_rust::xxh3::{Xxh3Default, xxh3_64};

use crate::error::{Error, Result};
use crate::normal::NORMAL_FORM_VERSION;

/// Version of the table layout written by this build.
pub const TABLE_VERSION: u32 = 1;

const MAGIC: [u8; 8] = *b"BSCOUNT\0";
const HEADER_LEN: usize = 36;
const ENTRY_LEN: usize = 16;

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

/// The header of a count table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableHeader {
    /// What the keys count.
    pub scope: Scope,
    /// Documents counted.
    pub documents: u64,
    /// Number of entries.
    pub entries: u64,
}

impl TableHeader {
    fn encode(&self) -> [u8; HEADER_LEN] {
        let mut bytes = [0u8; HEADER_LEN];
        bytes[..8].copy_from_slice(&MAGIC);
        bytes[8..12].copy_from_slice(&TABLE_VERSION.to_le_bytes());
        bytes[12..16].copy_from_slice(&NORMAL_FORM_VERSION.to_le_bytes());
        bytes[16..20].copy_from_slice(&self.scope.code().to_le_bytes());
        bytes[20..28].copy_from_slice(&self.documents.to_le_bytes());
        bytes[28..36].copy_from_slice(&self.entries.to_le_bytes());
        bytes
    }
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

/// Writes a table entry by entry; keys must come strictly ascending.
pub struct TableWriter<W: Write + Seek> {
    out: W,
    origin: String,
    header: TableHeader,
    entries: Xxh3Default,
    last_key: Option<u64>,
}

impl<W: Write + Seek> TableWriter<W> {
    /// Starts a table of `documents` documents in `scope`; `origin` names it in errors.
    pub fn new(mut out: W, origin: &str, scope: Scope, documents: u64) -> Result<Self> {
        let header = TableHeader {
            scope,
            documents,
            entries: 0,
        };
        out.write_all(&header.encode())
            .map_err(|err| Error::io(origin, err))?;
        Ok(TableWriter {
            out,
            origin: origin.to_string(),
            header,
            entries: Xxh3Default::new(),
            last_key: None,
        })
    }

    /// Appends one entry. Panics if keys are not strictly ascending: that is a bug in the
    /// caller, never a property of the input.
    pub fn push(&mut self, key: u64, documents: u64) -> Result<()> {
        assert!(
            self.last_key.is_none_or(|last| last < key),
            "count table keys must be strictly ascending"
        );
        self.last_key = Some(key);
        let mut entry = [0u8; ENTRY_LEN];
        entry[..8].copy_from_slice(&key.to_le_bytes());
        entry[8..].copy_from_slice(&documents.to_le_bytes());
        self.entries.update(&entry);
        self.header.entries += 1;
        self.out
            .write_all(&entry)
            .map_err(|err| Error::io(&self.origin, err))
    }

    /// Fills in the entry count, appends the checksum and flushes; returns the header.
    pub fn finish(mut self) -> Result<TableHeader> {
        let header = self.header.encode();
        let checksum = checksum(&header, self.entries.digest());
        let origin = self.origin.clone();
        let io = |err| Error::io(&origin, err);
        self.out.write_all(&checksum.to_le_bytes()).map_err(io)?;
        self.out.seek(SeekFrom::Start(0)).map_err(io)?;
        self.out.write_all(&header).map_err(io)?;
        self.out.seek(SeekFrom::End(0)).map_err(io)?;
        self.out.flush().map_err(io)?;
        Ok(self.header)
    }
}

fn checksum(header: &[u8; HEADER_LEN], entries_digest: u64) -> u64 {
    let mut bytes = [0u8; HEADER_LEN + 8];
    bytes[..HEADER_LEN].copy_from_slice(header);
    bytes[HEADER_LEN..].copy_from_slice(&entries_digest.to_le_bytes());
    xxh3_64(&bytes)
}

/// Reads a table entry by entry, checking the header first and the checksum at the end.
pub struct TableReader<R: Read> {
    input: R,
    origin: String,
    header: TableHeader,
    header_bytes: [u8; HEADER_LEN],
    remaining: u64,
    entries: Xxh3Default,
    last_key: Option<u64>,
}

impl<R: Read> TableReader<R> {
    /// Opens a table; `origin` names it in errors.
    pub fn new(mut input: R, origin: &str) -> Result<Self> {
        let mut header_bytes = [0u8; HEADER_LEN];
        read_exact(&mut input, &mut header_bytes, origin, "the header")?;
        let bad = |message: String| Error::table(origin, message);
        if header_bytes[..8] != MAGIC {
            return Err(bad("not a boilerstrip count table (bad magic bytes)".into()));
        }
        let version = u32_at(&header_bytes, 8);
        if version != TABLE_VERSION {
            return Err(bad(format!(
                "table format version {version}, but this build reads version {TABLE_VERSION}"
            )));
        }
        let normal = u32_at(&header_bytes, 12);
        if normal != NORMAL_FORM_VERSION {
            return Err(bad(format!(
                "built with normal-form version {normal}, but this build uses version \
                 {NORMAL_FORM_VERSION}; count the corpus again"
            )));
        }
        let scope = Scope::from_code(u32_at(&header_bytes, 16))
            .ok_or_else(|| bad(format!("unknown scope code {}", u32_at(&header_bytes, 16))))?;
        let header = TableHeader {
            scope,
            documents: u64_at(&header_bytes, 20),
            entries: u64_at(&header_bytes, 28),
        };
        Ok(TableReader {
            input,
            origin: origin.to_string(),
            header,
            header_bytes,
            remaining: header.entries,
            entries: Xxh3Default::new(),
            last_key: None,
        })
    }

    /// The table's header.
    pub fn header(&self) -> TableHeader {
        self.header
    }

    /// The next `(key, documents)` entry, or `None` after the last one, once the
    /// checksum and the end of the file have been verified.
    pub fn next_entry(&mut self) -> Result<Option<(u64, u64)>> {
        if self.remaining == 0 {
            self.verify_end()?;
            return Ok(None);
        }
        let mut entry = [0u8; ENTRY_LEN];
        let index = self.header.entries - self.remaining + 1;
        read_exact(
            &mut self.input,
            &mut entry,
            &self.origin,
            &format!("entry {index}"),
        )?;
        self.entries.update(&entry);
        self.remaining -= 1;
        let key = u64_at(&entry, 0);
        if self.last_key.is_some_and(|last| last >= key) {
            return Err(Error::table(
                &self.origin,
                format!("entry {index} is out of order (the table is corrupted)"),
            ));
        }
        self.last_key = Some(key);
        Ok(Some((key, u64_at(&entry, 8))))
    }

    fn verify_end(&mut self) -> Result<()> {
        let mut stored = [0u8; 8];
        read_exact(&mut self.input, &mut stored, &self.origin, "the checksum")?;
        let expected = checksum(&self.header_bytes, self.entries.digest());
        if u64::from_le_bytes(stored) != expected {
            return Err(Error::table(
                &self.origin,
                "checksum mismatch (the table is corrupted)".to_string(),
            ));
        }
        let mut extra = [0u8; 1];
        match self.input.read(&mut extra) {
            Ok(0) => Ok(()),
            Ok(_) => Err(Error::table(
                &self.origin,
                "trailing bytes after the checksum".to_string(),
            )),
            Err(err) => Err(Error::io(&self.origin, err)),
        }
    }
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

    use super::*;

    fn table(entries: &[(u64, u64)]) -> Vec<u8> {
        let mut cursor = Cursor::new(Vec::new());
        let mut writer = TableWriter::new(&mut cursor, "t", Scope::Site, 7).unwrap();
        for &(key, count) in entries {
            writer.push(key, count).unwrap();
        }
        writer.finish().unwrap();
        cursor.into_inner()
    }

    fn read_all(bytes: &[u8]) -> Result<(TableHeader, Vec<(u64, u64)>)> {
        let mut reader = TableReader::new(bytes, "t.bsc")?;
        let mut entries = Vec::new();
        while let Some(entry) = reader.next_entry()? {
            entries.push(entry);
        }
        Ok((reader.header(), entries))
    }

    #[test]
    fn round_trips_header_and_entries() {
        let bytes = table(&[(1, 5), (9, 2), (u64::MAX, 1)]);
        assert_eq!(bytes.len(), HEADER_LEN + 3 * ENTRY_LEN + 8);
        let (header, entries) = read_all(&bytes).unwrap();
        assert_eq!(
            header,
            TableHeader {
                scope: Scope::Site,
                documents: 7,
                entries: 3
            }
        );
        assert_eq!(entries, [(1, 5), (9, 2), (u64::MAX, 1)]);
    }

    #[test]
    fn truncation_is_an_error_naming_the_file() {
        let bytes = table(&[(1, 5), (9, 2)]);
        for len in [0, 10, HEADER_LEN + 3, bytes.len() - 1] {
            let err = read_all(&bytes[..len]).unwrap_err().to_string();
            assert!(err.starts_with("t.bsc: truncated"), "{len}: {err}");
        }
    }

    #[test]
    fn every_flipped_byte_is_detected() {
        let bytes = table(&[(1, 5), (9, 2)]);
        for at in 0..bytes.len() {
            let mut broken = bytes.clone();
            broken[at] ^= 0x10;
            assert!(read_all(&broken).is_err(), "flip at {at} went unnoticed");
        }
    }

    #[test]
    fn wrong_versions_and_trailing_bytes_are_errors() {
        let bytes = table(&[(1, 5)]);
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
        assert!(
            read_all(&extra)
                .unwrap_err()
                .to_string()
                .contains("trailing bytes")
        );
    }
}
