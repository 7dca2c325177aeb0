//! Discovery and decoding: the only code that reads the repository's source files.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::UNIX_EPOCH;

use crate::config::{Config, Matchers};

/// A Python file found under the root, with the cheap `stat` facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    /// Repo-relative path with `/` separators.
    pub rel: String,
    pub abs: PathBuf,
    pub size: u64,
    /// Modification time in nanoseconds since the epoch (0 when unknown).
    pub mtime_ns: i64,
}

/// A problem with one path that does not stop the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

fn rel_path(root: &Path, p: &Path) -> Option<String> {
    let rel = p.strip_prefix(root).ok()?;
    let mut out = String::new();
    for (i, c) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&c.as_os_str().to_string_lossy());
    }
    Some(out)
}

pub fn mtime_ns(md: &std::fs::Metadata) -> i64 {
    md.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

/// Walks `config.root`, honouring `.gitignore`/`.ignore` files and the configured excludes.
/// Returns the `.py`/`.pyi` files sorted by path, and the warnings met on the way.
pub fn discover(config: &Config, matchers: &Arc<Matchers>) -> (Vec<Discovered>, Vec<Warning>) {
    let root = config.root.clone();
    let found = Mutex::new(Vec::new());
    let warnings = Mutex::new(Vec::new());
    let walker = ignore::WalkBuilder::new(&root)
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .ignore(true)
        .parents(true)
        .require_git(false)
        .follow_links(true)
        .threads(2)
        .filter_entry({
            let root = root.clone();
            let matchers = Arc::clone(matchers);
            move |entry| {
                if entry.depth() == 0 {
                    return true;
                }
                let name = entry.file_name().to_string_lossy();
                let rel = rel_path(&root, entry.path()).unwrap_or_default();
                !matchers.is_excluded(&rel, &name)
            }
        })
        .build_parallel();
    walker.run(|| {
        let root = &root;
        let found = &found;
        let warnings = &warnings;
        Box::new(move |result| {
            match result {
                Ok(entry) => {
                    let is_file = entry.file_type().map(|t| t.is_file()).unwrap_or(false);
                    if !is_file {
                        return ignore::WalkState::Continue;
                    }
                    let path = entry.path();
                    let ext = path.extension().and_then(|e| e.to_str());
                    if !matches!(ext, Some("py") | Some("pyi")) {
                        return ignore::WalkState::Continue;
                    }
                    let Some(rel) = rel_path(root, path) else {
                        return ignore::WalkState::Continue;
                    };
                    match entry.metadata() {
                        Ok(md) => found.lock().unwrap().push(Discovered {
                            rel,
                            abs: path.to_path_buf(),
                            size: md.len(),
                            mtime_ns: mtime_ns(&md),
                        }),
                        Err(e) => warnings.lock().unwrap().push(Warning {
                            path: rel,
                            message: format!("cannot stat: {e}"),
                        }),
                    }
                }
                Err(err) => {
                    let path = walk_error_path(&err)
                        .and_then(|p| rel_path(root, &p))
                        .unwrap_or_default();
                    warnings.lock().unwrap().push(Warning {
                        path,
                        message: walk_error_message(&err),
                    });
                }
            }
            ignore::WalkState::Continue
        })
    });
    let mut found = found.into_inner().unwrap();
    found.sort_by(|a, b| a.rel.cmp(&b.rel));
    found.dedup_by(|a, b| a.rel == b.rel);
    let mut warnings = warnings.into_inner().unwrap();
    warnings.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    (found, warnings)
}

fn walk_error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } => walk_error_path(err),
        ignore::Error::WithLineNumber { err, .. } => walk_error_path(err),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

fn walk_error_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. } => walk_error_message(err),
        ignore::Error::WithDepth { err, .. } => walk_error_message(err),
        ignore::Error::Loop { ancestor, .. } => {
            format!(
                "symlink loop (points back to {}); skipped",
                ancestor.display()
            )
        }
        ignore::Error::Io(e) => format!("{}; skipped", io_message(e)),
        other => format!("{other}; skipped"),
    }
}

pub fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "vanished during the run".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// The raw bytes of a file, read once.
pub fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    std::fs::read(path)
}

/// Content hash of raw bytes (hex, 32 chars).
pub fn content_hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..32].to_string()
}

/// The outcome of decoding a file's bytes into text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// `utf-8`, `utf-8-sig`, or the declared coding as normalised (`latin-1`, `windows-1252`, ...).
    pub encoding: String,
    pub text: Result<String, String>,
}

