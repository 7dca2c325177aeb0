-- Health: the owners with the most findings.
SELECT COALESCE(o.owner, '(not indexed)') AS owner, count(*) AS findings,
       count(DISTINCT a.path) AS files
FROM all_findings a
LEFT JOIN files f ON f.path = a.path
LEFT JOIN file_owners o ON o.file_id = f.file_id
GROUP BY 1
ORDER BY findings DESC, owner
LIMIT 10;
