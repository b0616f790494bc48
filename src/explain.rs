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

/// Writes one line per input line: the fate padded to the column width (`keep:code`,
/// `keep:list` or `keep:heading` for a line a protection gave back), the line scorer's
/// score when the cleaner recorded scores (blank for lines it did not score), ` | `, and
/// the line's content (raw bytes, without its terminator).
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
    let saved_label = |protection: crate::protect::Protection| match protection.name() {
        "code" => "keep:code",
        "list" => "keep:list",
        _ => "keep:heading",
    };
    let width = cleaned
        .removals()
        .iter()
        .map(|r| r.reason.as_str().len())
        .chain(cleaned.saved().iter().map(|&(_, p)| saved_label(p).len()))
        .chain([KEEP.len(), style.width])
        .max()
        .unwrap_or(KEEP.len());
    let input = cleaned.input();
    let mut removals = cleaned.removals().iter().peekable();
    let mut scores = cleaned.scores().iter().peekable();
    let mut saved = cleaned.saved().iter().peekable();
    let show_scores = !cleaned.scores().is_empty();
    for (index, line) in lines::split(input).enumerate() {
        while removals.next_if(|r| r.lines.end <= index).is_some() {}
        let fate = removals
            .peek()
            .filter(|r| r.lines.contains(&index))
            .map(|r| r.reason.as_str());
        let saved_by = saved.next_if(|&&(l, _)| l == index).map(|&(_, p)| p);
        let (label, colour) = match (fate, saved_by) {
            (Some(reason), _) => (reason, "\x1b[31m"),
            (None, Some(protection)) => (saved_label(protection), "\x1b[33m"),
            (None, None) => (KEEP, "\x1b[32m"),
        };
        if style.color {
            write!(out, "{colour}{label:<width$}\x1b[0m ")?;
        } else {
            write!(out, "{label:<width$} ")?;
        }
        if show_scores {
            match scores.next_if(|&&(l, _)| l == index) {
                Some(&(_, score)) => write!(out, "{score:.3} ")?,
                None => write!(out, "      ")?,
            }
        }
        out.write_all(b"| ")?;
        out.write_all(line.content(input))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
