//! The structural detectors: one module per [`Detector`], each marking the lines it
//! removes in the line table's fates. Which ones run, in what order and with what
//! settings is said by [`DetectorConfig`].

pub(crate) mod context;
pub(crate) mod edges;
pub(crate) mod frequent;
pub(crate) mod orphan;
pub(crate) mod repeated;

#[cfg(doc)]
use crate::rules::{Detector, DetectorConfig};

/// True if a trimmed line reads like prose rather than a label: it ends in sentence
/// punctuation (before closing quotes or brackets) or holds a comma between words. Menus,
/// language lists and footer links almost never do; short sentences, verse and datelines
/// of running text do. Bytes that are not UTF-8 are taken as they are.
pub(crate) fn prose_like(trimmed: &[u8]) -> bool {
    const CLOSERS: [&str; 8] = [
        "\"", "'", ")", "]", "\u{201D}", "\u{2019}", "\u{BB}", "\u{300D}",
    ];
    const SENTENCE_ENDS: [&str; 8] = [
        ".", "!", "?", ";", "\u{2026}", "\u{3002}", "\u{FF01}", "\u{FF1F}",
    ];
    const COMMAS: [&str; 3] = [", ", "\u{FF0C}", "\u{3001}"];
    let mut end = trimmed;
    while let Some(rest) = CLOSERS
        .iter()
        .find_map(|closer| end.strip_suffix(closer.as_bytes()))
    {
        end = rest;
    }
    let sentence_end = SENTENCE_ENDS.iter().any(|e| end.ends_with(e.as_bytes()));
    let ellipsis_or_dots = end.ends_with(b"..") || end.ends_with("\u{2026}".as_bytes());
    let [a, b, c] = COMMAS.map(|comma| comma.as_bytes()[0]);
    (sentence_end && !ellipsis_or_dots)
        || memchr::memchr3_iter(a, b, c, trimmed).any(|at| {
            COMMAS
                .iter()
                .any(|comma| trimmed[at..].starts_with(comma.as_bytes()))
        })
}

/// Runs a detector on `doc` with every line kept and returns the indices of the lines it
/// removed: the shared harness of the detectors' test tables.
#[cfg(test)]
pub(crate) fn removed_lines(
    doc: &str,
    detector: impl FnOnce(&crate::lines::LineTable<'_>, &mut [crate::lines::Fate]),
) -> Vec<usize> {
    use crate::lines::{Fate, LineTable};
    let table = LineTable::new(doc.as_bytes());
    let mut fates = vec![Fate::KEPT; table.len()];
    detector(&table, &mut fates);
    (0..fates.len()).filter(|&i| !fates[i].is_kept()).collect()
}

#[cfg(test)]
mod tests {
    use super::prose_like;

    #[test]
    fn prose_like_table() {
        let cases: &[(&str, bool)] = &[
            ("Home", false),
            ("Contact us", false),
            ("It rained all day.", true),
            ("Did it?\u{201D}", true),
            ("and so, we left", true),
            ("Read more...", false),
            ("More\u{2026}", false),
            ("今日は雨でした。", true),
            ("Home > News", false),
            ("\u{FF0C}x", true),
            ("So it ended, \u{2018}mostly\u{2019}", true),
            ("", false),
        ];
        for (line, expected) in cases {
            assert_eq!(prose_like(line.as_bytes()), *expected, "{line:?}");
        }
        assert!(
            prose_like(b"caf\xE9 au lait."),
            "not UTF-8, still a sentence"
        );
    }
}
