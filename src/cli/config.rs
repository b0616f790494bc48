//! Arguments → resolved configuration, once: rule packs loaded, cleaner built, formats
//! and output target decided, terminal checked. No clap type passes this point.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use boilerstrip::count_table::FrequentLines;
use boilerstrip::count_table::Scope;
use boilerstrip::counts::KeyOptions;
use boilerstrip::explain::ExplainStyle;
use boilerstrip::formats::compress::Decompress;
use boilerstrip::formats::jsonl::FieldPath;
use boilerstrip::formats::text::TextOptions;
use boilerstrip::formats::{Format, InputOptions};
use boilerstrip::pipeline::{OnInvalid, Output, PipelineOptions, ProcessOptions, StopFlag};
use boilerstrip::rules::{Frequent, Settings};
use boilerstrip::{Cleaner, RuleSet};

use super::args::{
    CleanArgs, ColorChoice, DecompressArg, FormatArg, FrequentArgs, InputArgs, KeyArgs,
    OnInvalidArg, ProgressArg, RuleArgs, RunArgs, ScopeArg, UrlArgs,
};

/// Where cleaned output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Standard output, every input concatenated, uncompressed.
    Stdout,
    /// One file, written atomically.
    File(PathBuf),
    /// One file per input under this directory.
    Dir(PathBuf),
}

/// Which documents to read, resolved.
#[derive(Debug, Clone)]
pub struct InputConfig {
    /// Inputs; `None` is standard input.
    pub inputs: Vec<Option<PathBuf>>,
    /// `-f`, when given; otherwise each input's format comes from its name.
    pub format: Option<Format>,
    /// How text inputs are cut into documents.
    pub text: TextOptions,
    /// Where a JSONL record keeps its text.
    pub field: FieldPath,
    /// Whether gzip and zstd input is decoded.
    pub decompress: Decompress,
}

impl InputConfig {
    /// Resolves input arguments.
    pub fn from_args(args: InputArgs) -> Result<InputConfig> {
        let inputs = if args.files.is_empty() {
            vec![None]
        } else {
            args.files
                .into_iter()
                .map(|path| (path.as_os_str() != "-").then_some(path))
                .collect()
        };
        Ok(InputConfig {
            inputs,
            format: args.format.map(|format| match format {
                FormatArg::Text => Format::Text,
                FormatArg::Jsonl => Format::Jsonl,
                FormatArg::Warc => Format::Warc,
                FormatArg::Parquet => Format::Parquet,
            }),
            text: TextOptions {
                separator: args.doc_separator.map(String::into_bytes),
                max_doc_bytes: args.max_doc_bytes,
            },
            field: FieldPath::parse(&args.field).with_context(|| "--field")?,
            decompress: match args.decompress {
                DecompressArg::Auto => Decompress::Auto,
                DecompressArg::None => Decompress::None,
            },
        })
    }

    /// True if `input` is to be read as Parquet: `-f parquet`, a `.parquet` name, or
    /// (when neither `-f` nor the name says) a file that starts with `PAR1`.
    pub fn is_parquet(&self, input: Option<&Path>) -> bool {
        let Some(path) = input else {
            return self.format == Some(Format::Parquet);
        };
        match self.options_for(input).format {
            Some(format) => format == Format::Parquet,
            None => boilerstrip::formats::parquet::is_parquet_file(path),
        }
    }

    /// How to read `input`: its format (`-f`, else from its name; standard input and
    /// names that say nothing are told by their first bytes) and text options.
    pub fn options_for(&self, input: Option<&Path>) -> InputOptions {
        InputOptions {
            format: self.format.or_else(|| input.and_then(Format::from_name)),
            text: self.text.clone(),
            decompress: self.decompress,
        }
    }
}

/// Whether to draw a progress bar.
pub fn progress(run: &RunArgs) -> bool {
    !run.quiet
        && match run.progress {
            ProgressArg::Always => true,
            ProgressArg::Never => false,
            ProgressArg::Auto => std::io::stderr().is_terminal(),
        }
}

/// How lines are keyed for counting, resolved.
pub fn key_options(args: &KeyArgs, input: &InputConfig) -> Result<KeyOptions> {
    Ok(KeyOptions {
        scope: match args.scope {
            ScopeArg::Corpus => Scope::Corpus,
            ScopeArg::Site => Scope::Site,
        },
        text_field: input.field.clone(),
        url_field: url_field(&args.url)?,
        ..KeyOptions::default()
    })
}

/// `--url-field`, parsed.
pub fn url_field(args: &UrlArgs) -> Result<FieldPath> {
    FieldPath::parse(&args.url_field).with_context(|| "--url-field")
}

/// The cleaner the rule flags and `--counts` describe: `--counts` switches the
/// `frequent` detector on (with the pack's settings, or the defaults), `--min-docs` and
/// `--frequent-max-words` override them, and the table is loaded above the threshold.
pub fn cleaner(rules: &RuleArgs, frequent: &FrequentArgs) -> Result<Cleaner> {
    let rules = rule_set(rules, |rules| {
        if frequent.counts.is_none() {
            return Ok(());
        }
        let mut settings = rules.detectors().frequent().unwrap_or(Frequent::DEFAULT);
        if let Some(min_docs) = frequent.min_docs {
            settings = settings.with_min_docs(min_docs)?;
        }
        if let Some(max_words) = frequent.frequent_max_words {
            settings = settings.with_max_words(Some(max_words))?;
        }
        rules.detectors_mut().set(Settings::Frequent(settings));
        Ok(())
    })?;
    let mut builder = Cleaner::builder();
    if let (Some(path), Some(settings)) = (&frequent.counts, rules.detectors().frequent()) {
        builder.counts(FrequentLines::from_path(path, settings.min_docs())?);
    }
    Ok(builder.build(&rules)?)
}

