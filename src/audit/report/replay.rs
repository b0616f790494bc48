//! Rebuilds a review report from a removal log (`boilerstrip report LOG`): each logged
//! document's text is read again from its input (records, or rows of a Parquet file)
//! and checked against the log before its logged removals are shown.

use std::borrow::Cow;

use super::{Digest, Label, Report};
use crate::audit::Identity;
use crate::audit::log::LogEntry;
use crate::decision::{Reason, Removal};
use crate::error::{Error, Place, Result};
use crate::formats::Input;
use crate::formats::jsonl::FieldPath;
use crate::formats::parquet::RowTexts;
use crate::lines;

/// One input of a logged run, read again in step with its log entries.
pub struct Replay<'a> {
    source: Source<'a>,
    name: String,
    /// Records read so far.
    read: u64,
}

/// Where a replay reads the texts.
enum Source<'a> {
    /// Records, whose documents keep their text in a field (JSONL).
    Records(Input, FieldPath),
    /// A Parquet file, whose rows the log numbers from 1.
    Rows(RowTexts<'a>),
}

impl<'a> Replay<'a> {
    /// Replays `input`, whose documents keep their text in `field` (JSONL).
    pub fn new(input: Input, field: FieldPath) -> Replay<'a> {
        let name = input.records.origin().to_string();
        Replay {
            source: Source::Records(input, field),
            name,
            read: 0,
        }
    }

    /// Replays the Parquet file `name` through `rows`, which read its text column.
    pub fn parquet(rows: RowTexts<'a>, name: &str) -> Replay<'a> {
        Replay {
            source: Source::Rows(rows),
            name: name.to_string(),
            read: 0,
        }
    }

    /// The input's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Adds the document `entry` logs (an entry of this input, after the ones added
    /// before) to `report`, its text read from the input.
    ///
    /// Fails, naming the input, the record and the difference, when the input is not the
    /// one the log was written from: the record is missing, holds no document, or its
    /// text has other lengths in bytes or lines than the log says.
    pub fn add(&mut self, entry: &LogEntry, report: &mut Report) -> Result<()> {
        let changed = |place: Place, what: String| {
            Error::input(
                &self.name,
                place,
                format!("{what}: the input is not the one the removal log was written from"),
            )
        };
        let (input, field) = match &mut self.source {
            Source::Records(input, field) => (input, &*field),
            Source::Rows(rows) => return replay_row(rows, &self.name, entry, report),
        };
        let record = loop {
            let Some(record) = input.records.next_record()? else {
                let place = Place::After {
                    records: self.read,
                    raw_byte: 0,
                };
                return Err(changed(
                    place,
                    format!("the log's record {} is past the end", entry.record),
                ));
            };
            self.read += 1;
            let number = Identity::of(&record, self.read, &self.name, None, field).record;
            if number == entry.record {
                break record;
            }
            if number > entry.record {
                let place = record.place().unwrap_or(Place::Document(number));
                return Err(changed(place, format!("no record {} here", entry.record)));
            }
        };
        let place = record.place().unwrap_or(Place::Document(entry.record));
        let label = Label::logged(entry);
        if let Some(error) = &entry.error {
            report.add(Digest::invalid_as(label, error), || None);
            return Ok(());
        }
        let text = match record.document(field, None) {
            Ok(Some(document)) => document.text,
            _ => return Err(changed(place, "the record holds no document".to_string())),
        };
        add_logged(entry, label, &text, report).map_err(|what| changed(place, what))
    }
}

/// Adds the document `entry` logs, row `entry.record` of the Parquet file `name` read
/// through `rows`, to `report`.
fn replay_row(
    rows: &mut RowTexts<'_>,
    name: &str,
    entry: &LogEntry,
    report: &mut Report,
) -> Result<()> {
    let changed = |place: Place, what: String| {
        Error::input(
            name,
            place,
            format!("{what}: the input is not the one the removal log was written from"),
        )
    };
    let place = Place::Document(entry.record);
    let Some(row) = entry.record.checked_sub(1).filter(|&row| row < rows.rows()) else {
        let what = format!("the file has no row {}", entry.record);
        return Err(changed(place, what));
    };
    let label = Label::logged(entry);
    if let Some(error) = &entry.error {
        report.add(Digest::invalid_as(label, error), || None);
        return Ok(());
    }
    let Some(text) = rows.text(row)? else {
        return Err(changed(place, "the row's text is null".to_string()));
    };
    add_logged(entry, label, text.as_bytes(), report).map_err(|what| changed(place, what))
}

/// Adds the document `entry` logs, labelled `label`, whose text is `text`, to `report`;
/// says what differs when `text` is not the text the log was written from.
fn add_logged(
    entry: &LogEntry,
    label: Label,
    text: &[u8],
    report: &mut Report,
) -> std::result::Result<(), String> {
    let lines = lines::split(text).count() as u64;
    if (text.len() as u64, lines) != (entry.bytes_in, entry.lines_in) {
        return Err(format!(
            "the log says {} bytes in {} lines, the input has {} bytes in {lines} lines",
            entry.bytes_in,
            entry.lines_in,
            text.len()
        ));
    }
    let removals = logged_removals(entry, text.len())
        .ok_or_else(|| "a logged removal lies outside the text".to_string())?;
    let digest = Digest::from_parts(
        label,
        &entry.id,
        &removals,
        (text.len() as u64, lines),
        report.options(),
        entry.rejected,
    );
    report.add(digest, || Some(Cow::Borrowed(text)));
    Ok(())
}

/// The removals of `entry` as the cleaner made them; `None` when one lies outside a text
/// of `len` bytes.
fn logged_removals(entry: &LogEntry, len: usize) -> Option<Vec<Removal>> {
    entry
        .removals
        .iter()
        .map(|r| {
            let bytes = usize::try_from(r.start).ok()?..usize::try_from(r.end).ok()?;
            let lines = usize::try_from(r.lines[0]).ok()?..usize::try_from(r.lines[1]).ok()?;
            (bytes.start <= bytes.end && bytes.end <= len).then(|| Removal {
                bytes,
                lines,
                reason: Reason::new(&r.reason),
            })
        })
        .collect()
}

impl Label {
    /// The label of a logged document: as [`Label::new`] made it, the id left out when
    /// the log made it up (`INPUT:RECORD`).
    fn logged(entry: &LogEntry) -> Label {
        let made_up = entry.id == format!("{}:{}", entry.input, entry.record);
        let identity = Identity {
            input: &entry.input,
            record: entry.record,
            id: (!made_up).then_some(Cow::Borrowed(entry.id.as_str())),
            url: entry.url.as_deref().map(Cow::Borrowed),
        };
        Label::new(&identity)
    }
}
