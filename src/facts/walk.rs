//! The single iterative traversal behind [`super::extract`].
//!
//! One [`tree_sitter::TreeCursor`] walks the whole tree, never recursing. A stack with one
//! small `Copy` [`Entry`] per ancestor carries the context (scope, TYPE_CHECKING, import guard,
//! conditionals, assignment targets); it grows with nesting depth but never allocates per node.
//! Each node is classified once through a table indexed by `kind_id` ([`Role`]) and dispatched
//! to the module of its fact kind.

use std::sync::OnceLock;

use tree_sitter::{Language, Node, Tree};

use super::{
    DefKind, FileFacts, ScopeKind, definitions, dunder_all, imports, path_strings, returns,
    syntax_errors,
};
use crate::syntax::LineIndex;

macro_rules! kind_table {
    ($($field:ident = $name:literal, $named:literal;)*) => {
        /// Node kind ids of tree-sitter-python, resolved once.
        pub(crate) struct Kinds {
            $(pub $field: u16,)*
            roles: Vec<Role>,
        }

        impl Kinds {
            fn resolve(lang: &Language) -> Kinds {
                Kinds {
                    $($field: lang.id_for_node_kind($name, $named),)*
                    roles: Vec::new(),
                }
            }

            #[cfg(test)]
            pub(crate) fn all(&self) -> Vec<(&'static str, u16)> {
                vec![$(($name, self.$field),)*]
            }
        }
    };
}

kind_table! {
    import_statement = "import_statement", true;
    import_from_statement = "import_from_statement", true;
    future_import_statement = "future_import_statement", true;
    aliased_import = "aliased_import", true;
    dotted_name = "dotted_name", true;
    relative_import = "relative_import", true;
    import_prefix = "import_prefix", true;
    wildcard_import = "wildcard_import", true;
    class_definition = "class_definition", true;
    function_definition = "function_definition", true;
    decorated_definition = "decorated_definition", true;
    decorator = "decorator", true;
    lambda = "lambda", true;
    assignment = "assignment", true;
    augmented_assignment = "augmented_assignment", true;
    expression_statement = "expression_statement", true;
    return_statement = "return_statement", true;
    yield_expr = "yield", true;
    if_statement = "if_statement", true;
    elif_clause = "elif_clause", true;
    for_statement = "for_statement", true;
    while_statement = "while_statement", true;
    try_statement = "try_statement", true;
    except_clause = "except_clause", true;
    with_statement = "with_statement", true;
    match_statement = "match_statement", true;
    identifier = "identifier", true;
    attribute = "attribute", true;
    call = "call", true;
    argument_list = "argument_list", true;
    not_operator = "not_operator", true;
    comparison_operator = "comparison_operator", true;
    binary_operator = "binary_operator", true;
    parenthesized_expression = "parenthesized_expression", true;
    as_pattern = "as_pattern", true;
    tuple = "tuple", true;
    list = "list", true;
    expression_list = "expression_list", true;
    pattern_list = "pattern_list", true;
    tuple_pattern = "tuple_pattern", true;
    list_pattern = "list_pattern", true;
    list_splat_pattern = "list_splat_pattern", true;
    string = "string", true;
    string_start = "string_start", true;
    string_end = "string_end", true;
    concatenated_string = "concatenated_string", true;
    comment = "comment", true;
    module = "module", true;
    block = "block", true;
    else_clause = "else_clause", true;
    finally_clause = "finally_clause", true;
    case_clause = "case_clause", true;
    async_kw = "async", false;
    from_kw = "from", false;
    plus_op = "+", false;
    plus_eq = "+=", false;
    eq_op = "==", false;
}

macro_rules! field_table {
    ($($field:ident = $name:literal;)*) => {
        /// Field ids of tree-sitter-python, resolved once (0 when absent, which never matches).
        pub(crate) struct Fields {
            $(pub $field: u16,)*
        }

        impl Fields {
            fn resolve(lang: &Language) -> Fields {
                Fields {
                    $($field: lang.field_id_for_name($name).map_or(0, |f| f.get()),)*
                }
            }

            #[cfg(test)]
            pub(crate) fn all(&self) -> Vec<(&'static str, u16)> {
                vec![$(($name, self.$field),)*]
            }
        }
    };
}

