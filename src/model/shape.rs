//! What one pass over a line's characters finds: the counts of letters, digits, punctuation,
//! capitals, stop words and cues that the line scorer's features are made of, and the
//! line-shape tests (list item, code) that the scorer's features and its protections share.

use wide::u8x32;

use crate::lines::decode;
use crate::simd;

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

/// The class bits of an ASCII character in [`ASCII`].
const LETTER: u8 = 1;
const UPPER: u8 = 2;
const DIGIT: u8 = 4;
/// A byte of [`CUE_BYTES`].
const CUE: u8 = 8;

/// The bytes that may complete a code operator or a time, or start a link cue: `=`, `:`,
/// `>`, `;`, `@`, `h` (`http`) and `w` (`www.`).
const CUE_BYTES: &[u8] = b"=:>;@hw";
/// The characters that make code dense (counted by [`Shape::code_chars`]).
const CODE_CHARS: &[u8] = b"{};=()<[]_$#";
/// The ASCII characters that separate menu entries and breadcrumbs (with `»`, `·`, `•`
/// and `›`, counted by [`Shape::separators`]).
const SEPARATORS: &[u8] = b"|/>";

/// True if `set` holds `byte` (for the tables built at compile time).
const fn holds(set: &[u8], byte: u8) -> bool {
    let mut k = 0;
    while k < set.len() {
        if set[k] == byte {
            return true;
        }
        k += 1;
    }
    false
}

/// What [`shape`] needs to know of an ASCII character, one byte lane each of a `u64`
/// (lane `k` is bits `8k..8k + 8`). Lanes 0 to 6 are the counts it adds to, so that one
/// addition counts a character: characters, letters, capitals, digits, punctuation (what
/// `is_ascii_punctuation` says), code characters and separators; a lane holds at most
/// 255, and [`Reader::characters`] empties them into the [`Shape`] after each window of at
/// most [`simd::WIDTH`] bytes. Lane 7 is its class: [`LETTER`], [`UPPER`], [`DIGIT`] and
/// [`CUE`] bits (its sums are never read).
const ASCII: [u64; 128] = {
    let mut table = [0u64; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        let mut class = if c.is_ascii_uppercase() {
            LETTER | UPPER
        } else if c.is_ascii_lowercase() {
            LETTER
        } else if c.is_ascii_digit() {
            DIGIT
        } else {
            0
        };
        if holds(CUE_BYTES, c) {
            class |= CUE;
        }
        table[b] = 1
            | ((class & LETTER != 0) as u64) << 8
            | ((class & UPPER != 0) as u64) << 16
            | ((class & DIGIT != 0) as u64) << 24
            | (c.is_ascii_punctuation() as u64) << 32
            | (holds(CODE_CHARS, c) as u64) << 40
            | (holds(SEPARATORS, c) as u64) << 48
            | (class as u64) << 56;
        b += 1;
    }
    table
};

impl Shape {
    /// Adds the count lanes of [`ASCII`] sums.
    fn add_lanes(&mut self, lanes: u64) {
        let lane = |k: u32| ((lanes >> (8 * k)) & 0xff) as u32;
        self.chars += lane(0);
        self.letters += lane(1);
        self.upper += lane(2);
        self.digits += lane(3);
        self.punct += lane(4);
        self.code_chars += lane(5);
        self.separators += lane(6);
    }
}

/// Looks at every character of a trimmed line once: a window of ASCII bytes all at once
/// (most windows are, or open with a long run of them before a character that is not
/// ASCII), other bytes character by character, ASCII characters by table and others by
/// their Unicode properties.
pub(super) fn shape(trimmed: &[u8], words: &WordSet) -> Shape {
    let mut reader = Reader {
        line: trimmed,
        words,
        shape: Shape::default(),
        word: WordKey::default(),
        ascii_from: None,
    };
    let mut at = 0;
    while at < trimmed.len() {
        let end = trimmed.len().min(at + simd::WIDTH);
        let window = simd::load(&trimmed[at..end]);
        // The ASCII bytes the window opens with.
        let ascii = (window.to_bitmask().trailing_zeros() as usize).min(end - at);
        if ascii == end - at || ascii >= ASCII_RUN {
            reader.ascii_window(at, window, ascii);
            at += ascii;
        } else {
            // Character by character to the first that is not ASCII, and that one.
            at = reader.characters(at, at + ascii + 1);
        }
    }
    reader.end_word(trimmed.len());
    reader.shape
}