/// Decodes Python source: UTF-8 with or without BOM, or the PEP 263 coding cookie's encoding.
pub fn decode(bytes: &[u8]) -> Decoded {
    let (bom, body) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    let cookie = coding_cookie(body);
    let utf8 = |encoding: &str| match std::str::from_utf8(body) {
        Ok(s) => Decoded {
            encoding: encoding.to_string(),
            text: Ok(s.to_string()),
        },
        Err(e) => {
            let at = e.valid_up_to();
            let line = body[..at].iter().filter(|b| **b == b'\n').count() + 1;
            Decoded {
                encoding: encoding.to_string(),
                text: Err(format!(
                    "invalid {encoding} at byte {at} (line {line}) and no coding cookie declares another encoding"
                )),
            }
        }
    };
    let Some(cookie) = cookie else {
        return utf8(if bom { "utf-8-sig" } else { "utf-8" });
    };
    let norm = cookie.to_ascii_lowercase().replace('_', "-");
    if matches!(norm.as_str(), "utf-8" | "utf8" | "utf-8-sig" | "u8") || norm.starts_with("utf-8-")
    {
        return utf8(if bom { "utf-8-sig" } else { "utf-8" });
    }
    if bom {
        return Decoded {
            encoding: norm,
            text: Err(format!(
                "UTF-8 byte order mark together with coding cookie `{cookie}`"
            )),
        };
    }
    if matches!(
        norm.as_str(),
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" | "iso-latin-1" | "8859" | "cp819"
    ) {
        // ISO-8859-1 maps every byte to the code point of the same value.
        return Decoded {
            encoding: "latin-1".into(),
            text: Ok(body.iter().map(|&b| b as char).collect()),
        };
    }
    if norm == "ascii" || norm == "us-ascii" {
        return match body.iter().position(|b| !b.is_ascii()) {
            None => Decoded {
                encoding: "ascii".into(),
                text: Ok(String::from_utf8_lossy(body).into_owned()),
            },
            Some(at) => Decoded {
                encoding: "ascii".into(),
                text: Err(format!("non-ASCII byte at {at} in a file declared ascii")),
            },
        };
    }
    let candidates = [
        norm.clone(),
        norm.replacen("iso8859", "iso-8859", 1),
        norm.replacen("cp", "windows-", 1),
    ];
    for label in &candidates {
        if let Some(enc) = encoding_rs::Encoding::for_label(label.as_bytes()) {
            let (text, had_errors) = enc.decode_without_bom_handling(body);
            return Decoded {
                encoding: enc.name().to_ascii_lowercase(),
                text: if had_errors {
                    Err(format!(
                        "bytes not valid in the declared encoding `{cookie}`"
                    ))
                } else {
                    Ok(text.into_owned())
                },
            };
        }
    }
    Decoded {
        encoding: norm,
        text: Err(format!("unknown encoding `{cookie}` in coding cookie")),
    }
}

/// The PEP 263 coding cookie of the first or second line, if any.
fn coding_cookie(body: &[u8]) -> Option<String> {
    let mut lines = body.split(|b| *b == b'\n');
    for idx in 0..2 {
        let line = lines.next()?;
        let trimmed: &[u8] = {
            let mut i = 0;
            while i < line.len() && matches!(line[i], b' ' | b'\t' | b'\x0c') {
                i += 1;
            }
            &line[i..]
        };
        if trimmed.first() != Some(&b'#') {
            // PEP 263: a cookie on line 2 counts only when line 1 is blank or a comment.
            if idx == 0 && !trimmed.iter().all(|b| b.is_ascii_whitespace()) {
                return None;
            }
            continue;
        }
        let s = String::from_utf8_lossy(trimmed);
        if let Some(pos) = s.find("coding") {
            let rest = &s[pos + 6..];
            if let Some(rest) = rest.strip_prefix([':', '=']) {
                let name: String = rest
                    .trim_start_matches([' ', '\t'])
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                    .collect();
                if !name.is_empty() {
                    return Some(name);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_bom_and_cookies() {
        assert_eq!(decode(b"x = 1\n").text.unwrap(), "x = 1\n");
        let d = decode(b"\xEF\xBB\xBFx = 1\n");
        assert_eq!(d.encoding, "utf-8-sig");
        assert_eq!(d.text.unwrap(), "x = 1\n");
        let d = decode(b"# -*- coding: latin-1 -*-\nNAME = '\xe9t\xe9'\n");
        assert_eq!(d.encoding, "latin-1");
        assert!(d.text.unwrap().contains("été"));
        let d = decode(b"#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nx = '\x80'\n");
        assert_eq!(d.encoding, "windows-1252");
        assert!(d.text.unwrap().contains('€'));
    }

    #[test]
    fn undecodable_is_an_error_not_a_panic() {
        let d = decode(b"x = 1\ny = '\xff'\n");
        let err = d.text.unwrap_err();
        assert!(err.contains("line 2"), "{err}");
        assert!(decode(b"# coding: klingon\n").text.is_err());
        // A cookie on line 2 after a code line does not count.
        assert!(decode(b"x = 1\n# coding: latin-1\n'\xe9'\n").text.is_err());
    }
}
