//! Read-only, ad-hoc SQL.

use std::time::{Duration, Instant};

use anyhow::Result;
use rusqlite::OptionalExtension;
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
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

impl QueryResult {
    /// The index of the column named `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }
}

impl Value {
    /// The text, if the value is text.
    pub fn text(&self) -> Option<String> {
        match self {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        }
    }

    /// The integer as a line or column number (0 when not an integer).
    pub fn int(&self) -> u32 {
        match self {
            Value::Integer(n) => *n as u32,
            _ => 0,
        }
    }

    /// The number as a float (0 when not a number).
    pub fn real(&self) -> f64 {
        match self {
            Value::Real(x) => *x,
            Value::Integer(n) => *n as f64,
            _ => 0.0,
        }
    }
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

    /// Whether some indexed file is the module `name`, and if not, up to five modules whose
    /// name ends like it (for a message).
    pub fn module_exists(&self, name: &str) -> Result<(bool, Vec<String>)> {
        let found: Option<i64> = self
            .conn
            .query_row(
                "SELECT 1 FROM files WHERE module = ?1 LIMIT 1",
                [name],
                |r| r.get(0),
            )
            .optional()?;
        if found.is_some() {
            return Ok((true, Vec::new()));
        }
        let last = name.rsplit('.').next().unwrap_or(name);
        let mut st = self.conn.prepare(
            "SELECT module FROM files WHERE module = ?1 OR module LIKE '%.' || ?1 \
             ORDER BY length(module), module LIMIT 5",
        )?;
        let near = st
            .query_map([last], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok((false, near))
    }

    /// (path, lane) of every indexed file.
    pub fn file_lanes(&self) -> Result<Vec<(String, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT path, lane FROM files ORDER BY path")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many of these repo-relative paths the index holds.
    pub fn count_indexed(&self, paths: &[String]) -> Result<usize> {
        let list = serde_json::to_string(paths)?;
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM files WHERE path IN (SELECT value FROM json_each(?1))",
            [list],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// Runs one or more statements; the result of the last one that returns columns is kept.
    pub fn query(&self, sql: &str) -> Result<QueryResult> {
        self.query_with(sql, &[])
    }

    /// Like [`Store::query`], binding named parameters (`:name`) from `params`.
    pub fn query_with(&self, sql: &str, params: &[(String, String)]) -> Result<QueryResult> {
        let mut sink = Collect::default();
        self.stream(sql, params, &mut sink)?;
        Ok(QueryResult {
            columns: sink.columns,
            rows: sink.rows,
        })
    }

    /// Runs one or more statements and hands the rows of the last one that returns columns to
    /// `sink` as SQLite produces them (nothing is buffered here). Every statement is prepared
    /// before any runs, so an error in the last one costs nothing; the earlier ones run to
    /// completion and their rows are dropped. Only reading statements are accepted: on top of
    /// the read-only connection, the authorizer and `sqlite3_stmt_readonly` refuse the rest.
    pub fn stream(
        &self,
        sql: &str,
        params: &[(String, String)],
        sink: &mut dyn RowSink,
    ) -> Result<()> {
        let mut statements = Vec::new();
        let mut rest = sql.trim();
        while !rest.is_empty() {
            let (stmt_sql, tail) = split_first_statement(rest);
            let trimmed = stmt_sql.trim();
            rest = tail.trim_start();
            if trimmed.is_empty() || trimmed == ";" {
                continue;
            }
            let stmt = self
                .conn
                .prepare(trimmed)
                .map_err(|e| SqlError(sqlite_message(&e)))?;
            if !stmt.readonly() {
                return Err(SqlError(format!(
                    "`{}` writes; codefacts sql only reads the index (it is read-only)",
                    first_words(trimmed)
                ))
                .into());
            }
            statements.push(stmt);
        }
        let last = statements.iter().rposition(|s| s.column_count() > 0);
        for (i, stmt) in statements.iter_mut().enumerate() {
            let columns: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
            bind(stmt, params)?;
            let n = columns.len();
            let mut q = stmt.raw_query();
            let streaming = Some(i) == last;
            if streaming {
                sink.columns(&columns)?;
            }
            let mut row = Vec::with_capacity(n);
            while let Some(r) = q.next().map_err(|e| self.query_error(e))? {
                if !streaming {
                    continue;
                }
                row.clear();
                for c in 0..n {
                    row.push(match r.get_ref(c)? {
                        ValueRef::Null => Value::Null,
                        ValueRef::Integer(v) => Value::Integer(v),
                        ValueRef::Real(v) => Value::Real(v),
                        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
                    });
                }
                if !sink.row(&row)? {
                    break;
                }
            }
        }
        if last.is_none() {
            sink.columns(&[])?;
        }
        sink.finish()
    }

    fn query_error(&self, e: rusqlite::Error) -> anyhow::Error {
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::OperationInterrupted) {
            let secs = self.timeout.map(|t| t.as_secs_f64()).unwrap_or_default();
            return SqlError(format!("the query was stopped after {secs} s (--timeout)")).into();
        }
        SqlError(sqlite_message(&e)).into()
    }

    /// Stops any statement of this connection that runs longer than `limit` (a progress
    /// handler: checked every few thousand virtual-machine steps).
    pub fn set_timeout(&mut self, limit: Option<Duration>) -> Result<()> {
        self.timeout = limit;
        match limit {
            None => self.conn.progress_handler(0, None::<fn() -> bool>)?,
            Some(limit) => {
                let deadline = Instant::now() + limit;
                self.conn
                    .progress_handler(4_000, Some(move || Instant::now() >= deadline))?;
            }
        }
        Ok(())
    }
}

/// Where [`Store::stream`] sends a result: the column names once, then each row.
pub trait RowSink {
    fn columns(&mut self, columns: &[String]) -> Result<()>;
    /// Returns `false` to stop reading (the rest of the result is not computed).
    fn row(&mut self, row: &[Value]) -> Result<bool>;
    fn finish(&mut self) -> Result<()> {
        Ok(())
    }
}

#[derive(Default)]
struct Collect {
    columns: Vec<String>,
    rows: Vec<Vec<Value>>,
}

impl RowSink for Collect {
    fn columns(&mut self, columns: &[String]) -> Result<()> {
        self.columns = columns.to_vec();
        Ok(())
    }
    fn row(&mut self, row: &[Value]) -> Result<bool> {
        self.rows.push(row.to_vec());
        Ok(true)
    }
}

fn bind(stmt: &mut rusqlite::Statement<'_>, params: &[(String, String)]) -> Result<()> {
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
    Ok(())
}

fn first_words(sql: &str) -> String {
    sql.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
}

/// Pragmas a query may use: they only read. Those in `SETTINGS` only without a value.
const READ_PRAGMAS: &[&str] = &[
    "table_info",
    "table_xinfo",
    "table_list",
    "index_list",
    "index_info",
    "index_xinfo",
    "foreign_key_list",
    "foreign_key_check",
    "function_list",
    "pragma_list",
    "module_list",
    "collation_list",
    "database_list",
    "compile_options",
    "integrity_check",
    "quick_check",
    "data_version",
    "page_count",
    "freelist_count",
    "encoding",
];
const SETTINGS: &[&str] = &[
    "user_version",
    "schema_version",
    "application_id",
    "page_size",
    "journal_mode",
    "query_only",
    "foreign_keys",
    "cache_size",
];

/// The authorizer of read-only connections: reads, functions and reading pragmas pass;
/// everything else (writes, ATTACH, DDL, pragmas that set something) is denied while the
/// statement is prepared.
pub(super) fn read_only_authorizer(ctx: AuthContext<'_>) -> Authorization {
    match ctx.action {
        AuthAction::Select
        | AuthAction::Read { .. }
        | AuthAction::Function { .. }
        | AuthAction::Recursive => Authorization::Allow,
        AuthAction::Pragma {
            pragma_name,
            pragma_value,
        } => {
            let name = pragma_name.to_ascii_lowercase();
            if READ_PRAGMAS.contains(&name.as_str())
                || (SETTINGS.contains(&name.as_str()) && pragma_value.is_none())
            {
                Authorization::Allow
            } else {
                Authorization::Deny
            }
        }
        _ => Authorization::Deny,
    }
}

fn sqlite_message(e: &rusqlite::Error) -> String {
    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::AuthorizationForStatementDenied) {
        return "not authorized: codefacts sql only reads the index (it is read-only: no ATTACH, no writes, no \
                pragma that sets something)"
            .to_string();
    }
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
