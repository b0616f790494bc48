//! The structural detectors as the rule language names them: one [`Detector`] enum in
//! the order they run, the settings each takes, and which of them a rule set switches
//! on ([`DetectorConfig`]).
//!
//! Detectors find boilerplate by structure instead of by marker. They run after the
//! rules, in the order of [`Detector::ALL`]: `repeated`, `frequent` (with a count
//! table), `context`, `edges`, then `orphan` (which only extends removals). A detector is
//! off unless a loaded pack has its `[detectors.NAME]` table; `enabled = false` in a
//! later pack or `--disable NAME` switches it off again. Settings are made only by
//! validation (a pack's tables, or the checked `with_*` methods), so every value a
//! detector sees is one the rule language accepts.

use std::fmt;

use crate::error::{Error, Result};

/// A built-in detector. The variants are in the order detectors run; their names are
/// reserved and cannot be rule names.
///
/// ```
/// use boilerstrip::rules::Detector;
/// let names: Vec<&str> = Detector::ALL.iter().map(|d| d.name()).collect();
/// assert_eq!(names, ["repeated", "frequent", "model", "context", "edges", "orphan"]);
/// assert_eq!(Detector::from_name("edges"), Some(Detector::Edges));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Detector {
    /// Short lines that occur twice or more in one document: every copy goes.
    Repeated,
    /// Lines found in many documents of a counted corpus; runs only when the cleaner is
    /// given a count table.
    Frequent,
    /// The learned line scorer: a line the marker rules kept goes when its score reaches
    /// the threshold. When it runs, `repeated`, `context`, `edges` and `orphan` remove
    /// nothing: their firings are among its features.
    Model,
    /// Short lines whose nearest non-blank neighbours are short too.
    Context,
    /// Short lines in the head and foot of a document, outside its running text.
    Edges,
    /// Short lines whose nearest non-blank neighbours on both sides were removed.
    Orphan,
}

impl Detector {
    /// Every detector, in the order they run.
    pub const ALL: [Detector; 6] = [
        Detector::Repeated,
        Detector::Frequent,
        Detector::Model,
        Detector::Context,
        Detector::Edges,
        Detector::Orphan,
    ];

    /// The detector's name: its `[detectors.NAME]` table, its `--disable NAME`, and the
    /// reason reported for what it removes.
    pub fn name(self) -> &'static str {
        match self {
            Detector::Repeated => "repeated",
            Detector::Frequent => "frequent",
            Detector::Model => "model",
            Detector::Context => "context",
            Detector::Edges => "edges",
            Detector::Orphan => "orphan",
        }
    }

    /// The detector called `name`, if any.
    pub fn from_name(name: &str) -> Option<Detector> {
        Detector::ALL.into_iter().find(|d| d.name() == name)
    }

    /// The detector's place in [`Detector::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// True for the detectors whose decisions the `model` detector takes over when it
    /// runs.
    pub fn superseded_by_model(self) -> bool {
        matches!(
            self,
            Detector::Repeated | Detector::Context | Detector::Edges | Detector::Orphan
        )
    }
}

impl fmt::Display for Detector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Settings of a detector that looks at short lines (`repeated`, `orphan`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShortLines {
    /// Lines with more words than this are never touched (at least 1).
    pub(crate) max_words: u32,
}

impl ShortLines {
    /// `repeated` when its table gives no `max_words`.
    pub const REPEATED_DEFAULT: ShortLines = ShortLines { max_words: 12 };
    /// `orphan` when its table gives no `max_words`.
    pub const ORPHAN_DEFAULT: ShortLines = ShortLines { max_words: 4 };

    /// Lines with more words than this are never touched.
    pub fn max_words(&self) -> u32 {
        self.max_words
    }
}

impl fmt::Display for ShortLines {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "max_words {}", self.max_words)
    }
}

/// Settings of `frequent` (corpus-level repetition, from a count table).
///
/// ```
/// use boilerstrip::rules::Frequent;
/// let settings = Frequent::DEFAULT.with_min_docs(50)?.with_max_words(Some(8))?;
/// assert_eq!((settings.min_docs(), settings.max_words()), (50, Some(8)));
/// assert!(Frequent::DEFAULT.with_min_docs(0).is_err());
/// # Ok::<(), boilerstrip::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frequent {
    /// A line is frequent when its key occurs in at least this many documents (at
    /// least 1).
    pub(crate) min_docs: u64,
    /// Lines with more words than this are never removed (`None`: any length; else at
    /// least 1).
    pub(crate) max_words: Option<u32>,
}

