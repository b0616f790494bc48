//! The bad-input matrix: each case says what the message names (file and line/record),
//! the exit code, and that every other document came through intact.

use predicates::prelude::*;

use crate::harness::{Env, assert_bytes_eq, run};

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn wet_record(number: usize) -> Vec<u8> {
    let body = format!("Line {number} of the page text.\nSOURCE: News agencies\n");
    format!(
        "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: https://example.com/{number}\r\nContent-Length: {}\r\n\r\n{body}\r\n\r\n",
        body.len()
    )
    .into_bytes()
}

#[test]
fn truncated_gzip_and_zstd_are_errors_saying_where() {
    let env = Env::new();
    let text = "Story.\nSOURCE: AP\n".repeat(2000);
    let gz = gzip(text.as_bytes());
    env.write("cut.txt.gz", &gz[..gz.len() / 2]);
    let zst = zstd::encode_all(text.as_bytes(), 3).unwrap();
    env.write("cut.txt.zst", &zst[..zst.len() / 2]);
    for file in ["cut.txt.gz", "cut.txt.zst"] {
        env.cmd().arg(file).assert().code(2).stderr(
            predicate::str::is_match(format!(r"{file} \(after record 0, near input byte \d+\): "))
                .unwrap(),
        );
    }
}

#[test]
fn a_corrupt_gzip_member_stops_after_the_records_before_it() {
    let env = Env::new();
    let members: Vec<Vec<u8>> = (1..=5).map(|n| gzip(&wet_record(n))).collect();
    let mut broken = members[3].clone();
    let middle = broken.len() / 2;
    broken[middle] ^= 0xff;
    let mut file = members[..3].concat();
    file.extend_from_slice(&broken);
    file.extend_from_slice(&members[4]);
    env.write("broken.warc.wet.gz", file);
    env.write("first.warc.wet.gz", members[..3].concat());
    let first = run(env.cmd().arg("first.warc.wet.gz"));
    let output = run(env.cmd().arg("broken.warc.wet.gz"));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        output.stdout.starts_with(&first.stdout),
        "the first three records were not written"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("broken.warc.wet.gz"), "{stderr}");
    assert!(stderr.contains("after record 3"), "{stderr}");
}

