//! Findings as facts: codefacts' own and those ingested from Ruff (`findings`).

use anyhow::Result;
use rusqlite::params;

use super::Writer;

/// One row of `findings`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingRow {
    pub path: String,
    pub code: String,
    pub name: Option<String>,
    pub message: String,
    pub line: i64,
    pub col: i64,
    pub end_line: i64,
    pub end_col: i64,
    pub cell: Option<i64>,
    pub noqa_row: Option<i64>,
    pub url: Option<String>,
    pub severity: Option<String>,
    /// JSON text.
    pub fix: Option<String>,
}

impl Writer<'_> {
    /// Replaces every finding of `source` (`codefacts` or `ruff`) with `rows`, in order.
    pub fn replace_findings(&self, source: &str, rows: &[FindingRow]) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM findings WHERE source = ?1")?
            .execute([source])?;
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO findings(source, path, code, name, message, line, col, end_line, \
               end_col, cell, noqa_row, url, severity, fix, ordinal) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        )?;
        for (i, r) in rows.iter().enumerate() {
            stmt.execute(params![
                source, r.path, r.code, r.name, r.message, r.line, r.col, r.end_line, r.end_col,
                r.cell, r.noqa_row, r.url, r.severity, r.fix, i as i64,
            ])?;
        }
        Ok(())
    }

    /// The repo-relative paths of every indexed file, sorted.
    pub fn indexed_paths(&self) -> Result<Vec<String>> {
        let mut stmt = self.tx.prepare("SELECT path FROM files ORDER BY path")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
