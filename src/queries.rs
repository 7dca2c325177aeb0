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
    /// `@param name: meaning (default)`: the report's parameters, in header order.
    pub params: Vec<Param>,
    /// `@picture`: the report can be drawn (`--format dot|mermaid`).
    pub picture: bool,
    /// `@json-groups key: from -> to; ...`: `--format json` writes one object with a map per
    /// key, from each value of column `from` to the sorted distinct values of `to`, instead
    /// of a list of rows.
    pub json_groups: Vec<JsonGroup>,
    /// `@pivot keys: a b; columns: code; values: n`: the rows are cells of a matrix, drawn
    /// as one row per key and one column per value of `columns` (see `render::Pivot`).
    pub pivot: Option<PivotSpec>,
    pub sql: &'static str,
}

/// One `@param` of a report: `:name` in its SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub meaning: String,
    /// The value when `--param` does not give one; `None`: the parameter is required.
    pub default: Option<String>,
    /// `@choices name: a b`: the only values it takes (empty: any).
    pub choices: Vec<String>,
    /// `@indexed name`: the value must be a module of the index (else the report would be
    /// empty for a typo).
    pub indexed: bool,
}

/// An `@pivot` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PivotSpec {
    /// The key columns (those that are NULL in every row are left out of the matrix).
    pub keys: Vec<String>,
    /// The column whose values become the matrix's columns.
    pub columns: String,
    /// The column summed into each cell.
    pub values: String,
    /// A column summed beside it, to show each cell's change (`12 (+3)`); NULL in every
    /// row: no comparison.
    pub baseline: Option<String>,
}

fn parse_pivot(value: &str) -> Option<PivotSpec> {
    let mut spec = PivotSpec {
        keys: Vec::new(),
        columns: String::new(),
        values: String::new(),
        baseline: None,
    };
    for part in value.split(';') {
        let (k, v) = part.split_once(':')?;
        match k.trim() {
            "keys" => spec.keys = v.split_whitespace().map(str::to_string).collect(),
            "columns" => spec.columns = v.trim().to_string(),
            "values" => spec.values = v.trim().to_string(),
            "baseline" => spec.baseline = Some(v.trim().to_string()),
            _ => return None,
        }
    }
    (!spec.keys.is_empty() && !spec.columns.is_empty() && !spec.values.is_empty()).then_some(spec)
}

/// One map of an `@json-groups` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonGroup {
    pub key: String,
    pub from: String,
    pub to: String,
}

fn parse_json_groups(value: &str) -> Vec<JsonGroup> {
    value
        .split(';')
        .filter_map(|g| {
            let (key, map) = g.split_once(':')?;
            let (from, to) = map.split_once("->")?;
            Some(JsonGroup {
                key: key.trim().to_string(),
                from: from.trim().to_string(),
                to: to.trim().to_string(),
            })
        })
        .collect()
}

