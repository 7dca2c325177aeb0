//! Per-file facts extracted from one syntax tree.
//!
//! Every extractor is a pure function of (source text, tree). This layer knows nothing of
//! salsa, SQL, module names or the file system. Positions are 1-based lines and 1-based
//! character columns (Ruff's convention); byte ranges are offsets into the decoded UTF-8 text.

use serde::Serialize;

mod definitions;
mod dunder_all;
pub mod exports;
mod imports;
mod path_strings;
mod returns;
mod syntax_errors;
mod walk;

/// A source range: start and end as (line, column), plus the byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Span {
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
    pub start_byte: u32,
    pub end_byte: u32,
}

/// Which kind of scope a fact sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ScopeKind {
    Module,
    Class,
    Function,
}

impl ScopeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeKind::Module => "module",
            ScopeKind::Class => "class",
            ScopeKind::Function => "function",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ImportForm {
    /// `import a.b [as c]`
    Import,
    /// `from m import x [as y]`, `from . import x`, `from m import *`
    From,
}

impl ImportForm {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportForm::Import => "import",
            ImportForm::From => "from",
        }
    }
}

/// One imported name (an `import a, b` statement yields two).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ImportFact {
    pub form: ImportForm,
    /// Module as written, without the leading dots: `a.b` for `import a.b` and `from ..a.b import c`;
    /// empty for `from . import x`.
    pub module: String,
    /// Number of leading dots (0 for absolute imports).
    pub level: u32,
    /// The imported name: for `import a.b` it is `a.b`; for `from m import x` it is `x`; `*` for stars.
    pub name: String,
    pub alias: Option<String>,
    pub is_star: bool,
    /// Range of the imported name (the `a.b as c` / `x as y` part; `*` for stars).
    pub name_span: Span,
    /// Range of the whole import statement.
    pub stmt_span: Span,
    pub scope: ScopeKind,
    /// Under `if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:` (at any depth, also inside
    /// functions defined there), `elif TYPE_CHECKING:`, or the `else` of `if not TYPE_CHECKING:`.
    pub type_checking: bool,
    /// Inside the body of a `try` that has an `except ImportError` / `ModuleNotFoundError` handler
    /// (bare `except:` and `except Exception` do not count).
    /// Like `conditional`, relative to the innermost function: a function body starts afresh,
    /// a class body (which runs where it is defined) inherits.
    pub guarded: bool,
    /// Inside any other conditional construct (if/elif/else, while, for, with, match, try bodies
    /// and handlers other than the two cases above; also `else`/`finally` of a `try`).
    pub conditional: bool,
    /// In the body of `if __name__ == "__main__":`: it runs when the file runs as a script,
    /// never when it is imported (so it is no eager import).
    pub main_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum DefKind {
    Class,
    Function,
    AsyncFunction,
    /// `x = ...` (also each name of a tuple/list target, and chained `a = b = ...`)
    Assignment,
    /// `x: T = ...` or `x: T`
    AnnotatedAssignment,
    /// `x += ...`
    AugmentedAssignment,
}

impl DefKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DefKind::Class => "class",
            DefKind::Function => "function",
            DefKind::AsyncFunction => "async_function",
            DefKind::Assignment => "assignment",
            DefKind::AnnotatedAssignment => "annotated_assignment",
            DefKind::AugmentedAssignment => "augmented_assignment",
        }
    }
}

/// A definition: every class and function (at any depth), and module- and class-level assignments.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct DefinitionFact {
    pub name: String,
    /// Python's `__qualname__` convention: `C.m`, `f.<locals>.g`.
    pub qualname: String,
    pub kind: DefKind,
    pub scope: ScopeKind,
    /// Qualified name of the directly enclosing class, if any.
    pub enclosing_class: Option<String>,
    /// Range of the defined name.
    pub name_span: Span,
    /// Range of the whole definition (decorators included) or assignment statement.
    pub stmt_span: Span,
    /// Decorator expressions as written, without `@`, in source order.
    pub decorators: Vec<String>,
    /// Inside an if/try/while/for/with/match at its own scope level (a class or function body
    /// starts afresh).
    pub conditional: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum AllForm {
    /// `__all__ = [...]` / `(...)` / `__all__: list[str] = [...]`
    Assign,
    /// `__all__ += [...]`
    AugAssign,
    /// `__all__.append("x")`
    Append,
    /// `__all__.extend([...])`
    Extend,
}

impl AllForm {
    pub fn as_str(self) -> &'static str {
        match self {
            AllForm::Assign => "assign",
            AllForm::AugAssign => "augassign",
            AllForm::Append => "append",
            AllForm::Extend => "extend",
        }
    }
}

/// One string entry of a module-level `__all__`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct AllEntry {
    pub name: String,
    pub form: AllForm,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ReturnKind {
    Return,
    Yield,
    YieldFrom,
}

impl ReturnKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReturnKind::Return => "return",
            ReturnKind::Yield => "yield",
            ReturnKind::YieldFrom => "yield_from",
        }
    }
}

/// A `return`/`yield` outside any function (module or class body, at any nesting), as Python
/// scopes it: a class body nested in a function is outside it; decorators, default values
/// and base classes are evaluated in the enclosing scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct OutsideReturn {
    pub kind: ReturnKind,
    /// Range of the whole return statement / yield expression.
    pub span: Span,
    /// Class qualname when the statement sits in a class body.
    pub in_class: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum SyntaxErrorKind {
    /// An ERROR node: text the parser could not fit.
    Unexpected,
    /// A MISSING node: a token the parser had to invent.
    Missing,
}

impl SyntaxErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SyntaxErrorKind::Unexpected => "unexpected",
            SyntaxErrorKind::Missing => "missing",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct SyntaxErrorFact {
    pub kind: SyntaxErrorKind,
    pub span: Span,
    /// The offending text (first 80 characters), or for MISSING the expected token's kind.
    pub text: String,
}

/// A string literal that looks like a file-system path (for drift checks): not an f-string,
/// bytes or bare expression statement (docstrings); its content as written contains `/`, no
/// whitespace, no `://`, no backslash unless raw, and has 2 to 255 characters. Each piece of
/// an implicit concatenation is judged alone.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct PathString {
    /// The content between the quotes, as written.
    pub value: String,
    pub span: Span,
}

/// Everything extracted from one file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
pub struct FileFacts {
    pub lines: u32,
    pub imports: Vec<ImportFact>,
    pub definitions: Vec<DefinitionFact>,
    pub all_entries: Vec<AllEntry>,
    pub outside_returns: Vec<OutsideReturn>,
    pub syntax_errors: Vec<SyntaxErrorFact>,
    pub path_strings: Vec<PathString>,
    /// The module's public names (derived from the facts above; not in fact snapshots).
    #[serde(skip)]
    pub exports: Vec<exports::Export>,
}

/// Extracts every fact kind from a parsed file, in one iterative walk of the tree
/// (see [`walk`]). Facts inside ERROR nodes are not extracted; everything else is.
pub fn extract(text: &str, tree: &tree_sitter::Tree) -> FileFacts {
    with_exports(walk::run(text, tree, true))
}

fn with_exports(mut facts: FileFacts) -> FileFacts {
    facts.exports = exports::public_names(&facts);
    facts
}

/// [`extract`] without skipping any subtree: slower, same result. For tests and benchmarks
/// that check the pruning.
#[doc(hidden)]
pub fn extract_unpruned(text: &str, tree: &tree_sitter::Tree) -> FileFacts {
    with_exports(walk::run(text, tree, false))
}

#[cfg(test)]
pub(crate) mod tests;
