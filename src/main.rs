use std::process::ExitCode;

use clap::Parser;
use clientfit::cli::Cli;
use clientfit::error::Failure;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
        }
    };
    // stderr stays unlocked: the progress spinner writes to it from its own thread.
    match clientfit::commands::run(
        &cli.command,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr(),
    ) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(err) => {
            let failure = Failure::of(&err);
            if failure != Failure::BrokenPipe {
                // File names and values in the message are untrusted, and
                // a value may be megabytes long.
                eprintln!("error: {}", clientfit::safe::message(&format!("{err:#}")));
            }
            ExitCode::from(failure.exit_code())
        }
    }
}
