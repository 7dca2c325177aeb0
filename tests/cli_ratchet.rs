//! The ratchet: findings keep their identity when code moves; new ones fail.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

const A: &str =
    "import os\n\n\ndef run():\n    return helper_one()\n\n\ndef other():\n    return 1\n";

fn ratchet(root: &Path, args: &[&str]) -> (i32, String, String) {
    outcome(
        codefacts()
            .arg("ratchet")
            .args(args)
            .arg("--path")
            .arg(root)
            .env_remove("CI")
            .output()
            .unwrap(),
    )
}

fn git(root: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn git_repo() -> Option<tempfile::TempDir> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("pyproject.toml"),
        "[tool.ruff.lint]\nselect = [\"F\"]\n",
    )
    .unwrap();
    std::fs::write(root.join("a.py"), A).unwrap();
    std::fs::write(root.join("b.py"), "X = 1\n").unwrap();
    std::fs::write(root.join(".gitignore"), ".codefacts/\n").unwrap();
    let ok = git(root, &["init", "-q"])
        && git(
            root,
            &["-c", "user.email=t@t", "-c", "user.name=t", "add", "-A"],
        )
        && git(
            root,
            &[
                "-c",
                "user.email=t@t",
                "-c",
                "user.name=t",
                "commit",
                "-qm",
                "base",
            ],
        );
    ok.then_some(dir)
}

#[test]
fn moving_code_changes_nothing_and_a_swapped_name_fails() {
    let Some(repo) = git_repo() else {
        eprintln!("skipped: git is not available");
        return;
    };
    let root = repo.path();
    let (code, _, err) = ratchet(root, &["--init"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(root.join("codefacts-baseline.json")).unwrap();
    assert!(
        text.contains("\"run|helper_one\"") && text.contains("\"|os\""),
        "{text}"
    );
    assert!(
        !text.contains("\"line\"") && !text.contains(":5"),
        "no line numbers: {text}"
    );
    let (code, _, err) = ratchet(root, &["--init"]);
    assert_eq!(code, 2, "--init does not overwrite: {err}");

    // Lines inserted above the findings.
    std::fs::write(root.join("a.py"), format!("# a\n# b\n\n{A}")).unwrap();
    let (code, _, err) = ratchet(root, &[]);
    assert_eq!((code, err.trim()), (0, "ratchet: no new findings"));

    // The function moved to another file.
    std::fs::write(
        root.join("a.py"),
        "import os\n\n\ndef other():\n    return 1\n",
    )
    .unwrap();
    std::fs::write(
        root.join("b.py"),
        "X = 1\n\n\ndef run():\n    return helper_one()\n",
    )
    .unwrap();
    let (code, _, err) = ratchet(root, &["--locked"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 moved"), "{err}");

    // The file renamed (git sees it).
    std::fs::write(root.join("b.py"), "X = 1\n").unwrap();
    std::fs::write(root.join("a.py"), A).unwrap();
    assert!(git(root, &["mv", "a.py", "c.py"]));
    let (code, _, err) = ratchet(root, &["--locked"]);
    assert_eq!((code, err.trim()), (0, "ratchet: no new findings"), "{err}");
    assert!(git(root, &["mv", "c.py", "a.py"]));

    // One F821 fixed and another added in the same file: fails, naming it.
    std::fs::write(root.join("a.py"), A.replace("helper_one", "helper_two")).unwrap();
    let (code, out, err) = ratchet(root, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        out.contains("new: a.py:5:12: F821 Undefined name `helper_two`"),
        "{out}"
    );
    assert!(out.contains("| F821 | 1 | 1 | +0 | 1 |"), "{out}");
    assert!(err.contains("1 new finding (F821 +1)"), "{err}");
    let (code, out, _) = ratchet(root, &["--by", "file", "--format", "csv"]);
    assert_eq!(code, 1);
    assert!(
        out.starts_with("file,baseline,current,delta,new\na.py,2,2,+0,1\n"),
        "{out}"
    );
}

#[test]
fn fixed_findings_tighten_locally_and_fail_in_ci() {
    let repo = repo(&[
        ("pyproject.toml", "[tool.ruff.lint]\nselect = [\"F\"]\n"),
        ("a.py", A),
    ]);
    let root = repo.path();
    assert_eq!(ratchet(root, &["--init", "--track", "F821"]).0, 0);
    let text = std::fs::read_to_string(root.join("codefacts-baseline.json")).unwrap();
    assert!(!text.contains("F401"), "only tracked rules: {text}");
    // A new untracked finding does not fail.
    std::fs::write(root.join("a.py"), format!("import sys\n{A}")).unwrap();
    assert_eq!(ratchet(root, &[]).0, 0);
    // The F821 fixed: CI (or --locked) fails on the stale baseline; locally it tightens.
    std::fs::write(root.join("a.py"), A.replace("helper_one()", "1")).unwrap();
    let ci = outcome(
        codefacts()
            .args(["ratchet", "--path"])
            .arg(root)
            .env("CI", "true")
            .output()
            .unwrap(),
    );
    assert_eq!(ci.0, 1, "{}", ci.2);
    assert!(ci.2.contains("the baseline is stale"), "{}", ci.2);
    let (code, _, err) = ratchet(root, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("tightened"), "{err}");
    let text = std::fs::read_to_string(root.join("codefacts-baseline.json")).unwrap();
    assert!(
        !text.contains("helper_one") && text.contains("\"F821\""),
        "{text}"
    );
    // Then the same name coming back is new.
    std::fs::write(root.join("a.py"), A).unwrap();
    assert_eq!(ratchet(root, &[]).0, 1);
}

#[test]
fn a_missing_or_malformed_baseline_says_how_to_make_one() {
    let repo = repo(&[("a.py", A)]);
    let root = repo.path();
    let (code, _, err) = ratchet(root, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("codefacts ratchet --init"), "{err}");
    std::fs::write(root.join("codefacts-baseline.json"), "{\"files\": 3}").unwrap();
    let (code, _, err) = ratchet(root, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("not a codefacts baseline"), "{err}");
    let (code, _, err) = ratchet(root, &["--track", "F9999"]);
    assert_eq!(code, 2);
    assert!(err.contains("F9999"), "{err}");
}
