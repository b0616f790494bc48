//! The audit trail (issue 15): the removal log (`--log`) on text, JSONL and WET, its
//! offsets against the cleaned output, order under threads, compression and atomicity.

use std::io::Read;
use std::path::Path;

use boilerstrip::audit::log::LogEntry;
use boilerstrip::formats::compress;
use boilerstrip::formats::warc::Reader;

use crate::harness::{Env, assert_bytes_eq, repo, run};

const AD_PACK: &str =
    "[[rule]]\nname = \"ad\"\nmarkers = [\"Advertisement\"]\nwhere = \"equals\"\n";

fn decompressed(path: &Path) -> Vec<u8> {
    let (_, mut reader) = compress::open(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = Vec::new();
    reader.read_to_end(&mut out).unwrap();
    out
}

fn entries(path: &Path) -> Vec<LogEntry> {
    String::from_utf8(decompressed(path))
        .unwrap()
        .lines()
        .map(|line| LogEntry::from_line(line).unwrap())
        .collect()
}

/// `text` with the logged removals cut out.
fn without_removals(text: &[u8], entry: &LogEntry) -> Vec<u8> {
    let mut kept = Vec::new();
    let mut at = 0;
    for removal in &entry.removals {
        kept.extend_from_slice(&text[at..removal.start as usize]);
        at = removal.end as usize;
    }
    kept.extend_from_slice(&text[at..]);
    kept
}

fn jsonl_line(id: &str, url: Option<&str>, text: &str) -> String {
    let mut record = serde_json::json!({ "id": id, "text": text, "meta": { "n": 1 } });
    if let Some(url) = url {
        record["url"] = url.into();
    }
    record.to_string() + "\n"
}

#[test]
fn issue_15_log_offsets_cut_jsonl_text_into_what_the_cleaner_keeps() {
    let env = Env::new();
    env.write("ad.toml", AD_PACK);
    let texts = [
        "Été 日本 😀\nAdvertisement\nFin.\n",
        "Advertisement\r\nAdvertisement\nKept \"quoted\" line\n",
        "nothing to remove\n",
    ];
    let mut input = String::new();
    for (i, text) in texts.iter().enumerate() {
        let url = (i == 0).then_some("https://example.org/a");
        input += &jsonl_line(&format!("doc-{i}"), url, text);
    }
    input += "{\"id\": 42, \"text\": \"Advertisement\\n\"}\n";
    env.write("in.jsonl", &input);
    let out = run(env.cmd().args([
        "--no-default-rules",
        "-r",
        "ad.toml",
        "in.jsonl",
        "-o",
        "out.jsonl",
        "--log",
        "log.jsonl",
    ]));
    assert!(out.status.success(), "{out:?}");
    let log = entries(&env.path("log.jsonl"));
    let cleaned = std::fs::read_to_string(env.path("out.jsonl")).unwrap();
    let originals: Vec<serde_json::Value> = input
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(log.len(), 4);
    for ((entry, original), cleaned) in log.iter().zip(&originals).zip(cleaned.lines()) {
        let text = original["text"].as_str().unwrap().as_bytes();
        let cleaned: serde_json::Value = serde_json::from_str(cleaned).unwrap();
        let kept = cleaned["text"].as_str().unwrap().as_bytes();
        assert_bytes_eq("kept text", kept, &without_removals(text, entry));
        assert_eq!(entry.bytes_in as usize, text.len());
        assert_eq!(entry.bytes_out as usize, kept.len());
        assert_eq!(entry.input, "in.jsonl");
    }
    let ids: Vec<&str> = log.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["doc-0", "doc-1", "doc-2", "42"]);
    assert_eq!(log[0].url.as_deref(), Some("https://example.org/a"));
    assert_eq!(log[1].url, None);
    assert_eq!(
        (log[1].removals[0].lines, log[1].removals[0].reason.as_str()),
        ([0, 2], "ad")
    );
    assert_eq!((log[1].lines_in, log[1].lines_out), (3, 1));
    assert!(log[2].removals.is_empty());
}

