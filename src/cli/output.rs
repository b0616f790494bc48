//! Output files: where each input's output goes under `-o DIR`, and writing a file under
//! a temporary name that is renamed into place only when complete.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};
use boilerstrip::formats::compress::{Encoder, codec_for_path};
use tempfile::NamedTempFile;

/// The output path of each input under `dir`: the input's path relative to the deepest
/// directory that holds all inputs (so `shards/*.jsonl.zst` keeps bare file names, and
/// `data/a/x.jsonl data/b/y.jsonl` gives `a/x.jsonl` and `b/y.jsonl`).
pub fn paths_under(dir: &Path, inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let absolute: Vec<PathBuf> = inputs
        .iter()
        .map(|input| {
            let absolute =
                std::path::absolute(input).with_context(|| format!("{}", input.display()))?;
            Ok(lexically_normal(&absolute))
        })
        .collect::<Result<_>>()?;
    let mut common: Option<PathBuf> = None;
    for path in &absolute {
        let parent = path.parent().unwrap_or(Path::new(""));
        common = Some(match common {
            None => parent.to_path_buf(),
            Some(common) => common
                .components()
                .zip(parent.components())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect(),
        });
    }
    let common = common.unwrap_or_default();
    let mut outputs: Vec<PathBuf> = Vec::with_capacity(inputs.len());
    for path in &absolute {
        let relative = path.strip_prefix(&common).unwrap_or(path);
        if relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            bail!("{}: cannot name an output for this input", path.display());
        }
        let output = dir.join(relative);
        if outputs.contains(&output) {
            bail!("{} is given twice", path.display());
        }
        outputs.push(output);
    }
    Ok(outputs)
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

/// An output file being written: a compressing writer over a temporary file in the
/// target directory. Dropped unfinished, the temporary file is removed.
pub struct AtomicOutput {
    path: PathBuf,
    encoder: Encoder<BufWriter<NamedTempFile>>,
}

impl AtomicOutput {
    /// Starts writing `path` (creating its directory), compressed as its extension says.
    pub fn create(path: &Path, level: Option<i32>) -> Result<AtomicOutput> {
        let writer = BufWriter::with_capacity(1 << 20, temp_beside(path)?);
        let encoder = Encoder::new(writer, codec_for_path(path), level)
            .with_context(|| format!("{}", path.display()))?;
        Ok(AtomicOutput {
            path: path.to_path_buf(),
            encoder,
        })
    }

    /// The writer.
    pub fn encoder(&mut self) -> &mut Encoder<BufWriter<NamedTempFile>> {
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
/// `write` succeeded; on failure nothing carries the final name.
pub fn write_atomically<T>(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<NamedTempFile>) -> Result<T>,
) -> Result<T> {
    let mut writer = BufWriter::with_capacity(1 << 20, temp_beside(path)?);
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
    builder.prefix(&prefix).suffix(".partial");
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

/// Flushes, syncs and renames a finished temporary file to `path`.
fn persist(mut writer: BufWriter<NamedTempFile>, path: &Path) -> Result<()> {
    let context = || format!("{}", path.display());
    writer.flush().with_context(context)?;
    let temp = writer
        .into_inner()
        .map_err(|err| err.into_error())
        .with_context(context)?;
    temp.as_file().sync_all().with_context(context)?;
    let file: File = temp.persist(path).with_context(context)?;
    drop(file);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(inputs: &[&str]) -> Vec<String> {
        let inputs: Vec<PathBuf> = inputs.iter().map(PathBuf::from).collect();
        paths_under(Path::new("OUT"), &inputs)
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
        assert!(paths_under(Path::new("OUT"), &inputs).is_err());
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
