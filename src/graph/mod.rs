//! Derived relations of the import graph: strongly connected components, one shortest cycle per
//! component, and cycle breakers. Pure functions of the edges (no SQL, no salsa, no files), as
//! `resolve/` is of paths; `store/derived.rs` reads the edges and writes the results.
//!
//! Nodes are dense indexes `0..n`; an edge is `(from, to, weight)` with the weight the number of
//! import statements behind it. Everything is iterative (no recursion over the graph) and
//! deterministic: components, members and cycles come out in a fixed order for the same edges.

use std::collections::VecDeque;

/// One weighted edge: `from` imports `to` through `weight` import statements, `soft` of which
/// do not run at import time (function-level or under `if TYPE_CHECKING:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edge {
    pub from: u32,
    pub to: u32,
    pub weight: u32,
    pub soft: u32,
}

/// A strongly connected component of two or more nodes, with what we derive from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// Its nodes, ascending.
    pub members: Vec<u32>,
    /// One shortest cycle: nodes in order, the last imports the first.
    pub cycle: Vec<u32>,
    /// Edges whose removal leaves the component without a cycle (`from`, `to`), ascending.
    pub breakers: Vec<(u32, u32)>,
}

/// Adjacency lists (targets ascending, duplicates merged).
fn adjacency(n: usize, edges: &[Edge]) -> Vec<Vec<u32>> {
    let mut adj: Vec<Vec<u32>> = vec![Vec::new(); n];
    for e in edges {
        if e.from != e.to && (e.from as usize) < n && (e.to as usize) < n {
            adj[e.from as usize].push(e.to);
        }
    }
    for a in &mut adj {
        a.sort_unstable();
        a.dedup();
    }
    adj
}

/// Tarjan's algorithm, iterative. Returns the components of two or more nodes, each sorted,
/// ordered by their smallest member.
pub fn sccs(n: usize, edges: &[Edge]) -> Vec<Vec<u32>> {
    let adj = adjacency(n, edges);
    const NONE: u32 = u32::MAX;
    let mut index = vec![NONE; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut next = 0u32;
    let mut out: Vec<Vec<u32>> = Vec::new();
    // (node, position in its adjacency list)
    let mut work: Vec<(u32, usize)> = Vec::new();
    for start in 0..n as u32 {
        if index[start as usize] != NONE {
            continue;
        }
        work.push((start, 0));
        while let Some(&mut (v, ref mut pos)) = work.last_mut() {
            let vi = v as usize;
            if *pos == 0 && index[vi] == NONE {
                index[vi] = next;
                low[vi] = next;
                next += 1;
                stack.push(v);
                on_stack[vi] = true;
            }
            if let Some(&w) = adj[vi].get(*pos) {
                *pos += 1;
                let wi = w as usize;
                if index[wi] == NONE {
                    work.push((w, 0));
                } else if on_stack[wi] {
                    low[vi] = low[vi].min(index[wi]);
                }
                continue;
            }
            // Done with v.
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                let p = parent as usize;
                low[p] = low[p].min(low[vi]);
            }
            if low[vi] == index[vi] {
                let mut comp = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w as usize] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                if comp.len() >= 2 {
                    comp.sort_unstable();
                    out.push(comp);
                }
            }
        }
    }
    out.sort();
    out
}

/// One shortest cycle inside a component: a breadth-first search from each member (in order;
/// for a component larger than `max_starts`, from its first `max_starts` members) for the
/// shortest way back to it; the first shortest found wins, so the result is deterministic.
pub fn shortest_cycle(members: &[u32], adj: &[Vec<u32>], max_starts: usize) -> Vec<u32> {
    let n = adj.len();
    let mut in_comp = vec![false; n];
    for &m in members {
        in_comp[m as usize] = true;
    }
    let mut best: Vec<u32> = Vec::new();
    let mut parent = vec![u32::MAX; n];
    let mut seen = vec![u32::MAX; n];
    for (round, &s) in members.iter().take(max_starts.max(1)).enumerate() {
        let round = round as u32;
        let mut queue = VecDeque::new();
        queue.push_back(s);
        seen[s as usize] = round;
        let mut found: Option<u32> = None;
        'bfs: while let Some(v) = queue.pop_front() {
            for &w in &adj[v as usize] {
                if !in_comp[w as usize] {
                    continue;
                }
                if w == s {
                    found = Some(v);
                    break 'bfs;
                }
                if seen[w as usize] != round {
                    seen[w as usize] = round;
                    parent[w as usize] = v;
                    queue.push_back(w);
                }
            }
        }
        if let Some(last) = found {
            let mut path = vec![last];
            let mut cur = last;
            while cur != s {
                cur = parent[cur as usize];
                path.push(cur);
            }
            path.reverse();
            if best.is_empty() || path.len() < best.len() {
                best = path;
                if best.len() == 2 {
                    break;
                }
            }
        }
    }
    best
}

