//! Rule markers → one overlapping Aho-Corasick automaton, with a table from pattern id to
//! rule. This is the only place markers are compiled; its cost is benchmarked apart from
//! cleaning.
//!
//! The automaton is run two ways. *Anchored* at a few positions of a line (its start,
//! after its bullet, where an `ends` marker would start), each walk stopping as soon as
//! no marker can match any more. *Unanchored* over a whole line, when some `contains`
//! rule could fire on it: one pass, one transition per byte, however long the markers
//! are (running an anchored walk from every position instead costs up to line × marker
//! bytes).

use std::ops::Range;

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::nfa::contiguous;
use aho_corasick::{AhoCorasickKind, Anchored, MatchKind, StartKind, dfa};

use crate::error::{Error, Result};
use crate::reach::Reach;
use crate::rules::{Rule, Where};
use crate::steps;

/// Up to this many bytes of markers in total, the automaton is built as a DFA (one
/// table load per byte); above it, as a contiguous NFA. A DFA takes about 640 bytes of
/// table per marker byte (the default pack: 23 KiB of markers, a 14.5 MiB DFA), and a
/// walk from a line start reads only a few states, so what matters is whether those
/// states are in cache: past about 1 MiB (an L2 cache) the NFA's far smaller table
/// (462 KiB for the default pack) searches faster (measured: -j1 CPU 0.46 s with the
/// DFA, 0.44 s with the NFA, on 200 MB of the compare corpus). Very large rule sets
/// (100,000 markers) also compile in bounded memory this way.
pub(crate) const DFA_MAX_MARKER_BYTES: usize = 1536;

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
        // The unanchored start (which doubles a DFA) serves `contains` rules only.
        let start_kind = if rules.iter().any(|rule| rule.where_() == Where::Contains) {
            StartKind::Both
        } else {
            StartKind::Anchored
        };
        let compile_error = |err: aho_corasick::BuildError| Error::compile(err.to_string());
        // Without a prefilter, the only special states are dead and match states, which
        // is what `walk` expects.
        let automaton = if allow_dfa && total <= DFA_MAX_MARKER_BYTES {
            Markers::Dfa(
                dfa::DFA::builder()
                    .match_kind(MatchKind::Standard)
                    .ascii_case_insensitive(true)
                    .start_kind(start_kind)
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

    /// Runs the automaton from each of `starts` over `doc[..end]` and calls
    /// `visit` with every occurrence it reports: the markers that start there (and any
    /// marker that is a suffix of one of them). Each walk stops as soon as no marker can
    /// match any more.
    pub(crate) fn occurrences(
        &self,
        starts: impl IntoIterator<Item = usize>,
        end: usize,
        doc: &[u8],
        mut visit: impl FnMut(Occurrence),
    ) {
        let hay = &doc[..end];
        match &self.automaton {
            Some(Markers::Dfa(dfa)) => starts
                .into_iter()
                .for_each(|start| walk(dfa, hay, start, &mut visit)),
            Some(Markers::Nfa(nfa)) => starts
                .into_iter()
                .for_each(|start| walk(nfa, hay, start, &mut visit)),
            None => {}
        }
    }

    /// Calls `visit` with every occurrence of every marker inside `doc[span]`, in one
    /// unanchored pass over it. Only for a rule set with a `contains` rule.
    pub(crate) fn occurrences_within(
        &self,
        span: Range<usize>,
        doc: &[u8],
        mut visit: impl FnMut(Occurrence),
    ) {
        match &self.automaton {
            Some(Markers::Dfa(dfa)) => pass(dfa, doc, span, &mut visit),
            Some(Markers::Nfa(nfa)) => pass(nfa, doc, span, &mut visit),
            None => {}
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
        steps::count();
        state = automaton.next_state(Anchored::Yes, state, byte);
        if !automaton.is_special(state) {
            continue;
        }
        if automaton.is_dead(state) {
            return;
        }
        report(automaton, state, at + 1, visit);
    }
}

/// Runs `automaton` unanchored over `doc[span]`, one transition per byte, and calls
/// `visit` with every occurrence inside the span.
fn pass<A: Automaton>(
    automaton: &A,
    doc: &[u8],
    span: Range<usize>,
    visit: &mut impl FnMut(Occurrence),
) {
    let mut state = automaton
        .start_state(Anchored::No)
        .expect("the automaton is built for unanchored searches when a rule has `contains`");
    let start = span.start;
    for (offset, &byte) in doc[span].iter().enumerate() {
        steps::count();
        state = automaton.next_state(Anchored::No, state, byte);
        // A start state may be special too; only a match state has something to report.
        // An unanchored search never dies: every byte can begin a marker.
        if automaton.is_special(state) && automaton.is_match(state) {
            report(automaton, state, start + offset + 1, visit);
        }
    }
}

/// Calls `visit` with each marker that match state `state` holds, ending at `end`.
fn report<A: Automaton>(
    automaton: &A,
    state: StateID,
    end: usize,
    visit: &mut impl FnMut(Occurrence),
) {
    for index in 0..automaton.match_len(state) {
        let pattern = automaton.match_pattern(state, index);
        visit(Occurrence {
            pattern: pattern.as_usize(),
            start: end - automaton.pattern_len(pattern),
            end,
        });
    }
}
