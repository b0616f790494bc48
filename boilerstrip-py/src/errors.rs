//! Library errors as the Python exceptions of `boilerstrip.errors`, with the message the
//! CLI prints (a rule file error keeps `file:line:col`).

use boilerstrip::{Error, ErrorCategory};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// The exception class in `boilerstrip.errors` for an error category.
fn class_name(category: ErrorCategory) -> &'static str {
    match category {
        ErrorCategory::Rules => "RuleError",
        ErrorCategory::Io => "BoilerstripOSError",
        ErrorCategory::Limit => "LimitError",
        ErrorCategory::Config => "ConfigError",
        ErrorCategory::Table => "CountTableError",
        ErrorCategory::Input => "InputError",
        _ => "BoilerstripError",
    }
}

/// `error` as a Python exception with its `Display` text as the message.
pub fn to_py(error: Error) -> PyErr {
    let message = error.to_string();
    let errno = error.io_error().and_then(std::io::Error::raw_os_error);
    Python::attach(|py| {
        let raised = py
            .import("boilerstrip.errors")
            .and_then(|module| module.getattr(class_name(error.category())))
            .and_then(|class| match errno {
                Some(errno) => class.call1((errno, message.clone())),
                None => class.call1((message.clone(),)),
            });
        match raised {
            Ok(exception) => PyErr::from_value(exception),
            Err(_) => PyValueError::new_err(message),
        }
    })
}
