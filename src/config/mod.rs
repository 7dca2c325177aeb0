//! Configuration, in two parts:
//!
//! * **resolution** (`resolve.rs`): which configuration file applies to a path, as Ruff finds it
//!   (the closest `.ruff.toml`, `ruff.toml` or `pyproject.toml` with `[tool.ruff]` up the tree,
//!   `extend` chains, `--config` on top of each);
//! * **keys** (`keys.rs`): what a configuration says ([`Settings`]: excludes, includes, target
//!   version, rule selection, per-file-ignores, ...).
//!
//! [`Config`] holds what is one per repository: the root, `src`, lanes, codefacts' own limits
//! (from `[tool.codefacts]` and `--config`), and the [`Resolver`] for everything per file.

mod keys;
mod resolve;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use globset::{GlobSet, GlobSetBuilder};

pub use keys::{
    BanRelativeImports, DEFAULT_EXCLUDES, DEFAULT_SELECT, DEFAULT_TARGET_MINOR, LintSettings,
    SelectionLayer, Settings, code_enabled, enabled_by_layers, parse_target_version,
    requires_python_lower_bound, requires_python_minor,
};
pub use resolve::{Resolved, Resolver};

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

/// What is one per repository.
#[derive(Debug, Clone)]
pub struct Config {
    /// Absolute repository root.
    pub root: PathBuf,
    /// Source roots, repo-relative with `/` (`""` is the root itself): the root configuration's
    /// `src`, else `.` and `src/`.
    pub src: Vec<String>,
    pub lanes: Vec<Lane>,
    pub max_file_size: u64,
    pub parse_timeout_ms: u64,
    /// `index-references`: store every name load in `name_references` (large; off by default).
    pub index_references: bool,
    /// `baseline`: the ratchet's baseline file (repo-relative).
    pub baseline: Option<String>,
    /// `history`: where `codefacts health --record` appends its snapshots (repo-relative).
    pub history: Option<String>,
    /// `renames`: path prefixes that moved (`"candidate/" = "labs/"`), for the drift report.
    pub renames: Vec<(String, String)>,
    /// `[tool.codefacts.fix] keep-relative-in-init`: `fix relative-imports` leaves the
    /// relative imports of `__init__` files (re-exports) as they are.
    pub keep_relative_in_init: bool,
    /// `owner-source`: what decides a file's owner (manifest, CODEOWNERS, or both).
    pub owner_source: crate::owners::OwnerSource,
    /// Per-path settings.
    pub resolver: Arc<Resolver>,
    /// The settings of the root's configuration.
    pub root_settings: Arc<Resolved>,
    /// Problems that do not stop a run (an unknown key in `[tool.codefacts]`), for the caller to
    /// print.
    pub warnings: Vec<String>,
}

/// Compiled lane globs.
pub struct Lanes {
    lanes: Vec<(GlobSet, usize)>,
}

impl Lanes {
    /// Index into `Config::lanes` of the first lane matching the path.
    pub fn lane_of(&self, rel: &str) -> Option<usize> {
        self.lanes
            .iter()
            .find(|(set, _)| set.is_match(rel))
            .map(|(_, i)| *i)
    }
}

fn glob(pattern: &str) -> Result<globset::Glob> {
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .with_context(|| format!("invalid glob pattern `{pattern}`"))
}

impl Config {
    /// Loads the configuration of the repository at `root`.
    pub fn load(root: &Path) -> Result<Config> {
        Config::load_with_overrides(root, &[])
    }

    /// Loads the configuration, with Ruff-style `--config` overrides: each a TOML `KEY = VALUE`
    /// pair (dotted keys allowed, e.g. `lint.flake8-tidy-imports.ban-relative-imports = "all"`)
    /// or, as in Ruff, the path of a configuration file. They are the top layer of every
    /// configuration: Ruff's settings < `[tool.codefacts]` (root only) < `--config`.
    pub fn load_with_overrides(root: &Path, overrides: &[String]) -> Result<Config> {
        Config::load_layers(root, overrides, false)
    }