impl Frequent {
    /// `frequent` when its table gives no settings.
    pub const DEFAULT: Frequent = Frequent {
        min_docs: 10,
        max_words: None,
    };

    /// A line is frequent when its key occurs in at least this many documents.
    pub fn min_docs(&self) -> u64 {
        self.min_docs
    }

    /// Lines with more words than this are never removed (`None`: any length).
    pub fn max_words(&self) -> Option<u32> {
        self.max_words
    }

    /// These settings with another `min_docs`; an error when it is 0.
    pub fn with_min_docs(self, min_docs: u64) -> Result<Frequent> {
        if min_docs == 0 {
            return Err(Error::config("frequent: min_docs must be at least 1"));
        }
        Ok(Frequent { min_docs, ..self })
    }

    /// These settings with another `max_words`; an error when it is `Some(0)`.
    pub fn with_max_words(self, max_words: Option<u32>) -> Result<Frequent> {
        if max_words == Some(0) {
            return Err(Error::config("frequent: max_words must be at least 1"));
        }
        Ok(Frequent { max_words, ..self })
    }
}

impl fmt::Display for Frequent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "min_docs {}", self.min_docs)?;
        match self.max_words {
            Some(max) => write!(f, ", max_words {max}"),
            None => Ok(()),
        }
    }
}

/// Settings of `context`: a short line between short neighbours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// Only lines with at most this many words are candidates (at least 1).
    pub(crate) max_words: u32,
    /// Both nearest non-blank neighbours must have at most this many words (a missing
    /// neighbour, at the edge of the document, counts as short).
    pub(crate) neighbour_max_words: u32,
    /// Lines that read like prose are never candidates.
    pub(crate) keep_prose: bool,
}

impl Context {
    /// `context` when its table gives no settings.
    pub const DEFAULT: Context = Context {
        max_words: 3,
        neighbour_max_words: 8,
        keep_prose: true,
    };

    /// Only lines with at most this many words are candidates.
    pub fn max_words(&self) -> u32 {
        self.max_words
    }

    /// Both nearest non-blank neighbours must have at most this many words.
    pub fn neighbour_max_words(&self) -> u32 {
        self.neighbour_max_words
    }

    /// True if lines that read like prose are never candidates.
    pub fn keep_prose(&self) -> bool {
        self.keep_prose
    }
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "max_words {}, neighbours {}",
            self.max_words, self.neighbour_max_words
        )
    }
}

/// Settings of `edges`: short lines before the first and after the last long line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edges {
    /// A line with at least this many words is *long*: running text that bounds the body
    /// (at least 1).
    pub(crate) long_words: u32,
    /// In the head (before the first long line), lines with at most this many words go
    /// (0 leaves the head alone; less than `long_words`).
    pub(crate) head_max_words: u32,
    /// In the foot (after the last long line), lines with at most this many words go
    /// (0 leaves the foot alone; less than `long_words`).
    pub(crate) foot_max_words: u32,
    /// The last this-many non-blank lines before the first long line are kept (the
    /// headline usually sits there).
    pub(crate) keep_before: u32,
    /// Lines that read like prose are never removed.
    pub(crate) keep_prose: bool,
}

impl Edges {
    /// `edges` when its table gives no settings.
    pub const DEFAULT: Edges = Edges {
        long_words: 30,
        head_max_words: 5,
        foot_max_words: 10,
        keep_before: 1,
        keep_prose: true,
    };

    /// A line with at least this many words is *long*.
    pub fn long_words(&self) -> u32 {
        self.long_words
    }

    /// Head lines with at most this many words go (0: the head is left alone).
    pub fn head_max_words(&self) -> u32 {
        self.head_max_words
    }

    /// Foot lines with at most this many words go (0: the foot is left alone).
    pub fn foot_max_words(&self) -> u32 {
        self.foot_max_words
    }

    /// The last this-many non-blank lines before the first long line are kept.
    pub fn keep_before(&self) -> u32 {
        self.keep_before
    }

    /// True if lines that read like prose are never removed.
    pub fn keep_prose(&self) -> bool {
        self.keep_prose
    }
}

impl fmt::Display for Edges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "long {}, head {}, foot {}",
            self.long_words, self.head_max_words, self.foot_max_words
        )
    }
}

