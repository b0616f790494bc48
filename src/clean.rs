//! The [`Cleaner`]: rules and detectors compiled once, then applied to documents.
//!
//! Cleaning a document is a flat sequence of steps: split it into lines, scan it once
//! with the automaton, apply the winning rules' actions, run the detectors, repair the
//! blank-line scars, and collect the removals. Nothing is written here; the result is a
//! [`Cleaned`] decision.

use std::path::PathBuf;
use std::sync::Arc;

use crate::compile::Matcher;
use crate::count_table::FrequentLines;
use crate::count_table::Scope;
use crate::decision::{Cleaned, Reason, Removal};
use crate::detect;
use crate::error::Result;
use crate::lines::{self, Fate, LineTable};
use crate::model::protect;
use crate::model::{self, LineFeatures, Model};
use crate::normal;
use crate::rules::{Action, Detector, DetectorConfig, Frequent, Rule, RuleSet};
use crate::scan;
use crate::stop::StopFlag;

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
    /// The line scorer of the `model` detector (default: the built-in one).
    model: Option<Arc<Model>>,
    /// Record each scored line's score in the [`Cleaned`] result (default false).
    scores: bool,
    /// A count table to load at build time, when no lines were given (default none).
    count_table: Option<PathBuf>,
}

impl Default for CleanerBuilder {
    fn default() -> Self {
        CleanerBuilder {
            dfa: true,
            counts: None,
            model: None,
            scores: false,
            count_table: None,
        }
    }
}

impl CleanerBuilder {
    /// Allows or forbids the DFA (default: allowed). With it allowed, markers of up to
    /// 1.5 KiB in all compile into a DFA, whose table then stays cache-sized; false always
    /// builds the contiguous NFA.
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

    /// Gives the `model` detector another line scorer than the built-in one (a file
    /// written by `scripts/train-model`, read with [`Model::parse`]).
    pub fn model(&mut self, model: Model) -> &mut Self {
        self.model = Some(Arc::new(model));
        self
    }

    /// Records the score of every line the `model` detector scores in the result (see
    /// [`Cleaned::scores`]), for `--explain`; off by default, as it costs an allocation.
    pub fn scores(&mut self, yes: bool) -> &mut Self {
        self.scores = yes;
        self
    }

    /// Gives the `frequent` detector the count table at `path`, loaded by
    /// [`CleanerBuilder::build`] with the threshold of the rule set's `frequent` settings
    /// (only the keys at or above it), and not at all when the rule set has the detector
    /// off. With [`RuleSet::enable_frequent`] this is what `--counts` does.
    ///
    /// ```no_run
    /// use boilerstrip::{Cleaner, RuleSet};
    /// let mut rules = RuleSet::builtin();
    /// rules.enable_frequent(Some(50), None)?;
    /// let cleaner = Cleaner::builder().count_table("corpus.bsc").build(&rules)?;
    /// # Ok::<(), boilerstrip::Error>(())
    /// ```
    pub fn count_table(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.count_table = Some(path.into());
        self
    }

