//! Findings as facts: codefacts' own and those ingested from Ruff (`findings`).

use anyhow::Result;
use rusqlite::params;

use super::Writer;

/// Per path, (first line, last line, qualified name) of each function and class.
pub type DefinitionSpans = std::collections::HashMap<String, Vec<(i64, i64, String)>>;

/// Every function's and class's statement lines and qualified name, by path (what a finding's
/// scope is looked up in).
fn definition_spans(conn: &rusqlite::Connection) -> Result<DefinitionSpans> {
    spans_where(conn, "", None)
}

fn spans_where(
    conn: &rusqlite::Connection,
    filter: &str,
    paths: Option<String>,
) -> Result<DefinitionSpans> {
    let mut stmt = conn.prepare(&format!(
        "SELECT f.path, d.stmt_line, d.stmt_end_line, d.qualname FROM definitions d \
         JOIN files f ON f.file_id = d.file_id \
         WHERE d.kind IN ('class', 'function', 'async_function'){filter}"
    ))?;
    let mut out = DefinitionSpans::default();
    let mut rows = match paths {
        Some(p) => stmt.query([p])?,
        None => stmt.query([])?,
    };
    while let Some(r) = rows.next()? {
        out.entry(r.get(0)?)
            .or_default()
            .push((r.get(1)?, r.get(2)?, r.get(3)?));
    }
    Ok(out)
}

impl super::Store {
    /// [`Writer::definition_spans`] on a read-only store.
    pub fn definition_spans(&self) -> Result<DefinitionSpans> {
        definition_spans(&self.conn)
    }

    /// [`Store::definition_spans`] of these paths only.
    pub fn definition_spans_of(
        &self,
        paths: &std::collections::BTreeSet<String>,
    ) -> Result<DefinitionSpans> {
        spans_where(
            &self.conn,
            " AND f.path IN (SELECT value FROM json_each(?1))",
            Some(serde_json::to_string(paths)?),
        )
    }
}

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
    /// The enclosing function or class (see `ratchet::enclosing_scope`).
    pub scope: String,
    /// The rule-specific identity key (see `ratchet::anchor_key`).
    pub anchor: String,
}

impl Writer<'_> {
    /// Replaces every finding of `source` (`codefacts` or `ruff`) with `rows`, in order.
    pub fn replace_findings(&self, source: &str, rows: &[FindingRow]) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM findings WHERE source = ?1")?
            .execute([source])?;
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO findings(source, path, code, name, message, line, col, end_line, \
               end_col, cell, noqa_row, url, severity, fix, ordinal, scope, anchor) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        )?;
        for (i, r) in rows.iter().enumerate() {
            stmt.execute(params![
                source, r.path, r.code, r.name, r.message, r.line, r.col, r.end_line, r.end_col,
                r.cell, r.noqa_row, r.url, r.severity, r.fix, i as i64, r.scope, r.anchor,
            ])?;
        }
        Ok(())
    }

    /// Per indexed file, the (first line, last line, qualified name) of its functions and
    /// classes: what a finding's enclosing scope is found in.
    pub fn definition_spans(&self) -> Result<DefinitionSpans> {
        definition_spans(&self.tx)
    }

    /// Replaces the loaded baseline counts.
    pub fn replace_baseline_counts(&self, counts: &[(String, String, usize)]) -> Result<()> {
        self.tx.execute("DELETE FROM baseline_counts", [])?;
        let mut stmt = self.tx.prepare_cached(
            "INSERT OR REPLACE INTO baseline_counts(path, code, count) VALUES (?1, ?2, ?3)",
        )?;
        for (p, c, n) in counts {
            stmt.execute(params![p, c, *n as i64])?;
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
