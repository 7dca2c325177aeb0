-- @id flake8-tidy-imports/relative-imports
-- @name Relative imports
-- @description A relative import (`from . import x`, `from ..pkg import y`). With
--   `ban-relative-imports = "parents"` (Ruff's default) only imports that climb to a parent
--   package (two dots or more) are reported; with "all", every relative import. One finding
--   per imported name, on the whole statement's range, as Ruff reports it. The parameter
--   :ban_relative_imports is 'parents' or 'all'.
-- @code TID252
-- Columns: path, line, col, end_line, end_col, code, message, parent_line, help.
SELECT f.path, i.stmt_line AS line, i.stmt_col AS col, i.stmt_end_line AS end_line,
       i.stmt_end_col AS end_col, 'TID252' AS code,
       CASE WHEN :ban_relative_imports = 'all'
            THEN 'Prefer absolute imports over relative imports'
            ELSE 'Prefer absolute imports over relative imports from parent modules' END AS message,
       NULL AS parent_line,
       CASE WHEN :ban_relative_imports = 'all' THEN 'Replace relative imports with absolute imports' ELSE 'Replace relative imports from parent modules with absolute imports' END AS help
FROM imports i
JOIN checked_files f ON f.file_id = i.file_id
WHERE i.level > CASE WHEN :ban_relative_imports = 'all' THEN 0 ELSE 1 END
ORDER BY f.path, i.stmt_line, i.stmt_col, i.line, i.col;
