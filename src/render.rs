//! Rendering query results: table (comfy-table), JSON, CSV, Markdown.

use std::io::Write;

use anyhow::Result;

use crate::cli::Format;
use crate::store::{QueryResult, RowSink, Value};

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

/// Rows a table shows at most: a table is laid out only once every row is known, so it is
/// held in memory; past this many rows it stops and says so (the other formats stream).
pub const TABLE_ROW_CAP: usize = 10_000;

/// Writes `result` to `out` in `format`.
pub fn render(result: &QueryResult, format: Format, out: &mut dyn Write) -> Result<()> {
    let mut sink = Renderer::new(format, out);
    sink.columns(&result.columns)?;
    for row in &result.rows {
        if !sink.row(row)? {
            break;
        }
    }
    sink.finish()
}

/// A [`RowSink`] that writes rows as they come in one of the formats.
pub struct Renderer<'w> {
    format: Format,
    out: &'w mut dyn Write,
    columns: Vec<String>,
    rows: usize,
    /// Table format only: the rows so far.
    table: Vec<Vec<String>>,
    /// Table format only: rows were left out at the cap.
    capped: bool,
}

impl<'w> Renderer<'w> {
    pub fn new(format: Format, out: &'w mut dyn Write) -> Renderer<'w> {
        Renderer {
            format,
            out,
            columns: Vec::new(),
            rows: 0,
            table: Vec::new(),
            capped: false,
        }
    }

    /// Whether the table format stopped at [`TABLE_ROW_CAP`].
    pub fn capped(&self) -> bool {
        self.capped
    }

    /// One CSV record, quoted as the csv crate quotes. Written into the output's buffer, not
    /// flushed: a flush per row would be a system call per row.
    fn csv_record<I, T>(&mut self, record: I) -> Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        let mut w = csv::WriterBuilder::new()
            .buffer_capacity(256)
            .from_writer(Vec::with_capacity(256));
        w.write_record(record)?;
        let bytes = w
            .into_inner()
            .map_err(|e| anyhow::anyhow!("{}", e.error()))?;
        self.out.write_all(&bytes)?;
        Ok(())
    }
}

/// A [`RowSink`] that passes on only the rows whose first path column (named `path` or
/// ending in `_path`) is one of `prefixes` or lies under one (repo-relative, `""` is all).
pub struct Narrow<'s> {
    inner: &'s mut dyn RowSink,
    prefixes: Vec<String>,
    column: Option<usize>,
}

impl<'s> Narrow<'s> {
    pub fn new(inner: &'s mut dyn RowSink, prefixes: &[String]) -> Narrow<'s> {
        Narrow {
            inner,
            prefixes: prefixes.to_vec(),
            column: None,
        }
    }
}

impl RowSink for Narrow<'_> {
    fn columns(&mut self, columns: &[String]) -> Result<()> {
        self.column = columns
            .iter()
            .position(|c| c == "path" || c == "file" || c.ends_with("_path"));
        if self.column.is_none() {
            anyhow::bail!(
                "this report has no path column (columns: {}), so PATH arguments cannot narrow it",
                columns.join(", ")
            );
        }
        self.inner.columns(columns)
    }

    fn row(&mut self, row: &[Value]) -> Result<bool> {
        let keep = match self.column.and_then(|i| row.get(i)) {
            Some(Value::Text(p)) => self.prefixes.iter().any(|pre| {
                pre.is_empty()
                    || p == pre
                    || (p.starts_with(pre.as_str()) && p.as_bytes().get(pre.len()) == Some(&b'/'))
            }),
            _ => false,
        };
        if keep { self.inner.row(row) } else { Ok(true) }
    }

    fn finish(&mut self) -> Result<()> {
        self.inner.finish()
    }
}

/// A [`RowSink`] for `@json-groups` reports in JSON: one object with a map per group, from
/// each value of one column to the sorted distinct values of another (keys sorted too).
pub struct JsonGroups<'w> {
    out: &'w mut dyn Write,
    groups: Vec<crate::queries::JsonGroup>,
    /// Per group: (from column, to column) indexes.
    index: Vec<(usize, usize)>,
    /// Per group: the (key, value) pairs; `None` values make a key with no values.
    pairs: Vec<Vec<(String, Option<String>)>>,
}

