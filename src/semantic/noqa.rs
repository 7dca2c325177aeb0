//! `noqa` suppression comments and the line mapping Ruff applies before looking them up.
//!
//! Directives come only from comment tokens (tree-sitter `comment` nodes), so `# noqa` inside
//! a string is not a directive. The nodes are read from an [`Arena`] shared with the other
//! passes (no walk of the tree of its own).
//!
//! * `# noqa` — blanket, this line; `# noqa: F401,F811` / `# noqa: F401 F811` — those codes.
//!   `noqa` is matched case-insensitively, codes as written (uppercase letters then digits).
//!   The directive may follow other comment text (`# type: ignore  # noqa: F401`).
//! * `# ruff: noqa`, `# flake8: noqa` — whole file; `# ruff: noqa: F401` — those codes, whole file.
//!
//! Line mapping ([`NoqaLineRange`]): a diagnostic on any line of a multi-line string, or of a
//! backslash-continued logical line, is matched against the directives of the range's last line.
//! Parenthesized multi-line statements are not mapped (the directive must be on the reported
//! line; F401 also accepts one on the first line of its import statement).

use serde::Serialize;
use tree_sitter::Tree;

use super::arena::{Arena, kinds};
use crate::syntax::LineIndex;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoqaDirective {
    /// 1-based line of the comment.
    pub line: u32,
    /// `None`: blanket (all codes).
    pub code: Option<String>,
    /// `# ruff: noqa` / `# flake8: noqa`: applies to the whole file.
    pub file_level: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NoqaLineRange {
    pub start_line: u32,
    /// Diagnostics on `start_line..=end_line` use the directives on `end_line`.
    pub end_line: u32,
}

/// The directives, the line ranges, and the directives Ruff warns about.
pub type Extracted = (
    Vec<NoqaDirective>,
    Vec<NoqaLineRange>,
    Vec<(u32, NoqaWarning)>,
);

pub fn extract(text: &str, tree: &Tree) -> Extracted {
    extract_from(text, &LineIndex::new(text), &Arena::build(tree, text))
}

/// [`extract`] over an arena of the tree (`idx` indexes `text`).
pub fn extract_from(text: &str, idx: &LineIndex, arena: &Arena) -> Extracted {
    let k = kinds();
    let mut directives = Vec::new();
    let mut warnings = Vec::new();
    let mut ranges = Vec::new();
    let mut string_ranges: Vec<(usize, usize)> = Vec::new();
    // Pre-order over the named nodes; the insides of strings without interpolations are
    // skipped.
    let mut i = 0;
    while i < arena.len() {
        let node = arena.node(i);
        let kind = node.kind_id();
        if kind == k.comment {
            let line = idx.line_of(node.start_byte());
            let before = &text[idx.line_start(line)..node.start_byte()];
            let own_line = before.trim().is_empty();
            parse_comment(
                &text[node.byte_range()],
                line,
                own_line,
                &mut directives,
                &mut warnings,
            );
        } else if kind == k.string {
            string_ranges.push((node.start_byte(), node.end_byte()));
            let (s, e) = (idx.line_of(node.start_byte()), idx.line_of(node.end_byte()));
            if e > s {
                ranges.push(NoqaLineRange {
                    start_line: s,
                    end_line: e,
                });
            }
            if node.named_child_count() <= 3 {
                i = arena.subtree_end(i);
                continue;
            }
        }
        i += 1;
    }
    // Backslash continuations outside strings. Strings nest only inside f-string
    // replacement fields, and pre-order lists a string before those inside it: keeping the
    // outermost ranges leaves disjoint ranges sorted by start, searched by bisection.
    let mut outer: Vec<(usize, usize)> = Vec::with_capacity(string_ranges.len());
    for &(s, e) in &string_ranges {
        if outer.last().is_some_and(|&(_, last_end)| s < last_end) {
            continue;
        }
        outer.push((s, e));
    }
    let in_string = |pos: usize| {
        let i = outer.partition_point(|&(s, _)| s < pos);
        i > 0 && pos < outer[i - 1].1
    };
    let bytes = text.as_bytes();
    let mut line_start = 0usize;
    let mut cont_start: Option<u32> = None;
    let mut line_no = 1u32;
    loop {
        let newline = text[line_start..].find('\n').map(|p| line_start + p);
        let mut end = newline.unwrap_or(bytes.len());
        if end > line_start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        let continued = end > line_start && bytes[end - 1] == b'\\' && !in_string(end - 1);
        if continued {
            cont_start.get_or_insert(line_no);
        } else if let Some(s) = cont_start.take() {
            ranges.push(NoqaLineRange {
                start_line: s,
                end_line: line_no,
            });
        }
        line_no += 1;
        match newline {
            Some(p) => line_start = p + 1,
            None => break,
        }
    }
    ranges.sort_by_key(|r| (r.start_line, r.end_line));
    // Merge overlapping ranges.
    let mut merged: Vec<NoqaLineRange> = Vec::new();
    for r in ranges {
        if let Some(last) = merged.last_mut()
            && r.start_line <= last.end_line
        {
            last.end_line = last.end_line.max(r.end_line);
            continue;
        }
        merged.push(r);
    }
    (directives, merged, warnings)
}

/// A directive Ruff warns about, by kind (the message is `codefacts check`'s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum NoqaWarning {
    /// `# noqa:` with no valid code after it (it suppresses nothing).
    Invalid,
    /// `# ruff: noqa:` with no valid code after it.
    InvalidFileLevel,
    /// Codes with nothing between two commas, or joined (`F401E501`).
    MissingOrJoined,
    /// A file-level directive after code on its line (it suppresses nothing).
    Misplaced,
}

