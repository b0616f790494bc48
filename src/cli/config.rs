//! Arguments → resolved configuration, once: rule packs loaded, cleaner built, formats
//! and output target decided, terminal checked. No clap type passes this point.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use boilerstrip::audit::dolma::attributes_path;
use boilerstrip::audit::report::ReportOptions;
use boilerstrip::count_table::Scope;
use boilerstrip::counts::KeyOptions;
use boilerstrip::explain::ExplainStyle;
use boilerstrip::formats::compress::{Codec, Decompress, Encoder, codec_for_path};
use boilerstrip::formats::jsonl::FieldPath;
use boilerstrip::formats::text::TextOptions;
use boilerstrip::formats::{Format, InputOptions};
use boilerstrip::pipeline::{
    OnInvalid, Output, PipelineOptions, ProcessOptions, StopFlag, THREADS_PER_CORE, max_threads,
};
use boilerstrip::{Cleaner, CleanerOptions, RuleSet};

use super::args::{
    CleanArgs, ColorChoice, DecompressArg, FormatArg, FrequentArgs, InputArgs, KeyArgs,
    OnInvalidArg, ProgressArg, ReadArgs, RuleArgs, RunArgs, ScopeArg, UrlArgs,
};
use super::output;
use super::paths::{self, PathGuard};

/// Where cleaned output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Standard output, every input concatenated, uncompressed.
    Stdout,
    /// One output file per input, in input order (`-o FILE` or `-o DIR`).
    Files(Vec<OutputFile>),
}

/// One input's output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Where it goes.
    pub path: PathBuf,
    /// With `--resume`: it is already there, so its input is skipped.
    pub finished: bool,
    /// The compression level for it (`--level`, for compressed outputs only).
    pub level: Option<i32>,
}