/// Settings of `model`: the learned line scorer.
///
/// A line the marker rules kept goes when its score (the probability that it is
/// boilerplate) reaches `threshold`, or when one of the structural detectors it
/// supersedes would remove it and its score reaches `confirm`.
///
/// ```
/// use boilerstrip::rules::ModelSettings;
/// let settings = ModelSettings::DEFAULT.with_threshold(0.8)?.with_confirm(0.5)?;
/// assert_eq!((settings.threshold(), settings.confirm()), (0.8, 0.5));
/// assert!(ModelSettings::DEFAULT.with_threshold(1.0).is_err());
/// assert!(ModelSettings::DEFAULT.with_confirm(0.0).is_err());
/// # Ok::<(), boilerstrip::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelSettings {
    /// A line goes when its score reaches this many ten-thousandths.
    pub(crate) threshold: u32,
    /// A line a structural detector fires on goes when its score reaches this many
    /// ten-thousandths.
    pub(crate) confirm: u32,
}

impl ModelSettings {
    /// `model` when its table gives no settings: what `scripts/train-model` chose for
    /// the built-in model.
    pub const DEFAULT: ModelSettings = ModelSettings {
        threshold: 8650,
        confirm: 7000,
    };

    /// A line goes when its score reaches this probability.
    pub fn threshold(&self) -> f64 {
        f64::from(self.threshold) / 10_000.0
    }

    /// A line a structural detector fires on goes when its score reaches this
    /// probability.
    pub fn confirm(&self) -> f64 {
        f64::from(self.confirm) / 10_000.0
    }

    /// These settings with another threshold (rounded to 1/10000); an error unless it
    /// lies strictly between 0 and 1.
    pub fn with_threshold(self, threshold: f64) -> Result<ModelSettings> {
        Ok(ModelSettings {
            threshold: ten_thousandths(threshold, "threshold")?,
            ..self
        })
    }

    /// These settings with another `confirm` (rounded to 1/10000); an error unless it
    /// lies strictly between 0 and 1.
    pub fn with_confirm(self, confirm: f64) -> Result<ModelSettings> {
        Ok(ModelSettings {
            confirm: ten_thousandths(confirm, "confirm")?,
            ..self
        })
    }
}

/// A probability in ten-thousandths; an error unless it lies strictly between 0 and 1.
fn ten_thousandths(p: f64, key: &str) -> Result<u32> {
    if !(p > 0.0 && p < 1.0) {
        return Err(Error::config(format!(
            "model: {key} must lie between 0 and 1 (exclusive)"
        )));
    }
    Ok((p * 10_000.0).round().clamp(1.0, 9_999.0) as u32)
}

impl fmt::Display for ModelSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "threshold {}, confirm {}",
            self.threshold(),
            self.confirm()
        )
    }
}

/// One detector with its settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Settings {
    /// `repeated`.
    Repeated(ShortLines),
    /// `frequent`.
    Frequent(Frequent),
    /// `model`.
    Model(ModelSettings),
    /// `context`.
    Context(Context),
    /// `edges`.
    Edges(Edges),
    /// `orphan`.
    Orphan(ShortLines),
}

impl Settings {
    /// The detector these settings are for.
    pub fn detector(&self) -> Detector {
        match self {
            Settings::Repeated(_) => Detector::Repeated,
            Settings::Frequent(_) => Detector::Frequent,
            Settings::Model(_) => Detector::Model,
            Settings::Context(_) => Detector::Context,
            Settings::Edges(_) => Detector::Edges,
            Settings::Orphan(_) => Detector::Orphan,
        }
    }
}

/// A one-line summary of the settings, as `rules list` shows them.
impl fmt::Display for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Settings::Repeated(s) | Settings::Orphan(s) => s.fmt(f),
            Settings::Frequent(s) => s.fmt(f),
            Settings::Model(s) => s.fmt(f),
            Settings::Context(s) => s.fmt(f),
            Settings::Edges(s) => s.fmt(f),
        }
    }
}

/// Which detectors run, and with what settings; all are off by default.
///
/// ```
/// use boilerstrip::rules::{Detector, Settings};
/// let mut rules = boilerstrip::RuleSet::builtin();
/// assert!(rules.detectors().is_on(Detector::Repeated));
/// rules.disable("repeated")?;
/// assert_eq!(rules.detectors().get(Detector::Repeated), None);
/// # Ok::<(), boilerstrip::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DetectorConfig {
    repeated: Option<ShortLines>,
    frequent: Option<Frequent>,
    model: Option<ModelSettings>,
    context: Option<Context>,
    edges: Option<Edges>,
    orphan: Option<ShortLines>,
}

impl DetectorConfig {
    /// `repeated`'s settings, when it runs.
    pub fn repeated(&self) -> Option<ShortLines> {
        self.repeated
    }

