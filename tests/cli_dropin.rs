//! `codefacts check` as a drop-in for `ruff check` at the command line: the same command line
//! gives the same answer (Ruff 0.17.6 measured for each expectation here).

mod common;

use std::path::Path;

use common::*;

/// `codefacts check ARGS` from `cwd`, concise output; (exit code, stdout, stderr).
fn check_in(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = codefacts()
        .current_dir(cwd)
        .args(["check", "--output-format", "concise"])
        .args(args)
        .output()
        .unwrap();
    outcome(out)
}

const VERSIONED: &str =
    "aiter\nanext\nExceptionGroup\nBaseExceptionGroup\nPythonFinalizationError\n";

#[test]
fn the_python_version_is_ruffs_when_nothing_sets_it() {
    // Ruff 0.17.6 with no configuration: only PythonFinalizationError (3.13) is undefined.
    let r = repo(&[("a.py", VERSIONED)]);
    let (_, out, _) = check_in(r.path(), &["--select", "F821"]);
    assert_eq!(
        out.lines().filter(|l| l.contains("F821")).count(),
        1,
        "{out}"
    );
    assert!(out.contains("`PythonFinalizationError`"), "{out}");
}

#[test]
fn requires_python_sets_the_version_as_in_ruff() {
    for (spec, undefined) in [
        (">=3.13", 0),
        (">=3.10", 3),
        (">3.9,<4", 5),
        ("==3.12.*", 1),
    ] {
        let r = repo(&[
            ("a.py", VERSIONED),
            (
                "pyproject.toml",
                &format!("[project]\nname = \"x\"\nrequires-python = \"{spec}\"\n"),
            ),
        ]);
        let (_, out, _) = check_in(r.path(), &["--select", "F821"]);
        assert_eq!(
            out.lines().filter(|l| l.contains("F821")).count(),
            undefined,
            "{spec}: {out}"
        );
    }
}

#[test]
fn target_version_on_the_command_line_wins() {
    let r = repo(&[
        ("a.py", VERSIONED),
        (
            "pyproject.toml",
            "[tool.ruff]\ntarget-version = \"py313\"\n",
        ),
    ]);
    let (_, out, _) = check_in(r.path(), &["--select", "F821", "--target-version", "py39"]);
    assert_eq!(
        out.lines().filter(|l| l.contains("F821")).count(),
        5,
        "{out}"
    );
    let (code, _, err) = check_in(r.path(), &["--target-version", "py99"]);
    assert_eq!(code, 2);
    assert!(err.contains("py99"), "{err}");
}

#[test]
fn scope_and_paths_follow_where_you_stand() {
    let r = repo(&[
        ("pyproject.toml", "[tool.ruff.lint]\nselect = [\"F401\"]\n"),
        ("top.py", "import os\n"),
        ("pkg/a.py", "import sys\n"),
        ("pkg/sub/b.py", "import json\n"),
        ("packages/a/pyproject.toml", "[project]\nname = \"a\"\n"),
        ("packages/a/m.py", "import re\n"),
    ]);
    let pkg = r.path().join("pkg");
    // In pkg/: only pkg/ is checked, and named from there, as `ruff check` does.
    let (_, out, _) = check_in(&pkg, &[]);
    assert_eq!(
        out,
        "a.py:1:8: F401 `sys` imported but unused\nsub/b.py:1:8: F401 `json` imported but unused\nFound 2 errors.\n"
    );
    let (_, out, _) = check_in(&pkg, &["sub"]);
    assert_eq!(
        out,
        "sub/b.py:1:8: F401 `json` imported but unused\nFound 1 error.\n"
    );
    // A path outside the folder you stand in is shown absolute.
    let (_, out, _) = check_in(&pkg, &["../top.py"]);
    let top = std::fs::canonicalize(r.path()).unwrap().join("top.py");
    assert_eq!(
        out,
        format!(
            "{}:1:8: F401 `os` imported but unused\nFound 1 error.\n",
            top.display()
        )
    );
    // One index per repository: the git top level, whatever folder you start in, even one with
    // its own pyproject.toml; the root's settings apply there too.
    let a = r.path().join("packages/a");
    let (_, out, _) = check_in(&a, &[]);
    assert_eq!(
        out,
        "m.py:1:8: F401 `re` imported but unused\nFound 1 error.\n"
    );
    assert!(r.path().join(".codefacts/facts.db").is_file());
    assert!(!a.join(".codefacts").exists());
    assert!(!pkg.join(".codefacts").exists());
}

