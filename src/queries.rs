//! The canned queries of `queries/`, embedded at build time, with their metadata headers.
//!
//! A query file starts with `-- @key value` lines: `@id`, `@name`, `@description` (and `@code`
//! for rules). Adding a query is adding a file.

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_queries.rs"));
}

/// One canned query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Path relative to the crate, e.g. `queries/import-graph.sql`.
    pub file: &'static str,
    pub id: String,
    pub name: String,
    pub description: String,
    /// `@code` for rule queries (e.g. `F821`).
    pub code: Option<String>,
    /// `@noqa none`: findings no `# noqa` can hide (syntax and I/O errors, as in Ruff).
    pub no_noqa: bool,
    pub sql: &'static str,
}

/// Parses the `-- @key value` header of a query file.
pub fn parse(file: &'static str, sql: &'static str) -> Query {
    let mut q = Query {
        file,
        id: String::new(),
        name: String::new(),
        description: String::new(),
        code: None,
        no_noqa: false,
        sql,
    };
    let mut last: Option<&str> = None;
    for line in sql.lines() {
        let Some(rest) = line.trim().strip_prefix("--") else {
            if line.trim().is_empty() {
                continue;
            }
            break;
        };
        let rest = rest.trim();
        if let Some(tagged) = rest.strip_prefix('@') {
            let (key, value) = tagged
                .split_once(char::is_whitespace)
                .unwrap_or((tagged, ""));
            let value = value.trim().to_string();
            match key {
                "id" => q.id = value,
                "name" => q.name = value,
                "description" => q.description = value,
                "code" => q.code = Some(value),
                "noqa" => q.no_noqa = value == "none",
                _ => {}
            }
            last = Some(match key {
                "description" => "description",
                _ => "",
            });
        } else if last == Some("description") && !rest.is_empty() {
            q.description.push(' ');
            q.description.push_str(rest);
        } else {
            last = None;
        }
    }
    q
}

/// True for fragments (`_name.sql`) that other queries build on; they are not listed.
fn is_fragment(file: &str) -> bool {
    file.rsplit('/').next().is_some_and(|n| n.starts_with('_'))
}

/// A fragment by file name, e.g. `_noqa.sql`.
pub fn fragment(name: &str) -> Option<&'static str> {
    embedded::EMBEDDED
        .iter()
        .find(|(f, _)| is_fragment(f) && f.rsplit('/').next() == Some(name))
        .map(|(_, s)| *s)
}

/// The rule queries (`queries/rules/*.sql`, those with an `@code`), sorted by code.
pub fn rules() -> Vec<Query> {
    let mut v: Vec<Query> = all()
        .into_iter()
        .filter(|q| q.file.starts_with("queries/rules/") && q.code.is_some())
        .collect();
    v.sort_by(|a, b| a.code.cmp(&b.code));
    v
}

/// A rule query wrapped in the noqa filter (`queries/rules/_noqa.sql`, which reads a
/// `findings` table): `WITH findings AS (<rule>), <the filter's own CTEs> SELECT ...`.
/// The result adds `noqa_row`, the line a `# noqa` must be on.
pub fn with_noqa_filter(rule: &Query) -> String {
    let body = rule.sql.trim().trim_end_matches(';');
    if rule.no_noqa {
        return body.to_string();
    }
    let Some(noqa_sql) = fragment("_noqa.sql") else {
        return body.to_string();
    };
    let filter: String = noqa_sql
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    let filter = filter.trim();
    match filter.strip_prefix("WITH ") {
        Some(rest) => format!("WITH findings AS (\n{body}\n),\n{rest}"),
        None => format!("WITH findings AS (\n{body}\n)\n{filter}"),
    }
}

/// Every embedded query, sorted by id.
pub fn all() -> Vec<Query> {
    let mut v: Vec<Query> = embedded::EMBEDDED
        .iter()
        .filter(|(f, _)| !is_fragment(f))
        .map(|(f, s)| parse(f, s))
        .collect();
    v.sort_by(|a, b| a.id.cmp(&b.id));
    v
}

/// The query with this id.
pub fn find(id: &str) -> Option<Query> {
    all().into_iter().find(|q| q.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_query_has_a_header_and_a_unique_id() {
        let all = all();
        assert!(!all.is_empty());
        let mut ids: Vec<&str> = all.iter().map(|q| q.id.as_str()).collect();
        ids.dedup();
        assert_eq!(ids.len(), all.len(), "duplicate @id");
        for q in &all {
            assert!(!q.id.is_empty(), "{}: no @id", q.file);
            assert!(!q.name.is_empty(), "{}: no @name", q.file);
            assert!(!q.description.is_empty(), "{}: no @description", q.file);
            assert!(
                q.sql.to_ascii_uppercase().contains("ORDER BY"),
                "{}: every query needs an ORDER BY",
                q.file
            );
        }
    }

    #[test]
    fn every_rule_has_a_code_and_a_ruff_name() {
        let rules = super::rules();
        let codes: Vec<&str> = rules.iter().filter_map(|q| q.code.as_deref()).collect();
        for code in ["F706", "TID252"] {
            assert!(codes.contains(&code), "{code} missing from {codes:?}");
        }
        for q in &rules {
            assert!(q.id.contains('/'), "{}: @id is `linter/rule-name`", q.file);
        }
    }
}
