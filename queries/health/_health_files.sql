-- Health: the files with the most findings.
SELECT a.path, COALESCE(o.owner, '(not indexed)') AS owner, count(*) AS findings
FROM all_findings a
LEFT JOIN files f ON f.path = a.path
LEFT JOIN file_owners o ON o.file_id = f.file_id
GROUP BY a.path
ORDER BY findings DESC, a.path
LIMIT 10;
