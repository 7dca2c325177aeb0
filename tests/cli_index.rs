//! `codefacts index`: discovery, decoding, incremental runs, bad input.

mod common;

use common::*;
use predicates::prelude::*;

#[test]
fn indexes_the_edge_fixture_with_excludes_and_lanes() {
    let repo = copy_fixture("edge");
    let db = repo.path().join("facts.db");
    let out = index(repo.path(), &db);
    assert!(
        out.starts_with("indexed 19 files: 18 parsed, 0 removed"),
        "{out}"
    );
    let paths = column(repo.path(), &db, "SELECT path FROM files ORDER BY path");
    // .gitignore'd, Ruff default excludes, and extend-exclude are all left out.
    assert!(!paths.iter().any(|p| p.starts_with("ignored_dir/")));
    assert!(!paths.iter().any(|p| p.starts_with(".venv/")));
    assert!(!paths.iter().any(|p| p.starts_with("generated/")));
    assert!(paths.contains(&"src/app/core.pyi".to_string()));
    let rows = sql_json(
        repo.path(),
        &db,
        "SELECT path, module, lane, source_root, is_package, is_stub FROM files \
         WHERE path IN ('src/app/__init__.py', 'my-scripts/tool.py', 'src/app/core.pyi') ORDER BY path",
    );
    assert_eq!(rows[0]["module"], serde_json::Value::Null);
    assert_eq!(rows[0]["lane"], "scripts");
    assert_eq!(rows[1]["module"], "app");
    assert_eq!(rows[1]["is_package"], 1);
    assert_eq!(rows[1]["source_root"], "src");
    assert_eq!(rows[1]["lane"], "app");
    assert_eq!(rows[2]["is_stub"], 1);
}

#[test]
fn coding_cookies_are_decoded_and_bad_bytes_recorded() {
    let repo = copy_fixture("edge");
    let db = repo.path().join("facts.db");
    index(repo.path(), &db);
    let rows = sql_json(
        repo.path(),
        &db,
        "SELECT path, encoding, status, error, decode_errors FROM files \
         WHERE path LIKE 'scripts/%' ORDER BY path",
    );
    let by_path = |p: &str| rows.iter().find(|r| r["path"] == p).unwrap().clone();
    assert_eq!(by_path("scripts/latin1.py")["encoding"], "latin-1");
    assert_eq!(by_path("scripts/latin1.py")["status"], "ok");
    assert_eq!(by_path("scripts/cp1252.py")["encoding"], "windows-1252");
    assert_eq!(by_path("scripts/bom.py")["encoding"], "utf-8-sig");
    let bad = by_path("scripts/bad_utf8.py");
    assert_eq!(bad["status"], "undecodable");
    assert_eq!(bad["decode_errors"], 1);
    assert!(bad["error"].as_str().unwrap().contains("line 2"));
}

#[test]
fn reindexing_is_incremental() {
    let repo = copy_fixture("edge");
    let db = repo.path().join("facts.db");
    index(repo.path(), &db);
    let out = index(repo.path(), &db);
    assert!(out.contains(": 0 parsed, 0 removed"), "{out}");

    // Same bytes, new mtime: a hash check, no parse.
    let core = repo.path().join("src/app/core.py");
    let text = std::fs::read_to_string(&core).unwrap();
    std::fs::write(&core, &text).unwrap();
    let out = index(repo.path(), &db);
    assert!(out.contains(": 0 parsed"), "{out}");

    // One edit: one parse.
    std::fs::write(&core, format!("{text}\nimport zlib\n")).unwrap();
    let out = index(repo.path(), &db);
    assert!(out.contains(": 1 parsed, 0 removed"), "{out}");

    // A deletion removes the file and its facts.
    std::fs::remove_file(repo.path().join("classes/defs.py")).unwrap();
    let out = index(repo.path(), &db);
    assert!(out.contains(": 0 parsed, 1 removed"), "{out}");
    let n = column(
        repo.path(),
        &db,
        "SELECT count(*) FROM definitions d JOIN files f USING (file_id) WHERE f.path = 'classes/defs.py'",
    );
    assert_eq!(n, vec!["0"]);
    let n = column(repo.path(), &db, "SELECT count(*) FROM files");
    assert_eq!(n, vec!["18"]);
}

