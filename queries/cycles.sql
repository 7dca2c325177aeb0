-- @id cycles
-- @name Import cycles, with a concrete chain and breakers
-- @description The import cycles of the repository: one row per strongly connected component
--   of two or more modules (numbered by their first path), after a summary row. Each gives its
--   members, one shortest cycle as numbered edges with the import statement behind each
--   (`path:line` and its text), and breakers: module edges whose removal leaves the component
--   without a cycle (weighted Eades-Lin-Smyth, cheap and function-level/TYPE_CHECKING edges
--   first), each with every import under it and its weight. The `eager` graph holds what runs
--   at import time (module-level imports outside TYPE_CHECKING, plus the parent packages they
--   run), `all` every import statement (as grimp and `ruff analyze graph` count them).
-- @param graph: which import graph (eager)
-- @choices graph: eager all
-- @picture

WITH comps AS (
  SELECT component, size FROM graph_components WHERE graph = :graph
),
-- The import statement behind an edge: the first import of the target itself, else (a parent
-- package an eager import runs) the first import of a module under it.
stmt AS (
  SELECT e.component, e.step, e.src_file_id, e.dst_file_id,
         (SELECT i.rowid FROM imports i JOIN files d ON d.file_id = e.dst_file_id
          WHERE i.file_id = e.src_file_id
            AND (i.target_file_id = e.dst_file_id OR i.target_module LIKE d.module || '.%')
          ORDER BY i.target_file_id <> e.dst_file_id, i.line, i.col LIMIT 1) AS import_rowid
  FROM graph_cycle_edges e WHERE e.graph = :graph
),
written AS (
  SELECT i.rowid AS import_rowid, f.path || ':' || i.line || ': ' ||
         CASE i.form WHEN 'import' THEN 'import ' || i.name
              ELSE 'from ' || substr('..........', 1, i.level) || i.module || ' import ' || i.name END ||
         COALESCE(' as ' || i.alias, '') AS text
  FROM imports i JOIN files f ON f.file_id = i.file_id
),
chains AS (
  SELECT s.component,
         group_concat(s.step || '. ' || sf.module || ' -> ' || df.module || '  (' ||
                      COALESCE(w.text, sf.path) || ')', char(10)) AS cycle
  FROM (SELECT * FROM stmt ORDER BY component, step) s
  JOIN files sf ON sf.file_id = s.src_file_id
  JOIN files df ON df.file_id = s.dst_file_id
  LEFT JOIN written w ON w.import_rowid = s.import_rowid
  GROUP BY s.component
),
breaker_rows AS (
  SELECT b.component, b.imports, sf.module AS src, df.module AS dst,
         (SELECT group_concat(line, ', ') FROM (
            SELECT sf.path || ':' || i.line AS line FROM imports i
            WHERE i.file_id = b.src_file_id
              AND (i.target_file_id = b.dst_file_id OR i.target_module LIKE df.module || '.%')
            ORDER BY i.line)) AS lines
  FROM graph_breakers b
  JOIN files sf ON sf.file_id = b.src_file_id
  JOIN files df ON df.file_id = b.dst_file_id
  WHERE b.graph = :graph
),
breakers AS (
  SELECT component, sum(imports) AS breaker_imports,
         group_concat(src || ' -> ' || dst || '  (' || imports || ' import' ||
                      CASE WHEN imports = 1 THEN '' ELSE 's' END || ': ' || lines || ')',
                      char(10)) AS breakers
  FROM (SELECT * FROM breaker_rows ORDER BY component, src, dst)
  GROUP BY component
),
members AS (
  SELECT component, group_concat(module, char(10)) AS members
  FROM (SELECT m.component, f.module FROM graph_members m JOIN files f USING (file_id)
        WHERE m.graph = :graph ORDER BY m.component, f.module)
  GROUP BY component
),
report AS (
SELECT 'summary' AS component,
       (SELECT count(*) FROM comps) AS size,
       'largest: ' || COALESCE((SELECT max(size) FROM comps), 0) || ' modules' AS members,
       NULL AS cycle,
       COALESCE((SELECT sum(breaker_imports) FROM breakers), 0) || ' imports to change in ' ||
       (SELECT count(*) FROM graph_breakers WHERE graph = :graph) || ' breaker edges' AS breakers,
       COALESCE((SELECT sum(breaker_imports) FROM breakers), 0) AS breaker_imports,
       0 AS sort_key
UNION ALL
SELECT CAST(c.component AS TEXT), c.size, mb.members, ch.cycle, br.breakers, br.breaker_imports,
       c.component
FROM comps c
LEFT JOIN members mb ON mb.component = c.component
LEFT JOIN chains ch ON ch.component = c.component
LEFT JOIN breakers br ON br.component = c.component
)
SELECT component, size, members, cycle, breakers, breaker_imports
FROM report
ORDER BY sort_key;
