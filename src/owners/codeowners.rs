//! CODEOWNERS with GitHub's semantics, written by hand (docs/ownership.md says why no crate).
//!
//! * Each line is a pattern and its owners (`@user`, `@org/team`, an email); `#` starts a
//!   comment (at the start of a line, or a token of its own after whitespace).
//! * **The last matching pattern wins.** A pattern with no owners makes what it matches
//!   explicitly unowned, which is not the same as no pattern matching.
//! * `foo` (one segment, no slash) matches a file or folder named `foo` at any depth;
//!   `/foo` only at the root; a pattern with a slash anywhere but its end is anchored to the
//!   root (`foo/bar` does not match `x/foo/bar`); `foo/` matches folders only.
//! * `*` matches within one path segment, `?` one character, `**` any number of segments
//!   (a trailing `/**` at least one, `/**/` zero or more); `\` escapes the next character. A pattern that matches
//!   a folder matches everything under it, except one ending in a lone `*` (`docs/*` owns the
//!   files directly in `docs/`, not `docs/a/b.md`), as GitHub documents.
//! * Paths are case-sensitive. `[`, `]` are literal (GitHub does not support ranges).
//! * Lines GitHub rejects (negation `!`, an owner that is not `@name`, `@org/team` or an
//!   email) are kept as invalid lines with their number and the reason; the other lines
//!   still apply.

/// One token of a path segment's glob.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Lit(char),
    /// `*`: any run of characters within the segment.
    Star,
    /// `?`: one character.
    One,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    /// `**`: zero or more segments (one or more at the end of the pattern).
    Any,
    Glob(Vec<Tok>),
}

/// A compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    segs: Vec<Seg>,
    dir_only: bool,
    /// The last segment is a lone `*`: matches the path itself, never a folder above it.
    files_only: bool,
}

/// A valid line: its pattern and owners.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// 1-based line number in the CODEOWNERS file.
    pub line: u32,
    pub pattern: String,
    /// As written; empty: explicitly unowned.
    pub owners: Vec<String>,
    compiled: Pattern,
}

/// A line GitHub would reject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub line: u32,
    pub text: String,
    pub error: String,
}

/// A parsed CODEOWNERS file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeOwners {
    pub rules: Vec<Rule>,
    pub invalid: Vec<Invalid>,
}

/// Splits a line into tokens at unescaped whitespace, dropping a comment (a token that starts
/// with an unescaped `#`). Escapes are kept in the tokens (the pattern compiler reads them).
fn tokens(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cur.push('\\');
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            c if c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            '#' if cur.is_empty() => break,
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn valid_owner(o: &str) -> bool {
    let name_ok = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    if let Some(rest) = o.strip_prefix('@') {
        return match rest.split_once('/') {
            Some((org, team)) => name_ok(org) && name_ok(team),
            None => name_ok(rest),
        };
    }
    // An email: something@domain.tld, no spaces.
    match o.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
        }
        None => false,
    }
}

fn glob(seg: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut chars = seg.chars();
    while let Some(c) = chars.next() {
        out.push(match c {
            '\\' => Tok::Lit(chars.next().unwrap_or('\\')),
            '*' => Tok::Star,
            '?' => Tok::One,
            c => Tok::Lit(c),
        });
    }
    // `**` inside a segment (`a**b`) is two stars: the same as one.
    out.dedup_by(|a, b| *a == Tok::Star && *b == Tok::Star);
    out
}

/// Compiles a pattern, or says why GitHub would reject it.
pub fn compile(pattern: &str) -> Result<Pattern, String> {
    if pattern.starts_with('!') {
        return Err("negation (`!`) is not supported in CODEOWNERS".into());
    }
    let mut p = pattern;
    let dir_only = p.ends_with('/') && !p.ends_with("\\/");
    if dir_only {
        p = &p[..p.len() - 1];
    }
    let rooted = p.starts_with('/');
    if rooted {
        p = &p[1..];
    }
    if p.is_empty() {
        // `/` alone: the root folder, i.e. everything.
        return Ok(Pattern {
            segs: vec![Seg::Any],
            dir_only: false,
            files_only: false,
        });
    }
    let parts: Vec<&str> = p.split('/').collect();
    if parts.iter().any(|s| s.is_empty()) {
        return Err(format!("`{pattern}` has an empty path segment"));
    }
    let anchored = rooted || parts.len() > 1;
    let mut segs: Vec<Seg> = Vec::new();
    if !anchored {
        segs.push(Seg::Any);
    }
    for part in &parts {
        segs.push(if *part == "**" {
            Seg::Any
        } else {
            Seg::Glob(glob(part))
        });
    }
    let files_only = !dir_only && parts.last() == Some(&"*") && anchored;
    Ok(Pattern {
        segs,
        dir_only,
        files_only,
    })
}

