//! The keys of a configuration: what one Ruff configuration file (with its `extend` chain, and
//! for the root also `[tool.codefacts]` and `--config`) says, read into [`Settings`]. Which file
//! applies to which path is `resolve.rs`'s business; this file knows nothing of the file system
//! beyond the path of the table it reads.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// Ruff's default `exclude` list (ruff 0.17; `build` is no longer in it).
pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pyenv",
    ".pytest_cache",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    ".vscode",
    "__pypackages__",
    "_build",
    "buck-out",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
];

/// Ruff's default `include`: the files discovery picks up by itself.
pub const DEFAULT_INCLUDE: &[&str] = &["*.py", "*.pyi", "*.ipynb", "**/pyproject.toml"];

/// Ruff 0.17.6's Python version when nothing sets one: 3.11.
pub const DEFAULT_TARGET_MINOR: u8 = 11;

/// `flake8-tidy-imports.ban-relative-imports`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum BanRelativeImports {
    /// Only imports from parent packages (`..x`): Ruff's default.
    Parents,
    All,
}

impl BanRelativeImports {
    pub fn as_str(self) -> &'static str {
        match self {
            BanRelativeImports::Parents => "parents",
            BanRelativeImports::All => "all",
        }
    }
}

/// One layer of rule selection (a configuration file of an `extend` chain, `[tool.codefacts]`,
/// `--config`, or the command line), applied in order as Ruff applies them: a layer's `select`
/// starts over, its `extend-select` adds, its `ignore` removes; within a layer the most specific
/// selector wins and `ignore` wins a tie.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct SelectionLayer {
    /// Where the layer comes from, for messages (`/repo/pyproject.toml`, `the CLI`).
    pub from: String,
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
}

/// The selector that stands for Ruff's default selection: the 407 rules `ruff check` runs with
/// no configuration (`src/ruff_default_rules.txt`; in Ruff 0.17 not just E4, E7, E9 and F:
/// F403, F405 and TID252 are off, many UP, B, SIM, I and RUF rules on). It is the least
/// specific selector: any `ignore` that matches a rule removes it.
pub const DEFAULT_SELECT: &str = "<ruff-default>";

fn specificity(code: &str, sel: &str) -> Option<usize> {
    if sel == "ALL" {
        Some(0)
    } else if sel == DEFAULT_SELECT {
        crate::ruff_rules::is_default(code).then_some(0)
    } else if code.starts_with(sel) {
        Some(sel.len())
    } else {
        None
    }
}

/// Whether `code` is enabled by one layer of selectors, Ruff-style: the most specific matching
/// selector wins; at equal specificity `ignore` beats `select`. `ALL` matches every code;
/// [`DEFAULT_SELECT`] the codes of Ruff's default selection.
pub fn code_enabled(code: &str, select: &[String], ignore: &[String]) -> bool {
    let best_select = select.iter().filter_map(|s| specificity(code, s)).max();
    let best_ignore = ignore.iter().filter_map(|s| specificity(code, s)).max();
    match (best_select, best_ignore) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(s), Some(i)) => s > i,
    }
}

/// Whether `code` is enabled after all `layers`, starting from Ruff's default selection.
pub fn enabled_by_layers<'a>(
    code: &str,
    layers: impl IntoIterator<Item = &'a SelectionLayer>,
) -> bool {
    let mut on = crate::ruff_rules::is_default(code);
    for layer in layers {
        if layer.select.is_some() {
            on = false;
        }
        let selects = layer
            .select
            .iter()
            .flatten()
            .chain(&layer.extend_select)
            .filter_map(|s| specificity(code, s))
            .max();
        let ignores = layer
            .ignore
            .iter()
            .filter_map(|s| specificity(code, s))
            .max();
        on = match (selects, ignores) {
            (Some(s), Some(i)) => s > i,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => on,
        };
    }
    on
}

/// Ruff's lint settings that our rules honour.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct LintSettings {
    /// Rule selection, lowest layer first (empty: Ruff's default selection).
    pub layers: Vec<SelectionLayer>,
    /// `per-file-ignores` and `extend-per-file-ignores`: (glob, codes, the folder a relative
    /// glob is anchored at: the directory of the file that set it).
    pub per_file_ignores: Vec<(String, Vec<String>, PathBuf)>,
    pub ban_relative_imports: BanRelativeImports,
    /// Extra builtins (`builtins`).
    pub builtins: Vec<String>,
    /// `isort.known-first-party`.
    pub known_first_party: Vec<String>,
}

