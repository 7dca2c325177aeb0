//! Import facts: one [`ImportFact`] per imported name of `import`, `from … import` and
//! `from __future__ import` statements.

use tree_sitter::Node;

use super::walk::{Ctx, Walker};
use super::{ImportFact, ImportForm};

/// Records every name imported by an import statement (any of the three kinds).
pub(super) fn on_import<'t>(w: &mut Walker<'t>, node: Node<'t>, ctx: &Ctx) {
    let k = w.k;
    let f = w.f;
    let kind = node.kind_id();
    let (form, module, level) = if kind == k.import_statement {
        (ImportForm::Import, String::new(), 0)
    } else if kind == k.future_import_statement {
        (ImportForm::From, "__future__".to_string(), 0)
    } else {
        let Some(m) = node.child_by_field_id(f.module_name) else {
            return;
        };
        if m.has_error() {
            return;
        }
        if m.kind_id() == k.relative_import {
            let mut level = 0;
            let mut module = String::new();
            for i in 0..m.child_count() {
                let Some(c) = m.child(i) else { continue };
                if c.kind_id() == k.import_prefix {
                    level = w.text(c).bytes().filter(|&b| b == b'.').count() as u32;
                } else if c.kind_id() == k.dotted_name {
                    module = dotted(w, c);
                }
            }
            (ImportForm::From, module, level)
        } else {
            (ImportForm::From, dotted(w, m), 0)
        }
    };
    let stmt_span = w.span(node);
    let scope = w.scope_kind(ctx);
    let mut cursor = node.walk();
    if !cursor.goto_first_child() {
        return;
    }
    loop {
        let child = cursor.node();
        let is_name = cursor.field_id().map_or(0, |f| f.get()) == f.name;
        let entry = if child.has_error() || child.is_missing() {
            None
        } else if child.kind_id() == k.wildcard_import {
            Some(("*".to_string(), None, true))
        } else if is_name && child.kind_id() == k.dotted_name {
            Some((dotted(w, child), None, false))
        } else if is_name && child.kind_id() == k.aliased_import {
            let name = child.child_by_field_id(f.name).map(|n| dotted(w, n));
            let alias = child
                .child_by_field_id(f.alias)
                .map(|a| w.text(a).to_string());
            name.map(|n| (n, alias, false))
        } else {
            None
        };
        if let Some((name, alias, is_star)) = entry {
            w.facts.imports.push(ImportFact {
                form,
                // `import a.b`: the module as written is the imported name itself.
                module: if form == ImportForm::Import {
                    name.clone()
                } else {
                    module.clone()
                },
                level,
                name,
                alias,
                is_star,
                name_span: w.span(child),
                stmt_span,
                scope,
                type_checking: ctx.type_checking,
                guarded: ctx.guarded,
                conditional: ctx.import_conditional,
                main_only: ctx.main_only,
            });
        }
        if !cursor.goto_next_sibling() {
            break;
        }
    }
}

/// A dotted name normalised to `a.b.c` (the source may hold spaces, comments or line
/// continuations between the parts).
fn dotted<'t>(w: &Walker<'t>, node: Node<'t>) -> String {
    let text = w.text(node);
    if text
        .bytes()
        .all(|b| b == b'.' || b == b'_' || b.is_ascii_alphanumeric() || b >= 0x80)
    {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for i in 0..node.named_child_count() as u32 {
        let Some(part) = node.named_child(i) else {
            continue;
        };
        if part.kind_id() == w.k.identifier {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(w.text(part));
        }
    }
    out
}

