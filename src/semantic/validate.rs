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

/// Whether the tree holds an ERROR or MISSING node. tree-sitter may flag the root alone, with
/// no such node anywhere (`1syntax_error` after a class body): then the place comes from
/// [`first_lenient_syntax_error_in`].
pub fn has_error_node(tree: &Tree) -> bool {
    let mut c = tree.walk();
    loop {
        let n = c.node();
        if n.is_error() || n.is_missing() {
            return true;
        }
        if n.has_error() && c.goto_first_child() {
            continue;
        }
        while !c.goto_next_sibling() {
            if !c.goto_parent() {
                return false;
            }
        }
    }
}

/// [`has_lenient_syntax_error`] over an arena of the tree.
pub fn has_lenient_syntax_error_in(text: &str, arena: &Arena) -> bool {
    first_lenient_syntax_error_in(text, arena).is_some()
}

/// The first invalid construct tree-sitter accepted: its byte offset and Ruff's message for it.
/// Where Ruff's parser places the error elsewhere (after `print`, at the statement after a
/// `try`), the offset is the construct's start.
pub fn first_lenient_syntax_error_in(text: &str, arena: &Arena) -> Option<(usize, &'static str)> {
    let k = kinds();
    arena.iter().find_map(|n| is_invalid(text, k, n))
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

/// The indentation (bytes of leading blanks) of the line holding the byte before `end`.
fn indentation_of_line_at(text: &str, end: usize) -> usize {
    let at = end.saturating_sub(1);
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[start..]
        .bytes()
        .take_while(|b| *b == b' ' || *b == b'\t' || *b == b'\x0c')
        .count()
}

/// tree-sitter's column: bytes since the last `\n`.
fn column(text: &str, n: Node) -> usize {
    let start = n.start_byte();
    start - text[..start].rfind('\n').map_or(0, |i| i + 1)
}

fn is_invalid(text: &str, k: &Kinds, n: Node) -> Option<(usize, &'static str)> {
    let kind = n.kind_id();
    let at = |m: Node, msg: &'static str| Some((m.start_byte(), msg));
    // Ruff places indentation errors at the start of the line.
    let at_line = |m: Node, msg: &'static str| {
        let start = m.start_byte();
        Some((text[..start].rfind('\n').map_or(0, |i| i + 1), msg))
    };
    if kind == k.integer {
        // Python 2 literals tree-sitter accepts: `0377` (octal), `10L` (long).
        let t = text[n.byte_range()].as_bytes();
        let old_octal = t.len() > 1
            && t[0] == b'0'
            && t.iter().all(u8::is_ascii_digit)
            && t.iter().any(|b| *b != b'0');
        if old_octal {
            return at(n, "Invalid decimal integer literal");
        }
        if t.len() > 1 && matches!(t[t.len() - 1], b'l' | b'L') && t[0].is_ascii_digit() {
            return Some((
                n.end_byte() - 1,
                "Simple statements must be separated by newlines or semicolons",
            ));
        }
        None
    } else if kind == k.print_statement && n.named_child(0).is_some_and(|c| c.kind() == "chevron") {
        // `print >> f, x` is a valid Python 3 expression (a tuple of a shift and `x`).
        None
    } else if kind == k.print_statement || kind == k.exec_statement {
        // Ruff's parser reads `print` as a name and stops at what follows it.
        at(
            n.named_child(0).unwrap_or(n),
            "Simple statements must be separated by newlines or semicolons",
        )
    } else if kind == k.tuple_pattern {
        n.parent()
            .is_some_and(|p| {
                let pk = p.kind_id();
                pk == k.parameters || pk == k.lambda_parameters || pk == k.default_parameter
            })
            .then_some((n.start_byte(), "Expected `)`, found `(`"))
    } else if kind == k.try_statement {
        (!n.named_children().any(|c| {
            let ck = c.kind_id();
            ck == k.except_clause || ck == k.finally_clause
        }))
        .then(|| {
            // Ruff places it where the next statement starts.
            let rest = &text[n.end_byte()..];
            let skip = rest.len() - rest.trim_start().len();
            (
                n.end_byte() + skip,
                "Expected `except` or `finally` after `try` block",
            )
        })
    } else if kind == k.block || kind == k.module {
        let stmts = statements(n);
        if kind == k.block {
            if stmts.clone().next().is_none() {
                return at(n, "Expected an indented block");
            }
            if n.parent().is_some_and(|p| {
                let pk = p.kind_id();
                pk == k.block || pk == k.module
            }) {
                return at_line(n, "Unexpected indentation");
            }
        }
        let first = stmts.clone().next()?;
        // Two statements on one line with no `;` between them (`1syntax_error`, which
        // tree-sitter reads as `1` and `syntax_error`).
        let mut pairs = stmts.clone().zip(stmts.clone().skip(1));
        if let Some((_, second)) = pairs.find(|(a, b)| {
            let between = &text[a.end_byte().min(b.start_byte())..b.start_byte()];
            !between.contains([';', '\n', '\r'])
        }) {
            return at(
                second,
                "Simple statements must be separated by newlines or semicolons",
            );
        }
        if kind == k.module && starts_line(text, first) && column(text, first) != 0 {
            return at_line(first, "Unexpected indentation");
        }
        if !starts_line(text, first) {
            return None;
        }
        let col = column(text, first);
        let mut prev: Option<Node> = None;
        for s in stmts {
            if starts_line(text, s) && column(text, s) != col {
                let c = column(text, s);
                // Deeper than the block, but shallower than the line before it: a dedent to a
                // column no enclosing block has.
                let dedent =
                    c < col || prev.is_some_and(|p| indentation_of_line_at(text, p.end_byte()) > c);
                return if dedent {
                    at_line(s, "unindent does not match any outer indentation level")
                } else {
                    at_line(s, "Unexpected indentation")
                };
            }
            prev = Some(s);
        }
        None
    } else {
        None
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
        assert!(!invalid("print >> sys.stderr, 'message'\n"));
        assert!(invalid("x = 0377\n"));
        assert!(invalid("x = 10L\n"));
        assert!(invalid("class A:\n    pass\n\n\n1syntax_error  # NOQA\n"));
        assert!(!invalid("a = 1; b = 2\nif x: pass\n"));
        assert!(!invalid("x = 00 + 0 + 0x1F + 0o17 + 1_000 + 10j\n"));
        assert!(invalid("def f():\n"));
        assert!(invalid("x = 1\n    y = 2\n"));
        assert!(invalid("if x:\n        a = 1\n    b = 2\n"));
        assert!(invalid("try:\n    pass\nx = 1\n"));
        assert!(invalid("def f(a, (b, c)): pass\n"));
    }

    #[test]
    fn lenient_errors_have_a_place_and_ruffs_message() {
        fn first(src: &str) -> (&str, &'static str) {
            let tree = crate::syntax::parse_python(src, Duration::from_secs(5)).unwrap();
            let (at, msg) =
                first_lenient_syntax_error_in(src, &Arena::build(&tree, src)).expect("an error");
            (&src[at..], msg)
        }
        assert_eq!(
            first("x = 1\n    y = 2\n"),
            ("    y = 2\n", "Unexpected indentation")
        );
        assert_eq!(
            first("print 'x'\n").1,
            "Simple statements must be separated by newlines or semicolons"
        );
        assert_eq!(
            first("def f(a, (b, c)): pass\n"),
            ("(b, c)): pass\n", "Expected `)`, found `(`")
        );
        assert_eq!(
            first("try:\n    pass\nx = 1\n").1,
            "Expected `except` or `finally` after `try` block"
        );
    }
}
