//! The salsa database: thin inputs, pure and infallible tracked functions.
//!
//! Inputs hold what the run already read from disk (the file layer did the I/O); tracked
//! functions never touch the file system or SQL. Errors (a parse that timed out, ...) are data.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::facts::{FileFacts, ImportFact};
use crate::resolve::{IndexedFile, ModuleIndex, ModulePath, Resolution};
use crate::semantic::{self, SemanticFacts, SemanticOptions};
use crate::syntax::{self, ParseFailure};

/// Settings that change what analysis yields (not which files exist).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct AnalysisSettings {
    /// Python 3 minor version of Ruff's `target-version`.
    pub target_minor: u8,
    /// Extra builtins (Ruff's `builtins`).
    pub builtins: Vec<String>,
    /// Store every name load in `name_references` (`index-references`).
    pub references: bool,
    /// Build the semantic layer (scopes, bindings, references, noqa) as well as the facts.
    pub semantic: bool,
}

/// What the database knows of a file's content.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Content {
    /// Decoded source text: the file is (re)parsed this run.
    Text(Arc<str>),
    /// The imports extracted by an earlier run (from the SQLite cache): enough to resolve them
    /// again when the set of modules changed, without parsing the file.
    CachedImports(Arc<Vec<ImportFact>>),
}

/// The whole repository as the module index sees it: paths and module names, no contents.
#[salsa::input(debug)]
pub struct Workspace {
    #[returns(ref)]
    pub files: Arc<Vec<IndexedFile>>,
}

/// One source file.
#[salsa::input(debug)]
pub struct SourceFile {
    /// Repo-relative path.
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub module: ModulePath,
    #[returns(ref)]
    pub content: Content,
    /// Parse time budget in milliseconds.
    #[returns(copy)]
    pub parse_budget_ms: u64,
    #[returns(ref)]
    pub settings: Arc<AnalysisSettings>,
    #[returns(copy)]
    pub workspace: Workspace,
}

/// The facts of one file, or why there are none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFile {
    pub facts: FileFacts,
    /// Scopes, bindings and references; `None` when the file was not parsed or the semantic
    /// layer is not built.
    pub semantic: Option<SemanticFacts>,
    pub failure: Option<ParseFailure>,
}

/// Parses a file and extracts its facts; the syntax tree is dropped before returning.
#[salsa::tracked]
pub fn file_facts(db: &dyn salsa::Database, file: SourceFile) -> Arc<ParsedFile> {
    match file.content(db) {
        Content::Text(text) => {
            let budget = Duration::from_millis(file.parse_budget_ms(db));
            match syntax::parse_python(text, budget) {
                Ok(tree) if !file.settings(db).semantic => Arc::new(ParsedFile {
                    facts: crate::facts::extract(text, &tree),
                    semantic: None,
                    failure: None,
                }),
                Ok(tree) => {
                    let settings = file.settings(db);
                    let module = file.module(db);
                    let options = SemanticOptions {
                        target_version: settings.target_minor,
                        builtins: settings.builtins.clone(),
                        is_package: module.is_package,
                        is_stub: module.is_stub,
                        // Every name load is only kept for `name_references`; the use counts
                        // of bindings already hold what the rules need. Not recording them
                        // keeps the memoized facts of a whole repository small.
                        references: settings.references,
                    };
                    let semantic = semantic::analyze(text, &tree, &options);
                    Arc::new(ParsedFile {
                        facts: crate::facts::extract(text, &tree),
                        semantic: Some(semantic),
                        failure: None,
                    })
                }
                Err(failure) => Arc::new(ParsedFile {
                    facts: FileFacts {
                        lines: syntax::LineIndex::new(text).line_count(),
                        ..FileFacts::default()
                    },
                    semantic: None,
                    failure: Some(failure),
                }),
            }
        }
        Content::CachedImports(_) => Arc::new(ParsedFile {
            facts: FileFacts::default(),
            semantic: None,
            failure: None,
        }),
    }
}

/// The imports of a file: those of its fresh facts (shared, not copied), or from the cache.
#[derive(Debug, Clone)]
pub enum FileImports {
    Parsed(Arc<ParsedFile>),
    Cached(Arc<Vec<ImportFact>>),
}

impl FileImports {
    pub fn as_slice(&self) -> &[ImportFact] {
        match self {
            FileImports::Parsed(p) => &p.facts.imports,
            FileImports::Cached(imports) => imports,
        }
    }
}

