//! One indexing run: discover, compare with the stored index, parse what changed (in
//! parallel, one salsa handle per job), resolve imports, write everything in one transaction.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use rayon::prelude::*;

use crate::config::Config;
use crate::db::{self, Content, Database, SourceFile, Workspace};
use crate::files::{self, Discovered, Warning};
use crate::resolve::{self, IndexedFile, ModulePath};
use crate::store::{FileRow, OpenNote, Store, Writer};

mod owners;

/// Options of a run.
#[derive(Debug, Clone, Default)]
pub struct IndexOptions {
    /// Show a progress bar (the caller decides: stdout is a terminal).
    pub progress: bool,
    /// Build the semantic layer (scopes, bindings, unresolved references, noqa) too. Once a
    /// database holds it, every later run keeps it current whatever this says.
    pub semantic: bool,
    /// Build the lookup indexes (by name, module) now. A cold `check` leaves them to the next
    /// run that wants them (its rules do not use them); see [`Writer::drop_indexes`].
    pub lookup_indexes: bool,
    /// Paths named on the command line (absolute): indexed even where discovery would not go
    /// (git-ignored, excluded, not `*.py`), as Ruff checks explicit paths.
    pub explicit: Vec<PathBuf>,
    /// `--force-exclude`: explicit paths that `exclude` matches are left out after all.
    pub force_exclude: bool,
    /// Trust that these files (absolute) are all that changed since the last run: no walk,
    /// only they are read (`check --files`, a pre-commit hook). The next run without it
    /// reconciles the rest: stat moved on any other file, files that came or went, ignore
    /// files. Not trusted (a full run) when a named path is a folder or missing, is not
    /// indexed yet, or a configuration file changed.
    pub only: Option<Vec<PathBuf>>,
    /// Contents that stand in for the work tree's (`--since`: the files as the base commit
    /// has them), by repo-relative path; `None`: the file is absent.
    pub overlay: Option<Arc<Overlay>>,
    /// The database is a scratch copy, deleted after this use: nothing is synced to disk.
    pub scratch: bool,
}

/// Files as another version of the tree has them (see [`IndexOptions::overlay`]).
#[derive(Debug, Default, Clone)]
pub struct Overlay {
    pub files: std::collections::BTreeMap<String, Option<Vec<u8>>>,
}

impl Overlay {
    /// Applies the overlay to the files found: absent ones go, present ones get the overlay's
    /// size and a stat no index holds (so they are read, from the overlay), new ones come.
    fn apply(&self, config: &Config, found: &mut Vec<Discovered>) {
        found.retain(|f| !matches!(self.files.get(&f.rel), Some(None)));
        let mut have: std::collections::HashSet<String> =
            found.iter().map(|f| f.rel.clone()).collect();
        for f in found.iter_mut() {
            if let Some(Some(bytes)) = self.files.get(&f.rel) {
                f.size = bytes.len() as u64;
                f.mtime_ns = -1;
            }
        }
        for (rel, bytes) in &self.files {
            let Some(bytes) = bytes else { continue };
            let python = [".py", ".pyi", ".ipynb"].iter().any(|e| rel.ends_with(e));
            if python && have.insert(rel.clone()) {
                found.push(Discovered {
                    rel: rel.clone(),
                    abs: files::from_rel(&config.root, rel),
                    size: bytes.len() as u64,
                    mtime_ns: -1,
                });
            }
        }
        found.sort_by(|a, b| a.rel.cmp(&b.rel));
    }

    fn content(&self, rel: &str) -> Option<&[u8]> {
        self.files.get(rel).and_then(|b| b.as_deref())
    }
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct IndexSummary {
    pub files: usize,
    pub parsed: usize,
    pub removed: usize,
    pub with_syntax_errors: usize,
    pub undecodable: usize,
    pub refused: usize,
    pub warnings: Vec<Warning>,
    pub rebuilt: Option<String>,
    pub elapsed: Duration,
}

impl IndexSummary {
    pub fn line(&self) -> String {
        let mut s = format!(
            "indexed {} files: {} parsed, {} removed, {} with syntax errors",
            self.files, self.parsed, self.removed, self.with_syntax_errors
        );
        if self.undecodable > 0 {
            s.push_str(&format!(", {} undecodable", self.undecodable));
        }
        if self.refused > 0 {
            s.push_str(&format!(
                ", {} not parsed (too large or too slow)",
                self.refused
            ));
        }
        if !self.warnings.is_empty() {
            s.push_str(&format!(", {} warnings", self.warnings.len()));
        }
        s.push_str(&format!(" in {:.2}s", self.elapsed.as_secs_f64()));
        s
    }
}

/// How a changed file is to be stored.
enum Fresh {
    /// Decoded: parse it.
    Text {
        hash: String,
        encoding: String,
        text: Arc<str>,
        /// A notebook's code cells.
        cells: Option<Vec<files::Cell>>,
    },
    /// Not parsed: undecodable or too large; `status` and `error` say why.
    Unparsed {
        hash: String,
        encoding: String,
        status: &'static str,
        error: String,
        lines: u32,
    },
}

enum Probe {
    /// Same bytes as stored: only the stat moved.
    Touched,
    Changed(Fresh),
    /// Could not be read; keep what the index had.
    Unreadable(Warning),
    /// Disappeared between the walk and the read.
    Vanished,
}

fn probe(
    f: &Discovered,
    stored_hash: Option<&str>,
    max_size: u64,
    overlay: Option<&Overlay>,
) -> Probe {
    if f.size > max_size {
        let hash = format!("unread:{}:{}", f.size, f.mtime_ns);
        if stored_hash == Some(hash.as_str()) {
            return Probe::Touched;
        }
        return Probe::Changed(Fresh::Unparsed {
            hash,
            encoding: "unknown".into(),
            status: "too_large",
            error: format!(
                "file is {} bytes, over the {} byte limit (max-file-size); not parsed",
                f.size, max_size
            ),
            lines: 0,
        });
    }
    let read = match overlay.and_then(|o| o.content(&f.rel)) {
        Some(bytes) => Ok(bytes.to_vec()),
        None => files::read(&f.abs),
    };
    let bytes = match read {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Probe::Vanished,
        Err(e) => {
            return Probe::Unreadable(Warning {
                path: f.rel.clone(),
                message: format!(
                    "cannot read: {}; previous facts kept",
                    files::io_message(&e)
                ),
            });
        }
    };
    let hash = files::content_hash(&bytes);
    if stored_hash == Some(hash.as_str()) {
        return Probe::Touched;
    }
    let decoded = files::decode_file(&f.abs, &bytes);
    match decoded.text {
        Ok(text) => Probe::Changed(Fresh::Text {
            hash,
            encoding: decoded.encoding,
            text: Arc::from(text),
            cells: decoded.cells,
        }),
        Err(error) => Probe::Changed(Fresh::Unparsed {
            hash,
            encoding: decoded.encoding,
            status: "undecodable",
            error,
            lines: bytecount_lines(&bytes),
        }),
    }
}

fn bytecount_lines(bytes: &[u8]) -> u32 {
    let n = bytes.iter().filter(|b| **b == b'\n').count();
    (n + usize::from(!bytes.is_empty() && !bytes.ends_with(b"\n"))) as u32
}

/// The top-level package of a module inside a package, unless it is a standard-library name:
/// imports of it are first-party (Ruff's isort "same package" rule).
fn first_party_package(m: &ModulePath) -> Option<&str> {
    let module = m.module.as_deref()?;
    let top = module.split('.').next()?;
    let in_package = m.is_package || module.contains('.');
    (in_package && !resolve::is_stdlib(top)).then_some(top)
}

/// CPU time used so far by the calling thread, in ms (Linux; for `CODEFACTS_TIMINGS`).
fn thread_cpu_ms() -> Option<f64> {
    cpu_ms("/proc/thread-self/stat")
}

/// CPU time used so far by the whole process, in ms (Linux; for `CODEFACTS_TIMINGS`).
fn process_cpu_ms() -> Option<f64> {
    cpu_ms("/proc/self/stat")
}

fn cpu_ms(proc_stat: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(proc_stat).ok()?;
    // Fields after the command name (which is in parentheses): utime and stime are the
    // 12th and 13th of them, in clock ticks (100 per second on Linux).
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) * 10.0)
}

