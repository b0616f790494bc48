//! `context`: a short line whose nearest non-blank neighbours are short too is removed —
//! the shallow text feature of Kohlschütter et al., "Boilerplate Detection using Shallow
//! Text Features" (WSDM 2010): menus, link lists, tag clouds and teaser lists are runs of
//! short lines, while a heading or a short sentence in an article sits next to a paragraph.
//!
//! It looks only at word counts, never at what other detectors or rules removed, so its
//! verdicts do not depend on the order detectors run in. A line at the edge of the
//! document has a missing neighbour, which counts as short. A document with no line
//! longer than the neighbour limit is left alone: it has no running text to set apart.

use super::prose_like;
use crate::lines::{Fate, LineTable};
use crate::rules::Context;

/// Marks short lines between short neighbours in `fates` with `reason`.
pub(crate) fn run(table: &LineTable<'_>, settings: Context, reason: Fate, fates: &mut [Fate]) {
    let lines = table.non_blank();
    let at_most = |k: usize, max: u32| table.has_at_most(lines[k], max);
    // A document of short lines only (a title, a list, a verse) has no running text to
    // tell its chrome from: leave it whole rather than delete all of it.
    if (0..lines.len()).all(|k| at_most(k, settings.neighbour_max_words)) {
        return;
    }
    let short_neighbour = |k: Option<usize>| {
        k.filter(|&k| k < lines.len())
            .is_none_or(|k| at_most(k, settings.neighbour_max_words))
    };
    for (k, &line) in lines.iter().enumerate() {
        if fates[line].is_kept()
            && at_most(k, settings.max_words)
            && short_neighbour(k.checked_sub(1))
            && short_neighbour(Some(k + 1))
            && !(settings.keep_prose && prose_like(table.trimmed(line)))
        {
            fates[line] = reason;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: &str = "This is a long line of running article text with many words in it.";

    /// Runs the detector on `doc` and returns the indices of the removed lines.
    fn removed(doc: &str, settings: Context) -> Vec<usize> {
        crate::detect::removed_lines(doc, |table, fates| {
            run(table, settings, Fate::removed(0), fates)
        })
    }

    #[test]
    fn table() {
        let settings = Context {
            max_words: 2,
            neighbour_max_words: 3,
            keep_prose: true,
        };
        let long_menu = format!("Home\nNews\nSport\n{LONG}\n");
        let heading = format!("{LONG}\nA heading\n{LONG}\n");
        let heading_before_short = format!("{LONG}\nA heading\nOne two three\n");
        let after_blank = format!("{LONG}\n\nA heading\n\n{LONG}\n");
        let list_after_text = format!("{LONG}\nOne\nTwo\nThree four five\n");
        let cases: &[(&str, &str, &[usize])] = &[
            ("empty", "", &[]),
            (
                "a document of short lines only is left alone",
                "Home\nNews\n",
                &[],
            ),
            ("menu at the top", &long_menu, &[0, 1]),
            ("heading between paragraphs", &heading, &[]),
            ("heading before a short line", &heading_before_short, &[]),
            ("blank lines are skipped", &after_blank, &[]),
            ("list item next to text", &list_after_text, &[2]),
            ("too many words", "One two three\nOne two three\n", &[]),
            ("blank only", "\n  \n", &[]),
            (
                "prose is kept",
                &format!("Home\nIt rained.\nNews\nSport\n{LONG}\n"),
                &[0, 2],
            ),
        ];
        for (name, doc, expected) in cases {
            assert_eq!(removed(doc, settings), *expected, "{name}");
        }
    }

    #[test]
    fn keeps_lines_already_removed_by_others() {
        let doc = format!("Home\nNews\nSport\n{LONG}\n");
        let table = LineTable::new(doc.as_bytes());
        let (other, this) = (Fate::removed(7), Fate::removed(0));
        let mut fates = vec![other, Fate::KEPT, Fate::KEPT, Fate::KEPT];
        run(&table, Context::DEFAULT, this, &mut fates);
        assert_eq!(fates, [other, this, Fate::KEPT, Fate::KEPT]);
    }
}
