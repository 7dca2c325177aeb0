//! Multi-row INSERTs: a file's rows of one table are sent 32 at a time, which halves the
//! per-statement work of SQLite for the large tables (bindings, scopes, definitions).

use rusqlite::Connection;
use rusqlite::types::{ToSqlOutput, Value, ValueRef};

const CHUNK: usize = 32;

/// Values of the rows to insert into one table, borrowed from the facts where possible.
pub(super) struct Rows<'a> {
    table: &'static str,
    /// `(a, b, c)` when not every column of the table is given, else empty.
    columns: &'static str,
    ncols: usize,
    vals: Vec<ToSqlOutput<'a>>,
}

pub(super) fn int(v: impl Into<i64>) -> ToSqlOutput<'static> {
    ToSqlOutput::Owned(Value::Integer(v.into()))
}

pub(super) fn opt_int<T: Into<i64>>(v: Option<T>) -> ToSqlOutput<'static> {
    match v {
        Some(v) => int(v),
        None => ToSqlOutput::Owned(Value::Null),
    }
}

pub(super) fn text(s: &str) -> ToSqlOutput<'_> {
    ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes()))
}

pub(super) fn opt_text(s: Option<&str>) -> ToSqlOutput<'_> {
    match s {
        Some(s) => text(s),
        None => ToSqlOutput::Owned(Value::Null),
    }
}

impl<'a> Rows<'a> {
    pub(super) fn new(table: &'static str, ncols: usize, rows: usize) -> Self {
        Rows {
            table,
            columns: "",
            ncols,
            vals: Vec::with_capacity(rows * ncols),
        }
    }

    /// Rows that give only `columns` (written `(a, b, c)`), in that order.
    pub(super) fn with_columns(
        table: &'static str,
        columns: &'static str,
        ncols: usize,
        rows: usize,
    ) -> Self {
        Rows {
            columns,
            ..Rows::new(table, ncols, rows)
        }
    }

    /// Adds one row (exactly `ncols` values).
    pub(super) fn push<const N: usize>(&mut self, row: [ToSqlOutput<'a>; N]) {
        debug_assert_eq!(N, self.ncols);
        self.vals.extend(row);
    }

    fn statement(&self, rows: usize) -> String {
        let one = format!("({})", vec!["?"; self.ncols].join(","));
        format!(
            "INSERT INTO {}{} VALUES {}",
            self.table,
            self.columns,
            vec![one; rows].join(",")
        )
    }

    /// Inserts every buffered row.
    pub(super) fn insert(self, conn: &Connection) -> rusqlite::Result<()> {
        let per_chunk = CHUNK * self.ncols;
        let mut chunks = self.vals.chunks_exact(per_chunk);
        if chunks.len() > 0 {
            let mut st = conn.prepare_cached(&self.statement(CHUNK))?;
            for chunk in chunks.by_ref() {
                for (i, v) in chunk.iter().enumerate() {
                    st.raw_bind_parameter(i + 1, v)?;
                }
                st.raw_execute()?;
            }
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut st = conn.prepare_cached(&self.statement(1))?;
            for row in rest.chunks_exact(self.ncols) {
                for (i, v) in row.iter().enumerate() {
                    st.raw_bind_parameter(i + 1, v)?;
                }
                st.raw_execute()?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserts_full_chunks_and_the_rest() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t(a INTEGER, b TEXT, c INTEGER)")
            .unwrap();
        let names: Vec<String> = (0..70).map(|i| format!("n{i}")).collect();
        let mut rows = Rows::new("t", 3, names.len());
        for (i, n) in names.iter().enumerate() {
            rows.push([int(i as i64), text(n), opt_int(None::<i64>)]);
        }
        rows.insert(&conn).unwrap();
        let (count, sum, last): (i64, i64, String) = conn
            .query_row(
                "SELECT count(*), sum(a), max(b) FROM t WHERE c IS NULL",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!((count, sum), (70, (0..70).sum::<i64>()));
        assert_eq!(last, "n9");
    }
}
