use super::*;

fn e(from: u32, to: u32) -> Edge {
    Edge {
        from,
        to,
        weight: 1,
        soft: 0,
    }
}

/// Whether the graph restricted to `members`, without `removed` edges, has a cycle.
fn has_cycle(members: &[u32], edges: &[Edge], removed: &[(u32, u32)]) -> bool {
    let kept: Vec<Edge> = edges
        .iter()
        .filter(|x| {
            members.contains(&x.from)
                && members.contains(&x.to)
                && !removed.contains(&(x.from, x.to))
        })
        .copied()
        .collect();
    let n = members.iter().max().map_or(0, |m| *m as usize + 1);
    !sccs(n, &kept).is_empty()
}

/// A small deterministic pseudo-random generator (no dependency needed for a test).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as u32
    }
}

#[test]
fn components_of_a_small_graph() {
    // 0 -> 1 -> 2 -> 0, 2 -> 3, 3 -> 4 -> 3, 5 alone, 6 -> 6 (a self import is no cycle here)
    let edges = [
        e(0, 1),
        e(1, 2),
        e(2, 0),
        e(2, 3),
        e(3, 4),
        e(4, 3),
        e(6, 6),
    ];
    assert_eq!(sccs(7, &edges), vec![vec![0, 1, 2], vec![3, 4]]);
    let d = derive(7, &edges);
    assert_eq!(d[0].cycle, vec![0, 1, 2]);
    assert_eq!(d[1].cycle, vec![3, 4]);
    assert_eq!(d[0].breakers.len(), 1);
    assert!(!has_cycle(&d[0].members, &edges, &d[0].breakers));
}

#[test]
fn shortest_cycle_is_shortest() {
    // A 4-cycle 0->1->2->3->0 with a chord 2->0 making 0->1->2->0 the shortest.
    let edges = [e(0, 1), e(1, 2), e(2, 3), e(3, 0), e(2, 0)];
    let d = derive(4, &edges);
    assert_eq!(d[0].cycle, vec![0, 1, 2]);
}

#[test]
fn heavy_edges_are_kept_and_soft_ones_broken() {
    // 0 <-> 1: the edge of 5 imports stays, the edge of 1 import is the breaker.
    let heavy = Edge {
        from: 0,
        to: 1,
        weight: 5,
        soft: 0,
    };
    let d = derive(2, &[heavy, e(1, 0)]);
    assert_eq!(d[0].breakers, vec![(1, 0)]);
    // At equal counts, the edge whose import is function-level is the one to break.
    let soft = Edge {
        from: 0,
        to: 1,
        weight: 1,
        soft: 1,
    };
    let d = derive(2, &[soft, e(1, 0)]);
    assert_eq!(d[0].breakers, vec![(0, 1)]);
}

#[test]
fn deep_chains_do_not_overflow_the_stack() {
    let n = 200_000u32;
    let mut edges: Vec<Edge> = (0..n - 1).map(|i| e(i, i + 1)).collect();
    edges.push(e(n - 1, 0));
    let c = sccs(n as usize, &edges);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].len(), n as usize);
}

#[test]
fn properties_on_random_graphs() {
    // Every printed cycle is a cycle of the graph inside its component; removing the breakers
    // leaves the component acyclic; components partition the nodes that lie on cycles.
    let mut rng = Lcg(7);
    for round in 0..300 {
        let n = 2 + (rng.next() % 40) as usize;
        let m = (rng.next() % (n as u32 * 3)) as usize;
        let mut edges: Vec<Edge> = (0..m)
            .map(|_| Edge {
                from: rng.next() % n as u32,
                to: rng.next() % n as u32,
                weight: 1 + rng.next() % 4,
                soft: 0,
            })
            .collect();
        for x in &mut edges {
            x.soft = rng.next() % (x.weight + 1);
        }
        let comps = derive(n, &edges);
        let mut seen = std::collections::HashSet::new();
        for c in &comps {
            assert!(c.members.len() >= 2, "round {round}");
            for m in &c.members {
                assert!(seen.insert(*m), "round {round}: {m} in two components");
            }
            // The cycle: consecutive nodes are edges, all inside the component.
            assert!(c.cycle.len() >= 2, "round {round}");
            for (i, v) in c.cycle.iter().enumerate() {
                let w = c.cycle[(i + 1) % c.cycle.len()];
                assert!(c.members.contains(v), "round {round}");
                assert!(
                    edges.iter().any(|x| x.from == *v && x.to == w),
                    "round {round}: {v} -> {w} is not an edge"
                );
            }
            assert!(has_cycle(&c.members, &edges, &[]), "round {round}");
            assert!(
                !has_cycle(&c.members, &edges, &c.breakers),
                "round {round}: breakers leave a cycle"
            );
            for b in &c.breakers {
                assert!(edges.iter().any(|x| (x.from, x.to) == *b), "round {round}");
            }
        }
        // A node on a cycle (by brute force: it reaches itself) is in a component.
        let adj = adjacency(n, &edges);
        for v in 0..n as u32 {
            let mut stack: Vec<u32> = adj[v as usize].clone();
            let mut visited = vec![false; n];
            let mut reaches_self = false;
            while let Some(w) = stack.pop() {
                if w == v {
                    reaches_self = true;
                    break;
                }
                if !visited[w as usize] {
                    visited[w as usize] = true;
                    stack.extend(&adj[w as usize]);
                }
            }
            assert_eq!(reaches_self, seen.contains(&v), "round {round}: node {v}");
        }
    }
}

#[test]
fn reaching_walks_the_reversed_edges() {
    // 0 -> 1 -> 2 -> 3, 4 -> 2, 3 -> 1 (a cycle 1-2-3), 5 alone.
    let edges = [(0, 1), (1, 2), (2, 3), (4, 2), (3, 1), (5, 5)];
    let rev = reverse_adjacency(6, &edges);
    let r = reaching(&rev, 2);
    assert_eq!(r, vec![true, true, true, true, true, false]);
    let r = reaching(&rev, 0);
    assert_eq!(
        r,
        vec![false; 6],
        "nothing reaches the root, not even itself"
    );
    let r = reaching(&rev, 4);
    assert_eq!(r, vec![false; 6]);
    assert_eq!(
        reaching(&rev, 9),
        vec![false; 6],
        "an unknown node is reached by nothing"
    );
    // Around 1: 0 and 3 (and 2 itself) reach 2 only through 1, so they are not reached; 1,
    // with its own edge to 2, is.
    let r = reaching_around(&rev, 2, &[1]);
    assert_eq!(r, vec![false, true, false, false, true, false]);
}
