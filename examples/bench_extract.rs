//! Measures, single-threaded, what fact extraction costs next to parsing: every file under DIR
//! is parsed (timed), then the facts of every tree are extracted ROUNDS times (timed). The trees
//! are all kept alive, so run it on a tree that fits in memory (~28x the source).
//!
//! `cargo run --release --example bench_extract -- DIR [ROUNDS]`

use std::path::PathBuf;
use std::time::{Duration, Instant};

fn main() {
    let root = PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: bench_extract DIR [ROUNDS]"),
    );
    let rounds: usize = std::env::args()
        .nth(2)
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let mut pending = vec![root];
    let mut files = Vec::new();
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "site-packages") {
                    pending.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "py" || e == "pyi") {
                files.push(path);
            }
        }
    }
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .filter_map(|p| String::from_utf8(std::fs::read(p).ok()?).ok())
        .collect();
    let start = Instant::now();
    let trees: Vec<_> = texts
        .iter()
        .filter_map(|t| {
            let tree = codefacts::syntax::parse_python(t, Duration::from_secs(20)).ok()?;
            Some((t, tree))
        })
        .collect();
    let parse = start.elapsed();
    let mut times = Vec::new();
    let mut facts = 0;
    for _ in 0..rounds {
        let start = Instant::now();
        facts = 0;
        for (text, tree) in &trees {
            let f = codefacts::facts::extract(text, tree);
            facts += f.imports.len() + f.definitions.len() + f.path_strings.len();
        }
        times.push(start.elapsed());
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "{} files: parse {:.0} ms; extraction median of {rounds}: {:.0} ms ({:.1}% of the parse), {facts} facts",
        trees.len(),
        parse.as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e3,
        100.0 * median.as_secs_f64() / parse.as_secs_f64()
    );
}
