-- The picture of `import-graph`: every edge between repository modules, its imports as the
-- label; edges that only a function-level or TYPE_CHECKING import makes are dashed.
-- Columns: src, dst, label, dashed, cluster.
SELECT COALESCE(sf.module, sf.path) AS src, COALESCE(df.module, df.path) AS dst,
       e.imports AS label, e.soft = e.imports AS dashed, NULL AS cluster
FROM graph_edges e
JOIN files sf ON sf.file_id = e.src_file_id
JOIN files df ON df.file_id = e.dst_file_id
WHERE e.graph = 'all'
ORDER BY src, dst;
