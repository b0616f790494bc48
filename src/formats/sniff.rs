//! Tells an input's format and text encoding from its first decompressed bytes, for
//! inputs whose name says nothing (standard input, `shard-00`, `data.gz`).

use std::io::{self, BufRead, Read};

use serde::de::IgnoredAny;

use super::Format;

/// Bytes read before anything else: enough for a byte order mark and `WARC/1.`.
const HEAD: u64 = 8;

/// A text encoding no format reads: its bytes cannot be cut into lines at `\n` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unsupported {
    /// UTF-16, little-endian (byte order mark `FF FE`).
    Utf16Le,
    /// UTF-16, big-endian (byte order mark `FE FF`).
    Utf16Be,
}

impl Unsupported {
    /// The encoding a byte order mark at the start of `head` announces, if it is one
    /// that cannot be read.
    pub fn of(head: &[u8]) -> Option<Unsupported> {
        match head {
            [0xFF, 0xFE, ..] => Some(Unsupported::Utf16Le),
            [0xFE, 0xFF, ..] => Some(Unsupported::Utf16Be),
            _ => None,
        }
    }

    /// Its usual name, e.g. `UTF-16LE`.
    pub fn name(self) -> &'static str {
        match self {
            Unsupported::Utf16Le => "UTF-16LE",
            Unsupported::Utf16Be => "UTF-16BE",
        }
    }
}

/// The format the first bytes of an input look like: [`Format::Warc`] for a `WARC/1.`
/// version line, [`Format::Jsonl`] when the first non-blank line is a JSON object, else
/// `None` (text). `complete` says that `head` is the whole input; when it is not, a
/// first line cut short that starts like an object (`{"`) counts as JSONL.
///
/// ```
/// use boilerstrip::formats::{Format, sniff};
/// assert_eq!(sniff::format_of(b"WARC/1.0\r\nWARC-Type: warcinfo\r\n", false), Some(Format::Warc));
/// assert_eq!(sniff::format_of(b"{\"text\": \"a\"}\n{\"te", false), Some(Format::Jsonl));
/// assert_eq!(sniff::format_of(b"{not json}\n", true), None);
/// assert_eq!(sniff::format_of(b"Plain words.\n", true), None);
/// ```
pub fn format_of(head: &[u8], complete: bool) -> Option<Format> {
    if head.starts_with(b"WARC/1.") {
        return Some(Format::Warc);
    }
    if head.starts_with(super::parquet::MAGIC) {
        return Some(Format::Parquet);
    }
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &head[start..];
    if rest.first() != Some(&b'{') {
        return None;
    }
    match memchr::memchr(b'\n', rest) {
        Some(end) => is_object(&rest[..end]),
        None if complete => is_object(rest),
        None => rest.starts_with(b"{\"").then_some(Format::Jsonl),
    }
}

fn is_object(line: &[u8]) -> Option<Format> {
    serde_json::from_slice::<IgnoredAny>(line)
        .is_ok()
        .then_some(Format::Jsonl)
}

/// What [`peek`] read.
pub(crate) struct Head {
    /// The first bytes of the input, to be read again before the rest.
    pub bytes: Vec<u8>,
    /// True if `bytes` is the whole input.
    pub complete: bool,
}

