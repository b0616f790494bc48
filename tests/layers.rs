//! The layer test: every `crate::`, `super::` and child-module path in the library's
//! sources points down (or sideways within one layer) the layer order, never up.
//!
//! ```text
//! text (lines, line table, normal form, errors)
//!   → I/O beside text (formats' readers/writers, compression, count-table files)
//!   → rules → matcher + detectors → cleaner → pipeline → CLI
//! ```
//!
//! ripgrep keeps its direction by making each layer a crate; we keep ours with this test.
//! A new module must be given a layer in [`LAYERS`]; the binary (`main.rs`, `cli/`) is
//! the top layer and imports the library only through `boilerstrip::`, so it is not
//! read.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// The layers, lowest first. A module may import from its own layer and the ones below.
const ORDER: [&str; 7] = [
    "text", "io", "rules", "matcher", "cleaner", "pipeline", "cli",
];

/// Each module (a path from the crate root) and its layer; a module not listed takes the
/// layer of its closest listed parent.
const LAYERS: &[(&str, &str)] = &[
    // Text: pure views of bytes and lines, and the types every layer shares.
    ("lines", "text"),
    ("normal", "text"),
    ("simd", "text"),
    ("steps", "text"),
    // I/O beside text: readers and writers, compression, the count-table format.
    ("error", "io"),
    ("stop", "io"),
    ("formats", "io"),
    ("count_table", "io"),
    // The rule language: parsing, validation, detector settings.
    ("rules", "rules"),
    // Finding what to remove: the marker automaton and the detectors.
    ("compile", "matcher"),
    ("reach", "matcher"),
    ("scan", "matcher"),
    ("detect", "matcher"),
    // The line scorer (features, trees, content-shape protections): a detector too.
    ("model", "matcher"),
    // Deciding a document, and the views of a decision.
    ("clean", "cleaner"),
    ("options", "cleaner"),
    ("decision", "cleaner"),
    ("explain", "cleaner"),
    ("stats", "cleaner"),
    ("examples", "cleaner"),
    // Driving batches of documents through the cleaner.
    ("pipeline", "pipeline"),
    // The audit views of a decision that need a record's identity (log, attributes).
    ("audit", "pipeline"),
    // The corpus scan (`count`, `top`) on the batch driver.
    ("counts", "pipeline"),
];

/// Imports against the order that are known and being removed: (importing module,
/// imported module). Each must still occur, so a fixed one is deleted here too.
const KNOWN: &[(&str, &str)] = &[];

/// The layer of a module path, by its closest listed parent; `None` when no parent is
/// listed.
fn layer_of(module: &str) -> Option<&'static str> {
    let mut path = module;
    loop {
        if let Some(&(_, layer)) = LAYERS.iter().find(|(m, _)| *m == path) {
            return Some(layer);
        }
        path = &path[..path.rfind("::")?];
    }
}

fn rank(layer: &str) -> usize {
    ORDER
        .iter()
        .position(|l| *l == layer)
        .unwrap_or_else(|| panic!("layer {layer} is not in ORDER"))
}

/// The module path of a source file (`src/detect/mod.rs` → `detect`).
fn module_of(relative: &Path) -> String {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    let file = parts.pop().expect("a file name");
    let stem = file.strip_suffix(".rs").expect("a Rust file");
    if stem != "mod" {
        parts.push(stem.to_string());
    }
    parts.join("::")
}

