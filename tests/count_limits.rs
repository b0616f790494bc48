//! `count` and `merge` at their limits (issue 12): thousands of spilled runs and of
//! tables under a low descriptor limit, and an interrupt in the middle of a merge.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use boilerstrip::count_table::Scope;
use boilerstrip::counts::{Counter, document_keys};

use crate::harness::Env;

const DOCUMENTS: usize = 2_000;

/// Letters for a number: the normal form maps digits to 0, so unique lines need letters.
fn letters(mut n: usize) -> String {
    let mut word = String::new();
    loop {
        word.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            return word;
        }
    }
}

/// `DOCUMENTS` text files under `docs/`: a shared menu line and unique lines each.
fn documents(env: &Env, unique_lines: usize) -> Vec<PathBuf> {
    (0..DOCUMENTS)
        .map(|doc| {
            let mut text = String::from("Home | News | Sport\n");
            for line in 0..unique_lines {
                text.push_str(&format!("story {} line {}\n", letters(doc), letters(line)));
            }
            env.write(&format!("docs/{doc:05}.txt"), text)
        })
        .collect()
}

/// A table per document under `tables/`, counted through the library.
fn table_per_document(env: &Env, docs: &[PathBuf]) -> Vec<PathBuf> {
    std::fs::create_dir_all(env.path("tables")).unwrap();
    let spill = tempfile::tempdir().unwrap();
    let (mut scratch, mut keys) = (Vec::new(), Vec::new());
    docs.iter()
        .enumerate()
        .map(|(i, doc)| {
            let mut counter = Counter::new(Scope::Corpus, 1 << 20, spill.path());
            document_keys(&std::fs::read(doc).unwrap(), None, &mut scratch, &mut keys);
            counter.add_document(&keys).unwrap();
            let path = env.path(&format!("tables/{i:05}.bsc"));
            let mut out = std::io::Cursor::new(Vec::new());
            counter.finish(&mut out, "table", &|| false).unwrap();
            std::fs::write(&path, out.into_inner()).unwrap();
            path
        })
        .collect()
}

/// The binary run by `sh` with at most 256 open file descriptors.
fn limited(env: &Env) -> Command {
    let mut cmd = Command::new("sh");
    cmd.current_dir(env.path(""))
        .args(["-c", "ulimit -n 256 && exec \"$@\"", "sh"])
        .arg(env!("CARGO_BIN_EXE_boilerstrip"));
    cmd
}

#[track_caller]
fn succeeded(output: Output) {
    assert!(
        output.status.success(),
        "{:?}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn count_with_hundreds_of_runs_and_merge_of_thousands_of_tables_under_ulimit_256() {
    let env = Env::new();
    let docs = documents(&env, 30);
    // The reference: one in-memory count of everything, no limit.
    succeeded(
        env.cmd()
            .arg("count")
            .args(&docs)
            .args(["-o", "whole.bsc", "-q"])
            .output()
            .unwrap(),
    );
    let whole = std::fs::read(env.path("whole.bsc")).unwrap();

    // About 350 spilled runs (170 keys each), more than the descriptor limit.
    succeeded(
        limited(&env)
            .arg("count")
            .args(&docs)
            .args(["--memory", "8K", "-o", "spilled.bsc", "-q"])
            .output()
            .unwrap(),
    );
    assert_eq!(std::fs::read(env.path("spilled.bsc")).unwrap(), whole);

    let tables = table_per_document(&env, &docs);
    succeeded(
        limited(&env)
            .arg("merge")
            .args(&tables)
            .args(["-o", "merged.bsc"])
            .output()
            .unwrap(),
    );
    assert_eq!(std::fs::read(env.path("merged.bsc")).unwrap(), whole);
    assert_eq!(
        leftovers(&env.path("")),
        ["docs", "merged.bsc", "spilled.bsc", "tables", "whole.bsc"]
    );
}

/// The names in `dir`, sorted.
fn leftovers(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn signal(name: &str, pid: u32) {
    let status = Command::new("kill")
        .args([name, &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill {name} {pid}");
}

#[test]
fn an_interrupted_merge_exits_130_and_leaves_nothing_behind() {
    let env = Env::new();
    let docs = documents(&env, 40);
    let tables = table_per_document(&env, &docs);
    // On a busy machine the whole merge may end before this thread sees it start; only
    // then is it tried again. A merge that ignores the interrupt fails every attempt.
    for _ in 0..5 {
        if let Some((output, runs)) = interrupt_a_merge(&env, &tables) {
            assert_eq!(
                output.status.code(),
                Some(130),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert!(String::from_utf8_lossy(&output.stderr).contains("interrupted"));
            assert!(runs.iter().all(|dir| !dir.exists()), "runs left behind");
            assert_eq!(leftovers(&env.path("")), ["docs", "tables"]);
            return;
        }
        let _ = std::fs::remove_file(env.path("merged.bsc"));
    }
    panic!("the merge never ran long enough to be interrupted (or wrote no intermediate run)");
}

/// Starts a merge of `tables`, waits until it writes its first intermediate run (31
/// groups of 64 tables and the final pass are still ahead of it), freezes it, sends
/// SIGINT and lets it go on. `None` if it ended before it could be frozen.
fn interrupt_a_merge(env: &Env, tables: &[PathBuf]) -> Option<(Output, Vec<PathBuf>)> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_boilerstrip"))
        .current_dir(env.path(""))
        .arg("merge")
        .args(tables)
        .args(["-o", "merged.bsc"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let runs = loop {
        let runs: Vec<PathBuf> = std::fs::read_dir(env.path(""))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.is_dir() && path.file_name().unwrap() != "docs")
            .filter(|path| path.file_name().unwrap() != "tables")
            .collect();
        if runs
            .iter()
            .any(|dir| std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some()))
        {
            break runs;
        }
        if child.try_wait().unwrap().is_some() {
            return None;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no intermediate run appeared"
        );
        std::thread::sleep(Duration::from_millis(1));
    };
    // Frozen, it cannot finish before the interrupt lands in the middle of the work.
    signal("-STOP", child.id());
    if child.try_wait().unwrap().is_some() {
        return None;
    }
    signal("-INT", child.id());
    signal("-CONT", child.id());
    Some((child.wait_with_output().unwrap(), runs))
}

#[test]
fn an_interrupted_count_exits_130_and_leaves_no_runs_or_table() {
    use std::io::Write;
    let env = Env::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_boilerstrip"))
        .current_dir(env.path(""))
        .args([
            "count",
            "--doc-separator",
            "---",
            "--memory",
            "64K",
            "-o",
            "t.bsc",
            "-q",
        ])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Three batches' worth (4 MiB each) of documents with unique lines, so that runs
    // spill; then the input stays open: the count is waiting for more when the
    // interrupt comes.
    let mut text = String::new();
    for doc in 0..100_000 {
        text.push_str(&format!(
            "story {} told\nagain {}\n---\n",
            letters(doc),
            letters(doc)
        ));
    }
    for _ in 0..(12 << 20) / text.len() + 1 {
        stdin.write_all(text.as_bytes()).unwrap();
    }
    stdin.flush().unwrap();
    let started = Instant::now();
    let spill_dir = loop {
        let spilled = std::fs::read_dir(env.path(""))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .find(|path| {
                path.is_dir() && std::fs::read_dir(path).is_ok_and(|mut runs| runs.next().is_some())
            });
        if let Some(dir) = spilled {
            break dir;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no run was spilled"
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    signal("-INT", child.id());
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!spill_dir.exists(), "spilled runs left behind");
    assert_eq!(leftovers(&env.path("")), Vec::<String>::new());
}
