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
        .stderr(predicate::str::contains(
            "no report with @id `no-such-query`",
        ));
}

/// `codefacts sql --no-index ARGS... SQL` on an indexed copy of the edge fixture.
fn sql_run(db: &std::path::Path, args: &[&str], sql: &str) -> std::process::Output {
    codefacts()
        .args(["sql", "--no-index", "--db"])
        .arg(db)
        .args(args)
        .arg(sql)
        .output()
        .unwrap()
}

#[test]
fn sql_is_read_only_whatever_the_statement() {
    let repo = copy_fixture("edge");
    let db = repo.path().join("facts.db");
    index(repo.path(), &db);
    let before = std::fs::read(&db).unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let stolen = out_dir.path().join("copy.db");
    let attempts = [
        format!(
            "PRAGMA query_only = OFF; VACUUM INTO '{}'",
            stolen.display()
        ),
        format!("VACUUM INTO '{}'", stolen.display()),
        "VACUUM".to_string(),
        format!("ATTACH '{}' AS other", stolen.display()),
        "PRAGMA query_only = OFF".to_string(),
        "PRAGMA journal_mode = DELETE".to_string(),
        "PRAGMA writable_schema = ON".to_string(),
        "PRAGMA user_version = 7".to_string(),
        "DELETE FROM files".to_string(),
        "UPDATE files SET lane = 'x'".to_string(),
        "INSERT INTO meta VALUES ('k', 'v')".to_string(),
        "CREATE TEMP TABLE t(x)".to_string(),
        "CREATE TABLE t(x)".to_string(),
        "DROP TABLE files".to_string(),
        "ALTER TABLE files ADD COLUMN x".to_string(),
        "REINDEX".to_string(),
        "ANALYZE".to_string(),
        // A reading statement first does not open the door for the next one.
        "SELECT 1; DELETE FROM files".to_string(),
    ];
    for sql in &attempts {
        let out = sql_run(&db, &[], sql);
        assert_eq!(out.status.code(), Some(2), "{sql} was allowed");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("codefacts sql only reads the index"),
            "{sql}: {stderr}"
        );
        assert!(!stolen.exists(), "{sql} wrote {}", stolen.display());
    }
    assert_eq!(std::fs::read(&db).unwrap(), before, "the database changed");
    // What a query needs still works: reading pragmas, table-valued pragmas, CTEs.
    for sql in [
        "PRAGMA table_info(files)",
        "PRAGMA user_version",
        "PRAGMA integrity_check",
        "SELECT count(*) FROM pragma_table_info('files')",
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5) SELECT sum(x) FROM n",
    ] {
        let out = sql_run(&db, &[], sql);
        assert!(
            out.status.success(),
            "{sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn sql_streams_rows_and_stops_on_time() {
    let repo = copy_fixture("edge");
    let db = repo.path().join("facts.db");
    index(repo.path(), &db);
    let endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c";
    // An endless result into a reader that takes one line: the first rows arrive and the run
    // ends quietly when the reader goes (it was buffered to 2 GB before).
    let bin = assert_cmd::cargo::cargo_bin("codefacts");
    for format in ["csv", "json", "md"] {
        let script = format!(
            "'{}' sql --no-index --db '{}' --format {format} \"{endless}\" | head -n 2; \
             echo \"status ${{PIPESTATUS[0]}}\"",
            bin.display(),
            db.display()
        );
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(&script)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.ends_with("status 0\n"), "{format}: {text}");
        assert_eq!(text.lines().count(), 3, "{format}: {text}");
        assert!(String::from_utf8_lossy(&out.stderr).is_empty());
    }
    // A table is laid out at the end: it stops at its cap and says so.
    let out = sql_run(&db, &[], endless);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("(the first 10000 rows; the rest were not read"),
        "{}",
        &text[text.len() - 200..]
    );
    // --timeout stops a query that produces nothing for a long time.
    let out = sql_run(
        &db,
        &["--timeout", "0.5", "--format", "csv"],
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("stopped after 0.5 s (--timeout)"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