/// How `-o` lays out outputs.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Layout {
    Stdout,
    File(PathBuf),
    Dir(PathBuf),
    /// dolma attributes beside their documents, one path per input (`annotate` without -o).
    Beside(Vec<PathBuf>),
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
        InputConfig::reading(inputs, args.read)
    }

    /// `inputs` (`None`: standard input), read as `args` says.
    pub fn reading(inputs: Vec<Option<PathBuf>>, args: ReadArgs) -> Result<InputConfig> {
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
    /// names that say nothing are text with `--doc-separator`, which only text has, and
    /// otherwise told by their first bytes) and text options.
    pub fn options_for(&self, input: Option<&Path>) -> InputOptions {
        let separated = self.text.separator.is_some().then_some(Format::Text);
        InputOptions {
            format: self
                .format
                .or_else(|| input.and_then(Format::from_name))
                .or(separated),
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

/// What the rule flags and `--counts` ask for; `scores` records each line's score, for
/// `--explain`.
fn options(rule_args: &RuleArgs, frequent: &FrequentArgs, scores: bool) -> CleanerOptions {
    CleanerOptions {
        counts: frequent.counts.clone(),
        min_docs: frequent.min_docs,
        frequent_max_words: frequent.frequent_max_words,
        scores,
        ..rule_options(rule_args)
    }
}

/// What the rule flags alone ask for (`rules list`).
pub fn rule_options(args: &RuleArgs) -> CleanerOptions {
    CleanerOptions {
        rules: args.rules.clone(),
        default_rules: !args.no_default_rules,
        disable: args.disable.clone(),
        scorer: args.scorer,
        model: args.model.clone(),
        ..CleanerOptions::default()
    }
}

/// The cleaner the rule flags and `--counts` describe (see [`CleanerOptions`]).
pub fn cleaner(rule_args: &RuleArgs, frequent: &FrequentArgs, scores: bool) -> Result<Cleaner> {
    let options = options(rule_args, frequent, scores);
    Ok(options.build_with(&rule_set(&options)?)?)
}

/// The rule set of `options`, as [`CleanerOptions::rule_set`] makes it, except that the
/// names to switch off are switched off here, last as there, so that an unknown one is
/// reported as the `--disable` flag that gave it (the library's errors name no flag).
pub fn rule_set(options: &CleanerOptions) -> Result<RuleSet> {
    let mut rules = CleanerOptions {
        disable: Vec::new(),
        ..options.clone()
    }
    .rule_set()?;
    for name in &options.disable {
        rules.disable(name).with_context(|| {
            format!("--disable {name} (`boilerstrip rules list` names them all)")
        })?;
    }
    Ok(rules)
}

/// The worker threads `-j` asks for, as the pipeline runs them: more than
/// [`max_threads`] are that many, which is said on standard error.
fn threads(asked: Option<u16>) -> Option<usize> {
    let asked = usize::from(asked?);
    let max = max_threads();
    if asked > max {
        say!(
            "-j {asked}: using {max} threads, {THREADS_PER_CORE} per core (more would only slow \
             the run)"
        );
    }
    Some(asked.min(max))
}

/// A worker pool with the threads `-j` asks for (default: one per core).
pub fn pool(asked: Option<u16>) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads(asked).unwrap_or(0))
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
    /// Show a progress bar.
    pub progress: bool,
    /// No per-record reports.
    pub quiet: bool,
    /// Where `--stats` goes: `None` off, `Some(None)` standard error.
    pub stats: Option<Option<PathBuf>>,
    /// Zero timings in stats.
    pub deterministic: bool,
    /// Standard input is read and is a terminal: someone may be typing.
    pub interactive: bool,
    /// `--url-field` as given, for messages.
    pub url_field: String,
    /// Where the removal log goes (`--log`), and its compression level.
    pub log: Option<OutputFile>,
    /// Where rejected documents go (`--rejects`), and its compression level.
    pub rejects: Option<OutputFile>,
    /// Where the review report goes (`--report`).
    pub report: Option<OutputFile>,
}

impl CleanConfig {
    /// Resolves `clean` arguments. Every check that can fail happens here, before any
    /// input is read: flags, rule files, the count table, and the paths (no output may
    /// be an input or another output).
    pub fn from_args(args: CleanArgs, stop: StopFlag) -> Result<CleanConfig> {
        let cleaner = cleaner(&args.rules, &args.frequent, args.explain)?;
        let input = InputConfig::from_args(args.input.clone())?;
        let sides = [
            ("--log", &args.log),
            ("--rejects", &args.rejects),
            ("--report", &args.report),
        ];
        for (flag, path) in [("--log", &args.log), ("--report", &args.report)] {
            if let (Some(path), Some(output)) = (path, &args.output)
                && path == output
            {
                bail!("{flag} and -o both name {}", path.display());
            }
        }
        for (flag, path) in sides {
            if path.as_ref().is_some_and(|path| path.as_os_str() == "-") {
                bail!("{flag} writes a file; `-` would be taken as its name");
            }
        }
        if args.meta_field.is_some() && matches!(input.format, Some(f) if f != Format::Jsonl) {
            bail!("--meta-field adds a field to JSONL records; the input is not JSONL (-f)");
        }
        let layout = match (args.annotate, &args.output) {
            (true, None) => beside(&input.inputs, &args.attribute_name)?,
            _ => layout(args.output.as_deref(), &input.inputs)?,
        };
        let (target, [log, rejects, report]) = plan(&args, &input, layout)?;
        let stats = args
            .stats
            .as_ref()
            .map(|path| (path.as_os_str() != "-").then(|| path.clone()));
        check_paths(
            &args,
            &input,
            &target,
            stats.as_ref().and_then(Option::as_deref),
        )?;
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
            id_field: FieldPath::parse(&args.id_field).with_context(|| "--id-field")?,
            log: args.log.is_some(),
            meta_field: args
                .meta_field
                .as_deref()
                .map(FieldPath::parse)
                .transpose()
                .with_context(|| "--meta-field")?,
            max_removed_share: args.max_removed_share,
            keep_rejects: args.rejects.is_some(),
            attribute_name: args.attribute_name.clone(),
            report: args.report.is_some().then(ReportOptions::default),
        };
        let interactive =
            input.inputs.iter().any(Option::is_none) && std::io::stdin().is_terminal();
        Ok(CleanConfig {
            input,
            cleaner,
            pipeline: PipelineOptions {
                threads: threads(args.run.threads),
                process,
                stop,
                ..PipelineOptions::default()
            },
            target,
            progress: progress(&args.run),
            quiet: args.run.quiet,
            stats,
            deterministic: args.deterministic,
            interactive,
            url_field: args.frequent.url.url_field.clone(),
            log,
            rejects,
            report,
        })
    }
}

