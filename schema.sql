-- codefacts schema. Applied on open; PRAGMA user_version holds the schema version
-- (src/store/mod.rs: SCHEMA_VERSION). Every table is a cache of the repository: a database
-- from another version is rebuilt, never migrated.
-- Positions: lines are 1-based; columns are 1-based and count characters (as Ruff does);
-- end positions are exclusive. Byte offsets index the file's text decoded to UTF-8.

-- One row per indexed .py/.pyi file.
CREATE TABLE IF NOT EXISTS files (
  file_id        INTEGER PRIMARY KEY,          -- stable while the path exists
  path           TEXT NOT NULL UNIQUE,         -- repo-relative, '/'-separated
  module         TEXT,                         -- dotted module name; NULL if not importable
  is_package     INTEGER NOT NULL,             -- 1 for __init__.py / __init__.pyi
  is_stub        INTEGER NOT NULL,             -- 1 for .pyi
  source_root    TEXT NOT NULL,                -- the source root the module name is relative to ('' = repo root)
  lane           TEXT NOT NULL,                -- first matching [tool.codefacts.lanes] entry, else 'default'
  size           INTEGER NOT NULL,             -- bytes on disk
  mtime_ns       INTEGER NOT NULL,             -- modification time seen at indexing (ns since epoch)
  lines          INTEGER NOT NULL,             -- number of lines of the decoded text
  hash           TEXT NOT NULL,                -- git's object id of the raw bytes (`git hash-object`: SHA-1, 40 hex digits)
  encoding       TEXT NOT NULL,                -- utf-8, utf-8-sig, latin-1, windows-1252, ...
  status         TEXT NOT NULL,                -- ok | syntax_error | undecodable | too_large | parse_timeout
  error          TEXT,                         -- why the file was not (fully) parsed, NULL when parsed
  decode_errors  INTEGER NOT NULL,             -- 1 when the bytes could not be decoded
  syntax_errors  INTEGER NOT NULL              -- number of syntax_errors rows
);
CREATE INDEX IF NOT EXISTS files_module ON files(module);
CREATE INDEX IF NOT EXISTS files_lane ON files(lane);

-- One row per imported name: `import a, b` gives two rows, `from m import *` one row with name '*'.
CREATE TABLE IF NOT EXISTS imports (
  file_id         INTEGER NOT NULL REFERENCES files(file_id) ON DELETE CASCADE,
  form            TEXT NOT NULL,               -- 'import' | 'from'
  module          TEXT NOT NULL,               -- as written, without leading dots ('' for `from . import x`)
  level           INTEGER NOT NULL,            -- number of leading dots (0 = absolute)
  absolute_module TEXT,                        -- `module` with the level resolved against the file's package; NULL if it climbs too far
  name            TEXT NOT NULL,               -- `a.b` for `import a.b`, `x` for `from m import x`, '*' for star
  alias           TEXT,                        -- the `as` name, if any
  is_star         INTEGER NOT NULL,
  line            INTEGER NOT NULL,            -- position of the imported name
  col             INTEGER NOT NULL,
  end_line        INTEGER NOT NULL,
  end_col         INTEGER NOT NULL,
  stmt_line       INTEGER NOT NULL,            -- range of the whole statement
  stmt_col        INTEGER NOT NULL,
  stmt_end_line   INTEGER NOT NULL,
  stmt_end_col    INTEGER NOT NULL,
  stmt_start      INTEGER NOT NULL,            -- byte range of the whole statement
  stmt_end        INTEGER NOT NULL,
  name_start      INTEGER NOT NULL,            -- byte range of the imported name (with its alias)
  name_end        INTEGER NOT NULL,
  scope           TEXT NOT NULL,               -- 'module' | 'class' | 'function'
  type_checking   INTEGER NOT NULL,            -- under `if TYPE_CHECKING:`
  guarded         INTEGER NOT NULL,            -- in a `try` whose handlers catch ImportError/ModuleNotFoundError
  conditional     INTEGER NOT NULL,            -- under any other if/try/with/for/while/match
  main_only       INTEGER NOT NULL,            -- under `if __name__ == "__main__":`: runs only as a script
  target_module   TEXT,                        -- module the name loads (`pkg.name` when it is a submodule)
  target_file_id  INTEGER,                     -- repository file that module is (NULL for namespace packages and non-repo modules)
  target_kind     TEXT NOT NULL                -- 'repo' | 'stdlib' | 'third_party' | 'unresolved'
);
CREATE INDEX IF NOT EXISTS imports_file ON imports(file_id);
CREATE INDEX IF NOT EXISTS imports_name ON imports(name);
CREATE INDEX IF NOT EXISTS imports_absolute_module ON imports(absolute_module);
CREATE INDEX IF NOT EXISTS imports_target_file ON imports(target_file_id);

