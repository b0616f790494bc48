//! One small function per subcommand: wire configuration and IO to the library.

use std::cell::Cell;
use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use boilerstrip::audit::log::LogEntry;
use boilerstrip::audit::report::{Replay, Report, ReportOptions};
use boilerstrip::examples::{ExampleKind, test_examples};
use boilerstrip::formats::compress::{Codec, Encoder};
use boilerstrip::formats::parquet::{ParquetInput, RowTexts};
use boilerstrip::formats::{self, Input};
use boilerstrip::model::Model;
use boilerstrip::pipeline::{OnInvalid, Output, Pipeline, SideOutput, SideOutputs};
use boilerstrip::rules::{Detector, Settings};
use boilerstrip::{Cleaner, RuleSet, Stats};

use super::args::ReportArgs;
use super::config::{CleanConfig, InputConfig, OutputFile, Target};
use super::exit::Exit;
use super::output::{self, AtomicOutput, StalePartials};
use super::report::Reporter;

/// `boilerstrip [clean]`: every input through the pipeline, to standard output or to
/// one file per input.
///
/// An input that fails (cannot be opened, is truncated or corrupt, holds a document over
/// the size limit, or its output cannot be written) is reported and the run goes on with
/// the others; the run then ends with exit code 2 and a one-line summary. With
/// `--on-invalid fail` the first failure stops the run, and the inputs not processed are
/// named. A closed pipe downstream ends the run quietly, with the exit code the failures
/// before it call for.
pub fn clean(config: CleanConfig) -> Result<Exit> {
    let started = Instant::now();
    if config.interactive {
        say!("reading standard input; -h for help");
    }
    let pipeline = Pipeline::new(config.cleaner.clone(), config.pipeline.clone())?;
    let mut reporter = Reporter::new(
        config.progress,
        config.quiet,
        total_size(&config.input.inputs),
    );
    let log = match &config.log {
        Some(log) => Some(AtomicOutput::create(&log.path, log.level)?),
        None => None,
    };
    let rejects = match &config.rejects {
        Some(rejects) => Some(AtomicOutput::create(&rejects.path, rejects.level)?),
        None => None,
    };
    let report = match (&config.report, &config.pipeline.process.report) {
        (Some(file), Some(options)) => Some((
            Report::new(options.clone()),
            AtomicOutput::create(&file.path, file.level)?,
        )),
        _ => None,
    };
    let mut run = Run {
        config: &config,
        pipeline: &pipeline,
        reporter: &mut reporter,
        stats: Stats::default(),
        failed: Vec::new(),
        not_processed: Vec::new(),
        output_failed: false,
        stopped: false,
        downstream_closed: false,
        log,
        rejects,
        report,
    };
    match &config.target {
        Target::Stdout => run.write_stdout()?,
        Target::Files(files) => run.write_files(files)?,
    }
    let Run {
        stats,
        failed,
        not_processed,
        output_failed,
        stopped,
        downstream_closed,
        log,
        rejects,
        report,
        ..
    } = run;
    // Like an output file, the log and the rejects are completed only by a run that was
    // not stopped.
    for side in [log, rejects].into_iter().flatten() {
        if !stopped {
            side.commit()?;
        }
    }
    if let (Some((report, mut output)), false) = (report, stopped) {
        let name = config.report.as_ref().map(|f| f.path.display().to_string());
        report
            .write_html(output.encoder())
            .with_context(|| name.unwrap_or_default())?;
        output.commit()?;
    }
    let invalid = stats.invalid.max(reporter.invalid());
    reporter.finish();
    if stats.documents > 0 && stats.documents_with_site == Some(0) {
        say!(
            "warning: the count table is per site, but no document had a URL \
             (JSONL: --url-field `{}`; WARC: WARC-Target-URI), so `frequent` looked every \
             line up as if all came from one site without a name",
            config.url_field
        );
    }
    if !failed.is_empty() || !not_processed.is_empty() {
        say!(
            "{}",
            failure_summary(config.input.inputs.len(), &failed, &not_processed)
        );
    }
    let exit = if !failed.is_empty() || !not_processed.is_empty() || output_failed {
        Exit::Error
    } else if invalid > 0 {
        Exit::Invalid
    } else {
        Exit::Success
    };
    if downstream_closed {
        // The run ends quietly and with success (`| head`), but what it would have
        // counted and logged is incomplete: said, not written as if whole.
        let unwritten: Vec<&str> = [
            (config.stats.is_some(), "--stats"),
            (config.log.is_some(), "--log"),
            (config.rejects.is_some(), "--rejects"),
            (config.report.is_some(), "--report"),
        ]
        .into_iter()
        .filter_map(|(asked, flag)| asked.then_some(flag))
        .collect();
        if !unwritten.is_empty() {
            say!(
                "standard output was closed before the end of the input, so {} {} not written",
                unwritten.join(", "),
                if unwritten.len() == 1 { "was" } else { "were" }
            );
        }
    } else if let Some(destination) = &config.stats {
        let elapsed = (!config.deterministic).then(|| started.elapsed());
        write_stats(&stats, elapsed, destination.as_deref())?;
    }
    Ok(exit)
}

