//! The automaton over each line of a document → for each line, the rule that fires on it.
//!
//! Each occurrence of a marker is checked against its own rule: `where`, case, position,
//! `max_words` and `pattern`, for that line only; there is no loop over rules or markers
//! on the text. Where on a line the automaton looks depends on where the rule set's
//! markers may sit, so that a line is read only as far as some rule could fire on it.

use crate::compile::{Matcher, Occurrence};
use crate::lines;
use crate::lines::LineTable;
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
/// Most markers may only sit at the start of a line (`starts`, `equals`), so each line
/// is first searched *anchored* at its start and after its list bullet, which reads a
/// few bytes of it rather than all of them. Only the markers that may sit elsewhere
/// need more: the line is also searched from where each `ends` marker that ends with its
/// last two bytes would start, and from every position when some `contains` rule could
/// fire on it (see [`Matcher::reach`]).
pub(crate) fn scan(matcher: &Matcher, rules: &[Rule], table: &LineTable<'_>) -> Vec<Firing> {
    let mut firings: Vec<Firing> = Vec::new();
    if !matcher.has_markers() {
        return firings;
    }
    let whole_lines = matcher.reach().whole_lines(rules, table);
    for &line in table.non_blank() {
        let whole = whole_lines.get(line) == Some(&true);
        if let Some(rule) = winner_on_line(matcher, rules, table, line, whole) {
            firings.push(Firing { line, rule });
        }
    }
    firings
}

/// The rule that wins on line `index`, from every marker occurrence that could be placed
/// where its rule wants it; with `whole`, a `contains` rule may fire on the line, so all
/// of it is searched.
fn winner_on_line(
    matcher: &Matcher,
    rules: &[Rule],
    table: &LineTable<'_>,
    index: usize,
    whole: bool,
) -> Option<u32> {
    let doc = table.doc();
    let (trim_start, trim_end) = table.trim_span(index);
    let body_start = trim_start + lines::bullet_len(table.trimmed(index));
    let mut judge = Judge {
        matcher,
        rules,
        table,
        index,
        trim: (trim_start, body_start, trim_end),
        winner: None,
        failed: Vec::new(),
    };
    if whole {
        // Every position of the line, its start and bullet among them.
        let starts = trim_start..trim_end;
        matcher.occurrences(starts, trim_end, doc, |hit| judge.consider(hit));
    } else {
        // The line's start, the text after its bullet, and where an `ends` marker
        // could start.
        let anchors = [
            Some(trim_start),
            (body_start != trim_start).then_some(body_start),
        ];
        let ends = matcher.reach().ends_starts(doc, trim_start, trim_end);
        let starts = anchors
            .into_iter()
            .flatten()
            .chain(ends.filter(|&start| start != trim_start && start != body_start));
        matcher.occurrences(starts, trim_end, doc, |hit| judge.consider(hit));
    }
    judge.winner
}

/// Checks marker occurrences on one line against their rules and keeps the winner.
struct Judge<'m, 't> {
    matcher: &'m Matcher,
    rules: &'m [Rule],
    table: &'m LineTable<'t>,
    index: usize,
    /// The line's trimmed start, text start after a bullet, and trimmed end.
    trim: (usize, usize, usize),
    winner: Option<u32>,
    /// Rules whose guards already failed here, so a rule with several markers on one
    /// line runs its regex once.
    failed: Vec<u32>,
}

impl Judge<'_, '_> {
    fn consider(&mut self, hit: Occurrence) {
        let rule_index = self.matcher.rule_of(hit.pattern);
        if self
            .winner
            .is_some_and(|w| !outranks(self.rules, rule_index, w))
            || self.failed.contains(&rule_index)
        {
            return;
        }
        let rule = &self.rules[rule_index as usize];
        if !placed(rule.where_(), (hit.start, hit.end), self.trim) {
            return;
        }
        if rule.case() == Case::Sensitive
            && self.table.doc()[hit.start..hit.end] != *self.matcher.marker(hit.pattern)
        {
            return;
        }
        if !rule.guards_pass(self.table, self.index) {
            self.failed.push(rule_index);
            return;
        }
        self.winner = Some(rule_index);
    }
}
