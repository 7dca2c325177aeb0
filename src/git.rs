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

/// The commit checked out (`git rev-parse HEAD`).
pub fn head(root: &Path) -> Option<String> {
    let out = git(root, &["rev-parse", "--verify", "-q", "HEAD"])?;
    let s = String::from_utf8(out).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// Files renamed since `commit` (in the work tree, staged or not): old path -> new path, as
/// `git diff -M` detects them. Repo-relative paths when `root` is the top level.
pub fn renames_since(root: &Path, commit: &str) -> Option<BTreeMap<String, String>> {
    let out = git(
        root,
        &[
            "diff",
            "-M",
            "--name-status",
            "-z",
            "--no-color",
            commit,
            "--",
        ],
    )?;
    let fields: Vec<&[u8]> = out.split(|b| *b == 0).collect();
    let mut map = BTreeMap::new();
    let mut i = 0;
    while i < fields.len() {
        let status = fields[i];
        if status.first() == Some(&b'R') || status.first() == Some(&b'C') {
            if let (Some(old), Some(new)) = (fields.get(i + 1), fields.get(i + 2))
                && status.first() == Some(&b'R')
            {
                map.insert(
                    String::from_utf8_lossy(old).into_owned(),
                    String::from_utf8_lossy(new).into_owned(),
                );
            }
            i += 3;
        } else if status.is_empty() {
            i += 1;
        } else {
            i += 2;
        }
    }
    Some(map)
}
