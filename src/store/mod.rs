//! The SQLite store: the only code that talks SQL.
//!
//! The database is a cache of the repository. It is opened in WAL mode with a busy timeout;
//! all writes of a run happen in one transaction, so a run killed midway leaves the previous
//! index intact. A database from another schema version, or a corrupt one, is rebuilt.

mod query;
mod read;
mod rows;
mod semantic;
mod write;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use rusqlite::{Connection, ErrorCode, OpenFlags};

pub use query::{QueryResult, Value};
pub use read::{CachedImports, StoredFile};
pub use write::{FileRow, Writer};

/// The schema, applied on open.
pub const SCHEMA_SQL: &str = include_str!("../../schema.sql");

/// Bumped whenever schema.sql or the meaning of a column changes.
pub const SCHEMA_VERSION: i64 = 1;

/// Whether `sql` names a table of the semantic layer (a whole-word, case-insensitive match, so a
/// table named in a string literal counts too: that only builds the layer early).
pub fn reads_semantic_tables(sql: &str) -> bool {
    let lower = sql.to_ascii_lowercase();
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    semantic::TABLES.iter().any(|table| {
        lower.match_indices(table).any(|(at, _)| {
            let before = at.checked_sub(1).map(|i| lower.as_bytes()[i]);
            let after = lower.as_bytes().get(at + table.len()).copied();
            !before.is_some_and(is_word) && !after.is_some_and(is_word)
        })
    })
}

/// How long a run waits for another run's write lock (`CODEFACTS_BUSY_TIMEOUT_MS` overrides).
pub fn busy_timeout() -> Duration {
    std::env::var("CODEFACTS_BUSY_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_millis)
        .unwrap_or(Duration::from_secs(300))
}

fn schema_fingerprint() -> String {
    blake3::hash(SCHEMA_SQL.as_bytes()).to_hex()[..16].to_string()
}

/// An open index database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// A new index is built in a scratch file beside `path` (no journal: nothing to protect
    /// yet) and renamed over `path` by [`Store::finish`]; dropped unfinished, it is deleted.
    staged: Option<PathBuf>,
}

/// What happened when the database was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenNote {
    Created,
    Existing,
    /// The old file was deleted and a new database created; the string says why.
    Rebuilt(String),
}

fn is_corruption(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt)
    )
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked)
    )
}

/// Turns SQLite's busy errors into a message a user can act on.
pub(crate) fn explain(e: rusqlite::Error, path: &Path) -> anyhow::Error {
    if is_busy(&e) {
        anyhow::anyhow!(
            "{} is locked by another process (waited {:.1} s): {e}",
            path.display(),
            busy_timeout().as_secs_f64()
        )
    } else if is_corruption(&e) {
        anyhow::anyhow!(
            "{} is corrupt ({e}); run `codefacts index` to rebuild it",
            path.display()
        )
    } else {
        anyhow::Error::new(e)
    }
}

fn remove_db_files(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot remove {}", Path::new(&p).display()));
            }
        }
    }
    Ok(())
}

impl Drop for Store {
    fn drop(&mut self) {
        // An unfinished staged build is discarded.
        if let Some(tmp) = self.staged.take() {
            let _ = remove_db_files(&tmp);
        }
    }
}

/// Deletes scratch files (`NAME.tmp-PID`) left by runs that were killed.
fn remove_orphaned_scratch(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!("{name}.tmp-");
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&prefix) else {
            continue;
        };
        let pid: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        let alive = Path::new("/proc").is_dir() && Path::new("/proc").join(&pid).exists();
        if !pid.is_empty() && !alive && Path::new("/proc").is_dir() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

enum Check {
    Fresh,
    Current,
    Stale(String),
}

fn check(conn: &Connection) -> rusqlite::Result<Check> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let tables: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
        [],
        |r| r.get(0),
    )?;
    if version == 0 && tables == 0 {
        return Ok(Check::Fresh);
    }
    if version != SCHEMA_VERSION {
        return Ok(Check::Stale(format!(
            "schema version {version}, this codefacts uses {SCHEMA_VERSION}"
        )));
    }
    let fp: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_fingerprint'",
            [],
            |r| r.get(0),
        )
        .ok();
    if fp.as_deref() != Some(&schema_fingerprint()) {
        return Ok(Check::Stale(
            "built by a codefacts with a different schema".into(),
        ));
    }
    Ok(Check::Current)
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    // A run uses a few dozen statements per file: keep them all prepared.
    conn.set_prepared_statement_cache_capacity(128);
    conn.busy_timeout(busy_timeout())?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "cache_size", -16_000)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

