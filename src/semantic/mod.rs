//! Scopes, bindings and references (pyflakes/Ruff semantics), per file.
//!
//! [`analyze`] is a pure function of (source text, syntax tree, options). It walks the tree
//! iteratively (explicit work stack, no recursion) in the order Ruff's checker does: statements
//! in order, function and lambda bodies deferred until the enclosing module has been walked,
//! string annotations (and, under `from __future__ import annotations`, all annotations)
//! resolved last. The result is plain data; the lint rules are SQL queries over it (see
//! `schema.sql` and `queries/rules/`).

pub mod arena;
pub mod builtins;
pub mod flatten;
pub mod noqa;

pub mod validate;
mod visitor;

use std::time::Duration;

use serde::Serialize;

pub use crate::facts::Span;
pub use noqa::{NoqaDirective, NoqaLineRange};

/// Options that change name resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SemanticOptions {
    /// Python 3 minor version (8..=14): selects the builtins table; 14 defers annotations.
    pub target_version: u8,
    /// Extra builtins (Ruff's `builtins` setting).
    pub builtins: Vec<String>,
    /// The file is a package's `__init__.py[i]` (`__path__` is defined).
    pub is_package: bool,
    /// `.pyi`: annotations are deferred, annotation-only bindings resolve.
    pub is_stub: bool,
    /// Record every name load in [`SemanticFacts::references`] (resolution and use counts
    /// happen either way; without it the list stays empty and nothing is allocated for it).
    pub references: bool,
}

