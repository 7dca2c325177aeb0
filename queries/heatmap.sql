-- @id heatmap
-- @name Findings by owner, star, lane or folder, and by rule
-- @description Where the lint debt is: findings (codefacts' own and those ingested from
--   Ruff, as `all_findings` counts them, docs/findings.md) counted by a key and by rule, as
--   a matrix: one row per key, one column per rule, both ordered by their totals, with a
--   total column and a totals row (`--format md` also writes a totals-by-rule table with each
--   rule's share). `by=owner` and `star` come from `file_owners` (docs/ownership.md: the
--   nearest manifest, CODEOWNERS per `owner-source`), `lane` from `[tool.codefacts.lanes]`,
--   `dir` is the first `depth` folders of the path (`.` for files at the root). Findings on
--   files outside the index are keyed `(not indexed)`. JSON gives the matrix as
--   `{keys, columns, rows: [{key..., total, by: {rule: n}}], totals}`. PATH arguments count
--   only the findings under them. When the ratchet's baseline exists (docs/ratchet.md), each
--   cell and total also shows its change since (`12 (+3)`; CSV adds `baseline` and `delta`
--   columns, JSON `baseline_total` and `baseline_by`).
-- @param by: what to count by: owner, star, lane, dir, or star,owner (star,owner)
-- @choices by: owner star lane dir star,owner
-- @param depth: for by=dir, how many folders make the key (1)
-- @param rules: keep the N rules with the most findings as columns and count the rest as
--   `other` (0: every rule) (0)
-- @pivot keys: star owner lane dir; columns: code; values: findings; baseline: baseline

WITH RECURSIVE
has_baseline AS (
  SELECT EXISTS (SELECT 1 FROM meta WHERE key = 'baseline' AND value <> 'none'
                 AND value NOT LIKE 'bad:%') AS yes
),
current AS (
  SELECT path, code, count(*) AS n FROM all_findings GROUP BY path, code
),
-- With the ratchet's baseline: its counts beside the current ones (and files and rules the
-- baseline has that are clean now).
raw AS (
  SELECT c.path, c.code, c.n, COALESCE(b.count, 0) AS b
  FROM current c LEFT JOIN baseline_counts b ON b.path = c.path AND b.code = c.code
  UNION ALL
  SELECT b.path, b.code, 0, b.count
  FROM baseline_counts b
  WHERE NOT EXISTS (SELECT 1 FROM current c WHERE c.path = b.path AND c.code = b.code)
),
ranked AS (
  SELECT code, row_number() OVER (ORDER BY sum(n) DESC, sum(b) DESC, code) AS k
  FROM raw GROUP BY code
),
counted AS (
  SELECT r.path,
         CASE WHEN CAST(:rules AS INTEGER) > 0 AND k.k > CAST(:rules AS INTEGER) THEN 'other'
              ELSE r.code END AS code,
         sum(r.n) AS n, sum(r.b) AS b
  FROM raw r JOIN ranked k ON k.code = r.code
  GROUP BY 1, 2
),
-- by=dir: the first :depth folders of each path, cut from each distinct folder once
-- (`rtrim(p, replace(p, '/', ''))` is the path up to its last '/').
folders AS (
  SELECT DISTINCT rtrim(path, replace(path, '/', '')) AS folder FROM counted WHERE :by = 'dir'
),
cut(folder, rest, dir, k) AS (
  SELECT folder, folder, '', 0 FROM folders
  UNION ALL
  SELECT folder, substr(rest, instr(rest, '/') + 1),
         dir || CASE WHEN dir = '' THEN '' ELSE '/' END || substr(rest, 1, instr(rest, '/') - 1),
         k + 1
  FROM cut
  WHERE k < max(CAST(:depth AS INTEGER), 1) AND instr(rest, '/') > 0
),
dirs AS (
  -- The row with the largest k is the deepest cut (SQLite's bare column of max()).
  SELECT folder, dir, max(k) FROM cut GROUP BY folder
),
keyed AS (
  SELECT c.path, c.code, c.n, c.b,
         COALESCE(o.star, '(not indexed)') AS star,
         COALESCE(o.owner, '(not indexed)') AS owner,
         COALESCE(f.lane, '(not indexed)') AS lane,
         COALESCE(NULLIF(d.dir, ''), '.') AS dir
  FROM counted c
  LEFT JOIN files f ON f.path = c.path
  LEFT JOIN file_owners o ON o.file_id = f.file_id
  LEFT JOIN dirs d ON :by = 'dir' AND d.folder = rtrim(c.path, replace(c.path, '/', ''))
)
SELECT CASE WHEN :by IN ('star', 'star,owner') THEN star END AS star,
       CASE WHEN :by IN ('owner', 'star,owner') THEN owner END AS owner,
       CASE WHEN :by = 'lane' THEN lane END AS lane,
       CASE WHEN :by = 'dir' THEN dir END AS dir,
       code, path, n AS findings,
       CASE WHEN (SELECT yes FROM has_baseline) THEN b END AS baseline
FROM keyed
ORDER BY path, code;
