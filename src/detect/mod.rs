//! Detector settings (`[detectors.*]`) and the fixed order detectors run in.
//!
//! Detectors find boilerplate by structure instead of by marker. They run after the
//! rules, in this order: `repeated`, then `orphan` (which only extends removals). A
//! detector is off unless a loaded pack has its `[detectors.NAME]` table; `enabled = false`
//! in a later pack or `--disable NAME` switches it off again.

pub(crate) mod frequent;
pub(crate) mod orphan;
pub(crate) mod repeated;

/// Names of the built-in detectors; they are reserved and cannot be rule names.
pub const DETECTOR_NAMES: [&str; 3] = ["repeated", "orphan", "frequent"];

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
}

/// What one pack says about detectors: `None` leaves a detector as it was,
/// `Some(None)` switches it off, `Some(Some(settings))` switches it on.
#[derive(Debug, Default)]
pub(crate) struct DetectorOverrides {
    pub repeated: Option<Option<ShortLines>>,
    pub orphan: Option<Option<ShortLines>>,
    pub frequent: Option<Option<Frequent>>,
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
        if let Some(frequent) = overrides.frequent {
            self.frequent = frequent;
        }
    }

    /// The largest `max_words` of any enabled detector: how far lines need counting.
    pub(crate) fn word_cap(&self) -> u32 {
        [self.repeated, self.orphan]
            .iter()
            .flatten()
            .map(|settings| settings.max_words)
            .max()
            .unwrap_or(0)
    }

    /// Switches off the detector called `name`; false if there is none by that name.
    pub(crate) fn disable(&mut self, name: &str) -> bool {
        match name {
            "repeated" => self.repeated = None,
            "orphan" => self.orphan = None,
            "frequent" => self.frequent = None,
            _ => return false,
        }
        true
    }
}
