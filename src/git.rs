//! What codefacts asks git (a process; absent git or a folder outside a repository is `None`,
//! never an error).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn git(root: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

/// The entries of `git diff --name-status -z`: the status letter and its paths (two for a
/// rename or copy, old then new; one otherwise).
fn name_status(out: &[u8]) -> Vec<(u8, Vec<String>)> {
    let fields: Vec<&[u8]> = out.split(|b| *b == 0).collect();
    let mut entries = Vec::new();
    let mut i = 0;
    while i < fields.len() {
        let Some(&status) = fields[i].first() else {
            i += 1;
            continue;
        };
        let n = if matches!(status, b'R' | b'C') { 2 } else { 1 };
        let paths: Vec<String> = fields[i + 1..(i + 1 + n).min(fields.len())]
            .iter()
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect();
        if paths.len() == n {
            entries.push((status, paths));
        }
        i += 1 + n;
    }
    entries
}

/// The commit checked out (`git rev-parse HEAD`).
pub fn head(root: &Path) -> Option<String> {
    let out = git(root, &["rev-parse", "--verify", "-q", "HEAD"])?;
    let s = String::from_utf8(out).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// Files renamed since `commit` (in the work tree, staged or not): old path -> new path, as
/// `git diff -M` detects them, relative to `root` (which may lie below git's top level).
pub fn renames_since(root: &Path, commit: &str) -> Option<BTreeMap<String, String>> {
    let out = git(
        root,
        &[
            "diff",
            "-M",
            "--name-status",
            "-z",
            "--no-color",
            "--relative",
            commit,
            "--",
        ],
    )?;
    let mut map = BTreeMap::new();
    for (status, paths) in name_status(&out) {
        if let (b'R', [old, new]) = (status, paths.as_slice()) {
            map.insert(old.clone(), new.clone());
        }
    }
    Some(map)
}

/// Why a revision cannot be compared with.
#[derive(Debug)]
pub enum RevError {
    /// git is missing, or `root` is not inside a work tree.
    NoRepository,
    /// The revision is unknown here; `shallow`: the clone is shallow, so it may lie beyond
    /// the history fetched.
    Unknown { shallow: bool },
    /// The revision and HEAD share no history here (`shallow`: as above).
    NoMergeBase { shallow: bool },
}

fn is_shallow(root: &Path) -> bool {
    git(root, &["rev-parse", "--is-shallow-repository"])
        .is_some_and(|o| String::from_utf8_lossy(&o).trim() == "true")
}

/// The commit to compare with for `--since REV`: `git merge-base REV HEAD` (for a branch, the
/// point it forked from; for an ancestor of HEAD, REV itself).
pub fn merge_base(root: &Path, rev: &str) -> Result<String, RevError> {
    git(root, &["rev-parse", "--is-inside-work-tree"]).ok_or(RevError::NoRepository)?;
    let spec = format!("{rev}^{{commit}}");
    let Some(_) = git(root, &["rev-parse", "--verify", "-q", &spec]) else {
        return Err(RevError::Unknown {
            shallow: is_shallow(root),
        });
    };
    match git(root, &["merge-base", rev, "HEAD"]) {
        Some(out) => {
            let s = String::from_utf8_lossy(&out).trim().to_string();
            if s.is_empty() {
                Err(RevError::NoMergeBase {
                    shallow: is_shallow(root),
                })
            } else {
                Ok(s)
            }
        }
        None => Err(RevError::NoMergeBase {
            shallow: is_shallow(root),
        }),
    }
}

/// Paths under `root` (relative to it) whose content differs between `commit` and the work
/// tree (staged or not), untracked files included, with whether the commit has each one.
pub fn changed_since(root: &Path, commit: &str) -> Option<BTreeMap<String, bool>> {
    let out = git(
        root,
        &[
            "diff",
            "--name-status",
            "-z",
            "--no-renames",
            "--no-color",
            "--relative",
            commit,
            "--",
        ],
    )?;
    let mut map = BTreeMap::new();
    for (status, paths) in name_status(&out) {
        // Added since the commit: the commit does not have it.
        if let Some(path) = paths.into_iter().next() {
            map.insert(path, status != b'A');
        }
    }
    let untracked = git(root, &["ls-files", "-z", "--others", "--exclude-standard"])?;
    for p in untracked.split(|b| *b == 0).filter(|p| !p.is_empty()) {
        map.entry(String::from_utf8_lossy(p).into_owned())
            .or_insert(false);
    }
    Some(map)
}

/// The contents of these paths (relative to `root`) at `commit`, read in one `git cat-file
/// --batch`; a path the commit does not hold as a file is left out.
pub fn contents_at(
    root: &Path,
    commit: &str,
    paths: &[&str],
) -> std::io::Result<BTreeMap<String, Vec<u8>>> {
    use std::io::{Read, Write};
    let mut child = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["cat-file", "--batch"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let mut stdin = child.stdin.take().expect("piped");
    let requests: Vec<u8> = paths
        .iter()
        .flat_map(|p| format!("{commit}:./{p}\n").into_bytes())
        .collect();
    // Written from a thread: git answers while it reads, and both pipes have a bounded buffer.
    let writer = std::thread::spawn(move || stdin.write_all(&requests));
    let mut out = Vec::new();
    child.stdout.take().expect("piped").read_to_end(&mut out)?;
    writer
        .join()
        .map_err(|_| std::io::Error::other("git cat-file: the writer panicked"))??;
    child.wait()?;
    let mut map = BTreeMap::new();
    let mut rest: &[u8] = &out;
    for p in paths {
        let Some(nl) = rest.iter().position(|b| *b == b'\n') else {
            break;
        };
        let header = String::from_utf8_lossy(&rest[..nl]).into_owned();
        rest = &rest[nl + 1..];
        // `<oid> <type> <size>`, or `<object> missing`.
        let parts: Vec<&str> = header.split(' ').collect();
        if parts.len() == 3 {
            let size: usize = parts[2].parse().map_err(std::io::Error::other)?;
            if rest.len() < size + 1 {
                return Err(std::io::Error::other("git cat-file: a short answer"));
            }
            if parts[1] == "blob" {
                map.insert(p.to_string(), rest[..size].to_vec());
            }
            rest = &rest[size + 1..];
        }
    }
    Ok(map)
}

/// The files under `root` (relative to it) that git's index says are unmodified in the work
/// tree, with their blob ids: stage-0 entries of `git ls-files` that are neither marked
/// assume-unchanged nor skip-worktree, minus what `git diff-files` finds changed (it compares
/// the stat git recorded, and the content where that is not conclusive). `None` outside a
/// work tree or when the repository's object ids are not SHA-1.
pub fn clean_blobs(root: &Path) -> Option<std::collections::HashMap<String, String>> {
    let format = git(root, &["rev-parse", "--show-object-format"])?;
    if String::from_utf8_lossy(&format).trim() != "sha1" {
        return None;
    }
    let modified = git(
        root,
        &[
            "diff-files",
            "--name-only",
            "-z",
            "--relative",
            "--no-renames",
        ],
    )?;
    let modified: std::collections::HashSet<&[u8]> = modified
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .collect();
    // `-v`: lowercase tags mark assume-unchanged entries; `S` skip-worktree.
    let listed = git(root, &["ls-files", "-s", "-v", "-z"])?;
    let mut out = std::collections::HashMap::new();
    for entry in listed.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        // `H 100644 <oid> 0\t<path>`
        let Some(tab) = entry.iter().position(|b| *b == b'\t') else {
            continue;
        };
        let (head, path) = (&entry[..tab], &entry[tab + 1..]);
        let fields: Vec<&[u8]> = head.split(|b| *b == b' ').collect();
        if fields.len() != 4 || fields[0] != b"H" || fields[3] != b"0" || modified.contains(path) {
            continue;
        }
        let (Ok(path), Ok(oid)) = (std::str::from_utf8(path), std::str::from_utf8(fields[2]))
        else {
            continue;
        };
        out.insert(path.to_string(), oid.to_string());
    }
    Some(out)
}
