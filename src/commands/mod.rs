//! One file per subcommand; each returns the process exit code.

mod check;
mod fix;
pub use fix::MISSING_IMPORTS_CONFIDENCE;
mod health;
mod index;
mod ingest;
mod ratchet;
mod report;
mod schema;
mod since;
mod sql;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::{Cli, Command};
use crate::config::{self, Config};
use crate::indexer::{self, IndexOptions, IndexSummary};

/// Exit code for success without findings.
pub const EXIT_OK: u8 = 0;
/// Exit code when a check found something.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code for errors (bad arguments, SQL errors, unusable database, ...).
pub const EXIT_ERROR: u8 = 2;

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Index(args) => index::run(args),
        Command::Sql(args) => sql::run(args),
        Command::Report(args) => report::run(args),
        Command::Schema => schema::run(),
        Command::Check(args) => check::run(args),
        Command::Ingest(args) => ingest::run(args),
        Command::Ratchet(args) => ratchet::run(args),
        Command::Health(args) => health::run(args),
        Command::Fix(args) => fix::run(args),
    }
}

/// How [`stream_result`] writes a result.
pub(crate) struct Streamed<'a> {
    pub format: crate::cli::Format,
    pub timeout: Option<f64>,
    /// A file to write (else stdout).
    pub out: Option<&'a Path>,
    /// Keep only rows whose first path column lies under one of these prefixes.
    pub narrow: Option<&'a [String]>,
    /// `@json-groups` of a report: its JSON is one object of maps, not a list of rows.
    pub groups: &'a [crate::queries::JsonGroup],
    /// `@pivot` of a report: its rows are drawn as a matrix.
    pub pivot: Option<&'a crate::queries::PivotSpec>,
}

/// Runs a read-only query and writes its rows as they come (`sql`, `report`).
pub(crate) fn stream_result(
    mut store: crate::store::Store,
    sql: &str,
    params: &[(String, String)],
    how: Streamed,
) -> Result<ExitCode> {
    set_timeout(&mut store, how.timeout)?;
    let mut writer = output(how.out)?;
    {
        use crate::cli::Format;
        let mut sink: Box<dyn crate::store::RowSink + '_> = match how.pivot {
            Some(spec) if !matches!(how.format, Format::Dot | Format::Mermaid) => {
                Box::new(crate::render::Pivot::new(spec, how.format, &mut writer))
            }
            _ if !how.groups.is_empty() && how.format == Format::Json => {
                Box::new(crate::render::JsonGroups::new(how.groups, &mut writer))
            }
            _ => Box::new(crate::render::Renderer::new(how.format, &mut writer)),
        };
        let sink = sink.as_mut();
        match how.narrow {
            Some(prefixes) => {
                let mut narrowed = crate::render::Narrow::new(sink, prefixes);
                store.stream(sql, params, &mut narrowed)?;
            }
            None => store.stream(sql, params, sink)?,
        }
    }
    writer.flush()?;
    Ok(ExitCode::from(EXIT_OK))
}

/// Each finding's enclosing scope and identity key (docs/ratchet.md), from the index's
/// definitions and, for the rules whose key is the flagged line's text, the file itself (read
/// once per file).
pub(crate) fn fill_identities(
    root: &Path,
    writer: &crate::store::Writer,
    rows: &mut [crate::store::FindingRow],
) -> Result<()> {
    let spans = writer.definition_spans()?;
    let mut anchors = Anchors::new(&spans, Box::new(|path| disk_text(root, path)));
    for r in rows.iter_mut() {
        let (scope, anchor) = anchors.of(&r.path, &r.code, &r.message, r.line, r.cell.is_some());
        r.scope = scope;
        r.anchor = anchor;
    }
    Ok(())
}

/// A file's text as the disk holds it (for anchors that are the flagged line's text).
pub(crate) fn disk_text(root: &Path, path: &str) -> Option<String> {
    let abs = crate::files::from_rel(root, path);
    let bytes = crate::files::read(&abs).ok()?;
    crate::files::display_text(&abs, &bytes)
}

