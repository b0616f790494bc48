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

use super::shape::{bullet_start, code_shape_with, shape, word_set};
use crate::detect::{self, prose_like};
use crate::lines::{Fate, LineTable};
use crate::normal;
use crate::rules::{Context, Detector, Edges, ShortLines};

/// The number of features of a line.
pub const FEATURE_COUNT: usize = 72;

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
    "dist_rule_prev",
    "dist_rule_next",
    "dist_cue_prev",
    "dist_cue_next",
    "long_share_before",
    "label_value",
    "label_value_win3",
    "colon_head_dist",
    "digit_win3",
    "between_prose",
    "prev_long_dist",
    "next_long_dist",
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

/// A line of at most this many words has its copies counted (`copies`).
const COPIES_MAX_WORDS: u32 = 12;

// The `repeated` detector's short lines are found among the lines whose copies are
// counted.
const _: () = assert!(FEATURE_DETECTORS.0.max_words <= COPIES_MAX_WORDS);

/// A line of at least this many words is *long* (running text).
const LONG_WORDS: u32 = 20;

/// The column of `prose_like`: the line reads like prose ([`crate::detect::prose_like`]).
pub(crate) const PROSE_LIKE: usize = 8;
/// The column of `bullet_start`: the line starts with a bullet or a number.
pub(crate) const BULLET_START: usize = 10;
/// The column of `code_shape`: the line is shaped like code.
pub(crate) const CODE_SHAPE: usize = 12;

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

/// The working columns of [`compute`] for one document, kept per thread for their memory:
/// a page took some twenty allocations of them.
#[derive(Debug, Default)]
struct Scratch {
    /// The hashes of the short lines' normal forms, with their row.
    hashes: Vec<(u64, usize)>,
    /// The buffer the normal forms are written into.
    normal_form: Vec<u8>,
    /// The copies of each row's line in the page.
    copies: Vec<u32>,
    /// The rules' fates with the detectors' firings added.
    fates: Vec<Fate>,
    /// The hashes of the `repeated` detector's short lines, with their line.
    repeated_short: Vec<(u64, usize)>,
    /// The columns of pass 1 that windows are taken over.
    columns: [Vec<f32>; COLUMNS],
    /// Their prefix sums (one more entry than rows, the first 0).
    prefix: [Vec<f64>; COLUMNS],
}

/// The columns of pass 1 that windows are taken over, in [`Scratch::columns`]: words, long,
/// prose, rules, label and digits.
const COLUMNS: usize = 6;

