//! Rule markers → one overlapping Aho-Corasick automaton, built for anchored search, with
//! a table from pattern id to rule, and the cheap tests that tell how much of a line
//! needs searching. This is the only place markers are compiled; its cost
//! is benchmarked apart from cleaning.

use std::ops::Range;

use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::contiguous;
use aho_corasick::{AhoCorasickKind, Anchored, MatchKind, StartKind, dfa};

use crate::clean::LineTable;
use crate::error::{Error, Result};
use crate::rules::{Rule, Where};

/// Up to this many bytes of markers in total, the automaton is built as a DFA (fastest
/// to search, about 1 KiB of table per marker byte at worst); above it, as a contiguous
/// NFA, so that very large rule sets (100,000 markers) compile in bounded memory.
pub const DFA_MAX_MARKER_BYTES: usize = 64 * 1024;

/// At most this many symbols gate a `contains` rule; a rule whose markers need more
/// is gated by its guards alone.
const MAX_GATE_SYMBOLS: usize = 3;

/// Where on a line the markers of a rule set can matter beyond its start: the cheap
/// tests that tell whether a line needs an unanchored search at all.
#[derive(Debug, Clone)]
pub(crate) struct Reach {
    /// What each `contains` rule needs of a line before the line is searched in full.
    contains: Vec<ContainsGate>,
    /// For each last two bytes of a line (ASCII lower case, see [`suffix_key`]), the
    /// longest `ends` marker ending with them: how much of the line's end needs
    /// searching (0: none; a one-byte marker counts for every byte before it).
    ends_windows: Vec<u16>,
}

/// What a line must have for a `contains` rule to fire on it, whatever its markers:
/// the rule's guards, and one of the symbols its markers hold.
#[derive(Debug, Clone)]
struct ContainsGate {
    rule: Rule,
    /// Symbols one of which every marker of the rule holds; `None` when some marker
    /// holds none, or the rule would need too many.
    symbols: Option<Symbols>,
}

/// The markers of a `contains` rule, each found by the first byte of its first run of
/// symbols (`©`, `(`): a line holds one of them only if one of those bytes, at most
/// three distinct ones, starts the marker's symbols there.
#[derive(Debug, Clone)]
struct Symbols {
    /// Each marker with the offset of its first symbol byte.
    markers: Vec<(Box<[u8]>, usize)>,
    /// The distinct first symbol bytes, the last repeated to fill three.
    firsts: [u8; MAX_GATE_SYMBOLS],
}

impl Symbols {
    /// `None` when some marker holds no symbol, or the markers' symbols start with more
    /// than [`MAX_GATE_SYMBOLS`] distinct bytes.
    fn of(markers: &[String]) -> Option<Symbols> {
        let mut firsts: Vec<u8> = Vec::new();
        let mut found = Vec::new();
        for marker in markers.iter().map(String::as_bytes) {
            let offset = marker.iter().position(is_symbol)?;
            if !firsts.contains(&marker[offset]) {
                firsts.push(marker[offset]);
            }
            found.push((marker.into(), offset));
        }
        if firsts.is_empty() || firsts.len() > MAX_GATE_SYMBOLS {
            return None;
        }
        let first = |i: usize| firsts[i.min(firsts.len() - 1)];
        Some(Symbols {
            markers: found,
            firsts: [first(0), first(1), first(2)],
        })
    }

    /// True if one of the markers occurs in `line` (ASCII case ignored).
    fn found_in(&self, line: &[u8]) -> bool {
        let [a, b, c] = self.firsts;
        memchr::memchr3_iter(a, b, c, line).any(|at| {
            self.markers.iter().any(|(marker, offset)| {
                at.checked_sub(*offset)
                    .and_then(|start| line.get(start..start + marker.len()))
                    .is_some_and(|text| text.eq_ignore_ascii_case(marker))
            })
        })
    }
}

impl ContainsGate {
    fn of(rule: &Rule) -> ContainsGate {
        ContainsGate {
            rule: rule.clone(),
            symbols: Symbols::of(rule.markers()),
        }
    }

