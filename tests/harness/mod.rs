//! Test harness: a temporary directory plus a command builder for the real binary, and
//! fenced expected/actual diffs on failure.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// A scratch directory and the binary.
pub struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `contents` to `name` in the scratch directory and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create fixture directory");
        }
        std::fs::write(&path, contents).expect("write fixture");
        path
    }

    /// The binary, run in the scratch directory.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("boilerstrip").expect("binary built");
        cmd.current_dir(self.dir.path()).env_remove("NO_COLOR");
        cmd
    }
}

/// Runs `cmd` and returns its output without asserting anything.
pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run boilerstrip")
}

/// Asserts byte equality, printing both sides in fenced blocks on failure.
#[track_caller]
pub fn assert_bytes_eq(what: &str, expected: &[u8], actual: &[u8]) {
    if expected != actual {
        panic!(
            "{what} differs\nexpected:\n```\n{}\n```\nactual:\n```\n{}\n```",
            String::from_utf8_lossy(expected),
            String::from_utf8_lossy(actual)
        );
    }
}

/// The repository root (for fixtures committed under `tests/`).
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}
