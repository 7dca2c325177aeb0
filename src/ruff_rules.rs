//! What Ruff knows: every rule code with its linter's selector prefix, and every option key
//! (`src/ruff_rules.tsv`, `src/ruff_options.txt`, generated from Ruff 0.17.6 by
//! `scripts/gen-ruff-rules.py`). codefacts implements a few of these rules; this catalog tells an
//! unknown selector (an error, as in Ruff) from a rule codefacts does not implement (a warning),
//! and an unknown configuration key from one codefacts merely does not read.

use std::sync::OnceLock;

const RULES_TSV: &str = include_str!("ruff_rules.tsv");
const OPTIONS_TXT: &str = include_str!("ruff_options.txt");
const DEFAULT_TXT: &str = include_str!("ruff_default_rules.txt");

/// Whether `ruff check` runs this rule with no configuration (Ruff 0.17.6's default selection).
pub fn is_default(code: &str) -> bool {
    static DEFAULT: OnceLock<Vec<&'static str>> = OnceLock::new();
    DEFAULT
        .get_or_init(|| {
            let mut v: Vec<&str> = DEFAULT_TXT
                .lines()
                .filter(|l| !l.starts_with('#') && !l.is_empty())
                .collect();
            v.sort_unstable();
            v
        })
        .binary_search(&code)
        .is_ok()
}

/// One rule Ruff knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuffRule {
    pub code: &'static str,
    /// The linter's selector prefix (`F`, `E`, `PL`, `TID`, `C90`): a selector must start with it.
    pub linter_prefix: &'static str,
    pub name: &'static str,
}

/// Every rule code of Ruff 0.17.6, sorted.
pub fn rules() -> &'static [RuffRule] {
    static RULES: OnceLock<Vec<RuffRule>> = OnceLock::new();
    RULES.get_or_init(|| {
        RULES_TSV
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter_map(|l| {
                let mut it = l.split('\t');
                Some(RuffRule {
                    code: it.next()?,
                    linter_prefix: it.next()?,
                    name: it.next()?,
                })
            })
            .collect()
    })
}

/// Legacy selectors Ruff 0.17.6 still accepts, rewritten to what they select (probed with
/// `ruff check --select X`; e.g. `U` is `UP`, `I252` is `TID252`, `TCH` is `TC`).
const PREFIX_REWRITES: &[(&str, &str)] = &[
    ("PDV", "PD"),
    ("TYP", "TC"),
    ("TCH", "TC"),
    ("IC", "ICN"),
    ("I2", "TID2"),
    ("R", "RET"),
    ("U", "UP"),
    ("C9", "C90"),
    ("T1", "T10"),
    ("T2", "T20"),
    ("M", "RUF100"),
];

/// The canonical form of a rule selector (`ALL`, a linter prefix, or a prefix of a code that
/// starts with its linter's prefix), or `None` when Ruff would reject it ("Unknown rule
/// selector"). Case matters, as in Ruff (`e501` is unknown).
pub fn canonical_selector(sel: &str) -> Option<String> {
    if sel == "ALL" || sel == "C" || sel == "T" {
        return Some(sel.to_string());
    }
    let valid = |s: &str| {
        !s.is_empty()
            && rules()
                .iter()
                .any(|r| r.code.starts_with(s) && s.starts_with(r.linter_prefix))
    };
    if valid(sel) {
        return Some(sel.to_string());
    }
    for (old, new) in PREFIX_REWRITES {
        if let Some(rest) = sel.strip_prefix(old) {
            let rewritten = format!("{new}{rest}");
            // `M` and its codes all mean RUF100.
            let rewritten = if *new == "RUF100" {
                new.to_string()
            } else {
                rewritten
            };
            if *new == "RUF100" && !["", "0", "001"].contains(&rest) {
                continue;
            }
            if valid(&rewritten) {
                return Some(rewritten);
            }
        }
    }
    None
}

