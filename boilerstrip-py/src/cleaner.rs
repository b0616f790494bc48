//! `boilerstrip.Cleaner` and `boilerstrip.Removal`: the library's cleaner for Python
//! strings, bytes and lists of them, configured as the CLI's rule and count flags are.

use std::borrow::Cow;
use std::path::PathBuf;

use boilerstrip::counts::document_keys;
use boilerstrip::normal::host_of;
use boilerstrip::{Cleaned, Cleaner, CleanerOptions};
use pyo3::exceptions::{PyTypeError, PyUnicodeDecodeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyRange, PyString, PyTuple};
use rayon::prelude::*;

use crate::errors::to_py;
use crate::pool::Pool;
use boilerstrip::lines::CodePoints;

/// How removal offsets into a `str` are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offsets {
    /// Code points: Python `str` indexes (the default).
    Chars,
    /// UTF-8 bytes.
    Bytes,
}

impl Offsets {
    fn parse(name: &str) -> PyResult<Offsets> {
        match name {
            "chars" => Ok(Offsets::Chars),
            "bytes" => Ok(Offsets::Bytes),
            other => Err(PyValueError::new_err(format!(
                "offsets must be \"chars\" or \"bytes\", not {other:?}"
            ))),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Offsets::Chars => "chars",
            Offsets::Bytes => "bytes",
        }
    }
}

/// What a `Cleaner` was built from: kept for `repr` and pickling.
#[derive(Debug, Clone)]
struct Config {
    /// The CLI's rule and count flags, as the library takes them.
    options: CleanerOptions,
    offsets: Offsets,
}

/// A run of consecutive removed lines with one reason.
///
/// `start` and `end` are offsets into the document (code points for a `str` unless the
/// cleaner was made with `offsets="bytes"`; bytes for `bytes`), `lines` the 0-based line
/// numbers removed, `reason` the rule or detector that removed them.
#[pyclass(name = "Removal", module = "boilerstrip", frozen, eq, hash)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PyRemoval {
    /// Offset of the first removed character (or byte).
    #[pyo3(get)]
    pub start: usize,
    /// Offset just past the last removed character (or byte), terminator included.
    #[pyo3(get)]
    pub end: usize,
    first_line: usize,
    end_line: usize,
    /// The rule or detector name.
    #[pyo3(get)]
    pub reason: String,
}

#[pymethods]
impl PyRemoval {
    /// The removed lines, as a `range` of 0-based line numbers.
    #[getter]
    fn lines<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyRange>> {
        PyRange::new(py, self.first_line as isize, self.end_line as isize)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let reason = PyString::new(py, &self.reason).repr()?;
        Ok(format!(
            "Removal(start={}, end={}, lines=range({}, {}), reason={reason})",
            self.start, self.end, self.first_line, self.end_line
        ))
    }
}

/// The removals of `cleaned`, with offsets in code points when `chars`.
pub fn removals(cleaned: &Cleaned<'_>, chars: bool) -> Vec<PyRemoval> {
    let mut points = CodePoints::new(cleaned.input());
    cleaned
        .removals()
        .iter()
        .map(|removal| {
            let (start, end) = if chars {
                (points.at(removal.bytes.start), points.at(removal.bytes.end))
            } else {
                (removal.bytes.start, removal.bytes.end)
            };
            PyRemoval {
                start,
                end,
                first_line: removal.lines.start,
                end_line: removal.lines.end,
                reason: removal.reason.as_str().to_string(),
            }
        })
        .collect()
}

