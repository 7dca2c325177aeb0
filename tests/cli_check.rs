//! `codefacts check` against the generated monorepo's ground truth, noqa, configuration,
//! selection and output formats.

mod common;

use std::path::Path;

use common::*;
use predicates::prelude::*;

fn check(root: &Path, args: &[&str]) -> (i32, String) {
    // The concise format unless the test asks for another (Ruff's default is `full`).
    let concise: &[&str] = if args.contains(&"--output-format") {
        &[]
    } else {
        &["--output-format", "concise"]
    };
    let out = codefacts()
        .current_dir(root)
        .arg("check")
        .args(concise)
        .arg("--root")
        .arg(root)
        .arg("--db")
        .arg(root.join("facts.db"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.code() != Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn json_findings(root: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["--output-format", "json"];
    all.extend_from_slice(args);
    let (_, out) = check(root, &all);
    serde_json::from_str::<serde_json::Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn rel(root: &Path, f: &serde_json::Value) -> String {
    let name = f["filename"].as_str().unwrap();
    Path::new(name)
        .strip_prefix(root.canonicalize().unwrap())
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

fn expected() -> serde_json::Value {
    let text = std::fs::read_to_string(fixture("monorepo").join(".expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn ground_truth_of_the_generated_monorepo() {
    let repo = copy_fixture("monorepo");
    let root = repo.path();
    let found = json_findings(root, &["--select", "F,TID252"]);
    let exp = expected();
    let of = |code: &str| -> Vec<&serde_json::Value> {
        found.iter().filter(|f| f["code"] == code).collect()
    };
    // F821: every injected undefined name, nothing else.
    let f821 = of("F821");
    let want = exp["undefined_names"].as_array().unwrap();
    assert_eq!(f821.len(), want.len());
    for w in want {
        assert!(
            f821.iter()
                .any(|f| rel(root, f) == w["file"].as_str().unwrap()
                    && f["location"]["row"] == w["line"]
                    && f["message"] == format!("Undefined name `{}`", w["name"].as_str().unwrap())),
            "{w} not reported"
        );
    }
    // F401: the unused test imports.
    let f401 = of("F401");
    let want = exp["unused_imports"].as_array().unwrap();
    assert_eq!(f401.len(), want.len());
    for w in want {
        assert!(
            f401.iter()
                .any(|f| rel(root, f) == w["file"].as_str().unwrap()
                    && f["location"]["row"] == w["line"]
                    && f["message"]
                        == format!("`{}` imported but unused", w["name"].as_str().unwrap()))
        );
    }
    // F811: the duplicate test classes.
    let f811 = of("F811");
    let want = exp["duplicate_classes"].as_array().unwrap();
    assert_eq!(f811.len(), want.len());
    for w in want {
        assert!(
            f811.iter()
                .any(|f| rel(root, f) == w["file"].as_str().unwrap()
                    && f["location"]["row"] == w["line"])
        );
    }
    // F706: top-level returns.
    let f706 = of("F706");
    let want = exp["top_level_returns"].as_array().unwrap();
    assert_eq!(f706.len(), want.len());
    assert_eq!(rel(root, f706[0]), want[0]["file"].as_str().unwrap());
    // TID252 with ban-relative-imports = "all" (the fixture's setting): every relative import.
    let tid = of("TID252");
    assert_eq!(tid.len(), exp["relative_imports"].as_array().unwrap().len());
    assert!(
        tid.iter()
            .all(|f| f["message"] == "Prefer absolute imports over relative imports")
    );
    // Ruff's JSON fields.
    assert_eq!(f821[0]["name"], "undefined-name");
    assert_eq!(
        f821[0]["url"],
        "https://docs.astral.sh/ruff/rules/undefined-name"
    );
    assert!(f821[0]["noqa_row"].is_number());
}

#[test]
fn exit_codes() {
    let repo = copy_fixture("monorepo");
    let (code, out) = check(repo.path(), &[]);
    assert_eq!(code, 1);
    assert!(out.ends_with(" errors.\n"), "{out}");
    let (code, _) = check(repo.path(), &["--exit-zero"]);
    assert_eq!(code, 0);
    // A syntax error is reported whatever the selection, as in Ruff.
    let (code, out) = check(repo.path(), &["--select", "F822"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "labs/broken/half_written.py:1:10: invalid-syntax: Expected `)`\nFound 1 error.\n"
    );
    let core = repo.path().join("core");
    let (code, out) = check(repo.path(), &["--select", "F822", core.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(out, "All checks passed!\n");
}

#[test]
fn noqa_comments_suppress_findings() {
    let repo = copy_fixture("monorepo");
    let root = repo.path();
    let file = root.join("tests/unit/test_0000.py");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("import os\n"));
    let count = |args: &[&str]| json_findings(root, args).len();
    let before = count(&["--select", "F401", "--files", "tests/unit/test_0000.py"]);
    assert_eq!(before, 1);
    for comment in [
        "# noqa",
        "# noqa: F401",
        "# NOQA:F401,F811",
        "# noqa: E501, F401",
    ] {
        std::fs::write(
            &file,
            text.replacen("import os\n", &format!("import os  {comment}\n"), 1),
        )
        .unwrap();
        assert_eq!(
            count(&["--select", "F401", "--files", "tests/unit/test_0000.py"]),
            0,
            "{comment}"
        );
    }
    // A noqa for another code does not suppress.
    std::fs::write(
        &file,
        text.replacen("import os\n", "import os  # noqa: F811\n", 1),
    )
    .unwrap();
    assert_eq!(
        count(&["--select", "F401", "--files", "tests/unit/test_0000.py"]),
        1
    );
    // File-level exemptions.
    for header in ["# ruff: noqa: F401\n", "# ruff: noqa\n", "# flake8: noqa\n"] {
        std::fs::write(&file, format!("{header}{text}")).unwrap();
        assert_eq!(
            count(&["--select", "F401", "--files", "tests/unit/test_0000.py"]),
            0,
            "{header}"
        );
    }
}

#[test]
fn per_file_ignores_select_and_scope() {
    let repo = copy_fixture("monorepo");
    let root = repo.path();
    let all = json_findings(root, &["--select", "F,TID252"]);
    let n = |code: &str, v: &[serde_json::Value]| v.iter().filter(|f| f["code"] == code).count();
    // --ignore and prefixes.
    let v = json_findings(root, &["--select", "F", "--ignore", "F4"]);
    assert_eq!(n("F401", &v), 0);
    assert_eq!(n("F821", &v), n("F821", &all));
    assert_eq!(n("TID252", &v), 0);
    // --lane: production code only.
    let v = json_findings(root, &["--select", "F,TID252", "--lane", "production"]);
    assert!(!v.is_empty());
    assert!(v.iter().all(|f| {
        let p = rel(root, f);
        p.starts_with("lukhas/") || p.starts_with("core/") || p.starts_with("MATRIZ/")
    }));
    // PATH arguments restrict the report.
    let out = codefacts()
        .arg("check")
        .arg(root.join("tests"))
        .args(["--output-format", "json", "--select", "F,TID252", "--db"])
        .arg(root.join("facts.db"))
        .output()
        .unwrap();
    let v: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!v.is_empty());
    assert!(v.iter().all(|f| rel(root, f).starts_with("tests/")));
    // per-file-ignores from the configuration.
    let pyproject = root.join("pyproject.toml");
    let text = std::fs::read_to_string(&pyproject).unwrap();
    std::fs::write(
        &pyproject,
        text.replace(
            "[tool.ruff.lint.per-file-ignores]\n\"tests/**\" = [\"F403\"]",
            "[tool.ruff.lint.per-file-ignores]\n\"tests/**\" = [\"F401\", \"F811\"]\n\"__init__.py\" = [\"TID252\"]",
        ),
    )
    .unwrap();
    let v = json_findings(root, &["--select", "F,TID252"]);
    assert_eq!(n("F401", &v), 0);
    assert_eq!(n("F811", &v), 0);
    assert_eq!(n("F821", &v), n("F821", &all));
}

#[test]
fn ban_relative_imports_parents_is_ruffs_default() {
    let repo = copy_fixture("edge");
    let root = repo.path();
    let v = json_findings(root, &["--select", "TID252"]);
    let v: Vec<_> = v.into_iter().filter(|f| f["code"] == "TID252").collect();
    // Only imports that climb to a parent package (two dots or more).
    assert!(!v.is_empty());
    assert!(v.iter().all(
        |f| f["message"] == "Prefer absolute imports over relative imports from parent modules"
    ));
    let all = json_findings(
        root,
        &[
            "--select",
            "TID252",
            "--config",
            "lint.flake8-tidy-imports.ban-relative-imports = 'all'",
        ],
    );
    let all = all.iter().filter(|f| f["code"] == "TID252").count();
    assert!(all > v.len());
}

#[test]
fn output_formats() {
    let repo = copy_fixture("monorepo");
    let root = repo.path();
    let (_, lines) = check(root, &["--output-format", "json-lines", "--select", "F821"]);
    let codes: Vec<String> = lines
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["code"].to_string())
        .collect();
    assert_eq!(codes.iter().filter(|c| *c == "\"F821\"").count(), 11);
    assert_eq!(
        codes.iter().filter(|c| *c == "\"invalid-syntax\"").count(),
        1
    );
    let (_, sarif) = check(root, &["--output-format", "sarif", "--select", "F821"]);
    let v: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(v["version"], "2.1.0");
    // 11 F821 and the syntax error of labs/broken/half_written.py.
    assert_eq!(v["runs"][0]["results"].as_array().unwrap().len(), 12);
    let (_, gh) = check(root, &["--output-format", "github", "--select", "F821"]);
    assert!(
        gh.lines()
            .all(|l| l.starts_with("::error title=codefacts (F821),file=")
                || l.starts_with("::error title=codefacts (invalid-syntax),file="))
    );
    let (_, junit) = check(root, &["--output-format", "junit", "--select", "F821"]);
    assert!(junit.starts_with("<?xml"));
    assert_eq!(junit.matches("<testcase ").count(), 12);
    let (_, full) = check(root, &["--output-format", "full", "--select", "F706"]);
    assert!(full.contains("return"), "{full}");
    assert!(full.contains('^'));
    let (_, stats) = check(root, &["--statistics", "--select", "F,TID252"]);
    assert_eq!(
        stats.lines().next().unwrap(),
        "32\tTID252\t[ ] relative-imports"
    );
}

#[test]
fn a_latin1_file_ruff_skips_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("legacy.py"),
        b"# -*- coding: latin-1 -*-\nimport os\nNAME = '\xe9t\xe9'\nprint(undefined_thing)\n",
    )
    .unwrap();
    let v = json_findings(dir.path(), &[]);
    let codes: Vec<&str> = v.iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["F401", "F821"]);
}

#[test]
fn check_errors_exit_2() {
    codefacts()
        .args(["check", "--root", "/definitely/not/here"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a directory"));
}

#[test]
fn unused_first_party_imports_in_init_suggest_reexport_as_ruff() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("pyproject.toml"), "").unwrap();
    for d in ["alpha", "beta"] {
        std::fs::create_dir(root.join(d)).unwrap();
    }
    std::fs::write(root.join("beta/__init__.py"), "").unwrap();
    std::fs::write(root.join("beta/x.py"), "").unwrap();
    std::fs::write(root.join("alpha/y.py"), "").unwrap();
    std::fs::write(
        root.join("alpha/__init__.py"),
        "import beta.x\nimport os\nimport requests\nfrom alpha import y\n",
    )
    .unwrap();
    let v = json_findings(root, &["--select", "F401"]);
    let msgs: Vec<&str> = v.iter().map(|f| f["message"].as_str().unwrap()).collect();
    let reexport = "; consider removing, adding to `__all__`, or using a redundant alias";
    assert_eq!(
        msgs,
        vec![
            format!("`beta.x` imported but unused{reexport}"),
            "`os` imported but unused".to_string(),
            "`requests` imported but unused".to_string(),
            format!("`alpha.y` imported but unused{reexport}"),
        ]
    );
}

#[test]
fn config_overrides_win_over_both_configuration_tables() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("pyproject.toml"),
        "[project]\nname = 'x'\n\n[tool.ruff.lint]\nselect = ['F401']\n\n\
         [tool.codefacts.lint]\nselect = ['F401', 'F811']\n",
    )
    .unwrap();
    std::fs::write(root.join("m.py"), "import os\nprint(undefined_name)\n").unwrap();
    let codes = |args: &[&str]| -> Vec<String> {
        json_findings(root, args)
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    };
    // [tool.codefacts] over [tool.ruff]; --config over both.
    assert_eq!(codes(&[]), ["F401"]);
    assert_eq!(codes(&["--config", "lint.select = ['F821']"]), ["F821"]);
    assert_eq!(
        codes(&["--config", "select = ['F821', 'F401']"]),
        ["F401", "F821"]
    );
    // Our own keys take overrides too.
    codefacts()
        .arg("index")
        .arg(root)
        .args(["--semantic", "--config", "index-references = true", "--db"])
        .arg(root.join("facts.db"))
        .assert()
        .success();
    let refs = sql_json(
        root,
        &root.join("facts.db"),
        "SELECT count(*) AS n FROM name_references",
    );
    assert!(refs[0]["n"].as_i64().unwrap() > 0);
}
