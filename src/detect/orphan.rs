//! `orphan`: a short line whose nearest non-blank neighbours on both sides were removed
//! is removed too ("Fault Lines" stranded between two removed teaser titles).
//!
//! It never starts a removal: a line at the edge of the document has a missing
//! neighbour, which does not count as removed. It iterates to a fixed point; since
//! removing a line can only make more lines orphans, the result does not depend on the
//! order lines are visited in.

use crate::lines::{Fate, LineTable};
use crate::rules::ShortLines;

/// Marks orphaned short lines in `fates` with `reason`.
pub(crate) fn run(table: &LineTable<'_>, settings: ShortLines, reason: Fate, fates: &mut [Fate]) {
    let non_blank = table.non_blank();
    loop {
        let mut changed = false;
        for window in non_blank.windows(3) {
            let [prev, line, next] = [window[0], window[1], window[2]];
            if fates[line].is_kept()
                && !fates[prev].is_kept()
                && !fates[next].is_kept()
                && table.has_at_most(line, settings.max_words)
            {
                fates[line] = reason;
                changed = true;
            }
        }
        if !changed {
            return;
        }
    }
}