impl NoqaWarning {
    pub fn as_str(self) -> &'static str {
        match self {
            NoqaWarning::Invalid => "invalid",
            NoqaWarning::InvalidFileLevel => "invalid_file_level",
            NoqaWarning::MissingOrJoined => "missing_or_joined",
            NoqaWarning::Misplaced => "misplaced",
        }
    }
}

/// Codes after `noqa:`: `[A-Z]+[0-9]+` separated by commas and/or whitespace (joined codes
/// like `F401E501` are split, as Ruff does with a warning). Stops at the first other word.
/// The flag says whether the list was malformed (an empty item between commas, joined codes).
fn parse_codes(rest: &str) -> (Vec<String>, bool) {
    let mut codes = Vec::new();
    let mut malformed = false;
    let mut last_comma = false;
    let mut seen_code = false;
    for tok in rest.split_inclusive(|c: char| c == ',' || c.is_whitespace()) {
        let comma = tok.ends_with(',');
        let tok = tok.trim_end_matches(|c: char| c == ',' || c.is_whitespace());
        if tok.is_empty() {
            if comma && (last_comma || !seen_code) {
                malformed = true;
            }
            last_comma |= comma;
            continue;
        }
        let mut t = tok;
        let mut found = Vec::new();
        while !t.is_empty() {
            let letters = t.chars().take_while(|c| c.is_ascii_uppercase()).count();
            let digits = t[letters..]
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if letters == 0 || digits == 0 {
                break;
            }
            found.push(t[..letters + digits].to_string());
            t = &t[letters + digits..];
        }
        if found.is_empty() || !t.is_empty() {
            break;
        }
        if found.len() > 1 {
            malformed = true;
        }
        seen_code = true;
        last_comma = comma;
        codes.extend(found);
    }
    let malformed = malformed && !codes.is_empty();
    (codes, malformed)
}

