//! The cheap tests that tell how much of a line the automaton needs to read: whether some
//! `contains` rule could fire on it (so the whole line is searched), and where an `ends`
//! marker could start on it. A line passing neither is searched only at its start, for
//! `starts` and `equals` markers.

use std::collections::{BTreeSet, HashMap};

use crate::lines::LineTable;
use crate::rules::{Rule, Where};

/// At most this many symbols gate a `contains` rule; a rule whose markers need more
/// is gated by its guards alone.
const MAX_GATE_SYMBOLS: usize = 3;

/// At most this many markers are gated by their symbols; a rule with more is gated by
/// its guards alone, so that the gate's work per symbol on a line stays bounded.
const MAX_GATE_MARKERS: usize = 64;

/// Bytes of a marker compared around its first symbol: enough to tell markers apart,
/// and bounded, so that a long marker does not cost its length at every symbol of a
/// line. A line that matches only these bytes is searched in full, which finds out.
const GATE_WINDOW: usize = 32;

/// Where on a line the markers of a rule set can matter beyond its start: the cheap
/// tests that tell whether a line needs an unanchored search at all.
#[derive(Debug, Clone)]
pub(crate) struct Reach {
    /// What each `contains` rule needs of a line before the line is searched in full.
    contains: Vec<ContainsGate>,
    /// True when some `contains` rule has neither a symbol in every marker nor a guard:
    /// it could fire on any line, so every line is searched in full and no gate is
    /// tried (with thousands of such rules, trying each on each line would cost rules ×
    /// lines).
    every_line: bool,
    /// For each last two bytes of a line (ASCII lower case, see [`pair_key`]), the index
    /// in `ends_lengths` of the lengths of the `ends` markers ending with them (a
    /// one-byte marker ends with every pair that ends with its byte).
    ends_sets: Vec<u32>,
    /// The distinct sets of `ends` marker lengths, each longest first; set 0 is empty.
    ends_lengths: Vec<Vec<usize>>,
}

/// What a line must have for a `contains` rule to fire on it: one of the rule's
/// markers (when each holds a symbol), and the rule's guards.
#[derive(Debug, Clone)]
struct ContainsGate {
    /// Index of the rule.
    rule: usize,
    /// The rule's markers, found by their symbols; `None` when some marker holds no
    /// symbol, or the markers' symbols start with too many distinct bytes.
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
        if markers.len() > MAX_GATE_MARKERS {
            return None;
        }
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

    /// The lines of `table` that may hold one of the markers within their trimmed span
    /// (ASCII case ignored), in order, a line once per occurrence: each marker is
    /// compared over at most [`GATE_WINDOW`] bytes around its first symbol, so a line
    /// found here may still not hold it. The document is searched for the symbol bytes
    /// in one pass, not line by line.
    fn lines_in<'t>(&'t self, table: &'t LineTable<'_>) -> impl Iterator<Item = usize> + 't {
        let doc = table.doc();
        let [a, b, c] = self.firsts;
        memchr::memchr3_iter(a, b, c, doc).flat_map(move |at| {
            self.markers.iter().filter_map(move |(marker, offset)| {
                let start = at.checked_sub(*offset)?;
                let end = start + marker.len();
                if end > doc.len() {
                    return None;
                }
                let from = offset.saturating_sub(GATE_WINDOW / 2);
                let to = marker.len().min(from + GATE_WINDOW);
                crate::steps::add(to - from);
                if !doc[start + from..start + to].eq_ignore_ascii_case(&marker[from..to]) {
                    return None;
                }
                let index = table.line_at(start);
                let (trim_start, trim_end) = table.trim_span(index);
                (start >= trim_start && end <= trim_end).then_some(index)
            })
        })
    }
}

impl ContainsGate {
    /// Marks in `whole` the lines of `table` that hold one of the rule's markers (every
    /// non-blank line when they do not all hold a symbol) and pass the rule's guards.
    fn mark(&self, rules: &[Rule], table: &LineTable<'_>, whole: &mut [bool]) {
        let rule = &rules[self.rule];
        let mark = |index: usize| {
            if !whole[index] && rule.guards_pass(table, index) {
                whole[index] = true;
            }
        };
        match &self.symbols {
            Some(symbols) => symbols.lines_in(table).for_each(mark),
            None => table.non_blank().iter().copied().for_each(mark),
        }
    }
}

/// A symbol byte: neither an ASCII letter, digit nor white space, so the automaton
/// matches it exactly, in any case.
fn is_symbol(byte: &u8) -> bool {
    !byte.is_ascii_alphanumeric() && !byte.is_ascii_whitespace()
}

