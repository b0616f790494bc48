//! The learned line scorer: a gradient-boosted tree ensemble over per-line features.
//!
//! A [`Model`] is read from a small text file (the built-in one is embedded in the binary,
//! like the rule packs) written by `scripts/train-model`. Its score of a line is the
//! probability that the line is boilerplate: the logistic function of the sum of its
//! trees' leaf values for the line's [`features`] row. The `model` detector removes a line
//! the marker rules kept when that probability reaches the pack's threshold.
//!
//! The file format, one item a line (`#` starts a comment line):
//!
//! ```text
//! boilerstrip-model 1
//! features 72
//! tree F:T:L:R F:T:L:R ... / V V V ...
//! ```
//!
//! `features` must equal [`features::FEATURE_COUNT`]. Each `tree` line lists its splits
//! (node 0 first): a row goes left when feature `F` is at most `T` (an `f32`, as the
//! features are), else right; a child `L` or `R` of 0 or more is a split, a negative child `-k-1` is
//! leaf `k`. The leaf values follow the `/`. A tree without splits is a single leaf; no tree
//! may be more than [`MAX_DEPTH`] splits deep.

pub mod features;
pub mod protect;
mod shape;

use std::fmt;
use std::path::Path;

use crate::error::{Error, Result};
pub use features::{FEATURE_COUNT, FEATURE_NAMES, LineFeatures};

/// The built-in model file, trained by `scripts/train-model`.
pub const BUILTIN_MODEL: &str = include_str!("../../rules/model.txt");

/// The name the built-in model is known by (in `rules list` and `--explain`).
pub const BUILTIN_MODEL_NAME: &str = "builtin:model.txt";

/// One split of a tree.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Split {
    feature: u16,
    threshold: f32,
    left: i32,
    right: i32,
}

/// One tree: its splits (the root first) and its leaf values.
#[derive(Debug, Clone, PartialEq)]
struct Tree {
    splits: Vec<Split>,
    leaves: Vec<f64>,
}

/// A tree ensemble that scores feature rows.
///
/// Every tree is stored complete to the depth of the deepest one: a leaf above that depth
/// becomes splits whose two sides lead to copies of its value. A row then takes exactly
/// `depth` steps down every tree, with no branch to mispredict (from node `i` the next is
/// `2i` or `2i + 1`), and [`Model::raw_scores`] walks eight rows through a tree side by
/// side, so that their steps overlap in the processor. The walk is compiled for each depth,
/// with a tree's nodes in a fixed-size array, so that no step checks an index.
#[derive(Clone, PartialEq)]
pub struct Model {
    name: String,
    depth: u32,
    /// `2^depth` places for the splits of each tree, tree after tree, each tree in
    /// breadth-first order from place 1 (the children of split `i` are `2i` and `2i + 1`;
    /// place 0 is unused).
    splits: Vec<CompleteSplit>,
    /// The `2^depth` leaf values of each tree, tree after tree.
    leaves: Vec<f64>,
}

/// A split of a complete tree: a row goes right unless its feature is at most the
/// threshold (so a NaN goes right).
#[derive(Debug, Clone, Copy, PartialEq)]
struct CompleteSplit {
    feature: u8,
    threshold: f32,
}

/// Trees deeper than this are refused: a complete tree has `2^depth` leaves.
pub const MAX_DEPTH: u32 = 12;

/// Rows walked through a tree side by side by [`Model::raw_scores`].
const ROWS_AT_ONCE: usize = 8;

/// The length of a row in a block of [`Model::raw_scores`]: room for every value of a
/// split's `u8` feature index, so that the index needs no check (or mask) to be in the
/// row.
const PADDED_ROW: usize = 1 << u8::BITS;

// A feature index fits a split's `u8`.
const _: () = assert!(FEATURE_COUNT <= PADDED_ROW);

/// Rows of a block, padded.
type Block = [[f32; PADDED_ROW]; ROWS_AT_ONCE];

impl fmt::Debug for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Model")
            .field("name", &self.name)
            .field("trees", &self.trees())
            .field("depth", &self.depth)
            .finish()
    }
}

impl Model {
    /// The model embedded in the binary.
    pub fn builtin() -> Model {
        Model::parse(BUILTIN_MODEL, BUILTIN_MODEL_NAME).expect("the built-in model parses")
    }

    /// Reads the model file at `path` (written by `scripts/train-model`), as `--model`
    /// does; errors name the file.
    pub fn from_path(path: &Path) -> Result<Model> {
        let text = std::fs::read_to_string(path).map_err(|error| Error::io(path, error))?;
        Model::parse(&text, &path.display().to_string())
    }

