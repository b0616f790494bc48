//! Any bytes as a JSONL record: reading and rewriting never panic; the text field found is
//! the one that serde_json's general reading finds, and a line it refuses is refused; a
//! record the cleaner leaves alone is copied byte for byte; a rewritten record is valid
//! JSON whose other fields are unchanged.

#![no_main]

use std::collections::HashMap;
use std::sync::LazyLock;

use boilerstrip::formats::{self, InputOptions, Record};
use boilerstrip::pipeline::{Emit, ProcessOptions, process};
use boilerstrip::{Cleaner, RuleSet, Stats};
use libfuzzer_sys::fuzz_target;
use serde_json::value::RawValue;

static DEFAULT: LazyLock<Cleaner> =
    LazyLock::new(|| Cleaner::new(&RuleSet::builtin()).expect("the default pack compiles"));
static EMPTY: LazyLock<Cleaner> =
    LazyLock::new(|| Cleaner::new(&RuleSet::new()).expect("no rules compile"));

/// The text field as serde_json reads it in general: the object's members as raw values
/// (the last of a repeated key counts), the text then decoded as a string.
fn general_reading(content: &[u8]) -> Option<String> {
    let members: HashMap<String, &RawValue> = serde_json::from_slice(content).ok()?;
    serde_json::from_str(members.get("text")?.get()).ok()
}

fuzz_target!(|data: &[u8]| {
    let options = InputOptions {
        format: Some(formats::Format::Jsonl),
        ..InputOptions::default()
    };
    let Ok(mut input) = formats::open(std::io::Cursor::new(data.to_vec()), "fuzz.jsonl", &options) else {
        return;
    };
    let process_options = ProcessOptions::default();
    let text = formats::jsonl::FieldPath::parse("text").expect("a valid path");
    while let Ok(Some(record)) = input.records.next_record() {
        if let Record::Jsonl { line, .. } = &record {
            let content = line.strip_suffix(b"\n").unwrap_or(line);
            let found = formats::jsonl::text_span(content, &text).ok().map(|(_, text)| text);
            assert_eq!(found, general_reading(content), "a different text field");
        }
        let untouched = process(&record, "fuzz", &EMPTY, &process_options, &mut Stats::default());
        assert!(matches!(untouched.emit, Emit::Verbatim), "an unchanged record was rewritten");
        let cleaned = process(&record, "fuzz", &DEFAULT, &process_options, &mut Stats::default());
        if let (Emit::Replaced(bytes), Record::Jsonl { line, .. }) = (&cleaned.emit, &record) {
            // serde_json's Value refuses some valid JSON (numbers out of f64 range); the
            // comparison is only made where it can read the record.
            let Ok(before) = serde_json::from_slice::<serde_json::Value>(line) else {
                continue;
            };
            let mut after: serde_json::Value =
                serde_json::from_slice(bytes).expect("rewritten JSON is valid");
            after["text"] = before["text"].clone();
            assert_eq!(before, after, "fields other than the text changed");
        }
    }
});
