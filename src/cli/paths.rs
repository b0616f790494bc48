//! Path safety before any work: refuses a run when a file it writes is a file it reads,
//! or when two of the files it writes are one file.
//!
//! Two paths are the same file when they land at the same place (the directory, with
//! symbolic links and `.`/`..` resolved, plus the file name) or, where the file exists,
//! when they name the same device and inode (hard links, symbolic links to the file,
//! `/proc/self/fd/N`). Lookups go through hash maps, so checking n inputs against n
//! outputs is linear in n. Special files (FIFOs, devices, sockets) are streams, not
//! contents that could be overwritten: writing one is never refused.

use std::collections::HashMap;
use std::fs::Metadata;
use std::path::{Component, Path, PathBuf};

use anyhow::{Result, bail};

/// Device and inode of an existing file.
type FileId = (u64, u64);

/// The files a run reads and writes, checked against each other as they are added.
#[derive(Debug, Default)]
pub struct PathGuard {
    /// Absolute directory → the same directory with links and `..` resolved.
    directories: HashMap<PathBuf, PathBuf>,
    /// Place (resolved directory + file name) → index into `entries`.
    by_place: HashMap<PathBuf, usize>,
    /// Device and inode → index into `entries`.
    by_id: HashMap<FileId, usize>,
    entries: Vec<Entry>,
}

#[derive(Debug)]
struct Entry {
    /// How the user named it: `the input a.txt`, `--stats s.json`.
    what: String,
    written: bool,
    /// A folder the run writes into (recording it again is no clash).
    folder: bool,
}

/// Where a path lands and, when it exists as a regular file, which file that is.
struct Resolved {
    place: PathBuf,
    id: Option<FileId>,
    special: bool,
}

impl PathGuard {
    /// A guard that knows no files yet.
    pub fn new() -> PathGuard {
        PathGuard::default()
    }

    /// Records that the run reads `path`, described as `what` (e.g. `the input a.txt`).
    /// Reading a file twice is not refused here.
    pub fn read(&mut self, what: impl Into<String>, path: &Path) {
        let resolved = self.resolve(path);
        self.add(what.into(), resolved, false, false);
    }

    /// Records that the run reads `path`, described as `what`, and fails, naming both
    /// paths, when it already reads that file under this or another name; `twice` says
    /// what reading it twice would do.
    pub fn read_once(&mut self, what: impl Into<String>, path: &Path, twice: &str) -> Result<()> {
        let what = what.into();
        let resolved = self.resolve(path);
        if !resolved.special
            && let Some(index) = self.clash(&resolved)
        {
            bail!(
                "{} and {what} are the same file: {twice}",
                self.entries[index].what
            );
        }
        self.add(what, resolved, false, false);
        Ok(())
    }

    /// Records that the run reads standard input, when standard input is a regular file
    /// (`< file`): writing that file would destroy what is being read.
    pub fn read_stdin(&mut self) {
        if let Some(id) = stdio_id(Stdio::In) {
            self.add_id("standard input".into(), id, false);
        }
    }

    /// Records that the run writes `path`, described as `what` (e.g. `-o out.txt, the
    /// output of a.txt`); fails, naming both paths, when `path` is a file the run reads
    /// or another file it writes.
    pub fn write(&mut self, what: impl Into<String>, path: &Path) -> Result<()> {
        self.record_write(what.into(), path, false)
    }

    /// Records that the run writes into the folder `dir` (creating it if need be),
    /// described as `what`, so that no file the run writes or reads may be that folder.
    /// A folder recorded again is fine.
    pub fn write_folder(&mut self, what: impl Into<String>, dir: &Path) -> Result<()> {
        self.record_write(what.into(), dir, true)
    }

    fn record_write(&mut self, what: String, path: &Path, folder: bool) -> Result<()> {
        let resolved = self.resolve(path);
        if !resolved.special
            && let Some(index) = self.clash(&resolved)
        {
            let other = &self.entries[index];
            if folder && other.folder {
                return Ok(());
            }
            if other.written {
                bail!(
                    "{what} and {} are the same file; nothing was written",
                    other.what
                );
            }
            bail!(
                "{what} would overwrite {}, which this run reads; nothing was written",
                other.what
            );
        }
        self.add(what, resolved, true, folder);
        Ok(())
    }

