//! The [`Cleaner`]: rules and detectors compiled once, then applied to documents.
//!
//! Cleaning a document is a flat sequence of steps: split it into lines, scan it once
//! with the automaton, apply the winning rules' actions, run the detectors, repair the
//! blank-line scars, and collect the removals. Nothing is written here; the result is a
//! [`Cleaned`] decision.

use std::cell::Cell;
use std::ops::Range;
use std::sync::Arc;

use crate::compile::Matcher;
use crate::counts::Scope;
use crate::counts::frequent::FrequentLines;
use crate::decision::{Cleaned, Reason, Removal};
use crate::detect::{self, DetectorConfig, Frequent};
use crate::error::Result;
use crate::lines::Line;
use crate::lines::maps::ByteMaps;
use crate::rules::{Action, Rule, RuleSet};
use crate::scan;

/// The fate of a line that is kept; any other value is the index of a reason.
pub(crate) const KEPT: u32 = u32::MAX;

/// The lines of one document with their trimmed spans and word counts.
pub(crate) struct LineTable<'a> {
    doc: &'a [u8],
    memory: TableMemory,
}

/// What a [`LineTable`] holds besides its document: kept by each cleaning thread from one
/// document to the next (see [`LineTable::give_back`]), so that a table costs no
/// allocation once its buffers have grown.
#[derive(Debug, Default)]
struct TableMemory {
    /// The document's bit maps, from which the rest is read.
    maps: ByteMaps,
    lines: Vec<Line>,
    trims: Vec<Range<usize>>,
    /// Words of each line (see [`crate::lines::word_count`]).
    words: Vec<u32>,
    /// Indices of the lines that are not blank, in order.
    non_blank: Vec<usize>,
}

/// The memory of a table of a larger document is freed, not kept: a thread holds at most
/// what a table of this size needs between documents.
const KEEP_MEMORY_UP_TO: usize = 4 << 20;

thread_local! {
    /// The memory of the table this thread last gave back.
    static SPARE_MEMORY: Cell<TableMemory> = Cell::default();
}

impl<'a> LineTable<'a> {
    /// Splits `doc` into lines, trims them and counts their words, in the memory of the
    /// table this thread last gave back with [`LineTable::give_back`], if any.
    pub(crate) fn new(doc: &'a [u8]) -> Self {
        let mut memory = SPARE_MEMORY.take();
        let TableMemory {
            maps,
            lines,
            trims,
            words,
            non_blank,
        } = &mut memory;
        maps.fill(doc);
        maps.lines_into(doc, lines);
        trims.clear();
        trims.extend(
            lines
                .iter()
                .map(|line| maps.trim(line.start..line.content_end)),
        );
        words.clear();
        words.extend(trims.iter().map(|span| maps.words(span.clone())));
        non_blank.clear();
        non_blank.extend((0..trims.len()).filter(|&i| !trims[i].is_empty()));
        LineTable { doc, memory }
    }

    /// Keeps this table's memory for the next [`LineTable::new`] on this thread, unless
    /// its document was larger than [`KEEP_MEMORY_UP_TO`].
    pub(crate) fn give_back(self) {
        if self.doc.len() <= KEEP_MEMORY_UP_TO {
            SPARE_MEMORY.set(self.memory);
        }
    }

    /// Indices of the lines that are not blank, in order.
    pub(crate) fn non_blank(&self) -> &[usize] {
        &self.memory.non_blank
    }

    /// True if a line has at most `max_words` words (see [`crate::lines::word_count`]).
    pub(crate) fn has_at_most(&self, index: usize, max_words: u32) -> bool {
        self.memory.words[index] <= max_words
    }

    /// The words of a line (see [`crate::lines::word_count`]).
    pub(crate) fn word_count(&self, index: usize) -> u32 {
        self.memory.words[index]
    }

    pub(crate) fn doc(&self) -> &'a [u8] {
        self.doc
    }

    pub(crate) fn len(&self) -> usize {
        self.memory.lines.len()
    }

    pub(crate) fn line(&self, index: usize) -> Line {
        self.memory.lines[index]
    }

    /// The index of the line holding byte `offset` of the document (the last line for
    /// an offset past the end).
    pub(crate) fn line_at(&self, offset: usize) -> usize {
        let index = self.memory.lines.partition_point(|line| line.end <= offset);
        index.min(self.memory.lines.len().saturating_sub(1))
    }

    /// Absolute byte offsets of the trimmed content of a line.
    pub(crate) fn trim_span(&self, index: usize) -> (usize, usize) {
        let span = &self.memory.trims[index];
        (span.start, span.end)
    }

    pub(crate) fn trimmed(&self, index: usize) -> &'a [u8] {
        &self.doc[self.memory.trims[index].clone()]
    }

    pub(crate) fn is_blank(&self, index: usize) -> bool {
        self.memory.trims[index].is_empty()
    }
}

