//! Ownership facts: `module.manifest.json` files and CODEOWNERS, and who owns each file.
//! Pure functions of bytes and paths (files.rs reads, store/ writes); docs/ownership.md.

pub mod codeowners;
pub mod manifest;

use std::collections::HashMap;

pub use codeowners::CodeOwners;
pub use manifest::Manifest;

/// Where CODEOWNERS is looked for, in GitHub's order: the first one found is used.
pub const CODEOWNERS_PLACES: [&str; 3] = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];
/// GitHub ignores a CODEOWNERS file of 3 MB or more.
pub const CODEOWNERS_MAX_BYTES: u64 = 3 * 1024 * 1024;
/// The file name of a manifest.
pub const MANIFEST_NAME: &str = "module.manifest.json";

/// `[tool.codefacts] owner-source`: what decides a file's owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub enum OwnerSource {
    Manifest,
    Codeowners,
    /// The manifest's declared owner; CODEOWNERS where no manifest declares one (or it
    /// declares `unknown`).
    #[default]
    Both,
}

impl OwnerSource {
    pub fn parse(s: &str) -> Option<OwnerSource> {
        match s {
            "manifest" => Some(OwnerSource::Manifest),
            "codeowners" => Some(OwnerSource::Codeowners),
            "both" => Some(OwnerSource::Both),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            OwnerSource::Manifest => "manifest",
            OwnerSource::Codeowners => "codeowners",
            OwnerSource::Both => "both",
        }
    }
}

/// The owner given to what CODEOWNERS matches with a rule that names nobody.
pub const UNOWNED: &str = "(unowned)";

/// Who owns one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment<'m> {
    /// Index of the nearest valid manifest up the tree.
    pub manifest: Option<usize>,
    pub star: &'m str,
    /// The CODEOWNERS rule that decides the file (the last match), by index in `rules`.
    pub rule: Option<usize>,
    pub owner: String,
    /// `manifest` | `codeowners` | `none`.
    pub owner_source: &'static str,
}

/// The folder a manifest governs: its parent, repo-relative (`""` for the root).
pub fn manifest_dir(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Assigns every file its nearest valid manifest (a malformed one is skipped: the next one up
/// applies) and its CODEOWNERS rule, and from them its star and owner.
pub fn assign<'m>(
    files: &[&str],
    manifests: &'m [(String, Manifest)],
    codeowners: Option<&CodeOwners>,
    source: OwnerSource,
) -> Vec<Assignment<'m>> {
    let by_dir: HashMap<&str, usize> = manifests
        .iter()
        .enumerate()
        .filter(|(_, (_, m))| m.valid)
        .map(|(i, (path, _))| (manifest_dir(path), i))
        .collect();
    let nearest = |file: &str| -> Option<usize> {
        let mut dir = manifest_dir(file);
        loop {
            if let Some(i) = by_dir.get(dir) {
                return Some(*i);
            }
            if dir.is_empty() {
                return None;
            }
            dir = manifest_dir(dir);
        }
    };
    files
        .iter()
        .map(|file| {
            let manifest = nearest(file);
            let m = manifest.map(|i| &manifests[i].1);
            let rule = codeowners.and_then(|co| {
                co.rule_for(file)
                    .map(|r| co.rules.iter().position(|x| std::ptr::eq(x, r)).unwrap())
            });
            let co_owner = rule.map(|i| {
                let owners = &codeowners.unwrap().rules[i].owners;
                if owners.is_empty() {
                    UNOWNED.to_string()
                } else {
                    owners.join(" ")
                }
            });
            let from_manifest = m.filter(|m| m.owner_declared).map(|m| m.owner.clone());
            // `both`: a manifest that says `unknown` itself leaves the owner to CODEOWNERS too.
            let known = from_manifest
                .clone()
                .filter(|o| o != manifest::OWNER_DEFAULT);
            let (owner, owner_source) = match source {
                OwnerSource::Manifest => match from_manifest {
                    Some(o) => (o, "manifest"),
                    None => (manifest::OWNER_DEFAULT.to_string(), "none"),
                },
                OwnerSource::Codeowners => match co_owner {
                    Some(o) => (o, "codeowners"),
                    None => (manifest::OWNER_DEFAULT.to_string(), "none"),
                },
                OwnerSource::Both => match (known, co_owner, from_manifest) {
                    (Some(o), _, _) => (o, "manifest"),
                    (None, Some(o), _) => (o, "codeowners"),
                    (None, None, Some(o)) => (o, "manifest"),
                    (None, None, None) => (manifest::OWNER_DEFAULT.to_string(), "none"),
                },
            };
            Assignment {
                manifest,
                star: m.map_or(manifest::STAR_DEFAULT, |m| m.star.as_str()),
                rule,
                owner,
                owner_source,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifests() -> Vec<(String, Manifest)> {
        vec![
            (
                "lukhas/module.manifest.json".into(),
                manifest::parse(
                    br#"{"constellation_alignment": {"primary_star": "Anchor"}, "metadata": {"owner": "@id"}}"#,
                ),
            ),
            (
                "lukhas/sub/module.manifest.json".into(),
                manifest::parse(br#"{"constellation_alignment": {"primary_star": "Flow"}}"#),
            ),
            (
                "lukhas/broken/module.manifest.json".into(),
                manifest::parse(b"{nope"),
            ),
        ]
    }

    #[test]
    fn the_nearest_valid_manifest_wins_and_codeowners_fills_in() {
        let ms = manifests();
        let co = codeowners::parse("* @all\n/lukhas/sub/ @sub-team\n/vendor/\n");
        let files = [
            "lukhas/a.py",
            "lukhas/sub/b.py",
            "lukhas/broken/c.py",
            "vendor/d.py",
            "e.py",
        ];
        let a = assign(&files, &ms, Some(&co), OwnerSource::Both);
        let got: Vec<(Option<usize>, &str, &str, &str)> = a
            .iter()
            .map(|x| (x.manifest, x.star, x.owner.as_str(), x.owner_source))
            .collect();
        assert_eq!(
            got,
            [
                (Some(0), "Anchor", "@id", "manifest"),
                // Its manifest names a star but no owner: CODEOWNERS decides.
                (Some(1), "Flow", "@sub-team", "codeowners"),
                // A malformed manifest is skipped: the one above applies.
                (Some(0), "Anchor", "@id", "manifest"),
                (None, "Supporting", UNOWNED, "codeowners"),
                (None, "Supporting", "@all", "codeowners"),
            ]
        );
        let m = assign(&files, &ms, Some(&co), OwnerSource::Manifest);
        assert_eq!(m[1].owner, "unknown");
        assert_eq!(m[1].owner_source, "none");
        let c = assign(&files, &ms, Some(&co), OwnerSource::Codeowners);
        assert_eq!(c[0].owner, "@all");
        let none = assign(&files, &ms, None, OwnerSource::Codeowners);
        assert_eq!(none[0].owner, "unknown");
    }

    #[test]
    fn a_root_manifest_governs_everything_below() {
        let ms = vec![("module.manifest.json".to_string(), manifest::parse(b"{}"))];
        let a = assign(&["a/b/c.py", "d.py"], &ms, None, OwnerSource::Both);
        assert_eq!(a[0].manifest, Some(0));
        assert_eq!(a[1].manifest, Some(0));
    }
}
