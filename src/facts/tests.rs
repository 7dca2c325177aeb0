//! Shared test helpers and whole-file tests of [`super::extract`].

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use super::{FileFacts, extract, extract_unpruned};

/// Parses and extracts `src`, checking that the pruned walk finds exactly what the
/// exhaustive one does.
pub(crate) fn facts_of(src: &str) -> FileFacts {
    let tree = crate::syntax::parse_python(src, Duration::from_secs(30)).expect("parse");
    let facts = extract(src, &tree);
    assert_eq!(
        facts,
        extract_unpruned(src, &tree),
        "pruning changed the facts"
    );
    facts
}

/// Serialises facts for snapshots with every span written compactly as
/// `"line:col-end_line:end_col @start..end"`.
pub(crate) fn render<T: Serialize + ?Sized>(facts: &T) -> Value {
    let mut v = serde_json::to_value(facts).expect("facts serialise");
    let mut pending = vec![&mut v];
    while let Some(v) = pending.pop() {
        let span = match &*v {
            Value::Object(map) => compact_span(map),
            _ => None,
        };
        if let Some(s) = span {
            *v = Value::String(s);
            continue;
        }
        match v {
            Value::Object(map) => pending.extend(map.values_mut()),
            Value::Array(items) => pending.extend(items.iter_mut()),
            _ => {}
        }
    }
    v
}

fn compact_span(map: &serde_json::Map<String, Value>) -> Option<String> {
    if map.len() != 6 {
        return None;
    }
    let g = |k: &str| map.get(k).and_then(Value::as_u64);
    Some(format!(
        "{}:{}-{}:{} @{}..{}",
        g("line")?,
        g("col")?,
        g("end_line")?,
        g("end_col")?,
        g("start_byte")?,
        g("end_byte")?
    ))
}

#[test]
fn empty_file() {
    assert_eq!(facts_of(""), FileFacts::default());
}

#[test]
fn line_count() {
    assert_eq!(facts_of("x = 1\ny = 2\n").lines, 2);
    assert_eq!(facts_of("x = 1\ny = 2").lines, 2);
    assert_eq!(facts_of("x = 1\r\ny = 2\r\n").lines, 2);
}

#[test]
fn non_ascii_lines_use_character_columns() {
    let src = "s = 'héllo wörld'; import os\nd = {'ключ': 1}; from .m import (a, b as 名前)\n";
    let f = facts_of(src);
    let os = &f.imports[0];
    // `s = 'héllo wörld'; ` is 19 characters (21 bytes).
    assert_eq!((os.stmt_span.line, os.stmt_span.col), (1, 20));
    assert_eq!(os.stmt_span.start_byte, 21);
    assert_eq!(os.name_span.col, 27);
    assert_eq!(os.name_span.end_col, 29);
    let alias = &f.imports[2];
    assert_eq!(alias.alias.as_deref(), Some("名前"));
    // `d = {'ключ': 1}; from .m import (a, ` is 36 characters.
    assert_eq!((alias.name_span.line, alias.name_span.col), (2, 37));
    assert_eq!(alias.name_span.end_col, 44);
    assert_eq!(alias.stmt_span.end_col, 45);
    assert_eq!(
        alias.name_span.end_byte as usize,
        src.find("名前").unwrap() + 6
    );
}

#[test]
fn crlf_line_endings() {
    let src =
        "import a\r\n\r\nclass C:\r\n    x = 1\r\n    def m(self):\r\n        return 'p/q'\r\n";
    let f = facts_of(src);
    assert_eq!(f.lines, 6);
    assert_eq!(f.imports[0].stmt_span.end_col, 9);
    let names: Vec<_> = f
        .definitions
        .iter()
        .map(|d| (d.qualname.as_str(), d.name_span.line, d.name_span.col))
        .collect();
    assert_eq!(names, vec![("C", 3, 7), ("C.x", 4, 5), ("C.m", 5, 9)]);
    assert_eq!(f.path_strings[0].span.line, 6);
    assert_eq!(f.path_strings[0].span.col, 16);
    assert!(f.syntax_errors.is_empty(), "{:#?}", f.syntax_errors);
    assert!(f.outside_returns.is_empty());
}