    /// Parses the text of a model file; errors name `origin` and the line.
    ///
    /// ```
    /// let model = boilerstrip::model::Model::parse(
    ///     &format!(
    ///         "boilerstrip-model 1\nfeatures {}\ntree 0:5:-1:-2 / 1.5 -2\n",
    ///         boilerstrip::model::FEATURE_COUNT
    ///     ),
    ///     "tiny.txt",
    /// )?;
    /// let mut row = [0.0f32; boilerstrip::model::FEATURE_COUNT];
    /// assert_eq!(model.raw_score(&row), 1.5);
    /// row[0] = 9.0;
    /// assert_eq!(model.raw_score(&row), -2.0);
    /// # Ok::<(), boilerstrip::Error>(())
    /// ```
    pub fn parse(text: &str, origin: &str) -> Result<Model> {
        let fail =
            |line: usize, why: String| Error::config(format!("{origin}: line {}: {why}", line + 1));
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
        match lines.next() {
            Some((_, "boilerstrip-model 1")) => {}
            Some((at, other)) => {
                return Err(fail(
                    at,
                    format!("expected `boilerstrip-model 1`, found `{other}`"),
                ));
            }
            None => return Err(fail(0, "empty model file".into())),
        }
        let mut trees = Vec::new();
        let mut features_seen = false;
        for (at, line) in lines {
            if let Some(count) = line.strip_prefix("features ") {
                if count.trim() != FEATURE_COUNT.to_string() {
                    return Err(fail(
                        at,
                        format!(
                            "the model has {} features, this build computes {FEATURE_COUNT}",
                            count.trim()
                        ),
                    ));
                }
                features_seen = true;
            } else if let Some(body) = line.strip_prefix("tree ") {
                let tree = parse_tree(body).map_err(|why| fail(at, why))?;
                let depth = tree.depth(0);
                if depth > MAX_DEPTH {
                    return Err(fail(at, format!("a tree deeper than {MAX_DEPTH} levels")));
                }
                trees.push((tree, depth));
            } else {
                return Err(fail(at, format!("unknown line `{line}`")));
            }
        }
        if !features_seen {
            return Err(fail(0, "no `features` line".into()));
        }
        if trees.is_empty() {
            return Err(fail(0, "no trees".into()));
        }
        let depth = trees.iter().map(|&(_, depth)| depth).max().unwrap_or(0);
        let mut model = Model {
            name: origin.to_string(),
            depth,
            splits: Vec::with_capacity(trees.len() << depth),
            leaves: Vec::with_capacity(trees.len() << depth),
        };
        let unused = CompleteSplit {
            feature: 0,
            threshold: f32::INFINITY,
        };
        for (tree, _) in &trees {
            let base = (model.splits.len(), model.leaves.len());
            model.splits.resize(base.0 + (1 << depth), unused);
            model.leaves.resize(base.1 + (1 << depth), 0.0);
            let (splits, leaves) = (&mut model.splits[base.0..], &mut model.leaves[base.1..]);
            tree.complete(0, 1, depth, splits, leaves);
        }
        Ok(model)
    }

    /// Where the model was read from (`builtin:model.txt` for the built-in one).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The number of trees.
    pub fn trees(&self) -> usize {
        self.leaves.len() >> self.depth
    }

    /// The sum of the trees' leaf values for one row of [`FEATURE_COUNT`] features.
    pub fn raw_score(&self, row: &[f32]) -> f64 {
        assert_eq!(row.len(), FEATURE_COUNT, "a row has FEATURE_COUNT features");
        let mut out = Vec::with_capacity(1);
        self.raw_scores(row, &mut out);
        out[0]
    }

    /// [`Model::raw_score`] of every row of `rows` (rows of [`FEATURE_COUNT`] features,
    /// one after another), into `out` in row order.
    pub fn raw_scores(&self, rows: &[f32], out: &mut Vec<f64>) {
        assert_eq!(
            rows.len() % FEATURE_COUNT,
            0,
            "rows of FEATURE_COUNT features"
        );
        self.raw_scores_of(rows.chunks_exact(FEATURE_COUNT), out);
    }

