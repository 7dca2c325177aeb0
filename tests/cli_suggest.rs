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

/// `report f821-offenders --format csv`: exit code, output, stderr.
fn offenders_csv(root: &Path) -> (i32, String, String) {
    outcome(
        codefacts()
            .args(["report", "f821-offenders", "--format", "csv", "--path"])
            .arg(root)
            .output()
            .unwrap(),
    )
}

/// A row's ranked candidates (`alternatives` is a JSON array in a string).
fn alternatives(row: &serde_json::Value) -> Vec<serde_json::Value> {
    serde_json::from_str(row["alternatives"].as_str().unwrap()).unwrap()
}

/// The row of `symbol` in `file`.
fn row_of<'a>(rows: &'a [serde_json::Value], file: &str, symbol: &str) -> &'a serde_json::Value {
    rows.iter()
        .find(|r| r["file"] == file && r["symbol"] == symbol)
        .unwrap_or_else(|| panic!("{file} {symbol}: {rows:?}"))
}

/// The rows by symbol (the fixtures use each undefined name once).
fn by_symbol(rows: &[serde_json::Value]) -> std::collections::HashMap<&str, &serde_json::Value> {
    rows.iter()
        .map(|r| (r["symbol"].as_str().unwrap(), r))
        .collect()
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
        // The repository uses numpy: `np` is its conventional alias, with confidence.
        ("app/plot.py", "import numpy.linalg\nprint(numpy)\n"),
        (
            "app/a.py",
            "def run():\n    return Widget, Path, np, defaultdict, json, helper, twin, nowhere_at_all\n",
        ),
    ])
}

