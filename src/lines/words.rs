//! Word counting, one character at a time: a word is a run of non-space characters, and
//! each CJK ideograph or kana is a word of its own. This is the definition; a cleaner
//! counts the words of a whole document at once from its bit maps (see `maps`), which a
//! property test holds to this count.

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
    let mut count = 0;
    let mut in_word = false;
    let mut at = 0;
    while at < text.len() && count <= limit {
        let (c, len) = match text[at] {
            byte if byte.is_ascii() => (Some(char::from(byte)), 1),
            _ => decode(&text[at..]),
        };
        match c {
            Some(c) if is_space(c) => in_word = false,
            Some(c) if is_cjk(c) => {
                count += 1;
                in_word = false;
            }
            _ => {
                count += usize::from(!in_word);
                in_word = true;
            }
        }
        at += len;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

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
