//! The removal log (`--log FILE`): one JSON object per input document saying what was
//! removed from it, where and why, rendered from its [`Cleaned`] decision.

use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use super::Identity;
use crate::decision::Cleaned;

/// One line of the removal log: one input document, in input order.
///
/// The log is JSON Lines, one object per document (compressed when its file name ends
/// in `.gz` or `.zst`). Its fields:
///
/// | field | meaning |
/// |---|---|
/// | `input` | the input's name as given (`<stdin>` for standard input) |
/// | `record` | 1-based: a text document's number in its input, a JSONL record's line number, a WARC record's number |
/// | `id` | a JSONL record's `--id-field` (default `id`; a string, or a number as written), a WARC record's `WARC-Record-ID`; otherwise (text, or the field missing) `INPUT:RECORD`, e.g. `notes.txt:3` |
/// | `url` | the JSONL `--url-field` (default `url`) or `WARC-Target-URI`; `null` when unknown |
/// | `bytes_in`, `bytes_out` | bytes of the document's text before and after cleaning |
/// | `lines_in`, `lines_out` | lines of the document's text before and after cleaning |
/// | `removals` | each run of removed lines, in order: `{"start","end","lines":[a,b],"reason"}` |
/// | `rejected` | only when true: the document had more than `--max-removed-share` removed and was left out or written to `--rejects` |
/// | `error` | only for a record that could not be processed: why (the counts are then 0 and `removals` empty) |
///
/// In a removal, `start`..`end` are byte offsets into the document's original text (for
/// JSONL the decoded string of the text field, for WARC the record's block), end
/// exclusive, line terminators included; `lines` are 0-based line indices, `[a, b)`
/// with `b` exclusive; `reason` names the rule or detector. The text between removals
/// is what was kept, byte for byte.
///
/// ```
/// use boilerstrip::audit::{Identity, log::LogEntry};
/// use boilerstrip::{Cleaner, RuleSet};
/// let rules = RuleSet::from_toml("[[rule]]\nname = \"ad\"\nmarkers = [\"Advertisement\"]\nwhere = \"equals\"", "x.toml")?;
/// let cleaned = Cleaner::new(&rules)?.clean(b"Text\nAdvertisement\n");
/// let identity = Identity { input: "a.txt", record: 1, id: None, url: None };
/// let mut line = Vec::new();
/// LogEntry::new(&identity, &cleaned).write_line(&mut line)?;
/// assert_eq!(
///     String::from_utf8(line).unwrap(),
///     r#"{"input":"a.txt","record":1,"id":"a.txt:1","url":null,"bytes_in":19,"bytes_out":5,"lines_in":2,"lines_out":1,"removals":[{"start":5,"end":19,"lines":[1,2],"reason":"ad"}]}"#.to_string() + "\n"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LogEntry {
    /// The input's name as given.
    pub input: String,
    /// The record's 1-based number in its input (see [`Identity::record`]).
    pub record: u64,
    /// The document's id (see [`Identity::log_id`]).
    pub id: String,
    /// The page's URL, when known.
    pub url: Option<String>,
    /// Bytes of text before cleaning.
    #[serde(default)]
    pub bytes_in: u64,
    /// Bytes of text after cleaning.
    #[serde(default)]
    pub bytes_out: u64,
    /// Lines of text before cleaning.
    #[serde(default)]
    pub lines_in: u64,
    /// Lines of text after cleaning.
    #[serde(default)]
    pub lines_out: u64,
    /// The removals, in document order.
    #[serde(default)]
    pub removals: Vec<LoggedRemoval>,
    /// The document was rejected (`--max-removed-share`): left out of the output or
    /// written to the rejects. Written only when true.
    #[serde(default, skip_serializing_if = "is_false")]
    pub rejected: bool,
    /// Why the record could not be processed; absent for documents that were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One run of removed lines in a [`LogEntry`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LoggedRemoval {
    /// First byte removed, an offset into the original text.
    pub start: u64,
    /// One past the last byte removed (terminator included).
    pub end: u64,
    /// The 0-based lines removed, `[first, one past the last]`.
    pub lines: [u64; 2],
    /// The rule or detector that removed them.
    pub reason: String,
}

impl LogEntry {
    /// The entry of a cleaned document.
    pub fn new(identity: &Identity<'_>, cleaned: &Cleaned<'_>) -> LogEntry {
        let bytes_in = cleaned.input().len() as u64;
        let lines_in = cleaned.line_count() as u64;
        LogEntry {
            bytes_in,
            bytes_out: bytes_in - cleaned.removed_bytes() as u64,
            lines_in,
            lines_out: lines_in - cleaned.removed_lines() as u64,
            removals: cleaned
                .removals()
                .iter()
                .map(|r| LoggedRemoval {
                    start: r.bytes.start as u64,
                    end: r.bytes.end as u64,
                    lines: [r.lines.start as u64, r.lines.end as u64],
                    reason: r.reason.as_str().to_string(),
                })
                .collect(),
            ..LogEntry::empty(identity)
        }
    }

    /// The entry of a record that could not be processed, with the reason.
    pub fn invalid(identity: &Identity<'_>, error: &str) -> LogEntry {
        LogEntry {
            error: Some(error.to_string()),
            ..LogEntry::empty(identity)
        }
    }

    fn empty(identity: &Identity<'_>) -> LogEntry {
        LogEntry {
            input: identity.input.to_string(),
            record: identity.record,
            id: identity.log_id().into_owned(),
            url: identity.url.as_deref().map(str::to_string),
            bytes_in: 0,
            bytes_out: 0,
            lines_in: 0,
            lines_out: 0,
            removals: Vec::new(),
            rejected: false,
            error: None,
        }
    }

    /// Writes the entry as one line of JSON, `\n` included.
    pub fn write_line<W: Write + ?Sized>(&self, out: &mut W) -> io::Result<()> {
        serde_json::to_writer(&mut *out, self).map_err(io::Error::other)?;
        out.write_all(b"\n")
    }

    /// Reads one line of a removal log.
    pub fn from_line(line: &str) -> serde_json::Result<LogEntry> {
        serde_json::from_str(line)
    }
}

fn is_false(value: &bool) -> bool {
    !value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::Cleaner;
    use crate::rules::RuleSet;

    #[test]
    fn entries_round_trip_and_removals_cover_the_removed_bytes() {
        let rules = RuleSet::from_toml(
            "[[rule]]\nname = \"ad\"\nmarkers = [\"Ad\"]\nwhere = \"equals\"",
            "x.toml",
        )
        .unwrap();
        let input = "Ad\nÉté 日本 😀\nAd\r\nAd\n".as_bytes();
        let cleaned = Cleaner::new(&rules).unwrap().clean(input);
        let identity = Identity {
            input: "in.jsonl",
            record: 4,
            id: Some("x".into()),
            url: Some("https://e.org/".into()),
        };
        let entry = LogEntry::new(&identity, &cleaned);
        let mut line = Vec::new();
        entry.write_line(&mut line).unwrap();
        let back = LogEntry::from_line(std::str::from_utf8(&line).unwrap()).unwrap();
        assert_eq!(back, entry);
        let mut kept = Vec::new();
        let mut at = 0;
        for removal in &entry.removals {
            kept.extend_from_slice(&input[at..removal.start as usize]);
            at = removal.end as usize;
        }
        kept.extend_from_slice(&input[at..]);
        assert_eq!(kept, &*cleaned.kept());
        assert_eq!(entry.bytes_out as usize, kept.len());
        assert_eq!(
            entry.removals.iter().map(|r| r.lines).collect::<Vec<_>>(),
            [[0, 1], [2, 4]]
        );
    }
}
