//! Module naming and import resolution: pure functions over repository paths and import facts.
//!
//! Knows nothing of salsa, SQL or the file system: it is given the list of repository files.

use serde::Serialize;

mod index;
mod module_path;
mod stdlib;
#[cfg(test)]
mod tests;

pub use index::{EntryKind, ModuleEntry, ModuleIndex};
pub use module_path::is_identifier;
pub use stdlib::{
    STDLIB_MAX_MINOR, STDLIB_MIN_MINOR, is_builtin_module, stdlib_min_max, table as stdlib_table,
};

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
/// The most specific (longest) root containing the file wins; files under no configured root
/// (or any file when no root is configured) are named relative to the repository root.
/// `module` is `None` when a directory or file name is not an identifier (or is a hard keyword),
/// for a source root's own `__init__.py`, and for files that are not `.py`/`.pyi`.
/// See docs/resolution.md.
pub fn module_path(rel_path: &str, source_roots: &[String]) -> ModulePath {
    module_path::module_path(rel_path, source_roots)
}

/// Resolves a relative import against the importing module, as `importlib.util.resolve_name`:
/// level 1 is the package itself for an `__init__` (`importer_is_package`), else the importer's
/// parent. Returns `None` when the level climbs above the top-level package (a top-level plain
/// module has no package at all). Level 0 returns `module` unchanged (`None` if empty).
pub fn absolute_module(
    importer: &str,
    importer_is_package: bool,
    level: u32,
    module: &str,
) -> Option<String> {
    module_path::absolute_module(importer, importer_is_package, level, module)
}

/// The first package of `package`, from the top, that makes an absolute import through it
/// depend on `sys.path`: a namespace package (no `__init__`) above the first regular package
/// that none of the repository's own absolute imports goes through (`proven`: the dotted
/// prefixes of what they load). Below a regular package a namespace package lives on that
/// package's `__path__` (flask's `flask/sansio/`), so it needs no proof. `None` when every
/// prefix is proven or under a regular package.
pub fn unproven_namespace<'p>(
    package: &'p str,
    is_package: &dyn Fn(&str) -> bool,
    proven: &dyn Fn(&str) -> bool,
) -> Option<&'p str> {
    module_path::unproven_namespace(package, is_package, proven)
}

/// The name an absolute import of `module` (a repository file's module name) should use.
/// Its own name when the packages above it need no `sys.path` entry the repository does not
/// prove ([`unproven_namespace`]); else the name from its first regular package down, or its
/// last part when no package encloses it, as Ruff and pytest name a file by the chain of
/// `__init__` folders it sits in (`examples/tutorial/flaskr/db.py` is `flaskr.db`). A name
/// whose top is a standard-library or built-in module stays whole: an import would find the
/// standard library's first.
pub fn import_name<'m>(
    module: &'m str,
    is_package: &dyn Fn(&str) -> bool,
    proven: &dyn Fn(&str) -> bool,
) -> &'m str {
    module_path::import_name(module, is_package, proven)
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

/// True when the top-level name of `module` belongs to the standard library of any Python 3.8–3.14.
pub fn is_stdlib(module: &str) -> bool {
    stdlib::is_stdlib(module)
}
