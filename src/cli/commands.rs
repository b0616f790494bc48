//! One small function per subcommand: wire configuration and IO to the library.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use boilerstrip::examples::{ExampleKind, test_examples};
use boilerstrip::formats::compress::{Codec, Encoder};
use boilerstrip::formats::{self, Input};
use boilerstrip::pipeline::{Output, Pipeline};
use boilerstrip::rules::{Detector, Settings};
use boilerstrip::{Cleaner, RuleSet, Stats};

use super::config::{CleanConfig, InputConfig, Target};
use super::exit::Exit;
use super::output::{self, AtomicOutput};
use super::report::Reporter;

/// `boilerstrip [clean]`: every input through the pipeline, to standard output or to
/// one file per input.
pub fn clean(config: CleanConfig) -> Result<Exit> {
    let started = Instant::now();
    let pipeline = Pipeline::new(config.cleaner.clone(), config.pipeline.clone())?;
    let mut reporter = Reporter::new(
        config.progress,
        config.quiet,
        total_size(&config.input.inputs),
    );
    let mut run = Run {
        config: &config,
        pipeline: &pipeline,
        reporter: &mut reporter,
        stats: Stats::default(),
        exit: Exit::Success,
    };
    match &config.target {
        Target::Stdout => run.write_stdout()?,
        Target::File(path) => run.write_file(config.input.inputs[0].as_deref(), path)?,
        Target::Dir(dir) => {
            let inputs: Vec<PathBuf> = config.input.inputs.iter().flatten().cloned().collect();
            for (input, output) in inputs.iter().zip(output::paths_under(dir, &inputs)?) {
                run.write_file(Some(input), &output)?;
            }
        }
    }
    let (stats, mut exit) = (run.stats, run.exit);
    reporter.finish();
    if stats.invalid > 0 && exit == Exit::Success {
        exit = Exit::Invalid;
    }
    if let Some(destination) = &config.stats {
        let elapsed = (!config.deterministic).then(|| started.elapsed());
        write_stats(&stats, elapsed, destination.as_deref())?;
    }
    Ok(exit)
}

/// The state of one `clean` run over all inputs.
struct Run<'a> {
    config: &'a CleanConfig,
    pipeline: &'a Pipeline,
    reporter: &'a mut Reporter,
    stats: Stats,
    exit: Exit,
}

impl Run<'_> {
    /// Every input, concatenated, to standard output.
    fn write_stdout(&mut self) -> Result<()> {
        let inputs = &self.config.input.inputs;
        let explain = matches!(self.config.pipeline.process.output, Output::Explain(_));
        if inputs.len() > 1 && !explain && inputs.iter().any(|i| self.is_parquet(i.as_deref())) {
            bail!("Parquet files cannot be concatenated on standard output; use -o DIR");
        }
        let stdout = BufWriter::with_capacity(1 << 20, io::stdout().lock());
        let mut out = Encoder::new(stdout, Codec::Plain, None)?;
        for input in &self.config.input.inputs {
            if let Some(path) = input.as_deref().filter(|p| self.is_parquet(Some(p))) {
                out.flush().context("<stdout>")?;
                // Standard output's lock is reentrant: `out` keeps it, and the Parquet
                // writer (which must be `Send`) writes through a handle of its own.
                let parquet = BufWriter::with_capacity(1 << 20, io::stdout());
                let (stats, mut parquet) = self.run_parquet(path, parquet, "<stdout>")?;
                parquet.flush().context("<stdout>")?;
                self.stats += stats;
                continue;
            }
            if let Some(opened) = self.open(input.as_deref()) {
                self.stats += self
                    .pipeline
                    .run(opened, &mut out, "<stdout>", self.reporter)?;
            }
        }
        out.finish().context("<stdout>")?;
        Ok(())
    }

    /// One input to `path`, renamed into place when complete; skipped with `--resume`
    /// when `path` exists.
    fn write_file(&mut self, input: Option<&Path>, path: &Path) -> Result<()> {
        if self.config.resume && path.exists() {
            return Ok(());
        }
        if let Some(input) = input.filter(|input| self.is_parquet(Some(input))) {
            let mut output = AtomicOutput::create(path, self.config.level)?;
            let name = path.display().to_string();
            let (stats, _) = self.run_parquet(input, output.encoder(), &name)?;
            self.stats += stats;
            return output.commit();
        }
        let Some(opened) = self.open(input) else {
            return Ok(());
        };
        let mut output = AtomicOutput::create(path, self.config.level)?;
        let name = path.display().to_string();
        self.stats += self
            .pipeline
            .run(opened, output.encoder(), &name, self.reporter)?;
        output.commit()
    }

    fn is_parquet(&self, input: Option<&Path>) -> bool {
        self.config.input.is_parquet(input)
    }

    /// Cleans the Parquet file `input` into `out` (named `out_name`).
    fn run_parquet<W: Write + Send>(
        &mut self,
        input: &Path,
        out: W,
        out_name: &str,
    ) -> Result<(Stats, W)> {
        self.reporter.next_input();
        let origin = input.display().to_string();
        Ok(self
            .pipeline
            .run_parquet(input, &origin, out, out_name, self.reporter)?)
    }

    fn open(&mut self, input: Option<&Path>) -> Option<Input> {
        open_input(&self.config.input, input, self.reporter, &mut self.exit)
    }
}

