//! Writing [`SemanticFacts`] (the semantic tables of `schema.sql`).

use rusqlite::Connection;

use super::rows::{Rows, int, opt_int, opt_text, text};
use crate::semantic::{BindingKind, Resolution, SemScopeKind, SemanticFacts};

/// The semantic tables (a query that names one needs the semantic layer).
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

/// Makes one file's rows of the semantic tables `f` (the caller owns the transaction):
/// none when the file was not analysed. `references` says whether every name load goes into
/// `name_references`; `package` is the file's top-level package when it counts as
/// first-party (see `first_party_modules`). A table whose stored rows are already these is
/// not written ([`Rows::replace`]); `fresh`: the file has no stored rows.
pub(super) fn replace(
    conn: &Connection,
    file_id: i64,
    semantic: Option<(&SemanticFacts, bool)>,
    package: Option<&str>,
    fresh: bool,
) -> rusqlite::Result<()> {
    let empty = SemanticFacts::default();
    let (f, references) = semantic.unwrap_or((&empty, false));
    let analysed = semantic.is_some();
    let mut first_party = Rows::new("first_party_modules", 2, 1);
    if let Some(pkg) = package.filter(|_| analysed) {
        first_party.push([int(file_id), text(pkg)]);
    }
    first_party.replace(conn, file_id, fresh)?;
    let lenient = f.lenient_syntax_error.as_ref();
    let mut files = Rows::new("semantic_files", 6, 1);
    if analysed {
        files.push([
            int(file_id),
            int(f.has_syntax_error),
            int(f.future_annotations),
            opt_int(lenient.map(|l| l.0)),
            opt_int(lenient.map(|l| l.1)),
            opt_text(lenient.map(|l| l.2.as_str())),
        ]);
    }
    files.replace(conn, file_id, fresh)?;
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
    scopes.replace(conn, file_id, fresh)?;
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
    bindings.replace(conn, file_id, fresh)?;
    let mut refs = Rows::new(
        "name_references",
        10,
        if references { f.references.len() } else { 0 },
    );
    for r in f.references.iter().filter(|_| references) {
        let (resolution, binding) = match r.resolution {
            Resolution::Binding(b) => ("binding", Some(b.0)),
            Resolution::Builtin => ("builtin", None),
            Resolution::Implicit => ("implicit", None),
            Resolution::Unresolved => ("unresolved", None),
        };
        refs.push([
            int(file_id),
            text(&r.name),
            int(scope_of(r.scope)),
            text(r.kind.as_str()),
            int(r.span.line),
            int(r.span.col),
            int(r.span.end_line),
            int(r.span.end_col),
            text(resolution),
            opt_int(binding),
        ]);
    }
    refs.replace(conn, file_id, fresh)?;
    let mut unresolved = Rows::new("unresolved_references", 15, f.unresolved.len());
    for u in &f.unresolved {
        unresolved.push([
            int(file_id),
            text(&u.name),
            text(&u.text),
            int(scope_of(u.scope)),
            text(u.kind.as_str()),
            int(u.span.line),
            int(u.span.col),
            int(u.span.end_line),
            int(u.span.end_col),
            int(u.star_import_visible),
            int(u.name_error_handled),
            opt_int(u.builtin_added_in),
            opt_int(u.parent_line),
            opt_text(u.usage),
            opt_text(u.attribute.as_deref()),
        ]);
    }
    unresolved.replace(conn, file_id, fresh)?;
    let mut stars = Rows::new("star_imports", 7, f.star_imports.len());
    for s in &f.star_imports {
        stars.push([
            int(file_id),
            text(&s.module),
            int(scope_of(s.scope)),
            int(s.span.line),
            int(s.span.col),
            int(s.span.end_line),
            int(s.span.end_col),
        ]);
    }
    stars.replace(conn, file_id, fresh)?;
    let mut branches = Rows::new("branches", 3, f.branches.len());
    for (i, p) in f.branches.iter().enumerate() {
        branches.push([int(file_id), int(i as i64), opt_int(*p)]);
    }
    branches.replace(conn, file_id, fresh)?;
    let mut noqa = Rows::new("noqa_directives", 4, f.noqa.len());
    for d in &f.noqa {
        noqa.push([
            int(file_id),
            int(d.line),
            opt_text(d.code.as_deref()),
            int(d.file_level),
        ]);
    }
    noqa.replace(conn, file_id, fresh)?;
    let mut ranges = Rows::new("noqa_line_ranges", 3, f.noqa_ranges.len());
    for r in &f.noqa_ranges {
        ranges.push([int(file_id), int(r.start_line), int(r.end_line)]);
    }
    ranges.replace(conn, file_id, fresh)?;
    let mut warnings = Rows::new("noqa_warnings", 3, f.noqa_warnings.len());
    for (line, kind) in &f.noqa_warnings {
        warnings.push([int(file_id), int(*line), text(kind.as_str())]);
    }
    warnings.replace(conn, file_id, fresh)?;
    Ok(())
}
