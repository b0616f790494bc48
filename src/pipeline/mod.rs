//! The pipeline layer: the one place that knows about threads. The batch driver runs any
//! per-record work over one input in three stages: a reader thread cuts the input into
//! batches of whole records (a few MB); each batch goes to the rayon pool as soon as it
//! is read, so the workers move on to the next batch while the last records of one are
//! processed; the calling thread consumes the batches in input order. Bounded channels
//! between the stages keep at most a fixed number of batches in flight, so memory stays
//! flat whatever the input size. Cleaning ([`Pipeline`], with [`process()`] per record)
//! and the corpus scan (`counts::count_input`, for `count` and `top`) both run on it.

mod parquet;
mod process;

use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread;

use rayon::prelude::*;

use crate::audit::report::Report;
use crate::clean::Cleaner;
use crate::error::{Error, Result};
use crate::formats::compress::Encoder;
use crate::formats::{Input, Record, RecordReader};
use crate::stats::Stats;

use process::process_at;
pub use process::{Emit, OnInvalid, Output, ProcessOptions, Processed, process};

/// Records are processed in rayon tasks of this many, each filling one local `Stats`.
const RECORDS_PER_TASK: usize = 32;

/// At most this many worker threads per core: more only slow a run down (each must be
/// started, scheduled and fed) and cost memory.
pub const THREADS_PER_CORE: usize = 4;

/// The most worker threads a pipeline starts here: [`THREADS_PER_CORE`] for each core
/// the process may use. A pipeline asked for more starts this many.
pub fn max_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    cores * THREADS_PER_CORE
}

/// How the pipeline runs.
#[derive(Debug, Clone)]
pub struct PipelineOptions {
    /// Worker threads for cleaning; `None`: one per core. With `Some(1)` nothing runs
    /// beside the calling thread, which reads, cleans and writes in turn, so that `-j 1`
    /// uses one core; with more, a reader thread and the writing caller work alongside.
    /// At most [`max_threads`] are started.
    pub threads: Option<usize>,
    /// A batch is cut once it holds this many bytes of input (default 4 MiB), counting
    /// each record as 512 bytes more than it is (what it costs beyond its bytes).
    pub batch_bytes: usize,
    /// Batches waiting between two stages (default 2); with the one being read, cleaned
    /// and written, at most `2 * batches_in_flight + 3` batches exist at a time.
    pub batches_in_flight: usize,
    /// How each record is processed.
    pub process: ProcessOptions,
    /// Checked before each batch is written: once set, the run ends with an
    /// `Interrupted` error, with every batch before it written.
    pub stop: StopFlag,
}

impl Default for PipelineOptions {
    fn default() -> Self {
        PipelineOptions {
            threads: None,
            batch_bytes: 4 << 20,
            batches_in_flight: 2,
            process: ProcessOptions::default(),
            stop: StopFlag::new(),
        }
    }
}

pub use crate::stop::StopFlag;

/// How far a run has come, reported after each written batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Bytes of the raw (possibly compressed) input read so far.
    pub bytes_read: u64,
    /// Documents in the batch just written.
    pub documents: u64,
}

/// Receives what happens during a run, on the writing (calling) thread.
pub trait Observer {
    /// A batch was written.
    fn progress(&mut self, progress: Progress);
    /// A record could not be processed; it was passed through or skipped as configured.
    fn invalid(&mut self, error: &Error);
}

/// An [`Observer`] that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Observer for Silent {
    fn progress(&mut self, _: Progress) {}
    fn invalid(&mut self, _: &Error) {}
}

