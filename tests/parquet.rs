//! Parquet through the binary (issue 15 item 6): the text column cleaned, every other
//! column chunk, the schema, the row groups and the key-value metadata kept; nested text
//! columns; the same bytes on any number of threads; and each kind of bad input with its
//! message, exit code and (for `-o`) no output that looks complete.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::Int32Type;
use arrow_array::{
    ArrayRef, DictionaryArray, Float64Array, Int64Array, RecordBatch, StringArray, StructArray,
};
use arrow_schema::{DataType, Field, Fields, Schema};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::{KeyValue, ParquetMetaData};
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{FileReader, SerializedFileReader};

use crate::harness::{Env, run};

const AD_PACK: &str =
    "[[rule]]\nname = \"ad\"\nmarkers = [\"Advertisement\"]\nwhere = \"equals\"\n";
const AD: [&str; 3] = ["--no-default-rules", "-r", "ad.toml"];
const HF: &str =
    r#"{"info": {"features": {"id": {"dtype": "int64"}, "text": {"dtype": "string"}}}}"#;

/// Row `i`'s text: every third one has an ad line, every fifth is null.
fn text(i: usize) -> Option<String> {
    match i % 5 {
        4 => None,
        _ if i.is_multiple_of(3) => Some(format!(
            "Story {i}, é and 漢字.\nAdvertisement\nMore of story {i}.\n"
        )),
        _ => Some(format!("Story {i} has nothing to remove.\n")),
    }
}

fn cleaned(i: usize) -> Option<String> {
    text(i).map(|t| t.replace("Advertisement\n", ""))
}

/// A file of `rows` rows in row groups of 4: `id`, `text`, a struct `meta` with a
/// nested `body` text, a list `tags`; zstd for `text`, snappy for the rest, and a
/// `huggingface` key.
pub(crate) fn write_fixture(env: &Env, name: &str, rows: usize) -> std::path::PathBuf {
    let meta_fields = Fields::from(vec![
        Field::new("body", DataType::Utf8, true),
        Field::new("score", DataType::Float64, false),
    ]);
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("text", DataType::Utf8, true),
        Field::new("meta", DataType::Struct(meta_fields.clone()), true),
        Field::new(
            "tags",
            DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
            true,
        ),
    ]));
    let mut tags = ListBuilder::new(StringBuilder::new());
    for i in 0..rows {
        tags.values().append_value(format!("tag{}", i % 7));
        tags.append(i % 2 == 0);
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from_iter_values(
            (0..rows).map(|i| i as i64 * 10),
        )),
        Arc::new(StringArray::from_iter((0..rows).map(text))),
        Arc::new(StructArray::new(
            meta_fields,
            vec![
                Arc::new(StringArray::from_iter((0..rows).map(|i| text(i + 3)))),
                Arc::new(Float64Array::from_iter_values(
                    (0..rows).map(|i| i as f64 / 3.0),
                )),
            ],
            None,
        )),
        Arc::new(tags.finish()),
    ];
    let batch = RecordBatch::try_new(schema, columns).unwrap();
    let properties = WriterProperties::builder()
        .set_max_row_group_row_count(Some(4))
        .set_compression(Compression::SNAPPY)
        .set_column_compression(
            "text".into(),
            Compression::ZSTD(ZstdLevel::try_new(3).unwrap()),
        )
        .set_key_value_metadata(Some(vec![KeyValue::new(
            "huggingface".into(),
            HF.to_string(),
        )]))
        .build();
    let path = env.path(name);
    write_batch(&path, &batch, properties);
    path
}

/// Writes `batch` to a Parquet file at `path`.
pub(crate) fn write_batch(path: &Path, batch: &RecordBatch, properties: WriterProperties) {
    let file = File::create(path).unwrap();
    let mut writer = ArrowWriter::try_new(file, batch.schema(), Some(properties)).unwrap();
    writer.write(batch).unwrap();
    writer.close().unwrap();
}

fn metadata(path: &Path) -> ParquetMetaData {
    let reader = SerializedFileReader::new(File::open(path).unwrap()).unwrap();
    reader.metadata().clone()
}

fn batches(path: &Path) -> Vec<RecordBatch> {
    ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap())
        .unwrap()
        .build()
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn strings(array: &ArrayRef) -> Vec<Option<String>> {
    array
        .as_string::<i32>()
        .iter()
        .map(|s| s.map(str::to_string))
        .collect()
}

