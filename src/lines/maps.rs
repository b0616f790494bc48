//! Bit maps of a whole document, one bit per byte: its line feeds, the bytes of its
//! words, and where its words start. A document's lines are split, trimmed and their words
//! counted from the maps, 64 bytes at a time, instead of byte by byte.
//!
//! The maps are made from [`Window`]s, which take every byte that is not ASCII white
//! space as part of a word; the few characters that break that rule (white space beyond
//! ASCII, CJK characters, each a word of its own) start with a byte that
//! [`Window::to_decode`] marks, and only those are decoded, once per document.

use std::ops::Range;

use super::window::{WINDOW, Window};
use super::{Line, decode, is_space, utf8_len, words::is_cjk};

/// Bytes per map word.
const BITS: usize = 64;

/// The bit maps of one document (bit `i % 64` of word `i / 64` for byte `i`). Made once,
/// they can be filled again for another document without allocating.
#[derive(Debug, Default)]
pub struct ByteMaps {
    /// Line feeds.
    newlines: Vec<u64>,
    /// Bytes of words: not white space.
    word_bytes: Vec<u64>,
    /// Lead bytes of CJK characters.
    cjk: Vec<u64>,
    /// First bytes of words, as [`super::word_count`] counts them.
    word_starts: Vec<u64>,
}

impl ByteMaps {
    /// Makes these the maps of `doc`, reusing their memory.
    pub fn fill(&mut self, doc: &[u8]) {
        for map in [
            &mut self.newlines,
            &mut self.word_bytes,
            &mut self.cjk,
            &mut self.word_starts,
        ] {
            map.clear();
            map.reserve(doc.len().div_ceil(BITS));
        }
        for block in doc.chunks(BITS) {
            let (low, high) = block.split_at(block.len().min(WINDOW));
            let (low, high) = (Window::of(low), Window::of(high));
            let join = |low: u32, high: u32| u64::from(low) | u64::from(high) << WINDOW;
            self.newlines.push(join(low.newlines, high.newlines));
            self.word_bytes.push(join(low.word_bytes, high.word_bytes));
            self.cjk.push(join(low.to_decode, high.to_decode));
        }
        // The characters to decode: white space beyond ASCII is no word; what stays
        // marked are the CJK characters.
        for k in 0..self.cjk.len() {
            let mut pending = self.cjk[k];
            while pending != 0 {
                let at = k * BITS + pending.trailing_zeros() as usize;
                pending &= pending - 1;
                let (c, len) = decode(&doc[at..]);
                if c.is_some_and(is_space) {
                    (at..at + len).for_each(|i| clear(&mut self.word_bytes, i));
                }
                if !c.is_some_and(is_cjk) {
                    clear(&mut self.cjk, at);
                }
            }
        }
        // A word starts where a word byte follows a space, at each CJK character, and
        // right after one.
        let (word_bytes, cjk) = (&self.word_bytes, &self.cjk);
        self.word_starts.extend((0..word_bytes.len()).map(|k| {
            let before = if k == 0 { 0 } else { word_bytes[k - 1] >> 63 };
            word_bytes[k] & !(word_bytes[k] << 1 | before) | cjk[k]
        }));
        for at in set_bits(&self.cjk) {
            let after = at + utf8_len(doc[at]);
            if after < doc.len() && is_set(&self.word_bytes, after) {
                self.word_starts[after / BITS] |= 1 << (after % BITS);
            }
        }
    }

    /// Puts the lines of `doc` (the document the maps were made of) into `lines`
    /// (cleared first), as [`super::split`] gives them.
    pub fn lines_into(&self, doc: &[u8], lines: &mut Vec<Line>) {
        lines.clear();
        let count: u32 = self.newlines.iter().map(|word| word.count_ones()).sum();
        lines.reserve(count as usize + 1);
        let mut start = 0;
        for newline in set_bits(&self.newlines) {
            let content_end = if newline > start && doc[newline - 1] == b'\r' {
                newline - 1
            } else {
                newline
            };
            lines.push(Line {
                start,
                content_end,
                end: newline + 1,
            });
            start = newline + 1;
        }
        if start < doc.len() {
            lines.push(Line {
                start,
                content_end: doc.len(),
                end: doc.len(),
            });
        }
    }

    /// The trimmed span of `content` (a range of the document), as
    /// [`super::trim_range`] gives it.
    pub fn trim(&self, content: Range<usize>) -> Range<usize> {
        match first_in(&self.word_bytes, content.clone()) {
            Some(first) => {
                let last = last_in(&self.word_bytes, content).unwrap_or(first);
                first..last + 1
            }
            None => content.end..content.end,
        }
    }

