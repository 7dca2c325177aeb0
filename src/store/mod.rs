//! The SQLite store: the only code that talks SQL.
//!
//! The database is a cache of the repository. It is opened in WAL mode with a busy timeout;
//! all writes of a run happen in one transaction, so a run killed midway leaves the previous
//! index intact. A database from another schema version, or a corrupt one, is rebuilt.

mod derived;
mod findings;
mod fixes;
mod functions;
mod owners;
mod query;
mod read;
mod rows;
mod semantic;
mod write;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use rusqlite::{Connection, ErrorCode, OpenFlags};

pub use findings::{DefinitionSpans, FindingRow};
pub use fixes::{FixFile, ImportRow};
pub use owners::StoredManifest;
pub use query::{QueryResult, RowSink, Value};
pub use read::{CachedImports, StoredFile};
pub use write::{FileRow, Writer};

/// The schema, applied on open.
pub const SCHEMA_SQL: &str = include_str!("../../schema.sql");

/// Bumped whenever schema.sql or the meaning of a column changes.
pub const SCHEMA_VERSION: i64 = 1;

/// Whether `sql` names a table of the semantic layer (a whole-word, case-insensitive match, so a
/// table named in a string literal counts too: that only builds the layer early).
pub fn reads_semantic_tables(sql: &str) -> bool {
    names_any(sql, semantic::TABLES)
}

/// Whether `sql` names `findings` or `all_findings` (whole words): codefacts' own findings must
/// be current before it runs.
pub fn reads_findings(sql: &str) -> bool {
    names_any(sql, &["findings", "all_findings"])
}

/// Whether `sql` names `baseline_counts`: the ratchet's baseline must be loaded first.
pub fn reads_baseline(sql: &str) -> bool {
    names_any(sql, &["baseline_counts"])
}

