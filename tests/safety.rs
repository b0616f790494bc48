//! Issue 12, data safety: no input is ever overwritten, skipped or silently destroyed.
//! Outputs over inputs are refused before any write, special files are written in place,
//! one bad input does not end the run, and exit codes are not masked by a closed pipe.

use std::path::Path;
use std::process::{Command, Stdio};

use predicates::prelude::*;

use crate::harness::{Env, run};

const DOC: &str = "Story.\nSOURCE: AP\n";
const CLEANED: &str = "Story.\n";

/// Every file under `dir` with its bytes, sorted by path: a snapshot to compare.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            let name = path.strip_prefix(root).unwrap().display().to_string();
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                out.push((name + "/", Vec::new()));
                walk(&path, root, out);
            } else if kind.is_symlink() {
                let target = std::fs::read_link(&path).unwrap();
                out.push((name + "@", target.display().to_string().into_bytes()));
            } else if kind.is_file() {
                out.push((name, std::fs::read(&path).unwrap()));
            } else {
                // A FIFO or socket: reading it would wait for a writer.
                out.push((name + "|", Vec::new()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Runs `args` in `env`, expects a refusal (exit 2, stderr naming each of `names`) and
/// that not a byte changed anywhere.
#[track_caller]
fn refused(env: &Env, args: &[&str], names: &[&str]) {
    let before = tree(&env.path(""));
    let output = run(env.cmd().args(args));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    for name in names {
        assert!(
            stderr.contains(name),
            "{args:?}: {name} not named in {stderr}"
        );
    }
    assert_eq!(tree(&env.path("")), before, "{args:?} changed files");
}

#[test]
fn issue_12_output_over_a_later_input_is_refused_before_any_write() {
    let env = Env::new();
    env.write("a.txt", "A.\nSOURCE: AP\n");
    env.write("sub/a.txt", "Sub.\nSOURCE: AP\n");
    refused(
        &env,
        &["-o", "sub", "a.txt", "sub/a.txt"],
        &["sub/a.txt (the output of a.txt)", "the input sub/a.txt"],
    );
    // An output directory holding the inputs.
    env.write("b.txt", DOC);
    refused(&env, &["-o", ".", "a.txt", "b.txt"], &["the input a.txt"]);
    refused(&env, &["-o", "./", "a.txt"], &["the input a.txt"]);
}

#[test]
fn issue_12_outputs_and_stats_over_inputs_or_each_other_are_refused() {
    let env = Env::new();
    env.write("x.txt", DOC);
    env.write("s.jsonl", "{\"text\":\"Story.\\nSOURCE: AP\\n\"}\n");
    env.write("ad.toml", "[[rule]]\nname = \"ad\"\nmarkers = [\"Ad\"]\n");
    refused(
        &env,
        &["x.txt", "-o", "x.txt"],
        &["-o x.txt", "the input x.txt"],
    );
    refused(
        &env,
        &["x.txt", "-o", "./sub/../x.txt"],
        &["the input x.txt"],
    );
    refused(
        &env,
        &["s.jsonl", "--stats", "s.jsonl"],
        &["--stats s.jsonl"],
    );
    refused(
        &env,
        &["s.jsonl", "--log", "./s.jsonl"],
        &["--log ./s.jsonl"],
    );
    refused(
        &env,
        &["s.jsonl", "--log", "l.jsonl", "--stats", "l.jsonl"],
        &["--stats l.jsonl", "--log l.jsonl"],
    );
    refused(
        &env,
        &["s.jsonl", "--stats", "o.jsonl", "-o", "o.jsonl"],
        &["--stats o.jsonl", "-o o.jsonl", "same file"],
    );
    refused(
        &env,
        &["x.txt", "-r", "ad.toml", "-o", "ad.toml"],
        &["the rule file ad.toml"],
    );
    // Two inputs make `-o new` a folder, created by the run: `--stats` or `--log` may
    // not be that folder.
    refused(
        &env,
        &["x.txt", "s.jsonl", "-o", "new", "--stats", "new"],
        &["--stats new", "the output folder new"],
    );
    refused(
        &env,
        &["x.txt", "s.jsonl", "-o", "new", "--log", "./new"],
        &["--log ./new", "the output folder new"],
    );
    // Standard input redirected from a file, and standard output appending to an input.
    let before = tree(&env.path(""));
    let output = Command::new(assert_cmd::cargo::cargo_bin("boilerstrip"))
        .current_dir(env.path(""))
        .args(["-o", "x.txt"])
        .stdin(std::fs::File::open(env.path("x.txt")).unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("standard input"));
    let appending = std::fs::OpenOptions::new()
        .append(true)
        .open(env.path("x.txt"))
        .unwrap();
    let output = Command::new(assert_cmd::cargo::cargo_bin("boilerstrip"))
        .current_dir(env.path(""))
        .arg("x.txt")
        .stdout(appending)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("standard output is the input"));
    assert_eq!(tree(&env.path("")), before);
}

#[cfg(unix)]
#[test]
fn issue_12_links_to_inputs_are_the_inputs() {
    let env = Env::new();
    env.write("in/b.txt", DOC);
    std::os::unix::fs::symlink(env.path("in"), env.path("alias")).unwrap();
    std::os::unix::fs::symlink(env.path("in/b.txt"), env.path("link.txt")).unwrap();
    refused(
        &env,
        &["in/b.txt", "-o", "alias/b.txt"],
        &["the input in/b.txt"],
    );
    refused(
        &env,
        &["link.txt", "-o", "in/b.txt"],
        &["the input link.txt"],
    );
    env.write("in/c.txt", DOC);
    refused(
        &env,
        &["-o", "alias", "in/b.txt", "in/c.txt"],
        &["the input in/b.txt"],
    );
}

#[test]
fn issue_12_resume_after_a_refused_run_has_nothing_to_skip() {
    let env = Env::new();
    env.write("x.txt", DOC);
    refused(
        &env,
        &["x.txt", "-o", "x.txt", "--resume"],
        &["the input x.txt"],
    );
}

#[cfg(unix)]
#[test]
fn issue_12_special_files_are_written_in_place() {
    let env = Env::new();
    env.write("x.txt", DOC);
    // A FIFO: the reader gets the output, and the FIFO is still a FIFO.
    let fifo = env.path("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    env.cmd().args(["x.txt", "-o", "fifo"]).assert().success();
    assert_eq!(reader.join().unwrap(), CLEANED.as_bytes());
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    // A link to /proc/self/fd/1: the output goes to standard output, the link stays.
    std::os::unix::fs::symlink("/proc/self/fd/1", env.path("to-stdout")).unwrap();
    env.cmd()
        .args(["x.txt", "-o", "to-stdout"])
        .assert()
        .success()
        .stdout(CLEANED);
    assert!(
        std::fs::symlink_metadata(env.path("to-stdout"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // `-o -` is standard output.
    env.cmd()
        .args(["x.txt", "-o", "-"])
        .assert()
        .success()
        .stdout(CLEANED);
    assert!(!env.path("-").exists());
    // Nothing but the inputs and the special files is left behind.
    let names: Vec<String> = tree(&env.path("")).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["fifo|", "to-stdout@", "x.txt"]);
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// Four inputs: good, truncated gzip, a document over 100 bytes, good.
fn mixed_inputs(env: &Env) -> [&'static str; 4] {
    env.write("in/1.txt", DOC);
    let gz = gzip(DOC.repeat(500).as_bytes());
    env.write("in/2.txt.gz", &gz[..gz.len() / 2]);
    env.write("in/3.txt", "Long line of text.\n".repeat(20));
    env.write("in/4.txt", "Last.\nSOURCE: AP\n");
    ["in/1.txt", "in/2.txt.gz", "in/3.txt", "in/4.txt"]
}

#[test]
fn issue_12_one_bad_input_does_not_end_the_run() {
    let env = Env::new();
    let inputs = mixed_inputs(&env);
    let output = run(env
        .cmd()
        .args(["--max-doc-bytes", "100", "-o", "out"])
        .args(inputs));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("in/2.txt.gz (after record 0, near input byte"),
        "{stderr}"
    );
    assert!(
        stderr.contains("in/3.txt: document 1 is larger than the limit"),
        "{stderr}"
    );
    assert!(
        stderr.contains("2 of 4 inputs failed: in/2.txt.gz, in/3.txt"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(env.path("out/1.txt")).unwrap(),
        CLEANED.as_bytes()
    );
    assert_eq!(std::fs::read(env.path("out/4.txt")).unwrap(), b"Last.\n");
    let names: Vec<String> = tree(&env.path("out")).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["1.txt", "4.txt"], "no partial outputs");

    // To standard output: the good inputs come through in order.
    let output = run(env.cmd().args(["--max-doc-bytes", "100"]).args(inputs));
    assert_eq!(output.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with(CLEANED) && stdout.ends_with("Last.\n"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("2 of 4 inputs failed"));

    // --resume is not stuck at the first failure: it redoes the failed inputs only.
    env.write("in/3.txt", "Fixed.\nSOURCE: AP\n");
    std::fs::write(env.path("out/1.txt"), "kept by --resume").unwrap();
    let output = run(env
        .cmd()
        .args(["--max-doc-bytes", "100", "--resume", "-o", "out"])
        .args(inputs));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("skipping 2 of 4 inputs"), "{stderr}");
    assert!(
        stderr.contains("1 of 4 inputs failed: in/2.txt.gz"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(env.path("out/3.txt")).unwrap(), b"Fixed.\n");
    assert_eq!(
        std::fs::read(env.path("out/1.txt")).unwrap(),
        b"kept by --resume"
    );
}

#[test]
fn issue_12_on_invalid_fail_stops_and_names_what_was_not_processed() {
    let env = Env::new();
    let inputs = mixed_inputs(&env);
    let output = run(env
        .cmd()
        .args([
            "--max-doc-bytes",
            "100",
            "--on-invalid",
            "fail",
            "-o",
            "out",
        ])
        .args(inputs));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("1 of 4 inputs failed: in/2.txt.gz; not processed: in/3.txt, in/4.txt"),
        "{stderr}"
    );
    assert!(env.path("out/1.txt").exists() && !env.path("out/4.txt").exists());
}

#[cfg(target_os = "linux")]
#[test]
fn issue_12_a_failing_output_does_not_stop_the_other_inputs() {
    let env = Env::new();
    env.write("in/a/x.txt", DOC);
    env.write("in/b/y.txt", DOC);
    env.write("in/c/z.txt", DOC);
    // out/b/y.txt leads to /dev/full: writing it fails as on a full disk.
    std::fs::create_dir_all(env.path("out/b")).unwrap();
    std::os::unix::fs::symlink("/dev/full", env.path("out/b/y.txt")).unwrap();
    let output = run(env
        .cmd()
        .args(["-o", "out", "in/a/x.txt", "in/b/y.txt", "in/c/z.txt"]));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("out/b/y.txt: No space left on device"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 of 3 inputs failed: in/b/y.txt"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(env.path("out/a/x.txt")).unwrap(),
        CLEANED.as_bytes()
    );
    assert_eq!(
        std::fs::read(env.path("out/c/z.txt")).unwrap(),
        CLEANED.as_bytes()
    );
}

#[test]
fn issue_12_outputs_that_cannot_be_created_are_refused_up_front() {
    let env = Env::new();
    env.write("a.txt", DOC);
    env.write("b.txt", DOC);
    env.write("file", "in the way");
    refused(
        &env,
        &["-o", "file", "a.txt", "b.txt"],
        &["file is not a directory"],
    );
    refused(
        &env,
        &["-o", "file/sub/", "a.txt"],
        &["file is not a directory"],
    );
    refused(
        &env,
        &["-o", "out", "a.txt", "b.txt", "--stats", "file/s.json"],
        &["--stats file/s.json"],
    );
}

/// A standard stream of the binary.
#[derive(Clone, Copy, PartialEq)]
enum Stream {
    Stdout,
    Stderr,
}

/// Runs the binary with `closed` a pipe whose reading end is already closed, and the
/// other output stream piped and returned.
fn with_closed(env: &Env, args: &[&str], closed: Stream) -> std::process::Output {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("boilerstrip"))
        .current_dir(env.path(""))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    match closed {
        Stream::Stdout => drop(child.stdout.take()),
        Stream::Stderr => drop(child.stderr.take()),
    }
    child.wait_with_output().unwrap()
}

/// The exit code of the binary run with standard output a closed pipe.
fn closed_pipe(env: &Env, args: &[&str]) -> Option<i32> {
    with_closed(env, args, Stream::Stdout).status.code()
}

#[test]
fn issue_12_a_closed_pipe_does_not_mask_earlier_failures() {
    let env = Env::new();
    let big = "{\"text\":\"A line of article text that is kept.\"}\n".repeat(50_000);
    env.write("good.jsonl", &big);
    env.write("invalid.jsonl", format!("{{oops\n{big}"));
    assert_eq!(closed_pipe(&env, &["missing.jsonl", "good.jsonl"]), Some(2));
    assert_eq!(closed_pipe(&env, &["invalid.jsonl"]), Some(1));
    assert_eq!(closed_pipe(&env, &["good.jsonl"]), Some(0));
}

#[test]
fn a_run_cut_short_by_a_closed_pipe_writes_no_stats_or_log_that_look_whole() {
    let env = Env::new();
    let big = "{\"text\":\"A line of article text that is kept.\"}\n".repeat(50_000);
    env.write("good.jsonl", &big);
    let args = ["good.jsonl", "--stats", "s.json", "--log", "l.jsonl"];
    let output = with_closed(&env, &args, Stream::Stdout);
    assert_eq!(output.status.code(), Some(0), "| head ends a run quietly");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("standard output was closed before the end of the input, so --stats, --log were not written"),
        "{stderr}"
    );
    // Before, s.json said `"documents": 0`.
    assert!(!env.path("s.json").exists() && !env.path("l.jsonl").exists());
    let whole = run(env
        .cmd()
        .args(["good.jsonl", "--stats", "s.json", "-o", "out.jsonl"]));
    assert_eq!(whole.status.code(), Some(0));
    let stats = std::fs::read_to_string(env.path("s.json")).unwrap();
    assert!(stats.contains("\"documents\": 50000"), "{stats}");
}

#[test]
fn a_closed_standard_error_does_not_stop_the_run() {
    // `2>&1 | head -c 10`: the messages about invalid records cannot be written. The run
    // goes on, writes its output whole and exits 1 for the invalid records (it panicked
    // with 101, leaving no output, when messages were written with `eprintln!`).
    let env = Env::new();
    let good = "{\"text\":\"Story.\\nSOURCE: AP\\n\"}\n".repeat(2_000);
    let invalid = format!("{{\"id\":0}}\n{good}").repeat(50);
    env.write("invalid.jsonl", &invalid);
    let output = with_closed(&env, &["invalid.jsonl", "-o", "out.jsonl"], Stream::Stderr);
    assert_eq!(output.status.code(), Some(1));
    let out = std::fs::read_to_string(env.path("out.jsonl")).unwrap();
    assert_eq!(out.lines().count(), invalid.lines().count());
    assert_eq!(out.matches("SOURCE: AP").count(), 0);
}

#[test]
fn more_threads_than_a_machine_can_use_are_capped_and_said() {
    // 65535 threads took minutes to start, or ran out of memory, before a byte was read.
    let env = Env::new();
    let input = "{\"text\":\"Story.\\nSOURCE: AP\\n\"}\n".repeat(20_000);
    env.write("a.jsonl", &input);
    let capped = run(env.cmd().args(["-j", "65535", "a.jsonl"]));
    assert_eq!(capped.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&capped.stderr);
    assert!(
        stderr.contains("-j 65535: using ") && stderr.contains("threads, 4 per core"),
        "{stderr}"
    );
    let one = run(env.cmd().args(["-j", "1", "a.jsonl"]));
    assert!(one.stderr.is_empty());
    assert_eq!(capped.stdout, one.stdout);
    assert_eq!(
        String::from_utf8_lossy(&one.stdout)
            .matches("SOURCE")
            .count(),
        0
    );
}

#[cfg(target_os = "linux")]
#[test]
fn issue_12_closed_standard_output_is_an_error() {
    let env = Env::new();
    env.write("a.txt", DOC);
    let output = Command::new("sh")
        .current_dir(env.path(""))
        .arg("-c")
        .arg("exec \"$0\" a.txt >&-")
        .arg(assert_cmd::cargo::cargo_bin("boilerstrip"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("standard output is closed"), "{stderr}");
    assert!(stderr.contains("-o /dev/null"), "{stderr}");
    // Discarding on purpose is fine.
    let output = Command::new("sh")
        .current_dir(env.path(""))
        .arg("-c")
        .arg("exec \"$0\" a.txt > /dev/null")
        .arg(assert_cmd::cargo::cargo_bin("boilerstrip"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    // Also as the message says, with standard output closed.
    let output = Command::new("sh")
        .current_dir(env.path(""))
        .arg("-c")
        .arg("exec \"$0\" a.txt -o /dev/null >&-")
        .arg(assert_cmd::cargo::cargo_bin("boilerstrip"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}

#[test]
fn issue_12_resume_trusts_only_non_empty_regular_files_and_says_what_it_skipped() {
    let env = Env::new();
    env.write("in/a.txt", DOC);
    env.write("in/b.txt", DOC);
    env.write("in/c.txt", DOC);
    env.write("out/a.txt", "done before");
    env.write("out/b.txt", "");
    env.write("out/.c.txt.Xy12Zq.partial", "left by a killed run");
    env.write("out/.a.txt.Xy12Zq.partial", "left by a killed run");
    env.cmd()
        .args(["--resume", "-o", "out", "in/a.txt", "in/b.txt", "in/c.txt"])
        .assert()
        .success()
        .stderr(predicate::str::contains("skipping 1 of 3 inputs"));
    assert_eq!(
        std::fs::read(env.path("out/a.txt")).unwrap(),
        b"done before"
    );
    assert_eq!(
        std::fs::read(env.path("out/b.txt")).unwrap(),
        CLEANED.as_bytes()
    );
    assert_eq!(
        std::fs::read(env.path("out/c.txt")).unwrap(),
        CLEANED.as_bytes()
    );
    // The stale temporary of c.txt went; a.txt was not written, so its own is kept.
    let names: Vec<String> = tree(&env.path("out")).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, [".a.txt.Xy12Zq.partial", "a.txt", "b.txt", "c.txt"]);

    // A directory at an output's name is not "done": the run is refused up front.
    std::fs::remove_file(env.path("out/a.txt")).unwrap();
    std::fs::create_dir(env.path("out/a.txt")).unwrap();
    let before = tree(&env.path(""));
    env.cmd()
        .args(["--resume", "-o", "out", "in/a.txt", "in/b.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("out/a.txt: is a directory"));
    assert_eq!(tree(&env.path("")), before);
}

#[test]
fn issue_12_relative_to_keeps_names_when_resuming_a_subset() {
    let env = Env::new();
    env.write("data/x/1.txt", DOC);
    env.write("data/x/2.txt", DOC);
    env.write("data/y/3.txt", DOC);
    let all = ["data/x/1.txt", "data/x/2.txt", "data/y/3.txt"];
    env.cmd()
        .args(["--relative-to", "data", "-o", "out"])
        .args(all)
        .assert()
        .success();
    std::fs::remove_file(env.path("out/x/2.txt")).unwrap();
    // The subset shares the folder data/x; without --relative-to it would be named 2.txt.
    env.cmd()
        .args(["--relative-to", "data", "--resume", "-o", "out"])
        .args(&all[..2])
        .assert()
        .success()
        .stderr(predicate::str::contains("skipping 1 of 2 inputs"));
    let names: Vec<String> = tree(&env.path("out")).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["x/", "x/1.txt", "x/2.txt", "y/", "y/3.txt"]);
    env.cmd()
        .args(["--relative-to", "data/y", "-o", "out"])
        .args(all)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "data/x/1.txt is not under --relative-to",
        ));
}

#[test]
fn issue_12_every_flag_is_validated_before_any_input_is_read() {
    let env = Env::new();
    env.write("a.txt.gz", gzip(DOC.as_bytes()));
    env.write("b.txt", DOC);
    env.write("c.txt.zst", zstd::encode_all(DOC.as_bytes(), 3).unwrap());
    let before = tree(&env.path(""));
    // gzip stops at 9; the run used to write a.txt.gz's output, then fail.
    env.cmd()
        .args([
            "--level",
            "15",
            "-o",
            "out",
            "b.txt",
            "c.txt.zst",
            "a.txt.gz",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "gzip compression level 15 is out of range",
        ));
    env.cmd()
        .args(["--level", "3", "b.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "standard output is written uncompressed",
        ));
    env.cmd()
        .args(["--level", "3", "-o", "out.txt", "b.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no output is compressed"));
    env.cmd()
        .args([
            "--stats",
            "no/such/dir/s.json",
            "-o",
            "out",
            "b.txt",
            "a.txt.gz",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/dir"));
    assert_eq!(tree(&env.path("")), before);
    // A mixed directory: the level applies to the compressed outputs.
    env.cmd()
        .args(["--level", "9", "-o", "out", "b.txt", "a.txt.gz"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read(env.path("out/b.txt")).unwrap(),
        CLEANED.as_bytes()
    );
}

/// Reads `from` on a thread and hands over what it read, chunk by chunk.
#[cfg(target_os = "linux")]
fn chunks(mut from: impl std::io::Read + Send + 'static) -> std::sync::mpsc::Receiver<Vec<u8>> {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        while let Ok(n) = from.read(&mut buffer) {
            if n == 0 || sender.send(buffer[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    receiver
}

/// Waits until the text read so far contains `wanted`.
#[cfg(target_os = "linux")]
#[track_caller]
fn wait_for(receiver: &std::sync::mpsc::Receiver<Vec<u8>>, seen: &mut String, wanted: &str) {
    while !seen.contains(wanted) {
        // Only a fail-safe against hanging: any real run answers in well under a second.
        match receiver.recv_timeout(std::time::Duration::from_secs(120)) {
            Ok(chunk) => seen.push_str(&String::from_utf8_lossy(&chunk)),
            Err(_) => panic!("never saw {wanted:?} in {seen:?}"),
        }
    }
}

#[cfg(target_os = "linux")]
#[test]
fn issue_12_a_terminal_gets_a_hint_and_the_first_ctrl_c_ends_the_run() {
    use std::io::Write;
    // `script` (util-linux) gives the binary a terminal as standard input.
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no `script` command to make a terminal with");
        return;
    }
    let binary = assert_cmd::cargo::cargo_bin("boilerstrip");
    // `exec`, so that no shell stands between `script` and the binary: a shell
    // such as dash dies of the same Ctrl-C before it could report anything.
    // `script -e` exits with the binary's status.
    let command = format!(
        "exec '{}' --no-default-rules --progress never",
        binary.display()
    );
    let mut child = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let receiver = chunks(child.stdout.take().unwrap());
    let mut seen = String::new();
    wait_for(
        &receiver,
        &mut seen,
        "boilerstrip: reading standard input; -h for help",
    );
    // Ctrl-C, typed once.
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"\x03").unwrap();
    stdin.flush().unwrap();
    // The terminal closes when the binary ends; the timeout is only a fail-safe.
    loop {
        match receiver.recv_timeout(std::time::Duration::from_secs(120)) {
            Ok(chunk) => seen.push_str(&String::from_utf8_lossy(&chunk)),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                child.kill().unwrap();
                panic!("still running after Ctrl-C: {seen:?}");
            }
        }
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{seen:?}");
    drop(stdin);
}

#[test]
fn issue_12_a_per_site_table_warns_when_no_record_had_a_url() {
    let env = Env::new();
    let records: String = (0..12)
        .map(|i| {
            format!(
                "{{\"url\":\"https://a.example/{i}\",\"text\":\"Story.\\nSubscribe to our newsletter\\n\"}}\n"
            )
        })
        .collect();
    env.write("site.jsonl", &records);
    env.cmd()
        .args(["count", "--scope", "site", "-o", "site.bsc", "site.jsonl"])
        .assert()
        .success();
    let clean = |url_field: &str| {
        run(env.cmd().args([
            "--counts",
            "site.bsc",
            "--min-docs",
            "2",
            "--url-field",
            url_field,
            "site.jsonl",
        ]))
    };
    let right = clean("url");
    assert!(right.status.success());
    assert!(!String::from_utf8_lossy(&right.stdout).contains("Subscribe"));
    assert!(!String::from_utf8_lossy(&right.stderr).contains("warning"));
    let mistyped = clean("link");
    assert!(mistyped.status.success());
    let stderr = String::from_utf8_lossy(&mistyped.stderr);
    assert!(
        stderr.contains("warning: the count table is per site, but no document had a URL")
            && stderr.contains("--url-field `link`"),
        "{stderr}"
    );
}
