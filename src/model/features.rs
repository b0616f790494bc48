//! Per-line features of one document for the line scorer, computed in a few linear passes
//! over its line table.
//!
//! Every non-blank line gets one row of [`FEATURE_COUNT`] numbers (named in
//! [`FEATURE_NAMES`], in row order): what the line is made of, what the marker rules and
//! the structural detectors said about it and its neighbours, how long and how prose-like
//! the lines around it are, where it sits relative to the running text, and statistics of
//! the whole page. The detectors run here with fixed settings ([`FEATURE_DETECTORS`]), not
//! with the pack's, so that a model's features mean what they meant when it was trained.
//! The training script reads these very rows (`examples/model-features.rs`), so training
//! and inference cannot drift apart.

use crate::detect::{self, prose_like};
use crate::lines::{Fate, LineTable, decode};
use crate::normal;
use crate::rules::{Context, Detector, Edges, ShortLines};

/// The number of features of a line.
pub const FEATURE_COUNT: usize = 60;

/// The names of the features, in row order (the training script prints them).
pub const FEATURE_NAMES: [&str; FEATURE_COUNT] = [
    "words",
    "bytes",
    "letter_share",
    "digit_share",
    "punct_share",
    "upper_share",
    "stopword_share",
    "sentence_end",
    "prose_like",
    "ends_colon",
    "bullet_start",
    "code_chars",
    "code_shape",
    "indent",
    "separators",
    "time_cue",
    "comment_cue",
    "url_cue",
    "cjk_share",
    "title_share",
    "trailing_pad",
    "copies",
    "det_repeated",
    "det_context",
    "det_edges",
    "det_orphan",
    "rules_win3",
    "rules_prev",
    "rules_next",
    "prev_words",
    "next_words",
    "win3_words",
    "win8_words",
    "win3_long",
    "win8_long",
    "win3_prose",
    "win8_prose",
    "decay_fwd_words",
    "decay_bwd_words",
    "decay_fwd_prose",
    "decay_bwd_prose",
    "blank_before",
    "blank_after",
    "block_lines",
    "block_pos",
    "block_words",
    "rel_pos",
    "before_first_long",
    "after_last_long",
    "dist_long",
    "run_start_dist",
    "run_end_dist",
    "page_rule_share",
    "page_long_token_share",
    "page_bullet_share",
    "page_lines",
    "page_words",
    "page_prose_share",
    "next_prose",
    "heading_shape",
];

/// The settings the structural detectors run with when their firings become features:
/// the default pack's at the time the features were defined.
pub const FEATURE_DETECTORS: (ShortLines, Context, Edges, ShortLines) = (
    ShortLines { max_words: 2 },
    Context {
        max_words: 3,
        neighbour_max_words: 8,
        keep_prose: true,
    },
    Edges {
        long_words: 30,
        head_max_words: 5,
        foot_max_words: 20,
        keep_before: 1,
        keep_prose: true,
    },
    ShortLines { max_words: 4 },
);

/// The structural detector whose firing a row records, if any (see
/// [`FEATURE_DETECTORS`]; a line gets at most one).
pub(crate) fn detector_firing(row: &[f32]) -> Option<Detector> {
    [
        Detector::Repeated,
        Detector::Context,
        Detector::Edges,
        Detector::Orphan,
    ]
    .into_iter()
    .zip(&row[22..26])
    .find(|&(_, &fired)| fired > 0.0)
    .map(|(detector, _)| detector)
}

/// A line of at least this many words is *long* (running text).
const LONG_WORDS: u32 = 20;

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

/// The features of the non-blank lines of one document.
#[derive(Debug, Clone, Default)]
pub struct LineFeatures {
    /// The indices of the lines that have a row, in order (the non-blank lines).
    pub lines: Vec<usize>,
    /// One row of [`FEATURE_COUNT`] values per entry of `lines`, row after row.
    pub rows: Vec<f32>,
    /// For each entry of `lines`: true if a marker rule removes the line (the scorer then
    /// has nothing to decide).
    pub rule_removed: Vec<bool>,
    /// For each entry of `lines`: the content shape that protects it from the scorer,
    /// if any (filled by [`crate::Cleaner::line_features`] only; see [`crate::model::protect`]).
    pub protection: Vec<Option<crate::model::protect::Protection>>,
}

