//! The corpus-count subcommands: `count`, `merge` and `top`. Wiring only: the counting
//! and selecting live in `boilerstrip::counts`, the merging in `boilerstrip::count_table`.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use boilerstrip::Stats;
use boilerstrip::count_table::{MergeOptions, Partition, TableHeader, merge_files};
use boilerstrip::counts::{
    Counter, Counts, Examples, KeyOptions, count_input, count_parquet, top_entries,
};
use boilerstrip::formats::parquet::ParquetInput;
use boilerstrip::pipeline::StopFlag;

use super::args::{CountArgs, KeyArgs, MergeArgs, RunArgs, TopArgs};
use super::commands::{open_input, total_size};
use super::config::{self, InputConfig};
use super::exit::Exit;
use super::output::{directory_of, write_atomically};
use super::paths;
use super::report::Reporter;

/// `boilerstrip count`: a count table of the inputs' lines, or one per hash partition.
pub fn count(args: CountArgs, stop: &StopFlag) -> Result<Exit> {
    let input = InputConfig::from_args(args.input)?;
    let keys = config::key_options(&args.keys, &input)?;
    let should_stop = || stop.is_stopped();
    let (documents, lines, stats, exit) = match args.partitions {
        None => {
            refuse_directory(
                &args.output,
                "--partitions N to write one table per range into it",
            )?;
            refuse_paths(&input.inputs, &[&args.output])?;
            let spill_dir = temp_dir_beside(&args.output, "spilled runs")?;
            let (counts, stats, exit) =
                count_all(&input, &keys, &args.keys, &args.run, spill_dir.path(), stop)?;
            let name = args.output.display().to_string();
            let header = write_atomically(&args.output, |out| {
                Ok(counts.write(None, out, &name, &should_stop)?)
            })?;
            (
                header.documents,
                format!("{} distinct lines", header.entries),
                stats,
                exit,
            )
        }
        Some(partitions) => {
            let parts = partition_paths(&args.output, partitions)?;
            let tables: Vec<&Path> = parts.iter().map(|(_, path)| path.as_path()).collect();
            refuse_paths(&input.inputs, &tables)?;
            let spill_dir = temp_dir_beside(&parts[0].1, "spilled runs")?;
            let (counts, stats, exit) =
                count_all(&input, &keys, &args.keys, &args.run, spill_dir.path(), stop)?;
            let headers = write_partitions(&counts, &parts, &should_stop)?;
            let entries: u64 = headers.iter().map(|header| header.entries).sum();
            let lines = format!("{entries} distinct lines in {partitions} partitions");
            (counts.documents(), lines, stats, exit)
        }
    };
    say!(
        "counted {documents} documents, {lines} -> {}",
        args.output.display()
    );
    Ok(worse(exit, stats))
}

/// Counts every input; the counts are ready to be written.
fn count_all(
    input: &InputConfig,
    keys: &KeyOptions,
    key_args: &KeyArgs,
    run: &RunArgs,
    spill_dir: &Path,
    stop: &StopFlag,
) -> Result<(Counts, Stats, Exit)> {
    let pool = config::pool(run.threads)?;
    let mut reporter = Reporter::new(config::progress(run), run.quiet, total_size(&input.inputs));
    let mut counter = Counter::new(keys.scope, key_args.memory, spill_dir);
    let mut stats = Stats::default();
    let mut exit = Exit::Success;
    for path in &input.inputs {
        if let Some(path) = path.as_deref().filter(|path| input.is_parquet(Some(path))) {
            if let Some(parquet) = open_parquet(path, keys, &mut reporter, &mut exit) {
                stats += count_parquet(&parquet, &mut counter, keys, &pool, &mut reporter, stop)?;
            }
            continue;
        }
        if let Some(opened) = open_input(input, path.as_deref(), &mut reporter, &mut exit) {
            stats += count_input(opened, &mut counter, keys, &pool, &mut reporter, stop)?;
        }
    }
    reporter.finish();
    Ok((counter.into_counts()?, stats, exit))
}

