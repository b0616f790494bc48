//! What one pass over a line's characters finds: the counts of letters, digits, punctuation,
//! capitals, stop words and cues that the line scorer's features are made of, and the
//! line-shape tests (list item, code) that the scorer's features and its protections share.

use crate::lines::decode;

/// Function words of the default pack's languages (en, de, fr, es, it, pt, nl, pl, ru,
/// tr, sv, da), lower case. A line of running text is full of them; a menu has none.
const STOPWORDS: &[&str] = &[
    // en
    "the", "and", "of", "to", "in", "is", "that", "it", "for", "was", "on", "are", "with", "as",
    "be", "at", "this", "by", "from", "have", "has", "but", "not", "or", "an", "they", "which",
    "he", "she", "we", "you", "his", "her", "their", "were", "been", "would", "will", "can", "had",
    "its", "who", "there", "about", "when", "more", "also", "than", "a", "i", // de
    "der", "die", "das", "und", "ist", "nicht", "sie", "ich", "es", "ein", "eine", "zu", "den",
    "mit", "sich", "auf", "dem", "des", "für", "im", "auch", "als", "wir", "von", "werden", "wird",
    "aber", "noch", "nach", "bei", "oder", "wie", "sind", "einen", "dass", // fr
    "le", "la", "les", "et", "des", "du", "un", "une", "est", "que", "qui", "dans", "pour", "pas",
    "sur", "au", "avec", "ce", "il", "elle", "sont", "par", "plus", "nous", "vous", "mais", "ou",
    "aux", "cette", // es, it, pt
    "el", "los", "las", "y", "en", "que", "del", "por", "con", "para", "una", "su", "se", "lo",
    "como", "más", "pero", "sus", "ha", "fue", "il", "di", "che", "è", "per", "non", "della",
    "sono", "gli", "da", "nel", "alla", "o", "e", "do", "da", "em", "não", "uma", "os", "no", "na",
    "com", "ao", "dos", "das", "é", // nl
    "het", "een", "van", "en", "niet", "op", "dat", "zijn", "voor", "met", "ook", "er", "maar",
    "om", "wordt", "naar", // pl
    "i", "w", "nie", "na", "się", "z", "do", "że", "to", "jest", "jak", "o", "co", "po", "ale",
    "od", "za", "tak", "są", "przez", "jego", // ru
    "и", "в", "не", "на", "что", "с", "он", "как", "это", "по", "но", "из", "у", "за", "о", "к",
    "от", "же", "так", "для", "она", "было", "они", // tr
    "ve", "bir", "bu", "da", "de", "için", "ile", "çok", "olarak", "daha", "gibi",
    // sv, da
    "och", "att", "som", "är", "av", "för", "på", "med", "det", "har", "til", "af", "er", "ikke",
    "jeg",
];

/// Words that mark comment threads and their time stamps (lower case).
const COMMENT_CUES: &[&str] = &[
    "reply",
    "replies",
    "says",
    "said:",
    "wrote",
    "comment",
    "comments",
    "ago",
    "posted",
    "antworten",
    "kommentar",
    "kommentare",
    "répondre",
    "commentaire",
    "commentaires",
    "responder",
    "comentario",
    "comentarios",
    "rispondi",
    "commento",
    "odpowiedz",
    "komentarz",
    "ответить",
    "am",
    "pm",
    "permalink",
    "quote",
    "like",
];

/// What one pass over a line's characters finds.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Shape {
    pub(super) chars: u32,
    pub(super) letters: u32,
    pub(super) digits: u32,
    pub(super) punct: u32,
    pub(super) upper: u32,
    pub(super) cjk: u32,
    pub(super) code_chars: u32,
    pub(super) separators: u32,
    pub(super) time_cue: u32,
    pub(super) words: u32,
    pub(super) stopwords: u32,
    pub(super) title_words: u32,
    pub(super) comment_cue: u32,
    pub(super) url_cue: u32,
    /// The line holds a code operator: ` = `, `::`, `->` or `();`.
    pub(super) code_operator: bool,
}