/// `boilerstrip report LOG -o FILE`: the review report of a logged run, rebuilt by
/// reading again every input the log names; fails, naming the log line, the input and
/// the record, at the first document whose text is not what the log says.
pub fn report(args: ReportArgs) -> Result<Exit> {
    let input = InputConfig::reading(Vec::new(), args.read)?;
    let (log, output) = (&args.log, &args.output);
    if output.as_os_str() == "-" {
        bail!("-o writes a file; `-` would be taken as its name");
    }
    super::paths::refuse_overlaps(&[Some(log.clone())], &[output], "")?;
    let file = File::open(log)
        .with_context(|| format!("cannot read the removal log {}", log.display()))?;
    let (_, reader) = boilerstrip::formats::compress::open(file)
        .with_context(|| format!("cannot read the removal log {}", log.display()))?;
    let mut report = Report::new(ReportOptions::default());
    let mut page = AtomicOutput::create(output, None)?;
    let mut entries = io::BufReader::new(reader)
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.as_ref().is_ok_and(|line| line.trim().is_empty()))
        .map(|(index, line)| {
            let at = format!("{} line {}", log.display(), index + 1);
            let line = line.with_context(|| at.clone())?;
            let entry = LogEntry::from_line(&line)
                .with_context(|| format!("{at}: not a removal log entry"))?;
            Ok::<_, anyhow::Error>((at, entry))
        })
        .peekable();
    // The entries of one input come together: each input is opened once, for them.
    while let Some(first) = entries.next() {
        let (at, entry) = first?;
        if entry.input == "<stdin>" {
            bail!("{at}: the run read standard input, which cannot be read again");
        }
        let path = PathBuf::from(&entry.input);
        super::paths::refuse_overlaps(&[Some(path.clone())], &[output], "")?;
        let parquet;
        let mut replay = if input.is_parquet(Some(&path)) {
            parquet = ParquetInput::open(&path, &entry.input, &input.field)
                .with_context(|| at.clone())?;
            Replay::parquet(RowTexts::new(&parquet, 8 << 20), &entry.input)
        } else {
            let opened = open(&input, Some(&path)).with_context(|| at.clone())?;
            Replay::new(opened, input.field.clone())
        };
        report.begin_input(&entry.input);
        replay
            .add(&entry, &mut report)
            .with_context(|| at.clone())?;
        let same = |next: &Result<(String, LogEntry)>| {
            next.as_ref()
                .is_ok_and(|(_, next)| next.input == entry.input)
        };
        while let Some(next) = entries.next_if(same) {
            let (at, next) = next?;
            replay.add(&next, &mut report).with_context(|| at.clone())?;
        }
    }
    report
        .write_html(page.encoder())
        .with_context(|| output.display().to_string())?;
    page.commit()?;
    Ok(Exit::Success)
}

