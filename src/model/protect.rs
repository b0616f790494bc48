//! Content-shape protections: code, lists that belong to the text and section headings,
//! which no detector may remove.
//!
//! The marker rules remove what they match, protected or not; the detectors (and the
//! line scorer) decide by structure, and short lines of code, list items and headings
//! look like menus to them. The cleaner runs `restore` after the detectors: it gives back
//! every protected line a detector took, saying which shape saved it (`--explain` shows
//! it).
//!
//! - **code**: a run of two or more lines shaped like code (ending in `;`, `{` or `}`,
//!   starting with a shell prompt `$ ` or `>>> ` or with `// `, holding ` = `, `::`,
//!   `->` or `();`, opening a Python function or class, importing, or calling:
//!   see `code_shape` in `shape.rs`),
//!   with the lines inside the run that are indented deeper than its first line, and
//!   every line of a fenced block (between two lines starting with three backticks);
//! - **list**: the items after a line of at least [`INTRO_WORDS`] words that ends with
//!   `:` (up to the first blank gap of two lines or a line of running text), the
//!   bulleted or numbered items of two or more words each (two or more of them) after a
//!   shorter such line that follows a line of running text, and a run
//!   of two or more bulleted or numbered items between two lines of running text, and
//!   the rows of a data table (three or more adjacent lines with cells, i.e. gaps of two
//!   or more spaces, and a number each);
//! - **heading**: a short line that does not read like a sentence, followed (across at
//!   most one blank line) by a line of running text that reads like prose, holding no
//!   separator of a link trail (`|`, `>`, `/`, `»`, `·`, `•`), where the
//!   heading is not itself right after another heading candidate (a menu's last entry
//!   before the text is not a heading when the entries before it are as short).

use crate::lines::{Fate, LineTable};
use crate::model::features::{BULLET_START, CODE_SHAPE, LineFeatures, PROSE_LIKE};
use crate::model::shape::contains;

/// A shape that protects a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protection {
    /// A line of a code block.
    Code,
    /// An item of a list (or a table row) that belongs to the text.
    List,
    /// A section heading followed by running text.
    Heading,
}

impl Protection {
    /// The name `--explain` shows for a line this shape saved.
    pub fn name(self) -> &'static str {
        match self {
            Protection::Code => "code",
            Protection::List => "list",
            Protection::Heading => "heading",
        }
    }
}

/// An introduction to a list has at least this many words before its `:`.
pub const INTRO_WORDS: u32 = 4;

/// A line of running text has at least this many words.
const RUNNING_WORDS: u32 = 15;

/// A heading has at most this many words.
const HEADING_WORDS: u32 = 12;

/// A list protected after an introduction has at most this many items.
const MAX_ITEMS: usize = 200;

