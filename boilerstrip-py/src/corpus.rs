//! The corpus-level pass over files for distributed drivers (`boilerstrip.ray`,
//! `boilerstrip.spark`): counting documents into partitioned tables, merging tables, and
//! cleaning one input stream into one output stream exactly as the CLI does. Streams are
//! Python file objects (a pyarrow filesystem's streams, `open(..., "rb")`), so inputs and
//! outputs can live on any filesystem Python can open.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use boilerstrip::count_table::{MergeOptions, Partition, Scope, TableHeader, merge_files};
use boilerstrip::counts::{Counter, Counts, KeyOptions, count_input, document_keys};
use boilerstrip::formats::compress::{Codec, Encoder, codec_for_path};
use boilerstrip::formats::jsonl::FieldPath;
use boilerstrip::formats::{Format, InputOptions, open};
use boilerstrip::pipeline::{Observer, Pipeline, PipelineOptions, ProcessOptions, Progress};
use boilerstrip::{Error, Stats};
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyInt, PyString};

use crate::cleaner::PyCleaner;
use crate::errors::to_py;
use crate::pool::Pool;

/// Invalid records whose message is kept for the caller; the rest are only counted.
const ERRORS_KEPT: usize = 20;

/// What can go wrong here: a library error, or an I/O error on a file of this module.
enum Failure {
    Library(Error),
    Io(String, io::Error),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Library(error)
    }
}

impl Failure {
    /// The Python exception: the library's classes, `BoilerstripOSError` for I/O.
    fn into_py(self) -> PyErr {
        match self {
            Failure::Library(error) => to_py(error),
            Failure::Io(path, error) => {
                let message = format!("{path}: {error}");
                let errno = error.raw_os_error().unwrap_or(0);
                Python::attach(|py| {
                    py.import("boilerstrip.errors")
                        .and_then(|module| module.getattr("BoilerstripOSError"))
                        .and_then(|class| class.call1((errno, message.clone())))
                        .map(PyErr::from_value)
                        .unwrap_or_else(|_| PyOSError::new_err(message))
                })
            }
        }
    }
}

type Outcome<T> = Result<T, Failure>;

fn io_failure(path: impl AsRef<Path>, error: io::Error) -> Failure {
    Failure::Io(path.as_ref().display().to_string(), error)
}

/// A Python binary stream read from Rust (its `read(n)` returning `bytes`).
struct PyReader(Py<PyAny>);

impl Read for PyReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Python::attach(|py| {
            let data = self
                .0
                .bind(py)
                .call_method1("read", (buf.len(),))
                .map_err(io::Error::other)?;
            let data = data.cast::<PyBytes>().map_err(|_| {
                io::Error::other(format!(
                    "read() returned {}, not bytes: open the input in binary mode",
                    data.get_type()
                        .name()
                        .map_or_else(|_| "?".to_string(), |name| name.to_string())
                ))
            })?;
            let data = data.as_bytes();
            if data.len() > buf.len() {
                return Err(io::Error::other("read(n) returned more than n bytes"));
            }
            buf[..data.len()].copy_from_slice(data);
            Ok(data.len())
        })
    }
}

/// A Python binary stream written from Rust (its `write(bytes)`).
struct PyWriter(Py<PyAny>);

impl Write for PyWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Python::attach(|py| {
            let written = self
                .0
                .bind(py)
                .call_method1("write", (PyBytes::new(py, buf),))
                .map_err(io::Error::other)?;
            // A raw stream may write less than asked and says how much; None means all.
            match written.cast::<PyInt>() {
                Ok(count) => count.extract::<usize>().map_err(io::Error::other),
                Err(_) => Ok(buf.len()),
            }
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        Python::attach(|py| {
            let stream = self.0.bind(py);
            if stream.hasattr("flush").map_err(io::Error::other)? {
                stream.call_method0("flush").map_err(io::Error::other)?;
            }
            Ok(())
        })
    }
}

