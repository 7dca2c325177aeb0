-- @id transitive-deps
-- @name Modules a module loads, transitively
-- @description Every repository module that importing :module loads at import time (eager
--   edges only: function-level and TYPE_CHECKING imports are not followed), with the
--   shortest import chain that reaches it. Run with `--param module=pkg.mod`.

WITH RECURSIVE
  eager(src, dst) AS (
    SELECT DISTINCT src_file_id, dst_file_id
    FROM import_edges
    WHERE kind = 'eager' AND src_file_id <> dst_file_id
  ),
  start(file_id) AS (
    SELECT file_id FROM files WHERE module = :module
  ),
  reach(file_id, depth, chain) AS (
    SELECT s.file_id, 0, f.module
    FROM start s JOIN files f ON f.file_id = s.file_id
    UNION
    SELECT e.dst, r.depth + 1, r.chain || ' -> ' || f.module
    FROM reach r
    JOIN eager e ON e.src = r.file_id
    JOIN files f ON f.file_id = e.dst
    WHERE r.depth < 64
      AND instr(' -> ' || r.chain || ' -> ', ' -> ' || f.module || ' -> ') = 0
  ),
  shortest AS (
    SELECT file_id, min(depth) AS depth FROM reach WHERE depth > 0 GROUP BY file_id
  )
SELECT f.module,
       f.path,
       s.depth,
       (SELECT r.chain FROM reach r
        WHERE r.file_id = s.file_id AND r.depth = s.depth
        ORDER BY r.chain LIMIT 1) AS chain
FROM shortest s
JOIN files f ON f.file_id = s.file_id
ORDER BY s.depth, f.module, f.path;
