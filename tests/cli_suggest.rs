//! Import suggestions for undefined names, and F821 offenders.

mod common;

use std::path::Path;

use common::*;

fn suggestions(root: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let out = codefacts()
        .args(["report", "import-suggestions", "--format", "json", "--path"])
        .arg(root)
        .args(args)
        .output()
        .unwrap();
    json_rows(&out)
}

fn fixture() -> tempfile::TempDir {
    repo(&[
        ("pyproject.toml", "[tool.ruff.lint]\nselect = [\"F\"]\n"),
        ("pkg/__init__.py", "from pkg.core import Widget\n"),
        ("pkg/core.py", "class Widget: ...\ndef helper(): ...\n"),
        ("pkg/one.py", "def twin(): ...\n"),
        ("pkg/two.py", "def twin(): ...\n"),
        ("app/b.py", "from pkg import Widget\nprint(Widget)\n"),
        ("app/c.py", "from pkg import Widget\nprint(Widget)\n"),
        (
            "app/a.py",
            "def run():\n    return Widget, Path, np, defaultdict, json, helper, twin, nowhere_at_all\n",
        ),
    ])
}

#[test]
fn each_undefined_name_gets_the_import_its_evidence_supports() {
    let repo = fixture();
    let rows = suggestions(repo.path(), &[]);
    let by: std::collections::HashMap<&str, &serde_json::Value> = rows
        .iter()
        .map(|r| (r["symbol"].as_str().unwrap(), r))
        .collect();
    let line = |s: &str| by[s]["import_line"].as_str().unwrap_or("").to_string();
    let conf = |s: &str| by[s]["confidence"].as_f64().unwrap();
    assert_eq!(
        line("Widget"),
        "from pkg import Widget",
        "how the repository imports it"
    );
    let widget: Vec<serde_json::Value> =
        serde_json::from_str(by["Widget"]["alternatives"].as_str().unwrap()).unwrap();
    assert!(
        widget[1..]
            .iter()
            .all(|a| a["confidence"].as_f64().unwrap() < conf("Widget")),
        "{widget:?}"
    );
    assert_eq!(line("Path"), "from pathlib import Path");
    assert_eq!(line("np"), "import numpy as np");
    assert_eq!(line("defaultdict"), "from collections import defaultdict");
    assert_eq!(line("json"), "import json");
    assert_eq!(line("helper"), "from pkg.core import helper");
    assert!(
        by["helper"]["reason"]
            .as_str()
            .unwrap()
            .contains("only definer")
    );
    // Two definers and nothing to split them: both offered, neither confidently.
    assert!(conf("twin") < 0.5, "{:?}", by["twin"]);
    let alts: Vec<serde_json::Value> =
        serde_json::from_str(by["twin"]["alternatives"].as_str().unwrap()).unwrap();
    assert_eq!(alts.len(), 2);
    assert_eq!(alts[0]["confidence"], alts[1]["confidence"]);
    // No evidence: a row that says so, never a guess.
    assert_eq!(by["nowhere_at_all"]["import_line"], serde_json::Value::Null);
    assert_eq!(conf("nowhere_at_all"), 0.0);
    // Filtering by confidence; the CSV has the users' columns first.
    let confident = suggestions(repo.path(), &["-p", "min_confidence=0.9", "--no-index"]);
    assert!(
        confident
            .iter()
            .all(|r| r["confidence"].as_f64().unwrap() >= 0.9)
    );
    assert!(confident.iter().any(|r| r["symbol"] == "np"));
    assert!(!confident.iter().any(|r| r["symbol"] == "twin"));
    let (_, csv, _) = outcome(
        codefacts()
            .args([
                "report",
                "import-suggestions",
                "--no-index",
                "--format",
                "csv",
                "--path",
            ])
            .arg(repo.path())
            .output()
            .unwrap(),
    );
    assert!(
        csv.starts_with("file,line,symbol,suggestion,import_line,confidence,reason,"),
        "{csv}"
    );
}

#[test]
fn offenders_group_undefined_names_most_frequent_first() {
    let repo = repo(&[
        ("pyproject.toml", "[tool.ruff.lint]\nselect = [\"F\"]\n"),
        ("a.py", "print(Path, Path)\n"),
        ("b.py", "print(Path, mystery)\n"),
        ("c.py", "from pathlib import Path\nprint(Path)\n"),
    ]);
    let (code, csv, err) = outcome(
        codefacts()
            .args(["report", "f821-offenders", "--format", "csv", "--path"])
            .arg(repo.path())
            .output()
            .unwrap(),
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        csv,
        "symbol,findings,files,top_suggestion,evidence\n\
         Path,3,2,from pathlib import Path,imported so in 1 file\n\
         mystery,1,1,,no evidence\n"
    );
}