impl<'w> JsonGroups<'w> {
    pub fn new(groups: &[crate::queries::JsonGroup], out: &'w mut dyn Write) -> JsonGroups<'w> {
        JsonGroups {
            out,
            groups: groups.to_vec(),
            index: Vec::new(),
            pairs: vec![Vec::new(); groups.len()],
        }
    }
}

impl RowSink for JsonGroups<'_> {
    fn columns(&mut self, columns: &[String]) -> Result<()> {
        for g in &self.groups {
            let find = |c: &str| {
                columns.iter().position(|x| x == c).ok_or_else(|| {
                    anyhow::anyhow!(
                        "@json-groups names column `{c}`, which the query does not return (columns: {})",
                        columns.join(", ")
                    )
                })
            };
            self.index.push((find(&g.from)?, find(&g.to)?));
        }
        Ok(())
    }

    fn row(&mut self, row: &[Value]) -> Result<bool> {
        for (pairs, (from, to)) in self.pairs.iter_mut().zip(&self.index) {
            let (Some(k), Some(v)) = (row.get(*from), row.get(*to)) else {
                continue;
            };
            if matches!(k, Value::Null) {
                continue;
            }
            pairs.push((cell(k), (!matches!(v, Value::Null)).then(|| cell(v))));
        }
        Ok(true)
    }

    fn finish(&mut self) -> Result<()> {
        // Written by hand (not through a `serde_json::Value`): a map of 70,000 names is
        // written in a few milliseconds instead of being copied twice first.
        let mut order: Vec<usize> = (0..self.groups.len()).collect();
        order.sort_by(|a, b| self.groups[*a].key.cmp(&self.groups[*b].key));
        let mut all = std::mem::take(&mut self.pairs);
        for pairs in &mut all {
            pairs.sort_unstable();
            pairs.dedup();
        }
        let out = &mut *self.out;
        write!(out, "{{")?;
        for (n, g) in order.iter().enumerate() {
            write!(out, "{}\n  ", if n == 0 { "" } else { "," })?;
            serde_json::to_writer(&mut *out, &self.groups[*g].key)?;
            write!(out, ": {{")?;
            let pairs = &all[*g];
            let mut i = 0;
            while i < pairs.len() {
                let key = &pairs[i].0;
                write!(out, "{}\n    ", if i == 0 { "" } else { "," })?;
                serde_json::to_writer(&mut *out, key)?;
                write!(out, ": [")?;
                let mut first = true;
                while i < pairs.len() && &pairs[i].0 == key {
                    if let Some(v) = &pairs[i].1 {
                        if !first {
                            write!(out, ", ")?;
                        }
                        serde_json::to_writer(&mut *out, v)?;
                        first = false;
                    }
                    i += 1;
                }
                write!(out, "]")?;
            }
            write!(out, "{}}}", if pairs.is_empty() { "" } else { "\n  " })?;
        }
        writeln!(out, "{}}}", if order.is_empty() { "" } else { "\n" })?;
        Ok(())
    }
}

/// A [`RowSink`] for `@pivot` reports: sums `values` into a matrix with a row per key (the
/// key columns not NULL in every row) and a column per value of `columns`, both ordered by
/// their totals (largest first, then by name; a column named `other` last), with a `total`
/// column and a totals row.
/// JSON gives `{"keys", "columns", "rows": [{key..., "total", "by": {column: n}}],
/// "totals": {"total", "by"}}`; Markdown adds a totals-by-column table. With a `baseline`
/// column, cells show their change (`12 (+3)`; CSV: `baseline` and `delta` columns; JSON:
/// `baseline_total`, `baseline_by`).
pub struct Pivot<'w> {
    format: Format,
    out: &'w mut dyn Write,
    spec: crate::queries::PivotSpec,
    key_idx: Vec<usize>,
    col_idx: usize,
    val_idx: usize,
    base_idx: Option<usize>,
    /// Some row had a baseline value: cells show their change.
    compared: bool,
    /// (key, column) -> (value, baseline).
    cells: std::collections::HashMap<PivotCell, (i64, i64)>,
}