/// `-o` as a file or a directory: a directory when several inputs are given, when it
/// exists as one, or when it ends with a path separator; `-o -` is standard output.
fn layout(output: Option<&Path>, inputs: &[Option<PathBuf>]) -> Result<Layout> {
    let Some(output) = output.filter(|output| output.as_os_str() != "-") else {
        return Ok(Layout::Stdout);
    };
    let looks_like_dir = output.as_os_str().to_string_lossy().ends_with(['/', '\\']);
    if inputs.len() > 1 || output.is_dir() || looks_like_dir {
        if inputs.iter().any(Option::is_none) {
            bail!("standard input has no name to write under the output directory; use -o FILE");
        }
        return Ok(Layout::Dir(output.to_path_buf()));
    }
    Ok(Layout::File(output.to_path_buf()))
}

/// Each input's output, with `--resume` and `--level` decided per output; and the
/// `--log`, `--rejects` and `--report` files.
fn plan(
    args: &CleanArgs,
    input: &InputConfig,
    layout: Layout,
) -> Result<(Target, [Option<OutputFile>; 3])> {
    let paths = match layout {
        Layout::Stdout => {
            if args.relative_to.is_some() {
                bail!("--relative-to applies to -o DIR only");
            }
            if paths::stdout_is_closed() {
                bail!(
                    "standard output is closed, so nothing could be written; use -o FILE, or -o \
                     /dev/null to discard the output (/dev/null opened for reading and writing, \
                     as Python's subprocess.DEVNULL opens it, looks the same as a closed output)"
                );
            }
            None
        }
        Layout::File(path) => {
            if args.relative_to.is_some() {
                bail!("--relative-to applies to -o DIR only");
            }
            Some(vec![path])
        }
        Layout::Beside(paths) => {
            if args.relative_to.is_some() {
                bail!("--relative-to applies to -o DIR only");
            }
            Some(attribute_names(args, input, paths))
        }
        Layout::Dir(dir) => {
            let inputs: Vec<PathBuf> = input.inputs.iter().flatten().cloned().collect();
            let paths = output::paths_under(&dir, &inputs, args.relative_to.as_deref())?;
            Some(attribute_names(args, input, paths))
        }
    };
    let mut written: Vec<&Path> = paths.iter().flatten().map(PathBuf::as_path).collect();
    written.extend(args.log.as_deref());
    written.extend(args.rejects.as_deref());
    written.extend(args.report.as_deref());
    let level = match args.level {
        None => None,
        Some(level)
            if paths.is_none() && written.iter().all(|p| codec_for_path(p) == Codec::Plain) =>
        {
            bail!(
                "--level {level}: standard output is written uncompressed; use -o FILE.gz or -o FILE.zst"
            );
        }
        Some(level) => Some(check_level(level, &written)?),
    };
    let mut folders = HashMap::new();
    let mut file = |path: PathBuf, resume: bool| -> Result<OutputFile> {
        if let Some(blocker) = not_a_folder(&path, &mut folders) {
            bail!(
                "{}: {} is not a directory, so no output can be written there; nothing was written",
                path.display(),
                blocker.display()
            );
        }
        if path.is_dir() {
            bail!(
                "{}: is a directory, so no output can be written there; nothing was written",
                path.display()
            );
        }
        Ok(OutputFile {
            finished: resume && output::is_finished(&path),
            level: level.filter(|_| codec_for_path(&path) != Codec::Plain),
            path,
        })
    };
    let target = match paths {
        None => Target::Stdout,
        Some(paths) => Target::Files(
            paths
                .into_iter()
                .map(|path| file(path, args.resume))
                .collect::<Result<_>>()?,
        ),
    };
    let mut side = |path: &Option<PathBuf>| path.clone().map(|path| file(path, false)).transpose();
    let sides = [side(&args.log)?, side(&args.rejects)?, side(&args.report)?];
    Ok((target, sides))
}