/// Options for building a [`Cleaner`].
///
/// ```
/// use boilerstrip::{Cleaner, RuleSet};
/// let cleaner = Cleaner::builder().dfa(false).build(&RuleSet::builtin())?;
/// # Ok::<(), boilerstrip::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct CleanerBuilder {
    /// Build the marker automaton as a DFA when its table stays cache-sized (default
    /// true); false always builds the contiguous NFA.
    dfa: bool,
    /// Frequent lines of a counted corpus, for the `frequent` detector (default none).
    counts: Option<FrequentLines>,
}

impl Default for CleanerBuilder {
    fn default() -> Self {
        CleanerBuilder {
            dfa: true,
            counts: None,
        }
    }
}

impl CleanerBuilder {
    /// Allows or forbids the DFA (see [`crate::compile::DFA_MAX_MARKER_BYTES`]).
    pub fn dfa(&mut self, yes: bool) -> &mut Self {
        self.dfa = yes;
        self
    }

    /// Gives the `frequent` detector its lines (loaded from a count table with the
    /// detector's `min_docs`); it runs when the rule set enables it.
    pub fn counts(&mut self, frequent: FrequentLines) -> &mut Self {
        self.counts = Some(frequent);
        self
    }

    /// Compiles `rules` into a cleaner.
    pub fn build(&self, rules: &RuleSet) -> Result<Cleaner> {
        let matcher = Matcher::new(rules.rules(), self.dfa)?;
        let mut reasons: Vec<Reason> = rules
            .rules()
            .iter()
            .map(|r| Reason::new(r.name()))
            .collect();
        reasons.extend(detect::DETECTOR_NAMES.iter().map(|name| Reason::new(name)));
        Ok(Cleaner {
            inner: Arc::new(Inner {
                matcher,
                rules: rules.rules().to_vec(),
                detectors: rules.detectors().clone(),
                counts: self.counts.clone(),
                reasons,
            }),
        })
    }
}

/// Compiled rules and detectors: immutable, `Send + Sync`, and cheap to clone (an `Arc`
/// inside), so one cleaner serves every thread.
///
/// ```
/// use boilerstrip::{Cleaner, RuleSet};
///
/// let rules = RuleSet::from_toml(r#"
///     [[rule]]
///     name = "source-line"
///     markers = ["SOURCE:"]
///     where = "starts"
/// "#, "example.toml")?;
/// let cleaner = Cleaner::new(&rules)?;
/// let cleaned = cleaner.clean(b"Text.\nSOURCE: News agencies\n");
/// assert_eq!(&*cleaned.kept(), b"Text.\n");
/// assert_eq!(cleaned.removals()[0].reason.as_str(), "source-line");
/// # Ok::<(), boilerstrip::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Cleaner {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    matcher: Matcher,
    rules: Vec<Rule>,
    detectors: DetectorConfig,
    counts: Option<FrequentLines>,
    /// Rule names, then detector names in `DETECTOR_NAMES` order.
    reasons: Vec<Reason>,
}

impl Cleaner {
    /// A builder with default options.
    pub fn builder() -> CleanerBuilder {
        CleanerBuilder::default()
    }

    /// Compiles `rules` with default options.
    pub fn new(rules: &RuleSet) -> Result<Cleaner> {
        CleanerBuilder::default().build(rules)
    }

    /// The rules this cleaner applies, in order.
    pub fn rules(&self) -> &[Rule] {
        &self.inner.rules
    }

