//! Which configuration applies to a path, as Ruff resolves it: the closest `.ruff.toml`,
//! `ruff.toml` or `pyproject.toml` with `[tool.ruff]` up the path's folders, with its `extend`
//! chain; `--config` overrides lie on top of every one of them; `[tool.codefacts]` on top of
//! the root's. A folder with no configuration above it up to the root takes the closest one
//! above the root, else Ruff's defaults. Loaded files are cached per folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, bail};
use globset::{Glob, GlobSet, GlobSetBuilder};

use super::keys::{self, Settings};

/// Settings with their compiled path matchers.
#[derive(Debug)]
pub struct Resolved {
    pub settings: Settings,
    exclude_names: GlobSet,
    exclude_paths: Vec<(PathBuf, GlobSet)>,
    include_names: GlobSet,
    include_paths: Vec<(PathBuf, GlobSet)>,
}

fn glob(pattern: &str) -> Result<Glob> {
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .with_context(|| format!("invalid glob pattern `{pattern}`"))
}

/// Patterns as Ruff matches them: one without a `/` against a path's name, one with a `/`
/// against the path relative to the folder of the file that set it (`dir/**` also matches
/// `dir`).
fn compile(patterns: &[(String, PathBuf)]) -> Result<(GlobSet, Vec<(PathBuf, GlobSet)>)> {
    let mut names = GlobSetBuilder::new();
    let mut by_anchor: Vec<(PathBuf, GlobSetBuilder)> = Vec::new();
    for (pat, anchor) in patterns {
        let p = pat.trim_start_matches("./").trim_end_matches('/');
        if p.is_empty() {
            continue;
        }
        if !p.contains('/') {
            names.add(glob(p)?);
            continue;
        }
        let slot = match by_anchor.iter().position(|(a, _)| a == anchor) {
            Some(i) => i,
            None => {
                by_anchor.push((anchor.clone(), GlobSetBuilder::new()));
                by_anchor.len() - 1
            }
        };
        let b = &mut by_anchor[slot].1;
        b.add(glob(p)?);
        if let Some(stripped) = p.strip_suffix("/**") {
            b.add(glob(stripped)?);
        }
    }
    let mut paths = Vec::new();
    for (a, b) in by_anchor {
        paths.push((a, b.build()?));
    }
    Ok((names.build()?, paths))
}

fn matches(names: &GlobSet, paths: &[(PathBuf, GlobSet)], abs: &Path) -> bool {
    if abs.file_name().is_some_and(|n| names.is_match(n)) {
        return true;
    }
    paths.iter().any(|(anchor, set)| {
        abs.strip_prefix(anchor).is_ok_and(|rel| {
            let rel = rel.to_string_lossy();
            !rel.is_empty() && set.is_match(rel.as_ref())
        })
    })
}

impl Resolved {
    pub fn new(settings: Settings) -> Result<Resolved> {
        let mut exclude = settings.exclude.clone();
        // Ours: the index's own folder, wherever the configuration puts its excludes.
        exclude.push((".codefacts".into(), settings.dir.clone()));
        let (exclude_names, exclude_paths) = compile(&exclude)?;
        let (include_names, include_paths) = compile(&settings.include)?;
        Ok(Resolved {
            settings,
            exclude_names,
            exclude_paths,
            include_names,
            include_paths,
        })
    }

    /// Whether `exclude` matches the path (a file or a folder).
    pub fn is_excluded(&self, abs: &Path) -> bool {
        matches(&self.exclude_names, &self.exclude_paths, abs)
    }

    /// Whether `include` takes the file in when discovery meets it.
    pub fn is_included(&self, abs: &Path) -> bool {
        matches(&self.include_names, &self.include_paths, abs)
    }
}

