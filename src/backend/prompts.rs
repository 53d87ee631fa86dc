//! The prompts that ask a language model for library code (DESIGN §5, issue 14). They are
//! files in the repository (`prompts/library/`), compiled in as the defaults, and may be
//! replaced at start by a directory named in the configuration (`llm_prompts_dir`) holding
//! `base.md` and `child.md`, so wording can change without a rebuild.

use std::path::Path;

/// The base prompt (every generation) and the child prompt (appended when the action has a
/// parent). Placeholders: `{{name}}`, `{{description}}`, `{{parent_name}}`,
/// `{{parent_description}}`, `{{parent_params}}`.
#[derive(Debug, Clone)]
pub struct Prompts {
    pub base: String,
    pub child: String,
}

impl Default for Prompts {
    fn default() -> Self {
        Self {
            base: include_str!("../../prompts/library/base.md").to_owned(),
            child: include_str!("../../prompts/library/child.md").to_owned(),
        }
    }
}

impl Prompts {
    /// Reads `base.md` and `child.md` from `dir`; a missing or empty file is an error that
    /// names it (the server refuses to start rather than ask with a blank prompt).
    pub fn from_dir(dir: &Path) -> Result<Self, String> {
        let read = |file: &str| {
            let path = dir.join(file);
            match std::fs::read_to_string(&path) {
                Ok(text) if !text.trim().is_empty() => Ok(text),
                Ok(_) => Err(format!("{} is empty", path.display())),
                Err(e) => Err(format!("{}: {e}", path.display())),
            }
        };
        Ok(Self {
            base: read("base.md")?,
            child: read("child.md")?,
        })
    }
}

/// Replaces each `{{key}}` of `template` by its value (one pass, so a value containing
/// `{{…}}` is left as it is).
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let key = after[..end].trim();
                match vars.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => out.push_str(v),
                    None => out.push_str(&rest[start..start + 2 + end + 2]),
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_known_keys_once_and_keeps_unknown_ones() {
        let s = fill(
            "call {{parent_name}} as {{ name }}; {{unknown}} {{",
            &[("parent_name", "P {{name}}"), ("name", "C")],
        );
        assert_eq!(s, "call P {{name}} as C; {{unknown}} {{");
    }

    #[test]
    fn the_built_in_child_prompt_names_the_parent_by_name() {
        let p = Prompts::default();
        let filled = fill(&p.child, &[("parent_name", "Call Salesforce API")]);
        assert!(filled.contains("runAction(\"Call Salesforce API\""));
        assert!(p.base.contains("{{name}}"));
    }
}
