//! `orphan`: a short line whose nearest non-blank neighbours on both sides were removed
//! is removed too ("Fault Lines" stranded between two removed teaser titles).
//!
//! It never starts a removal: a line at the edge of the document has a missing
//! neighbour, which does not count as removed. It iterates to a fixed point; since
//! removing a line can only make more lines orphans, the result does not depend on the
//! order lines are visited in.

use super::ShortLines;
use crate::clean::{KEPT, LineTable};

/// Marks orphaned short lines in `fates` with `reason`.
pub(crate) fn run(table: &LineTable<'_>, settings: ShortLines, reason: u32, fates: &mut [u32]) {
    let non_blank: Vec<usize> = (0..table.len()).filter(|&i| !table.is_blank(i)).collect();
    let short: Vec<bool> = non_blank
        .iter()
        .map(|&i| table.is_short(i, settings.max_words))
        .collect();
    loop {
        let mut changed = false;
        for k in 1..non_blank.len().saturating_sub(1) {
            let (prev, line, next) = (non_blank[k - 1], non_blank[k], non_blank[k + 1]);
            if fates[line] == KEPT && short[k] && fates[prev] != KEPT && fates[next] != KEPT {
                fates[line] = reason;
                changed = true;
            }
        }
        if !changed {
            return;
        }
    }
}
