//! TEST HARNESS for comparing the resolver with `ruff analyze graph` (see docs/resolution.md).
//!
//! It walks a directory, parses every `.py`/`.pyi` file with `codefacts::syntax::parse_python`,
//! collects import statements with a deliberately minimal tree-sitter walker (this stands in for
//! `facts::extract`, which is written separately), resolves them with `codefacts::resolve` and
//! prints the file-level edges as CSV `src_path,dst_path` (the format `codefacts sql` will
//! produce). With `--details FILE` it also writes one CSV row per imported name.
//!
//! Usage: cargo run --example graph -- DIR [--root SRC_ROOT]... [--exclude DIR_NAME]...
//!        [--details FILE] [--files FILE] > edges.csv
//! Defaults: one source root `""`; excluded directory names `site-packages`, `__pycache__`,
//! and the dot-directories.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use codefacts::facts::{ImportFact, ImportForm, ScopeKind, Span};
use codefacts::resolve::{IndexedFile, ModuleIndex, module_path};

fn walk(dir: &Path, rel: &str, exclude: &[String], out: &mut Vec<String>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let child_rel = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        let ft = e.file_type()?;
        if ft.is_dir() {
            if name.starts_with('.') || exclude.contains(&name) {
                continue;
            }
            walk(&e.path(), &child_rel, exclude, out)?;
        } else if ft.is_file() && (name.ends_with(".py") || name.ends_with(".pyi")) {
            out.push(child_rel);
        }
    }
    Ok(())
}

fn fact(form: ImportForm, module: &str, level: u32, name: &str) -> ImportFact {
    ImportFact {
        form,
        module: module.to_string(),
        level,
        name: name.to_string(),
        alias: None,
        is_star: name == "*",
        name_span: Span::default(),
        stmt_span: Span::default(),
        scope: ScopeKind::Module,
        type_checking: false,
        guarded: false,
        conditional: false,
    }
}