/// [`ASCII_CLASSES`] bits.
const LETTER: u8 = 1;
const UPPER: u8 = 2;
const DIGIT: u8 = 4;
const PUNCT: u8 = 8;
const CODE_CHAR: u8 = 16;
const SEPARATOR: u8 = 32;
/// The last byte of a code operator, or the first of a link cue (`@`, `http`, `www.`).
const CUE_END: u8 = 64;

/// What [`shape`] counts an ASCII character as, by its code: what `char`'s
/// `is_alphabetic`, `is_uppercase`, `is_numeric` and `is_ascii_punctuation` say of it,
/// and whether it is one of the code characters or separators.
const ASCII_CLASSES: [u8; 128] = {
    let mut classes = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        classes[b] = if c.is_ascii_uppercase() {
            LETTER | UPPER
        } else if c.is_ascii_lowercase() {
            LETTER
        } else if c.is_ascii_digit() {
            DIGIT
        } else if c.is_ascii_punctuation() {
            PUNCT
        } else {
            0
        };
        classes[b] |= match c {
            b'{' | b'}' | b';' | b'=' | b'(' | b')' | b'<' | b'[' | b']' | b'_' | b'$' | b'#' => {
                CODE_CHAR
            }
            b'|' | b'/' | b'>' => SEPARATOR,
            _ => 0,
        };
        if matches!(c, b' ' | b':' | b'>' | b';' | b'@' | b'h' | b'w') {
            classes[b] |= CUE_END;
        }
        b += 1;
    }
    classes
};

/// Looks at every character of a trimmed line once: ASCII characters by table, others
/// by their Unicode properties.
pub(super) fn shape(trimmed: &[u8], words: &WordSet) -> Shape {
    let mut s = Shape::default();
    // The word being read, lower case (empty between words).
    let mut word = WordKey::default();
    let finish_word = |s: &mut Shape, word: &WordKey| {
        s.words += 1;
        s.title_words += u32::from(word.upper_start);
        let found = words.get(word);
        s.stopwords += u32::from(found & STOPWORD != 0);
        s.comment_cue += u32::from(found & COMMENT_CUE != 0);
    };
    let mut at = 0;
    let mut prev_digit_colon = 0u8; // 1: digit seen, 2: digit then ':'
    // The two bytes before this one, when they were ASCII (else 0).
    let (mut before, mut last) = (0u8, 0u8);
    while at < trimmed.len() {
        let byte = trimmed[at];
        if byte < 0x80 {
            let class = ASCII_CLASSES[usize::from(byte)];
            s.chars += 1;
            s.letters += u32::from(class & LETTER != 0);
            s.upper += u32::from(class & UPPER != 0);
            s.digits += u32::from(class & DIGIT != 0);
            s.punct += u32::from(class & PUNCT != 0);
            s.code_chars += u32::from(class & CODE_CHAR != 0);
            s.separators += u32::from(class & SEPARATOR != 0);
            if class & DIGIT != 0 {
                s.time_cue += u32::from(prev_digit_colon == 2);
                prev_digit_colon = 1;
            } else if byte == b':' && prev_digit_colon == 1 {
                prev_digit_colon = 2;
            } else {
                prev_digit_colon = 0;
            }
            if class & CUE_END != 0 {
                match byte {
                    b' ' => s.code_operator |= last == b'=' && before == b' ',
                    b':' => s.code_operator |= last == b':',
                    b'>' => s.code_operator |= last == b'-',
                    b';' => s.code_operator |= last == b')' && before == b'(',
                    b'@' => s.url_cue = 1,
                    b'h' if trimmed[at..].starts_with(b"http") => s.url_cue = 1,
                    b'w' if trimmed[at..].starts_with(b"www.") => s.url_cue = 1,
                    _ => {}
                }
            }
            if class & (LETTER | DIGIT) != 0 {
                if word.len == 0 {
                    word.upper_start = class & UPPER != 0;
                }
                word.push(byte.to_ascii_lowercase());
            } else if word.len > 0 {
                // A word ending in ':' (`said:`) is looked up with it.
                if byte == b':' {
                    let mut with_colon = word;
                    with_colon.push(b':');
                    s.comment_cue += u32::from(words.get(&with_colon) & COMMENT_CUE != 0);
                }
                finish_word(&mut s, &word);
                word = WordKey::default();
            }
            (before, last) = (last, byte);
            at += 1;
            continue;
        }
        (before, last) = (0, 0);
        let (c, len) = decode(&trimmed[at..]);
        at += len;
        let Some(c) = c else {
            continue;
        };
        s.chars += 1;
        let alnum = c.is_alphanumeric();
        if c.is_alphabetic() {
            s.letters += 1;
            if c.is_uppercase() {
                s.upper += 1;
            }
            if crate::lines::is_cjk(c) {
                s.cjk += 1;
            }
        } else if c.is_numeric() {
            s.digits += 1;
        } else if !c.is_whitespace() {
            s.punct += 1;
        }
        if matches!(c, '»' | '·' | '•' | '›') {
            s.separators += 1;
        }
        prev_digit_colon = 0;
        if alnum && !crate::lines::is_cjk(c) {
            if word.len == 0 {
                word.upper_start = c.is_uppercase();
            }
            for lower in c.to_lowercase() {
                let mut buf = [0u8; 4];
                lower
                    .encode_utf8(&mut buf)
                    .bytes()
                    .for_each(|b| word.push(b));
            }
        } else if word.len > 0 {
            finish_word(&mut s, &word);
            word = WordKey::default();
        }
    }
    if word.len > 0 {
        finish_word(&mut s, &word);
    }
    s
}