/// Equal when the imports are: an edit that leaves them alone does not resolve them again.
impl PartialEq for FileImports {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for FileImports {}

/// The imports of a file: freshly extracted, or from the cache.
#[salsa::tracked(returns(ref))]
pub fn file_imports(db: &dyn salsa::Database, file: SourceFile) -> FileImports {
    match file.content(db) {
        Content::Text(_) => FileImports::Parsed(file_facts(db, file).clone()),
        Content::CachedImports(imports) => FileImports::Cached(imports.clone()),
    }
}

/// The module index of the workspace (depends on paths only, never on contents).
#[salsa::tracked(returns(ref))]
pub fn module_index(db: &dyn salsa::Database, ws: Workspace) -> ModuleIndex {
    ModuleIndex::build(ws.files(db))
}

/// Each import of the file resolved against the module index (same order as the imports).
#[salsa::tracked]
pub fn resolved_imports(db: &dyn salsa::Database, file: SourceFile) -> Arc<Vec<Resolution>> {
    let index = module_index(db, file.workspace(db));
    let importer = file.module(db);
    Arc::new(
        file_imports(db, file)
            .as_slice()
            .iter()
            .map(|import| index.resolve(importer, import))
            .collect(),
    )
}

/// The salsa database. Cloning it gives a handle for another thread.
#[salsa::db]
#[derive(Clone)]
pub struct Database {
    storage: salsa::Storage<Self>,
    log: Option<Arc<Mutex<Vec<String>>>>,
}

impl Default for Database {
    fn default() -> Self {
        Database {
            storage: salsa::Storage::new(None),
            log: None,
        }
    }
}

impl Database {
    /// A database that records the name of every query it executes (for tests).
    pub fn with_execution_log() -> Database {
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        Database {
            storage: salsa::Storage::new(Some(Box::new(move |event: salsa::Event| {
                if let salsa::EventKind::WillExecute { database_key } = event.kind {
                    sink.lock().unwrap().push(format!("{database_key:?}"));
                }
            }))),
            log: Some(log),
        }
    }

    /// Takes the executions recorded so far (empty without a log).
    pub fn take_log(&self) -> Vec<String> {
        self.log
            .as_ref()
            .map(|l| std::mem::take(&mut *l.lock().unwrap()))
            .unwrap_or_default()
    }
}

#[salsa::db]
impl salsa::Database for Database {}

#[cfg(test)]
mod tests {
    use super::*;
    use salsa::Setter;
    use salsa::plumbing::AsId;

    fn module(name: &str) -> ModulePath {
        ModulePath {
            source_root: String::new(),
            module: Some(name.to_string()),
            is_package: false,
            is_stub: false,
        }
    }

    #[test]
    fn editing_one_file_recomputes_only_that_file() {
        let mut db = Database::with_execution_log();
        let names = ["a", "b", "c"];
        let indexed: Vec<IndexedFile> = names
            .iter()
            .map(|n| IndexedFile {
                rel_path: format!("{n}.py"),
                module: module(n),
            })
            .collect();
        let ws = Workspace::new(&db, Arc::new(indexed));
        let files: Vec<SourceFile> = names
            .iter()
            .map(|n| {
                SourceFile::new(
                    &db,
                    format!("{n}.py"),
                    module(n),
                    Content::Text(Arc::from(format!("import os\nfrom . import {n}\nX = 1\n"))),
                    5_000,
                    Arc::new(AnalysisSettings::default()),
                    ws,
                )
            })
            .collect();
        for f in &files {
            resolved_imports(&db, *f);
            file_facts(&db, *f);
        }
        let first = db.take_log();
        assert!(
            first.iter().any(|e| e.starts_with("module_index")),
            "{first:?}"
        );
        assert_eq!(
            first.iter().filter(|e| e.starts_with("file_facts")).count(),
            3
        );

        // Edit b: only b's queries run again; the module index (paths only) is reused.
        files[1]
            .set_content(&mut db)
            .to(Content::Text(Arc::from("import sys\nimport json\nY = 2\n")));
        for f in &files {
            resolved_imports(&db, *f);
            file_facts(&db, *f);
        }
        let second = db.take_log();
        let b_id = format!("{:?}", files[1].as_id());
        assert!(
            second.contains(&format!("file_facts({b_id})")),
            "b's facts were not recomputed: {second:?}"
        );
        for e in &second {
            assert!(
                e.contains(&b_id),
                "something other than b recomputed: {e} in {second:?}"
            );
        }
        assert!(!second.iter().any(|e| e.starts_with("module_index")));

        // Nothing changed: nothing runs.
        for f in &files {
            resolved_imports(&db, *f);
        }
        assert!(db.take_log().is_empty());
    }
}
