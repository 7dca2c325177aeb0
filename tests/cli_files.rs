//! `check --files F ...` (what a pre-commit hook runs): it trusts that the named files are all
//! that changed, so it reads only them; the next run without `--files` reconciles the rest.
//! These tests check that nothing is lost that way, and that it reports what a full check
//! reports for those files.

mod common;

use std::path::Path;

use common::{codefacts, column, repo, write};

/// `check ARGS` on `root` (its database in `root/.codefacts`), as concise lines.
fn check(root: &Path, args: &[&str]) -> (i32, Vec<String>, String) {
    let out = codefacts()
        .current_dir(root)
        .args(["check", "--output-format", "concise"])
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut lines: Vec<String> = stdout
        .lines()
        .filter(|l| l.contains(": ") && !l.starts_with("Found ") && !l.starts_with("[*]"))
        .map(str::to_string)
        .collect();
    lines.sort();
    (
        out.status.code().unwrap_or(-1),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn db(root: &Path) -> std::path::PathBuf {
    root.join(".codefacts/facts.db")
}

fn base() -> tempfile::TempDir {
    repo(&[
        (
            "pyproject.toml",
            "[tool.ruff.lint]\nselect = [\"F\", \"TID252\"]\n",
        ),
        ("pkg/__init__.py", ""),
        ("pkg/a.py", "import os\n\n\ndef f():\n    return 1\n"),
        ("pkg/b.py", "from pkg.a import f\n\nprint(f())\n"),
        ("pkg/sub/__init__.py", ""),
        ("pkg/sub/c.py", "from ..a import f\n\nprint(f)\n"),
    ])
}

#[test]
fn only_the_named_files_are_read_and_a_full_run_reconciles_the_rest() {
    let dir = base();
    let root = dir.path();
    let (code, lines, _) = check(root, &[]);
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 2, "{lines:?}"); // F401 in a.py, TID252 in c.py
    // Both a.py and b.py change; only a.py is named.
    write(root, "pkg/a.py", "def f():\n    return undefined_a\n");
    write(
        root,
        "pkg/b.py",
        "from pkg.a import f\n\nprint(f(), undefined_b)\n",
    );
    let (code, lines, _) = check(root, &["--files", "pkg/a.py"]);
    assert_eq!(code, 1);
    assert_eq!(
        lines,
        vec!["pkg/a.py:2:12: F821 Undefined name `undefined_a`".to_string()]
    );
    // b.py was trusted to be unchanged: its facts are those of before.
    let names = column(
        root,
        &db(root),
        "SELECT u.name FROM unresolved_references u JOIN files f USING (file_id) \
         ORDER BY f.path, u.name",
    );
    assert_eq!(names, vec!["undefined_a"]);
    // The next full run finds what changed in b.py.
    let (_, lines, _) = check(root, &[]);
    assert!(lines.iter().any(|l| l.contains("undefined_b")), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("undefined_a")), "{lines:?}");
}

#[test]
fn the_named_files_get_exactly_the_findings_of_a_full_check() {
    let dir = base();
    let root = dir.path();
    check(root, &[]);
    // Cross-file facts: c.py's relative import resolves through a.py; b.py imports a name a.py
    // no longer defines (no finding: pyflakes does not follow imports), a.py loses `os`.
    write(
        root,
        "pkg/a.py",
        "import os, sys\n\n\ndef g():\n    return os\n",
    );
    write(
        root,
        "pkg/sub/c.py",
        "from ..a import g\nfrom . import nothing_here\nimport json\n\nprint(g, h)\n",
    );
    let named = ["pkg/a.py", "pkg/sub/c.py"];
    let mut args = vec!["--files"];
    args.extend(named);
    let (code_files, with_files, _) = check(root, &args);
    let (_, full, _) = check(root, &[]);
    let full_named: Vec<String> = full
        .into_iter()
        .filter(|l| named.iter().any(|n| l.starts_with(&format!("{n}:"))))
        .collect();
    assert_eq!(code_files, 1);
    assert_eq!(with_files, full_named);
    assert!(
        with_files.iter().any(|l| l.contains("F401")),
        "{with_files:?}"
    );
    assert!(
        with_files.iter().any(|l| l.contains("`h`")),
        "{with_files:?}"
    );
}

