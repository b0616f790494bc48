//! Content-shape protections: code, data tables, lists that belong to the text and
//! section headings, which no detector may remove.
//!
//! The marker rules remove what they match, protected or not; the detectors (and the
//! line scorer) decide by structure, and short lines of code, table rows, list items and
//! headings look like menus to them. The cleaner runs `restore` after the detectors: it
//! gives back every protected line a detector took, saying which shape saved it
//! (`--explain` shows it). With the line scorer every shape is protected
//! (`WITH_SCORER`); without it only code and tables are (`WITHOUT_SCORER`), because
//! lists and headings also have the shape of menus and link lists, which only the
//! scorer tells apart.
//!
//! - **code**: a run of two or more lines shaped like code (ending in `;`, `{` or `}`,
//!   starting with a shell prompt `$ ` or `>>> ` or with `// `, holding ` = `, `::`,
//!   `->` or `();`, opening a Python function or class, importing, or calling:
//!   see `code_shape` in `shape.rs`),
//!   with the lines inside the run that are indented deeper than its first line, and
//!   every line of a fenced block (between two lines starting with three backticks);
//! - **table**: the rows of a data table (three or more adjacent lines with cells, i.e.
//!   gaps of two or more spaces, and a number each);
//! - **list**: the items after a line of at least [`INTRO_WORDS`] words that ends with
//!   `:` (up to the first blank gap of two lines or a line of running text), the
//!   bulleted or numbered items of two or more words each (two or more of them) after a
//!   shorter such line that follows a line of running text, and a run
//!   of two or more bulleted or numbered items between two lines of running text;
//! - **heading**: a short line that does not read like a sentence, followed (across at
//!   most one blank line) by a line of running text that reads like prose, holding no
//!   separator of a link trail (`|`, `>`, `/`, `»`, `·`, `•`), where the
//!   heading is not itself right after another heading candidate (a menu's last entry
//!   before the text is not a heading when the entries before it are as short).

use crate::detect::prose_like;
use crate::lines::{Fate, LineTable};
use crate::model::features::{BULLET_START, CODE_SHAPE, LineFeatures, PROSE_LIKE};
use crate::model::shape::{bullet_start, code_shape, contains};

/// A shape that protects a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protection {
    /// A line of a code block.
    Code,
    /// An item of a list that belongs to the text.
    List,
    /// A row of a data table.
    Table,
    /// A section heading followed by running text.
    Heading,
}

impl Protection {
    /// The name `--explain` shows for a line this shape saved.
    pub fn name(self) -> &'static str {
        match self {
            Protection::Code => "code",
            Protection::List => "list",
            Protection::Table => "table",
            Protection::Heading => "heading",
        }
    }
}

/// The shapes protected with the line scorer: all of them (it scores a menu after an
/// introduction, or a label before running text, as boilerplate).
pub(crate) const WITH_SCORER: &[Protection] = &[
    Protection::Code,
    Protection::Table,
    Protection::List,
    Protection::Heading,
];

/// The shapes protected without the line scorer: code and data tables, which menus do not
/// have. Lists and headings are left to the detectors, since without the scorer a menu
/// after `Follow us:` or a label before a comment would keep them too.
pub(crate) const WITHOUT_SCORER: &[Protection] = &[Protection::Code, Protection::Table];

/// What the protections read of each non-blank line `k` (its index among the
/// non-blank lines): the feature rows when the scorer has computed them, else the text.
pub(crate) trait LineShapes {
    /// The line reads like prose ([`crate::detect::prose_like`]).
    fn prose_like(&self, k: usize) -> bool;
    /// The line starts with a bullet or a short number.
    fn bullet_start(&self, k: usize) -> bool;
    /// The line is shaped like code.
    fn code_shape(&self, k: usize) -> bool;
}

impl LineShapes for LineFeatures {
    fn prose_like(&self, k: usize) -> bool {
        self.row(k)[PROSE_LIKE] != 0.0
    }
    fn bullet_start(&self, k: usize) -> bool {
        self.row(k)[BULLET_START] != 0.0
    }
    fn code_shape(&self, k: usize) -> bool {
        self.row(k)[CODE_SHAPE] != 0.0
    }
}

/// The shapes of a table's lines found from the text, line by line as the protections
/// ask: the default path computes no feature rows.
pub(crate) struct TextShapes<'t, 'd>(pub(crate) &'t LineTable<'d>);

impl TextShapes<'_, '_> {
    fn trimmed(&self, k: usize) -> &[u8] {
        self.0.trimmed(self.0.non_blank()[k])
    }
}

