//! What the user sees on stderr while cleaning: the progress bar and the reports of
//! invalid records (the first few in full, then a count at the end).

use std::time::Duration;

use boilerstrip::Error;
use boilerstrip::pipeline::{Observer, Progress};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Invalid records reported one by one; the rest are only counted.
const SHOWN_INVALID: u64 = 20;

/// Progress bar and invalid-record reports for a run over all inputs.
pub struct Reporter {
    bar: Option<ProgressBar>,
    quiet: bool,
    invalid: u64,
    shown: u64,
    documents: u64,
    /// Bytes of the inputs finished before the current one.
    done_bytes: u64,
    /// Bytes read of the current input.
    current_bytes: u64,
}

impl Reporter {
    /// A reporter; `total` is the size of all inputs when known (all regular files).
    pub fn new(progress: bool, quiet: bool, total: Option<u64>) -> Reporter {
        let bar = progress.then(|| progress_bar(total));
        Reporter {
            bar,
            quiet,
            invalid: 0,
            shown: 0,
            documents: 0,
            done_bytes: 0,
            current_bytes: 0,
        }
    }

    /// The next input starts.
    pub fn next_input(&mut self) {
        self.done_bytes += self.current_bytes;
        self.current_bytes = 0;
    }

    /// Prints a message without tearing the bar.
    pub fn message(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| say!("{text}")),
            None => say!("{text}"),
        }
    }

    /// Invalid records seen so far.
    pub fn invalid(&self) -> u64 {
        self.invalid
    }

    /// Removes the bar and prints the count of invalid records, if any.
    pub fn finish(self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        let hidden = self.invalid - self.shown;
        if hidden > 0 {
            say!(
                "{} invalid records in total ({hidden} not shown)",
                self.invalid
            );
        } else if self.invalid > 0 {
            say!("{} invalid records in total", self.invalid);
        }
    }
}

impl Observer for Reporter {
    fn progress(&mut self, progress: Progress) {
        self.current_bytes = progress.bytes_read;
        self.documents += progress.documents;
        if let Some(bar) = &self.bar {
            bar.set_position(self.done_bytes + self.current_bytes);
            bar.set_message(format!("{} documents", self.documents));
        }
    }

    fn invalid(&mut self, error: &Error) {
        self.invalid += 1;
        if !self.quiet && self.shown < SHOWN_INVALID {
            self.shown += 1;
            self.message(&super::hints::describe_error(error));
        }
    }
}

fn progress_bar(total: Option<u64>) -> ProgressBar {
    let (bar, template) = match total {
        Some(total) => (
            ProgressBar::new(total),
            "{bar:30} {bytes}/{total_bytes} {msg} {binary_bytes_per_sec} ETA {eta}",
        ),
        None => (
            ProgressBar::no_length(),
            "{spinner} {bytes} {msg} {binary_bytes_per_sec} {elapsed}",
        ),
    };
    // Drawn whether or not stderr is a terminal: `auto` checked that already, and
    // `always` means always (e.g. into a log).
    let stderr = Box::new(console::Term::stderr());
    bar.set_draw_target(ProgressDrawTarget::term_like_with_hz(stderr, 4));
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(250));
    bar
}
