//! `codefacts check`: runs the rule queries, applies `# noqa`, `per-file-ignores` and the
//! selection, and prints Ruff-compatible output.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use globset::{Glob, GlobSetBuilder};
use rayon::prelude::*;

use super::{EXIT_FINDINGS, EXIT_OK, Repo};
use crate::cli::CheckArgs;
use crate::config::{self, LintSettings, code_enabled};
use crate::diagnostics::{self, Finding, OutputFormat};
use crate::queries::{self, Query};
use crate::store::{QueryResult, Store, Value};

pub fn run(args: CheckArgs) -> Result<ExitCode> {
    let root_hint = args
        .root
        .clone()
        .or_else(|| args.paths.first().map(|p| root_of(p)));
    let repo = match root_hint {
        Some(p) if args.root.is_some() => Repo::locate(Some(&p), &args.repo)?,
        Some(p) => {
            let root = config::find_root(&p);
            Repo::locate(Some(&root), &args.repo)?
        }
        None => Repo::locate(None, &args.repo)?,
    };
    if !args.no_index {
        repo.refresh(false, true, false)?;
    }
    let store = Store::open_read_only(&repo.db)?;
    let lint = &repo.config.lint;
    let (select, ignore) = selection(lint, &args);
    let rules: Vec<Query> = queries::rules()
        .into_iter()
        .filter(|q| code_enabled(q.code.as_deref().unwrap_or(""), &select, &ignore))
        .collect();
    let params = vec![(
        "ban_relative_imports".to_string(),
        lint.ban_relative_imports.as_str().to_string(),
    )];
    // The rules are independent read-only queries: they run in parallel, each worker on its
    // own connection; findings are sorted below, so the order they finish in never shows.
    let timings = std::env::var_os("CODEFACTS_TIMINGS").is_some();
    let per_rule: Vec<Result<Vec<Finding>>> = rules
        .par_iter()
        .map_init(
            || Store::open_read_only(&repo.db),
            |store, rule| {
                let store = store.as_ref().map_err(|e| anyhow::anyhow!("{e:#}"))?;
                let sql = queries::with_noqa_filter(rule);
                let t0 = std::time::Instant::now();
                let result = store
                    .query_with(&sql, &params)
                    .with_context(|| format!("rule query {}", rule.file))?;
                if timings {
                    crate::errln!(
                        "timing: {} took {:.1} ms ({} rows)",
                        rule.file,
                        t0.elapsed().as_secs_f64() * 1e3,
                        result.rows.len()
                    );
                }
                to_findings(&result, rule)
            },
        )
        .collect();
    let mut findings = Vec::new();
    for rule_findings in per_rule {
        findings.extend(rule_findings?);
    }
    let ignores = PerFileIgnores::new(&lint.per_file_ignores)?;
    let scope = Scope::new(&repo, &args, &store)?;
    findings.retain(|f| !ignores.ignored(&f.path, &f.code) && scope.contains(&f.path));
    findings.sort();

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let root = repo.config.root.clone();
    if args.statistics {
        diagnostics::write_statistics(
            &findings,
            matches!(
                args.output_format,
                OutputFormat::Json | OutputFormat::JsonLines
            ),
            &mut out,
        )?;
    } else {
        let source = |path: &str| -> Option<String> {
            let bytes = crate::files::read(&root.join(path)).ok()?;
            crate::files::decode(&bytes).text.ok()
        };
        diagnostics::write(&findings, args.output_format, &root, &source, &mut out)?;
    }
    Ok(ExitCode::from(if findings.is_empty() || args.exit_zero {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }))
}

/// The directory to start looking for the repository root from.
fn root_of(p: &Path) -> PathBuf {
    let abs = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    if abs.is_dir() {
        abs
    } else {
        abs.parent().map(Path::to_path_buf).unwrap_or(abs)
    }
}

