//! A naive oracle cleaner — plain loops over lines, rules and markers — that must agree
//! with the automaton cleaner on random documents and random rule sets; plus the
//! identity properties of DESIGN §1.

use boilerstrip::formats::compress::{Codec, Encoder};
use boilerstrip::formats::text::TextOptions;
use boilerstrip::formats::{self, Format, InputOptions, warc};
use boilerstrip::lines::{self, word_count};
use boilerstrip::normal::normalize;
use boilerstrip::pipeline::{Pipeline, PipelineOptions, Silent};
use boilerstrip::rules::{Action, Case, Rule, Where};
use boilerstrip::{Cleaner, RuleSet};
use proptest::prelude::*;

/// The fate of each line according to the naive reading of the rule language.
fn oracle(rules: &RuleSet, doc: &[u8]) -> Vec<Option<String>> {
    let lines: Vec<_> = lines::split(doc).collect();
    let trimmed: Vec<&[u8]> = lines
        .iter()
        .map(|l| lines::trimmed(l.content(doc)))
        .collect();
    let blank: Vec<bool> = trimmed.iter().map(|t| t.is_empty()).collect();

    // Which rule wins on each line: strongest action, then earliest rule.
    let winner: Vec<Option<&Rule>> = (0..lines.len())
        .map(|i| {
            rules
                .rules()
                .iter()
                .filter(|rule| fires(rule, trimmed[i], lines[i].start, doc.len()))
                .fold(None, |best: Option<&Rule>, rule| match best {
                    Some(b) if b.action() >= rule.action() => Some(b),
                    _ => Some(rule),
                })
        })
        .collect();

    // A `rest` firing opens no rest on a menu's entry: a line whose text (after a list
    // bullet, ASCII case aside) two of the 600 lines before it hold, with no line of 20 or
    // more words after them.
    let body = |k: usize| &trimmed[k][lines::bullet_len(trimmed[k])..];
    let menu_entry = |i: usize| {
        let mut copies = 0;
        for k in (i.saturating_sub(600)..i).rev() {
            if word_count(trimmed[k], 20) >= 20 {
                break;
            }
            copies += usize::from(body(k).eq_ignore_ascii_case(body(i)));
        }
        copies >= 2
    };

    let mut fates: Vec<Option<String>> = vec![None; lines.len()];
    if let Some(rule) = winner
        .iter()
        .flatten()
        .find(|r| r.action() == Action::Document)
    {
        return vec![Some(rule.name().to_string()); lines.len()];
    }
    for j in 0..lines.len() {
        if let Some(rule) = winner[j] {
            fates[j] = Some(rule.name().to_string());
            continue;
        }
        let earliest_rest = (0..j)
            .find(|&i| winner[i].is_some_and(|r| r.action() == Action::Rest) && !menu_entry(i));
        if let Some(i) = earliest_rest {
            fates[j] = Some(winner[i].unwrap().name().to_string());
            continue;
        }
        let open_block = (0..j).rev().find(|&i| {
            winner[i].is_some_and(|r| r.action() == Action::Block) && !(i + 1..=j).any(|k| blank[k])
        });
        if let Some(i) = open_block {
            fates[j] = Some(winner[i].unwrap().name().to_string());
        }
    }

    let detectors = rules.detectors();
    if let Some(settings) = detectors.repeated() {
        let max = settings.max_words() as usize;
        let forms: Vec<Option<Vec<u8>>> = trimmed
            .iter()
            .map(|t| {
                let form = normalize(t);
                (!t.is_empty() && word_count(t, max) <= max && !form.is_empty()).then_some(form)
            })
            .collect();
        for i in 0..lines.len() {
            let copies = forms
                .iter()
                .filter(|f| f.is_some() && **f == forms[i])
                .count();
            if fates[i].is_none() && forms[i].is_some() && copies >= 2 {
                fates[i] = Some("repeated".into());
            }
        }
    }
    if let Some(settings) = detectors.orphan() {
        let max = settings.max_words() as usize;
        loop {
            let mut changed = false;
            for i in 0..lines.len() {
                if blank[i] || fates[i].is_some() || word_count(trimmed[i], max) > max {
                    continue;
                }
                let prev = (0..i).rev().find(|&k| !blank[k]);
                let next = (i + 1..lines.len()).find(|&k| !blank[k]);
                if let (Some(p), Some(n)) = (prev, next)
                    && fates[p].is_some()
                    && fates[n].is_some()
                {
                    fates[i] = Some("orphan".into());
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    // Scars: gaps between kept text that lost a line keep their first blank line only.
    let kept_text: Vec<usize> = (0..lines.len())
        .filter(|&i| fates[i].is_none() && !blank[i])
        .collect();
    let mut bounds = vec![None];
    bounds.extend(kept_text.iter().map(|&i| Some(i)));
    bounds.push(None);
    for pair in bounds.windows(2) {
        let from = pair[0].map_or(0, |i| i + 1);
        let to = pair[1].unwrap_or(lines.len());
        let Some(first) = (from..to).find(|&i| fates[i].is_some()) else {
            continue;
        };
        let interior = pair[0].is_some() && pair[1].is_some();
        let mut kept_blank = false;
        for i in from..to {
            if fates[i].is_none() {
                if interior && !kept_blank {
                    kept_blank = true;
                } else {
                    let before = (from..i)
                        .rev()
                        .find(|&k| fates[k].is_some())
                        .unwrap_or(first);
                    fates[i] = fates[before].clone();
                }
            }
        }
    }
    fates
}

fn fires(rule: &Rule, trimmed: &[u8], start: usize, len: usize) -> bool {
    let fold = |b: &[u8]| -> Vec<u8> {
        match rule.case() {
            Case::Insensitive => b.to_ascii_lowercase(),
            _ => b.to_vec(),
        }
    };
    let line = fold(trimmed);
    // `starts` and `equals` also match the text after a list bullet.
    let body = &line[lines::bullet_len(trimmed)..];
    let placed = rule.markers().iter().any(|marker| {
        let marker = fold(marker.as_bytes());
        match rule.where_() {
            Where::Contains => line.windows(marker.len()).any(|w| w == marker),
            Where::Starts => line.starts_with(&marker) || body.starts_with(&marker),
            Where::Ends => line.ends_with(&marker),
            _ => line == marker || body == marker,
        }
    });
    let position = rule.position();
    let at = if len == 0 {
        0.0
    } else {
        start as f64 / len as f64
    };
    let in_range =
        position == Default::default() || (position.after <= at && at <= position.before);
    let short = rule
        .max_words()
        .is_none_or(|max| word_count(trimmed, max as usize) <= max as usize);
    let pattern = rule
        .pattern()
        .is_none_or(|p| regex::bytes::Regex::new(p).unwrap().is_match(trimmed));
    placed && in_range && short && pattern
}

/// The automaton cleaner's fate per line.
fn automaton(cleaner: &Cleaner, doc: &[u8]) -> Vec<Option<String>> {
    let cleaned = cleaner.clean(doc);
    let mut fates = vec![None; cleaned.line_count()];
    for removal in cleaned.removals() {
        for i in removal.lines.clone() {
            fates[i] = Some(removal.reason.as_str().to_string());
        }
    }
    fates
}

const WORDS: &[&str] = &[
    "share",
    "Share",
    "SOURCE:",
    "read more",
    "the",
    "cat",
    "news",
    "Photo",
    "[A/B]",
    "é",
    "É",
    "x",
    "7",
    "ad",
    "AD",
    "ab",
    "\u{a0}",
    "\t",
    "分享",
    "*",
    "•",
    "-",
    "(c)",
    "(C)",
    "©2020",
];
const MARKERS: &[&str] = &[
    "share", "SOURCE:", "read", "photo", "the cat", "]", "é", "ad", "a", "分享", "(c)", "©",
];
const PATTERNS: &[&str] = &[r"^\w", r"\d", r"cat$", r"(?i)share"];

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just(String::new()),
        1 => Just("  ".to_string()),
        6 => prop::collection::vec(prop::sample::select(WORDS), 1..6).prop_map(|w| w.join(" ")),
    ]
}

fn document() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec((line(), any::<bool>()), 0..14),
        any::<bool>(),
    )
        .prop_map(|(lines, final_newline)| {
            let mut doc = String::new();
            for (i, (text, crlf)) in lines.iter().enumerate() {
                doc.push_str(text);
                if i + 1 < lines.len() || final_newline {
                    doc.push_str(if *crlf { "\r\n" } else { "\n" });
                }
            }
            doc.into_bytes()
        })
}

