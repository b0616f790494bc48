//! Finds and replaces the text field of one JSONL record, leaving every other byte of the line as it was.

use std::fmt;
use std::ops::Range;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::RecordError;
use super::json_string::{escape_into, string_at, top_level_string};

/// A dotted path to a string field, e.g. `text` or `metadata.content`.
///
/// Keys that themselves contain a `.` cannot be addressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath(Vec<String>);

impl FieldPath {
    /// Parses a dotted path; an empty path or an empty segment (`a..b`, `.a`, `a.`) is an error.
    pub fn parse(spec: &str) -> Result<FieldPath, RecordError> {
        if spec.is_empty() {
            return Err(RecordError::new("field path is empty"));
        }
        let segments: Vec<String> = spec.split('.').map(str::to_owned).collect();
        if segments.iter().any(String::is_empty) {
            return Err(RecordError::new(format!(
                "field path `{spec}` has an empty segment"
            )));
        }
        Ok(FieldPath(segments))
    }

    /// The first `len` segments in dotted form, naming the field an error is about.
    fn prefix(&self, len: usize) -> String {
        self.0[..len].join(".")
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

/// Finds the string at `path` in a JSONL line: its byte range in `line` (quotes included) and its decoded text.
///
/// `line` must hold exactly one JSON object; whitespace around it, including the `\r` of a CRLF
/// file, is allowed and lies outside the range, and so is a UTF-8 byte order mark before it
/// (at the start of a file, or of a file appended to another). When a key occurs more than
/// once in an object, the last occurrence counts, as in JavaScript and `serde_json::Value`.
pub fn text_span(line: &[u8], path: &FieldPath) -> Result<(Range<usize>, String), RecordError> {
    let (bom, line) = object_text(line)?;
    if let [key] = path.0.as_slice()
        && let Some((range, text)) = top_level_string(line, key)
    {
        return Ok((bom + range.start..bom + range.end, text));
    }
    let mut value = line;
    for depth in 0..path.0.len() {
        value = member(line, value, path, depth)?;
    }
    let start = bom + offset_in(line, value);
    let text = decode_string(line, value, path)?;
    Ok((start..start + value.len(), text))
}

/// `line` as UTF-8 text without a byte order mark at its start, and the length of the
/// mark it had (0 or 3).
fn object_text(line: &[u8]) -> Result<(usize, &str), RecordError> {
    let object = super::sniff::without_bom(line);
    let bom = line.len() - object.len();
    let text = std::str::from_utf8(object).map_err(|error| {
        RecordError::new(format!(
            "invalid UTF-8 at byte {}",
            bom + error.valid_up_to()
        ))
    })?;
    Ok((bom, text))
}

/// Finds the value at `path` in a JSONL line, of any JSON type, and returns its raw JSON
/// text (a string keeps its quotes and escapes): for fields such as a document id, which
/// may be a string or a number.
pub fn raw_value<'a>(line: &'a [u8], path: &FieldPath) -> Result<&'a str, RecordError> {
    let (_, line) = object_text(line)?;
    let mut value = line;
    for depth in 0..path.0.len() {
        value = member(line, value, path, depth)?;
    }
    Ok(value)
}

/// Appends `line` to `out` with the bytes in `span` replaced by one JSON string holding the
/// `pieces` of UTF-8 text, one after another.
///
/// Escaping is serde_json's: quotes, backslashes and control characters are escaped, other
/// characters are kept as UTF-8.
///
/// # Panics
///
/// If `span` does not lie within `line`; spans from [`text_span`] on the same line always do.
pub fn rewrite<'t>(
    line: &[u8],
    span: Range<usize>,
    pieces: impl IntoIterator<Item = &'t [u8]>,
    out: &mut Vec<u8>,
) {
    out.extend_from_slice(&line[..span.start]);
    out.push(b'"');
    for piece in pieces {
        escape_into(piece, out);
    }
    out.push(b'"');
    out.extend_from_slice(&line[span.end..]);
}

