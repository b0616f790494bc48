//! Parquet shards, I/O only: opens a file by its footer, finds the text column, decodes
//! that one column of a row group, encodes its replacement, and writes a file with the
//! same schema, key-value metadata and row groups in which every other column chunk is
//! copied byte for byte. Cleaning, and the threads, are the pipeline's job.
//!
//! A Parquet file is read from its end (the footer holds the schema and where each row
//! group's column chunks are), so it must be a file, not a stream. Each row group
//! becomes one row group of the output, with the same rows in the same order:
//!
//! 1. [`ParquetInput::read_batches`] decodes the text column of one row group in
//!    batches of a few MiB of text (on any thread; each call reads the file through its
//!    own handle), with the id and URL columns when asked for
//!    ([`ParquetInput::with_identity`]);
//! 2. a [`ColumnEncoder`] from [`TextEncoder::column`] takes the cleaned texts of each
//!    batch as they come, and encodes and compresses them into the row group's new text
//!    chunk (also on any thread), so that a row group is never held decoded whole;
//! 3. [`ParquetWriter::write_row_group`] writes the row group, in input order: the new
//!    text chunk, and every other chunk copied from the input without decoding it, so
//!    its encoding, compression and statistics stay what they were.
//!
//! [`RowTexts`] reads texts again by row number, for the review report's few shown
//! documents and its rebuild from a removal log.

use std::borrow::Cow;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{LargeStringBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch, StructArray};
use arrow_schema::{DataType, Field, FieldRef, Fields};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReader,
    ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::arrow_writer::{
    ArrowColumnChunk, ArrowColumnWriter, ArrowRowGroupWriterFactory, compute_leaves,
};
use parquet::basic::{Compression, Encoding};
use parquet::column::writer::ColumnCloseResult;
use parquet::errors::ParquetError;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::writer::SerializedFileWriter;

use super::Place;
use super::jsonl::FieldPath;
use crate::error::{Error, Result};

/// The four bytes a Parquet file starts (and ends) with.
pub const MAGIC: &[u8; 4] = b"PAR1";

/// True if the file at `path` starts with the Parquet magic bytes (`PAR1`). A file that
/// cannot be read is not said to be Parquet; opening it reports why.
pub fn is_parquet_file(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0; 4];
    File::open(path)
        .and_then(|mut file| file.read_exact(&mut head))
        .is_ok_and(|()| &head == MAGIC)
}

/// An opened Parquet file: its footer, and which columns hold the text, the ids and the
/// URLs.
#[derive(Debug)]
pub struct ParquetInput {
    /// Read by the writer only: handles from `try_clone` share one file offset, so each
    /// decoding thread opens `path` anew.
    file: File,
    path_on_disk: std::path::PathBuf,
    origin: String,
    metadata: ArrowReaderMetadata,
    /// The footer with the text column read as string views, which point into the
    /// decompressed pages instead of copying every text once more; the writer keeps
    /// `metadata`'s schema.
    read_metadata: ArrowReaderMetadata,
    /// The text column.
    text: Column,
    /// The id column (`--id-field`), when the file has one that holds strings or
    /// integers.
    id: Option<Column>,
    /// The URL column (`--url-field`), when the file has one that holds strings.
    url: Option<Column>,
    /// The 0-based number of the first row of each row group, and of the row after the
    /// last.
    first_rows: Vec<u64>,
}

/// A leaf column outside lists: its index among the leaves, and where it is (the
/// top-level field, then struct children by name).
#[derive(Debug, Clone)]
struct Column {
    leaf: usize,
    path: Vec<String>,
}

/// Rows of one row group, decoded: the text column, and the ids and URLs when asked for.
#[derive(Debug)]
pub struct TextBatch {
    /// The top-level column the text is in, holding only the path to the text leaf.
    root: ArrayRef,
    /// Its field.
    field: FieldRef,
    /// The texts, one per row (`None`: null).
    leaf: ArrayRef,
    /// The struct children from `root` down to `leaf`, by name.
    path: Vec<String>,
    ids: Option<ArrayRef>,
    urls: Option<ArrayRef>,
    /// The 0-based number in the file of the batch's first row.
    first_row: u64,
}

