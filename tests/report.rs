//! The review report (issue 15, item 5): `--report FILE` on text, JSONL and WET runs —
//! one self-contained page, the same whatever the thread count, its counts agreeing
//! with `--stats`, input escaped, written atomically and never over an input.

use crate::harness::{Env, repo, run};

const PACK: &str = "[[rule]]\nname = \"ad\"\nmarkers = [\"Advertisement\"]\nwhere = \"equals\"\n\
                    [[rule]]\nname = \"share\"\nmarkers = [\"Share this\"]\nwhere = \"equals\"\n";

/// A command with the test pack (written to `pack.toml`) in place of the default rules.
fn with_pack(env: &Env) -> assert_cmd::Command {
    env.write("pack.toml", PACK);
    let mut cmd = env.cmd();
    cmd.args(["--no-default-rules", "-r", "pack.toml"]);
    cmd
}

fn read(env: &Env, name: &str) -> String {
    std::fs::read_to_string(env.path(name)).unwrap()
}

/// A JSONL shard of `n` records, a few kinds of document in turn.
fn shard(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        let text = match i % 4 {
            0 => format!("Story {i} starts here.\nAdvertisement\nIt goes on.\nShare this\n"),
            1 => format!("Nothing to remove in {i}.\nNot here either.\n"),
            2 => "Advertisement\nShare this\n".to_string(),
            _ => format!("Para {i}.\n{}End.\n", "Advertisement\n".repeat(i % 7)),
        };
        let record = serde_json::json!({ "id": format!("d{i}"), "url": format!("https://e.org/{i}"), "text": text });
        out += &(record.to_string() + "\n");
    }
    out
}

#[test]
fn issue_15_report_is_the_same_page_on_any_number_of_threads() {
    let env = Env::new();
    // Over 4 MiB, so that the run spans several batches.
    env.write("in.jsonl", shard(60_000));
    let mut pages = Vec::new();
    for threads in ["1", "3"] {
        let name = format!("report-{threads}.html");
        let out = run(with_pack(&env).args([
            "in.jsonl",
            "-o",
            "out.jsonl",
            "-j",
            threads,
            "--report",
            &name,
        ]));
        assert!(out.status.success(), "{out:?}");
        pages.push(read(&env, &name));
    }
    assert!(
        pages[0] == pages[1],
        "the page differs between -j 1 and -j 3"
    );
    assert!(pages[0].len() < 200_000, "{}", pages[0].len());
    assert!(pages[0].contains("60,000 documents from 1 input"));
}

/// The page's row of each reason has the lines, bytes and documents `--stats` counted.
fn assert_reasons_agree(page: &str, stats: &serde_json::Value) {
    let reasons = stats["reasons"].as_object().expect("per-reason stats");
    assert_eq!(reasons.len(), 2);
    for (reason, counts) in reasons {
        let number = |key: &str| {
            let n = counts[key].as_u64().unwrap();
            // As the page writes it: with thousands separators.
            let digits = n.to_string();
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    out.push(',');
                }
                out.push(c);
            }
            out
        };
        let row = format!(
            "<tr class=\"reason-row\"><td><a href=\"#reason-{reason}\">{reason}</a></td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
            number("lines"),
            number("bytes"),
            number("documents")
        );
        assert!(page.contains(&row), "{row}\n{page}");
        assert!(page.contains(&format!("<h3 id=\"reason-{reason}\">")));
    }
}

#[test]
fn issue_15_report_counts_agree_with_stats_and_every_section_is_there() {
    let env = Env::new();
    env.write("in.jsonl", shard(200));
    let out = run(with_pack(&env).args([
        "in.jsonl",
        "--stats",
        "stats.json",
        "--report",
        "report.html",
    ]));
    assert!(out.status.success(), "{out:?}");
    let page = read(&env, "report.html");
    let stats: serde_json::Value = serde_json::from_str(&read(&env, "stats.json")).unwrap();
    for id in ["summary", "reasons", "histogram", "samples", "top"] {
        assert!(page.contains(&format!("<section id=\"{id}\">")), "{id}");
    }
    assert!(page.contains("<svg id=\"reason-chart\""));
    assert!(page.contains("<svg id=\"share-histogram\""));
    assert_reasons_agree(&page, &stats);
    // Samples are labelled with the record's id and URL, and show kept context.
    assert!(page.contains("id d"), "{page}");
    assert!(page.contains("url https://e.org/"));
    assert!(page.contains("<div class=\"l k\">"));
    assert!(page.contains("<del>Advertisement</del>"));
}

