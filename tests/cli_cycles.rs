//! The derived relations of the import graph and the `cycles` report.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;

fn cycles(root: &Path, db: &Path, graph: &str) -> Vec<serde_json::Value> {
    let out = codefacts()
        .args(["report", "cycles", "--format", "json", "--param"])
        .arg(format!("graph={graph}"))
        .arg("--path")
        .arg(root)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap();
    json_rows(&out)
}

#[test]
fn components_are_the_generated_monorepos_cycles() {
    // The generator's ground truth: the cycles it planted, as sets of modules.
    let repo = copy_fixture("monorepo");
    let root = repo.path();
    let db = root.join("facts.db");
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join(".expected.json")).unwrap())
            .unwrap();
    let want: BTreeSet<Vec<String>> = expected["cycles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let mut v: Vec<String> = c
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m.as_str().unwrap().to_string())
                .collect();
            v.sort();
            v
        })
        .collect();
    assert!(!want.is_empty());
    for graph in ["eager", "all"] {
        let rows = cycles(root, &db, graph);
        assert_eq!(rows[0]["component"], "summary");
        assert_eq!(rows[0]["size"].as_u64().unwrap() as usize, want.len());
        let got: BTreeSet<Vec<String>> = rows[1..]
            .iter()
            .map(|r| {
                r["members"]
                    .as_str()
                    .unwrap()
                    .lines()
                    .map(str::to_string)
                    .collect()
            })
            .collect();
        assert_eq!(got, want, "graph {graph}");
        for r in &rows[1..] {
            // The chain walks the members and returns where it started; every step names the
            // import statement behind it.
            let steps: Vec<&str> = r["cycle"].as_str().unwrap().lines().collect();
            assert!(steps.len() >= 2);
            let members: Vec<&str> = r["members"].as_str().unwrap().lines().collect();
            let mut first = None;
            let mut prev_dst: Option<String> = None;
            for (i, s) in steps.iter().enumerate() {
                assert!(s.starts_with(&format!("{}. ", i + 1)), "{s}");
                let (edge, stmt) = s.split_once("  (").unwrap();
                let (src, dst) = edge.split_once(". ").unwrap().1.split_once(" -> ").unwrap();
                assert!(members.contains(&src) && members.contains(&dst), "{s}");
                assert!(stmt.contains(".py:") && stmt.contains("import"), "{s}");
                if let Some(p) = &prev_dst {
                    assert_eq!(p, src, "the chain is connected");
                }
                first.get_or_insert(src.to_string());
                prev_dst = Some(dst.to_string());
            }
            assert_eq!(prev_dst, first, "the chain returns to its start");
            assert!(r["breaker_imports"].as_u64().unwrap() >= 1);
        }
    }
}