/// Reads a file's text by repo-relative path (the disk's, or another version's).
pub(crate) type TextOf<'a> = Box<dyn Fn(&str) -> Option<String> + 'a>;

/// Computes findings' (scope, anchor), reading each file's text at most once.
pub(crate) struct Anchors<'a> {
    spans: &'a crate::store::DefinitionSpans,
    text_of: TextOf<'a>,
    lines: std::collections::HashMap<String, Option<Vec<String>>>,
}

impl<'a> Anchors<'a> {
    pub(crate) fn new(
        spans: &'a crate::store::DefinitionSpans,
        text_of: TextOf<'a>,
    ) -> Anchors<'a> {
        Anchors {
            spans,
            text_of,
            lines: Default::default(),
        }
    }

    /// (scope, anchor) of a finding; `in_cell`: a notebook finding whose line is its cell's.
    pub(crate) fn of(
        &mut self,
        path: &str,
        code: &str,
        message: &str,
        line: i64,
        in_cell: bool,
    ) -> (String, String) {
        let scope = self
            .spans
            .get(path)
            .map(|s| crate::ratchet::enclosing_scope(s, line).to_string())
            .unwrap_or_default();
        let wants_text = crate::ratchet::needs_line_text(code) && !in_cell;
        let line_text = if wants_text {
            let text_of = &self.text_of;
            self.lines
                .entry(path.to_string())
                .or_insert_with(|| text_of(path).map(|t| t.lines().map(str::to_string).collect()))
                .as_ref()
                .and_then(|l| usize::try_from(line - 1).ok().and_then(|i| l.get(i)))
                .map(String::as_str)
        } else {
            None
        };
        let anchor = crate::ratchet::anchor_key(code, message, line_text);
        (scope, anchor)
    }
}

