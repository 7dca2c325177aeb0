//! Definition facts: every class and function, and the names bound by module- and
//! class-level assignments.

use tree_sitter::Node;

use super::walk::{Ctx, Scope, Walker};
use super::{DefKind, DefinitionFact, ScopeKind};

/// Records a class definition and opens its scope; returns the scope index.
pub(super) fn on_class<'t>(
    w: &mut Walker<'t>,
    node: Node<'t>,
    decorated: Option<Node<'t>>,
    ctx: &Ctx,
) -> u32 {
    on_def(w, node, decorated, ctx, DefKind::Class)
}

/// Records a function definition (`async` or not) and opens its scope; returns the scope index.
pub(super) fn on_function<'t>(
    w: &mut Walker<'t>,
    node: Node<'t>,
    decorated: Option<Node<'t>>,
    ctx: &Ctx,
) -> u32 {
    let is_async = node.child(0).is_some_and(|c| c.kind_id() == w.k.async_kw);
    let kind = if is_async {
        DefKind::AsyncFunction
    } else {
        DefKind::Function
    };
    on_def(w, node, decorated, ctx, kind)
}

fn on_def<'t>(
    w: &mut Walker<'t>,
    node: Node<'t>,
    decorated: Option<Node<'t>>,
    ctx: &Ctx,
    kind: DefKind,
) -> u32 {
    let name_node = node
        .child_by_field_id(w.f.name)
        .filter(|n| !n.is_missing() && !n.has_error());
    let name = name_node.map_or("", |n| w.text(n));
    let qualname = w.qualify(ctx, name);
    if let Some(name_node) = name_node {
        let outer = decorated.unwrap_or(node);
        let decorators = decorated.map_or_else(Vec::new, |d| decorator_texts(w, d));
        w.facts.definitions.push(DefinitionFact {
            name: name.to_string(),
            qualname: qualname.clone(),
            kind,
            scope: w.scope_kind(ctx),
            enclosing_class: w.enclosing_class(ctx),
            name_span: w.span(name_node),
            stmt_span: w.span_of(outer.start_byte(), end_before_trailing_comments(w, node)),
            decorators,
            conditional: ctx.def_conditional,
        });
    }
    w.scopes.push(Scope {
        kind: if kind == DefKind::Class {
            ScopeKind::Class
        } else {
            ScopeKind::Function
        },
        qualname,
    });
    (w.scopes.len() - 1) as u32
}

/// End of a definition's last token that is not a comment. Tree-sitter ends an indented
/// block after the comments that follow its last statement; Python's `end_lineno` does not.
fn end_before_trailing_comments<'t>(w: &Walker<'t>, def: Node<'t>) -> usize {
    // The text first: when the definition ends on a line without `#` (or a line
    // continuation), its last non-blank byte ends its last token. Only the rest (a comment,
    // or a `#` in a string, on that line) needs the tree, whose `child(i)` is linear in `i`.
    let (start, end) = (def.start_byte(), def.end_byte());
    if let Some(bytes) = w.text.as_bytes().get(start..end)
        && !def.has_error()
    {
        let trimmed = bytes.trim_ascii_end();
        let line = memchr::memrchr(b'\n', trimmed).map_or(trimmed, |i| &trimmed[i + 1..]);
        if !trimmed.is_empty() && !trimmed.ends_with(b"\\") && memchr::memchr(b'#', line).is_none()
        {
            let fast = start + trimmed.len();
            debug_assert_eq!(fast, end_by_tree(w, def), "{:?}", w.text(def));
            return fast;
        }
    }
    end_by_tree(w, def)
}

/// [`end_before_trailing_comments`] by descending the last children of the tree.
fn end_by_tree<'t>(w: &Walker<'t>, def: Node<'t>) -> usize {
    let mut node = def;
    loop {
        let mut i = node.child_count();
        let last = loop {
            if i == 0 {
                return node.end_byte();
            }
            i -= 1;
            match node.child(i) {
                Some(c) if c.kind_id() == w.k.comment || c.start_byte() == c.end_byte() => {}
                Some(c) => break c,
                None => return node.end_byte(),
            }
        };
        if last.child_count() == 0 {
            return last.end_byte();
        }
        node = last;
    }
}

