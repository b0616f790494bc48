//! `docs/default-pack.md`, generated from the embedded packs through the library's
//! `RuleSet` API (and the comments of `rules/*.toml`): the test fails when the committed
//! file is stale, and `UPDATE_DOCS=1` rewrites it.

use std::fmt::Write as _;
use std::path::Path;

use boilerstrip::RuleSet;
use boilerstrip::rules::{BUILTIN_PACKS, Position, Rule};

const PATH: &str = "docs/default-pack.md";
const REGENERATE: &str = "UPDATE_DOCS=1 cargo test --locked --test integration default_pack";

#[test]
fn default_pack_reference_is_up_to_date() {
    let generated = render(&RuleSet::builtin());
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(PATH);
    if std::env::var_os("UPDATE_DOCS").is_some_and(|v| v != "0") {
        std::fs::write(&path, &generated).expect("write docs/default-pack.md");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        let line = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(committed.lines().count().min(generated.lines().count()));
        panic!(
            "{PATH} is stale (first difference at line {}); regenerate it with `{REGENERATE}`",
            line + 1
        );
    }
}

#[test]
fn the_reference_names_every_rule_and_marker() {
    let rules = RuleSet::builtin();
    let page = render(&rules);
    for rule in rules.rules() {
        assert!(
            page.contains(&format!("### `{}`", rule.name())),
            "{}",
            rule.name()
        );
        for marker in rule.markers() {
            assert!(page.contains(&code(marker)), "{}: {marker}", rule.name());
        }
    }
}

/// The whole page.
fn render(rules: &RuleSet) -> String {
    let mut packs: Vec<&str> = Vec::new();
    for rule in rules.rules() {
        if !packs.contains(&rule.pack()) {
            packs.push(rule.pack());
        }
    }
    let markers: usize = rules.rules().iter().map(|r| r.markers().len()).sum();
    let mut out = String::new();
    let w = &mut out;
    wl(w, "# The default rule pack");
    wl(w, "");
    wl(
        w,
        &format!(
            "<!-- Generated from rules/*.toml by tests/docs/default_pack.rs; do not edit. Regenerate with: {REGENERATE} -->"
        ),
    );
    wl(w, "");
    wl(
        w,
        &format!(
            "The packs embedded in `boilerstrip`, in load order: {} rules with {markers} markers in {} packs, and the structural detectors. `--disable NAME` takes a pack or a rule name below, or a detector; `boilerstrip rules list` shows the same from the binary. The rule language is described in [rules.md](rules.md).",
            rules.rules().len(),
            packs.len()
        ),
    );
    wl(w, "");
    wl(
        w,
        "How the pack is built: marker rules use `where = \"equals\"` or `\"starts\"` with a `max_words` limit, so a sentence that mentions a marker (\"The company changed its privacy policy after the breach.\") is kept; every rule has such counterexamples. Rules that remove the rest of a page (`action = \"rest\"`) fire only in the later part of a document (their `position` below); headings that also appear in sidebars before the article (\"Most popular\", \"Recent posts\") remove only their own line. Every family has markers in English, German, French, Spanish, Italian, Portuguese, Dutch, Polish, Russian, Turkish, Chinese and Japanese; matching ignores ASCII case only, so markers with non-ASCII letters are listed in their case variants.",
    );
    wl(w, "");
    wl(w, "| pack | what it removes | rules |");
    wl(w, "|---|---|---|");
    for pack in &packs {
        let names: Vec<String> = rules
            .rules()
            .iter()
            .filter(|r| r.pack() == *pack)
            .map(|r| format!("[`{0}`](#{0})", r.name()))
            .collect();
        wl(
            w,
            &format!(
                "| [`{pack}`](#{pack}) | {} | {} |",
                cell(&header_comment(pack)),
                names.join(", ")
            ),
        );
    }
    wl(
        w,
        "| [detectors](#detectors) | structural detectors (not a pack for `--disable`: disable each by name) | — |",
    );
    for pack in &packs {
        wl(w, "");
        wl(w, &format!("## {pack}"));
        wl(w, "");
        wl(w, &format!("`rules/{pack}.toml`: {}", header_comment(pack)));
        for rule in rules.rules().iter().filter(|r| r.pack() == *pack) {
            render_rule(w, rule);
        }
    }
    render_detectors(w, rules);
    out
}

