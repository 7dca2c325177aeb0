//! `codefacts report`: the command over queries/, its parameters, PATH narrowing, and the
//! generated docs/reports.md.

mod common;

use std::path::Path;

use common::*;

fn report(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = codefacts()
        .current_dir(cwd)
        .arg("report")
        .args(args)
        .output()
        .unwrap();
    outcome(out)
}

#[test]
fn docs_reports_md_is_generated_from_the_headers() {
    let (code, generated, _) = report(Path::new(env!("CARGO_MANIFEST_DIR")), &["--docs"]);
    assert_eq!(code, 0);
    let on_disk =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/reports.md"))
            .unwrap();
    assert!(
        on_disk == generated,
        "docs/reports.md is stale: run `codefacts report --docs > docs/reports.md`"
    );
    // Every report is in it.
    for id in [
        "files-overview",
        "import-graph",
        "importers",
        "transitive-deps",
    ] {
        assert!(generated.contains(&format!("## `{id}`")), "{id}");
    }
}

#[test]
fn unknown_reports_and_parameters_are_errors_naming_them() {
    let repo = copy_fixture("edge");
    let root = repo.path();
    let (code, _, err) = report(root, &["import-grph"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no report with @id `import-grph`") && err.contains("import-graph"),
        "{err}"
    );
    let (code, _, err) = report(root, &["importers"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("report `importers` needs --param module=VALUE"),
        "{err}"
    );
    let (code, _, err) = report(root, &["importers", "--param", "modle=app.core"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("report `importers` has no parameter `modle` (did you mean `module`?)"),
        "{err}"
    );
    let (code, _, err) = report(root, &["files-overview", "--param", "x=1"]);
    assert_eq!(code, 2);
    assert!(err.contains("its parameters: none"), "{err}");
}

#[test]
fn paths_narrow_a_report_to_their_files() {
    let repo = copy_fixture("monorepo");
    let root = repo.path();
    let (code, all, err) = report(root, &["import-graph", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let all: Vec<serde_json::Value> = serde_json::from_str(&all).unwrap();
    let (_, core, _) = report(root, &["import-graph", "core", "--format", "json"]);
    let core: Vec<serde_json::Value> = serde_json::from_str(&core).unwrap();
    // Positives: every kept edge starts in core/; negatives: edges from elsewhere are gone.
    assert!(!core.is_empty() && core.len() < all.len());
    // import-graph's first path column is the importer's file.
    let first_path =
        |r: &serde_json::Value| -> String { r["src_path"].as_str().unwrap().to_string() };
    assert!(core.iter().all(|r| first_path(r).starts_with("core/")));
    assert_eq!(
        core.len(),
        all.iter()
            .filter(|r| first_path(r).starts_with("core/"))
            .count()
    );
    // A report without a path column cannot be narrowed; a path that does not exist is named.
    let (code, _, err) = report(root, &["files-overview", "core"]);
    assert_eq!(code, 2);
    assert!(err.contains("no path column"), "{err}");
    let (code, _, err) = report(root, &["import-graph", "nosuch"]);
    assert_eq!(code, 2);
    assert!(err.contains("nosuch: no such file or folder"), "{err}");
}

#[test]
fn out_writes_a_file_and_query_is_the_same_command() {
    let repo = copy_fixture("edge");
    let root = repo.path();
    let (code, out, _) = report(
        root,
        &["files-overview", "--format", "csv", "--out", "o.csv"],
    );
    assert_eq!(code, 0);
    assert!(out.is_empty());
    let written = std::fs::read_to_string(root.join("o.csv")).unwrap();
    assert!(written.starts_with("lane,"), "{written}");
    let old = codefacts()
        .current_dir(root)
        .args(["query", "files-overview", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&old.stdout), written);
    let (_, list, _) = report(root, &["--list"]);
    assert!(
        list.contains("| importers | Who imports a module | module |"),
        "{list}"
    );
}

#[test]
fn import_graph_rolls_up_to_packages() {
    let repo = copy_fixture("monorepo");
    let root = repo.path();
    let rows = |args: &[&str]| -> Vec<serde_json::Value> {
        let mut a = vec!["import-graph", "--format", "json"];
        a.extend_from_slice(args);
        let (code, out, err) = report(root, &a);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str(&out).unwrap()
    };
    let modules = rows(&[]);
    let lanes = rows(&["-p", "level=package"]);
    let pkgs = rows(&["-p", "level=package", "-p", "depth=2"]);
    let top = |m: &str, n: usize| m.split('.').take(n).collect::<Vec<_>>().join(".");
    // Every package edge joins two different packages, and carries every import between them.
    for (rolled, depth) in [(&lanes, 1), (&pkgs, 2)] {
        assert!(!rolled.is_empty());
        for r in rolled.iter() {
            let (a, b) = (
                r["importer"].as_str().unwrap(),
                r["imported"].as_str().unwrap(),
            );
            assert_ne!(a, b, "no edge inside a package");
            assert_eq!(a.split('.').count(), depth, "{a}");
            let expected: i64 = modules
                .iter()
                .filter(|m| {
                    top(m["importer"].as_str().unwrap(), depth) == a
                        && top(m["imported"].as_str().unwrap(), depth) == b
                })
                .map(|m| m["imports"].as_i64().unwrap())
                .sum();
            assert_eq!(r["imports"].as_i64().unwrap(), expected, "{a} -> {b}");
        }
    }
    let (code, _, err) = report(root, &["import-graph", "-p", "level=lane"]);
    assert_eq!(code, 2);
    assert!(err.contains("`level` takes module or package"), "{err}");
}

#[test]
fn a_module_that_is_not_indexed_is_named_not_reported_empty() {
    let repo = copy_fixture("monorepo");
    let root = repo.path();
    for report_id in ["dependencies", "dependents", "transitive-deps"] {
        let (code, _, err) = report(root, &[report_id, "-p", "module=ring001_0"]);
        assert_eq!(code, 2, "{report_id}");
        assert!(
            err.contains("no module `ring001_0` in the index")
                && err.contains("modules named like it: core.pkg0011.ring001_0"),
            "{report_id}: {err}"
        );
    }
    // importers takes any module, the standard library's too.
    let (code, out, err) = report(root, &["importers", "-p", "module=os", "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.lines().count() > 1, "{out}");
}

#[test]
fn import_map_follows_reexports_all_and_manifests() {
    let repo = repo(&[
        ("pkg/__init__.py", "from pkg.sub import Widget\n"),
        (
            "pkg/sub/__init__.py",
            "from .impl import Widget, helper as helper_alias\n__all__ = [\"Widget\"]\n",
        ),
        (
            "pkg/sub/impl.py",
            "class Widget: ...\ndef helper(): ...\ndef _private(): ...\nclass _Hidden: ...\n\
             CONST = 1\nlower = 2\n",
        ),
        (
            "pkg/other.py",
            "__all__ = [\"exported\", \"ghost\"]\ndef exported(): ...\ndef not_in_all(): ...\n",
        ),
        ("pkg/reex.py", "from pkg.sub.impl import helper as helper\n"),
        ("pkg/stars/__init__.py", "from pkg.stars.impl import *\n"),
        (
            "pkg/stars/impl.py",
            "__all__ = ['Starred']\nclass Starred: ...\nclass NotStarred: ...\n",
        ),
        (
            "pkg/vars/__init__.py",
            "from pkg.vars.conf import path\n__all__ = ['path']\n",
        ),
        ("pkg/vars/conf.py", "path = 1\n"),
        (
            "pkg/module.manifest.json",
            r#"{"exports": ["Widget", "Missing"]}"#,
        ),
    ]);
    let root = repo.path();
    let out = codefacts()
        .args(["report", "import-map", "--format", "json", "--path"])
        .arg(root)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let map: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        map["symbols"]["Widget"],
        serde_json::json!(["pkg", "pkg.sub", "pkg.sub.impl"])
    );
    assert_eq!(
        map["modules"]["pkg.sub.impl"],
        serde_json::json!(["CONST", "Widget", "helper"])
    );
    assert_eq!(
        map["modules"]["pkg.other"],
        serde_json::json!(["exported", "ghost"])
    );
    assert_eq!(map["modules"]["pkg.reex"], serde_json::json!(["helper"]));
    assert_eq!(map["symbols"]["Missing"], serde_json::json!(["pkg"]));
    for hidden in ["_private", "_Hidden", "lower", "not_in_all", "helper_alias"] {
        assert!(
            map["symbols"].get(hidden).is_none(),
            "{hidden} is not public"
        );
    }

    let out = codefacts()
        .args([
            "report",
            "import-map",
            "--no-index",
            "--format",
            "json",
            "--path",
        ])
        .arg(root)
        .arg(root.join("pkg/sub"))
        .output()
        .unwrap();
    // PATH narrows the rows (JSON groups included).
    let narrowed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let modules: Vec<&String> = narrowed["modules"].as_object().unwrap().keys().collect();
    assert_eq!(modules, ["pkg.sub", "pkg.sub.impl"]);

    let out = codefacts()
        .args([
            "report",
            "import-map",
            "--no-index",
            "--format",
            "csv",
            "--path",
        ])
        .arg(root)
        .output()
        .unwrap();
    let csv = String::from_utf8_lossy(&out.stdout).into_owned();
    let row = |sym: &str, module: &str| -> String {
        csv.lines()
            .find(|l| l.starts_with(&format!("{sym},{module},")))
            .unwrap_or_else(|| panic!("no row {sym} {module} in\n{csv}"))
            .to_string()
    };
    assert!(csv.starts_with("symbol,module,kind,import_from,defined_in,path,line,in_manifest\n"));
    // The top-most re-export is where to import it from; the manifest lists it.
    assert_eq!(
        row("Widget", "pkg.sub.impl"),
        "Widget,pkg.sub.impl,class,pkg,pkg.sub.impl,pkg/sub/impl.py,1,1"
    );
    assert_eq!(
        row("Widget", "pkg.sub"),
        "Widget,pkg.sub,reexport,pkg,pkg.sub.impl,pkg/sub/__init__.py,1,1"
    );
    assert_eq!(
        row("helper", "pkg.sub.impl"),
        "helper,pkg.sub.impl,function,pkg.sub.impl,pkg.sub.impl,pkg/sub/impl.py,2,0"
    );
    assert_eq!(
        row("helper", "pkg.reex"),
        "helper,pkg.reex,reexport,pkg.sub.impl,pkg.sub.impl,pkg/reex.py,1,0"
    );
    assert_eq!(
        row("ghost", "pkg.other"),
        "ghost,pkg.other,declared,pkg.other,pkg.other,pkg/other.py,1,0"
    );
    assert_eq!(
        row("Missing", "pkg"),
        "Missing,pkg,manifest-only,,,pkg/__init__.py,,1"
    );
}
