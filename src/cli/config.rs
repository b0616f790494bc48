//! Arguments → resolved configuration, once: rule packs loaded, cleaner built, threads
//! set, terminal checked. No clap type passes this point.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context, Result};
use boilerstrip::explain::ExplainStyle;
use boilerstrip::formats::text::TextOptions;
use boilerstrip::pipeline::Output;
use boilerstrip::{Cleaner, RuleSet};

use super::args::{CleanArgs, ColorChoice, RuleArgs};

/// Everything `clean` needs, resolved.
pub struct CleanConfig {
    /// Inputs; `None` is standard input.
    pub inputs: Vec<Option<PathBuf>>,
    /// The compiled rules.
    pub cleaner: Cleaner,
    /// How text inputs are cut into documents.
    pub text: TextOptions,
    /// Cleaned text or `--explain`.
    pub output: Output,
    /// Where `--stats` goes: `None` off, `Some(None)` standard error.
    pub stats: Option<Option<PathBuf>>,
    /// Zero timings in stats.
    pub deterministic: bool,
}

/// Loads the rule set the flags describe.
pub fn rule_set(args: &RuleArgs) -> Result<RuleSet> {
    let mut rules = if args.no_default_rules {
        RuleSet::new()
    } else {
        RuleSet::builtin()
    };
    for path in &args.rules {
        rules.add_path(path)?;
    }
    for name in &args.disable {
        rules.disable(name)?;
    }
    Ok(rules)
}

impl CleanConfig {
    /// Resolves `clean` arguments.
    pub fn from_args(args: CleanArgs) -> Result<CleanConfig> {
        if let Some(threads) = args.threads {
            rayon::ThreadPoolBuilder::new()
                .num_threads(usize::from(threads))
                .build_global()
                .context("cannot start the worker threads")?;
        }
        let cleaner = Cleaner::new(&rule_set(&args.rules)?)?;
        let inputs = if args.files.is_empty() {
            vec![None]
        } else {
            args.files
                .into_iter()
                .map(|path| (path.as_os_str() != "-").then_some(path))
                .collect()
        };
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        let output = if args.explain {
            let width = cleaner
                .rules()
                .iter()
                .map(|r| r.name().len())
                .max()
                .unwrap_or(0);
            Output::Explain(ExplainStyle { color, width })
        } else {
            Output::Cleaned
        };
        Ok(CleanConfig {
            inputs,
            cleaner,
            text: TextOptions {
                separator: args.doc_separator.map(String::into_bytes),
                max_doc_bytes: args.max_doc_bytes,
            },
            output,
            stats: args
                .stats
                .map(|path| (path.as_os_str() != "-").then_some(path)),
            deterministic: args.deterministic,
        })
    }
}