field_table! {
    name = "name";
    alias = "alias";
    module_name = "module_name";
    body = "body";
    consequence = "consequence";
    alternative = "alternative";
    condition = "condition";
    left = "left";
    right = "right";
    type_ = "type";
    definition = "definition";
    value = "value";
    function = "function";
    arguments = "arguments";
    object = "object";
    attribute = "attribute";
    operator = "operator";
    argument = "argument";
}

/// What a node kind means to the walker; one table lookup per node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Other,
    Import,
    Class,
    Function,
    Decorated,
    Lambda,
    Assignment,
    AugAssignment,
    /// Containers that pass an assignment target down to their names.
    Pattern,
    Identifier,
    ExprStmt,
    Return,
    Yield,
    Str,
    ConcatStr,
    If,
    Try,
    /// for / while / with / match: everything inside is conditional.
    Compound,
    /// Other nodes that hold statements (module, block, clauses): never skipped.
    Block,
}

impl Role {
    /// Whether [`Walker::child_ctx`] looks at the field of children of this role.
    #[inline]
    fn reads_fields(self) -> bool {
        matches!(
            self,
            Role::Assignment
                | Role::AugAssignment
                | Role::If
                | Role::Try
                | Role::Class
                | Role::Function
                | Role::Lambda
                | Role::Decorated
        )
    }
}

impl Kinds {
    pub(crate) fn get() -> &'static Kinds {
        static KINDS: OnceLock<Kinds> = OnceLock::new();
        KINDS.get_or_init(|| {
            let lang: Language = tree_sitter_python::LANGUAGE.into();
            let mut k = Kinds::resolve(&lang);
            let mut roles = vec![Role::Other; lang.node_kind_count()];
            let mut set = |id: u16, role: Role| {
                if let Some(slot) = roles.get_mut(id as usize) {
                    *slot = role;
                }
            };
            set(k.import_statement, Role::Import);
            set(k.import_from_statement, Role::Import);
            set(k.future_import_statement, Role::Import);
            set(k.class_definition, Role::Class);
            set(k.function_definition, Role::Function);
            set(k.decorated_definition, Role::Decorated);
            set(k.lambda, Role::Lambda);
            set(k.assignment, Role::Assignment);
            set(k.augmented_assignment, Role::AugAssignment);
            set(k.pattern_list, Role::Pattern);
            set(k.tuple_pattern, Role::Pattern);
            set(k.list_pattern, Role::Pattern);
            set(k.list_splat_pattern, Role::Pattern);
            set(k.identifier, Role::Identifier);
            set(k.expression_statement, Role::ExprStmt);
            set(k.return_statement, Role::Return);
            set(k.yield_expr, Role::Yield);
            set(k.string, Role::Str);
            set(k.concatenated_string, Role::ConcatStr);
            set(k.if_statement, Role::If);
            // `elif TYPE_CHECKING:` guards its consequence like an `if`.
            set(k.elif_clause, Role::If);
            set(k.try_statement, Role::Try);
            set(k.for_statement, Role::Compound);
            set(k.while_statement, Role::Compound);
            set(k.with_statement, Role::Compound);
            set(k.match_statement, Role::Compound);
            for block in [
                k.module,
                k.block,
                k.else_clause,
                k.except_clause,
                k.finally_clause,
                k.case_clause,
            ] {
                set(block, Role::Block);
            }
            k.roles = roles;
            k
        })
    }

    #[inline]
    pub(crate) fn role(&self, kind: u16) -> Role {
        self.roles
            .get(kind as usize)
            .copied()
            .unwrap_or(Role::Other)
    }
}

impl Fields {
    pub(crate) fn get() -> &'static Fields {
        static FIELDS: OnceLock<Fields> = OnceLock::new();
        FIELDS.get_or_init(|| Fields::resolve(&tree_sitter_python::LANGUAGE.into()))
    }
}

/// A named scope: the module, a class body or a function body.
pub(crate) struct Scope {
    pub kind: ScopeKind,
    /// `__qualname__` of the class or function; empty for the module.
    pub qualname: String,
}

