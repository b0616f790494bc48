//! The binary's command-line layer: parse, resolve, run one command. No cleaning logic.

/// Writes `boilerstrip: MESSAGE` to standard error. Unlike `eprintln!`, which panics when
/// standard error is closed (`2>&1 | head -c 10`), a message that cannot be written is
/// left unsaid: the run goes on, and its exit status still says how it went.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "boilerstrip: {}", format_args!($($arg)*));
    }};
}
pub(crate) use say;

pub mod args;
pub mod commands;
pub mod config;
pub mod counting;
pub mod docs;
pub mod exit;
pub mod hints;
pub mod output;
pub mod paths;
pub mod report;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;
use boilerstrip::pipeline::StopFlag;

use args::{Args, Command, RulesCommand};
use exit::Exit;

/// Runs the command `args` describe.
pub fn run(args: Args) -> Result<Exit> {
    let signals = Signals::install();
    let stop = signals.stop.clone();
    let clean = |args| -> Result<Exit> {
        let config = config::CleanConfig::from_args(args, signals.stop.clone())?;
        if config.interactive {
            // Blocked reading a terminal, the run would not see the flag until the next
            // line is typed: the first Ctrl-C ends it at once. Nothing typed is lost that
            // was not already on the screen.
            signals.exit_at_once();
        }
        commands::clean(config)
    };
    match args.command {
        None => clean(args.clean),
        Some(Command::Clean(args)) => clean(*args),
        Some(Command::Annotate(mut args)) => {
            args.annotate = true;
            clean(*args)
        }
        Some(Command::Rules(RulesCommand::Check { files })) => commands::rules_check(&files),
        Some(Command::Rules(RulesCommand::Test { files })) => commands::rules_test(&files),
        Some(Command::Rules(RulesCommand::List { markers, rules })) => {
            let options = config::rule_options(&rules);
            commands::rules_list(&config::rule_set(&options)?, options.model()?, markers)
        }
        Some(Command::Count(count)) => counting::count(count, &stop),
        Some(Command::Merge(merge)) => counting::merge(merge, &stop),
        Some(Command::Top(top)) => counting::top(top, &stop),
        Some(Command::Report(report)) => commands::report(report),
        Some(Command::Completions { shell }) => docs::completions(shell),
        Some(Command::Man { dir }) => docs::man(dir.as_deref()),
    }
}

/// What SIGINT and SIGTERM do.
struct Signals {
    /// Set by the first signal, so that runs stop after the batch at hand, keep finished
    /// outputs and remove unfinished ones; a second signal exits at once.
    stop: StopFlag,
    /// When set, the first signal exits at once.
    at_once: Arc<AtomicBool>,
}

impl Signals {
    fn install() -> Signals {
        let signals = Signals {
            stop: StopFlag::new(),
            at_once: Arc::new(AtomicBool::new(false)),
        };
        let (flag, at_once) = (signals.stop.clone(), Arc::clone(&signals.at_once));
        let installed = ctrlc::set_handler(move || {
            if flag.is_stopped() || at_once.load(Ordering::SeqCst) {
                std::process::exit(Exit::Interrupted as i32);
            }
            flag.stop();
        });
        // Without a handler the default action still ends the process; only the tidy-up
        // is lost, so a failure to install is not worth refusing to run over.
        drop(installed);
        signals
    }

    /// From now on the first signal ends the process at once.
    fn exit_at_once(&self) {
        self.at_once.store(true, Ordering::SeqCst);
    }
}
