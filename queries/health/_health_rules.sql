-- Health: findings per rule, as all_findings counts them (largest first).
SELECT code, max(name) AS name, count(*) AS findings, count(DISTINCT path) AS files
FROM all_findings
GROUP BY code
ORDER BY findings DESC, code;
