-- @id pyflakes/unused-import
-- @name Imported but unused
-- @description The final binding of an imported name in a module or function scope has no
--   references (uses carried over from the bindings it replaced count; `__all__` entries
--   count). Redundant aliases (`import x as x`), `__future__` imports and names declared
--   global/nonlocal are exempt. The message names the qualified import (`os.path`,
--   `typing.List`, `.m.x`); inside a `try` that catches ImportError it suggests
--   `importlib.util.find_spec`; for first-party imports (relative; the file's own top-level
--   package; `known-first-party`; or a non-stdlib module under a source root) at the top of an
--   `__init__.py` it suggests re-exporting.
-- @code F401
-- parent_line: first line of the import statement (a noqa there also suppresses).
-- help: Ruff's fix title: re-export for the `__init__.py` case, else "Remove unused import",
--   naming the import when it is the only unused one of its statement.
WITH unused AS (
SELECT f.path, b.line, b.col, b.end_line, b.end_col, b.name, b.qualified_name,
       CASE WHEN b.in_import_error_try = 1 THEN 'try'
            WHEN f.is_package = 1 AND f.is_stub = 0 AND s.kind = 'module'
                 AND (b.level > 0 OR EXISTS (
                        -- first-party, as Ruff's isort categorises it: the file's own
                        -- top-level package, `known-first-party`, or (not a stdlib name)
                        -- a module or folder under a source root
                        SELECT 1 FROM (SELECT CASE WHEN instr(b.qualified_name, '.') > 0
                                                   THEN substr(b.qualified_name, 1, instr(b.qualified_name, '.') - 1)
                                                   ELSE b.qualified_name END AS top) t
                        WHERE EXISTS (SELECT 1 FROM first_party_modules fp
                                      WHERE fp.file_id = b.file_id AND fp.module = t.top)
                           OR EXISTS (SELECT 1 FROM known_first_party k WHERE k.name = t.top)
                           OR (NOT EXISTS (SELECT 1 FROM stdlib_modules sm WHERE sm.name = t.top)
                               AND EXISTS (SELECT 1 FROM files rf
                                           WHERE rf.module = t.top
                                              OR (rf.module > t.top || '.' AND rf.module < t.top || '/')))))
              THEN 'reexport'
            ELSE '' END AS variant,
       b.stmt_line AS parent_line
FROM bindings b
JOIN checked_files f ON f.file_id = b.file_id
JOIN semantic_files sf ON sf.file_id = f.file_id AND sf.has_syntax_error = 0
JOIN scopes s ON s.file_id = b.file_id AND s.scope_id = b.scope_id
WHERE b.kind IN ('import', 'from_import', 'submodule_import')
  AND s.kind IN ('module', 'function')
  AND b.is_live = 1
  AND b.uses = 0
  AND b.is_redundant_alias = 0
  AND b.is_global = 0
  AND b.is_nonlocal = 0
)
SELECT path, line, col, end_line, end_col, 'F401' AS code,
       '`' || qualified_name || '` imported but unused' ||
       CASE variant
         WHEN 'try' THEN '; consider using `importlib.util.find_spec` to test for availability'
         WHEN 'reexport' THEN '; consider removing, adding to `__all__`, or using a redundant alias'
         ELSE '' END AS message,
       parent_line,
       CASE WHEN variant = 'reexport' THEN 'Use an explicit re-export: `' || name || ' as ' || name || '`'
            WHEN count(*) OVER (PARTITION BY path, parent_line) > 1 THEN 'Remove unused import'
            ELSE 'Remove unused import: `' || qualified_name || '`' END AS help
FROM unused
ORDER BY path, line, col;
