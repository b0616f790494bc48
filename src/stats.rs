//! Run statistics as a value type: filled per document or batch, merged with `+=`, and
//! rendered as JSON for `--stats`.

use std::collections::BTreeMap;
use std::ops::AddAssign;
use std::time::Duration;

use serde::Serialize;

use crate::decision::Cleaned;

/// What one reason removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ReasonStats {
    /// Lines removed.
    pub lines: u64,
    /// Bytes removed.
    pub bytes: u64,
    /// Documents in which it removed at least one line.
    pub documents: u64,
}

impl AddAssign for ReasonStats {
    fn add_assign(&mut self, other: ReasonStats) {
        self.lines += other.lines;
        self.bytes += other.bytes;
        self.documents += other.documents;
    }
}

/// Counters for a run; merge partial results with `+=`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Documents read (including invalid ones).
    pub documents: u64,
    /// Documents that ended up with no content left.
    pub documents_emptied: u64,
    /// Documents dropped from the output because they ended up empty (`--drop-empty`).
    pub documents_dropped: u64,
    /// Documents over `--max-removed-share`: left out, or written to `--rejects`.
    pub documents_rejected: u64,
    /// Records that could not be processed (reported and passed through or skipped).
    pub invalid: u64,
    /// Lines read.
    pub lines_in: u64,
    /// Lines written.
    pub lines_out: u64,
    /// Bytes of document text read.
    pub bytes_in: u64,
    /// Bytes of document text written.
    pub bytes_out: u64,
    /// With a per-site count table only: documents whose URL named a site. Zero means
    /// the `frequent` detector found no site to look lines up under (a mistyped
    /// `--url-field`, or input without URLs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documents_with_site: Option<u64>,
    /// Per reason (rule or detector name): what it removed.
    pub reasons: BTreeMap<String, ReasonStats>,
}

impl Stats {
    /// Counts one cleaned document.
    pub fn record(&mut self, cleaned: &Cleaned<'_>) {
        let removed_bytes = cleaned.removed_bytes() as u64;
        let removed_lines = cleaned.removed_lines() as u64;
        self.documents += 1;
        self.lines_in += cleaned.line_count() as u64;
        self.lines_out += cleaned.line_count() as u64 - removed_lines;
        self.bytes_in += cleaned.input().len() as u64;
        self.bytes_out += cleaned.input().len() as u64 - removed_bytes;
        if !cleaned.input().is_empty() && removed_bytes == cleaned.input().len() as u64 {
            self.documents_emptied += 1;
        }
        // Sum per reason within the document first: a document has many removals but
        // few reasons, so the map is looked up once per reason.
        let mut in_doc: Vec<(&str, ReasonStats)> = Vec::new();
        for removal in cleaned.removals() {
            let name = removal.reason.as_str();
            let at = match in_doc.iter().position(|(seen, _)| *seen == name) {
                Some(at) => at,
                None => {
                    in_doc.push((
                        name,
                        ReasonStats {
                            documents: 1,
                            ..ReasonStats::default()
                        },
                    ));
                    in_doc.len() - 1
                }
            };
            in_doc[at].1.lines += removal.lines.len() as u64;
            in_doc[at].1.bytes += removal.bytes.len() as u64;
        }
        for (name, removed) in in_doc {
            match self.reasons.get_mut(name) {
                Some(total) => *total += removed,
                None => {
                    self.reasons.insert(name.to_string(), removed);
                }
            }
        }
    }

    /// The `--stats` JSON document. `elapsed` of `None` writes zero timings, for
    /// reproducible output in tests.
    pub fn to_json(&self, elapsed: Option<Duration>) -> String {
        let seconds = elapsed.map_or(0.0, |d| d.as_secs_f64());
        let mb_per_second = if seconds > 0.0 {
            self.bytes_in as f64 / 1e6 / seconds
        } else {
            0.0
        };
        let report = Report {
            stats: self,
            elapsed_seconds: seconds,
            mb_per_second,
        };
        serde_json::to_string_pretty(&report).expect("stats always serialise") + "\n"
    }
}

#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    stats: &'a Stats,
    elapsed_seconds: f64,
    mb_per_second: f64,
}

impl AddAssign for Stats {
    fn add_assign(&mut self, other: Stats) {
        self.documents += other.documents;
        self.documents_emptied += other.documents_emptied;
        self.documents_dropped += other.documents_dropped;
        self.documents_rejected += other.documents_rejected;
        self.invalid += other.invalid;
        self.lines_in += other.lines_in;
        self.lines_out += other.lines_out;
        self.bytes_in += other.bytes_in;
        self.bytes_out += other.bytes_out;
        if let Some(documents) = other.documents_with_site {
            *self.documents_with_site.get_or_insert(0) += documents;
        }
        for (name, reason) in other.reasons {
            *self.reasons.entry(name).or_default() += reason;
        }
    }
}