fn rule_toml(index: usize) -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::sample::select(MARKERS), 1..3),
        prop::sample::select(&["contains", "starts", "ends", "equals"][..]),
        prop::sample::select(&["insensitive", "sensitive"][..]),
        prop::sample::select(&["line", "line", "block", "rest", "document"][..]),
        prop::option::of(1u32..5),
        prop::option::of(prop::sample::select(&[0.0, 0.3, 0.5][..])),
        prop::option::weighted(0.2, prop::sample::select(PATTERNS)),
    )
        .prop_map(move |(markers, where_, case, action, max_words, after, pattern)| {
            let mut toml = format!(
                "[[rule]]\nname = \"r{index}\"\nmarkers = {markers:?}\nwhere = \"{where_}\"\ncase = \"{case}\"\naction = \"{action}\"\n"
            );
            if let Some(max) = max_words {
                toml += &format!("max_words = {max}\n");
            }
            if let Some(after) = after {
                toml += &format!("after = {after:?}\n");
            }
            if let Some(pattern) = pattern {
                toml += &format!("pattern = '{pattern}'\n");
            }
            toml
        })
}

/// Up to `max_rules` random rules, and the detectors switched on with random limits
/// below `max_repeated` and `max_orphan` words (or off).
fn rule_set_of(
    max_rules: usize,
    max_repeated: u32,
    max_orphan: u32,
) -> impl Strategy<Value = RuleSet> {
    (
        (0..max_rules).prop_flat_map(|n| (0..n).map(rule_toml).collect::<Vec<_>>()),
        prop::option::of(1..max_repeated),
        prop::option::of(1..max_orphan),
    )
        .prop_map(|(rules, repeated, orphan)| {
            let mut toml = rules.concat();
            if let Some(max) = repeated {
                toml += &format!("[detectors.repeated]\nmax_words = {max}\n");
            }
            if let Some(max) = orphan {
                toml += &format!("[detectors.orphan]\nmax_words = {max}\n");
            }
            RuleSet::from_toml(&toml, "random.toml").unwrap()
        })
}