#[test]
fn the_default_rules_are_ruffs() {
    // Ruff 0.17.6 with no configuration runs F401, F706, F811, F821, F822 and E902 of ours, and
    // not F403, F405 or TID252.
    let r = repo(&[
        ("pkg/__init__.py", ""),
        ("pkg/sub/__init__.py", ""),
        (
            "pkg/sub/m.py",
            "from os.path import *\nfrom .. import x\nprint(join, x)\n",
        ),
        ("pkg/x.py", "import os\n"),
    ]);
    let (_, out, err) = check_in(r.path(), &[]);
    assert_eq!(
        out, "pkg/x.py:1:8: F401 `os` imported but unused\nFound 1 error.\n",
        "{err}"
    );
    assert!(!err.contains("not implemented"), "{err}");
    let (_, out, _) = check_in(r.path(), &["--extend-select", "F403,TID252"]);
    assert!(
        out.contains("F403") && out.contains("TID252") && !out.contains("F405"),
        "{out}"
    );
    let (_, out, _) = check_in(r.path(), &["--ignore", "F"]);
    assert_eq!(out, "All checks passed!\n");
}

/// The cases of scripts/compare-dropin.sh: (name, folder to run in, arguments). Ruff 0.17.6's
/// output for each is in tests/fixtures/dropin/expected/NAME.txt (recorded by that script).
const DROPIN_CASES: &[(&str, &str, &[&str])] = &[
    ("root", ".", &[]),
    ("root-pkg", ".", &["pkg"]),
    ("in-pkg", "pkg", &[]),
    ("in-packages-b", "packages/b", &[]),
    ("in-packages-c", "packages/c", &[]),
    ("script", ".", &["bin/tool"]),
    ("ignored", ".", &["ignored"]),
    ("in-sub-parent", "pkg/sub", &["../mod.py"]),
    ("in-sub-top", "pkg/sub", &["../../top.py"]),
    ("in-sub-up", "pkg/sub", &[".."]),
    (
        "target-flag",
        ".",
        &["--target-version", "py39", "packages/c", "top.py"],
    ),
];

#[test]
fn fixture_agrees_with_ruff_from_every_folder() {
    // Nested configurations, `extend`, requires-python, per-file-ignores, a git-ignored folder
    // and a shebang script, run from the root and from subfolders as a user runs Ruff.
    let repo = copy_fixture("dropin");
    let root = repo.path();
    std::fs::remove_dir_all(root.join("expected")).unwrap();
    std::fs::create_dir(root.join(".git")).unwrap();
    let canonical = std::fs::canonicalize(root).unwrap();
    let codes = [
        "F401",
        "F403",
        "F405",
        "F706",
        "F811",
        "F821",
        "F822",
        "TID252",
        "E902",
        "invalid-syntax",
    ];
    for (name, dir, args) in DROPIN_CASES {
        let (_, out, err) = check_in(&root.join(dir), args);
        let mut ours: Vec<String> = out
            .lines()
            .filter(|l| {
                codes
                    .iter()
                    .any(|c| l.contains(&format!(": {c} ")) || l.contains(&format!(": {c}: ")))
            })
            .map(|l| l.replace(&canonical.display().to_string(), "<ROOT>"))
            .collect();
        ours.sort();
        let expected =
            std::fs::read_to_string(fixture("dropin").join(format!("expected/{name}.txt")))
                .unwrap();
        let mut ruff: Vec<String> = expected.lines().map(str::to_string).collect();
        ruff.sort();
        assert_eq!(ours, ruff, "case {name} ({dir} {args:?}): {err}");
    }
}

