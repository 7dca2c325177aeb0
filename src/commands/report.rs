//! `codefacts report ID [PATH...]`, `codefacts report --list` (`query` is the same command under
//! its old name).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use super::{EXIT_OK, Repo};
use crate::cli::{Format, ReportArgs};
use crate::queries::Query;
use crate::store::{QueryResult, Store, Value};

/// The reports: every query of queries/ that is not a rule.
pub fn reports() -> Vec<Query> {
    crate::queries::all()
        .into_iter()
        .filter(|q| q.code.is_none())
        .collect()
}

pub fn run(args: ReportArgs) -> Result<ExitCode> {
    if args.docs {
        use std::io::Write as _;
        write!(std::io::stdout(), "{}", docs())?;
        return Ok(ExitCode::from(EXIT_OK));
    }
    if args.list {
        return list(&args);
    }
    let id = args.id.as_deref().unwrap_or_default();
    let Some(report) = reports().into_iter().find(|q| q.id == id) else {
        let ids: Vec<String> = reports().into_iter().map(|q| q.id).collect();
        bail!("no report with @id `{id}`; the reports: {}", ids.join(", "));
    };
    let params = parameters(&report, &args.params)?;
    let repo = Repo::locate(args.path.as_deref(), &args.repo)?;
    let narrow = narrowing(&repo, &args.paths)?;
    let semantic = repo.refresh_for(report.sql, args.no_index)?;
    let mut store = Store::open_read_only(&repo.db)?;
    // An `@indexed` parameter must name a module of the index: an empty report would say
    // nothing about a typo.
    for (_, module) in params
        .iter()
        .filter(|(k, _)| report.params.iter().any(|p| &p.name == k && p.indexed))
    {
        let (exists, near) = store.module_exists(module)?;
        if !exists {
            let hint = if near.is_empty() {
                String::new()
            } else {
                format!(" (modules named like it: {})", near.join(", "))
            };
            bail!(
                "report `{}`: no module `{module}` in the index of {}{hint}",
                report.id,
                repo.config.root.display()
            );
        }
    }
    if matches!(args.format, Format::Dot | Format::Mermaid) {
        return picture(&report, &mut store, &params, &args);
    }
    if args.no_index && semantic && !store.has_semantic_layer()? {
        crate::warnln!(
            "this database has no semantic layer yet, so its scopes, bindings and references \
             tables are empty; run without --no-index (or `codefacts index --semantic`) to \
             build it"
        );
    }
    super::stream_result(
        store,
        report.sql,
        &params,
        super::Streamed {
            format: args.format,
            timeout: args.timeout,
            out: args.out.as_deref(),
            narrow: narrow.as_deref(),
            groups: &report.json_groups,
            pivot: report.pivot.as_ref(),
        },
    )
}

/// `--format dot|mermaid`: the report's picture query (`queries/pictures/_picture_ID.sql`),
/// drawn.
fn picture(
    report: &Query,
    store: &mut Store,
    params: &[(String, String)],
    args: &ReportArgs,
) -> Result<ExitCode> {
    let sql =
        crate::queries::fragment(&format!("_picture_{}.sql", report.id)).filter(|_| report.picture);
    let Some(sql) = sql else {
        let drawable: Vec<String> = reports()
            .into_iter()
            .filter(|q| q.picture)
            .map(|q| q.id)
            .collect();
        bail!(
            "report `{}` cannot be drawn; these can: {}",
            report.id,
            drawable.join(", ")
        );
    };
    if !args.paths.is_empty() {
        bail!("a picture is of the whole report: PATH arguments do not narrow it");
    }
    super::set_timeout(store, args.timeout)?;
    // `{report}` in a picture query (outside its comments) stands for the report's own query.
    let sql = sql.replace("{report}", report.sql.trim().trim_end_matches(';'));
    // The picture query takes the report's parameters it names.
    let used: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| sql.contains(&format!(":{k}")))
        .cloned()
        .collect();
    let edges = crate::render::picture_edges(&store.query_with(&sql, &used)?);
    let mut out = super::output(args.out.as_deref())?;
    crate::render::draw(&edges, args.format, &report.id, &mut out)?;
    out.flush()?;
    Ok(ExitCode::from(EXIT_OK))
}

fn list(args: &ReportArgs) -> Result<ExitCode> {
    let rows = reports()
        .into_iter()
        .map(|q| {
            let params: Vec<String> = q
                .params
                .iter()
                .map(|p| match &p.default {
                    Some(d) => format!("{}={d}", p.name),
                    None => p.name.clone(),
                })
                .collect();
            vec![
                Value::Text(q.id),
                Value::Text(q.name),
                Value::Text(params.join(", ")),
                Value::Text(q.description),
            ]
        })
        .collect();
    let result = QueryResult {
        columns: vec![
            "id".into(),
            "name".into(),
            "params".into(),
            "description".into(),
        ],
        rows,
    };
    let format = match args.format {
        Format::Table | Format::Dot | Format::Mermaid => Format::Md,
        f => f,
    };
    let stdout = std::io::stdout();
    crate::render::render(&result, format, &mut stdout.lock())?;
    Ok(ExitCode::from(EXIT_OK))
}

