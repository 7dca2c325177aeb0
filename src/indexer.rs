//! One indexing run: discover, compare with the stored index, parse what changed (in
//! parallel, one salsa handle per job), resolve imports, write everything in one transaction.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use rayon::prelude::*;

use crate::config::Config;
use crate::db::{self, Content, Database, SourceFile, Workspace};
use crate::files::{self, Discovered, Warning};
use crate::resolve::{self, IndexedFile, ModulePath};
use crate::store::{FileRow, OpenNote, Store};

/// Options of a run.
#[derive(Debug, Clone, Default)]
pub struct IndexOptions {
    /// Show a progress bar (the caller decides: stdout is a terminal).
    pub progress: bool,
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

fn probe(f: &Discovered, stored_hash: Option<&str>, max_size: u64) -> Probe {
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
    let bytes = match files::read(&f.abs) {
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
    let decoded = files::decode(&bytes);
    match decoded.text {
        Ok(text) => Probe::Changed(Fresh::Text {
            hash,
            encoding: decoded.encoding,
            text: Arc::from(text),
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

/// Runs one incremental indexing of `config.root` into `db_path`.
pub fn run(config: &Config, db_path: &Path, opts: &IndexOptions) -> Result<IndexSummary> {
    let start = Instant::now();
    let matchers = Arc::new(config.matchers()?);
    let (mut found, mut warnings) = files::discover(config, &matchers);
    let (mut store, note) = Store::open(db_path)?;
    let rebuilt = match note {
        OpenNote::Rebuilt(why) => Some(why),
        _ => None,
    };
    let stored = store.stored_files()?;

    // Probe every file whose stat moved (or that is new), in parallel.
    let probes: Vec<(usize, Probe)> = found
        .par_iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let s = stored.get(&f.rel);
            if let Some(s) = s
                && s.size == f.size
                && s.mtime_ns == f.mtime_ns
            {
                return None;
            }
            Some((
                i,
                probe(f, s.map(|s| s.hash.as_str()), config.max_file_size),
            ))
        })
        .collect();

    let mut touched = Vec::new();
    let mut changed: Vec<(usize, Fresh)> = Vec::new();
    let mut vanished = Vec::new();
    let mut unreadable_new = Vec::new();
    for (i, p) in probes {
        match p {
            Probe::Touched => touched.push(i),
            Probe::Changed(fr) => changed.push((i, fr)),
            Probe::Vanished => {
                warnings.push(Warning {
                    path: found[i].rel.clone(),
                    message: "vanished during the run".into(),
                });
                vanished.push(i);
            }
            Probe::Unreadable(w) => {
                warnings.push(w);
                if !stored.contains_key(&found[i].rel) {
                    unreadable_new.push(i);
                }
            }
        }
    }
    // Files that vanished, or are new and unreadable, are not part of this index.
    if !vanished.is_empty() || !unreadable_new.is_empty() {
        let mut drop_idx: Vec<usize> = vanished.into_iter().chain(unreadable_new).collect();
        drop_idx.sort_unstable();
        let remap: HashMap<usize, usize> = {
            let mut m = HashMap::new();
            let mut next = 0;
            for i in 0..found.len() {
                if drop_idx.binary_search(&i).is_err() {
                    m.insert(i, next);
                    next += 1;
                }
            }
            m
        };
        touched = touched
            .into_iter()
            .filter_map(|i| remap.get(&i).copied())
            .collect();
        changed = changed
            .into_iter()
            .filter_map(|(i, f)| remap.get(&i).map(|j| (*j, f)))
            .collect();
        let mut k = 0;
        found.retain(|_| {
            let keep = drop_idx.binary_search(&k).is_err();
            k += 1;
            keep
        });
    }

    // Placement of every file: module path and lane.
    let placements: Vec<(ModulePath, String)> = found
        .iter()
        .map(|f| {
            let m = resolve::module_path(&f.rel, &config.src);
            let lane = matchers
                .lane_of(&f.rel)
                .map(|i| config.lanes[i].name.clone())
                .unwrap_or_else(|| "default".to_string());
            (m, lane)
        })
        .collect();
    let layout = {
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
        h.finalize().to_hex()[..32].to_string()
    };
    let layout_changed = store.meta("layout")?.as_deref() != Some(layout.as_str());
    let removed: Vec<i64> = {
        let present: std::collections::HashSet<&str> =
            found.iter().map(|f| f.rel.as_str()).collect();
        let mut r: Vec<(&String, i64)> = stored
            .iter()
            .filter(|(p, _)| !present.contains(p.as_str()))
            .map(|(p, s)| (p, s.file_id))
            .collect();
        r.sort();
        r.into_iter().map(|(_, id)| id).collect()
    };

    // Nothing to do: leave the database untouched.
    if changed.is_empty() && touched.is_empty() && removed.is_empty() && !layout_changed {
        return Ok(IndexSummary {
            files: found.len(),
            warnings,
            rebuilt,
            elapsed: start.elapsed(),
            ..IndexSummary::default()
        });
    }

    // The salsa database for this run.
    let mut sdb = Database::default();
    let indexed: Vec<IndexedFile> = found
        .iter()
        .zip(&placements)
        .map(|(f, (m, _))| IndexedFile {
            rel_path: f.rel.clone(),
            module: m.clone(),
        })
        .collect();
    let ws = Workspace::new(&sdb, Arc::new(indexed));
    let budget = config.parse_timeout_ms;
    let mut parse_inputs: Vec<(usize, SourceFile)> = Vec::new();
    for (i, fr) in &changed {
        if let Fresh::Text { text, .. } = fr {
            let f = &found[*i];
            parse_inputs.push((
                *i,
                SourceFile::new(
                    &sdb,
                    f.rel.clone(),
                    placements[*i].0.clone(),
                    Content::Text(text.clone()),
                    budget,
                    ws,
                ),
            ));
        }
    }
    // When the module layout changed, every stored import is resolved again.
    let mut cached_inputs: Vec<(i64, SourceFile, Vec<i64>)> = Vec::new();
    if layout_changed && !stored.is_empty() {
        let changed_set: std::collections::HashSet<usize> =
            changed.iter().map(|(i, _)| *i).collect();
        let mut cached = store.cached_imports()?;
        for (i, f) in found.iter().enumerate() {
            if changed_set.contains(&i) {
                continue;
            }
            let Some(s) = stored.get(&f.rel) else {
                continue;
            };
            if let Some((imports, rowids)) = cached.by_file.remove(&s.file_id) {
                let input = SourceFile::new(
                    &sdb,
                    f.rel.clone(),
                    placements[i].0.clone(),
                    Content::CachedImports(imports),
                    budget,
                    ws,
                );
                cached_inputs.push((s.file_id, input, rowids));
            }
        }
    }

    // Compute in parallel: one database handle per rayon job.
    {
        let bar = (opts.progress && parse_inputs.len() >= 200).then(|| {
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
        // `Database` is Send but not Sync: hand each rayon job its own clone.
        let handle = std::sync::Mutex::new(sdb.clone());
        parse_inputs.par_iter().for_each_init(
            || handle.lock().unwrap().clone(),
            |db, (_, file)| {
                db::file_facts(db, *file);
                db::resolved_imports(db, *file);
                if let Some(pb) = &bar {
                    pb.inc(1);
                }
            },
        );
        cached_inputs.par_iter().for_each_init(
            || handle.lock().unwrap().clone(),
            |db, (_, file, _)| {
                db::resolved_imports(db, *file);
            },
        );
        if let Some(pb) = bar {
            pb.finish_and_clear();
        }
    }

    // Write everything in one transaction.
    let mut summary = IndexSummary {
        files: found.len(),
        removed: removed.len(),
        warnings,
        rebuilt,
        ..IndexSummary::default()
    };
    let sdb = &mut sdb;
    let writer = store.writer()?;
    let empty_index = writer.is_empty()?;
    for id in &removed {
        writer.remove_file(*id)?;
    }
    // Ids of every file: stored ones, then the upserted ones.
    let mut ids: Vec<Option<i64>> = found
        .iter()
        .map(|f| stored.get(&f.rel).map(|s| s.file_id))
        .collect();
    let mut facts_of: HashMap<usize, SourceFile> =
        parse_inputs.iter().map(|(i, f)| (*i, *f)).collect();
    for (i, fr) in &changed {
        let f = &found[*i];
        let (module, lane) = &placements[*i];
        let row = match fr {
            Fresh::Text { hash, encoding, .. } => {
                let input = facts_of[i];
                let parsed = db::file_facts(sdb, input);
                summary.parsed += 1;
                let n_syntax = parsed.facts.syntax_errors.len() as u32;
                if n_syntax > 0 {
                    summary.with_syntax_errors += 1;
                }
                let (status, error) = match &parsed.failure {
                    Some(fail) => {
                        summary.refused += 1;
                        ("parse_timeout", Some(format!("{fail}; not parsed")))
                    }
                    None if n_syntax > 0 => ("syntax_error", None),
                    None => ("ok", None),
                };
                (
                    hash.as_str(),
                    encoding.as_str(),
                    status,
                    error,
                    parsed.facts.lines,
                    0,
                    n_syntax,
                )
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
                (
                    hash.as_str(),
                    encoding.as_str(),
                    *status,
                    Some(error.clone()),
                    *lines,
                    u32::from(*status == "undecodable"),
                    0,
                )
            }
        };
        let id = writer.upsert_file(&FileRow {
            path: &f.rel,
            module,
            lane,
            size: f.size,
            mtime_ns: f.mtime_ns,
            lines: row.4,
            hash: row.0,
            encoding: row.1,
            status: row.2,
            error: row.3.as_deref(),
            decode_errors: row.5,
            syntax_errors: row.6,
        })?;
        ids[*i] = Some(id);
    }
    for i in &touched {
        let f = &found[*i];
        if let Some(id) = ids[*i] {
            writer.touch(id, f.size, f.mtime_ns)?;
        }
    }
    if layout_changed {
        for (i, f) in found.iter().enumerate() {
            if let (Some(s), Some(id)) = (stored.get(&f.rel), ids[i]) {
                let (m, lane) = &placements[i];
                if s.module != m.module || &s.lane != lane || s.source_root != m.source_root {
                    writer.update_placement(id, m, lane)?;
                }
            }
        }
    }
    let target_ids = |res: &[resolve::Resolution]| -> Vec<Option<i64>> {
        res.iter()
            .map(|r| {
                r.target_file
                    .and_then(|t| ids.get(t as usize).copied().flatten())
            })
            .collect()
    };
    for (i, fr) in &changed {
        let Some(id) = ids[*i] else { continue };
        let fresh = empty_index;
        match fr {
            Fresh::Text { .. } => {
                let input = facts_of.remove(i).expect("parsed input");
                let parsed = db::file_facts(sdb, input);
                let res = db::resolved_imports(sdb, input);
                writer.replace_facts(id, &parsed.facts, res, &target_ids(res), fresh)?;
            }
            Fresh::Unparsed { .. } => {
                writer.replace_facts(id, &Default::default(), &[], &[], fresh)?;
            }
        }
    }
    for (_, input, rowids) in &cached_inputs {
        let res = db::resolved_imports(sdb, *input);
        let targets = target_ids(res);
        for ((rowid, r), t) in rowids.iter().zip(res).zip(targets) {
            writer.update_resolution(*rowid, r, t)?;
        }
    }
    if layout_changed {
        writer.set_layout(&config.lanes, &config.src)?;
        writer.set_meta("layout", &layout)?;
    }
    writer.set_meta("root", &config.root.to_string_lossy())?;
    writer.commit()?;
    summary.elapsed = start.elapsed();
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
        assert!(matches!(probe(&f, None, 1 << 20), Probe::Vanished));
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
        assert!(matches!(probe(&f, Some(&hash), 1 << 20), Probe::Touched));
        assert!(matches!(
            probe(&f, Some("other"), 1 << 20),
            Probe::Changed(Fresh::Text { .. })
        ));
        assert!(matches!(
            probe(&f, None, 4),
            Probe::Changed(Fresh::Unparsed {
                status: "too_large",
                ..
            })
        ));
    }
}
