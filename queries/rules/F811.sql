-- @id pyflakes/redefined-while-unused
-- @name Redefinition of unused name
-- @description A class, function or import (or, for non-assignment rebindings, an assignment)
--   is rebound in the same scope while it has no references, on the same branch (if/else arms,
--   try/except alternatives and `with` bodies are separate branches) and with both or neither
--   under `if TYPE_CHECKING:`. Loop variables never redefine; `x = 1; x = 2` is not a
--   redefinition; submodule imports only redefine the same submodule; dummy names (`_x`) are
--   exempt for non-imports; `@overload` functions are exempt. A binding in a function that
--   shadows an unused, non-re-exported import of an enclosing function/module scope is also
--   reported (not from class scopes).
-- @code F811
-- The name shown is the binding's source text (`a.b` for `import a.b`).
WITH pairs AS (
    SELECT b.file_id, b.binding_id, b.shadows_id AS shadowed_id, 1 AS same_scope
    FROM bindings b WHERE b.shadows_id IS NOT NULL
    UNION ALL
    SELECT b.file_id, b.binding_id, b.shadows_outer_id, 0
    FROM bindings b WHERE b.shadows_outer_id IS NOT NULL
)
SELECT f.path, b.line, b.col, b.end_line, b.end_col, 'F811' AS code,
       'Redefinition of unused `' || CASE WHEN b.kind = 'submodule_import' THEN b.qualified_name ELSE b.name END || '` from line ' || s.line ||
       ': `' || CASE WHEN b.kind = 'submodule_import' THEN b.qualified_name ELSE b.name END || '` redefined here' AS message,
       NULL AS parent_line,
       'Remove definition: `' || CASE WHEN b.kind = 'submodule_import' THEN b.qualified_name ELSE b.name END || '`' AS help,
       '`' || CASE WHEN b.kind = 'submodule_import' THEN b.qualified_name ELSE b.name END || '` redefined here' AS label,
       s.line AS previous_line, s.col AS previous_col, s.end_line AS previous_end_line,
       s.end_col AS previous_end_col,
       'previous definition of `' || CASE WHEN s.kind = 'submodule_import' THEN s.qualified_name ELSE s.name END || '` here' AS previous_label
FROM pairs p
JOIN bindings b ON b.file_id = p.file_id AND b.binding_id = p.binding_id
JOIN bindings s ON s.file_id = p.file_id AND s.binding_id = p.shadowed_id
JOIN scopes sc ON sc.file_id = b.file_id AND sc.scope_id = b.scope_id
JOIN checked_files f ON f.file_id = b.file_id
JOIN semantic_files sf ON sf.file_id = f.file_id AND sf.has_syntax_error = 0
WHERE b.kind <> 'for'
  AND s.uses = 0
  -- pyflakes' "redefines" relation
  AND CASE
        WHEN b.kind IN ('deletion', 'annotation', 'future_import') THEN 0
        WHEN b.kind IN ('import', 'from_import') AND s.kind = 'submodule_import'
          THEN b.qualified_name = s.qualified_name
        WHEN b.kind = 'submodule_import'
             AND s.kind IN ('import', 'submodule_import', 'from_import')
          THEN b.qualified_name = s.qualified_name
        WHEN b.kind IN ('assignment', 'augmented', 'match', 'walrus', 'global_declaration')
             AND s.kind IN ('assignment', 'augmented', 'match', 'walrus', 'global_declaration')
          THEN 0
        ELSE s.kind IN ('class', 'function', 'import', 'from_import',
                        'assignment', 'augmented', 'match', 'walrus', 'global_declaration')
      END
  AND b.in_type_checking = s.in_type_checking
  AND (
        (p.same_scope = 1
         AND NOT (s.kind NOT IN ('import', 'from_import', 'submodule_import', 'future_import')
                  AND b.is_dummy = 1)
         AND NOT (s.kind = 'function' AND s.is_overload = 1))
     OR (p.same_scope = 0
         AND sc.kind <> 'class'
         AND s.kind IN ('import', 'from_import', 'submodule_import', 'future_import')
         AND s.is_redundant_alias = 0)
      )
  AND s.kind NOT IN ('class_cell')
  AND b.branch_id IS s.branch_id
ORDER BY f.path, b.line, b.col;
