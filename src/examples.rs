//! Runs each rule's `examples` (must be removed) and `counterexamples` (must be kept)
//! through a cleaner of that rule alone; this backs `boilerstrip rules test`.
//!
//! Each rule is tested alone, on each example as a one-line document, with its position
//! guard lifted (a one-line document has no "later part") and no detectors, so a result
//! says something about that rule and nothing else.

use crate::clean::Cleaner;
use crate::error::Result;
use crate::rules::{Position, RuleSet};

/// Whether a failing line was an example or a counterexample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExampleKind {
    /// A line the rule must remove.
    Example,
    /// A line the rule must keep.
    Counterexample,
}

/// One line that the rule handled the wrong way.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExampleFailure {
    /// The rule's name.
    pub rule: String,
    /// Which list the line came from.
    pub kind: ExampleKind,
    /// The line.
    pub line: String,
}

/// The outcome of testing a rule set's examples.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ExampleReport {
    /// Rules tested.
    pub rules: usize,
    /// Examples checked.
    pub examples: usize,
    /// Counterexamples checked.
    pub counterexamples: usize,
    /// Every line handled the wrong way.
    pub failures: Vec<ExampleFailure>,
}

/// Tests the examples and counterexamples of every rule in `rules`.
///
/// ```
/// let report = boilerstrip::examples::test_examples(&boilerstrip::RuleSet::builtin())?;
/// assert!(report.failures.is_empty());
/// # Ok::<(), boilerstrip::Error>(())
/// ```
pub fn test_examples(rules: &RuleSet) -> Result<ExampleReport> {
    let mut report = ExampleReport::default();
    for rule in rules.rules() {
        let mut alone = rule.clone();
        alone.position = Position::default();
        let cleaner = Cleaner::new(&RuleSet::single(alone))?;
        let cases = rule
            .examples()
            .iter()
            .map(|line| (ExampleKind::Example, line))
            .chain(
                rule.counterexamples()
                    .iter()
                    .map(|line| (ExampleKind::Counterexample, line)),
            );
        for (kind, line) in cases {
            let removed = !cleaner.clean(line.as_bytes()).is_unchanged();
            if removed != (kind == ExampleKind::Example) {
                report.failures.push(ExampleFailure {
                    rule: rule.name().to_string(),
                    kind,
                    line: line.clone(),
                });
            }
        }
        report.rules += 1;
        report.examples += rule.examples().len();
        report.counterexamples += rule.counterexamples().len();
    }
    Ok(report)
}
