//! `count`, `merge`, `top` through the binary: associativity byte for byte (also when
//! spilling), scopes, partitions, and damaged tables.

use predicates::prelude::*;

use crate::harness::{Env, run};

/// Five documents sharing a menu and a footer, each with its own story.
fn corpus(env: &Env, names: &[&str]) -> Vec<std::path::PathBuf> {
    let stories = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"];
    names
        .iter()
        .zip(stories.iter().cycle())
        .map(|(name, story)| {
            env.write(
                name,
                format!("Home | News | Sport\nThe {story} story is told here in full.\nAbout us · Contact\n"),
            )
        })
        .collect()
}

fn count(env: &Env, inputs: &[std::path::PathBuf], table: &str, extra: &[&str]) -> Vec<u8> {
    let output = run(env
        .cmd()
        .arg("count")
        .args(inputs)
        .args(["-o", table])
        .args(extra));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read(env.path(table)).unwrap()
}

#[test]
fn merging_counts_of_parts_equals_counting_the_whole() {
    let env = Env::new();
    let docs = corpus(&env, &["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]);
    let whole = count(&env, &docs, "whole.bsc", &[]);
    count(&env, &docs[..2], "left.bsc", &[]);
    count(&env, &docs[2..], "right.bsc", &["--memory", "100"]);
    for order in [["left.bsc", "right.bsc"], ["right.bsc", "left.bsc"]] {
        env.cmd()
            .arg("merge")
            .args(order)
            .args(["-o", "merged.bsc"])
            .assert()
            .success();
        assert_eq!(std::fs::read(env.path("merged.bsc")).unwrap(), whole);
    }
    // A budget of a few keys spills a run per document; the table is the same.
    assert_eq!(
        count(&env, &docs, "spilled.bsc", &["--memory", "100"]),
        whole
    );
}

#[test]
fn partitions_split_a_merge_and_min_docs_prunes() {
    let env = Env::new();
    let docs = corpus(&env, &["a.txt", "b.txt", "c.txt"]);
    count(&env, &docs, "all.bsc", &[]);
    for part in ["0/2", "1/2"] {
        env.cmd()
            .args(["merge", "all.bsc", "--partition", part, "-o"])
            .arg(format!("part{}.bsc", &part[..1]))
            .assert()
            .success();
    }
    env.cmd()
        .args(["merge", "part0.bsc", "part1.bsc", "-o", "joined.bsc"])
        .assert()
        .success();
    // The partitions hold every entry exactly once (the header sums the documents each
    // partition was counted from, so only the entries are compared).
    let entries = |name: &str| {
        let bytes = std::fs::read(env.path(name)).unwrap();
        bytes[28..bytes.len() - 8].to_vec()
    };
    assert_eq!(entries("joined.bsc"), entries("all.bsc"));
    assert_ne!(entries("part0.bsc"), entries("all.bsc"));
    env.cmd()
        .args(["merge", "all.bsc", "--min-docs", "3", "-o", "common.bsc"])
        .assert()
        .success()
        .stderr(predicate::str::contains("2 lines kept"));
}

#[test]
fn site_scope_keeps_sites_apart() {
    let env = Env::new();
    let jsonl = [
        r#"{"text":"Shared slogan\nStory one.","url":"https://a.example/1"}"#,
        r#"{"text":"Shared slogan\nStory two.","url":"https://a.example/2"}"#,
        r#"{"text":"Shared slogan\nStory three.","url":"https://b.example/1"}"#,
    ]
    .join("\n");
    let input = env.write("pages.jsonl", jsonl + "\n");
    count(&env, std::slice::from_ref(&input), "corpus.bsc", &[]);
    count(&env, &[input], "site.bsc", &["--scope", "site"]);
    let top = |table_scope: &str| {
        let output = run(env
            .cmd()
            .args(["top", "pages.jsonl", "-n", "1", "--scope", table_scope]));
        String::from_utf8(output.stdout).unwrap()
    };
    assert!(
        top("corpus").contains("        3  100.0%  Shared slogan"),
        "{}",
        top("corpus")
    );
    assert!(
        top("site").contains("        2   66.7%  Shared slogan"),
        "{}",
        top("site")
    );
}

#[test]
fn top_reads_standard_input_and_lists_the_commonest_lines() {
    let env = Env::new();
    env.cmd()
        .args(["top", "--doc-separator", "---", "-n", "2"])
        .write_stdin("Menu\nOne.\n---\nMenu\nTwo words.\n---\nMenu\nThree more words.\n")
        .assert()
        .success()
        .stdout("DOCUMENTS   SHARE  LINE\n        3  100.0%  Menu\n");
}

#[test]
fn damaged_tables_are_errors_naming_the_file() {
    let env = Env::new();
    let docs = corpus(&env, &["a.txt", "b.txt"]);
    let table = count(&env, &docs, "good.bsc", &[]);
    env.write("short.bsc", &table[..table.len() - 3]);
    let mut flipped = table.clone();
    flipped[40] ^= 1;
    env.write("flipped.bsc", flipped);
    let mut version = table;
    version[8] = 7;
    env.write("version.bsc", version);
    for (file, says) in [
        ("short.bsc", "short.bsc: truncated"),
        ("flipped.bsc", "flipped.bsc: "),
        ("version.bsc", "version.bsc: table format version 7"),
    ] {
        env.cmd()
            .args(["merge", file, "-o", "out.bsc"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
        assert!(
            !env.path("out.bsc").exists(),
            "{file}: a failed merge left an output"
        );
    }
}
