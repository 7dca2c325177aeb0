//! Syntax-error facts: tree-sitter ERROR nodes (text the parser could not fit) and MISSING
//! nodes (tokens it had to invent). The walker only looks for them under nodes whose
//! `has_error()` is set, and does not descend into ERROR nodes.

use tree_sitter::Node;

use super::walk::Walker;
use super::{SyntaxErrorFact, SyntaxErrorKind};

/// Characters of an ERROR node's text kept in the fact.
const MAX_CHARS: usize = 80;

pub(super) fn unexpected<'t>(w: &mut Walker<'t>, node: Node<'t>) {
    let text = excerpt(w.text(node));
    w.facts.syntax_errors.push(SyntaxErrorFact {
        kind: SyntaxErrorKind::Unexpected,
        span: w.span(node),
        text,
    });
}

pub(super) fn missing<'t>(w: &mut Walker<'t>, node: Node<'t>) {
    w.facts.syntax_errors.push(SyntaxErrorFact {
        kind: SyntaxErrorKind::Missing,
        span: w.span(node),
        text: node.kind().to_string(),
    });
}

/// The first [`MAX_CHARS`] characters, on one line: `\n`, `\r` and `\\` are escaped.
fn excerpt(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_CHARS + 8));
    for c in text.chars().take(MAX_CHARS) {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::excerpt;
    use crate::facts::SyntaxErrorKind;
    use crate::facts::tests::{facts_of, render};

    #[test]
    fn excerpt_is_one_line_and_bounded() {
        assert_eq!(excerpt("a\nb\r\nc\\"), "a\\nb\\r\\nc\\\\");
        let long = "é".repeat(200);
        assert_eq!(excerpt(&long).chars().count(), 80);
    }

    #[test]
    fn clean_file_has_no_errors() {
        assert!(
            facts_of("def f(x):\n    return x\n")
                .syntax_errors
                .is_empty()
        );
    }

    #[test]
    fn missing_token_is_reported_with_its_kind() {
        let f = facts_of("def f(:\n    return 1\n");
        let missing: Vec<_> = f
            .syntax_errors
            .iter()
            .filter(|e| e.kind == SyntaxErrorKind::Missing)
            .collect();
        assert_eq!(missing.len(), 1, "{:#?}", f.syntax_errors);
        assert_eq!(missing[0].text, ")");
        assert_eq!(missing[0].span.start_byte, missing[0].span.end_byte);
        // The function itself is still a definition.
        assert_eq!(f.definitions[0].name, "f");
    }

    #[test]
    fn facts_outside_the_error_region_survive() {
        let src = "\
import before
__all__ = ['before']
x = = 1
def broken(:
    pass
class C:
    y = [1, 2 3]
import after
def after_fn():
    return 1
return 2
";
        let f = facts_of(src);
        assert!(!f.syntax_errors.is_empty());
        let imports: Vec<_> = f.imports.iter().map(|i| i.name.as_str()).collect();
        assert!(imports.contains(&"before"), "{imports:?}");
        assert!(imports.contains(&"after"), "{imports:?}");
        let defs: Vec<_> = f.definitions.iter().map(|d| d.name.as_str()).collect();
        for name in ["broken", "C", "after_fn"] {
            assert!(defs.contains(&name), "{defs:?}");
        }
        assert_eq!(f.all_entries.len(), 1);
        assert_eq!(f.outside_returns.len(), 1);
        assert_eq!(f.outside_returns[0].span.line, 11);
    }

    #[test]
    fn snapshot_errors() {
        let src = "import ok\nx = = 1\nprint(\"unterminated\nclass C:\n    y = [1, 2\n";
        let f = facts_of(src);
        insta::assert_yaml_snapshot!(render(&f));
    }
}
