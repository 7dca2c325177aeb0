//! Scopes, bindings and references (pyflakes/Ruff semantics), per file.
//! Implemented for issue 3.
