//! Discovery and decoding: the only code that reads the repository's source files.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::UNIX_EPOCH;

use crate::config::Config;

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

/// The repo-relative name of `p`, `/`-separated. Names that are not UTF-8 are kept distinct:
/// each byte that is not part of valid UTF-8 is written `\xHH`, and every backslash in a name
/// is written `\\` ([`from_rel`] undoes both): the encoding is lossless, so two files never
/// share a row.
pub fn rel_path(root: &Path, p: &Path) -> Option<String> {
    let rel = p.strip_prefix(root).ok()?;
    let mut out = String::new();
    for (i, c) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        let name = c.as_os_str();
        match name.to_str() {
            Some(s) if !s.contains('\\') => out.push_str(s),
            _ => push_escaped(&mut out, name),
        }
    }
    Some(out)
}

#[cfg(unix)]
fn push_escaped(out: &mut String, name: &std::ffi::OsStr) {
    use std::os::unix::ffi::OsStrExt;
    for chunk in name.as_bytes().utf8_chunks() {
        out.push_str(&chunk.valid().replace('\\', "\\\\"));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
}

#[cfg(not(unix))]
fn push_escaped(out: &mut String, name: &std::ffi::OsStr) {
    out.push_str(&name.to_string_lossy());
}

/// Whether a repo-relative name came from a file name that is not UTF-8.
pub fn is_escaped(rel: &str) -> bool {
    let mut chars = rel.chars();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.next() == Some('x') {
            return true;
        }
    }
    false
}

/// The absolute path of a repo-relative name made by discovery (undoes the escapes of names
/// that are not UTF-8).
pub fn from_rel(root: &Path, rel: &str) -> PathBuf {
    let mut path = root.to_path_buf();
    for part in rel.split('/') {
        path.push(unescape(part));
    }
    path
}

#[cfg(unix)]
fn unescape(part: &str) -> std::ffi::OsString {
    use std::os::unix::ffi::OsStringExt;
    if !part.contains('\\') {
        return part.into();
    }
    let b = part.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'\\') {
            out.push(b'\\');
            i += 2;
        } else if b[i] == b'\\'
            && b.get(i + 1) == Some(&b'x')
            && let Some(v) = part
                .get(i + 2..i + 4)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    std::ffi::OsString::from_vec(out)
}

#[cfg(not(unix))]
fn unescape(part: &str) -> std::ffi::OsString {
    part.into()
}

