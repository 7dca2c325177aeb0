//! SQL functions over derived relations that are cheap in Rust and hopeless in SQL, registered
//! on read-only connections so reports (and ad-hoc `sql`) can call them.
//!
//! * `alias_bases(name)`: the names `name` may be an alias of (JSON array; [`alias_bases`]).
//! * `closes_eager_cycle(importer_file_id, module)`: 1 when a new module-level
//!   `from module import ...` (or `import module`) in the importer would close an eager import
//!   cycle: the module's file, or a parent package that import runs and that does not already
//!   enclose the importer, reaches the importer through the `eager` edges (`graph_edges`), and
//!   the importer does not import it eagerly already (then the cycle is there before). Paths
//!   through the importer's own packages do not count: they are initialising when it runs,
//!   so importing one again runs nothing.
//!   0 when it would not, or when `module` is not a repository module. The edges are read on
//!   first call, over a second read-only connection, and each importer's reaching set
//!   (`graph::reaching`) is computed once per connection (one command).
//! * `initialising(file_id, package)`: 1 when running the repository module `package` (a
//!   package's `__init__`) imports the file at import time, directly or through others
//!   (`eager` edges): the package is still initialising while the file runs. 0 otherwise, or
//!   when `package` is not a repository module. Shares the graph `closes_eager_cycle` reads.
//! * `import_name(module)`: the name an absolute import of a repository module should use
//!   ([`crate::resolve::import_name`]): `flaskr.db` for `examples.tutorial.flaskr.db` when no
//!   absolute import of the repository goes through the namespace package `examples`. The
//!   regular packages and the prefixes the absolute imports prove are read on first call, as
//!   `fix relative-imports` reads them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OpenFlags};

use crate::graph;

/// A second read-only connection to the database, for a function that reads tables while the
/// statement that calls it runs.
fn second_connection(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// The eager graph, densely numbered, with the modules that name its nodes.
struct EagerGraph {
    /// file id -> dense node.
    node: HashMap<i64, u32>,
    /// module name -> its file id (a regular file before a stub, then by path).
    module_file: HashMap<String, i64>,
    /// file id -> its module name.
    file_module: HashMap<i64, String>,
    reverse: Vec<Vec<u32>>,
    /// The edges, to tell a new import from one the importer already makes.
    edges: std::collections::HashSet<(u32, u32)>,
    /// importer node -> the nodes that reach it, around its own packages.
    reaching: HashMap<u32, Vec<bool>>,
    /// file node -> every node that reaches it.
    reaching_all: HashMap<u32, Vec<bool>>,
}

impl EagerGraph {
    fn load(path: &Path) -> rusqlite::Result<EagerGraph> {
        let conn = second_connection(path)?;
        let mut node = HashMap::new();
        let mut module_file = HashMap::new();
        let mut file_module = HashMap::new();
        {
            let mut st = conn.prepare(
                "SELECT file_id, module FROM files WHERE module IS NOT NULL \
                 ORDER BY is_stub, path",
            )?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let (id, module): (i64, String) = (r.get(0)?, r.get(1)?);
                let next = node.len() as u32;
                node.entry(id).or_insert(next);
                module_file.entry(module.clone()).or_insert(id);
                file_module.insert(id, module);
            }
        }
        let mut edges = Vec::new();
        {
            let mut st = conn.prepare(
                "SELECT src_file_id, dst_file_id FROM graph_edges WHERE graph = 'eager' \
                 ORDER BY src_file_id, dst_file_id",
            )?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let (src, dst): (i64, i64) = (r.get(0)?, r.get(1)?);
                if let (Some(&a), Some(&b)) = (node.get(&src), node.get(&dst)) {
                    edges.push((a, b));
                }
            }
        }
        let reverse = graph::reverse_adjacency(node.len(), &edges);
        Ok(EagerGraph {
            node,
            module_file,
            file_module,
            reverse,
            edges: edges.into_iter().collect(),
            reaching: HashMap::new(),
            reaching_all: HashMap::new(),
        })
    }

    /// Whether running `package` (its `__init__`) imports the file, directly or through
    /// others, at import time: then the package is still initialising while the file runs.
    fn runs_during(&mut self, file: i64, package: &str) -> bool {
        let (Some(&target), Some(&start)) = (
            self.node.get(&file),
            self.module_file
                .get(package)
                .and_then(|id| self.node.get(id)),
        ) else {
            return false;
        };
        if start == target {
            return false;
        }
        let reverse = &self.reverse;
        let mask = self
            .reaching_all
            .entry(target)
            .or_insert_with(|| graph::reaching(reverse, target));
        mask[start as usize]
    }

    fn closes_cycle(&mut self, importer: i64, module: &str) -> bool {
        let (Some(&target), Some(own)) =
            (self.node.get(&importer), self.file_module.get(&importer))
        else {
            return false;
        };
        // What the new import runs: the module itself, and each parent package that is not
        // already one of the importer's own (those are initialised before the importer runs).
        let mut starts = Vec::new();
        let encloses = |p: &str| own == p || own.starts_with(&format!("{p}."));
        let mut end = 0;
        while let Some(dot) = module[end..].find('.') {
            end += dot;
            let parent = &module[..end];
            if !encloses(parent)
                && let Some(id) = self.module_file.get(parent)
            {
                starts.push(*id);
            }
            end += 1;
        }
        if let Some(id) = self.module_file.get(module) {
            starts.push(*id);
        }
        let starts: Vec<u32> = starts
            .iter()
            .filter(|id| **id != importer)
            .filter_map(|id| self.node.get(id).copied())
            // An edge the importer already has adds no cycle that is not there already.
            .filter(|s| !self.edges.contains(&(target, *s)))
            .collect();
        if starts.is_empty() {
            return false;
        }
        // The importer's own packages are initialising when it runs: an import that leads
        // back into one of them runs nothing, so no path through them closes a cycle.
        let mut closed = Vec::new();
        let mut end = 0;
        while let Some(dot) = own[end..].find('.') {
            end += dot;
            if let Some(n) = self
                .module_file
                .get(&own[..end])
                .and_then(|id| self.node.get(id))
            {
                closed.push(*n);
            }
            end += 1;
        }
        let reverse = &self.reverse;
        let mask = self
            .reaching
            .entry(target)
            .or_insert_with(|| graph::reaching_around(reverse, target, &closed));
        starts.iter().any(|s| mask[*s as usize])
    }
}

