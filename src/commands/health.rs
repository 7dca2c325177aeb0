//! `codefacts health`: the state of the lint debt, and its trend over recorded snapshots.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use serde_json::{Value as Json, json};

use super::{EXIT_OK, Repo};
use crate::cli::HealthArgs;
use crate::store::{QueryResult, Store, Value};

/// The default history file, beside the database but not part of it: a rebuilt database
/// (a schema change) leaves it alone.
pub const DEFAULT_HISTORY: &str = ".codefacts/history.jsonl";

fn fragment(name: &str) -> Result<&'static str> {
    crate::queries::fragment(name).with_context(|| format!("the query {name} is not embedded"))
}

fn to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Integer(i) => (*i).into(),
        Value::Real(f) => json!(f),
        Value::Text(s) => s.clone().into(),
        Value::Blob(_) => Json::Null,
    }
}

fn rows(r: &QueryResult) -> Vec<Json> {
    r.rows
        .iter()
        .map(|row| {
            let o: serde_json::Map<String, Json> = r
                .columns
                .iter()
                .zip(row)
                .map(|(c, v)| (c.clone(), to_json(v)))
                .collect();
            o.into()
        })
        .collect()
}

/// Days since 1970-01-01 as (year, month, day) (Howard Hinnant's civil-from-days).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let (y, m, d) = civil(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

pub fn run(args: HealthArgs) -> Result<ExitCode> {
    let repo = Repo::locate(args.path.as_deref(), &args.repo)?;
    let root = repo.config.root.clone();
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let history: PathBuf = match (&args.history, &repo.config.history) {
        (Some(p), _) => crate::files::normalize(&cwd, p),
        (None, Some(p)) => root.join(p),
        (None, None) => root.join(DEFAULT_HISTORY),
    };
    if !args.no_index {
        repo.refresh(false, true, true)?;
    }
    repo.refresh_findings(!args.no_index)?;
    let store = Store::open_read_only(&repo.db)?;
    let summary = store.query(fragment("_health_summary.sql")?)?;
    let summary = rows(&summary).into_iter().next().unwrap_or(Json::Null);
    let rules = store.query(fragment("_health_rules.sql")?)?;
    let lanes_report = crate::queries::find("lanes").context("the lanes report")?;
    let lanes = store.query(lanes_report.sql)?;
    let files = store.query(fragment("_health_files.sql")?)?;
    let owners = store.query(fragment("_health_owners.sql")?)?;
    // F821 that `import-suggestions` can fix with confidence >= 0.9 (98% right, measured).
    let suggest = crate::queries::find("import-suggestions").context("the suggestions report")?;
    let confident = store
        .query_with(
            suggest.sql,
            &[("min_confidence".to_string(), "0.9".to_string())],
        )?
        .rows
        .len();

    let by_code: serde_json::Map<String, Json> = rules
        .rows
        .iter()
        .map(|r| (text(&r[0]), to_json(&r[2])))
        .collect();
    let by_lane: serde_json::Map<String, Json> = rows(&lanes)
        .into_iter()
        .map(|l| {
            (
                l["lane"].as_str().unwrap_or("").to_string(),
                l["findings"].clone(),
            )
        })
        .collect();
    let snapshot = json!({
        "date": now_utc(),
        "commit": crate::git::head(&root),
        "codefacts": env!("CARGO_PKG_VERSION"),
        "findings": summary["findings"],
        "files_with_findings": summary["files_with_findings"],
        "syntax_errors": summary["syntax_errors"],
        "relative_imports": summary["relative_imports"],
        "cycles": summary["cycles"],
        "breaker_imports": summary["breaker_imports"],
        "by_code": by_code,
        "by_lane": by_lane,
        "f821_with_confident_suggestion": confident,
    });
    let past = read_history(&history)?;
    let previous = past.last().cloned();
    let report = json!({
        "snapshot": snapshot,
        "summary": summary,
        "rules": rows(&rules),
        "lanes": rows(&lanes),
        "top_files": rows(&files),
        "top_owners": rows(&owners),
        "previous": previous,
    });
    let md = markdown(&report, &past);
    if let Some(p) = &args.out_json {
        write_file(p, &(serde_json::to_string_pretty(&report)? + "\n"))?;
    }
    if let Some(p) = &args.out_md {
        write_file(p, &md)?;
    }
    if args.out_json.is_none() && args.out_md.is_none() {
        let mut out = super::output(None)?;
        out.write_all(md.as_bytes())?;
        out.flush()?;
    }
    if args.record {
        if let Some(dir) = history.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&history)
            .with_context(|| format!("cannot write {}", history.display()))?;
        writeln!(f, "{}", serde_json::to_string(&snapshot)?)
            .with_context(|| format!("cannot write {}", history.display()))?;
        crate::errln!(
            "health: recorded snapshot {} in {}",
            past.len() + 1,
            history.display()
        );
    }
    Ok(ExitCode::from(EXIT_OK))
}

