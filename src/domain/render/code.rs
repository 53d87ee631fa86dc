//! `code`: text shown as code with line numbers, highlighted on the server
//! (`backend::render::highlight`). Objects and arrays are shown as pretty JSON.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::document::cut_text;
use super::{DataPath, ShapeError, Shaped, text_at};

/// Longest code shown, in bytes.
pub const MAX_CODE: usize = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeConfig {
    /// Where the code is inside the data (default: the data itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<DataPath>,
    /// The language (`rust`, `python`, `json`, …), or where the data names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language_path: Option<DataPath>,
    #[serde(default = "yes")]
    pub line_numbers: bool,
    /// Wrap long lines instead of scrolling them.
    #[serde(default)]
    pub wrap: bool,
}

fn yes() -> bool {
    true
}

impl Default for CodeConfig {
    fn default() -> Self {
        CodeConfig {
            path: None,
            language: None,
            language_path: None,
            line_numbers: true,
            wrap: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeView {
    pub text: String,
    /// The language name as given (the highlighter falls back to plain text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    pub line_numbers: bool,
    pub wrap: bool,
}

pub fn shape(data: &Value, c: &CodeConfig) -> Result<Shaped<CodeView>, ShapeError> {
    let v = match &c.path {
        Some(p) => p
            .get(data)
            .ok_or_else(|| ShapeError(format!("code: the data has nothing at `{p}`")))?,
        None => data,
    };
    let mut language = c
        .language
        .clone()
        .or_else(|| text_at(data, c.language_path.as_ref(), 40));
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Null => return Err(ShapeError("code expects text; got null".into())),
        Value::Object(_) | Value::Array(_) => {
            language.get_or_insert_with(|| "json".into());
            serde_json::to_string_pretty(v).unwrap_or_default()
        }
        other => other.to_string(),
    };
    let cut = cut_text(&text, MAX_CODE);
    Ok(Shaped {
        view: CodeView {
            text: cut.view,
            language,
            line_numbers: c.line_numbers,
            wrap: c.wrap,
        },
        notice: cut.notice,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn code_and_its_language_come_from_config_or_data() {
        let c: CodeConfig = serde_json::from_value(json!({"path": "src", "language_path": "lang"}))
            .expect("config");
        let v = shape(&json!({"src": "fn main() {}", "lang": "rust"}), &c)
            .expect("code")
            .view;
        assert_eq!(
            (v.text.as_str(), v.language.as_deref()),
            ("fn main() {}", Some("rust"))
        );
        let v = shape(&json!({"a": [1]}), &CodeConfig::default())
            .expect("json")
            .view;
        assert_eq!(v.language.as_deref(), Some("json"));
        assert!(v.text.contains("\n"), "pretty printed");
        assert!(v.line_numbers && !v.wrap);
    }

    #[test]
    fn wrong_shapes_are_named() {
        assert_eq!(
            shape(&json!(null), &CodeConfig::default())
                .expect_err("null")
                .0,
            "code expects text; got null"
        );
    }
}