/// The batches of one row group ([`ParquetInput::read_batches`]).
pub struct TextBatches<'a> {
    input: &'a ParquetInput,
    index: usize,
    reader: ParquetRecordBatchReader,
    /// Rows still expected, and the number of the next one.
    left: usize,
    next_row: u64,
}

/// A replacement text column, encoded and compressed, for one row group.
pub struct EncodedText {
    chunk: ArrowColumnChunk,
    rows: usize,
}

impl ParquetInput {
    /// Opens `path` (named `origin` in errors) and finds the string column `field` (a
    /// dotted path reaches into struct columns). Fails, naming the file, when it is not
    /// a Parquet file, when the column is missing, not a string, or inside a list.
    pub fn open(path: &Path, origin: &str, field: &FieldPath) -> Result<ParquetInput> {
        let path_on_disk = path.to_path_buf();
        let file = File::open(path).map_err(|err| Error::io(origin, err))?;
        let metadata = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new())
            .map_err(|err| not_parquet(origin, &err))?;
        let path: Vec<String> = field.to_string().split('.').map(str::to_string).collect();
        let schema = metadata.parquet_schema();
        let leaf = (0..schema.num_columns())
            .find(|&i| schema.column(i).path().parts() == path.as_slice())
            .ok_or_else(|| {
                let names: Vec<String> = (0..schema.num_columns())
                    .map(|i| schema.column(i).path().string())
                    .collect();
                Error::config(format!(
                    "{origin}: Parquet has no column `{field}` (--field); its columns are: {}",
                    names.join(", ")
                ))
            })?;
        let column = schema.column(leaf);
        if column.max_rep_level() > 0 {
            return Err(Error::config(format!(
                "{origin}: Parquet column `{field}` is inside a list; only a string column \
                 at the top level or inside structs can be cleaned"
            )));
        }
        let mut first_rows = vec![0];
        for group in metadata.metadata().row_groups() {
            let rows = u64::try_from(group.num_rows()).unwrap_or(0);
            first_rows.push(first_rows.last().copied().unwrap_or(0) + rows);
        }
        let input = ParquetInput {
            file,
            path_on_disk,
            origin: origin.to_string(),
            read_metadata: as_views(&metadata, &path),
            metadata,
            text: Column { leaf, path },
            id: None,
            url: None,
            first_rows,
        };
        let data_type = input.leaf_field(&input.text.path)?.data_type().clone();
        if !is_string(&data_type) {
            return Err(Error::config(format!(
                "{origin}: Parquet column `{field}` holds {data_type}, not strings; \
                 name the text column with --field"
            )));
        }
        Ok(input)
    }

    /// Also reads, beside the text, the id column `id` (strings or integers; a number's
    /// id is its decimal text) and the URL column `url` (strings), each when given and
    /// when the file has such a column outside lists. A column that is missing or of
    /// another type gives no ids (the audit views then name a row `INPUT:ROW`) or no
    /// URLs, as a JSONL record without the field does.
    pub fn with_identity(mut self, id: Option<&FieldPath>, url: Option<&FieldPath>) -> Self {
        self.id = id.and_then(|field| self.find(field, |t| is_string(t) || is_integer(t)));
        self.url = url.and_then(|field| self.find(field, is_string));
        self
    }

    /// The leaf column at `field`, outside lists and of a type `accept` takes.
    fn find(&self, field: &FieldPath, accept: fn(&DataType) -> bool) -> Option<Column> {
        let path: Vec<String> = field.to_string().split('.').map(str::to_string).collect();
        let schema = self.metadata.parquet_schema();
        let leaf = (0..schema.num_columns())
            .find(|&i| schema.column(i).path().parts() == path.as_slice())?;
        if leaf == self.text.leaf || schema.column(leaf).max_rep_level() > 0 {
            return None;
        }
        let accepted = self
            .leaf_field(&path)
            .is_ok_and(|field| accept(field.data_type()));
        accepted.then_some(Column { leaf, path })
    }

    /// The name of the input, as given.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// How many row groups the file has.
    pub fn row_groups(&self) -> usize {
        self.metadata.metadata().num_row_groups()
    }

    /// How many rows row group `index` has.
    pub fn rows(&self, index: usize) -> usize {
        let rows = self.metadata.metadata().row_group(index).num_rows();
        usize::try_from(rows).unwrap_or(0)
    }

    /// The 0-based number in the file of the first row of row group `index`.
    pub fn first_row(&self, index: usize) -> u64 {
        self.first_rows[index]
    }

    /// The compressed size of row group `index` in the file, in bytes.
    pub fn compressed_size(&self, index: usize) -> u64 {
        let size = self.metadata.metadata().row_group(index).compressed_size();
        u64::try_from(size).unwrap_or(0)
    }

    /// The file's key-value metadata (e.g. `huggingface`, `ARROW:schema`).
    pub fn key_value_metadata(&self) -> &[KeyValue] {
        self.metadata
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .map_or(&[], Vec::as_slice)
    }

    /// The Arrow field of the leaf at `path`.
    fn leaf_field(&self, path: &[String]) -> Result<&FieldRef> {
        leaf_in(self.metadata.schema().fields(), path).ok_or_else(|| {
            Error::config(format!(
                "{}: Parquet column `{}` is not a column reached through structs",
                self.origin,
                path.join(".")
            ))
        })
    }

    /// Starts decoding row group `index` in batches of about `batch_bytes` of text
    /// (at least one row each; the size is judged from the text chunk's uncompressed
    /// size). Fails, naming the file and the row group, when the row group cannot be
    /// read; each batch may fail the same way (a corrupt or truncated file, an
    /// unsupported compression).
    pub fn read_batches(&self, index: usize, batch_bytes: usize) -> Result<TextBatches<'_>> {
        let place = Place::RowGroup(index as u64);
        let file = File::open(&self.path_on_disk).map_err(|err| Error::io(&self.origin, err))?;
        let schema = self.metadata.parquet_schema();
        let rows = self.rows(index);
        let text_bytes = self
            .metadata
            .metadata()
            .row_group(index)
            .column(self.text.leaf)
            .uncompressed_size();
        let text_bytes = usize::try_from(text_bytes).unwrap_or(0).max(1);
        let batch_rows = (rows as u128 * batch_bytes as u128 / text_bytes as u128)
            .clamp(1, rows.max(1) as u128) as usize;
        let leaves = [Some(&self.text), self.id.as_ref(), self.url.as_ref()]
            .into_iter()
            .flatten()
            .map(|column| column.leaf);
        let reader =
            ParquetRecordBatchReaderBuilder::new_with_metadata(file, self.read_metadata.clone())
                .with_row_groups(vec![index])
                .with_projection(ProjectionMask::leaves(schema, leaves))
                .with_batch_size(batch_rows)
                .build()
                .map_err(|err| self.bad_row_group(place, &err.to_string()))?;
        Ok(TextBatches {
            input: self,
            index,
            reader,
            left: rows,
            next_row: self.first_row(index),
        })
    }

    /// The batch of `batch`'s rows.
    fn text_batch(&self, batch: &RecordBatch, place: Place, first_row: u64) -> Result<TextBatch> {
        let bad = |reason: &str| self.bad_row_group(place, reason);
        let root_of = |path: &[String]| -> Option<(ArrayRef, FieldRef)> {
            let at = batch.schema().index_of(&path[0]).ok()?;
            Some((
                Arc::clone(batch.column(at)),
                Arc::clone(&batch.schema().fields()[at]),
            ))
        };
        let shape = "the text column has another shape";
        let (root, field) = root_of(&self.text.path).ok_or_else(|| bad(shape))?;
        let path = self.text.path[1..].to_vec();
        let leaf = leaf_of(&root, &path).ok_or_else(|| bad(shape))?;
        let (root, field) =
            with_leaf(&root, &field, &path, Arc::clone(&leaf)).ok_or_else(|| bad(shape))?;
        let other = |column: &Option<Column>| {
            let column = column.as_ref()?;
            let (root, _) = root_of(&column.path)?;
            leaf_of(&root, &column.path[1..])
        };
        Ok(TextBatch {
            root,
            field,
            leaf,
            path,
            ids: other(&self.id),
            urls: other(&self.url),
            first_row,
        })
    }

    fn bad_row_group(&self, place: Place, reason: &str) -> Error {
        Error::input(
            &self.origin,
            place,
            format!(
                "cannot read column `{}`: {reason}",
                self.text.path.join(".")
            ),
        )
    }
}

