//! The corpus-count subcommands: `count`, `merge` and `top`. Wiring only: the counting,
//! merging and selecting live in `boilerstrip::counts`.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};
use boilerstrip::Stats;
use boilerstrip::counts::count::Counter;
use boilerstrip::counts::input::KeyOptions;
use boilerstrip::counts::merge::{MergeOptions, Partition, merge_tables};
use boilerstrip::counts::top::{Examples, top_entries};
use boilerstrip::counts::{TableHeader, TableReader};
use boilerstrip::pipeline::StopFlag;
use boilerstrip::pipeline::scan::count_input;

use super::args::{CountArgs, KeyArgs, MergeArgs, RunArgs, TopArgs};
use super::commands::{open_input, total_size};
use super::config::{self, InputConfig};
use super::exit::Exit;
use super::output::{directory_of, write_atomically};
use super::report::Reporter;

/// `boilerstrip count`: a count table of the inputs' lines.
pub fn count(args: CountArgs, stop: &StopFlag) -> Result<Exit> {
    let input = InputConfig::from_args(args.input)?;
    let keys = config::key_options(&args.keys, &input)?;
    let spill_dir = spill_dir_beside(&args.output)?;
    let (header, stats, exit) = count_into(
        &input,
        &keys,
        &args.keys,
        &args.run,
        (spill_dir.path(), &args.output),
        stop,
    )?;
    eprintln!(
        "boilerstrip: counted {} documents, {} distinct lines -> {}",
        header.documents,
        header.entries,
        args.output.display()
    );
    Ok(worse(exit, stats))
}

/// Counts every input into a table written atomically at `table`.
fn count_into(
    input: &InputConfig,
    keys: &KeyOptions,
    key_args: &KeyArgs,
    run: &RunArgs,
    (spill_dir, table): (&Path, &Path),
    stop: &StopFlag,
) -> Result<(TableHeader, Stats, Exit)> {
    let pool = config::pool(run.threads)?;
    let mut reporter = Reporter::new(config::progress(run), run.quiet, total_size(&input.inputs));
    let mut counter = Counter::new(keys.scope, key_args.memory, spill_dir);
    let mut stats = Stats::default();
    let mut exit = Exit::Success;
    for path in &input.inputs {
        if let Some(opened) = open_input(input, path.as_deref(), &mut reporter, &mut exit) {
            stats += count_input(opened, &mut counter, keys, &pool, &mut reporter, stop)?;
        }
    }
    reporter.finish();
    let name = table.display().to_string();
    let header = write_atomically(table, |out| Ok(counter.finish(out, &name)?))?;
    Ok((header, stats, exit))
}

/// A temporary directory for spilled runs next to `output`, so they land on the same
/// disk as the result rather than in a possibly small /tmp.
fn spill_dir_beside(output: &Path) -> Result<tempfile::TempDir> {
    let dir = directory_of(output)?;
    tempfile::Builder::new()
        .prefix(".boilerstrip-count.")
        .tempdir_in(dir)
        .with_context(|| {
            format!(
                "{}: cannot create a directory for spilled runs",
                dir.display()
            )
        })
}

/// Exit 1 when records were invalid and nothing worse happened.
fn worse(exit: Exit, stats: Stats) -> Exit {
    if exit == Exit::Success && stats.invalid > 0 {
        Exit::Invalid
    } else {
        exit
    }
}

/// `boilerstrip merge`: tables summed into one.
pub fn merge(args: MergeArgs) -> Result<Exit> {
    let partition = args
        .partition
        .as_deref()
        .map(Partition::parse)
        .transpose()?;
    let readers = args
        .tables
        .iter()
        .map(|path| {
            let file = File::open(path).with_context(|| format!("{}", path.display()))?;
            Ok(TableReader::new(
                BufReader::new(file),
                &path.display().to_string(),
            )?)
        })
        .collect::<Result<Vec<_>>>()?;
    let name = args.output.display().to_string();
    let options = MergeOptions {
        min_docs: args.min_docs,
        partition,
    };
    let header = write_atomically(&args.output, |out| {
        Ok(merge_tables(readers, out, &name, options)?)
    })?;
    eprintln!(
        "boilerstrip: merged {} tables: {} documents, {} lines kept -> {name}",
        args.tables.len(),
        header.documents,
        header.entries
    );
    Ok(Exit::Success)
}

/// `boilerstrip top`: the most frequent lines with their counts and an example each.
pub fn top(args: TopArgs, stop: &StopFlag) -> Result<Exit> {
    let mut input = InputConfig::from_args(args.input)?;
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
    let (header, stats, mut exit) = count_into(
        &input,
        &keys,
        &args.keys,
        &args.run,
        (scratch.path(), &table),
        stop,
    )?;
    let reader = TableReader::new(
        BufReader::new(File::open(&table)?),
        &table.display().to_string(),
    )?;
    let best = top_entries(reader, args.lines, args.min_docs)?;
    let mut examples = Examples::new(best.iter().map(|&(key, _)| key));
    let mut quiet = Reporter::new(false, true, None);
    for path in &input.inputs {
        if examples.is_complete() {
            break;
        }
        if let Some(opened) = open_input(&input, path.as_deref(), &mut quiet, &mut exit) {
            examples.scan(opened, &keys)?;
        }
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    writeln!(out, "{:>9}  {:>6}  LINE", "DOCUMENTS", "SHARE")?;
    for (key, count) in best {
        let share = 100.0 * count as f64 / header.documents.max(1) as f64;
        let example = examples.get(key).unwrap_or("?");
        writeln!(out, "{count:>9}  {share:>5.1}%  {example}")?;
    }
    out.flush()?;
    Ok(worse(exit, stats))
}
