//! The metadata field of JSONL output (`--meta-field`): what was removed from a record,
//! written into the record beside its other fields, which stay byte for byte; and the
//! removed share that `--max-removed-share` judges.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::decision::Cleaned;
use crate::formats::RecordError;
use crate::formats::jsonl::{self, FieldPath};

/// What was removed from one document: the value of the `--meta-field`.
///
/// `{"removed_bytes":N,"removed_share":F,"reasons":{"REASON":{"lines":N,"bytes":N},…}}`:
/// bytes removed from the text, their share of the text's bytes (0 for an empty text),
/// and per reason (rule or detector) the lines and bytes it removed.
///
/// ```
/// use boilerstrip::audit::meta::DocumentMeta;
/// use boilerstrip::{Cleaner, RuleSet};
/// let rules = RuleSet::from_toml("[[rule]]\nname = \"ad\"\nmarkers = [\"Ad\"]\nwhere = \"equals\"", "x.toml")?;
/// let cleaned = Cleaner::new(&rules)?.clean(b"Text\nAd\n");
/// assert_eq!(
///     DocumentMeta::new(&cleaned).to_json(),
///     r#"{"removed_bytes":3,"removed_share":0.375,"reasons":{"ad":{"lines":1,"bytes":3}}}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DocumentMeta {
    /// Bytes removed from the text.
    pub removed_bytes: u64,
    /// `removed_bytes` over the text's bytes; 0 for an empty text.
    pub removed_share: f64,
    /// Per reason: what it removed.
    pub reasons: BTreeMap<String, ReasonMeta>,
}

/// What one reason removed from a document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ReasonMeta {
    /// Lines removed.
    pub lines: u64,
    /// Bytes removed.
    pub bytes: u64,
}

impl DocumentMeta {
    /// The metadata of a cleaned document.
    pub fn new(cleaned: &Cleaned<'_>) -> DocumentMeta {
        let mut reasons: BTreeMap<String, ReasonMeta> = BTreeMap::new();
        for removal in cleaned.removals() {
            let entry = reasons
                .entry(removal.reason.as_str().to_string())
                .or_default();
            entry.lines += removal.lines.len() as u64;
            entry.bytes += removal.bytes.len() as u64;
        }
        DocumentMeta {
            removed_bytes: cleaned.removed_bytes() as u64,
            removed_share: removed_share(cleaned),
            reasons,
        }
    }

    /// The JSON object, on one line.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("metadata always serialises")
    }
}

/// The share of a document's bytes that was removed, from 0 to 1; 0 for an empty
/// document.
pub fn removed_share(cleaned: &Cleaned<'_>) -> f64 {
    match cleaned.input().len() {
        0 => 0.0,
        len => cleaned.removed_bytes() as f64 / len as f64,
    }
}

/// Appends `line` (one JSON object, optionally followed by whitespace and a line
/// break) to `out` with the field at `path` set to `value` (raw JSON): its value
/// replaced when the field exists, else the field added as the last member of the
/// object that holds it. Every other byte of the line is kept as it was.
///
/// Fails when the line is not a JSON object or a parent on `path` is missing or not an
/// object; `out` is then unchanged.
///
/// ```
/// use boilerstrip::audit::meta::set_field;
/// use boilerstrip::formats::jsonl::FieldPath;
/// let mut out = Vec::new();
/// let path = FieldPath::parse("meta.bs").unwrap();
/// set_field(br#"{"text":"a", "meta":{"n":1}}"#, &path, "{}", &mut out).unwrap();
/// assert_eq!(out, br#"{"text":"a", "meta":{"n":1,"bs":{}}}"#);
/// ```
pub fn set_field(
    line: &[u8],
    path: &FieldPath,
    value: &str,
    out: &mut Vec<u8>,
) -> Result<(), RecordError> {
    if let Ok(existing) = jsonl::raw_value(line, path) {
        let start = offset_in(line, existing.as_bytes());
        out.extend_from_slice(&line[..start]);
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(&line[start + existing.len()..]);
        return Ok(());
    }
    let spec = path.to_string();
    let (parent, name) = match spec.rsplit_once('.') {
        Some((parent, name)) => (Some(parent), name),
        None => (None, spec.as_str()),
    };
    let object: &[u8] = match parent {
        Some(parent) => {
            let parent = FieldPath::parse(parent)?;
            jsonl::raw_value(line, &parent)?.as_bytes()
        }
        None => line.trim_ascii(),
    };
    let (Some(b'{'), Some(b'}')) = (object.first(), object.last()) else {
        let owner = parent.map_or("the line".to_string(), |p| format!("field `{p}`"));
        return Err(RecordError::new(format!(
            "{owner} is not an object, so `{spec}` cannot be added"
        )));
    };
    let close = offset_in(line, object) + object.len() - 1;
    let empty = object[1..object.len() - 1].trim_ascii().is_empty();
    out.extend_from_slice(&line[..close]);
    if !empty {
        out.push(b',');
    }
    let key = serde_json::to_string(name).expect("a key always serialises");
    out.extend_from_slice(key.as_bytes());
    out.push(b':');
    out.extend_from_slice(value.as_bytes());
    out.extend_from_slice(&line[close..]);
    Ok(())
}

/// Where `part`, a slice of `whole`, starts in it.
fn offset_in(whole: &[u8], part: &[u8]) -> usize {
    part.as_ptr() as usize - whole.as_ptr() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(line: &str, path: &str) -> Result<String, RecordError> {
        let mut out = Vec::new();
        set_field(
            line.as_bytes(),
            &FieldPath::parse(path).unwrap(),
            "[1]",
            &mut out,
        )?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn fields_are_added_last_or_replaced_in_place() {
        assert_eq!(set(r#"{"a":1}"#, "m").unwrap(), r#"{"a":1,"m":[1]}"#);
        assert_eq!(set("{\"a\":1} \r", "m").unwrap(), "{\"a\":1,\"m\":[1]} \r");
        assert_eq!(
            set(r#"{"m":"old","a":2}"#, "m").unwrap(),
            r#"{"m":[1],"a":2}"#
        );
        assert_eq!(set(r#"{"x":{ }}"#, "x.m").unwrap(), r#"{"x":{ "m":[1]}}"#);
        assert_eq!(
            set(r#"{"x":{"m":{"deep":1}},"y":"}"}"#, "x.m").unwrap(),
            r#"{"x":{"m":[1]},"y":"}"}"#
        );
        assert_eq!(set(r#"{"a":1}"#, "q\"k").unwrap(), r#"{"a":1,"q\"k":[1]}"#);
    }

    #[test]
    fn parents_must_be_objects() {
        assert!(set(r#"{"x":3}"#, "x.m").is_err());
        assert!(set(r#"{"a":1}"#, "x.m").is_err());
        assert!(set("[1]", "m").is_err());
    }
}