    /// As `ruff --isolated`: no configuration file is read (neither Ruff's nor
    /// `[tool.codefacts]`); the defaults, with the `--config` overrides on top.
    pub fn load_isolated(root: &Path, overrides: &[String]) -> Result<Config> {
        Config::load_layers(root, overrides, true)
    }

    fn load_layers(root: &Path, overrides: &[String], isolated: bool) -> Result<Config> {
        let pyproject = root.join("pyproject.toml");
        let mut ours: Option<toml::Table> = None;
        let mut warnings = Vec::new();
        if pyproject.is_file() && !isolated {
            let doc = keys::read_toml(&pyproject)?;
            ours = doc
                .get("tool")
                .and_then(|t| t.get("codefacts"))
                .and_then(|t| t.as_table())
                .cloned();
        }
        if let Some(table) = &ours {
            for (key, near) in keys::unknown_codefacts_keys(table) {
                warnings.push(format!(
                    "{}: unknown key `{key}` in [tool.codefacts], ignored{}",
                    pyproject.display(),
                    keys::did_you_mean(&near)
                ));
            }
        }
        let mut over: Option<toml::Table> = None;
        for o in overrides {
            let patch = override_table(o)?;
            keys::merge(over.get_or_insert_with(toml::Table::new), patch);
        }
        let resolver = Resolver::new(root, ours.clone(), over.clone(), isolated)?;
        let root_settings = resolver.root_settings()?;
        // Our own keys: `--config` over `[tool.codefacts]`.
        let ours_get = |key: &str| -> Option<&toml::Value> {
            [&over, &ours]
                .into_iter()
                .find_map(|t| t.as_ref().and_then(|t| t.get(key)))
        };
        let mut cfg = Config {
            root: root.to_path_buf(),
            src: root_settings.settings.src.clone().unwrap_or_else(|| {
                let mut src = vec![String::new()];
                if root.join("src").is_dir() {
                    src.push("src".to_string());
                }
                src
            }),
            lanes: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            parse_timeout_ms: DEFAULT_PARSE_TIMEOUT_MS,
            index_references: false,
            owner_source: crate::owners::OwnerSource::default(),
            renames: Vec::new(),
            keep_relative_in_init: false,
            history: None,
            baseline: None,
            resolver: Arc::new(resolver),
            root_settings,
            warnings,
        };
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
        if let Some(v) = ours_get("owner-source") {
            cfg.owner_source = v
                .as_str()
                .and_then(crate::owners::OwnerSource::parse)
                .with_context(|| {
                    format!(
                        "`owner-source` must be \"manifest\", \"codeowners\" or \"both\", not {v}"
                    )
                })?;
        }
        if let Some(v) = ours_get("baseline") {
            cfg.baseline = Some(
                v.as_str()
                    .context("`baseline` must be a path (relative to the repository root)")?
                    .to_string(),
            );
        }
        if let Some(v) = ours_get("history") {
            cfg.history = Some(
                v.as_str()
                    .context("`history` must be a path (relative to the repository root)")?
                    .to_string(),
            );
        }
        if let Some(v) = ours_get("renames") {
            let table = v.as_table().context(
                "`renames` must be a table of path prefixes, e.g. { \"candidate/\" = \"labs/\" }",
            )?;
            for (old, new) in table {
                let new = new
                    .as_str()
                    .with_context(|| format!("`renames.\"{old}\"` must be a path prefix string"))?;
                cfg.renames.push((old.clone(), new.to_string()));
            }
        }
        if let Some(fix) = ours_get("fix") {
            let fix = fix
                .as_table()
                .context("[tool.codefacts.fix] must be a table")?;
            if let Some(v) = fix.get("keep-relative-in-init") {
                cfg.keep_relative_in_init = v
                    .as_bool()
                    .context("`fix.keep-relative-in-init` must be true or false")?;
            }
        }
        if let Some(lanes) = ours_get("lanes") {
            let lanes = lanes
                .as_table()
                .context("[tool.codefacts.lanes] must be a table")?;
            for (name, spec) in lanes {
                cfg.lanes.push(parse_lane(name, spec)?);
            }
        }
        Ok(cfg)
    }

