//! The review report (`--report FILE`): one self-contained HTML page that shows what a
//! run removed — per-reason counts, a removed-share histogram, a deterministic sample of
//! removals in context for each reason, and the documents that lost the most — built by
//! a [`Report`] fed one document at a time, in input order, in bounded memory.
//!
//! Two steps, so that the costly part runs on the worker threads: [`Digest::new`] turns
//! one document's [`Cleaned`] decision into what the page could show of it (its counts,
//! its few candidate samples and an excerpt, all truncated), and [`Report::add`] keeps
//! what the page will show. A sample is chosen by hash, not by position: for each reason
//! the page shows the removals with the smallest hash of (document id, first line), so
//! the same input gives the same page whatever the thread count, and the sample is
//! spread over the whole run rather than taken from its start.

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap};
use std::io::{self, Write};
use std::ops::Range;
use std::sync::Arc;

use std::borrow::Cow;

use super::Identity;
use crate::decision::{Cleaned, Reason, Removal};
use crate::lines::{self, Line};

/// What the page shows, and how much of it. Every limit bounds the report's memory,
/// whatever the size of the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReportOptions {
    /// Removals sampled per reason (default 8).
    pub samples_per_reason: usize,
    /// Documents with the largest removed share shown (default 10).
    pub top_documents: usize,
    /// Lines shown before and after a removal (default 3).
    pub context_lines: usize,
    /// Characters shown of a line; a longer line is cut with a visible marker
    /// (default 240).
    pub max_line_chars: usize,
    /// Lines shown of one run of removed lines; the rest of the run is summarised
    /// (default 6).
    pub max_run_lines: usize,
    /// Lines shown of one document's excerpt; the rest is summarised (default 60).
    pub max_excerpt_lines: usize,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            samples_per_reason: 8,
            top_documents: 10,
            context_lines: 3,
            max_line_chars: 240,
            max_run_lines: 6,
            max_excerpt_lines: 60,
        }
    }
}

/// Invalid records listed by name; the rest are only counted.
const SHOWN_INVALID: usize = 20;
/// Inputs listed by name; the rest are only counted.
const SHOWN_INPUTS: usize = 200;
/// Characters shown of an input name, id or URL.
const MAX_LABEL_CHARS: usize = 300;
/// Bins of the removed-share histogram, besides the one for "nothing removed".
const BINS: usize = 20;

/// Who a document is, as the page names it (each part cut to a few hundred characters).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Label {
    input: String,
    record: u64,
    id: Option<String>,
    url: Option<String>,
}

impl Label {
    fn new(identity: &Identity<'_>) -> Label {
        let cut = |text: &str| shown(text.as_bytes(), MAX_LABEL_CHARS).text;
        Label {
            input: cut(identity.input),
            record: identity.record,
            id: identity.id.as_deref().map(cut),
            url: identity.url.as_deref().map(cut),
        }
    }
}

/// A line as shown: decoded lossily, control characters made visible, cut to a length.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shown {
    text: String,
    /// The line's length in bytes when it was cut.
    cut_from: Option<usize>,
}

/// `bytes` decoded (invalid UTF-8 as U+FFFD), control characters other than tab as
/// their Unicode pictures, at most `max_chars` characters.
fn shown(bytes: &[u8], max_chars: usize) -> Shown {
    // A character is at most 4 bytes, so this much is enough to fill `max_chars`; a
    // character cut at the end makes the text longer than `max_chars`, so it is dropped.
    let head = &bytes[..bytes.len().min(max_chars.saturating_mul(4))];
    let mut text = String::with_capacity(head.len());
    let mut cut = head.len() < bytes.len();
    for (chars, c) in String::from_utf8_lossy(head).chars().enumerate() {
        if chars == max_chars {
            cut = true;
            break;
        }
        text.push(match c {
            '\t' => '\t',
            '\0'..='\x1f' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\x7f' => '\u{2421}',
            c => c,
        });
    }
    Shown {
        text,
        cut_from: cut.then_some(bytes.len()),
    }
}

/// One row of an excerpt.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Row {
    /// A line: its 0-based index, text, and the reason it was removed (`None`: kept).
    /// `focus` marks the lines of the sampled removal.
    Line {
        index: usize,
        text: Shown,
        reason: Option<Reason>,
        focus: bool,
    },
    /// Lines not shown: how many, and how many of them were removed.
    Gap { lines: usize, removed: usize },
}

/// Lines of one document shown around its removals.
type Excerpt = Vec<Row>;

