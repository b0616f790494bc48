//! `frequent`: a line whose key — its normal form, per site when the count table is per
//! site — occurs in at least `min_docs` documents of the counted corpus is removed. The
//! keys come from a count table (`boilerstrip count`), loaded above the threshold only.

use crate::count_table::FrequentLines;
use crate::lines::{Fate, LineTable};
use crate::normal;
use crate::rules::Frequent;

/// Marks kept, non-blank lines whose key is frequent with `reason`. `site` is the host
/// of the document's URL for a per-site table (`""` when the document has none).
pub(crate) fn run(
    table: &LineTable<'_>,
    settings: Frequent,
    frequent: &FrequentLines,
    site: Option<&str>,
    reason: Fate,
    fates: &mut [Fate],
) {
    let mut scratch = Vec::new();
    for &index in table.non_blank() {
        if !fates[index].is_kept() {
            continue;
        }
        let short = settings
            .max_words
            .is_none_or(|max| table.has_at_most(index, max));
        let key = normal::line_key(table.trimmed(index), site, &mut scratch);
        if short && key.is_some_and(|key| frequent.contains(key)) {
            fates[index] = reason;
        }
    }
}
