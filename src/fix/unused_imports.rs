//! `fix unused-imports`: removes the names F401 reports, name by name, keeping the rest of each
//! statement as written; a statement left with no name goes, and a block left empty gets `pass`.
//!
//! By default only files under a test folder (`tests/`, `test/`) or named like a test
//! (`test_*.py`, `*_test.py`, `conftest.py`) are fixed; `--everywhere` fixes every file. Never
//! touched: star imports, imports inside `try/except ImportError`, `__init__` files (their
//! imports re-export), statements with a `# noqa` comment on any of their lines, `__future__`
//! imports.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::{Left, Plan, line_end, line_start};
use crate::rewrite::Edit;
use crate::store::{FixFile, ImportRow};

/// Whether a repo-relative path is test code.
pub fn is_test_path(path: &str) -> bool {
    let mut parts = path.split('/').collect::<Vec<_>>();
    let name = parts.pop().unwrap_or("");
    parts.iter().any(|p| *p == "tests" || *p == "test")
        || name.starts_with("test_")
        || name.ends_with("_test.py")
        || name == "conftest.py"
}

/// Each finding's own fix, by (path, line, column) of the F401 finding.
pub type FixesByFinding = BTreeMap<(String, u32, u32), Vec<Edit>>;

/// What the fix needs to know of one file besides its imports.
pub struct FileInput {
    pub text: String,
    /// Lines with a `# noqa` comment.
    pub noqa_lines: HashSet<u32>,
}

/// Plans the removals of the names at `flagged` (path -> F401 positions as (line, col)).
/// Returns the plan and how many flagged files were outside the default scope.
pub fn plan(
    files: &BTreeMap<String, FixFile>,
    flagged: &BTreeMap<String, Vec<(u32, u32)>>,
    imports_of: &mut dyn FnMut(i64) -> anyhow::Result<Vec<ImportRow>>,
    input_of: &mut dyn FnMut(&FixFile) -> anyhow::Result<Option<FileInput>>,
    everywhere: bool,
    mut per_finding: Option<&mut FixesByFinding>,
) -> anyhow::Result<(Plan, usize)> {
    let mut plan = Plan::default();
    let mut out_of_scope = 0usize;
    for (path, positions) in flagged {
        let Some(file) = files.get(path) else {
            continue;
        };
        if !everywhere && !is_test_path(path) {
            out_of_scope += 1;
            continue;
        }
        let mut left = |line: u32, reason: &str| {
            plan.left.push(Left {
                path: path.clone(),
                line,
                reason: reason.to_string(),
            })
        };
        if file.is_package {
            for (line, _) in positions {
                left(*line, "an `__init__` import re-exports the name");
            }
            continue;
        }
        if file.status != "ok" {
            for (line, _) in positions {
                left(*line, "the file does not parse cleanly");
            }
            continue;
        }
        let rows = imports_of(file.file_id)?;
        let Some(input) = input_of(file)? else {
            left(positions[0].0, "cannot read the file");
            continue;
        };
        let wanted: HashSet<(u32, u32)> = positions.iter().copied().collect();
        // Statement start -> all its names (in order), and which of them go.
        let mut stmts: BTreeMap<usize, Vec<&ImportRow>> = BTreeMap::new();
        for r in &rows {
            stmts.entry(r.stmt_start).or_default().push(r);
        }
        let mut remove: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
        for r in &rows {
            if !wanted.contains(&(r.line, r.col)) {
                continue;
            }
            let reason = if r.is_star {
                Some("a star import")
            } else if r.guarded {
                Some("inside `try/except ImportError`: an optional dependency")
            } else if r.form == "from" && r.module == "__future__" && r.level == 0 {
                Some("a `__future__` import")
            } else if (r.stmt_line..=r.stmt_end_line)
                .any(|l| input.noqa_lines.contains(&l) || has_noqa_comment(&input.text, l))
            {
                Some("a `# noqa` comment on the statement")
            } else {
                None
            };
            match reason {
                Some(why) => left(r.line, why),
                None => {
                    remove.entry(r.stmt_start).or_default().insert(r.name_start);
                }
            }
        }
        if remove.is_empty() {
            continue;
        }
        // Each statement's own fix, for the findings of its names (Ruff's `fix` objects: each
        // applies alone).
        if let Some(out) = per_finding.as_deref_mut() {
            for (&start, names) in &remove {
                let one: BTreeMap<usize, BTreeSet<usize>> =
                    [(start, names.clone())].into_iter().collect();
                if let Ok(edits) = edits_for(&input.text, &stmts, &one) {
                    for r in rows.iter().filter(|r| names.contains(&r.name_start)) {
                        out.insert((path.clone(), r.line, r.col), edits.clone());
                    }
                }
            }
        }
        match edits_for(&input.text, &stmts, &remove) {
            Ok(edits) => {
                let at = edits.iter().map(|_| (0, 0)).collect();
                plan.add(path, edits, at);
            }
            Err(why) => left(positions[0].0, &why),
        }
    }
    plan.left.sort();
    Ok((plan, out_of_scope))
}