/// One document's lines with the reason each was removed for.
struct Fated<'a> {
    text: &'a [u8],
    lines: Vec<(Line, Option<&'a Reason>)>,
    /// For each line, its position in its run of removed lines and the run's length.
    runs: Vec<(usize, usize)>,
}

impl<'a> Fated<'a> {
    /// The lines of `text` with the `removals` its decision made.
    fn new(text: &'a [u8], removals: &'a [Removal]) -> Fated<'a> {
        let mut lines: Vec<(Line, Option<&Reason>)> =
            lines::split(text).map(|line| (line, None)).collect();
        let mut runs = vec![(0, 0); lines.len()];
        for removal in removals {
            let len = removal.lines.len();
            for (at, index) in removal.lines.clone().enumerate() {
                if let (Some(line), Some(run)) = (lines.get_mut(index), runs.get_mut(index)) {
                    line.1 = Some(&removal.reason);
                    *run = (at, len);
                }
            }
        }
        Fated { text, lines, runs }
    }

    /// The rows showing the lines in `windows` (sorted, not overlapping), the lines in
    /// `focus` marked; long runs of removed lines and whatever lies beyond
    /// `max_excerpt_lines` are summarised as gaps.
    fn excerpt(&self, windows: &[Range<usize>], focus: Range<usize>, o: &ReportOptions) -> Excerpt {
        let mut rows = Vec::new();
        let (mut gap, mut gap_removed, mut shown_lines) = (0, 0, 0);
        let mut windows = windows.iter().peekable();
        for (index, &(line, reason)) in self.lines.iter().enumerate() {
            while windows.next_if(|w| w.end <= index).is_some() {}
            let (at, len) = self.runs[index];
            let visible = windows.peek().is_some_and(|w| w.contains(&index))
                && shown_lines < o.max_excerpt_lines
                && (reason.is_none() || at + 1 < o.max_run_lines.max(1) || at + 1 == len);
            if !visible {
                gap += 1;
                gap_removed += usize::from(reason.is_some());
                continue;
            }
            if gap > 0 {
                rows.push(Row::Gap {
                    lines: gap,
                    removed: gap_removed,
                });
            }
            (gap, gap_removed) = (0, 0);
            shown_lines += 1;
            rows.push(Row::Line {
                index,
                text: shown(line.content(self.text), o.max_line_chars),
                reason: reason.cloned(),
                focus: focus.contains(&index),
            });
        }
        if gap > 0 {
            rows.push(Row::Gap {
                lines: gap,
                removed: gap_removed,
            });
        }
        rows
    }
}

/// A window of `context` lines either side of `lines`, within `0..count`.
fn around(lines: &Range<usize>, context: usize, count: usize) -> Range<usize> {
    lines.start.saturating_sub(context)..(lines.end + context).min(count)
}

/// A removal that may be shown as a sample of its reason.
#[derive(Debug, Clone)]
struct Candidate {
    reason: Reason,
    hash: u64,
    /// The removal's lines, 0-based.
    lines: Range<usize>,
}

/// What the report needs of one document, made from its decision on a worker thread by
/// [`Digest::new`]: its counts, its removals, and the few of them that may be sampled.
/// [`Report::add`] reads the document's text again only when it shows some of it.
#[derive(Debug, Clone)]
pub struct Digest {
    label: Arc<Label>,
    bytes_in: u64,
    bytes_removed: u64,
    lines_in: u64,
    lines_removed: u64,
    /// Per reason: lines and bytes removed.
    reasons: Vec<(Reason, u64, u64)>,
    /// At most `samples_per_reason` removals per reason: those of smallest hash.
    candidates: Vec<Candidate>,
    /// The decision's removals, to show them in the text.
    removals: Vec<Removal>,
    rejected: bool,
    error: Option<String>,
}

impl Digest {
    /// What the report needs of the document `identity` names, cleaned as `cleaned`;
    /// `rejected` when `--max-removed-share` rejected it.
    pub fn new(
        identity: &Identity<'_>,
        cleaned: &Cleaned<'_>,
        options: &ReportOptions,
        rejected: bool,
    ) -> Digest {
        let size = (cleaned.input().len() as u64, cleaned.line_count() as u64);
        let label = Label::new(identity);
        let id = identity.log_id();
        Digest::from_parts(label, &id, cleaned.removals(), size, options, rejected)
    }

