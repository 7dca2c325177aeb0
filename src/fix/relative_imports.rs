//! `fix relative-imports`: each relative import TID252 flags becomes the absolute module the
//! resolver found. Only the module part of the statement changes (`..a` in
//! `from ..a import (b,  # why\n c)`): names, aliases, comments, parentheses and line breaks
//! stay as written.
//!
//! A statement is rewritten only when the facts prove the absolute import loads the same file:
//!
//! * the importer has a module name and the import does not climb above its top-level package;
//! * every package from the top-level one down to the first regular package (an `__init__`)
//!   is a namespace package the repository's own absolute imports go through (`lukhas.x`
//!   imported as such elsewhere): otherwise the absolute name depends on `sys.path`. Below a
//!   regular package a namespace package lives on that package's `__path__` (flask's
//!   `flask/sansio/`), so it needs no proof; a first run that wrote `flask.sansio.app` would
//!   otherwise have made the proof for a second;
//! * each name's target, resolved as the absolute import resolves, is the file the relative
//!   import finds next to the importer (another source root's module of the same name would
//!   shadow it);
//! * the top-level name is not a built-in module, and the written text is what the index saw.
//!
//! Anything else is left relative, with the reason.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::{Left, Plan};
use crate::rewrite::Edit;
use crate::store::{FixFile, ImportRow};

/// The byte range of the module part (`..a.b`, `.`) of a `from` statement starting at
/// `stmt_start`, and whether it touches the keywords around it (`from.a`, `.import`).
pub fn module_span(text: &str, stmt_start: usize) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    if !text.get(stmt_start..)?.starts_with("from") {
        return None;
    }
    let mut i = stmt_start + 4;
    let skip_blank = |mut i: usize| -> usize {
        loop {
            match b.get(i) {
                Some(b' ' | b'\t' | b'\x0c') => i += 1,
                Some(b'\\') if b.get(i + 1) == Some(&b'\n') => i += 2,
                Some(b'\\') if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') => {
                    i += 3
                }
                _ => return i,
            }
        }
    };
    i = skip_blank(i);
    if b.get(i) != Some(&b'.') {
        return None;
    }
    let start = i;
    let mut end = i;
    loop {
        match b.get(i) {
            Some(b'.') => {
                i += 1;
                end = i;
            }
            Some(_) => {
                let rest = &text[i..];
                let word: usize = rest
                    .char_indices()
                    .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
                    .map_or(rest.len(), |(k, _)| k);
                if word == 0 || &rest[..word] == "import" {
                    break;
                }
                i += word;
                end = i;
            }
            None => return None,
        }
        i = skip_blank(i);
    }
    Some((start, end))
}

/// The written module without blanks and continuations (`. . a` is `..a`).
fn compact(s: &str) -> String {
    s.replace("\\\r\n", "")
        .replace("\\\n", "")
        .chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\x0c'))
        .collect()
}

/// Plans the rewrite of the statements at `flagged` (path -> statement starts as (line, col)).
/// `text_of` gives a file's decoded text; `packages` is the set of regular-package modules;
/// `absolute` the prefixes of what the repository's absolute imports load.
pub fn plan(
    files: &BTreeMap<String, FixFile>,
    flagged: &BTreeMap<String, Vec<(u32, u32)>>,
    imports_of: &mut dyn FnMut(i64) -> anyhow::Result<Vec<ImportRow>>,
    text_of: &mut dyn FnMut(&str) -> Option<String>,
    packages: &HashSet<String>,
    absolute: &HashSet<String>,
    keep_relative_in_init: bool,
) -> anyhow::Result<Plan> {
    let mut plan = Plan::default();
    // The source roots that hold each top-level name: a name in two roots is ambiguous (which
    // one an absolute import finds depends on sys.path order).
    let mut roots_of: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for f in files.values() {
        if let Some(m) = f.module.as_deref() {
            let top = m.split('.').next().unwrap_or(m);
            roots_of
                .entry(top)
                .or_default()
                .insert(f.source_root.as_str());
        }
    }
    for (path, stmts) in flagged {
        let Some(file) = files.get(path) else {
            continue;
        };
        let wanted: HashSet<(u32, u32)> = stmts.iter().copied().collect();
        let rows = imports_of(file.file_id)?;
        // The statements, each with all its names.
        let mut by_stmt: BTreeMap<usize, Vec<&ImportRow>> = BTreeMap::new();
        for r in &rows {
            if r.level > 0 && wanted.contains(&(r.stmt_line, r.stmt_col)) {
                by_stmt.entry(r.stmt_start).or_default().push(r);
            }
        }
        if by_stmt.is_empty() {
            continue;
        }
        let mut left = |line: u32, reason: String| {
            plan.left.push(Left {
                path: path.clone(),
                line,
                reason,
            })
        };
        if keep_relative_in_init && file.is_package {
            for names in by_stmt.values() {
                left(
                    names[0].stmt_line,
                    "kept relative in a package's `__init__` (keep-relative-in-init)".into(),
                );
            }
            continue;
        }
        if file.status != "ok" {
            for names in by_stmt.values() {
                left(
                    names[0].stmt_line,
                    format!("the file does not parse cleanly ({})", file.status),
                );
            }
            continue;
        }
        let Some(text) = text_of(path) else {
            left(
                by_stmt.values().next().map_or(1, |n| n[0].stmt_line),
                "cannot read the file".into(),
            );
            continue;
        };
        let mut edits = Vec::new();
        let mut at = Vec::new();
        for (&start, names) in &by_stmt {
            match rewrite_one(file, names, &text, start, packages, absolute, &roots_of) {
                Ok(edit) => {
                    edits.push(edit);
                    at.push((names[0].stmt_line, names[0].stmt_col));
                }
                Err(reason) => left(names[0].stmt_line, reason),
            }
        }
        plan.add(path, edits, at);
    }
    plan.left.sort();
    Ok(plan)
}