impl<'w> Pivot<'w> {
    pub fn new(spec: &crate::queries::PivotSpec, format: Format, out: &'w mut dyn Write) -> Self {
        Pivot {
            format,
            out,
            spec: spec.clone(),
            key_idx: Vec::new(),
            col_idx: 0,
            val_idx: 0,
            base_idx: None,
            compared: false,
            cells: Default::default(),
        }
    }
}

fn num(v: &Value) -> Option<i64> {
    match v {
        Value::Integer(i) => Some(*i),
        Value::Real(f) => Some(*f as i64),
        _ => None,
    }
}

/// A matrix cell's address: the key (NULL parts kept) and the column.
type PivotCell = (Vec<Option<String>>, String);

/// `12 (+3)`, or `12` when nothing changed.
fn with_change(n: i64, b: i64) -> String {
    if n == b {
        n.to_string()
    } else {
        format!("{n} ({:+})", n - b)
    }
}

/// One row of the matrix: its key, total, baseline total, and (value, baseline) per column.
type PivotRow = (
    Vec<String>,
    i64,
    i64,
    std::collections::BTreeMap<String, (i64, i64)>,
);

impl RowSink for Pivot<'_> {
    fn columns(&mut self, columns: &[String]) -> Result<()> {
        let find = |c: &str| {
            columns.iter().position(|x| x == c).ok_or_else(|| {
                anyhow::anyhow!(
                    "@pivot names column `{c}`, which the query does not return (columns: {})",
                    columns.join(", ")
                )
            })
        };
        self.key_idx = self
            .spec
            .keys
            .iter()
            .map(|k| find(k))
            .collect::<Result<_>>()?;
        self.col_idx = find(&self.spec.columns)?;
        self.val_idx = find(&self.spec.values)?;
        self.base_idx = match &self.spec.baseline {
            Some(b) => Some(find(b)?),
            None => None,
        };
        Ok(())
    }

    fn row(&mut self, row: &[Value]) -> Result<bool> {
        let key: Vec<Option<String>> = self
            .key_idx
            .iter()
            .map(|i| match &row[*i] {
                Value::Null => None,
                v => Some(cell(v)),
            })
            .collect();
        let col = cell(&row[self.col_idx]);
        let n = num(&row[self.val_idx]).unwrap_or(0);
        let b = self.base_idx.and_then(|i| num(&row[i]));
        self.compared |= b.is_some();
        let e = self.cells.entry((key, col)).or_default();
        e.0 += n;
        e.1 += b.unwrap_or(0);
        Ok(true)
    }

    fn finish(&mut self) -> Result<()> {
        use std::collections::BTreeMap;
        let used: Vec<usize> = (0..self.key_idx.len())
            .filter(|k| self.cells.keys().any(|(key, _)| key[*k].is_some()))
            .collect();
        let mut by_key: BTreeMap<Vec<String>, BTreeMap<String, (i64, i64)>> = BTreeMap::new();
        let mut col_totals: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for ((key, col), (n, b)) in std::mem::take(&mut self.cells) {
            let key: Vec<String> = used
                .iter()
                .map(|k| key[*k].clone().unwrap_or_default())
                .collect();
            let e = by_key
                .entry(key)
                .or_default()
                .entry(col.clone())
                .or_default();
            e.0 += n;
            e.1 += b;
            let t = col_totals.entry(col).or_default();
            t.0 += n;
            t.1 += b;
        }
        let mut cols: Vec<(String, (i64, i64))> = col_totals.into_iter().collect();
        // A column named `other` (what a report folds the small ones into) comes last.
        cols.sort_by(|a, b| {
            (a.0 == "other")
                .cmp(&(b.0 == "other"))
                .then_with(|| b.1.0.cmp(&a.1.0))
                .then_with(|| b.1.1.cmp(&a.1.1))
                .then_with(|| a.0.cmp(&b.0))
        });
        let mut rows: Vec<PivotRow> = by_key
            .into_iter()
            .map(|(k, m)| {
                let t = m.values().map(|v| v.0).sum();
                let tb = m.values().map(|v| v.1).sum();
                (k, t, tb, m)
            })
            .collect();
        rows.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| b.2.cmp(&a.2))
                .then_with(|| a.0.cmp(&b.0))
        });
        let grand: i64 = cols.iter().map(|c| c.1.0).sum();
        let grand_base: i64 = cols.iter().map(|c| c.1.1).sum();
        let key_names: Vec<String> = used.iter().map(|k| self.spec.keys[*k].clone()).collect();
        let compared = self.compared;
        if self.format == Format::Json {
            let json_rows: Vec<serde_json::Value> = rows
                .iter()
                .map(|(k, t, tb, m)| {
                    let mut o = serde_json::Map::new();
                    for (name, v) in key_names.iter().zip(k) {
                        o.insert(name.clone(), v.clone().into());
                    }
                    o.insert("total".into(), (*t).into());
                    let by: serde_json::Map<String, serde_json::Value> = cols
                        .iter()
                        .filter_map(|(c, _)| {
                            m.get(c)
                                .filter(|v| v.0 > 0)
                                .map(|v| (c.clone(), v.0.into()))
                        })
                        .collect();
                    o.insert("by".into(), by.into());
                    if compared {
                        o.insert("baseline_total".into(), (*tb).into());
                        let base: serde_json::Map<String, serde_json::Value> = cols
                            .iter()
                            .filter_map(|(c, _)| {
                                m.get(c)
                                    .filter(|v| v.1 > 0)
                                    .map(|v| (c.clone(), v.1.into()))
                            })
                            .collect();
                        o.insert("baseline_by".into(), base.into());
                    }
                    o.into()
                })
                .collect();
            let totals: serde_json::Map<String, serde_json::Value> =
                cols.iter().map(|(c, v)| (c.clone(), v.0.into())).collect();
            let mut doc = serde_json::json!({
                "keys": key_names,
                "columns": cols.iter().map(|c| c.0.clone()).collect::<Vec<_>>(),
                "rows": json_rows,
                "totals": {"total": grand, "by": totals},
            });
            if compared {
                let base: serde_json::Map<String, serde_json::Value> =
                    cols.iter().map(|(c, v)| (c.clone(), v.1.into())).collect();
                doc["totals"]["baseline_total"] = grand_base.into();
                doc["totals"]["baseline_by"] = base.into();
            }
            serde_json::to_writer_pretty(&mut *self.out, &doc)?;
            writeln!(self.out)?;
            return Ok(());
        }
        // CSV keeps numbers in every cell (the change goes into two columns of its own);
        // a table and Markdown show `12 (+3)`.
        let csv = self.format == Format::Csv;
        let shown = |n: i64, b: i64| -> Value {
            if compared && !csv {
                Value::Text(with_change(n, b))
            } else {
                Value::Integer(n)
            }
        };
        let mut header: Vec<String> = key_names.clone();
        header.push("total".into());
        if compared && csv {
            header.push("baseline".into());
            header.push("delta".into());
        }
        header.extend(cols.iter().map(|c| c.0.clone()));
        let mut inner = Renderer::new(self.format, &mut *self.out);
        inner.columns(&header)?;
        let emit = |inner: &mut Renderer,
                    lead: Vec<Value>,
                    t: i64,
                    tb: i64,
                    cells: Vec<(i64, i64)>|
         -> Result<()> {
            let mut r = lead;
            r.push(shown(t, tb));
            if compared && csv {
                r.push(Value::Integer(tb));
                r.push(Value::Integer(t - tb));
            }
            r.extend(cells.into_iter().map(|(n, b)| shown(n, b)));
            inner.row(&r)?;
            Ok(())
        };
        for (k, t, tb, m) in &rows {
            let lead: Vec<Value> = k.iter().map(|s| Value::Text(s.clone())).collect();
            let cells = cols
                .iter()
                .map(|(c, _)| m.get(c).copied().unwrap_or((0, 0)))
                .collect();
            emit(&mut inner, lead, *t, *tb, cells)?;
        }
        let lead: Vec<Value> = (0..key_names.len())
            .map(|i| {
                Value::Text(if i == 0 {
                    "total".into()
                } else {
                    String::new()
                })
            })
            .collect();
        emit(
            &mut inner,
            lead,
            grand,
            grand_base,
            cols.iter().map(|(_, v)| *v).collect(),
        )?;
        inner.finish()?;
        if self.format == Format::Md {
            writeln!(self.out)?;
            let mut totals = Renderer::new(Format::Md, &mut *self.out);
            totals.columns(&[
                self.spec.columns.clone(),
                self.spec.values.clone(),
                "share".into(),
            ])?;
            for (c, (n, b)) in &cols {
                let share = if grand > 0 {
                    *n as f64 * 100.0 / grand as f64
                } else {
                    0.0
                };
                totals.row(&[
                    Value::Text(c.clone()),
                    shown(*n, *b),
                    Value::Text(format!("{share:.1}%")),
                ])?;
            }
            totals.finish()?;
        }
        Ok(())
    }
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', "<br>")
}