#[test]
fn a_new_file_a_deleted_file_and_a_changed_configuration_are_not_trusted() {
    let dir = base();
    let root = dir.path();
    check(root, &[]);
    // A file the index does not hold yet: the tree is walked, and the file is checked.
    write(root, "pkg/new.py", "print(new_name)\n");
    let (code, lines, _) = check(root, &["--files", "pkg/new.py"]);
    assert_eq!(code, 1);
    assert_eq!(
        lines,
        vec!["pkg/new.py:1:7: F821 Undefined name `new_name`".to_string()]
    );
    let paths = column(
        root,
        &db(root),
        "SELECT path FROM files WHERE path = 'pkg/new.py'",
    );
    assert_eq!(paths, vec!["pkg/new.py"]);
    // A configuration change: the new selection applies to the named file.
    write(
        root,
        "pyproject.toml",
        "[tool.ruff.lint]\nselect = [\"TID252\"]\n",
    );
    let (code, lines, _) = check(root, &["--files", "pkg/new.py", "pkg/sub/c.py"]);
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("TID252"), "{lines:?}");
    // A configuration that appears below the root, governing the named file.
    write(root, "pkg/sub/ruff.toml", "[lint]\nselect = [\"F401\"]\n");
    write(root, "pkg/sub/c.py", "import json\n");
    let (_, lines, _) = check(root, &["--files", "pkg/sub/c.py"]);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("pkg/sub/c.py:1:8: F401 ") && lines[0].contains("`json`"),
        "{lines:?}"
    );
    // A named file that is gone: Ruff's warning (E902 is not selected), and the index lets
    // it go.
    std::fs::remove_file(root.join("pkg/new.py")).unwrap();
    let (code, lines, stderr) = check(root, &["--files", "pkg/new.py"]);
    assert_eq!(code, 0);
    assert!(lines.is_empty(), "{lines:?}");
    assert!(stderr.contains("Failed to lint pkg/new.py"), "{stderr}");
    let paths = column(
        root,
        &db(root),
        "SELECT path FROM files WHERE path = 'pkg/new.py'",
    );
    assert!(paths.is_empty(), "{paths:?}");
}

#[test]
fn runs_split_by_pre_commit_and_run_concurrently_agree() {
    // pre-commit splits a long list of files into several runs, and another worktree's commit
    // may run at the same time: every run must see a consistent index and report its files.
    let dir = base();
    let root = dir.path();
    let mut files = Vec::new();
    for i in 0..24 {
        let path = format!("pkg/m{i:02}.py");
        write(root, &path, &format!("import os\nprint(name_{i})\n"));
        files.push(path);
    }
    check(root, &[]);
    for (i, path) in files.iter().enumerate() {
        write(root, path, &format!("print(changed_{i})\n"));
    }
    let handles: Vec<_> = files
        .chunks(6)
        .map(|chunk| {
            let root = root.to_path_buf();
            let chunk: Vec<String> = chunk.to_vec();
            std::thread::spawn(move || {
                let mut args = vec!["--files"];
                args.extend(chunk.iter().map(String::as_str));
                check(&root, &args)
            })
        })
        .collect();
    let mut all = Vec::new();
    for h in handles {
        let (code, lines, stderr) = h.join().unwrap();
        assert_eq!(code, 1, "{stderr}");
        all.extend(lines);
    }
    all.sort();
    let want: Vec<String> = (0..24)
        .map(|i| format!("pkg/m{i:02}.py:1:7: F821 Undefined name `changed_{i}`"))
        .collect();
    let mut want_sorted = want.clone();
    want_sorted.sort();
    assert_eq!(all, want_sorted);
}

