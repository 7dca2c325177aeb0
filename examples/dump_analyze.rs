//! Prints one line per file: path and a hash of the serialized `semantic::analyze` result
//! (for checking that a change leaves every result unchanged).
//!
//! `cargo run --release --example dump_analyze -- [DIR] > out.txt`

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::Duration;

use codefacts::semantic::{self, SemanticOptions};
use codefacts::syntax::parse_python;

fn python_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(ty) = entry.file_type() else { continue };
            if ty.is_dir() {
                pending.push(path);
            } else if ty.is_file() && path.extension().is_some_and(|e| e == "py" || e == "pyi") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn main() {
    let root = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "/root/.pyenv/versions/3.11.7/lib/python3.11".into()),
    );
    for path in python_files(&root) {
        let Ok(b) = std::fs::read(&path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&b).into_owned();
        let Ok(tree) = parse_python(&text, Duration::from_secs(20)) else {
            continue;
        };
        let opts = SemanticOptions {
            is_stub: path.extension().is_some_and(|e| e == "pyi"),
            ..SemanticOptions::default()
        };
        let facts = semantic::analyze(&text, &tree, &opts);
        let json = serde_json::to_string(&facts).unwrap();
        let mut h = DefaultHasher::new();
        json.hash(&mut h);
        println!("{:016x} {}", h.finish(), path.display());
    }
}
