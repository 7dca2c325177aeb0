//! Runs the semantic rule queries (queries/rules/*.sql) over a directory of Python files and
//! prints the findings as JSON (the subset of Ruff's JSON output format the comparison needs).
//!
//! Usage: semantic_vs_ruff DIR [--target-version 11] [--builtins a,b]

use std::path::{Path, PathBuf};
use std::time::Duration;

use codefacts::semantic::{self, SemanticOptions};
use rusqlite::Connection;

/// Directories Ruff excludes by default.
const EXCLUDED: &[&str] = &[
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pyenv",
    ".pytest_cache",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    ".vscode",
    "__pypackages__",
    "_build",
    "buck-out",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
];

/// `sys.stdlib_module_names` of CPython 3.11 (Ruff categorizes these before same-package).
const STDLIB: &[&str] = &[
    "__future__",
    "_abc",
    "_aix_support",
    "_ast",
    "_asyncio",
    "_bisect",
    "_blake2",
    "_bootsubprocess",
    "_bz2",
    "_codecs",
    "_codecs_cn",
    "_codecs_hk",
    "_codecs_iso2022",
    "_codecs_jp",
    "_codecs_kr",
    "_codecs_tw",
    "_collections",
    "_collections_abc",
    "_compat_pickle",
    "_compression",
    "_contextvars",
    "_crypt",
    "_csv",
    "_ctypes",
    "_curses",
    "_curses_panel",
    "_datetime",
    "_dbm",
    "_decimal",
    "_elementtree",
    "_frozen_importlib",
    "_frozen_importlib_external",
    "_functools",
    "_gdbm",
    "_hashlib",
    "_heapq",
    "_imp",
    "_io",
    "_json",
    "_locale",
    "_lsprof",
    "_lzma",
    "_markupbase",
    "_md5",
    "_msi",
    "_multibytecodec",
    "_multiprocessing",
    "_opcode",
    "_operator",
    "_osx_support",
    "_overlapped",
    "_pickle",
    "_posixshmem",
    "_posixsubprocess",
    "_py_abc",
    "_pydecimal",
    "_pyio",
    "_queue",
    "_random",
    "_scproxy",
    "_sha1",
    "_sha256",
    "_sha3",
    "_sha512",
    "_signal",
    "_sitebuiltins",
    "_socket",
    "_sqlite3",
    "_sre",
    "_ssl",
    "_stat",
    "_statistics",
    "_string",
    "_strptime",
    "_struct",
    "_symtable",
    "_thread",
    "_threading_local",
    "_tkinter",
    "_tokenize",
    "_tracemalloc",
    "_typing",
    "_uuid",
    "_warnings",
    "_weakref",
    "_weakrefset",
    "_winapi",
    "_zoneinfo",
    "abc",
    "aifc",
    "antigravity",
    "argparse",
    "array",
    "ast",
    "asynchat",
    "asyncio",
    "asyncore",
    "atexit",
    "audioop",
    "base64",
    "bdb",
    "binascii",
    "bisect",
    "builtins",
    "bz2",
    "cProfile",
    "calendar",
    "cgi",
    "cgitb",
    "chunk",
    "cmath",
    "cmd",
    "code",
    "codecs",
    "codeop",
    "collections",
    "colorsys",
    "compileall",
    "concurrent",
    "configparser",
    "contextlib",
    "contextvars",
    "copy",
    "copyreg",
    "crypt",
    "csv",
    "ctypes",
    "curses",
    "dataclasses",
    "datetime",
    "dbm",
    "decimal",
    "difflib",
    "dis",
    "distutils",
    "doctest",
    "email",
    "encodings",
    "ensurepip",
    "enum",
    "errno",
    "faulthandler",
    "fcntl",
    "filecmp",
    "fileinput",
    "fnmatch",
    "fractions",
    "ftplib",
    "functools",
    "gc",
    "genericpath",
    "getopt",
    "getpass",
    "gettext",
    "glob",
    "graphlib",
    "grp",
    "gzip",
    "hashlib",
    "heapq",
    "hmac",
    "html",
    "http",
    "idlelib",
    "imaplib",
    "imghdr",
    "imp",
    "importlib",
    "inspect",
    "io",
    "ipaddress",
    "itertools",
    "json",
    "keyword",
    "lib2to3",
    "linecache",
    "locale",
    "logging",
    "lzma",
    "mailbox",
    "mailcap",
    "marshal",
    "math",
    "mimetypes",
    "mmap",
    "modulefinder",
    "msilib",
    "msvcrt",
    "multiprocessing",
    "netrc",
    "nis",
    "nntplib",
    "nt",
    "ntpath",
    "nturl2path",
    "numbers",
    "opcode",
    "operator",
    "optparse",
    "os",
    "ossaudiodev",
    "pathlib",
    "pdb",
    "pickle",
    "pickletools",
    "pipes",
    "pkgutil",
    "platform",
    "plistlib",
    "poplib",
    "posix",
    "posixpath",
    "pprint",
    "profile",
    "pstats",
    "pty",
    "pwd",
    "py_compile",
    "pyclbr",
    "pydoc",
    "pydoc_data",
    "pyexpat",
    "queue",
    "quopri",
    "random",
    "re",
    "readline",
    "reprlib",
    "resource",
    "rlcompleter",
    "runpy",
    "sched",
    "secrets",
    "select",
    "selectors",
    "shelve",
    "shlex",
    "shutil",
    "signal",
    "site",
    "smtpd",
    "smtplib",
    "sndhdr",
    "socket",
    "socketserver",
    "spwd",
    "sqlite3",
    "sre_compile",
    "sre_constants",
    "sre_parse",
    "ssl",
    "stat",
    "statistics",
    "string",
    "stringprep",
    "struct",
    "subprocess",
    "sunau",
    "symtable",
    "sys",
    "sysconfig",
    "syslog",
    "tabnanny",
    "tarfile",
    "telnetlib",
    "tempfile",
    "termios",
    "textwrap",
    "this",
    "threading",
    "time",
    "timeit",
    "tkinter",
    "token",
    "tokenize",
    "tomllib",
    "trace",
    "traceback",
    "tracemalloc",
    "tty",
    "turtle",
    "turtledemo",
    "types",
    "typing",
    "unicodedata",
    "unittest",
    "urllib",
    "uu",
    "uuid",
    "venv",
    "warnings",
    "wave",
    "weakref",
    "webbrowser",
    "winreg",
    "winsound",
    "wsgiref",
    "xdrlib",
    "xml",
    "xmlrpc",
    "zipapp",
    "zipfile",
    "zipimport",
    "zlib",
    "zoneinfo",
];