/// Returns the raw JSON text of member `path.0[depth]` of `object`, which is `line` itself or a slice of it.
fn member<'a>(
    line: &str,
    object: &'a str,
    path: &FieldPath,
    depth: usize,
) -> Result<&'a str, RecordError> {
    let mut de = serde_json::Deserializer::from_str(object);
    let seeker = MemberSeeker {
        key: &path.0[depth],
    };
    let found = (&mut de)
        .deserialize_any(seeker)
        .and_then(|found| de.end().map(|()| found));
    match found {
        Ok(Some(raw)) => Ok(raw.get()),
        Ok(None) => Err(RecordError::new(format!(
            "field `{}` is missing",
            path.prefix(depth + 1)
        ))),
        // Only the seeker raises data errors, and only when the value is not an object.
        Err(error) if error.is_data() => {
            let owner = match depth {
                0 => "the line".to_owned(),
                _ => format!("field `{}`", path.prefix(depth)),
            };
            let kind = Kind::of(object).described();
            Err(RecordError::new(format!(
                "{owner} is {kind}, not an object"
            )))
        }
        Err(error) => Err(RecordError::new(format!(
            "invalid JSON {}",
            position(&error, offset_in(line, object))
        ))),
    }
}

/// Decodes the raw JSON value found at `path`, which must be a string.
fn decode_string(line: &str, raw: &str, path: &FieldPath) -> Result<String, RecordError> {
    match Kind::of(raw) {
        Kind::String => string_at(raw, 0).map(|(text, _)| text).map_or_else(
            || {
                serde_json::from_str(raw).map_err(|error| {
                    RecordError::new(format!(
                        "field `{path}` is not a valid string {}",
                        position(&error, offset_in(line, raw))
                    ))
                })
            },
            Ok,
        ),
        kind => Err(RecordError::new(format!(
            "field `{path}` is {}, not a string",
            kind.described()
        ))),
    }
}

/// Formats a serde_json error as "at column N: message", with the column counted in the whole
/// line (`base` is where the parsed slice starts) rather than in the parsed slice.
fn position(error: &serde_json::Error, base: usize) -> String {
    let full = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    if error.line() > 1 {
        format!(
            "at line {}, column {}: {message}",
            error.line(),
            error.column()
        )
    } else {
        format!("at column {}: {message}", base + error.column())
    }
}

/// Byte offset of `inner` in `outer`; `inner` must be a slice of `outer`.
fn offset_in(outer: &str, inner: &str) -> usize {
    inner.as_ptr().addr() - outer.as_ptr().addr()
}

/// The type of a JSON value, as error messages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
}

impl Kind {
    /// Classifies JSON text that starts with a valid value; the first byte decides in JSON.
    fn of(json: &str) -> Kind {
        match json
            .trim_start_matches([' ', '\t', '\n', '\r'])
            .bytes()
            .next()
        {
            Some(b'{') => Kind::Object,
            Some(b'[') => Kind::Array,
            Some(b'"') => Kind::String,
            Some(b't' | b'f') => Kind::Bool,
            Some(b'n') => Kind::Null,
            _ => Kind::Number,
        }
    }

    fn described(self) -> &'static str {
        match self {
            Kind::Object => "an object",
            Kind::Array => "an array",
            Kind::String => "a string",
            Kind::Number => "a number",
            Kind::Bool => "a boolean",
            Kind::Null => "null",
        }
    }
}

/// Walks one JSON object and keeps the raw value of the last member named `key`.
///
/// Values are taken as borrowed `RawValue`s, so nothing is decoded or allocated except keys
/// that contain escapes.
struct MemberSeeker<'k> {
    key: &'k str,
}

impl<'de> Visitor<'de> for MemberSeeker<'_> {
    type Value = Option<&'de RawValue>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(is_wanted) = map.next_key_seed(KeyIs(self.key))? {
            let value: &'de RawValue = map.next_value()?;
            if is_wanted {
                found = Some(value);
            }
        }
        Ok(found)
    }
}

