//! `--since REV` (`check`, `ratchet`): the findings of the tree at the merge base of REV and
//! HEAD, to report only what is new since, by finding identities (docs/ratchet.md), never by
//! line. The base is analysed in a copy of the index where the files that differ from the base
//! commit carry its contents (read from git objects); every other file keeps its facts, so
//! only what changed is parsed again. The index itself is never touched.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};

use super::{Anchors, Repo};
use crate::config::SelectionLayer;
use crate::diagnostics::Finding;
use crate::indexer::{IndexOptions, Overlay};
use crate::ratchet::Current;
use crate::store::Store;

/// The findings at the base commit.
pub(crate) struct Base {
    /// The merge base of REV and HEAD.
    pub commit: String,
    /// Its findings; only those in files that differ carry an anchor (the others are matched
    /// as they are: same file, same text, same place).
    pub findings: Vec<Current>,
    /// Files renamed since the base (old path -> new path), as `git diff -M` finds them.
    pub renames: BTreeMap<String, String>,
    /// The paths whose content differs from the base (added and removed ones too).
    pub changed: std::collections::BTreeSet<String>,
}

/// The copy of the index a `--since` run analyses the base in; removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
    }
}

/// The merge base of `rev` and HEAD, or why there is none: a missing revision in a shallow
/// clone says to fetch deeper.
fn merge_base(root: &Path, rev: &str) -> Result<String> {
    use crate::git::RevError;
    let deeper = "fetch more history (`git fetch --unshallow`, or `git fetch --depth=N origin \
                  BRANCH` with a larger N; in GitHub Actions, `fetch-depth: 0`)";
    crate::git::merge_base(root, rev).map_err(|e| match e {
        RevError::NoRepository => anyhow::anyhow!(
            "--since needs a git work tree, and {} is not in one (or git is not installed)",
            root.display()
        ),
        RevError::Unknown { shallow: true } => anyhow::anyhow!(
            "--since {rev}: no such revision in this clone, which is shallow: {deeper}"
        ),
        RevError::Unknown { shallow: false } => {
            anyhow::anyhow!("--since {rev}: no such revision (a branch, tag or commit)")
        }
        RevError::NoMergeBase { shallow: true } => anyhow::anyhow!(
            "--since {rev}: its merge base with HEAD is not in this clone, which is shallow: \
             {deeper}"
        ),
        RevError::NoMergeBase { shallow: false } => {
            anyhow::anyhow!("--since {rev}: it shares no history with HEAD")
        }
    })
}

/// The findings (of the rules `cli` selects, as `check` runs them) at the merge base of `rev`
/// and HEAD. The index must be current for the work tree.
pub(crate) fn base_findings(repo: &Repo, rev: &str, cli: &SelectionLayer) -> Result<Base> {
    let root = &repo.config.root;
    let commit = merge_base(root, rev)?;
    crate::term::mark("since: merge base found");
    let changed = crate::git::changed_since(root, &commit)
        .with_context(|| format!("cannot list what changed since {commit} (git diff)"))?;
    let at_base: Vec<&str> = changed
        .iter()
        .filter(|(_, there)| **there)
        .map(|(p, _)| p.as_str())
        .collect();
    let mut contents = crate::git::contents_at(root, &commit, &at_base)
        .with_context(|| format!("cannot read the files of {commit} (git cat-file)"))?;
    let mut overlay = Overlay::default();
    for (path, there) in &changed {
        let bytes = if *there { contents.remove(path) } else { None };
        // A path the base holds as something other than a file (a submodule): left as is.
        if *there && bytes.is_none() {
            continue;
        }
        overlay.files.insert(path.clone(), bytes);
    }
    let overlay = Arc::new(overlay);
    crate::term::mark("since: read the base's versions of the changed files");

    let name = format!(
        "{}.since-{}",
        repo.db
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "facts.db".into()),
        std::process::id()
    );
    let scratch = Scratch(repo.db.with_file_name(name));
    Store::snapshot(&repo.db, &scratch.0)?;
    crate::term::mark("since: copied the index");
    crate::indexer::run(
        &repo.config,
        &scratch.0,
        &IndexOptions {
            semantic: true,
            overlay: Some(overlay.clone()),
            scratch: true,
            ..IndexOptions::default()
        },
    )?;
    crate::term::mark("since: indexed the base");
    let linted = crate::lint::run(&repo.config, &scratch.0, cli, None)?;
    let store = Store::open_read_only(&scratch.0)?;
    let changed_paths: std::collections::BTreeSet<String> = changed.keys().cloned().collect();
    let spans = store.definition_spans_of(&changed_paths)?;
    let text_of = |path: &str| -> Option<String> {
        match overlay.files.get(path) {
            Some(Some(bytes)) => {
                let abs = crate::files::from_rel(root, path);
                crate::files::display_text(&abs, bytes)
            }
            Some(None) => None,
            None => super::disk_text(root, path),
        }
    };
    let findings = identities(
        &linted.findings,
        &changed_paths,
        &mut Anchors::new(&spans, Box::new(text_of)),
    );
    drop(store);
    drop(scratch);
    let renames = crate::git::renames_since(root, &commit).unwrap_or_default();
    crate::term::mark("since: the base's findings");
    Ok(Base {
        commit,
        findings,
        renames,
        changed: changed_paths,
    })
}

