use std::process::ExitCode;

use clap::Parser;

/// mimalloc for Rust's allocations (facts, strings, salsa): cheaper than glibc's malloc under
/// many small allocations from parallel workers. Tree-sitter and SQLite keep the C allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