    /// [`Model::raw_score`] of each row that `rows` yields (each of [`FEATURE_COUNT`]
    /// features), into `out` in order: the rows are copied once, into the blocks the
    /// trees are walked with.
    pub(crate) fn raw_scores_of<'r>(
        &self,
        rows: impl IntoIterator<Item = &'r [f32]>,
        out: &mut Vec<f64>,
    ) {
        // The walk for this model's depth: `N` is the number of places of a tree.
        let block_sums = match self.depth {
            0 => Model::block_sums::<1>,
            1 => Model::block_sums::<2>,
            2 => Model::block_sums::<4>,
            3 => Model::block_sums::<8>,
            4 => Model::block_sums::<16>,
            5 => Model::block_sums::<32>,
            6 => Model::block_sums::<64>,
            7 => Model::block_sums::<128>,
            8 => Model::block_sums::<256>,
            9 => Model::block_sums::<512>,
            10 => Model::block_sums::<1024>,
            11 => Model::block_sums::<2048>,
            _ => Model::block_sums::<4096>,
        };
        out.clear();
        let mut rows = rows.into_iter();
        let mut block: Block = [[0.0; PADDED_ROW]; ROWS_AT_ONCE];
        loop {
            // `zip` asks the block first, so no row is taken that has no place.
            let mut count = 0;
            for (padded, row) in block.iter_mut().zip(rows.by_ref()) {
                padded[..FEATURE_COUNT].copy_from_slice(row);
                count += 1;
            }
            if count == 0 {
                break;
            }
            out.extend_from_slice(&block_sums(self, &block)[..count]);
        }
    }

    /// The sums of the rows of `block`, walked through each tree side by side and added
    /// up tree by tree, so that a row's sum does not depend on its neighbours. `N` is
    /// `2^depth`: a tree's splits sit at places `1..N`, and a row that has taken `depth`
    /// steps is at place `N + k` for leaf `k`.
    fn block_sums<const N: usize>(&self, block: &Block) -> [f64; ROWS_AT_ONCE] {
        let mut sums = [0f64; ROWS_AT_ONCE];
        for (splits, leaves) in self.splits.chunks_exact(N).zip(self.leaves.chunks_exact(N)) {
            let splits: &[CompleteSplit; N] = splits.try_into().expect("N places a tree");
            let leaves: &[f64; N] = leaves.try_into().expect("N leaves a tree");
            let mut at = [1usize; ROWS_AT_ONCE];
            for _ in 0..N.trailing_zeros() {
                for (at, row) in at.iter_mut().zip(block) {
                    let split = splits[*at & (N - 1)];
                    let value = row[usize::from(split.feature)];
                    // Left when `value <= threshold` (a NaN goes right).
                    *at = 2 * *at + 1 - usize::from(value <= split.threshold);
                }
            }
            for (sum, at) in sums.iter_mut().zip(at) {
                *sum += leaves[at & (N - 1)];
            }
        }
        sums
    }

    /// The probability that the line of `row` is boilerplate.
    pub fn score(&self, row: &[f32]) -> f64 {
        1.0 / (1.0 + (-self.raw_score(row)).exp())
    }
}

impl Tree {
    /// The number of splits on the longest way from `node` (a split, or `-k-1` for leaf
    /// `k`) to a leaf.
    fn depth(&self, node: i32) -> u32 {
        match usize::try_from(node) {
            Ok(at) if at < self.splits.len() => {
                let split = self.splits[at];
                1 + self.depth(split.left).max(self.depth(split.right))
            }
            _ => 0,
        }
    }

    /// Writes the subtree at `node` (as in [`Tree::depth`]) into a complete tree of
    /// `depth` levels at breadth-first place `at` (the root at 1): a leaf reached before
    /// the last level fills every leaf below its place.
    fn complete(
        &self,
        node: i32,
        at: usize,
        depth: u32,
        splits: &mut [CompleteSplit],
        leaves: &mut [f64],
    ) {
        let places = 1usize << depth;
        if at >= places {
            leaves[at - places] = self.leaf_value(node);
            return;
        }
        let (left, right) = match usize::try_from(node) {
            Ok(index) if index < self.splits.len() => {
                let split = self.splits[index];
                splits[at] = CompleteSplit {
                    feature: u8::try_from(split.feature).expect("a feature of the row"),
                    threshold: split.threshold,
                };
                (split.left, split.right)
            }
            // A leaf above the last level: both sides lead to it.
            _ => (node, node),
        };
        self.complete(left, 2 * at, depth, splits, leaves);
        self.complete(right, 2 * at + 1, depth, splits, leaves);
    }

    /// The value of `node`, a leaf `-k-1`, or leaf 0 for a tree without splits.
    fn leaf_value(&self, node: i32) -> f64 {
        if self.splits.is_empty() {
            return self.leaves[0];
        }
        self.leaves[(-node - 1) as usize]
    }
}

