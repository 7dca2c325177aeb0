-- The picture of the `cycles` report: every edge inside a component, its imports as the label,
-- breakers dashed, each component a cluster; at level=package the components' shortest cycles
-- and their breakers. Columns: src, dst, label, dashed, cluster.
SELECT sf.module AS src, df.module AS dst,
       e.imports || CASE WHEN b.src_file_id IS NOT NULL THEN ' (break)' ELSE '' END AS label,
       b.src_file_id IS NOT NULL AS dashed,
       'component ' || ms.component || ' (' || c.size || ' modules)' AS cluster
FROM graph_edges e
JOIN graph_members ms ON ms.graph = e.graph AND ms.file_id = e.src_file_id
JOIN graph_members md ON md.graph = e.graph AND md.file_id = e.dst_file_id
                     AND md.component = ms.component
JOIN graph_components c ON c.graph = e.graph AND c.component = ms.component
JOIN files sf ON sf.file_id = e.src_file_id
JOIN files df ON df.file_id = e.dst_file_id
LEFT JOIN graph_breakers b ON b.graph = e.graph AND b.src_file_id = e.src_file_id
                          AND b.dst_file_id = e.dst_file_id
WHERE e.graph = :graph AND :level = 'module'
UNION ALL
SELECT p.src, p.dst, '' AS label, 0 AS dashed,
       'component ' || p.component || ' (' || c.size || ' packages)'
FROM graph_package_cycle_edges p
JOIN graph_package_components c USING (graph, depth, component)
WHERE p.graph = :graph AND p.depth = CAST(:depth AS INTEGER) AND :level = 'package'
  AND NOT EXISTS (SELECT 1 FROM graph_package_breakers b WHERE b.graph = p.graph
                  AND b.depth = p.depth AND b.src = p.src AND b.dst = p.dst)
UNION ALL
SELECT b.src, b.dst, b.imports || ' (break)', 1,
       'component ' || b.component || ' (' || c.size || ' packages)'
FROM graph_package_breakers b
JOIN graph_package_components c USING (graph, depth, component)
WHERE b.graph = :graph AND b.depth = CAST(:depth AS INTEGER) AND :level = 'package'
ORDER BY 5, 1, 2;