/// `name: meaning (default)`; a trailing `(required)` or no parenthesis means no default.
fn parse_param(value: &str) -> Param {
    let (name, rest) = value.split_once(':').unwrap_or((value, ""));
    let rest = rest.trim();
    let (meaning, default) = match rest.strip_suffix(')').and_then(|r| r.rsplit_once('(')) {
        Some((m, d)) if d.trim() != "required" => (m.trim(), Some(d.trim().to_string())),
        Some((m, _)) => (m.trim(), None),
        None => (rest, None),
    };
    Param {
        name: name.trim().to_string(),
        meaning: meaning.to_string(),
        default,
        choices: Vec::new(),
        indexed: false,
    }
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
        params: Vec::new(),
        picture: false,
        json_groups: Vec::new(),
        pivot: None,
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
                "param" => q.params.push(parse_param(&value)),
                "indexed" => {
                    if let Some(p) = q.params.iter_mut().find(|p| p.name == value.trim()) {
                        p.indexed = true;
                    }
                }
                "choices" => {
                    let (name, values) = value.split_once(':').unwrap_or((&value, ""));
                    if let Some(p) = q.params.iter_mut().find(|p| p.name == name.trim()) {
                        p.choices = values.split_whitespace().map(str::to_string).collect();
                    }
                }
                "picture" => q.picture = true,
                "json-groups" => q.json_groups = parse_json_groups(&value),
                "pivot" => q.pivot = parse_pivot(&value),
                _ => {}
            }
            last = Some(match key {
                "description" => "description",
                "param" => "param",
                _ => "",
            });
        } else if last == Some("description") && !rest.is_empty() {
            q.description.push(' ');
            q.description.push_str(rest);
        } else if last == Some("param") && !rest.is_empty() {
            // A continued parameter line: re-read the whole text for its default.
            if let Some(p) = q.params.pop() {
                let text = match &p.default {
                    Some(d) => format!("{}: {} {rest} ({d})", p.name, p.meaning),
                    None => format!("{}: {} {rest}", p.name, p.meaning),
                };
                q.params.push(parse_param(&text));
            }
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

/// A rule's SQL narrowed to the files named by the JSON list bound to `:checked_paths`
/// (repo-relative paths): every `checked_files` (schema.sql) becomes the files of that list.
pub fn narrowed_to_checked_paths(sql: &str) -> String {
    const VIEW: &str = "checked_files";
    const NARROWED: &str =
        "(SELECT * FROM files WHERE path IN (SELECT value FROM json_each(:checked_paths)))";
    let mut out = String::with_capacity(sql.len() + 128);
    let mut rest = sql;
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    while let Some(i) = rest.find(VIEW) {
        let before = rest[..i].chars().next_back();
        let after = rest[i + VIEW.len()..].chars().next();
        out.push_str(&rest[..i]);
        if before.is_some_and(ident) || after.is_some_and(ident) {
            out.push_str(VIEW);
        } else {
            out.push_str(NARROWED);
        }
        rest = &rest[i + VIEW.len()..];
    }
    out.push_str(rest);
    out
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
    fn params_and_pictures_are_read_from_the_header() {
        let q = parse(
            "queries/x.sql",
            "-- @id x\n-- @name X\n-- @description D.\n-- @param module: the module (required)\n\
             -- @param graph: eager or all (eager)\n-- @param depth: levels\n-- @picture\nSELECT 1;\n",
        );
        assert_eq!(q.params.len(), 3);
        assert_eq!(q.params[0].name, "module");
        assert_eq!(q.params[0].default, None);
        assert_eq!(q.params[1].meaning, "eager or all");
        assert_eq!(q.params[1].default.as_deref(), Some("eager"));
        assert_eq!(q.params[2].default, None);
        assert!(q.picture);
        let g = parse(
            "queries/y.sql",
            "-- @id y\n-- @json-groups symbols: symbol -> module; modules: module -> symbol\nSELECT 1;\n",
        );
        assert_eq!(g.json_groups.len(), 2);
        let p = parse(
            "queries/z.sql",
            "-- @id z\n-- @pivot keys: star owner; columns: code; values: findings\nSELECT 1;\n",
        );
        let p = p.pivot.unwrap();
        assert_eq!((p.keys.len(), p.columns.as_str()), (2, "code"));
        assert_eq!(
            (
                g.json_groups[1].key.as_str(),
                g.json_groups[1].from.as_str(),
                g.json_groups[1].to.as_str()
            ),
            ("modules", "module", "symbol")
        );
    }

    #[test]
    fn every_report_documents_the_parameters_its_sql_uses() {
        for q in all().into_iter().filter(|q| q.code.is_none()) {
            let mut used: Vec<String> = Vec::new();
            let sql: String = q
                .sql
                .lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n");
            let b = sql.as_bytes();
            for (i, _) in sql.match_indices(':') {
                let name: String = sql[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                let after_word = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b':');
                if !name.is_empty() && !after_word && !used.contains(&name) {
                    used.push(name);
                }
            }
            for name in &used {
                assert!(
                    q.params.iter().any(|p| &p.name == name),
                    "{}: `:{name}` has no `-- @param {name}: ...` line",
                    q.file
                );
            }
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
