//! Word counting, for `max_words` guards and the detectors: a word is a run of non-space
//! characters, and each CJK ideograph or kana is a word of its own.
//!
//! Text is read a window of 32 bytes at a time (see [`Window`]): the bit mask of the
//! bytes that are not ASCII white space, shifted against itself, gives the window's word
//! starts. Bytes of multi-byte characters count as word bytes there, which is right for
//! every character but white space (NBSP, U+2000…) and CJK. Those start with one of a
//! few lead bytes (`C2`, `E1`–`E9`, `EF`, `F0`): such a character, and any run of
//! non-ASCII bytes after it, is decoded character by character before the next window.
//! (A cleaner counts the words of a whole document at once, from its bit maps.)

use super::window::{WINDOW, Window};
use super::{decode, is_space};

/// True for characters that form a word on their own: CJK ideographs and kana, which
/// are written without spaces between words.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FFFF}')
}

/// Counts the words of `text`: exactly up to `limit`, and some number above `limit` for
/// longer text (counting stops soon after the limit is passed).
///
/// A word is a run of non-space characters; each CJK ideograph or kana counts as a word
/// of its own, so `max_words` guards work for Chinese and Japanese too. Bytes that are
/// not valid UTF-8 count as word characters.
///
/// ```
/// use boilerstrip::lines::word_count;
/// assert_eq!(word_count(b"one two  three", 10), 3);
/// assert_eq!(word_count("東京 tower".as_bytes(), 10), 3);
/// ```
pub fn word_count(text: &[u8], limit: usize) -> usize {
    let mut counter = Counter::default();
    let mut at = 0;
    while at < text.len() && counter.count <= limit {
        let window_end = (at + WINDOW).min(text.len());
        let window = Window::of(&text[at..window_end]);
        // The bytes before the first character to decode.
        let plain = (window.to_decode.trailing_zeros() as usize).min(window_end - at);
        counter.add_plain(window.word_bytes, plain);
        at += plain;
        if at < window_end {
            // A character to decode, and the run of non-ASCII bytes after it.
            at += counter.add_char(&text[at..]);
            while text.get(at).is_some_and(|byte| !byte.is_ascii()) {
                at += counter.add_char(&text[at..]);
            }
        }
    }
    counter.count
}

/// A running word count.
#[derive(Default)]
struct Counter {
    count: usize,
    /// Whether the last byte counted was inside a word.
    in_word: bool,
}

impl Counter {
    /// Counts the words starting in the first `len` bytes of a window with `word_bytes`.
    fn add_plain(&mut self, word_bytes: u32, len: usize) {
        if len == 0 {
            return;
        }
        let words = word_bytes & (u32::MAX >> (WINDOW - len));
        let starts = words & !((words << 1) | u32::from(self.in_word));
        self.count += starts.count_ones() as usize;
        self.in_word = words >> (len - 1) & 1 == 1;
    }

    /// Counts the character at the start of `bytes` (non-empty); returns its length.
    fn add_char(&mut self, bytes: &[u8]) -> usize {
        let lead = bytes[0];
        let (c, len) = if lead.is_ascii() {
            (Some(char::from(lead)), 1)
        } else {
            decode(bytes)
        };
        match c {
            Some(c) if is_space(c) => self.in_word = false,
            Some(c) if is_cjk(c) => {
                self.count += 1;
                self.in_word = false;
            }
            _ => {
                self.count += usize::from(!self.in_word);
                self.in_word = true;
            }
        }
        len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Character by character, as the windows must count.
    fn naive(text: &[u8]) -> usize {
        let mut counter = Counter::default();
        let mut at = 0;
        while at < text.len() {
            at += counter.add_char(&text[at..]);
        }
        counter.count
    }

    #[test]
    fn windows_count_like_characters_one_by_one() {
        let alphabet: [&str; 16] = [
            "a",
            " ",
            "\t",
            "\n",
            "\x0b",
            "\x0c",
            "\r",
            "\x08",
            "~",
            "é",
            "\u{a0}",
            "\u{2003}",
            "’",
            "東",
            "\u{3000}",
            "\u{20001}",
        ];
        let mut seed = 12345u32;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (seed >> 16) as usize % n
        };
        for len in 0..100 {
            for _ in 0..50 {
                let mut text: Vec<u8> = Vec::new();
                for _ in 0..len {
                    text.extend_from_slice(alphabet[next(alphabet.len())].as_bytes());
                }
                // Broken sequences too: cut a byte off somewhere.
                if len % 3 == 1 && !text.is_empty() {
                    let cut = next(text.len());
                    text.remove(cut);
                }
                assert_eq!(word_count(&text, usize::MAX), naive(&text), "{text:?}");
            }
        }
    }

    #[test]
    fn counts_words_with_cjk_and_limit() {
        assert_eq!(word_count(b"one two  three", 10), 3);
        assert_eq!(word_count("東京 tower".as_bytes(), 10), 3);
        assert!(word_count(b"a b c d e f", 2) > 2);
        assert_eq!(word_count(b"", 5), 0);
        assert_eq!(word_count(b"x\xffy z", 5), 2);
        assert_eq!(word_count("a\u{a0}b".as_bytes(), 5), 2);
        assert_eq!(word_count(b"a\x0bb\x0cc", 5), 3);
        assert!(word_count("日本語".as_bytes(), 1) > 1);
        assert_eq!(word_count(b"\xe6\x97", 5), 1);
        assert_eq!(word_count("a\u{feff}b\u{200b}c".as_bytes(), 5), 3);
    }
}