fn names_any(sql: &str, tables: &[&str]) -> bool {
    let lower = sql.to_ascii_lowercase();
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    tables.iter().any(|table| {
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

/// `PRAGMA application_id` of every codefacts database ("CFCT"): the mark that makes a file
/// ours to rebuild or delete. A file at the database path without it is never touched.
pub const APPLICATION_ID: i32 = 0x4346_4354;

/// The path the waiting message names: a process opens one index at a time.
static BUSY_PATH: std::sync::Mutex<Option<PathBuf>> = std::sync::Mutex::new(None);

thread_local! {
    /// When the current wait for a lock began, and whether the user has been told.
    static BUSY_WAIT: std::cell::Cell<Option<(std::time::Instant, bool)>> =
        const { std::cell::Cell::new(None) };
}

/// SQLite's busy handler: wait for another run's lock up to [`busy_timeout`], and after a
/// second say on which database we are waiting, once per wait.
fn busy_handler(attempt: i32) -> bool {
    let now = std::time::Instant::now();
    let (since, told) = match BUSY_WAIT.get() {
        Some(state) if attempt > 0 => state,
        _ => (now, false),
    };
    let waited = now - since;
    if waited >= busy_timeout() {
        BUSY_WAIT.set(None);
        return false;
    }
    let mut told = told;
    if !told && waited >= Duration::from_secs(1) {
        let path = BUSY_PATH
            .lock()
            .ok()
            .and_then(|p| p.clone())
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "the index".into());
        crate::errln!(
            "codefacts: waiting for another codefacts run to release the lock on {path} \
             (up to {:.0} s)",
            busy_timeout().as_secs_f64()
        );
        told = true;
    }
    BUSY_WAIT.set(Some((since, told)));
    std::thread::sleep(Duration::from_millis(if attempt < 10 { 5 } else { 25 }));
    true
}

fn set_busy_handler(conn: &mut Connection, path: &Path) -> rusqlite::Result<()> {
    if let Ok(mut p) = BUSY_PATH.lock() {
        *p = Some(path.to_path_buf());
    }
    conn.busy_handler(Some(busy_handler))
}

/// What is at the database path before we open it.
#[derive(Debug, PartialEq, Eq)]
enum AtPath {
    Nothing,
    /// An empty regular file: nothing in it to lose.
    Empty,
    /// An SQLite file with our `application_id`.
    Ours,
    /// An SQLite file without any `application_id`: ours if its `meta` table says so (an index
    /// written before the mark existed).
    Unmarked,
}

/// Looks at the file at `path` without changing it. Anything that is not (or may not be) a
/// codefacts database is an error: we never write through, rebuild or delete what is not ours.
fn inspect(path: &Path) -> Result<AtPath> {
    let md = match std::fs::symlink_metadata(path) {
        Ok(md) => md,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(AtPath::Nothing),
        Err(e) => bail!("cannot look at {}: {e}", path.display()),
    };
    let ft = md.file_type();
    if !ft.is_file() {
        let what = if ft.is_symlink() {
            "a symbolic link (give --db the file it points to)"
        } else if ft.is_dir() {
            "a folder"
        } else {
            "not a regular file (a device, pipe or socket)"
        };
        bail!(
            "refusing to use {} as the index: it is {what}; codefacts only writes its own \
             database files",
            path.display()
        );
    }
    if md.len() == 0 {
        return Ok(AtPath::Empty);
    }
    let mut header = [0u8; 100];
    let n = {
        use std::io::Read;
        let mut f =
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        let mut n = 0;
        while n < header.len() {
            match f.read(&mut header[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) => bail!("cannot read {}: {e}", path.display()),
            }
        }
        n
    };
    let not_ours = |what: &str| {
        anyhow::anyhow!(
            "refusing to overwrite {}: {what}, not a codefacts index; move it away or give \
             --db another path",
            path.display()
        )
    };
    if n < 100 || &header[..16] != b"SQLite format 3\0" {
        return Err(not_ours("it is not an SQLite database"));
    }
    let app = i32::from_be_bytes([header[68], header[69], header[70], header[71]]);
    match app {
        APPLICATION_ID => Ok(AtPath::Ours),
        0 => Ok(AtPath::Unmarked),
        other => Err(not_ours(&format!(
            "it is the SQLite database of another program (application_id {other:#x})"
        ))),
    }
}

/// An unmarked SQLite file is ours only if it has our `meta` table with a schema fingerprint.
fn unmarked_is_ours(conn: &Connection) -> bool {
    conn.query_row(
        "SELECT count(*) FROM meta WHERE key = 'schema_fingerprint'",
        [],
        |r| r.get::<_, i64>(0),
    )
    .is_ok_and(|n| n == 1)
}

/// The stored tables (name and SQL), sorted, as one string: what `schema.sql` made.
fn tables_signature(conn: &Connection) -> rusqlite::Result<String> {
    let mut st = conn.prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         ORDER BY name",
    )?;
    let rows = st.query_map([], |r| {
        Ok(format!(
            "{}\u{1f}{}",
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?.unwrap_or_default()
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?.join("\u{1e}"))
}

/// The schema and the rules codefacts implements (`codefacts_rules` is filled from them).
fn schema_fingerprint() -> String {
    let mut h = blake3::Hasher::new();
    h.update(SCHEMA_SQL.as_bytes());
    for (code, name) in implemented_rules() {
        h.update(format!("\u{1f}{code}\u{1f}{name}").as_bytes());
    }
    h.update(crate::suggest::fingerprint().as_bytes());
    for (old, new) in crate::ruff_rules::redirects() {
        h.update(format!("\u{1f}{old}\u{1f}{new}").as_bytes());
    }
    h.finalize().to_hex()[..16].to_string()
}

/// (code, name) of every rule query, syntax errors included.
fn implemented_rules() -> Vec<(String, String)> {
    crate::queries::rules()
        .into_iter()
        .filter_map(|q| {
            let name = q.id.rsplit('/').next().unwrap_or(&q.id).to_string();
            q.code.map(|c| (c, name))
        })
        .collect()
}

/// An open index database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// A new index is built in a scratch file beside `path` (no journal: nothing to protect
    /// yet) and renamed over `path` by [`Store::finish`]; dropped unfinished, it is deleted.
    staged: Option<PathBuf>,
    /// `--timeout` of read-only queries (see [`Store::set_timeout`]).
    timeout: Option<Duration>,
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

/// "unable to open database file" with the file and the cause the file system gives.
fn cannot_open(e: rusqlite::Error, path: &Path) -> anyhow::Error {
    if e.sqlite_error_code() == Some(ErrorCode::CannotOpen) {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        // SQLite needs to create files beside the database (its -wal and -shm files).
        let probe = dir.join(format!(".codefacts-probe-{}", std::process::id()));
        let cause = match std::fs::File::create(&probe) {
            Ok(_) => {
                let _ = std::fs::remove_file(&probe);
                match std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open(path)
                {
                    Ok(_) => e.to_string(),
                    Err(io) => crate::files::io_message(&io),
                }
            }
            Err(io) => format!(
                "its folder {} is not writable ({}): SQLite keeps its -wal and -shm files beside \
                 the database",
                dir.display(),
                crate::files::io_message(&io)
            ),
        };
        anyhow::anyhow!("cannot open the index {}: {cause}", path.display())
    } else {
        explain(e, path)
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
    // The tables must be those schema.sql made (a dropped or altered table is not an index).
    let want: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'tables'", [], |r| {
            r.get(0)
        })
        .ok();
    let have = tables_signature(conn)?;
    if want.as_deref() != Some(have.as_str()) {
        let names = |s: &str| -> Vec<String> {
            s.split('\u{1e}')
                .filter_map(|l| l.split('\u{1f}').next())
                .filter(|n| !n.is_empty())
                .map(str::to_string)
                .collect()
        };
        let (want_names, have_names) = (names(want.as_deref().unwrap_or("")), names(&have));
        let missing: Vec<&str> = want_names
            .iter()
            .filter(|n| !have_names.contains(n))
            .map(String::as_str)
            .collect();
        let why = if missing.is_empty() {
            "its tables differ from the schema it was built with".to_string()
        } else {
            format!(
                "table{} missing: {}",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", ")
            )
        };
        return Ok(Check::Stale(why));
    }
    Ok(Check::Current)
}

/// Keeps the statements a run repeats per file (a few dozen: keep them all) prepared, and
/// their plans: without the query planner stability guarantee, SQLite marks a statement with
/// `col = ?1` for a re-prepare on rebinding (it might plan differently for 0 or 1), and
/// rusqlite clears the bindings of each statement it puts back in its cache, which expires
/// it. Every `WHERE file_id = ?1` was then parsed and planned again for each file: a third
/// of the writing time of a large re-index.
fn cache_statements(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_prepared_statement_cache_capacity(128);
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

fn configure(conn: &mut Connection, path: &Path) -> rusqlite::Result<()> {
    cache_statements(conn)?;
    set_busy_handler(conn, path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "cache_size", -16_000)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

impl Store {
    /// Opens (creating or rebuilding as needed) the database for writing. Only a file that
    /// carries our mark (or is empty) is ever rebuilt; anything else at `path` is an error and
    /// stays as it was.
    pub fn open(path: &Path) -> Result<(Store, OpenNote)> {
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            match std::fs::metadata(dir) {
                Ok(md) if md.is_dir() => {}
                Ok(_) => bail!(
                    "{} is a file, not a folder: codefacts keeps its index in a folder of that \
                     name (move the file away or give --db another path)",
                    dir.display()
                ),
                Err(_) => {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("cannot create the folder {}", dir.display()))?;
                    if dir.file_name().is_some_and(|n| n == ".codefacts") {
                        std::fs::write(dir.join(".gitignore"), "*\n").with_context(|| {
                            format!("cannot write {}/.gitignore", dir.display())
                        })?;
                    }
                }
            }
        }
        let mut rebuilt: Option<String> = None;
        let at = inspect(path)?;
        if matches!(at, AtPath::Ours | AtPath::Unmarked) {
            let mut conn = Connection::open(path).map_err(|e| cannot_open(e, path))?;
            if at == AtPath::Unmarked && !unmarked_is_ours(&conn) {
                bail!(
                    "refusing to overwrite {}: it is an SQLite database codefacts did not \
                     create; move it away or give --db another path",
                    path.display()
                );
            }
            match configure(&mut conn, path).and_then(|_| check(&conn)) {
                Ok(Check::Current) => {
                    return Ok((
                        Store {
                            conn,
                            path: path.to_path_buf(),
                            staged: None,
                            timeout: None,
                        },
                        OpenNote::Existing,
                    ));
                }
                // A database without our tables: build it anew.
                Ok(Check::Fresh) => {}
                Ok(Check::Stale(why)) => rebuilt = Some(why),
                // Corrupt, but it carries our mark: a cache we may rebuild.
                Err(e) if is_corruption(&e) => {
                    rebuilt = Some(format!("the file was corrupt ({e})"));
                }
                Err(e) => return Err(cannot_open(e, path)),
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
        // SQLite says only "unable to open database file": ask the file system why.
        if let Err(e) = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            bail!(
                "cannot create the index in {}: {}",
                dir.display(),
                crate::files::io_message(&e)
            );
        }
        let mut conn = Connection::open(&tmp).map_err(|e| cannot_open(e, &tmp))?;
        cache_statements(&conn).map_err(|e| cannot_open(e, &tmp))?;
        set_busy_handler(&mut conn, path)?;
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
            timeout: None,
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

    /// Opens the database for writing only when it is a current index of this codefacts
    /// (`None`: there is none, or it would be rebuilt; [`Store::open`] does that). For runs
    /// that write a few files (`check --files`).
    pub fn open_current(path: &Path) -> Result<Option<Store>> {
        if inspect(path)? != AtPath::Ours {
            return Ok(None);
        }
        let mut conn = Connection::open(path).map_err(|e| cannot_open(e, path))?;
        // The few pages such a run writes stay in the write-ahead log when it closes (copying
        // them into the database is milliseconds a pre-commit hook would wait for); the next
        // full run, which closes with a checkpoint, or wal_autocheckpoint folds them in.
        let no_checkpoint = |c: &mut Connection| {
            c.set_db_config(
                rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
                true,
            )
            .map(|_| ())
        };
        match configure(&mut conn, path)
            .and_then(|_| no_checkpoint(&mut conn))
            .and_then(|_| check(&conn))
        {
            Ok(Check::Current) => Ok(Some(Store {
                conn,
                path: path.to_path_buf(),
                staged: None,
                timeout: None,
            })),
            _ => Ok(None),
        }
    }

    /// Copies the index at `from` (a current one) to `to`, a new file of ours. `--since`
    /// indexes another version of the tree into such a copy, never into the index itself.
    /// The write-ahead log is folded into the file first; then, while a read transaction keeps
    /// any other process's checkpoint from touching it, the file is copied whole (the kernel
    /// copies it: tens of milliseconds where SQLite's page-by-page backup, the fallback when
    /// the log cannot be folded, takes several times longer).
    pub fn snapshot(from: &Path, to: &Path) -> Result<()> {
        if inspect(to)? != AtPath::Nothing {
            bail!("refusing to overwrite {}: it exists", to.display());
        }
        let mut src = Connection::open(from).map_err(|e| cannot_open(e, from))?;
        set_busy_handler(&mut src, from).map_err(|e| cannot_open(e, from))?;
        // (busy, log frames, frames checkpointed): folded when not busy and all were copied.
        let (busy, frames, done): (i64, i64, i64) =
            src.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        if busy == 0 && frames == done {
            let tx = src.transaction_with_behavior(rusqlite::TransactionBehavior::Deferred)?;
            tx.query_row("SELECT count(*) FROM meta", [], |r| r.get::<_, i64>(0))?;
            let wal_empty = std::fs::metadata(format!("{}-wal", from.display()))
                .map(|m| m.len() == 0)
                .unwrap_or(true);
            if wal_empty {
                std::fs::copy(from, to).with_context(|| {
                    format!("cannot copy {} to {}", from.display(), to.display())
                })?;
                tx.commit()?;
                let mut dst = Connection::open(to).map_err(|e| cannot_open(e, to))?;
                configure(&mut dst, to)?;
                return Ok(());
            }
            tx.commit()?;
        }
        let mut dst = Connection::open(to).map_err(|e| cannot_open(e, to))?;
        {
            let backup = rusqlite::backup::Backup::new(&src, &mut dst)?;
            backup.run_to_completion(1 << 30, std::time::Duration::ZERO, None)?;
        }
        configure(&mut dst, to)?;
        Ok(())
    }

    /// For a scratch copy that is deleted after one use (`--since`): no syncs to disk, and no
    /// checkpoint when it closes.
    pub fn as_scratch(&mut self) -> Result<()> {
        self.conn.pragma_update(None, "synchronous", "OFF")?;
        self.conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
            true,
        )?;
        Ok(())
    }

    /// Opens an existing database read-only (for queries).
    pub fn open_read_only(path: &Path) -> Result<Store> {
        match inspect(path)? {
            AtPath::Nothing | AtPath::Empty => bail!(
                "no index at {}: run `codefacts index` first",
                path.display()
            ),
            AtPath::Ours | AtPath::Unmarked => {}
        }
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| cannot_open(e, path))?;
        set_busy_handler(&mut conn, path)?;
        conn.pragma_update(None, "query_only", "ON")?;
        // Reports sort and materialize tens of thousands of rows: in memory, with the same
        // page cache as a run.
        for (pragma, value) in [("cache_size", -16_000i64), ("temp_store", 2)] {
            conn.pragma_update(None, pragma, value)
                .map_err(|e| cannot_open(e, path))?;
        }
        // Read-only in three ways: the open flags, `query_only`, and this authorizer, which
        // refuses ATTACH, writes and pragmas that set something (`query_only = OFF` among
        // them); `Store::stream` also refuses statements SQLite says write (VACUUM INTO).
        conn.authorizer(Some(query::read_only_authorizer))?;
        functions::register(&conn, path).map_err(|e| cannot_open(e, path))?;
        match check(&conn) {
            Ok(Check::Current) => {}
            Ok(Check::Fresh) => bail!("{} holds no index: run `codefacts index`", path.display()),
            Ok(Check::Stale(why)) => bail!(
                "{} is out of date ({why}): run `codefacts index` to rebuild it",
                path.display()
            ),
            Err(e) => return Err(cannot_open(e, path)),
        }
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            staged: None,
            timeout: None,
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
            let mut st = tx.prepare("INSERT INTO codefacts_rules(code, name) VALUES (?1, ?2)")?;
            for (code, name) in implemented_rules() {
                st.execute([code, name])?;
            }
            let mut st = tx.prepare("INSERT INTO ruff_redirects(old, new) VALUES (?1, ?2)")?;
            for (old, new) in crate::ruff_rules::redirects() {
                st.execute([old, new])?;
            }
            let mut st =
                tx.prepare("INSERT OR IGNORE INTO stdlib_exports(module, name) VALUES (?1, ?2)")?;
            for (module, name) in crate::suggest::stdlib_exports() {
                st.execute([module, name])?;
            }
            let mut st = tx
                .prepare("INSERT OR IGNORE INTO stdlib_attributes(module, name) VALUES (?1, ?2)")?;
            for (module, name) in crate::suggest::stdlib_attributes() {
                st.execute([module, name])?;
            }
            let mut st =
                tx.prepare("INSERT OR IGNORE INTO import_aliases(module, alias) VALUES (?1, ?2)")?;
            for (module, alias) in crate::suggest::import_aliases() {
                st.execute([module, alias])?;
            }
            let mut st = tx.prepare(
                "INSERT OR IGNORE INTO file_conventions(file_name, module, name) \
                 VALUES (?1, ?2, ?3)",
            )?;
            for (file, module, name) in crate::suggest::file_conventions() {
                st.execute([file, module, name])?;
            }
        }
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_fingerprint', ?1)",
            [schema_fingerprint()],
        )?;
        tx.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('tables', ?1)",
            [tables_signature(&tx)?],
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
    use super::{cache_statements, reads_semantic_tables};
    use rusqlite::{Connection, StatementStatus};

    #[test]
    fn a_cached_statement_is_not_prepared_again_for_each_file() {
        let conn = Connection::open_in_memory().unwrap();
        cache_statements(&conn).unwrap();
        conn.execute_batch(
            "CREATE TABLE t(file_id INTEGER NOT NULL, a TEXT); CREATE INDEX t_f ON t(file_id);\
             INSERT INTO t VALUES (5, 'x'), (6, 'y'), (7, 'z');",
        )
        .unwrap();
        let sql = "SELECT a FROM t WHERE file_id = ?1 ORDER BY rowid";
        for file_id in 5..8 {
            let mut st = conn.prepare_cached(sql).unwrap();
            let a: String = st.query_row([file_id], |r| r.get(0)).unwrap();
            assert_eq!(a, ["x", "y", "z"][file_id as usize - 5]);
        }
        // rusqlite clears the bindings of a statement it puts back in its cache; without the
        // planner's stability guarantee that expires it, and each use parses it again.
        let st = conn.prepare_cached(sql).unwrap();
        assert_eq!(st.get_status(StatementStatus::RePrepare), 0);
    }

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
