//! The run's single write transaction.

use std::path::PathBuf;

use anyhow::Result;
use rusqlite::{Transaction, params};

use super::explain;
use super::rows::{Rows, int, opt_int, opt_text, text};
use crate::config::Lane;
use crate::facts::FileFacts;
use crate::resolve::{ModulePath, Resolution};
use crate::semantic::SemanticFacts;

/// `(name, statement)` of every `CREATE INDEX` in the schema.
fn secondary_indexes() -> Vec<(&'static str, &'static str)> {
    super::SCHEMA_SQL
        .lines()
        .filter_map(|l| {
            let rest = l.trim().strip_prefix("CREATE INDEX IF NOT EXISTS ")?;
            let name = rest.split_whitespace().next()?;
            Some((name, l.trim().trim_end_matches(';')))
        })
        .collect()
}

/// The `files` row of a file.
pub struct FileRow<'a> {
    pub path: &'a str,
    pub module: &'a ModulePath,
    pub lane: &'a str,
    pub size: u64,
    pub mtime_ns: i64,
    pub lines: u32,
    pub hash: &'a str,
    pub encoding: &'a str,
    pub status: &'a str,
    pub error: Option<&'a str>,
    pub decode_errors: u32,
    pub syntax_errors: u32,
}

/// Writes of one run; nothing is visible to others until [`Writer::commit`].
pub struct Writer<'c> {
    pub(super) tx: Transaction<'c>,
    pub(super) path: PathBuf,
}

impl<'c> Writer<'c> {
    pub(super) fn new(tx: Transaction<'c>, path: PathBuf) -> Self {
        Writer { tx, path }
    }

    pub fn commit(self) -> Result<()> {
        let path = self.path.clone();
        // Test hook: stop right before the commit so a test can kill the process here.
        if let Some(marker) = std::env::var_os("CODEFACTS_TEST_HANG_BEFORE_COMMIT") {
            let _ = std::fs::write(&marker, b"ready");
            loop {
                std::thread::sleep(std::time::Duration::from_secs(1));
            }
        }
        self.tx.commit().map_err(|e| explain(e, &path))
    }

    /// Drops the *lookup indexes* (by name, by module: the ones led by a text column) before
    /// a bulk load into an empty index: building them once at the end is cheaper than keeping
    /// them up to date row by row. [`Writer::create_indexes`] builds them again, in the same
    /// transaction or (after a cold `check`, whose rules do not use them) in the next run that
    /// wants them. Kept live: indexes led by `file_id` (rows arrive nearly in file-id order,
    /// so keeping them costs little), partial indexes (few rows match; the rules use them)
    /// and those on `files` (one row per file; F401 looks modules up).
    pub fn drop_indexes(&self) -> Result<()> {
        for (name, stmt) in secondary_indexes() {
            let columns = stmt.split_once('(').map_or("", |(_, rest)| rest);
            if columns.starts_with("file_id")
                || stmt.contains(" WHERE ")
                || stmt.contains(" ON files(")
            {
                continue;
            }
            self.tx
                .execute(&format!("DROP INDEX IF EXISTS {name}"), [])?;
        }
        Ok(())
    }

    pub fn create_indexes(&self) -> Result<()> {
        for (_, stmt) in secondary_indexes() {
            self.tx.execute(stmt, [])?;
        }
        Ok(())
    }

