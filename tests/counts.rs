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
fn partitions_split_a_merge_and_joining_them_gives_back_the_whole() {
    let env = Env::new();
    let docs = corpus(&env, &["a.txt", "b.txt", "c.txt"]);
    let all = count(&env, &docs, "all.bsc", &[]);
    for part in ["0/2", "1/2"] {
        env.cmd()
            .args(["merge", "all.bsc", "--partition", part, "-o"])
            .arg(format!("part{}.bsc", &part[..1]))
            .assert()
            .success()
            .stderr(predicate::str::contains("merged 1 tables: 3 documents"));
    }
    // Issue 12: joining the partitions counted the documents once per partition. The
    // joined table is the unpartitioned one, byte for byte, in either order.
    for order in [["part0.bsc", "part1.bsc"], ["part1.bsc", "part0.bsc"]] {
        env.cmd()
            .arg("merge")
            .args(order)
            .args(["-o", "joined.bsc"])
            .assert()
            .success()
            .stderr(predicate::str::contains("3 documents"));
        assert_eq!(std::fs::read(env.path("joined.bsc")).unwrap(), all);
    }
    assert_ne!(std::fs::read(env.path("part0.bsc")).unwrap(), all);
    // A partition alone cannot clean: most of its keys are elsewhere.
    env.cmd()
        .args(["--counts", "part0.bsc", "--min-docs", "2", "a.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("part0.bsc: holds only the keys"));
    env.cmd()
        .args(["merge", "all.bsc", "--min-docs", "3", "-o", "common.bsc"])
        .assert()
        .success()
        .stderr(predicate::str::contains("2 lines kept"));
}

#[test]
fn merging_counts_of_shards_partition_by_partition_equals_counting_the_whole() {
    let env = Env::new();
    let docs = corpus(&env, &["a.txt", "b.txt", "c.txt", "d.txt"]);
    let whole = count(&env, &docs, "whole.bsc", &[]);
    count(&env, &docs[..1], "s0.bsc", &[]);
    count(&env, &docs[1..], "s1.bsc", &["--memory", "100"]);
    // Each reducer merges one range of every shard; the ranges are joined at the end.
    let mut parts = Vec::new();
    for i in 0..3 {
        let part = format!("part{i}.bsc");
        env.cmd()
            .args([
                "merge",
                "s0.bsc",
                "s1.bsc",
                "--partition",
                &format!("{i}/3"),
                "-o",
            ])
            .arg(&part)
            .assert()
            .success();
        parts.push(part);
    }
    env.cmd()
        .arg("merge")
        .args(&parts)
        .args(["-o", "joined.bsc"])
        .assert()
        .success();
    assert_eq!(std::fs::read(env.path("joined.bsc")).unwrap(), whole);
    // A missing partition is refused rather than joined into a table that lacks it.
    env.cmd()
        .args(["merge", "part0.bsc", "part2.bsc", "-o", "gap.bsc"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the partitions between them are missing",
        ));
    assert!(!env.path("gap.bsc").exists());
}

#[test]
fn partitioned_counts_of_shards_merge_range_by_range_into_the_whole() {
    let env = Env::new();
    let docs = corpus(&env, &["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]);
    let whole = count(&env, &docs, "whole.bsc", &[]);
    // Two workers, one spilling, each writing three range tables.
    for (worker, docs, memory) in [("w0", &docs[..2], "1G"), ("w1", &docs[2..], "100")] {
        env.cmd()
            .arg("count")
            .args(docs)
            .args(["--partitions", "3", "--memory", memory, "-o", worker])
            .assert()
            .success()
            .stderr(predicate::str::contains("distinct lines in 3 partitions"));
    }
    let read = |name: &str| std::fs::read(env.path(name)).unwrap();
    let mut ranges = Vec::new();
    for r in 0..3 {
        let part = format!("part-{r:04}.bsc");
        // A range table of the whole corpus is `merge --partition` of the whole table.
        env.cmd()
            .args([
                "merge",
                "whole.bsc",
                "--partition",
                &format!("{r}/3"),
                "-o",
                "cut.bsc",
            ])
            .assert()
            .success();
        let reduced = format!("range-{r}.bsc");
        env.cmd()
            .arg("merge")
            .args([format!("w0/{part}"), format!("w1/{part}")])
            .args(["-o", &reduced])
            .assert()
            .success();
        assert_eq!(read(&reduced), read("cut.bsc"), "range {r}");
        ranges.push(reduced);
    }
    env.cmd()
        .arg("merge")
        .args(&ranges)
        .args(["-o", "joined.bsc"])
        .assert()
        .success();
    assert_eq!(read("joined.bsc"), whole);
    // Tables of another partitioning in the directory are refused, not mixed in.
    env.cmd()
        .arg("count")
        .args(&docs)
        .args(["--partitions", "2", "-o", "w0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "part-0002.bsc is not one of the 2 partitions",
        ));
}

#[test]
fn a_table_given_twice_is_refused_not_counted_twice() {
    let env = Env::new();
    let docs = corpus(&env, &["a.txt", "b.txt"]);
    count(&env, &docs, "t.bsc", &[]);
    std::fs::create_dir(env.path("sub")).unwrap();
    for again in ["t.bsc", "./t.bsc", "sub/../t.bsc"] {
        env.cmd()
            .args(["merge", "t.bsc", again, "-o", "double.bsc"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("are the same table"));
        assert!(!env.path("double.bsc").exists());
    }
    // Merging into one of the inputs is safe: the output is renamed into place.
    count(&env, &docs[..1], "a.bsc", &[]);
    count(&env, &docs[1..], "b.bsc", &[]);
    env.cmd()
        .args(["merge", "a.bsc", "b.bsc", "-o", "a.bsc"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read(env.path("a.bsc")).unwrap(),
        std::fs::read(env.path("t.bsc")).unwrap()
    );
}

#[test]
fn a_table_over_its_own_input_is_refused() {
    let env = Env::new();
    let jsonl = "{\"text\":\"Menu\\nStory.\"}\n";
    let input = env.write("s.jsonl", jsonl);
    for output in ["s.jsonl", "./s.jsonl"] {
        env.cmd()
            .arg("count")
            .arg(&input)
            .args(["-o", output])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("would overwrite the input"));
        assert_eq!(std::fs::read_to_string(&input).unwrap(), jsonl);
    }
}

#[test]
fn a_table_path_naming_a_directory_is_refused_before_any_work() {
    let env = Env::new();
    let docs = corpus(&env, &["a.txt"]);
    count(&env, &docs, "t.bsc", &[]);
    std::fs::create_dir(env.path("dir")).unwrap();
    for args in [&["count", "a.txt"][..], &["merge", "t.bsc"]] {
        env.cmd()
            .args(args)
            .args(["-o", "dir"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "dir is a directory: -o names the table file",
            ));
    }
    assert_eq!(std::fs::read_dir(env.path("dir")).unwrap().count(), 0);
}

#[test]
fn an_input_given_twice_is_refused_not_counted_twice() {
    let env = Env::new();
    corpus(&env, &["a.txt"]);
    for command in [&["count", "-o", "t.bsc"][..], &["top"]] {
        env.cmd()
            .args(command)
            .args(["a.txt", "./a.txt"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "the input a.txt and the input ./a.txt are the same file",
            ));
    }
    assert!(!env.path("t.bsc").exists());
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

#[test]
fn clean_with_counts_removes_lines_found_in_many_documents() {
    let env = Env::new();
    let docs = corpus(&env, &["a.txt", "b.txt", "c.txt"]);
    count(&env, &docs, "counts.bsc", &[]);
    env.cmd()
        .args(["--no-default-rules", "--counts", "counts.bsc", "--min-docs", "3", "--explain", "--color", "never", "a.txt"])
        .assert()
        .success()
        .stdout("==> a.txt record 1 <==\nfrequent | Home | News | Sport\nkeep     | The alpha story is told here in full.\nfrequent | About us · Contact\n");
    // Above the threshold nothing is frequent; a word limit spares longer lines.
    env.cmd()
        .args([
            "--no-default-rules",
            "--counts",
            "counts.bsc",
            "--min-docs",
            "4",
            "a.txt",
        ])
        .assert()
        .success()
        .stdout(std::fs::read_to_string(env.path("a.txt")).unwrap());
    env.cmd()
        .args([
            "--no-default-rules",
            "--counts",
            "counts.bsc",
            "--min-docs",
            "3",
            "--frequent-max-words",
            "4",
            "a.txt",
        ])
        .assert()
        .success()
        .stdout("Home | News | Sport\nThe alpha story is told here in full.\n");
}

#[test]
fn a_per_site_table_cleans_by_the_documents_site() {
    let env = Env::new();
    let page = |story: &str, url: &str| {
        format!("{{\"text\":\"Site slogan\\n{story}\\n\",\"url\":\"{url}\"}}\n")
    };
    let jsonl = [
        page("First story told at length.", "https://a.example/1"),
        page("Second story told at length.", "https://a.example/2"),
        page("Third story told at length.", "https://b.example/1"),
    ]
    .concat();
    env.write("pages.jsonl", &jsonl);
    count(
        &env,
        &[env.path("pages.jsonl")],
        "site.bsc",
        &["--scope", "site"],
    );
    let output = run(env.cmd().args([
        "--no-default-rules",
        "--counts",
        "site.bsc",
        "--min-docs",
        "2",
        "pages.jsonl",
    ]));
    assert!(output.status.success());
    let out = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    // The slogan is frequent on a.example (2 pages), not on b.example (1 page).
    assert_eq!(
        lines[0],
        r#"{"text":"First story told at length.\n","url":"https://a.example/1"}"#
    );
    assert_eq!(
        lines[1],
        r#"{"text":"Second story told at length.\n","url":"https://a.example/2"}"#
    );
    assert_eq!(
        lines[2],
        page("Third story told at length.", "https://b.example/1").trim_end()
    );
}

#[test]
fn the_frequent_detector_is_configured_in_toml_and_flags_need_a_table() {
    let env = Env::new();
    let docs = corpus(&env, &["a.txt", "b.txt"]);
    count(&env, &docs, "counts.bsc", &[]);
    env.write(
        "pack.toml",
        "[detectors.frequent]\nmin_docs = 2\nmax_words = 4\n",
    );
    env.cmd()
        .args([
            "--no-default-rules",
            "-r",
            "pack.toml",
            "--counts",
            "counts.bsc",
            "a.txt",
        ])
        .assert()
        .success()
        .stdout("Home | News | Sport\nThe alpha story is told here in full.\n");
    env.cmd()
        .args(["--min-docs", "2", "a.txt"])
        .assert()
        .code(2);
    env.write("bad.toml", "[detectors.frequent]\nmin_docs = 0\n");
    env.cmd()
        .args(["-r", "bad.toml", "a.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.toml:2:12: key `min_docs`: must be at least 1",
        ));
}
