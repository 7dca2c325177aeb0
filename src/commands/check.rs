//! `codefacts check`: runs the rule queries, applies `# noqa`, `per-file-ignores` and the
//! selection, and prints Ruff-compatible output.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use super::{EXIT_FINDINGS, EXIT_OK, Repo};
use crate::cli::CheckArgs;
use crate::config::{self, SelectionLayer};
use crate::diagnostics::{self, Finding, OutputFormat};
use crate::indexer::IndexOptions;
use crate::lint::canonical;
use crate::queries;
use crate::store::{Store, Value};

pub fn run(mut args: CheckArgs) -> Result<ExitCode> {
    match args.files_arg.take() {
        Some(files) if files.is_empty() => args.files = std::mem::take(&mut args.paths),
        Some(files) => args.files = files,
        None => {}
    }
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let root_hint = args.root.clone().or_else(|| {
        args.paths
            .first()
            .or(args.files.first())
            .map(|p| root_of(&cwd.join(p)))
    });
    let repo = match root_hint {
        Some(p) if args.root.is_some() => Repo::locate(Some(&p), &args.repo)?,
        Some(p) => {
            let root = config::find_root(&p);
            Repo::locate(Some(&root), &args.repo)?
        }
        None => Repo::locate(None, &args.repo)?,
    };
    crate::term::set_quiet(args.quiet || args.silent);
    let cli = cli_layer(&args)?;
    let format = output_format(&args, &repo, &cwd)?;
    if args.statistics
        && !matches!(
            format,
            OutputFormat::Concise | OutputFormat::Full | OutputFormat::Json
        )
    {
        bail!("Unsupported serialization format for statistics: {format:?}");
    }
    check_lanes(&repo, &args.lane)?;
    crate::term::mark("check: configuration loaded");

    // Paths named on the command line: missing ones are E902 findings, as in Ruff.
    let named: Vec<(PathBuf, String)> = args
        .paths
        .iter()
        .chain(&args.files)
        .map(|p| {
            (
                crate::files::normalize(&cwd, p),
                p.to_string_lossy().into_owned(),
            )
        })
        .collect();
    // No path: the folder you stand in, as Ruff (`.`); the index stays the repository's.
    if args.since.is_some() {
        super::since::refuse_no_index(args.no_index)?;
    }
    let root = repo.config.root.clone();
    let implicit: Option<PathBuf> = (named.is_empty() && args.root.is_none())
        .then(|| std::fs::canonicalize(&cwd).ok())
        .flatten()
        .filter(|c| c.starts_with(&root) && *c != root);
    let mut missing = Vec::new();
    for (abs, shown) in &named {
        if let Err(e) = std::fs::symlink_metadata(abs) {
            missing.push((abs.clone(), shown.clone(), e));
        }
    }
    if !args.no_index {
        let explicit: Vec<PathBuf> = named
            .iter()
            .map(|(abs, _)| abs)
            .chain(&implicit)
            .filter(|abs| abs.exists())
            .filter_map(|abs| std::path::absolute(abs).ok())
            .collect();
        // `--files` alone (a pre-commit hook): trust that the named files are all that changed.
        let only = (args.paths.is_empty() && !args.files.is_empty()).then(|| explicit.clone());
        repo.refresh_with(
            false,
            IndexOptions {
                semantic: true,
                explicit,
                force_exclude: args.force_exclude,
                only,
                ..IndexOptions::default()
            },
        )?;
    }
    crate::term::mark("check: index current");
    let store = Store::open_read_only(&repo.db)?;
    if !store.has_semantic_layer()? {
        bail!(
            "{} has no semantic layer yet, so the rules have nothing to read; run `codefacts \
             check` without --no-index (or `codefacts index --semantic`) to build it",
            repo.db.display()
        );
    }
    let scope = Scope::new(&repo, &args, implicit.as_deref(), &store, &cwd)?;
    // `--files` alone: the rules run on those files only.
    let only = match (&scope.files, args.paths.is_empty()) {
        (Some(files), true) => Some(files.as_slice()),
        _ => None,
    };
    let linted = crate::lint::run_on(&repo.config, &repo.db, &store, &cli, only)?;
    if linted.nothing_selected() {
        bail!(
            "no rule that codefacts implements is selected ({}), so nothing would be checked; \
             codefacts implements {}",
            linted.describe(),
            crate::lint::implemented_codes().join(", ")
        );
    }
    crate::lint::warn_unimplemented(&linted);
    crate::term::mark("check: rules ran");
    let mut findings: Vec<Finding> = linted
        .findings
        .into_iter()
        .filter(|f| scope.contains(&f.path))
        .collect();
    if let Some(rev) = &args.since {
        findings = new_since(&repo, &store, &cli, &scope, rev, findings)?;
    }
    let resolver = &repo.config.resolver;
    for (abs, shown, e) in &missing {
        let r = crate::lint::FileRules::new(resolver.for_file(abs)?.as_ref(), &cli)?;
        if r.enabled("E902") {
            let path = std::path::absolute(abs)
                .ok()
                .and_then(|a| a.strip_prefix(&root).ok().map(Path::to_path_buf))
                .map(|r| r.to_string_lossy().replace('\\', "/"))
                .unwrap_or_else(|| shown.clone());
            findings.push(Finding {
                path,
                line: 1,
                col: 1,
                end_line: 1,
                end_col: 1,
                code: "E902".into(),
                message: ruff_io_message(e),
                name: "io-error".into(),
                noqa_row: 0,
                help: None,
                label: None,
                previous: None,
                cell: None,
                fix: None,
            });
        } else {
            crate::warnln!("Failed to lint {shown}: {}", ruff_io_message(e));
        }
    }
    // With the E902s of missing paths, in Ruff's order.
    crate::lint::sort(&mut findings);
    // A missing path named twice (as PATH and in --files) is one E902; rule findings may
    // repeat legitimately (TID252 once per name of `from .. import a, b`).
    findings.dedup_by(|a, b| a.code == "E902" && a == b);
    // Notebooks: lines are the cell's, as Ruff names them.
    let cells = store.query(
        "SELECT f.path, c.cell, c.first_line, c.lines FROM notebook_cells c \
         JOIN files f USING (file_id) ORDER BY f.path, c.first_line",
    )?;
    if !cells.rows.is_empty() {
        let mut by_path: HashMap<String, Vec<diagnostics::NotebookCell>> = HashMap::new();
        for row in &cells.rows {
            if let (Value::Text(p), Value::Integer(n), Value::Integer(first), Value::Integer(len)) =
                (&row[0], &row[1], &row[2], &row[3])
            {
                by_path
                    .entry(p.clone())
                    .or_default()
                    .push(diagnostics::NotebookCell {
                        number: *n as u32,
                        first_line: *first as u32,
                        lines: *len as u32,
                    });
            }
        }
        for f in &mut findings {
            let Some(cells) = by_path.get(&f.path) else {
                continue;
            };
            let Some(c) = cells
                .iter()
                .find(|c| f.line >= c.first_line && f.line < c.first_line + c.lines.max(1))
            else {
                continue;
            };
            let rel = |l: u32| l.saturating_sub(c.first_line) + 1;
            f.line = rel(f.line);
            f.end_line = rel(f.end_line);
            if f.noqa_row > 0 {
                f.noqa_row = rel(f.noqa_row);
            }
            f.previous = f
                .previous
                .take()
                .filter(|p| p.0 >= c.first_line && p.0 < c.first_line + c.lines)
                .map(|(l, col, el, ec, label)| (rel(l), col, rel(el), ec, label));
            f.cell = Some(*c);
        }
    }
    // The noqa comments Ruff warns about, in the files checked.
    let noqa_warnings = store.query(
        "SELECT f.path, w.line, w.kind FROM noqa_warnings w JOIN files f USING (file_id) \
         ORDER BY f.path, w.line, w.kind",
    )?;
    let canonical_cwd = std::fs::canonicalize(&cwd).unwrap_or_else(|_| cwd.clone());
    for row in &noqa_warnings.rows {
        let (Value::Text(path), Value::Integer(line), Value::Text(kind)) =
            (&row[0], &row[1], &row[2])
        else {
            continue;
        };
        if !scope.contains(path) {
            continue;
        }
        let at = format!(
            "{}:{line}",
            diagnostics::shown_path(&root, &canonical_cwd, path)
        );
        match kind.as_str() {
            "invalid" => crate::warnln!(
                "Invalid `# noqa` directive on {at}: expected a comma-separated list of codes \
                 (e.g., `# noqa: F401, F841`)."
            ),
            "invalid_file_level" => crate::warnln!(
                "Invalid `# ruff: noqa` directive at {at}: expected a comma-separated list of \
                 codes (e.g., `# noqa: F401, F841`)."
            ),
            "misplaced" => crate::warnln!(
                "Unexpected `# ruff: noqa` directive at {at}. File-level suppression comments \
                 must appear on their own line. For line-level suppression, omit the `ruff:` \
                 prefix."
            ),
            _ => crate::warnln!(
                "Missing or joined rule code(s) at {at}: expected rule code between commas"
            ),
        }
    }
    crate::term::mark("check: findings placed");
    if matches!(format, OutputFormat::Json | OutputFormat::JsonLines) {
        super::fix::attach_fixes(&repo, &store, &mut findings, !args.no_index)?;
    }
    let checked = scope.files_in_scope(&store)?;
    if checked == 0 && findings.is_empty() {
        crate::warnln!("No Python files found under the given path(s)");
    }

    let failing = if args.gate {
        gate(&repo, &store, &findings)?
    } else {
        findings.len()
    };
    let code = if failing == 0 || args.exit_zero {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    };
    crate::term::mark("check: scope counted");
    match print(&args, format, &root, &cwd, &findings) {
        Ok(()) => crate::term::mark("check: printed"),
        // `codefacts check | head`: the findings decided the exit code, not the reader.
        Err(e) if crate::term::is_broken_pipe(&e) => {}
        Err(e) => return Err(e),
    }
    Ok(ExitCode::from(code))
}

