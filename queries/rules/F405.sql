-- @id pyflakes/undefined-local-with-import-star-usage
-- @name Name may be undefined, or defined from star imports
-- @description An unresolved name (a load, or a module-level `__all__` entry) while a
--   `from m import *` is visible from its scope.
-- @code F405
SELECT f.path, u.line, u.col, u.end_line, u.end_col, 'F405' AS code,
       '`' || CASE WHEN u.kind = 'dunder_all' THEN u.name ELSE u.text END ||
       '` may be undefined, or defined from star imports' AS message,
       u.parent_line AS parent_line,
       NULL AS help
FROM unresolved_references u
JOIN checked_files f ON f.file_id = u.file_id
JOIN semantic_files sf ON sf.file_id = f.file_id AND sf.has_syntax_error = 0
WHERE u.star_import_visible = 1
ORDER BY f.path, u.line, u.col;
