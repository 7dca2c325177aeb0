//! Fixture tests for the semantic rules: every fixture under tests/fixtures/semantic is run
//! through `analyze` + the SQL rule queries + the noqa join, and the findings must equal
//! Ruff's (tests/fixtures/semantic/expected.txt, regenerated from Ruff 0.17.6 by
//! scripts/refresh-semantic-fixtures.sh). The fixtures hold positive and negative cases.

use std::path::{Path, PathBuf};
use std::time::Duration;

use codefacts::semantic::{self, SemanticOptions};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/semantic")
}

fn python_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "py" || x == "pyi") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Writes (relative path, source) pairs into a fresh repository targeting Python 3.`target`,
/// runs `codefacts check` on it (index, rule queries, noqa) and returns Ruff-style lines.
fn lint(files: &[(String, String)], target: u8) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        format!("[tool.ruff]\ntarget-version = \"py3{target}\"\n"),
    )
    .unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let out = assert_cmd::Command::cargo_bin("codefacts")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "--exit-zero", "--output-format", "concise"])
        .args(["--select", "F821,F401,F811,F822,F403,F405", "--root"])
        .arg(dir.path())
        .arg("--db")
        .arg(dir.path().join("facts.db"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut lines: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("Found ") && !l.starts_with("All checks passed"))
        // Syntax errors are compared on their own (`syntax_errors_are_placed_as_ruff_places_them`).
        .filter(|l| !l.contains(": invalid-syntax: "))
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

/// The `invalid-syntax` lines of `codefacts check` on one file.
fn syntax_errors(src: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.py"), src).unwrap();
    let out = assert_cmd::Command::cargo_bin("codefacts")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "--output-format", "concise", "--root"])
        .arg(dir.path())
        .arg("--db")
        .arg(dir.path().join("facts.db"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a syntax error fails the check");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| l.contains(": invalid-syntax: "))
        .map(str::to_string)
        .collect()
}

#[test]
fn syntax_errors_are_placed_as_ruff_places_them() {
    // (source, Ruff 0.17.6's first diagnostic for it). The messages of errors with a tree-sitter
    // error node are ours (docs/rules.md); their first line agrees with Ruff's.
    let cases = [
        (
            "print 'x'\n",
            "t.py:1:7: invalid-syntax: Simple statements must be separated by newlines or semicolons",
        ),
        (
            "exec code\n",
            "t.py:1:6: invalid-syntax: Simple statements must be separated by newlines or semicolons",
        ),
        (
            "x = 1\n    y = 2\n",
            "t.py:2:1: invalid-syntax: Unexpected indentation",
        ),
        (
            "  x = 1\n",
            "t.py:1:1: invalid-syntax: Unexpected indentation",
        ),
        (
            "try:\n    pass\nx = 1\n",
            "t.py:3:1: invalid-syntax: Expected `except` or `finally` after `try` block",
        ),
        (
            "def f(a, (b, c)): pass\n",
            "t.py:1:10: invalid-syntax: Expected `)`, found `(`",
        ),
        (
            "if x:\n        a = 1\n    b = 2\n",
            "t.py:3:1: invalid-syntax: unindent does not match any outer indentation level",
        ),
    ];
    for (src, ruff) in cases {
        let ours = syntax_errors(src);
        assert_eq!(
            ours.first().map(String::as_str),
            Some(ruff),
            "{src:?}: {ours:?}"
        );
    }
    // With an error node: the line agrees with Ruff's first error (1:12 and 1:13 there).
    let ours = syntax_errors("def broken(:\n    pass\nx = undefined\n");
    assert!(ours[0].starts_with("t.py:1:"), "{ours:?}");
    // A file with CR-only line endings is Python like any other (Ruff: F401 on lines 1 and 3).
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cr.py"), "import os\rx = 1\rimport sys\r").unwrap();
    let out = assert_cmd::Command::cargo_bin("codefacts")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "--output-format", "concise", "--root"])
        .arg(dir.path())
        .arg("--db")
        .arg(dir.path().join("facts.db"))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "cr.py:1:8: F401 `os` imported but unused\ncr.py:3:8: F401 `sys` imported but unused\nFound 2 errors.\n"
    );
}

fn lint_one(src: &str) -> Vec<String> {
    lint(&[("t.py".to_string(), src.to_string())], 11)
}

fn analyze(src: &str, opts: &SemanticOptions) -> semantic::SemanticFacts {
    let tree = codefacts::syntax::parse_python(src, Duration::from_secs(60)).unwrap();
    semantic::analyze(src, &tree, opts)
}

