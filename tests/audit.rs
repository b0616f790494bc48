//! The audit trail (issue 15): the removal log (`--log`) on text, JSONL and WET, its
//! offsets against the cleaned output, order under threads, compression and atomicity.

use std::io::Read;
use std::path::Path;

use boilerstrip::audit::log::LogEntry;
use boilerstrip::formats::compress;
use boilerstrip::formats::warc::{self, Reader};

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
    let out = run(env.cmd().args(["in.jsonl", "--log", "-"]));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(!env.path("-").exists());
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

#[test]
fn issue_15_meta_field_adds_removals_and_keeps_every_other_byte() {
    let env = Env::new();
    env.write("ad.toml", AD_PACK);
    let input = "{\"id\": 1,  \"text\":\"Story\\nAdvertisement\\n\", \"x\":[1, 2.50]}\r\n\
                 {\"text\":\"clean\\n\",\"metadata\":{ }}\n";
    env.write("in.jsonl", input);
    let base = ["--no-default-rules", "-r", "ad.toml", "in.jsonl"];
    let out = run(env.cmd().args(base).args(["--meta-field", "boilerstrip"]));
    assert!(out.status.success(), "{out:?}");
    let expected = "{\"id\": 1,  \"text\":\"Story\\n\", \"x\":[1, 2.50],\"boilerstrip\":\
                    {\"removed_bytes\":14,\"removed_share\":0.7,\"reasons\":{\"ad\":{\"lines\":1,\"bytes\":14}}}}\r\n\
                    {\"text\":\"clean\\n\",\"metadata\":{ },\"boilerstrip\":\
                    {\"removed_bytes\":0,\"removed_share\":0.0,\"reasons\":{}}}\n";
    assert_bytes_eq("output", expected.as_bytes(), &out.stdout);
    // Into an object, where the second record has one.
    let out = run(env
        .cmd()
        .args(base)
        .args(["--meta-field", "metadata.bs", "-q"]));
    assert_eq!(
        out.status.code(),
        Some(1),
        "the first record has no metadata object"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.split('\n').collect();
    assert_eq!(
        lines[0],
        "{\"id\": 1,  \"text\":\"Story\\nAdvertisement\\n\", \"x\":[1, 2.50]}\r"
    );
    assert_eq!(
        lines[1],
        "{\"text\":\"clean\\n\",\"metadata\":{ \"bs\":{\"removed_bytes\":0,\"removed_share\":0.0,\"reasons\":{}}}}"
    );
    let out = run(env
        .cmd()
        .args(["-f", "warc", "--meta-field", "bs"])
        .write_stdin(""));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

#[test]
fn issue_15_mostly_boilerplate_documents_are_dropped_or_routed_to_rejects() {
    let env = Env::new();
    env.write("ad.toml", AD_PACK);
    let input = jsonl_line("a", None, "Advertisement\nAdvertisement\nshort\n")
        + &jsonl_line(
            "b",
            None,
            "a long line of real content here\nAdvertisement\n",
        )
        + &jsonl_line("c", None, "Advertisement\n");
    env.write("in.jsonl", &input);
    let base = ["--no-default-rules", "-r", "ad.toml", "in.jsonl"];
    let out = run(env.cmd().args(base).args([
        "--max-removed-share",
        "0.5",
        "--stats",
        "stats.json",
        "--deterministic",
    ]));
    assert!(out.status.success(), "{out:?}");
    let ids = |text: &str| -> Vec<String> {
        text.lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].to_string())
            .collect()
    };
    assert_eq!(ids(&String::from_utf8(out.stdout).unwrap()), ["\"b\""]);
    let stats: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.path("stats.json")).unwrap()).unwrap();
    assert_eq!(stats["documents_rejected"], 2);

    let out = run(env.cmd().args(base).args([
        "--max-removed-share",
        "0.5",
        "--rejects",
        "rejects.jsonl.zst",
        "-o",
        "out.jsonl",
    ]));
    assert!(out.status.success(), "{out:?}");
    let rejects = String::from_utf8(decompressed(&env.path("rejects.jsonl.zst"))).unwrap();
    let originals: Vec<&str> = input.lines().collect();
    assert_eq!(
        rejects,
        format!("{}\n{}\n", originals[0], originals[2]),
        "rejects are written as read"
    );
    let kept = std::fs::read_to_string(env.path("out.jsonl")).unwrap();
    assert_eq!(ids(&kept), ["\"b\""]);
}

