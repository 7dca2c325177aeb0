//! Tree-sitter wrapper: parsing with a time budget, and positions.
//!
//! This layer knows nothing of salsa, SQL or the file system.

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use tree_sitter::{Parser, Tree};

/// Why a file yielded no syntax tree.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ParseFailure {
    /// The parse did not finish within the configured budget.
    Timeout { budget_ms: u64 },
    /// Tree-sitter returned no tree (should not happen for Python).
    NoTree,
}

impl std::fmt::Display for ParseFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseFailure::Timeout { budget_ms } => {
                write!(f, "parse did not finish within the {budget_ms} ms budget")
            }
            ParseFailure::NoTree => write!(f, "tree-sitter produced no tree"),
        }
    }
}

/// Parses Python source with tree-sitter-python, giving up after `budget`.
pub fn parse_python(text: &str, budget: Duration) -> Result<Tree, ParseFailure> {
    thread_local! {
        static PARSER: std::cell::RefCell<Option<Parser>> = const { std::cell::RefCell::new(None) };
    }
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(|| {
            let mut p = Parser::new();
            p.set_language(&tree_sitter_python::LANGUAGE.into())
                .expect("tree-sitter-python is compatible with the linked tree-sitter");
            p
        });
        parser.reset();
        let start = Instant::now();
        let bytes = text.as_bytes();
        let mut timed_out = false;
        let mut progress = |_: &tree_sitter::ParseState| {
            if start.elapsed() > budget {
                timed_out = true;
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let options = tree_sitter::ParseOptions::new().progress_callback(&mut progress);
        let tree = parser.parse_with_options(
            &mut |offset, _| {
                if offset < bytes.len() {
                    &bytes[offset..]
                } else {
                    &[] as &[u8]
                }
            },
            None,
            Some(options),
        );
        match tree {
            Some(t) => Ok(t),
            None if timed_out => {
                parser.reset();
                Err(ParseFailure::Timeout {
                    budget_ms: budget.as_millis() as u64,
                })
            }
            None => Err(ParseFailure::NoTree),
        }
    })
}

/// Converts byte offsets into 1-based line numbers and 1-based character columns
/// (Unicode scalar values, as Ruff reports them).
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<u32>,
    ascii: bool,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        let bytes = text.as_bytes();
        if memchr::memchr(b'\r', bytes).is_none() {
            line_starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i as u32 + 1));
        } else {
            for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
                if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                    line_starts.push(i as u32 + 1);
                }
            }
        }
        LineIndex {
            text,
            line_starts,
            ascii: text.is_ascii(),
        }
    }

    /// Number of lines, counting a final line without newline; an empty file has 0.
    pub fn line_count(&self) -> u32 {
        if self.text.is_empty() {
            return 0;
        }
        let n = self.line_starts.len() as u32;
        if *self.line_starts.last().unwrap() as usize == self.text.len() {
            n - 1
        } else {
            n
        }
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> u32 {
        match self.line_starts.binary_search(&(offset as u32)) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }

    /// Number of line starts recorded (lines `1..=line_count_raw()` have a start; a final
    /// newline records the start of an empty last line).
    pub fn line_count_raw(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset where a 1-based line starts.
    pub fn line_start(&self, line: u32) -> usize {
        self.line_starts
            .get(line.saturating_sub(1) as usize)
            .copied()
            .unwrap_or(self.text.len() as u32) as usize
    }

    /// The byte offset of (1-based line, 1-based character column): the inverse of
    /// [`Self::position`]. A column past the line's end gives the end of the text's line.
    pub fn offset(&self, line: u32, col: u32) -> usize {
        let start = self.line_start(line);
        let rest = &self.text[start..];
        start
            + rest
                .char_indices()
                .nth(col.saturating_sub(1) as usize)
                .map_or(rest.len(), |(i, _)| i)
    }

    /// [`Self::position`] of `start` and of `end` (`start <= end`): a range within one line
    /// of ASCII text costs one line lookup.
    pub fn positions(&self, start: usize, end: usize) -> ((u32, u32), (u32, u32)) {
        let (line, col) = self.position(start);
        let next_line_start = self
            .line_starts
            .get(line as usize)
            .map_or(usize::MAX, |&s| s as usize);
        if self.ascii && start <= end && end < next_line_start {
            return ((line, col), (line, (col as usize + end - start) as u32));
        }
        ((line, col), self.position(end))
    }

    /// (1-based line, 1-based character column) of a byte offset.
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let col = if self.ascii {
            offset - start
        } else {
            let end = offset.min(self.text.len());
            let mut e = end;
            while e > start && !self.text.is_char_boundary(e) {
                e -= 1;
            }
            self.text[start..e].chars().count()
        };
        (line, col as u32 + 1)
    }

    pub fn text(&self) -> &'a str {
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let idx = LineIndex::new("a = 1\nb = 'é' + c\n");
        assert_eq!(idx.position(0), (1, 1));
        assert_eq!(idx.position(6), (2, 1));
        let c = "a = 1\nb = 'é' + c\n".find('c').unwrap();
        assert_eq!(idx.position(c), (2, 11));
        assert_eq!(idx.line_count(), 2);
    }

    #[test]
    fn parses_and_times_out() {
        assert!(parse_python("x = 1\n", Duration::from_secs(5)).is_ok());
        let big = "x = (1 +\n".to_string() + &"f(a, b, c)\n".repeat(200_000);
        let r = parse_python(&big, Duration::from_nanos(1));
        assert!(matches!(r, Err(ParseFailure::Timeout { .. })));
    }
}