/// Claims the next of `len` files to parse, if any is left.
fn parse_one_index(next: &std::sync::atomic::AtomicUsize, len: usize) -> Option<usize> {
    let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    (k < len).then_some(k)
}

/// A parsed file on its way from a rayon worker to the writer.
type Parsed = (usize, Arc<db::ParsedFile>, Arc<Vec<resolve::Resolution>>);

/// Discovery: the files of the repository, plus those named on the command line that
/// discovery does not reach (git-ignored, excluded, not `*.py`).
fn discover(config: &Config, opts: &IndexOptions) -> Result<files::Discovery> {
    let mut d = files::discover(config)?;
    if !opts.explicit.is_empty() {
        let extra = files::discover_explicit(config, &opts.explicit, opts.force_exclude, &d.files)?;
        if !extra.files.is_empty() {
            d.files.extend(extra.files);
            d.files.sort_by(|a, b| a.rel.cmp(&b.rel));
        }
        d.warnings.extend(extra.warnings);
    }
    Ok(d)
}

/// The configuration files a full run read, with their stat: while none moved (and no other
/// governs a file), a run may trust a list of changed files instead of walking the tree.
struct ConfigState {
    /// (absolute path, `size:mtime_ns` or `missing`), sorted by path.
    entries: Vec<(String, String)>,
}

impl ConfigState {
    fn stat_of(path: &Path) -> String {
        match std::fs::metadata(path) {
            Ok(md) => format!("{}:{}", md.len(), files::mtime_ns(&md)),
            Err(_) => "missing".to_string(),
        }
    }

    fn of_paths(paths: impl IntoIterator<Item = PathBuf>) -> ConfigState {
        let mut entries: Vec<(String, String)> = paths
            .into_iter()
            .map(|p| (p.to_string_lossy().into_owned(), Self::stat_of(&p)))
            .collect();
        entries.sort();
        entries.dedup();
        ConfigState { entries }
    }

    fn to_meta(&self) -> String {
        self.entries
            .iter()
            .map(|(p, st)| format!("{p}\t{st}\n"))
            .collect()
    }

    fn from_meta(meta: &str) -> ConfigState {
        ConfigState {
            entries: meta
                .lines()
                .filter_map(|l| l.split_once('\t'))
                .map(|(p, st)| (p.to_string(), st.to_string()))
                .collect(),
        }
    }
}

/// Every configuration file loaded so far, and the root's candidates (present or not).
fn config_state(config: &Config) -> ConfigState {
    let root = &config.root;
    let candidates = ["pyproject.toml", "ruff.toml", ".ruff.toml"].map(|n| root.join(n));
    ConfigState::of_paths(
        candidates.into_iter().chain(
            config
                .resolver
                .loaded()
                .iter()
                .filter_map(|r| r.settings.source.clone()),
        ),
    )
}

/// The changed named files of a trusted run, written without the module index of every file:
/// a file that still makes exactly the imports it made (an edit inside functions, say) keeps
/// the resolutions the index holds; one whose imports changed has them resolved against an
/// index of only the files those imports can reach (`ModuleIndex::names_consulted`), which
/// answers as the whole repository's does. `None` (nothing written) when a file is not text or
/// there are many files (they are parsed in parallel elsewhere). Returns the files whose
/// contribution to the import graph changed.
fn write_without_module_index(
    config: &Config,
    writer: &mut Writer<'_>,
    named: &[Discovered],
    stored: &HashMap<String, crate::store::StoredFile>,
    changed: &[(usize, Fresh)],
    summary: &mut IndexSummary,
) -> Result<Option<Vec<i64>>> {
    if changed.len() > 16 {
        return Ok(None);
    }
    let sdb = Database::default();
    // No paths: these files' imports are not resolved here.
    let ws = Workspace::new(&sdb, Arc::new(Vec::new()));
    let analysis = Analysis::new(config, true);
    let mut ready: Vec<Ready> = Vec::new();
    for (i, fresh) in changed {
        let f = &named[*i];
        let s = &stored[&f.rel];
        let Fresh::Text { text, .. } = fresh else {
            return Ok(None);
        };
        let module = resolve::module_path(&f.rel, &config.src);
        if module.module != s.module || module.source_root != s.source_root {
            return Ok(None);
        }
        let input = SourceFile::new(
            &sdb,
            f.rel.clone(),
            module.clone(),
            Content::Text(text.clone()),
            config.parse_timeout_ms,
            analysis.for_file(config, f)?,
            ws,
        );
        let parsed = db::file_facts(&sdb, input).clone();
        let before = writer.stored_resolutions(s.file_id)?;
        let imports = &parsed.facts.imports;
        let same = imports.len() == before.len()
            && imports.iter().zip(&before).all(|(now, (was, _, _))| {
                let mut now = now.clone();
                now.name_span = Default::default();
                now.stmt_span = Default::default();
                now == *was
            });
        let resolved: Vec<(resolve::Resolution, Option<i64>)> = if same {
            before.into_iter().map(|(_, r, t)| (r, t)).collect()
        } else {
            let mut names: Vec<String> = imports
                .iter()
                .flat_map(|i| resolve::ModuleIndex::names_consulted(&module, i))
                .collect();
            names.sort();
            names.dedup();
            let reach = writer.files_for_modules(&names)?;
            let (ids, files): (Vec<i64>, Vec<IndexedFile>) = reach.into_iter().unzip();
            let index = resolve::ModuleIndex::build(&files);
            imports
                .iter()
                .map(|i| {
                    let r = index.resolve(&module, i);
                    let target = r.target_file.map(|t| ids[t as usize]);
                    (r, target)
                })
                .collect()
        };
        ready.push(Ready {
            found: f,
            module,
            stored: s,
            fresh,
            parsed,
            resolved,
        });
    }
    let mut edges = Vec::new();
    for r in ready {
        let Fresh::Text {
            hash,
            encoding,
            cells,
            ..
        } = r.fresh
        else {
            unreachable!("only text is ready");
        };
        let (res, targets): (Vec<resolve::Resolution>, Vec<Option<i64>>) =
            r.resolved.into_iter().unzip();
        let moved = write_parsed(
            writer,
            config,
            &Placed {
                found: r.found,
                module: &r.module,
                lane: &r.stored.lane,
                id: r.stored.file_id,
                hash,
                encoding,
                cells: cells.as_deref(),
            },
            &r.parsed,
            &res,
            &targets,
            false,
            summary,
        )?;
        if moved {
            edges.push(r.stored.file_id);
        }
    }
    std::thread::spawn(move || drop(sdb));
    Ok(Some(edges))
}

