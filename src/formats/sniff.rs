//! Tells an input's format and text encoding from its first decompressed bytes, for
//! inputs whose name says nothing (standard input, `shard-00`, `data.gz`).

use std::io::{self, BufRead, Read};

use serde::de::IgnoredAny;

use super::Format;

/// Bytes read before anything else: enough for a byte order mark.
const HEAD: u64 = 8;

/// How a WARC file starts: its version line, `WARC/1.0` or `WARC/1.1`.
const WARC: &[u8] = b"WARC/1.";

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

/// The UTF-8 byte order mark, which some tools write at the start of a file. It is not
/// part of any format's first line: [`format_of`] and [`json_document`] look past it.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// `bytes` without a UTF-8 byte order mark at its start.
pub fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes)
}

/// The format the first bytes of an input look like, past a UTF-8 byte order mark and
/// blank space: [`Format::Parquet`] for its magic `PAR1`, [`Format::Warc`] for a
/// `WARC/1.` version line, [`Format::Jsonl`] when the first non-blank line is a JSON
/// object or starts like one (`{` and a quoted key: a first record cut short or broken is
/// reported as an invalid record rather than read as text), else `None` (text).
///
/// ```
/// use boilerstrip::formats::{Format, sniff};
/// assert_eq!(sniff::format_of(b"WARC/1.0\r\nWARC-Type: warcinfo\r\n"), Some(Format::Warc));
/// assert_eq!(sniff::format_of(b"{\"text\": \"a\"}\n{\"te"), Some(Format::Jsonl));
/// assert_eq!(sniff::format_of(b"{\"id\": 1, \"te\n{\"id\": 2}\n"), Some(Format::Jsonl));
/// assert_eq!(sniff::format_of(b"{not json}\n"), None);
/// assert_eq!(sniff::format_of(b"Plain words.\n"), None);
/// ```
pub fn format_of(head: &[u8]) -> Option<Format> {
    if head.starts_with(super::parquet::MAGIC) {
        return Some(Format::Parquet);
    }
    let rest = first_non_blank(head)?;
    if rest.starts_with(WARC) {
        return Some(Format::Warc);
    }
    if rest.first() != Some(&b'{') {
        return None;
    }
    // A first line cut short by the end of `head` is no object, but may start like one.
    let line = memchr::memchr(b'\n', rest).map_or(rest, |end| &rest[..end]);
    let keyed = first_non_blank(&line[1..]).is_some_and(|after| after.starts_with(b"\""));
    (keyed || complete_object(line)).then_some(Format::Jsonl)
}

/// True if `head` starts like one JSON value spread over many lines (past a UTF-8 byte
/// order mark and blank space): an array of objects, arrays or strings, or an object
/// whose first line is its opening brace alone. Such an input is not JSON Lines, and read
/// as text its keys and brackets would be cleaned as lines.
///
/// ```
/// use boilerstrip::formats::sniff;
/// assert!(sniff::json_document(b"[\n  {\"id\": 1,\n"));
/// assert!(sniff::json_document(b"{\r\n  \"id\": 1,\r\n"));
/// assert!(!sniff::json_document(b"{\"id\": 1}\n"));
/// assert!(!sniff::json_document(b"[1] A footnote.\n"));
/// ```
pub fn json_document(head: &[u8]) -> bool {
    let Some(rest) = first_non_blank(head) else {
        return false;
    };
    match rest.first() {
        Some(b'[') => first_non_blank(&rest[1..])
            .and_then(<[u8]>::first)
            .is_some_and(|b| b"{[\"".contains(b)),
        Some(b'{') => {
            memchr::memchr(b'\n', rest).is_some_and(|end| rest[1..end].trim_ascii().is_empty())
        }
        _ => false,
    }
}