#[test]
fn issue_15_log_names_records_by_id_field_and_logs_invalid_records() {
    let env = Env::new();
    env.write("ad.toml", AD_PACK);
    env.write(
        "in.jsonl",
        "{\"meta\":{\"doc\":\"m-1\"},\"text\":\"Advertisement\\nx\\n\"}\n\nnot json\n{\"text\":\"y\\n\"}\n",
    );
    let out = run(env.cmd().args([
        "--no-default-rules",
        "-r",
        "ad.toml",
        "in.jsonl",
        "--id-field",
        "meta.doc",
        "--log",
        "log.jsonl",
        "-q",
    ]));
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let log = entries(&env.path("log.jsonl"));
    let ids: Vec<(&str, u64)> = log.iter().map(|e| (e.id.as_str(), e.record)).collect();
    // The blank line 2 is no document; line 3 is invalid and logged with its error.
    assert_eq!(ids, [("m-1", 1), ("in.jsonl:3", 3), ("in.jsonl:4", 4)]);
    assert!(log[1].error.as_deref().unwrap().contains("line 3"));
    assert!(log[0].error.is_none() && log[2].error.is_none());
}

#[test]
fn issue_15_log_of_text_documents_names_input_and_index() {
    let env = Env::new();
    env.write("ad.toml", AD_PACK);
    let text = "one\nAdvertisement\n---\ntwo\n---\nAdvertisement\n";
    env.write("a.txt", text);
    let out = run(env.cmd().args([
        "--no-default-rules",
        "-r",
        "ad.toml",
        "--doc-separator",
        "---",
        "a.txt",
        "--log",
        "log.jsonl.gz",
    ]));
    assert!(out.status.success(), "{out:?}");
    assert_bytes_eq("stdout", b"one\n---\ntwo\n---\n", &out.stdout);
    // Compressed as the extension says.
    assert_eq!(
        &std::fs::read(env.path("log.jsonl.gz")).unwrap()[..2],
        b"\x1f\x8b"
    );
    let log = entries(&env.path("log.jsonl.gz"));
    let ids: Vec<&str> = log.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["a.txt:1", "a.txt:2", "a.txt:3"]);
    assert_eq!(log[0].removals[0].start, 4);
    assert_eq!(log[2].bytes_out, 0);
}

#[test]
fn issue_15_log_of_wet_uses_warc_ids_and_is_the_same_on_any_thread_count() {
    let env = Env::new();
    let wet = repo().join("tests/data/whirlwind.warc.wet.gz");
    let mut logs = Vec::new();
    for threads in ["1", "3"] {
        let log = format!("log-{threads}.jsonl");
        let out = run(env
            .cmd()
            .arg(&wet)
            .args(["-o", "out.wet", "-j", threads, "--log", &log]));
        assert!(out.status.success(), "{out:?}");
        logs.push(std::fs::read(env.path(&log)).unwrap());
    }
    assert_bytes_eq("log under -j 3", &logs[0], &logs[1]);
    let log = entries(&env.path("log-1.jsonl"));
    let bodies: Vec<(String, Vec<u8>)> = {
        let input = decompressed(&wet);
        let mut reader = Reader::new(input.as_slice());
        let mut out = Vec::new();
        while let Some(record) = reader.next_record().unwrap() {
            if record.is_conversion() {
                let id = record.header("WARC-Record-ID").unwrap().to_string();
                out.push((id, record.body().to_vec()));
            }
        }
        out
    };
    let cleaned = std::fs::read(env.path("out.wet")).unwrap();
    let mut reader = Reader::new(cleaned.as_slice());
    let mut kept = Vec::new();
    while let Some(record) = reader.next_record().unwrap() {
        if record.is_conversion() {
            kept.push(record.body().to_vec());
        }
    }
    assert_eq!(log.len(), bodies.len());
    assert!(log.iter().any(|e| !e.removals.is_empty()));
    for ((entry, (id, body)), kept) in log.iter().zip(&bodies).zip(&kept) {
        assert_eq!(&entry.id, id);
        assert!(entry.url.as_deref().unwrap().starts_with("http"));
        assert_bytes_eq("kept body", kept, &without_removals(body, entry));
    }
}

