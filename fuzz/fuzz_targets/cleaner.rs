//! Any bytes as a document: the default cleaner never panics, its output lines are an
//! in-order subsequence of the input lines (byte for byte, terminators included), and
//! with no rules the output is the input.

#![no_main]

use std::sync::LazyLock;

use boilerstrip::{Cleaner, RuleSet, lines};
use libfuzzer_sys::fuzz_target;

static DEFAULT: LazyLock<Cleaner> =
    LazyLock::new(|| Cleaner::new(&RuleSet::builtin()).expect("the default pack compiles"));
static EMPTY: LazyLock<Cleaner> =
    LazyLock::new(|| Cleaner::new(&RuleSet::new()).expect("no rules compile"));

fuzz_target!(|doc: &[u8]| {
    let cleaned = DEFAULT.clean(doc);
    let kept = cleaned.kept();
    let mut input_lines = lines::split(doc).map(|line| &doc[line.range()]);
    for line in lines::split(&kept) {
        let bytes = &kept[line.range()];
        assert!(
            input_lines.any(|candidate| candidate == bytes),
            "output line {bytes:?} is not the next input line"
        );
    }
    assert_eq!(&*EMPTY.clean(doc).kept(), doc);
});
