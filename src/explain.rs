//! `--explain`: every line of a document with its fate, `keep` or the reason it was
//! removed, aligned in a column; a view of a [`Cleaned`] decision.

use std::io::{self, Write};

use crate::decision::{Cleaned, Reason};
use crate::lines::{self, Line};
use crate::model::protect::Protection;

/// How to render `--explain`.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct ExplainStyle {
    /// Colour the fate column with ANSI escapes (for terminals).
    pub color: bool,
    /// Minimum width of the fate column, so columns line up across documents.
    pub width: usize,
    /// Start each line with its 1-based number in the document and a `:` (`-n`).
    pub line_numbers: bool,
    /// Print only the removed lines (`--only-removed`).
    pub only_removed: bool,
    /// One JSON object per line decision instead of columns (`--json`); rendered by
    /// the pipeline, which knows the record.
    pub json: bool,
}

impl ExplainStyle {
    /// The default style: no colour, no minimum width, every line, no numbers.
    pub fn new() -> ExplainStyle {
        ExplainStyle::default()
    }
}

const KEEP: &str = "keep";

/// One line of a document with its fate.
#[derive(Debug, Clone)]
pub struct LineFate<'a> {
    /// The line's 0-based index in the document.
    pub index: usize,
    /// Its byte range, terminator included.
    pub line: Line,
    /// The reason it was removed; `None` when kept.
    pub removed_by: Option<&'a Reason>,
}

/// Every line of the document of `cleaned`, in order, with its fate.
pub fn fates<'c>(cleaned: &'c Cleaned<'_>) -> impl Iterator<Item = LineFate<'c>> + 'c {
    let mut removals = cleaned.removals().iter().peekable();
    lines::split(cleaned.input())
        .enumerate()
        .map(move |(index, line)| {
            while removals.next_if(|r| r.lines.end <= index).is_some() {}
            let removed_by = removals
                .peek()
                .filter(|r| r.lines.contains(&index))
                .map(|r| &r.reason);
            LineFate {
                index,
                line,
                removed_by,
            }
        })
}

/// The width of the fate column for `cleaned`: its longest reason, `keep`, or the
/// style's minimum.
pub fn fate_width(cleaned: &Cleaned<'_>, style: ExplainStyle) -> usize {
    cleaned
        .removals()
        .iter()
        .map(|r| r.reason.as_str().len())
        .chain(cleaned.saved().iter().map(|&(_, p)| saved_label(p).len()))
        .chain([KEEP.len(), style.width])
        .max()
        .unwrap_or(KEEP.len())
}

/// The fate shown for a line a content-shape protection gave back.
fn saved_label(protection: Protection) -> &'static str {
    match protection {
        Protection::Code => "keep:code",
        Protection::List => "keep:list",
        Protection::Table => "keep:table",
        Protection::Heading => "keep:heading",
    }
}

/// Writes one line per input line: the fate padded to the column width (`keep:code`,
/// `keep:list`, `keep:table` or `keep:heading` for a line a protection gave back), the line scorer's
/// score when the cleaner recorded scores (blank for a line it did not score), ` | `, and
/// the line's content (raw bytes, without its terminator). With `line_numbers` each line
/// starts with its 1-based number and `:`; with `only_removed` kept lines are left out.
///
/// ```
/// use boilerstrip::{Cleaner, RuleSet, explain::{explain, ExplainStyle}};
/// let rules = RuleSet::from_toml("[[rule]]\nname = \"ad\"\nmarkers = [\"Advertisement\"]\nwhere = \"equals\"", "x.toml")?;
/// let cleaned = Cleaner::new(&rules)?.clean(b"Text\nAdvertisement\n");
/// let mut out = Vec::new();
/// explain(&cleaned, &mut out, ExplainStyle::default())?;
/// assert_eq!(String::from_utf8(out).unwrap(), "keep | Text\nad   | Advertisement\n");
/// let mut style = ExplainStyle::new();
/// style.line_numbers = true;
/// style.only_removed = true;
/// let mut out = Vec::new();
/// explain(&cleaned, &mut out, style)?;
/// assert_eq!(String::from_utf8(out).unwrap(), "2:ad   | Advertisement\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn explain<W: Write + ?Sized>(
    cleaned: &Cleaned<'_>,
    out: &mut W,
    style: ExplainStyle,
) -> io::Result<()> {
    let width = fate_width(cleaned, style);
    let input = cleaned.input();
    let mut scores = cleaned.scores().iter().peekable();
    let mut saved = cleaned.saved().iter().peekable();
    let show_scores = !cleaned.scores().is_empty();
    for fate in fates(cleaned) {
        let score = scores
            .next_if(|&&(line, _)| line == fate.index)
            .map(|&(_, s)| s);
        let saved_by = saved
            .next_if(|&&(line, _)| line == fate.index)
            .map(|&(_, p)| p);
        if style.only_removed && fate.removed_by.is_none() {
            continue;
        }
        let (label, colour) = match (fate.removed_by, saved_by) {
            (Some(reason), _) => (reason.as_str(), "\x1b[31m"),
            (None, Some(protection)) => (saved_label(protection), "\x1b[33m"),
            (None, None) => (KEEP, "\x1b[32m"),
        };
        if style.line_numbers {
            write!(out, "{}:", fate.index + 1)?;
        }
        let content = fate.line.content(input);
        if show_scores {
            let score = score.map_or_else(|| " ".repeat(5), |s| format!("{s:.3}"));
            let label = format!("{label:<width$} {score}");
            write_row(out, &label, colour, 0, style.color, content)?;
        } else {
            write_row(out, label, colour, width, style.color, content)?;
        }
    }
    Ok(())
}

/// Writes one row: `label` padded to `width` (coloured with `colour` when `color`),
/// ` | `, and `content`.
pub fn write_row<W: Write + ?Sized>(
    out: &mut W,
    label: &str,
    colour: &str,
    width: usize,
    color: bool,
    content: &[u8],
) -> io::Result<()> {
    if color {
        write!(out, "{colour}{label:<width$}\x1b[0m | ")?;
    } else {
        write!(out, "{label:<width$} | ")?;
    }
    out.write_all(content)?;
    out.write_all(b"\n")
}