/// Opens the Parquet file `path` on its text column (and URL column, for per-site
/// keys); a file that cannot be opened is reported, sets `exit` to 2, and the run goes
/// on with the others.
fn open_parquet(
    path: &Path,
    keys: &KeyOptions,
    reporter: &mut Reporter,
    exit: &mut Exit,
) -> Option<ParquetInput> {
    reporter.next_input();
    let origin = path.display().to_string();
    match ParquetInput::open(path, &origin, &keys.text_field) {
        Ok(input) => Some(input.with_identity(None, Some(&keys.url_field))),
        Err(err) => {
            reporter.message(&format!("{err:#}"));
            *exit = Exit::Error;
            None
        }
    }
}

/// The table of each of `count` partitions in `dir`: `part-0000.bsc` and so on. Refuses
/// a directory holding part tables of another partitioning, which a later merge would
/// mix with these.
fn partition_paths(dir: &Path, count: u32) -> Result<Vec<(Partition, PathBuf)>> {
    std::fs::create_dir_all(dir).with_context(|| format!("{}", dir.display()))?;
    let parts: Vec<(Partition, PathBuf)> = (0..count)
        .map(|index| {
            let path = dir.join(format!("part-{index:04}.bsc"));
            (Partition { index, count }, path)
        })
        .collect();
    let entries = std::fs::read_dir(dir).with_context(|| format!("{}", dir.display()))?;
    for entry in entries {
        let path = entry.with_context(|| format!("{}", dir.display()))?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let stray = name.starts_with("part-") && name.ends_with(".bsc");
        if stray && !parts.iter().any(|(_, part)| *part == path) {
            bail!(
                "{} is not one of the {count} partitions this run writes: remove the tables \
                 of the earlier run or choose another -o",
                path.display()
            );
        }
    }
    Ok(parts)
}

/// Writes the table of each partition under a temporary name; renames them all into
/// place only once every one is complete, so an interrupted run leaves none.
fn write_partitions(
    counts: &Counts,
    parts: &[(Partition, PathBuf)],
    should_stop: &dyn Fn() -> bool,
) -> Result<Vec<TableHeader>> {
    let mut finished = Vec::with_capacity(parts.len());
    for (partition, path) in parts {
        let context = || format!("{}", path.display());
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let dir = directory_of(path)?;
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".partial");
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let temp = builder.tempfile_in(dir).with_context(context)?;
        let mut writer = BufWriter::with_capacity(1 << 20, temp);
        let origin = path.display().to_string();
        let header = counts.write(Some(*partition), &mut writer, &origin, should_stop)?;
        let temp = writer
            .into_inner()
            .map_err(|err| err.into_error())
            .with_context(context)?;
        temp.as_file().sync_all().with_context(context)?;
        // Closed until the rename: a run of many partitions holds no file open.
        finished.push((temp.into_temp_path(), path, header));
    }
    finished
        .into_iter()
        .map(|(temp, path, header)| {
            temp.persist(path)
                .with_context(|| format!("{}", path.display()))?;
            Ok(header)
        })
        .collect()
}

/// A temporary directory for runs next to `output`, so they land on the same disk as
/// the result rather than in a possibly small /tmp; removed when dropped.
fn temp_dir_beside(output: &Path, what: &str) -> Result<tempfile::TempDir> {
    let dir = directory_of(output)?;
    tempfile::Builder::new()
        .prefix(".boilerstrip-count.")
        .tempdir_in(dir)
        .with_context(|| format!("{}: cannot create a directory for {what}", dir.display()))
}

/// Refuses an input given twice (under any name: it would be counted twice) and a
/// table that is one of the inputs (it would replace the corpus it counts).
fn refuse_paths(inputs: &[Option<PathBuf>], tables: &[&Path]) -> Result<()> {
    paths::refuse_overlaps(inputs, tables, "counting it twice would double its counts")
}

/// Refuses a table path that names a directory before any work, rather than failing at
/// the final rename; `instead` says what to give.
fn refuse_directory(table: &Path, instead: &str) -> Result<()> {
    if table.is_dir() {
        bail!(
            "{} is a directory: -o names the table file (or give {instead})",
            table.display()
        );
    }
    Ok(())
}

