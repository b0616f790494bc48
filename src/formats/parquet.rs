//! Parquet shards, I/O only: opens a file by its footer, finds the text column, decodes
//! that one column of a row group, encodes its replacement, and writes a file with the
//! same schema, key-value metadata and row groups in which every other column chunk is
//! copied byte for byte. Cleaning, and the threads, are the pipeline's job.
//!
//! A Parquet file is read from its end (the footer holds the schema and where each row
//! group's column chunks are), so it must be a file, not a stream. Each row group
//! becomes one row group of the output, with the same rows in the same order:
//!
//! 1. [`ParquetInput::read_text`] decodes the text column of one row group (on any
//!    thread; each call reads the file through its own handle);
//! 2. [`TextColumn::replaced`] builds the column anew from the cleaned texts, and
//!    [`TextEncoder::encode`] encodes and compresses it (also on any thread);
//! 3. [`ParquetWriter::write_row_group`] writes the row group, in input order: the new
//!    text chunk, and every other chunk copied from the input without decoding it, so
//!    its encoding, compression and statistics stay what they were.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, LargeStringArray, StringArray, StructArray};
use arrow_buffer::OffsetBuffer;
use arrow_schema::{DataType, Field, FieldRef, Fields};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::arrow_writer::{ArrowColumnChunk, ArrowRowGroupWriterFactory, compute_leaves};
use parquet::basic::{Compression, Encoding};
use parquet::column::writer::ColumnCloseResult;
use parquet::errors::ParquetError;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
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

/// An opened Parquet file: its footer, and which column holds the text.
#[derive(Debug)]
pub struct ParquetInput {
    /// Read by the writer only: handles from `try_clone` share one file offset, so each
    /// decoding thread opens `path` anew.
    file: File,
    path_on_disk: std::path::PathBuf,
    origin: String,
    metadata: ArrowReaderMetadata,
    /// The index of the text column among the leaf columns of the schema.
    leaf: usize,
    /// Where the text column is: the top-level field, then struct children by name.
    path: Vec<String>,
}

/// One row group's text column, decoded.
#[derive(Debug)]
pub struct TextColumn {
    /// The top-level column the text is in, holding only the text leaf.
    root: ArrayRef,
    /// Its field.
    field: FieldRef,
    /// The texts, one per row (`None`: null).
    leaf: ArrayRef,
    /// The struct children from `root` down to `leaf`, by name.
    path: Vec<String>,
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
        let input = ParquetInput {
            file,
            path_on_disk,
            origin: origin.to_string(),
            metadata,
            leaf,
            path,
        };
        let data_type = input.leaf_field()?.data_type().clone();
        if !matches!(
            data_type,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        ) {
            return Err(Error::config(format!(
                "{origin}: Parquet column `{field}` holds {data_type}, not strings; \
                 name the text column with --field"
            )));
        }
        Ok(input)
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

    /// The Arrow field of the text leaf.
    fn leaf_field(&self) -> Result<&FieldRef> {
        leaf_in(self.metadata.schema().fields(), &self.path).ok_or_else(|| self.not_in_structs())
    }

    fn not_in_structs(&self) -> Error {
        Error::config(format!(
            "{}: Parquet column `{}` is not a string column reached through structs",
            self.origin,
            self.path.join(".")
        ))
    }

    /// Decodes the text column of row group `index`. Fails, naming the file and the row
    /// group, when the row group cannot be read or decoded (a corrupt or truncated
    /// file, an unsupported compression).
    pub fn read_text(&self, index: usize) -> Result<TextColumn> {
        let place = Place::RowGroup(index as u64);
        let file = File::open(&self.path_on_disk).map_err(|err| Error::io(&self.origin, err))?;
        let schema = self.metadata.parquet_schema();
        let rows = self.rows(index);
        let reader =
            ParquetRecordBatchReaderBuilder::new_with_metadata(file, self.metadata.clone())
                .with_row_groups(vec![index])
                .with_projection(ProjectionMask::leaves(schema, [self.leaf]))
                .with_batch_size(rows.max(1))
                .build()
                .map_err(|err| self.bad_row_group(place, &err.to_string()))?;
        let mut batches = Vec::new();
        for batch in reader {
            batches.push(batch.map_err(|err| self.bad_row_group(place, &err.to_string()))?);
        }
        if batches.len() > 1 {
            return Err(self.bad_row_group(place, "decoded in more than one batch"));
        }
        let (root, field) = match batches.pop() {
            Some(batch) => (
                Arc::clone(batch.column(0)),
                Arc::clone(&batch.schema().fields()[0]),
            ),
            None => {
                let field = Arc::clone(&self.metadata.schema().fields()[self.root_index()]);
                (arrow_array::new_empty_array(field.data_type()), field)
            }
        };
        if root.len() != rows {
            return Err(self.bad_row_group(
                place,
                &format!("{} texts decoded for {rows} rows", root.len()),
            ));
        }
        let leaf = leaf_of(&root, &self.path[1..])
            .ok_or_else(|| self.bad_row_group(place, "the text column has another shape"))?;
        Ok(TextColumn {
            root,
            field,
            leaf,
            path: self.path[1..].to_vec(),
        })
    }

    /// The index of the top-level field the text is in.
    fn root_index(&self) -> usize {
        self.metadata
            .schema()
            .index_of(&self.path[0])
            .unwrap_or_default()
    }

