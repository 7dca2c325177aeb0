//! Times the derived relations of the import graph (`codefacts::graph::derive`) alone, on the
//! `graph_edges` of an index: `cargo run --release --example bench_graph -- DB`.
use std::collections::HashMap;
use std::time::Instant;

use codefacts::graph::{self, Edge};

fn main() -> anyhow::Result<()> {
    let db = std::env::args().nth(1).expect("usage: bench_graph DB");
    let conn =
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    for name in ["all", "eager"] {
        let mut st = conn.prepare(
            "SELECT src_file_id, dst_file_id, imports, soft FROM graph_edges WHERE graph = ?1",
        )?;
        let rows: Vec<(i64, i64, u32, u32)> = st
            .query_map([name], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut ids: HashMap<i64, u32> = HashMap::new();
        let mut dense = |id: i64| {
            let n = ids.len() as u32;
            *ids.entry(id).or_insert(n)
        };
        let edges: Vec<Edge> = rows
            .iter()
            .map(|(a, b, w, s)| Edge {
                from: dense(*a),
                to: dense(*b),
                weight: *w,
                soft: *s,
            })
            .collect();
        let n = ids.len();
        let mut times = Vec::new();
        let mut comps = 0;
        for _ in 0..5 {
            let t0 = Instant::now();
            comps = graph::derive(n, &edges).len();
            times.push(t0.elapsed().as_secs_f64() * 1e3);
        }
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "{name}: {n} nodes, {} edges, {comps} components: derive median {:.1} ms",
            edges.len(),
            times[2]
        );
    }
    Ok(())
}
