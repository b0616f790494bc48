//! Behaviour cases `{name, rules, input, expected output, expected reasons}`, grouped by
//! concern, each pushed through every path: the `Cleaner` directly, the pipeline with
//! one and several threads, wrapped as a separated text stream, as JSONL records and as
//! WET conversion records, with batch boundaries between records; also with CRLF.

mod actions;
mod detectors;
mod guards;
mod markers;
mod scars;

use boilerstrip::formats::compress::{Codec, Encoder};
use boilerstrip::formats::text::TextOptions;
use boilerstrip::formats::warc::block_digest;
use boilerstrip::formats::{self, Format, InputOptions};
use boilerstrip::pipeline::{Pipeline, PipelineOptions, Silent};
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

/// Runs `stream` as `format` through the pipeline on `threads` threads, with tiny
/// batches so that batch boundaries fall between every few records.
fn through_pipeline(cleaner: &Cleaner, format: Format, stream: Vec<u8>, threads: usize) -> Vec<u8> {
    const SEPARATOR: &str = "\u{c}";
    let options = PipelineOptions {
        threads: Some(threads),
        batch_bytes: 64,
        ..PipelineOptions::default()
    };
    let pipeline = Pipeline::new(cleaner.clone(), options).unwrap();
    let input_options = InputOptions {
        format: Some(format),
        text: TextOptions {
            separator: Some(SEPARATOR.as_bytes().to_vec()),
            ..TextOptions::default()
        },
        ..InputOptions::default()
    };
    let input = formats::open(std::io::Cursor::new(stream), "cases", &input_options).unwrap();
    let mut out = Encoder::new(Vec::new(), Codec::Plain, None).unwrap();
    pipeline.run(input, &mut out, "out", &mut Silent).unwrap();
    out.finish().unwrap()
}

/// A separated text stream of `documents`.
fn text_stream(documents: &[&str]) -> String {
    documents
        .iter()
        .map(|doc| format!("{doc}\u{c}\n"))
        .collect()
}

/// A JSONL line per document, with other fields around the text.
fn jsonl_stream(documents: &[&str]) -> String {
    documents
        .iter()
        .enumerate()
        .map(|(id, doc)| {
            let text = serde_json::to_string(doc).unwrap();
            format!("{{\"id\": {id}, \"text\": {text}, \"meta\": {{\"n\": [1, null]}}}}\n")
        })
        .collect()
}

/// A WET stream: a warcinfo record, then one conversion record per document.
fn warc_stream(documents: &[&str]) -> Vec<u8> {
    let record = |kind: &str, body: &str| {
        format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Block-Digest: {}\r\n\
             Content-Length: {}\r\n\r\n{body}\r\n\r\n",
            block_digest(body.as_bytes()),
            body.len()
        )
    };
    let mut stream = record("warcinfo", "software: test\r\n");
    for doc in documents {
        stream.push_str(&record("conversion", doc));
    }
    stream.into_bytes()
}

/// Runs the case as three documents of each format, on one and on several threads.
fn run_wrapped(case: &Case, cleaner: &Cleaner) {
    let inputs = [case.input; 3];
    let expected = [case.expected; 3];
    let mut formats = vec![
        (
            Format::Jsonl,
            jsonl_stream(&inputs).into_bytes(),
            jsonl_stream(&expected).into_bytes(),
        ),
        (Format::Warc, warc_stream(&inputs), warc_stream(&expected)),
    ];
    // Separated streams need each document to end with a line break.
    if case.input.ends_with('\n') || case.input.is_empty() {
        let (input, want) = (text_stream(&inputs), text_stream(&expected));
        formats.push((Format::Text, input.into_bytes(), want.into_bytes()));
    }
    for (format, input, want) in formats {
        for threads in [1, 3] {
            let got = through_pipeline(cleaner, format, input.clone(), threads);
            let what = format!("{} ({format:?} pipeline, {threads} threads)", case.name);
            assert_bytes_eq(&what, &want, &got);
        }
    }
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

        run_wrapped(case, &cleaner);
    }
}
