//! Prints the tree-sitter syntax tree of a Python snippet (argument or stdin).
//! `cargo run --example dump_tree -- 'x = 1'`

use std::io::Read;
use std::time::Duration;

fn main() {
    let text = match std::env::args().nth(1) {
        Some(t) => t,
        None => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).expect("read stdin");
            s
        }
    };
    let tree = codefacts::syntax::parse_python(&text, Duration::from_secs(10)).expect("parse");
    let mut cursor = tree.walk();
    let mut depth = 0usize;
    loop {
        let node = cursor.node();
        let field = cursor
            .field_name()
            .map(|f| format!("{f}: "))
            .unwrap_or_default();
        let missing = if node.is_missing() { " MISSING" } else { "" };
        let leaf = if node.child_count() == 0 {
            format!(" {:?}", &text[node.byte_range()])
        } else {
            String::new()
        };
        println!(
            "{}{}{}{} [{}-{}]{}",
            "  ".repeat(depth),
            field,
            node.kind(),
            missing,
            node.start_byte(),
            node.end_byte(),
            leaf
        );
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