    /// The root configuration's settings.
    pub fn settings(&self) -> &Settings {
        &self.root_settings.settings
    }

    pub fn lanes(&self) -> Result<Lanes> {
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
        Ok(Lanes { lanes })
    }

    /// A fingerprint of everything that changes derived facts without changing file contents:
    /// the repository-wide settings and every configuration loaded so far (call it after
    /// discovery, which loads them all).
    pub fn fingerprint(&self) -> String {
        let configs: Vec<serde_json::Value> = self
            .resolver
            .loaded()
            .iter()
            .map(|r| {
                // Relative to the root: a clone elsewhere has the same layout.
                let dir = r
                    .settings
                    .dir
                    .strip_prefix(&self.root)
                    .unwrap_or(&r.settings.dir);
                serde_json::json!({
                    "dir": dir,
                    "target_minor": r.settings.target_minor,
                    "builtins": r.settings.lint.builtins,
                    "known_first_party": r.settings.lint.known_first_party,
                })
            })
            .collect();
        let v = serde_json::json!({
            "src": self.src,
            "lanes": self.lanes,
            "renames": self.renames,
            "max_file_size": self.max_file_size,
            "parse_timeout_ms": self.parse_timeout_ms,
            "configs": configs,
        });
        blake3::hash(v.to_string().as_bytes()).to_hex()[..16].to_string()
    }
}

/// One `--config` argument as a table: `KEY = VALUE`, or the path of a configuration file
/// (`ruff.toml`, or a `pyproject.toml`'s `[tool.ruff]`), as Ruff's `--config` takes both.
fn override_table(o: &str) -> Result<toml::Table> {
    let as_path = Path::new(o);
    if !o.contains('=') || as_path.is_file() {
        if !as_path.is_file() {
            bail!("--config `{o}`: not a file, and not a TOML `KEY = VALUE` pair");
        }
        let doc = keys::read_toml(as_path)?;
        let table = if as_path.file_name().is_some_and(|n| n == "pyproject.toml") {
            doc.get("tool")
                .and_then(|t| t.get("ruff"))
                .and_then(|t| t.as_table())
                .cloned()
                .with_context(|| format!("--config {o}: no [tool.ruff] table"))?
        } else {
            doc
        };
        if let Some((key, near)) = crate::ruff_rules::unknown_option_keys(&table).first() {
            bail!(
                "{o}: unknown field `{key}` in Ruff's settings{}",
                keys::did_you_mean(near)
            );
        }
        return Ok(table);
    }
    let patch: toml::Table = o
        .parse()
        .with_context(|| format!("--config `{o}` is not a TOML `KEY = VALUE` pair"))?;
    let unknown_ruff = crate::ruff_rules::unknown_option_keys(&patch);
    let unknown_ours = keys::unknown_codefacts_keys(&patch);
    if let Some((key, near)) = unknown_ruff
        .iter()
        .find(|(k, _)| unknown_ours.iter().any(|(o, _)| o == k))
    {
        bail!(
            "--config `{o}`: unknown setting `{key}`{}",
            keys::did_you_mean(near)
        );
    }
    Ok(patch)
}