impl Reach {
    /// The gates of `rules`.
    pub(crate) fn of(rules: &[Rule]) -> Reach {
        let mut contains = Vec::new();
        let mut ends: HashMap<usize, BTreeSet<usize>> = HashMap::new();
        for (index, rule) in rules.iter().enumerate() {
            match rule.where_() {
                Where::Contains => contains.push(ContainsGate {
                    rule: index,
                    symbols: Symbols::of(rule.markers()),
                }),
                Where::Ends => {
                    for marker in rule.markers().iter().map(String::as_bytes) {
                        let keys: Vec<usize> = match marker {
                            [.., before, last] => vec![pair_key(*before, *last)],
                            [last] => (0..=u8::MAX).map(|b| pair_key(b, *last)).collect(),
                            [] => Vec::new(),
                        };
                        for key in keys {
                            ends.entry(key).or_default().insert(marker.len());
                        }
                    }
                }
                Where::Starts | Where::Equals => {}
            }
        }
        let mut ends_sets = vec![0; 1 << 16];
        let mut ends_lengths: Vec<Vec<usize>> = vec![Vec::new()];
        let mut set_index: HashMap<Vec<usize>, u32> = HashMap::new();
        for (key, lengths) in ends {
            let lengths: Vec<usize> = lengths.into_iter().rev().collect();
            ends_sets[key] = *set_index.entry(lengths.clone()).or_insert_with(|| {
                ends_lengths.push(lengths);
                u32::try_from(ends_lengths.len() - 1).expect("at most one set per pair")
            });
        }
        let every_line = contains
            .iter()
            .any(|gate| gate.symbols.is_none() && !rules[gate.rule].has_guards());
        Reach {
            contains,
            every_line,
            ends_sets,
            ends_lengths,
        }
    }

    /// For each line of `table`, whether some `contains` rule of `rules` (the rules the
    /// gates were made of) could fire on it; empty when the rules have no `contains`
    /// rule.
    pub(crate) fn whole_lines(&self, rules: &[Rule], table: &LineTable<'_>) -> Vec<bool> {
        if self.contains.is_empty() {
            return Vec::new();
        }
        if self.every_line {
            return vec![true; table.len()];
        }
        let mut whole = vec![false; table.len()];
        for gate in &self.contains {
            gate.mark(rules, table, &mut whole);
        }
        whole
    }

    /// Where in a line's trimmed span `start..end` an `ends` marker ending at `end` could
    /// start, in order: one position per length of the markers that end with the line's
    /// last two bytes.
    pub(crate) fn ends_starts(
        &self,
        doc: &[u8],
        start: usize,
        end: usize,
    ) -> impl Iterator<Item = usize> + '_ {
        let key = match doc[start..end] {
            [.., before, last] => pair_key(before, last),
            [last] => pair_key(0, last),
            [] => pair_key(0, 0),
        };
        let lengths = &self.ends_lengths[self.ends_sets[key] as usize];
        lengths
            .iter()
            .filter(move |&&len| len <= end - start)
            .map(move |&len| end - len)
    }
}

/// The index of two bytes in a table of line endings, ASCII case folded.
fn pair_key(before: u8, last: u8) -> usize {
    usize::from(before.to_ascii_lowercase()) << 8 | usize::from(last.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    fn reach(toml: &str) -> (Reach, RuleSet) {
        let rules = RuleSet::from_toml(toml, "t.toml").unwrap();
        (Reach::of(rules.rules()), rules)
    }

    /// Whether each line of `doc` would be searched in full.
    fn whole_lines((reach, rules): &(Reach, RuleSet), doc: &str) -> Vec<bool> {
        let table = LineTable::new(doc.as_bytes());
        let whole = reach.whole_lines(rules.rules(), &table);
        (0..table.len())
            .map(|index| whole.get(index) == Some(&true))
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
            let table = LineTable::new(line.as_bytes());
            let found: Vec<usize> = symbols.lines_in(&table).collect();
            assert_eq!(found == [0], expected, "{line}");
        }
        // Lines are told apart, and found once per occurrence.
        let table = LineTable::new("x\n  © a ©\n(c)\n20 ©\n".as_bytes());
        assert_eq!(symbols.lines_in(&table).collect::<Vec<_>>(), [1, 1, 3]);
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
        assert!(
            letters.0.every_line,
            "no symbol and no guard: no gate is tried"
        );
        let guarded = reach("[[rule]]\nname = \"c\"\nmarkers = [\"reply\"]\nmax_words = 1\n");
        assert!(!guarded.0.every_line);
        assert_eq!(whole_lines(&guarded, "reply\ntwo words\n"), [true, false]);
        let late = reach("[[rule]]\nname = \"c\"\nmarkers = [\"reply\"]\nafter = 0.5\n");
        assert_eq!(whole_lines(&late, "one\ntwo\n"), [false, true]);
        let pattern = reach("[[rule]]\nname = \"c\"\nmarkers = [\"reply\"]\npattern = '^\\d'\n");
        assert_eq!(whole_lines(&pattern, "1 reply\nno reply\n"), [true, false]);
        let none = reach("[[rule]]\nname = \"s\"\nmarkers = [\"reply\"]\nwhere = \"starts\"\n");
        assert_eq!(whole_lines(&none, "reply\n"), [false]);
    }

    #[test]
    fn ends_rules_search_where_a_marker_would_start() {
        let (reach, _) = reach(
            "[[rule]]\nname = \"e\"\nmarkers = [\"shares\", \"res\", \"]\"]\nwhere = \"ends\"\n",
        );
        let starts =
            |doc: &[u8], start: usize| reach.ends_starts(doc, start, doc.len()).collect::<Vec<_>>();
        assert_eq!(starts(b"12 SHARES", 0), [3, 6]);
        assert_eq!(starts(b"12 SHARES", 5), [6]);
        assert_eq!(starts(b"a [b]", 0), [4]);
        assert_eq!(starts(b"]", 0), [0]);
        assert!(starts(b"a glass", 0).is_empty());
        assert!(starts(b"12 shares.", 0).is_empty());
        assert!(starts(b"", 0).is_empty());
    }
}