thread_local! {
    /// This thread's [`Scratch`].
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// Computes the rows of every non-blank line of `table`; `fates` holds what the marker
/// rules decided (any value other than [`KEPT`] is a removal).
pub(crate) fn compute(table: &LineTable<'_>, fates: &[Fate], out: &mut LineFeatures) {
    SCRATCH.with_borrow_mut(|scratch| compute_with(table, fates, out, scratch));
}

/// [`compute`] with the working columns in `scratch`.
fn compute_with(
    table: &LineTable<'_>,
    fates: &[Fate],
    out: &mut LineFeatures,
    scratch: &mut Scratch,
) {
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

    let Scratch {
        hashes,
        normal_form,
        copies,
        fates: detected,
        repeated_short,
        columns,
        prefix,
    } = scratch;

    // Copies of each short line in the document.
    hashes.clear();
    for (k, &line) in lines.iter().enumerate() {
        if table.has_at_most(line, COPIES_MAX_WORDS)
            && let Some(hash) = normal::line_hash(table.trimmed(line), normal_form)
        {
            hashes.push((hash, k));
        }
    }
    hashes.sort_unstable();
    copies.clear();
    copies.resize(n, 1);
    for group in hashes.chunk_by(|a, b| a.0 == b.0) {
        for &(_, k) in group {
            copies[k] = group.len() as u32;
        }
    }

    // The detectors, with fixed settings, over a copy of the rules' fates. `repeated`
    // takes the hashes of its short lines from those just sorted instead of normalising
    // and sorting them again.
    let [repeated_fate, context_fate, edges_fate, orphan_fate] =
        [0, 1, 2, 3].map(|k| Fate::removed((1 << 28) + k));
    detected.clear();
    detected.extend_from_slice(fates);
    let (repeated, context, edges, orphan) = FEATURE_DETECTORS;
    repeated_short.clear();
    repeated_short.extend(
        hashes
            .iter()
            .filter(|&&(_, k)| table.has_at_most(lines[k], repeated.max_words))
            .map(|&(hash, k)| (hash, lines[k])),
    );
    detect::repeated::mark_copies(repeated_short, repeated_fate, detected);
    detect::context::run(table, context, context_fate, detected);
    detect::edges::run(table, edges, edges_fate, detected);
    detect::orphan::run(table, orphan, orphan_fate, detected);

    // Pass 1: what each line is made of.
    for column in columns.iter_mut() {
        column.clear();
        column.resize(n, 0.0);
    }
    let [words, long, prose, rules, label, digits] = columns;
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
        row[PROSE_LIKE] = f32::from(is_prose);
        row[9] = f32::from(last == b':');
        row[BULLET_START] = f32::from(bullet);
        row[11] = s.code_chars as f32 / chars;
        row[CODE_SHAPE] = f32::from(code_shape_with(trimmed, s.code_operator));
        row[13] = (start - content.start).min(64) as f32;
        row[14] = s.separators as f32;
        row[15] = s.time_cue as f32;
        row[16] = s.comment_cue as f32;
        row[17] = s.url_cue as f32;
        row[18] = s.cjk as f32 / chars;
        row[19] = s.title_words as f32 / s.words.max(1) as f32;
        row[20] = (content.content_end - end).min(256) as f32;
        row[21] = copies[k] as f32;
        let fate = detected[line];
        row[22] = f32::from(fate == repeated_fate);
        row[23] = f32::from(fate == context_fate);
        row[24] = f32::from(fate == edges_fate);
        row[25] = f32::from(fate == orphan_fate);
        words[k] = w as f32;
        long[k] = f32::from(w >= LONG_WORDS);
        prose[k] = f32::from(is_prose);
        rules[k] = f32::from(!fates[line].is_kept());
        // A colon is punctuation: a line without any is no label.
        row[65] = f32::from(w <= 12 && row[4] > 0.0 && label_value(trimmed));
        label[k] = row[65];
        digits[k] = row[3];
    }

    // Prefix sums for the windows, in f64: a column of shares (digits) adds up exactly
    // enough over a long page. The six columns are summed in one loop, so that their
    // additions overlap in the processor.
    let columns = [&*words, &*long, &*prose, &*rules, &*label, &*digits];
    for p in prefix.iter_mut() {
        p.clear();
        p.resize(n + 1, 0.0);
    }
    let mut sums = [0f64; COLUMNS];
    for k in 0..n {
        for ((sum, p), column) in sums.iter_mut().zip(prefix.iter_mut()).zip(columns) {
            *sum += f64::from(column[k]);
            p[k + 1] = *sum;
        }
    }
    let [pw, pl, pp, pr, plabel, pdigits] = &*prefix;
    let window_mean = |p: &[f64], k: usize, r: usize| {
        let lo = k.saturating_sub(r);
        let hi = (k + r + 1).min(n);
        // Without the line itself: the neighbourhood.
        let count = (hi - lo - 1).max(1) as f64;
        ((p[hi] - p[lo] - (p[k + 1] - p[k])) / count) as f32
    };

    // Decayed densities backwards (forwards in the loop over the rows below).
    const DECAY: f32 = 0.7;
    let (mut dw, mut dp) = (0f32, 0f32);
    for (k, row) in out.rows.chunks_exact_mut(FEATURE_COUNT).enumerate().rev() {
        row[38] = dw;
        row[40] = dp;
        dw = DECAY * dw + (1.0 - DECAY) * words[k];
        dp = DECAY * dp + (1.0 - DECAY) * prose[k];
    }

    // The long lines, and the largest run of text: long lines joined across gaps of at
    // most RUN_GAP other lines, with the most words.
    const RUN_GAP: usize = 6;
    let first_long = long.iter().position(|&l| l > 0.0);
    let last_long = long.iter().rposition(|&l| l > 0.0);
    let mut best_run = (0usize, 0usize, 0f64);
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
    // Page statistics.
    let total_words = (pw[n] as f32).max(1.0);
    let long_words: f32 = (0..n).filter(|&k| long[k] > 0.0).map(|k| words[k]).sum();
    let page = [
        pr[n] as f32 / n as f32,
        long_words / total_words,
        bullets as f32 / n as f32,
        (n as f32).ln_1p(),
        total_words.ln_1p(),
        pp[n] as f32 / n as f32,
    ];

    // Decayed densities forwards, and the block of non-blank lines between blank lines
    // that the row is in (its end found at its first line).
    let (mut dw, mut dp) = (0f32, 0f32);
    let (mut bs, mut be) = (0, 0);
    for k in 0..n {
        let line = lines[k];
        let row = &mut out.rows[k * FEATURE_COUNT..(k + 1) * FEATURE_COUNT];
        if k == be {
            bs = k;
            be = k + 1;
            while be < n && lines[be] == lines[be - 1] + 1 {
                be += 1;
            }
        }
        row[26] = window_mean(pr, k, 3);
        row[27] = if k > 0 { rules[k - 1] } else { 1.0 };
        row[28] = if k + 1 < n { rules[k + 1] } else { 1.0 };
        row[29] = if k > 0 { words[k - 1] } else { 0.0 };
        row[30] = if k + 1 < n { words[k + 1] } else { 0.0 };
        row[31] = window_mean(pw, k, 3);
        row[32] = window_mean(pw, k, 8);
        row[33] = window_mean(pl, k, 3);
        row[34] = window_mean(pl, k, 8);
        row[35] = window_mean(pp, k, 3);
        row[36] = window_mean(pp, k, 8);
        row[37] = dw;
        row[39] = dp;
        dw = DECAY * dw + (1.0 - DECAY) * words[k];
        dp = DECAY * dp + (1.0 - DECAY) * prose[k];
        let prev_line = if k > 0 { lines[k - 1] + 1 } else { 0 };
        let next_line = if k + 1 < n { lines[k + 1] } else { table.len() };
        row[41] = (line - prev_line).min(5) as f32;
        row[42] = (next_line - line - 1).min(5) as f32;
        row[43] = (be - bs) as f32;
        row[44] = (k - bs) as f32 / (be - bs) as f32;
        row[45] = (pw[be] - pw[bs]) as f32;
        row[46] = k as f32 / n as f32;
        row[47] = f32::from(first_long.is_none_or(|f| k < f));
        row[48] = f32::from(last_long.is_none_or(|l| k > l));
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
        row[66] = window_mean(plabel, k, 3);
        row[68] = window_mean(pdigits, k, 3);
        // A heading: a short line that is not prose, followed by a long prose line.
        row[59] = f32::from(
            words[k] <= 12.0
                && prose[k] == 0.0
                && k + 1 < n
                && long[k + 1] > 0.0
                && prose[k + 1] > 0.0,
        );
    }
    distances(rules, words, long, prose, &mut out.rows);
}