/// A worker pool with `threads` threads (default: one per core).
pub fn pool(threads: Option<u16>) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.map_or(0, usize::from))
        .build()
        .context("cannot start the worker threads")
}

/// Everything `clean` needs, resolved.
pub struct CleanConfig {
    /// What to read.
    pub input: InputConfig,
    /// The compiled rules.
    pub cleaner: Cleaner,
    /// Threads, batching and per-record processing.
    pub pipeline: PipelineOptions,
    /// Where the output goes.
    pub target: Target,
    /// Skip inputs whose output exists.
    pub resume: bool,
    /// Compression level for output files.
    pub level: Option<i32>,
    /// Show a progress bar.
    pub progress: bool,
    /// No per-record reports.
    pub quiet: bool,
    /// Where `--stats` goes: `None` off, `Some(None)` standard error.
    pub stats: Option<Option<PathBuf>>,
    /// Zero timings in stats.
    pub deterministic: bool,
}

/// Loads the rule set the flags describe; `adjust` sees it after the packs are loaded
/// and before `--disable` applies.
pub fn rule_set(
    args: &RuleArgs,
    adjust: impl FnOnce(&mut RuleSet) -> boilerstrip::Result<()>,
) -> Result<RuleSet> {
    let mut rules = if args.no_default_rules {
        RuleSet::new()
    } else {
        RuleSet::builtin()
    };
    for path in &args.rules {
        rules.add_path(path)?;
    }
    adjust(&mut rules)?;
    for name in &args.disable {
        rules.disable(name)?;
    }
    Ok(rules)
}

impl CleanConfig {
    /// Resolves `clean` arguments.
    pub fn from_args(args: CleanArgs, stop: StopFlag) -> Result<CleanConfig> {
        let cleaner = cleaner(&args.rules, &args.frequent)?;
        let input = InputConfig::from_args(args.input.clone())?;
        let target = target(args.output.as_deref(), &input.inputs)?;
        let output = output(&args, &cleaner);
        let process = ProcessOptions {
            output,
            field: input.field.clone(),
            url_field: url_field(&args.frequent.url)?,
            drop_empty: args.drop_empty,
            on_invalid: match args.on_invalid {
                OnInvalidArg::Pass => OnInvalid::Pass,
                OnInvalidArg::Skip => OnInvalid::Skip,
                OnInvalidArg::Fail => OnInvalid::Fail,
            },
        };
        Ok(CleanConfig {
            input,
            cleaner,
            pipeline: PipelineOptions {
                threads: args.run.threads.map(usize::from),
                process,
                stop,
                ..PipelineOptions::default()
            },
            target,
            resume: args.resume,
            level: args.level,
            progress: progress(&args.run),
            quiet: args.run.quiet,
            stats: args
                .stats
                .map(|path| (path.as_os_str() != "-").then_some(path)),
            deterministic: args.deterministic,
        })
    }
}

/// `-o` as a file or a directory: a directory when several inputs are given, when it
/// exists as one, or when it ends with a path separator.
fn target(output: Option<&Path>, inputs: &[Option<PathBuf>]) -> Result<Target> {
    let Some(output) = output else {
        return Ok(Target::Stdout);
    };
    let looks_like_dir = output.as_os_str().to_string_lossy().ends_with(['/', '\\']);
    if inputs.len() > 1 || output.is_dir() || looks_like_dir {
        if inputs.iter().any(Option::is_none) {
            bail!("standard input has no name to write under the output directory; use -o FILE");
        }
        return Ok(Target::Dir(output.to_path_buf()));
    }
    Ok(Target::File(output.to_path_buf()))
}

fn output(args: &CleanArgs, cleaner: &Cleaner) -> Output {
    if !args.explain {
        return Output::Cleaned;
    }
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let width = cleaner
        .rules()
        .iter()
        .map(|r| r.name().len())
        .max()
        .unwrap_or(0);
    Output::Explain(ExplainStyle { color, width })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_a_directory_for_many_inputs_or_a_trailing_slash() {
        let one = [Some(PathBuf::from("a.jsonl"))];
        let two = [
            Some(PathBuf::from("a.jsonl")),
            Some(PathBuf::from("b.jsonl")),
        ];
        let out = Path::new("no-such-dir-here/out.jsonl");
        assert_eq!(target(Some(out), &one).unwrap(), Target::File(out.into()));
        assert_eq!(target(Some(out), &two).unwrap(), Target::Dir(out.into()));
        let slash = Path::new("no-such-dir-here/");
        assert_eq!(
            target(Some(slash), &one).unwrap(),
            Target::Dir(slash.into())
        );
        assert_eq!(target(None, &one).unwrap(), Target::Stdout);
        assert!(target(Some(slash), &[None]).is_err());
        assert_eq!(
            target(Some(out), &[None]).unwrap(),
            Target::File(out.into())
        );
    }
}
