//! Prints the semantic facts of one Python file as JSON (debugging aid).
use std::time::Duration;

fn main() {
    let path = std::env::args().nth(1).expect("usage: semantic_dump FILE");
    let text = std::fs::read_to_string(&path).expect("readable UTF-8 file");
    let tree = codefacts::syntax::parse_python(&text, Duration::from_secs(20)).expect("parse");
    let facts = codefacts::semantic::analyze(&text, &tree, &Default::default());
    println!("{}", serde_json::to_string_pretty(&facts).unwrap());
}
