//! Writing [`SemanticFacts`] (the semantic tables of `schema.sql`).

use rusqlite::{Connection, params};

use super::rows::{Rows, int, opt_int, opt_text, text};
use crate::semantic::{BindingKind, Resolution, SemScopeKind, SemanticFacts};

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
    "noqa_warnings",
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
    let lenient = f.lenient_syntax_error.as_ref();
    conn.prepare_cached("INSERT INTO semantic_files VALUES (?1,?2,?3,?4,?5,?6)")?
        .execute(params![
            file_id,
            f.has_syntax_error,
            f.future_annotations,
            lenient.map(|l| l.0),
            lenient.map(|l| l.1),
            lenient.map(|l| l.2.as_str())
        ])?;
    // The implicit scopes the analysis opens around every function and class (type
    // parameters) and method (the `__class__` cell) are stored only when something is bound
    // in them: PEP 695 type parameters, a `__class__` that is used. Otherwise what happens in
    // them (annotations, defaults) is stored as happening in the nearest stored ancestor.
    let stored_binding =
        |b: &crate::semantic::Binding| b.kind != BindingKind::ClassCell || b.uses > 0;
    let mut bound = vec![false; f.scopes.len()];
    for b in f.bindings.iter().filter(|b| stored_binding(b)) {
        if let Some(slot) = bound.get_mut(b.scope.0 as usize) {
            *slot = true;
        }
    }
    // Scopes are numbered parents first: one forward pass finds each one's stored ancestor.
    let mut visible: Vec<u32> = Vec::with_capacity(f.scopes.len());
    for (i, s) in f.scopes.iter().enumerate() {
        let implicit = matches!(s.kind, SemScopeKind::TypeParams | SemScopeKind::ClassCell);
        let v = match s.parent {
            Some(p) if implicit && !bound[i] => visible.get(p.0 as usize).copied().unwrap_or(p.0),
            _ => i as u32,
        };
        visible.push(v);
    }
    let scope_of =
        |id: crate::semantic::ScopeId| visible.get(id.0 as usize).copied().unwrap_or(id.0);
    let mut scopes = Rows::new("scopes", 11, f.scopes.len());
    for (i, s) in f.scopes.iter().enumerate() {
        if visible[i] != i as u32 {
            continue;
        }
        scopes.push([
            int(file_id),
            int(s.id.0),
            text(s.kind.as_str()),
            opt_int(s.parent.map(scope_of)),
            opt_text(s.name.as_deref()),
            int(s.span.line),
            int(s.span.col),
            int(s.span.end_line),
            int(s.span.end_col),
            int(s.uses_star_import),
            int(s.uses_locals),
        ]);
    }
    scopes.insert(conn)?;
    let mut bindings = Rows::new("bindings", 27, f.bindings.len());
    for b in f.bindings.iter().filter(|b| stored_binding(b)) {
        bindings.push([
            int(file_id),
            int(b.id.0),
            text(&b.name),
            text(b.kind.as_str()),
            int(scope_of(b.scope)),
            int(b.span.line),
            int(b.span.col),
            int(b.span.end_line),
            int(b.span.end_col),
            opt_int(b.stmt_span.map(|s| s.line)),
            opt_int(b.stmt_span.map(|s| s.end_line)),
            int(b.uses),
            opt_int(b.shadows.map(|s| s.0)),
            opt_int(b.shadows_outer.map(|s| s.0)),
            int(b.is_live),
            int(b.in_type_checking),
            int(b.in_import_error_try),
            opt_int(b.branch),
            int(b.in_all),
            int(b.is_redundant_alias),
            int(b.is_global),
            int(b.is_nonlocal),
            int(b.is_dummy),
            int(b.is_overload),
            opt_text(b.qualified_name.as_deref()),
            opt_text(b.module.as_deref()),
            int(b.level),
        ]);
    }
    bindings.insert(conn)?;
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
            scope_of(r.scope),
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
            scope_of(u.scope),
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
            scope_of(s.scope),
            s.span.line,
            s.span.col,
            s.span.end_line,
            s.span.end_col
        ])?;
    }
    let mut branches = Rows::new("branches", 3, f.branches.len());
    for (i, p) in f.branches.iter().enumerate() {
        branches.push([int(file_id), int(i as i64), opt_int(*p)]);
    }
    branches.insert(conn)?;
    let mut st = conn.prepare_cached("INSERT INTO noqa_directives VALUES (?1,?2,?3,?4)")?;
    for d in &f.noqa {
        st.execute(params![file_id, d.line, d.code, d.file_level])?;
    }
    let mut ranges = Rows::new("noqa_line_ranges", 3, f.noqa_ranges.len());
    for r in &f.noqa_ranges {
        ranges.push([int(file_id), int(r.start_line), int(r.end_line)]);
    }
    ranges.insert(conn)?;
    if !f.noqa_warnings.is_empty() {
        let mut st = conn.prepare_cached("INSERT INTO noqa_warnings VALUES (?1,?2,?3)")?;
        for (line, kind) in &f.noqa_warnings {
            st.execute(params![file_id, line, kind.as_str()])?;
        }
    }
    Ok(())
}