/// Finds and caches the configuration of every folder.
#[derive(Debug)]
pub struct Resolver {
    root: PathBuf,
    /// `--config` overrides, laid over every configuration.
    overrides: Option<toml::Table>,
    /// `[tool.codefacts]` of the root's `pyproject.toml`, laid over the root's configuration.
    ours: Option<toml::Table>,
    /// Folder -> the configuration found in it, or `None` when the folder has none.
    cache: Mutex<HashMap<PathBuf, Option<Arc<Resolved>>>>,
    /// Folder -> the configuration that governs it (the answer of [`Resolver::for_dir`]).
    governing: Mutex<HashMap<PathBuf, Arc<Resolved>>>,
    /// For folders with no configuration up to the root.
    fallback: Arc<Resolved>,
    /// `--isolated`: no folder has a configuration file.
    isolated: bool,
}

/// The configuration file of a folder, by Ruff's precedence: `.ruff.toml`, `ruff.toml`, then a
/// `pyproject.toml` that has `[tool.ruff]`. (`pyproject.toml` without it is not one.)
fn config_file_in(dir: &Path) -> Result<Option<(PathBuf, toml::Table)>> {
    for name in [".ruff.toml", "ruff.toml"] {
        let p = dir.join(name);
        if p.is_file() {
            let t = keys::read_toml(&p)?;
            return Ok(Some((p, t)));
        }
    }
    let p = dir.join("pyproject.toml");
    if p.is_file() {
        let doc = keys::read_toml(&p)?;
        if let Some(t) = doc
            .get("tool")
            .and_then(|t| t.get("ruff"))
            .and_then(|t| t.as_table())
        {
            return Ok(Some((p, t.clone())));
        }
    }
    Ok(None)
}

/// Ruff refuses a configuration with a key it does not know; so do we.
fn check_keys(table: &toml::Table, source: &Path) -> Result<()> {
    if let Some((key, near)) = crate::ruff_rules::unknown_option_keys(table).first() {
        bail!(
            "{}: unknown field `{key}` in Ruff's settings{}",
            source.display(),
            keys::did_you_mean(near)
        );
    }
    Ok(())
}

impl Resolver {
    pub fn new(
        root: &Path,
        ours: Option<toml::Table>,
        overrides: Option<toml::Table>,
        isolated: bool,
    ) -> Result<Resolver> {
        let mut r = Resolver {
            root: root.to_path_buf(),
            overrides,
            ours,
            cache: Mutex::new(HashMap::new()),
            governing: Mutex::new(HashMap::new()),
            fallback: Arc::new(Resolved::new(Settings::defaults(root))?),
            isolated,
        };
        // Above the root: the closest configuration there governs what has none of its own.
        let above = if isolated {
            None
        } else {
            root.ancestors()
                .skip(1)
                .find_map(|d| config_file_in(d).transpose())
                .transpose()?
        };
        let base = match above {
            Some((source, table)) => r.load(&source, &table, root)?,
            None => r.finish(Settings::defaults(root), root)?,
        };
        r.fallback = Arc::new(Resolved::new(base)?);
        Ok(r)
    }

    /// The settings of the configuration at the root (or what stands in for it).
    pub fn root_settings(&self) -> Result<Arc<Resolved>> {
        self.for_dir(&self.root)
    }

    /// The settings that govern the files in folder `dir` (absolute).
    pub fn for_dir(&self, dir: &Path) -> Result<Arc<Resolved>> {
        if let Some(r) = self.governing.lock().unwrap().get(dir) {
            return Ok(r.clone());
        }
        let mut found = self.fallback.clone();
        for d in dir.ancestors() {
            if !d.starts_with(&self.root) {
                break;
            }
            if let Some(r) = self.config_in(d)? {
                found = r;
                break;
            }
        }
        self.governing
            .lock()
            .unwrap()
            .insert(dir.to_path_buf(), found.clone());
        Ok(found)
    }

    /// The settings that govern a file (absolute path).
    pub fn for_file(&self, file: &Path) -> Result<Arc<Resolved>> {
        self.for_dir(file.parent().unwrap_or(&self.root))
    }

