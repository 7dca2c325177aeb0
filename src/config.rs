//! Configuration: `[tool.codefacts]` in `pyproject.toml`, falling back to Ruff's keys
//! (`[tool.ruff]` in `pyproject.toml`, or `ruff.toml` / `.ruff.toml`).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use globset::{Glob, GlobSet, GlobSetBuilder};

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
    // Ours: the index's own folder.
    ".codefacts",
];

/// Ruff 0.17.6's Python version when nothing sets one: 3.11.
pub const DEFAULT_TARGET_MINOR: u8 = 11;

/// Default cap on a file's size: larger files are recorded but not parsed.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;
/// Default budget for parsing one file.
pub const DEFAULT_PARSE_TIMEOUT_MS: u64 = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub enum LaneMode {
    Strict,
    Warn,
}

impl LaneMode {
    pub fn as_str(&self) -> &'static str {
        match self {
            LaneMode::Strict => "strict",
            LaneMode::Warn => "warn",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Lane {
    pub name: String,
    pub globs: Vec<String>,
    pub mode: LaneMode,
}

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

/// Ruff's lint settings that our rules honour (`[tool.ruff.lint]`, overridable in
/// `[tool.codefacts.lint]`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LintSettings {
    /// `select`; `None` means Ruff's default selection ([`DEFAULT_SELECT`]).
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    /// `per-file-ignores` and `extend-per-file-ignores`: glob -> codes.
    pub per_file_ignores: Vec<(String, Vec<String>)>,
    pub ban_relative_imports: BanRelativeImports,
    /// Extra builtins (`builtins`).
    pub builtins: Vec<String>,
    /// `isort.known-first-party`.
    pub known_first_party: Vec<String>,
}

impl Default for LintSettings {
    fn default() -> Self {
        LintSettings {
            select: None,
            extend_select: Vec::new(),
            ignore: Vec::new(),
            per_file_ignores: Vec::new(),
            ban_relative_imports: BanRelativeImports::Parents,
            builtins: Vec::new(),
            known_first_party: Vec::new(),
        }
    }
}

/// The selector that stands for Ruff's default selection: the 407 rules `ruff check` runs with
/// no configuration (`src/ruff_default_rules.txt`; in Ruff 0.17 not just E4, E7, E9 and F:
/// F403, F405 and TID252 are off, many UP, B, SIM, I and RUF rules on). It is the least
/// specific selector: any `ignore` that matches a rule removes it.
pub const DEFAULT_SELECT: &str = "<ruff-default>";

/// Whether `code` is enabled by selectors, Ruff-style: the most specific matching selector
/// wins; at equal specificity `ignore` beats `select`. `ALL` matches every code;
/// [`DEFAULT_SELECT`] the codes of Ruff's default selection.
pub fn code_enabled(code: &str, select: &[String], ignore: &[String]) -> bool {
    let specificity = |sel: &str| -> Option<usize> {
        if sel == "ALL" {
            Some(0)
        } else if sel == DEFAULT_SELECT {
            crate::ruff_rules::is_default(code).then_some(0)
        } else if code.starts_with(sel) {
            Some(sel.len())
        } else {
            None
        }
    };
    let best_select = select.iter().filter_map(|s| specificity(s)).max();
    let best_ignore = ignore.iter().filter_map(|s| specificity(s)).max();
    match (best_select, best_ignore) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(s), Some(i)) => s > i,
    }
}

impl LintSettings {
    /// The effective `select` (configured or Ruff's default) plus `extend-select`.
    pub fn effective_select(&self) -> Vec<String> {
        let mut v: Vec<String> = match &self.select {
            Some(s) => s.clone(),
            None => vec![DEFAULT_SELECT.to_string()],
        };
        v.extend(self.extend_select.iter().cloned());
        v
    }
}

