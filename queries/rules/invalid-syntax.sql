-- @id codefacts/invalid-syntax
-- @name invalid-syntax
-- @description Code Python cannot parse, reported as Ruff reports it (`invalid-syntax`, always on:
--   no selector enables or disables it, no `# noqa` hides it). A file with a syntax error gets no
--   other finding, as in Ruff. Rows: every error node tree-sitter's recovery made (`syntax_errors`),
--   or, for invalid code tree-sitter accepts without one (`print x`, an empty block, an unexpected
--   indent), the first such construct with Ruff's message. Messages and places differ from Ruff's
--   parser where tree-sitter recovers differently (docs/rules.md, "Syntax errors").
-- @code invalid-syntax
-- @noqa none
-- Columns: path, line, col, end_line, end_col, code, message, help.
SELECT f.path, e.line, e.col, e.end_line, e.end_col, 'invalid-syntax' AS code,
       CASE e.kind
         WHEN 'missing' THEN 'Expected `' || e.text || '`'
         ELSE 'Unexpected token' || CASE WHEN e.text = '' THEN '' ELSE ' `' ||
              CASE WHEN instr(e.text, char(10)) > 0
                   THEN substr(e.text, 1, instr(e.text, char(10)) - 1) || '...'
                   ELSE e.text END || '`' END
       END AS message,
       NULL AS help
FROM syntax_errors e
JOIN checked_files f ON f.file_id = e.file_id
JOIN semantic_files sf ON sf.file_id = f.file_id AND sf.has_syntax_error = 1
UNION ALL
SELECT f.path, sf.lenient_error_line, sf.lenient_error_col, sf.lenient_error_line,
       sf.lenient_error_col, 'invalid-syntax', sf.lenient_error, NULL
FROM semantic_files sf
JOIN checked_files f ON f.file_id = sf.file_id
WHERE sf.lenient_error IS NOT NULL
ORDER BY 1, 2, 3;
