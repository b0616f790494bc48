//! Raw rule structs → validated [`Rule`]s, with `file:line:column` errors.

use std::collections::HashMap;
use std::sync::Arc;

use toml::Spanned;

use super::detectors::DetectorOverrides;
use super::parse::{
    LineStarts, RawContextDetector, RawEdgesDetector, RawFrequentDetector, RawModelDetector,
    RawPack, RawRule, RawShortLineDetector,
};
use super::{
    Action, Case, Context, Detector, Edges, Frequent, ModelSettings, Position, Rule, Settings,
    ShortLines, Where,
};
use crate::error::{Error, Result};

/// The checked content of one pack.
pub(crate) struct ValidPack {
    pub rules: Vec<Rule>,
    pub detectors: DetectorOverrides,
}

/// Where an error points: the pack's name and source, to turn spans into positions.
struct Site<'a> {
    origin: &'a str,
    source: &'a str,
    lines: LineStarts,
}

impl Site<'_> {
    fn error<T>(&self, at: &Spanned<T>, key: &str, message: impl Into<String>) -> Error {
        let position = self.lines.line_column(self.source, at.span().start);
        Error::rule(self.origin, position, Some(key), message)
    }

    fn position<T>(&self, at: &Spanned<T>) -> String {
        let (line, column) = self.lines.line_column(self.source, at.span().start);
        format!("{}:{line}:{column}", self.origin)
    }
}

/// Validates every rule and detector table of `raw`.
pub(crate) fn pack(raw: RawPack, source: &str, origin: &str) -> Result<ValidPack> {
    let site = Site {
        origin,
        source,
        lines: LineStarts::of(source),
    };
    let pack_name: Arc<str> = pack_name(origin).into();
    let mut rules: Vec<Rule> = Vec::with_capacity(raw.rule.len());
    // Each name with the index of the rule that took it.
    let mut names: HashMap<Arc<str>, usize> = HashMap::with_capacity(raw.rule.len());
    for raw_rule in raw.rule {
        let rule = rule(raw_rule.into_inner(), &site, &pack_name)?;
        if let Some(&first) = names.get(&rule.name) {
            return Err(duplicate_name(&rule, &rules[first].defined_at));
        }
        names.insert(rule.name.clone(), rules.len());
        rules.push(rule);
    }
    let raw = raw.detectors;
    let mut detectors = DetectorOverrides::new();
    if let Some(table) = raw.repeated {
        let settings = short_lines(table, &site, ShortLines::REPEATED_DEFAULT)?;
        detectors.push((Detector::Repeated, settings.map(Settings::Repeated)));
    }
    if let Some(table) = raw.frequent {
        let settings = frequent(table, &site)?;
        detectors.push((Detector::Frequent, settings.map(Settings::Frequent)));
    }
    if let Some(table) = raw.model {
        let settings = model(table.into_inner(), &site)?;
        detectors.push((Detector::Model, settings.map(Settings::Model)));
    }
    if let Some(table) = raw.context {
        let settings = context(table.into_inner(), &site)?;
        detectors.push((Detector::Context, settings.map(Settings::Context)));
    }
    if let Some(table) = raw.edges {
        let settings = edges(table.into_inner(), &site)?;
        detectors.push((Detector::Edges, settings.map(Settings::Edges)));
    }
    if let Some(table) = raw.orphan {
        let settings = short_lines(table, &site, ShortLines::ORPHAN_DEFAULT)?;
        detectors.push((Detector::Orphan, settings.map(Settings::Orphan)));
    }
    Ok(ValidPack { rules, detectors })
}

/// The error for a rule whose name was already taken at `first`.
pub(crate) fn duplicate_name(rule: &Rule, first: &str) -> Error {
    let (origin, position) = split_defined_at(&rule.defined_at);
    Error::rule(
        origin,
        position,
        Some("name"),
        format!(
            "duplicate rule name \"{}\" (first defined at {first})",
            rule.name
        ),
    )
}

/// The pack name of an origin: its file stem (`rules/promo.toml` → `promo`).
fn pack_name(origin: &str) -> &str {
    let file = origin.rsplit(['/', '\\']).next().unwrap_or(origin);
    file.strip_suffix(".toml").unwrap_or(file)
}

fn split_defined_at(defined_at: &str) -> (&str, (usize, usize)) {
    let mut parts = defined_at.rsplitn(3, ':');
    let column = parts.next().and_then(|c| c.parse().ok()).unwrap_or(1);
    let line = parts.next().and_then(|l| l.parse().ok()).unwrap_or(1);
    (parts.next().unwrap_or(defined_at), (line, column))
}

