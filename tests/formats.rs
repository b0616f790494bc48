//! Formats through the binary (issue 4): every format × compression, the WET fixture,
//! JSONL escaping and field paths, ordering under `-j N`, atomic output and `--resume`,
//! `--drop-empty`, and each kind of bad record with its message and exit code.

use std::io::{Read, Write};
use std::path::Path;

use boilerstrip::formats::compress::{self, Codec, Encoder};
use boilerstrip::formats::warc::{self, Reader};

use crate::harness::{Env, assert_bytes_eq, repo, run};

const AD_PACK: &str =
    "[[rule]]\nname = \"ad\"\nmarkers = [\"Advertisement\"]\nwhere = \"equals\"\n";

/// JSONL on standard input with only the `ad` rule.
const JSONL_AD: [&str; 5] = ["--no-default-rules", "-r", "ad.toml", "-f", "jsonl"];

fn compressed(codec: Codec, data: &[u8]) -> Vec<u8> {
    let mut encoder = Encoder::new(Vec::new(), codec, None).unwrap();
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn decompressed(path: &Path) -> Vec<u8> {
    let (_, mut reader) = compress::open(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = Vec::new();
    reader.read_to_end(&mut out).unwrap();
    out
}

fn wet_record(kind: &str, body: &str) -> String {
    format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Block-Digest: {}\r\nContent-Length: {}\r\n\r\n{body}\r\n\r\n",
        warc::block_digest(body.as_bytes()),
        body.len()
    )
}

fn records(bytes: &[u8]) -> Vec<warc::Record> {
    let mut reader = Reader::new(bytes);
    let mut records = Vec::new();
    while let Some(record) = reader.next_record().unwrap() {
        records.push(record);
    }
    records
}

/// (extension, input, expected) per format.
fn samples() -> [(&'static str, String, String); 3] {
    let doc = "Story.\nAdvertisement\nMore story.\n";
    let kept = "Story.\nMore story.\n";
    [
        ("txt", doc.to_string(), kept.to_string()),
        (
            "jsonl",
            format!(
                "{{\"text\":{}}}\n{{\"text\":\"x\"}}\n",
                serde_json::to_string(doc).unwrap()
            ),
            format!(
                "{{\"text\":{}}}\n{{\"text\":\"x\"}}\n",
                serde_json::to_string(kept).unwrap()
            ),
        ),
        (
            "warc",
            wet_record("warcinfo", "a: b\r\n") + &wet_record("conversion", doc),
            wet_record("warcinfo", "a: b\r\n") + &wet_record("conversion", kept),
        ),
    ]
}

#[test]
fn every_format_and_compression_round_trips() {
    let env = Env::new();
    env.write("ad.toml", AD_PACK);
    env.write("none.toml", "");
    for (ext, input, expected) in samples() {
        for (codec, suffix) in [
            (Codec::Plain, ""),
            (Codec::Gzip, ".gz"),
            (Codec::Zstd, ".zst"),
        ] {
            let name = format!("in.{ext}{suffix}");
            env.write(&name, compressed(codec, input.as_bytes()));
            for (rules, want) in [("-rnone.toml", &input), ("-rad.toml", &expected)] {
                let out = env.path(&format!("out/{name}"));
                let _ = std::fs::remove_file(&out);
                env.cmd()
                    .args(["--no-default-rules", rules, &name, "-o"])
                    .arg(&out)
                    .assert()
                    .success();
                let mut magic = [0u8; 4];
                std::fs::File::open(&out)
                    .unwrap()
                    .read_exact(&mut magic)
                    .ok();
                assert_eq!(compress::sniff(&magic), codec, "{name}");
                assert_bytes_eq(
                    &format!("{name} {rules}"),
                    want.as_bytes(),
                    &decompressed(&out),
                );
            }
        }
    }
}

#[test]
fn wet_fixture_keeps_records_and_valid_digests() {
    let env = Env::new();
    let fixture = repo().join("tests/data/whirlwind.warc.wet.gz");
    let out = env.path("clean.warc.wet.gz");
    env.cmd()
        .arg(&fixture)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let before = records(&decompressed(&fixture));
    let after = records(&decompressed(&out));
    assert_eq!(before.len(), after.len());
    for (old, new) in before.iter().zip(&after) {
        let digest = warc::block_digest(new.body());
        assert_eq!(new.header("WARC-Block-Digest"), Some(digest.as_str()));
        assert_eq!(
            new.header("Content-Length"),
            Some(new.body().len().to_string().as_str())
        );
        if old.warc_type() == Some("conversion") {
            assert!(
                new.body().len() < old.body().len(),
                "the fixture has boilerplate"
            );
            assert_eq!(new.header("WARC-Payload-Digest"), Some(digest.as_str()));
        } else {
            assert_eq!(old, new, "non-conversion records are byte-identical");
        }
    }
    // One gzip member per record, as Common Crawl writes them.
    let mut members = 0;
    let bytes = std::fs::read(&out).unwrap();
    let mut rest = &bytes[..];
    while !rest.is_empty() {
        let mut decoder = flate2::bufread::GzDecoder::new(rest);
        std::io::copy(&mut decoder, &mut std::io::sink()).unwrap();
        rest = decoder.into_inner();
        members += 1;
    }
    assert_eq!(members, after.len());
}

#[test]
fn jsonl_rewrites_only_the_text_value() {
    let env = Env::new();
    env.write("ad.toml", AD_PACK);
    let input = concat!(
        r#"{"n":-1.5e3,"b":[true,false,null],"o":{"k":"\u00e9"},"text":"caf\u00e9 \ud83d\ude00 \"q\"\nAdvertisement\n","z":null}"#,
        "\n",
        r#"{"text":"untouched \u00e9 \/","id":2}"#,
        "\r\n",
        r#"{"meta":{"content":"A\nAdvertisement"},"text":"Advertisement"}"#,
        "\n"
    );
    let expected = concat!(
        r#"{"n":-1.5e3,"b":[true,false,null],"o":{"k":"\u00e9"},"text":"café 😀 \"q\"\n","z":null}"#,
        "\n",
        r#"{"text":"untouched \u00e9 \/","id":2}"#,
        "\r\n",
        r#"{"meta":{"content":"A\n"},"text":"Advertisement"}"#,
        "\n"
    );
    let output = run(env
        .cmd()
        .args(JSONL_AD)
        .args(["--field", "text"])
        .write_stdin(input));
    let first_two: Vec<&str> = expected.lines().take(2).collect();
    let got = String::from_utf8(output.stdout).unwrap();
    assert_eq!(got.lines().take(2).collect::<Vec<_>>(), first_two);
    env.cmd()
        .args(JSONL_AD)
        .args(["--field", "meta.content"])
        .write_stdin(input.lines().nth(2).unwrap().to_string() + "\n")
        .assert()
        .success()
        .stdout(expected.lines().nth(2).unwrap().to_string() + "\n");
}

#[test]
fn output_is_identical_on_one_and_many_threads() {
    let env = Env::new();
    let input: String = (0..3000)
        .map(|i| {
            let text = format!("Story {i}.\\n\\nSOURCE: News agencies\\n");
            format!("{{\"id\":{i},\"text\":\"{text}\"}}\n")
        })
        .collect();
    env.write("big.jsonl", &input);
    let outputs: Vec<Vec<u8>> = ["1", "4"]
        .iter()
        .map(|threads| run(env.cmd().args(["big.jsonl", "-j", threads])).stdout)
        .collect();
    assert_ne!(outputs[0], input.as_bytes());
    assert_bytes_eq("-j 4 vs -j 1", &outputs[0], &outputs[1]);
    assert!(
        String::from_utf8_lossy(&outputs[0]).starts_with("{\"id\":0,\"text\":\"Story 0.\\n\"}\n")
    );
}

#[test]
fn output_directory_is_written_atomically_and_resumed() {
    let env = Env::new();
    env.write("ad.toml", AD_PACK);
    std::fs::create_dir(env.path("in")).unwrap();
    env.write(
        "in/a.jsonl.zst",
        compressed(Codec::Zstd, b"{\"text\":\"A\\nAdvertisement\\n\"}\n"),
    );
    env.write("in/b.txt", "B\nAdvertisement\n");
    let clean = |extra: &[&str]| {
        env.cmd()
            .args([
                "--no-default-rules",
                "-r",
                "ad.toml",
                "-o",
                "out",
                "in/a.jsonl.zst",
                "in/b.txt",
            ])
            .args(extra)
            .assert()
    };
    clean(&[]).success().stdout("");
    assert_eq!(
        decompressed(&env.path("out/a.jsonl.zst")),
        b"{\"text\":\"A\\n\"}\n"
    );
    assert_eq!(std::fs::read(env.path("out/b.txt")).unwrap(), b"B\n");
    let names: Vec<_> = std::fs::read_dir(env.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "no temporary files left: {names:?}");
    env.write("out/b.txt", "kept by --resume");
    clean(&["--resume"]).success();
    assert_eq!(
        std::fs::read(env.path("out/b.txt")).unwrap(),
        b"kept by --resume"
    );
    clean(&[]).success();
    assert_eq!(std::fs::read(env.path("out/b.txt")).unwrap(), b"B\n");
}

#[test]
fn failing_input_leaves_no_output_file() {
    let env = Env::new();
    env.write("bad.jsonl", "{\"text\":\"ok\"}\n{oops\n");
    env.cmd()
        .args(["bad.jsonl", "-o", "out.jsonl.gz", "--on-invalid", "fail"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bad.jsonl: line 2: invalid JSON"));
    assert_eq!(std::fs::read_dir(env.path("")).unwrap().count(), 1);
    env.cmd()
        .args(["bad.jsonl", "-o", "out.jsonl"])
        .assert()
        .code(1);
    assert_eq!(
        std::fs::read(env.path("out.jsonl")).unwrap(),
        b"{\"text\":\"ok\"}\n{oops\n"
    );
}

#[test]
fn bad_records_are_reported_counted_and_handled_as_asked() {
    let env = Env::new();
    let lines = [
        ("{\"text\":\"ok\"}", None),
        (
            "not json",
            Some("line 2: invalid JSON at column 2: expected ident"),
        ),
        ("{\"id\":3}", Some("line 3: field `text` is missing")),
        (
            "{\"text\":17}",
            Some("line 4: field `text` is a number, not a string"),
        ),
        ("{\"text\":\"last\"}", None),
    ];
    let input: String = lines.iter().map(|(line, _)| format!("{line}\n")).collect();
    env.write("in.jsonl", &input);
    let stderr =
        |output: &std::process::Output| String::from_utf8_lossy(&output.stderr).into_owned();
    let pass = run(env.cmd().args(["in.jsonl", "--stats", "stats.json"]));
    assert_eq!(pass.status.code(), Some(1));
    assert_bytes_eq("pass", input.as_bytes(), &pass.stdout);
    for (_, message) in lines {
        if let Some(message) = message {
            assert!(
                stderr(&pass).contains(&format!("in.jsonl: {message}")),
                "{}",
                stderr(&pass)
            );
        }
    }
    assert!(stderr(&pass).contains("3 invalid records in total"));
    let stats = std::fs::read_to_string(env.path("stats.json")).unwrap();
    assert!(
        stats.contains("\"invalid\": 3") && stats.contains("\"documents\": 5"),
        "{stats}"
    );

    let skip = run(env.cmd().args(["in.jsonl", "--on-invalid", "skip"]));
    assert_eq!(skip.status.code(), Some(1));
    assert_eq!(skip.stdout, b"{\"text\":\"ok\"}\n{\"text\":\"last\"}\n");
    assert!(stderr(&skip).contains("line 3: field `text` is missing"));

    let fail = run(env.cmd().args(["in.jsonl", "--on-invalid", "fail"]));
    assert_eq!(fail.status.code(), Some(2));
    assert_eq!(fail.stdout, b"{\"text\":\"ok\"}\n");
    assert!(stderr(&fail).contains("line 2: invalid JSON"));
}

#[test]
fn only_the_first_twenty_bad_records_are_shown() {
    let env = Env::new();
    let input = "x\n".repeat(25);
    let output = run(env.cmd().args(["-f", "jsonl"]).write_stdin(input.clone()));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.matches("invalid JSON").count(), 20, "{stderr}");
    assert!(
        stderr.contains("25 invalid records in total (5 not shown)"),
        "{stderr}"
    );
    assert_eq!(output.stdout, input.as_bytes());
}

#[test]
fn malformed_warc_record_passes_the_rest_through() {
    let env = Env::new();
    let good = wet_record("conversion", "Story.\nSOURCE: News agencies\n");
    let bad = "WARC/1.0\r\nbroken header\r\n\r\n";
    let input = format!("{good}{bad}{good}");
    env.write("in.warc", &input);
    let output = run(env.cmd().arg("in.warc"));
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("in.warc: WARC record 2 (at byte ")
            && stderr.contains("header line without `:`: `broken header`"),
        "{stderr}"
    );
    let kept = wet_record("conversion", "Story.\n");
    assert_bytes_eq(
        "warc",
        format!("{kept}{bad}{good}").as_bytes(),
        &output.stdout,
    );
    let skip = run(env.cmd().args(["in.warc", "--on-invalid", "skip"]));
    assert_bytes_eq("warc skip", kept.as_bytes(), &skip.stdout);
}

#[test]
fn drop_empty_removes_emptied_records_and_counts_them() {
    let env = Env::new();
    env.write("ad.toml", AD_PACK);
    let input = "{\"text\":\"Advertisement\"}\n{\"text\":\"Story\"}\n";
    env.cmd()
        .args(JSONL_AD)
        .write_stdin(input)
        .assert()
        .success()
        .stdout("{\"text\":\"\"}\n{\"text\":\"Story\"}\n");
    let output = run(env
        .cmd()
        .args(JSONL_AD)
        .arg("--drop-empty")
        .args(["--stats", "-", "--deterministic"])
        .write_stdin(input));
    assert_eq!(output.stdout, b"{\"text\":\"Story\"}\n");
    let stats = String::from_utf8(output.stderr).unwrap();
    assert!(
        stats.contains("\"documents_emptied\": 1") && stats.contains("\"documents_dropped\": 1"),
        "{stats}"
    );
}

#[test]
fn progress_is_drawn_when_asked_and_quiet_silences_it() {
    let env = Env::new();
    let input = "{\"text\":\"a\"}\n";
    let always = run(env
        .cmd()
        .args(["-f", "jsonl", "--progress", "always"])
        .write_stdin(input));
    assert!(String::from_utf8_lossy(&always.stderr).contains("documents"));
    assert_eq!(always.stdout, input.as_bytes());
    for flags in [
        ["--progress", "always", "--quiet"],
        ["--progress", "never", "--color=never"],
    ] {
        let output = run(env
            .cmd()
            .args(flags)
            .args(["-f", "jsonl"])
            .write_stdin(input));
        assert!(output.stderr.is_empty(), "{flags:?}");
    }
}
