//! Golden files: plain-text input/expected pairs, including the user's own example.

use crate::harness::{Env, assert_bytes_eq, repo, run};

#[test]
fn users_seed_is_cleaned_exactly() {
    let golden = repo().join("tests/golden");
    let input = golden.join("aljazeera-kim-trump.input.txt");
    let expected = std::fs::read(golden.join("aljazeera-kim-trump.expected.txt")).unwrap();
    let output = run(Env::new().cmd().arg(&input));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_bytes_eq("cleaned seed", &expected, &output.stdout);
}

#[test]
fn users_seed_is_cleaned_exactly_through_the_library() {
    let golden = repo().join("tests/golden");
    let input = std::fs::read(golden.join("aljazeera-kim-trump.input.txt")).unwrap();
    let expected = std::fs::read(golden.join("aljazeera-kim-trump.expected.txt")).unwrap();
    let cleaner = boilerstrip::Cleaner::new(&boilerstrip::RuleSet::builtin()).unwrap();
    assert_bytes_eq("cleaned seed", &expected, &cleaner.clean(&input).kept());
}