    /// Every configuration loaded so far (sorted by folder), for fingerprints.
    pub fn loaded(&self) -> Vec<Arc<Resolved>> {
        let cache = self.cache.lock().unwrap();
        let mut v: Vec<Arc<Resolved>> = cache.values().flatten().cloned().collect();
        // The fallback governs only when the root has no configuration of its own.
        if !v
            .iter()
            .any(|r| r.settings.dir == self.fallback.settings.dir)
        {
            v.push(self.fallback.clone());
        }
        v.sort_by(|a, b| a.settings.dir.cmp(&b.settings.dir));
        v
    }

    fn config_in(&self, dir: &Path) -> Result<Option<Arc<Resolved>>> {
        if let Some(hit) = self.cache.lock().unwrap().get(dir) {
            return Ok(hit.clone());
        }
        let file = if self.isolated {
            None
        } else {
            config_file_in(dir)?
        };
        let found = match file {
            Some((source, table)) => {
                Some(Arc::new(Resolved::new(self.load(&source, &table, dir)?)?))
            }
            // The root holds our own table even without Ruff's.
            None if dir == self.root && self.ours.is_some() => Some(Arc::new(Resolved::new(
                self.finish(Settings::defaults(dir), dir)?,
            )?)),
            None => None,
        };
        self.cache
            .lock()
            .unwrap()
            .insert(dir.to_path_buf(), found.clone());
        Ok(found)
    }

    /// The settings of one configuration file, its `extend` chain resolved.
    fn load(&self, source: &Path, table: &toml::Table, dir: &Path) -> Result<Settings> {
        let mut chain = vec![(source.to_path_buf(), table.clone())];
        loop {
            let (last, t) = chain.last().expect("non-empty");
            let Some(ext) = t.get("extend") else { break };
            let ext = ext
                .as_str()
                .with_context(|| format!("{}: `extend` must be a path", last.display()))?;
            let base_dir = last.parent().unwrap_or(Path::new("."));
            let path = base_dir.join(ext);
            let path = std::fs::canonicalize(&path).with_context(|| {
                format!(
                    "{}: cannot read `extend = {ext:?}` ({})",
                    last.display(),
                    path.display()
                )
            })?;
            if chain.iter().any(|(p, _)| *p == path) {
                bail!(
                    "{}: `extend` makes a cycle through {}",
                    source.display(),
                    path.display()
                );
            }
            let doc = keys::read_toml(&path)?;
            let t = if path.file_name().is_some_and(|n| n == "pyproject.toml") {
                doc.get("tool")
                    .and_then(|t| t.get("ruff"))
                    .and_then(|t| t.as_table())
                    .cloned()
                    .unwrap_or_default()
            } else {
                doc
            };
            chain.push((path, t));
        }
        let mut s = Settings::defaults(dir);
        s.source = Some(source.to_path_buf());
        // The base first, then each file that extends it.
        for (path, t) in chain.iter().rev() {
            check_keys(t, path)?;
            let anchor = path.parent().unwrap_or(dir);
            s.apply(t, anchor, &path.display().to_string())?;
        }
        self.finish(s, dir)
    }

    /// Our own table (at the root) and `--config` on top; `requires-python` when no
    /// `target-version` was set.
    fn finish(&self, mut s: Settings, dir: &Path) -> Result<Settings> {
        if dir == self.root
            && let Some(ours) = &self.ours
        {
            s.apply(
                ours,
                dir,
                &format!("{} [tool.codefacts]", dir.join("pyproject.toml").display()),
            )?;
        }
        if let Some(over) = &self.overrides {
            s.apply(over, &self.root, "--config")?;
        }
        // `--isolated` reads no pyproject.toml, `requires-python` included (as Ruff).
        if !s.target_set
            && !self.isolated
            && let Some(minor) = keys::requires_python_minor(dir)?
        {
            s.target_minor = minor;
        }
        Ok(s)
    }
}