/// A document handed in from Python: its UTF-8 bytes, and whether it was a `str`.
enum Doc<'a> {
    Str(&'a str),
    Bytes(&'a [u8]),
}

impl<'a> Doc<'a> {
    fn extract(object: &'a Bound<'_, PyAny>) -> PyResult<Doc<'a>> {
        if let Ok(text) = object.cast::<PyString>() {
            Ok(Doc::Str(text.to_str()?))
        } else if let Ok(bytes) = object.cast::<PyBytes>() {
            Ok(Doc::Bytes(bytes.as_bytes()))
        } else {
            Err(PyTypeError::new_err(format!(
                "a document must be str or bytes, not {}",
                object.get_type().name()?
            )))
        }
    }

    fn bytes(&self) -> &'a [u8] {
        match self {
            Doc::Str(text) => text.as_bytes(),
            Doc::Bytes(bytes) => bytes,
        }
    }
}

/// `error`, raised for the document at `index` of a batch, with the index named: a
/// `TypeError` stays one, anything else (a `str` that is not valid Unicode, such as one
/// holding a lone surrogate) becomes an `InputError` whose cause is the original.
fn at_index(py: Python<'_>, index: usize, error: PyErr) -> PyErr {
    let message = format!("docs[{index}]: {}", error.value(py));
    if error.is_instance_of::<PyTypeError>(py) {
        return PyTypeError::new_err(message);
    }
    let raised = py
        .import("boilerstrip.errors")
        .and_then(|module| module.getattr("InputError"))
        .and_then(|class| class.call1((message.clone(),)));
    match raised {
        Ok(exception) => {
            let wrapped = PyErr::from_value(exception);
            wrapped.set_cause(py, Some(error));
            wrapped
        }
        Err(_) => PyValueError::new_err(message),
    }
}

/// Cleaned bytes of a `str` as a Python `str`. Removals are whole lines cut at ASCII
/// line ends, so the bytes are UTF-8 whenever the input was.
fn new_str<'py>(py: Python<'py>, bytes: &[u8]) -> PyResult<Bound<'py, PyString>> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(PyString::new(py, text)),
        Err(error) => Err(PyUnicodeDecodeError::new_utf8(py, bytes, error)?.into()),
    }
}

/// The site a document with `url` is cleaned under: its host.
fn site_of(url: Option<&str>) -> Option<&str> {
    url.and_then(host_of)
}

/// Strips boilerplate lines from documents.
///
/// `Cleaner()` uses the embedded default rule packs. `rules` adds rule packs (TOML
/// files), `disable` switches off rules, packs or detectors by name (each takes one
/// or a list), `counts` loads a
/// count table from `boilerstrip count` (switching the `frequent` detector on) with
/// `min_docs` and `frequent_max_words` overriding the pack's settings, `threads` sizes
/// this cleaner's worker pool (default: one per core), `offsets` says how removal
/// offsets into a `str` are counted ("chars": code points, the default; "bytes": UTF-8
/// bytes), `default_rules=False` starts without the default packs, and `scorer=True`
/// switches the learned line scorer on (it removes more boilerplate and cleans three to
/// four times slower; `model` scores with a model file of `scripts/train-model` instead
/// of the built-in one, and switches it on too).
///
/// Errors carry the CLI's messages: `RuleError` (with `file:line:col`),
/// `ConfigError`, `CountTableError`, `BoilerstripOSError`; all are `BoilerstripError`.
/// One path or name, or a sequence of them: `rules="my.toml"` is `rules=["my.toml"]`, as
/// a user who has one pack writes it (PyO3 refuses a `str` for a `Vec`, rightly: it would
/// be read as its characters).
#[derive(FromPyObject)]
enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(item) => vec![item],
            OneOrMany::Many(items) => items,
        }
    }
}

#[pyclass(name = "Cleaner", module = "boilerstrip", subclass, frozen)]
pub struct PyCleaner {
    cleaner: Cleaner,
    config: Config,
    pub(crate) pool: Pool,
}

impl PyCleaner {
    /// The library cleaner.
    pub fn cleaner(&self) -> &Cleaner {
        &self.cleaner
    }

    /// Whether removal offsets into text are code points.
    pub fn chars(&self) -> bool {
        self.config.offsets == Offsets::Chars
    }
}

