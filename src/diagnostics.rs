//! Findings and the output formats of `codefacts check`, compatible with Ruff's.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::Result;
use serde_json::json;

/// One finding of a rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// Repo-relative path.
    pub path: String,
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
    pub code: String,
    pub message: String,
    /// Ruff's rule name (`undefined-name`).
    pub name: String,
    /// The line a `# noqa` must be on to suppress it.
    pub noqa_row: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Concise,
    Full,
    Json,
    JsonLines,
    Github,
    Sarif,
    Junit,
}

fn url(name: &str) -> String {
    format!("https://docs.astral.sh/ruff/rules/{name}")
}

/// Syntax errors are not a rule: Ruff prints them as `invalid-syntax: message`, with no URL
/// and no `noqa_row`.
fn is_syntax(f: &Finding) -> bool {
    f.code == "invalid-syntax"
}

/// What stands before the message in text formats: `F401` or `invalid-syntax:`.
fn head(f: &Finding) -> String {
    if is_syntax(f) {
        format!("{}:", f.code)
    } else {
        f.code.clone()
    }
}

fn ruff_json(f: &Finding, root: &Path) -> serde_json::Value {
    json!({
        "cell": null,
        "code": f.code,
        "end_location": {"column": f.end_col, "row": f.end_line},
        "filename": root.join(&f.path).to_string_lossy(),
        "fix": null,
        "location": {"column": f.col, "row": f.line},
        "message": f.message,
        "name": f.name,
        "noqa_row": (f.noqa_row > 0).then_some(f.noqa_row),
        "severity": "error",
        "url": (!is_syntax(f)).then(|| url(&f.name)),
    })
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// How a text format names a file, as Ruff does: relative to the current folder when the file
/// is under it, else absolute.
pub fn shown_path(root: &Path, cwd: &Path, rel: &str) -> String {
    let abs = crate::files::from_rel(root, rel);
    match crate::files::rel_path(cwd, &abs) {
        Some(p) if !p.is_empty() => p,
        _ => format!("{}/{rel}", root.display()),
    }
}

/// Writes the findings (already sorted) in `format`. `source` gives a file's lines for `full`;
/// text formats name files relative to `cwd` ([`shown_path`]).
pub fn write(
    findings: &[Finding],
    format: OutputFormat,
    root: &Path,
    cwd: &Path,
    source: &dyn Fn(&str) -> Option<String>,
    out: &mut dyn Write,
) -> Result<()> {
    let shown = |rel: &str| shown_path(root, cwd, rel);
    match format {
        OutputFormat::Concise => {
            for f in findings {
                writeln!(
                    out,
                    "{}:{}:{}: {} {}",
                    shown(&f.path),
                    f.line,
                    f.col,
                    head(f),
                    f.message
                )?;
            }
            summary(findings.len(), out)?;
        }
        OutputFormat::Full => {
            let mut cache: BTreeMap<&str, Option<Vec<String>>> = BTreeMap::new();
            for f in findings {
                writeln!(out, "{} {}", head(f), f.message)?;
                let lines = cache.entry(&f.path).or_insert_with(|| {
                    source(&f.path).map(|t| t.lines().map(str::to_string).collect())
                });
                let Some(lines) = lines.as_ref().filter(|_| f.code != "E902") else {
                    // Nothing to show (an unreadable file): only where, as Ruff prints it.
                    writeln!(out, "--> {}:{}:{}", shown(&f.path), f.line, f.col)?;
                    writeln!(out)?;
                    continue;
                };
                writeln!(out, " --> {}:{}:{}", shown(&f.path), f.line, f.col)?;
                {
                    let width = (f.end_line.max(f.line)).to_string().len();
                    let first = f.line.saturating_sub(1).max(1);
                    let last = (f.line + 1).min(lines.len() as u32);
                    writeln!(out, "{:width$} |", "")?;
                    for n in first..=last {
                        let text = lines.get(n as usize - 1).map(String::as_str).unwrap_or("");
                        writeln!(out, "{n:>width$} | {text}")?;
                        if n == f.line {
                            let start = f.col.saturating_sub(1) as usize;
                            let len = if f.end_line == f.line {
                                (f.end_col.saturating_sub(f.col)).max(1) as usize
                            } else {
                                text.chars().count().saturating_sub(start).max(1)
                            };
                            writeln!(
                                out,
                                "{:width$} | {}{}",
                                "",
                                " ".repeat(start),
                                "^".repeat(len)
                            )?;
                        }
                    }
                    writeln!(out, "{:width$} |", "")?;
                }
                writeln!(out)?;
            }
            summary(findings.len(), out)?;
        }
        OutputFormat::Json => {
            let arr: Vec<serde_json::Value> = findings.iter().map(|f| ruff_json(f, root)).collect();
            serde_json::to_writer_pretty(&mut *out, &arr)?;
            writeln!(out)?;
        }
        OutputFormat::JsonLines => {
            for f in findings {
                serde_json::to_writer(&mut *out, &ruff_json(f, root))?;
                writeln!(out)?;
            }
        }
        OutputFormat::Github => {
            for f in findings {
                writeln!(
                    out,
                    "::error title=codefacts ({}),file={},line={},col={},endLine={},endColumn={}::{}:{}:{}: {} {}",
                    f.code,
                    root.join(&f.path).display(),
                    f.line,
                    f.col,
                    f.end_line,
                    f.end_col,
                    shown(&f.path),
                    f.line,
                    f.col,
                    head(f),
                    f.message
                )?;
            }
        }
        OutputFormat::Sarif => {
            let mut rules: BTreeMap<&str, &str> = BTreeMap::new();
            for f in findings {
                rules.insert(&f.code, &f.name);
            }
            let rules: Vec<serde_json::Value> = rules
                .iter()
                .map(|(code, name)| {
                    json!({
                        "id": code,
                        "name": name,
                        "helpUri": url(name),
                        "shortDescription": {"text": name},
                        "properties": {"id": code, "kind": "pyflakes"}
                    })
                })
                .collect();
            let results: Vec<serde_json::Value> = findings
                .iter()
                .map(|f| {
                    json!({
                        "ruleId": f.code,
                        "level": "error",
                        "message": {"text": f.message},
                        "locations": [{
                            "physicalLocation": {
                                "artifactLocation": {"uri": file_uri(&root.join(&f.path))},
                                "region": {
                                    "startLine": f.line,
                                    "startColumn": f.col,
                                    "endLine": f.end_line,
                                    "endColumn": f.end_col
                                }
                            }
                        }]
                    })
                })
                .collect();
            let doc = json!({
                "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
                "version": "2.1.0",
                "runs": [{
                    "tool": {"driver": {
                        "name": "codefacts",
                        "informationUri": "https://github.com/codefacts/codefacts",
                        "version": env!("CARGO_PKG_VERSION"),
                        "rules": rules
                    }},
                    "results": results
                }]
            });
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)?;
        }
        OutputFormat::Junit => {
            let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
            for f in findings {
                by_file.entry(&f.path).or_default().push(f);
            }
            writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
            writeln!(
                out,
                r#"<testsuites name="codefacts" tests="{0}" failures="{0}" errors="0">"#,
                findings.len()
            )?;
            for (path, fs) in by_file {
                writeln!(
                    out,
                    r#"  <testsuite name="{}" tests="{}" disabled="0" errors="0" failures="{}" package="org.codefacts">"#,
                    xml_escape(&shown(path)),
                    fs.len(),
                    fs.len()
                )?;
                for f in fs {
                    writeln!(
                        out,
                        r#"    <testcase name="org.codefacts.{}" classname="{}" line="{}" column="{}">"#,
                        xml_escape(&f.code),
                        xml_escape(&shown(&f.path).trim_end_matches(".py").replace('/', ".")),
                        f.line,
                        f.col
                    )?;
                    writeln!(
                        out,
                        r#"      <failure message="{}">line {}, col {}, {}</failure>"#,
                        xml_escape(&f.message),
                        f.line,
                        f.col,
                        xml_escape(&f.message)
                    )?;
                    writeln!(out, "    </testcase>")?;
                }
                writeln!(out, "  </testsuite>")?;
            }
            writeln!(out, "</testsuites>")?;
        }
    }
    Ok(())
}

