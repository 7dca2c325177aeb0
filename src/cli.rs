//! Command-line types (clap). No behaviour lives here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "codefacts",
    version,
    about = "A Python repository as a queryable database of code facts",
    long_about = "codefacts indexes a Python repository (imports, definitions, __all__, returns \
outside functions, syntax errors, ...) into an SQLite database, incrementally, and answers \
SQL over it.\n\nExit codes: 0 success, 1 findings (check commands), 2 error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index (or re-index, incrementally) a repository.
    Index(IndexArgs),
    /// Run SQL over the index (brought up to date first).
    Sql(SqlArgs),
    /// Run a report from queries/ by its @id (`codefacts report --list` lists them;
    /// `query` is the same command under its old name).
    #[command(visible_alias = "query")]
    Report(ReportArgs),
    /// Print the database schema (schema.sql).
    Schema,
    /// Lint with the rule queries of queries/rules/ (F401, F403, F405, F706, F811, F821,
    /// F822, TID252, E902 and syntax errors), as `ruff check` does at the command line. Exit 1
    /// with findings, 0 without, 2 on errors.
    Check(CheckArgs),
    /// Store findings of another tool as facts, so reports count them (`ingest ruff
    /// FILE.json`, from `ruff check --output-format json`; `-` reads standard input).
    Ingest(IngestArgs),
    /// Fail when lint debt grows: compare the findings (codefacts' own and ingested Ruff
    /// ones) with a committed baseline by their identities, never their line numbers (exit
    /// 1 for a new finding, or a stale baseline in CI; docs/ratchet.md).
    Ratchet(RatchetArgs),
    /// The health report: findings by rule and by lane (strict lanes first), syntax errors,
    /// top offenders, import cycles, relative imports, and the trend over recorded snapshots
    /// (Markdown with a Mermaid chart, and JSON).
    Health(HealthArgs),
    /// Safe fixes from the facts (docs/fixes.md): prints a unified diff and a count of files
    /// and edits; `--apply` writes them (atomically, re-parsed, only where the facts prove the
    /// meaning is unchanged) and re-indexes. What is left unchanged is listed with the reason.
    Fix(FixArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FixKind {
    /// Relative imports TID252 flags (per `ban-relative-imports`) to the absolute module the
    /// resolver found; only the module part of the statement changes.
    RelativeImports,
    /// Unused imports (F401), name by name; by default only in test code (`--everywhere` for
    /// all). Never star imports, `try/except ImportError`, `__init__` files, `# noqa` lines or
    /// `__future__`.
    UnusedImports,
    /// Later duplicates of a module-level test class (F811 on `class Test...`) renamed
    /// `TestFoo_2`, `TestFoo_3`, ... (a name free in the module), so the runner sees each.
    DuplicateTestClasses,
    /// Undefined names (F821): the top import suggestion (`report import-suggestions`) at
    /// `--min-confidence` or above, merged into an existing `from M import` or added after the
    /// header and the first import block; once per name and file.
    MissingImports,
    /// Stale path prefixes in string literals (the `drift` report) replaced by the configured
    /// `renames`, only where the new path exists; in test code unless `--everywhere`.
    PathDrift,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    /// What to fix.
    pub kind: FixKind,
    /// Files or folders to fix [default: the whole repository]
    pub paths: Vec<PathBuf>,
    /// Write the fixes (without it: print the diff and change nothing).
    #[arg(long)]
    pub apply: bool,
    /// Fix at most N places.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// unused-imports and path-drift: every file, not only test code.
    #[arg(long)]
    pub everywhere: bool,
    /// missing-imports: the least confidence a suggestion needs (0..1).
    #[arg(long, value_name = "C", default_value_t = crate::commands::MISSING_IMPORTS_CONFIDENCE)]
    pub min_confidence: f64,
    /// Files to fix, as pre-commit passes them (with PATH: either).
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Do not bring the index up to date first.
    #[arg(long)]
    pub no_index: bool,
    /// Repository root [default: found from the current directory]
    #[arg(long, value_name = "PATH")]
    pub root: Option<PathBuf>,
    #[command(flatten)]
    pub repo: RepoArgs,
}

#[derive(Debug, Args)]
pub struct HealthArgs {
    /// Write the report as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub out_json: Option<PathBuf>,
    /// Write the report as Markdown to this file (without either, Markdown goes to stdout).
    #[arg(long, value_name = "FILE")]
    pub out_md: Option<PathBuf>,
    /// Append this snapshot to the history file.
    #[arg(long)]
    pub record: bool,
    /// The history file [default: `history` of [tool.codefacts], else
    /// ROOT/.codefacts/history.jsonl]
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// Do not bring the index up to date first.
    #[arg(long)]
    pub no_index: bool,
    /// Repository root [default: found from the current directory]
    #[arg(long, value_name = "PATH")]
    pub path: Option<PathBuf>,
    #[command(flatten)]
    pub repo: RepoArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RatchetBy {
    File,
    Owner,
    Lane,
    Code,
}

#[derive(Debug, Args)]
pub struct RatchetArgs {
    /// The baseline file [default: ROOT/codefacts-baseline.json]
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Track only this rule (repeatable) [default: the baseline's, else every rule]
    #[arg(long, value_name = "CODE")]
    pub track: Vec<String>,
    /// Count by this key in the table.
    #[arg(long, value_enum, default_value_t = RatchetBy::Code)]
    pub by: RatchetBy,
    /// Create the baseline from the current findings.
    #[arg(long, conflicts_with = "update")]
    pub init: bool,
    /// Rewrite the baseline from the current findings, new ones included.
    #[arg(long)]
    pub update: bool,
    /// Never rewrite the baseline; fail when it is stale (the default when `CI` is set).
    #[arg(long)]
    pub locked: bool,
    /// Compare with the findings at REV (its merge base with HEAD) instead of the baseline
    /// file: fails on findings new since; writes nothing.
    #[arg(long, value_name = "REV", conflicts_with_all = ["init", "update", "baseline"])]
    pub since: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Md)]
    pub format: Format,
    /// Do not bring the index up to date first.
    #[arg(long)]
    pub no_index: bool,
    /// Repository root [default: found from the current directory]
    #[arg(long, value_name = "PATH")]
    pub path: Option<PathBuf>,
    #[command(flatten)]
    pub repo: RepoArgs,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    #[command(subcommand)]
    pub tool: IngestTool,
}

#[derive(Debug, Subcommand)]
pub enum IngestTool {
    /// Ruff's findings: the output of `ruff check --output-format json` (or `json-lines`).
    /// Replaces the previous ingest; exit 2 and nothing changed when the file is malformed.
    Ruff(IngestRuffArgs),
}

#[derive(Debug, Args)]
pub struct IngestRuffArgs {
    /// The JSON file, or `-` for standard input.
    pub file: PathBuf,
    /// Do not bring the index up to date first.
    #[arg(long)]
    pub no_index: bool,
    /// Repository root [default: found from the current directory]
    #[arg(long, value_name = "PATH")]
    pub path: Option<PathBuf>,
    #[command(flatten)]
    pub repo: RepoArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to report on [default: the whole repository]
    pub paths: Vec<PathBuf>,
    /// Rule codes or prefixes to enable, comma-separated (overrides `select`).
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Option<Vec<String>>,
    /// Rule codes or prefixes to enable on top of `select`.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub extend_select: Vec<String>,
    /// Rule codes or prefixes to disable.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Vec<String>,
    /// Only report files of this lane (repeatable).
    #[arg(long)]
    pub lane: Vec<String>,
    /// Check only these files, trusting that they are all that changed since the last run (the
    /// staged files of a pre-commit hook): nothing else is read, and the next run without
    /// `--files` reconciles the rest. Without values, the PATHS are those files (so a hook's
    /// `entry: codefacts check --files` takes `args:` and then the file names).
    #[arg(long = "files", num_args = 0.., value_name = "FILE")]
    pub files_arg: Option<Vec<PathBuf>>,
    /// The files of `--files` (its values, or the PATHS when it has none).
    #[arg(skip)]
    pub files: Vec<PathBuf>,
    /// Output format [default: `output-format` of the configuration, else the
    /// `RUFF_OUTPUT_FORMAT` environment variable, else `full`, as Ruff 0.17]
    #[arg(long, value_enum)]
    pub output_format: Option<crate::diagnostics::OutputFormat>,
    /// Write the findings to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Print the number of findings per rule instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Print the findings and nothing else (no summary line, no warnings).
    #[arg(long, short = 'q', conflicts_with = "silent")]
    pub quiet: bool,
    /// Print nothing; the exit code says it all.
    #[arg(long, short = 's')]
    pub silent: bool,
    /// Accepted for Ruff's command lines; codefacts' index is its cache and always used.
    #[arg(long, hide = true)]
    pub no_cache: bool,
    /// Exit 0 even with findings.
    #[arg(long)]
    pub exit_zero: bool,
    /// Report only findings that are new since REV (a commit, tag or branch; a branch means
    /// its merge base with HEAD), matched by finding identities, never by line (docs/ci.md).
    #[arg(long, value_name = "REV")]
    pub since: Option<String>,
    /// Lane gate: report every finding, but exit 1 only for findings (syntax errors
    /// included) in strict lanes ([tool.codefacts.lanes]; files no lane matches are strict).
    #[arg(long)]
    pub gate: bool,
    /// Do not bring the index up to date first.
    #[arg(long)]
    pub no_index: bool,
    /// Leave out paths that `exclude` matches even when they are named on the command line
    /// (as Ruff; `.gitignore` never hides a path named explicitly).
    #[arg(long)]
    pub force_exclude: bool,
    /// Repository root [default: found from the first PATH or the current directory]
    #[arg(long, value_name = "PATH")]
    pub root: Option<PathBuf>,
    #[command(flatten)]
    pub repo: RepoArgs,
}

#[derive(Debug, Args, Clone)]
pub struct RepoArgs {
    /// Database file [default: ROOT/.codefacts/facts.db]
    #[arg(long, value_name = "FILE", global = true)]
    pub db: Option<PathBuf>,
    /// Override a setting, as `ruff --config`: `KEY = VALUE` in TOML, e.g.
    /// `--config "target-version = 'py311'"` or `--config "index-references = true"`
    /// (repeatable). Wins over `[tool.codefacts]` and Ruff's configuration.
    #[arg(long = "config", value_name = "KEY=VALUE", global = true)]
    pub config: Vec<String>,
    /// Ignore every configuration file (Ruff's, and `[tool.codefacts]`), as `ruff --isolated`:
    /// the defaults, with `--config` and `--target-version` on top.
    #[arg(long, global = true)]
    pub isolated: bool,
    /// The minimum Python version to support (`py37` ... `py314`), as Ruff's
    /// `--target-version`: wins over `target-version` and `requires-python`.
    #[arg(long, value_name = "VERSION", global = true)]
    pub target_version: Option<String>,
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Repository root [default: the nearest ancestor of the current directory holding
    /// pyproject.toml or .git]
    pub path: Option<PathBuf>,
    #[command(flatten)]
    pub repo: RepoArgs,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print each warning (unreadable files, symlink loops, ...), not just their count.
    #[arg(long, short)]
    pub verbose: bool,
    /// Build the semantic layer (scopes, bindings, unresolved references, noqa) now. `check`,
    /// and `sql`/`query` reading those tables, build it on first use; once built, every run
    /// keeps it current.
    #[arg(long)]
    pub semantic: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    Md,
    /// Graphviz DOT (reports that can be drawn).
    Dot,
    /// Mermaid flowchart, which renders in GitHub Markdown (reports that can be drawn).
    Mermaid,
}

#[derive(Debug, Args)]
pub struct SqlArgs {
    /// The SQL to run (one or more statements; the last result is printed).
    #[arg(required_unless_present = "file", conflicts_with = "file")]
    pub query: Option<String>,
    /// Read the SQL from a file (`-` for standard input).
    #[arg(long, short, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Output format. json, csv and md stream rows as they come; a table is laid out once
    /// all rows are in, so it stops at 10,000 rows and says so.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Stop the query after this many seconds (exit 2).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Do not bring the index up to date first.
    #[arg(long)]
    pub no_index: bool,
    /// Repository root [default: found from the current directory]
    #[arg(long, value_name = "PATH")]
    pub path: Option<PathBuf>,
    #[command(flatten)]
    pub repo: RepoArgs,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The report's @id (e.g. `import-graph`).
    #[arg(required_unless_present_any = ["list", "docs"])]
    pub id: Option<String>,
    /// Narrow the report to rows about files under these paths (its first `path` column) [default: the whole repository, wherever the report runs]
    pub paths: Vec<PathBuf>,
    /// List the reports.
    #[arg(long)]
    pub list: bool,
    /// Print docs/reports.md, generated from the reports' headers.
    #[arg(long, hide = true)]
    pub docs: bool,
    /// Set a report parameter `:NAME` (repeatable), e.g. `--param module=email.mime`.
    #[arg(long = "param", short = 'p', value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Stop the report after this many seconds (exit 2).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Do not bring the index up to date first.
    #[arg(long)]
    pub no_index: bool,
    /// Repository root [default: found from the current directory]
    #[arg(long, value_name = "PATH")]
    pub path: Option<PathBuf>,
    #[command(flatten)]
    pub repo: RepoArgs,
}