    /// True if the line holds one of the rule's markers (when they all hold a symbol)
    /// and passes the rule's guards, the cheaper tests first.
    fn admits(&self, table: &LineTable<'_>, index: usize) -> bool {
        let start = table.line(index).start;
        self.rule.position().allows(start, table.doc().len())
            && self
                .symbols
                .as_ref()
                .is_none_or(|symbols| symbols.found_in(table.trimmed(index)))
            && self.rule.guards_pass(table, index)
    }
}

/// A symbol byte: neither an ASCII letter, digit nor white space, so the automaton
/// matches it exactly, in any case.
fn is_symbol(byte: &u8) -> bool {
    !byte.is_ascii_alphanumeric() && !byte.is_ascii_whitespace()
}

impl Reach {
    fn of(rules: &[Rule]) -> Reach {
        let mut reach = Reach {
            contains: Vec::new(),
            ends_windows: vec![0; 1 << 16],
        };
        for rule in rules {
            match rule.where_() {
                Where::Contains => reach.contains.push(ContainsGate::of(rule)),
                Where::Ends => {
                    for marker in rule.markers().iter().map(String::as_bytes) {
                        let len = u16::try_from(marker.len()).unwrap_or(u16::MAX);
                        let keys: Vec<usize> = match marker {
                            [.., before, last] => vec![suffix_key(*before, *last)],
                            [last] => (0..=u8::MAX).map(|b| suffix_key(b, *last)).collect(),
                            [] => Vec::new(),
                        };
                        for key in keys {
                            reach.ends_windows[key] = reach.ends_windows[key].max(len);
                        }
                    }
                }
                Where::Starts | Where::Equals => {}
            }
        }
        reach
    }

    /// True if some `contains` rule could fire on line `index` of `table`: the line
    /// passes its guards and holds one of its symbols.
    pub(crate) fn wants_whole_line(&self, table: &LineTable<'_>, index: usize) -> bool {
        self.contains.iter().any(|gate| gate.admits(table, index))
    }

    /// The part of a line's trimmed span `start..end` that can hold an `ends` marker
    /// ending at `end`, if any.
    pub(crate) fn line_end(&self, doc: &[u8], start: usize, end: usize) -> Option<Range<usize>> {
        let (before, last) = match doc[start..end] {
            [.., before, last] => (before, last),
            [last] => (0, last),
            [] => return None,
        };
        let window = usize::from(self.ends_windows[suffix_key(before, last)]);
        (window > 0).then(|| end.saturating_sub(window).max(start)..end)
    }
}

/// The index of two bytes in a table of line endings, ASCII case folded.
fn suffix_key(before: u8, last: u8) -> usize {
    usize::from(before.to_ascii_lowercase()) << 8 | usize::from(last.to_ascii_lowercase())
}

/// An occurrence of a marker: its pattern id and byte span in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Occurrence {
    pub pattern: usize,
    pub start: usize,
    pub end: usize,
}

/// The one automaton over all markers, of the kind chosen by their size.
#[derive(Debug, Clone)]
enum Markers {
    Dfa(dfa::DFA),
    Nfa(contiguous::NFA),
}

/// The compiled markers of a rule set.
#[derive(Debug, Clone)]
pub(crate) struct Matcher {
    automaton: Option<Markers>,
    pattern_rule: Vec<u32>,
    patterns: Vec<Box<[u8]>>,
    reach: Reach,
}