fn wet_record(kind: &str, id: &str, body: &str) -> String {
    format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{id}>\r\n\
         WARC-Target-URI: https://example.org/{id}\r\nWARC-Block-Digest: {}\r\n\
         Content-Length: {}\r\n\r\n{body}\r\n\r\n",
        warc::block_digest(body.as_bytes()),
        body.len()
    )
}

#[test]
fn issue_15_rejected_wet_records_are_whole_warc_records() {
    let env = Env::new();
    env.write("ad.toml", AD_PACK);
    let records = [
        wet_record("warcinfo", "0", "software: test\n"),
        wet_record("conversion", "1", "Advertisement\nAdvertisement\nHi\n"),
        wet_record("conversion", "2", "A page of real text.\nAdvertisement\n"),
        wet_record("conversion", "3", "Advertisement\n"),
    ];
    env.write("in.wet", records.concat());
    let out = run(env.cmd().args([
        "--no-default-rules",
        "-r",
        "ad.toml",
        "in.wet",
        "--max-removed-share",
        "0.6",
        "--rejects",
        "rejects.wet.gz",
        "-o",
        "kept.wet",
        "--log",
        "log.jsonl",
    ]));
    assert!(out.status.success(), "{out:?}");
    let rejects = decompressed(&env.path("rejects.wet.gz"));
    assert_bytes_eq(
        "rejects",
        (records[1].clone() + &records[3]).as_bytes(),
        &rejects,
    );
    let kept = std::fs::read(env.path("kept.wet")).unwrap();
    let mut reader = Reader::new(kept.as_slice());
    let mut ids = Vec::new();
    while let Some(record) = reader.next_record().unwrap() {
        ids.push(record.header("WARC-Record-ID").unwrap().to_string());
    }
    assert_eq!(ids, ["<urn:uuid:0>", "<urn:uuid:2>"]);
    let log = entries(&env.path("log.jsonl"));
    let logged: Vec<(&str, u64)> = log.iter().map(|e| (e.id.as_str(), e.record)).collect();
    assert_eq!(
        logged,
        [
            ("<urn:uuid:1>", 2),
            ("<urn:uuid:2>", 3),
            ("<urn:uuid:3>", 4)
        ],
        "every document is logged, rejected or not"
    );
    assert_eq!(log[1].url.as_deref(), Some("https://example.org/2"));
    let rejected: Vec<bool> = log.iter().map(|e| e.rejected).collect();
    assert_eq!(rejected, [true, false, true]);
}

/// `text` with the attribute spans (code-point offsets) of `keys` cut out.
fn without_spans(text: &str, attributes: &serde_json::Value, keys: &[&str]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for key in keys {
        for span in attributes[*key].as_array().into_iter().flatten() {
            spans.push((
                span[0].as_u64().unwrap() as usize,
                span[1].as_u64().unwrap() as usize,
            ));
        }
    }
    spans.sort();
    let (mut out, mut at) = (String::new(), 0);
    for (start, end) in spans {
        out.extend(&chars[at..start]);
        at = end;
    }
    out.extend(&chars[at..]);
    out
}

#[test]
fn issue_15_annotate_writes_dolma_attributes_beside_documents_in_code_points() {
    let env = Env::new();
    env.write("ad.toml", AD_PACK);
    let texts = [
        "日本 😀 text\nAdvertisement\r\nÉté\nAdvertisement",
        "nothing to remove 🎉\n",
    ];
    let input: String = texts
        .iter()
        .enumerate()
        .map(|(i, t)| jsonl_line(&format!("d{i}"), None, t))
        .collect();
    env.write("data/documents/cc/shard.jsonl", &input);
    let out = run(env.cmd().args([
        "annotate",
        "--no-default-rules",
        "-r",
        "ad.toml",
        "data/documents/cc/shard.jsonl",
    ]));
    assert!(out.status.success(), "{out:?}");
    assert!(out.stdout.is_empty());
    let written =
        std::fs::read_to_string(env.path("data/attributes/boilerstrip/cc/shard.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = written
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "d0");
    let attributes = &lines[0]["attributes"];
    assert_eq!(
        attributes["boilerstrip__ad"],
        serde_json::json!([[10, 25, 1.0], [29, 42, 1.0]])
    );
    assert_eq!(
        without_spans(texts[0], attributes, &["boilerstrip__ad"]),
        "日本 😀 text\nÉté\n"
    );
    let fraction = attributes["boilerstrip__removed__fraction"][0].clone();
    assert_eq!(fraction[1], texts[0].chars().count());
    assert_eq!(
        lines[1]["attributes"],
        serde_json::json!({"boilerstrip__removed__fraction": [[0, 20, 0.0]]})
    );

    // -o names the file instead; without a documents/ directory, -o is required.
    env.write("plain.jsonl", &input);
    let out = run(env.cmd().args(["annotate", "plain.jsonl"]));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("documents"));
    let out = run(env.cmd().args([
        "--annotate",
        "--attribute-name",
        "bs_v2",
        "--no-default-rules",
        "-r",
        "ad.toml",
        "plain.jsonl",
        "-o",
        "attrs.jsonl.gz",
    ]));
    assert!(out.status.success(), "{out:?}");
    let attrs = String::from_utf8(decompressed(&env.path("attrs.jsonl.gz"))).unwrap();
    assert!(
        attrs.starts_with("{\"id\":\"d0\",\"attributes\":{\"bs_v2__ad\":"),
        "{attrs}"
    );
}

