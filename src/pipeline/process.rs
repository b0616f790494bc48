//! Cleans one record: finds its document, runs the cleaner, and decides what to write
//! (the record verbatim, a rewritten record, or nothing). Writes nothing itself.

use std::ops::Range;

use crate::clean::Cleaner;
use crate::decision::Cleaned;
use crate::error::Error;
use crate::explain::{ExplainStyle, explain};
use crate::formats::jsonl::FieldPath;
use crate::formats::{Document, Place, Record};
use crate::normal::host_of;
use crate::stats::Stats;

/// What to write for each document.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub enum Output {
    /// The cleaned record, in its input format.
    #[default]
    Cleaned,
    /// Every line of each document with its fate (`--explain`); wrappers are not written.
    Explain(ExplainStyle),
}

/// What to do with a record that cannot be processed (invalid JSON, a missing or
/// non-string field, a malformed WARC record). It is reported and counted in every case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum OnInvalid {
    /// Copy it through unchanged (the default).
    #[default]
    Pass,
    /// Leave it out of the output.
    Skip,
    /// Stop the run at it; what came before is written.
    Fail,
}

/// How records are processed.
#[derive(Debug, Clone)]
pub struct ProcessOptions {
    /// Cleaned records or `--explain`.
    pub output: Output,
    /// Where a JSONL record keeps its text (default `text`).
    pub field: FieldPath,
    /// Where a JSONL record keeps its URL (default `url`); read only when the cleaner
    /// uses sites (a per-site count table).
    pub url_field: FieldPath,
    /// Leave out documents that end up empty (default false: they are kept, so record
    /// ids stay aligned).
    pub drop_empty: bool,
    /// What to do with records that cannot be processed.
    pub on_invalid: OnInvalid,
}

impl Default for ProcessOptions {
    fn default() -> Self {
        ProcessOptions {
            output: Output::Cleaned,
            field: FieldPath::parse("text").expect("`text` is a valid path"),
            url_field: FieldPath::parse("url").expect("`url` is a valid path"),
            drop_empty: false,
            on_invalid: OnInvalid::Pass,
        }
    }
}

/// What to write for one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Emit {
    /// The record exactly as read.
    Verbatim,
    /// These bytes instead.
    Replaced(Vec<u8>),
    /// A text record with only these byte ranges of its text kept, written straight
    /// from the record (see [`Record::write_kept`]).
    Kept(Vec<Range<usize>>),
    /// Nothing.
    Dropped,
}

/// The outcome of processing one record.
#[derive(Debug)]
pub struct Processed {
    /// What to write.
    pub emit: Emit,
    /// Why the record could not be processed, if it could not.
    pub invalid: Option<Error>,
}

impl Processed {
    fn valid(emit: Emit) -> Processed {
        Processed {
            emit,
            invalid: None,
        }
    }
}

/// Cleans `record` of input `origin` and counts it in `stats`.
///
/// A record with nothing removed is written verbatim; so are non-document records
/// (WARC records other than `conversion`, blank JSONL lines), which are not counted as
/// documents. A record that cannot be processed is counted as invalid and handled as
/// `options.on_invalid` says; the error is returned for reporting.
pub fn process(
    record: &Record,
    origin: &str,
    cleaner: &Cleaner,
    options: &ProcessOptions,
    stats: &mut Stats,
) -> Processed {
    if let Record::Unsplit { issue, .. } = record {
        let Some(issue) = issue else {
            // The chunks after the first go where the first went.
            return Processed::valid(match options.on_invalid {
                OnInvalid::Pass => passthrough(options),
                OnInvalid::Skip | OnInvalid::Fail => Emit::Dropped,
            });
        };
        let outcome = match options.on_invalid {
            OnInvalid::Pass => "copied through unchanged",
            OnInvalid::Skip | OnInvalid::Fail => "left out",
        };
        return invalid(issue.error(origin, outcome), options, stats);
    }
    let url_field = cleaner.wants_site().then_some(&options.url_field);
    match record.document(&options.field, url_field) {
        Ok(Some(document)) => {
            let site = document.url.as_deref().and_then(host_of);
            let emit = clean_document(record, &document, site, cleaner, options, stats);
            Processed::valid(emit)
        }
        Ok(None) => Processed::valid(passthrough(options)),
        Err(error) => {
            let place = record.place().unwrap_or(Place::Start);
            invalid(Error::input(origin, place, error.message), options, stats)
        }
    }
}

/// A record that is not a document: verbatim in the output, absent from `--explain`.
fn passthrough(options: &ProcessOptions) -> Emit {
    match options.output {
        Output::Cleaned => Emit::Verbatim,
        Output::Explain(_) => Emit::Dropped,
    }
}

fn invalid(error: Error, options: &ProcessOptions, stats: &mut Stats) -> Processed {
    stats.documents += 1;
    stats.invalid += 1;
    let emit = match options.on_invalid {
        OnInvalid::Pass => passthrough(options),
        OnInvalid::Skip | OnInvalid::Fail => Emit::Dropped,
    };
    Processed {
        emit,
        invalid: Some(error),
    }
}

/// Cleans the document of `record`; a text record (which is its text) is emitted as
/// its kept ranges, any other record is written around them.
fn clean_document(
    record: &Record,
    document: &Document<'_>,
    site: Option<&str>,
    cleaner: &Cleaner,
    options: &ProcessOptions,
    stats: &mut Stats,
) -> Emit {
    let text = &document.text;
    let cleaned: Cleaned<'_> = cleaner.clean_site(text, site);
    stats.record(&cleaned);
    if let Output::Explain(style) = options.output {
        let mut out = Vec::new();
        explain(&cleaned, &mut out, style).expect("writing to a Vec cannot fail");
        return Emit::Replaced(out);
    }
    if options.drop_empty && cleaned.removed_bytes() == text.len() {
        stats.documents_dropped += 1;
        return Emit::Dropped;
    }
    if cleaned.is_unchanged() {
        return Emit::Verbatim;
    }
    if let Record::Text(_) = record {
        return Emit::Kept(cleaned.kept_ranges().collect());
    }
    let mut out = Vec::with_capacity(record.raw_len());
    record.write_replaced(document, cleaned.kept_ranges(), &mut out);
    Emit::Replaced(out)
}
