//! A fallback for a tree-sitter limitation: lines inside brackets that are indented less than
//! the enclosing block (`(bar.\n    baz)` dedented) break the external scanner, although
//! Python ignores indentation inside brackets. [`flatten_brackets`] blanks every newline and
//! comment inside brackets (outside strings), keeping every byte offset, so a reparse of the
//! result yields a tree whose ranges are valid in the original text.

/// Returns the flattened text, or `None` when nothing inside brackets needed blanking.
pub fn flatten_brackets(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut depth = 0usize;
    let mut changed = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'#' => {
                let start = i;
                while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
                if depth > 0 {
                    for o in &mut out[start..i] {
                        *o = b' ';
                    }
                    changed = true;
                }
                continue;
            }
            b'\'' | b'"' => {
                let triple = i + 2 < b.len() && b[i + 1] == c && b[i + 2] == c;
                i += if triple { 3 } else { 1 };
                while i < b.len() {
                    // A backslash keeps the next character in the string (raw strings too).
                    if b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if triple {
                        if i + 2 < b.len() && b[i] == c && b[i + 1] == c && b[i + 2] == c {
                            i += 3;
                            break;
                        }
                    } else if b[i] == c {
                        i += 1;
                        break;
                    } else if b[i] == b'\n' {
                        break;
                    }
                    i += 1;
                }
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' | b'\r' if depth > 0 => {
                out[i] = b' ';
                changed = true;
            }
            _ => {}
        }
        i += 1;
    }
    if !changed {
        return None;
    }
    // Only ASCII bytes were replaced by ASCII spaces: still valid UTF-8.
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_newlines_and_comments_inside_brackets_only() {
        let src = "x = (a  # c\n  b)\ny = '(' \nz = \"\"\"(\n\"\"\"\n";
        let flat = flatten_brackets(src).unwrap();
        assert_eq!(flat.len(), src.len());
        assert_eq!(flat, "x = (a        b)\ny = '(' \nz = \"\"\"(\n\"\"\"\n");
    }
}
