//! Cleans one record: finds its text, runs the cleaner, and decides what to write
//! (the record verbatim, a rewritten record, or nothing). Writes nothing itself.

use std::ops::Range;

use super::jsonl::{self, FieldPath};
use super::reader::{Malformed, Record};
use super::warc;
use crate::clean::Cleaner;
use crate::decision::Cleaned;
use crate::error::Error;
use crate::explain::{ExplainStyle, explain};
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
    let clean = |text: &[u8], url: Option<&str>, stats: &mut Stats, rewrap: Option<Rewrap<'_>>| {
        let site = url.and_then(host_of);
        Processed::valid(clean_document(text, site, cleaner, options, stats, rewrap))
    };
    match record {
        Record::Text(doc) => clean(&doc.body, None, stats, None),
        Record::Jsonl { line, number } => {
            let content = line.strip_suffix(b"\n").unwrap_or(line);
            if content.trim_ascii().is_empty() {
                return Processed::valid(passthrough(options));
            }
            match jsonl::text_span(content, &options.field) {
                Ok((span, text)) => {
                    let url = cleaner
                        .wants_site()
                        .then(|| jsonl::text_span(content, &options.url_field).ok())
                        .flatten()
                        .map(|(_, url)| url);
                    let rewrap = |cleaned: &Cleaned<'_>, out: &mut Vec<u8>| {
                        // Kept ranges are whole lines, so they start and end on character
                        // boundaries of the decoded text.
                        let kept = cleaned.kept_ranges().map(|range| &text[range]);
                        jsonl::rewrite(content, span.clone(), kept, out);
                        out.extend_from_slice(&line[content.len()..]);
                    };
                    clean(text.as_bytes(), url.as_deref(), stats, Some(&rewrap))
                }
                Err(error) => {
                    let error = Error::input(origin, format!("line {number}"), error.message);
                    invalid(error, options, stats)
                }
            }
        }
        Record::Warc { record, .. } if record.is_conversion() => {
            let rewrap = |cleaned: &Cleaned<'_>, out: &mut Vec<u8>| {
                warc::write_record(record, Some(&cleaned.kept()), out);
            };
            clean(record.body(), record.target_uri(), stats, Some(&rewrap))
        }
        Record::Warc { .. } => Processed::valid(passthrough(options)),
        Record::Unsplit {
            malformed:
                Some(Malformed {
                    record,
                    offset,
                    error,
                }),
            ..
        } => {
            let place = format!("WARC record {record} (at byte {offset})");
            let what = match options.on_invalid {
                OnInvalid::Skip => "dropped",
                _ => "copied through unchanged",
            };
            let message =
                format!("{error}; the rest of the input cannot be cut into records and is {what}");
            invalid(Error::input(origin, place, message), options, stats)
        }
        Record::Unsplit {
            malformed: None, ..
        } => Processed::valid(match options.on_invalid {
            OnInvalid::Pass => passthrough(options),
            _ => Emit::Dropped,
        }),
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

/// Writes a record around the kept text of its document.
type Rewrap<'r> = &'r dyn Fn(&Cleaned<'_>, &mut Vec<u8>);

/// Cleans one document's text; `rewrap` writes the record around the kept text, and
/// without one (a text record, which is its text) the kept ranges are emitted.
fn clean_document(
    text: &[u8],
    site: Option<&str>,
    cleaner: &Cleaner,
    options: &ProcessOptions,
    stats: &mut Stats,
    rewrap: Option<Rewrap<'_>>,
) -> Emit {
    let cleaned = cleaner.clean_site(text, site);
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
    match rewrap {
        Some(rewrap) => {
            let mut out = Vec::with_capacity(text.len());
            rewrap(&cleaned, &mut out);
            Emit::Replaced(out)
        }
        None => Emit::Kept(cleaned.kept_ranges().collect()),
    }
}
