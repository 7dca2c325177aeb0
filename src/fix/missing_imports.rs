//! `fix missing-imports`: for each undefined name (F821) whose top import suggestion is at
//! least as confident as asked, add the import, once per name and file:
//!
//! * merged into an existing module-level `from M import ...` of the same module (not one under
//!   `if`/`try`/`TYPE_CHECKING`, not a star import): after its last name, or on a line of its
//!   own in a vertical parenthesised list;
//! * else as a new statement at the end of the first block of imports that follows the module
//!   docstring, leading comments and `from __future__` imports (where LibCST's
//!   `AddImportsVisitor` puts it), or right after those when no import follows; names of one
//!   module share one new statement.
//!
//! Never where it would not reach a use: a use at module level (not inside a function)
//! before the place the import goes leaves the name alone, as does a suggestion whose import
//! would close an eager import cycle.

use std::collections::{BTreeMap, BTreeSet};

use super::{FileFix, Left, Plan};
use crate::rewrite::Edit;
use crate::store::{FixFile, ImportRow};

/// One undefined name's top suggestion (a row of the import-suggestions report).
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub line: u32,
    pub col: u32,
    pub symbol: String,
    pub module: String,
    pub import_line: String,
    pub confidence: f64,
    pub reason: String,
}

/// `from M import X [as A]` as (M, "X [as A]"); `None` for `import ...`.
fn from_parts(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("from ")?;
    let (module, names) = rest.split_once(" import ")?;
    Some((module.trim(), names.trim()))
}

pub fn plan(
    files: &BTreeMap<String, FixFile>,
    suggestions: &BTreeMap<String, Vec<Suggestion>>,
    imports_of: &mut dyn FnMut(i64) -> anyhow::Result<Vec<ImportRow>>,
    text_of: &mut dyn FnMut(&str) -> Option<String>,
) -> anyhow::Result<Plan> {
    let mut plan = Plan::default();
    for (path, uses) in suggestions {
        let Some(file) = files.get(path) else {
            continue;
        };
        let mut left = |line: u32, reason: String| {
            plan.left.push(Left {
                path: path.clone(),
                line,
                reason,
            })
        };
        if file.status != "ok" {
            left(uses[0].line, "the file does not parse cleanly".into());
            continue;
        }
        let Some(text) = text_of(path) else {
            left(uses[0].line, "cannot read the file".into());
            continue;
        };
        let Ok(tree) = crate::syntax::parse_python(&text, std::time::Duration::from_secs(10))
        else {
            left(uses[0].line, "cannot parse the file".into());
            continue;
        };
        let rows = imports_of(file.file_id)?;
        let lines = crate::syntax::LineIndex::new(&text);
        let offset = |line: u32, col: u32| {
            let start = lines.line_start(line);
            let rest = &text[start..];
            start
                + rest
                    .char_indices()
                    .nth(col.saturating_sub(1) as usize)
                    .map_or(rest.len(), |(i, _)| i)
        };
        // One suggestion per name: the most confident (the first use's, on a tie).
        let mut by_symbol: BTreeMap<&str, (&Suggestion, Vec<&Suggestion>)> = BTreeMap::new();
        for s in uses {
            let e = by_symbol
                .entry(s.symbol.as_str())
                .or_insert((s, Vec::new()));
            if s.confidence > e.0.confidence {
                e.0 = s;
            }
            e.1.push(s);
        }
        let header = insertion_point(&tree, &text);
        // Module-level, unconditional `from M import ...` statements, by module: the last name.
        let mut from_stmts: BTreeMap<&str, &ImportRow> = BTreeMap::new();
        for r in &rows {
            if r.form == "from"
                && !r.is_star
                && r.scope == "module"
                && !r.conditional
                && !r.type_checking
                && !r.guarded
                && let Some(m) = r.absolute_module.as_deref()
            {
                let e = from_stmts.entry(m).or_insert(r);
                if r.stmt_start < e.stmt_start
                    || (r.stmt_start == e.stmt_start && r.name_end > e.name_end)
                {
                    *e = r;
                }
            }
        }
        let mut edits = Vec::new();
        let mut at = Vec::new();
        // New statements: module -> names; plain `import` lines.
        let mut new_from: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        let mut new_plain: BTreeSet<&str> = BTreeSet::new();
        for (symbol, (best, all)) in &by_symbol {
            if best.reason.contains("would close an eager import cycle") {
                left(
                    best.line,
                    format!("`{}` would close an eager import cycle", best.import_line),
                );
                continue;
            }
            let target = match from_parts(&best.import_line) {
                Some((m, _)) => from_stmts.get(m).map(|r| r.stmt_start).unwrap_or(header),
                None => header,
            };
            // A use that runs before the import would not see it.
            if let Some(early) = all.iter().find(|u| {
                let o = offset(u.line, u.col);
                o < target && !in_function(&tree, o)
            }) {
                left(
                    early.line,
                    format!(
                        "`{symbol}` is used at module level before where `{}` would go",
                        best.import_line
                    ),
                );
                continue;
            }
            match from_parts(&best.import_line) {
                Some((m, names)) => match from_stmts.get(m) {
                    Some(last) => {
                        edits.extend(merge_edits(&text, last, names));
                        at.push((best.line, best.col));
                    }
                    None => {
                        new_from.entry(m).or_default().insert(names);
                    }
                },
                None => {
                    new_plain.insert(best.import_line.as_str());
                }
            }
        }
        let mut block = String::new();
        for line in &new_plain {
            block.push_str(line);
            block.push('\n');
        }
        for (m, names) in &new_from {
            let names: Vec<&str> = names.iter().copied().collect();
            block.push_str(&format!("from {m} import {}\n", names.join(", ")));
        }
        if !block.is_empty() {
            if header > 0 && !text[..header].ends_with('\n') {
                block.insert(0, '\n');
            }
            edits.push(Edit {
                start: header,
                end: header,
                text: block,
            });
            at.push((0, 0));
        }
        if !edits.is_empty() {
            plan.files.push(FileFix {
                path: path.clone(),
                edits,
                at,
            });
        }
    }
    plan.left.sort();
    Ok(plan)
}