/// Cycle breakers: a feedback arc set of the component by the weighted greedy heuristic of
/// Eades, Lin and Smyth (1993), as grimp's `nominate_cycle_breakers` uses it. Nodes are
/// ordered by repeatedly taking sinks to the back and sources to the front, else the node whose
/// outgoing weight most exceeds its incoming weight (ties: the smaller node); the edges that
/// point backwards in that order are the breakers. Weights make edges of many imports costly to
/// break; an edge's soft imports (function-level, TYPE_CHECKING) count half, so edges that are
/// easy to move are preferred.
pub fn breakers(members: &[u32], edges: &[Edge]) -> Vec<(u32, u32)> {
    let k = members.len();
    let local = |v: u32| members.binary_search(&v).ok();
    // Local weighted edges (cost in half-imports: a hard import 2, a soft one 1).
    let mut local_edges: Vec<(usize, usize, u64)> = Vec::new();
    for e in edges {
        if let (Some(a), Some(b)) = (local(e.from), local(e.to))
            && a != b
        {
            let hard = e.weight.saturating_sub(e.soft) as u64;
            local_edges.push((a, b, 2 * hard + e.soft as u64));
        }
    }
    local_edges.sort_unstable();
    local_edges.dedup_by(|x, y| {
        if x.0 == y.0 && x.1 == y.1 {
            y.2 += x.2;
            true
        } else {
            false
        }
    });
    let mut left = Remaining {
        count: k,
        removed: vec![false; k],
        out_w: vec![0u64; k],
        in_w: vec![0u64; k],
        out_deg: vec![0usize; k],
        in_deg: vec![0usize; k],
    };
    let mut outs: Vec<Vec<(usize, u64)>> = vec![Vec::new(); k];
    let mut ins: Vec<Vec<(usize, u64)>> = vec![Vec::new(); k];
    for &(a, b, w) in &local_edges {
        left.out_w[a] += w;
        left.in_w[b] += w;
        left.out_deg[a] += 1;
        left.in_deg[b] += 1;
        outs[a].push((b, w));
        ins[b].push((a, w));
    }
    let mut front: Vec<usize> = Vec::new();
    let mut back: Vec<usize> = Vec::new();
    while left.count > 0 {
        let mut progressed = true;
        while progressed {
            progressed = false;
            for v in 0..k {
                if left.removed[v] {
                    continue;
                }
                // Sinks go to the back, sources to the front.
                let side = if left.out_deg[v] == 0 {
                    &mut back
                } else if left.in_deg[v] == 0 {
                    &mut front
                } else {
                    continue;
                };
                left.take(v, &outs[v], &ins[v]);
                side.push(v);
                progressed = true;
            }
        }
        if left.count == 0 {
            break;
        }
        let v = (0..k)
            .filter(|v| !left.removed[*v])
            .max_by(|a, b| {
                let da = left.out_w[*a] as i128 - left.in_w[*a] as i128;
                let db = left.out_w[*b] as i128 - left.in_w[*b] as i128;
                da.cmp(&db).then(b.cmp(a))
            })
            .expect("a node is left");
        left.take(v, &outs[v], &ins[v]);
        front.push(v);
    }
    back.reverse();
    front.extend(back);
    let mut position = vec![0usize; k];
    for (i, v) in front.iter().enumerate() {
        position[*v] = i;
    }
    let mut out: Vec<(u32, u32)> = local_edges
        .iter()
        .filter(|(a, b, _)| position[*a] > position[*b])
        .map(|(a, b, _)| (members[*a], members[*b]))
        .collect();
    out.sort_unstable();
    out
}

/// The nodes not yet placed by `breakers`, with their weights and degrees among themselves.
struct Remaining {
    count: usize,
    removed: Vec<bool>,
    out_w: Vec<u64>,
    in_w: Vec<u64>,
    out_deg: Vec<usize>,
    in_deg: Vec<usize>,
}

impl Remaining {
    /// Places `v`: its edges to the nodes still left stop counting.
    fn take(&mut self, v: usize, outs: &[(usize, u64)], ins: &[(usize, u64)]) {
        self.removed[v] = true;
        self.count -= 1;
        for &(b, w) in outs {
            if !self.removed[b] {
                self.in_w[b] -= w;
                self.in_deg[b] -= 1;
            }
        }
        for &(a, w) in ins {
            if !self.removed[a] {
                self.out_w[a] -= w;
                self.out_deg[a] -= 1;
            }
        }
    }
}

/// The nodes that reach `target` through one or more edges (`target` itself only when it lies
/// on a cycle), as a mask over `0..n`: a breadth-first walk of the reversed edges.
/// `reverse[v]` lists the nodes with an edge to `v`.
pub fn reaching(reverse: &[Vec<u32>], target: u32) -> Vec<bool> {
    reaching_around(reverse, target, &[])
}

/// [`reaching`], with the walk never passing through the nodes in `closed`: those reach
/// `target` only when an edge leaves them straight to it or to a node the walk did reach, and
/// they are then marked but not walked on from. (A module already initialising when the
/// import runs is one: importing it again runs nothing.)
pub fn reaching_around(reverse: &[Vec<u32>], target: u32, closed: &[u32]) -> Vec<bool> {
    let mut seen = vec![false; reverse.len()];
    let mut queue = VecDeque::new();
    if (target as usize) < reverse.len() {
        queue.push_back(target);
    }
    while let Some(v) = queue.pop_front() {
        for &u in &reverse[v as usize] {
            if !seen[u as usize] {
                seen[u as usize] = true;
                if !closed.contains(&u) {
                    queue.push_back(u);
                }
            }
        }
    }
    seen
}

/// Reversed adjacency lists of `edges` over `0..n` (sources ascending, self-loops dropped).
pub fn reverse_adjacency(n: usize, edges: &[(u32, u32)]) -> Vec<Vec<u32>> {
    let mut rev: Vec<Vec<u32>> = vec![Vec::new(); n];
    for &(from, to) in edges {
        if from != to && (from as usize) < n && (to as usize) < n {
            rev[to as usize].push(from);
        }
    }
    for r in &mut rev {
        r.sort_unstable();
        r.dedup();
    }
    rev
}

/// Components with their shortest cycle and breakers.
pub fn derive(n: usize, edges: &[Edge]) -> Vec<Component> {
    let adj = adjacency(n, edges);
    sccs(n, edges)
        .into_iter()
        .map(|members| {
            let cycle = shortest_cycle(&members, &adj, 256);
            let breakers = breakers(&members, edges);
            Component {
                members,
                cycle,
                breakers,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
