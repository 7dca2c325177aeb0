//! The module index: dotted module name -> repository file, and import resolution against it.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::{
    IndexedFile, ModulePath, Resolution, TargetKind, absolute_module, is_builtin_module, is_stdlib,
};
use crate::facts::{ImportFact, ImportForm};

/// A small multiplicative hasher (the "Fx" scheme) for short module-name keys: far cheaper than
/// SipHash, and the keys come from the repository itself, not from an adversary.
#[derive(Default, Clone, Copy)]
pub struct NameHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl NameHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for NameHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

type NameMap<V> = HashMap<Box<str>, V, BuildHasherDefault<NameHasher>>;

/// What a module name maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// `name.py` (or only `name.pyi`).
    Module,
    /// `name/__init__.py` (or only `name/__init__.pyi`): a regular package.
    Package,
    /// A directory holding Python files at some depth but no `__init__`: a PEP 420 namespace
    /// package. It has no file.
    Namespace,
}

/// One module of the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ModuleEntry {
    pub kind: EntryKind,
    /// The file Python would load (index into the slice given to `build`); `None` for namespace
    /// packages. A stub is used only when the module has no `.py`.
    pub file: Option<u32>,
    /// The `.pyi` stub of the module when it also has a `.py` (type checkers read this one).
    pub shadowed_stub: Option<u32>,
}

/// Maps module names to repository files, with packages and namespace packages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ModuleIndex {
    modules: NameMap<ModuleEntry>,
}

/// Ranking between two files claiming the same module name: a `.py` beats a `.pyi` (the
/// runtime ignores stubs); then a package beats a plain module (Python's finder looks for the
/// `name/` directory first); then the smaller path, only to be deterministic.
fn rank(f: &IndexedFile) -> (bool, bool) {
    (f.module.is_stub, !f.module.is_package)
}

/// The absolute module an import names (its level resolved against the importer), if any.
fn absolute_of(importer: &ModulePath, import: &ImportFact) -> Option<String> {
    let written = if import.form == ImportForm::Import && import.module.is_empty() {
        import.name.as_str()
    } else {
        import.module.as_str()
    };
    if import.level == 0 {
        (!written.is_empty()).then(|| written.to_string())
    } else {
        importer
            .module
            .as_deref()
            .and_then(|m| absolute_module(m, importer.is_package, import.level, written))
    }
}

impl ModuleIndex {
    pub fn build(files: &[IndexedFile]) -> ModuleIndex {
        let mut modules: NameMap<ModuleEntry> = NameMap::default();
        for (i, f) in files.iter().enumerate() {
            let Some(name) = f.module.module.as_deref() else {
                continue;
            };
            let i = i as u32;
            let kind = if f.module.is_package {
                EntryKind::Package
            } else {
                EntryKind::Module
            };
            match modules.get_mut(name) {
                None => {
                    modules.insert(
                        name.into(),
                        ModuleEntry {
                            kind,
                            file: Some(i),
                            shadowed_stub: None,
                        },
                    );
                }
                Some(e) => match e.file {
                    None => {
                        *e = ModuleEntry {
                            kind,
                            file: Some(i),
                            shadowed_stub: None,
                        }
                    }
                    Some(old) => {
                        let o = &files[old as usize];
                        let (winner, loser) =
                            if (rank(f), f.rel_path.as_str()) < (rank(o), o.rel_path.as_str()) {
                                (i, old)
                            } else {
                                (old, i)
                            };
                        let w = &files[winner as usize];
                        let l = &files[loser as usize];
                        e.file = Some(winner);
                        e.kind = if w.module.is_package {
                            EntryKind::Package
                        } else {
                            EntryKind::Module
                        };
                        // The stub a type checker would read instead (best-ranked of the stubs).
                        if !w.module.is_stub && l.module.is_stub {
                            let better = |a: u32, b: u32| {
                                let (fa, fb) = (&files[a as usize], &files[b as usize]);
                                if (rank(fa), fa.rel_path.as_str())
                                    < (rank(fb), fb.rel_path.as_str())
                                {
                                    a
                                } else {
                                    b
                                }
                            };
                            e.shadowed_stub =
                                Some(e.shadowed_stub.map_or(loser, |s| better(s, loser)));
                        }
                    }
                },
            }
            // Every enclosing directory is at least a namespace package.
            let mut prefix = name;
            while let Some((parent, _)) = prefix.rsplit_once('.') {
                prefix = parent;
                if modules.contains_key(prefix) {
                    // Already known: whoever registered it registered its parents too.
                    break;
                }
                modules.insert(
                    prefix.into(),
                    ModuleEntry {
                        kind: EntryKind::Namespace,
                        file: None,
                        shadowed_stub: None,
                    },
                );
            }
        }
        ModuleIndex { modules }
    }

    /// The entry of a dotted module name, if the repository has it.
    pub fn get(&self, module: &str) -> Option<&ModuleEntry> {
        self.modules.get(module)
    }

