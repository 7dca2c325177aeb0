//! `module.manifest.json`: the star, owner and declared public API of a package folder.

/// The fields of a manifest codefacts reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The `module` field, when it is a string.
    pub module: Option<String>,
    /// `constellation_alignment.primary_star`, else `Supporting`.
    pub star: String,
    /// `metadata.owner`, else `unknown`.
    pub owner: String,
    /// `metadata.owner` is present (a manifest may say `unknown` itself).
    pub owner_declared: bool,
    /// Declared public names: (field, name) from `public_api`, `exports`, `interfaces`,
    /// `exposes`, in that order and then as listed.
    pub exports: Vec<(&'static str, String)>,
    /// The manifest is JSON with an object at its top: it applies. When false, the folder
    /// is governed by the next manifest up the tree.
    pub valid: bool,
    /// What was wrong (invalid JSON with its line and column; a field of the wrong type,
    /// which is then read as missing). `None`: nothing.
    pub problem: Option<String>,
}

pub const STAR_DEFAULT: &str = "Supporting";
pub const OWNER_DEFAULT: &str = "unknown";
pub const EXPORT_FIELDS: [&str; 4] = ["public_api", "exports", "interfaces", "exposes"];

fn invalid(problem: String) -> Manifest {
    Manifest {
        module: None,
        star: STAR_DEFAULT.into(),
        owner: OWNER_DEFAULT.into(),
        owner_declared: false,
        exports: Vec::new(),
        valid: false,
        problem: Some(problem),
    }
}

/// Reads a manifest from its bytes. Never fails: what is wrong is in `valid` and `problem`.
pub fn parse(bytes: &[u8]) -> Manifest {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            let what = e.to_string();
            // serde_json says "... at line L column C": keep it, it names the place.
            return invalid(format!("invalid JSON: {what}"));
        }
    };
    let Some(obj) = value.as_object() else {
        return invalid("the top level is not a JSON object".into());
    };
    let mut problems: Vec<String> = Vec::new();
    let mut string_at = |path: &[&str]| -> Option<String> {
        let mut v = obj.get(path[0])?;
        for key in &path[1..] {
            match v.as_object() {
                Some(o) => v = o.get(*key)?,
                None => {
                    problems.push(format!("`{}` is not an object", path[0]));
                    return None;
                }
            }
        }
        match v {
            serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            serde_json::Value::Null => None,
            serde_json::Value::String(_) => {
                problems.push(format!("`{}` is empty", path.join(".")));
                None
            }
            _ => {
                problems.push(format!("`{}` is not a string", path.join(".")));
                None
            }
        }
    };
    let module = string_at(&["module"]);
    let star = string_at(&["constellation_alignment", "primary_star"]);
    let owner = string_at(&["metadata", "owner"]);
    let mut exports = Vec::new();
    for field in EXPORT_FIELDS {
        match obj.get(field) {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::Array(items)) => {
                let mut skipped = 0;
                for item in items {
                    match item.as_str().map(str::trim) {
                        Some(name) if !name.is_empty() => exports.push((field, name.to_string())),
                        _ => skipped += 1,
                    }
                }
                if skipped > 0 {
                    problems.push(format!("`{field}`: {skipped} entries are not names"));
                }
            }
            Some(_) => problems.push(format!("`{field}` is not a list of names")),
        }
    }
    Manifest {
        module,
        owner_declared: owner.is_some(),
        star: star.unwrap_or_else(|| STAR_DEFAULT.into()),
        owner: owner.unwrap_or_else(|| OWNER_DEFAULT.into()),
        exports,
        valid: true,
        problem: (!problems.is_empty()).then(|| problems.join("; ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_star_owner_and_exports() {
        let m = parse(
            br#"{"module": "lukhas.core", "constellation_alignment": {"primary_star": "Anchor"},
                "metadata": {"owner": "@core-team"}, "exports": ["A", "B"], "exposes": ["C"]}"#,
        );
        assert!(m.valid);
        assert_eq!(m.problem, None);
        assert_eq!(
            (m.star.as_str(), m.owner.as_str()),
            ("Anchor", "@core-team")
        );
        assert_eq!(m.module.as_deref(), Some("lukhas.core"));
        let names: Vec<&str> = m.exports.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, ["A", "B", "C"]);
        assert_eq!(m.exports[2].0, "exposes");
    }

    #[test]
    fn missing_fields_take_the_users_defaults() {
        let m = parse(b"{}");
        assert!(m.valid && m.problem.is_none());
        assert_eq!(
            (m.star.as_str(), m.owner.as_str()),
            ("Supporting", "unknown")
        );
        assert!(!m.owner_declared);
    }

    #[test]
    fn malformed_manifests_say_why_and_never_fail() {
        let m = parse(b"{\"metadata\": {\"owner\": \"@a\",}}");
        assert!(!m.valid);
        assert!(m.problem.unwrap().contains("line 1"), "names the place");
        assert!(!parse(b"[1, 2]").valid);
        assert!(!parse(b"").valid);
        assert!(!parse(b"\xff\xfe").valid);
        let typed =
            parse(br#"{"metadata": {"owner": 7}, "exports": "A", "constellation_alignment": 1}"#);
        assert!(typed.valid);
        assert_eq!(typed.owner, "unknown");
        let p = typed.problem.unwrap();
        assert!(p.contains("metadata.owner") && p.contains("exports"), "{p}");
    }
}
