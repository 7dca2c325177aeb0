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
    /// The line a `# noqa` must be on to suppress it (0: none can).
    pub noqa_row: u32,
    /// Ruff's fix title (`Remove unused import: `os``), shown as `help:` in text formats.
    pub help: Option<String>,
    /// The `full` format's label under the range (F811: `` `x` redefined here ``); the
    /// message's tail after `: ` when the header shows the rest.
    pub label: Option<String>,
    /// A second range the `full` format marks with `-` and its label (F811: the previous
    /// definition): line, col, end line, end col, label.
    pub previous: Option<(u32, u32, u32, u32, String)>,
    /// In a notebook: the cell, and the lines are the cell's (see [`NotebookCell`]).
    pub cell: Option<NotebookCell>,
    /// Ruff's `fix` object (`applicability`, `edits`, `message`) in JSON output, when a fix of
    /// ours applies (`fix relative-imports` for TID252).
    /// (Serialized JSON, so findings stay `Ord`.)
    pub fix: Option<String>,
}

/// Where a notebook finding sits: Ruff names it `nb.ipynb:cell N:row:col`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct NotebookCell {
    /// 1-based among all the notebook's cells.
    pub number: u32,
    /// The line of the analysed text where the cell starts, and its number of lines.
    pub first_line: u32,
    pub lines: u32,
}

impl Finding {
    /// `path:` plus `cell N:` for a notebook.
    fn place(&self, shown: &str) -> String {
        match self.cell {
            Some(c) => format!("{shown}:cell {}", c.number),
            None => shown.to_string(),
        }
    }
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

/// Ruff's documentation page of a rule.
pub fn url(name: &str) -> String {
    format!("https://docs.astral.sh/ruff/rules/{name}")
}

/// Syntax errors are not a rule: Ruff prints them as `invalid-syntax: message`, with no URL
/// and no `noqa_row`.
pub fn is_syntax(f: &Finding) -> bool {
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
        "cell": f.cell.map(|c| c.number),
        "code": f.code,
        "end_location": {"column": f.end_col, "row": f.end_line},
        "filename": root.join(&f.path).to_string_lossy(),
        "fix": f.fix.as_deref().and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok()),
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

/// What a rule's query header says, for SARIF's rule descriptions.
#[derive(Debug, Clone, Default)]
pub struct RuleInfo {
    /// `@name`: the rule's short description.
    pub title: String,
    /// `@description`.
    pub description: String,
    /// The linter, from the `@id` (`pyflakes`, `flake8-tidy-imports`, ...).
    pub linter: String,
}

/// How text formats are written.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    /// `-q`: the findings and nothing else (no `Found N errors.`).
    pub quiet: bool,
    /// Colour (a terminal, and `NO_COLOR` unset).
    pub color: bool,
}

/// ANSI styles, or nothing.
struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn code(&self, s: &str) -> String {
        self.wrap("1;31", s)
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn gutter(&self, s: &str) -> String {
        self.wrap("1;34", s)
    }
    fn help(&self, s: &str) -> String {
        self.wrap("1;36", s)
    }
}

