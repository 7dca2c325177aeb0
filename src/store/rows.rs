//! Multi-row INSERTs: a file's rows of one table are sent 32 at a time, which halves the
//! per-statement work of SQLite for the large tables (bindings, scopes, definitions).
//!
//! [`Rows::replace`] makes a file's stored rows of a table equal to the buffered ones and
//! writes nothing when they already are: a re-index after an edit that leaves most facts of
//! a file as they were (a fix that rewrites one import, a changed comment) reads those tables
//! and writes only the ones that changed.

use rusqlite::Connection;
use rusqlite::types::{ToSqlOutput, Value, ValueRef};

const CHUNK: usize = 32;

/// How a file's stored rows of a table compare with the buffered ones.
enum Stored {
    Same,
    /// As many rows; these (position, stored key) differ: updated in place.
    Differ {
        rows: Vec<(usize, i64)>,
        /// The columns that differ in some row: (place among the buffered values, name).
        columns: Vec<(usize, String)>,
    },
    /// Another number of rows, most rows changed in most columns, or a key that moved:
    /// rewrite them all.
    Other,
}

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

    /// Makes the stored rows of `file_id` in this table exactly the buffered rows, in order.
    /// When they already are (the same values in the same order), nothing is written. When as
    /// many rows are stored and only a few differ, those are updated in place (a fix that
    /// rewrites one import changes the columns of one binding among dozens). Otherwise the
    /// file's rows are deleted and the buffered ones inserted. `fresh`: the file has no stored
    /// rows (a new file in an empty index), so nothing is read or deleted.
    pub(super) fn replace(
        self,
        conn: &Connection,
        file_id: i64,
        fresh: bool,
    ) -> rusqlite::Result<()> {
        if fresh {
            return self.insert(conn);
        }
        match self.compare_stored(conn, file_id)? {
            Stored::Same => Ok(()),
            Stored::Differ { rows, columns } => self.update(conn, file_id, &rows, &columns),
            Stored::Other => {
                conn.prepare_cached(&format!("DELETE FROM {} WHERE file_id = ?1", self.table))?
                    .execute([file_id])?;
                self.insert(conn)
            }
        }
    }

    /// Compares the stored rows of `file_id` with the buffered ones, in the order they were
    /// inserted (rowid; for the `WITHOUT ROWID` tables, their key). A value stored in another
    /// form than it was given (a type affinity conversion) counts as a difference, so the
    /// answer errs only towards writing.
    fn compare_stored(&self, conn: &Connection, file_id: i64) -> rusqlite::Result<Stored> {
        let columns = if self.columns.is_empty() {
            "*"
        } else {
            self.columns.trim_start_matches('(').trim_end_matches(')')
        };
        let key = stored_order(self.table);
        let mut st = conn.prepare_cached(&format!(
            "SELECT {key}, {columns} FROM {} WHERE file_id = ?1 ORDER BY {key}",
            self.table,
        ))?;
        if st.column_count() != self.ncols + 1 {
            return Ok(Stored::Other);
        }
        // The key's place among the columns (a `WITHOUT ROWID` table's key is one of them).
        let key_column = (key != "rowid")
            .then(|| (1..=self.ncols).find(|&i| st.column_name(i).ok() == Some(key)))
            .flatten();
        if self.ncols > 64 {
            return Ok(Stored::Other);
        }
        let mut stored = st.query([file_id])?;
        let mut wanted = self.vals.chunks_exact(self.ncols).enumerate();
        let mut differ = Vec::new();
        // The columns (bit i: column i + 1) some row differs in.
        let mut changed = 0u64;
        while let Some(row) = stored.next()? {
            let Some((n, want)) = wanted.next() else {
                return Ok(Stored::Other);
            };
            let mut mask = 0u64;
            for (i, v) in want.iter().enumerate() {
                let have = row.get_ref(i + 1)?;
                let equal = match v {
                    ToSqlOutput::Borrowed(r) => have == *r,
                    ToSqlOutput::Owned(v) => have == ValueRef::from(v),
                    _ => false,
                };
                if !equal {
                    mask |= 1 << i;
                }
            }
            if mask != 0 {
                // A row that would move to another key is not updated in place: it could
                // take the key of a row not written yet.
                if key_column.is_some_and(|k| mask & (1 << (k - 1)) != 0) {
                    return Ok(Stored::Other);
                }
                changed |= mask;
                differ.push((n, row.get::<_, i64>(0)?));
            }
        }
        drop(stored);
        if wanted.next().is_some() {
            return Ok(Stored::Other);
        }
        if differ.is_empty() {
            return Ok(Stored::Same);
        }
        // Updating only the columns that changed leaves the indexes of the others alone; when
        // most rows change in most columns, the rows are written again instead.
        let total = self.vals.len() / self.ncols.max(1);
        if differ.len() * 2 > total && changed.count_ones() as usize * 2 > self.ncols {
            return Ok(Stored::Other);
        }
        Ok(Stored::Differ {
            rows: differ,
            columns: (1..=self.ncols)
                .filter(|i| changed & (1 << (i - 1)) != 0)
                .map(|i| Ok((i - 1, st.column_name(i)?.to_string())))
                .collect::<rusqlite::Result<_>>()?,
        })
    }

    /// Writes the buffered rows `rows` (position, and the key of the stored row in that place)
    /// over the stored ones.
    fn update(
        &self,
        conn: &Connection,
        file_id: i64,
        rows: &[(usize, i64)],
        columns: &[(usize, String)],
    ) -> rusqlite::Result<()> {
        let key = stored_order(self.table);
        let set: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(i, (_, c))| format!("{c} = ?{}", i + 1))
            .collect();
        let (n, m) = (self.ncols, columns.len());
        let mut st = conn.prepare_cached(&format!(
            "UPDATE {} SET {} WHERE file_id = ?{} AND {key} = ?{}",
            self.table,
            set.join(", "),
            m + 1,
            m + 2
        ))?;
        for &(at, stored_key) in rows {
            let row = &self.vals[at * n..(at + 1) * n];
            for (i, (c, _)) in columns.iter().enumerate() {
                st.raw_bind_parameter(i + 1, &row[*c])?;
            }
            st.raw_bind_parameter(m + 1, file_id)?;
            st.raw_bind_parameter(m + 2, stored_key)?;
            st.raw_execute()?;
        }
        Ok(())
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