/// Harness-only import collector: every import statement at any depth (function bodies,
/// `if TYPE_CHECKING:`, `try` included, as Ruff does by default).
fn collect_imports(node: tree_sitter::Node, src: &[u8], out: &mut Vec<(u32, ImportFact)>) {
    let text = |n: tree_sitter::Node| n.utf8_text(src).unwrap_or("").to_string();
    let line = node.start_position().row as u32 + 1;
    match node.kind() {
        "import_statement" => {
            let mut c = node.walk();
            for n in node.children_by_field_name("name", &mut c) {
                let dotted = match n.kind() {
                    "aliased_import" => n.child_by_field_name("name").map(text).unwrap_or_default(),
                    _ => text(n),
                };
                let dotted: String = dotted.split_whitespace().collect();
                out.push((line, fact(ImportForm::Import, &dotted, 0, &dotted)));
            }
            return;
        }
        "import_from_statement" | "future_import_statement" => {
            let (module, level) = if node.kind() == "future_import_statement" {
                ("__future__".to_string(), 0)
            } else {
                match node.child_by_field_name("module_name") {
                    Some(m) if m.kind() == "relative_import" => {
                        let mut level = 0;
                        let mut module = String::new();
                        let mut c = m.walk();
                        for ch in m.children(&mut c) {
                            match ch.kind() {
                                "import_prefix" => {
                                    level = text(ch).chars().filter(|&c| c == '.').count() as u32
                                }
                                "dotted_name" => module = text(ch),
                                _ => {}
                            }
                        }
                        (module, level)
                    }
                    Some(m) => (text(m), 0),
                    None => return,
                }
            };
            let module: String = module.split_whitespace().collect();
            let mut c = node.walk();
            let mut any = false;
            for n in node.children_by_field_name("name", &mut c) {
                let name = match n.kind() {
                    "aliased_import" => n.child_by_field_name("name").map(text).unwrap_or_default(),
                    _ => text(n),
                };
                out.push((line, fact(ImportForm::From, &module, level, &name)));
                any = true;
            }
            let mut c = node.walk();
            if node
                .children(&mut c)
                .any(|ch| ch.kind() == "wildcard_import")
            {
                out.push((line, fact(ImportForm::From, &module, level, "*")));
                any = true;
            }
            if !any {
                // Unparsable name list: still record the module.
                out.push((line, fact(ImportForm::From, &module, level, "*")));
            }
            return;
        }
        _ => {}
    }
    let mut c = node.walk();
    for ch in node.children(&mut c) {
        collect_imports(ch, src, out);
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let mut roots = Vec::new();
    let mut exclude = vec!["site-packages".to_string(), "__pycache__".to_string()];
    let mut details = None;
    let mut files_out = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--root" => roots.push(args.next().expect("--root VALUE")),
            "--exclude" => exclude.push(args.next().expect("--exclude VALUE")),
            "--details" => details = Some(args.next().expect("--details FILE")),
            "--files" => files_out = Some(args.next().expect("--files FILE")),
            _ => dir = Some(a),
        }
    }
    let dir = dir.expect("usage: graph DIR [--root R]... [--exclude NAME]... [--details FILE]");
    if roots.is_empty() {
        roots.push(String::new());
    }

    let t0 = Instant::now();
    let mut paths = Vec::new();
    walk(Path::new(&dir), "", &exclude, &mut paths)?;
    let files: Vec<IndexedFile> = paths
        .iter()
        .map(|p| IndexedFile {
            rel_path: p.clone(),
            module: module_path(p, &roots),
        })
        .collect();

    let mut imports: Vec<Vec<(u32, ImportFact)>> = Vec::with_capacity(files.len());
    for f in &files {
        let bytes = std::fs::read(Path::new(&dir).join(&f.rel_path))?;
        let text = String::from_utf8_lossy(&bytes);
        let mut out = Vec::new();
        match codefacts::syntax::parse_python(&text, Duration::from_secs(10)) {
            Ok(tree) => collect_imports(tree.root_node(), text.as_bytes(), &mut out),
            Err(e) => eprintln!("{}: {e}", f.rel_path),
        }
        imports.push(out);
    }
    let t1 = Instant::now();

    let index = ModuleIndex::build(&files);
    let t_index = Instant::now();
    let mut resolved = Vec::new();
    for (i, list) in imports.iter().enumerate() {
        for (line, imp) in list {
            resolved.push((i, *line, imp, index.resolve(&files[i].module, imp)));
        }
    }
    let t2 = Instant::now();
    // Second pass: resolution alone, results dropped (timing of the resolver without the harness).
    let mut repo = 0usize;
    for (i, list) in imports.iter().enumerate() {
        for (_, imp) in list {
            repo += (index.resolve(&files[i].module, imp).target_file.is_some()) as usize;
        }
    }
    let t3 = Instant::now();
    eprintln!("resolve only: {:?} ({repo} repo targets)", t3 - t2);
    eprintln!(
        "{} files, {} modules, {} imports; parse+collect {:?}, index {:?}, resolve {:?}",
        files.len(),
        index.len(),
        resolved.len(),
        t1 - t0,
        t_index - t1,
        t2 - t_index
    );

    let mut edges = BTreeSet::new();
    for (i, _, _, r) in &resolved {
        // Self-edges are kept: `import pdb` inside `pdb.py` is a real import (Ruff keeps them too).
        if let Some(t) = r.target_file {
            edges.insert((
                files[*i].rel_path.as_str(),
                files[t as usize].rel_path.as_str(),
            ));
        }
    }
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    writeln!(w, "src_path,dst_path")?;
    for (s, d) in &edges {
        writeln!(w, "{},{}", csv_field(s), csv_field(d))?;
    }

    if let Some(path) = files_out {
        let mut d = std::io::BufWriter::new(std::fs::File::create(path)?);
        for f in &files {
            writeln!(d, "{}", f.rel_path)?;
        }
    }

    if let Some(path) = details {
        let mut d = std::io::BufWriter::new(std::fs::File::create(path)?);
        writeln!(
            d,
            "src_path,line,form,level,module,name,absolute_module,target_module,kind,dst_path"
        )?;
        for (i, line, imp, r) in &resolved {
            writeln!(
                d,
                "{},{},{},{},{},{},{},{},{},{}",
                csv_field(&files[*i].rel_path),
                line,
                imp.form.as_str(),
                imp.level,
                csv_field(&imp.module),
                csv_field(&imp.name),
                csv_field(r.absolute_module.as_deref().unwrap_or("")),
                csv_field(r.target_module.as_deref().unwrap_or("")),
                r.kind.as_str(),
                csv_field(
                    r.target_file
                        .map(|t| files[t as usize].rel_path.as_str())
                        .unwrap_or("")
                ),
            )?;
        }
    }
    Ok(())
}