#[test]
fn default_database_lives_in_a_gitignored_folder() {
    let repo = copy_fixture("edge");
    codefacts()
        .current_dir(repo.path().join("src/app"))
        .arg("index")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("indexed 19 files"));
    let dir = repo.path().join(".codefacts");
    assert!(dir.join("facts.db").is_file());
    assert_eq!(
        std::fs::read_to_string(dir.join(".gitignore")).unwrap(),
        "*\n"
    );
}

#[test]
fn huge_files_are_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ok.py"), "import os\n").unwrap();
    // 50 MB on one line.
    let mut big = String::with_capacity(50 * 1024 * 1024 + 16);
    big.push_str("X = [");
    while big.len() < 50 * 1024 * 1024 {
        big.push_str("1, ");
    }
    big.push_str("]\n");
    std::fs::write(dir.path().join("huge.py"), &big).unwrap();
    let db = dir.path().join("facts.db");
    let out = index(dir.path(), &db);
    assert!(out.contains("1 not parsed"), "{out}");
    let rows = sql_json(
        dir.path(),
        &db,
        "SELECT status, error FROM files WHERE path = 'huge.py'",
    );
    assert_eq!(rows[0]["status"], "too_large");
    assert!(rows[0]["error"].as_str().unwrap().contains("max-file-size"));
}

#[test]
fn parse_budget_is_enforced() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[tool.codefacts]\nparse-timeout-ms = 1\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("slow.py"), "f(a, b, c)\n".repeat(400_000)).unwrap();
    let db = dir.path().join("facts.db");
    index(dir.path(), &db);
    let rows = sql_json(dir.path(), &db, "SELECT status, error FROM files");
    assert_eq!(rows[0]["status"], "parse_timeout");
    assert!(rows[0]["error"].as_str().unwrap().contains("budget"));
}

#[cfg(unix)]
#[test]
fn symlinks_are_treated_as_ruff_treats_them() {
    // Ruff does not descend into linked folders (a loop, or a folder outside the repository),
    // and checks a linked file under the link's name.
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("far.py"), "import json\n").unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join("pkg")).unwrap();
    std::fs::write(repo.join("pkg/a.py"), "import os\n").unwrap();
    std::os::unix::fs::symlink("..", repo.join("pkg/loop")).unwrap();
    std::os::unix::fs::symlink(outside.path(), repo.join("pkg/elsewhere")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("far.py"), repo.join("pkg/linked.py")).unwrap();
    std::os::unix::fs::symlink(repo.join("nothing.py"), repo.join("pkg/dangling.py")).unwrap();
    let db = dir.path().join("facts.db");
    let out = codefacts()
        .arg("index")
        .arg(&repo)
        .arg("--db")
        .arg(&db)
        .arg("-v")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("pkg/dangling.py: broken symbolic link"),
        "{stderr}"
    );
    let paths = column(&repo, &db, "SELECT path FROM files ORDER BY path");
    assert_eq!(paths, vec!["pkg/a.py", "pkg/linked.py"]);
}

