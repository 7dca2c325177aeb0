//! Reads of the indexer's own state.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Result;

use super::{Writer, explain};
use crate::facts::{ImportFact, ImportForm, ScopeKind, Span};
use crate::resolve::IndexedFile;

/// (file_id, path, module path, lane) of every file, in path order.
pub type Placements = Vec<(i64, String, crate::resolve::ModulePath, String)>;

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

/// (path, stored row) from the columns `file_id, path, size, mtime_ns, hash, module, lane,
/// source_root`.
fn stored_file(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, StoredFile)> {
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
}

/// An import as stored (without positions), from the row's columns `form, module, level, name,
/// alias, is_star, scope, type_checking, guarded, conditional` starting at column `at`, and
/// `main_only` (anywhere in the row).
fn stored_import(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<ImportFact> {
    let form: String = r.get(at)?;
    let scope: String = r.get(at + 6)?;
    Ok(ImportFact {
        form: if form == "from" {
            ImportForm::From
        } else {
            ImportForm::Import
        },
        module: r.get(at + 1)?,
        level: r.get(at + 2)?,
        name: r.get(at + 3)?,
        alias: r.get(at + 4)?,
        is_star: r.get(at + 5)?,
        name_span: Span::default(),
        stmt_span: Span::default(),
        scope: match scope.as_str() {
            "class" => ScopeKind::Class,
            "function" => ScopeKind::Function,
            _ => ScopeKind::Module,
        },
        type_checking: r.get(at + 7)?,
        guarded: r.get(at + 8)?,
        conditional: r.get(at + 9)?,
        main_only: r.get("main_only")?,
    })
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
        let rows = stmt.query_map([list], stored_file)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Where every indexed file sits, in path order: (file_id, path, module path, lane).
    pub fn placements(&self) -> Result<Placements> {
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

    /// Stores [`Writer::placements`] as one text value tied to the layout fingerprint, which a
    /// run that trusts a few changed files reads in a fraction of the time the rows take.
    /// Nothing is stored (and the rows are read) when a path holds a tab or a line break.
    pub fn cache_placements(&self, layout: &str) -> Result<()> {
        let rows = self.placements()?;
        let mut text = String::with_capacity(rows.len() * 64 + layout.len() + 1);
        text.push_str(layout);
        text.push('\n');
        for (id, path, m, lane) in &rows {
            let fields = [
                path.as_str(),
                m.module.as_deref().unwrap_or(""),
                &m.source_root,
                lane,
            ];
            if fields.iter().any(|f| f.contains(['\t', '\n'])) {
                self.tx.execute(
                    "DELETE FROM meta WHERE key IN ('placements', 'placements_layout')",
                    [],
                )?;
                return Ok(());
            }
            text.push_str(&format!(
                "{id}\t{path}\t{}\t{}\t{}{}\t{lane}\n",
                match &m.module {
                    Some(module) => format!("+{module}"),
                    None => String::new(),
                },
                m.source_root,
                u8::from(m.is_package),
                u8::from(m.is_stub),
            ));
        }
        self.set_meta("placements", &text)?;
        self.set_meta("placements_layout", layout)
    }

    /// What [`Writer::cache_placements`] stored, when it is of this layout.
    pub fn cached_placements(&self, layout: &str) -> Result<Option<Placements>> {
        let Some(text) = self.meta("placements")? else {
            return Ok(None);
        };
        let Some((head, body)) = text.split_once('\n') else {
            return Ok(None);
        };
        if head != layout {
            return Ok(None);
        }
        let mut out = Vec::with_capacity(body.len() / 64);
        for line in body.lines() {
            let mut f = line.splitn(6, '\t');
            let (Some(id), Some(path), Some(module), Some(root), Some(flags), Some(lane)) =
                (f.next(), f.next(), f.next(), f.next(), f.next(), f.next())
            else {
                return Ok(None);
            };
            let (Ok(id), [p, s]) = (id.parse::<i64>(), flags.as_bytes()) else {
                return Ok(None);
            };
            out.push((
                id,
                path.to_string(),
                crate::resolve::ModulePath {
                    source_root: root.to_string(),
                    module: module.strip_prefix('+').map(str::to_string),
                    is_package: *p == b'1',
                    is_stub: *s == b'1',
                },
                lane.to_string(),
            ));
        }
        Ok(Some(out))
    }

    /// Every indexed file by path.
    pub fn stored_files(&self) -> Result<HashMap<String, StoredFile>> {
        let mut stmt = self
            .tx
            .prepare(
                "SELECT file_id, path, size, mtime_ns, hash, module, lane, source_root FROM files",
            )
            .map_err(|e| explain(e, &self.path))?;
        let rows = stmt.query_map([], stored_file)?;
        let mut out = HashMap::new();
        for row in rows {
            let (path, f) = row.map_err(|e| explain(e, &self.path))?;
            out.insert(path, f);
        }
        Ok(out)
    }

    /// A file's stored imports in statement order (positions left out), each with its stored
    /// resolution and the id of the file it loads.
    pub fn stored_resolutions(
        &self,
        file_id: i64,
    ) -> Result<Vec<(ImportFact, crate::resolve::Resolution, Option<i64>)>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT form, module, level, name, alias, is_star, scope, type_checking, guarded, \
             conditional, absolute_module, target_module, target_file_id, target_kind, \
             main_only FROM imports WHERE file_id = ?1 ORDER BY rowid",
        )?;
        let rows = stmt.query_map([file_id], |r| {
            let kind: String = r.get(13)?;
            let fact = stored_import(r, 0)?;
            use crate::resolve::TargetKind;
            let res = crate::resolve::Resolution {
                absolute_module: r.get(10)?,
                target_module: r.get(11)?,
                target_file: None,
                kind: match kind.as_str() {
                    "repo" => TargetKind::Repo,
                    "stdlib" => TargetKind::Stdlib,
                    "third_party" => TargetKind::ThirdParty,
                    _ => TargetKind::Unresolved,
                },
            };
            Ok((fact, res, r.get::<_, Option<i64>>(12)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The files a module index needs to answer for these module names (see
    /// `ModuleIndex::names_consulted`): every file whose module is one of them, and one file
    /// below each (which makes it a namespace package when nothing else does). By file id, in
    /// path order.
    pub fn files_for_modules(&self, names: &[String]) -> Result<Vec<(i64, IndexedFile)>> {
        let mut exact = self.tx.prepare_cached(
            "SELECT file_id, path, module, source_root, is_package, is_stub FROM files \
             WHERE module = ?1",
        )?;
        let mut below = self.tx.prepare_cached(
            "SELECT file_id, path, module, source_root, is_package, is_stub FROM files \
             WHERE module > ?1 || '.' AND module < ?1 || '/' ORDER BY module, path LIMIT 1",
        )?;
        let row = |r: &rusqlite::Row<'_>| -> rusqlite::Result<(i64, IndexedFile)> {
            Ok((
                r.get(0)?,
                IndexedFile {
                    rel_path: r.get(1)?,
                    module: crate::resolve::ModulePath {
                        module: r.get(2)?,
                        source_root: r.get(3)?,
                        is_package: r.get(4)?,
                        is_stub: r.get(5)?,
                    },
                },
            ))
        };
        let mut out: std::collections::BTreeMap<i64, IndexedFile> = Default::default();
        for name in names {
            for r in exact.query_map([name], row)? {
                let (id, f) = r?;
                out.insert(id, f);
            }
            for r in below.query_map([name], row)? {
                let (id, f) = r?;
                out.insert(id, f);
            }
        }
        let mut v: Vec<(i64, IndexedFile)> = out.into_iter().collect();
        v.sort_by(|a, b| a.1.rel_path.cmp(&b.1.rel_path));
        Ok(v)
    }

    /// The stored imports of every file, in statement order, with their row ids.
    pub fn cached_imports(&self) -> Result<CachedImports> {
        let mut stmt = self.tx.prepare(
            "SELECT file_id, rowid, form, module, level, name, alias, is_star, scope, \
             type_checking, guarded, conditional, main_only FROM imports \
             ORDER BY file_id, rowid",
        )?;
        let mut by_file: HashMap<i64, (Vec<ImportFact>, Vec<i64>)> = HashMap::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let file_id: i64 = r.get(0)?;
            let fact = stored_import(r, 2)?;
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