/// Where a command writes its result: the file `path` (created or truncated), else stdout.
pub(crate) fn output(path: Option<&Path>) -> Result<Box<dyn std::io::Write>> {
    Ok(match path {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot write {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    })
}

/// `--timeout SECS` on a store: a positive, finite number of seconds.
pub(crate) fn set_timeout(store: &mut crate::store::Store, timeout: Option<f64>) -> Result<()> {
    if let Some(secs) = timeout {
        if !(secs > 0.0 && secs.is_finite()) {
            anyhow::bail!("--timeout takes a positive number of seconds, not {secs}");
        }
        store.set_timeout(Some(std::time::Duration::from_secs_f64(secs)))?;
    }
    Ok(())
}

/// The repository a command works on: its root, configuration and database path.
pub struct Repo {
    pub config: Config,
    pub db: PathBuf,
}

impl Repo {
    /// `path` is an explicit root; without it the root is found from the current directory.
    pub fn locate(path: Option<&Path>, args: &crate::cli::RepoArgs) -> Result<Repo> {
        let db = args.db.as_deref();
        let root = match path {
            Some(p) => {
                if !p.is_dir() {
                    anyhow::bail!("{} is not a directory", p.display());
                }
                p.canonicalize()
                    .with_context(|| format!("cannot resolve {}", p.display()))?
            }
            None => {
                let cwd = std::env::current_dir().context("cannot read the current directory")?;
                config::find_root(&cwd)
            }
        };
        let mut overrides = args.config.clone();
        if let Some(v) = &args.target_version {
            if config::parse_target_version(v).is_none() {
                anyhow::bail!("invalid value `{v}` for --target-version (py37, py38, ..., py314)");
            }
            overrides.push(format!("target-version = {v:?}"));
        }
        let config = if args.isolated {
            Config::load_isolated(&root, &overrides)?
        } else {
            Config::load_with_overrides(&root, &overrides)?
        };
        for w in &config.warnings {
            crate::warnln!("{w}");
        }
        let db = match db {
            Some(d) => d.to_path_buf(),
            None => root.join(".codefacts").join("facts.db"),
        };
        Ok(Repo { config, db })
    }

    /// Brings the index up to date; warnings go to stderr. `semantic`: the caller reads the
    /// semantic layer, so it is built if the database does not hold it yet. `lookups`: the
    /// caller may look rows up by name or module, so the lookup indexes must exist.
    pub fn refresh(&self, quiet: bool, semantic: bool, lookups: bool) -> Result<IndexSummary> {
        self.refresh_with(
            quiet,
            IndexOptions {
                semantic,
                lookup_indexes: lookups,
                ..IndexOptions::default()
            },
        )
    }

    /// Brings up to date what `sql` reads (`sql` and `report`): the index (unless `no_index`),
    /// with its semantic layer when the SQL names one of its tables or the findings,
    /// codefacts' findings when it names `findings`/`all_findings`, the baseline's counts when
    /// it names `baseline_counts`. Returns whether the SQL reads the semantic layer.
    pub fn refresh_for(&self, sql: &str, no_index: bool) -> Result<bool> {
        let findings = crate::store::reads_findings(sql);
        let semantic = crate::store::reads_semantic_tables(sql) || findings;
        if !no_index {
            self.refresh(false, semantic, true)?;
        }
        if findings {
            self.refresh_findings(!no_index)?;
        }
        if crate::store::reads_baseline(sql) {
            self.refresh_baseline(!no_index)?;
        }
        Ok(semantic)
    }

    /// Brings codefacts' stored findings (`findings` with source `codefacts`) up to date: the
    /// whole repository, every rule the configuration selects, as `check` finds them. Nothing
    /// is recomputed when the index and the selection are those they were computed for. With
    /// `may_write` false (`--no-index`), stale findings are only warned about.
    pub fn refresh_findings(&self, may_write: bool) -> Result<()> {
        use crate::config::SelectionLayer;
        let cli = SelectionLayer {
            from: "the report".into(),
            select: None,
            extend_select: Vec::new(),
            ignore: Vec::new(),
        };
        let (mut store, _) = crate::store::Store::open(&self.db)?;
        let writer = store.writer()?;
        let want = format!(
            "{}:{}",
            writer.meta("generation")?.unwrap_or_default(),
            crate::lint::Linted::selection_fingerprint(&self.config, &cli)
        );
        if writer.meta("findings")?.as_deref() == Some(want.as_str()) {
            return Ok(());
        }
        if !may_write {
            crate::warnln!(
                "codefacts' stored findings are not those of the current index and configuration; \
                 run without --no-index to bring them up to date"
            );
            return Ok(());
        }
        if writer.meta("semantic")?.as_deref() != Some("1") {
            anyhow::bail!("the index has no semantic layer, so no rule can run");
        }
        let linted = crate::lint::run(&self.config, &self.db, &cli, None)?;
        if linted.nothing_selected() {
            crate::warnln!(
                "no rule that codefacts implements is selected ({}): reports count only \
                 ingested findings and syntax errors",
                linted.describe()
            );
        }
        // The import reports ask for F821 themselves, as a user runs `ruff check --select
        // F821` (exclusions, per-file-ignores and noqa honoured; `select` not consulted):
        // where the configuration does not select it (networkx's), those findings are stored
        // apart, and no debt report counts them.
        let unselected: Vec<crate::diagnostics::Finding> = if linted.selects_everywhere("F821") {
            Vec::new()
        } else {
            let f821 = SelectionLayer {
                select: Some(vec!["F821".into()]),
                ..cli.clone()
            };
            let seen: std::collections::HashSet<(&str, u32, u32)> = linted
                .findings
                .iter()
                .filter(|f| f.code == "F821")
                .map(|f| (f.path.as_str(), f.line, f.col))
                .collect();
            crate::lint::run(&self.config, &self.db, &f821, None)?
                .findings
                .into_iter()
                .filter(|f| f.code == "F821" && !seen.contains(&(f.path.as_str(), f.line, f.col)))
                .collect()
        };
        for (source, findings) in [
            ("codefacts", &linted.findings),
            (UNSELECTED_F821, &unselected),
        ] {
            let mut rows: Vec<crate::store::FindingRow> =
                findings.iter().map(finding_row).collect();
            fill_identities(&self.config.root, &writer, &mut rows)?;
            writer.replace_findings(source, &rows)?;
        }
        writer.set_meta("findings", &want)?;
        writer.commit()?;
        store.finish()?;
        Ok(())
    }

    /// The ratchet's baseline file: `baseline` of `[tool.codefacts]`, else
    /// ROOT/codefacts-baseline.json.
    pub fn baseline_path(&self) -> PathBuf {
        self.config.root.join(
            self.config
                .baseline
                .as_deref()
                .unwrap_or(ratchet::DEFAULT_BASELINE),
        )
    }

    /// Loads the baseline's counts into `baseline_counts` when the file changed since they
    /// were loaded (none: the table is empty). A malformed baseline is a warning.
    pub fn refresh_baseline(&self, may_write: bool) -> Result<()> {
        let path = self.baseline_path();
        let (state, counts) = match std::fs::read(&path) {
            Ok(bytes) => {
                let state = crate::files::content_hash(&bytes);
                let parsed = std::str::from_utf8(&bytes)
                    .map_err(anyhow::Error::from)
                    .and_then(crate::ratchet::Baseline::parse);
                match parsed {
                    Ok(b) => {
                        let counts: Vec<(String, String, usize)> = b
                            .files
                            .iter()
                            .flat_map(|(p, rules)| {
                                rules
                                    .iter()
                                    .map(move |(c, e)| (p.clone(), c.clone(), e.count))
                            })
                            .collect();
                        (state, counts)
                    }
                    Err(e) => {
                        crate::warnln!(
                            "{}: not a codefacts baseline ({e:#}); reports compare with nothing",
                            path.display()
                        );
                        (format!("bad:{state}"), Vec::new())
                    }
                }
            }
            Err(_) => ("none".to_string(), Vec::new()),
        };
        let (mut store, _) = crate::store::Store::open(&self.db)?;
        let writer = store.writer()?;
        if writer.meta("baseline")?.as_deref() == Some(state.as_str()) || !may_write {
            return Ok(());
        }
        writer.replace_baseline_counts(&counts)?;
        writer.set_meta("baseline", &state)?;
        writer.commit()?;
        store.finish()?;
        Ok(())
    }

    /// [`Repo::refresh`] with every option of a run (`progress` is set here).
    pub fn refresh_with(&self, quiet: bool, opts: IndexOptions) -> Result<IndexSummary> {
        let summary = indexer::run(
            &self.config,
            &self.db,
            &IndexOptions {
                progress: std::io::stdout().is_terminal(),
                ..opts
            },
        )?;
        if let Some(why) = &summary.rebuilt {
            crate::errln!(
                "codefacts: rebuilt the index at {}: {why}",
                self.db.display()
            );
        }
        if !quiet && !summary.warnings.is_empty() {
            crate::errln!(
                "codefacts: {} warning(s) while indexing; `codefacts index -v` lists them",
                summary.warnings.len()
            );
        }
        Ok(summary)
    }
}

/// The `findings` source of F821 findings in files whose configuration does not select F821:
/// the import reports read them, no count of debt does.
pub const UNSELECTED_F821: &str = "f821-unselected";

/// One of codefacts' findings as a row of `findings`.
fn finding_row(f: &crate::diagnostics::Finding) -> crate::store::FindingRow {
    crate::store::FindingRow {
        path: f.path.clone(),
        code: f.code.clone(),
        name: Some(f.name.clone()),
        message: f.message.clone(),
        line: f.line.into(),
        col: f.col.into(),
        end_line: f.end_line.into(),
        end_col: f.end_col.into(),
        cell: None,
        noqa_row: (f.noqa_row > 0).then_some(f.noqa_row.into()),
        url: (!crate::diagnostics::is_syntax(f)).then(|| crate::diagnostics::url(&f.name)),
        severity: Some("error".into()),
        fix: None,
        scope: String::new(),
        anchor: String::new(),
    }
}
