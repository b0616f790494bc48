//! `--help`'s examples run, and `completions` and `man` produce what they promise.

use std::process::Command;

use crate::harness::{Env, repo};

/// The commands of `--help`'s EXAMPLES section, in order.
fn help_examples(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| *l != "Examples:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.strip_prefix("      "))
        .map(str::to_string)
        .collect()
}

/// A scratch directory holding the files the examples name.
fn fixtures() -> Env {
    let env = Env::new();
    let page = std::fs::read(repo().join("tests/golden/aljazeera-kim-trump.input.txt")).unwrap();
    env.write("page.txt", &page);
    env.write(
        "CC-MAIN.warc.wet.gz",
        std::fs::read(repo().join("tests/data/whirlwind.warc.wet.gz")).unwrap(),
    );
    env.write(
        "shard.jsonl",
        "{\"id\":1,\"metadata\":{\"content\":\"Body text.\\nShare on Facebook\\n\"}}\n",
    );
    let record = |text: &str| format!("{}\n", serde_json::json!({ "text": text }));
    for (name, text) in [
        ("a", "Story one.\nSee more\n"),
        ("b", "Story two.\nSee more\n"),
    ] {
        let plain = env.write(&format!("{name}.jsonl"), record(text));
        env.cmd()
            .arg(&plain)
            .args(["--no-default-rules", "-o"])
            .arg(env.path(&format!("shards/{name}.jsonl.zst")))
            .assert()
            .success();
    }
    env.write(
        "my-rules.toml",
        "[[rule]]\nname = \"see-more\"\nmarkers = [\"See more\"]\nwhere = \"equals\"\n\
         examples = [\"See more\", \"SEE MORE\"]\ncounterexamples = [\"See more of the city.\"]\n",
    );
    env
}

fn bash(env: &Env, script: &str) -> std::process::Output {
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_boilerstrip"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    Command::new("bash")
        .args(["-c", &format!("set -eo pipefail\n{script}")])
        .current_dir(env.path(""))
        .env("PATH", path)
        .output()
        .expect("run bash")
}

#[test]
fn every_help_example_runs() {
    let env = fixtures();
    let help = env.cmd().arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let examples = help_examples(&help);
    assert!(examples.len() >= 8, "{help}");
    for example in &examples {
        let out = bash(&env, example);
        assert!(
            out.status.success(),
            "`{example}` failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The examples did what they say.
    assert!(env.path("clean/a.jsonl.zst").exists());
    assert!(env.path("counts.bsc").exists());
    let bash_script = std::fs::read_to_string(env.path("boilerstrip.bash")).unwrap();
    assert!(
        bash_script.contains("complete -F _boilerstrip"),
        "{bash_script}"
    );
    let page = std::fs::read_to_string(env.path("boilerstrip.1")).unwrap();
    assert!(page.contains(".SH EXAMPLES"), "{page}");
}

#[test]
fn completions_cover_every_shell_and_subcommand() {
    let env = Env::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = env.cmd().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        for word in ["count", "merge", "no-default-rules", "completions"] {
            assert!(script.contains(word), "{shell} completes {word}");
        }
    }
    let bash_script = env.cmd().args(["completions", "bash"]).output().unwrap();
    env.write("c.bash", bash_script.stdout);
    assert!(
        bash(&env, "bash -n c.bash").status.success(),
        "bash parses it"
    );
    env.cmd()
        .args(["completions", "tcsh"])
        .assert()
        .failure()
        .code(2);
}

#[test]
fn man_writes_one_page_per_command_into_a_directory() {
    let env = Env::new();
    std::fs::create_dir(env.path("man")).unwrap();
    env.cmd().args(["man", "man"]).assert().success();
    for page in [
        "boilerstrip.1",
        "boilerstrip-clean.1",
        "boilerstrip-count.1",
        "boilerstrip-merge.1",
        "boilerstrip-top.1",
        "boilerstrip-rules.1",
        "boilerstrip-rules-test.1",
        "boilerstrip-completions.1",
    ] {
        let text = std::fs::read_to_string(env.path(&format!("man/{page}")))
            .unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(text.contains(".SH NAME"), "{page}");
    }
    let clean = std::fs::read_to_string(env.path("man/boilerstrip-clean.1")).unwrap();
    assert!(clean.contains("\\-\\-max\\-doc\\-bytes"), "{clean}");
    assert!(
        !clean.contains(".SH EXAMPLES"),
        "examples are on the main page only"
    );
    let main = std::fs::read_to_string(env.path("man/boilerstrip.1")).unwrap();
    let stdout = env.cmd().arg("man").output().unwrap().stdout;
    assert!(
        main == String::from_utf8_lossy(&stdout),
        "the page on stdout is the main page"
    );
}