/// Distances are counted in non-blank lines and capped here.
const MAX_DISTANCE: f32 = 50.0;

/// How far line `k` is from the line `seen` (capped at [`MAX_DISTANCE`], which it also is
/// when there was none).
fn distance(seen: Option<usize>, k: usize) -> f32 {
    seen.map_or(MAX_DISTANCE, |s| (s.abs_diff(k) as f32).min(MAX_DISTANCE))
}

/// The features of where a line sits among the page's markers and its long lines, in one
/// pass forwards and one backwards: how far (in non-blank lines) the nearest line a marker
/// rule removed is before it and after it (rows 60, 61), how far the nearest line with a
/// time-stamp or comment cue is (62, 63), the share of the page's running text (the words
/// of its long lines) that comes before it (64), how far the nearest long line is, the
/// line itself included (49), whether the nearest long lines before and after it both
/// read like prose (69) and how far each is (70, 71), and how far back the last line
/// that ends in a colon is (67). A comment thread
/// starts after the article's last long line, with a cue on every post; list items and
/// headings inside an article lie between long prose lines, far from the rules' markers.
fn distances(rules: &[f32], words: &[f32], long: &[f32], prose: &[f32], rows: &mut [f32]) {
    let n = rules.len();
    debug_assert_eq!(rows.len(), n * FEATURE_COUNT);
    let cue = |row: &[f32]| row[15] > 0.0 || row[16] > 0.0;
    let long_total: f32 = (0..n).filter(|&k| long[k] > 0.0).map(|k| words[k]).sum();
    let long_total = long_total.max(1.0);
    let (mut rule_seen, mut cue_seen, mut long_seen) = (None, None, None::<usize>);
    let mut colon_seen = None;
    let mut long_before = 0f32;
    for (k, row) in rows.chunks_exact_mut(FEATURE_COUNT).enumerate() {
        row[60] = distance(rule_seen, k);
        row[62] = distance(cue_seen, k);
        row[64] = long_before / long_total;
        row[69] = f32::from(long_seen.is_some_and(|l| prose[l] > 0.0));
        row[70] = distance(long_seen, k);
        row[67] = distance(colon_seen, k);
        if row[9] > 0.0 {
            colon_seen = Some(k);
        }
        if rules[k] > 0.0 {
            rule_seen = Some(k);
        }
        if cue(row) {
            cue_seen = Some(k);
        }
        if long[k] > 0.0 {
            long_before += words[k];
            long_seen = Some(k);
        }
        // The page's line count when there is no long line.
        row[49] = long_seen.map_or(n as f32, |l| (k - l) as f32);
    }
    let (mut rule_seen, mut cue_seen, mut long_seen) = (None, None, None::<usize>);
    for (k, row) in rows.chunks_exact_mut(FEATURE_COUNT).enumerate().rev() {
        row[61] = distance(rule_seen, k);
        row[63] = distance(cue_seen, k);
        row[69] *= f32::from(long_seen.is_some_and(|l| prose[l] > 0.0));
        row[71] = distance(long_seen, k);
        if rules[k] > 0.0 {
            rule_seen = Some(k);
        }
        if cue(row) {
            cue_seen = Some(k);
        }
        if long[k] > 0.0 {
            long_seen = Some(k);
        }
        let until_long = long_seen.map_or(n as f32, |l| (l - k) as f32);
        row[49] = row[49].min(until_long).min(MAX_DISTANCE);
    }
}