/// `--since REV`: only the findings that the tree at the merge base of REV and HEAD did not
/// have (by identity); says on stderr how many are new and how many of the base's are gone.
fn new_since(
    repo: &Repo,
    store: &Store,
    cli: &SelectionLayer,
    scope: &Scope,
    rev: &str,
    findings: Vec<Finding>,
) -> Result<Vec<Finding>> {
    let root = &repo.config.root;
    let mut base = super::since::base_findings(repo, rev, cli)?;
    base.findings.retain(|f| {
        let now = base.renames.get(&f.path).unwrap_or(&f.path);
        scope.contains(now)
    });
    let spans = store.definition_spans_of(&base.changed)?;
    let mut anchors = super::Anchors::new(&spans, Box::new(|p| super::disk_text(root, p)));
    let current = super::since::identities(&findings, &base.changed, &mut anchors);
    let (new, gone) = super::since::new_since(&current, &base, &[]);
    let total = findings.len();
    let keep: std::collections::HashSet<usize> = new.into_iter().collect();
    let findings: Vec<Finding> = findings
        .into_iter()
        .enumerate()
        .filter(|(i, _)| keep.contains(i))
        .map(|(_, f)| f)
        .collect();
    if !crate::term::quiet() {
        crate::errln!(
            "codefacts: {} of {total} finding{} new since {} (the merge base of {rev} and HEAD; \
             {} file{} differ); {gone} of its findings are gone",
            findings.len(),
            if total == 1 { " is" } else { "s are" },
            super::since::short(&base.commit),
            base.changed.len(),
            if base.changed.len() == 1 { "" } else { "s" },
        );
    }
    Ok(findings)
}