/// `*`/`?` glob of one segment against one path segment.
fn glob_match(toks: &[Tok], s: &[char]) -> bool {
    // Classic two-pointer wildcard match with backtracking to the last star.
    let (mut t, mut i) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while i < s.len() {
        match toks.get(t) {
            Some(Tok::Lit(c)) if *c == s[i] => {
                t += 1;
                i += 1;
            }
            Some(Tok::One) => {
                t += 1;
                i += 1;
            }
            Some(Tok::Star) => {
                star = Some((t, i));
                t += 1;
            }
            _ => match star {
                Some((st, si)) => {
                    t = st + 1;
                    i = si + 1;
                    star = Some((st, si + 1));
                }
                None => return false,
            },
        }
    }
    toks[t..].iter().all(|k| *k == Tok::Star)
}

impl Pattern {
    /// Whether the pattern matches exactly these path segments (no folder-prefix rule).
    fn matches_exactly(&self, path: &[Vec<char>]) -> bool {
        let (m, n) = (self.segs.len(), path.len());
        // ok[i][j]: segs[i..] matches path[j..].
        let mut ok = vec![vec![false; n + 1]; m + 1];
        ok[m][n] = true;
        for i in (0..m).rev() {
            // `foo/**` needs something under `foo`; `foo/**/` is `foo` and every folder below.
            let last = i == m - 1 && !self.dir_only;
            for j in (0..=n).rev() {
                ok[i][j] = match &self.segs[i] {
                    // A trailing `**` needs at least one segment; elsewhere zero or more.
                    Seg::Any => (j..=n).filter(|k| !(last && *k == j)).any(|k| ok[i + 1][k]),
                    Seg::Glob(t) => j < n && glob_match(t, &path[j]) && ok[i + 1][j + 1],
                };
            }
        }
        ok[0][0]
    }

    /// Whether the pattern matches the file at `path` (repo-relative, `/`-separated): the file
    /// itself, or a folder it is in.
    pub fn matches(&self, path: &str) -> bool {
        let is_dir = path.ends_with('/');
        let segs: Vec<Vec<char>> = path
            .trim_end_matches('/')
            .split('/')
            .map(|s| s.chars().collect())
            .collect();
        let n = segs.len();
        (1..=n).any(|k| {
            let folder = k < n || is_dir;
            if self.dir_only && !folder {
                return false;
            }
            if self.files_only && k < n {
                return false;
            }
            self.matches_exactly(&segs[..k])
        })
    }
}

/// Parses a CODEOWNERS file: every valid rule in order, and the lines GitHub would reject.
pub fn parse(text: &str) -> CodeOwners {
    let mut out = CodeOwners::default();
    for (i, raw) in text.lines().enumerate() {
        let line = i as u32 + 1;
        let toks = tokens(raw);
        let Some((pattern, owners)) = toks.split_first() else {
            continue;
        };
        let invalid = |error: String| Invalid {
            line,
            text: raw.trim().to_string(),
            error,
        };
        if let Some(bad) = owners.iter().find(|o| !valid_owner(o)) {
            out.invalid.push(invalid(format!(
                "`{bad}` is not an owner (@user, @org/team or an email)"
            )));
            continue;
        }
        match compile(pattern) {
            Ok(compiled) => out.rules.push(Rule {
                line,
                pattern: pattern.clone(),
                owners: owners.to_vec(),
                compiled,
            }),
            Err(e) => out.invalid.push(invalid(e)),
        }
    }
    out
}

