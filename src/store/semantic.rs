//! Writing [`SemanticFacts`] (the semantic tables of `schema.sql`).

use rusqlite::{Connection, params};

use crate::semantic::{Resolution, SemanticFacts};

/// The semantic tables, for deleting a file's rows.
pub(super) const TABLES: &[&str] = &[
    "semantic_files",
    "first_party_modules",
    "scopes",
    "bindings",
    "name_references",
    "unresolved_references",
    "star_imports",
    "branches",
    "noqa_directives",
    "noqa_line_ranges",
];

/// Inserts one file's semantic facts (the caller owns the transaction). `package` is the
/// file's top-level package when it counts as first-party (see `first_party_modules`).
pub(super) fn insert(
    conn: &Connection,
    file_id: i64,
    f: &SemanticFacts,
    package: Option<&str>,
    references: bool,
) -> rusqlite::Result<()> {
    if let Some(pkg) = package {
        conn.prepare_cached("INSERT OR IGNORE INTO first_party_modules VALUES (?1, ?2)")?
            .execute(params![file_id, pkg])?;
    }
    conn.prepare_cached("INSERT INTO semantic_files VALUES (?1,?2,?3)")?
        .execute(params![file_id, f.has_syntax_error, f.future_annotations])?;
    let mut st =
        conn.prepare_cached("INSERT INTO scopes VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)")?;
    for s in &f.scopes {
        st.execute(params![
            file_id,
            s.id.0,
            s.kind.as_str(),
            s.parent.map(|p| p.0),
            s.name,
            s.span.line,
            s.span.col,
            s.span.end_line,
            s.span.end_col,
            s.uses_star_import,
            s.uses_locals
        ])?;
    }
    let mut st = conn.prepare_cached(
        "INSERT INTO bindings VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27)",
    )?;
    for b in &f.bindings {
        st.execute(params![
            file_id,
            b.id.0,
            b.name,
            b.kind.as_str(),
            b.scope.0,
            b.span.line,
            b.span.col,
            b.span.end_line,
            b.span.end_col,
            b.stmt_span.map(|s| s.line),
            b.stmt_span.map(|s| s.end_line),
            b.uses,
            b.shadows.map(|s| s.0),
            b.shadows_outer.map(|s| s.0),
            b.is_live,
            b.in_type_checking,
            b.in_import_error_try,
            b.branch,
            b.in_all,
            b.is_redundant_alias,
            b.is_global,
            b.is_nonlocal,
            b.is_dummy,
            b.is_overload,
            b.qualified_name,
            b.module,
            b.level
        ])?;
    }
    let mut st =
        conn.prepare_cached("INSERT INTO name_references VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)")?;
    for r in f.references.iter().filter(|_| references) {
        let (resolution, binding) = match r.resolution {
            Resolution::Binding(b) => ("binding", Some(b.0)),
            Resolution::Builtin => ("builtin", None),
            Resolution::Implicit => ("implicit", None),
            Resolution::Unresolved => ("unresolved", None),
        };
        st.execute(params![
            file_id,
            r.name,
            r.scope.0,
            r.kind.as_str(),
            r.span.line,
            r.span.col,
            r.span.end_line,
            r.span.end_col,
            resolution,
            binding
        ])?;
    }
    let mut st = conn.prepare_cached(
        "INSERT INTO unresolved_references VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)",
    )?;
    for u in &f.unresolved {
        st.execute(params![
            file_id,
            u.name,
            u.text,
            u.scope.0,
            u.kind.as_str(),
            u.span.line,
            u.span.col,
            u.span.end_line,
            u.span.end_col,
            u.star_import_visible,
            u.name_error_handled,
            u.builtin_added_in,
            u.parent_line
        ])?;
    }
    let mut st = conn.prepare_cached("INSERT INTO star_imports VALUES (?1,?2,?3,?4,?5,?6,?7)")?;
    for s in &f.star_imports {
        st.execute(params![
            file_id,
            s.module,
            s.scope.0,
            s.span.line,
            s.span.col,
            s.span.end_line,
            s.span.end_col
        ])?;
    }
    let mut st = conn.prepare_cached("INSERT INTO branches VALUES (?1,?2,?3)")?;
    for (i, p) in f.branches.iter().enumerate() {
        st.execute(params![file_id, i as i64, p])?;
    }
    let mut st = conn.prepare_cached("INSERT INTO noqa_directives VALUES (?1,?2,?3,?4)")?;
    for d in &f.noqa {
        st.execute(params![file_id, d.line, d.code, d.file_level])?;
    }
    let mut st = conn.prepare_cached("INSERT INTO noqa_line_ranges VALUES (?1,?2,?3)")?;
    for r in &f.noqa_ranges {
        st.execute(params![file_id, r.start_line, r.end_line])?;
    }
    Ok(())
}
