//! The normal form of a line, and its 64-bit hash, as used by the `repeated` and
//! `frequent` detectors and by count tables.
//!
//! As CCNet does before hashing: trimmed, Unicode-lowercased, digits mapped to `0`,
//! punctuation and symbols removed, inner white space collapsed to one space. The hash is
//! xxh3-64 of the UTF-8 normal form. Bytes that are not valid UTF-8 are kept as they are.

use crate::lines;

/// Version of the normal form; count tables record it so that tables built with a
/// different normalisation are rejected instead of silently mis-read.
pub const NORMAL_FORM_VERSION: u32 = 1;

/// Writes the normal form of `text` into `out` (cleared first).
///
/// ASCII bytes are handled by table without decoding; other characters are decoded one
/// at a time.
pub fn normalize_into(text: &[u8], out: &mut Vec<u8>) {
    let written = write_normal_form(text, out);
    out.truncate(written);
}

/// Writes the normal form of `text` at the start of `buffer` and returns its length; the
/// buffer is grown as the writing needs, never shrunk, so that a buffer used for line
/// after line is not filled anew each time.
fn write_normal_form(text: &[u8], buffer: &mut Vec<u8>) -> usize {
    // The normal form is never longer than one and a half times the text: a character's
    // lower case takes at most three bytes for two (`İ`, `Ⱥ`; a test checks every
    // character), and a space is written only for white space before it, which wrote
    // nothing. So the bytes are written at an index into a buffer twice as long, without
    // `Vec::push` keeping the length in memory.
    let room = 2 * text.len() + 1;
    if buffer.len() < room {
        buffer.resize(room, 0);
    }
    let mut form = Form {
        buffer: buffer.as_mut_slice(),
        written: 0,
        pending_space: false,
    };
    let mut at = 0;
    while at < text.len() {
        let byte = text[at];
        if byte.is_ascii() {
            at += 1;
            match ASCII_NORMAL[usize::from(byte)] {
                DROPPED => {}
                SPACE => form.pending_space = true,
                normal => form.put(&[normal]),
            }
            continue;
        }
        let (c, len) = lines::decode(&text[at..]);
        match c.map(|c| (c, lines::class_of(c))) {
            Some((_, class)) if class.numeric() => form.put(b"0"),
            Some((c, class)) if class.alphanumeric() => class.each_lower(c, |lower| {
                form.put(lower.encode_utf8(&mut [0u8; 4]).as_bytes());
            }),
            Some((_, class)) if class.whitespace() => form.pending_space = true,
            Some(_) => {}
            None => form.put(&text[at..at + 1]),
        }
        at += len;
    }
    form.written
}

/// A normal form being written into a buffer long enough for it.
struct Form<'a> {
    buffer: &'a mut [u8],
    written: usize,
    /// White space came since the last piece written.
    pending_space: bool,
}

impl Form<'_> {
    /// Writes `bytes`, after one space if white space came before them and they are not
    /// the first: the space is written in any case and counted only when due.
    fn put(&mut self, bytes: &[u8]) {
        self.buffer[self.written] = b' ';
        self.written += usize::from(self.pending_space && self.written > 0);
        self.pending_space = false;
        self.buffer[self.written..self.written + bytes.len()].copy_from_slice(bytes);
        self.written += bytes.len();
    }
}

/// [`ASCII_NORMAL`] of a byte that the normal form drops (punctuation, symbols, controls).
const DROPPED: u8 = 0;
/// [`ASCII_NORMAL`] of white space.
const SPACE: u8 = 1;

/// What each ASCII byte becomes in the normal form: a letter its lower case, a digit
/// `0`, white space [`SPACE`] and anything else [`DROPPED`].
const ASCII_NORMAL: [u8; 128] = {
    let mut table = [DROPPED; 128];
    let mut byte = 0u8;
    while byte < 128 {
        table[byte as usize] = if byte.is_ascii_digit() {
            b'0'
        } else if byte.is_ascii_alphabetic() {
            byte.to_ascii_lowercase()
        } else if lines::is_ascii_space(byte) {
            SPACE
        } else {
            DROPPED
        };
        byte += 1;
    }
    table
};

/// The normal form of `text` as a new vector (convenience over [`normalize_into`]).
///
/// ```
/// assert_eq!(boilerstrip::normal::normalize(b"  Photo: AP, 2019!  "), b"photo ap 0000");
/// ```
pub fn normalize(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    normalize_into(text, &mut out);
    out
}

/// Hashes a line's normal form with xxh3-64, using `scratch` as the buffer (what it
/// holds afterwards is unspecified). White space around the line leaves no trace in the
/// normal form, so the line need not be trimmed.
///
/// Returns `None` when the normal form is empty (a line of only punctuation or white
/// space), since such lines carry nothing to compare.
pub fn line_hash(content: &[u8], scratch: &mut Vec<u8>) -> Option<u64> {
    line_key(content, None, scratch)
}

/// The key of a line for corpus counts: its [`line_hash`], or with a `site` (a host),
/// the hash of (site, normal form), so that counts per site stay apart.
pub fn line_key(content: &[u8], site: Option<&str>, scratch: &mut Vec<u8>) -> Option<u64> {
    let written = write_normal_form(content, scratch);
    let form = &scratch[..written];
    (!form.is_empty()).then(|| match site {
        None => xxhash_rust::xxh3::xxh3_64(form),
        Some(host) => {
            let seed = xxhash_rust::xxh3::xxh3_64(host.to_ascii_lowercase().as_bytes());
            xxhash_rust::xxh3::xxh3_64_with_seed(form, seed)
        }
    })
}

