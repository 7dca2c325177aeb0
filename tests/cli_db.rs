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
    index(repo.path(), &db);
    // Keep the header (and so our mark), make everything after it garbage.
    let mut bytes = std::fs::read(&db).unwrap();
    for b in bytes.iter_mut().skip(100) {
        *b = 0xA5;
    }
    std::fs::write(&db, &bytes).unwrap();
    let _ = std::fs::remove_file(repo.path().join("facts.db-wal"));
    let _ = std::fs::remove_file(repo.path().join("facts.db-shm"));
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

/// Runs `codefacts index --db DB` on the edge fixture and returns (exit code, stderr).
fn index_into(db: &std::path::Path) -> (i32, String) {
    let repo = copy_fixture("edge");
    let out = codefacts()
        .arg("index")
        .arg(repo.path())
        .arg("--db")
        .arg(db)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_file_that_is_not_ours_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    // A text file, an SQLite database of another program, and one of nobody in particular.
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "my notes\n").unwrap();
    let other = dir.path().join("other.db");
    {
        let conn = rusqlite::Connection::open(&other).unwrap();
        conn.execute_batch(
            "PRAGMA application_id = 1234; CREATE TABLE t(x); INSERT INTO t VALUES (1);",
        )
        .unwrap();
    }
    let plain = dir.path().join("plain.db");
    {
        let conn = rusqlite::Connection::open(&plain).unwrap();
        conn.execute_batch("CREATE TABLE meta(key, value); INSERT INTO meta VALUES ('k', 'v');")
            .unwrap();
    }
    for (path, why) in [
        (&notes, "it is not an SQLite database"),
        (&other, "another program (application_id 0x4d2)"),
        (&plain, "an SQLite database codefacts did not create"),
    ] {
        let before = std::fs::read(path).unwrap();
        let (code, stderr) = index_into(path);
        assert_eq!(code, 2, "{stderr}");
        assert!(
            stderr.contains("refusing to overwrite") && stderr.contains(why),
            "{stderr}"
        );
        assert_eq!(
            std::fs::read(path).unwrap(),
            before,
            "{} was changed",
            path.display()
        );
        // Read-only commands refuse it too, and say why.
        let out = codefacts()
            .args(["sql", "--no-index", "--db"])
            .arg(path)
            .arg("SELECT 1")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
    }
    // An empty file holds nothing to lose: it becomes the index.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, "").unwrap();
    assert_eq!(index_into(&empty).0, 0);
    // And that index carries the mark.
    let conn = rusqlite::Connection::open(&empty).unwrap();
    let app: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(app, 0x4346_4354);
}

#[cfg(unix)]
#[test]
fn never_writes_through_what_is_not_a_regular_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target.txt");
    std::fs::write(&target, "keep me\n").unwrap();
    let link = dir.path().join("link.db");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let (code, stderr) = index_into(&link);
    assert_eq!(code, 2);
    assert!(stderr.contains("a symbolic link"), "{stderr}");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me\n");
    // A folder, and a device node (the null device: never replaced by a regular file).
    let (code, stderr) = index_into(dir.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("it is a folder"), "{stderr}");
    let (code, stderr) = index_into(std::path::Path::new("/dev/null"));
    assert_eq!(code, 2);
    assert!(stderr.contains("not a regular file"), "{stderr}");
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[test]
fn a_dropped_table_is_found_and_the_index_rebuilt() {
    let repo = copy_fixture("edge");
    let db = repo.path().join("facts.db");
    index(repo.path(), &db);
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("DROP TABLE imports").unwrap();
    }
    codefacts()
        .args(["sql", "--no-index", "--db"])
        .arg(&db)
        .arg("SELECT 1")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("table missing: imports"));
    codefacts()
        .arg("index")
        .arg(repo.path())
        .arg("--db")
        .arg(&db)
        .assert()
        .success()
        .stderr(
            predicate::str::contains("rebuilt the index")
                .and(predicate::str::contains("table missing: imports")),
        )
        .stdout(predicate::str::contains("18 parsed"));
    assert_eq!(
        column(repo.path(), &db, "SELECT count(*) > 0 FROM imports"),
        vec!["1"]
    );
}

#[test]
fn a_file_where_the_index_folder_should_be_is_named() {
    let repo = copy_fixture("edge");
    std::fs::write(repo.path().join(".codefacts"), "not a folder\n").unwrap();
    codefacts()
        .arg("index")
        .arg(repo.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            ".codefacts is a file, not a folder",
        ));
    assert_eq!(
        std::fs::read_to_string(repo.path().join(".codefacts")).unwrap(),
        "not a folder\n"
    );
}

#[test]
fn a_run_waiting_for_the_lock_says_so() {
    use std::io::BufRead;
    let repo = copy_fixture("edge");
    let db = repo.path().join("facts.db");
    index(repo.path(), &db);
    std::fs::write(repo.path().join("new.py"), "import os\n").unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("codefacts"))
        .arg("index")
        .arg(repo.path())
        .arg("--db")
        .arg(&db)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The run says it is waiting, naming the database; then the lock goes and it finishes.
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(
        line.contains("waiting for another codefacts run to release the lock on"),
        "{line}"
    );
    assert!(line.contains("facts.db"), "{line}");
    conn.execute_batch("ROLLBACK").unwrap();
    drop(conn);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 parsed"));
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

/// Makes a folder unwritable, even for root (an immutable folder on ext4; root ignores
/// permission bits). Returns false where the file system cannot do that.
#[cfg(unix)]
fn make_unwritable(dir: &std::path::Path, on: bool) -> bool {
    std::process::Command::new("chattr")
        .arg(if on { "+i" } else { "-i" })
        .arg(dir)
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(unix)]
#[test]
fn an_unwritable_folder_is_named_with_the_cause() {
    let repo = copy_fixture("edge");
    let dir = tempfile::tempdir().unwrap();
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    let db = ro.join("facts.db");
    if !make_unwritable(&ro, true) {
        // Without root and chattr, permission bits do it.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        assert!(
            std::fs::write(ro.join("probe"), "").is_err(),
            "cannot make a folder unwritable here: run as a user, or as root with chattr"
        );
    }
    let out = codefacts()
        .arg("index")
        .arg(repo.path())
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    make_unwritable(&ro, false);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("cannot create the index in") && stderr.contains("permission denied"),
        "{stderr}"
    );
    assert!(!stderr.contains("Error code 14"), "{stderr}");
    // An existing index in a folder that became unwritable: named, with the cause.
    index(repo.path(), &db);
    make_unwritable(&ro, true);
    let out = codefacts()
        .args(["sql", "--no-index", "--db"])
        .arg(&db)
        .arg("SELECT 1")
        .output()
        .unwrap();
    make_unwritable(&ro, false);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // SQLite cannot make its -shm file beside the database, so even a read fails: say why.
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is not writable"), "{stderr}");
    assert!(stderr.contains("facts.db"), "{stderr}");
}
