//! `Cleaner.clean_arrow`: an Arrow string or binary array in (through the PyCapsule
//! interface, no copies through Python objects), the cleaned array and the removal spans
//! out, cleaned in parallel on the cleaner's pool with the GIL released.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{
    Array, ArrayRef, BinaryViewArray, GenericBinaryArray, GenericStringArray, Int64Array,
    ListArray, OffsetSizeTrait, StringArray, StringViewArray, StructArray,
};
use arrow_buffer::{Buffer, NullBuffer, OffsetBuffer};
use arrow_schema::{ArrowError, DataType, Field, FieldRef, Fields};
use boilerstrip::Reason;
use boilerstrip::normal::host_of;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use pyo3_arrow::input::AnyArray;
use pyo3_arrow::{PyArray, PyChunkedArray};
use rayon::prelude::*;

use crate::cleaner::PyCleaner;
use boilerstrip::lines::CodePoints;

/// Parts per worker thread: enough for documents of uneven size to balance.
const PARTS_PER_THREAD: usize = 16;

fn arrow_error(error: ArrowError) -> PyErr {
    PyValueError::new_err(error.to_string())
}

/// The documents of one Arrow array (`None` for a null row), and whether it holds text.
fn rows(array: &dyn Array) -> PyResult<(bool, Vec<Option<&[u8]>>)> {
    fn collect<'a, T: AsRef<[u8]> + ?Sized + 'a>(
        array: &dyn Array,
        value: impl Fn(usize) -> &'a T,
    ) -> Vec<Option<&'a [u8]>> {
        (0..array.len())
            .map(|index| array.is_valid(index).then(|| value(index).as_ref()))
            .collect()
    }
    Ok(match array.data_type() {
        DataType::Utf8 => (true, collect(array, |i| array.as_string::<i32>().value(i))),
        DataType::LargeUtf8 => (true, collect(array, |i| array.as_string::<i64>().value(i))),
        DataType::Utf8View => (true, collect(array, |i| array.as_string_view().value(i))),
        DataType::Binary => (false, collect(array, |i| array.as_binary::<i32>().value(i))),
        DataType::LargeBinary => (false, collect(array, |i| array.as_binary::<i64>().value(i))),
        DataType::BinaryView => (false, collect(array, |i| array.as_binary_view().value(i))),
        other => {
            return Err(PyTypeError::new_err(format!(
                "clean_arrow needs a string or binary array, not {other}"
            )));
        }
    })
}

/// The cleaned rows of a run of consecutive input rows.
#[derive(Default)]
struct Part {
    values: Vec<u8>,
    lengths: Vec<usize>,
    span_counts: Vec<usize>,
    starts: Vec<i64>,
    ends: Vec<i64>,
    reasons: Vec<Reason>,
}

impl Part {
    fn clean(
        cleaner: &PyCleaner,
        rows: &[Option<&[u8]>],
        sites: &[Option<&str>],
        chars: bool,
    ) -> Part {
        let mut part = Part {
            values: Vec::with_capacity(rows.iter().flatten().map(|row| row.len()).sum()),
            ..Part::default()
        };
        for (index, row) in rows.iter().enumerate() {
            let Some(doc) = row else {
                part.lengths.push(0);
                part.span_counts.push(0);
                continue;
            };
            let site = sites.get(index).copied().flatten();
            let cleaned = cleaner.cleaner().clean_site(doc, site);
            let before = part.values.len();
            for range in cleaned.kept_ranges() {
                part.values.extend_from_slice(&doc[range]);
            }
            part.lengths.push(part.values.len() - before);
            part.span_counts.push(cleaned.removals().len());
            let mut points = CodePoints::new(doc);
            for removal in cleaned.removals() {
                let (start, end) = if chars {
                    (points.at(removal.bytes.start), points.at(removal.bytes.end))
                } else {
                    (removal.bytes.start, removal.bytes.end)
                };
                part.starts.push(start as i64);
                part.ends.push(end as i64);
                part.reasons.push(removal.reason.clone());
            }
        }
        part
    }
}

