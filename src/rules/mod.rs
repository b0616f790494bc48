//! Validated rules and rule sets: what a rule pack says, checked and ready to compile.
//!
//! A pack is a TOML file of `[[rule]]` tables plus optional `[detectors.*]` settings (see
//! `docs/rules.md`). Several packs load into one [`RuleSet`]; rule
//! names are unique across all of them.

mod builtin;
mod detectors;
mod parse;
mod start_bytes;
mod validate;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

pub use builtin::BUILTIN_PACKS;
pub use detectors::{
    Context, Detector, DetectorConfig, Edges, Frequent, ModelSettings, Settings, ShortLines,
};

use crate::error::{Error, Result};

/// Where a marker must sit in the trimmed line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Where {
    /// Anywhere in the line (the default).
    Contains,
    /// At the start of the trimmed line.
    Starts,
    /// At the end of the trimmed line.
    Ends,
    /// The trimmed line is exactly the marker.
    Equals,
}

/// How markers compare with the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Case {
    /// ASCII case-insensitive (the default).
    Insensitive,
    /// Byte for byte.
    Sensitive,
}

/// What a rule removes when it fires on a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Action {
    /// The line only (the default).
    Line,
    /// The line and the following lines up to the next blank line.
    Block,
    /// The line and everything after it.
    Rest,
    /// The whole document.
    Document,
}

/// Where in a document a rule may fire, as fractions of the document's bytes.
///
/// A rule fires on a line only if the line starts at or after `after` and at or before
/// `before` (both in `0.0..=1.0`). The default, `0.0..=1.0`, is everywhere.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Position {
    /// Earliest start, as a fraction of the document length.
    pub after: f64,
    /// Latest start, as a fraction of the document length.
    pub before: f64,
}

impl Default for Position {
    fn default() -> Position {
        Position {
            after: 0.0,
            before: 1.0,
        }
    }
}

impl Position {
    /// True if a line starting at byte `start` of a `len`-byte document is in range.
    pub fn allows(&self, start: usize, len: usize) -> bool {
        if *self == Position::default() {
            return true;
        }
        let at = if len == 0 {
            0.0
        } else {
            start as f64 / len as f64
        };
        self.after <= at && at <= self.before
    }
}

/// One validated rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub(crate) name: Arc<str>,
    pub(crate) pack: Arc<str>,
    pub(crate) defined_at: String,
    pub(crate) markers: Vec<String>,
    pub(crate) where_: Where,
    pub(crate) case: Case,
    pub(crate) action: Action,
    pub(crate) max_words: Option<u32>,
    pub(crate) position: Position,
    pub(crate) pattern: Option<regex::bytes::Regex>,
    /// The bytes a line must start with for `pattern` to match, when it is anchored at
    /// the start of the line.
    pub(crate) pattern_start: Option<Box<start_bytes::ByteSet>>,
    pub(crate) examples: Vec<String>,
    pub(crate) counterexamples: Vec<String>,
}

impl Rule {
    /// The rule's unique name; it is the reason reported for what it removes.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The pack (file stem) the rule came from, e.g. `captions`.
    pub fn pack(&self) -> &str {
        &self.pack
    }

    /// The literal markers.
    pub fn markers(&self) -> &[String] {
        &self.markers
    }

    /// Where a marker must sit.
    pub fn where_(&self) -> Where {
        self.where_
    }

    /// How markers compare.
    pub fn case(&self) -> Case {
        self.case
    }

    /// What the rule removes.
    pub fn action(&self) -> Action {
        self.action
    }

    /// The word limit, if any.
    pub fn max_words(&self) -> Option<u32> {
        self.max_words
    }

    /// The position guard.
    pub fn position(&self) -> Position {
        self.position
    }

    /// The confirming regex, as written.
    pub fn pattern(&self) -> Option<&str> {
        self.pattern.as_ref().map(|re| re.as_str())
    }

    /// Lines this rule must remove.
    pub fn examples(&self) -> &[String] {
        &self.examples
    }

    /// Lines this rule must keep.
    pub fn counterexamples(&self) -> &[String] {
        &self.counterexamples
    }

    /// True if the rule has a guard (position, `max_words` or `pattern`): if not, every
    /// line passes [`Rule::guards_pass`].
    pub(crate) fn has_guards(&self) -> bool {
        self.position != Position::default() || self.max_words.is_some() || self.pattern.is_some()
    }

    /// True if line `index` of `table` passes the rule's guards (position, `max_words`,
    /// `pattern`), cheapest first. Marker placement is checked by the scanner.
    pub(crate) fn guards_pass(&self, table: &crate::lines::LineTable<'_>, index: usize) -> bool {
        let trimmed = table.trimmed(index);
        self.position
            .allows(table.line(index).start, table.doc().len())
            && self.pattern_start.as_ref().is_none_or(|set| {
                trimmed
                    .first()
                    .is_some_and(|&first| set[usize::from(first)])
            })
            && self
                .max_words
                .is_none_or(|max| table.has_at_most(index, max))
            && self.pattern.as_ref().is_none_or(|re| re.is_match(trimmed))
    }
}

/// An ordered collection of rules from one or more packs, plus detector settings.
///
/// Rule order decides which reason is reported when several rules fire on one line.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    detectors: DetectorConfig,
}

impl RuleSet {
    /// An empty set: no rules, no detectors. Cleaning with it changes nothing.
    pub fn new() -> RuleSet {
        RuleSet::default()
    }