/// The context a node sits in. Small and `Copy`: one per ancestor on the stack.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Ctx {
    /// Index into [`Walker::scopes`] of the innermost module/class/function scope.
    pub scope: u32,
    /// Inside a lambda body (a function scope with no entry in `scopes`).
    pub in_lambda: bool,
    /// Under `if TYPE_CHECKING:` (any depth, across scopes).
    pub type_checking: bool,
    /// In the body of a `try` that catches ImportError/ModuleNotFoundError (reset by functions).
    pub guarded: bool,
    /// Inside any other conditional construct (reset by functions; class bodies run inline).
    pub import_conditional: bool,
    /// In the body of `if __name__ == "__main__":` (any depth): runs only as a script.
    pub main_only: bool,
    /// Inside if/try/while/for/with/match within the current class or function scope.
    pub def_conditional: bool,
    /// Inside the target of a module/class-level assignment: names found here are definitions.
    pub target: Option<DefKind>,
}

/// One ancestor on the walk stack.
#[derive(Debug, Clone, Copy)]
struct Entry {
    role: Role,
    /// The node's own context, inherited by its children unless [`Walker::child_ctx`] says otherwise.
    ctx: Ctx,
    /// Role-specific detail: for `if`, [`IF_TC`]/[`IF_NOT_TC`]; for `try`, [`TRY_GUARDED`];
    /// for assignments, the [`DefKind`] code of their targets.
    aux: u8,
    /// For class/function definitions, the scope their body opens.
    body_scope: u32,
    pushed_scope: bool,
    has_error: bool,
    /// Only the children holding a [`Walker::marks`] offset (or the body of a definition)
    /// can yield a fact: the walk jumps from one such child to the next instead of stepping
    /// through every child.
    sparse: bool,
    /// End byte of the node (to bound the jumps of a sparse node).
    end: u32,
    /// For a class or function definition, where its body starts (a jump target); else
    /// `u32::MAX`.
    body: u32,
}

const IF_TC: u8 = 1;
const IF_NOT_TC: u8 = 2;
const IF_MAIN: u8 = 3;
const TRY_GUARDED: u8 = 1;
const TARGET_ASSIGN: u8 = 1;
const TARGET_ANNOTATED: u8 = 2;
const TARGET_AUGMENTED: u8 = 3;

/// Shared state of one extraction: source, positions, scopes and the facts gathered so far.
pub(crate) struct Walker<'t> {
    pub text: &'t str,
    pub idx: LineIndex<'t>,
    pub k: &'static Kinds,
    pub f: &'static Fields,
    pub scopes: Vec<Scope>,
    pub facts: FileFacts,
    /// The innermost `expression_statement` entered (the statement of assignment targets).
    pub stmt: Option<Node<'t>>,
    /// The last `decorated_definition` entered; its `definition` child takes its span.
    pub decorated: Option<Node<'t>>,
    prune: bool,
    /// Byte offsets of every `/` in the text: a subtree without one holds no path string.
    slashes: Vec<u32>,
    /// Byte offsets of every `yield` in the text: a subtree without one holds no yield.
    yields: Vec<u32>,
    /// Byte offsets of every `import`, `def` and `class` in the text: inside a function, a
    /// subtree without one holds no import and no definition.
    keywords: Vec<u32>,
    /// `slashes`, `yields` and `keywords` merged: the children of a sparse node (see
    /// [`Entry::sparse`]) without one of these hold no fact.
    marks: Vec<u32>,
}