#[test]
fn the_eager_graph_runs_parent_packages_and_skips_what_does_not_run() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    let files: &[(&str, &str)] = &[
        // a/__init__ imports b.x; b.x imports a.m: running `import a.m` runs a/__init__ first,
        // so a.m -> ... -> a is an eager cycle through the parent package.
        ("a/__init__.py", "import b.x\n"),
        ("a/m.py", "x = 1\n"),
        ("b/__init__.py", ""),
        ("b/x.py", "import a.m\n"),
        // c <-> d only through a function-level import and TYPE_CHECKING: a cycle of `all`,
        // not of `eager`.
        ("c.py", "def f():\n    import d\n"),
        (
            "d.py",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import c\n",
        ),
        // e <-> f only through `if __name__ == "__main__":`, which runs as a script alone.
        ("e.py", "import f\n"),
        ("f.py", "if __name__ == '__main__':\n    import e\n"),
    ];
    for (p, t) in files {
        let path = root.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, t).unwrap();
    }
    let db = root.join("facts.db");
    let members = |graph: &str| -> Vec<String> {
        cycles(root, &db, graph)[1..]
            .iter()
            .map(|r| r["members"].as_str().unwrap().replace('\n', " "))
            .collect()
    };
    assert_eq!(members("eager"), vec!["a b.x"]);
    assert_eq!(members("all"), vec!["c d", "e f"]);
    // dependencies / dependents walk the same graphs, with distance and one chain.
    let walk = |report: &str, module: &str, graph: &str| -> Vec<(String, i64, String)> {
        let out = codefacts()
            .args(["report", report, "--format", "json", "-p"])
            .arg(format!("module={module}"))
            .arg("-p")
            .arg(format!("graph={graph}"))
            .arg("--path")
            .arg(root)
            .arg("--db")
            .arg(&db)
            .output()
            .unwrap();
        json_rows(&out)
            .iter()
            .map(|r| {
                (
                    r["module"].as_str().unwrap().to_string(),
                    r["distance"].as_i64().unwrap(),
                    r["chain"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        walk("dependencies", "a", "eager"),
        vec![
            ("b".to_string(), 1, "a -> b".to_string()),
            ("b.x".to_string(), 1, "a -> b.x".to_string()),
            ("a.m".to_string(), 2, "a -> b.x -> a.m".to_string()),
        ]
    );
    // c loads d only in a function: not at import time, but in the `all` graph.
    assert!(walk("dependencies", "c", "eager").is_empty());
    assert_eq!(
        walk("dependencies", "c", "all"),
        vec![("d".to_string(), 1, "c -> d".to_string())]
    );
    assert_eq!(
        walk("dependents", "a.m", "eager"),
        vec![
            ("b.x".to_string(), 1, "b.x -> a.m".to_string()),
            ("a".to_string(), 2, "a -> b.x -> a.m".to_string()),
        ]
    );
    // An edit that changes no import recomputes nothing; one that breaks the cycle does.
    let timings = |rootp: &Path| -> String {
        let out = codefacts()
            .env("CODEFACTS_TIMINGS", "1")
            .arg("index")
            .arg(rootp)
            .arg("--db")
            .arg(&db)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    std::fs::write(root.join("a/m.py"), "x = 2\n").unwrap();
    assert!(!timings(root).contains("derived the import graph"));
    std::fs::write(root.join("b/x.py"), "def g():\n    import a.m\n").unwrap();
    assert!(timings(root).contains("derived the import graph"));
    assert!(members("eager").is_empty());
}

fn draw(root: &Path, db: &Path, args: &[&str]) -> (i32, String, String) {
    let out = codefacts()
        .arg("report")
        .args(args)
        .arg("--path")
        .arg(root)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap();
    outcome(out)
}

#[test]
fn cycles_are_drawn_in_mermaid_and_dot() {
    let repo = copy_fixture("monorepo");
    let root = repo.path();
    let db = root.join("facts.db");
    let (code, mermaid, err) = draw(root, &db, &["cycles", "--format", "mermaid"]);
    assert_eq!(code, 0, "{err}");
    // The fixture's two planted cycles, breakers dashed.
    assert_eq!(
        mermaid,
        "flowchart LR
  subgraph c0[\"component 1 (3 modules)\"]
    n0[\"candidate.pkg0009.ring001_2\"]
    n1[\"core.pkg0011.ring001_0\"]
    n2[\"lukhas.pkg0010.ring001_1\"]
  end
  subgraph c1[\"component 2 (2 modules)\"]
    n3[\"core.pkg0001.ring000_1\"]
    n4[\"labs.pkg0013.ring000_0\"]
  end
  n0 -->|\"1\"| n1
  n1 -->|\"1\"| n2
  n2 -.->|\"1 (break)\"| n0
  n3 -->|\"1\"| n4
  n4 -.->|\"1 (break)\"| n3
"
    );
    for args in [
        &["cycles", "--format", "dot"][..],
        &["import-graph", "--format", "dot"][..],
        &[
            "dependencies",
            "-p",
            "module=core.pkg0011.ring001_0",
            "--format",
            "dot",
        ][..],
        &[
            "dependents",
            "-p",
            "module=core.pkg0011.ring001_0",
            "-p",
            "graph=all",
            "--format",
            "dot",
        ][..],
    ] {
        let (code, dot, err) = draw(root, &db, args);
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(dot.starts_with("digraph ") && dot.ends_with("}\n"), "{dot}");
        // Graphviz must accept it (`.ci/run` installs graphviz; without it this part is skipped).
        match std::process::Command::new("dot")
            .arg("-Tsvg")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
        {
            Ok(mut child) => {
                use std::io::Write;
                child
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(dot.as_bytes())
                    .unwrap();
                let out = child.wait_with_output().unwrap();
                assert!(
                    out.status.success() && String::from_utf8_lossy(&out.stdout).contains("<svg"),
                    "{args:?}: dot rejected it: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            Err(_) => eprintln!("graphviz `dot` is not installed: DOT syntax not checked by it"),
        }
    }
    let (code, _, err) = draw(root, &db, &["files-overview", "--format", "mermaid"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot be drawn; these can: cycles, dependencies, dependents, import-graph"),
        "{err}"
    );
}

#[test]
fn package_cycles_roll_modules_up() {
    let repo = copy_fixture("monorepo");
    let root = repo.path();
    let db = root.join("facts.db");
    let members = |args: &[&str]| -> BTreeSet<String> {
        let mut a = vec!["cycles", "--format", "json"];
        a.extend_from_slice(args);
        let (code, out, err) = draw(root, &db, &a);
        assert_eq!(code, 0, "{err}");
        let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
        rows[1..]
            .iter()
            .map(|r| r["members"].as_str().unwrap().replace('\n', " "))
            .collect()
    };
    for graph in ["eager", "all"] {
        let g = format!("graph={graph}");
        // The planted cycles are between three-part modules: at depth 3 they are the same.
        assert_eq!(
            members(&["-p", &g, "-p", "level=package", "-p", "depth=3"]),
            members(&["-p", &g]),
            "{graph}"
        );
        // At depth 1 the lanes that the planted cycles join form one component.
        let lanes = members(&["-p", &g, "-p", "level=package", "-p", "depth=1"]);
        assert_eq!(lanes.len(), 1, "{lanes:?}");
        for lane in ["MATRIZ", "candidate", "core", "labs", "lukhas"] {
            assert!(
                lanes.iter().next().unwrap().split(' ').any(|m| m == lane),
                "{lanes:?}"
            );
        }
    }
    let (code, _, err) = draw(
        root,
        &db,
        &["cycles", "-p", "level=package", "-p", "depth=4"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("`depth` takes 1 or 2 or 3"), "{err}");
}

#[test]
fn a_picture_refuses_a_timeout_that_is_not_a_positive_number() {
    let repo = copy_fixture("monorepo");
    let root = repo.path();
    let db = root.join("facts.db");
    for bad in ["--timeout=0", "--timeout=-1", "--timeout=NaN"] {
        let (code, out, err) = draw(root, &db, &["cycles", "--format", "dot", bad]);
        assert_eq!(code, 2, "{err}");
        assert!(out.is_empty(), "{out}");
        assert!(
            err.contains("--timeout takes a positive number of seconds"),
            "{err}"
        );
    }
    let (code, out, err) = draw(root, &db, &["cycles", "--format", "dot", "--timeout", "30"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("digraph"), "{out}");
}
