//! `--explain`: every line of a document with its fate, `keep` or the reason it was
//! removed, aligned in a column; a view of a [`Cleaned`] decision.

use std::io::{self, Write};

use crate::decision::Cleaned;
use crate::lines;

/// How to render `--explain`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExplainStyle {
    /// Colour the fate column with ANSI escapes (for terminals).
    pub color: bool,
    /// Minimum width of the fate column, so columns line up across documents.
    pub width: usize,
}

const KEEP: &str = "keep";

/// Writes one line per input line: the fate padded to the column width, ` | `, and the
/// line's content (raw bytes, without its terminator).
///
/// ```
/// use boilerstrip::{Cleaner, RuleSet, explain::{explain, ExplainStyle}};
/// let rules = RuleSet::from_toml("[[rule]]\nname = \"ad\"\nmarkers = [\"Advertisement\"]\nwhere = \"equals\"", "x.toml")?;
/// let cleaned = Cleaner::new(&rules)?.clean(b"Text\nAdvertisement\n");
/// let mut out = Vec::new();
/// explain(&cleaned, &mut out, ExplainStyle::default())?;
/// assert_eq!(String::from_utf8(out).unwrap(), "keep | Text\nad   | Advertisement\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn explain<W: Write + ?Sized>(
    cleaned: &Cleaned<'_>,
    out: &mut W,
    style: ExplainStyle,
) -> io::Result<()> {
    let width = cleaned
        .removals()
        .iter()
        .map(|r| r.reason.as_str().len())
        .chain([KEEP.len(), style.width])
        .max()
        .unwrap_or(KEEP.len());
    let input = cleaned.input();
    let mut removals = cleaned.removals().iter().peekable();
    for (index, line) in lines::split(input).enumerate() {
        while removals.next_if(|r| r.lines.end <= index).is_some() {}
        let fate = removals
            .peek()
            .filter(|r| r.lines.contains(&index))
            .map(|r| r.reason.as_str());
        let (label, colour) = match fate {
            Some(reason) => (reason, "\x1b[31m"),
            None => (KEEP, "\x1b[32m"),
        };
        if style.color {
            write!(out, "{colour}{label:<width$}\x1b[0m | ")?;
        } else {
            write!(out, "{label:<width$} | ")?;
        }
        out.write_all(line.content(input))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
