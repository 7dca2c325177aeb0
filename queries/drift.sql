-- @id drift
-- @name Stale path strings: literals naming repository paths that no longer exist
-- @description String literals that look like repository paths (`path_strings`: a `/`, no
--   spaces, not a URL, not a glob pattern) and name a file or folder the repository does not have (not an
--   indexed file, a manifest, another file discovery found, or a folder holding one), in files
--   under `under` (`tests/` by default). A literal counts as a repository path when its first
--   folder is one of the repository's top-level folders, it starts with a prefix of
--   `[tool.codefacts] renames`, or it starts with `prefix`. `suggestion` is the literal with
--   a rename applied (`renames = {"candidate/" = "labs/"}`), given only when the renamed path
--   exists; `reason` says which.
-- @param under: only literals in files under this folder ('' for every file) (tests/)
-- @param prefix: only literals starting with this, e.g. `candidate/` ('' for any) ()

WITH lits AS (
  SELECT f.path, p.line, p.col, p.value,
         rtrim(CASE WHEN substr(p.value, 1, 2) = './' THEN substr(p.value, 3) ELSE p.value END,
               '/') AS target
  FROM path_strings p JOIN files f ON f.file_id = p.file_id
  WHERE (:under = '' OR substr(f.path, 1, length(rtrim(:under, '/')) + 1) = rtrim(:under, '/') || '/')
    AND (:prefix = '' OR substr(p.value, 1, length(:prefix)) = :prefix)
    AND substr(p.value, 1, 1) <> '/'
    AND p.value NOT GLOB '*[*?[]*'
),
tops AS (
  SELECT DISTINCT substr(path, 1, instr(path, '/') - 1) AS top
  FROM (SELECT path FROM files UNION ALL SELECT path FROM repo_files UNION ALL SELECT path FROM manifests)
  WHERE instr(path, '/') > 0
),
judged AS (
  SELECT l.*,
         EXISTS (SELECT 1 FROM files x WHERE x.path = l.target)
      OR EXISTS (SELECT 1 FROM files x WHERE x.path > l.target || '/' AND x.path < l.target || '0')
      OR EXISTS (SELECT 1 FROM repo_files x WHERE x.path = l.target)
      OR EXISTS (SELECT 1 FROM repo_files x WHERE x.path > l.target || '/' AND x.path < l.target || '0')
      OR EXISTS (SELECT 1 FROM manifests x WHERE x.path = l.target OR x.dir = l.target
                 OR (x.path > l.target || '/' AND x.path < l.target || '0')) AS present,
         (SELECT r.old FROM path_renames r
          WHERE substr(l.target || '/', 1, length(rtrim(r.old, '/')) + 1) = rtrim(r.old, '/') || '/'
          ORDER BY length(r.old) DESC LIMIT 1) AS renamed_from
  FROM lits l
),
stale AS (
  SELECT j.*,
         CASE WHEN j.renamed_from IS NOT NULL THEN
           rtrim((SELECT new FROM path_renames WHERE old = j.renamed_from), '/') ||
           substr(j.target, length(rtrim(j.renamed_from, '/')) + 1)
         END AS renamed
  FROM judged j
  WHERE NOT j.present
    AND (j.renamed_from IS NOT NULL OR :prefix <> ''
         OR (instr(j.target, '/') > 0
             AND substr(j.target, 1, instr(j.target, '/') - 1) IN (SELECT top FROM tops)))
)
SELECT s.path, s.line, s.col, s.value,
       CASE WHEN s.renamed IS NOT NULL AND (
              EXISTS (SELECT 1 FROM files x WHERE x.path = s.renamed)
           OR EXISTS (SELECT 1 FROM files x WHERE x.path > s.renamed || '/' AND x.path < s.renamed || '0')
           OR EXISTS (SELECT 1 FROM repo_files x WHERE x.path = s.renamed)
           OR EXISTS (SELECT 1 FROM repo_files x WHERE x.path > s.renamed || '/' AND x.path < s.renamed || '0'))
            THEN replace(substr(s.value, 1, instr(s.value, rtrim(s.renamed_from, '/')) + length(rtrim(s.renamed_from, '/')) - 1),
                         rtrim(s.renamed_from, '/'),
                         rtrim((SELECT new FROM path_renames WHERE old = s.renamed_from), '/'))
                 || substr(s.value, instr(s.value, rtrim(s.renamed_from, '/')) + length(rtrim(s.renamed_from, '/')))
       END AS suggestion,
       CASE WHEN s.renamed IS NULL THEN 'no such path'
            ELSE 'renamed: ' || s.renamed_from || ' -> ' ||
                 (SELECT new FROM path_renames WHERE old = s.renamed_from) ||
                 CASE WHEN EXISTS (SELECT 1 FROM files x WHERE x.path = s.renamed)
                        OR EXISTS (SELECT 1 FROM files x WHERE x.path > s.renamed || '/' AND x.path < s.renamed || '0')
                        OR EXISTS (SELECT 1 FROM repo_files x WHERE x.path = s.renamed)
                        OR EXISTS (SELECT 1 FROM repo_files x WHERE x.path > s.renamed || '/' AND x.path < s.renamed || '0')
                      THEN '' ELSE ' (but ' || s.renamed || ' does not exist either)' END
       END AS reason
FROM stale s
ORDER BY s.path, s.line, s.col;
