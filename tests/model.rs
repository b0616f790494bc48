//! The line scorer: the Rust evaluator against the training library's own scores, the
//! `model` detector's switches, and the content-shape protections on real page shapes.

use boilerstrip::model::{FEATURE_COUNT, Model};
use boilerstrip::rules::ModelSettings;
use boilerstrip::{Cleaner, RuleSet};

use crate::harness::{Env, repo, run};

/// The largest difference allowed between a LightGBM probability and ours: the model file
/// keeps leaf values to 9 significant digits (thresholds exactly), so sums of 80 leaves
/// differ by far less than this.
const TOLERANCE: f64 = 1e-6;

#[test]
fn builtin_model_gives_the_training_librarys_scores() {
    let fixture = std::fs::read_to_string(repo().join("tests/data/model-fixture.tsv")).unwrap();
    let model = Model::builtin();
    let (threshold, confirm) = (
        ModelSettings::DEFAULT.threshold(),
        ModelSettings::DEFAULT.confirm(),
    );
    let mut rows = 0;
    for line in fixture.lines().filter(|l| !l.starts_with('#')) {
        let values: Vec<f64> = line.split('\t').map(|v| v.parse().unwrap()).collect();
        let (expected, row) = (values[0], &values[1..]);
        assert_eq!(row.len(), FEATURE_COUNT, "fixture row width");
        let row: Vec<f32> = row.iter().map(|&v| v as f32).collect();
        let ours = model.score(&row);
        assert!(
            (ours - expected).abs() <= TOLERANCE,
            "row {rows}: LightGBM {expected}, ours {ours}"
        );
        for cut in [threshold, confirm] {
            assert_eq!(ours >= cut, expected >= cut, "row {rows}: a decision flips");
        }
        rows += 1;
    }
    assert!(rows >= 100, "the fixture has {rows} rows");
}

/// A page of the shape the structural detectors got wrong: a tutorial with shell steps, a
/// reading list after an introduction, and a heading repeated by a table of contents.
fn tutorial() -> String {
    let text = "This guide walks through packaging a small library, from the layout of the \
                project to the upload, and explains each step as it goes along.";
    let more = "Once the wheel is built, the next part of the guide shows how to check it and \
                how to publish it so that other people can install it with one command.";
    format!(
        "Home\nGuides\nBlog\nContact\n\nContents\nBuilding\nPublishing\n\n{text}\n\nBuilding\n\n\
         {more}\n\nRun these commands from the project folder:\n\n$ python -m pip install build\n\
         $ python -m build\n\n{more}\n\n© 2024 Example\nPrivacy\nTerms\n"
    )
}

/// The default pack with the line scorer switched on, as `--scorer` does.
fn scoring_rules() -> RuleSet {
    let mut rules = RuleSet::builtin();
    rules.enable_model();
    rules
}

/// The kept text of `cleaned`, checked to hold each of `pieces`.
fn kept_with(cleaned: &boilerstrip::Cleaned<'_>, pieces: &[&str]) -> String {
    let kept = String::from_utf8(cleaned.kept().into_owned()).unwrap();
    for piece in pieces {
        assert!(kept.contains(piece), "{piece:?} was removed:\n{kept}");
    }
    kept
}

#[test]
fn model_keeps_shell_steps_and_the_heading_and_removes_the_menu() {
    let cleaner = Cleaner::new(&scoring_rules()).unwrap();
    let page = tutorial();
    let kept = kept_with(
        &cleaner.clean(page.as_bytes()),
        &[
            "$ python -m pip install build",
            "$ python -m build",
            "\nBuilding\n\n",
        ],
    );
    assert!(!kept.contains("Guides"), "the menu stays:\n{kept}");
}

/// `tests/data/tutorial.txt`: shell steps, a Python function and a table of numbers
/// between paragraphs, where `edges` and `context` take lines of each.
fn code_and_table_page() -> Vec<u8> {
    std::fs::read(repo().join("tests/data/tutorial.txt")).unwrap()
}

#[test]
fn the_default_pack_gives_back_code_and_tables_and_scores_nothing() {
    let fast = Cleaner::new(&RuleSet::builtin()).unwrap();
    let page = code_and_table_page();
    let cleaned = fast.clean(&page);
    let kept = kept_with(
        &cleaned,
        &[
            "$ python -m pip install build\n$ python -m build\n$ ls dist\n",
            "def main():\n    args = parse(sys.argv)\n    return run(args)\n",
            "laptop     41.2    39.8\ndesktop    18.7    18.1\nserver      9.3     9.0\n",
        ],
    );
    let shapes: Vec<&str> = cleaned.saved().iter().map(|(_, p)| p.name()).collect();
    assert!(
        shapes.contains(&"code") && shapes.contains(&"table"),
        "{shapes:?}"
    );
    assert!(
        shapes.iter().all(|&s| s == "code" || s == "table"),
        "without the scorer no list or heading is protected: {shapes:?}"
    );
    assert!(!kept.contains("Guides"), "the menu still goes:\n{kept}");
    assert!(cleaned.scores().is_empty());
    assert!(
        cleaned
            .removals()
            .iter()
            .all(|r| r.reason.as_str() != "model")
    );
    // Without the scorer, a heading and a list after an introduction are the detectors'
    // to take, as a menu after `Follow us on:` would be.
    let tutorial = tutorial();
    let cleaned = fast.clean(tutorial.as_bytes());
    assert!(
        cleaned.saved().iter().all(|(_, p)| p.name() == "code"),
        "{:?}",
        cleaned.saved()
    );
}