/// A source: a path (opened here) or a Python binary stream.
fn reader_of(source: &Bound<'_, PyAny>) -> PyResult<(Box<dyn Read + Send>, Option<PathBuf>)> {
    if source.hasattr("read")? {
        return Ok((Box::new(PyReader(source.clone().unbind())), None));
    }
    let path: PathBuf = source
        .extract()
        .map_err(|_| PyTypeError::new_err("a source is a path or a binary stream with read(n)"))?;
    let file = File::open(&path).map_err(|err| io_failure(&path, err).into_py())?;
    Ok((Box::new(file), Some(path)))
}

/// Collects what the pipeline reports: the first invalid records' messages.
#[derive(Default)]
struct Collect {
    errors: Vec<String>,
}

impl Observer for Collect {
    fn progress(&mut self, _: Progress) {}
    fn invalid(&mut self, error: &Error) {
        if self.errors.len() < ERRORS_KEPT {
            self.errors.push(error.to_string());
        }
    }
}

fn parse_scope(scope: &str) -> PyResult<Scope> {
    match scope {
        "corpus" => Ok(Scope::Corpus),
        "site" => Ok(Scope::Site),
        other => Err(PyValueError::new_err(format!(
            "scope must be \"corpus\" or \"site\", not {other:?}"
        ))),
    }
}

fn field(path: &str, what: &str) -> PyResult<FieldPath> {
    FieldPath::parse(path)
        .map_err(|err| PyValueError::new_err(format!("{what} {path:?}: {}", err.message)))
}

fn scope_name(scope: Scope) -> &'static str {
    match scope {
        Scope::Site => "site",
        _ => "corpus",
    }
}

/// A table header as a dict.
fn header_dict<'py>(py: Python<'py>, header: &TableHeader) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("scope", scope_name(header.scope))?;
    dict.set_item("documents", header.documents)?;
    dict.set_item("entries", header.entries)?;
    dict.set_item("range", (header.range.first, header.range.last))?;
    Ok(dict)
}