fn rule_set() -> impl Strategy<Value = RuleSet> {
    rule_set_of(4, 4, 3)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn automaton_agrees_with_the_naive_oracle(rules in rule_set(), doc in document()) {
        let cleaner = Cleaner::new(&rules).unwrap();
        prop_assert_eq!(automaton(&cleaner, &doc), oracle(&rules, &doc));
    }

    #[test]
    fn the_nfa_agrees_with_the_dfa(rules in rule_set(), doc in document()) {
        let dfa = Cleaner::new(&rules).unwrap();
        let nfa = Cleaner::builder().dfa(false).build(&rules).unwrap();
        prop_assert_eq!(automaton(&dfa, &doc), automaton(&nfa, &doc));
    }

    #[test]
    fn kept_lines_are_an_in_order_subsequence_byte_for_byte(rules in rule_set(), doc in document()) {
        let cleaned = Cleaner::new(&rules).unwrap().clean(&doc);
        let kept = cleaned.kept();
        let input_lines: Vec<&[u8]> = lines::split(&doc).map(|l| &doc[l.range()]).collect();
        let mut remaining = input_lines.iter();
        for line in lines::split(&kept) {
            let bytes = &kept[line.range()];
            prop_assert!(remaining.any(|l| *l == bytes), "kept line not from input: {:?}", bytes);
        }
    }

    #[test]
    fn no_rules_means_identical_output(doc in prop::collection::vec(any::<u8>(), 0..400)) {
        let cleaned = Cleaner::new(&RuleSet::new()).unwrap().clean(&doc);
        prop_assert!(cleaned.is_unchanged());
        prop_assert_eq!(&*cleaned.kept(), &doc[..]);
    }

    #[test]
    fn nothing_to_remove_means_identical_output(doc in document()) {
        // "zzz" never occurs in generated documents, so nothing fires.
        let rules = RuleSet::from_toml("[[rule]]\nname = \"z\"\nmarkers = [\"zzz\"]\n", "z.toml").unwrap();
        let cleaned = Cleaner::new(&rules).unwrap().clean(&doc);
        prop_assert!(cleaned.is_unchanged());
        prop_assert_eq!(&*cleaned.kept(), &doc[..]);
    }
}