/// Writes the findings (already sorted) in `format`. `source` gives a file's lines for `full`;
/// text formats name files relative to `cwd` ([`shown_path`]); `rules` describes a rule by its
/// code for SARIF.
#[allow(clippy::too_many_arguments)]
pub fn write(
    findings: &[Finding],
    format: OutputFormat,
    root: &Path,
    cwd: &Path,
    source: &dyn Fn(&str) -> Option<String>,
    rules: &dyn Fn(&str) -> Option<RuleInfo>,
    text: TextOptions,
    out: &mut dyn Write,
) -> Result<()> {
    let shown = |rel: &str| shown_path(root, cwd, rel);
    let absolute = |rel: &str| crate::files::from_rel(root, rel);
    let paint = Paint(text.color);
    match format {
        OutputFormat::Concise => {
            for f in findings {
                let head = if is_syntax(f) {
                    paint.code(&head(f))
                } else {
                    paint.code(&f.code)
                };
                writeln!(
                    out,
                    "{}{}{}{}{}{} {head} {}",
                    paint.bold(&f.place(&shown(&f.path))),
                    paint.gutter(":"),
                    f.line,
                    paint.gutter(":"),
                    f.col,
                    paint.gutter(":"),
                    f.message
                )?;
            }
            if !text.quiet {
                summary(findings.len(), out)?;
            }
        }
        OutputFormat::Full => {
            let mut cache: BTreeMap<&str, Option<Vec<String>>> = BTreeMap::new();
            for f in findings {
                // With a label under the range, the header shows the message without it.
                let message = f
                    .label
                    .as_ref()
                    .and_then(|l| f.message.strip_suffix(&format!(": {l}")))
                    .unwrap_or(&f.message);
                writeln!(out, "{} {}", paint.code(&head(f)), paint.bold(message))?;
                let lines = cache.entry(&f.path).or_insert_with(|| {
                    source(&f.path).map(|t| t.lines().map(str::to_string).collect())
                });
                let Some(lines) = lines.as_ref().filter(|_| f.code != "E902") else {
                    // Nothing to show (an unreadable file): only where, as Ruff prints it.
                    writeln!(
                        out,
                        "{} {}:{}:{}",
                        paint.gutter("-->"),
                        shown(&f.path),
                        f.line,
                        f.col
                    )?;
                    writeln!(out)?;
                    continue;
                };
                // A notebook finding is drawn from its cell's lines.
                let lines: &[String] = match f.cell {
                    Some(c) => {
                        let from = (c.first_line as usize).saturating_sub(1).min(lines.len());
                        let to = (from + c.lines as usize).min(lines.len());
                        &lines[from..to]
                    }
                    None => lines,
                };
                write_snippet(out, &paint, f, lines, &f.place(&shown(&f.path)))?;
                if let Some(help) = &f.help {
                    writeln!(out, "{} {help}", paint.help("help:"))?;
                }
                writeln!(out)?;
            }
            if !text.quiet {
                summary(findings.len(), out)?;
            }
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
                let mut msg = format!(
                    "{}:{}:{}: {} {}",
                    f.place(&shown(&f.path)),
                    f.line,
                    f.col,
                    head(f),
                    f.message
                );
                if let Some(help) = &f.help {
                    msg.push_str(&format!("\n  help: {help}"));
                }
                writeln!(
                    out,
                    "::error title=codefacts ({}),file={},line={},col={},endLine={},endColumn={}::{}",
                    f.code,
                    absolute(&f.path).display(),
                    f.line,
                    f.col,
                    f.end_line,
                    f.end_col,
                    github_escape(&msg)
                )?;
            }
        }
        OutputFormat::Sarif => {
            let mut codes: BTreeMap<&str, &str> = BTreeMap::new();
            for f in findings {
                codes.insert(&f.code, &f.name);
            }
            let rules: Vec<serde_json::Value> = codes
                .iter()
                .map(|(code, name)| {
                    let info = rules(code).unwrap_or_default();
                    let short = if info.title.is_empty() {
                        name.to_string()
                    } else {
                        info.title
                    };
                    let full = if info.description.is_empty() {
                        short.clone()
                    } else {
                        info.description
                    };
                    let mut rule = json!({
                        "id": code,
                        "name": name,
                        "shortDescription": {"text": short},
                        "fullDescription": {"text": full},
                        "help": {"text": full},
                        "defaultConfiguration": {"enabled": true, "level": "error"},
                        "properties": {
                            "id": code,
                            "name": name,
                            "kind": info.linter,
                            "problem.severity": "error"
                        }
                    });
                    if *code != "invalid-syntax" {
                        rule["helpUri"] = json!(url(name));
                    }
                    rule
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
                                "artifactLocation": {"uri": file_uri(&absolute(&f.path))},
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
        OutputFormat::Junit => write_junit(findings, &absolute, out)?,
    }
    Ok(())
}

/// GitHub workflow commands take `%`, CR and LF escaped.
fn github_escape(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// JUnit as Ruff writes it (absolute file names; a `No errors found` testcase when there are
/// none, since Jenkins' collector rejects an empty suite).
fn write_junit(
    findings: &[Finding],
    absolute: &dyn Fn(&str) -> std::path::PathBuf,
    out: &mut dyn Write,
) -> Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="codefacts" tests="{}" skipped="0" failures="{}" errors="0">"#,
        findings.len().max(1),
        findings.len()
    )?;
    if findings.is_empty() {
        writeln!(
            out,
            r#"    <testsuite name="codefacts" tests="1" skipped="0" errors="0" failures="0" package="org.codefacts">"#
        )?;
        writeln!(
            out,
            r#"        <testcase name="No errors found" classname="codefacts"/>"#
        )?;
        writeln!(out, "    </testsuite>")?;
        writeln!(out, "</testsuites>")?;
        return Ok(());
    }
    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_file.entry(&f.path).or_default().push(f);
    }
    for (path, fs) in by_file {
        let abs = absolute(path);
        let name = abs.to_string_lossy();
        let class = abs.with_extension("");
        writeln!(
            out,
            r#"    <testsuite name="{}" tests="{}" skipped="0" errors="0" failures="{}" package="org.codefacts">"#,
            xml_escape(&name),
            fs.len(),
            fs.len()
        )?;
        for f in fs {
            writeln!(
                out,
                r#"        <testcase name="org.codefacts.{}" classname="{}" line="{}" column="{}">"#,
                xml_escape(&f.code),
                xml_escape(&class.to_string_lossy()),
                f.line,
                f.col
            )?;
            writeln!(out, "            <properties>")?;
            writeln!(
                out,
                r#"                <property name="severity" value="error"/>"#
            )?;
            writeln!(out, "            </properties>")?;
            writeln!(
                out,
                r#"            <failure message="{}">line {}, col {}, {}</failure>"#,
                xml_escape(&f.message),
                f.line,
                f.col,
                xml_escape(&f.message)
            )?;
            writeln!(out, "        </testcase>")?;
        }
        writeln!(out, "    </testsuite>")?;
    }
    writeln!(out, "</testsuites>")?;
    Ok(())
}

