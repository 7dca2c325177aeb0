#![allow(dead_code)]
//! Shared helpers for the integration tests.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Copies a fixture repository into a fresh temporary directory.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), dir.path());
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    let mut stack = vec![(from.to_path_buf(), to.to_path_buf())];
    while let Some((src, dst)) = stack.pop() {
        for entry in std::fs::read_dir(&src).unwrap() {
            let entry = entry.unwrap();
            let target = dst.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                if entry.file_name() == ".codefacts" {
                    continue;
                }
                std::fs::create_dir_all(&target).unwrap();
                stack.push((entry.path(), target));
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }
}

pub fn codefacts() -> Command {
    let mut c = Command::cargo_bin("codefacts").unwrap();
    c.env_remove("CODEFACTS_TEST_HANG_BEFORE_COMMIT");
    c
}

/// Runs `codefacts index ROOT --db DB` and returns stdout.
pub fn index(root: &Path, db: &Path) -> String {
    index_with(root, db, &[])
}

/// Runs `codefacts index ROOT --db DB ARGS...` (`--semantic`, ...) and returns stdout.
pub fn index_with(root: &Path, db: &Path, args: &[&str]) -> String {
    let out = codefacts()
        .args(["index"])
        .args(args)
        .arg(root)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "index failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs SQL (without re-indexing) and returns the rows as JSON objects.
pub fn sql_json(root: &Path, db: &Path, sql: &str) -> Vec<serde_json::Value> {
    let out = codefacts()
        .args(["sql", "--no-index", "--format", "json", "--path"])
        .arg(root)
        .arg("--db")
        .arg(db)
        .arg(sql)
        .output()
        .unwrap();
    json_rows(&out)
}

/// The JSON rows a successful run printed; a failed run fails the test with its stderr.
pub fn json_rows(out: &std::process::Output) -> Vec<serde_json::Value> {
    assert!(
        out.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// A finished run as (exit code, stdout, stderr).
pub fn outcome(out: std::process::Output) -> (i32, String, String) {
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A single-column query as strings.
pub fn column(root: &Path, db: &Path, sql: &str) -> Vec<String> {
    sql_json(root, db, sql)
        .into_iter()
        .map(|row| {
            let v = row.as_object().unwrap().values().next().unwrap().clone();
            match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            }
        })
        .collect()
}

/// A fresh git repository (a `.git` folder, so it is its own root) holding these files.
pub fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// Writes `text` to `root/path`, creating its folders.
pub fn write(root: &Path, path: &str, text: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}
