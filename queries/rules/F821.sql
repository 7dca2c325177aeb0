-- @id pyflakes/undefined-name
-- @name Undefined name
-- @description A name is loaded (or deleted) that no enclosing scope binds and that is not a
--   builtin of the target Python version. Names under a visible `from m import *` are F405
--   instead; references inside `try: ... except NameError:` are not reported; `__path__` is
--   defined in `__init__.py`. `__all__` entries are F822.
-- @code F821
-- Columns: path, line, col, end_line, end_col, code, message, parent_line (always NULL here;
-- see _noqa.sql).
SELECT f.path, u.line, u.col, u.end_line, u.end_col, 'F821' AS code,
       'Undefined name `' || u.text || '`' ||
       CASE WHEN u.builtin_added_in IS NOT NULL
            THEN '. Consider specifying `requires-python = ">= 3.' || u.builtin_added_in ||
                 '"` or `tool.ruff.target-version = "py3' || u.builtin_added_in ||
                 '"` in your `pyproject.toml` file.'
            ELSE '' END AS message,
       NULL AS parent_line,
       NULL AS help
FROM unresolved_references u
JOIN checked_files f ON f.file_id = u.file_id
JOIN semantic_files sf ON sf.file_id = f.file_id AND sf.has_syntax_error = 0
WHERE u.kind <> 'dunder_all'
  AND u.star_import_visible = 0
  AND u.name_error_handled = 0
  AND NOT (f.is_package = 1 AND u.name = '__path__')
ORDER BY f.path, u.line, u.col;