/// Ruff's "same package" first-party rule: the top-level package directory containing the file.
fn package_name(path: &Path) -> Option<String> {
    let mut dir = path.parent()?;
    let mut top = None;
    while dir.join("__init__.py").exists() || dir.join("__init__.pyi").exists() {
        top = Some(dir);
        dir = dir.parent()?;
    }
    top.and_then(|d| d.file_name())
        .map(|n| n.to_string_lossy().to_string())
}

fn walk(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                if !EXCLUDED.contains(&name.as_str()) {
                    stack.push(p);
                }
            } else if ft.is_file() && (name.ends_with(".py") || name.ends_with(".pyi")) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut root = None;
    let mut target = 11u8;
    let mut extra: Vec<String> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--target-version" => {
                target = args[i + 1].trim_start_matches("py3").parse()?;
                i += 1;
            }
            "--builtins" => {
                extra = args[i + 1].split(',').map(str::to_string).collect();
                i += 1;
            }
            a => root = Some(PathBuf::from(a)),
        }
        i += 1;
    }
    let root = root.ok_or_else(|| anyhow::anyhow!("usage: semantic_vs_ruff DIR"))?;
    let rules_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("queries/rules");

    let conn = Connection::open_in_memory()?;
    conn.execute_batch(
        "CREATE TABLE files(file_id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, is_package INTEGER, is_stub INTEGER);",
    )?;
    semantic::sql::create_tables(&conn)?;
    let files = if root.is_file() {
        vec![root.clone()]
    } else {
        walk(&root)
    };
    let (mut t_parse, mut t_analyze, mut t_insert) = (
        std::time::Duration::ZERO,
        std::time::Duration::ZERO,
        std::time::Duration::ZERO,
    );
    conn.execute_batch("BEGIN")?;
    for (id, path) in files.iter().enumerate() {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let text = text
            .strip_prefix('\u{feff}')
            .map(str::to_string)
            .unwrap_or(text);
        let t0 = std::time::Instant::now();
        let Ok(tree) = codefacts::syntax::parse_python(&text, Duration::from_secs(20)) else {
            continue;
        };
        t_parse += t0.elapsed();
        let name = path.file_name().unwrap().to_string_lossy();
        let opts = SemanticOptions {
            target_version: target,
            builtins: extra.clone(),
            is_package: name == "__init__.py" || name == "__init__.pyi",
            is_stub: name.ends_with(".pyi"),
        };
        let t0 = std::time::Instant::now();
        let facts = semantic::analyze(&text, &tree, &opts);
        t_analyze += t0.elapsed();
        if t0.elapsed() > Duration::from_millis(100) {
            eprintln!("slow analyze: {:.2?} {}", t0.elapsed(), path.display());
        }
        let t0 = std::time::Instant::now();
        let abs = std::fs::canonicalize(path).unwrap_or(path.clone());
        conn.execute(
            "INSERT INTO files VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![
                id as i64,
                abs.to_string_lossy(),
                opts.is_package,
                opts.is_stub
            ],
        )?;
        semantic::sql::insert(&conn, id as i64, &facts)?;
        t_insert += t0.elapsed();
        if let Some(pkg) = package_name(&abs).filter(|p| STDLIB.binary_search(&p.as_str()).is_err())
        {
            conn.execute(
                "INSERT INTO first_party_modules VALUES (?1, ?2)",
                rusqlite::params![id as i64, pkg],
            )?;
        }
    }
    conn.execute_batch("COMMIT")?;
    let t_queries = std::time::Instant::now();
    conn.execute_batch(
        "CREATE TEMP TABLE findings(path TEXT, line INTEGER, col INTEGER, end_line INTEGER, end_col INTEGER, code TEXT, message TEXT, parent_line INTEGER);",
    )?;
    let mut rule_files: Vec<PathBuf> = std::fs::read_dir(&rules_dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "sql")
                && !p.file_name().unwrap().to_string_lossy().starts_with('_')
        })
        .collect();
    rule_files.sort();
    for rf in rule_files {
        let sql = std::fs::read_to_string(&rf)?;
        let sql = sql.trim().trim_end_matches(';');
        conn.execute_batch(&format!("INSERT INTO findings {sql}"))?;
    }
    let noqa = std::fs::read_to_string(rules_dir.join("_noqa.sql"))?;
    let mut st = conn.prepare(&noqa)?;
    let rows = st.query_map([], |r| {
        Ok(serde_json::json!({
            "filename": r.get::<_, String>(0)?,
            "location": {"row": r.get::<_, i64>(1)?, "column": r.get::<_, i64>(2)?},
            "end_location": {"row": r.get::<_, i64>(3)?, "column": r.get::<_, i64>(4)?},
            "code": r.get::<_, String>(5)?,
            "message": r.get::<_, String>(6)?,
        }))
    })?;
    let all: Vec<serde_json::Value> = rows.collect::<Result<_, _>>()?;
    eprintln!(
        "files: {}, parse {:.2?}, analyze {:.2?}, insert {:.2?}, queries {:.2?}",
        files.len(),
        t_parse,
        t_analyze,
        t_insert,
        t_queries.elapsed()
    );
    println!("{}", serde_json::to_string_pretty(&all)?);
    Ok(())
}
