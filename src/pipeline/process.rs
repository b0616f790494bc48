//! Cleans one record: finds its document, runs the cleaner, and decides what to write
//! (the record verbatim, a rewritten record, or nothing). Writes nothing itself.

use std::ops::Range;

use crate::audit::Identity;
use crate::audit::dolma::AttributeLine;
use crate::audit::explain_document;
use crate::audit::log::LogEntry;
use crate::audit::meta::{DocumentMeta, removed_share, set_field};
use crate::audit::report::{Digest, ReportOptions};
use crate::clean::Cleaner;
use crate::decision::Cleaned;
use crate::error::Error;
use crate::explain::ExplainStyle;
use crate::formats::jsonl::FieldPath;
use crate::formats::{Document, Place, Record};
use crate::normal::host_of;
use crate::stats::Stats;
use crate::stop::StopFlag;

/// What to write for each document.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub enum Output {
    /// The cleaned record, in its input format.
    #[default]
    Cleaned,
    /// Every line of each document with its fate (`--explain`); wrappers are not written.
    Explain(ExplainStyle),
    /// One line of dolma attributes per document ([`AttributeLine`]), under the prefix
    /// [`ProcessOptions::attribute_name`]; records that hold no document write nothing.
    Annotate,
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
    /// Where a JSONL record keeps its id (default `id`), for the audit views.
    pub id_field: FieldPath,
    /// Render a removal-log line for every document ([`Processed::log`]).
    pub log: bool,
    /// JSONL: write what was removed ([`DocumentMeta`]) into each record at this field.
    pub meta_field: Option<FieldPath>,
    /// Reject documents with more than this share of their bytes removed: left out, or
    /// with [`ProcessOptions::keep_rejects`] emitted as read (plus the metadata field)
    /// and marked [`Processed::rejected`].
    pub max_removed_share: Option<f64>,
    /// Emit rejected documents for a rejects output instead of leaving them out.
    pub keep_rejects: bool,
    /// The prefix of attribute keys in annotate mode (default `boilerstrip`).
    pub attribute_name: String,
    /// Digest every document for the review report ([`Processed::digest`]), showing
    /// this much.
    pub report: Option<ReportOptions>,
}

impl ProcessOptions {
    /// True when a view needs each document's identity, URL included.
    pub(crate) fn wants_identity(&self) -> bool {
        self.log
            || self.report.is_some()
            || matches!(self.output, Output::Explain(_) | Output::Annotate)
    }
}