impl Iterator for TextBatches<'_> {
    type Item = Result<TextBatch>;

    fn next(&mut self) -> Option<Result<TextBatch>> {
        let place = Place::RowGroup(self.index as u64);
        let input = self.input;
        let batch = match self.reader.next() {
            Some(Ok(batch)) => batch,
            Some(Err(err)) => {
                self.left = 0;
                return Some(Err(input.bad_row_group(place, &err.to_string())));
            }
            None if self.left > 0 => {
                let left = std::mem::take(&mut self.left);
                let reason = format!("{left} rows missing from the text column");
                return Some(Err(input.bad_row_group(place, &reason)));
            }
            None => return None,
        };
        if batch.num_rows() > self.left {
            self.left = 0;
            return Some(Err(input.bad_row_group(place, "more texts than rows")));
        }
        let first_row = self.next_row;
        self.left -= batch.num_rows();
        self.next_row += batch.num_rows() as u64;
        Some(input.text_batch(&batch, place, first_row))
    }
}

/// Texts of a Parquet file read again by row number, forward only, one batch decoded at
/// a time: for the views that show a few documents after they were cleaned (the review
/// report), so that no text is held for the documents they do not show.
pub struct RowTexts<'a> {
    input: &'a ParquetInput,
    batch_bytes: usize,
    /// The row group being read, and its batches.
    group: Option<(usize, TextBatches<'a>)>,
    batch: Option<TextBatch>,
}

