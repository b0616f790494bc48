//! Detectors: `repeated` and `orphan`, on and off.

use super::{Case, run_all};

const BOTH: &str = r#"
[[rule]]
name = "ad"
markers = ["AD"]
where = "equals"

[detectors.repeated]
max_words = 5

[detectors.orphan]
max_words = 2
"#;

#[test]
fn detector_cases() {
    run_all(&[
        Case {
            name: "repeated removes every copy of a short line",
            rules: BOTH,
            input: "Teaser title\nStory body goes here.\n  teaser TITLE!\n",
            expected: "Story body goes here.\n",
            reasons: &["repeated", "repeated"],
        },
        Case {
            name: "repeated leaves long lines alone",
            rules: BOTH,
            input: "This line has six words in it\nThis line has six words in it\n",
            expected: "This line has six words in it\nThis line has six words in it\n",
            reasons: &[],
        },
        Case {
            name: "repeated ignores punctuation-only lines",
            rules: BOTH,
            input: "One.\n* * *\nTwo.\n* * *\nThree.\n",
            expected: "One.\n* * *\nTwo.\n* * *\nThree.\n",
            reasons: &[],
        },
        Case {
            name: "orphan takes a short label between two removals",
            rules: BOTH,
            input: "Story.\n\nAD\n\nFault Lines\n\nAD\n\nMore story.\n",
            expected: "Story.\n\nMore story.\n",
            reasons: &["ad", "orphan", "ad"],
        },
        Case {
            name: "orphan never starts a removal at an edge",
            rules: BOTH,
            input: "Title\nAD\nStory.\n",
            expected: "Title\nStory.\n",
            reasons: &["ad"],
        },
        Case {
            name: "each short label between two removals goes",
            rules: BOTH,
            input: "Story.\nAD\nlabel\nAD\nlabel two\nAD\nEnd of story.\n",
            expected: "Story.\nEnd of story.\n",
            reasons: &["ad", "orphan", "ad", "orphan", "ad"],
        },
        Case {
            name: "orphan leaves longer lines between removals",
            rules: BOTH,
            input: "Story.\nAD\nThree words here\nAD\nEnd.\n",
            expected: "Story.\nThree words here\nEnd.\n",
            reasons: &["ad", "ad"],
        },
        Case {
            name: "detectors are off unless a pack enables them",
            rules: "[[rule]]\nname = \"ad\"\nmarkers = [\"AD\"]\nwhere = \"equals\"\n",
            input: "Story.\nAD\nx\nAD\nx\n",
            expected: "Story.\nx\nx\n",
            reasons: &["ad", "ad"],
        },
        Case {
            name: "enabled = false switches a detector off",
            rules: "[detectors.repeated]\nenabled = false\n",
            input: "dup\ndup\n",
            expected: "dup\ndup\n",
            reasons: &[],
        },
    ]);
}

#[test]
fn disable_switches_off_a_detector_a_rule_or_a_pack() {
    let mut rules = boilerstrip::RuleSet::from_toml(BOTH, "rules/both.toml").unwrap();
    rules.disable("repeated").unwrap();
    let cleaner = boilerstrip::Cleaner::new(&rules).unwrap();
    assert!(cleaner.clean(b"dup\ndup\n").is_unchanged());
    rules.disable("both").unwrap();
    assert!(rules.rules().is_empty());
    let err = rules.disable("no-such-thing").unwrap_err().to_string();
    assert!(err.contains("no-such-thing"), "{err}");
}