    /// Fails when standard output is a regular file that the run reads (`boilerstrip
    /// a.txt >> a.txt` would read its own output).
    pub fn write_stdout(&mut self) -> Result<()> {
        let Some(id) = stdio_id(Stdio::Out) else {
            return Ok(());
        };
        if let Some(&index) = self.by_id.get(&id) {
            bail!(
                "standard output is {}, which this run reads; nothing was written",
                self.entries[index].what
            );
        }
        Ok(())
    }

    /// The file already known at `resolved`'s place or with its device and inode.
    fn clash(&self, resolved: &Resolved) -> Option<usize> {
        self.by_place
            .get(&resolved.place)
            .copied()
            .or_else(|| resolved.id.and_then(|id| self.by_id.get(&id).copied()))
    }

    fn add(&mut self, what: String, resolved: Resolved, written: bool, folder: bool) {
        let index = self.entries.len();
        self.entries.push(Entry {
            what,
            written,
            folder,
        });
        self.by_place.entry(resolved.place).or_insert(index);
        if let Some(id) = resolved.id {
            self.by_id.entry(id).or_insert(index);
        }
    }

    fn add_id(&mut self, what: String, id: FileId, written: bool) {
        let index = self.entries.len();
        self.entries.push(Entry {
            what,
            written,
            folder: false,
        });
        self.by_id.entry(id).or_insert(index);
    }

    fn resolve(&mut self, path: &Path) -> Resolved {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let place = match (absolute.parent(), absolute.file_name()) {
            (Some(parent), Some(name)) => self.directory(parent).join(name),
            _ => self.directory(&absolute),
        };
        let metadata = std::fs::metadata(path).ok();
        let special = metadata
            .as_ref()
            .is_some_and(|m| !m.is_file() && !m.is_dir());
        Resolved {
            place,
            id: metadata.as_ref().and_then(file_id),
            special,
        }
    }

    /// `dir` with symbolic links and `..` resolved as far as it exists; the missing rest
    /// is appended by name (it holds no links yet).
    fn directory(&mut self, dir: &Path) -> PathBuf {
        if let Some(known) = self.directories.get(dir) {
            return known.clone();
        }
        let resolved = match std::fs::canonicalize(dir) {
            Ok(resolved) => resolved,
            Err(_) => match (dir.parent(), dir.components().next_back()) {
                (Some(parent), Some(Component::Normal(name))) => self.directory(parent).join(name),
                (Some(parent), Some(Component::ParentDir)) => {
                    let mut resolved = self.directory(parent);
                    resolved.pop();
                    resolved
                }
                (Some(parent), _) => self.directory(parent),
                (None, _) => dir.to_path_buf(),
            },
        };
        self.directories.insert(dir.to_path_buf(), resolved.clone());
        resolved
    }
}

/// Refuses, naming both paths, an input given twice (under any name; `twice` says what
/// reading it twice would do), and an output that is one of the inputs or another
/// output. For the commands that read each input once into one result (`count`, `top`).
/// `None` among the inputs is standard input.
pub fn refuse_overlaps(inputs: &[Option<PathBuf>], outputs: &[&Path], twice: &str) -> Result<()> {
    let mut guard = PathGuard::new();
    for input in inputs.iter().flatten() {
        guard.read_once(format!("the input {}", input.display()), input, twice)?;
    }
    for output in outputs {
        guard.write(format!("the output {}", output.display()), output)?;
    }
    Ok(())
}

/// True when standard output was closed when the process started (`>&-`). The Rust
/// runtime then opens `/dev/null` for reading and writing in its place, so writes would
/// vanish with success; a shell redirection to `/dev/null` opens it for writing only.
#[cfg(target_os = "linux")]
pub fn stdout_is_closed() -> bool {
    use std::os::unix::fs::MetadataExt;
    let (Ok(stdout), Ok(null)) = (
        std::fs::metadata("/proc/self/fd/1"),
        std::fs::metadata("/dev/null"),
    ) else {
        return false;
    };
    if (stdout.dev(), stdout.ino(), stdout.rdev()) != (null.dev(), null.ino(), null.rdev()) {
        return false;
    }
    let Ok(info) = std::fs::read_to_string("/proc/self/fdinfo/1") else {
        return false;
    };
    info.lines()
        .find_map(|line| line.strip_prefix("flags:"))
        .and_then(|flags| u32::from_str_radix(flags.trim(), 8).ok())
        .is_some_and(|flags| flags & 0o3 == 0o2)
}

