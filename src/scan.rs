//! The automaton over each line of a document → for each line, the rule that fires on it.
//!
//! Each occurrence of a marker is checked against its own rule: `where`, case, position,
//! `max_words` and `pattern`, for that line only; there is no loop over rules or markers
//! on the text. Where on a line the automaton looks depends on where the rule set's
//! markers may sit, so that a line is read only as far as some rule could fire on it.

use crate::compile::{Matcher, Occurrence};
use crate::error::Result;
use crate::lines;
use crate::lines::LineTable;
use crate::rules::{Case, Rule, Where};
use crate::stop::StopFlag;

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
/// last two bytes would start; and when some `contains` rule could fire on it (see
/// [`Matcher::reach`]), all of it is searched in one unanchored pass.
///
/// With `stop`, the scan gives up with an `Interrupted` error once the flag is set,
/// checked every [`LINES_PER_STOP_CHECK`] lines.
pub(crate) fn scan(
    matcher: &Matcher,
    rules: &[Rule],
    table: &LineTable<'_>,
    stop: Option<&StopFlag>,
) -> Result<Vec<Firing>> {
    let mut firings: Vec<Firing> = Vec::new();
    if !matcher.has_markers() {
        return Ok(firings);
    }
    let whole_lines = matcher.reach().whole_lines(rules, table);
    for (k, &line) in table.non_blank().iter().enumerate() {
        if k % LINES_PER_STOP_CHECK == 0
            && let Some(stop) = stop
        {
            stop.check()?;
        }
        let whole = whole_lines.get(line) == Some(&true);
        if let Some(rule) = winner_on_line(matcher, rules, table, line, whole) {
            firings.push(Firing { line, rule });
        }
    }
    Ok(firings)
}

/// How often a scan looks at its stop flag: rarely enough to cost nothing, often enough
/// that a document of millions of lines stops within milliseconds.
const LINES_PER_STOP_CHECK: usize = 1024;

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
        // Every occurrence on the line, its start and bullet among them, in one pass.
        matcher.occurrences_within(trim_start..trim_end, doc, |hit| judge.consider(hit));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;
    use crate::steps;

    /// The firings on `doc` of the rules in `toml`, and the automaton steps and gate bytes
    /// it took to find them.
    fn firings(toml: &str, doc: &[u8]) -> (Vec<Firing>, u64) {
        let rules = RuleSet::from_toml(toml, "t.toml").unwrap();
        let matcher = Matcher::new(rules.rules(), true).unwrap();
        let table = LineTable::new(doc);
        let before = steps::taken();
        let found = scan(&matcher, rules.rules(), &table, None).unwrap();
        let taken = steps::taken() - before;
        table.give_back();
        (found, taken)
    }

    #[test]
    fn a_long_contains_marker_costs_one_pass_over_the_line() {
        // Every position of the line starts a prefix of the marker: searched from each
        // position, this took line × marker steps (2.7 × 10^8 here).
        let marker = format!("{}b", "a".repeat(4096));
        let toml = format!("[[rule]]\nname = \"long\"\nmarkers = [\"{marker}\"]\n");
        let mut doc = "a".repeat(1 << 16).into_bytes();
        let (found, taken) = firings(&toml, &doc);
        assert!(found.is_empty());
        assert!(taken <= 2 * doc.len() as u64, "{taken} steps");
        doc.extend_from_slice(b"b\nnext line\n");
        let (found, taken) = firings(&toml, &doc);
        assert_eq!(found, [Firing { line: 0, rule: 0 }]);
        assert!(taken <= 2 * doc.len() as u64, "{taken} steps");
    }

    #[test]
    fn a_long_symbol_marker_costs_a_bounded_gate_per_symbol() {
        // Every byte pair of the line is a `©`, the marker's first symbol: compared in
        // full at each, the gate took line × marker bytes (4 × 10^7 here).
        let marker = "©".repeat(1000);
        let toml = format!("[[rule]]\nname = \"signs\"\nmarkers = [\"{marker}\"]\n");
        let doc = format!("{}\n", "©".repeat(20_000)).into_bytes();
        let (found, taken) = firings(&toml, &doc);
        assert_eq!(found, [Firing { line: 0, rule: 0 }]);
        assert!(taken <= 40 * doc.len() as u64, "{taken} steps");
    }

    /// The occurrences of every marker on every line of `doc`, searched from each position
    /// with the anchored automaton (the old way, obviously complete) and in one
    /// unanchored pass (the new way).
    fn occurrences_both_ways(matcher: &Matcher, doc: &[u8]) -> [Vec<(usize, usize, usize)>; 2] {
        let table = LineTable::new(doc);
        let mut each_position = Vec::new();
        let mut one_pass = Vec::new();
        for index in 0..table.len() {
            let (start, end) = table.trim_span(index);
            matcher.occurrences(start..end, end, doc, |hit| {
                each_position.push((hit.pattern, hit.start, hit.end));
            });
            matcher.occurrences_within(start..end, doc, |hit| {
                one_pass.push((hit.pattern, hit.start, hit.end));
            });
        }
        table.give_back();
        for list in [&mut each_position, &mut one_pass] {
            list.sort_unstable();
            list.dedup();
        }
        [each_position, one_pass]
    }

    #[test]
    fn one_pass_finds_what_a_search_from_every_position_finds() {
        let markers = ["ab", "b", "abab", "Ba", "a b", "bb", "©", "b©a"];
        // A small generator: documents of the markers' letters, spaces and line breaks.
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for dfa in [true, false] {
            for round in 0..200 {
                let chosen: Vec<&str> = markers.iter().copied().filter(|_| next(2) == 0).collect();
                let chosen = if chosen.is_empty() {
                    vec!["ab"]
                } else {
                    chosen
                };
                let list: Vec<String> = chosen.iter().map(|m| format!("\"{m}\"")).collect();
                let toml = format!("[[rule]]\nname = \"r\"\nmarkers = [{}]\n", list.join(", "));
                let rules = RuleSet::from_toml(&toml, "t.toml").unwrap();
                let matcher = Matcher::new(rules.rules(), dfa).unwrap();
                let pieces = ["a", "b", "B", " ", "\n", "©", "ab", "  "];
                let doc: String = (0..next(40)).map(|_| pieces[next(pieces.len())]).collect();
                let [each_position, one_pass] = occurrences_both_ways(&matcher, doc.as_bytes());
                assert_eq!(
                    one_pass, each_position,
                    "round {round}, dfa {dfa}: {doc:?} {chosen:?}"
                );
            }
        }
    }
}
