//! The binary's command-line layer: parse, resolve, run one command. No cleaning logic.

pub mod args;
pub mod commands;
pub mod config;
pub mod counting;
pub mod exit;
pub mod output;
pub mod report;

use anyhow::Result;

use args::{Args, Command, RulesCommand};
use exit::Exit;

/// Runs the command `args` describe.
pub fn run(args: Args) -> Result<Exit> {
    match args.command {
        None => commands::clean(config::CleanConfig::from_args(args.clean)?),
        Some(Command::Clean(clean)) => commands::clean(config::CleanConfig::from_args(clean)?),
        Some(Command::Rules(RulesCommand::Check { files })) => commands::rules_check(&files),
        Some(Command::Rules(RulesCommand::Test { files })) => commands::rules_test(&files),
        Some(Command::Rules(RulesCommand::List { markers, rules })) => {
            commands::rules_list(&config::rule_set(&rules)?, markers)
        }
        Some(Command::Count(count)) => counting::count(count),
        Some(Command::Merge(merge)) => counting::merge(merge),
        Some(Command::Top(top)) => counting::top(top),
    }
}
