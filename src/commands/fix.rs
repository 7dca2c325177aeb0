//! `codefacts fix KIND [PATH...] [--apply] [--limit N] [--files F...]`: plans a fix from the
//! facts (`src/fix/`), checks each file's result (`rewrite::plan`), prints the diff, or with
//! `--apply` writes (`rewrite::write`) and re-indexes.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Repo};
use crate::cli::{FixArgs, FixKind};
use crate::config::SelectionLayer;
use crate::indexer::IndexOptions;
use crate::store::Store;

pub fn run(args: FixArgs) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let named: Vec<PathBuf> = args
        .paths
        .iter()
        .chain(&args.files)
        .map(|p| crate::files::normalize(&cwd, p))
        .collect();
    for (p, shown) in named.iter().zip(args.paths.iter().chain(&args.files)) {
        if std::fs::symlink_metadata(p).is_err() {
            bail!("{}: no such file or folder", shown.display());
        }
    }
    let root_hint = args.root.clone().or_else(|| {
        named.first().map(|p| {
            crate::config::find_root(if p.is_dir() {
                p
            } else {
                p.parent().unwrap_or(p)
            })
        })
    });
    let repo = Repo::locate(root_hint.as_deref(), &args.repo)?;
    let root = repo.config.root.clone();
    let canonical_root = std::fs::canonicalize(&root).unwrap_or(root.clone());
    // Repo-relative prefixes the named paths stand for (a folder: everything below it).
    let mut filters: Vec<(String, bool)> = Vec::new();
    for p in &named {
        let abs = std::fs::canonicalize(p).unwrap_or(p.clone());
        let Some(rel) = crate::files::rel_path(&canonical_root, &abs) else {
            bail!(
                "{} is outside the repository at {}",
                p.display(),
                root.display()
            );
        };
        filters.push((rel, abs.is_dir()));
    }
    let wanted = |path: &str| {
        filters.is_empty()
            || filters.iter().any(|(f, dir)| {
                f.is_empty()
                    || path == f
                    || (*dir && path.starts_with(f.as_str()) && path[f.len()..].starts_with('/'))
            })
    };
    if !args.no_index {
        repo.refresh_with(
            false,
            IndexOptions {
                semantic: true,
                ..IndexOptions::default()
            },
        )?;
    }
    let kind_name = match args.kind {
        FixKind::RelativeImports => "relative-imports",
    };
    let store = Store::open_read_only(&repo.db)?;
    if !store.has_semantic_layer()? {
        bail!(
            "the index has no semantic layer: run `codefacts index --semantic` (or drop --no-index)"
        );
    }
    let files = store.fix_files()?;
    let plan = match args.kind {
        FixKind::RelativeImports => {
            let layer = SelectionLayer {
                from: "fix relative-imports".into(),
                select: Some(vec!["TID252".into()]),
                extend_select: Vec::new(),
                ignore: Vec::new(),
            };
            let linted = crate::lint::run(&repo.config, &repo.db, &layer)?;
            let mut flagged: BTreeMap<String, Vec<(u32, u32)>> = BTreeMap::new();
            for f in &linted.findings {
                if f.code == "TID252" && wanted(&f.path) {
                    flagged
                        .entry(f.path.clone())
                        .or_default()
                        .push((f.line, f.col));
                }
            }
            let packages = store.package_modules()?;
            let mut text_of = |path: &str| {
                let abs = crate::files::from_rel(&root, path);
                let bytes = crate::files::read(&abs).ok()?;
                crate::files::decode_file(&abs, &bytes).text.ok()
            };
            crate::fix::relative_imports::plan(
                &files,
                &flagged,
                &mut |id| store.imports_of(id),
                &mut text_of,
                &packages,
                repo.config.keep_relative_in_init,
            )?
        }
    };
    drop(store);

    // Check every file's result; --limit cuts the edits in path order.
    let mut budget = args.limit.unwrap_or(usize::MAX);
    let mut planned = Vec::new();
    let mut refused = Vec::new();
    for fix in &plan.files {
        if budget == 0 {
            break;
        }
        let mut edits = fix.edits.clone();
        edits.truncate(budget);
        budget -= edits.len();
        let file = &files[&fix.path];
        let abs = crate::files::from_rel(&root, &fix.path);
        match crate::rewrite::plan(&abs, &file.hash, &edits) {
            Ok(p) => planned.push((fix.path.clone(), p)),
            Err(why) => refused.push((fix.path.clone(), why)),
        }
    }
    let edits: usize = planned.iter().map(|(_, p)| p.edits).sum();
    let mut failed = !refused.is_empty();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.apply {
        let mut written = 0usize;
        let mut written_edits = 0usize;
        for (path, p) in &planned {
            match crate::rewrite::write(p) {
                Ok(()) => {
                    written += 1;
                    written_edits += p.edits;
                }
                Err(why) => {
                    failed = true;
                    crate::errln!("codefacts: {path}: not fixed: {why}");
                }
            }
        }
        for (path, why) in &refused {
            crate::errln!("codefacts: {path}: not fixed: {why}");
        }
        if written > 0 {
            repo.refresh_with(
                true,
                IndexOptions {
                    semantic: true,
                    ..IndexOptions::default()
                },
            )?;
        }
        print_left(&plan);
        crate::errln!(
            "{kind_name}: fixed {written_edits} {} in {written} {}{}",
            plural(written_edits, "place", "places"),
            plural(written, "file", "files"),
            left_note(&plan)
        );
        return Ok(ExitCode::from(if failed { EXIT_ERROR } else { EXIT_OK }));
    }
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for (path, p) in &planned {
        out.write_all(crate::fix::unified_diff(path, &p.before, &p.after, color).as_bytes())?;
    }
    out.flush()?;
    for (path, why) in &refused {
        crate::errln!("codefacts: {path}: not fixed: {why}");
    }
    print_left(&plan);
    crate::errln!(
        "{kind_name}: would fix {edits} {} in {} {}{}{}",
        plural(edits, "place", "places"),
        planned.len(),
        plural(planned.len(), "file", "files"),
        left_note(&plan),
        if edits > 0 {
            " (run with --apply to write)"
        } else {
            ""
        }
    );
    Ok(ExitCode::from(if failed {
        EXIT_ERROR
    } else if edits > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }))
}

fn print_left(plan: &crate::fix::Plan) {
    for l in &plan.left {
        crate::errln!("{}:{}: left unchanged: {}", l.path, l.line, l.reason);
    }
}

fn left_note(plan: &crate::fix::Plan) -> String {
    if plan.left.is_empty() {
        String::new()
    } else {
        format!(", {} left unchanged (listed above)", plan.left.len())
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}
