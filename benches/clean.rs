//! Criterion benches: compiling the default packs, and cleaning a generated multi-MB
//! corpus with them on one thread. Each bench checks its answer first, so a fast wrong
//! answer fails instead of looking good.

use std::hint::black_box;

use boilerstrip::{Cleaner, RuleSet};
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
        let mut doc = sentence(&mut rng, 12) + "\n\n";
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

fn benches(c: &mut Criterion) {
    let rules = RuleSet::builtin();
    c.bench_function("compile/default-pack", |b| {
        b.iter(|| Cleaner::new(black_box(&rules)).expect("default pack compiles"))
    });

    let cleaner = Cleaner::new(&rules).expect("default pack compiles");
    let docs = corpus(8 << 20);
    let bytes: usize = docs.iter().map(String::len).sum();
    assert_eq!(
        removed_lines(&cleaner, &docs),
        REMOVED_PER_DOC * docs.len(),
        "wrong answer"
    );

    let mut group = c.benchmark_group("clean");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function("default-pack/text/1-thread", |b| {
        b.iter(|| removed_lines(&cleaner, black_box(&docs)))
    });
    group.finish();
}

criterion_group!(clean, benches);
criterion_main!(clean);