/// Where a new import statement goes: after the docstring, leading comments and
/// `from __future__` imports, at the end of the block of imports that follows them.
pub fn insertion_point(tree: &tree_sitter::Tree, text: &str) -> usize {
    let root = tree.root_node();
    let mut c = root.walk();
    let children: Vec<tree_sitter::Node> = root.children(&mut c).collect();
    let line_end = |n: tree_sitter::Node| -> usize {
        let e = n.end_byte();
        text[e..].find('\n').map_or(text.len(), |i| e + i + 1)
    };
    let mut i = 0;
    let mut point = 0;
    let is_docstring = |n: &tree_sitter::Node| {
        n.kind() == "expression_statement"
            && n.named_child_count() == 1
            && n.named_child(0).is_some_and(|s| s.kind() == "string")
    };
    // Leading comments, then the docstring, then comments and `from __future__` imports.
    let mut seen_code = false;
    while i < children.len() {
        let n = children[i];
        let skip = n.kind() == "comment"
            || (!seen_code && is_docstring(&n))
            || n.kind() == "future_import_statement";
        if !skip {
            break;
        }
        if n.kind() != "comment" {
            seen_code = true;
        }
        point = line_end(n);
        i += 1;
    }
    // The imports that follow (comments between them belong to the block).
    let mut last_import = None;
    while i < children.len() {
        let n = children[i];
        match n.kind() {
            "import_statement" | "import_from_statement" => last_import = Some(n),
            "comment" => {}
            _ => break,
        }
        i += 1;
    }
    match last_import {
        Some(n) => line_end(n),
        None => point,
    }
}

/// Whether the byte offset sits inside a function or lambda body (runs later).
fn in_function(tree: &tree_sitter::Tree, offset: usize) -> bool {
    let Some(mut n) = tree.root_node().descendant_for_byte_range(offset, offset) else {
        return false;
    };
    loop {
        if matches!(n.kind(), "function_definition" | "lambda") {
            return true;
        }
        match n.parent() {
            Some(p) => n = p,
            None => return false,
        }
    }
}

/// The edits that add `names` (`X` or `X as A`) to the statement whose last name is `last`.
fn merge_edits(text: &str, last: &ImportRow, names: &str) -> Vec<Edit> {
    let ls = text[..last.name_start].rfind('\n').map_or(0, |i| i + 1);
    let le = text[last.name_end..]
        .find('\n')
        .map_or(text.len(), |i| last.name_end + i + 1);
    let before = &text[ls..last.name_start];
    let after = text[last.name_end..le].trim_end_matches(['\n', '\r']);
    let after_t = after.trim_start_matches([' ', '\t']);
    let vertical = before.chars().all(|c| c == ' ' || c == '\t')
        && (after_t.is_empty() || after_t.starts_with(',') || after_t.starts_with('#'))
        && !after_t.trim_start_matches(',').trim().starts_with(')')
        && last.stmt_line < last.line;
    if vertical {
        let mut edits = Vec::new();
        if !after_t.starts_with(',') {
            edits.push(Edit {
                start: last.name_end,
                end: last.name_end,
                text: ",".into(),
            });
        }
        edits.push(Edit {
            start: le,
            end: le,
            text: format!("{before}{names},\n"),
        });
        return edits;
    }
    vec![Edit {
        start: last.name_end,
        end: last.name_end,
        text: format!(", {names}"),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(src: &str) -> usize {
        let tree = crate::syntax::parse_python(src, std::time::Duration::from_secs(5)).unwrap();
        insertion_point(&tree, src)
    }

    #[test]
    fn new_imports_go_after_the_header_and_the_first_import_block() {
        let src = "#!/usr/bin/env python\n\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nimport os\n# c\nimport sys\n\nx = 1\nimport late\n";
        assert_eq!(&src[point(src)..], "\nx = 1\nimport late\n");
        let src = "\"\"\"Only a docstring.\"\"\"";
        assert_eq!(point(src), src.len());
        let src = "x = 1\n";
        assert_eq!(point(src), 0);
        let src = "# license\n\ndef f(): ...\n";
        assert_eq!(&src[point(src)..], "\ndef f(): ...\n");
    }
}
