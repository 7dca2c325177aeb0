//! `fix duplicate-test-classes`: a test class defined twice at module level (F811 on a class
//! named `Test...`) hides the first from the test runner. Each later duplicate is renamed
//! `TestFoo_2`, `TestFoo_3`, ... (the first name free in the module), so every one runs.
//!
//! Renaming never changes what a name refers to: a duplicate the module uses after its
//! definition (a subclass, a reference, `__all__`), or that another file imports by name, is
//! left as it is, with the reason.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{Left, Plan};
use crate::rewrite::Edit;
use crate::store::FixFile;

/// A module-level class of a file: name, line, column (1-based characters), uses after it.
pub type ClassBinding = (String, u32, u32, u32);

/// What the fix reads of one file.
pub struct FileInput {
    pub text: String,
    pub classes: Vec<ClassBinding>,
    /// Names bound at module level.
    pub names: HashSet<String>,
}

/// Plans the renames of the classes at `flagged` (path -> F811 positions as (line, col)).
/// `importers(module, name)` lists the files that import `name` from `module`.
pub fn plan(
    files: &BTreeMap<String, FixFile>,
    flagged: &BTreeMap<String, Vec<(u32, u32)>>,
    input_of: &mut dyn FnMut(&FixFile) -> anyhow::Result<Option<FileInput>>,
    importers: &mut dyn FnMut(&str, &str) -> anyhow::Result<Vec<String>>,
) -> anyhow::Result<Plan> {
    let mut plan = Plan::default();
    for (path, positions) in flagged {
        let Some(file) = files.get(path) else {
            continue;
        };
        let Some(mut input) = input_of(file)? else {
            continue;
        };
        let wanted: HashSet<(u32, u32)> = positions.iter().copied().collect();
        let lines = crate::syntax::LineIndex::new(&input.text);
        let mut next_suffix: HashMap<String, u32> = HashMap::new();
        let mut edits = Vec::new();
        let mut at = Vec::new();
        for (name, line, col, uses) in &input.classes {
            if !name.starts_with("Test") || !wanted.contains(&(*line, *col)) {
                continue;
            }
            let mut left = |reason: String| {
                plan.left.push(Left {
                    path: path.clone(),
                    line: *line,
                    reason,
                })
            };
            if *uses > 0 {
                left(format!(
                    "`{name}` is used after this definition: renaming it would change what the use refers to"
                ));
                continue;
            }
            if let Some(module) = file.module.as_deref() {
                let from = importers(module, name)?;
                if let Some(first) = from.first() {
                    left(format!("{first} imports `{name}` from this module"));
                    continue;
                }
            }
            // The byte range of the class name at (line, col).
            let start = lines.offset(*line, *col);
            let end = start + name.len();
            if input.text.get(start..end) != Some(name.as_str()) {
                left("the text does not match the index".into());
                continue;
            }
            let n = next_suffix.entry(name.clone()).or_insert(2);
            let new = loop {
                let candidate = format!("{name}_{n}");
                *n += 1;
                if !input.names.contains(&candidate) {
                    break candidate;
                }
            };
            input.names.insert(new.clone());
            edits.push(Edit {
                start,
                end,
                text: new,
            });
            at.push((*line, *col));
        }
        plan.add(path, edits, at);
    }
    plan.left.sort();
    Ok(plan)
}
