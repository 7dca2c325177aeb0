//! `codefacts check`: runs the rule queries, applies `# noqa`, `per-file-ignores` and the
//! selection, and prints Ruff-compatible output.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use globset::{Glob, GlobSetBuilder};
use rayon::prelude::*;

use super::{EXIT_FINDINGS, EXIT_OK, Repo};
use crate::cli::CheckArgs;
use crate::config::{self, LintSettings, code_enabled};
use crate::diagnostics::{self, Finding, OutputFormat};
use crate::indexer::IndexOptions;
use crate::queries::{self, Query};
use crate::store::{QueryResult, Store, Value};

pub fn run(args: CheckArgs) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let root_hint = args
        .root
        .clone()
        .or_else(|| args.paths.first().map(|p| root_of(&cwd.join(p))));
    let repo = match root_hint {
        Some(p) if args.root.is_some() => Repo::locate(Some(&p), &args.repo)?,
        Some(p) => {
            let root = config::find_root(&p);
            Repo::locate(Some(&root), &args.repo)?
        }
        None => Repo::locate(None, &args.repo)?,
    };
    let lint = &repo.config.lint;
    let selection = Selection::new(lint, &args)?;
    let rules: Vec<Query> = queries::rules()
        .into_iter()
        .filter(|q| {
            let code = q.code.as_deref().unwrap_or("");
            code == SYNTAX || selection.enabled(code)
        })
        .collect();
    if !rules.iter().any(|q| q.code.as_deref() != Some(SYNTAX)) {
        bail!(
            "no rule that codefacts implements is selected ({}), so nothing would be checked; \
             codefacts implements {}",
            selection.describe(),
            implemented_codes().join(", ")
        );
    }
    selection.warn_unimplemented();
    check_lanes(&repo, &args.lane)?;

    // Paths named on the command line: missing ones are E902 findings, as in Ruff.
    let named: Vec<(PathBuf, String)> = args
        .paths
        .iter()
        .chain(&args.files)
        .map(|p| (cwd.join(p), p.to_string_lossy().into_owned()))
        .collect();
    // No path: the folder you stand in, as Ruff (`.`); the index stays the repository's.
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
        repo.refresh_with(
            false,
            IndexOptions {
                semantic: true,
                explicit,
                force_exclude: args.force_exclude,
                ..IndexOptions::default()
            },
        )?;
    }
    let store = Store::open_read_only(&repo.db)?;
    if !store.has_semantic_layer()? {
        bail!(
            "{} has no semantic layer yet, so the rules have nothing to read; run `codefacts \
             check` without --no-index (or `codefacts index --semantic`) to build it",
            repo.db.display()
        );
    }
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
    let scope = Scope::new(&repo, &args, implicit.as_deref(), &store, &cwd)?;
    findings.retain(|f| {
        scope.contains(&f.path)
            && (f.code == SYNTAX || f.code == "E902" || !ignores.ignored(&f.path, &f.code))
    });
    for (abs, shown, e) in &missing {
        if selection.enabled("E902") {
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
            });
        } else {
            crate::errln!(
                "codefacts: warning: Failed to lint {shown}: {}",
                ruff_io_message(e)
            );
        }
    }
    findings.sort();
    // A missing path named twice (as PATH and in --files) is one E902; rule findings may
    // repeat legitimately (TID252 once per name of `from .. import a, b`).
    findings.dedup_by(|a, b| a.code == "E902" && a == b);
    let checked = scope.files_in_scope(&store)?;
    if checked == 0 && findings.is_empty() {
        crate::errln!("codefacts: warning: No Python files found under the given path(s)");
    }

    let code = if findings.is_empty() || args.exit_zero {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    };
    match print(&args, &root, &cwd, &findings) {
        Ok(()) => {}
        // `codefacts check | head`: the findings decided the exit code, not the reader.
        Err(e) if crate::term::is_broken_pipe(&e) => {}
        Err(e) => return Err(e),
    }
    Ok(ExitCode::from(code))
}

/// The code of syntax errors, which no selector turns off (as in Ruff).
const SYNTAX: &str = "invalid-syntax";

fn print(args: &CheckArgs, root: &Path, cwd: &Path, findings: &[Finding]) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.statistics {
        diagnostics::write_statistics(
            findings,
            matches!(
                args.output_format,
                OutputFormat::Json | OutputFormat::JsonLines
            ),
            &mut out,
        )?;
    } else {
        let source = |path: &str| -> Option<String> {
            let bytes = crate::files::read(&crate::files::from_rel(root, path)).ok()?;
            crate::files::decode(&bytes).text.ok()
        };
        let cwd = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
        diagnostics::write(findings, args.output_format, root, &cwd, &source, &mut out)?;
    }
    std::io::Write::flush(&mut out)?;
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

