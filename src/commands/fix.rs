//! `codefacts fix KIND [PATH...] [--apply] [--limit N] [--files F...]`: plans a fix from the
//! facts (`src/fix/`), checks each file's result (`rewrite::plan`), prints the diff, or with
//! `--apply` writes (`rewrite::write`), re-indexes, and puts back (`rewrite::restore`) a file the
//! re-index finds a syntax error in that the original had not.

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
    run_round(&args, Applied::default())
}

/// What the rounds of one `--apply` wrote so far.
#[derive(Default)]
struct Applied {
    round: u32,
    edits: usize,
    files: std::collections::BTreeSet<String>,
    failed: bool,
}

/// `missing-imports` runs again on what it wrote, until nothing changes (as Ruff's `--fix`
/// does), at most this many rounds: an import it adds is evidence for the next name
/// (`from gettext import pgettext` makes `ngettext` from gettext sure), so that a second
/// `fix` finds nothing to do.
const MAX_ROUNDS: u32 = 4;

fn run_round(args: &FixArgs, mut applied: Applied) -> Result<ExitCode> {
    let t0 = std::time::Instant::now();
    let timings = std::env::var_os("CODEFACTS_TIMINGS").is_some();
    let mark = |what: &str| {
        if timings {
            crate::errln!(
                "timing: fix: {what} at {:.1} ms",
                t0.elapsed().as_secs_f64() * 1e3
            );
        }
    };
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
    // No path: the folder you stand in, as `ruff check --fix` (the index stays the repository's).
    if named.is_empty()
        && args.root.is_none()
        && let Ok(here) = std::fs::canonicalize(&cwd)
        && here != canonical_root
        && let Some(rel) = crate::files::rel_path(&canonical_root, &here)
    {
        filters.push((rel, true));
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
        FixKind::UnusedImports => "unused-imports",
        FixKind::DuplicateTestClasses => "duplicate-test-classes",
        FixKind::MissingImports => "missing-imports",
        FixKind::PathDrift => "path-drift",
    };
    if !(0.0..=1.0).contains(&args.min_confidence) {
        bail!(
            "--min-confidence takes a number from 0 to 1, not {}",
            args.min_confidence
        );
    }
    if args.kind == FixKind::MissingImports {
        // The suggestions read codefacts' stored findings.
        repo.refresh_findings(!args.no_index)?;
    }
    // What the summary adds: how many places the fix did not look at, and why.
    let mut not_looked_at: Option<String> = None;
    let store = Store::open_read_only(&repo.db)?;
    if !store.has_semantic_layer()? {
        bail!(
            "the index has no semantic layer: run `codefacts index --semantic` (or drop --no-index)"
        );
    }
    let files = store.fix_files()?;
    // A fix that looked at nothing must not read as "nothing to fix".
    if !files.keys().any(|p| wanted(p)) {
        crate::warnln!("No Python files found under the given path(s)");
    }
    let plan = match args.kind {
        FixKind::RelativeImports => {
            let flagged = flagged_by(&repo, "TID252", &wanted)?;
            let packages = store.package_modules()?;
            let absolute = store.absolute_import_prefixes()?;
            let mut relative = store.relative_imports()?;
            // The flagged files' texts, read in parallel.
            let mut texts: std::collections::HashMap<String, String> = {
                use rayon::prelude::*;
                flagged
                    .keys()
                    .collect::<Vec<_>>()
                    .into_par_iter()
                    .filter_map(|path| {
                        let text = crate::files::read_text(&crate::files::from_rel(&root, path))?;
                        Some((path.clone(), text))
                    })
                    .collect()
            };
            crate::fix::relative_imports::plan(
                &files,
                &flagged,
                &mut |id| Ok(relative.remove(&id).unwrap_or_default()),
                &mut |path| texts.remove(path),
                &packages,
                &absolute,
                repo.config.keep_relative_in_init,
            )?
        }
        FixKind::UnusedImports => {
            let flagged =
                with_shadowed_unused(&store, &files, flagged_by(&repo, "F401", &wanted)?)?;
            let (plan, outside) = crate::fix::unused_imports::plan(
                &files,
                &flagged,
                &mut |id| store.imports_of(id),
                &mut |file| unused_input(&root, &store, file),
                args.everywhere,
                None,
            )?;
            if outside > 0 {
                not_looked_at = Some(format!(
                    "{outside} more {} outside test code (--everywhere fixes them)",
                    plural(outside, "file", "files")
                ));
            }
            plan
        }
        FixKind::DuplicateTestClasses => {
            let flagged = flagged_by(&repo, "F811", &wanted)?;
            crate::fix::duplicate_test_classes::plan(
                &files,
                &flagged,
                &mut |file| duplicate_input(&root, &store, file),
                &mut |module, name| store.importers_of(module, name),
            )?
        }
        FixKind::PathDrift => {
            let report = crate::queries::find("drift")
                .context("the drift report is missing from this build")?;
            let under = if args.everywhere { "" } else { "tests/" };
            let rows = store.query_with(
                report.sql,
                &[
                    ("under".to_string(), under.to_string()),
                    ("prefix".to_string(), String::new()),
                ],
            )?;
            let [cp, cl, cc, cv, cs, cr] = columns(
                &rows,
                "drift",
                ["path", "line", "col", "value", "suggestion", "reason"],
            )?;
            let mut stale: BTreeMap<String, Vec<crate::fix::path_drift::Stale>> = BTreeMap::new();
            for r in &rows.rows {
                let (Some(path), Some(value)) = (r[cp].text(), r[cv].text()) else {
                    continue;
                };
                if !wanted(&path) {
                    continue;
                }
                stale
                    .entry(path)
                    .or_default()
                    .push(crate::fix::path_drift::Stale {
                        line: r[cl].int(),
                        col: r[cc].int(),
                        value,
                        suggestion: r[cs].text(),
                        reason: r[cr].text().unwrap_or_default(),
                    });
            }
            let mut text_of =
                |path: &str| crate::files::read_text(&crate::files::from_rel(&root, path));
            let (plan, unrenamed) = crate::fix::path_drift::plan(&files, &stale, &mut text_of);
            if unrenamed > 0 {
                not_looked_at = Some(format!(
                    "{unrenamed} stale {} no rename covers (`report drift` lists them)",
                    plural(unrenamed, "path", "paths")
                ));
            }
            plan
        }
        FixKind::MissingImports => {
            let suggestions = suggestions_of(&store, args.min_confidence, &wanted)?;
            let mut text_of =
                |path: &str| crate::files::read_text(&crate::files::from_rel(&root, path));
            let tops = first_party_tops(&files);
            let styles = styles_of(&repo.config, suggestions.keys())?;
            crate::fix::missing_imports::plan(
                &files,
                &suggestions,
                &mut |id| store.imports_of(id),
                &mut text_of,
                &|top| tops.contains(top),
                &|path| styles.get(path).copied().unwrap_or_default(),
            )?
        }
    };
    drop(store);
    mark("planned");

    // Check every file's result; --limit cuts the edits in path order.
    let mut plan = plan;
    // Notebooks are facts like any file, but their JSON is not rewritten: listed, not an error.
    let (notebooks, files_to_fix): (Vec<_>, Vec<_>) = std::mem::take(&mut plan.files)
        .into_iter()
        .partition(|f| f.path.ends_with(".ipynb"));
    plan.files = files_to_fix;
    for nb in notebooks {
        plan.left.push(crate::fix::Left {
            path: nb.path,
            line: 1,
            reason: format!(
                "a notebook: not rewritten ({} {})",
                nb.edits.len(),
                plural(nb.edits.len(), "place", "places")
            ),
        });
    }
    plan.left.sort();
    let mut budget = args.limit.unwrap_or(usize::MAX);
    let mut jobs = Vec::new();
    for fix in &plan.files {
        if budget == 0 {
            break;
        }
        let mut edits = fix.edits.clone();
        edits.truncate(budget);
        budget -= edits.len();
        jobs.push((fix.path.clone(), edits));
    }
    // Each file is checked (read, spliced, re-parsed) on its own: in parallel, in path order.
    // With --apply the re-index parses what was written, so the result is re-parsed there.
    let reparse = if args.apply {
        crate::rewrite::Reparse::AfterWriting
    } else {
        crate::rewrite::Reparse::Now
    };
    let checked: Vec<(
        String,
        Result<crate::rewrite::Planned, crate::rewrite::Refused>,
    )> = {
        use rayon::prelude::*;
        jobs.into_par_iter()
            .map(|(path, edits)| {
                let file = &files[&path];
                let abs = crate::files::from_rel(&root, &path);
                let result =
                    crate::rewrite::plan(&abs, &file.hash, !file.syntax_error, &edits, reparse);
                (path, result)
            })
            .collect()
    };
    let mut planned = Vec::new();
    let mut refused = Vec::new();
    for (path, result) in checked {
        match result {
            Ok(p) => planned.push((path, p)),
            Err(why) => refused.push((path, why)),
        }
    }
    mark("checked every file's result");
    let edits: usize = planned.iter().map(|(_, p)| p.edits).sum();
    let mut failed = !refused.is_empty();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.apply {
        let mut results: Vec<Result<(), crate::rewrite::Refused>> = {
            use rayon::prelude::*;
            planned
                .par_iter()
                .map(|(_, p)| crate::rewrite::write(p))
                .collect()
        };
        for ((path, _), result) in planned.iter().zip(&results) {
            if let Err(why) = result {
                crate::errln!("codefacts: {path}: not fixed: {why}");
            }
        }
        for (path, why) in &refused {
            crate::errln!("codefacts: {path}: not fixed: {why}");
        }
        mark("written");
        if results.iter().any(|r| r.is_ok()) {
            // The index was current when this run began: the files just written are what
            // changed (the trusted path of `check --files`; it walks the tree after all when
            // it cannot trust them, as when a configuration file moved meanwhile).
            let only = |which: &dyn Fn(usize) -> bool| -> Vec<PathBuf> {
                planned
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| which(*i))
                    .map(|(_, (path, _))| crate::files::from_rel(&root, path))
                    .collect()
            };
            let reindex = |paths: Vec<PathBuf>| {
                repo.refresh_with(
                    true,
                    IndexOptions {
                        semantic: true,
                        only: Some(paths),
                        ..IndexOptions::default()
                    },
                )
            };
            let reindexed = reindex(only(&|i| results[i].is_ok()));
            mark("re-indexed");
            // The re-index parsed what was written: a file it finds a syntax error in that the
            // original had not is put back. Should the re-index have failed, each written file
            // is parsed here instead (as when the index cannot be read back).
            let now_broken = reindexed.as_ref().ok().and_then(|_| {
                Store::open_read_only(&repo.db)
                    .and_then(|s| s.syntax_error_paths())
                    .ok()
            });
            let broken = put_back_broken(&planned, &mut results, now_broken.as_ref(), &|path| {
                files[path].syntax_error
            });
            reindexed?;
            if !broken.is_empty() {
                reindex(only(&|i| broken.contains(&i)))?;
            }
        }
        // A file not written, or put back, fails the run (exit 2).
        failed |= results.iter().any(|r| r.is_err());
        let mut written_edits = 0;
        for ((path, p), result) in planned.iter().zip(&results) {
            if result.is_ok() {
                written_edits += p.edits;
                applied.files.insert(path.clone());
            }
        }
        applied.edits += written_edits;
        applied.failed |= failed;
        if written_edits > 0
            && args.kind == FixKind::MissingImports
            && args.limit.is_none()
            && applied.round + 1 < MAX_ROUNDS
        {
            applied.round += 1;
            return run_round(args, applied);
        }
        print_left(&plan);
        crate::errln!(
            "{kind_name}: fixed {} {} in {} {}{}",
            applied.edits,
            plural(applied.edits, "place", "places"),
            applied.files.len(),
            plural(applied.files.len(), "file", "files"),
            left_note(&plan, &not_looked_at)
        );
        return Ok(ExitCode::from(if applied.failed {
            EXIT_ERROR
        } else {
            EXIT_OK
        }));
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
        left_note(&plan, &not_looked_at),
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

/// Puts back each written file (`results[i]` ok) whose result has a syntax error its original
/// had not (`was_broken`), as the re-index found (`now_broken`, the paths it found one in) or,
/// without it, as a parse here finds; names each and marks it refused. Returns their places.
fn put_back_broken(
    planned: &[(String, crate::rewrite::Planned)],
    results: &mut [Result<(), crate::rewrite::Refused>],
    now_broken: Option<&std::collections::BTreeSet<String>>,
    was_broken: &(dyn Fn(&str) -> bool + Sync),
) -> Vec<usize> {
    let broken: Vec<usize> = {
        use rayon::prelude::*;
        let results = &*results;
        (0..planned.len())
            .into_par_iter()
            .filter(|&i| {
                let (path, p) = &planned[i];
                results[i].is_ok()
                    && match now_broken {
                        Some(now) => now.contains(path) && !was_broken(path),
                        None => crate::rewrite::introduced_syntax_error(p).is_some(),
                    }
            })
            .collect()
    };
    for &i in &broken {
        let (path, p) = &planned[i];
        let error = crate::rewrite::introduced_syntax_error(p)
            .map(|(line, what)| format!(" at line {line} ({what})"))
            .unwrap_or_default();
        let why = match crate::rewrite::restore(p) {
            Ok(()) => {
                format!("the edit would introduce a syntax error{error}; the original was put back")
            }
            Err(e) => format!(
                "the edit introduced a syntax error{error}, and the original could not be put \
                 back: {e}"
            ),
        };
        crate::errln!("codefacts: {path}: not fixed: {why}");
        results[i] = Err(crate::rewrite::Refused(why));
    }
    broken
}

/// The indexes of the columns a fix reads from a canned report; a missing one is an error.
fn columns<const N: usize>(
    rows: &crate::store::QueryResult,
    report: &str,
    names: [&str; N],
) -> Result<[usize; N]> {
    let mut out = [0; N];
    for (slot, name) in out.iter_mut().zip(names) {
        *slot = rows
            .column(name)
            .with_context(|| format!("the {report} report has no `{name}` column"))?;
    }
    Ok(out)
}

/// The findings of one rule, as `ruff check --select CODE` finds them (each file's settings,
/// per-file-ignores and noqa honoured), by path, for the files `wanted` keeps.
fn flagged_by(
    repo: &Repo,
    code: &str,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<BTreeMap<String, Vec<(u32, u32)>>> {
    let layer = SelectionLayer {
        from: format!("fix (--select {code})"),
        select: Some(vec![code.to_string()]),
        extend_select: Vec::new(),
        ignore: Vec::new(),
    };
    let linted = crate::lint::run(&repo.config, &repo.db, &layer, None)?;
    let mut flagged: BTreeMap<String, Vec<(u32, u32)>> = BTreeMap::new();
    for f in &linted.findings {
        if f.code == code && wanted(&f.path) {
            flagged
                .entry(f.path.clone())
                .or_default()
                .push((f.line, f.col));
        }
    }
    Ok(flagged)
}

/// Each file's import style (`line-length`, target, whether UP035 is on), from the
/// configuration that governs it; one set of rules per configuration.
fn styles_of<'a>(
    config: &crate::config::Config,
    paths: impl Iterator<Item = &'a String>,
) -> Result<BTreeMap<String, crate::fix::missing_imports::Style>> {
    let none = SelectionLayer {
        from: "fix".into(),
        select: None,
        extend_select: Vec::new(),
        ignore: Vec::new(),
    };
    let mut rules: Vec<(
        std::sync::Arc<crate::config::Resolved>,
        std::sync::Arc<crate::lint::FileRules>,
    )> = Vec::new();
    let mut out = BTreeMap::new();
    for path in paths {
        let r = config
            .resolver
            .for_file(&crate::files::from_rel(&config.root, path))?;
        let file_rules = match rules.iter().find(|(x, _)| std::sync::Arc::ptr_eq(x, &r)) {
            Some((_, f)) => f.clone(),
            None => {
                let f = crate::lint::FileRules::new(&r, &none)?;
                rules.push((r.clone(), f.clone()));
                f
            }
        };
        out.insert(
            path.clone(),
            crate::fix::missing_imports::Style {
                line_length: r.settings.line_length,
                target_minor: r.settings.target_minor,
                up035: file_rules.on_for(&config.root, path, "UP035"),
            },
        );
    }
    Ok(out)
}

/// F401 flags only the live binding of a name. The earlier imports of that name it rebinds
/// without a use in between (`import sys` ... `import time, sys` in one function) are just
/// as unused, and become F401 once it is gone: they go in the same run, so that a second run
/// changes nothing (Ruff's `--fix` reaches the same by running again).
fn with_shadowed_unused(
    store: &Store,
    files: &BTreeMap<String, crate::store::FixFile>,
    mut flagged: BTreeMap<String, Vec<(u32, u32)>>,
) -> Result<BTreeMap<String, Vec<(u32, u32)>>> {
    for (path, positions) in flagged.iter_mut() {
        let Some(file) = files.get(path) else {
            continue;
        };
        let unused = store.unused_import_bindings(file.file_id)?;
        let mut more = Vec::new();
        for (_, (line, col, shadows)) in unused.iter() {
            if !positions.contains(&(*line, *col)) {
                continue;
            }
            // The chain ends at a binding that is used, or not an import (and, were the facts
            // ever to loop, after as many steps as there are bindings).
            let mut next = *shadows;
            for _ in 0..unused.len() {
                let Some((l, c, s)) = next.and_then(|id| unused.get(&id)) else {
                    break;
                };
                if !positions.contains(&(*l, *c)) && !more.contains(&(*l, *c)) {
                    more.push((*l, *c));
                }
                next = *s;
            }
        }
        positions.extend(more);
        positions.sort_unstable();
        positions.dedup();
    }
    Ok(flagged)
}

fn print_left(plan: &crate::fix::Plan) {
    for l in &plan.left {
        crate::errln!("{}:{}: left unchanged: {}", l.path, l.line, l.reason);
    }
}

fn left_note(plan: &crate::fix::Plan, not_looked_at: &Option<String>) -> String {
    let mut s = String::new();
    if !plan.left.is_empty() {
        s.push_str(&format!(
            ", {} left unchanged (listed above)",
            plan.left.len()
        ));
    }
    if let Some(note) = not_looked_at {
        s.push_str(", ");
        s.push_str(note);
    }
    s
}

/// What `unused-imports` plans a file from: its text and its `# noqa` lines (`None`: the file
/// cannot be read or decoded).
fn unused_input(
    root: &std::path::Path,
    store: &Store,
    file: &crate::store::FixFile,
) -> Result<Option<crate::fix::unused_imports::FileInput>> {
    let Some(text) = crate::files::read_text(&crate::files::from_rel(root, &file.path)) else {
        return Ok(None);
    };
    Ok(Some(crate::fix::unused_imports::FileInput {
        text,
        noqa_lines: store.noqa_lines(file.file_id)?,
    }))
}

/// What `duplicate-test-classes` plans a file from: its text, its module-level classes and
/// names (`None`: the file cannot be read or decoded).
fn duplicate_input(
    root: &std::path::Path,
    store: &Store,
    file: &crate::store::FixFile,
) -> Result<Option<crate::fix::duplicate_test_classes::FileInput>> {
    let Some(text) = crate::files::read_text(&crate::files::from_rel(root, &file.path)) else {
        return Ok(None);
    };
    Ok(Some(crate::fix::duplicate_test_classes::FileInput {
        text,
        classes: store.module_classes(file.file_id)?,
        names: store.module_names(file.file_id)?,
    }))
}

/// `fix missing-imports`' default `--min-confidence`; also what the F821 fix objects of
/// `check --output-format json` use.
pub const MISSING_IMPORTS_CONFIDENCE: f64 = 0.9;

/// The top suggestion for each undefined name at `min_confidence` or above (the rows of the
/// import-suggestions report), by path, for the files `wanted` keeps.
fn suggestions_of(
    store: &Store,
    min_confidence: f64,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<BTreeMap<String, Vec<crate::fix::missing_imports::Suggestion>>> {
    let report = crate::queries::find("import-suggestions")
        .context("the import-suggestions report is missing from this build")?;
    let rows = store.query_with(
        report.sql,
        &[("min_confidence".to_string(), min_confidence.to_string())],
    )?;
    let [cf, cl, cc, cs, cm, ci, cn, cr] = columns(
        &rows,
        "import-suggestions",
        [
            "file",
            "line",
            "col",
            "symbol",
            "suggestion",
            "import_line",
            "confidence",
            "reason",
        ],
    )?;
    let mut suggestions: BTreeMap<String, Vec<crate::fix::missing_imports::Suggestion>> =
        BTreeMap::new();
    for r in &rows.rows {
        let (Some(file), Some(import_line)) = (r[cf].text(), r[ci].text()) else {
            continue;
        };
        if !wanted(&file) {
            continue;
        }
        suggestions
            .entry(file)
            .or_default()
            .push(crate::fix::missing_imports::Suggestion {
                line: r[cl].int(),
                col: r[cc].int(),
                symbol: r[cs].text().unwrap_or_default(),
                module: r[cm].text().unwrap_or_default(),
                import_line,
                confidence: r[cn].real(),
                reason: r[cr].text().unwrap_or_default(),
            });
    }
    Ok(suggestions)
}

/// First-party top-level names, for isort's sections.
fn first_party_tops(
    files: &BTreeMap<String, crate::store::FixFile>,
) -> std::collections::HashSet<String> {
    files
        .values()
        .filter_map(|f| f.module.as_deref())
        .map(|m| m.split('.').next().unwrap_or(m).to_string())
        .collect()
}

/// Edits as Ruff's JSON writes them: 1-based rows and character columns.
fn ruff_edits(text: &str, edits: &[crate::rewrite::Edit]) -> Vec<serde_json::Value> {
    let lines = crate::syntax::LineIndex::new(text);
    edits
        .iter()
        .map(|e| {
            let ((row, column), (end_row, end_column)) = lines.positions(e.start, e.end);
            serde_json::json!({
                "content": e.text,
                "end_location": {"column": end_column, "row": end_row},
                "location": {"column": column, "row": row},
            })
        })
        .collect()
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// Attaches Ruff's `fix` object to the TID252 findings `fix relative-imports` would fix (for
/// `check --output-format json`): applicability `safe` (the facts prove the same files load),
/// the edit with its range as Ruff writes ranges (1-based rows and character columns).
pub(super) fn attach_fixes(
    repo: &Repo,
    store: &Store,
    findings: &mut [crate::diagnostics::Finding],
    may_write: bool,
) -> Result<()> {
    let mut flagged: BTreeMap<String, Vec<(u32, u32)>> = BTreeMap::new();
    let mut unused_flagged: BTreeMap<String, Vec<(u32, u32)>> = BTreeMap::new();
    let mut duplicate_flagged: BTreeMap<String, Vec<(u32, u32)>> = BTreeMap::new();
    let mut undefined_flagged: BTreeMap<String, Vec<(u32, u32)>> = BTreeMap::new();
    for f in findings.iter() {
        let into = match f.code.as_str() {
            "TID252" => &mut flagged,
            "F401" => &mut unused_flagged,
            "F811" => &mut duplicate_flagged,
            "F821" => &mut undefined_flagged,
            _ => continue,
        };
        into.entry(f.path.clone())
            .or_default()
            .push((f.line, f.col));
    }
    if flagged.is_empty()
        && unused_flagged.is_empty()
        && duplicate_flagged.is_empty()
        && undefined_flagged.is_empty()
    {
        return Ok(());
    }
    let root = &repo.config.root;
    let files = store.fix_files()?;
    let packages = store.package_modules()?;
    let absolute = store.absolute_import_prefixes()?;
    let read_text = |path: &str| crate::files::read_text(&crate::files::from_rel(root, path));
    let mut texts: std::collections::HashMap<String, String> = Default::default();
    let mut text_of = |path: &str| {
        let text = read_text(path)?;
        texts.insert(path.to_string(), text.clone());
        Some(text)
    };
    let plan = crate::fix::relative_imports::plan(
        &files,
        &flagged,
        &mut |id| store.imports_of(id),
        &mut text_of,
        &packages,
        &absolute,
        repo.config.keep_relative_in_init,
    )?;
    crate::term::mark("check: fix objects of TID252 planned");
    // F401: each statement's removal, in any file (`--everywhere`'s reach); the map also
    // takes F811's renames below.
    let mut unused = crate::fix::unused_imports::FixesByFinding::new();
    crate::fix::unused_imports::plan(
        &files,
        &unused_flagged,
        &mut |id| store.imports_of(id),
        &mut |file| unused_input(root, store, file),
        true,
        Some(&mut unused),
    )?;
    // F811 on a test class: the rename `fix duplicate-test-classes` would make.
    let renames = crate::fix::duplicate_test_classes::plan(
        &files,
        &duplicate_flagged,
        &mut |file| duplicate_input(root, store, file),
        &mut |module, name| store.importers_of(module, name),
    )?;
    for fix in &renames.files {
        for (edit, &(line, col)) in fix.edits.iter().zip(&fix.at) {
            unused.insert((fix.path.clone(), line, col), vec![edit.clone()]);
        }
    }
    crate::term::mark("check: fix objects of F401 and F811 planned");
    // F821: the import `fix missing-imports` would add for that name (its default confidence),
    // planned name by name so that each finding's fix adds its own import only.
    let mut added: BTreeMap<(String, u32, u32), (Vec<crate::rewrite::Edit>, String)> =
        BTreeMap::new();
    if !undefined_flagged.is_empty() && store.has_semantic_layer()? {
        // The suggestions read codefacts' stored findings (with the project's configuration).
        if may_write {
            repo.refresh_findings(true)?;
        }
        let suggestions = suggestions_of(store, MISSING_IMPORTS_CONFIDENCE, &|p| {
            undefined_flagged.contains_key(p)
        })?;
        let tops = first_party_tops(&files);
        let styles = styles_of(&repo.config, suggestions.keys())?;
        for (path, uses) in &suggestions {
            let mut by_symbol: BTreeMap<&str, Vec<crate::fix::missing_imports::Suggestion>> =
                BTreeMap::new();
            for u in uses {
                by_symbol
                    .entry(u.symbol.as_str())
                    .or_default()
                    .push(u.clone());
            }
            for uses in by_symbol.into_values() {
                let one = BTreeMap::from([(path.clone(), uses.clone())]);
                let p = crate::fix::missing_imports::plan(
                    &files,
                    &one,
                    &mut |id| store.imports_of(id),
                    &mut |p| read_text(p),
                    &|top| tops.contains(top),
                    &|path| styles.get(path).copied().unwrap_or_default(),
                )?;
                let Some(fix) = p.files.first() else {
                    continue;
                };
                let line = uses[0].import_line.clone();
                for u in &uses {
                    added.insert(
                        (path.clone(), u.line, u.col),
                        (fix.edits.clone(), line.clone()),
                    );
                }
            }
        }
    }
    crate::term::mark("check: fix objects of F821 planned");
    for (path, _, _) in unused.keys().chain(added.keys()) {
        if !texts.contains_key(path)
            && let Some(t) = read_text(path)
        {
            texts.insert(path.clone(), t);
        }
    }
    let mut by_at: std::collections::HashMap<(&str, u32, u32), serde_json::Value> =
        Default::default();
    for fix in &plan.files {
        let Some(text) = texts.get(&fix.path) else {
            continue;
        };
        let lines = crate::syntax::LineIndex::new(text);
        for (edit, &(line, col)) in fix.edits.iter().zip(&fix.at) {
            let ((row, column), (end_row, end_column)) = lines.positions(edit.start, edit.end);
            by_at.insert(
                (fix.path.as_str(), line, col),
                serde_json::json!([{
                    "content": edit.text,
                    "end_location": {"column": end_column, "row": end_row},
                    "location": {"column": column, "row": row},
                }]),
            );
        }
    }
    for f in findings.iter_mut() {
        if f.code == "F401" || f.code == "F811" {
            if let Some(edits) = unused.get(&(f.path.clone(), f.line, f.col))
                && let Some(text) = texts.get(&f.path)
            {
                let renamed_to = edits.first().map(|e| e.text.clone()).unwrap_or_default();
                let edits = ruff_edits(text, edits);
                let fix = serde_json::json!({
                    "applicability": "safe",
                    "edits": edits,
                    "message": if f.code == "F811" {
                        format!("Rename to `{renamed_to}`")
                    } else {
                        f.help.clone().unwrap_or_else(|| "Remove unused import".into())
                    },
                });
                f.fix = Some(fix.to_string());
            }
            continue;
        }
        if f.code == "F821" {
            if let Some((edits, line)) = added.get(&(f.path.clone(), f.line, f.col))
                && let Some(text) = texts.get(&f.path)
            {
                let edits = ruff_edits(text, edits);
                // A suggestion from the evidence, not a proof: Ruff's `unsafe`.
                let fix = serde_json::json!({
                    "applicability": "unsafe",
                    "edits": edits,
                    "message": format!("Add `{line}`"),
                });
                f.fix = Some(fix.to_string());
            }
            continue;
        }
        if f.code != "TID252" {
            continue;
        }
        if let Some(edits) = by_at.get(&(f.path.as_str(), f.line, f.col)) {
            let fix = serde_json::json!({
                "applicability": "safe",
                "edits": edits,
                "message": f.help.clone().unwrap_or_else(|| "Replace relative imports with absolute imports".into()),
            });
            f.fix = Some(fix.to_string());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rewrite::{Edit, Reparse};

    /// Two files, both written with `--apply`'s plan (no parse before writing): `a.py` broken
    /// by its edit, `b.py` not; `c.py` was broken before and stays as written.
    type Written = (
        tempfile::TempDir,
        Vec<(String, crate::rewrite::Planned)>,
        Vec<Result<(), crate::rewrite::Refused>>,
    );

    fn written() -> Written {
        let dir = tempfile::tempdir().unwrap();
        let mut planned = Vec::new();
        for (name, src, at, text) in [
            ("a.py", "import os\n", 0..6, "import ("),
            ("b.py", "from . import x\n", 5..6, "pkg"),
            ("c.py", "def f(:\n", 0..0, "# c\n"),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, src).unwrap();
            let hash = crate::files::content_hash(src.as_bytes());
            let edit = Edit {
                start: at.start,
                end: at.end,
                text: text.into(),
            };
            let p =
                crate::rewrite::plan(&path, &hash, name != "c.py", &[edit], Reparse::AfterWriting)
                    .unwrap();
            planned.push((name.to_string(), p));
        }
        let results = planned
            .iter()
            .map(|(_, p)| crate::rewrite::write(p))
            .collect::<Vec<_>>();
        assert!(results.iter().all(|r| r.is_ok()));
        (dir, planned, results)
    }

    fn content(dir: &tempfile::TempDir, name: &str) -> String {
        std::fs::read_to_string(dir.path().join(name)).unwrap()
    }

    #[test]
    fn a_file_the_reindex_finds_broken_is_put_back() {
        let (dir, planned, mut results) = written();
        let now: std::collections::BTreeSet<String> =
            ["a.py".to_string(), "c.py".to_string()].into();
        let broken = put_back_broken(&planned, &mut results, Some(&now), &|p| p == "c.py");
        assert_eq!(broken, vec![0]);
        assert_eq!(content(&dir, "a.py"), "import os\n");
        assert_eq!(content(&dir, "b.py"), "from pkg import x\n");
        assert_eq!(content(&dir, "c.py"), "# c\ndef f(:\n");
        let why = results[0].as_ref().unwrap_err().0.clone();
        assert!(
            why.starts_with("the edit would introduce a syntax error at line 1")
                && why.ends_with("the original was put back"),
            "{why}"
        );
        assert!(results[1].is_ok() && results[2].is_ok());
    }

    #[test]
    fn without_the_reindex_each_written_file_is_parsed() {
        let (dir, planned, mut results) = written();
        let broken = put_back_broken(&planned, &mut results, None, &|_| false);
        assert_eq!(broken, vec![0]);
        assert_eq!(content(&dir, "a.py"), "import os\n");
        assert_eq!(content(&dir, "c.py"), "# c\ndef f(:\n");
    }
}