/// The protection of each line of `table` (`None` for most). `features` are the
/// table's feature rows: whether a line reads like prose, starts with a bullet or is
/// shaped like code is read from them, not found again.
pub(crate) fn protections(
    table: &LineTable<'_>,
    features: &LineFeatures,
) -> Vec<Option<Protection>> {
    let mut out = vec![None; table.len()];
    let lines = table.non_blank();
    debug_assert_eq!(features.lines, lines, "the rows are the table's");
    let n = lines.len();
    let words = |k: usize| table.word_count(lines[k]);
    let has = |k: usize, column: usize| features.row(k)[column] != 0.0;
    let prose_like = |k: usize| has(k, PROSE_LIKE);
    let bullet_start = |k: usize| has(k, BULLET_START);
    // Whether each line is running text, found once: every rule below asks it of the
    // lines around the one it looks at.
    let running_text: Vec<bool> = (0..n)
        .map(|k| words(k) >= RUNNING_WORDS && prose_like(k))
        .collect();
    let running = |k: usize| running_text[k];
    let indent = |k: usize| table.trim_span(lines[k]).0 - table.line(lines[k]).start;

    // Code: fenced blocks, then runs of code-shaped lines.
    let mut fenced = false;
    for k in 0..n {
        let fence = table.trimmed(lines[k]).starts_with(b"```");
        if fence || fenced {
            out[lines[k]] = Some(Protection::Code);
        }
        if fence {
            fenced = !fenced;
        }
    }
    let is_code = |k: usize| table.trimmed(lines[k]).len() <= 200 && has(k, CODE_SHAPE);
    let mut k = 0;
    while k < n {
        if !is_code(k) {
            k += 1;
            continue;
        }
        // Extend the run over code lines and over lines indented deeper than its first.
        let base = indent(k);
        let mut end = k + 1;
        let mut code_lines = 1;
        while end < n && (is_code(end) || indent(end) > base && words(end) < RUNNING_WORDS) {
            code_lines += usize::from(is_code(end));
            end += 1;
        }
        if code_lines >= 2 {
            for j in k..end {
                out[lines[j]] = Some(Protection::Code);
            }
        }
        k = end;
    }

    // Lists after an introduction that ends with `:`. After one of INTRO_WORDS or more,
    // every line up to a blank gap of two lines or a line of running text; after a
    // shorter one that follows running text (`Aus dem Inhalt:`), the bulleted items of
    // two or more words (a link list after `Follow us:` has items of one word).
    for k in 0..n {
        if !table.trimmed(lines[k]).ends_with(b":") {
            continue;
        }
        // An item of the short introduction: two words after the bullet or number,
        // which counts as one.
        let item = |j: usize| bullet_start(j) && words(j) >= 3;
        let long_intro = words(k) >= INTRO_WORDS;
        let after_text = k > 0 && lines[k] - lines[k - 1] <= 2 && running(k - 1);
        if !(long_intro || after_text) {
            continue;
        }
        let ends_list = |j: usize| if long_intro { running(j) } else { !item(j) };
        let mut end = k + 1;
        while end < n && end - k <= MAX_ITEMS && lines[end] - lines[end - 1] <= 2 && !ends_list(end)
        {
            end += 1;
        }
        if long_intro || end - k > 2 {
            for j in k + 1..end {
                out[lines[j]].get_or_insert(Protection::List);
            }
        }
    }
    // Bulleted runs between two lines of running text.
    let mut k = 0;
    while k < n {
        if !bullet_start(k) {
            k += 1;
            continue;
        }
        let mut end = k;
        while end < n && bullet_start(end) {
            end += 1;
        }
        if end - k >= 2 && k > 0 && end < n && running(k - 1) && running(end) {
            for j in k..end {
                out[lines[j]].get_or_insert(Protection::List);
            }
        }
        k = end.max(k + 1);
    }

    // Data tables: three or more rows in a row, each with cells (gaps of two or more
    // spaces) and a number.
    let table_row = |k: usize| {
        let trimmed = table.trimmed(lines[k]);
        words(k) < RUNNING_WORDS
            && trimmed.iter().any(u8::is_ascii_digit)
            && contains(trimmed, b"  ")
    };
    let mut k = 0;
    while k < n {
        let mut end = k;
        while end < n && table_row(end) && (end == k || lines[end] == lines[end - 1] + 1) {
            end += 1;
        }
        if end - k >= 3 {
            for j in k..end {
                out[lines[j]].get_or_insert(Protection::List);
            }
        }
        k = end.max(k + 1);
    }

    // Headings: a short label followed by running text.
    for k in 0..n.saturating_sub(1) {
        let line = lines[k];
        let trimmed = table.trimmed(line);
        let short_label = |k: usize| words(k) <= HEADING_WORDS && !running(k);
        if words(k) == 0
            || words(k) > HEADING_WORDS
            || lines[k + 1] - line > 2
            || !running(k + 1)
            || prose_like(k)
            || trimmed.iter().any(|b| b"|>/".contains(b))
            || ["\u{BB}", "\u{B7}", "\u{2022}"]
                .iter()
                .any(|sep| contains(trimmed, sep.as_bytes()))
        {
            continue;
        }
        // A menu's last entry: the line before is another short label right above it.
        let after_label =
            k > 0 && lines[k] - lines[k - 1] <= 2 && short_label(k - 1) && words(k - 1) <= 3;
        if !after_label {
            out[line].get_or_insert(Protection::Heading);
        }
    }
    out
}