impl LineFeatures {
    /// The row of the `k`-th non-blank line.
    pub fn row(&self, k: usize) -> &[f32] {
        &self.rows[k * FEATURE_COUNT..(k + 1) * FEATURE_COUNT]
    }
}

/// What one pass over a line's characters finds.
#[derive(Debug, Default, Clone, Copy)]
struct Shape {
    chars: u32,
    letters: u32,
    digits: u32,
    punct: u32,
    upper: u32,
    cjk: u32,
    code_chars: u32,
    separators: u32,
    time_cue: u32,
    words: u32,
    stopwords: u32,
    title_words: u32,
    comment_cue: u32,
    url_cue: u32,
    /// The line holds a code operator: ` = `, `::`, `->` or `();`.
    code_operator: bool,
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
fn shape(trimmed: &[u8], words: &WordSet) -> Shape {
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
struct WordSet {
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
fn word_set() -> &'static WordSet {
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
fn code_shape_with(trimmed: &[u8], operator: bool) -> bool {
    let last = trimmed.last().copied().unwrap_or(b' ');
    matches!(last, b';' | b'{' | b'}')
        || trimmed.starts_with(b"$ ")
        || trimmed.starts_with(b"# ") && trimmed.len() > 2 && !trimmed[2].is_ascii_uppercase()
        || trimmed.starts_with(b">>> ")
        || operator
}

/// Computes the rows of every non-blank line of `table`; `fates` holds what the marker
/// rules decided (any value other than [`KEPT`] is a removal).
pub(crate) fn compute(table: &LineTable<'_>, fates: &[Fate], out: &mut LineFeatures) {
    let words_set = word_set();
    let lines = table.non_blank();
    let n = lines.len();
    out.lines.clear();
    out.lines.extend_from_slice(lines);
    out.rows.clear();
    out.rows.resize(n * FEATURE_COUNT, 0.0);
    out.rule_removed.clear();
    out.rule_removed
        .extend(lines.iter().map(|&line| !fates[line].is_kept()));
    if n == 0 {
        return;
    }

    // The detectors, with fixed settings, over a copy of the rules' fates.
    let [repeated_fate, context_fate, edges_fate, orphan_fate] =
        [0, 1, 2, 3].map(|k| Fate::removed((1 << 28) + k));
    let mut scratch: Vec<Fate> = fates.to_vec();
    let (repeated, context, edges, orphan) = FEATURE_DETECTORS;
    detect::repeated::run(table, repeated, repeated_fate, &mut scratch);
    detect::context::run(table, context, context_fate, &mut scratch);
    detect::edges::run(table, edges, edges_fate, &mut scratch);
    detect::orphan::run(table, orphan, orphan_fate, &mut scratch);

    // Copies of each short line in the document.
    let mut hashes: Vec<(u64, usize)> = Vec::new();
    let mut norm_scratch = Vec::new();
    for (k, &line) in lines.iter().enumerate() {
        if table.has_at_most(line, 12)
            && let Some(hash) = normal::line_hash(table.trimmed(line), &mut norm_scratch)
        {
            hashes.push((hash, k));
        }
    }
    hashes.sort_unstable();
    let mut copies = vec![1u32; n];
    for group in hashes.chunk_by(|a, b| a.0 == b.0) {
        for &(_, k) in group {
            copies[k] = group.len() as u32;
        }
    }

    // Pass 1: what each line is made of.
    let mut words = vec![0f32; n];
    let mut long = vec![0f32; n];
    let mut prose = vec![0f32; n];
    let mut rules = vec![0f32; n];
    let mut bullets = 0usize;
    for (k, &line) in lines.iter().enumerate() {
        let trimmed = table.trimmed(line);
        let s = shape(trimmed, words_set);
        let w = table.word_count(line);
        let content = table.line(line);
        let (start, end) = table.trim_span(line);
        let chars = s.chars.max(1) as f32;
        let row = &mut out.rows[k * FEATURE_COUNT..(k + 1) * FEATURE_COUNT];
        let is_prose = prose_like(trimmed);
        let last = trimmed.last().copied().unwrap_or(b' ');
        let bullet = bullet_start(trimmed);
        bullets += usize::from(bullet);
        row[0] = w as f32;
        row[1] = trimmed.len() as f32;
        row[2] = s.letters as f32 / chars;
        row[3] = s.digits as f32 / chars;
        row[4] = s.punct as f32 / chars;
        row[5] = s.upper as f32 / s.letters.max(1) as f32;
        row[6] = s.stopwords as f32 / s.words.max(1) as f32;
        row[7] =
            f32::from(matches!(last, b'.' | b'!' | b'?') || trimmed.ends_with("。".as_bytes()));
        row[8] = f32::from(is_prose);
        row[9] = f32::from(last == b':');
        row[10] = f32::from(bullet);
        row[11] = s.code_chars as f32 / chars;
        row[12] = f32::from(code_shape_with(trimmed, s.code_operator));
        row[13] = (start - content.start).min(64) as f32;
        row[14] = s.separators as f32;
        row[15] = s.time_cue as f32;
        row[16] = s.comment_cue as f32;
        row[17] = s.url_cue as f32;
        row[18] = s.cjk as f32 / chars;
        row[19] = s.title_words as f32 / s.words.max(1) as f32;
        row[20] = (content.content_end - end).min(256) as f32;
        row[21] = copies[k] as f32;
        let fate = scratch[line];
        row[22] = f32::from(fate == repeated_fate);
        row[23] = f32::from(fate == context_fate);
        row[24] = f32::from(fate == edges_fate);
        row[25] = f32::from(fate == orphan_fate);
        words[k] = w as f32;
        long[k] = f32::from(w >= LONG_WORDS);
        prose[k] = f32::from(is_prose);
        rules[k] = f32::from(!fates[line].is_kept());
    }

    // Prefix sums for the windows.
    let prefix = |v: &[f32]| {
        let mut p = Vec::with_capacity(v.len() + 1);
        p.push(0f32);
        let mut sum = 0f32;
        for &x in v {
            sum += x;
            p.push(sum);
        }
        p
    };
    let (pw, pl, pp, pr) = (
        prefix(&words),
        prefix(&long),
        prefix(&prose),
        prefix(&rules),
    );
    let window_mean = |p: &[f32], k: usize, r: usize| {
        let lo = k.saturating_sub(r);
        let hi = (k + r + 1).min(n);
        // Without the line itself: the neighbourhood.
        let count = (hi - lo - 1).max(1) as f32;
        (p[hi] - p[lo] - (p[k + 1] - p[k])) / count
    };

    // Decayed densities, forwards and backwards.
    const DECAY: f32 = 0.7;
    let mut fwd_w = vec![0f32; n];
    let mut fwd_p = vec![0f32; n];
    let (mut dw, mut dp) = (0f32, 0f32);
    for k in 0..n {
        fwd_w[k] = dw;
        fwd_p[k] = dp;
        dw = DECAY * dw + (1.0 - DECAY) * words[k];
        dp = DECAY * dp + (1.0 - DECAY) * prose[k];
    }
    let mut bwd_w = vec![0f32; n];
    let mut bwd_p = vec![0f32; n];
    let (mut dw, mut dp) = (0f32, 0f32);
    for k in (0..n).rev() {
        bwd_w[k] = dw;
        bwd_p[k] = dp;
        dw = DECAY * dw + (1.0 - DECAY) * words[k];
        dp = DECAY * dp + (1.0 - DECAY) * prose[k];
    }

    // Blocks of non-blank lines between blank lines.
    let mut block_start = vec![0usize; n];
    let mut start = 0;
    for k in 0..n {
        if k > 0 && lines[k] != lines[k - 1] + 1 {
            start = k;
        }
        block_start[k] = start;
    }
    let mut block_end = vec![0usize; n];
    let mut end = n;
    for k in (0..n).rev() {
        if k + 1 < n && lines[k + 1] != lines[k] + 1 {
            end = k + 1;
        }
        block_end[k] = end;
    }

    // The long lines, and the largest run of text: long lines joined across gaps of at
    // most RUN_GAP other lines, with the most words.
    const RUN_GAP: usize = 6;
    let first_long = long.iter().position(|&l| l > 0.0);
    let last_long = long.iter().rposition(|&l| l > 0.0);
    let mut best_run = (0usize, 0usize, 0f32);
    let mut run: Option<(usize, usize)> = None;
    for k in (0..n).filter(|&k| long[k] > 0.0) {
        run = match run {
            Some((s, e)) if k - e <= RUN_GAP + 1 => Some((s, k)),
            Some((s, e)) => {
                let sum = pw[e + 1] - pw[s];
                if sum > best_run.2 {
                    best_run = (s, e, sum);
                }
                Some((k, k))
            }
            None => Some((k, k)),
        };
    }
    if let Some((s, e)) = run {
        let sum = pw[e + 1] - pw[s];
        if sum > best_run.2 {
            best_run = (s, e, sum);
        }
    }
    let mut dist_long = vec![n as f32; n];
    let mut last_seen: Option<usize> = None;
    for k in 0..n {
        if long[k] > 0.0 {
            last_seen = Some(k);
        }
        if let Some(l) = last_seen {
            dist_long[k] = (k - l) as f32;
        }
    }
    let mut next_seen: Option<usize> = None;
    for k in (0..n).rev() {
        if long[k] > 0.0 {
            next_seen = Some(k);
        }
        if let Some(l) = next_seen {
            dist_long[k] = dist_long[k].min((l - k) as f32);
        }
    }

    // Page statistics.
    let total_words = pw[n].max(1.0);
    let long_words: f32 = (0..n).filter(|&k| long[k] > 0.0).map(|k| words[k]).sum();
    let page = [
        pr[n] / n as f32,
        long_words / total_words,
        bullets as f32 / n as f32,
        (n as f32).ln_1p(),
        total_words.ln_1p(),
        pp[n] / n as f32,
    ];

    for k in 0..n {
        let line = lines[k];
        let row = &mut out.rows[k * FEATURE_COUNT..(k + 1) * FEATURE_COUNT];
        row[26] = window_mean(&pr, k, 3);
        row[27] = if k > 0 { rules[k - 1] } else { 1.0 };
        row[28] = if k + 1 < n { rules[k + 1] } else { 1.0 };
        row[29] = if k > 0 { words[k - 1] } else { 0.0 };
        row[30] = if k + 1 < n { words[k + 1] } else { 0.0 };
        row[31] = window_mean(&pw, k, 3);
        row[32] = window_mean(&pw, k, 8);
        row[33] = window_mean(&pl, k, 3);
        row[34] = window_mean(&pl, k, 8);
        row[35] = window_mean(&pp, k, 3);
        row[36] = window_mean(&pp, k, 8);
        row[37] = fwd_w[k];
        row[38] = bwd_w[k];
        row[39] = fwd_p[k];
        row[40] = bwd_p[k];
        let prev_line = if k > 0 { lines[k - 1] + 1 } else { 0 };
        let next_line = if k + 1 < n { lines[k + 1] } else { table.len() };
        row[41] = (line - prev_line).min(5) as f32;
        row[42] = (next_line - line - 1).min(5) as f32;
        let (bs, be) = (block_start[k], block_end[k]);
        row[43] = (be - bs) as f32;
        row[44] = (k - bs) as f32 / (be - bs) as f32;
        row[45] = pw[be] - pw[bs];
        row[46] = k as f32 / n as f32;
        row[47] = f32::from(first_long.is_none_or(|f| k < f));
        row[48] = f32::from(last_long.is_none_or(|l| k > l));
        row[49] = dist_long[k].min(50.0);
        let (rs, re, _) = best_run;
        row[50] = if first_long.is_some() {
            (k as f32 - rs as f32).clamp(-50.0, 50.0)
        } else {
            -50.0
        };
        row[51] = if first_long.is_some() {
            (re as f32 - k as f32).clamp(-50.0, 50.0)
        } else {
            -50.0
        };
        row[52..58].copy_from_slice(&page);
        row[58] = if k + 1 < n { prose[k + 1] } else { 0.0 };
        // A heading: a short line that is not prose, followed by a long prose line.
        row[59] = f32::from(
            words[k] <= 12.0
                && prose[k] == 0.0
                && k + 1 < n
                && long[k + 1] > 0.0
                && prose[k + 1] > 0.0,
        );
    }
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

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

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
