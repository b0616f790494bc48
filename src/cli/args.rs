//! Command-line arguments as plain data (clap derive). Validation only: no file reads,
//! no terminal checks; `config` resolves these once.

use std::path::PathBuf;

use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};

/// Strip boilerplate lines (captions, promo blocks, credits, share/cookie/navigation
/// lines, repeated lines) from text; everything else passes through byte for byte.
///
/// With no subcommand, `boilerstrip` cleans: `boilerstrip [FILE]...` is
/// `boilerstrip clean [FILE]...`.
#[derive(Debug, Parser)]
#[command(
    name = "boilerstrip",
    version,
    args_conflicts_with_subcommands = true,
    after_help = super::docs::after_help()
)]
pub struct Args {
    /// What to do; cleaning when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub clean: CleanArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Clean documents (the default).
    Clean(Box<CleanArgs>),
    /// Write dolma attributes instead of cleaned text (`clean --annotate`): one line per
    /// document with the removed spans in code points, beside `documents/` as dolma
    /// expects (`…/documents/X.jsonl.gz` → `…/attributes/NAME/X.jsonl.gz`) unless -o says.
    Annotate(Box<CleanArgs>),
    /// Check, test or list rule packs.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Count, for every line, the documents it occurs in: a count table for
    /// `clean --counts` (corpus-level boilerplate).
    Count(CountArgs),
    /// Merge count tables: sum the counts, optionally prune and keep one partition.
    Merge(MergeArgs),
    /// Print the lines found in the most documents, with counts and an example each.
    Top(TopArgs),
    /// Rebuild the review report of a run (`--report`) from its removal log (`--log`),
    /// reading again the inputs the log names (from the directory the run was in) with
    /// the run's input flags (-f, --field, --doc-separator, --decompress, --max-doc-bytes).
    Report(ReportArgs),
    /// Print a shell completion script: `boilerstrip completions bash > boilerstrip.bash`.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or with DIR write one page per command there.
    Man {
        /// Directory to write `boilerstrip.1`, `boilerstrip-clean.1` and the other pages to.
        dir: Option<PathBuf>,
    },
}

/// `boilerstrip rules ...`
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Validate rule packs: syntax, keys, names, regexes; also together, for duplicate names.
    Check {
        /// Rule files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Run every rule's examples and counterexamples (the default packs without FILE).
    Test {
        /// Rule files to test instead of the embedded default packs.
        files: Vec<PathBuf>,
    },
    /// List the rules that would run, with action, placement and marker count.
    List {
        /// Print only the literal markers, one per line (for `grep -F -f`).
        #[arg(long)]
        markers: bool,

        #[command(flatten)]
        rules: RuleArgs,
    },
}

/// Which rules to load.
#[derive(Debug, Clone, Default, ClapArgs)]
pub struct RuleArgs {
    /// Add a rule pack (TOML); repeatable. Packs load after the default packs.
    #[arg(short = 'r', long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,

    /// Start without the embedded default packs.
    #[arg(long)]
    pub no_default_rules: bool,

    /// Switch off a rule, a pack (e.g. `promo`) or a detector (e.g. `repeated`); repeatable.
    #[arg(long, value_name = "NAME")]
    pub disable: Vec<String>,

    /// Score lines with this model file (written by `scripts/train-model`) instead of the
    /// built-in one.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,

    /// Score lines with the learned line scorer (off by default: it removes more
    /// boilerplate but cleans three to four times slower; see docs/rules.md). `--model FILE`
    /// switches it on too.
    #[arg(long)]
    pub scorer: bool,
}

/// When to colour `--explain`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When standard output is a terminal and NO_COLOR is unset.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Input format, for `-f`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Plain text: a file is one document (or several with --doc-separator).
    Text,
    /// One JSON object per line; the text is in --field.
    Jsonl,
    /// WARC/WET: the bodies of `conversion` records.
    Warc,
    /// Apache Parquet (a file, not standard input): the string column --field; written
    /// back with the same schema, row groups and other columns.
    Parquet,
}

/// Whether input is decompressed, for `--decompress`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum DecompressArg {
    /// Decode gzip and zstd, told by their magic bytes.
    #[default]
    Auto,
    /// Read input as it is.
    None,
}

/// What to do with a record that cannot be processed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum OnInvalidArg {
    /// Copy it through unchanged, report it, exit 1 at the end.
    #[default]
    Pass,
    /// Leave it out, report it, exit 1 at the end.
    Skip,
    /// Stop with exit code 2; what came before is written, no output file is completed.
    Fail,
}