/// A changed file parsed, its imports resolved (with the id of the file each loads), ready to
/// write.
struct Ready<'a> {
    found: &'a Discovered,
    module: ModulePath,
    stored: &'a crate::store::StoredFile,
    fresh: &'a Fresh,
    parsed: Arc<db::ParsedFile>,
    resolved: Vec<(resolve::Resolution, Option<i64>)>,
}

/// Whether the configuration files are those the last full run read, unmoved, and no other
/// was loaded since (one that governs a named file, say).
fn configuration_unchanged(config: &Config, writer: &Writer<'_>) -> Result<bool> {
    let Some(before) = writer
        .meta("config_files")?
        .map(|m| ConfigState::from_meta(&m))
    else {
        return Ok(false);
    };
    let listed: std::collections::HashSet<&str> =
        before.entries.iter().map(|(p, _)| p.as_str()).collect();
    let unlisted = config
        .resolver
        .loaded()
        .iter()
        .filter_map(|r| r.settings.source.clone())
        .any(|s| !listed.contains(s.to_string_lossy().as_ref()));
    let now = ConfigState::of_paths(before.entries.iter().map(|(p, _)| PathBuf::from(p)));
    Ok(!unlisted && now.entries == before.entries)
}

/// A run that trusts `named` (the named files [`files::discover_explicit`] keeps) to be all
/// that changed since the last run: no walk; only they are read, and, when one changed, the
/// placement of every indexed file (to resolve its imports). `None` (walk the tree instead)
/// when there is no current index with the semantic layer, a named file is not indexed yet or
/// vanished (the layout would change), or a configuration file moved, appeared or went since
/// the last full run.
fn run_trusted(
    config: &Config,
    db_path: &Path,
    named: files::Discovery,
    start: Instant,
    phase: &dyn Fn(&str),
) -> Result<Option<IndexSummary>> {
    let Some(mut store) = Store::open_current(db_path)? else {
        return Ok(None);
    };
    let mut writer = store.writer()?;
    if writer.meta("semantic")?.as_deref() != Some("1")
        || !configuration_unchanged(config, &writer)?
    {
        return Ok(None);
    }
    let rels: Vec<&str> = named.files.iter().map(|f| f.rel.as_str()).collect();
    let stored = writer.stored_files_at(&rels)?;
    let wanted = rels.len();
    if stored.len() != wanted {
        return Ok(None);
    }
    phase("read the named files' stored state");
    let mut summary = IndexSummary {
        files: writer.file_count()?,
        warnings: named.warnings,
        ..IndexSummary::default()
    };
    let mut named_found = named.files;
    let Changes { touched, changed } = probe_all(
        &mut named_found,
        &stored,
        false,
        config.max_file_size,
        None,
        None,
        &mut summary.warnings,
    );
    if named_found.len() != wanted {
        return Ok(None);
    }
    phase("probed the named files");
    if changed.is_empty() && touched.is_empty() {
        drop(writer);
        store.finish()?;
        summary.elapsed = start.elapsed();
        return Ok(Some(summary));
    }
    for i in &touched {
        let f = &named_found[*i];
        writer.touch(stored[&f.rel].file_id, f.size, f.mtime_ns)?;
    }
    let mut edge_files: Vec<i64> = Vec::new();
    let mut handles = None;
    let reused = match changed.is_empty() {
        true => None,
        false => write_without_module_index(
            config,
            &mut writer,
            &named_found,
            &stored,
            &changed,
            &mut summary,
        )?,
    };
    if let Some(edges) = reused {
        phase("parsed and wrote the changed files (without the module index of every file)");
        edge_files.extend(edges);
    } else if !changed.is_empty() {
        // Every file as the index placed it; only the named ones carry a path on disk and
        // their new stat (the others are never read: nothing of theirs changed).
        let layout = writer.meta("layout")?.unwrap_or_default();
        let rows = match writer.cached_placements(&layout)? {
            Some(rows) => rows,
            None => writer.placements()?,
        };
        phase("read every file's placement");
        let mut found: Vec<Discovered> = Vec::with_capacity(rows.len());
        let mut placements: Vec<(ModulePath, String)> = Vec::with_capacity(rows.len());
        let mut ids: Vec<i64> = Vec::with_capacity(rows.len());
        for (id, rel, module, lane) in rows {
            found.push(Discovered {
                rel,
                abs: PathBuf::new(),
                size: 0,
                mtime_ns: 0,
            });
            placements.push((module, lane));
            ids.push(id);
        }
        let position = |rel: &str| found.binary_search_by(|f| f.rel.as_str().cmp(rel)).ok();
        let mut at: Vec<(usize, usize)> = Vec::new();
        for (i, f) in named_found.iter().enumerate() {
            match position(&f.rel) {
                Some(j) => at.push((i, j)),
                None => return Ok(None),
            }
        }
        for (i, j) in &at {
            found[*j] = named_found[*i].clone();
        }
        let to_found: HashMap<usize, usize> = at.into_iter().collect();
        let changed: Vec<(usize, Fresh)> = changed
            .into_iter()
            .map(|(i, fr)| (to_found[&i], fr))
            .collect();
        let analysis = Analysis::new(config, true);
        let settings_of = |f: &files::Discovered| analysis.for_file(config, f);
        let Prepared {
            sdb,
            parse_inputs,
            meta,
            cached_inputs: _,
            edges_changed,
        } = prepare(
            &PrepareCtx {
                config,
                found: &found,
                placements: &placements,
                changed: &changed,
                stored: &stored,
                ids: &ids,
                fresh: false,
                layout_changed: false,
                settings_of: &settings_of,
            },
            &mut writer,
            &mut summary,
        )?;
        phase("prepared");
        let ctx = WriteCtx {
            config,
            found: &found,
            placements: &placements,
            meta: &meta,
            ids: &ids,
            fresh: false,
            early_indexes: false,
            progress: false,
            timings: crate::term::timings(),
            phase,
        };
        let (handle, parsed_edges) =
            parse_and_write(&ctx, &mut writer, &sdb, &parse_inputs, &mut summary)?;
        phase("parsed and wrote the changed files");
        edge_files.extend(edges_changed);
        edge_files.extend(parsed_edges);
        handles = Some((handle, sdb));
    }
    edge_files.sort_unstable();
    edge_files.dedup();
    if !edge_files.is_empty() && writer.update_derived(Some(&edge_files))? {
        phase("derived the import graph's cycles");
    }
    let generation = writer
        .meta("generation")?
        .and_then(|g| g.parse::<u64>().ok())
        .unwrap_or(0);
    writer.set_meta("generation", &(generation + 1).to_string())?;
    writer.commit()?;
    store.finish()?;
    phase("committed");
    summary.elapsed = start.elapsed();
    if let Some(h) = handles {
        std::thread::spawn(move || drop(h));
    }
    Ok(Some(summary))
}

