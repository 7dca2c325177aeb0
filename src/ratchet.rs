//! The ratchet's finding identities and baseline (docs/ratchet.md). Pure: no files, no SQL.
//!
//! A finding is (rule, path, anchor, ordinal), never its line: the anchor is the qualified
//! name of the enclosing function or class and a rule-specific key (the name a message
//! quotes, the normalised import text, a hash of the flagged line's text), the ordinal
//! counts equal (rule, path, anchor) in source order.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};

/// The rule-specific part of an anchor, from what is known of a finding when it is stored.
/// `line_text` is the flagged line's text (when the file could be read).
pub fn anchor_key(code: &str, message: &str, line_text: Option<&str>) -> String {
    let quoted = || {
        message
            .split('`')
            .nth(1)
            .filter(|q| !q.is_empty())
            .map(str::to_string)
    };
    let text_hash = || match line_text {
        Some(t) => format!(
            "h:{}",
            &blake3::hash(normalise(t).as_bytes()).to_hex()[..12]
        ),
        None => format!("m:{}", &blake3::hash(message.as_bytes()).to_hex()[..12]),
    };
    match code {
        // The name the message quotes: `x` of "Undefined name `x`", "`os` imported but unused",
        // "Redefinition of unused `x` from line 3" (the line number stays out).
        "F401" | "F405" | "F811" | "F821" | "F822" | "F403" => quoted().unwrap_or_else(text_hash),
        // The import as written, whitespace normalised.
        "TID252" => match line_text {
            Some(t) => normalise(t),
            None => quoted().unwrap_or_else(text_hash),
        },
        // The enclosing scope says it all.
        "F706" | "E902" => String::new(),
        // Syntax errors and every rule ingested from Ruff: the flagged line's text.
        _ => text_hash(),
    }
}

/// Whether [`anchor_key`] reads the flagged line's text for this rule.
pub fn needs_line_text(code: &str) -> bool {
    !matches!(
        code,
        "F401" | "F405" | "F811" | "F821" | "F822" | "F403" | "F706" | "E902"
    )
}

/// The innermost function or class around `line`: `spans` are (first line, last line,
/// qualified name) of a file's functions and classes; `""` at module level.
pub fn enclosing_scope(spans: &[(i64, i64, String)], line: i64) -> &str {
    spans
        .iter()
        .filter(|(a, b, _)| *a <= line && line <= *b)
        .max_by_key(|(a, _, q)| (*a, q.len()))
        .map_or("", |(_, _, q)| q.as_str())
}

/// Whitespace collapsed to single spaces, trimmed.
fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One current finding, with what identifies it and where it is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Current {
    pub code: String,
    pub path: String,
    /// `scope|key` (see [`identity`]).
    pub anchor: String,
    pub line: i64,
    pub col: i64,
    pub message: String,
    pub source: String,
}

/// `scope|key`: the anchor a baseline stores.
pub fn identity(scope: &str, key: &str) -> String {
    format!("{scope}|{key}")
}

/// The committed baseline (`codefacts-baseline.json`): per file and rule, the count and the
/// identities (anchor, with `#k` for the k-th equal one), sorted; no lines, no messages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    /// The format's version.
    pub codefacts_baseline: u32,
    /// The rules the ratchet tracks (empty: every rule).
    #[serde(default)]
    pub tracked: Vec<String>,
    /// The commit the baseline was written at, to follow renames since (`git diff -M`).
    #[serde(default)]
    pub commit: Option<String>,
    pub files: BTreeMap<String, BTreeMap<String, Entry>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub count: usize,
    pub ids: Vec<String>,
}

pub const FORMAT: u32 = 1;

impl Baseline {
    /// The baseline of `findings` (only tracked rules).
    pub fn of(findings: &[Current], tracked: &[String], commit: Option<String>) -> Baseline {
        let mut files: BTreeMap<String, BTreeMap<String, Entry>> = BTreeMap::new();
        for (f, id) in findings.iter().zip(ordinal_ids(findings)) {
            if !is_tracked(tracked, &f.code) {
                continue;
            }
            let e = files
                .entry(f.path.clone())
                .or_default()
                .entry(f.code.clone())
                .or_default();
            e.ids.push(id);
            e.count += 1;
        }
        for rules in files.values_mut() {
            for e in rules.values_mut() {
                e.ids.sort();
            }
        }
        Baseline {
            codefacts_baseline: FORMAT,
            tracked: tracked.to_vec(),
            commit,
            files,
        }
    }

