//! Output files: where each input's output goes under `-o DIR`, and writing a file under
//! a temporary name that is renamed into place only when complete (or in place, for
//! special files that cannot be replaced).

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};
use boilerstrip::formats::compress::{Encoder, codec_for_path};
use tempfile::NamedTempFile;

/// Random characters in a temporary file's name: `.NAME.XXXXXX.partial`.
const TEMP_RANDOM: usize = 6;

/// The output path of each input under `dir`: the input's path relative to `base` when
/// given (`--relative-to`), else relative to the deepest directory that holds all inputs
/// (so `shards/*.jsonl.zst` keeps bare file names, and `data/a/x.jsonl data/b/y.jsonl`
/// gives `a/x.jsonl` and `b/y.jsonl`). Paths are compared as the user reads them (`.`
/// and `..` resolved by name); the same output twice is an error. Linear in the number
/// of inputs.
pub fn paths_under(dir: &Path, inputs: &[PathBuf], base: Option<&Path>) -> Result<Vec<PathBuf>> {
    let absolute = |path: &Path| -> Result<PathBuf> {
        let absolute = std::path::absolute(path).with_context(|| format!("{}", path.display()))?;
        Ok(lexically_normal(&absolute))
    };
    let normal: Vec<PathBuf> = inputs
        .iter()
        .map(|input| absolute(input))
        .collect::<Result<_>>()?;
    let common = match base {
        Some(base) => absolute(base)?,
        None => common_directory(&normal),
    };
    let mut seen: HashSet<PathBuf> = HashSet::with_capacity(inputs.len());
    let mut outputs: Vec<PathBuf> = Vec::with_capacity(inputs.len());
    for (input, path) in inputs.iter().zip(&normal) {
        let Ok(relative) = path.strip_prefix(&common) else {
            bail!(
                "{} is not under --relative-to {}",
                input.display(),
                common.display()
            );
        };
        if relative.as_os_str().is_empty()
            || relative
                .components()
                .any(|c| !matches!(c, Component::Normal(_)))
        {
            bail!("{}: cannot name an output for this input", input.display());
        }
        let output = dir.join(relative);
        if !seen.insert(output.clone()) {
            bail!(
                "{} is given twice (both would be written to {})",
                input.display(),
                output.display()
            );
        }
        outputs.push(output);
    }
    Ok(outputs)
}

/// The deepest directory holding every path in `paths` (absolute, normal).
fn common_directory(paths: &[PathBuf]) -> PathBuf {
    let mut common: Option<PathBuf> = None;
    for path in paths {
        let parent = path.parent().unwrap_or(Path::new(""));
        common = Some(match common {
            None => parent.to_path_buf(),
            Some(common) if parent.starts_with(&common) => common,
            Some(common) => common
                .components()
                .zip(parent.components())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect(),
        });
    }
    common.unwrap_or_default()
}

/// `path` with `.` and `..` resolved by name, as the user reads it (no symlinks followed).
fn lexically_normal(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}

/// True when `--resume` may take `path` as done: a regular file (or a link to one) that
/// is not empty. Outputs are renamed into place only when complete, so such a file is a
/// finished output. An empty file is not trusted (a `touch` or a shell redirection makes
/// one too) and its input is cleaned again, which costs time and loses nothing: an
/// empty input gives the same empty output again. A directory or a special file is
/// never done.
pub fn is_finished(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() > 0)
}

/// True when `path` is written where it is rather than through a temporary file renamed
/// over it: it exists and is not a regular file or directory (a FIFO, a device, a
/// socket, or a link to one such as `/dev/stdout`), it is a link into `/dev` or
/// `/proc` (`/proc/self/fd/1`), or it lies in `/dev` or `/proc` itself, where no
/// temporary file belongs. No atomicity is possible there: a failed run leaves what it
/// wrote.
pub fn writes_in_place(path: &Path) -> bool {
    let system = |path: &Path| path.starts_with("/dev") || path.starts_with("/proc");
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return true;
    }
    if std::fs::read_link(path).is_ok_and(|target| system(&target)) {
        return true;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let directory = absolute.parent().unwrap_or(Path::new("/"));
    system(&std::fs::canonicalize(directory).unwrap_or_else(|_| lexically_normal(directory)))
}

