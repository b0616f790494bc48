//! Library error type: what went wrong, and where (file, line:column, or record). Its
//! data types, such as the place in an input, are defined here so that every layer can
//! use them; this module imports nothing of the crate.

use std::fmt;
use std::path::PathBuf;

/// Every error the library returns.
///
/// The `Display` form is one line that names where the problem is (a rule file with
/// `line:column` and key, an input file with its record number, or a path) and why.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct Error {
    kind: ErrorKind,
}

/// What kind of failure an [`Error`] is; useful for choosing an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCategory {
    /// A rule file is malformed or a rule is invalid.
    Rules,
    /// Reading or writing failed.
    Io,
    /// A configured limit was exceeded.
    Limit,
    /// A setting names something that does not exist or does not fit.
    Config,
    /// A count table is truncated, corrupted or of another version.
    Table,
    /// A record of an input cannot be processed (invalid JSON, missing field, malformed
    /// WARC header).
    Input,
    /// The run was stopped from outside (a `pipeline::StopFlag`).
    Interrupted,
}

#[derive(Debug, thiserror::Error)]
enum ErrorKind {
    #[error("{origin}:{line}:{column}: {}{message}", key_prefix(key))]
    Rule {
        origin: String,
        line: usize,
        column: usize,
        key: Option<String>,
        message: String,
    },
    #[error("{}{}: {error}", path.display(), in_parens(place))]
    Io {
        path: PathBuf,
        place: Option<Place>,
        error: std::io::Error,
    },
    #[error(
        "{origin}: {place} is larger than the limit of {} bytes{}",
        size.limit,
        outcome.map_or(" (nothing was truncated)".to_string(), |outcome| format!("; {outcome}"))
    )]
    TooLarge {
        origin: String,
        place: Place,
        size: SizeLimit,
        outcome: Option<&'static str>,
    },
    #[error("{origin}: {message}")]
    Table { origin: String, message: String },
    #[error("{message}")]
    Config { message: String },
    #[error("{origin}: {place}: {reason}")]
    Input {
        origin: String,
        place: Place,
        reason: String,
    },
    #[error("{origin}: {}", mismatch.reason())]
    Mismatch { origin: String, mismatch: Mismatch },
    #[error("interrupted")]
    Interrupted,
    #[error("cannot compile the rules: {message}")]
    Compile { message: String },
}

fn in_parens(place: &Option<Place>) -> String {
    place.map(|place| format!(" ({place})")).unwrap_or_default()
}

fn key_prefix(key: &Option<String>) -> String {
    key.as_ref()
        .map(|key| format!("key `{key}`: "))
        .unwrap_or_default()
}

impl Error {
    /// An error in a rule file at `line:column` (1-based), about `key` when known.
    pub(crate) fn rule(
        origin: &str,
        (line, column): (usize, usize),
        key: Option<&str>,
        message: impl Into<String>,
    ) -> Error {
        Error {
            kind: ErrorKind::Rule {
                origin: origin.to_string(),
                line,
                column,
                key: key.map(str::to_string),
                message: message.into(),
            },
        }
    }