fn parse_lane(name: &str, spec: &toml::Value) -> Result<Lane> {
    let (globs, mode) = match spec {
        toml::Value::Array(_) => (keys::string_list(spec, "lanes")?, LaneMode::Strict),
        toml::Value::String(s) => (vec![s.clone()], LaneMode::Strict),
        toml::Value::Table(t) => {
            let globs = match t.get("globs").or_else(|| t.get("paths")) {
                Some(v) => keys::string_list(v, &format!("lanes.{name}.globs"))?,
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

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    #[test]
    fn reads_codefacts_then_ruff_keys() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "pyproject.toml",
            r#"
[tool.ruff]
target-version = "py311"
src = ["src", "."]
extend-exclude = ["packages/**/generated/**"]

[tool.codefacts.lanes]
lukhas = { globs = ["lukhas/**"], mode = "strict" }
labs = { globs = ["labs/**", "candidate"], mode = "warn" }
"#,
        );
        let cfg = Config::load(dir.path()).unwrap();
        assert_eq!(cfg.src, vec!["src".to_string(), String::new()]);
        assert_eq!(cfg.settings().target_minor, 11);
        assert_eq!(cfg.lanes.len(), 2);
        let r = &cfg.root_settings;
        assert!(r.is_excluded(&dir.path().join("packages/a/generated/x.py")));
        assert!(r.is_excluded(&dir.path().join("a/.venv")));
        assert!(!r.is_excluded(&dir.path().join("packages/a/x.py")));
        let lanes = cfg.lanes().unwrap();
        assert_eq!(lanes.lane_of("lukhas/a.py"), Some(0));
        assert_eq!(lanes.lane_of("candidate/x/y.py"), Some(1));
        assert_eq!(lanes.lane_of("core/a.py"), None);
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
    fn selection_layers_apply_in_order_as_in_ruff() {
        let layer = |select: Option<&[&str]>, extend: &[&str], ignore: &[&str]| SelectionLayer {
            from: String::new(),
            select: select.map(|s| s.iter().map(|x| x.to_string()).collect()),
            extend_select: extend.iter().map(|x| x.to_string()).collect(),
            ignore: ignore.iter().map(|x| x.to_string()).collect(),
        };
        // A base that ignores F401, then a file that selects F: F401 is on again.
        let layers = [layer(None, &[], &["F401"]), layer(Some(&["F"]), &[], &[])];
        assert!(enabled_by_layers("F401", &layers));
        // A later ignore removes what an earlier select turned on.
        let layers = [layer(Some(&["F401"]), &[], &[]), layer(None, &[], &["F"])];
        assert!(!enabled_by_layers("F401", &layers));
        // extend-select adds to the defaults.
        assert!(enabled_by_layers("TID252", &[layer(None, &["TID"], &[])]));
        assert!(!enabled_by_layers("TID252", &[]));
        assert!(enabled_by_layers("F401", &[]));
    }

    #[test]
    fn reads_lint_settings() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "pyproject.toml",
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
        );
        let cfg = Config::load(dir.path()).unwrap();
        let lint = &cfg.settings().lint;
        assert!(lint.enabled("F401") && lint.enabled("TID252") && lint.enabled("F706"));
        assert!(!lint.enabled("F403"));
        assert_eq!(lint.ban_relative_imports, BanRelativeImports::All);
        assert_eq!(lint.builtins, vec!["_".to_string()]);
        assert_eq!(lint.per_file_ignores[0].0, "tests/**");
        assert_eq!(lint.per_file_ignores[0].2, dir.path());
    }

    #[test]
    fn config_overrides_lay_over_ruff_settings() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "pyproject.toml",
            "[tool.ruff]\ntarget-version = \"py38\"\n[tool.ruff.lint]\nselect = [\"F\"]\n",
        );
        let cfg = Config::load_with_overrides(
            dir.path(),
            &[
                "target-version = 'py312'".into(),
                "lint.flake8-tidy-imports.ban-relative-imports = 'all'".into(),
            ],
        )
        .unwrap();
        assert_eq!(cfg.settings().target_minor, 12);
        assert!(cfg.settings().lint.enabled("F821"));
        assert!(!cfg.settings().lint.enabled("E501"));
        assert_eq!(
            cfg.settings().lint.ban_relative_imports,
            BanRelativeImports::All
        );
        assert!(Config::load_with_overrides(dir.path(), &["nope".into()]).is_err());
        // A file path, as Ruff's --config takes.
        write(dir.path(), "other/ruff.toml", "target-version = 'py310'\n");
        let p = dir.path().join("other/ruff.toml");
        let cfg =
            Config::load_with_overrides(dir.path(), &[p.to_string_lossy().into_owned()]).unwrap();
        assert_eq!(cfg.settings().target_minor, 10);
    }

    #[test]
    fn ruff_toml_wins_over_pyproject_as_in_ruff() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "pyproject.toml",
            "[tool.ruff]\ntarget-version = \"py38\"\n",
        );
        write(dir.path(), "ruff.toml", "target-version = \"py312\"\n");
        assert_eq!(
            Config::load(dir.path()).unwrap().settings().target_minor,
            12
        );
        write(dir.path(), ".ruff.toml", "target-version = \"py310\"\n");
        assert_eq!(
            Config::load(dir.path()).unwrap().settings().target_minor,
            10
        );
    }

    #[test]
    fn nested_configurations_and_extend_chains() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "pyproject.toml",
            "[tool.ruff]\ntarget-version = 'py39'\n[tool.ruff.lint]\nselect = ['F']\n",
        );
        write(root, "pkg/ruff.toml", "[lint]\nignore = ['F401']\n");
        write(
            root,
            "packages/b/pyproject.toml",
            "[tool.ruff]\nextend = '../../pyproject.toml'\n[tool.ruff.lint]\nextend-ignore = ['F821']\n",
        );
        let cfg = Config::load(root).unwrap();
        let pkg = cfg.resolver.for_file(&root.join("pkg/sub/a.py")).unwrap();
        // A nested file replaces the root's settings: Ruff's defaults, less F401.
        assert_eq!(pkg.settings.dir, root.join("pkg"));
        assert!(!pkg.settings.lint.enabled("F401") && pkg.settings.lint.enabled("F821"));
        assert_eq!(pkg.settings.target_minor, DEFAULT_TARGET_MINOR);
        let b = cfg
            .resolver
            .for_file(&root.join("packages/b/m.py"))
            .unwrap();
        // `extend` inherits the root's and adds its own.
        assert_eq!(b.settings.target_minor, 9);
        assert!(b.settings.lint.enabled("F401") && !b.settings.lint.enabled("F821"));
        assert!(!b.settings.lint.enabled("E501"));
        let top = cfg.resolver.for_file(&root.join("top.py")).unwrap();
        assert!(top.settings.lint.enabled("F821"));
        // A cycle is an error naming it.
        write(root, "c/ruff.toml", "extend = 'd.toml'\n");
        write(root, "c/d.toml", "extend = 'ruff.toml'\n");
        let err = cfg.resolver.for_file(&root.join("c/x.py")).unwrap_err();
        assert!(format!("{err:#}").contains("cycle"), "{err:#}");
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
        // `line-length` is read (a fix that writes an import wraps it there), --config on top.
        assert_eq!(cfg.settings().line_length, 90);
        assert_eq!(
            Config::load(dir.path()).unwrap().settings().line_length,
            100
        );
        let err = Config::load_with_overrides(dir.path(), &["line-length = 0".into()]).unwrap_err();
        assert!(format!("{err:#}").contains("from 1 to 320"), "{err:#}");
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
            Config::load(&sub).unwrap().settings().target_minor,
            DEFAULT_TARGET_MINOR
        );
        write(
            dir.path(),
            "pyproject.toml",
            "[project]\nname = 'x'\nrequires-python = '>=3.13'\n",
        );
        // From the closest pyproject.toml above, with no configuration at all.
        assert_eq!(Config::load(&sub).unwrap().settings().target_minor, 13);
        // And beside a ruff.toml that sets no target-version.
        write(&sub, "ruff.toml", "line-length = 100\n");
        assert_eq!(Config::load(&sub).unwrap().settings().target_minor, 13);
        // target-version wins.
        write(&sub, "ruff.toml", "target-version = 'py38'\n");
        assert_eq!(Config::load(&sub).unwrap().settings().target_minor, 8);
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
        write(
            dir.path(),
            "pyproject.toml",
            "[tool.codefacts.lanes]\nx = { globs = [\"x/**\"], mode = \"loud\" }\n",
        );
        let err = Config::load(dir.path()).unwrap_err();
        assert!(format!("{err:#}").contains("mode must be"));
    }
}