/// Where an output's bytes go: a temporary file renamed into place at the end, or the
/// target itself (see [`writes_in_place`]).
pub enum Sink {
    /// A temporary file beside the target.
    Temporary(NamedTempFile),
    /// The target, opened for writing.
    InPlace(File),
}

impl Sink {
    /// Opens the sink for `path`.
    fn create(path: &Path) -> Result<Sink> {
        if !writes_in_place(path) {
            return Ok(Sink::Temporary(temp_beside(path)?));
        }
        // Truncated like `> file` when it is a regular file reached through /dev or
        // /proc; FIFOs and devices cannot be truncated.
        let truncate = std::fs::metadata(path).is_ok_and(|m| m.is_file());
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(truncate)
            .open(path)
            .with_context(|| format!("{}", path.display()))?;
        Ok(Sink::InPlace(file))
    }

    fn file(&self) -> &File {
        match self {
            Sink::Temporary(temp) => temp.as_file(),
            Sink::InPlace(file) => file,
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Temporary(temp) => temp.write(buf),
            Sink::InPlace(file) => file.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Temporary(temp) => temp.flush(),
            Sink::InPlace(file) => file.flush(),
        }
    }
}

impl Seek for Sink {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        match self {
            Sink::Temporary(temp) => temp.seek(pos),
            Sink::InPlace(file) => file.seek(pos),
        }
    }
}

/// An output file being written: a compressing writer over a temporary file in the
/// target directory (or over the target, for special files). Dropped unfinished, the
/// temporary file is removed.
pub struct AtomicOutput {
    path: PathBuf,
    encoder: Encoder<BufWriter<Sink>>,
}

impl AtomicOutput {
    /// Starts writing `path` (creating its directory), compressed as its extension says.
    pub fn create(path: &Path, level: Option<i32>) -> Result<AtomicOutput> {
        let writer = BufWriter::with_capacity(1 << 20, Sink::create(path)?);
        let encoder = Encoder::new(writer, codec_for_path(path), level)
            .with_context(|| format!("{}", path.display()))?;
        Ok(AtomicOutput {
            path: path.to_path_buf(),
            encoder,
        })
    }

    /// The writer.
    pub fn encoder(&mut self) -> &mut Encoder<BufWriter<Sink>> {
        &mut self.encoder
    }

    /// Ends the stream, syncs it and renames it into place.
    pub fn commit(self) -> Result<()> {
        let context = || format!("{}", self.path.display());
        let writer = self.encoder.finish().with_context(context)?;
        persist(writer, &self.path)
    }
}

/// Writes `path` through `write`, under a temporary name renamed into place only when
/// `write` succeeded; on failure nothing carries the final name. Special files are
/// written in place (see [`writes_in_place`]).
pub fn write_atomically<T>(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<Sink>) -> Result<T>,
) -> Result<T> {
    let mut writer = BufWriter::with_capacity(1 << 20, Sink::create(path)?);
    let value = write(&mut writer)?;
    persist(writer, path)?;
    Ok(value)
}

/// A temporary file in `path`'s directory (created if needed), so that the final rename
/// stays on one file system.
fn temp_beside(path: &Path) -> Result<NamedTempFile> {
    let dir = directory_of(path)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(&prefix)
        .suffix(".partial")
        .rand_bytes(TEMP_RANDOM);
    // Temporary files are private by default; the output should get the usual mode
    // a new file gets (0666 less the umask), as `> file` in a shell would.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    builder
        .tempfile_in(dir)
        .with_context(|| format!("{}: cannot create a temporary file", dir.display()))
}

/// The directory `path` is (to be) in, created if missing: where temporary files for
/// it go, so that renames and spills stay on its file system.
pub fn directory_of(path: &Path) -> Result<&Path> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).with_context(|| format!("{}", dir.display()))?;
    Ok(dir)
}

