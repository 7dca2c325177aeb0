//! Embeds every `queries/**/*.sql` file into the binary (see src/queries.rs), and hashes the
//! sources of the analysis for `meta.analysis`.
use std::path::Path;

/// Every file under `dir`, recursively, sorted.
fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let root = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    let root = Path::new(&root);
    // A hash of what the facts and the rule results come from (`src/`, `queries/`,
    // `schema.sql`): an index built by a codefacts whose analysis differs is analysed again
    // (`meta.analysis`), even when the version number did not move.
    {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        let mut inputs = Vec::new();
        files_under(&root.join("src"), &mut inputs);
        files_under(&root.join("queries"), &mut inputs);
        inputs.push(root.join("schema.sql"));
        for p in &inputs {
            p.strip_prefix(root).unwrap_or(p).hash(&mut h);
            std::fs::read(p).unwrap_or_default().hash(&mut h);
        }
        println!("cargo:rerun-if-changed=src");
        println!("cargo:rerun-if-changed=schema.sql");
        println!("cargo:rustc-env=CODEFACTS_SOURCE_HASH={:016x}", h.finish());
    }
    // Every `queries/**/*.sql`, embedded.
    println!("cargo:rerun-if-changed=queries");
    let mut sql = Vec::new();
    files_under(&root.join("queries"), &mut sql);
    let mut code = String::from("pub static EMBEDDED: &[(&str, &str)] = &[\n");
    for p in sql
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
    {
        let f = p.to_string_lossy().replace('\\', "/");
        println!("cargo:rerun-if-changed={f}");
        let rel = p
            .strip_prefix(root)
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|_| f.clone());
        code.push_str(&format!("    ({rel:?}, include_str!({f:?})),\n"));
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("embedded_queries.rs");
    std::fs::write(out, code).unwrap();
}