/// A word being read: its first 16 bytes packed as a [`WordSet`] key (zero-padded: a
/// word holds no NUL byte), its length, and whether it starts with a capital.
#[derive(Debug, Default, Clone, Copy)]
struct WordKey {
    key: u128,
    len: usize,
    upper_start: bool,
}

impl WordKey {
    /// The key of `word`.
    fn of(word: &[u8]) -> WordKey {
        let mut key = WordKey::default();
        word.iter().for_each(|&b| key.push(b));
        key
    }

    /// Appends a byte (no NUL: words are made of letters and digits).
    fn push(&mut self, byte: u8) {
        if self.len < 16 {
            self.key |= u128::from(byte) << (8 * self.len);
        }
        self.len += 1;
    }
}

/// [`WordSet::get`] flag: a word of [`STOPWORDS`].
const STOPWORD: u8 = 1;
/// [`WordSet::get`] flag: a word of [`COMMENT_CUES`].
const COMMENT_CUE: u8 = 2;

/// The stop words and the comment cues in one table, looked up by bytes: an open-addressed
/// table of the words (at most 16 bytes) packed into `u128` keys (zero-padded: a word
/// holds no NUL byte), with a byte of flags each, so that a lookup is one multiply and a
/// probe or two.
#[derive(Debug)]
pub(super) struct WordSet {
    keys: Vec<u128>,
    flags: Vec<u8>,
}

impl WordSet {
    const BITS: u32 = 10;
    const SLOTS: usize = 1 << Self::BITS;

    fn new(sets: &[(&'static [&'static str], u8)]) -> Self {
        let mut set = WordSet {
            keys: vec![0; Self::SLOTS],
            flags: vec![0; Self::SLOTS],
        };
        for &(words, flag) in sets {
            for word in words {
                let word = WordKey::of(word.as_bytes());
                assert!((1..=16).contains(&word.len), "set words are 1 to 16 bytes");
                let key = word.key;
                let mut at = Self::slot(key);
                while set.keys[at] != 0 && set.keys[at] != key {
                    at = (at + 1) % Self::SLOTS;
                }
                set.keys[at] = key;
                set.flags[at] |= flag;
            }
        }
        set
    }

    fn slot(key: u128) -> usize {
        let mixed = ((key as u64) ^ ((key >> 64) as u64).rotate_left(29))
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (mixed >> (64 - Self::BITS)) as usize
    }

    /// The flags of the word read into `word` (0 when it is in no set, or longer than
    /// 16 bytes).
    #[inline]
    fn get(&self, word: &WordKey) -> u8 {
        if word.len == 0 || word.len > 16 {
            return 0;
        }
        let key = word.key;
        let mut at = Self::slot(key);
        loop {
            match self.keys[at] {
                0 => return 0,
                k if k == key => return self.flags[at],
                _ => at = (at + 1) % Self::SLOTS,
            }
        }
    }
}