/// Reads one object key and tells whether it equals the wanted key (after unescaping).
struct KeyIs<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, key: &str) -> Result<bool, E> {
        Ok(key == self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(spec: &str) -> FieldPath {
        FieldPath::parse(spec).unwrap()
    }

    fn span(line: &str, spec: &str) -> Result<(Range<usize>, String), RecordError> {
        text_span(line.as_bytes(), &path(spec))
    }

    fn error(line: &[u8], spec: &str) -> String {
        text_span(line, &path(spec)).unwrap_err().message
    }

    fn rewritten(line: &str, spec: &str, new_text: &str) -> String {
        let (range, _) = span(line, spec).unwrap();
        let mut out = Vec::new();
        rewrite(line.as_bytes(), range, [new_text.as_bytes()], &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn paths_parse_and_display() {
        assert_eq!(path("text").to_string(), "text");
        assert_eq!(path("metadata.content").to_string(), "metadata.content");
        for (spec, message) in [
            ("", "field path is empty"),
            ("a..b", "field path `a..b` has an empty segment"),
            (".a", "field path `.a` has an empty segment"),
            ("a.", "field path `a.` has an empty segment"),
        ] {
            assert_eq!(FieldPath::parse(spec).unwrap_err().message, message);
        }
    }

    #[test]
    fn span_covers_the_quoted_string() {
        let line = r#"{"id": 1, "text": "hello"}"#;
        let (range, text) = span(line, "text").unwrap();
        assert_eq!(&line[range], r#""hello""#);
        assert_eq!(text, "hello");
    }

    #[test]
    fn escapes_are_decoded() {
        let line = r#"{"text": "a\nb \"q\" back\\slash caf\u00e9 \ud83d\ude00 \/"}"#;
        let (range, text) = span(line, "text").unwrap();
        assert_eq!(text, "a\nb \"q\" back\\slash café 😀 /");
        assert_eq!(range.end, line.len() - 1);
    }

    #[test]
    fn escaped_keys_match() {
        let (_, text) = span(r#"{"te\u0078t": "found"}"#, "text").unwrap();
        assert_eq!(text, "found");
    }

    #[test]
    fn nested_path_is_followed() {
        let line =
            r#"{"text": "outer", "metadata": {"content": "inner", "n": [1, {"content": 2}]}}"#;
        let (range, text) = span(line, "metadata.content").unwrap();
        assert_eq!((&line[range], text.as_str()), (r#""inner""#, "inner"));
    }

    #[test]
    fn last_duplicate_key_wins() {
        let line = r#"{"text": "first", "text": "second"}"#;
        let (range, text) = span(line, "text").unwrap();
        assert_eq!(text, "second");
        assert_eq!(range.start, line.rfind("\"second").unwrap());
    }

    #[test]
    fn rewrite_keeps_every_other_byte() {
        let line = concat!(
            r#"  {"a" :-1.5e3 ,"b":[true,false,null,{"x":[]}],"c" : {"d":"e"},"#,
            r#""text"  :   "old text" , "z":0, "n": null, "s": "\u00e9"}  "#
        );
        let out = rewritten(line, "text", "new \"text\"\n\tcafé\u{1}");
        let expected = concat!(
            r#"  {"a" :-1.5e3 ,"b":[true,false,null,{"x":[]}],"c" : {"d":"e"},"#,
            r#""text"  :   "new \"text\"\n\tcafé\u0001" , "z":0, "n": null, "s": "\u00e9"}  "#
        );
        assert_eq!(out, expected);
        assert_eq!(span(&out, "text").unwrap().1, "new \"text\"\n\tcafé\u{1}");
    }

    #[test]
    fn rewrite_of_nested_field_keeps_the_rest() {
        let line = r#"{"text":"keep","metadata":{"content":"old","lang":"en"}}"#;
        assert_eq!(
            rewritten(line, "metadata.content", ""),
            r#"{"text":"keep","metadata":{"content":"","lang":"en"}}"#
        );
    }

    #[test]
    fn unchanged_text_round_trips() {
        // A caller that finds the text unchanged copies the line as is; rewriting would
        // re-escape `\u00e9` as `é`, so verbatim copying is what keeps the bytes.
        let line = r#"{"text": "caf\u00e9"}"#;
        let (range, text) = span(line, "text").unwrap();
        assert_eq!(text, "café");
        let mut out = Vec::new();
        rewrite(line.as_bytes(), range, [text.as_bytes()], &mut out);
        assert_eq!(out, r#"{"text": "café"}"#.as_bytes());
        // Without escapes, rewriting the same text gives back the very same line.
        assert_eq!(
            rewritten(r#"{"text": "plain"}"#, "text", "plain"),
            r#"{"text": "plain"}"#
        );
    }

    #[test]
    fn a_byte_order_mark_before_the_object_is_kept_outside_the_span() {
        let line = "\u{FEFF}{\"id\":1,\"text\":\"Body.\\nShare this\"}";
        let (range, text) = span(line, "text").unwrap();
        assert_eq!(&line[range], "\"Body.\\nShare this\"");
        assert_eq!(text, "Body.\nShare this");
        assert_eq!(
            rewritten(line, "text", "Body.\n"),
            "\u{FEFF}{\"id\":1,\"text\":\"Body.\\n\"}"
        );
        let nested = "\u{FEFF}{\"meta\":{\"content\":\"a\"}}";
        assert_eq!(&nested[span(nested, "meta.content").unwrap().0], "\"a\"");
        assert_eq!(
            raw_value(nested.as_bytes(), &path("meta")).unwrap(),
            "{\"content\":\"a\"}"
        );
    }

    #[test]
    fn crlf_line_keeps_its_carriage_return() {
        let line = "{\"text\": \"hi\"}\r";
        let (range, text) = span(line, "text").unwrap();
        assert_eq!(text, "hi");
        assert_eq!(rewritten(line, "text", "bye"), "{\"text\": \"bye\"}\r");
        assert_eq!(range, 9..13);
        assert!(span("{\"text\": \"hi\"}\r\n", "text").is_ok());
    }

    #[test]
    fn invalid_json_reports_the_column() {
        assert_eq!(
            error(br#"{"id": 1 "text": "x"}"#, "text"),
            "invalid JSON at column 10: expected `,` or `}`"
        );
        assert_eq!(
            error(br#"{"text": "x""#, "text"),
            "invalid JSON at column 12: EOF while parsing an object"
        );
        assert_eq!(
            error(br#"{"text": "x"} {}"#, "text"),
            "invalid JSON at column 15: trailing characters"
        );
        assert_eq!(
            error(b"", "text"),
            "invalid JSON at column 0: EOF while parsing a value"
        );
        assert_eq!(
            error(b"hello", "text"),
            "invalid JSON at column 1: expected value"
        );
    }

    #[test]
    fn non_objects_are_named() {
        assert_eq!(
            error(b"[1, 2]", "text"),
            "the line is an array, not an object"
        );
        assert_eq!(
            error(b" \"text\"", "text"),
            "the line is a string, not an object"
        );
        assert_eq!(error(b"42", "text"), "the line is a number, not an object");
        assert_eq!(
            error(br#"{"metadata": "flat"}"#, "metadata.content"),
            "field `metadata` is a string, not an object"
        );
        assert_eq!(
            error(br#"{"a": {"b": [1]}}"#, "a.b.c"),
            "field `a.b` is an array, not an object"
        );
    }

    #[test]
    fn missing_fields_are_named() {
        assert_eq!(error(br#"{"txt": "x"}"#, "text"), "field `text` is missing");
        assert_eq!(
            error(br#"{"metadata": {}}"#, "metadata.content"),
            "field `metadata.content` is missing"
        );
        assert_eq!(
            error(br#"{"text": "x"}"#, "metadata.content"),
            "field `metadata` is missing"
        );
    }

    #[test]
    fn non_string_values_are_named() {
        for (value, kind) in [
            ("17", "a number"),
            ("-0.5e2", "a number"),
            ("true", "a boolean"),
            ("false", "a boolean"),
            ("null", "null"),
            ("[\"a\"]", "an array"),
            ("{\"a\": 1}", "an object"),
        ] {
            let line = format!(r#"{{"text": {value}}}"#);
            assert_eq!(
                error(line.as_bytes(), "text"),
                format!("field `text` is {kind}, not a string")
            );
        }
    }

    #[test]
    fn invalid_utf8_is_reported() {
        assert_eq!(
            error(b"{\"text\": \"caf\xe9\"}", "text"),
            "invalid UTF-8 at byte 13"
        );
    }

    #[test]
    fn lone_surrogates_are_rejected() {
        let lines: [&[u8]; 3] = [
            br#"{"id": 1, "text": "a\ud800"}"#,
            br#"{"id": 1, "text": "a\ud800b"}"#,
            br#"{"id": 1, "text": "a\udc00"}"#,
        ];
        let messages: Vec<String> = lines.iter().map(|line| error(line, "text")).collect();
        // serde_json's own wording, passed through; the column points into the whole line.
        assert_eq!(
            messages,
            [
                "field `text` is not a valid string at column 27: unexpected end of hex escape",
                "field `text` is not a valid string at column 27: unexpected end of hex escape",
                "field `text` is not a valid string at column 26: lone leading surrogate in hex escape",
            ]
        );
    }

    #[test]
    fn every_truncation_fails_cleanly() {
        let line = r#"{"a": [1, -2.5e3, true, null, {"b": "c"}], "meta": {"text": "x\u00e9\"y"}, "z": {}}"#;
        for cut in 0..line.len() {
            let result = text_span(&line.as_bytes()[..cut], &path("meta.text"));
            assert!(result.is_err(), "cut at {cut}");
        }
        assert_eq!(span(line, "meta.text").unwrap().1, "xé\"y");
    }

    #[test]
    fn lone_surrogate_in_another_field_is_ignored() {
        // Only the text field is decoded; other fields pass through untouched.
        let line = r#"{"other": "\udc00", "text": "ok"}"#;
        assert_eq!(
            rewritten(line, "text", "fine"),
            r#"{"other": "\udc00", "text": "fine"}"#
        );
    }
}