    /// An I/O failure on `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, error: std::io::Error) -> Error {
        Error {
            kind: ErrorKind::Io {
                path: path.into(),
                place: None,
                error,
            },
        }
    }

    /// `place` of input `origin` is over the size limit and stops the input; nothing was
    /// truncated.
    pub(crate) fn too_large(origin: &str, place: Place, size: SizeLimit) -> Error {
        Error {
            kind: ErrorKind::TooLarge {
                origin: origin.to_string(),
                place,
                size,
                outcome: None,
            },
        }
    }

    /// `place` of input `origin` is over the size limit, and the run goes on: `outcome`
    /// says what became of it (e.g. `copied through uncleaned`). An input error.
    pub(crate) fn too_large_record(
        origin: &str,
        place: Place,
        size: SizeLimit,
        outcome: &'static str,
    ) -> Error {
        Error {
            kind: ErrorKind::TooLarge {
                origin: origin.to_string(),
                place,
                size,
                outcome: Some(outcome),
            },
        }
    }

    /// A setting that names something unknown or does not fit.
    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Config {
                message: message.into(),
            },
        }
    }

    /// A count table that cannot be used.
    pub(crate) fn table(origin: &str, message: String) -> Error {
        Error {
            kind: ErrorKind::Table {
                origin: origin.to_string(),
                message,
            },
        }
    }

    /// The record at `place` of input `origin` cannot be processed, for `reason`.
    pub(crate) fn input(origin: &str, place: Place, reason: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Input {
                origin: origin.to_string(),
                place,
                reason: reason.into(),
            },
        }
    }

    /// Input `origin` is not in the format it would be read as, and reading it would
    /// mangle it: nothing of it was read as records.
    pub(crate) fn mismatched(origin: &str, mismatch: Mismatch) -> Error {
        Error {
            kind: ErrorKind::Mismatch {
                origin: origin.to_string(),
                mismatch,
            },
        }
    }

    /// The run was stopped by its stop flag.
    pub(crate) fn interrupted() -> Error {
        Error {
            kind: ErrorKind::Interrupted,
        }
    }

    /// The marker automaton could not be built.
    pub(crate) fn compile(message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Compile {
                message: message.into(),
            },
        }
    }

    /// Adds where an I/O error happened (e.g. `after record 3, near input byte 1024`);
    /// other errors already say where they are.
    pub(crate) fn located(mut self, at: Place) -> Error {
        if let ErrorKind::Io { place, .. } = &mut self.kind {
            *place = Some(at);
        }
        self
    }

    /// The broad category of this error.
    pub fn category(&self) -> ErrorCategory {
        match self.kind {
            ErrorKind::Rule { .. } | ErrorKind::Compile { .. } => ErrorCategory::Rules,
            ErrorKind::Io { .. } => ErrorCategory::Io,
            ErrorKind::TooLarge { outcome: None, .. } => ErrorCategory::Limit,
            ErrorKind::TooLarge { .. } => ErrorCategory::Input,
            ErrorKind::Config { .. } => ErrorCategory::Config,
            ErrorKind::Table { .. } => ErrorCategory::Table,
            ErrorKind::Input { .. } | ErrorKind::Mismatch { .. } => ErrorCategory::Input,
            ErrorKind::Interrupted => ErrorCategory::Interrupted,
        }
    }

    /// The size limit a document or record exceeded, if that is what this error is about.
    pub fn size_limit(&self) -> Option<&SizeLimit> {
        match &self.kind {
            ErrorKind::TooLarge { size, .. } => Some(size),
            _ => None,
        }
    }

    /// How the input differs from the format it would be read as, if that is what this
    /// error is about.
    pub fn mismatch(&self) -> Option<Mismatch> {
        match &self.kind {
            ErrorKind::Mismatch { mismatch, .. } => Some(*mismatch),
            _ => None,
        }
    }

    /// Where in its input this error happened, when it is about one place of an input.
    pub fn place(&self) -> Option<Place> {
        match &self.kind {
            ErrorKind::Io { place, .. } => *place,
            ErrorKind::TooLarge { place, .. } | ErrorKind::Input { place, .. } => Some(*place),
            _ => None,
        }
    }

    /// The underlying I/O error, if this is an I/O failure.
    pub fn io_error(&self) -> Option<&std::io::Error> {
        match &self.kind {
            ErrorKind::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// An input whose first bytes say that reading it as its format would mangle it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mismatch {
    /// To be read as text, but it starts like another format (`looks_like`, its name:
    /// `warc`, `parquet`), whose headers or bytes would be cleaned as lines.
    NotText {
        /// The name of the format it looks like.
        looks_like: &'static str,
    },
    /// Its format unsaid, it holds one JSON value over many lines (a pretty-printed
    /// array or object), which is not JSON Lines; as text, its keys and brackets would be
    /// cleaned as lines.
    JsonDocument,
}

impl Mismatch {
    /// Why the input was not read, in a sentence.
    pub fn reason(self) -> String {
        match self {
            Mismatch::NotText { looks_like } => format!(
                "it starts like {}, not text; read as text, it would be cleaned line by line, \
                 so it was not read",
                looks_like.to_uppercase()
            ),
            Mismatch::JsonDocument => {
                "it holds one JSON value over many lines (it starts with `[` \
                 or a line of `{` alone), not JSON Lines (one object per line); read as text, its \
                 keys and brackets would be cleaned as lines, so it was not read"
                    .to_string()
            }
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A place in one input, for errors and reports. Its `Display` form is the one wording
/// used everywhere: `document 2`, `line 7`, `WARC record 3 (at byte 1024)`,
/// `after record 3, near input byte 1024`.
///
/// ```
/// use boilerstrip::formats::Place;
/// let place = Place::WarcRecord { number: 3, offset: 1024 };
/// assert_eq!(place.to_string(), "WARC record 3 (at byte 1024)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Place {
    /// The 1-based number of a text document.
    Document(u64),
    /// The 1-based number of a JSONL line.
    Line(u64),
    /// A WARC record: its 1-based number and the offset where it starts in the
    /// decompressed stream.
    WarcRecord {
        /// 1-based number of the record.
        number: u64,
        /// Offset of its first byte in the decompressed stream.
        offset: u64,
    },
    /// A row group of a Parquet file, 0-based as Parquet tools count them.
    RowGroup(u64),
    /// The start of the input (e.g. a byte order mark).
    Start,
    /// A read failed after `records` whole records, with about `raw_byte` bytes of the
    /// raw (possibly compressed) input read.
    After {
        /// Records read before the failure.
        records: u64,
        /// Bytes of the raw input read so far (reads are buffered, so this is near).
        raw_byte: u64,
    },
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Document(number) => write!(f, "document {number}"),
            Place::Line(number) => write!(f, "line {number}"),
            Place::WarcRecord { number, offset } => {
                write!(f, "WARC record {number} (at byte {offset})")
            }
            Place::RowGroup(index) => write!(f, "row group {index}"),
            Place::Start => f.write_str("start of input"),
            Place::After { records, raw_byte } => {
                write!(f, "after record {records}, near input byte {raw_byte}")
            }
        }
    }
}

/// Data about a document or record over the size limit, from which a caller can word
/// advice (which setting raises the limit, which format the input may be in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SizeLimit {
    /// The limit that was exceeded, in bytes.
    pub limit: usize,
    /// For an input read as text: the name of the format its first bytes look like
    /// (`warc`, `jsonl`, as `formats::Format::name` spells it),
    /// when they look like another one.
    pub looks_like: Option<&'static str>,
}

impl SizeLimit {
    /// The limit `limit`, for an input that looks like the format named `looks_like`, if
    /// anything else.
    pub fn new(limit: usize, looks_like: Option<&'static str>) -> SizeLimit {
        SizeLimit { limit, looks_like }
    }
}
