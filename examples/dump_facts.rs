//! Prints the facts and the semantic model of Python files as JSON lines, one
//! `{"path": …, "facts": …, "semantic": …}` per file (a debugging aid).
//! `cargo run --example dump_facts -- a.py b.py`

use std::time::Duration;

fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).expect("read file");
        let text = String::from_utf8_lossy(&bytes);
        let tree = codefacts::syntax::parse_python(&text, Duration::from_secs(60)).expect("parse");
        let facts = codefacts::facts::extract(&text, &tree);
        let semantic = codefacts::semantic::analyze(&text, &tree, &Default::default());
        let line = serde_json::json!({ "path": path, "facts": facts, "semantic": semantic });
        println!("{line}");
    }
}
