//! `codefacts sql "SELECT ..."`

use std::io::Read;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::Repo;
use crate::cli::SqlArgs;
use crate::store::Store;

pub fn run(args: SqlArgs) -> Result<ExitCode> {
    let sql = match (&args.query, &args.file) {
        (Some(q), _) => q.clone(),
        (None, Some(f)) if f.as_os_str() == "-" => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .context("cannot read standard input")?;
            s
        }
        (None, Some(f)) => {
            std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?
        }
        (None, None) => unreachable!("clap requires a query or --file"),
    };
    let repo = Repo::locate(args.path.as_deref(), &args.repo)?;
    repo.refresh_for(&sql, args.no_index)?;
    let store = Store::open_read_only(&repo.db)?;
    if args.no_index && crate::store::reads_semantic_tables(&sql) && !store.has_semantic_layer()? {
        crate::warnln!(
            "this database has no semantic layer yet, so its scopes, \
             bindings and references tables are empty; run without --no-index (or \
             `codefacts index --semantic`) to build it"
        );
    }
    super::stream_result(
        store,
        &sql,
        &[],
        super::Streamed {
            format: args.format,
            timeout: args.timeout,
            out: None,
            narrow: None,
            groups: &[],
            pivot: None,
        },
    )
}
