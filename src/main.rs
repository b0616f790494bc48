//! The `boilerstrip` binary: parse arguments, run the command, map the outcome to an
//! exit code. A broken pipe downstream (`| head`) ends the run quietly with success.

mod cli;

use std::process::ExitCode;

use clap::Parser;

use cli::exit::Exit;

fn main() -> ExitCode {
    let args = cli::args::Args::parse();
    match cli::run(args) {
        Ok(exit) => exit.into(),
        Err(err) if is_broken_pipe(&err) => Exit::Success.into(),
        Err(err) if is_interrupted(&err) => {
            eprintln!("boilerstrip: interrupted");
            Exit::Interrupted.into()
        }
        Err(err) => {
            eprintln!("boilerstrip: {}", cli::hints::describe(&err));
            Exit::Error.into()
        }
    }
}

fn is_interrupted(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<boilerstrip::Error>()
            .is_some_and(|e| e.category() == boilerstrip::ErrorCategory::Interrupted)
    })
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        let io = cause.downcast_ref::<std::io::Error>().or_else(|| {
            cause
                .downcast_ref::<boilerstrip::Error>()
                .and_then(|e| e.io_error())
        });
        io.is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
