//! `codefacts query ID` and `codefacts query --list`

use std::process::ExitCode;

use anyhow::{Result, bail};

use super::{EXIT_OK, Repo};
use crate::cli::{Format, QueryArgs};
use crate::store::{QueryResult, Store, Value};

pub fn run(args: QueryArgs) -> Result<ExitCode> {
    let stdout = std::io::stdout();
    if args.list {
        let rows = crate::queries::all()
            .into_iter()
            .map(|q| {
                vec![
                    Value::Text(q.id),
                    Value::Text(q.name),
                    Value::Text(q.description),
                    Value::Text(q.file.to_string()),
                ]
            })
            .collect();
        let result = QueryResult {
            columns: vec![
                "id".into(),
                "name".into(),
                "description".into(),
                "file".into(),
            ],
            rows,
        };
        let format = if args.format == Format::Table {
            Format::Md
        } else {
            args.format
        };
        crate::render::render(&result, format, &mut stdout.lock())?;
        return Ok(ExitCode::from(EXIT_OK));
    }
    let id = args.id.as_deref().unwrap_or_default();
    let Some(query) = crate::queries::find(id) else {
        let ids: Vec<String> = crate::queries::all().into_iter().map(|q| q.id).collect();
        bail!("no query with @id `{id}`; known: {}", ids.join(", "));
    };
    let mut params = Vec::new();
    for p in &args.params {
        let Some((k, v)) = p.split_once('=') else {
            bail!("--param takes NAME=VALUE, got `{p}`");
        };
        params.push((k.trim().to_string(), v.to_string()));
    }
    let repo = Repo::locate(args.path.as_deref(), &args.repo)?;
    if !args.no_index {
        repo.refresh(false, crate::store::reads_semantic_tables(query.sql), true)?;
    }
    let store = Store::open_read_only(&repo.db)?;
    if args.no_index
        && crate::store::reads_semantic_tables(query.sql)
        && !store.has_semantic_layer()?
    {
        crate::warnln!(
            "this database has no semantic layer yet, so its scopes, \
             bindings and references tables are empty; run without --no-index (or \
             `codefacts index --semantic`) to build it"
        );
    }
    super::stream_result(store, query.sql, &params, args.format, args.timeout)
}
