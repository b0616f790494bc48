//! Issue 12, the "nothing lost" property over random command lines: for random sets of
//! input paths (duplicates, nested folders, `.`/`..`, symbolic links, outputs among the
//! inputs) and random `-o`/`--stats` targets, the real binary either refuses before any
//! write (not a byte changes), or leaves every input as it was and writes each input's
//! cleaned text where it said it would.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;

use crate::harness::{Env, run};

/// Real files of the scratch tree; each holds `Text of NAME.` and a line the default
/// rules remove, so an output written over an input would change it.
const FILES: &[&str] = &["a.txt", "b.txt", "d/c.txt", "d/e/f.txt", "out/a.txt"];

/// How inputs may be spelled: plain, with `.`/`..`, through linked folders and files.
const INPUTS: &[&str] = &[
    "a.txt",
    "./a.txt",
    "d/../a.txt",
    "b.txt",
    "d/c.txt",
    "d/e/../c.txt",
    "link_dir/c.txt",
    "d/e/f.txt",
    "link_dir/e/f.txt",
    "link_a.txt",
    "out/a.txt",
];

/// `-o` targets: files (some of them inputs) and folders (some holding inputs).
const OUTPUTS: &[&str] = &[
    "a.txt",
    "d/c.txt",
    "link_a.txt",
    "link_dir/c.txt",
    "new.txt",
    "out/a.txt",
    "-",
    ".",
    "./d/..",
    "d",
    "d/e/",
    "link_dir",
    "out",
    "new_dir/",
];

const STATS: &[&str] = &[
    "a.txt",
    "s.json",
    "d/c.txt",
    "out/a.txt",
    "new.txt",
    "link_a.txt",
];

fn content(name: &str) -> String {
    format!("Text of {name}.\nSOURCE: AP\n")
}

fn cleaned(name: &str) -> String {
    format!("Text of {name}.\n")
}

fn scratch() -> Env {
    let env = Env::new();
    for name in FILES {
        env.write(name, content(name));
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("d", env.path("link_dir")).unwrap();
        std::os::unix::fs::symlink("a.txt", env.path("link_a.txt")).unwrap();
    }
    #[cfg(not(unix))]
    {
        env.write("link_dir/c.txt", content("d/c.txt"));
        env.write("link_dir/e/f.txt", content("d/e/f.txt"));
        env.write("link_a.txt", content("a.txt"));
    }
    env
}

/// Every regular file under `dir` (not following links) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            let kind = entry.file_type().unwrap();
            let name = path.strip_prefix(root).unwrap().to_path_buf();
            if kind.is_dir() {
                walk(&path, root, out);
                out.insert(name, b"<dir>".to_vec());
            } else if kind.is_symlink() {
                let target = std::fs::read_link(&path).unwrap();
                out.insert(name, format!("<link {}>", target.display()).into_bytes());
            } else if kind.is_file() {
                out.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The real file an input spelling reads.
fn real(input: &str) -> &'static str {
    match input {
        "a.txt" | "./a.txt" | "d/../a.txt" | "link_a.txt" => "a.txt",
        "b.txt" => "b.txt",
        "d/c.txt" | "d/e/../c.txt" | "link_dir/c.txt" => "d/c.txt",
        "d/e/f.txt" | "link_dir/e/f.txt" => "d/e/f.txt",
        "out/a.txt" => "out/a.txt",
        other => panic!("unknown input {other}"),
    }
}

fn check(inputs: &[&str], output: Option<&str>, stats: Option<&str>) -> Result<(), TestCaseError> {
    let env = scratch();
    let before = snapshot(&env.path(""));
    let mut cmd = env.cmd();
    cmd.args(inputs);
    if let Some(output) = output {
        cmd.args(["-o", output]);
    }
    if let Some(stats) = stats {
        cmd.args(["--stats", stats, "--deterministic"]);
    }
    let result = run(&mut cmd);
    let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
    let after = snapshot(&env.path(""));
    let case = format!("inputs {inputs:?}, -o {output:?}, --stats {stats:?}: {stderr}");
    match result.status.code() {
        Some(2) => {
            // Refused during planning: not a byte changed anywhere.
            prop_assert!(after == before, "a refused run changed files: {case}");
            return Ok(());
        }
        Some(0) => {}
        code => prop_assert!(false, "exit {code:?}: {case}"),
    }
    // Every input is still there, byte for byte.
    for input in inputs {
        let name = real(input);
        let original = content(name);
        prop_assert_eq!(
            after.get(Path::new(name)).map(Vec::as_slice),
            Some(original.as_bytes()),
            "input {} lost: {}",
            input,
            case
        );
    }
    // No temporary file is left.
    prop_assert!(
        after
            .keys()
            .all(|p| !p.to_string_lossy().ends_with(".partial")),
        "temporaries left: {case}"
    );
    // Each input's cleaned text is where the output went.
    let expected: Vec<String> = inputs.iter().map(|input| cleaned(real(input))).collect();
    match output {
        None | Some("-") => prop_assert_eq!(
            String::from_utf8_lossy(&result.stdout),
            expected.concat(),
            "{}",
            case
        ),
        Some(_) => {
            let written: Vec<String> = after
                .iter()
                .filter(|(path, bytes)| before.get(*path) != Some(*bytes))
                .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
                .collect();
            for text in &expected {
                prop_assert!(written.contains(text), "no output holds {text:?}: {case}");
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn issue_12_a_run_is_refused_or_loses_nothing(
        inputs in prop::collection::vec(prop::sample::select(INPUTS), 1..4),
        output in prop::option::of(prop::sample::select(OUTPUTS)),
        stats in prop::option::weighted(0.3, prop::sample::select(STATS)),
    ) {
        check(&inputs, output, stats)?;
    }
}

/// The cases that destroyed data before issue 12, always run.
#[test]
fn issue_12_known_losses_are_refused() {
    for (inputs, output, stats) in [
        (&["a.txt", "out/a.txt"][..], Some("out"), None),
        (&["a.txt"][..], Some("a.txt"), None),
        (&["a.txt", "b.txt"][..], Some("."), None),
        (&["d/c.txt"][..], Some("link_dir/c.txt"), None),
        (&["a.txt"][..], None, Some("a.txt")),
        (&["a.txt"][..], Some("new.txt"), Some("new.txt")),
        (&["a.txt"][..], None, Some("link_a.txt")),
    ] {
        check(inputs, output, stats).unwrap();
    }
}