/// A writer for an output beside the cleaned records; an [`Encoder`] ends a compressed
/// member after each WARC record, as the main output does.
pub trait Sink: Write {
    /// Ends a unit of compressed output (a gzip member); a plain writer does nothing.
    fn end_member(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<W: Write> Sink for Encoder<W> {
    fn end_member(&mut self) -> std::io::Result<()> {
        Encoder::end_member(self)
    }
}

/// An output beside the cleaned records, with its name for errors.
pub struct SideOutput<'a> {
    /// Where it goes.
    pub writer: &'a mut dyn Sink,
    /// Its name in errors.
    pub name: &'a str,
}

/// The outputs beside the cleaned records of a run ([`Pipeline::run_with`]).
#[derive(Default)]
pub struct SideOutputs<'a> {
    /// The removal log: each document's [`Processed::log`] line, in input order.
    pub log: Option<SideOutput<'a>>,
    /// The rejected documents ([`Processed::rejected`]), in input order, in the input's
    /// format.
    pub rejects: Option<SideOutput<'a>>,
    /// The review report: fed each document's [`Processed::digest`], in input order.
    pub report: Option<&'a mut Report>,
}

/// A cleaner, options and a worker pool, built once and run over many inputs.
pub struct Pipeline {
    cleaner: Cleaner,
    options: PipelineOptions,
    pool: rayon::ThreadPool,
}

/// Whole records of one input, read together.
pub(crate) struct Batch {
    /// The records, in input order.
    pub records: Vec<Record>,
    /// Raw input bytes read when the batch was cut.
    pub bytes_read: u64,
    /// The 1-based number of the first record in its input (records as the reader cuts
    /// them), so that per-record work knows where each record is.
    pub first: u64,
}

/// A batch with the result of the per-record work for each record.
pub(crate) struct Mapped<T> {
    /// The records, in input order.
    pub records: Vec<Record>,
    /// One result per record, in the same order.
    pub results: Vec<T>,
    /// What the per-record work counted.
    pub stats: Stats,
    /// Raw input bytes read when the batch was cut.
    pub bytes_read: u64,
}

/// Per-record work: runs on the worker threads with the record's 1-based number in its
/// input (see [`Batch::first`]), counting into a task-local `Stats`.
pub(crate) type MapRecord<'a, T> = &'a (dyn Fn(&Record, u64, &mut Stats) -> T + Sync);

/// The one batch driver: reads an input in batches, maps its records on a worker pool,
/// and hands the batches to the caller in input order.
pub(crate) struct Driver<'a> {
    /// The workers.
    pub pool: &'a rayon::ThreadPool,
    /// Read, map and consume in turn on the calling thread (`-j 1` means one core).
    pub one_thread: bool,
    /// A batch is cut once it holds this many bytes of input.
    pub batch_bytes: usize,
    /// Batches waiting between two stages.
    pub batches_in_flight: usize,
    /// Checked before each batch is mapped and again before it is consumed; the mapping
    /// may watch it too (a long document gives up cleaning once it is set).
    pub stop: &'a StopFlag,
}