/// Writes a file through `write` under a temporary name beside `path`, then renames it
/// into place, so that `path` never holds a partial file.
fn write_atomically<T>(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>, &Path) -> Outcome<T>,
) -> Outcome<T> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temp = path.with_file_name(format!(".{name}.{}.partial", std::process::id()));
    let result = (|| {
        let file = File::create(&temp).map_err(|err| io_failure(&temp, err))?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        let value = write(&mut out, &temp)?;
        let file = out
            .into_inner()
            .map_err(|err| io_failure(&temp, err.into_error()))?;
        file.sync_all().map_err(|err| io_failure(&temp, err))?;
        std::fs::rename(&temp, path).map_err(|err| io_failure(path, err))?;
        Ok(value)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// What a counter holds: counting, or finished (its counts ready to write).
enum State {
    Counting(Counter),
    Finished(Counts),
    Busy,
}

/// Counts the documents of many inputs into one count table, or one table per hash
/// partition, as `boilerstrip count` does: `add` each input, then `write` or
/// `write_partitions`. Counting stays within `memory` bytes, spilling sorted runs into
/// `spill_dir` (default: the system's temporary directory) past it.
#[pyclass(name = "TableCounter", module = "boilerstrip")]
pub struct PyTableCounter {
    state: Mutex<State>,
    options: KeyOptions,
    pool: Pool,
    documents: Mutex<(u64, u64, Vec<String>)>,
}

impl PyTableCounter {
    fn take(&self) -> PyResult<State> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match std::mem::replace(&mut *state, State::Busy) {
            State::Busy => Err(PyRuntimeError::new_err(
                "the counter is in use by another call",
            )),
            other => Ok(other),
        }
    }

    fn put(&self, value: State) {
        *self.state.lock().unwrap_or_else(|p| p.into_inner()) = value;
    }

    /// Runs `count` on the counter with the GIL released; an error if the counter has
    /// already written its table.
    fn counting<T: Send>(
        &self,
        py: Python<'_>,
        count: impl FnOnce(&mut Counter) -> T + Send,
    ) -> PyResult<T> {
        let state = self.take()?;
        let State::Counting(mut counter) = state else {
            self.put(state);
            return Err(PyRuntimeError::new_err(
                "the counter has written its table: make a new one to count more",
            ));
        };
        let result = py.detach(|| count(&mut counter));
        self.put(State::Counting(counter));
        Ok(result)
    }

    fn counts(&self, py: Python<'_>) -> PyResult<()> {
        match self.take()? {
            State::Counting(counter) => match py.detach(|| counter.into_counts()) {
                Ok(counts) => {
                    self.put(State::Finished(counts));
                    Ok(())
                }
                Err(error) => Err(to_py(error)),
            },
            finished => {
                self.put(finished);
                Ok(())
            }
        }
    }

    fn write_with<T>(
        &self,
        py: Python<'_>,
        write: impl FnOnce(&Counts) -> Outcome<T> + Send,
    ) -> PyResult<T>
    where
        T: Send,
    {
        self.counts(py)?;
        let state = self.take()?;
        let State::Finished(counts) = state else {
            self.put(state);
            return Err(PyRuntimeError::new_err("the counter is not finished"));
        };
        let result = py.detach(|| write(&counts));
        self.put(State::Finished(counts));
        result.map_err(Failure::into_py)
    }
}

#[pymethods]
impl PyTableCounter {
    #[new]
    #[pyo3(signature = (*, scope = "corpus", text_field = "text", url_field = "url", memory = 1 << 30, spill_dir = None, threads = None))]
    fn new(
        scope: &str,
        text_field: &str,
        url_field: &str,
        memory: usize,
        spill_dir: Option<PathBuf>,
        threads: Option<usize>,
    ) -> PyResult<Self> {
        let options = KeyOptions {
            scope: parse_scope(scope)?,
            text_field: field(text_field, "text_field")?,
            url_field: field(url_field, "url_field")?,
            ..KeyOptions::default()
        };
        let spill_dir = spill_dir.unwrap_or_else(std::env::temp_dir);
        Ok(PyTableCounter {
            state: Mutex::new(State::Counting(Counter::new(
                options.scope,
                memory,
                &spill_dir,
            ))),
            options,
            pool: Pool::new(threads),
            documents: Mutex::new((0, 0, Vec::new())),
        })
    }

    /// Counts every document of `source` (a path or a binary stream; gzip and zstd are
    /// decoded, the format told from `name` or the first bytes). `name` names it in
    /// errors. Records that cannot be read are left out and reported in `errors`.
    #[pyo3(signature = (source, name = None))]
    fn add(&self, py: Python<'_>, source: &Bound<'_, PyAny>, name: Option<String>) -> PyResult<()> {
        let (read, path) = reader_of(source)?;
        let name = name
            .or_else(|| path.map(|path| path.display().to_string()))
            .unwrap_or_else(|| "<stream>".to_string());
        let pool = self.pool.get()?;
        let options = &self.options;
        let result = self.counting(py, |counter| -> Outcome<(Stats, Vec<String>)> {
            let input_options = InputOptions {
                format: Format::from_name(Path::new(&name)),
                ..InputOptions::default()
            };
            let input = open(read, &name, &input_options)?;
            let mut collect = Collect::default();
            let stop = boilerstrip::StopFlag::new();
            let stats = count_input(input, counter, options, &pool, &mut collect, &stop)?;
            Ok((stats, collect.errors))
        })?;
        let (stats, errors) = result.map_err(Failure::into_py)?;
        let mut documents = self.documents.lock().unwrap_or_else(|p| p.into_inner());
        documents.0 += stats.documents;
        documents.1 += stats.invalid;
        let room = ERRORS_KEPT.saturating_sub(documents.2.len());
        documents.2.extend(errors.into_iter().take(room));
        Ok(())
    }

    /// Counts a batch of documents (`str` or `bytes`), each with its URL in `urls` for
    /// a per-site count (`None`: no URL), as `boilerstrip count` counts the documents of
    /// a file.
    #[pyo3(signature = (docs, urls = None))]
    fn add_documents(
        &self,
        py: Python<'_>,
        docs: Vec<Bound<'_, PyAny>>,
        urls: Option<Vec<Option<String>>>,
    ) -> PyResult<()> {
        if let Some(urls) = &urls
            && urls.len() != docs.len()
        {
            return Err(PyValueError::new_err(format!(
                "{} documents but {} urls",
                docs.len(),
                urls.len()
            )));
        }
        let mut texts: Vec<Vec<u8>> = Vec::with_capacity(docs.len());
        for doc in &docs {
            if let Ok(text) = doc.cast::<PyString>() {
                texts.push(text.to_str()?.as_bytes().to_vec());
            } else if let Ok(bytes) = doc.cast::<PyBytes>() {
                texts.push(bytes.as_bytes().to_vec());
            } else {
                return Err(PyTypeError::new_err("a document is a str or bytes"));
            }
        }
        let options = &self.options;
        let result = self.counting(py, |counter| -> boilerstrip::Result<()> {
            let (mut scratch, mut keys) = (Vec::new(), Vec::new());
            for (i, text) in texts.iter().enumerate() {
                let url = urls.as_ref().and_then(|urls| urls[i].as_deref());
                document_keys(text, options.site(url), &mut scratch, &mut keys);
                counter.add_document(&keys)?;
            }
            Ok(())
        })?;
        result.map_err(to_py)?;
        self.documents.lock().unwrap_or_else(|p| p.into_inner()).0 += texts.len() as u64;
        Ok(())
    }

    /// Documents counted so far.
    #[getter]
    fn documents(&self) -> u64 {
        self.documents.lock().unwrap_or_else(|p| p.into_inner()).0
    }

    /// Records that could not be read (left out of the counts).
    #[getter]
    fn invalid(&self) -> u64 {
        self.documents.lock().unwrap_or_else(|p| p.into_inner()).1
    }

    /// The messages of the first invalid records.
    #[getter]
    fn errors(&self) -> Vec<String> {
        self.documents
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .2
            .clone()
    }

    /// Writes the table of every key to `path` (atomically) and returns its header;
    /// no more documents can be added after.
    fn write<'py>(&self, py: Python<'py>, path: PathBuf) -> PyResult<Bound<'py, PyDict>> {
        let header = self.write_with(py, |counts| {
            let origin = path.display().to_string();
            write_atomically(&path, |out, _| {
                Ok(counts.write(None, out, &origin, &|| false)?)
            })
        })?;
        header_dict(py, &header)
    }

    /// Writes one table per hash range, `dir/part-0000.bsc` to `dir/part-<N-1>.bsc`, as
    /// `boilerstrip count --partitions N -o DIR` does; returns their headers. Each is
    /// renamed into place once complete.
    fn write_partitions<'py>(
        &self,
        py: Python<'py>,
        dir: PathBuf,
        partitions: u32,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        if partitions == 0 {
            return Err(PyValueError::new_err("partitions must be at least 1"));
        }
        std::fs::create_dir_all(&dir).map_err(|err| io_failure(&dir, err).into_py())?;
        let headers = self.write_with(py, |counts| {
            (0..partitions)
                .map(|index| {
                    let partition = Partition::parse(&format!("{index}/{partitions}"))?;
                    let path = dir.join(format!("part-{index:04}.bsc"));
                    let origin = path.display().to_string();
                    write_atomically(&path, |out, _| {
                        Ok(counts.write(Some(partition), out, &origin, &|| false)?)
                    })
                })
                .collect::<Outcome<Vec<_>>>()
        })?;
        headers
            .iter()
            .map(|header| header_dict(py, header))
            .collect()
    }
}

