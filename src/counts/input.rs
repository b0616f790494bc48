//! Turns the documents of an input (any format the cleaner reads) into line keys: a
//! reader thread cuts batches of records, rayon hashes their lines in parallel, and the
//! calling thread adds them to a [`Counter`] in input order.

use std::sync::mpsc::sync_channel;
use std::thread;

use rayon::prelude::*;

use super::Scope;
use super::count::{Counter, document_keys};
use crate::error::{Error, Result};
use crate::formats::jsonl::FieldPath;
use crate::formats::{Input, Malformed, Record};
use crate::normal::host_of;
use crate::pipeline::{Observer, Progress, StopFlag, read_batches};
use crate::stats::Stats;

/// How documents become keys.
#[derive(Debug, Clone)]
pub struct KeyOptions {
    /// Corpus-wide keys, or per site (the host of the document's URL; documents without
    /// a URL all count as one site with an empty name).
    pub scope: Scope,
    /// Where a JSONL record keeps its text (default `text`).
    pub text_field: FieldPath,
    /// Where a JSONL record keeps its URL (default `url`).
    pub url_field: FieldPath,
    /// Records are read in batches of about this many bytes (default 4 MiB).
    pub batch_bytes: usize,
}

impl Default for KeyOptions {
    fn default() -> Self {
        KeyOptions {
            scope: Scope::Corpus,
            text_field: FieldPath::parse("text").expect("a valid path"),
            url_field: FieldPath::parse("url").expect("a valid path"),
            batch_bytes: 4 << 20,
        }
    }
}

impl KeyOptions {
    /// The site a document with `url` is counted under: none for corpus scope, else the
    /// URL's host, or `""` when it has none.
    pub fn site<'a>(&self, url: Option<&'a str>) -> Option<&'a str> {
        match self.scope {
            Scope::Corpus => None,
            Scope::Site => Some(url.and_then(host_of).unwrap_or("")),
        }
    }
}

/// The keys of one record: `Ok(None)` when it holds no document.
pub fn record_keys(
    record: &Record,
    origin: &str,
    options: &KeyOptions,
) -> Result<Option<Vec<u64>>> {
    if let Record::Unsplit {
        malformed:
            Some(Malformed {
                record,
                offset,
                error,
            }),
        ..
    } = record
    {
        let place = format!("WARC record {record} (at byte {offset})");
        return Err(Error::input(
            origin,
            place,
            format!("{error}; the rest of the input is not counted"),
        ));
    }
    let document = record
        .document(&options.text_field, &options.url_field)
        .map_err(|error| Error::input(origin, record.place(), error.message))?;
    Ok(document.map(|document| {
        let site = options.site(document.url.as_deref());
        let (mut scratch, mut keys) = (Vec::new(), Vec::new());
        document_keys(&document.text, site, &mut scratch, &mut keys);
        keys
    }))
}

/// Counts every document of `input` into `counter`, hashing on `pool`'s threads.
/// Records that cannot be read are reported to `observer` and left out; the returned
/// stats count documents, invalid records and bytes. Once `stop` is set, the run ends
/// with an `Interrupted` error before the next batch.
pub fn count_input(
    input: Input,
    counter: &mut Counter,
    options: &KeyOptions,
    pool: &rayon::ThreadPool,
    observer: &mut dyn Observer,
    stop: &StopFlag,
) -> Result<Stats> {
    let origin = input.records.origin().to_string();
    let batch_bytes = options.batch_bytes;
    thread::scope(|scope| {
        let (batches_tx, batches) = sync_channel(2);
        scope.spawn(move || read_batches(input, batch_bytes, &batches_tx));
        let mut stats = Stats::default();
        for batch in batches {
            stop.check()?;
            let batch = batch?;
            let keyed: Vec<Result<Option<Vec<u64>>>> = pool.install(|| {
                batch
                    .records
                    .par_iter()
                    .map(|record| record_keys(record, &origin, options))
                    .collect()
            });
            let documents_before = stats.documents;
            for (record, keys) in batch.records.iter().zip(keyed) {
                match keys {
                    Ok(Some(keys)) => {
                        counter.add_document(&keys)?;
                        stats.documents += 1;
                        stats.bytes_in += record.raw_len() as u64;
                    }
                    Ok(None) => {}
                    Err(error) => {
                        stats.invalid += 1;
                        observer.invalid(&error);
                    }
                }
            }
            observer.progress(Progress {
                bytes_read: batch.bytes_read,
                documents: stats.documents - documents_before,
            });
        }
        Ok(stats)
    })
}
