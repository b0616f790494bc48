//! `repeated`: a short non-blank line that occurs two or more times in one document is
//! removed, every copy (duplicated captions, teaser titles printed twice).

use std::collections::HashMap;

use super::ShortLines;
use crate::clean::LineTable;
use crate::normal::{self, KeyHasher};

/// Marks every copy of a repeated short line in `fates` with `reason`, leaving lines that
/// are already removed as they are. Lines compare by their normal form.
pub(crate) fn run(table: &LineTable<'_>, settings: ShortLines, reason: u32, fates: &mut [u32]) {
    let mut scratch = Vec::new();
    let hashes: Vec<Option<u64>> = (0..table.len())
        .map(|i| {
            if table.is_blank(i) || !table.has_at_most(i, settings.max_words) {
                return None;
            }
            normal::line_hash(table.trimmed(i), &mut scratch)
        })
        .collect();
    let mut counts: HashMap<u64, u32, KeyHasher> = HashMap::default();
    for hash in hashes.iter().flatten() {
        *counts.entry(*hash).or_default() += 1;
    }
    for (fate, hash) in fates.iter_mut().zip(&hashes) {
        if *fate == crate::clean::KEPT && hash.is_some_and(|h| counts[&h] >= 2) {
            *fate = reason;
        }
    }
}
