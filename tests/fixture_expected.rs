//! The generated monorepo's ground truth (`.expected.json`) against the index.

mod common;

use common::*;

fn expected() -> serde_json::Value {
    let text = std::fs::read_to_string(fixture("monorepo").join(".expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn indexed() -> (tempfile::TempDir, std::path::PathBuf) {
    let repo = copy_fixture("monorepo");
    let db = repo.path().join("facts.db");
    index(repo.path(), &db);
    (repo, db)
}

#[test]
fn every_relative_import_is_found_and_resolved() {
    let (repo, db) = indexed();
    let rows = sql_json(
        repo.path(),
        &db,
        "SELECT f.path, i.stmt_line AS line, i.absolute_module, i.name, i.target_kind \
         FROM imports i JOIN files f USING (file_id) WHERE i.level > 0 ORDER BY f.path, i.line",
    );
    let exp = expected();
    let want = exp["relative_imports"].as_array().unwrap();
    assert!(!want.is_empty());
    for w in want {
        let file = w["file"].as_str().unwrap();
        let line = w["line"].as_i64().unwrap();
        let row = rows
            .iter()
            .find(|r| r["path"] == file && r["line"] == line)
            .unwrap_or_else(|| panic!("relative import {file}:{line} not found"));
        // `from pkg.mod import Name` is what the rewrite to an absolute import must say.
        let absolute = format!(
            "from {} import {}",
            row["absolute_module"].as_str().unwrap(),
            row["name"].as_str().unwrap()
        );
        assert_eq!(absolute, w["absolute"].as_str().unwrap());
        assert_eq!(row["target_kind"], "repo");
    }
    assert_eq!(
        rows.len(),
        want.len(),
        "no relative import beyond the expected ones"
    );
}

#[test]
fn every_syntax_error_file_is_found() {
    let (repo, db) = indexed();
    let files = column(
        repo.path(),
        &db,
        "SELECT DISTINCT f.path FROM syntax_errors e JOIN files f USING (file_id) ORDER BY f.path",
    );
    let exp = expected();
    let want: Vec<String> = exp["syntax_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(files, want);
    let status = column(
        repo.path(),
        &db,
        "SELECT path FROM files WHERE status = 'syntax_error' ORDER BY path",
    );
    assert_eq!(status, want);
}

#[test]
fn every_top_level_return_is_found() {
    let (repo, db) = indexed();
    let rows = sql_json(
        repo.path(),
        &db,
        "SELECT f.path AS file, r.line FROM outside_returns r JOIN files f USING (file_id) \
         WHERE r.kind = 'return' ORDER BY f.path, r.line",
    );
    let exp = expected();
    let want = exp["top_level_returns"].as_array().unwrap();
    assert_eq!(rows.len(), want.len());
    for w in want {
        assert!(
            rows.iter()
                .any(|r| r["file"] == w["file"] && r["line"] == w["line"]),
            "{w} not found in {rows:?}"
        );
    }
}

#[test]
fn latin1_file_is_indexed_not_skipped() {
    let (repo, db) = indexed();
    let rows = sql_json(
        repo.path(),
        &db,
        "SELECT encoding, status FROM files WHERE path = 'labs/broken/latin1.py'",
    );
    assert_eq!(rows[0]["encoding"], "latin-1");
    assert_eq!(rows[0]["status"], "ok");
    let n = column(
        repo.path(),
        &db,
        "SELECT count(*) FROM definitions d JOIN files f USING (file_id) \
         WHERE f.path = 'labs/broken/latin1.py' AND d.name = 'NAME'",
    );
    assert_eq!(n, vec!["1"]);
}

#[test]
fn import_cycles_of_the_ground_truth_are_in_the_import_graph() {
    let (repo, db) = indexed();
    let rows = sql_json(
        repo.path(),
        &db,
        "SELECT importer, imported FROM (SELECT src_module AS importer, dst_module AS imported \
         FROM import_edges WHERE kind = 'eager') ORDER BY 1, 2",
    );
    let exp = expected();
    for cycle in exp["cycles"].as_array().unwrap() {
        let members: Vec<&str> = cycle
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        // Every member imports another member.
        for m in &members {
            assert!(
                rows.iter()
                    .any(|r| r["importer"] == *m
                        && members.contains(&r["imported"].as_str().unwrap())),
                "{m} has no edge inside its cycle {members:?}"
            );
        }
    }
}

#[test]
fn every_owned_file_is_indexed_with_its_lane() {
    let (repo, db) = indexed();
    let exp = expected();
    let rows = sql_json(
        repo.path(),
        &db,
        "SELECT path, lane FROM files ORDER BY path",
    );
    for path in exp["owners"].as_object().unwrap().keys() {
        let row = rows
            .iter()
            .find(|r| r["path"] == path.as_str())
            .unwrap_or_else(|| panic!("{path} not indexed"));
        let lane = row["lane"].as_str().unwrap();
        let want = match path.split('/').next().unwrap() {
            "lukhas" | "core" | "MATRIZ" => "production",
            "labs" | "candidate" => "labs",
            _ => "default",
        };
        assert_eq!(lane, want, "{path}");
    }
}