/// The bytes of column chunk `column` of row group `group`.
fn chunk_bytes(path: &Path, group: usize, column: usize) -> Vec<u8> {
    let meta = metadata(path);
    let (start, len) = meta.row_group(group).column(column).byte_range();
    let bytes = std::fs::read(path).unwrap();
    bytes[start as usize..(start + len) as usize].to_vec()
}

fn clean(env: &Env, args: &[&str]) -> std::process::Output {
    env.write("ad.toml", AD_PACK);
    run(env.cmd().args(AD).args(args))
}

#[test]
fn parquet_text_is_cleaned_and_everything_else_is_kept() {
    let env = Env::new();
    let input = write_fixture(&env, "train-00000-of-00001.parquet", 10);
    let out = clean(
        &env,
        &[
            "train-00000-of-00001.parquet",
            "-o",
            "out.parquet",
            "--stats",
            "stats.json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let output = env.path("out.parquet");
    let (before, after) = (metadata(&input), metadata(&output));

    assert_eq!(
        before.file_metadata().schema_descr(),
        after.file_metadata().schema_descr()
    );
    let kv = after.file_metadata().key_value_metadata().unwrap();
    let hf = kv.iter().find(|kv| kv.key == "huggingface").unwrap();
    assert_eq!(hf.value.as_deref(), Some(HF));
    assert_eq!(before.num_row_groups(), 3);
    assert_eq!(after.num_row_groups(), 3);
    for group in 0..3 {
        let (a, b) = (before.row_group(group), after.row_group(group));
        assert_eq!(a.num_rows(), b.num_rows());
        for column in 0..a.num_columns() {
            assert_eq!(
                a.column(column).compression(),
                b.column(column).compression()
            );
            if column != 1 {
                assert_eq!(
                    chunk_bytes(&input, group, column),
                    chunk_bytes(&output, group, column),
                    "row group {group}, column {column} is copied byte for byte"
                );
            }
        }
    }

    let (old, new) = (batches(&input), batches(&output));
    let texts: Vec<_> = new.iter().flat_map(|b| strings(b.column(1))).collect();
    assert_eq!(texts, (0..10).map(cleaned).collect::<Vec<_>>());
    for (old, new) in old.iter().zip(&new) {
        assert_eq!(old.schema(), new.schema());
        for column in [0, 2, 3] {
            assert_eq!(old.column(column), new.column(column));
        }
    }
    let stats: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.path("stats.json")).unwrap()).unwrap();
    assert_eq!(stats["documents"], 8, "null texts are not documents");
    assert_eq!(stats["reasons"]["ad"]["lines"], 3);
}

/// The text column is written with what the input's had, no more: a dictionary,
/// statistics, a page index and a bloom filter only when the input's text chunk had
/// them (a writer's defaults would hash every text and keep min/max per page).
#[test]
fn parquet_text_keeps_the_inputs_dictionary_statistics_page_index_and_bloom_filter() {
    use parquet::file::properties::EnabledStatistics;
    let env = Env::new();
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("text", DataType::Utf8, true),
    ]));
    let batch = RecordBatch::try_new(
        Arc::clone(&schema),
        vec![
            Arc::new(Int64Array::from_iter_values(0..20)),
            Arc::new(StringArray::from_iter((0..20).map(text))),
        ],
    )
    .unwrap();
    let bare = WriterProperties::builder()
        .set_dictionary_enabled(false)
        .set_statistics_enabled(EnabledStatistics::Chunk)
        .set_offset_index_disabled(true);
    let full = WriterProperties::builder()
        .set_dictionary_enabled(true)
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_bloom_filter_enabled(true);
    for (name, properties) in [("bare", bare), ("full", full)] {
        let input = env.path(&format!("{name}.parquet"));
        let properties = properties.set_max_row_group_row_count(Some(8)).build();
        let file = File::create(&input).unwrap();
        let mut writer = ArrowWriter::try_new(file, Arc::clone(&schema), Some(properties)).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        let output = format!("{name}-out.parquet");
        let out = clean(&env, &[&format!("{name}.parquet"), "-o", &output]);
        assert!(out.status.success(), "{out:?}");
        let (before, after) = (metadata(&input), metadata(&env.path(&output)));
        let texts: Vec<_> = batches(&env.path(&output))
            .iter()
            .flat_map(|b| strings(b.column(1)))
            .collect();
        assert_eq!(texts, (0..20).map(cleaned).collect::<Vec<_>>());
        for group in 0..before.num_row_groups() {
            let (a, b) = (
                before.row_group(group).column(1),
                after.row_group(group).column(1),
            );
            let dictionary = |c: &parquet::file::metadata::ColumnChunkMetaData| {
                c.dictionary_page_offset().is_some()
            };
            let what = format!("{name}, row group {group}");
            assert_eq!(dictionary(a), name == "full", "{what}");
            assert_eq!(dictionary(b), dictionary(a), "{what}: dictionary");
            assert!(b.statistics().is_some(), "{what}");
            assert_eq!(
                b.column_index_offset().is_some(),
                a.column_index_offset().is_some(),
                "{what}: column index"
            );
            assert_eq!(
                b.offset_index_offset().is_some(),
                a.offset_index_offset().is_some(),
                "{what}: offset index"
            );
            assert_eq!(
                b.bloom_filter_offset().is_some(),
                a.bloom_filter_offset().is_some(),
                "{what}: bloom filter"
            );
            assert_eq!(a.bloom_filter_offset().is_some(), name == "full", "{what}");
        }
    }
}

