//! Snapshots of structured output: `--stats` (timings zeroed) and `--explain`.

use crate::harness::{Env, repo, run};

fn seed() -> std::path::PathBuf {
    repo().join("tests/golden/aljazeera-kim-trump.input.txt")
}

#[test]
fn stats_of_the_seed() {
    let env = Env::new();
    let output = run(env
        .cmd()
        .arg(seed())
        .args(["--stats", "-", "--deterministic"]));
    assert!(output.status.success());
    insta::assert_snapshot!(String::from_utf8(output.stderr).unwrap());
}

#[test]
fn explain_of_the_seed() {
    let env = Env::new();
    // A relative name, so that the header line is the same on every machine.
    env.write("seed.txt", std::fs::read(seed()).unwrap());
    let output = run(env
        .cmd()
        .arg("seed.txt")
        .args(["--explain", "--color", "never"]));
    assert!(output.status.success());
    insta::assert_snapshot!(String::from_utf8(output.stdout).unwrap());
}
