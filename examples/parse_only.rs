//! The parsing floor: discovers, reads, decodes and parses (tree-sitter only, in parallel)
//! every file `codefacts index` would, and extracts nothing. `scripts/bench.sh` compares the
//! cold index against this.
//!
//! Usage: cargo run --release --example parse_only -- PATH

use std::time::{Duration, Instant};

use rayon::prelude::*;

fn main() -> anyhow::Result<()> {
    let root = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let root = std::path::Path::new(&root).canonicalize()?;
    let start = Instant::now();
    let config = codefacts::config::Config::load(&root)?;
    let files = codefacts::files::discover(&config)?.files;
    let (bytes, nodes): (usize, usize) = files
        .par_iter()
        .filter(|f| f.size <= config.max_file_size)
        .map(|f| {
            let Ok(raw) = codefacts::files::read(&f.abs) else {
                return (0, 0);
            };
            let Ok(text) = codefacts::files::decode(&raw).text else {
                return (0, 0);
            };
            match codefacts::syntax::parse_python(&text, Duration::from_secs(10)) {
                Ok(tree) => (text.len(), tree.root_node().child_count() as usize),
                Err(_) => (text.len(), 0),
            }
        })
        .reduce(|| (0usize, 0usize), |a, b| (a.0 + b.0, a.1 + b.1));
    println!(
        "parsed {} files ({:.1} MB, {} top-level nodes) in {:.3}s",
        files.len(),
        bytes as f64 / 1e6,
        nodes,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
