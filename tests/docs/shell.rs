//! Every shell example in the docs runs: ```` ```sh ```` and ```` ```console ```` blocks of
//! the Markdown files are run with bash, one scratch directory per file, with the built
//! `boilerstrip` first on `PATH` and copies of the repository's fixtures.
//!
//! The conventions (CONTRIBUTING.md, "Documentation"):
//! - ```` ```sh ````: the block is one bash script (`set -eo pipefail`) that must exit 0.
//! - ```` ```console ````: `$ ` lines are commands (a trailing `\` continues one); the
//!   lines up to the next command are its exact standard output, and a last line `? N`
//!   its exit status (0 when absent).
//! - ```` ```toml ```` whose first line is `# NAME.toml`: written to `NAME.toml` for the
//!   blocks after it.
//! - ```` ```sh no-run ```` / ```` ```console no-run ````: shown, never run (`cargo
//!   install`, commands that need the network or hours).
//!
//! Blocks of one file run in order in the same directory, so a later block can use what
//! an earlier one wrote.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::harness::repo;

/// Fixture directories copied into each scratch directory, relative to the repository.
const FIXTURES: &[&str] = &["tests/golden", "tests/data", "rules"];

#[derive(Debug, PartialEq)]
enum Kind {
    Sh,
    Console,
    /// A file the later blocks use.
    File(String),
}

#[derive(Debug, PartialEq)]
struct Block {
    kind: Kind,
    /// 1-based line of the opening fence.
    line: usize,
    body: String,
}

/// The Markdown files whose examples run: the top-level ones, `docs/*.md` and
/// `benches/README.md`.
fn doc_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in [repo().to_path_buf(), repo().join("docs")] {
        for entry in std::fs::read_dir(&dir).expect("read a docs directory") {
            let path = entry.expect("directory entry").path();
            if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.push(repo().join("benches/README.md"));
    files.sort();
    files
}

/// The runnable blocks of one Markdown file; an unknown flag after `sh` or `console` is
/// an error, so that a misspelt `no-run` cannot hide a block.
fn blocks(markdown: &str) -> Result<Vec<Block>, String> {
    let mut out = Vec::new();
    let mut lines = markdown.lines().enumerate();
    while let Some((at, line)) = lines.next() {
        let trimmed = line.trim_start();
        let Some(info) = trimmed.strip_prefix("```") else {
            continue;
        };
        let indent = line.len() - trimmed.len();
        let mut body = String::new();
        for (_, line) in lines.by_ref() {
            if line.trim_start().starts_with("```") {
                break;
            }
            body.push_str(line.get(indent..).unwrap_or(line.trim_start()));
            body.push('\n');
        }
        let mut words = info.split_whitespace();
        let language = words.next().unwrap_or("");
        let flags: Vec<&str> = words.collect();
        let kind = match language {
            "sh" | "console" => {
                if let Some(flag) = flags.iter().find(|f| **f != "no-run") {
                    return Err(format!(
                        "line {}: unknown flag `{flag}` (only `no-run`)",
                        at + 1
                    ));
                }
                if flags.contains(&"no-run") {
                    continue;
                }
                if language == "sh" {
                    Kind::Sh
                } else {
                    Kind::Console
                }
            }
            "toml" => match body.lines().next().and_then(|l| l.strip_prefix("# ")) {
                Some(name) if name.ends_with(".toml") && !name.contains(' ') => {
                    Kind::File(name.to_string())
                }
                _ => continue,
            },
            _ => continue,
        };
        out.push(Block {
            kind,
            line: at + 1,
            body,
        });
    }
    Ok(out)
}

/// One command of a console block and what it must print.
#[derive(Debug, PartialEq)]
struct Expect {
    command: String,
    stdout: String,
    status: i32,
}

fn console_commands(body: &str) -> Vec<Expect> {
    let mut out: Vec<Expect> = Vec::new();
    let mut continued = false;
    for line in body.lines() {
        if continued {
            let last = out.last_mut().expect("a command is being continued");
            last.command.push('\n');
            last.command.push_str(line);
            continued = line.ends_with('\\');
        } else if let Some(command) = line.strip_prefix("$ ") {
            out.push(Expect {
                command: command.to_string(),
                stdout: String::new(),
                status: 0,
            });
            continued = command.ends_with('\\');
        } else if let Some(last) = out.last_mut() {
            match line.strip_prefix("? ").map(str::parse) {
                Some(Ok(status)) => last.status = status,
                _ => {
                    last.stdout.push_str(line);
                    last.stdout.push('\n');
                }
            }
        }
    }
    out
}

/// A scratch directory with the fixtures, for one Markdown file.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for fixture in FIXTURES {
        copy_dir(&repo().join(fixture), &dir.path().join(fixture));
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create fixture directory");
    for entry in std::fs::read_dir(from).expect("read fixture directory") {
        let entry = entry.expect("directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture");
        }
    }
}

