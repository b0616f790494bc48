//! Criterion benches: compiling the default packs; cleaning a generated multi-MB corpus
//! on one thread as text, JSONL and WARC; the structural detectors alone; counting and
//! merging; and the quadratic corners of issue #12 (a long marker on a long line, 20,000
//! rules). Each bench checks its answer first, so a fast wrong answer fails instead
//! of looking good.

use std::hint::black_box;
use std::io::Cursor;

use boilerstrip::count_table::{FrequentLines, MergeOptions, Scope, merge_files};
use boilerstrip::counts::{Counter, document_keys};
use boilerstrip::formats::{self, Format, InputOptions, Record};
use boilerstrip::pipeline::{Emit, ProcessOptions, process};
use boilerstrip::{Cleaner, RuleSet, Stats};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Plain words that no rule marker contains.
const WORDS: &[&str] = &[
    "harbour",
    "council",
    "river",
    "planned",
    "wooden",
    "bridge",
    "eleven",
    "village",
    "engineers",
    "measured",
    "quietly",
    "through",
    "winter",
    "morning",
    "along",
    "northern",
    "valley",
    "farmers",
    "market",
    "stones",
    "carried",
    "slowly",
    "toward",
    "station",
];

/// Deterministic pseudo-random numbers (a 64-bit LCG), so every run sees the same corpus.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below
    }
}

fn sentence(rng: &mut Lcg, words: usize) -> String {
    let mut text: Vec<&str> = (0..words).map(|_| WORDS[rng.next(WORDS.len())]).collect();
    text[0] = "The";
    text.join(" ") + "."
}

/// Lines each generated document loses: a bracketed photo credit with the blank line
/// after it, and the closing source line with the blank line before it.
const REMOVED_PER_DOC: usize = 4;

/// About `bytes` of news-like documents, each with a caption and a source line.
fn corpus(bytes: usize) -> Vec<String> {
    let mut rng = Lcg(42);
    let mut docs = Vec::new();
    let mut total = 0;
    while total < bytes {
        let mut doc = sentence(&mut rng, 24) + "\n\n";
        for paragraph in 0..8 {
            if paragraph == 2 {
                doc += &format!("    {} [Jane Doe/Agency]\n\n", sentence(&mut rng, 14));
            }
            let words = 25 + rng.next(30);
            doc += &format!("    {}\n\n", sentence(&mut rng, words));
        }
        doc += "    SOURCE: News agencies\n";
        total += doc.len();
        docs.push(doc);
    }
    docs
}

fn removed_lines(cleaner: &Cleaner, docs: &[String]) -> usize {
    docs.iter()
        .map(|doc| cleaner.clean(doc.as_bytes()).removed_lines())
        .sum()
}

/// The records of `bytes` read as `format`, ready to process.
fn records(format: Format, bytes: Vec<u8>) -> Vec<Record> {
    let options = InputOptions {
        format: Some(format),
        ..InputOptions::default()
    };
    let mut input = formats::open(Cursor::new(bytes), "bench", &options).expect("opens");
    let mut records = Vec::new();
    while let Some(record) = input.records.next_record().expect("reads") {
        records.push(record);
    }
    records
}

fn jsonl(docs: &[String]) -> Vec<u8> {
    docs.iter()
        .map(|doc| serde_json::to_string(&serde_json::json!({ "text": doc })).expect("json") + "\n")
        .collect::<String>()
        .into_bytes()
}

fn wet(docs: &[String]) -> Vec<u8> {
    docs.iter()
        .flat_map(|doc| {
            format!(
                "WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: {}\r\n\r\n{doc}\r\n\r\n",
                doc.len()
            )
            .into_bytes()
        })
        .collect()
}

/// Processes every record; returns the lines removed and the records rewritten.
fn process_all(cleaner: &Cleaner, records: &[Record]) -> (u64, usize) {
    let options = ProcessOptions::default();
    let mut stats = Stats::default();
    let rewritten = records
        .iter()
        .filter(|record| {
            matches!(
                process(record, "bench", cleaner, &options, &mut stats).emit,
                Emit::Replaced(_) | Emit::Kept(_)
            )
        })
        .count();
    (stats.lines_in - stats.lines_out, rewritten)
}

/// Documents whose only boilerplate is structural: a teaser printed twice with a short
/// label between the copies. `repeated` takes the copies, `orphan` the label, and scar
/// repair the three blank lines left between them.
fn structural_corpus(bytes: usize) -> Vec<String> {
    let mut rng = Lcg(7);
    let mut docs = Vec::new();
    let mut total = 0;
    while total < bytes {
        let teaser = sentence(&mut rng, 6);
        let mut doc = String::new();
        for paragraph in 0..6 {
            if paragraph == 3 {
                doc += &format!("{teaser}\n\nFault Lines\n\n{teaser}\n\n");
            }
            let words = 25 + rng.next(30);
            doc += &format!("{}\n\n", sentence(&mut rng, words));
        }
        total += doc.len();
        docs.push(doc);
    }
    docs
}

const STRUCTURAL_REMOVED_PER_DOC: usize = 6;

/// Counts `docs` into a table in memory.
fn count(docs: &[String]) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut counter = Counter::new(Scope::Corpus, 1 << 30, dir.path());
    let (mut scratch, mut keys) = (Vec::new(), Vec::new());
    for doc in docs {
        document_keys(doc.as_bytes(), None, &mut scratch, &mut keys);
        counter.add_document(&keys).expect("counts");
    }
    let mut out = Cursor::new(Vec::new());
    counter
        .finish(&mut out, "bench", &|| false)
        .expect("writes");
    out.into_inner()
}