/// The word table, built once.
pub(super) fn word_set() -> &'static WordSet {
    static SET: std::sync::OnceLock<WordSet> = std::sync::OnceLock::new();
    SET.get_or_init(|| WordSet::new(&[(STOPWORDS, STOPWORD), (COMMENT_CUES, COMMENT_CUE)]))
}

/// True if `needle` (2 to 4 bytes) occurs in `haystack`: a scan from each occurrence of
/// its first byte, cheaper on a short line than building a searcher.
pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memchr_iter(needle[0], haystack).any(|at| haystack[at..].starts_with(needle))
}

/// True if a trimmed line starts like a list item: a bullet sign, a dash, or a number
/// followed by `.` or `)`.
pub(crate) fn bullet_start(trimmed: &[u8]) -> bool {
    const BULLETS: [&str; 9] = ["•", "·", "▪", "►", "* ", "- ", "– ", "» ", "○"];
    if BULLETS.iter().any(|b| trimmed.starts_with(b.as_bytes())) {
        return true;
    }
    let digits = trimmed.iter().take_while(|b| b.is_ascii_digit()).count();
    (1..=3).contains(&digits) && matches!(trimmed.get(digits), Some(b'.') | Some(b')'))
}

/// True if a trimmed line is shaped like code: it ends in `;`, `{`, `}` or `)`, starts
/// with a shell prompt, or holds an assignment or a path operator.
pub(crate) fn code_shape(trimmed: &[u8]) -> bool {
    let operator = [&b" = "[..], b"::", b"->", b"();"]
        .iter()
        .any(|op| contains(trimmed, op));
    code_shape_with(trimmed, operator)
}

