-- @id pyflakes/undefined-local-with-import-star
-- @name Star import used
-- @description Every `from m import *` statement (reported on the whole statement).
-- @code F403
SELECT f.path, s.line, s.col, s.end_line, s.end_col, 'F403' AS code,
       '`from ' || s.module || ' import *` used; unable to detect undefined names' AS message,
       NULL AS parent_line,
       NULL AS help
FROM star_imports s
JOIN checked_files f ON f.file_id = s.file_id
JOIN semantic_files sf ON sf.file_id = f.file_id AND sf.has_syntax_error = 0
ORDER BY f.path, s.line, s.col;