fn rule(raw: RawRule, site: &Site<'_>, pack: &Arc<str>) -> Result<Rule> {
    let name = check_name(&raw.name, site)?;
    let markers = markers(&raw.markers, site)?;
    let where_ = enum_value(
        raw.where_.as_ref(),
        "where",
        site,
        &[
            ("contains", Where::Contains),
            ("starts", Where::Starts),
            ("ends", Where::Ends),
            ("equals", Where::Equals),
        ],
    )?
    .unwrap_or(Where::Contains);
    let case = enum_value(
        raw.case.as_ref(),
        "case",
        site,
        &[
            ("insensitive", Case::Insensitive),
            ("sensitive", Case::Sensitive),
        ],
    )?
    .unwrap_or(Case::Insensitive);
    let action = enum_value(
        raw.action.as_ref(),
        "action",
        site,
        &[
            ("line", Action::Line),
            ("block", Action::Block),
            ("rest", Action::Rest),
            ("document", Action::Document),
        ],
    )?
    .unwrap_or(Action::Line);
    let max_words = match &raw.max_words {
        Some(max) if *max.get_ref() == 0 => {
            return Err(site.error(max, "max_words", "must be at least 1"));
        }
        Some(max) => Some(*max.get_ref()),
        None => None,
    };
    let position = position(raw.after.as_ref(), raw.before.as_ref(), site)?;
    let pattern = raw
        .pattern
        .as_ref()
        .map(|pattern| {
            regex::bytes::Regex::new(pattern.get_ref()).map_err(|err| {
                site.error(
                    pattern,
                    "pattern",
                    format!("invalid regex: {}", one_line(&err)),
                )
            })
        })
        .transpose()?;
    Ok(Rule {
        name: name.into(),
        pack: pack.clone(),
        defined_at: site.position(&raw.name),
        markers,
        where_,
        case,
        action,
        max_words,
        position,
        pattern_start: raw
            .pattern
            .as_ref()
            .and_then(|pattern| super::start_bytes::start_bytes(pattern.get_ref())),
        pattern,
        examples: raw.examples,
        counterexamples: raw.counterexamples,
    })
}

/// Names are kebab-case (`[a-z0-9]+(-[a-z0-9]+)*`) and may not shadow a detector.
fn check_name<'a>(name: &'a Spanned<String>, site: &Site<'_>) -> Result<&'a str> {
    let text = name.get_ref().as_str();
    let kebab = !text.is_empty()
        && text.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if !kebab {
        return Err(site.error(
            name,
            "name",
            format!("\"{text}\" is not kebab-case (lowercase letters, digits and single dashes)"),
        ));
    }
    if Detector::from_name(text).is_some() {
        return Err(site.error(
            name,
            "name",
            format!("\"{text}\" is the name of a detector; pick another"),
        ));
    }
    Ok(text)
}

fn markers(raw: &Spanned<Vec<Spanned<String>>>, site: &Site<'_>) -> Result<Vec<String>> {
    if raw.get_ref().is_empty() {
        return Err(site.error(raw, "markers", "the marker list is empty"));
    }
    raw.get_ref()
        .iter()
        .map(|marker| {
            let text = marker.get_ref();
            if text.is_empty() {
                Err(site.error(marker, "markers", "empty marker"))
            } else if text.contains(['\n', '\r']) {
                Err(site.error(marker, "markers", "a marker may not contain a line break"))
            } else {
                Ok(text.clone())
            }
        })
        .collect()
}

fn enum_value<T: Copy>(
    raw: Option<&Spanned<String>>,
    key: &str,
    site: &Site<'_>,
    choices: &[(&str, T)],
) -> Result<Option<T>> {
    let Some(raw) = raw else { return Ok(None) };
    match choices.iter().find(|(text, _)| text == raw.get_ref()) {
        Some(&(_, value)) => Ok(Some(value)),
        None => {
            let names: Vec<&str> = choices.iter().map(|(text, _)| *text).collect();
            Err(site.error(
                raw,
                key,
                format!(
                    "unknown value \"{}\", expected one of: {}",
                    raw.get_ref(),
                    names.join(", ")
                ),
            ))
        }
    }
}