    /// The digest of a document `id` labelled `label`, of `size` (bytes, lines), with
    /// `removals` (in order, not overlapping).
    fn from_parts(
        label: Label,
        id: &str,
        removals: &[Removal],
        size: (u64, u64),
        options: &ReportOptions,
        rejected: bool,
    ) -> Digest {
        let mut digest = Digest {
            bytes_in: size.0,
            bytes_removed: removals.iter().map(|r| r.bytes.len() as u64).sum(),
            lines_in: size.1,
            lines_removed: removals.iter().map(|r| r.lines.len() as u64).sum(),
            rejected,
            ..Digest::empty(label)
        };
        if removals.is_empty() {
            return digest;
        }
        let mut reasons: BTreeMap<&Reason, (u64, u64)> = BTreeMap::new();
        for removal in removals {
            let tally = reasons.entry(&removal.reason).or_default();
            tally.0 += removal.lines.len() as u64;
            tally.1 += removal.bytes.len() as u64;
        }
        digest.reasons = reasons
            .into_iter()
            .map(|(reason, (lines, bytes))| (reason.clone(), lines, bytes))
            .collect();
        let mut hashed: Vec<(&Reason, u64, &Range<usize>)> = removals
            .iter()
            .map(|r| (&r.reason, sample_hash(id, r.lines.start), &r.lines))
            .collect();
        hashed.sort_by(|a, b| (a.0, a.1, a.2.start).cmp(&(b.0, b.1, b.2.start)));
        let mut taken = 0;
        for (i, &(reason, hash, lines)) in hashed.iter().enumerate() {
            taken = match i > 0 && hashed[i - 1].0 == reason {
                true => taken + 1,
                false => 1,
            };
            if taken <= options.samples_per_reason {
                digest.candidates.push(Candidate {
                    reason: reason.clone(),
                    hash,
                    lines: lines.clone(),
                });
            }
        }
        digest.removals = removals.to_vec();
        digest
    }

    /// A record that could not be processed, with the reason.
    pub fn invalid(identity: &Identity<'_>, error: &str) -> Digest {
        Digest::invalid_as(Label::new(identity), error)
    }

    fn invalid_as(label: Label, error: &str) -> Digest {
        Digest {
            error: Some(shown(error.as_bytes(), 4 * MAX_LABEL_CHARS).text),
            ..Digest::empty(label)
        }
    }

    fn empty(label: Label) -> Digest {
        Digest {
            label: Arc::new(label),
            bytes_in: 0,
            bytes_removed: 0,
            lines_in: 0,
            lines_removed: 0,
            reasons: Vec::new(),
            candidates: Vec::new(),
            removals: Vec::new(),
            rejected: false,
            error: None,
        }
    }
}

/// The sample key of a removal: xxh3 of the document's id and the removal's first line.
fn sample_hash(id: &str, line: usize) -> u64 {
    let mut key = Vec::with_capacity(id.len() + 9);
    key.extend_from_slice(id.as_bytes());
    key.push(0);
    key.extend_from_slice(&(line as u64).to_le_bytes());
    xxhash_rust::xxh3::xxh3_64(&key)
}

/// A sample kept for the page; ordered by its hash, then by where it is in the run.
#[derive(Debug)]
struct Sample {
    hash: u64,
    order: u64,
    line: usize,
    label: Arc<Label>,
    excerpt: Excerpt,
}

impl Sample {
    fn key(&self) -> (u64, u64, usize) {
        (self.hash, self.order, self.line)
    }
}