impl<'a> RowTexts<'a> {
    /// Reads `input` in batches of about `batch_bytes` of text.
    pub fn new(input: &'a ParquetInput, batch_bytes: usize) -> RowTexts<'a> {
        RowTexts {
            input,
            batch_bytes,
            group: None,
            batch: None,
        }
    }

    /// The batch that holds row `row` (0-based in the file) and the row's index in it;
    /// `None` when the file has fewer rows. Rows must be asked for in ascending order:
    /// an earlier row than the last one asked for is an error, as is a row group that
    /// cannot be read.
    pub fn batch_of(&mut self, row: u64) -> Result<Option<(&TextBatch, usize)>> {
        let input = self.input;
        let Some(group) = input.first_rows.windows(2).position(|w| w[1] > row) else {
            return Ok(None);
        };
        let behind = |batch: &TextBatch| batch.first_row() + batch.len() as u64 <= row;
        if let Some(batch) = &self.batch
            && batch.first_row() > row
        {
            return Err(Error::input(
                &input.origin,
                Place::RowGroup(group as u64),
                format!(
                    "row {} asked for after row {}",
                    row + 1,
                    batch.first_row() + 1
                ),
            ));
        }
        if self.group.as_ref().is_none_or(|(at, _)| *at != group) {
            self.group = Some((group, input.read_batches(group, self.batch_bytes)?));
            self.batch = None;
        }
        while self.batch.as_ref().is_none_or(behind) {
            let Some((_, batches)) = &mut self.group else {
                return Ok(None);
            };
            match batches.next() {
                Some(batch) => self.batch = Some(batch?),
                None => {
                    let reason = format!("no row {} in the text column", row + 1);
                    return Err(input.bad_row_group(Place::RowGroup(group as u64), &reason));
                }
            }
        }
        Ok(self.batch.as_ref().map(|batch| {
            let index = usize::try_from(row - batch.first_row()).unwrap_or(usize::MAX);
            (batch, index)
        }))
    }

    /// The text of row `row` (0-based in the file), as [`RowTexts::batch_of`] finds it;
    /// `Ok(None)` for a null or a row past the end.
    pub fn text(&mut self, row: u64) -> Result<Option<&str>> {
        Ok(self
            .batch_of(row)?
            .and_then(|(batch, index)| batch.text(index)))
    }

    /// How many rows the file has.
    pub fn rows(&self) -> u64 {
        self.input.first_rows.last().copied().unwrap_or(0)
    }
}

/// `metadata` with the string column at `path` read as string views; as it is when
/// the reader does not take that.
fn as_views(metadata: &ArrowReaderMetadata, path: &[String]) -> ArrowReaderMetadata {
    let fields = retyped(metadata.schema().fields(), path, &DataType::Utf8View);
    let schema =
        arrow_schema::Schema::new_with_metadata(fields, metadata.schema().metadata().clone());
    let options = ArrowReaderOptions::new().with_schema(Arc::new(schema));
    ArrowReaderMetadata::try_new(Arc::clone(metadata.metadata()), options)
        .unwrap_or_else(|_| metadata.clone())
}

/// `fields` with the field at `path` (struct children by name) of type `data_type`.
fn retyped(fields: &Fields, path: &[String], data_type: &DataType) -> Fields {
    let Some((name, rest)) = path.split_first() else {
        return fields.clone();
    };
    fields
        .iter()
        .map(|field| {
            if field.name() != name {
                return Arc::clone(field);
            }
            let new_type = match (rest, field.data_type()) {
                ([], _) => data_type.clone(),
                (rest, DataType::Struct(children)) => {
                    DataType::Struct(retyped(children, rest, data_type))
                }
                (_, other) => other.clone(),
            };
            Arc::new(field.as_ref().clone().with_data_type(new_type))
        })
        .collect()
}

/// True for strings, also dictionary-encoded (a pandas `category` column): both are read
/// as string views.
fn is_string(data_type: &DataType) -> bool {
    match data_type {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, values) => is_string(values),
        _ => false,
    }
}

