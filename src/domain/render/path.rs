//! `DataPath`: where a renderer finds a value inside a row (`address.city`, `tags[0]`,
//! `["first name"]`). Parsed once, when a configuration is read, so a path that cannot
//! name anything is refused at save time with its JSON path; looking it up never fails,
//! it only finds nothing.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A dotted path of object keys and array indexes; the empty path (`""` or `@`) is the
/// row itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DataPath {
    text: String,
    steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Step {
    Key(String),
    Index(usize),
}

/// Longest path accepted, in characters.
const MAX_LEN: usize = 300;

impl DataPath {
    /// The row itself.
    pub fn whole() -> Self {
        DataPath {
            text: String::new(),
            steps: Vec::new(),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn is_whole(&self) -> bool {
        self.steps.is_empty()
    }

    /// The value the path names in `v`, if any.
    pub fn get<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        self.steps.iter().try_fold(v, |at, step| match step {
            Step::Key(k) => at.as_object()?.get(k),
            Step::Index(i) => at.as_array()?.get(*i),
        })
    }

    /// The last key of the path, which makes a readable column heading (`city` for
    /// `address.city`).
    pub fn label(&self) -> String {
        match self.steps.last() {
            Some(Step::Key(k)) => k.clone(),
            Some(Step::Index(_)) | None => self.text.clone(),
        }
    }
}

impl FromStr for DataPath {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = |why: &str| Err(format!("`{text}` is not a path: {why}"));
        if text.chars().count() > MAX_LEN {
            return Err(format!("a path has at most {MAX_LEN} characters"));
        }
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed == "@" {
            return Ok(DataPath::whole());
        }
        let mut steps = Vec::new();
        let mut rest = trimmed;
        let mut first = true;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('[') {
                let Some(end) = after.find(']') else {
                    return bad("a `[` is not closed");
                };
                let inside = &after[..end];
                if let Some(quoted) = inside.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                    steps.push(Step::Key(quoted.to_owned()));
                } else {
                    match inside.parse::<usize>() {
                        Ok(i) => steps.push(Step::Index(i)),
                        Err(_) => return bad("inside `[ ]` goes an index (`[0]`) or a quoted key"),
                    }
                }
                rest = &after[end + 1..];
            } else {
                if !first {
                    match rest.strip_prefix('.') {
                        Some(r) => rest = r,
                        None => return bad("keys are separated by `.`"),
                    }
                }
                let end = rest.find(['.', '[']).unwrap_or(rest.len());
                let key = &rest[..end];
                if key.is_empty() {
                    return bad("a key is missing");
                }
                if !key
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '$'))
                {
                    return bad("write keys with other characters as `[\"a key\"]`");
                }
                steps.push(Step::Key(key.to_owned()));
                rest = &rest[end..];
            }
            first = false;
        }
        Ok(DataPath {
            text: trimmed.to_owned(),
            steps,
        })
    }
}

impl fmt::Display for DataPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for DataPath {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for DataPath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(s: &str) -> DataPath {
        s.parse().expect(s)
    }

    #[test]
    fn paths_find_keys_indexes_and_quoted_keys() {
        let v = json!({"a": {"b": [10, {"c": "deep"}]}, "first name": "Ada"});
        assert_eq!(p("a.b[0]").get(&v), Some(&json!(10)));
        assert_eq!(p("a.b[1].c").get(&v), Some(&json!("deep")));
        assert_eq!(p("[\"first name\"]").get(&v), Some(&json!("Ada")));
        assert_eq!(p("").get(&v), Some(&v));
        assert_eq!(p("@").get(&v), Some(&v));
        assert_eq!(p("a.missing").get(&v), None);
        assert_eq!(p("a.b[9]").get(&v), None);
        assert_eq!(p("a.b.c").get(&v), None, "a key on an array finds nothing");
        assert_eq!(p("address.city").label(), "city");
    }

    #[test]
    fn malformed_paths_are_refused_with_the_reason() {
        for (bad, why) in [
            ("a..b", "a key is missing"),
            ("a.", "a key is missing"),
            ("a[0", "not closed"),
            ("a[x]", "index"),
            ("a b", "[\"a key\"]"),
            ("[0]b", "separated by `.`"),
        ] {
            let err = bad.parse::<DataPath>().expect_err(bad);
            assert!(err.contains(why), "{bad}: {err}");
        }
        let long = "a".repeat(301);
        assert!(long.parse::<DataPath>().is_err());
    }

    #[test]
    fn paths_travel_as_their_text() {
        let path: DataPath = serde_json::from_value(json!("rows[2].name")).expect("path");
        assert_eq!(
            serde_json::to_value(&path).expect("json"),
            json!("rows[2].name")
        );
        let err = serde_json::from_value::<DataPath>(json!("rows..name")).expect_err("bad");
        assert!(err.to_string().contains("is not a path"), "{err}");
    }
}