impl Default for ProcessOptions {
    fn default() -> Self {
        ProcessOptions {
            output: Output::Cleaned,
            field: FieldPath::parse("text").expect("`text` is a valid path"),
            url_field: FieldPath::parse("url").expect("`url` is a valid path"),
            drop_empty: false,
            on_invalid: OnInvalid::Pass,
            id_field: FieldPath::parse("id").expect("`id` is a valid path"),
            log: false,
            meta_field: None,
            max_removed_share: None,
            keep_rejects: false,
            attribute_name: "boilerstrip".to_string(),
            report: None,
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
    /// The record's line of the removal log (see [`LogEntry`]), `\n` included, when
    /// [`ProcessOptions::log`] asks for it and the record is a document or an invalid
    /// record.
    pub log: Option<Vec<u8>>,
    /// What the review report may show of the record, when [`ProcessOptions::report`]
    /// asks for it and the record is a document or an invalid record.
    pub digest: Option<Box<Digest>>,
    /// The document was rejected (`max_removed_share`): `emit` goes to the rejects
    /// output, not the main one.
    pub rejected: bool,
}

impl Processed {
    fn valid(emit: Emit) -> Processed {
        Processed {
            emit,
            invalid: None,
            log: None,
            digest: None,
            rejected: false,
        }
    }
}

/// Cleans `record` of input `origin` and counts it in `stats`: `process_at` for a
/// record that is the first of its input or carries its own number (a JSONL line, a
/// WARC record).
pub fn process(
    record: &Record,
    origin: &str,
    cleaner: &Cleaner,
    options: &ProcessOptions,
    stats: &mut Stats,
) -> Processed {
    process_at(record, 1, origin, cleaner, options, None, stats)
}

/// Cleans `record`, the `number`-th (1-based) record of input `origin`, and counts it
/// in `stats`. The number names a text document in the audit views.
///
/// A record with nothing removed is written verbatim; so are non-document records
/// (WARC records other than `conversion`, blank JSONL lines), which are not counted as
/// documents. A record that cannot be processed is counted as invalid and handled as
/// `options.on_invalid` says; the error is returned for reporting.
///
/// With `stop`, a long document gives up cleaning once the flag is set; what is then
/// returned for it is a placeholder that the driver, seeing the flag, never writes.
pub(crate) fn process_at(
    record: &Record,
    number: u64,
    origin: &str,
    cleaner: &Cleaner,
    options: &ProcessOptions,
    stop: Option<&StopFlag>,
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
        let identity = Identity::of(record, number, origin, None, &options.id_field);
        return invalid(issue.error(origin, outcome), &identity, options, stats);
    }
    let url_field =
        (cleaner.wants_site() || options.wants_identity()).then_some(&options.url_field);
    match record.document(&options.field, url_field) {
        Ok(Some(document)) => {
            let site = cleaner
                .wants_site()
                .then(|| document.url.as_deref().and_then(host_of))
                .flatten();
            if cleaner.wants_site() {
                *stats.documents_with_site.get_or_insert(0) += u64::from(site.is_some());
            }
            let identity = options
                .wants_identity()
                .then(|| Identity::of(record, number, origin, Some(&document), &options.id_field));
            let cleaned = match stop {
                Some(stop) => match cleaner.clean_until(&document.text, site, stop) {
                    Ok(cleaned) => cleaned,
                    Err(_) => return Processed::valid(Emit::Dropped),
                },
                None => cleaner.clean_site(&document.text, site),
            };
            let job = Job {
                record,
                origin,
                cleaner,
                options,
            };
            clean_document(&job, &document, &cleaned, identity, site, stats)
        }
        Ok(None) => Processed::valid(passthrough(options)),
        Err(error) => {
            let place = record.place().unwrap_or(Place::Start);
            let identity = Identity::of(record, number, origin, None, &options.id_field);
            let error = Error::input(origin, place, error.message);
            invalid(error, &identity, options, stats)
        }
    }
}

/// A record that is not a document: verbatim in the output, absent from `--explain`.
fn passthrough(options: &ProcessOptions) -> Emit {
    match options.output {
        Output::Cleaned => Emit::Verbatim,
        Output::Explain(_) | Output::Annotate => Emit::Dropped,
    }
}

fn invalid(
    error: Error,
    identity: &Identity<'_>,
    options: &ProcessOptions,
    stats: &mut Stats,
) -> Processed {
    stats.documents += 1;
    stats.invalid += 1;
    let emit = match (options.on_invalid, options.output) {
        // dolma reads attributes line for line with the documents: keep the line.
        (OnInvalid::Pass, Output::Annotate) => {
            Emit::Replaced(AttributeLine::unprocessed(identity).to_line())
        }
        (OnInvalid::Pass, _) => passthrough(options),
        (OnInvalid::Skip | OnInvalid::Fail, _) => Emit::Dropped,
    };
    let log = options
        .log
        .then(|| log_line(&LogEntry::invalid(identity, &error.to_string())));
    let digest = options
        .report
        .as_ref()
        .map(|_| Box::new(Digest::invalid(identity, &error.to_string())));
    Processed {
        emit,
        invalid: Some(error),
        log,
        digest,
        rejected: false,
    }
}

fn log_line(entry: &LogEntry) -> Vec<u8> {
    let mut line = Vec::new();
    entry
        .write_line(&mut line)
        .expect("writing to a Vec cannot fail");
    line
}

/// One record being processed, and how.
struct Job<'a> {
    record: &'a Record,
    origin: &'a str,
    cleaner: &'a Cleaner,
    options: &'a ProcessOptions,
}