    /// `"DFA"` or `"NFA"` (or `"none"` without markers): how the markers were compiled.
    pub fn automaton_kind(&self) -> &'static str {
        match self.inner.matcher.kind() {
            Some(aho_corasick::AhoCorasickKind::DFA) => "DFA",
            Some(_) => "NFA",
            None => "none",
        }
    }

    /// Heap bytes used by the marker automaton.
    pub fn automaton_memory(&self) -> usize {
        self.inner.matcher.memory_usage()
    }

    /// True if cleaning uses the site of a document: the `frequent` detector runs with a
    /// per-site count table. Callers then pass the host to [`Cleaner::clean_site`].
    pub fn wants_site(&self) -> bool {
        self.frequent()
            .is_some_and(|(_, lines)| lines.scope() == Scope::Site)
    }

    /// The `frequent` detector's settings and lines, when it runs.
    fn frequent(&self) -> Option<(Frequent, &FrequentLines)> {
        Some((self.inner.detectors.frequent?, self.inner.counts.as_ref()?))
    }

    /// The line scorer's feature rows of `doc` (see [`crate::model::features`]), with what
    /// this cleaner's marker rules decide about each line: what `scripts/train-model`
    /// trains on.
    pub fn line_features(&self, doc: &[u8]) -> crate::model::LineFeatures {
        let inner = &*self.inner;
        let table = LineTable::new(doc);
        let mut fates = vec![KEPT; table.len()];
        let firings = scan::scan(&inner.matcher, &inner.rules, &table);
        apply_actions(&inner.rules, &firings, &table, &mut fates);
        let mut out = crate::model::LineFeatures::default();
        crate::model::features::compute(&table, &fates, &mut out);
        table.give_back();
        out
    }

    /// Decides what to remove from one document. Never fails: any bytes are a document.
    pub fn clean<'a>(&self, doc: &'a [u8]) -> Cleaned<'a> {
        self.clean_site(doc, None)
    }

    /// [`Cleaner::clean`] for a document of site `site` (the host of its URL); the site
    /// matters only with a per-site count table, where `None` counts as the site `""`.
    pub fn clean_site<'a>(&self, doc: &'a [u8], site: Option<&str>) -> Cleaned<'a> {
        let inner = &*self.inner;
        let table = LineTable::new(doc);
        let mut fates = vec![KEPT; table.len()];
        let firings = scan::scan(&inner.matcher, &inner.rules, &table);
        apply_actions(&inner.rules, &firings, &table, &mut fates);
        let detector_reason = |name: &str| {
            let offset = detect::DETECTOR_NAMES.iter().position(|d| *d == name);
            (inner.rules.len() + offset.expect("a known detector")) as u32
        };
        if let Some(settings) = inner.detectors.repeated {
            detect::repeated::run(&table, settings, detector_reason("repeated"), &mut fates);
        }
        if let Some((settings, lines)) = self.frequent() {
            let site = (lines.scope() == Scope::Site).then(|| site.unwrap_or(""));
            let reason = detector_reason("frequent");
            detect::frequent::run(&table, settings, lines, site, reason, &mut fates);
        }
        if let Some(settings) = inner.detectors.context {
            detect::context::run(&table, settings, detector_reason("context"), &mut fates);
        }
        if let Some(settings) = inner.detectors.edges {
            detect::edges::run(&table, settings, detector_reason("edges"), &mut fates);
        }
        if let Some(settings) = inner.detectors.orphan {
            detect::orphan::run(&table, settings, detector_reason("orphan"), &mut fates);
        }
        repair_scars(&table, &mut fates);
        let cleaned = Cleaned::new(doc, table.len(), removals(&table, &fates, &inner.reasons));
        table.give_back();
        cleaned
    }
}

/// Applies each firing's action. A `document` firing removes everything; otherwise lines
/// are walked in order: a `rest` firing removes its line and all after it, a `block`
/// firing its line and the non-blank lines that follow, a `line` firing its line. A line
/// removed by an open block or rest keeps its own firing's reason when it has one.
fn apply_actions(
    rules: &[Rule],
    firings: &[scan::Firing],
    table: &LineTable<'_>,
    fates: &mut [u32],
) {
    if let Some(doc_firing) = firings
        .iter()
        .find(|f| rules[f.rule as usize].action() == Action::Document)
    {
        fates.fill(doc_firing.rule);
        return;
    }
    let mut next = firings.iter().peekable();
    let mut open: Option<(Action, u32)> = None;
    for (index, fate) in fates.iter_mut().enumerate() {
        let own = next.next_if(|f| f.line == index).map(|f| f.rule);
        if let Some(rule) = own {
            let action = rules[rule as usize].action();
            if action != Action::Line
                && open.is_none_or(|(open_action, _)| open_action != Action::Rest)
            {
                open = Some((action, rule));
            }
            *fate = rule;
            continue;
        }
        match open {
            Some((Action::Block, _)) if table.is_blank(index) => open = None,
            Some((_, rule)) => *fate = rule,
            None => {}
        }
    }
}

/// Repairs what removals leave behind: between two kept non-blank lines, a run that lost
/// a line keeps at most one blank line (its first kept one); at the start or end of the
/// document such a run keeps none. Runs without a removal are left exactly as written.
/// A blank line removed here takes the reason of the removal next to it.
fn repair_scars(table: &LineTable<'_>, fates: &mut [u32]) {
    let mut run_start = 0;
    let mut seen_kept_text = false;
    for index in 0..=table.len() {
        let at_end = index == table.len();
        if !at_end && (fates[index] != KEPT || table.is_blank(index)) {
            continue;
        }
        let run = run_start..index;
        if let Some(first_reason) = run.clone().map(|i| fates[i]).find(|&f| f != KEPT) {
            let keep_one = seen_kept_text && !at_end;
            let mut kept_one = false;
            let mut reason = first_reason;
            for i in run {
                if fates[i] != KEPT {
                    reason = fates[i];
                } else if keep_one && !kept_one {
                    kept_one = true;
                } else {
                    fates[i] = reason;
                }
            }
        }
        seen_kept_text = true;
        run_start = index + 1;
    }
}

/// Merges consecutive removed lines with the same reason into removals.
fn removals(table: &LineTable<'_>, fates: &[u32], reasons: &[Reason]) -> Vec<Removal> {
    let mut out: Vec<Removal> = Vec::new();
    for (index, &fate) in fates.iter().enumerate() {
        if fate == KEPT {
            continue;
        }
        let line = table.line(index);
        match out.last_mut() {
            Some(last) if last.lines.end == index && last.reason == reasons[fate as usize] => {
                last.lines.end = index + 1;
                last.bytes.end = line.end;
            }
            _ => out.push(Removal {
                bytes: line.range(),
                lines: index..index + 1,
                reason: reasons[fate as usize].clone(),
            }),
        }
    }
    out
}