fn is_integer(data_type: &DataType) -> bool {
    data_type.is_integer()
}

/// The field at `path` (struct children by name) among `fields`.
fn leaf_in<'a>(fields: &'a Fields, path: &[String]) -> Option<&'a FieldRef> {
    let (name, rest) = path.split_first()?;
    let field = fields.iter().find(|field| field.name() == name)?;
    match (rest, field.data_type()) {
        ([], _) => Some(field),
        (rest, DataType::Struct(children)) => leaf_in(children, rest),
        _ => None,
    }
}

/// The array at `path` (struct children by name) below `root`.
fn leaf_of(root: &ArrayRef, path: &[String]) -> Option<ArrayRef> {
    let Some((name, rest)) = path.split_first() else {
        return Some(Arc::clone(root));
    };
    let child = root.as_struct_opt()?.column_by_name(name)?;
    leaf_of(child, rest)
}

/// `root` holding only the structs on `path` and `leaf` at its end, and the field
/// describing it: the shape the text column's writer takes, whatever else was read
/// beside it in the same structs.
fn with_leaf(
    root: &ArrayRef,
    field: &FieldRef,
    path: &[String],
    leaf: ArrayRef,
) -> Option<(ArrayRef, FieldRef)> {
    let Some((name, rest)) = path.split_first() else {
        let field = Field::new(field.name(), leaf.data_type().clone(), field.is_nullable())
            .with_metadata(field.metadata().clone());
        return Some((leaf, Arc::new(field)));
    };
    let parent = root.as_struct_opt()?;
    let DataType::Struct(children) = field.data_type() else {
        return None;
    };
    let at = children.iter().position(|child| child.name() == name)?;
    let (array, child) = with_leaf(parent.column(at), &children[at], rest, leaf)?;
    let fields = Fields::from(vec![child]);
    let rebuilt =
        StructArray::try_new(fields.clone(), vec![array], parent.nulls().cloned()).ok()?;
    let field = Field::new(field.name(), DataType::Struct(fields), field.is_nullable())
        .with_metadata(field.metadata().clone());
    Some((Arc::new(rebuilt), Arc::new(field)))
}