/// The output format: `--output-format`, else `RUFF_OUTPUT_FORMAT`, else the `output-format`
/// of the configuration for the folder you stand in, else Ruff 0.17's default, `full`.
fn output_format(args: &CheckArgs, repo: &Repo, cwd: &Path) -> Result<OutputFormat> {
    use clap::ValueEnum;
    if let Some(f) = args.output_format {
        return Ok(f);
    }
    let parse = |s: &str, from: &str| {
        OutputFormat::from_str(s, true).map_err(|_| {
            anyhow::anyhow!(
                "unknown output format `{s}` in {from} (concise, full, json, json-lines, \
                 github, sarif, junit)"
            )
        })
    };
    if let Ok(v) = std::env::var("RUFF_OUTPUT_FORMAT")
        && !v.is_empty()
    {
        return parse(&v, "RUFF_OUTPUT_FORMAT");
    }
    let settings = repo.config.resolver.for_dir(cwd)?;
    if let Some(v) = &settings.settings.output_format {
        return parse(v, "`output-format`");
    }
    Ok(OutputFormat::Full)
}

fn print(
    args: &CheckArgs,
    format: OutputFormat,
    root: &Path,
    cwd: &Path,
    findings: &[Finding],
) -> Result<()> {
    if args.silent {
        return Ok(());
    }
    let to_file = args.output_file.is_some();
    let mut out = super::output(args.output_file.as_ref().map(|p| cwd.join(p)).as_deref())?;
    let color = !to_file
        && std::io::IsTerminal::is_terminal(&std::io::stdout())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && matches!(format, OutputFormat::Concise | OutputFormat::Full);
    let text = diagnostics::TextOptions {
        quiet: args.quiet,
        color,
    };
    if args.statistics {
        diagnostics::write_statistics(
            findings,
            matches!(format, OutputFormat::Json),
            args.quiet,
            &mut out,
        )?;
    } else {
        let source = |path: &str| -> Option<String> {
            let abs = crate::files::from_rel(root, path);
            let bytes = crate::files::read(&abs).ok()?;
            crate::files::display_text(&abs, &bytes)
        };
        let infos: HashMap<String, diagnostics::RuleInfo> = queries::rules()
            .into_iter()
            .filter_map(|q| {
                let linter = q.id.split('/').next().unwrap_or("").to_string();
                Some((
                    q.code?,
                    diagnostics::RuleInfo {
                        title: q.name,
                        description: q.description,
                        linter,
                    },
                ))
            })
            .collect();
        let rules = |code: &str| infos.get(code).cloned();
        let cwd = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
        diagnostics::write(
            findings, format, root, &cwd, &source, &rules, text, &mut out,
        )?;
    }
    out.flush()?;
    Ok(())
}

