//! One automaton pass over a document → for each line, the rule that fires on it.
//!
//! Matches come in order of their end offset, and no marker spans a line break, so a
//! cursor over the line table maps each match to its line without searching. The rule's
//! `where`, case, position, `max_words` and `pattern` are then checked for that line
//! only; there is no loop over rules or markers on the text.

use crate::clean::LineTable;
use crate::compile::Matcher;
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
/// given the trimmed span `trim_start..trim_end` of its line.
fn placed(
    where_: Where,
    (start, end): (usize, usize),
    (trim_start, trim_end): (usize, usize),
) -> bool {
    let inside = start >= trim_start && end <= trim_end;
    inside
        && match where_ {
            Where::Contains => true,
            Where::Starts => start == trim_start,
            Where::Ends => end == trim_end,
            Where::Equals => start == trim_start && end == trim_end,
        }
}

/// Finds, for each line with at least one firing rule, the rule that wins on it.
/// Firings come out in line order.
pub(crate) fn scan(matcher: &Matcher, rules: &[Rule], table: &LineTable<'_>) -> Vec<Firing> {
    let mut firings: Vec<Firing> = Vec::new();
    let Some(automaton) = matcher.automaton() else {
        return firings;
    };
    let doc = table.doc();
    let mut cursor = 0;
    // Rules whose guards already failed on the cursor's line, so a rule with several
    // markers on one line runs its regex once.
    let mut failed: Vec<u32> = Vec::new();
    for hit in automaton.find_overlapping_iter(doc) {
        let last_byte = hit.end() - 1;
        if table.line(cursor).end <= last_byte {
            failed.clear();
            while table.line(cursor).end <= last_byte {
                cursor += 1;
            }
        }
        let rule_index = matcher.rule_of(hit.pattern().as_usize());
        let current = firings.last().filter(|f| f.line == cursor);
        if current.is_some_and(|f| !outranks(rules, rule_index, f.rule))
            || failed.contains(&rule_index)
        {
            continue;
        }
        let rule = &rules[rule_index as usize];
        let line = table.line(cursor);
        let trim = table.trim_span(cursor);
        if !placed(rule.where_(), (hit.start(), hit.end()), trim) {
            continue;
        }
        if rule.case() == Case::Sensitive
            && doc[hit.start()..hit.end()] != *matcher.marker(hit.pattern().as_usize())
        {
            continue;
        }
        if !rule.guards_pass(table.trimmed(cursor), line.start, doc.len()) {
            failed.push(rule_index);
            continue;
        }
        let firing = Firing {
            line: cursor,
            rule: rule_index,
        };
        match firings.last_mut() {
            Some(last) if last.line == cursor => *last = firing,
            _ => firings.push(firing),
        }
    }
    firings
}