/// Reads the body of a `tree` line.
fn parse_tree(body: &str) -> std::result::Result<Tree, String> {
    let (splits, leaves) = body
        .split_once('/')
        .ok_or_else(|| "a tree line needs `/` before its leaves".to_string())?;
    let leaves: Vec<f64> = leaves
        .split_whitespace()
        .map(|v| v.parse().map_err(|_| format!("bad leaf value `{v}`")))
        .collect::<std::result::Result<_, _>>()?;
    let mut out = Vec::new();
    for split in splits.split_whitespace() {
        let parts: Vec<&str> = split.split(':').collect();
        let [f, t, l, r] = parts[..] else {
            return Err(format!(
                "bad split `{split}` (want FEATURE:THRESHOLD:LEFT:RIGHT)"
            ));
        };
        let bad = || format!("bad split `{split}`");
        let feature: u16 = f.parse().map_err(|_| bad())?;
        if feature as usize >= FEATURE_COUNT {
            return Err(format!(
                "split `{split}` names feature {feature}, past the last"
            ));
        }
        out.push(Split {
            feature,
            threshold: t.parse().map_err(|_| bad())?,
            left: l.parse().map_err(|_| bad())?,
            right: r.parse().map_err(|_| bad())?,
        });
    }
    if leaves.len() != out.len() + 1 {
        return Err(format!(
            "a tree with {} splits needs {} leaves, found {}",
            out.len(),
            out.len() + 1,
            leaves.len()
        ));
    }
    for split in &out {
        for child in [split.left, split.right] {
            let ok = if child < 0 {
                ((-child - 1) as usize) < leaves.len()
            } else {
                (child as usize) < out.len()
            };
            if !ok {
                return Err(format!("a child {child} points past the tree"));
            }
        }
    }
    // Children must point forwards, so that evaluation always ends.
    for (index, split) in out.iter().enumerate() {
        if [split.left, split.right]
            .iter()
            .any(|&c| c >= 0 && (c as usize) <= index)
        {
            return Err(format!("split {index} points back into the tree"));
        }
    }
    Ok(Tree {
        splits: out,
        leaves,
    })
}

