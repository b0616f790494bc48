//! TOML → raw rule structs, keeping spans so that validation can point at `line:column`.
//!
//! Parsing only records what the file says: unknown keys are refused here (by serde),
//! every other check is made in `validate`.

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, Result};

/// A rule pack as written: `[[rule]]` tables and an optional `[detectors]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPack {
    #[serde(default)]
    pub rule: Vec<Spanned<RawRule>>,
    #[serde(default)]
    pub detectors: RawDetectors,
}

/// One `[[rule]]` table as written; enums stay strings until validation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    pub name: Spanned<String>,
    pub markers: Spanned<Vec<Spanned<String>>>,
    #[serde(rename = "where")]
    pub where_: Option<Spanned<String>>,
    pub case: Option<Spanned<String>>,
    pub action: Option<Spanned<String>>,
    pub max_words: Option<Spanned<u32>>,
    pub after: Option<Spanned<f64>>,
    pub before: Option<Spanned<f64>>,
    pub pattern: Option<Spanned<String>>,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub counterexamples: Vec<String>,
}

/// The `[detectors]` table: one optional sub-table per detector.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDetectors {
    pub repeated: Option<Spanned<RawShortLineDetector>>,
    pub frequent: Option<Spanned<RawFrequentDetector>>,
    pub model: Option<Spanned<RawModelDetector>>,
    pub context: Option<Spanned<RawContextDetector>>,
    pub edges: Option<Spanned<RawEdgesDetector>>,
    pub orphan: Option<Spanned<RawShortLineDetector>>,
}

/// Settings of the `frequent` detector.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFrequentDetector {
    pub enabled: Option<bool>,
    pub min_docs: Option<Spanned<u64>>,
    pub max_words: Option<Spanned<u32>>,
}

/// Settings of the `model` detector as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawModelDetector {
    pub enabled: Option<bool>,
    pub threshold: Option<Spanned<f64>>,
    pub confirm: Option<Spanned<f64>>,
}

/// Settings of a detector that looks at short lines.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawShortLineDetector {
    pub enabled: Option<bool>,
    pub max_words: Option<Spanned<u32>>,
}

/// Settings of the `context` detector as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawContextDetector {
    pub enabled: Option<bool>,
    pub max_words: Option<Spanned<u32>>,
    pub neighbour_max_words: Option<Spanned<u32>>,
    pub keep_prose: Option<bool>,
}

/// Settings of the `edges` detector as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEdgesDetector {
    pub enabled: Option<bool>,
    pub long_words: Option<Spanned<u32>>,
    pub head_max_words: Option<Spanned<u32>>,
    pub foot_max_words: Option<Spanned<u32>>,
    pub keep_before: Option<Spanned<u32>>,
    pub keep_prose: Option<bool>,
}

/// Parses `source`; errors name `origin`, the position and, where it can be told, the key.
pub(crate) fn parse(source: &str, origin: &str) -> Result<RawPack> {
    toml::from_str(source).map_err(|err| {
        let at = err.span().map_or(0, |span| span.start);
        let message = err.message().trim_end().to_string();
        Error::rule(
            origin,
            line_column(source, at),
            key_before(source, at),
            message,
        )
    })
}

/// 1-based line and column (in characters) of byte offset `at`.
pub(crate) fn line_column(source: &str, at: usize) -> (usize, usize) {
    LineStarts::of(source).line_column(source, at)
}

/// Where each line of a source starts, so that the position of any byte is found by a
/// binary search instead of a count from the start: a pack of n rules gives each rule
/// its position in O(log n), not O(n).
pub(crate) struct LineStarts(Vec<usize>);

impl LineStarts {
    /// The line starts of `source`.
    pub(crate) fn of(source: &str) -> LineStarts {
        let starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', source.as_bytes()).map(|i| i + 1))
            .collect();
        LineStarts(starts)
    }

    /// 1-based line and column (in characters) of byte offset `at` of `source` (the
    /// source these are the line starts of).
    pub(crate) fn line_column(&self, source: &str, at: usize) -> (usize, usize) {
        let at = at.min(source.len());
        let line = self.0.partition_point(|&start| start <= at);
        let line_start = self.0[line - 1];
        (line, source[line_start..at].chars().count() + 1)
    }
}

/// The key whose value starts at `at`, when the line reads `key = <value>`.
fn key_before(source: &str, at: usize) -> Option<&str> {
    let at = at.min(source.len());
    let line_start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    let head = source[line_start..at].trim_end().strip_suffix('=')?.trim();
    let valid = !head.is_empty()
        && head
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    valid.then_some(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        assert_eq!(line_column("ab\ncd", 0), (1, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("é\nx", 2), (1, 2));
        assert_eq!(line_column("ab\n", 3), (2, 1));
        assert_eq!(line_column("ab", 9), (1, 3));
    }

    #[test]
    fn finds_the_key_of_a_value() {
        let src = "[[rule]]\nmax_words = \"x\"\n";
        assert_eq!(key_before(src, src.find('"').unwrap()), Some("max_words"));
        assert_eq!(key_before(src, 0), None);
    }

    #[test]
    fn unknown_key_is_an_error_with_position() {
        let src = "[[rule]]\nname = \"a\"\nmarkers = [\"x\"]\ncolour = 1\n";
        let err = parse(src, "p.toml").unwrap_err().to_string();
        assert!(err.starts_with("p.toml:4:1:"), "{err}");
        assert!(err.contains("colour"), "{err}");
    }
}
