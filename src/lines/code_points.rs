//! Byte offsets into UTF-8 text as code point offsets: the unit of Python `str`
//! indexes and of dolma's attribute spans.

/// Turns byte offsets into `text`, asked in ascending order, into code point offsets:
/// each call counts only the bytes since the last one asked. A byte that does not
/// continue a UTF-8 sequence starts a code point, so at a character boundary of valid
/// UTF-8 the count is exactly what decoding would give (removals are whole lines, so
/// their offsets are always at one).
///
/// ```
/// use boilerstrip::lines::CodePoints;
/// let text = "aé\n€b\n".as_bytes();
/// let mut points = CodePoints::new(text);
/// assert_eq!(points.at(0), 0);
/// assert_eq!(points.at(4), 3);
/// assert_eq!(points.at(text.len()), 6);
/// ```
#[derive(Debug, Clone)]
pub struct CodePoints<'a> {
    text: &'a [u8],
    byte: usize,
    point: usize,
}

impl<'a> CodePoints<'a> {
    /// A converter for `text`, starting at offset 0.
    pub fn new(text: &'a [u8]) -> Self {
        CodePoints {
            text,
            byte: 0,
            point: 0,
        }
    }

    /// The code point offset of byte offset `byte`, which must not be before the last
    /// one asked.
    pub fn at(&mut self, byte: usize) -> usize {
        debug_assert!(byte >= self.byte, "offsets ascend");
        self.point += count_points(&self.text[self.byte..byte]);
        self.byte = byte;
        self.point
    }
}

/// The bytes of `bytes` that start a code point (those that are not `0b10xx_xxxx`).
/// Counted 64 bytes at a time into a byte-wide sum, so the compiler can count a whole
/// vector register per step instead of widening every byte to a `usize`.
fn count_points(bytes: &[u8]) -> usize {
    let starts = |b: &u8| (*b as i8) >= -0x40;
    let mut chunks = bytes.chunks_exact(64);
    let mut total = 0;
    for chunk in &mut chunks {
        total += chunk.iter().map(|b| u8::from(starts(b))).sum::<u8>() as usize;
    }
    total + chunks.remainder().iter().filter(|b| starts(b)).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_like_decoding_across_chunk_edges() {
        let text = "aé€😀b".repeat(40);
        for end in text.char_indices().map(|(i, _)| i).chain([text.len()]) {
            assert_eq!(
                count_points(&text.as_bytes()[..end]),
                text[..end].chars().count()
            );
        }
    }

    #[test]
    fn counts_what_decoding_counts_at_every_boundary() {
        let text = "日本 😀\nAd\nÉté\r\n\u{200b}x";
        let mut points = CodePoints::new(text.as_bytes());
        for (point, (byte, _)) in text.char_indices().enumerate() {
            assert_eq!(points.at(byte), point, "byte {byte}");
        }
        assert_eq!(points.at(text.len()), text.chars().count());
    }
}
