//! Prints the tree-sitter syntax tree of a Python file (debugging aid).
use std::time::Duration;

fn main() {
    let path = std::env::args().nth(1).expect("usage: ts_dump FILE");
    let text = std::fs::read_to_string(path).expect("readable UTF-8 file");
    let tree = codefacts::syntax::parse_python(&text, Duration::from_secs(10)).expect("parse");
    let mut cursor = tree.walk();
    let mut depth = 0usize;
    loop {
        let node = cursor.node();
        let field = cursor
            .field_name()
            .map(|f| format!("{f}: "))
            .unwrap_or_default();
        let snippet: String = if node.child_count() == 0 {
            format!(" {:?}", &text[node.byte_range()])
        } else {
            String::new()
        };
        if node.is_named() || node.is_missing() {
            let pos = if node.is_error() || node.is_missing() {
                format!(
                    " @{}:{}",
                    node.start_position().row + 1,
                    node.start_position().column + 1
                )
            } else {
                String::new()
            };
            println!(
                "{}{}{}{}{}",
                "  ".repeat(depth),
                field,
                node.kind(),
                snippet,
                pos
            );
        }
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
            depth -= 1;
        }
    }
}
