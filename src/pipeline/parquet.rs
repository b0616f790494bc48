//! Cleans a Parquet file row group by row group: each row group is decoded in batches
//! of a few MiB of text, cleaned and encoded on the worker pool, several row groups at a
//! time, and written in input order by the calling thread; a bounded channel keeps only
//! a few row groups (their encoded text chunks) in memory.

use std::borrow::Cow;
use std::io::Write;
use std::ops::Range;
use std::path::Path;
use std::sync::mpsc::{Receiver, sync_channel};
use std::thread;

use rayon::prelude::*;

use super::{OnInvalid, Output, Pipeline, Progress, SideOutputs};
use crate::audit::dolma::AttributeLine;
use crate::audit::log::LogEntry;
use crate::audit::report::Digest;
use crate::audit::{Identity, explain_document};
use crate::error::{Error, Result};
use crate::formats::parquet::{
    ColumnEncoder, EncodedText, ParquetInput, ParquetWriter, RowTexts, TextBatch, TextBuilder,
    TextEncoder,
};
use crate::normal::host_of;
use crate::stats::Stats;

use super::Observer;

/// Rows of one batch cleaned in one rayon task.
const ROWS_PER_TASK: usize = 64;

/// A row group is decoded in batches of about this much text, so that it is never held
/// decoded whole: only its encoded text chunk grows while it is cleaned.
const BATCH_BYTES: usize = 8 << 20;

/// What the workers made of one row group.
#[derive(Default)]
struct Done {
    /// The new text column, encoded (when cleaning into Parquet).
    text: Option<EncodedText>,
    /// `--explain` output or dolma attributes, in row order.
    out: Vec<u8>,
    /// Lines of the removal log, in row order.
    log: Vec<u8>,
    /// What the review report may show of each document, with its row (0-based in the
    /// file), in row order.
    digests: Vec<(u64, Digest)>,
    /// The text column could not be read: the row group is copied through or left out.
    error: Option<Error>,
    stats: Stats,
}

/// What one rayon task made of some rows of a batch.
#[derive(Default)]
struct Part {
    /// The first of the rows in the batch.
    offset: usize,
    /// Their new texts (when cleaning into Parquet).
    texts: Option<arrow_array::ArrayRef>,
    out: Vec<u8>,
    log: Vec<u8>,
    digests: Vec<(u64, Digest)>,
    stats: Stats,
}

impl Pipeline {
    /// Cleans the text column (`--field`) of the Parquet file at `path` (named `origin`)
    /// into `out` (named `out_name`) and returns the statistics and `out`; as
    /// [`Pipeline::run_parquet_with`] with no outputs beside it.
    pub fn run_parquet<W: Write + Send>(
        &self,
        path: &Path,
        origin: &str,
        out: W,
        out_name: &str,
        observer: &mut dyn Observer,
    ) -> Result<(Stats, W)> {
        let mut side = SideOutputs::default();
        self.run_parquet_with(path, origin, out, out_name, &mut side, observer)
    }

