//! One small function per subcommand: wire configuration and IO to the library.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use boilerstrip::formats::text::TextReader;
use boilerstrip::rules::{ExampleKind, test_examples};
use boilerstrip::{Cleaner, RuleSet, Stats, pipeline};

use super::config::CleanConfig;
use super::exit::Exit;

/// `boilerstrip [clean]`: every input in order to standard output.
pub fn clean(config: CleanConfig) -> Result<Exit> {
    let started = Instant::now();
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    let mut stats = Stats::default();
    let mut exit = Exit::Success;
    for input in &config.inputs {
        let name = input
            .as_deref()
            .map_or("<stdin>".to_string(), |p| p.display().to_string());
        let reader: Box<dyn BufRead> = match input {
            None => Box::new(io::stdin().lock()),
            Some(path) => match File::open(path) {
                Ok(file) => Box::new(BufReader::with_capacity(1 << 20, file)),
                Err(err) => {
                    eprintln!("boilerstrip: {name}: {err}");
                    exit = Exit::Error;
                    continue;
                }
            },
        };
        let mut documents = TextReader::new(reader, &name, config.text.clone());
        stats += pipeline::clean_text(
            &mut documents,
            &config.cleaner,
            config.output,
            &mut out,
            "<stdout>",
        )?;
    }
    out.flush().context("<stdout>")?;
    if let Some(destination) = &config.stats {
        let elapsed = (!config.deterministic).then(|| started.elapsed());
        write_stats(&stats, elapsed, destination.as_deref())?;
    }
    Ok(exit)
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
    let detectors = rules.detectors();
    let describe = |name: &str, settings: Option<boilerstrip::detect::ShortLines>| match settings {
        Some(s) => format!("{name} (max_words {})", s.max_words),
        None => format!("{name} (off)"),
    };
    writeln!(
        out,
        "detectors: {}, {}",
        describe("repeated", detectors.repeated),
        describe("orphan", detectors.orphan)
    )?;
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