/// `2 of 40 inputs failed: a.gz, b.jsonl; not processed: c.jsonl`.
fn failure_summary(inputs: usize, failed: &[String], not_processed: &[String]) -> String {
    let list = |names: &[String]| {
        const SHOWN: usize = 10;
        let mut text = names
            .iter()
            .take(SHOWN)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        if names.len() > SHOWN {
            text += &format!(" and {} more", names.len() - SHOWN);
        }
        text
    };
    let mut parts = Vec::new();
    if !failed.is_empty() {
        let noun = if inputs == 1 { "input" } else { "inputs" };
        parts.push(format!(
            "{} of {inputs} {noun} failed: {}",
            failed.len(),
            list(failed)
        ));
    }
    if !not_processed.is_empty() {
        parts.push(format!("not processed: {}", list(not_processed)));
    }
    parts.join("; ")
}

/// The state of one `clean` run over all inputs.
struct Run<'a> {
    config: &'a CleanConfig,
    pipeline: &'a Pipeline,
    reporter: &'a mut Reporter,
    stats: Stats,
    /// Inputs that failed, by name.
    failed: Vec<String>,
    /// Inputs never read because the run stopped early.
    not_processed: Vec<String>,
    /// Standard output could not be written (other than a closed pipe).
    output_failed: bool,
    /// The run ended before its last input (`--on-invalid fail`, a failed or closed
    /// standard output).
    stopped: bool,
    /// Standard output was closed downstream (`| head`), which stopped the run.
    downstream_closed: bool,
    /// The removal log, committed when every input is done.
    log: Option<AtomicOutput>,
    /// The rejected documents (`--rejects`), committed when every input is done.
    rejects: Option<AtomicOutput>,
    /// The review report (`--report`), written and committed when every input is done.
    report: Option<(Report, AtomicOutput)>,
}

/// What ended a failed input.
enum Failure {
    /// The input (or its own output file) failed; the others can go on.
    Input(anyhow::Error),
    /// Nothing more can be written: standard output failed or the pipe closed.
    Output(anyhow::Error),
}