    fn bad_row_group(&self, place: Place, reason: &str) -> Error {
        Error::input(
            &self.origin,
            place,
            format!("cannot read column `{}`: {reason}", self.path.join(".")),
        )
    }
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

/// The string array at `path` (struct children by name) below `root`.
fn leaf_of(root: &ArrayRef, path: &[String]) -> Option<ArrayRef> {
    let Some((name, rest)) = path.split_first() else {
        return Some(Arc::clone(root));
    };
    let child = root.as_struct_opt()?.column_by_name(name)?;
    leaf_of(child, rest)
}

/// `root` with the array at `path` replaced by `leaf`, and the field describing it.
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
    let mut fields: Vec<FieldRef> = children.iter().cloned().collect();
    let mut arrays: Vec<ArrayRef> = parent.columns().to_vec();
    fields[at] = child;
    arrays[at] = array;
    let fields = Fields::from(fields);
    let rebuilt = StructArray::try_new(fields.clone(), arrays, parent.nulls().cloned()).ok()?;
    let field = Field::new(field.name(), DataType::Struct(fields), field.is_nullable())
        .with_metadata(field.metadata().clone());
    Some((Arc::new(rebuilt), Arc::new(field)))
}

impl TextColumn {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.leaf.len()
    }

    /// True if the row group has no rows.
    pub fn is_empty(&self) -> bool {
        self.leaf.is_empty()
    }

    /// The text of row `row`; `None` for a null.
    pub fn text(&self, row: usize) -> Option<&[u8]> {
        if self.leaf.is_null(row) {
            return None;
        }
        Some(match self.leaf.data_type() {
            DataType::Utf8 => self.leaf.as_string::<i32>().value(row).as_bytes(),
            DataType::LargeUtf8 => self.leaf.as_string::<i64>().value(row).as_bytes(),
            DataType::Utf8View => self.leaf.as_string_view().value(row).as_bytes(),
            _ => return None,
        })
    }

    /// The column with new texts: `values` holds them end to end, `lengths` the length
    /// of each row's text in it (0 for a null row, which stays null). Texts are cut at
    /// line ends of UTF-8 text, so they are UTF-8; this is checked.
    pub fn replaced(&self, values: Vec<u8>, lengths: Vec<usize>) -> Result<TextColumn> {
        let nulls = self.leaf.nulls().cloned();
        let invalid = |err: arrow_schema::ArrowError| {
            Error::config(format!("cleaned texts are not a valid column: {err}"))
        };
        let leaf: ArrayRef = match self.leaf.data_type() {
            DataType::Utf8 if i32::try_from(values.len()).is_ok() => Arc::new(
                StringArray::try_new(OffsetBuffer::from_lengths(lengths), values.into(), nulls)
                    .map_err(invalid)?,
            ),
            _ => Arc::new(
                LargeStringArray::try_new(
                    OffsetBuffer::from_lengths(lengths),
                    values.into(),
                    nulls,
                )
                .map_err(invalid)?,
            ),
        };
        let (root, field) = with_leaf(&self.root, &self.field, &self.path, Arc::clone(&leaf))
            .ok_or_else(|| Error::config("the text column could not be rebuilt"))?;
        Ok(TextColumn {
            root,
            field,
            leaf,
            path: self.path.clone(),
        })
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
    /// key-value metadata of `input`; the text column is compressed as in the input's
    /// first row group, and dictionary-encoded if it was. The encoder encodes the text
    /// columns of its row groups.
    pub fn new(
        out: W,
        out_name: &str,
        input: &ParquetInput,
    ) -> Result<(ParquetWriter<W>, TextEncoder)> {
        let metadata = input.metadata.metadata();
        let schema = input.metadata.parquet_schema();
        let column = schema.column(input.leaf);
        let mut properties = WriterProperties::builder()
            .set_key_value_metadata(Some(input.key_value_metadata().to_vec()));
        if metadata.num_row_groups() > 0 {
            let chunk = metadata.row_group(0).column(input.leaf);
            let dictionary = chunk
                .encodings()
                .any(|e| matches!(e, Encoding::PLAIN_DICTIONARY | Encoding::RLE_DICTIONARY));
            properties = properties
                .set_column_compression(column.path().clone(), level_free(chunk.compression()))
                .set_column_dictionary_enabled(column.path().clone(), dictionary);
        }
        let writer =
            SerializedFileWriter::new(out, schema.root_schema_ptr(), Arc::new(properties.build()))
                .map_err(|err| write_error(out_name, &err))?;
        let encoder = TextEncoder {
            factory: ArrowRowGroupWriterFactory::new(&writer, Arc::clone(input.metadata.schema())),
            leaf: input.leaf,
            origin: out_name.to_string(),
        };
        let writer = ParquetWriter {
            writer,
            leaf: input.leaf,
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

impl TextEncoder {
    /// Encodes and compresses `text` as the text column of row group `index`; may run
    /// on any thread, for several row groups at once.
    pub fn encode(&self, index: usize, text: &TextColumn) -> Result<EncodedText> {
        let place = Place::RowGroup(index as u64);
        let failed = |err: ParquetError| {
            Error::input(
                &self.origin,
                place,
                format!("cannot encode the text column: {err}"),
            )
        };
        let mut writers = self.factory.create_column_writers(index).map_err(failed)?;
        if self.leaf >= writers.len() {
            return Err(Error::config("the text column has no writer"));
        }
        let mut writer = writers.swap_remove(self.leaf);
        drop(writers);
        for leaf in compute_leaves(&text.field, &text.root).map_err(failed)? {
            writer.write(&leaf).map_err(failed)?;
        }
        let chunk = writer.close().map_err(failed)?;
        Ok(EncodedText {
            chunk,
            rows: text.len(),
        })
    }
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