/// Merges tables, written to files first as `merge` reads them.
fn merged(tables: &[&[u8]]) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let paths: Vec<std::path::PathBuf> = tables
        .iter()
        .enumerate()
        .map(|(i, table)| {
            let path = dir.path().join(format!("{i}.bsc"));
            std::fs::write(&path, table).expect("writes a table");
            path
        })
        .collect();
    let mut out = Cursor::new(Vec::new());
    let options = MergeOptions::default();
    merge_files(&paths, &mut out, "bench", &options, dir.path(), &|| false).expect("merges");
    out.into_inner()
}

fn format_benches(c: &mut Criterion, cleaner: &Cleaner, docs: &[String]) {
    let expected = (REMOVED_PER_DOC * docs.len()) as u64;
    let mut group = c.benchmark_group("clean");
    group.sample_size(10);
    for (name, format, bytes) in [
        ("jsonl", Format::Jsonl, jsonl(docs)),
        ("warc", Format::Warc, wet(docs)),
    ] {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        let records = records(format, bytes);
        assert_eq!(
            process_all(cleaner, &records),
            (expected, docs.len()),
            "wrong answer ({name})"
        );
        group.bench_function(format!("default-pack/{name}/1-thread"), |b| {
            b.iter(|| process_all(cleaner, black_box(&records)))
        });
    }
    group.finish();
}

fn detector_benches(c: &mut Criterion) {
    let rules = RuleSet::from_toml(
        "[detectors.repeated]\nmax_words = 12\n[detectors.orphan]\nmax_words = 4\n",
        "detectors.toml",
    )
    .expect("a valid pack");
    let cleaner = Cleaner::new(&rules).expect("compiles");
    let docs = structural_corpus(4 << 20);
    bench_text(
        c,
        ("detect", "repeated+orphan"),
        &cleaner,
        &docs,
        STRUCTURAL_REMOVED_PER_DOC,
    );
}

/// Times cleaning `docs` as text on one thread, after checking that `per_doc` lines of
/// each document are removed.
fn bench_text(
    c: &mut Criterion,
    (group, name): (&str, &str),
    cleaner: &Cleaner,
    docs: &[String],
    per_doc: usize,
) {
    let bytes: usize = docs.iter().map(String::len).sum();
    assert_eq!(
        removed_lines(cleaner, docs),
        per_doc * docs.len(),
        "wrong answer"
    );
    let mut group = c.benchmark_group(group);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function(name, |b| b.iter(|| removed_lines(cleaner, black_box(docs))));
    group.finish();
}

fn count_benches(c: &mut Criterion, docs: &[String]) {
    let bytes: usize = docs.iter().map(String::len).sum();
    let whole = count(docs);
    let documents = FrequentLines::from_reader(&whole[..], "bench", 1)
        .expect("a table")
        .documents();
    assert_eq!(documents, docs.len() as u64, "wrong answer");
    let (left, right) = docs.split_at(docs.len() / 2);
    let (left, right) = (count(left), count(right));
    assert_eq!(
        merged(&[&left, &right]),
        whole,
        "merge(count(A), count(B)) != count(A + B)"
    );

    let mut group = c.benchmark_group("counts");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("count/1-thread", |b| b.iter(|| count(black_box(docs))));
    group.throughput(Throughput::Bytes((left.len() + right.len()) as u64));
    group.bench_function("merge/two-tables", |b| {
        b.iter(|| merged(black_box(&[&left, &right])))
    });
    group.finish();
}

/// The quadratic corners of issue #12: a long `contains` marker on a long line (one
/// automaton pass, not line × marker), and loading and compiling 20,000 rules (one
/// position lookup and one name lookup per rule, not a scan of all before it).
fn corner_benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("corners");
    group.sample_size(10);

    let marker = format!("{}b", "a".repeat(16 << 10));
    let pack = format!("[[rule]]\nname = \"long\"\nmarkers = [\"{marker}\"]\n");
    let cleaner =
        Cleaner::new(&RuleSet::from_toml(&pack, "long.toml").expect("valid")).expect("compiles");
    let line = "a".repeat(400 << 10) + "b\n";
    assert_eq!(
        cleaner.clean(line.as_bytes()).removed_lines(),
        1,
        "wrong answer"
    );
    group.throughput(Throughput::Bytes(line.len() as u64));
    group.bench_function("16k-contains-marker/400k-line", |b| {
        b.iter(|| cleaner.clean(black_box(line.as_bytes())).removed_lines())
    });

    let rules = 20_000;
    let pack: String = (0..rules)
        .map(|i| format!("[[rule]]\nname = \"r{i}\"\nmarkers = [\"marker number {i} here\"]\n"))
        .collect();
    let load = |pack: &str| {
        let set = RuleSet::from_toml(pack, "many.toml").expect("valid");
        Cleaner::new(&set).expect("compiles").rules().len()
    };
    assert_eq!(load(&pack), rules, "wrong answer");
    group.throughput(Throughput::Elements(rules as u64));
    group.bench_function("load-and-compile/20k-rules", |b| {
        b.iter(|| load(black_box(&pack)))
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    let rules = RuleSet::builtin();
    c.bench_function("compile/default-pack", |b| {
        b.iter(|| Cleaner::new(black_box(&rules)).expect("default pack compiles"))
    });

    let cleaner = Cleaner::new(&rules).expect("default pack compiles");
    let docs = corpus(8 << 20);
    bench_text(
        c,
        ("clean", "default-pack/text/1-thread"),
        &cleaner,
        &docs,
        REMOVED_PER_DOC,
    );

    format_benches(c, &cleaner, &docs);
    detector_benches(c);
    count_benches(c, &docs);
    corner_benches(c);
}

criterion_group!(clean, benches);
criterion_main!(clean);
