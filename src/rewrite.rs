//! **The only writer of source files** (as `files.rs` is the only reader). A fix hands it a
//! file's edits as byte ranges of the decoded text the index saw; it
//!
//! * refuses a file whose bytes no longer hash to what the index stored (re-index first);
//! * splices the edits into the file's *original bytes*, so what no edit touches stays byte for
//!   byte: the BOM, CRLF or lone-CR line ends, a latin-1 or other declared encoding (new text is
//!   encoded in it; text it cannot encode refuses the file);
//! * re-parses the result and refuses it when it has a syntax error the original did not have:
//!   before writing ([`Reparse::Now`], a dry run), or, when the caller re-indexes what it wrote
//!   (which parses it), after ([`Reparse::AfterWriting`]): the caller then puts back with
//!   [`restore`] each file the index finds a new syntax error in, so a file is parsed once;
//! * writes atomically (a temporary file in the same folder, the original's permissions, then
//!   a rename, no fsync; through a symbolic link, the file it points to), then reads the file back and
//!   restores the original if what is there is not what it wrote.
//!
//! `plan` does everything but the write, so a dry run sees exactly what `--apply` would write.

use std::io::Write;
use std::path::{Path, PathBuf};

/// One replacement in the decoded text: `start..end` becomes `text` (`\n` line ends; they
/// become the file's own).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// A file's new content, checked and ready to write.
#[derive(Debug, Clone)]
pub struct Planned {
    pub path: PathBuf,
    /// The decoded text before and after (for diffs).
    pub before: String,
    pub after: String,
    /// The bytes to write, and the bytes that were there (to restore).
    pub bytes: Vec<u8>,
    original: Vec<u8>,
    pub edits: usize,
}

/// When a result is re-parsed for a syntax error the original did not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reparse {
    /// In [`plan`]: a result with one is refused, and nothing is written.
    Now,
    /// By the caller, after writing: it re-indexes the written files (which parses them) and
    /// puts back with [`restore`] each the index finds a new syntax error in
    /// ([`introduced_syntax_error`] names it).
    AfterWriting,
}

