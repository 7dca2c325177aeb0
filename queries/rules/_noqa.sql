-- noqa filtering, applied outside the rule queries: `codefacts check` runs each rule as
-- `WITH findings AS (<rule query>) <this query>`, so a rule's rows (path, line, col,
-- end_line, end_col, code, message, parent_line) are read from `findings` and only the
-- unsuppressed ones are kept, with `noqa_row`: the line a `# noqa` must be on.
-- A finding on line L is looked up on the last line of the noqa_line_ranges row containing L
-- (multi-line strings, backslash continuations), else on L; a directive on parent_line also
-- counts (F401: first line of the import statement; F822/F405 on `__all__` entries: the
-- `__all__` definition). File-level directives
-- (`# ruff: noqa[: codes]`, `# flake8: noqa`) apply anywhere. An old code Ruff redirects
-- (`ruff_redirects`: `# noqa: I252`) suppresses the rule it now names (TID252).
WITH located AS (
    SELECT fi.*, f.file_id,
           COALESCE((SELECT r.end_line FROM noqa_line_ranges r
                     WHERE r.file_id = f.file_id AND fi.line BETWEEN r.start_line AND r.end_line
                     LIMIT 1), fi.line) AS noqa_line,
           CASE WHEN fi.parent_line IS NULL THEN NULL ELSE
             COALESCE((SELECT r.end_line FROM noqa_line_ranges r
                       WHERE r.file_id = f.file_id
                         AND fi.parent_line BETWEEN r.start_line AND r.end_line
                       LIMIT 1), fi.parent_line) END AS noqa_line2
    FROM findings fi JOIN files f ON f.path = fi.path
)
-- Every column of the rule passes through (help, labels), plus noqa_row.
SELECT l.*, l.noqa_line AS noqa_row
FROM located l
WHERE NOT EXISTS (
    SELECT 1 FROM noqa_directives d
    WHERE d.file_id = l.file_id
      AND (d.code IS NULL OR d.code = l.code
           OR d.code IN (SELECT r.old FROM ruff_redirects r WHERE r.new = l.code))
      AND (d.file_level = 1 OR d.line = l.noqa_line OR d.line IS l.noqa_line2)
)
ORDER BY l.path, l.line, l.col, l.code;
