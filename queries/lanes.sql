-- @id lanes
-- @name Lanes: files, findings and syntax errors per lane, strict lanes first
-- @description One row per lane of `[tool.codefacts.lanes]` (and `default`, for files no
--   lane matches, which `check --gate` holds strict): its mode, its files, how many of them
--   do not parse (the users' compile gate: real Python apart from fragments that only end in
--   `.py`), its findings (as `all_findings` counts them) in total and by rule, largest first,
--   and for strict lanes the first syntax error, `path:line: message`. Strict lanes come
--   first, then by their order in the configuration.

WITH modes AS (
  SELECT name, mode, position FROM lanes
  UNION ALL
  SELECT 'default', 'strict', 1000000 WHERE NOT EXISTS (SELECT 1 FROM lanes WHERE name = 'default')
),
files_per_lane AS (
  SELECT lane, count(*) AS files,
         sum(status = 'syntax_error') AS unparsable
  FROM files GROUP BY lane
),
found AS (
  SELECT f.lane, a.code, count(*) AS n
  FROM all_findings a JOIN files f ON f.path = a.path
  GROUP BY f.lane, a.code
),
by_code AS (
  SELECT lane, sum(n) AS findings,
         group_concat(code || ' ' || n, ', ') AS by_rule
  FROM (SELECT * FROM found ORDER BY lane, n DESC, code)
  GROUP BY lane
),
first_error AS (
  SELECT lane, text FROM (
    SELECT f.lane, a.path || ':' || a.line || ': ' || a.message AS text,
           row_number() OVER (PARTITION BY f.lane ORDER BY a.path, a.line, a.col) AS k
    FROM all_findings a JOIN files f ON f.path = a.path
    WHERE a.code = 'invalid-syntax')
  WHERE k = 1
)
SELECT m.name AS lane, m.mode,
       COALESCE(fl.files, 0) AS files,
       COALESCE(fl.unparsable, 0) AS syntax_error_files,
       COALESCE(b.findings, 0) AS findings,
       COALESCE(b.by_rule, '') AS by_rule,
       CASE WHEN m.mode = 'strict' THEN e.text END AS first_syntax_error
FROM modes m
LEFT JOIN files_per_lane fl ON fl.lane = m.name
LEFT JOIN by_code b ON b.lane = m.name
LEFT JOIN first_error e ON e.lane = m.name
WHERE m.name <> 'default' OR fl.files > 0
ORDER BY m.mode <> 'strict', m.position, m.name;
