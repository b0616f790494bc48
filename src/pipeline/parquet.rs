//! Cleans a Parquet file row group by row group: the row groups are decoded, cleaned
//! and encoded on the worker pool, several at a time, and written in input order by the
//! calling thread; a bounded channel keeps only a few row groups in memory.

use std::io::Write;
use std::path::Path;
use std::sync::mpsc::{Receiver, sync_channel};
use std::thread;

use rayon::prelude::*;

use super::{OnInvalid, Output, Pipeline, Progress};
use crate::error::{Error, Result};
use crate::explain::explain;
use crate::formats::parquet::{EncodedText, ParquetInput, ParquetWriter, TextColumn, TextEncoder};
use crate::stats::Stats;

use super::Observer;

/// Rows of one row group cleaned in one rayon task.
const ROWS_PER_TASK: usize = 64;

/// What the workers made of one row group.
enum Done {
    /// The new text column, encoded.
    Encoded(Box<EncodedText>),
    /// `--explain` output for its documents.
    Explained(Vec<u8>),
    /// The text column could not be read: the row group is copied through or left out.
    Unreadable(Error),
}

impl Pipeline {
    /// Cleans the text column (`--field`) of the Parquet file at `path` (named `origin`)
    /// into `out` (named `out_name`) and returns the statistics and `out`.
    ///
    /// The output has the input's schema, key-value metadata and row groups, each with
    /// the same rows in the same order; every column but the text column is copied
    /// without being decoded. Null texts stay null. With `--explain` the output is the
    /// explanation of each document instead, as for other formats.
    ///
    /// A row group whose text column cannot be decoded is an invalid record: copied
    /// through unchanged, left out, or the end of the run, as
    /// [`OnInvalid`] says. `--drop-empty` is refused: it would misalign the rows of
    /// the other columns.
    pub fn run_parquet<W: Write + Send>(
        &self,
        path: &Path,
        origin: &str,
        out: W,
        out_name: &str,
        observer: &mut dyn Observer,
    ) -> Result<(Stats, W)> {
        let options = &self.options.process;
        if options.drop_empty {
            return Err(Error::config(format!(
                "{origin}: --drop-empty is not supported for Parquet: leaving rows out of \
                 the text column would misalign the other columns"
            )));
        }
        if let Output::Annotate = options.output {
            return Err(Error::config(format!(
                "{origin}: annotate does not read Parquet yet"
            )));
        }
        let input = ParquetInput::open(path, origin, &options.field)?;
        match options.output {
            Output::Cleaned | Output::Annotate => {
                self.clean_parquet(&input, out, out_name, observer)
            }
            Output::Explain(_) => {
                let mut out = out;
                let stats = self.drive(&input, None, &mut |index, done, stats| {
                    match done {
                        Done::Explained(text) => {
                            out.write_all(&text).map_err(|err| Error::io(out_name, err))
                        }
                        Done::Unreadable(error) => self.unreadable(error, stats, observer),
                        Done::Encoded(_) => Ok(()),
                    }?;
                    observer.progress(progress(&input, index, stats));
                    Ok(())
                })?;
                Ok((stats, out))
            }
        }
    }

    fn clean_parquet<W: Write + Send>(
        &self,
        input: &ParquetInput,
        out: W,
        out_name: &str,
        observer: &mut dyn Observer,
    ) -> Result<(Stats, W)> {
        let (mut writer, encoder): (ParquetWriter<W>, TextEncoder) =
            ParquetWriter::new(out, out_name, input)?;
        let stats = self.drive(input, Some(&encoder), &mut |index, done, stats| {
            match done {
                Done::Encoded(text) => writer.write_row_group(input, index, *text)?,
                Done::Unreadable(error) => {
                    self.unreadable(error, stats, observer)?;
                    if self.options.process.on_invalid == OnInvalid::Pass {
                        writer.copy_row_group(input, index)?;
                    }
                }
                Done::Explained(_) => {}
            }
            observer.progress(progress(input, index, stats));
            Ok(())
        })?;
        Ok((stats, writer.finish()?))
    }

    /// Reports a row group that cannot be read; an error with `--on-invalid fail`.
    fn unreadable(
        &self,
        error: Error,
        stats: &mut Stats,
        observer: &mut dyn Observer,
    ) -> Result<()> {
        stats.documents += 1;
        stats.invalid += 1;
        if self.options.process.on_invalid == OnInvalid::Fail {
            return Err(error);
        }
        observer.invalid(&error);
        Ok(())
    }

