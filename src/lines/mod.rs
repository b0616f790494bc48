//! Line stepping with memchr and the views of one line: content, trimmed, blank, words.
//!
//! Everything here is pure and works on raw bytes, so invalid UTF-8 and NUL bytes pass
//! through untouched. A line's range includes its terminator (`\n`); its *content* drops
//! that `\n` and a `\r` before it; its *trimmed* view also drops surrounding white space
//! (ASCII, NBSP and the other Unicode spaces, plus zero-width space and BOM).

use std::ops::Range;

mod chars;
mod code_points;
pub(crate) mod maps;
mod table;
mod window;
mod words;

pub(crate) use chars::class_of;
pub use code_points::CodePoints;
pub(crate) use table::{Fate, LineTable};
pub use words::{is_cjk, word_count};

/// One line of a document, as byte offsets into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// Offset of the first byte of the line.
    pub start: usize,
    /// Offset just past the content (before `\r\n` or `\n`).
    pub content_end: usize,
    /// Offset just past the terminator (the next line's start).
    pub end: usize,
}

impl Line {
    /// The whole line, terminator included.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The line without its terminator.
    pub fn content<'a>(&self, doc: &'a [u8]) -> &'a [u8] {
        &doc[self.start..self.content_end]
    }
}

/// Iterates over the lines of `doc`; a final line without `\n` is still a line, and an
/// empty document has no lines.
pub fn split(doc: &[u8]) -> Lines<'_> {
    Lines { doc, pos: 0 }
}

/// Iterator returned by [`split`].
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    doc: &'a [u8],
    pos: usize,
}

impl Iterator for Lines<'_> {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        let start = self.pos;
        if start >= self.doc.len() {
            return None;
        }
        let (content_end, end) = match memchr::memchr(b'\n', &self.doc[start..]) {
            Some(i) => {
                let newline = start + i;
                let content_end = if newline > start && self.doc[newline - 1] == b'\r' {
                    newline - 1
                } else {
                    newline
                };
                (content_end, newline + 1)
            }
            None => (self.doc.len(), self.doc.len()),
        };
        self.pos = end;
        Some(Line {
            start,
            content_end,
            end,
        })
    }
}

/// True for the characters trimmed from line ends: Unicode white space (which includes
/// NBSP and the other space separators) plus zero-width space and the byte-order mark.
fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}'
}

/// The length of the UTF-8 sequence announced by a lead byte, or 1 for anything else.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 1,
    }
}

/// The character at the start of `bytes` (non-empty) and its byte length; `None` with
/// length 1 for a byte that does not start valid UTF-8.
pub(crate) fn decode(bytes: &[u8]) -> (Option<char>, usize) {
    let len = utf8_len(bytes[0]);
    let c = bytes
        .get(..len)
        .and_then(|b| std::str::from_utf8(b).ok())
        .and_then(|s| s.chars().next());
    match c {
        Some(c) => (Some(c), len),
        None => (None, 1),
    }
}

/// The byte length of a space character at the start of `bytes`, or 0.
fn leading_space_len(bytes: &[u8]) -> usize {
    let Some(&lead) = bytes.first() else { return 0 };
    if lead.is_ascii() {
        return usize::from(is_ascii_space(lead));
    }
    match decode(bytes) {
        (Some(c), len) if is_space(c) => len,
        _ => 0,
    }
}

/// The byte length of a space character at the end of `bytes`, or 0.
fn trailing_space_len(bytes: &[u8]) -> usize {
    let Some(&last) = bytes.last() else { return 0 };
    if last.is_ascii() {
        return usize::from(is_ascii_space(last));
    }
    // Step back over at most three continuation bytes to the lead byte.
    let lead_at = (bytes.len().saturating_sub(4)..bytes.len())
        .rev()
        .find(|&i| bytes[i] & 0xC0 != 0x80);
    match lead_at {
        Some(i) if leading_space_len(&bytes[i..]) == bytes.len() - i => bytes.len() - i,
        _ => 0,
    }
}

/// The range of `content` left after trimming white space on both sides.
///
/// ASCII white space (most of what there is to trim: indentation, table padding) is
/// skipped without decoding; only a non-ASCII byte is decoded to check for a Unicode
/// space.
pub fn trim_range(content: &[u8]) -> Range<usize> {
    // Deep indentation is common in text taken from web pages: skip it eight spaces at a
    // time before stepping byte by byte.
    let spaces = content
        .chunks_exact(8)
        .take_while(|chunk| *chunk == b"        ")
        .count();
    let mut start = spaces * 8;
    while let Some(&byte) = content.get(start) {
        let len = if byte.is_ascii() {
            usize::from(is_ascii_space(byte))
        } else {
            leading_space_len(&content[start..])
        };
        if len == 0 {
            break;
        }
        start += len;
    }
    let mut end = content.len();
    while end > start {
        let byte = content[end - 1];
        let len = if byte.is_ascii() {
            usize::from(is_ascii_space(byte))
        } else {
            trailing_space_len(&content[start..end])
        };
        if len == 0 {
            break;
        }
        end -= len;
    }
    start..end
}