/// `p` made absolute against `cwd`, with `.` and `..` resolved lexically (as Ruff resolves the
/// paths it is given), so that `pkg/sub/..` names the folder `pkg`.
pub fn normalize(cwd: &Path, p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in cwd.join(p).components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

pub fn mtime_ns(md: &std::fs::Metadata) -> i64 {
    md.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

/// Extensions of files discovery picks up by itself. A file named on the command line is read
/// as Python whatever its extension (a `bin/tool` script), as Ruff does, except these.
const NOT_PYTHON: &[&str] = &[
    "md", "toml", "ipynb", "json", "yaml", "yml", "txt", "cfg", "ini",
];

/// What discovery found: the files and the warnings.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<Discovered>,
    /// The `module.manifest.json` files in the folders walked, sorted by path.
    pub manifests: Vec<Discovered>,
    /// Every other file found that is not Python (repo-relative, sorted): what drift checks
    /// look paths up in.
    pub others: Vec<String>,
    pub warnings: Vec<Warning>,
}

/// Walks `config.root`, honouring `.gitignore`/`.ignore` files (unless the root configuration
/// sets `respect-gitignore = false`) and the `exclude`/`include` of the configuration that
/// governs each folder (the closest one up the tree, as Ruff resolves them). Returns the
/// Python files sorted by path. A configuration that cannot be read is an error.
///
/// Symbolic links, as Ruff: a link to a file is checked under the link's name; a link to a
/// directory is not descended into (its target may lie outside the repository).
pub fn discover(config: &Config) -> anyhow::Result<Discovery> {
    let mut d = Discovery::default();
    walk(config, &config.root, &mut d)?;
    Ok(finish(d))
}

/// Paths named on the command line (absolute, inside the root) that discovery does not reach:
/// files that are excluded, git-ignored or not named `*.py`, and folders that are excluded or
/// git-ignored. They are checked as Ruff checks explicit paths: whatever `.gitignore` says, and
/// whatever `exclude` says unless `force_exclude` (or the configuration's `force-exclude`).
/// Inside such a folder the usual rules apply.
pub fn discover_explicit(
    config: &Config,
    paths: &[PathBuf],
    force_exclude: bool,
    already: &[Discovered],
) -> anyhow::Result<Discovery> {
    let root = &config.root;
    let mut d = Discovery::default();
    for p in paths {
        let Some(rel) = rel_path(root, p) else {
            continue;
        };
        let force = force_exclude || config.resolver.for_file(p)?.settings.force_exclude;
        if force && excluded_with_ancestors(config, p)? {
            continue;
        }
        let Ok(md) = std::fs::metadata(p) else {
            continue;
        };
        if md.is_file() {
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            if NOT_PYTHON.contains(&ext) {
                d.warnings.push(Warning {
                    path: rel,
                    message: format!("not checked: `.{ext}` files are not Python"),
                });
            } else if !already.iter().any(|f| f.rel == rel) {
                d.files.push(Discovered {
                    rel,
                    abs: p.clone(),
                    size: md.len(),
                    mtime_ns: mtime_ns(&md),
                });
            }
        } else if md.is_dir() {
            let prefix = format!("{rel}/");
            let reached = rel.is_empty() || already.iter().any(|f| f.rel.starts_with(&prefix));
            if !reached {
                walk(config, p, &mut d)?;
            }
        }
    }
    Ok(finish(d))
}

/// Whether the path or one of its folders (up to the root) is excluded by the configuration
/// that governs it.
fn excluded_with_ancestors(config: &Config, abs: &Path) -> anyhow::Result<bool> {
    for p in abs.ancestors() {
        if p == config.root || !p.starts_with(&config.root) {
            break;
        }
        let parent = p.parent().unwrap_or(&config.root);
        if config.resolver.for_dir(parent)?.is_excluded(p) {
            return Ok(true);
        }
    }
    Ok(false)
}

fn finish(mut d: Discovery) -> Discovery {
    d.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    d.files.dedup_by(|a, b| a.rel == b.rel);
    d.manifests.sort_by(|a, b| a.rel.cmp(&b.rel));
    d.manifests.dedup_by(|a, b| a.rel == b.rel);
    d.others.sort();
    d.others.dedup();
    for f in &d.files {
        if is_escaped(&f.rel) {
            d.warnings.push(Warning {
                path: f.rel.clone(),
                message: "the file name is not UTF-8: its bytes are shown as \\xHH".into(),
            });
        }
    }
    d.warnings
        .sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    d
}

/// Walks `start` (the root, or a folder inside it named on the command line, which is entered
/// whatever the excludes say), collecting Python files.
fn walk(config: &Config, start: &Path, out: &mut Discovery) -> anyhow::Result<()> {
    let root = config.root.clone();
    let found = Mutex::new(Vec::new());
    let manifests = Mutex::new(Vec::new());
    let others = Mutex::new(Vec::new());
    let warnings = Mutex::new(Vec::new());
    let errors: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let respect_gitignore = config.settings().respect_gitignore;
    let walker = ignore::WalkBuilder::new(start)
        .hidden(false)
        .git_ignore(respect_gitignore)
        .git_exclude(respect_gitignore)
        .git_global(false)
        .ignore(respect_gitignore)
        .parents(true)
        .require_git(false)
        .follow_links(false)
        .threads(2)
        .filter_entry({
            let resolver = Arc::clone(&config.resolver);
            let errors = Arc::clone(&errors);
            let root = root.clone();
            move |entry| {
                if entry.depth() == 0 {
                    return true;
                }
                let path = entry.path();
                let parent = path.parent().unwrap_or(&root);
                match resolver.for_dir(parent) {
                    Ok(settings) => !settings.is_excluded(path),
                    Err(e) => {
                        errors.lock().unwrap().push(format!("{e:#}"));
                        false
                    }
                }
            }
        })
        .build_parallel();
    walker.run(|| {
        let root = &root;
        let found = &found;
        let manifests = &manifests;
        let others = &others;
        let warnings = &warnings;
        let resolver = &config.resolver;
        let errors = &errors;
        Box::new(move |result| {
            match result {
                Ok(entry) => {
                    let Some(ft) = entry.file_type() else {
                        return ignore::WalkState::Continue;
                    };
                    if ft.is_dir() {
                        return ignore::WalkState::Continue;
                    }
                    let path = entry.path();
                    // Ownership manifests are facts too, whatever `include` says.
                    if ft.is_file() && entry.file_name() == crate::owners::MANIFEST_NAME {
                        if let (Some(rel), Ok(md)) = (rel_path(root, path), entry.metadata()) {
                            manifests.lock().unwrap().push(Discovered {
                                rel,
                                abs: path.to_path_buf(),
                                size: md.len(),
                                mtime_ns: mtime_ns(&md),
                            });
                        }
                        return ignore::WalkState::Continue;
                    }
                    let ext = path.extension().and_then(|e| e.to_str());
                    let included = match resolver.for_file(path) {
                        Ok(s) => s.is_included(path),
                        Err(e) => {
                            errors.lock().unwrap().push(format!("{e:#}"));
                            false
                        }
                    };
                    if !included {
                        if let Some(rel) = rel_path(root, path) {
                            others.lock().unwrap().push(rel);
                        }
                        return ignore::WalkState::Continue;
                    }
                    let Some(rel) = rel_path(root, path) else {
                        return ignore::WalkState::Continue;
                    };
                    // `pyproject.toml` (Ruff lints it for RUF200) is not Python source;
                    // notebooks are read as their code cells.
                    if ext == Some("toml") {
                        others.lock().unwrap().push(rel);
                        return ignore::WalkState::Continue;
                    }
                    // A link is followed to its target's metadata; links to folders are not
                    // walked (the walker does not follow links), links to files are checked.
                    let md = if ft.is_symlink() {
                        std::fs::metadata(path)
                    } else {
                        entry.metadata().map_err(std::io::Error::other)
                    };
                    match md {
                        Ok(md) if md.is_file() => found.lock().unwrap().push(Discovered {
                            rel,
                            abs: path.to_path_buf(),
                            size: md.len(),
                            mtime_ns: mtime_ns(&md),
                        }),
                        Ok(_) => {}
                        Err(e) if ft.is_symlink() => warnings.lock().unwrap().push(Warning {
                            path: rel,
                            message: format!("broken symbolic link ({}); skipped", io_message(&e)),
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
    let mut errors = std::mem::take(&mut *errors.lock().unwrap());
    if !errors.is_empty() {
        errors.sort();
        errors.dedup();
        anyhow::bail!("{}", errors.join("\n"));
    }
    out.files.extend(found.into_inner().unwrap());
    out.manifests.extend(manifests.into_inner().unwrap());
    out.others.extend(others.into_inner().unwrap());
    out.warnings.extend(warnings.into_inner().unwrap());
    Ok(())
}

/// The CODEOWNERS file GitHub would use: the first regular file of `.github/CODEOWNERS`,
/// `CODEOWNERS`, `docs/CODEOWNERS`.
pub fn find_codeowners(root: &Path) -> Option<Discovered> {
    crate::owners::CODEOWNERS_PLACES.iter().find_map(|rel| {
        let abs = root.join(rel);
        let md = std::fs::metadata(&abs).ok().filter(|m| m.is_file())?;
        Some(Discovered {
            rel: rel.to_string(),
            abs,
            size: md.len(),
            mtime_ns: mtime_ns(&md),
        })
    })
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

/// A file's decoded text ([`decode_file`]), or `None` when it cannot be read or decoded.
pub fn read_text(path: &Path) -> Option<String> {
    let bytes = read(path).ok()?;
    decode_file(path, &bytes).text.ok()
}

/// Content hash of raw bytes: the object id git gives them (`git hash-object`, SHA-1 hex), so
/// that a file git knows unmodified need not be read to know its hash.
pub fn content_hash(bytes: &[u8]) -> String {
    use sha1::Digest;
    let mut h = sha1::Sha1::new();
    h.update(format!("blob {}\0", bytes.len()).as_bytes());
    h.update(bytes);
    let digest = h.finalize();
    let mut out = String::with_capacity(40);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// The outcome of decoding a file's bytes into text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// `utf-8`, `utf-8-sig`, the declared coding as normalised (`latin-1`, `windows-1252`,
    /// ...), or `ipynb` for a notebook.
    pub encoding: String,
    pub text: Result<String, String>,
    /// A notebook's code cells, in the order their lines make up `text`.
    pub cells: Option<Vec<Cell>>,
}

/// One code cell of a notebook, as it sits in the text codefacts analyses (the code cells one
/// after the other, each ending with a newline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    /// 1-based number of the cell among all the notebook's cells (markdown ones included), as
    /// Ruff numbers them (`nb.ipynb:cell 2:1:8`).
    pub number: u32,
    /// 1-based line of the text where the cell starts.
    pub first_line: u32,
    /// Number of lines of the cell.
    pub lines: u32,
}

/// Decodes a file by its kind: a notebook (`.ipynb`) as its code cells, anything else as
/// Python source ([`decode`]).
pub fn decode_file(path: &Path, bytes: &[u8]) -> Decoded {
    if path.extension().is_some_and(|e| e == "ipynb") {
        decode_notebook(bytes)
    } else {
        decode(bytes)
    }
}

/// Cell magics whose body is Python, which Ruff lints.
const PYTHON_CELL_MAGICS: &[&str] = &[
    "time", "timeit", "capture", "prun", "debug", "python", "python3", "pypy",
];

/// Whether a line of a code cell is an IPython escape (`%magic`, `!shell`, `?help`, `name?`),
/// which Ruff does not lint as Python.
fn is_escape_line(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('%')
        || t.starts_with('!')
        || t.starts_with('?')
        || (t.trim_end().ends_with('?') && !t.starts_with('#') && !t.contains(['(', '"', '\'']))
}

/// A notebook's code cells, one after the other, as the text to analyse. IPython escapes are
/// blanked (spaces, so positions stay); a cell that starts with a cell magic (`%%time`) is
/// blanked whole, as Ruff does not lint it as Python.
pub fn decode_notebook(bytes: &[u8]) -> Decoded {
    notebook_text(bytes, true)
}

/// The text a reader sees for a file: a notebook's code cells as written (escapes kept, for
/// drawing snippets; positions are those of [`decode_file`]'s text), else [`decode`]'s.
pub fn display_text(path: &Path, bytes: &[u8]) -> Option<String> {
    if path.extension().is_some_and(|e| e == "ipynb") {
        notebook_text(bytes, false).text.ok()
    } else {
        decode(bytes).text.ok()
    }
}

fn notebook_text(bytes: &[u8], blank_escapes: bool) -> Decoded {
    let fail = |e: String| Decoded {
        encoding: "ipynb".into(),
        text: Err(e),
        cells: None,
    };
    let doc: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => return fail(format!("not a notebook: invalid JSON ({e})")),
    };
    let Some(cells) = doc.get("cells").and_then(|c| c.as_array()) else {
        return fail("not a notebook: no `cells` list".into());
    };
    let mut text = String::new();
    let mut out = Vec::new();
    let mut line = 1u32;
    for (i, cell) in cells.iter().enumerate() {
        if cell.get("cell_type").and_then(|t| t.as_str()) != Some("code") {
            continue;
        }
        let source: String = match cell.get("source") {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Array(parts)) => {
                parts.iter().filter_map(|p| p.as_str()).collect()
            }
            _ => String::new(),
        };
        let mut src = source.replace("\r\n", "\n");
        if !src.ends_with('\n') {
            src.push('\n');
        }
        // A cell magic: the cell is Python only for the magics that run Python (measured with
        // Ruff 0.17.6: `%%time`, `%%timeit`, `%%capture`, `%%prun`, `%%debug`, `%%python`,
        // `%%python3`, `%%pypy`); then only its first line is blanked, else the whole cell.
        let magic = src
            .trim_start()
            .strip_prefix("%%")
            .map(|m| m.split_whitespace().next().unwrap_or(""));
        let cell_magic = magic.is_some_and(|m| !PYTHON_CELL_MAGICS.contains(&m));
        let mut n = 0u32;
        for l in src.split_inclusive('\n') {
            let body = l.strip_suffix('\n').unwrap_or(l);
            if blank_escapes && (cell_magic || is_escape_line(body)) {
                text.push_str(&" ".repeat(body.len()));
                text.push('\n');
            } else {
                text.push_str(l);
            }
            n += 1;
        }
        out.push(Cell {
            number: i as u32 + 1,
            first_line: line,
            lines: n,
        });
        line += n;
    }
    Decoded {
        encoding: "ipynb".into(),
        text: Ok(text),
        cells: Some(out),
    }
}

/// Decodes Python source: UTF-8 with or without BOM, or the PEP 263 coding cookie's encoding.
/// A lone carriage return ends a line, as in Python (old Mac line endings): it becomes `\n`,
/// one byte for one, so offsets and positions stay those of the file.
pub fn decode(bytes: &[u8]) -> Decoded {
    let mut d = decode_bytes(bytes);
    if let Ok(text) = &mut d.text
        && memchr::memchr(b'\r', text.as_bytes()).is_some()
    {
        *text = normalize_lone_cr(text);
    }
    d
}

/// `\r` not followed by `\n` becomes `\n` (same length).
fn normalize_lone_cr(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    for (i, &c) in b.iter().enumerate() {
        if c == b'\r' && b.get(i + 1) != Some(&b'\n') {
            out.push(b'\n');
        } else {
            out.push(c);
        }
    }
    // Only ASCII bytes were replaced by ASCII bytes: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn decode_bytes(bytes: &[u8]) -> Decoded {
    let (bom, body) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    let cookie = coding_cookie(body);
    let utf8 = |encoding: &str| match std::str::from_utf8(body) {
        Ok(s) => Decoded {
            encoding: encoding.to_string(),
            text: Ok(s.to_string()),
            cells: None,
        },
        Err(e) => {
            let at = e.valid_up_to();
            let line = body[..at].iter().filter(|b| **b == b'\n').count() + 1;
            Decoded {
                encoding: encoding.to_string(),
                text: Err(format!(
                    "invalid {encoding} at byte {at} (line {line}) and no coding cookie declares another encoding"
                )),
                cells: None,
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
            cells: None,
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
            cells: None,
        };
    }
    if norm == "ascii" || norm == "us-ascii" {
        return match body.iter().position(|b| !b.is_ascii()) {
            None => Decoded {
                encoding: "ascii".into(),
                text: Ok(String::from_utf8_lossy(body).into_owned()),
                cells: None,
            },
            Some(at) => Decoded {
                encoding: "ascii".into(),
                text: Err(format!("non-ASCII byte at {at} in a file declared ascii")),
                cells: None,
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
                cells: None,
            };
        }
    }
    Decoded {
        encoding: norm,
        text: Err(format!("unknown encoding `{cookie}` in coding cookie")),
        cells: None,
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

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_stay_distinct_and_round_trip() {
        use std::os::unix::ffi::OsStrExt;
        let root = Path::new("/r");
        let names: [&[u8]; 5] = [
            b"a\xff.py",
            b"a\xfe.py",
            b"a\\xff.py",
            b"a\\\\.py",
            b"plain.py",
        ];
        let rels: Vec<String> = names
            .iter()
            .map(|n| rel_path(root, &root.join(std::ffi::OsStr::from_bytes(n))).unwrap())
            .collect();
        assert_eq!(
            rels,
            [
                "a\\xff.py",
                "a\\xfe.py",
                "a\\\\xff.py",
                "a\\\\\\\\.py",
                "plain.py"
            ]
        );
        for (n, rel) in names.iter().zip(&rels) {
            let want: Vec<u8> = [&b"/r/"[..], n].concat();
            assert_eq!(from_rel(root, rel).as_os_str().as_bytes(), &want[..]);
        }
        assert!(is_escaped(&rels[0]) && !is_escaped(&rels[2]) && !is_escaped(&rels[4]));
    }

    #[test]
    fn lone_carriage_returns_end_lines_as_in_python() {
        let d = decode(b"import os\r\nx = 1\rimport sys\r");
        assert_eq!(d.text.unwrap(), "import os\r\nx = 1\nimport sys\n");
    }

    #[test]
    fn notebooks_are_their_code_cells_with_escapes_blanked() {
        let nb = br##"{"cells": [
            {"cell_type": "markdown", "source": ["# T"]},
            {"cell_type": "code", "source": ["import os\n", "%matplotlib inline\n", "x = 1"]},
            {"cell_type": "code", "source": "!pip install a\nprint(x)\n"},
            {"cell_type": "code", "source": ["%%bash\n", "ls here\n"]}
        ]}"##;
        let d = decode_notebook(nb);
        assert_eq!(
            d.text.unwrap(),
            "import os\n                  \nx = 1\n              \nprint(x)\n      \n       \n"
        );
        let cells = d.cells.unwrap();
        assert_eq!(
            cells
                .iter()
                .map(|c| (c.number, c.first_line, c.lines))
                .collect::<Vec<_>>(),
            [(2, 1, 3), (3, 4, 2), (4, 6, 2)]
        );
        let shown = display_text(Path::new("a.ipynb"), nb).unwrap();
        assert!(shown.contains("%matplotlib inline\n"));
        assert!(decode_notebook(b"not json").text.is_err());
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
