//! Lists the files under a directory whose tree-sitter parse has errors (debugging aid).
use std::time::Duration;

fn main() {
    let root = std::env::args().nth(1).expect("usage: ts_errors DIR");
    let mut stack = vec![std::path::PathBuf::from(root)];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                if !p.ends_with("site-packages") {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|x| x == "py") {
                let Ok(text) = std::fs::read_to_string(&p) else {
                    continue;
                };
                let parsed = codefacts::syntax::parse_python(&text, Duration::from_secs(20));
                if parsed.is_ok_and(|t| t.root_node().has_error()) {
                    println!("{}", p.display());
                }
            }
        }
    }
}