/// In annotate mode, the attributes of a Parquet input are JSONL, so their file is
/// named `NAME.jsonl.gz` for `NAME.parquet` (the name dolma gives the documents once
/// they are JSONL), not after the input; other outputs keep their names.
fn attribute_names(args: &CleanArgs, input: &InputConfig, paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if !args.annotate {
        return paths;
    }
    let inputs = input.inputs.iter().flatten();
    paths
        .into_iter()
        .zip(inputs)
        .map(|(path, source)| {
            if !input.is_parquet(Some(source)) {
                return path;
            }
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let stem = name.strip_suffix(".parquet").unwrap_or(&name);
            path.with_file_name(format!("{stem}.jsonl.gz"))
        })
        .collect()
}

/// The nearest existing ancestor of `path` when it is not a directory (so `path`
/// cannot be created); `known` remembers answers per directory, so that many outputs in
/// few directories cost one look-up each.
fn not_a_folder(path: &Path, known: &mut HashMap<PathBuf, Option<PathBuf>>) -> Option<PathBuf> {
    let mut missing = Vec::new();
    let mut answer = None;
    for ancestor in path.ancestors().skip(1) {
        let ancestor = if ancestor.as_os_str().is_empty() {
            Path::new(".")
        } else {
            ancestor
        };
        if let Some(known) = known.get(ancestor) {
            answer = known.clone();
            break;
        }
        missing.push(ancestor.to_path_buf());
        match std::fs::metadata(ancestor) {
            Ok(metadata) => {
                answer = (!metadata.is_dir()).then(|| ancestor.to_path_buf());
                break;
            }
            Err(err)
                if matches!(
                    err.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) => {}
            // Unreadable: let the write report what is wrong.
            Err(_) => break,
        }
    }
    for dir in missing {
        known.insert(dir, answer.clone());
    }
    answer
}

/// `--level` checked against every compressed output's codec; an error when no output
/// is compressed.
fn check_level(level: i32, outputs: &[&Path]) -> Result<i32> {
    let mut codecs: Vec<Codec> = Vec::new();
    for path in outputs {
        let codec = codec_for_path(path);
        if codec != Codec::Plain && !codecs.contains(&codec) {
            codecs.push(codec);
        }
    }
    if codecs.is_empty() {
        bail!("--level {level}: no output is compressed (only .gz and .zst outputs are)");
    }
    for codec in codecs {
        Encoder::new(std::io::sink(), codec, Some(level)).context("--level")?;
    }
    Ok(level)
}

