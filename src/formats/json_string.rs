//! JSON strings read and written a window of 32 bytes at a time: the bytes that matter in
//! a JSON string (`"`, `\` and control characters) are found with one vector compare per
//! window, and the runs between them are copied whole.
//!
//! Reading also has a fast way to the common record shape, a string member of the
//! top-level object. Everything here answers `None` rather than guess: a caller then goes
//! the general way, through serde_json, which also words the errors.

use std::ops::Range;

use wide::u8x32;

use crate::simd;

/// Bytes examined at once by [`specials`].
const WINDOW: usize = simd::WIDTH;

/// The bit mask (bit `i` for byte `i`) of the bytes of `bytes` (at most [`WINDOW`]) that
/// a JSON string must escape: control characters, `"` and `\`.
fn specials(bytes: &[u8]) -> u32 {
    let v = simd::load(bytes);
    let splat = u8x32::splat;
    let control = simd::within(v, 0, 0x1F);
    (control | v.simd_eq(splat(b'"')) | v.simd_eq(splat(b'\\'))).to_bitmask()
}

/// The offset of the first special byte (see [`specials`]) of `bytes` at or after `from`.
fn next_special(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while at < bytes.len() {
        let end = (at + WINDOW).min(bytes.len());
        let mask = specials(&bytes[at..end]);
        if mask != 0 {
            return Some(at + mask.trailing_zeros() as usize);
        }
        at = end;
    }
    None
}

/// Appends `text` (valid UTF-8) to `out` escaped as serde_json escapes it, without the
/// quotes: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, `\u00XX` for the other control
/// characters; everything else as it is.
pub(super) fn escape_into(text: &[u8], out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut copied = 0;
    while let Some(found) = next_special(text, copied) {
        out.extend_from_slice(&text[copied..found]);
        let byte = text[found];
        match byte {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0C => out.extend_from_slice(b"\\f"),
            _ => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 0xF)],
            ]),
        }
        copied = found + 1;
    }
    out.extend_from_slice(&text[copied..]);
}

/// Decodes the JSON string whose opening quote is at `text[at]`; returns it and the offset
/// just past its closing quote. `None` if it is not a valid JSON string: no closing quote,
/// a control character, an unknown escape, or a `\u` escape that is not a whole character
/// (a lone surrogate).
pub(super) fn string_at(text: &str, at: usize) -> Option<(String, usize)> {
    let bytes = text.as_bytes();
    if bytes.get(at) != Some(&b'"') {
        return None;
    }
    let mut out = String::with_capacity(text.len() - at);
    let mut copied = at + 1;
    loop {
        let found = next_special(bytes, copied)?;
        // The special bytes are ASCII, so `found` is on a character boundary.
        out.push_str(&text[copied..found]);
        let (decoded, len) = match bytes[found] {
            b'"' => return Some((out, found + 1)),
            b'\\' => match bytes.get(found + 1)? {
                b'"' => ('"', 2),
                b'\\' => ('\\', 2),
                b'/' => ('/', 2),
                b'b' => ('\u{8}', 2),
                b'f' => ('\u{c}', 2),
                b'n' => ('\n', 2),
                b'r' => ('\r', 2),
                b't' => ('\t', 2),
                b'u' => unicode_escape(&text[found..])?,
                _ => return None,
            },
            _ => return None,
        };
        out.push(decoded);
        copied = found + len;
    }
}

/// The character of the `\uXXXX` escape (or surrogate pair of two) at the start of
/// `text`, and the escape's length.
fn unicode_escape(text: &str) -> Option<(char, usize)> {
    let hex = |at: usize| {
        text.get(at..at + 4)
            .filter(|digits| digits.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|digits| u32::from_str_radix(digits, 16).ok())
    };
    let unit = hex(2)?;
    if !(0xD800..0xDC00).contains(&unit) {
        return char::from_u32(unit).map(|c| (c, 6));
    }
    let low = text.get(6..8).filter(|&u| u == "\\u").and(hex(8))?;
    if !(0xDC00..0xE000).contains(&low) {
        return None;
    }
    char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)).map(|c| (c, 12))
}

