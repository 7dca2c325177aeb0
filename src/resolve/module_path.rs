//! File path -> dotted module name, and relative -> absolute module names.

use super::ModulePath;

/// Hard keywords: a path component spelled like one cannot appear in an `import` statement.
const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// True when `s` can be written as one component of a dotted name in an `import` statement:
/// a Python identifier that is not a hard keyword. Non-ASCII letters are accepted by Unicode
/// category (`char::is_alphabetic` / `is_alphanumeric`), an approximation of XID_Start/XID_Continue.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let start_ok =
        first == '_' || first.is_ascii_alphabetic() || (!first.is_ascii() && first.is_alphabetic());
    if !start_ok {
        return false;
    }
    let rest_ok = chars
        .all(|c| c == '_' || c.is_ascii_alphanumeric() || (!c.is_ascii() && c.is_alphanumeric()));
    rest_ok && !KEYWORDS.contains(&s)
}

/// Picks the longest root that contains `rel_path`; `""` (the repository root) contains every
/// path. When no configured root contains the file (or none is configured) the repository root
/// is used. Returns the root and the path relative to it.
fn split_root<'p>(rel_path: &'p str, source_roots: &[String]) -> (String, &'p str) {
    let mut best: Option<&str> = None;
    for root in source_roots {
        let root = root.trim_matches('/');
        let contains = root.is_empty()
            || (rel_path.len() > root.len()
                && rel_path.starts_with(root)
                && rel_path.as_bytes()[root.len()] == b'/');
        if contains && best.is_none_or(|b| root.len() > b.len()) {
            best = Some(root);
        }
    }
    match best {
        Some(root) if !root.is_empty() => (root.to_string(), &rel_path[root.len() + 1..]),
        _ => (String::new(), rel_path),
    }
}

/// See [`super::module_path`].
pub fn module_path(rel_path: &str, source_roots: &[String]) -> ModulePath {
    let (source_root, inner) = split_root(rel_path, source_roots);
    let (stem, is_stub) = if let Some(s) = inner.strip_suffix(".pyi") {
        (Some(s), true)
    } else {
        (inner.strip_suffix(".py"), false)
    };
    let Some(stem) = stem else {
        return ModulePath {
            source_root,
            module: None,
            is_package: false,
            is_stub: false,
        };
    };
    let (stem, is_package) = match stem.rsplit_once('/') {
        Some((dir, "__init__")) => (dir, true),
        None if stem == "__init__" => ("", true),
        _ => (stem, false),
    };
    let importable = !stem.is_empty() && stem.split('/').all(is_identifier);
    let module = importable.then(|| stem.replace('/', "."));
    ModulePath {
        source_root,
        module,
        is_package,
        is_stub,
    }
}

/// See [`super::absolute_module`].
pub fn absolute_module(
    importer: &str,
    importer_is_package: bool,
    level: u32,
    module: &str,
) -> Option<String> {
    if level == 0 {
        return (!module.is_empty()).then(|| module.to_string());
    }
    if importer.is_empty() {
        return None;
    }
    // The package `.` refers to: the importer itself for an `__init__`, else its parent.
    let mut base = if importer_is_package {
        importer
    } else {
        importer.rsplit_once('.')?.0
    };
    for _ in 1..level {
        base = base.rsplit_once('.')?.0;
    }
    if module.is_empty() {
        Some(base.to_string())
    } else {
        let mut s = String::with_capacity(base.len() + 1 + module.len());
        s.push_str(base);
        s.push('.');
        s.push_str(module);
        Some(s)
    }
}

/// See [`super::unproven_namespace`].
pub fn unproven_namespace<'p>(
    package: &'p str,
    is_package: &dyn Fn(&str) -> bool,
    proven: &dyn Fn(&str) -> bool,
) -> Option<&'p str> {
    for (end, _) in package
        .match_indices('.')
        .chain(std::iter::once((package.len(), "")))
    {
        let prefix = &package[..end];
        if is_package(prefix) {
            return None;
        }
        if !proven(prefix) {
            return Some(prefix);
        }
    }
    None
}

/// See [`super::import_name`].
pub fn import_name<'m>(
    module: &'m str,
    is_package: &dyn Fn(&str) -> bool,
    proven: &dyn Fn(&str) -> bool,
) -> &'m str {
    let Some((parent, last)) = module.rsplit_once('.') else {
        return module;
    };
    if unproven_namespace(parent, is_package, proven).is_none() {
        return module;
    }
    // From the first regular package down, or the module alone.
    let mut start = 0;
    let mut name = last;
    for (end, _) in module
        .match_indices('.')
        .chain(std::iter::once((module.len(), "")))
    {
        if is_package(&module[..end]) {
            name = &module[start..];
            break;
        }
        start = end + 1;
    }
    let top = name.split('.').next().unwrap_or(name);
    if super::is_stdlib(top) || super::is_builtin_module(top) {
        return module;
    }
    name
}
