//! The lint rules over the index: each file's rule selection from the configuration that
//! governs it, the rule queries of `queries/rules/` run in parallel (TID252 once per
//! `ban-relative-imports` in force), and the findings kept per file by selection and
//! `per-file-ignores`. `check` prints them; reports that read the `findings` table store them.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use globset::{Glob, GlobSetBuilder};
use rayon::prelude::*;

use crate::config::{self, Config, Resolved, SelectionLayer, code_enabled};
use crate::diagnostics::Finding;
use crate::queries::{self, Query};
use crate::store::{QueryResult, Store, Value};

/// The findings of every indexed file, and the rules that decided them.
pub struct Linted {
    /// Sorted as Ruff sorts them (file, start, rule name); lines are the text's (a notebook's
    /// are not yet mapped to its cells).
    pub findings: Vec<Finding>,
    rules_by_dir: BTreeMap<PathBuf, Arc<FileRules>>,
    /// The rule queries that ran.
    ran: Vec<String>,
}

impl Linted {
    /// No rule codefacts implements is selected anywhere (only syntax errors were looked for).
    pub fn nothing_selected(&self) -> bool {
        !self.ran.iter().any(|c| c != SYNTAX)
    }

    /// Every configuration in force selects `code` (its per-file-ignores aside).
    pub fn selects_everywhere(&self, code: &str) -> bool {
        self.rules_by_dir.values().all(|r| r.enabled(code))
    }

    /// The selections in force, for messages.
    pub fn describe(&self) -> String {
        let described: Vec<String> = self.rules_by_dir.values().map(|r| r.describe()).collect();
        described.join("; ")
    }

    /// A fingerprint of every selection in force (rules, ignores, bans), to tell whether
    /// stored findings were computed under the same configuration.
    pub fn selection_fingerprint(config: &Config, cli: &SelectionLayer) -> String {
        let mut parts = vec![format!("{cli:?}")];
        for r in config.resolver.loaded() {
            parts.push(format!("{:?}|{:?}", r.settings.dir, r.settings.lint));
        }
        parts.sort();
        blake3::hash(parts.join("\n").as_bytes()).to_hex()[..16].to_string()
    }
}

/// Runs every selected rule over the index at `db` (which must hold the semantic layer).
/// Runs every selected rule on the whole repository (`only` None) or on the files `only`
/// names (repo-relative paths; each rule still reads every other file's facts it needs).
pub fn run(
    config: &Config,
    db: &Path,
    cli: &SelectionLayer,
    only: Option<&[String]>,
) -> Result<Linted> {
    run_on(config, db, &Store::open_read_only(db)?, cli, only)
}

