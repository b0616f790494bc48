//! The line table of one document: its lines with their trimmed spans and word counts,
//! made once per document and read by the scanner, the rules' guards and the detectors,
//! plus the [`Fate`] each line is given.

use std::cell::Cell;
use std::ops::Range;

use super::Line;
use super::maps::ByteMaps;

/// What becomes of one line: kept, or removed for a reason (an index into the cleaner's
/// table of reasons: rules first, then detectors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fate(u32);

impl Fate {
    /// The line is kept.
    pub(crate) const KEPT: Fate = Fate(u32::MAX);

    /// The line is removed for reason number `reason` (any value but `u32::MAX`).
    pub(crate) fn removed(reason: u32) -> Fate {
        debug_assert_ne!(reason, u32::MAX, "u32::MAX means kept");
        Fate(reason)
    }

    /// True if the line is kept.
    pub(crate) fn is_kept(self) -> bool {
        self == Fate::KEPT
    }

    /// The reason the line is removed for; `None` when it is kept.
    pub(crate) fn reason(self) -> Option<u32> {
        (!self.is_kept()).then_some(self.0)
    }
}

/// The lines of one document with their trimmed spans and word counts.
pub(crate) struct LineTable<'a> {
    doc: &'a [u8],
    memory: TableMemory,
}

/// What a [`LineTable`] holds besides its document: kept by each cleaning thread from one
/// document to the next (see [`LineTable::give_back`]), so that a table costs no
/// allocation once its buffers have grown.
#[derive(Debug, Default)]
struct TableMemory {
    /// The document's bit maps, from which the rest is read.
    maps: ByteMaps,
    lines: Vec<Line>,
    trims: Vec<Range<usize>>,
    /// Words of each line (see [`super::word_count`]).
    words: Vec<u32>,
    /// Indices of the lines that are not blank, in order.
    non_blank: Vec<usize>,
}

/// The memory of a table of a larger document is freed, not kept: a thread holds at most
/// what a table of this size needs between documents.
const KEEP_MEMORY_UP_TO: usize = 4 << 20;

thread_local! {
    /// The memory of the table this thread last gave back.
    static SPARE_MEMORY: Cell<TableMemory> = Cell::default();
}

impl<'a> LineTable<'a> {
    /// Splits `doc` into lines, trims them and counts their words, in the memory of the
    /// table this thread last gave back with [`LineTable::give_back`], if any.
    pub(crate) fn new(doc: &'a [u8]) -> Self {
        let mut memory = SPARE_MEMORY.take();
        let TableMemory {
            maps,
            lines,
            trims,
            words,
            non_blank,
        } = &mut memory;
        maps.fill(doc);
        maps.lines_into(doc, lines);
        trims.clear();
        trims.extend(
            lines
                .iter()
                .map(|line| maps.trim(line.start..line.content_end)),
        );
        words.clear();
        words.extend(trims.iter().map(|span| maps.words(span.clone())));
        non_blank.clear();
        non_blank.extend((0..trims.len()).filter(|&i| !trims[i].is_empty()));
        LineTable { doc, memory }
    }

    /// Keeps this table's memory for the next [`LineTable::new`] on this thread, unless
    /// its document was larger than [`KEEP_MEMORY_UP_TO`].
    pub(crate) fn give_back(self) {
        if self.doc.len() <= KEEP_MEMORY_UP_TO {
            SPARE_MEMORY.set(self.memory);
        }
    }

    /// Indices of the lines that are not blank, in order.
    pub(crate) fn non_blank(&self) -> &[usize] {
        &self.memory.non_blank
    }

    /// True if a line has at most `max_words` words (see [`super::word_count`]).
    pub(crate) fn has_at_most(&self, index: usize, max_words: u32) -> bool {
        self.memory.words[index] <= max_words
    }

    /// The words of a line (see [`super::word_count`]).
    pub(crate) fn word_count(&self, index: usize) -> u32 {
        self.memory.words[index]
    }

    pub(crate) fn doc(&self) -> &'a [u8] {
        self.doc
    }

    pub(crate) fn len(&self) -> usize {
        self.memory.lines.len()
    }

    pub(crate) fn line(&self, index: usize) -> Line {
        self.memory.lines[index]
    }

    /// The index of the line holding byte `offset` of the document (the last line for
    /// an offset past the end).
    pub(crate) fn line_at(&self, offset: usize) -> usize {
        let index = self.memory.lines.partition_point(|line| line.end <= offset);
        index.min(self.memory.lines.len().saturating_sub(1))
    }

    /// Absolute byte offsets of the trimmed content of a line.
    pub(crate) fn trim_span(&self, index: usize) -> (usize, usize) {
        let span = &self.memory.trims[index];
        (span.start, span.end)
    }

    pub(crate) fn trimmed(&self, index: usize) -> &'a [u8] {
        &self.doc[self.memory.trims[index].clone()]
    }

    pub(crate) fn is_blank(&self, index: usize) -> bool {
        self.memory.trims[index].is_empty()
    }
}