/// Whether `key` (dotted, e.g. `lint.isort.known-first-party`) is an option Ruff knows.
fn is_option(key: &str) -> bool {
    options().binary_search(&key).is_ok()
}

/// Whether `key` names a section of options (`lint`, `lint.isort`).
fn is_section(key: &str) -> bool {
    let prefix = format!("{key}.");
    options().iter().any(|o| o.starts_with(&prefix))
}

fn options() -> &'static [&'static str] {
    static OPTIONS: OnceLock<Vec<&'static str>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut v: Vec<&str> = OPTIONS_TXT
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect();
        v.sort_unstable();
        v
    })
}

/// The keys of a Ruff configuration table (`[tool.ruff]` or a `ruff.toml`) that Ruff does not
/// know, dotted, each with the closest known key at its level. Ruff's lint options may also
/// stand at the top level (deprecated there, still accepted).
pub fn unknown_option_keys(table: &toml::Table) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    walk(table, "", &mut out);
    out
}

fn walk(table: &toml::Table, prefix: &str, out: &mut Vec<(String, Option<String>)>) {
    for (key, value) in table {
        let dotted = format!("{prefix}{key}");
        let legacy = prefix.is_empty().then(|| format!("lint.{key}"));
        let known_as = [Some(dotted.clone()), legacy]
            .into_iter()
            .flatten()
            .find(|k| is_option(k) || is_section(k));
        match known_as {
            // A leaf option: its value is Ruff's business (e.g. a per-file-ignores table).
            Some(k) if is_option(&k) => {}
            Some(k) => {
                if let toml::Value::Table(t) = value {
                    walk(t, &format!("{k}."), out);
                }
            }
            None => {
                let level: Vec<&str> = options()
                    .iter()
                    .filter_map(|o| o.strip_prefix(prefix))
                    .map(|rest| rest.split('.').next().unwrap_or(rest))
                    .collect();
                out.push((dotted, closest(key, level.iter().copied())));
            }
        }
    }
}

/// The candidate closest to `key` by edit distance, if it is close enough to be a typo.
pub fn closest<'a>(key: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    candidates
        .map(|c| (strsim::levenshtein(key, c), c))
        .filter(|(d, c)| *d <= (key.len().max(c.len()) / 3).max(2))
        .min()
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_ruff_accepts_and_rejects() {
        // Probed with ruff 0.17.6 `--select X`.
        for ok in [
            "ALL", "F", "F4", "F40", "F401", "E", "E5", "E501", "W1", "PL", "PLC", "PLC0", "C",
            "T", "C9", "C90", "C901", "TID", "TID2", "TID252", "I", "I001", "U", "UP0", "TCH",
            "PGH001", "I252",
        ] {
            assert!(canonical_selector(ok).is_some(), "{ok} is accepted by Ruff");
        }
        for bad in ["F999", "F4011", "e501", "P", "X", "H", "RUF9", "MX", ""] {
            assert!(
                canonical_selector(bad).is_none(),
                "{bad} is rejected by Ruff"
            );
        }
        assert_eq!(canonical_selector("I252").as_deref(), Some("TID252"));
        assert_eq!(canonical_selector("U").as_deref(), Some("UP"));
    }

    #[test]
    fn unknown_ruff_keys_are_found_with_a_suggestion() {
        let t: toml::Table = r#"
extend-exlude = ["x"]
select = ["F"]
[lint]
ignore = ["F401"]
[lint.isort]
known-first-parti = ["a"]
[lint.per-file-ignores]
"anything/**" = ["F401"]
[format]
quote-style = "single"
"#
        .parse()
        .unwrap();
        let unknown = unknown_option_keys(&t);
        assert_eq!(
            unknown,
            vec![
                (
                    "extend-exlude".to_string(),
                    Some("extend-exclude".to_string())
                ),
                (
                    "lint.isort.known-first-parti".to_string(),
                    Some("known-first-party".to_string())
                ),
            ]
        );
    }
}
