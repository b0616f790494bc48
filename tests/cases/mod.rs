//! Behaviour cases `{name, rules, input, expected output, expected reasons}`, grouped by
//! concern, each pushed through every path: the `Cleaner` directly, the pipeline with
//! one and several threads as one document and as many documents of a separated stream
//! (batch boundaries), each also with CRLF line ends.

mod actions;
mod detectors;
mod guards;
mod markers;
mod scars;

use boilerstrip::formats::text::{TextOptions, TextReader};
use boilerstrip::pipeline::{self, Output};
use boilerstrip::{Cleaner, RuleSet};

use crate::harness::assert_bytes_eq;

/// One behaviour case.
pub struct Case {
    pub name: &'static str,
    /// TOML of the rule pack.
    pub rules: &'static str,
    pub input: &'static str,
    pub expected: &'static str,
    /// Reasons of the removals, in document order (one per merged removal).
    pub reasons: &'static [&'static str],
}

fn cleaner(case: &Case) -> Cleaner {
    let rules = RuleSet::from_toml(case.rules, case.name)
        .unwrap_or_else(|err| panic!("case {}: rules: {err}", case.name));
    Cleaner::new(&rules).unwrap()
}

fn crlf(text: &str) -> String {
    text.replace('\n', "\r\n")
}

/// Runs `documents` as one separated stream through the pipeline on `threads` threads.
fn through_pipeline(cleaner: &Cleaner, documents: &[String], threads: usize) -> Vec<u8> {
    const SEPARATOR: &str = "\u{c}";
    let stream: String = documents
        .iter()
        .map(|doc| format!("{doc}{SEPARATOR}\n"))
        .collect();
    let options = TextOptions {
        separator: Some(SEPARATOR.as_bytes().to_vec()),
        ..TextOptions::default()
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let mut out = Vec::new();
    pool.install(|| {
        let mut reader = TextReader::new(stream.as_bytes(), "cases", options);
        pipeline::clean_text(&mut reader, cleaner, Output::Cleaned, &mut out, "out").unwrap();
    });
    out
}

/// Pushes every case through every path.
pub fn run_all(cases: &[Case]) {
    for case in cases {
        let cleaner = cleaner(case);
        let cleaned = cleaner.clean(case.input.as_bytes());
        assert_bytes_eq(case.name, case.expected.as_bytes(), &cleaned.kept());
        let reasons: Vec<&str> = cleaned
            .removals()
            .iter()
            .map(|r| r.reason.as_str())
            .collect();
        assert_eq!(reasons, case.reasons, "case {}: reasons", case.name);

        let as_crlf = cleaner
            .clean(crlf(case.input).as_bytes())
            .kept()
            .into_owned();
        assert_bytes_eq(
            &format!("{} (CRLF)", case.name),
            crlf(case.expected).as_bytes(),
            &as_crlf,
        );

        // Separated streams need each document to end with a line break.
        let (input, expected) = if case.input.ends_with('\n') || case.input.is_empty() {
            (case.input.to_string(), case.expected.to_string())
        } else {
            continue;
        };
        let copies = 3;
        let documents = vec![input; copies];
        let want: String = (0..copies).map(|_| format!("{expected}\u{c}\n")).collect();
        for threads in [1, 3] {
            let got = through_pipeline(&cleaner, &documents, threads);
            assert_bytes_eq(
                &format!("{} (pipeline, {threads} threads)", case.name),
                want.as_bytes(),
                &got,
            );
        }
    }
}