/// Everything the indexer needs to know about a repository's configuration.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Config {
    /// Absolute repository root.
    pub root: PathBuf,
    /// Where the settings came from (`pyproject.toml`, `ruff.toml`, or none).
    pub source: Option<PathBuf>,
    /// Source roots, repo-relative with `/` (`""` is the root itself).
    pub src: Vec<String>,
    /// Exclude patterns (Ruff semantics), defaults included.
    pub exclude: Vec<String>,
    pub lanes: Vec<Lane>,
    pub max_file_size: u64,
    pub parse_timeout_ms: u64,
    /// Ruff `target-version` as a minor version (3.x): `target-version`, else the lower bound
    /// of `[project] requires-python` (of this `pyproject.toml`, else the closest one above),
    /// else Ruff 0.17.6's default, 3.11 (measured: `aiter`, `ExceptionGroup` are builtins,
    /// `PythonFinalizationError` is not; `ruff check --show-settings` resolves 3.11).
    pub target_minor: u8,
    pub lint: LintSettings,
    /// `index-references`: store every name load in `name_references` (large; off by default).
    pub index_references: bool,
    /// Problems that do not stop a run (an unknown key in `[tool.codefacts]`), for the caller to
    /// print.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// Compiled matchers derived from a [`Config`].
pub struct Matchers {
    /// Patterns without a slash: matched against every path component's name.
    basename: GlobSet,
    /// Patterns with a slash: matched against the repo-relative path.
    relative: GlobSet,
    lanes: Vec<(GlobSet, usize)>,
}

impl Matchers {
    /// True when the repo-relative path (file or directory) is excluded.
    pub fn is_excluded(&self, rel: &str, name: &str) -> bool {
        self.basename.is_match(name) || (!rel.is_empty() && self.relative.is_match(rel))
    }

    /// Index into `Config::lanes` of the first lane matching the path.
    pub fn lane_of(&self, rel: &str) -> Option<usize> {
        self.lanes
            .iter()
            .find(|(set, _)| set.is_match(rel))
            .map(|(_, i)| *i)
    }
}

fn glob(pattern: &str) -> Result<Glob> {
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .with_context(|| format!("invalid glob pattern `{pattern}`"))
}

impl Config {
    /// Defaults for a repository without configuration.
    pub fn defaults(root: PathBuf) -> Config {
        let mut src = vec![String::new()];
        if root.join("src").is_dir() {
            src.push("src".to_string());
        }
        Config {
            root,
            source: None,
            src,
            exclude: DEFAULT_EXCLUDES.iter().map(|s| s.to_string()).collect(),
            lanes: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            parse_timeout_ms: DEFAULT_PARSE_TIMEOUT_MS,
            target_minor: DEFAULT_TARGET_MINOR,
            lint: LintSettings::default(),
            index_references: false,
            warnings: Vec::new(),
        }
    }

    /// Loads the configuration of the repository at `root`.
    pub fn load(root: &Path) -> Result<Config> {
        Config::load_with_overrides(root, &[])
    }

