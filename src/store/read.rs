//! Reads of the indexer's own state.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Result;

use super::{Writer, explain};
use crate::facts::{ImportFact, ImportForm, ScopeKind, Span};

/// What the database remembers of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub file_id: i64,
    pub size: u64,
    pub mtime_ns: i64,
    pub hash: String,
    pub module: Option<String>,
    pub lane: String,
    pub source_root: String,
}

/// The imports of unchanged files, with their row ids, to resolve them again.
pub struct CachedImports {
    pub by_file: HashMap<i64, (Arc<Vec<ImportFact>>, Vec<i64>)>,
}

impl Writer<'_> {
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")
            .map_err(|e| explain(e, &self.path))?;
        let mut rows = stmt.query([key])?;
        Ok(match rows.next()? {
            Some(r) => Some(r.get(0)?),
            None => None,
        })
    }

    /// How many files the index holds.
    pub fn file_count(&self) -> Result<usize> {
        let n: i64 = self
            .tx
            .query_row("SELECT count(*) FROM files", [], |r| r.get(0))?;
        Ok(n as usize)
    }

    /// The largest file id in use (0 when there is none).
    pub fn max_file_id(&self) -> Result<i64> {
        Ok(self
            .tx
            .query_row("SELECT coalesce(max(file_id), 0) FROM files", [], |r| {
                r.get(0)
            })?)
    }

    /// The stored rows of these paths (those the index holds), by path.
    pub fn stored_files_at(&self, paths: &[&str]) -> Result<HashMap<String, StoredFile>> {
        let list = serde_json::to_string(paths)?;
        let mut stmt = self.tx.prepare(
            "SELECT file_id, path, size, mtime_ns, hash, module, lane, source_root FROM files \
             WHERE path IN (SELECT value FROM json_each(?1))",
        )?;
        let rows = stmt.query_map([list], |r| {
            Ok((
                r.get::<_, String>(1)?,
                StoredFile {
                    file_id: r.get(0)?,
                    size: r.get::<_, i64>(2)? as u64,
                    mtime_ns: r.get(3)?,
                    hash: r.get(4)?,
                    module: r.get(5)?,
                    lane: r.get(6)?,
                    source_root: r.get(7)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Where every indexed file sits, in path order: (file_id, path, module path, lane).
    pub fn placements(&self) -> Result<Vec<(i64, String, crate::resolve::ModulePath, String)>> {
        let mut stmt = self.tx.prepare(
            "SELECT file_id, path, module, source_root, is_package, is_stub, lane FROM files",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                crate::resolve::ModulePath {
                    source_root: r.get(3)?,
                    module: r.get(2)?,
                    is_package: r.get(4)?,
                    is_stub: r.get(5)?,
                },
                r.get(6)?,
            ))
        })?;
        // A scan in rowid order and a sort here: ORDER BY path would look every row up
        // through the path index, several times slower.
        let mut v: Vec<_> = rows.collect::<rusqlite::Result<_>>()?;
        v.sort_unstable_by(|a: &(i64, String, _, String), b| a.1.cmp(&b.1));
        Ok(v)
    }

    /// Every indexed file by path.
    pub fn stored_files(&self) -> Result<HashMap<String, StoredFile>> {
        let mut stmt = self
            .tx
            .prepare(
                "SELECT file_id, path, size, mtime_ns, hash, module, lane, source_root FROM files",
            )
            .map_err(|e| explain(e, &self.path))?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(1)?,
                StoredFile {
                    file_id: r.get(0)?,
                    size: r.get::<_, i64>(2)? as u64,
                    mtime_ns: r.get(3)?,
                    hash: r.get(4)?,
                    module: r.get(5)?,
                    lane: r.get(6)?,
                    source_root: r.get(7)?,
                },
            ))
        })?;
        let mut out = HashMap::new();
        for row in rows {
            let (path, f) = row.map_err(|e| explain(e, &self.path))?;
            out.insert(path, f);
        }
        Ok(out)
    }

    /// The stored imports of every file, in statement order, with their row ids.
    pub fn cached_imports(&self) -> Result<CachedImports> {
        let mut stmt = self.tx.prepare(
            "SELECT file_id, rowid, form, module, level, name, alias, is_star, scope, \
             type_checking, guarded, conditional FROM imports ORDER BY file_id, rowid",
        )?;
        let mut by_file: HashMap<i64, (Vec<ImportFact>, Vec<i64>)> = HashMap::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let file_id: i64 = r.get(0)?;
            let form: String = r.get(2)?;
            let scope: String = r.get(8)?;
            let fact = ImportFact {
                form: if form == "from" {
                    ImportForm::From
                } else {
                    ImportForm::Import
                },
                module: r.get(3)?,
                level: r.get(4)?,
                name: r.get(5)?,
                alias: r.get(6)?,
                is_star: r.get(7)?,
                name_span: Span::default(),
                stmt_span: Span::default(),
                scope: match scope.as_str() {
                    "class" => ScopeKind::Class,
                    "function" => ScopeKind::Function,
                    _ => ScopeKind::Module,
                },
                type_checking: r.get(9)?,
                guarded: r.get(10)?,
                conditional: r.get(11)?,
            };
            let entry = by_file.entry(file_id).or_default();
            entry.0.push(fact);
            entry.1.push(r.get(1)?);
        }
        Ok(CachedImports {
            by_file: by_file
                .into_iter()
                .map(|(k, (facts, ids))| (k, (Arc::new(facts), ids)))
                .collect(),
        })
    }
}
