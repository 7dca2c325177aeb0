//! `fix path-drift`: a string literal naming a repository path that moved (the `drift`
//! report, with `[tool.codefacts] renames`) gets the new prefix, only where the renamed path
//! exists. Only the literal's content changes: its prefix letters and quotes stay.

use std::collections::BTreeMap;

use super::{Left, Plan};
use crate::rewrite::Edit;
use crate::store::FixFile;

/// One stale literal: a row of the drift report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    pub line: u32,
    pub col: u32,
    /// The literal's content as written.
    pub value: String,
    /// The content with the rename applied, when the renamed path exists.
    pub suggestion: Option<String>,
    pub reason: String,
}

/// Plans the rewrites; returns the plan and how many stale literals have no rename at all.
pub fn plan(
    files: &BTreeMap<String, FixFile>,
    stale: &BTreeMap<String, Vec<Stale>>,
    text_of: &mut dyn FnMut(&str) -> Option<String>,
) -> (Plan, usize) {
    let mut plan = Plan::default();
    let mut unrenamed = 0;
    for (path, rows) in stale {
        if !files.contains_key(path) {
            continue;
        }
        let text = text_of(path);
        let mut edits = Vec::new();
        let mut at = Vec::new();
        for s in rows {
            let mut left = |reason: String| {
                plan.left.push(Left {
                    path: path.clone(),
                    line: s.line,
                    reason,
                })
            };
            let Some(new) = &s.suggestion else {
                if s.reason.starts_with("renamed") {
                    left(s.reason.clone());
                } else {
                    unrenamed += 1;
                }
                continue;
            };
            if new.contains(['"', '\'', '\\', '\n']) {
                left(format!("the new path `{new}` would need escaping"));
                continue;
            }
            let Some(text) = text.as_deref() else {
                left("cannot read the file".into());
                continue;
            };
            match content_start(text, s.line, s.col, &s.value) {
                Some(start) => {
                    edits.push(Edit {
                        start,
                        end: start + s.value.len(),
                        text: new.clone(),
                    });
                    at.push((s.line, s.col));
                }
                None => left("the literal's text does not match the index".into()),
            }
        }
        plan.add(path, edits, at);
    }
    plan.left.sort();
    (plan, unrenamed)
}

/// The byte offset of the content `value` of the literal starting at (line, col): past its
/// prefix letters and opening quotes.
fn content_start(text: &str, line: u32, col: u32, value: &str) -> Option<usize> {
    let mut i = crate::syntax::LineIndex::new(text).offset(line, col);
    let b = text.as_bytes();
    while i < b.len() && matches!(b[i], b'r' | b'R' | b'u' | b'U') {
        i += 1;
    }
    let q = *b.get(i)?;
    if q != b'"' && q != b'\'' {
        return None;
    }
    i += if b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q) {
        3
    } else {
        1
    };
    text.get(i..)?.starts_with(value).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_is_found_past_prefix_and_quotes() {
        let t = "x = 1\ny = r'''candidate/a.py'''\n";
        assert_eq!(
            content_start(t, 2, 5, "candidate/a.py"),
            Some(t.find("cand").unwrap())
        );
        assert_eq!(content_start(t, 2, 5, "labs/a.py"), None);
        assert_eq!(content_start("p = \"a/b\"", 1, 5, "a/b"), Some(5));
    }
}
