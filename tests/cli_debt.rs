//! Lint debt as a plan: the heatmap, the lanes report and `check --gate`.

mod common;

use std::path::Path;

use common::*;

const PYPROJECT: &str = r#"
[tool.ruff.lint]
select = ["F"]

[tool.codefacts.lanes]
prod = { globs = ["prod/**"], mode = "strict" }
labs = { globs = ["labs/**"], mode = "warn" }
"#;

fn debt_repo() -> tempfile::TempDir {
    repo(&[
        ("pyproject.toml", PYPROJECT),
        (
            "prod/module.manifest.json",
            r#"{"constellation_alignment": {"primary_star": "Anchor"}, "metadata": {"owner": "@prod"}}"#,
        ),
        ("prod/a.py", "import os\nprint(missing_a)\n"),
        ("prod/b.py", "print(missing_b)\n"),
        ("labs/c.py", "import sys\nimport json\n"),
        ("CODEOWNERS", "/labs/ @labs\n"),
    ])
}

fn report(root: &Path, args: &[&str]) -> (i32, String, String) {
    outcome(
        codefacts()
            .arg("report")
            .args(args)
            .arg("--path")
            .arg(root)
            .output()
            .unwrap(),
    )
}

#[test]
fn heatmap_counts_by_owner_and_rule_as_a_matrix() {
    let repo = debt_repo();
    let root = repo.path();
    let (code, out, err) = report(root, &["heatmap", "-p", "by=owner", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let m: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(m["keys"], serde_json::json!(["owner"]));
    assert_eq!(m["columns"], serde_json::json!(["F401", "F821"]));
    assert_eq!(
        m["rows"],
        serde_json::json!([
            {"owner": "@prod", "total": 3, "by": {"F401": 1, "F821": 2}},
            {"owner": "@labs", "total": 2, "by": {"F401": 2}},
        ])
    );
    assert_eq!(m["totals"]["total"], 5);

    // star,owner: two key columns; CSV and Markdown are the users' tables.
    let (_, csv, _) = report(root, &["heatmap", "--format", "csv"]);
    assert_eq!(
        csv,
        "star,owner,total,F401,F821\nAnchor,@prod,3,1,2\nSupporting,@labs,2,2,0\ntotal,,5,3,2\n"
    );
    let (_, md, _) = report(root, &["heatmap", "--format", "md"]);
    assert!(
        md.contains("| star | owner | total | F401 | F821 |"),
        "{md}"
    );
    assert!(md.contains("| F401 | 3 | 60.0% |"), "totals by rule: {md}");

    // Folders, a cap on the rule columns, and PATH narrowing.
    let (_, csv, _) = report(
        root,
        &[
            "heatmap", "-p", "by=dir", "-p", "rules=1", "--format", "csv",
        ],
    );
    assert_eq!(
        csv,
        "dir,total,F401,other\nprod,3,1,2\nlabs,2,2,0\ntotal,5,3,2\n"
    );
    let prod = root.join("prod");
    let (_, csv, _) = report(
        root,
        &[
            "heatmap",
            "-p",
            "by=lane",
            "--format",
            "csv",
            "--no-index",
            prod.to_str().unwrap(),
        ],
    );
    assert_eq!(csv, "lane,total,F821,F401\nprod,3,2,1\ntotal,3,2,1\n");
    let (code, _, err) = report(root, &["heatmap", "-p", "by=team"]);
    assert_eq!(code, 2);
    assert!(err.contains("`by` takes"), "{err}");
}

#[test]
fn ingested_ruff_findings_join_the_heatmap() {
    let repo = debt_repo();
    let root = repo.path();
    let ruff = serde_json::json!([{
        "cell": null, "code": "E501", "name": "line-too-long", "message": "Line too long",
        "filename": root.join("labs/c.py").to_string_lossy(),
        "location": {"row": 1, "column": 1}, "end_location": {"row": 1, "column": 90},
        "fix": null, "noqa_row": 1, "severity": "error", "url": null
    }]);
    let file = root.join("ruff.json");
    std::fs::write(&file, ruff.to_string()).unwrap();
    let (code, _, err) = outcome(
        codefacts()
            .args(["ingest", "ruff"])
            .arg(&file)
            .arg("--path")
            .arg(root)
            .output()
            .unwrap(),
    );
    assert_eq!(code, 0, "{err}");
    let (_, csv, _) = report(root, &["heatmap", "-p", "by=lane", "--format", "csv"]);
    // A tie in totals is ordered by the key.
    assert_eq!(
        csv,
        "lane,total,F401,F821,E501\nlabs,3,2,0,1\nprod,3,1,2,0\ntotal,6,3,2,1\n"
    );
}

#[test]
fn lanes_report_and_the_gate_fail_only_strict_lanes() {
    let repo = debt_repo();
    let root = repo.path();
    let (code, out, err) = report(root, &["lanes", "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "lane,mode,files,syntax_error_files,findings,by_rule,first_syntax_error\n\
         prod,strict,2,0,3,\"F821 2, F401 1\",\nlabs,warn,1,0,2,F401 2,\n"
    );
    let gate = |args: &[&str]| {
        outcome(
            codefacts()
                .args(["check", "--gate", "--output-format", "concise", "--root"])
                .arg(root)
                .args(args)
                .output()
                .unwrap(),
        )
    };
    let (code, out, err) = gate(&[]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out.lines().filter(|l| l.contains(".py:")).count(),
        5,
        "warn lanes are reported"
    );
    assert!(
        err.contains("gate: 3 findings in strict lanes (prod 3) fail the check"),
        "{err}"
    );
    assert!(
        err.contains("2 in warn lanes (labs 2) are reported, not failed"),
        "{err}"
    );
    let (code, _, err) = gate(&[root.join("labs").to_str().unwrap()]);
    assert_eq!(code, 0, "only warn-lane findings: {err}");

    // A file that does not parse in a strict lane fails the gate with its line and error.
    std::fs::write(root.join("prod/a.py"), "import os\nprint(os)\n").unwrap();
    std::fs::write(root.join("prod/b.py"), "x = 1\n").unwrap();
    std::fs::write(root.join("prod/broken.py"), "def f(:\n").unwrap();
    let (code, out, err) = gate(&[]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("prod/broken.py:1:"), "{out}");
    let (_, out, _) = report(root, &["lanes", "--format", "csv"]);
    assert!(
        out.contains("prod,strict,3,1,1,invalid-syntax 1,prod/broken.py:1:"),
        "{out}"
    );
    // Without strict findings the gate passes even with warn-lane findings.
    std::fs::remove_file(root.join("prod/broken.py")).unwrap();
    let (code, _, err) = gate(&[]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn drift_finds_stale_paths_and_suggests_the_renamed_one() {
    let repo = repo(&[
        (
            "pyproject.toml",
            "[tool.codefacts]\nrenames = { \"candidate/\" = \"labs/\" }\n",
        ),
        ("labs/pkg/mod.py", "X = 1\n"),
        ("data/cfg.json", "{}\n"),
        (
            "tests/test_paths.py",
            "A = \"candidate/pkg/mod.py\"\nB = \"./candidate/pkg/\"\nC = \"labs/pkg/mod.py\"\n\
             D = \"data/cfg.json\"\nE = \"data/missing.json\"\nF = \"candidate/gone/x.py\"\n\
             G = \"usr/share/x\"\nH = \"labs/pkg\"\n",
        ),
        ("labs/pkg/uses.py", "P = \"data/missing.json\"\n"),
    ]);
    let root = repo.path();
    let (code, out, err) = report(root, &["drift", "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "path,line,col,value,suggestion,reason\n\
         tests/test_paths.py,1,5,candidate/pkg/mod.py,labs/pkg/mod.py,renamed: candidate/ -> labs/\n\
         tests/test_paths.py,2,5,./candidate/pkg/,./labs/pkg/,renamed: candidate/ -> labs/\n\
         tests/test_paths.py,5,5,data/missing.json,,no such path\n\
         tests/test_paths.py,6,5,candidate/gone/x.py,,renamed: candidate/ -> labs/ (but labs/gone/x.py does not exist either)\n"
    );
    // Every file, and only one prefix.
    let (_, out, _) = report(
        root,
        &[
            "drift",
            "-p",
            "under=",
            "-p",
            "prefix=data/",
            "--format",
            "csv",
        ],
    );
    assert_eq!(
        out,
        "path,line,col,value,suggestion,reason\n\
         labs/pkg/uses.py,1,5,data/missing.json,,no such path\n\
         tests/test_paths.py,5,5,data/missing.json,,no such path\n"
    );
    // A file that appears makes its literal current.
    std::fs::write(root.join("data/missing.json"), "{}").unwrap();
    let (_, out, _) = report(root, &["drift", "-p", "prefix=data/", "--format", "csv"]);
    assert_eq!(out, "path,line,col,value,suggestion,reason\n");
}

#[test]
fn the_heatmap_shows_the_change_since_the_ratchet_baseline() {
    let repo = debt_repo();
    let root = repo.path();
    let (code, _, err) = outcome(
        codefacts()
            .args(["ratchet", "--init", "--path"])
            .arg(root)
            .output()
            .unwrap(),
    );
    assert_eq!(code, 0, "{err}");
    // One F821 fixed, one F401 added, a file cleaned entirely.
    std::fs::write(root.join("prod/a.py"), "import os\nimport re\nprint(os)\n").unwrap();
    std::fs::write(root.join("labs/c.py"), "X = 1\n").unwrap();
    let (_, csv, _) = report(root, &["heatmap", "-p", "by=lane", "--format", "csv"]);
    assert_eq!(
        csv,
        "lane,total,baseline,delta,F401,F821\nprod,2,3,-1,1,1\nlabs,0,2,-2,0,0\ntotal,2,5,-3,1,1\n"
    );
    let (_, md, _) = report(root, &["heatmap", "-p", "by=lane", "--format", "md"]);
    assert!(
        md.contains("| prod | 2 (-1) | 1 | 1 (-1) |\n| labs | 0 (-2) | 0 (-2) | 0 |"),
        "{md}"
    );
    let (_, json, _) = report(root, &["heatmap", "-p", "by=lane", "--format", "json"]);
    let m: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(m["totals"]["baseline_total"], 5);
    assert_eq!(m["rows"][1]["baseline_by"]["F401"], 2);
}