#[test]
fn issue_15_log_is_written_atomically_and_not_over_the_output() {
    let env = Env::new();
    env.write("ad.toml", AD_PACK);
    env.write("in.jsonl", "{\"text\":\"a\\n\"}\nnot json\n");
    let out = run(env.cmd().args([
        "--no-default-rules",
        "-r",
        "ad.toml",
        "in.jsonl",
        "--on-invalid",
        "fail",
        "--log",
        "log.jsonl",
    ]));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(!env.path("log.jsonl").exists());
    let leftovers = std::fs::read_dir(env.path("")).unwrap().count();
    assert_eq!(leftovers, 2, "no temporary file is left");
    let out = run(env
        .cmd()
        .args(["in.jsonl", "-o", "same.jsonl", "--log", "same.jsonl"]));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--log and -o"));
}

#[test]
fn issue_15_explain_heads_each_record_and_shows_separators_and_numbers() {
    let env = Env::new();
    env.write("ad.toml", AD_PACK);
    env.write("a.txt", "one\nAdvertisement\n---\ntwo\n");
    let out = run(env.cmd().args([
        "--no-default-rules",
        "-r",
        "ad.toml",
        "--doc-separator",
        "---",
        "a.txt",
        "--explain",
        "-n",
        "--color",
        "never",
    ]));
    assert!(out.status.success(), "{out:?}");
    let expected = "==> a.txt record 1 <==\n\
                    1:keep      | one\n\
                    2:ad        | Advertisement\n\
                    3:separator | ---\n\
                    ==> a.txt record 2 <==\n\
                    1:keep | two\n";
    assert_bytes_eq("explain", expected.as_bytes(), &out.stdout);
}

#[test]
fn issue_15_explain_only_removed_names_jsonl_and_wet_records() {
    let env = Env::new();
    env.write("ad.toml", AD_PACK);
    let input = jsonl_line("d1", Some("https://e.org/x"), "keep me\nAdvertisement\n")
        + &jsonl_line("d2", None, "nothing here\n");
    env.write("in.jsonl", input);
    let out = run(env.cmd().args([
        "--no-default-rules",
        "-r",
        "ad.toml",
        "in.jsonl",
        "--explain",
        "--only-removed",
        "--color",
        "never",
    ]));
    assert!(out.status.success(), "{out:?}");
    let expected = "==> in.jsonl record 1 (id d1, url https://e.org/x) <==\nad   | Advertisement\n";
    assert_bytes_eq("explain", expected.as_bytes(), &out.stdout);

    let wet = repo().join("tests/data/whirlwind.warc.wet.gz");
    let out = run(env
        .cmd()
        .arg(&wet)
        .args(["--explain", "--only-removed", "--color", "never"]));
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let headers: Vec<&str> = stdout.lines().filter(|l| l.starts_with("==> ")).collect();
    assert!(!headers.is_empty());
    assert!(
        headers
            .iter()
            .all(|h| h.contains("(id <urn:uuid:") && h.contains(", url http"))
    );
    assert!(
        stdout
            .lines()
            .filter(|l| !l.starts_with("==> "))
            .all(|l| !l.starts_with("keep ")),
        "only removed lines"
    );
}

#[test]
fn issue_15_explain_json_is_one_event_per_line_with_byte_ranges() {
    let env = Env::new();
    env.write("ad.toml", AD_PACK);
    let text = "Été 😀\nAdvertisement\r\nend";
    env.write("in.jsonl", jsonl_line("d1", None, text));
    let out = run(env.cmd().args([
        "--no-default-rules",
        "-r",
        "ad.toml",
        "in.jsonl",
        "--explain",
        "--json",
        "--color",
        "always",
    ]));
    assert!(out.status.success(), "{out:?}");
    let events: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), 3);
    let fates: Vec<(&str, u64, u64, Option<&str>)> = events
        .iter()
        .map(|e| {
            (
                e["text"].as_str().unwrap(),
                e["start"].as_u64().unwrap(),
                e["end"].as_u64().unwrap(),
                e["reason"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        fates,
        [
            ("Été 😀", 0, 11, None),
            ("Advertisement", 11, 26, Some("ad")),
            ("end", 26, 29, None)
        ]
    );
    assert!(events.iter().all(|e| e["id"] == "d1" && e["record"] == 1));
    assert_eq!(events[1]["line"], 1);
}