#[test]
fn issue_15_report_escapes_input_and_reads_text_and_wet() {
    let env = Env::new();
    env.write(
        "a.txt",
        "<script>alert(1)</script>\nAdvertisement\n---\n<b>bold</b>\nShare this\n",
    );
    std::fs::copy(
        repo().join("../shared/fixtures/whirlwind.warc.wet.gz"),
        env.path("w.wet.gz"),
    )
    .unwrap();
    let out = run(with_pack(&env).args([
        "--doc-separator",
        "---",
        "a.txt",
        "-o",
        "a.out.txt",
        "--report",
        "text.html",
    ]));
    assert!(out.status.success(), "{out:?}");
    let page = read(&env, "text.html");
    assert!(!page.contains("<script"));
    assert!(!page.contains("<b>bold"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("<b>a.txt</b> record 2 · line 2"), "{page}");
    let out = run(env
        .cmd()
        .args(["w.wet.gz", "-o", "w.out.gz", "--report", "wet.html"]));
    assert!(out.status.success(), "{out:?}");
    let page = read(&env, "wet.html");
    assert!(
        page.contains("id &lt;urn:uuid:"),
        "WARC-Record-ID labels the samples"
    );
    assert!(page.contains("url https://"));
    assert!(page.contains("class=\"l r"));
}

#[test]
fn issue_15_report_is_written_atomically_and_never_over_an_input() {
    let env = Env::new();
    env.write("in.jsonl", "{\"text\":\"a\\n\"}\nnot json\n");
    let out = run(env.cmd().args([
        "in.jsonl",
        "--on-invalid",
        "fail",
        "--report",
        "report.html",
    ]));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(!env.path("report.html").exists());
    assert_eq!(
        std::fs::read_dir(env.path("")).unwrap().count(),
        1,
        "no temporary file"
    );
    for (args, message) in [
        (
            &["in.jsonl", "-o", "x.jsonl", "--report", "x.jsonl"][..],
            "--report and -o",
        ),
        (
            &["in.jsonl", "--report", "in.jsonl"][..],
            "--report in.jsonl",
        ),
        (
            &["in.jsonl", "--report", "./in.jsonl"][..],
            "--report ./in.jsonl",
        ),
        (&["in.jsonl", "--report", "-"][..], "--report writes a file"),
    ] {
        let out = run(env.cmd().args(args));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    assert_eq!(read(&env, "in.jsonl"), "{\"text\":\"a\\n\"}\nnot json\n");
    // An invalid record is listed, and the run still writes its page.
    let out = run(env.cmd().args(["in.jsonl", "--report", "report.html"]));
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let page = read(&env, "report.html");
    assert!(page.contains("<h3 id=\"invalid\">"));
    assert!(page.contains("<b>in.jsonl</b> record 2"), "{page}");
}

/// `shard(n)` as a Parquet file with columns `id`, `url` and `text`, in row groups of
/// 700 rows, every 50th text null.
fn parquet_shard(env: &Env, name: &str, n: usize) {
    use arrow_array::{ArrayRef, RecordBatch, StringArray};
    use std::sync::Arc;
    let records: Vec<serde_json::Value> = shard(n)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let column = |key: &str| -> ArrayRef {
        Arc::new(StringArray::from_iter(records.iter().enumerate().map(
            |(i, record)| (key != "text" || i % 50 != 49).then(|| record[key].as_str().unwrap()),
        )))
    };
    let batch = RecordBatch::try_from_iter([
        ("id", column("id")),
        ("url", column("url")),
        ("text", column("text")),
    ])
    .unwrap();
    let properties = parquet::file::properties::WriterProperties::builder()
        .set_max_row_group_row_count(Some(700))
        .build();
    let file = std::fs::File::create(env.path(name)).unwrap();
    let mut writer =
        parquet::arrow::ArrowWriter::try_new(file, batch.schema(), Some(properties)).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}

#[test]
fn issue_15_report_reads_parquet_rows_on_any_thread_count_and_from_the_log() {
    let env = Env::new();
    parquet_shard(&env, "in.parquet", 3_000);
    let mut pages = Vec::new();
    for threads in ["1", "2"] {
        let page = format!("report-{threads}.html");
        let (stats, log) = (
            format!("stats-{threads}.json"),
            format!("log-{threads}.jsonl"),
        );
        let output = format!("out-{threads}.parquet");
        let out = run(with_pack(&env).args([
            "in.parquet",
            "-o",
            &output,
            "-j",
            threads,
            "--stats",
            &stats,
            "--log",
            &log,
            "--report",
            &page,
        ]));
        assert!(out.status.success(), "{out:?}");
        pages.push(read(&env, &page));
    }
    assert!(
        pages[0] == pages[1],
        "the page differs between -j 1 and -j 2"
    );
    let page = &pages[0];
    // Null texts are not documents, as in the log and the statistics.
    assert!(page.contains("2,940 documents from 1 input"), "{page}");
    let stats: serde_json::Value = serde_json::from_str(&read(&env, "stats-1.json")).unwrap();
    assert_eq!(stats["documents"].as_u64(), Some(2_940));
    assert_reasons_agree(page, &stats);
    // Rows are named as the log names them: their number across row groups, id and URL.
    assert!(page.contains("id d"), "{page}");
    assert!(page.contains("url https://e.org/"));
    assert!(page.contains("<del>Advertisement</del>"));
    // Row N (1-based) holds id d(N-1), whichever row group it is in.
    let labels: Vec<&str> = page.split("<b>in.parquet</b> record ").skip(1).collect();
    assert!(labels.len() > 10, "{page}");
    for label in labels {
        let (record, rest) = label.split_once(" · id d").expect("labelled with its id");
        let id: String = rest.chars().take_while(char::is_ascii_digit).collect();
        assert_eq!(
            record.parse::<u64>().unwrap(),
            id.parse::<u64>().unwrap() + 1
        );
    }
    assert!(page.contains("record 2") && page.contains("id d1"));
    let out = run(env
        .cmd()
        .args(["report", "log-1.jsonl", "-o", "rebuilt.html"]));
    assert!(out.status.success(), "{out:?}");
    assert!(
        read(&env, "rebuilt.html") == *page,
        "the page rebuilt from the log differs from the run's"
    );
    // Rebuilt from another file, the page names the row whose text differs.
    parquet_shard(&env, "in.parquet", 2_000);
    let out = run(env
        .cmd()
        .args(["report", "log-1.jsonl", "-o", "stale.html"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("in.parquet: document 2001: the file has no row 2001"),
        "{stderr}"
    );
    assert!(!env.path("stale.html").exists());
}

#[test]
fn issue_15_report_command_rebuilds_the_same_page_from_the_log() {
    let env = Env::new();
    env.write("pack.toml", PACK);
    env.write("in.jsonl", shard(300));
    env.write("notes.txt", "Kim.\nAdvertisement\n---\nfoo\nShare this\n");
    std::fs::copy(
        repo().join("../shared/fixtures/whirlwind.warc.wet.gz"),
        env.path("w.wet.gz"),
    )
    .unwrap();
    let out = run(env.cmd().args([
        "-r",
        "pack.toml",
        "--doc-separator",
        "---",
        "in.jsonl",
        "notes.txt",
        "w.wet.gz",
        "-o",
        "out/",
        "--log",
        "log.jsonl.gz",
        "--report",
        "run.html",
    ]));
    assert!(out.status.success(), "{out:?}");
    let out = run(env.cmd().args([
        "report",
        "log.jsonl.gz",
        "-o",
        "rebuilt.html",
        "--doc-separator",
        "---",
    ]));
    assert!(out.status.success(), "{out:?}");
    assert!(
        read(&env, "run.html") == read(&env, "rebuilt.html"),
        "the rebuilt page differs from the run's"
    );
}

#[test]
fn issue_15_report_command_names_an_input_that_changed_and_writes_nothing() {
    let env = Env::new();
    env.write("in.jsonl", shard(20));
    let out = run(with_pack(&env).args(["in.jsonl", "-o", "out.jsonl", "--log", "log.jsonl"]));
    assert!(out.status.success(), "{out:?}");
    // Record 3 gets a longer text.
    let changed: Vec<String> = shard(20)
        .lines()
        .enumerate()
        .map(|(i, line)| match i {
            2 => line.replace("Share this", "Share this, and more"),
            _ => line.to_string(),
        })
        .collect();
    env.write("in.jsonl", changed.join("\n") + "\n");
    let out = run(env.cmd().args(["report", "log.jsonl", "-o", "r.html"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("log.jsonl line 3: in.jsonl: line 3: the log says 25 bytes in 2 lines, the input has 35 bytes in 2 lines"), "{stderr}");
    assert!(!env.path("r.html").exists());
    // Fewer records than the log names.
    env.write("in.jsonl", shard(5));
    let out = run(env.cmd().args(["report", "log.jsonl", "-o", "r.html"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("log.jsonl line 6: in.jsonl:"), "{stderr}");
    assert!(stderr.contains("record 6 is past the end"), "{stderr}");
    for (args, message) in [
        (&["report", "log.jsonl", "-o", "log.jsonl"][..], "log.jsonl"),
        (&["report", "log.jsonl", "-o", "in.jsonl"][..], "in.jsonl"),
        (
            &["report", "missing.jsonl", "-o", "r.html"][..],
            "cannot read the removal log missing.jsonl",
        ),
    ] {
        let out = run(env.cmd().args(args));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    assert_eq!(read(&env, "in.jsonl"), shard(5));
    assert!(read(&env, "log.jsonl").starts_with("{\"input\":\"in.jsonl\""));
}

#[test]
fn issue_15_report_names_inputs_that_failed() {
    let env = Env::new();
    env.write("good.jsonl", shard(8));
    let out = run(with_pack(&env).args([
        "good.jsonl",
        "missing.jsonl",
        "-o",
        "out/",
        "--report",
        "report.html",
    ]));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let page = read(&env, "report.html");
    assert!(
        page.contains("<h3 id=\"failed\">Inputs that failed (1)"),
        "{page}"
    );
    assert!(
        page.contains("<li><b>missing.jsonl</b>: missing.jsonl: "),
        "{page}"
    );
    assert!(page.contains("8 documents from 1 input"));
}