impl Matcher {
    /// Compiles all markers of `rules`; `allow_dfa` false forces the NFA.
    pub(crate) fn new(rules: &[Rule], allow_dfa: bool) -> Result<Matcher> {
        let mut pattern_rule = Vec::new();
        let mut patterns: Vec<Box<[u8]>> = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            let index = u32::try_from(index).map_err(|_| Error::compile("too many rules"))?;
            for marker in rule.markers() {
                pattern_rule.push(index);
                patterns.push(marker.as_bytes().into());
            }
        }
        let reach = Reach::of(rules);
        if patterns.is_empty() {
            return Ok(Matcher {
                automaton: None,
                pattern_rule,
                patterns,
                reach,
            });
        }
        let total: usize = patterns.iter().map(|p| p.len()).sum();
        let compile_error = |err: aho_corasick::BuildError| Error::compile(err.to_string());
        // Without a prefilter, the only special states are dead and match states, which
        // is what `walk` expects.
        let automaton = if allow_dfa && total <= DFA_MAX_MARKER_BYTES {
            Markers::Dfa(
                dfa::DFA::builder()
                    .match_kind(MatchKind::Standard)
                    .ascii_case_insensitive(true)
                    .start_kind(StartKind::Anchored)
                    .prefilter(false)
                    .build(&patterns)
                    .map_err(compile_error)?,
            )
        } else {
            Markers::Nfa(
                contiguous::NFA::builder()
                    .match_kind(MatchKind::Standard)
                    .ascii_case_insensitive(true)
                    .prefilter(false)
                    .build(&patterns)
                    .map_err(compile_error)?,
            )
        };
        Ok(Matcher {
            automaton: Some(automaton),
            pattern_rule,
            patterns,
            reach,
        })
    }

    /// Calls `visit` with every occurrence of every marker in `doc[span]`, or with
    /// `anchored` only those starting at `span.start` (and any marker that is a suffix
    /// of one of them, which ends where it does). The automaton is built for anchored
    /// search only, half the size; the rare unanchored searches (a line's end, a line a
    /// `contains` rule may fire on) run it from every position of the span, so an
    /// occurrence may be reported more than once.
    pub(crate) fn occurrences(
        &self,
        span: Range<usize>,
        anchored: bool,
        doc: &[u8],
        mut visit: impl FnMut(Occurrence),
    ) {
        let hay = &doc[..span.end];
        let starts = if anchored {
            span.start..span.start + 1
        } else {
            span
        };
        for start in starts {
            match &self.automaton {
                Some(Markers::Dfa(dfa)) => walk(dfa, hay, start, &mut visit),
                Some(Markers::Nfa(nfa)) => walk(nfa, hay, start, &mut visit),
                None => return,
            }
        }
    }

    /// Where on a line the markers can matter beyond its start.
    pub(crate) fn reach(&self) -> &Reach {
        &self.reach
    }

    /// True if the rule set has markers to search for.
    pub(crate) fn has_markers(&self) -> bool {
        self.automaton.is_some()
    }

    /// The rule a pattern belongs to.
    pub(crate) fn rule_of(&self, pattern: usize) -> u32 {
        self.pattern_rule[pattern]
    }

    /// The marker bytes of a pattern, as written.
    pub(crate) fn marker(&self, pattern: usize) -> &[u8] {
        &self.patterns[pattern]
    }

    /// The kind of automaton built (`DFA` or `ContiguousNFA`), for `rules list`.
    pub(crate) fn kind(&self) -> Option<AhoCorasickKind> {
        self.automaton.as_ref().map(|markers| match markers {
            Markers::Dfa(_) => AhoCorasickKind::DFA,
            Markers::Nfa(_) => AhoCorasickKind::ContiguousNFA,
        })
    }

    /// Heap bytes used by the automaton.
    pub(crate) fn memory_usage(&self) -> usize {
        self.automaton.as_ref().map_or(0, |markers| match markers {
            Markers::Dfa(dfa) => dfa.memory_usage(),
            Markers::Nfa(nfa) => nfa.memory_usage(),
        })
    }
}

