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
        self.point += self.text[self.byte..byte]
            .iter()
            .filter(|&&b| (b as i8) >= -0x40)
            .count();
        self.byte = byte;
        self.point
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