fn render_rule(w: &mut String, rule: &Rule) {
    wl(w, "");
    wl(w, &format!("### `{}`", rule.name()));
    wl(w, "");
    let about = rule_comment(rule.pack(), rule.name());
    if !about.is_empty() {
        wl(w, &about);
        wl(w, "");
    }
    let mut guards = vec![
        format!("action `{}`", lower(rule.action())),
        format!("where `{}`", lower(rule.where_())),
        format!("case `{}`", lower(rule.case())),
    ];
    if let Some(max) = rule.max_words() {
        guards.push(format!("max_words {max}"));
    }
    let position = rule.position();
    if position != Position::default() {
        guards.push(format!(
            "position {}–{} of the document",
            position.after, position.before
        ));
    }
    if let Some(pattern) = rule.pattern() {
        guards.push(format!("pattern {}", code(pattern)));
    }
    wl(w, &format!("{}.", guards.join(" · ")));
    wl(w, "");
    list(w, "Removes", rule.examples());
    list(w, "Keeps", rule.counterexamples());
    let markers: Vec<String> = rule.markers().iter().map(|m| code(m)).collect();
    wl(
        w,
        &format!(
            "<details><summary>{} marker{}</summary>\n\n{}\n\n</details>",
            markers.len(),
            if markers.len() == 1 { "" } else { "s" },
            markers.join(" · ")
        ),
    );
}

fn render_detectors(w: &mut String, rules: &RuleSet) {
    let d = rules.detectors();
    let on = |settings: Option<String>| settings.unwrap_or_else(|| "off".to_string());
    wl(w, "");
    wl(w, "## detectors");
    wl(w, "");
    wl(
        w,
        &format!("`rules/detectors.toml`: {}", header_comment("detectors")),
    );
    wl(w, "");
    wl(
        w,
        "They run after the rules, in this order, each on the lines still kept; see [rules.md](rules.md#detectors) for what each does and the code defaults.",
    );
    wl(w, "");
    wl(w, "| detector | settings in the default pack | why |");
    wl(w, "|---|---|---|");
    let rows = [
        (
            "repeated",
            on(d.repeated().map(|s| format!("`max_words = {}`", s.max_words()))),
        ),
        (
            "frequent",
            on(d.frequent().map(|f| format!("`min_docs = {}`", f.min_docs()))) + " (on with `--counts TABLE`)",
        ),
        (
            "context",
            on(d.context().map(|c| {
                format!(
                    "`max_words = {}`, `neighbour_max_words = {}`, `keep_prose = {}`",
                    c.max_words(), c.neighbour_max_words(), c.keep_prose()
                )
            })),
        ),
        (
            "edges",
            on(d.edges().map(|e| {
                format!(
                    "`long_words = {}`, `head_max_words = {}`, `foot_max_words = {}`, `keep_before = {}`, `keep_prose = {}`",
                    e.long_words(), e.head_max_words(), e.foot_max_words(), e.keep_before(), e.keep_prose()
                )
            })),
        ),
        (
            "orphan",
            on(d.orphan().map(|s| format!("`max_words = {}`", s.max_words()))),
        ),
    ];
    for (name, settings) in rows {
        let why = table_comment("detectors", &format!("[detectors.{name}]"));
        wl(w, &format!("| `{name}` | {settings} | {} |", cell(&why)));
    }
}

fn list(w: &mut String, title: &str, lines: &[String]) {
    if lines.is_empty() {
        return;
    }
    wl(w, &format!("{title}:"));
    wl(w, "");
    for line in lines {
        wl(w, &format!("- {}", code(line)));
    }
    wl(w, "");
}

/// The TOML source of an embedded pack.
fn source(pack: &str) -> &'static str {
    let origin = format!("rules/{pack}.toml");
    BUILTIN_PACKS
        .iter()
        .find(|(o, _)| *o == origin)
        .map(|(_, s)| *s)
        .unwrap_or_else(|| panic!("no embedded pack {origin}"))
}

/// The comment lines at the top of a pack, joined.
fn header_comment(pack: &str) -> String {
    comment_block(source(pack).lines())
}

/// The comment lines right after a rule's `name = "…"` line, joined.
fn rule_comment(pack: &str, name: &str) -> String {
    table_comment(pack, &format!("name = \"{name}\""))
}

/// The comment lines right after the line equal to `line`, joined.
fn table_comment(pack: &str, line: &str) -> String {
    let mut lines = source(pack).lines();
    if lines.by_ref().any(|l| l.trim() == line) {
        comment_block(lines)
    } else {
        String::new()
    }
}

fn comment_block<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    lines
        .map(str::trim)
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A markdown code span that holds `text` whatever backticks it contains.
fn code(text: &str) -> String {
    let ticks = "`".repeat(longest_backtick_run(text) + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || text.starts_with(' ') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// Text for a table cell: pipes escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn lower(value: impl std::fmt::Debug) -> String {
    format!("{value:?}").to_lowercase()
}

fn wl(w: &mut String, line: &str) {
    writeln!(w, "{line}").expect("write to a String");
}