    /// Loads the configuration, then applies Ruff-style `--config` overrides: each a TOML
    /// `KEY = VALUE` pair (dotted keys allowed, e.g.
    /// `lint.flake8-tidy-imports.ban-relative-imports = "all"`). They are the top layer:
    /// Ruff's settings < `[tool.codefacts]` < `--config`, for Ruff's keys and ours alike.
    pub fn load_with_overrides(root: &Path, overrides: &[String]) -> Result<Config> {
        let mut cfg = Config::defaults(root.to_path_buf());
        let pyproject = root.join("pyproject.toml");
        let mut ruff: Option<toml::Table> = None;
        let mut ours: Option<toml::Table> = None;
        if pyproject.is_file() {
            let doc = read_toml(&pyproject)?;
            let tool = doc.get("tool").and_then(|t| t.as_table());
            ours = tool
                .and_then(|t| t.get("codefacts"))
                .and_then(|t| t.as_table())
                .cloned();
            ruff = tool
                .and_then(|t| t.get("ruff"))
                .and_then(|t| t.as_table())
                .cloned();
            if ours.is_some() || ruff.is_some() {
                cfg.source = Some(pyproject.clone());
            }
        }
        // Ruff's precedence in one folder: `.ruff.toml`, then `ruff.toml`, then pyproject.toml.
        for name in [".ruff.toml", "ruff.toml"] {
            let p = root.join(name);
            if p.is_file() {
                ruff = Some(read_toml(&p)?);
                cfg.source = Some(p);
                break;
            }
        }
        if let (Some(table), Some(source)) = (&ruff, &cfg.source) {
            // Ruff refuses a configuration with a key it does not know; so do we.
            if let Some((key, near)) = crate::ruff_rules::unknown_option_keys(table).first() {
                bail!(
                    "{}: unknown field `{key}` in Ruff's settings{}",
                    source.display(),
                    did_you_mean(near)
                );
            }
        }
        if let Some(table) = &ours {
            for (key, near) in unknown_codefacts_keys(table) {
                cfg.warnings.push(format!(
                    "{}: unknown key `{key}` in [tool.codefacts], ignored{}",
                    pyproject.display(),
                    did_you_mean(&near)
                ));
            }
        }
        let mut over: Option<toml::Table> = None;
        for o in overrides {
            let patch: toml::Table = o
                .parse()
                .with_context(|| format!("--config `{o}` is not a TOML `KEY = VALUE` pair"))?;
            let unknown_ruff = crate::ruff_rules::unknown_option_keys(&patch);
            let unknown_ours = unknown_codefacts_keys(&patch);
            if let Some((key, near)) = unknown_ruff
                .iter()
                .find(|(k, _)| unknown_ours.iter().any(|(o, _)| o == k))
            {
                bail!(
                    "--config `{o}`: unknown setting `{key}`{}",
                    did_you_mean(near)
                );
            }
            merge(over.get_or_insert_with(toml::Table::new), patch);
        }
        // The first layer, from the top, that sets `key`.
        let pick = |key: &str| -> Option<&toml::Value> {
            [&over, &ours, &ruff]
                .into_iter()
                .find_map(|t| t.as_ref().and_then(|t| t.get(key)))
        };
        // Our own keys: `--config` over `[tool.codefacts]`.
        let ours_get = |key: &str| -> Option<&toml::Value> {
            [&over, &ours]
                .into_iter()
                .find_map(|t| t.as_ref().and_then(|t| t.get(key)))
        };
        if let Some(v) = pick("src") {
            cfg.src = string_list(v, "src")?
                .into_iter()
                .map(|s| normalize_rel(&s))
                .collect();
        }
        if let Some(v) = pick("exclude") {
            cfg.exclude = string_list(v, "exclude")?;
            cfg.exclude.push(".codefacts".into());
        }
        // extend-exclude adds to whatever exclude is in force; the top layer that sets it wins.
        if let Some(v) = pick("extend-exclude") {
            cfg.exclude.extend(string_list(v, "extend-exclude")?);
        }
        if let Some(v) = pick("target-version") {
            let s = v.as_str().unwrap_or_default();
            cfg.target_minor = parse_target_version(s)
                .with_context(|| format!("unsupported target-version `{s}`"))?;
        } else if let Some(minor) = requires_python_minor(root)? {
            cfg.target_minor = minor;
        }
        cfg.lint = lint_settings(&[ruff.as_ref(), ours.as_ref(), over.as_ref()])?;
        {
            if let Some(v) = ours_get("max-file-size") {
                cfg.max_file_size = v
                    .as_integer()
                    .filter(|n| *n > 0)
                    .context("`max-file-size` must be a positive integer (bytes)")?
                    as u64;
            }
            if let Some(v) = ours_get("index-references") {
                cfg.index_references = v
                    .as_bool()
                    .context("`index-references` must be true or false")?;
            }
            if let Some(v) = ours_get("parse-timeout-ms") {
                cfg.parse_timeout_ms = v
                    .as_integer()
                    .filter(|n| *n > 0)
                    .context("`parse-timeout-ms` must be a positive integer")?
                    as u64;
            }
            if let Some(lanes) = ours_get("lanes") {
                let lanes = lanes
                    .as_table()
                    .context("[tool.codefacts.lanes] must be a table")?;
                for (name, spec) in lanes {
                    cfg.lanes.push(parse_lane(name, spec)?);
                }
            }
        }
        Ok(cfg)
    }

