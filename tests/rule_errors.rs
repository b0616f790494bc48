//! Strict rule validation: every mistake is an error naming the file, line:column and key.

use boilerstrip::RuleSet;

struct Bad {
    name: &'static str,
    toml: &'static str,
    /// The start of the error message: `file:line:column: key ...`.
    position: &'static str,
    /// A phrase the message must contain.
    says: &'static str,
}

const BAD: &[Bad] = &[
    Bad {
        name: "unknown key",
        toml: "[[rule]]\nname = \"a\"\nmarkers = [\"x\"]\ncolour = \"red\"\n",
        position: "p.toml:4:1:",
        says: "unknown field `colour`",
    },
    Bad {
        name: "unknown detector",
        toml: "[detectors.magic]\n",
        position: "p.toml:1:",
        says: "magic",
    },
    Bad {
        name: "duplicate name in one pack",
        toml: "[[rule]]\nname = \"a\"\nmarkers = [\"x\"]\n[[rule]]\nname = \"a\"\nmarkers = [\"y\"]\n",
        position: "p.toml:5:8: key `name`",
        says: "duplicate rule name \"a\" (first defined at p.toml:2:8)",
    },
    Bad {
        name: "empty marker list",
        toml: "[[rule]]\nname = \"a\"\nmarkers = []\n",
        position: "p.toml:3:11: key `markers`",
        says: "empty",
    },
    Bad {
        name: "empty marker",
        toml: "[[rule]]\nname = \"a\"\nmarkers = [\"x\", \"\"]\n",
        position: "p.toml:3:17: key `markers`",
        says: "empty marker",
    },
    Bad {
        name: "marker with a newline",
        toml: "[[rule]]\nname = \"a\"\nmarkers = [\"x\\ny\"]\n",
        position: "p.toml:3:12: key `markers`",
        says: "line break",
    },
    Bad {
        name: "invalid regex",
        toml: "[[rule]]\nname = \"a\"\nmarkers = [\"x\"]\npattern = '(unclosed'\n",
        position: "p.toml:4:11: key `pattern`",
        says: "invalid regex",
    },
    Bad {
        name: "bad where",
        toml: "[[rule]]\nname = \"a\"\nmarkers = [\"x\"]\nwhere = \"inside\"\n",
        position: "p.toml:4:9: key `where`",
        says: "expected one of: contains, starts, ends, equals",
    },
    Bad {
        name: "bad action",
        toml: "[[rule]]\nname = \"a\"\nmarkers = [\"x\"]\naction = \"page\"\n",
        position: "p.toml:4:10: key `action`",
        says: "unknown value \"page\"",
    },
    Bad {
        name: "bad case",
        toml: "[[rule]]\nname = \"a\"\nmarkers = [\"x\"]\ncase = \"upper\"\n",
        position: "p.toml:4:8: key `case`",
        says: "insensitive, sensitive",
    },
    Bad {
        name: "wrong type",
        toml: "[[rule]]\nname = \"a\"\nmarkers = [\"x\"]\nmax_words = \"five\"\n",
        position: "p.toml:4:13: key `max_words`",
        says: "invalid type",
    },
    Bad {
        name: "zero max_words",
        toml: "[[rule]]\nname = \"a\"\nmarkers = [\"x\"]\nmax_words = 0\n",
        position: "p.toml:4:13: key `max_words`",
        says: "at least 1",
    },
    Bad {
        name: "position out of range",
        toml: "[[rule]]\nname = \"a\"\nmarkers = [\"x\"]\nafter = 1.5\n",
        position: "p.toml:4:9: key `after`",
        says: "between 0.0 and 1.0",
    },
    Bad {
        name: "after beyond before",
        toml: "[[rule]]\nname = \"a\"\nmarkers = [\"x\"]\nafter = 0.8\nbefore = 0.2\n",
        position: "p.toml:4:9: key `after`",
        says: "greater than `before`",
    },
    Bad {
        name: "name not kebab-case",
        toml: "[[rule]]\nname = \"Share_Buttons\"\nmarkers = [\"x\"]\n",
        position: "p.toml:2:8: key `name`",
        says: "kebab-case",
    },
    Bad {
        name: "name of a detector",
        toml: "[[rule]]\nname = \"repeated\"\nmarkers = [\"x\"]\n",
        position: "p.toml:2:8: key `name`",
        says: "detector",
    },
    Bad {
        name: "missing markers",
        toml: "[[rule]]\nname = \"a\"\n",
        position: "p.toml:1:1:",
        says: "missing field `markers`",
    },
    Bad {
        name: "not TOML",
        toml: "[[rule]\nname = ",
        position: "p.toml:1:",
        says: "",
    },
];

#[test]
fn every_mistake_names_file_position_and_key() {
    for bad in BAD {
        let err = RuleSet::from_toml(bad.toml, "p.toml")
            .expect_err(bad.name)
            .to_string();
        assert!(err.starts_with(bad.position), "{}: {err}", bad.name);
        assert!(err.contains(bad.says), "{}: {err}", bad.name);
        assert!(
            !err.contains('\n'),
            "{}: one line expected: {err}",
            bad.name
        );
    }
}

#[test]
fn duplicate_names_across_packs_name_both_places() {
    let mut rules =
        RuleSet::from_toml("[[rule]]\nname = \"a\"\nmarkers = [\"x\"]\n", "one.toml").unwrap();
    let err = rules
        .add_pack("\n[[rule]]\nname = \"a\"\nmarkers = [\"y\"]\n", "two.toml")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "two.toml:3:8: key `name`: duplicate rule name \"a\" (first defined at one.toml:2:8)"
    );
}

#[test]
fn the_embedded_packs_load_and_pass_their_own_examples() {
    let rules = RuleSet::builtin();
    assert!(!rules.rules().is_empty());
    let report = boilerstrip::examples::test_examples(&rules).unwrap();
    assert!(report.failures.is_empty(), "{:#?}", report.failures);
    for rule in rules.rules() {
        assert!(
            rule.examples().len() >= 2,
            "{} needs two examples",
            rule.name()
        );
        assert!(
            rule.counterexamples().len() >= 2,
            "{} needs two counterexamples",
            rule.name()
        );
    }
}

#[test]
fn a_failing_example_is_reported() {
    let rules = RuleSet::from_toml(
        "[[rule]]\nname = \"a\"\nmarkers = [\"ad\"]\nwhere = \"equals\"\nexamples = [\"an ad\"]\ncounterexamples = [\"ad\"]\n",
        "t.toml",
    )
    .unwrap();
    let report = boilerstrip::examples::test_examples(&rules).unwrap();
    let lines: Vec<&str> = report.failures.iter().map(|f| f.line.as_str()).collect();
    assert_eq!(lines, ["an ad", "ad"]);
}
