//! The audit views and the corpus scan on Parquet (issue 15 items 2, 3 and 6): the
//! removal log and dolma attributes name each row by its number across row groups, its
//! id column and its URL column; `count` and `top` read the text column exactly as they
//! read the same texts from JSONL; and the options that would drop rows are refused.

use std::fs::File;
use std::io::Read;
use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{FileReader, SerializedFileReader};
use serde_json::Value;

use crate::harness::{Env, assert_bytes_eq, run};
use crate::parquet::write_batch;

const AD_PACK: &str =
    "[[rule]]\nname = \"ad\"\nmarkers = [\"Advertisement\"]\nwhere = \"equals\"\n";
const AD: [&str; 3] = ["--no-default-rules", "-r", "ad.toml"];

/// One row: id, URL, text.
type Row = (&'static str, Option<&'static str>, Option<&'static str>);

/// Six rows in row groups of 4: the fifth has a null text, the third's removed line
/// follows non-ASCII text, and the lines repeated across rows make `count` and `top`
/// worth running.
const ROWS: [Row; 6] = [
    (
        "a",
        Some("https://one.example/1"),
        Some("Intro.\nAdvertisement\nBody.\n"),
    ),
    (
        "b",
        Some("https://two.example/2"),
        Some("Nothing to remove.\n"),
    ),
    (
        "c",
        None,
        Some("日本 😀 été\nAdvertisement\nMore.\nSubscribe now\n"),
    ),
    (
        "d",
        Some("https://one.example/3"),
        Some("Subscribe now\nIntro.\n"),
    ),
    ("e", Some("https://two.example/4"), None),
    (
        "f",
        Some("https://one.example/5"),
        Some("Advertisement\nSubscribe now\n"),
    ),
];

/// A file of `ROWS` with columns `id`, `url` and `text`, in row groups of 4.
fn write_rows(env: &Env, name: &str) -> std::path::PathBuf {
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Utf8, false),
        Field::new("url", DataType::Utf8, true),
        Field::new("text", DataType::Utf8, true),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(ROWS.iter().map(|r| r.0))),
        Arc::new(StringArray::from_iter(ROWS.iter().map(|r| r.1))),
        Arc::new(StringArray::from_iter(ROWS.iter().map(|r| r.2))),
    ];
    let batch = RecordBatch::try_new(schema, columns).unwrap();
    let properties = WriterProperties::builder()
        .set_max_row_group_row_count(Some(4))
        .build();
    let path = env.path(name);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    write_batch(&path, &batch, properties);
    path
}

/// The same documents as JSONL (`id`, `url` when known, `text`), null texts left out.
fn write_jsonl(env: &Env, name: &str) {
    let mut jsonl = String::new();
    for (id, url, text) in ROWS {
        let Some(text) = text else { continue };
        let mut record = serde_json::json!({"id": id, "text": text});
        if let Some(url) = url {
            record["url"] = url.into();
        }
        jsonl += &format!("{record}\n");
    }
    env.write(name, jsonl);
}