/// [`shape`] reads this many ASCII bytes or more before a character that is not ASCII
/// as a window, fewer one by one with the character.
const ASCII_RUN: usize = 8;

/// The state of [`shape`]'s pass over a line: the counts so far and the word being read.
struct Reader<'a> {
    line: &'a [u8],
    words: &'a WordSet,
    shape: Shape,
    /// The word being read, in lower case, as far as it is in the key.
    word: WordKey,
    /// Where the word's ASCII bytes that are not yet in `word` start, if it has any.
    ascii_from: Option<usize>,
}

impl Reader<'_> {
    /// Counts the first `n` bytes of `window`, which are ASCII and start at `at`, and
    /// reads the words in them.
    fn ascii_window(&mut self, at: usize, window: u8x32, n: usize) {
        let splat = u8x32::splat;
        let valid = u32::MAX >> (simd::WIDTH - n);
        let within = |low: u8, high: u8| simd::within(window, low, high).to_bitmask() & valid;
        let any_of = |bytes: &[u8]| {
            bytes
                .iter()
                .fold(splat(0), |found, &b| found | window.simd_eq(splat(b)))
                .to_bitmask()
                & valid
        };
        let upper = within(b'A', b'Z');
        let letters = upper | within(b'a', b'z');
        let alnum = letters | within(b'0', b'9');
        let s = &mut self.shape;
        s.chars += n as u32;
        s.letters += letters.count_ones();
        s.upper += upper.count_ones();
        s.digits += (alnum & !letters).count_ones();
        s.punct += (within(0x21, 0x7E) & !alnum).count_ones();
        s.code_chars += any_of(CODE_CHARS).count_ones();
        s.separators += any_of(SEPARATORS).count_ones();
        let mut cues = any_of(CUE_BYTES);
        while cues != 0 {
            cue(s, self.line, at + cues.trailing_zeros() as usize);
            cues &= cues - 1;
        }

        // Words: a letter or digit after anything else starts one, anything else after a
        // letter or digit ends one.
        let before = (alnum << 1) | u32::from(self.in_word());
        let mut starts = alnum & !before & valid;
        let mut ends = !alnum & before & valid;
        if self.in_word() {
            // The window opens inside a word begun before: its ASCII bytes start here,
            // and it ends at the first end, if the window holds one.
            if alnum & 1 != 0 {
                self.word_byte(at, upper & 1 != 0);
            }
            if ends != 0 {
                self.end_word(at + ends.trailing_zeros() as usize);
                ends &= ends - 1;
            }
        }
        // Each start now pairs with the next end: a word that ends in the window is
        // counted at once; one that runs to its end goes on in the next.
        while starts != 0 {
            let start = starts.trailing_zeros();
            starts &= starts - 1;
            if ends == 0 {
                self.word_byte(at + start as usize, upper >> start & 1 != 0);
                break;
            }
            let end = at + ends.trailing_zeros() as usize;
            ends &= ends - 1;
            let from = at + start as usize;
            let mut word = WordKey {
                upper_start: upper >> start & 1 != 0,
                ..WordKey::default()
            };
            word.push_ascii(self.line, from, end);
            self.count_word(&word, end);
        }
    }

    /// Reads the characters from `at` until `end` (or just past it, to finish the last
    /// character); returns where it stopped.
    fn characters(&mut self, mut at: usize, end: usize) -> usize {
        let mut lanes = 0u64;
        while at < end {
            let byte = self.line[at];
            if byte >= 0x80 {
                self.take_ascii(at);
                // A byte that is not UTF-8 is skipped: it neither counts nor ends a word.
                let (c, len) = decode(&self.line[at..]);
                if let Some(c) = c {
                    self.other_character(at, c);
                }
                at += len;
                continue;
            }
            let entry = ASCII[usize::from(byte)];
            lanes = lanes.wrapping_add(entry);
            let class = (entry >> 56) as u8;
            if class & CUE != 0 {
                cue(&mut self.shape, self.line, at);
            }
            if class & (LETTER | DIGIT) != 0 {
                self.word_byte(at, class & UPPER != 0);
            } else {
                self.end_word(at);
            }
            at += 1;
        }
        // At most WIDTH ASCII characters: no lane is full.
        self.shape.add_lanes(lanes);
        at
    }

    /// True while a word is being read.
    fn in_word(&self) -> bool {
        self.word.len > 0 || self.ascii_from.is_some()
    }

    /// The ASCII letter or digit at `at` (a capital if `upper`) starts or goes on with a
    /// word.
    fn word_byte(&mut self, at: usize, upper: bool) {
        if self.ascii_from.is_none() {
            if self.word.len == 0 {
                self.word.upper_start = upper;
            }
            self.ascii_from = Some(at);
        }
    }

    /// Reads the word's ASCII bytes before `at` into its key.
    fn take_ascii(&mut self, at: usize) {
        if let Some(from) = self.ascii_from.take() {
            self.word.push_ascii(self.line, from, at);
        }
    }

    /// Counts the word being read, if any, which ends before `at`.
    fn end_word(&mut self, at: usize) {
        if !self.in_word() {
            return;
        }
        self.take_ascii(at);
        let word = std::mem::take(&mut self.word);
        self.count_word(&word, at);
    }

    /// Counts `word`, which ends before `at`; a word followed by `:` (`said:`) is also
    /// looked up with it.
    #[inline]
    fn count_word(&mut self, word: &WordKey, at: usize) {
        let s = &mut self.shape;
        s.words += 1;
        s.title_words += u32::from(word.upper_start);
        let found = self.words.get(word);
        s.stopwords += u32::from(found & STOPWORD != 0);
        s.comment_cue += u32::from(found & COMMENT_CUE != 0);
        if self.line.get(at) == Some(&b':') {
            let mut with_colon = *word;
            with_colon.push_ascii(self.line, at, at + 1);
            s.comment_cue += u32::from(self.words.get(&with_colon) & COMMENT_CUE != 0);
        }
    }

    /// Counts the character `c` at `at`, which is not ASCII, by its Unicode properties,
    /// and reads it into the word (a letter or digit other than CJK continues a word;
    /// anything else ends it).
    fn other_character(&mut self, at: usize, c: char) {
        let class = crate::lines::class_of(c);
        let s = &mut self.shape;
        s.chars += 1;
        if class.alphabetic() {
            s.letters += 1;
            s.upper += u32::from(class.uppercase());
            s.cjk += u32::from(class.cjk());
        } else if class.numeric() {
            s.digits += 1;
        } else if !class.whitespace() {
            s.punct += 1;
        }
        s.separators += u32::from(matches!(c, '»' | '·' | '•' | '›'));
        if class.alphanumeric() && !class.cjk() {
            if self.word.len == 0 {
                self.word.upper_start = class.uppercase();
            }
            class.each_lower(c, |lower| {
                let mut buf = [0u8; 4];
                self.word.push_bytes(lower.encode_utf8(&mut buf).as_bytes());
            });
        } else {
            self.end_word(at);
        }
    }
}