/// Exit 1 when records were invalid and nothing worse happened.
fn worse(exit: Exit, stats: Stats) -> Exit {
    if exit == Exit::Success && stats.invalid > 0 {
        Exit::Invalid
    } else {
        exit
    }
}

/// `boilerstrip merge`: tables summed into one. The output may be one of the inputs
/// (it is written under a temporary name and renamed once complete).
pub fn merge(args: MergeArgs, stop: &StopFlag) -> Result<Exit> {
    let partition = args
        .partition
        .as_deref()
        .map(Partition::parse)
        .transpose()
        .context("--partition")?;
    refuse_directory(&args.output, "the merged table's file name")?;
    let name = args.output.display().to_string();
    let options = MergeOptions::default()
        .min_docs(args.min_docs)
        .partition(partition);
    let temp = temp_dir_beside(&args.output, "intermediate runs")?;
    let should_stop = || stop.is_stopped();
    let header = write_atomically(&args.output, |out| {
        Ok(merge_files(
            &args.tables,
            out,
            &name,
            &options,
            temp.path(),
            &should_stop,
        )?)
    })?;
    say!(
        "merged {} tables: {} documents, {} lines kept -> {name}",
        args.tables.len(),
        header.documents,
        header.entries
    );
    Ok(Exit::Success)
}

/// `boilerstrip top`: the most frequent lines with their counts and an example each.
pub fn top(args: TopArgs, stop: &StopFlag) -> Result<Exit> {
    let mut input = InputConfig::from_args(args.input)?;
    refuse_paths(&input.inputs, &[])?;
    let keys = config::key_options(&args.keys, &input)?;
    let scratch = tempfile::tempdir().context("cannot create a temporary directory")?;
    // The inputs are read twice (counts, then examples), so standard input is kept in a
    // file; its name has no extension, so it is read as text unless -f says otherwise,
    // as standard input would be.
    if input.inputs.iter().any(Option::is_none) {
        let spooled = scratch.path().join("stdin");
        let mut file = BufWriter::new(File::create(&spooled).context("spooling standard input")?);
        io::copy(&mut io::stdin().lock(), &mut file).context("spooling standard input")?;
        file.flush().context("spooling standard input")?;
        for slot in input.inputs.iter_mut().filter(|slot| slot.is_none()) {
            *slot = Some(spooled.clone());
        }
    }
    let table = scratch.path().join("counts.bsc");
    let (counts, stats, mut exit) =
        count_all(&input, &keys, &args.keys, &args.run, scratch.path(), stop)?;
    let should_stop = || stop.is_stopped();
    let name = table.display().to_string();
    write_atomically(&table, |out| {
        Ok(counts.write(None, out, &name, &should_stop)?)
    })?;
    let documents = counts.documents();
    drop(counts);
    let best = top_entries(
        BufReader::new(File::open(&table)?),
        &table.display().to_string(),
        args.lines,
        args.min_docs,
        &should_stop,
    )?;
    let mut examples = Examples::new(best.iter().map(|&(key, _)| key));
    let mut quiet = Reporter::new(false, true, None);
    for path in &input.inputs {
        if examples.is_complete() {
            break;
        }
        if let Some(path) = path.as_deref().filter(|path| input.is_parquet(Some(path))) {
            if let Some(parquet) = open_parquet(path, &keys, &mut quiet, &mut exit) {
                examples.scan_parquet(&parquet, &keys, &should_stop)?;
            }
            continue;
        }
        if let Some(opened) = open_input(&input, path.as_deref(), &mut quiet, &mut exit) {
            examples.scan(opened, &keys, &should_stop)?;
        }
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    writeln!(out, "{:>9}  {:>6}  LINE", "DOCUMENTS", "SHARE")?;
    for (key, count) in best {
        let share = 100.0 * count as f64 / documents.max(1) as f64;
        let example = examples.get(key).unwrap_or("?");
        writeln!(out, "{count:>9}  {share:>5.1}%  {example}")?;
    }
    out.flush()?;
    Ok(worse(exit, stats))
}
