//! The decision for one document: which byte ranges were removed and why. Every view
//! (cleaned output, `--explain`, `--stats`) is rendered from it.

use crate::model::protect::Protection;
use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};
use std::ops::Range;
use std::sync::Arc;

/// Why lines were removed: the name of the rule or detector that removed them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Reason(Arc<str>);

impl Reason {
    /// A reason with the given name.
    pub fn new(name: &str) -> Reason {
        Reason(name.into())
    }

    /// The rule or detector name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A run of consecutive removed lines with one reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    /// The bytes removed, terminators included.
    pub bytes: Range<usize>,
    /// The lines removed (0-based indices).
    pub lines: Range<usize>,
    /// The rule or detector that removed them.
    pub reason: Reason,
}

/// The outcome of cleaning one document: the input plus the removals, in order.
///
/// The kept bytes are the input minus the removed ranges; every kept line is byte for
/// byte what it was, terminator included.
#[derive(Debug, Clone)]
pub struct Cleaned<'a> {
    input: &'a [u8],
    line_count: usize,
    removals: Vec<Removal>,
    /// `(line, score)` of each line the `model` detector scored, when the cleaner was
    /// built to keep them.
    scores: Vec<(usize, f32)>,
    /// `(line, shape)` of each line a protection gave back.
    saved: Vec<(usize, Protection)>,
}

impl<'a> Cleaned<'a> {
    pub(crate) fn new(input: &'a [u8], line_count: usize, removals: Vec<Removal>) -> Self {
        Cleaned {
            input,
            line_count,
            removals,
            scores: Vec::new(),
            saved: Vec::new(),
        }
    }

    /// This result with the line scorer's scores and the lines protections saved.
    pub(crate) fn with_notes(
        mut self,
        scores: Vec<(usize, f32)>,
        saved: Vec<(usize, Protection)>,
    ) -> Self {
        self.scores = scores;
        self.saved = saved;
        self
    }

    /// `(line, score)` for each line the `model` detector scored, in line order: the
    /// probability that the line is boilerplate. Empty unless the cleaner was built with
    /// [`crate::CleanerBuilder::scores`].
    pub fn scores(&self) -> &[(usize, f32)] {
        &self.scores
    }

    /// `(line, shape)` for each line that a detector removed and a content-shape
    /// protection gave back (see [`crate::model::protect`]), in line order.
    pub fn saved(&self) -> &[(usize, Protection)] {
        &self.saved
    }

    /// The document as given.
    pub fn input(&self) -> &'a [u8] {
        self.input
    }

    /// Number of lines in the input.
    pub fn line_count(&self) -> usize {
        self.line_count
    }

    /// The removals, in document order, never overlapping.
    pub fn removals(&self) -> &[Removal] {
        &self.removals
    }

    /// True if nothing was removed (the output is the input).
    pub fn is_unchanged(&self) -> bool {
        self.removals.is_empty()
    }

    /// Number of lines removed.
    pub fn removed_lines(&self) -> usize {
        self.removals.iter().map(|r| r.lines.len()).sum()
    }

    /// Number of bytes removed.
    pub fn removed_bytes(&self) -> usize {
        self.removals.iter().map(|r| r.bytes.len()).sum()
    }

    /// The byte ranges of the input that are kept, in order.
    pub fn kept_ranges(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        let mut start = 0;
        self.removals
            .iter()
            .map(|r| r.bytes.clone())
            .chain(std::iter::once(self.input.len()..self.input.len()))
            .filter_map(move |removed| {
                let kept = start..removed.start;
                start = removed.end;
                (!kept.is_empty()).then_some(kept)
            })
    }

    /// The cleaned document; borrowed when nothing was removed.
    pub fn kept(&self) -> Cow<'a, [u8]> {
        if self.is_unchanged() {
            return Cow::Borrowed(self.input);
        }
        let mut out = Vec::with_capacity(self.input.len() - self.removed_bytes());
        for range in self.kept_ranges() {
            out.extend_from_slice(&self.input[range]);
        }
        Cow::Owned(out)
    }

    /// Writes the cleaned document straight from the input slices.
    pub fn write_kept<W: Write + ?Sized>(&self, out: &mut W) -> io::Result<()> {
        for range in self.kept_ranges() {
            out.write_all(&self.input[range])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_ranges_are_the_complement_of_removals() {
        let input = b"a\nb\nc\nd\n";
        let removal = |bytes: Range<usize>, lines: Range<usize>| Removal {
            bytes,
            lines,
            reason: Reason::new("x"),
        };
        let cleaned = Cleaned::new(input, 4, vec![removal(0..2, 0..1), removal(4..6, 2..3)]);
        let kept: Vec<_> = cleaned.kept_ranges().collect();
        assert_eq!(kept, [2..4, 6..8]);
        assert_eq!(&*cleaned.kept(), b"b\nd\n");
        assert_eq!(cleaned.removed_lines(), 2);
    }

    #[test]
    fn unchanged_borrows_the_input() {
        let cleaned = Cleaned::new(b"x", 1, Vec::new());
        assert!(matches!(cleaned.kept(), Cow::Borrowed(b"x")));
    }
}
