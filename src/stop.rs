//! The stop flag: how a signal handler (or any caller) asks every long loop to end
//! early. It sits in the lowest layer so that each layer's long loops — the cleaner's
//! scan of a huge document, the pipeline's batches, a count table merge — can check it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};

/// A flag that asks running work to stop at its next check; cheap to clone and to set
/// from a signal handler.
///
/// ```
/// use boilerstrip::StopFlag;
/// let stop = StopFlag::new();
/// let handle = stop.clone();
/// assert!(stop.check().is_ok());
/// handle.stop();
/// assert!(stop.is_stopped() && stop.check().is_err());
/// ```
#[derive(Debug, Clone, Default)]
pub struct StopFlag(Arc<AtomicBool>);

impl StopFlag {
    /// A flag that is not set.
    pub fn new() -> StopFlag {
        StopFlag::default()
    }

    /// Asks every run holding this flag to stop.
    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// True once [`StopFlag::stop`] was called.
    pub fn is_stopped(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// `Err(interrupted)` once stopped.
    pub fn check(&self) -> Result<()> {
        if self.is_stopped() {
            Err(Error::interrupted())
        } else {
            Ok(())
        }
    }
}
