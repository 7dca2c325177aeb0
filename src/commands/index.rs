//! `codefacts index [PATH]`

use std::process::ExitCode;

use anyhow::Result;

use super::{EXIT_OK, Repo};
use crate::cli::IndexArgs;

pub fn run(args: IndexArgs) -> Result<ExitCode> {
    let repo = Repo::locate(args.path.as_deref(), &args.repo)?;
    let summary = repo.refresh(true, args.semantic, true)?;
    if !args.quiet {
        if args.verbose {
            for w in &summary.warnings {
                crate::errln!("warning: {w}");
            }
        } else if !summary.warnings.is_empty() {
            let shown = summary.warnings.len().min(5);
            for w in &summary.warnings[..shown] {
                crate::errln!("warning: {w}");
            }
            if summary.warnings.len() > shown {
                crate::errln!(
                    "warning: ... and {} more (--verbose lists them all)",
                    summary.warnings.len() - shown
                );
            }
        }
        use std::io::Write as _;
        writeln!(std::io::stdout(), "{}", summary.line())?;
        if summary.files == 0 {
            crate::warnln!(
                "No Python files found under {} (check `exclude`, \
                 `.gitignore` and the path)",
                repo.config.root.display()
            );
        }
    }
    Ok(ExitCode::from(EXIT_OK))
}
