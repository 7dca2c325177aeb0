-- @id import-graph
-- @name Import graph
-- @description Edges between repository modules: one row per (importer, imported) pair with
--   the first line that imports it and how it is loaded (eager, function-level, `main` under
--   `if __name__ == "__main__":`, TYPE_CHECKING).
--   With `level=package` the modules are rolled up to their package at `depth` (the first
--   `depth` parts of the dotted name, as grimp squashes a package's children): one row per
--   pair of packages, edges inside a package left out; `src_path` is then the first importing
--   file and `dst_path` the first imported one.
-- @param level: module or package (module)
-- @choices level: module package
-- @param depth: for level=package, how many parts of the dotted name make the package (1)
-- @picture

WITH RECURSIVE edges AS (
  SELECT src_module, src_path, dst_module, dst_path, kind, line
  FROM import_edges
  WHERE src_file_id <> dst_file_id
),
-- The package of every module at the requested depth: its first :depth dotted parts.
modules(name) AS (
  SELECT src_module FROM edges WHERE src_module IS NOT NULL AND :level = 'package'
  UNION SELECT dst_module FROM edges WHERE dst_module IS NOT NULL AND :level = 'package'
),
cut(name, prefix, rest, n) AS (
  SELECT name, '', name || '.', 0 FROM modules
  UNION ALL
  SELECT name,
         prefix || CASE WHEN prefix = '' THEN '' ELSE '.' END || substr(rest, 1, instr(rest, '.') - 1),
         substr(rest, instr(rest, '.') + 1), n + 1
  FROM cut WHERE n < CAST(:depth AS INTEGER) AND rest <> ''
),
package(name, pkg) AS (
  SELECT name, prefix FROM cut c
  WHERE n = (SELECT max(n) FROM cut d WHERE d.name = c.name)
),
grouped AS (
  SELECT CASE WHEN :level = 'package' THEN ps.pkg ELSE e.src_module END AS importer,
         CASE WHEN :level = 'package' THEN pd.pkg ELSE e.dst_module END AS imported,
         e.src_path, e.dst_path, e.kind, e.line
  FROM edges e
  LEFT JOIN package ps ON ps.name = e.src_module
  LEFT JOIN package pd ON pd.name = e.dst_module
)
SELECT importer,
       imported,
       min(src_path) AS src_path,
       min(dst_path) AS dst_path,
       min(line) AS first_line,
       count(*)  AS imports,
       -- the strongest way the edge is taken: eager beats function beats main (under
       -- `if __name__ == "__main__":`) beats type_checking
       CASE min(CASE kind WHEN 'eager' THEN 0 WHEN 'function' THEN 1 WHEN 'main' THEN 2 ELSE 3 END)
         WHEN 0 THEN 'eager' WHEN 1 THEN 'function' WHEN 2 THEN 'main'
         ELSE 'type_checking' END AS kind
FROM grouped
WHERE :level = 'module' OR importer IS NOT imported
GROUP BY CASE WHEN :level = 'package' THEN importer ELSE src_path END,
         CASE WHEN :level = 'package' THEN imported ELSE dst_path END
ORDER BY CASE WHEN :level = 'package' THEN importer ELSE min(src_path) END,
         CASE WHEN :level = 'package' THEN imported ELSE min(dst_path) END;