/// [`code_shape`] of a line of which it is known whether it holds an operator (`=`
/// between spaces, `::`, `->` or `();`).
pub(super) fn code_shape_with(trimmed: &[u8], operator: bool) -> bool {
    let last = trimmed.last().copied().unwrap_or(b' ');
    matches!(last, b';' | b'{' | b'}')
        || trimmed.starts_with(b"$ ")
        || trimmed.starts_with(b"# ") && trimmed.len() > 2 && !trimmed[2].is_ascii_uppercase()
        || trimmed.starts_with(b">>> ")
        || operator
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape_of(text: &str) -> Shape {
        shape(text.as_bytes(), word_set())
    }

    #[test]
    fn ascii_and_other_characters_are_counted_alike() {
        let s = shape_of("Der Bär sagt: „Tschüß“ um 12:30 {x}");
        assert_eq!(s.chars, 35);
        assert_eq!(s.letters, 19, "ä, ü and ß are letters");
        assert_eq!(s.upper, 3);
        assert_eq!(s.digits, 4);
        assert_eq!(s.punct, 6, "`:` twice, the two quotes and the braces");
        assert_eq!(s.code_chars, 2);
        assert_eq!(s.time_cue, 1);
        assert_eq!(s.words, 8, "12 and 30 are two words");
        assert_eq!(s.title_words, 3);
        assert_eq!(s.stopwords, 1, "der");
        let s = shape_of("東京 › Home | Wörld · 3 replies");
        assert_eq!(s.cjk, 2);
        assert_eq!(s.separators, 3, "› and | and ·");
        assert_eq!(s.comment_cue, 1, "replies");
        assert_eq!(
            shape_of("Erik said: yes").comment_cue,
            1,
            "said: with its colon"
        );
    }

    #[test]
    fn operators_and_links_are_found_only_in_one_piece() {
        for (text, operator, url) in [
            ("let x = y", true, false),
            ("std::io", true, false),
            ("a -> b", true, false),
            ("run();", true, false),
            ("a =b", false, false),
            ("a -é> b", false, false),
            ("é::é", true, false),
            ("see https://example.org", false, true),
            ("write to me@example.org", false, true),
            ("Ünter www.example.org", false, true),
            ("wwwé.example", false, false),
            ("htt p", false, false),
        ] {
            let s = shape_of(text);
            assert_eq!(s.code_operator, operator, "{text:?}");
            assert_eq!(s.url_cue == 1, url, "{text:?}");
        }
    }

    /// What [`shape`] should find in `text`, worked out the plain way: character by
    /// character, words split off first and looked up as strings.
    fn counted_plainly(text: &str) -> Shape {
        let mut s = Shape::default();
        let chars: Vec<char> = text.chars().collect();
        for (k, &c) in chars.iter().enumerate() {
            s.chars += 1;
            if c.is_alphabetic() {
                s.letters += 1;
                s.upper += u32::from(c.is_uppercase());
                s.cjk += u32::from(crate::lines::is_cjk(c));
            } else if c.is_numeric() {
                s.digits += 1;
            } else if !c.is_whitespace() && (!c.is_ascii() || c.is_ascii_punctuation()) {
                s.punct += 1;
            }
            s.code_chars += u32::from("{};=()<[]_$#".contains(c));
            s.separators += u32::from("|/>»·•›".contains(c));
            let digit = |at: Option<usize>| {
                at.and_then(|at| chars.get(at))
                    .is_some_and(char::is_ascii_digit)
            };
            s.time_cue += u32::from(c == ':' && digit(k.checked_sub(1)) && digit(Some(k + 1)));
        }
        let in_word = |c: char| {
            c.is_ascii_alphanumeric()
                || !c.is_ascii() && c.is_alphanumeric() && !crate::lines::is_cjk(c)
        };
        let mut rest = text;
        while let Some(start) = rest.find(in_word) {
            let word_len = rest[start..]
                .find(|c| !in_word(c))
                .unwrap_or(rest.len() - start);
            let word = &rest[start..start + word_len];
            let after = &rest[start + word_len..];
            s.words += 1;
            s.title_words += u32::from(word.chars().next().is_some_and(char::is_uppercase));
            let lower = word.to_lowercase();
            s.stopwords += u32::from(lower.len() <= 16 && STOPWORDS.contains(&lower.as_str()));
            s.comment_cue += u32::from(lower.len() <= 16 && COMMENT_CUES.contains(&lower.as_str()));
            let with_colon = format!("{lower}:");
            s.comment_cue += u32::from(
                after.starts_with(':')
                    && with_colon.len() <= 16
                    && COMMENT_CUES.contains(&with_colon.as_str()),
            );
            rest = after;
        }
        s
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// The one pass counts what counting character by character and word by word
        /// counts.
        #[test]
        fn one_pass_counts_what_plain_counting_counts(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    " ", "the", "The", "DER", "und", "für", "Für", "said", ":", "reply", "12",
                    "3", "x", "Q", "Ünter", "straße", "東京", "»", "|", "/", "{", ";", "é", "-",
                    ".", "\t", "\u{1}", "abcdefghijklmnopq", "ÉÉÉÉÉÉÉÉ", "İ", "ǅ", "①", "٣",
                ]),
                0..24,
            )
        ) {
            let text = pieces.concat();
            let s = shape(text.as_bytes(), word_set());
            let plain = counted_plainly(&text);
            let counts = |s: &Shape| [
                s.chars, s.letters, s.digits, s.punct, s.upper, s.cjk, s.code_chars,
                s.separators, s.time_cue, s.words, s.stopwords, s.title_words, s.comment_cue,
            ];
            proptest::prop_assert_eq!(counts(&s), counts(&plain), "{:?}", text);
        }


        /// The one pass finds the operators and link cues that searching the whole line
        /// finds, whatever characters surround them.
        #[test]
        fn one_pass_agrees_with_searching(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    " ", "=", ":", "-", ">", "(", ")", ";", "h", "ttp", "www", ".", "@",
                    "é", "東", "x", "\u{fffd}",
                ]),
                0..24,
            )
        ) {
            let text = pieces.concat();
            let bytes = text.as_bytes();
            let s = shape(bytes, word_set());
            let operator = [&b" = "[..], b"::", b"->", b"();"]
                .iter()
                .any(|op| contains(bytes, op));
            let url = contains(bytes, b"http") || contains(bytes, b"www.") || bytes.contains(&b'@');
            proptest::prop_assert_eq!(s.code_operator, operator, "{:?}", text);
            proptest::prop_assert_eq!(s.url_cue == 1, url, "{:?}", text);
            proptest::prop_assert_eq!(code_shape_with(bytes, s.code_operator), code_shape(bytes));
        }
    }
}
