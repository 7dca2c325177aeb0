-- @id importers
-- @name Who imports a module
-- @description Every import statement in the repository that loads :module (by its absolute
--   module name, relative imports resolved), with file, line and how it is written.
--   Run with `--param module=pkg.mod`.
-- @param module: the module imported, by its absolute name, e.g. `pkg.mod` (required)

SELECT f.path,
       i.line,
       i.form,
       CASE WHEN i.level > 0 THEN substr('..........', 1, i.level) ELSE '' END || i.module AS written,
       i.name,
       i.alias,
       i.scope,
       i.type_checking
FROM imports i
JOIN files f ON f.file_id = i.file_id
WHERE i.target_module = :module OR i.absolute_module = :module
ORDER BY f.path, i.line, i.col;