/// Parses one comment into directives (and the warnings Ruff would print about it).
pub(crate) fn parse_comment(
    comment: &str,
    line: u32,
    own_line: bool,
    out: &mut Vec<NoqaDirective>,
    warnings: &mut Vec<(u32, NoqaWarning)>,
) {
    // Every directive contains `noqa` (any case): most comments are rejected here.
    if !comment
        .as_bytes()
        .windows(4)
        .any(|w| w.eq_ignore_ascii_case(b"noqa"))
    {
        return;
    }
    // A file-level exemption after code on its line: Ruff warns and ignores it.
    if !own_line {
        let b = comment
            .trim_start_matches('#')
            .trim_start()
            .to_ascii_lowercase();
        let file_level = ["ruff", "flake8"].iter().any(|tool| {
            b.strip_prefix(tool)
                .map(str::trim_start)
                .and_then(|a| a.strip_prefix(':'))
                .is_some_and(|a| a.trim_start().starts_with("noqa"))
        });
        if file_level {
            warnings.push((line, NoqaWarning::Misplaced));
        }
    }
    // File-level exemptions: `# ruff: noqa[: codes]`, `# flake8: noqa[: codes]` (spaces
    // allowed around the colon, as Ruff allows them), only on a line of their own.
    let body = if own_line {
        comment.trim_start_matches('#').trim_start()
    } else {
        ""
    };
    let lower = body.to_ascii_lowercase();
    for tool in ["ruff", "flake8"] {
        let Some(after) = lower
            .strip_prefix(tool)
            .map(str::trim_start)
            .and_then(|a| a.strip_prefix(':'))
        else {
            continue;
        };
        let after_t = after.trim_start();
        if let Some(rest) = after_t.strip_prefix("noqa") {
            let off = body.len() - rest.len();
            let rest = body[off..].trim_start();
            if rest.is_empty() {
                out.push(NoqaDirective {
                    line,
                    code: None,
                    file_level: true,
                });
                return;
            }
            if let Some(codes) = rest.strip_prefix(':') {
                let (codes, malformed) = parse_codes(codes);
                if codes.is_empty() {
                    // Ruff warns and ignores it.
                    warnings.push((line, NoqaWarning::InvalidFileLevel));
                } else if malformed {
                    warnings.push((line, NoqaWarning::MissingOrJoined));
                }
                for c in codes {
                    out.push(NoqaDirective {
                        line,
                        code: Some(c),
                        file_level: true,
                    });
                }
                return;
            }
        }
    }
    // Line directives: any `#` followed by optional whitespace and `noqa`.
    let lower = comment.to_ascii_lowercase();
    for (pos, _) in comment.match_indices('#') {
        let after = &lower[pos + 1..];
        let trimmed = after.trim_start();
        let Some(rest_l) = trimmed.strip_prefix("noqa") else {
            continue;
        };
        let rest = &comment[comment.len() - rest_l.len()..];
        // `# noqa: X` and `# noqa : X` (Ruff allows the space).
        if let Some(codes) = rest.trim_start().strip_prefix(':') {
            let (codes, malformed) = parse_codes(codes.trim_start());
            if codes.is_empty() {
                // `# noqa: <not a code>` is invalid and ignored by Ruff, with a warning.
                warnings.push((line, NoqaWarning::Invalid));
            } else if malformed {
                warnings.push((line, NoqaWarning::MissingOrJoined));
            }
            for c in codes {
                out.push(NoqaDirective {
                    line,
                    code: Some(c),
                    file_level: false,
                });
            }
            return;
        }
        if rest.is_empty() || rest.starts_with(|c: char| c.is_whitespace() || c == '#') {
            out.push(NoqaDirective {
                line,
                code: None,
                file_level: false,
            });
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dirs(c: &str) -> Vec<(Option<String>, bool)> {
        let mut v = Vec::new();
        parse_comment(c, 1, true, &mut v, &mut Vec::new());
        v.into_iter().map(|d| (d.code, d.file_level)).collect()
    }

    fn warned(c: &str) -> Vec<NoqaWarning> {
        let mut w = Vec::new();
        parse_comment(c, 1, true, &mut Vec::new(), &mut w);
        w.into_iter().map(|(_, k)| k).collect()
    }

    #[test]
    fn directives_ruff_warns_about() {
        // As Ruff 0.17.6 parses and warns.
        assert_eq!(
            dirs("# ruff : noqa: F401"),
            vec![(Some("F401".into()), true)]
        );
        assert_eq!(dirs("# ruff : noqa"), vec![(None, true)]);
        assert_eq!(dirs("# noqa : F401"), vec![(Some("F401".into()), false)]);
        assert_eq!(warned("# noqa:"), vec![NoqaWarning::Invalid]);
        assert_eq!(warned("# noqa: F401,,"), vec![NoqaWarning::MissingOrJoined]);
        assert_eq!(dirs("# noqa: F401,,"), vec![(Some("F401".into()), false)]);
        assert_eq!(
            warned("# ruff: noqa: XYZ"),
            vec![NoqaWarning::InvalidFileLevel]
        );
        assert!(warned("# noqa: F401, F811").is_empty());
        assert!(warned("# noqa").is_empty());
        assert!(warned("# noqa F401").is_empty());
        let mut w = Vec::new();
        let mut d = Vec::new();
        parse_comment("# ruff: noqa", 1, false, &mut d, &mut w);
        assert!(d.is_empty());
        assert_eq!(w, vec![(1, NoqaWarning::Misplaced)]);
    }

    #[test]
    fn parses_directives() {
        assert_eq!(dirs("# noqa"), vec![(None, false)]);
        assert_eq!(dirs("#NOQA"), vec![(None, false)]);
        assert_eq!(
            dirs("# noqa: F401,F811"),
            vec![(Some("F401".into()), false), (Some("F811".into()), false)]
        );
        assert_eq!(
            dirs("# noqa:F401 F811"),
            vec![(Some("F401".into()), false), (Some("F811".into()), false)]
        );
        assert_eq!(
            dirs("# type: ignore  # noqa: E501"),
            vec![(Some("E501".into()), false)]
        );
        assert_eq!(dirs("# ruff: noqa"), vec![(None, true)]);
        assert_eq!(dirs("# flake8: noqa"), vec![(None, true)]);
        assert_eq!(
            dirs("# ruff: noqa: F401"),
            vec![(Some("F401".into()), true)]
        );
        assert!(dirs("# noqalike").is_empty());
        assert!(dirs("# noqa:").is_empty());
        assert!(dirs("# noqa: f401").is_empty());
        assert!(dirs("# ruff: noqa: f401").is_empty());
        assert_eq!(
            dirs("# noqa:F401E501"),
            vec![(Some("F401".into()), false), (Some("E501".into()), false)]
        );
        let mut v = Vec::new();
        parse_comment("# ruff: noqa", 1, false, &mut v, &mut Vec::new());
        assert!(v.is_empty());
        assert!(dirs("# a comment").is_empty());
    }
}