impl RowSink for Renderer<'_> {
    fn columns(&mut self, columns: &[String]) -> Result<()> {
        self.columns = columns.to_vec();
        match self.format {
            Format::Dot | Format::Mermaid => anyhow::bail!(
                "only reports that can be drawn take --format dot or mermaid \
                 (`codefacts report --list`)"
            ),
            Format::Json => writeln!(self.out, "[")?,
            Format::Csv => self.csv_record(columns)?,
            Format::Md => {
                let head: Vec<String> = columns.iter().map(|c| md_escape(c)).collect();
                writeln!(self.out, "| {} |", head.join(" | "))?;
                writeln!(self.out, "|{}", "---|".repeat(columns.len()))?;
            }
            Format::Table => {}
        }
        Ok(())
    }

    fn row(&mut self, row: &[Value]) -> Result<bool> {
        match self.format {
            Format::Dot | Format::Mermaid => {}
            Format::Table => {
                if self.table.len() >= TABLE_ROW_CAP {
                    self.capped = true;
                    return Ok(false);
                }
                self.table.push(row.iter().map(cell).collect());
            }
            Format::Json => {
                // Written by hand so that keys keep the column order of the query.
                if self.rows > 0 {
                    writeln!(self.out, ",")?;
                }
                write!(self.out, "  {{")?;
                for (i, (c, v)) in self.columns.iter().zip(row).enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    write!(
                        self.out,
                        "{sep}{}: {}",
                        serde_json::to_string(c)?,
                        serde_json::to_string(&json_value(v))?
                    )?;
                }
                write!(self.out, "}}")?;
            }
            Format::Csv => self.csv_record(row.iter().map(cell))?,
            Format::Md => {
                let cells: Vec<String> = row.iter().map(|v| md_escape(&cell(v))).collect();
                writeln!(self.out, "| {} |", cells.join(" | "))?;
            }
        }
        self.rows += 1;
        Ok(true)
    }

    fn finish(&mut self) -> Result<()> {
        match self.format {
            Format::Table => {
                let mut table = comfy_table::Table::new();
                table.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
                table.set_header(&self.columns);
                for row in self.table.drain(..) {
                    table.add_row(row);
                }
                writeln!(self.out, "{table}")?;
                if self.capped {
                    writeln!(
                        self.out,
                        "(the first {TABLE_ROW_CAP} rows; the rest were not read: use --format \
                         csv or json for every row, or a LIMIT)"
                    )?;
                } else {
                    writeln!(
                        self.out,
                        "({} row{})",
                        self.rows,
                        if self.rows == 1 { "" } else { "s" }
                    )?;
                }
            }
            Format::Json => {
                if self.rows > 0 {
                    writeln!(self.out)?;
                }
                writeln!(self.out, "]")?;
            }
            Format::Csv | Format::Md | Format::Dot | Format::Mermaid => {}
        }
        self.out.flush()?;
        Ok(())
    }
}

