//! Read-only, ad-hoc SQL.

use anyhow::Result;
use rusqlite::OptionalExtension;
use rusqlite::types::ValueRef;

use super::Store;

/// One SQL value, as SQLite typed it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// Columns and rows of a query, in the order SQLite returned them.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// An SQL error from the user's query (exit code 2), carrying SQLite's message.
#[derive(Debug, thiserror::Error)]
#[error("SQL error: {0}")]
pub struct SqlError(pub String);

impl Store {
    /// Whether the database holds the semantic layer (scopes, bindings, ...).
    pub fn has_semantic_layer(&self) -> Result<bool> {
        let value: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'semantic'", [], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(value.as_deref() == Some("1"))
    }

    /// (path, lane) of every indexed file.
    pub fn file_lanes(&self) -> Result<Vec<(String, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT path, lane FROM files ORDER BY path")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Runs one or more statements; the result of the last one that returns columns is kept.
    pub fn query(&self, sql: &str) -> Result<QueryResult> {
        self.query_with(sql, &[])
    }

    /// Like [`Store::query`], binding named parameters (`:name`) from `params`.
    pub fn query_with(&self, sql: &str, params: &[(String, String)]) -> Result<QueryResult> {
        let mut result = QueryResult {
            columns: Vec::new(),
            rows: Vec::new(),
        };
        let mut rest = sql.trim();
        while !rest.is_empty() {
            // rusqlite prepares the first statement; find where it ends via the tail.
            let (stmt_sql, tail) = split_first_statement(rest);
            let trimmed = stmt_sql.trim();
            rest = tail.trim_start();
            if trimmed.is_empty() || trimmed == ";" {
                continue;
            }
            let mut stmt = self
                .conn
                .prepare(trimmed)
                .map_err(|e| SqlError(sqlite_message(&e)))?;
            let columns: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
            let n = columns.len();
            let mut rows = Vec::new();
            for i in 1..=stmt.parameter_count() {
                let name = stmt.parameter_name(i).unwrap_or("?").to_string();
                let key = name.trim_start_matches([':', '@', '$']);
                match params.iter().find(|(k, _)| k == key) {
                    Some((_, v)) => stmt.raw_bind_parameter(i, v)?,
                    None => {
                        return Err(SqlError(format!(
                            "the query needs a value for {name} (--param {key}=VALUE)"
                        ))
                        .into());
                    }
                }
            }
            let mut q = stmt.raw_query();
            while let Some(r) = q.next().map_err(|e| SqlError(sqlite_message(&e)))? {
                let mut row = Vec::with_capacity(n);
                for i in 0..n {
                    row.push(match r.get_ref(i)? {
                        ValueRef::Null => Value::Null,
                        ValueRef::Integer(v) => Value::Integer(v),
                        ValueRef::Real(v) => Value::Real(v),
                        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
                    });
                }
                rows.push(row);
            }
            if n > 0 {
                result = QueryResult { columns, rows };
            }
        }
        Ok(result)
    }
}

fn sqlite_message(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(_, Some(msg)) => msg.clone(),
        rusqlite::Error::SqlInputError { msg, .. } => msg.clone(),
        other => other.to_string(),
    }
}

/// Splits off the first complete SQL statement (by SQLite's own completeness test).
fn split_first_statement(sql: &str) -> (&str, &str) {
    let bytes = sql.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b';' {
            let candidate = &sql[..=i];
            if is_complete(candidate) {
                return (candidate, &sql[i + 1..]);
            }
        }
    }
    (sql, "")
}

fn is_complete(sql: &str) -> bool {
    let Ok(c) = std::ffi::CString::new(sql) else {
        return false;
    };
    // SAFETY: sqlite3_complete reads a NUL-terminated string and keeps no pointer to it.
    unsafe { rusqlite::ffi::sqlite3_complete(c.as_ptr()) != 0 }
}
