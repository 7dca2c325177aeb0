//! The public names of a module, from its other facts: what the import map offers and
//! import suggestions draw on.
//!
//! * A module that declares `__all__` exports exactly the names in it.
//! * Otherwise: its module-level classes, functions and UPPER_CASE constants, and the names
//!   it re-exports explicitly (`from m import X as X`, `import X as X`), leaving out names
//!   that start with `_`.

use serde::Serialize;

use super::{DefKind, FileFacts, ScopeKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ExportKind {
    Class,
    Function,
    /// An UPPER_CASE module-level assignment.
    Constant,
    /// Another module-level assignment (public only through `__all__`).
    Variable,
    /// Bound by an import.
    Reexport,
    /// Named in `__all__` but bound by nothing the facts see (a star import, `globals()`).
    Declared,
}

impl ExportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportKind::Class => "class",
            ExportKind::Function => "function",
            ExportKind::Constant => "constant",
            ExportKind::Variable => "variable",
            ExportKind::Reexport => "reexport",
            ExportKind::Declared => "declared",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Export {
    pub name: String,
    pub kind: ExportKind,
    /// Where the name is bound (the `__all__` entry for `Declared`).
    pub line: u32,
    /// Named in `__all__`.
    pub in_all: bool,
}

/// `UPPER_CASE`: an uppercase letter first, and no lowercase letter.
fn is_constant_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase()) && !name.chars().any(|c| c.is_lowercase())
}

/// The module's public names, sorted by name.
pub fn public_names(facts: &FileFacts) -> Vec<Export> {
    // Module-level bindings: the first definition of each name, and the first import.
    let mut defined: Vec<(&str, ExportKind, u32)> = Vec::new();
    for d in &facts.definitions {
        if d.scope != ScopeKind::Module || defined.iter().any(|(n, _, _)| *n == d.name) {
            continue;
        }
        let kind = match d.kind {
            DefKind::Class => ExportKind::Class,
            DefKind::Function | DefKind::AsyncFunction => ExportKind::Function,
            DefKind::Assignment | DefKind::AnnotatedAssignment if is_constant_name(&d.name) => {
                ExportKind::Constant
            }
            DefKind::Assignment | DefKind::AnnotatedAssignment => ExportKind::Variable,
            DefKind::AugmentedAssignment => continue,
        };
        defined.push((&d.name, kind, d.name_span.line));
    }
    // Imports at module level: the name each binds, and whether it re-exports explicitly.
    let mut imported: Vec<(&str, bool, u32)> = Vec::new();
    for i in &facts.imports {
        if i.scope != ScopeKind::Module || i.is_star {
            continue;
        }
        let bound = match (&i.alias, i.form) {
            (Some(a), _) => a.as_str(),
            (None, super::ImportForm::From) => i.name.as_str(),
            (None, super::ImportForm::Import) => i.name.split('.').next().unwrap_or(&i.name),
        };
        if !imported.iter().any(|(n, _, _)| *n == bound) {
            let explicit = i.alias.as_deref() == Some(i.name.as_str());
            imported.push((bound, explicit, i.name_span.line));
        }
    }
    let mut out: Vec<Export> = Vec::new();
    if !facts.all_entries.is_empty() {
        for a in &facts.all_entries {
            if out.iter().any(|e| e.name == a.name) {
                continue;
            }
            let (kind, line) = match defined.iter().find(|(n, _, _)| *n == a.name) {
                Some((_, k, l)) => (*k, *l),
                None => match imported.iter().find(|(n, _, _)| *n == a.name) {
                    Some((_, _, l)) => (ExportKind::Reexport, *l),
                    None => (ExportKind::Declared, a.span.line),
                },
            };
            out.push(Export {
                name: a.name.clone(),
                kind,
                line,
                in_all: true,
            });
        }
    } else {
        for (name, kind, line) in &defined {
            if *kind != ExportKind::Variable && !name.starts_with('_') {
                out.push(Export {
                    name: name.to_string(),
                    kind: *kind,
                    line: *line,
                    in_all: false,
                });
            }
        }
        for (name, explicit, line) in &imported {
            if *explicit && !name.starts_with('_') && !out.iter().any(|e| e.name == *name) {
                out.push(Export {
                    name: name.to_string(),
                    kind: ExportKind::Reexport,
                    line: *line,
                    in_all: false,
                });
            }
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

#[cfg(test)]
mod tests {

    fn names(src: &str) -> Vec<(String, &'static str, bool)> {
        crate::facts::tests::facts_of(src)
            .exports
            .into_iter()
            .map(|e| (e.name, e.kind.as_str(), e.in_all))
            .collect()
    }

    #[test]
    fn without_all_public_definitions_and_explicit_reexports() {
        let got = names(
            "import os\nimport a.b as b\nfrom m import X as X, Y\nfrom n import _p as _p\n\
             class C: ...\ndef f(): ...\nasync def g(): ...\ndef _h(): ...\nK = 1\nlower = 2\n\
             _K = 3\nT: int = 4\nK += 1\ndef f(): ...\nclass D:\n    INNER = 1\n",
        );
        let want: Vec<(String, &str, bool)> = [
            ("C", "class"),
            ("D", "class"),
            ("K", "constant"),
            ("T", "constant"),
            ("X", "reexport"),
            ("f", "function"),
            ("g", "function"),
        ]
        .iter()
        .map(|(n, k)| (n.to_string(), *k, false))
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn all_decides_when_declared() {
        let got = names(
            "from m import Y\n__all__ = ['f', 'Y', 'ghost', '_private', 'lower']\n\
             __all__ += ['f']\ndef f(): ...\ndef g(): ...\n_private = 1\nlower = 2\n",
        );
        let want: Vec<(String, &str, bool)> = [
            ("Y", "reexport"),
            ("_private", "variable"),
            ("f", "function"),
            ("ghost", "declared"),
            ("lower", "variable"),
        ]
        .iter()
        .map(|(n, k)| (n.to_string(), *k, true))
        .collect();
        assert_eq!(got, want);
    }
}