impl Store {
    /// Opens (creating or rebuilding as needed) the database for writing.
    pub fn open(path: &Path) -> Result<(Store, OpenNote)> {
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
            && !dir.exists()
        {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            if dir.file_name().is_some_and(|n| n == ".codefacts") {
                std::fs::write(dir.join(".gitignore"), "*\n")
                    .with_context(|| format!("cannot write {}/.gitignore", dir.display()))?;
            }
        }
        let mut rebuilt: Option<String> = None;
        if path.exists() {
            let conn = Connection::open(path)
                .with_context(|| format!("cannot open database {}", path.display()))?;
            match configure(&conn).and_then(|_| check(&conn)) {
                Ok(Check::Current) => {
                    return Ok((
                        Store {
                            conn,
                            path: path.to_path_buf(),
                            staged: None,
                        },
                        OpenNote::Existing,
                    ));
                }
                // An empty file (or a database without our tables): build it anew.
                Ok(Check::Fresh) => {}
                Ok(Check::Stale(why)) => rebuilt = Some(why),
                Err(e) if is_corruption(&e) => {
                    rebuilt = Some(format!("the file was corrupt or not a database ({e})"));
                }
                Err(e) => return Err(explain(e, path)),
            }
        }
        let store = Store::create_staged(path)?;
        let note = match rebuilt {
            Some(why) => OpenNote::Rebuilt(why),
            None => OpenNote::Created,
        };
        Ok((store, note))
    }

    /// A new, empty database in a scratch file beside `path`.
    fn create_staged(path: &Path) -> Result<Store> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "facts.db".into());
        let dir = path.parent().unwrap_or(Path::new("."));
        remove_orphaned_scratch(dir, &name);
        let tmp = dir.join(format!("{name}.tmp-{}", std::process::id()));
        remove_db_files(&tmp)?;
        let conn = Connection::open(&tmp)
            .with_context(|| format!("cannot create database {}", tmp.display()))?;
        conn.set_prepared_statement_cache_capacity(128);
        conn.busy_timeout(busy_timeout())?;
        conn.pragma_update(None, "journal_mode", "OFF")?;
        conn.pragma_update(None, "synchronous", "OFF")?;
        // A first build inserts each file's row before its facts and deletes nothing, so the
        // foreign keys hold by construction: not checking them saves a lookup per row. Every
        // later connection (incremental runs, which delete by cascade) turns them on.
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        // A small page cache for the bulk load: pages are written out as the load goes (beside
        // the parsers) instead of all at the commit, at the end, on one core (commit 20 -> 5 ms
        // for the stdlib's fact base, 12 MB less peak memory).
        conn.pragma_update(None, "cache_size", -4_000)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
            staged: Some(tmp),
        };
        store.apply_schema()?;
        Ok(store)
    }

    /// Makes a staged database the index (an atomic rename); a no-op for an existing one.
    pub fn finish(mut self) -> Result<()> {
        let Some(tmp) = self.staged.take() else {
            return Ok(());
        };
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        let conn = std::mem::replace(&mut self.conn, Connection::open_in_memory()?);
        conn.close().map_err(|(_, e)| anyhow::Error::new(e))?;
        // Another run may have built the index meanwhile: the newest complete one wins.
        remove_db_files(&self.path)?;
        std::fs::rename(&tmp, &self.path)
            .with_context(|| format!("cannot move {} to {}", tmp.display(), self.path.display()))?;
        Ok(())
    }

    /// Opens an existing database read-only (for queries).
    pub fn open_read_only(path: &Path) -> Result<Store> {
        if !path.exists() {
            bail!(
                "no index at {}: run `codefacts index` first",
                path.display()
            );
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(|| format!("cannot open database {}", path.display()))?;
        conn.busy_timeout(busy_timeout())?;
        conn.pragma_update(None, "query_only", "ON")?;
        match check(&conn) {
            Ok(Check::Current) => {}
            Ok(Check::Fresh) => bail!("{} holds no index: run `codefacts index`", path.display()),
            Ok(Check::Stale(why)) => bail!(
                "{} is out of date ({why}): run `codefacts index` to rebuild it",
                path.display()
            ),
            Err(e) => return Err(explain(e, path)),
        }
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            staged: None,
        })
    }

    fn apply_schema(&self) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute_batch(SCHEMA_SQL)
            .context("applying schema.sql")?;
        {
            let mut st =
                tx.prepare("INSERT INTO stdlib_modules(name, first, last) VALUES (?1, ?2, ?3)")?;
            for (name, first, last) in crate::resolve::stdlib_table() {
                st.execute(rusqlite::params![name, first, last])?;
            }
        }
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_fingerprint', ?1)",
            [schema_fingerprint()],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Starts the run's single write transaction (takes the write lock now).
    pub fn writer(&mut self) -> Result<Writer<'_>> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| explain(e, &path))?;
        Ok(Writer::new(tx, path))
    }
}

#[cfg(test)]
mod tests {
    use super::reads_semantic_tables;

    #[test]
    fn semantic_tables_are_recognised_as_whole_words() {
        assert!(reads_semantic_tables("SELECT * FROM bindings"));
        assert!(reads_semantic_tables("select name from Scopes s join x"));
        assert!(reads_semantic_tables(
            "SELECT 1 FROM main.unresolved_references"
        ));
        assert!(!reads_semantic_tables("SELECT * FROM imports"));
        assert!(!reads_semantic_tables(
            "SELECT my_bindings_count FROM definitions"
        ));
        assert!(!reads_semantic_tables("SELECT scopes_x FROM files"));
    }
}
