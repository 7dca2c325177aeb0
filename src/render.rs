//! Rendering query results: table (comfy-table), JSON, CSV, Markdown.

use std::io::Write;

use anyhow::Result;

use crate::cli::Format;
use crate::store::{QueryResult, Value};

fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Integer(i) => i.to_string(),
        Value::Real(f) => f.to_string(),
        Value::Text(s) => s.clone(),
        Value::Blob(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
    }
}

fn json_value(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Integer(i) => (*i).into(),
        Value::Real(f) => serde_json::Number::from_f64(*f)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        Value::Text(s) => s.clone().into(),
        Value::Blob(_) => cell(v).into(),
    }
}

/// Writes `result` to `out` in `format`.
pub fn render(result: &QueryResult, format: Format, out: &mut dyn Write) -> Result<()> {
    match format {
        Format::Table => {
            let mut table = comfy_table::Table::new();
            table.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
            table.set_header(&result.columns);
            for row in &result.rows {
                table.add_row(row.iter().map(cell));
            }
            writeln!(out, "{table}")?;
            writeln!(
                out,
                "({} row{})",
                result.rows.len(),
                if result.rows.len() == 1 { "" } else { "s" }
            )?;
        }
        Format::Json => {
            // Written by hand so that keys keep the column order of the query.
            writeln!(out, "[")?;
            for (r, row) in result.rows.iter().enumerate() {
                write!(out, "  {{")?;
                for (i, (c, v)) in result.columns.iter().zip(row).enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    write!(
                        out,
                        "{sep}{}: {}",
                        serde_json::to_string(c)?,
                        serde_json::to_string(&json_value(v))?
                    )?;
                }
                let comma = if r + 1 == result.rows.len() { "" } else { "," };
                writeln!(out, "}}{comma}")?;
            }
            writeln!(out, "]")?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            w.write_record(&result.columns)?;
            for row in &result.rows {
                w.write_record(row.iter().map(cell))?;
            }
            w.flush()?;
        }
        Format::Md => {
            let esc = |s: String| s.replace('|', "\\|").replace('\n', "<br>");
            writeln!(
                out,
                "| {} |",
                result
                    .columns
                    .iter()
                    .cloned()
                    .map(esc)
                    .collect::<Vec<_>>()
                    .join(" | ")
            )?;
            writeln!(out, "|{}", "---|".repeat(result.columns.len()))?;
            for row in &result.rows {
                writeln!(
                    out,
                    "| {} |",
                    row.iter()
                        .map(|v| esc(cell(v)))
                        .collect::<Vec<_>>()
                        .join(" | ")
                )?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> QueryResult {
        QueryResult {
            columns: vec!["path".into(), "n".into(), "note".into()],
            rows: vec![
                vec![Value::Text("a.py".into()), Value::Integer(2), Value::Null],
                vec![
                    Value::Text("b|c.py".into()),
                    Value::Real(1.5),
                    Value::Text("x,y".into()),
                ],
            ],
        }
    }

    fn run(f: Format) -> String {
        let mut buf = Vec::new();
        render(&sample(), f, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn formats() {
        let json: serde_json::Value = serde_json::from_str(&run(Format::Json)).unwrap();
        assert_eq!(json[0]["path"], "a.py");
        assert_eq!(json[0]["n"], 2);
        assert!(json[0]["note"].is_null());
        // Keys keep the column order.
        assert!(
            run(Format::Json).starts_with("[\n  {\"path\": \"a.py\", \"n\": 2, \"note\": null},")
        );
        assert_eq!(
            run(Format::Csv),
            "path,n,note\na.py,2,\nb|c.py,1.5,\"x,y\"\n"
        );
        assert!(run(Format::Md).contains("| b\\|c.py | 1.5 | x,y |"));
        assert!(run(Format::Table).contains("(2 rows)"));
    }
}