#[pymethods]
impl PyCleaner {
    #[new]
    #[pyo3(signature = (
        *, rules=None, disable=None, counts=None, min_docs=None, frequent_max_words=None,
        threads=None, offsets="chars", default_rules=true, scorer=false, model=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        rules: Option<OneOrMany<PathBuf>>,
        disable: Option<OneOrMany<String>>,
        counts: Option<PathBuf>,
        min_docs: Option<u64>,
        frequent_max_words: Option<u32>,
        threads: Option<usize>,
        offsets: &str,
        default_rules: bool,
        scorer: bool,
        model: Option<PathBuf>,
    ) -> PyResult<PyCleaner> {
        if min_docs == Some(0) || frequent_max_words == Some(0) || threads == Some(0) {
            return Err(PyValueError::new_err(
                "min_docs, frequent_max_words and threads must be at least 1",
            ));
        }
        let absolute = |path: PathBuf| std::path::absolute(&path).unwrap_or(path);
        let config = Config {
            options: CleanerOptions {
                rules: rules
                    .map_or_else(Vec::new, OneOrMany::into_vec)
                    .into_iter()
                    .map(absolute)
                    .collect(),
                default_rules,
                disable: disable.map_or_else(Vec::new, OneOrMany::into_vec),
                counts: counts.map(absolute),
                min_docs,
                frequent_max_words,
                scorer,
                model: model.map(absolute),
                scores: false,
            },
            offsets: Offsets::parse(offsets)?,
        };
        let cleaner = py.detach(|| config.options.build()).map_err(to_py)?;
        Ok(PyCleaner {
            cleaner,
            config,
            pool: Pool::new(threads),
        })
    }

    /// The cleaned text: `text` without its boilerplate lines, every kept line byte for
    /// byte. `url` (the document's URL) matters only with a per-site count table.
    #[pyo3(signature = (text, *, url=None))]
    fn clean<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyString>,
        url: Option<&str>,
    ) -> PyResult<Bound<'py, PyString>> {
        let doc = text.to_str()?;
        let kept = py.detach(|| {
            let cleaned = self.cleaner.clean_site(doc.as_bytes(), site_of(url));
            (!cleaned.is_unchanged()).then(|| cleaned.kept().into_owned())
        });
        match kept {
            None => Ok(text.clone()),
            Some(kept) => new_str(py, &kept),
        }
    }

    /// [`clean`] for bytes: any bytes are a document, UTF-8 or not.
    #[pyo3(signature = (data, *, url=None))]
    fn clean_bytes<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyBytes>,
        url: Option<&str>,
    ) -> Bound<'py, PyBytes> {
        let doc = data.as_bytes();
        let kept = py.detach(|| {
            let cleaned = self.cleaner.clean_site(doc, site_of(url));
            (!cleaned.is_unchanged()).then(|| cleaned.kept().into_owned())
        });
        match kept {
            None => data.clone(),
            Some(kept) => PyBytes::new(py, &kept),
        }
    }

    /// What would be removed from `doc` (a `str` or `bytes`) and why, in document order.
    /// Offsets into a `str` count code points unless the cleaner was made with
    /// `offsets="bytes"`; offsets into `bytes` count bytes.
    #[pyo3(signature = (doc, *, url=None))]
    fn removals(
        &self,
        py: Python<'_>,
        doc: &Bound<'_, PyAny>,
        url: Option<&str>,
    ) -> PyResult<Vec<PyRemoval>> {
        let doc = Doc::extract(doc)?;
        let chars = matches!(doc, Doc::Str(_)) && self.chars();
        let bytes = doc.bytes();
        Ok(py.detach(|| removals(&self.cleaner.clean_site(bytes, site_of(url)), chars)))
    }

    /// Cleans a list of documents (`str` or `bytes`, each returned as it came) on this
    /// cleaner's worker pool, with the GIL released. `urls`, when given, holds one URL
    /// (or None) per document. With `with_removals=True` each item is a tuple
    /// `(cleaned, removals)`. A document that is neither `str` nor `bytes` is a
    /// `TypeError` naming its index (`docs[3]: ...`), a `str` that is not valid Unicode
    /// (a lone surrogate) an `InputError` naming it; one `str` or `bytes` in place of
    /// the list is a `TypeError`. Nothing is cleaned then.
    #[pyo3(signature = (docs, *, urls=None, with_removals=false))]
    fn clean_batch<'py>(
        &self,
        py: Python<'py>,
        docs: &Bound<'py, PyAny>,
        urls: Option<Vec<Option<String>>>,
        with_removals: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        if docs.is_instance_of::<PyString>() || docs.is_instance_of::<PyBytes>() {
            // Iterated, a str is its characters and bytes its integers: each would be
            // taken as a document, or refused without saying what was wrong.
            return Err(PyTypeError::new_err(format!(
                "clean_batch takes a list of documents, not one {}: clean one document \
                 with clean() or clean_bytes(), or pass [doc]",
                docs.get_type().name()?
            )));
        }
        let objects: Vec<Bound<'py, PyAny>> = docs.try_iter()?.collect::<PyResult<_>>()?;
        let extracted: Vec<Doc<'_>> = objects
            .iter()
            .enumerate()
            .map(|(index, object)| Doc::extract(object).map_err(|error| at_index(py, index, error)))
            .collect::<PyResult<_>>()?;
        if let Some(urls) = &urls
            && urls.len() != extracted.len()
        {
            return Err(PyValueError::new_err(format!(
                "urls has {} entries for {} documents",
                urls.len(),
                extracted.len()
            )));
        }
        let bytes: Vec<&[u8]> = extracted.iter().map(Doc::bytes).collect();
        let pool = self.pool.get()?;
        let chars: Vec<bool> = extracted
            .iter()
            .map(|doc| matches!(doc, Doc::Str(_)) && self.chars())
            .collect();
        let results: Vec<(Option<Vec<u8>>, Vec<PyRemoval>)> = py.detach(|| {
            pool.install(|| {
                bytes
                    .par_iter()
                    .enumerate()
                    .map(|(index, doc)| {
                        let url = urls.as_ref().and_then(|urls| urls[index].as_deref());
                        let cleaned = self.cleaner.clean_site(doc, site_of(url));
                        let spans = if with_removals {
                            removals(&cleaned, chars[index])
                        } else {
                            Vec::new()
                        };
                        match cleaned.kept() {
                            Cow::Borrowed(_) => (None, spans),
                            Cow::Owned(kept) => (Some(kept), spans),
                        }
                    })
                    .collect()
            })
        });
        let out = PyList::empty(py);
        for ((object, doc), (kept, spans)) in objects.iter().zip(&extracted).zip(results) {
            let cleaned = match (kept, doc) {
                (None, _) => object.clone(),
                (Some(kept), Doc::Str(_)) => new_str(py, &kept)?.into_any(),
                (Some(kept), Doc::Bytes(_)) => PyBytes::new(py, &kept).into_any(),
            };
            if with_removals {
                out.append((cleaned, spans))?;
            } else {
                out.append(cleaned)?;
            }
        }
        Ok(out)
    }

    /// Cleans an Arrow array of strings or binaries (anything with `__arrow_c_array__`
    /// or `__arrow_c_stream__`: pyarrow, polars, arro3) on this cleaner's pool.
    ///
    /// Returns `(cleaned, spans)`: `cleaned` has the input's type and nulls; `spans`
    /// is `list<struct<start: int64, end: int64, reason: string>>`, one list per row
    /// (null for a null row). A `pyarrow.Array` comes back as `pyarrow.Array`s, a
    /// chunked array or stream as `pyarrow.ChunkedArray`s. `urls`, when given, is an
    /// Arrow string array of the same length.
    #[pyo3(signature = (array, *, urls=None))]
    fn clean_arrow<'py>(
        &self,
        py: Python<'py>,
        array: pyo3_arrow::input::AnyArray,
        urls: Option<pyo3_arrow::input::AnyArray>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        crate::arrow::clean_arrow(self, py, array, urls)
    }

    /// The normal-form keys of the document's non-blank lines, sorted and distinct: what
    /// `boilerstrip count` counts for it. With `scope="site"`, keys are per site (the
    /// host of `url`; no URL counts as the site "").
    #[pyo3(signature = (doc, *, scope="corpus", url=None))]
    fn document_keys(
        &self,
        py: Python<'_>,
        doc: &Bound<'_, PyAny>,
        scope: &str,
        url: Option<&str>,
    ) -> PyResult<Vec<u64>> {
        let site = match scope {
            "corpus" => None,
            "site" => Some(site_of(url).unwrap_or("")),
            other => {
                return Err(PyValueError::new_err(format!(
                    "scope must be \"corpus\" or \"site\", not {other:?}"
                )));
            }
        };
        let doc = Doc::extract(doc)?;
        let bytes = doc.bytes();
        Ok(py.detach(|| {
            let (mut scratch, mut keys) = (Vec::new(), Vec::new());
            document_keys(bytes, site, &mut scratch, &mut keys);
            keys
        }))
    }

    /// The names of the rules that run, in order.
    #[getter]
    fn rule_names(&self) -> Vec<String> {
        self.cleaner
            .rules()
            .iter()
            .map(|rule| rule.name().to_string())
            .collect()
    }

    /// The worker pool's size as asked for (`None`: one thread per core).
    #[getter]
    fn threads(&self) -> Option<usize> {
        self.pool.threads()
    }

    /// How removal offsets into a `str` are counted: "chars" or "bytes".
    #[getter]
    fn offsets(&self) -> &'static str {
        self.config.offsets.name()
    }

    /// Arguments that rebuild this cleaner (for pickling: a worker process compiles its
    /// own copy, and starts its own pool).
    fn __getnewargs_ex__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyTuple>, Bound<'py, PyDict>)> {
        let options = &self.config.options;
        let kwargs = PyDict::new(py);
        kwargs.set_item("rules", &options.rules)?;
        kwargs.set_item("disable", &options.disable)?;
        kwargs.set_item("counts", &options.counts)?;
        kwargs.set_item("min_docs", options.min_docs)?;
        kwargs.set_item("frequent_max_words", options.frequent_max_words)?;
        kwargs.set_item("threads", self.pool.threads())?;
        kwargs.set_item("offsets", self.config.offsets.name())?;
        kwargs.set_item("default_rules", options.default_rules)?;
        kwargs.set_item("scorer", options.scorer)?;
        kwargs.set_item("model", &options.model)?;
        Ok((PyTuple::empty(py), kwargs))
    }

    fn __repr__(&self) -> String {
        let options = &self.config.options;
        let mut parts = Vec::new();
        if !options.rules.is_empty() {
            parts.push(format!("rules={:?}", options.rules));
        }
        if !options.default_rules {
            parts.push("default_rules=False".to_string());
        }
        if !options.disable.is_empty() {
            parts.push(format!("disable={:?}", options.disable));
        }
        if let Some(counts) = &options.counts {
            parts.push(format!("counts={:?}", counts.display().to_string()));
        }
        if let Some(min_docs) = options.min_docs {
            parts.push(format!("min_docs={min_docs}"));
        }
        if let Some(max_words) = options.frequent_max_words {
            parts.push(format!("frequent_max_words={max_words}"));
        }
        if let Some(threads) = self.pool.threads() {
            parts.push(format!("threads={threads}"));
        }
        if self.config.offsets != Offsets::Chars {
            parts.push(format!("offsets={:?}", self.config.offsets.name()));
        }
        if options.scorer {
            parts.push("scorer=True".to_string());
        }
        if let Some(model) = &options.model {
            parts.push(format!("model={:?}", model.display().to_string()));
        }
        format!("Cleaner({})", parts.join(", "))
    }
}