/// The analysis settings of each configuration (target version, builtins) and their
/// fingerprint: when it changes, every file is analysed again.
struct Analysis {
    per_config: HashMap<PathBuf, Arc<db::AnalysisSettings>>,
    default: Arc<db::AnalysisSettings>,
    fingerprint: String,
}

impl Analysis {
    /// Call after discovery, which loads every configuration.
    fn new(config: &Config, semantic: bool) -> Analysis {
        let settings = |target_minor: u8, builtins: Vec<String>| {
            Arc::new(db::AnalysisSettings {
                target_minor,
                builtins,
                references: config.index_references,
                semantic,
            })
        };
        let per_config: HashMap<PathBuf, Arc<db::AnalysisSettings>> = config
            .resolver
            .loaded()
            .iter()
            .map(|r| {
                (
                    r.settings.dir.clone(),
                    settings(r.settings.target_minor, r.settings.lint.builtins.clone()),
                )
            })
            .collect();
        let mut h = blake3::Hasher::new();
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        // The sources of the analysis (build.rs): a changed extractor re-analyses every file.
        h.update(env!("CODEFACTS_SOURCE_HASH").as_bytes());
        let mut dirs: Vec<&PathBuf> = per_config.keys().collect();
        dirs.sort();
        for d in dirs {
            // Relative to the root: a clone elsewhere analyses the same way.
            h.update(
                d.strip_prefix(&config.root)
                    .unwrap_or(d)
                    .to_string_lossy()
                    .as_bytes(),
            );
            h.update(format!("{:?}", per_config[d]).as_bytes());
        }
        Analysis {
            per_config,
            default: settings(crate::config::DEFAULT_TARGET_MINOR, Vec::new()),
            fingerprint: h.finalize().to_hex()[..16].to_string(),
        }
    }

    /// The settings of the configuration that governs `f`.
    fn for_file(
        &self,
        config: &Config,
        f: &files::Discovered,
    ) -> Result<Arc<db::AnalysisSettings>> {
        let dir = &config.resolver.for_file(&f.abs)?.settings.dir;
        Ok(self.per_config.get(dir).unwrap_or(&self.default).clone())
    }
}

/// What probing found: files whose bytes are unchanged (only their stat moved), and files to
/// store anew (indexes into the found files).
struct Changes {
    touched: Vec<usize>,
    changed: Vec<(usize, Fresh)>,
}

/// Probes every file whose stat moved (or that is new, or every file when `reanalyse`), in
/// parallel. Files that vanished, or are new and unreadable, are dropped from `found`.
fn probe_all(
    found: &mut Vec<Discovered>,
    stored: &HashMap<String, crate::store::StoredFile>,
    reanalyse: bool,
    max_file_size: u64,
    overlay: Option<&Overlay>,
    git_clean: Option<&HashMap<String, String>>,
    warnings: &mut Vec<Warning>,
) -> Changes {
    let probes: Vec<(usize, Probe)> = found
        .par_iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let s = stored.get(&f.rel).filter(|_| !reanalyse);
            if let Some(s) = s
                && s.size == f.size
                && s.mtime_ns == f.mtime_ns
            {
                return None;
            }
            // Only the stat moved (a fresh clone) and git vouches for the bytes: the hash is
            // git's blob id, so the file need not be read.
            if let (Some(s), Some(clean)) = (s, git_clean)
                && s.size == f.size
                && overlay.is_none_or(|o| !o.files.contains_key(&f.rel))
                && clean.get(&f.rel).is_some_and(|oid| *oid == s.hash)
            {
                return Some((i, Probe::Touched));
            }
            Some((
                i,
                probe(f, s.map(|s| s.hash.as_str()), max_file_size, overlay),
            ))
        })
        .collect();
    let mut touched = Vec::new();
    let mut changed: Vec<(usize, Fresh)> = Vec::new();
    let mut dropped = Vec::new();
    for (i, p) in probes {
        match p {
            Probe::Touched => touched.push(i),
            Probe::Changed(fr) => changed.push((i, fr)),
            Probe::Vanished => {
                warnings.push(Warning {
                    path: found[i].rel.clone(),
                    message: "vanished during the run".into(),
                });
                dropped.push(i);
            }
            Probe::Unreadable(w) => {
                warnings.push(w);
                if !stored.contains_key(&found[i].rel) {
                    dropped.push(i);
                }
            }
        }
    }
    if !dropped.is_empty() {
        dropped.sort_unstable();
        let mut remap = vec![None; found.len()];
        let mut next = 0;
        for (i, slot) in remap.iter_mut().enumerate() {
            if dropped.binary_search(&i).is_err() {
                *slot = Some(next);
                next += 1;
            }
        }
        touched = touched.into_iter().filter_map(|i| remap[i]).collect();
        changed = changed
            .into_iter()
            .filter_map(|(i, f)| remap[i].map(|j| (j, f)))
            .collect();
        let mut k = 0;
        found.retain(|_| {
            let keep = dropped.binary_search(&k).is_err();
            k += 1;
            keep
        });
    }
    Changes { touched, changed }
}