    /// Cleans every row group of `input` on the pool, several at once, and passes each
    /// result to `consume` in input order with the row group's statistics. Ends at the
    /// first error of `consume`, or when the stop flag is set.
    fn drive(
        &self,
        input: &ParquetInput,
        encoder: Option<&TextEncoder>,
        consume: &mut dyn FnMut(usize, Done, &mut Stats) -> Result<()>,
    ) -> Result<Stats> {
        let stop = &self.options.stop;
        let mut total = Stats::default();
        let mut step = |index: usize, (done, mut stats): (Done, Stats)| -> Result<()> {
            stop.check()?;
            consume(index, done, &mut stats)?;
            total += stats;
            Ok(())
        };
        if self.options.threads == Some(1) {
            for index in 0..input.row_groups() {
                step(index, self.row_group(input, encoder, index))?;
            }
            return Ok(total);
        }
        let in_flight = self.options.batches_in_flight.max(1) + self.pool.current_num_threads();
        thread::scope(|scope| {
            let (pending_tx, pending_rx) = sync_channel(in_flight);
            scope.spawn(move || {
                self.pool.in_place_scope(|tasks| {
                    for index in 0..input.row_groups() {
                        let (done_tx, done_rx) = sync_channel(1);
                        if pending_tx.send((index, done_rx)).is_err() {
                            return;
                        }
                        tasks.spawn(move |_| {
                            // The consumer may have stopped; the result is then not needed.
                            let _ = done_tx.send(self.row_group(input, encoder, index));
                        });
                    }
                });
            });
            // Returning early drops `pending_rx`, which stops the producer.
            for (index, done) in pending_rx {
                let done: Receiver<(Done, Stats)> = done;
                let done = done
                    .recv()
                    .map_err(|_| Error::config("a worker task ended without a result"))?;
                step(index, done)?;
            }
            Ok::<(), Error>(())
        })?;
        Ok(total)
    }

    /// Decodes, cleans and encodes (or explains) one row group.
    fn row_group(
        &self,
        input: &ParquetInput,
        encoder: Option<&TextEncoder>,
        index: usize,
    ) -> (Done, Stats) {
        let text = match input.read_text(index) {
            Ok(text) => text,
            Err(error) => return (Done::Unreadable(error), Stats::default()),
        };
        let parts = self.clean_rows(&text);
        let mut stats = Stats::default();
        let size = parts.iter().map(|part| part.values.len()).sum();
        let mut values = Vec::with_capacity(size);
        let mut lengths = Vec::with_capacity(text.len());
        for part in parts {
            values.extend_from_slice(&part.values);
            lengths.extend(part.lengths);
            stats += part.stats;
        }
        let done = match encoder {
            None => Done::Explained(values),
            Some(encoder) => match text
                .replaced(values, lengths)
                .and_then(|text| encoder.encode(index, &text))
            {
                Ok(encoded) => Done::Encoded(Box::new(encoded)),
                Err(error) => Done::Unreadable(error),
            },
        };
        (done, stats)
    }

    /// Cleans the rows of `text` in tasks of [`ROWS_PER_TASK`], in order: each part
    /// holds its rows' kept texts end to end, or with `--explain` their explanations.
    fn clean_rows(&self, text: &TextColumn) -> Vec<Part> {
        let options = &self.options.process;
        let tasks = text.len().div_ceil(ROWS_PER_TASK);
        self.pool.install(|| {
            (0..tasks)
                .into_par_iter()
                .map(|task| {
                    let rows = task * ROWS_PER_TASK..((task + 1) * ROWS_PER_TASK).min(text.len());
                    let mut part = Part::default();
                    for row in rows {
                        let start = part.values.len();
                        if let Some(document) = text.text(row) {
                            let cleaned = self.cleaner.clean(document);
                            part.stats.record(&cleaned);
                            match options.output {
                                Output::Explain(style) => {
                                    explain(&cleaned, &mut part.values, style)
                                        .expect("writing to a Vec cannot fail");
                                }
                                Output::Cleaned | Output::Annotate => {
                                    for range in cleaned.kept_ranges() {
                                        part.values.extend_from_slice(&document[range]);
                                    }
                                }
                            }
                        }
                        part.lengths.push(part.values.len() - start);
                    }
                    part
                })
                .collect()
        })
    }
}

/// The cleaned texts of a run of rows.
#[derive(Default)]
struct Part {
    values: Vec<u8>,
    lengths: Vec<usize>,
    stats: Stats,
}

/// Progress after row group `index`: the compressed bytes of the row groups so far.
fn progress(input: &ParquetInput, index: usize, stats: &Stats) -> Progress {
    Progress {
        bytes_read: (0..=index).map(|i| input.compressed_size(i)).sum(),
        documents: stats.documents,
    }
}