/// ASCII white space as `char::is_whitespace` sees it: tab, line feed, vertical tab,
/// form feed, carriage return and space.
pub(crate) const fn is_ascii_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t'..=b'\r')
}

/// `content` without surrounding white space.
pub fn trimmed(content: &[u8]) -> &[u8] {
    &content[trim_range(content)]
}

/// True if the line holds nothing but white space.
pub fn is_blank(content: &[u8]) -> bool {
    trim_range(content).is_empty()
}

/// The list bullets [`bullet_len`] knows.
const BULLETS: [char; 8] = [
    '*', '+', '-', '\u{2022}', '\u{B7}', '\u{25E6}', '\u{25AA}', '\u{2023}',
];

/// The first bytes of the [`BULLETS`] in UTF-8: a line that starts with another byte has
/// no bullet, and is not decoded to find out.
const BULLET_LEADS: [u8; 5] = [b'*', b'+', b'-', 0xC2, 0xE2];

/// The byte length of a list bullet and the spaces after it at the start of a trimmed
/// line (`* Home`, `• Home`), or 0. Text-from-HTML converters render list items this way;
/// `starts` and `equals` markers also match the line after its bullet.
///
/// ```
/// use boilerstrip::lines::bullet_len;
/// assert_eq!(bullet_len(b"* Home"), 2);
/// assert_eq!(bullet_len("•\u{a0} Home".as_bytes()), 6);
/// assert_eq!(bullet_len(b"*Home"), 0);
/// assert_eq!(bullet_len(b"- "), 0);
/// ```
pub fn bullet_len(trimmed: &[u8]) -> usize {
    match trimmed.first() {
        Some(first) if BULLET_LEADS.contains(first) => {}
        _ => return 0,
    }
    let (bullet, len) = decode(trimmed);
    if !bullet.is_some_and(|c| BULLETS.contains(&c)) {
        return 0;
    }
    let mut end = len;
    loop {
        let space = leading_space_len(&trimmed[end..]);
        if space == 0 {
            break;
        }
        end += space;
    }
    // A bullet needs a space after it and text after that (the line is trimmed, so
    // anything after the spaces is text).
    if end == len || end == trimmed.len() {
        0
    } else {
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contents(doc: &[u8]) -> Vec<&[u8]> {
        split(doc).map(|line| line.content(doc)).collect()
    }

    #[test]
    fn splits_lf_crlf_and_unterminated_lines() {
        let doc = b"a\r\nb\n\nc";
        assert_eq!(contents(doc), [&b"a"[..], b"b", b"", b"c"]);
        let ends: Vec<_> = split(doc).map(|l| l.end).collect();
        assert_eq!(ends, [3, 5, 6, 7]);
    }

    #[test]
    fn empty_document_has_no_lines_and_final_newline_adds_none() {
        assert_eq!(split(b"").count(), 0);
        assert_eq!(contents(b"a\n"), [&b"a"[..]]);
        assert_eq!(contents(b"\n"), [&b""[..]]);
    }

    #[test]
    fn a_lone_carriage_return_is_content() {
        assert_eq!(contents(b"\r\n\r"), [&b""[..], b"\r"]);
    }

    #[test]
    fn trims_ascii_and_unicode_spaces() {
        assert_eq!(trimmed(b"  \t hi there \r"), b"hi there");
        assert_eq!(trimmed("\u{a0}\u{3000}x\u{202f}\u{feff}".as_bytes()), b"x");
        assert_eq!(trimmed("\u{2003}".as_bytes()), b"");
        assert!(is_blank(" \u{a0}\t".as_bytes()));
        assert!(!is_blank(b"."));
    }

    #[test]
    fn every_bullet_starts_with_a_bullet_lead() {
        for bullet in BULLETS {
            let mut buf = [0; 4];
            let lead = bullet.encode_utf8(&mut buf).as_bytes()[0];
            assert!(BULLET_LEADS.contains(&lead), "{bullet:?}");
            assert!(
                bullet_len(format!("{bullet} x").as_bytes()) > 0,
                "{bullet:?}"
            );
        }
    }

    #[test]
    fn trimming_leaves_invalid_utf8_alone() {
        assert_eq!(trimmed(b" \xff\xfe "), b"\xff\xfe");
        assert_eq!(trimmed(b"\xa0x\xc2"), b"\xa0x\xc2");
    }
}