    /// The number of words in `trimmed` (a trimmed span of the document), as
    /// [`super::word_count`] gives it.
    pub fn words(&self, trimmed: Range<usize>) -> u32 {
        masked(&self.word_starts, trimmed)
            .map(|(_, word)| word.count_ones())
            .sum()
    }
}

/// The offsets of the set bits of `bits`, in order.
fn set_bits(bits: &[u64]) -> impl Iterator<Item = usize> + '_ {
    bits.iter().enumerate().flat_map(|(k, &word)| {
        let mut word = word;
        std::iter::from_fn(move || {
            (word != 0).then(|| {
                let bit = word.trailing_zeros() as usize;
                word &= word - 1;
                k * BITS + bit
            })
        })
    })
}

fn is_set(bits: &[u64], at: usize) -> bool {
    bits[at / BITS] >> (at % BITS) & 1 == 1
}

fn clear(bits: &mut [u64], at: usize) {
    bits[at / BITS] &= !(1 << (at % BITS));
}

/// The words of `bits` covering `range`, each with its index and masked to `range`.
fn masked(bits: &[u64], range: Range<usize>) -> impl DoubleEndedIterator<Item = (usize, u64)> {
    (range.start / BITS..range.end.div_ceil(BITS)).map(move |k| {
        let base = k * BITS;
        let mut bits = bits[k];
        if range.start > base {
            bits &= u64::MAX << (range.start - base);
        }
        if range.end < base + BITS {
            bits &= u64::MAX >> (base + BITS - range.end);
        }
        (k, bits)
    })
}

/// The first set bit of `bits` in `range`.
fn first_in(bits: &[u64], range: Range<usize>) -> Option<usize> {
    masked(bits, range)
        .find(|&(_, word)| word != 0)
        .map(|(k, word)| k * BITS + word.trailing_zeros() as usize)
}

/// The last set bit of `bits` in `range`.
fn last_in(bits: &[u64], range: Range<usize>) -> Option<usize> {
    masked(bits, range)
        .rev()
        .find(|&(_, word)| word != 0)
        .map(|(k, word)| k * BITS + (BITS - 1 - word.leading_zeros() as usize))
}

#[cfg(test)]
mod tests {
    use super::super::{split, trim_range, word_count};
    use super::*;

    /// Random documents of awkward pieces, long enough to cross map words.
    fn documents() -> impl Iterator<Item = Vec<u8>> {
        let pieces: [&[u8]; 22] = [
            b"a",
            b"word",
            b" ",
            b"        ",
            b"\t",
            b"\n",
            b"\r\n",
            b"\r",
            b"\x0b",
            b"\x0c",
            "é".as_bytes(),
            "\u{a0}".as_bytes(),
            "\u{2003}".as_bytes(),
            "’".as_bytes(),
            "東".as_bytes(),
            "\u{3000}".as_bytes(),
            "\u{20001}".as_bytes(),
            "\u{feff}".as_bytes(),
            "\u{200b}".as_bytes(),
            b"\xff",
            b"\xc2",
            b"\xe2\x80",
        ];
        let mut seed = 7u32;
        let mut next = move |n: usize| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (seed >> 16) as usize % n
        };
        (0..600).map(move |i| {
            let mut doc = Vec::new();
            for _ in 0..i % 150 {
                doc.extend_from_slice(pieces[next(pieces.len())]);
            }
            doc
        })
    }

    #[test]
    fn maps_split_trim_and_count_like_the_byte_wise_functions() {
        // One set of maps, filled again for each document.
        let mut maps = ByteMaps::default();
        for doc in documents() {
            maps.fill(&doc);
            let mut lines = Vec::new();
            maps.lines_into(&doc, &mut lines);
            assert_eq!(lines, split(&doc).collect::<Vec<_>>(), "{doc:?}");
            for line in lines {
                let content = line.start..line.content_end;
                let trimmed = maps.trim(content.clone());
                let span = trim_range(&doc[content]);
                assert_eq!(trimmed, line.start + span.start..line.start + span.end);
                let words = word_count(&doc[trimmed.clone()], usize::MAX);
                assert_eq!(maps.words(trimmed), words as u32, "{doc:?}");
            }
        }
    }

    #[test]
    fn bit_ranges_are_masked_at_both_ends() {
        let bits = [u64::MAX, 0, 1 << 5];
        assert_eq!(first_in(&bits, 3..10), Some(3));
        assert_eq!(last_in(&bits, 3..10), Some(9));
        assert_eq!(first_in(&bits, 64..128), None);
        assert_eq!(first_in(&bits, 64..192), Some(133));
        assert_eq!(last_in(&bits, 0..133), Some(63));
        assert_eq!(first_in(&bits, 5..5), None);
    }
}
