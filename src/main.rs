//! The `boilerstrip` binary: parse arguments, run the command, map the outcome to an
//! exit code. A broken pipe downstream (`| head`) ends the run quietly with success.

mod cli;

use std::process::ExitCode;

use clap::Parser;

use cli::commands::{is_broken_pipe, is_interrupted};
use cli::exit::Exit;
use cli::say;

fn main() -> ExitCode {
    let args = cli::args::Args::parse();
    match cli::run(args) {
        Ok(exit) => exit.into(),
        Err(err) if is_broken_pipe(&err) => Exit::Success.into(),
        Err(err) if is_interrupted(&err) => {
            say!("interrupted");
            Exit::Interrupted.into()
        }
        Err(err) => {
            say!("{}", cli::hints::describe(&err));
            Exit::Error.into()
        }
    }
}
