//! Turns the documents of an input (any format the cleaner reads) into line keys, on the
//! pipeline's batch driver: the workers hash the lines of each batch of records, and the
//! calling thread adds them to a [`Counter`] in input order. Parquet files are read by
//! row group instead ([`count_parquet`]).

use super::{Counter, document_keys};
use crate::count_table::Scope;
use crate::error::{Error, Result};
use rayon::prelude::*;

use crate::formats::jsonl::FieldPath;
use crate::formats::parquet::ParquetInput;
use crate::formats::{Input, Place, Record};
use crate::normal::host_of;
use crate::pipeline::{Driver, Observer, Progress, StopFlag};
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
fn record_keys(record: &Record, origin: &str, options: &KeyOptions) -> Result<Option<Vec<u64>>> {
    if let Record::Unsplit {
        issue: Some(issue), ..
    } = record
    {
        return Err(issue.error(origin, "not counted"));
    }
    let url_field = (options.scope == Scope::Site).then_some(&options.url_field);
    let document = record
        .document(&options.text_field, url_field)
        .map_err(|error| {
            let place = record.place().unwrap_or(Place::Start);
            Error::input(origin, place, error.message)
        })?;
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
    let driver = Driver {
        pool,
        one_thread: pool.current_num_threads() == 1,
        batch_bytes: options.batch_bytes,
        batches_in_flight: 2,
        stop,
    };
    let keys = |record: &Record, _: u64, _: &mut Stats| record_keys(record, &origin, options);
    let mut stats = Stats::default();
    driver.run(input, &keys, &mut |batch| {
        let documents_before = stats.documents;
        for (record, keys) in batch.records.iter().zip(batch.results) {
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
        Ok(())
    })?;
    Ok(stats)
}

/// Counts every non-null text of the Parquet file `input` (opened on the text column;
/// with its URL column for per-site keys, see [`ParquetInput::with_identity`]) into
/// `counter`, in row order, hashing on `pool`'s threads. A row group whose text cannot
/// be read is reported to `observer` as an invalid record and not counted at all. Once
/// `stop` is set, the run ends with an `Interrupted` error before the next row group.
pub fn count_parquet(
    input: &ParquetInput,
    counter: &mut Counter,
    options: &KeyOptions,
    pool: &rayon::ThreadPool,
    observer: &mut dyn Observer,
    stop: &StopFlag,
) -> Result<Stats> {
    let mut stats = Stats::default();
    let mut bytes_read = 0;
    for index in 0..input.row_groups() {
        stop.check()?;
        bytes_read += input.compressed_size(index);
        // A row group is counted whole or not at all.
        let keyed = (|| {
            let mut documents = Vec::new();
            for batch in input.read_batches(index, options.batch_bytes)? {
                let batch = batch?;
                let rows: Vec<usize> = (0..batch.len()).collect();
                let keys: Vec<Option<(Vec<u64>, usize)>> = pool.install(|| {
                    rows.par_iter()
                        .map_init(Vec::new, |scratch, &row| {
                            let text = batch.text(row)?;
                            let site = options.site(batch.url(row));
                            let mut keys = Vec::new();
                            document_keys(text.as_bytes(), site, scratch, &mut keys);
                            Some((keys, text.len()))
                        })
                        .collect()
                });
                documents.extend(keys.into_iter().flatten());
            }
            Ok::<_, Error>(documents)
        })();
        let documents = match keyed {
            Ok(documents) => documents,
            Err(error) => {
                stats.invalid += 1;
                observer.invalid(&error);
                continue;
            }
        };
        for (keys, bytes) in &documents {
            counter.add_document(keys)?;
            stats.bytes_in += *bytes as u64;
        }
        stats.documents += documents.len() as u64;
        observer.progress(Progress {
            bytes_read,
            documents: documents.len() as u64,
        });
    }
    Ok(stats)
}
