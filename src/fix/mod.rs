//! Safe fixes from the facts, one file per kind. A fix is a pure function of the stored facts
//! and the decoded text: it returns edits by byte range for each file, and the places it leaves
//! alone with the reason. It never writes: `rewrite.rs` checks and writes what `codefacts fix
//! --apply` accepts, and nothing else writes source files.

pub mod duplicate_test_classes;
pub mod missing_imports;
pub mod path_drift;
pub mod relative_imports;
pub mod unused_imports;

use crate::rewrite::Edit;

/// The edits of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFix {
    /// Repo-relative path.
    pub path: String,
    pub edits: Vec<Edit>,
    /// For each edit, the (line, column) of the statement it fixes (where its finding is).
    pub at: Vec<(u32, u32)>,
}

/// A place a fix leaves unchanged, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Left {
    pub path: String,
    pub line: u32,
    pub reason: String,
}

/// What a fix would do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Sorted by path.
    pub files: Vec<FileFix>,
    /// Sorted by path and line.
    pub left: Vec<Left>,
}

impl Plan {
    /// Adds a file's edits (`at`: each edit's finding position), if there are any.
    pub fn add(&mut self, path: &str, edits: Vec<Edit>, at: Vec<(u32, u32)>) {
        if !edits.is_empty() {
            self.files.push(FileFix {
                path: path.to_string(),
                edits,
                at,
            });
        }
    }
}

/// The start of the line holding byte `at`.
pub(crate) fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The end of the line holding byte `at`, past its line end.
pub(crate) fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// A unified diff of one file (`a/PATH`, `b/PATH`, three lines of context), coloured with ANSI
/// escapes when `color`.
pub fn unified_diff(path: &str, before: &str, after: &str, color: bool) -> String {
    let diff = similar::TextDiff::from_lines(before, after);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    if !color {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 256);
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let code = if body.starts_with("+++") || body.starts_with("---") {
            "1"
        } else if body.starts_with('+') {
            "32"
        } else if body.starts_with('-') {
            "31"
        } else if body.starts_with("@@") {
            "36"
        } else {
            ""
        };
        if code.is_empty() {
            out.push_str(line);
        } else {
            out.push_str(&format!("\x1b[{code}m{body}\x1b[0m{nl}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_name_the_file_and_show_the_change() {
        let d = unified_diff(
            "p/m.py",
            "a\nfrom . import x\nb\n",
            "a\nfrom p import x\nb\n",
            false,
        );
        assert!(
            d.starts_with("--- a/p/m.py\n+++ b/p/m.py\n@@ -1,3 +1,3 @@\n"),
            "{d}"
        );
        assert!(d.contains("-from . import x\n+from p import x\n"), "{d}");
        let c = unified_diff("m.py", "x\n", "y\n", true);
        assert!(
            c.contains("\x1b[31m-x\x1b[0m\n\x1b[32m+y\x1b[0m\n"),
            "{c:?}"
        );
    }
}
