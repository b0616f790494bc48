//! Prints the line scorer's feature rows of text files, for `scripts/train-model`.
//!
//! `cargo run --release --example model-features -- FILE...` writes one tab-separated row
//! per non-blank line: the file's name, the line's index (0-based, lines split at `\n`),
//! 1 if a marker rule of the default pack removes it (else 0), the name of the content
//! shape that protects it from the detectors (`-` for none), then the features in the
//! order of `boilerstrip::model::FEATURE_NAMES`. A first line `#` + names heads the table.

use std::io::{BufWriter, Write};

use boilerstrip::model::FEATURE_NAMES;
use boilerstrip::{Cleaner, RuleSet};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cleaner = Cleaner::new(&RuleSet::builtin())?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    writeln!(
        out,
        "#file\tline\trule_removed\tprotection\t{}",
        FEATURE_NAMES.join("\t")
    )?;
    for path in std::env::args_os().skip(1) {
        let doc = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.to_string_lossy()))?;
        let name = std::path::Path::new(&path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let features = cleaner.line_features(&doc);
        for (k, &line) in features.lines.iter().enumerate() {
            let protection = features.protection[k].map_or("-", |p| p.name());
            let removed = u8::from(features.rule_removed[k]);
            write!(out, "{name}\t{line}\t{removed}\t{protection}")?;
            for value in features.row(k) {
                write!(out, "\t{value}")?;
            }
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(())
}
