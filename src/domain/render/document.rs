//! `document`: Markdown text, turned into sanitized HTML on the server
//! (`backend::render::markdown`); here only the text is found and bounded.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{DataPath, ShapeError, Shaped, describe};

/// Longest Markdown text rendered, in bytes; longer text is cut with a notice.
pub const MAX_MARKDOWN: usize = 512 * 1024;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentConfig {
    /// Where the Markdown is inside the data (default: the data is the text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<DataPath>,
}

pub fn shape(data: &Value, c: &DocumentConfig) -> Result<Shaped<String>, ShapeError> {
    let v = match &c.path {
        Some(p) => p
            .get(data)
            .ok_or_else(|| ShapeError(format!("document: the data has nothing at `{p}`")))?,
        None => data,
    };
    let Value::String(text) = v else {
        return Err(ShapeError(format!(
            "document expects Markdown text; got {}",
            describe(v)
        )));
    };
    Ok(cut_text(text, MAX_MARKDOWN))
}

/// `text` within `max` bytes (cut at a character boundary, with a notice).
pub(crate) fn cut_text(text: &str, max: usize) -> Shaped<String> {
    if text.len() <= max {
        return Shaped {
            view: text.to_owned(),
            notice: None,
        };
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Shaped {
        view: text[..end].to_owned(),
        notice: Some(format!(
            "Showing the first {} KB of {} KB.",
            max / 1024,
            text.len().div_ceil(1024)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_text_is_found_and_bounded() {
        let c: DocumentConfig = serde_json::from_value(json!({"path": "body"})).expect("config");
        assert_eq!(
            shape(&json!({"body": "# Hi"}), &c).expect("doc").view,
            "# Hi"
        );
        let long = "é".repeat(MAX_MARKDOWN);
        let cut = shape(&json!(long), &DocumentConfig::default()).expect("long");
        assert!(cut.view.len() <= MAX_MARKDOWN);
        assert_eq!(
            cut.notice.as_deref(),
            Some("Showing the first 512 KB of 1024 KB.")
        );
    }

    #[test]
    fn wrong_shapes_are_named() {
        let e = shape(&json!([1]), &DocumentConfig::default()).expect_err("array");
        assert_eq!(
            e.0,
            "document expects Markdown text; got an array of numbers"
        );
        let c: DocumentConfig = serde_json::from_value(json!({"path": "body"})).expect("config");
        assert_eq!(
            shape(&json!({}), &c).expect_err("missing").0,
            "document: the data has nothing at `body`"
        );
    }
}