/// Flushes, syncs and renames a finished temporary file to `path` (or, in place, just
/// flushes).
fn persist(mut writer: BufWriter<Sink>, path: &Path) -> Result<()> {
    let context = || format!("{}", path.display());
    writer.flush().with_context(context)?;
    let sink = writer
        .into_inner()
        .map_err(|err| err.into_error())
        .with_context(context)?;
    if sink.file().metadata().is_ok_and(|m| m.is_file()) {
        sink.file().sync_all().with_context(context)?;
    }
    if let Sink::Temporary(temp) = sink {
        let file: File = temp.persist(path).with_context(context)?;
        drop(file);
    }
    Ok(())
}

/// Temporary files left by runs that were killed (`.NAME.XXXXXX.partial`), found by
/// listing each output directory once, and removed just before NAME is written again.
#[derive(Debug, Default)]
pub struct StalePartials {
    /// Directory → output name → its leftover temporaries.
    listed: HashMap<PathBuf, HashMap<OsString, Vec<PathBuf>>>,
}

impl StalePartials {
    /// Removes the leftover temporaries of `path`; returns how many there were.
    pub fn remove_for(&mut self, path: &Path) -> Result<usize> {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return Ok(0);
        };
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let listing = self
            .listed
            .entry(dir.to_path_buf())
            .or_insert_with(|| list_partials(dir));
        let Some(stale) = listing.remove(name) else {
            return Ok(0);
        };
        for partial in &stale {
            match std::fs::remove_file(partial) {
                Ok(()) => {}
                Err(err) if err.kind() == io::ErrorKind::NotFound => {}
                Err(err) => {
                    return Err(err).with_context(|| {
                        format!(
                            "{}: cannot remove a stale temporary file",
                            partial.display()
                        )
                    });
                }
            }
        }
        Ok(stale.len())
    }
}

/// The temporaries in `dir`, by the output name they were for.
fn list_partials(dir: &Path) -> HashMap<OsString, Vec<PathBuf>> {
    let mut found: HashMap<OsString, Vec<PathBuf>> = HashMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(name) = partial_of(&file_name) else {
            continue;
        };
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            found
                .entry(OsString::from(name))
                .or_default()
                .push(entry.path());
        }
    }
    found
}

