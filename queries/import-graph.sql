-- @id import-graph
-- @name Import graph
-- @description Edges between repository modules: one row per (importer, imported) pair with
--   the first line that imports it and how it is loaded (eager, function-level, TYPE_CHECKING).
-- @picture

WITH edges AS (
  SELECT src_module, src_path, dst_module, dst_path, kind, line
  FROM import_edges
  WHERE src_file_id <> dst_file_id
)
SELECT src_module AS importer,
       dst_module AS imported,
       src_path,
       dst_path,
       min(line) AS first_line,
       count(*)  AS imports,
       -- the strongest way the edge is taken: eager beats function beats type_checking
       CASE min(CASE kind WHEN 'eager' THEN 0 WHEN 'function' THEN 1 ELSE 2 END)
         WHEN 0 THEN 'eager' WHEN 1 THEN 'function' ELSE 'type_checking' END AS kind
FROM edges
GROUP BY src_path, dst_path
ORDER BY src_path, dst_path;
