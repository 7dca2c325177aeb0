//! `codefacts ratchet`: lint debt may only go down (docs/ratchet.md).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Repo};
use crate::cli::{RatchetArgs, RatchetBy};
use crate::ratchet::{self, Baseline, Current};
use crate::store::{QueryResult, Store, Value};

pub const DEFAULT_BASELINE: &str = "codefacts-baseline.json";

fn text(v: &Value) -> String {
    match v {
        Value::Text(s) => s.clone(),
        Value::Integer(i) => i.to_string(),
        _ => String::new(),
    }
}

fn int(v: &Value) -> i64 {
    match v {
        Value::Integer(i) => *i,
        _ => 0,
    }
}

pub fn run(args: RatchetArgs) -> Result<ExitCode> {
    let repo = Repo::locate(args.path.as_deref(), &args.repo)?;
    for code in &args.track {
        let known =
            code == "invalid-syntax" || crate::ruff_rules::rules().iter().any(|r| r.code == code);
        if !known {
            bail!("--track {code}: not a rule code Ruff 0.17.6 knows (e.g. F821, E501)");
        }
    }
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let path: PathBuf = match &args.baseline {
        Some(p) => crate::files::normalize(&cwd, p),
        None => repo.baseline_path(),
    };
    if args.since.is_some() {
        super::since::refuse_no_index(args.no_index)?;
    }
    if !args.no_index {
        repo.refresh(false, true, true)?;
    }
    repo.refresh_findings(!args.no_index)?;
    let store = Store::open_read_only(&repo.db)?;
    let current = current_findings(&store)?;
    let root = &repo.config.root;
    if let Some(rev) = &args.since {
        return since(&repo, &store, &args, rev, current);
    }

    if args.init || args.update {
        if args.init && path.exists() {
            bail!(
                "{} already exists: `codefacts ratchet --update` rewrites it",
                path.display()
            );
        }
        let tracked = if args.track.is_empty() && args.update {
            // --update keeps what the baseline tracked.
            read_baseline(&path).map(|b| b.tracked).unwrap_or_default()
        } else {
            args.track.clone()
        };
        let b = Baseline::of(&current, &tracked, crate::git::head(root));
        write_atomically(&path, &b.to_text())?;
        let n: usize = b
            .files
            .values()
            .flat_map(|r| r.values())
            .map(|e| e.count)
            .sum();
        crate::errln!(
            "ratchet: wrote {} with {n} finding{} in {} file{}{}",
            path.display(),
            if n == 1 { "" } else { "s" },
            b.files.len(),
            if b.files.len() == 1 { "" } else { "s" },
            if tracked.is_empty() {
                String::new()
            } else {
                format!(" (tracking {})", tracked.join(", "))
            }
        );
        return Ok(ExitCode::from(EXIT_OK));
    }

    let baseline = match std::fs::read_to_string(&path) {
        Ok(t) => Baseline::parse(&t).with_context(|| {
            format!(
                "{} is not a codefacts baseline; `codefacts ratchet --update` rewrites it",
                path.display()
            )
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            crate::errln!(
                "codefacts: error: no baseline at {}: create it with `codefacts ratchet --init` \
                 (and commit it)",
                path.display()
            );
            return Ok(ExitCode::from(EXIT_ERROR));
        }
        Err(e) => {
            bail!(
                "cannot read {}: {}",
                path.display(),
                crate::files::io_message(&e)
            )
        }
    };
    let tracked = if args.track.is_empty() {
        baseline.tracked.clone()
    } else {
        args.track.clone()
    };
    // Renames since the baseline's commit, when its files are gone from the index.
    let indexed: std::collections::HashSet<String> =
        column(&store, "SELECT path FROM files ORDER BY path")?
            .into_iter()
            .collect();
    let renames = match &baseline.commit {
        Some(c) if baseline.files.keys().any(|p| !indexed.contains(p)) => {
            crate::git::renames_since(root, c).unwrap_or_default()
        }
        _ => BTreeMap::new(),
    };
    let cmp = ratchet::compare(&current, &baseline, &tracked, &renames);

    // The table: baseline and current counts per key, and the new findings under each.
    let key_of = keyer(&store, args.by)?;
    let mut table: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    for (p, rules) in &baseline.files {
        let p = renames.get(p).unwrap_or(p);
        for (code, e) in rules {
            if ratchet::is_tracked(&tracked, code) {
                table.entry(key_of(p, code)).or_default().0 += e.count as i64;
            }
        }
    }
    for f in current
        .iter()
        .filter(|f| ratchet::is_tracked(&tracked, &f.code))
    {
        table.entry(key_of(&f.path, &f.code)).or_default().1 += 1;
    }
    for i in &cmp.new {
        let f = &current[*i];
        table.entry(key_of(&f.path, &f.code)).or_default().2 += 1;
    }
    let result = counts_table(&table, args.by, "baseline");
    let mut out = super::output(None)?;
    if !result.rows.is_empty() {
        crate::render::render(&result, args.format, &mut out)?;
    }
    for i in &cmp.new {
        let f = &current[*i];
        writeln!(
            out,
            "new: {}:{}:{}: {} {}{}",
            f.path,
            f.line,
            f.col,
            f.code,
            f.message,
            if f.source == "ruff" { " (ruff)" } else { "" }
        )?;
    }
    out.flush()?;
    drop(out);

    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false");
    if !cmp.new.is_empty() {
        let rose: Vec<String> = table
            .iter()
            .filter(|(_, (_, _, n))| *n > 0)
            .map(|(k, (_, _, n))| format!("{k} +{n}"))
            .collect();
        crate::errln!(
            "ratchet: {} new finding{} ({}): fix {}, or accept {} with `codefacts ratchet \
             --update`",
            cmp.new.len(),
            if cmp.new.len() == 1 { "" } else { "s" },
            rose.join(", "),
            if cmp.new.len() == 1 { "it" } else { "them" },
            if cmp.new.len() == 1 { "it" } else { "them" },
        );
        return Ok(ExitCode::from(EXIT_FINDINGS));
    }
    if !cmp.fixed.is_empty() {
        if args.locked || ci {
            crate::errln!(
                "ratchet: the baseline is stale: {} finding{} fixed since it was written; run \
                 `codefacts ratchet` locally (it tightens the baseline) and commit {}",
                cmp.fixed.len(),
                if cmp.fixed.len() == 1 { "" } else { "s" },
                path.display()
            );
            return Ok(ExitCode::from(EXIT_FINDINGS));
        }
        let b = Baseline::of(&current, &tracked, crate::git::head(root));
        write_atomically(&path, &b.to_text())?;
        crate::errln!(
            "ratchet: {} finding{} fixed: tightened {} (commit it)",
            cmp.fixed.len(),
            if cmp.fixed.len() == 1 { "" } else { "s" },
            path.display()
        );
        return Ok(ExitCode::from(EXIT_OK));
    }
    crate::errln!(
        "ratchet: no new findings{}",
        if cmp.moved > 0 {
            format!(" ({} moved with their code)", cmp.moved)
        } else {
            String::new()
        }
    );
    Ok(ExitCode::from(EXIT_OK))
}

use std::io::Write as _;

/// The ratchet's table: per key, the count before (`before`: "baseline" or "base"), the
/// current count, the delta and the new findings; only keys where something moved.
fn counts_table(
    table: &BTreeMap<String, (i64, i64, i64)>,
    by: RatchetBy,
    before: &str,
) -> QueryResult {
    let rows: Vec<Vec<Value>> = table
        .iter()
        .filter(|(_, (b, c, n))| b != c || *n > 0)
        .map(|(k, (b, c, n))| {
            vec![
                Value::Text(k.clone()),
                Value::Integer(*b),
                Value::Integer(*c),
                Value::Text(format!("{:+}", c - b)),
                Value::Integer(*n),
            ]
        })
        .collect();
    let key_name = match by {
        RatchetBy::File => "file",
        RatchetBy::Owner => "owner",
        RatchetBy::Lane => "lane",
        RatchetBy::Code => "code",
    };
    QueryResult {
        columns: vec![
            key_name.into(),
            before.into(),
            "current".into(),
            "delta".into(),
            "new".into(),
        ],
        rows,
    }
}

/// `ratchet --since REV`: the findings at the merge base of REV and HEAD are the baseline
/// (codefacts' own; ingested Ruff findings have no base to compare with); nothing is written.
fn since(
    repo: &Repo,
    store: &Store,
    args: &RatchetArgs,
    rev: &str,
    current: Vec<Current>,
) -> Result<ExitCode> {
    let layer = crate::config::SelectionLayer {
        from: "the report".into(),
        select: None,
        extend_select: Vec::new(),
        ignore: Vec::new(),
    };
    let base = super::since::base_findings(repo, rev, &layer)?;
    // The stored findings carry their anchors everywhere; `new_since` reads them only in the
    // files that changed.
    let current: Vec<Current> = current
        .into_iter()
        .filter(|f| f.source == "codefacts")
        .collect();
    let tracked = args.track.clone();
    let (new, gone) = super::since::new_since(&current, &base, &tracked);
    let key_of = keyer(store, args.by)?;
    let mut table: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    for f in base
        .findings
        .iter()
        .filter(|f| ratchet::is_tracked(&tracked, &f.code))
    {
        let p = base.renames.get(&f.path).unwrap_or(&f.path);
        table.entry(key_of(p, &f.code)).or_default().0 += 1;
    }
    for f in current
        .iter()
        .filter(|f| ratchet::is_tracked(&tracked, &f.code))
    {
        table.entry(key_of(&f.path, &f.code)).or_default().1 += 1;
    }
    for i in &new {
        let f = &current[*i];
        table.entry(key_of(&f.path, &f.code)).or_default().2 += 1;
    }
    let result = counts_table(&table, args.by, "base");
    let mut out = super::output(None)?;
    if !result.rows.is_empty() {
        crate::render::render(&result, args.format, &mut out)?;
    }
    for i in &new {
        let f = &current[*i];
        writeln!(
            out,
            "new: {}:{}:{}: {} {}",
            f.path, f.line, f.col, f.code, f.message
        )?;
    }
    out.flush()?;
    drop(out);
    let at = format!(
        "{} (the merge base of {rev} and HEAD)",
        super::since::short(&base.commit)
    );
    if !new.is_empty() {
        crate::errln!(
            "ratchet: {} finding{} new since {at}; {gone} of its findings are gone",
            new.len(),
            if new.len() == 1 { "" } else { "s" },
        );
        return Ok(ExitCode::from(EXIT_FINDINGS));
    }
    crate::errln!("ratchet: no new findings since {at}; {gone} of its findings are gone");
    Ok(ExitCode::from(EXIT_OK))
}

fn read_baseline(path: &std::path::Path) -> Option<Baseline> {
    Baseline::parse(&std::fs::read_to_string(path).ok()?).ok()
}

/// The current findings in source order, with their identities.
fn current_findings(store: &Store) -> Result<Vec<Current>> {
    let r = store.query(
        "SELECT code, path, scope, anchor, line, col, message, source FROM all_findings \
         ORDER BY path, line, col, code, message",
    )?;
    Ok(r.rows
        .iter()
        .map(|row| Current {
            code: text(&row[0]),
            path: text(&row[1]),
            anchor: ratchet::identity(&text(&row[2]), &text(&row[3])),
            line: int(&row[4]),
            col: int(&row[5]),
            message: text(&row[6]),
            source: text(&row[7]),
        })
        .collect())
}

fn column(store: &Store, sql: &str) -> Result<Vec<String>> {
    Ok(store.query(sql)?.rows.iter().map(|r| text(&r[0])).collect())
}

/// The table's key of a finding: its file, owner, lane or rule.
/// (path, rule) -> the table's key.
type Keyer = Box<dyn Fn(&str, &str) -> String>;

fn keyer(store: &Store, by: RatchetBy) -> Result<Keyer> {
    let lookup = |sql: &str| -> Result<HashMap<String, String>> {
        Ok(store
            .query(sql)?
            .rows
            .iter()
            .map(|r| (text(&r[0]), text(&r[1])))
            .collect())
    };
    Ok(match by {
        RatchetBy::File => Box::new(|p: &str, _: &str| p.to_string()),
        RatchetBy::Code => Box::new(|_: &str, c: &str| c.to_string()),
        RatchetBy::Owner => {
            let m = lookup(
                "SELECT f.path, o.owner FROM files f JOIN file_owners o USING (file_id) ORDER BY 1",
            )?;
            Box::new(move |p: &str, _: &str| {
                m.get(p).cloned().unwrap_or_else(|| "(not indexed)".into())
            })
        }
        RatchetBy::Lane => {
            let m = lookup("SELECT path, lane FROM files ORDER BY 1")?;
            Box::new(move |p: &str, _: &str| {
                m.get(p).cloned().unwrap_or_else(|| "(not indexed)".into())
            })
        }
    })
}

/// Writes `text` to `path` through a temporary file beside it and a rename.
fn write_atomically(path: &std::path::Path, text: &str) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
        std::process::id()
    ));
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write {}", path.display())
    })?;
    Ok(())
}