/// The decorator expressions of a `decorated_definition`, as written, without `@`.
fn decorator_texts<'t>(w: &Walker<'t>, decorated: Node<'t>) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor = decorated.walk();
    for d in decorated.named_children(&mut cursor) {
        if d.kind_id() != w.k.decorator {
            continue;
        }
        let mut c = d.walk();
        let expr = d
            .named_children(&mut c)
            .find(|e| e.kind_id() != w.k.comment);
        if let Some(expr) = expr {
            out.push(w.text(expr).to_string());
        }
    }
    out
}

/// Records a name bound by the target of a module- or class-level assignment.
pub(super) fn on_target<'t>(w: &mut Walker<'t>, node: Node<'t>, ctx: &Ctx, kind: DefKind) {
    if node.is_missing() {
        return;
    }
    let name = w.text(node);
    if name.is_empty() {
        return;
    }
    let stmt_span = w.stmt.map_or_else(|| w.span(node), |s| w.span(s));
    w.facts.definitions.push(DefinitionFact {
        name: name.to_string(),
        qualname: w.qualify(ctx, name),
        kind,
        scope: w.scope_kind(ctx),
        enclosing_class: w.enclosing_class(ctx),
        name_span: w.span(node),
        stmt_span,
        decorators: Vec::new(),
        conditional: ctx.def_conditional,
    });
}

#[cfg(test)]
mod tests {
    use crate::facts::tests::{facts_of, render};
    use crate::facts::{DefKind, ScopeKind};

    fn defs(src: &str) -> Vec<(String, DefKind, ScopeKind, Option<String>, bool)> {
        facts_of(src)
            .definitions
            .into_iter()
            .map(|d| {
                (
                    d.qualname,
                    d.kind,
                    d.scope,
                    d.enclosing_class,
                    d.conditional,
                )
            })
            .collect()
    }

    fn s(x: &str) -> String {
        x.to_string()
    }

    #[test]
    fn qualnames_follow_python() {
        let src = "\
def f():
    def g():
        class L:
            def m(self): pass
class C:
    def m(self):
        def inner(): pass
    class D:
        async def n(self): pass
";
        use DefKind::*;
        use ScopeKind as S;
        assert_eq!(
            defs(src),
            vec![
                (s("f"), Function, S::Module, None, false),
                (s("f.<locals>.g"), Function, S::Function, None, false),
                (
                    s("f.<locals>.g.<locals>.L"),
                    Class,
                    S::Function,
                    None,
                    false
                ),
                (
                    s("f.<locals>.g.<locals>.L.m"),
                    Function,
                    S::Class,
                    Some(s("f.<locals>.g.<locals>.L")),
                    false
                ),
                (s("C"), Class, S::Module, None, false),
                (s("C.m"), Function, S::Class, Some(s("C")), false),
                (s("C.m.<locals>.inner"), Function, S::Function, None, false),
                (s("C.D"), Class, S::Class, Some(s("C")), false),
                (s("C.D.n"), AsyncFunction, S::Class, Some(s("C.D")), false),
            ]
        );
    }

    #[test]
    fn decorators_and_spans() {
        let src = "@dec\n@a.b(1,\n  2)\nasync def f(): pass\nclass C:\n    @property\n    def p(self): ...\n";
        let f = facts_of(src);
        let d = &f.definitions[0];
        assert_eq!(
            d.decorators,
            vec!["dec".to_string(), "a.b(1,\n  2)".to_string()]
        );
        assert_eq!(d.kind, DefKind::AsyncFunction);
        assert_eq!((d.stmt_span.line, d.stmt_span.col), (1, 1));
        assert_eq!((d.name_span.line, d.name_span.col), (4, 11));
        let p = &f.definitions[2];
        assert_eq!(p.qualname, "C.p");
        assert_eq!(p.decorators, vec!["property".to_string()]);
        assert_eq!((p.stmt_span.line, p.stmt_span.col), (6, 5));
    }

    #[test]
    fn definition_span_ends_before_trailing_comments() {
        let src = "class C:\n    def m(self):\n        if x:\n            return 1  # one\n        # two\n    # three\n# four\ny = 1\n";
        let f = facts_of(src);
        let c = &f.definitions[0];
        assert_eq!((c.stmt_span.end_line, c.stmt_span.end_col), (4, 21));
        let m = &f.definitions[1];
        assert_eq!((m.stmt_span.end_line, m.stmt_span.end_col), (4, 21));
        assert_eq!(m.stmt_span.end_byte as usize, src.find("  # one").unwrap());
    }