/// Where every file sits: its module path and lane, and the layout fingerprint (settings and
/// every path, module and lane: when it changes, every stored import is resolved again).
struct Placement {
    placements: Vec<(ModulePath, String)>,
    layout: String,
}

fn place(config: &Config, lanes: &crate::config::Lanes, found: &[Discovered]) -> Placement {
    let placements: Vec<(ModulePath, String)> = found
        .iter()
        .map(|f| {
            let m = resolve::module_path(&f.rel, &config.src);
            let lane = lanes
                .lane_of(&f.rel)
                .map(|i| config.lanes[i].name.clone())
                .unwrap_or_else(|| "default".to_string());
            (m, lane)
        })
        .collect();
    let mut h = blake3::Hasher::new();
    h.update(config.fingerprint().as_bytes());
    for (f, (m, lane)) in found.iter().zip(&placements) {
        h.update(f.rel.as_bytes());
        h.update(b"\0");
        h.update(m.module.as_deref().unwrap_or("").as_bytes());
        h.update(b"\0");
        h.update(lane.as_bytes());
        h.update(b"\n");
    }
    Placement {
        placements,
        layout: h.finalize().to_hex()[..32].to_string(),
    }
}

/// The ids of stored files that are gone, in path order.
fn removed_ids(
    found: &[Discovered],
    stored: &HashMap<String, crate::store::StoredFile>,
) -> Vec<i64> {
    let present: std::collections::HashSet<&str> = found.iter().map(|f| f.rel.as_str()).collect();
    let mut r: Vec<(&String, i64)> = stored
        .iter()
        .filter(|(p, _)| !present.contains(p.as_str()))
        .map(|(p, s)| (p, s.file_id))
        .collect();
    r.sort();
    r.into_iter().map(|(_, id)| id).collect()
}

/// (hash, encoding, a notebook's cells) of a file to parse.
type FileMeta<'a> = (&'a str, &'a str, Option<&'a [files::Cell]>);

/// What preparing the parse reads.
struct PrepareCtx<'a> {
    config: &'a Config,
    found: &'a [Discovered],
    placements: &'a [(ModulePath, String)],
    changed: &'a [(usize, Fresh)],
    stored: &'a HashMap<String, crate::store::StoredFile>,
    ids: &'a [i64],
    fresh: bool,
    layout_changed: bool,
    settings_of: &'a dyn Fn(&Discovered) -> Result<Arc<db::AnalysisSettings>>,
}

/// The salsa inputs of a run.
struct Prepared<'a> {
    sdb: Database,
    /// Files to parse: (index into `found`, input).
    parse_inputs: Vec<(usize, SourceFile)>,
    /// (hash, encoding) of each file to parse.
    meta: HashMap<usize, FileMeta<'a>>,
    /// Files whose stored imports are resolved again (the layout changed), with the rowids of
    /// those imports.
    cached_inputs: Vec<(SourceFile, Vec<i64>)>,
    /// Files written here whose contribution to the import graph changed.
    edges_changed: Vec<i64>,
}

/// Sets up the salsa database: an input per changed file (files that cannot be parsed are
/// written right away), and one per unchanged file whose imports must be resolved again.
fn prepare<'a>(
    p: &PrepareCtx<'a>,
    writer: &mut Writer<'_>,
    summary: &mut IndexSummary,
) -> Result<Prepared<'a>> {
    let mut edges_changed: Vec<i64> = Vec::new();
    // The salsa database for this run.
    let sdb = Database::default();
    let indexed: Vec<IndexedFile> = p
        .found
        .iter()
        .zip(p.placements)
        .map(|(f, (m, _))| IndexedFile {
            rel_path: f.rel.clone(),
            module: m.clone(),
        })
        .collect();
    let ws = Workspace::new(&sdb, Arc::new(indexed));
    let budget = p.config.parse_timeout_ms;
    let mut parse_inputs: Vec<(usize, SourceFile)> = Vec::new();
    let mut meta: HashMap<usize, FileMeta> = HashMap::new();
    for (i, fr) in p.changed {
        let f = &p.found[*i];
        let (module, lane) = &p.placements[*i];
        match fr {
            Fresh::Text {
                text,
                hash,
                encoding,
                cells,
            } => {
                meta.insert(*i, (hash.as_str(), encoding.as_str(), cells.as_deref()));
                parse_inputs.push((
                    *i,
                    SourceFile::new(
                        &sdb,
                        f.rel.clone(),
                        module.clone(),
                        Content::Text(text.clone()),
                        budget,
                        (p.settings_of)(f)?,
                        ws,
                    ),
                ));
            }
            Fresh::Unparsed {
                hash,
                encoding,
                status,
                error,
                lines,
            } => {
                if *status == "undecodable" {
                    summary.undecodable += 1;
                } else {
                    summary.refused += 1;
                }
                writer.upsert_file(
                    p.ids[*i],
                    &FileRow {
                        path: &f.rel,
                        module,
                        lane,
                        size: f.size,
                        mtime_ns: f.mtime_ns,
                        lines: *lines,
                        hash,
                        encoding,
                        status,
                        error: Some(error),
                        decode_errors: u32::from(*status == "undecodable"),
                        syntax_errors: 0,
                    },
                )?;
                let before = (!p.fresh)
                    .then(|| writer.edge_digest(p.ids[*i]))
                    .transpose()?;
                writer.replace_facts(
                    p.ids[*i],
                    &Default::default(),
                    None,
                    None,
                    &[],
                    &[],
                    p.fresh,
                )?;
                if before.is_none_or(|b| b != writer.edge_digest(p.ids[*i]).unwrap_or(0)) {
                    edges_changed.push(p.ids[*i]);
                }
            }
        }
    }
    // When the module layout changed, every stored import is resolved again.
    let mut cached_inputs: Vec<(SourceFile, Vec<i64>)> = Vec::new();
    if p.layout_changed && !p.stored.is_empty() {
        let changed_set: std::collections::HashSet<usize> =
            p.changed.iter().map(|(i, _)| *i).collect();
        let mut cached = writer.cached_imports()?;
        for (i, f) in p.found.iter().enumerate() {
            if changed_set.contains(&i) {
                continue;
            }
            let Some(s) = p.stored.get(&f.rel) else {
                continue;
            };
            if let Some((imports, rowids)) = cached.by_file.remove(&s.file_id) {
                let input = SourceFile::new(
                    &sdb,
                    f.rel.clone(),
                    p.placements[i].0.clone(),
                    Content::CachedImports(imports),
                    budget,
                    (p.settings_of)(f)?,
                    ws,
                );
                cached_inputs.push((input, rowids));
            }
        }
    }
    Ok(Prepared {
        sdb,
        parse_inputs,
        meta,
        cached_inputs,
        edges_changed,
    })
}