/// Whether a `try` statement has a handler for `ImportError` or `ModuleNotFoundError`
/// (alone, in a tuple, parenthesised, with `as`, or qualified such as `builtins.ImportError`).
pub(super) fn catches_import_error<'t>(w: &Walker<'t>, try_stmt: Node<'t>) -> bool {
    let k = w.k;
    let f = w.f;
    let mut pending: Vec<Node<'t>> = Vec::new();
    let mut cursor = try_stmt.walk();
    if !cursor.goto_first_child() {
        return false;
    }
    loop {
        let clause = cursor.node();
        if clause.kind_id() == k.except_clause {
            let mut c = clause.walk();
            if c.goto_first_child() {
                loop {
                    if c.field_id().map_or(0, |f| f.get()) == f.value {
                        pending.push(c.node());
                    }
                    if !c.goto_next_sibling() {
                        break;
                    }
                }
            }
        }
        if !cursor.goto_next_sibling() {
            break;
        }
    }
    while let Some(n) = pending.pop() {
        let kind = n.kind_id();
        if kind == k.identifier {
            if matches!(w.text(n), "ImportError" | "ModuleNotFoundError") {
                return true;
            }
        } else if kind == k.attribute {
            pending.extend(n.child_by_field_id(f.attribute));
        } else if kind == k.as_pattern {
            // `except X as e`: only the first child is the caught expression.
            pending.extend(n.named_child(0));
        } else if kind == k.tuple || kind == k.parenthesized_expression {
            let mut c = n.walk();
            pending.extend(n.named_children(&mut c));
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::facts::tests::{facts_of, render};
    use crate::facts::{ImportForm, ScopeKind};

    /// (module, level, name, alias, star) of each import.
    fn names(src: &str) -> Vec<(String, u32, String, Option<String>, bool)> {
        facts_of(src)
            .imports
            .into_iter()
            .map(|i| (i.module, i.level, i.name, i.alias, i.is_star))
            .collect()
    }

    fn flags(src: &str) -> Vec<(String, ScopeKind, bool, bool, bool)> {
        facts_of(src)
            .imports
            .into_iter()
            .map(|i| (i.name, i.scope, i.type_checking, i.guarded, i.conditional))
            .collect()
    }

    fn s(x: &str) -> String {
        x.to_string()
    }

    #[test]
    fn plain_import_with_alias_and_dotted_names() {
        assert_eq!(
            names("import a.b as c, d\n"),
            vec![
                (s("a.b"), 0, s("a.b"), Some(s("c")), false),
                (s("d"), 0, s("d"), None, false),
            ]
        );
        let f = facts_of("import a.b as c, d\n");
        assert_eq!(f.imports[0].form, ImportForm::Import);
        assert_eq!(f.imports[0].name_span.col, 8);
        assert_eq!(f.imports[0].name_span.end_col, 16);
        assert_eq!(f.imports[1].stmt_span.col, 1);
        assert_eq!(f.imports[1].stmt_span.end_col, 19);
    }

    #[test]
    fn dotted_names_are_normalised() {
        assert_eq!(
            names("import a . b\nfrom x .y import (z)\n"),
            vec![
                (s("a.b"), 0, s("a.b"), None, false),
                (s("x.y"), 0, s("z"), None, false)
            ]
        );
    }

    #[test]
    fn relative_imports_of_every_depth() {
        let src = "from . import a\nfrom .. import b\nfrom ...m import c\nfrom .... import d\n\
                   from .....p.q import e\nfrom . m import f\n";
        assert_eq!(
            names(src),
            vec![
                (s(""), 1, s("a"), None, false),
                (s(""), 2, s("b"), None, false),
                (s("m"), 3, s("c"), None, false),
                (s(""), 4, s("d"), None, false),
                (s("p.q"), 5, s("e"), None, false),
                (s("m"), 1, s("f"), None, false),
            ]
        );
    }

    #[test]
    fn parenthesised_lists_and_stars() {
        assert_eq!(
            names("from ..a import (b, c as d,)\nfrom m import *\nfrom . import *\n"),
            vec![
                (s("a"), 2, s("b"), None, false),
                (s("a"), 2, s("c"), Some(s("d")), false),
                (s("m"), 0, s("*"), None, true),
                (s(""), 1, s("*"), None, true),
            ]
        );
    }

    #[test]
    fn future_imports_are_recorded() {
        let f = facts_of("from __future__ import annotations, division as d\n");
        assert_eq!(f.imports.len(), 2);
        assert_eq!(f.imports[0].module, "__future__");
        assert_eq!(f.imports[0].form, ImportForm::From);
        assert_eq!(f.imports[0].name, "annotations");
        assert_eq!(f.imports[1].alias.as_deref(), Some("d"));
        let f = facts_of("from __future__ import (annotations)\n");
        assert_eq!(f.imports[0].name, "annotations");
    }

    #[test]
    fn type_checking_blocks() {
        let src = "\
import typing
if TYPE_CHECKING:
    import a
if typing.TYPE_CHECKING:
    import b
    if x:
        import c
else:
    import d
if not TYPE_CHECKING:
    import e
else:
    import f
if sys.version_info >= (3, 11):
    import g
elif TYPE_CHECKING:
    import h
if not TYPE_CHECKING:
    pass
elif x:
    import i
";
        assert_eq!(
            flags(src),
            vec![
                (s("typing"), ScopeKind::Module, false, false, false),
                (s("a"), ScopeKind::Module, true, false, false),
                (s("b"), ScopeKind::Module, true, false, false),
                (s("c"), ScopeKind::Module, true, false, true),
                (s("d"), ScopeKind::Module, false, false, true),
                (s("e"), ScopeKind::Module, false, false, true),
                (s("f"), ScopeKind::Module, true, false, false),
                (s("g"), ScopeKind::Module, false, false, true),
                (s("h"), ScopeKind::Module, true, false, true),
                (s("i"), ScopeKind::Module, true, false, true),
            ]
        );
    }

    #[test]
    fn import_error_guards() {
        let src = "\
try:
    import a
except ImportError:
    import b
try:
    import c
except (ValueError, ModuleNotFoundError) as e:
    pass
else:
    import d
finally:
    import e
try:
    import f
except Exception:
    import g
try:
    import h
except:
    pass
try:
    import i
except builtins.ImportError:
    pass
try:
    import j
except* (ImportError):
    pass
";
        assert_eq!(
            flags(src),
            vec![
                (s("a"), ScopeKind::Module, false, true, false),
                (s("b"), ScopeKind::Module, false, false, true),
                (s("c"), ScopeKind::Module, false, true, false),
                (s("d"), ScopeKind::Module, false, false, true),
                (s("e"), ScopeKind::Module, false, false, true),
                (s("f"), ScopeKind::Module, false, false, true),
                (s("g"), ScopeKind::Module, false, false, true),
                (s("h"), ScopeKind::Module, false, false, true),
                (s("i"), ScopeKind::Module, false, true, false),
                (s("j"), ScopeKind::Module, false, true, false),
            ]
        );
    }

    #[test]
    fn scopes_and_conditionals() {
        let src = "\
for x in y:
    import a
while z:
    import b
with open(p) as fh:
    import c
match v:
    case 1:
        import d
class C:
    import e
    def m(self):
        import f
        if g:
            import h
def outer():
    try:
        def inner():
            import i
    except ImportError:
        pass
if cond:
    class D:
        import j
";
        assert_eq!(
            flags(src),
            vec![
                (s("a"), ScopeKind::Module, false, false, true),
                (s("b"), ScopeKind::Module, false, false, true),
                (s("c"), ScopeKind::Module, false, false, true),
                (s("d"), ScopeKind::Module, false, false, true),
                (s("e"), ScopeKind::Class, false, false, false),
                (s("f"), ScopeKind::Function, false, false, false),
                (s("h"), ScopeKind::Function, false, false, true),
                // a function body runs later: the enclosing try does not guard it
                (s("i"), ScopeKind::Function, false, false, false),
                // a class body runs inline: the enclosing `if` still applies
                (s("j"), ScopeKind::Class, false, false, true),
            ]
        );
    }

    #[test]
    fn imports_under_a_main_guard_run_only_as_a_script() {
        let src = "\
import a
if __name__ == \"__main__\":
    import b
    if x:
        from c import d
else:
    import e
if '__main__' == __name__:
    import f
if __name__ != \"__main__\":
    import g
if not __name__ == \"__main__\":
    import h
if __name__ == \"__mp_main__\":
    import i
";
        let main: Vec<(String, bool)> = facts_of(src)
            .imports
            .into_iter()
            .map(|i| (i.name, i.main_only))
            .collect();
        assert_eq!(
            main,
            vec![
                (s("a"), false),
                (s("b"), true),
                (s("d"), true),
                (s("e"), false),
                (s("f"), true),
                (s("g"), false),
                (s("h"), false),
                (s("i"), false),
            ]
        );
    }

    #[test]
    fn type_checking_survives_function_scopes() {
        let src = "if TYPE_CHECKING:\n    def f():\n        import a\n";
        assert_eq!(
            flags(src),
            vec![(s("a"), ScopeKind::Function, true, false, false)]
        );
    }

    #[test]
    fn imports_inside_error_nodes_are_dropped() {
        let f = facts_of("import a\nx = (1,\nfrom b import c\nimport d\n");
        let names: Vec<_> = f.imports.iter().map(|i| i.name.as_str()).collect();
        assert!(names.contains(&"a"), "{names:?}");
        assert!(names.contains(&"d"), "{names:?}");
        assert!(!f.syntax_errors.is_empty());
    }

    #[test]
    fn snapshot_every_import_form() {
        let src = "\
from __future__ import annotations
import os, os.path as osp
from . import sibling
from ..pkg.sub import (one, two as deux,)
from ... import *
if TYPE_CHECKING:
    from typing import Any
try:
    import ujson as json
except (ImportError, AttributeError):
    import json
def f():
    import inner
class K:
    from m import attr
g = lambda: 0
";
        insta::assert_yaml_snapshot!(render(&facts_of(src).imports));
    }
}