/// Checks what the [`CUE`] byte at `at` completes or starts: a code operator, a time (a
/// digit, `:`, a digit) or a link cue (`@`, `http`, `www.`). A byte of a character that
/// is not ASCII is never one of these, so the bytes around can be read raw.
fn cue(s: &mut Shape, line: &[u8], at: usize) {
    s.code_operator |= operator_ends_at(line, at);
    match line[at] {
        b':' => {
            let digit =
                |k: Option<usize>| k.and_then(|k| line.get(k)).is_some_and(u8::is_ascii_digit);
            s.time_cue += u32::from(digit(at.checked_sub(1)) && digit(Some(at + 1)));
        }
        b'@' => s.url_cue = 1,
        b'h' if line[at..].starts_with(b"http") => s.url_cue = 1,
        b'w' if line[at..].starts_with(b"www.") => s.url_cue = 1,
        _ => {}
    }
}

/// True if a code operator (` = `, `::`, `->` or `();`) has its `=`, its second `:`, its
/// `>` or its `;` at `at`.
fn operator_ends_at(line: &[u8], at: usize) -> bool {
    let byte_at = |back: usize| at.checked_sub(back).map_or(0, |k| line[k]);
    match line[at] {
        b'=' => byte_at(1) == b' ' && line.get(at + 1) == Some(&b' '),
        b':' => byte_at(1) == b':',
        b'>' => byte_at(1) == b'-',
        b';' => byte_at(1) == b')' && byte_at(2) == b'(',
        _ => false,
    }
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
        key.push_bytes(word);
        key
    }

    /// Appends bytes as they are (no NUL: words are made of letters and digits).
    fn push_bytes(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            if self.len < 16 {
                self.key |= u128::from(byte) << (8 * self.len);
            }
            self.len += 1;
        }
    }

    /// Appends `line[from..to]`, ASCII letters, digits or `:`, in lower case, in one
    /// piece.
    #[inline]
    fn push_ascii(&mut self, line: &[u8], from: usize, to: usize) {
        let take = (to - from).min(16usize.saturating_sub(self.len));
        if take > 0 {
            let sixteen =
                |at: usize| u128::from_le_bytes(line[at..at + 16].try_into().expect("16 bytes"));
            // Sixteen bytes from `from` where the line has them; near its end, the line's
            // last sixteen moved down to start at `from` (a copy of fewer bytes would
            // call `memcpy`); only in a line shorter than that, byte by byte.
            let bytes = if from + 16 <= line.len() {
                sixteen(from)
            } else if let Some(last) = line.len().checked_sub(16) {
                sixteen(last) >> (8 * (from - last))
            } else {
                line[from..from + take]
                    .iter()
                    .rev()
                    .fold(0, |bytes, &b| bytes << 8 | u128::from(b))
            };
            // Setting bit 5 lower-cases a letter and leaves a digit or `:` as it is.
            let lower = (bytes | u128::from_le_bytes([0x20; 16])) & (u128::MAX >> (128 - 8 * take));
            self.key |= if self.len == 0 {
                lower
            } else {
                lower << (8 * self.len)
            };
        }
        self.len += to - from;
    }
}

