-- @id pyflakes/return-outside-function
-- @name `return` outside of a function
-- @description A `return` statement at module level or directly in a class body, at any
--   nesting of if/for/while/try/with/match (a `return` inside a nested function or lambda
--   is fine). `yield` outside a function is F704, not this rule.
-- @code F706
-- Columns: path, line, col, end_line, end_col, code, message, parent_line, help.
SELECT f.path, r.line, r.col, r.end_line, r.end_col, 'F706' AS code,
       '`return` statement outside of a function/method' AS message,
       NULL AS parent_line,
       NULL AS help
FROM outside_returns r
JOIN checked_files f ON f.file_id = r.file_id
WHERE r.kind = 'return'
ORDER BY f.path, r.line, r.col;