    /// Number of module names (files and namespace packages).
    pub fn len(&self) -> usize {
        self.modules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.modules.is_empty()
    }

    /// A repository module that an import of `module` loads. A namespace package whose name is
    /// a standard-library module does not count: the regular stdlib package wins over a PEP 420
    /// portion on `sys.path`.
    ///
    /// `pkg.__init__` names the `__init__` file of a regular package: Python imports it (a
    /// second time, under that name), so it resolves to the package's file.
    fn lookup(&self, module: &str) -> Option<&ModuleEntry> {
        if let Some(pkg) = module.strip_suffix(".__init__") {
            return self
                .modules
                .get(pkg)
                .filter(|e| e.kind == EntryKind::Package);
        }
        let e = self.modules.get(module)?;
        if e.kind == EntryKind::Namespace && is_stdlib(module) {
            return None;
        }
        Some(e)
    }

    /// The module names [`ModuleIndex::resolve`] looks up for this import. Its answer depends
    /// only on the entries of these names, and an entry depends only on the files whose module
    /// is that name (all of them: they are ranked) and on whether any file lies below it (a
    /// namespace package). So an index built from those files alone resolves the import as
    /// the whole repository's index does (`check --files` resolves a changed file's imports
    /// that way). Keep it in step with `resolve`.
    pub fn names_consulted(importer: &ModulePath, import: &ImportFact) -> Vec<String> {
        let Some(absolute) = absolute_of(importer, import) else {
            return Vec::new();
        };
        let mut names = vec![absolute.clone()];
        if import.form == ImportForm::From && !import.is_star && !import.name.is_empty() {
            names.push(format!("{absolute}.{}", import.name));
        }
        let top = absolute
            .split_once('.')
            .map_or(absolute.as_str(), |(t, _)| t);
        names.push(top.to_string());
        for n in names.clone() {
            if let Some(pkg) = n.strip_suffix(".__init__") {
                names.push(pkg.to_string());
            }
        }
        names.sort();
        names.dedup();
        names
    }

    /// Resolves one import made by `importer` (an entry of the slice given to `build`).
    pub fn resolve(&self, importer: &ModulePath, import: &ImportFact) -> Resolution {
        let absolute = absolute_of(importer, import);
        let Some(absolute) = absolute else {
            return Resolution {
                absolute_module: None,
                target_module: None,
                target_file: None,
                kind: TargetKind::Unresolved,
            };
        };

        // Built-in modules (`sys`, `builtins`, ...) are found before any file on `sys.path`.
        if import.level == 0 && is_builtin_module(&absolute) {
            return Resolution {
                target_module: Some(absolute.clone()),
                absolute_module: Some(absolute),
                target_file: None,
                kind: TargetKind::Stdlib,
            };
        }

        // `from pkg import name`: a submodule `pkg.name` wins over an attribute of `pkg`.
        if import.form == ImportForm::From && !import.is_star && !import.name.is_empty() {
            // Most names are attributes: build the candidate on the stack, allocate only on a hit.
            let mut buf = [0u8; 256];
            let n = absolute.len() + 1 + import.name.len();
            let found = if n <= buf.len() {
                buf[..absolute.len()].copy_from_slice(absolute.as_bytes());
                buf[absolute.len()] = b'.';
                buf[absolute.len() + 1..n].copy_from_slice(import.name.as_bytes());
                let sub = std::str::from_utf8(&buf[..n]).expect("concatenation of two str");
                self.lookup(sub).map(|e| (sub.to_string(), e))
            } else {
                let sub = format!("{absolute}.{}", import.name);
                self.lookup(&sub).map(|e| (sub.clone(), e))
            };
            if let Some((sub, e)) = found {
                return Resolution {
                    absolute_module: Some(absolute),
                    target_file: e.file,
                    target_module: Some(sub),
                    kind: TargetKind::Repo,
                };
            }
        }

        if let Some(e) = self.lookup(&absolute) {
            return Resolution {
                target_module: Some(absolute.clone()),
                absolute_module: Some(absolute),
                target_file: e.file,
                kind: TargetKind::Repo,
            };
        }

        let kind = if import.level > 0 {
            TargetKind::Unresolved
        } else if self.claims_top_level(&absolute) {
            // `import pkg.missing` where `pkg` is a regular repository package or module.
            TargetKind::Unresolved
        } else if is_stdlib(&absolute) {
            TargetKind::Stdlib
        } else {
            TargetKind::ThirdParty
        };
        Resolution {
            target_module: Some(absolute.clone()),
            absolute_module: Some(absolute),
            target_file: None,
            kind,
        }
    }

    /// True when the top-level package of `module` is a regular module or package of the
    /// repository: Python would then look for `module` in the repository only.
    fn claims_top_level(&self, module: &str) -> bool {
        let top = module.split_once('.').map_or(module, |(t, _)| t);
        self.modules.get(top).is_some_and(|e| e.file.is_some())
    }
}
