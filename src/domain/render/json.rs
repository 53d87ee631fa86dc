//! `json`: a collapsible tree of any JSON value, opened to a configured depth; the browser
//! builds nodes only as they are opened, so large documents stay light.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{DataPath, ShapeError, Shaped};

/// Deepest level a configuration may open initially.
pub const MAX_OPEN_DEPTH: u8 = 10;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<DataPath>,
    /// Levels open when shown (0: only the root line).
    #[serde(default = "one")]
    pub open_depth: u8,
}

fn one() -> u8 {
    1
}

impl Default for JsonConfig {
    fn default() -> Self {
        JsonConfig {
            path: None,
            open_depth: 1,
        }
    }
}

impl JsonConfig {
    pub(super) fn problems(&self) -> Vec<(String, String)> {
        if self.open_depth > MAX_OPEN_DEPTH {
            vec![(
                "open_depth".into(),
                format!("must be at most {MAX_OPEN_DEPTH}"),
            )]
        } else {
            Vec::new()
        }
    }
}

pub fn shape(data: &Value, c: &JsonConfig) -> Result<Shaped<Value>, ShapeError> {
    let v = match &c.path {
        Some(p) => p
            .get(data)
            .ok_or_else(|| ShapeError(format!("json: the data has nothing at `{p}`")))?,
        None => data,
    };
    Ok(Shaped {
        view: v.clone(),
        notice: None,
    })
}

/// The path of a child in JavaScript/JMESPath notation, for "copy path":
/// `items[2].name`, `["a key"]`.
pub fn child_path(parent: &str, key: Result<&str, usize>) -> String {
    match key {
        Err(i) => format!("{parent}[{i}]"),
        Ok(k)
            if !k.is_empty()
                && !k.starts_with(|c: char| c.is_ascii_digit())
                && k.chars().all(|c| c.is_alphanumeric() || c == '_') =>
        {
            if parent.is_empty() {
                k.to_owned()
            } else {
                format!("{parent}.{k}")
            }
        }
        Ok(k) => format!("{parent}[{}]", Value::String(k.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn any_value_is_a_tree_and_paths_copy_readably() {
        assert_eq!(
            shape(&json!("x"), &JsonConfig::default())
                .expect("string")
                .view,
            json!("x")
        );
        let c: JsonConfig = serde_json::from_value(json!({"path": "a"})).expect("config");
        assert_eq!(
            shape(&json!({"a": [1]}), &c).expect("at path").view,
            json!([1])
        );
        assert!(shape(&json!({}), &c).is_err());
        assert_eq!(child_path("", Ok("items")), "items");
        assert_eq!(child_path("items", Err(2)), "items[2]");
        assert_eq!(
            child_path("items[2]", Ok("first name")),
            "items[2][\"first name\"]"
        );
        assert_eq!(child_path("a", Ok("1x")), "a[\"1x\"]");
    }
}
