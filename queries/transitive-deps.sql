-- @id transitive-deps
-- @name Modules a module loads, transitively
-- @description Every repository module that importing :module loads at import time, with
--   its distance and one shortest chain that reaches it. Follows eager imports only
--   (function-level, TYPE_CHECKING and `if __name__ == "__main__":` imports do not run on
--   import) and, as Python does,
--   the parent packages of every module loaded (`import a.b.c` runs a/__init__ and
--   a/b/__init__ first). Run with `--param module=pkg.mod`.
-- @param module: the module imported first, by its absolute name, e.g. `pkg.mod` (required)
-- @indexed module

WITH RECURSIVE
  -- one step of loading: an eager import, or a module's enclosing package
  step(src, dst, how) AS (
    SELECT DISTINCT src_file_id, dst_file_id, ' -> '
    FROM import_edges
    WHERE kind = 'eager' AND src_file_id <> dst_file_id
    UNION
    SELECT c.file_id, p.file_id, ' (in) '
    FROM files c
    JOIN files p ON p.is_package = 1 AND p.module IS NOT NULL
                AND c.module > p.module || '.' AND c.module < p.module || '/'
  ),
  -- (file, depth) pairs: UNION keeps each pair once, so this terminates on cycles
  reach(file_id, depth) AS (
    SELECT file_id, 0 FROM files WHERE module = :module
    UNION
    SELECT s.dst, r.depth + 1
    FROM reach r JOIN step s ON s.src = r.file_id
    WHERE r.depth < 64
  ),
  dist(file_id, depth) AS (
    SELECT file_id, min(depth) FROM reach GROUP BY file_id
  ),
  -- for each reached file, the predecessor one step closer (smallest module name wins)
  pred(file_id, prev, how) AS (
    SELECT d.file_id, s.src, s.how
    FROM dist d
    JOIN step s ON s.dst = d.file_id
    JOIN dist p ON p.file_id = s.src AND p.depth = d.depth - 1
    JOIN files pf ON pf.file_id = s.src
    WHERE d.depth > 0
      AND pf.module = (
        SELECT min(f2.module)
        FROM step s2
        JOIN dist p2 ON p2.file_id = s2.src AND p2.depth = d.depth - 1
        JOIN files f2 ON f2.file_id = s2.src
        WHERE s2.dst = d.file_id)
    GROUP BY d.file_id
  ),
  -- walk back from every reached file to the start, building the chain
  chain(target, cur, text) AS (
    SELECT d.file_id, d.file_id, f.module
    FROM dist d JOIN files f ON f.file_id = d.file_id
    WHERE d.depth > 0
    UNION ALL
    SELECT c.target, p.prev, pf.module || p.how || c.text
    FROM chain c
    JOIN pred p ON p.file_id = c.cur
    JOIN files pf ON pf.file_id = p.prev
  )
SELECT f.module,
       f.path,
       d.depth,
       (SELECT c.text FROM chain c
        JOIN dist s ON s.file_id = c.cur AND s.depth = 0
        WHERE c.target = d.file_id) AS chain
FROM dist d
JOIN files f ON f.file_id = d.file_id
WHERE d.depth > 0
ORDER BY d.depth, f.module, f.path;
