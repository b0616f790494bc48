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
//! features 60
//! tree F:T:L:R F:T:L:R ... / V V V ...
//! ```
//!
//! `features` must equal [`features::FEATURE_COUNT`]. Each `tree` line lists its splits
//! (node 0 first): a row goes left when feature `F` is at most `T` (an `f32`, as the
//! features are), else right; a child `L` or `R` of 0 or more is a split, a negative child `-k-1` is
//! leaf `k`. The leaf values follow the `/`. A tree without splits is a single leaf.

pub mod features;
pub mod protect;

use std::fmt;

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
#[derive(Clone, PartialEq)]
pub struct Model {
    name: String,
    trees: Vec<Tree>,
    /// Every tree's splits in one array, children as indices into it (a leaf `k` of the
    /// ensemble as `!k`), and the root of each tree: what [`Model::raw_score`] walks.
    nodes: Vec<Split>,
    roots: Vec<i32>,
    leaves: Vec<f64>,
}

impl fmt::Debug for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Model")
            .field("name", &self.name)
            .field("trees", &self.trees.len())
            .finish()
    }
}

impl Model {
    /// The model embedded in the binary.
    pub fn builtin() -> Model {
        Model::parse(BUILTIN_MODEL, BUILTIN_MODEL_NAME).expect("the built-in model parses")
    }

    /// Reads a model file; errors name `origin` and the line.
    ///
    /// ```
    /// let model = boilerstrip::model::Model::parse(
    ///     "boilerstrip-model 1\nfeatures 60\ntree 0:5:-1:-2 / 1.5 -2\n",
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
                trees.push(parse_tree(body).map_err(|why| fail(at, why))?);
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
        let (mut nodes, mut roots, mut leaves) = (Vec::new(), Vec::new(), Vec::new());
        for tree in &trees {
            let (node_base, leaf_base) = (nodes.len() as i32, leaves.len() as i32);
            let child = |c: i32| {
                if c < 0 {
                    !(leaf_base + (-c - 1))
                } else {
                    node_base + c
                }
            };
            roots.push(if tree.splits.is_empty() {
                !leaf_base
            } else {
                node_base
            });
            nodes.extend(tree.splits.iter().map(|split| Split {
                left: child(split.left),
                right: child(split.right),
                ..*split
            }));
            leaves.extend_from_slice(&tree.leaves);
        }
        Ok(Model {
            name: origin.to_string(),
            trees,
            nodes,
            roots,
            leaves,
        })
    }

    /// Where the model was read from (`builtin:model.txt` for the built-in one).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The number of trees.
    pub fn trees(&self) -> usize {
        self.trees.len()
    }

    /// The sum of the trees' leaf values for one row of [`FEATURE_COUNT`] features.
    pub fn raw_score(&self, row: &[f32]) -> f64 {
        let row: &[f32; FEATURE_COUNT] = row.try_into().expect("a row has FEATURE_COUNT features");
        let mut sum = 0.0;
        for &root in &self.roots {
            let mut at = root;
            while at >= 0 {
                let split = &self.nodes[at as usize];
                at = if row[usize::from(split.feature)] <= split.threshold {
                    split.left
                } else {
                    split.right
                };
            }
            sum += self.leaves[!at as usize];
        }
        sum
    }

    /// The probability that the line of `row` is boilerplate.
    pub fn score(&self, row: &[f32]) -> f64 {
        1.0 / (1.0 + (-self.raw_score(row)).exp())
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
