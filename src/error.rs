//! Library error type: what went wrong, and where (file, line:column, or record).

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
    /// The run was stopped from outside (a [`crate::pipeline::StopFlag`]).
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
    #[error("{}: {error}", path.display())]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{message}")]
    Limit { message: String },
    #[error("{origin}: {message}")]
    Table { origin: String, message: String },
    #[error("{message}")]
    Config { message: String },
    #[error("{origin}: {record}: {message}")]
    Input {
        origin: String,
        record: String,
        message: String,
    },
    #[error("interrupted")]
    Interrupted,
    #[error("cannot compile the rules: {message}")]
    Compile { message: String },
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
                error,
            },
        }
    }

    /// A configured limit was exceeded; the message names the limit and how to raise it.
    pub(crate) fn limit(message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Limit {
                message: message.into(),
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

    /// Record `record` of input `origin` (e.g. `line 7`) cannot be processed.
    pub(crate) fn input(origin: &str, record: String, message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Input {
                origin: origin.to_string(),
                record,
                message: message.into(),
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

    /// Adds where an I/O error happened (e.g. `after record 3, near input byte 1024`) to
    /// its path; other errors already say where they are.
    pub(crate) fn located(mut self, place: &str) -> Error {
        if let ErrorKind::Io { path, .. } = &mut self.kind {
            *path = PathBuf::from(format!("{} ({place})", path.display()));
        }
        self
    }

    /// The broad category of this error.
    pub fn category(&self) -> ErrorCategory {
        match self.kind {
            ErrorKind::Rule { .. } | ErrorKind::Compile { .. } => ErrorCategory::Rules,
            ErrorKind::Io { .. } => ErrorCategory::Io,
            ErrorKind::Limit { .. } => ErrorCategory::Limit,
            ErrorKind::Config { .. } => ErrorCategory::Config,
            ErrorKind::Table { .. } => ErrorCategory::Table,
            ErrorKind::Input { .. } => ErrorCategory::Input,
            ErrorKind::Interrupted => ErrorCategory::Interrupted,
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

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
