//! Detector settings (`[detectors.*]`) and the fixed order detectors run in.
//!
//! Detectors find boilerplate by structure instead of by marker. They run after the
//! rules, in this order: `repeated`, `frequent` (with a count table), `context`, `edges`,
//! then `orphan` (which only extends removals). A detector is off unless a loaded pack has its `[detectors.NAME]` table;
//! `enabled = false` in a later pack or `--disable NAME` switches it off again.

pub(crate) mod context;
pub(crate) mod edges;
pub(crate) mod frequent;
pub(crate) mod orphan;
pub(crate) mod repeated;

/// Names of the built-in detectors; they are reserved and cannot be rule names.
pub const DETECTOR_NAMES: [&str; 5] = ["repeated", "orphan", "context", "edges", "frequent"];

/// Settings of a detector that looks at short lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShortLines {
    /// Lines with more words than this are never touched.
    pub max_words: u32,
}

impl ShortLines {
    /// `repeated` when its table gives no `max_words`.
    pub const REPEATED_DEFAULT: ShortLines = ShortLines { max_words: 12 };
    /// `orphan` when its table gives no `max_words`.
    pub const ORPHAN_DEFAULT: ShortLines = ShortLines { max_words: 4 };
}

/// Settings of `frequent` (corpus-level repetition, from a count table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frequent {
    /// A line is frequent when its key occurs in at least this many documents.
    pub min_docs: u64,
    /// Lines with more words than this are never removed (`None`: any length).
    pub max_words: Option<u32>,
}

impl Frequent {
    /// `frequent` when its table gives no settings.
    pub const DEFAULT: Frequent = Frequent {
        min_docs: 10,
        max_words: None,
    };
}

/// Settings of `context`: a short line between short neighbours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// Only lines with at most this many words are candidates.
    pub max_words: u32,
    /// Both nearest non-blank neighbours must have at most this many words (a missing
    /// neighbour, at the edge of the document, counts as short).
    pub neighbour_max_words: u32,
    /// Lines that read like prose (see [`prose_like`]) are never candidates.
    pub keep_prose: bool,
}

impl Context {
    /// `context` when its table gives no settings.
    pub const DEFAULT: Context = Context {
        max_words: 3,
        neighbour_max_words: 8,
        keep_prose: true,
    };
}

/// Settings of `edges`: short lines before the first and after the last long line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edges {
    /// A line with at least this many words is *long*: running text that bounds the body.
    pub long_words: u32,
    /// In the head (before the first long line), lines with at most this many words go
    /// (0 leaves the head alone).
    pub head_max_words: u32,
    /// In the foot (after the last long line), lines with at most this many words go
    /// (0 leaves the foot alone).
    pub foot_max_words: u32,
    /// The last this-many non-blank lines before the first long line are kept (the
    /// headline usually sits there).
    pub keep_before: u32,
    /// Lines that read like prose (see [`prose_like`]) are never removed.
    pub keep_prose: bool,
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
}

/// Which detectors run, and with what settings. `None` means off.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DetectorConfig {
    /// Short lines that occur twice or more in one document: every copy goes.
    pub repeated: Option<ShortLines>,
    /// Short lines whose nearest non-blank neighbours on both sides were removed.
    pub orphan: Option<ShortLines>,
    /// Lines found in many documents of a counted corpus; runs only when the cleaner is
    /// given a count table.
    pub frequent: Option<Frequent>,
    /// Short lines whose nearest non-blank neighbours are short too.
    pub context: Option<Context>,
    /// Short lines in the head and foot of a document, outside its running text.
    pub edges: Option<Edges>,
}

/// What one pack says about detectors: `None` leaves a detector as it was,
/// `Some(None)` switches it off, `Some(Some(settings))` switches it on.
#[derive(Debug, Default)]
pub(crate) struct DetectorOverrides {
    pub repeated: Option<Option<ShortLines>>,
    pub orphan: Option<Option<ShortLines>>,
    pub frequent: Option<Option<Frequent>>,
    pub context: Option<Option<Context>>,
    pub edges: Option<Option<Edges>>,
}