/// Runs `script` with bash in `dir`; returns (status, stdout, stderr).
fn bash(dir: &Path, script: &str) -> (i32, String, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_boilerstrip"))
        .parent()
        .expect("binary directory");
    let path = std::env::join_paths(std::iter::once(bin.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("PATH");
    let output = Command::new("bash")
        .args(["-c", script])
        .current_dir(dir)
        .env("PATH", path)
        .env_remove("NO_COLOR")
        .env_remove("UPDATE_DOCS")
        .stdin(Stdio::null())
        .output()
        .expect("run bash");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs the examples of one file; returns a description of each failure.
fn run_file(path: &Path) -> Vec<String> {
    let name = path
        .strip_prefix(repo())
        .unwrap_or(path)
        .display()
        .to_string();
    let markdown = std::fs::read_to_string(path).expect("read a Markdown file");
    let blocks = match blocks(&markdown) {
        Ok(blocks) => blocks,
        Err(error) => return vec![format!("{name}: {error}")],
    };
    let dir = scratch();
    let mut failures = Vec::new();
    for block in blocks {
        let at = format!("{name}:{}", block.line);
        match block.kind {
            Kind::File(file) => {
                std::fs::write(dir.path().join(file), &block.body).expect("write a doc file")
            }
            Kind::Sh => {
                let (status, stdout, stderr) =
                    bash(dir.path(), &format!("set -eo pipefail\n{}", block.body));
                if status != 0 {
                    failures.push(format!(
                        "{at}: the block exited with {status}\n{}\nstdout:\n{stdout}\nstderr:\n{stderr}",
                        block.body
                    ));
                }
            }
            Kind::Console => {
                for expect in console_commands(&block.body) {
                    let (status, stdout, stderr) =
                        bash(dir.path(), &format!("set -o pipefail\n{}", expect.command));
                    if status != expect.status || stdout != expect.stdout {
                        failures.push(format!(
                            "{at}: $ {}\nexpected exit {}, stdout:\n{}got exit {status}, stdout:\n{stdout}stderr:\n{stderr}",
                            expect.command, expect.status, expect.stdout
                        ));
                    }
                }
            }
        }
    }
    failures
}

#[test]
fn every_shell_example_in_the_docs_runs() {
    let files = doc_files();
    assert!(
        files.iter().any(|f| f.ends_with("docs/guide.md")),
        "the guide is among {files:?}"
    );
    let failures: Vec<String> = files.iter().flat_map(|f| run_file(f)).collect();
    assert!(
        failures.is_empty(),
        "{} failing doc example(s):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn blocks_are_found_with_their_kind_and_flags() {
    let markdown = "text\n```sh\nboilerstrip a\n```\n```sh no-run\ncargo install\n```\n  ```console\n  $ echo hi\n  hi\n  ```\n```toml\n# my.toml\nx = 1\n```\n```toml\nx = 1\n```\n```text\n$ not run\n```\n";
    let found = blocks(markdown).unwrap();
    assert_eq!(
        found,
        vec![
            Block {
                kind: Kind::Sh,
                line: 2,
                body: "boilerstrip a\n".into()
            },
            Block {
                kind: Kind::Console,
                line: 8,
                body: "$ echo hi\nhi\n".into()
            },
            Block {
                kind: Kind::File("my.toml".into()),
                line: 12,
                body: "# my.toml\nx = 1\n".into()
            },
        ]
    );
    assert!(
        blocks("```sh no_run\nx\n```\n")
            .unwrap_err()
            .contains("no_run")
    );
}

#[test]
fn console_blocks_split_into_commands_output_and_status() {
    let found = console_commands("$ a \\\n  --flag\nout 1\nout 2\n? 2\n$ b\n");
    assert_eq!(
        found,
        vec![
            Expect {
                command: "a \\\n  --flag".into(),
                stdout: "out 1\nout 2\n".into(),
                status: 2
            },
            Expect {
                command: "b".into(),
                stdout: String::new(),
                status: 0
            },
        ]
    );
}

#[test]
fn a_failing_example_is_reported_with_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.md");
    std::fs::write(
        &path,
        "# x\n\n```sh\nboilerstrip --no-such-flag\n```\n\n```console\n$ echo hi\nho\n```\n",
    )
    .unwrap();
    let failures = run_file(&path);
    assert_eq!(failures.len(), 2, "{failures:#?}");
    assert!(
        failures[0].contains("bad.md:3: the block exited with 2"),
        "{}",
        failures[0]
    );
    assert!(
        failures[1].contains("bad.md:7: $ echo hi"),
        "{}",
        failures[1]
    );
}