/// When to show the progress bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ProgressArg {
    /// When standard error is a terminal and --quiet is not given.
    #[default]
    Auto,
    /// Always (unless --quiet).
    Always,
    /// Never.
    Never,
}

/// Which documents to read: inputs, format and how documents are found in them.
#[derive(Debug, Clone, Default, ClapArgs)]
pub struct InputArgs {
    /// Input files; each is one document (or several with --doc-separator). Standard
    /// input when none is given or for `-`.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    #[command(flatten)]
    pub read: ReadArgs,
}

/// How inputs are read: format, decompression and how documents are found in them.
#[derive(Debug, Clone, Default, ClapArgs)]
pub struct ReadArgs {
    /// Input format; by default from the file name (`.jsonl`/`.json`/`.ndjson`,
    /// `.warc`/`.wet`, `.txt`, each optionally `.gz`/`.zst`; `.parquet`). Standard input
    /// and other names are told by their first bytes: `PAR1` is parquet, `WARC/1.` is
    /// warc, a first line that is a JSON object is jsonl, anything else text. The
    /// output has the input's format.
    #[arg(short = 'f', long, value_enum, value_name = "FORMAT")]
    pub format: Option<FormatArg>,

    /// Decode gzip and zstd input, told by their magic bytes (`auto`), or read every
    /// input as it is (`none`).
    #[arg(long, value_enum, default_value_t = DecompressArg::Auto, value_name = "WHEN")]
    pub decompress: DecompressArg,

    /// JSONL and Parquet: the string field (column) holding the text; a dotted path
    /// reaches nested objects or struct columns (`metadata.content`).
    #[arg(long, value_name = "PATH", default_value = "text")]
    pub field: String,

    /// A line equal to LINE ends a document (kept in the output as the separator).
    #[arg(long, value_name = "LINE", allow_hyphen_values = true)]
    pub doc_separator: Option<String>,

    /// Largest document accepted (bytes; K, M, G suffixes allowed): a larger text
    /// document or JSONL line is an error, never truncated; a larger WARC record is
    /// copied through uncleaned, in bounded parts, and reported.
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = parse_size)]
    pub max_doc_bytes: usize,
}

/// How a run over inputs behaves: threads, progress, reports.
#[derive(Debug, Clone, Default, ClapArgs)]
pub struct RunArgs {
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long = "threads", value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,

    /// Progress bar on stderr: bytes read of total, documents, speed, ETA.
    #[arg(long, value_enum, default_value_t = ProgressArg::Auto, value_name = "WHEN")]
    pub progress: ProgressArg,

    /// No progress bar and no per-record reports (the count of invalid records is still
    /// printed).
    #[arg(short = 'q', long)]
    pub quiet: bool,
}

