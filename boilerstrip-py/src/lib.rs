//! The `boilerstrip._boilerstrip` Python extension: the library's `Cleaner` for Python
//! strings, bytes, lists and Arrow arrays, with the GIL released around the work.
//!
//! The Python package (`python/boilerstrip`) re-exports [`cleaner::PyCleaner`] as
//! `boilerstrip.Cleaner` and adds the exceptions, the `hf_map` glue and the datatrove
//! step in Python.

#![deny(missing_docs)]
#![deny(unsafe_code)]

mod arrow;
mod cleaner;
mod corpus;
mod errors;
mod pool;

use pyo3::prelude::*;

/// The extension module.
#[pymodule]
fn _boilerstrip(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<cleaner::PyCleaner>()?;
    module.add_class::<cleaner::PyRemoval>()?;
    corpus::register(module)?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