impl TextBatch {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.leaf.len()
    }

    /// True if the batch has no rows.
    pub fn is_empty(&self) -> bool {
        self.leaf.is_empty()
    }

    /// The 0-based number in the file of the batch's first row.
    pub fn first_row(&self) -> u64 {
        self.first_row
    }

    /// The text of row `row`; `None` for a null.
    pub fn text(&self, row: usize) -> Option<&str> {
        string_at(&self.leaf, row)
    }

    /// The id of row `row`: a string as it is, an integer in decimal; `None` when the
    /// file has no id column (see [`ParquetInput::with_identity`]) or the row's is null.
    pub fn id(&self, row: usize) -> Option<Cow<'_, str>> {
        let ids = self.ids.as_ref()?;
        if let Some(id) = string_at(ids, row) {
            return Some(Cow::Borrowed(id));
        }
        if ids.is_null(row) {
            return None;
        }
        let id = match ids.data_type() {
            DataType::Int8 => ids.as_primitive::<Int8Type>().value(row).to_string(),
            DataType::Int16 => ids.as_primitive::<Int16Type>().value(row).to_string(),
            DataType::Int32 => ids.as_primitive::<Int32Type>().value(row).to_string(),
            DataType::Int64 => ids.as_primitive::<Int64Type>().value(row).to_string(),
            DataType::UInt8 => ids.as_primitive::<UInt8Type>().value(row).to_string(),
            DataType::UInt16 => ids.as_primitive::<UInt16Type>().value(row).to_string(),
            DataType::UInt32 => ids.as_primitive::<UInt32Type>().value(row).to_string(),
            DataType::UInt64 => ids.as_primitive::<UInt64Type>().value(row).to_string(),
            _ => return None,
        };
        Some(Cow::Owned(id))
    }

    /// The URL of row `row`; `None` when the file has no URL column or the row's is null.
    pub fn url(&self, row: usize) -> Option<&str> {
        string_at(self.urls.as_ref()?, row)
    }

    /// A builder of the new texts of `rows` of this batch, sized for them.
    pub fn builder(&self, rows: std::ops::Range<usize>) -> TextBuilder {
        let bytes: usize = rows
            .clone()
            .filter_map(|row| self.text(row))
            .map(str::len)
            .sum();
        // 32-bit offsets when they can hold the texts; the writer takes either.
        if i32::try_from(bytes).is_ok() {
            TextBuilder::Small(StringBuilder::with_capacity(rows.len(), bytes))
        } else {
            TextBuilder::Large(LargeStringBuilder::with_capacity(rows.len(), bytes))
        }
    }
}

/// The string at `row` of a string array; `None` for a null or another type.
fn string_at(array: &ArrayRef, row: usize) -> Option<&str> {
    if array.is_null(row) {
        return None;
    }
    match array.data_type() {
        DataType::Utf8 => Some(array.as_string::<i32>().value(row)),
        DataType::LargeUtf8 => Some(array.as_string::<i64>().value(row)),
        DataType::Utf8View => Some(array.as_string_view().value(row)),
        _ => None,
    }
}

/// The new texts of some consecutive rows of a [`TextBatch`], built row by row from
/// pieces of the old ones (so no text is checked for UTF-8 again).
pub enum TextBuilder {
    /// 32-bit offsets.
    Small(StringBuilder),
    /// 64-bit offsets.
    Large(LargeStringBuilder),
}

impl TextBuilder {
    /// Adds a row whose text is `pieces` end to end.
    pub fn append<'a>(&mut self, pieces: impl IntoIterator<Item = &'a str>) {
        use std::fmt::Write as _;
        match self {
            TextBuilder::Small(builder) => {
                for piece in pieces {
                    let _ = builder.write_str(piece);
                }
                builder.append_value("");
            }
            TextBuilder::Large(builder) => {
                for piece in pieces {
                    let _ = builder.write_str(piece);
                }
                builder.append_value("");
            }
        }
    }

    /// Adds a null row.
    pub fn append_null(&mut self) {
        match self {
            TextBuilder::Small(builder) => builder.append_null(),
            TextBuilder::Large(builder) => builder.append_null(),
        }
    }

    /// The texts as an array.
    pub fn finish(self) -> ArrayRef {
        match self {
            TextBuilder::Small(mut builder) => Arc::new(builder.finish()),
            TextBuilder::Large(mut builder) => Arc::new(builder.finish()),
        }
    }
}

/// Writes a Parquet file like an input, with its text column replaced.
pub struct ParquetWriter<W: Write + Send> {
    writer: SerializedFileWriter<W>,
    leaf: usize,
    origin: String,
}

/// Encodes replacement text columns for a [`ParquetWriter`]; shared by the threads
/// that encode row groups side by side.
pub struct TextEncoder {
    factory: ArrowRowGroupWriterFactory,
    leaf: usize,
    origin: String,
}