/// The string member `key` of the object that is all of `line` (white space around it
/// allowed): its raw span, quotes included, and its text; the last one when the key occurs
/// more than once. `None` when the line is not that plainly: a key written with escapes,
/// the member missing or not a string, or anything that is not valid JSON.
///
/// Member values other than the wanted string are checked by serde_json, one at a time.
pub(super) fn top_level_string(line: &str, key: &str) -> Option<(Range<usize>, String)> {
    let bytes = line.as_bytes();
    let mut at = skip_space(bytes, 0);
    if bytes.get(at) != Some(&b'{') {
        return None;
    }
    at = skip_space(bytes, at + 1);
    let mut found = None;
    if bytes.get(at) == Some(&b'}') {
        at += 1;
    } else {
        loop {
            let (name, after_name) = plain_string(line, at)?;
            at = skip_space(bytes, after_name);
            if bytes.get(at) != Some(&b':') {
                return None;
            }
            at = skip_space(bytes, at + 1);
            if name == key {
                let (text, end) = string_at(line, at)?;
                found = Some((at..end, text));
                at = end;
            } else {
                at = skip_value(line, at)?;
            }
            at = skip_space(bytes, at);
            match bytes.get(at) {
                Some(b',') => at = skip_space(bytes, at + 1),
                Some(b'}') => {
                    at += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    (skip_space(bytes, at) == bytes.len()).then_some(())?;
    found
}

/// The JSON string at `text[at]` when it holds no escape, and the offset past it.
fn plain_string(text: &str, at: usize) -> Option<(&str, usize)> {
    let bytes = text.as_bytes();
    if bytes.get(at) != Some(&b'"') {
        return None;
    }
    let end = next_special(bytes, at + 1)?;
    (bytes[end] == b'"').then(|| (&text[at + 1..end], end + 1))
}

/// The offset past the JSON value at `text[at]`, checked by serde_json.
fn skip_value(text: &str, at: usize) -> Option<usize> {
    let mut values =
        serde_json::Deserializer::from_str(&text[at..]).into_iter::<serde::de::IgnoredAny>();
    values.next()?.ok()?;
    Some(at + values.byte_offset())
}

/// The offset of the first byte at or after `at` that is not JSON white space.
fn skip_space(bytes: &[u8], at: usize) -> usize {
    at + bytes[at.min(bytes.len())..]
        .iter()
        .take_while(|byte| matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random strings of the pieces that matter to JSON.
    fn texts() -> impl Iterator<Item = String> {
        let pieces = [
            "a",
            "\"",
            "\\",
            "\n",
            "\r",
            "\t",
            "\u{8}",
            "\u{c}",
            "\u{0}",
            "\u{1f}",
            "\u{7f}",
            "é",
            "😀",
            "/",
            " ",
            "long enough to fill a window ",
        ];
        let mut seed = 99u32;
        (0..150).map(move |len| {
            let mut text = String::new();
            for _ in 0..len {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                text.push_str(pieces[(seed >> 16) as usize % pieces.len()]);
            }
            text
        })
    }

    #[test]
    fn escaping_and_decoding_agree_with_serde_json() {
        for text in texts() {
            let mut out = b"\"".to_vec();
            escape_into(text.as_bytes(), &mut out);
            out.push(b'"');
            let json = String::from_utf8(out).unwrap();
            assert_eq!(json, serde_json::to_string(&text).unwrap(), "{text:?}");
            assert_eq!(string_at(&json, 0), Some((text.clone(), json.len())));
        }
        for raw in [
            r#""""#,
            r#""a\nb\r\t\b\f\/\\\"end" tail"#,
            r#""caf\u00e9 \u00E9 \ud83d\ude00 \u0000 x""#,
            r#""\\u0041 is not an escape""#,
        ] {
            let mut values = serde_json::Deserializer::from_str(raw).into_iter::<String>();
            let expected = values.next().unwrap().unwrap();
            assert_eq!(string_at(raw, 0), Some((expected, values.byte_offset())));
        }
    }

    #[test]
    fn what_serde_json_rejects_is_not_decoded() {
        for raw in [
            r#""no end"#,
            "\"a\u{1}b\"",
            r#""\x""#,
            r#""\u12""#,
            r#""\u+123""#,
            r#""\ud83d""#,
            r#""\ud83d\u0041""#,
            r#""\ude00""#,
            "x",
        ] {
            assert!(serde_json::from_str::<String>(raw).is_err(), "{raw}");
            assert_eq!(string_at(raw, 0), None, "{raw}");
        }
    }

    /// The general way, for comparison: serde_json's value of `key`, if a string.
    fn by_serde(line: &str, key: &str) -> Option<String> {
        let value: serde_json::Value = serde_json::from_str(line).ok()?;
        value.get(key)?.as_str().map(str::to_owned)
    }

    #[test]
    fn the_fast_way_agrees_with_serde_json_or_declines() {
        let members = [
            r#""text": "a\nb""#,
            r#""text": "x""#,
            r#""text": 5"#,
            r#""id": 1"#,
            r#""id": -1.5e3"#,
            r#""meta": {"text": "inner", "n": [1, {"a": null}]}"#,
            r#""list": ["text", true, false, null]"#,
            r#""te\u0078t": "escaped key""#,
            r#""url": "https:\/\/example.com""#,
            r#""bad": tru"#,
            r#""bad": 01"#,
            r#""bad": "a"#,
            r#""text": "ctl "#,
            r#""#,
            r#""text""#,
        ];
        let mut seed = 7u32;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (seed >> 16) as usize % n
        };
        let spaces = ["", " ", "\t", "\r", "\n "];
        let mut agreed = 0;
        for _ in 0..3000 {
            let count = next(4);
            let chosen: Vec<&str> = (0..count).map(|_| members[next(members.len())]).collect();
            let mut line = format!("{}{{", spaces[next(spaces.len())]);
            let separator = [",", ", ", " ,\n"][next(3)];
            line.push_str(&chosen.join(separator).replace(": ", [":", ": "][next(2)]));
            line.push('}');
            line.push_str(["", " ", "\r", "x", ","][next(5)]);
            let fast = top_level_string(&line, "text");
            if let Some((span, text)) = &fast {
                assert_eq!(Some(text.clone()), by_serde(&line, "text"), "{line}");
                assert_eq!(string_at(&line, span.start), Some((text.clone(), span.end)));
                agreed += 1;
            }
        }
        // The fast way must take the common lines, not decline everything.
        assert!(agreed > 100, "{agreed}");
    }
}
