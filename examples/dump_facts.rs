//! Prints the facts of Python files as JSON lines, one `{"path": …, "facts": …}` per file.
//! `cargo run --example dump_facts -- a.py b.py`

use std::time::Duration;

fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).expect("read file");
        let text = String::from_utf8_lossy(&bytes);
        let tree = codefacts::syntax::parse_python(&text, Duration::from_secs(60)).expect("parse");
        let facts = codefacts::facts::extract(&text, &tree);
        let line = serde_json::json!({ "path": path, "facts": facts });
        println!("{line}");
    }
}
