//! Each canned query against the edge fixture: positives and negatives.

mod common;

use std::path::Path;

use common::*;

fn query(root: &Path, db: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let out = codefacts()
        .arg("query")
        .args(args)
        .args(["--format", "json", "--no-index", "--path"])
        .arg(root)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap();
    json_rows(&out)
}

fn edge() -> (tempfile::TempDir, std::path::PathBuf) {
    let repo = copy_fixture("edge");
    let db = repo.path().join("facts.db");
    index(repo.path(), &db);
    (repo, db)
}

#[test]
fn import_graph_has_eager_function_and_type_checking_edges() {
    let (repo, db) = edge();
    let rows = query(repo.path(), &db, &["import-graph"]);
    let edge = |a: &str, b: &str| {
        rows.iter()
            .find(|r| r["importer"] == a && r["imported"] == b)
            .cloned()
    };
    assert_eq!(edge("app", "app.core").unwrap()["kind"], "eager");
    // TYPE_CHECKING at line 10 and a function-level import at line 23: the stronger one wins.
    let e = edge("app.core", "app.sub.helpers").unwrap();
    assert_eq!(e["kind"], "function");
    assert_eq!(e["imports"], 2);
    // `from nspkg import inner` names a namespace package: no file, no edge.
    assert!(rows.iter().all(|r| r["imported"] != "nspkg.inner"));
    // Stdlib and third-party imports are not repository edges.
    assert!(
        rows.iter()
            .all(|r| r["imported"] != "os.path" && r["imported"] != "requests")
    );
    // A relative import that climbs too far resolves to nothing.
    assert!(rows.iter().all(|r| r["imported"] != "too_far"));
}

#[test]
fn transitive_deps_follow_eager_imports_and_parent_packages() {
    let (repo, db) = edge();
    let rows = query(repo.path(), &db, &["transitive-deps", "-p", "module=app"]);
    let depth = |m: &str| {
        rows.iter()
            .find(|r| r["module"] == m)
            .map(|r| r["depth"].clone())
    };
    assert_eq!(depth("app.core"), Some(1.into()));
    assert_eq!(depth("app.sub.deep.leaf"), Some(2.into()));
    assert_eq!(depth("app.sub.deep"), Some(3.into()));
    let leaf = rows
        .iter()
        .find(|r| r["module"] == "app.sub.deep.leaf")
        .unwrap();
    assert_eq!(leaf["chain"], "app -> app.core -> app.sub.deep.leaf");
    assert!(
        depth("app").is_none(),
        "the start is not its own dependency"
    );

    // A leaf module loads only its parent packages and what they load.
    let rows = query(
        repo.path(),
        &db,
        &["transitive-deps", "-p", "module=app.sub.deep.sibling"],
    );
    let first: Vec<&str> = rows
        .iter()
        .filter(|r| r["depth"] == 1)
        .map(|r| r["module"].as_str().unwrap())
        .collect();
    assert_eq!(first, vec!["app", "app.sub", "app.sub.deep"]);

    // A module nobody defines is an error naming it, not an empty answer.
    codefacts()
        .args(["query", "transitive-deps", "-p", "module=nope", "--path"])
        .arg(repo.path())
        .arg("--db")
        .arg(&db)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no module `nope` in the index"));
}

#[test]
fn transitive_deps_need_their_parameter() {
    let (repo, db) = edge();
    codefacts()
        .args(["query", "transitive-deps", "--no-index", "--path"])
        .arg(repo.path())
        .arg("--db")
        .arg(&db)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--param module=VALUE"));
}

#[test]
fn importers_resolve_relative_imports() {
    let (repo, db) = edge();
    let rows = query(repo.path(), &db, &["importers", "-p", "module=app.core"]);
    let got: Vec<(String, i64)> = rows
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_string(),
                r["line"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(got.contains(&("src/app/sub/deep/leaf.py".into(), 3)));
    assert!(got.contains(&("src/app/__init__.py".into(), 2)));
    // `from ...sub.helpers import helper` does not load app.core.
    assert!(!got.contains(&("src/app/sub/deep/leaf.py".into(), 4)));
}

#[test]
fn files_overview_counts_per_lane() {
    let (repo, db) = edge();
    let rows = query(repo.path(), &db, &["files-overview"]);
    let lane = |l: &str| rows.iter().find(|r| r["lane"] == l).unwrap().clone();
    assert_eq!(lane("app")["files"], 8);
    assert_eq!(lane("scripts")["undecodable"], 1);
    assert_eq!(lane("default")["files_with_syntax_errors"], 1);
    assert_eq!(lane("app")["files_with_syntax_errors"], 0);
}