fn position(
    after: Option<&Spanned<f64>>,
    before: Option<&Spanned<f64>>,
    site: &Site<'_>,
) -> Result<Position> {
    let mut position = Position::default();
    for (raw, key, slot) in [
        (after, "after", &mut position.after),
        (before, "before", &mut position.before),
    ] {
        if let Some(raw) = raw {
            let value = *raw.get_ref();
            if !(0.0..=1.0).contains(&value) {
                return Err(site.error(raw, key, "must be a fraction between 0.0 and 1.0"));
            }
            *slot = value;
        }
    }
    if position.after > position.before {
        let at = after
            .or(before)
            .expect("one bound is set when they conflict");
        return Err(site.error(at, "after", "`after` is greater than `before`"));
    }
    Ok(position)
}

fn short_lines(
    raw: Spanned<RawShortLineDetector>,
    site: &Site<'_>,
    default: ShortLines,
) -> Result<Option<ShortLines>> {
    let raw = raw.into_inner();
    if raw.enabled == Some(false) {
        return Ok(None);
    }
    match raw.max_words {
        Some(max) if *max.get_ref() == 0 => {
            Err(site.error(&max, "max_words", "must be at least 1"))
        }
        Some(max) => Ok(Some(ShortLines {
            max_words: *max.get_ref(),
        })),
        None => Ok(Some(default)),
    }
}

/// The regex crate's multi-line syntax errors end with the line that says what is wrong.
fn one_line(err: &regex::Error) -> String {
    let text = err.to_string();
    let last = text
        .lines()
        .rfind(|line| !line.trim().is_empty())
        .unwrap_or(&text);
    last.trim().trim_start_matches("error: ").to_string()
}

fn frequent(raw: Spanned<RawFrequentDetector>, site: &Site<'_>) -> Result<Option<Frequent>> {
    let raw = raw.into_inner();
    if raw.enabled == Some(false) {
        return Ok(None);
    }
    let mut settings = Frequent::DEFAULT;
    if let Some(min) = raw.min_docs {
        if *min.get_ref() == 0 {
            return Err(site.error(&min, "min_docs", "must be at least 1"));
        }
        settings.min_docs = *min.get_ref();
    }
    if let Some(max) = raw.max_words {
        if *max.get_ref() == 0 {
            return Err(site.error(&max, "max_words", "must be at least 1"));
        }
        settings.max_words = Some(*max.get_ref());
    }
    Ok(Some(settings))
}

/// A detector setting: the default when absent, an error when `positive` and 0.
fn setting(
    raw: Option<&Spanned<u32>>,
    key: &str,
    default: u32,
    positive: bool,
    site: &Site<'_>,
) -> Result<u32> {
    match raw {
        Some(value) if positive && *value.get_ref() == 0 => {
            Err(site.error(value, key, "must be at least 1"))
        }
        Some(value) => Ok(*value.get_ref()),
        None => Ok(default),
    }
}

fn model(raw: RawModelDetector, site: &Site<'_>) -> Result<Option<ModelSettings>> {
    if raw.enabled == Some(false) {
        return Ok(None);
    }
    let mut settings = ModelSettings::DEFAULT;
    if let Some(threshold) = raw.threshold {
        settings = settings
            .with_threshold(*threshold.get_ref())
            .map_err(|_| site.error(&threshold, "threshold", "must lie between 0 and 1"))?;
    }
    if let Some(confirm) = raw.confirm {
        settings = settings
            .with_confirm(*confirm.get_ref())
            .map_err(|_| site.error(&confirm, "confirm", "must lie between 0 and 1"))?;
    }
    Ok(Some(settings))
}

fn context(raw: RawContextDetector, site: &Site<'_>) -> Result<Option<Context>> {
    if raw.enabled == Some(false) {
        return Ok(None);
    }
    let default = Context::DEFAULT;
    Ok(Some(Context {
        max_words: setting(
            raw.max_words.as_ref(),
            "max_words",
            default.max_words,
            true,
            site,
        )?,
        neighbour_max_words: setting(
            raw.neighbour_max_words.as_ref(),
            "neighbour_max_words",
            default.neighbour_max_words,
            false,
            site,
        )?,
        keep_prose: raw.keep_prose.unwrap_or(default.keep_prose),
    }))
}

fn edges(raw: RawEdgesDetector, site: &Site<'_>) -> Result<Option<Edges>> {
    if raw.enabled == Some(false) {
        return Ok(None);
    }
    let default = Edges::DEFAULT;
    let settings = Edges {
        long_words: setting(
            raw.long_words.as_ref(),
            "long_words",
            default.long_words,
            true,
            site,
        )?,
        head_max_words: setting(
            raw.head_max_words.as_ref(),
            "head_max_words",
            default.head_max_words,
            false,
            site,
        )?,
        foot_max_words: setting(
            raw.foot_max_words.as_ref(),
            "foot_max_words",
            default.foot_max_words,
            false,
            site,
        )?,
        keep_before: setting(
            raw.keep_before.as_ref(),
            "keep_before",
            default.keep_before,
            false,
            site,
        )?,
        keep_prose: raw.keep_prose.unwrap_or(default.keep_prose),
    };
    // A head or foot limit at or above `long_words` would let the detector remove the
    // very lines that bound the body.
    for (value, key) in [
        (&raw.head_max_words, "head_max_words"),
        (&raw.foot_max_words, "foot_max_words"),
    ] {
        if let Some(value) = value
            && *value.get_ref() >= settings.long_words
        {
            return Err(site.error(value, key, "must be less than long_words"));
        }
    }
    Ok(Some(settings))
}