impl Default for SemanticOptions {
    fn default() -> Self {
        SemanticOptions {
            target_version: 11,
            builtins: Vec::new(),
            is_package: false,
            is_stub: false,
            references: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ScopeId(pub u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct BindingId(pub u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum SemScopeKind {
    Module,
    Class,
    Function,
    Lambda,
    /// Generator expression or list/set/dict comprehension.
    Comprehension,
    /// Type-parameter scope around every function and class (PEP 695), even without parameters.
    TypeParams,
    /// The implicit closure holding `__class__` around methods.
    ClassCell,
}

impl SemScopeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SemScopeKind::Module => "module",
            SemScopeKind::Class => "class",
            SemScopeKind::Function => "function",
            SemScopeKind::Lambda => "lambda",
            SemScopeKind::Comprehension => "comprehension",
            SemScopeKind::TypeParams => "type_params",
            SemScopeKind::ClassCell => "class_cell",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scope {
    pub id: ScopeId,
    pub kind: SemScopeKind,
    pub parent: Option<ScopeId>,
    /// Function/class name; `None` for other scopes.
    pub name: Option<String>,
    pub span: Span,
    /// A `from m import *` sits directly in this scope.
    pub uses_star_import: bool,
    /// `locals()` is called directly in this scope.
    pub uses_locals: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum BindingKind {
    Import,
    FromImport,
    SubmoduleImport,
    FutureImport,
    Assignment,
    /// `x: T` without a value.
    Annotation,
    Augmented,
    For,
    With,
    /// `except E as e` inside the handler.
    Except,
    /// The name after its `except ... as` handler ends (unbound again).
    UnboundException,
    Walrus,
    Match,
    Global,
    Nonlocal,
    Function,
    Class,
    Parameter,
    TypeParam,
    Deletion,
    /// `__all__ = ...` at module level.
    Export,
    /// `__class__` in the implicit method closure.
    ClassCell,
    /// A module global created by a `global` declaration in a nested scope.
    GlobalDeclaration,
}

impl BindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BindingKind::Import => "import",
            BindingKind::FromImport => "from_import",
            BindingKind::SubmoduleImport => "submodule_import",
            BindingKind::FutureImport => "future_import",
            BindingKind::Assignment => "assignment",
            BindingKind::Annotation => "annotation",
            BindingKind::Augmented => "augmented",
            BindingKind::For => "for",
            BindingKind::With => "with",
            BindingKind::Except => "except",
            BindingKind::UnboundException => "unbound_exception",
            BindingKind::Walrus => "walrus",
            BindingKind::Match => "match",
            BindingKind::Global => "global",
            BindingKind::Nonlocal => "nonlocal",
            BindingKind::Function => "function",
            BindingKind::Class => "class",
            BindingKind::Parameter => "parameter",
            BindingKind::TypeParam => "type_param",
            BindingKind::Deletion => "deletion",
            BindingKind::Export => "export",
            BindingKind::ClassCell => "class_cell",
            BindingKind::GlobalDeclaration => "global_declaration",
        }
    }

    pub fn is_import(self) -> bool {
        matches!(
            self,
            BindingKind::Import | BindingKind::FromImport | BindingKind::SubmoduleImport
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Binding {
    pub id: BindingId,
    pub name: String,
    pub kind: BindingKind,
    pub scope: ScopeId,
    /// Range of the bound name (for imports Ruff's range: the `a.b` / `x as y` part).
    pub span: Span,
    /// For imports: the whole import statement.
    pub stmt_span: Option<Span>,
    /// Number of references (loads, `del`, `nonlocal`, `__all__` entries), including those
    /// copied from the binding it shadows (Ruff copies references on rebinding).
    pub uses: u32,
    /// The binding of the same name in the same scope that this one replaced.
    pub shadows: Option<BindingId>,
    /// Set when no same-scope binding existed but an enclosing function/module scope binds
    /// the name (pyflakes' cross-scope redefinition).
    pub shadows_outer: Option<BindingId>,
    /// This is the scope's current binding for the name once analysis ends.
    pub is_live: bool,
    pub in_type_checking: bool,
    /// Inside a `try` body whose handlers catch `ImportError`/`ModuleNotFoundError`.
    pub in_import_error_try: bool,
    /// Innermost branch (if/elif/else arm, try body+else, handler, finally, with body,
    /// match case); `None` at the scope's top.
    pub branch: Option<u32>,
    /// Named in a module-level `__all__`.
    pub in_all: bool,
    /// `import x as x` / `from y import x as x` (explicit re-export).
    pub is_redundant_alias: bool,
    /// Declared `global`/`nonlocal` (propagates to rebindings).
    pub is_global: bool,
    pub is_nonlocal: bool,
    /// Name matches Ruff's default dummy-variable regex (`_`, `__`, `_x`, ...).
    pub is_dummy: bool,
    /// Function decorated with `@overload` / `@typing.overload`.
    pub is_overload: bool,
    /// Imports: `os.path` for `import os.path`, `typing.List` for `from typing import List`,
    /// `.m.x` for `from .m import x`.
    pub qualified_name: Option<String>,
    /// From-imports: the module as written with its leading dots (`.m`, `typing`).
    pub module: Option<String>,
    /// From-imports: number of leading dots.
    pub level: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ReferenceKind {
    Plain,
    /// In an annotation evaluated (or deferred) as an expression.
    Annotation,
    /// Inside a string annotation.
    StringAnnotation,
    /// A string entry of `__all__`.
    DunderAll,
    /// The target of `del`.
    Delete,
}

impl ReferenceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReferenceKind::Plain => "plain",
            ReferenceKind::Annotation => "annotation",
            ReferenceKind::StringAnnotation => "string_annotation",
            ReferenceKind::DunderAll => "dunder_all",
            ReferenceKind::Delete => "delete",
        }
    }
}

/// How a name load resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Resolution {
    /// To this binding (through `global`/`nonlocal` declarations to the declared binding).
    Binding(BindingId),
    Builtin,
    /// `__module__`/`__qualname__` in a class body.
    Implicit,
    /// See [`UnresolvedReference`].
    Unresolved,
}

/// A name load (annotations and string annotations included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    pub name: String,
    pub span: Span,
    pub scope: ScopeId,
    pub kind: ReferenceKind,
    pub resolution: Resolution,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnresolvedReference {
    pub name: String,
    /// The source text of `span` (differs from `name` for names inside a string annotation
    /// that could not be mapped exactly: then the span is the whole string).
    pub text: String,
    pub span: Span,
    pub scope: ScopeId,
    pub kind: ReferenceKind,
    /// A `from m import *` is visible from the reference's scope.
    pub star_import_visible: bool,
    /// Inside a `try` whose handlers catch `NameError`.
    pub name_error_handled: bool,
    /// The name is a builtin of a later Python version (minor version).
    pub builtin_added_in: Option<u8>,
    /// `__all__` entries: line of the `__all__` definition (a noqa there applies too).
    pub parent_line: Option<u32>,
    /// What the code does with the name right where it loads it: `call` (`x(...)`),
    /// `attribute` (`x.attr`), `subscript` (`x[...]`); `None` for anything else.
    pub usage: Option<&'static str>,
    /// `usage = attribute`: the attribute's name.
    pub attribute: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StarImport {
    /// Module as written, with leading dots: `os`, `.m`, `..`.
    pub module: String,
    pub scope: ScopeId,
    /// The whole import statement.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DunderAllName {
    pub name: String,
    /// The string literal, quotes included.
    pub span: Span,
    /// Resolved to a module-level binding or builtin.
    pub defined: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct SemanticFacts {
    pub scopes: Vec<Scope>,
    pub bindings: Vec<Binding>,
    /// Every name load, in walk order.
    pub references: Vec<Reference>,
    pub unresolved: Vec<UnresolvedReference>,
    pub star_imports: Vec<StarImport>,
    pub dunder_all: Vec<DunderAllName>,
    /// Branch tree: `branches[i]` is the parent of branch `i`.
    pub branches: Vec<Option<u32>>,
    pub noqa: Vec<NoqaDirective>,
    pub noqa_ranges: Vec<NoqaLineRange>,
    /// Directives Ruff warns about (line, kind).
    pub noqa_warnings: Vec<(u32, noqa::NoqaWarning)>,
    /// The parse has ERROR or MISSING nodes, or invalid code tree-sitter accepts (see
    /// [`validate`]). Ruff reports no semantic diagnostics for a file
    /// with syntax errors, so the rule queries skip such files.
    pub has_syntax_error: bool,
    /// The first invalid construct tree-sitter accepted without an error node (see
    /// [`validate`]): line, column (1-based, characters) and Ruff's message. `None` when the
    /// tree has error nodes (those are the fact base's `syntax_errors`) or the code is valid.
    pub lenient_syntax_error: Option<(u32, u32, String)>,
    /// `from __future__ import annotations` is present.
    pub future_annotations: bool,
}

/// Analyzes one parsed file. Pure and infallible: ERROR subtrees are skipped.
pub fn analyze(text: &str, tree: &tree_sitter::Tree, opts: &SemanticOptions) -> SemanticFacts {
    // Work around tree-sitter's handling of dedented lines inside brackets: if the file does
    // not parse, retry with bracketed newlines blanked (same byte offsets).
    let reparsed = if tree.root_node().has_error() {
        flatten::flatten_brackets(text)
            .and_then(|flat| crate::syntax::parse_python(&flat, Duration::from_secs(10)).ok())
            .filter(|t| !t.root_node().has_error())
    } else {
        None
    };
    let sem_tree = reparsed.as_ref().unwrap_or(tree);
    let sem_arena = arena::Arena::build(sem_tree, text);
    let idx = crate::syntax::LineIndex::new(text);
    let mut facts = visitor::run(text, &idx, &sem_arena, opts);
    // Directives come from the file as written (the reparse blanks comments in brackets).
    let (noqa, ranges, noqa_warnings) = match reparsed {
        Some(_) => noqa::extract(text, tree),
        None => noqa::extract_from(text, &idx, &sem_arena),
    };
    facts.noqa = noqa;
    facts.noqa_ranges = ranges;
    facts.noqa_warnings = noqa_warnings;
    let tree_error = sem_tree.root_node().has_error();
    // Errors with an ERROR or MISSING node are the fact base's `syntax_errors`; otherwise the
    // place is found here, and a flagged tree with no place found still says so.
    let lenient = if tree_error && validate::has_error_node(sem_tree) {
        None
    } else {
        validate::first_lenient_syntax_error_in(text, &sem_arena).or_else(|| {
            tree_error.then_some((
                0,
                "Invalid syntax (tree-sitter rejects the file here or later)",
            ))
        })
    };
    facts.has_syntax_error |= tree_error || lenient.is_some();
    facts.lenient_syntax_error = lenient.map(|(offset, message)| {
        let (line, col) = idx.position(offset);
        (line, col, message.to_string())
    });
    facts
}