/// [`WordSet::get`] flag: a word of [`STOPWORDS`].
const STOPWORD: u8 = 1;
/// [`WordSet::get`] flag: a word of [`COMMENT_CUES`].
const COMMENT_CUE: u8 = 2;

/// The buckets of the [`WordSet`] (a power of two).
const WORD_BUCKETS: usize = 1 << 9;

/// The stop words and the comment cues in one table, looked up by bytes: the words (at
/// most 16 bytes) packed into `u128` keys (zero-padded: a word holds no NUL byte), with a
/// byte of flags each, hashed into buckets of two. The hash's multiplier is the first
/// that leaves no bucket with more than two words, so that a lookup is one multiply and
/// two comparisons, with no branch on whether the word is there (about half of the words
/// of running text are).
#[derive(Debug)]
pub(super) struct WordSet {
    /// The two keys of each bucket (0 when free), bucket after bucket; arrays of the
    /// bucket count, so that a bucket of [`WordSet::bucket`] needs no bounds check.
    keys: Box<[[u128; 2]; WORD_BUCKETS]>,
    /// Their flags.
    flags: Box<[[u8; 2]; WORD_BUCKETS]>,
    multiplier: u64,
}

impl WordSet {
    /// The bits of a bucket number.
    const BITS: u32 = WORD_BUCKETS.trailing_zeros();