/// `boilerstrip [clean] ...`
#[derive(Debug, Clone, Default, ClapArgs)]
pub struct CleanArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub rules: RuleArgs,

    /// Write to FILE (one input), or one file per input under DIR, named like the input
    /// relative to the deepest directory holding all inputs (or to --relative-to; used
    /// when several inputs are given, DIR exists, or it ends with `/`). Each file is
    /// written under a temporary name and renamed when complete; FIFOs, devices and
    /// links to them are written in place. Compression follows the extension (`.gz`,
    /// `.zst`). A run that would write over one of its inputs, or twice to one file, is
    /// refused before it starts. Default (and `-o -`): standard output, uncompressed.
    #[arg(short = 'o', long, value_name = "FILE|DIR")]
    pub output: Option<PathBuf>,

    /// With -o DIR: name each output by the input's path relative to DIR rather than
    /// to the deepest directory holding all inputs, so that a rerun over a subset of
    /// the inputs writes the same names.
    #[arg(long, value_name = "DIR", requires = "output")]
    pub relative_to: Option<PathBuf>,

    /// With -o: skip inputs whose output is already there (a non-empty regular file;
    /// an empty one is redone). Leftover temporaries of killed runs are removed.
    #[arg(long, requires = "output")]
    pub resume: bool,

    /// Leave out records/documents that end up empty (default: keep them, so ids stay
    /// aligned).
    #[arg(long)]
    pub drop_empty: bool,

    /// What to do with a record that cannot be processed (invalid JSON, field missing or
    /// not a string, malformed WARC record). Each is reported on stderr with file and
    /// line/record number and counted as `invalid` in --stats.
    #[arg(long, value_enum, default_value_t = OnInvalidArg::Pass, value_name = "WHAT")]
    pub on_invalid: OnInvalidArg,

    /// Compression level for -o files: gzip 0-9 (default 6), zstd 1-22 (default 3).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub level: Option<i32>,

    #[command(flatten)]
    pub run: RunArgs,

    /// Print every line with its fate (`keep` or the reason) instead of the cleaned text.
    #[arg(long)]
    pub explain: bool,

    /// With --explain: start each line with its number in the document.
    #[arg(short = 'n', long, requires = "explain")]
    pub line_number: bool,

    /// With --explain: print only the removed lines, with their reasons (documents
    /// with nothing removed are left out).
    #[arg(long, requires = "explain")]
    pub only_removed: bool,

    /// With --explain: one JSON object per line decision (input, record, id, line,
    /// byte range, reason or null, text) instead of columns.
    #[arg(long, requires = "explain")]
    pub json: bool,

    /// Colour for --explain.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Write run statistics as JSON to FILE (`-`: standard error).
    #[arg(long, value_name = "FILE")]
    pub stats: Option<PathBuf>,

    /// Write the removal log to FILE: one JSON object per input document (id, URL, bytes
    /// and lines in and out, each removal with byte offsets and reason), in input order,
    /// written under a temporary name and renamed when complete; compressed as the
    /// extension says (`.gz`, `.zst`).
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,

    /// Write the review report to FILE: one self-contained HTML page (no scripts, nothing
    /// fetched) with per-reason counts, a removed-share histogram, a deterministic sample
    /// of removals in context per reason, and the documents with the most removed;
    /// written under a temporary name and renamed when complete.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// JSONL and Parquet: the field (column) holding a record's id, for --log, --explain
    /// and annotate (dotted paths allowed; a string or a number).
    #[arg(long, value_name = "PATH", default_value = "id")]
    pub id_field: String,

    /// JSONL: add to each record a field NAME (dotted paths reach into objects, e.g.
    /// `metadata.boilerstrip`) holding what was removed: `{"removed_bytes", "removed_share",
    /// "reasons": {REASON: {"lines", "bytes"}}}`; every other byte of the record is kept.
    #[arg(long, value_name = "NAME")]
    pub meta_field: Option<String>,

    /// Reject documents with more than this share (0 to 1) of their bytes removed: they
    /// are left out of the output, or written as read to --rejects.
    #[arg(long, value_name = "F", value_parser = parse_share)]
    pub max_removed_share: Option<f64>,

    /// With --max-removed-share: write the rejected documents, as read (plus the
    /// --meta-field), to FILE instead of leaving them out; atomically, compressed by
    /// extension.
    #[arg(long, value_name = "FILE", requires = "max_removed_share")]
    pub rejects: Option<PathBuf>,

    /// Write dolma attributes instead of cleaned text: `{"id", "attributes": {"NAME__REASON":
    /// [[start, end, score], …], …}}` per document, offsets in code points; each input's
    /// attributes go beside its `documents/` directory as `attributes/NAME/…` unless -o
    /// is given.
    #[arg(long, conflicts_with_all = ["explain", "meta_field", "max_removed_share", "drop_empty"])]
    pub annotate: bool,

    /// With --annotate: the prefix of attribute keys and the directory under
    /// `attributes/`.
    #[arg(long, value_name = "NAME", default_value = "boilerstrip", value_parser = parse_attribute_name)]
    pub attribute_name: String,

    /// Zero the timings in --stats, for reproducible output (tests).
    #[arg(long, hide = true)]
    pub deterministic: bool,

    #[command(flatten)]
    pub frequent: FrequentArgs,
}

/// The `frequent` detector's count table and thresholds.
#[derive(Debug, Clone, Default, ClapArgs)]
pub struct FrequentArgs {
    /// Remove lines found in many documents of a counted corpus: a table from
    /// `boilerstrip count`/`merge`. Enables the `frequent` detector.
    #[arg(long, value_name = "TABLE")]
    pub counts: Option<PathBuf>,

    /// With --counts: a line is frequent when found in at least N documents (default:
    /// the pack's `[detectors.frequent] min_docs`, else 10).
    #[arg(long, value_name = "N", requires = "counts", value_parser = clap::value_parser!(u64).range(1..))]
    pub min_docs: Option<u64>,

