-- @id dependencies
-- @name What a module loads, transitively
-- @description Every repository module that :module reaches through imports, with its distance
--   (1: imported directly) and one shortest chain of modules that leads there. With
--   `graph=eager` (the default) only what runs at import time: module-level imports outside
--   TYPE_CHECKING and `if __name__ == "__main__":`, and the parent packages they run; with
--   `graph=all` every import statement.
-- @param module: the module to start from, by its absolute name, e.g. `pkg.mod` (required)
-- @indexed module
-- @param graph: which import graph (eager)
-- @choices graph: eager all
-- @picture

WITH RECURSIVE start AS (
  SELECT file_id FROM files WHERE module = :module ORDER BY is_stub, path LIMIT 1
),
walk(file_id, distance, chain) AS (
  SELECT s.file_id, 0, :module FROM start s
  UNION
  SELECT e.dst_file_id, w.distance + 1, w.chain || ' -> ' || COALESCE(d.module, d.path)
  FROM walk w
  JOIN graph_edges e ON e.graph = :graph AND e.src_file_id = w.file_id
  JOIN files d ON d.file_id = e.dst_file_id
  WHERE w.distance < 1000 AND instr(' -> ' || w.chain || ' -> ', ' -> ' || COALESCE(d.module, d.path) || ' -> ') = 0
),
best AS (
  SELECT file_id, min(distance) AS distance FROM walk WHERE distance > 0 GROUP BY file_id
)
SELECT f.module, f.path, b.distance,
       (SELECT chain FROM walk w WHERE w.file_id = b.file_id AND w.distance = b.distance
        ORDER BY chain LIMIT 1) AS chain
FROM best b JOIN files f ON f.file_id = b.file_id
ORDER BY b.distance, f.module, f.path;
