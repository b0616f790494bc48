//! `repeated`: a short non-blank line that occurs two or more times in one document is
//! removed, every copy (duplicated captions, teaser titles printed twice).

use crate::lines::{Fate, LineTable};
use crate::normal;
use crate::rules::ShortLines;

/// Marks every copy of a repeated short line in `fates` with `reason`, leaving lines that
/// are already removed as they are. Lines compare by their normal form.
pub(crate) fn run(table: &LineTable<'_>, settings: ShortLines, reason: Fate, fates: &mut [Fate]) {
    let mut scratch = Vec::new();
    // (hash of the normal form, line) of every short line, sorted so that copies of a
    // line sit next to each other.
    let mut short: Vec<(u64, usize)> = table
        .non_blank()
        .iter()
        .filter(|&&line| table.has_at_most(line, settings.max_words))
        .filter_map(|&line| Some((normal::line_hash(table.trimmed(line), &mut scratch)?, line)))
        .collect();
    short.sort_unstable();
    mark_copies(&short, reason, fates);
}

/// Marks with `reason` every line of `short`, (hash of the normal form, line) pairs of
/// short lines sorted by hash, whose hash occurs two or more times, leaving lines that
/// are already removed as they are: the second half of [`run`], for a caller that has
/// the hashes already.
pub(crate) fn mark_copies(short: &[(u64, usize)], reason: Fate, fates: &mut [Fate]) {
    for copies in short.chunk_by(|a, b| a.0 == b.0).filter(|c| c.len() >= 2) {
        for &(_, line) in copies {
            if fates[line].is_kept() {
                fates[line] = reason;
            }
        }
    }
}