/// Refuses, before any work, outputs that are inputs (data, rule files, count table,
/// standard input) or each other, and a `--stats` file that cannot be written.
fn check_paths(
    args: &CleanArgs,
    input: &InputConfig,
    target: &Target,
    stats: Option<&Path>,
) -> Result<()> {
    let mut guard = PathGuard::new();
    for path in &input.inputs {
        match path {
            Some(path) => guard.read(format!("the input {}", path.display()), path),
            None => guard.read_stdin(),
        }
    }
    for path in &args.rules.rules {
        guard.read(format!("the rule file {}", path.display()), path);
    }
    if let Some(path) = &args.frequent.counts {
        guard.read(format!("the count table {}", path.display()), path);
    }
    match target {
        Target::Stdout => guard.write_stdout()?,
        Target::Files(files) => {
            let single =
                matches!(args.output.as_deref(), Some(o) if files.len() == 1 && !o.is_dir());
            for (file, input) in files.iter().zip(&input.inputs) {
                let what = match input {
                    Some(input) if !single => {
                        format!(
                            "{} (the output of {})",
                            file.path.display(),
                            input.display()
                        )
                    }
                    _ => format!("-o {}", file.path.display()),
                };
                guard.write(what, &file.path)?;
            }
            // The folders the outputs go into are written too: no other output (say
            // `--stats DIR`) may be one of them.
            if let (false, Some(dir)) = (single, args.output.as_deref()) {
                for file in files {
                    for folder in file.path.ancestors().skip(1) {
                        guard.write_folder(
                            format!("the output folder {}", folder.display()),
                            folder,
                        )?;
                        if folder == dir {
                            break;
                        }
                    }
                }
            }
        }
    }
    if let Some(log) = &args.log {
        guard.write(format!("--log {}", log.display()), log)?;
    }
    if let Some(rejects) = &args.rejects {
        guard.write(format!("--rejects {}", rejects.display()), rejects)?;
    }
    if let Some(report) = &args.report {
        guard.write(format!("--report {}", report.display()), report)?;
    }
    if let Some(path) = stats {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        if !dir.is_dir() {
            bail!(
                "--stats {}: {} is not an existing directory",
                path.display(),
                dir.display()
            );
        }
        if path.is_dir() {
            bail!("--stats {}: is a directory", path.display());
        }
        guard.write(format!("--stats {}", path.display()), path)?;
    }
    Ok(())
}

/// Annotate mode without -o: each input's attributes where dolma looks for them, or
/// standard output for standard input.
fn beside(inputs: &[Option<PathBuf>], name: &str) -> Result<Layout> {
    if inputs.iter().all(Option::is_none) {
        return Ok(Layout::Stdout);
    }
    let mut paths = Vec::new();
    for input in inputs {
        let Some(input) = input else {
            bail!("standard input has no documents/ directory to write attributes beside; use -o");
        };
        match attributes_path(input, name) {
            Some(path) => paths.push(path),
            None => bail!(
                "{}: no `documents` directory on the path to write attributes beside \
                 (dolma's layout is …/documents/X and …/attributes/{name}/X); use -o",
                input.display()
            ),
        }
    }
    Ok(Layout::Beside(paths))
}

fn output(args: &CleanArgs, cleaner: &Cleaner) -> Output {
    if args.annotate {
        return Output::Annotate;
    }
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
    let mut style = ExplainStyle::new();
    style.color = color && !args.json;
    style.width = width;
    style.line_numbers = args.line_number;
    style.only_removed = args.only_removed;
    style.json = args.json;
    Output::Explain(style)
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
        assert_eq!(layout(Some(out), &one).unwrap(), Layout::File(out.into()));
        assert_eq!(layout(Some(out), &two).unwrap(), Layout::Dir(out.into()));
        let slash = Path::new("no-such-dir-here/");
        assert_eq!(
            layout(Some(slash), &one).unwrap(),
            Layout::Dir(slash.into())
        );
        assert_eq!(layout(None, &one).unwrap(), Layout::Stdout);
        assert!(layout(Some(slash), &[None]).is_err());
        assert_eq!(
            layout(Some(out), &[None]).unwrap(),
            Layout::File(out.into())
        );
    }

    #[test]
    fn dash_output_is_standard_output() {
        let two = [Some(PathBuf::from("a")), Some(PathBuf::from("b"))];
        assert_eq!(layout(Some(Path::new("-")), &two).unwrap(), Layout::Stdout);
    }

    #[test]
    fn level_is_checked_against_every_compressed_output() {
        fn paths(names: &[&'static str]) -> Vec<&'static Path> {
            names.iter().map(|name| Path::new(*name)).collect()
        }
        assert_eq!(check_level(9, &paths(&["a.gz", "b.txt"])).unwrap(), 9);
        assert!(check_level(15, &paths(&["a.gz", "b.zst"])).is_err());
        assert_eq!(check_level(15, &paths(&["b.zst"])).unwrap(), 15);
        let err = check_level(5, &paths(&["a.txt"])).unwrap_err().to_string();
        assert!(err.contains("no output is compressed"), "{err}");
    }
}
