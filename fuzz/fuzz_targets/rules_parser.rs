//! Any text as a rule pack: parsing and compiling never panic, and a pack that loads
//! compiles into a cleaner that cleans its own examples without panicking.

#![no_main]

use boilerstrip::{Cleaner, RuleSet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let source = String::from_utf8_lossy(data);
    let Ok(rules) = RuleSet::from_toml(&source, "fuzz.toml") else {
        return;
    };
    let Ok(cleaner) = Cleaner::new(&rules) else {
        return;
    };
    for rule in rules.rules() {
        for line in rule.examples().iter().chain(rule.counterexamples()) {
            let _ = cleaner.clean(line.as_bytes());
        }
    }
});