/// A marked range of a snippet: line, start col, end line, end col, mark, label.
type Mark<'a> = (u32, u32, u32, u32, char, Option<&'a str>);

/// The source snippet of `full`, as Ruff draws it: up to two lines of context on each side of
/// the marked lines (blank lines at the edges left out), a line-number column as wide as the
/// widest number shown, `^` under the range (and `-` under a previous one), with their labels,
/// and a closing gutter line unless the snippet ends on a mark and a `help:` line follows.
fn write_snippet(
    out: &mut dyn Write,
    paint: &Paint,
    f: &Finding,
    lines: &[String],
    shown: &str,
) -> Result<()> {
    let n = lines.len() as u32;
    let clamp = |l: u32| l.clamp(1, n.max(1));
    let line = clamp(f.line);
    let mut marks: Vec<Mark> = vec![(line, f.col, f.end_line, f.end_col, '^', f.label.as_deref())];
    if let Some((pl, pc, pel, pec, label)) = &f.previous {
        marks.push((clamp(*pl), *pc, *pel, *pec, '-', Some(label.as_str())));
    }
    let lo = marks.iter().map(|m| m.0).min().unwrap_or(line);
    let hi = marks.iter().map(|m| m.0).max().unwrap_or(line);
    let blank = |i: u32| {
        lines
            .get(i as usize - 1)
            .is_none_or(|l| l.trim().is_empty())
    };
    let mut first = lo.saturating_sub(2).max(1);
    while first < lo && blank(first) {
        first += 1;
    }
    let mut last = (hi + 2).min(n.max(1));
    while last > hi && blank(last) {
        last -= 1;
    }
    let width = last.to_string().len();
    let pad = " ".repeat(width);
    writeln!(
        out,
        "{pad}{} {shown}:{}:{}",
        paint.gutter("-->"),
        f.line,
        f.col
    )?;
    writeln!(out, "{pad} {}", paint.gutter("|"))?;
    let mut ends_on_mark = false;
    for i in first..=last {
        let text = lines.get(i as usize - 1).map(String::as_str).unwrap_or("");
        writeln!(out, "{} {}", paint.gutter(&format!("{i:>width$} |")), text)?;
        ends_on_mark = false;
        for (ml, mc, mel, mec, ch, label) in marks.iter().filter(|m| m.0 == i) {
            let start = mc.saturating_sub(1) as usize;
            let len = if mel == ml {
                (mec.saturating_sub(*mc)).max(1) as usize
            } else {
                text.chars().count().saturating_sub(start).max(1)
            };
            let marker = ch.to_string().repeat(len);
            let marker = if *ch == '^' {
                paint.code(&marker)
            } else {
                paint.gutter(&marker)
            };
            let label = label.map(|l| format!(" {l}")).unwrap_or_default();
            writeln!(
                out,
                "{pad} {} {}{marker}{label}",
                paint.gutter("|"),
                " ".repeat(start)
            )?;
            ends_on_mark = true;
        }
    }
    if !(ends_on_mark && f.help.is_some()) {
        writeln!(out, "{pad} {}", paint.gutter("|"))?;
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

/// `--statistics`: count per code, most frequent first, as Ruff prints it (text, with the
/// `Found N errors.` line unless `quiet`, or JSON).
pub fn write_statistics(
    findings: &[Finding],
    json: bool,
    quiet: bool,
    out: &mut dyn Write,
) -> Result<()> {
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
                json!({"code": code, "name": name, "count": n, "fixable": false, "fixable_count": 0})
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
        if !quiet {
            summary(findings.len(), out)?;
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
            help: None,
            label: None,
            previous: None,
            cell: None,
            fix: None,
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
            &|_| None,
            TextOptions::default(),
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
        // As Ruff writes it: absolute names, the class is the path without its extension.
        assert!(junit.contains(
            r#"<testcase name="org.codefacts.F821" classname="/repo/pkg/a" line="3" column="5">"#
        ));
        assert!(junit.contains(r#"<testsuite name="/repo/pkg/a.py" tests="1" skipped="0""#));
        let mut empty = Vec::new();
        write(
            &[],
            OutputFormat::Junit,
            Path::new("/repo"),
            Path::new("/repo"),
            &|_| None,
            &|_| None,
            TextOptions::default(),
            &mut empty,
        )
        .unwrap();
        let empty = String::from_utf8(empty).unwrap();
        assert!(
            empty.contains(r#"<testcase name="No errors found" classname="codefacts"/>"#),
            "{empty}"
        );
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
            help: None,
            label: None,
            previous: None,
            cell: None,
            fix: None,
        };
        let mut buf = Vec::new();
        let src = |_: &str| Some("def broken(:\n    pass\n".to_string());
        write(
            std::slice::from_ref(&f),
            OutputFormat::Concise,
            Path::new("/r"),
            Path::new("/r"),
            &src,
            &|_| None,
            TextOptions::default(),
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