/// Asserts that `shape` holds for every line of `yes` and for none of `no`: the table
/// test of a line classifier, its examples and counterexamples.
#[cfg(test)]
fn assert_shape(shape: impl Fn(&[u8]) -> bool, yes: &[&str], no: &[&str]) {
    for line in yes {
        assert!(shape(line.as_bytes()), "{line:?} has the shape");
    }
    for line in no {
        assert!(!shape(line.as_bytes()), "{line:?} has not the shape");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> std::result::Result<Model, String> {
        Model::parse(text, "m.txt").map_err(|e| e.to_string())
    }

    #[test]
    fn trees_walk_to_their_leaves() {
        let model = parse(&format!(
            "# a comment\nboilerstrip-model 1\nfeatures {FEATURE_COUNT}\n\
             tree 0:2.5:1:-3 1:0:-1:-2 / 1 2 3\ntree / 0.5\n"
        ))
        .unwrap();
        let mut row = [0.0f32; FEATURE_COUNT];
        assert_eq!(model.raw_score(&row), 1.5, "left, left");
        row[1] = 1.0;
        assert_eq!(model.raw_score(&row), 2.5, "left, right");
        row[0] = 2.5;
        assert_eq!(
            model.raw_score(&row),
            2.5,
            "a value equal to the threshold goes left"
        );
        row[0] = 3.0;
        assert_eq!(model.raw_score(&row), 3.5, "right");
        assert!((model.score(&row) - 1.0 / (1.0 + (-3.5f64).exp())).abs() < 1e-12);
        assert_eq!(model.trees(), 2);
        assert_eq!(model.name(), "m.txt");
    }

    /// The sum of `model`'s trees for `row`, walking the trees as the file gives them.
    fn walked(text: &str, row: &[f32]) -> f64 {
        let mut sum = 0.0;
        for line in text.lines().filter_map(|l| l.strip_prefix("tree ")) {
            let tree = parse_tree(line).unwrap();
            let mut node = 0i32;
            while let Some(split) = usize::try_from(node)
                .ok()
                .and_then(|at| tree.splits.get(at))
            {
                let left = row[usize::from(split.feature)] <= split.threshold;
                node = if left { split.left } else { split.right };
            }
            sum += tree.leaf_value(node);
        }
        sum
    }

    #[test]
    fn complete_trees_of_any_depth_give_the_walked_sums() {
        // Trees of depth 0 to 3, leaves at every level, a NaN threshold and NaN values.
        let text = format!(
            "boilerstrip-model 1\nfeatures {FEATURE_COUNT}\n\
             tree / 0.25\n\
             tree 3:0.5:-1:-2 / -1 1\n\
             tree 0:1:1:-1 1:2:-2:2 2:NaN:-3:-4 / 10 20 30 40\n\
             tree 0:0:-1:1 1:0:-2:2 2:0:-3:-4 / 0.5 0.125 0.0625 2\n"
        );
        let model = parse(&text).unwrap();
        assert_eq!(model.depth, 3);
        let values = [-1.0, 0.0, 0.5, 1.0, 1.5, 2.5, f32::NAN];
        let mut rows = Vec::new();
        for i in 0..values.len().pow(4) {
            let mut row = [0.0f32; FEATURE_COUNT];
            let mut rest = i;
            for value in &mut row[..4] {
                *value = values[rest % values.len()];
                rest /= values.len();
            }
            rows.extend_from_slice(&row);
        }
        let mut sums = Vec::new();
        model.raw_scores(&rows, &mut sums);
        assert_eq!(sums.len(), rows.len() / FEATURE_COUNT);
        for (k, row) in rows.chunks(FEATURE_COUNT).enumerate() {
            let expected = walked(&text, row);
            assert_eq!(
                sums[k].to_bits(),
                expected.to_bits(),
                "row {k}: {:?}",
                &row[..4]
            );
            assert_eq!(
                model.raw_score(row).to_bits(),
                expected.to_bits(),
                "row {k}"
            );
        }
    }

    #[test]
    fn too_deep_trees_are_refused() {
        // A chain of MAX_DEPTH + 1 splits: split k goes left to split k + 1, right to
        // leaf k; the last one goes left to the last leaf.
        let last = MAX_DEPTH as i32;
        let splits: Vec<String> = (0..=last)
            .map(|k| {
                let left = if k == last { -(last + 2) } else { k + 1 };
                format!("0:{k}:{left}:{}", -(k + 1))
            })
            .collect();
        let leaves = vec!["0"; MAX_DEPTH as usize + 2];
        let text = format!(
            "boilerstrip-model 1\nfeatures {FEATURE_COUNT}\ntree {} / {}\n",
            splits.join(" "),
            leaves.join(" ")
        );
        let err = parse(&text).unwrap_err();
        assert!(
            err.contains("line 3: a tree deeper than 12 levels"),
            "{err}"
        );
        let fits = text.replacen(&splits[0], &format!("0:0:-{}:-1", last + 2), 1);
        assert!(parse(&fits).is_ok(), "one split less deep parses");
    }

    #[test]
    fn bad_files_are_refused_with_the_line() {
        let head = format!("boilerstrip-model 1\nfeatures {FEATURE_COUNT}\n");
        let cases = [
            ("", "empty model file"),
            ("model 2\n", "line 1: expected `boilerstrip-model 1`"),
            (
                "boilerstrip-model 1\nfeatures 3\ntree / 1\n",
                "line 2: the model has 3",
            ),
            ("boilerstrip-model 1\ntree / 1\n", "no `features` line"),
            (&*head, "no trees"),
            (
                &*format!("{head}tree 0:1:-1:-2 / 1\n"),
                "line 3: a tree with 1 splits",
            ),
            (&*format!("{head}tree 99:1:-1:-2 / 1 2\n"), "past the last"),
            (&*format!("{head}tree 0:1:0:-2 / 1 2\n"), "points back"),
            (
                &*format!("{head}tree 0:1:5:-2 / 1 2\n"),
                "points past the tree",
            ),
            (&*format!("{head}tree 0:x:-1:-2 / 1 2\n"), "bad split"),
            (&*format!("{head}tree 0:1:-1:-2 1 2\n"), "needs `/`"),
            (&*format!("{head}leaf 3\n"), "unknown line"),
        ];
        for (text, expected) in cases {
            let err = parse(text).unwrap_err();
            assert!(err.contains(expected), "{text:?}: {err}");
            assert!(err.contains("m.txt"), "{err}");
        }
    }

    #[test]
    fn builtin_model_parses() {
        let model = Model::builtin();
        assert!(model.trees() >= 1);
        assert!(
            BUILTIN_MODEL.len() <= 64 * 1024,
            "weights stay within 64 KiB"
        );
    }
}
