//! `codefacts fix`: the diff, `--apply`, and the edge cases the best codemods test.

mod common;

use std::path::Path;

use common::*;

fn fix(root: &Path, args: &[&str]) -> (i32, String, String) {
    outcome(
        codefacts()
            .args(["fix"])
            .args(args)
            .arg("--root")
            .arg(root)
            .current_dir(root)
            .output()
            .unwrap(),
    )
}

/// Runs the diff of `kind` again after `--apply` and checks it finds nothing; returns its
/// exit code.
fn second_run(root: &Path, kind: &str) -> i32 {
    let (code, out, err) = fix(root, &[kind]);
    assert!(out.is_empty(), "a second run changes nothing: {out}");
    assert!(err.contains("would fix 0 places"), "{err}");
    code
}

fn read(root: &Path, p: &str) -> String {
    std::fs::read_to_string(root.join(p)).unwrap()
}

const ALL: &str = "[tool.ruff.lint]\nselect = [\"TID252\"]\n\
                   [tool.ruff.lint.flake8-tidy-imports]\nban-relative-imports = \"all\"\n";

fn relative_fixture() -> tempfile::TempDir {
    repo(&[
        ("pyproject.toml", ALL),
        ("pkg/__init__.py", "from .a import X\nfrom . import sub\n"),
        ("pkg/a.py", "X = 1\nY = 2\n"),
        ("pkg/sub/__init__.py", ""),
        ("pkg/sub/c.py", "Z = 3\n"),
        (
            "pkg/sub/b.py",
            concat!(
                "\"\"\"Docstring.\"\"\"\n",
                "from .. import a\n",
                "from ..a import (  # the names we need\n",
                "    X,  # this one\n",
                "    Y as Y,\n",
                ")\n",
                "from .import c\n",
                "from \\\n    .c import Z\n",
                "import os; from .c import Z as Z2\n",
                "from typing import TYPE_CHECKING\n",
                "if TYPE_CHECKING:\n",
                "    from ..a import X as X3\n",
                "def f():\n",
                "    from . import c as c2\n",
                "    return c2\n",
                "from .c import *\n",
                "from .c import Z as Z4  # noqa: TID252\n",
                "from ...above import nothing\n",
            ),
        ),
        ("pkg/sub/stub.pyi", "from ..a import X\n"),
    ])
}