    /// The embedded default packs (`rules/*.toml` compiled into the binary).
    ///
    /// ```
    /// let rules = boilerstrip::RuleSet::builtin();
    /// assert!(rules.rules().len() > 0);
    /// ```
    pub fn builtin() -> RuleSet {
        let mut set = RuleSet::new();
        for (origin, source) in BUILTIN_PACKS {
            set.add_pack(source, origin)
                .expect("the embedded rule packs are valid (checked by the test suite)");
        }
        set
    }

    /// Parses one pack from TOML; `origin` names it in errors and gives the pack name.
    pub fn from_toml(source: &str, origin: &str) -> Result<RuleSet> {
        let mut set = RuleSet::new();
        set.add_pack(source, origin)?;
        Ok(set)
    }

    /// Reads and parses one pack file.
    pub fn from_path(path: &Path) -> Result<RuleSet> {
        let mut set = RuleSet::new();
        set.add_path(path)?;
        Ok(set)
    }

    /// Reads a pack file and adds it to this set.
    pub fn add_path(&mut self, path: &Path) -> Result<()> {
        let source = std::fs::read_to_string(path).map_err(|err| Error::io(path, err))?;
        self.add_pack(&source, &path.display().to_string())
    }

    /// Adds a pack given as TOML text. Its rules come after the ones already loaded, and
    /// its `[detectors.*]` tables override earlier settings of the same detector.
    pub fn add_pack(&mut self, source: &str, origin: &str) -> Result<()> {
        let raw = parse::parse(source, origin)?;
        let pack = validate::pack(raw, source, origin)?;
        let mut seen: HashMap<&str, &str> = self
            .rules
            .iter()
            .map(|rule| (rule.name(), rule.defined_at.as_str()))
            .collect();
        for rule in &pack.rules {
            if let Some(first) = seen.insert(rule.name(), &rule.defined_at) {
                return Err(validate::duplicate_name(rule, first));
            }
        }
        self.rules.extend(pack.rules);
        self.detectors.apply(pack.detectors);
        Ok(())
    }

    /// Switches off a rule, a whole pack (by its name, e.g. `promo`) or a detector (e.g.
    /// `repeated`). Naming nothing that exists is an error, so typos don't pass silently.
    pub fn disable(&mut self, name: &str) -> Result<()> {
        let before = self.rules.len();
        self.rules
            .retain(|rule| rule.name() != name && rule.pack() != name);
        let removed_rules = self.rules.len() != before;
        let detector = Detector::from_name(name);
        if let Some(detector) = detector {
            self.detectors.disable(detector);
        }
        if detector.is_none() && !removed_rules {
            return Err(Error::config(format!(
                "no rule, pack or detector is named `{name}`"
            )));
        }
        Ok(())
    }

    /// The rules, in order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The detector settings.
    pub fn detectors(&self) -> &DetectorConfig {
        &self.detectors
    }

    /// Switches the `frequent` detector on, as `--counts` does: with this set's
    /// `[detectors.frequent]` settings, else [`Frequent::DEFAULT`], and `min_docs` and
    /// `max_words` replaced where given (an error for a zero). Give the cleaner its table
    /// with [`CleanerBuilder::count_table`](crate::CleanerBuilder::count_table).
    ///
    /// ```
    /// let mut rules = boilerstrip::RuleSet::new();
    /// rules.enable_frequent(None, Some(6))?;
    /// let settings = rules.detectors().frequent().unwrap();
    /// assert_eq!((settings.min_docs(), settings.max_words()), (10, Some(6)));
    /// assert!(rules.enable_frequent(Some(0), None).is_err());
    /// # Ok::<(), boilerstrip::Error>(())
    /// ```
    pub fn enable_frequent(&mut self, min_docs: Option<u64>, max_words: Option<u32>) -> Result<()> {
        let mut settings = self.detectors.frequent().unwrap_or(Frequent::DEFAULT);
        if let Some(min_docs) = min_docs {
            settings = settings.with_min_docs(min_docs)?;
        }
        if let Some(max_words) = max_words {
            settings = settings.with_max_words(Some(max_words))?;
        }
        self.detectors.set(Settings::Frequent(settings));
        Ok(())
    }

    /// Switches the line scorer (`model`) on, as `--scorer` does: with this set's
    /// `[detectors.model]` settings when a pack switched it on, else
    /// [`ModelSettings::DEFAULT`]. Give the cleaner another model than the built-in one
    /// with [`CleanerBuilder::model`](crate::CleanerBuilder::model).
    ///
    /// ```
    /// let mut rules = boilerstrip::RuleSet::builtin();
    /// assert!(rules.detectors().model().is_none(), "off in the default pack");
    /// rules.enable_model();
    /// let settings = rules.detectors().model().unwrap();
    /// assert_eq!(settings, boilerstrip::rules::ModelSettings::DEFAULT);
    /// ```
    pub fn enable_model(&mut self) {
        if self.detectors.model().is_none() {
            self.detectors.set(Settings::Model(ModelSettings::DEFAULT));
        }
    }

    /// Mutable detector settings, e.g. to change a threshold from the command line.
    pub fn detectors_mut(&mut self) -> &mut DetectorConfig {
        &mut self.detectors
    }

    /// A set holding only `rule`, with no detectors.
    pub(crate) fn single(rule: Rule) -> RuleSet {
        RuleSet {
            rules: vec![rule],
            detectors: DetectorConfig::default(),
        }
    }
}
