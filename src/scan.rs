//! One automaton pass over a document → for each line, the rule that fires on it.
//!
//! Matches come in order of their end offset, and no marker spans a line break, so a
//! cursor over the line table maps each match to its line without searching. The rule's
//! `where`, case, position, `max_words` and `pattern` are then checked for that line
//! only; there is no loop over rules or markers on the text.

use crate::clean::LineTable;
use crate::compile::Matcher;
use crate::lines;
use crate::rules::{Case, Rule, Where};

/// A rule firing on a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Firing {
    /// Index of the line.
    pub line: usize,
    /// Index of the rule.
    pub rule: u32,
}

/// The precedence of a firing: the strongest action wins, then the earliest rule.
fn outranks(rules: &[Rule], candidate: u32, current: u32) -> bool {
    let (a, b) = (&rules[candidate as usize], &rules[current as usize]);
    a.action() > b.action() || (a.action() == b.action() && candidate < current)
}

/// True if an occurrence of the marker at `start..end` sits where the rule wants it,
/// given the trimmed span `trim_start..trim_end` of its line and where the line's text
/// begins after a list bullet (`body_start`, equal to `trim_start` without one).
fn placed(
    where_: Where,
    (start, end): (usize, usize),
    (trim_start, body_start, trim_end): (usize, usize, usize),
) -> bool {
    let inside = start >= trim_start && end <= trim_end;
    let at_start = start == trim_start || start == body_start;
    inside
        && match where_ {
            Where::Contains => true,
            Where::Starts => at_start,
            Where::Ends => end == trim_end,
            Where::Equals => at_start && end == trim_end,
        }
}

/// Finds, for each line with at least one firing rule, the rule that wins on it.
/// Firings come out in line order.
///
/// Two passes, so that the common case stays fast: a non-overlapping search over the
/// whole document finds the lines that hold any marker at all (every line with an
/// occurrence gets at least one non-overlapping match, because no marker spans a line
/// break), and only those lines are searched again with overlapping semantics, which
/// reports every occurrence of every marker.
pub(crate) fn scan(matcher: &Matcher, rules: &[Rule], table: &LineTable<'_>) -> Vec<Firing> {
    let mut firings: Vec<Firing> = Vec::new();
    let Some(automaton) = matcher.automaton() else {
        return firings;
    };
    let doc = table.doc();
    let mut cursor = 0;
    let mut at = 0;
    while let Some(hit) = automaton.find(aho_corasick::Input::new(doc).range(at..)) {
        while table.line(cursor).end < hit.end() {
            cursor += 1;
        }
        // `find` reports the match that ends first, so no occurrence on this line ends
        // before `hit` does, nor starts more than a marker's length before that end.
        let from = hit.end().saturating_sub(automaton.max_pattern_len());
        if let Some(rule) = winner_on_line(matcher, rules, table, cursor, from) {
            firings.push(Firing { line: cursor, rule });
        }
        // The line has been searched in full; go on after it.
        at = table.line(cursor).end;
    }
    firings
}

/// Every marker occurrence on line `index` that starts at or after `from`, checked
/// against its rule; the winning rule.
fn winner_on_line(
    matcher: &Matcher,
    rules: &[Rule],
    table: &LineTable<'_>,
    index: usize,
    from: usize,
) -> Option<u32> {
    let automaton = matcher.automaton()?;
    let doc = table.doc();
    let line = table.line(index);
    let (trim_start, trim_end) = table.trim_span(index);
    let trim = (
        trim_start,
        trim_start + lines::bullet_len(table.trimmed(index)),
        trim_end,
    );
    let mut winner: Option<u32> = None;
    // Rules whose guards already failed here, so a rule with several markers on one line
    // runs its regex once.
    let mut failed: Vec<u32> = Vec::new();
    let input = aho_corasick::Input::new(doc).range(from.max(line.start)..line.content_end);
    for hit in automaton.find_overlapping_iter(input) {
        let rule_index = matcher.rule_of(hit.pattern().as_usize());
        if winner.is_some_and(|w| !outranks(rules, rule_index, w)) || failed.contains(&rule_index) {
            continue;
        }
        let rule = &rules[rule_index as usize];
        if !placed(rule.where_(), (hit.start(), hit.end()), trim) {
            continue;
        }
        if rule.case() == Case::Sensitive
            && doc[hit.start()..hit.end()] != *matcher.marker(hit.pattern().as_usize())
        {
            continue;
        }
        if !rule.guards_pass(table, index) {
            failed.push(rule_index);
            continue;
        }
        winner = Some(rule_index);
    }
    winner
}