#[test]
fn fixtures_agree_with_ruff() {
    let dir = root();
    let files: Vec<(String, String)> = python_files(&dir)
        .iter()
        .map(|p| {
            let rel = p.strip_prefix(&dir).unwrap().to_string_lossy().to_string();
            (rel, std::fs::read_to_string(p).unwrap())
        })
        .collect();
    let ours = lint(&files, 11);
    let expected: Vec<String> = std::fs::read_to_string(dir.join("expected.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    let only_ours: Vec<&str> = ours
        .iter()
        .filter(|l| !expected.contains(l))
        .map(String::as_str)
        .collect();
    let only_ruff: Vec<&str> = expected
        .iter()
        .filter(|l| !ours.contains(l))
        .map(String::as_str)
        .collect();
    assert!(
        only_ours.is_empty() && only_ruff.is_empty(),
        "only ours:\n{}\nonly ruff:\n{}",
        only_ours.join("\n"),
        only_ruff.join("\n")
    );
}

#[test]
fn deep_nesting_does_not_overflow() {
    let n = 10_000;
    for (open, close) in [("(", ")"), ("[", "]"), ("-", "")] {
        let src = format!("x = {}undefined_deep{}\n", open.repeat(n), close.repeat(n));
        let facts = analyze(&src, &SemanticOptions::default());
        assert!(facts.unresolved.iter().all(|u| u.name == "undefined_deep"));
    }
    let src = format!("x = {}0\n", "lambda: ".repeat(2_000));
    let facts = analyze(&src, &SemanticOptions::default());
    assert!(facts.scopes.len() > 2_000);
}

#[test]
fn version_dependent_builtins() {
    let src = "print(aiter, ExceptionGroup, PythonFinalizationError)\n";
    let at = |v| lint(&[("t.py".into(), src.into())], v);
    assert_eq!(at(8).len(), 3);
    assert_eq!(at(10).len(), 2);
    assert_eq!(at(11).len(), 1);
    assert!(at(13).is_empty());
    assert!(
        at(8)
            .iter()
            .any(|l| l.contains("`aiter`. Consider specifying `requires-python = \">= 3.10\"`"))
    );
    // 3.14 defers annotations: forward references resolve.
    let fwd = "def f(x: Later) -> None: ...\nclass Later: ...\n";
    assert_eq!(lint(&[("t.py".into(), fwd.into())], 11).len(), 1);
    assert!(lint(&[("t.py".into(), fwd.into())], 14).is_empty());
}

#[test]
fn configured_builtins() {
    let src = "print(_, gettext)\n";
    assert_eq!(lint_one(src).len(), 2);
    let opts = SemanticOptions {
        builtins: vec!["_".into(), "gettext".into()],
        ..SemanticOptions::default()
    };
    assert!(analyze(src, &opts).unresolved.is_empty());
}

#[test]
fn stub_files_resolve_annotation_only_bindings() {
    let src = "x: int\ny = x\n";
    assert_eq!(
        analyze(src, &SemanticOptions::default()).unresolved.len(),
        1
    );
    let stub = SemanticOptions {
        is_stub: true,
        ..SemanticOptions::default()
    };
    assert!(analyze(src, &stub).unresolved.is_empty());
}

#[test]
fn facts_shape() {
    let src =
        "import os.path\nfrom typing import List as L\n\ndef f(a):\n    return [b for b in a]\n";
    let facts = analyze(src, &SemanticOptions::default());
    let os = facts.bindings.iter().find(|b| b.name == "os").unwrap();
    assert_eq!(os.kind.as_str(), "submodule_import");
    assert_eq!(os.qualified_name.as_deref(), Some("os.path"));
    assert_eq!(os.stmt_span.map(|s| s.line), Some(1));
    let l = facts.bindings.iter().find(|b| b.name == "L").unwrap();
    assert_eq!(l.qualified_name.as_deref(), Some("typing.List"));
    assert_eq!(l.module.as_deref(), Some("typing"));
    assert_eq!((l.span.line, l.span.col), (2, 28));
    let kinds: Vec<&str> = facts.scopes.iter().map(|s| s.kind.as_str()).collect();
    assert!(kinds.contains(&"function") && kinds.contains(&"comprehension"));
    let a = facts.bindings.iter().find(|b| b.name == "a").unwrap();
    assert_eq!(a.kind.as_str(), "parameter");
    assert_eq!(a.uses, 1);
    let refs: Vec<_> = facts.references.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(refs, ["a", "b"]);
    assert_eq!(
        facts.references[0].resolution,
        semantic::Resolution::Binding(a.id)
    );
    let b = facts.bindings.iter().find(|b| b.name == "b").unwrap();
    let comp = &facts.scopes[b.scope.0 as usize];
    assert_eq!(comp.kind.as_str(), "comprehension");
}

#[test]
fn shadowing_and_flags() {
    let src =
        "import os\nimport os\nimport x as x\nif TYPE_CHECKING:\n    import t\n__all__ = ['t']\n";
    let facts = analyze(src, &SemanticOptions::default());
    let oses: Vec<_> = facts.bindings.iter().filter(|b| b.name == "os").collect();
    assert_eq!(oses[1].shadows, Some(oses[0].id));
    assert!(oses[1].is_live && !oses[0].is_live);
    let x = facts.bindings.iter().find(|b| b.name == "x").unwrap();
    assert!(x.is_redundant_alias);
    let t = facts.bindings.iter().find(|b| b.name == "t").unwrap();
    assert!(t.in_type_checking && t.in_all && t.uses == 1);
    assert_eq!(facts.dunder_all.len(), 1);
    assert!(facts.dunder_all[0].defined);
}

#[test]
fn error_subtrees_are_skipped_and_flagged() {
    let src = "import os\ndef broken(:\n    print(undefined)\n";
    let facts = analyze(src, &SemanticOptions::default());
    assert!(facts.has_syntax_error);
    assert!(lint_one(src).is_empty());
}

#[test]
fn noqa_line_ranges() {
    let src = "x = '''\n\n''' + a \\\n  + b\ny = 1\n";
    let facts = analyze(src, &SemanticOptions::default());
    assert_eq!(facts.noqa_ranges.len(), 1);
    assert_eq!(
        (
            facts.noqa_ranges[0].start_line,
            facts.noqa_ranges[0].end_line
        ),
        (1, 4)
    );
}
