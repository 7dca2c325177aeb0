//! Measures, single-threaded, what each per-file step costs on the standard library:
//! parse, fact extraction, semantic analysis (and its steps: the arena copy of the tree, the
//! noqa and validation passes over it).
//!
//! `cargo run --release --example bench_analyze -- [DIR]`

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

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
                if path.file_name().is_some_and(|n| n != "site-packages") {
                    pending.push(path);
                }
            } else if ty.is_file() && path.extension().is_some_and(|e| e == "py") {
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
    let files = python_files(&root);
    let texts: Vec<(PathBuf, String)> = files
        .into_iter()
        .filter_map(|p| {
            let b = std::fs::read(&p).ok()?;
            Some((p, String::from_utf8_lossy(&b).into_owned()))
        })
        .collect();
    let (mut parse, mut extract, mut analyze, mut noqa, mut validate) = (
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
    );
    let mut arena_time = Duration::ZERO;
    let mut slow: Vec<(Duration, &Path)> = Vec::new();
    for (path, text) in &texts {
        let t = Instant::now();
        let Ok(tree) = parse_python(text, Duration::from_secs(20)) else {
            continue;
        };
        parse += t.elapsed();
        let t = Instant::now();
        let _ = codefacts::facts::extract(text, &tree);
        extract += t.elapsed();
        let t = Instant::now();
        let _ = semantic::analyze(text, &tree, &SemanticOptions::default());
        let a = t.elapsed();
        analyze += a;
        slow.push((a, path));
        let t = Instant::now();
        let arena = semantic::arena::Arena::build(&tree, text);
        arena_time += t.elapsed();
        let idx = codefacts::syntax::LineIndex::new(text);
        let t = Instant::now();
        let _ = semantic::noqa::extract_from(text, &idx, &arena);
        noqa += t.elapsed();
        let t = Instant::now();
        let _ = semantic::validate::has_lenient_syntax_error_in(text, &arena);
        validate += t.elapsed();
    }
    println!("{} files", texts.len());
    println!("parse    {:8.0} ms", parse.as_secs_f64() * 1e3);
    println!("extract  {:8.0} ms", extract.as_secs_f64() * 1e3);
    println!(
        "analyze  {:8.0} ms (includes the steps below)",
        analyze.as_secs_f64() * 1e3
    );
    println!("  arena    {:8.0} ms", arena_time.as_secs_f64() * 1e3);
    println!("  noqa     {:8.0} ms", noqa.as_secs_f64() * 1e3);
    println!("  validate {:8.0} ms", validate.as_secs_f64() * 1e3);
    println!(
        "  rest     {:8.0} ms (the visitor, the line index)",
        (analyze.saturating_sub(arena_time + noqa + validate)).as_secs_f64() * 1e3
    );
    slow.sort();
    for (d, p) in slow.iter().rev().take(8) {
        println!("slow: {:6.1} ms {}", d.as_secs_f64() * 1e3, p.display());
    }
}