impl Run<'_> {
    /// Every input, concatenated, to standard output.
    fn write_stdout(&mut self) -> Result<()> {
        let failure = Rc::new(Cell::new(None));
        let watched = Watched {
            inner: io::stdout().lock(),
            failure: Rc::clone(&failure),
        };
        let mut out = Encoder::new(
            BufWriter::with_capacity(1 << 20, watched),
            Codec::Plain,
            None,
        )?;
        let inputs = &self.config.input.inputs;
        // Explanations and attributes are text: only Parquet files cannot be concatenated.
        let parquet_out = matches!(self.config.pipeline.process.output, Output::Cleaned);
        if inputs.len() > 1 && parquet_out && inputs.iter().any(|i| self.is_parquet(i.as_deref())) {
            bail!("Parquet files cannot be concatenated on standard output; use -o DIR");
        }
        for (index, input) in inputs.iter().enumerate() {
            let result = match input.as_deref().filter(|p| self.is_parquet(Some(p))) {
                Some(path) => out.flush().context("<stdout>").and_then(|()| {
                    // Standard output's lock is reentrant: `out` keeps it, and the
                    // Parquet writer (which must be `Send`) writes through its own handle.
                    let parquet = BufWriter::with_capacity(1 << 20, io::stdout());
                    let (stats, mut parquet) = self.run_parquet(path, parquet, "<stdout>")?;
                    parquet.flush().context("<stdout>")?;
                    Ok(stats)
                }),
                None => self
                    .open(input.as_deref())
                    .and_then(|opened| self.run_one(opened, &mut out, "<stdout>")),
            };
            let failure = match result {
                Ok(stats) => {
                    self.stats += stats;
                    continue;
                }
                Err(err) if failure.get().is_some() => Failure::Output(err),
                Err(err) => Failure::Input(err),
            };
            if !self.failed_at(index, failure, |rest| rest)? {
                return Ok(());
            }
        }
        if let Err(err) = out.finish().context("<stdout>") {
            self.failed_at(inputs.len(), Failure::Output(err), |rest| rest)?;
        }
        Ok(())
    }

    /// Each input to its own file; with `--resume`, inputs whose output is finished are
    /// skipped.
    fn write_files(&mut self, files: &[OutputFile]) -> Result<()> {
        let skipped = files.iter().filter(|file| file.finished).count();
        if skipped > 0 {
            say!(
                "--resume: skipping {skipped} of {} inputs whose output is already there",
                files.len()
            );
        }
        let mut stale = StalePartials::default();
        for (index, (input, file)) in self.config.input.inputs.iter().zip(files).enumerate() {
            if file.finished {
                continue;
            }
            if let Err(err) = self.write_file(input.as_deref(), file, &mut stale) {
                let keep_going = self.failed_at(index, Failure::Input(err), |rest| {
                    rest.iter()
                        .zip(&files[index + 1..])
                        .filter(|(_, file)| !file.finished)
                        .map(|(input, _)| input)
                        .cloned()
                        .collect()
                })?;
                if !keep_going {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// One input to its file, renamed into place when complete.
    fn write_file(
        &mut self,
        input: Option<&Path>,
        file: &OutputFile,
        stale: &mut StalePartials,
    ) -> Result<()> {
        if let Some(input) = input.filter(|input| self.is_parquet(Some(input))) {
            let mut output = AtomicOutput::create(&file.path, file.level)?;
            let name = file.path.display().to_string();
            let (stats, _) = self.run_parquet(input, output.encoder(), &name)?;
            self.stats += stats;
            return output.commit();
        }
        let opened = self.open(input)?;
        if !output::writes_in_place(&file.path) {
            stale.remove_for(&file.path)?;
        }
        let mut output = AtomicOutput::create(&file.path, file.level)?;
        let name = file.path.display().to_string();
        let stats = self.run_one(opened, output.encoder(), &name)?;
        self.stats += stats;
        output.commit()
    }

    /// Cleans one opened input into `out`, and its removal log into the log.
    fn run_one<W: Write>(
        &mut self,
        opened: Input,
        out: &mut Encoder<W>,
        name: &str,
    ) -> Result<Stats> {
        let name_of = |file: &Option<OutputFile>| {
            file.as_ref()
                .map(|file| file.path.display().to_string())
                .unwrap_or_default()
        };
        let (log_name, rejects_name) = (name_of(&self.config.log), name_of(&self.config.rejects));
        let mut side = SideOutputs {
            log: self.log.as_mut().map(|log| SideOutput {
                writer: log.encoder(),
                name: &log_name,
            }),
            rejects: self.rejects.as_mut().map(|rejects| SideOutput {
                writer: rejects.encoder(),
                name: &rejects_name,
            }),
            report: self.report.as_mut().map(|(report, _)| report),
        };
        Ok(self
            .pipeline
            .run_with(opened, out, name, &mut side, self.reporter)?)
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
        if self.rejects.is_some() {
            bail!(
                "{origin}: --rejects is not supported for Parquet: leaving rows out of the \
                 text column would misalign the other columns"
            );
        }
        let log_name = self
            .config
            .log
            .as_ref()
            .map(|log| log.path.display().to_string());
        let mut side = SideOutputs {
            log: self.log.as_mut().map(|log| SideOutput {
                writer: log.encoder(),
                name: log_name.as_deref().unwrap_or_default(),
            }),
            rejects: None,
            report: self.report.as_mut().map(|(report, _)| report),
        };
        Ok(self.pipeline.run_parquet_with(
            input,
            &origin,
            out,
            out_name,
            &mut side,
            self.reporter,
        )?)
    }

    /// Handles the failure of input `index`: an interruption ends the run with its error;
    /// otherwise the failure is reported and counted. Returns whether the run goes on;
    /// when it stops, `rest` picks the inputs after `index` that were still to do.
    fn failed_at(
        &mut self,
        index: usize,
        failure: Failure,
        rest: impl FnOnce(Vec<Option<PathBuf>>) -> Vec<Option<PathBuf>>,
    ) -> Result<bool> {
        let (err, output) = match failure {
            Failure::Input(err) | Failure::Output(err) if is_interrupted(&err) => {
                return Err(err);
            }
            Failure::Input(err) => (err, false),
            Failure::Output(err) => (err, true),
        };
        let inputs = &self.config.input.inputs;
        if output && is_broken_pipe(&err) {
            // Nobody reads any more: stop quietly, keeping what failed before.
            self.stopped = true;
            self.downstream_closed = true;
            return Ok(false);
        }
        self.reporter.message(&super::hints::describe(&err));
        if output {
            self.output_failed = true;
        } else {
            let name = display(inputs[index].as_deref());
            if let Some((report, _)) = &mut self.report {
                report.input_failed(&name, &format!("{err:#}"));
            }
            self.failed.push(name);
        }
        let fail_fast = self.config.pipeline.process.on_invalid == OnInvalid::Fail;
        if output || fail_fast {
            self.stopped = true;
            let later = inputs.get(index + 1..).unwrap_or_default().to_vec();
            self.not_processed = rest(later).iter().map(|i| display(i.as_deref())).collect();
            return Ok(false);
        }
        Ok(true)
    }

    fn open(&mut self, input: Option<&Path>) -> Result<Input> {
        self.reporter.next_input();
        open(&self.config.input, input)
    }
}

/// A writer that remembers the kind of its first failure, so that a failed run can
/// tell a failing output from a failing input.
struct Watched<W> {
    inner: W,
    failure: Rc<Cell<Option<io::ErrorKind>>>,
}

impl<W: Write> Watched<W> {
    fn watch<T>(&self, result: io::Result<T>) -> io::Result<T> {
        if let Err(err) = &result
            && self.failure.get().is_none()
        {
            self.failure.set(Some(err.kind()));
        }
        result
    }
}

impl<W: Write> Write for Watched<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let result = self.inner.write(buf);
        self.watch(result)
    }

    fn flush(&mut self) -> io::Result<()> {
        let result = self.inner.flush();
        self.watch(result)
    }
}

/// How an input is named in reports.
fn display(input: Option<&Path>) -> String {
    input.map_or("<stdin>".to_string(), |p| p.display().to_string())
}

/// True when `err` is (caused by) a closed pipe downstream.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        let io = cause.downcast_ref::<io::Error>().or_else(|| {
            cause
                .downcast_ref::<boilerstrip::Error>()
                .and_then(|e| e.io_error())
        });
        io.is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// True when `err` is (caused by) the stop flag.