#[test]
fn a_third_party_module_the_file_uses_is_a_weak_last_resort() {
    let repo = repo(&[
        ("pyproject.toml", "[tool.ruff.lint]\nselect = [\"F\"]\n"),
        (
            "a.py",
            "from somelib.errors import BadThing\nprint(BadThing, WorseThing)\n",
        ),
    ]);
    let rows = suggestions(repo.path(), &[]);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        rows[0]["import_line"],
        "from somelib.errors import WorseThing"
    );
    assert!(rows[0]["confidence"].as_f64().unwrap() <= 0.3);
    assert!(rows[0]["reason"].as_str().unwrap().contains("not known"));
}

#[test]
fn an_import_that_would_close_an_eager_cycle_goes_below_the_alternatives() {
    let repo = repo(&[
        ("pyproject.toml", "[tool.ruff.lint]\nselect = [\"F\"]\n"),
        // `shapes.arc` defines `Hexagon` and imports `app.draw` at import time, so
        // `from shapes.arc import Hexagon` in app/draw.py would close a cycle; `shapes.base`
        // defines it too, and imports nothing.
        ("shapes/__init__.py", ""),
        ("shapes/base.py", "class Hexagon: ...\n"),
        ("shapes/arc.py", "import app.draw\nclass Hexagon: ...\n"),
        ("app/__init__.py", ""),
        ("app/draw.py", "def draw():\n    return Hexagon, Circle\n"),
        // Only `shapes.round` defines `Circle`, and it imports app.draw through app.util.
        (
            "shapes/round.py",
            "from app.util import x\nclass Circle: ...\n",
        ),
        ("app/util.py", "import app.draw\nx = 1\n"),
        // Importing lazily, inside a function, makes no eager edge: no cycle for `Lazy`.
        ("lazy/__init__.py", ""),
        (
            "lazy/mod.py",
            "def late():\n    import app.other\nclass Lazy: ...\n",
        ),
        ("app/other.py", "def f():\n    return Lazy\n"),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let by: std::collections::HashMap<&str, &serde_json::Value> = rows
        .iter()
        .map(|r| (r["symbol"].as_str().unwrap(), r))
        .collect();
    assert_eq!(
        by["Hexagon"]["import_line"], "from shapes.base import Hexagon",
        "{:?}",
        by["Hexagon"]
    );
    let alts: Vec<serde_json::Value> =
        serde_json::from_str(by["Hexagon"]["alternatives"].as_str().unwrap()).unwrap();
    let circle = alts
        .iter()
        .find(|a| a["import_line"] == "from shapes.arc import Hexagon")
        .expect("the cycle-closing import stays an alternative");
    assert!(
        circle["reason"]
            .as_str()
            .unwrap()
            .contains("not suggested: it would close an eager import cycle"),
        "{circle:?}"
    );
    // No alternative: still suggested, and the reason warns.
    assert_eq!(
        by["Circle"]["import_line"],
        "from shapes.round import Circle"
    );
    assert!(
        by["Circle"]["reason"]
            .as_str()
            .unwrap()
            .contains("would close an eager import cycle"),
        "{:?}",
        by["Circle"]
    );
    assert_eq!(by["Lazy"]["import_line"], "from lazy.mod import Lazy");
    assert!(
        !by["Lazy"]["reason"].as_str().unwrap().contains("cycle"),
        "{:?}",
        by["Lazy"]
    );
}

#[test]
fn a_name_bound_in_its_own_function_gets_no_import() {
    // `del json` makes `json` local to `f`: the later use is undefined, and an import at module
    // level would not define it there.
    let repo = repo(&[
        ("pyproject.toml", "[tool.ruff.lint]\nselect = [\"F\"]\n"),
        (
            "a.py",
            "def f():\n    json = 1\n    del json\n    return json\n",
        ),
        ("b.py", "def g():\n    return json\n"),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let by: std::collections::HashMap<&str, &serde_json::Value> = rows
        .iter()
        .map(|r| (r["file"].as_str().unwrap(), r))
        .collect();
    assert!(by["a.py"]["import_line"].is_null(), "{:?}", by["a.py"]);
    assert!(
        by["a.py"]["reason"]
            .as_str()
            .unwrap()
            .contains("an import cannot define it"),
        "{:?}",
        by["a.py"]
    );
    assert_eq!(by["b.py"]["import_line"], "import json");
}
