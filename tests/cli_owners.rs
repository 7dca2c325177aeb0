//! Ownership facts: manifests and CODEOWNERS, indexed incrementally, and every file's owner.

mod common;

use std::path::Path;

use common::*;

fn owners(root: &Path, db: &Path) -> Vec<(String, String, String, String)> {
    sql_json(
        root,
        db,
        "SELECT f.path, o.star, o.owner, o.owner_source FROM file_owners o JOIN files f USING (file_id) \
         ORDER BY f.path",
    )
    .into_iter()
    .map(|r| {
        let s = |k: &str| r[k].as_str().unwrap().to_string();
        (s("path"), s("star"), s("owner"), s("owner_source"))
    })
    .collect()
}

fn index_stderr(root: &Path, db: &Path) -> String {
    let out = codefacts()
        .args(["index", "-v"])
        .arg(root)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn every_file_of_the_generated_monorepo_has_the_expected_owner() {
    let repo = copy_fixture("monorepo");
    let root = repo.path();
    let db = root.join("facts.db");
    index(root, &db);
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join(".expected.json")).unwrap())
            .unwrap();
    let rows = sql_json(
        root,
        &db,
        "SELECT f.path, o.star, coalesce(o.manifest_owner, 'unknown') AS owner \
         FROM file_owners o JOIN files f USING (file_id) ORDER BY f.path",
    );
    let got: std::collections::HashMap<String, (String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_string(),
                (
                    r["star"].as_str().unwrap().to_string(),
                    r["owner"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect();
    let want = expected["owners"].as_object().unwrap();
    assert!(want.len() > 50);
    for (path, v) in want {
        let v = (
            v[0].as_str().unwrap().to_string(),
            v[1].as_str().unwrap().to_string(),
        );
        assert_eq!(got.get(path), Some(&v), "{path}");
    }
    // Every indexed file has exactly one row.
    let files = column(root, &db, "SELECT count(*) FROM files");
    assert_eq!(files[0], rows.len().to_string());
}

#[test]
fn manifests_and_codeowners_follow_edits_and_malformed_ones_warn() {
    let repo = repo(&[
        (
            "app/module.manifest.json",
            r#"{"constellation_alignment": {"primary_star": "Anchor"}, "metadata": {"owner": "@app"}, "exports": ["Api"]}"#,
        ),
        ("app/__init__.py", ""),
        ("app/core/__init__.py", ""),
        ("app/core/module.manifest.json", "{ not json"),
        ("lib/x.py", "X = 1\n"),
        (
            ".github/CODEOWNERS",
            "* @everyone\n/lib/ @lib-team\n!/app/ @nope\n",
        ),
        ("CODEOWNERS", "* @ignored-second-file\n"),
    ]);
    let root = repo.path();
    let db = root.join("facts.db");
    let err = index_stderr(root, &db);
    assert!(
        err.contains("app/core/module.manifest.json: malformed manifest, skipped")
            && err.contains("line 1 column 3"),
        "{err}"
    );
    assert!(
        err.contains(".github/CODEOWNERS:3: invalid CODEOWNERS line"),
        "{err}"
    );
    let row = |p: &str, star: &str, owner: &str, src: &str| {
        (
            p.to_string(),
            star.to_string(),
            owner.to_string(),
            src.to_string(),
        )
    };
    assert_eq!(
        owners(root, &db),
        [
            row("app/__init__.py", "Anchor", "@app", "manifest"),
            // The malformed manifest is skipped: the one above applies.
            row("app/core/__init__.py", "Anchor", "@app", "manifest"),
            row("lib/x.py", "Supporting", "@lib-team", "codeowners"),
        ]
    );
    let exports = column(root, &db, "SELECT name FROM manifest_exports ORDER BY name");
    assert_eq!(exports, ["Api"]);
    // The warnings come on every run, not only when the file is read.
    let again = index_stderr(root, &db);
    assert!(again.contains("malformed manifest"), "{again}");

    // Mending the manifest gives its folder its own owner; a new file gets one at once.
    std::fs::write(
        root.join("app/core/module.manifest.json"),
        r#"{"metadata": {"owner": "@core"}}"#,
    )
    .unwrap();
    std::fs::write(root.join("app/core/y.py"), "").unwrap();
    index(root, &db);
    let o = owners(root, &db);
    assert_eq!(
        o[1],
        row("app/core/__init__.py", "Supporting", "@core", "manifest")
    );
    assert_eq!(
        o[2],
        row("app/core/y.py", "Supporting", "@core", "manifest")
    );

    // Removing a manifest and editing CODEOWNERS are seen too.
    std::fs::remove_file(root.join("app/module.manifest.json")).unwrap();
    std::fs::write(root.join(".github/CODEOWNERS"), "* @everyone\n/lib/\n").unwrap();
    index(root, &db);
    let o = owners(root, &db);
    assert_eq!(
        o[0],
        row("app/__init__.py", "Supporting", "@everyone", "codeowners")
    );
    assert_eq!(
        o[3],
        row("lib/x.py", "Supporting", "(unowned)", "codeowners")
    );
    let manifests = column(root, &db, "SELECT path FROM manifests ORDER BY path");
    assert_eq!(manifests, ["app/core/module.manifest.json"]);

    // Without .github/CODEOWNERS the root one is used.
    std::fs::remove_file(root.join(".github/CODEOWNERS")).unwrap();
    index(root, &db);
    assert_eq!(owners(root, &db)[3].2, "@ignored-second-file");
    let sources = column(
        root,
        &db,
        "SELECT DISTINCT source FROM codeowners_rules ORDER BY 1",
    );
    assert_eq!(sources, ["CODEOWNERS"]);
}

#[test]
fn owner_source_chooses_what_decides() {
    let files = |source: &str| {
        repo(&[
            (
                "pyproject.toml",
                &*Box::leak(
                    format!("[tool.codefacts]\nowner-source = \"{source}\"\n").into_boxed_str(),
                ),
            ),
            (
                "a/module.manifest.json",
                r#"{"metadata": {"owner": "@from-manifest"}}"#,
            ),
            ("a/m.py", ""),
            ("CODEOWNERS", "/a/ @from-codeowners\n"),
        ])
    };
    for (source, want) in [
        ("manifest", "@from-manifest"),
        ("codeowners", "@from-codeowners"),
        ("both", "@from-manifest"),
    ] {
        let repo = files(source);
        let db = repo.path().join("facts.db");
        index(repo.path(), &db);
        assert_eq!(owners(repo.path(), &db)[0].2, want, "{source}");
    }
    let repo = files("owners");
    let out = codefacts().arg("index").arg(repo.path()).output().unwrap();
    let (code, _, err) = outcome(out);
    assert_eq!(code, 2);
    assert!(err.contains("`owner-source` must be"), "{err}");
}