impl DetectorConfig {
    /// Applies a later pack's settings over these.
    pub(crate) fn apply(&mut self, overrides: DetectorOverrides) {
        if let Some(repeated) = overrides.repeated {
            self.repeated = repeated;
        }
        if let Some(orphan) = overrides.orphan {
            self.orphan = orphan;
        }
        if let Some(context) = overrides.context {
            self.context = context;
        }
        if let Some(edges) = overrides.edges {
            self.edges = edges;
        }
        if let Some(frequent) = overrides.frequent {
            self.frequent = frequent;
        }
    }

    /// Switches off the detector called `name`; false if there is none by that name.
    pub(crate) fn disable(&mut self, name: &str) -> bool {
        match name {
            "repeated" => self.repeated = None,
            "orphan" => self.orphan = None,
            "frequent" => self.frequent = None,
            "context" => self.context = None,
            "edges" => self.edges = None,
            _ => return false,
        }
        true
    }
}

/// True if a trimmed line reads like prose rather than a label: it ends in sentence
/// punctuation (before closing quotes or brackets) or holds a comma between words. Menus,
/// language lists and footer links almost never do; short sentences, verse and datelines
/// of running text do. Bytes that are not UTF-8 are taken as they are.
pub fn prose_like(trimmed: &[u8]) -> bool {
    const CLOSERS: [&str; 8] = [
        "\"", "'", ")", "]", "\u{201D}", "\u{2019}", "\u{BB}", "\u{300D}",
    ];
    const SENTENCE_ENDS: [&str; 8] = [
        ".", "!", "?", ";", "\u{2026}", "\u{3002}", "\u{FF01}", "\u{FF1F}",
    ];
    const COMMAS: [&str; 3] = [", ", "\u{FF0C}", "\u{3001}"];
    let mut end = trimmed;
    while let Some(rest) = CLOSERS
        .iter()
        .find_map(|closer| end.strip_suffix(closer.as_bytes()))
    {
        end = rest;
    }
    let sentence_end = SENTENCE_ENDS.iter().any(|e| end.ends_with(e.as_bytes()));
    let ellipsis_or_dots = end.ends_with(b"..") || end.ends_with("\u{2026}".as_bytes());
    let [a, b, c] = COMMAS.map(|comma| comma.as_bytes()[0]);
    (sentence_end && !ellipsis_or_dots)
        || memchr::memchr3_iter(a, b, c, trimmed).any(|at| {
            COMMAS
                .iter()
                .any(|comma| trimmed[at..].starts_with(comma.as_bytes()))
        })
}

/// Runs a detector on `doc` with every line kept and returns the indices of the lines it
/// removed: the shared harness of the detectors' test tables.
#[cfg(test)]
pub(crate) fn removed_lines(
    doc: &str,
    detector: impl FnOnce(&crate::lines::LineTable<'_>, &mut [crate::lines::Fate]),
) -> Vec<usize> {
    use crate::lines::{Fate, LineTable};
    let table = LineTable::new(doc.as_bytes());
    let mut fates = vec![Fate::KEPT; table.len()];
    detector(&table, &mut fates);
    (0..fates.len()).filter(|&i| !fates[i].is_kept()).collect()
}

#[cfg(test)]
mod tests {
    use super::prose_like;

    #[test]
    fn prose_like_table() {
        let cases: &[(&str, bool)] = &[
            ("Home", false),
            ("Contact us", false),
            ("It rained all day.", true),
            ("Did it?\u{201D}", true),
            ("and so, we left", true),
            ("Read more...", false),
            ("More\u{2026}", false),
            ("今日は雨でした。", true),
            ("Home > News", false),
            ("\u{FF0C}x", true),
            ("So it ended, \u{2018}mostly\u{2019}", true),
            ("", false),
        ];
        for (line, expected) in cases {
            assert_eq!(prose_like(line.as_bytes()), *expected, "{line:?}");
        }
        assert!(
            prose_like(b"caf\xE9 au lait."),
            "not UTF-8, still a sentence"
        );
    }
}