impl Driver<'_> {
    /// Maps every record of `input` with `map` and passes each batch to `consume`, in
    /// input order. Ends at the first error: of reading (after the batch of the records
    /// read before it), of `consume`, or `Interrupted` once the stop flag is set.
    pub(crate) fn run<T: Send>(
        &self,
        input: Input,
        map: MapRecord<'_, T>,
        consume: &mut dyn FnMut(Mapped<T>) -> Result<()>,
    ) -> Result<()> {
        if self.one_thread {
            for batch in batches(input, self.batch_bytes) {
                self.stop.check()?;
                let mapped = self.map_batch(batch?, map);
                // A record mapped after the flag was set may be a placeholder.
                self.stop.check()?;
                consume(mapped)?;
            }
            return Ok(());
        }
        let in_flight = self.batches_in_flight.max(1);
        let batch_bytes = self.batch_bytes;
        thread::scope(|scope| {
            let (read_tx, read_rx) = sync_channel(in_flight);
            let (map_tx, map_rx) = sync_channel(in_flight);
            scope.spawn(move || read_batches(input, batch_bytes, &read_tx));
            scope.spawn(move || self.map_batches(&read_rx, &map_tx, map));
            // Returning early drops `map_rx`, which stops the other stages.
            for pending in map_rx {
                self.stop.check()?;
                let pending: Receiver<Result<Mapped<T>>> = pending;
                let batch = pending.recv().unwrap_or_else(|_| {
                    Err(Error::config("a worker task ended without a result"))
                })?;
                // A record mapped after the flag was set may be a placeholder.
                self.stop.check()?;
                consume(batch)?;
            }
            Ok(())
        })
    }

    /// Hands each batch to the pool as soon as it is read, so that the workers go on
    /// with the next batch while the last records of one are still being mapped. The
    /// consumer gets one receiver per batch, in input order.
    fn map_batches<T: Send>(
        &self,
        batches: &Receiver<Result<Batch>>,
        mapped: &SyncSender<Receiver<Result<Mapped<T>>>>,
        map: MapRecord<'_, T>,
    ) {
        self.pool.in_place_scope(|tasks| {
            for batch in batches {
                let (done_tx, done_rx) = sync_channel(1);
                if mapped.send(done_rx).is_err() {
                    return;
                }
                tasks.spawn(move |_| {
                    // The consumer may have stopped; the batch is then not needed.
                    let _ = done_tx.send(batch.map(|batch| self.map_batch(batch, map)));
                });
            }
        });
    }

    fn map_batch<T: Send>(&self, batch: Batch, map: MapRecord<'_, T>) -> Mapped<T> {
        let parts: Vec<(Vec<T>, Stats)> = self.pool.install(|| {
            batch
                .records
                .par_chunks(RECORDS_PER_TASK)
                .enumerate()
                .map(|(chunk, records)| {
                    let mut stats = Stats::default();
                    let first = batch.first + (chunk * RECORDS_PER_TASK) as u64;
                    let results = records
                        .iter()
                        .zip(first..)
                        .map(|(record, number)| map(record, number, &mut stats))
                        .collect();
                    (results, stats)
                })
                .collect()
        });
        let mut results = Vec::with_capacity(batch.records.len());
        let mut stats = Stats::default();
        for (part, part_stats) in parts {
            results.extend(part);
            stats += part_stats;
        }
        Mapped {
            records: batch.records,
            results,
            stats,
            bytes_read: batch.bytes_read,
        }
    }
}

impl Pipeline {
    /// Starts the worker pool.
    pub fn new(cleaner: Cleaner, options: PipelineOptions) -> Result<Pipeline> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(
                options
                    .threads
                    .map_or(0, |threads| threads.min(max_threads())),
            )
            .thread_name(|i| format!("boilerstrip-clean-{i}"))
            .build()
            .map_err(|err| Error::config(format!("cannot start the worker threads: {err}")))?;
        Ok(Pipeline {
            cleaner,
            options,
            pool,
        })
    }

    /// Cleans every record of `input` into `out` (named `out_name` in errors), in input
    /// order, and returns the statistics. The output is the same whatever the number of
    /// threads. WARC records each end a compressed member of `out`.
    ///
    /// Fails on an I/O error, a document over the size limit, or (with
    /// [`OnInvalid::Fail`]) the first invalid record; everything before it was written.
    /// `out` is not finished: the caller does that.
    pub fn run<W: Write>(
        &self,
        input: Input,
        out: &mut Encoder<W>,
        out_name: &str,
        observer: &mut dyn Observer,
    ) -> Result<Stats> {
        self.run_with(input, out, out_name, &mut SideOutputs::default(), observer)
    }

    /// As [`Pipeline::run`], also writing the outputs beside the cleaned records that
    /// the options ask for (the removal log) into `side`, in input order, batch by batch
    /// with the cleaned records. Like `out`, they are not finished: the caller does that.
    pub fn run_with<W: Write>(
        &self,
        input: Input,
        out: &mut Encoder<W>,
        out_name: &str,
        side: &mut SideOutputs<'_>,
        observer: &mut dyn Observer,
    ) -> Result<Stats> {
        let origin = input.records.origin().to_string();
        if let Some(report) = &mut side.report {
            report.begin_input(&origin);
        }
        let options = &self.options;
        let driver = Driver {
            pool: &self.pool,
            one_thread: options.threads == Some(1),
            batch_bytes: options.batch_bytes,
            batches_in_flight: options.batches_in_flight,
            stop: &options.stop,
        };
        let clean = |record: &Record, number: u64, stats: &mut Stats| {
            process_at(
                record,
                number,
                &origin,
                &self.cleaner,
                &options.process,
                Some(&options.stop),
                stats,
            )
        };
        let mut stats = Stats::default();
        driver.run(input, &clean, &mut |batch| {
            let outputs = Outputs {
                out: &mut *out,
                out_name,
                side: &mut *side,
            };
            self.write_batch(&batch.records, batch.results, outputs, observer)?;
            observer.progress(Progress {
                bytes_read: batch.bytes_read,
                documents: batch.stats.documents,
            });
            stats += batch.stats;
            Ok(())
        })?;
        Ok(stats)
    }

    fn write_batch<W: Write>(
        &self,
        records: &[Record],
        processed: Vec<Processed>,
        outputs: Outputs<'_, '_, W>,
        observer: &mut dyn Observer,
    ) -> Result<()> {
        let Outputs {
            out,
            out_name,
            side,
        } = outputs;
        let io_error = |err| Error::io(out_name, err);
        for (record, mut processed) in records.iter().zip(processed) {
            if let (Some(digest), Some(report)) = (processed.digest.take(), &mut side.report) {
                // The text is read again only for the few documents the page shows.
                let field = &self.options.process.field;
                report.add(*digest, || Some(record.document(field, None).ok()??.text));
            }
            if let (Some(line), Some(log)) = (&processed.log, &mut side.log) {
                log.writer
                    .write_all(line)
                    .map_err(|err| Error::io(log.name, err))?;
            }
            if let Some(error) = processed.invalid {
                if self.options.process.on_invalid == OnInvalid::Fail {
                    return Err(error);
                }
                observer.invalid(&error);
            }
            if processed.rejected {
                if let Some(rejects) = &mut side.rejects {
                    let io_error = |err| Error::io(rejects.name, err);
                    write_emit(record, processed.emit, rejects.writer).map_err(io_error)?;
                    if record.ends_member() {
                        rejects.writer.end_member().map_err(io_error)?;
                    }
                }
                continue;
            }
            write_emit(record, processed.emit, out).map_err(io_error)?;
            if record.ends_member() {
                out.end_member().map_err(io_error)?;
            }
        }
        Ok(())
    }
}

