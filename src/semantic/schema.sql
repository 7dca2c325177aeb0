-- Semantic facts (scopes, bindings, references, noqa) per file.
-- Every table is keyed by file_id, which references files(file_id) owned by the store:
--   files(file_id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, is_package INTEGER, is_stub INTEGER)
-- Positions: 1-based lines, 1-based character columns (Ruff's convention); end is exclusive.

-- One row per analyzed file.
CREATE TABLE IF NOT EXISTS semantic_files (
    file_id INTEGER PRIMARY KEY REFERENCES files(file_id),
    has_syntax_error INTEGER NOT NULL,  -- the parse has errors: Ruff reports no semantic diagnostics
    future_annotations INTEGER NOT NULL -- `from __future__ import annotations`
);

-- Top-level module names that count as first-party for a file (Ruff: the file's own
-- top-level package unless it is a stdlib name, modules under the source roots, configured
-- known-first-party). Filled by the store/resolver, not by `analyze`; may stay empty.
CREATE TABLE IF NOT EXISTS first_party_modules (
    file_id INTEGER NOT NULL REFERENCES files(file_id),
    module TEXT NOT NULL,
    PRIMARY KEY (file_id, module)
);

-- One row per scope.
CREATE TABLE IF NOT EXISTS scopes (
    file_id INTEGER NOT NULL REFERENCES files(file_id),
    scope_id INTEGER NOT NULL,          -- index within the file
    kind TEXT NOT NULL,                 -- module|class|function|lambda|comprehension|type_params|class_cell
    parent_id INTEGER,                  -- enclosing scope (NULL for the module)
    name TEXT,                          -- function/class name
    line INTEGER NOT NULL, col INTEGER NOT NULL, end_line INTEGER NOT NULL, end_col INTEGER NOT NULL,
    uses_star_import INTEGER NOT NULL,  -- a `from m import *` sits directly in this scope
    uses_locals INTEGER NOT NULL,       -- `locals()` is called directly in this scope
    PRIMARY KEY (file_id, scope_id)
);

-- One row per binding (a name bound in a scope). Ruff copies the use count of the binding a
-- rebinding shadows, so `uses` counts uses of the name since its first binding in that scope.
CREATE TABLE IF NOT EXISTS bindings (
    file_id INTEGER NOT NULL REFERENCES files(file_id),
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
);

-- Every name load (annotations and string annotations included), with its resolution.
CREATE TABLE IF NOT EXISTS name_references (
    file_id INTEGER NOT NULL REFERENCES files(file_id),
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
    file_id INTEGER NOT NULL REFERENCES files(file_id),
    name TEXT NOT NULL,
    text TEXT NOT NULL,                 -- source text of the range (the whole string for unmappable string annotations)
    scope_id INTEGER NOT NULL,
    kind TEXT NOT NULL,                 -- plain|annotation|string_annotation|dunder_all|delete
    line INTEGER NOT NULL, col INTEGER NOT NULL, end_line INTEGER NOT NULL, end_col INTEGER NOT NULL,
    star_import_visible INTEGER NOT NULL, -- a `from m import *` is visible from the reference
    name_error_handled INTEGER NOT NULL,  -- inside a `try` that catches NameError
    builtin_added_in INTEGER,           -- the name is a builtin from Python 3.N (newer than the target)
    parent_line INTEGER                 -- `__all__` entries: line of the `__all__` definition
);

-- `from m import *` statements.
CREATE TABLE IF NOT EXISTS star_imports (
    file_id INTEGER NOT NULL REFERENCES files(file_id),
    module TEXT NOT NULL,               -- with leading dots: `os`, `.m`
    scope_id INTEGER NOT NULL,
    line INTEGER NOT NULL, col INTEGER NOT NULL, end_line INTEGER NOT NULL, end_col INTEGER NOT NULL
);

-- String entries of module-level `__all__ = / += / : T =` definitions.
CREATE TABLE IF NOT EXISTS dunder_all (
    file_id INTEGER NOT NULL REFERENCES files(file_id),
    name TEXT NOT NULL,
    line INTEGER NOT NULL, col INTEGER NOT NULL, end_line INTEGER NOT NULL, end_col INTEGER NOT NULL, -- the string literal
    defined INTEGER NOT NULL            -- bound at module level or a builtin
);

-- Branch tree (for "same branch" tests of redefinitions).
CREATE TABLE IF NOT EXISTS branches (
    file_id INTEGER NOT NULL REFERENCES files(file_id),
    branch_id INTEGER NOT NULL,
    parent_id INTEGER,
    PRIMARY KEY (file_id, branch_id)
);

-- noqa comments: one row per code (code NULL: blanket).
CREATE TABLE IF NOT EXISTS noqa_directives (
    file_id INTEGER NOT NULL REFERENCES files(file_id),
    line INTEGER NOT NULL,              -- line of the comment
    code TEXT,                          -- NULL: all codes
    file_level INTEGER NOT NULL         -- `# ruff: noqa` / `# flake8: noqa`
);

-- Multi-line strings and backslash continuations: diagnostics on start_line..end_line use the
-- noqa directives of end_line.
CREATE TABLE IF NOT EXISTS noqa_line_ranges (
    file_id INTEGER NOT NULL REFERENCES files(file_id),
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS bindings_by_scope ON bindings(file_id, scope_id, name);
CREATE INDEX IF NOT EXISTS references_by_binding ON name_references(file_id, binding_id);
CREATE INDEX IF NOT EXISTS unresolved_by_file ON unresolved_references(file_id);
CREATE INDEX IF NOT EXISTS noqa_by_line ON noqa_directives(file_id, line);
