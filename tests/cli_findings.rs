//! Findings as facts: codefacts' own, kept current for the reports that count them, and
//! Ruff's, ingested.

mod common;

use std::path::Path;

use common::*;

fn sql(root: &Path, query: &str) -> Vec<serde_json::Value> {
    let out = codefacts()
        .args(["sql", "--format", "json", "--path"])
        .arg(root)
        .arg(query)
        .output()
        .unwrap();
    json_rows(&out)
}

fn ingest(root: &Path, json: &str) -> (i32, String, String) {
    let file = root.join("ruff.json");
    std::fs::write(&file, json).unwrap();
    outcome(
        codefacts()
            .args(["ingest", "ruff"])
            .arg(&file)
            .arg("--path")
            .arg(root)
            .output()
            .unwrap(),
    )
}

fn ruff_finding(root: &Path, path: &str, code: &str, line: u32) -> serde_json::Value {
    serde_json::json!({
        "cell": null,
        "code": code,
        "end_location": {"column": 5, "row": line},
        "filename": root.join(path).to_string_lossy(),
        "fix": if code == "F401" { serde_json::json!({"applicability": "safe", "edits": [], "message": "Remove"}) } else { serde_json::Value::Null },
        "location": {"column": 1, "row": line},
        "message": format!("{code} here"),
        "name": "some-rule",
        "noqa_row": line,
        "severity": "error",
        "url": "https://docs.astral.sh/ruff/rules/some-rule",
    })
}

#[test]
fn our_findings_follow_the_index_and_match_check() {
    let repo = repo(&[
        ("a.py", "import os\n"),
        ("b.py", "print(undefined_thing)\n"),
    ]);
    let root = repo.path();
    let q = "SELECT code, path FROM findings WHERE source = 'codefacts' ORDER BY path, code";
    let rows = sql(root, q);
    let got: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["code"].as_str().unwrap().into(),
                r["path"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("F401".to_string(), "a.py".to_string()),
            ("F821".into(), "b.py".into())
        ]
    );
    let check = outcome(
        codefacts()
            .args(["check", "--output-format", "json", "--root"])
            .arg(root)
            .output()
            .unwrap(),
    );
    let checked: Vec<serde_json::Value> = serde_json::from_str(&check.1).unwrap();
    assert_eq!(checked.len(), rows.len());
    // An edit is seen by the next report; a changed selection too.
    std::fs::write(root.join("a.py"), "import os\nprint(os, missing_name)\n").unwrap();
    let after: Vec<String> = sql(root, q)
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(after, ["F821", "F821"]);
    std::fs::write(
        root.join("pyproject.toml"),
        "[tool.ruff.lint]\nignore = [\"F821\"]\n",
    )
    .unwrap();
    assert!(sql(root, q).is_empty());
}

#[test]
fn ruff_findings_are_ingested_replaced_and_superseded_by_ours() {
    let repo = repo(&[("a.py", "import os\n"), ("b.py", "x = 1\n")]);
    let root = repo.path();
    let findings = serde_json::json!([
        ruff_finding(root, "a.py", "F401", 1),
        ruff_finding(root, "a.py", "E501", 1),
        ruff_finding(root, "b.py", "D100", 1),
        ruff_finding(root, "gone.py", "F401", 3),
    ]);
    let (code, _, err) = ingest(root, &findings.to_string());
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("ingested 4 Ruff findings (3 rules)"), "{err}");
    assert!(
        err.contains("not in the index") && err.contains("gone.py"),
        "{err}"
    );
    let stored = sql(
        root,
        "SELECT path, code, fix, noqa_row, url FROM findings WHERE source = 'ruff' ORDER BY ordinal",
    );
    assert_eq!(stored.len(), 4);
    assert_eq!(stored[0]["path"], "a.py", "made repo-relative");
    let fix: serde_json::Value = serde_json::from_str(stored[0]["fix"].as_str().unwrap()).unwrap();
    assert_eq!(fix["applicability"], "safe");
    assert_eq!(stored[1]["noqa_row"], 1);
    // Ours win for the rules codefacts implements on indexed files; Ruff's count elsewhere.
    let counted: Vec<String> = sql(
        root,
        "SELECT source || ':' || code || ':' || path AS k FROM all_findings ORDER BY k",
    )
    .iter()
    .map(|r| r["k"].as_str().unwrap().to_string())
    .collect();
    assert_eq!(
        counted,
        [
            "codefacts:F401:a.py",
            "ruff:D100:b.py",
            "ruff:E501:a.py",
            "ruff:F401:gone.py"
        ]
    );

    // A malformed file exits 2 and leaves the previous ingest as it was.
    for bad in [
        "{not json",
        "{\"code\": \"F401\"}",
        "[{\"code\": \"F401\", \"filename\": \"a.py\", \"message\": \"m\"}]",
        "",
    ] {
        let (code, _, err) = ingest(root, bad);
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(err.contains("ruff.json"), "{err}");
    }
    assert_eq!(
        sql(
            root,
            "SELECT count(*) AS n FROM findings WHERE source = 'ruff'"
        )[0]["n"],
        4
    );
    // Ingesting again replaces; JSON lines are read too.
    let line = ruff_finding(root, "b.py", "D101", 2).to_string();
    let (code, _, err) = ingest(root, &format!("{line}\n"));
    assert_eq!(code, 0, "{err}");
    let codes: Vec<String> = sql(root, "SELECT code FROM findings WHERE source = 'ruff'")
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, ["D101"]);
}