impl Default for LintSettings {
    fn default() -> Self {
        LintSettings {
            layers: Vec::new(),
            per_file_ignores: Vec::new(),
            ban_relative_imports: BanRelativeImports::Parents,
            builtins: Vec::new(),
            known_first_party: Vec::new(),
        }
    }
}

impl LintSettings {
    /// Whether the rule is on for files these settings govern (before per-file-ignores).
    pub fn enabled(&self, code: &str) -> bool {
        enabled_by_layers(code, &self.layers)
    }
}

/// What one configuration says for the files it governs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Settings {
    /// The folder this configuration governs (its file's folder; the repository root for the
    /// defaults).
    pub dir: PathBuf,
    /// The configuration file (`None`: no file, Ruff's defaults).
    pub source: Option<PathBuf>,
    /// `exclude` (Ruff's defaults unless set) and `extend-exclude`: (pattern, anchor folder).
    pub exclude: Vec<(String, PathBuf)>,
    /// `include` and `extend-include`: (pattern, anchor folder).
    pub include: Vec<(String, PathBuf)>,
    pub respect_gitignore: bool,
    pub force_exclude: bool,
    /// Python 3 minor version: `target-version`, else `requires-python`, else 3.11.
    pub target_minor: u8,
    /// Whether `target_minor` came from `target-version` (else requires-python or default).
    pub target_set: bool,
    pub lint: LintSettings,
    /// `output-format`.
    pub output_format: Option<String>,
    /// `src`, relative to `dir` (`""` is `dir` itself), if set.
    pub src: Option<Vec<String>>,
    /// `line-length` (88 unless set): where isort wraps an import a fix writes.
    pub line_length: usize,
}

impl Settings {
    /// Ruff's defaults for files under `dir`.
    pub fn defaults(dir: &Path) -> Settings {
        Settings {
            dir: dir.to_path_buf(),
            source: None,
            exclude: DEFAULT_EXCLUDES
                .iter()
                .map(|p| (p.to_string(), dir.to_path_buf()))
                .collect(),
            include: DEFAULT_INCLUDE
                .iter()
                .map(|p| (p.to_string(), dir.to_path_buf()))
                .collect(),
            respect_gitignore: true,
            force_exclude: false,
            target_minor: DEFAULT_TARGET_MINOR,
            target_set: false,
            lint: LintSettings::default(),
            output_format: None,
            src: None,
            line_length: 88,
        }
    }

    /// Lays one table over these settings, as one more file of an `extend` chain (or
    /// `[tool.codefacts]`, or `--config`): scalars and lists replace, `extend-*` keys and
    /// `builtins` add, the rule selection gets a layer. `anchor` is the folder relative
    /// patterns of this table are relative to; `from` names it in messages.
    pub fn apply(&mut self, table: &toml::Table, anchor: &Path, from: &str) -> Result<()> {
        let anchored = |v: &toml::Value, key: &str| -> Result<Vec<(String, PathBuf)>> {
            Ok(string_list(v, key)?
                .into_iter()
                .map(|p| (p, anchor.to_path_buf()))
                .collect())
        };
        if let Some(v) = table.get("exclude") {
            self.exclude = anchored(v, "exclude")?;
        }
        if let Some(v) = table.get("extend-exclude") {
            self.exclude.extend(anchored(v, "extend-exclude")?);
        }
        if let Some(v) = table.get("include") {
            self.include = anchored(v, "include")?;
        }
        if let Some(v) = table.get("extend-include") {
            self.include.extend(anchored(v, "extend-include")?);
        }
        for (key, slot) in [
            ("respect-gitignore", &mut self.respect_gitignore),
            ("force-exclude", &mut self.force_exclude),
        ] {
            if let Some(v) = table.get(key) {
                *slot = v
                    .as_bool()
                    .with_context(|| format!("{from}: `{key}` must be true or false"))?;
            }
        }
        if let Some(v) = table.get("target-version") {
            let s = v.as_str().unwrap_or_default();
            self.target_minor = parse_target_version(s)
                .with_context(|| format!("{from}: unsupported target-version `{s}`"))?;
            self.target_set = true;
        }
        if let Some(v) = table.get("line-length") {
            self.line_length = v
                .as_integer()
                .filter(|n| (1..=320).contains(n))
                .with_context(|| {
                    format!("{from}: `line-length` must be a whole number from 1 to 320")
                })? as usize;
        }
        if let Some(v) = table.get("output-format") {
            self.output_format = Some(
                v.as_str()
                    .with_context(|| format!("{from}: `output-format` must be a string"))?
                    .to_string(),
            );
        }
        if let Some(v) = table.get("src") {
            let base = anchor.strip_prefix(&self.dir).unwrap_or(Path::new(""));
            self.src = Some(
                string_list(v, "src")?
                    .into_iter()
                    .map(|s| normalize_rel(&base.join(s).to_string_lossy()))
                    .collect(),
            );
        }
        self.apply_lint(table, anchor, from)
    }

