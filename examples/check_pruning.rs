//! Checks that the pruned fact walk finds exactly what the full walk finds, on every Python
//! file under DIR (the unit tests check the fixtures; this checks a real corpus).
//!
//! `cargo run --release --example check_pruning -- DIR`

use std::path::PathBuf;
use std::time::{Duration, Instant};

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).expect("usage: check_pruning DIR"));
    let mut pending = vec![root];
    let mut files = Vec::new();
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "py" || e == "pyi") {
                files.push(path);
            }
        }
    }
    files.sort();
    let (mut differ, mut checked) = (0, 0);
    let (mut pruned_time, mut full_time) = (Duration::ZERO, Duration::ZERO);
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let Ok(tree) = codefacts::syntax::parse_python(&text, Duration::from_secs(20)) else {
            continue;
        };
        let t = Instant::now();
        let pruned = codefacts::facts::extract(&text, &tree);
        pruned_time += t.elapsed();
        let t = Instant::now();
        let full = codefacts::facts::extract_unpruned(&text, &tree);
        full_time += t.elapsed();
        checked += 1;
        if pruned != full {
            differ += 1;
            eprintln!("differs: {}", path.display());
        }
    }
    println!(
        "{checked} files, {differ} differ; pruned walk {:.0} ms, full walk {:.0} ms",
        pruned_time.as_secs_f64() * 1e3,
        full_time.as_secs_f64() * 1e3
    );
    if differ > 0 {
        std::process::exit(1);
    }
}