/// An I/O error as Ruff words it in E902 (`No such file or directory (os error 2)`).
fn ruff_io_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.split_once(" (os error") {
        Some((msg, _)) if e.raw_os_error().is_some() => {
            format!("{msg} (os error {})", e.raw_os_error().unwrap_or_default())
        }
        _ => s,
    }
}

/// `--lane` must name a configured lane (or `default`).
fn check_lanes(repo: &Repo, wanted: &[String]) -> Result<()> {
    let mut known: Vec<&str> = repo.config.lanes.iter().map(|l| l.name.as_str()).collect();
    known.push("default");
    for w in wanted {
        if !known.contains(&w.as_str()) {
            let near = crate::ruff_rules::closest(w, known.iter().copied())
                .map(|n| format!(" (did you mean `{n}`?)"))
                .unwrap_or_default();
            bail!(
                "no lane `{w}`{near}; the lanes are: {} ([tool.codefacts.lanes]; files no lane \
                 matches are in `default`)",
                known.join(", ")
            );
        }
    }
    Ok(())
}

/// `--gate`: how many findings are in strict lanes (they fail the check); says on stderr how
/// many are in each lane, strict and warn.
fn gate(repo: &Repo, store: &Store, findings: &[Finding]) -> Result<usize> {
    let lane_of: HashMap<String, String> = store.file_lanes()?.into_iter().collect();
    let strict = |lane: &str| {
        repo.config
            .lanes
            .iter()
            .find(|l| l.name == lane)
            .is_none_or(|l| l.mode == config::LaneMode::Strict)
    };
    let mut per_lane: std::collections::BTreeMap<(bool, String), usize> = Default::default();
    for f in findings {
        let lane = lane_of.get(&f.path).map_or("default", String::as_str);
        *per_lane
            .entry((!strict(lane), lane.to_string()))
            .or_default() += 1;
    }
    let sum = |warn: bool| -> (usize, String) {
        let parts: Vec<String> = per_lane
            .iter()
            .filter(|((w, _), _)| *w == warn)
            .map(|((_, lane), n)| format!("{lane} {n}"))
            .collect();
        let n = per_lane
            .iter()
            .filter(|((w, _), _)| *w == warn)
            .map(|(_, n)| n)
            .sum();
        (n, parts.join(", "))
    };
    let (failing, strict_parts) = sum(false);
    let (warned, warn_parts) = sum(true);
    if !crate::term::quiet() {
        let mut msg = format!(
            "gate: {failing} finding{} in strict lanes",
            if failing == 1 { "" } else { "s" }
        );
        if failing > 0 {
            msg.push_str(&format!(" ({strict_parts}) fail the check"));
        }
        if warned > 0 {
            msg.push_str(&format!(
                "; {warned} in warn lanes ({warn_parts}) are reported, not failed"
            ));
        }
        crate::errln!("codefacts: {msg}");
    }
    Ok(failing)
}

