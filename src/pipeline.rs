//! Runs a cleaner over a stream of documents: read a batch of whole documents, clean
//! them in parallel with rayon, and write the results in input order.

use std::io::{BufRead, Write};

use rayon::prelude::*;

use crate::clean::Cleaner;
use crate::error::{Error, Result};
use crate::explain::{ExplainStyle, explain};
use crate::formats::text::{TextDocument, TextReader};
use crate::stats::Stats;

/// Documents are cleaned in batches of about this many bytes, so that threads have work
/// while memory stays bounded.
const BATCH_BYTES: usize = 4 << 20;

/// What to write for each document.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Output {
    /// The cleaned document.
    Cleaned,
    /// Every line with its fate (`--explain`).
    Explain(ExplainStyle),
}

/// Cleans every document of `reader` into `out`; returns the run's statistics.
/// `out_name` names the destination in write errors.
pub fn clean_text<R: BufRead, W: Write + ?Sized>(
    reader: &mut TextReader<R>,
    cleaner: &Cleaner,
    output: Output,
    out: &mut W,
    out_name: &str,
) -> Result<Stats> {
    let mut stats = Stats::default();
    loop {
        let batch = read_batch(reader)?;
        if batch.is_empty() {
            return Ok(stats);
        }
        let rendered: Vec<(Vec<u8>, Stats)> = batch
            .par_iter()
            .map(|doc| render(cleaner, doc, output))
            .collect();
        for (bytes, doc_stats) in rendered {
            out.write_all(&bytes)
                .map_err(|err| Error::io(out_name, err))?;
            stats += doc_stats;
        }
    }
}

fn read_batch<R: BufRead>(reader: &mut TextReader<R>) -> Result<Vec<TextDocument>> {
    let mut batch = Vec::new();
    let mut bytes = 0;
    while bytes < BATCH_BYTES {
        let Some(doc) = reader.next_document()? else {
            break;
        };
        bytes += doc.body.len() + doc.separator.len();
        batch.push(doc);
    }
    Ok(batch)
}

fn render(cleaner: &Cleaner, doc: &TextDocument, output: Output) -> (Vec<u8>, Stats) {
    let cleaned = cleaner.clean(&doc.body);
    let mut stats = Stats::default();
    stats.record(&cleaned);
    let mut bytes = Vec::with_capacity(doc.body.len() + doc.separator.len());
    let written = match output {
        Output::Cleaned => cleaned.write_kept(&mut bytes),
        Output::Explain(style) => explain(&cleaned, &mut bytes, style),
    };
    written.expect("writing to a Vec cannot fail");
    bytes.extend_from_slice(&doc.separator);
    (bytes, stats)
}
