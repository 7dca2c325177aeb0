-- @id import-map
-- @name The import map: which module offers which public name, and where to import it from
-- @description One row per public name of a repository module (`module_exports`): with
--   `__all__`, exactly its names; without, top-level classes, functions and UPPER_CASE
--   constants and explicit re-exports (`from m import X as X`, `import X as X`), names
--   starting with `_` left out. `kind`: class, function, constant, variable (through
--   `__all__` only), reexport, declared (in `__all__` but bound by nothing the index sees).
--   `import_from` is the public path, the module to import the name from: the top-most
--   package of the same top-level package whose `__init__` re-exports it (by a chain of
--   `from ... import` that reaches the definition, and that names it in its `__all__`,
--   imports it `as` itself, or declares no `__all__`), as ty's auto-import collapses
--   re-export chains; else the defining module (`defined_in`), or for a re-export of a
--   name its source does not make public, the re-exporting module. `in_manifest` is 1 when the
--   nearest manifest lists the name under `public_api`, `exports`, `interfaces` or
--   `exposes`; a manifest name that no module under its folder offers is a row of kind
--   `manifest-only` on the manifest's package. `--format json` gives the users'
--   import_map.json: `{"symbols": {name: [modules]}, "modules": {module: [names]}}`.
-- @json-groups symbols: symbol -> module; modules: module -> symbol

