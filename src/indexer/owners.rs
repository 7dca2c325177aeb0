//! The ownership phase of a run: manifests indexed incrementally like source files, the
//! CODEOWNERS file in use, and `file_owners` recomputed when any of what decides it changes.

use anyhow::Result;

use crate::config::Config;
use crate::files::{self, Discovered, Warning};
use crate::owners::{self, CodeOwners, Manifest};
use crate::store::Writer;

/// What changed in the ownership inputs since the stored index.
pub(super) struct OwnerChanges {
    /// Manifests to store anew: (found, hash, parsed).
    write: Vec<(Discovered, String, Manifest)>,
    /// Manifests whose stat moved but whose bytes did not.
    touch: Vec<Discovered>,
    remove: Vec<String>,
    /// The CODEOWNERS file in use, as `meta.codeowners` records it (`none`: there is none).
    codeowners_state: String,
    /// The CODEOWNERS file changed (or appeared, or went): its new rules.
    codeowners_new: Option<Option<(String, CodeOwners)>>,
    /// `meta.owners`: what `file_owners` is computed from, besides the files.
    fingerprint: String,
    stored_fingerprint: Option<String>,
    stored_state: Option<String>,
}

impl OwnerChanges {
    /// Whether the stored ownership facts are out of date (ignoring the set of files).
    pub(super) fn any(&self) -> bool {
        !self.write.is_empty()
            || !self.touch.is_empty()
            || !self.remove.is_empty()
            || self.codeowners_new.is_some()
            || self.stored_state.as_deref() != Some(self.codeowners_state.as_str())
            || self.stored_fingerprint.as_deref() != Some(self.fingerprint.as_str())
    }
}

fn state_of(d: &Discovered, hash: &str) -> String {
    format!("{}\t{}\t{}\t{hash}", d.rel, d.size, d.mtime_ns)
}

/// Reads what a CODEOWNERS file says, or why it is not used.
fn read_codeowners(d: &Discovered, warnings: &mut Vec<Warning>) -> Option<(String, CodeOwners)> {
    if d.size >= owners::CODEOWNERS_MAX_BYTES {
        warnings.push(Warning {
            path: d.rel.clone(),
            message: "3 MB or larger: GitHub ignores it, and so does codefacts".into(),
        });
        return None;
    }
    match files::read(&d.abs) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            Some((
                files::content_hash(&bytes),
                owners::codeowners::parse(&text),
            ))
        }
        Err(e) => {
            warnings.push(Warning {
                path: d.rel.clone(),
                message: format!("cannot read: {}", files::io_message(&e)),
            });
            None
        }
    }
}

fn manifest_warning(path: &str, valid: bool, problem: &str) -> Warning {
    Warning {
        path: path.to_string(),
        message: if valid {
            format!("{problem} (read as missing)")
        } else {
            format!("malformed manifest, skipped (the next one up the tree applies): {problem}")
        },
    }
}

/// Compares the manifests and CODEOWNERS on disk with the stored ones, reading only what
/// moved. Warns (every run) about malformed manifests and invalid CODEOWNERS lines.
pub(super) fn probe(
    config: &Config,
    found: &[Discovered],
    writer: &Writer,
    warnings: &mut Vec<Warning>,
) -> Result<OwnerChanges> {
    let stored = writer.stored_manifests()?;
    let mut write = Vec::new();
    let mut touch = Vec::new();
    for d in found {
        let s = stored.get(&d.rel);
        if let Some(s) = s
            && s.size == d.size
            && s.mtime_ns == d.mtime_ns
        {
            if let Some(e) = &s.error {
                warnings.push(manifest_warning(&d.rel, s.valid, e));
            }
            continue;
        }
        let bytes = match files::read(&d.abs) {
            Ok(b) => b,
            Err(e) => {
                warnings.push(Warning {
                    path: d.rel.clone(),
                    message: format!("cannot read the manifest: {}", files::io_message(&e)),
                });
                continue;
            }
        };
        let hash = files::content_hash(&bytes);
        if let Some(s) = s
            && s.hash == hash
        {
            if let Some(e) = &s.error {
                warnings.push(manifest_warning(&d.rel, s.valid, e));
            }
            touch.push(d.clone());
            continue;
        }
        let m = owners::manifest::parse(&bytes);
        if let Some(p) = &m.problem {
            warnings.push(manifest_warning(&d.rel, m.valid, p));
        }
        write.push((d.clone(), hash, m));
    }
    let on_disk: std::collections::HashSet<&str> = found.iter().map(|d| d.rel.as_str()).collect();
    let mut remove: Vec<String> = stored
        .keys()
        .filter(|p| !on_disk.contains(p.as_str()))
        .cloned()
        .collect();
    remove.sort();

    let stored_state = writer.meta("codeowners")?;
    let current = files::find_codeowners(&config.root);
    let same_stat = |d: &Discovered| {
        stored_state
            .as_deref()
            .and_then(|s| s.rsplit_once('\t'))
            .is_some_and(|(head, _)| head == format!("{}\t{}\t{}", d.rel, d.size, d.mtime_ns))
    };
    let (codeowners_state, codeowners_new) = match &current {
        None => {
            let gone = stored_state.as_deref().is_some_and(|s| s != "none");
            ("none".to_string(), gone.then_some(None))
        }
        Some(d) if same_stat(d) => (stored_state.clone().unwrap_or_default(), None),
        Some(d) => match read_codeowners(d, warnings) {
            Some((hash, co)) => {
                let state = state_of(d, &hash);
                let same_bytes = stored_state
                    .as_deref()
                    .and_then(|s| s.rsplit_once('\t'))
                    .is_some_and(|(_, h)| h == hash);
                let new = (!same_bytes).then(|| Some((d.rel.clone(), co)));
                (state, new)
            }
            None => ("none".to_string(), Some(None)),
        },
    };
    if codeowners_new.is_none() {
        for (source, line, text, error) in writer.codeowners_errors()? {
            warnings.push(codeowners_warning(&source, line, &text, &error));
        }
    } else if let Some(Some((source, co))) = &codeowners_new {
        for i in &co.invalid {
            warnings.push(codeowners_warning(source, i.line, &i.text, &i.error));
        }
    }
    Ok(OwnerChanges {
        write,
        touch,
        remove,
        codeowners_state,
        codeowners_new,
        fingerprint: format!("owner-source={}", config.owner_source.as_str()),
        stored_fingerprint: writer.meta("owners")?,
        stored_state,
    })
}