/// True when standard output was closed when the process started; not detectable here.
#[cfg(not(target_os = "linux"))]
pub fn stdout_is_closed() -> bool {
    false
}

#[cfg(unix)]
fn file_id(metadata: &Metadata) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    metadata.is_file().then(|| (metadata.dev(), metadata.ino()))
}

#[cfg(not(unix))]
fn file_id(_: &Metadata) -> Option<FileId> {
    None
}

enum Stdio {
    In,
    Out,
}

/// The device and inode of standard input or output, when it is a regular file.
#[cfg(unix)]
fn stdio_id(which: Stdio) -> Option<FileId> {
    use std::os::fd::AsFd;
    let fd = match which {
        Stdio::In => std::io::stdin().as_fd().try_clone_to_owned().ok()?,
        Stdio::Out => std::io::stdout().as_fd().try_clone_to_owned().ok()?,
    };
    file_id(&std::fs::File::from(fd).metadata().ok()?)
}

#[cfg(not(unix))]
fn stdio_id(_: Stdio) -> Option<FileId> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        std::fs::create_dir_all(root.join("sub/deep")).unwrap();
        std::fs::write(root.join("a.txt"), "a").unwrap();
        std::fs::write(root.join("sub/b.txt"), "b").unwrap();
        (dir, root)
    }

    fn clash(root: &Path, reads: &[&str], writes: &[&str]) -> Result<()> {
        let reads: Vec<Option<PathBuf>> = reads.iter().map(|p| Some(root.join(p))).collect();
        let writes: Vec<PathBuf> = writes.iter().map(|p| root.join(p)).collect();
        let writes: Vec<&Path> = writes.iter().map(PathBuf::as_path).collect();
        refuse_overlaps(&reads, &writes, "it would count twice")
    }

    #[test]
    fn the_same_place_by_any_spelling_is_refused() {
        let (_dir, root) = setup();
        for output in ["a.txt", "./a.txt", "sub/../a.txt", "sub/deep/../../a.txt"] {
            let err = clash(&root, &["a.txt"], &[output]).unwrap_err().to_string();
            assert!(err.contains("would overwrite the input"), "{output}: {err}");
            assert!(err.contains(output) || err.contains("a.txt"), "{err}");
        }
        assert!(clash(&root, &["a.txt"], &["b.txt", "sub/a.txt", "new/a.txt"]).is_ok());
    }

    #[test]
    fn an_input_given_twice_under_any_name_is_refused() {
        let (_dir, root) = setup();
        let err = clash(&root, &["a.txt", "sub/../a.txt"], &[]).unwrap_err();
        assert!(
            err.to_string()
                .contains("are the same file: it would count twice"),
            "{err}"
        );
        assert!(clash(&root, &["a.txt", "sub/b.txt"], &[]).is_ok());
    }

    #[test]
    fn two_outputs_on_one_file_are_refused() {
        let (_dir, root) = setup();
        let err = clash(&root, &[], &["new/o.jsonl", "new/./o.jsonl"]).unwrap_err();
        assert!(err.to_string().contains("are the same file"), "{err}");
        assert!(clash(&root, &[], &["new/o.jsonl", "new/p.jsonl"]).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn links_to_an_input_are_refused() {
        let (_dir, root) = setup();
        std::os::unix::fs::symlink(root.join("sub"), root.join("alias")).unwrap();
        std::os::unix::fs::symlink(root.join("a.txt"), root.join("link.txt")).unwrap();
        std::fs::hard_link(root.join("a.txt"), root.join("hard.txt")).unwrap();
        // Through a linked directory, and missing directories below it.
        assert!(clash(&root, &["sub/b.txt"], &["alias/b.txt"]).is_err());
        assert!(clash(&root, &["alias/b.txt"], &["sub/deep/../b.txt"]).is_err());
        // The same inode under another name.
        assert!(clash(&root, &["a.txt"], &["link.txt"]).is_err());
        assert!(clash(&root, &["link.txt"], &["hard.txt"]).is_err());
        assert!(clash(&root, &["a.txt"], &["alias/new/x.txt"]).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_streams_and_never_refused() {
        let (_dir, root) = setup();
        let null = Path::new("/dev/null");
        assert!(refuse_overlaps(&[Some(null.to_path_buf())], &[null, null], "twice").is_ok());
        assert!(clash(&root, &["a.txt"], &[]).is_ok());
    }
}
