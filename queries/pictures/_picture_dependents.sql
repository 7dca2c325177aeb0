-- The picture of `dependents`: the edges among :module and what reaches it.
-- Columns: src, dst, label, dashed, cluster.
WITH RECURSIVE start AS (
  SELECT file_id FROM files WHERE module = :module ORDER BY is_stub, path LIMIT 1
),
reach(file_id) AS (
  SELECT file_id FROM start
  UNION
  SELECT e.src_file_id FROM reach r JOIN graph_edges e ON e.graph = :graph AND e.dst_file_id = r.file_id
)
SELECT COALESCE(sf.module, sf.path) AS src, COALESCE(df.module, df.path) AS dst,
       e.imports AS label, 0 AS dashed, NULL AS cluster
FROM graph_edges e
JOIN reach rs ON rs.file_id = e.src_file_id
JOIN reach rd ON rd.file_id = e.dst_file_id
JOIN files sf ON sf.file_id = e.src_file_id
JOIN files df ON df.file_id = e.dst_file_id
WHERE e.graph = :graph
ORDER BY src, dst;
