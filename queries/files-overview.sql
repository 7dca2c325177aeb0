-- @id files-overview
-- @name Files by lane and status
-- @description How many files, lines, syntax errors and undecodable files each lane holds.

SELECT lane,
       count(*)                                        AS files,
       sum(lines)                                      AS lines,
       sum(status = 'syntax_error')                    AS files_with_syntax_errors,
       sum(syntax_errors)                              AS syntax_errors,
       sum(status = 'undecodable')                     AS undecodable,
       sum(status IN ('too_large', 'parse_timeout'))   AS not_parsed
FROM files
GROUP BY lane
ORDER BY lane;