    pub fn matchers(&self) -> Result<Matchers> {
        let mut basename = GlobSetBuilder::new();
        let mut relative = GlobSetBuilder::new();
        for pat in &self.exclude {
            let p = pat.trim_start_matches("./").trim_end_matches('/');
            if p.is_empty() {
                continue;
            }
            if p.contains('/') {
                relative.add(glob(p)?);
                // `dir/**` style patterns should also exclude the directory itself.
                if let Some(stripped) = p.strip_suffix("/**") {
                    relative.add(glob(stripped)?);
                }
            } else {
                basename.add(glob(p)?);
            }
        }
        let mut lanes = Vec::new();
        for (i, lane) in self.lanes.iter().enumerate() {
            let mut b = GlobSetBuilder::new();
            for g in &lane.globs {
                b.add(glob(g.trim_start_matches("./"))?);
                if !g.contains('*') {
                    // A bare folder name means everything below it.
                    b.add(glob(&format!("{}/**", g.trim_end_matches('/')))?);
                }
            }
            lanes.push((b.build()?, i));
        }
        Ok(Matchers {
            basename: basename.build()?,
            relative: relative.build()?,
            lanes,
        })
    }

    /// A fingerprint of everything that changes derived facts without changing file contents.
    pub fn fingerprint(&self) -> String {
        let v = serde_json::json!({
            "src": self.src,
            "lanes": self.lanes,
            "max_file_size": self.max_file_size,
            "parse_timeout_ms": self.parse_timeout_ms,
            "target_minor": self.target_minor,
            "builtins": self.lint.builtins,
            "known_first_party": self.lint.known_first_party,
        });
        blake3::hash(v.to_string().as_bytes()).to_hex()[..16].to_string()
    }
}

/// Reads the lint settings: Ruff's `[lint]` table (or the legacy top-level keys), then
/// `[tool.codefacts.lint]` (or top-level keys of `[tool.codefacts]`) on top.
/// Lint settings from the layers, lowest first: a later layer's `select` replaces, its
/// `ignore`, `extend-select`, `per-file-ignores` and `builtins` add.
fn lint_settings(layers: &[Option<&toml::Table>]) -> Result<LintSettings> {
    let mut out = LintSettings::default();
    for table in layers.iter().copied().flatten() {
        let lint = table.get("lint").and_then(|l| l.as_table());
        let get = |key: &str| -> Option<&toml::Value> {
            lint.and_then(|l| l.get(key)).or_else(|| table.get(key))
        };
        if let Some(v) = get("select") {
            out.select = Some(string_list(v, "select")?);
        }
        if let Some(v) = get("extend-select") {
            out.extend_select.extend(string_list(v, "extend-select")?);
        }
        if let Some(v) = get("ignore") {
            out.ignore.extend(string_list(v, "ignore")?);
        }
        for key in ["per-file-ignores", "extend-per-file-ignores"] {
            if let Some(v) = get(key) {
                let t = v
                    .as_table()
                    .with_context(|| format!("`{key}` must be a table of glob = [codes]"))?;
                for (pattern, codes) in t {
                    out.per_file_ignores
                        .push((pattern.clone(), string_list(codes, key)?));
                }
            }
        }
        if let Some(v) = get("builtins") {
            out.builtins.extend(string_list(v, "builtins")?);
        }
        let isort = lint
            .and_then(|l| l.get("isort"))
            .or_else(|| table.get("isort"))
            .and_then(|t| t.as_table());
        if let Some(v) = isort.and_then(|t| t.get("known-first-party")) {
            out.known_first_party = string_list(v, "known-first-party")?;
        }
        let tidy = lint
            .and_then(|l| l.get("flake8-tidy-imports"))
            .or_else(|| table.get("flake8-tidy-imports"))
            .and_then(|t| t.as_table());
        if let Some(v) = tidy.and_then(|t| t.get("ban-relative-imports")) {
            out.ban_relative_imports = match v.as_str() {
                Some("parents") => BanRelativeImports::Parents,
                Some("all") => BanRelativeImports::All,
                _ => bail!("`ban-relative-imports` must be \"parents\" or \"all\""),
            };
        }
    }
    Ok(out)
}

fn did_you_mean(near: &Option<String>) -> String {
    near.as_ref()
        .map(|n| format!(" (did you mean `{n}`?)"))
        .unwrap_or_default()
}