/// What the parse-and-write phase reads.
struct WriteCtx<'a> {
    config: &'a Config,
    found: &'a [Discovered],
    placements: &'a [(ModulePath, String)],
    /// (hash, encoding) of each file to parse, by index into `found`.
    meta: &'a HashMap<usize, FileMeta<'a>>,
    ids: &'a [i64],
    /// A first build: nothing to delete before inserting.
    fresh: bool,
    /// A bulk load that builds the lookup indexes while the last files are parsed.
    early_indexes: bool,
    progress: bool,
    timings: bool,
    phase: &'a dyn Fn(&str),
}

/// A parsed file and where it goes.
struct Placed<'a> {
    found: &'a Discovered,
    module: &'a ModulePath,
    lane: &'a str,
    id: i64,
    hash: &'a str,
    encoding: &'a str,
    cells: Option<&'a [files::Cell]>,
}

/// Writes one parsed file: its row, facts and resolved imports (`targets`: the file id each
/// import loads). Returns whether its contribution to the import graph changed.
#[allow(clippy::too_many_arguments)]
fn write_parsed(
    writer: &mut Writer<'_>,
    config: &Config,
    at: &Placed<'_>,
    parsed: &db::ParsedFile,
    res: &[resolve::Resolution],
    targets: &[Option<i64>],
    fresh: bool,
    summary: &mut IndexSummary,
) -> Result<bool> {
    summary.parsed += 1;
    let n_syntax = parsed.facts.syntax_errors.len() as u32;
    if n_syntax > 0 {
        summary.with_syntax_errors += 1;
    }
    let error = parsed.failure.as_ref().map(|f| format!("{f}; not parsed"));
    let status = match &parsed.failure {
        Some(_) => {
            summary.refused += 1;
            "parse_timeout"
        }
        None if n_syntax > 0 => "syntax_error",
        None => "ok",
    };
    writer.upsert_file(
        at.id,
        &FileRow {
            path: &at.found.rel,
            module: at.module,
            lane: at.lane,
            size: at.found.size,
            mtime_ns: at.found.mtime_ns,
            lines: parsed.facts.lines,
            hash: at.hash,
            encoding: at.encoding,
            status,
            error: error.as_deref(),
            decode_errors: 0,
            syntax_errors: n_syntax,
        },
    )?;
    let before = (!fresh).then(|| writer.edge_digest(at.id)).transpose()?;
    writer.replace_facts(
        at.id,
        &parsed.facts,
        parsed
            .semantic
            .as_ref()
            .map(|s| (s, config.index_references)),
        first_party_package(at.module),
        res,
        targets,
        fresh,
    )?;
    if let Some(cells) = at.cells {
        writer.set_cells(at.id, cells)?;
    }
    Ok(before.is_none_or(|b| b != writer.edge_digest(at.id).unwrap_or(0)))
}

