-- Health: one row of totals: findings, files with findings, syntax errors, the eager import
-- graph's cycles (components, largest, imports to change in the breakers), relative imports.
SELECT (SELECT count(*) FROM all_findings) AS findings,
       (SELECT count(DISTINCT path) FROM all_findings) AS files_with_findings,
       (SELECT count(*) FROM files) AS files,
       (SELECT count(*) FROM all_findings WHERE code = 'invalid-syntax') AS syntax_errors,
       (SELECT count(*) FROM graph_components WHERE graph = 'eager') AS cycles,
       (SELECT COALESCE(max(size), 0) FROM graph_components WHERE graph = 'eager') AS largest_cycle,
       (SELECT COALESCE(sum(imports), 0) FROM graph_breakers WHERE graph = 'eager') AS breaker_imports,
       (SELECT count(*) FROM imports WHERE level > 0) AS relative_imports,
       (SELECT count(*) FROM findings WHERE source = 'ruff') AS ruff_ingested
ORDER BY 1;
