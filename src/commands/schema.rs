//! `codefacts schema`

use std::process::ExitCode;

use anyhow::Result;

use super::EXIT_OK;

pub fn run() -> Result<ExitCode> {
    print!("{}", crate::store::SCHEMA_SQL);
    Ok(ExitCode::from(EXIT_OK))
}
