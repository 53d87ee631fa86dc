//! `list`: items with a primary and an optional secondary text, ordered or not.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{DataPath, ShapeError, Shaped, rows_of, text_at, text_of};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<DataPath>,
    /// Each item's main text (default: the item itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<DataPath>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary: Option<DataPath>,
    /// Numbered (`<ol>`) rather than bulleted.
    #[serde(default)]
    pub ordered: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListView {
    pub ordered: bool,
    pub items: Vec<ListItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListItem {
    pub primary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary: Option<String>,
}

const MAX_TEXT: usize = 500;

pub fn shape(data: &Value, c: &ListConfig) -> Result<Shaped<ListView>, ShapeError> {
    let (rows, notice) = rows_of("list", data, c.rows.as_ref(), "an array")?;
    let items = rows
        .iter()
        .map(|row| ListItem {
            primary: match &c.primary {
                Some(p) => text_at(row, Some(p), MAX_TEXT).unwrap_or_default(),
                None => text_of(row, MAX_TEXT),
            },
            secondary: text_at(row, c.secondary.as_ref(), MAX_TEXT),
        })
        .collect();
    Ok(Shaped {
        view: ListView {
            ordered: c.ordered,
            items,
        },
        notice,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_take_their_texts_from_paths() {
        let c: ListConfig =
            serde_json::from_value(json!({"primary": "t", "secondary": "s", "ordered": true}))
                .expect("config");
        let v = shape(&json!([{"t": "One", "s": "first"}, {"t": "Two"}]), &c)
            .expect("list")
            .view;
        assert!(v.ordered);
        assert_eq!(
            v.items[0],
            ListItem {
                primary: "One".into(),
                secondary: Some("first".into())
            }
        );
        assert_eq!(v.items[1].secondary, None);
        let plain = shape(&json!(["a", 2]), &ListConfig::default())
            .expect("scalars")
            .view;
        assert_eq!(plain.items[1].primary, "2");
    }

    #[test]
    fn wrong_shapes_are_named() {
        assert_eq!(
            shape(&json!(true), &ListConfig::default())
                .expect_err("bool")
                .0,
            "list expects an array; got a boolean"
        );
    }
}
