use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = codefacts::cli::Cli::parse();
    match codefacts::commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("codefacts: error: {err:#}");
            ExitCode::from(codefacts::commands::EXIT_ERROR)
        }
    }
}
