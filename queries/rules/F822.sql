-- @id pyflakes/undefined-export
-- @name Undefined name in __all__
-- @description A string in a module-level `__all__ = / += / : T =` definition names nothing
--   bound at module level (nor a builtin). Not reported when the module has a star import
--   (that is F405) nor in a package's `__init__.py` (Ruff reports those only in preview).
-- @code F822
SELECT f.path, u.line, u.col, u.end_line, u.end_col, 'F822' AS code,
       'Undefined name `' || u.name || '` in `__all__`' AS message,
       u.parent_line AS parent_line,
       NULL AS help
FROM unresolved_references u
JOIN checked_files f ON f.file_id = u.file_id
JOIN semantic_files sf ON sf.file_id = f.file_id AND sf.has_syntax_error = 0
WHERE u.kind = 'dunder_all'
  AND u.star_import_visible = 0
  AND NOT (f.is_package = 1 AND f.is_stub = 0)
ORDER BY f.path, u.line, u.col;