    /// Cleans the text column (`--field`) of the Parquet file at `path` (named `origin`)
    /// into `out` (named `out_name`), with the removal log and the review report into
    /// `side`, and returns the statistics and `out`.
    ///
    /// The output has the input's schema, key-value metadata and row groups, each with
    /// the same rows in the same order; every column but the text column is copied
    /// without being decoded. Null texts stay null. With `--explain` the output is the
    /// explanation of each document instead, and in annotate mode its dolma attributes
    /// (one line per row, a null text's without attributes), as for other formats. A
    /// document is named by its row, 1-based across row groups, its id column
    /// (`--id-field`, when the file has it) and its URL column (`--url-field`), which
    /// also gives the site of per-site count tables.
    ///
    /// The log has a line and the report a document for each row with a text, in row
    /// order; the report reads the text of the few documents it shows again from `path`
    /// on the calling thread, one batch at a time.
    ///
    /// A row group whose text column cannot be decoded is an invalid record: copied
    /// through unchanged, left out, or the end of the run, as [`OnInvalid`] says; the
    /// log has an error line and the report an invalid document for each of its rows. Refused, since they would leave rows
    /// out of one column only or write into records: `--drop-empty`,
    /// `--max-removed-share`, rejects and `--meta-field`.
    pub fn run_parquet_with<W: Write + Send>(
        &self,
        path: &Path,
        origin: &str,
        out: W,
        out_name: &str,
        side: &mut SideOutputs<'_>,
        observer: &mut dyn Observer,
    ) -> Result<(Stats, W)> {
        let options = &self.options.process;
        let refused = [
            (options.drop_empty, "--drop-empty"),
            (options.max_removed_share.is_some(), "--max-removed-share"),
            (options.keep_rejects || side.rejects.is_some(), "--rejects"),
        ];
        if let Some((_, flag)) = refused.iter().find(|(given, _)| *given) {
            return Err(Error::config(format!(
                "{origin}: {flag} is not supported for Parquet: leaving rows out of \
                 the text column would misalign the other columns"
            )));
        }
        if options.meta_field.is_some() {
            return Err(Error::config(format!(
                "{origin}: --meta-field adds a field to JSONL records; the input is Parquet"
            )));
        }
        let identity = options.wants_identity();
        let input = ParquetInput::open(path, origin, &options.field)?.with_identity(
            identity.then_some(&options.id_field),
            (identity || self.cleaner.wants_site()).then_some(&options.url_field),
        );
        let encoder;
        let mut writer = None;
        let mut out = Some(out);
        if let Output::Cleaned = options.output {
            let (w, e) = ParquetWriter::new(out.take().expect("not taken yet"), out_name, &input)?;
            writer = Some(w);
            encoder = Some(e);
        } else {
            encoder = None;
        }
        let mut log = side.log.as_mut();
        let mut report = side.report.as_deref_mut();
        if let Some(report) = &mut report {
            report.begin_input(origin);
        }
        let mut texts = RowTexts::new(&input, BATCH_BYTES);
        let stats = self.drive(&input, encoder.as_ref(), &mut |index, done, stats| {
            if let Some(log) = &mut log {
                log.writer
                    .write_all(&done.log)
                    .map_err(|err| Error::io(log.name, err))?;
            }
            if let Some(report) = &mut report {
                for (row, digest) in done.digests {
                    // The text is read again only for the few documents the page shows.
                    let text = || {
                        let text = texts.text(row).ok()??;
                        Some(Cow::Owned(text.as_bytes().to_vec()))
                    };
                    report.add(digest, text);
                }
            }
            if let Some(error) = done.error {
                self.unreadable(error, stats, observer)?;
            }
            match (&mut writer, done.text) {
                (Some(writer), Some(text)) => writer.write_row_group(&input, index, text)?,
                (Some(writer), None) if self.options.process.on_invalid == OnInvalid::Pass => {
                    writer.copy_row_group(&input, index)?;
                }
                _ => {}
            }
            if let Some(out) = &mut out {
                out.write_all(&done.out)
                    .map_err(|err| Error::io(out_name, err))?;
            }
            observer.progress(progress(&input, index, stats));
            Ok(())
        })?;
        let out = match (writer, out) {
            (Some(writer), _) => writer.finish()?,
            (None, Some(out)) => out,
            (None, None) => unreachable!("the output goes to the writer or is kept"),
        };
        Ok((stats, out))
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
        let mut step = |index: usize, mut done: Done| -> Result<()> {
            stop.check()?;
            let mut stats = std::mem::take(&mut done.stats);
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
        // One row group per worker at most (the one being written among them): each
        // holds its encoded text chunk until the writer takes it. A worker whose row
        // group is done early helps clean the others' batches (rayon steals their
        // tasks), so more would cost memory without adding speed.
        let in_flight = self.pool.current_num_threads().saturating_sub(1).max(1);
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
                let done: Receiver<Done> = done;
                let done = done
                    .recv()
                    .map_err(|_| Error::config("a worker task ended without a result"))?;
                step(index, done)?;
            }
            Ok::<(), Error>(())
        })?;
        Ok(total)
    }

    /// Decodes, cleans and encodes (or explains, or annotates) one row group.
    fn row_group(&self, input: &ParquetInput, encoder: Option<&TextEncoder>, index: usize) -> Done {
        let mut done = Done::default();
        match self.fill_row_group(input, encoder, index, &mut done) {
            Ok(()) => done,
            Err(error) => self.unreadable_rows(input, index, error),
        }
    }

    fn fill_row_group(
        &self,
        input: &ParquetInput,
        encoder: Option<&TextEncoder>,
        index: usize,
        done: &mut Done,
    ) -> Result<()> {
        let mut column = encoder.map(|encoder| encoder.column(index)).transpose()?;
        for batch in input.read_batches(index, BATCH_BYTES)? {
            let batch = batch?;
            let tasks = batch.len().div_ceil(ROWS_PER_TASK);
            let cleaning = column.is_some();
            let parts: Vec<Part> = self.pool.install(|| {
                (0..tasks)
                    .into_par_iter()
                    .map(|task| {
                        let rows =
                            task * ROWS_PER_TASK..((task + 1) * ROWS_PER_TASK).min(batch.len());
                        self.clean_part(input, &batch, rows, cleaning)
                    })
                    .collect()
            });
            for part in parts {
                done.stats += part.stats;
                done.out.extend_from_slice(&part.out);
                done.log.extend_from_slice(&part.log);
                done.digests.extend(part.digests);
                if let (Some(column), Some(texts)) = (&mut column, part.texts) {
                    column.write(&batch, part.offset, texts)?;
                }
            }
        }
        done.text = column.map(ColumnEncoder::finish).transpose()?;
        Ok(())
    }

    /// What a row group whose text cannot be read leaves: the error, an error line in
    /// the log for each row, and in annotate mode (when it is passed through) a line
    /// without attributes for each row, so that the attributes stay line for line with
    /// the rows.
    fn unreadable_rows(&self, input: &ParquetInput, index: usize, error: Error) -> Done {
        let options = &self.options.process;
        let mut done = Done::default();
        let annotate =
            matches!(options.output, Output::Annotate) && options.on_invalid == OnInvalid::Pass;
        if options.log || annotate || options.report.is_some() {
            let message = error.to_string();
            let first = input.first_row(index);
            for row in first..first + input.rows(index) as u64 {
                let identity = Identity {
                    input: input.origin(),
                    record: row + 1,
                    id: None,
                    url: None,
                };
                if options.log {
                    let entry = LogEntry::invalid(&identity, &message);
                    entry
                        .write_line(&mut done.log)
                        .expect("writing to a Vec cannot fail");
                }
                if annotate {
                    done.out
                        .extend_from_slice(&AttributeLine::unprocessed(&identity).to_line());
                }
                if options.report.is_some() {
                    done.digests
                        .push((row, Digest::invalid(&identity, &message)));
                }
            }
        }
        done.error = Some(error);
        done
    }

    /// Cleans `rows` of `batch`: their new texts when `cleaning`, or their explanations
    /// or attributes; their log lines.
    fn clean_part(
        &self,
        input: &ParquetInput,
        batch: &TextBatch,
        rows: Range<usize>,
        cleaning: bool,
    ) -> Part {
        let options = &self.options.process;
        let wants_site = self.cleaner.wants_site();
        let wants_identity = options.wants_identity();
        let mut part = Part {
            offset: rows.start,
            ..Part::default()
        };
        let mut texts = cleaning.then(|| batch.builder(rows.clone()));
        for row in rows {
            let identity = || Identity {
                input: input.origin(),
                record: batch.first_row() + row as u64 + 1,
                id: batch.id(row),
                url: batch.url(row).map(Cow::Borrowed),
            };
            let Some(text) = batch.text(row) else {
                if let Some(texts) = &mut texts {
                    texts.append_null();
                }
                if let Output::Annotate = options.output {
                    let line = AttributeLine::unprocessed(&identity()).to_line();
                    part.out.extend_from_slice(&line);
                }
                continue;
            };
            let site = wants_site
                .then(|| batch.url(row).and_then(host_of))
                .flatten();
            if wants_site {
                *part.stats.documents_with_site.get_or_insert(0) += u64::from(site.is_some());
            }
            let cleaned = self.cleaner.clean_site(text.as_bytes(), site);
            part.stats.record(&cleaned);
            let identity = wants_identity.then(identity);
            if let (Some(identity), true) = (&identity, options.log) {
                LogEntry::new(identity, &cleaned)
                    .write_line(&mut part.log)
                    .expect("writing to a Vec cannot fail");
            }
            if let (Some(identity), Some(report)) = (&identity, &options.report) {
                let digest = Digest::new(identity, &cleaned, report, false);
                part.digests.push((identity.record - 1, digest));
            }
            match (options.output, &identity, &mut texts) {
                (Output::Explain(style), Some(identity), _) => {
                    explain_document(identity, &cleaned, &[], style, &mut part.out)
                        .expect("writing to a Vec cannot fail");
                }
                (Output::Annotate, Some(identity), _) => {
                    let frequent = |line: &[u8]| self.cleaner.frequent_documents(line, site);
                    let name = &options.attribute_name;
                    let line = AttributeLine::new(identity, &cleaned, name, &frequent).to_line();
                    part.out.extend_from_slice(&line);
                }
                (_, _, Some(texts)) => texts.append(cleaned.kept_ranges().map(|r| &text[r])),
                _ => {}
            }
        }
        part.texts = texts.map(TextBuilder::finish);
        part
    }
}

/// Progress after row group `index`: the compressed bytes of the row groups so far.
fn progress(input: &ParquetInput, index: usize, stats: &Stats) -> Progress {
    Progress {
        bytes_read: (0..=index).map(|i| input.compressed_size(i)).sum(),
        documents: stats.documents,
    }
}