impl<W: Write + Send> ParquetWriter<W> {
    /// Starts writing to `out` (named `out_name` in errors) a file with the schema and
    /// key-value metadata of `input`; the text column is written as in the input's first
    /// row group: compressed with its codec, dictionary-encoded (then falling back to
    /// plain, as a writer does once the dictionary grows) only if it was, and with
    /// statistics, a page index and a bloom filter only if it had them. Nothing more is
    /// computed than the input had: hashing every long text for a dictionary or a bloom
    /// filter, and min/max per page, cost CPU time for nothing a reader of the input
    /// used. The encoder encodes the text columns of its row groups.
    pub fn new(
        out: W,
        out_name: &str,
        input: &ParquetInput,
    ) -> Result<(ParquetWriter<W>, TextEncoder)> {
        let metadata = input.metadata.metadata();
        let schema = input.metadata.parquet_schema();
        let column = schema.column(input.text.leaf);
        let mut properties = WriterProperties::builder()
            .set_key_value_metadata(Some(input.key_value_metadata().to_vec()));
        if metadata.num_row_groups() > 0 {
            let chunk = metadata.row_group(0).column(input.text.leaf);
            let dictionary = chunk
                .encodings()
                .any(|e| matches!(e, Encoding::PLAIN_DICTIONARY | Encoding::RLE_DICTIONARY));
            let statistics = match (chunk.statistics(), chunk.column_index_offset()) {
                (None, _) => EnabledStatistics::None,
                (Some(_), None) => EnabledStatistics::Chunk,
                (Some(_), Some(_)) => EnabledStatistics::Page,
            };
            let path = column.path().clone();
            properties = properties
                .set_column_compression(path.clone(), level_free(chunk.compression()))
                .set_column_dictionary_enabled(path.clone(), dictionary)
                .set_column_statistics_enabled(path.clone(), statistics)
                .set_column_bloom_filter_enabled(path, chunk.bloom_filter_offset().is_some())
                // The other columns are copied without their page indexes.
                .set_offset_index_disabled(chunk.offset_index_offset().is_none());
        }
        let writer =
            SerializedFileWriter::new(out, schema.root_schema_ptr(), Arc::new(properties.build()))
                .map_err(|err| write_error(out_name, &err))?;
        let encoder = TextEncoder {
            factory: ArrowRowGroupWriterFactory::new(&writer, Arc::clone(input.metadata.schema())),
            leaf: input.text.leaf,
            origin: out_name.to_string(),
        };
        let writer = ParquetWriter {
            writer,
            leaf: input.text.leaf,
            origin: out_name.to_string(),
        };
        Ok((writer, encoder))
    }

    /// Writes row group `index` of `input`: the encoded `text` (of that row group), and
    /// every other column chunk copied from the input as it is. Row groups must be
    /// written in input order.
    pub fn write_row_group(
        &mut self,
        input: &ParquetInput,
        index: usize,
        text: EncodedText,
    ) -> Result<()> {
        self.write_row_group_with(input, index, Some(text))
    }

    /// Writes row group `index` of `input` with every column chunk copied as it is, the
    /// text column too (for a row group whose text cannot be decoded).
    pub fn copy_row_group(&mut self, input: &ParquetInput, index: usize) -> Result<()> {
        self.write_row_group_with(input, index, None)
    }

    fn write_row_group_with(
        &mut self,
        input: &ParquetInput,
        index: usize,
        mut text: Option<EncodedText>,
    ) -> Result<()> {
        let place = Place::RowGroup(index as u64);
        let failed =
            |err: ParquetError| Error::input(&self.origin, place, format!("cannot write: {err}"));
        let row_group = input.metadata.metadata().row_group(index);
        if let Some(text) = &text
            && text.rows != input.rows(index)
        {
            return Err(Error::input(
                &self.origin,
                place,
                format!("{} texts for {} rows", text.rows, input.rows(index)),
            ));
        }
        let mut writer = self.writer.next_row_group().map_err(failed)?;
        for (column, chunk) in row_group.columns().iter().enumerate() {
            if column == self.leaf
                && let Some(text) = text.take()
            {
                text.chunk
                    .append_to_row_group(&mut writer)
                    .map_err(failed)?;
                continue;
            }
            let close = ColumnCloseResult {
                bytes_written: u64::try_from(chunk.compressed_size()).unwrap_or(0),
                rows_written: u64::try_from(row_group.num_rows()).unwrap_or(0),
                metadata: chunk.clone(),
                bloom_filter: None,
                column_index: None,
                offset_index: None,
            };
            writer.append_column(&input.file, close).map_err(|err| {
                Error::input(
                    &input.origin,
                    place,
                    format!("cannot copy column `{}`: {err}", chunk.column_path()),
                )
            })?;
        }
        writer.close().map_err(failed)?;
        Ok(())
    }