/// One edge of a picture: `src -> dst` with a label, dashed or not, in a cluster or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureEdge {
    pub src: String,
    pub dst: String,
    pub label: String,
    pub dashed: bool,
    pub cluster: Option<String>,
}

/// Reads a picture query's rows (`src, dst, label, dashed, cluster`).
pub fn picture_edges(result: &QueryResult) -> Vec<PictureEdge> {
    result
        .rows
        .iter()
        .filter(|r| r.len() >= 5)
        .map(|r| PictureEdge {
            src: cell(&r[0]),
            dst: cell(&r[1]),
            label: cell(&r[2]),
            dashed: matches!(r[3], Value::Integer(1)),
            cluster: match &r[4] {
                Value::Null => None,
                v => Some(cell(v)),
            },
        })
        .collect()
}

fn dot_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn mermaid_text(s: &str) -> String {
    s.replace('"', "#quot;")
}

/// Draws edges as Graphviz DOT or a Mermaid flowchart: nodes in the order they first appear,
/// clusters as subgraphs, dashed edges dashed (and red in DOT).
pub fn draw(edges: &[PictureEdge], format: Format, title: &str, out: &mut dyn Write) -> Result<()> {
    // Node ids in order of appearance; each node in the first cluster it appears in.
    let mut nodes: Vec<(String, Option<String>)> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for e in edges {
        for n in [&e.src, &e.dst] {
            if !index.contains_key(n.as_str()) {
                index.insert(n.as_str(), nodes.len());
                nodes.push((n.clone(), e.cluster.clone()));
            }
        }
    }
    let id = |n: &str| index.get(n).copied().unwrap_or(0);
    let mut clusters: Vec<Option<String>> = Vec::new();
    for (_, c) in &nodes {
        if !clusters.contains(c) {
            clusters.push(c.clone());
        }
    }
    // Nodes by cluster, in order of appearance.
    let mut by_cluster: Vec<Vec<usize>> = vec![Vec::new(); clusters.len()];
    for (i, (_, c)) in nodes.iter().enumerate() {
        let ci = clusters.iter().position(|x| x == c).unwrap_or(0);
        by_cluster[ci].push(i);
    }
    match format {
        Format::Dot => {
            writeln!(out, "digraph {} {{", dot_quote(title))?;
            writeln!(out, "  rankdir=LR;")?;
            writeln!(out, "  node [shape=box, fontname=\"Helvetica\"];")?;
            for (ci, c) in clusters.iter().enumerate() {
                let indent = if c.is_some() { "    " } else { "  " };
                if let Some(label) = c {
                    writeln!(out, "  subgraph \"cluster_{ci}\" {{")?;
                    writeln!(out, "    label={};", dot_quote(label))?;
                }
                for &i in &by_cluster[ci] {
                    writeln!(out, "{indent}n{i} [label={}];", dot_quote(&nodes[i].0))?;
                }
                if c.is_some() {
                    writeln!(out, "  }}")?;
                }
            }
            for e in edges {
                let style = if e.dashed {
                    ", style=dashed, color=red"
                } else {
                    ""
                };
                writeln!(
                    out,
                    "  n{} -> n{} [label={}{style}];",
                    id(&e.src),
                    id(&e.dst),
                    dot_quote(&e.label)
                )?;
            }
            writeln!(out, "}}")?;
        }
        Format::Mermaid => {
            writeln!(out, "flowchart LR")?;
            for (ci, c) in clusters.iter().enumerate() {
                let indent = if c.is_some() { "    " } else { "  " };
                if let Some(label) = c {
                    writeln!(out, "  subgraph c{ci}[\"{}\"]", mermaid_text(label))?;
                }
                for &i in &by_cluster[ci] {
                    writeln!(out, "{indent}n{i}[\"{}\"]", mermaid_text(&nodes[i].0))?;
                }
                if c.is_some() {
                    writeln!(out, "  end")?;
                }
            }
            for e in edges {
                let arrow = if e.dashed { "-.->" } else { "-->" };
                writeln!(
                    out,
                    "  n{} {arrow}|\"{}\"| n{}",
                    id(&e.src),
                    mermaid_text(&e.label),
                    id(&e.dst)
                )?;
            }
        }
        _ => anyhow::bail!("{format:?} is not a picture format"),
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
