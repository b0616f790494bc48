//! Each `Cleaner`'s own worker pool: created on first use, and created again in a child
//! process after `fork`, whose copy of the parent's pool has no threads behind it.

use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use rayon::ThreadPool;

/// A rayon pool that belongs to one process.
pub struct Pool {
    threads: Option<usize>,
    slot: Mutex<Option<(u32, Arc<ThreadPool>)>>,
}

impl Pool {
    /// A pool of `threads` threads (default: one per core), not started yet.
    pub fn new(threads: Option<usize>) -> Pool {
        Pool {
            threads,
            slot: Mutex::new(None),
        }
    }

    /// The number of threads asked for, if any.
    pub fn threads(&self) -> Option<usize> {
        self.threads
    }

    /// The pool of this process, started now if this process has none yet. A pool
    /// inherited through `fork` is left alone (its threads live only in the parent;
    /// shutting it down from here could wait on them forever) and replaced.
    pub fn get(&self) -> PyResult<Arc<ThreadPool>> {
        let pid = std::process::id();
        let mut slot = self
            .slot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((owner, pool)) = slot.as_ref()
            && *owner == pid
        {
            return Ok(Arc::clone(pool));
        }
        if let Some(inherited) = slot.take() {
            std::mem::forget(inherited);
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.threads.unwrap_or(0))
            .thread_name(|index| format!("boilerstrip-{index}"))
            .build()
            .map_err(|error| {
                PyRuntimeError::new_err(format!("cannot start the worker threads: {error}"))
            })?;
        let pool = Arc::new(pool);
        *slot = Some((pid, Arc::clone(&pool)));
        Ok(pool)
    }
}
