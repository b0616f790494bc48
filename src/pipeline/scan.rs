//! The corpus scan: turns the documents of an input (any format the cleaner reads) into
//! line keys. The batch driver hashes the lines of each batch of records on the worker
//! threads, and the calling thread adds them to a [`Counter`] in input order.

use super::{Driver, Observer, Progress, StopFlag};
use crate::counts::Scope;
use crate::counts::count::{Counter, document_keys};
use crate::counts::input::KeyOptions;
use crate::error::{Error, Result};
use crate::formats::{Input, Place, Record};
use crate::stats::Stats;

/// The keys of one record: `Ok(None)` when it holds no document.
pub fn record_keys(
    record: &Record,
    origin: &str,
    options: &KeyOptions,
) -> Result<Option<Vec<u64>>> {
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
    let keys = |record: &Record, _: &mut Stats| record_keys(record, &origin, options);
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
