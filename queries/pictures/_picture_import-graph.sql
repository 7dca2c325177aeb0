-- The picture of `import-graph`: its rows as edges (the braced word below stands for the
-- report's own query, with the same parameters), the number of imports as the label; edges
-- taken only by function-level or TYPE_CHECKING imports dashed.
-- Columns: src, dst, label, dashed, cluster.
SELECT importer AS src, imported AS dst, imports AS label, kind <> 'eager' AS dashed,
       NULL AS cluster
FROM ({report})
ORDER BY src, dst;
