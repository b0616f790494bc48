//! `edges`: short lines in the head and foot of a page, outside its running text, are
//! removed — menus, language lists, breadcrumbs, footer link columns.
//!
//! The body is bounded by the first and the last *long* line (`long_words` or more). In
//! the head, before the first long line, lines of at most `head_max_words` go, except the
//! last `keep_before` non-blank lines (where the headline usually sits); in the foot, after
//! the last long line, lines of at most `foot_max_words` go. A document without a long
//! line is left alone: with no running text there is no body to bound. With `keep_prose`,
//! lines that read like prose (verse, datelines, short sentences) are never removed.

use super::prose_like;
use crate::lines::{Fate, LineTable};
use crate::rules::Edges;

/// Marks short head and foot lines in `fates` with `reason`.
pub(crate) fn run(table: &LineTable<'_>, settings: Edges, reason: Fate, fates: &mut [Fate]) {
    let lines = table.non_blank();
    let is_long = |&line: &usize| {
        settings.long_words == 0 || !table.has_at_most(line, settings.long_words - 1)
    };
    let (Some(first), Some(last)) = (
        lines.iter().position(is_long),
        lines.iter().rposition(is_long),
    ) else {
        return;
    };
    let head = 0..first.saturating_sub(settings.keep_before as usize);
    let foot = last + 1..lines.len();
    let mut mark = |k: usize, max: u32| {
        let line = lines[k];
        if fates[line].is_kept()
            && table.has_at_most(line, max)
            && !(settings.keep_prose && prose_like(table.trimmed(line)))
        {
            fates[line] = reason;
        }
    };
    for k in head {
        mark(k, settings.head_max_words);
    }
    for k in foot {
        mark(k, settings.foot_max_words);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: &str = "one two three four five six seven eight nine ten";

    /// Runs the detector on `doc` and returns the indices of the removed lines.
    fn removed(doc: &str, settings: Edges) -> Vec<usize> {
        crate::detect::removed_lines(doc, |table, fates| {
            run(table, settings, Fate::removed(0), fates)
        })
    }

    #[test]
    fn table() {
        let settings = Edges {
            long_words: 10,
            head_max_words: 2,
            foot_max_words: 3,
            keep_before: 1,
            keep_prose: true,
        };
        let page = format!("Home\nNews\nThe headline\n{LONG}\nShort\n{LONG}\nAbout us\nA b c d\n");
        let no_keep = Edges {
            keep_before: 0,
            ..settings
        };
        let off = Edges {
            head_max_words: 0,
            foot_max_words: 0,
            ..settings
        };
        let verse = format!("Home\nIt was late,\nand we ran.\nTitle\n{LONG}\n");
        let blank_lines = format!("Home\n\nTitle\n\n{LONG}\n\nContact\n");
        let cases: &[(&str, &str, Edges, &[usize])] = &[
            ("empty", "", settings, &[]),
            ("no long line", "Home\nNews\n", settings, &[]),
            ("head and foot", &page, settings, &[0, 1, 6]),
            ("keep_before 0", &page, no_keep, &[0, 1, 2, 6]),
            ("switched off", &page, off, &[]),
            ("blank lines do not count", &blank_lines, settings, &[0, 6]),
            ("only a long line", LONG, settings, &[]),
            ("verse in the head", &verse, settings, &[0]),
        ];
        for (name, doc, settings, expected) in cases {
            assert_eq!(removed(doc, *settings), *expected, "{name}");
        }
    }
}