/// The codes of the rules codefacts implements, sorted.
fn implemented_codes() -> Vec<String> {
    queries::rules()
        .into_iter()
        .filter_map(|q| q.code)
        .filter(|c| c != SYNTAX)
        .collect()
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

/// The rule selection in force: validated (an unknown selector is an error, as in Ruff) and
/// canonical (legacy aliases rewritten).
struct Selection {
    select: Vec<String>,
    ignore: Vec<String>,
    /// Selectors the user wrote (command line and configuration, not Ruff's default).
    explicit: Vec<String>,
}

impl Selection {
    fn new(lint: &LintSettings, args: &CheckArgs) -> Result<Selection> {
        let canon = |list: &[String], key: &str, from: &str| -> Result<Vec<String>> {
            list.iter()
                .map(|s| {
                    crate::ruff_rules::canonical_selector(s).with_context(|| {
                        format!("Unknown rule selector `{s}` in `{key}` from {from}")
                    })
                })
                .collect()
        };
        let config_src = "the configuration";
        let cfg_select = match &lint.select {
            Some(s) => Some(canon(s, "select", config_src)?),
            None => None,
        };
        let cfg_extend = canon(&lint.extend_select, "extend-select", config_src)?;
        let cfg_ignore = canon(&lint.ignore, "ignore", config_src)?;
        for (pattern, codes) in &lint.per_file_ignores {
            canon(
                codes,
                &format!("per-file-ignores.\"{pattern}\""),
                config_src,
            )?;
        }
        let cli_select = match &args.select {
            Some(s) => Some(canon(s, "select", "the CLI")?),
            None => None,
        };
        let cli_extend = canon(&args.extend_select, "extend-select", "the CLI")?;
        let cli_ignore = canon(&args.ignore, "ignore", "the CLI")?;
        // `--select` replaces the configured `select` and `extend-select`, as in Ruff.
        let (mut select, mut explicit) = match cli_select {
            Some(s) => (s.clone(), s),
            None => {
                let mut explicit = cfg_select.clone().unwrap_or_default();
                explicit.extend(cfg_extend.iter().cloned());
                let mut v = cfg_select.unwrap_or_else(|| vec![config::DEFAULT_SELECT.to_string()]);
                v.extend(cfg_extend);
                (v, explicit)
            }
        };
        select.extend(cli_extend.iter().cloned());
        explicit.extend(cli_extend);
        let mut ignore = cfg_ignore;
        ignore.extend(cli_ignore);
        Ok(Selection {
            select,
            ignore,
            explicit,
        })
    }

    fn enabled(&self, code: &str) -> bool {
        code_enabled(code, &self.select, &self.ignore)
    }

    fn describe(&self) -> String {
        let shown: Vec<&str> = self
            .select
            .iter()
            .map(|s| {
                if s == config::DEFAULT_SELECT {
                    "Ruff's default rules"
                } else {
                    s.as_str()
                }
            })
            .collect();
        let mut s = format!("select: {}", shown.join(","));
        if !self.ignore.is_empty() {
            s.push_str(&format!("; ignore: {}", self.ignore.join(",")));
        }
        s
    }

    /// One warning naming the rules the user selected that codefacts does not implement (Ruff's
    /// default selection alone warns of nothing).
    fn warn_unimplemented(&self) {
        let ours = implemented_codes();
        let missing: Vec<&str> = crate::ruff_rules::rules()
            .iter()
            .map(|r| r.code)
            .filter(|c| {
                code_enabled(c, &self.explicit, &self.ignore) && !ours.iter().any(|o| o == c)
            })
            .collect();
        if missing.is_empty() {
            return;
        }
        let shown: Vec<&str> = missing.iter().take(12).copied().collect();
        let more = if missing.len() > shown.len() {
            format!(", and {} more", missing.len() - shown.len())
        } else {
            String::new()
        };
        crate::errln!(
            "codefacts: warning: {} selected rule{} not implemented by codefacts and not \
             checked: {}{more} (run Ruff for {}; codefacts implements {})",
            missing.len(),
            if missing.len() == 1 { " is" } else { "s are" },
            shown.join(", "),
            if missing.len() == 1 { "it" } else { "them" },
            ours.join(", ")
        );
    }
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
            noqa_row: match noqa_row {
                Some(i) => int(&r[i]),
                // No `# noqa` applies (syntax and I/O errors): Ruff's `noqa_row` is null.
                None if rule.no_noqa => 0,
                None => int(&r[line]),
            },
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
            let abs = std::path::absolute(cwd.join(p)).ok()?;
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