/// Reads the first bytes of `reader`: at least a few, and when they start (after blank
/// space) with `{`, the whole first non-blank line, up to `max_line` bytes.
pub(crate) fn peek(reader: &mut dyn BufRead, max_line: usize) -> io::Result<Head> {
    let mut bytes = Vec::new();
    reader.take(HEAD).read_to_end(&mut bytes)?;
    let mut complete = (bytes.len() as u64) < HEAD;
    // Bytes before `blank` are known to be blank space, so each byte is looked at once
    // however many blank lines come first.
    let mut blank = 0;
    while !complete && bytes.len() <= max_line {
        match bytes[blank..].iter().position(|b| !b.is_ascii_whitespace()) {
            Some(start) if bytes[blank + start] != b'{' => break,
            Some(start) if memchr::memchr(b'\n', &bytes[blank + start..]).is_some() => break,
            Some(_) => {}
            None => blank = bytes.len(),
        }
        let room = (max_line + 1).saturating_sub(bytes.len()).max(1) as u64;
        let before = bytes.len();
        reader.take(room).read_until(b'\n', &mut bytes)?;
        complete = bytes.len() == before;
    }
    Ok(Head { bytes, complete })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_first_line() {
        for (head, complete, format) in [
            (&b"WARC/1.1\r\n"[..], false, Some(Format::Warc)),
            (b"WARC/0.9\r\n", true, None),
            (b"PAR1\x15\x04\x15", false, Some(Format::Parquet)),
            (b"{\"text\":\"a\"}\n", false, Some(Format::Jsonl)),
            (
                b"\n\n  {\"text\":\"a\"}\r\nnot json",
                false,
                Some(Format::Jsonl),
            ),
            (b"{\"text\":\"a\"}", true, Some(Format::Jsonl)),
            (b"{\"text\":\"a\"", true, None),
            (b"[1, 2]\n", true, None),
            (b"{ braces } in prose\n", true, None),
            (b"", true, None),
            (b"   \n", true, None),
        ] {
            assert_eq!(
                format_of(head, complete),
                format,
                "{:?}",
                String::from_utf8_lossy(head)
            );
        }
    }

    #[test]
    fn peek_reads_a_whole_first_json_line_and_no_more() {
        let line = format!("{{\"text\": \"{}\"}}\n", "a".repeat(100_000));
        let input = format!("{line}{{\"text\": \"b\"}}\n");
        // One byte per read, like a slow pipe.
        let mut reader = io::BufReader::with_capacity(1, input.as_bytes());
        let head = peek(&mut reader, 1 << 20).unwrap();
        assert_eq!(head.bytes, line.as_bytes());
        assert!(!head.complete);
        assert_eq!(format_of(&head.bytes, head.complete), Some(Format::Jsonl));
        let mut text = &b"plain text, a long line of it"[..];
        assert_eq!(peek(&mut text, 1 << 20).unwrap().bytes, b"plain te");
        let mut short = &b"{}"[..];
        let head = peek(&mut short, 1 << 20).unwrap();
        assert!(head.complete);
        assert_eq!(format_of(&head.bytes, true), Some(Format::Jsonl));
    }

    #[test]
    fn peek_looks_past_blank_lines() {
        let input = format!("{}{{\"text\": \"a\"}}\nmore", "\n \r\n".repeat(100_000));
        let head = peek(&mut input.as_bytes(), 1 << 20).unwrap();
        assert!(head.bytes.ends_with(b"{\"text\": \"a\"}\n"));
        assert_eq!(format_of(&head.bytes, head.complete), Some(Format::Jsonl));
    }

    #[test]
    fn peek_stops_at_the_line_limit() {
        let input = format!("{{\"text\": \"{}\"}}\n", "a".repeat(1000));
        let head = peek(&mut input.as_bytes(), 100).unwrap();
        assert!(
            head.bytes.len() <= 101 + HEAD as usize,
            "{}",
            head.bytes.len()
        );
        assert_eq!(format_of(&head.bytes, head.complete), Some(Format::Jsonl));
    }

    #[test]
    fn byte_order_marks_of_utf16_are_unsupported() {
        assert_eq!(Unsupported::of(b"\xFF\xFEa\0"), Some(Unsupported::Utf16Le));
        assert_eq!(Unsupported::of(b"\xFE\xFF\0a"), Some(Unsupported::Utf16Be));
        assert_eq!(Unsupported::of(b"\xEF\xBB\xBFa"), None);
        assert_eq!(Unsupported::of(b"\xFF"), None);
    }
}