fn rewrite_one(
    file: &FixFile,
    names: &[&ImportRow],
    text: &str,
    start: usize,
    packages: &HashSet<String>,
    proven: &HashSet<String>,
    roots_of: &HashMap<&str, BTreeSet<&str>>,
) -> Result<Edit, String> {
    let first = names[0];
    if file.module.is_none() {
        return Err("the file has no module name (outside any source root)".into());
    }
    let Some(absolute) = first.absolute_module.as_deref() else {
        return Err("it climbs above the top-level package".into());
    };
    if !absolute.split('.').all(crate::resolve::is_identifier) {
        return Err(format!("`{absolute}` is not a valid module name"));
    }
    let top = absolute.split('.').next().unwrap_or(absolute);
    if crate::resolve::is_builtin_module(top) {
        return Err(format!(
            "`{top}` is a built-in module, which an absolute import finds first"
        ));
    }
    if let Some(roots) = roots_of.get(top)
        && roots.len() > 1
    {
        let shown: Vec<String> = roots
            .iter()
            .map(|r| {
                if r.is_empty() {
                    ".".to_string()
                } else {
                    (*r).to_string()
                }
            })
            .collect();
        return Err(format!(
            "`{top}` is in several source roots ({}): which one an absolute import finds depends on sys.path",
            shown.join(", ")
        ));
    }
    // The package the dots lead to, and every package above it, must be regular packages.
    let base = if first.module.is_empty() {
        absolute.to_string()
    } else {
        absolute
            .strip_suffix(&format!(".{}", first.module))
            .ok_or_else(|| "the stored resolution does not match the statement".to_string())?
            .to_string()
    };
    // A namespace package inside a regular package lives on that package's `__path__`, not on
    // sys.path: only the namespace packages above the first regular one need the proof.
    if let Some(prefix) =
        crate::resolve::unproven_namespace(&base, &|p| packages.contains(p), &|p| {
            proven.contains(p)
        })
    {
        return Err(format!(
            "`{prefix}` is a namespace package (no `__init__`) that no absolute import of \
             the repository goes through: the absolute name depends on sys.path"
        ));
    }
    // The folder the relative import starts from: the importer's, climbed `level - 1` times.
    let mut dir: Vec<&str> = file.path.split('/').collect();
    dir.pop();
    for _ in 1..first.level {
        if dir.pop().is_none() {
            return Err("it climbs above the repository root".into());
        }
    }
    for r in names {
        let Some(target) = r.target_module.as_deref() else {
            return Err("it does not resolve".into());
        };
        let Some(target_path) = r.target_path.as_deref() else {
            return Err(if r.target_kind == "repo" {
                format!("`{target}` is a namespace package")
            } else {
                format!("`{target}` does not resolve to a file of the repository")
            });
        };
        let suffix: Vec<&str> = if target == base {
            Vec::new()
        } else if let Some(s) = target.strip_prefix(&format!("{base}.")) {
            s.split('.').collect()
        } else {
            return Err("the stored resolution does not match the statement".into());
        };
        let stem: Vec<&str> = dir.iter().copied().chain(suffix).collect();
        let stem = stem.join("/");
        let join = |tail: &str| {
            if stem.is_empty() {
                tail.trim_start_matches('/').to_string()
            } else {
                format!("{stem}{tail}")
            }
        };
        let expected = [
            join(".py"),
            join(".pyi"),
            join("/__init__.py"),
            join("/__init__.pyi"),
        ];
        if !expected.iter().any(|e| e == target_path) {
            return Err(format!(
                "`{target}` resolves to {target_path}, not the file the relative import finds"
            ));
        }
    }
    let (s, e) = module_span(text, start).ok_or("the statement's text does not match the index")?;
    let written = compact(&text[s..e]);
    let dots = written.chars().take_while(|c| *c == '.').count();
    if dots as u32 != first.level || written[dots..] != *first.module {
        return Err("the statement's text does not match the index".into());
    }
    let mut new = String::new();
    if s > 0 && !text.as_bytes()[s - 1].is_ascii_whitespace() {
        new.push(' ');
    }
    new.push_str(absolute);
    if text[e..].starts_with(|c: char| c.is_alphanumeric() || c == '_') {
        new.push(' ');
    }
    Ok(Edit {
        start: s,
        end: e,
        text: new,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(src: &str) -> Option<&str> {
        module_span(src, 0).map(|(s, e)| &src[s..e])
    }

    #[test]
    fn the_module_part_is_found_whatever_the_layout() {
        assert_eq!(span("from . import x"), Some("."));
        assert_eq!(span("from .import x"), Some("."));
        assert_eq!(span("from ..a.b import x"), Some("..a.b"));
        assert_eq!(span("from .importer import x"), Some(".importer"));
        assert_eq!(span("from . . a import x"), Some(". . a"));
        assert_eq!(span("from \\\n  ..a import (x)"), Some("..a"));
        assert_eq!(span("from .a\\\n import x"), Some(".a"));
        assert_eq!(span("from ...été import x"), Some("...été"));
        assert_eq!(span("from a import x"), None, "absolute");
        assert_eq!(span("import a"), None);
    }
}