    /// Deletes a file and (by cascade) all its facts.
    pub fn remove_file(&self, file_id: i64) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM files WHERE file_id = ?1")?
            .execute([file_id])?;
        Ok(())
    }

    /// Inserts or updates a file's row (a new file gets `file_id`); returns its id.
    pub fn upsert_file(&self, file_id: i64, row: &FileRow) -> Result<i64> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO files(path, module, is_package, is_stub, source_root, lane, size, mtime_ns, \
               lines, hash, encoding, status, error, decode_errors, syntax_errors, file_id) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) \
             ON CONFLICT(path) DO UPDATE SET module = excluded.module, \
               is_package = excluded.is_package, is_stub = excluded.is_stub, \
               source_root = excluded.source_root, lane = excluded.lane, size = excluded.size, \
               mtime_ns = excluded.mtime_ns, lines = excluded.lines, hash = excluded.hash, \
               encoding = excluded.encoding, status = excluded.status, error = excluded.error, \
               decode_errors = excluded.decode_errors, syntax_errors = excluded.syntax_errors \
             RETURNING file_id",
        )?;
        let id = stmt.query_row(
            params![
                row.path,
                row.module.module,
                row.module.is_package,
                row.module.is_stub,
                row.module.source_root,
                row.lane,
                row.size as i64,
                row.mtime_ns,
                row.lines,
                row.hash,
                row.encoding,
                row.status,
                row.error,
                row.decode_errors,
                row.syntax_errors,
                file_id,
            ],
            |r| r.get(0),
        )?;
        Ok(id)
    }

    /// Stores a notebook's code cells (call after [`Writer::replace_facts`], which deletes the
    /// old ones).
    pub fn set_cells(&self, file_id: i64, cells: &[crate::files::Cell]) -> Result<()> {
        let mut st = self
            .tx
            .prepare_cached("INSERT INTO notebook_cells VALUES (?1, ?2, ?3, ?4)")?;
        for c in cells {
            st.execute(params![file_id, c.number, c.first_line, c.lines])?;
        }
        Ok(())
    }

    /// Records a new stat for a file whose content did not change.
    pub fn touch(&self, file_id: i64, size: u64, mtime_ns: i64) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE files SET size = ?2, mtime_ns = ?3 WHERE file_id = ?1")?
            .execute(params![file_id, size as i64, mtime_ns])?;
        Ok(())
    }

    /// Updates what a file's row derives from its path and the configuration.
    pub fn update_placement(&self, file_id: i64, module: &ModulePath, lane: &str) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE files SET module = ?2, is_package = ?3, is_stub = ?4, source_root = ?5, \
                 lane = ?6 WHERE file_id = ?1",
            )?
            .execute(params![
                file_id,
                module.module,
                module.is_package,
                module.is_stub,
                module.source_root,
                lane
            ])?;
        Ok(())
    }

    /// Replaces every fact of a file. `targets[i]` is the file id the i-th import loads.
    /// `fresh` skips reading and deleting old facts: only for a file inserted into an empty
    /// index. A table whose stored rows for the file are already the new ones is not written
    /// ([`Rows::replace`]). `semantic` holds the file's scopes and bindings (None for a file
    /// that was not parsed) and `references` says whether every name load goes into
    /// `name_references`; `package` is the file's top-level package when that counts as
    /// first-party.
    #[allow(clippy::too_many_arguments)]
    pub fn replace_facts(
        &self,
        file_id: i64,
        facts: &FileFacts,
        semantic: Option<(&SemanticFacts, bool)>,
        package: Option<&str>,
        resolutions: &[Resolution],
        targets: &[Option<i64>],
        fresh: bool,
    ) -> Result<()> {
        if !fresh {
            // Written by `set_cells` after this call.
            self.tx
                .prepare_cached("DELETE FROM notebook_cells WHERE file_id = ?1")?
                .execute([file_id])?;
        }
        super::semantic::replace(&self.tx, file_id, semantic, package, fresh)?;
        let mut rows = Rows::with_columns(
            "imports",
            "(file_id, form, module, level, absolute_module, name, alias, is_star, line, col, \
             end_line, end_col, stmt_line, stmt_col, stmt_end_line, stmt_end_col, stmt_start, \
             stmt_end, name_start, name_end, scope, type_checking, guarded, conditional, \
             main_only, target_module, target_file_id, target_kind)",
            28,
            facts.imports.len(),
        );
        for (i, imp) in facts.imports.iter().enumerate() {
            let res = resolutions.get(i);
            rows.push([
                int(file_id),
                text(imp.form.as_str()),
                text(&imp.module),
                int(imp.level),
                opt_text(res.and_then(|r| r.absolute_module.as_deref())),
                text(&imp.name),
                opt_text(imp.alias.as_deref()),
                int(imp.is_star),
                int(imp.name_span.line),
                int(imp.name_span.col),
                int(imp.name_span.end_line),
                int(imp.name_span.end_col),
                int(imp.stmt_span.line),
                int(imp.stmt_span.col),
                int(imp.stmt_span.end_line),
                int(imp.stmt_span.end_col),
                int(imp.stmt_span.start_byte as i64),
                int(imp.stmt_span.end_byte as i64),
                int(imp.name_span.start_byte as i64),
                int(imp.name_span.end_byte as i64),
                text(imp.scope.as_str()),
                int(imp.type_checking),
                int(imp.guarded),
                int(imp.conditional),
                int(imp.main_only),
                opt_text(res.and_then(|r| r.target_module.as_deref())),
                opt_int(targets.get(i).copied().flatten()),
                text(res.map(|r| r.kind.as_str()).unwrap_or("unresolved")),
            ]);
        }
        rows.replace(&self.tx, file_id, fresh)?;
        let decorators: Vec<String> = facts
            .definitions
            .iter()
            .map(|d| {
                if d.decorators.is_empty() {
                    Ok("[]".to_string())
                } else {
                    serde_json::to_string(&d.decorators)
                }
            })
            .collect::<Result<_, _>>()?;
        let mut defs = Rows::new("definitions", 14, facts.definitions.len());
        for (d, decorators) in facts.definitions.iter().zip(&decorators) {
            defs.push([
                int(file_id),
                text(&d.name),
                text(&d.qualname),
                text(d.kind.as_str()),
                text(d.scope.as_str()),
                opt_text(d.enclosing_class.as_deref()),
                text(decorators),
                int(d.conditional),
                int(d.name_span.line),
                int(d.name_span.col),
                int(d.name_span.end_line),
                int(d.name_span.end_col),
                int(d.stmt_span.line),
                int(d.stmt_span.end_line),
            ]);
        }
        defs.replace(&self.tx, file_id, fresh)?;
        let mut all = Rows::with_columns(
            "dunder_all",
            "(file_id, name, form, line, col, end_line, end_col)",
            7,
            facts.all_entries.len(),
        );
        for a in &facts.all_entries {
            all.push([
                int(file_id),
                text(&a.name),
                text(a.form.as_str()),
                int(a.span.line),
                int(a.span.col),
                int(a.span.end_line),
                int(a.span.end_col),
            ]);
        }
        all.replace(&self.tx, file_id, fresh)?;
        let mut exports = Rows::with_columns(
            "module_exports",
            "(file_id, name, kind, line, in_all)",
            5,
            facts.exports.len(),
        );
        for e in &facts.exports {
            exports.push([
                int(file_id),
                text(&e.name),
                text(e.kind.as_str()),
                int(e.line),
                int(e.in_all),
            ]);
        }
        exports.replace(&self.tx, file_id, fresh)?;
        let mut returns = Rows::with_columns(
            "outside_returns",
            "(file_id, kind, in_class, line, col, end_line, end_col)",
            7,
            facts.outside_returns.len(),
        );
        for r in &facts.outside_returns {
            returns.push([
                int(file_id),
                text(r.kind.as_str()),
                opt_text(r.in_class.as_deref()),
                int(r.span.line),
                int(r.span.col),
                int(r.span.end_line),
                int(r.span.end_col),
            ]);
        }
        returns.replace(&self.tx, file_id, fresh)?;
        let mut errors = Rows::with_columns(
            "syntax_errors",
            "(file_id, kind, text, line, col, end_line, end_col)",
            7,
            facts.syntax_errors.len(),
        );
        for e in &facts.syntax_errors {
            errors.push([
                int(file_id),
                text(e.kind.as_str()),
                text(&e.text),
                int(e.span.line),
                int(e.span.col),
                int(e.span.end_line),
                int(e.span.end_col),
            ]);
        }
        errors.replace(&self.tx, file_id, fresh)?;
        let mut paths = Rows::with_columns(
            "path_strings",
            "(file_id, value, line, col)",
            4,
            facts.path_strings.len(),
        );
        for s in &facts.path_strings {
            paths.push([
                int(file_id),
                text(&s.value),
                int(s.span.line),
                int(s.span.col),
            ]);
        }
        paths.replace(&self.tx, file_id, fresh)?;
        Ok(())
    }

    /// Rewrites the resolution of one stored import row.
    pub fn update_resolution(
        &self,
        rowid: i64,
        res: &Resolution,
        target: Option<i64>,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE imports SET absolute_module = ?2, target_module = ?3, target_file_id = ?4, \
                 target_kind = ?5 WHERE rowid = ?1",
            )?
            .execute(params![
                rowid,
                res.absolute_module,
                res.target_module,
                target,
                res.kind.as_str()
            ])?;
        Ok(())
    }

    /// Replaces the paths of the repository's other files.
    pub fn replace_repo_files(&self, paths: &[String]) -> Result<()> {
        self.tx.execute("DELETE FROM repo_files", [])?;
        let mut stmt = self
            .tx
            .prepare_cached("INSERT OR IGNORE INTO repo_files(path) VALUES (?1)")?;
        for p in paths {
            stmt.execute([p])?;
        }
        Ok(())
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.tx
            .prepare_cached("INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)")?
            .execute([key, value])?;
        Ok(())
    }

    /// Replaces the lanes, source roots and known-first-party tables.
    pub fn set_layout(
        &self,
        lanes: &[Lane],
        source_roots: &[String],
        known_first_party: &[String],
        renames: &[(String, String)],
    ) -> Result<()> {
        self.tx.execute("DELETE FROM path_renames", [])?;
        for (old, new) in renames {
            self.tx.execute(
                "INSERT OR REPLACE INTO path_renames(old, new) VALUES (?1, ?2)",
                [old, new],
            )?;
        }
        self.tx.execute("DELETE FROM lanes", [])?;
        self.tx.execute("DELETE FROM source_roots", [])?;
        self.tx.execute("DELETE FROM known_first_party", [])?;
        for name in known_first_party {
            self.tx.execute(
                "INSERT OR IGNORE INTO known_first_party(name) VALUES (?1)",
                [name],
            )?;
        }
        for (i, lane) in lanes.iter().enumerate() {
            self.tx.execute(
                "INSERT INTO lanes(position, name, mode, globs) VALUES (?1, ?2, ?3, ?4)",
                params![
                    i as i64,
                    lane.name,
                    lane.mode.as_str(),
                    serde_json::to_string(&lane.globs)?
                ],
            )?;
        }
        for r in source_roots {
            self.tx
                .execute("INSERT OR IGNORE INTO source_roots(path) VALUES (?1)", [r])?;
        }
        Ok(())
    }
}