/// `bytes` from their first byte that is not blank space, past a UTF-8 byte order mark.
fn first_non_blank(bytes: &[u8]) -> Option<&[u8]> {
    let bytes = without_bom(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    Some(&bytes[start..])
}

fn complete_object(line: &[u8]) -> bool {
    serde_json::from_slice::<IgnoredAny>(line).is_ok()
}

/// Reads the first bytes of `reader`, enough for [`format_of`] and [`json_document`]:
/// at least a few, past a UTF-8 byte order mark and blank lines the first eight bytes
/// that are not blank, when those start with `{` the whole line (up to `max_line`
/// bytes), and when they start with `[` up to the next byte that is not blank.
pub(crate) fn peek(reader: &mut dyn BufRead, max_line: usize) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(HEAD).read_to_end(&mut bytes)?;
    let mut complete = (bytes.len() as u64) < HEAD;
    // Bytes before `blank` are known to be blank space (or the byte order mark), so each
    // byte is looked at once however many blank lines come first.
    let mut blank = if bytes.starts_with(UTF8_BOM) {
        UTF8_BOM.len()
    } else {
        0
    };
    while !complete && bytes.len() <= max_line {
        match bytes[blank..].iter().position(|b| !b.is_ascii_whitespace()) {
            Some(start) => {
                let rest = &bytes[blank + start..];
                let more = match rest[0] {
                    b'{' => memchr::memchr(b'\n', rest).is_none(),
                    b'[' => rest[1..].iter().all(u8::is_ascii_whitespace),
                    _ => rest.len() < WARC.len() && WARC.starts_with(rest),
                };
                if !more {
                    break;
                }
            }
            None => blank = bytes.len(),
        }
        let room = (max_line + 1).saturating_sub(bytes.len()).max(1) as u64;
        let before = bytes.len();
        reader.take(room).read_until(b'\n', &mut bytes)?;
        complete = bytes.len() == before;
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_first_line() {
        for (head, format) in [
            (&b"WARC/1.1\r\n"[..], Some(Format::Warc)),
            (b"WARC/0.9\r\n", None),
            (b"\xEF\xBB\xBF\r\nWARC/1.0\r\n", Some(Format::Warc)),
            (b"PAR1\x15\x04\x15", Some(Format::Parquet)),
            (b"{\"text\":\"a\"}\n", Some(Format::Jsonl)),
            (b"\xEF\xBB\xBF{\"text\":\"a\"}\n", Some(Format::Jsonl)),
            (b"\n\n  {\"text\":\"a\"}\r\nnot json", Some(Format::Jsonl)),
            (b"{\"text\":\"a\"}", Some(Format::Jsonl)),
            (b"{\"text\":\"a\"", Some(Format::Jsonl)),
            (
                b"{ \"id\": 1, \"text\": }\n{\"id\": 2}",
                Some(Format::Jsonl),
            ),
            (b"{}\n", Some(Format::Jsonl)),
            (b"[1, 2]\n", None),
            (b"{ braces } in prose\n", None),
            (b"{\n  \"id\": 1\n}\n", None),
            (b"", None),
            (b"   \n", None),
        ] {
            assert_eq!(
                format_of(head),
                format,
                "{:?}",
                String::from_utf8_lossy(head)
            );
        }
    }

    #[test]
    fn json_documents_are_told_from_json_lines_and_text() {
        for (head, document) in [
            (&b"[\n  {\"id\": 1,"[..], true),
            (b"\xEF\xBB\xBF  [{\"id\": 1}]", true),
            (b"[\"a\", \"b\"]", true),
            (b"[[1, 2], [3]]", true),
            (b"{\n  \"id\": 1,\n", true),
            (b"{ \r\n", true),
            (b"{\"id\": 1}\n", false),
            (b"{ braces } in prose\n", false),
            (b"[1] A footnote.\n", false),
            (b"[Update] A correction.\n", false),
            (b"[", false),
            (b"", false),
        ] {
            assert_eq!(
                json_document(head),
                document,
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
        assert_eq!(head, line.as_bytes());
        assert_eq!(format_of(&head), Some(Format::Jsonl));
        let mut text = &b"plain text, a long line of it"[..];
        assert_eq!(peek(&mut text, 1 << 20).unwrap(), b"plain te");
        let mut short = &b"{}"[..];
        assert_eq!(peek(&mut short, 1 << 20).unwrap(), b"{}");
    }

    #[test]
    fn peek_looks_past_blank_lines_and_a_byte_order_mark() {
        let input = format!("{}{{\"text\": \"a\"}}\nmore", "\n \r\n".repeat(100_000));
        let head = peek(&mut input.as_bytes(), 1 << 20).unwrap();
        assert!(head.ends_with(b"{\"text\": \"a\"}\n"));
        assert_eq!(format_of(&head), Some(Format::Jsonl));
        for input in [
            &b"\xEF\xBB\xBF\r\n\r\nWARC/1.0\r\nWARC-Type: x\r\n"[..],
            b"\xEF\xBB\xBFWARC/1.0\r\n",
        ] {
            let mut reader = io::BufReader::with_capacity(1, input);
            assert_eq!(
                format_of(&peek(&mut reader, 1 << 20).unwrap()),
                Some(Format::Warc)
            );
        }
        let array = format!("[{}{{\"id\": 1}}]", " \n".repeat(1000));
        let mut reader = io::BufReader::with_capacity(1, array.as_bytes());
        assert!(json_document(&peek(&mut reader, 1 << 20).unwrap()));
    }

    #[test]
    fn peek_stops_at_the_line_limit() {
        let input = format!("{{\"text\": \"{}\"}}\n", "a".repeat(1000));
        let head = peek(&mut input.as_bytes(), 100).unwrap();
        assert!(head.len() <= 101 + HEAD as usize, "{}", head.len());
        assert_eq!(format_of(&head), Some(Format::Jsonl));
    }

    #[test]
    fn byte_order_marks_of_utf16_are_unsupported() {
        assert_eq!(Unsupported::of(b"\xFF\xFEa\0"), Some(Unsupported::Utf16Le));
        assert_eq!(Unsupported::of(b"\xFE\xFF\0a"), Some(Unsupported::Utf16Be));
        assert_eq!(Unsupported::of(b"\xEF\xBB\xBFa"), None);
        assert_eq!(Unsupported::of(b"\xFF"), None);
    }
}