    fn new(sets: &[(&'static [&'static str], u8)]) -> Self {
        let mut entries: Vec<(u128, u8)> = Vec::new();
        for &(words, flag) in sets {
            for word in words {
                let word = WordKey::of(word.as_bytes());
                assert!((1..=16).contains(&word.len), "set words are 1 to 16 bytes");
                match entries.iter_mut().find(|(key, _)| *key == word.key) {
                    Some((_, flags)) => *flags |= flag,
                    None => entries.push((word.key, flag)),
                }
            }
        }
        // The first multiplier that puts at most two words in a bucket (a count per
        // bucket is all a try needs).
        let multiplier = (0u64..)
            .map(|k| {
                0x9E37_79B9_7F4A_7C15u64.wrapping_add(k.wrapping_mul(0xD1B5_4A32_D192_ED03)) | 1
            })
            .find(|&multiplier| {
                let mut load = [0u8; WORD_BUCKETS];
                entries.iter().all(|&(key, _)| {
                    let at = Self::bucket_of(key, multiplier);
                    load[at] += 1;
                    load[at] <= 2
                })
            })
            .expect("some multiplier spreads the words");
        let mut set = WordSet {
            keys: Box::new([[0; 2]; WORD_BUCKETS]),
            flags: Box::new([[0; 2]; WORD_BUCKETS]),
            multiplier,
        };
        for &(key, flags) in &entries {
            let at = set.bucket(key);
            let free = usize::from(set.keys[at][0] != 0);
            set.keys[at][free] = key;
            set.flags[at][free] = flags;
        }
        set
    }

    fn bucket(&self, key: u128) -> usize {
        Self::bucket_of(key, self.multiplier)
    }

    fn bucket_of(key: u128, multiplier: u64) -> usize {
        let mixed = ((key as u64) ^ ((key >> 64) as u64).rotate_left(29)).wrapping_mul(multiplier);
        (mixed >> (64 - Self::BITS)) as usize
    }

    /// The flags of the word read into `word` (0 when it is in no set, or longer than
    /// 16 bytes).
    #[inline]
    fn get(&self, word: &WordKey) -> u8 {
        if word.len == 0 || word.len > 16 {
            return 0;
        }
        let at = self.bucket(word.key);
        let ([first, second], [first_flags, second_flags]) = (self.keys[at], self.flags[at]);
        (u8::from(first == word.key) * first_flags) | (u8::from(second == word.key) * second_flags)
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

/// The signs that start a list item (see [`bullet_start`]).
const BULLETS: [&str; 9] = ["•", "·", "▪", "►", "* ", "- ", "– ", "» ", "○"];

/// True for the first byte of each of [`BULLETS`]: a line that starts with another byte
/// (most do) needs no comparison with them.
const BULLET_FIRST_BYTES: [bool; 256] = {
    let mut first = [false; 256];
    let mut k = 0;
    while k < BULLETS.len() {
        first[BULLETS[k].as_bytes()[0] as usize] = true;
        k += 1;
    }
    first
};

/// True if a trimmed line starts like a list item: a bullet sign, a dash, or a number
/// followed by `.` or `)`.
pub(crate) fn bullet_start(trimmed: &[u8]) -> bool {
    let Some(&first) = trimmed.first() else {
        return false;
    };
    if first.is_ascii_digit() {
        let digits = trimmed.iter().take_while(|b| b.is_ascii_digit()).count();
        return digits <= 3 && matches!(trimmed.get(digits), Some(b'.') | Some(b')'));
    }
    BULLET_FIRST_BYTES[usize::from(first)]
        && BULLETS.iter().any(|b| trimmed.starts_with(b.as_bytes()))
}

/// True if a trimmed line is shaped like code: it ends in `;`, `{` or `}`, starts
/// with a shell prompt or `// `, holds an assignment or a path operator, opens a Python
/// block or imports (`def f(x):`, `class C:`, `import os`, `from a.b import c`), or is
/// a call (`cache.clear()`, `os.path.join(a, b)`).
///
/// The features find the operator in their one pass over the line's characters
/// ([`Shape::code_operator`]) and call [`code_shape_with`]; this scan of its own serves
/// the protections where no features are computed (the default pack), and the tests
/// check that pass against it.
pub(super) fn code_shape(trimmed: &[u8]) -> bool {
    let splat = u8x32::splat;
    let operator = trimmed.chunks(simd::WIDTH).enumerate().any(|(k, chunk)| {
        let v = simd::load(chunk);
        let mut ends = (v.simd_eq(splat(b'='))
            | v.simd_eq(splat(b':'))
            | v.simd_eq(splat(b'>'))
            | v.simd_eq(splat(b';')))
        .to_bitmask();
        while ends != 0 {
            if operator_ends_at(trimmed, k * simd::WIDTH + ends.trailing_zeros() as usize) {
                return true;
            }
            ends &= ends - 1;
        }
        false
    });
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
        || trimmed.starts_with(b"// ")
        || operator
        || last == b':' && python_block(trimmed)
        || python_import(trimmed)
        || last == b')' && call(trimmed)
}

/// True if a trimmed line that ends in `:` opens a Python function or class: `def`
/// and a name, then `(`; or `class` and a capitalised name (`class notes:` is prose),
/// then `(` or the final `:`.
fn python_block(trimmed: &[u8]) -> bool {
    let name_len = |rest: &[u8]| {
        rest.iter()
            .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_')
            .count()
    };
    if let Some(rest) = trimmed.strip_prefix(b"def ") {
        let name = name_len(rest);
        name > 0 && !rest[0].is_ascii_digit() && rest[name] == b'('
    } else if let Some(rest) = trimmed.strip_prefix(b"class ") {
        let name = name_len(rest);
        rest[0].is_ascii_uppercase() && (rest[name] == b'(' || name + 1 == rest.len())
    } else {
        false
    }
}

/// True if a trimmed line is a Python import: `import` or `from MODULE import`, then
/// names (dotted, each maybe `as` another) separated by commas.
fn python_import(trimmed: &[u8]) -> bool {
    let names = if let Some(rest) = trimmed.strip_prefix(b"import ") {
        rest
    } else if let Some(rest) = trimmed.strip_prefix(b"from ") {
        let module = rest.iter().take_while(|&&b| b != b' ').count();
        match rest[module..].strip_prefix(b" import ") {
            Some(names) if dotted_name(&rest[..module]) => names,
            _ => return false,
        }
    } else {
        return false;
    };
    names.split(|&b| b == b',').all(|name| {
        let mut words = name.split(|&b| b == b' ').filter(|w| !w.is_empty());
        match (words.next(), words.next(), words.next(), words.next()) {
            (Some(name), None, None, None) => dotted_name(name),
            (Some(name), Some(b"as"), Some(alias), None) => dotted_name(name) && dotted_name(alias),
            _ => false,
        }
    })
}

/// True if `name` is a (dotted) Python name: letters, digits and `_`, joined by dots.
fn dotted_name(name: &[u8]) -> bool {
    !name.is_empty()
        && name.split(|&b| b == b'.').all(|part| {
            !part.is_empty()
                && !part[0].is_ascii_digit()
                && part.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_')
        })
}

/// True if a trimmed line that ends in `)` is a call: a (dotted) name with a `.` or `_`
/// in it right before its first `(`, or an empty argument list at its end. A word in
/// prose (`Apple (AAPL)`, `the (new) plan`) has neither.
fn call(trimmed: &[u8]) -> bool {
    if trimmed.ends_with(b"()") {
        return true;
    }
    let Some(open) = memchr::memchr(b'(', trimmed) else {
        return false;
    };
    let name = &trimmed[..open];
    dotted_name(name) && name.iter().any(|&b| b == b'_' || b == b'.')
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
    fn list_items_start_with_a_bullet_or_a_short_number() {
        crate::model::assert_shape(
            bullet_start,
            &[
                "• One", "·x", "▪ a", "► b", "* c", "- d", "– e", "» f", "○ g", "1. h", "12) i",
                "123. j",
            ],
            &[
                "", "*c", "-d", "–e", "»f", "1234. k", "1 l", "12", "Text", "€ 5",
            ],
        );
    }

    #[test]
    fn python_lines_and_calls_are_code_but_prose_is_not() {
        crate::model::assert_shape(
            code_shape,
            &[
                "def setUp(self):",
                "class Parser(Base):",
                "class Empty:",
                "import os, sys",
                "import numpy as np",
                "from collections.abc import Mapping",
                "cache.clear()",
                "os.path.join(root, name)",
                "print_summary(report)",
                "// the loop ends here",
            ],
            &[
                "Definitions:",
                "class notes:",
                "import duties rose by a third.",
                "from 9 to 5 import (mostly) nothing",
                "Apple (AAPL)",
                "the (new) plan",
                "U.S. (2019)",
                "Follow us (on social media)",
                "3.5 (beta)",
            ],
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