#[test]
fn a_conventional_alias_or_a_name_the_file_binds_in_a_class_is_only_a_guess() {
    let repo = repo(&[
        ("pyproject.toml", ""),
        ("tools/__init__.py", ""),
        ("tools/eraser.py", "def wipe(): ...\n"),
        (
            "app.py",
            concat!(
                "class Pen:\n    def wipe(self): ...\n\n",
                "def demo():\n    wipe()\n    return np\n",
            ),
        ),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let by = by_symbol(&rows);
    // No file imports numpy: `np` is likely its alias, not sure.
    assert_eq!(by["np"]["import_line"], "import numpy as np");
    assert!(
        by["np"]["confidence"].as_f64().unwrap() < 0.7,
        "{:?}",
        by["np"]
    );
    assert!(
        by["np"]["reason"]
            .as_str()
            .unwrap()
            .contains("never imports numpy")
    );
    // `wipe` has one definer, but this file binds it in a class (the module may make the
    // global from the method at run time, as turtle does): below 0.9.
    assert_eq!(by["wipe"]["import_line"], "from tools.eraser import wipe");
    let c = by["wipe"]["confidence"].as_f64().unwrap();
    assert!(c < 0.9 && c > 0.5, "{:?}", by["wipe"]);
    assert!(
        by["wipe"]["reason"]
            .as_str()
            .unwrap()
            .contains("binds wipe in a class")
    );
}

#[test]
fn each_undefined_name_gets_the_import_its_evidence_supports() {
    let repo = fixture();
    let rows = suggestions(repo.path(), &[]);
    let by = by_symbol(&rows);
    let line = |s: &str| by[s]["import_line"].as_str().unwrap_or("").to_string();
    let conf = |s: &str| by[s]["confidence"].as_f64().unwrap();
    assert_eq!(
        line("Widget"),
        "from pkg import Widget",
        "how the repository imports it"
    );
    let widget = alternatives(by["Widget"]);
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
    let alts = alternatives(by["twin"]);
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
    let (code, csv, err) = offenders_csv(repo.path());
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        csv,
        "symbol,findings,files,top_suggestion,evidence\n\
         Path,3,2,from pathlib import Path,imported so in 1 file\n\
         mystery,1,1,,no evidence\n"
    );
}

/// The import reports find undefined names as `ruff check --select F821` does, whatever the
/// configuration's `select` says (networkx selects no F rule): its per-file-ignores and noqa
/// still hold, and the debt reports do not count what it does not select.
#[test]
fn undefined_names_are_found_where_the_configuration_does_not_select_f821() {
    let repo = repo(&[
        (
            "pyproject.toml",
            "[tool.ruff.lint]\nselect = [\"E\"]\n\
             [tool.ruff.lint.per-file-ignores]\n\"ignored/*\" = [\"F821\"]\n",
        ),
        ("a.py", "print(Path)\nprint(hushed)  # noqa: F821\n"),
        ("ignored/b.py", "print(Path)\n"),
        ("sub/pyproject.toml", "[tool.ruff.lint]\nselect = [\"F\"]\n"),
        ("sub/c.py", "print(Path)\n"),
        ("d.py", "from pathlib import Path\nprint(Path)\n"),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let files: Vec<&str> = rows.iter().map(|r| r["file"].as_str().unwrap()).collect();
    assert_eq!(files, ["a.py", "sub/c.py"], "{rows:?}");
    assert_eq!(
        row_of(&rows, "a.py", "Path")["import_line"],
        "from pathlib import Path"
    );
    let (code, csv, err) = offenders_csv(repo.path());
    assert_eq!(code, 0, "{err}");
    assert!(
        csv.contains("\nPath,2,2,from pathlib import Path,"),
        "{csv}"
    );
    // Debt counts only what the configuration selects: sub/c.py's F821.
    let (code, csv, err) = outcome(
        codefacts()
            .args([
                "sql",
                "--format",
                "csv",
                "SELECT path, code FROM all_findings ORDER BY path",
                "--path",
            ])
            .arg(repo.path())
            .output()
            .unwrap(),
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(csv, "path,code\nsub/c.py,F821\n");
}

/// A file that takes a package's names from the modules that define them takes this one so
/// too, over how another file imports it (the package's re-export; several files in its own
/// folder would still win); a file that takes names from the package itself keeps the package
/// (jinja2's tests do both).
#[test]
fn a_file_that_imports_from_definers_gets_the_definer() {
    let repo = repo(&[
        ("pyproject.toml", "[tool.ruff.lint]\nselect = [\"F\"]\n"),
        (
            "pkg/__init__.py",
            "from pkg.loaders import DictLoader\nfrom pkg.env import Environment\n",
        ),
        ("pkg/loaders.py", "class DictLoader: ...\n"),
        ("pkg/env.py", "class Environment: ...\n"),
        (
            "other/use.py",
            "from pkg import DictLoader\nprint(DictLoader)\n",
        ),
        (
            "tests/test_definers.py",
            "from pkg.env import Environment\nprint(Environment, DictLoader)\n",
        ),
        (
            "tests/test_package.py",
            "from pkg import Environment\nprint(Environment, DictLoader)\n",
        ),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let r = row_of(&rows, "tests/test_definers.py", "DictLoader");
    assert_eq!(
        r["import_line"], "from pkg.loaders import DictLoader",
        "{r}"
    );
    assert!(
        r["reason"]
            .as_str()
            .unwrap()
            .contains("this file imports names from the modules that define them (pkg.env)"),
        "{r}"
    );
    let r = row_of(&rows, "tests/test_package.py", "DictLoader");
    assert_eq!(r["import_line"], "from pkg import DictLoader", "{r}");
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
        // `kit/__init__` runs kit.cmd, and kit.echo imports kit (its `__init__`): but when
        // kit.cmd runs, kit is already initialising, so importing kit.echo there closes no
        // cycle (click's `from .utils import echo` in click/decorators.py).
        ("kit/__init__.py", "from kit.cmd import run\nVERSION = 1\n"),
        ("kit/echo.py", "import kit\ndef say(): ...\n"),
        ("kit/cmd.py", "def run():\n    return say\n"),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let by = by_symbol(&rows);
    assert_eq!(
        by["Hexagon"]["import_line"], "from shapes.base import Hexagon",
        "{:?}",
        by["Hexagon"]
    );
    let alts = alternatives(by["Hexagon"]);
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
    assert_eq!(by["say"]["import_line"], "from kit.echo import say");
    assert!(
        !by["say"]["reason"].as_str().unwrap().contains("cycle"),
        "{:?}",
        by["say"]
    );
    assert_eq!(by["Lazy"]["import_line"], "from lazy.mod import Lazy");
    assert!(
        !by["Lazy"]["reason"].as_str().unwrap().contains("cycle"),
        "{:?}",
        by["Lazy"]
    );
}

#[test]
fn what_the_code_does_with_a_name_tells_a_module_from_what_it_exports() {
    let repo = repo(&[
        ("pyproject.toml", ""),
        // Other files import the modules `time` and `datetime`...
        (
            "a.py",
            "import time\nimport datetime\nprint(time, datetime)\n",
        ),
        (
            "b.py",
            "import time\nimport datetime\nprint(time, datetime)\n",
        ),
        // ...but here `time` is called and `datetime` has `strptime`: neither module does.
        (
            "app.py",
            "def f(v):\n    return time(), datetime.strptime(v, '%Y')\n\ndef g():\n    return datetime\n",
        ),
        // A module that has the attribute keeps its place.
        ("c.py", "def h():\n    return time.sleep(1)\n"),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let of = |file: &str, symbol: &str, line: u64| {
        rows.iter()
            .find(|r| r["file"] == file && r["symbol"] == symbol && r["line"] == line)
            .unwrap_or_else(|| panic!("{file} {symbol}: {rows:?}"))
            .clone()
    };
    let time = of("app.py", "time", 2);
    assert_eq!(time["import_line"], "from time import time", "{time:?}");
    let alts = alternatives(&time);
    let module = alts
        .iter()
        .find(|a| a["import_line"] == "import time")
        .unwrap();
    assert!(
        module["reason"]
            .as_str()
            .unwrap()
            .contains("time is a module, and this file calls time"),
        "{module:?}"
    );
    // Every use of the name in the file counts, the plain one on line 5 too.
    for line in [2, 5] {
        let d = of("app.py", "datetime", line);
        assert_eq!(d["import_line"], "from datetime import datetime", "{d:?}");
    }
    assert_eq!(of("c.py", "time", 2)["import_line"], "import time");
}

#[test]
fn an_alias_of_a_known_name_is_the_last_resort() {
    let repo = repo(&[
        ("pyproject.toml", ""),
        ("pkg/__init__.py", ""),
        (
            "pkg/exceptions.py",
            "class SSLError(Exception): ...\nclass HTTPError(Exception): ...\nclass Error: ...\n",
        ),
        // Nothing offers `RequestsSSLError`: it may be `SSLError` under an alias. `HTTPError`
        // has a definer, so `Error` (HTTPError without its first word) is no rival of it.
        (
            "pkg/client.py",
            concat!(
                "def get():\n    raise RequestsSSLError()\n\ndef put():\n    raise HTTPError()\n",
                "\ndef save(o, fp):\n    return _json.dump(o, fp)\n",
            ),
        ),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let by = by_symbol(&rows);
    let r = by["RequestsSSLError"];
    assert_eq!(
        r["import_line"], "from pkg.exceptions import SSLError as RequestsSSLError",
        "{r:?}"
    );
    assert!(
        r["reason"]
            .as_str()
            .unwrap()
            .contains("may be an alias of SSLError")
    );
    assert!(r["confidence"].as_f64().unwrap() < 0.5, "{r:?}");
    let alts = by["HTTPError"]["alternatives"].as_str().unwrap();
    assert_eq!(
        by["HTTPError"]["import_line"],
        "from pkg.exceptions import HTTPError"
    );
    assert!(!alts.contains("alias"), "{alts}");
    // `_json.dump`: json has `dump`, the module `_json` does not.
    assert_eq!(
        by["_json"]["import_line"], "import json as _json",
        "{:?}",
        by["_json"]
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

#[test]
fn a_module_the_file_already_imports_from_comes_first_when_it_has_the_name() {
    let repo = repo(&[
        ("pyproject.toml", "[tool.ruff.lint]\nselect = [\"F\"]\n"),
        ("pkg/__init__.py", ""),
        ("pkg/shapes.py", "class Circle: ...\nclass Square: ...\n"),
        ("pkg/other.py", "class Square: ...\n"),
        // The rest of the repository imports Square from pkg.other...
        ("pkg/b.py", "from pkg.other import Square\nprint(Square)\n"),
        ("pkg/c.py", "from pkg.other import Square\nprint(Square)\n"),
        // ...but this file imports from pkg.shapes, which has a Square too; and from marshal,
        // which the standard library says exports `loads` (the repository imports json's).
        ("pkg/d.py", "from json import loads\nprint(loads)\n"),
        (
            "pkg/a.py",
            "from marshal import dumps\nfrom pkg.shapes import Circle\n\
             from pkg.tools import other\n\
             print(Circle, Square, dumps, loads, other, inspect)\n",
        ),
        // A package that binds `inspect` (a function) is no evidence against the module.
        ("pkg/tools.py", "def inspect(): ...\ndef other(): ...\n"),
        ("pkg/e.py", "import inspect\nprint(inspect)\n"),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let line = |s: &str| {
        rows.iter()
            .find(|r| r["symbol"] == s)
            .map(|r| r["import_line"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };
    assert_eq!(line("Square"), "from pkg.shapes import Square", "{rows:?}");
    assert_eq!(line("loads"), "from marshal import loads", "{rows:?}");
    assert_eq!(line("inspect"), "import inspect", "{rows:?}");
    let square = rows.iter().find(|r| r["symbol"] == "Square").unwrap();
    assert!(
        square["reason"]
            .as_str()
            .unwrap()
            .contains("this file imports other names from pkg.shapes"),
        "{square:?}"
    );
}

#[test]
fn inside_a_package_a_re_exported_name_comes_from_its_definer() {
    let repo = repo(&[
        ("pyproject.toml", "[tool.ruff.lint]\nselect = [\"F\"]\n"),
        (
            "pkg/__init__.py",
            "from pkg.core import Widget, helper\nimport pkg.boot\n\n__all__ = [\"Widget\", \"helper\"]\n\nprint(extra)\n",
        ),
        ("pkg/core.py", "class Widget: ...\ndef helper(): ...\n"),
        ("pkg/extras.py", "extra = 1\n"),
        // Code outside the package imports the public path...
        (
            "app/b.py",
            "from pkg import Widget, extra\nprint(Widget, extra)\n",
        ),
        ("app/c.py", "from pkg import Widget\nprint(Widget)\n"),
        ("app/a.py", "print(Widget)\n"),
        // ...code inside it that the package imports as it initialises, the module that
        // defines the name...
        ("pkg/boot.py", "import pkg.user\n"),
        ("pkg/user.py", "print(Widget)\n"),
        // ...and code inside it that runs when the package is whole (a test module), the
        // public path again.
        ("pkg/tests/test_widget.py", "print(Widget)\n"),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let line = |file: &str| {
        rows.iter()
            .find(|r| r["file"] == file)
            .map(|r| r["import_line"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };
    assert_eq!(line("app/a.py"), "from pkg import Widget", "{rows:?}");
    assert_eq!(
        line("pkg/user.py"),
        "from pkg.core import Widget",
        "{rows:?}"
    );
    assert_eq!(
        line("pkg/tests/test_widget.py"),
        "from pkg import Widget",
        "{rows:?}"
    );
    // A package never imports from itself: `extra` comes from where it is defined.
    assert_eq!(
        line("pkg/__init__.py"),
        "from pkg.extras import extra",
        "{rows:?}"
    );
}

#[test]
fn a_setup_py_takes_setup_from_setuptools_unless_the_repository_says_otherwise() {
    let repo = repo(&[
        ("pyproject.toml", ""),
        ("docs/conf.py", "def setup(app): ...\n"),
        (
            "examples/one/setup.py",
            "setup(name='one', packages=find_packages())\n",
        ),
        // Not a setup.py: the convention says nothing here.
        ("tools/build.py", "setup()\n"),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let at = |file: &str, symbol: &str| row_of(&rows, file, symbol);
    let setup = at("examples/one/setup.py", "setup");
    assert_eq!(setup["import_line"], "from setuptools import setup");
    assert!(
        setup["reason"].as_str().unwrap().contains("by convention"),
        "{setup:?}"
    );
    // turtle and docs/conf.py define a `setup` too: rivals, far below.
    let alternatives = alternatives(setup);
    assert!(alternatives.len() >= 3, "{alternatives:?}");
    assert!(alternatives[1]["confidence"].as_f64().unwrap() < 0.1);
    let find = at("examples/one/setup.py", "find_packages");
    assert_eq!(find["import_line"], "from setuptools import find_packages");
    assert!(find["confidence"].as_f64().unwrap() >= 0.9);
    assert_ne!(
        at("tools/build.py", "setup")["import_line"],
        "from setuptools import setup"
    );

    // Where the repository imports `setup` from elsewhere, that evidence wins.
    let repo = repo_with_distutils();
    let rows = suggestions(repo.path(), &[]);
    let setup = rows
        .iter()
        .find(|r| r["file"] == "b/setup.py")
        .unwrap_or_else(|| panic!("{rows:?}"));
    assert_eq!(setup["import_line"], "from distutils.core import setup");
}

fn repo_with_distutils() -> tempfile::TempDir {
    repo(&[
        ("pyproject.toml", ""),
        ("a/setup.py", "from distutils.core import setup\nsetup()\n"),
        ("c/setup.py", "from distutils.core import setup\nsetup()\n"),
        ("b/setup.py", "setup()\n"),
    ])
}

#[test]
fn a_module_that_lacks_what_the_code_reads_goes_below_one_that_may_have_it() {
    let repo = repo(&[
        ("pyproject.toml", ""),
        // `db.models` has its names through star imports of files the index resolved.
        ("db/__init__.py", ""),
        (
            "db/models/__init__.py",
            "from db.models.fields import *\nfrom db.models.base import Model\n",
        ),
        ("db/models/base.py", "class Model: ...\n"),
        (
            "db/models/fields.py",
            "__all__ = ['CharField']\nclass CharField: ...\ndef __getattr__(name): ...\n",
        ),
        // `gis.models` adds PointField (and star-imports db.models: it is not judged).
        ("gis/__init__.py", ""),
        (
            "gis/models.py",
            "from db.models import *\nclass PointField: ...\n",
        ),
        // Many files use db.models, one gis.models.
        ("app1.py", "from db import models\nprint(models)\n"),
        ("app2.py", "from db import models\nprint(models)\n"),
        ("app3.py", "from db import models\nprint(models)\n"),
        ("geo1.py", "from gis import models\nprint(models)\n"),
        // Here the code reads PointField, which db.models lacks; CharField it has.
        (
            "geo2.py",
            "class Place(models.Model):\n    where = models.PointField()\n",
        ),
        (
            "shop.py",
            "class Item(models.Model):\n    name = models.CharField()\n",
        ),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let of = |file: &str| row_of(&rows, file, "models").clone();
    let geo = of("geo2.py");
    assert_eq!(geo["import_line"], "from gis import models", "{geo:?}");
    let alts = alternatives(&geo);
    let db = alts
        .iter()
        .find(|a| a["import_line"] == "from db import models")
        .unwrap();
    assert!(
        db["reason"]
            .as_str()
            .unwrap()
            .contains("the module db.models has no PointField"),
        "{db:?}"
    );
    // The star source's `__getattr__` is its own: it does not give db.models every name.
    // And where db.models has what the code reads, the evidence decides.
    assert_eq!(of("shop.py")["import_line"], "from db import models");
}

#[test]
fn the_module_named_like_the_name_nearest_the_file_comes_first() {
    let repo = repo(&[
        ("pyproject.toml", ""),
        ("shop/__init__.py", ""),
        ("shop/storage/__init__.py", ""),
        ("shop/storage/base.py", "X = 1\n"),
        ("shop/apps.py", "print(base.X)\n"),
        ("admin/__init__.py", ""),
        ("admin/base.py", "X = 1\n"),
        ("admin/tags/__init__.py", ""),
        ("admin/tags/base.py", "X = 1\n"),
        ("gis/__init__.py", ""),
        ("gis/base.py", "X = 1\n"),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let base = by_symbol(&rows)["base"];
    assert_eq!(
        base["import_line"], "from shop.storage import base",
        "{base:?}"
    );
    assert!(
        base["reason"]
            .as_str()
            .unwrap()
            .contains("the nearest of 4 so named"),
        "{base:?}"
    );
    // The others share a small part: the nearest is likely, not sure.
    let c = base["confidence"].as_f64().unwrap();
    assert!(c > 0.4 && c < 0.7, "{base:?}");
}

#[test]
fn how_the_repository_imports_a_name_outranks_a_private_definition() {
    let repo = repo(&[
        ("pyproject.toml", ""),
        ("i18n/__init__.py", "def gettext(s): ...\n"),
        ("i18n/null.py", "def gettext(s): ...\n_ = gettext\n"),
        ("i18n/lazy.py", "def lazy(s): ...\n"),
        // The repository's evidence is split (two files one way, one the other)...
        ("a.py", "from i18n import gettext as _\nprint(_('a'))\n"),
        ("b.py", "from i18n import gettext as _\nprint(_('b'))\n"),
        ("d.py", "from i18n.lazy import lazy as _\nprint(_('d'))\n"),
        // ...and still outranks a module that binds `_` at its top.
        ("c.py", "print(_('c'))\n"),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let u = by_symbol(&rows)["_"];
    assert_eq!(u["import_line"], "from i18n import gettext as _", "{u:?}");
}

#[test]
fn a_standard_library_submodule_named_like_the_name_is_a_candidate() {
    let repo = repo(&[
        ("pyproject.toml", ""),
        (
            "tests/test_a.py",
            "def test_x():\n    with mock.patch('os.getcwd'):\n        return ElementTree.parse('x')\n",
        ),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let by = by_symbol(&rows);
    assert_eq!(by["mock"]["import_line"], "from unittest import mock");
    assert_eq!(
        by["ElementTree"]["import_line"],
        "from xml.etree import ElementTree"
    );
    assert!(by["mock"]["confidence"].as_f64().unwrap() < 0.9);
}

#[test]
fn a_standard_library_module_is_not_ranked_last_for_a_name_its_stub_leaves_out() {
    // typeshed's logging stub declares an `__all__` without `root`, which logging has at its
    // top level (`stdlib_attributes`); it does not list what logging imports (`sys`): the
    // table cannot rule the module out, only lower it.
    let repo = repo(&[
        ("pyproject.toml", ""),
        ("app/__init__.py", ""),
        // A namesake whose names are not all known (a star import from outside).
        ("app/logging.py", "from elsewhere import *\n"),
        ("a.py", "import logging\nprint(logging)\n"),
        ("b.py", "import logging\nprint(logging)\n"),
        ("c.py", "import logging\nprint(logging)\n"),
        ("d.py", "import logging\nprint(logging)\n"),
        ("e.py", "def f():\n    return logging.root.handlers\n"),
        ("f.py", "def f():\n    return logging.sys.modules\n"),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let root = row_of(&rows, "e.py", "logging");
    assert_eq!(root["import_line"], "import logging", "{root:?}");
    assert!(
        !root["reason"].as_str().unwrap().contains("has no"),
        "{root:?}"
    );
    let sys = row_of(&rows, "f.py", "logging");
    assert_eq!(sys["import_line"], "import logging", "{sys:?}");
    assert!(
        sys["reason"].as_str().unwrap().contains("has no sys"),
        "{sys:?}"
    );
}

#[test]
fn a_module_under_folders_no_import_goes_through_is_named_from_its_package() {
    // `examples/tutorial/` holds a project of its own: its tests import `flaskr.db`, never
    // `examples.tutorial.flaskr.db`. A suggestion writes the name that works.
    let repo = repo(&[
        ("pyproject.toml", ""),
        ("examples/tutorial/flaskr/__init__.py", ""),
        ("examples/tutorial/flaskr/db.py", "def get_db(): ...\n"),
        ("examples/tutorial/flaskr/auth.py", "print(get_db())\n"),
        ("examples/tutorial/flaskr/blog.py", "print(init_db())\n"),
        (
            "examples/tutorial/flaskr/setup_db.py",
            "def init_db(): ...\n",
        ),
        (
            "examples/tutorial/tests/test_db.py",
            "from flaskr.db import get_db\nget_db()\n",
        ),
        ("lane/pkg/__init__.py", ""),
        ("lane/pkg/mod.py", "def lane_helper(): ...\n"),
        ("lane/pkg/user.py", "lane_helper()\n"),
        // An absolute import through `lane` proves the name from the repository root works.
        ("lane/other.py", "import lane.pkg\n"),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let get_db = row_of(&rows, "examples/tutorial/flaskr/auth.py", "get_db");
    assert_eq!(
        get_db["import_line"], "from flaskr.db import get_db",
        "{get_db:?}"
    );
    assert_eq!(get_db["suggestion"], "flaskr.db", "{get_db:?}");
    // The definer and the repository's import are one candidate, not two.
    assert_eq!(alternatives(get_db).len(), 1, "{get_db:?}");
    let init_db = row_of(&rows, "examples/tutorial/flaskr/blog.py", "init_db");
    assert_eq!(
        init_db["import_line"], "from flaskr.setup_db import init_db",
        "{init_db:?}"
    );
    assert!(
        init_db["reason"]
            .as_str()
            .unwrap()
            .contains("defined in flaskr.setup_db"),
        "{init_db:?}"
    );
    let lane = row_of(&rows, "lane/pkg/user.py", "lane_helper");
    assert_eq!(
        lane["import_line"], "from lane.pkg.mod import lane_helper",
        "{lane:?}"
    );
}

#[test]
fn a_module_the_file_imports_whole_outweighs_one_other_file() {
    let repo = repo(&[
        ("pyproject.toml", ""),
        (
            "cli/__init__.py",
            "from cli.core import Option as Option\nfrom cli.flags import Flag as Flag\n",
        ),
        ("cli/core.py", "class Option: ...\n"),
        // One test imports the definer's module...
        (
            "tests/test_a.py",
            "from cli.core import Option\nprint(Option)\n",
        ),
        // ...this one reaches into the package it imports whole.
        ("tests/test_b.py", "import cli\nprint(cli.core, Option)\n"),
        // Four files of its own folder outweigh it.
        ("cli/flags.py", "class Flag: ...\n"),
        (
            "tests/test_f1.py",
            "from cli.flags import Flag\nprint(Flag)\n",
        ),
        (
            "tests/test_f2.py",
            "from cli.flags import Flag\nprint(Flag)\n",
        ),
        (
            "tests/test_f3.py",
            "from cli.flags import Flag\nprint(Flag)\n",
        ),
        (
            "tests/test_f4.py",
            "from cli.flags import Flag\nprint(Flag)\n",
        ),
        ("tests/test_c.py", "import cli\nprint(cli.core, Flag)\n"),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let option = row_of(&rows, "tests/test_b.py", "Option");
    assert_eq!(
        option["import_line"], "from cli import Option",
        "{option:?}"
    );
    assert!(
        option["reason"]
            .as_str()
            .unwrap()
            .contains("this file imports cli, which has this one too"),
        "{option:?}"
    );
    let flag = row_of(&rows, "tests/test_c.py", "Flag");
    assert_eq!(
        flag["import_line"], "from cli.flags import Flag",
        "{flag:?}"
    );
    assert!(
        alternatives(flag)
            .iter()
            .any(|a| a["import_line"] == "from cli import Flag"),
        "{flag:?}"
    );
}

#[test]
fn a_name_at_the_top_of_the_files_own_package_is_a_candidate_even_when_not_public() {
    let repo = repo(&[
        ("pyproject.toml", ""),
        ("site/__init__.py", "config = {}\nfrom site import views\n"),
        (
            "site/state.py",
            "from web import Flask\napp = Flask(__name__)\n",
        ),
        (
            "site/views.py",
            "@app.route('/')\ndef index():\n    return config\n",
        ),
        // Public `app` and `config` elsewhere: fixtures of the tests.
        ("tests/conftest.py", "def app(): ...\ndef config(): ...\n"),
        // Outside the package, the package's lowercase variable is no candidate.
        ("other/__init__.py", ""),
        ("other/use.py", "print(app)\n"),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let app = row_of(&rows, "site/views.py", "app");
    assert_eq!(app["import_line"], "from site.state import app", "{app:?}");
    assert!(
        app["reason"]
            .as_str()
            .unwrap()
            .contains("defined at the top of site.state, in this file's package"),
        "{app:?}"
    );
    // The package's `__init__` imports this file: whether it binds `config` first is not
    // known, so the import would close an eager cycle, and says so.
    let config = row_of(&rows, "site/views.py", "config");
    assert!(
        alternatives(config)
            .iter()
            .any(|a| a["import_line"] == "from site import config"
                && a["reason"]
                    .as_str()
                    .unwrap()
                    .contains("would close an eager import cycle")),
        "{config:?}"
    );
    let other = row_of(&rows, "other/use.py", "app");
    assert!(
        alternatives(other)
            .iter()
            .all(|a| a["import_line"] != "from site.state import app"),
        "{other:?}"
    );
}

#[test]
fn a_module_imported_whole_is_no_evidence_for_a_module_name_or_from_the_standard_library() {
    let repo = repo(&[
        ("pyproject.toml", ""),
        (
            "attr/__init__.py",
            "from attr._make import attrs as attrs\n",
        ),
        ("attr/_make.py", "def attrs(): ...\n"),
        ("attrs/__init__.py", "from attr import attrs as define\n"),
        ("tests/test_a.py", "import attrs\nprint(attrs)\n"),
        ("tests/test_b.py", "import attrs\nprint(attrs)\n"),
        // This file imports `attr` whole, which has an `attrs` too: the repository's evidence
        // for the module `attrs` decides.
        (
            "tests/test_c.py",
            "import attr\nprint(attr, attrs.define)\n",
        ),
        // A standard-library module imported whole is no such evidence: its table has names
        // newer than the code (`inspect.markcoroutinefunction`, 3.12).
        (
            "lib/a.py",
            "from asgiref.sync import markcoroutinefunction\n",
        ),
        (
            "lib/b.py",
            "from asgiref.sync import markcoroutinefunction\n",
        ),
        (
            "lib/c.py",
            "from asgiref.sync import markcoroutinefunction\n",
        ),
        (
            "util/d.py",
            "import inspect\nprint(inspect, markcoroutinefunction)\n",
        ),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let attrs = row_of(&rows, "tests/test_c.py", "attrs");
    assert_eq!(attrs["import_line"], "import attrs", "{attrs:?}");
    assert!(
        alternatives(attrs)
            .iter()
            .any(|a| a["import_line"] == "from attr import attrs"),
        "{attrs:?}"
    );
    let mark = row_of(&rows, "util/d.py", "markcoroutinefunction");
    assert_eq!(
        mark["import_line"], "from asgiref.sync import markcoroutinefunction",
        "{mark:?}"
    );
}

#[test]
fn reading_a_names_namesake_attribute_says_it_is_a_module() {
    let repo = repo(&[
        ("pyproject.toml", ""),
        ("a.py", "from urllib.parse import quote\nprint(quote)\n"),
        // `urlparse.urlparse(...)`: `urlparse` is a module here (`from urllib import parse as
        // urlparse`), not the function `urllib.parse` exports.
        ("b.py", "def f(v):\n    return urlparse.urlparse(v)\n"),
        ("c.py", "def f(v):\n    return urlparse(v)\n"),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let module = row_of(&rows, "b.py", "urlparse");
    assert!(module["confidence"].as_f64().unwrap() < 0.5, "{module:?}");
    assert!(
        module["reason"]
            .as_str()
            .unwrap()
            .contains("this file reads urlparse.urlparse, as of a module"),
        "{module:?}"
    );
    let function = row_of(&rows, "c.py", "urlparse");
    assert_eq!(
        function["import_line"], "from urllib.parse import urlparse",
        "{function:?}"
    );
    assert!(
        function["confidence"].as_f64().unwrap() >= 0.9,
        "{function:?}"
    );
}

#[test]
fn reading_only_what_the_namesake_module_has_says_it_is_that_module() {
    let repo = repo(&[
        ("pyproject.toml", ""),
        // The repository takes the class `socket.socket` in two files...
        (
            "a.py",
            "from socket import socket
print(socket)
",
        ),
        (
            "b.py",
            "from socket import socket
print(socket)
",
        ),
        // ...but this file reads only what the module `socket` has.
        ("host.py", "def name():\n    return socket.gethostname()\n"),
        // One attribute the module lacks, and nothing is said.
        (
            "conn.py",
            "def f(s):\n    return socket.gethostname(), socket.recv_into\n",
        ),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let host = row_of(&rows, "host.py", "socket");
    assert_eq!(host["import_line"], "import socket", "{host:?}");
    let from = alternatives(host)
        .into_iter()
        .find(|a| a["import_line"] == "from socket import socket")
        .expect("the repository's import stays an alternative");
    assert!(
        from["reason"]
            .as_str()
            .unwrap()
            .contains("this file reads socket.gethostname, as of a module"),
        "{from:?}"
    );
    let conn = row_of(&rows, "conn.py", "socket");
    assert_eq!(conn["import_line"], "from socket import socket", "{conn:?}");
}

#[test]
fn a_module_that_re_exports_a_name_is_not_how_code_imports_it() {
    let repo = repo(&[
        ("pyproject.toml", "[tool.ruff.lint]\nselect = [\"F\"]\n"),
        ("web/__init__.py", ""),
        ("web/middleware/__init__.py", ""),
        // The public path of a third-party class, re-exported as `X as X`.
        (
            "web/middleware/cors.py",
            "from starlette.middleware.cors import CORSMiddleware as CORSMiddleware\n",
        ),
        ("docs/app.py", "app = CORSMiddleware\n"),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let row = row_of(&rows, "docs/app.py", "CORSMiddleware");
    assert_eq!(
        row["import_line"], "from web.middleware.cors import CORSMiddleware",
        "{row:?}"
    );
    assert!(
        alternatives(row)
            .iter()
            .all(|a| !a["import_line"].as_str().unwrap().contains("starlette")),
        "{row:?}"
    );
}

#[test]
fn a_package_that_star_imports_a_module_re_exports_its_names() {
    let repo = repo(&[
        ("pyproject.toml", "[tool.ruff.lint]\nselect = [\"F\"]\n"),
        ("graphs/__init__.py", "from graphs.algorithms import *\n"),
        // A chain of stars: the top package passes on what its subpackage passes on.
        (
            "graphs/algorithms/__init__.py",
            "from graphs.algorithms.flow import *\nfrom graphs.algorithms.paths import *\n",
        ),
        (
            "graphs/algorithms/flow.py",
            "__all__ = [\"max_flow\", \"_tuned\"]\ndef max_flow(): ...\ndef _tuned(): ...\n",
        ),
        // No `__all__`: the star brings the public names only.
        (
            "graphs/algorithms/paths.py",
            "def shortest_path(): ...\ndef _private(): ...\n",
        ),
        // A package with an `__all__` passes on only what it names.
        (
            "narrow/__init__.py",
            "from narrow.impl import *\n__all__ = [\"kept\"]\n",
        ),
        ("narrow/impl.py", "def kept(): ...\ndef dropped(): ...\n"),
        (
            "app/use.py",
            "print(max_flow, shortest_path, _tuned, kept, dropped)\n",
        ),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let alts = |symbol: &str| -> Vec<String> {
        alternatives(row_of(&rows, "app/use.py", symbol))
            .iter()
            .map(|a| a["import_line"].as_str().unwrap().to_string())
            .collect()
    };
    let flow = alts("max_flow");
    assert!(
        flow.contains(&"from graphs import max_flow".to_string()),
        "{flow:?}"
    );
    assert!(
        flow.contains(&"from graphs.algorithms import max_flow".to_string()),
        "{flow:?}"
    );
    let paths = alts("shortest_path");
    assert!(
        paths.contains(&"from graphs import shortest_path".to_string()),
        "{paths:?}"
    );
    // `_tuned` is in flow's `__all__`: the first star brings it, the second (algorithms has
    // no `__all__`) does not pass it on.
    let tuned = alts("_tuned");
    assert!(
        tuned.contains(&"from graphs.algorithms import _tuned".to_string()),
        "{tuned:?}"
    );
    assert!(
        !tuned.contains(&"from graphs import _tuned".to_string()),
        "{tuned:?}"
    );
    assert!(alts("kept").contains(&"from narrow import kept".to_string()));
    let dropped = alts("dropped");
    assert!(
        !dropped.contains(&"from narrow import dropped".to_string()),
        "{dropped:?}"
    );
    assert!(
        dropped.contains(&"from narrow.impl import dropped".to_string()),
        "{dropped:?}"
    );
}

#[test]
fn of_two_modules_the_file_imports_from_the_one_it_takes_more_names_from_comes_first() {
    let repo = repo(&[
        ("pyproject.toml", "[tool.ruff.lint]\nselect = [\"F\"]\n"),
        (
            "tmpl/__init__.py",
            "from tmpl.errors import NotFound as NotFound\nfrom tmpl.errors import Bad as Bad\n\
             from tmpl.errors import Worse as Worse\nfrom tmpl.env import Env as Env\n\
             from tmpl.env import Loader as Loader\n",
        ),
        (
            "tmpl/errors.py",
            "class NotFound(Exception): ...\nclass Bad(Exception): ...\nclass Worse(Exception): ...\n",
        ),
        ("tmpl/env.py", "class Env: ...\nclass Loader: ...\n"),
        // This file takes one name from the package and two from the module that defines
        // the errors...
        (
            "tests/test_load.py",
            "from tmpl import Env\nfrom tmpl.errors import Bad, Worse\nprint(Env, Bad, Worse, NotFound)\n",
        ),
        // ...this one, two from the package and one from the errors' module.
        (
            "tests/test_env.py",
            "from tmpl import Env, Loader\nfrom tmpl.errors import Bad\nprint(Env, Loader, Bad, NotFound)\n",
        ),
        // A repository module's own `urlencode` comes before the standard library's, however
        // many names the file takes from the latter.
        ("web/urls.py", "def urlencode(): ...\ndef urlsplit(): ...\n"),
        (
            "web/links.py",
            "from urllib.parse import quote, unquote\nfrom web.urls import urlsplit\n\
             print(quote, unquote, urlsplit, urlencode)\n",
        ),
    ]);
    let rows = suggestions(repo.path(), &[]);
    let r = row_of(&rows, "tests/test_load.py", "NotFound");
    assert_eq!(r["import_line"], "from tmpl.errors import NotFound", "{r}");
    assert_eq!(
        alternatives(r)[1]["import_line"],
        "from tmpl import NotFound",
        "{r}"
    );
    let r = row_of(&rows, "tests/test_env.py", "NotFound");
    assert_eq!(r["import_line"], "from tmpl import NotFound", "{r}");
    assert_eq!(
        alternatives(r)[1]["import_line"],
        "from tmpl.errors import NotFound",
        "{r}"
    );
    let r = row_of(&rows, "web/links.py", "urlencode");
    assert_eq!(r["import_line"], "from web.urls import urlencode", "{r}");
    assert_eq!(
        alternatives(r)[1]["import_line"],
        "from urllib.parse import urlencode",
        "{r}"
    );
}