/// `codefacts check ARGS` from `cwd` with no --output-format; (code, stdout, stderr).
fn check_raw(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut c = codefacts();
    c.current_dir(cwd)
        .arg("check")
        .args(args)
        .env_remove("RUFF_OUTPUT_FORMAT");
    for (k, v) in env {
        c.env(k, v);
    }
    outcome(c.output().unwrap())
}

const FMT_FILES: &[(&str, &str)] = &[
    (
        "m.py",
        "def f(): pass\ndef f(): pass\nimport os\nimport os\n",
    ),
    (
        "pk/__init__.py",
        "import os\nfrom . import sub\nfrom .sub import a, b\n",
    ),
    ("pk/sub.py", "a=1\nb=2\n"),
    (
        "two.py",
        "import os, sys\nprint(sys)\nfrom os import path, sep, getcwd\nprint(sep)\nimport json as j, re as r\n",
    ),
];

#[test]
fn the_full_format_is_ruffs_and_the_default() {
    // tests/fixtures/full-format.expected is `ruff check --output-format full --unfixable
    // F401,F811` on these files (Ruff without fixes: codefacts has none yet): context lines,
    // aligned numbers, labels under both definitions of F811, `help:` lines, Ruff's order.
    let r = repo(FMT_FILES);
    let (code, out, _) = check_raw(
        r.path(),
        &["--select", "F401,F811", "m.py", "pk/__init__.py", "two.py"],
        &[],
    );
    assert_eq!(code, 1);
    let expected = std::fs::read_to_string(fixture("full-format.expected")).unwrap();
    assert_eq!(out, expected);
}

