//! Module naming and import resolution: pure functions over repository paths and import facts.
//!
//! Knows nothing of salsa, SQL or the file system: it is given the list of repository files.

use serde::Serialize;

use crate::facts::ImportFact;

/// Where a file sits in the module namespace.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ModulePath {
    /// Source root the module name is relative to (repo-relative, `/`-separated, `""` for the repo root).
    pub source_root: String,
    /// Dotted module name; `None` when the path is not importable (e.g. a `-` in a folder name).
    pub module: Option<String>,
    /// `__init__.py` / `__init__.pyi`.
    pub is_package: bool,
    /// `.pyi`.
    pub is_stub: bool,
}

/// Computes a file's module path given the configured source roots (repo-relative, `/`).
/// The most specific (longest) root containing the file wins.
pub fn module_path(rel_path: &str, source_roots: &[String]) -> ModulePath {
    let _ = (rel_path, source_roots);
    todo!("implemented by the resolver")
}

/// Resolves a relative import against the importing module. Returns `None` when the level
/// climbs above the top-level package.
pub fn absolute_module(
    importer: &str,
    importer_is_package: bool,
    level: u32,
    module: &str,
) -> Option<String> {
    let _ = (importer, importer_is_package, level, module);
    todo!("implemented by the resolver")
}

/// How an import was classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum TargetKind {
    /// Loads a file of this repository.
    Repo,
    Stdlib,
    ThirdParty,
    /// A relative import that climbs too far, or a first-party-looking module that does not exist.
    Unresolved,
}

impl TargetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Repo => "repo",
            TargetKind::Stdlib => "stdlib",
            TargetKind::ThirdParty => "third_party",
            TargetKind::Unresolved => "unresolved",
        }
    }
}

/// The resolution of one `ImportFact`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Resolution {
    /// Absolute dotted module of the `import`/`from` part (level resolved), if any.
    pub absolute_module: Option<String>,
    /// The module this name loads: `pkg.name` for `from pkg import name` when that submodule
    /// exists, else the module of the statement.
    pub target_module: Option<String>,
    /// Index (into the slice given to `ModuleIndex::build`) of the repository file it loads.
    pub target_file: Option<u32>,
    pub kind: TargetKind,
}

/// A file as the module index sees it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IndexedFile {
    pub rel_path: String,
    pub module: ModulePath,
}

/// Maps module names to repository files, with packages and namespace packages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ModuleIndex {}

impl ModuleIndex {
    pub fn build(files: &[IndexedFile]) -> ModuleIndex {
        let _ = files;
        ModuleIndex {}
    }

    /// Resolves one import made by `importer` (an entry of the slice given to `build`).
    pub fn resolve(&self, importer: &ModulePath, import: &ImportFact) -> Resolution {
        let _ = (importer, import);
        Resolution {
            absolute_module: None,
            target_module: None,
            target_file: None,
            kind: TargetKind::Unresolved,
        }
    }
}

/// True when the top-level name of `module` belongs to the standard library of any Python 3.8–3.14.
pub fn is_stdlib(module: &str) -> bool {
    let _ = module;
    false
}
