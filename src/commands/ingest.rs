//! `codefacts ingest ruff FILE.json`: Ruff's findings as facts (`findings`, source `ruff`).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::{EXIT_OK, Repo};
use crate::cli::{IngestArgs, IngestTool};
use crate::store::{FindingRow, Store};

pub fn run(args: IngestArgs) -> Result<ExitCode> {
    match args.tool {
        IngestTool::Ruff(a) => ruff(a),
    }
}

fn ruff(args: crate::cli::IngestRuffArgs) -> Result<ExitCode> {
    let shown = args.file.display().to_string();
    let bytes = if args.file.as_os_str() == "-" {
        let mut b = Vec::new();
        std::io::stdin()
            .read_to_end(&mut b)
            .context("cannot read standard input")?;
        b
    } else {
        std::fs::read(&args.file)
            .with_context(|| format!("cannot read {shown}: {}", io_cause(&args.file)))?
    };
    // Everything is read and checked before anything is written: a malformed file changes
    // nothing.
    let items = parse(&bytes).with_context(|| format!("{shown}: not Ruff's JSON output"))?;
    let repo = Repo::locate(args.path.as_deref(), &args.repo)?;
    if !args.no_index {
        repo.refresh(false, false, false)?;
    }
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let root = std::fs::canonicalize(&repo.config.root).unwrap_or(repo.config.root.clone());
    let mut rows = Vec::with_capacity(items.len());
    // Findings come many to a file: each filename is mapped to its repo path once.
    let mut paths: std::collections::HashMap<String, String> = Default::default();
    for (i, item) in items.iter().enumerate() {
        rows.push(
            row(item, &root, &cwd, &mut paths)
                .with_context(|| format!("{shown}: finding {}", i + 1))?,
        );
    }
    let (mut store, _) = Store::open(&repo.db)?;
    let writer = store.writer()?;
    let indexed: std::collections::HashSet<String> = writer.indexed_paths()?.into_iter().collect();
    let mut missing: Vec<&str> = rows
        .iter()
        .map(|r| r.path.as_str())
        .filter(|p| !indexed.contains(*p))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    let missing: Vec<String> = missing.into_iter().map(str::to_string).collect();
    super::fill_identities(&repo.config.root, &writer, &mut rows)?;
    writer.replace_findings("ruff", &rows)?;
    let mut codes: Vec<&str> = rows.iter().map(|r| r.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    writer.set_meta(
        "ruff_ingest",
        &serde_json::json!({
            "file": shown,
            "findings": rows.len(),
            "at": std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
        })
        .to_string(),
    )?;
    writer.commit()?;
    store.finish()?;
    if !missing.is_empty() {
        crate::warnln!(
            "{} of the ingested findings' files are not in the index (kept, and counted by \
             reports as Ruff's): {}{}",
            missing.len(),
            missing
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
            if missing.len() > 3 { ", ..." } else { "" }
        );
    }
    crate::errln!(
        "ingested {} Ruff finding{} ({} rule{}) from {shown}",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        codes.len(),
        if codes.len() == 1 { "" } else { "s" },
    );
    Ok(ExitCode::from(EXIT_OK))
}

fn io_cause(p: &Path) -> String {
    match std::fs::metadata(p) {
        Err(e) => crate::files::io_message(&e),
        Ok(_) => "unreadable".into(),
    }
}

/// A JSON array of findings (`--output-format json`), or one finding per line (`json-lines`).
fn parse(bytes: &[u8]) -> Result<Vec<Value>> {
    let text = std::str::from_utf8(bytes).context("not UTF-8")?;
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        let v: Value = serde_json::from_str(text).context("invalid JSON")?;
        return match v {
            Value::Array(items) => Ok(items),
            _ => bail!("expected a JSON array of findings"),
        };
    }
    if trimmed.is_empty() {
        bail!("empty input (Ruff writes `[]` when it finds nothing)");
    }
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            serde_json::from_str(l).with_context(|| format!("line {}: invalid JSON", n + 1))
        })
        .collect()
}

fn row(
    item: &Value,
    root: &Path,
    cwd: &Path,
    paths: &mut std::collections::HashMap<String, String>,
) -> Result<FindingRow> {
    let obj = item.as_object().context("not a JSON object")?;
    let text = |key: &str| -> Result<Option<String>> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => bail!("`{key}` is not a string"),
        }
    };
    let int = |key: &str| -> Result<Option<i64>> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .with_context(|| format!("`{key}` is not an integer")),
        }
    };
    let position = |key: &str| -> Result<(i64, i64)> {
        let p = obj
            .get(key)
            .and_then(Value::as_object)
            .with_context(|| format!("`{key}` is missing or not an object"))?;
        let get = |k: &str| {
            p.get(k)
                .and_then(Value::as_i64)
                .with_context(|| format!("`{key}.{k}` is missing or not an integer"))
        };
        Ok((get("row")?, get("column")?))
    };
    let filename = text("filename")?.context("`filename` is missing")?;
    let message = text("message")?.context("`message` is missing")?;
    let (line, col) = position("location")?;
    let (end_line, end_col) = position("end_location")?;
    let name = text("name")?;
    // Syntax errors: `invalid-syntax` in Ruff 0.17's output, a null code in older ones.
    let code = text("code")?.unwrap_or_else(|| "invalid-syntax".into());
    let fix = match obj.get("fix") {
        None | Some(Value::Null) => None,
        Some(f) => Some(f.to_string()),
    };
    Ok(FindingRow {
        path: match paths.get(&filename) {
            Some(p) => p.clone(),
            None => {
                let p = repo_path(&filename, root, cwd);
                paths.insert(filename, p.clone());
                p
            }
        },
        code,
        name,
        message,
        line,
        col,
        end_line,
        end_col,
        cell: int("cell")?,
        noqa_row: int("noqa_row")?,
        url: text("url")?,
        severity: text("severity")?,
        fix,
        scope: String::new(),
        anchor: String::new(),
    })
}

/// Ruff's filename as a repo-relative path (Ruff writes absolute paths); as written when it
/// lies outside the root.
fn repo_path(filename: &str, root: &Path, cwd: &Path) -> String {
    let abs = crate::files::normalize(cwd, Path::new(filename));
    let candidates: [Option<PathBuf>; 2] = [
        Some(abs.clone()),
        // Through links: the folder resolved, the name kept.
        abs.parent()
            .and_then(|d| std::fs::canonicalize(d).ok())
            .zip(abs.file_name())
            .map(|(d, n)| d.join(n)),
    ];
    for c in candidates.into_iter().flatten() {
        if let Some(rel) = crate::files::rel_path(root, &c) {
            return rel;
        }
    }
    filename.to_string()
}
