//! `__all__` facts: the string entries of module-level `__all__` assignments and mutations.

use tree_sitter::Node;

use super::walk::Walker;
use super::{AllEntry, AllForm};

/// Looks at one module-level expression statement for the `__all__` forms:
/// `__all__ = [...]` / `(...)` / `[...] + [...]`, `__all__: list[str] = [...]`,
/// `__all__ += [...]`, `__all__.append("x")` and `__all__.extend([...])`.
pub(super) fn on_statement<'t>(w: &mut Walker<'t>, stmt: Node<'t>) {
    let (k, f) = (w.k, w.f);
    let Some(expr) = stmt.named_child(0) else {
        return;
    };
    let kind = expr.kind_id();
    let is_all = |n: Option<Node<'t>>| {
        n.is_some_and(|n| n.kind_id() == k.identifier && w.text(n) == "__all__")
    };
    if kind == k.assignment {
        if is_all(expr.child_by_field_id(f.left))
            && let Some(value) = expr.child_by_field_id(f.right)
        {
            collect(w, value, AllForm::Assign);
        }
    } else if kind == k.augmented_assignment {
        let plus = expr
            .child_by_field_id(f.operator)
            .is_some_and(|o| o.kind_id() == k.plus_eq);
        if plus
            && is_all(expr.child_by_field_id(f.left))
            && let Some(value) = expr.child_by_field_id(f.right)
        {
            collect(w, value, AllForm::AugAssign);
        }
    } else if kind == k.call {
        let Some(func) = expr.child_by_field_id(f.function) else {
            return;
        };
        if func.kind_id() != k.attribute || !is_all(func.child_by_field_id(f.object)) {
            return;
        }
        let form = match func.child_by_field_id(f.attribute).map(|a| w.text(a)) {
            Some("append") => AllForm::Append,
            Some("extend") => AllForm::Extend,
            _ => return,
        };
        let Some(args) = expr.child_by_field_id(f.arguments) else {
            return;
        };
        if args.kind_id() != k.argument_list {
            return;
        }
        let mut c = args.walk();
        let first = args
            .named_children(&mut c)
            .find(|a| a.kind_id() != k.comment);
        if let Some(first) = first {
            collect(w, first, form);
        }
    }
}

/// Gathers the string literals of a literal list/tuple, a `+` concatenation of those, or a
/// lone string (for `append`). Other operands (names, calls) are skipped. Iterative.
fn collect<'t>(w: &mut Walker<'t>, value: Node<'t>, form: AllForm) {
    let k = w.k;
    let mut pending = vec![value];
    let mut cursor = value.walk();
    while let Some(n) = pending.pop() {
        if n.is_error() || n.is_missing() {
            continue;
        }
        let kind = n.kind_id();
        if kind == k.string {
            if let Some(lit) = w.literal(n).ok().filter(|l| !l.bytes) {
                w.facts.all_entries.push(AllEntry {
                    name: lit.content.to_string(),
                    form,
                    span: w.span(n),
                });
            }
        } else if kind == k.list
            || kind == k.tuple
            || kind == k.expression_list
            || kind == k.parenthesized_expression
        {
            let start = pending.len();
            pending.extend(n.named_children(&mut cursor));
            pending[start..].reverse();
        } else if kind == k.binary_operator {
            let plus = n
                .child_by_field_id(w.f.operator)
                .is_some_and(|o| o.kind_id() == k.plus_op);
            if plus {
                pending.extend(n.child_by_field_id(w.f.right));
                pending.extend(n.child_by_field_id(w.f.left));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::facts::AllForm;
    use crate::facts::tests::{facts_of, render};

    fn entries(src: &str) -> Vec<(String, AllForm)> {
        facts_of(src)
            .all_entries
            .into_iter()
            .map(|e| (e.name, e.form))
            .collect()
    }

    fn s(x: &str) -> String {
        x.to_string()
    }

    #[test]
    fn every_form() {
        use AllForm::*;
        let src = "\
__all__ = ['a', \"b\"]
__all__ = ('c',)
__all__: list[str] = ['d']
__all__ += ['e']
__all__ += ('f', 'g')
__all__.append('h')
__all__.extend(['i', 'j'])
__all__.extend(('k',))
__all__ = ['l'] + ['m'] + ('n',)
__all__ = other.__all__ + ['o']
__all__ = 'p', 'q'
__all__ += 'r',
";
        assert_eq!(
            entries(src),
            vec![
                (s("a"), Assign),
                (s("b"), Assign),
                (s("c"), Assign),
                (s("d"), Assign),
                (s("e"), AugAssign),
                (s("f"), AugAssign),
                (s("g"), AugAssign),
                (s("h"), Append),
                (s("i"), Extend),
                (s("j"), Extend),
                (s("k"), Extend),
                (s("l"), Assign),
                (s("m"), Assign),
                (s("n"), Assign),
                (s("o"), Assign),
                (s("p"), Assign),
                (s("q"), Assign),
                (s("r"), AugAssign),
            ]
        );
    }

    #[test]
    fn only_module_level_and_only_literals() {
        let src = "\
def f():
    __all__ = ['no']
class C:
    __all__ = ['no']
__all__ = [name, f'x{y}', b'bytes', 'yes']
__all__.remove('no')
__all__ -= ['no']
__all = ['no']
if sys.platform == 'win32':
    __all__.append('conditional')
";
        assert_eq!(
            entries(src),
            vec![
                (s("yes"), AllForm::Assign),
                (s("conditional"), AllForm::Append)
            ]
        );
    }

    #[test]
    fn entry_span_covers_the_quoted_string() {
        let f = facts_of("__all__ = [\"é\", 'x']\n");
        let e = &f.all_entries[1];
        assert_eq!(e.name, "x");
        assert_eq!((e.span.col, e.span.end_col), (17, 20));
        assert_eq!(f.all_entries[0].name, "é");
    }

    #[test]
    fn snapshot_all_forms() {
        let src = "\
__all__ = [
    'alpha',  # comment
    \"beta\",
]
__all__ += ('gamma',)
__all__.append('delta')
__all__.extend(['epsilon'] + ['zeta'])
";
        insta::assert_yaml_snapshot!(render(&facts_of(src).all_entries));
    }
}
