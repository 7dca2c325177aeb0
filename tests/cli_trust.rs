//! Never report success for work not done: each case here used to print "All checks passed!"
//! (or lose a file) and is listed in docs/reliability.md.

mod common;

use std::path::Path;

use common::*;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `codefacts check ARGS` run from `cwd`, with the database in `db`.
fn check_in(cwd: &Path, db: &Path, args: &[&str]) -> Run {
    let concise: &[&str] = if args.contains(&"--output-format") {
        &[]
    } else {
        &["--output-format", "concise"]
    };
    let out = codefacts()
        .current_dir(cwd)
        .arg("check")
        .args(concise)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn a_file_that_does_not_parse_fails_the_check() {
    let r = repo(&[("ok.py", "x = 1\n"), ("bad.py", "def broken(:\n    pass\n")]);
    let db = r.path().join("facts.db");
    let run = check_in(r.path(), &db, &["--files", "bad.py"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("bad.py:1:12: invalid-syntax: "),
        "{}",
        run.stdout
    );
    let run = check_in(r.path(), &db, &["--output-format", "json", "bad.py"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v[0]["code"], "invalid-syntax");
    assert_eq!(v[0]["name"], "invalid-syntax");
    assert!(v[0]["url"].is_null() && v[0]["noqa_row"].is_null());
    // No selector turns it off, no noqa hides it.
    std::fs::write(r.path().join("bad.py"), "def broken(:  # noqa\n    pass\n").unwrap();
    let run = check_in(r.path(), &db, &["--select", "F401", "bad.py"]);
    assert_eq!(run.code, 1);
}

#[test]
fn unknown_selectors_are_errors_and_unimplemented_rules_are_named() {
    let r = repo(&[("a.py", "import os\n")]);
    let db = r.path().join("facts.db");
    let run = check_in(r.path(), &db, &["--select", "F999"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("Unknown rule selector `F999` in `select` from the CLI"),
        "{}",
        run.stderr
    );
    let run = check_in(r.path(), &db, &["--ignore", "e501"]);
    assert_eq!(run.code, 2, "selectors are case-sensitive, as in Ruff");
    // Only rules codefacts does not implement: nothing would be checked.
    let run = check_in(r.path(), &db, &["--select", "E501"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("no rule that codefacts implements is selected")
    );
    assert!(!run.stdout.contains("All checks passed"));
    // Some implemented, some not: checked, with one warning naming the others.
    let run = check_in(r.path(), &db, &["--select", "F401,E501,W291"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr.matches("not implemented by codefacts").count(),
        1
    );
    assert!(
        run.stderr.contains(
            "2 selected rules are not implemented by codefacts and not checked: E501, W291"
        ),
        "{}",
        run.stderr
    );
    // Ruff's default selection alone warns of nothing.
    let run = check_in(r.path(), &db, &[]);
    assert!(!run.stderr.contains("not implemented"), "{}", run.stderr);
    // The configuration's selectors are checked too.
    std::fs::write(
        r.path().join("pyproject.toml"),
        "[tool.ruff.lint]\nextend-select = [\"TID999\"]\n",
    )
    .unwrap();
    let run = check_in(r.path(), &db, &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("Unknown rule selector `TID999`"),
        "{}",
        run.stderr
    );
}

/// Ruff 0.17.6's old codes and removed rules, as it treats them (probed with `ruff check`):
/// networkx's `select` names `SIM111`, which Ruff reads as SIM110; codefacts had refused the
/// whole configuration, so every command failed on the project.
#[test]
fn old_codes_are_redirected_and_removed_rules_are_refused_as_in_ruff() {
    let r = repo(&[
        ("pkg/__init__.py", ""),
        ("pkg/x.py", ""),
        ("pkg/y.py", ""),
        (
            "pkg/m.py",
            "from . import x  # noqa: I252\nfrom . import y\nimport os  # noqa: F401\nprint(x, y)\n",
        ),
        (
            "pyproject.toml",
            "[tool.ruff.lint]\nselect = [\"F\", \"SIM111\", \"I252\"]\nignore = [\"ANN101\"]\n\
             [tool.ruff.lint.flake8-tidy-imports]\nban-relative-imports = \"all\"\n",
        ),
    ]);
    let db = r.path().join("facts.db");
    let run = check_in(r.path(), &db, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // `I252` selects TID252; its `# noqa: I252` suppresses it on line 1 only.
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.contains("TID252"))
            .collect::<Vec<_>>(),
        ["pkg/m.py:2:1: TID252 Prefer absolute imports over relative imports"],
        "{}",
        run.stdout
    );
    // A configuration's redirects pass quietly (as in Ruff); a removed rule it ignores warns.
    assert!(!run.stderr.contains("remapped"), "{}", run.stderr);
    assert_eq!(
        run.stderr
            .matches(
                "The following rules have been removed and ignoring them has no effect: ANN101"
            )
            .count(),
        1,
        "{}",
        run.stderr
    );
    // On the command line, a redirect is named once.
    let run = check_in(r.path(), &db, &["--select", "I252,I252", "pkg/m.py"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr
            .matches("`I252` has been remapped to `TID252`.")
            .count(),
        1,
        "{}",
        run.stderr
    );
    // Only the exact old code is redirected: `TCH00` is unknown to Ruff, though `TCH` is `TC`.
    let run = check_in(r.path(), &db, &["--select", "TCH00"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("Unknown rule selector `TCH00`"),
        "{}",
        run.stderr
    );
    // Selecting a removed rule is an error, from the command line or the configuration.
    let run = check_in(r.path(), &db, &["--extend-select", "E999"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("Rule `E999` was removed and cannot be selected"),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("All checks passed"));
}

/// `--isolated`, as in Ruff: no configuration file counts (werkzeug's `extend-exclude =
/// ["examples/"]` and its `ignore`), `--config` still does.
#[test]
fn isolated_reads_no_configuration_file() {
    let r = repo(&[
        (
            "pyproject.toml",
            "[tool.ruff]\nextend-exclude = [\"examples/\"]\n[tool.ruff.lint]\nignore = [\"F401\"]\n",
        ),
        ("a.py", "import os\n"),
        ("examples/b.py", "import sys\n"),
    ]);
    let db = r.path().join("facts.db");
    let run = check_in(r.path(), &db, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let run = check_in(r.path(), &db, &["--isolated"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout.lines().filter(|l| l.contains("F401")).count(),
        2,
        "{}",
        run.stdout
    );
    let run = check_in(
        r.path(),
        &db,
        &["--isolated", "--config", "lint.ignore = ['F401']"],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    // Not even a malformed pyproject.toml is read (its `requires-python` neither).
    std::fs::write(r.path().join("pyproject.toml"), "[tool.ruff\nbroken").unwrap();
    let run = check_in(r.path(), &db, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("cannot parse"), "{}", run.stderr);
    let run = check_in(r.path(), &db, &["--isolated"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn an_unknown_lane_is_an_error_listing_the_lanes() {
    let r = repo(&[
        ("core/a.py", "import os\n"),
        (
            "pyproject.toml",
            "[tool.codefacts.lanes]\nproduction = { globs = [\"core/**\"] }\nlabs = [\"labs/**\"]\n",
        ),
    ]);
    let run = check_in(
        r.path(),
        &r.path().join("facts.db"),
        &["--lane", "prodution"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("no lane `prodution` (did you mean `production`?)")
            && run.stderr.contains("production, labs, default"),
        "{}",
        run.stderr
    );
    let run = check_in(
        r.path(),
        &r.path().join("facts.db"),
        &["--lane", "production"],
    );
    assert_eq!(run.code, 1);
}

#[test]
fn explicit_paths_are_checked_even_when_git_ignored() {
    let r = repo(&[
        (".gitignore", "ignored/\n"),
        ("ignored/a.py", "import os\n"),
        ("excluded/b.py", "import sys\n"),
        ("bin/tool", "#!/usr/bin/env python3\nprint(undefined_x)\n"),
        (
            "pyproject.toml",
            "[tool.ruff]\nextend-exclude = [\"excluded\"]\n",
        ),
    ]);
    let db = r.path().join("facts.db");
    let run = check_in(r.path(), &db, &[]);
    assert_eq!(run.code, 0, "nothing outside the ignores: {}", run.stdout);
    let run = check_in(r.path(), &db, &["ignored"]);
    assert_eq!(
        run.stdout,
        "ignored/a.py:1:8: F401 `os` imported but unused\nFound 1 error.\n"
    );
    let run = check_in(r.path(), &db, &["excluded/b.py"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    // --force-exclude applies `exclude` to explicit paths (and, as in Ruff, not .gitignore).
    let run = check_in(r.path(), &db, &["--force-exclude", "excluded/b.py"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr
            .contains("No Python files found under the given path(s)")
    );
    let run = check_in(r.path(), &db, &["--force-exclude", "ignored"]);
    assert_eq!(run.code, 1);
    // A script named on the command line is Python whatever its name.
    let run = check_in(r.path(), &db, &["--files", "bin/tool"]);
    assert_eq!(
        run.stdout,
        "bin/tool:2:7: F821 Undefined name `undefined_x`\nFound 1 error.\n"
    );
}

#[test]
fn missing_paths_are_e902_and_empty_paths_warn() {
    let r = repo(&[("a.py", "x = 1\n"), ("docs/readme.txt", "hello\n")]);
    let db = r.path().join("facts.db");
    for args in [&["--files", "nosuch.py"][..], &["nosuch.py"][..]] {
        let run = check_in(r.path(), &db, args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert_eq!(
            run.stdout,
            "nosuch.py:1:1: E902 No such file or directory (os error 2)\nFound 1 error.\n"
        );
    }
    let run = check_in(r.path(), &db, &["docs"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr
            .contains("warning: No Python files found under the given path(s)"),
        "{}",
        run.stderr
    );
    let run = check_in(r.path(), &db, &["a.py"]);
    assert!(!run.stderr.contains("No Python files"), "{}", run.stderr);
}

#[test]
fn no_index_without_the_semantic_layer_is_an_error() {
    let r = repo(&[("a.py", "import os\n")]);
    let db = r.path().join("facts.db");
    index(r.path(), &db);
    let run = check_in(r.path(), &db, &["--no-index"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("has no semantic layer"),
        "{}",
        run.stderr
    );
    let run = check_in(r.path(), &db, &[]);
    assert_eq!(run.code, 1);
    let run = check_in(r.path(), &db, &["--no-index"]);
    assert_eq!(run.code, 1);
}

#[test]
fn a_closed_pipe_is_a_quiet_exit_not_a_panic() {
    // More findings than a pipe holds, so writes go on after the reader has gone.
    let many: String = (0..3000).map(|i| format!("import module_{i}\n")).collect();
    let r = repo(&[("a.py", &many), ("b.py", "import json\n")]);
    let bin = assert_cmd::cargo::cargo_bin("codefacts");
    let db = r.path().join("facts.db");
    for redirect in [
        "2>&1 | head -c 1",
        "| head -c 1",
        "2>&1 >/dev/null | head -c 1",
    ] {
        let script = format!(
            "'{}' check --db '{}' {redirect} >/dev/null; echo \"status ${{PIPESTATUS[0]}}\"",
            bin.display(),
            db.display(),
        );
        for _ in 0..3 {
            let out = std::process::Command::new("bash")
                .arg("-c")
                .arg(&script)
                .current_dir(r.path())
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(!err.contains("panicked"), "{err}");
            // The findings decide the exit code; the reader going away is not an error.
            assert_eq!(text.trim(), "status 1", "{redirect}: {err}");
        }
    }
}

#[test]
fn names_that_are_not_utf8_stay_distinct() {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let r = repo(&[]);
        for (name, text) in [
            (&b"a\xff.py"[..], "import os\n"),
            (&b"a\xfe.py"[..], "import sys\n"),
        ] {
            std::fs::write(r.path().join(std::ffi::OsStr::from_bytes(name)), text).unwrap();
        }
        let db = r.path().join("facts.db");
        let out = codefacts()
            .arg("index")
            .arg(r.path())
            .arg("--db")
            .arg(&db)
            .arg("-v")
            .output()
            .unwrap();
        assert!(out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("a\\xff.py: the file name is not UTF-8"),
            "{stderr}"
        );
        let paths = column(r.path(), &db, "SELECT path FROM files ORDER BY path");
        assert_eq!(paths, vec!["a\\xfe.py", "a\\xff.py"]);
        let run = check_in(r.path(), &db, &["--output-format", "full"]);
        assert!(run.stdout.contains("a\\xff.py:1:8"), "{}", run.stdout);
        // The source of the finding was read back through the escaped name.
        assert!(run.stdout.contains("1 | import os"), "{}", run.stdout);
    }
}

#[test]
fn repeated_findings_on_one_line_are_all_kept() {
    // Ruff reports TID252 once per imported name; so must we (a dedup once lost them).
    let r = repo(&[
        ("pkg/__init__.py", ""),
        ("pkg/sub/__init__.py", ""),
        ("pkg/sub/m.py", "from .. import a, b, c\n"),
        ("pkg/a.py", ""),
        ("pkg/b.py", ""),
        ("pkg/c.py", ""),
    ]);
    let run = check_in(
        r.path(),
        &r.path().join("facts.db"),
        &["--select", "TID252"],
    );
    assert_eq!(
        run.stdout.matches("pkg/sub/m.py:1:1: TID252").count(),
        3,
        "{}",
        run.stdout
    );
}

#[test]
fn files_that_could_not_be_checked_are_e902() {
    let r = repo(&[
        ("small.py", "x = 1\n"),
        ("big.py", "import os\nimport sys\nimport json\n"),
        ("latin.py", "s = 'caf\u{e9}'\n"),
    ]);
    // Bytes that are not UTF-8 and no cookie saying otherwise.
    std::fs::write(r.path().join("latin.py"), b"s = 'caf\xe9'\n").unwrap();
    let db = r.path().join("facts.db");
    let run = check_in(r.path(), &db, &["--config", "max-file-size = 20"]);
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with("big.py:1:1: E902 not checked: "),
        "{}",
        run.stdout
    );
    assert!(
        lines[1].starts_with("latin.py:1:1: E902 stream did not contain valid text"),
        "{}",
        run.stdout
    );
    // E902 is a rule like the others: it can be left out, as in Ruff.
    let run = check_in(
        r.path(),
        &db,
        &["--config", "max-file-size = 20", "--ignore", "E902"],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn an_empty_repository_is_a_warning_not_a_pass() {
    let r = repo(&[("README.md", "# nothing here\n")]);
    let run = check_in(r.path(), &r.path().join("facts.db"), &[]);
    assert!(
        run.stderr.contains("No Python files found"),
        "{}",
        run.stderr
    );
}