/// The names `name` may be an alias of, as a JSON array: without its leading underscores
/// (`_astuple`: `astuple`), and a CamelCase name without its first or its last word
/// (`RequestsSSLError`: `SSLError`, `RequestsSSL`; `ResponseBase`: `Base`, `Response`).
/// Words split where a lowercase letter or digit meets an uppercase one, and before the last
/// capital of a run of capitals followed by a lowercase letter (`SSLError`: `SSL`, `Error`).
pub fn alias_bases(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: &str| {
        if !s.is_empty() && s != name && !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    };
    if !name.starts_with("__") {
        let bare = name.trim_start_matches('_');
        if bare.starts_with(|c: char| c.is_alphabetic()) {
            push(bare);
        }
    }
    let chars: Vec<char> = name.chars().collect();
    if chars.first().is_some_and(|c| c.is_uppercase()) && chars.iter().all(|c| c.is_alphanumeric())
    {
        let mut starts = vec![0];
        for i in 1..chars.len() {
            let (prev, cur) = (chars[i - 1], chars[i]);
            let next_lower = chars.get(i + 1).is_some_and(|c| c.is_lowercase());
            if cur.is_uppercase()
                && (prev.is_lowercase()
                    || prev.is_ascii_digit()
                    || (prev.is_uppercase() && next_lower))
            {
                starts.push(i);
            }
        }
        if starts.len() >= 2 {
            let word = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
            push(&word(starts[1], chars.len()));
            push(&word(0, *starts.last().expect("two or more")));
        }
    }
    out
}

/// How many leading dotted parts two module names share (`a.b.c`, `a.b.d`: 2).
pub fn common_parts(a: &str, b: &str) -> i64 {
    a.split('.')
        .zip(b.split('.'))
        .take_while(|(x, y)| x == y)
        .count() as i64
}

/// What `import_name` needs: the regular packages, and whether the repository's absolute
/// imports prove a dotted prefix. Only namespace prefixes above a first regular package are
/// ever asked about, so each is looked up once, on the `imports_absolute_module` index, rather
/// than every absolute import read up front.
struct ImportNames {
    conn: Connection,
    packages: std::collections::HashSet<String>,
    proven: std::cell::RefCell<HashMap<String, bool>>,
    error: std::cell::RefCell<Option<rusqlite::Error>>,
}

impl ImportNames {
    fn load(path: &Path) -> rusqlite::Result<ImportNames> {
        let conn = second_connection(path)?;
        let packages = super::fixes::package_modules(&conn)?;
        Ok(ImportNames {
            conn,
            packages,
            proven: std::cell::RefCell::new(HashMap::new()),
            error: std::cell::RefCell::new(None),
        })
    }

    /// Whether a level-0 import that loads a repository file names `prefix` or a module
    /// below it (as [`super::fixes::absolute_import_prefixes`] holds it). An error reading
    /// is kept for [`ImportNames::name`] to return.
    fn proves(&self, prefix: &str) -> bool {
        if let Some(&known) = self.proven.borrow().get(prefix) {
            return known;
        }
        let found = super::fixes::proves_absolute_prefix(&self.conn, prefix);
        match found {
            Ok(found) => {
                self.proven.borrow_mut().insert(prefix.to_string(), found);
                found
            }
            Err(e) => {
                self.error.borrow_mut().get_or_insert(e);
                false
            }
        }
    }

    fn name(&self, module: &str) -> rusqlite::Result<String> {
        let name = crate::resolve::import_name(module, &|p| self.packages.contains(p), &|p| {
            self.proves(p)
        })
        .to_string();
        match self.error.borrow_mut().take() {
            Some(e) => Err(e),
            None => Ok(name),
        }
    }
}

