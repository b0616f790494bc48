//! The binary's own documentation: the EXAMPLES of `--help`, shell completions and the
//! man pages, all generated from the one clap definition so they cannot drift from it.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::Shell;

use super::args::Args;
use super::exit::Exit;

/// `(what it does, command)` for the EXAMPLES of `--help` and the man page; an empty
/// description continues the example above. A test runs every command on fixtures of
/// these names (`tests/docs/help.rs`).
pub const EXAMPLES: &[(&str, &str)] = &[
    (
        "Clean a text file (one document) with the default rules",
        "boilerstrip page.txt > clean.txt",
    ),
    (
        "Clean JSONL shards into a directory, on all cores, resumable",
        "boilerstrip shards/*.jsonl.zst -o clean/ --resume",
    ),
    (
        "Clean a Common Crawl WET file; the output keeps its format and compression",
        "boilerstrip CC-MAIN.warc.wet.gz -o clean.warc.wet.gz",
    ),
    (
        "JSONL from a pipe, the text in a nested field",
        "cat shard.jsonl | boilerstrip -f jsonl --field metadata.content",
    ),
    (
        "Show why each line went (the rule or detector), and the statistics",
        "boilerstrip --explain page.txt --stats stats.json",
    ),
    (
        "Review what was removed in one HTML page; make it again later from the removal log",
        "boilerstrip CC-MAIN.warc.wet.gz --log log.jsonl --report review.html > /dev/null",
    ),
    ("", "boilerstrip report log.jsonl -o review.html"),
    (
        "Test your own rules, then clean with them added to the defaults",
        "boilerstrip rules test my-rules.toml && boilerstrip -r my-rules.toml page.txt",
    ),
    (
        "Count the lines of a corpus, then remove those found in at least 10 documents",
        "boilerstrip count shards/*.jsonl.zst -o counts.bsc",
    ),
    (
        "",
        "boilerstrip --counts counts.bsc shards/*.jsonl.zst -o clean/",
    ),
    (
        "Write shell completions (bash, zsh, fish, elvish, powershell) and the man page",
        "boilerstrip completions bash > boilerstrip.bash",
    ),
    ("", "boilerstrip man > boilerstrip.1"),
];

const EXIT_CODES: &str = "Exit codes: 0 success; 1 ran to the end but some input could not be \
processed (reported on stderr), or `rules test` failed; 2 error (bad flags, unreadable rules or \
input, write failure); 130 interrupted. A broken pipe downstream (`| head`) is a quiet success.";

/// The text after the options in `--help`: the examples and the exit codes.
pub fn after_help() -> String {
    let mut text = String::from("Examples:\n");
    for (what, command) in EXAMPLES {
        if !what.is_empty() {
            text.push_str(&format!("  {what}:\n"));
        }
        text.push_str(&format!("      {command}\n"));
    }
    text.push('\n');
    text.push_str(EXIT_CODES);
    text
}

/// `boilerstrip completions SHELL`: the completion script on standard output.
pub fn completions(shell: Shell) -> Result<Exit> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Args::command(), "boilerstrip", &mut script);
    write_stdout(&script)?;
    Ok(Exit::Success)
}

/// `boilerstrip man [DIR]`: the main page on standard output, or with `DIR` one page per
/// command written there (`boilerstrip.1`, `boilerstrip-clean.1`, …).
pub fn man(dir: Option<&Path>) -> Result<Exit> {
    // Built, so that subcommands know their full names (`boilerstrip-rules-test`); the
    // `help` subcommand has no page of its own.
    let mut command = Args::command().disable_help_subcommand(true);
    command.build();
    match dir {
        None => write_stdout(&page(&command)?)?,
        Some(dir) => write_pages(&command, dir)?,
    }
    Ok(Exit::Success)
}

fn write_pages(command: &clap::Command, dir: &Path) -> Result<()> {
    let roff = page(command)?;
    let path = dir.join(clap_mangen::Man::new(command.clone()).get_filename());
    std::fs::write(&path, roff).with_context(|| format!("{}", path.display()))?;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub, dir)?;
    }
    Ok(())
}

/// One man page: clap_mangen's sections, then EXAMPLES and EXIT STATUS on the main page.
pub fn page(command: &clap::Command) -> Result<Vec<u8>> {
    let man = clap_mangen::Man::new(command.clone()).manual("boilerstrip manual");
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    if command.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out)?;
    }
    if command.has_subcommands() {
        man.render_subcommands_section(&mut out)?;
    }
    if command.get_name() == "boilerstrip" {
        out.extend_from_slice(b".SH EXAMPLES\n");
        for (what, example) in EXAMPLES {
            if !what.is_empty() {
                out.extend_from_slice(format!(".PP\n{}\n", roff(what)).as_bytes());
            }
            out.extend_from_slice(
                format!(".RS\n.nf\n\\fB{}\\fR\n.fi\n.RE\n", roff(example)).as_bytes(),
            );
        }
        out.extend_from_slice(format!(".SH \"EXIT STATUS\"\n{}\n", roff(EXIT_CODES)).as_bytes());
    }
    if command.get_version().is_some() {
        man.render_version_section(&mut out)?;
    }
    Ok(out)
}

/// Text for a roff line: backslashes and dashes escaped, and a leading control
/// character made literal.
fn roff(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_shows_every_example_and_the_exit_codes() {
        let help = Args::command().render_long_help().to_string();
        for (what, command) in EXAMPLES {
            assert!(help.contains(&format!("      {command}\n")), "{help}");
            assert!(
                what.is_empty() || help.contains(&format!("  {what}:\n")),
                "{help}"
            );
        }
        assert!(help.contains("Exit codes: 0 success"), "{help}");
    }

    #[test]
    fn the_main_man_page_has_options_subcommands_examples_and_exit_status() {
        let page = String::from_utf8(page(&Args::command()).unwrap()).unwrap();
        assert!(page.starts_with(".ie \\n(.g .ds Aq"), "{page}");
        assert!(page.contains(".TH boilerstrip 1"), "{page}");
        for section in [
            "SYNOPSIS",
            "OPTIONS",
            "SUBCOMMANDS",
            "EXAMPLES",
            "\"EXIT STATUS\"",
        ] {
            assert!(
                page.contains(&format!(".SH {section}")),
                "{section} in {page}"
            );
        }
        assert!(
            page.contains("\\fBboilerstrip page.txt > clean.txt\\fR"),
            "{page}"
        );
        assert!(page.contains("\\-\\-no\\-default\\-rules"), "{page}");
    }

    #[test]
    fn roff_text_is_escaped() {
        assert_eq!(roff(r"a\b -x"), r"a\eb \-x");
        assert_eq!(roff(".TH not a macro"), r"\&.TH not a macro");
        assert_eq!(roff("'quote"), r"\&'quote");
    }
}