WITH RECURSIVE
-- Package `__init__` modules: the links of re-export chains.
packages AS (
  SELECT file_id, module FROM files WHERE is_package AND module IS NOT NULL
),
-- Module-level from-imports in packages that bind a name under its own name.
binds AS (
  SELECT i.file_id, p.module, i.name, i.alias, i.absolute_module AS source, min(i.line) AS line
  FROM packages p JOIN imports i ON i.file_id = p.file_id
  WHERE i.form = 'from' AND i.scope = 'module' AND NOT i.is_star
    AND i.absolute_module IS NOT NULL AND (i.alias IS NULL OR i.alias = i.name)
  GROUP BY i.file_id, i.name
),
-- `from m import *` in packages: every public name of `m` (its `__all__`, else its public
-- names, as Python's star import takes them).
stars AS (
  SELECT i.file_id, p.module, i.absolute_module AS source, min(i.line) AS line
  FROM packages p JOIN imports i ON i.file_id = p.file_id
  WHERE i.form = 'from' AND i.scope = 'module' AND i.is_star AND i.absolute_module IS NOT NULL
  GROUP BY i.file_id, i.absolute_module
),
-- Chains up the package tree: package `module` binds `name` (by name or by a star import),
-- which reaches the definition in `origin` below it.
reach(module, file_id, name, origin, line) AS (
  SELECT b.module, b.file_id, b.name, b.source, b.line
  FROM binds b
  JOIN files d ON d.module = b.source
  JOIN module_exports e ON e.file_id = d.file_id AND e.name = b.name
  WHERE e.kind IN ('class', 'function', 'constant', 'variable')
    AND substr(b.source, 1, length(b.module) + 1) = b.module || '.'
  UNION
  SELECT s.module, s.file_id, e.name, s.source, s.line
  FROM stars s
  JOIN files d ON d.module = s.source
  JOIN module_exports e ON e.file_id = d.file_id
  WHERE e.kind IN ('class', 'function', 'constant', 'variable')
    AND substr(s.source, 1, length(s.module) + 1) = s.module || '.'
  UNION
  SELECT b.module, b.file_id, r.name, r.origin, b.line
  FROM reach r
  JOIN binds b ON b.source = r.module AND b.name = r.name
  WHERE substr(r.origin, 1, length(b.module) + 1) = b.module || '.'
  UNION
  SELECT s.module, s.file_id, r.name, r.origin, s.line
  FROM reach r
  JOIN stars s ON s.source = r.module
  WHERE substr(r.origin, 1, length(s.module) + 1) = s.module || '.' AND r.name NOT LIKE '\_%' ESCAPE '\'
),
-- Where a package makes the name public: it names it in `__all__`, imports it as itself,
-- or declares no `__all__`.
exposed AS (
  SELECT r.origin, r.name, r.module, r.file_id, min(r.line) AS line
  FROM reach r
  WHERE r.name NOT LIKE '\_%' ESCAPE '\'
    AND (NOT EXISTS (SELECT 1 FROM dunder_all a WHERE a.file_id = r.file_id)
         OR EXISTS (SELECT 1 FROM dunder_all a WHERE a.file_id = r.file_id AND a.name = r.name)
         OR EXISTS (SELECT 1 FROM binds b WHERE b.file_id = r.file_id AND b.name = r.name
                    AND b.alias = r.name))
  GROUP BY r.origin, r.name, r.module
),
public_path AS (
  SELECT origin, name, module AS public_path
  FROM (SELECT origin, name, module,
               row_number() OVER (PARTITION BY origin, name ORDER BY length(module), module) AS k
        FROM exposed)
  WHERE k = 1
),
-- Every public name: the module's own, plus what a package exposes through a plain
-- `from ... import` or a star import of its subtree (it declares no `__all__`).
offered AS (
  SELECT e.file_id, f.path, f.module, e.name, e.kind, e.line, f.module AS origin
  FROM module_exports e JOIN files f ON f.file_id = e.file_id
  WHERE f.module IS NOT NULL AND e.kind NOT IN ('reexport', 'declared')
  UNION ALL
  SELECT e.file_id, f.path, f.module, e.name, e.kind, e.line,
         COALESCE(
           (SELECT min(r.origin) FROM reach r WHERE r.file_id = e.file_id AND r.name = e.name),
           (SELECT CASE WHEN i.form = 'from' THEN i.absolute_module ELSE i.name END
            FROM imports i
            WHERE i.file_id = e.file_id AND i.scope = 'module' AND NOT i.is_star
              AND COALESCE(i.alias, i.name) = e.name
            ORDER BY i.line LIMIT 1),
           f.module)
  FROM module_exports e JOIN files f ON f.file_id = e.file_id
  WHERE f.module IS NOT NULL AND e.kind IN ('reexport', 'declared')
  UNION ALL
  SELECT x.file_id, f.path, x.module, x.name, 'reexport', x.line, x.origin
  FROM exposed x
  JOIN files f ON f.file_id = x.file_id
  WHERE NOT EXISTS (SELECT 1 FROM module_exports e WHERE e.file_id = x.file_id AND e.name = x.name)
),
-- (file, name) pairs the file's manifest declares, found from the (few) declared names.
manifested AS (
  SELECT DISTINCT w.file_id, m.name
  FROM manifest_exports m
  JOIN module_exports e ON e.name = m.name
  JOIN file_owners w ON w.file_id = e.file_id AND w.manifest_id = m.manifest_id
  UNION
  SELECT w.file_id, m.name
  FROM manifest_exports m
  JOIN exposed x ON x.name = m.name
  JOIN file_owners w ON w.file_id = x.file_id AND w.manifest_id = m.manifest_id
),
rows AS (
  SELECT o.name AS symbol, o.module, o.kind,
         COALESCE(pp.public_path,
                  CASE WHEN o.kind NOT IN ('reexport', 'declared') OR EXISTS (
                         SELECT 1 FROM files d JOIN module_exports x ON x.file_id = d.file_id
                         WHERE d.module = o.origin AND x.name = o.name)
                       THEN o.origin ELSE o.module END)
           AS import_from,
         o.origin AS defined_in, o.path, o.line,
         mf.file_id IS NOT NULL AS in_manifest
  FROM offered o
  LEFT JOIN public_path pp ON pp.origin = o.origin AND pp.name = o.name
  LEFT JOIN manifested mf ON mf.file_id = o.file_id AND mf.name = o.name
  UNION ALL
  -- A manifest name that no module under its folder offers.
  SELECT m.name, COALESCE(pkg.module, ma.module, replace(ma.dir, '/', '.')), 'manifest-only',
         NULL, NULL, pkg.path, NULL, 1
  FROM manifest_exports m
  JOIN manifests ma ON ma.manifest_id = m.manifest_id AND ma.valid
  LEFT JOIN files pkg ON pkg.path IN (ma.dir || '/__init__.py', ma.dir || '/__init__.pyi')
  WHERE NOT EXISTS (
    SELECT 1 FROM module_exports e JOIN file_owners w ON w.file_id = e.file_id
    WHERE e.name = m.name AND w.manifest_id = m.manifest_id)
  GROUP BY m.manifest_id, m.name
)
SELECT r.symbol, r.module, r.kind, r.import_from, r.defined_in, r.path, r.line, r.in_manifest
FROM rows r
ORDER BY r.symbol, r.module, r.kind;