    /// Compiles `rules` into a cleaner, loading its count table if one was given.
    pub fn build(&self, rules: &RuleSet) -> Result<Cleaner> {
        let counts = match (
            &self.counts,
            &self.count_table,
            rules.detectors().frequent(),
        ) {
            (Some(lines), _, _) => Some(lines.clone()),
            (None, Some(path), Some(settings)) => {
                Some(FrequentLines::from_path(path, settings.min_docs())?)
            }
            _ => None,
        };
        let matcher = Matcher::new(rules.rules(), self.dfa)?;
        let mut reasons: Vec<Reason> = rules
            .rules()
            .iter()
            .map(|r| Reason::new(r.name()))
            .collect();
        reasons.extend(Detector::ALL.map(|detector| Reason::new(detector.name())));
        // The built-in model is read when first needed, so that a cleaner without the
        // scorer (and the feature dumper of a build whose features changed) never reads it.
        let model = std::sync::OnceLock::new();
        if let Some(given) = &self.model {
            model.get_or_init(|| Arc::clone(given));
        }
        Ok(Cleaner {
            inner: Arc::new(Inner {
                matcher,
                rules: rules.rules().to_vec(),
                detectors: rules.detectors().clone(),
                counts,
                model,
                scores: self.scores,
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
    /// The line scorer: the builder's, or the built-in one once first used.
    model: std::sync::OnceLock<Arc<Model>>,
    scores: bool,
    /// Rule names, then detector names in [`Detector::ALL`] order.
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

    /// The number of documents of the counted corpus that hold `line` (its content,
    /// as in a document of site `site`), when the `frequent` detector runs and the line
    /// is frequent: the evidence behind a `frequent` removal.
    pub fn frequent_documents(&self, line: &[u8], site: Option<&str>) -> Option<u64> {
        let (_, lines) = self.frequent()?;
        let site = (lines.scope() == Scope::Site).then(|| site.unwrap_or(""));
        let key = normal::line_key(lines::trimmed(line), site, &mut Vec::new())?;
        lines.documents_of(key)
    }

    /// The `frequent` detector's settings and lines, when it runs.
    fn frequent(&self) -> Option<(Frequent, &FrequentLines)> {
        Some((
            self.inner.detectors.frequent()?,
            self.inner.counts.as_ref()?,
        ))
    }

    /// The line scorer's feature rows of `doc` (see [`crate::model::features`]), with what
    /// this cleaner's marker rules decide about each line: what `scripts/train-model`
    /// trains on.
    pub fn line_features(&self, doc: &[u8]) -> crate::model::LineFeatures {
        let inner = &*self.inner;
        let table = LineTable::new(doc);
        let mut fates = vec![Fate::KEPT; table.len()];
        let firings = scan::scan(&inner.matcher, &inner.rules, &table, None)
            .expect("only a stop flag ends a scan early");
        apply_actions(&inner.rules, &firings, &table, &mut fates);
        let mut out = crate::model::LineFeatures::default();
        crate::model::features::compute(&table, &fates, &mut out);
        let protections = protect::protections(&table, &out, protect::WITH_SCORER);
        out.protection = out.lines.iter().map(|&line| protections[line]).collect();
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
        self.decide(doc, site, None)
            .expect("only a stop flag ends a decision early")
    }

    /// [`Cleaner::clean_site`] that gives up once `stop` is set, with an error of
    /// category [`Interrupted`](crate::ErrorCategory::Interrupted). The flag is checked
    /// between the steps of cleaning and every thousand lines of the scan, so that a
    /// huge document does not hold up an interrupt; the result, when there is one, is
    /// the same as [`Cleaner::clean_site`]'s.
    ///
    /// ```
    /// use boilerstrip::{Cleaner, ErrorCategory, RuleSet, StopFlag};
    /// let cleaner = Cleaner::new(&RuleSet::builtin())?;
    /// let stop = StopFlag::new();
    /// assert!(cleaner.clean_until(b"Text.\n", None, &stop).is_ok());
    /// stop.stop();
    /// let err = cleaner.clean_until(b"Text.\n", None, &stop).unwrap_err();
    /// assert_eq!(err.category(), ErrorCategory::Interrupted);
    /// # Ok::<(), boilerstrip::Error>(())
    /// ```
    pub fn clean_until<'a>(
        &self,
        doc: &'a [u8],
        site: Option<&str>,
        stop: &StopFlag,
    ) -> Result<Cleaned<'a>> {
        self.decide(doc, site, Some(stop))
    }

    /// The steps of cleaning one document; an error only when `stop` is set.
    fn decide<'a>(
        &self,
        doc: &'a [u8],
        site: Option<&str>,
        stop: Option<&StopFlag>,
    ) -> Result<Cleaned<'a>> {
        let check = || stop.map_or(Ok(()), StopFlag::check);
        let inner = &*self.inner;
        check()?;
        let table = LineTable::new(doc);
        let mut fates = vec![Fate::KEPT; table.len()];
        let firings = scan::scan(&inner.matcher, &inner.rules, &table, stop)?;
        apply_actions(&inner.rules, &firings, &table, &mut fates);
        let model_on = inner.detectors.model().is_some();
        // Protected shapes are given back after the detectors: all of them with the
        // model (`--scorer`), code and tables without it (see `protect`).
        let rule_fates = fates.clone();
        let mut scores = Vec::new();
        for detector in Detector::ALL {
            check()?;
            if model_on && detector.superseded_by_model() {
                continue;
            }
            if detector == Detector::Model {
                self.score(&table, &mut fates, &mut scores);
            } else {
                self.detect(detector, &table, site, &mut fates);
            }
        }
        let saved = if model_on {
            // The feature rows `score` computed for this document are still in SCRATCH.
            SCRATCH.with_borrow(|(features, _)| {
                protect::restore(
                    &table,
                    features,
                    protect::WITH_SCORER,
                    &rule_fates,
                    &mut fates,
                )
            })
        } else {
            protect::restore(
                &table,
                &protect::TextShapes(&table),
                protect::WITHOUT_SCORER,
                &rule_fates,
                &mut fates,
            )
        };
        repair_scars(&table, &mut fates);
        let removals = removals(&table, &fates, &inner.reasons);
        let cleaned = Cleaned::new(doc, table.len(), removals).with_notes(scores, saved);
        table.give_back();
        Ok(cleaned)
    }

    /// The line scorer the `model` detector uses.
    pub fn model(&self) -> &Model {
        self.inner.model.get_or_init(|| Arc::new(Model::builtin()))
    }

    /// The `model` detector: scores every line the rules kept and removes those whose
    /// score reaches the threshold; records the scores when the builder asked for them.
    fn score(&self, table: &LineTable<'_>, fates: &mut [Fate], scores: &mut Vec<(usize, f32)>) {
        let inner = &*self.inner;
        let Some(settings) = inner.detectors.model() else {
            return;
        };
        let reason_of =
            |detector: Detector| Fate::removed((inner.rules.len() + detector.index()) as u32);
        // p >= t exactly when the raw score reaches the log-odds of t.
        let log_odds = |p: f64| (p / (1.0 - p)).ln();
        let (alone, confirm) = (log_odds(settings.threshold()), log_odds(settings.confirm()));
        SCRATCH.with_borrow_mut(|(features, raw_scores)| {
            model::features::compute(table, fates, features);
            // Only the lines the rules kept are scored (in order).
            let kept = (0..features.lines.len()).filter(|&k| !features.rule_removed[k]);
            self.model()
                .raw_scores_of(kept.clone().map(|k| features.row(k)), raw_scores);
            for (k, &raw) in kept.zip(raw_scores.iter()) {
                let (line, row) = (features.lines[k], features.row(k));
                if inner.scores {
                    scores.push((line, (1.0 / (1.0 + (-raw).exp())) as f32));
                }
                if raw >= alone {
                    fates[line] = reason_of(Detector::Model);
                } else if raw >= confirm
                    && let Some(detector) = model::features::detector_firing(row)
                {
                    fates[line] = reason_of(detector);
                }
            }
        });
    }
}

thread_local! {
    /// The feature rows and the raw scores of the document this thread last scored, kept
    /// for their memory.
    static SCRATCH: std::cell::RefCell<(LineFeatures, Vec<f64>)> = std::cell::RefCell::default();
}

impl Cleaner {
    /// Runs `detector` over `table` when the rule set switches it on.
    fn detect(
        &self,
        detector: Detector,
        table: &LineTable<'_>,
        site: Option<&str>,
        fates: &mut [Fate],
    ) {
        let inner = &*self.inner;
        let reason = Fate::removed((inner.rules.len() + detector.index()) as u32);
        let config = &inner.detectors;
        match detector {
            Detector::Repeated => {
                if let Some(settings) = config.repeated() {
                    detect::repeated::run(table, settings, reason, fates);
                }
            }
            Detector::Frequent => {
                if let Some((settings, lines)) = self.frequent() {
                    let site = (lines.scope() == Scope::Site).then(|| site.unwrap_or(""));
                    detect::frequent::run(table, settings, lines, site, reason, fates);
                }
            }
            // Scored by `Cleaner::score`, which needs more than a fate to write.
            Detector::Model => {}
            Detector::Context => {
                if let Some(settings) = config.context() {
                    detect::context::run(table, settings, reason, fates);
                }
            }
            Detector::Edges => {
                if let Some(settings) = config.edges() {
                    detect::edges::run(table, settings, reason, fates);
                }
            }
            Detector::Orphan => {
                if let Some(settings) = config.orphan() {
                    detect::orphan::run(table, settings, reason, fates);
                }
            }
        }
    }
}

/// Applies each firing's action. A `document` firing removes everything; otherwise lines
/// are walked in order: a `rest` firing removes its line and all after it (only its line
/// when a menu repeats it, see [`repeated_in_menu`]), a `block` firing its line and the
/// non-blank lines that follow, a `line` firing its line. A line removed by an open block
/// or rest keeps its own firing's reason when it has one.
fn apply_actions(
    rules: &[Rule],
    firings: &[scan::Firing],
    table: &LineTable<'_>,
    fates: &mut [Fate],
) {
    if let Some(doc_firing) = firings
        .iter()
        .find(|f| rules[f.rule as usize].action() == Action::Document)
    {
        fates.fill(Fate::removed(doc_firing.rule));
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
                && !(action == Action::Rest && repeated_in_menu(table, index))
            {
                open = Some((action, rule));
            }
            *fate = Fate::removed(rule);
            continue;
        }
        match open {
            Some((Action::Block, _)) if table.is_blank(index) => open = None,
            Some((_, rule)) => *fate = Fate::removed(rule),
            None => {}
        }
    }
}