impl PartialEq for Sample {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Sample {}
impl PartialOrd for Sample {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Sample {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// The rank of a document with removals: by removed share, then bytes removed, then
/// (first first) its place in the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rank {
    removed: u64,
    bytes: u64,
    order: u64,
}

impl PartialOrd for Rank {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Rank {
    fn cmp(&self, other: &Self) -> Ordering {
        // Shares compared exactly: a/b against c/d as a·d against c·b.
        let share = |r: &Rank, other: &Rank| u128::from(r.removed) * u128::from(other.bytes);
        share(self, other)
            .cmp(&share(other, self))
            .then(self.removed.cmp(&other.removed))
            .then(other.order.cmp(&self.order))
    }
}

/// A document shown among those with the largest removed share.
#[derive(Debug)]
struct Ranked {
    rank: Rank,
    label: Arc<Label>,
    lines_in: u64,
    reasons: Vec<(Reason, u64, u64)>,
    excerpt: Excerpt,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.rank == other.rank
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank.cmp(&other.rank)
    }
}

/// Counts of one reason, and its samples.
#[derive(Debug, Default)]
struct ReasonTally {
    lines: u64,
    bytes: u64,
    documents: u64,
    /// The samples of smallest key, largest on top.
    samples: BinaryHeap<Sample>,
}

/// Counts of one input.
#[derive(Debug, Default)]
struct InputTally {
    name: String,
    documents: u64,
    bytes_in: u64,
    bytes_removed: u64,
}

/// The review report of a run: fed every document in input order ([`Report::add`] or
/// [`Report::add_document`]), then rendered once ([`Report::write_html`]).
///
/// The page is the same for the same documents in the same order, whatever the thread
/// count that cleaned them. Memory is bounded: samples per reason, top documents,
/// lines per excerpt and characters per line are capped by [`ReportOptions`];
/// everything else is a count.
///
/// ```
/// use boilerstrip::audit::{Identity, report::{Report, ReportOptions}};
/// use boilerstrip::{Cleaner, RuleSet};
/// let rules = RuleSet::from_toml("[[rule]]\nname = \"ad\"\nmarkers = [\"Advertisement\"]\nwhere = \"equals\"", "x.toml")?;
/// let cleaner = Cleaner::new(&rules)?;
/// let mut report = Report::new(ReportOptions::default());
/// report.begin_input("a.txt");
/// let identity = Identity { input: "a.txt", record: 1, id: None, url: None };
/// report.add_document(&identity, &cleaner.clean(b"Text <b>\nAdvertisement\n"));
/// let mut page = Vec::new();
/// report.write_html(&mut page)?;
/// let page = String::from_utf8(page)?;
/// assert!(page.contains("<del>Advertisement</del>"));
/// assert!(page.contains("Text &lt;b&gt;"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Report {
    options: ReportOptions,
    inputs: Vec<InputTally>,
    documents: u64,
    with_removals: u64,
    bytes_in: u64,
    bytes_removed: u64,
    lines_in: u64,
    lines_removed: u64,
    rejected: u64,
    invalid: u64,
    shown_invalid: Vec<(Arc<Label>, String)>,
    /// Inputs that could not be read to the end, with why (at most `SHOWN_INPUTS`).
    failed: Vec<(String, String)>,
    /// How many inputs failed.
    failed_count: u64,
    /// `[0]`: nothing removed; `[1 + i]`: a share in `(i/20, (i+1)/20]`.
    histogram: [u64; BINS + 1],
    reasons: BTreeMap<Reason, ReasonTally>,
    /// The documents of largest share, smallest on top.
    top: BinaryHeap<Reverse<Ranked>>,
}

impl Report {
    /// An empty report.
    pub fn new(options: ReportOptions) -> Report {
        Report {
            options,
            inputs: Vec::new(),
            documents: 0,
            with_removals: 0,
            bytes_in: 0,
            bytes_removed: 0,
            lines_in: 0,
            lines_removed: 0,
            rejected: 0,
            invalid: 0,
            shown_invalid: Vec::new(),
            failed: Vec::new(),
            failed_count: 0,
            histogram: [0; BINS + 1],
            reasons: BTreeMap::new(),
            top: BinaryHeap::new(),
        }
    }

    /// How much the page shows.
    pub fn options(&self) -> &ReportOptions {
        &self.options
    }

    /// The documents added after this come from input `name` (listed even when it holds
    /// none).
    pub fn begin_input(&mut self, name: &str) {
        self.inputs.push(InputTally {
            name: shown(name.as_bytes(), MAX_LABEL_CHARS).text,
            ..InputTally::default()
        });
    }

    /// Input `name` could not be read to the end (or not at all), for `reason`: the page
    /// says so, beside what was read of it.
    pub fn input_failed(&mut self, name: &str, reason: &str) {
        self.failed_count += 1;
        if self.failed.len() < SHOWN_INPUTS {
            let cut = |text: &str, max| shown(text.as_bytes(), max).text;
            self.failed
                .push((cut(name, MAX_LABEL_CHARS), cut(reason, 4 * MAX_LABEL_CHARS)));
        }
    }

    /// Adds a document: [`Digest::new`] and [`Report::add`] in one step.
    pub fn add_document(&mut self, identity: &Identity<'_>, cleaned: &Cleaned<'_>) {
        let digest = Digest::new(identity, cleaned, &self.options, false);
        self.add(digest, || Some(Cow::Borrowed(cleaned.input())));
    }