    #[test]
    fn assignment_targets() {
        let src = "\
x = 1
a = b = 2
c, (d, *e) = [f, g] = h
i: int = 1
j: int
k += 1
o.attr = 1
o[0] = 1
o.attr: int = 1
(p) = 1
[q, [r]] = s
match = 1
";
        let got: Vec<(String, DefKind)> = facts_of(src)
            .definitions
            .into_iter()
            .map(|d| (d.name, d.kind))
            .collect();
        use DefKind::*;
        assert_eq!(
            got,
            vec![
                (s("x"), Assignment),
                (s("a"), Assignment),
                (s("b"), Assignment),
                (s("c"), Assignment),
                (s("d"), Assignment),
                (s("e"), Assignment),
                (s("f"), Assignment),
                (s("g"), Assignment),
                (s("i"), AnnotatedAssignment),
                (s("j"), AnnotatedAssignment),
                (s("k"), AugmentedAssignment),
                (s("p"), Assignment),
                (s("q"), Assignment),
                (s("r"), Assignment),
                (s("match"), Assignment),
            ]
        );
    }

    #[test]
    fn chained_targets_share_the_statement_span() {
        let f = facts_of("a = b = 2\n");
        assert_eq!(f.definitions[0].stmt_span, f.definitions[1].stmt_span);
        assert_eq!(f.definitions[1].stmt_span.end_col, 10);
        assert_eq!(f.definitions[1].name_span.col, 5);
    }

    #[test]
    fn class_attributes_but_not_function_locals() {
        let src = "\
class C:
    x = 1
    y: int
    z += 1
    def m(self):
        local = 1
        self.attr = 2
    lam = lambda: 0
def f():
    inner = 1
";
        use DefKind::*;
        use ScopeKind as S;
        assert_eq!(
            defs(src),
            vec![
                (s("C"), Class, S::Module, None, false),
                (s("C.x"), Assignment, S::Class, Some(s("C")), false),
                (s("C.y"), AnnotatedAssignment, S::Class, Some(s("C")), false),
                (s("C.z"), AugmentedAssignment, S::Class, Some(s("C")), false),
                (s("C.m"), Function, S::Class, Some(s("C")), false),
                (s("C.lam"), Assignment, S::Class, Some(s("C")), false),
                (s("f"), Function, S::Module, None, false),
            ]
        );
    }

    #[test]
    fn conditional_is_relative_to_the_own_scope() {
        let src = "\
if X:
    def f():
        def g(): pass
    y = 1
try:
    class C:
        def m(self): pass
        if Z:
            attr = 1
except ImportError:
    C = None
for i in range(3):
    w = i
with ctx:
    v = 1
while 0:
    u = 1
match s:
    case _:
        t = 1
";
        let got: Vec<(String, bool)> = facts_of(src)
            .definitions
            .into_iter()
            .map(|d| (d.qualname, d.conditional))
            .collect();
        assert_eq!(
            got,
            vec![
                (s("f"), true),
                (s("f.<locals>.g"), false),
                (s("y"), true),
                (s("C"), true),
                (s("C.m"), false),
                (s("C.attr"), true),
                (s("C"), true),
                (s("w"), true),
                (s("v"), true),
                (s("u"), true),
                (s("t"), true),
            ]
        );
    }

    #[test]
    fn definitions_inside_error_nodes_are_dropped_but_others_kept() {
        let f = facts_of("def ok(): pass\nx = (1,\ny = 2\nclass K: pass\n");
        let names: Vec<_> = f.definitions.iter().map(|d| d.name.as_str()).collect();
        assert!(names.contains(&"ok"), "{names:?}");
        assert!(names.contains(&"K"), "{names:?}");
    }

    #[test]
    fn snapshot_definitions() {
        let src = "\
import functools

TIMEOUT: float = 2.5
a, (b, *c) = 1, (2, 3)
COUNT = LIMIT = 0
COUNT += 1

@functools.cache
def cached(x):
    def helper():
        pass
    return helper

class Base:
    flag: bool
    name = \"base\"

    @staticmethod
    async def run() -> None:
        ...

    class Inner:
        depth = 1

if DEBUG:
    def debug(): ...
";
        insta::assert_yaml_snapshot!(render(&facts_of(src).definitions));
    }
}
