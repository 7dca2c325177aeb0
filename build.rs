//! Embeds every `queries/**/*.sql` file into the binary (see src/queries.rs).
use std::path::Path;

fn collect(dir: &Path, out: &mut Vec<String>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "sql") {
            out.push(p.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// A hash of the sources the facts come from (`src/**/*.rs` and the tables beside them): an
/// index built by a codefacts whose analysis differs is analysed again (`meta.analysis`), even
/// when the version number did not move.
fn source_hash(dir: &Path, h: &mut std::collections::hash_map::DefaultHasher) {
    use std::hash::Hash;
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            source_hash(&p, h);
        } else if let Ok(bytes) = std::fs::read(&p) {
            p.file_name().hash(h);
            bytes.hash(h);
        }
    }
}

fn main() {
    let root = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    {
        use std::hash::Hasher;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        source_hash(&Path::new(&root).join("src"), &mut h);
        println!("cargo:rerun-if-changed=src");
        println!("cargo:rustc-env=CODEFACTS_SOURCE_HASH={:016x}", h.finish());
    }
    let qdir = Path::new(&root).join("queries");
    println!("cargo:rerun-if-changed=queries");
    let mut files = Vec::new();
    collect(&qdir, &mut files);
    let mut code = String::from("pub static EMBEDDED: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={f}");
        let rel = f
            .strip_prefix(&format!("{}/", root.replace('\\', "/")))
            .unwrap_or(f);
        code.push_str(&format!("    ({rel:?}, include_str!({f:?})),\n"));
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("embedded_queries.rs");
    std::fs::write(out, code).unwrap();
}