/// Walks `tree` once and gathers every fact. With `prune`, subtrees that cannot hold a fact
/// are skipped (see [`Walker::skippable`]); without, every node is visited (for checking
/// that pruning changes nothing).
pub(crate) fn run(text: &str, tree: &Tree, prune: bool) -> FileFacts {
    let idx = LineIndex::new(text);
    let mut w = Walker {
        text,
        facts: FileFacts {
            lines: idx.line_count(),
            ..FileFacts::default()
        },
        idx,
        k: Kinds::get(),
        f: Fields::get(),
        scopes: vec![Scope {
            kind: ScopeKind::Module,
            qualname: String::new(),
        }],
        stmt: None,
        decorated: None,
        prune,
        slashes: memchr::memchr_iter(b'/', text.as_bytes())
            .map(|i| i as u32)
            .collect(),
        yields: offsets_of(text, &["yield"]),
        keywords: offsets_of(text, &["import", "def", "class"]),
        marks: Vec::new(),
    };
    if prune {
        let mut marks = Vec::with_capacity(w.slashes.len() + w.yields.len() + w.keywords.len());
        marks.extend_from_slice(&w.slashes);
        marks.extend_from_slice(&w.yields);
        marks.extend_from_slice(&w.keywords);
        marks.sort_unstable();
        w.marks = marks;
    }
    let mut stack: Vec<Entry> = Vec::with_capacity(64);
    // Sentinel parent of the root; `has_error` so that an ERROR root is reported.
    stack.push(Entry {
        role: Role::Other,
        ctx: Ctx::default(),
        aux: 0,
        body_scope: 0,
        pushed_scope: false,
        has_error: true,
        sparse: false,
        end: u32::MAX,
        body: u32::MAX,
    });
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        let n = stack.len();
        let parent = stack[n - 1];
        // Field lookups cost a scan of the parent's field map: only where fields matter.
        let field = if parent.role.reads_fields() {
            cursor.field_id().map_or(0, |f| f.get())
        } else {
            0
        };
        let grandparent = if n >= 2 {
            stack[n - 2].role
        } else {
            Role::Other
        };
        if let Some(entry) = w.enter(node, field, &parent, grandparent) {
            let entered = if entry.sparse {
                w.next_mark(&entry, node.start_byte())
                    .is_some_and(|t| cursor.goto_first_child_for_byte(t).is_some())
            } else {
                cursor.goto_first_child()
            };
            if entered {
                stack.push(entry);
                continue;
            }
            w.leave(&entry);
        }
        loop {
            let parent = stack.last().expect("the sentinel stays");
            if parent.sparse {
                // The next child worth a visit: the one holding the next mark. Children in
                // between hold none, so nothing is lost by not stepping through them.
                let next = w.next_mark(parent, cursor.node().end_byte());
                cursor.goto_parent();
                if next.is_some_and(|t| cursor.goto_first_child_for_byte(t).is_some()) {
                    break;
                }
                // Done with the parent (the cursor is on it).
                let entry = stack.pop().expect("one stack entry per ancestor");
                w.leave(&entry);
                continue;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return w.facts;
            }
            let entry = stack.pop().expect("one stack entry per ancestor");
            w.leave(&entry);
        }
    }
}

impl<'t> Walker<'t> {
    /// Context of a child given its parent entry and the field it fills.
    #[inline]
    fn child_ctx(&self, p: &Entry, field: u16, kind: u16) -> Ctx {
        let f = self.f;
        let mut c = p.ctx;
        c.target = None;
        match p.role {
            Role::Pattern => c.target = p.ctx.target,
            Role::Assignment | Role::AugAssignment if field == f.left => {
                c.target = match p.aux {
                    TARGET_ASSIGN => Some(DefKind::Assignment),
                    TARGET_ANNOTATED => Some(DefKind::AnnotatedAssignment),
                    TARGET_AUGMENTED => Some(DefKind::AugmentedAssignment),
                    _ => None,
                };
            }
            Role::If => {
                if field == f.consequence {
                    c.def_conditional = true;
                    if p.aux == IF_TC {
                        c.type_checking = true;
                    } else {
                        c.import_conditional = true;
                        c.main_only |= p.aux == IF_MAIN;
                    }
                } else if field == f.alternative {
                    c.def_conditional = true;
                    if p.aux == IF_NOT_TC {
                        // Reached only when TYPE_CHECKING is true.
                        c.type_checking = true;
                        if kind == self.k.elif_clause {
                            c.import_conditional = true;
                        }
                    } else {
                        c.import_conditional = true;
                    }
                }
            }
            Role::Try => {
                c.def_conditional = true;
                if field == f.body && p.aux == TRY_GUARDED {
                    c.guarded = true;
                } else {
                    c.import_conditional = true;
                }
            }
            Role::Compound => {
                c.def_conditional = true;
                c.import_conditional = true;
            }
            Role::Class if field == f.body => {
                c.scope = p.body_scope;
                c.in_lambda = false;
                c.def_conditional = false;
            }
            Role::Function if field == f.body => {
                c.scope = p.body_scope;
                c.in_lambda = false;
                c.def_conditional = false;
                c.import_conditional = false;
                c.guarded = false;
            }
            Role::Lambda if field == f.body => {
                c.in_lambda = true;
                c.def_conditional = false;
                c.import_conditional = false;
                c.guarded = false;
            }
            _ => {}
        }
        c
    }