#[test]
fn parquet_output_is_the_same_on_any_number_of_threads() {
    let env = Env::new();
    write_fixture(&env, "in.parquet", 41);
    let mut outputs = Vec::new();
    for threads in ["1", "2", "3"] {
        let name = format!("out-{threads}.parquet");
        let out = clean(&env, &["-j", threads, "in.parquet", "-o", &name]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        outputs.push(std::fs::read(env.path(&name)).unwrap());
    }
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0], outputs[2]);
    let texts: Vec<_> = batches(&env.path("out-1.parquet"))
        .iter()
        .flat_map(|b| strings(b.column(1)))
        .collect();
    assert_eq!(texts, (0..41).map(cleaned).collect::<Vec<_>>());
}

#[test]
fn parquet_nested_text_columns_are_reached_through_structs() {
    let env = Env::new();
    let input = write_fixture(&env, "in.parquet", 9);
    let out = clean(
        &env,
        &["--field", "meta.body", "in.parquet", "-o", "out.parquet"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (old, new) = (batches(&input), batches(&env.path("out.parquet")));
    let bodies: Vec<_> = new
        .iter()
        .flat_map(|b| strings(b.column(2).as_struct().column(0)))
        .collect();
    assert_eq!(bodies, (0..9).map(|i| cleaned(i + 3)).collect::<Vec<_>>());
    for (old, new) in old.iter().zip(&new) {
        assert_eq!(
            old.column(1),
            new.column(1),
            "the top-level text is untouched"
        );
        assert_eq!(
            old.column(2).as_struct().column(1),
            new.column(2).as_struct().column(1)
        );
    }
}

#[test]
fn parquet_is_told_by_its_magic_bytes_and_explained() {
    let env = Env::new();
    write_fixture(&env, "shard-00", 4);
    let out = clean(&env, &["shard-00", "-o", "cleaned"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(metadata(&env.path("cleaned")).file_metadata().num_rows(), 4);

    let out = clean(
        &env,
        &["--explain", "--color", "never", "-f", "parquet", "shard-00"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let explained = String::from_utf8(out.stdout).unwrap();
    assert!(
        explained.contains("ad") && explained.contains("Advertisement"),
        "{explained}"
    );
    assert!(explained.contains("Story 1 has nothing"), "{explained}");
}

#[test]
fn parquet_dictionary_text_is_cleaned_and_stays_a_dictionary() {
    // A pandas `category` column: strings, dictionary-encoded in Arrow.
    let env = Env::new();
    let rows = 10;
    let inputs: Vec<Option<String>> = (0..rows).map(text).collect();
    let dictionary: DictionaryArray<Int32Type> = inputs.iter().map(Option::as_deref).collect();
    let schema = Arc::new(Schema::new(vec![Field::new(
        "text",
        arrow_array::Array::data_type(&dictionary).clone(),
        true,
    )]));
    let batch = RecordBatch::try_new(schema, vec![Arc::new(dictionary)]).unwrap();
    let properties = WriterProperties::builder()
        .set_max_row_group_row_count(Some(4))
        .build();
    write_batch(&env.path("category.parquet"), &batch, properties);
    let out = clean(&env, &["category.parquet", "-o", "out.parquet"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut texts = Vec::new();
    for batch in batches(&env.path("out.parquet")) {
        let column = batch.column(0);
        let dictionary = column
            .as_any()
            .downcast_ref::<DictionaryArray<Int32Type>>()
            .unwrap_or_else(|| panic!("{}", column.data_type()));
        let values = dictionary.downcast_dict::<StringArray>().unwrap();
        texts.extend(values.into_iter().map(|s| s.map(str::to_string)));
    }
    assert_eq!(texts, (0..rows).map(cleaned).collect::<Vec<_>>());
}

#[test]
fn parquet_mistakes_are_named_and_leave_no_output() {
    let env = Env::new();
    write_fixture(&env, "in.parquet", 6);
    env.write("fake.parquet", "id,text\n1,hello\n");
    for (args, message) in [
        (
            &["fake.parquet"][..],
            "fake.parquet: start of input: not a Parquet file",
        ),
        (
            &["--field", "body", "in.parquet"],
            "in.parquet: Parquet has no column `body` (--field); its columns are: id, text, meta.body, meta.score, tags.list.item",
        ),
        (
            &["--field", "id", "in.parquet"],
            "in.parquet: Parquet column `id` holds Int64, not strings",
        ),
        (
            &["--field", "tags.list.item", "in.parquet"],
            "is inside a list",
        ),
        (
            &["--drop-empty", "in.parquet"],
            "--drop-empty is not supported for Parquet",
        ),
    ] {
        let out = clean(&env, &[args, &["-o", "out.parquet"]].concat());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(!env.path("out.parquet").exists(), "{args:?}");
    }
    let out = run(env
        .cmd()
        .arg("-f")
        .arg("parquet")
        .write_stdin(std::fs::read(env.path("in.parquet")).unwrap()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("<stdin>: start of input: Parquet is read from a file"),
        "{stderr}"
    );
}

#[test]
fn parquet_corrupt_row_groups_are_named_and_passed_skipped_or_fatal() {
    let env = Env::new();
    let input = write_fixture(&env, "in.parquet", 10);
    let (start, len) = metadata(&input).row_group(1).column(1).byte_range();
    let mut bytes = std::fs::read(&input).unwrap();
    for byte in &mut bytes[start as usize..(start + len) as usize] {
        *byte = 0xFF;
    }
    std::fs::write(env.path("bad.parquet"), &bytes).unwrap();

    let out = clean(
        &env,
        &["--on-invalid", "fail", "bad.parquet", "-o", "out.parquet"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("bad.parquet: row group 1: cannot read column `text`"),
        "{stderr}"
    );
    assert!(!env.path("out.parquet").exists());

    let out = clean(&env, &["bad.parquet", "-o", "out.parquet"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("bad.parquet: row group 1: cannot read column `text`"),
        "{stderr}"
    );
    let output = env.path("out.parquet");
    assert_eq!(metadata(&output).num_row_groups(), 3);
    assert_eq!(
        chunk_bytes(&env.path("bad.parquet"), 1, 1),
        chunk_bytes(&output, 1, 1)
    );
    for group in [0, 2] {
        let rows = group * 4..(group * 4 + 4).min(10);
        assert_eq!(
            strings(&text_of(&output, group)),
            rows.map(cleaned).collect::<Vec<_>>()
        );
    }

    let out = clean(
        &env,
        &[
            "--on-invalid",
            "skip",
            "bad.parquet",
            "-o",
            "skipped.parquet",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let skipped = metadata(&env.path("skipped.parquet"));
    assert_eq!(skipped.num_row_groups(), 2);
    assert_eq!(skipped.file_metadata().num_rows(), 6);
}

/// The text column of row group `group`.
fn text_of(path: &Path, group: usize) -> ArrayRef {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
    let mut reader = builder.with_row_groups(vec![group]).build().unwrap();
    Arc::clone(reader.next().unwrap().unwrap().column(1))
}

#[test]
fn parquet_files_are_not_concatenated_on_standard_output() {
    let env = Env::new();
    write_fixture(&env, "a.parquet", 2);
    write_fixture(&env, "b.parquet", 2);
    let out = clean(&env, &["a.parquet", "b.parquet"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be concatenated"));
    let out = clean(&env, &["a.parquet"]);
    assert!(out.status.success());
    std::fs::write(env.path("piped.parquet"), &out.stdout).unwrap();
    let texts: Vec<_> = batches(&env.path("piped.parquet"))
        .iter()
        .flat_map(|b| strings(b.column(1)))
        .collect();
    assert_eq!(texts, (0..2).map(cleaned).collect::<Vec<_>>());
}