#[test]
fn missing_path_is_an_error() {
    codefacts()
        .args(["index", "/definitely/not/here"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a directory"));
}

#[test]
fn deep_nesting_is_indexed_without_crashing() {
    let repo = copy_fixture("edge");
    let db = repo.path().join("facts.db");
    index(repo.path(), &db);
    // 10,000 nested parentheses between two imports: both imports are facts.
    let names = column(
        repo.path(),
        &db,
        "SELECT i.name FROM imports i JOIN files f USING (file_id) \
         WHERE f.path = 'broken/deep_nesting.py' ORDER BY i.line",
    );
    assert_eq!(names, vec!["os", "json"]);
}

#[test]
fn syntax_errors_keep_the_facts_around_them() {
    let repo = copy_fixture("edge");
    let db = repo.path().join("facts.db");
    index(repo.path(), &db);
    let rows = sql_json(
        repo.path(),
        &db,
        "SELECT status, syntax_errors FROM files WHERE path = 'broken/syntax.py'",
    );
    assert_eq!(rows[0]["status"], "syntax_error");
    assert!(rows[0]["syntax_errors"].as_i64().unwrap() >= 1);
    let lines = column(
        repo.path(),
        &db,
        "SELECT line FROM syntax_errors e JOIN files f USING (file_id) \
         WHERE f.path = 'broken/syntax.py' ORDER BY line",
    );
    assert_eq!(lines.first().map(String::as_str), Some("3"));
    // Imports before and after the broken function, and the class after it, are facts.
    let names = column(
        repo.path(),
        &db,
        "SELECT i.name FROM imports i JOIN files f USING (file_id) \
         WHERE f.path = 'broken/syntax.py' ORDER BY i.line",
    );
    assert_eq!(names, vec!["os", "deque"]);
    let defs = column(
        repo.path(),
        &db,
        "SELECT d.qualname FROM definitions d JOIN files f USING (file_id) \
         WHERE f.path = 'broken/syntax.py' AND d.kind IN ('class', 'function') ORDER BY d.line",
    );
    assert!(
        defs.contains(&"Fine".to_string()) && defs.contains(&"Fine.ok".to_string()),
        "{defs:?}"
    );
}

#[test]
fn the_semantic_layer_is_built_on_first_use_and_then_kept_current() {
    let repo = copy_fixture("edge");
    let db = repo.path().join("facts.db");
    let count = |table: &str| {
        sql_json(
            repo.path(),
            &db,
            &format!("SELECT count(*) AS n FROM {table}"),
        )[0]["n"]
            .as_i64()
            .unwrap()
    };
    // A plain index holds the fact base only.
    index(repo.path(), &db);
    assert!(count("imports") > 0);
    assert_eq!(count("bindings"), 0);
    assert_eq!(count("semantic_files"), 0);

    // Reading it without refreshing says why the tables are empty.
    codefacts()
        .args(["sql", "--no-index", "--path"])
        .arg(repo.path())
        .arg("--db")
        .arg(&db)
        .arg("SELECT count(*) FROM bindings")
        .assert()
        .success()
        .stderr(predicates::str::contains("no semantic layer yet"));

    // `sql` reading a semantic table builds the layer first (every file is analysed again).
    let out = codefacts()
        .args(["sql", "--format", "json", "--path"])
        .arg(repo.path())
        .arg("--db")
        .arg(&db)
        .arg("SELECT count(*) AS n FROM semantic_files")
        .output()
        .unwrap();
    assert!(out.status.success());
    let analysed = count("semantic_files");
    codefacts()
        .args(["sql", "--no-index", "--path"])
        .arg(repo.path())
        .arg("--db")
        .arg(&db)
        .arg("SELECT count(*) FROM bindings")
        .assert()
        .success()
        .stderr(predicates::str::contains("no semantic layer").not());
    assert!(analysed > 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("\"n\": {analysed}")));

    // Later plain runs keep it current: an edited file's bindings follow its new content.
    std::fs::write(
        repo.path().join("classes/fresh_module.py"),
        "import os\nimport sys\nNEW_NAME = 1\n",
    )
    .unwrap();
    index(repo.path(), &db);
    assert_eq!(count("semantic_files"), analysed + 1);
    let rows = sql_json(
        repo.path(),
        &db,
        "SELECT b.name FROM bindings b JOIN files f USING (file_id) \
         WHERE f.path = 'classes/fresh_module.py' ORDER BY b.name",
    );
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["NEW_NAME", "os", "sys"]);
}

#[test]
fn index_semantic_builds_the_layer_at_once() {
    let repo = copy_fixture("edge");
    let db = repo.path().join("facts.db");
    codefacts()
        .arg("index")
        .arg(repo.path())
        .args(["--semantic", "--db"])
        .arg(&db)
        .assert()
        .success();
    let rows = sql_json(repo.path(), &db, "SELECT count(*) AS n FROM bindings");
    assert!(rows[0]["n"].as_i64().unwrap() > 0);
}

