//! Exit codes, as a typed enum.

/// How the process ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything was processed.
    Success = 0,
    /// Ran to the end, but some input could not be processed (reported), or a rule test
    /// failed.
    Invalid = 1,
    /// An error stopped the run: bad flags, unreadable rules or input, write failure.
    Error = 2,
    /// Stopped by SIGINT or SIGTERM: finished outputs are kept, unfinished ones removed.
    Interrupted = 130,
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit as u8)
    }
}