    /// With --counts: never remove lines longer than N words as frequent.
    #[arg(long, value_name = "N", requires = "counts", value_parser = clap::value_parser!(u32).range(1..))]
    pub frequent_max_words: Option<u32>,

    #[command(flatten)]
    pub url: UrlArgs,
}

/// Where a JSONL record keeps its URL.
#[derive(Debug, Clone, ClapArgs)]
pub struct UrlArgs {
    /// JSONL and Parquet: the string field (column) holding the document's URL (dotted
    /// paths allowed), for per-site counts and the audit views.
    #[arg(long, value_name = "PATH", default_value = "url")]
    pub url_field: String,
}

impl Default for UrlArgs {
    fn default() -> Self {
        UrlArgs {
            url_field: "url".to_string(),
        }
    }
}

/// What count keys stand for, for `--scope`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ScopeArg {
    /// A line anywhere in the corpus.
    #[default]
    Corpus,
    /// A line within one site (the host of the document's URL).
    Site,
}

/// How lines are keyed for counting.
#[derive(Debug, Clone, Default, ClapArgs)]
pub struct KeyArgs {
    /// Count lines across the whole corpus, or per site (host of `WARC-Target-URI` or of
    /// the JSONL --url-field); documents without a URL count as one site.
    #[arg(long, value_enum, default_value_t = ScopeArg::Corpus, value_name = "SCOPE")]
    pub scope: ScopeArg,

    #[command(flatten)]
    pub url: UrlArgs,

    /// Memory for counting; past it, sorted runs spill to a temporary directory.
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = parse_size)]
    pub memory: usize,
}

/// `boilerstrip count ...`
#[derive(Debug, Clone, ClapArgs)]
pub struct CountArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub keys: KeyArgs,

    /// The count table to write (atomically); with --partitions, the directory to write
    /// the tables into.
    #[arg(short = 'o', long, value_name = "TABLE", required = true)]
    pub output: PathBuf,

    /// Write N tables, one per hash range, as part-0000.bsc … in the directory -o names,
    /// so that N reducers can each merge one range of every worker's tables.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=65536))]
    pub partitions: Option<u32>,

    #[command(flatten)]
    pub run: RunArgs,
}

/// `boilerstrip merge ...`
#[derive(Debug, Clone, ClapArgs)]
pub struct MergeArgs {
    /// Count tables to merge.
    #[arg(value_name = "TABLE", required = true)]
    pub tables: Vec<PathBuf>,

    /// The merged table to write (atomically).
    #[arg(short = 'o', long, value_name = "TABLE", required = true)]
    pub output: PathBuf,

    /// Keep only lines found in at least N documents.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub min_docs: u64,

    /// Keep only hash partition I of N (0-based), to split a merge across workers.
    #[arg(long, value_name = "I/N")]
    pub partition: Option<String>,
}

/// `boilerstrip top ...`
#[derive(Debug, Clone, ClapArgs)]
pub struct TopArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub keys: KeyArgs,

    /// How many lines to print.
    #[arg(short = 'n', long, value_name = "N", default_value_t = 50)]
    pub lines: usize,

    /// Only lines found in at least N documents.
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..))]
    pub min_docs: u64,

    #[command(flatten)]
    pub run: RunArgs,
}

/// `boilerstrip report LOG -o FILE`
#[derive(Debug, Clone, ClapArgs)]
pub struct ReportArgs {
    /// The removal log a run wrote with --log (`.gz`, `.zst` read too).
    #[arg(value_name = "LOG")]
    pub log: PathBuf,

    /// Write the HTML page to FILE (atomically, as -o does for a run).
    #[arg(short = 'o', long, value_name = "FILE", required = true)]
    pub output: PathBuf,

    /// How the run read its inputs: give the run's flags again.
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Parses an attribute name: letters, digits and `_`, so that it is one directory and
/// one JSONPath member.
pub fn parse_attribute_name(text: &str) -> Result<String, String> {
    let valid = !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if valid {
        Ok(text.to_string())
    } else {
        Err(format!("`{text}` is not a name of letters, digits and `_`"))
    }
}

/// Parses a share: a number from 0 to 1.
pub fn parse_share(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(share) if (0.0..=1.0).contains(&share) => Ok(share),
        _ => Err(format!("`{text}` is not a share from 0 to 1")),
    }
}