impl CodeOwners {
    /// The rule that decides the path: the last one that matches.
    pub fn rule_for(&self, path: &str) -> Option<&Rule> {
        self.rules.iter().rev().find(|r| r.compiled.matches(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (pattern, path, matches): our own conformance table, written from GitHub's documented
    /// semantics, with the cases hmarr/codeowners' corpus (testdata/patterns.json) exercises.
    const CASES: &[(&str, &str, bool)] = &[
        // One segment: any depth, and everything under it.
        ("foo", "foo", true),
        ("foo", "foo.txt", false),
        ("foo", "foo/bar", true),
        ("foo", "bar/foo", true),
        ("foo", "bar/foo/baz", true),
        ("foo", "bar/baz", false),
        ("foo", "Foo", false),
        // Rooted.
        ("/foo", "foo/bar/baz", true),
        ("/foo", "bar/foo", false),
        ("/foo", "fool.txt", false),
        // Folders only.
        ("foo/", "foo", false),
        ("foo/", "foo/bar", true),
        ("foo/", "bar/foo/baz/qux", true),
        ("/foo/", "bar/foo/baz", false),
        ("/foo/", "foo/bar/baz", true),
        // Several segments: anchored to the root.
        ("foo/bar", "foo/bar", true),
        ("foo/bar", "foo/bar/baz", true),
        ("foo/bar", "foo/bart", false),
        ("foo/bar", "baz/foo/bar", false),
        ("foo/bar/", "foo/bar", false),
        ("foo/bar/", "foo/bar/baz", true),
        ("/foo/bar/", "foo/bar/baz/qux", true),
        // Wildcards.
        ("*", "foo", true),
        ("*", "bar/foo/baz", true),
        ("f*", "bar/foo/baz", true),
        ("f*", "xfoo", false),
        ("/*", "foo", true),
        ("/*", "foo/bar", false),
        ("/f*", "foo/bar/baz", true),
        ("/f*", "bar/foo", false),
        ("f*/", "foo", false),
        ("f*/", "bar/foo/baz", true),
        ("/*/", "foo", false),
        ("/*/", "bar/foo/baz", true),
        ("/f*/", "bar/foo/baz", false),
        ("foo/*", "foo/bar", true),
        ("foo/*", "foo/bar/baz", false),
        ("foo/*", "foo", false),
        ("foo/*.txt", "foo/bar.txt", true),
        ("foo/*.txt", "foo/bar/baz.txt", false),
        ("foo/*.txt", "qux/foo/bar.txt", false),
        ("foo/*/baz", "foo/bar/baz", true),
        ("foo/*/baz", "foo/bar/baz/qux", true),
        ("foo/*/baz", "foo/baz", false),
        ("f?o", "foo", true),
        ("f?o", "fo", false),
        ("f?o", "fooo", false),
        ("*.py", "a/b/c.py", true),
        ("*.py", "a/b/c.pyi", false),
        // Escapes and literal brackets.
        ("f\\*o", "f*o", true),
        ("f\\*o", "foo", false),
        ("f\\?o", "f?o", true),
        ("f\\?o", "foo", false),
        ("/apps/[param]/file.ts", "apps/[param]/file.ts", true),
        ("/apps/[param]/file.ts", "apps/p/file.ts", false),
        ("a:b^c", "x/a:b^c", true),
        // Double stars.
        ("**/foo/bar", "foo/bar", true),
        ("**/foo/bar", "qux/foo/bar/baz", true),
        ("**/foo/bar", "foo/baz/bar", false),
        ("**/*bar*", "foo/qux/bar", true),
        ("**/*bar*", "foo/barrio", true),
        ("foo/bar/**", "foo/bar", false),
        ("foo/bar/**", "foo/bar/baz/qux", true),
        ("foo/bar/**", "qux/foo/bar/baz", false),
        ("foo/**/bar", "foo/bar", true),
        ("foo/**/bar", "foo/qux/quux/bar/baz", true),
        ("foo/**/bar", "qux/foo/bar", false),
        ("foo/**/", "foo", false),
        ("foo/**/", "foo/bar", true),
        ("foo/**/bar/b*", "foo/bar/baz", true),
        ("foo/**/bar/b*", "foo/qux/bar/qux", false),
        ("foo/**/bar/b*", "foo/bar", false),
        ("/", "anything/at/all.py", true),
    ];

    #[test]
    fn patterns_match_as_github_documents() {
        let mut failures = Vec::new();
        for (pattern, path, want) in CASES {
            let got = compile(pattern).unwrap().matches(path);
            if got != *want {
                failures.push(format!("{pattern:?} vs {path:?}: got {got}, want {want}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn the_last_match_wins_and_unowned_is_not_unmatched() {
        let co = parse(
            "# comment\n* @everyone\n/core/ @core-team @alice # inline\n/core/vendor/\n\
             \n/labs/ @labs\n",
        );
        assert!(co.invalid.is_empty(), "{:?}", co.invalid);
        assert_eq!(co.rule_for("x.py").unwrap().owners, ["@everyone"]);
        let core = co.rule_for("core/a/b.py").unwrap();
        assert_eq!((core.line, core.owners.len()), (3, 2));
        let vendor = co.rule_for("core/vendor/x.py").unwrap();
        assert_eq!(vendor.line, 4);
        assert!(vendor.owners.is_empty(), "explicitly unowned");
        let only_labs = parse("/labs/ @labs\n");
        assert!(only_labs.rule_for("core/a.py").is_none(), "no rule matched");
    }

    #[test]
    fn invalid_lines_are_reported_with_their_number_and_the_rest_applies() {
        let co = parse("/a/ @ok\n!/b/ @x\n/c/ not-an-owner\n[Section]\n/d/ me@example.com\n");
        let lines: Vec<u32> = co.invalid.iter().map(|i| i.line).collect();
        assert_eq!(lines, [2, 3]);
        assert!(co.invalid[0].error.contains("negation"));
        assert!(co.invalid[1].error.contains("not-an-owner"));
        // `[Section]` alone is a literal pattern with no owners, as GitHub reads it.
        assert_eq!(co.rule_for("d/x.py").unwrap().owners, ["me@example.com"]);
        assert_eq!(co.rule_for("a/x.py").unwrap().owners, ["@ok"]);
    }

    #[test]
    fn escaped_spaces_and_hashes_belong_to_the_pattern() {
        let co = parse("/my\\ dir/ @a\n\\#notes @b\n");
        assert!(co.invalid.is_empty(), "{:?}", co.invalid);
        assert_eq!(co.rule_for("my dir/x.py").unwrap().owners, ["@a"]);
        assert_eq!(co.rule_for("#notes").unwrap().owners, ["@b"]);
    }
}