/// Cleans one array: the cleaned array (the input's type and nulls) and the spans. Each
/// part of the rows becomes its own pair of arrays on the pool (so that checking the
/// output's UTF-8 runs in parallel too), and the parts are then concatenated.
fn clean_array(
    cleaner: &PyCleaner,
    pool: &rayon::ThreadPool,
    array: &dyn Array,
    sites: &[Option<&str>],
) -> PyResult<(ArrayRef, ArrayRef)> {
    let (text, rows) = rows(array)?;
    let chars = text && cleaner.chars();
    let nulls = array.logical_nulls();
    let per_part = rows
        .len()
        .div_ceil(pool.current_num_threads() * PARTS_PER_THREAD)
        .max(1);
    let build = |first: usize, rows: &[Option<&[u8]>]| -> PyResult<(ArrayRef, ArrayRef)> {
        let sites = sites.get(first..).unwrap_or(&[]);
        let mut part = Part::clean(cleaner, rows, sites, chars);
        let nulls = nulls.as_ref().map(|nulls| nulls.slice(first, rows.len()));
        let spans = assemble_spans(&part, nulls.clone())?;
        let values = std::mem::take(&mut part.values);
        let cleaned = assemble_values(array.data_type(), &part.lengths, values, nulls)?;
        Ok((cleaned, spans))
    };
    if rows.len() <= per_part {
        return build(0, &rows);
    }
    let parts: Vec<(ArrayRef, ArrayRef)> = pool.install(|| {
        rows.par_chunks(per_part)
            .enumerate()
            .map(|(index, rows)| build(index * per_part, rows))
            .collect::<PyResult<_>>()
    })?;
    let cleaned: Vec<&dyn Array> = parts.iter().map(|(cleaned, _)| cleaned.as_ref()).collect();
    let spans: Vec<&dyn Array> = parts.iter().map(|(_, spans)| spans.as_ref()).collect();
    Ok((
        arrow_select::concat::concat(&cleaned).map_err(arrow_error)?,
        arrow_select::concat::concat(&spans).map_err(arrow_error)?,
    ))
}

/// The cleaned rows as an array of `data_type`.
fn assemble_values(
    data_type: &DataType,
    lengths: &[usize],
    values: Vec<u8>,
    nulls: Option<NullBuffer>,
) -> PyResult<ArrayRef> {
    let lengths = || lengths.iter().copied();
    let mut values = Some(values);
    let mut values = || values.take().unwrap_or_default();
    fn strings<O: OffsetSizeTrait>(
        lengths: impl Iterator<Item = usize>,
        values: Vec<u8>,
        nulls: Option<NullBuffer>,
    ) -> Result<ArrayRef, ArrowError> {
        let offsets = OffsetBuffer::<O>::from_lengths(lengths);
        let array = GenericStringArray::<O>::try_new(offsets, Buffer::from_vec(values), nulls)?;
        Ok(Arc::new(array))
    }
    fn binaries<O: OffsetSizeTrait>(
        lengths: impl Iterator<Item = usize>,
        values: Vec<u8>,
        nulls: Option<NullBuffer>,
    ) -> Result<ArrayRef, ArrowError> {
        let offsets = OffsetBuffer::<O>::from_lengths(lengths);
        let array = GenericBinaryArray::<O>::try_new(offsets, Buffer::from_vec(values), nulls)?;
        Ok(Arc::new(array))
    }
    let array = match data_type {
        DataType::Utf8 => strings::<i32>(lengths(), values(), nulls),
        DataType::LargeUtf8 => strings::<i64>(lengths(), values(), nulls),
        DataType::Binary => binaries::<i32>(lengths(), values(), nulls),
        DataType::LargeBinary => binaries::<i64>(lengths(), values(), nulls),
        DataType::Utf8View | DataType::BinaryView => {
            // Views point into the large array's buffer: build it, then view it.
            let large = binaries::<i64>(lengths(), values(), nulls).map_err(arrow_error)?;
            let large = large.as_binary::<i64>();
            if *data_type == DataType::BinaryView {
                Ok(Arc::new(large.iter().collect::<BinaryViewArray>()) as ArrayRef)
            } else {
                let texts: Vec<Option<&str>> = large
                    .iter()
                    .map(|row| row.map(std::str::from_utf8).transpose())
                    .collect::<Result<_, _>>()
                    .map_err(|error| PyValueError::new_err(error.to_string()))?;
                Ok(Arc::new(texts.into_iter().collect::<StringViewArray>()) as ArrayRef)
            }
        }
        other => {
            return Err(PyTypeError::new_err(format!(
                "clean_arrow needs a string or binary array, not {other}"
            )));
        }
    };
    array.map_err(arrow_error)
}

/// The Arrow type of the spans: `list<struct<start: int64, end: int64, reason: string>>`.
fn span_fields() -> Fields {
    Fields::from(vec![
        Field::new("start", DataType::Int64, true),
        Field::new("end", DataType::Int64, true),
        Field::new("reason", DataType::Utf8, true),
    ])
}