#[test]
fn ten_thousand_nested_parentheses() {
    let depth = 10_000;
    let src = format!(
        "import a\nx = {}'deep/path'{}\ny = 2\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let f = facts_of(&src);
    assert_eq!(f.imports.len(), 1);
    assert_eq!(f.path_strings.len(), 1);
    let names: Vec<_> = f.definitions.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, vec!["x", "y"]);
    // Unbalanced: must not crash either.
    let src = format!("x = {}1\ndef f(): return 1\n", "(".repeat(depth));
    let f = facts_of(&src);
    assert!(!f.syntax_errors.is_empty());
}

#[test]
fn deeply_nested_blocks() {
    let mut src = String::new();
    for i in 0..90 {
        src.push_str(&" ".repeat(i));
        src.push_str("if x:\n");
    }
    src.push_str(&" ".repeat(90));
    src.push_str("import deep\n");
    let f = facts_of(&src);
    assert_eq!(f.imports.len(), 1);
    assert!(f.imports[0].conditional);
}

#[test]
fn snapshot_whole_file() {
    let src = "\
\"\"\"Module docstring/with/slash.\"\"\"
from __future__ import annotations

import os.path as osp
from .. import sibling

if TYPE_CHECKING:
    from typing import Any

try:
    import tomllib
except ModuleNotFoundError:
    tomllib = None

__all__ = ['Loader', 'load']
CONFIG_DIR = 'etc/codefacts/'


class Loader:
    \"\"\"Loads things.\"\"\"

    suffix: str = '.toml'

    @classmethod
    def load(cls, path='default/path.toml'):
        import json
        return json.loads(path)


def load(p):
    yield from Loader.load(p)
";
    insta::assert_yaml_snapshot!(render(&facts_of(src)));
}

#[test]
fn other_deep_nestings_do_not_overflow() {
    let n = 10_000;
    let cases = [
        format!("x = {}'a/b'{}\n", "[".repeat(n), "]".repeat(n)),
        format!("x = {}0\n", "-".repeat(n)),
        format!("x = 1{}\n", " + 1".repeat(n)),
        format!("x = a{}\n", ".b".repeat(n)),
        format!("x = f{}\n", "()".repeat(n)),
        format!("x = {}0\n", "lambda: ".repeat(n)),
        format!("x = {}0\n", "not ".repeat(n)),
        format!("def f():\n    return {}0{}\n", "(".repeat(n), ")".repeat(n)),
        format!("x = {}", "(".repeat(n)),
    ];
    for src in &cases {
        let f = facts_of(src);
        assert_eq!(f.lines, src.lines().count() as u32);
    }
}

#[test]
fn pruning_keeps_facts_deep_inside_expressions() {
    let src = "\
def f():
    x = g(h(i('deep/in/function')))
    return k(1 2)
y = [m(a) for a in (yield)]
class C:
    z = {'k': [(yield n) for n in q]}
    w = lambda: (yield)
# a comment with a/slash and yield
v = 'yield'
def g():
    return f\"{ {'p': 'fstring/inner'} }\"
";
    let f = facts_of(src);
    let paths: Vec<_> = f.path_strings.iter().map(|p| p.value.as_str()).collect();
    assert_eq!(paths, vec!["deep/in/function", "fstring/inner"]);
    let returns: Vec<_> = f
        .outside_returns
        .iter()
        .map(|r| (r.span.line, r.in_class.as_deref()))
        .collect();
    assert_eq!(returns, vec![(4, None), (6, Some("C"))]);
    assert_eq!(f.syntax_errors.len(), 1, "{:#?}", f.syntax_errors);
    assert_eq!(f.syntax_errors[0].span.line, 3);
}