/// Gives back every protected line that a detector removed: a line whose fate differs
/// from what the marker rules gave it (`rule_fates`). `features` are the table's feature
/// rows (see [`protections`]). Returns the lines saved, with the shape that saved each.
pub(crate) fn restore(
    table: &LineTable<'_>,
    features: &LineFeatures,
    rule_fates: &[Fate],
    fates: &mut [Fate],
) -> Vec<(usize, Protection)> {
    let removed_by_detector = table
        .non_blank()
        .iter()
        .any(|&line| fates[line] != rule_fates[line]);
    if !removed_by_detector {
        return Vec::new();
    }
    let protections = protections(table, features);
    let mut saved = Vec::new();
    for &line in table.non_blank() {
        if fates[line] != rule_fates[line]
            && let Some(protection) = protections[line]
        {
            fates[line] = rule_fates[line];
            saved.push((line, protection));
        }
    }
    saved
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "This paragraph is running text of the article, long enough to count as a line of prose for sure.";

    /// The feature rows of `table`, with no line removed by a rule.
    fn features(table: &LineTable<'_>) -> LineFeatures {
        let mut out = LineFeatures::default();
        crate::model::features::compute(table, &vec![Fate::KEPT; table.len()], &mut out);
        out
    }

    fn shapes(doc: &str) -> Vec<(usize, &'static str)> {
        let table = LineTable::new(doc.as_bytes());
        protections(&table, &features(&table))
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.map(|p| (i, p.name())))
            .collect()
    }

    #[test]
    fn code_blocks_are_protected() {
        let shell = format!(
            "{TEXT}\nInstall it and build the wheel:\n$ pip install build\n$ python -m build\n{TEXT}\n"
        );
        assert_eq!(
            shapes(&shell),
            [(2, "code"), (3, "code")],
            "the prompts are code; their introduction is neither a heading nor an item"
        );
        let braces = format!(
            "{TEXT}\n\nfn main() {{\n    let x = 1;\n    println!(\"{{x}}\");\n}}\n\n{TEXT}\n"
        );
        assert_eq!(
            shapes(&braces),
            [(2, "code"), (3, "code"), (4, "code"), (5, "code")]
        );
        let python = format!(
            "{TEXT}\n\nclass Checks(Base):\n    def setUp(self):\n        # Empty the cache first\n        self.cache = None\n        finders.cache_clear()\n\n{TEXT}\n"
        );
        assert_eq!(
            shapes(&python),
            [
                (2, "code"),
                (3, "code"),
                (4, "code"),
                (5, "code"),
                (6, "code")
            ],
            "a Python block, its comment inside the run too"
        );
        let fenced = "```\nls\ncd /tmp\n```\n";
        assert_eq!(
            shapes(fenced),
            [(0, "code"), (1, "code"), (2, "code"), (3, "code")]
        );
    }

    #[test]
    fn lists_after_an_introduction_or_between_paragraphs_are_protected() {
        let reading = format!(
            "{TEXT}\nThe papers we read in the course were:\nSmith, Models,\nJones, Trees,\nLee, Forests\n\n\n{TEXT}\n"
        );
        assert_eq!(shapes(&reading), [(2, "list"), (3, "list"), (4, "list")]);
        let bullets = format!("{TEXT}\n• first point\n• second point\n{TEXT}\n");
        assert_eq!(shapes(&bullets), [(1, "list"), (2, "list")]);
        let contents = format!(
            "{TEXT}\nOn the programme:\n– the history of the craft\n– tools and their care\n– a walk in the woods\nBook now\n"
        );
        assert_eq!(
            shapes(&contents),
            [(2, "list"), (3, "list"), (4, "list")],
            "bulleted items after a short introduction that follows the text"
        );
    }

    #[test]
    fn data_table_rows_are_protected() {
        let results = format!(
            "{TEXT}\nfile     speed     error\nsmall    2.3 GB/s  0.1\nlarge    3.1 GB/s  0.2\nhuge     2.9 GB/s  0.1\n{TEXT}\n"
        );
        assert_eq!(shapes(&results), [(2, "list"), (3, "list"), (4, "list")]);
        let nav = format!("{TEXT}\nHome    About    Contact\nNews    Sport    Weather\n");
        assert_eq!(shapes(&nav), [], "cells without numbers are a menu");
    }

    #[test]
    fn headings_followed_by_text_are_protected() {
        let doc = format!("Contents\nSetting up\nRunning it\n\n{TEXT}\n\nSetting up\n\n{TEXT}\n");
        // The table of contents' last entry is right after another label: not a heading.
        assert_eq!(shapes(&doc), [(6, "heading")]);
    }

    #[test]
    fn menus_tag_clouds_and_footers_are_not_protected() {
        let menu = format!("Home\nNews\nSport\nWeather\n{TEXT}\n");
        assert_eq!(shapes(&menu), []);
        let tags = format!("{TEXT}\nTags: python\nrust\ntrees\nFollow us:\nFacebook\nTwitter\n");
        assert_eq!(
            shapes(&tags),
            [],
            "labels with fewer than four words introduce no list"
        );
        let links = format!("{TEXT}\nFollow us:\n• Facebook\n• Twitter\n• Instagram\n");
        assert_eq!(
            shapes(&links),
            [],
            "items of one word are links, not a list"
        );
        let sidebar = format!("Related:\n• Ten ways to save\n• Why rents rise\n{TEXT}\n");
        assert_eq!(
            shapes(&sidebar),
            [],
            "a short introduction not after the text"
        );
        let footer =
            format!("{TEXT}\n© 2024 Example Ltd\nPrivacy | Terms | Contact\nAll rights reserved\n");
        assert_eq!(shapes(&footer), []);
        let breadcrumbs = format!("Home > News > World\n{TEXT}\n");
        assert_eq!(shapes(&breadcrumbs), [], "a `>` trail is no heading");
    }

    #[test]
    fn restore_gives_back_only_what_detectors_took() {
        let doc = format!("{TEXT}\n$ make\n$ make install\n{TEXT}\nHome\n");
        let table = LineTable::new(doc.as_bytes());
        let rule = Fate::removed(0);
        let detector = Fate::removed(9);
        let rule_fates = [Fate::KEPT, rule, Fate::KEPT, Fate::KEPT, Fate::KEPT];
        let mut fates = [Fate::KEPT, rule, detector, Fate::KEPT, detector];
        let saved = restore(&table, &features(&table), &rule_fates, &mut fates);
        assert_eq!(saved, [(2, Protection::Code)]);
        assert_eq!(fates, [Fate::KEPT, rule, Fate::KEPT, Fate::KEPT, detector]);
    }
}