fn summary(n: usize, out: &mut dyn Write) -> Result<()> {
    if n == 0 {
        writeln!(out, "All checks passed!")?;
    } else {
        writeln!(out, "Found {n} error{}.", if n == 1 { "" } else { "s" })?;
    }
    Ok(())
}

fn file_uri(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !s.starts_with('/') {
        out.push('/');
    }
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `--statistics`: count per code, most frequent first, as Ruff prints it.
pub fn write_statistics(findings: &[Finding], json: bool, out: &mut dyn Write) -> Result<()> {
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for f in findings {
        *counts.entry((&f.code, &f.name)).or_default() += 1;
    }
    let mut rows: Vec<((&str, &str), usize)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    if json {
        let v: Vec<serde_json::Value> = rows
            .iter()
            .map(|((code, name), n)| {
                // Ruff counts syntax errors under their name, with no code.
                let code = (*code != "invalid-syntax").then_some(*code);
                json!({"code": code, "name": name, "count": n, "fixable": false})
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &v)?;
        writeln!(out)?;
    } else {
        let width = rows
            .iter()
            .map(|(_, n)| n.to_string().len())
            .max()
            .unwrap_or(1);
        let shown = |c: &str| if c == "invalid-syntax" { 0 } else { c.len() };
        let cw = rows.iter().map(|((c, _), _)| shown(c)).max().unwrap_or(4);
        for ((code, name), n) in rows {
            let code = if code == "invalid-syntax" { "" } else { code };
            // No rule of ours has a fix yet: the fixable column is always `[ ]`.
            writeln!(out, "{n:>width$}\t{code:<cw$}\t[ ] {name}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Finding> {
        vec![Finding {
            path: "pkg/a.py".into(),
            line: 3,
            col: 5,
            end_line: 3,
            end_col: 8,
            code: "F821".into(),
            message: "Undefined name `foo`".into(),
            name: "undefined-name".into(),
            noqa_row: 3,
        }]
    }

    fn render(format: OutputFormat) -> String {
        let mut buf = Vec::new();
        let src = |_: &str| Some("a = 1\nb = 2\nc = foo\n".to_string());
        write(
            &sample(),
            format,
            Path::new("/repo"),
            Path::new("/repo"),
            &src,
            &mut buf,
        )
        .unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn json_has_ruffs_fields() {
        let v: serde_json::Value = serde_json::from_str(&render(OutputFormat::Json)).unwrap();
        let o = &v[0];
        for key in [
            "cell",
            "code",
            "end_location",
            "filename",
            "fix",
            "location",
            "message",
            "name",
            "noqa_row",
            "severity",
            "url",
        ] {
            assert!(o.get(key).is_some(), "missing {key}");
        }
        assert_eq!(o["filename"], "/repo/pkg/a.py");
        assert_eq!(o["location"]["row"], 3);
        assert_eq!(o["location"]["column"], 5);
    }

    #[test]
    fn text_formats() {
        assert_eq!(
            render(OutputFormat::Concise),
            "pkg/a.py:3:5: F821 Undefined name `foo`\nFound 1 error.\n"
        );
        assert!(render(OutputFormat::Full).contains("3 | c = foo\n  |     ^^^\n"));
        assert!(render(OutputFormat::Github).starts_with("::error title=codefacts (F821),file=/repo/pkg/a.py,line=3,col=5,endLine=3,endColumn=8::"));
        let lines = render(OutputFormat::JsonLines);
        assert_eq!(lines.lines().count(), 1);
        let junit = render(OutputFormat::Junit);
        assert!(junit.contains(
            r#"<testcase name="org.codefacts.F821" classname="pkg.a" line="3" column="5">"#
        ));
    }

    #[test]
    fn syntax_errors_print_as_ruff_prints_them() {
        let f = Finding {
            path: "pkg/bad.py".into(),
            line: 1,
            col: 12,
            end_line: 1,
            end_col: 13,
            code: "invalid-syntax".into(),
            message: "Expected `)`".into(),
            name: "invalid-syntax".into(),
            noqa_row: 0,
        };
        let mut buf = Vec::new();
        let src = |_: &str| Some("def broken(:\n    pass\n".to_string());
        write(
            std::slice::from_ref(&f),
            OutputFormat::Concise,
            Path::new("/r"),
            Path::new("/r"),
            &src,
            &mut buf,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "pkg/bad.py:1:12: invalid-syntax: Expected `)`\nFound 1 error.\n"
        );
        let v = ruff_json(&f, Path::new("/r"));
        assert_eq!(v["code"], "invalid-syntax");
        assert!(v["url"].is_null() && v["noqa_row"].is_null());
    }

    #[test]
    fn sarif_is_2_1_0() {
        let v: serde_json::Value = serde_json::from_str(&render(OutputFormat::Sarif)).unwrap();
        assert_eq!(v["version"], "2.1.0");
        let r = &v["runs"][0]["results"][0];
        assert_eq!(r["ruleId"], "F821");
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "file:///repo/pkg/a.py"
        );
        assert_eq!(v["runs"][0]["tool"]["driver"]["rules"][0]["id"], "F821");
    }
}