-- The public names of each module (src/facts/exports.rs): with `__all__`, exactly its names;
-- without, module-level classes, functions and UPPER_CASE constants and explicit re-exports
-- (`from m import X as X`, `import X as X`), names starting with `_` left out.
CREATE TABLE IF NOT EXISTS module_exports (
  file_id  INTEGER NOT NULL REFERENCES files(file_id) ON DELETE CASCADE,
  name     TEXT NOT NULL,
  kind     TEXT NOT NULL,                      -- class | function | constant | variable (through __all__ only) | reexport | declared (in __all__, bound by nothing seen)
  line     INTEGER NOT NULL,                   -- where the name is bound (the __all__ entry for `declared`)
  in_all   INTEGER NOT NULL                    -- named in __all__
);
CREATE INDEX IF NOT EXISTS module_exports_file ON module_exports(file_id);
CREATE INDEX IF NOT EXISTS module_exports_name ON module_exports(name);

-- Classes and functions at any depth; assignments at module and class level.
CREATE TABLE IF NOT EXISTS definitions (
  file_id         INTEGER NOT NULL REFERENCES files(file_id) ON DELETE CASCADE,
  name            TEXT NOT NULL,
  qualname        TEXT NOT NULL,               -- Python's __qualname__: `C.m`, `f.<locals>.g`
  kind            TEXT NOT NULL,               -- class | function | async_function | assignment | annotated_assignment | augmented_assignment
  scope           TEXT NOT NULL,               -- scope the name is bound in: module | class | function
  enclosing_class TEXT,                        -- qualname of the directly enclosing class
  decorators      TEXT NOT NULL,               -- JSON array of decorator expressions, without '@'
  conditional     INTEGER NOT NULL,            -- under if/try/with/for/while/match within its scope
  line            INTEGER NOT NULL,            -- position of the defined name
  col             INTEGER NOT NULL,
  end_line        INTEGER NOT NULL,
  end_col         INTEGER NOT NULL,
  stmt_line       INTEGER NOT NULL,            -- first/last line of the whole definition (decorators included)
  stmt_end_line   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS definitions_file ON definitions(file_id);
CREATE INDEX IF NOT EXISTS definitions_name ON definitions(name);

-- The string entries of a module-level `__all__`.
CREATE TABLE IF NOT EXISTS dunder_all (
  file_id  INTEGER NOT NULL REFERENCES files(file_id) ON DELETE CASCADE,
  name     TEXT NOT NULL,
  form     TEXT NOT NULL,                      -- assign | augassign | append | extend
  line     INTEGER NOT NULL,
  col      INTEGER NOT NULL,
  end_line INTEGER NOT NULL,
  end_col  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS dunder_all_file ON dunder_all(file_id);
CREATE INDEX IF NOT EXISTS dunder_all_name ON dunder_all(name);

-- `return` statements and `yield` expressions outside any function (F706 material).
CREATE TABLE IF NOT EXISTS outside_returns (
  file_id  INTEGER NOT NULL REFERENCES files(file_id) ON DELETE CASCADE,
  kind     TEXT NOT NULL,                      -- return | yield | yield_from
  in_class TEXT,                               -- qualname of the class body it sits in, if any
  line     INTEGER NOT NULL,
  col      INTEGER NOT NULL,
  end_line INTEGER NOT NULL,
  end_col  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outside_returns_file ON outside_returns(file_id);

-- Syntax errors as tree-sitter reports them: unexpected text (ERROR) or a missing token (MISSING).
CREATE TABLE IF NOT EXISTS syntax_errors (
  file_id  INTEGER NOT NULL REFERENCES files(file_id) ON DELETE CASCADE,
  kind     TEXT NOT NULL,                      -- unexpected | missing
  text     TEXT NOT NULL,                      -- offending text (80 chars at most) or the missing token
  line     INTEGER NOT NULL,
  col      INTEGER NOT NULL,
  end_line INTEGER NOT NULL,
  end_col  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS syntax_errors_file ON syntax_errors(file_id);

-- A notebook's code cells: the file's text is its code cells one after the other (IPython
-- escapes blanked), and every position of every table is in that text. Ruff names a place in a
-- notebook `cell N:row:col`: N is `cell`, row is `line - first_line + 1`.
CREATE TABLE IF NOT EXISTS notebook_cells (
  file_id    INTEGER NOT NULL REFERENCES files(file_id) ON DELETE CASCADE,
  cell       INTEGER NOT NULL,                 -- 1-based among all the notebook's cells (markdown too)
  first_line INTEGER NOT NULL,                 -- line of the text where the cell starts
  lines      INTEGER NOT NULL,                 -- the cell's number of lines
  PRIMARY KEY (file_id, cell)
) WITHOUT ROWID;

-- ---------------------------------------------------------------------------------------
-- Derived relations of the import graph (src/graph/, written by src/store/derived.rs), for two
-- graphs: `all`, every import of a repository file (function-level and TYPE_CHECKING imports
-- included, as `ruff analyze graph` and grimp count them), and `eager`, what runs at import
-- time (module-level imports outside `if TYPE_CHECKING:`, plus the parent packages of each
-- module they load). Recomputed when an edge changes (meta key `graph_edges`).

-- The edges of both graphs: one row per (importer file, imported file).
CREATE TABLE IF NOT EXISTS graph_edges (
  graph       TEXT NOT NULL,                   -- all | eager
  src_file_id INTEGER NOT NULL,
  dst_file_id INTEGER NOT NULL,
  imports     INTEGER NOT NULL,                -- import statements behind the edge (eager: or run through a parent package)
  soft        INTEGER NOT NULL,                -- all: of them, function-level or under TYPE_CHECKING;
                                               -- eager: of them, reaching it only as a parent package
  PRIMARY KEY (graph, src_file_id, dst_file_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS graph_edges_by_dst ON graph_edges(graph, dst_file_id);

-- Strongly connected components of two or more modules, numbered by their first path.
CREATE TABLE IF NOT EXISTS graph_components (
  graph     TEXT NOT NULL,                     -- all | eager
  component INTEGER NOT NULL,
  size      INTEGER NOT NULL,
  PRIMARY KEY (graph, component)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS graph_members (
  graph     TEXT NOT NULL,
  component INTEGER NOT NULL,
  file_id   INTEGER NOT NULL
);

-- One shortest cycle of each component, as its edges in order (the last returns to the first).
CREATE TABLE IF NOT EXISTS graph_cycle_edges (
  graph       TEXT NOT NULL,
  component   INTEGER NOT NULL,
  step        INTEGER NOT NULL,                -- 1-based
  src_file_id INTEGER NOT NULL,
  dst_file_id INTEGER NOT NULL
);

-- Edges whose removal leaves the component without a cycle (weighted Eades-Lin-Smyth).
CREATE TABLE IF NOT EXISTS graph_breakers (
  graph       TEXT NOT NULL,
  component   INTEGER NOT NULL,
  src_file_id INTEGER NOT NULL,
  dst_file_id INTEGER NOT NULL,
  imports     INTEGER NOT NULL                 -- import statements behind the edge
);

-- The same for the package graphs: modules rolled up to their first `depth` dotted parts
-- (1 to 3), as grimp squashes a package's children; edges inside a package left out, the
-- imports between two packages summed. Packages are named, not files.
CREATE TABLE IF NOT EXISTS graph_package_components (
  graph TEXT NOT NULL, depth INTEGER NOT NULL, component INTEGER NOT NULL, size INTEGER NOT NULL,
  PRIMARY KEY (graph, depth, component)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS graph_package_members (
  graph TEXT NOT NULL, depth INTEGER NOT NULL, component INTEGER NOT NULL, package TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS graph_package_cycle_edges (
  graph TEXT NOT NULL, depth INTEGER NOT NULL, component INTEGER NOT NULL, step INTEGER NOT NULL,
  src TEXT NOT NULL, dst TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS graph_package_breakers (
  graph TEXT NOT NULL, depth INTEGER NOT NULL, component INTEGER NOT NULL,
  src TEXT NOT NULL, dst TEXT NOT NULL, imports INTEGER NOT NULL
);

-- String literals that look like file-system paths (contain '/', no spaces): drift checks.
CREATE TABLE IF NOT EXISTS path_strings (
  file_id  INTEGER NOT NULL REFERENCES files(file_id) ON DELETE CASCADE,
  value    TEXT NOT NULL,
  line     INTEGER NOT NULL,
  col      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS path_strings_file ON path_strings(file_id);

-- ---------------------------------------------------------------------------------------
-- Ownership facts (src/owners/, docs/ownership.md): `module.manifest.json` files, the
-- CODEOWNERS file GitHub would use, and who owns each file. Manifests are indexed
-- incrementally like source files; `file_owners` is recomputed when a manifest, CODEOWNERS,
-- `owner-source` or the set of files changes.

-- One row per `module.manifest.json` found by discovery (excluded and git-ignored folders
-- are not walked).
CREATE TABLE IF NOT EXISTS manifests (
  manifest_id    INTEGER PRIMARY KEY,
  path           TEXT NOT NULL UNIQUE,         -- repo-relative path of the manifest
  dir            TEXT NOT NULL,                -- the folder it governs ('' = the root)
  size           INTEGER NOT NULL,
  mtime_ns       INTEGER NOT NULL,
  hash           TEXT NOT NULL,                -- blake3 of the bytes
  module         TEXT,                         -- its `module` field, when a string
  star           TEXT NOT NULL,                -- constellation_alignment.primary_star, else 'Supporting'
  owner          TEXT NOT NULL,                -- metadata.owner, else 'unknown'
  owner_declared INTEGER NOT NULL,             -- 1 when metadata.owner is present
  valid          INTEGER NOT NULL,             -- 0: not a JSON object; skipped (the next manifest up applies)
  error          TEXT                          -- what is wrong (invalid JSON with line and column, a field of the wrong type); NULL: nothing
);

-- The public API a manifest declares, under `public_api`, `exports`, `interfaces` or `exposes`.
CREATE TABLE IF NOT EXISTS manifest_exports (
  manifest_id INTEGER NOT NULL REFERENCES manifests(manifest_id) ON DELETE CASCADE,
  field       TEXT NOT NULL,                   -- public_api | exports | interfaces | exposes
  name        TEXT NOT NULL,
  position    INTEGER NOT NULL                 -- 0-based, in field order then as listed
);
CREATE INDEX IF NOT EXISTS manifest_exports_by_manifest ON manifest_exports(manifest_id);

-- The lines of the CODEOWNERS file in use (the first of .github/CODEOWNERS, CODEOWNERS,
-- docs/CODEOWNERS), comments and blank lines left out.
CREATE TABLE IF NOT EXISTS codeowners_rules (
  source   TEXT NOT NULL,                      -- the file's repo-relative path
  line     INTEGER PRIMARY KEY,                -- 1-based
  pattern  TEXT NOT NULL,                      -- as written (the whole line when invalid)
  owners   TEXT NOT NULL,                      -- space-separated as written; '' = explicitly unowned
  error    TEXT                                -- why GitHub would reject the line (it then applies to nothing); NULL: valid
);

-- Who owns each indexed file.
CREATE TABLE IF NOT EXISTS file_owners (
  file_id         INTEGER PRIMARY KEY REFERENCES files(file_id) ON DELETE CASCADE,
  manifest_id     INTEGER,                     -- the nearest valid manifest up the tree; NULL: none
  star            TEXT NOT NULL,               -- its star; 'Supporting' without one
  manifest_owner  TEXT,                        -- its metadata.owner; NULL when it declares none
  codeowners_line INTEGER,                     -- the CODEOWNERS rule that decides the file (the last match); NULL: none
  codeowners      TEXT,                        -- that rule's owners ('' = explicitly unowned); NULL: no rule matched
  owner           TEXT NOT NULL,               -- per `owner-source`: the owner, '(unowned)', or 'unknown'
  owner_source    TEXT NOT NULL                -- manifest | codeowners | none
);

-- ---------------------------------------------------------------------------------------
-- Findings as facts (src/store/findings.rs, docs/findings.md): codefacts' own, stored by the
-- reports that count them (whole repository, every selected rule, as `check` finds them), and
-- Ruff's, stored by `codefacts ingest ruff` (every field of Ruff's JSON kept).

CREATE TABLE IF NOT EXISTS findings (
  source    TEXT NOT NULL,                     -- codefacts | ruff | f821-unselected (F821 where the configuration does not select it, for the import reports; not in all_findings)
  path      TEXT NOT NULL,                     -- repo-relative; Ruff's filename as written when outside the root
  code      TEXT NOT NULL,                     -- F821, ...; 'invalid-syntax' for syntax errors
  name      TEXT,                              -- the rule's name (undefined-name)
  message   TEXT NOT NULL,
  line      INTEGER NOT NULL,                  -- Ruff's location.row (in a notebook, Ruff's is the cell's)
  col       INTEGER NOT NULL,
  end_line  INTEGER NOT NULL,
  end_col   INTEGER NOT NULL,
  cell      INTEGER,                           -- notebooks: the cell (Ruff's findings only)
  noqa_row  INTEGER,
  url       TEXT,
  severity  TEXT,
  fix       TEXT,                              -- Ruff's fix object as JSON; NULL: none
  ordinal   INTEGER NOT NULL,                  -- position among the source's findings (Ruff's order)
  scope     TEXT NOT NULL,                     -- qualified name of the innermost function or class around it ('' at module level)
  anchor    TEXT NOT NULL                      -- the rule-specific part of its identity (docs/ratchet.md): the quoted name, the import text, a line-text hash
);
CREATE INDEX IF NOT EXISTS findings_by_path ON findings(path);

-- The ratchet's baseline (codefacts-baseline.json, docs/ratchet.md) as counts per file and
-- rule, loaded for the reports that compare with it (meta `baseline`: what was loaded).
CREATE TABLE IF NOT EXISTS baseline_counts (
  path  TEXT NOT NULL,
  code  TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (path, code)
) WITHOUT ROWID;

-- The rules codefacts implements (filled on open from queries/rules/): where both tools
-- report a rule for an indexed file, codefacts' findings are the ones counted.
CREATE TABLE IF NOT EXISTS codefacts_rules (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL
);

-- Ruff's old rule codes and what each now means (src/ruff_redirects.tsv, generated from Ruff by
-- scripts/gen-ruff-rules.py): `# noqa: I252` suppresses TID252, as in Ruff.
CREATE TABLE IF NOT EXISTS ruff_redirects (
  old TEXT PRIMARY KEY,                        -- I252, TCH001, SIM111
  new TEXT NOT NULL                            -- TID252, TC001, SIM110
) WITHOUT ROWID;

-- The files a rule reports on: every file, unless `codefacts check --files F ...` narrows it
-- to the named ones. Each rule joins `checked_files` for the file its rows are about (and
-- `files` for any other file it looks at), so a narrowed check runs only on those files.
CREATE VIEW IF NOT EXISTS checked_files AS SELECT * FROM files;

-- The findings every report counts: codefacts' own, plus Ruff's for the rules codefacts does
-- not implement and for files the index does not hold.
CREATE VIEW IF NOT EXISTS all_findings AS
SELECT * FROM findings WHERE source = 'codefacts'
UNION ALL
SELECT r.* FROM findings r
WHERE r.source = 'ruff'
  AND NOT (r.code IN (SELECT code FROM codefacts_rules)
           AND EXISTS (SELECT 1 FROM files f WHERE f.path = r.path));

-- ---------------------------------------------------------------------------------------
-- Semantic facts: scopes, bindings and references with Ruff's (pyflakes') semantics, noqa.
-- The semantic layer, built on first use: by `check`, `index --semantic`, or SQL naming one of
-- these tables; from then on every run keeps it current (meta key `semantic` = '1'). Written
-- from the same parse as the facts above (src/semantic/, src/store/semantic.rs).
-- ---------------------------------------------------------------------------------------

-- One row per analyzed file.
CREATE TABLE IF NOT EXISTS semantic_files (
    file_id INTEGER PRIMARY KEY REFERENCES files(file_id) ON DELETE CASCADE,
    has_syntax_error INTEGER NOT NULL,  -- the parse has errors: Ruff reports no semantic diagnostics
    future_annotations INTEGER NOT NULL, -- `from __future__ import annotations`
    -- Invalid code tree-sitter accepts without an error node (Python 2 `print x`, an empty block,
    -- an unexpected indent, `try` without `except`): the first one, with Ruff's message. NULL
    -- when there is none; errors with error nodes are in `syntax_errors`.
    lenient_error_line INTEGER,
    lenient_error_col INTEGER,
    lenient_error TEXT
);

-- The top-level package a file belongs to, when it is not a standard-library name (Ruff's
-- isort "same package" first-party rule). Filled by the store from the module name.
CREATE TABLE IF NOT EXISTS first_party_modules (
    file_id INTEGER NOT NULL REFERENCES files(file_id) ON DELETE CASCADE,
    module TEXT NOT NULL,
    PRIMARY KEY (file_id, module)
) WITHOUT ROWID;

-- One row per scope.
CREATE TABLE IF NOT EXISTS scopes (
    file_id INTEGER NOT NULL REFERENCES files(file_id) ON DELETE CASCADE,
    scope_id INTEGER NOT NULL,          -- index within the file
    kind TEXT NOT NULL,                 -- module|class|function|lambda|comprehension|type_params|class_cell
                                        -- (the last two only when something is bound in them)
    parent_id INTEGER,                  -- enclosing scope (NULL for the module)
    name TEXT,                          -- function/class name
    line INTEGER NOT NULL, col INTEGER NOT NULL, end_line INTEGER NOT NULL, end_col INTEGER NOT NULL,
    uses_star_import INTEGER NOT NULL,  -- a `from m import *` sits directly in this scope
    uses_locals INTEGER NOT NULL,       -- `locals()` is called directly in this scope
    PRIMARY KEY (file_id, scope_id)
) WITHOUT ROWID;

-- One row per binding (a name bound in a scope). Ruff copies the use count of the binding a
-- rebinding shadows, so `uses` counts uses of the name since its first binding in that scope.
CREATE TABLE IF NOT EXISTS bindings (
    file_id INTEGER NOT NULL REFERENCES files(file_id) ON DELETE CASCADE,
    binding_id INTEGER NOT NULL,        -- index within the file
    name TEXT NOT NULL,                 -- the bound name (`a` for `import a.b`)
    kind TEXT NOT NULL,                 -- import|from_import|submodule_import|future_import|assignment|annotation|
                                        -- augmented|for|with|except|unbound_exception|walrus|match|global|nonlocal|
                                        -- function|class|parameter|type_param|deletion|export|class_cell|global_declaration
    scope_id INTEGER NOT NULL,          -- scope the name is bound in
    line INTEGER NOT NULL, col INTEGER NOT NULL, end_line INTEGER NOT NULL, end_col INTEGER NOT NULL, -- the name
    stmt_line INTEGER, stmt_end_line INTEGER, -- imports: the whole statement's lines
    uses INTEGER NOT NULL,              -- references (loads, del, nonlocal, __all__ entries)
    shadows_id INTEGER,                 -- same-scope binding of the same name this one replaced
    shadows_outer_id INTEGER,           -- else: binding of the name in an enclosing function/module scope
    is_live INTEGER NOT NULL,           -- the scope's final binding for the name
    in_type_checking INTEGER NOT NULL,  -- under `if TYPE_CHECKING:`
    in_import_error_try INTEGER NOT NULL, -- in a `try` body whose handlers catch ImportError/ModuleNotFoundError
    branch_id INTEGER,                  -- innermost if/elif/else/try/except/finally/with/case branch (NULL: none)
    in_all INTEGER NOT NULL,            -- named in module-level `__all__`
    is_redundant_alias INTEGER NOT NULL,-- `import x as x` / `from m import x as x`
    is_global INTEGER NOT NULL,         -- declared `global` (propagates to rebindings)
    is_nonlocal INTEGER NOT NULL,       -- declared `nonlocal`
    is_dummy INTEGER NOT NULL,          -- matches Ruff's dummy-variable regex (`_`, `_x`, ...)
    is_overload INTEGER NOT NULL,       -- function decorated with @overload
    qualified_name TEXT,                -- imports: `os.path`, `typing.List`, `.m.x`
    module TEXT,                        -- from-imports: module with leading dots
    level INTEGER NOT NULL,             -- from-imports: number of leading dots
    PRIMARY KEY (file_id, binding_id)
) WITHOUT ROWID;

-- Every name load (annotations and string annotations included), with its resolution.
-- Filled only with `index-references = true` in [tool.codefacts]: it is the largest table.
CREATE TABLE IF NOT EXISTS name_references (
    file_id INTEGER NOT NULL REFERENCES files(file_id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    scope_id INTEGER NOT NULL,          -- scope the load happens in
    kind TEXT NOT NULL,                 -- plain|annotation|string_annotation
    line INTEGER NOT NULL, col INTEGER NOT NULL, end_line INTEGER NOT NULL, end_col INTEGER NOT NULL,
    resolution TEXT NOT NULL,           -- binding|builtin|implicit|unresolved
    binding_id INTEGER                  -- resolution = 'binding': the binding it reads
);

-- Name loads that resolve to no binding and no builtin (plus unresolvable `del` targets and
-- `__all__` entries).
CREATE TABLE IF NOT EXISTS unresolved_references (
    file_id INTEGER NOT NULL REFERENCES files(file_id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    text TEXT NOT NULL,                 -- source text of the range (the whole string for unmappable string annotations)
    scope_id INTEGER NOT NULL,
    kind TEXT NOT NULL,                 -- plain|annotation|string_annotation|dunder_all|delete
    line INTEGER NOT NULL, col INTEGER NOT NULL, end_line INTEGER NOT NULL, end_col INTEGER NOT NULL,
    star_import_visible INTEGER NOT NULL, -- a `from m import *` is visible from the reference
    name_error_handled INTEGER NOT NULL,  -- inside a `try` that catches NameError
    builtin_added_in INTEGER,           -- the name is a builtin from Python 3.N (newer than the target)
    parent_line INTEGER,                -- `__all__` entries: line of the `__all__` definition
    usage TEXT,                         -- what the code does with the name: call (`x(...)`), attribute
                                        -- (`x.attr`), subscript (`x[...]`); NULL: anything else
    attribute TEXT                      -- usage = 'attribute': the attribute's name
);

-- `from m import *` statements.
CREATE TABLE IF NOT EXISTS star_imports (
    file_id INTEGER NOT NULL REFERENCES files(file_id) ON DELETE CASCADE,
    module TEXT NOT NULL,               -- with leading dots: `os`, `.m`
    scope_id INTEGER NOT NULL,
    line INTEGER NOT NULL, col INTEGER NOT NULL, end_line INTEGER NOT NULL, end_col INTEGER NOT NULL
);

-- Branch tree (for "same branch" tests of redefinitions).
CREATE TABLE IF NOT EXISTS branches (
    file_id INTEGER NOT NULL REFERENCES files(file_id) ON DELETE CASCADE,
    branch_id INTEGER NOT NULL,
    parent_id INTEGER,
    PRIMARY KEY (file_id, branch_id)
) WITHOUT ROWID;

-- noqa comments: one row per code (code NULL: blanket).
CREATE TABLE IF NOT EXISTS noqa_directives (
    file_id INTEGER NOT NULL REFERENCES files(file_id) ON DELETE CASCADE,
    line INTEGER NOT NULL,              -- line of the comment
    code TEXT,                          -- NULL: all codes
    file_level INTEGER NOT NULL         -- `# ruff: noqa` / `# flake8: noqa`
);

-- Multi-line strings and backslash continuations: diagnostics on start_line..end_line use the
-- noqa directives of end_line.
CREATE TABLE IF NOT EXISTS noqa_line_ranges (
    file_id INTEGER NOT NULL REFERENCES files(file_id) ON DELETE CASCADE,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL
);

-- noqa comments Ruff warns about (and, for `invalid`, ignores): `codefacts check` prints them.
CREATE TABLE IF NOT EXISTS noqa_warnings (
    file_id INTEGER NOT NULL REFERENCES files(file_id) ON DELETE CASCADE,
    line INTEGER NOT NULL,              -- line of the comment
    kind TEXT NOT NULL                  -- invalid | invalid_file_level | missing_or_joined | misplaced
);

-- For F401 and F811: unused imports, and the bindings that replace another.
CREATE INDEX IF NOT EXISTS bindings_unused_imports ON bindings(file_id) WHERE kind IN ('import', 'from_import', 'submodule_import') AND uses = 0;
CREATE INDEX IF NOT EXISTS bindings_shadows ON bindings(shadows_id) WHERE shadows_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS bindings_shadows_outer ON bindings(shadows_outer_id) WHERE shadows_outer_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS references_by_binding ON name_references(file_id, binding_id);
CREATE INDEX IF NOT EXISTS unresolved_by_file ON unresolved_references(file_id);
CREATE INDEX IF NOT EXISTS noqa_by_line ON noqa_directives(file_id, line);
CREATE INDEX IF NOT EXISTS noqa_ranges_by_file ON noqa_line_ranges(file_id);
CREATE INDEX IF NOT EXISTS star_imports_by_file ON star_imports(file_id);
CREATE INDEX IF NOT EXISTS bindings_by_name ON bindings(name);
CREATE INDEX IF NOT EXISTS unresolved_by_name ON unresolved_references(name);

-- What each standard-library module exports, from typeshed's stubs (src/suggest/, generated by
-- scripts/gen-stdlib-exports.py): import suggestions' third source of evidence.
CREATE TABLE IF NOT EXISTS stdlib_exports (
  module TEXT NOT NULL,                        -- os.path, collections, ...
  name   TEXT NOT NULL,
  PRIMARY KEY (name, module)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS stdlib_exports_module ON stdlib_exports(module);

-- What else a standard-library module has at its top level: the public names of its stub that
-- its `__all__` leaves out (`logging.root`), for telling whether it has what code reads.
CREATE TABLE IF NOT EXISTS stdlib_attributes (
  module TEXT NOT NULL,
  name   TEXT NOT NULL,
  PRIMARY KEY (module, name)
) WITHOUT ROWID;

-- Ruff's conventional import aliases (ICN001's defaults): `import numpy as np`.
CREATE TABLE IF NOT EXISTS import_aliases (
  module TEXT NOT NULL,
  alias  TEXT NOT NULL,
  PRIMARY KEY (alias, module)
) WITHOUT ROWID;

-- Names a file of a given name takes from a package by convention: a `setup.py` calls
-- setuptools' `setup` (src/suggest/file_conventions.tsv, generated from setuptools' `__all__`).
CREATE TABLE IF NOT EXISTS file_conventions (
  file_name TEXT NOT NULL,                     -- setup.py
  module    TEXT NOT NULL,                     -- setuptools
  name      TEXT NOT NULL,                     -- setup
  PRIMARY KEY (name, file_name, module)
) WITHOUT ROWID;

-- `[tool.ruff.lint.isort] known-first-party`: top-level names that are first-party.
CREATE TABLE IF NOT EXISTS known_first_party (
  name TEXT PRIMARY KEY
);

-- Top-level module names of the Python standard library (any version 3.8-3.14).
CREATE TABLE IF NOT EXISTS stdlib_modules (
  name     TEXT PRIMARY KEY,
  first    INTEGER NOT NULL,                   -- first 3.x minor version that has it
  last     INTEGER NOT NULL                    -- last 3.x minor version that has it
);

-- Every other file discovery found (not Python, not a manifest): with `files` and
-- `manifests`, the repository's paths, which the drift report looks string literals up in.
CREATE TABLE IF NOT EXISTS repo_files (
  path TEXT PRIMARY KEY                        -- repo-relative
) WITHOUT ROWID;

-- `[tool.codefacts] renames`: path prefixes that moved (`"candidate/" = "labs/"`).
CREATE TABLE IF NOT EXISTS path_renames (
  old TEXT PRIMARY KEY,
  new TEXT NOT NULL
);

-- Lanes from [tool.codefacts.lanes], in match order.
CREATE TABLE IF NOT EXISTS lanes (
  position INTEGER PRIMARY KEY,
  name     TEXT NOT NULL,
  mode     TEXT NOT NULL,                      -- strict | warn
  globs    TEXT NOT NULL                       -- JSON array
);

-- Source roots module names are relative to.
CREATE TABLE IF NOT EXISTS source_roots (
  path TEXT PRIMARY KEY                        -- repo-relative ('' = repo root)
);

-- Key/value facts about the index itself: `root`; `layout` and `analysis` fingerprints;
-- `schema_fingerprint`; `semantic` ('1': the semantic layer is built and kept current);
-- `indexes_pending` ('1': a cold `check` left the lookup indexes to the next index/sql/query run);
-- `generation` (counts the runs that changed the index); `findings` (the generation and rule
-- selection codefacts' stored findings were computed for); `ruff_ingest` (what was ingested);
-- `codeowners` (the CODEOWNERS file's path, size, mtime and hash); `owners` (what `file_owners`
-- was computed from).
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Import edges between repository files (derived from imports).
-- kind: 'type_checking' under `if TYPE_CHECKING:`, 'function' inside a function or method
-- body, 'main' under `if __name__ == "__main__":` (it runs only when the file runs as a
-- script), else 'eager' (executed when the module is imported).
CREATE VIEW IF NOT EXISTS import_edges AS
SELECT i.file_id        AS src_file_id,
       i.target_file_id AS dst_file_id,
       s.path           AS src_path,
       d.path           AS dst_path,
       s.module         AS src_module,
       i.target_module  AS dst_module,
       i.line           AS line,
       CASE WHEN i.type_checking THEN 'type_checking'
            WHEN i.scope = 'function' THEN 'function'
            WHEN i.main_only THEN 'main'
            ELSE 'eager' END AS kind
FROM imports i
JOIN files s ON s.file_id = i.file_id
JOIN files d ON d.file_id = i.target_file_id
WHERE i.target_file_id IS NOT NULL;