/// [`run`] on a store the caller opened (on `db`); the rules of a whole-repository run also
/// open connections of their own, one per thread.
pub fn run_on(
    config: &Config,
    db: &Path,
    store: &Store,
    cli: &SelectionLayer,
    only: Option<&[String]>,
) -> Result<Linted> {
    let root = &config.root;
    // Each file takes the rule selection of the configuration that governs it.
    let resolver = &config.resolver;
    let mut rules_by_dir: BTreeMap<PathBuf, Arc<FileRules>> = BTreeMap::new();
    let mut dir_of: HashMap<String, PathBuf> = HashMap::new();
    let root_rules = FileRules::new(&config.root_settings, cli)?;
    rules_by_dir.insert(config.root_settings.settings.dir.clone(), root_rules);
    let paths: Vec<String> = match only {
        Some(paths) => paths.to_vec(),
        None => store.file_lanes()?.into_iter().map(|(p, _)| p).collect(),
    };
    let checked_paths = only.map(|p| serde_json::to_string(p).expect("a list of strings"));
    for path in paths {
        let settings = resolver.for_file(&crate::files::from_rel(root, &path))?;
        let dir = settings.settings.dir.clone();
        if !rules_by_dir.contains_key(&dir) {
            rules_by_dir.insert(dir.clone(), FileRules::new(&settings, cli)?);
        }
        dir_of.insert(path, dir);
    }
    let rules_for = |path: &str| -> &FileRules {
        dir_of
            .get(path)
            .and_then(|d| rules_by_dir.get(d))
            .or_else(|| rules_by_dir.values().next())
            .expect("the root's rules")
    };
    crate::term::mark("lint: rules of each file chosen");
    let rules: Vec<Query> = queries::rules()
        .into_iter()
        .filter(|q| {
            let code = q.code.as_deref().unwrap_or("");
            code == SYNTAX || rules_by_dir.values().any(|r| r.enabled(code))
        })
        .collect();
    let ran: Vec<String> = rules.iter().filter_map(|q| q.code.clone()).collect();
    if !ran.iter().any(|c| c != SYNTAX) {
        return Ok(Linted {
            findings: Vec::new(),
            rules_by_dir,
            ran,
        });
    }
    // TID252 runs once per `ban-relative-imports` in force; each file keeps the run of its own.
    let mut bans: Vec<&'static str> = rules_by_dir.values().map(|r| r.ban.as_str()).collect();
    bans.sort_unstable();
    bans.dedup();
    let jobs: Vec<(&Query, Option<&'static str>)> = rules
        .iter()
        .flat_map(|q| {
            if q.code.as_deref() == Some("TID252") {
                bans.iter().map(|b| (q, Some(*b))).collect::<Vec<_>>()
            } else {
                vec![(q, None)]
            }
        })
        .collect();
    // The rules are independent read-only queries: they run in parallel, each worker on its
    // own connection; findings are sorted below, so the order they finish in never shows.
    let timings = std::env::var_os("CODEFACTS_TIMINGS").is_some();
    let run_one = |store: &Store, (rule, ban): &(&Query, Option<&'static str>)| {
        let mut sql = queries::with_noqa_filter(rule);
        let mut params = vec![(
            "ban_relative_imports".to_string(),
            ban.unwrap_or("parents").to_string(),
        )];
        if let Some(list) = &checked_paths {
            sql = queries::narrowed_to_checked_paths(&sql);
            params.push(("checked_paths".to_string(), list.clone()));
        }
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
        Ok(to_findings(&result, rule)?
            .into_iter()
            .map(|f| (f, *ban))
            .collect())
    };
    let per_rule: Vec<Result<Vec<TaggedFinding>>> = if only.is_some() {
        // A few files: each rule takes a millisecond or less, less than opening a connection
        // for another thread costs, so they run here, one after the other.
        jobs.iter().map(|job| run_one(store, job)).collect()
    } else {
        jobs.par_iter()
            .map_init(
                || Store::open_read_only(db),
                |store, job| {
                    let store = store.as_ref().map_err(|e| anyhow::anyhow!("{e:#}"))?;
                    run_one(store, job)
                },
            )
            .collect()
    };
    let mut findings = Vec::new();
    for rule_findings in per_rule {
        for (f, ban) in rule_findings? {
            let r = rules_for(&f.path);
            let keep = f.code == SYNTAX
                || (r.enabled(&f.code)
                    && ban.is_none_or(|b| b == r.ban.as_str())
                    && !r.ignores.ignored(root, &f.path, &f.code));
            if keep {
                findings.push(f);
            }
        }
    }
    sort(&mut findings);
    Ok(Linted {
        findings,
        rules_by_dir,
        ran,
    })
}

/// Ruff's order: file, start, then the rule (by name: F811 `redefined-while-unused` comes
/// before F401 `unused-import` at the same place).
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (
            &a.path, a.line, a.col, &a.name, a.end_line, a.end_col, &a.message,
        )
            .cmp(&(
                &b.path, b.line, b.col, &b.name, b.end_line, b.end_col, &b.message,
            ))
    });
}