/// The host of a URL (`https://User@News.Example.com:8080/a?b` → `news.example.com`,
/// lowercased by [`line_key`]), or `None` when there is no `scheme://host`.
pub fn host_of(url: &str) -> Option<&str> {
    let rest = &url[url.find("://")? + 3..];
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => host_port.split(':').next()?,
    };
    (!host.is_empty()).then_some(host)
}

/// A hasher for maps keyed by line keys: the keys are xxh3 hashes already, so hashing
/// them again would only cost time.
pub(crate) type KeyHasher = std::hash::BuildHasherDefault<IdentityHasher>;

/// The [`std::hash::Hasher`] behind [`KeyHasher`]: passes a `u64` through unchanged.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct IdentityHasher(u64);

impl std::hash::Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only u64 keys are expected; fold anything else in rather than ignore it.
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    #[test]
    fn lowercases_maps_digits_drops_punctuation_collapses_spaces() {
        assert_eq!(normalize(b"  Hello,   World 42! "), b"hello world 00");
        assert_eq!(
            normalize("ÉTÉ\u{a0}2024 — Straße".as_bytes()),
            "été 0000 straße".as_bytes()
        );
        assert_eq!(normalize("«Ça va?»".as_bytes()), "ça va".as_bytes());
    }

    /// The normal form as its definition reads, character by character: what
    /// [`normalize_into`] must give.
    fn normalized_plainly(text: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut pending_space = false;
        let mut at = 0;
        while at < text.len() {
            let (c, len) = lines::decode(&text[at..]);
            let mut piece = Vec::new();
            match c {
                Some(c) if c.is_numeric() => piece.push(b'0'),
                Some(c) if c.is_alphanumeric() => {
                    piece.extend(c.to_lowercase().collect::<String>().bytes())
                }
                Some(c) if c.is_whitespace() => pending_space = true,
                Some(_) => {}
                None => piece.push(text[at]),
            }
            if !piece.is_empty() {
                if pending_space && !out.is_empty() {
                    out.push(b' ');
                }
                pending_space = false;
                out.extend(piece);
            }
            at += len;
        }
        out
    }

    #[test]
    fn every_character_normalises_as_defined_and_within_the_buffer() {
        // Three copies between spaces: the longest a character's normal form can make a
        // text, since each copy is preceded by white space.
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let text = format!(" {c} {c}{c}");
            let normal = normalize(text.as_bytes());
            assert_eq!(normal, normalized_plainly(text.as_bytes()), "{c:?}");
            assert!(2 * normal.len() <= 3 * text.len(), "{c:?}");
        }
    }

    proptest::proptest! {
        /// Any mix of ASCII, other scripts, white space and bytes that are not UTF-8
        /// normalises as the definition says.
        #[test]
        fn normal_form_is_the_plain_definition(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    " ", "  ", "\t", "A", "z", "Q9", "7", ",", "!", "İ", "Ⱥ", "ß", "东京",
                    "٣", "\u{a0}", "\u{3000}", "—", "É", "\u{1}", "\u{7f}",
                ]).prop_map(|s| s.as_bytes().to_vec())
                .boxed()
                .prop_union(proptest::collection::vec(0x80u8..=0xFF, 1..3).boxed()),
                0..24,
            )
        ) {
            let text = pieces.concat();
            proptest::prop_assert_eq!(normalize(&text), normalized_plainly(&text), "{:?}", text);
        }
    }

    #[test]
    fn punctuation_only_lines_normalise_to_nothing() {
        assert_eq!(normalize(b"* * * --- |"), b"");
        assert_eq!(line_hash(b"  ***  ", &mut Vec::new()), None);
    }

    #[test]
    fn invalid_utf8_is_kept_raw() {
        assert_eq!(normalize(b"A\xffB"), b"a\xffb");
    }

    #[test]
    fn site_keys_keep_sites_apart() {
        let mut scratch = Vec::new();
        let corpus = line_key(b"Menu", None, &mut scratch);
        let a = line_key(b"Menu", Some("a.com"), &mut scratch);
        assert_eq!(a, line_key(b" menu ", Some("A.COM"), &mut scratch));
        assert_ne!(a, line_key(b"Menu", Some("b.com"), &mut scratch));
        assert_ne!(a, corpus);
        assert_eq!(line_key(b"---", Some("a.com"), &mut scratch), None);
    }

    #[test]
    fn hosts_come_from_urls() {
        assert_eq!(
            host_of("https://User@News.Example.com:8080/a?b"),
            Some("News.Example.com")
        );
        assert_eq!(host_of("http://[::1]:80/x"), Some("::1"));
        assert_eq!(host_of("https://a.org"), Some("a.org"));
        assert_eq!(host_of("a.org/path"), None);
        assert_eq!(host_of("file:///etc"), None);
    }

    #[test]
    fn equal_normal_forms_hash_equal() {
        let mut scratch = Vec::new();
        let a = line_hash(b"  Read MORE:  ", &mut scratch);
        let b = line_hash(b"read more", &mut scratch);
        assert!(a.is_some());
        assert_eq!(a, b);
        // Whatever trimming removes (Unicode spaces, zero-width space, BOM) counts for
        // nothing.
        let spaced = "\u{feff}\u{a0}\t Read more \u{200b}\u{3000}\r";
        assert_eq!(line_hash(spaced.as_bytes(), &mut scratch), a);
        assert_ne!(a, line_hash(b"read less", &mut scratch));
    }
}