/// The keys codefacts reads from `[tool.codefacts]`: its own, and the lint keys it takes from
/// Ruff (under `lint` or at the top). A dotted path names a table whose keys are checked too;
/// `lanes` and `per-file-ignores` hold names the user chooses.
const CODEFACTS_KEYS: &[&str] = &[
    "src",
    "exclude",
    "extend-exclude",
    "target-version",
    "max-file-size",
    "index-references",
    "parse-timeout-ms",
    "lanes",
    "lint",
];
const CODEFACTS_LINT_KEYS: &[&str] = &[
    "select",
    "extend-select",
    "ignore",
    "per-file-ignores",
    "extend-per-file-ignores",
    "builtins",
    "isort",
    "flake8-tidy-imports",
];

/// Unknown keys of a `[tool.codefacts]` table (dotted), each with the closest known one.
fn unknown_codefacts_keys(table: &toml::Table) -> Vec<(String, Option<String>)> {
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

/// Deep-merges `patch` into `base` (tables merge, other values replace).
fn merge(base: &mut toml::Table, patch: toml::Table) {
    for (k, v) in patch {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(p)) => merge(b, p),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

fn read_toml(path: &Path) -> Result<toml::Table> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    text.parse::<toml::Table>()
        .with_context(|| format!("cannot parse {}", path.display()))
}

fn string_list(v: &toml::Value, key: &str) -> Result<Vec<String>> {
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

fn normalize_rel(s: &str) -> String {
    let s = s.replace('\\', "/");
    let s = s.trim_start_matches("./").trim_end_matches('/');
    if s == "." {
        String::new()
    } else {
        s.to_string()
    }
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

/// `py311` -> 11.
pub fn parse_target_version(s: &str) -> Option<u8> {
    let minor: u8 = s.strip_prefix("py3")?.parse().ok()?;
    (7..=14).contains(&minor).then_some(minor)
}

fn parse_lane(name: &str, spec: &toml::Value) -> Result<Lane> {
    let (globs, mode) = match spec {
        toml::Value::Array(_) => (string_list(spec, "lanes")?, LaneMode::Strict),
        toml::Value::String(s) => (vec![s.clone()], LaneMode::Strict),
        toml::Value::Table(t) => {
            let globs = match t.get("globs").or_else(|| t.get("paths")) {
                Some(v) => string_list(v, &format!("lanes.{name}.globs"))?,
                None => bail!("lane `{name}` needs `globs = [...]`"),
            };
            let mode = match t.get("mode").and_then(|m| m.as_str()).unwrap_or("strict") {
                "strict" => LaneMode::Strict,
                "warn" => LaneMode::Warn,
                other => bail!("lane `{name}`: mode must be `strict` or `warn`, not `{other}`"),
            };
            (globs, mode)
        }
        _ => bail!("lane `{name}` must be a table `{{ globs = [...], mode = \"strict\" }}`"),
    };
    Ok(Lane {
        name: name.to_string(),
        globs,
        mode,
    })
}

/// The repository root, one per repository whatever folder a command starts in: the git top
/// level (the nearest ancestor holding `.git`, a folder or a worktree's file), else the topmost
/// ancestor holding `pyproject.toml`, else `start` itself.
pub fn find_root(start: &Path) -> PathBuf {
    if let Some(git) = start.ancestors().find(|d| d.join(".git").exists()) {
        return git.to_path_buf();
    }
    start
        .ancestors()
        .filter(|d| d.join("pyproject.toml").is_file())
        .last()
        .unwrap_or(start)
        .to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_codefacts_then_ruff_keys() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            r#"
[tool.ruff]
target-version = "py311"
src = ["src", "."]
extend-exclude = ["packages/**/generated/**"]

[tool.codefacts.lanes]
lukhas = { globs = ["lukhas/**"], mode = "strict" }
labs = { globs = ["labs/**", "candidate"], mode = "warn" }
"#,
        )
        .unwrap();
        let cfg = Config::load(dir.path()).unwrap();
        assert_eq!(cfg.src, vec!["src".to_string(), String::new()]);
        assert_eq!(cfg.target_minor, 11);
        assert_eq!(cfg.lanes.len(), 2);
        let m = cfg.matchers().unwrap();
        assert!(m.is_excluded("packages/a/generated/x.py", "x.py"));
        assert!(m.is_excluded("a/.venv", ".venv"));
        assert!(!m.is_excluded("packages/a/x.py", "x.py"));
        assert_eq!(m.lane_of("lukhas/a.py"), Some(0));
        assert_eq!(m.lane_of("candidate/x/y.py"), Some(1));
        assert_eq!(m.lane_of("core/a.py"), None);
    }

    #[test]
    fn selectors_follow_ruffs_precedence() {
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(code_enabled("F401", &v(&["F"]), &[]));
        // Ruff 0.17.6's defaults (measured with --show-settings).
        let d = v(&[DEFAULT_SELECT]);
        assert!(!code_enabled("TID252", &d, &[]));
        assert!(!code_enabled("F403", &d, &[]));
        assert!(!code_enabled("F405", &d, &[]));
        assert!(code_enabled("F401", &d, &[]));
        assert!(code_enabled("F706", &d, &[]));
        assert!(code_enabled("E902", &d, &[]));
        assert!(!code_enabled("F401", &d, &v(&["F"])));
        assert!(code_enabled("F403", &v(&[DEFAULT_SELECT, "F403"]), &[]));
        assert!(!code_enabled("F401", &v(&["F"]), &v(&["F401"])));
        assert!(code_enabled("F401", &v(&["F401"]), &v(&["F"])));
        assert!(!code_enabled("F401", &v(&["F4"]), &v(&["F4"])));
        assert!(code_enabled("TID252", &v(&["ALL"]), &v(&["F"])));
    }

    #[test]
    fn reads_lint_settings() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            r#"
[tool.ruff]
builtins = ["_"]
[tool.ruff.lint]
select = ["F", "TID252"]
ignore = ["F403"]
[tool.ruff.lint.flake8-tidy-imports]
ban-relative-imports = "all"
[tool.ruff.lint.per-file-ignores]
"tests/**" = ["F401"]
[tool.codefacts.lint]
extend-select = ["F706"]
"#,
        )
        .unwrap();
        let cfg = Config::load(dir.path()).unwrap();
        assert_eq!(cfg.lint.select, Some(vec!["F".into(), "TID252".into()]));
        assert_eq!(cfg.lint.extend_select, vec!["F706".to_string()]);
        assert_eq!(cfg.lint.ignore, vec!["F403".to_string()]);
        assert_eq!(cfg.lint.ban_relative_imports, BanRelativeImports::All);
        assert_eq!(cfg.lint.builtins, vec!["_".to_string()]);
        assert_eq!(cfg.lint.per_file_ignores[0].0, "tests/**");
    }

    #[test]
    fn config_overrides_lay_over_ruff_settings() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[tool.ruff]\ntarget-version = \"py38\"\n[tool.ruff.lint]\nselect = [\"F\"]\n",
        )
        .unwrap();
        let cfg = Config::load_with_overrides(
            dir.path(),
            &[
                "target-version = 'py312'".into(),
                "lint.flake8-tidy-imports.ban-relative-imports = 'all'".into(),
            ],
        )
        .unwrap();
        assert_eq!(cfg.target_minor, 12);
        assert_eq!(cfg.lint.select, Some(vec!["F".to_string()]));
        assert_eq!(cfg.lint.ban_relative_imports, BanRelativeImports::All);
        assert!(Config::load_with_overrides(dir.path(), &["nope".into()]).is_err());
    }

    #[test]
    fn ruff_toml_wins_over_pyproject_as_in_ruff() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[tool.ruff]\ntarget-version = \"py38\"\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("ruff.toml"), "target-version = \"py312\"\n").unwrap();
        assert_eq!(Config::load(dir.path()).unwrap().target_minor, 12);
        std::fs::write(
            dir.path().join(".ruff.toml"),
            "target-version = \"py310\"\n",
        )
        .unwrap();
        assert_eq!(Config::load(dir.path()).unwrap().target_minor, 10);
    }

    #[test]
    fn unknown_keys_warn_in_ours_and_fail_in_ruffs() {
        let dir = tempfile::tempdir().unwrap();
        let py = dir.path().join("pyproject.toml");
        std::fs::write(
            &py,
            "[tool.codefacts]\nextend-exlude = [\"x\"]\n[tool.codefacts.lint]\nselct = [\"F\"]\n",
        )
        .unwrap();
        let cfg = Config::load(dir.path()).unwrap();
        assert_eq!(cfg.warnings.len(), 2, "{:?}", cfg.warnings);
        assert!(
            cfg.warnings[0].contains("`extend-exlude`")
                && cfg.warnings[0].contains("did you mean `extend-exclude`"),
            "{:?}",
            cfg.warnings
        );
        assert!(cfg.warnings[1].contains("`lint.selct`") && cfg.warnings[1].contains("`select`"));
        std::fs::write(&py, "[tool.ruff]\nextend-exlude = [\"x\"]\n").unwrap();
        let err = format!("{:#}", Config::load(dir.path()).unwrap_err());
        assert!(
            err.contains("unknown field `extend-exlude`") && err.contains("`extend-exclude`"),
            "{err}"
        );
        // Keys Ruff knows but codefacts does not read are fine, in Ruff's table and in --config.
        std::fs::write(
            &py,
            "[tool.ruff]\nline-length = 100\n[tool.ruff.lint.isort]\nforce-single-line = true\n",
        )
        .unwrap();
        let cfg = Config::load_with_overrides(
            dir.path(),
            &["line-length = 90".into(), "index-references = true".into()],
        )
        .unwrap();
        assert!(cfg.warnings.is_empty());
        let err =
            Config::load_with_overrides(dir.path(), &["line-lenght = 90".into()]).unwrap_err();
        assert!(format!("{err:#}").contains("`line-length`"), "{err:#}");
    }

    #[test]
    fn requires_python_gives_the_version_when_nothing_else_does() {
        // As measured with Ruff 0.17.6.
        assert_eq!(requires_python_lower_bound(">=3.13"), Some(13));
        assert_eq!(requires_python_lower_bound("~=3.10"), Some(10));
        assert_eq!(requires_python_lower_bound(">3.9,<4"), Some(9));
        assert_eq!(requires_python_lower_bound("==3.12.*"), Some(12));
        assert_eq!(requires_python_lower_bound(">=3.8, !=3.9.1"), Some(8));
        assert_eq!(requires_python_lower_bound("<4"), None);
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        assert_eq!(
            Config::load(&sub).unwrap().target_minor,
            DEFAULT_TARGET_MINOR
        );
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname = 'x'\nrequires-python = '>=3.13'\n",
        )
        .unwrap();
        // From the closest pyproject.toml above, with no configuration at all.
        assert_eq!(Config::load(&sub).unwrap().target_minor, 13);
        // And beside a ruff.toml that sets no target-version.
        std::fs::write(sub.join("ruff.toml"), "line-length = 100\n").unwrap();
        assert_eq!(Config::load(&sub).unwrap().target_minor, 13);
        // target-version wins.
        std::fs::write(sub.join("ruff.toml"), "target-version = 'py38'\n").unwrap();
        assert_eq!(Config::load(&sub).unwrap().target_minor, 8);
    }

    #[test]
    fn the_root_is_the_git_top_level_else_the_topmost_pyproject() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("packages/a");
        std::fs::create_dir_all(&a).unwrap();
        std::fs::write(a.join("pyproject.toml"), "").unwrap();
        std::fs::write(dir.path().join("pyproject.toml"), "").unwrap();
        assert_eq!(find_root(&a), dir.path());
        std::fs::create_dir(dir.path().join("packages/.git")).unwrap();
        assert_eq!(find_root(&a), dir.path().join("packages"));
        let lone = tempfile::tempdir().unwrap();
        assert_eq!(find_root(lone.path()), lone.path());
    }

    #[test]
    fn bad_lane_mode_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[tool.codefacts.lanes]\nx = { globs = [\"x/**\"], mode = \"loud\" }\n",
        )
        .unwrap();
        let err = Config::load(dir.path()).unwrap_err();
        assert!(format!("{err:#}").contains("mode must be"));
    }
}
