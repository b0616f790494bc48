//! Annotate mode: a decision as one line of dolma's attribute format, with offsets in
//! code points (dolma's unit) rather than bytes, and where dolma looks for the file.
//!
//! dolma (the Allen AI toolkit) keeps what a tagger found apart from the documents:
//! beside `…/documents/X.jsonl.gz` lies `…/attributes/NAME/X.jsonl.gz`, one line per
//! document, in the same order, `{"id": …, "attributes": {KEY: [[start, end, score], …]}}`.
//! `dolma mix` then removes the spans a `span_replacement` names. Its offsets count
//! Unicode code points: fed byte offsets, non-ASCII text is cut in the wrong places.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use super::Identity;
use crate::decision::Cleaned;
use crate::lines::{self, CodePoints};

/// The key of the attribute of `reason` under the prefix `name`:
/// `NAME__REASON`, with the `-` of kebab-case names as `_` (dolma's keys are JSONPath
/// members, where `-` needs quoting).
///
/// ```
/// assert_eq!(boilerstrip::audit::dolma::attribute_key("boilerstrip", "share-line"), "boilerstrip__share_line");
/// ```
pub fn attribute_key(name: &str, reason: &str) -> String {
    format!("{name}__{}", reason.replace('-', "_"))
}

/// One attribute line of dolma's format for a cleaned document.
///
/// For each reason, `NAME__REASON` lists its removals as `[start, end, score]` in code
/// points of the text (end exclusive, line terminators included): score 1 for a rule or
/// a detector, and for `frequent` one span per line with the number of documents of the
/// counted corpus that hold the line (from `frequent_documents`). Document-level
/// fractions come as one span over the whole text, `[0, length, fraction]`:
/// `NAME__REASON__fraction` is the share of the text's code points each reason
/// removed, and `NAME__removed__fraction` the share removed in all (present for every
/// document, 0 when nothing was removed).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct AttributeLine {
    /// The document's id (see [`Identity::log_id`]).
    pub id: String,
    /// The attributes, by key.
    pub attributes: BTreeMap<String, Vec<(usize, usize, f64)>>,
}

impl AttributeLine {
    /// The attributes of `cleaned` under the prefix `name`. `frequent_documents` gives
    /// the document count of a line's content, for the score of a `frequent` span.
    pub fn new(
        identity: &Identity<'_>,
        cleaned: &Cleaned<'_>,
        name: &str,
        frequent_documents: &dyn Fn(&[u8]) -> Option<u64>,
    ) -> AttributeLine {
        let text = cleaned.input();
        let total = CodePoints::new(text).at(text.len());
        let mut points = CodePoints::new(text);
        let mut attributes: BTreeMap<String, Vec<(usize, usize, f64)>> = BTreeMap::new();
        let mut removed: BTreeMap<String, usize> = BTreeMap::new();
        for removal in cleaned.removals() {
            let reason = removal.reason.as_str();
            let key = attribute_key(name, reason);
            let spans = attributes.entry(key.clone()).or_default();
            let start = points.at(removal.bytes.start);
            if reason == "frequent" {
                // One span per line: each line has its own document count.
                let block = &text[removal.bytes.clone()];
                let mut line_start = start;
                for line in lines::split(block) {
                    let count = frequent_documents(line.content(block)).unwrap_or(0);
                    let line_end = points.at(removal.bytes.start + line.range().end);
                    spans.push((line_start, line_end, count as f64));
                    line_start = line_end;
                }
            }
            let end = points.at(removal.bytes.end);
            if reason != "frequent" {
                spans.push((start, end, 1.0));
            }
            *removed.entry(key).or_default() += end - start;
        }
        let fraction = |n: usize| {
            if total == 0 {
                0.0
            } else {
                n as f64 / total as f64
            }
        };
        let all: usize = removed.values().sum();
        for (key, n) in removed {
            attributes.insert(format!("{key}__fraction"), vec![(0, total, fraction(n))]);
        }
        attributes.insert(
            format!("{name}__removed__fraction"),
            vec![(0, total, fraction(all))],
        );
        AttributeLine {
            id: identity.log_id().into_owned(),
            attributes,
        }
    }

    /// The line of a record that could not be processed: its id and no attributes, so
    /// that the attribute file stays line for line with the documents.
    pub fn unprocessed(identity: &Identity<'_>) -> AttributeLine {
        AttributeLine {
            id: identity.log_id().into_owned(),
            attributes: BTreeMap::new(),
        }
    }

    /// The line as JSON, `\n` included.
    pub fn to_line(&self) -> Vec<u8> {
        let mut line = serde_json::to_vec(self).expect("attributes always serialise");
        line.push(b'\n');
        line
    }
}

/// Where dolma looks for the attributes `name` of the documents file `documents`: the
/// last `documents` directory on its path replaced by `attributes/NAME`, the rest kept
/// (`data/documents/cc/0.jsonl.gz` → `data/attributes/NAME/cc/0.jsonl.gz`). `None` when
/// no directory on the path is named `documents`.
///
/// ```
/// use boilerstrip::audit::dolma::attributes_path;
/// use std::path::Path;
/// assert_eq!(
///     attributes_path(Path::new("data/documents/cc/0.jsonl.gz"), "boilerstrip").unwrap(),
///     Path::new("data/attributes/boilerstrip/cc/0.jsonl.gz")
/// );
/// assert_eq!(attributes_path(Path::new("0.jsonl.gz"), "boilerstrip"), None);
/// ```
pub fn attributes_path(documents: &Path, name: &str) -> Option<PathBuf> {
    let components: Vec<Component<'_>> = documents.components().collect();
    let last_dir = components.len().checked_sub(1)?;
    let at = components[..last_dir]
        .iter()
        .rposition(|c| c.as_os_str() == "documents")?;
    let mut path: PathBuf = components[..at].iter().collect();
    path.push("attributes");
    path.push(name);
    path.extend(&components[at + 1..]);
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::Cleaner;
    use crate::rules::RuleSet;

    #[test]
    fn spans_count_code_points_and_fractions_cover_the_text() {
        let rules = RuleSet::from_toml(
            "[[rule]]\nname = \"ad-line\"\nmarkers = [\"Ad\"]\nwhere = \"equals\"",
            "x.toml",
        )
        .unwrap();
        let text = "日本 😀\nAd\nÉté\nAd\n";
        let cleaned = Cleaner::new(&rules).unwrap().clean(text.as_bytes());
        let identity = Identity {
            input: "a.jsonl",
            record: 1,
            id: Some("x".into()),
            url: None,
        };
        let line = AttributeLine::new(&identity, &cleaned, "bs", &|_| None);
        let spans = &line.attributes["bs__ad_line"];
        assert_eq!(spans, &[(5, 8, 1.0), (12, 15, 1.0)]);
        let chars: Vec<char> = text.chars().collect();
        let cut: String = chars[5..8].iter().collect();
        assert_eq!(cut, "Ad\n");
        let total = chars.len();
        assert_eq!(
            line.attributes["bs__ad_line__fraction"],
            [(0, total, 6.0 / 15.0)]
        );
        assert_eq!(
            line.attributes["bs__removed__fraction"],
            [(0, total, 6.0 / 15.0)]
        );
    }
}