/// What the oracle keeps of `doc`.
fn oracle_kept(rules: &RuleSet, doc: &[u8]) -> Vec<u8> {
    let fates = oracle(rules, doc);
    lines::split(doc)
        .zip(fates)
        .filter(|(_, fate)| fate.is_none())
        .flat_map(|(line, _)| doc[line.range()].to_vec())
        .collect()
}

/// Runs `input` (in `format`) through the pipeline on 3 threads, in small batches.
fn pipeline_output(rules: &RuleSet, format: Format, input: Vec<u8>) -> Vec<u8> {
    let options = PipelineOptions {
        threads: Some(3),
        batch_bytes: 256,
        ..PipelineOptions::default()
    };
    let pipeline = Pipeline::new(Cleaner::new(rules).unwrap(), options).unwrap();
    let input_options = InputOptions {
        format: Some(format),
        text: TextOptions {
            separator: Some(b"\x0c".to_vec()),
            ..TextOptions::default()
        },
        ..InputOptions::default()
    };
    let opened = formats::open(std::io::Cursor::new(input), "prop", &input_options).unwrap();
    let mut out = Encoder::new(Vec::new(), Codec::Plain, None).unwrap();
    pipeline.run(opened, &mut out, "out", &mut Silent).unwrap();
    out.finish().unwrap()
}

fn wet(body: &[u8]) -> Vec<u8> {
    let mut record = format!(
        "WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: {}\r\nWARC-Block-Digest: {}\r\n\r\n",
        body.len(),
        warc::block_digest(body)
    )
    .into_bytes();
    record.extend_from_slice(body);
    record.extend_from_slice(b"\r\n\r\n");
    record
}

fn documents() -> impl Strategy<Value = Vec<Vec<u8>>> {
    // Documents end with a line break, as documents of a separated stream do.
    prop::collection::vec(
        prop::collection::vec(line(), 0..60).prop_map(|lines| {
            lines
                .iter()
                .map(|l| format!("{l}\n"))
                .collect::<String>()
                .into_bytes()
        }),
        1..8,
    )
}

fn larger_rule_set() -> impl Strategy<Value = RuleSet> {
    rule_set_of(8, 6, 4)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn the_pipeline_agrees_with_the_oracle_in_every_format(rules in larger_rule_set(), docs in documents()) {
        // Text: documents separated by form-feed lines.
        let text: Vec<u8> = docs.iter().flat_map(|d| [d.as_slice(), b"\x0c\n"].concat()).collect();
        let want: Vec<u8> = docs.iter().flat_map(|d| [oracle_kept(&rules, d), b"\x0c\n".to_vec()].concat()).collect();
        prop_assert_eq!(pipeline_output(&rules, Format::Text, text), want);

        // JSONL: one record per document; untouched records stay byte for byte.
        let line = |text: &[u8]| serde_json::to_string(&serde_json::json!({"id": 7, "text": String::from_utf8_lossy(text)})).unwrap() + "\n";
        let jsonl: String = docs.iter().map(|d| line(d)).collect();
        let want: String = docs.iter().map(|d| line(&oracle_kept(&rules, d))).collect();
        prop_assert_eq!(String::from_utf8(pipeline_output(&rules, Format::Jsonl, jsonl.into_bytes())).unwrap(), want);

        // WARC: each document a conversion record; lengths and digests follow the body.
        let records: Vec<u8> = docs.iter().flat_map(|d| wet(d)).collect();
        let want: Vec<u8> = docs.iter().flat_map(|d| wet(&oracle_kept(&rules, d))).collect();
        prop_assert_eq!(pipeline_output(&rules, Format::Warc, records), want);
    }
}
