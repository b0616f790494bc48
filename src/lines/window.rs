//! Up to 32 bytes of text classified at once (the `wide` crate's portable vectors): which
//! are line breaks, which are not ASCII white space, and which start a character that
//! must be decoded to be told apart.

use wide::u8x32;

use crate::simd;

/// Bytes classified per step.
pub(super) const WINDOW: usize = simd::WIDTH;

/// Bit masks of up to [`WINDOW`] bytes of text (bit `i` for byte `i`).
pub(super) struct Window {
    /// Line feeds.
    pub(super) newlines: u32,
    /// Bytes that are not ASCII white space (bytes of multi-byte characters included).
    pub(super) word_bytes: u32,
    /// Lead bytes of the characters that must be decoded: white space beyond ASCII
    /// (U+0085, U+00A0, U+1680, U+2000–U+205F, U+3000, U+FEFF) and CJK (U+3040–U+9FFF,
    /// U+F900–U+FAFF, U+20000–U+2FFFF). They also start other characters (`©`, curly
    /// quotes), which are decoded and found to be word characters.
    pub(super) to_decode: u32,
}

impl Window {
    /// The masks of `bytes` (at most [`WINDOW`] of them; missing bytes count as spaces).
    pub(super) fn of(bytes: &[u8]) -> Window {
        let v = simd::load(bytes);
        let splat = u8x32::splat;
        let space = v.simd_eq(splat(b' ')) | simd::within(v, b'\t', b'\r');
        // The high bit of every non-ASCII byte: most windows have none.
        let to_decode = if v.to_bitmask() == 0 {
            0
        } else {
            (v.simd_eq(splat(0xC2))
                | simd::within(v, 0xE1, 0xE9)
                | v.simd_eq(splat(0xEF))
                | v.simd_eq(splat(0xF0)))
            .to_bitmask()
        };
        Window {
            newlines: v.simd_eq(splat(b'\n')).to_bitmask(),
            word_bytes: !space.to_bitmask(),
            to_decode,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{decode, is_ascii_space, is_space, words::is_cjk};
    use super::*;

    /// The lead bytes [`Window::to_decode`] marks, one at a time.
    fn needs_decoding(byte: u8) -> bool {
        matches!(byte, 0xC2 | 0xE1..=0xE9 | 0xEF | 0xF0)
    }

    #[test]
    fn windows_mark_the_bytes_one_at_a_time_would() {
        for byte in 0..=u8::MAX {
            let window = Window::of(&[byte]);
            assert_eq!(window.newlines & 1 == 1, byte == b'\n', "{byte:#x}");
            assert_eq!(
                window.word_bytes & 1 == 1,
                !is_ascii_space(byte),
                "{byte:#x}"
            );
            assert_eq!(window.to_decode & 1 == 1, needs_decoding(byte), "{byte:#x}");
        }
        // Every position of a full window, and padding past a short one.
        let mut text = b"a b\n\xc2\xa0".to_vec();
        text.resize(30, b' ');
        text.extend_from_slice(b"x\t");
        let window = Window::of(&text);
        assert_eq!(window.newlines, 1 << 3);
        assert_eq!(window.to_decode, 1 << 4);
        assert_eq!(window.word_bytes, 1 | 1 << 2 | 1 << 4 | 1 << 5 | 1 << 30);
        assert_eq!(Window::of(b"ab").word_bytes, 0b11);
    }

    #[test]
    fn every_space_and_cjk_character_starts_with_a_byte_to_decode() {
        for c in (0x80..=0x2FFFF).filter_map(char::from_u32) {
            if is_space(c) || is_cjk(c) {
                let mut buf = [0; 4];
                let lead = c.encode_utf8(&mut buf).as_bytes()[0];
                assert!(needs_decoding(lead), "{c:?}");
                assert_eq!(decode(buf.as_slice()).0, Some(c));
            }
        }
    }
}
