//! Syntax errors that tree-sitter-python accepts without an ERROR/MISSING node. Ruff reports
//! no semantic diagnostics for a file with a syntax error, so these files must be recognized.

use tree_sitter::Tree;

use super::arena::{Arena, Kinds, Node, kinds};

/// True when the tree contains invalid Python 3 that tree-sitter parsed without error nodes:
/// Python 2 statements (`print x`, `exec code`), tuple parameters, empty blocks, bare indented
/// blocks ("unexpected indentation"), statements dedented to a column matching no enclosing
/// block, and `try` without `except`/`finally`.
pub fn has_lenient_syntax_error(text: &str, tree: &Tree) -> bool {
    has_lenient_syntax_error_in(text, &Arena::build(tree, text))
}

/// [`has_lenient_syntax_error`] over an arena of the tree.
pub fn has_lenient_syntax_error_in(text: &str, arena: &Arena) -> bool {
    let k = kinds();
    arena.iter().any(|n| is_invalid(text, k, n))
}

fn statements(n: Node) -> impl Iterator<Item = Node> + Clone {
    let comment = kinds().comment;
    n.named_children()
        .filter(move |k| k.kind_id() != comment && !k.is_error())
}

/// Does only whitespace precede the node on its line?
fn starts_line(text: &str, n: Node) -> bool {
    let start = n.start_byte();
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    text[line_start..start]
        .chars()
        .all(|c| c == ' ' || c == '\t' || c == '\x0c')
}

/// tree-sitter's column: bytes since the last `\n`.
fn column(text: &str, n: Node) -> usize {
    let start = n.start_byte();
    start - text[..start].rfind('\n').map_or(0, |i| i + 1)
}

fn is_invalid(text: &str, k: &Kinds, n: Node) -> bool {
    let kind = n.kind_id();
    if kind == k.print_statement || kind == k.exec_statement {
        true
    } else if kind == k.tuple_pattern {
        n.parent().is_some_and(|p| {
            let pk = p.kind_id();
            pk == k.parameters || pk == k.lambda_parameters || pk == k.default_parameter
        })
    } else if kind == k.try_statement {
        !n.named_children().any(|c| {
            let ck = c.kind_id();
            ck == k.except_clause || ck == k.finally_clause
        })
    } else if kind == k.block || kind == k.module {
        let stmts = statements(n);
        if kind == k.block {
            if stmts.clone().next().is_none() {
                return true;
            }
            if n.parent().is_some_and(|p| {
                let pk = p.kind_id();
                pk == k.block || pk == k.module
            }) {
                return true;
            }
        }
        let Some(first) = stmts.clone().next() else {
            return false;
        };
        if kind == k.module && starts_line(text, first) && column(text, first) != 0 {
            return true;
        }
        if !starts_line(text, first) {
            return false;
        }
        let col = column(text, first);
        stmts
            .into_iter()
            .any(|s| starts_line(text, s) && column(text, s) != col)
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn invalid(src: &str) -> bool {
        let tree = crate::syntax::parse_python(src, Duration::from_secs(5)).unwrap();
        tree.root_node().has_error() || has_lenient_syntax_error(src, &tree)
    }

    #[test]
    fn recognizes_lenient_errors() {
        assert!(!invalid("if x:\n    a = 1\n    b = 2\nelse:\n    pass\n"));
        assert!(!invalid("if x: a = 1; b = 2\n"));
        assert!(!invalid(
            "class C:\n    '''doc'''\n\n    # comment\n    x = 1\n"
        ));
        assert!(invalid("print 'x'\n"));
        assert!(invalid("def f():\n"));
        assert!(invalid("x = 1\n    y = 2\n"));
        assert!(invalid("if x:\n        a = 1\n    b = 2\n"));
        assert!(invalid("try:\n    pass\nx = 1\n"));
        assert!(invalid("def f(a, (b, c)): pass\n"));
    }
}