/// Writes what `emit` says for `record`.
fn write_emit<W: Write + ?Sized>(record: &Record, emit: Emit, out: &mut W) -> std::io::Result<()> {
    match emit {
        Emit::Verbatim => record.write_raw(out),
        Emit::Replaced(bytes) => out.write_all(&bytes),
        Emit::Kept(ranges) => record.write_kept(&ranges, out),
        Emit::Dropped => Ok(()),
    }
}

/// Where one batch is written.
struct Outputs<'o, 's, W: Write> {
    out: &'o mut Encoder<W>,
    out_name: &'o str,
    side: &'o mut SideOutputs<'s>,
}

/// The reader stage: sends the batches of `input` (see [`batches`]) until the receiver
/// goes away.
fn read_batches(input: Input, batch_bytes: usize, sender: &SyncSender<Result<Batch>>) {
    for batch in batches(input, batch_bytes) {
        if sender.send(batch).is_err() {
            return;
        }
    }
}

/// The records of `input` in batches of about `batch_bytes`. Records read before an
/// error still come as a batch, then the error, then nothing.
fn batches(mut input: Input, batch_bytes: usize) -> impl Iterator<Item = Result<Batch>> {
    let bytes_read = input.bytes_read();
    let mut pending_error = None;
    let mut done = false;
    let mut next = 1;
    std::iter::from_fn(move || {
        if let Some(error) = pending_error.take() {
            return Some(Err(error));
        }
        if done {
            return None;
        }
        let (records, more) = fill_batch(&mut input.records, batch_bytes);
        match more {
            Ok(true) => {}
            Ok(false) => done = true,
            Err(error) => {
                done = true;
                pending_error = Some(error);
            }
        }
        let first = next;
        next += records.len() as u64;
        Some(Ok(Batch {
            records,
            bytes_read: bytes_read.load(Ordering::Relaxed),
            first,
        }))
    })
}