/// Cleans the document of `record` and renders what the options ask for: the cleaned
/// record (a text record as its kept ranges, any other written around them), or
/// `--explain`, or dolma attributes; with the log line, the rejection and the metadata
/// field.
fn clean_document(
    job: &Job<'_>,
    document: &Document<'_>,
    cleaned: &Cleaned<'_>,
    identity: Option<Identity<'_>>,
    site: Option<&str>,
    stats: &mut Stats,
) -> Processed {
    let options = job.options;
    stats.record(cleaned);
    let rejected = matches!(options.output, Output::Cleaned)
        && options
            .max_removed_share
            .is_some_and(|max| removed_share(cleaned) > max);
    let log = match (&identity, options.log) {
        (Some(identity), true) => {
            let mut entry = LogEntry::new(identity, cleaned);
            entry.rejected = rejected;
            Some(log_line(&entry))
        }
        _ => None,
    };
    let digest = match (&identity, &options.report) {
        (Some(identity), Some(report)) => {
            Some(Box::new(Digest::new(identity, cleaned, report, rejected)))
        }
        _ => None,
    };
    let emit = match (options.output, &identity) {
        (Output::Explain(style), Some(identity)) => {
            let separator = match job.record {
                Record::Text(doc) => doc.separator.as_slice(),
                _ => &[],
            };
            let mut out = Vec::new();
            explain_document(identity, cleaned, separator, style, &mut out)
                .expect("writing to a Vec cannot fail");
            Emit::Replaced(out)
        }
        (Output::Annotate, Some(identity)) => {
            let frequent = |line: &[u8]| job.cleaner.frequent_documents(line, site);
            let name = &options.attribute_name;
            Emit::Replaced(AttributeLine::new(identity, cleaned, name, &frequent).to_line())
        }
        _ if rejected => {
            stats.documents_rejected += 1;
            match options.keep_rejects {
                true => Emit::Verbatim,
                false => Emit::Dropped,
            }
        }
        _ => emit(job.record, document, cleaned, options, stats),
    };
    let mut processed = Processed {
        log,
        digest,
        rejected,
        ..Processed::valid(emit)
    };
    if let Some(field) = &options.meta_field {
        add_meta(job, field, cleaned, &mut processed, stats);
    }
    processed
}

/// Writes what was removed into the JSONL record `processed` emits, at `field`; a
/// record it cannot be written into is handled as any record that cannot be processed.
fn add_meta(
    job: &Job<'_>,
    field: &FieldPath,
    cleaned: &Cleaned<'_>,
    processed: &mut Processed,
    stats: &mut Stats,
) {
    let Record::Jsonl { line, .. } = job.record else {
        return;
    };
    let current = match &processed.emit {
        Emit::Verbatim => line.as_slice(),
        Emit::Replaced(bytes) => bytes.as_slice(),
        Emit::Kept(_) | Emit::Dropped => return,
    };
    let meta = DocumentMeta::new(cleaned).to_json();
    let mut out = Vec::with_capacity(current.len() + meta.len() + 16);
    match set_field(current, field, &meta, &mut out) {
        Ok(()) => processed.emit = Emit::Replaced(out),
        Err(error) => {
            let (outcome, emit) = match job.options.on_invalid {
                OnInvalid::Pass => ("copied through unchanged", Emit::Verbatim),
                OnInvalid::Skip | OnInvalid::Fail => ("left out", Emit::Dropped),
            };
            let place = job.record.place().unwrap_or(Place::Start);
            let message = format!(
                "cannot add the metadata field: {}; the record is {outcome}",
                error.message
            );
            processed.invalid = Some(Error::input(job.origin, place, message));
            processed.emit = emit;
            stats.invalid += 1;
        }
    }
}

/// What to write for a cleaned document.
fn emit(
    record: &Record,
    document: &Document<'_>,
    cleaned: &Cleaned<'_>,
    options: &ProcessOptions,
    stats: &mut Stats,
) -> Emit {
    let text = &document.text;
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