/// A line of at least this many words is running text: a menu has none.
const RUNNING_TEXT_WORDS: u32 = 20;

/// How far back (in lines) a `rest` firing looks for copies of its line: a long menu, and
/// no quadratic walk on a page of many firings.
const MENU_REACH: usize = 600;

/// True if line `index` is an entry of a menu that repeats it: its text (trimmed, after a
/// list bullet, ASCII case aside) already occurred on two lines since the last line of
/// running text (within [`MENU_REACH`] lines). A `rest` firing on such a line removes
/// only its line, for a mega-menu that lists a related-content heading under each of its
/// sections is not the heading of the page's tail, and what follows it may be the page's
/// own text.
fn repeated_in_menu(table: &LineTable<'_>, index: usize) -> bool {
    let body = |line: usize| {
        let trimmed = table.trimmed(line);
        &trimmed[lines::bullet_len(trimmed)..]
    };
    let text = body(index);
    (index.saturating_sub(MENU_REACH)..index)
        .rev()
        .take_while(|&line| table.word_count(line) < RUNNING_TEXT_WORDS)
        .filter(|&line| {
            let copy = body(line);
            copy.len() == text.len() && copy.eq_ignore_ascii_case(text)
        })
        .nth(1)
        .is_some()
}

/// Repairs what removals leave behind: between two kept non-blank lines, a run that lost
/// a line keeps at most one blank line (its first kept one); at the start or end of the
/// document such a run keeps none. Runs without a removal are left exactly as written.
/// A blank line removed here takes the reason of the removal next to it.
fn repair_scars(table: &LineTable<'_>, fates: &mut [Fate]) {
    let mut run_start = 0;
    let mut seen_kept_text = false;
    for index in 0..=table.len() {
        let at_end = index == table.len();
        if !at_end && (!fates[index].is_kept() || table.is_blank(index)) {
            continue;
        }
        let run = run_start..index;
        if let Some(first_reason) = run.clone().map(|i| fates[i]).find(|f| !f.is_kept()) {
            let keep_one = seen_kept_text && !at_end;
            let mut kept_one = false;
            let mut reason = first_reason;
            for i in run {
                if !fates[i].is_kept() {
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
fn removals(table: &LineTable<'_>, fates: &[Fate], reasons: &[Reason]) -> Vec<Removal> {
    let mut out: Vec<Removal> = Vec::new();
    for (index, fate) in fates.iter().enumerate() {
        let Some(fate) = fate.reason() else {
            continue;
        };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCategory;

    #[test]
    fn clean_until_stops_on_its_flag_and_otherwise_agrees_with_clean() {
        let cleaner = Cleaner::new(&RuleSet::builtin()).unwrap();
        let doc =
            "A line of article text that says something.\n\nSOURCE: News agencies\n".repeat(50_000);
        let stop = StopFlag::new();
        let cleaned = cleaner.clean_until(doc.as_bytes(), None, &stop).unwrap();
        let plain = cleaner.clean(doc.as_bytes());
        assert_eq!(cleaned.removals(), plain.removals());
        assert!(!cleaned.is_unchanged());
        stop.stop();
        let err = cleaner
            .clean_until(doc.as_bytes(), None, &stop)
            .unwrap_err();
        assert_eq!(err.category(), ErrorCategory::Interrupted);
    }

    #[test]
    fn the_built_in_model_is_read_only_when_the_scorer_needs_it() {
        let doc = "A line of article text that says something.\nHome\n".repeat(10);
        let off = Cleaner::new(&RuleSet::builtin()).unwrap();
        off.clean(doc.as_bytes());
        off.line_features(doc.as_bytes());
        assert!(off.inner.model.get().is_none(), "no scorer, no model read");

        let mut rules = RuleSet::builtin();
        rules.detectors_mut().set(crate::rules::Settings::Model(
            crate::rules::ModelSettings::DEFAULT,
        ));
        let on = Cleaner::new(&rules).unwrap();
        assert!(on.inner.model.get().is_none());
        on.clean(doc.as_bytes());
        assert_eq!(
            on.inner.model.get().map(|model| model.name()),
            Some(crate::model::BUILTIN_MODEL_NAME)
        );
    }

    #[test]
    fn a_count_table_is_loaded_at_build_for_an_enabled_frequent_detector() {
        use crate::count_table::{KeyRange, TableWriter};
        let key = |line: &str| crate::normal::line_key(line.as_bytes(), None, &mut Vec::new());
        let mut entries = vec![(key("Home").unwrap(), 5), (key("News").unwrap(), 2)];
        entries.sort_unstable();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("corpus.bsc");
        let file = std::fs::File::create(&path).unwrap();
        let mut writer =
            TableWriter::new(file, "corpus.bsc", Scope::Corpus, 9, KeyRange::ALL).unwrap();
        for (key, documents) in entries {
            writer.push(key, documents).unwrap();
        }
        writer.finish().unwrap();

        let doc = b"Home\nNews\nThe text of the article.\n";
        let mut rules = RuleSet::new();
        let off = Cleaner::builder()
            .count_table(dir.path().join("missing.bsc"))
            .build(&rules)
            .expect("a detector that is off loads no table");
        assert!(off.clean(doc).is_unchanged());
        rules.enable_frequent(Some(3), None).unwrap();
        let cleaner = Cleaner::builder().count_table(&path).build(&rules).unwrap();
        let removed: Vec<_> = cleaner.clean(doc).removals().to_vec();
        assert_eq!(removed.len(), 1);
        assert_eq!(
            (removed[0].lines.clone(), removed[0].reason.as_str()),
            (0..1, "frequent")
        );
        let err = Cleaner::builder()
            .count_table(dir.path().join("missing.bsc"))
            .build(&rules)
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing.bsc"), "{err}");
    }

    #[test]
    fn the_scan_checks_the_flag_between_lines() {
        let rules = RuleSet::builtin();
        let matcher = Matcher::new(rules.rules(), true).unwrap();
        let doc = "SOURCE: AP\n".repeat(5_000);
        let table = LineTable::new(doc.as_bytes());
        let stop = StopFlag::new();
        let firings = scan::scan(&matcher, rules.rules(), &table, Some(&stop)).unwrap();
        assert_eq!(firings.len(), 5_000);
        stop.stop();
        assert!(scan::scan(&matcher, rules.rules(), &table, Some(&stop)).is_err());
        table.give_back();
    }
}