/// Merges count tables (local paths) into `output`, as `boilerstrip merge` does: keeps
/// keys in at least `min_docs` documents, and with `partition=(i, n)` only the i-th of n
/// hash ranges. Tables of one range add their documents; adjacent ranges of one corpus
/// join. The output is renamed into place once complete; returns its header.
#[pyfunction]
#[pyo3(signature = (tables, output, *, min_docs = 1, partition = None))]
pub fn merge_tables<'py>(
    py: Python<'py>,
    tables: Vec<PathBuf>,
    output: PathBuf,
    min_docs: u64,
    partition: Option<(u32, u32)>,
) -> PyResult<Bound<'py, PyDict>> {
    if tables.is_empty() {
        return Err(PyValueError::new_err("no tables to merge"));
    }
    let header = py
        .detach(|| {
            let partition = partition
                .map(|(index, count)| Partition::parse(&format!("{index}/{count}")))
                .transpose()?;
            let options = MergeOptions::default()
                .min_docs(min_docs)
                .partition(partition);
            let origin = output.display().to_string();
            let temp_dir = output
                .parent()
                .filter(|dir| !dir.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_path_buf();
            write_atomically(&output, |out, _| {
                Ok(merge_files(
                    &tables,
                    out,
                    &origin,
                    &options,
                    &temp_dir,
                    &|| false,
                )?)
            })
        })
        .map_err(Failure::into_py)?;
    header_dict(py, &header)
}

