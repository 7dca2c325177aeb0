//! Path-like string literals, for drift checks between code and the file tree.
//!
//! A literal qualifies when it is a plain (optionally raw or unicode-prefixed) string, not an
//! f-string or bytes, not a bare expression statement (docstrings), and its content — as
//! written between the quotes — contains `/`, no whitespace, no `://`, has 2 to 255
//! characters and, unless raw, no backslash escapes. Each piece of an implicit concatenation
//! is judged on its own.

use tree_sitter::Node;

use super::PathString;
use super::walk::{Role, Walker};

/// Records the string if it is a path-like literal; returns whether it is an f-string
/// (whose interpolations the walker must still visit).
pub(super) fn on_string<'t>(
    w: &mut Walker<'t>,
    node: Node<'t>,
    parent: Role,
    grandparent: Role,
) -> bool {
    // No `/` in it: not a path. Only whether it is an f-string (or t-string) matters, which
    // its prefix says without reading its children.
    if !w.has_slash(node) {
        return w.text.as_bytes()[node.start_byte().min(w.text.len())..]
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .any(|b| matches!(b, b'f' | b'F' | b't' | b'T'));
    }
    let lit = match w.literal(node) {
        Ok(lit) => lit,
        Err(fstring) => return fstring,
    };
    let bare =
        parent == Role::ExprStmt || (parent == Role::ConcatStr && grandparent == Role::ExprStmt);
    if bare || lit.bytes || !looks_like_path(lit.content, lit.raw) {
        return false;
    }
    w.facts.path_strings.push(PathString {
        value: lit.content.to_string(),
        span: w.span(node),
    });
    false
}

/// The cheap path heuristic on a literal's content.
pub(crate) fn looks_like_path(v: &str, raw: bool) -> bool {
    // Byte length bounds the character count from above: reject early without decoding.
    if v.len() < 2 || !v.contains('/') || v.contains("://") || (!raw && v.contains('\\')) {
        return false;
    }
    let mut chars = 0usize;
    for c in v.chars() {
        if c.is_whitespace() {
            return false;
        }
        chars += 1;
    }
    (2..=255).contains(&chars)
}

#[cfg(test)]
mod tests {
    use super::looks_like_path;
    use crate::facts::tests::{facts_of, render};

    fn values(src: &str) -> Vec<String> {
        facts_of(src)
            .path_strings
            .into_iter()
            .map(|p| p.value)
            .collect()
    }

    #[test]
    fn heuristic() {
        assert!(looks_like_path("candidate/core/x.py", false));
        assert!(looks_like_path("labs/", false));
        assert!(!looks_like_path("/", false));
        assert!(!looks_like_path("no slash", false));
        assert!(!looks_like_path("a /b", false));
        assert!(!looks_like_path("a/\tb", false));
        assert!(!looks_like_path("https://example.com/x", false));
        assert!(!looks_like_path("a\\nb/c", false));
        assert!(looks_like_path("C:\\x/y", true));
        assert!(looks_like_path(&format!("a/{}", "b".repeat(253)), false));
        assert!(!looks_like_path(&format!("a/{}", "b".repeat(254)), false));
        // 255 characters but more bytes
        assert!(looks_like_path(&format!("a/{}", "é".repeat(253)), false));
    }

    #[test]
    fn which_literals_count() {
        let src = "\
'''docstring/with/slash'''
\"bare/expression\"
\"bare\" \"concat/too\"
x = 'candidate/core/x.py'
y = \"labs/\"
z = f'fmt/{x}'
b = b'bytes/path'
r = r'raw/path'
u = U'unicode/path'
url = 'https://host/path'
spaced = 'not a/path'
parts = 'left/' 'right.py'
call('arg/value', key=\"kw/value\")
def f():
    '''function/docstring'''
    return 'returned/path'
";
        assert_eq!(
            values(src),
            vec![
                "candidate/core/x.py",
                "labs/",
                "raw/path",
                "unicode/path",
                "left/",
                "arg/value",
                "kw/value",
                "returned/path",
            ]
        );
    }

    #[test]
    fn strings_inside_fstring_interpolations_count() {
        assert_eq!(
            values("x = f\"{open('data/in.txt')}\"\n"),
            vec!["data/in.txt"]
        );
    }

    #[test]
    fn snapshot_paths() {
        let src = "ROOT = 'src/codefacts'\nDATA = (\"data/é.csv\", 'x')\n";
        insta::assert_yaml_snapshot!(render(&facts_of(src).path_strings));
    }
}