    /// Visits one node; returns the entry for its children, or `None` to skip its subtree.
    #[inline]
    fn enter(
        &mut self,
        node: Node<'t>,
        field: u16,
        parent: &Entry,
        grandparent: Role,
    ) -> Option<Entry> {
        let kind = node.kind_id();
        if parent.has_error {
            if node.is_error() {
                syntax_errors::unexpected(self, node);
                return None;
            }
            if node.is_missing() {
                syntax_errors::missing(self, node);
                return None;
            }
        }
        let role = self.k.role(kind);
        let ctx = self.child_ctx(parent, field, kind);
        let mut e = Entry {
            role,
            ctx,
            aux: 0,
            body_scope: 0,
            pushed_scope: false,
            has_error: node.has_error(),
            sparse: false,
            end: 0,
            body: u32::MAX,
        };
        match role {
            Role::Other
            | Role::Pattern
            | Role::ConcatStr
            | Role::Compound
            | Role::Block
            | Role::Lambda => {}
            Role::Identifier => {
                if let Some(kind) = ctx.target {
                    definitions::on_target(self, node, &ctx, kind);
                }
            }
            Role::Str => {
                let fstring = path_strings::on_string(self, node, parent.role, grandparent);
                // Only an f-string's interpolations can hold anything; the rest are tokens.
                if self.prune && !fstring && !e.has_error {
                    return None;
                }
            }
            Role::ExprStmt => {
                self.stmt = Some(node);
                if self.scope_kind(&ctx) == ScopeKind::Module {
                    dunder_all::on_statement(self, node);
                }
            }
            Role::Assignment | Role::AugAssignment => {
                if self.scope_kind(&ctx) != ScopeKind::Function {
                    e.aux = if role == Role::AugAssignment {
                        TARGET_AUGMENTED
                    } else if node.child_by_field_id(self.f.type_).is_some() {
                        TARGET_ANNOTATED
                    } else {
                        TARGET_ASSIGN
                    };
                }
            }
            Role::Import => {
                imports::on_import(self, node, &ctx);
                // Only names live inside; descend just to report syntax errors.
                if !e.has_error {
                    return None;
                }
            }
            Role::Class | Role::Function => {
                let decorated = self.decorated.filter(|d| {
                    field == self.f.definition
                        && parent.role == Role::Decorated
                        && d.end_byte() == node.end_byte()
                });
                let scope = if role == Role::Class {
                    definitions::on_class(self, node, decorated, &ctx)
                } else {
                    definitions::on_function(self, node, decorated, &ctx)
                };
                e.body_scope = scope;
                e.pushed_scope = true;
            }
            Role::Decorated => self.decorated = Some(node),
            Role::Return => {
                if self.scope_kind(&ctx) != ScopeKind::Function {
                    returns::on_return(self, node, &ctx);
                }
            }
            Role::Yield => {
                if self.scope_kind(&ctx) != ScopeKind::Function {
                    returns::on_yield(self, node, &ctx);
                }
            }
            Role::If => e.aux = self.if_kind(node),
            Role::Try => {
                if imports::catches_import_error(self, node) {
                    e.aux = TRY_GUARDED;
                }
            }
        }
        if self.prune && !e.has_error {
            if self.skippable(node, role, &ctx) {
                return None;
            }
            // Inside a function only imports, definitions and path strings matter, and each
            // holds a mark; the children of a definition other than its body hold a fact only
            // around a mark (a path string or a `yield` in a default or an annotation).
            let defines = matches!(role, Role::Class | Role::Function);
            if defines || self.scope_kind(&ctx) == ScopeKind::Function {
                e.sparse = true;
                e.end = node.end_byte() as u32;
                if defines {
                    e.body = node
                        .child_by_field_id(self.f.body)
                        .map_or(u32::MAX, |b| b.start_byte() as u32);
                }
            }
        }
        Some(e)
    }