/// The spans of a part's rows, a list per row (null for a null row).
fn assemble_spans(part: &Part, nulls: Option<NullBuffer>) -> PyResult<ArrayRef> {
    let reasons = StringArray::from_iter_values(part.reasons.iter().map(Reason::as_str));
    let fields = span_fields();
    let structs = StructArray::try_new(
        fields.clone(),
        vec![
            Arc::new(Int64Array::from_iter_values(part.starts.iter().copied())),
            Arc::new(Int64Array::from_iter_values(part.ends.iter().copied())),
            Arc::new(reasons),
        ],
        None,
    )
    .map_err(arrow_error)?;
    let offsets = OffsetBuffer::<i32>::from_lengths(part.span_counts.iter().copied());
    let list = ListArray::try_new(
        Arc::new(Field::new_list_field(DataType::Struct(fields), true)),
        offsets,
        Arc::new(structs),
        nulls,
    )
    .map_err(arrow_error)?;
    Ok(Arc::new(list))
}

/// The field of the spans output.
fn spans_field(spans: &ArrayRef) -> FieldRef {
    Arc::new(Field::new("spans", spans.data_type().clone(), true))
}

/// The sites of `urls` (the host of each URL), as many as `len`.
fn sites(urls: &[ArrayRef], len: usize) -> PyResult<Vec<Option<&str>>> {
    let mut sites = Vec::with_capacity(len);
    for chunk in urls {
        let (text, rows) = rows(chunk.as_ref())?;
        if !text {
            return Err(PyTypeError::new_err("urls must be a string array"));
        }
        sites.extend(rows.into_iter().map(|row| {
            row.and_then(|url| std::str::from_utf8(url).ok())
                .and_then(host_of)
        }));
    }
    if sites.len() != len {
        return Err(PyValueError::new_err(format!(
            "urls has {} rows for {len} documents",
            sites.len()
        )));
    }
    Ok(sites)
}

/// `Cleaner.clean_arrow`.
pub fn clean_arrow<'py>(
    cleaner: &PyCleaner,
    py: Python<'py>,
    array: AnyArray,
    urls: Option<AnyArray>,
) -> PyResult<Bound<'py, PyTuple>> {
    let (chunks, field, single) = match array {
        AnyArray::Array(array) => {
            let (array, field) = array.into_inner();
            (vec![array], field, true)
        }
        AnyArray::Stream(stream) => {
            let (chunks, field) = stream.into_chunked_array()?.into_inner();
            (chunks, field, false)
        }
    };
    let urls = match urls {
        None => Vec::new(),
        Some(urls) => urls.into_chunked_array()?.into_inner().0,
    };
    let pool = cleaner.pool.get()?;
    let outputs: Vec<(ArrayRef, ArrayRef)> = py.detach(|| -> PyResult<_> {
        let total = chunks.iter().map(|chunk| chunk.len()).sum();
        let sites = if urls.is_empty() {
            Vec::new()
        } else {
            sites(&urls, total)?
        };
        let mut first = 0;
        chunks
            .iter()
            .map(|chunk| {
                let sites = sites.get(first..).unwrap_or(&[]);
                first += chunk.len();
                clean_array(cleaner, &pool, chunk.as_ref(), sites)
            })
            .collect()
    })?;
    let cleaned_field = Arc::new(field.as_ref().clone().with_nullable(true));
    if single {
        let (cleaned, spans) = outputs.into_iter().next().expect("one array in, one out");
        let spans_field = spans_field(&spans);
        let to_pyarrow = py.import("pyarrow")?.getattr("array")?;
        let cleaned = PyArray::try_new(cleaned, cleaned_field).map_err(arrow_error)?;
        let spans = PyArray::try_new(spans, spans_field).map_err(arrow_error)?;
        PyTuple::new(
            py,
            [
                to_pyarrow.call1((cleaned.into_pyobject(py)?,))?,
                to_pyarrow.call1((spans.into_pyobject(py)?,))?,
            ],
        )
    } else {
        let (cleaned, spans): (Vec<ArrayRef>, Vec<ArrayRef>) = outputs.into_iter().unzip();
        let spans_type = Arc::new(Field::new(
            "spans",
            DataType::List(Arc::new(Field::new_list_field(
                DataType::Struct(span_fields()),
                true,
            ))),
            true,
        ));
        let cleaned = PyChunkedArray::try_new(cleaned, cleaned_field)?;
        let spans = PyChunkedArray::try_new(spans, spans_type)?;
        PyTuple::new(py, [cleaned.into_pyarrow(py)?, spans.into_pyarrow(py)?])
    }
}