    /// `frequent`'s settings, when it runs (it also needs a count table).
    pub fn frequent(&self) -> Option<Frequent> {
        self.frequent
    }

    /// `model`'s settings, when it runs.
    pub fn model(&self) -> Option<ModelSettings> {
        self.model
    }

    /// `context`'s settings, when it runs.
    pub fn context(&self) -> Option<Context> {
        self.context
    }

    /// `edges`' settings, when it runs.
    pub fn edges(&self) -> Option<Edges> {
        self.edges
    }

    /// `orphan`'s settings, when it runs.
    pub fn orphan(&self) -> Option<ShortLines> {
        self.orphan
    }

    /// The settings of `detector`, when it runs.
    pub fn get(&self, detector: Detector) -> Option<Settings> {
        match detector {
            Detector::Repeated => self.repeated.map(Settings::Repeated),
            Detector::Frequent => self.frequent.map(Settings::Frequent),
            Detector::Model => self.model.map(Settings::Model),
            Detector::Context => self.context.map(Settings::Context),
            Detector::Edges => self.edges.map(Settings::Edges),
            Detector::Orphan => self.orphan.map(Settings::Orphan),
        }
    }

    /// True if `detector` runs.
    pub fn is_on(&self, detector: Detector) -> bool {
        self.get(detector).is_some()
    }

    /// Switches a detector on with `settings` (replacing its earlier settings).
    pub fn set(&mut self, settings: Settings) {
        match settings {
            Settings::Repeated(s) => self.repeated = Some(s),
            Settings::Frequent(s) => self.frequent = Some(s),
            Settings::Model(s) => self.model = Some(s),
            Settings::Context(s) => self.context = Some(s),
            Settings::Edges(s) => self.edges = Some(s),
            Settings::Orphan(s) => self.orphan = Some(s),
        }
    }

    /// Switches `detector` off.
    pub fn disable(&mut self, detector: Detector) {
        match detector {
            Detector::Repeated => self.repeated = None,
            Detector::Frequent => self.frequent = None,
            Detector::Model => self.model = None,
            Detector::Context => self.context = None,
            Detector::Edges => self.edges = None,
            Detector::Orphan => self.orphan = None,
        }
    }

    /// Applies a later pack's settings over these, in the order given.
    pub(crate) fn apply(&mut self, overrides: DetectorOverrides) {
        for (detector, settings) in overrides {
            match settings {
                Some(settings) => self.set(settings),
                None => self.disable(detector),
            }
        }
    }
}

/// What one pack says about detectors: each detector it has a table for, with its
/// settings, or `None` when the table switches it off.
pub(crate) type DetectorOverrides = Vec<(Detector, Option<Settings>)>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_in_run_order() {
        for (index, detector) in Detector::ALL.into_iter().enumerate() {
            assert_eq!(detector.index(), index);
            assert_eq!(Detector::from_name(detector.name()), Some(detector));
        }
        assert_eq!(Detector::from_name("detectors"), None);
    }

    #[test]
    fn set_get_and_disable_address_the_same_detector() {
        let every = [
            Settings::Repeated(ShortLines::REPEATED_DEFAULT),
            Settings::Frequent(Frequent::DEFAULT),
            Settings::Model(ModelSettings::DEFAULT),
            Settings::Context(Context::DEFAULT),
            Settings::Edges(Edges::DEFAULT),
            Settings::Orphan(ShortLines::ORPHAN_DEFAULT),
        ];
        for settings in every {
            let detector = settings.detector();
            let mut config = DetectorConfig::default();
            config.set(settings);
            assert_eq!(config.get(detector), Some(settings));
            let on: Vec<Detector> = Detector::ALL
                .into_iter()
                .filter(|&d| config.is_on(d))
                .collect();
            assert_eq!(on, [detector]);
            config.disable(detector);
            assert_eq!(config, DetectorConfig::default());
        }
    }

    #[test]
    fn summaries() {
        let frequent = Frequent::DEFAULT.with_max_words(Some(4)).unwrap();
        assert_eq!(frequent.to_string(), "min_docs 10, max_words 4");
        assert_eq!(Frequent::DEFAULT.to_string(), "min_docs 10");
        assert_eq!(
            Settings::Context(Context::DEFAULT).to_string(),
            "max_words 3, neighbours 8"
        );
        assert_eq!(
            Settings::Edges(Edges::DEFAULT).to_string(),
            "long 30, head 5, foot 10"
        );
        assert!(Frequent::DEFAULT.with_max_words(Some(0)).is_err());
    }
}
