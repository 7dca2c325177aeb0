-- The picture of the `cycles` report: every edge inside a component, its imports as the label,
-- breakers dashed, each component a cluster. Columns: src, dst, label, dashed, cluster.
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
WHERE e.graph = :graph
ORDER BY ms.component, src, dst;