    /// Whether nothing below `node` can yield a fact, so the walk may skip its subtree:
    /// it holds no statement (so no import or definition), no error, no `/` (so no path
    /// string), no assignment target that matters, and no `yield` that would sit outside a
    /// function. Inside a function, statements are skipped too when no `import`, `def` or
    /// `class` occurs in them (only imports and nested definitions matter there). Only
    /// byte-range lookups in the precomputed offset lists; never a rescan.
    #[inline]
    fn skippable(&self, node: Node<'t>, role: Role, ctx: &Ctx) -> bool {
        let in_function = self.scope_kind(ctx) == ScopeKind::Function;
        let eligible = match role {
            Role::Other
            | Role::Lambda
            | Role::Str
            | Role::ConcatStr
            | Role::Return
            | Role::Yield
            | Role::Identifier => true,
            // Their targets define names at module and class level.
            Role::ExprStmt | Role::Assignment | Role::AugAssignment | Role::Pattern => in_function,
            Role::If | Role::Try | Role::Compound | Role::Block => {
                in_function && !any_within(&self.keywords, node.start_byte(), node.end_byte())
            }
            Role::Import | Role::Class | Role::Function | Role::Decorated => false,
        };
        eligible
            && !any_within(&self.slashes, node.start_byte(), node.end_byte())
            && (in_function || !any_within(&self.yields, node.start_byte(), node.end_byte()))
    }

    /// The first byte at or after `from` that a child of the sparse `e` must cover to be
    /// visited: the next mark, or the body of a definition; `None` past the end of `e`.
    #[inline]
    fn next_mark(&self, e: &Entry, from: usize) -> Option<usize> {
        let i = self.marks.partition_point(|&o| (o as usize) < from);
        let mark = self.marks.get(i).map_or(u32::MAX, |&o| o);
        let body = if (e.body as usize) >= from {
            e.body
        } else {
            u32::MAX
        };
        let t = mark.min(body);
        (t < e.end).then_some(t as usize)
    }

    /// Whether the text of `node` holds a `/`.
    #[inline]
    pub(crate) fn has_slash(&self, node: Node<'t>) -> bool {
        any_within(&self.slashes, node.start_byte(), node.end_byte())
    }

    fn leave(&mut self, e: &Entry) {
        if e.pushed_scope {
            self.scopes.pop();
        }
    }

    /// [`IF_TC`] for `if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:`, [`IF_NOT_TC`] for
    /// `if not TYPE_CHECKING:`, else 0.
    fn if_kind(&self, node: Node<'t>) -> u8 {
        let Some(mut cond) = node.child_by_field_id(self.f.condition) else {
            return 0;
        };
        let mut negated = false;
        if cond.kind_id() == self.k.not_operator {
            match cond.child_by_field_id(self.f.argument) {
                Some(arg) => cond = arg,
                None => return 0,
            }
            negated = true;
        }
        if self.names_type_checking(cond) {
            if negated { IF_NOT_TC } else { IF_TC }
        } else if !negated && self.is_main_check(cond) {
            IF_MAIN
        } else {
            0
        }
    }