    fn apply_lint(&mut self, table: &toml::Table, anchor: &Path, from: &str) -> Result<()> {
        let lint = table.get("lint").and_then(|l| l.as_table());
        let get = |key: &str| -> Option<&toml::Value> {
            lint.and_then(|l| l.get(key)).or_else(|| table.get(key))
        };
        let mut layer = SelectionLayer {
            from: from.to_string(),
            select: None,
            extend_select: Vec::new(),
            ignore: Vec::new(),
        };
        if let Some(v) = get("select") {
            layer.select = Some(string_list(v, "select")?);
        }
        if let Some(v) = get("extend-select") {
            layer.extend_select = string_list(v, "extend-select")?;
        }
        for key in ["ignore", "extend-ignore"] {
            if let Some(v) = get(key) {
                layer.ignore.extend(string_list(v, key)?);
            }
        }
        if layer.select.is_some() || !layer.extend_select.is_empty() || !layer.ignore.is_empty() {
            self.lint.layers.push(layer);
        }
        if let Some(v) = get("per-file-ignores") {
            self.lint.per_file_ignores.clear();
            self.lint
                .per_file_ignores
                .extend(pattern_table(v, "per-file-ignores", anchor)?);
        }
        if let Some(v) = get("extend-per-file-ignores") {
            self.lint
                .per_file_ignores
                .extend(pattern_table(v, "extend-per-file-ignores", anchor)?);
        }
        if let Some(v) = get("builtins") {
            self.lint.builtins.extend(string_list(v, "builtins")?);
        }
        let section = |name: &str| {
            lint.and_then(|l| l.get(name))
                .or_else(|| table.get(name))
                .and_then(|t| t.as_table())
        };
        if let Some(v) = section("isort").and_then(|t| t.get("known-first-party")) {
            self.lint.known_first_party = string_list(v, "known-first-party")?;
        }
        if let Some(v) = section("flake8-tidy-imports").and_then(|t| t.get("ban-relative-imports"))
        {
            self.lint.ban_relative_imports = match v.as_str() {
                Some("parents") => BanRelativeImports::Parents,
                Some("all") => BanRelativeImports::All,
                _ => bail!("{from}: `ban-relative-imports` must be \"parents\" or \"all\""),
            };
        }
        Ok(())
    }
}

fn pattern_table(
    v: &toml::Value,
    key: &str,
    anchor: &Path,
) -> Result<Vec<(String, Vec<String>, PathBuf)>> {
    let t = v
        .as_table()
        .with_context(|| format!("`{key}` must be a table of glob = [codes]"))?;
    t.iter()
        .map(|(pattern, codes)| {
            Ok((
                pattern.clone(),
                string_list(codes, key)?,
                anchor.to_path_buf(),
            ))
        })
        .collect()
}

/// Deep-merges `patch` into `base` (tables merge, other values replace).
pub fn merge(base: &mut toml::Table, patch: toml::Table) {
    for (k, v) in patch {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(p)) => merge(b, p),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

pub fn read_toml(path: &Path) -> Result<toml::Table> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.parse::<toml::Table>()
        .with_context(|| format!("cannot parse {}", path.display()))
}

pub fn string_list(v: &toml::Value, key: &str) -> Result<Vec<String>> {
    let arr = v
        .as_array()
        .with_context(|| format!("`{key}` must be a list of strings"))?;
    arr.iter()
        .map(|x| {
            x.as_str()
                .map(str::to_string)
                .with_context(|| format!("`{key}` must be a list of strings"))
        })
        .collect()
}

pub fn normalize_rel(s: &str) -> String {
    let s = s.replace('\\', "/");
    let s = s.trim_start_matches("./").trim_end_matches('/');
    if s == "." || s.is_empty() {
        String::new()
    } else {
        s.strip_suffix("/.").unwrap_or(s).to_string()
    }
}

/// `py311` -> 11.
pub fn parse_target_version(s: &str) -> Option<u8> {
    let minor: u8 = s.strip_prefix("py3")?.parse().ok()?;
    (7..=14).contains(&minor).then_some(minor)
}