/// What a function reads on its first call, kept for the rest of the connection: `slot`
/// filled by `load`, its error reported as the function's (`what` says what it was reading).
fn loaded<T>(
    slot: &mut Option<T>,
    load: impl FnOnce() -> rusqlite::Result<T>,
    what: impl FnOnce(rusqlite::Error) -> String,
) -> rusqlite::Result<&mut T> {
    if slot.is_none() {
        *slot = Some(load().map_err(|e| rusqlite::Error::UserFunctionError(what(e).into()))?);
    }
    Ok(slot.as_mut().expect("loaded above"))
}

/// Registers the functions on `conn`, a connection to the database at `path`.
pub(super) fn register(conn: &Connection, path: &Path) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "common_parts",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let a = ctx.get::<Option<String>>(0)?.unwrap_or_default();
            let b = ctx.get::<Option<String>>(1)?.unwrap_or_default();
            Ok(common_parts(&a, &b))
        },
    )?;
    conn.create_scalar_function(
        "alias_bases",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let name = ctx.get::<Option<String>>(0)?.unwrap_or_default();
            Ok(serde_json::to_string(&alias_bases(&name)).unwrap_or_else(|_| "[]".into()))
        },
    )?;
    let names_path: PathBuf = path.to_path_buf();
    let names: std::sync::Mutex<Option<ImportNames>> = std::sync::Mutex::new(None);
    conn.create_scalar_function("import_name", 1, FunctionFlags::SQLITE_UTF8, move |ctx| {
        let Some(module) = ctx.get::<Option<String>>(0)? else {
            return Ok(None);
        };
        let mut names = names.lock().unwrap_or_else(|p| p.into_inner());
        let n = loaded(
            &mut names,
            || ImportNames::load(&names_path),
            |e| format!("import_name: reading the packages and imports: {e}"),
        )?;
        let name = n.name(&module).map_err(|e| {
            rusqlite::Error::UserFunctionError(
                format!("import_name: reading the repository's imports: {e}").into(),
            )
        })?;
        Ok(Some(name))
    })?;
    let eager: Shared<EagerGraph> = std::sync::Arc::new(std::sync::Mutex::new(None));
    graph_function(conn, path, &eager, "initialising", |g, file, package| {
        g.runs_during(file, package)
    })?;
    graph_function(
        conn,
        path,
        &eager,
        "closes_eager_cycle",
        |g, importer, module| g.closes_cycle(importer, module),
    )
}

/// A graph loaded once per connection, for the functions that share it.
type Shared<T> = std::sync::Arc<std::sync::Mutex<Option<T>>>;

/// Registers `name(file_id, module)` over the eager import graph: 0 when either argument is
/// NULL, else what `test` says of them (the graph read on the first call).
fn graph_function(
    conn: &Connection,
    path: &Path,
    eager: &Shared<EagerGraph>,
    name: &'static str,
    test: fn(&mut EagerGraph, i64, &str) -> bool,
) -> rusqlite::Result<()> {
    let path: PathBuf = path.to_path_buf();
    let eager = std::sync::Arc::clone(eager);
    conn.create_scalar_function(name, 2, FunctionFlags::SQLITE_UTF8, move |ctx| {
        let Some(file) = ctx.get::<Option<i64>>(0)? else {
            return Ok(0i64);
        };
        let Some(module) = ctx.get::<Option<String>>(1)? else {
            return Ok(0i64);
        };
        let mut eager = eager.lock().unwrap_or_else(|p| p.into_inner());
        let g = loaded(
            &mut eager,
            || EagerGraph::load(&path),
            |e| format!("{name}: reading the import graph: {e}"),
        )?;
        Ok(i64::from(test(g, file, &module)))
    })
}

#[cfg(test)]
mod tests {
    use super::{alias_bases, common_parts};

    #[test]
    fn module_names_share_their_leading_parts() {
        assert_eq!(common_parts("a.b.c", "a.b.d"), 2);
        assert_eq!(common_parts("a.b", "a.b"), 2);
        assert_eq!(common_parts("a.bc", "a.b"), 1);
        assert_eq!(common_parts("x", "a.b"), 0);
        assert_eq!(common_parts("", "a"), 0);
    }

    #[test]
    fn the_names_an_alias_may_stand_for() {
        assert_eq!(alias_bases("RequestsSSLError"), ["SSLError", "RequestsSSL"]);
        assert_eq!(
            alias_bases("CompatJSONDecodeError"),
            ["JSONDecodeError", "CompatJSONDecode"]
        );
        assert_eq!(alias_bases("ResponseBase"), ["Base", "Response"]);
        assert_eq!(alias_bases("_astuple"), ["astuple"]);
        assert_eq!(alias_bases("_Base64Encoder"), ["Base64Encoder"]);
        assert!(alias_bases("Widget").is_empty());
        assert!(alias_bases("SSL").is_empty());
        assert!(alias_bases("__version__").is_empty());
        assert!(alias_bases("helper").is_empty());
    }
}