/// Whether line `line` (1-based) carries a comment mentioning noqa in any case, even one Ruff
/// finds invalid (`# NOQA: imported for its side effect`): whoever wrote it meant to keep it.
fn has_noqa_comment(text: &str, line: u32) -> bool {
    text.split('\n')
        .nth(line.saturating_sub(1) as usize)
        .and_then(|l| l.find('#').map(|i| &l[i..]))
        .is_some_and(|c| c.to_ascii_lowercase().contains("noqa"))
}

fn blank(s: &str) -> bool {
    s.chars()
        .all(|c| matches!(c, ' ' | '\t' | '\x0c' | '\r' | '\n'))
}

/// Whether `rest` (what follows something on its line) is only a comma, blanks and a comment.
fn only_comma_comment(rest: &str) -> bool {
    let t = rest.trim_start_matches([' ', '\t']);
    let t = t
        .strip_prefix(',')
        .unwrap_or(t)
        .trim_start_matches([' ', '\t']);
    t.is_empty() || t.starts_with('#') || t == "\r"
}

fn edits_for(
    text: &str,
    stmts: &BTreeMap<usize, Vec<&ImportRow>>,
    remove: &BTreeMap<usize, BTreeSet<usize>>,
) -> Result<Vec<Edit>, String> {
    let tree = crate::syntax::parse_python(text, std::time::Duration::from_secs(10))
        .map_err(|e| format!("cannot parse the file ({e})"))?;
    let mut ranges: Vec<(usize, usize, &'static str)> = Vec::new();
    // Whole statements that go, by their block, to give an emptied block `pass`.
    let mut whole: BTreeSet<usize> = BTreeSet::new();
    for (&start, gone) in remove {
        let names = &stmts[&start];
        if names.iter().all(|n| gone.contains(&n.name_start)) {
            whole.insert(start);
        }
    }
    for &start in &whole {
        let names = &stmts[&start];
        let end = names[0].stmt_end;
        let node = statement_node(&tree, start, end).ok_or("cannot find the statement")?;
        let ls = line_start(text, start);
        let le = line_end(text, end);
        let same_line_before = !blank(&text[ls..start]);
        let after = &text[end..le];
        let same_line_after = !{
            let t = after.trim_start_matches([' ', '\t']);
            t.is_empty() || t.starts_with('#') || t == "\n" || t == "\r\n"
        };
        // The block is emptied when every statement of it goes.
        let emptied = node.parent().is_some_and(|block| {
            block.kind() == "block" && {
                let mut c = block.walk();
                block
                    .named_children(&mut c)
                    .filter(|n| n.kind() != "comment")
                    .all(|n| whole.contains(&n.start_byte()))
            }
        });
        let first_of_block = emptied
            && node.parent().is_some_and(|b| {
                let mut c = b.walk();
                b.named_children(&mut c)
                    .find(|n| n.kind() != "comment")
                    .is_some_and(|n| n.start_byte() == start)
            });
        if first_of_block {
            ranges.push((start, end, "pass"));
            continue;
        }
        if !same_line_before && !same_line_after {
            ranges.push((ls, le, ""));
        } else if same_line_after {
            // `import os; x = 1`: the statement, its `;` and the blanks after it.
            let rest = &text[end..];
            let semi = rest
                .find(';')
                .filter(|i| blank(&rest[..*i]))
                .ok_or("a statement on a line with others, not separated by `;`")?;
            let mut stop = end + semi + 1;
            while matches!(text.as_bytes().get(stop), Some(b' ' | b'\t')) {
                stop += 1;
            }
            ranges.push((start, stop, ""));
        } else {
            // `x = 1; import os`: the `;` before it, and the blanks around.
            let before = &text[ls..start];
            let semi = before
                .rfind(';')
                .filter(|i| blank(&before[*i + 1..]))
                .ok_or("a statement on a line with others, not separated by `;`")?;
            let mut from = ls + semi;
            while from > ls && matches!(text.as_bytes()[from - 1], b' ' | b'\t') {
                from -= 1;
            }
            ranges.push((from, end, ""));
        }
    }
    for (&start, gone) in remove {
        if whole.contains(&start) {
            continue;
        }
        let names = &stmts[&start];
        for (i, n) in names.iter().enumerate() {
            if !gone.contains(&n.name_start) {
                continue;
            }
            let ls = line_start(text, n.name_start);
            let le = line_end(text, n.name_end);
            let line_of = |at: usize| text[..at].matches('\n').count();
            let alone_on_line = blank(&text[ls..n.name_start])
                && only_comma_comment(text[n.name_end..le].trim_end_matches('\n'))
                && !text[..ls].trim_end_matches(['\n', '\r']).ends_with('\\');
            if alone_on_line {
                ranges.push((ls, le, ""));
                continue;
            }
            let next = names.get(i + 1);
            if let Some(next) = next
                && line_of(next.name_start) == line_of(n.name_start)
            {
                ranges.push((n.name_start, next.name_start, ""));
                continue;
            }
            // The last name of its line: from the end of the nearest kept name before it;
            // with none, up to the next name (on a later line: the line break goes too).
            match names[..i]
                .iter()
                .rev()
                .find(|p| !gone.contains(&p.name_start))
            {
                Some(prev_kept) => ranges.push((prev_kept.name_end, n.name_end, "")),
                None => {
                    let next = next.ok_or("no name of the statement stays")?;
                    ranges.push((n.name_start, next.name_start, ""));
                }
            }
        }
    }
    // Overlapping removals (two neighbours) become one.
    ranges.sort();
    let mut edits: Vec<Edit> = Vec::new();
    for (s, e, t) in ranges {
        if let Some(last) = edits.last_mut()
            && s < last.end
        {
            if !t.is_empty() || !last.text.is_empty() {
                return Err("overlapping edits".into());
            }
            last.end = last.end.max(e);
            continue;
        }
        edits.push(Edit {
            start: s,
            end: e,
            text: t.to_string(),
        });
    }
    Ok(edits)
}

/// The import statement node spanning `start..end`.
fn statement_node(
    tree: &tree_sitter::Tree,
    start: usize,
    end: usize,
) -> Option<tree_sitter::Node<'_>> {
    let mut n = tree.root_node().descendant_for_byte_range(start, end)?;
    loop {
        if matches!(
            n.kind(),
            "import_statement" | "import_from_statement" | "future_import_statement"
        ) && n.start_byte() == start
        {
            return Some(n);
        }
        n = n.parent()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_paths() {
        assert!(is_test_path("tests/a.py"));
        assert!(is_test_path("pkg/test/a.py"));
        assert!(is_test_path("pkg/test_a.py"));
        assert!(is_test_path("pkg/a_test.py"));
        assert!(is_test_path("conftest.py"));
        assert!(!is_test_path("pkg/testing.py"));
        assert!(!is_test_path("pkg/contest/a.py"));
    }
}
