//! Issue 12, input side: standard input and unnamed files in the wrong format, gzip
//! oddities, UTF-16, and WARC records too large to hold. Each case says what the
//! message names, the exit code, and that no byte of the input was lost.

use std::io::Write;

use boilerstrip::formats::warc;

use crate::harness::{Env, assert_bytes_eq, run};

const AD_PACK: &str =
    "[[rule]]\nname = \"ad\"\nmarkers = [\"Advertisement\"]\nwhere = \"equals\"\n";

/// Only the `ad` rule: whatever else the default packs and detectors would do is out of
/// the way, so the expected outputs are plain to see.
const AD_ONLY: [&str; 3] = ["--no-default-rules", "-r", "ad.toml"];

fn env() -> Env {
    let env = Env::new();
    env.write("ad.toml", AD_PACK);
    env
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn wet_record(kind: &str, body: &str) -> String {
    format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Block-Digest: {}\r\nContent-Length: {}\r\n\r\n{body}\r\n\r\n",
        warc::block_digest(body.as_bytes()),
        body.len()
    )
}

const DOC: &str = "Story.\nAdvertisement\nMore story.\n";
const KEPT: &str = "Story.\nMore story.\n";

fn jsonl(texts: &[&str]) -> String {
    texts
        .iter()
        .map(|text| format!("{{\"text\":{}}}\n", serde_json::to_string(text).unwrap()))
        .collect()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The lines (records) the run wrote to standard output.
fn lines_out(output: &std::process::Output) -> usize {
    std::str::from_utf8(&output.stdout).unwrap().lines().count()
}

#[test]
fn issue_12_jsonl_on_standard_input_is_read_as_jsonl() {
    let env = env();
    // Read as one text document, no line would equal `Advertisement` and nothing would
    // be cleaned; with the default rules, the equal lines would go as `repeated`.
    let input = jsonl(&[DOC, DOC, DOC]);
    let expected = jsonl(&[KEPT, KEPT, KEPT]);
    for args in [&[][..], &["-f", "jsonl"]] {
        let output = run(env
            .cmd()
            .args(AD_ONLY)
            .args(args)
            .write_stdin(input.clone()));
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_bytes_eq("jsonl on stdin", expected.as_bytes(), &output.stdout);
    }
    let with_defaults = run(env.cmd().write_stdin(input.clone()));
    assert_eq!(with_defaults.status.code(), Some(0));
    assert_eq!(lines_out(&with_defaults), 3, "every record is still there");
}

#[test]
fn issue_12_compressed_wet_on_standard_input_keeps_its_headers() {
    let env = env();
    let input = wet_record("warcinfo", "a: b\r\n") + &wet_record("conversion", DOC);
    let expected = wet_record("warcinfo", "a: b\r\n") + &wet_record("conversion", KEPT);
    let output = run(env.cmd().args(AD_ONLY).write_stdin(gzip(input.as_bytes())));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_bytes_eq("wet on stdin", expected.as_bytes(), &output.stdout);
}

#[test]
fn issue_12_names_that_say_nothing_are_sniffed_and_names_that_do_are_trusted() {
    let env = env();
    let input = jsonl(&[DOC]);
    env.write("shard-00.gz", gzip(input.as_bytes()));
    env.write("shard-01", &input);
    env.write("notes.txt", &input);
    let expected = jsonl(&[KEPT]);
    for name in ["shard-00.gz", "shard-01"] {
        let output = run(env.cmd().args(AD_ONLY).arg(name));
        assert_bytes_eq(name, expected.as_bytes(), &output.stdout);
    }
    // `.txt` says text, and `-f text` forces it: the line is not an `Advertisement`
    // line, so nothing is removed.
    let named = run(env.cmd().args(AD_ONLY).arg("notes.txt"));
    assert_bytes_eq("notes.txt", input.as_bytes(), &named.stdout);
    let forced = run(env
        .cmd()
        .args(AD_ONLY)
        .args(["-f", "text"])
        .write_stdin(input.clone()));
    assert_bytes_eq("-f text", input.as_bytes(), &forced.stdout);
}

#[test]
fn issue_12_text_that_looks_like_warc_or_jsonl_is_hinted_when_too_large() {
    let env = env();
    // A document after the first: an input that starts like WARC is not read as text at
    // all (see the next test).
    let wet = wet_record("conversion", &"A line of the page.\n".repeat(20));
    let cases = [
        (wet.clone(), "WARC", "-f warc"),
        (jsonl(&[&"word ".repeat(50)]), "JSONL", "-f jsonl"),
    ];
    for (input, name, flag) in cases {
        let output = run(env
            .cmd()
            .args([
                "-f",
                "text",
                "--doc-separator",
                "---",
                "--max-doc-bytes",
                "100",
            ])
            .write_stdin(format!("Intro.\n---\n{input}")));
        assert_eq!(output.status.code(), Some(2));
        let stderr = stderr(&output);
        assert!(
            stderr.contains("<stdin>: document 2 is larger than the limit of 100 bytes")
                && stderr.contains(&format!("looks like {name}: try {flag}"))
                && stderr.contains("--max-doc-bytes"),
            "{stderr}"
        );
    }
    let plain = run(env
        .cmd()
        .args(["--max-doc-bytes", "10"])
        .write_stdin("Just some text, longer than ten bytes.\n"));
    let stderr = stderr(&plain);
    assert!(
        stderr.contains("raise the limit with --max-doc-bytes") && !stderr.contains("try -f"),
        "{stderr}"
    );
}

#[test]
fn input_that_text_would_mangle_is_refused_before_a_byte_is_written() {
    let env = env();
    let wet = wet_record("warcinfo", "a: b\r\n") + &wet_record("conversion", DOC);
    env.write("crawl.wet.gz", gzip(wet.as_bytes()));
    env.write("crawl.txt", &wet);
    env.write(
        "table.parquet",
        b"PAR1\x15\x04 not really, but it starts like it",
    );
    for (input, looks_like, flag) in [
        ("crawl.wet.gz", "WARC", "-f warc"),
        ("crawl.txt", "WARC", "-f warc"),
        ("table.parquet", "PARQUET", "-f parquet"),
    ] {
        let args: &[&str] = if input.ends_with(".txt") {
            &[]
        } else {
            &["-f", "text"]
        };
        let output = run(env.cmd().args(args).arg(input).args(["-o", "out"]));
        assert_eq!(output.status.code(), Some(2), "{input}");
        let stderr = stderr(&output);
        assert!(
            stderr.contains(&format!("{input}: it starts like {looks_like}, not text"))
                && stderr.contains(&format!("try {flag}")),
            "{stderr}"
        );
        assert!(!env.path("out").exists(), "{input}: nothing is written");
    }
    // A JSON document of no given format (a pretty-printed array, or an object over many
    // lines) is not JSON Lines; read as text, its equal lines would go as `repeated`.
    let array = "[\n  {\n    \"id\": 1,\n    \"text\": \"a\"\n  },\n  {\n    \"id\": 2,\n    \"text\": \"a\"\n  }\n]\n";
    let object = "{\n  \"id\": 1,\n  \"text\": \"a\"\n}\n";
    for input in [array, object] {
        let output = run(env.cmd().write_stdin(input));
        assert_eq!(output.status.code(), Some(2), "{input}");
        assert!(output.stdout.is_empty(), "{input}");
        let stderr = stderr(&output);
        assert!(
            stderr.contains("<stdin>: it holds one JSON value over many lines")
                && stderr.contains("convert it to JSON Lines")
                && stderr.contains("-f text"),
            "{stderr}"
        );
    }
    // Asked for by name, text it is.
    let forced = run(env
        .cmd()
        .args(AD_ONLY)
        .args(["-f", "text"])
        .write_stdin(array));
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert_bytes_eq("-f text", array.as_bytes(), &forced.stdout);
}

#[test]
fn jsonl_with_a_byte_order_mark_or_a_broken_first_record_is_read_as_jsonl() {
    let env = env();
    // Read as one text document, the equal records would go as `repeated`.
    let records = jsonl(&[DOC, "Same.", DOC, "Same.", DOC, "Same."]);
    let kept = jsonl(&[KEPT, "Same.", KEPT, "Same.", KEPT, "Same."]);
    let output = run(env
        .cmd()
        .args(AD_ONLY)
        .write_stdin(format!("\u{FEFF}{records}")));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_bytes_eq(
        "a byte order mark",
        format!("\u{FEFF}{kept}").as_bytes(),
        &output.stdout,
    );
    let with_defaults = run(env.cmd().write_stdin(format!("\u{FEFF}{records}")));
    assert_eq!(lines_out(&with_defaults), 6, "every record is still there");
    let broken = format!("{{\"id\": 0, \"text\": \"cut sh\n{records}");
    let output = run(env.cmd().args(AD_ONLY).write_stdin(broken.clone()));
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("<stdin>: line 1: invalid JSON"),
        "{}",
        stderr(&output)
    );
    assert_bytes_eq(
        "a broken first record",
        format!("{{\"id\": 0, \"text\": \"cut sh\n{kept}").as_bytes(),
        &output.stdout,
    );
    // WET after a blank line or a byte order mark is read as WARC, not as text, and
    // cleaned; the bytes before its first record are kept.
    let wet = wet_record("conversion", DOC) + &wet_record("conversion", DOC);
    let kept = wet_record("conversion", KEPT) + &wet_record("conversion", KEPT);
    for prefix in ["\r\n", "\u{FEFF}", "\u{FEFF}\n\n"] {
        let output = run(env
            .cmd()
            .args(AD_ONLY)
            .write_stdin(format!("{prefix}{wet}")));
        assert_eq!(
            output.status.code(),
            Some(0),
            "{prefix:?}: {}",
            stderr(&output)
        );
        assert_bytes_eq(
            "WET after a blank line",
            format!("{prefix}{kept}").as_bytes(),
            &output.stdout,
        );
    }
}