#[test]
fn ruffs_output_flags() {
    let r = repo(FMT_FILES);
    let p = r.path();
    let args = ["--select", "F401", "two.py"];
    // -q: the findings only; -s: nothing; both keep the exit code.
    let (code, out, _) = check_raw(
        p,
        &[&args[..], &["-q", "--output-format", "concise"]].concat(),
        &[],
    );
    assert_eq!(code, 1);
    assert!(!out.contains("Found") && out.lines().count() == 5, "{out}");
    let (code, out, err) = check_raw(p, &[&args[..], &["-s"]].concat(), &[]);
    assert_eq!((code, out.as_str(), err.as_str()), (1, "", ""));
    // -o FILE.
    let (_, out, _) = check_raw(
        p,
        &[&args[..], &["-o", "report.json", "--output-format", "json"]].concat(),
        &[],
    );
    assert!(out.is_empty());
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p.join("report.json")).unwrap()).unwrap();
    assert_eq!(report.as_array().unwrap().len(), 5);
    // The format from RUFF_OUTPUT_FORMAT, then from the configuration.
    let (_, out, _) = check_raw(p, &args, &[("RUFF_OUTPUT_FORMAT", "concise")]);
    assert!(out.starts_with("two.py:1:8: F401"), "{out}");
    std::fs::write(p.join("ruff.toml"), "output-format = \"json-lines\"\n").unwrap();
    let (_, out, _) = check_raw(p, &args, &[]);
    assert!(out.starts_with("{\"cell\":null"), "{out}");
    std::fs::remove_file(p.join("ruff.toml")).unwrap();
    // --statistics ends with Ruff's summary; formats that cannot carry it are refused.
    let (_, out, _) = check_raw(p, &[&args[..], &["--statistics"]].concat(), &[]);
    assert_eq!(out, "5\tF401\t[ ] unused-import\nFound 5 errors.\n");
    let (code, _, err) = check_raw(
        p,
        &[&args[..], &["--statistics", "--output-format", "junit"]].concat(),
        &[],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("Unsupported serialization format for statistics: Junit"),
        "{err}"
    );
    // --no-cache is accepted.
    let (code, _, _) = check_raw(p, &[&args[..], &["--no-cache"]].concat(), &[]);
    assert_eq!(code, 1);
    // JUnit with nothing found still has a testcase.
    let (code, out, _) = check_raw(
        p,
        &["--select", "F821", "--output-format", "junit", "two.py"],
        &[],
    );
    assert_eq!(code, 0);
    assert!(out.contains(r#"<testcase name="No errors found""#), "{out}");
}

#[test]
fn noqa_directives_as_ruff_reads_and_warns_about_them() {
    let r = repo(&[
        ("a.py", "# ruff : noqa: F401\nimport os\n"),
        (
            "c.py",
            "import os  # noqa:\nimport sys  # noqa: F401,,\nimport re # noqa : F401\nimport json  # noqa F401\n",
        ),
        ("d.py", "import os\n# ruff: noqa: XYZ\n"),
        ("e.py", "import os  # ruff: noqa\n"),
    ]);
    let (_, out, err) = check_in(r.path(), &["--select", "F401"]);
    // Ruff 0.17.6: a.py is exempt; `# noqa:` and `# ruff: noqa: XYZ` suppress nothing.
    assert_eq!(
        out,
        "c.py:1:8: F401 `os` imported but unused\nd.py:1:8: F401 `os` imported but unused\ne.py:1:8: F401 `os` imported but unused\nFound 3 errors.\n"
    );
    assert!(err.contains("Unexpected `# ruff: noqa` directive at e.py:1. File-level suppression comments must appear on their own line. For line-level suppression, omit the `ruff:` prefix."), "{err}");
    assert!(err.contains("Invalid `# noqa` directive on c.py:1: expected a comma-separated list of codes (e.g., `# noqa: F401, F841`)."), "{err}");
    assert!(
        err.contains("Missing or joined rule code(s) at c.py:2: expected rule code between commas"),
        "{err}"
    );
    assert!(
        err.contains(
            "Invalid `# ruff: noqa` directive at d.py:2: expected a comma-separated list of codes"
        ),
        "{err}"
    );
    let (_, _, err) = check_in(r.path(), &["--select", "F401", "-q"]);
    assert!(err.is_empty(), "{err}");
}

#[test]
fn notebooks_are_checked_cell_by_cell_as_in_ruff() {
    // Locations are the cell's, as Ruff gives them (measured: `nb.ipynb:cell 3:2:7`), and the
    // JSON `cell` field says which; IPython escapes (`%magic`, `!shell`) are not Python.
    let nb = r##"{"cells": [
  {"cell_type": "markdown", "metadata": {}, "source": ["# Title"]},
  {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [], "source": ["import os\n", "%matplotlib inline\n", "x = 1"]},
  {"cell_type": "code", "execution_count": 2, "metadata": {}, "outputs": [], "source": ["!pip install foo\n", "print(undefined_nb, x)\n", "import sys"]}
 ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}"##;
    let r = repo(&[("a.ipynb", nb)]);
    let (_, out, _) = check_in(r.path(), &["--select", "F401,F821"]);
    assert_eq!(
        out,
        "a.ipynb:cell 2:1:8: F401 `os` imported but unused\na.ipynb:cell 3:2:7: F821 Undefined name `undefined_nb`\na.ipynb:cell 3:3:8: F401 `sys` imported but unused\nFound 3 errors.\n"
    );
    let (_, json, _) = check_raw(
        r.path(),
        &["--select", "F401,F821", "--output-format", "json"],
        &[],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let cells: Vec<(i64, i64)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["cell"].as_i64().unwrap(),
                f["location"]["row"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(cells, [(2, 1), (3, 2), (3, 3)]);
    assert_eq!(v[1]["noqa_row"], 2);
    // The full format draws the cell as written, escapes included (Ruff's output).
    let (_, full, _) = check_raw(r.path(), &["--select", "F821"], &[]);
    assert!(
        full.contains(
            " --> a.ipynb:cell 3:2:7\n  |\n1 | !pip install foo\n2 | print(undefined_nb, x)\n"
        ),
        "{full}"
    );
}

#[test]
fn a_nested_respect_gitignore_is_named_not_silently_ignored() {
    // codefacts reads respect-gitignore from the root configuration only: a nested one that
    // differs is a warning naming its file.
    let r = repo(&[
        ("sub/ruff.toml", "respect-gitignore = false\n"),
        ("sub/a.py", "x = 1\n"),
    ]);
    let out = codefacts()
        .current_dir(r.path())
        .args(["index", "-v"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("sub/ruff.toml: `respect-gitignore = false` is not honoured below the root configuration"),
        "{err}"
    );
}