    /// Writes the footer and returns the writer.
    pub fn finish(self) -> Result<W> {
        let origin = self.origin;
        self.writer
            .into_inner()
            .map_err(|err| write_error(&origin, &err))
    }
}

/// Encodes the text column of one row group, batch by batch ([`TextEncoder::column`]).
pub struct ColumnEncoder {
    writer: ArrowColumnWriter,
    index: usize,
    rows: usize,
    origin: String,
}

impl TextEncoder {
    /// Starts the text column of row group `index`; may run on any thread, for several
    /// row groups at once.
    pub fn column(&self, index: usize) -> Result<ColumnEncoder> {
        let place = Place::RowGroup(index as u64);
        let mut writers = self
            .factory
            .create_column_writers(index)
            .map_err(|err| encode_error(&self.origin, place, &err))?;
        if self.leaf >= writers.len() {
            return Err(Error::config("the text column has no writer"));
        }
        Ok(ColumnEncoder {
            writer: writers.swap_remove(self.leaf),
            index,
            rows: 0,
            origin: self.origin.clone(),
        })
    }
}

impl ColumnEncoder {
    /// Encodes `texts` as the new texts of the rows of `batch` from `offset` on (as many
    /// as `texts` holds). Rows are taken in order: each call goes on where the last
    /// ended.
    pub fn write(&mut self, batch: &TextBatch, offset: usize, texts: ArrayRef) -> Result<()> {
        let place = Place::RowGroup(self.index as u64);
        let failed = |err: ParquetError| encode_error(&self.origin, place, &err);
        let rows = texts.len();
        let root = batch.root.slice(offset, rows);
        let (root, field) = with_leaf(&root, &batch.field, &batch.path, texts)
            .ok_or_else(|| Error::config("the text column could not be rebuilt"))?;
        for leaf in compute_leaves(&field, &root).map_err(failed)? {
            self.writer.write(&leaf).map_err(failed)?;
        }
        self.rows += rows;
        Ok(())
    }

    /// The encoded chunk, once every row has been written.
    pub fn finish(self) -> Result<EncodedText> {
        let place = Place::RowGroup(self.index as u64);
        let chunk = self
            .writer
            .close()
            .map_err(|err| encode_error(&self.origin, place, &err))?;
        Ok(EncodedText {
            chunk,
            rows: self.rows,
        })
    }
}

fn encode_error(origin: &str, place: Place, err: &ParquetError) -> Error {
    Error::input(
        origin,
        place,
        format!("cannot encode the text column: {err}"),
    )
}

/// The codec of `compression` at its default level: a file records the codec of each
/// chunk, not the level it was written at.
fn level_free(compression: Compression) -> Compression {
    match compression {
        Compression::GZIP(_) => Compression::GZIP(Default::default()),
        Compression::BROTLI(_) => Compression::BROTLI(Default::default()),
        Compression::ZSTD(_) => Compression::ZSTD(Default::default()),
        other => other,
    }
}

fn not_parquet(origin: &str, err: &ParquetError) -> Error {
    match err {
        ParquetError::External(inner) => match inner.downcast_ref::<std::io::Error>() {
            Some(io) => Error::io(origin, std::io::Error::new(io.kind(), io.to_string())),
            None => Error::input(origin, Place::Start, format!("not a Parquet file: {err}")),
        },
        _ => Error::input(origin, Place::Start, format!("not a Parquet file: {err}")),
    }
}

fn write_error(origin: &str, err: &ParquetError) -> Error {
    match err {
        ParquetError::External(inner) => match inner.downcast_ref::<std::io::Error>() {
            Some(io) => Error::io(origin, std::io::Error::new(io.kind(), io.to_string())),
            None => Error::config(format!("{origin}: {err}")),
        },
        _ => Error::config(format!("{origin}: {err}")),
    }
}