#[cfg(test)]
mod tests {
    use crate::rules::{Context, Detector, Edges, RuleSet};

    #[test]
    fn detector_tables() {
        let ok = RuleSet::from_toml(
            "[detectors.context]\nmax_words = 2\n[detectors.edges]\nfoot_max_words = 0\n",
            "p.toml",
        )
        .unwrap();
        let detectors = ok.detectors();
        assert_eq!(
            detectors.context(),
            Some(Context {
                max_words: 2,
                ..Context::DEFAULT
            })
        );
        assert_eq!(
            detectors.edges(),
            Some(Edges {
                foot_max_words: 0,
                ..Edges::DEFAULT
            })
        );
        let off = RuleSet::from_toml("[detectors.edges]\nenabled = false\n", "p.toml").unwrap();
        assert_eq!(off.detectors().edges(), None);
        let errors: &[(&str, &str)] = &[
            (
                "[detectors.edges]\nhead_max_words = 30\n",
                "less than long_words",
            ),
            ("[detectors.edges]\nlong_words = 0\n", "at least 1"),
            ("[detectors.context]\nmax_words = 0\n", "at least 1"),
            ("[detectors.context]\nwidth = 3\n", "width"),
        ];
        for (source, message) in errors {
            let err = RuleSet::from_toml(source, "p.toml")
                .unwrap_err()
                .to_string();
            assert!(err.starts_with("p.toml:2:"), "{err}");
            assert!(err.contains(message), "{err}");
        }
    }

    #[test]
    fn disable_switches_off_new_detectors() {
        let mut rules = RuleSet::builtin();
        assert!(
            rules.detectors().is_on(Detector::Context) && rules.detectors().is_on(Detector::Edges)
        );
        rules.disable("context").unwrap();
        rules.disable("edges").unwrap();
        assert!(
            !rules.detectors().is_on(Detector::Context)
                && !rules.detectors().is_on(Detector::Edges)
        );
    }

    #[test]
    fn a_large_pack_loads_in_linear_time_and_names_a_late_duplicate() {
        // 20,000 rules: each rule's position was counted from the start of the file and
        // each name compared with every earlier one, which took minutes in a debug build.
        let count = 20_000;
        let mut source = String::new();
        for i in 0..count {
            source.push_str(&format!(
                "[[rule]]\nname = \"r{i}\"\nmarkers = [\"m{i}\"]\n"
            ));
        }
        let rules = RuleSet::from_toml(&source, "big.toml").unwrap();
        assert_eq!(rules.rules().len(), count);
        source.push_str("[[rule]]\nname = \"r7\"\nmarkers = [\"again\"]\n");
        let err = RuleSet::from_toml(&source, "big.toml")
            .unwrap_err()
            .to_string();
        let line = 3 * count + 2;
        assert!(err.starts_with(&format!("big.toml:{line}:8: ")), "{err}");
        assert!(err.contains("first defined at big.toml:23:8"), "{err}");
    }

    #[test]
    fn every_detector_has_a_table_and_a_reserved_name() {
        for detector in Detector::ALL {
            let name = detector.name();
            let on = RuleSet::from_toml(&format!("[detectors.{name}]\n"), "p.toml").unwrap();
            let running: Vec<Detector> = Detector::ALL
                .into_iter()
                .filter(|&d| on.detectors().is_on(d))
                .collect();
            assert_eq!(running, [detector], "[detectors.{name}]");
            let off = format!("[detectors.{name}]\nenabled = false\n");
            let mut both = on.clone();
            both.add_pack(&off, "q.toml").unwrap();
            assert!(!both.detectors().is_on(detector), "{name} switched off");
            let rule = format!("[[rule]]\nname = \"{name}\"\nmarkers = [\"x\"]\n");
            let err = RuleSet::from_toml(&rule, "p.toml").unwrap_err().to_string();
            assert!(err.contains("is the name of a detector"), "{err}");
        }
    }
}