/// Why a file's edits cannot be applied (one line, for the user).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Applies `edits` (sorted by start, not overlapping) to `text`.
pub fn apply_edits(text: &str, edits: &[Edit]) -> Result<String, Refused> {
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in edits {
        if e.start < at || e.end < e.start || e.end > text.len() {
            return Err(Refused(format!(
                "overlapping or out-of-range edit at byte {}",
                e.start
            )));
        }
        if !text.is_char_boundary(e.start) || !text.is_char_boundary(e.end) {
            return Err(Refused(format!(
                "edit at byte {} splits a character",
                e.start
            )));
        }
        out.push_str(&text[at..e.start]);
        out.push_str(&e.text);
        at = e.end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// How the original bytes map to the decoded text.
enum Codec {
    /// UTF-8 (or ASCII): offsets shift by the BOM's length.
    Utf8 {
        bom: usize,
    },
    /// ISO-8859-1: one byte per character.
    Latin1,
    Other(&'static encoding_rs::Encoding),
}

impl Codec {
    fn of(encoding: &str) -> Result<Codec, Refused> {
        match encoding {
            "utf-8" | "ascii" => Ok(Codec::Utf8 { bom: 0 }),
            "utf-8-sig" => Ok(Codec::Utf8 { bom: 3 }),
            "latin-1" => Ok(Codec::Latin1),
            "ipynb" => Err(Refused("notebooks are not rewritten".into())),
            other => encoding_rs::Encoding::for_label(other.as_bytes())
                .map(Codec::Other)
                .ok_or_else(|| Refused(format!("cannot write the encoding `{other}`"))),
        }
    }

    /// The bytes of `text` in this encoding.
    fn encode(&self, text: &str) -> Result<Vec<u8>, Refused> {
        match self {
            Codec::Utf8 { .. } => Ok(text.as_bytes().to_vec()),
            Codec::Latin1 => text
                .chars()
                .map(|c| u8::try_from(u32::from(c)).ok())
                .collect::<Option<Vec<u8>>>()
                .ok_or_else(|| Refused("new text is not encodable as latin-1".into())),
            Codec::Other(enc) => {
                let (bytes, _, unmappable) = enc.encode(text);
                if unmappable {
                    Err(Refused(format!(
                        "new text is not encodable as {}",
                        enc.name()
                    )))
                } else {
                    Ok(bytes.into_owned())
                }
            }
        }
    }

    /// The byte offset in the file of text offset `off`.
    fn byte_offset(&self, text: &str, off: usize) -> Result<usize, Refused> {
        match self {
            Codec::Utf8 { bom } => Ok(bom + off),
            _ => Ok(self.encode(&text[..off])?.len()),
        }
    }
}

/// The file's line end for new lines: CRLF when its first line ends so, else LF.
fn line_end(bytes: &[u8]) -> &'static str {
    match memchr::memchr(b'\n', bytes) {
        Some(i) if i > 0 && bytes[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// The first syntax error of `text` as (line, what), if any.
fn first_syntax_error(text: &str) -> Option<(u32, String)> {
    let tree = crate::syntax::parse_python(text, std::time::Duration::from_secs(10)).ok()?;
    if !tree.root_node().has_error() {
        return crate::semantic::validate::has_lenient_syntax_error(text, &tree)
            .then(|| (1, "invalid syntax".into()));
    }
    // Rare: an error; the facts say where.
    let facts = crate::facts::extract(text, &tree);
    if let Some(e) = facts.syntax_errors.first() {
        return Some((e.span.line, e.text.clone()));
    }
    if crate::semantic::validate::has_lenient_syntax_error(text, &tree) {
        return Some((1, "invalid syntax".into()));
    }
    None
}

/// Checks the file at `path` against the index (`indexed_hash`; `indexed_clean`: the index
/// found no syntax error in it, so it need not be parsed again) and computes what `edits` make
/// of it, verified (for syntax errors, when `reparse` says); writes nothing.
pub fn plan(
    path: &Path,
    indexed_hash: &str,
    indexed_clean: bool,
    edits: &[Edit],
    reparse: Reparse,
) -> Result<Planned, Refused> {
    let bytes = crate::files::read(path)
        .map_err(|e| Refused(format!("cannot read it: {}", crate::files::io_message(&e))))?;
    if crate::files::content_hash(&bytes) != indexed_hash {
        return Err(Refused(
            "it changed since it was indexed: run `codefacts index` and try again".into(),
        ));
    }
    let decoded = crate::files::decode_file(path, &bytes);
    let codec = Codec::of(&decoded.encoding)?;
    let text = decoded.text.map_err(Refused)?;
    let mut edits = edits.to_vec();
    edits.sort();
    edits.dedup();
    let after = apply_edits(&text, &edits)?;
    let eol = line_end(&bytes);
    let mut out = Vec::with_capacity(bytes.len() + 64);
    let mut at = 0usize;
    for e in &edits {
        let b0 = codec.byte_offset(&text, e.start)?;
        let b1 = codec.byte_offset(&text, e.end)?;
        out.extend_from_slice(&bytes[at..b0]);
        let new = if eol == "\n" {
            e.text.clone()
        } else {
            e.text.replace('\n', eol)
        };
        out.extend_from_slice(&codec.encode(&new)?);
        at = b1;
    }
    out.extend_from_slice(&bytes[at..]);
    // What was written must read back as the text the edits meant (line ends aside).
    let reread = crate::files::decode_file(path, &out)
        .text
        .map_err(|e| Refused(format!("the result would not decode: {e}")))?;
    if reread.replace("\r\n", "\n") != after.replace("\r\n", "\n") {
        return Err(Refused(
            "the result would not read back as the edited text".into(),
        ));
    }
    if reparse == Reparse::Now
        && (indexed_clean || first_syntax_error(&text).is_none())
        && let Some((line, what)) = first_syntax_error(&after)
    {
        return Err(Refused(format!(
            "the edit would introduce a syntax error at line {line} ({what}); left unchanged"
        )));
    }
    Ok(Planned {
        path: path.to_path_buf(),
        before: text,
        after,
        bytes: out,
        original: bytes,
        edits: edits.len(),
    })
}

/// The syntax error the planned result has and its original had not, as (line, what).
pub fn introduced_syntax_error(p: &Planned) -> Option<(u32, String)> {
    let found = first_syntax_error(&p.after)?;
    first_syntax_error(&p.before).is_none().then_some(found)
}

/// Puts back the bytes a planned file had before [`write`] replaced them, atomically.
pub fn restore(p: &Planned) -> Result<(), Refused> {
    replace_atomically(&p.path, &p.original)?;
    match crate::files::read(&p.path) {
        Ok(b) if b == p.original => Ok(()),
        _ => Err(Refused(
            "the original did not read back as it was written".into(),
        )),
    }
}

/// Writes a planned file atomically; on any doubt the original stays.
pub fn write(p: &Planned) -> Result<(), Refused> {
    let target = replace_atomically(&p.path, &p.bytes)?;
    // Read back: what is there must be what was meant.
    match crate::files::read(&target) {
        Ok(b) if b == p.bytes => Ok(()),
        _ => {
            let _ = std::fs::write(&target, &p.original);
            Err(Refused(
                "the file did not read back as written; the original was restored".into(),
            ))
        }
    }
}

/// Replaces the file at `path` (through a link, the file it points to) with `bytes`: a
/// temporary file beside it with its permissions, then a rename. Returns the file written.
fn replace_atomically(path: &Path, bytes: &[u8]) -> Result<PathBuf, Refused> {
    let link = std::fs::symlink_metadata(path)
        .map_err(|e| Refused(format!("cannot stat it: {}", crate::files::io_message(&e))))?;
    // Through a link: the file it points to (the link stays a link).
    let (target, meta) = if link.file_type().is_symlink() {
        let target = std::fs::canonicalize(path).map_err(|e| {
            Refused(format!(
                "cannot follow the link: {}",
                crate::files::io_message(&e)
            ))
        })?;
        let meta = std::fs::metadata(&target)
            .map_err(|e| Refused(format!("cannot stat it: {}", crate::files::io_message(&e))))?;
        (target, meta)
    } else {
        (path.to_path_buf(), link)
    };
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.codefacts-{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.set_permissions(meta.permissions())?;
        // No fsync: the rename is what makes the change atomic for readers (as editors and
        // Ruff write); a sync per file costs milliseconds each over thousands of files.
        drop(f);
        std::fs::rename(&tmp, &target)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Refused(format!(
            "cannot write it: {}",
            crate::files::io_message(&e)
        )));
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: usize, end: usize, text: &str) -> Edit {
        Edit {
            start,
            end,
            text: text.into(),
        }
    }

    fn file(bytes: &[u8]) -> (tempfile::TempDir, PathBuf, String) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.py");
        std::fs::write(&path, bytes).unwrap();
        let hash = crate::files::content_hash(bytes);
        (dir, path, hash)
    }

    #[test]
    fn edits_splice_into_the_original_bytes() {
        let src = "\u{feff}from ..a import b\r\nx = 1\r\n";
        let (_d, path, hash) = file(src.as_bytes());
        // Offsets are the decoded text's (no BOM).
        let p = plan(&path, &hash, true, &[edit(5, 8, "pkg.a")], Reparse::Now).unwrap();
        assert_eq!(
            p.bytes,
            "\u{feff}from pkg.a import b\r\nx = 1\r\n".as_bytes()
        );
        write(&p).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), p.bytes);
    }

    #[test]
    fn latin1_stays_latin1_and_new_lines_take_the_files_ending() {
        let mut bytes = b"# -*- coding: latin-1 -*-\r\ns = '".to_vec();
        bytes.push(0xE9);
        bytes.extend_from_slice(b"'\r\nfrom .x import y\r\n");
        let (_d, path, hash) = file(&bytes);
        let text = crate::files::decode(&bytes).text.unwrap();
        let at = text.find(".x").unwrap();
        let p = plan(
            &path,
            &hash,
            true,
            &[
                edit(at, at + 2, "pkg.x"),
                edit(text.len(), text.len(), "import os\n"),
            ],
            Reparse::Now,
        )
        .unwrap();
        let mut want = b"# -*- coding: latin-1 -*-\r\ns = '".to_vec();
        want.push(0xE9);
        want.extend_from_slice(b"'\r\nfrom pkg.x import y\r\nimport os\r\n");
        assert_eq!(p.bytes, want);
        // Text latin-1 cannot hold refuses the file.
        assert!(
            plan(
                &path,
                &hash,
                true,
                &[edit(0, 0, "# \u{263a}\n")],
                Reparse::Now
            )
            .is_err()
        );
    }

    #[test]
    fn a_stale_file_or_a_new_syntax_error_is_refused() {
        let (_d, path, hash) = file(b"import os\n");
        let err = plan(&path, "0000", true, &[edit(0, 0, "x")], Reparse::Now).unwrap_err();
        assert!(err.0.contains("changed since it was indexed"), "{err}");
        let err = plan(&path, &hash, true, &[edit(0, 6, "import (")], Reparse::Now).unwrap_err();
        assert!(err.0.contains("syntax error at line 1"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"import os\n");
    }

    #[test]
    fn a_result_reparsed_after_writing_can_be_put_back() {
        let (_d, path, hash) = file(b"import os\n");
        let p = plan(
            &path,
            &hash,
            true,
            &[edit(0, 6, "import (")],
            Reparse::AfterWriting,
        )
        .unwrap();
        let (line, _) = introduced_syntax_error(&p).unwrap();
        assert_eq!(line, 1);
        write(&p).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"import ( os\n");
        restore(&p).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"import os\n");
        // A file broken before is not one the edit broke.
        let (_d, path, hash) = file(b"def f(:\n");
        let p = plan(&path, &hash, false, &[edit(0, 0, "# c\n")], Reparse::Now).unwrap();
        assert_eq!(introduced_syntax_error(&p), None);
    }

    #[test]
    fn permissions_survive_and_links_stay_links() {
        use std::os::unix::fs::PermissionsExt;
        let (d, path, hash) = file(b"from . import a\n");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o751)).unwrap();
        let link = d.path().join("link.py");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        let p = plan(&link, &hash, true, &[edit(5, 6, "pkg")], Reparse::Now).unwrap();
        write(&p).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"from pkg import a\n");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o751);
    }
}