/// Cleans one input into one output exactly as `boilerstrip clean` does for a file:
/// `source` is a path or a binary stream (gzip and zstd decoded, the format told from
/// `name` or the first bytes), `sink` a binary stream, compressed as `output_name` says
/// (`.gz`, `.zst`, else plain). Records that cannot be processed are copied through
/// unchanged and reported in the result's `errors`. Returns the run's statistics.
#[pyfunction]
#[pyo3(signature = (cleaner, source, sink, *, name, output_name = None, text_field = "text", url_field = "url"))]
#[allow(clippy::too_many_arguments)]
pub fn clean_stream<'py>(
    py: Python<'py>,
    cleaner: PyRef<'py, PyCleaner>,
    source: &Bound<'py, PyAny>,
    sink: &Bound<'py, PyAny>,
    name: String,
    output_name: Option<String>,
    text_field: &str,
    url_field: &str,
) -> PyResult<Bound<'py, PyDict>> {
    if sink.is_instance_of::<PyString>() || !sink.hasattr("write")? {
        return Err(PyTypeError::new_err(
            "sink is a binary stream with write(bytes)",
        ));
    }
    let (read, _) = reader_of(source)?;
    let writer = PyWriter(sink.clone().unbind());
    let output_name = output_name.unwrap_or_else(|| name.clone());
    let codec: Codec = codec_for_path(Path::new(&output_name));
    let options = PipelineOptions {
        threads: cleaner.pool.threads(),
        process: ProcessOptions {
            field: field(text_field, "text_field")?,
            url_field: field(url_field, "url_field")?,
            ..ProcessOptions::default()
        },
        ..PipelineOptions::default()
    };
    let library = cleaner.cleaner().clone();
    let (stats, errors) = py
        .detach(|| -> Outcome<(Stats, Vec<String>)> {
            let pipeline = Pipeline::new(library, options)?;
            let input_options = InputOptions {
                format: Format::from_name(Path::new(&name)),
                ..InputOptions::default()
            };
            let input = open(read, &name, &input_options)?;
            let out = BufWriter::with_capacity(1 << 20, writer);
            let mut out =
                Encoder::new(out, codec, None).map_err(|err| io_failure(&output_name, err))?;
            let mut collect = Collect::default();
            let stats = pipeline.run(input, &mut out, &output_name, &mut collect)?;
            let mut out = out.finish().map_err(|err| io_failure(&output_name, err))?;
            out.flush().map_err(|err| io_failure(&output_name, err))?;
            Ok((stats, collect.errors))
        })
        .map_err(Failure::into_py)?;
    let dict = PyDict::new(py);
    dict.set_item("documents", stats.documents)?;
    dict.set_item("invalid", stats.invalid)?;
    dict.set_item("documents_emptied", stats.documents_emptied)?;
    dict.set_item("lines_in", stats.lines_in)?;
    dict.set_item("lines_out", stats.lines_out)?;
    dict.set_item("bytes_in", stats.bytes_in)?;
    dict.set_item("bytes_out", stats.bytes_out)?;
    dict.set_item("errors", errors)?;
    Ok(dict)
}

/// Reads a table's header (a local path) without reading its entries.
#[pyfunction]
pub fn table_header<'py>(py: Python<'py>, path: PathBuf) -> PyResult<Bound<'py, PyDict>> {
    let header = boilerstrip::count_table::read_header(&path).map_err(to_py)?;
    header_dict(py, &header)
}

/// Adds this module's class and functions to the extension module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<PyTableCounter>()?;
    module.add_function(wrap_pyfunction!(merge_tables, module)?)?;
    module.add_function(wrap_pyfunction!(clean_stream, module)?)?;
    module.add_function(wrap_pyfunction!(table_header, module)?)?;
    Ok(())
}