/// `source` without comments (doc comments included) and string literals' contents, so
/// that only code is read.
fn code_of(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                out.push('"');
                let mut escaped = false;
                for c in chars.by_ref() {
                    if c == '"' && !escaped {
                        break;
                    }
                    escaped = c == '\\' && !escaped;
                }
                out.push('"');
            }
            // A char literal such as '"' must not open a string; lifetimes pass as is.
            '\'' => {
                out.push('\'');
                let rest: String = chars.clone().take(3).collect();
                if rest.starts_with("\"'") || rest.starts_with("\\\"'") {
                    let skip = if rest.starts_with('"') { 2 } else { 3 };
                    for _ in 0..skip {
                        chars.next();
                    }
                    out.push('\'');
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// The modules a path expression names after a prefix: `x::…` gives `x`, and
/// `{a::…, b}` gives `a` and `b`. `rest` is the text right after the prefix.
fn first_segments(rest: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    if let Some(inner) = rest.strip_prefix('{') {
        let mut depth = 0;
        let mut items = Vec::new();
        let mut start = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    items.push(&inner[start..i]);
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(&inner[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        items
            .into_iter()
            .map(|item| ident(item.trim()))
            .filter(|name| !name.is_empty() && name != "self")
            .collect()
    } else {
        vec![ident(rest)]
    }
}

/// The inline modules of `code` (`mod tests { … }`): each one's name and byte range.
fn inline_modules(code: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut found = Vec::new();
    for (at, _) in code.match_indices("mod ") {
        if at > 0 && code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[at + 4..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let after = rest[name.len()..].trim_start();
        if name.is_empty() || !after.starts_with('{') {
            continue;
        }
        let open = code.len() - after.len();
        let mut depth = 0;
        let close = code[open..]
            .char_indices()
            .find(|&(_, c)| {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map_or(code.len(), |(i, _)| open + i);
        found.push((name, open..close));
    }
    found
}

/// Every module `code` (of module `module`, with child modules `children`) names
/// through `crate::`, `super::` or a child module's name, as paths from the crate root.
fn imports(module: &str, code: &str, children: &[String]) -> Vec<String> {
    let inline = inline_modules(code);
    // The module a byte of the file is in: the file's, or an inline module inside it.
    let module_at = |at: usize| {
        inline
            .iter()
            .filter(|(_, range)| range.contains(&at))
            .fold(module.to_string(), |m, (name, _)| format!("{m}::{name}"))
    };
    let parent = |m: &str| {
        m.rfind("::")
            .map_or(String::new(), |at| m[..at].to_string())
    };
    let join = |base: &str, name: &str| {
        if base.is_empty() {
            name.to_string()
        } else {
            format!("{base}::{name}")
        }
    };
    let mut found = Vec::new();
    let bytes = code.as_bytes();
    for (at, _) in code.match_indices("::") {
        // The path segment before `::`, and what stands before that segment.
        let start = code[..at]
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let segment = &code[start..at];
        let preceded_by_path = start >= 2 && &bytes[start - 2..start] == b"::";
        if preceded_by_path || segment.is_empty() {
            continue;
        }
        let rest = &code[at + 2..];
        let base = match segment {
            "crate" => String::new(),
            "super" => {
                // `super::super::x` climbs once per `super`.
                let mut base = parent(&module_at(at));
                let mut rest = rest;
                while let Some(more) = rest.strip_prefix("super::") {
                    base = parent(&base);
                    rest = more;
                }
                for name in first_segments(rest) {
                    // `super::*` names the parent module itself.
                    found.push(if name.is_empty() {
                        base.clone()
                    } else {
                        join(&base, &name)
                    });
                }
                continue;
            }
            child if children.iter().any(|c| c == child) => {
                found.push(join(module, child));
                continue;
            }
            _ => continue,
        };
        for name in first_segments(rest) {
            // `crate::formats::process` names a module with its own layer.
            let deeper = rest
                .strip_prefix(name.as_str())
                .and_then(|r| r.strip_prefix("::"))
                .map(|r| {
                    r.chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect::<String>()
                })
                .filter(|sub| LAYERS.iter().any(|(m, _)| *m == join(&name, sub)));
            found.push(match deeper {
                Some(sub) => format!("{}::{sub}", join(&base, &name)),
                None => join(&base, &name),
            });
        }
    }
    found
}

/// Every library source file under `dir` (not the binary's), with its module path.
fn sources(root: &Path, dir: &Path, out: &mut Vec<(String, String, String)>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let relative = path.strip_prefix(root).expect("under src");
        if relative == Path::new("cli") || relative == Path::new("main.rs") {
            continue;
        }
        if path.is_dir() {
            sources(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") && relative != Path::new("lib.rs") {
            let source = fs::read_to_string(&path).expect("a readable source file");
            let file = format!("src/{}", relative.display());
            out.push((file, module_of(relative), source));
        }
    }
}

#[test]
fn imports_follow_the_layer_order() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &root, &mut files);
    assert!(files.len() > 30, "the sources were found");
    let mut errors = Vec::new();
    // Top-level module → the top-level modules it imports, for the cycle check.
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut known_seen: BTreeMap<(String, String), bool> = KNOWN
        .iter()
        .map(|&(from, to)| ((from.to_string(), to.to_string()), false))
        .collect();
    for (file, module, source) in &files {
        let Some(layer) = layer_of(module) else {
            errors.push(format!("{file}: module `{module}` has no layer in LAYERS"));
            continue;
        };
        let code = code_of(source);
        let children: Vec<String> = code
            .lines()
            .filter_map(|line| {
                let line = line.trim();
                let rest = line
                    .strip_prefix("pub mod ")
                    .or_else(|| line.strip_prefix("pub(crate) mod "))
                    .or_else(|| line.strip_prefix("mod "))?;
                rest.strip_suffix(';').map(str::to_string)
            })
            .collect();
        for target in imports(module, &code, &children) {
            let (from_top, to_top) = (top_level(module), top_level(&target));
            if from_top != to_top {
                edges.entry(from_top).or_default().insert(to_top);
            }
            let Some(target_layer) = layer_of(&target) else {
                errors.push(format!(
                    "{file} imports `crate::{target}`, which has no layer in LAYERS \
                     (import items from the module that defines them)"
                ));
                continue;
            };
            if rank(target_layer) <= rank(layer) {
                continue;
            }
            if let Some(seen) = known_seen.get_mut(&(module.clone(), target.clone())) {
                *seen = true;
                continue;
            }
            errors.push(format!(
                "{file} (layer {layer}) imports `crate::{target}` (layer {target_layer}), \
                 which is above it"
            ));
        }
    }
    for ((from, to), seen) in known_seen {
        if !seen {
            errors.push(format!(
                "the known exception {from} → {to} no longer occurs: delete it from KNOWN"
            ));
        }
    }
    if let Some(cycle) = find_cycle(&edges) {
        errors.push(format!(
            "top-level modules import each other in a cycle (a layer may import itself, \
             but its modules not one another in a ring): {}",
            cycle.join(" → ")
        ));
    }
    errors.sort();
    errors.dedup();
    assert!(
        errors.is_empty(),
        "imports against the layer order ({}):\n{}",
        ORDER.join(" → "),
        errors.join("\n")
    );
}

/// The top-level module of a module path (`formats` of `formats::jsonl`).
fn top_level(module: &str) -> String {
    module.split("::").next().unwrap_or(module).to_string()
}

/// A cycle in `edges`, as the path that closes it (`a → b → a`), if there is one.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|seen| seen == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|node| visit(node, edges, &mut Vec::new(), &mut done))
}

#[test]
fn a_cycle_is_found_and_named() {
    let edges = |pairs: &[(&str, &str)]| {
        let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, to) in pairs {
            map.entry(from.to_string())
                .or_default()
                .insert(to.to_string());
        }
        map
    };
    assert_eq!(
        find_cycle(&edges(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    assert_eq!(
        find_cycle(&edges(&[("a", "b"), ("a", "c"), ("b", "c")])),
        None
    );
}

#[test]
fn the_reader_finds_every_kind_of_path() {
    let code = code_of(
        "use crate::{lines::Line, rules::{Rule, Where}, self};\n\
         use super::super::compile::Matcher; // crate::pipeline in a comment\n\
         fn f(t: &crate::clean::LineTable) { let s = \"crate::cli\"; let q = '\"'; }\n\
         use child::Thing; use crate::pipeline::process::Emit;\n\
         mod tests { use super::*; use super::super::edges; }\n",
    );
    let found = imports("detect::context", &code, &["child".to_string()]);
    assert_eq!(
        found,
        [
            "lines",
            "rules",
            "compile",
            "clean",
            "detect::context::child",
            "pipeline",
            "detect::context",
            "detect::edges",
        ]
    );
    assert_eq!(layer_of("pipeline::process::x"), Some("pipeline"));
    assert_eq!(layer_of("formats::jsonl"), Some("io"));
    assert_eq!(layer_of("nowhere"), None);
}