/// The order a file's rows of `table` were inserted in: the key of a `WITHOUT ROWID` table
/// (whose rows are inserted in key order), else the rowid.
fn stored_order(table: &str) -> &'static str {
    match table {
        "first_party_modules" => "module",
        "scopes" => "scope_id",
        "bindings" => "binding_id",
        "branches" => "branch_id",
        "notebook_cells" => "cell",
        _ => "rowid",
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

    fn stored(conn: &Connection) -> Vec<(i64, String, Option<i64>)> {
        conn.prepare("SELECT a, b, c FROM t ORDER BY rowid")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn replace_writes_only_a_table_whose_rows_changed() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t(file_id INTEGER, a INTEGER, b TEXT, c INTEGER);\
             INSERT INTO t VALUES (2, 9, 'other', NULL);",
        )
        .unwrap();
        let names = ["a", "b", "c"];
        let put = |rows: &[(i64, &str, Option<i64>)]| {
            let mut r = Rows::with_columns("t", "(file_id, a, b, c)", 4, rows.len());
            for (a, b, c) in rows {
                r.push([int(1), int(*a), text(b), opt_int(*c)]);
            }
            let before = conn.total_changes();
            r.replace(&conn, 1, false).unwrap();
            conn.total_changes() - before
        };
        let first = [(0, names[0], None), (1, names[1], Some(4))];
        assert!(put(&first) > 0);
        // The same rows again: nothing written.
        assert_eq!(put(&first), 0);
        // One value differs (NULL against a number too), a row more, a row fewer, none.
        assert!(put(&[(0, names[0], Some(0)), (1, names[1], Some(4))]) > 0);
        assert!(
            put(&[
                (0, names[0], Some(0)),
                (1, names[1], Some(4)),
                (2, names[2], None)
            ]) > 0
        );
        assert_eq!(
            stored(&conn),
            vec![
                (9, "other".into(), None),
                (0, "a".into(), Some(0)),
                (1, "b".into(), Some(4)),
                (2, "c".into(), None)
            ]
        );
        assert!(put(&[(1, names[1], Some(4))]) > 0);
        assert!(put(&[]) > 0);
        assert_eq!(put(&[]), 0);
        // Another file's rows are never touched.
        assert_eq!(stored(&conn), vec![(9, "other".into(), None)]);
    }

    #[test]
    fn an_update_sets_only_the_columns_that_changed_and_never_moves_a_key() {
        let conn = Connection::open_in_memory().unwrap();
        // The key after the other columns; a trigger counts writes to `c`.
        conn.execute_batch(
            "CREATE TABLE scopes(file_id INTEGER, b TEXT, c INTEGER, scope_id INTEGER, \
             PRIMARY KEY (file_id, scope_id)) WITHOUT ROWID;\
             CREATE TABLE writes_to_c(n INTEGER); INSERT INTO writes_to_c VALUES (0);\
             CREATE TRIGGER c_written AFTER UPDATE OF c ON scopes \
             BEGIN UPDATE writes_to_c SET n = n + 1; END;",
        )
        .unwrap();
        let put = |rows: &[(&str, i64, i64)]| {
            let mut r = Rows::new("scopes", 4, rows.len());
            for (b, c, id) in rows {
                r.push([int(1), text(b), int(*c), int(*id)]);
            }
            r.replace(&conn, 1, false).unwrap();
        };
        let stored = || -> Vec<(String, i64, i64)> {
            conn.prepare("SELECT b, c, scope_id FROM scopes ORDER BY scope_id")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        let writes_to_c = || -> i64 {
            conn.query_row("SELECT n FROM writes_to_c", [], |r| r.get(0))
                .unwrap()
        };
        put(&[("a", 1, 0), ("b", 2, 1), ("c", 3, 2)]);
        // A row changes in `b` only, then every row does: updated in place, `c` not written.
        put(&[("a", 1, 0), ("B", 2, 1), ("c", 3, 2)]);
        put(&[("A", 1, 0), ("B", 2, 1), ("C", 3, 2)]);
        assert_eq!(writes_to_c(), 0);
        put(&[("A", 1, 0), ("B", 5, 1), ("C", 3, 2)]);
        assert_eq!(writes_to_c(), 1);
        // A row whose key moves along with an earlier column: rewritten, not updated into
        // the key of the row after it.
        put(&[("A", 1, 0), ("x", 5, 2), ("y", 3, 3)]);
        assert_eq!(
            stored(),
            vec![("A".into(), 1, 0), ("x".into(), 5, 2), ("y".into(), 3, 3)]
        );
    }

    #[test]
    fn a_keyed_table_is_updated_in_place_unless_a_key_moves() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE bindings(file_id INTEGER, binding_id INTEGER, name TEXT, \
             PRIMARY KEY (file_id, binding_id)) WITHOUT ROWID;",
        )
        .unwrap();
        let put = |rows: &[(i64, &str)]| {
            let mut r = Rows::new("bindings", 3, rows.len());
            for (id, name) in rows {
                r.push([int(1), int(*id), text(name)]);
            }
            r.replace(&conn, 1, false).unwrap();
        };
        let stored = || -> Vec<(i64, String)> {
            conn.prepare("SELECT binding_id, name FROM bindings ORDER BY binding_id")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        put(&[(0, "a"), (1, "b"), (2, "c"), (3, "d")]);
        put(&[(0, "a"), (1, "B"), (2, "c"), (3, "d")]);
        assert_eq!(
            stored(),
            vec![
                (0, "a".into()),
                (1, "B".into()),
                (2, "c".into()),
                (3, "d".into())
            ]
        );
        // Keys that move (one row fewer in the middle, one more at the end): rewritten.
        put(&[(0, "a"), (2, "c"), (3, "d"), (4, "e")]);
        assert_eq!(
            stored(),
            vec![
                (0, "a".into()),
                (2, "c".into()),
                (3, "d".into()),
                (4, "e".into())
            ]
        );
    }
}
