//! Measures what fact extraction costs on top of parsing, single-threaded.
//!
//! `cargo run --release --example bench_extract -- [DIR] [ROUNDS]`
//!
//! DIR defaults to the Python 3.11 standard library of pyenv; `site-packages` is skipped.
//! Each round parses every file (parse only), then parses and extracts every file; the best
//! round of each is reported, as wall time and as CPU time of this process (read from
//! `/proc/self/stat`, so that other load on a shared machine disturbs the comparison less).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use codefacts::facts::{extract, extract_unpruned};
use codefacts::syntax::parse_python;

const DEFAULT_DIR: &str = "/root/.pyenv/versions/3.11.7/lib/python3.11";

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
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().unwrap_or_else(|| DEFAULT_DIR.to_string()));
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    let texts: Vec<String> = python_files(&root)
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    println!(
        "{} files, {:.1} MB under {}",
        texts.len(),
        bytes as f64 / 1e6,
        root.display()
    );
    let budget = Duration::from_secs(60);

    let mut best_cpu_parse_only = Duration::MAX;
    let mut best_cpu_total = Duration::MAX;
    let mut best_parse_only = Duration::MAX;
    let mut best_total = Duration::MAX;
    let mut best_parse = Duration::MAX;
    let mut best_extract = Duration::MAX;
    let mut counts = [0usize; 6];
    for round in 0..rounds {
        let cpu0 = cpu_time();
        let start = Instant::now();
        for t in &texts {
            let tree = parse_python(t, budget).expect("parse");
            std::hint::black_box(&tree);
        }
        let parse_only = start.elapsed();
        let cpu_parse_only = cpu_time() - cpu0;

        let (mut parse, mut ext) = (Duration::ZERO, Duration::ZERO);
        counts = [0; 6];
        let cpu0 = cpu_time();
        let start = Instant::now();
        for t in &texts {
            let t0 = Instant::now();
            let tree = parse_python(t, budget).expect("parse");
            let t1 = Instant::now();
            let facts = std::hint::black_box(extract(t, &tree));
            ext += t1.elapsed();
            parse += t1 - t0;
            counts[0] += facts.imports.len();
            counts[1] += facts.definitions.len();
            counts[2] += facts.all_entries.len();
            counts[3] += facts.outside_returns.len();
            counts[4] += facts.syntax_errors.len();
            counts[5] += facts.path_strings.len();
        }
        let total = start.elapsed();
        let cpu_total = cpu_time() - cpu0;
        println!(
            "round {}: wall: parse only {:.0} ms, parse+extract {:.0} ms (parse {:.0} ms, \
             extract {:.0} ms); cpu: parse only {:.0} ms, parse+extract {:.0} ms",
            round + 1,
            ms(parse_only),
            ms(total),
            ms(parse),
            ms(ext),
            ms(cpu_parse_only),
            ms(cpu_total)
        );
        best_cpu_parse_only = best_cpu_parse_only.min(cpu_parse_only);
        best_cpu_total = best_cpu_total.min(cpu_total);
        best_parse_only = best_parse_only.min(parse_only);
        best_total = best_total.min(total);
        best_parse = best_parse.min(parse);
        best_extract = best_extract.min(ext);
    }
    println!(
        "best: parse only {:.0} ms; parse+extract {:.0} ms; extract alone {:.0} ms = {:.1}% of parsing",
        ms(best_parse_only),
        ms(best_total),
        ms(best_extract),
        100.0 * best_extract.as_secs_f64() / best_parse.as_secs_f64()
    );
    println!(
        "best cpu: parse only {:.0} ms; parse+extract {:.0} ms (+{:.1}%)",
        ms(best_cpu_parse_only),
        ms(best_cpu_total),
        100.0 * (best_cpu_total.as_secs_f64() / best_cpu_parse_only.as_secs_f64() - 1.0)
    );
    // Not timed against parsing: checks that pruning subtrees changes no fact, and shows
    // what the exhaustive walk would cost.
    let (mut pruned, mut unpruned, mut mismatches) = (Duration::ZERO, Duration::ZERO, 0);
    for t in &texts {
        let tree = parse_python(t, budget).expect("parse");
        let t0 = Instant::now();
        let a = extract(t, &tree);
        let t1 = Instant::now();
        let b = extract_unpruned(t, &tree);
        unpruned += t1.elapsed();
        pruned += t1 - t0;
        if a != b {
            mismatches += 1;
        }
    }
    println!(
        "check: pruned walk {:.0} ms vs exhaustive walk {:.0} ms; {} file(s) differ",
        ms(pruned),
        ms(unpruned),
        mismatches
    );
    assert_eq!(mismatches, 0, "pruning changed the facts of some files");
    println!(
        "facts: {} imports, {} definitions, {} __all__ entries, {} outside returns, \
         {} syntax errors, {} path strings",
        counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]
    );
}

/// User + system CPU time of this process (Linux; zero elsewhere).
fn cpu_time() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // Field 14 is at index 11 after the name (field 3, the state, is index 0).
    let total = ticks(11) + ticks(12);
    // The kernel reports in USER_HZ, 100 on every mainstream Linux configuration.
    Duration::from_millis(total * 10)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
