-- @id import-suggestions
-- @name Import suggestions for undefined names, ranked from the repository's own evidence
-- @description One row per undefined name (F821, as `ruff check --select F821` reports it:
--   the configuration's exclusions, per-file-ignores and noqa hold, whether or not its
--   `select` names F821) with the import to add and a confidence (0..1) that says how
--   sure it is, and, in `alternatives` (JSON), every ranked candidate with its own. Evidence
--   (docs/suggestions.md): a module the file already imports other names from that has this
--   one, how the repository already imports that name (counted in files,
--   preferring the same package and imports that resolve), first-party modules that define it
--   (the public path of a re-exporting package first; private and test modules only when
--   nothing else offers it), the standard library (typeshed's stubs; `typing` and
--   `collections` first), Ruff's conventional aliases (`np`, `pd`, ...), a module named
--   like the name, and a name a file of its name takes by convention (`setup` in a
--   setup.py from setuptools). A first-party module is written under the name an absolute
--   import of it works by (`flaskr.db` for `examples/tutorial/flaskr/db.py` when no import
--   goes through `examples`). Inside a package that imports the file as it initialises, the
--   module that defines a name comes before the package's re-export (a star import's
--   names count as re-exported); a file never imports from itself. An import that would close an
--   eager import cycle is ranked below every
--   alternative that would not, and its reason says so. Candidates that tie share the confidence (two at 0.9 are 0.45 each): the
--   report says it cannot tell rather than guess. A name bound in the function it is used in
--   (`del x` before the use) gets no suggestion: no import can define it. The CSV's first columns are the users':
--   `file,line,symbol,suggestion,import_line,confidence,reason`.
-- @param min_confidence: leave out suggestions below this confidence (0)

