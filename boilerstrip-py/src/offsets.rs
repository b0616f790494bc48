//! Byte offsets into UTF-8 text as code point offsets (Python `str` indexes).

/// Turns ascending byte offsets into `text` into code point offsets, in one pass over
/// the bytes between them. An offset is always at a character boundary (removals are
/// whole lines), so counting the bytes that start a character is exact.
pub struct CodePoints<'a> {
    text: &'a [u8],
    byte: usize,
    chars: usize,
}

impl<'a> CodePoints<'a> {
    /// A converter for `text`, starting at offset 0.
    pub fn new(text: &'a [u8]) -> CodePoints<'a> {
        CodePoints {
            text,
            byte: 0,
            chars: 0,
        }
    }

    /// The code point offset of byte offset `to`; offsets must come in ascending order.
    pub fn at(&mut self, to: usize) -> usize {
        debug_assert!(to >= self.byte, "offsets ascend");
        self.chars += self.text[self.byte..to]
            .iter()
            .filter(|&&b| (b as i8) >= -0x40)
            .count();
        self.byte = to;
        self.chars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        let text = "aé\n€b\n".as_bytes();
        let mut points = CodePoints::new(text);
        assert_eq!(points.at(0), 0);
        assert_eq!(points.at(4), 3);
        assert_eq!(points.at(text.len()), 6);
    }
}