/// A finding with the `ban-relative-imports` its query ran with (TID252 only).
type TaggedFinding = (Finding, Option<&'static str>);

/// The code of syntax errors, which no selector turns off (as in Ruff).
pub const SYNTAX: &str = "invalid-syntax";

/// The codes of the rules codefacts implements, sorted.
pub fn implemented_codes() -> Vec<String> {
    queries::rules()
        .into_iter()
        .filter_map(|q| q.code)
        .filter(|c| c != SYNTAX)
        .collect()
}

/// Rule selectors as Ruff reads them: an unknown one is an error; an old one is rewritten to
/// what it stands for (with Ruff's warning when it came from the command line; Ruff says
/// nothing of a configuration's); a removed rule is an error to select and a warning to
/// ignore (in `per-file-ignores` Ruff says nothing).
pub fn canonical(list: &[String], key: &str, from: &str) -> Result<Vec<String>> {
    let mut removed = Vec::new();
    let out = list
        .iter()
        .map(|s| {
            if let Some(target) = crate::ruff_rules::redirect(s) {
                if from == CLI {
                    crate::term::warn_once(format!("`{s}` has been remapped to `{target}`."));
                }
            } else if crate::ruff_rules::is_removed(s) {
                if key == "select" || key == "extend-select" {
                    anyhow::bail!(
                        "Rule `{s}` was removed and cannot be selected (`{key}` from {from})"
                    );
                }
                if key == "ignore" {
                    removed.push(s.as_str());
                }
            }
            crate::ruff_rules::canonical_selector(s)
                .with_context(|| format!("Unknown rule selector `{s}` in `{key}` from {from}"))
        })
        .collect::<Result<Vec<String>>>()?;
    // `SIM110, SIM111` name one rule twice once redirected: keep the first.
    let mut out = out;
    let mut seen = std::collections::HashSet::new();
    out.retain(|s| seen.insert(s.clone()));
    if !removed.is_empty() {
        crate::term::warn_once(format!(
            "The following rules have been removed and ignoring them has no effect: {} \
             (`ignore` from {from})",
            removed.join(", ")
        ));
    }
    Ok(out)
}

/// Where the command line's selectors come from, as Ruff's messages name it.
pub const CLI: &str = "the CLI";

/// The rules in force for the files one configuration governs: its selection layers (validated
/// and canonical) with the command line's on top, its per-file-ignores and its
/// `ban-relative-imports`.
pub struct FileRules {
    layers: Vec<SelectionLayer>,
    ignores: PerFileIgnores,
    ban: crate::config::BanRelativeImports,
}

impl FileRules {
    pub fn new(r: &Resolved, cli: &SelectionLayer) -> Result<Arc<FileRules>> {
        let lint = &r.settings.lint;
        let mut layers = Vec::new();
        for l in &lint.layers {
            layers.push(SelectionLayer {
                from: l.from.clone(),
                select: match &l.select {
                    Some(s) => Some(canonical(s, "select", &l.from)?),
                    None => None,
                },
                extend_select: canonical(&l.extend_select, "extend-select", &l.from)?,
                ignore: canonical(&l.ignore, "ignore", &l.from)?,
            });
        }
        layers.push(cli.clone());
        let mut pfi = Vec::new();
        for (pattern, codes, anchor) in &lint.per_file_ignores {
            let from = r
                .settings
                .source
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "the configuration".into());
            let codes = canonical(codes, &format!("per-file-ignores.\"{pattern}\""), &from)?;
            pfi.push((pattern.clone(), codes, anchor.clone()));
        }
        Ok(Arc::new(FileRules {
            layers,
            ignores: PerFileIgnores::new(&pfi)?,
            ban: lint.ban_relative_imports,
        }))
    }

    pub fn enabled(&self, code: &str) -> bool {
        crate::config::enabled_by_layers(code, &self.layers)
    }

    /// Whether the rule is on for this file (`path` relative to `root`), per-file-ignores
    /// included.
    pub fn on_for(&self, root: &Path, path: &str, code: &str) -> bool {
        self.enabled(code) && !self.ignores.ignored(root, path, code)
    }

    fn describe(&self) -> String {
        let mut parts = vec!["Ruff's default rules".to_string()];
        for l in &self.layers {
            if let Some(s) = &l.select {
                parts = vec![format!("select {}", s.join(","))];
            }
            if !l.extend_select.is_empty() {
                parts.push(format!("extend-select {}", l.extend_select.join(",")));
            }
            if !l.ignore.is_empty() {
                parts.push(format!("ignore {}", l.ignore.join(",")));
            }
        }
        parts.join(", ")
    }
}