/// What a record costs in memory beyond its bytes, while its batch is read, cleaned and
/// written (the record, its result, its statistics and log entries), counted against a
/// batch's size: a batch of many tiny records (a JSONL line of 40 bytes) would
/// otherwise hold 100,000 of them and several such batches hundreds of MiB.
const RECORD_OVERHEAD: usize = 512;

/// Reads records until they hold `batch_bytes`, each counted with [`RECORD_OVERHEAD`];
/// also says whether more may follow.
fn fill_batch(reader: &mut RecordReader, batch_bytes: usize) -> (Vec<Record>, Result<bool>) {
    let mut records = Vec::new();
    let mut size = 0;
    while size < batch_bytes {
        match reader.next_record() {
            Ok(Some(record)) => {
                size += record.raw_len() + RECORD_OVERHEAD;
                records.push(record);
            }
            Ok(None) => return (records, Ok(false)),
            Err(err) => return (records, Err(err)),
        }
    }
    (records, Ok(true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::text::TextDocument;
    use crate::formats::{Format, InputOptions};

    fn input(text: &str) -> Input {
        let options = InputOptions {
            format: Some(Format::Jsonl),
            ..InputOptions::default()
        };
        crate::formats::open(
            std::io::Cursor::new(text.as_bytes().to_vec()),
            "t",
            &options,
        )
        .unwrap()
    }

    #[test]
    fn a_batch_of_tiny_records_counts_what_each_costs_beyond_its_bytes() {
        let line = "{\"text\":\"a\"}\n";
        let text = line.repeat(10_000);
        let sizes: Vec<usize> = batches(input(&text), 64 << 10)
            .map(|batch| batch.unwrap().records.len())
            .collect();
        assert_eq!(sizes.iter().sum::<usize>(), 10_000, "every record, once");
        let most = (64 << 10) / (line.len() + RECORD_OVERHEAD) + 1;
        assert!(
            sizes.iter().all(|&n| n <= most),
            "{sizes:?} (at most {most})"
        );
        // Counted by their bytes alone, a batch would hold 64 KiB / 15 B = 4,370 of them.
        assert!(sizes[0] < 200, "{}", sizes[0]);
    }

    /// A stop that comes while a batch is being mapped keeps that batch from being
    /// consumed: what a record mapped after the flag was set returns may be a placeholder.
    #[test]
    fn a_batch_mapped_after_a_stop_is_not_consumed() {
        let records = "{\"text\":\"a\"}\n".repeat(100);
        for one_thread in [true, false] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .build()
                .unwrap();
            let stop = StopFlag::new();
            let driver = Driver {
                pool: &pool,
                one_thread,
                batch_bytes: 1 << 20,
                batches_in_flight: 2,
                stop: &stop,
            };
            let map = |_: &Record, _: u64, _: &mut Stats| stop.stop();
            let mut consumed = 0;
            let result = driver.run(input(&records), &map, &mut |_| {
                consumed += 1;
                Ok(())
            });
            let err = result.expect_err("the run was stopped");
            assert_eq!(err.category(), crate::error::ErrorCategory::Interrupted);
            assert_eq!(consumed, 0, "one_thread: {one_thread}");
        }
    }

    /// A long document gives up cleaning once the flag is set, and so its placeholder
    /// is never counted as a document.
    #[test]
    fn a_set_flag_stops_cleaning_a_document() {
        let cleaner = Cleaner::new(&crate::rules::RuleSet::builtin()).unwrap();
        let doc = "Share this\n".repeat(5000);
        let record = Record::Text(TextDocument {
            body: doc.into_bytes(),
            separator: Vec::new(),
        });
        let stop = StopFlag::new();
        stop.stop();
        let mut stats = Stats::default();
        let options = ProcessOptions::default();
        let processed = process_at(&record, 1, "t", &cleaner, &options, Some(&stop), &mut stats);
        assert!(matches!(processed.emit, Emit::Dropped));
        assert_eq!(stats.documents, 0);
        let processed = process_at(&record, 1, "t", &cleaner, &options, None, &mut stats);
        assert!(matches!(processed.emit, Emit::Kept(_)));
        assert_eq!(stats.documents, 1);
    }
}