impl LineShapes for TextShapes<'_, '_> {
    fn prose_like(&self, k: usize) -> bool {
        prose_like(self.trimmed(k))
    }
    fn bullet_start(&self, k: usize) -> bool {
        bullet_start(self.trimmed(k))
    }
    fn code_shape(&self, k: usize) -> bool {
        code_shape(self.trimmed(k))
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

/// The protection of each line of `table` (`None` for most), of the shapes in `kinds`.
/// `shapes` tells whether a line reads like prose, starts with a bullet or is shaped
/// like code. Where two shapes claim a line, code wins, then lists, tables and headings.
pub(crate) fn protections(
    table: &LineTable<'_>,
    shapes: &impl LineShapes,
    kinds: &[Protection],
) -> Vec<Option<Protection>> {
    protections_of(table, shapes, kinds, None)
}

/// [`protections`], exact for the non-blank lines `focus` (indices among the non-blank
/// lines, ascending) when it is given: code and tables are then looked for only in the
/// stretches around those lines that no run of code or table rows crosses, so a page
/// whose detectors took a few lines is not read whole.
fn protections_of(
    table: &LineTable<'_>,
    shapes: &impl LineShapes,
    kinds: &[Protection],
    focus: Option<&[usize]>,
) -> Vec<Option<Protection>> {
    let lines = table.non_blank();
    // Whether each line is running text, found once: every list and heading rule asks it
    // of the lines around the one it looks at.
    let running_text = if kinds.contains(&Protection::List) || kinds.contains(&Protection::Heading)
    {
        (0..lines.len())
            .map(|k| table.word_count(lines[k]) >= RUNNING_WORDS && shapes.prose_like(k))
            .collect()
    } else {
        Vec::new()
    };
    let mut page = Page {
        table,
        lines,
        shapes,
        running_text,
        out: vec![None; table.len()],
    };
    if kinds.contains(&Protection::Code) {
        page.code(focus);
    }
    if kinds.contains(&Protection::List) {
        page.lists();
    }
    if kinds.contains(&Protection::Table) {
        page.table_rows(focus);
    }
    if kinds.contains(&Protection::Heading) {
        page.headings();
    }
    page.out
}

/// The stretches `(start, end)` of `0..n` to search for runs that may hold the lines
/// `focus` (ascending): around each, up to the nearest line on either side for which
/// `breaks` holds, a line no run holds. A run found from a stretch's start is then the
/// run found from the page's start, which has ended before it. Without `focus`, the
/// whole page.
fn stretches(
    n: usize,
    focus: Option<&[usize]>,
    breaks: impl Fn(usize) -> bool,
) -> Vec<(usize, usize)> {
    let Some(focus) = focus else {
        return vec![(0, n)];
    };
    let mut out: Vec<(usize, usize)> = Vec::new();
    for &k in focus {
        if out.last().is_some_and(|&(_, end)| k < end) || breaks(k) {
            continue;
        }
        let mut start = k;
        while start > 0 && !breaks(start - 1) {
            start -= 1;
        }
        let mut end = k + 1;
        while end < n && !breaks(end) {
            end += 1;
        }
        out.push((start, end));
    }
    out
}

/// One document as the protections read it: its non-blank lines, their shapes, and the
/// protection found so far for each line.
struct Page<'p, 'd, S> {
    table: &'p LineTable<'d>,
    lines: &'p [usize],
    shapes: &'p S,
    /// Whether each non-blank line is running text (empty when no rule asks).
    running_text: Vec<bool>,
    out: Vec<Option<Protection>>,
}

impl<S: LineShapes> Page<'_, '_, S> {
    fn words(&self, k: usize) -> u32 {
        self.table.word_count(self.lines[k])
    }

    fn trimmed(&self, k: usize) -> &[u8] {
        self.table.trimmed(self.lines[k])
    }

    fn running(&self, k: usize) -> bool {
        self.running_text[k]
    }

    fn indent(&self, k: usize) -> usize {
        self.table.trim_span(self.lines[k]).0 - self.table.line(self.lines[k]).start
    }

    /// Lines `k..end` are `shape`, unless an earlier rule claimed them.
    fn claim(&mut self, k: usize, end: usize, shape: Protection) {
        for j in k..end {
            self.out[self.lines[j]].get_or_insert(shape);
        }
    }

    /// Code: fenced blocks, then runs of code-shaped lines (around `focus`, see
    /// [`protections_of`]).
    fn code(&mut self, focus: Option<&[usize]>) {
        let n = self.lines.len();
        let mut fenced = false;
        if contains(self.table.doc(), b"```") {
            for k in 0..n {
                let fence = self.trimmed(k).starts_with(b"```");
                if fence || fenced {
                    self.out[self.lines[k]] = Some(Protection::Code);
                }
                if fence {
                    fenced = !fenced;
                }
            }
        }
        let is_code = |k: usize| self.trimmed(k).len() <= 200 && self.shapes.code_shape(k);
        // A line that is not code ends every run when it is running text, or when it is
        // not indented (no run's first line is indented less).
        let breaks =
            |k: usize| (self.words(k) >= RUNNING_WORDS || self.indent(k) == 0) && !is_code(k);
        let mut runs = Vec::new();
        for (start, stop) in stretches(n, focus, breaks) {
            let mut k = start;
            while k < stop {
                if !is_code(k) {
                    k += 1;
                    continue;
                }
                // Extend the run over code lines and over lines indented deeper than its
                // first.
                let base = self.indent(k);
                let mut end = k + 1;
                let mut code_lines = 1;
                while end < n {
                    let code = is_code(end);
                    if !(code || self.indent(end) > base && self.words(end) < RUNNING_WORDS) {
                        break;
                    }
                    code_lines += usize::from(code);
                    end += 1;
                }
                if code_lines >= 2 {
                    runs.push((k, end));
                }
                k = end;
            }
        }
        for (k, end) in runs {
            for j in k..end {
                self.out[self.lines[j]] = Some(Protection::Code);
            }
        }
    }

    /// Lists after an introduction that ends with `:`, and bulleted runs between two
    /// lines of running text.
    fn lists(&mut self) {
        let n = self.lines.len();
        let bullet_start = |k: usize| self.shapes.bullet_start(k);
        // After an introduction of INTRO_WORDS or more, every line up to a blank gap of
        // two lines or a line of running text; after a shorter one that follows running
        // text (`Aus dem Inhalt:`), the bulleted items of two or more words (a link list
        // after `Follow us:` has items of one word).
        let mut lists = Vec::new();
        for k in 0..n {
            if !self.trimmed(k).ends_with(b":") {
                continue;
            }
            // An item of the short introduction: two words after the bullet or number,
            // which counts as one.
            let item = |j: usize| bullet_start(j) && self.words(j) >= 3;
            let long_intro = self.words(k) >= INTRO_WORDS;
            let after_text = k > 0 && self.lines[k] - self.lines[k - 1] <= 2 && self.running(k - 1);
            if !(long_intro || after_text) {
                continue;
            }
            let ends_list = |j: usize| {
                if long_intro {
                    self.running(j)
                } else {
                    !item(j)
                }
            };
            let mut end = k + 1;
            while end < n
                && end - k <= MAX_ITEMS
                && self.lines[end] - self.lines[end - 1] <= 2
                && !ends_list(end)
            {
                end += 1;
            }
            if long_intro || end - k > 2 {
                lists.push((k + 1, end));
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
            if end - k >= 2 && k > 0 && end < n && self.running(k - 1) && self.running(end) {
                lists.push((k, end));
            }
            k = end.max(k + 1);
        }
        for (k, end) in lists {
            self.claim(k, end, Protection::List);
        }
    }

    /// Data tables: three or more rows in a row, each with cells (gaps of two or more
    /// spaces) and a number (around `focus`, see [`protections_of`]).
    fn table_rows(&mut self, focus: Option<&[usize]>) {
        let n = self.lines.len();
        let table_row = |k: usize| {
            let trimmed = self.trimmed(k);
            self.words(k) < RUNNING_WORDS
                && trimmed.iter().any(u8::is_ascii_digit)
                && contains(trimmed, b"  ")
        };
        let mut tables = Vec::new();
        for (start, stop) in stretches(n, focus, |k| !table_row(k)) {
            let mut k = start;
            while k < stop {
                let mut end = k;
                while end < n
                    && table_row(end)
                    && (end == k || self.lines[end] == self.lines[end - 1] + 1)
                {
                    end += 1;
                }
                if end - k >= 3 {
                    tables.push((k, end));
                }
                k = end.max(k + 1);
            }
        }
        for (k, end) in tables {
            self.claim(k, end, Protection::Table);
        }
    }

    /// Headings: a short label followed by running text.
    fn headings(&mut self) {
        let lines = self.lines;
        for k in 0..lines.len().saturating_sub(1) {
            let trimmed = self.trimmed(k);
            let short_label = |k: usize| self.words(k) <= HEADING_WORDS && !self.running(k);
            if self.words(k) == 0
                || self.words(k) > HEADING_WORDS
                || lines[k + 1] - lines[k] > 2
                || !self.running(k + 1)
                || self.shapes.prose_like(k)
                || trimmed.iter().any(|b| b"|>/".contains(b))
                || ["\u{BB}", "\u{B7}", "\u{2022}"]
                    .iter()
                    .any(|sep| contains(trimmed, sep.as_bytes()))
            {
                continue;
            }
            // A menu's last entry: the line before is another short label right above it.
            let after_label = k > 0
                && lines[k] - lines[k - 1] <= 2
                && short_label(k - 1)
                && self.words(k - 1) <= 3;
            if !after_label {
                self.claim(k, k + 1, Protection::Heading);
            }
        }
    }
}

/// Gives back every protected line that a detector removed: a line whose fate differs
/// from what the marker rules gave it (`rule_fates`), of the shapes in `kinds` (see
/// [`protections`]). Returns the lines saved, with the shape that saved each.
pub(crate) fn restore(
    table: &LineTable<'_>,
    shapes: &impl LineShapes,
    kinds: &[Protection],
    rule_fates: &[Fate],
    fates: &mut [Fate],
) -> Vec<(usize, Protection)> {
    let lines = table.non_blank();
    let taken: Vec<usize> = (0..lines.len())
        .filter(|&k| fates[lines[k]] != rule_fates[lines[k]])
        .collect();
    if taken.is_empty() {
        return Vec::new();
    }
    let protections = protections_of(table, shapes, kinds, Some(&taken));
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

    /// The protections of `doc` with the scorer; checks that they are the same read from
    /// the feature rows as found from the text.
    fn shapes(doc: &str) -> Vec<(usize, &'static str)> {
        shapes_of(doc, WITH_SCORER)
    }

    fn shapes_of(doc: &str, kinds: &[Protection]) -> Vec<(usize, &'static str)> {
        let table = LineTable::new(doc.as_bytes());
        let from_rows = protections(&table, &features(&table), kinds);
        let from_text = protections(&table, &TextShapes(&table), kinds);
        assert_eq!(from_rows, from_text, "{doc:?}");
        from_rows
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
        assert_eq!(shapes(&results), [(2, "table"), (3, "table"), (4, "table")]);
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
        let saved = restore(
            &table,
            &features(&table),
            WITH_SCORER,
            &rule_fates,
            &mut fates,
        );
        assert_eq!(saved, [(2, Protection::Code)]);
        assert_eq!(fates, [Fate::KEPT, rule, Fate::KEPT, Fate::KEPT, detector]);
    }

    #[test]
    fn around_the_taken_lines_the_shapes_are_those_of_the_whole_page() {
        // Code runs that start before an unindented line and end after it, indented
        // lines inside and after a run, a table broken by a blank line, and text.
        let doc = format!(
            "{TEXT}\n  def f(x):\n      # a comment\n      return x\n  done\nplain\n    $ make\n        more\n    $ make install\n{TEXT}\na  1  2\nb  3  4\n\nc  5  6\nd  7  8\ne  9  0\n{TEXT}\n"
        );
        let table = LineTable::new(doc.as_bytes());
        let shapes = TextShapes(&table);
        let whole = protections(&table, &shapes, WITH_SCORER);
        assert!(
            whole.contains(&Some(Protection::Code)) && whole.contains(&Some(Protection::Table))
        );
        let n = table.non_blank().len();
        let all: Vec<usize> = (0..n).collect();
        for focus in (0..n)
            .map(|k| vec![k])
            .chain([all, vec![1, 6, 12], vec![3, 4, 13]])
        {
            let around = protections_of(&table, &shapes, WITH_SCORER, Some(&focus));
            for &k in &focus {
                let line = table.non_blank()[k];
                assert_eq!(around[line], whole[line], "line {line}, focus {focus:?}");
            }
        }
    }

    #[test]
    fn without_the_scorer_only_code_and_tables_are_protected() {
        let doc = format!(
            "Setting up\n\n{TEXT}\nYou can install it in three steps:\n• Download the archive\n• Unpack it somewhere\n{TEXT}\n$ make\n$ make install\nsmall    2.3 GB/s\nlarge    3.1 GB/s\nhuge     2.9 GB/s\n"
        );
        assert_eq!(
            shapes(&doc),
            [
                (0, "heading"),
                (4, "list"),
                (5, "list"),
                (7, "code"),
                (8, "code"),
                (9, "table"),
                (10, "table"),
                (11, "table")
            ]
        );
        assert_eq!(
            shapes_of(&doc, WITHOUT_SCORER),
            [
                (7, "code"),
                (8, "code"),
                (9, "table"),
                (10, "table"),
                (11, "table")
            ]
        );
    }
}