/// The lower bound of `[project] requires-python` in `dir/pyproject.toml`, else in the closest
/// `pyproject.toml` above `dir` that has one, as Ruff reads it when no `target-version` is
/// set: `>=3.10`, `~=3.10`, `==3.12.*` give their minor version, `>3.9` gives 3.9 (3.9.1
/// is allowed); several clauses take the highest bound; clamped to 3.7–3.14.
pub fn requires_python_minor(dir: &Path) -> Result<Option<u8>> {
    for d in dir.ancestors() {
        let p = d.join("pyproject.toml");
        if !p.is_file() {
            continue;
        }
        let doc = read_toml(&p)?;
        let Some(spec) = doc
            .get("project")
            .and_then(|p| p.get("requires-python"))
            .and_then(|v| v.as_str())
        else {
            continue;
        };
        return Ok(requires_python_lower_bound(spec).map(|m| m.clamp(7, 14)));
    }
    Ok(None)
}

/// The minor version of the lowest Python 3 a PEP 440 specifier set allows, if it bounds it.
pub fn requires_python_lower_bound(spec: &str) -> Option<u8> {
    let mut best: Option<u8> = None;
    for clause in spec.split(',') {
        let c = clause.trim();
        let (op, ver) = ["~=", "==", ">=", "<=", "!=", ">", "<", "==="]
            .iter()
            .filter(|op| c.starts_with(**op))
            .max_by_key(|op| op.len())
            .map(|op| (*op, c[op.len()..].trim()))?;
        if !matches!(op, "~=" | "==" | ">=" | ">" | "===") {
            continue;
        }
        let mut parts = ver.trim_end_matches(".*").split('.');
        let major: u32 = parts.next()?.trim().parse().ok()?;
        if major != 3 {
            continue;
        }
        let minor: u8 = parts
            .next()
            .and_then(|m| m.trim().parse().ok())
            .unwrap_or(0);
        best = Some(best.map_or(minor, |b| b.max(minor)));
    }
    best
}

pub fn did_you_mean(near: &Option<String>) -> String {
    near.as_ref()
        .map(|n| format!(" (did you mean `{n}`?)"))
        .unwrap_or_default()
}

/// The keys codefacts reads from `[tool.codefacts]`: its own, and the lint keys it takes from
/// Ruff (under `lint` or at the top). `lanes` and `per-file-ignores` hold names the user
/// chooses.
const CODEFACTS_KEYS: &[&str] = &[
    "src",
    "fix",
    "exclude",
    "extend-exclude",
    "target-version",
    "max-file-size",
    "index-references",
    "parse-timeout-ms",
    "lanes",
    "owner-source",
    "renames",
    "history",
    "baseline",
    "lint",
];
const CODEFACTS_LINT_KEYS: &[&str] = &[
    "select",
    "extend-select",
    "ignore",
    "extend-ignore",
    "per-file-ignores",
    "extend-per-file-ignores",
    "builtins",
    "isort",
    "flake8-tidy-imports",
];

/// Unknown keys of a `[tool.codefacts]` table (dotted), each with the closest known one.
pub fn unknown_codefacts_keys(table: &toml::Table) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let top: Vec<&str> = CODEFACTS_KEYS
        .iter()
        .chain(CODEFACTS_LINT_KEYS)
        .copied()
        .collect();
    let mut lint_tables = vec![("", table)];
    for (key, value) in table {
        if !top.contains(&key.as_str()) {
            out.push((
                key.clone(),
                crate::ruff_rules::closest(key, top.iter().copied()),
            ));
        } else if key == "lint"
            && let Some(t) = value.as_table()
        {
            lint_tables.push(("lint.", t));
            for k in t.keys() {
                if !CODEFACTS_LINT_KEYS.contains(&k.as_str()) {
                    out.push((
                        format!("lint.{k}"),
                        crate::ruff_rules::closest(k, CODEFACTS_LINT_KEYS.iter().copied()),
                    ));
                }
            }
        }
    }
    for (prefix, t) in lint_tables {
        for (section, known) in [
            ("isort", &["known-first-party"][..]),
            ("flake8-tidy-imports", &["ban-relative-imports"][..]),
            ("fix", &["keep-relative-in-init"][..]),
        ] {
            if let Some(sub) = t.get(section).and_then(|v| v.as_table()) {
                for k in sub.keys() {
                    if !known.contains(&k.as_str()) {
                        out.push((
                            format!("{prefix}{section}.{k}"),
                            crate::ruff_rules::closest(k, known.iter().copied()),
                        ));
                    }
                }
            }
        }
    }
    out
}