fn codeowners_warning(source: &str, line: u32, text: &str, error: &str) -> Warning {
    Warning {
        path: format!("{source}:{line}"),
        message: format!("invalid CODEOWNERS line `{text}`, ignored: {error}"),
    }
}

/// Stores the changed manifests and CODEOWNERS, and recomputes every file's owner when a
/// manifest, CODEOWNERS, `owner-source` or the set of files changed. `files[i]` has id
/// `ids[i]`.
pub(super) fn write(
    config: &Config,
    changes: OwnerChanges,
    files_changed: bool,
    writer: &Writer,
    files: &[Discovered],
    ids: &[i64],
    warnings: &mut Vec<Warning>,
) -> Result<bool> {
    let recompute = files_changed || changes.any();
    if !recompute {
        return Ok(false);
    }
    // Only stats moved (a fresh clone): the same bytes decide the same owners.
    let same_inputs = !files_changed
        && changes.write.is_empty()
        && changes.remove.is_empty()
        && changes.codeowners_new.is_none()
        && changes.stored_fingerprint.as_deref() == Some(changes.fingerprint.as_str());
    if same_inputs {
        for d in &changes.touch {
            writer.touch_manifest(&d.rel, d.size, d.mtime_ns)?;
        }
        writer.set_meta("codeowners", &changes.codeowners_state)?;
        return Ok(false);
    }
    for p in &changes.remove {
        writer.remove_manifest(p)?;
    }
    for d in &changes.touch {
        writer.touch_manifest(&d.rel, d.size, d.mtime_ns)?;
    }
    for (d, hash, m) in &changes.write {
        writer.upsert_manifest(&d.rel, d.size, d.mtime_ns, hash, m)?;
    }
    // The rules in force: new ones, else the stored file read again (it is small, and only
    // read when something else changed).
    let codeowners: Option<CodeOwners> = match changes.codeowners_new {
        Some(new) => {
            writer.replace_codeowners(new.as_ref().map(|(s, co)| (s.as_str(), co)))?;
            new.map(|(_, co)| co)
        }
        None => match files::find_codeowners(&config.root) {
            Some(d) if changes.codeowners_state != "none" => {
                let mut ignored = Vec::new();
                let co = read_codeowners(&d, &mut ignored).map(|(_, co)| co);
                warnings.extend(ignored);
                co
            }
            _ => None,
        },
    };
    let manifests = writer.manifests()?;
    let manifest_ids: Vec<i64> = manifests.iter().map(|(id, _, _)| *id).collect();
    let by_path: Vec<(String, Manifest)> = manifests
        .into_iter()
        .map(|(_, path, m)| (path, m))
        .collect();
    let declared: Vec<Option<&str>> = by_path
        .iter()
        .map(|(_, m)| m.owner_declared.then_some(m.owner.as_str()))
        .collect();
    let paths: Vec<&str> = files.iter().map(|f| f.rel.as_str()).collect();
    let assigned = owners::assign(&paths, &by_path, codeowners.as_ref(), config.owner_source);
    writer.replace_file_owners(
        ids,
        &assigned,
        &manifest_ids,
        &declared,
        codeowners.as_ref(),
    )?;
    writer.set_meta("codeowners", &changes.codeowners_state)?;
    writer.set_meta("owners", &changes.fingerprint)?;
    Ok(true)
}