#[test]
fn snapshot_non_ascii_and_crlf() {
    let src = "# -*- coding: utf-8 -*-\r\nfrom .données import (été as summer)\r\n\r\nclass Größe:\r\n    ähnlich = '/tmp/ü'\r\n    def méthode(self): return 'naïve/path'\r\n";
    insta::assert_yaml_snapshot!(render(&facts_of(src)));
}

#[test]
fn function_bodies_are_skipped_only_when_they_cannot_hold_a_fact() {
    let src = "def plain(a, b):\n    x = a + b\n    for i in range(x):\n        print(i)\n    return x\n\n\
               def nested(flag):\n    if flag:\n        try:\n            import json\n        except ImportError:\n            pass\n\
               \n    with open(p) as fh:\n        class Local:\n            ATTR = 1\n    \
               while True:\n        q = 'data/file.txt'\n        break\n    \
               async def inner():\n        from os import path\n";
    let facts = facts_of(src);
    let imports: Vec<&str> = facts
        .imports
        .iter()
        .map(|i| i.alias.as_deref().unwrap_or(i.name.as_str()))
        .collect();
    assert_eq!(imports, ["json", "path"]);
    assert!(
        facts
            .path_strings
            .iter()
            .any(|p| p.value == "data/file.txt")
    );
    let names: Vec<&str> = facts.definitions.iter().map(|d| d.name.as_str()).collect();
    for expected in ["plain", "nested", "Local", "inner"] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
}

#[test]
fn sparse_walks_reach_every_fact_between_jumps() {
    // Inside functions and in the heads of definitions the walk jumps from mark to mark
    // (`import`, `def`, `class`, `/`, `yield`) and to the body of a definition.
    let src = "\
def head(p='defaults/path', q=(yield), *, r: 'annot/ation' = None) -> 'ret/urn':
    a = 1
    b = 2  # comment
    # comment with import
    import os
    c = 3
    d = 4
    @decorator
    def inner(x=1):
        from . import sibling
    class InFunction(Base):
        ATTR = 'class/attr'
        other: int = 2
        def method(self):  # trailing '#'
            return 'x#y'
    e = 5
    if e:
        f = 6
    else:
        from json import loads
    return 'end/path'
class Top(Base, metaclass=Meta):
    x = 1
    def m(self, default='m/default'):
        pass
    # trailing comment
def broken():
    a = 1
    import (
    b = 2
";
    let f = facts_of(src);
    let paths: Vec<_> = f.path_strings.iter().map(|p| p.value.as_str()).collect();
    assert_eq!(
        paths,
        [
            "defaults/path",
            "annot/ation",
            "ret/urn",
            "class/attr",
            "end/path",
            "m/default"
        ]
    );
    let imports: Vec<&str> = f.imports.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(imports, ["os", "sibling", "loads"]);
    let defs: Vec<(&str, u32, u32)> = f
        .definitions
        .iter()
        .map(|d| (d.qualname.as_str(), d.stmt_span.line, d.stmt_span.end_line))
        .collect();
    assert_eq!(
        defs,
        [
            ("head", 1, 21),
            ("head.<locals>.inner", 8, 10),
            ("head.<locals>.InFunction", 11, 15),
            ("head.<locals>.InFunction.ATTR", 12, 12),
            ("head.<locals>.InFunction.other", 13, 13),
            ("head.<locals>.InFunction.method", 14, 15),
            ("Top", 22, 25),
            ("Top.x", 23, 23),
            ("Top.m", 24, 25),
            ("broken", 27, 30),
        ]
    );
    assert_eq!(f.outside_returns.len(), 1, "{:#?}", f.outside_returns);
    assert_eq!(f.outside_returns[0].span.line, 1);
    assert!(!f.syntax_errors.is_empty());
}
