//! `check --since REV` and `ratchet --since REV`: only findings new since the merge base of
//! REV and HEAD, matched by identity (moved code and renamed files are not new), in real git
//! repositories; a shallow clone that lacks REV is an error that says to fetch deeper.

mod common;

use std::path::Path;
use std::process::Command;

use common::{codefacts, write};

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn commit(root: &Path, message: &str) {
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", message]);
}

/// `codefacts ARGS` in `root`: (exit code, sorted finding lines, stderr).
fn run(root: &Path, args: &[&str]) -> (i32, Vec<String>, String) {
    let out = codefacts().current_dir(root).args(args).output().unwrap();
    let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains(".py:"))
        .map(str::to_string)
        .collect();
    lines.sort();
    (
        out.status.code().unwrap_or(-1),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn check_since(root: &Path, rev: &str) -> (i32, Vec<String>, String) {
    run(
        root,
        &["check", "--output-format", "concise", "--since", rev],
    )
}

/// A repository on `main` with old debt: `old` undefined in `f`, `os` unused.
fn base_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, ".gitignore", ".codefacts/\n");
    write(
        root,
        "pyproject.toml",
        "[tool.ruff.lint]\nselect = [\"F\"]\n",
    );
    write(
        root,
        "app/core.py",
        "import os\n\n\ndef f():\n    return old\n",
    );
    write(root, "app/other.py", "def g():\n    return still_old\n");
    commit(root, "base");
    dir
}

#[test]
fn moved_code_is_not_new_and_a_new_finding_is() {
    let dir = base_repo();
    let root = dir.path();
    // Uncommitted: code moves down three lines, and a new undefined name comes.
    write(
        root,
        "app/core.py",
        "import os\n\n\nX = 1\n\n\ndef f():\n    return old\n\n\ndef h():\n    return brand_new\n",
    );
    let (code, lines, stderr) = check_since(root, "HEAD");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        lines,
        vec!["app/core.py:12:12: F821 Undefined name `brand_new`".to_string()]
    );
    assert!(stderr.contains("1 of 4 findings are new since"), "{stderr}");
    // Without --since, all of them.
    let (_, all, _) = run(root, &["check", "--output-format", "concise"]);
    assert_eq!(all.len(), 4, "{all:?}");
    // Nothing new: exit 0.
    write(
        root,
        "app/core.py",
        "import os\n\n\nX = 1\n\n\ndef f():\n    return old\n",
    );
    let (code, lines, stderr) = check_since(root, "HEAD");
    assert_eq!(code, 0, "{stderr}");
    assert!(lines.is_empty(), "{lines:?}");
}

