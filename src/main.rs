use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    codefacts::term::start_clock();
    let cli = codefacts::cli::Cli::parse();
    match codefacts::commands::run(cli) {
        Ok(code) => code,
        // The reader of our output went away (`| head`): a quiet end, not an error.
        Err(err) if codefacts::term::is_broken_pipe(&err) => {
            ExitCode::from(codefacts::commands::EXIT_OK)
        }
        Err(err) => {
            codefacts::errln!("codefacts: error: {err:#}");
            ExitCode::from(codefacts::commands::EXIT_ERROR)
        }
    }
}