/// Parses `123`, `64K`, `64M`, `1G` (powers of 1024) into bytes.
pub fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => text.split_at(i),
        None => (text, ""),
    };
    let shift = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        _ => return Err(format!("unknown size unit `{unit}` (use K, M or G)")),
    };
    let value: usize = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size like 64M"))?;
    value
        .checked_mul(1 << shift)
        .filter(|&bytes| bytes > 0)
        .ok_or_else(|| format!("`{text}` is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn sizes_take_binary_suffixes() {
        assert_eq!(parse_size("100"), Ok(100));
        assert_eq!(parse_size("64K"), Ok(64 << 10));
        assert_eq!(parse_size("64m"), Ok(64 << 20));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert!(parse_size("0").is_err());
        assert!(parse_size("12Q").is_err());
        assert!(parse_size("M").is_err());
    }

    #[test]
    fn bare_files_mean_clean() {
        let args =
            Args::try_parse_from(["boilerstrip", "a.txt", "-r", "x.toml", "--explain"]).unwrap();
        assert!(args.command.is_none());
        assert_eq!(args.clean.input.files, [PathBuf::from("a.txt")]);
        assert_eq!(args.clean.rules.rules, [PathBuf::from("x.toml")]);
        assert!(args.clean.explain);
    }

    #[test]
    fn rules_subcommands_parse() {
        let args = Args::try_parse_from([
            "boilerstrip",
            "rules",
            "list",
            "--markers",
            "--no-default-rules",
        ])
        .unwrap();
        match args.command {
            Some(Command::Rules(RulesCommand::List { markers, rules })) => {
                assert!(markers && rules.no_default_rules);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(Args::try_parse_from(["boilerstrip", "rules", "check"]).is_err());
    }

    #[test]
    fn threads_must_be_positive() {
        assert!(Args::try_parse_from(["boilerstrip", "-j", "0"]).is_err());
        let args = Args::try_parse_from(["boilerstrip", "-j", "3"]).unwrap();
        assert_eq!(args.clean.run.threads, Some(3));
    }

    #[test]
    fn format_and_on_invalid_parse() {
        let args =
            Args::try_parse_from(["boilerstrip", "-f", "jsonl", "--on-invalid", "skip"]).unwrap();
        assert_eq!(args.clean.input.read.format, Some(FormatArg::Jsonl));
        assert_eq!(args.clean.on_invalid, OnInvalidArg::Skip);
        let defaults = Args::try_parse_from(["boilerstrip"]).unwrap().clean;
        assert_eq!(defaults.input.read.format, None);
        assert_eq!(defaults.on_invalid, OnInvalidArg::Pass);
        assert_eq!(defaults.input.read.field, "text");
        assert!(Args::try_parse_from(["boilerstrip", "-f", "csv"]).is_err());
    }

    #[test]
    fn resume_needs_an_output() {
        assert!(Args::try_parse_from(["boilerstrip", "--resume", "a.jsonl"]).is_err());
        let args = Args::try_parse_from(["boilerstrip", "--resume", "-o", "out/"]).unwrap();
        assert!(args.clean.resume);
    }

    #[test]
    fn relative_to_needs_an_output() {
        assert!(Args::try_parse_from(["boilerstrip", "--relative-to", "data", "a.txt"]).is_err());
        let args =
            Args::try_parse_from(["boilerstrip", "--relative-to", "data", "-o", "out/"]).unwrap();
        assert_eq!(args.clean.relative_to, Some(PathBuf::from("data")));
    }

    #[test]
    fn level_accepts_negative_numbers_for_the_encoder_to_reject() {
        let args = Args::try_parse_from(["boilerstrip", "--level", "-1"]).unwrap();
        assert_eq!(args.clean.level, Some(-1));
    }

    #[test]
    fn explain_modifiers_need_explain() {
        for flag in ["-n", "--only-removed", "--json"] {
            assert!(
                Args::try_parse_from(["boilerstrip", flag]).is_err(),
                "{flag}"
            );
        }
        let args =
            Args::try_parse_from(["boilerstrip", "--explain", "-n", "--only-removed", "--json"])
                .unwrap();
        assert!(args.clean.line_number && args.clean.only_removed && args.clean.json);
    }

    #[test]
    fn shares_are_between_0_and_1_and_rejects_need_a_threshold() {
        assert_eq!(parse_share("0.5"), Ok(0.5));
        assert_eq!(parse_share("1"), Ok(1.0));
        for bad in ["1.5", "-0.1", "NaN", "half"] {
            assert!(parse_share(bad).is_err(), "{bad}");
        }
        assert!(Args::try_parse_from(["boilerstrip", "--rejects", "r.jsonl"]).is_err());
        let args = Args::try_parse_from([
            "boilerstrip",
            "--max-removed-share",
            "0.8",
            "--rejects",
            "r.jsonl",
            "--meta-field",
            "metadata.bs",
        ])
        .unwrap();
        assert_eq!(args.clean.max_removed_share, Some(0.8));
        assert_eq!(args.clean.meta_field.as_deref(), Some("metadata.bs"));
    }

    #[test]
    fn annotate_is_a_subcommand_and_a_flag_that_excludes_rewriting_flags() {
        let args = Args::try_parse_from(["boilerstrip", "annotate", "a.jsonl"]).unwrap();
        assert!(matches!(args.command, Some(Command::Annotate(_))));
        let args = Args::try_parse_from(["boilerstrip", "--annotate", "a.jsonl"]).unwrap();
        assert!(args.clean.annotate);
        assert_eq!(args.clean.attribute_name, "boilerstrip");
        for flag in ["--explain", "--drop-empty"] {
            assert!(Args::try_parse_from(["boilerstrip", "--annotate", flag]).is_err());
        }
        assert!(Args::try_parse_from(["boilerstrip", "--attribute-name", "a/b"]).is_err());
    }

    #[test]
    fn log_takes_a_file_and_the_id_field_defaults_to_id() {
        let args = Args::try_parse_from(["boilerstrip", "--log", "log.jsonl.gz"]).unwrap();
        assert_eq!(args.clean.log, Some(PathBuf::from("log.jsonl.gz")));
        assert_eq!(args.clean.id_field, "id");
        let args = Args::try_parse_from(["boilerstrip", "--id-field", "meta.doc_id"]).unwrap();
        assert_eq!(args.clean.id_field, "meta.doc_id");
        assert!(Args::try_parse_from(["boilerstrip", "--log"]).is_err());
    }

    #[test]
    fn report_takes_a_file() {
        let args = Args::try_parse_from(["boilerstrip", "--report", "r.html", "a.jsonl"]).unwrap();
        assert_eq!(args.clean.report, Some(PathBuf::from("r.html")));
        assert_eq!(
            Args::try_parse_from(["boilerstrip"]).unwrap().clean.report,
            None
        );
        assert!(Args::try_parse_from(["boilerstrip", "--report"]).is_err());
    }

    #[test]
    fn report_command_takes_a_log_and_needs_an_output() {
        let args =
            Args::try_parse_from(["boilerstrip", "report", "log.jsonl", "-o", "r.html"]).unwrap();
        let Some(Command::Report(report)) = args.command else {
            panic!("not the report command");
        };
        assert_eq!(report.log, PathBuf::from("log.jsonl"));
        assert_eq!(report.output, PathBuf::from("r.html"));
        assert_eq!(report.read.field, "text");
        assert!(Args::try_parse_from(["boilerstrip", "report", "log.jsonl"]).is_err());
        // The run's input flags, all of them.
        let args = Args::try_parse_from([
            "boilerstrip",
            "report",
            "log.jsonl",
            "-o",
            "r.html",
            "--decompress",
            "none",
        ])
        .unwrap();
        let Some(Command::Report(report)) = args.command else {
            panic!("not the report command");
        };
        assert_eq!(report.read.decompress, DecompressArg::None);
    }

    #[test]
    fn max_doc_bytes_defaults_to_64_mib() {
        let args = Args::try_parse_from(["boilerstrip"]).unwrap();
        assert_eq!(args.clean.input.read.max_doc_bytes, 64 << 20);
    }

    #[test]
    fn decompress_defaults_to_auto_and_takes_none() {
        let args = Args::try_parse_from(["boilerstrip"]).unwrap();
        assert_eq!(args.clean.input.read.decompress, DecompressArg::Auto);
        let args = Args::try_parse_from(["boilerstrip", "--decompress", "none", "a"]).unwrap();
        assert_eq!(args.clean.input.read.decompress, DecompressArg::None);
        assert!(Args::try_parse_from(["boilerstrip", "--decompress", "gzip"]).is_err());
    }
}