/// How far into a line [`label_value`] looks for the colon that ends a label.
const LABEL_BYTES: usize = 40;

/// True if `trimmed` reads `Label: value`: a label of one to four words ending in a colon
/// within its first [`LABEL_BYTES`] bytes, and a value after it (a colon at the end is
/// `ends_colon`; a time `12:30` or a URL's `://` has no space after the colon).
/// Addresses, opening hours, recipe quantities, product details and event data are blocks
/// of such lines inside the text (rows 65 and 66, with the colon heading's distance, 67,
/// and the digits around, 68); menus are not.
fn label_value(trimmed: &[u8]) -> bool {
    let head = &trimmed[..trimmed.len().min(LABEL_BYTES)];
    let Some(colon) = memchr::memchr(b':', head) else {
        return false;
    };
    let label = &head[..colon];
    let value = &trimmed[colon + 1..];
    !label.is_empty()
        && label.iter().filter(|&&b| b == b' ').count() < 4
        && value.first().is_some_and(|&b| b == b' ' || b == b'\t')
        && value.iter().any(|b| !b.is_ascii_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line long enough to count as running text.
    const LONG: &str = "This sentence is a line of running text with the words that make it long enough to count as one.";

    /// The feature columns of `doc` (one value per non-blank line), with the lines
    /// `removed` removed by a marker rule.
    fn columns(doc: &str, removed: &[usize]) -> impl Fn(usize) -> Vec<f32> {
        let table = LineTable::new(doc.as_bytes());
        let mut fates = vec![Fate::KEPT; table.len()];
        for &line in removed {
            fates[line] = Fate::removed(0);
        }
        let mut out = LineFeatures::default();
        compute(&table, &fates, &mut out);
        move |f| (0..out.lines.len()).map(|k| out.row(k)[f]).collect()
    }

    #[test]
    fn distances_to_markers_and_the_running_text_before() {
        let doc = format!(
            "Menu\n{LONG}\nRemoved by a rule\nA list item\n{LONG}\nErik said: yes\nBlue sky\n"
        );
        let column = columns(&doc, &[2]);
        let cap = MAX_DISTANCE;
        assert_eq!(
            column(60),
            [cap, cap, cap, 1.0, 2.0, 3.0, 4.0],
            "dist_rule_prev"
        );
        assert_eq!(
            column(61),
            [2.0, 1.0, cap, cap, cap, cap, cap],
            "dist_rule_next"
        );
        assert_eq!(
            column(62),
            [cap, cap, cap, cap, cap, cap, 1.0],
            "dist_cue_prev"
        );
        assert_eq!(
            column(63),
            [5.0, 4.0, 3.0, 2.0, 1.0, cap, cap],
            "dist_cue_next"
        );
        assert_eq!(
            column(64),
            [0.0, 0.0, 0.5, 0.5, 0.5, 1.0, 1.0],
            "long_share_before"
        );
        assert_eq!(FEATURE_NAMES[60], "dist_rule_prev");
        assert_eq!(FEATURE_NAMES[64], "long_share_before");
    }

    #[test]
    fn label_value_lines_and_their_blocks() {
        crate::model::assert_shape(
            label_value,
            &[
                "Adresse: Hauptstraße 12",
                "Backzeit: 40 Min",
                "Tel.:\t0201 123",
            ],
            &[
                "Zutaten:",
                "Opening at 10:30 every day",
                "https://example.com/a",
                "The minister said on Tuesday in a long statement: no.",
                "Label: ",
            ],
        );
        let doc = format!(
            "{LONG}\nZutaten:\n250 g Mehl\n2 Eier\nBackzeit: 30 Min\nGesamt: 45 Min\n{LONG}\nHome\n"
        );
        let column = columns(&doc, &[]);
        let cap = MAX_DISTANCE;
        assert_eq!(
            column(65),
            [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0],
            "label_value"
        );
        assert_eq!(column(66)[3], 2.0 / 6.0, "label_value_win3");
        assert_eq!(
            column(67),
            [cap, cap, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            "colon_head_dist"
        );
        let digits = column(3);
        let mean = |ks: &[usize]| ks.iter().map(|&k| digits[k]).sum::<f32>() / ks.len() as f32;
        assert!(
            (column(68)[2] - mean(&[0, 1, 3, 4, 5])).abs() < 1e-6,
            "digit_win3"
        );
        assert!(
            (column(68)[7] - mean(&[4, 5, 6])).abs() < 1e-6,
            "digit_win3 at the end"
        );
        assert!(column(68)[2] > 0.0);
        // Between the two long prose lines, and how far each is.
        assert_eq!(
            column(69),
            [0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0],
            "between_prose"
        );
        assert_eq!(
            column(70),
            [cap, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 1.0],
            "prev_long_dist"
        );
        assert_eq!(
            column(71),
            [6.0, 5.0, 4.0, 3.0, 2.0, 1.0, cap, cap],
            "next_long_dist"
        );
        assert_eq!(FEATURE_NAMES[65], "label_value");
        assert_eq!(FEATURE_NAMES[71], "next_long_dist");
    }
}