#[test]
fn issue_15_annotate_names_wet_documents_by_record_id() {
    let env = Env::new();
    env.write("ad.toml", AD_PACK);
    let records = [
        wet_record("warcinfo", "0", "software: test\n"),
        wet_record("conversion", "1", "Été\nAdvertisement\n"),
    ];
    env.write("in.wet", records.concat());
    let out = run(env.cmd().args([
        "annotate",
        "--no-default-rules",
        "-r",
        "ad.toml",
        "in.wet",
        "-o",
        "attrs.jsonl",
    ]));
    assert!(out.status.success(), "{out:?}");
    let written = std::fs::read_to_string(env.path("attrs.jsonl")).unwrap();
    assert_eq!(
        written,
        "{\"id\":\"<urn:uuid:1>\",\"attributes\":{\"boilerstrip__ad\":[[4,18,1.0]],\
         \"boilerstrip__ad__fraction\":[[0,18,0.7777777777777778]],\
         \"boilerstrip__removed__fraction\":[[0,18,0.7777777777777778]]}}\n"
    );
}

#[test]
fn issue_15_annotate_scores_frequent_lines_by_their_document_count() {
    let env = Env::new();
    let words = ["alpha", "bravo", "delta", "gamma"];
    let docs: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, word)| {
            let extra = if i < 3 {
                "Weekly harbour digest 港\n"
            } else {
                ""
            };
            format!("Opening {word}.\nStanding masthead line\n{extra}Closing {word}.\n")
        })
        .collect();
    let input: String = docs
        .iter()
        .enumerate()
        .map(|(i, t)| jsonl_line(&format!("d{i}"), None, t))
        .collect();
    env.write("in.jsonl", &input);
    let out = run(env.cmd().args(["count", "in.jsonl", "-o", "counts.bsc"]));
    assert!(out.status.success(), "{out:?}");
    let out = run(env.cmd().args([
        "annotate",
        "--no-default-rules",
        "--counts",
        "counts.bsc",
        "--min-docs",
        "3",
        "in.jsonl",
        "-o",
        "attrs.jsonl",
    ]));
    assert!(out.status.success(), "{out:?}");
    let written = std::fs::read_to_string(env.path("attrs.jsonl")).unwrap();
    let first: serde_json::Value = serde_json::from_str(written.lines().next().unwrap()).unwrap();
    // "Opening alpha.\n" is 15 code points; the masthead is in 4 documents, the digest in 3.
    assert_eq!(
        first["attributes"]["boilerstrip__frequent"],
        serde_json::json!([[15, 38, 4.0], [38, 62, 3.0]])
    );
}

#[test]
fn issue_15_annotate_keeps_a_line_for_a_record_it_cannot_process() {
    let env = Env::new();
    env.write("ad.toml", AD_PACK);
    env.write(
        "in.jsonl",
        "{\"id\":\"a\",\"text\":\"Advertisement\\n\"}\n{\"id\":\"b\",\"body\":\"x\"}\n{\"id\":\"c\",\"text\":\"y\"}\n",
    );
    let out = run(env.cmd().args([
        "annotate",
        "--no-default-rules",
        "-r",
        "ad.toml",
        "in.jsonl",
        "-o",
        "attrs.jsonl",
        "-q",
    ]));
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let written = std::fs::read_to_string(env.path("attrs.jsonl")).unwrap();
    let ids: Vec<String> = written
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].to_string())
        .collect();
    assert_eq!(
        ids,
        ["\"a\"", "\"b\"", "\"c\""],
        "line for line with the documents"
    );
    assert!(
        written
            .lines()
            .nth(1)
            .unwrap()
            .ends_with("\"attributes\":{}}")
    );
}
