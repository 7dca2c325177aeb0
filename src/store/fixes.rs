//! Reads the fixes plan from (`src/fix/`): the indexed files and their imports.

use std::collections::{BTreeMap, HashSet};

use anyhow::Result;

use rusqlite::Connection;

use super::Store;

/// An indexed file as a fix sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixFile {
    pub file_id: i64,
    pub path: String,
    /// blake3 of the bytes indexed (a fix refuses a file that no longer has it).
    pub hash: String,
    pub encoding: String,
    pub module: Option<String>,
    pub is_package: bool,
    pub is_stub: bool,
    pub source_root: String,
    /// `ok` unless the file could not be fully parsed.
    pub status: String,
    /// The index found a syntax error in it: an error node, or invalid code tree-sitter
    /// accepts (the semantic layer's `has_syntax_error`), or it was not parsed.
    pub syntax_error: bool,
}

/// One imported name, with its statement and its resolution.
/// Unused import bindings: binding id -> (line, col, the binding it shadows).
pub type UnusedImportBindings = std::collections::HashMap<i64, (u32, u32, Option<i64>)>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub file_id: i64,
    pub form: String,
    pub module: String,
    pub level: u32,
    pub absolute_module: Option<String>,
    pub name: String,
    pub alias: Option<String>,
    pub is_star: bool,
    pub line: u32,
    pub col: u32,
    pub stmt_line: u32,
    pub stmt_end_line: u32,
    pub stmt_col: u32,
    pub stmt_start: usize,
    pub stmt_end: usize,
    pub name_start: usize,
    pub name_end: usize,
    pub scope: String,
    pub type_checking: bool,
    pub guarded: bool,
    pub conditional: bool,
    pub target_module: Option<String>,
    /// The repository file the name loads, by path.
    pub target_path: Option<String>,
    pub target_kind: String,
}

impl Store {
    /// Every indexed file, by path.
    pub fn fix_files(&self) -> Result<BTreeMap<String, FixFile>> {
        let mut st = self.conn.prepare(
            "SELECT f.file_id, f.path, f.hash, f.encoding, f.module, f.is_package, f.is_stub, \
             f.source_root, f.status, coalesce(s.has_syntax_error, 0) OR f.status != 'ok' \
             FROM files f LEFT JOIN semantic_files s ON s.file_id = f.file_id ORDER BY f.path",
        )?;
        let rows = st.query_map([], |r| {
            Ok(FixFile {
                file_id: r.get(0)?,
                path: r.get(1)?,
                hash: r.get(2)?,
                encoding: r.get(3)?,
                module: r.get(4)?,
                is_package: r.get(5)?,
                is_stub: r.get(6)?,
                source_root: r.get(7)?,
                status: r.get(8)?,
                syntax_error: r.get(9)?,
            })
        })?;
        let mut out = BTreeMap::new();
        for f in rows {
            let f = f?;
            out.insert(f.path.clone(), f);
        }
        Ok(out)
    }