#[test]
fn invalid_jsonl_records_are_named_and_the_rest_come_through() {
    let env = Env::new();
    let good = r#"{"text":"Story.\nSOURCE: AP\n"}"#;
    let cases = [
        ("{not json", "line 2: invalid JSON"),
        (r#"{"id":1}"#, "line 2: field `text` is missing"),
        (r#"{"text":null}"#, "line 2: field `text` is null"),
        (r#"{"text":42}"#, "line 2: field `text` is a number"),
        (r#"{"text":{"a":1}}"#, "line 2: field `text` is an object"),
    ];
    for (bad, says) in cases {
        env.write("in.jsonl", format!("{good}\n{bad}\n{good}\n"));
        env.cmd()
            .arg("in.jsonl")
            .assert()
            .code(1)
            .stdout(format!(
                "{{\"text\":\"Story.\\n\"}}\n{bad}\n{{\"text\":\"Story.\\n\"}}\n"
            ))
            .stderr(predicate::str::contains(format!("in.jsonl: {says}")));
    }
    let mut invalid_utf8 = b"{\"text\":\"caf\xe9\"}\n".to_vec();
    invalid_utf8.extend_from_slice(format!("{good}\n").as_bytes());
    env.write("utf8.jsonl", &invalid_utf8);
    env.cmd()
        .arg("utf8.jsonl")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "utf8.jsonl: line 1: invalid UTF-8",
        ));
}

#[test]
fn malformed_warc_records_are_named_and_passed_through() {
    let env = Env::new();
    let good = wet_record(1);
    let cases: [(&str, Vec<u8>, &str); 2] = [
        (
            "long.warc",
            b"WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: 5000\r\n\r\nshort body".to_vec(),
            "long.warc: WARC record 2 (at byte",
        ),
        (
            "nolength.warc",
            b"WARC/1.0\r\nWARC-Type: conversion\r\n\r\nbody\r\n\r\n".to_vec(),
            "Content-Length",
        ),
    ];
    for (name, bad, says) in cases {
        let mut file = good.clone();
        file.extend_from_slice(&bad);
        env.write(name, &file);
        let output = run(env.cmd().arg(name));
        assert_eq!(output.status.code(), Some(1), "{name}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{name}: {stderr}");
        // The good record is cleaned; the bad one and the rest come through unchanged.
        assert!(
            output.stdout.ends_with(&bad),
            "{name}: the bad record was not passed through"
        );
        assert!(
            !output.stdout.windows(7).any(|w| w == b"SOURCE:"),
            "{name}: first record not cleaned"
        );
    }
}

#[test]
fn garbage_nul_bytes_and_empty_input_pass_through() {
    let env = Env::new();
    let garbage: Vec<u8> = (0..5000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let garbage = [b"\x00\xff\xfe".as_slice(), &garbage].concat();
    env.write("garbage.bin", &garbage);
    let output = run(env.cmd().args(["--no-default-rules", "garbage.bin"]));
    assert!(output.status.success());
    assert_bytes_eq("garbage", &garbage, &output.stdout);
    env.cmd()
        .write_stdin("A\0line\0with NULs.\nSOURCE: AP\n")
        .assert()
        .success()
        .stdout("A\0line\0with NULs.\n");
    for format in ["text", "jsonl", "warc"] {
        env.cmd()
            .args(["-f", format])
            .write_stdin("")
            .assert()
            .success()
            .stdout("");
    }
}

#[test]
fn a_100_mb_line_is_refused_under_the_limit_and_kept_whole_above_it() {
    let env = Env::new();
    let line = "x".repeat(100 << 20);
    env.write("line.txt", &line);
    env.cmd()
        .arg("line.txt")
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            predicate::str::contains("line.txt: document 1 is larger than the limit")
                .and(predicate::str::contains("--max-doc-bytes")),
        );
    let output = run(env.cmd().args(["--max-doc-bytes", "128M", "line.txt"]));
    assert!(output.status.success());
    assert_eq!(output.stdout.len(), line.len());
}

#[test]
fn a_million_tiny_documents_all_come_through() {
    let env = Env::new();
    let jsonl = "{\"text\":\"x\"}\n".repeat(1_000_000);
    env.write("tiny.jsonl", &jsonl);
    let output = run(env.cmd().args(["tiny.jsonl", "--stats", "s.json"]));
    assert!(output.status.success());
    assert_bytes_eq("tiny documents", jsonl.as_bytes(), &output.stdout);
    let stats: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.path("s.json")).unwrap()).unwrap();
    assert_eq!(stats["documents"], 1_000_000);
}

#[test]
fn unreadable_inputs_and_unwritable_outputs_are_errors_naming_them() {
    let env = Env::new();
    env.write("good.txt", "Fine.\n");
    std::fs::create_dir(env.path("folder")).unwrap();
    env.cmd()
        .args(["folder", "missing.txt", "good.txt"])
        .assert()
        .code(2)
        .stdout("Fine.\n")
        .stderr(predicate::str::contains("folder").and(predicate::str::contains("missing.txt")));
    env.cmd()
        .args(["good.txt", "-o", "good.txt/sub/out.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("good.txt/sub"));
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("boilerstrip"))
        .arg(env.path("good.txt"))
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("No space left on device"));
}

#[test]
fn a_rule_file_with_100000_markers_compiles_to_a_bounded_nfa() {
    let markers: Vec<String> = (0..100_000)
        .map(|i| format!("\"marker number {i} zq\""))
        .collect();
    let toml = format!(
        "[[rule]]\nname = \"huge\"\nmarkers = [{}]\n",
        markers.join(",")
    );
    let rules = boilerstrip::RuleSet::from_toml(&toml, "huge.toml").unwrap();
    let cleaner = boilerstrip::Cleaner::new(&rules).unwrap();
    assert_eq!(cleaner.automaton_kind(), "NFA");
    // The documented bound: 100,000 markers (2 MB of text) in under 32 MiB of automaton.
    assert!(
        cleaner.automaton_memory() < 32 << 20,
        "{} bytes",
        cleaner.automaton_memory()
    );
    let cleaned = cleaner.clean(b"Keep me.\nmarker number 99999 zq\n");
    assert_eq!(&*cleaned.kept(), b"Keep me.\n");
}