/// The root to start looking for the repository from.
fn root_of(p: &Path) -> PathBuf {
    let abs = std::fs::canonicalize(p).unwrap_or_else(|_| {
        // A path that does not exist (an E902 to come): its nearest existing ancestor.
        p.ancestors()
            .find(|a| a.is_dir())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| p.to_path_buf())
    });
    if abs.is_dir() {
        abs
    } else {
        abs.parent().map(Path::to_path_buf).unwrap_or(abs)
    }
}

/// The command line's selectors as one more selection layer (validated: an unknown selector is
/// an error, as in Ruff).
fn cli_layer(args: &CheckArgs) -> Result<SelectionLayer> {
    let from = crate::lint::CLI;
    Ok(SelectionLayer {
        from: from.to_string(),
        select: match &args.select {
            Some(s) => Some(canonical(s, "select", from)?),
            None => None,
        },
        extend_select: canonical(&args.extend_select, "extend-select", from)?,
        ignore: canonical(&args.ignore, "ignore", from)?,
    })
}

/// Which files are reported: PATH arguments, `--files`, `--lane`.
struct Scope {
    prefixes: Vec<String>,
    files: Option<Vec<String>>,
    lanes: Option<HashMap<String, String>>,
    wanted_lanes: Vec<String>,
}

impl Scope {
    fn new(
        repo: &Repo,
        args: &CheckArgs,
        implicit: Option<&Path>,
        store: &Store,
        cwd: &Path,
    ) -> Result<Scope> {
        let root = &repo.config.root;
        // A path names what it is called, so a link to a file is in scope under its own name:
        // only its folder is resolved.
        let rel = |p: &Path| -> Option<String> {
            let abs = crate::files::normalize(cwd, p);
            let abs = match (abs.parent(), abs.file_name()) {
                (Some(dir), Some(name)) => std::fs::canonicalize(dir).ok()?.join(name),
                _ => std::fs::canonicalize(&abs).ok()?,
            };
            let r = abs.strip_prefix(root).ok()?;
            let r = r.to_string_lossy().replace('\\', "/");
            Some(if r == "." { String::new() } else { r })
        };
        let mut prefixes = Vec::new();
        for p in args.paths.iter().map(PathBuf::as_path).chain(implicit) {
            if std::fs::symlink_metadata(cwd.join(p)).is_err() {
                // Reported as E902; it narrows the scope to nothing else.
                prefixes.push(format!("\u{0}missing/{}", p.display()));
                continue;
            }
            match rel(p) {
                Some(r) => prefixes.push(r),
                None => anyhow::bail!(
                    "{} is not inside the repository {}",
                    p.display(),
                    root.display()
                ),
            }
        }
        let files = if args.files.is_empty() {
            None
        } else {
            Some(
                args.files
                    .iter()
                    .map(|f| rel(f).unwrap_or_else(|| f.to_string_lossy().replace('\\', "/")))
                    .collect(),
            )
        };
        let lanes = if args.lane.is_empty() {
            None
        } else {
            Some(store.file_lanes()?.into_iter().collect())
        };
        Ok(Scope {
            prefixes,
            files,
            lanes,
            wanted_lanes: args.lane.clone(),
        })
    }

    /// How many indexed files the scope holds.
    fn files_in_scope(&self, store: &Store) -> Result<usize> {
        if let (Some(files), true, None) = (&self.files, self.prefixes.is_empty(), &self.lanes) {
            return store.count_indexed(files);
        }
        Ok(store
            .file_lanes()?
            .iter()
            .filter(|(p, _)| self.contains(p))
            .count())
    }

    fn contains(&self, path: &str) -> bool {
        let under = |p: &String| p.is_empty() || path == p || path.starts_with(&format!("{p}/"));
        (self.prefixes.is_empty() || self.prefixes.iter().any(under))
            && self
                .files
                .as_ref()
                .is_none_or(|fs| fs.iter().any(|f| f == path))
            && self.lanes.as_ref().is_none_or(|l| {
                l.get(path)
                    .is_some_and(|lane| self.wanted_lanes.iter().any(|w| w == lane))
            })
    }
}