#[test]
fn files_without_values_takes_the_paths_after_a_hooks_args() {
    // pre-commit runs `entry args files`: `codefacts check --files --select F821 a.py b.py`.
    let dir = base();
    let root = dir.path();
    check(root, &[]);
    write(root, "pkg/a.py", "import os\nprint(x_a)\n");
    write(root, "pkg/b.py", "print(x_b)\n");
    let (code, lines, stderr) = check(
        root,
        &["--files", "--select", "F821", "pkg/a.py", "pkg/b.py"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        lines,
        vec![
            "pkg/a.py:2:7: F821 Undefined name `x_a`".to_string(),
            "pkg/b.py:1:7: F821 Undefined name `x_b`".to_string(),
        ]
    );
    // The same files as values.
    let (_, with_values, _) = check(
        root,
        &["--select", "F821", "--files", "pkg/a.py", "pkg/b.py"],
    );
    assert_eq!(with_values, lines);
}

#[test]
fn an_edit_that_keeps_the_imports_keeps_their_resolution() {
    // The changed files make the imports they made: they are written with the resolution the
    // index holds (no module index is built), which must be what a full run computes.
    let dir = base();
    let root = dir.path();
    check(root, &[]);
    let resolved = |root: &Path| {
        column(
            root,
            &db(root),
            "SELECT f.path || ' ' || i.name || ' -> ' || coalesce(t.path, i.target_kind) \
             FROM imports i JOIN files f USING (file_id) \
             LEFT JOIN files t ON t.file_id = i.target_file_id ORDER BY 1",
        )
    };
    let before = resolved(root);
    assert!(
        before.contains(&"pkg/sub/c.py f -> pkg/a.py".to_string()),
        "{before:?}"
    );
    write(
        root,
        "pkg/sub/c.py",
        "from ..a import f\n\nprint(f, g_new)\n",
    );
    write(
        root,
        "pkg/b.py",
        "from pkg.a import f\n\n\ndef h():\n    return f() + unknown_b\n",
    );
    let (code, with_files, _) = check(root, &["--files", "pkg/sub/c.py", "pkg/b.py"]);
    assert_eq!(code, 1);
    assert_eq!(resolved(root), before);
    let (_, full, _) = check(root, &[]);
    let full_named: Vec<String> = full
        .into_iter()
        .filter(|l| l.starts_with("pkg/sub/c.py:") || l.starts_with("pkg/b.py:"))
        .collect();
    assert_eq!(with_files, full_named);
    assert!(
        with_files.iter().any(|l| l.contains("`g_new`")),
        "{with_files:?}"
    );
    assert!(
        with_files.iter().any(|l| l.contains("`unknown_b`")),
        "{with_files:?}"
    );
    assert!(
        with_files.iter().any(|l| l.contains("TID252")),
        "{with_files:?}"
    );
    assert_eq!(resolved(root), before);
    // Every imports row is what an index built from scratch holds.
    let dump = |root: &Path| {
        column(
            root,
            &db(root),
            "SELECT f.path || '|' || i.line || '|' || i.col || '|' || i.name || '|' || \
             coalesce(i.absolute_module, '-') || '|' || coalesce(i.target_module, '-') || '|' || \
             coalesce(t.path, '-') || '|' || i.target_kind || '|' || i.stmt_start || '|' || \
             i.stmt_end FROM imports i JOIN files f USING (file_id) \
             LEFT JOIN files t ON t.file_id = i.target_file_id ORDER BY 1",
        )
    };
    let trusted = dump(root);
    std::fs::remove_dir_all(root.join(".codefacts")).unwrap();
    check(root, &[]);
    assert_eq!(dump(root), trusted);
}

#[test]
fn changed_imports_resolve_as_a_full_index_resolves_them() {
    // New imports of every kind in a named file are resolved against an index of only the
    // files they can reach: the rows must be those an index built from scratch holds.
    let dir = repo(&[
        (
            "pyproject.toml",
            "[tool.ruff.lint]\nselect = [\"F\", \"TID252\"]\n",
        ),
        ("pkg/__init__.py", ""),
        ("pkg/a.py", "def f():\n    return 1\n"),
        ("pkg/a.pyi", "def f() -> int: ...\n"),
        ("pkg/sub/__init__.py", ""),
        ("pkg/sub/c.py", "import os\n"),
        ("pkg/sub/d.py", "x = 1\n"),
        ("ns/deep/mod.py", "y = 2\n"),
        ("stubonly.pyi", "z: int\n"),
        ("json.py", "shadow = True\n"),
        ("both/__init__.py", ""),
        ("both.py", "w = 3\n"),
    ]);
    let root = dir.path();
    check(root, &[]);
    write(
        root,
        "pkg/sub/c.py",
        "from .. import a\nfrom ..a import f\nimport ns.deep.mod\nfrom ns import deep\n\
         import pkg.missing\nimport os, sys\nimport requests\nfrom pkg import sub\n\
         import pkg.sub.__init__\nfrom . import d, nothing\nimport stubonly\nimport json\n\
         import both\nfrom ... import too_far\nfrom .d import x as y\nfrom ns.deep import *\n\
         print(a, f, ns, deep, pkg, os, sys, requests, sub, d, nothing, stubonly, json, both, y)\n",
    );
    let dump = |root: &Path| {
        column(
            root,
            &db(root),
            "SELECT f.path || '|' || i.line || '|' || i.name || '|' || \
             coalesce(i.absolute_module, '-') || '|' || coalesce(i.target_module, '-') || '|' || \
             coalesce(t.path, '-') || '|' || i.target_kind FROM imports i \
             JOIN files f USING (file_id) LEFT JOIN files t ON t.file_id = i.target_file_id \
             ORDER BY 1",
        )
    };
    let (_, with_files, _) = check(root, &["--files", "pkg/sub/c.py"]);
    let trusted = dump(root);
    assert!(
        trusted
            .iter()
            .any(|r| r.contains("|ns.deep.mod|") && r.ends_with("ns/deep/mod.py|repo")),
        "{trusted:?}"
    );
    assert!(
        trusted
            .iter()
            .any(|r| r.contains("|pkg.missing|") && r.ends_with("|unresolved")),
        "{trusted:?}"
    );
    std::fs::remove_dir_all(root.join(".codefacts")).unwrap();
    let (_, full, _) = check(root, &[]);
    assert_eq!(dump(root), trusted);
    let full_named: Vec<String> = full
        .into_iter()
        .filter(|l| l.starts_with("pkg/sub/c.py:"))
        .collect();
    assert_eq!(with_files, full_named);
}

#[test]
fn a_configuration_touched_but_unchanged_is_trusted_again_after_a_full_run() {
    let dir = base();
    let root = dir.path();
    check(root, &[]);
    // A checkout rewrites pyproject.toml with the same content: only its stat moves.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options()
        .write(true)
        .open(root.join("pyproject.toml"))
        .unwrap()
        .set_modified(later)
        .unwrap();
    let timed = |args: &[&str]| {
        let out = codefacts()
            .current_dir(root)
            .env("CODEFACTS_TIMINGS", "1")
            .args(["check", "--output-format", "concise"])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    // Not trusted: the configuration's stat is not the one the index was built with.
    let walked = "cannot be trusted alone";
    assert!(timed(&["--files", "pkg/a.py"]).contains(walked));
    // A full run changes nothing else, and records the configuration as it finds it...
    timed(&[]);
    // ...so the named files are trusted again.
    write(root, "pkg/a.py", "def f():\n    return undefined_a\n");
    let stderr = timed(&["--files", "pkg/a.py"]);
    assert!(!stderr.contains(walked), "{stderr}");
    assert!(stderr.contains("probed the named files"), "{stderr}");
}