/// Parses the changed files in parallel (one salsa handle per rayon job) and writes each as it
/// arrives, on this thread, which holds the transaction and parses too. Returns the salsa
/// handle the helpers cloned (freed later, off the critical path).
fn parse_and_write(
    ctx: &WriteCtx<'_>,
    writer: &mut Writer<'_>,
    sdb: &Database,
    parse_inputs: &[(usize, SourceFile)],
    summary: &mut IndexSummary,
) -> Result<(std::sync::Mutex<Database>, Vec<i64>)> {
    let mut edges_changed: Vec<i64> = Vec::new();
    let target_ids = |res: &[resolve::Resolution]| -> Vec<Option<i64>> {
        res.iter()
            .map(|r| r.target_file.and_then(|t| ctx.ids.get(t as usize).copied()))
            .collect()
    };
    // Parse in parallel (one salsa handle per rayon job) and write each file as it arrives.
    let bar = (ctx.progress && parse_inputs.len() >= 200).then(|| {
        let pb = indicatif::ProgressBar::new(parse_inputs.len() as u64);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} parsing {pos}/{len} files [{bar:40}] {elapsed_precise}",
            )
            .unwrap()
            .progress_chars("=> "),
        );
        pb
    });
    // `Database` is Send but not Sync: each rayon job clones its own handle.
    let handle = std::sync::Mutex::new(sdb.clone());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let parse_one = |db: &Database, k: usize| -> Option<Parsed> {
        let (i, file) = parse_inputs.get(k)?;
        let parsed = db::file_facts(db, *file).clone();
        let res = db::resolved_imports(db, *file).clone();
        if let Some(pb) = &bar {
            pb.inc(1);
        }
        Some((*i, parsed, res))
    };
    let claim = || parse_one_index(&next, parse_inputs.len());
    // The writer's thread parses too: with one helper per other core there are as many busy
    // threads as cores, and the writes fill the writer's gaps instead of preempting a parse.
    let helpers = rayon::current_num_threads().saturating_sub(1);
    let write_result: Result<()> = rayon::in_place_scope(|scope| {
        // Salsa keeps every file's facts until the run ends anyway, so a deep queue costs no
        // memory; it lets the helpers go on while the writer builds the lookup indexes.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Parsed>(4096);
        for _ in 0..helpers {
            let tx = tx.clone();
            let (handle, parse_one, claim) = (&handle, &parse_one, &claim);
            scope.spawn(move |_| {
                let db = handle.lock().unwrap().clone();
                while let Some(k) = claim() {
                    let Some(p) = parse_one(&db, k) else { break };
                    // A closed channel means the writer failed: stop.
                    if tx.send(p).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut busy = std::time::Duration::ZERO;
        let writer_cpu_start = thread_cpu_ms();
        // On a bulk load, the lookup indexes are built when the last 4% of the files are still
        // being parsed: the build (a sort of every row so far, on this thread) overlaps the
        // end of the parsing instead of following it on one core, and the last files' rows
        // go into the built indexes.
        let early_indexes = ctx
            .early_indexes
            .then(|| parse_inputs.len() - (parse_inputs.len() / 25).max(1));
        let mut written = 0usize;
        let mut write = |(i, parsed, res): Parsed| -> Result<()> {
            if Some(written) == early_indexes {
                writer.create_indexes()?;
                (ctx.phase)("built the lookup indexes");
            }
            written += 1;
            let t0 = Instant::now();
            let (module, lane) = &ctx.placements[i];
            let (hash, encoding, cells) = ctx.meta[&i];
            let edge_moved = write_parsed(
                writer,
                ctx.config,
                &Placed {
                    found: &ctx.found[i],
                    module,
                    lane,
                    id: ctx.ids[i],
                    hash,
                    encoding,
                    cells,
                },
                &parsed,
                &res,
                &target_ids(&res),
                ctx.fresh,
                summary,
            )?;
            if edge_moved {
                edges_changed.push(ctx.ids[i]);
            }
            busy += t0.elapsed();
            Ok(())
        };
        // Write what the helpers parsed, then parse one file here; when none is left, write
        // the rest as it arrives.
        loop {
            while let Ok(p) = rx.try_recv() {
                write(p)?;
            }
            let Some(p) = claim().and_then(|k| parse_one(sdb, k)) else {
                break;
            };
            write(p)?;
        }
        (ctx.phase)("parsed every changed file");
        for p in rx {
            write(p)?;
        }
        if ctx.timings {
            crate::errln!(
                "timing: writing took {:.1} ms (wall) of the main thread, which parsed too and used {:.0} ms of CPU",
                busy.as_secs_f64() * 1e3,
                thread_cpu_ms().unwrap_or(f64::NAN) - writer_cpu_start.unwrap_or(f64::NAN)
            );
        }
        Ok(())
    });
    if let Some(pb) = bar {
        pb.finish_and_clear();
    }
    write_result?;
    Ok((handle, edges_changed))
}

/// Runs one incremental indexing of `config.root` into `db_path`.
///
/// Everything from reading the stored state to the commit happens in one write transaction:
/// runs are serialised (a second run waits, then finds the work done), and a run killed at
/// any point leaves the previous index as it was.
pub fn run(config: &Config, db_path: &Path, opts: &IndexOptions) -> Result<IndexSummary> {
    let start = Instant::now();
    let timings = std::env::var_os("CODEFACTS_TIMINGS").is_some();
    let phase = |name: &str| {
        if timings {
            crate::errln!(
                "timing: {name} at {:.1} ms (process CPU {:.0} ms)",
                start.elapsed().as_secs_f64() * 1e3,
                process_cpu_ms().unwrap_or(f64::NAN)
            );
        }
    };
    if let Some(named) = &opts.only
        && opts.overlay.is_none()
        && !named.is_empty()
        && named.iter().all(|p| p.is_file())
    {
        let d = files::discover_explicit(config, named, opts.force_exclude, &[])?;
        if let Some(summary) = run_trusted(config, db_path, d, start, &phase)? {
            return Ok(summary);
        }
        phase("the named files cannot be trusted alone: the whole tree is walked");
    }
    let lanes = config.lanes()?;
    let files::Discovery {
        files: mut found,
        manifests,
        others,
        mut warnings,
    } = discover(config, opts)?;
    if let Some(overlay) = &opts.overlay {
        overlay.apply(config, &mut found);
    }
    let others_digest = {
        let mut h = blake3::Hasher::new();
        for p in &others {
            h.update(p.as_bytes());
            h.update(b"\n");
        }
        h.finalize().to_hex()[..16].to_string()
    };
    // `.gitignore` is honoured or not for the whole walk, as the root configuration says.
    let root_gitignore = config.settings().respect_gitignore;
    for r in config.resolver.loaded() {
        if r.settings.respect_gitignore != root_gitignore
            && let Some(source) = &r.settings.source
        {
            warnings.push(Warning {
                path: files::rel_path(&config.root, source)
                    .unwrap_or_else(|| source.display().to_string()),
                message: format!(
                    "`respect-gitignore = {}` is not honoured below the root configuration \
                     (codefacts reads it from the root only, where it is {root_gitignore})",
                    r.settings.respect_gitignore
                ),
            });
        }
    }
    phase("discovered");
    let (mut store, note) = Store::open(db_path)?;
    if opts.scratch {
        store.as_scratch()?;
    }
    let rebuilt = match note {
        OpenNote::Rebuilt(why) => Some(why),
        _ => None,
    };
    let mut writer = store.writer()?;
    let stored = writer.stored_files()?;
    let semantic = opts.semantic || writer.meta("semantic")?.as_deref() == Some("1");
    let analysis = Analysis::new(config, semantic);
    let settings_of = |f: &files::Discovered| analysis.for_file(config, f);
    let reanalyse =
        !stored.is_empty() && writer.meta("analysis")?.as_deref() != Some(&analysis.fingerprint);
    phase("read stored state");

    // Many stats moved (a fresh clone, a checkout of another branch): ask git which files it
    // knows unmodified, and their blob ids, instead of reading them all.
    let moved = if reanalyse {
        0
    } else {
        found
            .iter()
            .filter(|f| {
                stored
                    .get(&f.rel)
                    .is_some_and(|s| s.size == f.size && s.mtime_ns != f.mtime_ns)
            })
            .count()
    };
    let git_clean = (moved >= 256 && moved * 10 >= found.len())
        .then(|| crate::git::clean_blobs(&config.root))
        .flatten();
    if git_clean.is_some() {
        phase("asked git which files are unmodified");
    }
    let Changes { touched, changed } = probe_all(
        &mut found,
        &stored,
        reanalyse,
        config.max_file_size,
        opts.overlay.as_deref(),
        git_clean.as_ref(),
        &mut warnings,
    );
    let owner_changes = owners::probe(config, &manifests, &writer, &mut warnings)?;
    phase("probed changed files");

    let Placement { placements, layout } = place(config, &lanes, &found);
    let layout_changed = writer.meta("layout")?.as_deref() != Some(layout.as_str());
    let pending_indexes = writer.meta("indexes_pending")?.as_deref() == Some("1");
    let build_pending = pending_indexes && opts.lookup_indexes;
    let removed = removed_ids(&found, &stored);
    let others_changed = writer.meta("repo_files")?.as_deref() != Some(others_digest.as_str());
    let files_came_or_went =
        !removed.is_empty() || found.iter().any(|f| !stored.contains_key(&f.rel));

    let mut summary = IndexSummary {
        files: found.len(),
        removed: removed.len(),
        warnings,
        rebuilt,
        ..IndexSummary::default()
    };
    // Nothing to do: leave the database untouched (the transaction rolls back).
    if changed.is_empty()
        && touched.is_empty()
        && removed.is_empty()
        && !layout_changed
        && !reanalyse
        && !build_pending
        && !owner_changes.any()
        && !others_changed
    {
        // The index is current. If the configuration files' stats moved (a checkout that
        // touched them, the tree copied elsewhere) it is current for them too: recording that
        // lets `check --files` trust the named files again, instead of walking the tree until
        // some run changes something.
        let configs = config_state(config).to_meta();
        let root = config.root.to_string_lossy();
        if writer.meta("config_files")?.as_deref() != Some(configs.as_str())
            || writer.meta("root")?.as_deref() != Some(root.as_ref())
        {
            writer.set_meta("config_files", &configs)?;
            writer.set_meta("root", &root)?;
            writer.commit()?;
        } else {
            drop(writer);
        }
        store.finish()?;
        summary.elapsed = start.elapsed();
        return Ok(summary);
    }

    // Every file's id: the stored one, or a new one.
    let mut next_id = writer.max_file_id()? + 1;
    let ids: Vec<i64> = found
        .iter()
        .map(|f| match stored.get(&f.rel) {
            Some(s) => s.file_id,
            None => {
                next_id += 1;
                next_id - 1
            }
        })
        .collect();
    // Loading an empty index: build the secondary indexes once at the end.
    let bulk = stored.is_empty() && changed.len() >= 64;
    if bulk {
        writer.drop_indexes()?;
    }
    for id in &removed {
        writer.remove_file(*id)?;
    }
    for i in &touched {
        writer.touch(ids[*i], found[*i].size, found[*i].mtime_ns)?;
    }
    if layout_changed {
        for (i, f) in found.iter().enumerate() {
            if let Some(s) = stored.get(&f.rel) {
                let (m, lane) = &placements[i];
                if s.module != m.module || &s.lane != lane || s.source_root != m.source_root {
                    writer.update_placement(ids[i], m, lane)?;
                }
            }
        }
    }
    let fresh = stored.is_empty();
    let target_ids = |res: &[resolve::Resolution]| -> Vec<Option<i64>> {
        res.iter()
            .map(|r| r.target_file.and_then(|t| ids.get(t as usize).copied()))
            .collect()
    };

    let Prepared {
        sdb,
        parse_inputs,
        meta,
        cached_inputs,
        edges_changed: prepared_edges_changed,
    } = prepare(
        &PrepareCtx {
            config,
            found: &found,
            placements: &placements,
            changed: &changed,
            stored: &stored,
            ids: &ids,
            fresh,
            layout_changed,
            settings_of: &settings_of,
        },
        &mut writer,
        &mut summary,
    )?;
    phase("prepared");

    let ctx = WriteCtx {
        config,
        found: &found,
        placements: &placements,
        meta: &meta,
        ids: &ids,
        fresh,
        early_indexes: bulk && opts.lookup_indexes,
        progress: opts.progress,
        timings,
        phase: &phase,
    };
    let (handle, parsed_edges_changed) =
        parse_and_write(&ctx, &mut writer, &sdb, &parse_inputs, &mut summary)?;
    phase("parsed and wrote changed files");

    for (input, rowids) in &cached_inputs {
        let res = db::resolved_imports(&sdb, *input);
        let targets = target_ids(res);
        for ((rowid, r), t) in rowids.iter().zip(res.iter()).zip(targets) {
            writer.update_resolution(*rowid, r, t)?;
        }
    }
    if (bulk && opts.lookup_indexes) || build_pending {
        writer.create_indexes()?;
        writer.set_meta("indexes_pending", "0")?;
        phase("built indexes");
    } else if bulk {
        writer.set_meta("indexes_pending", "1")?;
    }
    if layout_changed {
        writer.set_layout(
            &config.lanes,
            &config.src,
            &config.settings().lint.known_first_party,
            &config.renames,
        )?;
        writer.set_meta("layout", &layout)?;
    }
    if layout_changed || writer.meta("placements_layout")?.as_deref() != Some(layout.as_str()) {
        writer.cache_placements(&layout)?;
    }
    // The import graph's components, cycles and breakers, when an edge may have changed: a
    // rewritten file's imports differ, files came or went, or imports were resolved anew.
    let mut edge_files = parsed_edges_changed;
    edge_files.extend(prepared_edges_changed);
    edge_files.sort_unstable();
    edge_files.dedup();
    let whole_graph =
        layout_changed || !removed.is_empty() || writer.meta("graph_edges")?.is_none();
    let graph_may_change = !edge_files.is_empty() || whole_graph;
    let only = (!whole_graph).then_some(edge_files.as_slice());
    phase("resolved again");
    if graph_may_change && writer.update_derived(only)? {
        phase("derived the import graph's cycles");
    }
    if owners::write(
        config,
        owner_changes,
        files_came_or_went,
        &writer,
        &found,
        &ids,
        &mut summary.warnings,
    )? {
        phase("assigned owners");
    }
    if others_changed {
        writer.replace_repo_files(&others)?;
        writer.set_meta("repo_files", &others_digest)?;
    }
    // Counts the runs that changed the index: what stored findings are compared against.
    let generation = writer
        .meta("generation")?
        .and_then(|g| g.parse::<u64>().ok())
        .unwrap_or(0);
    writer.set_meta("generation", &(generation + 1).to_string())?;
    writer.set_meta("root", &config.root.to_string_lossy())?;
    writer.set_meta("analysis", &analysis.fingerprint)?;
    writer.set_meta("config_files", &config_state(config).to_meta())?;
    writer.set_meta("semantic", if semantic { "1" } else { "0" })?;
    phase("ready to commit");
    writer.commit()?;
    store.finish()?;
    phase("committed");
    summary.elapsed = start.elapsed();
    // Freeing the memoized facts of every file takes tens of milliseconds that nothing needs to
    // wait for: a short-lived thread does it (if the process exits first, the OS frees them).
    std::thread::spawn(move || drop((handle, sdb)));
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_vanished_is_reported_as_such() {
        let f = Discovered {
            rel: "gone.py".into(),
            abs: std::path::PathBuf::from("/definitely/not/here/gone.py"),
            size: 10,
            mtime_ns: 1,
        };
        assert!(matches!(probe(&f, None, 1 << 20, None), Probe::Vanished));
    }

    #[test]
    fn unchanged_bytes_are_only_touched() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.py");
        std::fs::write(&p, "import os\n").unwrap();
        let f = Discovered {
            rel: "a.py".into(),
            abs: p,
            size: 10,
            mtime_ns: 1,
        };
        let hash = files::content_hash(b"import os\n");
        assert!(matches!(
            probe(&f, Some(&hash), 1 << 20, None),
            Probe::Touched
        ));
        assert!(matches!(
            probe(&f, Some("other"), 1 << 20, None),
            Probe::Changed(Fresh::Text { .. })
        ));
        assert!(matches!(
            probe(&f, None, 4, None),
            Probe::Changed(Fresh::Unparsed {
                status: "too_large",
                ..
            })
        ));
    }
}
