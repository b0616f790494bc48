//! The error for one record that cannot be processed, shared by the format modules.

use std::fmt;

/// Why one record could not be processed (the caller adds file name and record number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// Human-readable explanation, e.g. "field `text` is missing".
    pub message: String,
}

impl RecordError {
    /// Creates an error carrying `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RecordError {}