#[test]
fn implicit_scopes_are_stored_only_when_something_is_bound_in_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pyproject.toml"), "[project]\nname = 'x'\n").unwrap();
    std::fs::write(
        dir.path().join("m.py"),
        "def plain(a: Undefined1) -> int:\n    return a\n\n\
         def generic[T](x: T) -> T:\n    return x\n\n\
         class C:\n    def uses_cell(self):\n        return __class__\n\n    \
         def no_cell(self):\n        return 1\n",
    )
    .unwrap();
    let db = dir.path().join("facts.db");
    codefacts()
        .arg("index")
        .arg(dir.path())
        .args(["--semantic", "--db"])
        .arg(&db)
        .assert()
        .success();
    let kinds: Vec<String> = sql_json(
        dir.path(),
        &db,
        "SELECT s.kind || ':' || coalesce(p.kind, '-') AS k FROM scopes s \
         LEFT JOIN scopes p ON p.file_id = s.file_id AND p.scope_id = s.parent_id \
         ORDER BY s.scope_id",
    )
    .iter()
    .map(|r| r["k"].as_str().unwrap().to_string())
    .collect();
    // module; plain (no type-params scope); generic's type-params scope and function; C;
    // uses_cell's `__class__` cell and function; no_cell directly under the class.
    assert_eq!(
        kinds,
        [
            "module:-",
            "function:module",
            "type_params:module",
            "function:type_params",
            "class:module",
            "class_cell:class",
            "function:class_cell",
            "function:class",
        ]
    );
    // What the dropped scopes held is stored in the nearest stored one.
    let rows = sql_json(
        dir.path(),
        &db,
        "SELECT u.name, s.kind FROM unresolved_references u \
         JOIN scopes s ON s.file_id = u.file_id AND s.scope_id = u.scope_id ORDER BY u.name",
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["name"], "Undefined1");
    let cells = sql_json(
        dir.path(),
        &db,
        "SELECT count(*) AS n FROM bindings WHERE kind = 'class_cell'",
    );
    assert_eq!(cells[0]["n"], 1);
}

#[test]
fn name_references_are_stored_only_when_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pyproject.toml"), "[project]\nname = 'x'\n").unwrap();
    std::fs::write(
        dir.path().join("m.py"),
        "import os\nprint(os.sep, missing)\n",
    )
    .unwrap();
    let db = dir.path().join("facts.db");
    let refs = |pyproject: &str| {
        std::fs::write(dir.path().join("pyproject.toml"), pyproject).unwrap();
        codefacts()
            .arg("index")
            .arg(dir.path())
            .args(["--semantic", "--db"])
            .arg(&db)
            .assert()
            .success();
        sql_json(
            dir.path(),
            &db,
            "SELECT name || ':' || resolution AS r FROM name_references ORDER BY line, col",
        )
        .iter()
        .map(|r| r["r"].as_str().unwrap().to_string())
        .collect::<Vec<_>>()
    };
    assert!(refs("[project]\nname = 'x'\n").is_empty());
    // Turning the setting on analyses every file again.
    assert_eq!(
        refs("[project]\nname = 'x'\n[tool.codefacts]\nindex-references = true\n"),
        ["print:builtin", "os:binding", "missing:unresolved"]
    );
}

#[test]
fn a_cold_check_leaves_the_lookup_indexes_to_the_next_run_that_wants_them() {
    let repo = copy_fixture("monorepo");
    let db = repo.path().join("facts.db");
    let state = || {
        let names: Vec<String> = sql_json(
            repo.path(),
            &db,
            "SELECT name FROM sqlite_master WHERE type = 'index' \
             AND name IN ('bindings_by_name', 'definitions_name', 'files_module', \
                          'bindings_unused_imports') ORDER BY name",
        )
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect();
        let pending = sql_json(
            repo.path(),
            &db,
            "SELECT value FROM meta WHERE key = 'indexes_pending'",
        )[0]["value"]
            .as_str()
            .unwrap()
            .to_string();
        (names, pending)
    };
    let every_index = vec![
        "bindings_by_name".to_string(),
        "bindings_unused_imports".into(),
        "definitions_name".into(),
        "files_module".into(),
    ];
    // A cold index builds every index (the lookup ones while its last files are parsed).
    index(repo.path(), &db);
    assert_eq!(state(), (every_index.clone(), "0".to_string()));
    let schema_indexes = sql_json(
        repo.path(),
        &db,
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
    )[0]["n"]
        .as_i64()
        .unwrap();
    assert_eq!(
        schema_indexes as usize,
        codefacts::store::SCHEMA_SQL.matches("CREATE INDEX").count()
    );
    std::fs::remove_file(&db).unwrap();

    codefacts()
        .arg("check")
        .arg(repo.path())
        .args(["--exit-zero", "--db"])
        .arg(&db)
        .assert()
        .success();
    // What the rules use exists; the name lookups wait.
    assert_eq!(
        state(),
        (
            vec!["bindings_unused_imports".to_string(), "files_module".into()],
            "1".to_string()
        )
    );
    // A later check still does not need them; `index` (or `sql`, `query`) builds them.
    index(repo.path(), &db);
    assert_eq!(state(), (every_index, "0".to_string()));
}