/// Effective selectors: the command line overrides `select` and adds to the rest.
fn selection(lint: &LintSettings, args: &CheckArgs) -> (Vec<String>, Vec<String>) {
    // `--select` replaces the configured `select` and `extend-select`, as in Ruff.
    let mut select = args
        .select
        .clone()
        .unwrap_or_else(|| lint.effective_select());
    select.extend(args.extend_select.iter().cloned());
    let mut ignore = lint.ignore.clone();
    ignore.extend(args.ignore.iter().cloned());
    (select, ignore)
}

fn to_findings(result: &QueryResult, rule: &Query) -> Result<Vec<Finding>> {
    let col = |name: &str| result.columns.iter().position(|c| c == name);
    let need = |name: &str| {
        col(name).with_context(|| format!("rule query {} has no `{name}` column", rule.file))
    };
    let (path, line, c, el, ec, code, msg) = (
        need("path")?,
        need("line")?,
        need("col")?,
        need("end_line")?,
        need("end_col")?,
        need("code")?,
        need("message")?,
    );
    let noqa_row = col("noqa_row");
    let name = rule.id.rsplit('/').next().unwrap_or(&rule.id).to_string();
    let int = |v: &Value| match v {
        Value::Integer(i) => *i as u32,
        _ => 0,
    };
    let text = |v: &Value| match v {
        Value::Text(s) => s.clone(),
        Value::Integer(i) => i.to_string(),
        _ => String::new(),
    };
    Ok(result
        .rows
        .iter()
        .map(|r| Finding {
            path: text(&r[path]),
            line: int(&r[line]),
            col: int(&r[c]),
            end_line: int(&r[el]),
            end_col: int(&r[ec]),
            code: text(&r[code]),
            message: text(&r[msg]),
            name: name.clone(),
            noqa_row: noqa_row
                .map(|i| int(&r[i]))
                .unwrap_or_else(|| int(&r[line])),
        })
        .collect())
}

/// `per-file-ignores`: a pattern with a `/` matches the repo-relative path, one without
/// matches the file name or the path; `!pattern` applies to every file it does not match.
struct PerFileIgnores {
    entries: Vec<(globset::GlobSet, bool, Vec<String>)>,
}

impl PerFileIgnores {
    fn new(raw: &[(String, Vec<String>)]) -> Result<Self> {
        let mut entries = Vec::new();
        for (pattern, codes) in raw {
            let (negated, pat) = match pattern.strip_prefix('!') {
                Some(p) => (true, p),
                None => (false, pattern.as_str()),
            };
            let pat = pat.trim_start_matches("./");
            let mut b = GlobSetBuilder::new();
            b.add(
                Glob::new(pat)
                    .with_context(|| format!("invalid per-file-ignores pattern `{pattern}`"))?,
            );
            if !pat.contains('/') {
                b.add(Glob::new(&format!("**/{pat}"))?);
            }
            entries.push((b.build()?, negated, codes.clone()));
        }
        Ok(PerFileIgnores { entries })
    }

    fn ignored(&self, path: &str, code: &str) -> bool {
        self.entries.iter().any(|(set, negated, codes)| {
            set.is_match(path) != *negated && code_enabled(code, codes, &[])
        })
    }
}

/// Which files are reported: PATH arguments, `--files`, `--lane`.
struct Scope {
    prefixes: Vec<String>,
    files: Option<Vec<String>>,
    lanes: Option<HashMap<String, String>>,
    wanted_lanes: Vec<String>,
}

impl Scope {
    fn new(repo: &Repo, args: &CheckArgs, store: &Store) -> Result<Scope> {
        let root = &repo.config.root;
        let rel = |p: &Path| -> Option<String> {
            let abs = std::fs::canonicalize(p).ok()?;
            let r = abs.strip_prefix(root).ok()?;
            Some(r.to_string_lossy().replace('\\', "/"))
        };
        let mut prefixes = Vec::new();
        for p in &args.paths {
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
                    .map(|f| {
                        if f.is_absolute() {
                            rel(f).unwrap_or_default()
                        } else {
                            rel(&std::env::current_dir().unwrap_or_default().join(f))
                                .unwrap_or_else(|| f.to_string_lossy().replace('\\', "/"))
                        }
                    })
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
