//! Writes and reads of the ownership facts: `manifests`, `manifest_exports`,
//! `codeowners_rules`, `file_owners`.

use std::collections::HashMap;

use anyhow::Result;
use rusqlite::params;

use super::{Writer, explain};
use crate::owners::{Assignment, CodeOwners, Manifest};

/// What the database remembers of a manifest file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredManifest {
    pub manifest_id: i64,
    pub size: u64,
    pub mtime_ns: i64,
    pub hash: String,
    pub valid: bool,
    pub error: Option<String>,
}

impl Writer<'_> {
    pub fn stored_manifests(&self) -> Result<HashMap<String, StoredManifest>> {
        let mut stmt = self
            .tx
            .prepare("SELECT manifest_id, path, size, mtime_ns, hash, valid, error FROM manifests")
            .map_err(|e| explain(e, &self.path))?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(1)?,
                StoredManifest {
                    manifest_id: r.get(0)?,
                    size: r.get::<_, i64>(2)? as u64,
                    mtime_ns: r.get(3)?,
                    hash: r.get(4)?,
                    valid: r.get::<_, i64>(5)? != 0,
                    error: r.get(6)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every stored manifest, sorted by path, with its id.
    pub fn manifests(&self) -> Result<Vec<(i64, String, Manifest)>> {
        let mut exports: HashMap<i64, Vec<(&'static str, String)>> = HashMap::new();
        {
            let mut stmt = self.tx.prepare(
                "SELECT manifest_id, field, name FROM manifest_exports ORDER BY manifest_id, position",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let field: String = r.get(1)?;
                let field = crate::owners::manifest::EXPORT_FIELDS
                    .into_iter()
                    .find(|f| *f == field)
                    .unwrap_or("exports");
                exports
                    .entry(r.get(0)?)
                    .or_default()
                    .push((field, r.get(2)?));
            }
        }
        let mut stmt = self.tx.prepare(
            "SELECT manifest_id, path, module, star, owner, owner_declared, valid, error \
             FROM manifests ORDER BY path",
        )?;
        let rows = stmt.query_map([], |r| {
            let id: i64 = r.get(0)?;
            Ok((
                id,
                r.get::<_, String>(1)?,
                Manifest {
                    module: r.get(2)?,
                    star: r.get(3)?,
                    owner: r.get(4)?,
                    owner_declared: r.get::<_, i64>(5)? != 0,
                    valid: r.get::<_, i64>(6)? != 0,
                    problem: r.get(7)?,
                    exports: Vec::new(),
                },
            ))
        })?;
        let mut out: Vec<(i64, String, Manifest)> = rows.collect::<rusqlite::Result<_>>()?;
        for (id, _, m) in &mut out {
            m.exports = exports.remove(id).unwrap_or_default();
        }
        Ok(out)
    }

    pub fn upsert_manifest(
        &self,
        path: &str,
        size: u64,
        mtime_ns: i64,
        hash: &str,
        m: &Manifest,
    ) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM manifests WHERE path = ?1")?
            .execute([path])?;
        self.tx
            .prepare_cached(
                "INSERT INTO manifests(path, dir, size, mtime_ns, hash, module, star, owner, \
                   owner_declared, valid, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                path,
                crate::owners::manifest_dir(path),
                size as i64,
                mtime_ns,
                hash,
                m.module,
                m.star,
                m.owner,
                m.owner_declared as i64,
                m.valid as i64,
                m.problem,
            ])?;
        let id = self.tx.last_insert_rowid();
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO manifest_exports(manifest_id, field, name, position) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (i, (field, name)) in m.exports.iter().enumerate() {
            stmt.execute(params![id, field, name, i as i64])?;
        }
        Ok(())
    }

    pub fn touch_manifest(&self, path: &str, size: u64, mtime_ns: i64) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE manifests SET size = ?2, mtime_ns = ?3 WHERE path = ?1")?
            .execute(params![path, size as i64, mtime_ns])?;
        Ok(())
    }

    pub fn remove_manifest(&self, path: &str) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM manifests WHERE path = ?1")?
            .execute([path])?;
        Ok(())
    }

    /// The stored CODEOWNERS lines GitHub would reject: (source, line, text, error).
    pub fn codeowners_errors(&self) -> Result<Vec<(String, u32, String, String)>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT source, line, pattern, error FROM codeowners_rules WHERE error IS NOT NULL ORDER BY line",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Replaces the stored CODEOWNERS lines (`None`: the repository has none in use).
    pub fn replace_codeowners(&self, source: Option<(&str, &CodeOwners)>) -> Result<()> {
        self.tx.execute("DELETE FROM codeowners_rules", [])?;
        let Some((source, co)) = source else {
            return Ok(());
        };
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO codeowners_rules(source, line, pattern, owners, error) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for r in &co.rules {
            stmt.execute(params![
                source,
                r.line,
                r.pattern,
                r.owners.join(" "),
                None::<String>
            ])?;
        }
        for i in &co.invalid {
            stmt.execute(params![source, i.line, i.text, "", i.error])?;
        }
        Ok(())
    }

    /// Replaces every file's owner. `files[i]` is the `file_id` of `assigned[i]`; `manifest_ids`
    /// maps an index into the manifests assigned from to its row id.
    pub fn replace_file_owners(
        &self,
        files: &[i64],
        assigned: &[Assignment],
        manifest_ids: &[i64],
        manifest_owners: &[Option<&str>],
        codeowners: Option<&CodeOwners>,
    ) -> Result<()> {
        self.tx.execute("DELETE FROM file_owners", [])?;
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO file_owners(file_id, manifest_id, star, manifest_owner, codeowners_line, \
               codeowners, owner, owner_source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for (file_id, a) in files.iter().zip(assigned) {
            let rule = a.rule.and_then(|i| codeowners.map(|co| &co.rules[i]));
            stmt.execute(params![
                file_id,
                a.manifest.map(|i| manifest_ids[i]),
                a.star,
                a.manifest.and_then(|i| manifest_owners[i]),
                rule.map(|r| r.line),
                rule.map(|r| r.owners.join(" ")),
                a.owner,
                a.owner_source,
            ])?;
        }
        Ok(())
    }
}