#[test]
fn a_branch_means_its_merge_base_so_fixes_on_main_do_not_look_new() {
    let dir = base_repo();
    let root = dir.path();
    git(root, &["checkout", "-q", "-b", "feature"]);
    write(root, "app/feature.py", "print(feature_bug)\n");
    commit(root, "feature");
    // Meanwhile main fixes the old debt in other.py.
    git(root, &["checkout", "-q", "main"]);
    write(root, "app/other.py", "def g():\n    return 1\n");
    commit(root, "fix on main");
    git(root, &["checkout", "-q", "feature"]);
    // Compared with main's tip, other.py's old finding would look new; with the merge base,
    // only the feature's own finding is.
    let (code, lines, stderr) = check_since(root, "main");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        lines,
        vec!["app/feature.py:1:7: F821 Undefined name `feature_bug`".to_string()]
    );
    let base = git(root, &["merge-base", "main", "HEAD"]);
    assert!(stderr.contains(&base.trim()[..10]), "{stderr}");
    // The ratchet says the same, and writes no baseline.
    let (code, lines, stderr) = run(root, &["ratchet", "--since", "main"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        lines,
        vec!["new: app/feature.py:1:7: F821 Undefined name `feature_bug`".to_string()]
    );
    assert!(!root.join("codefacts-baseline.json").exists());
    write(root, "app/feature.py", "print('fixed')\n");
    let (code, _, stderr) = run(root, &["ratchet", "--since", "main"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_renamed_file_keeps_its_findings() {
    let dir = base_repo();
    let root = dir.path();
    git(root, &["mv", "app/other.py", "app/renamed.py"]);
    let (code, lines, stderr) = check_since(root, "HEAD");
    assert_eq!(code, 0, "{stderr}");
    assert!(lines.is_empty(), "{lines:?}");
    // The index itself is untouched by the analysis of the base: it holds the work tree.
    let (_, all, _) = run(root, &["check", "--output-format", "concise"]);
    assert!(
        all.iter()
            .any(|l| l.starts_with("app/renamed.py:2:12: F821")),
        "{all:?}"
    );
    assert!(
        !all.iter().any(|l| l.starts_with("app/other.py")),
        "{all:?}"
    );
    // No scratch copy of the index is left behind.
    let left: Vec<_> = std::fs::read_dir(root.join(".codefacts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("since"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn an_unknown_revision_and_a_shallow_clone_are_errors() {
    let dir = base_repo();
    let root = dir.path();
    let (code, _, stderr) = check_since(root, "no-such-branch");
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--since no-such-branch: no such revision"),
        "{stderr}"
    );
    let (code, _, stderr) = run(root, &["check", "--since", "HEAD", "--no-index"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("drop --no-index"), "{stderr}");
    // Two more commits, and a clone that has only the last one.
    write(root, "app/more.py", "x = 1\n");
    commit(root, "more");
    write(root, "app/more.py", "x = 2\n");
    commit(root, "more again");
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", root.display());
    let out = Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url])
        .arg(clone.path().join("c"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let shallow = clone.path().join("c");
    let (code, _, stderr) = check_since(&shallow, "HEAD~2");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("shallow"), "{stderr}");
    assert!(stderr.contains("fetch"), "{stderr}");
    let (code, _, stderr) = run(&shallow, &["ratchet", "--since", "HEAD~2"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("shallow"), "{stderr}");
}

#[test]
fn a_fresh_clone_with_the_index_restored_parses_only_what_differs() {
    // CI: the index built on main is restored into a fresh clone, where every mtime is new.
    let dir = tempfile::tempdir().unwrap();
    let origin = dir.path().join("origin");
    std::fs::create_dir(&origin).unwrap();
    git(&origin, &["init", "-q"]);
    write(&origin, ".gitignore", ".codefacts/\n");
    for i in 0..300 {
        write(
            &origin,
            &format!("pkg/m{i:03}.py"),
            &format!("import os\n\n\ndef f{i}():\n    return {i}\n"),
        );
    }
    write(&origin, "pkg/__init__.py", "");
    commit(&origin, "base");
    let (code, _, stderr) = run(&origin, &["index"]);
    assert_eq!(code, 0, "{stderr}");
    let clone = dir.path().join("clone");
    let out = Command::new("git")
        .args(["clone", "-q"])
        .arg(&origin)
        .arg(&clone)
        .output()
        .unwrap();
    assert!(out.status.success());
    std::fs::create_dir(clone.join(".codefacts")).unwrap();
    std::fs::copy(
        origin.join(".codefacts/facts.db"),
        clone.join(".codefacts/facts.db"),
    )
    .unwrap();
    // One file changes, keeping its size.
    let victim = clone.join("pkg/m007.py");
    let text = std::fs::read_to_string(&victim).unwrap();
    std::fs::write(&victim, text.replace("return 7", "return 8")).unwrap();
    let out = codefacts()
        .current_dir(&clone)
        .env("CODEFACTS_TIMINGS", "1")
        .args(["index"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("indexed 301 files: 1 parsed"), "{stdout}");
    assert!(
        stderr.contains("asked git which files are unmodified"),
        "{stderr}"
    );
    // The index holds the new bytes, under git's own object id.
    let out = codefacts()
        .current_dir(&clone)
        .args([
            "sql",
            "--no-index",
            "--format",
            "csv",
            "SELECT hash FROM files WHERE path = 'pkg/m007.py'",
        ])
        .output()
        .unwrap();
    let stored = String::from_utf8_lossy(&out.stdout);
    let blob = git(&clone, &["hash-object", "pkg/m007.py"]);
    assert_eq!(stored.lines().nth(1), Some(blob.trim()), "{stored}");
    let (_, lines, _) = run(
        &clone,
        &["check", "--output-format", "concise", "--select", "F401"],
    );
    assert_eq!(lines.len(), 300, "{lines:?}");
}