pub fn is_interrupted(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<boilerstrip::Error>()
            .is_some_and(|e| e.category() == boilerstrip::ErrorCategory::Interrupted)
    })
}

/// Opens an input (`None`: standard input) in the format configured for it.
fn open(config: &InputConfig, input: Option<&Path>) -> Result<Input> {
    let name = display(input);
    let options = config.options_for(input);
    match input {
        None => Ok(formats::open(io::stdin(), &name, &options)?),
        Some(path) => {
            let file = File::open(path).with_context(|| name.clone())?;
            Ok(formats::open(file, &name, &options)?)
        }
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
    match open(config, input) {
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
        Some(path) => output::write_atomically(path, |out| {
            out.write_all(json.as_bytes())
                .with_context(|| format!("{}", path.display()))
        }),
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
pub fn rules_list(rules: &RuleSet, model: Option<Model>, markers_only: bool) -> Result<Exit> {
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
    let mut builder = Cleaner::builder();
    if let Some(model) = model {
        builder.model(model);
    }
    let cleaner = builder.build(rules)?;
    let scorer = cleaner.model();
    let state = match rules.detectors().model() {
        Some(settings) => settings.to_string(),
        None => "off".to_string(),
    };
    writeln!(
        out,
        "model: {} ({} trees, {state})",
        scorer.name(),
        scorer.trees()
    )?;
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
    let model_on = detectors.model().is_some();
    let describe = |detector: Detector| match detectors.get(detector) {
        Some(settings @ Settings::Frequent(_)) => format!("{detector} ({settings}, with --counts)"),
        Some(settings) if model_on && detector.superseded_by_model() => {
            format!("{detector} ({settings}, a feature of model)")
        }
        Some(settings) => format!("{detector} ({settings})"),
        None => format!("{detector} (off)"),
    };
    Detector::ALL.map(describe).join(", ")
}
