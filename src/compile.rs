//! Rule markers → one overlapping Aho-Corasick automaton, with a table from pattern id to
//! rule. This is the only place markers are compiled; its cost is benchmarked apart
//! from cleaning.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::error::{Error, Result};
use crate::rules::Rule;

/// Up to this many bytes of markers in total, the automaton is built as a DFA (fastest
/// to search, about 1 KiB of table per marker byte at worst); above it, as a contiguous
/// NFA, so that very large rule sets (100,000 markers) compile in bounded memory.
pub const DFA_MAX_MARKER_BYTES: usize = 64 * 1024;

/// The compiled markers of a rule set.
#[derive(Debug, Clone)]
pub(crate) struct Matcher {
    automaton: Option<AhoCorasick>,
    pattern_rule: Vec<u32>,
    patterns: Vec<Box<[u8]>>,
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
        if patterns.is_empty() {
            return Ok(Matcher {
                automaton: None,
                pattern_rule,
                patterns,
            });
        }
        let total: usize = patterns.iter().map(|p| p.len()).sum();
        let kind = if allow_dfa && total <= DFA_MAX_MARKER_BYTES {
            AhoCorasickKind::DFA
        } else {
            AhoCorasickKind::ContiguousNFA
        };
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .kind(Some(kind))
            .build(&patterns)
            .map_err(|err| Error::compile(err.to_string()))?;
        Ok(Matcher {
            automaton: Some(automaton),
            pattern_rule,
            patterns,
        })
    }

    /// The automaton, or `None` when there are no markers.
    pub(crate) fn automaton(&self) -> Option<&AhoCorasick> {
        self.automaton.as_ref()
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
        self.automaton.as_ref().map(AhoCorasick::kind)
    }

    /// Heap bytes used by the automaton.
    pub(crate) fn memory_usage(&self) -> usize {
        self.automaton.as_ref().map_or(0, AhoCorasick::memory_usage)
    }
}
