//! `codefacts sql`, `query`, `schema`.

mod common;

use common::*;
use predicates::prelude::*;

#[test]
fn sql_formats() {
    let repo = copy_fixture("edge");
    let db = repo.path().join("facts.db");
    index(repo.path(), &db);
    let q = "SELECT path, lines FROM files WHERE path LIKE 'src/app/%' ORDER BY path LIMIT 2";
    let run = |fmt: &str| {
        let out = codefacts()
            .args(["sql", "--no-index", "--format", fmt, "--path"])
            .arg(repo.path())
            .arg("--db")
            .arg(&db)
            .arg(q)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(
        run("csv"),
        "path,lines\nsrc/app/__init__.py,9\nsrc/app/core.py,31\n"
    );
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(json[1]["path"], "src/app/core.py");
    assert_eq!(json[1]["lines"], 31);
    assert!(run("md").starts_with("| path | lines |\n|---|---|\n| src/app/__init__.py | 9 |"));
    assert!(run("table").contains("src/app/core.py"));
}

#[test]
fn sql_brings_the_index_up_to_date_first() {
    let repo = copy_fixture("edge");
    let db = repo.path().join("facts.db");
    index(repo.path(), &db);
    std::fs::write(repo.path().join("fresh.py"), "import os\n").unwrap();
    codefacts()
        .args(["sql", "--format", "csv", "--path"])
        .arg(repo.path())
        .arg("--db")
        .arg(&db)
        .arg("SELECT path FROM files WHERE path = 'fresh.py' ORDER BY path")
        .assert()
        .success()
        .stdout("path\nfresh.py\n");
}

#[test]
fn sql_errors_exit_2_with_sqlites_message() {
    let repo = copy_fixture("edge");
    let db = repo.path().join("facts.db");
    index(repo.path(), &db);
    codefacts()
        .args(["sql", "--no-index", "--path"])
        .arg(repo.path())
        .arg("--db")
        .arg(&db)
        .arg("SELECT nope FROM files")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such column: nope"));
    // The connection is read-only.
    codefacts()
        .args(["sql", "--no-index", "--path"])
        .arg(repo.path())
        .arg("--db")
        .arg(&db)
        .arg("DELETE FROM files")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("readonly").or(predicate::str::contains("read-only")));
}

#[test]
fn sql_from_a_file_and_no_index_without_database() {
    let repo = copy_fixture("edge");
    let db = repo.path().join("facts.db");
    codefacts()
        .args(["sql", "--no-index", "--path"])
        .arg(repo.path())
        .arg("--db")
        .arg(&db)
        .arg("SELECT 1")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("run `codefacts index` first"));
    let qfile = repo.path().join("q.sql");
    std::fs::write(&qfile, "SELECT count(*) AS n FROM files;").unwrap();
    codefacts()
        .args(["sql", "--format", "csv", "--path"])
        .arg(repo.path())
        .arg("--db")
        .arg(&db)
        .arg("--file")
        .arg(&qfile)
        .assert()
        .success()
        .stdout("n\n19\n");
}

#[test]
fn schema_prints_schema_sql() {
    codefacts()
        .arg("schema")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "CREATE TABLE IF NOT EXISTS imports",
        ));
}

#[test]
fn query_list_and_unknown_id() {
    codefacts()
        .args(["query", "--list", "--format", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::contains("import-graph"));
    codefacts()
        .args(["query", "no-such-query"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no query with @id"));
}
