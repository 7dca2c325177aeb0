-- @id pycodestyle/io-error
-- @name io-error
-- @description A file codefacts found but could not check: its bytes are not text in its declared
--   encoding, it is larger than `max-file-size`, or parsing it took longer than
--   `parse-timeout-ms`. Ruff reports files it cannot read as E902; a lint gate that skipped a file
--   must not pass it silently. (`codefacts check` adds an E902 for each path given on the command
--   line that does not exist.)
-- @code E902
-- @noqa none
-- Columns: path, line, col, end_line, end_col, code, message, help.
SELECT f.path, 1 AS line, 1 AS col, 1 AS end_line, 1 AS end_col, 'E902' AS code,
       CASE f.status
         WHEN 'undecodable' THEN 'stream did not contain valid text: ' || COALESCE(f.error, f.encoding)
         WHEN 'too_large' THEN 'not checked: ' || COALESCE(f.error, 'larger than max-file-size')
         WHEN 'parse_timeout' THEN 'not checked: ' || COALESCE(f.error, 'parsing took longer than parse-timeout-ms')
         ELSE 'not checked: ' || COALESCE(f.error, f.status)
       END AS message,
       NULL AS help
FROM checked_files f
WHERE f.status NOT IN ('ok', 'syntax_error')
ORDER BY f.path;