WITH RECURSIVE
undefined AS MATERIALIZED (
  SELECT u.path AS file, u.line, u.col, u.anchor AS symbol, f.file_id, f.module,
         CASE WHEN f.is_package THEN f.module
              WHEN instr(f.module, '.') > 0 THEN rtrim(rtrim(f.module, replace(f.module, '.', '')), '.')
              ELSE '' END AS package,
         rtrim(u.path, replace(u.path, '/', '')) AS folder,
         (u.path GLOB 'test/*' OR u.path GLOB 'tests/*' OR u.path GLOB '*/test/*'
          OR u.path GLOB '*/tests/*' OR u.path GLOB '*test_*' OR u.path GLOB '*conftest.py') AS test
  FROM findings u JOIN files f ON f.path = u.path
  WHERE u.source IN ('codefacts', 'f821-unselected') AND u.code = 'F821' AND u.anchor <> ''
),
symbols AS (SELECT DISTINCT symbol FROM undefined),
-- Names the file binds in a class (`def reset(self)`, `pd = pendown`): the module may well
-- make the global at run time from it (turtle's functions), rather than import it.
in_class AS MATERIALIZED (
  SELECT DISTINCT u.file, u.symbol
  FROM undefined u
  JOIN bindings b ON b.file_id = u.file_id AND b.name = u.symbol
  JOIN scopes s ON s.file_id = b.file_id AND s.scope_id = b.scope_id
  WHERE s.kind = 'class'
),
-- 1. How the repository already imports the name (any file, any scope).
bound AS (
  SELECT i.file_id, s.symbol, i.target_kind,
         CASE WHEN i.form = 'from'
              THEN 'from ' || CASE WHEN i.level > 0 THEN import_name(i.absolute_module)
                                   ELSE i.absolute_module END
                   || ' import ' || i.name || COALESCE(' as ' || i.alias, '')
              ELSE 'import ' || i.name || COALESCE(' as ' || i.alias, '') END AS import_line,
         CASE WHEN i.form = 'from' THEN i.absolute_module ELSE i.name END AS module
  FROM symbols s
  CROSS JOIN imports i ON i.name = s.symbol AND i.alias IS NULL AND NOT i.is_star
  WHERE (i.form = 'from' AND i.absolute_module IS NOT NULL) OR i.form = 'import'
  UNION ALL
  SELECT i.file_id, s.symbol, i.target_kind,
         CASE WHEN i.form = 'from'
              THEN 'from ' || CASE WHEN i.level > 0 THEN import_name(i.absolute_module)
                                   ELSE i.absolute_module END
                   || ' import ' || i.name || ' as ' || i.alias
              ELSE 'import ' || i.name || ' as ' || i.alias END,
         CASE WHEN i.form = 'from' THEN i.absolute_module ELSE i.name END
  FROM symbols s
  JOIN imports i ON i.alias = s.symbol AND NOT i.is_star
  WHERE (i.form = 'from' AND i.absolute_module IS NOT NULL) OR i.form = 'import'
),
repo_evidence AS MATERIALIZED (
  SELECT u.file, u.line, u.col, u.symbol, b.import_line, b.module,
         count(DISTINCT b.file_id) AS files,
         count(DISTINCT CASE WHEN rtrim(bf.path, replace(bf.path, '/', '')) = u.folder
                             THEN b.file_id END) AS near,
         max(b.target_kind <> 'unresolved') AS resolves
  FROM undefined u
  JOIN bound b ON b.symbol = u.symbol
  JOIN files bf ON bf.file_id = b.file_id
  -- A package's `__init__` importing the name re-exports it (the public path counts that);
  -- it is not how the code that uses the name imports it. Nor is a module's import of a name
  -- it re-exports (`from starlette.middleware.cors import CORSMiddleware as CORSMiddleware`
  -- in `fastapi/middleware/cors.py`, or a name in its `__all__`): code imports it from there.
  WHERE NOT bf.is_package
    AND NOT EXISTS (SELECT 1 FROM module_exports e
                    WHERE e.file_id = b.file_id AND e.name = b.symbol AND e.kind = 'reexport')
  GROUP BY u.file, u.line, u.col, u.symbol, b.import_line
),
has_repo AS MATERIALIZED (
  SELECT DISTINCT file, line, col FROM repo_evidence
),
-- 4b. A name a file of this name takes from a package by convention (`setup` in a setup.py
-- is setuptools'): above the rivals unless the repository imports the name (evidence 1).
conventional AS MATERIALIZED (
  SELECT u.file, u.line, u.col, u.symbol, c.module, c.file_name,
         NOT EXISTS (SELECT 1 FROM has_repo h WHERE h.file = u.file AND h.line = u.line
                       AND h.col = u.col) AS alone
  FROM undefined u JOIN file_conventions c ON c.name = u.symbol
  WHERE u.file = c.file_name OR u.file GLOB '*/' || c.file_name
),
repo_total AS (
  SELECT file, line, col, sum(files) AS files FROM repo_evidence GROUP BY file, line, col
),
-- What a module binds through its star imports (`from .generators import *` in networkx's
-- `__init__`): the names the star's source exports (its `__all__`, else its public names),
-- kept where the importer has no `__all__` or names them in it, followed down chains of
-- stars (depth 0: the source's own exports). A star source that did not resolve to a
-- repository file brings nothing known.
star_exports(file_id, name, depth) AS (
  SELECT e.file_id, e.name, 0
  FROM symbols s CROSS JOIN module_exports e ON e.name = s.symbol AND e.kind <> 'declared'
  UNION
  SELECT i.file_id, x.name, x.depth + 1
  FROM star_exports x
  JOIN imports i ON i.target_file_id = x.file_id AND i.is_star AND i.scope = 'module'
  WHERE x.depth < 8
    AND (NOT EXISTS (SELECT 1 FROM dunder_all a WHERE a.file_id = i.file_id)
         OR EXISTS (SELECT 1 FROM dunder_all a WHERE a.file_id = i.file_id AND a.name = x.name))
    -- Without an `__all__`, a star source passes on only its public names.
    AND (x.name NOT GLOB '_*' OR EXISTS (SELECT 1 FROM dunder_all a WHERE a.file_id = x.file_id))
),
-- 2. First-party modules that offer the name (defined, or re-exported by a package, by name
-- or through a star import).
offered AS MATERIALIZED (
  SELECT s.symbol, f.module, import_name(f.module) AS written, s.kind, f.path,
         (f.module GLOB '*._*' OR f.module GLOB '_*' OR f.module GLOB '*conftest'
          OR f.path GLOB 'tests/*' OR f.path GLOB '*/tests/*' OR f.path GLOB '*test_*') AS hidden,
         (f.path GLOB 'test/*' OR f.path GLOB 'tests/*' OR f.path GLOB '*/test/*'
          OR f.path GLOB '*/tests/*' OR f.path GLOB '*test_*' OR f.module GLOB '*conftest') AS test
  FROM (SELECT e.file_id, s.symbol, e.kind
        FROM symbols s CROSS JOIN module_exports e ON e.name = s.symbol
        WHERE e.kind <> 'declared'
        UNION
        SELECT DISTINCT x.file_id, x.name, 'reexport'
        FROM star_exports x
        WHERE x.depth > 0 AND NOT EXISTS (SELECT 1 FROM module_exports e
                          WHERE e.file_id = x.file_id AND e.name = x.name
                            AND e.kind <> 'declared')) s
  CROSS JOIN files f ON f.file_id = s.file_id
  WHERE f.module IS NOT NULL
),
-- Module-level definitions that are not public names (`_helper`, a lowercase variable): the
-- last resort, when no module offers the name.
private_defs AS MATERIALIZED (
  SELECT DISTINCT s.symbol, f.module, import_name(f.module) AS written, f.path
  FROM symbols s
  JOIN definitions d ON d.name = s.symbol AND d.scope = 'module'
  JOIN files f ON f.file_id = d.file_id
  WHERE f.module IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM offered o WHERE o.symbol = s.symbol)
),
defined AS (
  SELECT symbol, count(*) AS definers, sum(NOT hidden) AS public_definers
  FROM offered WHERE kind <> 'reexport' GROUP BY symbol
),
-- A file that takes names of a top-level package from the modules that define them
-- (`from jinja2.environment import Environment`), never from a package that re-exports them
-- (`from jinja2 import Environment`): its habit is the definer, for a name of that package too.
definer_habit AS MATERIALIZED (
  SELECT i.file_id, substr(i.absolute_module, 1, instr(i.absolute_module || '.', '.') - 1)
           AS top,
         min(i.absolute_module) AS example
  -- CROSS JOIN keeps this order: the files with undefined names first, then their imports
  -- (SQLite would otherwise scan every import of the repository).
  FROM (SELECT DISTINCT file_id FROM undefined) uf
  CROSS JOIN imports i ON i.file_id = uf.file_id AND i.form = 'from' AND NOT i.is_star
  JOIN files m ON m.module = i.absolute_module AND NOT m.is_package
  WHERE EXISTS (SELECT 1 FROM definitions d
                WHERE d.file_id = m.file_id AND d.name = i.name AND d.scope = 'module')
  GROUP BY i.file_id, top
  HAVING NOT EXISTS (
    SELECT 1 FROM imports j JOIN files pk ON pk.module = j.absolute_module AND pk.is_package
    WHERE j.file_id = i.file_id AND j.form = 'from' AND NOT j.is_star
      AND (j.absolute_module = top OR j.absolute_module GLOB top || '.*')
      -- `from jinja2 import loaders` takes a submodule, not a name the package re-exports.
      AND COALESCE(j.target_module, '') <> j.absolute_module || '.' || j.name)
),
first_party AS (
  -- A re-exporting package above a definer: its public path.
  SELECT o.symbol, 'from ' || o.written || ' import ' || o.symbol AS import_line, o.module,
         CASE WHEN o.kind = 'reexport' THEN 'public path: re-exported by ' || o.written
              ELSE 'defined in ' || o.written END AS reason,
         o.kind = 'reexport' AS reexport, o.hidden, o.test,
         (SELECT count(*) FROM offered d WHERE d.symbol = o.symbol AND d.kind <> 'reexport'
            AND substr(d.module, 1, length(o.module) + 1) = o.module || '.') AS below
  FROM offered o
),
-- 3. The standard library; 4. conventional aliases; 5. a module named like the name.
stdlib AS MATERIALIZED (
  SELECT s.symbol, 'from ' || x.module || ' import ' || s.symbol AS import_line, x.module,
         CASE x.module WHEN 'typing' THEN 0 WHEN 'collections' THEN 1 ELSE 2 END AS rank,
         (SELECT count(DISTINCT i.file_id) FROM imports i
          WHERE i.absolute_module = x.module OR (i.form = 'import' AND i.name = x.module)) AS used
  FROM symbols s JOIN stdlib_exports x ON x.name = s.symbol
),
-- Ruff's conventional aliases of the names, and whether the repository imports the module.
aliases AS MATERIALIZED (
  SELECT a.module, a.alias,
         EXISTS (SELECT 1 FROM imports i
                 WHERE i.absolute_module = a.module
                    OR substr(i.absolute_module, 1, length(a.module) + 1) = a.module || '.'
                    OR (i.form = 'import' AND (i.name = a.module
                        OR substr(i.name, 1, length(a.module) + 1) = a.module || '.'))) AS used
  FROM import_aliases a JOIN symbols s ON s.symbol = a.alias
),
-- The standard library's submodules named like an undefined name (`unittest.mock`).
stdlib_submodules AS MATERIALIZED (
  SELECT DISTINCT x.module, s.symbol AS last
  FROM (SELECT DISTINCT module FROM stdlib_exports WHERE module GLOB '*.*') x
  JOIN symbols s ON x.module GLOB '*.' || s.symbol
    AND substr(x.module, length(rtrim(x.module, replace(x.module, '.', ''))) + 1) = s.symbol
),
-- Each module's last dotted part, for "a module named like the name".
module_names AS MATERIALIZED (
  SELECT module, import_name(module) AS written,
         substr(module, length(rtrim(module, replace(module, '.', ''))) + 1) AS last
  FROM files WHERE module IS NOT NULL
),
-- 0. This file already imports other names from a module that offers this one (a first-party
-- module that defines or exports it, a standard-library module that exports it): the
-- strongest evidence, the file's own. A repository module the file imports whole (`import
-- click`, for `click.echo`) counts too, a little less: the file reaches into it rather than
-- naming what it takes.
sibling AS MATERIALIZED (
  SELECT DISTINCT i.file, i.line, i.col, i.symbol, i.module,
         CASE WHEN i.level > 0 THEN import_name(i.module) ELSE i.module END AS written,
         i.whole,
         EXISTS (SELECT 1 FROM files f WHERE f.module = i.module) AS repo,
         -- How many names the file takes from the module (a module imported whole: one).
         CASE WHEN i.whole THEN 1
              ELSE (SELECT count(DISTINCT j.name) FROM imports j
                    WHERE j.file_id = i.file_id AND j.form = 'from'
                      AND j.absolute_module = i.module) END AS names
  FROM (SELECT u.file, u.line, u.col, u.symbol, u.file_id, i.level, i.form = 'import' AS whole,
               CASE WHEN i.form = 'from' THEN i.absolute_module ELSE i.name END AS module
        FROM undefined u
        JOIN imports i ON i.file_id = u.file_id
        WHERE NOT i.is_star AND i.name <> u.symbol
          AND ((i.form = 'from' AND i.absolute_module IS NOT NULL
                AND i.absolute_module IS NOT u.module
                -- `from . import sub` loads a submodule: it says nothing of what the
                -- package binds.
                AND COALESCE(i.target_module, '') <> i.absolute_module || '.' || i.name)
               -- A repository module imported whole, for a name that is no module itself
               -- (`import attr` says nothing against `import attrs`; the standard library's
               -- modules export names newer than the code: `inspect.markcoroutinefunction`).
               OR (i.form = 'import' AND i.name IS NOT u.module
                   AND EXISTS (SELECT 1 FROM files f WHERE f.module = i.name)
                   AND NOT EXISTS (SELECT 1 FROM stdlib_modules m WHERE m.name = u.symbol)
                   AND NOT EXISTS (SELECT 1 FROM files f WHERE f.module = u.symbol)))) i
  WHERE EXISTS (SELECT 1 FROM offered o WHERE o.module = i.module AND o.symbol = i.symbol)
     OR EXISTS (SELECT 1 FROM files f JOIN definitions d ON d.file_id = f.file_id
                WHERE f.module = i.module AND d.name = i.symbol AND d.scope = 'module')
     OR EXISTS (SELECT 1 FROM stdlib_exports x WHERE x.module = i.module AND x.name = i.symbol)
),
-- 7. An alias of another name (`RequestsSSLError` for `SSLError`, `_astuple` for `astuple`):
-- the evidence for that name, as `from M import Name as Alias`. A last resort beside the
-- guesses below, where nothing above offers a candidate: the name may be no alias at all.
alias_of AS MATERIALIZED (
  SELECT s.symbol, j.value AS base
  FROM symbols s, json_each(alias_bases(s.symbol)) j
),
alias_evidence AS MATERIALIZED (
  SELECT a.symbol, a.base, i.absolute_module AS module,
         CASE WHEN i.level > 0 THEN import_name(i.absolute_module) ELSE i.absolute_module END
           AS written,
         count(DISTINCT i.file_id) AS files, 0 AS defined
  FROM alias_of a
  JOIN imports i ON i.name = a.base AND i.form = 'from' AND i.alias IS NULL AND NOT i.is_star
  WHERE i.absolute_module IS NOT NULL
  GROUP BY a.symbol, a.base, i.absolute_module, written
  UNION ALL
  SELECT DISTINCT a.symbol, a.base, f.module, import_name(f.module), 0, 1
  FROM alias_of a
  JOIN module_exports e ON e.name = a.base AND e.kind NOT IN ('reexport', 'declared')
  JOIN files f ON f.file_id = e.file_id
  WHERE f.module IS NOT NULL
),
-- A name at the top of this file's own package (its `__init__`, or a module beside this
-- file), public or not (`app = Flask(__name__)` in the `__init__` its views import): the
-- package's modules share it.
package_defs AS MATERIALIZED (
  SELECT u.file, u.line, u.col, u.symbol, f.module, import_name(f.module) AS written
  FROM undefined u
  JOIN definitions d ON d.name = u.symbol AND d.scope = 'module'
  JOIN files f ON f.file_id = d.file_id
  WHERE f.module IS NOT NULL AND f.module <> u.module AND u.package <> ''
    AND (f.module = u.package
         OR rtrim(rtrim(f.module, replace(f.module, '.', '')), '.') = u.package)
  GROUP BY u.file, u.line, u.col, f.module
),
candidates AS MATERIALIZED (
  SELECT s.file, s.line, s.col, s.symbol, 'from ' || s.written || ' import ' || s.symbol
           AS import_line, s.module,
         -- A name that is also a top-level module (`inspect`, `ssl`, the repository's
         -- `attrs`) is as likely the module as what the other module binds under that name
         -- (a function, a fallback).
         CASE WHEN EXISTS (SELECT 1 FROM stdlib_modules m WHERE m.name = s.symbol)
                   OR EXISTS (SELECT 1 FROM files f WHERE f.module = s.symbol) THEN 0.6
              ELSE 0.97 END * CASE WHEN s.whole THEN 0.93 ELSE 1.0 END
           -- Of two repository modules the file imports from that both have the name (a
           -- package's re-export and the module that defines it), the one it takes more names
           -- from; a repository module before the standard library's (`httpx._urlparse`'s
           -- own `urlencode` beside `urllib.parse`'s).
           * CASE WHEN s.repo AND s.names < max(CASE WHEN s.repo THEN s.names END)
                                                OVER (PARTITION BY s.file, s.line, s.col)
                    THEN 0.97
                  WHEN NOT s.repo AND max(s.repo) OVER (PARTITION BY s.file, s.line, s.col)
                    THEN 0.97
                  ELSE 1.0 END AS score,
         CASE WHEN s.whole THEN 'this file imports ' || s.written || ', which has this one too'
              ELSE 'this file imports other names from ' || s.written || ', which has this one too'
         END AS reason,
         0 AS yields
  FROM sibling s
  UNION ALL
  SELECT u.file, u.line, u.col, u.symbol, r.import_line, r.module,
         (r.files * 1.0 / t.files) * (0.80 + 0.19 * min(r.files, 5) / 5.0 + 0.01 * (r.near > 0))
           * CASE WHEN r.resolves THEN 1.0 ELSE 0.8 END
           * CASE WHEN r.near > 0 THEN 1.0 ELSE 0.9 END AS score,
         'imported so in ' || r.files || ' file' || CASE WHEN r.files = 1 THEN '' ELSE 's' END ||
           CASE WHEN r.near > 0 THEN ' (' || r.near || ' in this folder)' ELSE '' END ||
           CASE WHEN r.resolves THEN '' ELSE ', but it does not resolve' END AS reason,
         0
  FROM undefined u
  JOIN repo_evidence r ON r.file = u.file AND r.line = u.line AND r.col = u.col
  JOIN repo_total t ON t.file = u.file AND t.line = u.line AND t.col = u.col
  UNION ALL
  SELECT u.file, u.line, u.col, u.symbol, p.import_line, p.module,
         (CASE WHEN NOT p.reexport AND rtrim(rtrim(p.module, replace(p.module, '.', '')), '.') = u.package
                 THEN 0.95
              WHEN p.hidden AND COALESCE(d.public_definers, 0) > 0 THEN 0.05
              -- Code that is not a test rarely imports from a test module (or a conftest, whose
              -- fixtures pytest injects): possible, never sure.
              WHEN p.test AND NOT u.test THEN 0.5
              WHEN p.reexport AND p.below > 0 THEN 0.92
              WHEN p.reexport THEN 0.3
              WHEN d.definers = 1 THEN 0.9
              ELSE 0.6 / d.definers END),
         p.reason || CASE WHEN NOT p.reexport AND rtrim(rtrim(p.module, replace(p.module, '.', '')), '.') = u.package
                            THEN ' (a module of this package)'
                          WHEN NOT p.reexport AND d.definers = 1 THEN ' (its only definer)'
                          WHEN NOT p.reexport THEN ' (one of ' || d.definers || ' definers)'
                          ELSE '' END,
         1
  FROM undefined u
  JOIN first_party p ON p.symbol = u.symbol
  LEFT JOIN defined d ON d.symbol = u.symbol
  WHERE p.module <> u.module
  UNION ALL
  SELECT u.file, u.line, u.col, u.symbol, 'from ' || o.written || ' import ' || u.symbol,
         o.module,
         -- A name that is also a top-level module may be that module (as for evidence 0).
         CASE WHEN EXISTS (SELECT 1 FROM stdlib_modules m WHERE m.name = u.symbol)
                   OR EXISTS (SELECT 1 FROM files f WHERE f.module = u.symbol) THEN 0.6
              ELSE 0.9 END,
         'defined in ' || o.written || ', and this file imports names from the modules that '
           || 'define them (' || h.example || ')',
         0
  FROM undefined u
  JOIN definer_habit h ON h.file_id = u.file_id
  JOIN offered o ON o.symbol = u.symbol AND o.kind <> 'reexport' AND NOT o.hidden
    AND NOT o.test AND o.path NOT GLOB '*__init__.py*'
  JOIN defined d ON d.symbol = u.symbol AND d.definers = 1
  WHERE o.module <> u.module
    AND (o.module = h.top OR o.module GLOB h.top || '.*')
  UNION ALL
  SELECT u.file, u.line, u.col, u.symbol, 'from ' || p.written || ' import ' || u.symbol, p.module,
         0.7 / (SELECT count(*) FROM private_defs q WHERE q.symbol = p.symbol),
         'defined at the top of ' || p.written || ' (not a public name there)',
         1
  FROM undefined u JOIN private_defs p ON p.symbol = u.symbol
  WHERE p.module <> u.module
  UNION ALL
  SELECT file, line, col, symbol, 'from ' || written || ' import ' || symbol, module,
         0.6,
         'defined at the top of ' || written || ', in this file''s package',
         1
  FROM package_defs
  UNION ALL
  SELECT u.file, u.line, u.col, u.symbol, x.import_line, x.module,
         -- A unique exporter the repository never imports from (`turtle.Shape`, `argparse`'s
         -- `Namespace` for blinker's) is likely but not sure: below 0.9.
         (CASE WHEN (SELECT count(*) FROM stdlib y WHERE y.symbol = x.symbol) = 1
                 THEN CASE WHEN x.used > 0 THEN 0.95 ELSE 0.8 END
              WHEN x.rank < 2 THEN 0.7 + 0.05 * (x.used > 0)
              -- A module's namesake (`time.time`, `datetime.datetime`, `pprint.pprint`).
              WHEN x.module = x.symbol THEN 0.6 + 0.05 * (x.used > 0)
              ELSE 0.5 / (SELECT count(*) FROM stdlib y WHERE y.symbol = x.symbol)
                   + 0.05 * (x.used > 0) END),
         'standard library: ' || x.module || ' exports it' ||
           CASE WHEN x.used > 0 THEN ' (the repository imports ' || x.module || ')' ELSE '' END,
         1
  FROM undefined u JOIN stdlib x ON x.symbol = u.symbol
  UNION ALL
  -- `_json` for `import json as _json`: only where the file reads an attribute that `json`
  -- has and `_json` lacks (`_json.dump`), so a real `_io` or `_thread` gets no rival.
  SELECT u.file, u.line, u.col, u.symbol, 'import ' || m.name || ' as ' || u.symbol, m.name,
         0.5, u.symbol || ' may be the standard-library module ' || m.name ||
           ' under an alias: ' || m.name || ' has ' || min(r.attribute),
         0
  FROM undefined u
  JOIN stdlib_modules m ON m.name = ltrim(u.symbol, '_')
  JOIN unresolved_references r ON r.file_id = u.file_id AND +r.name = u.symbol
  WHERE u.symbol GLOB '_*' AND u.symbol NOT GLOB '__*' AND r.usage = 'attribute'
    AND EXISTS (SELECT 1 FROM stdlib_exports x WHERE x.name = r.attribute AND x.module = m.name)
    AND NOT EXISTS (SELECT 1 FROM stdlib_exports x
                    WHERE x.name = r.attribute AND x.module = u.symbol)
  GROUP BY u.file, u.line, u.col, m.name
  UNION ALL
  SELECT u.file, u.line, u.col, u.symbol, 'import ' || a.module || ' as ' || a.alias, a.module,
         -- Sure when the repository uses the package; a guess when nothing else imports it.
         CASE WHEN a.used THEN 0.9 ELSE 0.6 END,
         'the conventional alias of ' || a.module || ' (Ruff ICN001)' ||
           CASE WHEN a.used THEN '' ELSE '; the repository never imports ' || a.module END,
         0
  FROM undefined u
  JOIN aliases a ON a.alias = u.symbol
  UNION ALL
  SELECT c.file, c.line, c.col, c.symbol, 'from ' || c.module || ' import ' || c.symbol,
         c.module, 0.9,
         'a ' || c.file_name || ' takes ' || c.symbol || ' from ' || c.module || ' by convention',
         1
  FROM conventional c
  UNION ALL
  SELECT u.file, u.line, u.col, u.symbol, 'import ' || m.name, m.name,
         0.85,
         'the standard-library module ' || m.name,
         1
  FROM undefined u JOIN stdlib_modules m ON m.name = u.symbol
  UNION ALL
  -- A standard-library submodule named like the name (`from unittest import mock`), after
  -- the repository's own modules so named (`base`, `util`, `config` are everywhere).
  SELECT u.file, u.line, u.col, u.symbol,
         'from ' || substr(m.module, 1, length(m.module) - length(u.symbol) - 1) || ' import '
           || u.symbol, m.module,
         0.5
           * CASE WHEN EXISTS (SELECT 1 FROM module_names f WHERE f.last = u.symbol)
                  THEN 0.2 ELSE 1.0 END,
         'the standard-library module ' || m.module,
         1
  FROM undefined u JOIN stdlib_submodules m ON m.last = u.symbol
  UNION ALL
  -- The namesakes nearest the file (the most leading parts in common) share 0.6; the others
  -- share 0.12, so that two hundred `models` modules do not drown the evidence for one.
  SELECT n.file, n.line, n.col, n.symbol,
         CASE WHEN instr(n.written, '.') > 0
              THEN 'from ' || rtrim(rtrim(n.written, replace(n.written, '.', '')), '.') || ' import ' || n.symbol
              ELSE 'import ' || n.symbol END,
         n.module,
         CASE WHEN n.near = n.nearest THEN 0.6 / n.nearest_count
              ELSE 0.12 / (n.total - n.nearest_count) END,
         'a module named ' || n.written ||
           CASE WHEN n.total > 1 AND n.near = n.nearest
                  THEN ' (' || CASE WHEN n.nearest_count = 1 THEN 'the' ELSE 'one of ' || n.nearest_count || ', the' END
                       || ' nearest of ' || n.total || ' so named)'
                WHEN n.total > 1 THEN ' (one of ' || n.total || ' so named)'
                ELSE '' END,
         1
  FROM (SELECT n.*, sum(n.near = n.nearest) OVER w AS nearest_count
        FROM (SELECT u.file, u.line, u.col, u.symbol, f.module, f.written,
                     common_parts(f.module, u.module) AS near,
                     max(common_parts(f.module, u.module)) OVER w AS nearest,
                     count(*) OVER w AS total
              FROM undefined u
              JOIN module_names f ON f.last = u.symbol
              WHERE f.module <> u.module
              WINDOW w AS (PARTITION BY u.file, u.line, u.col)) n
        WINDOW w AS (PARTITION BY n.file, n.line, n.col)) n
),
-- The last resort, where nothing else is known (`merged` drops them when a candidate is): a
-- third-party module the file already imports other names from (what it exports is not
-- known, so the guess stays weak), and the evidence for a name this one may be an alias of.
guesses AS (
  SELECT u.file, u.line, u.col, u.symbol, 'from ' || i.absolute_module || ' import ' || u.symbol
           AS import_line, i.absolute_module AS module, 0.3 AS score,
         'this file imports other names from ' || i.absolute_module ||
           ' (third-party: what it exports is not known)' AS reason, 0 AS yields
  FROM undefined u
  JOIN imports i ON i.file_id = u.file_id
  WHERE i.form = 'from' AND NOT i.is_star AND i.absolute_module IS NOT NULL
    AND i.target_kind IN ('third_party', 'unresolved')
  GROUP BY u.file, u.line, u.col, i.absolute_module
  UNION ALL
  SELECT u.file, u.line, u.col, u.symbol,
         'from ' || e.written || ' import ' || e.base || ' as ' || u.symbol, e.module,
         CASE WHEN e.defined THEN 0.3 ELSE 0.25 + 0.04 * min(e.files, 5) END,
         u.symbol || ' may be an alias of ' || e.base || ': ' ||
           CASE WHEN e.defined THEN 'defined in ' || e.written
                ELSE 'imported from ' || e.written || ' in ' || e.files || ' file'
                     || CASE WHEN e.files = 1 THEN '' ELSE 's' END END,
         0
  FROM undefined u JOIN alias_evidence e ON e.symbol = u.symbol
),
-- One score per import line (the best evidence for it), then shared among the rivals.
-- Evidence that `yields` to the repository's (a definer, the standard library, a namesake)
-- counts 0.4 of itself where the repository imports the name.
-- (Each CTE is referenced once from here down, and `candidates` only here: SQLite expands a
-- CTE at every reference, and caps the cursors all the copies take.)
merged AS MATERIALIZED (
  SELECT c.file, c.line, c.col, c.symbol, c.import_line, c.module,
         min(c.score, 0.99) * CASE WHEN cv.alone AND c.module IS NOT cv.module THEN 0.3
                                   ELSE 1.0 END AS score,
         c.reason || CASE WHEN cv.alone AND c.module IS NOT cv.module
                            THEN '; but a ' || cv.file_name || ' takes ' || c.symbol || ' from '
                                 || cv.module || ' by convention'
                          ELSE '' END AS reason
  FROM (SELECT c.*, row_number() OVER (PARTITION BY file, line, col, import_line
                                       ORDER BY score DESC, reason) AS k,
               sum(NOT c.guess) OVER (PARTITION BY file, line, col) AS known
        FROM (SELECT c.file, c.line, c.col, c.symbol, c.import_line, c.module, c.reason, c.guess,
                     c.score * CASE WHEN c.yields AND h.file IS NOT NULL THEN 0.4 ELSE 1.0 END
                       AS score
              FROM (SELECT *, 0 AS guess FROM candidates UNION ALL SELECT *, 1 FROM guesses) c
              LEFT JOIN has_repo h ON h.file = c.file AND h.line = c.line AND h.col = c.col) c) c
  LEFT JOIN conventional cv ON cv.file = c.file AND cv.line = c.line AND cv.col = c.col
  WHERE c.k = 1 AND (c.known = 0 OR NOT c.guess)
),
-- What each use does with the name (`x(...)`, `x.attr`), against what the import would bind.
-- The import binds the name for the whole file, so every use of it there counts: the names
-- the file calls or reads an attribute of (which attributes: `shape_facts` below).
used AS MATERIALIZED (
  SELECT u.file, u.symbol, max(r.usage = 'call') AS called
  FROM undefined u
  JOIN unresolved_references r ON r.file_id = u.file_id AND r.line = u.line AND r.col = u.col
  WHERE r.usage = 'call' OR (r.usage = 'attribute' AND r.attribute NOT GLOB '__*__')
  GROUP BY u.file, u.symbol
),
-- A file never imports from itself. Inside a package, a name its `__init__` re-exports is
-- imported from the module that defines it: the package is still initialising when this file
-- runs (it imports this file), so `from pkg import X` may fail there. A submodule (`from pkg
-- import sub`) is another matter: it loads on its own. The re-export goes below only when a
-- module below the package defines the name.
inside AS (
  SELECT m.*,
         m.import_line GLOB 'from *'
           AND substr(u.module, 1, length(m.module) + 1) = m.module || '.'
           AND NOT EXISTS (SELECT 1 FROM files f WHERE f.module = m.module || '.' || m.symbol)
           -- ...and a module below that package defines the name.
           AND EXISTS (SELECT 1 FROM offered o
                       WHERE o.symbol = m.symbol AND o.kind <> 'reexport'
                         AND substr(o.module, 1, length(m.module) + 1) = m.module || '.')
           -- ...and the package imports this file as it initialises (a test module under it
           -- runs when the package is whole).
           AND initialising(u.file_id, m.module) AS inside,
         c.file IS NOT NULL AS in_class, us.file IS NOT NULL AS has_use, u.file_id,
         COALESCE(us.called, 0) AS called_here,
         -- The module the import binds, if it binds one: `import a.b as x` binds a.b,
         -- `import a` a, `from p import n` the module p.n when there is one.
         CASE WHEN m.import_line GLOB 'import *' THEN
                CASE WHEN instr(m.import_line, ' as ') > 0
                     THEN substr(m.import_line, 8, instr(m.import_line, ' as ') - 8)
                     ELSE m.symbol END
              ELSE m.module || '.' ||
                   CASE WHEN instr(substr(m.import_line, instr(m.import_line, ' import ') + 8), ' as ') > 0
                        THEN substr(substr(m.import_line, instr(m.import_line, ' import ') + 8), 1,
                                    instr(substr(m.import_line, instr(m.import_line, ' import ') + 8), ' as ') - 1)
                        ELSE substr(m.import_line, instr(m.import_line, ' import ') + 8) END
         END AS bound
  FROM merged m
  JOIN undefined u ON u.file = m.file AND u.line = m.line AND u.col = m.col
  LEFT JOIN in_class c ON c.file = m.file AND c.symbol = m.symbol
  LEFT JOIN used us ON us.file = m.file AND us.symbol = m.symbol
  WHERE m.module IS NOT u.module
),
-- A module is not called (`time()` wants `from time import time`), and has only the
-- attributes it defines, exports or has as submodules (`datetime.strptime` is the class's,
-- not the module's). Only modules whose names are known count (the standard library's and
-- the repository's), and not one with a `__getattr__`; a star import counts the names of the
-- file it resolved to.
shape_facts AS MATERIALIZED (
    SELECT i.*,
           known AND called_here AS called,
           -- `urlparse.urlparse`, `datetime.datetime`: the code reads the name's namesake
           -- attribute, as of a module; what `from m import name` binds is no module here.
           -- So does code that reads only what the standard-library module of that name has
           -- (`socket.gethostname`, where `from socket import socket` binds a class).
           CASE WHEN NOT known AND has_use AND m_kind = 'from' THEN
             COALESCE((SELECT s.attribute FROM unresolved_references s
                       WHERE s.file_id = i.file_id AND +s.name = i.symbol
                         AND s.usage = 'attribute' AND s.attribute = i.symbol LIMIT 1),
                      (SELECT min(s.attribute) FROM unresolved_references s
                       WHERE s.file_id = i.file_id AND +s.name = i.symbol
                         AND s.usage = 'attribute' AND s.attribute NOT GLOB '__*__'
                         AND EXISTS (SELECT 1 FROM stdlib_modules m WHERE m.name = i.symbol)
                       HAVING count(*) > 0
                          AND count(*) = sum(EXISTS (SELECT 1 FROM stdlib_exports x
                                                     WHERE x.module = i.symbol
                                                       AND x.name = s.attribute)
                                             OR EXISTS (SELECT 1 FROM stdlib_attributes x
                                                        WHERE x.module = i.symbol
                                                          AND x.name = s.attribute))))
           END AS namesake,
           CASE WHEN known AND NOT called_here THEN
             (SELECT min(s.attribute) FROM unresolved_references s
              WHERE s.file_id = i.file_id AND +s.name = i.symbol AND s.usage = 'attribute'
                AND s.attribute NOT GLOB '__*__'
                AND NOT EXISTS (SELECT 1 FROM stdlib_exports x
                                WHERE x.name = s.attribute AND x.module = i.bound)
                AND NOT EXISTS (SELECT 1 FROM stdlib_attributes x
                                WHERE x.module = i.bound AND x.name = s.attribute)
                AND NOT EXISTS (SELECT 1 FROM stdlib_exports x
                                WHERE x.module = i.bound || '.' || s.attribute)
                AND NOT EXISTS (SELECT 1 FROM files f
                                WHERE f.module = i.bound || '.' || s.attribute)
                AND NOT EXISTS (SELECT 1 FROM files f JOIN module_exports e ON e.file_id = f.file_id
                                WHERE f.module = i.bound AND e.name = s.attribute)
                AND NOT EXISTS (SELECT 1 FROM files f JOIN definitions d ON d.file_id = f.file_id
                                WHERE f.module = i.bound
                                  AND (d.name = s.attribute
                                       OR (d.name = '__getattr__' AND d.scope = 'module')))
                -- What the module imports at its top level is an attribute of it too.
                AND NOT EXISTS (SELECT 1 FROM files f JOIN imports im ON im.file_id = f.file_id
                                WHERE f.module = i.bound AND im.scope = 'module'
                                  AND NOT im.is_star AND s.attribute =
                                      COALESCE(im.alias, CASE WHEN im.form = 'import' AND instr(im.name, '.') > 0
                                                              THEN substr(im.name, 1, instr(im.name, '.') - 1)
                                                              ELSE im.name END))
                -- A star import brings the names of the file it resolved to (one level: a
                -- star source not resolved, or with star imports of its own, is not judged;
                -- its `__getattr__` is its own, not the importer's).
                AND NOT EXISTS (SELECT 1 FROM files f
                                JOIN imports st ON st.file_id = f.file_id AND st.is_star
                                WHERE f.module = i.bound
                                  AND (st.target_file_id IS NULL
                                       OR EXISTS (SELECT 1 FROM module_exports e
                                                  WHERE e.file_id = st.target_file_id
                                                    AND e.name = s.attribute)
                                       OR EXISTS (SELECT 1 FROM definitions d
                                                  WHERE d.file_id = st.target_file_id
                                                    AND d.name = s.attribute)
                                       OR EXISTS (SELECT 1 FROM imports im
                                                  WHERE im.file_id = st.target_file_id
                                                    AND im.scope = 'module'
                                                    AND COALESCE(im.alias, im.name) = s.attribute)
                                       OR EXISTS (SELECT 1 FROM imports s2
                                                  WHERE s2.file_id = st.target_file_id
                                                    AND s2.is_star))))
           END AS missing
    FROM (SELECT i.*, CASE WHEN i.import_line GLOB 'from *' THEN 'from' ELSE 'import' END AS m_kind,
                 CASE WHEN NOT has_use THEN 0 ELSE (EXISTS (SELECT 1 FROM stdlib_modules x WHERE x.name = i.bound)
                      OR EXISTS (SELECT 1 FROM stdlib_exports x WHERE x.module = i.bound)
                      OR EXISTS (SELECT 1 FROM files f WHERE f.module = i.bound)) END AS known
          FROM inside i) i
),
shaped AS (
  SELECT i.*,
         CASE WHEN i.called THEN 0.05 WHEN i.missing IS NOT NULL OR i.namesake IS NOT NULL THEN 0.3
              ELSE 1.0 END AS shape,
         -- Ranked last: a module called, or a repository module lacking what the code reads
         -- (its names are all known; a standard-library stub may leave some out, such as
         -- the modules it imports).
         i.called OR (i.missing IS NOT NULL
                      AND EXISTS (SELECT 1 FROM files f WHERE f.module = i.bound)) AS misfit,
         CASE WHEN i.called THEN '; but ' || i.bound || ' is a module, and this file calls ' || i.symbol
              WHEN i.missing IS NOT NULL THEN '; but the module ' || i.bound || ' has no ' || i.missing
              WHEN i.namesake IS NOT NULL THEN '; but this file reads ' || i.symbol || '.' || i.namesake
                                   || ', as of a module'
              ELSE '' END AS shape_note
  FROM shape_facts i
),
placed AS (
  SELECT file, line, col, symbol, import_line, module, misfit,
         score * CASE WHEN inside THEN 0.3 ELSE 1.0 END
           * CASE WHEN in_class THEN 0.8 ELSE 1.0 END * shape AS score,
         reason || CASE WHEN inside THEN '; this file is inside ' || module
                          || ', whose __init__ is still running when it runs' ELSE '' END
           || CASE WHEN in_class THEN '; this file binds ' || symbol
                     || ' in a class, and may make the global at run time' ELSE '' END
           || shape_note AS reason
  FROM shaped
),
-- An import that would close an eager import cycle (the module, or a parent package it runs,
-- already imports this file at import time) goes below every alternative that would not.
cycles AS MATERIALIZED (
  SELECT m.*, closes_eager_cycle(u.file_id, m.module) AS cycle
  FROM placed m JOIN undefined u ON u.file = m.file AND u.line = m.line AND u.col = m.col
),
-- A module the code cannot use as it does (it calls it, or reads an attribute a module of the
-- repository lacks) goes below every alternative that fits.
avoided AS (
  SELECT file, line, col, symbol, import_line, module, cycle,
         cycle AND sum(NOT cycle) OVER w > 0 AS demoted,
         misfit AND sum(NOT misfit) OVER w > 0 AS unfit,
         score, reason
  FROM cycles
  WINDOW w AS (PARTITION BY file, line, col)
),
rescored AS (
  SELECT file, line, col, symbol, import_line, module, demoted, unfit,
         score * CASE WHEN demoted THEN 0.3 ELSE 1.0 END AS score,
         reason || CASE WHEN demoted THEN '; not suggested: it would close an eager import cycle ('
                                          || module || ' already imports this file, directly or through others, at import time)'
                        WHEN cycle THEN '; it would close an eager import cycle (' || module
                                        || ' already imports this file at import time), and nothing else offers the name'
                        ELSE '' END AS reason
  FROM avoided
),
ranked AS (
  SELECT m.*,
         m.score * m.score / max(sum(m.score) OVER w, m.score) AS confidence,
         row_number() OVER (PARTITION BY file, line, col
                            ORDER BY m.demoted, m.unfit, m.score DESC, m.import_line) AS k
  FROM rescored m
  WINDOW w AS (PARTITION BY file, line, col)
),
-- The top candidate of each use, with every candidate ranked in `alternatives`.
chosen AS MATERIALIZED (
  SELECT file, line, col,
         max(CASE WHEN k = 1 THEN module END) AS module,
         max(CASE WHEN k = 1 THEN import_line END) AS import_line,
         max(CASE WHEN k = 1 THEN confidence END) AS confidence,
         max(CASE WHEN k = 1 THEN reason END) AS reason,
         json_group_array(json_object('import_line', import_line, 'confidence',
                                      round(confidence, 3), 'reason', reason) ORDER BY k)
           AS alternatives
  FROM ranked
  GROUP BY file, line, col
),
params AS MATERIALIZED (SELECT CAST(:min_confidence AS REAL) AS threshold),
-- Uses of a name bound in the function they sit in (`del x` earlier, an assignment later): the
-- name is local there, so no import can define it.
locals AS MATERIALIZED (
  SELECT DISTINCT r.file_id, r.line, r.col
  FROM unresolved_references r
  JOIN scopes s ON s.file_id = r.file_id AND s.scope_id = r.scope_id
  JOIN bindings b ON b.file_id = r.file_id AND b.scope_id = r.scope_id AND b.name = r.name
  WHERE s.kind IN ('function', 'lambda', 'comprehension')
)

SELECT u.file, u.line, u.symbol,
       -- The module as the import line writes it (`import_name`: `flaskr.db`, not the
       -- folder path `examples.tutorial.flaskr.db`).
       CASE WHEN r.import_line GLOB 'from *'
            THEN substr(r.import_line, 6, instr(r.import_line, ' import ') - 6)
            WHEN instr(r.import_line, ' as ') > 0
            THEN substr(r.import_line, 8, instr(r.import_line, ' as ') - 8)
            ELSE substr(r.import_line, 8) END AS suggestion,
       r.import_line,
       round(COALESCE(r.confidence, 0), 3) AS confidence,
       CASE WHEN u.local THEN 'bound in this function (deleted, or assigned elsewhere in it): an import cannot define it'
            ELSE COALESCE(r.reason, 'no evidence in the repository, the standard library or the known aliases') END AS reason,
       u.col, COALESCE(r.alternatives, '[]') AS alternatives
FROM (SELECT u.*, l.file_id IS NOT NULL AS local
      FROM undefined u
      LEFT JOIN locals l ON l.file_id = u.file_id AND l.line = u.line AND l.col = u.col) u
LEFT JOIN chosen r ON r.file = u.file AND r.line = u.line AND r.col = u.col AND NOT u.local
WHERE COALESCE(r.confidence, 0) >= (SELECT threshold FROM params)
ORDER BY u.file, u.line, u.col;
