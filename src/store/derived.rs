//! The derived relations of the import graph (`graph/`), read from the stored imports and
//! written as tables, for two graphs:
//!
//! * `all`: every import statement that loads a repository file, as `ruff analyze graph` and
//!   grimp count them (function-level and `TYPE_CHECKING` imports included, no implicit edges);
//! * `eager`: what runs at import time: module-level imports outside `if TYPE_CHECKING:` and
//!   `if __name__ == "__main__":`, plus,
//!   for each, the parent packages of the module it loads (`import a.b.c` runs `a/__init__` and
//!   `a/b/__init__` first).
//!
//! Recomputed only when an edge list changed (`meta.graph_edges` holds their fingerprint).

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;
use rusqlite::params;

use super::Writer;
use crate::graph::{self, Edge};

/// Package depths whose graphs are derived too (`cycles --param level=package --param depth`).
pub const PACKAGE_DEPTHS: usize = 3;

/// (src file, dst file) -> (imports, soft imports).
type EdgeMap = BTreeMap<(i64, i64), (u32, u32)>;

impl Writer<'_> {
    /// Brings the derived tables up to date with the stored imports; returns whether they
    /// were recomputed. `only` names the files whose imports changed when nothing else did
    /// (no file came or went, no import was resolved anew): then only their edges are
    /// rewritten, and the components are derived from the stored edges.
    pub fn update_derived(&self, only: Option<&[i64]>) -> Result<bool> {
        let t_start = std::time::Instant::now();
        let timings = std::env::var_os("CODEFACTS_TIMINGS").is_some();
        let stored: i64 = self
            .tx
            .query_row("SELECT count(*) FROM graph_edges", [], |r| r.get(0))?;
        let (all, eager) = match only {
            Some(files) if stored > 0 && self.meta("graph_edges")?.is_some() => {
                let (all_new, eager_new) = self.graph_edges(Some(files))?;
                // By the primary key (graph, src, dst): a seek per graph, not a scan.
                let mut del = self.tx.prepare_cached(
                    "DELETE FROM graph_edges WHERE graph IN ('all', 'eager') AND src_file_id = ?1",
                )?;
                for f in files {
                    del.execute([f])?;
                }
                self.insert_edges("all", &all_new)?;
                self.insert_edges("eager", &eager_new)?;
                self.stored_edges()?
            }
            _ => {
                let (all, eager) = self.graph_edges(None)?;
                self.tx.execute("DELETE FROM graph_edges", [])?;
                self.insert_edges("all", &all)?;
                self.insert_edges("eager", &eager)?;
                (all, eager)
            }
        };
        let fingerprint = {
            let mut h = blake3::Hasher::new();
            for (name, edges) in [("all", &all), ("eager", &eager)] {
                h.update(name.as_bytes());
                for ((a, b), (w, s)) in edges.iter() {
                    h.update(&a.to_le_bytes());
                    h.update(&b.to_le_bytes());
                    h.update(&w.to_le_bytes());
                    h.update(&s.to_le_bytes());
                }
            }
            h.finalize().to_hex()[..32].to_string()
        };
        if self.meta("graph_edges")?.as_deref() == Some(fingerprint.as_str()) {
            return Ok(false);
        }
        if timings {
            crate::errln!(
                "timing: graph edges read and written in {:.1} ms",
                t_start.elapsed().as_secs_f64() * 1e3
            );
        }
        // Dense node ids by path, so components come out in path order on every build.
        let mut paths: Vec<(String, i64)> = {
            let mut st = self.tx.prepare("SELECT path, file_id FROM files")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        paths.sort();
        let dense: HashMap<i64, u32> = paths
            .iter()
            .enumerate()
            .map(|(i, (_, id))| (*id, i as u32))
            .collect();
        for table in [
            "graph_components",
            "graph_members",
            "graph_cycle_edges",
            "graph_breakers",
        ] {
            self.tx.execute(&format!("DELETE FROM {table}"), [])?;
        }
        for (name, edges) in [("all", &all), ("eager", &eager)] {
            let list: Vec<Edge> = edges
                .iter()
                .filter_map(|((a, b), (w, s))| {
                    Some(Edge {
                        from: *dense.get(a)?,
                        to: *dense.get(b)?,
                        weight: *w,
                        // Eager edges have no soft imports (the count there is of parents).
                        soft: if name == "eager" { 0 } else { *s },
                    })
                })
                .collect();
            let file = |v: u32| paths[v as usize].1;
            for (i, c) in graph::derive(paths.len(), &list).iter().enumerate() {
                let component = i as i64 + 1;
                self.tx.execute(
                    "INSERT INTO graph_components VALUES (?1, ?2, ?3)",
                    params![name, component, c.members.len() as i64],
                )?;
                let mut st = self
                    .tx
                    .prepare_cached("INSERT INTO graph_members VALUES (?1, ?2, ?3)")?;
                for m in &c.members {
                    st.execute(params![name, component, file(*m)])?;
                }
                let mut st = self
                    .tx
                    .prepare_cached("INSERT INTO graph_cycle_edges VALUES (?1, ?2, ?3, ?4, ?5)")?;
                for (step, v) in c.cycle.iter().enumerate() {
                    let w = c.cycle[(step + 1) % c.cycle.len()];
                    st.execute(params![name, component, step as i64 + 1, file(*v), file(w)])?;
                }
                let mut st = self
                    .tx
                    .prepare_cached("INSERT INTO graph_breakers VALUES (?1, ?2, ?3, ?4, ?5)")?;
                for (a, b) in &c.breakers {
                    let imports = edges
                        .get(&(file(*a), file(*b)))
                        .map_or(0, |(w, _)| *w as i64);
                    st.execute(params![name, component, file(*a), file(*b), imports])?;
                }
            }
        }
        let t0 = std::time::Instant::now();
        self.update_package_cycles(&all, &eager)?;
        if std::env::var_os("CODEFACTS_TIMINGS").is_some() {
            crate::errln!(
                "timing: package cycles took {:.1} ms",
                t0.elapsed().as_secs_f64() * 1e3
            );
        }
        self.set_meta("graph_edges", &fingerprint)?;
        Ok(true)
    }

    /// The same derivation on the package graphs: modules rolled up to their first `depth`
    /// dotted parts (1 to [`PACKAGE_DEPTHS`]), as grimp squashes a package's children; edges
    /// inside a package dropped, the imports of the edges between two packages summed.
    fn update_package_cycles(&self, all: &EdgeMap, eager: &EdgeMap) -> Result<()> {
        let modules: HashMap<i64, String> = {
            let mut st = self
                .tx
                .prepare("SELECT file_id, module FROM files WHERE module IS NOT NULL")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for depth in 1..=PACKAGE_DEPTHS {
            // Every file's package at this depth, as an index into `names` (sorted, so that
            // components are numbered in name order on every build).
            let mut names: Vec<String> = modules
                .values()
                .map(|m| m.split('.').take(depth).collect::<Vec<_>>().join("."))
                .collect();
            names.sort();
            names.dedup();
            let index: HashMap<&str, u32> = names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.as_str(), i as u32))
                .collect();
            let names_hash = {
                let mut h = blake3::Hasher::new();
                for n in &names {
                    h.update(n.as_bytes());
                    h.update(b"\0");
                }
                h.finalize()
            };
            // By file id (ids are small and dense): a lookup per edge end without hashing.
            let max_id = modules.keys().copied().max().unwrap_or(0).max(0) as usize;
            let mut pkg_of: Vec<u32> = vec![u32::MAX; max_id + 1];
            for (id, m) in &modules {
                let end = m
                    .match_indices('.')
                    .nth(depth - 1)
                    .map_or(m.len(), |(i, _)| i);
                if *id >= 0 {
                    pkg_of[*id as usize] = index[&m[..end]];
                }
            }
            let package = |id: &i64| -> Option<u32> {
                let p = *pkg_of.get(usize::try_from(*id).ok()?)?;
                (p != u32::MAX).then_some(p)
            };
            for (name, edges) in [("all", all), ("eager", eager)] {
                let mut pairs: Vec<((u32, u32), (u32, u32))> = Vec::with_capacity(edges.len());
                for ((a, b), (w, second)) in edges.iter() {
                    let (Some(pa), Some(pb)) = (package(a), package(b)) else {
                        continue;
                    };
                    // Between packages the parent packages an eager import runs add no edge
                    // (they sit in the package of the module imported, or above it): each
                    // import statement counts once.
                    let (weight, soft) = if name == "eager" {
                        (w - second, 0)
                    } else {
                        (*w, *second)
                    };
                    if pa != pb && weight > 0 {
                        pairs.push(((pa, pb), (weight, soft)));
                    }
                }
                // Sum the imports of each pair of packages (sorted, merged: no hashing).
                pairs.sort_unstable_by_key(|(k, _)| *k);
                let mut rolled: Vec<((u32, u32), (u32, u32))> = Vec::with_capacity(pairs.len());
                for (k, (w, soft)) in pairs {
                    match rolled.last_mut() {
                        Some((last, sum)) if *last == k => {
                            sum.0 += w;
                            sum.1 += soft;
                        }
                        _ => rolled.push((k, (w, soft))),
                    }
                }
                // Nothing to do when this package graph is what it was (most edits change
                // module edges, not the package ones).
                let fingerprint = {
                    let mut h = blake3::Hasher::new();
                    // Ids are positions in the sorted names, which are hashed too.
                    h.update(names_hash.as_bytes());
                    for ((a, b), (w, soft)) in &rolled {
                        h.update(&a.to_le_bytes());
                        h.update(&b.to_le_bytes());
                        h.update(&w.to_le_bytes());
                        h.update(&soft.to_le_bytes());
                    }
                    h.finalize().to_hex()[..32].to_string()
                };
                let key = format!("graph_package_edges:{name}:{depth}");
                if self.meta(&key)?.as_deref() == Some(fingerprint.as_str()) {
                    continue;
                }
                for table in [
                    "graph_package_components",
                    "graph_package_members",
                    "graph_package_cycle_edges",
                    "graph_package_breakers",
                ] {
                    self.tx
                        .prepare_cached(&format!(
                            "DELETE FROM {table} WHERE graph = ?1 AND depth = ?2"
                        ))?
                        .execute(params![name, depth as i64])?;
                }
                self.set_meta(&key, &fingerprint)?;
                let list: Vec<Edge> = rolled
                    .iter()
                    .map(|((a, b), (w, soft))| Edge {
                        from: *a,
                        to: *b,
                        weight: *w,
                        soft: *soft,
                    })
                    .collect();
                for (i, c) in graph::derive(names.len(), &list).iter().enumerate() {
                    let component = i as i64 + 1;
                    let depth = depth as i64;
                    self.tx
                        .prepare_cached(
                            "INSERT INTO graph_package_components VALUES (?1, ?2, ?3, ?4)",
                        )?
                        .execute(params![name, depth, component, c.members.len() as i64])?;
                    for m in &c.members {
                        self.tx
                            .prepare_cached(
                                "INSERT INTO graph_package_members VALUES (?1, ?2, ?3, ?4)",
                            )?
                            .execute(params![name, depth, component, names[*m as usize]])?;
                    }
                    for (step, v) in c.cycle.iter().enumerate() {
                        let w = c.cycle[(step + 1) % c.cycle.len()];
                        self.tx.prepare_cached("INSERT INTO graph_package_cycle_edges VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?.execute(
                            params![
                                name,
                                depth,
                                component,
                                step as i64 + 1,
                                names[*v as usize],
                                names[w as usize]
                            ],
                        )?;
                    }
                    for (a, b) in &c.breakers {
                        let (sa, sb) = (&names[*a as usize], &names[*b as usize]);
                        let imports = rolled
                            .binary_search_by(|(k, _)| k.cmp(&(*a, *b)))
                            .map_or(0, |i| rolled[i].1.0 as i64);
                        self.tx.prepare_cached("INSERT INTO graph_package_breakers VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?.execute(
                            params![name, depth, component, sa, sb, imports],
                        )?;
                    }
                }
            }
        }
        Ok(())
    }

    /// A digest of what a file's imports contribute to the graphs (target, module, whether it
    /// runs at import time): equal before and after a rewrite means no edge changed.
    pub fn edge_digest(&self, file_id: i64) -> Result<u64> {
        let mut st = self.tx.prepare_cached(
            "SELECT target_file_id, target_module, scope = 'module' AND type_checking = 0 AND main_only = 0 \
             FROM imports WHERE file_id = ?1 AND target_file_id IS NOT NULL \
             ORDER BY target_file_id, target_module, 3",
        )?;
        let mut rows = st.query([file_id])?;
        let mut h = blake3::Hasher::new();
        while let Some(r) = rows.next()? {
            let t: i64 = r.get(0)?;
            let m: Option<String> = r.get(1)?;
            let runs: bool = r.get(2)?;
            h.update(&t.to_le_bytes());
            h.update(m.as_deref().unwrap_or("").as_bytes());
            h.update(&[u8::from(runs), 0]);
        }
        let bytes = h.finalize();
        Ok(u64::from_le_bytes(
            bytes.as_bytes()[..8].try_into().expect("8 bytes"),
        ))
    }

    fn insert_edges(&self, graph: &str, edges: &EdgeMap) -> Result<()> {
        let mut st = self
            .tx
            .prepare_cached("INSERT INTO graph_edges VALUES (?1, ?2, ?3, ?4, ?5)")?;
        for ((a, b), (w, soft)) in edges.iter() {
            st.execute(params![graph, a, b, w, soft])?;
        }
        Ok(())
    }

    /// Both graphs' edges as stored.
    fn stored_edges(&self) -> Result<(EdgeMap, EdgeMap)> {
        // In primary-key order, so each map is built from sorted input in one pass.
        let read = |graph: &str| -> Result<EdgeMap> {
            let mut st = self.tx.prepare_cached(
                "SELECT src_file_id, dst_file_id, imports, soft FROM graph_edges \
                 WHERE graph = ?1 ORDER BY src_file_id, dst_file_id",
            )?;
            let rows = st.query_map([graph], |r| {
                Ok(((r.get(0)?, r.get(1)?), (r.get(2)?, r.get(3)?)))
            })?;
            Ok(rows.collect::<rusqlite::Result<EdgeMap>>()?)
        };
        Ok((read("all")?, read("eager")?))
    }

    /// The edges of both graphs, from the stored imports (of the `only` files, if given).
    fn graph_edges(&self, only: Option<&[i64]>) -> Result<(EdgeMap, EdgeMap)> {
        let mut all = EdgeMap::new();
        let mut eager = EdgeMap::new();
        // Packages by module name, for the parent packages an eager import runs.
        let packages: HashMap<String, i64> = {
            let mut st = self.tx.prepare(
                "SELECT module, file_id FROM files WHERE is_package = 1 AND module IS NOT NULL \
                 ORDER BY is_stub, path",
            )?;
            let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
            let mut m = HashMap::new();
            for row in rows {
                let (module, id) = row?;
                m.entry(module).or_insert(id);
            }
            m
        };
        let sql = "SELECT i.file_id, i.target_file_id, i.target_module, \
                   i.scope = 'module' AND i.type_checking = 0 AND i.main_only = 0 AS runs \
                   FROM imports i WHERE i.target_file_id IS NOT NULL";
        let mut rows_of: Vec<(i64, i64, Option<String>, bool)> = Vec::new();
        let mut read =
            |st: &mut rusqlite::Statement<'_>, p: &[&dyn rusqlite::ToSql]| -> Result<()> {
                let mut rows = st.query(p)?;
                while let Some(r) = rows.next()? {
                    rows_of.push((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?));
                }
                Ok(())
            };
        match only {
            None => read(&mut self.tx.prepare(sql)?, &[])?,
            Some(files) => {
                let mut st = self
                    .tx
                    .prepare_cached(&format!("{sql} AND i.file_id = ?1"))?;
                for f in files {
                    read(&mut st, &[f])?;
                }
            }
        }
        for (src, dst, module, runs) in rows_of {
            if src != dst {
                let e = all.entry((src, dst)).or_insert((0, 0));
                e.0 += 1;
                if !runs {
                    e.1 += 1;
                }
            }
            if !runs {
                continue;
            }
            // For eager edges the second count is of the imports that reach the target only
            // as a parent package of the module they load.
            let mut add = |to: i64, as_parent: bool| {
                if to != src {
                    let e = eager.entry((src, to)).or_insert((0, 0));
                    e.0 += 1;
                    e.1 += u32::from(as_parent);
                }
            };
            add(dst, false);
            if let Some(m) = module {
                let mut end = 0;
                while let Some(dot) = m[end..].find('.') {
                    end += dot;
                    if let Some(p) = packages.get(&m[..end]) {
                        add(*p, true);
                    }
                    end += 1;
                }
            }
        }
        Ok((all, eager))
    }
}
