-- @id cycles
-- @name Import cycles, with a concrete chain and breakers
-- @description The import cycles of the repository: one row per strongly connected component
--   of two or more modules (numbered by their first path), after a summary row. Each gives its
--   members, one shortest cycle as numbered edges with the import statement behind each
--   (`path:line` and its text), and breakers: module edges whose removal leaves the component
--   without a cycle (weighted Eades-Lin-Smyth, cheap and function-level/TYPE_CHECKING edges
--   first), each with every import under it and its weight. The `eager` graph holds what runs
--   at import time (module-level imports outside TYPE_CHECKING and `if __name__ ==
--   "__main__":`, plus the parent packages they run), `all` every import statement (as grimp and `ruff analyze graph` count them).
--   With `level=package`, the cycles between packages: modules rolled up to their first
--   `depth` dotted parts (1 to 3), as grimp squashes a package's children.
-- @param graph: which import graph (eager)
-- @choices graph: eager all
-- @param level: module or package (module)
-- @choices level: module package
-- @param depth: for level=package, how many parts of the dotted name make the package (1)
-- @choices depth: 1 2 3
-- @picture

WITH comps AS (
  SELECT component, size FROM graph_components WHERE graph = :graph AND :level = 'module'
  UNION ALL
  SELECT component, size FROM graph_package_components
  WHERE graph = :graph AND depth = CAST(:depth AS INTEGER) AND :level = 'package'
),
-- Package level: the first import from a module of one package into a module of the other
-- (`m > 'p.' AND m < 'p/'`: the names under `p`, as a range the module index serves; '/'
-- follows '.').
pkg_imports AS (
  SELECT p.component, p.step, p.src, p.dst,
         (SELECT i.rowid FROM files f
          JOIN imports i ON i.file_id = f.file_id
          JOIN files d ON d.file_id = i.target_file_id
          WHERE (f.module = p.src OR (f.module > p.src || '.' AND f.module < p.src || '/'))
            AND (d.module = p.dst OR (d.module > p.dst || '.' AND d.module < p.dst || '/'))
          ORDER BY f.path, i.line LIMIT 1) AS import_rowid
  FROM graph_package_cycle_edges p
  WHERE p.graph = :graph AND p.depth = CAST(:depth AS INTEGER) AND :level = 'package'
),
-- The import statement behind an edge: the first import of the target itself, else (a parent
-- package an eager import runs) the first import of a module under it.
stmt AS (
  SELECT e.component, e.step, e.src_file_id, e.dst_file_id,
         (SELECT i.rowid FROM imports i JOIN files d ON d.file_id = e.dst_file_id
          WHERE i.file_id = e.src_file_id
            AND (i.target_file_id = e.dst_file_id
                 OR (i.target_module > d.module || '.' AND i.target_module < d.module || '/'))
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
pkg_chains AS (
  SELECT s.component,
         group_concat(s.step || '. ' || s.src || ' -> ' || s.dst || '  (' ||
                      COALESCE(w.text, '?') || ')', char(10)) AS cycle
  FROM (SELECT * FROM pkg_imports ORDER BY component, step) s
  LEFT JOIN written w ON w.import_rowid = s.import_rowid
  GROUP BY s.component
),
chains AS (
  SELECT component, cycle FROM pkg_chains
  UNION ALL
  SELECT s.component,
         group_concat(s.step || '. ' || sf.module || ' -> ' || df.module || '  (' ||
                      COALESCE(w.text, sf.path) || ')', char(10)) AS cycle
  FROM (SELECT * FROM stmt ORDER BY component, step) s
  JOIN files sf ON sf.file_id = s.src_file_id
  JOIN files df ON df.file_id = s.dst_file_id
  LEFT JOIN written w ON w.import_rowid = s.import_rowid
  WHERE :level = 'module'
  GROUP BY s.component
),
breaker_rows AS (
  SELECT b.component, b.imports, b.src, b.dst,
         (SELECT group_concat(line, ', ') FROM (
            SELECT f.path || ':' || i.line AS line FROM files f
            JOIN imports i ON i.file_id = f.file_id
            JOIN files d ON d.file_id = i.target_file_id
            WHERE (f.module = b.src OR (f.module > b.src || '.' AND f.module < b.src || '/'))
              AND (d.module = b.dst OR (d.module > b.dst || '.' AND d.module < b.dst || '/'))
            ORDER BY f.path, i.line)) AS lines
  FROM graph_package_breakers b
  WHERE b.graph = :graph AND b.depth = CAST(:depth AS INTEGER) AND :level = 'package'
  UNION ALL
  SELECT b.component, b.imports, sf.module AS src, df.module AS dst,
         (SELECT group_concat(line, ', ') FROM (
            SELECT sf.path || ':' || i.line AS line FROM imports i
            WHERE i.file_id = b.src_file_id
              AND (i.target_file_id = b.dst_file_id
                   OR (i.target_module > df.module || '.' AND i.target_module < df.module || '/'))
            ORDER BY i.line)) AS lines
  FROM graph_breakers b
  JOIN files sf ON sf.file_id = b.src_file_id
  JOIN files df ON df.file_id = b.dst_file_id
  WHERE b.graph = :graph AND :level = 'module'
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
        WHERE m.graph = :graph AND :level = 'module'
        UNION ALL
        SELECT component, package FROM graph_package_members
        WHERE graph = :graph AND depth = CAST(:depth AS INTEGER) AND :level = 'package'
        ORDER BY 1, 2)
  GROUP BY component
),
report AS (
SELECT 'summary' AS component,
       (SELECT count(*) FROM comps) AS size,
       'largest: ' || COALESCE((SELECT max(size) FROM comps), 0) ||
       CASE WHEN :level = 'package' THEN ' packages' ELSE ' modules' END AS members,
       NULL AS cycle,
       COALESCE((SELECT sum(breaker_imports) FROM breakers), 0) || ' imports to change in ' ||
       (SELECT count(*) FROM breaker_rows) || ' breaker edges' AS breakers,
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
