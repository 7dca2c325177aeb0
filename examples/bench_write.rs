//! Measures, single-threaded, what writing the fact base of a tree costs: every file is
//! parsed and its facts extracted first (untimed), then written into a fresh database through
//! the store's `Writer`, as a cold `codefacts index` does, and the secondary indexes built.
//!
//! `cargo run --release --example bench_write -- DIR [ROUNDS]`

use std::path::PathBuf;
use std::time::{Duration, Instant};

use codefacts::resolve::ModulePath;
use codefacts::store::{FileRow, Store};

fn main() -> anyhow::Result<()> {
    let root = PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: bench_write DIR [ROUNDS]"),
    );
    let rounds: usize = std::env::args()
        .nth(2)
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let mut pending = vec![root.clone()];
    let mut files = Vec::new();
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "site-packages") {
                    pending.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "py") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut parsed = Vec::new();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let Ok(tree) = codefacts::syntax::parse_python(&text, Duration::from_secs(20)) else {
            continue;
        };
        let rel = path.strip_prefix(&root)?.to_string_lossy().into_owned();
        parsed.push((rel, codefacts::facts::extract(&text, &tree)));
    }
    let scratch = tempfile::tempdir()?;
    let mut times = Vec::new();
    for round in 0..rounds {
        let db = scratch.path().join(format!("facts-{round}.db"));
        let start = Instant::now();
        let (mut store, _) = Store::open(&db)?;
        let writer = store.writer()?;
        writer.drop_indexes()?;
        let module = ModulePath {
            source_root: String::new(),
            module: None,
            is_package: false,
            is_stub: false,
        };
        for (i, (rel, facts)) in parsed.iter().enumerate() {
            let id = i as i64 + 1;
            writer.upsert_file(
                id,
                &FileRow {
                    path: rel,
                    module: &module,
                    lane: "default",
                    size: 0,
                    mtime_ns: 0,
                    lines: facts.lines,
                    hash: "",
                    encoding: "utf-8",
                    status: "ok",
                    error: None,
                    decode_errors: 0,
                    syntax_errors: 0,
                },
            )?;
            writer.replace_facts(id, facts, None, None, &[], &[], true)?;
        }
        let wrote = start.elapsed();
        writer.create_indexes()?;
        let indexed = start.elapsed();
        writer.commit()?;
        store.finish()?;
        let total = start.elapsed();
        times.push((wrote, indexed - wrote, total - indexed));
    }
    times.sort();
    for (w, i, c) in &times {
        println!(
            "rows {:6.1} ms  indexes {:5.1} ms  commit {:5.1} ms",
            w.as_secs_f64() * 1e3,
            i.as_secs_f64() * 1e3,
            c.as_secs_f64() * 1e3
        );
    }
    println!("{} files", parsed.len());
    Ok(())
}
