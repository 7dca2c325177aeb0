-- @id f821-offenders
-- @name Undefined names by symbol, most frequent first, with the top suggestion for each
-- @description F821 findings (as `ruff check --select F821` reports them: the
--   configuration's exclusions, per-file-ignores and noqa hold, whether or not it selects
--   F821) grouped by the undefined name: how
--   many findings and files, and the import to add for it: the most frequent way the
--   repository already imports the name, else a first-party definer, standard-library module
--   or conventional alias (`import-suggestions` ranks every candidate per place). Fixing the
--   top ten often fixes half. `limit` caps the rows (the users' script shows 25).
-- @param limit: how many names to show (0: all) (25)

WITH undefined AS (
  SELECT path, anchor AS symbol FROM findings
  WHERE source IN ('codefacts', 'f821-unselected') AND code = 'F821' AND anchor <> ''
),
counted AS MATERIALIZED (
  SELECT symbol, count(*) AS findings, count(DISTINCT path) AS files
  FROM undefined GROUP BY symbol
),
-- How the repository already imports each name: the strongest evidence.
imported AS MATERIALIZED (
  SELECT symbol, import_line, count(DISTINCT file_id) AS n FROM (
    SELECT c.symbol, i.file_id,
           CASE WHEN i.form = 'from' THEN 'from ' || i.absolute_module || ' import ' || i.name
                ELSE 'import ' || i.name END AS import_line
    FROM counted c JOIN imports i ON i.name = c.symbol
    WHERE i.alias IS NULL AND NOT i.is_star AND (i.form = 'import' OR i.absolute_module IS NOT NULL)
    UNION ALL
    SELECT c.symbol, i.file_id,
           CASE WHEN i.form = 'from'
                THEN 'from ' || i.absolute_module || ' import ' || i.name || ' as ' || i.alias
                ELSE 'import ' || i.name || ' as ' || i.alias END
    FROM counted c JOIN imports i ON i.alias = c.symbol
    WHERE NOT i.is_star AND (i.form = 'import' OR i.absolute_module IS NOT NULL))
  GROUP BY symbol, import_line
),
defined AS MATERIALIZED (
  SELECT c.symbol, 'from ' || f.module || ' import ' || c.symbol AS import_line
  FROM counted c JOIN module_exports e ON e.name = c.symbol AND e.kind <> 'declared'
  JOIN files f ON f.file_id = e.file_id
  WHERE f.module IS NOT NULL
  UNION
  SELECT c.symbol, 'from ' || x.module || ' import ' || c.symbol
  FROM counted c JOIN stdlib_exports x ON x.name = c.symbol
  UNION
  SELECT c.symbol, 'import ' || a.module || ' as ' || a.alias
  FROM counted c JOIN import_aliases a ON a.alias = c.symbol
),
defined_count AS MATERIALIZED (
  SELECT symbol, count(*) AS candidates FROM defined GROUP BY symbol
),
best AS (
  SELECT symbol, import_line, how FROM (
    SELECT symbol, import_line, how,
           row_number() OVER (PARTITION BY symbol ORDER BY pri, n DESC, import_line) AS k
    FROM (SELECT symbol, import_line, n, 0 AS pri,
                 'imported so in ' || n || ' file' || CASE WHEN n = 1 THEN '' ELSE 's' END AS how
          FROM imported
          UNION ALL
          SELECT d.symbol, d.import_line, 0, 1,
                 CASE WHEN dc.candidates = 1 THEN 'its only candidate'
                      ELSE 'one of ' || dc.candidates || ' candidates' END
          FROM defined d JOIN defined_count dc ON dc.symbol = d.symbol))
  WHERE k = 1
)
SELECT c.symbol, c.findings, c.files, b.import_line AS top_suggestion,
       COALESCE(b.how, 'no evidence') AS evidence
FROM counted c LEFT JOIN best b ON b.symbol = c.symbol
ORDER BY c.findings DESC, c.files DESC, c.symbol
LIMIT CASE WHEN CAST(:limit AS INTEGER) > 0 THEN CAST(:limit AS INTEGER) ELSE -1 END;
