//! Syntax errors that tree-sitter-python accepts without an ERROR/MISSING node. Ruff reports
//! no semantic diagnostics for a file with a syntax error, so these files must be recognized.

use tree_sitter::{Node, Tree};

/// True when the tree contains invalid Python 3 that tree-sitter parsed without error nodes:
/// Python 2 statements (`print x`, `exec code`), tuple parameters, empty blocks, bare indented
/// blocks ("unexpected indentation"), statements dedented to a column matching no enclosing
/// block, and `try` without `except`/`finally`.
pub fn has_lenient_syntax_error(text: &str, tree: &Tree) -> bool {
    let mut cursor = tree.walk();
    'walk: loop {
        let node = cursor.node();
        if is_invalid(text, node) {
            return true;
        }
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                continue 'walk;
            }
            if !cursor.goto_parent() {
                return false;
            }
        }
    }
}

fn statements(n: Node) -> Vec<Node> {
    let mut c = n.walk();
    n.named_children(&mut c)
        .filter(|k| k.kind() != "comment" && !k.is_error())
        .collect()
}

/// Does only whitespace precede the node on its line?
fn starts_line(text: &str, n: Node) -> bool {
    let start = n.start_byte();
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    text[line_start..start]
        .chars()
        .all(|c| c == ' ' || c == '\t' || c == '\x0c')
}

fn is_invalid(text: &str, n: Node) -> bool {
    match n.kind() {
        "print_statement" | "exec_statement" => true,
        "tuple_pattern" => n.parent().is_some_and(|p| {
            matches!(
                p.kind(),
                "parameters" | "lambda_parameters" | "default_parameter"
            )
        }),
        "try_statement" => {
            let mut c = n.walk();
            !n.named_children(&mut c).any(|k| {
                matches!(
                    k.kind(),
                    "except_clause" | "except_group_clause" | "finally_clause"
                )
            })
        }
        "block" | "module" => {
            let stmts = statements(n);
            if n.kind() == "block" {
                if stmts.is_empty() {
                    return true;
                }
                if n.parent()
                    .is_some_and(|p| matches!(p.kind(), "block" | "module"))
                {
                    return true;
                }
            }
            let Some(first) = stmts.first() else {
                return false;
            };
            if n.kind() == "module"
                && starts_line(text, *first)
                && first.start_position().column != 0
            {
                return true;
            }
            if !starts_line(text, *first) {
                return false;
            }
            let col = first.start_position().column;
            stmts
                .iter()
                .any(|s| starts_line(text, *s) && s.start_position().column != col)
        }
        _ => false,
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