/// Runs `automaton` anchored at `hay[from]` and calls `visit` with each occurrence it
/// reports, until no marker can match any more.
fn walk<A: Automaton>(automaton: &A, hay: &[u8], from: usize, visit: &mut impl FnMut(Occurrence)) {
    let mut state = automaton
        .start_state(Anchored::Yes)
        .expect("the automaton is built for anchored searches");
    for (at, &byte) in hay.iter().enumerate().skip(from) {
        state = automaton.next_state(Anchored::Yes, state, byte);
        if !automaton.is_special(state) {
            continue;
        }
        if automaton.is_dead(state) {
            return;
        }
        let end = at + 1;
        for index in 0..automaton.match_len(state) {
            let pattern = automaton.match_pattern(state, index);
            visit(Occurrence {
                pattern: pattern.as_usize(),
                start: end - automaton.pattern_len(pattern),
                end,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    fn reach(toml: &str) -> Reach {
        Reach::of(RuleSet::from_toml(toml, "t.toml").unwrap().rules())
    }

    /// Whether each line of `doc` would be searched in full.
    fn whole_lines(reach: &Reach, doc: &str) -> Vec<bool> {
        let table = LineTable::new(doc.as_bytes());
        (0..table.len())
            .map(|index| reach.wants_whole_line(&table, index))
            .collect()
    }

    #[test]
    fn symbols_find_the_markers_that_hold_them() {
        let markers = |list: &[&str]| list.iter().map(|m| m.to_string()).collect::<Vec<_>>();
        let symbols = Symbols::of(&markers(&["©", "(c) 20", "SOURCE:"])).unwrap();
        for (line, expected) in [
            ("© Example", true),
            ("(C) 2019 x", true),
            ("x (c) 2019", true),
            ("x (c) 19", false),
            ("(the end)", false),
            ("source: AP", true),
            ("source AP", false),
            ("", false),
        ] {
            assert_eq!(symbols.found_in(line.as_bytes()), expected, "{line}");
        }
        assert!(
            Symbols::of(&markers(&["©", "reply"])).is_none(),
            "a marker without symbol"
        );
        assert!(
            Symbols::of(&markers(&["a!", "b?", "c;", "d:"])).is_none(),
            "four symbols"
        );
    }

    #[test]
    fn contains_rules_search_only_lines_that_could_take_them() {
        let symbols =
            reach("[[rule]]\nname = \"c\"\nmarkers = [\"©\", \"(c) 20\"]\nmax_words = 3\n");
        let doc = "© 2020 Me\nno sign here\n(C) 2020\na (c) b c d e\n";
        assert_eq!(whole_lines(&symbols, doc), [true, false, true, false]);
        let letters = reach("[[rule]]\nname = \"c\"\nmarkers = [\"©\", \"reply\"]\n");
        assert_eq!(whole_lines(&letters, "no sign here\n"), [true]);
        let late = reach("[[rule]]\nname = \"c\"\nmarkers = [\"reply\"]\nafter = 0.5\n");
        assert_eq!(whole_lines(&late, "one\ntwo\n"), [false, true]);
        let pattern = reach("[[rule]]\nname = \"c\"\nmarkers = [\"reply\"]\npattern = '^\\d'\n");
        assert_eq!(whole_lines(&pattern, "1 reply\nno reply\n"), [true, false]);
        let none = reach("[[rule]]\nname = \"s\"\nmarkers = [\"reply\"]\nwhere = \"starts\"\n");
        assert_eq!(whole_lines(&none, "reply\n"), [false]);
    }

    #[test]
    fn ends_rules_search_the_end_of_lines_ending_like_a_marker() {
        let reach =
            reach("[[rule]]\nname = \"e\"\nmarkers = [\"shares\", \"]\"]\nwhere = \"ends\"\n");
        let doc = b"12 SHARES";
        assert_eq!(reach.line_end(doc, 0, doc.len()), Some(3..9));
        assert_eq!(reach.line_end(doc, 5, doc.len()), Some(5..9));
        assert_eq!(reach.line_end(b"a [b]", 0, 5), Some(4..5));
        assert_eq!(reach.line_end(b"]", 0, 1), Some(0..1));
        assert_eq!(reach.line_end(b"a glass", 0, 7), None);
        assert_eq!(reach.line_end(b"12 shares.", 0, 10), None);
        assert_eq!(reach.line_end(b"", 0, 0), None);
    }
}