#[test]
fn issue_12_utf16_is_reported_and_passed_through_unchanged() {
    let env = env();
    let text = "Menu\nMenu\nMenu\nStory.\nAdvertisement\n";
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    for (name, bytes, encoding) in [("le.txt", le, "UTF-16LE"), ("be.jsonl", be, "UTF-16BE")] {
        env.write(name, &bytes);
        let output = run(env.cmd().arg(name));
        assert_eq!(output.status.code(), Some(1), "{name}");
        assert_bytes_eq(name, &bytes, &output.stdout);
        assert!(
            stderr(&output).contains(&format!(
                "{name}: start of input: {encoding} text is not supported; the input is copied through unchanged"
            )),
            "{}",
            stderr(&output)
        );
    }
}

#[test]
fn issue_12_gzip_with_zero_padding_is_read_whole() {
    let env = env();
    let mut padded = gzip(DOC.as_bytes());
    padded.extend([0; 4096]);
    env.write("padded.txt.gz", &padded);
    let output = run(env.cmd().args(AD_ONLY).arg("padded.txt.gz"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_bytes_eq("padded", KEPT.as_bytes(), &output.stdout);
    // Data after the padding is not padding: an error, never silently dropped.
    padded.extend(b"more");
    env.write("garbage.txt.gz", &padded);
    let output = run(env.cmd().args(AD_ONLY).arg("garbage.txt.gz"));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("garbage.txt.gz"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn issue_12_decompress_none_reads_text_that_starts_like_gzip() {
    let env = env();
    let mut text = vec![0x1f, 0x8b, 0x08];
    text.extend(b" odd first bytes\nAdvertisement\nStory.\n");
    env.write("odd.txt", &text);
    let output = run(env
        .cmd()
        .args(AD_ONLY)
        .args(["--decompress", "none", "odd.txt"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mut expected = vec![0x1f, 0x8b, 0x08];
    expected.extend(b" odd first bytes\nStory.\n");
    assert_bytes_eq("--decompress none", &expected, &output.stdout);
    // Without it, the bytes are taken for gzip and found wanting: an error, not a guess.
    let auto = run(env.cmd().args(AD_ONLY).arg("odd.txt"));
    assert_eq!(auto.status.code(), Some(2));
}

#[test]
fn issue_12_a_warc_record_over_the_limit_is_copied_through_and_reported() {
    let env = env();
    let big = wet_record(
        "conversion",
        &format!("{DOC}{}", "Long line of text.\n".repeat(20)),
    );
    let input = wet_record("conversion", DOC) + &big + &wet_record("conversion", DOC);
    env.write("in.warc", &input);
    let kept = wet_record("conversion", KEPT);
    let offset = wet_record("conversion", DOC).len();
    for threads in ["1", "3"] {
        let output =
            run(env
                .cmd()
                .args(AD_ONLY)
                .args(["--max-doc-bytes", "200", "-j", threads, "in.warc"]));
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        assert_bytes_eq(
            "over the limit",
            format!("{kept}{big}{kept}").as_bytes(),
            &output.stdout,
        );
        let stderr = stderr(&output);
        assert!(
            stderr.contains(&format!(
                "in.warc: WARC record 2 (at byte {offset}) is larger than the limit of 200 bytes; copied through unchanged"
            )) && stderr.contains("--max-doc-bytes"),
            "{stderr}"
        );
    }
    let skip = run(env.cmd().args(AD_ONLY).args([
        "--max-doc-bytes",
        "200",
        "--on-invalid",
        "skip",
        "in.warc",
    ]));
    assert_eq!(skip.status.code(), Some(1));
    assert_bytes_eq("skip", format!("{kept}{kept}").as_bytes(), &skip.stdout);
}

#[test]
fn issue_12_a_large_record_that_holds_no_document_is_copied_quietly() {
    let env = env();
    let big = wet_record("resource", &"x".repeat(5000));
    let input = big.clone() + &wet_record("conversion", DOC);
    env.write("in.warc", &input);
    let output = run(env
        .cmd()
        .args(AD_ONLY)
        .args(["--max-doc-bytes", "100", "in.warc"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let expected = big + &wet_record("conversion", KEPT);
    assert_bytes_eq("resource", expected.as_bytes(), &output.stdout);
}

#[test]
fn issue_12_an_absurd_content_length_passes_the_rest_through_and_is_reported() {
    let env = env();
    let good = wet_record("conversion", DOC);
    let bad = "WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: 999999999999999\r\n\r\n";
    let input = format!("{good}{bad}{good}{good}");
    let output = run(env
        .cmd()
        .args(AD_ONLY)
        .args(["-f", "warc"])
        .write_stdin(input));
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let kept = wet_record("conversion", KEPT);
    assert_bytes_eq(
        "absurd length",
        format!("{kept}{bad}{good}{good}").as_bytes(),
        &output.stdout,
    );
    let stderr = stderr(&output);
    assert!(
        stderr.contains(&format!("<stdin>: WARC record 2 (at byte {})", good.len()))
            && stderr.contains("Content-Length runs past the end of the input"),
        "{stderr}"
    );
}

#[test]
fn issue_12_the_warc_reader_hands_out_a_huge_record_in_bounded_parts() {
    let body = "y".repeat(10_000);
    let input = wet_record("conversion", &body) + &wet_record("conversion", "after\n");
    let mut reader = warc::Reader::with_max_block(input.as_bytes(), 1000);
    match reader.next_record() {
        Err(warc::ReadError::TooLarge {
            length, conversion, ..
        }) => assert_eq!((length, conversion), (10_000, true)),
        other => panic!("expected TooLarge, got {other:?}"),
    }
    let mut copied = Vec::new();
    while let Some(part) = reader.next_part(4096).unwrap() {
        assert!(part.bytes.len() <= 4096 + 200, "{}", part.bytes.len());
        copied.extend(part.bytes);
    }
    assert_eq!(copied, wet_record("conversion", &body).as_bytes());
    let next = reader.next_record().unwrap().unwrap();
    assert_eq!(next.body(), b"after\n");
    assert_eq!(reader.bytes_read(), input.len() as u64);
}

#[test]
fn issue_12_count_reads_jsonl_on_standard_input_as_records() {
    let env = env();
    let output = run(env
        .cmd()
        .args(["count", "-o", "t.bsc"])
        .write_stdin(jsonl(&[DOC, "Other.\n", DOC])));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("counted 3 documents"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_doc_separator_means_text_on_standard_input() {
    let env = env();
    let input = "{\"looks\": \"like json\"}\nAdvertisement\n---\nStory.\nAdvertisement\n";
    let output = run(env
        .cmd()
        .args(AD_ONLY)
        .args(["--doc-separator", "---"])
        .write_stdin(input));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_bytes_eq(
        "separated text",
        b"{\"looks\": \"like json\"}\n---\nStory.\n",
        &output.stdout,
    );
}
