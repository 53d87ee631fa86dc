//! `dropdown`: the rows as choices; picking one writes its value into a field, saved like
//! any answer.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{DataPath, ShapeError, Shaped, rows_of, text_of};
use crate::domain::FieldKey;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DropdownConfig {
    /// The field the chosen value is written into.
    pub field: FieldKey,
    /// Where the rows are inside the data (default: the data itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<DataPath>,
    /// Each row's label and value (default: the row itself).
    #[serde(default = "DataPath::whole")]
    pub label_path: DataPath,
    #[serde(default = "DataPath::whole")]
    pub value_path: DataPath,
    /// The text of the empty choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DropdownView {
    pub field: FieldKey,
    pub placeholder: String,
    pub choices: Vec<Choice>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub label: String,
    pub value: Value,
}

pub fn shape(data: &Value, c: &DropdownConfig) -> Result<Shaped<DropdownView>, ShapeError> {
    let (rows, notice) = rows_of("dropdown", data, c.rows.as_ref(), "an array")?;
    let choices = rows
        .iter()
        .filter_map(|row| {
            let value = c.value_path.get(row)?.clone();
            let label = c
                .label_path
                .get(row)
                .map_or_else(|| text_of(&value, 200), |l| text_of(l, 200));
            (!value.is_null()).then_some(Choice { label, value })
        })
        .collect::<Vec<_>>();
    if choices.is_empty() && !rows.is_empty() {
        return Err(ShapeError(format!(
            "dropdown: no row has a value at `{}`",
            c.value_path
        )));
    }
    Ok(Shaped {
        view: DropdownView {
            field: c.field.clone(),
            placeholder: c.placeholder.clone().unwrap_or_else(|| "Choose…".into()),
            choices,
        },
        notice,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rows_become_choices_with_their_values() {
        let c: DropdownConfig = serde_json::from_value(json!({
            "field": "city", "rows": "cities", "label_path": "name", "value_path": "code"
        }))
        .expect("config");
        let data = json!({"cities": [{"name": "Oslo", "code": "OSL"}, {"name": "Rome", "code": 7}, {"name": "None"}]});
        let v = shape(&data, &c).expect("dropdown").view;
        assert_eq!(
            v.choices,
            [
                Choice {
                    label: "Oslo".into(),
                    value: json!("OSL")
                },
                Choice {
                    label: "Rome".into(),
                    value: json!(7)
                },
            ]
        );
        assert_eq!(v.field.as_str(), "city");
        let plain: DropdownConfig =
            serde_json::from_value(json!({"field": "city"})).expect("config");
        let v = shape(&json!(["a", "b"]), &plain).expect("strings").view;
        assert_eq!(v.choices[1].label, "b");
    }

    #[test]
    fn wrong_shapes_are_named() {
        let c: DropdownConfig =
            serde_json::from_value(json!({"field": "city", "value_path": "id"})).expect("config");
        assert_eq!(
            shape(&json!(3), &c).expect_err("number").0,
            "dropdown expects an array; got a number"
        );
        assert_eq!(
            shape(&json!([{"x": 1}]), &c).expect_err("no values").0,
            "dropdown: no row has a value at `id`"
        );
    }
}