    /// Adds the next document of the run, in input order. `text` gives the document's
    /// text as it was cleaned; it is called (once) only when the page will show some of
    /// it, so that most documents are never read again. When it gives `None`, the
    /// document is counted but not shown.
    pub fn add<'t>(&mut self, digest: Digest, text: impl FnOnce() -> Option<Cow<'t, [u8]>>) {
        let order = self.documents;
        self.documents += 1;
        if self
            .inputs
            .last()
            .is_none_or(|i| i.name != digest.label.input)
        {
            self.begin_input(&digest.label.input);
        }
        if let Some(input) = self.inputs.last_mut() {
            input.documents += 1;
            input.bytes_in += digest.bytes_in;
            input.bytes_removed += digest.bytes_removed;
        }
        if let Some(error) = digest.error {
            self.invalid += 1;
            if self.shown_invalid.len() < SHOWN_INVALID {
                self.shown_invalid.push((digest.label, error));
            }
            return;
        }
        self.bytes_in += digest.bytes_in;
        self.bytes_removed += digest.bytes_removed;
        self.lines_in += digest.lines_in;
        self.lines_removed += digest.lines_removed;
        self.rejected += u64::from(digest.rejected);
        self.histogram[bin(digest.bytes_removed, digest.bytes_in)] += 1;
        if digest.bytes_removed == 0 {
            return;
        }
        self.with_removals += 1;
        for (reason, lines, bytes) in &digest.reasons {
            let tally = self.reasons.entry(reason.clone()).or_default();
            tally.lines += lines;
            tally.bytes += bytes;
            tally.documents += 1;
        }
        // What may enter the page, judged before any of it does (so possibly more than
        // will): only then is the text read again and its excerpts made.
        let k = self.options.samples_per_reason;
        let samples: Vec<Candidate> = digest
            .candidates
            .into_iter()
            .filter(|c| {
                self.reasons.get(&c.reason).is_some_and(|tally| {
                    tally.samples.len() < k
                        || tally
                            .samples
                            .peek()
                            .is_some_and(|top| (c.hash, order) <= (top.hash, top.order))
                })
            })
            .collect();
        let rank = Rank {
            removed: digest.bytes_removed,
            bytes: digest.bytes_in,
            order,
        };
        let n = self.options.top_documents;
        let ranked =
            n > 0 && (self.top.len() < n || self.top.peek().is_some_and(|t| rank > t.0.rank));
        if samples.is_empty() && !ranked {
            return;
        }
        let Some(text) = text() else {
            return;
        };
        let fated = Fated::new(&text, &digest.removals);
        let (count, context, options) =
            (fated.lines.len(), self.options.context_lines, &self.options);
        let excerpts: Vec<(Reason, Sample)> = samples
            .into_iter()
            .map(|c| {
                let window = [around(&c.lines, context, count)];
                let sample = Sample {
                    hash: c.hash,
                    order,
                    line: c.lines.start,
                    label: Arc::clone(&digest.label),
                    excerpt: fated.excerpt(&window, c.lines.clone(), options),
                };
                (c.reason, sample)
            })
            .collect();
        let top = ranked.then(|| {
            let mut windows: Vec<Range<usize>> = Vec::new();
            for removal in &digest.removals {
                let window = around(&removal.lines, context, count);
                match windows.last_mut() {
                    Some(last) if last.end >= window.start => last.end = window.end,
                    _ => windows.push(window),
                }
            }
            fated.excerpt(&windows, 0..0, options)
        });
        for (reason, sample) in excerpts {
            if let Some(tally) = self.reasons.get_mut(&reason) {
                keep_smallest(&mut tally.samples, sample, k);
            }
        }
        if let Some(excerpt) = top {
            let ranked = Ranked {
                rank,
                label: digest.label,
                lines_in: digest.lines_in,
                reasons: digest.reasons,
                excerpt,
            };
            keep_smallest(&mut self.top, Reverse(ranked), n);
        }
    }

    /// Writes the page: one self-contained HTML document (inline CSS and SVG, no
    /// scripts, nothing fetched). Everything that comes from the input is escaped.
    pub fn write_html<W: Write + ?Sized>(&self, out: &mut W) -> io::Result<()> {
        let mut page = String::with_capacity(64 << 10);
        self.render(&mut page);
        out.write_all(page.as_bytes())
    }
}

/// Adds `item` to `heap`, which keeps the `k` smallest items (largest on top).
fn keep_smallest<T: Ord>(heap: &mut BinaryHeap<T>, item: T, k: usize) {
    if heap.len() < k {
        heap.push(item);
    } else if let Some(mut top) = heap.peek_mut()
        && item < *top
    {
        *top = item;
    }
}

/// The histogram bin of a document with `removed` of its `bytes` removed.
fn bin(removed: u64, bytes: u64) -> usize {
    if removed == 0 || bytes == 0 {
        return 0;
    }
    // ceil(20 · removed / bytes), in integers: (0, 5 %] is bin 1, (95 %, 100 %] bin 20.
    let scaled = (u128::from(removed) * BINS as u128).div_ceil(u128::from(bytes));
    (scaled as usize).clamp(1, BINS)
}

mod html;
mod replay;

pub use replay::Replay;

#[cfg(test)]
mod tests;