/// The output name a temporary file name `.NAME.XXXXXX.partial` was for.
fn partial_of(file_name: &str) -> Option<&str> {
    let inner = file_name.strip_prefix('.')?.strip_suffix(".partial")?;
    let (name, random) = inner.rsplit_once('.')?;
    let random_ok =
        random.len() == TEMP_RANDOM && random.bytes().all(|b| b.is_ascii_alphanumeric());
    (random_ok && !name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(inputs: &[&str]) -> Vec<String> {
        let inputs: Vec<PathBuf> = inputs.iter().map(PathBuf::from).collect();
        paths_under(Path::new("OUT"), &inputs, None)
            .unwrap()
            .iter()
            .map(|p| p.display().to_string())
            .collect()
    }

    #[test]
    fn outputs_keep_the_path_below_the_common_directory() {
        assert_eq!(
            names(&["shards/a.jsonl", "shards/b.jsonl"]),
            ["OUT/a.jsonl", "OUT/b.jsonl"]
        );
        assert_eq!(
            names(&["data/a/x.gz", "data/b/y.gz"]),
            ["OUT/a/x.gz", "OUT/b/y.gz"]
        );
        assert_eq!(names(&["x/y/z.txt"]), ["OUT/z.txt"]);
        assert_eq!(names(&["a.txt", "../up/b.txt"]).len(), 2);
    }

    #[test]
    fn the_same_input_twice_is_an_error() {
        let inputs = [PathBuf::from("a.txt"), PathBuf::from("./a.txt")];
        assert!(paths_under(Path::new("OUT"), &inputs, None).is_err());
    }

    #[test]
    fn relative_to_names_outputs_below_the_given_directory() {
        let inputs = [PathBuf::from("data/a/x.gz"), PathBuf::from("data/a/y.gz")];
        let outputs = paths_under(Path::new("OUT"), &inputs, Some(Path::new("data"))).unwrap();
        assert_eq!(outputs, [Path::new("OUT/a/x.gz"), Path::new("OUT/a/y.gz")]);
        // A subset keeps the names the whole set got.
        let outputs =
            paths_under(Path::new("OUT"), &inputs[1..], Some(Path::new("./data"))).unwrap();
        assert_eq!(outputs, [Path::new("OUT/a/y.gz")]);
        let err = paths_under(Path::new("OUT"), &inputs, Some(Path::new("elsewhere")))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("data/a/x.gz is not under --relative-to"),
            "{err}"
        );
    }

    #[test]
    fn many_inputs_are_planned_in_linear_time() {
        // 50,000 outputs compared pairwise took minutes; with a hash set it is a blink.
        let inputs: Vec<PathBuf> = (0..50_000)
            .map(|i| PathBuf::from(format!("in/{}/{i}.jsonl", i % 100)))
            .collect();
        let outputs = paths_under(Path::new("OUT"), &inputs, None).unwrap();
        assert_eq!(outputs[12_345], Path::new("OUT/45/12345.jsonl"));
    }

    #[test]
    fn temporary_names_map_back_to_their_output() {
        assert_eq!(partial_of(".a.txt.Ab3xZ9.partial"), Some("a.txt"));
        assert_eq!(partial_of(".a.txt.gz.Ab3xZ9.partial"), Some("a.txt.gz"));
        assert_eq!(partial_of(".a.txt.toolong1.partial"), None);
        assert_eq!(partial_of("a.txt.Ab3xZ9.partial"), None);
        assert_eq!(partial_of(".a.txt.Ab3xZ9"), None);
    }

    #[test]
    fn stale_temporaries_of_an_output_are_removed_and_others_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        for name in [
            ".a.txt.AAAAAA.partial",
            ".a.txt.BBBBBB.partial",
            ".a.txt.gz.CCCCCC.partial",
            "a.txt",
        ] {
            std::fs::write(path(name), "x").unwrap();
        }
        let mut stale = StalePartials::default();
        assert_eq!(stale.remove_for(&path("a.txt")).unwrap(), 2);
        assert_eq!(stale.remove_for(&path("b.txt")).unwrap(), 0);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".a.txt.gz.CCCCCC.partial", "a.txt"]);
    }

    #[test]
    fn only_non_empty_regular_files_count_as_finished() {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        std::fs::write(path("full"), "x").unwrap();
        std::fs::write(path("empty"), "").unwrap();
        std::fs::create_dir(path("folder")).unwrap();
        assert!(is_finished(&path("full")));
        assert!(!is_finished(&path("empty")));
        assert!(!is_finished(&path("folder")));
        assert!(!is_finished(&path("missing")));
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_written_in_place_and_nothing_goes_into_dev() {
        let dir = tempfile::tempdir().unwrap();
        assert!(writes_in_place(Path::new("/dev/null")));
        assert!(writes_in_place(Path::new("/dev/stdout")));
        assert!(writes_in_place(Path::new("/dev/no-such-file")));
        let link = dir.path().join("out");
        std::os::unix::fs::symlink("/proc/self/fd/1", &link).unwrap();
        assert!(writes_in_place(&link));
        assert!(!writes_in_place(&dir.path().join("plain.txt")));
        let mut output = AtomicOutput::create(Path::new("/dev/null"), None).unwrap();
        output.encoder().write_all(b"gone").unwrap();
        output.commit().unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn finished_outputs_are_readable_like_any_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        let mut output = AtomicOutput::create(&path, None).unwrap();
        output.encoder().write_all(b"x").unwrap();
        output.commit().unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        // 0666 less the umask; no usual umask takes away the owner's read and write.
        assert_eq!(mode & 0o600, 0o600);
        assert_ne!(mode & 0o066, 0, "private like a temporary file: {mode:o}");
    }

    #[test]
    fn unfinished_outputs_leave_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/out.txt.gz");
        let mut output = AtomicOutput::create(&path, None).unwrap();
        output.encoder().write_all(b"partial").unwrap();
        drop(output);
        assert_eq!(
            std::fs::read_dir(dir.path().join("sub")).unwrap().count(),
            0
        );
        let mut output = AtomicOutput::create(&path, Some(9)).unwrap();
        output.encoder().write_all(b"whole").unwrap();
        output.commit().unwrap();
        assert!(path.exists());
        assert_eq!(
            std::fs::read_dir(dir.path().join("sub")).unwrap().count(),
            1
        );
    }
}
