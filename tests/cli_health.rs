//! `codefacts health`: the report, its JSON, and a history that survives the database.

mod common;

use std::path::Path;

use common::*;

fn health(root: &Path, args: &[&str]) -> (i32, String, String) {
    outcome(
        codefacts()
            .arg("health")
            .args(args)
            .arg("--path")
            .arg(root)
            .output()
            .unwrap(),
    )
}

#[test]
fn health_reports_counts_and_the_trend_over_recorded_snapshots() {
    let repo = copy_fixture("monorepo");
    let root = repo.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    let json = root.join("out/latest.json");
    let md = root.join("out/latest.md");
    let (code, out, err) = health(
        root,
        &[
            "--record",
            "--out-json",
            json.to_str().unwrap(),
            "--out-md",
            md.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty(), "with --out-* nothing goes to stdout: {out}");
    assert!(err.contains("recorded snapshot 1"), "{err}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let check = outcome(
        codefacts()
            .args(["check", "--output-format", "json", "--root"])
            .arg(root)
            .output()
            .unwrap(),
    );
    let checked: Vec<serde_json::Value> = serde_json::from_str(&check.1).unwrap();
    assert_eq!(report["snapshot"]["findings"], checked.len());
    assert_eq!(report["snapshot"]["cycles"], 2);
    assert_eq!(
        report["lanes"][0]["lane"], "production",
        "strict lanes first"
    );
    assert_eq!(report["lanes"][0]["mode"], "strict");
    assert_eq!(report["snapshot"]["by_code"]["F821"], 11);
    // The generated names have a unique definer each: every F821 has a confident fix.
    assert_eq!(report["snapshot"]["f821_with_confident_suggestion"], 11);
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(
        text.contains("## Lanes (strict first)") && text.contains("| **production** | strict |")
    );
    assert!(
        text.contains("No snapshot recorded yet"),
        "one point is no trend: {text}"
    );

    // The database rebuilt (deleted here): the history is not part of it.
    std::fs::remove_file(root.join(".codefacts/facts.db")).unwrap();
    std::fs::write(
        root.join("lukhas/pkg0000/extra.py"),
        "print(undefined_one)\nprint(undefined_two)\n",
    )
    .unwrap();
    let (code, out, err) = health(root, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(+2 since the last snapshot)"), "{out}");
    assert!(out.contains("| F821 | undefined-name | 13 | +2 |"), "{out}");
    assert!(out.contains("```mermaid\nxychart-beta"), "{out}");
    let n = checked.len();
    assert!(out.contains(&format!("line [{n}, {}]", n + 2)), "{out}");
}

#[test]
fn the_history_file_is_configurable_and_bad_lines_are_skipped() {
    let repo = repo(&[
        (
            "pyproject.toml",
            "[tool.codefacts]\nhistory = \"docs/health/history.jsonl\"\n",
        ),
        ("a.py", "import os\n"),
    ]);
    let root = repo.path();
    std::fs::create_dir_all(root.join("docs/health")).unwrap();
    std::fs::write(root.join("docs/health/history.jsonl"), "not json\n").unwrap();
    let (code, _, err) = health(root, &["--record"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("history.jsonl:1: not a health snapshot, skipped"),
        "{err}"
    );
    let lines = std::fs::read_to_string(root.join("docs/health/history.jsonl")).unwrap();
    assert_eq!(
        lines.lines().count(),
        2,
        "appended, the bad line kept: {lines}"
    );
    let snap: serde_json::Value = serde_json::from_str(lines.lines().nth(1).unwrap()).unwrap();
    assert_eq!(snap["findings"], 1);
    assert!(snap["date"].as_str().unwrap().ends_with('Z'));
}
