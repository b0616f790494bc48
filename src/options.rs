//! What a cleaner is built from, as the command line's flags and the Python package's
//! arguments give it: rule packs, names switched off, a count table with its overrides,
//! and the line scorer. Both build their cleaner here, so that the same choices make the
//! same cleaner.

use std::path::PathBuf;

use crate::clean::Cleaner;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::rules::RuleSet;

/// The choices a cleaner is built from (the CLI's rule and count flags).
///
/// ```
/// let options = boilerstrip::CleanerOptions {
///     scorer: true,
///     disable: vec!["edges".to_string()],
///     ..Default::default()
/// };
/// let rules = options.rule_set()?;
/// assert!(rules.detectors().model().is_some() && rules.detectors().edges().is_none());
/// let cleaner = options.build()?;
/// # let _ = cleaner;
/// # Ok::<(), boilerstrip::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanerOptions {
    /// Rule packs (TOML files), loaded after the embedded default packs (`-r`).
    pub rules: Vec<PathBuf>,
    /// Start from the embedded default packs (`false`: `--no-default-rules`).
    pub default_rules: bool,
    /// Rules, packs or detectors switched off by name, last of all (`--disable`).
    pub disable: Vec<String>,
    /// A count table of `boilerstrip count`: switches the `frequent` detector on with the
    /// packs' settings, else the defaults (`--counts`).
    pub counts: Option<PathBuf>,
    /// With `counts`: `frequent`'s `min_docs` instead of the packs' (`--min-docs`).
    pub min_docs: Option<u64>,
    /// With `counts`: `frequent`'s `max_words` instead of the packs' (`--frequent-max-words`).
    pub frequent_max_words: Option<u32>,
    /// Switch the line scorer on, with the packs' `[detectors.model]` settings, else the
    /// defaults (`--scorer`).
    pub scorer: bool,
    /// Score with this model file instead of the built-in model; switches the scorer on
    /// (`--model`).
    pub model: Option<PathBuf>,
    /// Record every line's score in the results, for `--explain`.
    pub scores: bool,
}

impl Default for CleanerOptions {
    /// The embedded default packs and nothing else: what `boilerstrip` runs with no flags.
    fn default() -> CleanerOptions {
        CleanerOptions {
            rules: Vec::new(),
            default_rules: true,
            disable: Vec::new(),
            counts: None,
            min_docs: None,
            frequent_max_words: None,
            scorer: false,
            model: None,
            scores: false,
        }
    }
}

impl CleanerOptions {
    /// The rule set these options describe: the packs, `frequent` when there is a count
    /// table, the scorer when asked for, and then the names switched off, so that
    /// `disable` has the last word (`model` switches the scorer off whatever switched it
    /// on).
    pub fn rule_set(&self) -> Result<RuleSet> {
        if self.counts.is_none() && (self.min_docs.is_some() || self.frequent_max_words.is_some()) {
            return Err(Error::config(
                "min_docs and frequent_max_words need counts (a count table)",
            ));
        }
        let mut rules = if self.default_rules {
            RuleSet::builtin()
        } else {
            RuleSet::new()
        };
        for path in &self.rules {
            rules.add_path(path)?;
        }
        if self.counts.is_some() {
            rules.enable_frequent(self.min_docs, self.frequent_max_words)?;
        }
        if self.scorer || self.model.is_some() {
            rules.enable_model();
        }
        for name in &self.disable {
            rules.disable(name)?;
        }
        Ok(rules)
    }

    /// The model of the `model` file, read; `None` for the built-in model.
    pub fn model(&self) -> Result<Option<Model>> {
        self.model.as_deref().map(Model::from_path).transpose()
    }

    /// The cleaner these options describe, with its count table and model loaded.
    pub fn build(&self) -> Result<Cleaner> {
        self.build_with(&self.rule_set()?)
    }

    /// The cleaner of `rules` (this [`CleanerOptions::rule_set`], perhaps changed since)
    /// with these options' count table, model and scores.
    pub fn build_with(&self, rules: &RuleSet) -> Result<Cleaner> {
        let mut builder = Cleaner::builder();
        builder.scores(self.scores);
        if let Some(model) = self.model()? {
            builder.model(model);
        }
        if let Some(path) = &self.counts {
            builder.count_table(path);
        }
        builder.build(rules)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disable_has_the_last_word_over_the_scorer() {
        let on = CleanerOptions {
            scorer: true,
            ..Default::default()
        };
        assert!(on.rule_set().unwrap().detectors().model().is_some());
        let off = CleanerOptions {
            disable: vec!["model".to_string()],
            ..on
        };
        assert!(off.rule_set().unwrap().detectors().model().is_none());
    }

    #[test]
    fn count_overrides_need_a_count_table_and_an_unknown_name_is_an_error() {
        let overrides = CleanerOptions {
            min_docs: Some(3),
            ..Default::default()
        };
        let message = overrides.rule_set().unwrap_err().to_string();
        assert!(message.contains("need counts"), "{message}");
        let unknown = CleanerOptions {
            disable: vec!["no-such-rule".to_string()],
            ..Default::default()
        };
        let message = unknown.build().unwrap_err().to_string();
        assert!(message.contains("no-such-rule"), "{message}");
    }
}