    /// The files the index found a syntax error in (as [`FixFile::syntax_error`]), by path.
    pub fn syntax_error_paths(&self) -> Result<std::collections::BTreeSet<String>> {
        let mut st = self.conn.prepare(
            "SELECT f.path FROM files f LEFT JOIN semantic_files s ON s.file_id = f.file_id \
             WHERE coalesce(s.has_syntax_error, 0) OR f.status != 'ok' ORDER BY f.path",
        )?;
        let rows = st.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The imports of one file, in source order.
    pub fn imports_of(&self, file_id: i64) -> Result<Vec<ImportRow>> {
        self.import_rows("i.file_id = ?1", file_id)
    }

    /// Every relative import of the repository, by file, in source order (one query).
    pub fn relative_imports(&self) -> Result<std::collections::HashMap<i64, Vec<ImportRow>>> {
        let mut out: std::collections::HashMap<i64, Vec<ImportRow>> = Default::default();
        for r in self.import_rows("i.level > ?1", 0)? {
            out.entry(r.file_id).or_default().push(r);
        }
        Ok(out)
    }

    fn import_rows(&self, filter: &str, arg: i64) -> Result<Vec<ImportRow>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT i.file_id, i.form, i.module, i.level, i.absolute_module, i.name, i.alias, \
                    i.is_star, i.line, i.stmt_line, i.stmt_col, i.stmt_start, i.stmt_end, \
                    i.name_start, i.name_end, i.scope, i.type_checking, i.guarded, i.conditional, \
                    i.target_module, t.path, i.target_kind, i.col, i.stmt_end_line \
             FROM imports i LEFT JOIN files t ON t.file_id = i.target_file_id \
             WHERE {filter} ORDER BY i.file_id, i.stmt_start, i.name_start"
        ))?;
        let rows = st.query_map([arg], |r| {
            Ok(ImportRow {
                file_id: r.get(0)?,
                form: r.get(1)?,
                module: r.get(2)?,
                level: r.get(3)?,
                absolute_module: r.get(4)?,
                name: r.get(5)?,
                alias: r.get(6)?,
                is_star: r.get(7)?,
                line: r.get(8)?,
                stmt_line: r.get(9)?,
                stmt_col: r.get(10)?,
                stmt_start: r.get::<_, i64>(11)? as usize,
                stmt_end: r.get::<_, i64>(12)? as usize,
                name_start: r.get::<_, i64>(13)? as usize,
                name_end: r.get::<_, i64>(14)? as usize,
                scope: r.get(15)?,
                type_checking: r.get(16)?,
                guarded: r.get(17)?,
                conditional: r.get(18)?,
                target_module: r.get(19)?,
                target_path: r.get(20)?,
                target_kind: r.get(21)?,
                col: r.get(22)?,
                stmt_end_line: r.get(23)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The modules that are regular packages (have an `__init__`).
    pub fn package_modules(&self) -> Result<HashSet<String>> {
        Ok(package_modules(&self.conn)?)
    }

    /// Every dotted prefix of the modules that absolute imports (level 0) load from the
    /// repository: where the repository itself proves an absolute name works, a namespace
    /// package included.
    pub fn absolute_import_prefixes(&self) -> Result<HashSet<String>> {
        Ok(absolute_import_prefixes(&self.conn)?)
    }

    /// The lines of a file that carry a `# noqa` comment (any codes; file-level ones aside).
    pub fn noqa_lines(&self, file_id: i64) -> Result<HashSet<u32>> {
        let mut st = self.conn.prepare_cached(
            "SELECT DISTINCT line FROM noqa_directives WHERE file_id = ?1 AND file_level = 0",
        )?;
        let rows = st.query_map([file_id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The import bindings of a file that no use reads: binding id -> (line, col of the name,
    /// the binding it shadows), for following a chain of unused rebindings.
    pub fn unused_import_bindings(&self, file_id: i64) -> Result<UnusedImportBindings> {
        let mut st = self.conn.prepare_cached(
            "SELECT binding_id, line, col, shadows_id FROM bindings \
             WHERE file_id = ?1 AND kind IN ('import', 'from_import', 'submodule_import') \
             AND uses = 0",
        )?;
        let rows = st.query_map([file_id], |r| {
            Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?)))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The module-level class bindings of a file: (name, line, col, uses after it).
    pub fn module_classes(&self, file_id: i64) -> Result<Vec<(String, u32, u32, u32)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT b.name, b.line, b.col, b.uses FROM bindings b \
             JOIN scopes s ON s.file_id = b.file_id AND s.scope_id = b.scope_id \
             WHERE b.file_id = ?1 AND b.kind = 'class' AND s.kind = 'module' \
             ORDER BY b.line, b.col",
        )?;
        let rows = st.query_map([file_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every name bound at module level in a file.
    pub fn module_names(&self, file_id: i64) -> Result<HashSet<String>> {
        let mut st = self.conn.prepare_cached(
            "SELECT DISTINCT b.name FROM bindings b \
             JOIN scopes s ON s.file_id = b.file_id AND s.scope_id = b.scope_id \
             WHERE b.file_id = ?1 AND s.kind = 'module'",
        )?;
        let rows = st.query_map([file_id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The repository files that import `name` from `module` (`from module import name`).
    pub fn importers_of(&self, module: &str, name: &str) -> Result<Vec<String>> {
        let mut st = self.conn.prepare_cached(
            "SELECT DISTINCT f.path FROM imports i JOIN files f ON f.file_id = i.file_id \
             WHERE i.form = 'from' AND i.absolute_module = ?1 AND i.name = ?2 ORDER BY f.path",
        )?;
        let rows = st.query_map([module, name], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The configured source roots the index used (repo-relative, `""` the root).
    pub fn source_roots(&self) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare("SELECT path FROM source_roots ORDER BY path")?;
        let rows = st.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// See [`Store::package_modules`].
pub(super) fn package_modules(conn: &Connection) -> rusqlite::Result<HashSet<String>> {
    let mut st =
        conn.prepare("SELECT module FROM files WHERE is_package = 1 AND module IS NOT NULL")?;
    let rows = st.query_map([], |r| r.get(0))?;
    rows.collect()
}

/// The imports that prove an absolute name works: level 0, loading a repository file.
const PROVING_IMPORTS: &str = "level = 0 AND target_kind = 'repo'";

/// Whether one prefix is among [`absolute_import_prefixes`], looked up on the
/// `imports_absolute_module` index rather than read with all the others.
pub(super) fn proves_absolute_prefix(conn: &Connection, prefix: &str) -> rusqlite::Result<bool> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT EXISTS (SELECT 1 FROM imports \
         WHERE absolute_module >= ?1 AND absolute_module < ?3 \
           AND (absolute_module = ?1 OR substr(absolute_module, 1, length(?2)) = ?2) \
           AND {PROVING_IMPORTS})"
    ))?;
    st.query_row((prefix, format!("{prefix}."), format!("{prefix}/")), |r| {
        r.get(0)
    })
}

/// See [`Store::absolute_import_prefixes`].
pub(super) fn absolute_import_prefixes(conn: &Connection) -> rusqlite::Result<HashSet<String>> {
    let mut st = conn.prepare(&format!(
        "SELECT DISTINCT absolute_module FROM imports WHERE {PROVING_IMPORTS} \
         AND absolute_module IS NOT NULL"
    ))?;
    let rows = st.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = HashSet::new();
    for m in rows {
        let m = m?;
        let mut end = m.len();
        loop {
            if !out.insert(m[..end].to_string()) {
                break;
            }
            match m[..end].rfind('.') {
                Some(i) => end = i,
                None => break,
            }
        }
    }
    Ok(out)
}