/// One warning naming the rules the user selected that codefacts does not implement (Ruff's
/// default selection alone names none).
pub fn warn_unimplemented(linted: &Linted) {
    let all = linted.rules_by_dir.values().map(Arc::as_ref);
    let ours = implemented_codes();
    let mut missing: Vec<&str> = Vec::new();
    for rules in all {
        // Only rules some layer names: Ruff's default selection is not the user's.
        let named: Vec<&String> = rules
            .layers
            .iter()
            .flat_map(|l| l.select.iter().flatten().chain(&l.extend_select))
            .filter(|s| *s != config::DEFAULT_SELECT)
            .collect();
        for r in crate::ruff_rules::rules() {
            let wanted = rules.enabled(r.code)
                && named
                    .iter()
                    .any(|s| code_enabled(r.code, std::slice::from_ref(*s), &[]));
            if wanted && !ours.iter().any(|o| o == r.code) && !missing.contains(&r.code) {
                missing.push(r.code);
            }
        }
    }
    if missing.is_empty() {
        return;
    }
    missing.sort_unstable();
    let shown: Vec<&str> = missing.iter().take(12).copied().collect();
    let more = if missing.len() > shown.len() {
        format!(", and {} more", missing.len() - shown.len())
    } else {
        String::new()
    };
    crate::warnln!(
        "{} selected rule{} not implemented by codefacts and not \
         checked: {}{more} (run Ruff for {}, and `codefacts ingest ruff` its JSON output for \
         the reports to count them; codefacts implements {})",
        missing.len(),
        if missing.len() == 1 { " is" } else { "s are" },
        shown.join(", "),
        if missing.len() == 1 { "it" } else { "them" },
        ours.join(", ")
    );
}

fn to_findings(result: &QueryResult, rule: &Query) -> Result<Vec<Finding>> {
    let col = |name: &str| result.column(name);
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
    let help = col("help");
    let label = col("label");
    let previous = [
        col("previous_line"),
        col("previous_col"),
        col("previous_end_line"),
        col("previous_end_col"),
        col("previous_label"),
    ];
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
            help: help.and_then(|i| r[i].text()),
            label: label.and_then(|i| r[i].text()),
            previous: match previous {
                [Some(a), Some(b), Some(c), Some(d), Some(e)]
                    if matches!(r[a], Value::Integer(_)) =>
                {
                    Some((int(&r[a]), int(&r[b]), int(&r[c]), int(&r[d]), text(&r[e])))
                }
                _ => None,
            },
            cell: None,
            fix: None,
            noqa_row: match noqa_row {
                Some(i) => int(&r[i]),
                // No `# noqa` applies (syntax and I/O errors): Ruff's `noqa_row` is null.
                None if rule.no_noqa => 0,
                None => int(&r[line]),
            },
        })
        .collect())
}

/// `per-file-ignores`, as Ruff matches them: a pattern against the file's path, anchored at the
/// folder of the configuration that set it, or against the file's name; `!pattern` applies to
/// every file it does not match.
struct PerFileIgnores {
    entries: Vec<(globset::GlobSet, globset::GlobSet, bool, Vec<String>)>,
}

impl PerFileIgnores {
    fn new(raw: &[(String, Vec<String>, PathBuf)]) -> Result<Self> {
        let mut entries = Vec::new();
        for (pattern, codes, anchor) in raw {
            let (negated, pat) = match pattern.strip_prefix('!') {
                Some(p) => (true, p),
                None => (false, pattern.as_str()),
            };
            let pat = pat.trim_start_matches("./");
            let bad = || format!("invalid per-file-ignores pattern `{pattern}`");
            let mut abs = GlobSetBuilder::new();
            let anchored = anchor.join(pat);
            abs.add(Glob::new(&anchored.to_string_lossy()).with_context(bad)?);
            let mut name = GlobSetBuilder::new();
            name.add(Glob::new(pat).with_context(bad)?);
            entries.push((abs.build()?, name.build()?, negated, codes.clone()));
        }
        Ok(PerFileIgnores { entries })
    }

    fn ignored(&self, root: &Path, path: &str, code: &str) -> bool {
        if self.entries.is_empty() {
            return false;
        }
        let abs = crate::files::from_rel(root, path);
        let name = abs.file_name().map(|n| n.to_string_lossy().into_owned());
        self.entries
            .iter()
            .any(|(abs_set, name_set, negated, codes)| {
                let hit =
                    abs_set.is_match(&abs) || name.as_deref().is_some_and(|n| name_set.is_match(n));
                hit != *negated && code_enabled(code, codes, &[])
            })
    }
}
