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
//! would close an eager import cycle, or one that UP035 would flag as deprecated for the
//! file's target (`from typing import Type` on 3.9+) while UP035 is on for it: the fix would
//! trade one finding for another. A `from` import that would pass `line-length` is wrapped
//! as isort wraps it, one name per line in parentheses.

use std::collections::{BTreeMap, BTreeSet};

use super::{Left, Plan, line_end, line_start};
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

/// What a file's configuration says of the imports a fix writes there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// `line-length`: a longer `from` import is wrapped.
    pub line_length: usize,
    /// The target's Python 3 minor version.
    pub target_minor: u8,
    /// Whether UP035 (deprecated-import) is on for the file.
    pub up035: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            line_length: 88,
            target_minor: crate::config::DEFAULT_TARGET_MINOR,
            up035: false,
        }
    }
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
    first_party: &dyn Fn(&str) -> bool,
    style_of: &dyn Fn(&str) -> Style,
) -> anyhow::Result<Plan> {
    let mut plan = Plan::default();
    for (path, uses) in suggestions {
        let Some(file) = files.get(path) else {
            continue;
        };
        let style = style_of(path);
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
        let offset = |line: u32, col: u32| lines.offset(line, col);
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
        let (block_start, header) = header_and_block(&tree, &text);
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
        // Names merged into existing statements: statement start -> (its last name, names).
        let mut merges: BTreeMap<usize, (&ImportRow, Vec<&str>)> = BTreeMap::new();
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
            if style.up035
                && let Some((m, names)) = from_parts(&best.import_line)
                && let Some(message) = crate::ruff_rules::deprecated_import(
                    m,
                    names.split(" as ").next().unwrap_or(names).trim(),
                    style.target_minor,
                )
            {
                left(
                    best.line,
                    format!("`{}` would be UP035: {message}", best.import_line),
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
                        merges
                            .entry(last.stmt_start)
                            .or_insert((last, Vec::new()))
                            .1
                            .push(names);
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
        for (stmt_start, (last, added)) in &merges {
            let members: Vec<&ImportRow> = rows
                .iter()
                .filter(|r| r.stmt_start == *stmt_start)
                .collect();
            if let Some(e) = wrapped(&text, &members, added, style.line_length) {
                edits.push(e);
                continue;
            }
            for names in added {
                // Before the first name isort would put after it, else after the last.
                let key = member_key(names);
                let after_it = members.iter().find(|r| member_key(&written(r)) > key);
                edits.extend(match after_it {
                    Some(next) => insert_before(&text, next, names),
                    None => merge_edits(&text, last, names),
                });
            }
        }
        // The new statements, each with isort's key.
        let mut new_stmts: Vec<(StmtKey, String)> = Vec::new();
        for line in &new_plain {
            let module = line
                .strip_prefix("import ")
                .and_then(|r| r.split(" as ").next())
                .unwrap_or(line)
                .trim();
            new_stmts.push((stmt_key(false, module, 0, first_party), line.to_string()));
        }
        for (m, names) in &new_from {
            let mut names: Vec<&str> = names.iter().copied().collect();
            names.sort_by_key(|n| member_key(n));
            let mut line = format!("from {m} import {}", names.join(", "));
            if line.chars().count() > style.line_length {
                line = vertical(&format!("from {m} import"), "", &names);
            }
            new_stmts.push((stmt_key(true, m, 0, first_party), line));
        }
        new_stmts.sort();
        // The block's statements: (start of its line, end of its last line, key).
        let mut block_stmts: Vec<(usize, usize, StmtKey)> = Vec::new();
        for r in &rows {
            if r.scope != "module"
                || r.conditional
                || r.stmt_start < block_start
                || r.stmt_start >= header
            {
                continue;
            }
            if block_stmts
                .last()
                .is_some_and(|b| b.0 == line_start(&text, r.stmt_start))
            {
                continue;
            }
            let key = if r.form == "from" {
                stmt_key(true, &r.module, r.level, first_party)
            } else {
                stmt_key(false, &r.name, 0, first_party)
            };
            block_stmts.push((
                line_start(&text, r.stmt_start),
                line_end(&text, r.stmt_end),
                key,
            ));
        }
        let mut block = String::new();
        if block_stmts.is_empty() {
            for (_, line) in &new_stmts {
                block.push_str(line);
                block.push('\n');
            }
        } else {
            // Into the sorted block: (offset, section, frame, lines), merged per place.
            let mut places: BTreeMap<(usize, Section, u8), Vec<String>> = BTreeMap::new();
            for (key, line) in &new_stmts {
                let same: Vec<&(usize, usize, StmtKey)> =
                    block_stmts.iter().filter(|b| b.2.0 == key.0).collect();
                let place = if !same.is_empty() {
                    match same.iter().find(|b| b.2 > *key) {
                        Some(b) => (b.0, key.0, 0),
                        None => (same.last().map_or(header, |b| b.1), key.0, 0),
                    }
                } else {
                    match block_stmts.iter().find(|b| b.2.0 > key.0) {
                        // A new section before a later one: a blank line after it.
                        Some(b) => (b.0, key.0, 1),
                        // After every section: a blank line before it.
                        None => (block_stmts.last().map_or(header, |b| b.1), key.0, 2),
                    }
                };
                places.entry(place).or_default().push(line.clone());
            }
            for ((offset, _, frame), lines) in places {
                let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
                let text = match frame {
                    1 => format!("{body}\n"),
                    2 => format!("\n{body}"),
                    _ => body,
                };
                edits.push(Edit {
                    start: offset,
                    end: offset,
                    text,
                });
                at.push((0, 0));
            }
        }
        if !block.is_empty() {
            if header > 0 && !text[..header].ends_with('\n') {
                block.insert(0, '\n');
            }
            // A new block gets the blank lines isort wants after imports: two before a class
            // or function, else one (`lines-after-imports = -1`); one in a stub.
            let rest = &text[header..];
            // The blank lines after the header the new block replaces (none: it is inserted).
            let mut replaced = 0usize;
            let blank = rest
                .split_inclusive('\n')
                .take_while(|l| l.trim().is_empty() && l.ends_with('\n'))
                .count();
            if !rest.trim().is_empty() {
                let first = header + rest.len() - rest.trim_start().len();
                let next = tree
                    .root_node()
                    .named_descendant_for_byte_range(first, first)
                    .map(|mut n| {
                        while let Some(p) = n.parent() {
                            if p.kind() == "module" {
                                break;
                            }
                            n = p;
                        }
                        // A comment right above a statement belongs to it; one that a
                        // blank line parts from what follows stands alone, and is what
                        // follows the imports (Ruff's isort then wants one line, not two).
                        let mut m = Some(n);
                        while let Some(x) = m
                            && x.kind() == "comment"
                        {
                            let next = x.next_named_sibling();
                            match next {
                                Some(y) if y.start_position().row <= x.end_position().row + 1 => {
                                    m = Some(y)
                                }
                                _ => break,
                            }
                        }
                        m.map_or("", |x| x.kind())
                    })
                    .unwrap_or("");
                let want = if path.ends_with(".pyi") {
                    1
                } else if matches!(
                    next,
                    "class_definition" | "function_definition" | "decorated_definition"
                ) {
                    2
                } else {
                    1
                };
                for _ in blank..want {
                    block.push('\n');
                }
                // More blank lines than isort wants there (a deleted import leaves its blank
                // lines behind): the new block takes their place, with as many as it wants.
                if blank > want {
                    replaced = rest.split_inclusive('\n').take(blank).map(str::len).sum();
                    for _ in 0..want {
                        block.push('\n');
                    }
                }
            }
            edits.push(Edit {
                start: header,
                end: header + replaced,
                text: block,
            });
            at.push((0, 0));
        }
        plan.add(path, edits, at);
    }
    plan.left.sort();
    Ok(plan)
}

/// Where a new import statement goes: after the docstring, leading comments and
/// `from __future__` imports, at the end of the block of imports that follows them.
pub fn insertion_point(tree: &tree_sitter::Tree, text: &str) -> usize {
    header_and_block(tree, text).1
}

/// The end of the header (docstring, leading comments, `from __future__` imports) and the end
/// of the block of imports that follows it (the same offset when none follows).
pub fn header_and_block(tree: &tree_sitter::Tree, text: &str) -> (usize, usize) {
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
    // Leading comments, then the docstring, then `from __future__` imports (with the comments
    // before them). A comment after the docstring that leads into code belongs to that code
    // (`### Codec APIs` over a class): the header stops above it.
    let mut seen_code = false;
    while i < children.len() {
        let n = children[i];
        let leads_to_future = || {
            children[i..]
                .iter()
                .find(|m| m.kind() != "comment")
                .is_some_and(|m| m.kind() == "future_import_statement")
        };
        let skip = (n.kind() == "comment" && (!seen_code || leads_to_future()))
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
        Some(n) => (point, line_end(n)),
        None => (point, point),
    }
}

/// isort's sections, in order (Ruff's defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    Future,
    StandardLibrary,
    ThirdParty,
    FirstParty,
    LocalFolder,
}

fn section_of(module: &str, level: u32, first_party: &dyn Fn(&str) -> bool) -> Section {
    let top = module.split('.').next().unwrap_or(module);
    if level > 0 {
        Section::LocalFolder
    } else if top == "__future__" {
        Section::Future
    } else if crate::resolve::is_stdlib(top) {
        Section::StandardLibrary
    } else if first_party(top) {
        Section::FirstParty
    } else {
        Section::ThirdParty
    }
}

/// isort's order of statements within the block: section, `import x` before `from x import`,
/// then the module (case-insensitively).
type StmtKey = (Section, bool, String, String);

fn stmt_key(
    form_from: bool,
    module: &str,
    level: u32,
    first_party: &dyn Fn(&str) -> bool,
) -> StmtKey {
    (
        section_of(module, level, first_party),
        form_from,
        format!("{}{}", ".".repeat(level as usize), module).to_lowercase(),
        module.to_string(),
    )
}

/// isort's `order-by-type` for the names of a `from` import: CONSTANTS, Classes, the rest.
fn member_key(name: &str) -> (u8, String, String) {
    let bare = name.split(" as ").next().unwrap_or(name).trim();
    let kind = if bare.len() > 1 && bare.chars().all(|c| !c.is_lowercase()) {
        0
    } else if bare.starts_with(|c: char| c.is_uppercase()) {
        1
    } else {
        2
    };
    (kind, bare.to_lowercase(), bare.to_string())
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

/// How a name of a `from` import is written: `X` or `X as A`.
fn written(r: &ImportRow) -> String {
    match &r.alias {
        Some(a) => format!("{} as {a}", r.name),
        None => r.name.clone(),
    }
}

/// `head (` and one name per line, as isort wraps an import too long for one line.
fn vertical(head: &str, indent: &str, names: &[&str]) -> String {
    let mut out = format!("{head} (\n");
    for n in names {
        out.push_str(&format!("{indent}    {n},\n"));
    }
    out.push_str(indent);
    out.push(')');
    out
}

/// The statement rewritten as isort would wrap it, when adding `added` to a one-line
/// `from M import a, b` would take its line past `line_length`: its names in their order, each
/// new one before the first that isort puts after it. `None` when it still fits, and for a
/// statement that is not alone on one plain line (parentheses, a backslash, a comment or
/// another statement on the line: isort's own layout of those is left to isort).
fn wrapped(text: &str, members: &[&ImportRow], added: &[&str], line_length: usize) -> Option<Edit> {
    let first = members.iter().min_by_key(|r| r.name_start)?;
    let (start, end) = (first.stmt_start, first.stmt_end);
    if text[start..end].contains(['\n', '(', '\\', '#', ';']) {
        return None;
    }
    let ls = line_start(text, start);
    let le = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let indent = &text[ls..start];
    if !indent.chars().all(|c| c == ' ' || c == '\t')
        || !text[end..le].trim_end_matches('\r').trim().is_empty()
    {
        return None;
    }
    let width =
        text[ls..end].chars().count() + added.iter().map(|n| n.chars().count() + 2).sum::<usize>();
    if width <= line_length {
        return None;
    }
    let mut sorted: Vec<&&ImportRow> = members.iter().collect();
    sorted.sort_by_key(|r| r.name_start);
    let mut names: Vec<String> = sorted.iter().map(|r| written(r)).collect();
    for n in added {
        let key = member_key(n);
        let at = names
            .iter()
            .position(|m| member_key(m) > key)
            .unwrap_or(names.len());
        names.insert(at, n.to_string());
    }
    let head = text[start..first.name_start].trim_end();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    Some(Edit {
        start,
        end,
        text: vertical(head, indent, &names),
    })
}

/// The edits that add `names` before the name `next` of a `from` import: on a line of its own
/// when `next` starts its line (a vertical list), else inline.
fn insert_before(text: &str, next: &ImportRow, names: &str) -> Vec<Edit> {
    let ls = line_start(text, next.name_start);
    let indent = &text[ls..next.name_start];
    if next.stmt_line < next.line && indent.chars().all(|c| c == ' ' || c == '\t') {
        return vec![Edit {
            start: ls,
            end: ls,
            text: format!("{indent}{names},\n"),
        }];
    }
    vec![Edit {
        start: next.name_start,
        end: next.name_start,
        text: format!("{names}, "),
    }]
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