#[test]
fn relative_imports_become_absolute_and_nothing_else_changes() {
    let repo = relative_fixture();
    let root = repo.path();
    let before = read(root, "pkg/sub/b.py");
    let (code, diff, err) = fix(root, &["relative-imports"]);
    assert_eq!(
        code, 1,
        "a dry run with fixes exits 1, as `ruff --diff`: {err}"
    );
    assert!(
        diff.contains("--- a/pkg/sub/b.py\n+++ b/pkg/sub/b.py\n"),
        "{diff}"
    );
    assert_eq!(
        read(root, "pkg/sub/b.py"),
        before,
        "a dry run writes nothing"
    );
    assert!(
        err.contains("pkg/sub/b.py:19: left unchanged: it climbs above the top-level package"),
        "{err}"
    );
    let (code, _, err) = fix(root, &["relative-imports", "--apply"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        read(root, "pkg/sub/b.py"),
        concat!(
            "\"\"\"Docstring.\"\"\"\n",
            "from pkg import a\n",
            "from pkg.a import (  # the names we need\n",
            "    X,  # this one\n",
            "    Y as Y,\n",
            ")\n",
            "from pkg.sub import c\n",
            "from \\\n    pkg.sub.c import Z\n",
            "import os; from pkg.sub.c import Z as Z2\n",
            "from typing import TYPE_CHECKING\n",
            "if TYPE_CHECKING:\n",
            "    from pkg.a import X as X3\n",
            "def f():\n",
            "    from pkg.sub import c as c2\n",
            "    return c2\n",
            "from pkg.sub.c import *\n",
            "from .c import Z as Z4  # noqa: TID252\n",
            "from ...above import nothing\n",
        )
    );
    assert_eq!(
        read(root, "pkg/__init__.py"),
        "from pkg.a import X\nfrom pkg import sub\n"
    );
    assert_eq!(read(root, "pkg/sub/stub.pyi"), "from pkg.a import X\n");
    // The index is current and the second run changes nothing.
    let (code, diff, err) = fix(root, &["relative-imports", "--no-index"]);
    assert_eq!((code, diff.as_str()), (0, ""), "{err}");
    let (code, diff, _) = fix(root, &["relative-imports", "--apply"]);
    assert_eq!((code, diff.as_str()), (0, ""));
    // Every rewritten import resolves to the file it did before.
    let db = root.join(".codefacts/facts.db");
    let targets = column(
        root,
        &db,
        "SELECT i.name || ' -> ' || t.path FROM imports i JOIN files f ON f.file_id = i.file_id \
         JOIN files t ON t.file_id = i.target_file_id WHERE f.path = 'pkg/sub/b.py' \
         ORDER BY i.stmt_start, i.name_start",
    );
    assert_eq!(
        targets,
        [
            "a -> pkg/a.py",
            "X -> pkg/a.py",
            "Y -> pkg/a.py",
            "c -> pkg/sub/c.py",
            "Z -> pkg/sub/c.py",
            "Z -> pkg/sub/c.py",
            "X -> pkg/a.py",
            "c -> pkg/sub/c.py",
            "* -> pkg/sub/c.py",
            "Z -> pkg/sub/c.py",
        ]
    );
}

#[test]
fn keep_relative_in_init_leaves_package_reexports() {
    let repo = relative_fixture();
    let root = repo.path();
    std::fs::write(
        root.join("pyproject.toml"),
        format!("{ALL}[tool.codefacts.fix]\nkeep-relative-in-init = true\n"),
    )
    .unwrap();
    let (code, _, err) = fix(root, &["relative-imports", "--apply"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        read(root, "pkg/__init__.py"),
        "from .a import X\nfrom . import sub\n"
    );
    assert!(
        err.contains("pkg/__init__.py:1: left unchanged: kept relative"),
        "{err}"
    );
    assert!(read(root, "pkg/sub/b.py").contains("from pkg import a\n"));
}

#[test]
fn the_default_ban_only_rewrites_imports_from_parents() {
    let repo = relative_fixture();
    let root = repo.path();
    std::fs::write(root.join("pyproject.toml"), "").unwrap();
    let (code, _, err) = fix(root, &["relative-imports", "--apply", "pkg/sub/b.py"]);
    assert_eq!(code, 0, "{err}");
    let b = read(root, "pkg/sub/b.py");
    assert!(b.contains("from pkg import a\n"), "{b}");
    assert!(
        b.contains("from .import c\n"),
        "one dot is allowed by `parents`: {b}"
    );
    assert_eq!(
        read(root, "pkg/sub/stub.pyi"),
        "from ..a import X\n",
        "not named"
    );
}

#[test]
fn encodings_line_ends_and_layouts_are_kept() {
    let mut latin = b"# -*- coding: latin-1 -*-\nS = '".to_vec();
    latin.push(0xE9);
    latin.extend_from_slice(b"'\nfrom .. import core\n");
    let repo = repo(&[
        (
            "pyproject.toml",
            "[tool.ruff]\nsrc = [\"src\"]\n[tool.ruff.lint]\nselect = [\"TID252\"]\n",
        ),
        ("src/app/__init__.py", ""),
        ("src/app/core.py", "V = 1\n"),
        ("src/app/io/__init__.py", ""),
        ("src/app/io/crlf.py", "from ..core import V\r\nprint(V)\r\n"),
        ("src/app/io/bom.py", "\u{feff}from ..core import V\n"),
        // A namespace package: the absolute name depends on sys.path.
        ("src/ns/deep/__init__.py", ""),
        ("src/ns/deep/inner/__init__.py", ""),
        ("src/ns/deep/inner/m.py", "from .. import x\n"),
        ("src/ns/deep/x.py", ""),
        // A namespace package (a monorepo lane) the repository imports absolutely elsewhere:
        // its absolute name is proven.
        ("src/lane/pkg/__init__.py", ""),
        ("src/lane/pkg/a.py", "A = 1\n"),
        ("src/lane/pkg/sub/__init__.py", ""),
        ("src/lane/pkg/sub/b.py", "from ..a import A\n"),
        ("src/app/uses_lane.py", "from lane.pkg.a import A\n"),
    ]);
    let root = repo.path();
    std::fs::write(root.join("src/app/io/latin.py"), &latin).unwrap();
    let (code, _, err) = fix(root, &["relative-imports", "--apply"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read(root.join("src/app/io/crlf.py")).unwrap(),
        b"from app.core import V\r\nprint(V)\r\n"
    );
    assert_eq!(
        std::fs::read(root.join("src/app/io/bom.py")).unwrap(),
        "\u{feff}from app.core import V\n".as_bytes()
    );
    let mut want = b"# -*- coding: latin-1 -*-\nS = '".to_vec();
    want.push(0xE9);
    want.extend_from_slice(b"'\nfrom app import core\n");
    assert_eq!(
        std::fs::read(root.join("src/app/io/latin.py")).unwrap(),
        want
    );
    assert_eq!(read(root, "src/ns/deep/inner/m.py"), "from .. import x\n");
    assert_eq!(
        read(root, "src/lane/pkg/sub/b.py"),
        "from lane.pkg.a import A\n"
    );
    assert!(
        err.contains("src/ns/deep/inner/m.py:1: left unchanged: `ns` is a namespace package"),
        "{err}"
    );
}

#[test]
fn a_module_of_another_root_that_would_shadow_the_target_is_refused() {
    // Two source roots both have `util`: `util.helpers` absolute would load lib's first.
    let repo = repo(&[
        (
            "pyproject.toml",
            "[tool.ruff]\nsrc = [\"lib\", \"app\"]\n[tool.ruff.lint]\nselect = [\"TID252\"]\n\
             [tool.ruff.lint.flake8-tidy-imports]\nban-relative-imports = \"all\"\n",
        ),
        ("lib/util/__init__.py", ""),
        ("lib/util/helpers.py", "def h(): ...\n"),
        ("app/util/__init__.py", ""),
        ("app/util/helpers.py", "def h(): ...\n"),
        ("app/util/run.py", "from .helpers import h\n"),
    ]);
    let root = repo.path();
    let (code, _, err) = fix(root, &["relative-imports", "--apply"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(read(root, "app/util/run.py"), "from .helpers import h\n");
    assert!(
        err.contains(
            "app/util/run.py:1: left unchanged: `util` is in several source roots (app, lib)"
        ),
        "{err}"
    );
}

#[test]
fn a_file_changed_since_indexing_is_refused_and_limit_cuts_the_edits() {
    let repo = relative_fixture();
    let root = repo.path();
    // --limit 1: one place fixed, the first in path order.
    let (code, _, err) = fix(root, &["relative-imports", "--apply", "--limit", "1"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("fixed 1 place in 1 file"), "{err}");
    assert_eq!(
        read(root, "pkg/__init__.py"),
        "from pkg.a import X\nfrom . import sub\n"
    );
    // Edited after indexing (`--no-index` trusts the stale index): refused, untouched.
    std::fs::write(
        root.join("pkg/sub/stub.pyi"),
        "from ..a import X  # edited\n",
    )
    .unwrap();
    let (code, _, err) = fix(
        root,
        &[
            "relative-imports",
            "--apply",
            "--no-index",
            "pkg/sub/stub.pyi",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("pkg/sub/stub.pyi: not fixed: it changed since it was indexed"),
        "{err}"
    );
    assert_eq!(
        read(root, "pkg/sub/stub.pyi"),
        "from ..a import X  # edited\n"
    );
    let (code, _, err) = fix(root, &["relative-imports", "nowhere.py"]);
    assert_eq!(code, 2);
    assert!(err.contains("nowhere.py: no such file or folder"), "{err}");
}

#[test]
fn check_json_carries_ruffs_fix_object_for_what_fix_would_rewrite() {
    let repo = relative_fixture();
    let root = repo.path();
    let out = codefacts()
        .args(["check", "--output-format", "json", "--exit-zero"])
        .arg(root.join("pkg/sub/b.py"))
        .output()
        .unwrap();
    let rows = json_rows(&out);
    let at = |row: u64| -> &serde_json::Value {
        rows.iter()
            .find(|r| r["location"]["row"] == row && r["code"] == "TID252")
            .unwrap_or_else(|| panic!("no TID252 on line {row}: {rows:?}"))
    };
    assert_eq!(
        at(2)["fix"],
        serde_json::json!({
            "applicability": "safe",
            "edits": [{"content": "pkg", "end_location": {"column": 8, "row": 2},
                       "location": {"column": 6, "row": 2}}],
            "message": "Replace relative imports with absolute imports",
        })
    );
    assert_eq!(at(7)["fix"]["edits"][0]["content"], "pkg.sub ");
    assert!(at(19)["fix"].is_null(), "climbs above the root: no fix");
}

const UNUSED_TEST: &str = r#""""Tests."""
from __future__ import annotations
import os, sys
import json  # noqa: E501
import types  # NOQA: imported for its side effect
from typing import (
    Any,  # used
    Dict,  # not used
    List,
)
from collections import OrderedDict, defaultdict, Counter
try:
    import yaml
except ImportError:
    yaml = None
import re; x = 1
y = 2; import abc
from m import a, \
    b
from n import (p1, p2,
               q)
from . import *
if True:
    import textwrap
if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli
def f():
    import shutil
    return sys, Any, defaultdict, x, y, yaml, a, q
"#;

#[test]
fn unused_imports_go_name_by_name_and_only_in_tests_by_default() {
    let repo = repo(&[
        ("pyproject.toml", ""),
        ("tests/__init__.py", ""),
        ("tests/test_a.py", UNUSED_TEST),
        ("pkg/__init__.py", "import os\n"),
        ("pkg/mod.py", "import os\nimport sys\nprint(sys)\n"),
    ]);
    let root = repo.path();
    let (code, _, err) = fix(root, &["unused-imports", "--apply"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        read(root, "tests/test_a.py"),
        r#""""Tests."""
from __future__ import annotations
import sys
import json  # noqa: E501
import types  # NOQA: imported for its side effect
from typing import (
    Any,  # used
)
from collections import defaultdict
try:
    import yaml
except ImportError:
    yaml = None
x = 1
y = 2
from m import a
from n import (q)
from . import *
if True:
    pass
if sys.version_info >= (3, 11):
    pass
else:
    pass
def f():
    return sys, Any, defaultdict, x, y, yaml, a, q
"#
    );
    assert!(
        err.contains("tests/test_a.py:4: left unchanged: a `# noqa` comment"),
        "{err}"
    );
    assert!(
        err.contains("2 more files outside test code (--everywhere fixes them)"),
        "{err}"
    );
    assert_eq!(
        read(root, "pkg/mod.py"),
        "import os\nimport sys\nprint(sys)\n"
    );
    // A second run changes nothing; --everywhere reaches the rest, never an `__init__`.
    let (code, diff, _) = fix(root, &["unused-imports"]);
    assert_eq!((code, diff.as_str()), (0, ""));
    let (code, _, err) = fix(root, &["unused-imports", "--apply", "--everywhere"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(read(root, "pkg/mod.py"), "import sys\nprint(sys)\n");
    assert_eq!(read(root, "pkg/__init__.py"), "import os\n");
    assert!(
        err.contains("pkg/__init__.py:1: left unchanged: an `__init__` import re-exports the name"),
        "{err}"
    );
    // The index is current: nothing left for F401 but what was left on purpose.
    let out = codefacts()
        .args([
            "check",
            "--select",
            "F401",
            "--output-format",
            "concise",
            "--no-index",
        ])
        .arg(root)
        .output()
        .unwrap();
    let (_, stdout, _) = outcome(out);
    let lines: Vec<&str> = stdout.lines().filter(|l| l.contains("F401")).collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines[0].contains("pkg/__init__.py"), "{stdout}");
    assert!(
        lines[1].contains("tests/test_a.py:4:8"),
        "the `# noqa: E501` line: {stdout}"
    );
}

#[test]
fn a_namespace_package_inside_a_regular_one_is_rewritten_in_one_run() {
    // flask's `flask/sansio/` has no `__init__`, but `flask` has: `flask.sansio` lives on
    // flask's `__path__`, whatever sys.path holds. A top-level namespace package stays.
    let repo = repo(&[
        ("pyproject.toml", ALL),
        ("pkg/__init__.py", ""),
        ("pkg/ns/a.py", "x = 1\n"),
        ("pkg/ns/b.py", "from .a import x\n\nprint(x)\n"),
        ("pkg/app.py", "from .ns.a import x\n\nprint(x)\n"),
        ("tests/helpers.py", "y = 1\n"),
        ("tests/test_it.py", "from .helpers import y\n\nprint(y)\n"),
    ]);
    let root = repo.path();
    let (code, _, err) = fix(root, &["relative-imports", "--apply"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        read(root, "pkg/ns/b.py"),
        "from pkg.ns.a import x\n\nprint(x)\n"
    );
    assert_eq!(
        read(root, "pkg/app.py"),
        "from pkg.ns.a import x\n\nprint(x)\n"
    );
    assert_eq!(
        read(root, "tests/test_it.py"),
        "from .helpers import y\n\nprint(y)\n"
    );
    assert!(err.contains("tests/test_it.py:1: left unchanged"), "{err}");
    second_run(root, "relative-imports");
}

#[test]
fn unused_imports_that_rebind_each_other_go_in_one_run() {
    // F401 flags only the live `sys` and `time`; the earlier ones become F401 once those are
    // gone. One run removes all of them, so the next finds nothing (stdlib's test_grammar).
    let repo = repo(&[
        ("pyproject.toml", ""),
        (
            "tests/test_grammar.py",
            concat!(
                "def test_imports():\n",
                "    import sys\n",
                "    import time, sys\n",
                "    from time import time\n",
                "    from time import (time)\n",
                "    return 1\n",
            ),
        ),
    ]);
    let root = repo.path();
    let (code, _, err) = fix(root, &["unused-imports", "--apply"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        read(root, "tests/test_grammar.py"),
        "def test_imports():\n    return 1\n"
    );
    assert_eq!(second_run(root, "unused-imports"), 0);
}

#[test]
fn later_duplicate_test_classes_get_free_numbered_names() {
    let repo = repo(&[
        ("pyproject.toml", ""),
        ("tests/__init__.py", ""),
        (
            "tests/test_dup.py",
            concat!(
                "class TestFoo:\n    def test_a(self): ...\n",
                "class TestFoo:\n    def test_b(self): ...\n",
                "TestFoo_2 = 'taken'\n",
                "class TestFoo:  # third\n    def test_c(self): ...\n",
                "class TestBar: ...\n",
                "class TestBar: ...\n",
                "class TestBar(TestBar): ...\n",
                "class Helper: ...\n",
                "class Helper: ...\n",
            ),
        ),
        (
            "tests/test_imported.py",
            "class TestQ: ...\nclass TestQ: ...\n",
        ),
        (
            "tests/test_user.py",
            "from tests.test_imported import TestQ\nprint(TestQ)\n",
        ),
    ]);
    let root = repo.path();
    let (code, _, err) = fix(root, &["duplicate-test-classes", "--apply"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        read(root, "tests/test_dup.py"),
        concat!(
            "class TestFoo:\n    def test_a(self): ...\n",
            "class TestFoo_3:\n    def test_b(self): ...\n",
            "TestFoo_2 = 'taken'\n",
            "class TestFoo_4:  # third\n    def test_c(self): ...\n",
            "class TestBar: ...\n",
            "class TestBar: ...\n",
            "class TestBar(TestBar): ...\n",
            "class Helper: ...\n",
            "class Helper: ...\n",
        )
    );
    assert!(
        err.contains(
            "tests/test_dup.py:9: left unchanged: `TestBar` is used after this definition"
        ),
        "{err}"
    );
    assert_eq!(
        read(root, "tests/test_imported.py"),
        "class TestQ: ...\nclass TestQ: ...\n"
    );
    assert!(
        err.contains(
            "tests/test_imported.py:2: left unchanged: tests/test_user.py imports `TestQ`"
        ),
        "{err}"
    );
    let (code, diff, _) = fix(root, &["duplicate-test-classes"]);
    assert_eq!(
        (code, diff.as_str()),
        (0, ""),
        "a second run changes nothing"
    );
}

#[test]
fn missing_imports_merge_or_go_after_the_header_once_per_name() {
    let repo = repo(&[
        ("pyproject.toml", ""),
        ("pkg/__init__.py", ""),
        (
            "pkg/core.py",
            "class Widget: ...\nclass Gadget: ...\nclass Late: ...\n",
        ),
        (
            "pkg/b.py",
            "from pkg.core import Widget, Late\nprint(Widget, Late)\n",
        ),
        (
            "pkg/a.py",
            concat!(
                "\"\"\"Doc.\"\"\"\n",
                "from __future__ import annotations\n",
                "import os\n",
                "from pkg.core import (\n",
                "    Gadget,\n",
                ")\n",
                "\n",
                "def f():\n",
                "    return Path(os.sep), defaultdict, Widget, Widget, json\n",
            ),
        ),
        // The only `from pkg.core` statement comes after a module-level use of `Late`.
        (
            "pkg/early.py",
            "x = Late()\nfrom pkg.core import Gadget\nprint(Gadget)\n",
        ),
        (
            "pkg/doc_only.py",
            "\"\"\"Only a docstring.\"\"\"\nprint(OrderedDict)",
        ),
        // A comment after the docstring belongs to the code below it. A blank line parts it
        // from the class, so it stands alone: one blank line after the imports, as Ruff's
        // isort wants (two there are I001 in ruff 0.17.6).
        (
            "pkg/codec.py",
            "\"\"\"Codec.\"\"\"\n\n### Codec APIs\n\nclass C(OrderedDict): ...\n",
        ),
        // A comment right above the function belongs to it: two blank lines. The three a
        // deleted import left become those two.
        (
            "pkg/attached.py",
            "\"\"\"Doc.\"\"\"\n\n\n\n# The class.\nclass D(OrderedDict): ...\n",
        ),
    ]);
    let root = repo.path();
    let (code, _, err) = fix(
        root,
        &["missing-imports", "--min-confidence", "0.1", "--apply"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        read(root, "pkg/a.py"),
        concat!(
            "\"\"\"Doc.\"\"\"\n",
            "from __future__ import annotations\n",
            "import json\n",
            "import os\n",
            "from collections import defaultdict\n",
            "from pathlib import Path\n",
            "from pkg.core import (\n",
            "    Gadget,\n",
            "    Widget,\n",
            ")\n",
            "\n",
            "def f():\n",
            "    return Path(os.sep), defaultdict, Widget, Widget, json\n",
        )
    );
    assert_eq!(
        read(root, "pkg/early.py"),
        "x = Late()\nfrom pkg.core import Gadget\nprint(Gadget)\n"
    );
    assert!(
        err.contains("pkg/early.py:1: left unchanged: `Late` is used at module level before where"),
        "{err}"
    );
    assert_eq!(
        read(root, "pkg/doc_only.py"),
        "\"\"\"Only a docstring.\"\"\"\nfrom collections import OrderedDict\n\nprint(OrderedDict)"
    );
    assert_eq!(
        read(root, "pkg/codec.py"),
        "\"\"\"Codec.\"\"\"\nfrom collections import OrderedDict\n\n### Codec APIs\n\nclass C(OrderedDict): ...\n"
    );
    assert_eq!(
        read(root, "pkg/attached.py"),
        "\"\"\"Doc.\"\"\"\nfrom collections import OrderedDict\n\n\n# The class.\nclass D(OrderedDict): ...\n"
    );
    // The default threshold (0.9) adds nothing more, and a second run changes nothing.
    let (code, diff, _) = fix(root, &["missing-imports", "--min-confidence", "0.1"]);
    assert_eq!((code, diff.as_str()), (0, ""));
}

#[test]
fn missing_imports_runs_again_on_what_it_added_until_nothing_changes() {
    // `alpha` is sure (four files import it so); `beta`, a module-level variable and no
    // public name, alone is not (0.7). Once `from pkg.core import alpha` is in, the file
    // imports from pkg.core, which has `beta` too: the next round adds it, and a second `fix`
    // finds nothing left.
    let mut files = vec![
        ("pyproject.toml", ""),
        ("pkg/__init__.py", ""),
        ("pkg/core.py", "def alpha(): ...\nbeta = 1\n"),
        ("app.py", "def f():\n    return alpha(), beta\n"),
    ];
    let users = ["u1.py", "u2.py", "u3.py", "u4.py"];
    for u in users {
        files.push((u, "from pkg.core import alpha\n\nprint(alpha)\n"));
    }
    let repo = repo(&files);
    let root = repo.path();
    let (code, _, err) = fix(root, &["missing-imports", "--apply"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        read(root, "app.py"),
        "from pkg.core import alpha, beta\n\n\ndef f():\n    return alpha(), beta\n",
        "{err}"
    );
    assert!(err.contains("fixed 2 places in 1 file"), "{err}");
    second_run(root, "missing-imports");
}

#[test]
fn path_drift_renames_only_to_paths_that_exist() {
    let repo = repo(&[
        (
            "pyproject.toml",
            "[tool.codefacts]\nrenames = { \"candidate/\" = \"labs/\" }\n",
        ),
        ("labs/x/data.json", "{}\n"),
        ("labs/x/__init__.py", ""),
        ("core/a.py", "P = 'candidate/x/data.json'\n"),
        (
            "tests/test_paths.py",
            concat!(
                "A = 'candidate/x/data.json'\n",
                "B = r\"candidate/x\"\n",
                "C = 'candidate/y/missing.json'\n",
                "D = 'core/gone.py'\n",
                "E = 'labs/x/data.json'\n",
            ),
        ),
    ]);
    let root = repo.path();
    let (code, _, err) = fix(root, &["path-drift", "--apply"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        read(root, "tests/test_paths.py"),
        concat!(
            "A = 'labs/x/data.json'\n",
            "B = r\"labs/x\"\n",
            "C = 'candidate/y/missing.json'\n",
            "D = 'core/gone.py'\n",
            "E = 'labs/x/data.json'\n",
        )
    );
    assert!(err.contains("tests/test_paths.py:3: left unchanged: renamed: candidate/ -> labs/ (but labs/y/missing.json does not exist either)"), "{err}");
    assert!(err.contains("1 stale path no rename covers"), "{err}");
    assert_eq!(
        read(root, "core/a.py"),
        "P = 'candidate/x/data.json'\n",
        "not test code"
    );
    let (code, _, err) = fix(root, &["path-drift", "--apply", "--everywhere"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(read(root, "core/a.py"), "P = 'labs/x/data.json'\n");
}

#[test]
fn missing_imports_join_an_isort_block_in_its_section_and_order() {
    let repo = repo(&[
        ("pyproject.toml", ""),
        ("pkg/__init__.py", ""),
        ("pkg/core.py", "class Widget: ...\nclass Gadget: ...\n"),
        ("pkg/util.py", "def helper(): ...\n"),
        (
            "app.py",
            concat!(
                "import os\n",
                "\n",
                "import numpy as np\n",
                "\n",
                "from pkg.core import Gadget\n",
                "\n",
                "\n",
                "def f():\n",
                "    return os, np, Gadget, Widget, defaultdict, helper\n",
            ),
        ),
    ]);
    let root = repo.path();
    let (code, _, err) = fix(
        root,
        &["missing-imports", "--min-confidence", "0.4", "--apply"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        read(root, "app.py"),
        concat!(
            "import os\n",
            "from collections import defaultdict\n",
            "\n",
            "import numpy as np\n",
            "\n",
            "from pkg.core import Gadget, Widget\n",
            "from pkg.util import helper\n",
            "\n",
            "\n",
            "def f():\n",
            "    return os, np, Gadget, Widget, defaultdict, helper\n",
        )
    );
}

#[test]
fn missing_imports_wrap_past_line_length_and_never_add_a_deprecated_import() {
    let repo = repo(&[
        (
            "pyproject.toml",
            concat!(
                "[tool.ruff]\nline-length = 40\n",
                "[tool.ruff.lint.per-file-ignores]\n\"legacy/*\" = [\"UP035\"]\n",
            ),
        ),
        ("pkg/__init__.py", ""),
        (
            "pkg/core.py",
            "class Alpha: ...\nclass Bravo: ...\nclass Charlie: ...\nclass Delta: ...\n",
        ),
        ("pkg/a_long_module_name.py", "def a_long_function(): ...\n"),
        (
            "app.py",
            concat!(
                "from pkg.core import Alpha, Bravo, Delta\n",
                "\n",
                "\n",
                "def f(t: Type) -> Charlie:\n",
                "    return Alpha, Bravo, Delta, a_long_function\n",
            ),
        ),
        ("legacy/__init__.py", ""),
        (
            "legacy/old.py",
            "import os\n\n\ndef f(t: Type):\n    return os\n",
        ),
    ]);
    let root = repo.path();
    let (code, _, err) = fix(
        root,
        &["missing-imports", "--min-confidence", "0.4", "--apply"],
    );
    assert_eq!(code, 0, "{err}");
    // Past `line-length`, as isort wraps: one name per line, in isort's order.
    assert_eq!(
        read(root, "app.py"),
        concat!(
            "from pkg.a_long_module_name import (\n",
            "    a_long_function,\n",
            ")\n",
            "from pkg.core import (\n",
            "    Alpha,\n",
            "    Bravo,\n",
            "    Charlie,\n",
            "    Delta,\n",
            ")\n",
            "\n",
            "\n",
            "def f(t: Type) -> Charlie:\n",
            "    return Alpha, Bravo, Delta, a_long_function\n",
        )
    );
    // `typing.Type` is UP035 on this target (Ruff's default rules): left, and said why.
    assert!(
        // (Listed by the last round, at the line the use has in the file as written.)
        err.contains("app.py:12: left unchanged: `from typing import Type` would be UP035"),
        "{err}"
    );
    // Where per-file-ignores turn UP035 off, the import is written.
    assert_eq!(
        read(root, "legacy/old.py"),
        "import os\nfrom typing import Type\n\n\ndef f(t: Type):\n    return os\n"
    );
}

#[test]
fn check_json_carries_a_fix_for_each_unused_import_the_fix_would_remove() {
    let repo = repo(&[
        ("pyproject.toml", ""),
        ("pkg/__init__.py", "import os\n"),
        (
            "pkg/m.py",
            "import os, sys\nimport json  # noqa: E501\nprint(sys)\n",
        ),
    ]);
    let root = repo.path();
    let out = codefacts()
        .args([
            "check",
            "--output-format",
            "json",
            "--exit-zero",
            "--select",
            "F401",
        ])
        .arg(root)
        .output()
        .unwrap();
    let rows = json_rows(&out);
    let of = |path: &str, row: u64| -> &serde_json::Value {
        rows.iter()
            .find(|r| {
                r["filename"].as_str().unwrap().ends_with(path) && r["location"]["row"] == row
            })
            .unwrap_or_else(|| panic!("no F401 at {path}:{row}: {rows:?}"))
    };
    assert_eq!(
        of("pkg/m.py", 1)["fix"],
        serde_json::json!({
            "applicability": "safe",
            "edits": [{"content": "", "end_location": {"column": 12, "row": 1},
                       "location": {"column": 8, "row": 1}}],
            "message": "Remove unused import: `os`",
        })
    );
    assert!(
        of("pkg/m.py", 2)["fix"].is_null(),
        "a noqa line is left alone"
    );
    assert!(
        of("pkg/__init__.py", 1)["fix"].is_null(),
        "an __init__ re-export"
    );
}

#[test]
fn check_json_carries_the_rename_of_a_duplicate_test_class() {
    let repo = repo(&[
        ("pyproject.toml", ""),
        ("tests/test_d.py", "class TestA: ...\nclass TestA: ...\n"),
    ]);
    let root = repo.path();
    let out = codefacts()
        .args([
            "check",
            "--output-format",
            "json",
            "--exit-zero",
            "--select",
            "F811",
        ])
        .arg(root)
        .output()
        .unwrap();
    let rows = json_rows(&out);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        rows[0]["fix"],
        serde_json::json!({
            "applicability": "safe",
            "edits": [{"content": "TestA_2", "end_location": {"column": 12, "row": 2},
                       "location": {"column": 7, "row": 2}}],
            "message": "Rename to `TestA_2`",
        })
    );
}

#[test]
fn check_json_carries_the_import_fix_missing_imports_would_add() {
    let repo = repo(&[
        ("pyproject.toml", "[tool.ruff.lint]\nselect = [\"F821\"]\n"),
        (
            "pkg/b.py",
            "from collections import OrderedDict\n\nprint(OrderedDict)\n",
        ),
        (
            "pkg/a.py",
            "\"\"\"Doc.\"\"\"\nimport os\n\nprint(os, defaultdict, defaultdict, nowhere_at_all)\n",
        ),
    ]);
    let root = repo.path();
    let out = codefacts()
        .args(["check", "--output-format", "json", "--exit-zero"])
        .arg(root)
        .output()
        .unwrap();
    let rows = json_rows(&out);
    let at = |col: u64| -> &serde_json::Value {
        rows.iter()
            .find(|r| r["location"]["column"] == col)
            .unwrap_or_else(|| panic!("no F821 at column {col}: {rows:?}"))
    };
    let expected = serde_json::json!({
        "applicability": "unsafe",
        "edits": [{"content": "from collections import defaultdict\n",
                   "end_location": {"column": 1, "row": 3},
                   "location": {"column": 1, "row": 3}}],
        "message": "Add `from collections import defaultdict`",
    });
    // Each use of the name carries the same single import.
    assert_eq!(at(11)["fix"], expected);
    assert_eq!(at(24)["fix"], expected);
    assert!(at(37)["fix"].is_null(), "no suggestion: no fix");
}

#[test]
fn a_notebook_is_listed_not_rewritten() {
    let nb = serde_json::json!({
        "cells": [{"cell_type": "code", "source": ["import os\n", "print(1)\n"],
                   "metadata": {}, "outputs": [], "execution_count": null}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    })
    .to_string();
    let repo = repo(&[("pyproject.toml", ""), ("tests/explore.ipynb", &nb)]);
    let root = repo.path();
    let (code, _, err) = fix(root, &["unused-imports", "--apply"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("tests/explore.ipynb:1: left unchanged: a notebook: not rewritten (1 place)"),
        "{err}"
    );
    assert_eq!(read(root, "tests/explore.ipynb"), nb);
}

#[test]
fn a_path_without_python_files_warns_instead_of_passing_silently() {
    let repo = repo(&[
        ("pyproject.toml", ""),
        ("pkg/a.py", "import os\n"),
        ("docs/x.md", "# x\n"),
    ]);
    let root = repo.path();
    let (code, _, err) = fix(root, &["unused-imports", "docs"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("No Python files found under the given path(s)"),
        "{err}"
    );
    let (_, _, err) = fix(root, &["unused-imports", "pkg"]);
    assert!(!err.contains("No Python files found"), "{err}");
}

#[test]
fn without_a_path_the_fix_covers_the_folder_you_stand_in() {
    let repo = repo(&[
        ("pyproject.toml", ""),
        ("tests/a/test_x.py", "import os\n"),
        ("tests/b/test_y.py", "import os\n"),
    ]);
    let root = repo.path();
    let out = codefacts()
        .args(["fix", "unused-imports", "--apply"])
        .current_dir(root.join("tests/a"))
        .output()
        .unwrap();
    let (code, _, err) = outcome(out);
    assert_eq!(code, 0, "{err}");
    assert_eq!(read(root, "tests/a/test_x.py"), "");
    assert_eq!(
        read(root, "tests/b/test_y.py"),
        "import os\n",
        "outside the folder"
    );
}

/// `--apply` leaves the syntax check to its re-index: what the index calls a syntax error
/// must be what a parse finds, error nodes and code tree-sitter accepts alike.
#[test]
fn the_index_knows_the_syntax_errors_apply_puts_back() {
    let dir = repo(&[
        ("clean.py", "import os\n"),
        ("error_node.py", "def f(:\n"),
        ("accepted_by_tree_sitter.py", "print x\n"),
    ]);
    let db = dir.path().join("x.db");
    index_with(dir.path(), &db, &["--semantic", "--quiet"]);
    let store = codefacts::store::Store::open_read_only(&db).unwrap();
    let broken: Vec<String> = store.syntax_error_paths().unwrap().into_iter().collect();
    assert_eq!(broken, ["accepted_by_tree_sitter.py", "error_node.py"]);
    let files = store.fix_files().unwrap();
    assert!(!files["clean.py"].syntax_error);
    assert!(
        files["error_node.py"].syntax_error && files["accepted_by_tree_sitter.py"].syntax_error
    );
}
