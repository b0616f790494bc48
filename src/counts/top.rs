//! `top`: the keys found in the most documents, and an example line for each, so that a
//! rule author can turn frequent boilerplate into markers.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::io::Read;

use super::input::KeyOptions;
use crate::count_table::TableReader;
use crate::error::{Error, Result};
use crate::formats::Input;
use crate::formats::parquet::ParquetInput;
use crate::lines;
use crate::normal::{self, KeyHasher};

/// The `n` entries of the table read from `table` (named `origin` in errors) with the
/// highest document counts (at least `min_docs`), highest first; ties in key order, so
/// the result is deterministic. Once `should_stop` returns true, ends with an
/// `Interrupted` error.
pub fn top_entries(
    table: impl Read,
    origin: &str,
    n: usize,
    min_docs: u64,
    should_stop: &dyn Fn() -> bool,
) -> Result<Vec<(u64, u64)>> {
    let mut table = TableReader::new(table, origin)?;
    // A min-heap of the best `n` so far: its top is the weakest entry kept.
    let mut best: BinaryHeap<Reverse<(u64, Reverse<u64>)>> = BinaryHeap::with_capacity(n + 1);
    let mut read: u64 = 0;
    while let Some((key, count)) = table.next_entry()? {
        read += 1;
        if read.is_multiple_of(1 << 16) && should_stop() {
            return Err(Error::interrupted());
        }
        if count < min_docs || n == 0 {
            continue;
        }
        best.push(Reverse((count, Reverse(key))));
        if best.len() > n {
            best.pop();
        }
    }
    let mut entries: Vec<(u64, u64)> = best
        .into_iter()
        .map(|Reverse((count, Reverse(key)))| (key, count))
        .collect();
    entries.sort_unstable_by_key(|&(key, count)| (Reverse(count), key));
    Ok(entries)
}

/// Collects one example line (trimmed, as text) for each of a set of keys.
#[derive(Debug)]
pub struct Examples {
    found: HashMap<u64, Option<String>, KeyHasher>,
    missing: usize,
}

impl Examples {
    /// Looks for examples of `keys`.
    pub fn new(keys: impl IntoIterator<Item = u64>) -> Examples {
        let found: HashMap<u64, Option<String>, KeyHasher> =
            keys.into_iter().map(|key| (key, None)).collect();
        let missing = found.len();
        Examples { found, missing }
    }

    /// The example of `key`, once found.
    pub fn get(&self, key: u64) -> Option<&str> {
        self.found.get(&key)?.as_deref()
    }

    /// True once every key has an example.
    pub fn is_complete(&self) -> bool {
        self.missing == 0
    }

    /// Reads `input` until every key has an example or the input ends. Records that
    /// cannot be read are skipped (counting already reported them). Once `should_stop`
    /// returns true, ends with an `Interrupted` error.
    pub fn scan(
        &mut self,
        mut input: Input,
        options: &KeyOptions,
        should_stop: &dyn Fn() -> bool,
    ) -> Result<()> {
        let mut scratch = Vec::new();
        while !self.is_complete() {
            if should_stop() {
                return Err(Error::interrupted());
            }
            let Some(record) = input.records.next_record()? else {
                return Ok(());
            };
            let Ok(Some(document)) = record.document(&options.text_field, Some(&options.url_field))
            else {
                continue;
            };
            let site = options.site(document.url.as_deref());
            self.find_in(&document.text, site, &mut scratch);
        }
        Ok(())
    }

    /// As [`Examples::scan`], for the texts of a Parquet file (opened on its text column,
    /// with its URL column for per-site keys); row groups that cannot be read are
    /// skipped.
    pub fn scan_parquet(
        &mut self,
        input: &ParquetInput,
        options: &KeyOptions,
        should_stop: &dyn Fn() -> bool,
    ) -> Result<()> {
        let mut scratch = Vec::new();
        for index in 0..input.row_groups() {
            let Ok(batches) = input.read_batches(index, options.batch_bytes) else {
                continue;
            };
            for batch in batches {
                if self.is_complete() {
                    return Ok(());
                }
                if should_stop() {
                    return Err(Error::interrupted());
                }
                let Ok(batch) = batch else {
                    break;
                };
                for row in 0..batch.len() {
                    if let Some(text) = batch.text(row) {
                        let site = options.site(batch.url(row));
                        self.find_in(text.as_bytes(), site, &mut scratch);
                    }
                }
            }
        }
        Ok(())
    }

    /// Takes the lines of `text` as examples of the keys still missing one.
    fn find_in(&mut self, text: &[u8], site: Option<&str>, scratch: &mut Vec<u8>) {
        for line in lines::split(text) {
            let content = line.content(text);
            let Some(key) = normal::line_key(content, site, scratch) else {
                continue;
            };
            if let Some(slot @ None) = self.found.get_mut(&key) {
                *slot = Some(String::from_utf8_lossy(lines::trimmed(content)).into_owned());
                self.missing -= 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::count_table::{KeyRange, Scope, TableWriter};
    use crate::formats::{InputOptions, open};

    #[test]
    fn keeps_the_highest_counts_in_order() {
        let mut out = Cursor::new(Vec::new());
        let mut writer = TableWriter::new(&mut out, "t", Scope::Corpus, 9, KeyRange::ALL).unwrap();
        for (key, count) in [(1, 5), (2, 1), (3, 9), (4, 5), (5, 2)] {
            writer.push(key, count).unwrap();
        }
        writer.finish().unwrap();
        let bytes = out.into_inner();
        let top = top_entries(&bytes[..], "t", 3, 2, &|| false).unwrap();
        assert_eq!(top, [(3, 9), (1, 5), (4, 5)]);
    }

    #[test]
    fn finds_one_example_per_key() {
        let mut scratch = Vec::new();
        let menu = normal::line_key(b"Menu", None, &mut scratch).unwrap();
        let absent = normal::line_key(b"Nowhere", None, &mut scratch).unwrap();
        let mut examples = Examples::new([menu, absent]);
        let input = open(
            Cursor::new(b"Story\n  MENU!  \nMenu\n".to_vec()),
            "in",
            &InputOptions::default(),
        )
        .unwrap();
        examples
            .scan(input, &KeyOptions::default(), &|| false)
            .unwrap();
        assert_eq!(examples.get(menu), Some("MENU!"));
        assert_eq!(examples.get(absent), None);
        assert!(!examples.is_complete());
    }
}
