//! The binary's command-line layer: parse, resolve, run one command. No cleaning logic.

pub mod args;
pub mod commands;
pub mod config;
pub mod counting;
pub mod exit;
pub mod output;
pub mod report;

use anyhow::Result;
use boilerstrip::pipeline::StopFlag;

use args::{Args, Command, RulesCommand};
use exit::Exit;

/// Runs the command `args` describe.
pub fn run(args: Args) -> Result<Exit> {
    let stop = stop_on_signals();
    match args.command {
        None => commands::clean(config::CleanConfig::from_args(args.clean, stop)?),
        Some(Command::Clean(clean)) => {
            commands::clean(config::CleanConfig::from_args(clean, stop)?)
        }
        Some(Command::Rules(RulesCommand::Check { files })) => commands::rules_check(&files),
        Some(Command::Rules(RulesCommand::Test { files })) => commands::rules_test(&files),
        Some(Command::Rules(RulesCommand::List { markers, rules })) => {
            let model = config::model(&rules)?;
            commands::rules_list(&config::rule_set(&rules, |_| Ok(()))?, model, markers)
        }
        Some(Command::Count(count)) => counting::count(count, &stop),
        Some(Command::Merge(merge)) => counting::merge(merge),
        Some(Command::Top(top)) => counting::top(top, &stop),
    }
}

/// A flag that the first SIGINT or SIGTERM sets, so that runs stop after the batch at
/// hand, keep finished outputs and remove unfinished ones; a second signal exits at once.
fn stop_on_signals() -> StopFlag {
    let stop = StopFlag::new();
    let flag = stop.clone();
    let installed = ctrlc::set_handler(move || {
        if flag.is_stopped() {
            std::process::exit(Exit::Interrupted as i32);
        }
        flag.stop();
    });
    // Without a handler the default action still ends the process; only the tidy-up is
    // lost, so a failure to install is not worth refusing to run over.
    drop(installed);
    stop
}