    pub fn parse(text: &str) -> Result<Baseline> {
        let b: Baseline = serde_json::from_str(text)?;
        if b.codefacts_baseline != FORMAT {
            bail!(
                "baseline format {} is not the one this codefacts writes ({FORMAT})",
                b.codefacts_baseline
            );
        }
        for (path, rules) in &b.files {
            for (code, e) in rules {
                if e.count != e.ids.len() {
                    bail!(
                        "{path} {code}: count {} but {} identities (edited by hand? `--update` rewrites it)",
                        e.count,
                        e.ids.len()
                    );
                }
            }
        }
        Ok(b)
    }

    /// Stable text: keys sorted, two-space indents, a final newline.
    pub fn to_text(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

pub fn is_tracked(tracked: &[String], code: &str) -> bool {
    tracked.is_empty() || tracked.iter().any(|t| t == code)
}

/// Each finding's identity with its ordinal among equal (rule, path, anchor), in the order
/// given (source order): `anchor`, then `anchor#2`, `anchor#3`, ...
fn ordinal_ids(findings: &[Current]) -> Vec<String> {
    let mut seen: BTreeMap<(&str, &str, &str), usize> = BTreeMap::new();
    findings
        .iter()
        .map(|f| {
            let k = seen
                .entry((&f.code, &f.path, &f.anchor))
                .and_modify(|n| *n += 1)
                .or_insert(1);
            if *k == 1 {
                f.anchor.clone()
            } else {
                format!("{}#{k}", f.anchor)
            }
        })
        .collect()
}

/// The anchor of a stored identity (without its `#k`).
fn anchor_of(id: &str) -> &str {
    match id.rsplit_once('#') {
        Some((a, k)) if !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()) => a,
        _ => id,
    }
}

/// What comparing the current findings with a baseline found.
#[derive(Debug, Default)]
pub struct Comparison {
    /// Indexes into the current findings that the baseline does not hold.
    pub new: Vec<usize>,
    /// (path, rule, anchor) of baseline findings that are gone.
    pub fixed: Vec<(String, String, String)>,
    /// How many current findings were matched only by following a move or rename.
    pub moved: usize,
}

/// Matches current findings (tracked rules only) against the baseline: first per (path,
/// rule, anchor) as multisets (the ordinal only orders equal ones), with `renames` (old path
/// -> new path) applied to the baseline; then what is left, per (rule, anchor) across files
/// (a function moved to another file, a rename git did not see).
pub fn compare(
    current: &[Current],
    baseline: &Baseline,
    tracked: &[String],
    renames: &BTreeMap<String, String>,
) -> Comparison {
    // Baseline: (path, rule, anchor) -> count.
    let mut base: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for (path, rules) in &baseline.files {
        let path = renames.get(path).unwrap_or(path);
        for (code, e) in rules {
            if !is_tracked(tracked, code) {
                continue;
            }
            for id in &e.ids {
                *base
                    .entry((path.clone(), code.clone(), anchor_of(id).to_string()))
                    .or_default() += 1;
            }
        }
    }
    let mut unmatched: Vec<usize> = Vec::new();
    for (i, f) in current.iter().enumerate() {
        if !is_tracked(tracked, &f.code) {
            continue;
        }
        let key = (f.path.clone(), f.code.clone(), f.anchor.clone());
        match base.get_mut(&key) {
            Some(n) if *n > 0 => *n -= 1,
            _ => unmatched.push(i),
        }
    }
    // Left in the baseline, per (rule, anchor), for matching across files.
    let mut left: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for ((path, code, anchor), n) in &base {
        for _ in 0..*n {
            left.entry((code.clone(), anchor.clone()))
                .or_default()
                .push(path.clone());
        }
    }
    let mut out = Comparison::default();
    for i in unmatched {
        let f = &current[i];
        match left.get_mut(&(f.code.clone(), f.anchor.clone())) {
            Some(paths) if !paths.is_empty() => {
                paths.remove(0);
                out.moved += 1;
            }
            _ => out.new.push(i),
        }
    }
    for ((code, anchor), paths) in left {
        for p in paths {
            out.fixed.push((p, code.clone(), anchor.clone()));
        }
    }
    out.fixed.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(code: &str, path: &str, scope: &str, message: &str, line: i64) -> Current {
        Current {
            code: code.into(),
            path: path.into(),
            anchor: identity(scope, &anchor_key(code, message, None)),
            line,
            col: 1,
            message: message.into(),
            source: "codefacts".into(),
        }
    }

    #[test]
    fn anchors_hold_the_quoted_name_and_never_the_line() {
        assert_eq!(anchor_key("F821", "Undefined name `foo`", None), "foo");
        assert_eq!(
            anchor_key("F811", "Redefinition of unused `x` from line 3", None),
            anchor_key("F811", "Redefinition of unused `x` from line 90", None)
        );
        assert_eq!(
            anchor_key(
                "TID252",
                "Prefer absolute imports",
                Some("from  .x import   y")
            ),
            "from .x import y"
        );
        assert_eq!(
            anchor_key(
                "F706",
                "`return` statement outside of a function/method",
                None
            ),
            ""
        );
        let a = anchor_key("E501", "Line too long (120 > 88)", Some("    x = 1   "));
        assert_eq!(
            a,
            anchor_key("E501", "Line too long (121 > 88)", Some("x = 1"))
        );
        assert!(a.starts_with("h:"));
    }

    #[test]
    fn lines_moving_and_files_moving_change_nothing_a_swap_of_names_is_new() {
        let before = vec![
            f("F821", "a.py", "run", "Undefined name `foo`", 3),
            f("F821", "a.py", "run", "Undefined name `foo`", 5),
            f("F401", "a.py", "", "`os` imported but unused", 1),
        ];
        let base = Baseline::of(&before, &[], None);
        assert_eq!(base.files["a.py"]["F821"].ids, ["run|foo", "run|foo#2"]);
        let none = BTreeMap::new();
        // Lines inserted above: same identities.
        let shifted: Vec<Current> = before
            .iter()
            .cloned()
            .map(|mut c| {
                c.line += 10;
                c
            })
            .collect();
        let c = compare(&shifted, &base, &[], &none);
        assert!(c.new.is_empty() && c.fixed.is_empty());
        // The function moved to another file: matched across files.
        let moved = vec![
            f("F821", "b.py", "run", "Undefined name `foo`", 3),
            f("F821", "b.py", "run", "Undefined name `foo`", 5),
            f("F401", "a.py", "", "`os` imported but unused", 1),
        ];
        let c = compare(&moved, &base, &[], &none);
        assert!(c.new.is_empty() && c.fixed.is_empty(), "{c:?}");
        assert_eq!(c.moved, 2);
        // One F821 fixed, another added in the same file: the new one is new.
        let swapped = vec![
            f("F821", "a.py", "run", "Undefined name `foo`", 3),
            f("F821", "a.py", "run", "Undefined name `bar`", 5),
            f("F401", "a.py", "", "`os` imported but unused", 1),
        ];
        let c = compare(&swapped, &base, &[], &none);
        assert_eq!(c.new, [1]);
        assert_eq!(
            c.fixed,
            [(
                "a.py".to_string(),
                "F821".to_string(),
                "run|foo".to_string()
            )]
        );
        // Only tracked rules count.
        let c = compare(&swapped, &base, &["F401".to_string()], &none);
        assert!(c.new.is_empty() && c.fixed.is_empty());
    }

    #[test]
    fn renames_map_baseline_paths_and_the_text_round_trips() {
        let before = vec![f("F401", "old.py", "", "`os` imported but unused", 1)];
        let base = Baseline::of(&before, &[], Some("abc".into()));
        let text = base.to_text();
        assert!(!text.contains("\"line\""));
        assert_eq!(Baseline::parse(&text).unwrap(), base);
        let now = vec![f("F401", "new.py", "", "`os` imported but unused", 1)];
        let renames: BTreeMap<String, String> =
            [("old.py".to_string(), "new.py".to_string())].into();
        let c = compare(&now, &base, &[], &renames);
        assert!(c.new.is_empty() && c.fixed.is_empty() && c.moved == 0);
        assert!(Baseline::parse("{\"codefacts_baseline\": 7, \"files\": {}}").is_err());
        let mut bad = base.clone();
        bad.files
            .get_mut("old.py")
            .unwrap()
            .get_mut("F401")
            .unwrap()
            .count = 3;
        assert!(Baseline::parse(&bad.to_text()).is_err());
    }
}