fn text(v: &Value) -> String {
    match v {
        Value::Text(s) => s.clone(),
        Value::Integer(i) => i.to_string(),
        _ => String::new(),
    }
}

fn write_file(p: &std::path::Path, text: &str) -> Result<()> {
    if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display()))
}

/// The recorded snapshots, oldest first. A line that is not JSON is skipped with a warning
/// naming it (a hand edit must not lose the rest).
fn read_history(path: &std::path::Path) -> Result<Vec<Json>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => anyhow::bail!(
            "cannot read {}: {}",
            path.display(),
            crate::files::io_message(&e)
        ),
    };
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Json>(line) {
            Ok(v) if v.is_object() => out.push(v),
            _ => crate::warnln!(
                "{}:{}: not a health snapshot, skipped",
                path.display(),
                i + 1
            ),
        }
    }
    Ok(out)
}

fn n(v: &Json) -> i64 {
    v.as_i64().unwrap_or(0)
}

fn delta(now: i64, before: Option<i64>) -> String {
    match before {
        Some(b) if now != b => format!("{:+}", now - b),
        Some(_) => "0".into(),
        None => String::new(),
    }
}

fn count(k: i64, what: &str) -> String {
    format!("{k} {what}{}", if k == 1 { "" } else { "s" })
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn markdown(report: &Json, past: &[Json]) -> String {
    let s = &report["snapshot"];
    let prev = report["previous"].as_object();
    let prev_num = |key: &str| prev.and_then(|p| p.get(key)).and_then(Json::as_i64);
    let mut md = String::new();
    let commit = s["commit"]
        .as_str()
        .map(|c| format!(", commit `{}`", &c[..c.len().min(10)]))
        .unwrap_or_default();
    md.push_str(&format!(
        "# Health report\n\n{}{commit}, codefacts {}",
        s["date"].as_str().unwrap_or(""),
        s["codefacts"].as_str().unwrap_or("")
    ));
    if let Some(p) = prev {
        md.push_str(&format!(
            "; compared with the snapshot of {}",
            p.get("date").and_then(Json::as_str).unwrap_or("?")
        ));
    }
    md.push_str(".\n\n");
    let total = n(&s["findings"]);
    md.push_str(&format!(
        "**{}** in {} of {} files{}; {}; {}; {} (largest {} modules, {} to change to break \
         them all).\n",
        count(total, "finding"),
        n(&s["files_with_findings"]),
        n(&report["summary"]["files"]),
        match prev_num("findings") {
            Some(b) => format!(" ({} since the last snapshot)", delta(total, Some(b))),
            None => String::new(),
        },
        count(n(&s["syntax_errors"]), "syntax error"),
        count(n(&s["relative_imports"]), "relative import"),
        count(n(&s["cycles"]), "import cycle"),
        n(&report["summary"]["largest_cycle"]),
        count(n(&s["breaker_imports"]), "import"),
    ));
    if n(&report["summary"]["ruff_ingested"]) == 0 {
        md.push_str(
            "\nOnly the rules codefacts implements are counted: `codefacts ingest ruff` Ruff's \
             JSON output to count every rule.\n",
        );
    }
    let prev_lane = |lane: &str| {
        prev.and_then(|p| p.get("by_lane"))
            .and_then(|m| m.get(lane))
            .and_then(Json::as_i64)
    };
    md.push_str("\n## Lanes (strict first)\n\n| lane | mode | files | files that do not parse | findings | change | by rule |\n|---|---|---|---|---|---|---|\n");
    for l in report["lanes"].as_array().into_iter().flatten() {
        let lane = l["lane"].as_str().unwrap_or("");
        let strict = l["mode"] == "strict";
        let f = n(&l["findings"]);
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            if strict {
                format!("**{}**", md_cell(lane))
            } else {
                md_cell(lane)
            },
            l["mode"].as_str().unwrap_or(""),
            n(&l["files"]),
            n(&l["syntax_error_files"]),
            f,
            delta(f, prev_lane(lane)),
            md_cell(l["by_rule"].as_str().unwrap_or("")),
        ));
        if let Some(e) = l["first_syntax_error"].as_str() {
            md.push_str(&format!("| | | | first: `{}` | | | |\n", md_cell(e)));
        }
    }
    let prev_code = |code: &str| {
        prev.and_then(|p| p.get("by_code"))
            .and_then(|m| m.get(code))
            .and_then(Json::as_i64)
    };
    md.push_str(
        "\n## Rules\n\n| rule | name | findings | change | files |\n|---|---|---|---|---|\n",
    );
    for r in report["rules"].as_array().into_iter().flatten() {
        let code = r["code"].as_str().unwrap_or("");
        let f = n(&r["findings"]);
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            md_cell(code),
            md_cell(r["name"].as_str().unwrap_or("")),
            f,
            delta(f, prev_code(code)),
            n(&r["files"])
        ));
    }
    // Rules that are gone since the last snapshot.
    if let Some(old) = prev
        .and_then(|p| p.get("by_code"))
        .and_then(Json::as_object)
    {
        for (code, v) in old {
            if s["by_code"].get(code).is_none() {
                md.push_str(&format!("| {} | | 0 | -{} | 0 |\n", md_cell(code), n(v)));
            }
        }
    }
    md.push_str("\n## Top offenders\n\n| file | owner | findings |\n|---|---|---|\n");
    for f in report["top_files"].as_array().into_iter().flatten() {
        md.push_str(&format!(
            "| {} | {} | {} |\n",
            md_cell(f["path"].as_str().unwrap_or("")),
            md_cell(f["owner"].as_str().unwrap_or("")),
            n(&f["findings"])
        ));
    }
    md.push_str("\n| owner | findings | files |\n|---|---|---|\n");
    for o in report["top_owners"].as_array().into_iter().flatten() {
        md.push_str(&format!(
            "| {} | {} | {} |\n",
            md_cell(o["owner"].as_str().unwrap_or("")),
            n(&o["findings"]),
            n(&o["files"])
        ));
    }
    md.push_str(&format!(
        "\nUndefined names (F821) with an import suggestion of confidence 0.9 or more: {} \
         (`codefacts report import-suggestions -p min_confidence=0.9`).\n",
        n(&s["f821_with_confident_suggestion"])
    ));
    // The trend: every recorded snapshot, and this one.
    let mut points: Vec<(String, i64)> = past
        .iter()
        .map(|p| {
            (
                p["date"].as_str().unwrap_or("?").chars().take(10).collect(),
                n(&p["findings"]),
            )
        })
        .collect();
    points.push(("now".into(), total));
    md.push_str("\n## Trend\n\n");
    if points.len() < 2 {
        md.push_str(
            "No snapshot recorded yet: `codefacts health --record` appends one to the history.\n",
        );
    } else {
        let labels: Vec<String> = points.iter().map(|(d, _)| format!("\"{d}\"")).collect();
        let values: Vec<String> = points.iter().map(|(_, v)| v.to_string()).collect();
        let max = points.iter().map(|p| p.1).max().unwrap_or(0).max(1);
        md.push_str(&format!(
            "```mermaid\nxychart-beta\n    title \"Findings per snapshot\"\n    x-axis [{}]\n    \
             y-axis \"findings\" 0 --> {}\n    line [{}]\n```\n",
            labels.join(", "),
            max + max / 10,
            values.join(", ")
        ));
    }
    md
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil(0), (1970, 1, 1));
        assert_eq!(super::civil(20_788), (2026, 12, 1));
        assert_eq!(super::civil(11_016), (2000, 2, 29));
    }
}