/// `--param NAME=VALUE` checked against the report's `@param` lines, defaults filled in.
fn parameters(report: &Query, given: &[String]) -> Result<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    let known: Vec<&str> = report.params.iter().map(|p| p.name.as_str()).collect();
    for g in given {
        let Some((k, v)) = g.split_once('=') else {
            bail!("--param takes NAME=VALUE, got `{g}`");
        };
        let k = k.trim();
        if !known.contains(&k) {
            let near = crate::ruff_rules::closest(k, known.iter().copied())
                .map(|n| format!(" (did you mean `{n}`?)"))
                .unwrap_or_default();
            bail!(
                "report `{}` has no parameter `{k}`{near}; its parameters: {}",
                report.id,
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            );
        }
        if let Some(p) = report.params.iter().find(|p| p.name == k)
            && !p.choices.is_empty()
            && !p.choices.iter().any(|c| c == v)
        {
            bail!(
                "report `{}`: `{k}` takes {}, not `{v}`",
                report.id,
                p.choices.join(" or ")
            );
        }
        out.retain(|(n, _)| n != k);
        out.push((k.to_string(), v.to_string()));
    }
    for p in &report.params {
        if out.iter().any(|(n, _)| *n == p.name) {
            continue;
        }
        match &p.default {
            Some(d) => out.push((p.name.clone(), d.clone())),
            None => bail!(
                "report `{}` needs --param {}=VALUE ({})",
                report.id,
                p.name,
                p.meaning
            ),
        }
    }
    Ok(out)
}

/// PATH arguments as repo-relative prefixes (`None`: no narrowing).
fn narrowing(repo: &Repo, paths: &[PathBuf]) -> Result<Option<Vec<String>>> {
    if paths.is_empty() {
        return Ok(None);
    }
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let root = &repo.config.root;
    let mut out = Vec::new();
    for p in paths {
        let abs = crate::files::normalize(&cwd, p);
        if !abs.exists() {
            bail!("{}: no such file or folder", p.display());
        }
        let abs = std::fs::canonicalize(&abs).unwrap_or(abs);
        let Some(rel) = crate::files::rel_path(root, &abs) else {
            bail!(
                "{} is not inside the repository {}",
                p.display(),
                root.display()
            );
        };
        out.push(rel);
    }
    Ok(Some(out))
}

/// docs/reports.md, generated from the reports' headers (`codefacts report --docs`; a test
/// fails when the file is stale).
pub fn docs() -> String {
    let mut s = String::from(
        "# Reports\n\n<!-- Generated by `codefacts report --docs` from the headers of queries/*.sql; \
         do not edit (tests/cli_report.rs fails when it is stale). -->\n\n\
         `codefacts report ID [PATH...] [--param NAME=VALUE ...] [--format \
         table|json|csv|md|dot|mermaid] [--out FILE]` runs one of these (`codefacts report --list` lists them; `query` is the \
         same command under its old name). Every report brings the index up to date first \
         (`--no-index` skips that) and orders its rows. PATH arguments keep the rows whose first \
         path column (`path`, or a name ending in `_path`) lies under one of them, relative to the \
         current folder; without PATH a report covers the whole repository wherever it runs \
         (`ruff check` and `codefacts check` check the current folder; `codefacts report \
         import-suggestions .` is the current folder's). A report is a \
         file `queries/ID.sql` with a header: `-- @id`, `-- @name`, `-- @description`, \
         `-- @param name: meaning (default)`, `-- @picture` for a report that can be drawn, \
         `-- @json-groups key: from -> to; ...` for a report whose JSON is one object of maps \
         (from each value of column `from` to the sorted values of `to`), `-- @pivot keys: K...; \
         columns: C; values: V` for a report drawn as a matrix (a row per key, a column per \
         value of `C`, cells summing `V`, with totals; JSON gives the matrix as an object).\n",
    );
    for q in reports() {
        s.push_str(&format!(
            "\n## `{}`: {}\n\n{}\n",
            q.id, q.name, q.description
        ));
        if !q.params.is_empty() {
            s.push_str("\n| parameter | meaning | default |\n|---|---|---|\n");
            for p in &q.params {
                let mut choices = if p.choices.is_empty() {
                    String::new()
                } else {
                    format!(" (one of {})", p.choices.join(", "))
                };
                if p.indexed {
                    choices.push_str(" (a module of the index)");
                }
                s.push_str(&format!(
                    "| `{}` | {}{choices} | {} |\n",
                    p.name,
                    p.meaning.replace('|', "\\|"),
                    p.default
                        .as_ref()
                        .map(|d| format!("`{d}`"))
                        .unwrap_or_else(|| "required".into())
                ));
            }
        }
        let example: Vec<String> = q
            .params
            .iter()
            .filter(|p| p.default.is_none())
            .map(|p| format!(" --param {}=...", p.name))
            .collect();
        s.push_str(&format!(
            "\n```\ncodefacts report {}{}\n```\n\nFile: `{}`{}\n",
            q.id,
            example.join(""),
            q.file,
            if q.picture {
                "; can be drawn (`--format dot|mermaid`)."
            } else {
                "."
            }
        ));
    }
    s
}
