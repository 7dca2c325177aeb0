//! The database: corrupt, stale, locked, interrupted, concurrent.

mod common;

use common::*;
use predicates::prelude::*;

/// Starts `codefacts index`, waits (bounded) until it has written every row and sits right
/// before its commit, and kills it with SIGKILL.
#[cfg(unix)]
fn kill_index_before_commit(root: &std::path::Path, db: &std::path::Path) {
    let marker = root.join("ready");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("codefacts"))
        .env("CODEFACTS_TEST_HANG_BEFORE_COMMIT", &marker)
        .arg("index")
        .arg(root)
        .arg("--db")
        .arg(db)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..600 {
        if marker.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(marker.exists(), "the run never reached its commit");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn corrupt_database_is_rebuilt_with_a_message() {
    let repo = copy_fixture("edge");
    let db = repo.path().join("facts.db");
    std::fs::write(&db, b"this is not an SQLite database, not at all, no").unwrap();
    codefacts()
        .arg("index")
        .arg(repo.path())
        .arg("--db")
        .arg(&db)
        .assert()
        .success()
        .stderr(predicate::str::contains("rebuilt the index"))
        .stdout(predicate::str::contains("18 parsed, 0 removed"));
}

#[test]
fn database_of_another_schema_version_is_rebuilt() {
    let repo = copy_fixture("edge");
    let db = repo.path().join("facts.db");
    index(repo.path(), &db);
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
    }
    // Queries refuse it with a clear message...
    codefacts()
        .args(["sql", "--no-index", "--path"])
        .arg(repo.path())
        .arg("--db")
        .arg(&db)
        .arg("SELECT 1")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("schema version 999"));
    // ...and the next index rebuilds it.
    codefacts()
        .arg("index")
        .arg(repo.path())
        .arg("--db")
        .arg(&db)
        .assert()
        .success()
        .stderr(predicate::str::contains("schema version 999"))
        .stdout(predicate::str::contains("18 parsed, 0 removed"));
}

#[test]
fn locked_database_is_an_error_that_loses_nothing() {
    let repo = copy_fixture("edge");
    let db = repo.path().join("facts.db");
    index(repo.path(), &db);
    std::fs::write(repo.path().join("new.py"), "import os\n").unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    codefacts()
        .env("CODEFACTS_BUSY_TIMEOUT_MS", "300")
        .arg("index")
        .arg(repo.path())
        .arg("--db")
        .arg(&db)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("locked"));
    conn.execute_batch("ROLLBACK").unwrap();
    drop(conn);
    let n = column(repo.path(), &db, "SELECT count(*) FROM files");
    assert_eq!(n, vec!["19"]);
    assert!(index(repo.path(), &db).contains("1 parsed"));
}

#[cfg(unix)]
#[test]
fn killed_run_leaves_the_previous_index_intact() {
    let repo = copy_fixture("edge");
    let db = repo.path().join("facts.db");
    index(repo.path(), &db);
    let before = sql_json(
        repo.path(),
        &db,
        "SELECT path, hash FROM files ORDER BY path",
    );
    std::fs::write(repo.path().join("src/app/core.py"), "import changed\n").unwrap();
    std::fs::remove_file(repo.path().join("classes/defs.py")).unwrap();
    kill_index_before_commit(repo.path(), &db);
    let after = sql_json(
        repo.path(),
        &db,
        "SELECT path, hash FROM files ORDER BY path",
    );
    assert_eq!(before, after);
    let ok = column(repo.path(), &db, "PRAGMA integrity_check");
    assert_eq!(ok, vec!["ok"]);
    // The next run picks the changes up.
    let out = index(repo.path(), &db);
    assert!(out.contains("1 parsed, 1 removed"), "{out}");
}

#[test]
fn two_runs_started_together_both_succeed() {
    let repo = copy_fixture("monorepo");
    let db = repo.path().join("facts.db");
    let spawn = || {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("codefacts"))
            .arg("index")
            .arg(repo.path())
            .arg("--db")
            .arg(&db)
            .output()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(spawn);
        let b = s.spawn(spawn);
        (a.join().unwrap().unwrap(), b.join().unwrap().unwrap())
    });
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    let n = column(repo.path(), &db, "SELECT count(*) FROM files");
    assert_eq!(n, vec!["129"]); // packages/**/generated/** is excluded
    let dup = column(
        repo.path(),
        &db,
        "SELECT count(*) FROM (SELECT file_id, line, col, name FROM imports \
         GROUP BY file_id, line, col, name HAVING count(*) > 1)",
    );
    assert_eq!(dup, vec!["0"]);
    assert!(index(repo.path(), &db).contains(": 0 parsed, 0 removed"));
}

#[cfg(unix)]
#[test]
fn killed_first_build_leaves_no_half_index_behind() {
    let repo = copy_fixture("edge");
    let dir = repo.path().join("out");
    std::fs::create_dir(&dir).unwrap();
    let db = dir.join("facts.db");
    kill_index_before_commit(repo.path(), &db);
    // The new index was being built in a scratch file: no database appeared.
    assert!(!db.exists());
    let scratch: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    assert_eq!(scratch.len(), 1, "one orphaned scratch file");
    // The next run builds the index and removes the orphan.
    assert!(index(repo.path(), &db).contains("18 parsed"));
    let left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