/// Opens an input (`None`: standard input); an input that cannot be opened is reported,
/// sets `exit` to 2, and the run goes on with the others.
pub fn open_input(
    config: &InputConfig,
    input: Option<&Path>,
    reporter: &mut Reporter,
    exit: &mut Exit,
) -> Option<Input> {
    reporter.next_input();
    let name = input.map_or("<stdin>".to_string(), |p| p.display().to_string());
    let options = config.options_for(input);
    let opened = match input {
        None => formats::open(io::stdin(), &name, &options).map_err(anyhow::Error::from),
        Some(path) => File::open(path)
            .with_context(|| name.clone())
            .and_then(|file| Ok(formats::open(file, &name, &options)?)),
    };
    match opened {
        Ok(opened) => Some(opened),
        Err(err) => {
            reporter.message(&format!("{err:#}"));
            *exit = Exit::Error;
            None
        }
    }
}

/// The total size of the inputs, when all are regular files.
pub fn total_size(inputs: &[Option<PathBuf>]) -> Option<u64> {
    inputs
        .iter()
        .map(|input| {
            let metadata = std::fs::metadata(input.as_deref()?).ok()?;
            metadata.is_file().then_some(metadata.len())
        })
        .sum()
}

fn write_stats(
    stats: &Stats,
    elapsed: Option<std::time::Duration>,
    path: Option<&Path>,
) -> Result<()> {
    let json = stats.to_json(elapsed);
    match path {
        None => io::stderr().write_all(json.as_bytes()).context("<stderr>"),
        Some(path) => std::fs::write(path, json).with_context(|| format!("{}", path.display())),
    }
}

/// `boilerstrip rules check FILE...`: each file alone, then all together.
pub fn rules_check(files: &[PathBuf]) -> Result<Exit> {
    let mut all = RuleSet::new();
    for path in files {
        let pack = RuleSet::from_path(path)?;
        println!("ok: {} ({} rules)", path.display(), pack.rules().len());
        all.add_path(path)?;
    }
    Cleaner::new(&all)?;
    Ok(Exit::Success)
}

/// `boilerstrip rules test [FILE...]`: examples and counterexamples of every rule.
pub fn rules_test(files: &[PathBuf]) -> Result<Exit> {
    let rules = if files.is_empty() {
        RuleSet::builtin()
    } else {
        let mut rules = RuleSet::new();
        for path in files {
            rules.add_path(path)?;
        }
        rules
    };
    let report = test_examples(&rules)?;
    for failure in &report.failures {
        let what = match failure.kind {
            ExampleKind::Example => "example was kept",
            ExampleKind::Counterexample => "counterexample was removed",
            _ => "failed",
        };
        println!("FAIL {}: {what}: {:?}", failure.rule, failure.line);
    }
    println!(
        "{} rules, {} examples, {} counterexamples: {} passed, {} failed",
        report.rules,
        report.examples,
        report.counterexamples,
        report.examples + report.counterexamples - report.failures.len(),
        report.failures.len()
    );
    Ok(if report.failures.is_empty() {
        Exit::Success
    } else {
        Exit::Invalid
    })
}

/// `boilerstrip rules list [--markers]`.
pub fn rules_list(rules: &RuleSet, markers_only: bool) -> Result<Exit> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if markers_only {
        let mut seen = HashSet::new();
        for marker in rules.rules().iter().flat_map(|r| r.markers()) {
            if seen.insert(marker.to_ascii_lowercase()) {
                writeln!(out, "{marker}")?;
            }
        }
        out.flush()?;
        return Ok(Exit::Success);
    }
    let width = rules
        .rules()
        .iter()
        .map(|r| r.name().len())
        .max()
        .unwrap_or(4)
        .max(4);
    writeln!(
        out,
        "{:<width$}  {:<10}  {:<8}  {:<8}  MARKERS",
        "NAME", "PACK", "ACTION", "WHERE"
    )?;
    for rule in rules.rules() {
        writeln!(
            out,
            "{:<width$}  {:<10}  {:<8}  {:<8}  {}",
            rule.name(),
            rule.pack(),
            format!("{:?}", rule.action()).to_lowercase(),
            format!("{:?}", rule.where_()).to_lowercase(),
            rule.markers().len()
        )?;
    }
    writeln!(out, "detectors: {}", describe_detectors(rules.detectors()))?;
    let cleaner = Cleaner::new(rules)?;
    let marker_count: usize = rules.rules().iter().map(|r| r.markers().len()).sum();
    writeln!(
        out,
        "automaton: {}, {} markers, {} KiB",
        cleaner.automaton_kind(),
        marker_count,
        cleaner.automaton_memory().div_ceil(1024)
    )?;
    out.flush()?;
    Ok(Exit::Success)
}

/// The detectors and their settings, for `rules list`, in the order they run.
fn describe_detectors(detectors: &boilerstrip::rules::DetectorConfig) -> String {
    let describe = |detector: Detector| match detectors.get(detector) {
        Some(settings @ Settings::Frequent(_)) => format!("{detector} ({settings}, with --counts)"),
        Some(settings) => format!("{detector} ({settings})"),
        None => format!("{detector} (off)"),
    };
    Detector::ALL.map(describe).join(", ")
}