#[test]
fn explain_names_the_shape_that_gave_a_line_back() {
    let env = Env::new();
    let page = env.write("page.txt", code_and_table_page());
    let output = run(env.cmd().args(["--explain", "--color", "never"]).arg(&page));
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let fate = |content: &str| {
        let line = text
            .lines()
            .find(|l| l.ends_with(&format!("| {content}")))
            .unwrap_or_else(|| panic!("{content:?} is not explained:\n{text}"));
        line.split_whitespace().next().unwrap().to_string()
    };
    assert_eq!(fate("    args = parse(sys.argv)"), "keep:code");
    assert_eq!(fate("desktop    18.7    18.1"), "keep:table");
    assert_eq!(fate("Guides"), "context");
}

#[test]
fn disable_model_switches_the_scorer_off_whatever_switched_it_on() {
    let env = Env::new();
    let page = env.write("page.txt", tutorial());
    let clean = |flags: &[&str]| {
        let output = run(env.cmd().args(flags).arg(&page));
        assert!(output.status.success(), "{flags:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    let default = clean(&[]);
    assert_ne!(clean(&["--scorer"]), default, "the scorer changes the page");
    assert_eq!(clean(&["--scorer", "--disable", "model"]), default);
    assert_eq!(clean(&["--disable", "model", "--scorer"]), default);
}

#[test]
fn scores_are_recorded_only_when_asked_for() {
    let rules = scoring_rules();
    let page = tutorial();
    let quiet = Cleaner::new(&rules).unwrap();
    assert!(quiet.clean(page.as_bytes()).scores().is_empty());
    let scoring = Cleaner::builder().scores(true).build(&rules).unwrap();
    let cleaned = scoring.clean(page.as_bytes());
    assert!(!cleaned.scores().is_empty());
    assert!(
        cleaned
            .scores()
            .iter()
            .all(|&(_, s)| (0.0..=1.0).contains(&s))
    );
}

#[test]
fn explain_shows_scores_and_rules_list_names_the_model() {
    let env = Env::new();
    let page = env.write("page.txt", tutorial());
    let output = run(env.cmd().args(["--scorer", "--explain"]).arg(&page));
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let shell = text
        .lines()
        .find(|l| l.ends_with("| $ python -m build"))
        .expect("the shell line is explained");
    assert!(shell.starts_with("keep"), "{shell}");
    let scored = text
        .lines()
        .filter(|l| {
            l.split(" | ")
                .next()
                .is_some_and(|h| h.contains("0.") || h.contains("1.0"))
        })
        .count();
    assert!(scored > 5, "scores shown:\n{text}");

    let list = run(env.cmd().args(["rules", "list", "--scorer"]));
    let list = String::from_utf8(list.stdout).unwrap();
    assert!(
        list.contains("model: builtin:model.txt (50 trees, threshold"),
        "{list}"
    );
    // Off in the default pack: it is three to four times slower.
    let default = run(env.cmd().args(["rules", "list"]));
    let default = String::from_utf8(default.stdout).unwrap();
    assert!(default.contains("trees, off)"), "{default}");
}

#[test]
fn the_reference_gives_the_settings_the_code_uses() {
    // docs/rules.md's table of the scorer's settings: `| `name` | code default | pack |`.
    let reference = std::fs::read_to_string(repo().join("docs/rules.md")).unwrap();
    let documented = |name: &str| -> Vec<f64> {
        let row = reference
            .lines()
            .find(|l| l.starts_with(&format!("| `{name}` |")))
            .unwrap_or_else(|| panic!("docs/rules.md has no row for `{name}`"));
        row.split('|')
            .skip(2)
            .filter_map(|cell| cell.trim().parse().ok())
            .collect()
    };
    // The default pack leaves both to the code (its table only says `enabled = false`).
    let settings = ModelSettings::DEFAULT;
    assert_eq!(documented("threshold"), [settings.threshold(); 2]);
    assert_eq!(documented("confirm"), [settings.confirm(); 2]);
}

#[test]
fn model_flag_loads_a_file_and_reports_a_bad_one() {
    let env = Env::new();
    let page = env.write("page.txt", "Home\nA line of text.\n");
    // A model that scores every line as boilerplate with certainty.
    let all = env.write(
        "all.txt",
        format!("boilerstrip-model 1\nfeatures {FEATURE_COUNT}\ntree / 30\n"),
    );
    let output = run(env.cmd().arg("--model").arg(&all).arg(&page));
    assert!(output.status.success());
    assert_eq!(output.stdout, b"");
    let list = run(env.cmd().args(["rules", "list", "--model"]).arg(&all));
    assert!(
        String::from_utf8(list.stdout)
            .unwrap()
            .contains("all.txt (1 trees")
    );

    let bad = env.write("bad.txt", "boilerstrip-model 1\nfeatures 3\ntree / 1\n");
    let output = run(env.cmd().arg("--model").arg(&bad).arg(&page));
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("bad.txt") && stderr.contains("features"),
        "{stderr}"
    );
}