    /// `__name__ == "__main__"` (either way round).
    fn is_main_check(&self, node: Node<'t>) -> bool {
        if node.kind_id() != self.k.comparison_operator || node.child_count() != 3 {
            return false;
        }
        let (Some(a), Some(op), Some(b)) = (node.child(0), node.child(1), node.child(2)) else {
            return false;
        };
        let is_name = |n: Node<'t>| n.kind_id() == self.k.identifier && self.text(n) == "__name__";
        let is_main = |n: Node<'t>| {
            n.kind_id() == self.k.string && matches!(self.text(n), "\"__main__\"" | "'__main__'")
        };
        op.kind_id() == self.k.eq_op && ((is_name(a) && is_main(b)) || (is_main(a) && is_name(b)))
    }

    /// `TYPE_CHECKING` or `<anything>.TYPE_CHECKING`.
    fn names_type_checking(&self, node: Node<'t>) -> bool {
        let name = if node.kind_id() == self.k.attribute {
            match node.child_by_field_id(self.f.attribute) {
                Some(a) => a,
                None => return false,
            }
        } else {
            node
        };
        name.kind_id() == self.k.identifier && self.text(name) == "TYPE_CHECKING"
    }

    /// Module, class or function (a lambda body counts as a function).
    #[inline]
    pub(crate) fn scope_kind(&self, ctx: &Ctx) -> ScopeKind {
        if ctx.in_lambda {
            ScopeKind::Function
        } else {
            self.scopes[ctx.scope as usize].kind
        }
    }

    /// Qualname of the class whose body directly holds `ctx`, if any.
    pub(crate) fn enclosing_class(&self, ctx: &Ctx) -> Option<String> {
        let s = &self.scopes[ctx.scope as usize];
        (s.kind == ScopeKind::Class && !ctx.in_lambda).then(|| s.qualname.clone())
    }

    /// `__qualname__` of `name` defined in the scope of `ctx` (definitions never sit
    /// directly in a lambda body).
    pub(crate) fn qualify(&self, ctx: &Ctx, name: &str) -> String {
        let s = &self.scopes[ctx.scope as usize];
        match s.kind {
            ScopeKind::Module => name.to_string(),
            ScopeKind::Class => format!("{}.{name}", s.qualname),
            ScopeKind::Function => format!("{}.<locals>.{name}", s.qualname),
        }
    }

    #[inline]
    pub(crate) fn text(&self, node: Node<'_>) -> &'t str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    pub(crate) fn span(&self, node: Node<'_>) -> super::Span {
        self.span_of(node.start_byte(), node.end_byte())
    }

    pub(crate) fn span_of(&self, start: usize, end: usize) -> super::Span {
        let (line, col) = self.idx.position(start);
        let (end_line, end_col) = self.idx.position(end);
        super::Span {
            line,
            col,
            end_line,
            end_col,
            start_byte: start as u32,
            end_byte: end as u32,
        }
    }

    /// A plain string literal (not an f-string, not broken by errors). `Err(true)` for an
    /// f-string or t-string, `Err(false)` for anything else that is not a usable literal.
    pub(crate) fn literal(&self, node: Node<'t>) -> Result<Literal<'t>, bool> {
        let n = node.child_count();
        let (Some(start), Some(end)) =
            (node.child(0), n.checked_sub(1).and_then(|i| node.child(i)))
        else {
            return Err(false);
        };
        if n < 2 || start.kind_id() != self.k.string_start {
            return Err(false);
        }
        let mut raw = false;
        let mut bytes = false;
        for b in self.text(start).bytes() {
            match b {
                b'r' | b'R' => raw = true,
                b'b' | b'B' => bytes = true,
                b'f' | b'F' | b't' | b'T' => return Err(true),
                _ => {}
            }
        }
        if end.kind_id() != self.k.string_end || end.is_missing() {
            return Err(false);
        }
        let content = self
            .text
            .get(start.end_byte()..end.start_byte())
            .ok_or(false)?;
        Ok(Literal {
            content,
            raw,
            bytes,
        })
    }
}

/// Whether a sorted offset list has an entry in `start..end`.
#[inline]
/// Sorted byte offsets of every occurrence of any of `words` in `text`.
fn offsets_of(text: &str, words: &[&str]) -> Vec<u32> {
    let mut out: Vec<u32> = Vec::new();
    for w in words {
        out.extend(memchr::memmem::find_iter(text.as_bytes(), w).map(|i| i as u32));
    }
    if words.len() > 1 {
        out.sort_unstable();
    }
    out
}

fn any_within(offsets: &[u32], start: usize, end: usize) -> bool {
    let i = offsets.partition_point(|&o| (o as usize) < start);
    offsets.get(i).is_some_and(|&o| (o as usize) < end)
}

/// The content of a string literal, between its quotes, as written.
pub(crate) struct Literal<'t> {
    pub content: &'t str,
    pub raw: bool,
    pub bytes: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_and_field_resolves() {
        for (name, id) in Kinds::get().all() {
            assert_ne!(id, 0, "node kind {name:?} is not in tree-sitter-python");
        }
        for (name, id) in Fields::get().all() {
            assert_ne!(id, 0, "field {name:?} is not in tree-sitter-python");
        }
    }

    #[test]
    fn aliased_kinds_share_the_public_id() {
        // `lambda` inside a comprehension's `in` clause is an alias of another rule, and
        // `match`/`type` used as names are aliased identifiers: both must map to our ids.
        let text = "[x for x in lambda: (yield)]\nmatch = 1\n";
        let tree = crate::syntax::parse_python(text, std::time::Duration::from_secs(5)).unwrap();
        let k = Kinds::get();
        let mut kinds = Vec::new();
        let mut c = tree.walk();
        'outer: loop {
            kinds.push(c.node().kind_id());
            if c.goto_first_child() {
                continue;
            }
            while !c.goto_next_sibling() {
                if !c.goto_parent() {
                    break 'outer;
                }
            }
        }
        assert!(kinds.contains(&k.lambda));
        let facts = super::super::extract(text, &tree);
        assert!(facts.outside_returns.is_empty(), "{facts:#?}");
        assert_eq!(facts.definitions.len(), 1);
        assert_eq!(facts.definitions[0].name, "match");
    }
}