/// Findings (as `lint::run` returns them: lines of the text, not of a notebook's cells) with
/// their identities where they are in one of the `changed` paths.
pub(crate) fn identities(
    findings: &[Finding],
    changed: &std::collections::BTreeSet<String>,
    anchors: &mut Anchors<'_>,
) -> Vec<Current> {
    findings
        .iter()
        .map(|f| {
            let anchor = if changed.contains(&f.path) {
                let (scope, key) = anchors.of(&f.path, &f.code, &f.message, f.line.into(), false);
                crate::ratchet::identity(&scope, &key)
            } else {
                String::new()
            };
            Current {
                code: f.code.clone(),
                path: f.path.clone(),
                anchor,
                line: f.line.into(),
                col: f.col.into(),
                message: f.message.clone(),
                source: "codefacts".into(),
            }
        })
        .collect()
}

/// Which of `current` are new since the base: indexes into `current`, and how many of the
/// base's findings are gone. In a file whose content did not change, a finding is the base's
/// when the base has it at the same place with the same message; in the files that changed,
/// when an identity matches (as the ratchet matches, renames followed), so moved code is not
/// new. `current` needs anchors only in the changed files.
pub(crate) fn new_since(
    current: &[Current],
    base: &Base,
    tracked: &[String],
) -> (Vec<usize>, usize) {
    let same_place = |f: &Current| {
        (
            f.path.clone(),
            f.code.clone(),
            f.line,
            f.col,
            f.message.clone(),
        )
    };
    let mut unchanged: BTreeMap<(String, String, i64, i64, String), usize> = BTreeMap::new();
    let mut base_changed: Vec<Current> = Vec::new();
    for f in base
        .findings
        .iter()
        .filter(|f| crate::ratchet::is_tracked(tracked, &f.code))
    {
        if base.changed.contains(&f.path) {
            base_changed.push(f.clone());
        } else {
            *unchanged.entry(same_place(f)).or_default() += 1;
        }
    }
    let mut new = Vec::new();
    let mut in_changed: Vec<usize> = Vec::new();
    for (i, f) in current.iter().enumerate() {
        if !crate::ratchet::is_tracked(tracked, &f.code) {
            continue;
        }
        if base.changed.contains(&f.path) {
            in_changed.push(i);
            continue;
        }
        match unchanged.get_mut(&same_place(f)) {
            Some(n) if *n > 0 => *n -= 1,
            _ => new.push(i),
        }
    }
    let gone_unchanged: usize = unchanged.values().sum();
    let changed_now: Vec<Current> = in_changed.iter().map(|i| current[*i].clone()).collect();
    let baseline = crate::ratchet::Baseline::of(&base_changed, tracked, Some(base.commit.clone()));
    let cmp = crate::ratchet::compare(&changed_now, &baseline, tracked, &base.renames);
    new.extend(cmp.new.iter().map(|k| in_changed[*k]));
    new.sort_unstable();
    (new, gone_unchanged + cmp.fixed.len())
}

/// `git rev-parse --short`-like: the first 10 hex digits.
pub(crate) fn short(commit: &str) -> &str {
    &commit[..commit.len().min(10)]
}

/// `--since` needs the index; `--no-index` would compare a stale one.
pub(crate) fn refuse_no_index(no_index: bool) -> Result<()> {
    if no_index {
        bail!(
            "--since compares the work tree with a commit, so it brings the index up to date: drop --no-index"
        );
    }
    Ok(())
}