fn boilerstrip(env: &Env, args: &[&str]) -> std::process::Output {
    env.write("ad.toml", AD_PACK);
    let out = run(env.cmd().args(args));
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn json_lines(bytes: &[u8]) -> Vec<Value> {
    String::from_utf8(bytes.to_vec())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn parquet_removal_log_names_rows_by_number_id_and_url() {
    let env = Env::new();
    write_rows(&env, "in.parquet");
    for threads in ["1", "2"] {
        let log = format!("log-{threads}.jsonl");
        let args = [
            &AD[..],
            &[
                "-j",
                threads,
                "in.parquet",
                "-o",
                "out.parquet",
                "--log",
                &log,
            ],
        ];
        boilerstrip(&env, &args.concat());
        let entries = json_lines(&std::fs::read(env.path(&log)).unwrap());
        let records: Vec<u64> = entries
            .iter()
            .map(|e| e["record"].as_u64().unwrap())
            .collect();
        assert_eq!(
            records,
            [1, 2, 3, 4, 6],
            "one line per text, null rows left out"
        );
        let ids: Vec<&str> = entries.iter().map(|e| e["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["a", "b", "c", "d", "f"]);
        assert_eq!(entries[0]["input"], "in.parquet");
        assert_eq!(entries[0]["url"], "https://one.example/1");
        assert_eq!(entries[2]["url"], Value::Null);
        assert_eq!(
            entries[4]["url"], "https://one.example/5",
            "row 6 is in row group 1"
        );
        let removals = &entries[0]["removals"];
        assert_eq!(
            removals,
            &serde_json::json!([{"start": 7, "end": 21, "lines": [1, 2], "reason": "ad"}])
        );
        // Byte offsets: "日本 😀 été\n" is 18 bytes.
        assert_eq!(entries[2]["removals"][0]["start"], 18);
        assert_eq!(entries[1]["removals"], serde_json::json!([]));
    }
}

#[test]
fn parquet_numeric_ids_are_their_decimal_text() {
    let env = Env::new();
    crate::parquet::write_fixture(&env, "in.parquet", 6);
    let args = [
        &AD[..],
        &["in.parquet", "-o", "out.parquet", "--log", "log.jsonl"],
    ];
    boilerstrip(&env, &args.concat());
    let entries = json_lines(&std::fs::read(env.path("log.jsonl")).unwrap());
    let ids: Vec<&str> = entries.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["0", "10", "20", "30", "50"], "row 5's text is null");
}

#[test]
fn parquet_without_an_id_column_names_rows_by_input_and_number() {
    let env = Env::new();
    write_rows(&env, "in.parquet");
    let args = [
        "--id-field",
        "missing",
        "--explain",
        "--color",
        "never",
        "in.parquet",
    ];
    let out = boilerstrip(&env, &[&AD[..], &args].concat());
    let explained = String::from_utf8(out.stdout).unwrap();
    assert!(
        explained.contains("==> in.parquet record 6 (url https://one.example/5) <=="),
        "{explained}"
    );
    let out = boilerstrip(
        &env,
        &[&AD[..], &["--explain", "--color", "never", "in.parquet"]].concat(),
    );
    let explained = String::from_utf8(out.stdout).unwrap();
    assert!(
        explained.contains("==> in.parquet record 3 (id c) <=="),
        "{explained}"
    );
}

#[test]
fn parquet_annotate_writes_dolma_attributes_line_for_line_with_the_rows() {
    let env = Env::new();
    write_rows(&env, "data/documents/shard.parquet");
    let annotate = [
        "annotate",
        "data/documents/shard.parquet",
        "-o",
        "attrs.jsonl",
    ];
    boilerstrip(&env, &[&annotate[..1], &AD[..], &annotate[1..]].concat());
    let written = std::fs::read(env.path("attrs.jsonl")).unwrap();
    let lines = json_lines(&written);
    let ids: Vec<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e", "f"], "a line for every row");
    assert_eq!(
        lines[0]["attributes"]["boilerstrip__ad"],
        serde_json::json!([[7, 21, 1.0]])
    );
    // Code points: "日本 😀 été\n" is 9 of them.
    assert_eq!(
        lines[2]["attributes"]["boilerstrip__ad"],
        serde_json::json!([[9, 23, 1.0]])
    );
    assert_eq!(lines[4]["attributes"], serde_json::json!({}), "null text");
    assert_eq!(
        lines[1]["attributes"]["boilerstrip__removed__fraction"],
        serde_json::json!([[0, 19, 0.0]])
    );

    // Without -o, beside the documents as dolma lays them out, named as JSONL.
    boilerstrip(
        &env,
        &[
            &["annotate"][..],
            &AD[..],
            &["data/documents/shard.parquet"],
        ]
        .concat(),
    );
    let beside = env.path("data/attributes/boilerstrip/shard.jsonl.gz");
    let mut unzipped = Vec::new();
    flate2::read::MultiGzDecoder::new(File::open(&beside).unwrap())
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_bytes_eq("the attributes beside the documents", &written, &unzipped);
}

#[test]
fn parquet_count_and_top_read_the_text_column_as_jsonl_would() {
    let env = Env::new();
    write_rows(&env, "in.parquet");
    write_jsonl(&env, "in.jsonl");
    for scope in ["corpus", "site"] {
        for input in ["in.parquet", "in.jsonl"] {
            let table = format!("{input}.{scope}.bsc");
            boilerstrip(&env, &["count", "--scope", scope, input, "-o", &table]);
        }
        let parquet = std::fs::read(env.path(&format!("in.parquet.{scope}.bsc"))).unwrap();
        let jsonl = std::fs::read(env.path(&format!("in.jsonl.{scope}.bsc"))).unwrap();
        assert_eq!(
            parquet, jsonl,
            "--scope {scope}: the same table byte for byte"
        );
    }
    let parquet = boilerstrip(&env, &["top", "in.parquet"]).stdout;
    let jsonl = boilerstrip(&env, &["top", "in.jsonl"]).stdout;
    assert_bytes_eq("top", &jsonl, &parquet);
    let top = String::from_utf8(parquet).unwrap();
    assert!(top.contains("Subscribe now"), "{top}");
}

#[test]
fn parquet_refuses_options_that_would_drop_rows_or_rewrite_records() {
    let env = Env::new();
    write_rows(&env, "in.parquet");
    env.write("ad.toml", AD_PACK);
    for (args, message) in [
        (
            &["--max-removed-share", "0.5"][..],
            "--max-removed-share is not supported for Parquet",
        ),
        (
            &["--max-removed-share", "0.5", "--rejects", "rejects.parquet"],
            "--rejects is not supported for Parquet",
        ),
        (
            &["--meta-field", "boilerstrip"],
            "--meta-field adds a field to JSONL records",
        ),
    ] {
        let out = run(env
            .cmd()
            .args(AD)
            .args(args)
            .args(["in.parquet", "-o", "out.parquet"]));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(!env.path("out.parquet").exists(), "{args:?}");
    }
}

#[test]
fn parquet_unreadable_row_groups_have_an_error_line_per_row_in_the_log_and_report() {
    let env = Env::new();
    let input = write_rows(&env, "in.parquet");
    let reader = SerializedFileReader::new(File::open(&input).unwrap()).unwrap();
    let (start, len) = reader.metadata().row_group(0).column(2).byte_range();
    let mut bytes = std::fs::read(&input).unwrap();
    for byte in &mut bytes[start as usize..(start + len) as usize] {
        *byte = 0xFF;
    }
    env.write("bad.parquet", &bytes);
    env.write("ad.toml", AD_PACK);
    let out = run(env
        .cmd()
        .args(AD)
        .args(["bad.parquet", "-o", "out.parquet", "--log", "log.jsonl"])
        .args(["--report", "report.html"]));
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let entries = json_lines(&std::fs::read(env.path("log.jsonl")).unwrap());
    let records: Vec<u64> = entries
        .iter()
        .map(|e| e["record"].as_u64().unwrap())
        .collect();
    assert_eq!(records, [1, 2, 3, 4, 6]);
    for entry in &entries[..4] {
        let error = entry["error"].as_str().unwrap();
        assert!(
            error.contains("bad.parquet: row group 0: cannot read column `text`"),
            "{error}"
        );
    }
    assert_eq!(entries[4]["id"], "f");
    assert!(entries[4].get("error").is_none());
    // The report lists each row of the unreadable row group as invalid, and the page
    // rebuilt from the log is the same.
    let page = std::fs::read_to_string(env.path("report.html")).unwrap();
    assert!(page.contains("<h3 id=\"invalid\">"), "{page}");
    for record in 1..=4 {
        assert!(page.contains(&format!("<b>bad.parquet</b> record {record}")));
    }
    let out = run(env
        .cmd()
        .args(["report", "log.jsonl", "-o", "rebuilt.html"]));
    assert!(out.status.success(), "{out:?}");
    assert!(std::fs::read_to_string(env.path("rebuilt.html")).unwrap() == page);
}

/// The text, id and URL columns may share a struct: the text is rebuilt alone, and the
/// struct's other children are copied as they were.
#[test]
fn parquet_text_and_url_in_one_struct_are_read_together_and_written_apart() {
    use arrow_array::StructArray;
    use arrow_array::cast::AsArray;
    use arrow_schema::Fields;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    let env = Env::new();
    let children = Fields::from(vec![
        Field::new("url", DataType::Utf8, true),
        Field::new("body", DataType::Utf8, true),
        Field::new("key", DataType::Utf8, true),
    ]);
    let schema = Arc::new(Schema::new(vec![Field::new(
        "meta",
        DataType::Struct(children.clone()),
        true,
    )]));
    let meta = StructArray::new(
        children,
        vec![
            Arc::new(StringArray::from_iter(ROWS.iter().map(|r| r.1))),
            Arc::new(StringArray::from_iter(ROWS.iter().map(|r| r.2))),
            Arc::new(StringArray::from_iter_values(ROWS.iter().map(|r| r.0))),
        ],
        None,
    );
    let batch = RecordBatch::try_new(schema, vec![Arc::new(meta)]).unwrap();
    let properties = WriterProperties::builder()
        .set_max_row_group_row_count(Some(4))
        .build();
    write_batch(&env.path("in.parquet"), &batch, properties);

    let args = [
        "--field",
        "meta.body",
        "--url-field",
        "meta.url",
        "--id-field",
        "meta.key",
        "in.parquet",
        "-o",
        "out.parquet",
        "--log",
        "log.jsonl",
    ];
    boilerstrip(&env, &[&AD[..], &args].concat());
    let entries = json_lines(&std::fs::read(env.path("log.jsonl")).unwrap());
    let ids: Vec<&str> = entries.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "f"]);
    assert_eq!(entries[3]["url"], "https://one.example/3");

    let read = |name: &str| -> Vec<RecordBatch> {
        ParquetRecordBatchReaderBuilder::try_new(File::open(env.path(name)).unwrap())
            .unwrap()
            .build()
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let (before, after) = (read("in.parquet"), read("out.parquet"));
    let mut bodies = Vec::new();
    for (old, new) in before.iter().zip(&after) {
        let (old, new) = (old.column(0).as_struct(), new.column(0).as_struct());
        assert_eq!(old.column(0), new.column(0), "url");
        assert_eq!(old.column(2), new.column(2), "key");
        bodies.extend(
            new.column(1)
                .as_string::<i32>()
                .iter()
                .map(|s| s.map(str::to_string)),
        );
    }
    let expected: Vec<Option<String>> = ROWS
        .iter()
        .map(|r| r.2.map(|t| t.replace("Advertisement\n", "")))
        .collect();
    assert_eq!(bodies, expected);
}
